"""Creating a territory: ``manage.py create_territory`` and the console form.

A good one comes with its default pages, its operator and its audit entry; a bad
one (slug taken or reserved, negative commission, bad colour…) stops with a
French message and leaves no trace.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from cabas.audit.models import AuditEntry
from cabas.factories import TerritoryFactory, UserFactory
from cabas.pages.models import Page, PageKind
from cabas.territories.models import Territory, TerritoryMembership

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("create_territory", *args, stdout=out)
    return out.getvalue()


def test_the_command_creates_a_ready_territory():
    operator = UserFactory(email="mairie@saint-malo.example")

    output = _run(
        "--slug=saint-malo",
        "--name=Saint-Malo",
        "--centre=48.6493,-2.0257",
        "--commission-bp=250",
        "--colour=#0055A4",
        "--operator-name=Ville de Saint-Malo",
        "--contact-email=commerces@saint-malo.example",
        f"--operator={operator.email}",
    )

    territory = Territory.objects.get(slug="saint-malo")
    assert "Saint-Malo" in output and "/saint-malo/console/" in output
    assert (territory.centre_lat, territory.centre_lon) == (48.6493, -2.0257)
    assert (territory.commission_bp, territory.primary_colour) == (250, "#0055a4")
    assert (territory.timezone, territory.currency) == ("Europe/Paris", "EUR")
    assert set(Page.objects.filter(territory=territory).values_list("kind", flat=True)) == set(
        PageKind.values
    )
    legal = Page.objects.get(territory=territory, kind=PageKind.LEGAL)
    assert "Ville de Saint-Malo" in legal.body and "commerces@saint-malo.example" in legal.body
    assert TerritoryMembership.objects.filter(territory=territory, user=operator).exists()
    entry = AuditEntry.objects.get(territory=territory)
    assert (entry.action, entry.actor_label) == ("territory.create", "commande create_territory")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--slug=ville"], "L'identifiant « ville » est déjà pris par un autre territoire."),
        (["--slug=VILLE"], "L'identifiant « VILLE » ne convient pas"),
        (["--slug=console"], "L'identifiant « console » est réservé par le site"),
        (["--slug=admin"], "L'identifiant « admin » est réservé par le site"),
        (["--slug=nouvelle", "--commission-bp=-5"], "La commission ne peut pas être négative."),
        (["--slug=nouvelle", "--commission-bp=10001"], "La commission ne peut pas dépasser 100 %"),
        (["--slug=nouvelle", "--colour=vert"], "« vert » n'est pas une couleur"),
        (["--slug=nouvelle", "--centre=48.1"], "Le centre s'écrit LATITUDE,LONGITUDE"),
        (["--slug=nouvelle", "--centre=95,2"], "La latitude va de -90 à 90."),
        (["--slug=nouvelle", "--timezone=Europe/Lutece"], "Fuseau horaire inconnu"),
        (["--slug=nouvelle", "--currency=EUROS"], "Devise inconnue"),
        (["--slug=nouvelle", "--operator=personne@example.org"], "Aucun compte n'existe pour"),
        (["--slug=nouvelle", "--contact-email=pas-un-mail"], "n'est pas une adresse e-mail"),
    ],
)
def test_bad_input_stops_the_command_and_saves_nothing(territory, args, message):
    before = (Territory.objects.count(), Page.objects.count(), AuditEntry.objects.count())
    base = {"--slug": "nouvelle", "--name": "Nouvelle", "--centre": "47.2,-1.55"}
    for arg in args:
        key, value = arg.split("=", 1)
        base[key] = value

    with pytest.raises(CommandError) as error:
        _run(*(f"{key}={value}" for key, value in base.items()))

    assert message in str(error.value)
    assert (Territory.objects.count(), Page.objects.count(), AuditEntry.objects.count()) == before


def test_a_platform_admin_creates_a_territory_from_the_console(client, django_user_model):
    admin = django_user_model.objects.create_superuser("admin@cabas.example", "x" * 12)
    operator = UserFactory(email="ops@quimper.example")
    client.force_login(admin)

    response = client.post(
        reverse("console:territory_new"),
        {
            "slug": "quimper",
            "name": "Quimper",
            "centre_lat": "47.996",
            "centre_lon": "-4.102",
            "timezone": "Europe/Paris",
            "currency": "EUR",
            "commission": "1,5",
            "primary_colour": "#003366",
            "operator_email": operator.email,
        },
    )

    assert response.status_code == 302
    territory = Territory.objects.get(slug="quimper")
    assert response["Location"] == reverse("console:dashboard", kwargs={"territory": "quimper"})
    assert territory.commission_bp == 150
    assert TerritoryMembership.objects.filter(territory=territory, user=operator).exists()
    assert AuditEntry.objects.get(territory=territory).actor == admin
    assert client.get(f"/{territory.slug}/pages/{PageKind.ABOUT}/").status_code == 200


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("slug", "ville", "est déjà pris par un autre territoire"),
        ("slug", "espace-commercant", "est réservé par le site"),
        ("commission", "-2", "La commission ne peut pas être négative."),
        ("commission", "deux", "Indiquez un pourcentage"),
        ("primary_colour", "#12345", "n'est pas une couleur"),
        ("centre_lat", "-91", "La latitude va de -90 à 90."),
    ],
)
def test_the_console_form_explains_bad_input_and_saves_nothing(
    client, django_user_model, territory, field, value, message
):
    admin = django_user_model.objects.create_superuser("admin@cabas.example", "x" * 12)
    client.force_login(admin)
    data = {
        "slug": "lorient",
        "name": "Lorient",
        "centre_lat": "47.75",
        "centre_lon": "-3.37",
        "timezone": "Europe/Paris",
        "currency": "EUR",
        "commission": "0",
        "primary_colour": "#003366",
        field: value,
    }

    response = client.post(reverse("console:territory_new"), data)

    assert response.status_code == 400
    html = response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')
    assert message in html
    assert "Rien n’a été enregistré" in html
    assert not Territory.objects.filter(slug__in=["lorient", "espace-commercant"]).exists()
    assert Territory.objects.count() == 1


def test_a_slug_taken_meanwhile_is_reported_not_crashed(monkeypatch):
    """Two admins creating the same slug at once: the database constraint has the last word."""
    from cabas.territories import services
    from cabas.territories.errors import TerritoryError

    TerritoryFactory(slug="vannes")
    monkeypatch.setattr(services, "check_slug", lambda slug: slug)

    with pytest.raises(TerritoryError) as error:
        services.territory_create(
            data=services.NewTerritory(
                slug="vannes", name="Vannes", centre_lat=47.6, centre_lon=-2.7
            ),
            actor=None,
        )

    assert error.value.code == "slug_taken"
    assert Territory.objects.filter(slug="vannes").count() == 1


def test_the_admin_form_refuses_a_reserved_slug_and_a_bad_colour(client, django_user_model):
    admin = django_user_model.objects.create_superuser("admin@cabas.example", "x" * 12)
    client.force_login(admin)
    data = {
        "slug": "console",
        "name": "Console",
        "timezone": "Europe/Paris",
        "currency": "EUR",
        "country": "FR",
        "centre_lat": "48",
        "centre_lon": "2",
        "radius_km": "10",
        "commission_bp": "-1",
        "primary_colour": "vert",
        "accent_colour": "#f4b942",
        "languages": "fr,en",
        "default_slot_minutes": "30",
        "default_lead_minutes": "60",
        "default_capacity_per_slot": "4",
        "default_horizon_days": "7",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }

    response = client.post(reverse("admin:territories_territory_add"), data)

    html = response.content.decode().replace("&#x27;", "'")
    assert response.status_code == 200
    assert "L'identifiant « console » est réservé par le site" in html
    assert "Indiquez une couleur au format #RRGGBB" in html
    assert "supérieure ou égale à 0" in html
    assert not Territory.objects.filter(slug="console").exists()

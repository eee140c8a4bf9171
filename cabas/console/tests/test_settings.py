"""Settings and branding: colours, languages, rules, logo uploads; bad input saves nothing."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from cabas.audit.models import AuditEntry
from cabas.territories.models import Territory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _form(world, **changes) -> dict:
    data = {
        "name": world.territory.name,
        "tagline": "Vos commerces, près de chez vous",
        "primary_colour": "#0055a4",
        "accent_colour": "#ef4135",
        "languages": ["fr", "en"],
        "commission": "2,5",
        "operator_name": "Ville d'Aval",
        "contact_email": "commerces@aval.example",
        "default_slot_minutes": "20",
        "default_lead_minutes": "45",
        "default_capacity_per_slot": "6",
        "default_horizon_days": "5",
    }
    data.update(changes)
    return data


def _image(fmt: str = "PNG", size: tuple[int, int] = (300, 120)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (0, 85, 164)).save(buffer, format=fmt)
    return buffer.getvalue()


def _settings_url(world) -> str:
    return reverse("console:settings", kwargs={"territory": world.territory.slug})


def test_settings_change_the_storefront_and_are_logged(operator_client, world_a):
    response = operator_client.post(_settings_url(world_a), _form(world_a, languages=["fr"]))

    assert response.status_code == 302
    territory = Territory.objects.get(pk=world_a.territory.pk)
    assert territory.commission_bp == 250
    assert (territory.primary_colour, territory.accent_colour) == ("#0055a4", "#ef4135")
    assert territory.language_codes == ["fr"]
    assert territory.default_slot_minutes == 20
    entry = AuditEntry.objects.get(action="territory.settings")
    assert entry.details["commission_bp"] == {"from": 0, "to": 250}
    home = operator_client.get(f"/{territory.slug}/").content.decode()
    # The colours come from the territory's stylesheet (no inline style under the CSP).
    theme = operator_client.get(re.search(r'href="(/theme/[^"]+\.css)"', home)[1])
    assert "--brand:#0055a4" in theme.content.decode()
    assert "--accent:#ef4135" in theme.content.decode()
    assert "Vos commerces, près de chez vous" in home
    assert 'value="en"' not in home  # English is no longer offered


@pytest.mark.parametrize(
    ("changes", "field_message"),
    [
        ({"commission": "-1"}, "La commission ne peut pas être négative."),
        ({"commission": "150"}, "La commission ne peut pas dépasser 100 %"),
        ({"primary_colour": "rouge"}, "n'est pas une couleur"),
        ({"accent_colour": "#ggg000"}, "n'est pas une couleur"),
        ({"languages": ["en"]}, "Le français est toujours proposé."),
        ({"languages": ["fr", "de"]}, "Sélectionnez un choix valide"),
        ({"default_slot_minutes": "2"}, "Un créneau dure de 5 à 480 minutes."),
        ({"default_horizon_days": "30"}, "Les créneaux sont proposés sur 1 à 14 jours."),
        ({"contact_email": "commerces@"}, "n'est pas une adresse e-mail"),
        ({"name": " "}, "Ce champ est obligatoire."),
    ],
)
def test_bad_settings_are_explained_and_nothing_is_saved(
    operator_client, world_a, changes, field_message
):
    before = Territory.objects.filter(pk=world_a.territory.pk).values().get()

    response = operator_client.post(_settings_url(world_a), _form(world_a, **changes))

    assert response.status_code == 400
    html = response.content.decode().replace("&#x27;", "'")
    assert field_message in html
    assert Territory.objects.filter(pk=world_a.territory.pk).values().get() == before
    assert not AuditEntry.objects.filter(action="territory.settings").exists()


def _upload(client, world, content: bytes, name: str = "logo.png", content_type="image/png"):
    return client.post(
        reverse("console:logo", kwargs={"territory": world.territory.slug}),
        {"logo": SimpleUploadedFile(name, content, content_type=content_type)},
    )


def test_a_logo_is_re_encoded_and_shown_in_the_header(operator_client, world_a, media):
    response = _upload(operator_client, world_a, _image("JPEG", (1200, 400)), "logo.jpg")

    assert response.status_code == 302
    territory = Territory.objects.get(pk=world_a.territory.pk)
    with Image.open(territory.logo.path) as stored:
        assert stored.format == "PNG"
        assert stored.size == (600, 200)
    home = operator_client.get(f"/{territory.slug}/").content.decode()
    assert f'src="{territory.logo.url}"' in home
    assert AuditEntry.objects.filter(action="territory.logo").count() == 1


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (
            b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
            "logo.svg",
            "Les logos SVG ne sont pas acceptés",
        ),
        (b"%PDF-1.4 not an image", "logo.png", "n'est pas une image lisible"),
        (None, "logo.gif", "Formats acceptés : PNG, JPEG ou WebP."),
        (b"\x89PNG\r\n\x1a\n" + b"0" * (1024 * 1024 + 1), "logo.png", "la limite est de 1024 Ko"),
        ("tiny", "logo.png", "il en faut au moins 64 de côté"),
        ("huge", "logo.png", "4000 au plus de côté"),
        ("long", "logo.png", "Le logo est trop allongé"),
    ],
)
def test_bad_logos_are_refused_and_nothing_is_stored(
    operator_client, world_a, media, content, name, message
):
    if content is None:
        buffer = io.BytesIO()
        Image.new("RGB", (200, 200)).save(buffer, format="GIF")
        content = buffer.getvalue()
    elif content == "tiny":
        content = _image(size=(40, 40))
    elif content == "huge":
        content = _image(size=(4100, 1000))
    elif content == "long":
        content = _image(size=(1800, 100))

    response = _upload(operator_client, world_a, content, name)

    assert response.status_code == 400
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Territory.objects.get(pk=world_a.territory.pk).logo
    assert not any(media.rglob("*.png"))


def test_removing_the_logo_deletes_the_file_after_commit(
    operator_client, world_a, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _upload(operator_client, world_a, _image())
    stored = Territory.objects.get(pk=world_a.territory.pk).logo.path

    with django_capture_on_commit_callbacks(execute=True):
        operator_client.post(
            reverse("console:logo", kwargs={"territory": world_a.territory.slug}), {"remove": "1"}
        )

    assert not Territory.objects.get(pk=world_a.territory.pk).logo
    assert not (media / stored).exists()


def test_only_a_platform_admin_sets_a_domain(
    operator_client,
    client,
    world_a,
    world_b,
    django_user_model,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.ALLOWED_HOSTS = ["testserver", "commerces.aval.example"]
    host = {"Host": "commerces.aval.example"}
    url = reverse("console:domain", kwargs={"territory": world_a.territory.slug})
    assert operator_client.post(url, {"domain": "commerces.aval.example"}).status_code == 403
    assert client.get("/", headers=host).status_code == 200  # no territory has it yet

    admin = django_user_model.objects.create_superuser("admin@cabas.example", "x" * 12)
    client.force_login(admin)
    assert client.post(url, {"domain": "pas un domaine"}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"domain": "Commerces.Aval.example"}).status_code == 302

    assert Territory.objects.get(pk=world_a.territory.pk).domain == "commerces.aval.example"
    home = client.get("/", headers=host)
    assert (home.status_code, home["Location"]) == (302, "/aval/")

"""Content pages and announcements: defaults, safe rendering, what the storefront shows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cabas.audit.models import AuditEntry
from cabas.factories import TerritoryFactory
from cabas.pages import services
from cabas.pages.errors import PagesError
from cabas.pages.models import Announcement, Page, PageKind
from cabas.pages.rendering import render_page_body

pytestmark = pytest.mark.django_db


def test_every_page_has_a_default_text_naming_the_territory(client):
    territory = TerritoryFactory(slug="aval", name="Aval", operator_name="Ville d'Aval")

    for kind in PageKind.values:
        response = client.get(reverse("pages:page", kwargs={"territory": "aval", "kind": kind}))
        html = response.content.decode().replace("&#x27;", "'")
        assert response.status_code == 200, kind
        assert "Aval" in html and "Ville d'Aval" in html, kind
    assert not Page.objects.filter(territory=territory).exists()  # defaults, not rows


def test_unknown_pages_and_territories_are_404(client, territory):
    assert client.get("/ville/pages/inconnue/").status_code == 404
    assert client.get("/nulle-part/pages/cgu/").status_code == 404


def test_operator_text_is_escaped_and_formatted():
    html = render_page_body(
        "## Qui <b>sommes</b>-nous\nUne <script>alert(1)</script> ligne\nsuite\n\n"
        "- un\n- deux https://example.org/a?b=1&c=2\n\njavascript:alert(1)"
    )

    assert "<h2>Qui &lt;b&gt;sommes&lt;/b&gt;-nous</h2>" in html
    assert "<p>Une &lt;script&gt;alert(1)&lt;/script&gt; ligne<br>suite</p>" in html
    assert (
        '<ul><li>un</li><li>deux <a href="https://example.org/a?b=1&amp;c=2" rel="nofollow">'
        in html
    )
    assert 'href="javascript' not in html


def test_the_operator_edits_a_page_and_the_public_sees_it(operator_client, world_a, client):
    url = reverse("console:page", kwargs={"territory": world_a.territory.slug, "kind": "cgv"})

    response = operator_client.post(url, {"title": "Nos CGV", "body": "## Prix\nEn euros <TTC>."})

    assert response.status_code == 302
    public = client.get(f"/{world_a.territory.slug}/pages/cgv/").content.decode()
    assert "<h1>Nos CGV</h1>" in public and "En euros &lt;TTC&gt;." in public
    assert AuditEntry.objects.filter(action="page.update").latest("pk").details == {"kind": "cgv"}


def test_an_empty_page_is_refused(operator_client, world_a):
    url = reverse("console:page", kwargs={"territory": world_a.territory.slug, "kind": "a-propos"})

    response = operator_client.post(url, {"title": "À propos", "body": "   "})

    assert response.status_code == 400
    assert Page.objects.get(territory=world_a.territory, kind="a-propos").body == "Bonjour."


def test_the_footer_links_every_page_and_the_impact_page(client, world_a):
    html = client.get(f"/{world_a.territory.slug}/").content.decode()

    for kind in PageKind.values:
        assert f'href="/{world_a.territory.slug}/pages/{kind}/"' in html
    assert f'href="/{world_a.territory.slug}/impact/"' in html


def test_the_home_shows_current_announcements_only(client, world_a):
    now = timezone.now()
    Announcement.objects.create(
        territory=world_a.territory,
        message="Braderie samedi",
        level="important",
        link_url="https://aval.example/braderie",
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(days=1),
    )
    Announcement.objects.create(
        territory=world_a.territory,
        message="Déjà fini",
        starts_at=now - dt.timedelta(days=3),
        ends_at=now - dt.timedelta(days=1),
    )
    Announcement.objects.create(
        territory=world_a.territory, message="Pas encore", starts_at=now + dt.timedelta(days=1)
    )

    html = client.get(f"/{world_a.territory.slug}/").content.decode()

    assert "Braderie samedi" in html and 'href="https://aval.example/braderie"' in html
    assert html.index("Braderie samedi") < html.index(world_a.announcement.message)
    assert "Déjà fini" not in html and "Pas encore" not in html


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"message": " "}, "message_required"),
        ({"message": "x" * 281}, "message_too_long"),
        ({"link_url": "javascript:alert(1)"}, "link_scheme"),
        ({"ends_at": dt.datetime(2029, 1, 1, tzinfo=dt.UTC)}, "dates_reversed"),
    ],
)
def test_bad_announcements_are_refused(world_a, changes, code):
    values = {"message": "Fête des voisins", "starts_at": dt.datetime(2030, 1, 1, tzinfo=dt.UTC)}
    values.update(changes)

    with pytest.raises(PagesError) as error:
        services.announcement_create(
            territory=world_a.territory, data=services.AnnouncementInput(**values), actor=None
        )

    assert error.value.code == code
    assert Announcement.objects.filter(territory=world_a.territory).count() == 1


def test_announcement_dates_are_read_in_the_territory_timezone(operator_client, world_a):
    world_a.territory.timezone = "America/Cayenne"
    world_a.territory.save()
    url = reverse("console:announcements", kwargs={"territory": world_a.territory.slug})

    operator_client.post(
        url, {"message": "Marché nocturne", "level": "info", "starts_at": "2030-06-01T18:00"}
    )

    created = Announcement.objects.get(message="Marché nocturne")
    assert created.starts_at == dt.datetime(2030, 6, 1, 21, 0, tzinfo=dt.UTC)

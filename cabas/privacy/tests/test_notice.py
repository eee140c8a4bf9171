"""The privacy notice: reachable from every page, true numbers, no third-party tracker."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from cabas.privacy.notice import tile_host

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR) / "cabas"
# A tag that makes the browser fetch something: script, image, frame, style, media.
FETCHING = re.compile(
    r"<(?:script|img|iframe|link|source|video|audio|embed|object)\b[^>]*?"
    r"\b(?:src|href|data)\s*=\s*[\"']((?:https?:)?//[^\"']+)",
    re.IGNORECASE,
)
CSS_URL = re.compile(r"(?:url\(|@import\s+)[\"']?((?:https?:)?//[^\"')\s]+)", re.IGNORECASE)
JS_FETCH = re.compile(
    r"(?:importScripts|fetch|\.src\s*=)\s*\(?\s*[\"'`]((?:https?:)?//[^\"'`]+)", re.IGNORECASE
)


def test_notice_states_the_numbers_the_code_uses(client, territory):
    territory.operator_name = "Ville de Test"
    territory.save()

    response = client.get("/confidentialite/")

    body = response.content.decode()
    assert response.status_code == 200
    assert f"{settings.PRIVACY_INACTIVE_ACCOUNT_DAYS} jours" in body
    assert "Ville de Test" in body
    assert "sessionid" in body and "csrftoken" in body
    assert "/compte/mes-donnees/" in body


def test_payment_processor_is_named_when_enabled(client, settings):
    settings.PAYMENT_PROVIDER = "stripe"
    assert "Stripe" in client.get("/confidentialite/").content.decode()
    settings.PAYMENT_PROVIDER = ""
    assert "Stripe" not in client.get("/confidentialite/").content.decode()


def test_territory_privacy_page_carries_the_platform_facts(client, territory):
    response = client.get(f"/{territory.slug}/pages/confidentialite/")
    assert response.status_code == 200
    assert "Ce que fait la plateforme" in response.content.decode()


def test_footer_links_to_the_notice_on_every_page(client, territory):
    for path in (f"/{territory.slug}/", "/compte/connexion/", "/panier/"):
        assert 'href="/confidentialite/"' in client.get(path).content.decode(), path


def _external_fetches(text: str, suffix: str) -> set[str]:
    patterns = {".html": [FETCHING], ".css": [CSS_URL], ".js": [JS_FETCH, FETCHING]}
    found = set()
    for pattern in patterns.get(suffix, []):
        found.update(pattern.findall(text))
    return found


def test_no_template_or_static_file_loads_a_third_party_origin():
    allowed = {tile_host()}
    offenders = []
    files = [p for p in ROOT.rglob("*") if p.suffix in {".html", ".css", ".js"}]
    assert len(files) > 20
    for path in files:
        for url in _external_fetches(path.read_text(errors="replace"), path.suffix):
            host = urlsplit(url if "://" in url else f"https:{url}").hostname or ""
            if "{" in url or host in allowed:
                continue
            offenders.append(f"{path.relative_to(ROOT)}: {url}")
    assert not offenders, offenders


def test_the_tracker_scan_catches_a_third_party_script():
    html = '<script src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>'
    assert _external_fetches(html, ".html") == {"https://www.googletagmanager.com/gtag/js?id=G-1"}
    assert _external_fetches("a{background:url(//cdn.example.com/x.png)}", ".css")

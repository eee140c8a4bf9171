"""Every upload refuses hostile files with a clear French error and stores nothing.

The uploads: a product photo and a news photo (merchant), the territory logo (operator)
and the catalogue spreadsheet (merchant). Each gets a file too big, a page of HTML or an
SVG with a script disguised by its extension, and a decompression bomb (a tiny PNG that
declares 400 megapixels). The bytes decide, never the file name or the content type.
"""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cabas.backoffice.imports.readers import MAX_IMPORT_BYTES
from cabas.backoffice.models import ImportJob
from cabas.backoffice.photos import MAX_PHOTO_BYTES
from cabas.catalog.models import Product
from cabas.factories import (
    OfferFactory,
    ShopFactory,
    ShopMembershipFactory,
    TerritoryFactory,
    TerritoryMembershipFactory,
    UserFactory,
)
from cabas.habits.models import ShopNews
from cabas.territories.models import Territory

HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(1)</script></svg>"
)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bomb_png(side: int = 20_000) -> bytes:
    """A valid 1-bit PNG of side×side pixels (400 megapixels) that weighs ~50 KB."""
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    row = b"\x00" + b"\x00" * ((side + 7) // 8)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", data)
        + _png_chunk(b"IEND", b"")
    )


def too_big(limit: int) -> bytes:
    """A real JPEG header followed by padding: over the limit by a few bytes."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (10, 10), (200, 30, 30)).save(buffer, format="JPEG")
    return buffer.getvalue() + b"\x00" * (limit + 16 - len(buffer.getvalue()))


PHOTO_CASES = [
    ("oversized.jpg", lambda: too_big(MAX_PHOTO_BYTES), "image/jpeg", "pèse"),
    ("page.jpg", lambda: HTML, "image/jpeg", "pas une image lisible"),
    ("dessin.png", lambda: SVG, "image/png", "pas une image lisible"),
    ("bombe.png", bomb_png, "image/png", "trop grande"),
]


@pytest.fixture
def shop_world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    territory = TerritoryFactory(slug="ville", name="Ville")
    shop = ShopFactory(territory=territory, slug="boutique")
    offer = OfferFactory(shop=shop, product__territory=territory)
    merchant = UserFactory(email="commercant@example.org")
    ShopMembershipFactory(shop=shop, user=merchant)
    operator = UserFactory(email="operateur@example.org")
    TerritoryMembershipFactory(territory=territory, user=operator)
    client = Client()
    client.force_login(merchant)
    operator_client = Client()
    operator_client.force_login(operator)
    return territory, shop, offer, client, operator_client, Path(tmp_path)


def _stored(media: Path) -> list[Path]:
    return [path for path in media.rglob("*") if path.is_file()]


@pytest.mark.parametrize(("name", "content", "kind", "message"), PHOTO_CASES)
def test_a_hostile_product_photo_is_refused_and_nothing_stored(
    shop_world, name, content, kind, message
):
    territory, shop, offer, client, _operator, media = shop_world
    url = reverse("backoffice:offer_photo", args=[territory.slug, shop.slug, offer.pk])
    before = Product.objects.get(pk=offer.product_id).image_url

    response = client.post(url, {"photo": SimpleUploadedFile(name, content(), kind)})

    assert response.status_code in (200, 400)
    assert message in response.content.decode()
    assert Product.objects.get(pk=offer.product_id).image_url == before
    assert _stored(media) == []


@pytest.mark.parametrize(("name", "content", "kind", "message"), PHOTO_CASES)
def test_a_hostile_news_photo_is_refused_and_nothing_stored(
    shop_world, name, content, kind, message
):
    territory, shop, _offer, client, _operator, media = shop_world
    url = reverse("backoffice:news", args=[territory.slug, shop.slug])

    response = client.post(
        url, {"text": "Arrivage de fraises", "photo": SimpleUploadedFile(name, content(), kind)}
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ShopNews.objects.exists()
    assert _stored(media) == []


@pytest.mark.parametrize(
    ("name", "content", "kind", "message"),
    [
        ("logo.png", lambda: too_big(1024 * 1024), "image/png", "pèse"),
        ("logo.png", lambda: HTML, "image/png", "pas une image lisible"),
        ("logo.png", lambda: SVG, "image/svg+xml", "SVG ne sont pas acceptés"),
        ("logo.png", bomb_png, "image/png", "pixels"),
    ],
)
def test_a_hostile_territory_logo_is_refused_and_nothing_stored(
    shop_world, name, content, kind, message
):
    territory, _shop, _offer, _client, operator, media = shop_world

    response = operator.post(
        reverse("console:logo", args=[territory.slug]),
        {"logo": SimpleUploadedFile(name, content(), kind)},
    )

    assert response.status_code in (200, 400)
    assert message in response.content.decode()
    assert not Territory.objects.get(pk=territory.pk).logo
    assert _stored(media) == []


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("catalogue.csv", lambda: b"nom;prix\n" + b"x" * MAX_IMPORT_BYTES, "Mo"),
        # Not a workbook inside: read as text, it has no usable columns
        ("catalogue.xlsx", lambda: HTML, "Une seule colonne"),
        ("catalogue.ods", lambda: SVG, "Une seule colonne"),
    ],
)
def test_a_hostile_spreadsheet_is_refused_and_nothing_stored(shop_world, name, content, message):
    territory, shop, _offer, client, _operator, _media = shop_world

    response = client.post(
        reverse("backoffice:import_upload", args=[territory.slug, shop.slug]),
        {"file": SimpleUploadedFile(name, content(), "application/octet-stream")},
    )

    assert response.status_code in (200, 400)
    assert message in response.content.decode()
    assert not ImportJob.objects.exists()

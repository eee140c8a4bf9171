"""The orders CSV: streamed, French Excel, first names only, formulas defused, own shop only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from cabas.factories import OfferFactory, ShopFactory, ShopMembershipFactory, UserFactory
from cabas.privacy.tests.conftest import hand_over, place_order
from cabas.shops.models import ShopMembership

pytestmark = pytest.mark.django_db


def _url(shop, query=""):
    return f"/espace-commercant/{shop.territory.slug}/{shop.slug}/commandes/export.csv{query}"


def _today_query():
    today = timezone.localdate()
    return f"?start={today - dt.timedelta(days=1):%Y-%m-%d}&end={today:%Y-%m-%d}"


def test_staff_downloads_the_orders_of_their_shop_only(territory):
    shop = ShopFactory(territory=territory, opening_hours="24/7")
    other_shop = ShopFactory(territory=territory, opening_hours="24/7")
    staff = UserFactory()
    ShopMembershipFactory(shop=shop, user=staff, role=ShopMembership.Role.STAFF)
    hostile = OfferFactory(shop=shop, product__name='=HYPERLINK("http://x")', sku="@SUM(A1)")
    elsewhere = OfferFactory(shop=other_shop, product__name="Ailleurs")
    buyer = UserFactory(email="claire@example.org")
    hand_over(place_order(hostile, buyer, name="Claire Dupont"))
    place_order(elsewhere, buyer)
    client = Client()
    client.force_login(staff)

    response = client.get(_url(shop, _today_query()))

    assert response.status_code == 200 and response.streaming
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeffCommande;Date;")
    rows = text.strip().split("\r\n")
    assert len(rows) == 2
    cells = rows[1].split(";")
    assert "Claire" in cells and "Dupont" not in text and "claire@example.org" not in text
    assert "'@SUM(A1)" in cells and any(c.startswith("\"'=HYPERLINK") for c in cells)
    assert "Ailleurs" not in text


def test_another_shops_export_is_not_found(territory):
    shop = ShopFactory(territory=territory)
    stranger = UserFactory()
    ShopMembershipFactory(shop=ShopFactory(territory=territory), user=stranger)
    client = Client()
    client.force_login(stranger)
    assert client.get(_url(shop, _today_query())).status_code == 404


def test_a_reversed_range_is_refused_with_a_message(territory):
    shop = ShopFactory(territory=territory)
    owner = UserFactory()
    ShopMembershipFactory(shop=shop, user=owner)
    client = Client()
    client.force_login(owner)

    response = client.get(_url(shop, "?start=2026-02-10&end=2026-02-01"), follow=True)

    assert "La fin de la période précède son début" in response.content.decode()

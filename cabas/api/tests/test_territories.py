import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cabas.factories import ShopFactory, TerritoryFactory
from cabas.shops.models import ShopStatus

from .contract import assert_error, assert_page

TERRITORY_FIELDS = {
    "slug",
    "name",
    "tagline",
    "timezone",
    "currency",
    "country",
    "centre",
    "radius_km",
    "shop_count",
    "data_attribution",
    "url",
}


@pytest.mark.django_db
def test_territory_list_gives_active_territories_with_public_shop_counts(client, territory):
    grenoble = TerritoryFactory(
        slug="grenoble", name="Grenoble", centre_lat=45.1885, centre_lon=5.7245
    )
    ShopFactory.create_batch(2, territory=territory)
    ShopFactory(territory=territory, status=ShopStatus.DRAFT)
    ShopFactory(territory=grenoble)

    body = assert_page(client.get("/api/v1/territories"))

    assert body["count"] == 2
    assert [t["slug"] for t in body["results"]] == ["grenoble", "ville"]
    first = body["results"][0]
    assert set(first) == TERRITORY_FIELDS
    assert first["centre"] == {"lat": 45.1885, "lon": 5.7245}
    assert first["timezone"] == "Europe/Paris"
    assert first["currency"] == "EUR"
    assert first["url"] == "http://testserver/grenoble/"
    assert {t["slug"]: t["shop_count"] for t in body["results"]} == {"grenoble": 1, "ville": 2}


@pytest.mark.django_db
def test_inactive_territories_are_neither_listed_nor_found(client, territory):
    TerritoryFactory(slug="fermee", name="Fermée", is_active=False)

    body = assert_page(client.get("/api/v1/territories"))

    assert [t["slug"] for t in body["results"]] == ["ville"]
    assert_error(client.get("/api/v1/territories/fermee"), 404, "not_found")
    assert_error(client.get("/api/v1/territories/fermee/shops"), 404, "not_found")


@pytest.mark.django_db
def test_territory_detail_is_the_same_shape_as_in_the_list(client, territory):
    ShopFactory(territory=territory)

    response = client.get("/api/v1/territories/ville")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == TERRITORY_FIELDS
    assert body["slug"] == "ville"
    assert body["name"] == "Ville-sur-Test"
    assert body["shop_count"] == 1


@pytest.mark.django_db
def test_an_unknown_territory_is_a_json_404(client):
    error = assert_error(client.get("/api/v1/territories/atlantide"), 404, "not_found")

    assert error["details"] == {"territory": "atlantide"}


@pytest.mark.django_db
def test_a_slug_with_forbidden_characters_is_a_json_404(client):
    assert_error(client.get("/api/v1/territories/%00"), 404, "not_found")
    assert_error(client.get("/api/v1/territories/a%20b/shops"), 404, "not_found")
    assert_error(client.get("/api/v1/territories/ville/shops/%27%20OR%201=1"), 404, "not_found")


@pytest.mark.django_db
def test_territory_list_query_count_does_not_grow_with_territories(
    client, django_assert_max_num_queries
):
    for i in range(3):
        ShopFactory(territory=TerritoryFactory(slug=f"t-{i}"))
    with CaptureQueriesContext(connection) as three:
        assert_page(client.get("/api/v1/territories"))

    for i in range(3, 30):
        ShopFactory(territory=TerritoryFactory(slug=f"t-{i}"))
    with django_assert_max_num_queries(len(three.captured_queries)):
        body = assert_page(client.get("/api/v1/territories", {"limit": 100}))

    assert body["count"] == 30

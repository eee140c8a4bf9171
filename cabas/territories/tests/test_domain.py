"""A territory's own domain opens its home page; other hosts are untouched."""

import pytest
from django.core.cache import cache

from cabas.factories import TerritoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def hosts(settings):
    settings.ALLOWED_HOSTS = ["testserver", "commerces.aval.example", "autre.example"]
    cache.clear()
    yield
    cache.clear()


def test_the_root_of_a_territory_domain_opens_its_home(client):
    TerritoryFactory(slug="aval", domain="commerces.aval.example")
    TerritoryFactory(slug="bourg")

    response = client.get("/", headers={"Host": "commerces.aval.example"})
    assert response.status_code == 302
    assert response["Location"] == "/aval/"
    # Deeper paths work as on the main address.
    assert client.get("/aval/", headers={"Host": "commerces.aval.example"}).status_code == 200
    # Another host keeps the platform's index (two territories: the list).
    assert client.get("/", headers={"Host": "autre.example"}).status_code == 200


def test_an_inactive_territory_domain_does_not_redirect(client):
    TerritoryFactory(slug="aval", domain="commerces.aval.example", is_active=False)

    response = client.get("/", headers={"Host": "commerces.aval.example"})

    assert response.status_code == 200

"""The operator's loyalty screen: settings of this territory only, specific errors."""

import pytest

from cabas.loyalty.models import LoyaltySettings

pytestmark = pytest.mark.django_db


def test_operator_turns_loyalty_on(operator_client, world_a):
    url = f"/{world_a.territory.slug}/console/fidelite/"
    page = operator_client.get(url)
    assert page.status_code == 200
    assert "Fidélité partagée" in page.content.decode()
    response = operator_client.post(
        url, {"enabled": "on", "points_per_euro": "5", "point_value_cents": "2"}
    )
    assert response.status_code == 302
    settings = LoyaltySettings.objects.get(territory=world_a.territory)
    assert (settings.enabled, settings.points_per_euro, settings.point_value_cents) == (True, 5, 2)


def test_bad_values_are_refused_in_french(operator_client, world_a):
    url = f"/{world_a.territory.slug}/console/fidelite/"
    response = operator_client.post(url, {"points_per_euro": "-1", "point_value_cents": "abc"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Rien n’a été enregistré" in html
    assert "nombre entier de centimes" in html
    assert not LoyaltySettings.objects.exists()


def test_operator_of_another_territory_is_refused(operator_client, world_b):
    response = operator_client.get(f"/{world_b.territory.slug}/console/fidelite/")
    assert response.status_code == 403

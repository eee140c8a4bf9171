"""The SIRET number: 14 digits with a Luhn checksum, kept valid by the form and the database."""

import pytest
from django.db import IntegrityError, transaction

from cabas.factories import ShopFactory, ShopMembershipFactory, UserFactory
from cabas.shops.models import Shop, ShopMembership
from cabas.shops.siret import siret_is_valid, siret_normalise

pytestmark = pytest.mark.django_db

VALID = "73282932000074"


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        (VALID, True),
        ("73282932000075", False),  # one digit off: the checksum catches it
        ("7328293200007", False),  # 13 digits
        ("732829320000744", False),  # 15 digits
        ("7328293200007A", False),
        ("35600000000048", True),  # La Poste's head office (Luhn)
        ("35600000000001", True),  # a La Poste office: digits add up to a multiple of 5
        ("35600000000002", False),
    ],
)
def test_siret_checksum(text, valid):
    assert siret_is_valid(text) is valid


def test_spaces_and_dots_between_groups_are_ignored():
    assert siret_normalise("732 829 320 00074") == VALID
    assert siret_normalise("732.829.320.00074") == VALID


def test_the_database_refuses_a_siret_that_is_not_14_digits(territory):
    shop = ShopFactory(territory=territory)
    with pytest.raises(IntegrityError), transaction.atomic():
        Shop.objects.filter(pk=shop.pk).update(siret="12345")
    Shop.objects.filter(pk=shop.pk).update(siret=VALID)
    assert Shop.objects.get(pk=shop.pk).siret == VALID


def vitrine_post(client, shop, siret):
    from django.urls import reverse

    url = reverse(
        "backoffice:vitrine", kwargs={"territory": shop.territory.slug, "shop": shop.slug}
    )
    return client.post(url, {"name": shop.name, "siret": siret})


def test_the_vitrine_form_saves_a_valid_siret_and_explains_a_wrong_one(client, territory):
    shop = ShopFactory(territory=territory)
    owner = UserFactory()
    ShopMembershipFactory(shop=shop, user=owner, role=ShopMembership.Role.OWNER)
    client.force_login(owner)

    wrong = vitrine_post(client, shop, "732 829 320 00075")
    assert wrong.status_code == 200
    assert "Ce numéro SIRET n&#x27;existe pas" in wrong.content.decode()
    short = vitrine_post(client, shop, "1234")
    assert "exactement 14 chiffres" in short.content.decode()
    shop.refresh_from_db()
    assert shop.siret is None

    assert vitrine_post(client, shop, "732 829 320 00074").status_code == 302
    shop.refresh_from_db()
    assert shop.siret == VALID

    assert vitrine_post(client, shop, "").status_code == 302
    shop.refresh_from_db()
    assert shop.siret is None

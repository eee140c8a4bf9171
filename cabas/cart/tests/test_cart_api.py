"""The cart through the API and at log-in: one territory, per-shop groups, clear messages."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from cabas.cart.models import Cart, CartLine
from cabas.cart.services import cart_merge_at_login, cart_reorder
from cabas.catalog.models import Offer
from cabas.factories import OfferFactory
from cabas.fulfilment.models import DeliveryZone, ShopFulfilment

pytestmark = pytest.mark.django_db


def post_cart(client, body):
    return client.post("/api/v1/cart", body, content_type="application/json")


def lines_of(client):
    return {
        line["offer_id"]: line["quantity"] for line in client.get("/api/v1/cart").json()["lines"]
    }


def test_cart_groups_lines_per_shop_with_subtotals(client, bread, novel):
    response = post_cart(
        client,
        {"lines": [{"offer_id": bread.pk, "quantity": 2}, {"offer_id": novel.pk, "quantity": 1}]},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["territory"] == bread.territory.slug
    assert (body["item_count"], body["subtotal_cents"], body["total_cents"]) == (3, 1530, 1530)
    groups = {g["shop"]["slug"]: g for g in body["groups"]}
    assert groups[bread.shop.slug]["subtotal_cents"] == 640
    assert groups[novel.shop.slug]["subtotal_cents"] == 890
    pickup = groups[bread.shop.slug]
    assert pickup["option"] == "pickup"
    assert pickup["ready"].startswith("prêt ")
    assert pickup["slot"]["label"]
    assert [o["key"] for o in pickup["options"]] == ["pickup"]


def test_replace_and_add_modes(client, bread, novel):
    post_cart(client, {"lines": [{"offer_id": bread.pk, "quantity": 2}]})
    post_cart(client, {"lines": [{"offer_id": bread.pk, "quantity": 1}], "mode": "add"})
    assert lines_of(client) == {bread.pk: 3}
    post_cart(client, {"lines": [{"offer_id": novel.pk, "quantity": 1}]})
    assert lines_of(client) == {novel.pk: 1}
    post_cart(client, {"lines": []})
    assert lines_of(client) == {}
    assert client.get("/api/v1/cart").json()["territory"] is None


@pytest.mark.parametrize(
    ("quantity", "code"),
    [
        (0, "quantity_not_positive"),
        (-1, "quantity_not_positive"),
        (500, "quantity_too_large"),
        ("beaucoup", "quantity_not_a_number"),
        ([], "quantity_not_a_number"),
    ],
)
def test_bad_quantity_leaves_the_cart_as_it_was(client, bread, novel, quantity, code):
    post_cart(client, {"lines": [{"offer_id": bread.pk, "quantity": 2}]})
    response = post_cart(
        client,
        {
            "lines": [
                {"offer_id": novel.pk, "quantity": 1},
                {"offer_id": bread.pk, "quantity": quantity},
            ]
        },
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == code
    assert lines_of(client) == {bread.pk: 2}


def test_more_than_the_stock_is_refused_with_what_is_left(client, novel):
    response = post_cart(client, {"lines": [{"offer_id": novel.pk, "quantity": 5}]})
    assert response.status_code == 409
    error = response.json()["error"]
    assert (error["code"], error["details"]["available"]) == ("insufficient_stock", 3)
    assert error["message"] == "Il ne reste que 3 « Le Petit Prince »."


def test_offers_of_another_territory_cannot_join_the_cart(client, bread, elsewhere_offer):
    post_cart(client, {"lines": [{"offer_id": bread.pk, "quantity": 1}]})
    response = post_cart(
        client, {"lines": [{"offer_id": elsewhere_offer.pk, "quantity": 1}], "mode": "add"}
    )
    assert response.json()["error"]["code"] == "other_territory"
    assert lines_of(client) == {bread.pk: 1}


def test_showing_the_cart_announces_each_change(client, bread, novel, offer_factory):
    gone = offer_factory(stock=4)
    post_cart(
        client,
        {
            "lines": [
                {"offer_id": bread.pk, "quantity": 2},
                {"offer_id": novel.pk, "quantity": 3},
                {"offer_id": gone.pk, "quantity": 1},
            ]
        },
    )
    Offer.objects.filter(pk=bread.pk).update(price_cents=300)
    Offer.objects.filter(pk=novel.pk).update(stock=1)
    Offer.objects.filter(pk=gone.pk).update(is_active=False)
    body = client.get("/api/v1/cart").json()
    messages = {change["code"]: change["message"] for change in body["changes"]}
    assert (
        messages["price_changed"]
        == "Le prix de « Pain de campagne » est passé de 3,20\u00a0€ à 3,00\u00a0€."
    )
    assert (
        messages["quantity_reduced"] == "Il ne reste que 1 « Le Petit Prince » : quantité ajustée."
    )
    assert "n'est plus en vente" in messages["offer_unavailable"]
    assert {line["offer_id"]: line["quantity"] for line in body["lines"]} == {
        bread.pk: 2,
        novel.pk: 1,
    }
    assert client.get("/api/v1/cart").json()["changes"] == []


def test_fulfilment_choice_per_shop_with_delivery_fee(client, bread):
    ShopFulfilment.objects.create(territory=bread.territory, shop=bread.shop, delivery_enabled=True)
    DeliveryZone.objects.create(
        territory=bread.territory,
        shop=bread.shop,
        name="Centre",
        kind="postcodes",
        postcodes="75002",
        fee_cents=250,
    )
    post_cart(client, {"lines": [{"offer_id": bread.pk, "quantity": 1}]})
    body = post_cart(
        client,
        {
            "mode": "add",
            "fulfilment": [{"shop": bread.shop.slug, "option": "delivery"}],
            "delivery_address": "5 rue du Mail",
            "delivery_postcode": "75002",
        },
    ).json()
    group = body["groups"][0]
    assert (group["option"], group["delivery_fee_cents"], body["total_cents"]) == (
        "delivery",
        250,
        570,
    )
    assert group["ready"].startswith("livrable ")
    refused = post_cart(
        client,
        {"mode": "add", "fulfilment": [{"shop": bread.shop.slug, "option": "point:nulle-part"}]},
    )
    assert refused.json()["error"]["code"] == "fulfilment_unavailable"


def test_anonymous_cart_merges_into_the_account_at_login(bread, novel, offer_factory):
    user = get_user_model().objects.create_user(email="lea@example.org", password="x" * 12)
    mine = Cart.objects.create(user=user, territory=bread.territory)
    CartLine.objects.create(
        territory=bread.territory, cart=mine, offer=bread, quantity=1, unit_price_cents=320
    )
    browser = Client()
    post_cart(
        browser,
        {"lines": [{"offer_id": bread.pk, "quantity": 3}, {"offer_id": novel.pk, "quantity": 1}]},
    )
    session = browser.session
    merged = cart_merge_at_login(session=session, user=user)
    assert merged.pk == mine.pk
    assert dict(merged.lines.values_list("offer_id", "quantity")) == {bread.pk: 3, novel.pk: 1}
    assert Cart.objects.count() == 1


def test_reorder_adds_what_is_still_available(client, bread, novel, offer_factory):
    withdrawn = offer_factory(is_active=False)
    post_cart(client, {"lines": [{"offer_id": novel.pk, "quantity": 2}]})
    cart = Cart.objects.get()
    skipped = cart_reorder(
        cart=cart,
        order_lines=[
            (bread.pk, 2, "Pain de campagne"),
            (novel.pk, 2, "Le Petit Prince"),
            (withdrawn.pk, 1, "Vieux"),
            (None, 1, "Disparu"),
        ],
    )
    assert dict(cart.lines.values_list("offer_id", "quantity")) == {bread.pk: 2, novel.pk: 3}
    assert skipped == [
        "« Le Petit Prince » : quantité ramenée à 3.",
        "« Vieux » n'est plus disponible.",
        "« Disparu » n'est plus disponible.",
    ]


def test_cart_summary_query_count_is_constant(
    client, baker, bookshop, django_assert_max_num_queries
):
    offers = [OfferFactory(shop=shop, stock=9) for shop in (baker, bookshop) for _i in range(6)]
    post_cart(client, {"lines": [{"offer_id": o.pk, "quantity": 1} for o in offers]})
    with django_assert_max_num_queries(14):
        assert len(client.get("/api/v1/cart").json()["lines"]) == 12


def test_adding_to_the_cart_answers_from_what_it_wrote(
    client, bread, novel, offer_factory, django_assert_max_num_queries
):
    # Given a baker delivering to one postcode, with a booked slot
    ShopFulfilment.objects.create(territory=bread.territory, shop=bread.shop, delivery_enabled=True)
    DeliveryZone.objects.create(
        territory=bread.territory,
        shop=bread.shop,
        name="Centre",
        kind="postcodes",
        postcodes="75002",
        fee_cents=250,
    )
    # When a visitor without a cart adds a line: the offer with what its shop's
    # fulfilment needs (its booked slots too), the cart with its line in one
    # transaction, the delivery zones for the answer, then the session
    with django_assert_max_num_queries(10):
        first = post_cart(client, {"lines": [{"offer_id": bread.pk, "quantity": 1}]})
    assert first.status_code == 200, first.content
    assert first.json() == client.get("/api/v1/cart").json()

    # And, with a delivery chosen, adds another shop's article then replaces a line
    post_cart(
        client,
        {
            "fulfilment": [{"shop": bread.shop.slug, "option": "delivery"}],
            "delivery_address": "5 rue du Mail",
            "delivery_postcode": "75002",
        },
    )
    # (the session, then in one transaction the cart with its lines and choices, the
    # offers, the line; the delivery zones for the answer)
    with django_assert_max_num_queries(7):
        added = post_cart(
            client, {"lines": [{"offer_id": novel.pk, "quantity": 2}], "mode": "add"}
        ).json()
    # Then each answer is the cart as read afresh, delivery fee and choices included
    assert added == client.get("/api/v1/cart").json()
    assert {group["option"] for group in added["groups"]} == {"pickup", "delivery"}
    assert added["fees_cents"] == 250 and added["item_count"] == 3
    other = offer_factory(shop=novel.shop, price_cents=300, stock=5)
    with django_assert_max_num_queries(8):  # and the lines and choice let go
        replaced = post_cart(client, {"lines": [{"offer_id": other.pk, "quantity": 1}]}).json()
    assert replaced == client.get("/api/v1/cart").json()
    assert [line["offer_id"] for line in replaced["lines"]] == [other.pk]
    # The baker's delivery choice left with its last line
    assert not Cart.objects.get().choices.exists()


def test_a_refused_first_line_creates_no_cart(client, bread):
    response = post_cart(client, {"lines": [{"offer_id": bread.pk, "quantity": 500}]})
    assert response.json()["error"]["code"] == "quantity_too_large"
    bread.stock = 1
    bread.save(update_fields=["stock"])
    response = post_cart(client, {"lines": [{"offer_id": bread.pk, "quantity": 3}]})
    assert response.json()["error"]["code"] == "insufficient_stock"
    assert not Cart.objects.exists() and not CartLine.objects.exists()

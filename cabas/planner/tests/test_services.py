"""A plan into the cart, with slots following the route; saved lists."""

from __future__ import annotations

import pytest
from django.utils import timezone

from cabas.cart.errors import CartError
from cabas.cart.models import Cart, CartShopChoice
from cabas.factories import OfferFactory, ShopFactory, TerritoryFactory, UserFactory
from cabas.geo.distance import Point
from cabas.planner.errors import PlanError
from cabas.planner.lines import parse_list
from cabas.planner.models import MAX_SAVED_LISTS, SavedList
from cabas.planner.selectors import PlanRequest, plan_list
from cabas.planner.services import plan_to_cart, saved_list_delete, saved_list_save

from .conftest import START

pytestmark = pytest.mark.django_db


def plan_now(town, lines, max_km=0.6):
    return plan_list(
        PlanRequest(
            territory=town.territory,
            lines=parse_list(lines),
            start=Point(*START),
            at=timezone.now(),
            max_km=max_km,
        )
    )


def test_plan_goes_into_the_cart_with_slots_in_route_order(town):
    plan = plan_now(town, ["pain", "2 comté", "un bouquet", "album jeunesse", "licorne"])
    assert len(plan.stops) == 4
    cart = Cart.objects.create()
    pickups = plan_to_cart(cart=cart, plan=plan)
    lines = {line.offer_id: line.quantity for line in cart.lines.all()}
    assert lines == {
        choice.offer.offer_id: choice.line.quantity
        for stop in plan.stops
        for choice in stop.choices
    }
    assert lines[town.offers[("fromagerie", "comte")].pk] == 2
    # One pickup choice per shop, the slots strictly later along the walk.
    assert [p.shop_id for p in pickups] == [stop.shop.id for stop in plan.stops]
    starts = [p.slot_start for p in pickups]
    assert all(start is not None for start in starts)
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    for pickup in pickups:
        assert pickup.slot_start >= pickup.arrival
    chosen = {c.shop_id: c.slot_start for c in CartShopChoice.objects.filter(cart=cart)}
    assert chosen == {p.shop_id: p.slot_start for p in pickups}


def test_a_failing_line_leaves_the_cart_untouched(town):
    plan = plan_now(town, ["pain", "comté"])
    cart = Cart.objects.create()
    # Stock ran out after planning.
    offer = plan.stops[-1].choices[0].offer
    from cabas.catalog.models import Offer

    Offer.objects.filter(pk=offer.offer_id).update(stock=0)
    with pytest.raises(CartError):
        plan_to_cart(cart=cart, plan=plan)
    assert not cart.lines.exists()
    assert not CartShopChoice.objects.filter(cart=cart).exists()


def test_a_cart_of_another_territory_is_refused_whole(town):
    other_shop = ShopFactory(territory=TerritoryFactory())
    cart = Cart.objects.create()
    from cabas.cart.services import cart_lines_update

    cart_lines_update(
        cart=cart,
        lines=[{"offer_id": OfferFactory(shop=other_shop).pk, "quantity": 1}],
        replace=False,
    )
    with pytest.raises(CartError):
        plan_to_cart(cart=cart, plan=plan_now(town, ["pain"]))
    assert cart.lines.count() == 1


def test_nothing_covered_is_an_error(town):
    with pytest.raises(PlanError) as caught:
        plan_to_cart(cart=Cart.objects.create(), plan=plan_now(town, ["licorne"]))
    assert caught.value.code == "nothing_to_add"


def test_saved_lists_are_per_user_and_territory_and_replace_by_name(town):
    user = UserFactory()
    first = saved_list_save(
        territory=town.territory, user=user, name="Samedi", text="pain\n\ncomté"
    )
    again = saved_list_save(territory=town.territory, user=user, name=" Samedi ", text="pain\nœufs")
    assert again.pk == first.pk
    assert SavedList.objects.get(pk=first.pk).lines == ["pain", "œufs"]
    stranger = UserFactory()
    assert not saved_list_delete(territory=town.territory, user=stranger, pk=first.pk)
    assert not saved_list_delete(territory=TerritoryFactory(), user=user, pk=first.pk)
    assert saved_list_delete(territory=town.territory, user=user, pk=first.pk)


@pytest.mark.parametrize(
    ("name", "text", "code"),
    [
        ("", "pain", "name_required"),
        ("Vide", "\n  \n", "empty_list"),
        ("Long", "x\n" * 51, "too_many_lines"),
    ],
)
def test_bad_saved_lists_are_refused(town, name, text, code):
    with pytest.raises(PlanError) as caught:
        saved_list_save(territory=town.territory, user=UserFactory(), name=name, text=text)
    assert caught.value.code == code
    assert not SavedList.objects.exists()


def test_saved_lists_are_capped(town):
    user = UserFactory()
    for n in range(MAX_SAVED_LISTS):
        saved_list_save(territory=town.territory, user=user, name=f"L{n}", text="pain")
    with pytest.raises(PlanError) as caught:
        saved_list_save(territory=town.territory, user=user, name="Une de trop", text="pain")
    assert caught.value.code == "too_many_lists"

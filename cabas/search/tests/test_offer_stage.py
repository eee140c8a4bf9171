"""The offer stage reads each shop's filters and signals as one byte (ShopSnapshot.shop_codes):
these tests try to make it show a shop it must not, or rank an offer unlike Python does."""

from __future__ import annotations

import pytest

from cabas.geo.distance import Point
from cabas.search.offers import HIDDEN_CODE, OPEN_CODE, ZERO_CODE
from cabas.search.selectors import SearchFilters, search_offers
from cabas.search.services import search_index_shops_changed
from cabas.search.shop_snapshot import shop_snapshot
from cabas.shops.models import ShopStatus

from .conftest import CENTRE, WEDNESDAY_10AM, _km_north

pytestmark = pytest.mark.django_db

NEAR = Point(*CENTRE)


def shop_slugs(result) -> set[str]:
    return {hit.shop.slug for hit in result.offers}


def test_shop_codes_hide_unapproved_and_unallowed_shops_and_carry_open_and_distance(catalogue):
    snapshot = shop_snapshot(catalogue.territory, WEDNESDAY_10AM)
    first = snapshot.shop_span[0]
    shops = catalogue.shops

    def code(codes: bytes, key: str) -> int:
        return codes[shops[key].id - first]

    everyone = snapshot.shop_codes(allowed=None, open_signal=True, near_tiers=None)
    assert code(everyone, "suspendu") == HIDDEN_CODE
    assert code(everyone, "marche") == ZERO_CODE + OPEN_CODE  # open on Wednesday 10:00
    assert code(everyone, "cave") == ZERO_CODE  # closed on Wednesday
    without_open = snapshot.shop_codes(allowed=None, open_signal=False, near_tiers=None)
    assert code(without_open, "marche") == ZERO_CODE

    allowed = [shops["dupont"].id]
    tiers = [[shops["marche"].id], [], [shops["dupont"].id], []]
    some = snapshot.shop_codes(allowed=allowed, open_signal=True, near_tiers=tiers)
    assert code(some, "marche") == HIDDEN_CODE  # near, open, but not allowed
    assert code(some, "cave") == HIDDEN_CODE
    assert code(some, "dupont") == ZERO_CODE + OPEN_CODE + 2  # open, third tier (2 km)
    assert len(some) == snapshot.shop_span[1] - first + 1


def test_a_shop_moved_out_of_the_radius_stops_showing_at_once(catalogue):
    filters = SearchFilters(centre=NEAR, radius_km=2)
    before = search_offers(territory=catalogue.territory, query="chocolat", filters=filters)
    assert "boulangerie-dupont" in shop_slugs(before)

    dupont = catalogue.shops["dupont"]
    dupont.lat = _km_north(3)[0]
    dupont.save()

    after = search_offers(territory=catalogue.territory, query="chocolat", filters=filters)
    assert "boulangerie-dupont" not in shop_slugs(after)
    assert "epicerie-du-marche" in shop_slugs(after)


def test_a_shop_suspended_after_a_search_never_shows_again(catalogue):
    filters = SearchFilters()
    before = search_offers(territory=catalogue.territory, query="pâtes", filters=filters)
    assert "boulangerie-dupont" in shop_slugs(before)

    dupont = catalogue.shops["dupont"]
    dupont.status = ShopStatus.SUSPENDED
    dupont.save()
    search_index_shops_changed(shop_ids=[dupont.id])

    for query, extra in (("pâtes", {}), ("", {"shop": "boulangerie-dupont"})):
        after = search_offers(
            territory=catalogue.territory, query=query, filters=SearchFilters(**extra)
        )
        assert "boulangerie-dupont" not in shop_slugs(after)


@pytest.mark.parametrize(
    "filters",
    [
        {"centre": NEAR},
        {"centre": NEAR, "radius_km": 5},
        {"centre": NEAR, "open_now": True},
        {"in_stock": True, "centre": NEAR},
    ],
)
def test_pages_by_relevance_agree_with_the_ranking_of_every_offer(catalogue, filters):
    """The buckets are counted and ordered from the codes in SQL; a page's offers are
    sorted into them by the scores computed in Python. A disagreement would drop or
    repeat an offer across pages."""

    def page(limit: int, offset: int):
        return search_offers(
            territory=catalogue.territory,
            query="chocolat",
            filters=SearchFilters(**filters),
            limit=limit,
            offset=offset,
            at=WEDNESDAY_10AM,
        )

    whole = page(20, 0)
    assert whole.count == len(whole.offers) > 1
    one_by_one = [hit for offset in range(whole.count) for hit in page(1, offset).offers]
    assert [hit.offer_id for hit in one_by_one] == [hit.offer_id for hit in whole.offers]
    scores = [hit.score for hit in whole.offers]
    assert scores == sorted(scores, reverse=True)

"""Per-shop category counts (cabas.search.shopcounts) always equal a count of the offers
themselves, after every kind of write the index services are told about, and a browse
of shops reads them."""

from __future__ import annotations

from collections import Counter

import pytest

from cabas.catalog.models import Offer
from cabas.factories import CategoryFactory, OfferFactory, ShopFactory
from cabas.search.models import SearchDocument, SearchShopCount
from cabas.search.selectors import SearchFilters, search_offers
from cabas.search.services import (
    search_index_offers_changed,
    search_index_products,
    search_index_shops_changed,
)
from cabas.shops.models import ShopStatus

from .conftest import WEDNESDAY_10AM

pytestmark = pytest.mark.django_db


def counted(territory) -> dict[tuple[int, int | None], int]:
    """What the rows hold, without zero rows."""
    rows = SearchShopCount.objects.filter(territory=territory)
    assert all(row.offer_count > 0 for row in rows)
    return {(row.shop_id, row.category_id): row.offer_count for row in rows}


def expected(territory) -> dict[tuple[int, int | None], int]:
    """Active offers of approved shops by their document's category, from the offers."""
    categories = dict(
        SearchDocument.objects.filter(territory=territory).values_list("product_id", "category_id")
    )
    return dict(
        Counter(
            (shop_id, categories.get(product_id))
            for shop_id, product_id in Offer.objects.filter(
                territory=territory, is_active=True, shop__status=ShopStatus.APPROVED
            ).values_list("shop_id", "product_id")
        )
    )


def browse(catalogue, shop: str, category: str | None = None):
    return search_offers(
        territory=catalogue.territory,
        query="",
        filters=SearchFilters(shop=catalogue.shops[shop].slug, category=category),
        at=WEDNESDAY_10AM,
    )


def test_a_rebuild_counts_every_approved_shop(catalogue):
    assert counted(catalogue.territory) == expected(catalogue.territory)
    suspended = catalogue.shops["suspendu"].id
    assert not any(shop_id == suspended for shop_id, _category in counted(catalogue.territory))


def test_counts_follow_offers_products_and_shops(catalogue):
    territory = catalogue.territory
    # An offer deactivated, another created in a shop that had none of that rayon.
    leaving = catalogue.offer("dupont", "chocolat")
    leaving.is_active = False
    leaving.save()
    arriving = OfferFactory(
        shop=catalogue.shops["cave"], territory=territory, product=catalogue.products["quiche"]
    )
    search_index_offers_changed(offer_ids=[leaving.id, arriving.id])
    assert counted(territory) == expected(territory)

    # A product moved to another rayon: every shop selling it counts it there.
    pates = catalogue.products["pates"]
    pates.category = catalogue.categories["boulangerie"]
    pates.save()
    search_index_products(product_ids=[pates.id])
    assert counted(territory) == expected(territory)

    # An offer deleted: the caller names the shop that sold it.
    deleted = catalogue.offer("marche", "oeufs")
    shop_id, product_id = deleted.shop_id, deleted.product_id
    deleted.delete()
    search_index_products(product_ids=[product_id], shop_ids=[shop_id])
    assert counted(territory) == expected(territory)

    # A shop suspended, another approved; a new shop with a new rayon.
    dupont = catalogue.shops["dupont"]
    dupont.status = ShopStatus.SUSPENDED
    dupont.save()
    suspended = catalogue.shops["suspendu"]
    suspended.status = ShopStatus.APPROVED
    suspended.save()
    search_index_shops_changed(shop_ids=[dupont.id, suspended.id])
    assert counted(territory) == expected(territory)
    fresh = ShopFactory(territory=territory, slug="nouvelle", name="Nouvelle Boutique")
    product = catalogue.products["confiture"]
    product.category = CategoryFactory(slug="confiserie", name="Confiserie")
    product.save()
    offer = OfferFactory(shop=fresh, territory=territory, product=product)
    search_index_offers_changed(offer_ids=[offer.id])
    search_index_products(product_ids=[product.id])
    assert counted(territory) == expected(territory)

    # A shop deleted with its offers: its rows go.
    cave = catalogue.shops["cave"]
    products = list(cave.offers.values_list("product_id", flat=True))
    cave_id = cave.id
    cave.delete()
    search_index_products(product_ids=products, shop_ids=[cave_id])
    assert counted(territory) == expected(territory)
    assert not SearchShopCount.objects.filter(shop_id=cave_id).exists()


def test_a_browse_reads_the_counts(catalogue):
    # Facets and total as the offers give them, with and without a rayon filter.
    result = browse(catalogue, "marche")
    assert result.count == 5  # the inactive offer is not counted
    assert {f.slug: f.count for f in result.facets} == {"epicerie": 4, "chocolaterie": 1}
    result = browse(catalogue, "marche", category="epicerie")
    assert result.count == 4
    assert {f.slug: f.count for f in result.facets} == {"epicerie": 4}
    # The counts no longer read the offers: a write the services were not told about is
    # not seen by the count (the page itself still reads the offers).
    SearchShopCount.objects.filter(shop_id=catalogue.shops["cave"].id).update(offer_count=7)
    assert browse(catalogue, "cave").count == 7

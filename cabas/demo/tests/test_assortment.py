from collections import Counter

from cabas.demo.assortment import MAX_SELLERS, ShopSlot, assortment_plan
from cabas.demo.products import OffProduct


def _products(rayon: str, count: int, start: int) -> list[OffProduct]:
    return [
        OffProduct(f"{start + n:013d}", f"Produit {rayon} {n}", rayon, "", "", "")
        for n in range(count)
    ]


PRODUCTS = (
    _products("epicerie", 120, 1000)
    + _products("cave", 6, 2000)
    + _products("poissonnerie", 30, 3000)
    + _products("chocolaterie-confiserie", 25, 4000)
)
SHOPS = [
    *(ShopSlot(f"epi-{n}", "epicerie") for n in range(6)),
    *(ShopSlot(f"cave-{n}", "cave") for n in range(5)),
    ShopSlot("poisson-1", "poissonnerie"),
    ShopSlot("libr-1", "librairie"),
    ShopSlot("resto-1", "traiteur-restaurant"),
    ShopSlot("pressing-1", "pressing-laverie", has_catalogue=False),
    ShopSlot("autre-1", "autre", has_catalogue=False),
]


def test_every_product_is_dealt_and_no_product_has_more_than_four_sellers():
    plans = assortment_plan(SHOPS, PRODUCTS, cover_all=True, seed="test")

    sellers = Counter(plan.product for plan in plans if plan.product[0] == "off")
    assert {("off", product.gtin) for product in PRODUCTS} == set(sellers)
    assert max(sellers.values()) <= MAX_SELLERS
    # Chocolate has no shop of its own: the generalists took it.
    chocolate = {("off", p.gtin) for p in PRODUCTS if p.rayon == "chocolaterie-confiserie"}
    assert {plan.shop_ref for plan in plans if plan.product in chocolate} <= {
        f"epi-{n}" for n in range(6)
    }


def test_shops_get_their_rayon_sized_range_and_vitrines_get_none():
    plans = assortment_plan(SHOPS, PRODUCTS, cover_all=True, seed="test")

    per_shop = Counter(plan.shop_ref for plan in plans)
    assert all(per_shop[f"cave-{n}"] >= 15 for n in range(5))
    assert 8 <= per_shop["libr-1"] <= 25
    assert 8 <= per_shop["resto-1"] <= 25
    assert per_shop["pressing-1"] == per_shop["autre-1"] == 0
    assert len({(plan.shop_ref, plan.sku) for plan in plans}) == len(plans)


def test_the_plan_is_the_same_for_the_same_seed_and_differs_for_another():
    first = assortment_plan(SHOPS, PRODUCTS, cover_all=True, seed="paris")

    assert assortment_plan(SHOPS, PRODUCTS, cover_all=True, seed="paris") == first
    assert assortment_plan(SHOPS, PRODUCTS, cover_all=True, seed="lyon") != first


def test_prices_are_positive_and_stock_is_never_negative():
    plans = assortment_plan(SHOPS, PRODUCTS, cover_all=True, seed="test")

    assert all(plan.price_cents > 0 for plan in plans)
    assert all(plan.stock is None or plan.stock >= 0 for plan in plans)
    assert {plan.stock is None for plan in plans} == {True, False}


def test_without_cover_all_only_what_shops_want_is_dealt():
    plans = assortment_plan(
        [ShopSlot("epi-1", "epicerie")], PRODUCTS, cover_all=False, seed="grenoble"
    )

    assert 15 <= len(plans) <= 60
    assert len({plan.product for plan in plans}) == len(plans)

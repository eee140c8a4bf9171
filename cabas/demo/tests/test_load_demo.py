"""load_demo on the real files of data/, loaded once for this module (the load is the
expensive part; the suite runs on SQLite and PostgreSQL)."""

import csv
import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count

from cabas.catalog.models import Category, Offer, Product
from cabas.demo.assortment import MAX_SELLERS, OFF_RAYONS
from cabas.demo.products import is_web_url
from cabas.geo.models import PostalCode
from cabas.search.models import SearchDocument
from cabas.shops import hours
from cabas.shops.models import Shop, ShopStatus
from cabas.territories.models import Territory


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo loaded once, in a transaction rolled back after the module's last test
    (each test runs in a savepoint inside it), so nothing leaks into other modules."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = io.StringIO()
        call_command("load_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def _counts() -> dict[str, int]:
    return {
        "territories": Territory.objects.count(),
        "shops": Shop.objects.count(),
        "products": Product.objects.count(),
        "offers": Offer.objects.count(),
        "postcodes": PostalCode.objects.count(),
        "categories": Category.objects.count(),
    }


def test_paris_has_the_2440_shops_approved_with_indicative_hours(db, demo):
    paris = Territory.objects.get(slug="paris")
    shops = Shop.objects.filter(territory=paris)

    assert shops.count() == 2440
    assert not shops.exclude(status=ShopStatus.APPROVED).exists()
    assert not shops.exclude(source="paris-2020").exists()
    assert not shops.filter(category__isnull=True).exists()
    assert set(shops.values_list("hours_source", flat=True)) == {"demo"}
    assert all(hours.is_valid(text) for text in shops.values_list("opening_hours", flat=True))
    assert all(
        is_web_url(url) for url in shops.exclude(website="").values_list("website", flat=True)
    )
    assert "Ville de Paris" in paris.data_attribution
    assert "Open Food Facts" in paris.data_attribution
    first = shops.get(source_ref="paris-0001")
    assert (first.name, first.category.slug, first.offers_delivery) == (
        "Jadis et Gourmande",
        "epicerie-fine",
        True,
    )
    assert "paris: 2440 commerces" in demo.replace(" :", ":")


def test_every_off_product_is_sold_in_paris_by_one_to_four_shops(db, demo):
    with (settings.DATA_DIR / "products_off_fr_5000.csv").open(encoding="utf-8") as handle:
        barcodes = {row["barcode"] for row in csv.DictReader(handle)}
    products = Product.objects.filter(territory__slug="paris", gtin__in=barcodes).annotate(
        sellers=Count("offers")
    )

    assert products.count() == len(barcodes) == 5000
    sellers = list(products.values_list("sellers", flat=True))
    assert min(sellers) >= 1
    assert max(sellers) <= MAX_SELLERS
    food_shops = (
        Shop.objects.filter(territory__slug="paris", category__slug__in=OFF_RAYONS)
        .annotate(n=Count("offers"))
        .values_list("n", flat=True)
    )
    assert min(food_shops) >= 15 and max(food_shops) <= 60
    offers = Offer.objects.filter(territory__slug="paris")
    assert not offers.filter(is_demo=False).exists()
    # The loader rebuilt the search index: one document per product on sale.
    on_sale = products.filter(offers__is_active=True).distinct().count()
    assert (
        SearchDocument.objects.filter(territory__slug="paris", gtin__in=barcodes).count() == on_sale
    )
    assert not offers.filter(shop__territory__slug="grenoble").exists()


def test_grenoble_keeps_osm_hours_verbatim_and_skips_what_is_not_a_shop(db, demo):
    shops = Shop.objects.filter(territory__slug="grenoble")

    assert shops.count() == 36
    assert not shops.filter(source_category__in=["vacant", "no", ""]).exists()
    by_name = {shop.name: shop for shop in shops}
    appointment = by_name["Perles du Sud et Cils & Cie"]
    assert appointment.opening_hours == '"Sur Rendez-vous Uniquement"'
    assert appointment.hours_source == "osm"
    assert hours.parse(appointment.opening_hours) is None
    # Two OSM features are named "Le Tassili": the first, with hours, keeps the plain slug.
    assert shops.get(slug="le-tassili").opening_hours.startswith("Sa-Th 08:00-20:00")
    assert by_name["Art'if"].hours_source == "none"
    assert "Commerce (presse, papeterie)" in by_name
    assert set(shops.values_list("postcode", flat=True)) == {"38100"}
    assert {"le-tassili", "le-tassili-2"} <= set(shops.values_list("slug", flat=True))
    elefan = by_name["L'Éléfàn"]
    assert elefan.offers_click_collect and elefan.offers.count() >= 15
    assert not by_name["Motrio"].offers.exists() and not by_name["Motrio"].offers_click_collect
    grenoble_products = Product.objects.filter(territory__slug="grenoble")
    assert grenoble_products.filter(source="off").exists()
    assert not grenoble_products.filter(offers__isnull=True).exists()


def test_a_second_run_skips_every_step_and_writes_nothing(db, demo):
    before = _counts()

    again = io.StringIO()
    call_command("load_demo", stdout=again)

    assert _counts() == before
    assert again.getvalue().count("inchangé") == 3


def test_the_load_leaves_planner_statistics_for_what_it_wrote(db, demo):
    """Without statistics PostgreSQL takes the offer table for empty and a product page
    joined every shop to a scan of every offer (10 s); SQLite has no statistics at all
    until ANALYZE. The load analyses what it wrote."""
    from django.db import connection

    offers = Offer.objects.count()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'catalog_offer'")
            estimated = cursor.fetchone()[0]
        else:
            # One row per index: its first number is the table's row count.
            cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = 'catalog_offer' LIMIT 1")
            estimated = int(cursor.fetchone()[0].split()[0])
    assert estimated == pytest.approx(offers, rel=0.1)

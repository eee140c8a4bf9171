import pytest
from django.conf import settings

from cabas.demo.paris import PARIS_FILE, clean_website, read_paris_shops
from cabas.shops import hours


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("https://www.jadisetgourmande.fr", "https://www.jadisetgourmande.fr"),
        ("https//www.megacomik.fr", "https://www.megacomik.fr"),
        ("/https://www.latelune.fr", "https://www.latelune.fr"),
        ("Http://shop.coconino-beers.com", "http://shop.coconino-beers.com"),
        ("www.eucalyptus-paris.com", "https://www.eucalyptus-paris.com"),
        ("<Nul>", ""),
        ("traiteur@mondegourmand.com", ""),
        ('application mobile IOS ANdroid "Vietnam Corner"', ""),
        ("chupiboots", ""),
    ],
)
def test_websites_are_kept_as_valid_urls_or_dropped(typed, kept):
    assert clean_website(typed) == kept


def test_paris_rows_become_shops_with_services_rayons_and_demo_hours():
    shops = {shop.ref: shop for shop in read_paris_shops(settings.DATA_DIR / PARIS_FILE)}

    assert len(shops) == 2440
    laverie = shops["paris-0002"]
    assert (laverie.rayon, laverie.offers_delivery, laverie.offers_click_collect) == (
        "pressing-laverie",
        True,
        False,
    )
    assert not laverie.has_catalogue  # a vitrine: hours, services, contact
    assert laverie.phone == "06 01 92 29 64"
    assert all(hours.is_valid(shop.opening_hours) for shop in shops.values())
    assert sum(shop.made_locally for shop in shops.values()) == 89
    both = [s for s in shops.values() if s.offers_delivery and s.offers_click_collect]
    assert len(both) == 888
    # "Autre" shops are placed by their own words when they say what they sell.
    autre = [shop for shop in shops.values() if shop.source_category == "Autre"]
    assert sum(shop.rayon == "mode-seconde-main" for shop in autre) > 50

"""load_demo on a cut-down copy of data/: bad files are named, nothing is half-loaded,
a changed file updates the territory in place."""

import io

import pytest
from django.core.management import CommandError, call_command

from cabas.catalog.models import Offer, Product
from cabas.demo import writer
from cabas.demo.errors import DemoDataError
from cabas.shops.models import Shop, ShopStatus
from cabas.territories.models import Territory

from .conftest import replace_field

PARIS = "shops_paris_commercants_2020.csv"
PRODUCTS = "products_off_fr_5000.csv"


def load(data_dir, *args):
    out = io.StringIO()
    call_command("load_demo", "--data-dir", str(data_dir), *args, stdout=out)
    return out.getvalue()


def test_small_copy_loads_both_territories_and_offers_every_product(db, small_data_dir):
    load(small_data_dir)

    assert Shop.objects.filter(territory__slug="paris").count() == 80
    assert Shop.objects.filter(territory__slug="grenoble").count() == 36
    products = Product.objects.filter(territory__slug="paris", source="off")
    assert products.count() == 250
    assert not products.filter(offers__isnull=True).exists()


def test_a_malformed_latitude_names_the_file_and_line_and_loads_no_paris(db, small_data_dir):
    replace_field(small_data_dir / PARIS, 57, "latitude", "abc")

    with pytest.raises(CommandError) as error:
        load(small_data_dir)

    assert str(error.value).endswith(f"{PARIS}, ligne 57 : latitude invalide « abc »")
    assert not Territory.objects.filter(slug="paris").exists()
    assert not Shop.objects.exists()


def test_a_missing_file_is_named(db, small_data_dir, settings):
    (small_data_dir / PRODUCTS).unlink()
    settings.DATA_DIR = small_data_dir  # the default directory when --data-dir is absent

    with pytest.raises(CommandError, match=f"{PRODUCTS} : fichier introuvable"):
        call_command("load_demo", stdout=io.StringIO())

    assert not Territory.objects.filter(slug="paris").exists()


def test_a_short_line_is_named_with_its_field_count(db, small_data_dir):
    path = small_data_dir / PRODUCTS
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[9] = "3000000000999,Pain\n"
    path.write_text("".join(lines), encoding="utf-8")

    with pytest.raises(CommandError, match=f"{PRODUCTS}, ligne 10 : 2 champs au lieu de 13"):
        load(small_data_dir)


def test_a_failure_while_writing_rolls_the_whole_territory_back(db, small_data_dir, monkeypatch):
    def broken_offers_upsert(**kwargs):
        raise DemoDataError(small_data_dir / PRODUCTS, "panne simulée", line=2)

    monkeypatch.setattr(writer, "offers_upsert", broken_offers_upsert)

    with pytest.raises(CommandError, match="panne simulée"):
        load(small_data_dir)

    # Shops and products were written before the failure; the transaction undid them.
    assert not Territory.objects.exists()
    assert not Shop.objects.exists()
    assert not Product.objects.exists()


def test_a_bad_file_on_reload_leaves_the_loaded_territory_untouched(db, small_data_dir):
    load(small_data_dir)
    before = (Shop.objects.count(), Product.objects.count(), Offer.objects.count())
    replace_field(small_data_dir / PRODUCTS, 3, "barcode", "12AB")

    with pytest.raises(CommandError, match=f"{PRODUCTS}, ligne 3 : code-barres invalide"):
        load(small_data_dir)

    assert (Shop.objects.count(), Product.objects.count(), Offer.objects.count()) == before


def test_a_changed_file_updates_shops_in_place_and_suspends_the_removed_ones(db, small_data_dir):
    load(small_data_dir)
    path = small_data_dir / PARIS
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    removed_ref = lines[6].split(",")[0]
    path.write_text("".join(lines[:6] + lines[7:]), encoding="utf-8")
    replace_field(path, 3, "name", "Nouveau nom")
    renamed_ref = lines[2].split(",")[0]

    output = load(small_data_dir)

    shops = Shop.objects.filter(territory__slug="paris")
    assert shops.count() == 80
    assert shops.get(source_ref=renamed_ref).name == "Nouveau nom"
    assert shops.get(source_ref=removed_ref).status == ShopStatus.SUSPENDED
    assert not shops.get(source_ref=removed_ref).offers.exists()
    assert shops.filter(status=ShopStatus.APPROVED).count() == 79
    assert "paris : 80 commerces (0 créés, 1 mis à jour" in output
    sold = Product.objects.filter(
        territory__slug="paris", offers__is_active=True, offers__shop__status=ShopStatus.APPROVED
    )
    assert sold.filter(source="off").distinct().count() == 250


def test_a_forced_reload_rewrites_nothing_and_duplicates_nothing(db, small_data_dir):
    load(small_data_dir)
    before = (Shop.objects.count(), Product.objects.count(), Offer.objects.count())

    output = load(small_data_dir, "--force")

    assert (Shop.objects.count(), Product.objects.count(), Offer.objects.count()) == before
    assert "Codes postaux : 0 ajoutés" in output
    assert output.count("(0 créés, 0 mis à jour, 0 suspendus") == 2
    assert output.count("(0 créées, 0 mises à jour, 0 retirées)") == 2

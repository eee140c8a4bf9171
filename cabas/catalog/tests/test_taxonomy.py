import csv

import pytest
from django.conf import settings

from cabas.catalog.models import Category
from cabas.catalog.services import taxonomy_sync
from cabas.catalog.taxonomy import (
    OSM_SHOP_TO_RAYON,
    OTHER,
    PARIS_CATEGORY_TO_RAYON,
    RAYON_SLUGS,
    TREE,
    rayon_for_osm_shop,
    rayon_for_paris_category,
    rayon_for_product_name,
    rayon_for_shop_text,
)


def _column(filename: str, column: str) -> set[str]:
    with (settings.DATA_DIR / filename).open(encoding="utf-8", newline="") as handle:
        return {row[column] for row in csv.DictReader(handle)}


def test_every_map_points_to_a_rayon_of_the_tree():
    targets = set(PARIS_CATEGORY_TO_RAYON.values()) | set(OSM_SHOP_TO_RAYON.values())

    assert targets <= RAYON_SLUGS
    family_slugs = {family.slug for family in TREE}
    assert not family_slugs & RAYON_SLUGS


def test_every_paris_category_has_an_explicit_mapping():
    categories = _column("shops_paris_commercants_2020.csv", "category")

    assert categories <= set(PARIS_CATEGORY_TO_RAYON)
    assert rayon_for_paris_category("Epicerie fine") == "epicerie-fine"
    assert rayon_for_paris_category("Épicerie fine") == "epicerie-fine"
    assert rayon_for_paris_category("Caviste - Brasserie") == "cave"
    assert rayon_for_paris_category("Restaurant ou traiteur") == "traiteur-restaurant"


def test_every_grenoble_shop_value_has_a_mapping_or_is_not_a_shop():
    values = _column("shops_grenoble_osm_sample.csv", "shop")
    first_values = {value.split(";")[0] for value in values} - {"", "vacant", "no"}

    assert first_values <= set(OSM_SHOP_TO_RAYON)


def test_osm_lists_take_their_first_value():
    assert rayon_for_osm_shop("convenience;gas") == "epicerie"
    assert rayon_for_osm_shop(" Bakery ") == "boulangerie-patisserie"


def test_unknown_values_map_to_autre():
    assert rayon_for_paris_category("Marchand de rêves") == OTHER
    assert rayon_for_osm_shop("spaceship_dealer") == OTHER
    assert rayon_for_osm_shop("") == OTHER


@pytest.mark.parametrize(
    ("name", "rayon"),
    [
        ("Baguette", "boulangerie-patisserie"),
        ("Pain au chocolat", "boulangerie-patisserie"),
        ("Chocolat au lait", "chocolaterie-confiserie"),
        ("CRÈME FRAÎCHE épaisse", "fromagerie-cremerie"),
        ("Comte AOP 12 mois", "fromagerie-cremerie"),
        ("Rillettes pur porc", "boucherie-charcuterie"),
        ("Pâté de campagne", "boucherie-charcuterie"),
        ("Pâtes coquillettes", "epicerie"),
        ("Bœuf bourguignon", "boucherie-charcuterie"),
        ("Filets de sardines à l'huile", "poissonnerie"),
        ("Cidre Fermier Bio", "cave"),
        ("Vinaigre de vin", "epicerie"),
        ("Compote pomme", "fruits-legumes"),
        ("Sucre d'orges fluo", "chocolaterie-confiserie"),
        ("Thé vert", "epicerie"),
        ("Granola croustillant", "epicerie"),
    ],
)
def test_product_names_map_by_their_first_keyword_ignoring_accents(name, rayon):
    assert rayon_for_product_name(name) == rayon


def test_keywords_match_whole_words_only():
    # "vin" inside "vinaigrette", "pain" inside "Abracadapain": no match.
    assert rayon_for_product_name("Vinaigrette allégée") == "epicerie"
    assert rayon_for_shop_text("Abracadapain") == OTHER


def test_shop_words_refine_the_autre_category():
    assert rayon_for_shop_text("Petit Produit : vêtements pour enfants") == "mode-seconde-main"
    assert rayon_for_shop_text("Boutique de décoration et luminaires") == "maison-cuisine"
    assert rayon_for_shop_text("Patron & fils") == OTHER


def test_taxonomy_sync_creates_the_tree_once(db):
    written = taxonomy_sync()

    rayon_count = sum(len(family.rayons) for family in TREE)
    assert written == len(TREE) + rayon_count
    assert Category.objects.filter(parent__isnull=True).count() == len(TREE)
    fromagerie = Category.objects.get(slug="fromagerie-cremerie")
    assert fromagerie.parent.slug == "alimentation"
    assert fromagerie.is_food
    assert not Category.objects.get(slug="librairie").is_food
    assert taxonomy_sync() == 0
    assert Category.objects.count() == len(TREE) + rayon_count


def test_taxonomy_sync_restores_an_edited_rayon_and_keeps_foreign_categories(db):
    taxonomy_sync()
    Category.objects.filter(slug="librairie").update(name="Livres", position=999)
    Category.objects.create(slug="categorie-locale", name="Catégorie locale")

    assert taxonomy_sync() == 1

    assert Category.objects.get(slug="librairie").name == "Librairie"
    assert Category.objects.filter(slug="categorie-locale").exists()

"""The storefront search page, with and without JavaScript, and its suggestions."""

from __future__ import annotations

import pytest
from django.utils import timezone

from .conftest import WEDNESDAY_10AM

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def wednesday_morning(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: WEDNESDAY_10AM)


def page(client, **params):
    response = client.get("/ville/recherche/", params)
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


def test_results_page_lists_offers_with_price_shop_and_facets(client, catalogue):
    html = page(client, q="chocolat noir")

    assert "Chocolat noir 70 %" in html
    assert "Boulangerie Dupont" in html
    assert "4,20" in html  # Dupont's price
    assert "4 offres" in html
    assert 'href="/ville/recherche/?q=chocolat+noir&amp;category=chocolaterie"' in html


def test_results_page_works_without_javascript_filters(client, catalogue):
    html = page(client, q="chocolat", open="on", sort="prix")

    assert "Cave des Lilas" not in html  # closed on Wednesday
    assert html.index("Boulangerie Dupont") < html.index("Épicerie du Marché")  # 4,20 < 4,50


def test_results_grouped_by_product(client, catalogue):
    html = page(client, q="chocolat", produits="on")

    assert "2 produits" in html
    assert "chez 3 commerçants, dès 3,99" in html


def test_map_view_lists_the_shops_of_the_page(client, catalogue):
    html = page(client, q="pates", carte="1")

    assert 'id="carte-resultats-data"' in html
    assert "epicerie-du-marche/" in html and "boulangerie-dupont/" in html
    assert "Voir la liste" in html


def test_htmx_request_gets_the_results_fragment(client, catalogue):
    response = client.get("/ville/recherche/", {"q": "pates"}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "Pâtes complètes" in html
    assert 'hx-swap-oob="true"' in html


def test_empty_result_offers_did_you_mean_and_nearby_categories(client, catalogue):
    typo = page(client, q="chocolta blanc ivoire")
    nothing = page(client, q="chocolaterie", price_max="0,10")

    assert "Vouliez-vous dire" in typo
    assert "chocolat blanc ivoire" in typo
    assert "Aucune offre ne correspond" in nothing
    assert "/ville/recherche/?category=chocolaterie" in nothing
    assert "Chercher sans les filtres" in nothing


def test_bad_parameters_are_reported_and_ignored(client, catalogue):
    html = page(client, q="chocolat", price_max="beaucoup", category="inconnue", page="x")

    assert "Prix maximum illisible" in html
    assert "Rayon inconnu" in html
    assert "Chocolat noir 70 %" in html


@pytest.mark.parametrize("q", ["\x00", '"NEAR(* : ^ AND (', "🍫" * 50, "é" * 10_000])
def test_hostile_queries_render_a_page(client, catalogue, q):
    assert "<html" in page(client, q=q)


def test_suggestions_fragment_links_categories_shops_and_products(client, catalogue):
    response = client.get("/ville/recherche/suggestions/", {"q": "choc"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "/ville/recherche/?category=chocolaterie" in html
    assert f"/ville/produits/{catalogue.products['chocolat'].id}/" in html


def test_search_box_partial_renders(client, catalogue, rf):
    from django.template.loader import render_to_string

    html = render_to_string(
        "search/_search_box.html", {"territory": catalogue.territory, "search_query": "pain"}
    )

    assert 'action="/ville/recherche/"' in html
    assert 'hx-get="/ville/recherche/suggestions/"' in html
    assert 'value="pain"' in html


def test_unknown_territory_is_a_404(client, db):
    assert client.get("/nulle-part/recherche/").status_code == 404


def test_each_offer_in_stock_can_be_added_to_the_cart_from_the_results(client, catalogue):
    html = page(client, q="chocolat noir")

    # One add-to-cart form per offer that can be bought, posting to the cart.
    assert html.count('action="/panier/ajouter/"') >= 1
    assert 'name="offer_id"' in html

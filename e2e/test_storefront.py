"""A shopper's journey through the storefront, in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from cabas.factories import (
    CategoryFactory,
    OfferFactory,
    ProductFactory,
    ShopFactory,
    TerritoryFactory,
)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_shopper_finds_a_cheese_shop_its_hours_and_an_offer(live_server, page):
    # Given a territory with a cheese shop selling Comté, a bakery and a bookshop
    paris = TerritoryFactory(slug="paris", name="Paris", primary_colour="#1d5e3a")
    food = CategoryFactory(slug="alimentation", name="Alimentation", name_en="Food", position=1)
    culture = CategoryFactory(slug="culture-loisirs", name="Culture et loisirs", position=2)
    cheese = CategoryFactory(slug="fromagerie", name="Fromagerie", parent=food)
    bread = CategoryFactory(slug="boulangerie", name="Boulangerie", parent=food)
    books = CategoryFactory(slug="librairie", name="Librairie", parent=culture)
    shop = ShopFactory(
        territory=paris,
        slug="fromagerie-lepic",
        name="Fromagerie Lepic",
        category=cheese,
        opening_hours="Mo-Su 08:00-20:00",
        offers_delivery=True,
    )
    ShopFactory(
        territory=paris,
        name="Le Pain d'Antan",
        category=bread,
        offers_click_collect=True,
        offers_delivery=False,
    )
    ShopFactory(territory=paris, name="Librairie des Abbesses", category=books)
    OfferFactory(
        shop=shop,
        product=ProductFactory(territory=paris, name="Comté 18 mois", brand="Marcel Petite"),
        price_cents=1250,
        stock=2,
    )
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    # When the shopper opens the site: the only territory opens directly, styled, with its map
    page.goto(live_server.url + "/")
    expect(page).to_have_url(re.compile(r"/paris/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Les commerces de Paris")
    header_colour = page.eval_on_selector(
        ".site-header", "el => getComputedStyle(el).backgroundColor"
    )
    assert header_colour == "rgb(29, 94, 58)"
    page.locator(".map").scroll_into_view_if_needed()  # Leaflet loads as the map nears
    expect(page.locator(".map.leaflet-container")).to_be_visible()

    # And picks the food family
    page.get_by_role("link", name=re.compile(r"^Alimentation")).click()
    expect(page).to_have_url(re.compile(r"/paris/commerces/\?category=alimentation$"))
    results = page.locator("#resultats")
    expect(results.get_by_role("heading", level=2)).to_have_text("2 commerces")
    expect(results).not_to_contain_text("Librairie des Abbesses")

    # And narrows to delivery: htmx swaps the results and keeps the address shareable
    page.get_by_text("Catégorie, services, distance").click()
    page.get_by_label("Service", exact=True).select_option("delivery")
    expect(results.get_by_role("heading", level=2)).to_have_text("1 commerce")
    expect(page).to_have_url(re.compile(r"service=delivery"))
    expect(results).not_to_contain_text("Le Pain d'Antan")

    # And opens the cheese shop
    results.get_by_role("link", name="Fromagerie Lepic").click()
    expect(page).to_have_url(re.compile(r"/paris/commerces/fromagerie-lepic/$"))

    # Then its hours for the week, today first, and its offer are shown
    hours = page.locator("table.hours")
    expect(hours).to_be_visible()
    expect(hours.locator("tbody tr")).to_have_count(7)
    expect(hours.locator("tr.today")).to_contain_text("8 h – 20 h")
    offer = page.locator(".offer").first
    expect(offer).to_contain_text("Comté 18 mois")
    expect(offer).to_contain_text("12,50 €")
    expect(offer).to_contain_text("Plus que 2")
    assert errors == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_without_javascript_the_filters_are_a_plain_form(live_server, page_without_javascript):
    # Given two shops in different rayons
    page = page_without_javascript
    paris = TerritoryFactory(slug="paris", name="Paris")
    food = CategoryFactory(slug="alimentation", name="Alimentation", position=1)
    cheese = CategoryFactory(slug="fromagerie", name="Fromagerie", parent=food)
    books = CategoryFactory(slug="librairie", name="Librairie", parent=food)
    ShopFactory(territory=paris, name="Fromagerie Lepic", category=cheese)
    ShopFactory(territory=paris, name="Librairie des Abbesses", category=books)

    # When the shopper opens the filters, picks a rayon and submits
    page.goto(live_server.url + "/paris/commerces/")
    expect(page.locator(".map-fallback")).to_have_count(0)  # no map on this page
    page.get_by_text("Catégorie, services, distance").click()
    page.get_by_label("Catégorie").select_option("fromagerie")
    page.get_by_role("button", name="Afficher les commerces").click()

    # Then the page reloads with the filter in its address and only that rayon
    expect(page).to_have_url(re.compile(r"category=fromagerie"))
    results = page.locator("#resultats")
    expect(results.get_by_role("heading", level=2)).to_have_text("1 commerce")
    expect(results).to_contain_text("Fromagerie Lepic")
    expect(results).not_to_contain_text("Librairie des Abbesses")
    # and the geolocation button, which needs JavaScript, stays hidden
    expect(page.get_by_role("button", name="Utiliser ma position")).to_be_hidden()

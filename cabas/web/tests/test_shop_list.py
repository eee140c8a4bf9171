"""The shop list: filters, distance, pagination, htmx partial, bad input and query counts."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cabas.factories import PostalCodeFactory, ShopClosureFactory, ShopFactory

from .conftest import MONDAY_8PM, MONDAY_10AM

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    html = response.content.decode()
    return re.findall(r'<h3 class="shop-card-title"><a[^>]*>([^<]+)</a>', html)


def test_lists_approved_shops_with_badges_and_services(client, paris, freeze):
    freeze(MONDAY_10AM)
    ShopFactory(territory=paris, name="Ouvert", offers_delivery=True)
    ShopFactory(territory=paris, name="Indicatif", hours_source="demo")
    ShopFactory(territory=paris, name="Sans horaires", opening_hours="")
    ShopFactory(territory=paris, name="Brouillon", status="draft")

    response = client.get("/paris/commerces/")

    assert response.status_code == 200
    assert names(response) == ["Indicatif", "Ouvert", "Sans horaires"]
    html = response.content.decode()
    assert '<h2 id="resultats-titre">3 commerces</h2>' in html
    assert "Ouvert · ferme à 19 h" in html
    assert "Horaires indicatifs" in html
    assert "Horaires non renseignés" in html
    assert "Livraison" in html and "Retrait en boutique" in html


def test_closed_shop_says_when_it_opens_again(client, paris, freeze):
    freeze(MONDAY_8PM)
    ShopFactory(territory=paris, name="Fermé le soir")

    html = client.get("/paris/commerces/").content.decode()

    assert "Fermé · ouvre demain à 9 h" in html


def test_exceptional_closure_shows_on_the_badge(client, paris, freeze):
    freeze(MONDAY_10AM)
    shop = ShopFactory(territory=paris, name="En congés")
    ShopClosureFactory(shop=shop, start_date=MONDAY_10AM.date(), end_date=MONDAY_10AM.date())

    html = client.get("/paris/commerces/").content.decode()

    assert "Fermé exceptionnellement · ouvre demain à 9 h" in html


def test_filters_by_family_or_by_rayon(client, paris, taxonomy):
    ShopFactory(territory=paris, name="Fromagerie", category=taxonomy["fromagerie"])
    ShopFactory(territory=paris, name="Boulangerie", category=taxonomy["boulangerie"])
    ShopFactory(territory=paris, name="Librairie", category=taxonomy["librairie"])

    family = client.get("/paris/commerces/?category=alimentation")
    rayon = client.get("/paris/commerces/?category=librairie")

    assert names(family) == ["Boulangerie", "Fromagerie"]
    assert names(rayon) == ["Librairie"]
    assert '<option value="librairie" selected>Librairie (1)</option>' in rayon.content.decode()


def test_filters_by_text(client, paris, taxonomy):
    ShopFactory(territory=paris, name="Fromagerie Lepic", category=taxonomy["fromagerie"])
    ShopFactory(territory=paris, name="Au Bon Pain", address="3 rue Lepic")
    ShopFactory(territory=paris, name="Ailleurs")

    assert names(client.get("/paris/commerces/?q=lepic")) == ["Au Bon Pain", "Fromagerie Lepic"]


@pytest.mark.parametrize(
    ("service", "expected"),
    [("click_collect", ["Retrait"]), ("delivery", ["Livre"]), ("vouchers", ["Chèques"])],
)
def test_filters_by_service(client, paris, service, expected):
    ShopFactory(territory=paris, name="Retrait", offers_click_collect=True)
    ShopFactory(territory=paris, name="Livre", offers_click_collect=False, offers_delivery=True)
    ShopFactory(territory=paris, name="Chèques", offers_click_collect=False, accepts_vouchers=True)

    assert names(client.get(f"/paris/commerces/?service={service}")) == expected


def test_open_now_at_a_frozen_time(client, paris, freeze):
    # Given a morning shop and an evening shop
    ShopFactory(territory=paris, name="Matin", opening_hours="Mo-Su 08:00-12:00")
    ShopFactory(territory=paris, name="Soir", opening_hours="Mo-Su 18:00-23:00")

    # When "open now" is asked at 10:00, then at 20:00
    freeze(MONDAY_10AM)
    morning = client.get("/paris/commerces/?open=1")
    freeze(MONDAY_8PM)
    evening = client.get("/paris/commerces/?open=1")

    # Then each time only the open shop is listed
    assert names(morning) == ["Matin"]
    assert names(evening) == ["Soir"]


def test_near_a_postcode_within_a_radius_nearest_first(client, paris):
    # Given the centre of 75018 and shops at about 0.7, 1.5 and 8 km from it
    PostalCodeFactory(code="75018", lat=48.8925, lon=2.3444)
    ShopFactory(territory=paris, name="Moyen", lat=48.8925, lon=2.3644)
    ShopFactory(territory=paris, name="Proche", lat=48.8925, lon=2.3544)
    ShopFactory(territory=paris, name="Loin", lat=48.8200, lon=2.3444)

    within_2km = client.get("/paris/commerces/?postcode=75018&radius=2")
    anywhere = client.get("/paris/commerces/?postcode=75018&radius=")

    assert names(within_2km) == ["Proche", "Moyen"]
    assert names(anywhere) == ["Proche", "Moyen", "Loin"]
    html = within_2km.content.decode()
    assert "à 730 m" in html and "à 1,5 km" in html
    assert "autour de 75018" in html


def test_postcode_without_radius_uses_two_kilometres(client, paris):
    PostalCodeFactory(code="75018", lat=48.8925, lon=2.3444)
    ShopFactory(territory=paris, name="Proche", lat=48.8925, lon=2.3544)
    ShopFactory(territory=paris, name="Loin", lat=48.8200, lon=2.3444)

    response = client.get("/paris/commerces/?postcode=75018")

    assert names(response) == ["Proche"]
    assert '<option value="2" selected>2 km</option>' in response.content.decode()


def test_postcode_missing_from_la_poste_falls_back_on_the_territorys_shops(client, paris):
    ShopFactory(territory=paris, name="Dans le 11e", postcode="75011", lat=48.858, lon=2.38)
    ShopFactory(territory=paris, name="Loin", postcode="75016", lat=48.85, lon=2.26)

    assert names(client.get("/paris/commerces/?postcode=75011")) == ["Dans le 11e"]


def test_near_my_position(client, paris):
    ShopFactory(territory=paris, name="Ici", lat=48.8700, lon=2.3300)
    ShopFactory(territory=paris, name="Là-bas", lat=48.8300, lon=2.4000)

    response = client.get("/paris/commerces/?lat=48.8701&lon=2.3301&radius=1")

    assert names(response) == ["Ici"]
    assert "autour de votre position" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("page=abc", None),
        ("page=-1", None),
        ("page=99999", None),
        ("radius=-3&postcode=75002", "La distance doit être un nombre de kilomètres"),
        ("radius=abc&postcode=75002", "La distance doit être un nombre de kilomètres"),
        ("radius=1e309&postcode=75002", "La distance doit être un nombre de kilomètres"),
        ("lat=foo&lon=2.3", "La position reçue est invalide"),
        ("lat=91&lon=2.3", "La position reçue est invalide"),
        ("lat=nan&lon=nan", "La position reçue est invalide"),
        ("postcode=7500", "Le code postal doit comporter 5 chiffres"),
        ("postcode=99999", "Code postal inconnu : 99999"),
        ("category=inexistante", "Catégorie inconnue"),
        ("service=teleportation", "Service inconnu"),
        ("open=peut-etre", None),
        ("q=%00%27%22%3Cscript%3E" + "x" * 5000, None),
    ],
)
def test_bad_query_values_never_fail(client, paris, query, message):
    ShopFactory(territory=paris, name="Toujours là")

    response = client.get(f"/paris/commerces/?{query}")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>" not in html.split('id="resultats"')[1]
    if message:
        assert message in html
        assert 'role="alert"' in html
    else:
        assert 'role="alert"' not in html


def test_an_empty_result_says_so(client, paris):
    response = client.get("/paris/commerces/?q=introuvable")

    assert "Aucun commerce ne correspond à ces critères." in response.content.decode()


def test_pagination_has_24_shops_a_page_and_marks_the_current_one(client, paris, taxonomy):
    ShopFactory.create_batch(50, territory=paris, category=taxonomy["fromagerie"])

    first = client.get("/paris/commerces/?category=fromagerie")
    second = client.get("/paris/commerces/?category=fromagerie&page=2")
    beyond = client.get("/paris/commerces/?category=fromagerie&page=9")

    assert len(names(first)) == 24 and len(names(second)) == 24
    assert set(names(first)).isdisjoint(names(second))
    html = second.content.decode()
    assert re.search(
        r'<a href="/paris/commerces/\?category=fromagerie&amp;page=2"[^>]*aria-current="page"', html
    )
    assert 'href="/paris/commerces/?category=fromagerie&amp;page=3"' in html
    assert 'rel="prev"' in html and 'rel="next"' in html
    assert len(names(beyond)) == 2  # the last page


def test_htmx_request_gets_only_the_results(client, paris):
    ShopFactory(territory=paris, name="Partiel")

    partial = client.get("/paris/commerces/?q=part", headers={"HX-Request": "true"})
    restore = client.get(
        "/paris/commerces/?q=part",
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )

    html = partial.content.decode()
    assert "Partiel" in html
    assert "<html" not in html and "<form" not in html
    assert 'hx-swap-oob="true"' in html  # the live region announcing the count
    assert "HX-Request" in partial["Vary"]
    assert "<html" in restore.content.decode()


def test_filter_form_works_with_and_without_javascript(client, paris):
    html = client.get("/paris/commerces/").content.decode()

    form = re.search(r'<form id="filtres"[^>]*>', html)[0]
    assert 'action="/paris/commerces/"' in form and 'method="get"' in form
    assert 'hx-get="/paris/commerces/"' in form and 'hx-push-url="true"' in form
    for name in ("q", "category", "service", "open", "postcode", "radius", "lat", "lon"):
        assert f'name="{name}"' in html
    for field_id in ("id_q", "id_category", "id_service", "id_open", "id_postcode", "id_radius"):
        assert f'<label for="{field_id}">' in html
    assert "vendor/htmx/htmx.min.js" in html and "leaflet.js" not in html


def test_query_count_does_not_grow_with_shops(
    client, paris, taxonomy, django_assert_max_num_queries
):
    # Given 5 shops, some with closures, and every filter at once
    url = (
        "/paris/commerces/?q=commerce&category=alimentation&service=click_collect"
        "&open=1&postcode=75002&radius=5"
    )
    PostalCodeFactory(code="75002")

    def add_shops(count: int) -> None:
        shops = ShopFactory.create_batch(count, territory=paris, category=taxonomy["fromagerie"])
        for shop in shops[::5]:
            ShopClosureFactory(shop=shop)

    def queries_for_page() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    add_shops(5)
    with_5 = queries_for_page()

    # When there are 40 shops
    add_shops(35)
    with_40 = queries_for_page()

    # Then the page costs the same number of queries, and few
    assert with_5 == with_40
    with django_assert_max_num_queries(8):
        client.get(url)


def test_a_second_visit_within_the_minute_reads_no_shop(client, paris, taxonomy, freeze):
    """The ids of a category's shops are kept for the data generation, the cards of a page
    for the minute: the next visitor's page reads neither shops nor ready times."""
    freeze(MONDAY_10AM)
    ShopFactory.create_batch(3, territory=paris, category=taxonomy["fromagerie"])
    url = "/paris/commerces/?category=alimentation&open=on"
    first = client.get(url)

    with CaptureQueriesContext(connection) as captured:
        second = client.get(url)

    assert len(names(second)) == 3
    assert names(second) == names(first)
    read = [query["sql"] for query in captured if '"shops_shop"' in query["sql"]]
    assert read == []
    assert not [query for query in captured if "fulfilment" in query["sql"]]


def test_a_kept_list_shows_a_new_or_renamed_shop_at_once(client, paris, taxonomy, freeze):
    freeze(MONDAY_10AM)
    shop = ShopFactory(territory=paris, name="Fromagerie A", category=taxonomy["fromagerie"])
    url = "/paris/commerces/?category=alimentation"
    assert names(client.get(url)) == ["Fromagerie A"]

    ShopFactory(territory=paris, name="Boulangerie B", category=taxonomy["boulangerie"])
    assert names(client.get(url)) == ["Boulangerie B", "Fromagerie A"]

    freeze(MONDAY_10AM + dt.timedelta(seconds=5))
    shop.name = "Fromagerie C"
    shop.save()
    assert names(client.get(url)) == ["Boulangerie B", "Fromagerie C"]


def test_kept_cards_follow_the_minute_and_the_language(client, paris, taxonomy, freeze):
    freeze(MONDAY_8PM - dt.timedelta(hours=1, seconds=30))  # 18:59:30 in Paris
    ShopFactory(territory=paris, name="Fromagerie", category=taxonomy["fromagerie"])
    url = "/paris/commerces/?category=fromagerie"
    assert "Ouvert · ferme à 19 h" in client.get(url).content.decode()
    english = client.get(f"/en{url}").content.decode()
    assert "Open · closes at 7 pm" in english and 'href="/en/paris/commerces/' in english

    freeze(MONDAY_8PM - dt.timedelta(minutes=59))  # 19:01
    html = client.get(url).content.decode()
    assert "Fermé · ouvre demain à 9 h" in html and 'href="/en/paris/commerces/' not in html

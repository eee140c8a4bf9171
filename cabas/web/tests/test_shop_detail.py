"""The shop page: the week's hours, closures, offers and their pagination, query count."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cabas.backoffice.services import (
    closure_add,
    closure_delete,
    shop_set_hours,
    shop_update_vitrine,
)
from cabas.factories import OfferFactory, ProductFactory, ShopClosureFactory, ShopFactory
from cabas.shops import hours

from .conftest import MONDAY_10AM

pytestmark = pytest.mark.django_db


def hours_rows(html: str) -> list[tuple[str, str]]:
    table = html.split('<table class="hours">')[1].split("</table>")[0]
    rows = re.findall(
        r"<tr([^>]*)>\s*<th scope=\"row\">(.*?)</th>\s*<td[^>]*>(.*?)</td>", table, re.S
    )
    return [
        (attrs, re.sub(r"<[^>]+>", "", head).strip(), re.sub(r"<[^>]+>", "", cell))
        for attrs, head, cell in rows
    ]


def test_hours_table_covers_seven_days_from_today_with_today_highlighted(client, paris, freeze):
    # Given a shop closed on Sundays with a lunch break, on Monday 6 January at 10:00
    freeze(MONDAY_10AM)
    ShopFactory(territory=paris, slug="pause", opening_hours="Mo-Sa 09:00-12:30,14:00-19:00")

    html = client.get("/paris/commerces/pause/").content.decode()

    rows = hours_rows(html)
    assert len(rows) == 7
    attrs, head, cell = rows[0]
    assert 'class="today"' in attrs and 'aria-current="date"' in attrs
    assert head.startswith("Lundi 6 janvier") and "aujourd’hui" in head
    assert cell == "9 h – 12 h 30, 14 h – 19 h"
    assert rows[6][1].startswith("Dimanche 12 janvier") and rows[6][2] == "Fermé"
    assert all('class="today"' not in attrs for attrs, _, _ in rows[1:])
    assert "Ouvert · ferme à 12 h 30" in html


def test_exceptional_closure_shows_in_the_table_and_the_list(client, paris, freeze):
    freeze(MONDAY_10AM)
    shop = ShopFactory(territory=paris, slug="conges")
    ShopClosureFactory(
        shop=shop, start_date=dt.date(2025, 1, 8), end_date=dt.date(2025, 1, 9), reason="Congés"
    )
    ShopClosureFactory(
        shop=shop, start_date=dt.date(2024, 12, 24), end_date=dt.date(2024, 12, 26)
    )  # over already

    html = client.get("/paris/commerces/conges/").content.decode()

    rows = hours_rows(html)
    assert rows[2][2].startswith("Fermeture exceptionnelle") and "Congés" in rows[2][2]
    assert rows[3][2].startswith("Fermeture exceptionnelle")
    assert rows[4][2] == "9 h – 19 h"
    assert "Du 8 janvier 2025 au 9 janvier 2025 : Congés" in html
    assert "24 décembre" not in html


def test_a_shop_closed_today_by_closure_says_so(client, paris, freeze):
    freeze(MONDAY_10AM)
    shop = ShopFactory(territory=paris, slug="ferme")
    ShopClosureFactory(shop=shop, start_date=MONDAY_10AM.date(), end_date=MONDAY_10AM.date())

    html = client.get("/paris/commerces/ferme/").content.decode()

    assert "Fermé exceptionnellement · ouvre demain à 9 h" in html


def test_unknown_and_demo_hours_are_labelled(client, paris):
    ShopFactory(territory=paris, slug="inconnu", opening_hours="", hours_source="none")
    ShopFactory(territory=paris, slug="demo", hours_source="demo")

    unknown = client.get("/paris/commerces/inconnu/").content.decode()
    demo = client.get("/paris/commerces/demo/").content.decode()

    assert "Horaires non renseignés" in unknown and '<table class="hours">' not in unknown
    assert "Horaires indicatifs" in demo


@pytest.mark.parametrize(
    ("stock", "words"),
    [(20, "En stock"), (2, "Plus que 2"), (1, "Plus que 1"), (0, "Rupture"), (None, "Sur demande")],
)
def test_stock_is_said_in_words(client, paris, stock, words):
    shop = ShopFactory(territory=paris, slug="stock")
    OfferFactory(shop=shop, stock=stock)

    html = client.get("/paris/commerces/stock/").content.decode()

    assert f">{words}</p>" in html


def test_offers_are_paginated_by_24_available_first(client, paris):
    # Given 30 offers, the first product alphabetically sold out
    shop = ShopFactory(territory=paris, slug="grand")
    OfferFactory(shop=shop, product__name="AAA épuisé", stock=0)
    for index in range(29):
        OfferFactory(shop=shop, product__name=f"Produit {index:02d}")
    OfferFactory(shop=shop, product__name="Retiré", is_active=False)

    first = client.get("/paris/commerces/grand/").content.decode()
    second = client.get("/paris/commerces/grand/?page=2").content.decode()
    bad = client.get("/paris/commerces/grand/?page=zzz")

    assert first.count('<li class="offer">') == 24
    assert second.count('<li class="offer">') == 6
    assert "AAA épuisé" in second and "AAA épuisé" not in first
    assert "Retiré" not in first + second
    assert re.search(r'href="/paris/commerces/grand/\?page=2"[^>]*aria-current="page"', second)
    assert "(30)" in first
    assert bad.status_code == 200


def test_demo_prices_are_marked(client, paris):
    shop = ShopFactory(territory=paris, slug="demo")
    OfferFactory(shop=shop, is_demo=True, product__name="Démo")
    OfferFactory(shop=shop, is_demo=False, product__name="Vrai")

    html = client.get("/paris/commerces/demo/").content.decode()

    assert html.count('<p class="demo-mention">prix de démonstration</p>') == 1


def test_a_shop_without_catalogue_is_a_vitrine(client, paris):
    ShopFactory(territory=paris, slug="vitrine")

    html = client.get("/paris/commerces/vitrine/").content.decode()

    assert "Ce commerce n’a pas encore mis ses produits en ligne" in html


def test_prices_follow_the_language(client, paris):
    shop = ShopFactory(territory=paris, slug="prix")
    OfferFactory(shop=shop, price_cents=1250)

    french = client.get("/paris/commerces/prix/").content.decode()
    english = client.get("/en/paris/commerces/prix/").content.decode()

    assert "12,50\u00a0€" in french
    assert "€12.50" in english


def test_shop_page_query_count_does_not_grow_with_shops_or_offers(client, paris):
    # Given a shop with 5 offers in a territory of 5 shops
    shop = ShopFactory(territory=paris, slug="compte")
    ShopClosureFactory(shop=shop, start_date=MONDAY_10AM.date(), end_date=MONDAY_10AM.date())

    def grow(count: int) -> None:
        ShopFactory.create_batch(count, territory=paris)
        for _ in range(count):
            OfferFactory(shop=shop, product=ProductFactory(territory=paris))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/paris/commerces/compte/").status_code == 200
        return len(captured)

    grow(5)
    with_5 = queries()

    # When the territory and the catalogue grow to 40
    grow(35)
    with_40 = queries()

    # Then the page costs the same, small number of queries (+1: the shop's news)
    assert with_5 == with_40 <= 8
    # and the next views read the shop and its closures from the cache
    assert queries() == with_40 - 2


def test_what_the_page_keeps_follows_the_merchants_changes_at_once(client, paris):
    # The shop, its closures and its hours table are kept for the data generation: a
    # closure added or removed, new hours or a new name show on the next view. (The
    # clock runs: the generation notes a shop saved by its time of update.)
    shop = ShopFactory(
        territory=paris, slug="suivi", name="Ancien nom", opening_hours="Mo-Su 09:00-19:00"
    )
    url = "/paris/commerces/suivi/"
    in_two_days = hours.local_now(paris.timezone).date() + dt.timedelta(days=2)
    assert hours_rows(client.get(url).content.decode())[2][2] == "9 h – 19 h"

    closure = closure_add(shop=shop, start=in_two_days, end=in_two_days)
    assert hours_rows(client.get(url).content.decode())[2][2] == "Fermeture exceptionnelle"

    closure_delete(shop=shop, closure_id=closure.pk)
    shop_set_hours(shop=shop, expression="Mo-Su 08:00-20:00")
    shop_update_vitrine(shop=shop, values={"name": "Nouveau nom"})
    html = client.get(url).content.decode()
    assert hours_rows(html)[2][2] == "8 h – 20 h"
    assert "<h1>Nouveau nom</h1>" in html


def test_the_kept_hours_table_follows_the_day_and_the_language(client, paris, freeze):
    freeze(MONDAY_10AM)
    ShopFactory(territory=paris, slug="jours")
    assert hours_rows(client.get("/paris/commerces/jours/").content.decode())[0][1].startswith(
        "Lundi 6 janvier"
    )
    english = client.get("/en/paris/commerces/jours/").content.decode()
    assert hours_rows(english)[0][1].startswith("Monday 6 January")
    freeze(MONDAY_10AM + dt.timedelta(days=1))
    tuesday = client.get("/paris/commerces/jours/").content.decode()
    assert hours_rows(tuesday)[0][1].startswith("Mardi 7 janvier")

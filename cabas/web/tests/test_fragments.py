"""The fragments and widgets written in Python (``web/fragments.py``, ``web/widgets.py``)
write the same HTML as the templates they replaced, and as Django's widget templates.

The former templates are kept as they were in ``former_templates/`` (the loops of the
product, shop and search pages cut out of their pages); each case renders them (with a
template engine of their own) and the new tags on the same data, with values that need
escaping, in French and in English, and compares the HTML (whitespace between tags
aside: the include nodes left blank lines).
"""

import datetime as dt
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django import forms
from django.template import Context, Engine, Template
from django.test import RequestFactory
from django.utils import translation

from cabas.factories import CategoryFactory, OfferFactory, ProductFactory, ShopFactory
from cabas.fulfilment.selectors import ReadyTime
from cabas.search.results import OfferHit, ProductRef
from cabas.search.shop_snapshot import ShopInfo
from cabas.shops import hours
from cabas.shops.selectors import ShopRow
from cabas.web import formatting, widgets
from cabas.web.forms import LocationForm

pytestmark = pytest.mark.django_db

FORMER_DIR = Path(__file__).parent / "former_templates"

FORMER = Engine(
    dirs=[str(FORMER_DIR)],
    libraries={
        "i18n": "django.templatetags.i18n",
        "storefront": "cabas.web.templatetags.storefront",
    },
)
NOW_LOCAL = dt.datetime(2025, 1, 6, 10, 0)
NASTY = 'Chez "Lulu" & <Co>'


def normalise(html: str) -> str:
    html = re.sub(r">\s+", ">", html)
    html = re.sub(r"\s+<", "<", html)
    return re.sub(r"\s+", " ", html).strip()


def both(former: str, new: str, context: dict) -> tuple[str, str]:
    old_html = FORMER.get_template(former).render(Context(context))
    new_html = Template("{% load storefront %}" + new).render(Context(context))
    return normalise(old_html), normalise(new_html)


@pytest.fixture
def context(paris):
    request = RequestFactory().get("/paris/commerces/", {"q": 'pain "<b>"', "page": "2"})
    return {
        "territory": paris,
        "now_local": NOW_LOCAL,
        "request": request,
        "csrf_token": "jeton<&>",
    }


STATES = [
    hours.OpenState(hours.STATE_OPEN, dt.datetime(2025, 1, 6, 19, 0)),
    hours.OpenState(hours.STATE_CLOSED, dt.datetime(2025, 1, 8, 9, 30), "fermeture exceptionnelle"),
    hours.OpenState(hours.STATE_UNKNOWN, None),
]
READY = ReadyTime(
    at=dt.datetime(2025, 1, 6, 16, 0, tzinfo=dt.UTC),
    method="pickup",
    text="prêt aujourd’hui dès 17 h",
)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_shop_cards_are_the_former_template(context, language):
    category = CategoryFactory(slug="fromagerie", name="Fromagerie", name_en="Cheese shop")
    shops = [
        ShopFactory(
            territory=context["territory"],
            name=NASTY,
            category=category,
            offers_delivery=True,
            accepts_vouchers=True,
            hours_source="demo",
        ),
        ShopFactory(
            territory=context["territory"], address="", postcode="75011", offers_click_collect=False
        ),
        ShopFactory(territory=context["territory"], address="", postcode=""),
    ]
    rows = [
        ShopRow(shop=shop, open_state=state, distance_km=distance, extra={"ready": ready})
        for shop, state, distance, ready in zip(
            shops, STATES, [0.35, None, 12.4], [READY, None, None], strict=True
        )
    ]
    with translation.override(language):
        old, new = both(
            "cards.html",
            "{% for row in rows %}<li>{% shop_card row %}</li>{% endfor %}",
            {**context, "rows": rows},
        )
    assert old == new
    assert "&lt;Co&gt;" in new and ("/en/paris/" in new) == (language == "en")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_sellers_of_a_product_are_the_former_template(context, language):
    product = ProductFactory(territory=context["territory"], name=NASTY)
    offers = [
        OfferFactory(
            product=product,
            shop__territory=context["territory"],
            shop__name=NASTY,
            stock=2,
            price_cents=1234,
            is_demo=True,
            shop__hours_source="demo",
        ),
        OfferFactory(product=product, shop__territory=context["territory"], stock=None),
        OfferFactory(product=product, shop__territory=context["territory"], stock=0),
        OfferFactory(product=product, shop__territory=context["territory"], is_active=False),
    ]
    sellers = [
        (
            SimpleNamespace(shop=offer.shop, offer=offer, distance_km=distance, open_state=state),
            ready,
        )
        for offer, distance, state, ready in zip(
            offers,
            [1.5, None, 0.2, 3.0],
            [*STATES, STATES[0]],
            [READY, READY, READY, None],
            strict=True,
        )
    ]
    with translation.override(language):
        old, new = both(
            "sellers.html",
            "{% for row, ready in sellers %}{% seller_row row ready product.name %}{% endfor %}",
            {**context, "sellers": sellers, "product": product},
        )
    assert old == new
    assert new.count('class="add-to-cart"') == 2  # stock 2 and "sur demande"
    assert 'value="jeton&lt;&amp;&gt;"' in new


@pytest.mark.parametrize("ready", [READY, None])
def test_offers_of_a_shop_are_the_former_template(context, ready):
    shop = ShopFactory(territory=context["territory"])
    offers = [
        OfferFactory(
            shop=shop,
            product__name=NASTY,
            product__brand="Lait & <Cie>",
            product__quantity="1 kg",
            stock=5,
            is_demo=True,
        ),
        OfferFactory(shop=shop, product__brand="", product__quantity="250 g", stock=None),
        OfferFactory(shop=shop, product__brand="Marque", product__quantity="", stock=0),
    ]
    old, new = both(
        "offers.html",
        "{% for offer in page_obj.object_list %}{% shop_offer_row offer ready %}{% endfor %}",
        {**context, "page_obj": SimpleNamespace(object_list=offers), "ready": ready},
    )
    assert old == new
    assert new.count('class="add-to-cart"') == (2 if ready else 0)


def test_the_pages_row_tags_write_what_their_loops_wrote(context):
    """``seller_rows`` and ``shop_offer_rows`` write, byte for byte, the loops of the
    product and shop pages they replace (whitespace included)."""
    product = ProductFactory(territory=context["territory"], name=NASTY)
    offers = [
        OfferFactory(product=product, shop__territory=context["territory"], shop__name=NASTY),
        OfferFactory(product=product, shop__territory=context["territory"], stock=None),
        OfferFactory(product=product, shop__territory=context["territory"], stock=0),
    ]
    sellers = [
        (SimpleNamespace(shop=o.shop, offer=o, distance_km=d, open_state=s), r)
        for o, d, s, r in zip(offers, [1.5, None, 0.2], STATES, [READY, None, READY], strict=True)
    ]
    values = Context({**context, "sellers": sellers, "product": product, "offers": offers})
    loop = (
        "{% load storefront %}<ul>\n      {% for row, ready in sellers %}\n      "
        "{% seller_row row ready product.name %}\n      {% endfor %}\n    </ul>"
    )
    tag = "{% load storefront %}<ul>\n      {% seller_rows sellers product.name %}\n    </ul>"
    assert Template(tag).render(values) == Template(loop).render(values)
    loop = (
        "{% load storefront %}<ul>\n          {% for offer in offers %}\n          "
        "{% shop_offer_row offer True %}\n          {% endfor %}\n        </ul>"
    )
    tag = "{% load storefront %}<ul>\n          {% shop_offer_rows offers True %}\n        </ul>"
    assert Template(tag).render(values) == Template(loop).render(values)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_hours_rows_are_the_former_loop(language):
    week = [
        formatting.DayRow(
            dt.date(2025, 1, 6), "lundi 6 janvier", True, ["9 h – 12 h", "14 h – 19 h"], True
        ),
        formatting.DayRow(dt.date(2025, 1, 7), "mardi 7 janvier", False, ["Fermé"], False),
        formatting.DayRow(
            dt.date(2025, 1, 8),
            "mercredi 8 janvier",
            False,
            ["Fermeture exceptionnelle"],
            False,
            NASTY,
        ),
    ]
    loop = (
        "{% load i18n %}<tbody>\n          {% for day in week %}\n"
        '            <tr{% if day.is_today %} class="today" aria-current="date"{% endif %}>\n'
        '              <th scope="row">{{ day.label|capfirst }}{% if day.is_today %} '
        '<span class="today-mark">({% translate "aujourd’hui" %})</span>{% endif %}</th>\n'
        '              <td{% if not day.is_open %} class="closed"{% endif %}>'
        '{% for text in day.hours %}<span class="interval">{{ text }}</span>'
        "{% if not forloop.last %}, {% endif %}{% endfor %}{% if day.closure_reason %} "
        '<span class="muted">— {{ day.closure_reason }}</span>{% endif %}</td>\n'
        "            </tr>\n          {% endfor %}\n          </tbody>"
    )
    tag = "{% load storefront %}<tbody>\n          {% week_rows week %}\n          </tbody>"
    with translation.override(language):
        new = Template(tag).render(Context({"week": week}))
        assert new == Template(loop).render(Context({"week": week}))
    assert "&lt;Co&gt;" in new


def test_search_hits_are_the_former_template(context):
    def hit(offer_id, **changes):
        values = {
            "offer_id": offer_id,
            "sku": "S",
            "price_cents": 990,
            "currency": "EUR",
            "stock": 4,
            "product": ProductRef(id=offer_id, name=NASTY, gtin=None, brand="", category_id=None),
            "shop": ShopInfo(
                id=1, slug="chez-lulu", name=NASTY, lat=0, lon=0, postcode="75011", is_open=True
            ),
            "distance_km": 0.8,
            "open_now": True,
            "score": 1.0,
        }
        return OfferHit(**{**values, **changes})

    hits = [hit(1), hit(2, stock=None, distance_km=None, open_now=False), hit(3, stock=0)]
    old, new = both(
        "hits.html",
        "{% for hit in result.offers %}{% search_offer hit %}{% endfor %}",
        {**context, "result": SimpleNamespace(offers=hits)},
    )
    assert old == new
    assert new.count('class="add-to-cart"') == 2


def test_the_former_includes_still_render_the_same(context):
    """Other pages include ``web/_add_to_cart.html`` and friends: same HTML."""
    shop = ShopFactory(territory=context["territory"], hours_source="demo")
    values = {
        **context,
        "shop": shop,
        "state": STATES[0],
        "ready": READY,
        "offer_id": 7,
        "stock": 3,
        "name": NASTY,
    }
    for name in ("web/_open_badge.html", "web/_ready.html", "web/_add_to_cart.html"):
        old = FORMER.get_template(name).render(Context(values))
        new = Template(f'{{% include "{name}" %}}').render(Context(values))
        assert normalise(old) == normalise(new), name
    # A page that forgets the stock gets no form, as before.
    assert "<form" not in Template('{% include "web/_add_to_cart.html" with offer_id=7 %}').render(
        Context(context)
    )


class EveryWidget(forms.Form):
    text = forms.CharField(widget=forms.TextInput(attrs={"inputmode": "numeric", "size": "6"}))
    number = forms.IntegerField(required=False)
    hidden = forms.FloatField(widget=forms.HiddenInput, required=False)
    search = forms.CharField(widget=forms.SearchInput(attrs={"autocomplete": "off"}))
    check = forms.BooleanField(required=False)
    unchecked = forms.BooleanField(required=False)
    choice = forms.ChoiceField(
        choices=[
            ("", "Tous"),
            ("Alimentation", [("a", "Alimentation — 12"), ("b", 'B "&" <c>')]),
            ("x", "Autre"),
        ],
        required=False,
    )
    text_area = forms.CharField(widget=forms.Textarea, required=False)
    many = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B")], required=False)
    radio = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)


@pytest.mark.parametrize(
    "data",
    [
        {
            "text": 'a"<b>&',
            "number": "12",
            "hidden": "48.85",
            "search": "pain",
            "check": "on",
            "choice": "b",
            "text_area": "x<y",
            "many": ["a", "b"],
            "radio": "b",
        },
        {"number": "douze", "choice": "zz"},
        None,
    ],
)
def test_widgets_are_what_django_templates_write(data):
    form = EveryWidget(data, initial={"text": "initial & <i>"})
    if data is not None:
        form.is_valid()
    for field in form:
        for attrs in (None, {"aria-describedby": "id_x-erreur", "aria-invalid": "true"}):
            assert widgets.render(field, attrs) == field.as_widget(attrs=attrs), field.name


@pytest.mark.parametrize(
    "data", [{}, {"lat": "48.85", "lon": "2.35"}, {"lat": "nord", "lon": "<b>"}, {"lat": "91"}]
)
def test_the_location_fields_are_what_django_writes(paris, data):
    form = LocationForm(data, territory=paris)
    form.is_valid()
    template = Template(
        "{% load storefront %}{{ form.lat|plain_widget }}{{ form.lon|plain_widget }}"
    )
    assert template.render(Context({"form": form})) == str(form["lat"]) + str(form["lon"])

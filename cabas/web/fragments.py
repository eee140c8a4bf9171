"""The storefront's repeated fragments rendered in Python: shop cards, open badges, ready
times, "add to cart" forms and the rows of offer lists.

A list page shows up to 24 of these, and rendering each through a template ``include``
(a new context, a dozen variable lookups, ``{% url %}`` and ``{% translate %}`` nodes)
cost about half the page's CPU. These functions write the same HTML as the templates they
replace (``web/_shop_card.html`` and friends, which now call them), escape every value
and translate with the same msgids.

The rows of the product and shop pages are written with f-strings: a value is escaped by
:func:`_e`, which gives what ``conditional_escape`` gives (``html.escape`` of the text,
markup already safe kept as it is) without ``format_html``'s checks of every argument,
and what is the same for every row of a page (translated words, URL prefixes, the CSRF
field) is worked out once for the page (:class:`_Page`): the sellers of a product page
cost a third of the CPU they took with ``format_html``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from html import escape as _html_escape

from django.urls import get_script_prefix, reverse
from django.utils.functional import Promise
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext, gettext_noop

from cabas.cart.models import MAX_LINE_QUANTITY
from cabas.money import format_money
from cabas.shops import hours

from . import formatting

__all__ = [
    "add_to_cart",
    "is_addable",
    "money",
    "open_badge",
    "ready_line",
    "shop_card",
    "url_prefix",
]

_SLUG = "__slug__"
_ID = 987654321
_money = lru_cache(maxsize=8192)(format_money)


def money(cents: int, currency: str = "EUR") -> str:
    """A price in the active language; Babel takes about 50 µs a price, prices repeat."""
    return _money(int(cents), currency or "EUR", get_language() or "fr")


@lru_cache(maxsize=512)
def _prefix(name: str, args: tuple, by_id: bool, prefix: str, language: str | None) -> str:
    last = _ID if by_id else _SLUG
    url = reverse(name, args=[*args, last])
    return url[: url.rindex(str(last))]


def url_prefix(name: str, *args: object, by_id: bool = False) -> str:
    """The URL of ``name`` with ``args`` and a last slug (or id, ``by_id``) argument left
    out: append the (URL-safe) slug or id and ``/``. ``reverse`` once per process, not
    once per row; the URL still follows the script prefix and the language prefix."""
    return _prefix(name, args, by_id, get_script_prefix(), get_language())


def _e(value: object) -> str:
    """What ``conditional_escape`` gives, as a plain string: ``html.escape`` of the text,
    markup already safe (``__html__``) kept as it is."""
    if type(value) is str:
        return _html_escape(value)
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return _html_escape(str(value))


def blocktrans(message: str, **values: str) -> SafeString:
    """What ``{% blocktranslate with name=value %}`` outputs: the translated text with
    the values escaped (the text itself is the translator's, as in the template tag)."""
    escaped = {k: conditional_escape(v) for k, v in values.items()}
    return mark_safe(gettext(message) % escaped)  # noqa: S308 (values escaped, text translated)


# The words every row of a page writes, translated once per page.
_WORDS = {
    "online_order": gettext_noop("Commande en ligne :"),
    "demo_hours": gettext_noop("Horaires indicatifs"),
    "quantity": gettext_noop("Quantité"),
    "add": gettext_noop("Ajouter au panier"),
    "demo_price": gettext_noop("prix de démonstration"),
    "no_online_order": gettext_noop("Pas de commande en ligne chez ce commerce pour le moment."),
}


@dataclass(frozen=True, slots=True)
class _Page:
    """What is the same for every row of a page, escaped: the translated words, the
    cart's URL, the CSRF field, the page's address (the forms' ``next``), the currency."""

    words: dict[str, str]
    cart_url: str
    csrf: str
    next_url: str
    currency: str


def _page(csrf_token: object, next_url: object, currency: str = "EUR") -> _Page:
    return _Page(
        words={key: _html_escape(gettext(msgid)) for key, msgid in _WORDS.items()},
        cart_url=_e(_cart_add_url(get_script_prefix(), get_language())),
        csrf=csrf_input(csrf_token),
        next_url=_e(next_url),
        currency=currency,
    )


def _open_badge(state: hours.OpenState, shop: object, now_local, words: dict[str, str]) -> str:
    note = ""
    if getattr(shop, "hours_source", "") == "demo" and state.state != hours.STATE_UNKNOWN:
        note = f' <span class="badge badge-note">{words["demo_hours"]}</span>'
    label = _e(formatting.open_state_label(state, now_local))
    return f'<p class="badges"><span class="badge badge-{_e(state.state)}">{label}</span>{note}</p>'


def open_badge(state: hours.OpenState, shop: object, now_local) -> SafeString:
    """``web/_open_badge.html``: the open state's badge, and "Horaires indicatifs" when
    the hours are made up for the demonstration."""
    words = {"demo_hours": _html_escape(gettext(_WORDS["demo_hours"]))}
    return SafeString(_open_badge(state, shop, now_local, words))


def _ready_line(ready: object, words: dict[str, str]) -> str:
    if not ready:
        return ""
    text = _e(capfirst(ready.text))  # type: ignore[attr-defined]
    hidden = f'<span class="visually-hidden">{words["online_order"]} </span>'
    return f'<p class="ready">{hidden}{text}</p>'


def ready_line(ready: object) -> SafeString:
    """``web/_ready.html``: "Commande en ligne : prêt aujourd'hui dès 17 h", or nothing."""
    if not ready:
        return SafeString("")
    return SafeString(
        _ready_line(ready, {"online_order": _html_escape(gettext(_WORDS["online_order"]))})
    )


def is_addable(stock_value: object) -> bool:
    """Whether an offer with this stock can go in a cart: stock left, or not tracked
    (``None``, "sur demande"). A variable the page forgot to pass is not addable."""
    if stock_value is None:
        return True
    return isinstance(stock_value, int) and not isinstance(stock_value, bool) and stock_value > 0


def cart_max_quantity(stock_value: int | None) -> int:
    """The most a shopper may put in the cart at once: the stock left, within the cap."""
    if stock_value is None:
        return MAX_LINE_QUANTITY
    return max(1, min(stock_value, MAX_LINE_QUANTITY))


@lru_cache(maxsize=64)
def _cart_add_url(prefix: str, language: str | None) -> str:
    return reverse("cart:add")


def csrf_input(csrf_token: object) -> str:
    """What ``{% csrf_token %}`` outputs."""
    if not csrf_token or csrf_token == "NOTPROVIDED":  # noqa: S105 (Django's marker)
        return ""
    return SafeString(f'<input type="hidden" name="csrfmiddlewaretoken" value="{_e(csrf_token)}">')


def _add_to_cart(
    page: _Page,
    *,
    offer_id: object,
    stock: object,
    name: str,
    active: object = None,
    orderable: object = None,
) -> str:
    """The form of :func:`add_to_cart`, ``name`` escaped already."""
    if not offer_id or active is False or orderable is False or not is_addable(stock):
        return ""
    url, offer, words = page.cart_url, _e(offer_id), page.words
    maximum = cart_max_quantity(stock)  # type: ignore[arg-type]
    return (
        f'\n<form class="add-to-cart" method="post" action="{url}" hx-post="{url}"'
        ' hx-target="#messages" hx-swap="innerHTML" hx-disabled-elt="find button">\n'
        f"  {page.csrf}\n"
        f'  <input type="hidden" name="offer_id" value="{offer}">\n'
        f'  <input type="hidden" name="next" value="{page.next_url}">\n'
        f'  <label for="quantite-{offer}">{words["quantity"]}<span class="visually-hidden">'
        f" ({name})</span></label>\n"
        f'  <input id="quantite-{offer}" name="quantity" type="number" inputmode="numeric"'
        f' min="1" max="{maximum}" value="1" required>\n'
        f'  <button type="submit" class="button">{words["add"]}<span class="visually-hidden">'
        f" ({name})</span></button>\n"
        "</form>"
    )


def add_to_cart(
    *,
    csrf_token: object,
    next_url: str,
    offer_id: object,
    stock: object,
    name: object,
    active: object = None,
    orderable: object = None,
) -> SafeString:
    """``web/_add_to_cart.html``: a plain POST form that htmx submits in place; nothing
    when the offer is inactive, out of stock or the shop takes no order (``active`` or
    ``orderable`` False)."""
    return SafeString(
        _add_to_cart(
            _page(csrf_token, next_url),
            offer_id=offer_id,
            stock=stock,
            name=_e(name),
            active=active,
            orderable=orderable,
        )
    )


def services(codes: Iterable[str]) -> SafeString:
    """The shop's services as a labelled list, or nothing."""
    if not codes:
        return SafeString("")
    labels = formatting.service_labels()
    items = [
        format_html('<li class="service service-{}">{}</li>', code, labels.get(code, code))
        for code in codes
    ]
    return format_html(
        '<ul class="services" aria-label="{}">{}</ul>',
        gettext("Services"),
        mark_safe("".join(items)),  # noqa: S308 (each item from format_html)
    )


def shop_card(row, territory_slug: str, now_local) -> SafeString:
    """``web/_shop_card.html``: a shop of a list (``ShopRow``, its ready time in
    ``row.extra["ready"]``)."""
    shop = row.shop
    meta = ""
    if shop.category:
        meta = format_html("<span>{}</span>", formatting.category_name(shop.category))
    if row.distance_km is not None:
        meta = format_html(
            '{}<span class="distance">{}</span>',
            meta,
            blocktrans("à %(distance)s", distance=formatting.distance(row.distance_km)),
        )
    address = ""
    if shop.address or shop.postcode:
        address = format_html(
            '\n  <p class="shop-card-address">{}{}{}</p>',
            shop.address,
            ", " if shop.address and shop.postcode else "",
            shop.postcode,
        )
    return format_html(
        '<article class="card shop-card">\n'
        '  <h3 class="shop-card-title"><a class="stretched" href="{}{}/">{}</a></h3>\n'
        '  <p class="shop-card-meta">{}</p>{}\n'
        "  {}\n"
        "  {}\n"
        "  {}\n"
        "</article>",
        url_prefix("web:shop_detail", territory_slug),
        shop.slug,
        shop.name,
        meta,
        address,
        open_badge(row.open_state, shop, now_local),
        ready_line(row.extra.get("ready")),
        services(shop.services),
    )


def _stock_paragraphs(offer_stock: int | None, is_demo: bool, words: dict[str, str]) -> str:
    demo = ""
    if is_demo:
        demo = f'\n          <p class="demo-mention">{words["demo_price"]}</p>'
    label = _e(formatting.stock_label(offer_stock))
    return f'<p class="stock stock-{stock_class(offer_stock)}">{label}</p>{demo}'


def stock_class(stock_value: int | None) -> str:
    if stock_value is None:
        return "on-request"
    if stock_value <= 0:
        return "out"
    return "low" if stock_value <= 3 else "in"


def _distance(distance_km: float) -> str:
    return blocktrans("à %(distance)s", distance=formatting.distance(distance_km))


def _seller_row(page: _Page, row, ready, *, product_name: str, shop_url: str, now_local) -> str:
    shop, offer = row.shop, row.offer
    distance = ""
    if row.distance_km is not None:
        distance = f' · <span class="distance">{_distance(row.distance_km)}</span>'
    if ready:
        order = _add_to_cart(
            page,
            offer_id=offer.pk,
            stock=offer.stock,
            name=product_name,
            active=offer.is_active,
        )
    else:
        order = f'<p class="no-online-order">{page.words["no_online_order"]}</p>'
    address, postcode = shop.address, shop.postcode
    comma = ", " if address and postcode else ""
    return (
        '<li class="offer">\n'
        '        <div class="offer-main">\n'
        f'          <h3 class="offer-name"><a href="{shop_url}{_e(shop.slug)}/">'
        f"{_e(shop.name)}</a></h3>\n"
        f'          <p class="offer-meta">{_e(address)}{comma}{_e(postcode)}{distance}</p>\n'
        f"          {_open_badge(row.open_state, shop, now_local, page.words)}\n"
        f"          {_ready_line(ready, page.words)}\n"
        "        </div>\n"
        '        <div class="offer-side">\n'
        f'          <p class="price">{_e(money(offer.price_cents, page.currency))}</p>\n'
        f"          {_stock_paragraphs(offer.stock, offer.is_demo, page.words)}\n"
        "        </div>\n"
        f"        {order}\n"
        "      </li>"
    )


def seller_row(
    row, ready, *, product_name: str, territory, now_local, csrf_token, next_url: str
) -> SafeString:
    """A seller of the product page (``catalog.selectors`` row with its open state, and
    its ready time): the shop, its distance, price, stock and the "add to cart" form."""
    return seller_rows(
        [(row, ready)],
        product_name=product_name,
        territory=territory,
        now_local=now_local,
        csrf_token=csrf_token,
        next_url=next_url,
        separator="",
    )


def seller_rows(
    sellers: Iterable[tuple],
    *,
    product_name: str,
    territory,
    now_local,
    csrf_token,
    next_url: str,
    separator: str = "\n      ",
) -> SafeString:
    """The sellers of the product page, ``(row, ready)`` (:func:`seller_row`), each
    between two ``separator`` as the page's loop wrote them."""
    page = _page(csrf_token, next_url, territory.currency)
    shop_url = _e(url_prefix("web:shop_detail", territory.slug))
    name = _e(product_name)
    return SafeString(
        "".join(
            separator
            + _seller_row(
                page, row, ready, product_name=name, shop_url=shop_url, now_local=now_local
            )
            + separator
            for row, ready in sellers
        )
    )


def _shop_offer_row(page: _Page, offer, ready, *, product_url: str) -> str:
    product = offer.product
    brand, quantity = product.brand, product.quantity
    name = _e(product.name)
    order = ""
    if ready:
        order = _add_to_cart(
            page, offer_id=offer.pk, stock=offer.stock, name=name, active=offer.is_active
        )
    separator = " · " if brand and quantity else ""
    return (
        '<li class="offer">\n'
        '            <div class="offer-main">\n'
        f'              <h3 class="offer-name"><a href="{product_url}{_e(offer.product_id)}/">'
        f"{name}</a></h3>\n"
        f'              <p class="offer-meta">{_e(brand or "")}{separator}{_e(quantity)}</p>\n'
        "            </div>\n"
        '            <div class="offer-side">\n'
        f'              <p class="price">{_e(money(offer.price_cents, page.currency))}</p>\n'
        f"              {_stock_paragraphs(offer.stock, offer.is_demo, page.words)}\n"
        "            </div>\n"
        f"            {order}\n"
        "          </li>"
    )


def shop_offer_row(offer, ready, *, territory, csrf_token, next_url: str) -> SafeString:
    """An offer of the shop page: the product, its price and stock, and the "add to cart"
    form when the shop takes orders (``ready``)."""
    return shop_offer_rows(
        [offer],
        ready,
        territory=territory,
        csrf_token=csrf_token,
        next_url=next_url,
        separator="",
    )


def shop_offer_rows(
    offers: Iterable,
    ready,
    *,
    territory,
    csrf_token,
    next_url: str,
    separator: str = "\n          ",
) -> SafeString:
    """The offers of the shop page (:func:`shop_offer_row`), each between two
    ``separator`` as the page's loop wrote them."""
    page = _page(csrf_token, next_url, territory.currency)
    product_url = _e(url_prefix("web:product_detail", territory.slug, by_id=True))
    return SafeString(
        "".join(
            separator + _shop_offer_row(page, offer, ready, product_url=product_url) + separator
            for offer in offers
        )
    )


def week_rows(week: Iterable) -> SafeString:
    """The rows of the shop page's hours table (``formatting.DayRow``), laid out as the
    page's loop wrote them."""
    today_mark = _html_escape(gettext("aujourd’hui"))
    rows = []
    for day in week:
        today = ""
        mark = ""
        if day.is_today:
            today = ' class="today" aria-current="date"'
            mark = f' <span class="today-mark">({today_mark})</span>'
        closed = "" if day.is_open else ' class="closed"'
        texts = ", ".join(f'<span class="interval">{_e(text)}</span>' for text in day.hours)
        reason = ""
        if day.closure_reason:
            reason = f' <span class="muted">— {_e(day.closure_reason)}</span>'
        rows.append(
            f"\n            <tr{today}>\n"
            f'              <th scope="row">{_e(capfirst(day.label))}{mark}</th>\n'
            f"              <td{closed}>{texts}{reason}</td>\n"
            "            </tr>\n          "
        )
    return SafeString("".join(rows))


def search_offer(hit, *, territory_slug: str, csrf_token, next_url: str) -> SafeString:
    """An offer of the search page (``search.results.OfferHit``): the product, price,
    shop, distance, open state, stock and the "add to cart" form."""
    distance = ""
    if hit.distance_km is not None:
        distance = format_html(
            " · {}", blocktrans("à %(distance)s", distance=formatting.distance(hit.distance_km))
        )
    return format_html(
        '<li class="card search-offer">\n'
        '      <h3><a href="{}{}/">{}</a></h3>\n'
        '      <p class="search-price">{}</p>\n'
        '      <p class="search-meta"><a href="{}{}/">{}</a>{}</p>\n'
        '      <p class="badges"><span class="badge {}">{}</span>'
        ' <span class="badge stock-{}">{}</span></p>\n'
        "      {}\n"
        "    </li>",
        url_prefix("web:product_detail", territory_slug, by_id=True),
        hit.product.id,
        hit.product.name,
        money(hit.price_cents, hit.currency),
        url_prefix("web:shop_detail", territory_slug),
        hit.shop.slug,
        hit.shop.name,
        distance,
        "badge-open" if hit.open_now else "badge-closed",
        gettext("Ouvert") if hit.open_now else gettext("Fermé"),
        stock_class(hit.stock),
        formatting.stock_label(hit.stock),
        add_to_cart(
            csrf_token=csrf_token,
            next_url=next_url,
            offer_id=hit.offer_id,
            stock=hit.stock,
            name=hit.product.name,
        ),
    )

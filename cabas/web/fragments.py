"""The storefront's repeated fragments rendered in Python: shop cards, open badges, ready
times, "add to cart" forms and the rows of offer lists.

A list page shows up to 24 of these, and rendering each through a template ``include``
(a new context, a dozen variable lookups, ``{% url %}`` and ``{% translate %}`` nodes)
cost about half the page's CPU. These functions write the same HTML as the templates they
replace (``web/_shop_card.html`` and friends, which now call them), escape every value
with ``format_html``/``conditional_escape`` and translate with the same msgids.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from django.urls import get_script_prefix, reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext

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


def blocktrans(message: str, **values: str) -> SafeString:
    """What ``{% blocktranslate with name=value %}`` outputs: the translated text with
    the values escaped (the text itself is the translator's, as in the template tag)."""
    escaped = {k: conditional_escape(v) for k, v in values.items()}
    return mark_safe(gettext(message) % escaped)  # noqa: S308 (values escaped, text translated)


def open_badge(state: hours.OpenState, shop: object, now_local) -> SafeString:
    """``web/_open_badge.html``: the open state's badge, and "Horaires indicatifs" when
    the hours are made up for the demonstration."""
    note = ""
    if getattr(shop, "hours_source", "") == "demo" and state.state != hours.STATE_UNKNOWN:
        note = format_html(
            ' <span class="badge badge-note">{}</span>', gettext("Horaires indicatifs")
        )
    return format_html(
        '<p class="badges"><span class="badge badge-{}">{}</span>{}</p>',
        state.state,
        formatting.open_state_label(state, now_local),
        note,
    )


def ready_line(ready: object) -> SafeString:
    """``web/_ready.html``: "Commande en ligne : prêt aujourd'hui dès 17 h", or nothing."""
    if not ready:
        return SafeString("")
    return format_html(
        '<p class="ready"><span class="visually-hidden">{} </span>{}</p>',
        gettext("Commande en ligne :"),
        capfirst(ready.text),  # type: ignore[attr-defined]
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
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', csrf_token)


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
    if not offer_id or active is False or orderable is False or not is_addable(stock):
        return SafeString("")
    add_url = _cart_add_url(get_script_prefix(), get_language())
    return format_html(
        '\n<form class="add-to-cart" method="post" action="{url}" hx-post="{url}"'
        ' hx-target="#messages" hx-swap="innerHTML" hx-disabled-elt="find button">\n'
        "  {csrf}\n"
        '  <input type="hidden" name="offer_id" value="{offer}">\n'
        '  <input type="hidden" name="next" value="{next}">\n'
        '  <label for="quantite-{offer}">{quantity}<span class="visually-hidden">'
        " ({name})</span></label>\n"
        '  <input id="quantite-{offer}" name="quantity" type="number" inputmode="numeric"'
        ' min="1" max="{max}" value="1" required>\n'
        '  <button type="submit" class="button">{add}<span class="visually-hidden">'
        " ({name})</span></button>\n"
        "</form>",
        url=add_url,
        csrf=csrf_input(csrf_token),
        offer=offer_id,
        next=next_url,
        quantity=gettext("Quantité"),
        name=name,
        max=cart_max_quantity(stock),  # type: ignore[arg-type]
        add=gettext("Ajouter au panier"),
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


def _stock_paragraphs(offer_stock: int | None, is_demo: bool) -> SafeString:
    demo = ""
    if is_demo:
        demo = format_html(
            '\n          <p class="demo-mention">{}</p>', gettext("prix de démonstration")
        )
    return format_html(
        '<p class="stock stock-{}">{}</p>{}',
        stock_class(offer_stock),
        formatting.stock_label(offer_stock),
        demo,
    )


def stock_class(stock_value: int | None) -> str:
    if stock_value is None:
        return "on-request"
    if stock_value <= 0:
        return "out"
    return "low" if stock_value <= 3 else "in"


def seller_row(
    row, ready, *, product_name: str, territory, now_local, csrf_token, next_url: str
) -> SafeString:
    """A seller of the product page (``catalog.selectors`` row with its open state, and
    its ready time): the shop, its distance, price, stock and the "add to cart" form."""
    shop, offer = row.shop, row.offer
    distance = ""
    if row.distance_km is not None:
        distance = format_html(
            ' · <span class="distance">{}</span>',
            blocktrans("à %(distance)s", distance=formatting.distance(row.distance_km)),
        )
    if ready:
        order = add_to_cart(
            csrf_token=csrf_token,
            next_url=next_url,
            offer_id=offer.pk,
            stock=offer.stock,
            name=product_name,
            active=offer.is_active,
        )
    else:
        order = format_html(
            '<p class="no-online-order">{}</p>',
            gettext("Pas de commande en ligne chez ce commerce pour le moment."),
        )
    return format_html(
        '<li class="offer">\n'
        '        <div class="offer-main">\n'
        '          <h3 class="offer-name"><a href="{}{}/">{}</a></h3>\n'
        '          <p class="offer-meta">{}{}{}{}</p>\n'
        "          {}\n"
        "          {}\n"
        "        </div>\n"
        '        <div class="offer-side">\n'
        '          <p class="price">{}</p>\n'
        "          {}\n"
        "        </div>\n"
        "        {}\n"
        "      </li>",
        url_prefix("web:shop_detail", territory.slug),
        shop.slug,
        shop.name,
        shop.address,
        ", " if shop.address and shop.postcode else "",
        shop.postcode,
        distance,
        open_badge(row.open_state, shop, now_local),
        ready_line(ready),
        money(offer.price_cents, territory.currency),
        _stock_paragraphs(offer.stock, offer.is_demo),
        order,
    )


def shop_offer_row(offer, ready, *, territory, csrf_token, next_url: str) -> SafeString:
    """An offer of the shop page: the product, its price and stock, and the "add to cart"
    form when the shop takes orders (``ready``)."""
    product = offer.product
    meta = format_html(
        "{}{}{}",
        product.brand or "",
        " · " if product.brand and product.quantity else "",
        product.quantity,
    )
    order = ""
    if ready:
        order = add_to_cart(
            csrf_token=csrf_token,
            next_url=next_url,
            offer_id=offer.pk,
            stock=offer.stock,
            name=product.name,
            active=offer.is_active,
        )
    return format_html(
        '<li class="offer">\n'
        '            <div class="offer-main">\n'
        '              <h3 class="offer-name"><a href="{}{}/">{}</a></h3>\n'
        '              <p class="offer-meta">{}</p>\n'
        "            </div>\n"
        '            <div class="offer-side">\n'
        '              <p class="price">{}</p>\n'
        "              {}\n"
        "            </div>\n"
        "            {}\n"
        "          </li>",
        url_prefix("web:product_detail", territory.slug, by_id=True),
        offer.product_id,
        product.name,
        meta,
        money(offer.price_cents, territory.currency),
        _stock_paragraphs(offer.stock, offer.is_demo),
        order,
    )


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

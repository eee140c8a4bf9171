"""Template filters and tags of the storefront: money, distances, opening states, URLs."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from django import template
from django.http import QueryDict

from .. import formatting, fragments, widgets

register = template.Library()


@register.filter
def money(cents: int, currency: str = "EUR") -> str:
    # Babel takes about 50 µs a price and a list page shows dozens: memoised.
    return fragments.money(cents, currency)


@register.filter
def distance(km: float | None) -> str:
    return formatting.distance(km)


@register.filter
def stock(stock_value: int | None) -> str:
    return formatting.stock_label(stock_value)


@register.filter
def stock_class(stock_value: int | None) -> str:
    return fragments.stock_class(stock_value)


@register.filter
def addable(stock_value: object) -> bool:
    """Whether an offer with this stock can go in a cart: stock left, or not tracked
    (``None``, "sur demande"). A variable the page forgot to pass is not addable."""
    return fragments.is_addable(stock_value)


@register.filter
def cart_max_quantity(stock_value: int | None) -> int:
    """The most a shopper may put in the cart at once: the stock left, within the cap."""
    return fragments.cart_max_quantity(stock_value)


@register.filter
def service(code: str) -> str:
    return formatting.service_label(code)


@register.filter
def category_name(category) -> str:
    return formatting.category_name(category)


@register.filter
def number(value) -> str:
    return formatting.number(value or 0)


@register.filter
def brand_colour(colour: str) -> str:
    return formatting.accessible_brand(colour)


@register.filter
def web_url(url: str) -> str:
    """The URL when it is a plain http(s) link, else an empty string (never ``javascript:``)."""
    parts = urlsplit(url or "")
    return url if parts.scheme in ("http", "https") and parts.netloc else ""


@register.filter
def web_label(url: str) -> str:
    """A website shown as its host name: ``www.example.fr``."""
    return urlsplit(url or "").netloc.removeprefix("www.") or url


@register.simple_tag
def open_label(state, now) -> str:
    return formatting.open_state_label(state, now)


@register.simple_tag(takes_context=True)
def page_url(context, page: int) -> str:
    """This page's URL with ``page`` replaced in the query (empty values dropped)."""
    request = context["request"]
    params: QueryDict = request.GET.copy()
    params.pop("page", None)
    pairs = [(key, value) for key, values in params.lists() for value in values if value != ""]
    if int(page) > 1:
        pairs.append(("page", str(page)))
    return f"{request.path}?{urlencode(pairs)}" if pairs else request.path


@register.simple_tag
def page_numbers(page_obj) -> list:
    """Page numbers around the current page, with ``…`` where pages are skipped."""
    return list(
        page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=1, on_ends=1)
    )


@register.filter
def widget(field) -> str:
    """A form field's widget; when invalid, marked so and tied to its error message (and to
    its help text, which ``aria-describedby`` would otherwise drop) for screen readers."""
    if field.errors:
        described = [f"{field.auto_id}-erreur"]
        if field.help_text:
            described.insert(0, f"{field.auto_id}_helptext")
        return widgets.render(
            field, {"aria-describedby": " ".join(described), "aria-invalid": "true"}
        )
    return widgets.render(field)


@register.filter
def plain_widget(field) -> str:
    """What ``{{ field }}`` writes (``field.as_widget()``), without the template engine
    for a plain input or select (``web/widgets.py``)."""
    if field.field.show_hidden_initial:
        return str(field)
    return widgets.render(field)


# The repeated fragments of list pages, rendered in Python (see ``web/fragments.py``).


@register.simple_tag(takes_context=True)
def open_badge(context, state, shop=None) -> str:
    """``{% open_badge state shop %}``: the badge of an ``OpenState`` at ``now_local``."""
    if not state:
        return ""
    return fragments.open_badge(state, shop, context.get("now_local"))


@register.simple_tag
def ready_line(ready) -> str:
    return fragments.ready_line(ready)


@register.simple_tag(takes_context=True)
def add_to_cart(context, offer_id, stock, name, active=None, orderable=None) -> str:
    """``{% add_to_cart offer_id stock name active orderable %}``: the "add to cart" form
    (nothing when ``active`` or ``orderable`` is False or the offer is out of stock)."""
    return fragments.add_to_cart(
        csrf_token=context.get("csrf_token"),
        next_url=_next_url(context),
        offer_id=offer_id,
        stock=stock,
        name=name,
        active=active,
        orderable=orderable,
    )


@register.simple_tag(takes_context=True)
def shop_card(context, row) -> str:
    """``{% shop_card row %}``: a shop of a list, in the page's ``territory``."""
    return fragments.shop_card(row, context["territory"].slug, context.get("now_local"))


def _next_url(context) -> str:
    request = context.get("request")
    return request.get_full_path() if request is not None else ""


@register.simple_tag(takes_context=True)
def seller_row(context, row, ready, product_name) -> str:
    """``{% seller_row row ready product.name %}``: a seller of the product page."""
    return fragments.seller_row(
        row,
        ready,
        product_name=product_name,
        territory=context["territory"],
        now_local=context.get("now_local"),
        csrf_token=context.get("csrf_token"),
        next_url=_next_url(context),
    )


@register.simple_tag(takes_context=True)
def seller_rows(context, sellers, product_name) -> str:
    """``{% seller_rows sellers product.name %}``: the sellers of the product page,
    ``(row, ready)``, laid out as a ``{% for %}`` loop of ``seller_row`` wrote them."""
    return fragments.seller_rows(
        sellers,
        product_name=product_name,
        territory=context["territory"],
        now_local=context.get("now_local"),
        csrf_token=context.get("csrf_token"),
        next_url=_next_url(context),
    )


@register.simple_tag(takes_context=True)
def shop_offer_row(context, offer, ready) -> str:
    """``{% shop_offer_row offer ready %}``: an offer of the shop page."""
    return fragments.shop_offer_row(
        offer,
        ready,
        territory=context["territory"],
        csrf_token=context.get("csrf_token"),
        next_url=_next_url(context),
    )


@register.simple_tag(takes_context=True)
def shop_offer_rows(context, offers, ready) -> str:
    """``{% shop_offer_rows offers ready %}``: the offers of the shop page, laid out as a
    ``{% for %}`` loop of ``shop_offer_row`` wrote them."""
    return fragments.shop_offer_rows(
        offers,
        ready,
        territory=context["territory"],
        csrf_token=context.get("csrf_token"),
        next_url=_next_url(context),
    )


@register.simple_tag
def week_rows(week) -> str:
    """``{% week_rows week %}``: the rows of the shop page's hours table."""
    return fragments.week_rows(week or ())


@register.simple_tag(takes_context=True)
def search_offer(context, hit) -> str:
    """``{% search_offer hit %}``: an offer of the search results."""
    return fragments.search_offer(
        hit,
        territory_slug=context["territory"].slug,
        csrf_token=context.get("csrf_token"),
        next_url=_next_url(context),
    )

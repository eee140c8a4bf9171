"""Template filters and tags of the storefront: money, distances, opening states, URLs."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlencode, urlsplit

from django import template
from django.http import QueryDict
from django.utils.translation import get_language

from cabas.cart.models import MAX_LINE_QUANTITY
from cabas.money import format_money

from .. import formatting

register = template.Library()


@register.filter
def money(cents: int, currency: str = "EUR") -> str:
    return _money(int(cents), currency or "EUR", get_language() or "fr")


# Babel takes about 50 µs a price and a list page shows dozens: prices repeat a lot.
_money = lru_cache(maxsize=8192)(format_money)


@register.filter
def distance(km: float | None) -> str:
    return formatting.distance(km)


@register.filter
def stock(stock_value: int | None) -> str:
    return formatting.stock_label(stock_value)


@register.filter
def stock_class(stock_value: int | None) -> str:
    if stock_value is None:
        return "on-request"
    if stock_value <= 0:
        return "out"
    return "low" if stock_value <= 3 else "in"


@register.filter
def addable(stock_value: object) -> bool:
    """Whether an offer with this stock can go in a cart: stock left, or not tracked
    (``None``, "sur demande"). A variable the page forgot to pass is not addable."""
    if stock_value is None:
        return True
    return isinstance(stock_value, int) and not isinstance(stock_value, bool) and stock_value > 0


@register.filter
def cart_max_quantity(stock_value: int | None) -> int:
    """The most a shopper may put in the cart at once: the stock left, within the cap."""
    if stock_value is None:
        return MAX_LINE_QUANTITY
    return max(1, min(stock_value, MAX_LINE_QUANTITY))


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
        return field.as_widget(
            attrs={"aria-describedby": " ".join(described), "aria-invalid": "true"}
        )
    return field.as_widget()

"""The header's cart link, with the number of articles the cart holds."""

from __future__ import annotations

from django import template

from ..selectors import cart_item_count

register = template.Library()


@register.inclusion_tag("cart/_cart_link.html", takes_context=True)
def cart_link(context, *, count: int | None = None, oob: bool = False) -> dict:
    """``count`` when the caller knows it already; ``oob`` for an htmx out-of-band swap."""
    request = context.get("request")
    if request is None:
        return {"count": count or 0, "oob": oob, "current": False}
    if count is None:
        count = cart_item_count(session=request.session, user=request.user)
    match = request.resolver_match
    current = match is not None and match.view_name == "cart:detail"
    return {"count": count, "oob": oob, "current": current}

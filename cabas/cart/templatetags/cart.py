"""The header's cart link, with the number of articles the cart holds."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.template.loader import get_template
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from ..selectors import cart_item_count

register = template.Library()

# The link is in every page's header and depends only on the values of its key: rendered
# once per process for each (a handful of counts in practice; bounded all the same).
_RENDERED: dict[tuple, SafeString] = {}
_MAX_RENDERED = 500


@register.simple_tag(takes_context=True)
def cart_link(context, *, count: int | None = None, oob: bool = False) -> SafeString:
    """``count`` when the caller knows it already; ``oob`` for an htmx out-of-band swap."""
    request = context.get("request")
    if request is None:
        count, current = count or 0, False
    else:
        if count is None:
            count = cart_item_count(session=request.session, user=request.user)
        match = request.resolver_match
        current = match is not None and match.view_name == "cart:detail"
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    key = (get_language(), get_script_prefix(), urlconf, count, bool(oob), current)
    # In development (DEBUG) the template changes under a running server: nothing is kept.
    html = None if settings.DEBUG else _RENDERED.get(key)
    if html is None:
        html = SafeString(
            get_template("cart/_cart_link.html").render(
                {"count": count, "oob": oob, "current": current}
            )
        )
        if len(_RENDERED) >= _MAX_RENDERED:
            _RENDERED.clear()
        _RENDERED[key] = html
    return html

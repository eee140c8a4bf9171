"""Tags for the ``<head>`` of shop and product pages: JSON-LD and Open Graph."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from cabas.shops import hours
from cabas.territories.models import Territory
from cabas.web.localised_urls import translated_urls

from .. import jsonld

register = template.Library()


def canonical_url(context: dict[str, Any], name: str, *args: Any) -> str:
    """The absolute, unprefixed (French) URL of a storefront page."""
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse(name, args=args)
    request = context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


def _today(territory: Territory) -> Any:
    return hours.local_now(territory.timezone, timezone.now()).date()


@register.simple_tag(takes_context=True)
def shop_jsonld(context: dict[str, Any], shop: Any, territory: Territory) -> SafeString:
    url = canonical_url(context, "web:shop_detail", territory.slug, shop.slug)
    data = jsonld.local_business(
        shop, url=url, currency=territory.currency, today=_today(territory)
    )
    return mark_safe(jsonld.script_tag(data))  # noqa: S308 (escaped by script_tag)


@register.simple_tag(takes_context=True)
def product_jsonld(
    context: dict[str, Any], product: Any, rows: Any, territory: Territory
) -> SafeString:
    """``rows`` are the product page's sellers (``.offer`` and ``.shop``)."""
    url = canonical_url(context, "web:product_detail", territory.slug, product.pk)
    offers = [
        (
            row.offer,
            row.shop,
            canonical_url(context, "web:shop_detail", territory.slug, row.shop.slug)
            if index < jsonld.MAX_LISTED_OFFERS
            else "",
        )
        for index, row in enumerate(rows)
    ]
    image = product.image_url if product.image_url.startswith(("https://", "http://")) else ""
    data = jsonld.product(product, url=url, offers=offers, currency=territory.currency, image=image)
    return mark_safe(jsonld.script_tag(data))  # noqa: S308 (escaped by script_tag)


@register.simple_tag(takes_context=True)
def open_graph(
    context: dict[str, Any],
    *,
    title: str,
    description: str,
    url: str,
    kind: str = "website",
    image: str = "",
    site: str = "Cabas",
) -> SafeString:
    """Open Graph tags (link previews in messaging apps and social networks)."""
    request = context.get("request")
    absolute = request.build_absolute_uri(url) if request is not None else url
    language = translation.get_language() or settings.LANGUAGE_CODE
    tags = [
        ("og:type", kind),
        ("og:title", title),
        ("og:description", description),
        ("og:url", absolute),
        ("og:site_name", site),
        ("og:locale", "en_GB" if language.startswith("en") else "fr_FR"),
    ]
    if image.startswith(("https://", "http://")):
        tags.append(("og:image", image))
    rendered = format_html_join("\n  ", '<meta property="{}" content="{}">', tags)
    card = format_html('\n  <meta name="twitter:card" content="{}">', "summary")
    return mark_safe(rendered + card)  # noqa: S308 (every value escaped by format_html)


@register.simple_tag(takes_context=True)
def language_links(context: template.Context) -> SafeString:
    """``rel=canonical`` (the page itself, in its own language) and its ``hreflang``
    alternates: one address per language the territory offers (every language outside a
    territory), French as ``x-default``. Error pages, which resolve to no view, get none."""
    request = context.get("request")
    if request is None or getattr(request, "resolver_match", None) is None:
        return SafeString("")
    territory = context.get("territory")
    offered = territory.language_codes if isinstance(territory, Territory) else None
    current = translation.get_language() or settings.LANGUAGE_CODE
    default = settings.LANGUAGE_CODE
    codes = [
        code
        for code, _name in settings.LANGUAGES
        if code == default or offered is None or code in offered
    ]
    urls = {
        code: escape(request.build_absolute_uri(url))
        for code, url in translated_urls(
            request.get_full_path(), {current, default, *codes}
        ).items()
    }
    links = [f'<link rel="canonical" href="{urls[current]}">']
    links += [
        f'<link rel="alternate" hreflang="{escape(code)}" href="{urls[code]}">' for code in codes
    ]
    links.append(f'<link rel="alternate" hreflang="x-default" href="{urls[default]}">')
    return mark_safe("\n  ".join(links))  # noqa: S308 (every value escaped)

"""``/sitemap.xml``, ``/robots.txt`` and each territory's sitemap pages and local
inventory feed. Not language-prefixed: search engines get the canonical French URLs."""

from __future__ import annotations

from collections.abc import Iterator
from xml.sax.saxutils import escape

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_safe

from cabas.territories.models import Territory
from cabas.territories.selectors import active_territories, territory_by_slug

from .jsonld import price_text
from .selectors import (
    InventoryRow,
    SitemapEntry,
    inventory_rows,
    sitemap_entries,
    sitemap_page_count,
)

XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
INVENTORY_COLUMNS = (
    "store_code",
    "id",
    "gtin",
    "price",
    "availability",
    "quantity",
    "pickup_method",
    "pickup_sla",
)
LOW_STOCK = 3


def _territory(slug: str) -> Territory:
    territory = territory_by_slug(slug)
    if territory is None:
        raise Http404("unknown territory")
    return territory


def _path(name: str, *args: object) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return reverse(name, args=args)


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /api/",
        "Disallow: /compte/",
        "Disallow: /panier/",
        "Disallow: /commandes/",
        "Disallow: /espace-commercant/",
        "Disallow: /*/ma-liste/",
        "Allow: /",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('discovery:sitemap_index'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_safe
def sitemap_index(request: HttpRequest) -> HttpResponse:
    """One sitemap page per ``SITEMAP_PAGE_SIZE`` URLs of each active territory."""
    parts = [XML_HEAD, f'<sitemapindex xmlns="{SITEMAP_NS}">\n']
    for territory in active_territories():
        for page in range(1, sitemap_page_count(territory) + 1):
            url = request.build_absolute_uri(
                reverse("discovery:sitemap_page", args=[territory.slug, page])
            )
            parts.append(f"  <sitemap><loc>{escape(url)}</loc></sitemap>\n")
    parts.append("</sitemapindex>\n")
    return HttpResponse("".join(parts), content_type="application/xml; charset=utf-8")


def _entry_path(territory: Territory, entry: SitemapEntry, prefixes: dict[str, str]) -> str:
    if entry.kind == "shop":
        return f"{prefixes['shop']}{entry.key}/"
    if entry.kind == "product":
        return f"{prefixes['product']}{entry.key}/"
    return prefixes[entry.kind]


def _sitemap_lines(request: HttpRequest, territory: Territory, page: int) -> Iterator[str]:
    root = request.build_absolute_uri("/").rstrip("/")
    prefixes = {
        "territory": _path("web:territory_home", territory.slug),
        "shop_list": _path("web:shop_list", territory.slug),
        "plan": _path("planner:plan", territory.slug),
        "shop": _path("web:shop_detail", territory.slug, "x").removesuffix("x/"),
        "product": _path("web:product_detail", territory.slug, 0).removesuffix("0/"),
    }
    yield XML_HEAD
    yield f'<urlset xmlns="{SITEMAP_NS}">\n'
    for entry in sitemap_entries(territory, page):
        loc = escape(root + _entry_path(territory, entry, prefixes))
        lastmod = (
            f"<lastmod>{entry.updated_at.date().isoformat()}</lastmod>" if entry.updated_at else ""
        )
        yield f"  <url><loc>{loc}</loc>{lastmod}</url>\n"
    yield "</urlset>\n"


@require_safe
def sitemap_page(request: HttpRequest, territory: str, page: int) -> StreamingHttpResponse:
    place = _territory(territory)
    if page < 1 or page > sitemap_page_count(place):
        raise Http404("no such sitemap page")
    return StreamingHttpResponse(
        _sitemap_lines(request, place, page), content_type="application/xml; charset=utf-8"
    )


def _tsv(values: tuple[str, ...]) -> str:
    return "\t".join(v.replace("\t", " ").replace("\n", " ") for v in values) + "\n"


def inventory_line(row: InventoryRow, currency: str) -> str:
    """One row of Google's local product inventory feed (tab-separated)."""
    if row.stock is None:
        availability, quantity = "limited_availability", ""
    elif row.stock <= 0:
        availability, quantity = "out_of_stock", "0"
    elif row.stock <= LOW_STOCK:
        availability, quantity = "limited_availability", str(row.stock)
    else:
        availability, quantity = "in_stock", str(row.stock)
    return _tsv(
        (
            row.store_code,
            row.item_id,
            row.gtin,
            f"{price_text(row.price_cents)} {currency}",
            availability,
            quantity,
            "buy" if row.pickup else "not supported",
            "same day" if row.pickup else "",
        )
    )


@require_safe
def local_inventory(request: HttpRequest, territory: str) -> StreamingHttpResponse:
    """The territory's local inventory: one row per shop (``store_code``) and item."""
    place = _territory(territory)

    def lines() -> Iterator[str]:
        yield _tsv(INVENTORY_COLUMNS)
        for row in inventory_rows(place):
            yield inventory_line(row, place.currency)

    response = StreamingHttpResponse(
        lines(), content_type="text/tab-separated-values; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="inventaire-local-{place.slug}.tsv"'
    return response

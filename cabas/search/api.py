"""``/territories/{slug}/search`` and ``/territories/{slug}/autocomplete``."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import orjson
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import get_script_prefix, reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router
from ninja.responses import NinjaJSONEncoder

from cabas.api.errors import ApiError, InvalidParameters, NotFound
from cabas.api.projections import storefront_url
from cabas.api.schemas import ErrorOut
from cabas.geo.distance import Point
from cabas.shops.models import ShopStatus
from cabas.shops.selectors import area_centre
from cabas.territories.models import Territory
from cabas.territories.selectors import territory_by_slug
from cabas.web.page_cache import shared_answer

from .categories import category_tree
from .results import OfferHit, ProductHit, ProductRef, SearchFilters
from .schemas import AutocompleteOut, AutocompleteQuery, SearchOut, SearchQuery
from .selectors import autocomplete, search_offers

router = Router(tags=["search"])

SEARCH_DESCRIPTION = """
Les offres de tous les commerces validés du territoire pour une requête en français :
accents, pluriels et une faute de frappe par mot tolérés, marque, rayon, nom du commerce
ou GTIN. Filtres : rayon, commerce, en stock, ouvert maintenant, rayon autour d'un point
ou d'un code postal, prix (centimes). Tri par pertinence (texte, stock, ouverture,
distance), prix ou distance ; `group=product` regroupe les offres par produit.

Offers of every approved shop of the territory for a French query: accents, plurals and
one typo per word forgiven; brand, category, shop name or GTIN. Filters: category, shop,
in stock, open now, radius around a point or postcode, price (cents). Sorted by relevance
(text, stock, open now, distance), price or distance; `group=product` groups offers by
product.
"""


def _territory(slug: str) -> Territory:
    """:func:`cabas.api.territories.territory_or_404` without building a query: read on
    every search and autocomplete. Never cached, so a territory deactivated or edited is
    seen at once."""
    territory = territory_by_slug(slug)
    if territory is None:
        raise NotFound(message=_("Territoire introuvable."), details={"territory": slug})
    return territory


@lru_cache(maxsize=256)
def _link_paths(slug: str, script_prefix: str) -> tuple[str, str]:
    """The storefront paths of a territory's products and shops, without the id or slug
    (URL patterns do not change while the process lives; the prefix is in the key)."""
    with translation.override(settings.LANGUAGE_CODE):
        product = reverse("web:product_detail", kwargs={"territory": slug, "product_id": 0})
        shop = reverse("web:shop_detail", kwargs={"territory": slug, "shop": "x"})
    return product.removesuffix("0/"), shop.removesuffix("x/")


class _Links:
    """Storefront links of one response, as :func:`storefront_url` makes them: each URL
    pattern is reversed once per process and territory, then the id or slug is appended
    (forty ``reverse`` calls cost more than the search itself)."""

    def __init__(self, request: HttpRequest, territory: Territory) -> None:
        product, shop = _link_paths(territory.slug, get_script_prefix())
        self._product_prefix = request.build_absolute_uri(product)
        self._shop_prefix = request.build_absolute_uri(shop)

    def product(self, product_id: int | None) -> str:
        return f"{self._product_prefix}{product_id}/"

    def shop(self, slug: str) -> str:
        return f"{self._shop_prefix}{slug}/"


def _product_out(links: _Links, product: ProductRef) -> dict[str, Any]:
    return {
        "id": product.id,
        "name": product.name,
        "gtin": product.gtin,
        "brand": product.brand,
        "url": links.product(product.id),
    }


def _offer_out(links: _Links, hit: OfferHit) -> dict[str, Any]:
    return {
        "offer_id": hit.offer_id,
        "sku": hit.sku,
        "price_cents": hit.price_cents,
        "currency": hit.currency,
        "stock_status": hit.stock_status,
        "product": _product_out(links, hit.product),
        "shop": {
            "slug": hit.shop.slug,
            "name": hit.shop.name,
            "lat": float(hit.shop.lat),
            "lon": float(hit.shop.lon),
            "url": links.shop(hit.shop.slug),
        },
        "distance_km": None if hit.distance_km is None else round(hit.distance_km, 3),
        "open_now": hit.open_now,
    }


def _group_out(links: _Links, hit: ProductHit) -> dict[str, Any]:
    return {
        "product": _product_out(links, hit.product),
        "offer_count": hit.offer_count,
        "min_price_cents": hit.min_price_cents,
        "currency": hit.currency,
        "in_stock_count": hit.in_stock_count,
        "open_count": hit.open_count,
    }


_JSON_ENCODER = NinjaJSONEncoder()


def _rendered(request: HttpRequest, payload: dict[str, Any]) -> HttpResponse:
    """``payload`` as JSON with the API's content type, without validating it against the
    response schema a second time: these views build it field by field from typed
    results (``SearchOut``, ``AutocompleteOut``; tests check that answers validate), and
    on the hottest endpoint that validation of forty nested models cost more than the
    cached search. The schemas still document the answers. Serialised by orjson, UTF-8
    with accents as they are like the API's renderer, in 12 µs instead of 165 µs for
    twenty offers (measured); anything else than JSON's own types (a lazy translation)
    goes through the renderer's encoder."""
    from cabas.api.api import api  # mounts this router: imported once the module is loaded

    content = orjson.dumps(payload, default=_JSON_ENCODER.default)
    return HttpResponse(content, status=200, content_type=api.get_content_type())


def _filters(territory: Territory, params: SearchQuery) -> SearchFilters:
    problems = params.cross_field_errors()
    if problems:
        raise InvalidParameters(details=problems)
    centre = None
    if params.lat is not None and params.lon is not None:
        centre = Point(params.lat, params.lon)
    elif params.postcode is not None:
        centre = area_centre(territory, params.postcode)
        if centre is None:
            raise ApiError(
                message=_("Code postal inconnu."),
                code="unknown_postcode",
                status=422,
                details={"postcode": params.postcode},
            )
    if params.category and params.category not in category_tree().by_slug:
        raise ApiError(
            message=_("Catégorie inconnue."),
            code="unknown_category",
            status=422,
            details={"category": params.category},
        )
    if (
        params.shop
        and not territory.shops.filter(slug=params.shop, status=ShopStatus.APPROVED).exists()
    ):
        raise ApiError(
            message=_("Commerce inconnu."),
            code="unknown_shop",
            status=422,
            details={"shop": params.shop},
        )
    return SearchFilters(
        category=params.category,
        shop=params.shop,
        in_stock=params.in_stock,
        open_now=params.open_now,
        centre=centre,
        radius_km=params.radius_km,
        price_min_cents=params.price_min,
        price_max_cents=params.price_max,
    )


@router.get(
    "/territories/{slug:slug}/search",
    response={200: SearchOut, 404: ErrorOut, 422: ErrorOut},
    summary="Recherche d'offres / offer search",
    description=SEARCH_DESCRIPTION,
)
def search(request: HttpRequest, slug: str, params: Query[SearchQuery]) -> HttpResponse:
    territory = _territory(slug)
    # A visitor without a session or token shares the answer a few seconds with the others
    # asking the same (stock and prices at most STOREFRONT_PAGE_SECONDS old).
    return shared_answer(
        request, "api-search", territory.pk, lambda: _search(request, territory, params)
    )


def _search(request: HttpRequest, territory: Territory, params: SearchQuery) -> HttpResponse:
    result = search_offers(
        territory=territory,
        query=params.q,
        filters=_filters(territory, params),
        sort=params.sort,
        limit=params.limit,
        offset=params.offset,
        group_by_product=params.group == "product",
    )
    links = _Links(request, territory)
    if result.grouped:
        results = [_group_out(links, hit) for hit in result.products]
    else:
        results = [_offer_out(links, hit) for hit in result.offers]
    return _rendered(
        request,
        {
            "count": result.count,
            "results": results,
            "facets": {
                "category": [
                    {"slug": f.slug, "name": f.name, "count": f.count} for f in result.facets
                ]
            },
            "did_you_mean": result.did_you_mean,
        },
    )


@router.get(
    "/territories/{slug:slug}/autocomplete",
    response={200: AutocompleteOut, 404: ErrorOut, 422: ErrorOut},
    summary="Suggestions de saisie / autocomplete",
    description=(
        "Rayons, commerces et produits pour les mots en cours de saisie (le dernier comme "
        "préfixe) / categories, shops and products for the words being typed (the last one "
        "as a prefix)."
    ),
)
def suggest(request: HttpRequest, slug: str, params: Query[AutocompleteQuery]) -> HttpResponse:
    territory = _territory(slug)
    links = _Links(request, territory)
    results = []
    for suggestion in autocomplete(territory=territory, prefix=params.q, limit=params.limit):
        if suggestion.type == "product":
            url = links.product(suggestion.product_id)
        elif suggestion.type == "shop":
            url = links.shop(suggestion.slug)
        else:
            url = (
                storefront_url(request, "web:shop_list", territory=territory.slug)
                + f"?category={suggestion.slug}"
            )
        results.append(
            {
                "type": suggestion.type,
                "label": suggestion.label,
                "slug": suggestion.slug or None,
                "product_id": suggestion.product_id,
                "url": url,
            }
        )
    return _rendered(request, {"results": results})

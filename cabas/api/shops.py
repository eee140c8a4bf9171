"""``/territories/{slug}/shops``: the public shops of one territory."""

from functools import partial

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router

from cabas.catalog.models import Category, Offer
from cabas.geo.distance import Point
from cabas.shops import hours
from cabas.shops.models import ShopClosure
from cabas.shops.selectors import ShopFilters, area_centre, shop_detail, shop_search

from .errors import ApiError, InvalidParameters, NotFound
from .pagination import Projected, paginated
from .projections import shop_detail_out, shop_out
from .schemas import ErrorOut, ShopDetailOut, ShopListQuery, ShopOut
from .territories import territory_or_404

router = Router(tags=["shops"])

SHOP_LIST_DESCRIPTION = """
Commerces validés du territoire, par nom ; du plus proche au plus loin quand un point
(`lat` et `lon`) ou un code postal (`postcode`) est donné. `radius_km` (≤ 100) limite à
ce rayon. Une `category` inconnue répond 422 `unknown_category`, un code postal inconnu
422 `unknown_postcode`.

Approved shops of the territory, by name; nearest first when a point (`lat` and `lon`)
or a `postcode` is given. `radius_km` (≤ 100) keeps shops within that distance. An
unknown `category` answers 422 `unknown_category`, an unknown postcode 422
`unknown_postcode`.
"""


@router.get(
    "/{slug:slug}/shops",
    response={200: list[ShopOut], 404: ErrorOut, 422: ErrorOut},
    summary="Commerces / shops",
    description=SHOP_LIST_DESCRIPTION,
)
@paginated
def shop_list(request: HttpRequest, slug: str, filters: Query[ShopListQuery]):
    territory = territory_or_404(slug)
    problems = filters.cross_field_errors()
    if problems:
        raise InvalidParameters(problems)
    centre = None
    if filters.lat is not None and filters.lon is not None:
        centre = Point(filters.lat, filters.lon)
    elif filters.postcode is not None:
        centre = area_centre(territory, filters.postcode)
        if centre is None:
            raise ApiError(
                "unknown_postcode",
                _("Code postal inconnu."),
                422,
                {"postcode": filters.postcode},
            )
    if filters.category and not Category.objects.filter(slug=filters.category).exists():
        raise ApiError(
            "unknown_category",
            _("Catégorie inconnue."),
            422,
            {"category": filters.category},
        )
    rows = shop_search(
        territory,
        ShopFilters(
            q=filters.q,
            category=filters.category or "",
            service=filters.service or "",
            open_now=filters.open_now,
            centre=centre,
            radius_km=filters.radius_km,
        ),
        at=timezone.now(),
    )
    return Projected(rows, partial(shop_out, request, territory))


@router.get(
    "/{slug:slug}/shops/{slug:shop_slug}",
    response={200: ShopDetailOut, 404: ErrorOut},
    summary="Un commerce / one shop",
    description=(
        "Le commerce avec sa semaine d'ouverture, ses fermetures et son nombre d'offres / "
        "the shop with its week of opening hours, closures and number of offers."
    ),
)
def shop_get(request: HttpRequest, slug: str, shop_slug: str):
    territory = territory_or_404(slug)
    shop = shop_detail(territory, shop_slug)
    if shop is None:
        raise NotFound(message=_("Commerce introuvable."), details={"shop": shop_slug})
    now = timezone.now()
    local_today = hours.local_now(territory.timezone, now).date()
    closures = list(
        ShopClosure.objects.filter(
            territory=territory, shop=shop, end_date__gte=local_today
        ).order_by("start_date", "id")
    )
    state = hours.state_at(
        shop.opening_hours,
        territory.timezone,
        now,
        [(c.start_date, c.end_date) for c in closures],
    )
    offer_count = Offer.objects.filter(territory=territory, shop=shop, is_active=True).count()
    return shop_detail_out(
        request,
        territory,
        shop,
        state=state,
        local_today=local_today,
        closures=closures,
        offer_count=offer_count,
    )

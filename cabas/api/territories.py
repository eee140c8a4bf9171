"""``/territories``: the marketplaces this instance runs."""

from functools import partial

from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Router

from cabas.shops.models import ShopStatus
from cabas.territories.models import Territory
from cabas.territories.selectors import active_territories, territory_by_slug

from .errors import NotFound
from .pagination import Projected, paginated
from .projections import territory_out
from .schemas import ErrorOut, TerritoryOut

router = Router(tags=["territories"])


def territories_with_shop_count() -> QuerySet[Territory]:
    return active_territories().annotate(
        shop_count=Count("shops", filter=Q(shops__status=ShopStatus.APPROVED))
    )


def territory_or_404(slug: str) -> Territory:
    """The active territory named in the URL; every territory-scoped endpoint starts here."""
    territory = territory_by_slug(slug)
    if territory is None:
        raise NotFound(message=_("Territoire introuvable."), details={"territory": slug})
    return territory


@router.get(
    "",
    response={200: list[TerritoryOut], 422: ErrorOut},
    summary="Territoires / territories",
    description="Les territoires actifs, par nom / active territories, by name.",
)
@paginated
def territory_list(request: HttpRequest):
    return Projected(territories_with_shop_count(), partial(territory_out, request))


@router.get(
    "/{slug:slug}",
    response={200: TerritoryOut, 404: ErrorOut},
    summary="Un territoire / one territory",
)
def territory_get(request: HttpRequest, slug: str):
    territory = territories_with_shop_count().filter(slug=slug).first()
    if territory is None:
        raise NotFound(message=_("Territoire introuvable."), details={"territory": slug})
    return territory_out(request, territory)

"""The operator API (``/api/v1/operator/territories/{slug}/…``): reports and the audit log.

Read-only, with a territory (operator) Bearer token. A token of another territory
answers 404 as if the territory were absent (DESIGN 4); a shop's token answers 403.
Figures follow the definitions of :mod:`cabas.reports.selectors`; amounts are
integer cents. ``start`` and ``end`` are local dates, the last 12 weeks by default.
"""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema

from cabas.api.errors import ApiError, InvalidParameters, NotFound, field_error
from cabas.api.pagination import Projected, paginated
from cabas.apitokens.auth import TokenAuth
from cabas.apitokens.models import ApiToken
from cabas.audit.actions import action_label
from cabas.audit.models import AuditEntry
from cabas.audit.selectors import territory_audit_entries
from cabas.catalog.models import Category
from cabas.reports import selectors as reports
from cabas.reports.selectors import Figures, Period
from cabas.territories.models import Territory

router = Router(tags=["operator"], auth=TokenAuth())


def _territory(request: HttpRequest, slug: str) -> Territory:
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    if token.territory.slug != slug:
        raise NotFound(message=_("Territoire introuvable."), details={"territory": slug})
    if token.shop_id is not None:
        raise ApiError(
            "operator_token_required",
            _("Ces données demandent un jeton de territoire, pas celui d'un commerce."),
            403,
        )
    return token.territory


class PeriodQuery(Schema):
    start: dt.date | None = Field(None, description="Premier jour (AAAA-MM-JJ), inclus.")
    end: dt.date | None = Field(None, description="Dernier jour (AAAA-MM-JJ), inclus.")


def _period(territory: Territory, query: PeriodQuery) -> Period:
    default = reports.default_period(territory)
    start = query.start or default.start
    end = query.end or default.end
    if end < start:
        raise InvalidParameters(
            [field_error(["query", "end"], _("La fin de la période précède son début."), "range")]
        )
    if (end - start).days > reports.MAX_PERIOD_DAYS:
        raise InvalidParameters(
            [field_error(["query", "end"], _("Une période couvre au plus deux ans."), "range")]
        )
    return Period(start=start, end=end, tz=territory.timezone)


class FiguresOut(Schema):
    orders: int
    sales_cents: int
    average_basket_cents: int
    delivery_fees_cents: int
    commission_cents: int


def _figures(figures: Figures) -> dict[str, int]:
    return {
        "orders": figures.orders,
        "sales_cents": figures.sales_cents,
        "average_basket_cents": figures.average_basket_cents,
        "delivery_fees_cents": figures.delivery_fees_cents,
        "commission_cents": figures.commission_cents,
    }


class MethodOut(FiguresOut):
    method: str
    label: str


class ShopsOut(Schema):
    approved: int
    pending: int
    suspended: int
    draft: int
    with_catalogue: int
    with_orders: int


class SummaryOut(Schema):
    territory: str
    currency: str
    start: dt.date
    end: dt.date
    totals: FiguresOut
    shops: ShopsOut
    methods: list[MethodOut]


@router.get(
    "/territories/{slug}/reports/summary",
    response=SummaryOut,
    url_name="operator_report_summary",
    summary="Totaux de la période / period totals",
)
def report_summary(request: HttpRequest, slug: str, query: Query[PeriodQuery]) -> dict[str, Any]:
    territory = _territory(request, slug)
    period = _period(territory, query)
    counts = reports.report_shop_counts(territory, period)
    return {
        "territory": territory.slug,
        "currency": territory.currency,
        "start": period.start,
        "end": period.end,
        "totals": _figures(reports.report_totals(territory, period)),
        "shops": {
            "approved": counts.approved,
            "pending": counts.pending,
            "suspended": counts.suspended,
            "draft": counts.draft,
            "with_catalogue": counts.with_catalogue,
            "with_orders": counts.with_orders,
        },
        "methods": [
            {"method": row.method, "label": row.label, **_figures(row.figures)}
            for row in reports.report_by_method(territory, period)
        ],
    }


class WeekOut(FiguresOut):
    week: str = Field(..., description="Semaine ISO / ISO week, 2025-W02")
    week_start: dt.date
    shops_with_orders: int


@router.get(
    "/territories/{slug}/reports/weeks",
    response=list[WeekOut],
    url_name="operator_report_weeks",
    summary="Par semaine / by week",
)
@paginated
def report_weeks(request: HttpRequest, slug: str, query: Query[PeriodQuery]) -> Any:
    territory = _territory(request, slug)
    rows = reports.report_by_week(territory, _period(territory, query))
    return Projected(
        rows,
        lambda row: {
            "week": row.iso_week,
            "week_start": row.week_start,
            "shops_with_orders": row.shops_with_orders,
            **_figures(row.figures),
        },
    )


class ShopReportOut(FiguresOut):
    shop: str
    name: str
    status: str


@router.get(
    "/territories/{slug}/reports/shops",
    response=list[ShopReportOut],
    url_name="operator_report_shops",
    summary="Par commerce / by shop",
)
@paginated
def report_shops(request: HttpRequest, slug: str, query: Query[PeriodQuery]) -> Any:
    territory = _territory(request, slug)
    rows = reports.report_by_shop(territory, _period(territory, query))
    return Projected(
        rows,
        lambda row: {
            "shop": row.slug,
            "name": row.name,
            "status": row.status,
            **_figures(row.figures),
        },
    )


class CategoryReportOut(FiguresOut):
    category: str | None
    name: str
    shops_with_orders: int


@router.get(
    "/territories/{slug}/reports/categories",
    response=list[CategoryReportOut],
    url_name="operator_report_categories",
    summary="Par catégorie / by category",
)
@paginated
def report_categories(request: HttpRequest, slug: str, query: Query[PeriodQuery]) -> Any:
    territory = _territory(request, slug)
    rows = reports.report_by_category(territory, _period(territory, query))
    slugs = _category_slugs([row.category_id for row in rows if row.category_id])
    return Projected(
        rows,
        lambda row: {
            "category": slugs.get(row.category_id) if row.category_id else None,
            "name": row.name,
            "shops_with_orders": row.shops,
            **_figures(row.figures),
        },
    )


def _category_slugs(ids: list[int]) -> dict[int, str]:
    return dict(Category.objects.filter(pk__in=ids).values_list("pk", "slug"))


class AuditOut(Schema):
    id: int
    at: dt.datetime
    actor: str
    action: str
    label: str
    object_type: str
    object_id: str
    object: str
    details: dict[str, Any]


def _audit_row(entry: AuditEntry, tz: str) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "at": entry.created_at.astimezone(ZoneInfo(tz)),
        "actor": entry.actor_label,
        "action": entry.action,
        "label": action_label(entry.action),
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object": entry.object_repr,
        "details": entry.details,
    }


@router.get(
    "/territories/{slug}/audit",
    response=list[AuditOut],
    url_name="operator_audit",
    summary="Journal des actions / audit log",
)
@paginated
def audit_log(request: HttpRequest, slug: str) -> Any:
    territory = _territory(request, slug)
    return Projected(
        territory_audit_entries(territory), lambda entry: _audit_row(entry, territory.timezone)
    )

"""The public impact page of a territory and its open data (CSV and JSON)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from cabas.fulfilment.models import FulfilmentMethod
from cabas.territories.models import Territory
from cabas.territories.selectors import territory_by_slug

from . import charts, exports, formatting, selectors, voucher_selectors
from .selectors import Period

IMPACT_MONTHS = 12


def _territory(slug: str) -> Territory:
    territory = territory_by_slug(slug)
    if territory is None:
        raise Http404("unknown territory")
    return territory


def impact_period(territory: Territory, now: dt.datetime | None = None) -> Period:
    """The current month and the eleven before it, in the territory's timezone."""
    today = timezone.localtime(now or timezone.now(), ZoneInfo(territory.timezone)).date()
    first = today.replace(day=1)
    for _month in range(IMPACT_MONTHS - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return Period(start=first, end=today, tz=territory.timezone)


@require_safe
def impact(request: HttpRequest, territory: str) -> HttpResponse:
    place = _territory(territory)
    period = impact_period(place)
    months = selectors.report_by_month(place, period)
    totals = selectors.report_totals(place)
    counts = selectors.report_shop_counts(place)
    shops_with_orders = counts.with_orders
    methods = selectors.report_by_method(place, None)
    disclosed = shops_with_orders >= selectors.MIN_SHOPS_FOR_DISCLOSURE
    currency = place.currency
    sales_points = [
        (formatting.month_label(row.month), row.figures.sales_cents if row.disclosed else 0)
        for row in months
    ]
    sales_chart = charts.vertical_bars(
        chart_id="ventes-par-mois",
        title=_("Achats dans les commerces du territoire, par mois"),
        description=_("Montant des achats des %(n)s derniers mois ; détail dans le tableau.")
        % {"n": len(months)},
        points=sales_points,
        format_value=lambda cents: formatting.money_compact(cents, currency),
    )
    orders_chart = charts.vertical_bars(
        chart_id="commandes-par-mois",
        title=_("Commandes par mois"),
        description=_("Nombre de commandes des %(n)s derniers mois ; détail dans le tableau.")
        % {"n": len(months)},
        points=[(formatting.month_label(row.month), row.figures.orders) for row in months],
        format_value=formatting.count,
    )
    methods_chart = charts.horizontal_bars(
        chart_id="modes-de-retrait",
        title=_("Commandes par mode de retrait"),
        description=_("Retrait en boutique, en point de retrait et livraison, depuis le début."),
        points=[(row.label, row.figures.orders) for row in methods],
        format_value=formatting.count,
    )
    pickups = sum(row.figures.orders for row in methods if row.method != FulfilmentMethod.DELIVERY)
    vouchers = voucher_selectors.voucher_totals(place)
    voucher_months = voucher_selectors.vouchers_by_month(place, period)
    voucher_rows = [
        (row.month, voucher_months.get(row.month, voucher_selectors.VoucherFigures()))
        for row in months
    ]
    multiplier = vouchers.multiplier_tenths if vouchers.redeemed_disclosed else None
    matched_chart = charts.vertical_bars(
        chart_id="abondement-par-mois",
        title=_("Argent public ajouté aux chèques, par mois"),
        description=_("Abondement des chèques achetés chaque mois ; détail dans le tableau."),
        points=[(formatting.month_label(month), row.matched_cents) for month, row in voucher_rows],
        format_value=lambda cents: formatting.money_compact(cents, currency),
    )
    return render(
        request,
        "reports/impact.html",
        {
            "territory": place,
            "period": period,
            "months": months,
            "totals": totals,
            "disclosed": disclosed,
            "counts": counts,
            "shops_with_orders": shops_with_orders,
            "methods": methods,
            "pickup_share": formatting.percent(pickups, totals.orders),
            "sales_chart": sales_chart,
            "orders_chart": orders_chart,
            "methods_chart": methods_chart,
            "min_shops": selectors.MIN_SHOPS_FOR_DISCLOSURE,
            "vouchers": vouchers,
            "voucher_rows": voucher_rows,
            "voucher_multiplier": None if multiplier is None else formatting.tenths(multiplier),
            "matched_chart": matched_chart,
        },
    )


@require_safe
def open_data_csv(request: HttpRequest, territory: str) -> HttpResponse:
    place = _territory(territory)
    body = exports.open_data_csv(exports.open_data(place))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="cabas-{place.slug}-impact.csv"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def open_data_json(request: HttpRequest, territory: str) -> JsonResponse:
    place = _territory(territory)
    response = JsonResponse(
        exports.open_data_json(exports.open_data(place)),
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response

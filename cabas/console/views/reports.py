"""The operator's reports: figures by week, shop, category and fulfilment method."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from cabas.habits.selectors import habit_figures
from cabas.reports import charts, exports, formatting, voucher_selectors
from cabas.reports import selectors as reports
from cabas.reports.selectors import Period
from cabas.territories.models import Territory

from ..access import operator_view
from ..forms import PeriodForm
from .common import render_console

TOP_SHOPS_IN_CHART = 10


def _period(request: HttpRequest, territory: Territory) -> tuple[PeriodForm, Period]:
    default = reports.default_period(territory)
    form = PeriodForm(request.GET if "start" in request.GET else None)
    if form.is_bound and form.is_valid():
        period = Period(
            start=form.cleaned_data["start"], end=form.cleaned_data["end"], tz=territory.timezone
        )
    else:
        period = default
    if not form.is_bound:
        form = PeriodForm(initial={"start": default.start, "end": default.end})
    return form, period


@require_safe
@operator_view
def report(request: HttpRequest, territory: Territory) -> HttpResponse:
    form, period = _period(request, territory)
    currency = territory.currency
    weeks = reports.report_by_week(territory, period)
    shops = reports.report_by_shop(territory, period)
    categories = reports.report_by_category(territory, period)
    methods = reports.report_by_method(territory, period)
    totals = reports.report_totals(territory, period)
    money = lambda cents: formatting.money_compact(cents, currency)  # noqa: E731
    week_points = [(formatting.day_label(row.week_start), row.figures.sales_cents) for row in weeks]
    context = {
        "form": form,
        "period": period,
        "totals": totals,
        "counts": reports.report_shop_counts(territory, period),
        "weeks": weeks,
        "shops": shops,
        "categories": categories,
        "methods": methods,
        "tables": exports.REPORT_TABLES,
        "habits": habit_figures(territory=territory, start=period.start, end=period.end),
        "sales_chart": charts.vertical_bars(
            chart_id="ventes-semaine",
            title=_("Ventes par semaine"),
            description=_("Ventes de chaque semaine de la période ; détail dans le tableau."),
            points=week_points,
            format_value=money,
        ),
        "orders_chart": charts.vertical_bars(
            chart_id="commandes-semaine",
            title=_("Commandes par semaine"),
            description=_("Nombre de commandes de chaque semaine ; détail dans le tableau."),
            points=[(formatting.day_label(row.week_start), row.figures.orders) for row in weeks],
            format_value=formatting.count,
        ),
        "basket_chart": charts.vertical_bars(
            chart_id="panier-semaine",
            title=_("Panier moyen par semaine"),
            description=_("Ventes divisées par le nombre de commandes, chaque semaine."),
            points=[
                (formatting.day_label(row.week_start), row.figures.average_basket_cents)
                for row in weeks
            ],
            format_value=money,
        ),
        "shops_chart": charts.horizontal_bars(
            chart_id="ventes-commerces",
            title=_("Les %(n)s commerces qui vendent le plus") % {"n": TOP_SHOPS_IN_CHART},
            description=_(
                "Ventes de la période par commerce ; tous les commerces dans le tableau."
            ),
            points=[(row.name, row.figures.sales_cents) for row in shops[:TOP_SHOPS_IN_CHART]],
            format_value=lambda cents: formatting.money(cents, currency),
        ),
        "categories_chart": charts.horizontal_bars(
            chart_id="ventes-categories",
            title=_("Ventes par catégorie"),
            description=_("Ventes de la période par famille de commerces."),
            points=[(row.name, row.figures.sales_cents) for row in categories],
            format_value=lambda cents: formatting.money(cents, currency),
        ),
        "methods_chart": charts.horizontal_bars(
            chart_id="commandes-modes",
            title=_("Retrait ou livraison"),
            description=_("Commandes de la période par mode de retrait."),
            points=[(row.label, row.figures.orders) for row in methods],
            format_value=formatting.count,
        ),
    }
    context.update(_voucher_context(territory, period))
    status = 400 if form.is_bound and form.errors else 200
    return render_console(
        request, territory, "console/reports.html", context, section="reports", status=status
    )


def _voucher_context(territory: Territory, period: Period) -> dict:
    """Vouchers issued and redeemed, by week and by shop, from the ledger."""
    currency = territory.currency
    weeks = voucher_selectors.vouchers_by_week(territory, period)
    shops = voucher_selectors.voucher_redemptions_by_shop(territory, period)
    return {
        "voucher_weeks": weeks,
        "voucher_totals": voucher_selectors.voucher_totals(territory, period),
        "voucher_shops": shops,
        "vouchers_issued_chart": charts.vertical_bars(
            chart_id="cheques-emis-semaine",
            title=_("Chèques émis par semaine"),
            description=_("Nombre de chèques vendus chaque semaine ; détail dans le tableau."),
            points=[(formatting.day_label(row.week_start), row.figures.issued) for row in weeks],
            format_value=formatting.count,
        ),
        "vouchers_redeemed_chart": charts.vertical_bars(
            chart_id="cheques-depenses-semaine",
            title=_("Dépensé en chèques par semaine"),
            description=_(
                "Montant payé en chèques dans les commerces chaque semaine ; détail dans le "
                "tableau."
            ),
            points=[
                (formatting.day_label(row.week_start), row.figures.redeemed_cents) for row in weeks
            ],
            format_value=lambda cents: formatting.money_compact(cents, currency),
        ),
        "vouchers_shops_chart": charts.horizontal_bars(
            chart_id="cheques-commerces",
            title=_("Les %(n)s commerces où les chèques sont le plus dépensés")
            % {"n": TOP_SHOPS_IN_CHART},
            description=_("Montant payé en chèques par commerce ; tous dans le tableau."),
            points=[(row.name, row.redeemed_cents) for row in shops[:TOP_SHOPS_IN_CHART]],
            format_value=lambda cents: formatting.money(cents, currency),
        ),
    }


@require_safe
@operator_view
def report_csv(request: HttpRequest, territory: Territory, table: str) -> HttpResponse:
    if table not in exports.REPORT_TABLES:
        raise Http404("unknown report table")
    _form, period = _period(request, territory)
    response = HttpResponse(
        exports.report_csv(territory, period, table), content_type="text/csv; charset=utf-8"
    )
    filename = f"{territory.slug}-{table}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

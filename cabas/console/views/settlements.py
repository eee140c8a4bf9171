"""The operator's settlements: every shop's statement, and the voucher flows for an accountant."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from cabas.money import format_money
from cabas.settlements.errors import SettlementError
from cabas.settlements.exports import voucher_flows_csv
from cabas.settlements.flows import voucher_flows
from cabas.settlements.forms import PayoutForm, period_from_query, period_query
from cabas.settlements.labels import statement_context
from cabas.settlements.responses import statement_csv_response, statement_pdf_response
from cabas.settlements.selectors import (
    receivable_reserved_cents,
    shop_statement,
    territory_shop,
    territory_shops,
    territory_summary,
)
from cabas.settlements.services import payout_record
from cabas.shops.models import Shop
from cabas.territories.models import Territory

from ..access import operator_view
from .common import attach_error, render_console


@require_safe
@operator_view
def settlements(request: HttpRequest, territory: Territory) -> HttpResponse:
    form, period, valid = period_from_query(request.GET, territory)
    picked = request.GET.get("shop", "")
    if valid and picked.isdigit():
        shop = territory_shop(territory, int(picked))
        if shop is not None:
            url = reverse(
                "console:settlement", kwargs={"territory": territory.slug, "shop_id": shop.pk}
            )
            return redirect(f"{url}?{period_query(period)}")
    context = {
        "form": form,
        "period": period,
        "period_query": period_query(period),
        "summary": territory_summary(territory, period),
        "shops": territory_shops(territory).only("name"),
    }
    return render_console(
        request,
        territory,
        "console/settlements.html",
        context,
        section="settlements",
        status=200 if valid else 400,
    )


def _shop(territory: Territory, shop_id: int) -> Shop:
    shop = territory_shop(territory, shop_id)
    if shop is None:
        raise Http404("unknown shop")
    return shop


def _settlement_page(
    request: HttpRequest,
    territory: Territory,
    shop: Shop,
    *,
    payout_form: PayoutForm | None = None,
    status: int = 200,
) -> HttpResponse:
    form, period, valid = period_from_query(request.GET, territory)
    kwargs = {"territory": territory.slug, "shop_id": shop.pk}
    statement = shop_statement(shop, period)
    context = {
        "shop": shop,
        "form": form,
        "period_query": period_query(period),
        "csv_url": reverse("console:settlement_csv", kwargs=kwargs),
        "pdf_url": reverse("console:settlement_pdf", kwargs=kwargs),
        "payout_url": reverse("console:settlement_payout", kwargs=kwargs),
        "payout_form": payout_form or PayoutForm(initial={"key": PayoutForm.new_key()}),
        "reserved_cents": receivable_reserved_cents(shop),
        **statement_context(statement),
    }
    return render_console(
        request,
        territory,
        "console/settlement.html",
        context,
        section="settlements",
        status=status if valid else 400,
    )


@require_safe
@operator_view
def settlement(request: HttpRequest, territory: Territory, shop_id: int) -> HttpResponse:
    return _settlement_page(request, territory, _shop(territory, shop_id))


@require_POST
@operator_view
def settlement_payout(request: HttpRequest, territory: Territory, shop_id: int) -> HttpResponse:
    """« Versement effectué »: record a payout made to the shop (ledger and audit)."""
    shop = _shop(territory, shop_id)
    form = PayoutForm(request.POST)
    if form.is_valid():
        try:
            payout = payout_record(
                shop=shop,
                amount_cents=form.cleaned_data["amount"],
                paid_on=form.cleaned_data["paid_on"],
                reference=form.cleaned_data["reference"],
                idempotency_key=form.cleaned_data["key"],
                actor=request.user,  # type: ignore[arg-type]
            )
        except SettlementError as error:
            field = {
                "invalid_amount": "amount",
                "payout_above_balance": "amount",
                "invalid_date": "paid_on",
                "date_in_future": "paid_on",
                "invalid_reference": "reference",
            }.get(error.code)
            attach_error(form, field, error.message)
        else:
            messages.success(
                request,
                _("Versement de %(amount)s à %(shop)s enregistré.")
                % {"amount": format_money(payout.amount_cents, payout.currency), "shop": shop.name},
            )
            url = reverse(
                "console:settlement", kwargs={"territory": territory.slug, "shop_id": shop.pk}
            )
            return redirect(url)
    return _settlement_page(request, territory, shop, payout_form=form, status=400)


@require_safe
@operator_view
def settlement_csv(request: HttpRequest, territory: Territory, shop_id: int) -> HttpResponse:
    shop = _shop(territory, shop_id)
    _form, period, valid = period_from_query(request.GET, territory)
    if not valid:
        return settlement(request, territory.slug, shop_id=shop_id)
    return statement_csv_response(shop_statement(shop, period))


@require_safe
@operator_view
def settlement_pdf(request: HttpRequest, territory: Territory, shop_id: int) -> HttpResponse:
    shop = _shop(territory, shop_id)
    _form, period, valid = period_from_query(request.GET, territory)
    if not valid:
        return settlement(request, territory.slug, shop_id=shop_id)
    return statement_pdf_response(shop_statement(shop, period))


@require_safe
@operator_view
def voucher_flows_export(request: HttpRequest, territory: Territory) -> HttpResponse:
    _form, period, valid = period_from_query(request.GET, territory)
    if not valid:
        return settlements(request, territory.slug)
    body = voucher_flows_csv(territory, period, voucher_flows(territory, period))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    filename = f"{territory.slug}-flux-cheques-{period.start:%Y%m%d}-{period.end:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

"""The till: look a code up, take an amount from it, print the receipt; and the statements.

Works without JavaScript (the code is typed); ``backoffice/scan.js`` adds the camera
where the browser has ``BarcodeDetector``. The amount form carries an idempotency key
drawn when the form is shown, so a double submit is one debit and the same receipt.
"""

from __future__ import annotations

import contextlib

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from cabas.settlements.forms import period_from_query, period_query
from cabas.settlements.labels import statement_context
from cabas.settlements.responses import statement_csv_response, statement_pdf_response
from cabas.settlements.selectors import shop_statement
from cabas.vouchers.errors import VoucherError

from ..access import merchant_view
from ..redemptions.forms import CodeForm, RedeemForm
from ..redemptions.selectors import CardCheck, card_check, shop_redemption, shop_redemptions
from ..redemptions.services import cashier_label_for_user, in_store_redeem
from ..selectors import MemberShop
from .common import render_shop


def _redeem_form(check: CardCheck, data: object = None) -> RedeemForm:
    return RedeemForm(
        data,  # type: ignore[arg-type]
        balance_cents=check.balance_cents,
        currency=check.currency,
        initial={"code": check.code, "key": RedeemForm.new_key()},
    )


def _page(
    request: HttpRequest,
    member: MemberShop,
    *,
    code_form: CodeForm,
    check: CardCheck | None = None,
    redeem_form: RedeemForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "code_form": code_form,
        "card": check,
        "redeem_form": redeem_form,
        "redemptions": shop_redemptions(member.shop),
    }
    return render_shop(
        request, member, "backoffice/redeem.html", context, section="redeem", status=status
    )


@merchant_view()
@require_http_methods(["GET", "HEAD", "POST"])
def redeem(request: HttpRequest, member: MemberShop) -> HttpResponse:
    """GET: the empty till; POST ``step=lookup``: the code's balance; POST: the debit.

    Codes travel in POST bodies only: a code is a bearer secret, kept out of URLs and logs.
    """
    shop = member.shop
    if request.method != "POST":
        return _page(request, member, code_form=CodeForm())
    if request.POST.get("step") == "lookup":
        code_form = CodeForm(request.POST)
        if not code_form.is_valid():
            return _page(request, member, code_form=code_form, status=400)
        try:
            check = card_check(shop, code_form.cleaned_data["code"])
        except VoucherError as error:
            code_form.add_error("code", error.message)
            return _page(request, member, code_form=code_form, status=400)
        form = _redeem_form(check) if check.usable else None
        return _page(request, member, code_form=code_form, check=check, redeem_form=form)

    code_form = CodeForm({"code": request.POST.get("code", "")})
    try:
        check = card_check(shop, request.POST.get("code", ""))
    except VoucherError as error:
        code_form.is_valid()
        code_form.add_error("code", error.message)
        return _page(request, member, code_form=code_form, status=400)
    code_form.is_valid()
    if not check.usable:
        return _page(request, member, code_form=code_form, check=check, status=400)
    form = _redeem_form(check, request.POST)
    if not form.is_valid():
        return _page(
            request, member, code_form=code_form, check=check, redeem_form=form, status=400
        )
    try:
        result = in_store_redeem(
            shop=shop,
            code=check.code,
            amount_cents=form.cleaned_data["amount"],
            idempotency_key=form.cleaned_data["key"],
            actor_id=request.user.pk,
            actor_label=cashier_label_for_user(request.user),
        )
    except VoucherError as error:
        # Raced by another till, or expired meanwhile: show the code as it is now.
        with contextlib.suppress(VoucherError):
            check = card_check(shop, check.code)
        form = _redeem_form(check, request.POST)
        if form.is_valid() or error.code == "idempotency_conflict":
            form.add_error(
                "amount" if error.code != "idempotency_conflict" else None, error.message
            )
        return _page(
            request, member, code_form=code_form, check=check, redeem_form=form, status=400
        )
    return redirect(
        "backoffice:redeem_receipt",
        territory=shop.territory.slug,
        shop=shop.slug,
        transaction_id=result.transaction.pk,
    )


@merchant_view()
@require_safe
def redeem_receipt(request: HttpRequest, member: MemberShop, transaction_id: int) -> HttpResponse:
    redemption = shop_redemption(member.shop, transaction_id)
    if redemption is None:
        raise Http404("unknown redemption")
    return render_shop(
        request,
        member,
        "backoffice/redeem_receipt.html",
        {"redemption": redemption},
        section="redeem",
    )


# -- statements ----------------------------------------------------------------------------


def _statement_urls(member: MemberShop) -> dict[str, str]:
    kwargs = {"territory": member.shop.territory.slug, "shop": member.shop.slug}
    return {
        "csv_url": reverse("backoffice:statement_csv", kwargs=kwargs),
        "pdf_url": reverse("backoffice:statement_pdf", kwargs=kwargs),
    }


@merchant_view(owner_only=True)
@require_safe
def statement(request: HttpRequest, member: MemberShop) -> HttpResponse:
    shop = member.shop
    form, period, valid = period_from_query(request.GET, shop.territory)
    context = {
        "form": form,
        "period_query": period_query(period),
        **_statement_urls(member),
        **statement_context(shop_statement(shop, period)),
    }
    return render_shop(
        request,
        member,
        "backoffice/statement.html",
        context,
        section="statement",
        status=200 if valid else 400,
    )


@merchant_view(owner_only=True)
@require_safe
def statement_csv(request: HttpRequest, member: MemberShop) -> HttpResponse:
    _form, period, valid = period_from_query(request.GET, member.shop.territory)
    if not valid:
        return statement(request, member.shop.territory.slug, member.shop.slug)
    return statement_csv_response(shop_statement(member.shop, period))


@merchant_view(owner_only=True)
@require_safe
def statement_pdf(request: HttpRequest, member: MemberShop) -> HttpResponse:
    _form, period, valid = period_from_query(request.GET, member.shop.territory)
    if not valid:
        return statement(request, member.shop.territory.slug, member.shop.slug)
    return statement_pdf_response(shop_statement(member.shop, period))

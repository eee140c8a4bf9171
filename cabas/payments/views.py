"""Payment pages: pay or retry, the return from the provider, buying gift cards and
vouchers online, the operator's connected accounts. Thin: parse, call one service, render."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from cabas.console.access import operator_view
from cabas.orders.models import Checkout
from cabas.territories.models import Territory
from cabas.territories.selectors import territory_by_slug
from cabas.vouchers.codes import code_display, code_qr_payload

from . import selectors, services
from .errors import PaymentError
from .forms import GiftCardForm, ShopAccountForm, VoucherForm
from .models import Payment, PaymentStatus
from .registry import gateway

CONSOLE_SHOPS_SHOWN = 100


def _territory(slug: str) -> Territory:
    place = territory_by_slug(slug)
    if place is None:
        raise Http404("unknown territory")
    return place


def _description(payment: Payment, territory: Territory) -> str:
    if payment.checkout_id:
        return _("%(territory)s — commande n° %(number)s") % {
            "territory": territory.name,
            "number": payment.checkout_id,
        }
    assert payment.purchase is not None
    return f"{territory.name} — {payment.purchase.get_kind_display()}"


def _to_provider(request: HttpRequest, payment: Payment, territory: Territory) -> HttpResponse:
    """Open (or reuse) the provider's session and send the browser there."""
    success = request.build_absolute_uri(
        reverse("payments:return", args=[territory.slug, payment.access_token])
    )
    cancel = request.build_absolute_uri(
        reverse("payments:pay", args=[territory.slug, payment.access_token])
    )
    try:
        url = services.payment_redirect_url(
            payment=payment,
            success_url=f"{success}?session_id={{CHECKOUT_SESSION_ID}}",
            cancel_url=cancel,
            description=_description(payment, territory),
        )
    except PaymentError as error:
        messages.error(request, error.message)
        return redirect("payments:pay", territory=territory.slug, token=payment.access_token)
    return redirect(url)


def checkout_payment_redirect(request: HttpRequest, checkout: Checkout) -> HttpResponse:
    """After a card checkout commits: off to the provider's payment page."""
    payment = Payment.objects.select_related("checkout", "purchase").get(checkout=checkout)
    return _to_provider(request, payment, checkout.territory)


def _done_url(payment: Payment, territory: Territory) -> str:
    if payment.checkout_id:
        assert payment.checkout is not None
        return reverse("orders:guest_checkout", args=[payment.checkout.access_token])
    assert payment.purchase is not None
    return reverse("payments:purchase", args=[territory.slug, payment.purchase.access_token])


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def pay(request: HttpRequest, territory: str, token: str) -> HttpResponse:
    """The payment's page: pay (or pay again after a cancel), or see where it stands."""
    place = _territory(territory)
    payment = selectors.payment_by_token(place, token)
    if payment is None:
        raise Http404("unknown payment")
    if request.method == "POST" and payment.status == PaymentStatus.PENDING:
        return _to_provider(request, payment, place)
    return render(
        request,
        "payments/pay.html",
        {
            "territory": place,
            "payment": payment,
            "done_url": _done_url(payment, place),
            "available": gateway() is not None,
        },
    )


@never_cache
@require_safe
def payment_return(request: HttpRequest, territory: str, token: str) -> HttpResponse:
    """The browser back from the provider: ask it, confirm if paid (same path as the webhook)."""
    place = _territory(territory)
    payment = selectors.payment_by_token(place, token)
    if payment is None:
        raise Http404("unknown payment")
    try:
        payment = services.payment_refresh(payment=payment, source="return")
    except PaymentError as error:
        messages.error(request, error.message)
        return redirect("payments:pay", territory=place.slug, token=payment.access_token)
    if payment.status == PaymentStatus.PAID:
        messages.success(request, _("Paiement reçu, merci !"))
        return redirect(_done_url(payment, place))
    messages.warning(
        request,
        _("Le paiement n'est pas encore confirmé par la banque : cette page se met à jour."),
    )
    return redirect("payments:pay", territory=place.slug, token=payment.access_token)


def _unavailable(
    request: HttpRequest, place: Territory, template: str, context: dict
) -> HttpResponse:
    return render(request, template, {"territory": place, "available": False, **context})


@require_http_methods(["GET", "HEAD", "POST"])
def gift_cards(request: HttpRequest, territory: str) -> HttpResponse:
    place = _territory(territory)
    shops = list(selectors.gift_card_shops(place))
    if gateway() is None:
        return _unavailable(request, place, "payments/gift_cards.html", {})
    user = request.user if request.user.is_authenticated else None
    initial = {"buyer_email": user.email} if user else None
    form = GiftCardForm(request.POST or None, shops=shops, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            shop = next((s for s in shops if str(s.pk) == data["shop"]), None)
            try:
                payment = services.purchase_gift_card_start(
                    territory=place,
                    amount_cents=data["amount"],
                    buyer_email=data["buyer_email"],
                    shop=shop,
                    recipient_email=data["recipient_email"] or "",
                    message=data["message"] or "",
                    user=user,
                )
            except PaymentError as error:
                form.add_error(None, error.message)
            else:
                return _to_provider(request, payment, place)
        status = 400
    return render(
        request,
        "payments/gift_cards.html",
        {"territory": place, "available": True, "form": form},
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def vouchers(request: HttpRequest, territory: str) -> HttpResponse:
    place = _territory(territory)
    user = request.user if request.user.is_authenticated else None
    now = timezone.now()
    programmes = selectors.open_programmes(place, user=user, now=now)
    context = {"territory": place, "programmes": programmes, "available": gateway() is not None}
    if not context["available"]:
        return render(request, "payments/vouchers.html", context)
    form = VoucherForm(request.POST or None)
    context["form"] = form
    if request.method != "POST":
        return render(request, "payments/vouchers.html", context)
    if user is None:
        messages.error(request, _("Connectez-vous pour acheter un chèque : il est à votre nom."))
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
    if form.is_valid():
        chosen = next(
            (o.programme for o in programmes if o.programme.pk == form.cleaned_data["programme"]),
            None,
        )
        if chosen is None:
            form.add_error(None, _("Ce programme n'est pas ouvert à l'achat."))
        else:
            try:
                payment = services.purchase_voucher_start(
                    programme=chosen,
                    user=user,  # type: ignore[arg-type]
                    amount_cents=form.cleaned_data["amount"] * 100,
                    now=now,
                )
            except PaymentError as error:
                form.add_error(None, error.message)
            else:
                return _to_provider(request, payment, place)
        context["chosen"] = form.data.get("programme")
    return render(request, "payments/vouchers.html", context, status=400)


@never_cache
@require_safe
def purchase(request: HttpRequest, territory: str, token: str) -> HttpResponse:
    """The purchase's confirmation: the code and its QR code once the payment is confirmed."""
    place = _territory(territory)
    found = selectors.purchase_by_token(place, token)
    if found is None:
        raise Http404("unknown purchase")
    card = found.gift_card or found.voucher
    context = {"territory": place, "purchase": found, "payment": found.payment, "card": card}
    if card is not None:
        import segno

        qr = segno.make(code_qr_payload(card.code), error="m")
        context["code"] = code_display(card.code)
        context["qr"] = qr.svg_inline(
            scale=5, dark="#111", light="#fff", title=_("QR code du code")
        )
        context["value_cents"] = found.amount_cents + (
            found.voucher.matched_cents if found.voucher else 0
        )
    return render(request, "payments/purchase.html", context)


@operator_view
def console_accounts(request: HttpRequest, territory: Territory) -> HttpResponse:
    """The operator records each shop's Stripe Connect account."""
    from cabas.shops.models import Shop

    form = ShopAccountForm(request.POST or None)
    status = 200
    if request.method == "POST":
        shop = None
        if form.is_valid():
            shop = Shop.objects.filter(territory=territory, pk=form.cleaned_data["shop"]).first()
        if shop is None:
            raise Http404("unknown shop")
        try:
            services.shop_payment_account_set(
                shop=shop, stripe_account_id=form.cleaned_data["stripe_account_id"]
            )
        except PaymentError as error:
            messages.error(request, f"{shop.name} — {error.message}")
            status = 400
        else:
            messages.success(
                request, _("Compte de paiement de « %(shop)s » enregistré.") % {"shop": shop.name}
            )
            return redirect("payments:console_accounts", territory=territory.slug)
    accounts = selectors.territory_payment_accounts(territory)
    query = request.GET.get("q", "").strip()[:80]
    shops = Shop.objects.filter(territory=territory).order_by("name", "pk")
    if query:
        shops = shops.filter(name__icontains=query)
    total = shops.count()
    return render(
        request,
        "payments/console_accounts.html",
        {
            "territory": territory,
            "rows": [(shop, accounts.get(shop.pk, "")) for shop in shops[:CONSOLE_SHOPS_SHOWN]],
            "query": query,
            "hidden": max(total - CONSOLE_SHOPS_SHOWN, 0),
            "payments": selectors.territory_recent_payments(territory),
            "available": gateway() is not None,
        },
        status=status,
    )

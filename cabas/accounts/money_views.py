"""The shopper's money pages: « Mes chèques et cartes » and « Mes points »."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from cabas.ledger.models import Account, AccountKind
from cabas.loyalty.models import POINTS_CURRENCY
from cabas.loyalty.selectors import points_history
from cabas.territories.selectors import active_territories
from cabas.vouchers.codes import gift_card_qr_svg
from cabas.vouchers.errors import VoucherError
from cabas.vouchers.forms import HouseholdForm
from cabas.vouchers.households import household_declare
from cabas.vouchers.models import Household
from cabas.vouchers.selectors import shopper_cards

MOVEMENT_LABELS = {
    "voucher_purchase": gettext_lazy("Achat du chèque (abondement compris)"),
    "gift_card_sale": gettext_lazy("Achat de la carte"),
    "voucher_redemption": gettext_lazy("Paiement chez un commerçant"),
    "voucher_refund": gettext_lazy("Remboursement (commande annulée)"),
    "loyalty_earn": gettext_lazy("Points gagnés"),
    "loyalty_spend": gettext_lazy("Points utilisés"),
    "loyalty_refund": gettext_lazy("Points rendus (commande annulée)"),
}


def _label(kind: str) -> str:
    return str(MOVEMENT_LABELS.get(kind, kind))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def my_cards(request: HttpRequest) -> HttpResponse:
    user = request.user
    territories = list(active_territories())
    territory = user.home_territory or (territories[0] if len(territories) == 1 else None)
    household = (
        Household.objects.filter(user=user, territory=territory).first() if territory else None
    )
    form = HouseholdForm(
        request.POST or None,
        initial={"address": household.address, "postcode": household.postcode}
        if household
        else None,
    )
    if request.method == "POST" and territory is not None and form.is_valid():
        try:
            household_declare(
                territory=territory,
                user=user,
                address=form.cleaned_data["address"],
                postcode=form.cleaned_data["postcode"],
            )
        except VoucherError as error:
            field = (error.details or {}).get("field")
            form.add_error(field if field in form.fields else None, error.message)
        else:
            messages.success(request, _("Votre adresse de foyer est enregistrée."))
            return redirect("accounts:cards")
    cards = shopper_cards(user.pk, user.email)
    for card in cards:
        for entry in card.history:
            entry.label = _label(entry.transaction.kind)
    return render(
        request,
        "accounts/cards.html",
        {
            "cards": [(card, gift_card_qr_svg(card.card.code)) for card in cards],
            "household": household,
            "household_territory": territory,
            "form": form,
        },
    )


@login_required
def my_points(request: HttpRequest) -> HttpResponse:
    user = request.user
    accounts = Account.objects.filter(
        kind=AccountKind.LOYALTY, owner_ref=f"user:{user.pk}", currency=POINTS_CURRENCY
    ).select_related("territory")
    wallets = [
        {
            "territory": account.territory,
            "points": account.balance_cents,
            "history": [
                (line, _label(line.entry.transaction.kind))
                for line in points_history(account.territory, user.pk, limit=100)
            ],
        }
        for account in accounts
    ]
    return render(request, "accounts/points.html", {"wallets": wallets})

"""Payment reads: a payment or purchase by its token, open programmes, a shop's account."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from cabas.accounts.models import User
from cabas.shops.models import Shop
from cabas.territories.models import Territory
from cabas.vouchers.models import ProgrammeParticipant, ProgrammeStatus, VoucherProgramme
from cabas.vouchers.selectors import programme_budget_remaining

from .models import OnlinePurchase, Payment, ShopPaymentAccount


def payment_by_token(territory: Territory, token: str) -> Payment | None:
    if not token or len(token) > 64:
        return None
    return (
        Payment.objects.filter(territory=territory, access_token=token)
        .select_related("checkout", "purchase")
        .first()
    )


def purchase_by_token(territory: Territory, token: str) -> OnlinePurchase | None:
    if not token or len(token) > 64:
        return None
    return (
        OnlinePurchase.objects.filter(territory=territory, access_token=token)
        .select_related("payment", "gift_card", "voucher", "shop", "programme")
        .first()
    )


@dataclass(frozen=True)
class OpenProgramme:
    programme: VoucherProgramme
    rate_percent: int
    budget_left_cents: int
    remaining_cap_cents: int  # for the signed-in person; the full cap for a visitor


def open_programmes(
    territory: Territory, *, user: User | None, now: dt.datetime
) -> list[OpenProgramme]:
    """Programmes a shopper can buy under now, with the budget left and their cap left."""
    programmes = list(
        VoucherProgramme.objects.filter(
            territory=territory,
            status=ProgrammeStatus.ACTIVE,
            valid_from__lte=now,
            valid_until__gt=now,
        ).order_by("valid_until", "pk")
    )
    received: dict[int, int] = {}
    if user is not None:
        received = dict(
            ProgrammeParticipant.objects.filter(programme__in=programmes, user=user).values_list(
                "programme_id", "matched_cents"
            )
        )
    return [
        OpenProgramme(
            programme=programme,
            rate_percent=programme.match_rate_bp // 100,
            budget_left_cents=programme_budget_remaining(programme),
            remaining_cap_cents=max(
                programme.cap_per_person_cents - received.get(programme.pk, 0), 0
            ),
        )
        for programme in programmes
    ]


def gift_card_shops(territory: Territory) -> QuerySet[Shop]:
    from cabas.shops.selectors import public_shops

    return public_shops(territory).order_by("name")


def shop_payment_account(shop: Shop) -> ShopPaymentAccount | None:
    return ShopPaymentAccount.objects.filter(territory_id=shop.territory_id, shop=shop).first()


def territory_payment_accounts(territory: Territory) -> dict[int, str]:
    return dict(
        ShopPaymentAccount.objects.filter(territory=territory).values_list(
            "shop_id", "stripe_account_id"
        )
    )


def territory_recent_payments(territory: Territory, limit: int = 50) -> list[Payment]:
    return list(
        Payment.objects.filter(territory=territory)
        .select_related("checkout", "purchase")
        .prefetch_related("transfers")
        .order_by("-pk")[:limit]
    )

"""Voucher and gift card reads: the public balance lookup, budgets, settlement totals."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field

from django.db.models import (
    BigIntegerField,
    Count,
    ExpressionWrapper,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from cabas.catalog.models import Category
from cabas.ledger.models import Account, AccountKind, Entry
from cabas.shops.models import Shop
from cabas.territories.models import Territory

from .codes import code_display, code_normalise
from .models import GiftCard, ProgrammeParticipant, Voucher, VoucherProgramme


@dataclass(frozen=True)
class CardBalance:
    code_display: str
    kind: str  # "gift_card" or "voucher"
    balance_cents: int
    currency: str
    expires_at: dt.datetime
    shop_name: str  # "" when valid in every (eligible) shop


def card_balance(code: object) -> CardBalance | None:
    """The public balance of a voucher or gift card code, or ``None`` if unknown.

    One indexed lookup per table, then a constant-time comparison of the stored code,
    so a wrong code and a near-miss take the same path. Reveals no owner or e-mail.
    """
    normalised = code_normalise(code)
    if not normalised:
        return None
    card: GiftCard | Voucher | None = (
        GiftCard.objects.filter(code=normalised).select_related("account", "shop").first()
    )
    if card is None:
        card = Voucher.objects.filter(code=normalised).select_related("account").first()
    if card is None or card.account is None or not secrets.compare_digest(card.code, normalised):
        return None
    shop = card.shop if isinstance(card, GiftCard) else None
    return CardBalance(
        code_display=code_display(card.code),
        kind="gift_card" if isinstance(card, GiftCard) else "voucher",
        balance_cents=card.account.balance_cents,
        currency=card.account.currency,
        expires_at=card.expires_at,
        shop_name=shop.name if shop else "",
    )


def card_by_code(code: object) -> GiftCard | Voucher | None:
    """The voucher or gift card of a typed code, or ``None``.

    Both tables are always read and the stored code compared in constant time, so an
    unknown code takes the same path as a known one (no timing hint for guessers).
    """
    normalised = code_normalise(code)
    probe = normalised or "-"
    gift = GiftCard.objects.filter(code=probe).select_related("account", "shop").first()
    voucher = Voucher.objects.filter(code=probe).select_related("account", "programme").first()
    card: GiftCard | Voucher | None = gift or voucher
    if card is None or card.account is None:
        return None
    if not secrets.compare_digest(card.code, normalised):
        return None
    return card


def card_eligible_shop_ids(card: GiftCard | Voucher, shops: list[Shop]) -> set[int]:
    """Which of ``shops`` take this card (the one eligibility rule, also used to redeem).

    At most three queries whatever the number of shops: the programme's shops, its
    categories, and the rayons under those categories.
    """
    if isinstance(card, GiftCard):
        return {shop.pk for shop in shops if card.shop_id is None or card.shop_id == shop.pk}
    programme = card.programme
    shop_ids = set(programme.eligible_shops.values_list("pk", flat=True))
    category_ids = set(programme.eligible_categories.values_list("pk", flat=True))
    if not shop_ids and not category_ids:
        return {shop.pk for shop in shops}
    if category_ids:
        category_ids |= set(
            Category.objects.filter(parent_id__in=category_ids).values_list("pk", flat=True)
        )
    return {
        shop.pk
        for shop in shops
        if shop.pk in shop_ids or (shop.category_id in category_ids if shop.category_id else False)
    }


def programme_budget_remaining(programme: VoucherProgramme) -> int:
    """What the funder can still give, in cents (the budget account's balance)."""
    if programme.funder_account_id is None:
        return 0
    return Account.objects.get(pk=programme.funder_account_id).balance_cents


def merchant_receivables_total(territory: Territory) -> int:
    """What the territory owes its shops for redeemed codes, in cents."""
    total = Account.objects.filter(
        territory=territory, kind=AccountKind.MERCHANT_RECEIVABLE
    ).aggregate(total=Coalesce(Sum("balance_cents"), Value(0), output_field=BigIntegerField()))[
        "total"
    ]
    return int(total)


# The operator console's reads: one territory's programmes and cards, constant queries.


def _subquery_total(queryset: QuerySet, group: str, expression: object) -> Subquery:
    """One aggregate per outer row, as a correlated subquery (no join fan-out)."""
    return Subquery(
        queryset.order_by().values(group).annotate(total=expression).values("total")[:1],
        output_field=BigIntegerField(),
    )


def territory_programmes(territory: Territory) -> QuerySet[VoucherProgramme]:
    """The territory's programmes with their figures, in a single query.

    ``sold`` vouchers, ``paid_cents`` by shoppers and ``committed_cents`` matched by
    the funder (the vouchers' own amounts), ``remaining_cents`` (the budget account),
    ``redeemed_cents`` spent in shops (debits of the vouchers' accounts), and the
    number of ``participants``.
    """
    vouchers = Voucher.objects.filter(territory=territory, programme=OuterRef("pk"))
    redemptions = Entry.objects.filter(
        territory=territory,
        transaction__kind="voucher_redemption",
        account__voucher__programme=OuterRef("pk"),
    )
    participants = ProgrammeParticipant.objects.filter(programme=OuterRef("pk"))
    zero = Value(0, output_field=BigIntegerField())
    return (
        VoucherProgramme.objects.filter(territory=territory)
        .annotate(
            sold=Coalesce(_subquery_total(vouchers, "programme", Count("pk")), zero),
            paid_cents=Coalesce(_subquery_total(vouchers, "programme", Sum("paid_cents")), zero),
            committed_cents=Coalesce(
                _subquery_total(vouchers, "programme", Sum("matched_cents")), zero
            ),
            redeemed_cents=Coalesce(
                ExpressionWrapper(
                    zero
                    - _subquery_total(
                        redemptions, "account__voucher__programme", Sum("amount_cents")
                    ),
                    output_field=BigIntegerField(),
                ),
                zero,
            ),
            participant_count=Coalesce(
                _subquery_total(participants, "programme", Count("pk")), zero
            ),
            remaining_cents=Coalesce("funder_account__balance_cents", zero),
        )
        .order_by("-created_at", "-pk")
    )


def territory_programme(territory: Territory, programme_id: int) -> VoucherProgramme | None:
    """One programme of the territory with its figures, or ``None`` (another's id too)."""
    return territory_programmes(territory).filter(pk=programme_id).first()


GIFT_CARD_SEARCH_LENGTH = 4


def gift_card_search_term(text: object) -> str:
    """The last characters of a code as typed (``"mn"``, ``"jk-mn"``) in stored form, or ``""``."""
    if not isinstance(text, str):
        return ""
    cleaned = "".join(ch for ch in text.strip().upper() if ch.isalnum())
    return cleaned[-GIFT_CARD_SEARCH_LENGTH:]


def territory_gift_cards(territory: Territory, *, code_end: str = "") -> QuerySet[GiftCard]:
    """The territory's gift cards, newest first, with balance and shop; ``code_end`` filters
    on the code's last characters (an operator helping a customer reads them off the card)."""
    cards = GiftCard.objects.filter(territory=territory).select_related("account", "shop")
    if code_end:
        cards = cards.filter(code__endswith=code_end)
    return cards.order_by("-created_at", "-pk")


@dataclass
class OwnedCard:
    """A voucher or gift card on the shopper's account page."""

    card: GiftCard | Voucher
    kind: str  # "gift_card" or "voucher"
    code_display: str
    balance_cents: int
    currency: str
    expires_at: dt.datetime
    where: str  # programme name, shop name, or "" (every shop of the territory)
    history: list = field(default_factory=list)  # ledger entries, newest first


def shopper_cards(user_id: int, email: str, history: int = 20) -> list[OwnedCard]:
    """Vouchers the shopper bought and gift cards bought with their e-mail, with history.

    Three queries whatever the number of cards (vouchers, gift cards, entries).
    """
    vouchers = list(
        Voucher.objects.filter(owner_id=user_id)
        .select_related("account", "programme", "territory")
        .order_by("-pk")
    )
    gifts = (
        list(
            GiftCard.objects.filter(buyer_email__iexact=email)
            .select_related("account", "shop", "territory")
            .order_by("-pk")
        )
        if email
        else []
    )
    cards: list[GiftCard | Voucher] = [*vouchers, *gifts]
    owned = [
        OwnedCard(
            card=card,
            kind="voucher" if isinstance(card, Voucher) else "gift_card",
            code_display=code_display(card.code),
            balance_cents=card.account.balance_cents,
            currency=card.account.currency,
            expires_at=card.expires_at,
            where=card.programme.name
            if isinstance(card, Voucher)
            else (card.shop.name if card.shop else ""),
        )
        for card in cards
        if card.account is not None
    ]
    by_account = {item.card.account_id: item for item in owned}
    if by_account:
        entries = (
            Entry.objects.filter(account_id__in=list(by_account))
            .select_related("transaction")
            .order_by("-pk")
        )
        for entry in entries:
            item = by_account[entry.account_id]
            if len(item.history) < history:
                item.history.append(entry)
    return owned


def public_card_balance(territory: Territory, code: object) -> CardBalance | None:
    """The balance page's answer: only a code of this territory; the same path otherwise."""
    card = card_by_code(code)
    if card is None or card.territory_id != territory.pk:
        return None
    assert card.account is not None
    shop = card.shop if isinstance(card, GiftCard) else None
    return CardBalance(
        code_display=code_display(card.code),
        kind="gift_card" if isinstance(card, GiftCard) else "voucher",
        balance_cents=card.account.balance_cents,
        currency=card.account.currency,
        expires_at=card.expires_at,
        shop_name=shop.name if shop else "",
    )


def card_shop_eligible(card: GiftCard | Voucher, shop: Shop) -> bool:
    """Whether ``shop`` takes this card: a gift card for one shop, or a programme's shops
    and categories (a rayon is eligible when it, or its family, is listed)."""
    return shop.pk in card_eligible_shop_ids(card, [shop])

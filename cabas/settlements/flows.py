"""Every movement of the territory's vouchers and gift cards, for a public accountant.

One row per movement of a code's balance (or of a programme's budget), taken from the
ledger: each row names its ledger transaction, so the export can be checked line by line
against ``ledger_check``. Kinds:
- ``funding``: the funder's budget of a programme is endowed;
- ``purchase``: the shopper's payment credited to a voucher or gift card;
- ``match``: the funder's top-up of a voucher (debit of the programme's budget);
- ``redemption``: a code spent in a shop (in store or online);
- ``refund``: a redemption or a purchase given back;
- ``expiry``: what was left on an expired code written off;
- ``other``: any other posting touching a code or a budget.
``amount_cents`` is the effect on the code's balance (on the budget for ``funding``):
positive adds, negative takes away.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from cabas.ledger.models import AccountKind, Entry, LedgerTransaction
from cabas.reports.selectors import Period
from cabas.shops.models import Shop
from cabas.territories.models import Territory
from cabas.vouchers.models import VoucherProgramme

from .selectors import SOURCE_VOUCHER, CardInfo, cards_by_account

FLOW_KINDS = ("funding", "purchase", "match", "redemption", "refund", "expiry", "other")
PURCHASE_KINDS = frozenset({"voucher_purchase", "gift_card_sale"})
CARD_KINDS = (AccountKind.GIFT_CARD, AccountKind.FUNDER_BUDGET)


@dataclass(frozen=True)
class VoucherFlow:
    transaction_id: int
    created_at: dt.datetime
    kind: str  # one of FLOW_KINDS
    ledger_kind: str
    reference: str
    amount_cents: int
    card: str  # "voucher", "gift_card" or "" (a programme's budget)
    programme: str
    code_last4: str
    shop_name: str
    shop_siret: str


def _flow_kind(ledger_kind: str) -> str | None:
    text = ledger_kind.lower()
    if "refund" in text or "reversal" in text:
        return "refund"
    if "expir" in text:
        return "expiry"
    if "funding" in text:
        return "funding"
    return None


def voucher_flows(territory: Territory, period: Period) -> Iterator[VoucherFlow]:
    """The period's movements of codes and budgets, oldest first (a fixed number of queries)."""
    touches = Entry.objects.filter(transaction_id=OuterRef("pk"), account__kind__in=CARD_KINDS)
    postings = list(
        LedgerTransaction.objects.filter(
            territory=territory,
            created_at__gte=period.starts_at,
            created_at__lt=period.ends_before,
        )
        .filter(Exists(touches))
        .order_by("created_at", "pk")
        .prefetch_related("entries__account")
    )
    legs = [entry for posting in postings for entry in posting.entries.all()]
    cards = cards_by_account(
        {e.account_id for e in legs if e.account.kind == AccountKind.GIFT_CARD}
    )
    shop_ids = {
        int(e.account.owner_ref.split(":", 1)[1])
        for e in legs
        if e.account.kind == AccountKind.MERCHANT_RECEIVABLE
        and e.account.owner_ref.startswith("shop:")
        and e.account.owner_ref[5:].isdigit()
    }
    shops = {
        shop.pk: shop
        for shop in Shop.objects.filter(territory=territory, pk__in=shop_ids).only("name", "siret")
    }
    programme_ids = {
        int(e.account.owner_ref.split(":", 1)[1])
        for e in legs
        if e.account.kind == AccountKind.FUNDER_BUDGET
        and e.account.owner_ref.startswith("programme:")
        and e.account.owner_ref[10:].isdigit()
    }
    programmes = dict(
        VoucherProgramme.objects.filter(territory=territory, pk__in=programme_ids).values_list(
            "pk", "name"
        )
    )

    for posting in postings:
        entries = list(posting.entries.all())
        card_legs = [e for e in entries if e.account.kind == AccountKind.GIFT_CARD]
        funder_legs = [e for e in entries if e.account.kind == AccountKind.FUNDER_BUDGET]
        shop = next(
            (
                shops.get(int(e.account.owner_ref[5:]))
                for e in entries
                if e.account.kind == AccountKind.MERCHANT_RECEIVABLE
                and e.account.owner_ref.startswith("shop:")
                and e.account.owner_ref[5:].isdigit()
            ),
            None,
        )
        row = _RowMaker(posting, shop, cards)
        named = _flow_kind(posting.kind)
        if posting.kind in PURCHASE_KINDS and named is None:
            match = -sum(e.amount_cents for e in funder_legs)
            for leg in card_legs:
                if leg.amount_cents - match:
                    yield row("purchase", leg.amount_cents - match, leg.account_id)
                if match:
                    yield row("match", match, leg.account_id)
                match = 0  # one card per purchase; a second card would take no match
            continue
        if named == "funding":
            for leg in funder_legs:
                yield row("funding", leg.amount_cents, programme=_programme(leg, programmes))
            continue
        if named is None and shop is not None and card_legs:
            named = "redemption"
        for leg in card_legs:
            yield row(named or "other", leg.amount_cents, leg.account_id)
        for leg in funder_legs:
            yield row(named or "other", leg.amount_cents, programme=_programme(leg, programmes))


def _programme(entry: Entry, programmes: dict[int, str]) -> str:
    owner = entry.account.owner_ref
    return programmes.get(int(owner[10:]), "") if owner[10:].isdigit() else ""


class _RowMaker:
    """Rows of one posting: the transaction's and the shop's columns filled once."""

    def __init__(
        self, posting: LedgerTransaction, shop: Shop | None, cards: dict[int, CardInfo]
    ) -> None:
        self.posting, self.shop, self.cards = posting, shop, cards

    def __call__(
        self, kind: str, amount: int, account_id: int | None = None, programme: str = ""
    ) -> VoucherFlow:
        info = self.cards.get(account_id) if account_id is not None else None
        card = ""
        if info is not None:
            card = "voucher" if info.source == SOURCE_VOUCHER else "gift_card"
            programme = info.programme
        shop = self.shop
        return VoucherFlow(
            transaction_id=self.posting.pk,
            created_at=self.posting.created_at,
            kind=kind,
            ledger_kind=self.posting.kind,
            reference=self.posting.reference,
            amount_cents=amount,
            card=card,
            programme=programme,
            code_last4=info.code_last4 if info else "",
            shop_name=shop.name if shop else "",
            shop_siret=(shop.siret or "") if shop else "",
        )

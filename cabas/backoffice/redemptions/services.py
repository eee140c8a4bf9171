"""Spending a voucher or gift card at the shop's till, from the back office or the API.

Both doors call :func:`in_store_redeem`, which names the redemption the same way
(``instore:<shop id>``) and puts the caller's idempotency key in the shop's namespace:
the same key sent by the web form and by the API is one debit, and two shops' keys
never collide. The debit itself, its balance check on the locked account and its
exactly-once replay are ``vouchers.services.voucher_redeem``'s (ledger invariants).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from cabas.ledger.models import LedgerTransaction
from cabas.shops.models import Shop
from cabas.vouchers.errors import VoucherError
from cabas.vouchers.services import voucher_redeem

MAX_KEY_LENGTH = 100


@dataclass(frozen=True)
class RedeemResult:
    transaction: LedgerTransaction
    replayed: bool


def in_store_reference(shop: Shop) -> str:
    return f"instore:{shop.pk}"


def _ledger_key(shop: Shop, key: str) -> str:
    return f"shop:{shop.pk}:{key}"


def in_store_redeem(
    *,
    shop: Shop,
    code: str,
    amount_cents: int,
    idempotency_key: str,
    now: dt.datetime | None = None,
    actor_id: int | None = None,
    actor_label: str = "",
) -> RedeemResult:
    """Debit ``amount_cents`` from the code to the shop's receivable, once per key.

    Raises ``VoucherError`` (nothing written) for a bad key, amount or code, a foreign
    territory, an ineligible shop, an expired, exhausted or short code. The cashier
    (``actor_id`` for a signed-in user, ``actor_label`` their name or the API token's)
    is kept on the ledger transaction and shown on the receipt and the statement.
    """
    key = idempotency_key.strip() if isinstance(idempotency_key, str) else ""
    if not key:
        raise VoucherError(
            "invalid_idempotency_key", _("Une clé d'idempotence est requise."), status=400
        )
    if len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise VoucherError(
            "invalid_idempotency_key",
            _("La clé d'idempotence compte au plus %(max)s caractères imprimables.")
            % {"max": MAX_KEY_LENGTH},
            status=400,
        )
    ledger_key = _ledger_key(shop, key)
    # Only tells the caller it was a replay; the debit's exactly-once is the ledger's.
    seen = LedgerTransaction.objects.filter(
        territory_id=shop.territory_id, idempotency_key=f"voucher_redeem:{ledger_key}"
    ).exists()
    posting = voucher_redeem(
        code=code,
        shop=shop,
        amount_cents=amount_cents,
        reference=in_store_reference(shop),
        idempotency_key=ledger_key,
        now=now,
        actor_id=actor_id,
        actor_label=actor_label,
    )
    return RedeemResult(transaction=posting, replayed=seen)


def cashier_label_for_user(user: object) -> str:
    """The name a signed-in cashier is shown under: full name, else e-mail."""
    full = getattr(user, "get_full_name", lambda: "")() or ""
    return (full.strip() or str(getattr(user, "email", "") or ""))[:120]


def cashier_label_for_token(name: str) -> str:
    """An API till is named after its token (« API · Caisse 1 »)."""
    return f"API · {name}"[:120]

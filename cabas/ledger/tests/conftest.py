import pytest

from cabas.factories import TerritoryFactory
from cabas.ledger.models import Account, AccountKind, Entry, LedgerTransaction
from cabas.ledger.services import account_open, ledger_post


def fund(territory, account: Account, cents: int) -> LedgerTransaction:
    """Cash in: the territory's external account pays ``cents`` into ``account``."""
    cash = account_open(territory=territory, kind=AccountKind.EXTERNAL, owner_ref="cash")
    return ledger_post(
        territory=territory,
        kind="cash_in",
        entries=[(cash, -cents), (account, cents)],
        reference=f"fund:{account.pk}",
    )


def ledger_snapshot() -> tuple:
    """Everything a refused posting must leave untouched."""
    return (
        LedgerTransaction.objects.count(),
        Entry.objects.count(),
        sorted(Account.objects.values_list("pk", "balance_cents")),
    )


@pytest.fixture
def accounts(territory):
    """A wallet holding 50 €, an empty merchant receivable and gift card, and the cash account."""
    wallet = account_open(territory=territory, kind=AccountKind.SHOPPER_WALLET, owner_ref="user:1")
    merchant = account_open(
        territory=territory, kind=AccountKind.MERCHANT_RECEIVABLE, owner_ref="shop:1"
    )
    gift = account_open(territory=territory, kind=AccountKind.GIFT_CARD, owner_ref="giftcard:1")
    fund(territory, wallet, 5000)
    cash = account_open(territory=territory, kind=AccountKind.EXTERNAL, owner_ref="cash")
    for account in (wallet, merchant, gift, cash):
        account.refresh_from_db()
    return {"wallet": wallet, "merchant": merchant, "gift": gift, "cash": cash}


@pytest.fixture
def other_territory(db):
    return TerritoryFactory(slug="ailleurs", name="Ailleurs")

"""Random sequences of postings, some refused, against a plain-Python model of the ledger."""

from collections import defaultdict
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cabas.ledger.errors import LedgerError
from cabas.ledger.models import Account, AccountKind, Entry, LedgerTransaction
from cabas.ledger.selectors import account_balance, ledger_reconcile
from cabas.ledger.services import account_open, ledger_post

pytestmark = pytest.mark.django_db

KINDS = [
    (AccountKind.EXTERNAL, "cash"),
    (AccountKind.FUNDER_BUDGET, "programme:1"),
    (AccountKind.SHOPPER_WALLET, "user:1"),
    (AccountKind.SHOPPER_WALLET, "user:2"),
    (AccountKind.GIFT_CARD, "giftcard:1"),
    (AccountKind.MERCHANT_RECEIVABLE, "shop:1"),
    (AccountKind.PLATFORM_COMMISSION, ""),
]

posting = st.tuples(
    st.integers(0, len(KINDS) - 1),  # the account paying
    st.lists(  # the accounts paid (0 cents is a bad input)
        st.tuples(st.integers(0, len(KINDS) - 1), st.integers(0, 6000)), min_size=1, max_size=3
    ),
    st.one_of(st.none(), st.sampled_from(["k1", "k2", "k3"])),
)
step = st.one_of(posting, st.integers(0, 30))  # an int replays an earlier step's posting


def expected_outcome(legs, key, balances, seen, allow_negative):
    if any(amount == 0 for _i, amount in legs):
        return "invalid_amount"
    if len({i for i, _a in legs}) < 2:
        return "too_few_entries"
    if key is not None and key in seen:
        return "replay" if seen[key] == sorted(legs) else "idempotency_conflict"
    net = defaultdict(int)
    for i, amount in legs:
        net[i] += amount
    if any(not allow_negative[i] and balances[i] + d < 0 for i, d in net.items()):
        return "insufficient_funds"
    return "posted"


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(step, min_size=1, max_size=12))
def test_random_postings_keep_every_ledger_invariant(territory, steps):
    with transaction.atomic():
        accounts = [account_open(territory=territory, kind=k, owner_ref=o) for k, o in KINDS]
        allow_negative = [a.allow_negative for a in accounts]
        balances = [0] * len(accounts)
        seen: dict[str, list] = {}
        done: list = []
        for item in steps:
            if isinstance(item, int):
                if not done:
                    continue
                item = done[item % len(done)]
            done.append(item)
            payer, paid, key = item
            legs = [(payer, -sum(a for _i, a in paid)), *paid]
            expected = expected_outcome(legs, key, balances, seen, allow_negative)
            before = LedgerTransaction.objects.count()
            try:
                ledger_post(
                    territory=territory,
                    kind="transfer",
                    entries=[(accounts[i], amount) for i, amount in legs],
                    reference="property",
                    idempotency_key=key,
                )
                outcome = "replay" if LedgerTransaction.objects.count() == before else "posted"
            except LedgerError as error:
                outcome = error.code
            assert outcome == expected, (legs, key)
            if outcome == "posted":
                for i, amount in legs:
                    balances[i] += amount
                if key is not None:
                    seen[key] = sorted(legs)
            # Invariants after every step
            stored = dict(
                Account.objects.filter(territory=territory).values_list("pk", "balance_cents")
            )
            assert [stored[a.pk] for a in accounts] == balances
            assert [account_balance(a) for a in accounts] == balances
            assert all(b >= 0 for b, neg in zip(balances, allow_negative, strict=True) if not neg)
            assert not ledger_reconcile(territory).discrepancies
        assert Entry.objects.filter(territory=territory).count() >= 2 * len(
            [k for k in seen.values() if k]
        )
        call_command("ledger_check", stdout=StringIO())
        transaction.set_rollback(True)

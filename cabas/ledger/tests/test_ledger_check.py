import pytest
from django.core.management import CommandError, call_command

from cabas.ledger.models import Account, AccountKind, Entry
from cabas.ledger.selectors import ledger_reconcile
from cabas.ledger.services import account_open, ledger_post

pytestmark = pytest.mark.django_db


def check() -> tuple[str, str]:
    from io import StringIO

    out, err = StringIO(), StringIO()
    call_command("ledger_check", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def failing_check() -> str:
    from io import StringIO

    err = StringIO()
    with pytest.raises(CommandError) as error:
        call_command("ledger_check", stdout=StringIO(), stderr=err)
    return f"{error.value}\n{err.getvalue()}"


def test_ledger_check_passes_on_a_healthy_ledger(territory, accounts):
    ledger_post(
        territory=territory,
        kind="purchase",
        entries=[(accounts["wallet"], -1000), (accounts["merchant"], 1000)],
        reference="order:1",
    )
    out, err = check()
    assert "Grand livre cohérent" in out
    assert "Comptes : 4" in out
    assert err == ""


def test_ledger_check_names_a_balance_changed_behind_the_service(territory, accounts):
    Account.objects.filter(pk=accounts["wallet"].pk).update(balance_cents=4900)
    message = failing_check()
    assert "[balance_mismatch]" in message
    assert f"compte {accounts['wallet'].pk}" in message
    assert "4900" in message and "5000" in message


def test_ledger_check_names_a_tampered_entry(territory, accounts):
    entry = Entry.objects.get(account=accounts["wallet"])
    Entry.objects.filter(pk=entry.pk).update(amount_cents=6000)
    message = failing_check()
    assert f"[unbalanced_transaction] écriture {entry.transaction_id}" in message
    assert f"[balance_mismatch] compte {accounts['wallet'].pk}" in message
    assert "1 incohérence" not in message  # both problems are reported


def test_ledger_check_detects_an_entry_moved_to_another_territory(
    territory, other_territory, accounts
):
    Entry.objects.filter(account=accounts["wallet"]).update(territory=other_territory)
    report = ledger_reconcile()
    assert [d.code for d in report.discrepancies] == ["foreign_entry"]


def test_ledger_check_detects_a_negative_recomputed_balance(territory, accounts):
    gift = account_open(territory=territory, kind=AccountKind.GIFT_CARD, owner_ref="g2")
    Entry.objects.create(
        territory=territory,
        transaction=Entry.objects.first().transaction,
        account=gift,
        amount_cents=-10,
    )
    codes = {d.code for d in ledger_reconcile().discrepancies}
    assert codes == {"balance_mismatch", "negative_balance", "unbalanced_transaction"}


def test_ledger_check_can_be_scoped_to_a_territory(territory, other_territory, accounts):
    Account.objects.filter(pk=accounts["wallet"].pk).update(balance_cents=1)
    call_command("ledger_check", "--territory", other_territory.slug, stdout=None)
    assert not ledger_reconcile(other_territory).discrepancies
    with pytest.raises(CommandError):
        call_command("ledger_check", "--territory", "nulle-part")

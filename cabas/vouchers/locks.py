"""The only place voucher rows are locked."""

from __future__ import annotations

from cabas.accounts.models import User

from .models import ProgrammeHousehold, ProgrammeParticipant, VoucherProgramme


def lock_participant(*, programme: VoucherProgramme, user: User) -> ProgrammeParticipant:
    """The person's row for the programme, created if needed, locked ``FOR UPDATE``.

    Taken before the ledger accounts (always this order, so purchases never deadlock).
    On SQLite the caller's ``BEGIN IMMEDIATE`` transaction already serialises writers.
    Must run inside ``transaction.atomic``.
    """
    ProgrammeParticipant.objects.get_or_create(programme=programme, user=user)
    return ProgrammeParticipant.objects.select_for_update().get(programme=programme, user=user)


def lock_programme(*, territory_id: int, programme_id: int) -> VoucherProgramme | None:
    """The territory's programme row locked ``FOR UPDATE``, or ``None`` if it has no such id.

    Taken before any ledger account (top-ups, edits and status moves). It is a
    ``FOR NO KEY UPDATE`` lock: a purchase's deferred foreign-key check takes a key-share
    lock on this row at commit, after its ledger accounts, and a plain ``FOR UPDATE``
    here would deadlock with it (found by the concurrent top-up test on PostgreSQL).
    Must run inside ``transaction.atomic``.
    """
    return (
        VoucherProgramme.objects.select_for_update(no_key=True)
        .filter(territory_id=territory_id, pk=programme_id)
        .first()
    )


def lock_programme_household(*, programme: VoucherProgramme, key: str) -> ProgrammeHousehold:
    """The household's row for the programme, created if needed, locked ``FOR UPDATE``.

    Taken after the participant's row and before the ledger accounts (always this
    order). Two people of one household buying at once queue on this row, so the
    household cap holds. Must run inside ``transaction.atomic``.
    """
    ProgrammeHousehold.objects.get_or_create(
        programme=programme, household_key=key, defaults={"territory_id": programme.territory_id}
    )
    return ProgrammeHousehold.objects.select_for_update().get(
        programme=programme, household_key=key
    )

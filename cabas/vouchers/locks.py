"""The only place voucher rows are locked."""

from __future__ import annotations

from cabas.accounts.models import User

from .models import ProgrammeParticipant, VoucherProgramme


def lock_participant(*, programme: VoucherProgramme, user: User) -> ProgrammeParticipant:
    """The person's row for the programme, created if needed, locked ``FOR UPDATE``.

    Taken before the ledger accounts (always this order, so purchases never deadlock).
    On SQLite the caller's ``BEGIN IMMEDIATE`` transaction already serialises writers.
    Must run inside ``transaction.atomic``.
    """
    ProgrammeParticipant.objects.get_or_create(programme=programme, user=user)
    return ProgrammeParticipant.objects.select_for_update().get(programme=programme, user=user)

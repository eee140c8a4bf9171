"""Recompute every balance and transaction sum from the entries; fail on any mismatch."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from cabas.ledger.selectors import ledger_reconcile
from cabas.territories.models import Territory


class Command(BaseCommand):
    help = "Vérifie le grand livre : sommes des écritures, soldes recalculés depuis les lignes."

    def add_arguments(self, parser):
        parser.add_argument("--territory", help="Slug du territoire (tous par défaut).")

    def handle(self, *args, territory=None, **options):
        scope = None
        if territory:
            scope = Territory.objects.filter(slug=territory).first()
            if scope is None:
                raise CommandError(f"Territoire inconnu : {territory}")
        report = ledger_reconcile(scope)
        self.stdout.write(
            f"Comptes : {report.accounts} · écritures : {report.transactions} · "
            f"lignes : {report.entries}"
        )
        if report.ok:
            self.stdout.write(self.style.SUCCESS("Grand livre cohérent."))
            return
        for problem in report.discrepancies:
            self.stderr.write(f"[{problem.code}] {problem.detail}")
        raise CommandError(f"{len(report.discrepancies)} incohérence(s) dans le grand livre.")

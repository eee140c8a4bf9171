"""``manage.py purge_inactive_accounts [--days N] [--dry-run]``: warn, then erase.

The worker runs the same purge daily (``privacy.purge_inactive_accounts``); this command
is for a cron-driven set-up, or to see what the next run would do (``--dry-run``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cabas.privacy.errors import PrivacyError
from cabas.privacy.services import inactive_accounts_purge


class Command(BaseCommand):
    help = "Warn inactive shopper accounts by e-mail, then erase them after the notice period."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.PRIVACY_INACTIVE_ACCOUNT_DAYS,
            help="Days without log-in or order after which an account is erased "
            "(default: PRIVACY_INACTIVE_ACCOUNT_DAYS).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Report only, write nothing.")

    def handle(self, *args, days: int, dry_run: bool, **options):
        try:
            report = inactive_accounts_purge(days=days, dry_run=dry_run)
        except PrivacyError as error:
            raise CommandError(error.message) from error
        prefix = "[dry run] " if dry_run else ""
        self.stdout.write(
            f"{prefix}{len(report.warned)} account(s) warned, {len(report.erased)} erased, "
            f"{len(report.skipped)} skipped."
        )
        for user_id, code in sorted(report.skipped.items()):
            self.stdout.write(f"{prefix}skipped user {user_id}: {code}")

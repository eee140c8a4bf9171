"""``manage.py webpush_keys [--contact mailto:…]``: print a new VAPID key pair for web push.

The lines go into the environment file (``deploy/cabas.env.example``). Changing the keys
later voids every browser subscription made with the old public key: browsers must
subscribe again.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cabas.habits.vapid import CONTACT, vapid_keys_generate


class Command(BaseCommand):
    help = "Generate a VAPID key pair for web push and print the environment lines to paste."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--contact",
            default="mailto:admin@example.org",
            help="How push services reach the operator: mailto:address or an https: URL.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        contact = options["contact"].strip()
        if not CONTACT.match(contact):
            raise CommandError("--contact must be mailto:address or an https:// URL.")
        private_key, public_key = vapid_keys_generate()
        self.stdout.write(f"WEBPUSH_VAPID_PRIVATE_KEY={private_key}")
        self.stdout.write(f"WEBPUSH_VAPID_PUBLIC_KEY={public_key}")
        self.stdout.write(f"WEBPUSH_CONTACT={contact}")

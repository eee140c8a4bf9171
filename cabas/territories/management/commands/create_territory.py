"""``manage.py create_territory --slug S --name N --centre LAT,LON``: a new territory, ready.

It comes with its default content pages and, with ``--operator``, its operators; a
mistake (slug taken or reserved, negative commission, bad colour…) stops with a
French message and saves nothing.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cabas.territories.errors import TerritoryError
from cabas.territories.services import NewTerritory, parse_centre, territory_create


class Command(BaseCommand):
    help = "Crée un territoire (pages par défaut, opérateurs) ; rien n'est écrit en cas d'erreur."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--slug", required=True, help="identifiant dans les adresses")
        parser.add_argument("--name", required=True, help="nom affiché")
        parser.add_argument("--centre", required=True, help="LATITUDE,LONGITUDE")
        parser.add_argument("--timezone", default="Europe/Paris")
        parser.add_argument("--currency", default="EUR")
        parser.add_argument("--commission-bp", type=int, default=0, help="100 = 1 %%")
        parser.add_argument("--colour", default="#1d5e3a", help="couleur principale #RRGGBB")
        parser.add_argument("--operator-name", default="", help="organisme exploitant")
        parser.add_argument("--contact-email", default="")
        parser.add_argument(
            "--operator",
            action="append",
            default=[],
            metavar="EMAIL",
            help="compte existant à nommer opérateur (répétable)",
        )

    def handle(self, *args, **options) -> None:
        try:
            lat, lon = parse_centre(options["centre"])
            territory = territory_create(
                data=NewTerritory(
                    slug=options["slug"],
                    name=options["name"],
                    centre_lat=lat,
                    centre_lon=lon,
                    timezone=options["timezone"],
                    currency=options["currency"],
                    commission_bp=options["commission_bp"],
                    primary_colour=options["colour"],
                    operator_name=options["operator_name"],
                    contact_email=options["contact_email"],
                ),
                actor=None,
                operator_emails=options["operator"],
                actor_label="commande create_territory",
            )
        except TerritoryError as error:
            raise CommandError(error.message) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Territoire « {territory.name} » créé : /{territory.slug}/ "
                f"(console : /{territory.slug}/console/)."
            )
        )

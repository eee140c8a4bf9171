"""``manage.py create_api_token --shop SLUG`` or ``--territory SLUG``: print a new token once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cabas.apitokens.services import api_token_create
from cabas.shops.models import Shop
from cabas.territories.models import Territory


class Command(BaseCommand):
    help = (
        "Create an API token for a shop (merchant token) or a territory (operator token) "
        "and print it once on standard output."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--shop", help="Slug of the shop (merchant token).")
        parser.add_argument(
            "--territory",
            help="Slug of the territory: operator token, or the shop's territory with --shop.",
        )
        parser.add_argument("--name", default="", help="A name to recognise the token by.")

    def handle(self, *args: Any, **options: Any) -> None:
        shop_slug, territory_slug = options["shop"], options["territory"]
        if not shop_slug and not territory_slug:
            raise CommandError("Give --shop SLUG (merchant token) or --territory SLUG.")
        shop = None
        if shop_slug:
            shops = Shop.objects.select_related("territory").filter(slug=shop_slug)
            if territory_slug:
                shops = shops.filter(territory__slug=territory_slug)
            found = list(shops[:2])
            if not found:
                raise CommandError(f"No shop with the slug {shop_slug!r}.")
            if len(found) > 1:
                raise CommandError(
                    f"Several territories have a shop {shop_slug!r}: add --territory SLUG."
                )
            shop = found[0]
            territory = shop.territory
        else:
            found_territory = Territory.objects.filter(slug=territory_slug).first()
            if found_territory is None:
                raise CommandError(f"No territory with the slug {territory_slug!r}.")
            territory = found_territory
        name = options["name"] or ("command line" if shop else "operator (command line)")
        token, raw = api_token_create(territory=territory, shop=shop, name=name)
        scope = f"shop {shop.slug}" if shop else f"territory {territory.slug}"
        self.stderr.write(
            f"Token {token.prefix}… created for {scope}. It is shown once: store it now."
        )
        self.stdout.write(raw)

"""``manage.py rebuild_search_index [--territory SLUG]``: rebuild the search index."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from cabas.search.services import search_index_rebuild, search_index_size_bytes
from cabas.territories.models import Territory


class Command(BaseCommand):
    help = "Reconstruit l'index de recherche (documents produits et vocabulaire)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--territory",
            action="append",
            default=[],
            metavar="SLUG",
            help="Territoire à réindexer (répétable) ; par défaut tous.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        slugs: list[str] = options["territory"]
        territories = list(Territory.objects.order_by("slug"))
        if slugs:
            missing = sorted(set(slugs) - {t.slug for t in territories})
            if missing:
                raise CommandError(f"Territoire inconnu : {', '.join(missing)}")
            territories = [t for t in territories if t.slug in slugs]
        started = time.perf_counter()
        for territory in territories:
            with tqdm(
                desc=territory.slug,
                unit=" produits",
                file=self.stderr,
                disable=options["verbosity"] == 0,
            ) as bar:

                def advance(done: int, total: int, bar: tqdm = bar) -> None:
                    bar.total = total
                    bar.update(done - bar.n)

                stats = search_index_rebuild(territory=territory, progress=advance)
            self.stdout.write(
                f"{territory.slug} : {stats.documents} produits indexés, "
                f"{stats.terms} mots dans le vocabulaire."
            )
        size = search_index_size_bytes()
        self.stdout.write(
            f"Index reconstruit en {time.perf_counter() - started:.1f} s "
            f"(index plein texte : {size / 1_048_576:.1f} Mo)."
        )

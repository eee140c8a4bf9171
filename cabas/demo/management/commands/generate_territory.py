"""``manage.py generate_territory``: a deterministic synthetic territory for benchmarks."""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from cabas.demo.errors import DemoDataError
from cabas.demo.synthetic import SyntheticSpec, TerritoryExists, territory_generate
from cabas.geo.distance import Point
from cabas.ops.statistics import tables_analyze
from cabas.territories.models import RESERVED_SLUGS

PARIS = "48.8566,2.3522"


def _centre(value: str) -> Point:
    try:
        lat, lon = (float(part) for part in value.split(","))
    except ValueError:
        raise CommandError(f"--centre attend « LAT,LON », pas « {value} ».") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise CommandError(f"--centre hors limites : « {value} ».")
    return Point(lat, lon)


class Command(BaseCommand):
    help = (
        "Crée un territoire synthétique déterministe (mêmes arguments, mêmes données) "
        "pour les mesures de performance."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--slug", required=True, help="Identifiant du territoire.")
        parser.add_argument("--shops", type=int, required=True, help="Nombre de commerces.")
        parser.add_argument(
            "--offers-per-shop", type=int, required=True, help="Offres par commerce."
        )
        parser.add_argument("--seed", type=int, default=0, help="Graine (défaut 0).")
        parser.add_argument(
            "--centre", default=PARIS, help=f"Centre « LAT,LON » (défaut Paris, {PARIS})."
        )
        parser.add_argument("--radius-km", type=float, default=6.0, help="Rayon en km (défaut 6).")
        parser.add_argument("--name", default="", help="Nom affiché du territoire.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Remplace un territoire synthétique existant de même identifiant.",
        )
        parser.add_argument("--data-dir", type=Path, default=None)

    def handle(self, *args, **options) -> None:
        slug = options["slug"]
        if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug) or slug in RESERVED_SLUGS:
            raise CommandError(f"Identifiant « {slug} » invalide ou réservé.")
        if options["shops"] < 1 or options["offers_per_shop"] < 0:
            raise CommandError("--shops doit être ≥ 1 et --offers-per-shop ≥ 0.")
        if options["radius_km"] <= 0:
            raise CommandError("--radius-km doit être positif.")
        spec = SyntheticSpec(
            slug=slug,
            shops=options["shops"],
            offers_per_shop=options["offers_per_shop"],
            seed=options["seed"],
            centre=_centre(options["centre"]),
            radius_km=options["radius_km"],
            name=options["name"],
        )
        started = time.monotonic()

        def progress(shops):
            return tqdm(shops, desc="Offres", unit=" commerces", file=sys.stderr, leave=False)

        try:
            counts = territory_generate(
                spec=spec,
                data_dir=Path(options["data_dir"] or settings.DATA_DIR),
                replace=options["replace"],
                progress=progress if options["verbosity"] >= 1 else None,
            )
        except (TerritoryExists, DemoDataError) as error:
            raise CommandError(str(error)) from error
        if counts.skipped:
            self.stdout.write(f"{slug} : déjà généré avec ces paramètres, rien à faire.")
            return
        tables_analyze()
        verb = "remplacé" if counts.replaced else "créé"
        self.stdout.write(
            f"{slug} {verb} : {counts.shops} commerces, {counts.products} produits, "
            f"{counts.offers} offres en {time.monotonic() - started:.1f} s."
        )
        if counts.short_shops:
            self.stdout.write(
                f"{counts.short_shops} commerces ont moins de {spec.offers_per_shop} offres : "
                "leur rayon n'a pas assez de produits distincts."
            )

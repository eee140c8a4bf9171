"""``manage.py load_demo``: the demo territories from the open data in ``data/``."""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cabas.catalog.models import Offer, Product
from cabas.demo.errors import DemoDataError
from cabas.demo.loader import StepReport, demo_load
from cabas.shops.models import Shop


class Command(BaseCommand):
    help = (
        "Charge les territoires de démonstration (paris, grenoble) depuis les données "
        "ouvertes du dossier data/. Idempotent : une seconde exécution ne charge rien."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=None,
            help="Dossier des fichiers CSV (par défaut settings.DATA_DIR).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Recharge même si les fichiers n'ont pas changé (sans rien dupliquer).",
        )

    def handle(self, *args, **options) -> None:
        data_dir = Path(options["data_dir"] or settings.DATA_DIR)
        started = time.monotonic()
        try:
            reports = demo_load(data_dir=data_dir, force=options["force"])
        except DemoDataError as error:
            raise CommandError(str(error)) from error
        for report in reports:
            self.stdout.write(self._line(report))
        self.stdout.write(f"Terminé en {time.monotonic() - started:.1f} s.")

    def _line(self, report: StepReport) -> str:
        if report.key == "taxonomy":
            return f"Rayons : {report.counts['written']} créés ou mis à jour."
        if report.skipped:
            return f"{report.key} : inchangé, rien à charger."
        if report.key == "postal-codes":
            return f"Codes postaux : {report.counts['added']} ajoutés ({report.seconds:.1f} s)."
        slug = report.key.removeprefix("territory-")
        counts = report.counts
        shops, products, offers = (counts[name] for name in ("shops", "products", "offers"))
        total_shops = Shop.objects.filter(territory__slug=slug).count()
        total_products = Product.objects.filter(territory__slug=slug).count()
        total_offers = Offer.objects.filter(territory__slug=slug).count()
        return (
            f"{slug} : {total_shops} commerces ({shops['created']} créés, "
            f"{shops['updated']} mis à jour, {shops['withdrawn']} suspendus, "
            f"{counts['skipped_rows']} lignes ignorées), "
            f"{total_products} produits ({products['created']} créés, "
            f"{products['withdrawn']} supprimés), "
            f"{total_offers} offres ({offers['created']} créées, {offers['updated']} mises à "
            f"jour, {offers['withdrawn']} retirées) en {report.seconds:.1f} s."
        )

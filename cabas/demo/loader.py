"""``load_demo``: the taxonomy, La Poste's postal codes, then each demo territory.

Each step is skipped when the fingerprint of its input files (and of this loader's
version and vocabularies) matches the one recorded by the last load, so a second run
is quick and writes nothing. ``force`` reruns every step; the upserts keyed on natural
keys still duplicate nothing. Each territory is written in one transaction: a bad file
leaves it as it was.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from cabas.catalog.services import taxonomy_sync
from cabas.catalog.taxonomy import TREE
from cabas.demo.postal_codes import postal_codes_load
from cabas.ops.statistics import tables_analyze
from cabas.territories.models import Territory

from .catalogue_fr import VOCABULARY
from .grenoble import grenoble_files, grenoble_load
from .models import DemoDataset
from .opening import TYPICAL_HOURS
from .paris import paris_files, paris_load
from .sources import fingerprint
from .writer import TerritoryCounts

# Bump when the loaders change what they write from the same files.
LOADER_VERSION = "4"
POSTAL_CODES_FILE = "fr_postal_codes_laposte.csv"
POSTAL_CODES_KEY = "postal-codes"


@dataclass
class StepReport:
    key: str
    skipped: bool
    seconds: float
    counts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TerritoryLoader:
    slug: str
    files: Callable[[Path], list[Path]]
    load: Callable[..., TerritoryCounts]


TERRITORIES = (
    TerritoryLoader("paris", paris_files, paris_load),
    TerritoryLoader(
        "grenoble",
        # Postcodes missing from OSM come from La Poste: its file is an input too.
        lambda data_dir: [*grenoble_files(data_dir), data_dir / POSTAL_CODES_FILE],
        grenoble_load,
    ),
)


def _recorded(key: str, digest: str) -> bool:
    return DemoDataset.objects.filter(key=key, fingerprint=digest).exists()


def _postal_codes_step(data_dir: Path, force: bool) -> StepReport:
    started = time.monotonic()
    path = data_dir / POSTAL_CODES_FILE
    digest = fingerprint([path], LOADER_VERSION)
    if not force and _recorded(POSTAL_CODES_KEY, digest):
        return StepReport(POSTAL_CODES_KEY, True, time.monotonic() - started)
    with transaction.atomic():
        added = postal_codes_load(path=path)
        DemoDataset.objects.update_or_create(
            key=POSTAL_CODES_KEY,
            defaults={"fingerprint": digest, "territory": None, "counts": {"added": added}},
        )
    return StepReport(POSTAL_CODES_KEY, False, time.monotonic() - started, {"added": added})


def _territory_step(loader: TerritoryLoader, data_dir: Path, force: bool) -> StepReport:
    started = time.monotonic()
    key = f"territory-{loader.slug}"
    digest = fingerprint(
        loader.files(data_dir), LOADER_VERSION, repr(TREE), repr(VOCABULARY), repr(TYPICAL_HOURS)
    )
    # The record cascades with its territory: a deleted territory is loaded again.
    if not force and _recorded(key, digest):
        return StepReport(key, True, time.monotonic() - started)
    with transaction.atomic():
        counts = loader.load(data_dir=data_dir).as_dict()
        DemoDataset.objects.update_or_create(
            key=key,
            defaults={
                "fingerprint": digest,
                "territory": Territory.objects.get(slug=loader.slug),
                "counts": counts,
            },
        )
    return StepReport(key, False, time.monotonic() - started, counts)


def demo_load(*, data_dir: Path, force: bool = False) -> list[StepReport]:
    """Load every demo dataset from ``data_dir``; raises DemoDataError on a bad file."""
    started = time.monotonic()
    changed = taxonomy_sync()
    reports = [StepReport("taxonomy", changed == 0, time.monotonic() - started)]
    reports[0].counts = {"written": changed}
    reports.append(_postal_codes_step(data_dir, force))
    reports.extend(_territory_step(loader, data_dir, force) for loader in TERRITORIES)
    if not all(report.skipped for report in reports[1:]):
        tables_analyze()
    return reports

"""La Poste's postal code base loaded into the geographic reference table."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from cabas.geo.models import PostalCode

from .sources import read_csv

POSTAL_CODE_COLUMNS = (
    "code_commune_insee",
    "nom_commune",
    "code_postal",
    "ligne_5",
    "latitude",
    "longitude",
)
BATCH_SIZE = 2000


@transaction.atomic
def postal_codes_load(*, path: Path) -> int:
    """Load La Poste's postal code base (CSV) into ``PostalCode``; returns the rows added.

    Idempotent: a row is keyed by (code, INSEE code, locality), the table's unique key,
    and rows already present are skipped, so a second load adds 0. The whole file is
    checked before anything is written: a malformed line raises DemoDataError and the
    table is left as it was.
    """
    rows: dict[tuple[str, str, str], PostalCode] = {}
    for record in read_csv(path, POSTAL_CODE_COLUMNS):
        code = record.text("code_postal")
        insee = record.text("code_commune_insee")
        if not (len(code) == 5 and code.isdigit()):
            raise record.error(f"code postal invalide « {code} »")
        if not (len(insee) == 5 and insee[:2].isalnum()):
            raise record.error(f"code INSEE invalide « {insee} »")
        key = (code, insee, record.text("ligne_5")[:80])
        # La Poste lists a few pairs twice (two delivery labels): the first one counts.
        rows.setdefault(
            key,
            PostalCode(
                code=code,
                insee_code=insee,
                commune=record.text("nom_commune")[:80],
                locality=key[2],
                lat=record.coordinate("latitude", "latitude", -90, 90),
                lon=record.coordinate("longitude", "longitude", -180, 180),
            ),
        )
    present = set(PostalCode.objects.values_list("code", "insee_code", "locality"))
    missing = [row for key, row in rows.items() if key not in present]
    PostalCode.objects.bulk_create(missing, batch_size=BATCH_SIZE)
    return len(missing)

"""Reading the demo CSV files: header checks, typed fields with line numbers, fingerprints."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import DemoDataError


@dataclass(frozen=True)
class Record:
    """One CSV record and the line it starts on (the header is line 1)."""

    path: Path
    line: int
    values: dict[str, str]

    def text(self, column: str) -> str:
        return self.values[column].strip()

    def error(self, message: str) -> DemoDataError:
        return DemoDataError(self.path, message, line=self.line)

    def coordinate(self, column: str, label: str, low: float, high: float) -> float:
        raw = self.text(column)
        try:
            value = float(raw)
        except ValueError:
            raise self.error(f"{label} invalide « {raw} »") from None
        if not low <= value <= high:
            raise self.error(f"{label} hors limites « {raw} »")
        return value


def read_csv(path: Path, required: Sequence[str]) -> list[Record]:
    """Every record of a UTF-8 CSV file whose header holds the ``required`` columns.

    Raises DemoDataError naming the file, and the line when one is at fault.
    """
    if not path.is_file():
        raise DemoDataError(path, "fichier introuvable")
    records: list[Record] = []
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle, strict=True)
            header = [name.strip() for name in next(reader, [])]
            for column in required:
                if column not in header:
                    raise DemoDataError(path, f"colonne « {column} » absente de l'en-tête", 1)
            for fields in reader:
                line = reader.line_num
                if not fields:
                    continue
                if len(fields) != len(header):
                    raise DemoDataError(
                        path, f"{len(fields)} champs au lieu de {len(header)}", line
                    )
                records.append(Record(path, line, dict(zip(header, fields, strict=True))))
    except UnicodeDecodeError:
        raise DemoDataError(path, "encodage invalide (UTF-8 attendu)") from None
    except csv.Error as error:
        raise DemoDataError(path, f"CSV illisible ({error})", reader.line_num) from None
    return records


def fingerprint(paths: Iterable[Path], *extra: str) -> str:
    """SHA-256 of the files' bytes and of ``extra`` (loader version, vocabulary)."""
    digest = hashlib.sha256()
    for path in paths:
        if not path.is_file():
            raise DemoDataError(path, "fichier introuvable")
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    for part in extra:
        digest.update(part.encode())
    return digest.hexdigest()

import shutil
from pathlib import Path

import pytest
from django.conf import settings

FILES = {
    # file: rows kept (the header always is), so tests load in a blink
    "shops_paris_commercants_2020.csv": 80,
    "shops_grenoble_osm_sample.csv": None,
    "products_off_fr_5000.csv": 250,
    "fr_postal_codes_laposte.csv": None,
}


def _copy(source: Path, target: Path, rows: int | None, keep=lambda line: True) -> None:
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    body = [line for line in lines[1:] if keep(line)]
    target.write_text("".join([lines[0], *(body if rows is None else body[:rows])]), "utf-8")


@pytest.fixture
def small_data_dir(tmp_path: Path) -> Path:
    """A copy of data/ cut down to real rows of Paris, Grenoble and their postcodes."""
    target = tmp_path / "data"
    target.mkdir()
    for name, rows in FILES.items():
        if name.startswith("fr_postal_codes"):
            # Isère and Paris only: what the demo territories look up.
            _copy(
                settings.DATA_DIR / name,
                target / name,
                rows,
                keep=lambda line: line.split(",")[2][:2] in ("38", "75"),
            )
        else:
            _copy(settings.DATA_DIR / name, target / name, rows)
    shutil.copy(settings.DATA_DIR / "README.md", target / "README.md")
    return target


def replace_field(path: Path, line: int, column: str, value: str) -> None:
    """Set one field of one line (1 = header) of a demo CSV file."""
    import csv
    import io

    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    rows[line - 1][rows[0].index(column)] = value
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")

"""Errors of the demo loaders: each names the file and the line at fault, in French."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings


def display_path(path: Path) -> str:
    """The path as a reader of the repository knows it (``data/…``), else as given."""
    try:
        return str(path.resolve().relative_to(Path(settings.BASE_DIR).resolve()))
    except ValueError:
        return str(path)


class DemoDataError(Exception):
    """A demo file is missing or malformed; nothing of the territory it feeds was written."""

    code = "demo_data_invalid"

    def __init__(self, path: Path, message: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = display_path(path) if line is None else f"{display_path(path)}, ligne {line}"
        super().__init__(f"{where} : {message}")

"""Reading an uploaded spreadsheet (CSV, XLSX, ODS) into rows of cells.

The format is told by the bytes, never by the file name: a renamed binary, an old
``.xls``, a PDF or an image gets a message naming what it really is. A CSV may use
any usual delimiter and be in UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode
text") or Windows-1252 (French Excel's "CSV (séparateur : point-virgule)").
Problems of the whole file raise :class:`FileError`; problems of one line are kept
in ``Sheet.line_errors`` for the preview.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

from defusedxml import ElementTree
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MAX_IMPORT_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 60
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # a 10 MB XLSX unzips to ~100 MB at most; more is a bomb
CSV_DELIMITERS = (";", ",", "\t", "|")
DELIMITER_NAMES = {
    ";": gettext_lazy("point-virgule"),
    ",": gettext_lazy("virgule"),
    "\t": gettext_lazy("tabulation"),
    "|": gettext_lazy("barre verticale"),
}
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"

# Text that was UTF-8, read as Windows-1252 and saved again as UTF-8.
_MOJIBAKE_RE = re.compile("Ã[\u00a0-\u00bf]|â‚¬|Â°|Â ")


class FileError(Exception):
    """The file cannot be imported at all; ``message`` says why and what to do, in French."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        self.message = message
        super().__init__(f"{code}: {message}")


@dataclass(frozen=True)
class Formula:
    """A formula cell without a computed value (the file was never opened in a spreadsheet)."""

    text: str


@dataclass
class LineError:
    line: int
    message: str


@dataclass
class Sheet:
    file_format: str  # csv | xlsx | ods
    rows: list[tuple[int, list[object]]]  # (line number as the merchant sees it, cells)
    encoding: str = ""
    delimiter: str = ""
    line_errors: list[LineError] = field(default_factory=list)


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".replace(".", ",")


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", "\u202f")


def check_size(size: int) -> None:
    if size > MAX_IMPORT_BYTES:
        raise FileError(
            "file_too_large",
            _(
                "Le fichier pèse %(size)s Mo ; la limite est de %(value)s Mo. "
                "Enregistrez seulement la feuille des produits en CSV, ou découpez le "
                "fichier."
            )
            % {"size": _megabytes(size), "value": MAX_IMPORT_BYTES // 1024 // 1024},
        )


_SIGNATURES: list[tuple[bytes, object]] = [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "xls"),
    (b"%PDF", gettext_lazy("un document PDF")),
    (b"\x89PNG", gettext_lazy("une image PNG")),
    (b"\xff\xd8\xff", gettext_lazy("une image JPEG")),
    (b"GIF8", gettext_lazy("une image GIF")),
    (b"RIFF", gettext_lazy("un fichier audio, vidéo ou image (RIFF)")),
    (b"MZ", gettext_lazy("un programme Windows")),
    (b"\x7fELF", gettext_lazy("un programme")),
    (b"\x1f\x8b", gettext_lazy("une archive gzip")),
    (b"Rar!", gettext_lazy("une archive RAR")),
    (b"7z\xbc\xaf", gettext_lazy("une archive 7-Zip")),
]


def sniff_format(content: bytes) -> str:
    """``csv``, ``xlsx`` or ``ods`` from the content; raises FileError for anything else."""
    if not content.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise FileError("empty_file", _("Le fichier est vide."))
    for signature, name in _SIGNATURES:
        if content.startswith(signature):
            if name == "xls":
                raise FileError(
                    "xls_format",
                    _(
                        "Ce fichier est au format Excel 97-2003 (.xls), que Cabas ne lit pas : "
                        "dans Excel, « Enregistrer sous » → « Classeur Excel (.xlsx) » ou « CSV"
                        " UTF-8 »."
                    ),
                )
            raise FileError(
                "not_a_spreadsheet",
                _(
                    "Ce fichier est %(name)s, pas un tableur. Choisissez un fichier CSV, XLSX "
                    "(Excel) ou ODS (LibreOffice)."
                )
                % {"name": name},
            )
    if content.startswith(b"PK\x03\x04"):
        return _zip_kind(content)
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "csv"  # UTF-16 text with its byte-order mark
    if b"\x00" in content[:8192]:
        raise FileError(
            "binary_file",
            _(
                "Ce fichier n'est pas un tableur lisible (contenu binaire). Choisissez un fichier "
                "CSV, XLSX ou ODS."
            ),
        )
    return "csv"


def _zip_kind(content: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED_BYTES:
                raise FileError(
                    "zip_bomb", _("Ce classeur décompressé est démesuré : il n'est pas importé.")
                )
            if "mimetype" in names and archive.read("mimetype").strip() == ODS_MIMETYPE:
                return "ods"
            if "xl/workbook.xml" in names:
                return "xlsx"
            if "mimetype" in names and b"opendocument.text" in archive.read("mimetype"):
                raise FileError(
                    "not_a_spreadsheet",
                    _("Ce fichier est un document texte (ODT), pas un tableur."),
                )
            if "word/document.xml" in names:
                raise FileError(
                    "not_a_spreadsheet", _("Ce fichier est un document Word, pas un tableur.")
                )
    except zipfile.BadZipFile:
        raise FileError(
            "corrupt_file",
            _("Ce fichier est abîmé (archive illisible) : enregistrez-le à nouveau."),
        ) from None
    raise FileError(
        "not_a_spreadsheet",
        _(
            "Ce fichier est une archive ZIP, pas un tableur. Choisissez un fichier CSV, "
            "XLSX ou ODS."
        ),
    )


def read_table(content: bytes) -> Sheet:
    """The rows of the file's first sheet (empty rows dropped, line numbers kept)."""
    check_size(len(content))
    kind = sniff_format(content)
    if kind == "xlsx":
        sheet = _read_xlsx(content)
    elif kind == "ods":
        sheet = _read_ods(content)
    else:
        sheet = _read_csv(content)
    if not sheet.rows:
        raise FileError("empty_file", _("Le fichier ne contient aucune ligne remplie."))
    if len(sheet.rows) > MAX_ROWS + 1:
        raise FileError(
            "too_many_rows",
            _(
                "Le fichier compte %(value)s lignes ; un import en accepte %(MAX_ROWS)s"
                " au plus. Découpez-le en plusieurs fichiers."
            )
            % {"value": _thousands(len(sheet.rows) - 1), "MAX_ROWS": _thousands(MAX_ROWS)},
        )
    return sheet


# -- CSV -------------------------------------------------------------------------------------


def decode_text(content: bytes) -> tuple[str, str]:
    """(text, encoding name) or FileError naming the first byte that fits no encoding."""
    if content.startswith(b"\xef\xbb\xbf"):
        encodings = ["utf-8-sig"]
    elif content.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ["utf-16"]
    else:
        encodings = ["utf-8", "cp1252"]
    first_error: UnicodeDecodeError | None = None
    for encoding in encodings:
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError as error:
            first_error = first_error or error
            continue
        if encoding == "cp1252" and _looks_like_other_encoding(content):
            break
        return text, encoding
    position = first_error.start if first_error else 0
    line = content[:position].count(b"\n") + 1
    byte = content[position : position + 1].hex().upper() if first_error else "?"
    raise FileError(
        "encoding_unknown",
        _(
            "Encodage non reconnu : l'octet 0x%(byte)s (ligne %(line)s) n'existe ni"
            " en UTF-8 ni en Windows-1252. Enregistrez le fichier en « CSV UTF-8 "
            "(délimité par des virgules) »."
        )
        % {"byte": byte, "line": line},
    )


def _looks_like_other_encoding(content: bytes) -> bool:
    # C1 bytes undefined in Windows-1252 never come from French Excel.
    return any(byte in content for byte in (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d"))


def _split(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return [line]


def sniff_delimiter(lines: list[str]) -> str:
    """The delimiter that splits the first lines into the same number (> 1) of fields."""
    best, best_score = "", (0, 0)
    for delimiter in CSV_DELIMITERS:
        counts = [len(_split(line, delimiter)) for line in lines]
        if not counts or counts[0] < 2:
            continue
        agreeing = sum(1 for count in counts if count == counts[0])
        score = (agreeing, counts[0])
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv(content: bytes) -> Sheet:
    text, encoding = decode_text(content)
    text = text.removeprefix("\ufeff")
    mojibake = _MOJIBAKE_RE.search(text)
    if mojibake:
        line = text[: mojibake.start()].count("\n") + 1
        raise FileError(
            "double_encoding",
            _(
                "Le texte contient « %(value)s » (ligne %(line)s) au lieu de lettres "
                "accentuées : le fichier a été converti deux fois. Ré-enregistrez-le "
                "depuis le tableur en « CSV UTF-8 »."
            )
            % {"value": mojibake.group(0).strip(), "line": line},
        )
    sample = [line for line in text.splitlines()[:30] if line.strip()]
    delimiter = sniff_delimiter(sample)
    if not delimiter:
        raise FileError(
            "single_column",
            _(
                "Une seule colonne trouvée : il faut au moins le nom (ou le "
                "code-barres) et le prix, séparés par des points-virgules, des virgules"
                " ou des tabulations."
            ),
        )
    sheet = Sheet(file_format="csv", rows=[], encoding=encoding, delimiter=delimiter)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            raise FileError(
                "csv_malformed",
                _("Ligne %(line)s illisible (%(error)s) : guillemet non refermé ?")
                % {"line": line, "error": error},
            ) from None
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > MAX_COLUMNS * 4:
            raise FileError(
                "too_many_columns",
                _(
                    "Ligne %(line)s : %(cells)s colonnes ; un import en accepte "
                    "%(MAX_COLUMNS)s au plus."
                )
                % {"line": line, "cells": len(cells), "MAX_COLUMNS": MAX_COLUMNS},
            )
        sheet.rows.append((line, list(cells)))
        if len(sheet.rows) > MAX_ROWS + 1:
            break
    return sheet


def check_widths(sheet: Sheet, header_index: int) -> None:
    """Note the CSV lines whose number of cells betrays a delimiter or quoting slip."""
    if sheet.file_format != "csv" or not sheet.rows:
        return
    width = len(sheet.rows[header_index][1])
    others = [d for d in CSV_DELIMITERS if d != sheet.delimiter]
    for line, cells in sheet.rows[header_index + 1 :]:
        if len(cells) != width:
            message = _width_problem([str(c) for c in cells], width, sheet.delimiter, others)
            if message:
                sheet.line_errors.append(LineError(line, message))


def _width_problem(cells: list[str], width: int, delimiter: str, others: list[str]) -> str:
    if len(cells) == 1:
        for other in others:
            if len(_split(cells[0], other)) == width:
                return _(
                    "cette ligne est séparée par des « %(other)s » alors que le fichier "
                    "utilise des « %(delimiter)s »"
                ) % {"other": DELIMITER_NAMES[other], "delimiter": DELIMITER_NAMES[delimiter]}
    if len(cells) > width and any(cell.strip() for cell in cells[width:]):
        return _(
            "%(cells)s valeurs pour %(width)s colonnes : une valeur contient sans "
            "doute un « %(delimiter)s » ; mettez-la entre guillemets"
        ) % {"cells": len(cells), "width": width, "delimiter": DELIMITER_NAMES[delimiter]}
    return ""


# -- XLSX ------------------------------------------------------------------------------------


def _read_xlsx(content: bytes) -> Sheet:
    import openpyxl  # imported here: only XLSX uploads pay for it
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise FileError(
            "corrupt_file",
            _(
                "Ce classeur Excel est illisible (%(__name__)s) : ouvrez-le et "
                "enregistrez-le à nouveau."
            )
            % {"__name__": error.__class__.__name__},
        ) from None
    try:
        if not workbook.worksheets:
            raise FileError("empty_file", _("Le classeur ne contient aucune feuille."))
        worksheet = workbook.worksheets[0]
        rows: list[tuple[int, list[object]]] = []
        formulas: dict[tuple[int, int], str] = {}
        for row in worksheet.iter_rows():
            values: list[object] = []
            line = 0
            for cell in row:
                if not hasattr(cell, "row"):
                    values.append(None)  # an empty cell of a read-only sheet
                    continue
                line = cell.row
                if cell.data_type == "f":
                    formulas[(cell.row, cell.column)] = str(cell.value)
                    values.append(Formula(str(cell.value)))
                else:
                    values.append(cell.value)
            if any(_filled(value) for value in values):
                rows.append((line, _trim(values)))
                if len(rows) > MAX_ROWS + 1:
                    break
    finally:
        workbook.close()
    if formulas:
        _fill_cached_values(content, rows, formulas)
    return Sheet(file_format="xlsx", rows=rows)


def _fill_cached_values(
    content: bytes, rows: list[tuple[int, list[object]]], formulas: dict[tuple[int, int], str]
) -> None:
    """Replace formula cells by the value the spreadsheet computed, when it saved one."""
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        cached: dict[tuple[int, int], object] = {}
        for row in workbook.worksheets[0].iter_rows():
            for cell in row:
                if hasattr(cell, "row") and (cell.row, cell.column) in formulas:
                    cached[(cell.row, cell.column)] = cell.value
    finally:
        workbook.close()
    for line, values in rows:
        for index, value in enumerate(values):
            if isinstance(value, Formula):
                computed = cached.get((line, index + 1))
                if computed is not None:
                    values[index] = computed


def _filled(value: object) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _trim(values: list[object]) -> list[object]:
    while values and not _filled(values[-1]):
        values.pop()
    return values[:MAX_COLUMNS]


# -- ODS -------------------------------------------------------------------------------------

_NS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
}
_T = "{{{}}}".format(_NS["table"])
_O = "{{{}}}".format(_NS["office"])
_X = "{{{}}}".format(_NS["text"])


def _ods_text(element: object) -> str:
    """The text of a cell: paragraphs joined by new lines, ``text:s`` spaces expanded."""
    paragraphs = []
    for paragraph in element.iter(f"{_X}p"):  # type: ignore[attr-defined]
        paragraphs.append(_inline_text(paragraph))
    return "\n".join(paragraphs)


def _inline_text(node: object) -> str:
    parts = [node.text or ""]  # type: ignore[attr-defined]
    for child in node:  # type: ignore[attr-defined]
        if child.tag == f"{_X}s":
            parts.append(" " * int(child.get(f"{_X}c", "1")))
        elif child.tag == f"{_X}tab":
            parts.append("\t")
        elif child.tag == f"{_X}line-break":
            parts.append("\n")
        else:
            parts.append(_inline_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _ods_value(cell: object) -> object:
    get = cell.get  # type: ignore[attr-defined]
    kind = get(f"{_O}value-type")
    formula = get(f"{_T}formula")
    if kind in ("float", "percentage", "currency"):
        return Decimal(get(f"{_O}value"))
    if kind == "date":
        value = get(f"{_O}date-value")
        return dt.datetime.fromisoformat(value) if "T" in value else dt.date.fromisoformat(value)
    if kind == "time":
        return _ods_text(cell)
    if kind == "boolean":
        return get(f"{_O}boolean-value") == "true"
    if kind == "string":
        return _ods_text(cell)
    if formula:
        return Formula(formula.removeprefix("of:"))
    return None


def _read_ods(content: bytes) -> Sheet:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            xml = archive.open("content.xml")
            return _parse_ods(xml)
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError, ValueError, ArithmeticError):
        raise FileError(
            "corrupt_file",
            _("Ce classeur OpenDocument est illisible : ouvrez-le et enregistrez-le à nouveau."),
        ) from None


def _parse_ods(xml: object) -> Sheet:
    rows: list[tuple[int, list[object]]] = []
    line = 0
    depth = 0
    for event, element in ElementTree.iterparse(xml, events=("start", "end")):
        if element.tag == f"{_T}table":
            if event == "start":
                depth += 1
                continue
            break  # only the first sheet
        if event != "end" or element.tag != f"{_T}table-row" or depth != 1:
            continue
        repeat_rows = int(element.get(f"{_T}number-rows-repeated", "1"))
        values: list[object] = []
        pending_empty = 0
        for cell in element:
            if cell.tag not in (f"{_T}table-cell", f"{_T}covered-table-cell"):
                continue
            repeat = int(cell.get(f"{_T}number-columns-repeated", "1"))
            value = _ods_value(cell)
            if not _filled(value):
                pending_empty += repeat
                continue
            values.extend([None] * pending_empty)
            pending_empty = 0
            values.extend([value] * min(repeat, MAX_COLUMNS))
            if len(values) > MAX_COLUMNS:
                break
        if values:
            for _copy in range(min(repeat_rows, MAX_ROWS + 2)):
                line += 1
                rows.append((line, list(values[:MAX_COLUMNS])))
        else:
            line += repeat_rows
        element.clear()
        if len(rows) > MAX_ROWS + 1:
            break
    return Sheet(file_format="ods", rows=rows)

"""Spreadsheet files made in memory for the import tests (CSV, XLSX, ODS)."""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

import openpyxl


def csv_bytes(rows: list[list[object]], delimiter: str = ";", encoding: str = "utf-8") -> bytes:
    lines = [delimiter.join("" if cell is None else str(cell) for cell in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(rows: list[list[object]], formulas: dict[str, str] | None = None) -> bytes:
    """``formulas`` maps a cell (``"C2"``) to a formula; openpyxl saves no computed value."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for cell, formula in (formulas or {}).items():
        sheet[cell] = formula
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _ods_cell(value: object) -> str:
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, bool):
        flag = str(value).lower()
        return (
            f'<table:table-cell office:value-type="boolean" office:boolean-value="{flag}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    if isinstance(value, int | float):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    if isinstance(value, tuple):  # ("formula", "of:=[.B2]*2", computed or None)
        _kind, formula, computed = value
        if computed is None:
            return f'<table:table-cell table:formula="{escape(formula)}"/>'
        return (
            f'<table:table-cell table:formula="{escape(formula)}" office:value-type="float" '
            f'office:value="{computed}"><text:p>{computed}</text:p></table:table-cell>'
        )
    text = escape(str(value)).replace("  ", ' <text:s text:c="1"/>')
    return (
        f'<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>'
    )


def ods_bytes(rows: list[list[object]], trailing_empty_rows: int = 0) -> bytes:
    body = "".join(
        "<table:table-row>"
        + "".join(_ods_cell(v) for v in row)
        + '<table:table-cell table:number-columns-repeated="1000"/></table:table-row>'
        for row in rows
    )
    if trailing_empty_rows:
        body += (
            f'<table:table-row table:number-rows-repeated="{trailing_empty_rows}">'
            '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
        )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        "<office:body><office:spreadsheet>"
        f'<table:table table:name="Produits">{body}</table:table>'
        '<table:table table:name="Autre"><table:table-row>'
        '<table:table-cell office:value-type="string">'
        "<text:p>ignorée</text:p></table:table-cell></table:table-row></table:table>"
        "</office:spreadsheet></office:body></office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>',
        )
    return buffer.getvalue()

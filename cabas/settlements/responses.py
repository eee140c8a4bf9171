"""Statement files as HTTP downloads, shared by the back office and the console."""

from __future__ import annotations

from django.http import HttpResponse

from .exports import statement_csv
from .pdf import statement_pdf
from .selectors import Statement


def _filename(statement: Statement, extension: str) -> str:
    period = statement.period
    return f"releve-{statement.shop.slug}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.{extension}"


def statement_csv_response(statement: Statement) -> HttpResponse:
    response = HttpResponse(statement_csv(statement), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(statement, "csv")}"'
    return response


def statement_pdf_response(statement: Statement) -> HttpResponse:
    response = HttpResponse(statement_pdf(statement), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(statement, "pdf")}"'
    return response

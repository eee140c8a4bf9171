"""An import's life: upload → mapping and preview → queued → checked → written → done.

Invariant (DESIGN 9): nothing of the catalogue is written unless every line of the
file is valid; the writing is one transaction, which also marks the job done, so a
crash leaves either the whole import or none of it. The worker checks the file again
against the catalogue as it is then, since it may have changed since the preview.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cabas.accounts.models import User
from cabas.search.services import search_index_offers_changed, search_index_products
from cabas.shops.models import Shop
from cabas.tasks.services import task_enqueue

from ..models import ImportJob
from .apply import ApplySummary, import_apply
from .mapping import clean_mapping, guess_mapping
from .readers import FileError, Sheet, read_table
from .validation import Validation, display_value, locate_header, validate_sheet

logger = logging.getLogger("cabas.backoffice.imports")

IMPORT_TASK = "backoffice.import_run"
STORED_ERRORS = 500
STALLED_AFTER = dt.timedelta(minutes=10)


def import_upload(*, shop: Shop, user: User, filename: str, content: bytes) -> ImportJob:
    """Read the file enough to know its columns; raises FileError and writes nothing."""
    sheet = read_table(content)
    header_index = locate_header(sheet)
    line, header_cells = sheet.rows[header_index]
    if len(sheet.rows) - header_index - 1 <= 0:
        raise FileError(
            "headers_only",
            _("Le fichier ne contient que la ligne d'en-têtes : aucun produit à importer."),
        )
    headers = [display_value(cell) for cell in header_cells]
    return ImportJob.objects.create(
        territory_id=shop.territory_id,
        shop=shop,
        created_by=user,
        filename=filename[:255],
        file_format=sheet.file_format,
        encoding=sheet.encoding,
        delimiter=sheet.delimiter,
        size=len(content),
        content=content,
        header_line=line,
        headers=headers,
        mapping=guess_mapping(headers),
        row_count=len(sheet.rows) - header_index - 1,
    )


def _sheet(job: ImportJob) -> tuple[Sheet, int]:
    sheet = read_table(bytes(job.content))
    lines = [line for line, _cells in sheet.rows]
    return sheet, lines.index(job.header_line) if job.header_line in lines else 0


def import_validate(*, job: ImportJob) -> Validation:
    """Check every line with the job's mapping (reads only)."""
    sheet, header_index = _sheet(job)
    return validate_sheet(
        sheet=sheet,
        header_index=header_index,
        mapping=clean_mapping(job.mapping, len(job.headers)),
        shop=job.shop,
    )


def import_configure(
    *, job: ImportJob, mapping: dict[str, object], deactivate_missing: bool
) -> ImportJob:
    """Save the merchant's column choices; only before the import is started."""
    if job.status not in (ImportJob.Status.UPLOADED, ImportJob.Status.FAILED):
        return job
    job.mapping = clean_mapping(mapping, len(job.headers))
    job.deactivate_missing = deactivate_missing
    job.status = ImportJob.Status.UPLOADED
    job.save(update_fields=["mapping", "deactivate_missing", "status", "updated_at"])
    return job


def _store_errors(validation: Validation) -> dict[str, object]:
    return {
        "errors": [error.as_dict() for error in validation.errors[:STORED_ERRORS]],
        "error_count": len(validation.errors),
    }


def import_start(*, job: ImportJob) -> ImportJob:
    """Queue a valid import for the worker; an invalid one keeps its errors and stays put."""
    if job.status not in (ImportJob.Status.UPLOADED, ImportJob.Status.FAILED):
        return job
    validation = import_validate(job=job)
    if not validation.ok:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.UPLOADED, updated_at=timezone.now(), **_store_errors(validation)
        )
        job.refresh_from_db()
        return job
    with transaction.atomic():
        updated = ImportJob.objects.filter(
            pk=job.pk, status__in=[ImportJob.Status.UPLOADED, ImportJob.Status.FAILED]
        ).update(
            status=ImportJob.Status.QUEUED,
            errors=[],
            error_count=0,
            progress_done=0,
            progress_total=job.row_count,
            updated_at=timezone.now(),
        )
        if updated:  # a double click queues it once
            task_enqueue(name=IMPORT_TASK, kwargs={"job_id": job.pk}, territory_id=job.territory_id)
    job.refresh_from_db()
    return job


def _progress(job_id: int, done: int, total: int) -> None:
    ImportJob.objects.filter(pk=job_id).update(
        progress_done=done, progress_total=total, updated_at=timezone.now()
    )


def _fail(job: ImportJob, fields: dict[str, object]) -> None:
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.FAILED, finished_at=timezone.now(), **fields
    )


def import_run(*, job_id: int) -> ApplySummary | None:
    """The worker's part: check again, then write everything in one transaction."""
    # A run left half-way by a dead worker (nothing written: the writing is one
    # transaction that also marks the job done) is taken up again by the retried task.
    stalled = Q(
        status__in=[ImportJob.Status.VALIDATING, ImportJob.Status.WRITING],
        updated_at__lt=timezone.now() - STALLED_AFTER,
    )
    claimed = (
        ImportJob.objects.filter(pk=job_id)
        .filter(Q(status=ImportJob.Status.QUEUED) | stalled)
        .update(status=ImportJob.Status.VALIDATING, updated_at=timezone.now())
    )
    if not claimed:
        return None  # already run, running, or cancelled
    job = ImportJob.objects.select_related("shop__territory", "shop__category").get(pk=job_id)
    try:
        sheet, header_index = _sheet(job)
        validation = validate_sheet(
            sheet=sheet,
            header_index=header_index,
            mapping=clean_mapping(job.mapping, len(job.headers)),
            shop=job.shop,
            progress=lambda done, total: _progress(job.pk, done, total),
        )
    except FileError as error:
        file_error = {"line": 0, "column": "", "value": "", "message": error.message}
        _fail(job, {"errors": [file_error], "error_count": 1})
        return None
    except Exception:
        _fail(job, _unexpected())
        raise
    if not validation.ok:
        _fail(job, _store_errors(validation))
        return None
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.WRITING, updated_at=timezone.now()
    )
    try:
        with transaction.atomic():
            summary = import_apply(
                shop=job.shop,
                validation=validation,
                deactivate_missing=job.deactivate_missing,
                actor_id=job.created_by_id,
                reference=f"import:{job.pk}",
            )
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportJob.Status.DONE,
                created_count=summary.created,
                updated_count=summary.updated,
                unchanged_count=summary.unchanged,
                deactivated_count=summary.deactivated,
                content=b"",
                finished_at=timezone.now(),
                updated_at=timezone.now(),
            )
            offer_ids, product_ids = summary.offer_ids_changed, summary.product_ids_changed
            if offer_ids:
                transaction.on_commit(lambda: search_index_offers_changed(offer_ids=offer_ids))
            if product_ids:
                transaction.on_commit(lambda: search_index_products(product_ids=product_ids))
    except DatabaseError as error:
        logger.warning("Import %s rolled back: %s", job.pk, error)
        _fail(
            job,
            {
                "errors": [
                    {
                        "line": 0,
                        "column": "",
                        "value": "",
                        "message": _(
                            "Le catalogue a changé pendant l'import (une autre personne modifiait "
                            "les mêmes articles) : rien n'a été enregistré, relancez l'import."
                        ),
                    }
                ],
                "error_count": 1,
            },
        )
        return None
    except Exception:
        _fail(job, _unexpected())
        raise
    return summary


def _unexpected() -> dict[str, object]:
    return {
        "errors": [
            {
                "line": 0,
                "column": "",
                "value": "",
                "message": _(
                    "Erreur inattendue pendant l'import : rien n'a été enregistré. "
                    "L'incident est enregistré ; réessayez plus tard."
                ),
            }
        ],
        "error_count": 1,
    }

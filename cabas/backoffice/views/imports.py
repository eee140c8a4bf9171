"""Spreadsheet import pages: upload, column mapping with preview, progress."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from .. import selectors
from ..access import merchant_view
from ..forms import ImportMappingForm, ImportUploadForm
from ..imports import services as imports
from ..imports.mapping import FIELDS, column_letter
from ..imports.readers import MAX_IMPORT_BYTES, FileError, check_size
from ..models import ImportJob
from ..selectors import MemberShop
from .common import is_htmx, render_shop

PREVIEW_ROWS = 10
ENCODING_NAMES = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8",
    "utf-16": "UTF-16",
    "cp1252": "Windows-1252",
}
SHOWN_ERRORS = 200
# Room for the multipart envelope and the form's other fields.
REQUEST_OVERHEAD = 64 * 1024


def _job_redirect(member: MemberShop, job: ImportJob, name: str = "import_job") -> HttpResponse:
    return redirect(
        f"backoffice:{name}",
        territory=member.shop.territory.slug,
        shop=member.shop.slug,
        job_id=job.pk,
    )


def _upload_page(
    request: HttpRequest, member: MemberShop, form: ImportUploadForm, status: int = 200
):
    return render_shop(
        request,
        member,
        "backoffice/import_upload.html",
        {"form": form, "jobs": selectors.shop_import_jobs(member.shop)[:10], "fields": FIELDS},
        section="import",
        status=status,
    )


@csrf_exempt
@merchant_view()
def import_upload(request: HttpRequest, member: MemberShop) -> HttpResponse:
    """A file over the limit is refused from its Content-Length, before it is read."""
    if request.method == "POST":
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_IMPORT_BYTES + REQUEST_OVERHEAD:
            form = ImportUploadForm(data={}, files={})
            form.full_clean()
            try:
                check_size(length)
            except FileError as error:
                form.errors["file"] = form.error_class([error.message])
            return _upload_page(request, member, form, status=413)
    return _import_upload_checked(request, member)


@csrf_protect
@require_http_methods(["GET", "HEAD", "POST"])
def _import_upload_checked(request: HttpRequest, member: MemberShop) -> HttpResponse:
    form = ImportUploadForm(
        request.POST if request.method == "POST" else None, request.FILES or None
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            check_size(upload.size)
            job = imports.import_upload(
                shop=member.shop,
                user=request.user,  # type: ignore[arg-type]
                filename=upload.name,
                content=upload.read(),
            )
        except FileError as error:
            form.add_error("file", error.message)
        else:
            return _job_redirect(member, job)
    return _upload_page(request, member, form, status=400 if request.method == "POST" else 200)


def _job(member: MemberShop, job_id: int) -> ImportJob:
    job = selectors.shop_import_job(member.shop, job_id)
    if job is None:
        raise Http404("unknown import")
    return job


@merchant_view()
@require_http_methods(["GET", "HEAD", "POST"])
def import_job(request: HttpRequest, member: MemberShop, job_id: int) -> HttpResponse:
    job = _job(member, job_id)
    if job.status != ImportJob.Status.UPLOADED and job.status != ImportJob.Status.FAILED:
        return _job_redirect(member, job, "import_progress")
    initial = {f"map_{key}": str(index) for key, index in job.mapping.items()}
    initial["deactivate_missing"] = job.deactivate_missing
    form = ImportMappingForm(
        request.POST if request.method == "POST" else None, headers=job.headers, initial=initial
    )
    if request.method == "POST":
        if form.is_valid():
            imports.import_configure(
                job=job,
                mapping=form.mapping(),
                deactivate_missing=form.cleaned_data["deactivate_missing"],
            )
            return _job_redirect(member, job)
        validation = None
    else:
        try:
            validation = imports.import_validate(job=job)
        except FileError as error:
            messages.error(request, error.message)
            validation = None
    preview = []
    if validation is not None:
        for row in validation.rows[:PREVIEW_ROWS]:
            preview.append(row)
    return render_shop(
        request,
        member,
        "backoffice/import_job.html",
        {
            "job": job,
            "form": form,
            "validation": validation,
            "errors": validation.errors[:SHOWN_ERRORS] if validation else [],
            "preview": preview,
            "columns": [(column_letter(i), header) for i, header in enumerate(job.headers)],
            "encoding": ENCODING_NAMES.get(job.encoding, job.encoding),
            "new_count": sum(1 for row in validation.rows if row.existing is None)
            if validation
            else 0,
            "update_count": sum(1 for row in validation.rows if row.existing is not None)
            if validation
            else 0,
        },
        section="import",
        status=400 if request.method == "POST" else 200,
    )


@merchant_view()
@require_POST
def import_start(request: HttpRequest, member: MemberShop, job_id: int) -> HttpResponse:
    job = imports.import_start(job=_job(member, job_id))
    if job.status == ImportJob.Status.UPLOADED:
        messages.error(
            request,
            _("%(error_count)s erreur(s) dans le fichier : rien n'a été importé.")
            % {"error_count": job.error_count},
        )
        return _job_redirect(member, job)
    return _job_redirect(member, job, "import_progress")


@merchant_view()
def import_progress(request: HttpRequest, member: MemberShop, job_id: int) -> HttpResponse:
    job = _job(member, job_id)
    template = (
        "backoffice/_import_progress.html"
        if is_htmx(request)
        else "backoffice/import_progress.html"
    )
    return render_shop(request, member, template, {"job": job}, section="import")

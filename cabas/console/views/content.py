"""Content pages, announcements and the territory's settings and branding."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cabas.pages import selectors as page_selectors
from cabas.pages import services as page_services
from cabas.pages.errors import PagesError
from cabas.pages.models import PageKind
from cabas.pages.rendering import render_page_body
from cabas.territories import services as territory_services
from cabas.territories.errors import TerritoryError
from cabas.territories.models import Territory

from ..access import operator_view
from ..forms import AnnouncementForm, DomainForm, LogoForm, PageForm, SettingsForm
from .common import attach_error, render_console


@require_safe
@operator_view
def pages(request: HttpRequest, territory: Territory) -> HttpResponse:
    return render_console(
        request,
        territory,
        "console/pages.html",
        {"pages": page_selectors.territory_pages(territory)},
        section="pages",
    )


@require_http_methods(["GET", "HEAD", "POST"])
@operator_view
def page(request: HttpRequest, territory: Territory, kind: str) -> HttpResponse:
    current = page_selectors.territory_page(territory, kind)
    if current is None:
        raise Http404("unknown page")
    if request.method == "POST":
        form = PageForm(request.POST)
    else:
        form = PageForm(initial={"title": current.title, "body": current.body})
    if request.method == "POST" and form.is_valid():
        try:
            page_services.page_update(
                territory=territory,
                kind=kind,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                actor=request.user,  # type: ignore[arg-type]
            )
        except PagesError as error:
            attach_error(form, error.field, error.message)
        else:
            messages.success(request, _("Page enregistrée et publiée."))
            return redirect("console:pages", territory=territory.slug)
    preview = form.cleaned_data.get("body") if form.is_bound and form.is_valid() else current.body
    return render_console(
        request,
        territory,
        "console/page.html",
        {
            "form": form,
            "page": current,
            "kind_label": PageKind(kind).label,
            "preview": render_page_body(preview or "", heading_level=3),
        },
        section="pages",
        status=400 if form.errors else 200,
    )


def _announcement_input(data: dict) -> page_services.AnnouncementInput:
    return page_services.AnnouncementInput(
        message=data["message"],
        starts_at=data["starts_at"],
        ends_at=data["ends_at"],
        level=data["level"],
        link_url=data["link_url"],
        link_text=data["link_text"],
    )


@require_http_methods(["GET", "HEAD", "POST"])
@operator_view
def announcements(request: HttpRequest, territory: Territory) -> HttpResponse:
    """The list, and the form that publishes a new announcement."""
    tz = territory.timezone
    if request.method == "POST":
        form = AnnouncementForm(request.POST, tz=tz)
    else:
        now = timezone.localtime(timezone.now(), timezone.get_current_timezone())
        form = AnnouncementForm(
            tz=tz, initial={"starts_at": now.replace(second=0, microsecond=0), "level": "info"}
        )
    if request.method == "POST" and form.is_valid():
        try:
            page_services.announcement_create(
                territory=territory,
                data=_announcement_input(form.cleaned_data),
                actor=request.user,  # type: ignore[arg-type]
            )
        except PagesError as error:
            attach_error(form, error.field, error.message)
        else:
            messages.success(request, _("Annonce publiée."))
            return redirect("console:announcements", territory=territory.slug)
    now = timezone.now()
    rows = list(page_selectors.territory_announcements(territory))
    return render_console(
        request,
        territory,
        "console/announcements.html",
        {
            "form": form,
            "announcements": rows,
            "now": now,
        },
        section="announcements",
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@operator_view
def announcement(request: HttpRequest, territory: Territory, announcement_id: int) -> HttpResponse:
    found = page_selectors.territory_announcement(territory, announcement_id)
    if found is None:
        raise Http404("unknown announcement")
    tz = territory.timezone
    if request.method == "POST":
        form = AnnouncementForm(request.POST, tz=tz)
    else:
        form = AnnouncementForm(
            tz=tz,
            initial={
                "message": found.message,
                "level": found.level,
                "link_url": found.link_url,
                "link_text": found.link_text,
                "starts_at": _wall_time(found.starts_at, tz),
                "ends_at": _wall_time(found.ends_at, tz),
            },
        )
    if request.method == "POST" and form.is_valid():
        try:
            page_services.announcement_update(
                territory=territory,
                announcement_id=found.pk,
                data=_announcement_input(form.cleaned_data),
                actor=request.user,  # type: ignore[arg-type]
            )
        except PagesError as error:
            attach_error(form, error.field, error.message)
        else:
            messages.success(request, _("Annonce modifiée."))
            return redirect("console:announcements", territory=territory.slug)
    return render_console(
        request,
        territory,
        "console/announcement.html",
        {"form": form, "announcement": found},
        section="announcements",
        status=400 if form.errors else 200,
    )


def _wall_time(moment, tz: str):  # type: ignore[no-untyped-def]
    """The territory's wall time, as the form shows it in the site's current timezone."""
    if moment is None:
        return None
    local = moment.astimezone(ZoneInfo(tz)).replace(tzinfo=None)
    return timezone.make_aware(local, timezone.get_current_timezone())


@require_POST
@operator_view
def announcement_delete(
    request: HttpRequest, territory: Territory, announcement_id: int
) -> HttpResponse:
    try:
        page_services.announcement_delete(
            territory=territory,
            announcement_id=announcement_id,
            actor=request.user,  # type: ignore[arg-type]
        )
    except PagesError:
        raise Http404("unknown announcement") from None
    messages.success(request, _("Annonce supprimée."))
    return redirect("console:announcements", territory=territory.slug)


def _settings_initial(territory: Territory) -> dict:
    return {
        "name": territory.name,
        "tagline": territory.tagline,
        "primary_colour": territory.primary_colour,
        "accent_colour": territory.accent_colour,
        "languages": territory.language_codes,
        "commission": f"{territory.commission_bp / 100:g}".replace(".", ","),
        "operator_name": territory.operator_name,
        "contact_email": territory.contact_email,
        "default_slot_minutes": territory.default_slot_minutes,
        "default_lead_minutes": territory.default_lead_minutes,
        "default_capacity_per_slot": territory.default_capacity_per_slot,
        "default_horizon_days": territory.default_horizon_days,
    }


def _settings_page(
    request: HttpRequest,
    territory: Territory,
    *,
    form: SettingsForm | None = None,
    logo_form: LogoForm | None = None,
    domain_form: DomainForm | None = None,
) -> HttpResponse:
    failed = any(f is not None and f.errors for f in (form, logo_form, domain_form))
    return render_console(
        request,
        territory,
        "console/settings.html",
        {
            "form": form or SettingsForm(initial=_settings_initial(territory)),
            "logo_form": logo_form or LogoForm(),
            "domain_form": domain_form or DomainForm(initial={"domain": territory.domain}),
        },
        section="settings",
        status=400 if failed else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@operator_view
def settings(request: HttpRequest, territory: Territory) -> HttpResponse:
    if request.method != "POST":
        return _settings_page(request, territory)
    form = SettingsForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            territory_services.territory_update_settings(
                territory=territory,
                values=territory_services.TerritorySettings(
                    name=data["name"],
                    tagline=data["tagline"],
                    primary_colour=data["primary_colour"],
                    accent_colour=data["accent_colour"],
                    languages=tuple(data["languages"]),
                    commission_bp=data["commission"],
                    operator_name=data["operator_name"],
                    contact_email=data["contact_email"],
                    default_slot_minutes=data["default_slot_minutes"],
                    default_lead_minutes=data["default_lead_minutes"],
                    default_capacity_per_slot=data["default_capacity_per_slot"],
                    default_horizon_days=data["default_horizon_days"],
                ),
                actor=request.user,  # type: ignore[arg-type]
            )
        except TerritoryError as error:
            field = "commission" if error.field == "commission_bp" else error.field
            attach_error(form, field, error.message)
        else:
            messages.success(request, _("Réglages enregistrés."))
            return redirect("console:settings", territory=territory.slug)
    return _settings_page(request, territory, form=form)


@require_POST
@operator_view
def logo(request: HttpRequest, territory: Territory) -> HttpResponse:
    if request.POST.get("remove") == "1":
        territory_services.territory_remove_logo(
            territory=territory,
            actor=request.user,  # type: ignore[arg-type]
        )
        messages.success(request, _("Logo retiré."))
        return redirect("console:settings", territory=territory.slug)
    form = LogoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            territory_services.territory_set_logo(
                territory=territory,
                data=form.cleaned_data["logo"].read(),
                actor=request.user,  # type: ignore[arg-type]
            )
        except TerritoryError as error:
            attach_error(form, "logo", error.message)
        else:
            messages.success(request, _("Nouveau logo enregistré."))
            return redirect("console:settings", territory=territory.slug)
    return _settings_page(request, territory, logo_form=form)


@require_POST
@operator_view
def domain(request: HttpRequest, territory: Territory) -> HttpResponse:
    if not request.user.is_superuser:
        raise PermissionDenied("platform admins only")
    form = DomainForm(request.POST)
    if form.is_valid():
        try:
            territory_services.territory_set_domain(
                territory=territory,
                domain=form.cleaned_data["domain"],
                actor=request.user,  # type: ignore[arg-type]
            )
        except TerritoryError as error:
            attach_error(form, "domain", error.message)
        else:
            messages.success(request, _("Nom de domaine enregistré."))
            return redirect("console:settings", territory=territory.slug)
    return _settings_page(request, territory, domain_form=form)

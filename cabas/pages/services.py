"""Writes of content pages and announcements, each recorded in the audit log.

Invariant (DESIGN 4): every function takes the territory the caller was authorised
for and touches only its rows; input is checked before the first write (DESIGN 9).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from cabas.accounts.models import User
from cabas.audit import actions
from cabas.audit.services import audit_record
from cabas.territories.models import Territory

from .defaults import default_page
from .errors import PagesError
from .models import Announcement, Page, PageKind

MAX_BODY_CHARS = 50_000


def pages_create_defaults(*, territory: Territory) -> int:
    """Create the territory's missing pages with their default texts; returns how many."""
    existing = set(Page.objects.filter(territory=territory).values_list("kind", flat=True))
    rows = []
    for kind in PageKind.values:
        if kind in existing:
            continue
        text = default_page(territory, kind)
        rows.append(Page(territory=territory, kind=kind, title=text.title, body=text.body))
    Page.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def page_update(
    *, territory: Territory, kind: str, title: str, body: str, actor: User | None
) -> Page:
    if kind not in PageKind.values:
        raise PagesError("unknown_page", _("Cette page n'existe pas."))
    title = " ".join(title.split())
    body = body.strip()
    if not title:
        raise PagesError("title_required", _("Donnez un titre à la page."), field="title")
    if len(title) > 160:
        raise PagesError("title_too_long", _("Le titre dépasse 160 caractères."), field="title")
    if not body:
        raise PagesError("body_required", _("Le texte de la page est vide."), field="body")
    if len(body) > MAX_BODY_CHARS:
        raise PagesError(
            "body_too_long",
            _("Le texte dépasse %(count)s caractères.") % {"count": MAX_BODY_CHARS},
            field="body",
        )
    with transaction.atomic():
        page, _created = Page.objects.update_or_create(
            territory=territory,
            kind=kind,
            defaults={"title": title, "body": body, "updated_by": actor},
        )
        audit_record(
            actor=actor,
            territory=territory,
            action=actions.PAGE_UPDATE,
            target=page,
            details={"kind": kind},
        )
    return page


@dataclass(frozen=True)
class AnnouncementInput:
    message: str
    starts_at: dt.datetime
    ends_at: dt.datetime | None = None
    level: str = Announcement.Level.INFO
    link_url: str = ""
    link_text: str = ""


def _check_announcement(data: AnnouncementInput) -> AnnouncementInput:
    message = " ".join(data.message.split())
    if not message:
        raise PagesError("message_required", _("Écrivez le message de l'annonce."), field="message")
    if len(message) > 280:
        raise PagesError(
            "message_too_long", _("L'annonce dépasse 280 caractères."), field="message"
        )
    if data.ends_at is not None and data.ends_at <= data.starts_at:
        raise PagesError(
            "dates_reversed",
            _("La date de fin doit être postérieure à la date de début."),
            field="ends_at",
        )
    if data.level not in Announcement.Level.values:
        raise PagesError("level_unknown", _("Niveau d'annonce inconnu."), field="level")
    link = data.link_url.strip()
    if link and not link.lower().startswith(("https://", "http://")):
        raise PagesError(
            "link_scheme", _("Le lien doit commencer par https:// ou http://."), field="link_url"
        )
    return AnnouncementInput(
        message=message,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        level=data.level,
        link_url=link,
        link_text=" ".join(data.link_text.split())[:80] if link else "",
    )


def announcement_create(
    *, territory: Territory, data: AnnouncementInput, actor: User | None
) -> Announcement:
    clean = _check_announcement(data)
    with transaction.atomic():
        announcement = Announcement.objects.create(
            territory=territory,
            message=clean.message,
            starts_at=clean.starts_at,
            ends_at=clean.ends_at,
            level=clean.level,
            link_url=clean.link_url,
            link_text=clean.link_text,
            created_by=actor,
        )
        audit_record(
            actor=actor,
            territory=territory,
            action=actions.ANNOUNCEMENT_CREATE,
            target=announcement,
        )
    return announcement


def announcement_update(
    *, territory: Territory, announcement_id: int, data: AnnouncementInput, actor: User | None
) -> Announcement:
    clean = _check_announcement(data)
    with transaction.atomic():
        announcement = (
            Announcement.objects.select_for_update()
            .filter(territory=territory, pk=announcement_id)
            .first()
        )
        if announcement is None:
            raise PagesError("announcement_not_found", _("Cette annonce n'existe pas."))
        for name in ("message", "starts_at", "ends_at", "level", "link_url", "link_text"):
            setattr(announcement, name, getattr(clean, name))
        announcement.save()
        audit_record(
            actor=actor,
            territory=territory,
            action=actions.ANNOUNCEMENT_UPDATE,
            target=announcement,
        )
    return announcement


def announcement_delete(*, territory: Territory, announcement_id: int, actor: User | None) -> None:
    with transaction.atomic():
        announcement = Announcement.objects.filter(territory=territory, pk=announcement_id).first()
        if announcement is None:
            raise PagesError("announcement_not_found", _("Cette annonce n'existe pas."))
        audit_record(
            actor=actor,
            territory=territory,
            action=actions.ANNOUNCEMENT_DELETE,
            target=announcement,
            details={"message": announcement.message},
        )
        announcement.delete()

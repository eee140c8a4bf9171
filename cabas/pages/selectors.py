"""Reads of content pages and announcements."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from cabas.territories.models import Territory

from .defaults import default_page
from .models import Announcement, Page, PageKind


def _unsaved_default(territory: Territory, kind: str) -> Page:
    text = default_page(territory, kind)
    return Page(territory=territory, kind=kind, title=text.title, body=text.body)


def territory_page(territory: Territory, kind: str) -> Page | None:
    """The page as the operator wrote it, else its default text; None for an unknown kind."""
    if kind not in PageKind.values:
        return None
    page = Page.objects.filter(territory=territory, kind=kind).first()
    return page or _unsaved_default(territory, kind)


def territory_pages(territory: Territory) -> list[Page]:
    """Every page of the territory in the menu's order, defaults filling the gaps."""
    saved = {page.kind: page for page in Page.objects.filter(territory=territory)}
    return [saved.get(kind) or _unsaved_default(territory, kind) for kind in PageKind.values]


def current_announcements(
    territory: Territory, *, now: dt.datetime | None = None
) -> list[Announcement]:
    """Announcements shown now on the home page, important ones first."""
    moment = now or timezone.now()
    rows = Announcement.objects.filter(territory=territory, starts_at__lte=moment).filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=moment)
    )
    return sorted(
        rows,
        key=lambda a: (a.level != Announcement.Level.IMPORTANT, -a.starts_at.timestamp(), -a.pk),
    )


def territory_announcements(territory: Territory) -> QuerySet[Announcement]:
    return Announcement.objects.filter(territory=territory).order_by("-starts_at", "-pk")


def territory_announcement(territory: Territory, announcement_id: int) -> Announcement | None:
    return Announcement.objects.filter(territory=territory, pk=announcement_id).first()

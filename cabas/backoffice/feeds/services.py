"""Stock feeds: a shop's stock system publishes a file at a URL; Cabas pulls it on a schedule.

Each pull reads the file like a spreadsheet import (same reader, column guessing and
line checks), and applies it all or nothing, every stock change a StockMovement with
reason ``sync``. The outcome (time, state, counts, the first errors) is kept on the
feed for the merchant to see. The schedule is a chain of queued tasks, each queuing
the next one; ``run_marker`` keeps one chain per feed.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets

from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cabas.catalog.models import StockMovement
from cabas.search.services import search_index_offers_changed
from cabas.shops.models import Shop
from cabas.tasks.services import task_enqueue

from ..imports.apply import import_apply
from ..imports.mapping import guess_mapping
from ..imports.readers import FileError, read_table
from ..imports.validation import display_value, locate_header, validate_sheet
from ..models import StockFeed
from .fetch import FeedFetchError, check_feed_url, feed_fetch

logger = logging.getLogger("cabas.backoffice.feeds")

FEED_TASK = "backoffice.feed_pull"
MIN_INTERVAL_MINUTES = 15
SHOWN_ERRORS = 20


def _schedule(feed: StockFeed, delay: dt.timedelta) -> None:
    """Start a new chain (the previous one, if any, becomes stale)."""
    feed.run_marker = secrets.token_hex(8)
    feed.next_run_at = timezone.now() + delay
    StockFeed.objects.filter(pk=feed.pk).update(
        run_marker=feed.run_marker, next_run_at=feed.next_run_at
    )
    task_enqueue(
        name=FEED_TASK,
        kwargs={"feed_id": feed.pk, "marker": feed.run_marker},
        territory_id=feed.territory_id,
        delay=delay,
    )


def feed_save(*, shop: Shop, url: str, interval_minutes: int, is_active: bool) -> StockFeed:
    """Create or change the shop's feed; an active feed is pulled at once, then on schedule."""
    try:
        check_feed_url(url)
    except FeedFetchError as error:
        raise ValueError(error.message) from None
    interval = max(interval_minutes, MIN_INTERVAL_MINUTES)
    with transaction.atomic():
        feed, _created = StockFeed.objects.update_or_create(
            shop=shop,
            defaults={
                "territory_id": shop.territory_id,
                "url": url,
                "interval_minutes": interval,
                "is_active": is_active,
            },
        )
        if is_active:
            _schedule(feed, dt.timedelta())
        else:
            StockFeed.objects.filter(pk=feed.pk).update(run_marker="", next_run_at=None)
    return feed


def feed_pull_now(*, shop: Shop) -> StockFeed | None:
    feed = StockFeed.objects.filter(territory_id=shop.territory_id, shop=shop).first()
    if feed is None:
        return None
    with transaction.atomic():
        _schedule(feed, dt.timedelta())
    return feed


def _record(feed: StockFeed, status: str, message: str, errors=None, counts=None) -> None:
    StockFeed.objects.filter(pk=feed.pk).update(
        last_run_at=timezone.now(),
        last_status=status,
        last_message=message,
        last_errors=errors or [],
        last_counts=counts or {},
    )


def feed_pull(*, feed_id: int, marker: str) -> str:
    """One scheduled pull; returns the state it recorded ("stale" when superseded)."""
    feed = (
        StockFeed.objects.select_related("shop__territory", "shop__category")
        .filter(pk=feed_id)
        .first()
    )
    if feed is None or not feed.is_active or feed.run_marker != marker:
        return "stale"
    try:
        status = _pull(feed)
    finally:
        # Whatever happened, the chain goes on (a failing feed is retried next time).
        with transaction.atomic():
            current = StockFeed.objects.select_for_update().filter(pk=feed.pk).first()
            if current is not None and current.is_active and current.run_marker == marker:
                _schedule(current, dt.timedelta(minutes=current.interval_minutes))
    return status


def _pull(feed: StockFeed) -> str:
    try:
        content = feed_fetch(feed.url)
        sheet = read_table(content)
    except (FeedFetchError, FileError) as error:
        _record(feed, StockFeed.Status.FAILED, error.message)
        return StockFeed.Status.FAILED
    header_index = locate_header(sheet)
    headers = [display_value(cell) for cell in sheet.rows[header_index][1]]
    mapping = guess_mapping(headers)
    if not {"sku", "gtin"} & set(mapping) or not {"stock", "price"} & set(mapping):
        _record(
            feed,
            StockFeed.Status.FAILED,
            _(
                "Colonnes non reconnues : il faut la référence (ou l'EAN) et le stock "
                "(ou le prix). En-têtes lus : %(value)s."
            )
            % {"value": ", ".join(h for h in headers if h)[:300]},
        )
        return StockFeed.Status.FAILED
    validation = validate_sheet(
        sheet=sheet, header_index=header_index, mapping=mapping, shop=feed.shop
    )
    if not validation.ok:
        _record(
            feed,
            StockFeed.Status.FAILED,
            _("%(errors)s erreur(s) dans le fichier : rien n'a été modifié.")
            % {"errors": len(validation.errors)},
            [error.as_dict() for error in validation.errors[:SHOWN_ERRORS]],
        )
        return StockFeed.Status.FAILED
    try:
        with transaction.atomic():
            summary = import_apply(
                shop=feed.shop,
                validation=validation,
                deactivate_missing=False,
                actor_id=None,
                reference=f"feed:{feed.pk}",
                reason=StockMovement.Reason.SYNC,
            )
            offer_ids = summary.offer_ids_changed
            if offer_ids:
                transaction.on_commit(lambda: search_index_offers_changed(offer_ids=offer_ids))
    except DatabaseError as error:
        logger.warning("Stock feed %s rolled back: %s", feed.pk, error)
        _record(
            feed,
            StockFeed.Status.FAILED,
            _("Le catalogue changeait en même temps : réessai au prochain passage."),
        )
        return StockFeed.Status.FAILED
    _record(
        feed,
        StockFeed.Status.OK,
        _("%(updated)s article(s) mis à jour, %(created)s ajouté(s), %(unchanged)s inchangé(s).")
        % {"updated": summary.updated, "created": summary.created, "unchanged": summary.unchanged},
        counts={
            "created": summary.created,
            "updated": summary.updated,
            "unchanged": summary.unchanged,
        },
    )
    return StockFeed.Status.OK

"""Housekeeping the worker runs by itself once a day."""

from __future__ import annotations

import datetime as dt
import logging
from importlib import import_module

from django.conf import settings
from django.utils import timezone

from cabas.cart.services import carts_purge_abandoned
from cabas.tasks.registry import task

HOUSEKEEPING_TASK = "ops.housekeeping"
# Longer than a session lives (SESSION_COOKIE_AGE, two weeks): nobody can reach these carts.
ABANDONED_CART_AGE = dt.timedelta(days=30)

logger = logging.getLogger("cabas.ops")


@task(HOUSEKEEPING_TASK, max_attempts=1, every=dt.timedelta(days=1))
def housekeeping() -> dict[str, int]:
    """Delete abandoned anonymous carts and expired sessions."""
    carts = carts_purge_abandoned(now=timezone.now(), older_than=ABANDONED_CART_AGE)
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
    logger.info("housekeeping: %d abandoned carts deleted", carts)
    return {"carts": carts}

"""Ending every session of some users, whatever the session engine.

Both engines Cabas uses keep every session in the database (``db``, and ``cached_db``
which writes through to it), so the table is the complete index: the sessions still
alive are decoded in chunks and those of the given users are deleted through the
engine's own store, which also drops the cached copy (Redis) under ``cached_db``.
Cost: one pass over the live sessions per call, whatever the number of users
(the purge ends the sessions of all its accounts in one call).
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.utils import timezone


def sessions_end_for_users(user_ids: Iterable[int]) -> int:
    """Delete every live session logged in as one of ``user_ids``; returns how many."""
    wanted = {str(user_id) for user_id in user_ids}
    if not wanted:
        return 0
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    decoder = store_class()
    doomed = []
    live = Session.objects.filter(expire_date__gt=timezone.now()).values_list(
        "session_key", "session_data"
    )
    for session_key, session_data in live.iterator(chunk_size=2000):
        if str(decoder.decode(session_data).get(SESSION_KEY, "")) in wanted:
            doomed.append(session_key)
    for session_key in doomed:
        store_class(session_key=session_key).delete()
    return len(doomed)

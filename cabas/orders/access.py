"""Which checkouts a guest may see: those made from this browser session."""

from __future__ import annotations

from django.contrib.sessions.backends.base import SessionBase

SESSION_CHECKOUTS_KEY = "checkout_ids"
REMEMBERED = 20


def remember_checkout(session: SessionBase, checkout_id: int) -> None:
    ids = [i for i in session.get(SESSION_CHECKOUTS_KEY, []) if isinstance(i, int)]
    if checkout_id not in ids:
        ids.append(checkout_id)
    session[SESSION_CHECKOUTS_KEY] = ids[-REMEMBERED:]


def session_checkout_ids(session: SessionBase) -> list[int]:
    return [i for i in session.get(SESSION_CHECKOUTS_KEY, []) if isinstance(i, int)]

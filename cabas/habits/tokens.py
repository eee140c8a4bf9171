"""Signed links for one-click unsubscribe, salted per purpose.

A token names the shopper and the territory; a token made for the digest does not
unsubscribe from alerts (each purpose has its own salt), and a forged or altered token
fails the signature check.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing

PURPOSES = {
    "alertes": "cabas.habits.unsubscribe.alerts",
    "lettre": "cabas.habits.unsubscribe.digest",
}
ALERTS = "alertes"
DIGEST = "lettre"


@dataclass(frozen=True)
class Unsubscribe:
    purpose: str
    user_id: int
    territory_id: int


def unsubscribe_token(*, purpose: str, user_id: int, territory_id: int) -> str:
    return signing.dumps({"u": user_id, "t": territory_id}, salt=PURPOSES[purpose], compress=True)


def unsubscribe_read(*, purpose: str, token: str) -> Unsubscribe | None:
    """The request the token carries, or None when it is unknown, forged or malformed."""
    salt = PURPOSES.get(purpose)
    if salt is None or len(token) > 200:
        return None
    try:
        data = signing.loads(token, salt=salt)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    user_id, territory_id = data.get("u"), data.get("t")
    if not isinstance(user_id, int) or not isinstance(territory_id, int):
        return None
    return Unsubscribe(purpose=purpose, user_id=user_id, territory_id=territory_id)

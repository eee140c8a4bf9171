"""Login throttling against password guessing and credential stuffing.

Failed log-ins are counted in the cache (Redis in production, shared by every web
instance) per address tried and per client IP, over a sliding-enough window of
``WINDOW`` (each failure restarts the key's lifetime). Past the limit, the log-in form
refuses without checking the password — so a guesser learns nothing and costs us no
argon2 hash — until the window has passed. A successful log-in clears the address's
counter. The email is stored hashed: the cache never holds the addresses tried.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

WINDOW_SECONDS = 15 * 60
MAX_FAILURES_PER_EMAIL = 5
MAX_FAILURES_PER_IP = 30


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or the address our own proxy put last in X-Forwarded-For."""
    if getattr(settings, "USE_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.rsplit(",", 1)[-1].strip()[:64]
    return str(request.META.get("REMOTE_ADDR", ""))[:64]


def _keys(request: HttpRequest, email: str) -> tuple[str, str]:
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    return f"login-fail:email:{digest}", f"login-fail:ip:{client_ip(request)}"


def login_blocked(request: HttpRequest, email: str) -> bool:
    email_key, ip_key = _keys(request, email)
    counts = cache.get_many([email_key, ip_key])
    return (
        counts.get(email_key, 0) >= MAX_FAILURES_PER_EMAIL
        or counts.get(ip_key, 0) >= MAX_FAILURES_PER_IP
    )


def login_failed(request: HttpRequest, email: str) -> None:
    for key in _keys(request, email):
        if not cache.add(key, 1, WINDOW_SECONDS):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.add(key, 1, WINDOW_SECONDS)
            else:
                cache.touch(key, WINDOW_SECONDS)


def login_succeeded(request: HttpRequest, email: str) -> None:
    email_key, _ip_key = _keys(request, email)
    cache.delete(email_key)


RESET_WINDOW_SECONDS = 60 * 60
MAX_RESETS_PER_EMAIL = 3
MAX_RESETS_PER_IP = 20


def reset_allowed(request: HttpRequest, email: str) -> bool:
    """Count a password-reset request; False past 3 per address or 20 per IP an hour
    (the page looks the same either way: no inbox is flooded, nothing is revealed)."""
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    allowed = True
    for key, limit in (
        (f"reset:email:{digest}", MAX_RESETS_PER_EMAIL),
        (f"reset:ip:{client_ip(request)}", MAX_RESETS_PER_IP),
    ):
        if cache.add(key, 1, RESET_WINDOW_SECONDS):
            continue
        try:
            count = cache.incr(key)
        except ValueError:
            cache.add(key, 1, RESET_WINDOW_SECONDS)
            continue
        allowed = allowed and count <= limit
    return allowed

"""Downloading a merchant's stock feed: http(s) only, size- and time-bounded, public hosts.

The URL is typed by a merchant, so the server must not become a way into the
private network (SSRF): every address the host name resolves to must be public.
``BACKOFFICE_FEEDS_ALLOW_PRIVATE`` (tests, a feed on the same machine in development)
lifts that rule.
"""

from __future__ import annotations

import ipaddress
import socket
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from ..imports.readers import MAX_IMPORT_BYTES

TIMEOUT_SECONDS = 20
USER_AGENT = "Cabas stock feed (+https://www.gnu.org/licenses/agpl-3.0.html)"


class FeedFetchError(Exception):
    """``message`` is French, for the merchant's sync status."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def _check_host(host: str, port: int) -> None:
    if getattr(settings, "BACKOFFICE_FEEDS_ALLOW_PRIVATE", False):
        return
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except socket.gaierror:
        raise FeedFetchError(
            _("Le serveur « %(host)s » est introuvable.") % {"host": host}
        ) from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise FeedFetchError(
                _(
                    "L'adresse « %(host)s » mène à un réseau privé : seuls les serveurs "
                    "publics sont acceptés."
                )
                % {"host": host}
            )


def check_feed_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FeedFetchError(_("L'adresse doit commencer par https:// (ou http://)."))
    if parts.username or parts.password:
        raise FeedFetchError(_("L'adresse ne doit pas contenir d'identifiant ni de mot de passe."))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        # Each hop is checked like the first one.
        check_feed_url(newurl)
        parts = urlsplit(newurl)
        _check_host(parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80))
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def feed_fetch(url: str) -> bytes:
    """The file at ``url`` (at most the import size limit) or FeedFetchError."""
    check_feed_url(url)
    parts = urlsplit(url)
    _check_host(parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80))
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})  # noqa: S310
    try:
        with opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            data = response.read(MAX_IMPORT_BYTES + 1)
    except urllib.error.HTTPError as error:
        raise FeedFetchError(
            _("Le serveur a répondu %(code)s (%(reason)s).")
            % {"code": error.code, "reason": error.reason}
        ) from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise FeedFetchError(
            _("Téléchargement impossible : %(reason)s.") % {"reason": reason}
        ) from None
    if len(data) > MAX_IMPORT_BYTES:
        raise FeedFetchError(
            _("Le fichier dépasse %(value)s Mo : il n'est pas importé.")
            % {"value": MAX_IMPORT_BYTES // 1024 // 1024}
        )
    return data

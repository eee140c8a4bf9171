"""The Content-Security-Policy of every page, built from the settings it depends on.

No 'unsafe-inline' and no 'unsafe-eval', for scripts and styles alike: the templates
carry no inline script, handler or style attribute (territory colours come from
``/theme/…css``, see ``cabas/web/theme.py``). Leaflet moves tiles and markers through the
CSSOM, which the policy allows; htmx is told not to inject its indicator ``<style>``
(``htmx-config`` meta in ``web/base.html``). JSON-LD and ``json_script`` blocks are data,
never executed, so ``script-src`` does not apply to them.

Kept free of Django imports: ``settings.py`` calls it while settings are being built.
"""

from __future__ import annotations

from urllib.parse import urlsplit

SELF = "'self'"
NONE = "'none'"

# Stripe Checkout: the checkout form posts to us and we answer with a redirect there;
# Chromium applies form-action to redirects that follow a form submission.
STRIPE_CHECKOUT_ORIGIN = "https://checkout.stripe.com"
# The local fake provider (PAYMENT_PROVIDER=fake, demo only) listens on a random loopback port.
FAKE_PROVIDER_ORIGINS = ("http://127.0.0.1:*", "http://localhost:*")


def url_origin(url: str) -> str:
    """``scheme://host[:port]`` of an absolute http(s) URL or template, else ``""``.

    Tile templates may use a ``{s}`` subdomain placeholder (``https://{s}.tile.example/``):
    that becomes a ``*.`` wildcard, which CSP host sources accept.
    """
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    host = parts.netloc.rsplit("@", 1)[-1]
    if host.startswith("{s}."):
        host = "*." + host[len("{s}.") :]
    if "{" in host or "}" in host or " " in host or ";" in host:
        return ""
    return f"{parts.scheme}://{host}"


def _unique(values: list[str]) -> list[str]:
    seen: list[str] = []
    for value in values:
        if value and value not in seen:
            seen.append(value)
    return seen


def content_security_policy(
    *,
    tile_url: str,
    image_hosts: list[str],
    media_url: str,
    static_url: str,
    payment_provider: str,
) -> dict[str, list[str]]:
    """The directives for django-csp's ``CONTENT_SECURITY_POLICY["DIRECTIVES"]``."""
    assets = [url_origin(media_url), url_origin(static_url)]
    images = [SELF, "data:", url_origin(tile_url), *assets]
    images += [url_origin(host) or "" for host in image_hosts]
    form_action = [SELF]
    if payment_provider == "stripe":
        form_action.append(STRIPE_CHECKOUT_ORIGIN)
    elif payment_provider == "fake":
        form_action.extend(FAKE_PROVIDER_ORIGINS)
    return {
        "default-src": [SELF],
        "script-src": _unique([SELF, url_origin(static_url)]),
        "style-src": _unique([SELF, url_origin(static_url)]),
        "img-src": _unique(images),
        "font-src": _unique([SELF, url_origin(static_url)]),
        "connect-src": [SELF],
        "media-src": [SELF],
        "object-src": [NONE],
        "frame-src": [NONE],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "form-action": form_action,
        "worker-src": [SELF],
        "manifest-src": [SELF],
    }

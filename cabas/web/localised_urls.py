"""A page's address in another language, as Django's ``translate_url`` gives it, memoised.

Every page asks for it up to five times (the canonical and ``hreflang`` links of the head,
the language switch), and each call resolves the path through the whole URLconf. The
answer depends only on the address, the languages and the URLconf, so it is kept per
process for the addresses asked for most recently.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, translate_url
from django.utils.translation import get_language

# Addresses carry visitors' query strings: the memo is bounded.
MEMO_SIZE = 2048


def translated_url(url: str, language: str) -> str:
    """``translate_url(url, language)``: the same answer, computed once per address."""
    return _translated(url, language, get_language(), _urlconf(), get_script_prefix())


def translated_urls(url: str, languages: Iterable[str]) -> dict[str, str]:
    """``{language: translate_url(url, language)}`` for each of ``languages``."""
    active, urlconf, prefix = get_language(), _urlconf(), get_script_prefix()
    return {language: _translated(url, language, active, urlconf, prefix) for language in languages}


def _urlconf() -> object:
    """The URLconf addresses are resolved with: the request's own, else the setting's."""
    return get_urlconf() or settings.ROOT_URLCONF


@lru_cache(maxsize=MEMO_SIZE)
def _translated(url: str, language: str, active: str | None, urlconf: object, prefix: str) -> str:
    # What translate_url reads besides its arguments — the active language (the path is
    # resolved in it), the URLconf and the script prefix — is in the key.
    return translate_url(url, language)

"""The territory's branding in templates: its accent colour as a CSS variable."""

from __future__ import annotations

import re

from django import template

register = template.Library()

DEFAULT_ACCENT = "#f4b942"
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


@register.filter
def accent_style(colour: str) -> str:
    """``--accent:#rrggbb`` for the ``style`` of <html>; the default for anything else."""
    value = (colour or "").strip()
    return f"--accent:{value.lower() if _HEX.match(value) else DEFAULT_ACCENT}"

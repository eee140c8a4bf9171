"""The installable web app: a manifest per territory, its icons, the service worker.

The manifest names the territory, takes its colour and starts on its home page. Icons
are drawn with Pillow from the territory's colour (the basket of the site logo, white
on the colour), so a new territory is installable without uploading anything. The
service worker is one file at ``/sw.js`` (root scope) for every territory.
"""

from __future__ import annotations

import hashlib
import io
import json
from functools import lru_cache

from django.templatetags.static import static
from django.urls import reverse
from PIL import Image, ImageDraw

from cabas.territories.models import Territory
from cabas.web.formatting import accessible_brand

ICON_SIZES = (192, 512)
# Bump when the service worker's logic changes: clients drop the old shell cache.
SERVICE_WORKER_VERSION = "2"
SHELL_FILES = (
    "web/cabas.css",
    "search/search.css",
    "web/favicon.svg",
    "vendor/htmx/htmx.min.js",
    "habits/pwa.js",
    "habits/habits.css",
)


def theme_colour(territory: Territory) -> str:
    return accessible_brand(territory.primary_colour)


def manifest(territory: Territory, *, language: str) -> dict[str, object]:
    home = reverse("web:territory_home", args=[territory.slug])
    icons: list[dict[str, str]] = []
    for size in ICON_SIZES:
        for purpose in ("any", "maskable"):
            icons.append(
                {
                    "src": reverse(
                        "habits_root:icon",
                        args=[territory.slug, purpose, size],
                    ),
                    "sizes": f"{size}x{size}",
                    "type": "image/png",
                    "purpose": purpose,
                }
            )
    return {
        "id": home,
        "name": f"Cabas — {territory.name}",
        "short_name": territory.name[:12] if len(territory.name) <= 12 else "Cabas",
        "description": territory.tagline
        or f"Les commerces indépendants de {territory.name} : horaires, services, stock.",
        "lang": language,
        "dir": "ltr",
        "start_url": f"{home}?source=app",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": theme_colour(territory),
        "categories": ["shopping", "food"],
        "icons": icons,
    }


def manifest_json(territory: Territory, *, language: str) -> str:
    return json.dumps(manifest(territory, language=language), ensure_ascii=False, indent=1)


def _hex_to_rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


@lru_cache(maxsize=64)
def icon_png(colour: str, size: int, maskable: bool) -> bytes:
    """A square PNG: the basket in white on ``colour``.

    The maskable icon fills the whole square and keeps the basket inside the central
    safe zone (80 %); the plain one is a rounded square with a larger basket.
    """
    scale = 4  # drawn large then reduced: smooth edges without anti-aliasing support
    side = size * scale
    image = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    rgb = _hex_to_rgb(colour)
    if maskable:
        draw.rectangle((0, 0, side, side), fill=rgb)
        unit = side * 0.5 / 32  # the 32-unit logo in the middle half
    else:
        draw.rounded_rectangle((0, 0, side - 1, side - 1), radius=side // 5, fill=rgb)
        unit = side * 0.7 / 32
    offset = (side - 32 * unit) / 2

    def at(x: float, y: float) -> tuple[float, float]:
        return offset + x * unit, offset + y * unit

    white = (255, 255, 255)
    # The bag: a trapezoid from (5,12)-(27,12) down to (7.2,29)-(24.8,29).
    draw.polygon([at(5, 12), at(27, 12), at(24.8, 29), at(7.2, 29)], fill=white)
    # The handle: an arch from x=11 to x=21 above the bag.
    width = max(1, round(2.5 * unit))
    draw.arc((*at(11, 4), *at(21, 14)), start=180, end=360, fill=white, width=width)
    draw.line([at(11, 9), at(11, 13)], fill=white, width=width)
    draw.line([at(21, 9), at(21, 13)], fill=white, width=width)
    image = image.resize((size, size), Image.Resampling.LANCZOS)
    output = io.BytesIO()
    image.save(output, format="PNG", optimize=True)
    return output.getvalue()


def shell_urls() -> list[str]:
    return [static(name) for name in SHELL_FILES]


def service_worker_version(urls: list[str]) -> str:
    digest = hashlib.sha256("\n".join([SERVICE_WORKER_VERSION, *urls]).encode()).hexdigest()
    return digest[:12]

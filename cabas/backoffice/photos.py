"""Product photos uploaded by merchants: checked by content, resized, stripped, stored.

The bytes decide, not the name or the browser's content type: only JPEG, PNG and
WebP images that Pillow decodes fully are kept, at most ``MAX_PHOTO_BYTES`` and
``MAX_PIXELS``; they are re-encoded as JPEG fitting ``MAX_SIDE`` (which also drops
EXIF data such as the GPS position of the phone that took them).
"""

from __future__ import annotations

import io
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import PhotoError

MAX_PHOTO_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 40-megapixel photo; more is a decompression bomb
MAX_SIDE = 1000
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}


def photo_check_size(size: int) -> None:
    if size > MAX_PHOTO_BYTES:
        megabytes = f"{size / 1024 / 1024:.1f}".replace(".", ",")
        raise PhotoError(
            "photo_too_large",
            _("La photo pèse %(megabytes)s Mo ; la limite est de %(value)s Mo.")
            % {"megabytes": megabytes, "value": MAX_PHOTO_BYTES // 1024 // 1024},
            field="photo",
        )


def photo_process(data: bytes) -> bytes:
    """The photo as a JPEG at most MAX_SIDE pixels wide and high; raises PhotoError."""
    photo_check_size(len(data))
    try:
        with Image.open(io.BytesIO(data)) as probe:
            image_format = probe.format
            width, height = probe.size
            if image_format not in ACCEPTED_FORMATS:
                raise PhotoError(
                    "photo_type",
                    _("Formats acceptés : JPEG, PNG ou WebP."),
                    field="photo",
                )
            if width * height > MAX_PIXELS:
                raise PhotoError(
                    "photo_pixels",
                    _("Cette image est trop grande (plus de 40 mégapixels)."),
                    field="photo",
                )
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            if image.mode in ("RGBA", "LA", "P"):
                image = image.convert("RGBA")
                background = Image.new("RGB", image.size, (255, 255, 255))
                background.paste(image, mask=image.getchannel("A"))
                image = background
            elif image.mode != "RGB":
                image = image.convert("RGB")
            image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
            output = io.BytesIO()
            image.save(output, format="JPEG", quality=85, optimize=True)
    except PhotoError:
        raise
    except Image.DecompressionBombError:
        # Pillow refuses to open images far past its own pixel limit: say why.
        raise PhotoError(
            "photo_pixels",
            _("Cette image est trop grande (plus de 40 mégapixels)."),
            field="photo",
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise PhotoError(
            "photo_unreadable",
            _("Ce fichier n'est pas une image lisible (JPEG, PNG ou WebP)."),
            field="photo",
        ) from None
    return output.getvalue()


def photo_store(*, territory_id: int, shop_id: int, data: bytes) -> str:
    """Save a processed photo under a random name; returns its storage URL."""
    name = default_storage.save(
        f"products/{territory_id}/{shop_id}/{uuid.uuid4().hex}.jpg", ContentFile(data)
    )
    return default_storage.url(name)

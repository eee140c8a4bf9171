"""Creating territories and changing their settings and branding.

Invariants:
- input is checked in full before the first write, and everything a change writes
  (the territory, its default pages, its operators, the audit entry) commits
  together or not at all (DESIGN 9);
- a slug is never one of ``RESERVED_SLUGS`` (it would shadow a site URL) nor taken;
- a logo is stored only after Pillow has decoded it fully and it has been
  re-encoded as PNG (no script, no metadata ever served from the upload).
"""

from __future__ import annotations

import io
import re
import uuid
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass, fields

from babel.numbers import is_currency
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from cabas.accounts.models import User
from cabas.audit import actions
from cabas.audit.services import audit_record
from cabas.pages.services import pages_create_defaults

from .errors import TerritoryError
from .middleware import domain_cache_key
from .models import RESERVED_SLUGS, Territory, TerritoryMembership

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
HOSTNAME = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
MAX_COMMISSION_BP = 10_000
MAX_LOGO_BYTES = 1024 * 1024
MIN_LOGO_SIDE = 64
MAX_LOGO_SIDE = 4000
MAX_LOGO_RATIO = 8
LOGO_BOX = (600, 200)
LOGO_FORMATS = {"PNG", "JPEG", "WEBP"}


def _timezones() -> set[str]:
    return zoneinfo.available_timezones()


def check_slug(slug: str) -> str:
    value = (slug or "").strip()
    if not value:
        raise TerritoryError("slug_required", _("Indiquez l'identifiant du territoire."), "slug")
    if len(value) > 50 or not SLUG.match(value):
        raise TerritoryError(
            "slug_invalid",
            _(
                "L'identifiant « %(slug)s » ne convient pas : lettres minuscules sans accent, "
                "chiffres et tirets uniquement (50 caractères au plus), par exemple "
                "« saint-malo »."
            )
            % {"slug": value[:60]},
            "slug",
        )
    if value in RESERVED_SLUGS:
        raise TerritoryError(
            "slug_reserved",
            _("L'identifiant « %(slug)s » est réservé par le site ; choisissez-en un autre.")
            % {"slug": value},
            "slug",
        )
    if Territory.objects.filter(slug__iexact=value).exists():
        raise TerritoryError(
            "slug_taken",
            _("L'identifiant « %(slug)s » est déjà pris par un autre territoire.")
            % {"slug": value},
            "slug",
        )
    return value


def check_name(name: str) -> str:
    value = " ".join((name or "").split())
    if len(value) < 2:
        raise TerritoryError("name_required", _("Indiquez le nom du territoire."), "name")
    if len(value) > 120:
        raise TerritoryError("name_too_long", _("Le nom dépasse 120 caractères."), "name")
    return value


def check_commission(value: int) -> int:
    if value < 0:
        raise TerritoryError(
            "commission_negative",
            _("La commission ne peut pas être négative."),
            "commission_bp",
        )
    if value > MAX_COMMISSION_BP:
        raise TerritoryError(
            "commission_too_high",
            _("La commission ne peut pas dépasser 100 % (10 000 points de base)."),
            "commission_bp",
        )
    return value


def check_colour(value: str, field: str) -> str:
    colour = (value or "").strip()
    if not COLOUR.match(colour):
        raise TerritoryError(
            "colour_invalid",
            _(
                "« %(value)s » n'est pas une couleur : utilisez le format #RRGGBB, "
                "par exemple #1d5e3a."
            )
            % {"value": colour[:20]},
            field,
        )
    return colour.lower()


def check_centre(lat: float, lon: float) -> tuple[float, float]:
    if not -90 <= lat <= 90:
        raise TerritoryError("latitude_invalid", _("La latitude va de -90 à 90."), "centre_lat")
    if not -180 <= lon <= 180:
        raise TerritoryError("longitude_invalid", _("La longitude va de -180 à 180."), "centre_lon")
    return lat, lon


def parse_centre(text: str) -> tuple[float, float]:
    """``"48.11,-1.68"`` → ``(48.11, -1.68)``; raises TerritoryError with a French message."""
    parts = [part.strip() for part in (text or "").split(",")]
    try:
        lat, lon = (float(part) for part in parts)
    except ValueError:
        raise TerritoryError(
            "centre_invalid",
            _("Le centre s'écrit LATITUDE,LONGITUDE en degrés décimaux, par exemple 48.11,-1.68."),
            "centre",
        ) from None
    return check_centre(lat, lon)


def check_timezone(value: str) -> str:
    if value not in _timezones():
        raise TerritoryError(
            "timezone_invalid",
            _("Fuseau horaire inconnu : « %(value)s » (par exemple Europe/Paris).")
            % {"value": value[:64]},
            "timezone",
        )
    return value


def check_currency(value: str) -> str:
    code = (value or "").strip().upper()
    if len(code) != 3 or not is_currency(code):
        raise TerritoryError(
            "currency_invalid",
            _("Devise inconnue : « %(value)s » (code ISO 4217, par exemple EUR).")
            % {"value": value[:10]},
            "currency",
        )
    return code


def check_languages(codes: Sequence[str]) -> str:
    known = [code for code, _name in settings.LANGUAGES]
    chosen = [code for code in known if code in set(codes)]
    unknown = sorted(set(codes) - set(known))
    if unknown:
        raise TerritoryError(
            "language_unknown",
            _("Langue non prise en charge : %(codes)s.") % {"codes": ", ".join(unknown)},
            "languages",
        )
    if settings.LANGUAGE_CODE not in chosen:
        raise TerritoryError(
            "language_default_required",
            _("Le français est toujours proposé."),
            "languages",
        )
    return ",".join(chosen)


def check_domain(value: str, territory: Territory | None) -> str:
    domain = (value or "").strip().lower().rstrip(".")
    if not domain:
        return ""
    if not HOSTNAME.match(domain):
        raise TerritoryError(
            "domain_invalid",
            _("« %(value)s » n'est pas un nom de domaine (par exemple commerces.ville.fr).")
            % {"value": value[:60]},
            "domain",
        )
    taken = Territory.objects.filter(domain=domain)
    if territory is not None:
        taken = taken.exclude(pk=territory.pk)
    if taken.exists():
        raise TerritoryError(
            "domain_taken", _("Ce nom de domaine est déjà celui d'un autre territoire."), "domain"
        )
    return domain


def check_email(value: str, field: str = "contact_email") -> str:
    email = (value or "").strip()
    if not email:
        return ""
    try:
        validate_email(email)
    except ValidationError:
        raise TerritoryError(
            "email_invalid",
            _("« %(value)s » n'est pas une adresse e-mail.") % {"value": email[:80]},
            field,
        ) from None
    return email


def _check_range(value: int, low: int, high: int, field: str, message: str) -> int:
    if not low <= value <= high:
        raise TerritoryError("out_of_range", message, field)
    return value


@dataclass(frozen=True)
class NewTerritory:
    slug: str
    name: str
    centre_lat: float
    centre_lon: float
    timezone: str = "Europe/Paris"
    currency: str = "EUR"
    commission_bp: int = 0
    primary_colour: str = "#1d5e3a"
    operator_name: str = ""
    contact_email: str = ""


def territory_create(
    *,
    data: NewTerritory,
    actor: User | None,
    operator_emails: Sequence[str] = (),
    actor_label: str = "",
) -> Territory:
    """A new territory with its default pages (and operators); nothing is saved on error."""
    slug = check_slug(data.slug)
    name = check_name(data.name)
    lat, lon = check_centre(data.centre_lat, data.centre_lon)
    tz = check_timezone(data.timezone)
    currency = check_currency(data.currency)
    commission = check_commission(data.commission_bp)
    colour = check_colour(data.primary_colour, "primary_colour")
    contact = check_email(data.contact_email)
    operators = []
    for email in operator_emails:
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise TerritoryError(
                "operator_unknown",
                _("Aucun compte n'existe pour %(email)s : la personne doit d'abord s'inscrire.")
                % {"email": email.strip()[:120]},
                "operator_email",
            )
        operators.append(user)
    try:
        with transaction.atomic():
            territory = Territory.objects.create(
                slug=slug,
                name=name,
                centre_lat=lat,
                centre_lon=lon,
                timezone=tz,
                currency=currency,
                commission_bp=commission,
                primary_colour=colour,
                operator_name=" ".join(data.operator_name.split())[:200],
                contact_email=contact,
            )
            pages_create_defaults(territory=territory)
            TerritoryMembership.objects.bulk_create(
                [
                    TerritoryMembership(
                        territory=territory, user=user, role=TerritoryMembership.Role.OPERATOR
                    )
                    for user in operators
                ]
            )
            audit_record(
                actor=actor,
                territory=territory,
                action=actions.TERRITORY_CREATE,
                target=territory,
                details={
                    "slug": slug,
                    "commission_bp": commission,
                    "operators": [user.email for user in operators],
                },
                actor_label=actor_label,
            )
    except IntegrityError:
        # Another admin created the same slug between the check and the insert.
        raise TerritoryError(
            "slug_taken",
            _("L'identifiant « %(slug)s » est déjà pris par un autre territoire.") % {"slug": slug},
            "slug",
        ) from None
    return territory


@dataclass(frozen=True)
class TerritorySettings:
    name: str
    tagline: str
    primary_colour: str
    accent_colour: str
    languages: tuple[str, ...]
    commission_bp: int
    operator_name: str
    contact_email: str
    default_slot_minutes: int
    default_lead_minutes: int
    default_capacity_per_slot: int
    default_horizon_days: int


def settings_of(territory: Territory) -> TerritorySettings:
    values = {f.name: getattr(territory, f.name) for f in fields(TerritorySettings)}
    values["languages"] = tuple(territory.language_codes)
    return TerritorySettings(**values)


def territory_update_settings(
    *, territory: Territory, values: TerritorySettings, actor: User | None
) -> Territory:
    """Change what the operator sets: name, branding colours, languages, rules, defaults."""
    clean = {
        "name": check_name(values.name),
        "tagline": " ".join(values.tagline.split())[:200],
        "primary_colour": check_colour(values.primary_colour, "primary_colour"),
        "accent_colour": check_colour(values.accent_colour, "accent_colour"),
        "languages": check_languages(values.languages),
        "commission_bp": check_commission(values.commission_bp),
        "operator_name": " ".join(values.operator_name.split())[:200],
        "contact_email": check_email(values.contact_email),
        "default_slot_minutes": _check_range(
            values.default_slot_minutes,
            5,
            480,
            "default_slot_minutes",
            _("Un créneau dure de 5 à 480 minutes."),
        ),
        "default_lead_minutes": _check_range(
            values.default_lead_minutes,
            0,
            14 * 24 * 60,
            "default_lead_minutes",
            _("Le délai de préparation va de 0 minute à 14 jours."),
        ),
        "default_capacity_per_slot": _check_range(
            values.default_capacity_per_slot,
            1,
            1000,
            "default_capacity_per_slot",
            _("Un créneau accepte de 1 à 1 000 commandes."),
        ),
        "default_horizon_days": _check_range(
            values.default_horizon_days,
            1,
            14,
            "default_horizon_days",
            _("Les créneaux sont proposés sur 1 à 14 jours."),
        ),
    }
    with transaction.atomic():
        locked = Territory.objects.select_for_update().get(pk=territory.pk)
        changed = {
            name: {"from": getattr(locked, name), "to": value}
            for name, value in clean.items()
            if getattr(locked, name) != value
        }
        if not changed:
            return locked
        for name in changed:
            setattr(locked, name, clean[name])
        locked.save(update_fields=sorted(changed))
        audit_record(
            actor=actor,
            territory=locked,
            action=actions.TERRITORY_SETTINGS,
            target=locked,
            details=changed,
        )
    return locked


def territory_set_domain(*, territory: Territory, domain: str, actor: User | None) -> Territory:
    """The territory's own domain name (platform admins only: it needs DNS and TLS)."""
    value = check_domain(domain, territory)
    with transaction.atomic():
        locked = Territory.objects.select_for_update().get(pk=territory.pk)
        if locked.domain == value:
            return locked
        previous = locked.domain
        locked.domain = value
        try:
            with transaction.atomic():
                locked.save(update_fields=["domain"])
        except IntegrityError:
            raise TerritoryError(
                "domain_taken",
                _("Ce nom de domaine est déjà celui d'un autre territoire."),
                "domain",
            ) from None
        audit_record(
            actor=actor,
            territory=locked,
            action=actions.TERRITORY_SETTINGS,
            target=locked,
            details={"domain": {"from": previous, "to": value}},
        )
        # The middleware caches host → territory; forget both names once this commits.
        forget = [domain_cache_key(name) for name in (previous, value) if name]
        transaction.on_commit(lambda: cache.delete_many(forget))
    return locked


def logo_process(data: bytes) -> bytes:
    """The logo as a PNG fitting ``LOGO_BOX``; raises TerritoryError naming what is wrong."""
    if len(data) > MAX_LOGO_BYTES:
        raise TerritoryError(
            "logo_too_large",
            _("Le logo pèse %(size)s Ko ; la limite est de %(max)s Ko.")
            % {"size": len(data) // 1024, "max": MAX_LOGO_BYTES // 1024},
            "logo",
        )
    head = data[:512].lstrip().lower()
    if head.startswith((b"<?xml", b"<svg")) or b"<svg" in head:
        raise TerritoryError(
            "logo_svg",
            _("Les logos SVG ne sont pas acceptés : exportez-le en PNG."),
            "logo",
        )
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in LOGO_FORMATS:
                raise TerritoryError(
                    "logo_type", _("Formats acceptés : PNG, JPEG ou WebP."), "logo"
                )
            width, height = probe.size
            probe.verify()
    except TerritoryError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        raise TerritoryError(
            "logo_unreadable",
            _("Ce fichier n'est pas une image lisible (PNG, JPEG ou WebP)."),
            "logo",
        ) from None
    if min(width, height) < MIN_LOGO_SIDE:
        raise TerritoryError(
            "logo_too_small",
            _("Le logo mesure %(w)s × %(h)s pixels ; il en faut au moins %(min)s de côté.")
            % {"w": width, "h": height, "min": MIN_LOGO_SIDE},
            "logo",
        )
    if max(width, height) > MAX_LOGO_SIDE:
        raise TerritoryError(
            "logo_too_big",
            _("Le logo mesure %(w)s × %(h)s pixels ; %(max)s au plus de côté.")
            % {"w": width, "h": height, "max": MAX_LOGO_SIDE},
            "logo",
        )
    if max(width, height) > MAX_LOGO_RATIO * min(width, height):
        raise TerritoryError(
            "logo_ratio",
            _(
                "Le logo est trop allongé (%(w)s × %(h)s pixels) : %(ratio)s fois plus "
                "large que haut au plus."
            )
            % {"w": width, "h": height, "ratio": MAX_LOGO_RATIO},
            "logo",
        )
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            converted = image.convert("RGBA")
            converted.thumbnail(LOGO_BOX, Image.Resampling.LANCZOS)
            output = io.BytesIO()
            converted.save(output, format="PNG", optimize=True)
    except (OSError, ValueError, Image.DecompressionBombError):
        raise TerritoryError(
            "logo_unreadable",
            _("Ce fichier n'est pas une image lisible (PNG, JPEG ou WebP)."),
            "logo",
        ) from None
    return output.getvalue()


def _delete_file_after_commit(name: str) -> None:
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))


def territory_set_logo(*, territory: Territory, data: bytes, actor: User | None) -> Territory:
    png = logo_process(data)
    with transaction.atomic():
        locked = Territory.objects.select_for_update().get(pk=territory.pk)
        previous = locked.logo.name
        locked.logo.save(f"logo-{uuid.uuid4().hex[:12]}.png", ContentFile(png), save=False)
        locked.save(update_fields=["logo"])
        audit_record(
            actor=actor,
            territory=locked,
            action=actions.TERRITORY_LOGO,
            target=locked,
            details={"bytes": len(png)},
        )
        _delete_file_after_commit(previous)
    return locked


def territory_remove_logo(*, territory: Territory, actor: User | None) -> Territory:
    with transaction.atomic():
        locked = Territory.objects.select_for_update().get(pk=territory.pk)
        previous = locked.logo.name
        if not previous:
            return locked
        locked.logo = ""
        locked.save(update_fields=["logo"])
        audit_record(
            actor=actor, territory=locked, action=actions.TERRITORY_LOGO_REMOVE, target=locked
        )
        _delete_file_after_commit(previous)
    return locked

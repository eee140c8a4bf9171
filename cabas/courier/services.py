"""The territory courier's zones and the shops it serves.

Invariants:
- the zones of one territory never share a postcode (one address, one fee): the
  check runs on the territory row locked, so two operators saving at once cannot
  both slip an overlapping zone in;
- every served shop has exactly one ``fulfilment.DeliveryZone`` per active courier
  zone, equal to it (name, postcodes, fee, minimum): ``_sync`` restores this after
  every change, in the same transaction;
- input is checked before the first write (DESIGN 9); every change is audited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cabas.accounts.models import User
from cabas.audit import actions
from cabas.audit.services import audit_record
from cabas.fulfilment.models import DeliveryZone
from cabas.shops.models import Shop, ShopStatus
from cabas.territories.models import Territory

from .errors import CourierError
from .models import CourierShop, CourierZone, CourierZoneLink

POSTCODE = re.compile(r"^\d{5}$")
MAX_POSTCODES = 80
MAX_FEE_CENTS = 10_000  # 100 €: beyond that it is a typing slip
MAX_MINIMUM_CENTS = 1_000_000
ZONE_PREFIX = "Coursier — "


def normalise_postcodes(text: str) -> list[str]:
    """``"75001, 75002 75003"`` → sorted distinct codes; raises on anything not 5 digits."""
    codes = [code for code in re.split(r"[\s,;]+", text or "") if code]
    if not codes:
        raise CourierError(
            "postcodes_required", _("Indiquez au moins un code postal."), field="postcodes"
        )
    wrong = [code for code in codes if not POSTCODE.match(code)]
    if wrong:
        raise CourierError(
            "postcode_invalid",
            ngettext(
                "« %(codes)s » n'est pas un code postal (5 chiffres).",
                "« %(codes)s » ne sont pas des codes postaux (5 chiffres).",
                len(wrong),
            )
            % {"codes": ", ".join(wrong[:5])},
            field="postcodes",
        )
    unique = sorted(set(codes))
    if len(unique) > MAX_POSTCODES:
        raise CourierError(
            "too_many_postcodes",
            _("Une zone compte au plus %(max)s codes postaux : découpez-la.")
            % {"max": MAX_POSTCODES},
            field="postcodes",
        )
    return unique


@dataclass(frozen=True)
class ZoneInput:
    name: str
    postcodes: str
    fee_cents: int
    minimum_order_cents: int = 0
    is_active: bool = True


def _check(territory: Territory, data: ZoneInput, zone_id: int | None) -> tuple[str, list[str]]:
    name = " ".join(data.name.split())
    if not name:
        raise CourierError("name_required", _("Donnez un nom à la zone."), field="name")
    if len(name) > 60:
        raise CourierError("name_too_long", _("Le nom dépasse 60 caractères."), field="name")
    codes = normalise_postcodes(data.postcodes)
    if not 0 <= data.fee_cents <= MAX_FEE_CENTS:
        raise CourierError(
            "fee_out_of_range",
            _("Les frais de livraison vont de 0 à 100 €."),
            field="fee_cents",
        )
    if not 0 <= data.minimum_order_cents <= MAX_MINIMUM_CENTS:
        raise CourierError(
            "minimum_out_of_range",
            _("La commande minimum va de 0 à 10 000 €."),
            field="minimum_order_cents",
        )
    others = CourierZone.objects.filter(territory=territory)
    if zone_id is not None:
        others = others.exclude(pk=zone_id)
    if others.filter(name__iexact=name).exists():
        raise CourierError("name_taken", _("Une autre zone porte déjà ce nom."), field="name")
    wanted = set(codes)
    for other in others.order_by("name"):
        shared = sorted(wanted.intersection(other.postcode_list))
        if shared:
            raise CourierError(
                "zones_overlap",
                ngettext(
                    "Cette zone chevauche la zone « %(zone)s » sur le code postal %(codes)s : "
                    "un code postal n'appartient qu'à une zone.",
                    "Cette zone chevauche la zone « %(zone)s » sur les codes postaux "
                    "%(codes)s : un code postal n'appartient qu'à une zone.",
                    len(shared),
                )
                % {"zone": other.name, "codes": ", ".join(shared[:10])},
                field="postcodes",
            )
    return name, codes


def _lock_territory(territory: Territory) -> None:
    Territory.objects.select_for_update().filter(pk=territory.pk).values_list("pk").first()


def courier_zone_create(
    *, territory: Territory, data: ZoneInput, actor: User | None
) -> CourierZone:
    with transaction.atomic():
        _lock_territory(territory)
        name, codes = _check(territory, data, None)
        zone = CourierZone.objects.create(
            territory=territory,
            name=name,
            postcodes=" ".join(codes),
            fee_cents=data.fee_cents,
            minimum_order_cents=data.minimum_order_cents,
            is_active=data.is_active,
        )
        _sync(territory)
        audit_record(
            actor=actor,
            territory=territory,
            action=actions.COURIER_ZONE_CREATE,
            target=zone,
            details={"postcodes": codes, "fee_cents": data.fee_cents},
        )
    return zone


def courier_zone_update(
    *, territory: Territory, zone_id: int, data: ZoneInput, actor: User | None
) -> CourierZone:
    with transaction.atomic():
        _lock_territory(territory)
        zone = CourierZone.objects.filter(territory=territory, pk=zone_id).first()
        if zone is None:
            raise CourierError("zone_not_found", _("Cette zone n'existe pas."))
        name, codes = _check(territory, data, zone.pk)
        zone.name = name
        zone.postcodes = " ".join(codes)
        zone.fee_cents = data.fee_cents
        zone.minimum_order_cents = data.minimum_order_cents
        zone.is_active = data.is_active
        zone.save()
        _sync(territory)
        audit_record(
            actor=actor,
            territory=territory,
            action=actions.COURIER_ZONE_UPDATE,
            target=zone,
            details={"postcodes": codes, "fee_cents": data.fee_cents, "active": data.is_active},
        )
    return zone


def courier_zone_delete(*, territory: Territory, zone_id: int, actor: User | None) -> None:
    with transaction.atomic():
        _lock_territory(territory)
        zone = CourierZone.objects.filter(territory=territory, pk=zone_id).first()
        if zone is None:
            raise CourierError("zone_not_found", _("Cette zone n'existe pas."))
        audit_record(
            actor=actor,
            territory=territory,
            action=actions.COURIER_ZONE_DELETE,
            target=zone,
            details={"postcodes": zone.postcode_list},
        )
        DeliveryZone.objects.filter(
            territory=territory, pk__in=zone.links.values("delivery_zone_id")
        ).delete()
        zone.delete()


def courier_shop_set(
    *, territory: Territory, shop_id: int, served: bool, actor: User | None
) -> Shop:
    """Start (``served``) or stop the courier's deliveries for one approved shop."""
    with transaction.atomic():
        _lock_territory(territory)
        shop = Shop.objects.filter(territory=territory, pk=shop_id).first()
        if shop is None:
            raise CourierError("shop_not_found", _("Ce commerce n'existe pas."))
        if served and shop.status != ShopStatus.APPROVED:
            raise CourierError(
                "shop_not_approved",
                _("Le coursier ne sert que des commerces validés."),
            )
        current = CourierShop.objects.filter(territory=territory, shop=shop).exists()
        if served == current:
            return shop
        if served:
            CourierShop.objects.create(territory=territory, shop=shop)
        else:
            CourierShop.objects.filter(territory=territory, shop=shop).delete()
        _sync(territory)
        audit_record(
            actor=actor,
            territory=territory,
            action=actions.COURIER_SHOPS,
            target=shop,
            details={"served": served},
        )
    return shop


def _delivery_zone_fields(zone: CourierZone) -> dict:
    return {
        "name": (ZONE_PREFIX + zone.name)[:80],
        "kind": DeliveryZone.Kind.POSTCODES,
        "radius_km": None,
        "postcodes": zone.postcodes,
        "fee_cents": zone.fee_cents,
        "minimum_order_cents": zone.minimum_order_cents,
        "is_active": True,
    }


def _sync(territory: Territory) -> None:
    """Bring the served shops' courier delivery zones in line with the courier zones."""
    zones = {z.pk: z for z in CourierZone.objects.filter(territory=territory, is_active=True)}
    shop_ids = set(
        CourierShop.objects.filter(territory=territory).values_list("shop_id", flat=True)
    )
    links = {
        (link.zone_id, link.shop_id): link
        for link in CourierZoneLink.objects.filter(territory=territory)
    }
    wanted = {(zone_id, shop_id) for zone_id in zones for shop_id in shop_ids}
    stale = [link.delivery_zone_id for key, link in links.items() if key not in wanted]
    if stale:
        DeliveryZone.objects.filter(territory=territory, pk__in=stale).delete()
    for zone_id, zone in zones.items():
        kept = [links[key].delivery_zone_id for key in wanted & links.keys() if key[0] == zone_id]
        if kept:
            DeliveryZone.objects.filter(territory=territory, pk__in=kept).update(
                **_delivery_zone_fields(zone)
            )
    missing = sorted(wanted - links.keys())
    if not missing:
        return
    created = DeliveryZone.objects.bulk_create(
        [
            DeliveryZone(
                territory=territory, shop_id=shop_id, **_delivery_zone_fields(zones[zone_id])
            )
            for zone_id, shop_id in missing
        ]
    )
    CourierZoneLink.objects.bulk_create(
        [
            CourierZoneLink(
                territory=territory, zone_id=zone_id, shop_id=shop_id, delivery_zone=delivery
            )
            for (zone_id, shop_id), delivery in zip(missing, created, strict=True)
        ]
    )

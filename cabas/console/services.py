"""The operator's writes: shop applications and statuses, categories, collection points.

Invariants:
- DESIGN 4: every function takes the territory the operator was authorised for and
  finds its objects only among that territory's rows;
- a shop's status moves only along ``SHOP_MOVES``; an illegal move raises;
- DESIGN 8: the merchant's e-mail is a task written in the decision's transaction,
  so it is sent after commit, and never for a decision that rolled back;
- DESIGN 9: input is checked before the first write; every change is audited.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cabas.accounts.models import User
from cabas.audit import actions
from cabas.audit.services import audit_record
from cabas.backoffice.models import JoinRequest
from cabas.backoffice.services import join_approve, join_reject
from cabas.catalog.models import Category
from cabas.fulfilment.models import CollectionPoint, CollectionPointShop
from cabas.search.services import search_index_shops_changed
from cabas.shops import hours
from cabas.shops.models import Shop, ShopMembership, ShopStatus
from cabas.tasks.services import task_enqueue
from cabas.territories.models import Territory

from .errors import ConsoleError

MERCHANT_EMAIL_TASK = "console.merchant_email"
MAX_MESSAGE_CHARS = 2000

# (from, to) → the audit action and e-mail event of the move.
SHOP_MOVES: dict[tuple[str, str], str] = {
    (ShopStatus.PENDING, ShopStatus.APPROVED): actions.SHOP_APPROVE,
    (ShopStatus.DRAFT, ShopStatus.APPROVED): actions.SHOP_APPROVE,
    (ShopStatus.PENDING, ShopStatus.DRAFT): actions.SHOP_REFUSE,
    (ShopStatus.APPROVED, ShopStatus.SUSPENDED): actions.SHOP_SUSPEND,
    (ShopStatus.SUSPENDED, ShopStatus.APPROVED): actions.SHOP_REACTIVATE,
}
# Moves the merchant must be told the reason of.
MESSAGE_REQUIRED = {actions.SHOP_REFUSE, actions.SHOP_SUSPEND, actions.APPLICATION_REFUSE}


def _clean_message(message: str, action: str) -> str:
    text = (message or "").strip()
    if action in MESSAGE_REQUIRED and not text:
        raise ConsoleError(
            "message_required",
            _("Expliquez la raison au commerçant : il recevra ce message."),
            field="message",
        )
    if len(text) > MAX_MESSAGE_CHARS:
        raise ConsoleError(
            "message_too_long",
            _("Le message dépasse %(max)s caractères.") % {"max": MAX_MESSAGE_CHARS},
            field="message",
        )
    return text


def _enqueue_email(
    *, territory: Territory, shop: Shop, event: str, message: str, user_ids: list[int]
) -> None:
    if user_ids:
        task_enqueue(
            name=MERCHANT_EMAIL_TASK,
            kwargs={
                "territory_id": territory.pk,
                "shop_id": shop.pk,
                "event": event,
                "message": message,
                "user_ids": sorted(user_ids),
            },
            territory_id=territory.pk,
        )


def _owner_ids(shop: Shop) -> list[int]:
    return list(
        ShopMembership.objects.filter(
            territory_id=shop.territory_id,
            shop=shop,
            role=ShopMembership.Role.OWNER,
            user__is_active=True,
        ).values_list("user_id", flat=True)
    )


def _after_commit_reindex(shop_id: int) -> None:
    transaction.on_commit(lambda: search_index_shops_changed(shop_ids=[shop_id]))


def application_decide(
    *,
    territory: Territory,
    request_id: int,
    approve: bool,
    message: str,
    actor: User | None,
) -> JoinRequest:
    """Accept or refuse a merchant's request to join (claim or creation) and tell them.

    Accepting makes the claimant owner and puts a created shop online (the back
    office's ``join_approve``); refusing a creation sends the shop back to draft.
    """
    action = actions.APPLICATION_APPROVE if approve else actions.APPLICATION_REFUSE
    text = _clean_message(message, action)
    with transaction.atomic():
        request = (
            JoinRequest.objects.select_for_update(of=("self",))
            .select_related("shop")
            .filter(territory=territory, pk=request_id)
            .first()
        )
        if request is None or request.shop.territory_id != territory.pk:
            raise ConsoleError("application_not_found", _("Cette demande n'existe pas."))
        if request.status != JoinRequest.Status.PENDING:
            raise ConsoleError(
                "application_decided",
                _("Cette demande a déjà été traitée (%(status)s).")
                % {"status": request.get_status_display()},
            )
        shop = request.shop
        if approve:
            join_approve(request_id=request.pk, decided_by=actor)
        else:
            join_reject(request_id=request.pk, decided_by=actor)
            if request.kind == JoinRequest.Kind.CREATE and shop.status == ShopStatus.PENDING:
                Shop.objects.filter(pk=shop.pk, territory=territory).update(status=ShopStatus.DRAFT)
        request.refresh_from_db()
        audit_record(
            actor=actor,
            territory=territory,
            action=action,
            target=shop,
            details={"request": request.pk, "kind": request.kind, "message": text},
        )
        _enqueue_email(
            territory=territory,
            shop=shop,
            event=action,
            message=text,
            user_ids=[request.user_id],
        )
    return request


def shop_set_status(
    *, territory: Territory, shop_id: int, status: str, message: str, actor: User | None
) -> Shop:
    """Approve, refuse (back to draft), suspend or reactivate a shop; owners are told."""
    with transaction.atomic():
        shop = Shop.objects.select_for_update().filter(territory=territory, pk=shop_id).first()
        if shop is None:
            raise ConsoleError("shop_not_found", _("Ce commerce n'existe pas."))
        action = SHOP_MOVES.get((shop.status, status))
        if action is None:
            raise ConsoleError(
                "illegal_status_move",
                _("Ce commerce est « %(current)s » : il ne peut pas passer à « %(wanted)s ».")
                % {
                    "current": shop.get_status_display(),
                    "wanted": ShopStatus(status).label if status in ShopStatus.values else status,
                },
            )
        text = _clean_message(message, action)
        previous = shop.status
        shop.status = status
        shop.save(update_fields=["status", "updated_at"])
        # A decision on the shop settles its pending creation request the same way.
        pending = JoinRequest.objects.filter(
            territory=territory,
            shop=shop,
            kind=JoinRequest.Kind.CREATE,
            status=JoinRequest.Status.PENDING,
        ).values_list("pk", flat=True)
        for request_id in list(pending):
            if action == actions.SHOP_APPROVE:
                join_approve(request_id=request_id, decided_by=actor)
            elif action == actions.SHOP_REFUSE:
                join_reject(request_id=request_id, decided_by=actor)
        audit_record(
            actor=actor,
            territory=territory,
            action=action,
            target=shop,
            details={"from": previous, "to": status, "message": text},
        )
        _enqueue_email(
            territory=territory, shop=shop, event=action, message=text, user_ids=_owner_ids(shop)
        )
        _after_commit_reindex(shop.pk)
    return shop


def shop_set_category(
    *, territory: Territory, shop_id: int, category_id: int | None, actor: User | None
) -> Shop:
    category = None
    if category_id is not None:
        category = Category.objects.filter(pk=category_id).first()
        if category is None:
            raise ConsoleError(
                "category_unknown", _("Cette catégorie n'existe pas."), field="category"
            )
    with transaction.atomic():
        shop = Shop.objects.select_for_update().filter(territory=territory, pk=shop_id).first()
        if shop is None:
            raise ConsoleError("shop_not_found", _("Ce commerce n'existe pas."))
        if shop.category_id == category_id:
            return shop
        previous = shop.category.name if shop.category else ""
        shop.category = category
        shop.save(update_fields=["category", "updated_at"])
        audit_record(
            actor=actor,
            territory=territory,
            action=actions.SHOP_CATEGORY,
            target=shop,
            details={"from": previous, "to": category.name if category else ""},
        )
        _after_commit_reindex(shop.pk)
    return shop


# -- collection points ---------------------------------------------------------------


@dataclass(frozen=True)
class PointInput:
    name: str
    address: str
    postcode: str
    city: str
    lat: float
    lon: float
    opening_hours: str
    slot_minutes: int
    lead_minutes: int
    capacity_per_slot: int
    horizon_days: int
    is_active: bool = True


def _check_point(data: PointInput) -> PointInput:
    name = " ".join(data.name.split())
    if len(name) < 2:
        raise ConsoleError("name_required", _("Donnez un nom au point de retrait."), field="name")
    address = " ".join(data.address.split())
    if not address:
        raise ConsoleError("address_required", _("Indiquez l'adresse."), field="address")
    if not -90 <= data.lat <= 90:
        raise ConsoleError("latitude_invalid", _("La latitude va de -90 à 90."), field="lat")
    if not -180 <= data.lon <= 180:
        raise ConsoleError("longitude_invalid", _("La longitude va de -180 à 180."), field="lon")
    expression = data.opening_hours.strip()
    if not expression or not hours.is_valid(expression):
        raise ConsoleError(
            "hours_invalid",
            _(
                "Horaires illisibles : utilisez la syntaxe OpenStreetMap, par exemple "
                "« Mo-Fr 10:00-19:00; Sa 09:00-13:00 »."
            ),
            field="opening_hours",
        )
    checks = (
        ("slot_minutes", 5, 480, _("Un créneau dure de 5 à 480 minutes.")),
        ("lead_minutes", 0, 14 * 24 * 60, _("Le délai d'acheminement va de 0 minute à 14 jours.")),
        ("capacity_per_slot", 1, 1000, _("Un créneau accepte de 1 à 1 000 commandes.")),
        ("horizon_days", 1, 14, _("Les créneaux sont proposés sur 1 à 14 jours.")),
    )
    for field, low, high, message in checks:
        if not low <= getattr(data, field) <= high:
            raise ConsoleError("out_of_range", message, field=field)
    return PointInput(
        name=name[:160],
        address=address[:255],
        postcode=data.postcode.strip()[:10],
        city=" ".join(data.city.split())[:120],
        lat=data.lat,
        lon=data.lon,
        opening_hours=expression[:500],
        slot_minutes=data.slot_minutes,
        lead_minutes=data.lead_minutes,
        capacity_per_slot=data.capacity_per_slot,
        horizon_days=data.horizon_days,
        is_active=data.is_active,
    )


def _point_slug(territory: Territory, name: str) -> str:
    """A new point's slug; it never changes after (it names the point in orders' options)."""
    base = slugify(name)[:70].strip("-") or "point"
    taken = set(
        CollectionPoint.objects.filter(territory=territory, slug__startswith=base).values_list(
            "slug", flat=True
        )
    )
    slug, n = base, 2
    while slug in taken:
        slug = f"{base}-{n}"
        n += 1
    return slug


def collection_point_save(
    *, territory: Territory, point_id: int | None, data: PointInput, actor: User | None
) -> CollectionPoint:
    """Create (``point_id`` None) or change a collection point and its slot settings."""
    clean = _check_point(data)
    values = {
        name: getattr(clean, name)
        for name in PointInput.__dataclass_fields__  # every field of the input
    }
    with transaction.atomic():
        if point_id is None:
            point = CollectionPoint(territory=territory, slug=_point_slug(territory, clean.name))
            action = actions.POINT_CREATE
        else:
            found = (
                CollectionPoint.objects.select_for_update()
                .filter(territory=territory, pk=point_id)
                .first()
            )
            if found is None:
                raise ConsoleError("point_not_found", _("Ce point de retrait n'existe pas."))
            point = found
            action = actions.POINT_UPDATE
        for name, value in values.items():
            setattr(point, name, value)
        try:
            with transaction.atomic():
                point.save()
        except IntegrityError:
            raise ConsoleError(
                "point_conflict",
                _("Un autre point de retrait vient d'être créé sous ce nom ; réessayez."),
                field="name",
            ) from None
        audit_record(actor=actor, territory=territory, action=action, target=point, details=values)
    return point


def collection_point_shop_set(
    *, territory: Territory, point_id: int, shop_id: int, served: bool, actor: User | None
) -> CollectionPointShop | None:
    """Let an approved shop bring its orders to the point (``served``), or stop it."""
    with transaction.atomic():
        point = CollectionPoint.objects.filter(territory=territory, pk=point_id).first()
        if point is None:
            raise ConsoleError("point_not_found", _("Ce point de retrait n'existe pas."))
        shop = Shop.objects.filter(territory=territory, pk=shop_id).first()
        if shop is None:
            raise ConsoleError("shop_not_found", _("Ce commerce n'existe pas."))
        existing = CollectionPointShop.objects.filter(
            territory=territory, collection_point=point, shop=shop
        ).first()
        if served and existing is None:
            if shop.status != ShopStatus.APPROVED:
                raise ConsoleError(
                    "shop_not_approved",
                    _("Seuls les commerces validés peuvent desservir un point de retrait."),
                )
            existing = CollectionPointShop.objects.create(
                territory=territory, collection_point=point, shop=shop
            )
        elif not served and existing is not None:
            existing.delete()
            existing = None
        else:
            return existing
        audit_record(
            actor=actor,
            territory=territory,
            action=actions.POINT_SHOPS,
            target=point,
            details={"shop": shop.name, "served": served},
        )
    return existing

"""Back-office writes: joining, the vitrine, hours and closures, offers, the team.

Invariants kept here:
- DESIGN 4: every function takes the ``shop`` the caller was authorised for and
  touches only rows of that shop and its territory;
- DESIGN 1: stock changes go through ``cabas.catalog.stock`` (a StockMovement each);
- DESIGN 9: input is checked before the first write, or the transaction rolls back;
(The team's writes are in ``team/services.py``, pickup and delivery settings in
``fulfilment_options/services.py``, the import in ``imports/services.py``.)
- the search index follows offers and shops after commit (no signals).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cabas.accounts.models import User
from cabas.catalog.models import Category, Offer, Product, StockMovement
from cabas.catalog.services import offers_announce_available
from cabas.catalog.stock import stock_set
from cabas.geo.selectors import postcode_centre
from cabas.search.services import (
    search_index_offers_changed,
    search_index_products,
    search_index_shops_changed,
)
from cabas.shops import hours
from cabas.shops.models import HoursSource, Shop, ShopClosure, ShopMembership, ShopStatus
from cabas.territories.models import RESERVED_SLUGS, Territory

from .errors import JoinError, OfferError
from .fulfilment_options.services import shop_sync_service_flags
from .gtin import GtinError, normalise_gtin
from .models import JoinRequest
from .reference import product_reference

MAX_PRICE_CENTS = 10_000_000  # 100 000 €: beyond that it is a typing slip
MAX_STOCK = 1_000_000


def shop_product_source(shop: Shop) -> str:
    """``Product.source`` of the products a shop created itself (it may rename them)."""
    return f"shop:{shop.pk}"


def offers_start_tracking(*, shop: Shop, offer_ids: Iterable[int]) -> int:
    """Untracked offers ("on request") start counting their stock at 0.

    No unit moves, so no StockMovement (its delta would be 0, which the
    ``stock_movement_delta_non_zero`` constraint forbids and ``stock_set`` from None
    to 0 would attempt); units then come through ``cabas.catalog.stock``.
    """
    ids = sorted(set(offer_ids))
    changed = 0
    for start in range(0, len(ids), 500):
        changed += Offer.objects.filter(
            pk__in=ids[start : start + 500],
            territory_id=shop.territory_id,
            shop=shop,
            stock__isnull=True,
        ).update(stock=0)
    return changed


def _after_commit_offers(offer_ids: Iterable[int]) -> None:
    ids = sorted(set(offer_ids))
    if ids:
        transaction.on_commit(lambda: search_index_offers_changed(offer_ids=ids))


def _after_commit_products(product_ids: Iterable[int]) -> None:
    ids = sorted(set(product_ids))
    if ids:
        transaction.on_commit(lambda: search_index_products(product_ids=ids))


def _after_commit_shop(shop_id: int) -> None:
    transaction.on_commit(lambda: search_index_shops_changed(shop_ids=[shop_id]))


# -- joining -----------------------------------------------------------------------------


def join_claim(*, user: User, shop: Shop, message: str = "") -> JoinRequest:
    """Ask to run an existing shop; no access until the territory approves."""
    if ShopMembership.objects.filter(shop=shop, user=user).exists():
        raise JoinError("already_member", _("Vous faites déjà partie de l'équipe de ce commerce."))
    if ShopMembership.objects.filter(shop=shop, role=ShopMembership.Role.OWNER).exists():
        raise JoinError(
            "already_owned",
            _("Ce commerce est déjà géré sur Cabas : demandez à son gérant de vous inviter."),
        )
    try:
        with transaction.atomic():
            return JoinRequest.objects.create(
                territory_id=shop.territory_id,
                shop=shop,
                user=user,
                kind=JoinRequest.Kind.CLAIM,
                message=message.strip()[:2000],
            )
    except IntegrityError:
        raise JoinError(
            "already_requested",
            _("Votre demande pour ce commerce est déjà en attente de validation."),
        ) from None


def _unique_slug(territory: Territory, name: str) -> str:
    base = slugify(name)[:100].strip("-") or "commerce"
    if base in RESERVED_SLUGS:
        base = f"{base}-commerce"
    taken = set(
        Shop.objects.filter(territory=territory, slug__startswith=base).values_list(
            "slug", flat=True
        )
    )
    slug, n = base, 2
    while slug in taken:
        slug = f"{base}-{n}"
        n += 1
    return slug


@dataclass(frozen=True)
class NewShop:
    name: str
    category_id: int | None
    address: str
    postcode: str
    city: str
    phone: str = ""
    description: str = ""


def join_create(*, user: User, territory: Territory, data: NewShop, message: str = "") -> Shop:
    """Create a shop, ``pending`` until the territory approves; ``user`` is its owner.

    The shop is placed at its postcode's centre (the territory's centre when unknown)
    until someone moves the pin; shoppers see it only once approved.
    """
    name = " ".join(data.name.split())
    if len(name) < 2:
        raise JoinError("name_required", _("Indiquez le nom du commerce."), field="name")
    category = Category.objects.filter(pk=data.category_id).first() if data.category_id else None
    centre = postcode_centre(data.postcode) if data.postcode else None
    lat, lon = (centre.lat, centre.lon) if centre else (territory.centre_lat, territory.centre_lon)
    with transaction.atomic():
        shop = Shop.objects.create(
            territory=territory,
            slug=_unique_slug(territory, name),
            name=name[:160],
            category=category,
            description=data.description.strip(),
            address=data.address.strip()[:255],
            postcode=data.postcode.strip()[:10],
            city=data.city.strip()[:120],
            phone=data.phone.strip()[:40],
            lat=lat,
            lon=lon,
            status=ShopStatus.PENDING,
            source="merchant",
        )
        ShopMembership.objects.create(
            territory=territory, shop=shop, user=user, role=ShopMembership.Role.OWNER
        )
        JoinRequest.objects.create(
            territory=territory,
            shop=shop,
            user=user,
            kind=JoinRequest.Kind.CREATE,
            message=message.strip()[:2000],
        )
    return shop


def join_approve(*, request_id: int, decided_by: User | None) -> JoinRequest:
    """Approve a pending request: a claimant becomes owner, a created shop goes public."""
    with transaction.atomic():
        request = (
            JoinRequest.objects.select_for_update(of=("self",))
            .select_related("shop")
            .get(pk=request_id)
        )
        if request.status != JoinRequest.Status.PENDING:
            return request
        shop = request.shop
        membership, created = ShopMembership.objects.get_or_create(
            shop=shop,
            user_id=request.user_id,
            defaults={"territory_id": shop.territory_id, "role": ShopMembership.Role.OWNER},
        )
        if not created and membership.role != ShopMembership.Role.OWNER:
            membership.role = ShopMembership.Role.OWNER
            membership.save(update_fields=["role"])
        if shop.status in (ShopStatus.PENDING, ShopStatus.DRAFT):
            Shop.objects.filter(pk=shop.pk).update(status=ShopStatus.APPROVED)
            _after_commit_shop(shop.pk)
        request.status = JoinRequest.Status.APPROVED
        request.decided_at = timezone.now()
        request.decided_by = decided_by
        request.save(update_fields=["status", "decided_at", "decided_by"])
    return request


def join_reject(*, request_id: int, decided_by: User | None) -> JoinRequest:
    with transaction.atomic():
        request = JoinRequest.objects.select_for_update(of=("self",)).get(pk=request_id)
        if request.status == JoinRequest.Status.PENDING:
            request.status = JoinRequest.Status.REJECTED
            request.decided_at = timezone.now()
            request.decided_by = decided_by
            request.save(update_fields=["status", "decided_at", "decided_by"])
    return request


# -- vitrine -----------------------------------------------------------------------------

VITRINE_FIELDS = (
    "name",
    "description",
    "address",
    "postcode",
    "city",
    "phone",
    "website",
    "offers_click_collect",
    "offers_delivery",
    "accepts_vouchers",
    "made_locally",
    "siret",
)


def shop_update_vitrine(*, shop: Shop, values: dict[str, object]) -> Shop:
    """Update the shop page's presentation, contact and services."""
    changed = [
        name for name in VITRINE_FIELDS if name in values and getattr(shop, name) != values[name]
    ]
    if not changed:
        return shop
    for name in changed:
        setattr(shop, name, values[name])
    with transaction.atomic():
        shop.save(update_fields=[*changed, "updated_at"])
        if {"offers_click_collect", "offers_delivery"} & set(changed):
            shop_sync_service_flags(shop=shop)
        if "name" in changed and shop.status == ShopStatus.APPROVED:
            _after_commit_shop(shop.pk)
    return shop


def shop_set_hours(*, shop: Shop, expression: str) -> Shop:
    """Set the opening hours (OSM syntax); an empty value means "not given"."""
    text = " ".join(expression.split())
    if text and not hours.is_valid(text):
        raise JoinError(
            "hours_invalid",
            _(
                "Ces horaires ne sont pas au format OpenStreetMap (exemple : « Mo-Fr "
                "09:00-19:00 »)."
            ),
            field="opening_hours",
        )
    shop.opening_hours = text
    shop.hours_source = HoursSource.MERCHANT if text else HoursSource.NONE
    shop.save(update_fields=["opening_hours", "hours_source", "updated_at"])
    return shop


def closure_add(*, shop: Shop, start: dt.date, end: dt.date, reason: str = "") -> ShopClosure:
    if end < start:
        raise JoinError(
            "closure_dates", _("La date de fin doit suivre la date de début."), field="end_date"
        )
    if (end - start).days > 366:
        raise JoinError(
            "closure_too_long", _("Une fermeture dure au plus un an."), field="end_date"
        )
    return ShopClosure.objects.create(
        territory_id=shop.territory_id,
        shop=shop,
        start_date=start,
        end_date=end,
        reason=reason.strip()[:200],
    )


def closure_delete(*, shop: Shop, closure_id: int) -> bool:
    deleted, _ = ShopClosure.objects.filter(
        territory_id=shop.territory_id, shop=shop, pk=closure_id
    ).delete()
    return bool(deleted)


# -- offers ------------------------------------------------------------------------------


def _check_price(price_cents: int) -> None:
    if price_cents <= 0:
        raise OfferError("price_invalid", _("Le prix doit être supérieur à 0."), field="price")
    if price_cents > MAX_PRICE_CENTS:
        raise OfferError("price_invalid", _("Ce prix dépasse 100 000 €."), field="price")


def _check_stock(stock: int | None) -> None:
    if stock is not None and stock < 0:
        raise OfferError("stock_negative", _("Le stock ne peut pas être négatif."), field="stock")
    if stock is not None and stock > MAX_STOCK:
        raise OfferError("stock_invalid", _("Ce stock dépasse un million."), field="stock")


@dataclass(frozen=True)
class OfferChange:
    price_cents: int | None = None
    stock: int | None = None
    stock_given: bool = False  # stock None with stock_given: stop tracking stock
    is_active: bool | None = None


def offer_update(
    *, shop: Shop, offer: Offer, change: OfferChange, actor_id: int | None, reason: str
) -> Offer:
    """Change an offer's price, stock and sale flag; the stock change is a StockMovement."""
    if offer.shop_id != shop.pk or offer.territory_id != shop.territory_id:
        raise OfferError("not_found", _("Offre introuvable."))
    if change.price_cents is not None:
        _check_price(change.price_cents)
    if change.stock_given:
        _check_stock(change.stock)
    with transaction.atomic():
        fields = []
        if change.price_cents is not None and change.price_cents != offer.price_cents:
            offer.price_cents = change.price_cents
            fields.append("price_cents")
        activation = change.is_active is not None and change.is_active != offer.is_active
        if activation:
            offer.is_active = bool(change.is_active)
            fields.append("is_active")
        if fields:
            Offer.objects.filter(pk=offer.pk, shop=shop).update(
                **{name: getattr(offer, name) for name in fields}, updated_at=timezone.now()
            )
        if change.stock_given and offer.stock is None and change.stock is not None:
            offers_start_tracking(shop=shop, offer_ids=[offer.pk])
            offer.stock = 0
        if change.stock_given and change.stock != offer.stock:
            updated = stock_set(
                offer_id=offer.pk,
                quantity=change.stock,
                reason=reason,
                reference=f"shop:{shop.pk}",
                actor_id=actor_id,
            )
            offer.stock = updated.stock
        if activation:
            _after_commit_offers([offer.pk])
            if offer.is_active and (offer.stock is None or offer.stock > 0):
                stamp = int(timezone.now().timestamp())
                offers_announce_available(
                    events=[(offer.pk, offer.territory_id, f"active:{offer.pk}:{stamp}")]
                )
    return offer


def _next_sku(shop: Shop, gtin: str | None, name: str) -> str:
    base = gtin or slugify(name)[:50].upper() or "ARTICLE"
    taken = set(Offer.objects.filter(shop=shop, sku__startswith=base).values_list("sku", flat=True))
    sku, n = base, 2
    while sku in taken:
        sku = f"{base}-{n}"
        n += 1
    return sku[:64]


@dataclass(frozen=True)
class NewOffer:
    price_cents: int
    gtin: str = ""
    name: str = ""
    brand: str = ""
    quantity: str = ""
    sku: str = ""
    stock: int | None = None
    image_url: str = ""


def offer_create(*, shop: Shop, data: NewOffer, actor_id: int | None) -> Offer:
    """Put a product on sale in ``shop``: the territory's product for that GTIN when it
    exists (the second shop types only a price), else a new product, pre-filled from the
    bundled Open Food Facts data when the barcode is known there."""
    _check_price(data.price_cents)
    _check_stock(data.stock)
    gtin: str | None = None
    if data.gtin.strip():
        try:
            gtin = normalise_gtin(data.gtin)
        except GtinError as error:
            raise OfferError(
                "gtin_invalid",
                _("Code-barres : %(reason)s.") % {"reason": error.reason},
                field="gtin",
            ) from None
    reference = product_reference(shop.territory_id, gtin) if gtin else None
    name = " ".join(data.name.split())[:200] or (reference.name if reference else "")
    if not name:
        raise OfferError("name_required", _("Indiquez le nom du produit."), field="name")
    if name.startswith("="):
        raise OfferError(
            "formula_refused", _("Un nom ne peut pas commencer par « = »."), field="name"
        )
    sku = " ".join(data.sku.split())[:64]
    if sku and Offer.objects.filter(shop=shop, sku=sku).exists():
        raise OfferError(
            "sku_taken",
            _("La référence « %(sku)s » est déjà utilisée par une autre offre.") % {"sku": sku},
            field="sku",
        )
    with transaction.atomic():
        product = None
        if reference is not None and reference.product_id is not None:
            product = Product.objects.get(pk=reference.product_id, territory_id=shop.territory_id)
            if Offer.objects.filter(shop=shop, product=product).exists():
                raise OfferError(
                    "already_sold",
                    _("Vous vendez déjà ce produit : modifiez son offre dans le catalogue."),
                    field="gtin",
                )
        if product is None:
            product = Product.objects.create(
                territory_id=shop.territory_id,
                gtin=gtin,
                name=name,
                brand=" ".join(data.brand.split())[:120] or (reference.brand if reference else ""),
                quantity=" ".join(data.quantity.split())[:60]
                or (reference.quantity if reference else ""),
                image_url=data.image_url or (reference.image_url if reference else ""),
                source=shop_product_source(shop) if reference is None else "openfoodfacts",
                category=shop.category if shop.category and shop.category.parent_id else None,
            )
        offer = Offer.objects.create(
            territory_id=shop.territory_id,
            shop=shop,
            product=product,
            sku=sku or _next_sku(shop, gtin, name),
            price_cents=data.price_cents,
            stock=None,
            is_active=True,
        )
        if data.stock is not None:
            offer = stock_set(
                offer_id=offer.pk,
                quantity=data.stock,
                reason=StockMovement.Reason.MANUAL,
                reference=f"shop:{shop.pk}",
                actor_id=actor_id,
            )
        _after_commit_offers([offer.pk])
        if offer.stock is None:  # on request; a stocked offer is announced by stock_set
            offers_announce_available(events=[(offer.pk, offer.territory_id, f"offer:{offer.pk}")])
    return offer


def offer_check_photo_allowed(*, shop: Shop, offer: Offer) -> None:
    """A product the shop created is its own; a shared reference (same barcode sold by
    other shops) keeps its photo once it has one."""
    if offer.shop_id != shop.pk or offer.territory_id != shop.territory_id:
        raise OfferError("not_found", _("Offre introuvable."))
    product = offer.product
    if product.source != shop_product_source(shop) and product.image_url:
        raise OfferError(
            "shared_photo",
            _("Ce produit a déjà la photo de référence partagée par les commerces du territoire."),
            field="photo",
        )


def offer_set_image(*, shop: Shop, offer: Offer, image_url: str) -> Product:
    """Use an uploaded photo for the offer's product."""
    offer_check_photo_allowed(shop=shop, offer=offer)
    product = offer.product
    Product.objects.filter(pk=product.pk, territory_id=shop.territory_id).update(
        image_url=image_url, updated_at=timezone.now()
    )
    product.image_url = image_url
    return product

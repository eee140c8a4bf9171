"""Bulk stock (and price) from a till or a stock system: all rows or none.

Invariants: every stock change is a StockMovement (reason ``sync``) made by
``cabas.catalog.stock``; one bad row and nothing changes; the same
``Idempotency-Key`` with the same body answers the first response without writing
again (the key is unique per shop, so two concurrent replays cannot both write).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cabas.catalog.locks import lock_offers
from cabas.catalog.models import Offer, StockMovement
from cabas.catalog.stock import stock_set
from cabas.shops.models import Shop

from .gtin import GtinError, normalise_gtin
from .models import StockSyncRequest
from .services import MAX_PRICE_CENTS, MAX_STOCK, offers_start_tracking

MAX_ITEMS = 1000
_KEY_RE = re.compile(r"^[A-Za-z0-9._:-]{8,255}$")


class StockRejected(Exception):
    def __init__(self, code: str, message: str, status: int = 422, details: Any = None) -> None:
        self.code = code
        self.message = message
        self.status = status
        self.details = details
        super().__init__(code)


@dataclass(frozen=True)
class StockSyncResult:
    body: dict[str, Any]
    replayed: bool


@dataclass(frozen=True)
class _Item:
    index: int
    offer_id: int
    sku: str
    quantity: int
    price_cents: int | None


def _fingerprint(body: Any) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _replay(shop: Shop, key: str, fingerprint: str) -> StockSyncResult | None:
    previous = StockSyncRequest.objects.filter(shop=shop, key=key).first()
    if previous is None:
        return None
    if previous.fingerprint != fingerprint:
        raise StockRejected(
            "idempotency_conflict",
            _(
                "Cette clé Idempotency-Key a déjà servi pour une autre requête : "
                "utilisez une nouvelle clé."
            ),
            409,
        )
    return StockSyncResult(previous.response, replayed=True)


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _parse(shop: Shop, body: Any) -> list[_Item]:
    rows = body.get("items") if isinstance(body, dict) else body
    if not isinstance(rows, list) or not rows:
        raise StockRejected(
            "validation_error",
            _(
                "Le corps doit être une liste non vide de lignes {sku ou gtin, "
                "quantity, price_cents}."
            ),
        )
    if len(rows) > MAX_ITEMS:
        raise StockRejected(
            "too_many_items",
            _("%(rows)s lignes : %(MAX_ITEMS)s au plus par requête.")
            % {"rows": len(rows), "MAX_ITEMS": MAX_ITEMS},
            413,
        )
    errors: list[dict[str, Any]] = []
    wanted: list[tuple[int, str, str, Any, Any]] = []  # index, sku, gtin, quantity, price
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            errors.append(
                {
                    "index": index,
                    "code": "invalid_row",
                    "message": _("Ligne : un objet JSON est attendu."),
                }
            )
            continue
        sku = row.get("sku")
        gtin = row.get("gtin")
        if not (isinstance(sku, str) and sku.strip()) and not (
            isinstance(gtin, str | int) and str(gtin).strip()
        ):
            errors.append(
                {"index": index, "code": "sku_or_gtin_required", "message": "Donnez sku ou gtin."}
            )
            continue
        normalised = ""
        if not (isinstance(sku, str) and sku.strip()):
            try:
                normalised = normalise_gtin(str(gtin))
            except GtinError as error:
                errors.append(
                    {
                        "index": index,
                        "code": "gtin_invalid",
                        "message": f"gtin : {error.reason}.",
                        "gtin": str(gtin),
                    }
                )
                continue
        wanted.append(
            (
                index,
                (sku or "").strip() if isinstance(sku, str) else "",
                normalised,
                row.get("quantity"),
                row.get("price_cents"),
            )
        )

    skus = {sku for _i, sku, _g, _q, _p in wanted if sku}
    gtins = {gtin for _i, _s, gtin, _q, _p in wanted if gtin}
    offers = Offer.objects.filter(territory_id=shop.territory_id, shop=shop)
    by_sku = dict(offers.filter(sku__in=skus).values_list("sku", "id")) if skus else {}
    by_gtin = (
        dict(offers.filter(product__gtin__in=gtins).values_list("product__gtin", "id"))
        if gtins
        else {}
    )
    sku_of = dict(
        offers.filter(pk__in=[*by_sku.values(), *by_gtin.values()]).values_list("id", "sku")
    )
    items: list[_Item] = []
    seen: dict[int, int] = {}
    for index, sku, gtin, quantity, price in wanted:
        offer_id = by_sku.get(sku) if sku else by_gtin.get(gtin)
        problem = None
        if offer_id is None:
            problem = (
                ("unknown_sku", _("Aucune offre avec la référence « %(sku)s ».") % {"sku": sku})
                if sku
                else ("unknown_gtin", f"Aucune offre avec le code-barres {gtin}.")
            )
        elif offer_id in seen:
            problem = (
                "duplicate",
                _("Même offre que la ligne %(offer_id)s.") % {"offer_id": seen[offer_id]},
            )
        elif _int(quantity) is None:
            problem = ("quantity_invalid", _("quantity doit être un nombre entier."))
        elif quantity < 0:
            problem = ("negative_stock", _("quantity ne peut pas être négative."))
        elif quantity > MAX_STOCK:
            problem = ("quantity_invalid", _("quantity dépasse un million."))
        elif price is not None and (_int(price) is None or price <= 0 or price > MAX_PRICE_CENTS):
            problem = (
                "price_invalid",
                _("price_cents doit être un entier de centimes, supérieur à 0."),
            )
        if problem:
            errors.append(
                {
                    "index": index,
                    "code": problem[0],
                    "message": problem[1],
                    "sku": sku or None,
                    "gtin": gtin or None,
                }
            )
            continue
        assert offer_id is not None
        seen[offer_id] = index
        items.append(_Item(index, offer_id, sku_of[offer_id], quantity, price))
    if errors:
        raise StockRejected(
            "stock_rejected",
            _("%(errors)s ligne(s) refusée(s) : rien n'a été modifié.") % {"errors": len(errors)},
            422,
            sorted(errors, key=lambda error: error["index"]),
        )
    return items


def stock_sync(*, shop: Shop, body: Any, key: str | None, token_id: int | None) -> StockSyncResult:
    """Set the stock (and price) of the listed offers, or raise StockRejected and change nothing."""
    fingerprint = _fingerprint(body)
    if key is not None:
        if not _KEY_RE.match(key):
            raise StockRejected(
                "idempotency_key_invalid",
                _("Idempotency-Key : 8 à 255 caractères parmi A-Z a-z 0-9 . _ : -"),
                400,
            )
        replay = _replay(shop, key, fingerprint)
        if replay is not None:
            return replay
    items = _parse(shop, body)
    reference = f"api:{token_id}" + (f":{key}" if key else "")
    try:
        with transaction.atomic():
            locked = {offer.pk: offer for offer in lock_offers(item.offer_id for item in items)}
            results = []
            prices = []
            now = timezone.now()
            for item in items:
                offer = locked[item.offer_id]
                changed = False
                if item.price_cents is not None and item.price_cents != offer.price_cents:
                    offer.price_cents = item.price_cents
                    offer.updated_at = now
                    prices.append(offer)
                    changed = True
                if offer.stock is None:
                    offers_start_tracking(shop=shop, offer_ids=[offer.pk])
                    offer.stock = 0
                    changed = True
                if offer.stock != item.quantity:
                    offer.stock = stock_set(
                        offer_id=offer.pk,
                        quantity=item.quantity,
                        reason=StockMovement.Reason.SYNC,
                        reference=reference[:80],
                    ).stock
                    changed = True
                results.append(
                    {
                        "sku": offer.sku,
                        "offer_id": offer.pk,
                        "stock": offer.stock,
                        "price_cents": offer.price_cents,
                        "changed": changed,
                    }
                )
            if prices:
                Offer.objects.bulk_update(prices, ["price_cents", "updated_at"])
            body_out = {"count": len(results), "results": results}
            if key is not None:
                StockSyncRequest.objects.create(
                    territory_id=shop.territory_id,
                    shop=shop,
                    key=key,
                    fingerprint=fingerprint,
                    status_code=200,
                    response=body_out,
                )
    except IntegrityError:
        # The same key was used concurrently and won: answer with its response.
        if key is not None:
            replay = _replay(shop, key, fingerprint)
            if replay is not None:
                return replay
        raise
    return StockSyncResult(body_out, replayed=False)

"""Reads of the privacy domain: a user's export, what blocks an erasure, who is inactive.

The export is built with a fixed number of queries whatever the size of the account
(one per table, prefetches for the children of orders), so a shopper with years of
orders costs the same number of round trips as a new one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import DateTimeField, Max, Prefetch
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from cabas.accounts.models import User
from cabas.apitokens.models import ApiToken
from cabas.audit.models import AuditEntry
from cabas.backoffice.models import JoinRequest
from cabas.cart.models import Cart, CartLine, CartShopChoice
from cabas.habits.models import AlertMatch, AvailabilityAlert, ShopFollow, ShopperPreferences
from cabas.ledger.models import Account, AccountKind, Entry
from cabas.loyalty.models import POINTS_CURRENCY
from cabas.orders.models import Checkout, Order, OrderEvent
from cabas.orders.transitions import FINAL
from cabas.payments.models import OnlinePurchase, Payment, PaymentStatus
from cabas.planner.models import SavedList
from cabas.shops.models import ShopMembership
from cabas.territories.models import TerritoryMembership
from cabas.vouchers.models import GiftCard, Household, ProgrammeParticipant, Voucher

from .models import InactivityWarning
from .registry import ACTION_FIELDS, PLAIN_FIELDS, USER_LINKS

EXPORT_FORMAT = "cabas-export/1"
ERASED_DOMAIN = "invalid"


def erased_email(user_id: int) -> str:
    """The unique, non-routable address an erased account keeps (RFC 2606 ``.invalid``)."""
    return f"erased-{user_id}@{ERASED_DOMAIN}"


def is_erased(user: User) -> bool:
    return user.email == erased_email(user.pk)


def _iso(value: dt.datetime | dt.date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    return value.isoformat()


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return _iso(value)
    return value


def _account(user: User) -> dict[str, Any]:
    return {
        "id": user.pk,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "phone": user.phone,
        "home_territory": user.home_territory.slug if user.home_territory else None,
        "date_joined": _iso(user.date_joined),
        "last_login": _iso(user.last_login),
        "is_active": user.is_active,
        "has_password": user.has_usable_password(),
        "groups": sorted(user.groups.values_list("name", flat=True)),
        # The interface language lives in a cookie of the browser, not in the account.
        "language": None,
    }


def _memberships(user: User) -> dict[str, Any]:
    return {
        "shops": [
            {
                "territory": m.shop.territory.slug,
                "shop": m.shop.slug,
                "role": m.role,
                "since": _iso(m.created_at),
            }
            for m in ShopMembership.objects.filter(user=user)
            .select_related("shop__territory")
            .order_by("pk")
        ],
        "territories": [
            {"territory": m.territory.slug, "role": m.role, "since": _iso(m.created_at)}
            for m in TerritoryMembership.objects.filter(user=user)
            .select_related("territory")
            .order_by("pk")
        ],
    }


def _carts(user: User) -> list[dict[str, Any]]:
    carts = (
        Cart.objects.filter(user=user)
        .select_related("territory")
        .prefetch_related(
            Prefetch("lines", CartLine.objects.select_related("offer__product", "offer__shop")),
            Prefetch("choices", CartShopChoice.objects.select_related("shop")),
        )
        .order_by("pk")
    )
    return [
        {
            "territory": cart.territory.slug if cart.territory else None,
            "delivery_address": cart.delivery_address,
            "delivery_postcode": cart.delivery_postcode,
            "created_at": _iso(cart.created_at),
            "updated_at": _iso(cart.updated_at),
            "lines": [
                {
                    "offer_id": line.offer_id,
                    "product": line.offer.product.name,
                    "shop": line.offer.shop.slug,
                    "quantity": line.quantity,
                    "unit_price_cents": line.unit_price_cents,
                    "added_at": _iso(line.added_at),
                }
                for line in cart.lines.all()
            ],
            "fulfilment": [
                {"shop": c.shop.slug, "option": c.option, "slot_start": _iso(c.slot_start)}
                for c in cart.choices.all()
            ],
        }
        for cart in carts
    ]


def _checkouts(user: User) -> list[dict[str, Any]]:
    payments = {
        p.checkout_id: p
        for p in Payment.objects.filter(checkout__user=user).only(
            "checkout_id", "provider", "amount_cents", "currency", "status", "created_at"
        )
    }
    rows = []
    for checkout in Checkout.objects.filter(user=user).select_related("territory").order_by("pk"):
        payment = payments.get(checkout.pk)
        rows.append(
            {
                "id": checkout.pk,
                "territory": checkout.territory.slug,
                "email": checkout.email,
                "phone": checkout.phone,
                "name": checkout.name,
                "payment_method": checkout.payment_method,
                "payment_status": checkout.payment_status,
                "total_cents": checkout.total_cents,
                "currency": checkout.currency,
                "created_at": _iso(checkout.created_at),
                "online_payment": None
                if payment is None
                else {
                    "provider": payment.provider,
                    "amount_cents": payment.amount_cents,
                    "currency": payment.currency,
                    "status": payment.status,
                    "created_at": _iso(payment.created_at),
                },
            }
        )
    return rows


def _orders(user: User) -> list[dict[str, Any]]:
    orders = (
        Order.objects.filter(user=user)
        .select_related("shop", "territory", "collection_point")
        .prefetch_related(
            "lines",
            "tenders",
            Prefetch("events", OrderEvent.objects.order_by("created_at", "pk")),
        )
        .order_by("created_at", "pk")
    )
    return [
        {
            "id": order.pk,
            "checkout_id": order.checkout_id,
            "territory": order.territory.slug,
            "shop": {"slug": order.shop.slug, "name": order.shop.name},
            "status": order.status,
            "fulfilment_method": order.fulfilment_method,
            "collection_point": order.collection_point.name if order.collection_point else None,
            "slot_start": _iso(order.slot_start),
            "slot_end": _iso(order.slot_end),
            "pickup_code": order.pickup_code,
            "delivery_address": order.delivery_address,
            "delivery_postcode": order.delivery_postcode,
            "subtotal_cents": order.subtotal_cents,
            "delivery_fee_cents": order.delivery_fee_cents,
            "total_cents": order.total_cents,
            "tendered_cents": order.tendered_cents,
            "currency": order.currency,
            "payment_method": order.payment_method,
            "created_at": _iso(order.created_at),
            "lines": [
                {
                    "product_name": line.product_name,
                    "sku": line.sku,
                    "unit_price_cents": line.unit_price_cents,
                    "quantity": line.quantity,
                    "line_total_cents": line.line_total_cents,
                }
                for line in order.lines.all()
            ],
            "tenders": [
                {
                    "kind": tender.kind,
                    "amount_cents": tender.amount_cents,
                    "points": tender.points,
                    "code_last4": tender.code_last4,
                    "refunded_at": _iso(tender.refunded_at),
                    "created_at": _iso(tender.created_at),
                }
                for tender in order.tenders.all()
            ],
            "events": [
                {
                    "at": _iso(event.created_at),
                    "from_status": event.from_status,
                    "to_status": event.to_status,
                    "by": event.actor_role,
                }
                for event in order.events.all()
            ],
        }
        for order in orders
    ]


def _history(entries: list[Entry]) -> list[dict[str, Any]]:
    return [
        {
            "at": _iso(entry.transaction.created_at),
            "kind": entry.transaction.kind,
            "amount": entry.amount_cents,
        }
        for entry in entries
    ]


def _money(user: User) -> dict[str, Any]:
    """Vouchers, gift cards bought with the account's address, points, with their history."""
    vouchers = list(
        Voucher.objects.filter(owner=user)
        .select_related("account", "programme", "territory")
        .order_by("pk")
    )
    gift_cards = list(
        GiftCard.objects.filter(buyer_email__iexact=user.email)
        .select_related("account", "shop", "territory")
        .order_by("pk")
    )
    points = list(
        Account.objects.filter(
            kind=AccountKind.LOYALTY, owner_ref=f"user:{user.pk}", currency=POINTS_CURRENCY
        )
        .select_related("territory")
        .order_by("pk")
    )
    cards: list[Voucher | GiftCard] = [*vouchers, *gift_cards]
    account_ids = [c.account_id for c in cards if c.account_id]
    account_ids += [a.pk for a in points]
    history: dict[int, list[Entry]] = {pk: [] for pk in account_ids}
    for entry in (
        Entry.objects.filter(account_id__in=account_ids)
        .select_related("transaction")
        .order_by("pk")
    ):
        history[entry.account_id].append(entry)
    return {
        "vouchers": [
            {
                "territory": v.territory.slug,
                "programme": v.programme.name,
                "code": v.code,
                "paid_cents": v.paid_cents,
                "matched_cents": v.matched_cents,
                "balance_cents": v.account.balance_cents if v.account else 0,
                "currency": v.account.currency if v.account else v.territory.currency,
                "expires_at": _iso(v.expires_at),
                "created_at": _iso(v.created_at),
                "history_cents": _history(history.get(v.account_id or 0, [])),
            }
            for v in vouchers
        ],
        "gift_cards": [
            {
                "territory": g.territory.slug,
                "shop": g.shop.slug if g.shop else None,
                "code": g.code,
                "amount_cents": g.amount_cents,
                "balance_cents": g.account.balance_cents if g.account else 0,
                "currency": g.account.currency if g.account else g.territory.currency,
                "expires_at": _iso(g.expires_at),
                "created_at": _iso(g.created_at),
                "history_cents": _history(history.get(g.account_id or 0, [])),
            }
            for g in gift_cards
        ],
        "loyalty": [
            {
                "territory": a.territory.slug,
                "points": a.balance_cents,
                "history_points": _history(history[a.pk]),
            }
            for a in points
        ],
        "voucher_participations": [
            {
                "programme": p.programme.name,
                "territory": p.programme.territory.slug,
                "paid_cents": p.paid_cents,
                "matched_cents": p.matched_cents,
            }
            for p in ProgrammeParticipant.objects.filter(user=user)
            .select_related("programme__territory")
            .order_by("pk")
        ],
        "online_purchases": [
            {
                "id": p.pk,
                "territory": p.territory.slug,
                "kind": p.kind,
                "amount_cents": p.amount_cents,
                "currency": p.currency,
                "buyer_email": p.buyer_email,
                "recipient_email": p.recipient_email,
                "message": p.message,
                "created_at": _iso(p.created_at),
            }
            for p in OnlinePurchase.objects.filter(user=user)
            .select_related("territory")
            .order_by("pk")
        ],
    }


def _habits(user: User) -> dict[str, Any]:
    return {
        "follows": [
            {"territory": f.territory.slug, "shop": f.shop.slug, "since": _iso(f.created_at)}
            for f in ShopFollow.objects.filter(user=user)
            .select_related("territory", "shop")
            .order_by("pk")
        ],
        "alerts": [
            {
                "territory": a.territory.slug,
                "kind": a.kind,
                "product": a.product.name if a.product else None,
                "query": a.query,
                "lat": a.lat,
                "lon": a.lon,
                "radius_km": a.radius_km,
                "is_active": a.is_active,
                "created_at": _iso(a.created_at),
            }
            for a in AvailabilityAlert.objects.filter(user=user)
            .select_related("territory", "product")
            .order_by("pk")
        ],
        "alert_matches": [
            {
                "alert_id": m.alert_id,
                "offer_id": m.offer_id,
                "created_at": _iso(m.created_at),
                "notified_at": _iso(m.notified_at),
            }
            for m in AlertMatch.objects.filter(user=user).order_by("pk")
        ],
        "preferences": [
            {
                "territory": p.territory.slug,
                "alert_emails": p.alert_emails,
                "alert_every_match": p.alert_every_match,
                "digest_enabled": p.digest_enabled,
                "digest_weekday": p.digest_weekday,
                "last_alert_email_at": _iso(p.last_alert_email_at),
                "last_digest_on": _iso(p.last_digest_on),
                "alert_emails_sent": p.alert_emails_sent,
            }
            for p in ShopperPreferences.objects.filter(user=user)
            .select_related("territory")
            .order_by("pk")
        ],
        "saved_lists": [
            {
                "territory": s.territory.slug,
                "name": s.name,
                "lines": s.lines,
                "created_at": _iso(s.created_at),
                "updated_at": _iso(s.updated_at),
            }
            for s in SavedList.objects.filter(user=user).select_related("territory").order_by("pk")
        ],
    }


def _actions(user: User) -> dict[str, list[dict[str, Any]]]:
    """What the user did in a shop's or territory's space, as plain rows (one query each)."""
    result = {}
    for (label, field), columns in ACTION_FIELDS.items():
        model = apps.get_model(label)
        rows = model._default_manager.filter(**{field: user}).order_by("pk").values(*columns)
        result[f"{label}.{field}"] = [
            {key: _plain(value) for key, value in row.items()} for row in rows
        ]
    return result


def _plain_sections(user: User) -> dict[str, list[dict[str, Any]]]:
    result: dict[str, list[dict[str, Any]]] = {}
    for (label, field), columns in PLAIN_FIELDS.items():
        model = apps.get_model(label)
        section = next(
            link.section for link in USER_LINKS if (link.model, link.field) == (label, field)
        )
        rows = model._default_manager.filter(**{field: user}).order_by("pk").values(*columns)
        result.setdefault(section, []).extend(
            {key: _plain(value) for key, value in row.items()} for row in rows
        )
    return result


def user_export(user: User) -> dict[str, Any]:
    """Every personal datum Cabas holds on ``user``, as JSON-ready values.

    Amounts are integer cents (points for loyalty), dates ISO 8601 in UTC. API tokens
    appear by name and scope only: their secret is never stored, only its digest.
    """
    money = _money(user)
    habits = _habits(user)
    warning = InactivityWarning.objects.filter(user=user).first()
    return {
        "format": EXPORT_FORMAT,
        "generated_at": _iso(timezone.now()),
        "account": _account(user),
        "memberships": _memberships(user),
        "households": [
            {
                "territory": h.territory.slug,
                "address": h.address,
                "postcode": h.postcode,
                "declared_at": _iso(h.declared_at),
            }
            for h in Household.objects.filter(user=user).select_related("territory").order_by("pk")
        ],
        "carts": _carts(user),
        "checkouts": _checkouts(user),
        "orders": _orders(user),
        **money,
        **habits,
        **_plain_sections(user),
        "join_requests": [
            {
                "territory": j.territory.slug,
                "shop": j.shop.slug,
                "kind": j.kind,
                "status": j.status,
                "message": j.message,
                "created_at": _iso(j.created_at),
                "decided_at": _iso(j.decided_at),
            }
            for j in JoinRequest.objects.filter(user=user)
            .select_related("territory", "shop")
            .order_by("pk")
        ],
        "api_tokens": [
            {
                "name": t.name,
                "prefix": t.prefix,
                "scope": f"shop:{t.shop.slug}" if t.shop else f"territory:{t.territory.slug}",
                "created_at": _iso(t.created_at),
                "last_used_at": _iso(t.last_used_at),
                "revoked_at": _iso(t.revoked_at),
            }
            for t in ApiToken.objects.filter(created_by=user)
            .select_related("territory", "shop")
            .order_by("pk")
        ],
        "audit": [
            {
                "at": _iso(e.created_at),
                "action": e.action,
                "object_type": e.object_type,
                "object_id": e.object_id,
                "object": e.object_repr,
                "as": e.actor_label,
            }
            for e in AuditEntry.objects.filter(actor=user).order_by("pk")
        ],
        "actions": _actions(user),
        "inactivity_warning": None
        if warning is None
        else {
            "warned_at": _iso(warning.warned_at),
            "last_activity_at": _iso(warning.last_activity_at),
        },
        # Emails are sent from the queue and not kept once sent: there is no mail log.
        "emails_sent": None,
    }


@dataclass(frozen=True)
class Blocker:
    code: str
    message: str


@dataclass(frozen=True)
class Balances:
    points: int
    cards_cents: int
    cards: int

    @property
    def positive(self) -> bool:
        return self.points > 0 or self.cards_cents > 0


def user_balances(user: User, *, now: dt.datetime | None = None) -> Balances:
    """Loyalty points and the balance of unexpired vouchers and gift cards of ``user``."""
    moment = now or timezone.now()
    points = sum(
        Account.objects.filter(
            kind=AccountKind.LOYALTY,
            owner_ref=f"user:{user.pk}",
            currency=POINTS_CURRENCY,
            balance_cents__gt=0,
        ).values_list("balance_cents", flat=True)
    )
    cards = [
        *Voucher.objects.filter(
            owner=user, expires_at__gt=moment, account__balance_cents__gt=0
        ).values_list("account__balance_cents", flat=True),
        *GiftCard.objects.filter(
            buyer_email__iexact=user.email, expires_at__gt=moment, account__balance_cents__gt=0
        ).values_list("account__balance_cents", flat=True),
    ]
    return Balances(points=points, cards_cents=sum(cards), cards=len(cards))


def erasure_blockers(
    user: User, *, acknowledge_balances: bool, now: dt.datetime | None = None
) -> list[Blocker]:
    """Why ``user``'s account cannot be erased now (empty: it can), in French."""
    blockers: list[Blocker] = []
    if is_erased(user):
        return [Blocker("already_erased", _("Ce compte a déjà été supprimé."))]
    if user.is_staff or user.is_superuser:
        blockers.append(
            Blocker(
                "platform_admin",
                _(
                    "Un compte d'administration de la plateforme ne se supprime pas ici : "
                    "demandez à un autre administrateur de le retirer."
                ),
            )
        )
    owned = dict(
        ShopMembership.objects.filter(user=user, role=ShopMembership.Role.OWNER).values_list(
            "shop_id", "shop__name"
        )
    )
    if owned:
        co_owned = set(
            ShopMembership.objects.filter(shop_id__in=owned, role=ShopMembership.Role.OWNER)
            .exclude(user=user)
            .values_list("shop_id", flat=True)
        )
        alone = sorted(name for shop_id, name in owned.items() if shop_id not in co_owned)
        if alone:
            blockers.append(
                Blocker(
                    "shop_owner",
                    _(
                        "Vous êtes le seul gérant de : %(shops)s. Transmettez d'abord la "
                        "gérance à un autre membre de l'équipe, ou demandez à l'opérateur du "
                        "territoire de fermer le commerce."
                    )
                    % {"shops": ", ".join(alone)},
                )
            )
    operated = list(TerritoryMembership.objects.filter(user=user).values_list("territory_id"))
    if operated:
        others = set(
            TerritoryMembership.objects.filter(territory_id__in=[t for (t,) in operated])
            .exclude(user=user)
            .values_list("territory_id", flat=True)
        )
        if any(t not in others for (t,) in operated):
            blockers.append(
                Blocker(
                    "last_operator",
                    _(
                        "Vous êtes le seul opérateur d'un territoire : ajoutez d'abord un "
                        "autre opérateur."
                    ),
                )
            )
    in_progress = Order.objects.filter(user=user).exclude(status__in=FINAL).count()
    if in_progress:
        blockers.append(
            Blocker(
                "orders_in_progress",
                _(
                    "%(count)s commande(s) sont en cours. Attendez leur retrait ou leur "
                    "livraison, ou annulez-les, puis revenez supprimer votre compte."
                )
                % {"count": in_progress},
            )
        )
    if OnlinePurchase.objects.filter(user=user, payment__status=PaymentStatus.PENDING).exists():
        blockers.append(
            Blocker(
                "payment_pending",
                _("Un paiement en ligne est en cours : attendez sa confirmation."),
            )
        )
    if not acknowledge_balances:
        balances = user_balances(user, now=now)
        if balances.positive:
            blockers.append(
                Blocker(
                    "balances_remaining",
                    _(
                        "Il vous reste des points de fidélité ou un solde sur des chèques ou "
                        "cartes cadeaux. Confirmez que vous renoncez aux points et que vous "
                        "avez noté les codes de vos chèques et cartes (ils restent utilisables "
                        "jusqu'à leur expiration, mais ne seront plus affichés dans un compte)."
                    ),
                )
            )
    return blockers


def purge_candidates(*, inactive_since: dt.datetime) -> list[tuple[int, dt.datetime]]:
    """``(user id, last activity)`` of the shopper accounts idle since ``inactive_since``.

    Activity is the latest log-in, order or sign-up. Admins, shop team members, operators
    and erased accounts are never purged (team accounts leave through their shop).
    """
    joined = "date_joined"
    rows = (
        User.objects.filter(is_staff=False, is_superuser=False)
        .exclude(email__endswith=f"@{ERASED_DOMAIN}", is_active=False)
        .exclude(shop_memberships__isnull=False)
        .exclude(territory_memberships__isnull=False)
        .annotate(
            last_activity=Greatest(
                Coalesce("last_login", joined),
                Coalesce(Max("orders__created_at"), joined),
                output_field=DateTimeField(),
            )
        )
        .filter(last_activity__lte=inactive_since)
        .order_by("pk")
        .values_list("pk", "last_activity")
    )
    return [(pk, last_activity) for pk, last_activity in rows]

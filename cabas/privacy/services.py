"""Writes of the privacy domain: erasing an account, and the inactivity purge.

Erasure keeps what the law requires (orders, invoices, the ledger) and removes the
person: see ``docs/privacy.md`` for the rule, and ``registry.USER_LINKS`` for the fate
of every table that points at a user.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from cabas.accounts.models import User
from cabas.apitokens.models import ApiToken
from cabas.audit import actions
from cabas.audit.models import AuditEntry
from cabas.audit.services import audit_record
from cabas.backoffice.models import TeamInvitation
from cabas.ledger.locks import lock_accounts
from cabas.ledger.models import Account, AccountKind
from cabas.ledger.services import account_open, ledger_post
from cabas.loyalty.models import POINTS_CURRENCY
from cabas.loyalty.services import EXTERNAL_POINTS
from cabas.orders.models import Checkout, Order
from cabas.payments.models import OnlinePurchase
from cabas.tasks.services import task_enqueue
from cabas.vouchers.models import GiftCard

from .errors import PrivacyError
from .models import InactivityWarning
from .registry import ACTOR_LABELS, links_to_delete
from .selectors import erased_email, erasure_blockers, purge_candidates
from .sessions import sessions_end_for_users

ORIGIN_SELF = "self"
ORIGIN_INACTIVITY = "inactivity"
ERASED_LABEL = "compte supprimé"
INACTIVITY_WARNING_TASK = "privacy.inactivity_warning_email"
ERASURE_LINK_TASK = "privacy.erasure_link_email"


@dataclass(frozen=True)
class ErasureResult:
    user_id: int
    orders_kept: int
    points_forfeited: int
    tokens_revoked: int
    sessions_ended: int


def _forfeit_points(user: User) -> int:
    """Move the remaining points back to the territory's points source; returns how many.

    The ledger is never edited: the forfeiture is one more balanced transaction.
    """
    ids = Account.objects.filter(
        kind=AccountKind.LOYALTY,
        owner_ref=f"user:{user.pk}",
        currency=POINTS_CURRENCY,
        balance_cents__gt=0,
    ).values_list("pk", flat=True)
    forfeited = 0
    for account in lock_accounts(list(ids)):
        if account.balance_cents <= 0:
            continue
        source = account_open(
            territory=account.territory,
            kind=AccountKind.EXTERNAL,
            owner_ref=EXTERNAL_POINTS,
            currency=POINTS_CURRENCY,
        )
        ledger_post(
            territory=account.territory,
            kind="loyalty_forfeit",
            entries=[(account, -account.balance_cents), (source, account.balance_cents)],
            reference=f"user:{user.pk}",
            idempotency_key=f"loyalty_forfeit:account:{account.pk}:{account.balance_cents}",
            memo="account erased",
        )
        forfeited += account.balance_cents
    return forfeited


def _anonymise_orders(user: User, new_email: str) -> int:
    """Orders stay for accounting; the contact and the delivery street address go."""
    for checkout_id in Checkout.objects.filter(user=user).values_list("pk", flat=True):
        # A new link token: an old e-mail link no longer opens the orders.
        Checkout.objects.filter(pk=checkout_id).update(
            email=new_email, phone="", name="", access_token=secrets.token_urlsafe(32)
        )
    return Order.objects.filter(user=user).update(delivery_address="")


def account_erase(
    *, user_id: int, acknowledge_balances: bool, origin: str = ORIGIN_SELF
) -> ErasureResult:
    """Erase the person behind ``user_id`` in one transaction, or raise and change nothing.

    Invariants: an account with an order in progress, a pending online payment, a shop
    it alone owns or a territory it alone operates is never erased; positive balances
    are forfeited only when ``acknowledge_balances``; orders, invoices and the ledger
    are kept (amounts, dates, shops, lines), without name, phone, e-mail or street
    address; every session of the account ends; the audit entry names no one.
    """
    now = timezone.now()
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=user_id).first()
        if user is None:
            raise PrivacyError("user_not_found", "Compte introuvable.", status=404)
        blockers = erasure_blockers(user, acknowledge_balances=acknowledge_balances, now=now)
        if blockers:
            raise PrivacyError(
                blockers[0].code,
                " ".join(b.message for b in blockers),
                details=[{"code": b.code, "message": b.message} for b in blockers],
            )
        old_email = user.email
        new_email = erased_email(user.pk)

        orders_kept = _anonymise_orders(user, new_email)
        OnlinePurchase.objects.filter(user=user).update(
            buyer_email=new_email, recipient_email="", message=""
        )
        GiftCard.objects.filter(buyer_email__iexact=old_email).update(buyer_email=new_email)
        TeamInvitation.objects.filter(email__iexact=old_email).update(email=new_email)
        points = _forfeit_points(user)

        for link in links_to_delete():
            apps.get_model(link.model)._default_manager.filter(**{link.field: user}).delete()
        tokens = ApiToken.objects.filter(created_by=user, revoked_at__isnull=True).update(
            revoked_at=now
        )

        for (label, fk), column in ACTOR_LABELS.items():
            apps.get_model(label)._default_manager.filter(**{fk: user}).update(
                **{column: f"{ERASED_LABEL} #{user.pk}"}
            )
        AuditEntry.objects.filter(object_type="accounts.user", object_id=str(user.pk)).update(
            object_repr=new_email
        )
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
        ).update(object_repr=new_email)

        user.email = new_email
        user.first_name = ""
        user.last_name = ""
        user.phone = ""
        user.home_territory = None
        user.is_active = False
        user.set_unusable_password()
        user.save()

        sessions = sessions_end_for_users([user.pk])
        audit_record(
            actor=None,
            territory=None,
            action=actions.ACCOUNT_ERASE,
            target=user,
            details={
                "origin": origin,
                "orders_kept": orders_kept,
                "points_forfeited": points,
                "tokens_revoked": tokens,
                "sessions_ended": sessions,
            },
            actor_label=ERASED_LABEL if origin == ORIGIN_SELF else "purge des comptes inactifs",
        )
    return ErasureResult(
        user_id=user.pk,
        orders_kept=orders_kept,
        points_forfeited=points,
        tokens_revoked=tokens,
        sessions_ended=sessions,
    )


def erasure_link_request(*, user: User, base_url: str) -> None:
    """Queue the e-mail whose link confirms the erasure (accounts without a password)."""
    with transaction.atomic():
        task_enqueue(
            name=ERASURE_LINK_TASK,
            kwargs={"user_id": user.pk, "base_url": base_url.rstrip("/")},
        )


@dataclass
class PurgeReport:
    warned: list[int] = field(default_factory=list)
    erased: list[int] = field(default_factory=list)
    skipped: dict[int, str] = field(default_factory=dict)


def inactive_accounts_purge(
    *, days: int, dry_run: bool = False, now: dt.datetime | None = None
) -> PurgeReport:
    """Warn the accounts that reach ``days`` of inactivity in 30 days, erase the ones past it.

    An account is erased only once its warning is at least
    ``PRIVACY_INACTIVITY_WARNING_DAYS`` old and no activity happened since: a log-in or an
    order after the warning cancels it. Idempotent: a second run the same day warns and
    erases no one more. ``dry_run`` reports what would happen and writes nothing.
    """
    if days <= 0:
        raise PrivacyError("invalid_days", "Le nombre de jours doit être positif.", status=400)
    moment = now or timezone.now()
    notice = dt.timedelta(days=settings.PRIVACY_INACTIVITY_WARNING_DAYS)
    limit = moment - dt.timedelta(days=days)
    report = PurgeReport()
    candidates = purge_candidates(inactive_since=limit + notice)
    warnings = {
        w.user_id: w
        for w in InactivityWarning.objects.filter(user_id__in=[pk for pk, _ in candidates])
    }
    for user_id, last_activity in candidates:
        warning = warnings.get(user_id)
        if warning is None or warning.last_activity_at < last_activity:
            report.warned.append(user_id)
            if not dry_run:
                with transaction.atomic():
                    InactivityWarning.objects.update_or_create(
                        user_id=user_id,
                        defaults={"last_activity_at": last_activity, "warned_at": moment},
                    )
                    task_enqueue(
                        name=INACTIVITY_WARNING_TASK,
                        kwargs={"user_id": user_id, "erase_after": (moment + notice).isoformat()},
                    )
            continue
        if last_activity > limit or warning.warned_at > moment - notice:
            continue  # warned, still within the notice period
        if dry_run:
            report.erased.append(user_id)
            continue
        try:
            account_erase(user_id=user_id, acknowledge_balances=True, origin=ORIGIN_INACTIVITY)
        except PrivacyError as error:
            report.skipped[user_id] = error.code
        else:
            report.erased.append(user_id)
    return report

"""The shop's team: invitations by email (owner or staff), joining, leaving.

Invariants: an invitation works once, before it expires, for the address it was sent
to; its token is stored as a digest only; a shop always keeps at least one owner.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cabas.accounts.models import User
from cabas.shops.models import Shop, ShopMembership
from cabas.tasks.services import task_enqueue

from ..errors import TeamError
from ..models import TeamInvitation

INVITATION_LIFETIME = dt.timedelta(days=7)
INVITATION_EMAIL_TASK = "backoffice.invitation_email"


def invitation_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def team_invite(
    *, shop: Shop, email: str, role: str, invited_by: User, accept_url_template: str
) -> TeamInvitation:
    """Invite ``email`` into the team; the email with the link is queued in this transaction.

    ``accept_url_template`` holds ``{token}``. The token travels only in the queued
    email task, which the queue deletes once sent; the invitation keeps its digest.
    """
    address = User.objects.normalize_email(email.strip()).lower()
    if role not in ShopMembership.Role.values:
        raise TeamError("role_invalid", _("Rôle inconnu."), field="role")
    if ShopMembership.objects.filter(shop=shop, user__email__iexact=address).exists():
        raise TeamError(
            "already_member", _("Cette personne fait déjà partie de l'équipe."), field="email"
        )
    raw = secrets.token_urlsafe(32)
    with transaction.atomic():
        TeamInvitation.objects.filter(
            shop=shop, email=address, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
        invitation = TeamInvitation.objects.create(
            territory_id=shop.territory_id,
            shop=shop,
            email=address,
            role=role,
            digest=invitation_digest(raw),
            invited_by=invited_by,
            expires_at=timezone.now() + INVITATION_LIFETIME,
        )
        task_enqueue(
            name=INVITATION_EMAIL_TASK,
            kwargs={
                "invitation_id": invitation.pk,
                "accept_url": accept_url_template.replace("{token}", raw),
            },
            territory_id=shop.territory_id,
        )
    return invitation


def team_accept(*, raw_token: str, user: User) -> ShopMembership:
    """Join the team the invitation names; the invitation works once, before it expires."""
    with transaction.atomic():
        invitation = (
            TeamInvitation.objects.select_for_update(of=("self",))
            .select_related("shop")
            .filter(digest=invitation_digest(raw_token or ""))
            .first()
        )
        if invitation is None or invitation.revoked_at is not None:
            raise TeamError(
                "invitation_invalid", _("Cette invitation n'existe pas ou a été annulée.")
            )
        if invitation.accepted_at is not None:
            raise TeamError("invitation_used", _("Cette invitation a déjà servi."))
        if invitation.expires_at <= timezone.now():
            raise TeamError(
                "invitation_expired", _("Cette invitation a expiré : demandez-en une nouvelle.")
            )
        if user.email.lower() != invitation.email:
            raise TeamError(
                "invitation_other_email",
                _("Cette invitation est adressée à %(email)s : connectez-vous avec cette adresse.")
                % {"email": invitation.email},
            )
        membership, _created = ShopMembership.objects.get_or_create(
            shop=invitation.shop,
            user=user,
            defaults={"territory_id": invitation.territory_id, "role": invitation.role},
        )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


def team_revoke_invitation(*, shop: Shop, invitation_id: int) -> bool:
    return bool(
        TeamInvitation.objects.filter(
            territory_id=shop.territory_id, shop=shop, pk=invitation_id, accepted_at__isnull=True
        ).update(revoked_at=timezone.now())
    )


def team_remove(*, shop: Shop, membership_id: int) -> None:
    """Remove a team member; the last owner cannot go (the shop would be orphaned)."""
    with transaction.atomic():
        members = list(
            ShopMembership.objects.select_for_update()
            .filter(territory_id=shop.territory_id, shop=shop)
            .order_by("pk")
        )
        target = next((m for m in members if m.pk == membership_id), None)
        if target is None:
            raise TeamError("not_found", _("Membre introuvable."))
        owners = [m for m in members if m.role == ShopMembership.Role.OWNER]
        if target.role == ShopMembership.Role.OWNER and len(owners) == 1:
            raise TeamError(
                "last_owner",
                _("Le commerce doit garder au moins un gérant : nommez-en un autre d'abord."),
            )
        target.delete()

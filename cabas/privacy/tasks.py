"""Privacy e-mails and the daily purge, run by the queue worker."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from cabas.accounts.models import User
from cabas.tasks.registry import task

from .selectors import is_erased
from .services import ERASURE_LINK_TASK, INACTIVITY_WARNING_TASK, inactive_accounts_purge
from .tokens import erasure_token

PURGE_TASK = "privacy.purge_inactive_accounts"

logger = logging.getLogger("cabas.privacy")


def _send(user: User, subject: str, template: str, context: dict) -> None:
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"privacy/email/{template}.txt", context),
        to=[user.email],
    )
    message.attach_alternative(
        render_to_string(f"privacy/email/{template}.html", context), "text/html"
    )
    message.send()


@task(ERASURE_LINK_TASK, max_attempts=5)
def erasure_link_email(*, user_id: int, base_url: str) -> None:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or is_erased(user):
        return
    with translation.override("fr"):
        path = reverse(
            "privacy:erase_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": erasure_token.make_token(user),
            },
        )
        _send(
            user,
            _("Cabas : confirmer la suppression de votre compte"),
            "erasure_link",
            {"user": user, "link": f"{base_url}{path}"},
        )


@task(INACTIVITY_WARNING_TASK, max_attempts=5)
def inactivity_warning_email(*, user_id: int, erase_after: str) -> None:
    user = User.objects.filter(pk=user_id).first()
    if user is None or is_erased(user):
        return
    site = getattr(settings, "SITE_URL", "").rstrip("/")
    with translation.override("fr"):
        _send(
            user,
            _("Cabas : votre compte inactif sera supprimé"),
            "inactivity_warning",
            {
                "user": user,
                "erase_after": dt.datetime.fromisoformat(erase_after),
                "login_link": f"{site}{reverse('accounts:login')}",
                "years": round(settings.PRIVACY_INACTIVE_ACCOUNT_DAYS / 365),
            },
        )


@task(PURGE_TASK, max_attempts=1, every=dt.timedelta(days=1))
def purge_inactive_accounts() -> dict[str, int]:
    report = inactive_accounts_purge(days=settings.PRIVACY_INACTIVE_ACCOUNT_DAYS)
    logger.info(
        "purge: %d warned, %d erased, %d skipped",
        len(report.warned),
        len(report.erased),
        len(report.skipped),
    )
    return {"warned": len(report.warned), "erased": len(report.erased)}

"""The console's e-mails to merchants, sent by the queue worker after the decision commits."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from cabas.accounts.models import User
from cabas.audit import actions
from cabas.shops.models import Shop
from cabas.tasks.registry import task
from cabas.territories.models import Territory

from .services import MERCHANT_EMAIL_TASK

logger = logging.getLogger("cabas.console")

SUBJECTS = {
    actions.APPLICATION_APPROVE: "Votre demande pour {shop} est acceptée",
    actions.APPLICATION_REFUSE: "Votre demande pour {shop} n'a pas été retenue",
    actions.SHOP_APPROVE: "{shop} est en ligne sur {territory}",
    actions.SHOP_REFUSE: "{shop} n'a pas été validé sur {territory}",
    actions.SHOP_SUSPEND: "{shop} est suspendu sur {territory}",
    actions.SHOP_REACTIVATE: "{shop} est de nouveau en ligne sur {territory}",
}


def _url(path: str) -> str:
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    return f"{base}{path}" if base else path


@task(MERCHANT_EMAIL_TASK, max_attempts=10)
def merchant_email(
    *, territory_id: int, shop_id: int, event: str, message: str, user_ids: list[int]
) -> None:
    territory = Territory.objects.get(pk=territory_id)
    shop = Shop.objects.get(pk=shop_id, territory=territory)
    recipients = sorted(
        User.objects.filter(pk__in=user_ids, is_active=True).values_list("email", flat=True)
    )
    if not recipients:
        logger.info("No active recipient for %s of shop %s.", event, shop_id)
        return
    with translation.override("fr"):
        context = {
            "event": event,
            "shop": shop,
            "territory": territory,
            "message": message,
            "backoffice_url": _url(reverse("backoffice:dashboard")),
            "shop_url": _url(reverse("web:shop_detail", args=[territory.slug, shop.slug])),
            "contact": territory.contact_email,
        }
        body = render_to_string("console/email/merchant.txt", context)
        subject = SUBJECTS[event].format(shop=shop.name, territory=territory.name)
    send_mail(
        subject=subject,
        message=body,
        from_email=None,
        recipient_list=recipients,
        fail_silently=False,
    )

"""Email tasks run by the queue worker; a failure (SMTP down) raises and is retried."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cabas.fulfilment.models import FulfilmentMethod
from cabas.fulfilment.wording import slot_label
from cabas.money import format_money
from cabas.orders.models import Order
from cabas.shops.models import ShopMembership
from cabas.tasks.registry import task

from .calendar import pickup_event_ics
from .messages import SHOPPER, message_for
from .services import ORDER_EMAIL_TASK

logger = logging.getLogger("cabas.notifications")


def _order_url(order: Order, recipient: str) -> str:
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    try:
        if recipient == SHOPPER:
            path = reverse("orders:guest_checkout", args=[order.checkout.access_token])
        else:
            return ""
    except NoReverseMatch:
        return ""
    return f"{base}{path}" if base else ""


@task(ORDER_EMAIL_TASK, max_attempts=10)
def order_email(*, order_id: int, event: str, recipient: str) -> None:
    order = (
        Order.objects.select_related("shop__territory", "checkout", "collection_point")
        .prefetch_related("lines")
        .get(pk=order_id)
    )
    if recipient == SHOPPER:
        to = [order.checkout.email]
    else:
        to = sorted(
            ShopMembership.objects.filter(shop_id=order.shop_id, user__is_active=True)
            .values_list("user__email", flat=True)
            .distinct()
        )
    if not to:
        logger.info("Order %s: no address for the %s email of %s.", order_id, recipient, event)
        return
    with translation.override("fr"):
        _send(order, event, recipient, to)


def _send(order: Order, event: str, recipient: str, to: list[str]) -> None:
    message = message_for(event, recipient)
    shop = order.shop
    tz = shop.territory.timezone
    values = {"shop": shop.name, "number": order.pk}
    place = _place(order)
    context = {
        "order": order,
        "shop": shop,
        "territory": shop.territory,
        "lines": [
            {
                "name": line.product_name,
                "quantity": line.quantity,
                "total": format_money(line.line_total_cents, order.currency),
            }
            for line in order.lines.all()
        ],
        "intro": message.body % values,
        "subtotal": format_money(order.subtotal_cents, order.currency),
        "delivery_fee": format_money(order.delivery_fee_cents, order.currency)
        if order.delivery_fee_cents
        else "",
        "total": format_money(order.total_cents, order.currency),
        "slot": slot_label(order.slot_start, order.slot_end, tz, timezone.now()),
        "place": place,
        "method": order.get_fulfilment_method_display(),
        "payment": order.get_payment_method_display(),
        "status": order.get_status_display(),
        "pickup_code": order.pickup_code,
        "customer": order.checkout,
        "url": _order_url(order, recipient),
        "for_shop": recipient != SHOPPER,
    }
    text = render_to_string(f"notifications/email/order_{recipient}.txt", context)
    html = render_to_string(f"notifications/email/order_{recipient}.html", context)
    email = EmailMultiAlternatives(
        subject=str(message.subject % values),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
    )
    email.attach_alternative(html, "text/html")
    if message.with_calendar and order.fulfilment_method != FulfilmentMethod.DELIVERY:
        ics = pickup_event_ics(
            uid=f"order-{order.pk}@cabas",
            summary=_("Retrait de votre commande chez %(shop)s") % {"shop": shop.name},
            start=order.slot_start,
            end=order.slot_end,
            location=place,
            description=_("Code de retrait : %(code)s") % {"code": order.pickup_code},
            stamp=timezone.now(),
        )
        email.attach("retrait.ics", ics, "text/calendar; charset=utf-8; method=PUBLISH")
    email.send(fail_silently=False)


def _place(order: Order) -> str:
    if order.collection_point is not None:
        point = order.collection_point
        return f"{point.name}, {point.address} {point.postcode} {point.city}".strip()
    if order.fulfilment_method == FulfilmentMethod.DELIVERY:
        return f"{order.delivery_address} {order.delivery_postcode}".strip()
    shop = order.shop
    return f"{shop.name}, {shop.address} {shop.postcode} {shop.city}".strip()

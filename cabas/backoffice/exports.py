"""A shop's orders as a CSV for French Excel, streamed (constant memory, one query).

UTF-8 with a byte-order mark (Excel's cue for UTF-8), semicolons and decimal commas,
like the catalogue export; every text cell that a spreadsheet would run as a formula
(``=``, ``+``, ``-``, ``@``, tab, CR) gets an apostrophe (CSV injection). One row per
order line, the order's columns repeated. The customer appears by first name only:
enough to hand the order over, and the file travels (e-mail, USB keys).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from django.utils import timezone

from cabas.fulfilment.models import FulfilmentMethod
from cabas.orders.models import OrderLine, OrderStatus, PaymentMethod
from cabas.orders.transitions import UNPAID
from cabas.reports.selectors import Period
from cabas.shops.models import Shop

from .imports.export import escape_cell

ORDER_HEADERS = [
    "Commande",
    "Date",
    "Statut",
    "Mode",
    "Créneau",
    "Client (prénom)",
    "Référence",
    "Article",
    "Quantité",
    "Prix unitaire TTC",
    "Total ligne TTC",
    "Sous-total commande",
    "Frais de livraison",
    "Total commande",
    "Réglé par chèques et points",
    "Paiement",
]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _euros(cents: int) -> str:
    return f"{cents // 100},{cents % 100:02d}"


def first_name(name: str) -> str:
    parts = name.split()
    return parts[0] if parts else ""


def orders_csv(shop: Shop, period: Period) -> Iterator[str]:
    """The shop's orders placed in ``period`` (local days), one row per line."""
    zone = ZoneInfo(period.tz)
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    yield "\ufeff" + writer.writerow(ORDER_HEADERS)
    statuses = dict(OrderStatus.choices)
    methods = dict(FulfilmentMethod.choices)
    payments = dict(PaymentMethod.choices)
    lines = (
        OrderLine.objects.filter(
            territory_id=shop.territory_id,
            order__shop=shop,
            order__created_at__gte=period.starts_at,
            order__created_at__lt=period.ends_before,
        )
        .exclude(order__status__in=UNPAID)
        .order_by("order__created_at", "order_id", "pk")
        .values_list(
            "order_id",
            "order__created_at",
            "order__status",
            "order__fulfilment_method",
            "order__slot_start",
            "order__checkout__name",
            "sku",
            "product_name",
            "quantity",
            "unit_price_cents",
            "line_total_cents",
            "order__subtotal_cents",
            "order__delivery_fee_cents",
            "order__total_cents",
            "order__tendered_cents",
            "order__payment_method",
        )
    )
    for row in lines.iterator(chunk_size=2000):
        (order_id, created, status, method, slot, name, sku, product, quantity, unit, total) = row[
            :11
        ]
        subtotal, fee, order_total, tendered, payment = row[11:]
        yield writer.writerow(
            [
                str(order_id),
                timezone.localtime(created, zone).strftime("%d/%m/%Y %H:%M"),
                str(statuses.get(status, status)),
                str(methods.get(method, method)),
                timezone.localtime(slot, zone).strftime("%d/%m/%Y %H:%M"),
                escape_cell(first_name(name)),
                escape_cell(sku),
                escape_cell(product),
                str(quantity),
                _euros(unit),
                _euros(total),
                _euros(subtotal),
                _euros(fee),
                _euros(order_total),
                _euros(tendered),
                str(payments.get(payment, payment)),
            ]
        )

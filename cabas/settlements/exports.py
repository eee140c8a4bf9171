"""Statements and voucher flows as CSV for French spreadsheets.

UTF-8 with a byte-order mark, semicolons, decimal commas (what French Excel opens as is);
any cell a spreadsheet would run as a formula gets an apostrophe (CSV injection).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cabas.fulfilment.models import FulfilmentMethod
from cabas.orders.models import PaymentMethod
from cabas.reports.exports import escape_cell, euros
from cabas.reports.selectors import Period
from cabas.territories.models import Territory

from .flows import VoucherFlow
from .labels import channel_label, flow_label, formula_text, source_label
from .statement import Statement

BOM = "\ufeff"
_NUMBER = re.compile(r"^-?\d+(,\d{2})?$")


def _writer(buffer: io.StringIO) -> Any:
    return csv.writer(buffer, delimiter=";", lineterminator="\r\n")


def _cell(value: object) -> str:
    text = str(value)
    # A plain number (a negative amount) stays a number; any other text is defused.
    return text if _NUMBER.match(text) else escape_cell(text)


def _rows(writer: Any, rows: Iterable[Iterable[object]]) -> None:
    for row in rows:
        writer.writerow([_cell(cell) for cell in row])


def period_label(period: Period) -> str:
    return _("du %(start)s au %(end)s (%(tz)s)") % {
        "start": period.start.strftime("%d/%m/%Y"),
        "end": period.end.strftime("%d/%m/%Y"),
        "tz": period.tz,
    }


def _local(value: dt.datetime, period: Period) -> str:
    return timezone.localtime(value, ZoneInfo(period.tz)).strftime("%d/%m/%Y %H:%M")


def statement_csv(statement: Statement) -> str:
    """The statement: header, sales, their lines, tenders, totals and the formula."""
    shop, period = statement.shop, statement.period
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = _writer(buffer)
    _rows(
        writer,
        [
            [_("Relevé de reversement")],
            [_("Commerce"), shop.name],
            [_("SIRET"), shop.siret or _("non renseigné")],
            [_("Territoire"), shop.territory.name],
            [_("Période"), period_label(period)],
            [_("Devise"), statement.currency],
            [],
            [_("Ventes : commandes remises au client dans la période")],
            [
                _("Commande"),
                _("Remise le"),
                _("Mode"),
                _("Paiement"),
                _("Marchandises (€)"),
                _("Livraison (€)"),
                _("Total (€)"),
                _("Commission (€)"),
                _("Payé en boutique (€)"),
                _("Payé par carte en ligne (€)"),
                _("Chèques, cartes cadeaux et points (€)"),
                _("Commission retenue sur le virement (€)"),
            ],
        ],
    )
    _rows(
        writer,
        (
            [
                sale.order_id,
                _local(sale.handed_over_at, period),
                FulfilmentMethod(sale.fulfilment_method).label
                if sale.fulfilment_method in FulfilmentMethod.values
                else sale.fulfilment_method,
                PaymentMethod(sale.payment_method).label
                if sale.payment_method in PaymentMethod.values
                else sale.payment_method,
                euros(sale.subtotal_cents),
                euros(sale.delivery_fee_cents),
                euros(sale.total_cents),
                euros(sale.commission_cents),
                euros(0 if sale.by_card else sale.due_cents),
                euros(sale.due_cents if sale.by_card else 0),
                euros(sale.tendered_cents),
                euros(sale.card_fee_cents),
            ]
            for sale in statement.sales
        ),
    )
    _rows(
        writer,
        [
            [],
            [_("Détail des articles vendus")],
            [
                _("Commande"),
                _("Article"),
                _("Référence"),
                _("Quantité"),
                _("Prix unitaire (€)"),
                _("Total (€)"),
            ],
        ],
    )
    _rows(
        writer,
        (
            [
                sale.order_id,
                line.name,
                line.sku,
                line.quantity,
                euros(line.unit_price_cents),
                euros(line.line_total_cents),
            ]
            for sale in statement.sales
            for line in sale.lines
        ),
    )
    _rows(
        writer,
        [
            [],
            [_("Mouvements du compte du commerce")],
            [
                _("Écriture"),
                _("Date"),
                _("Origine"),
                _("Programme"),
                _("Code (4 derniers caractères)"),
                _("Canal"),
                _("Référence"),
                _("Montant (€)"),
                _("Encaissé par"),
            ],
        ],
    )
    _rows(
        writer,
        (
            [
                tender.transaction_id,
                _local(tender.created_at, period),
                source_label(tender.source),
                tender.programme,
                tender.code_last4,
                channel_label(tender.channel),
                tender.reference,
                euros(tender.amount_cents),
                tender.cashier,
            ]
            for tender in statement.tenders
        ),
    )
    _card_and_payout_rows(writer, statement)
    totals: list[list[object]] = [
        [],
        [_("Totaux")],
        [_("Commandes remises"), statement.orders_count],
        [_("Ventes de marchandises (€)"), euros(statement.goods_cents)],
        [_("Frais de livraison (€)"), euros(statement.delivery_fees_cents)],
        [_("Ventes totales (€)"), euros(statement.sales_cents)],
        [_("dont payé en boutique (€)"), euros(statement.paid_in_shop_cents)],
        [_("dont payé par carte en ligne (€)"), euros(statement.paid_by_card_cents)],
        [
            _("dont chèques, cartes cadeaux et points (€)"),
            euros(statement.paid_by_tenders_cents),
        ],
    ]
    for group in statement.groups:
        label = source_label(group.source)
        if group.programme:
            label = f"{label} « {group.programme} »"
        totals.append([f"{label}, {channel_label(group.channel)} (€)", euros(group.amount_cents)])
    totals += [
        [_("Chèques encaissés, dus par les financeurs (€)"), euros(statement.vouchers_cents)],
        [_("Cartes cadeaux encaissées (€)"), euros(statement.gift_cards_cents)],
        [_("Fidélité encaissée (€)"), euros(statement.loyalty_cents)],
        [_("Paiements par carte en ligne (€)"), euros(statement.card_payments_cents)],
        [_("Virés par le prestataire de paiement (€)"), euros(statement.card_transferred_cents)],
        [_("Remboursés par carte aux clients (€)"), euros(statement.card_refunded_cents)],
        [_("Paiements par carte encore détenus (€)"), euros(statement.card_held_cents)],
        [_("Commission de la plateforme (€)"), euros(-statement.commission_cents)],
        [_("dont retenue sur les virements (€)"), euros(statement.commission_withheld_cents)],
        [_("Commission due par le commerce (€)"), euros(-statement.commission_due_cents)],
        [_("Autres mouvements (€)"), euros(statement.other_movements_cents)],
        [_("Reversement net (€)"), euros(statement.net_payout_cents)],
        [_("Solde de début de période (€)"), euros(statement.opening_balance_cents)],
        [_("Versements effectués (€)"), euros(-statement.payouts_cents)],
        [_("Solde de fin de période (€)"), euros(statement.closing_balance_cents)],
        [_("Formule"), formula_text()],
    ]
    _rows(writer, totals)
    return buffer.getvalue()


def _card_and_payout_rows(writer: Any, statement: Statement) -> None:
    period = statement.period
    _rows(
        writer,
        [
            [],
            [_("Virements par carte envoyés par le prestataire")],
            [
                _("Commande"),
                _("Virement"),
                _("Envoyé le"),
                _("Montant viré (€)"),
                _("Commission retenue (€)"),
                _("Repris le"),
            ],
        ],
    )
    _rows(
        writer,
        (
            [
                row.order_id,
                row.provider_transfer_id,
                _local(row.sent_at, period),
                euros(row.amount_cents),
                euros(row.fee_cents),
                _local(row.reversed_at, period) if row.reversed_at else "",
            ]
            for row in statement.transfers
        ),
    )
    _rows(
        writer,
        [
            [],
            [_("Remboursements par carte aux clients")],
            [_("Commande"), _("Remboursement"), _("Remboursé le"), _("Montant (€)")],
        ],
    )
    _rows(
        writer,
        (
            [
                row.order_id,
                row.provider_refund_id,
                _local(row.refunded_at, period),
                euros(row.amount_cents),
            ]
            for row in statement.card_refunds
        ),
    )
    _rows(
        writer,
        [
            [],
            [_("Versements effectués par la plateforme")],
            [
                _("Écriture"),
                _("Date du virement"),
                _("Référence"),
                _("Saisi par"),
                _("Montant (€)"),
            ],
        ],
    )
    _rows(
        writer,
        (
            [
                row.transaction_id,
                row.paid_on.strftime("%d/%m/%Y"),
                row.reference,
                row.recorded_by,
                euros(row.amount_cents),
            ]
            for row in statement.payouts
        ),
    )


FLOW_HEADERS = (
    gettext_lazy("Écriture"),
    gettext_lazy("Date (UTC)"),
    gettext_lazy("Date locale"),
    gettext_lazy("Nature"),
    gettext_lazy("Code nature"),
    gettext_lazy("Montant (€)"),
    gettext_lazy("Support"),
    gettext_lazy("Programme"),
    gettext_lazy("Code (4 derniers caractères)"),
    gettext_lazy("Commerce"),
    gettext_lazy("SIRET"),
    gettext_lazy("Référence"),
    gettext_lazy("Nature comptable"),
)


def voucher_flows_csv(territory: Territory, period: Period, flows: Iterable[VoucherFlow]) -> str:
    """Every voucher and gift card movement of the period, one row each."""
    zone = ZoneInfo(territory.timezone)
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = _writer(buffer)
    _rows(writer, [[str(header) for header in FLOW_HEADERS]])
    _rows(
        writer,
        (
            [
                flow.transaction_id,
                flow.created_at.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%d %H:%M:%S"),
                timezone.localtime(flow.created_at, zone).strftime("%d/%m/%Y %H:%M:%S"),
                flow_label(flow.kind),
                flow.kind,
                euros(flow.amount_cents),
                source_label(flow.card) if flow.card else _("Budget du programme"),
                flow.programme,
                flow.code_last4,
                flow.shop_name,
                flow.shop_siret,
                flow.reference,
                flow.ledger_kind,
            ]
            for flow in flows
        ),
    )
    return buffer.getvalue()

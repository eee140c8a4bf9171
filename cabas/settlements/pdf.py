"""The statement as a PDF (fpdf2), in DejaVu Sans so the euro sign and accents render.

The fonts ship with the app (``fonts/``, Bitstream Vera licence): the PDF looks the same
on every server, whatever fonts the system has.
"""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from cabas.money import format_money

from .exports import period_label
from .labels import channel_label, formula_text, source_label
from .statement import Statement

FONTS = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVu"


def _pdf() -> FPDF:
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_margins(15, 15, 15)
    pdf.add_page()
    return pdf


def _line(pdf: FPDF, text: str, *, size: int = 10, bold: bool = False, height: float = 6) -> None:
    pdf.set_font(FONT, "B" if bold else "", size)
    pdf.multi_cell(0, height, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _table(pdf: FPDF, headers: list[str], rows: list[list[str]], widths: tuple[int, ...]) -> None:
    pdf.set_font(FONT, "", 8)
    with pdf.table(
        col_widths=widths,
        text_align=tuple("RIGHT" if "€" in h else "LEFT" for h in headers),
        line_height=5,
        headings_style=FontFace(emphasis="BOLD", fill_color=(235, 235, 235)),
    ) as table:
        heading = table.row()
        for header in headers:
            heading.cell(header)
        for values in rows:
            row = table.row()
            for value in values:
                row.cell(value)
    pdf.ln(3)


def statement_pdf(statement: Statement) -> bytes:
    """The statement as PDF bytes: header, totals and formula, then every sale and tender."""
    shop, period, currency = statement.shop, statement.period, statement.currency
    zone = ZoneInfo(period.tz)

    def money(cents: int) -> str:
        return format_money(cents, currency)

    pdf = _pdf()
    pdf.set_title(_("Relevé de reversement — %(shop)s") % {"shop": shop.name})
    pdf.set_author("Cabas")
    _line(pdf, _("Relevé de reversement"), size=16, bold=True, height=9)
    _line(pdf, shop.name, size=13, bold=True)
    _line(pdf, _("SIRET : %(siret)s") % {"siret": shop.siret or _("non renseigné")})
    _line(pdf, _("Territoire : %(name)s") % {"name": shop.territory.name})
    _line(pdf, _("Période : %(period)s") % {"period": period_label(period)})
    pdf.ln(3)

    _line(pdf, _("Totaux"), size=12, bold=True)
    totals = [
        [_("Commandes remises"), str(statement.orders_count)],
        [_("Ventes de marchandises"), money(statement.goods_cents)],
        [_("Frais de livraison"), money(statement.delivery_fees_cents)],
        [_("Ventes totales"), money(statement.sales_cents)],
        [_("dont payé en boutique"), money(statement.paid_in_shop_cents)],
        [_("dont payé par carte en ligne"), money(statement.paid_by_card_cents)],
        [_("dont chèques, cartes cadeaux et points"), money(statement.paid_by_tenders_cents)],
        [_("Chèques encaissés, dus par les financeurs"), money(statement.vouchers_cents)],
        [_("Cartes cadeaux encaissées"), money(statement.gift_cards_cents)],
        [_("Fidélité encaissée"), money(statement.loyalty_cents)],
        [_("Paiements par carte en ligne"), money(statement.card_payments_cents)],
        [_("Virés par le prestataire de paiement"), money(statement.card_transferred_cents)],
        [_("Remboursés par carte aux clients"), money(statement.card_refunded_cents)],
        [_("Paiements par carte encore détenus"), money(statement.card_held_cents)],
        [_("Commission de la plateforme"), money(-statement.commission_cents)],
        [_("dont retenue sur les virements"), money(statement.commission_withheld_cents)],
        [_("Commission due par le commerce"), money(-statement.commission_due_cents)],
    ]
    if statement.other_movements_cents:
        totals.append([_("Autres mouvements"), money(statement.other_movements_cents)])
    totals += [
        [_("Reversement net"), money(statement.net_payout_cents)],
        [_("Solde de début de période"), money(statement.opening_balance_cents)],
        [_("Versements effectués"), money(-statement.payouts_cents)],
        [_("Solde de fin de période"), money(statement.closing_balance_cents)],
    ]
    _table(pdf, [_("Poste"), _("Montant (€)")], totals, (120, 60))
    _line(pdf, formula_text(), size=8, height=4.5)
    pdf.ln(3)

    if statement.groups:
        _line(pdf, _("Encaissements par origine"), size=12, bold=True)
        _table(
            pdf,
            [_("Origine"), _("Programme"), _("Canal"), _("Nombre"), _("Montant (€)")],
            [
                [
                    source_label(group.source),
                    group.programme,
                    channel_label(group.channel),
                    str(group.count),
                    money(group.amount_cents),
                ]
                for group in statement.groups
            ],
            (35, 65, 30, 20, 30),
        )

    _line(pdf, _("Ventes : commandes remises au client dans la période"), size=12, bold=True)
    if statement.sales:
        _table(
            pdf,
            [
                _("Commande"),
                _("Remise le"),
                _("Articles"),
                _("Total (€)"),
                _("Commission (€)"),
            ],
            [
                [
                    str(sale.order_id),
                    timezone.localtime(sale.handed_over_at, zone).strftime("%d/%m/%Y %H:%M"),
                    ", ".join(f"{line.quantity} × {line.name}" for line in sale.lines),
                    money(sale.total_cents),
                    money(sale.commission_cents),
                ]
                for sale in statement.sales
            ],
            (20, 30, 75, 27, 28),
        )
    else:
        _line(pdf, _("Aucune commande remise dans la période."))

    if statement.transfers:
        _line(pdf, _("Virements par carte envoyés par le prestataire"), size=12, bold=True)
        _table(
            pdf,
            [_("Commande"), _("Virement"), _("Envoyé le"), _("Viré (€)"), _("Commission (€)")],
            [
                [
                    str(row.order_id),
                    row.provider_transfer_id + (f" ({_('repris')})" if row.reversed_at else ""),
                    timezone.localtime(row.sent_at, zone).strftime("%d/%m/%Y %H:%M"),
                    money(row.amount_cents),
                    money(row.fee_cents),
                ]
                for row in statement.transfers
            ],
            (20, 60, 30, 35, 35),
        )
    if statement.card_refunds:
        _line(pdf, _("Remboursements par carte aux clients"), size=12, bold=True)
        _table(
            pdf,
            [_("Commande"), _("Remboursement"), _("Remboursé le"), _("Montant (€)")],
            [
                [
                    str(row.order_id),
                    row.provider_refund_id,
                    timezone.localtime(row.refunded_at, zone).strftime("%d/%m/%Y %H:%M"),
                    money(row.amount_cents),
                ]
                for row in statement.card_refunds
            ],
            (20, 70, 40, 50),
        )
    if statement.payouts:
        _line(pdf, _("Versements effectués par la plateforme"), size=12, bold=True)
        _table(
            pdf,
            [_("Date du virement"), _("Référence"), _("Saisi par"), _("Montant (€)")],
            [
                [
                    row.paid_on.strftime("%d/%m/%Y"),
                    row.reference,
                    row.recorded_by,
                    money(row.amount_cents),
                ]
                for row in statement.payouts
            ],
            (30, 70, 45, 35),
        )

    _line(pdf, _("Mouvements du compte du commerce"), size=12, bold=True)
    if statement.tenders:
        _table(
            pdf,
            [
                _("Écriture"),
                _("Date"),
                _("Origine"),
                _("Code"),
                _("Canal"),
                _("Encaissé par"),
                _("Montant (€)"),
            ],
            [
                [
                    str(tender.transaction_id),
                    timezone.localtime(tender.created_at, zone).strftime("%d/%m/%Y %H:%M"),
                    source_label(tender.source)
                    + (f" « {tender.programme} »" if tender.programme else ""),
                    f"…{tender.code_last4}" if tender.code_last4 else "",
                    channel_label(tender.channel),
                    tender.cashier,
                    money(tender.amount_cents),
                ]
                for tender in statement.tenders
            ],
            (18, 27, 45, 17, 20, 28, 25),
        )
    else:
        _line(pdf, _("Aucun encaissement dans la période."))
    return bytes(pdf.output())

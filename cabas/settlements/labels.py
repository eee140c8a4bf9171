"""The words of statements and exports, shared by the pages, the CSV and the PDF."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    from .selectors import Statement

SOURCE_LABELS = {
    "voucher": gettext_lazy("Chèque"),
    "gift_card": gettext_lazy("Carte cadeau"),
    "loyalty": gettext_lazy("Fidélité"),
    "card_payment": gettext_lazy("Paiement par carte en ligne"),
    "other": gettext_lazy("Autre mouvement"),
}
CHANNEL_LABELS = {
    "in_store": gettext_lazy("en boutique"),
    "online": gettext_lazy("en ligne"),
}
FLOW_LABELS = {
    "funding": gettext_lazy("Dotation du budget"),
    "purchase": gettext_lazy("Achat"),
    "match": gettext_lazy("Abondement"),
    "redemption": gettext_lazy("Encaissement"),
    "refund": gettext_lazy("Remboursement"),
    "expiry": gettext_lazy("Expiration"),
    "other": gettext_lazy("Autre"),
}


def source_label(source: str) -> str:
    return str(SOURCE_LABELS.get(source, source))


def channel_label(channel: str) -> str:
    return str(CHANNEL_LABELS.get(channel, channel))


def flow_label(kind: str) -> str:
    return str(FLOW_LABELS.get(kind, kind))


def formula_text() -> str:
    return _(
        "Reversement net = chèques + cartes cadeaux + fidélité + paiements par carte en ligne"
        " − commission. Les ventes sont les commandes retirées ou livrées dans la période ; la"
        " commission est la somme des commissions de ces commandes ; les encaissements sont les"
        " mouvements du compte du commerce dans la période. Un montant négatif est dû par le"
        " commerce à la plateforme."
    )


def _tender_label(source: str, programme: str) -> str:
    label = source_label(source)
    return f"{label} « {programme} »" if programme else label


def statement_context(statement: Statement) -> dict[str, Any]:
    """What ``settlements/_statement.html`` shows, labels resolved in the active language."""
    return {
        "statement": statement,
        "formula": formula_text(),
        "groups": [
            {
                "label": source_label(group.source),
                "programme": group.programme,
                "channel_label": channel_label(group.channel),
                "count": group.count,
                "amount_cents": group.amount_cents,
            }
            for group in statement.groups
        ],
        "tenders": [
            {
                "transaction_id": tender.transaction_id,
                "created_at": tender.created_at,
                "label": _tender_label(tender.source, tender.programme),
                "code_last4": tender.code_last4,
                "channel_label": channel_label(tender.channel),
                "amount_cents": tender.amount_cents,
            }
            for tender in statement.tenders
        ],
    }

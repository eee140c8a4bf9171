"""The words of statements and exports, shared by the pages, the CSV and the PDF."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    from .statement import Statement

SOURCE_LABELS = {
    "voucher": gettext_lazy("Chèque"),
    "gift_card": gettext_lazy("Carte cadeau"),
    "loyalty": gettext_lazy("Fidélité"),
    "card_payment": gettext_lazy("Paiement par carte en ligne"),
    "card_transfer": gettext_lazy("Virement par le prestataire de paiement"),
    "card_reversal": gettext_lazy("Virement repris (commande refusée)"),
    "card_refund": gettext_lazy("Remboursement par carte au client"),
    "payout": gettext_lazy("Versement de la plateforme"),
    "other": gettext_lazy("Autre mouvement"),
}
CHANNEL_LABELS = {
    "in_store": gettext_lazy("en boutique"),
    "online": gettext_lazy("en ligne"),
    "bank": gettext_lazy("virement"),
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
        "Ventes = payé en boutique + payé par carte en ligne + chèques, cartes cadeaux et points."
        " La commission porte sur le total de chaque commande ; sur une commande payée par carte,"
        " elle est retenue sur le virement du prestataire, à hauteur de la part payée par carte ;"
        " le reste est dû par le commerce. Solde de la période = chèques, cartes cadeaux et"
        " fidélité encaissés (nets des remboursements) + paiements par carte encore détenus par"
        " la plateforme + autres mouvements − commission due. Solde de fin = solde de début +"
        " solde de la période − versements effectués : ce que la plateforme doit encore au"
        " commerce ; négatif, ce que le commerce doit à la plateforme."
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
                "cashier": tender.cashier,
            }
            for tender in statement.tenders
        ],
    }

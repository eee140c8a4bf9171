"""What each order step says, to whom. Shoppers hear of every step; shops of the
steps they did not make themselves (a new order, a shopper's cancellation)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

SHOPPER = "shopper"
SHOP = "shop"


@dataclass(frozen=True)
class StepMessage:
    subject: Promise
    body: Promise
    with_calendar: bool = False  # attach the pickup slot as an .ics


SHOPPER_MESSAGES: dict[str, StepMessage] = {
    "placed": StepMessage(
        _("Commande n° %(number)s envoyée à %(shop)s"),
        _("Votre commande est transmise à %(shop)s, qui va la confirmer."),
        with_calendar=True,
    ),
    "accepted": StepMessage(
        _("%(shop)s a accepté votre commande n° %(number)s"),
        _("Bonne nouvelle : %(shop)s prépare votre commande."),
        with_calendar=True,
    ),
    "ready": StepMessage(
        _("Votre commande n° %(number)s est prête"),
        _("Votre commande vous attend chez %(shop)s."),
        with_calendar=True,
    ),
    "collected": StepMessage(
        _("Merci pour votre achat chez %(shop)s"),
        _("Vous avez retiré votre commande. À bientôt chez %(shop)s !"),
    ),
    "out_for_delivery": StepMessage(
        _("Votre commande n° %(number)s est en route"),
        _("%(shop)s a confié votre commande au livreur."),
    ),
    "delivered": StepMessage(
        _("Votre commande n° %(number)s est livrée"),
        _("Votre commande de %(shop)s a été livrée. Merci !"),
    ),
    "refused": StepMessage(
        _("%(shop)s ne peut pas honorer votre commande n° %(number)s"),
        _("%(shop)s a dû refuser votre commande. Rien ne vous sera demandé."),
    ),
    "cancelled_by_shopper": StepMessage(
        _("Commande n° %(number)s annulée"),
        _("Votre commande chez %(shop)s est annulée, comme demandé."),
    ),
    "cancelled_by_shop": StepMessage(
        _("%(shop)s a annulé votre commande n° %(number)s"),
        _("%(shop)s a annulé votre commande. Rien ne vous sera demandé."),
    ),
    "no_show": StepMessage(
        _("Commande n° %(number)s non retirée"),
        _("Votre commande n'a pas été retirée chez %(shop)s à l'heure prévue."),
    ),
}

SHOP_MESSAGES: dict[str, StepMessage] = {
    "placed": StepMessage(
        _("Nouvelle commande n° %(number)s"),
        _("Une nouvelle commande attend votre confirmation."),
    ),
    "cancelled_by_shopper": StepMessage(
        _("Commande n° %(number)s annulée par le client"),
        _("Le client a annulé cette commande : inutile de la préparer."),
    ),
}


def recipients_for(event: str) -> list[str]:
    return [
        who for who, table in ((SHOPPER, SHOPPER_MESSAGES), (SHOP, SHOP_MESSAGES)) if event in table
    ]


def message_for(event: str, recipient: str) -> StepMessage:
    return (SHOPPER_MESSAGES if recipient == SHOPPER else SHOP_MESSAGES)[event]

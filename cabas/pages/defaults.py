"""The French texts a territory's pages start with, before its operator adapts them.

They are sound as they stand (what the platform does, who runs it, how data is
handled) and name the territory and its operator; the operator completes the legal
details only they know (registration numbers, host) from the console.
"""

from __future__ import annotations

from dataclasses import dataclass

from cabas.territories.models import Territory

from .models import PageKind


@dataclass(frozen=True)
class DefaultPage:
    title: str
    body: str


_ABOUT = """{name} réunit sur une seule plateforme les commerces indépendants du territoire : \
leurs horaires, leurs services et les produits qu'ils ont en stock.

## Pourquoi cette plateforme
Acheter près de chez soi fait vivre les rues commerçantes et garde l'argent sur le territoire. \
Ici, vous voyez en un coup d'œil quel commerce a l'article, ouvert maintenant, tout près ; vous \
remplissez un seul panier chez plusieurs commerçants et retirez vos commandes aujourd'hui.

## Qui l'anime
La plateforme est animée par {operator}, qui accompagne les commerçants, valide leur inscription \
et publie les chiffres de son impact.

## Nous écrire
{contact_sentence}"""

_TERMS = """Les présentes conditions générales d'utilisation encadrent l'usage de la plateforme \
{name}, éditée par {operator}.

## Objet
La plateforme présente les commerces indépendants du territoire et permet de leur passer \
commande. Chaque commande est conclue entre le client et le commerçant concerné ; \
{operator} n'est pas vendeur.

## Compte
La création d'un compte est facultative pour commander. Le titulaire d'un compte veille à la \
confidentialité de son mot de passe et signale tout usage frauduleux.

## Commerçants
Un commerce rejoint la plateforme après validation par {operator}. Le commerçant garantit \
l'exactitude de ses informations (horaires, prix, stock) et s'engage à honorer les commandes \
acceptées. {Operator} peut suspendre un commerce qui ne respecte pas ces conditions.

## Responsabilité
{Operator} met en œuvre les moyens raisonnables pour assurer l'accès à la plateforme, sans \
garantir une disponibilité permanente.

## Modification
Ces conditions peuvent évoluer ; la version en vigueur est celle publiée sur cette page."""

_SALES = """Chaque commande passée sur {name} est un contrat de vente entre le client et le \
commerce qui la prépare. Les présentes conditions générales de vente s'appliquent à défaut de \
conditions particulières du commerçant. La plateforme est animée par {operator}, qui n'est \
pas partie à ces ventes.

## Prix
Les prix sont indiqués en euros, toutes taxes comprises, au moment de la commande. Les frais \
de livraison éventuels sont affichés avant la validation.

## Commande et paiement
La commande est ferme lorsque le commerçant l'accepte. Le paiement se fait au retrait ou à la \
livraison, selon le mode choisi.

## Retrait et livraison
Le client retire sa commande au créneau choisi, en présentant son code de retrait. Une \
commande non retirée peut être remise en rayon par le commerçant.

## Droit de rétractation
Pour les produits livrés, le client dispose de quatorze jours pour se rétracter, sauf pour \
les biens périssables ou confectionnés à la demande (article L221-28 du code de la \
consommation). Les produits retirés en boutique après avoir été vus sur place relèvent de la \
vente en magasin.

## Réclamations et médiation
Toute réclamation s'adresse d'abord au commerçant. À défaut d'accord, le client peut recourir \
gratuitement au médiateur de la consommation dont relève le commerçant."""

_LEGAL = """## Éditeur
La plateforme {name} est éditée par {operator}.
{contact_sentence}

## Directeur de la publication
Le représentant légal de {operator}.

## Hébergement
La plateforme est hébergée par le prestataire retenu par {operator} ; ses coordonnées sont \
communiquées sur simple demande.

## Logiciel
{name} fonctionne avec Cabas, logiciel libre publié sous licence AGPL-3.0-or-later.

## Données ouvertes
Les données des commerces proviennent des commerçants, d'OpenStreetMap et des jeux de données \
publics cités en pied de page (licence ODbL)."""

_ACCESSIBILITY = """{Operator} s'engage à rendre la plateforme {name} accessible, conformément \
à l'article 47 de la loi n° 2005-102 du 11 février 2005.

## État de conformité
La plateforme vise la conformité au référentiel général d'amélioration de l'accessibilité \
(RGAA 4.1) : navigation au clavier, textes alternatifs, contrastes suffisants, formulaires \
étiquetés, graphiques accompagnés de leur tableau de données. Un audit complet n'a pas encore \
été réalisé : la plateforme est donc déclarée non conforme tant qu'il n'a pas eu lieu.

## Signaler un défaut
Si vous ne parvenez pas à accéder à un contenu ou à un service, écrivez-nous pour être orienté \
vers une alternative accessible. {contact_sentence}

## Voie de recours
Si vous n'obtenez pas de réponse, vous pouvez saisir le Défenseur des droits \
(https://www.defenseurdesdroits.fr)."""

_PRIVACY = """{Operator} traite des données personnelles pour faire fonctionner la plateforme \
{name}. Cette page explique lesquelles, pourquoi et comment exercer vos droits.

## Données traitées
- Clients : adresse e-mail, téléphone, nom et adresse de livraison éventuels, commandes.
- Commerçants : identité et coordonnées professionnelles, informations du commerce.

## Finalités et bases légales
- Préparer et remettre les commandes (exécution du contrat).
- Envoyer les messages liés aux commandes et au compte (exécution du contrat).
- Publier des statistiques agrégées et anonymes sur l'activité des commerces (intérêt légitime).

## Destinataires
Chaque commerçant ne reçoit que les données des commandes qui le concernent. Aucune donnée \
n'est vendue ni transmise à des régies publicitaires ; la plateforme n'utilise aucun traceur \
publicitaire.

## Durée de conservation
Les données de commande sont conservées le temps imposé par les obligations comptables \
(dix ans) ; les comptes inactifs sont supprimés après trois ans.

## Vos droits
Vous pouvez accéder à vos données, les rectifier, les effacer, vous opposer à un traitement ou \
demander leur portabilité. Depuis votre compte, la page « Mes données » télécharge toutes \
vos données et supprime votre compte. {contact_sentence} Vous pouvez aussi saisir la CNIL \
(https://www.cnil.fr)."""

_TEXTS = {
    PageKind.ABOUT: _ABOUT,
    PageKind.TERMS: _TERMS,
    PageKind.SALES: _SALES,
    PageKind.LEGAL: _LEGAL,
    PageKind.ACCESSIBILITY: _ACCESSIBILITY,
    PageKind.PRIVACY: _PRIVACY,
}

_TITLES = {
    PageKind.ABOUT: "À propos de {name}",
    PageKind.TERMS: "Conditions générales d'utilisation",
    PageKind.SALES: "Conditions générales de vente",
    PageKind.LEGAL: "Mentions légales",
    PageKind.ACCESSIBILITY: "Déclaration d'accessibilité",
    PageKind.PRIVACY: "Données personnelles",
}


def default_page(territory: Territory, kind: str) -> DefaultPage:
    """The default title and text of page ``kind`` for ``territory``."""
    operator = territory.operator_name or f"l'équipe qui anime {territory.name}"
    contact_sentence = (
        f"Écrivez à {territory.contact_email}."
        if territory.contact_email
        else f"Pour nous écrire, adressez-vous à {operator}."
    )
    values = {
        "name": territory.name,
        "operator": operator,
        "Operator": operator[:1].upper() + operator[1:],
        "contact_sentence": contact_sentence,
    }
    page_kind = PageKind(kind)
    return DefaultPage(
        title=_TITLES[page_kind].format(**values), body=_TEXTS[page_kind].format(**values)
    )

"""The actions the log knows, each with a stable code and a French label for people."""

from django.utils.translation import gettext_lazy as _

TERRITORY_CREATE = "territory.create"
TERRITORY_SETTINGS = "territory.settings"
TERRITORY_LOGO = "territory.logo"
TERRITORY_LOGO_REMOVE = "territory.logo_remove"
APPLICATION_APPROVE = "application.approve"
APPLICATION_REFUSE = "application.refuse"
SHOP_APPROVE = "shop.approve"
SHOP_REFUSE = "shop.refuse"
SHOP_SUSPEND = "shop.suspend"
SHOP_REACTIVATE = "shop.reactivate"
SHOP_CATEGORY = "shop.category"
POINT_CREATE = "collection_point.create"
POINT_UPDATE = "collection_point.update"
POINT_SHOPS = "collection_point.shops"
COURIER_ZONE_CREATE = "courier_zone.create"
COURIER_ZONE_UPDATE = "courier_zone.update"
COURIER_ZONE_DELETE = "courier_zone.delete"
COURIER_SHOPS = "courier.shops"
PAGE_UPDATE = "page.update"
ANNOUNCEMENT_CREATE = "announcement.create"
ANNOUNCEMENT_UPDATE = "announcement.update"
ANNOUNCEMENT_DELETE = "announcement.delete"
VOUCHER_PROGRAMME_CREATE = "voucher_programme.create"
VOUCHER_PROGRAMME_UPDATE = "voucher_programme.update"
VOUCHER_PROGRAMME_ACTIVATE = "voucher_programme.activate"
VOUCHER_PROGRAMME_CLOSE = "voucher_programme.close"
VOUCHER_PROGRAMME_TOP_UP = "voucher_programme.top_up"
ADMIN_ADD = "admin.add"
ADMIN_CHANGE = "admin.change"
ADMIN_DELETE = "admin.delete"
ADMIN_ACTION = "admin.action"
ACCOUNT_ERASE = "account.erase"
PAYOUT_RECORD = "payout.record"

LABELS = {
    TERRITORY_CREATE: _("Création du territoire"),
    TERRITORY_SETTINGS: _("Réglages du territoire"),
    TERRITORY_LOGO: _("Nouveau logo"),
    TERRITORY_LOGO_REMOVE: _("Logo retiré"),
    APPLICATION_APPROVE: _("Demande acceptée"),
    APPLICATION_REFUSE: _("Demande refusée"),
    SHOP_APPROVE: _("Commerce validé"),
    SHOP_REFUSE: _("Commerce refusé"),
    SHOP_SUSPEND: _("Commerce suspendu"),
    SHOP_REACTIVATE: _("Commerce réactivé"),
    SHOP_CATEGORY: _("Catégorie d'un commerce"),
    POINT_CREATE: _("Point de retrait créé"),
    POINT_UPDATE: _("Point de retrait modifié"),
    POINT_SHOPS: _("Commerces d'un point de retrait"),
    COURIER_ZONE_CREATE: _("Zone de livraison créée"),
    COURIER_ZONE_UPDATE: _("Zone de livraison modifiée"),
    COURIER_ZONE_DELETE: _("Zone de livraison supprimée"),
    COURIER_SHOPS: _("Commerces livrés par le coursier"),
    PAGE_UPDATE: _("Page modifiée"),
    ANNOUNCEMENT_CREATE: _("Annonce publiée"),
    ANNOUNCEMENT_UPDATE: _("Annonce modifiée"),
    ANNOUNCEMENT_DELETE: _("Annonce supprimée"),
    VOUCHER_PROGRAMME_CREATE: _("Programme de chèques créé"),
    VOUCHER_PROGRAMME_UPDATE: _("Programme de chèques modifié"),
    VOUCHER_PROGRAMME_ACTIVATE: _("Programme de chèques ouvert"),
    VOUCHER_PROGRAMME_CLOSE: _("Programme de chèques clos"),
    VOUCHER_PROGRAMME_TOP_UP: _("Budget d'un programme abondé"),
    ADMIN_ADD: _("Ajout dans l'administration"),
    ADMIN_CHANGE: _("Modification dans l'administration"),
    ADMIN_DELETE: _("Suppression dans l'administration"),
    ADMIN_ACTION: _("Action groupée dans l'administration"),
    ACCOUNT_ERASE: _("Compte supprimé à la demande de son titulaire ou pour inactivité"),
    PAYOUT_RECORD: _("Versement à un commerce enregistré"),
}


def action_label(code: str) -> str:
    return str(LABELS.get(code, code))

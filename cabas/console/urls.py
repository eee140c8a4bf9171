"""Console URLs: ``/console/`` (the territories a person runs) and
``/<territory>/console/…`` for one territory; the slug ``console`` is reserved, so
neither can be mistaken for a territory's pages."""

from django.urls import include, path

from .views import audit, content, fulfilment, home, reports, settlements, shops
from .views import vouchers as voucher_views
from .views.loyalty import loyalty as loyalty_settings

app_name = "console"

territory_patterns = [
    path("", home.dashboard, name="dashboard"),
    path("demandes/", shops.applications, name="applications"),
    path("demandes/<int:request_id>/", shops.application, name="application"),
    path("commerces/", shops.shops, name="shops"),
    path("commerces/<int:shop_id>/", shops.shop, name="shop"),
    path("commerces/<int:shop_id>/statut/", shops.shop_status, name="shop_status"),
    path("commerces/<int:shop_id>/categorie/", shops.shop_category, name="shop_category"),
    path("categories/", shops.categories, name="categories"),
    path("points-de-retrait/", fulfilment.points, name="points"),
    path("points-de-retrait/nouveau/", fulfilment.point_new, name="point_new"),
    path("points-de-retrait/<int:point_id>/", fulfilment.point, name="point"),
    path("points-de-retrait/<int:point_id>/commerces/", fulfilment.point_shop, name="point_shop"),
    path("coursier/", fulfilment.courier, name="courier"),
    path("coursier/commerces/", fulfilment.courier_shop, name="courier_shop"),
    path("coursier/zones/nouvelle/", fulfilment.courier_zone_new, name="courier_zone_new"),
    path("coursier/zones/<int:zone_id>/", fulfilment.courier_zone, name="courier_zone"),
    path(
        "coursier/zones/<int:zone_id>/supprimer/",
        fulfilment.courier_zone_delete,
        name="courier_zone_delete",
    ),
    path("pages/", content.pages, name="pages"),
    path("pages/<slug:kind>/", content.page, name="page"),
    path("annonces/", content.announcements, name="announcements"),
    path("annonces/<int:announcement_id>/", content.announcement, name="announcement"),
    path(
        "annonces/<int:announcement_id>/supprimer/",
        content.announcement_delete,
        name="announcement_delete",
    ),
    path("fidelite/", loyalty_settings, name="loyalty"),
    path("reglages/", content.settings, name="settings"),
    path("reglages/logo/", content.logo, name="logo"),
    path("reglages/domaine/", content.domain, name="domain"),
    path("rapports/", reports.report, name="reports"),
    path("rapports/<slug:table>.csv", reports.report_csv, name="reports_csv"),
    path("reversements/", settlements.settlements, name="settlements"),
    path(
        "reversements/flux-cheques.csv",
        settlements.voucher_flows_export,
        name="voucher_flows_csv",
    ),
    path("reversements/commerces/<int:shop_id>/", settlements.settlement, name="settlement"),
    path(
        "reversements/commerces/<int:shop_id>/releve.csv",
        settlements.settlement_csv,
        name="settlement_csv",
    ),
    path(
        "reversements/commerces/<int:shop_id>/releve.pdf",
        settlements.settlement_pdf,
        name="settlement_pdf",
    ),
    path(
        "reversements/commerces/<int:shop_id>/versement/",
        settlements.settlement_payout,
        name="settlement_payout",
    ),
    path("journal/", audit.audit, name="audit"),
    path("cheques/", voucher_views.programmes, name="programmes"),
    path("cheques/nouveau/", voucher_views.programme_new, name="programme_new"),
    path(
        "cheques/commerces/",
        voucher_views.programme_shop_search,
        name="programme_shop_search",
    ),
    path("cheques/<int:programme_id>/", voucher_views.programme, name="programme"),
    path(
        "cheques/<int:programme_id>/modifier/",
        voucher_views.programme_edit,
        name="programme_edit",
    ),
    path(
        "cheques/<int:programme_id>/statut/",
        voucher_views.programme_status,
        name="programme_status",
    ),
    path(
        "cheques/<int:programme_id>/budget/",
        voucher_views.programme_top_up,
        name="programme_top_up",
    ),
    path("cartes-cadeaux/", voucher_views.gift_cards, name="gift_cards"),
]

urlpatterns = [
    path("console/", home.index, name="index"),
    path("console/nouveau-territoire/", home.territory_new, name="territory_new"),
    path("<slug:territory>/console/", include(territory_patterns)),
]

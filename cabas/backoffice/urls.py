"""Back-office URLs, under ``/espace-commercant/`` (``/en/espace-commercant/`` in English).

Shop pages live under ``<territory>/<shop>/``; the part after it names the area.
"""

from django.urls import include, path

from .views import (
    catalogue,
    exports,
    fulfilment,
    imports,
    join,
    news,
    orders,
    redemption,
    shop,
    team,
)

app_name = "backoffice"

shop_patterns = [
    path("", shop.shop_home, name="shop_home"),
    path("vitrine/", shop.vitrine, name="vitrine"),
    path("horaires/", shop.opening_hours, name="opening_hours"),
    path("horaires/fermetures/", shop.closure_add, name="closure_add"),
    path(
        "horaires/fermetures/<int:closure_id>/supprimer/",
        shop.closure_delete,
        name="closure_delete",
    ),
    path("retrait-livraison/", fulfilment.fulfilment, name="fulfilment"),
    path("retrait-livraison/zones/", fulfilment.zone_add, name="zone_add"),
    path(
        "retrait-livraison/zones/<int:zone_id>/supprimer/",
        fulfilment.zone_delete,
        name="zone_delete",
    ),
    path("catalogue/", catalogue.catalogue, name="catalogue"),
    path("catalogue/nouveau/", catalogue.offer_new, name="offer_new"),
    path("catalogue/export.csv", catalogue.catalogue_export, name="catalogue_export"),
    path("catalogue/<int:offer_id>/", catalogue.offer_edit, name="offer_edit"),
    path("catalogue/<int:offer_id>/photo/", catalogue.offer_photo, name="offer_photo"),
    path("import/", imports.import_upload, name="import_upload"),
    path("import/<int:job_id>/", imports.import_job, name="import_job"),
    path("import/<int:job_id>/lancer/", imports.import_start, name="import_start"),
    path("import/<int:job_id>/progression/", imports.import_progress, name="import_progress"),
    path("commandes/", orders.board, name="orders"),
    path("commandes/retrait/", orders.order_pickup, name="order_pickup"),
    path("commandes/preparation/", orders.picking_list, name="picking_list"),
    path("commandes/export.csv", exports.orders_export, name="orders_export"),
    path("commandes/<int:order_id>/statut/", orders.order_move, name="order_move"),
    path("encaisser/", redemption.redeem, name="redeem"),
    path("encaisser/<int:transaction_id>/", redemption.redeem_receipt, name="redeem_receipt"),
    path("releves/", redemption.statement, name="statement"),
    path("releves/releve.csv", redemption.statement_csv, name="statement_csv"),
    path("releves/releve.pdf", redemption.statement_pdf, name="statement_pdf"),
    path("actualites/", news.news, name="news"),
    path("actualites/<int:news_id>/supprimer/", news.news_delete, name="news_delete"),
    path("equipe/", team.team, name="team"),
    path("equipe/inviter/", team.team_invite, name="team_invite"),
    path(
        "equipe/invitations/<int:invitation_id>/annuler/",
        team.invitation_revoke,
        name="invitation_revoke",
    ),
    path("equipe/<int:membership_id>/retirer/", team.team_remove, name="team_remove"),
    path("api/", team.api_tokens, name="api_tokens"),
    path("api/<int:token_id>/revoquer/", team.api_token_delete, name="api_token_delete"),
    path("api/flux/", team.feed_save, name="feed_save"),
    path("api/flux/synchroniser/", team.feed_pull_now, name="feed_pull_now"),
]

urlpatterns = [
    path("", join.dashboard, name="dashboard"),
    path("rejoindre/", join.join, name="join"),
    path("rejoindre/<slug:territory>/", join.join_territory, name="join_territory"),
    path("rejoindre/<slug:territory>/creer/", join.join_create, name="join_create"),
    path("rejoindre/<slug:territory>/reprendre/<slug:shop>/", join.join_claim, name="join_claim"),
    path("invitation/<str:token>/", join.invitation_accept, name="invitation_accept"),
    path("<slug:territory>/<slug:shop>/", include(shop_patterns)),
]

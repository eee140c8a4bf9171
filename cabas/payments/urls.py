"""Storefront payment pages, under the territory: ``/<territory>/cartes-cadeaux/``,
``/<territory>/cheques/``, ``/<territory>/paiement/<token>/`` and the operator's
``/<territory>/console/paiements/``."""

from django.urls import path

from . import views

app_name = "payments"

urlpatterns = [
    path("<slug:territory>/cartes-cadeaux/", views.gift_cards, name="gift_cards"),
    path("<slug:territory>/cheques/", views.vouchers, name="vouchers"),
    path("<slug:territory>/achats/<str:token>/", views.purchase, name="purchase"),
    path("<slug:territory>/paiement/<str:token>/", views.pay, name="pay"),
    path("<slug:territory>/paiement/<str:token>/retour/", views.payment_return, name="return"),
    path("<slug:territory>/console/paiements/", views.console_accounts, name="console_accounts"),
]

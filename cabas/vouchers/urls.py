from django.urls import path

from . import views

app_name = "vouchers"

urlpatterns = [
    path("<slug:territory>/carte-cadeau/solde/", views.gift_card_balance, name="gift_card_balance"),
]

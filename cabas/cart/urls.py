from django.urls import path

from . import views

app_name = "cart"

urlpatterns = [
    path("", views.cart_detail, name="detail"),
    path("ajouter/", views.cart_add, name="add"),
    path("article/<int:offer_id>/", views.cart_line_update, name="line"),
    path("retrait/<int:shop_id>/", views.cart_fulfilment, name="fulfilment"),
]

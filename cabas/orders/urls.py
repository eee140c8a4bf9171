from django.urls import path

from . import views

app_name = "orders"

urlpatterns = [
    path("valider/", views.checkout, name="checkout"),
    path("suivi/<str:token>/", views.guest_checkout, name="guest_checkout"),
    path("", views.my_orders, name="list"),
    path("<int:order_id>/", views.order_detail, name="detail"),
    path("<int:order_id>/annuler/", views.order_cancel, name="cancel"),
    path("<int:order_id>/recommander/", views.order_reorder, name="reorder"),
]

from django.urls import path

from . import views

app_name = "web"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:territory>/", views.territory_home, name="territory_home"),
    path("<slug:territory>/commerces/", views.shop_list, name="shop_list"),
    path(
        "<slug:territory>/commerces/carte.json", views.territory_markers, name="territory_markers"
    ),
    path("<slug:territory>/commerces/<slug:shop>/", views.shop_detail, name="shop_detail"),
    path(
        "<slug:territory>/produits/<int:product_id>/", views.product_detail, name="product_detail"
    ),
]

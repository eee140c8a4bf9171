"""URLs for the commerce tests: the real API and accounts, plus the cart and order pages
as the project mounts them (``/panier/``, ``/commandes/``)."""

from django.urls import include, path

from cabas.api.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("panier/", include("cabas.cart.urls")),
    path("commandes/", include("cabas.orders.urls")),
    path("compte/", include("cabas.accounts.urls")),
    path("", include("cabas.web.urls")),
]

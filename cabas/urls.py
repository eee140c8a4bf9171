from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path

from cabas.api.api import api
from cabas.web import theme
from cabas.web.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Territory colours as cached stylesheets (no inline style under the CSP).
    re_path(theme.THEME_PATTERN, theme.theme_css, name="theme_css"),
    re_path(theme.CARDS_PATTERN, theme.theme_cards_css, name="theme_cards_css"),
    path("", include("cabas.discovery.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("cabas.habits.urls_root")),
]
urlpatterns += i18n_patterns(
    path("compte/", include("cabas.accounts.urls")),
    path("espace-commercant/", include("cabas.backoffice.urls")),
    path("panier/", include("cabas.cart.urls")),
    path("commandes/", include("cabas.orders.urls")),
    path("", include("cabas.payments.urls")),
    path("", include("cabas.console.urls")),
    path("", include("cabas.pages.urls")),
    path("", include("cabas.privacy.urls")),
    path("", include("cabas.reports.urls")),
    path("", include("cabas.planner.urls")),
    path("", include("cabas.search.urls")),
    path("", include("cabas.habits.urls")),
    path("", include("cabas.vouchers.urls")),
    path("", include("cabas.web.urls")),
    prefix_default_language=False,
)

handler404 = "cabas.web.errors.page_not_found"
handler500 = "cabas.web.errors.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

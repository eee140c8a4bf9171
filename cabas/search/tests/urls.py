"""The project's URLs plus the storefront search pages, as the lead mounts them."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path

from cabas.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    *i18n_patterns(path("", include("cabas.search.urls")), prefix_default_language=False),
    *project_urlpatterns,
]

from django.urls import path

from . import views

app_name = "discovery"

urlpatterns = [
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", views.sitemap_index, name="sitemap_index"),
    path("<slug:territory>/sitemap-<int:page>.xml", views.sitemap_page, name="sitemap_page"),
    path("<slug:territory>/inventaire-local.tsv", views.local_inventory, name="local_inventory"),
]

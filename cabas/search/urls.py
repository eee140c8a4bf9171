"""Storefront search pages, mounted with the storefront (``/<territory>/recherche/``)."""

from django.urls import path

from . import views

app_name = "search"

urlpatterns = [
    path("<slug:territory>/recherche/", views.results, name="results"),
    path("<slug:territory>/recherche/suggestions/", views.suggestions, name="suggestions"),
]

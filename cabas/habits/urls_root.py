"""The installable app's files, outside the language prefix: one service worker for the
whole site (root scope) and a manifest with icons per territory."""

from django.urls import path

from . import views

app_name = "habits_root"

urlpatterns = [
    path("sw.js", views.service_worker, name="service_worker"),
    path("<slug:territory>/manifest.webmanifest", views.manifest, name="manifest"),
    path("<slug:territory>/icones/<slug:purpose>-<int:size>.png", views.icon, name="icon"),
]

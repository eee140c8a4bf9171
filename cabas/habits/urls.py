"""Shopper habits pages, under the territory (French paths; ``/en/…`` in English)."""

from django.urls import path

from . import views

app_name = "habits"

urlpatterns = [
    path("<slug:territory>/hors-ligne/", views.offline, name="offline"),
    path("<slug:territory>/mes-commercants/", views.my_shops, name="my_shops"),
    path("<slug:territory>/commerces/<slug:shop>/suivre/", views.follow, name="follow"),
    path("<slug:territory>/alertes/", views.alerts, name="alerts"),
    path("<slug:territory>/alertes/preferences/", views.preferences, name="preferences"),
    path("<slug:territory>/alertes/<int:alert_id>/arreter/", views.alert_stop, name="alert_stop"),
    path("<slug:territory>/alertes/notifications/", views.push_subscribe, name="push_subscribe"),
    path(
        "<slug:territory>/alertes/notifications/arreter/",
        views.push_unsubscribe,
        name="push_unsubscribe",
    ),
    path(
        "<slug:territory>/desabonnement/<slug:purpose>/<str:token>/",
        views.unsubscribe,
        name="unsubscribe",
    ),
]

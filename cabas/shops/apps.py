from django.apps import AppConfig


class ShopsConfig(AppConfig):
    name = "cabas.shops"
    label = "shops"

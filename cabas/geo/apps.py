from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "cabas.geo"
    label = "geo"

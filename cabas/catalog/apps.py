from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "cabas.catalog"
    label = "catalog"

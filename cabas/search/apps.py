from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "cabas.search"
    label = "search"
    verbose_name = "Recherche"

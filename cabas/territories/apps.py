from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    name = "cabas.territories"
    label = "territories"

from django.apps import AppConfig


class DiscoveryConfig(AppConfig):
    name = "cabas.discovery"
    label = "discovery"
    verbose_name = "Référencement"

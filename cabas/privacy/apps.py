from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "cabas.privacy"
    label = "privacy"
    verbose_name = "Données personnelles"

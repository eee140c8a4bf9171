from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "cabas.ops"
    label = "ops"
    verbose_name = "Exploitation"

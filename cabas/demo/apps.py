from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "cabas.demo"
    label = "demo"

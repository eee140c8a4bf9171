from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "cabas.web"
    label = "web"

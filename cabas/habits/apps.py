from django.apps import AppConfig


class HabitsConfig(AppConfig):
    name = "cabas.habits"
    label = "habits"
    verbose_name = "Habitudes des clients"

from django.apps import AppConfig


class PlannerConfig(AppConfig):
    name = "cabas.planner"
    label = "planner"
    verbose_name = "Ma liste"

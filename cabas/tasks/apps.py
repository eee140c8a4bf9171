from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class TasksConfig(AppConfig):
    name = "cabas.tasks"
    label = "tasks"
    verbose_name = "Tâches différées"

    def ready(self) -> None:
        # Each app declares its task functions in <app>/tasks.py; importing them
        # fills the registry the worker reads.
        autodiscover_modules("tasks")

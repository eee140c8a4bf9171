from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CourierConfig(AppConfig):
    name = "cabas.courier"
    label = "courier"
    verbose_name = _("Coursier du territoire")

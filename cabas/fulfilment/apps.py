from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FulfilmentConfig(AppConfig):
    name = "cabas.fulfilment"
    label = "fulfilment"
    verbose_name = _("Retrait et livraison")

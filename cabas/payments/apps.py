from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "cabas.payments"
    label = "payments"
    verbose_name = _("Paiements en ligne")

    def ready(self) -> None:
        # Registers the payment tasks with the queue worker.
        from . import tasks  # noqa: F401

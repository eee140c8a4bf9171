from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "cabas.audit"
    label = "audit"
    verbose_name = _("Journal des actions")

    def ready(self) -> None:
        # The admin (first in INSTALLED_APPS) has loaded every admin module by now.
        from django.contrib import admin

        from .admin_log import audit_admin_site

        audit_admin_site(admin.site)

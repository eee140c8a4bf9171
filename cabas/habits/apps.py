from django.apps import AppConfig
from django.core import checks


class HabitsConfig(AppConfig):
    name = "cabas.habits"
    label = "habits"
    verbose_name = "Habitudes des clients"

    def ready(self) -> None:
        checks.register(webpush_settings_check)


def webpush_settings_check(app_configs, **kwargs):  # type: ignore[no-untyped-def]
    """Warn when web push is half-configured: the option would silently stay hidden."""
    from django.conf import settings

    from .vapid import vapid_problem

    values = {
        "private_key": getattr(settings, "WEBPUSH_VAPID_PRIVATE_KEY", "") or "",
        "public_key": getattr(settings, "WEBPUSH_VAPID_PUBLIC_KEY", "") or "",
        "contact": getattr(settings, "WEBPUSH_CONTACT", "") or "",
    }
    if not any(values.values()):
        return []
    problem = vapid_problem(**values)
    if problem is None:
        return []
    return [
        checks.Warning(
            f"Web push is off: {problem}.",
            hint="Run `manage.py webpush_keys` and paste its lines in the environment file.",
            id="habits.W001",
        )
    ]

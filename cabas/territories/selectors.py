from django.db.models import QuerySet

from .models import Territory


def active_territories() -> QuerySet[Territory]:
    return Territory.objects.filter(is_active=True).order_by("name")


def territory_by_slug(slug: str) -> Territory | None:
    return active_territories().filter(slug=slug).first()

from django.db.models import QuerySet

from .models import Territory


def active_territories() -> QuerySet[Territory]:
    return Territory.objects.filter(is_active=True).order_by("name")


def _by_slug_sql() -> str:
    columns = ", ".join(f'"{field.column}"' for field in Territory._meta.concrete_fields)
    return f'SELECT {columns} FROM "{Territory._meta.db_table}" WHERE "slug" = %s AND "is_active"'  # noqa: S608 (names only)


_BY_SLUG_SQL = _by_slug_sql()


def territory_by_slug(slug: str) -> Territory | None:
    """The active territory ``slug``. Read by every storefront page: a raw query (the
    router still picks the database, values are converted as the ORM converts them)
    costs 0.2 ms of CPU where the built query cost 0.5."""
    return next(iter(Territory.objects.raw(_BY_SLUG_SQL, [slug])), None)

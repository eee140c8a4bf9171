"""``limit``/``offset`` pagination: every list answers ``{"count": N, "results": [...]}``.

Use it on any list endpoint::

    @router.get("/things", response=list[ThingOut])
    @paginated
    def thing_list(request): ...

The view returns a queryset, a list, or a :class:`Projected` sequence (rows turned
into their API shape only for the page actually sent). Out-of-range ``limit`` or
``offset`` fail validation, hence a 422 in the API's error shape.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, Generic, TypeVar, overload

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase, paginate

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
# Far beyond any real list, and within every database's integer range for OFFSET.
MAX_OFFSET = 10_000_000

Row = TypeVar("Row")
Out = TypeVar("Out")


class Projected(Sequence[Out], Generic[Row, Out]):
    """Rows with a projection applied lazily: slicing projects only the sliced rows."""

    def __init__(self, rows: Sequence[Row] | QuerySet, project: Callable[[Row], Out]) -> None:
        self._rows = rows
        self._project = project

    def __len__(self) -> int:
        # A queryset is counted in the database, not loaded whole.
        if isinstance(self._rows, QuerySet):
            return self._rows.count()
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> Out: ...

    @overload
    def __getitem__(self, index: slice) -> list[Out]: ...

    def __getitem__(self, index: int | slice) -> Out | list[Out]:
        if isinstance(index, slice):
            return [self._project(row) for row in self._rows[index]]
        return self._project(self._rows[index])

    def __iter__(self) -> Iterator[Out]:
        return (self._project(row) for row in self._rows)


class LimitOffsetPagination(PaginationBase):
    class Input(Schema):
        limit: int = Field(
            DEFAULT_LIMIT,
            ge=1,
            le=MAX_LIMIT,
            description=f"Nombre de résultats (1 à {MAX_LIMIT}) / page size (1 to {MAX_LIMIT}).",
        )
        offset: int = Field(
            0,
            ge=0,
            le=MAX_OFFSET,
            description="Résultats à sauter / results to skip.",
        )

    class Output(Schema):
        count: int = Field(..., description="Nombre total de résultats / total results.")
        results: list[Any]

    items_attribute = "results"

    def paginate_queryset(
        self,
        queryset: QuerySet | Sequence[Any],
        pagination: Input,
        request: HttpRequest,
        **params: Any,
    ) -> dict[str, Any]:
        count = self._count(queryset)
        start = pagination.offset
        # Past the end there is nothing to fetch: skip the query.
        results = list(queryset[start : start + pagination.limit]) if start < count else []
        return {"count": count, "results": results}

    @staticmethod
    def _count(items: QuerySet | Sequence[Any]) -> int:
        if isinstance(items, QuerySet):
            return items.count()
        return len(items)


paginated = paginate(LimitOffsetPagination)

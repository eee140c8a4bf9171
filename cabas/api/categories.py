"""``/territories/{slug}/categories``: the taxonomy, with each category's shop count."""

from django.http import HttpRequest
from ninja import Query, Router

from cabas.catalog.models import Category
from cabas.shops.selectors import category_counts

from .pagination import paginated
from .projections import category_tree
from .schemas import CategoryListQuery, CategoryOut, ErrorOut
from .territories import territory_or_404

router = Router(tags=["categories"])


@router.get(
    "/{slug:slug}/categories",
    response={200: list[CategoryOut], 404: ErrorOut, 422: ErrorOut},
    summary="Catégories / categories",
    description=(
        "Familles et leurs rayons avec le nombre de commerces visibles ; une famille compte "
        "aussi ceux de ses rayons. Filtre `category` de /shops : un slug de famille ou de "
        "rayon. / Families and their rayons with the number of public shops; a family also "
        "counts its rayons' shops. Use a slug as the `category` filter of /shops."
    ),
)
@paginated
def category_list(request: HttpRequest, slug: str, params: Query[CategoryListQuery]):
    territory = territory_or_404(slug)
    counted = category_counts(territory)
    counts = {category.id: count for category, count in counted}
    categories = (
        list(Category.objects.select_related("parent"))
        if params.include_empty
        else [category for category, _count in counted]
    )
    return category_tree(counts, categories, include_empty=params.include_empty)

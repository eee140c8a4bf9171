"""Public content pages of a territory (about, terms, legal notice…)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from cabas.territories.selectors import territory_by_slug

from .models import PageKind
from .rendering import render_page_body
from .selectors import territory_page


@require_safe
def page_detail(request: HttpRequest, territory: str, kind: str) -> HttpResponse:
    place = territory_by_slug(territory)
    if place is None:
        raise Http404("unknown territory")
    page = territory_page(place, kind)
    if page is None:
        raise Http404("unknown page")
    return render(
        request,
        "pages/page.html",
        {
            "territory": place,
            "page": page,
            "body": render_page_body(page.body),
            "kinds": PageKind.choices,
        },
    )

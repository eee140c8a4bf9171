"""The orders export of the back office: a date range, a streamed CSV."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from cabas.settlements.forms import period_from_query

from ..access import merchant_view
from ..exports import orders_csv
from ..selectors import MemberShop


@merchant_view()
@require_safe
def orders_export(request: HttpRequest, member: MemberShop) -> HttpResponse:
    """Every member of the team sees the order board, so every member may export it."""
    shop = member.shop
    form, period, valid = period_from_query(request.GET, shop.territory)
    if not valid:
        problems = [str(error) for errors in form.errors.values() for error in errors]
        messages.error(request, _("Export impossible : %(why)s") % {"why": " ".join(problems)})
        return redirect("backoffice:orders", shop.territory.slug, shop.slug)
    response = StreamingHttpResponse(
        orders_csv(shop, period), content_type="text/csv; charset=utf-8"
    )
    filename = f"commandes-{shop.slug}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

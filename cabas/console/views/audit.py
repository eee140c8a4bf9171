"""The territory's audit log, for its operators."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from cabas.audit.actions import LABELS
from cabas.audit.selectors import territory_audit_entries
from cabas.territories.models import Territory

from ..access import operator_view
from .common import render_console

PAGE_SIZE = 50


@require_safe
@operator_view
def audit(request: HttpRequest, territory: Territory) -> HttpResponse:
    action = request.GET.get("action", "")
    if action not in LABELS:
        action = ""
    page = Paginator(territory_audit_entries(territory, action=action), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render_console(
        request,
        territory,
        "console/audit.html",
        {
            "page_obj": page,
            "action": action,
            "actions": sorted(
                ((code, str(label)) for code, label in LABELS.items()), key=lambda a: a[1]
            ),
        },
        section="audit",
    )

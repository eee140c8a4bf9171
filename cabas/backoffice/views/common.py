"""What every back-office page shares: its context and the htmx test."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..selectors import MemberShop


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def render_shop(
    request: HttpRequest,
    member: MemberShop,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    section: str = "",
    status: int = 200,
) -> HttpResponse:
    values = {
        "member": member,
        "shop": member.shop,
        "territory": member.shop.territory,
        "section": section,
        **(context or {}),
    }
    return render(request, template, values, status=status)

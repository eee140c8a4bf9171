"""What every console page shares: its context, the form error bridge."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cabas.territories.models import Territory

from ..selectors import pending_applications


def render_console(
    request: HttpRequest,
    territory: Territory,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    section: str = "",
    status: int = 200,
) -> HttpResponse:
    values = {
        "territory": territory,
        "section": section,
        "pending_count": pending_applications(territory).count(),
        **(context or {}),
    }
    return render(request, template, values, status=status)


def attach_error(form: forms.Form, field: str | None, message: str) -> None:
    """A service's error on the form: on its field when the form has it, else at the top."""
    form.add_error(field if field in form.fields else None, message)

"""« Mes données »: the export download and the erasure, and the privacy notice."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cabas.accounts import throttle
from cabas.accounts.models import User
from cabas.territories.selectors import active_territories

from .errors import PrivacyError
from .forms import ErasureForm
from .notice import COOKIES, notice_facts
from .selectors import erasure_blockers, is_erased, user_balances, user_export
from .services import account_erase, erasure_link_request
from .tokens import erasure_token


def export_filename() -> str:
    return f"cabas-mes-donnees-{timezone.now():%Y%m%d}.json"


def export_response(user: User) -> HttpResponse:
    body = json.dumps(user_export(user), ensure_ascii=False, indent=1)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export_filename()}"'
    return response


def _my_data_page(
    request: HttpRequest, form: ErasureForm, *, status: int = 200, errors: list | None = None
) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    return render(
        request,
        "privacy/my_data.html",
        {
            "form": form,
            "has_password": user.has_usable_password(),
            # What stops the erasure whatever the shopper confirms (balances aside).
            "blockers": erasure_blockers(user, acknowledge_balances=True),
            "balances": user_balances(user),
            "errors": errors or [],
        },
        status=status,
    )


@login_required
@never_cache
@require_safe
def my_data(request: HttpRequest) -> HttpResponse:
    return _my_data_page(request, ErasureForm())


@login_required
@never_cache
@require_safe
def export_download(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    return export_response(request.user)


def _finish_erasure(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("privacy:erased")


@sensitive_post_parameters("password")
@login_required
@never_cache
@require_POST
def erase(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    form = ErasureForm(request.POST)
    form.is_valid()
    if not user.has_usable_password():
        erasure_link_request(user=user, base_url=request.build_absolute_uri("/"))
        messages.success(
            request,
            _("Nous vous avons envoyé un e-mail : ouvrez son lien pour confirmer la suppression."),
        )
        return redirect("privacy:my_data")
    if throttle.login_blocked(request, user.email):
        form.add_error(
            "password",
            _("Trop de tentatives : réessayez dans %(minutes)s minutes.")
            % {"minutes": throttle.WINDOW_SECONDS // 60},
        )
        return _my_data_page(request, form, status=429)
    if not user.check_password(form.cleaned_data.get("password") or ""):
        throttle.login_failed(request, user.email)
        form.add_error("password", _("Mot de passe incorrect."))
        return _my_data_page(request, form, status=403)
    try:
        account_erase(
            user_id=user.pk,
            acknowledge_balances=bool(form.cleaned_data.get("acknowledge_balances")),
        )
    except PrivacyError as error:
        return _my_data_page(request, form, status=409, errors=error.details or [error.message])
    return _finish_erasure(request)


def _user_from_link(uidb64: str, token: str) -> User | None:
    try:
        user_id = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or is_erased(user) or not erasure_token.check_token(user, token):
        return None
    return user


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def erase_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The e-mailed link: the token stands for the password (accounts without one)."""
    user = _user_from_link(uidb64, token)
    if user is None:
        return render(request, "privacy/erase_link_invalid.html", status=400)
    form = ErasureForm(request.POST if request.method == "POST" else None)
    errors: list = []
    if request.method == "POST" and form.is_valid():
        try:
            account_erase(
                user_id=user.pk, acknowledge_balances=form.cleaned_data["acknowledge_balances"]
            )
        except PrivacyError as error:
            errors = error.details or [error.message]
        else:
            return _finish_erasure(request)
    return render(
        request,
        "privacy/erase_confirm.html",
        {"form": form, "errors": errors, "balances": user_balances(user)},
        status=409 if errors else 200,
    )


@require_safe
def erased(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy/erased.html")


@require_safe
def notice(request: HttpRequest) -> HttpResponse:
    """The platform's privacy notice; each territory's own page adds its operator's text."""
    return render(
        request,
        "privacy/notice.html",
        {
            "facts": notice_facts(),
            "cookies": COOKIES,
            "territories": list(active_territories()),
        },
    )

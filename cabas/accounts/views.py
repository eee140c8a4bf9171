from __future__ import annotations

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from cabas.cart.services import cart_merge_at_login

from . import services, throttle
from .forms import LoginForm, PasswordResetRequestForm, SignupForm


def _next_url(request: HttpRequest) -> str:
    """Where to go after signing up: a safe ``next`` from the form or query, else the default."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@sensitive_post_parameters("password1", "password2")
@csrf_protect
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_next_url(request))
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_signup(
                email=form.cleaned_data["email"], password=form.cleaned_data["password1"]
            )
        except services.EmailAlreadyUsed:
            form.add_error("email", _("Un compte existe déjà avec cette adresse e-mail."))
        except ValidationError as error:
            form.add_error("password1", error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            cart_merge_at_login(session=request.session, user=user)
            return redirect(_next_url(request))
    return render(
        request,
        "accounts/signup.html",
        {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")},
    )


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        email = str(request.POST.get("username", ""))[:254]
        if throttle.login_blocked(request, email):
            # Bound without the password: it is not even checked while blocked.
            form = self.get_form_class()(request=request, data={"username": email})
            form.is_valid()
            form.errors.pop("password", None)
            form.add_error(
                None,
                _(
                    "Trop de tentatives de connexion infructueuses : pour votre sécurité, "
                    "réessayez dans 15 minutes."
                ),
            )
            response = self.render_to_response(self.get_context_data(form=form))
            response.status_code = 429
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        throttle.login_failed(self.request, str(self.request.POST.get("username", ""))[:254])
        return super().form_invalid(form)

    def form_valid(self, form):
        throttle.login_succeeded(self.request, form.get_user().email)
        response = super().form_valid(form)
        # The basket filled before logging in follows the shopper into the account.
        cart_merge_at_login(session=self.request.session, user=form.get_user())
        return response


class LogoutView(auth_views.LogoutView):
    """POST only (Django's rule); the header's button sends the form."""


@csrf_protect
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    """Ask for a reset link; the answer never tells whether the address has an account."""
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if throttle.reset_allowed(request, email):
            services.password_reset_request(email=email, base_url=request.build_absolute_uri("/"))
        return redirect("accounts:password_reset_sent")
    return render(request, "accounts/password_reset.html", {"form": form})


@never_cache
def password_reset_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/password_reset_sent.html")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's token check (one use, ``PASSWORD_RESET_TIMEOUT``); the new password goes
    through the validators, and the change ends every other session of the account."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_done")


@never_cache
def password_reset_done(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/password_reset_done.html")

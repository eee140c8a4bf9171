"""Account emails, sent by the queue worker."""

from __future__ import annotations

from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from cabas.tasks.registry import task

from .models import User
from .services import PASSWORD_RESET_TASK


@task(PASSWORD_RESET_TASK, max_attempts=5)
def password_reset_email(*, user_id: int, base_url: str) -> None:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:  # deleted or deactivated since the request: nothing to send
        return
    with translation.override("fr"):
        path = reverse(
            "accounts:password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
        context = {"user": user, "link": f"{base_url}{path}"}
        message = EmailMultiAlternatives(
            subject=_("Cabas : choisir un nouveau mot de passe"),
            body=render_to_string("accounts/email/password_reset.txt", context),
            to=[user.email],
        )
        message.attach_alternative(
            render_to_string("accounts/email/password_reset.html", context), "text/html"
        )
        message.send()

"""Writes on accounts: sign-up."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.db import IntegrityError, transaction

from .models import User


class EmailAlreadyUsed(Exception):
    code = "email_taken"


def user_signup(*, email: str, password: str) -> User:
    """Create a shopper account; one account per email address, compared case-insensitively.

    The password goes through Django's validators (raises ValidationError) and is stored
    with the configured hasher (Argon2).
    """
    normalised = User.objects.normalize_email(email.strip()).lower()
    if User.objects.filter(email__iexact=normalised).exists():
        raise EmailAlreadyUsed(normalised)
    validate_password(password, user=User(email=normalised))
    try:
        with transaction.atomic():
            return User.objects.create_user(email=normalised, password=password)
    except IntegrityError as exc:  # a concurrent sign-up with the same address won
        raise EmailAlreadyUsed(normalised) from exc


PASSWORD_RESET_TASK = "accounts.password_reset_email"  # noqa: S105 (a task name)


def password_reset_request(*, email: str, base_url: str) -> bool:
    """Queue the reset email when an active account has this address; say nothing otherwise.

    The caller shows the same page either way (no way to learn who has an account). The
    link is made by the worker (a token valid ``PASSWORD_RESET_TIMEOUT``, spent by the next
    password change or log-in). Returns whether an email was queued (for tests and logs).
    """
    from cabas.tasks.services import task_enqueue

    normalised = User.objects.normalize_email(str(email).strip()).lower()[:254]
    user = User.objects.filter(email__iexact=normalised, is_active=True).first()
    if user is None or not user.has_usable_password():
        return False
    with transaction.atomic():
        task_enqueue(
            name=PASSWORD_RESET_TASK,
            kwargs={"user_id": user.pk, "base_url": base_url.rstrip("/")},
        )
    return True

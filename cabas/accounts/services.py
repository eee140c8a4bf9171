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

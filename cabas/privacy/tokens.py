"""The token of the e-mailed erasure link, for accounts without a password.

Django's password-reset machinery with its own salt: a token made for a password reset
does not erase an account, and the token dies with any log-in or password change
(both are part of its hash), or after ``PASSWORD_RESET_TIMEOUT``.
"""

from django.contrib.auth.tokens import PasswordResetTokenGenerator


class ErasureTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "cabas.privacy.ErasureTokenGenerator"


erasure_token = ErasureTokenGenerator()

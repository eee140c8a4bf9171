from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ErasureForm(forms.Form):
    """Confirmation of an erasure: the password (when the account has one) and the
    acknowledgement of remaining balances."""

    password = forms.CharField(
        label=_("Votre mot de passe, pour confirmer"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    acknowledge_balances = forms.BooleanField(
        label=_(
            "Je renonce à mes points de fidélité et j'ai noté les codes de mes chèques et "
            "cartes cadeaux."
        ),
        required=False,
    )

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .services import MAX_POINT_VALUE_CENTS, MAX_POINTS_PER_EURO


class LoyaltySettingsForm(forms.Form):
    enabled = forms.BooleanField(label=_("Fidélité active sur le territoire"), required=False)
    points_per_euro = forms.IntegerField(
        label=_("Points gagnés par euro dépensé"),
        min_value=0,
        max_value=MAX_POINTS_PER_EURO,
        error_messages={"invalid": _("Indiquez un nombre entier de points.")},
    )
    point_value_cents = forms.IntegerField(
        label=_("Valeur d'un point, en centimes"),
        min_value=1,
        max_value=MAX_POINT_VALUE_CENTS,
        help_text=_("1 = un point vaut 0,01 € de réduction."),
        error_messages={"invalid": _("Indiquez un nombre entier de centimes.")},
    )

"""The "Ma liste" form: the list, where the shopper starts, when and how far."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from cabas.web.forms import LocationForm

from .lines import MAX_LINES, split_text
from .selectors import DEFAULT_MAX_KM

DISTANCE_CHOICES = [
    ("0.5", _("500 m")),
    ("1", _("1 km")),
    ("1.5", _("1,5 km")),
    ("2", _("2 km")),
    ("3", _("3 km")),
    ("5", _("5 km")),
]


class PlanForm(LocationForm):
    liste = forms.CharField(
        label=_("Ma liste de courses"),
        help_text=_("Un article par ligne : « pain », « 6 œufs », « comté »."),
        max_length=MAX_LINES * 130,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 40, "spellcheck": "true"}),
        error_messages={
            "required": _("Votre liste est vide : écrivez un article par ligne."),
            "max_length": _("Votre liste est trop longue."),
        },
    )
    quand = forms.DateTimeField(
        label=_("Quand"),
        required=False,
        help_text=_("Vide : maintenant."),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"invalid": _("La date et l'heure sont illisibles.")},
    )
    distance = forms.TypedChoiceField(
        label=_("Distance à pied au plus"),
        choices=DISTANCE_CHOICES,
        coerce=float,
        required=False,
        empty_value=DEFAULT_MAX_KM,
        initial="1.5",
    )

    def clean_liste(self) -> list[str]:
        rows = split_text(self.cleaned_data["liste"])
        if not rows:
            raise forms.ValidationError(_("Votre liste est vide : écrivez un article par ligne."))
        if len(rows) > MAX_LINES:
            raise forms.ValidationError(
                _("Une liste compte au plus %(max)d lignes ; vous en avez %(count)d."),
                params={"max": MAX_LINES, "count": len(rows)},
            )
        return rows

    def clean_quand(self) -> dt.datetime | None:
        # A datetime-local is the territory's wall-clock time: plan_request reads it so.
        value = self.cleaned_data.get("quand")
        return value.replace(tzinfo=None) if value is not None else None


class SaveListForm(forms.Form):
    name = forms.CharField(
        label=_("Nom de la liste"),
        max_length=80,
        error_messages={"required": _("Donnez un nom à votre liste.")},
    )
    liste = forms.CharField(max_length=MAX_LINES * 130, widget=forms.HiddenInput)

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class BalanceForm(forms.Form):
    code = forms.CharField(
        label=_("Code de la carte cadeau ou du chèque"),
        max_length=40,
        help_text=_("12 caractères, par exemple ABCD-EFGH-JKMN (tirets facultatifs)."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(
            autocomplete="off", autocapitalize="characters", spellcheck="false"
        )


class HouseholdForm(forms.Form):
    address = forms.CharField(label=_("Adresse (numéro et rue)"), max_length=255)
    postcode = forms.CharField(label=_("Code postal"), max_length=10)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["address"].widget.attrs["autocomplete"] = "street-address"
        self.fields["postcode"].widget.attrs.update(autocomplete="postal-code", inputmode="numeric")

"""The till's forms: a code to look up, then an amount to take from it."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from cabas.money import format_money

from .amounts import AmountError, parse_amount_cents
from .services import MAX_KEY_LENGTH


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code du chèque ou de la carte cadeau"),
        max_length=64,
        help_text=_("12 caractères, tirets facultatifs ; ou scannez le QR code."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )


class RedeemForm(forms.Form):
    code = forms.CharField(max_length=64, widget=forms.HiddenInput)
    key = forms.CharField(max_length=MAX_KEY_LENGTH, widget=forms.HiddenInput)
    amount = forms.CharField(
        label=_("Montant à encaisser (€)"),
        max_length=20,
        help_text=_("Par exemple 12,50."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )

    def __init__(self, *args, balance_cents: int, currency: str, **kwargs) -> None:  # type: ignore[no-untyped-def]
        self.balance_cents = balance_cents
        self.currency = currency
        super().__init__(*args, **kwargs)

    @staticmethod
    def new_key() -> str:
        """A fresh key per displayed form: submitting it twice is one debit."""
        return uuid.uuid4().hex

    def clean_amount(self) -> int:
        try:
            cents = parse_amount_cents(self.cleaned_data.get("amount", ""))
        except AmountError as error:
            raise forms.ValidationError(error.message, code=error.code) from None
        if cents > self.balance_cents:
            raise forms.ValidationError(
                _("Le montant dépasse le solde disponible (%(balance)s).")
                % {"balance": format_money(self.balance_cents, self.currency)},
                code="above_balance",
            )
        return cents

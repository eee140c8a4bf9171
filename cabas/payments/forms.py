from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cabas.money import EurosField

from .services import GIFT_CARD_MAX_CENTS, GIFT_CARD_MIN_CENTS, VOUCHER_MAX_CENTS, VOUCHER_MIN_CENTS


class GiftCardForm(forms.Form):
    # In cents once cleaned: "25", "25,50" or "25.5 €"; finer than the cent is refused.
    amount = EurosField(
        label=_("Montant (en euros)"),
        initial="30",
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    shop = forms.ChoiceField(label=_("Valable"), required=False)
    buyer_email = forms.EmailField(label=_("Votre adresse e-mail"))
    recipient_email = forms.EmailField(
        label=_("E-mail du bénéficiaire (facultatif)"),
        required=False,
        help_text=_("Il ou elle recevra le code par e-mail, avec votre message."),
    )
    message = forms.CharField(
        label=_("Votre message (facultatif)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, shops, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["shop"].choices = [("", _("dans tous les commerces du territoire"))] + [
            (str(shop.pk), shop.name) for shop in shops
        ]
        self.fields["buyer_email"].widget.attrs["autocomplete"] = "email"

    def clean_amount(self) -> int:
        cents = self.cleaned_data["amount"]
        if not GIFT_CARD_MIN_CENTS <= cents <= GIFT_CARD_MAX_CENTS:
            raise forms.ValidationError(
                _("Le montant doit être compris entre %(low)s et %(high)s euros.")
                % {"low": GIFT_CARD_MIN_CENTS // 100, "high": GIFT_CARD_MAX_CENTS // 100},
                code="out_of_range",
            )
        return cents


class VoucherForm(forms.Form):
    programme = forms.IntegerField(widget=forms.HiddenInput)
    amount = forms.IntegerField(
        label=_("Montant que vous payez (en euros)"),
        min_value=VOUCHER_MIN_CENTS // 100,
        max_value=VOUCHER_MAX_CENTS // 100,
        initial=20,
    )


class ShopAccountForm(forms.Form):
    shop = forms.IntegerField(widget=forms.HiddenInput)
    stripe_account_id = forms.CharField(
        label=_("Compte Stripe Connect"), required=False, max_length=255
    )

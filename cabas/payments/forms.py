from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .services import GIFT_CARD_MAX_CENTS, GIFT_CARD_MIN_CENTS, VOUCHER_MAX_CENTS, VOUCHER_MIN_CENTS


class GiftCardForm(forms.Form):
    amount = forms.IntegerField(
        label=_("Montant (en euros)"),
        min_value=GIFT_CARD_MIN_CENTS // 100,
        max_value=GIFT_CARD_MAX_CENTS // 100,
        initial=30,
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

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PaymentMethod
from .payments import available_providers

CARD_METHOD = PaymentMethod.CARD


class CheckoutForm(forms.Form):
    """Contact and payment; the hidden key makes a double-submitted form one checkout."""

    email = forms.EmailField(label=_("Adresse e-mail"), required=False)
    phone = forms.CharField(label=_("Téléphone"), max_length=32, required=False)
    name = forms.CharField(label=_("Nom"), max_length=120, required=False)
    payment_method = forms.ChoiceField(
        label=_("Paiement"),
        choices=[("on_fulfilment", _("Payer au retrait ou à la livraison"))],
        initial="on_fulfilment",
        widget=forms.RadioSelect,
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=255)
    cart_version = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)
    # Vouchers and gift cards (two on the page, no script); amounts are parsed by the service
    # so that 0, negative or 3-decimal amounts get their specific message.
    code_1 = forms.CharField(
        label=_("Code de chèque ou de carte cadeau"), max_length=40, required=False
    )
    amount_1 = forms.CharField(
        label=_("Montant à utiliser (€, vide = autant que possible)"), max_length=20, required=False
    )
    code_2 = forms.CharField(label=_("Deuxième code (facultatif)"), max_length=40, required=False)
    amount_2 = forms.CharField(
        label=_("Montant à utiliser (€, vide = autant que possible)"), max_length=20, required=False
    )
    loyalty_points = forms.CharField(
        label=_("Points de fidélité à utiliser"), max_length=12, required=False
    )

    TENDER_SLOTS = (1, 2)

    def __init__(self, *args, guest: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["idempotency_key"] = uuid.uuid4().hex
        for name in ("email", "phone"):
            self.fields[name].required = guest
        card = available_providers().get(CARD_METHOD)
        if card is not None:  # online payment configured by the environment
            field = self.fields["payment_method"]
            field.choices = [*field.choices, (card.code, _("Payer en ligne par carte bancaire"))]
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["phone"].widget.attrs.update(autocomplete="tel", inputmode="tel")
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        for slot in self.TENDER_SLOTS:
            self.fields[f"code_{slot}"].widget.attrs.update(
                autocomplete="off", autocapitalize="characters", spellcheck="false"
            )
            self.fields[f"amount_{slot}"].widget.attrs["inputmode"] = "decimal"
        self.fields["loyalty_points"].widget.attrs["inputmode"] = "numeric"

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _


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

    def __init__(self, *args, guest: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["idempotency_key"] = uuid.uuid4().hex
        for name in ("email", "phone"):
            self.fields[name].required = guest
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["phone"].widget.attrs.update(autocomplete="tel", inputmode="tel")
        self.fields["name"].widget.attrs["autocomplete"] = "name"

"""Console forms of voucher programmes: typed input in euros, percent and local times.

They parse and check what a person can get wrong in the form (a negative budget, a
rate out of range, an end before the start); the services check again, and check
what needs the database (shops of another territory).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cabas.vouchers.models import VoucherProgramme

from .forms import EurosField, LocalDateTimeField, PercentField
from .selectors import category_choices

MAX_RATE_BP = 100_000  # +1 000 %: the database's bound
MAX_ELIGIBLE_SHOPS = 5_000


def household_cap_supported() -> bool:
    """Whether the programme model has a per-household cap (added by the vouchers app)."""
    return any(f.name == "cap_per_household_cents" for f in VoucherProgramme._meta.get_fields())


class ShopIdsField(forms.Field):
    """The ids of the ticked shops (the picker's checkboxes), as distinct ints in order."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "invalid": _("La liste des commerces choisis est illisible."),
        "too_many": _("Choisissez au plus %(max)s commerces, ou des catégories."),
    }

    def to_python(self, value):  # type: ignore[no-untyped-def]
        if value in self.empty_values:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        ids: list[int] = []
        for item in values:
            try:
                number = int(str(item))
            except ValueError:
                raise forms.ValidationError(
                    self.error_messages["invalid"], code="invalid"
                ) from None
            if number <= 0:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            if number not in ids:
                ids.append(number)
        if len(ids) > MAX_ELIGIBLE_SHOPS:
            raise forms.ValidationError(
                self.error_messages["too_many"], code="too_many", params={"max": MAX_ELIGIBLE_SHOPS}
            )
        return ids


class _ProgrammeRulesForm(forms.Form):
    """What create and edit share: name, validity in the territory's time, eligibility."""

    name = forms.CharField(label=_("Nom du programme"), max_length=160)
    valid_from = LocalDateTimeField(label=_("Valable à partir du"))
    valid_until = LocalDateTimeField(label=_("Valable jusqu'au"))
    eligible_shops = ShopIdsField(label=_("Commerces éligibles"), required=False)
    eligible_categories = forms.TypedMultipleChoiceField(
        label=_("Catégories éligibles"),
        coerce=int,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_(
            "Une famille inclut tous ses rayons. Sans commerce ni catégorie, tous les "
            "commerces du territoire acceptent les chèques."
        ),
    )

    def __init__(self, *args, tz: str, **kwargs):  # type: ignore[no-untyped-def]
        self.zone = ZoneInfo(tz)
        super().__init__(*args, **kwargs)
        self.fields["eligible_categories"].choices = category_choices()

    def _local(self, value: dt.datetime | None) -> dt.datetime | None:
        if value is None:
            return None
        # Django made it aware in the current timezone; re-read the wall time locally.
        naive = timezone.make_naive(value) if timezone.is_aware(value) else value
        return naive.replace(tzinfo=self.zone)

    def clean_valid_from(self):  # type: ignore[no-untyped-def]
        return self._local(self.cleaned_data.get("valid_from"))

    def clean_valid_until(self):  # type: ignore[no-untyped-def]
        return self._local(self.cleaned_data.get("valid_until"))

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end <= start:
            self.add_error("valid_until", _("La fin de validité doit suivre son début."))
        return data


class ProgrammeForm(_ProgrammeRulesForm):
    """A new programme: the rules above plus the money, fixed once shoppers buy."""

    match_rate = PercentField(
        label=_("Abondement (%)"),
        help_text=_("Ce que le financeur ajoute à ce que paie le client : 50 pour +50 %."),
    )
    cap_per_person = EurosField(
        label=_("Abondement maximal par personne (€)"),
        help_text=_("Le total offert à une même personne sur tout le programme."),
    )
    budget = EurosField(
        label=_("Budget total (€)"),
        help_text=_("Ce que le financeur met au plus ; il pourra être abondé ensuite."),
    )
    field_order = [
        "name",
        "match_rate",
        "cap_per_person",
        "cap_per_household",
        "budget",
        "valid_from",
        "valid_until",
        "eligible_shops",
        "eligible_categories",
    ]

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if household_cap_supported():
            self.fields["cap_per_household"] = EurosField(
                label=_("Abondement maximal par foyer (€)"),
                required=False,
                help_text=_(
                    "Facultatif : le total offert aux personnes d'un même foyer ; vide pour "
                    "aucun plafond par foyer."
                ),
            )
            self.order_fields(self.field_order)

    def clean_match_rate(self):  # type: ignore[no-untyped-def]
        rate = self.cleaned_data.get("match_rate")
        if rate is None or not 0 < rate <= MAX_RATE_BP:
            raise forms.ValidationError(
                _("L'abondement est compris entre 0,01 % et 1 000 %."), code="rate_range"
            )
        return rate

    def clean_cap_per_person(self):  # type: ignore[no-untyped-def]
        cap = self.cleaned_data.get("cap_per_person") or 0
        if cap <= 0:
            raise forms.ValidationError(
                _("Le plafond par personne doit être supérieur à zéro."), code="cap_zero"
            )
        return cap

    def clean_budget(self):  # type: ignore[no-untyped-def]
        budget = self.cleaned_data.get("budget") or 0
        if budget <= 0:
            raise forms.ValidationError(
                _("Le budget doit être supérieur à zéro."), code="budget_zero"
            )
        return budget


class ProgrammeEditForm(_ProgrammeRulesForm):
    """What may change once the programme exists: nothing that is money."""


class TopUpForm(forms.Form):
    amount = EurosField(label=_("Montant à ajouter au budget (€)"))
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def clean_amount(self):  # type: ignore[no-untyped-def]
        amount = self.cleaned_data.get("amount") or 0
        if amount <= 0:
            raise forms.ValidationError(
                _("Le montant ajouté doit être supérieur à zéro."), code="amount_zero"
            )
        return amount


class GiftCardSearchForm(forms.Form):
    code = forms.CharField(
        label=_("4 derniers caractères du code"),
        required=False,
        max_length=20,
        help_text=_("Lus au dos de la carte, par exemple « JKMN »."),
    )

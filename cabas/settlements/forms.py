"""The period of a statement or an export: a month, or from/to dates (territory timezone)."""

from __future__ import annotations

import datetime as dt
import re
import uuid

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from cabas.backoffice.redemptions.amounts import AmountError, parse_amount_cents
from cabas.reports.selectors import MAX_PERIOD_DAYS, Period
from cabas.territories.models import Territory

from .selectors import current_month, month_period

_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


class StatementPeriodForm(forms.Form):
    month = forms.CharField(
        label=_("Mois"),
        required=False,
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-06"}),
        help_text=_("Un mois entier, ou bien les dates ci-dessous."),
    )
    start = forms.DateField(
        label=_("Du"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("Au (inclus)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_month(self) -> tuple[int, int] | None:
        text = (self.cleaned_data.get("month") or "").strip()
        if not text:
            return None
        match = _MONTH_RE.match(text)
        if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 2000:
            raise forms.ValidationError(_("Indiquez un mois sous la forme 2026-06."))
        return int(match.group(1)), int(match.group(2))

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if (start is None) != (end is None) and not self.errors:
            self.add_error(
                "end" if end is None else "start",
                _("Donnez les deux dates de la période, ou choisissez un mois."),
            )
        elif start and end:
            if end < start:
                self.add_error("end", _("La fin de la période précède son début."))
            elif (end - start).days > MAX_PERIOD_DAYS:
                self.add_error("end", _("Une période couvre au plus deux ans."))
        return data


def period_from_query(
    query: QueryDict, territory: Territory, *, now: dt.datetime | None = None
) -> tuple[StatementPeriodForm, Period, bool]:
    """The form, the period it names (the current month when empty or invalid), and validity."""
    given = any(query.get(name) for name in ("month", "start", "end"))
    form = StatementPeriodForm(query if given else None)
    period = current_month(territory, now=now)
    if not given:
        form = StatementPeriodForm(initial={"month": f"{period.start:%Y-%m}"})
        return form, period, True
    if not form.is_valid():
        return form, period, False
    if form.cleaned_data["start"] and form.cleaned_data["end"]:
        period = Period(
            start=form.cleaned_data["start"], end=form.cleaned_data["end"], tz=territory.timezone
        )
    elif form.cleaned_data["month"]:
        year, month = form.cleaned_data["month"]
        period = month_period(territory, year, month)
    return form, period, True


def period_query(period: Period) -> str:
    """The query string naming ``period`` (for the CSV and PDF links)."""
    return f"start={period.start.isoformat()}&end={period.end.isoformat()}"


class PayoutForm(forms.Form):
    """« Versement effectué »: the amount typed in French, the transfer's date and reference."""

    key = forms.CharField(max_length=100, widget=forms.HiddenInput)
    amount = forms.CharField(
        label=_("Montant versé (€)"),
        max_length=20,
        help_text=_("Par exemple 1 250,00."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    paid_on = forms.DateField(
        label=_("Date du virement"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reference = forms.CharField(
        label=_("Référence du virement"),
        max_length=100,
        help_text=_("Celle du relevé bancaire, pour le rapprochement."),
    )

    @staticmethod
    def new_key() -> str:
        """A fresh key per displayed form: submitting it twice is one payout."""
        return uuid.uuid4().hex

    def clean_amount(self) -> int:
        try:
            return parse_amount_cents(self.cleaned_data.get("amount", ""))
        except AmountError as error:
            raise forms.ValidationError(error.message, code=error.code) from None

"""Console forms: they parse what was typed into types; services check the meaning.

Messages are French and specific; a service's error is attached to the field it
names (``form.add_error(error.field, error.message)``).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cabas.money import EurosField
from cabas.pages.models import Announcement

from .selectors import category_choices

MAX_LOGO_UPLOAD = 1024 * 1024


def parse_percent_to_bp(text: str) -> int | None:
    """``"5,5"`` or ``"5.5 %"`` → 550 basis points; a sign is kept (the service refuses it)."""
    value = (text or "").replace("%", "").replace("\u00a0", "").replace(" ", "").replace(",", ".")
    if not re.fullmatch(r"-?\d{1,6}(\.\d{1,2})?", value):
        return None
    try:
        return int((Decimal(value) * 100).to_integral_value())
    except InvalidOperation:
        return None


class PercentField(forms.CharField):
    default_error_messages = {
        "invalid": _("Indiquez un pourcentage, par exemple 5 ou 2,5."),
    }

    def to_python(self, value):  # type: ignore[no-untyped-def]
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        bp = parse_percent_to_bp(text)
        if bp is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return bp


class TerritoryCreateForm(forms.Form):
    slug = forms.CharField(
        label=_("Identifiant dans les adresses"),
        max_length=60,
        help_text=_("Lettres minuscules, chiffres et tirets, par exemple « saint-malo »."),
    )
    name = forms.CharField(label=_("Nom"), max_length=160)
    centre_lat = forms.FloatField(
        label=_("Latitude du centre"), help_text=_("En degrés décimaux, par exemple 48.6493.")
    )
    centre_lon = forms.FloatField(
        label=_("Longitude du centre"), help_text=_("En degrés décimaux, par exemple -2.0257.")
    )
    timezone = forms.CharField(label=_("Fuseau horaire"), initial="Europe/Paris", max_length=64)
    currency = forms.CharField(label=_("Devise"), initial="EUR", max_length=3)
    commission = PercentField(
        label=_("Commission sur les ventes (%)"),
        initial="0",
        required=False,
        help_text=_("Prélevée sur la valeur des marchandises ; 0 pour aucune."),
    )
    primary_colour = forms.CharField(
        label=_("Couleur principale"),
        initial="#1d5e3a",
        widget=forms.TextInput(attrs={"type": "color"}),
    )
    operator_name = forms.CharField(label=_("Organisme exploitant"), required=False)
    contact_email = forms.CharField(label=_("E-mail de contact"), required=False)
    operator_email = forms.EmailField(
        label=_("Premier opérateur (e-mail d'un compte existant)"), required=False
    )


class SettingsForm(forms.Form):
    name = forms.CharField(label=_("Nom du territoire"), max_length=160)
    tagline = forms.CharField(
        label=_("Accroche de la page d'accueil"), max_length=200, required=False
    )
    primary_colour = forms.CharField(
        label=_("Couleur principale"),
        widget=forms.TextInput(attrs={"type": "color"}),
        help_text=_("Bandeau et liens ; assombrie automatiquement si le contraste manque."),
    )
    accent_colour = forms.CharField(
        label=_("Couleur d'accentuation"),
        widget=forms.TextInput(attrs={"type": "color"}),
        help_text=_("Annonces et chiffres mis en avant."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Langues proposées"),
        choices=settings.LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Le français est toujours proposé."),
    )
    commission = PercentField(label=_("Commission sur les ventes (%)"))
    operator_name = forms.CharField(label=_("Organisme exploitant"), required=False)
    contact_email = forms.CharField(label=_("E-mail de contact"), required=False)
    default_slot_minutes = forms.IntegerField(label=_("Durée d'un créneau (minutes)"))
    default_lead_minutes = forms.IntegerField(label=_("Délai de préparation (minutes)"))
    default_capacity_per_slot = forms.IntegerField(label=_("Commandes par créneau"))
    default_horizon_days = forms.IntegerField(label=_("Créneaux proposés sur (jours)"))


class DomainForm(forms.Form):
    domain = forms.CharField(
        label=_("Nom de domaine propre"),
        required=False,
        max_length=253,
        help_text=_("Par exemple commerces.ville.fr ; vide pour aucun."),
    )


class LogoForm(forms.Form):
    logo = forms.FileField(
        label=_("Logo"),
        help_text=_("PNG, JPEG ou WebP, 1 Mo au plus, entre 64 et 4 000 pixels de côté."),
    )

    def clean_logo(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["logo"]
        if upload.size > MAX_LOGO_UPLOAD:
            raise forms.ValidationError(
                _("Le logo pèse %(size)s Ko ; la limite est de %(max)s Ko."),
                params={"size": upload.size // 1024, "max": MAX_LOGO_UPLOAD // 1024},
            )
        return upload


class MessageForm(forms.Form):
    message = forms.CharField(
        label=_("Message au commerçant"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Envoyé par e-mail avec la décision ; obligatoire pour un refus."),
    )


class ShopStatusForm(MessageForm):
    status = forms.ChoiceField(
        choices=[("approved", "approved"), ("draft", "draft"), ("suspended", "suspended")],
        widget=forms.HiddenInput,
    )


class ShopCategoryForm(forms.Form):
    category = forms.TypedChoiceField(
        label=_("Catégorie"), coerce=int, empty_value=None, required=False
    )

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("— Sans catégorie —")), *category_choices()]


class PointForm(forms.Form):
    name = forms.CharField(label=_("Nom"), max_length=160)
    address = forms.CharField(label=_("Adresse"), max_length=255)
    postcode = forms.CharField(label=_("Code postal"), max_length=10, required=False)
    city = forms.CharField(label=_("Ville"), max_length=120, required=False)
    lat = forms.FloatField(label=_("Latitude"))
    lon = forms.FloatField(label=_("Longitude"))
    opening_hours = forms.CharField(
        label=_("Horaires (syntaxe OpenStreetMap)"),
        max_length=500,
        help_text=_("Par exemple « Mo-Fr 10:00-19:00; Sa 09:00-13:00 »."),
    )
    slot_minutes = forms.IntegerField(label=_("Durée d'un créneau (minutes)"))
    lead_minutes = forms.IntegerField(
        label=_("Délai d'acheminement depuis les commerces (minutes)")
    )
    capacity_per_slot = forms.IntegerField(label=_("Commandes par créneau"))
    horizon_days = forms.IntegerField(label=_("Créneaux proposés sur (jours)"))
    is_active = forms.BooleanField(label=_("Ouvert aux commandes"), required=False, initial=True)


class CourierZoneForm(forms.Form):
    name = forms.CharField(label=_("Nom de la zone"), max_length=80)
    postcodes = forms.CharField(
        label=_("Codes postaux"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Séparés par des espaces ou des virgules ; un code n'appartient qu'à une zone."
        ),
    )
    fee = EurosField(label=_("Frais de livraison (€)"), required=False)
    minimum = EurosField(label=_("Commande minimum (€)"), required=False)
    is_active = forms.BooleanField(label=_("Zone active"), required=False, initial=True)


class PageForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200)
    body = forms.CharField(
        label=_("Texte"),
        widget=forms.Textarea(attrs={"rows": 20}),
        help_text=_(
            "Paragraphes séparés par une ligne vide ; « ## » en début de ligne pour un "
            "intertitre, « - » pour une liste. Les adresses web deviennent des liens."
        ),
    )


class LocalDateTimeField(forms.DateTimeField):
    """A ``datetime-local`` input read in the territory's timezone (DESIGN 7)."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]


class AnnouncementForm(forms.Form):
    message = forms.CharField(
        label=_("Message"), max_length=400, widget=forms.Textarea(attrs={"rows": 2})
    )
    level = forms.ChoiceField(label=_("Niveau"), choices=Announcement.Level.choices)
    link_url = forms.CharField(label=_("Lien (facultatif)"), required=False, max_length=300)
    link_text = forms.CharField(label=_("Texte du lien"), required=False, max_length=80)
    starts_at = LocalDateTimeField(label=_("Affichée à partir du"))
    ends_at = LocalDateTimeField(label=_("Jusqu'au (facultatif)"), required=False)

    def __init__(self, *args, tz: str, **kwargs):  # type: ignore[no-untyped-def]
        self.zone = ZoneInfo(tz)
        super().__init__(*args, **kwargs)

    def _aware(self, value: dt.datetime | None) -> dt.datetime | None:
        if value is None:
            return None
        # Django has already made it aware in the current timezone; re-read the wall time.
        naive = timezone.make_naive(value) if timezone.is_aware(value) else value
        return naive.replace(tzinfo=self.zone)

    def clean_starts_at(self):  # type: ignore[no-untyped-def]
        return self._aware(self.cleaned_data.get("starts_at"))

    def clean_ends_at(self):  # type: ignore[no-untyped-def]
        return self._aware(self.cleaned_data.get("ends_at"))


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("Du"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Au"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("La fin de la période précède son début."))
            elif (end - start).days > 2 * 366:
                self.add_error("end", _("Une période couvre au plus deux ans."))
        return data


class ShopSearchForm(forms.Form):
    q = forms.CharField(label=_("Nom ou code postal"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Statut"), required=False)
    category = forms.IntegerField(required=False, widget=forms.HiddenInput)

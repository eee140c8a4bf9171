"""Forms of the shopper's habits pages and the merchant's news screen."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cabas.backoffice.photos import MAX_PHOTO_BYTES
from cabas.web.forms import LocationForm

from .models import NEWS_MAX_CHARS, QUERY_MAX_CHARS, Weekday
from .services import Place

RADIUS_CHOICES = [
    ("", _("Tout le territoire")),
    ("1", _("1 km")),
    ("2", _("2 km")),
    ("5", _("5 km")),
    ("10", _("10 km")),
]


class AlertForm(LocationForm):
    """A product (hidden field) or a search, and optionally a place and a radius."""

    product = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    q = forms.CharField(label=_("Recherche"), required=False, max_length=QUERY_MAX_CHARS + 20)
    radius = forms.ChoiceField(label=_("Distance"), required=False, choices=RADIUS_CHOICES)

    field_order = ["q", "postcode", "radius", "lat", "lon", "product"]

    def clean(self):
        data = super().clean()
        if not data.get("product") and not (data.get("q") or "").strip():
            raise forms.ValidationError(_("Indiquez ce que vous cherchez."), code="empty")
        if data.get("radius") and not self.errors and self.centre() is None:
            self.add_error("postcode", _("Indiquez un code postal pour limiter la distance."))
        return data

    def place(self) -> Place | None:
        radius = self.cleaned_data.get("radius")
        centre = self.centre()
        if not radius or centre is None:
            return None
        return Place(lat=centre.lat, lon=centre.lon, radius_km=float(radius))


class PreferencesForm(forms.Form):
    alert_emails = forms.BooleanField(label=_("Recevoir mes alertes par e-mail"), required=False)
    alert_every_match = forms.BooleanField(
        label=_("Un e-mail à chaque alerte (sinon, au plus un e-mail par jour)"), required=False
    )
    digest_enabled = forms.BooleanField(
        label=_("Recevoir la lettre de la semaine de mes commerces"), required=False
    )
    digest_weekday = forms.TypedChoiceField(
        label=_("Jour de la lettre"), choices=Weekday.choices, coerce=int
    )


class NewsForm(forms.Form):
    text = forms.CharField(
        label=_("Actualité"),
        help_text=_(
            "%(max)s caractères au plus, texte simple. Par exemple : « Arrivage de fraises »."
        )
        % {"max": NEWS_MAX_CHARS},
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": NEWS_MAX_CHARS}),
        # The service says how long it is; the form only stops absurd payloads.
        max_length=10 * NEWS_MAX_CHARS,
    )
    photo = forms.FileField(
        label=_("Photo (facultative)"),
        required=False,
        help_text=_("JPEG, PNG ou WebP, %(mb)d Mo au plus.")
        % {"mb": MAX_PHOTO_BYTES // 1024 // 1024},
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

"""Query-string forms of the storefront: a bad value is reported and ignored, never a 500."""

from __future__ import annotations

import math
from typing import cast

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cabas.geo.distance import Point
from cabas.shops import selectors as shop_selectors
from cabas.shops.selectors import SERVICES, ShopFilters
from cabas.territories.models import Territory

from . import formatting

RADIUS_CHOICES = [("0.5", "500 m"), ("1", "1 km"), ("2", "2 km"), ("5", "5 km"), ("10", "10 km")]
DEFAULT_RADIUS_KM = 2.0
MAX_RADIUS_KM = 100.0


def _service_choices() -> list[tuple[str, str]]:
    return [
        ("", gettext("Tous les services")),
        *((code, formatting.service_label(code)) for code in SERVICES),
    ]


class LocationForm(forms.Form):
    """Where the visitor is: a postcode, or a position filled in by the browser."""

    postcode = forms.RegexField(
        label=_("Code postal"),
        regex=r"^\d{5}$",
        required=False,
        max_length=5,
        error_messages={"invalid": _("Le code postal doit comporter 5 chiffres.")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "postal-code", "size": "6"}
        ),
    )
    lat = forms.FloatField(
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid": _("La position reçue est invalide ; elle a été ignorée.")},
    )
    lon = forms.FloatField(
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid": _("La position reçue est invalide ; elle a été ignorée.")},
    )

    def __init__(self, *args, territory: Territory, **kwargs):
        super().__init__(*args, **kwargs)
        self.territory = territory
        self._postcode_centre: Point | None = None

    def clean_lat(self):
        return self._coordinate("lat", 90)

    def clean_lon(self):
        return self._coordinate("lon", 180)

    def _coordinate(self, name: str, bound: float) -> float | None:
        value = self.cleaned_data.get(name)
        if value is not None and (not math.isfinite(value) or abs(value) > bound):
            raise forms.ValidationError(
                _("La position reçue est invalide ; elle a été ignorée."), code="invalid"
            )
        return value

    def clean_postcode(self):
        code = self.cleaned_data.get("postcode") or ""
        if not code:
            return code
        self._postcode_centre = shop_selectors.area_centre(self.territory, code)
        if self._postcode_centre is None:
            raise forms.ValidationError(
                _("Code postal inconnu : %(code)s."), code="unknown", params={"code": code}
            )
        return code

    def centre(self) -> Point | None:
        """The postcode's centre when one is given, else the browser's position, else None."""
        data = getattr(self, "cleaned_data", {})
        if data.get("postcode"):
            return self._postcode_centre
        lat, lon = data.get("lat"), data.get("lon")
        if lat is not None and lon is not None:
            return Point(lat, lon)
        return None

    def problems(self) -> list[str]:
        """Each distinct error message, for a summary above the results."""
        seen: list[str] = []
        for errors in self.errors.values():
            for message in errors:
                if str(message) not in seen:
                    seen.append(str(message))
        return seen


class ShopFilterForm(LocationForm):
    # No max_length: a long query is cut by the selector rather than rejected.
    q = forms.CharField(label=_("Nom, rayon ou adresse"), required=False, widget=forms.SearchInput)
    category = forms.ChoiceField(
        label=_("Catégorie"),
        required=False,
        error_messages={"invalid_choice": _("Catégorie inconnue ; le filtre a été ignoré.")},
    )
    service = forms.ChoiceField(
        label=_("Service"),
        required=False,
        error_messages={"invalid_choice": _("Service inconnu ; le filtre a été ignoré.")},
    )
    open = forms.BooleanField(label=_("Ouverts maintenant"), required=False)
    radius = forms.CharField(label=_("Distance"), required=False, max_length=12)

    field_order = ["q", "category", "service", "open", "postcode", "radius", "lat", "lon"]

    def __init__(self, data, *args, category_choices: list[tuple], **kwargs):
        data = data.copy()
        if "radius" not in data:
            data["radius"] = f"{DEFAULT_RADIUS_KM:g}"
        super().__init__(data, *args, **kwargs)
        cast(forms.ChoiceField, self.fields["category"]).choices = [
            ("", gettext("Toutes les catégories")),
            *category_choices,
        ]
        cast(forms.ChoiceField, self.fields["service"]).choices = _service_choices()
        # Control characters in free text are cleaned by the search, not refused here.
        self.fields["q"].validators = []
        self.fields["radius"].widget = forms.Select(
            choices=[*RADIUS_CHOICES, ("", _("Toute distance"))]
        )

    def clean_radius(self) -> float | None:
        raw = (self.cleaned_data.get("radius") or "").strip()
        if not raw:
            return None
        try:
            value = float(raw.replace(",", "."))
        except ValueError:
            value = -1.0
        if not math.isfinite(value) or value <= 0 or value > MAX_RADIUS_KM:
            raise forms.ValidationError(
                _("La distance doit être un nombre de kilomètres entre 0 et %(max)s."),
                code="invalid",
                params={"max": int(MAX_RADIUS_KM)},
            )
        return value

    def filters(self) -> ShopFilters:
        """The valid part of the query as shop filters; invalid parts are left out."""
        data = getattr(self, "cleaned_data", {})
        centre = self.centre()
        radius = DEFAULT_RADIUS_KM if "radius" in self.errors else data.get("radius")
        return ShopFilters(
            q=(data.get("q") or "").strip(),
            category=data.get("category") or "",
            service=data.get("service") or "",
            open_now=bool(data.get("open")),
            centre=centre,
            radius_km=radius if centre is not None else None,
        )

"""The query string of the storefront search page: bad values are reported and ignored."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cabas.money import parse_price_to_cents
from cabas.territories.models import Territory
from cabas.web.forms import DEFAULT_RADIUS_KM, RADIUS_CHOICES, LocationForm

from .categories import CategoryTree
from .results import SearchFilters, Sort

SORT_CHOICES = [
    ("pertinence", _("Pertinence")),
    ("prix", _("Prix croissant")),
    ("distance", _("Distance")),
]
SORTS: dict[str, Sort] = {"pertinence": "relevance", "prix": "price", "distance": "distance"}


class SearchForm(LocationForm):
    # No max_length: a long query is cut by the search rather than refused.
    q = forms.CharField(label=_("Rechercher un produit"), required=False, widget=forms.SearchInput)
    category = forms.ChoiceField(
        label=_("Rayon"),
        required=False,
        error_messages={"invalid_choice": _("Rayon inconnu ; le filtre a été ignoré.")},
    )
    open = forms.BooleanField(label=_("Commerces ouverts maintenant"), required=False)
    in_stock = forms.BooleanField(label=_("En stock"), required=False)
    radius = forms.ChoiceField(
        label=_("Distance"),
        required=False,
        choices=[*RADIUS_CHOICES, ("", _("Toute distance"))],
        error_messages={"invalid_choice": _("Distance inconnue ; le filtre a été ignoré.")},
    )
    price_max = forms.CharField(
        label=_("Prix maximum (€)"),
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": "6"}),
    )
    sort = forms.ChoiceField(
        label=_("Trier par"),
        required=False,
        choices=SORT_CHOICES,
        error_messages={"invalid_choice": _("Tri inconnu ; tri par pertinence.")},
    )
    produits = forms.BooleanField(label=_("Un résultat par produit"), required=False)
    carte = forms.BooleanField(required=False, widget=forms.HiddenInput)

    field_order = ["q", "category", "open", "in_stock", "postcode", "radius", "price_max", "sort"]

    def __init__(self, data, *args, territory: Territory, tree: CategoryTree, **kwargs):
        data = data.copy()
        if "radius" not in data:
            data["radius"] = f"{DEFAULT_RADIUS_KM:g}"
        super().__init__(data, *args, territory=territory, **kwargs)
        self.fields["q"].validators = []  # control characters are cleaned by the search
        choices: list[tuple[str, str]] = [("", gettext("Tous les rayons"))]
        for category in tree.by_id.values():
            prefix = "" if category.parent_id is None else "— "
            choices.append((category.slug, f"{prefix}{category.name}"))
        cast(forms.ChoiceField, self.fields["category"]).choices = choices

    def clean_price_max(self) -> int | None:
        raw = (self.cleaned_data.get("price_max") or "").strip()
        if not raw:
            return None
        cents = parse_price_to_cents(raw)
        if cents is None:
            raise forms.ValidationError(
                _("Prix maximum illisible : écrivez par exemple 4,50."), code="invalid"
            )
        return cents

    def clean_radius(self) -> float | None:
        raw = self.cleaned_data.get("radius") or ""
        return float(raw) if raw else None

    @property
    def query(self) -> str:
        return (getattr(self, "cleaned_data", {}).get("q") or "").strip()

    @property
    def ordering(self) -> Sort:
        wanted = getattr(self, "cleaned_data", {}).get("sort") or "pertinence"
        sort = SORTS.get(wanted, "relevance")
        if sort == "distance" and self.centre() is None:
            return "relevance"
        return sort

    @property
    def grouped(self) -> bool:
        return bool(getattr(self, "cleaned_data", {}).get("produits"))

    @property
    def map_view(self) -> bool:
        return bool(getattr(self, "cleaned_data", {}).get("carte"))

    def filters(self) -> SearchFilters:
        """The valid part of the query as search filters; invalid parts are left out."""
        data = getattr(self, "cleaned_data", {})
        centre = self.centre()
        radius = DEFAULT_RADIUS_KM if "radius" in self.errors else data.get("radius")
        return SearchFilters(
            category=data.get("category") or None,
            in_stock=bool(data.get("in_stock")),
            open_now=bool(data.get("open")),
            centre=centre,
            radius_km=radius if centre is not None else None,
            price_max_cents=data.get("price_max"),
        )

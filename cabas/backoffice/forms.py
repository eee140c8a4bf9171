"""Back-office forms: parse and check input; the services do the writing."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cabas.catalog.models import Category
from cabas.shops import hours
from cabas.shops.models import ShopMembership
from cabas.shops.siret import siret_normalise, validate_siret

from .hours_editor import OSM_DAYS, day_errors, parse_time_field
from .imports.mapping import FIELDS, column_letter
from .imports.readers import MAX_IMPORT_BYTES
from .imports.values import CellError, parse_price_cents, parse_stock
from .photos import MAX_PHOTO_BYTES

DAY_LABELS = [
    _("Lundi"),
    _("Mardi"),
    _("Mercredi"),
    _("Jeudi"),
    _("Vendredi"),
    _("Samedi"),
    _("Dimanche"),
]


class PriceField(forms.CharField):
    """A price as typed in French ("2,50", "2,50 €") → cents."""

    def __init__(self, *, allow_zero: bool = False, **kwargs):
        self.allow_zero = allow_zero
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")
        self.widget.attrs.setdefault("autocomplete", "off")

    def clean(self, value):
        text = super().clean(value)
        if text in self.empty_values:
            return None
        try:
            return parse_price_cents(text, allow_zero=self.allow_zero)
        except CellError as error:
            raise forms.ValidationError(error.reason.capitalize() + ".", code="price") from None


class StockField(forms.CharField):
    """A whole quantity; empty means "not tracked" (on request)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 12)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "numeric")
        self.widget.attrs.setdefault("autocomplete", "off")

    def clean(self, value):
        text = super().clean(value)
        try:
            return parse_stock(text)
        except CellError as error:
            raise forms.ValidationError(error.reason.capitalize() + ".", code="stock") from None


# -- joining -----------------------------------------------------------------------------


class ClaimSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Nom, adresse ou code postal de votre commerce"), max_length=80, required=False
    )


class ClaimForm(forms.Form):
    message = forms.CharField(
        label=_("Comment le territoire peut-il vérifier que ce commerce est le vôtre ?"),
        help_text=_("Par exemple votre fonction et le numéro SIRET ; facultatif."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )


class CreateShopForm(forms.Form):
    name = forms.CharField(label=_("Nom du commerce"), max_length=160)
    category = forms.ModelChoiceField(
        label=_("Rayon"),
        queryset=Category.objects.filter(parent__isnull=False).order_by("position", "name"),
        required=False,
        empty_label=_("— choisir —"),
    )
    address = forms.CharField(label=_("Adresse"), max_length=255)
    postcode = forms.RegexField(
        label=_("Code postal"),
        regex=r"^\d{5}$",
        error_messages={"invalid": _("Cinq chiffres, par exemple 75011.")},
    )
    city = forms.CharField(label=_("Ville"), max_length=120)
    phone = forms.CharField(label=_("Téléphone"), max_length=40, required=False)
    message = forms.CharField(
        label=_("Un mot pour le territoire"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )


# -- vitrine -----------------------------------------------------------------------------


class VitrineForm(forms.Form):
    name = forms.CharField(label=_("Nom du commerce"), max_length=160)
    description = forms.CharField(
        label=_("Présentation"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        required=False,
        help_text=_("Ce que vous vendez, ce qui vous rend unique : quelques phrases."),
    )
    address = forms.CharField(label=_("Adresse"), max_length=255, required=False)
    postcode = forms.CharField(label=_("Code postal"), max_length=10, required=False)
    city = forms.CharField(label=_("Ville"), max_length=120, required=False)
    phone = forms.CharField(label=_("Téléphone"), max_length=40, required=False)
    website = forms.URLField(
        label=_("Site web"), max_length=300, required=False, assume_scheme="https"
    )
    offers_click_collect = forms.BooleanField(label=_("Retrait en boutique"), required=False)
    offers_delivery = forms.BooleanField(label=_("Livraison"), required=False)
    accepts_vouchers = forms.BooleanField(label=_("Chèques-cadeaux acceptés"), required=False)
    made_locally = forms.BooleanField(label=_("Fabrication locale"), required=False)
    siret = forms.CharField(
        label=_("Numéro SIRET"),
        max_length=20,
        required=False,
        help_text=_("14 chiffres ; il figure sur vos relevés de reversement."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_siret(self):
        siret = siret_normalise(self.cleaned_data.get("siret", ""))
        if not siret:
            return None
        validate_siret(siret)
        return siret


class HoursForm(forms.Form):
    """Seven rows of up to two intervals; each row's errors are tied to its inputs."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for index, label in enumerate(DAY_LABELS):
            day = OSM_DAYS[index]
            for slot, part in (
                ("1", _("ouverture")),
                ("2", _("fermeture")),
                ("3", _("réouverture")),
                ("4", _("fermeture")),
            ):
                self.fields[f"{day}_{slot}"] = forms.CharField(
                    label=f"{label}, {part}",
                    required=False,
                    max_length=5,
                    widget=forms.TextInput(
                        attrs={
                            "inputmode": "numeric",
                            "placeholder": "hh:mm",
                            "size": 5,
                            "autocomplete": "off",
                        }
                    ),
                )
        self.day_errors: dict[str, list[str]] = {}

    def rows(self):
        for index, label in enumerate(DAY_LABELS):
            day = OSM_DAYS[index]
            yield {
                "day": day,
                "label": label,
                "fields": [self[f"{day}_{slot}"] for slot in "1234"],
                "errors": self.day_errors.get(day, []),
            }

    def clean(self):
        cleaned = super().clean()
        week = []
        for day in OSM_DAYS:
            values = [parse_time_field(cleaned.get(f"{day}_{slot}") or "") for slot in "1234"]
            intervals = []
            problems = []
            for first, second in ((values[0], values[1]), (values[2], values[3])):
                if first and second:
                    intervals.append((first, second))
                elif first or second:
                    problems.append(str(_("Indiquez l'heure d'ouverture et celle de fermeture.")))
            problems += day_errors(intervals)
            if problems:
                self.day_errors[day] = problems
                for slot in "1234":
                    attrs = self.fields[f"{day}_{slot}"].widget.attrs
                    attrs.update({"aria-describedby": f"erreur-{day}", "aria-invalid": "true"})
            week.append(intervals)
        if self.day_errors:
            raise forms.ValidationError(_("Certaines heures sont à corriger."), code="hours")
        cleaned["week"] = week
        return cleaned


class RawHoursForm(forms.Form):
    opening_hours = forms.CharField(
        label=_("Horaires au format OpenStreetMap"),
        max_length=500,
        required=False,
        help_text=_("Pour les cas particuliers : « Mo-Fr 09:00-19:00; Sa 10:00-13:00; PH off »."),
    )

    def clean_opening_hours(self):
        text = " ".join(self.cleaned_data["opening_hours"].split())
        if text and not hours.is_valid(text):
            raise forms.ValidationError(
                _("Ce texte n'est pas au format OpenStreetMap des horaires."), code="hours"
            )
        return text


class ClosureForm(forms.Form):
    start_date = forms.DateField(label=_("Du"), widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(
        label=_("Au (inclus)"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label=_("Motif"), max_length=200, required=False)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("La date de fin doit suivre la date de début."))
        return cleaned


# -- catalogue ---------------------------------------------------------------------------


class OfferFilterForm(forms.Form):
    q = forms.CharField(label=_("Rechercher"), max_length=100, required=False)
    status = forms.ChoiceField(
        label=_("Vente"),
        required=False,
        choices=[("", _("Toutes")), ("active", _("En vente")), ("inactive", _("Hors vente"))],
    )
    stock = forms.ChoiceField(
        label=_("Stock"),
        required=False,
        choices=[
            ("", _("Tous")),
            ("out", _("Épuisé")),
            ("low", _("Bas (3 ou moins)")),
            ("untracked", _("Non suivi")),
        ],
    )


class OfferEditForm(forms.Form):
    price = PriceField(label=_("Prix TTC"))
    stock = StockField(label=_("Stock"), help_text=_("Vide : stock non suivi."))
    is_active = forms.BooleanField(label=_("En vente"), required=False)

    def __init__(self, *args, prefix_id: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if prefix_id:
            # Inputs sit in table cells; the ``form`` attribute ties them to the row's form.
            self.auto_id = f"id_{prefix_id}_%s"
            self.form_id = f"form-{prefix_id}"
            for field in self.fields.values():
                field.widget.attrs["form"] = self.form_id


class OfferCreateForm(forms.Form):
    gtin = forms.CharField(
        label=_("Code-barres (EAN)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_(
            "Scannez ou tapez le code : nom, marque et photo se remplissent s'il est connu."
        ),
    )
    name = forms.CharField(label=_("Nom du produit"), max_length=200, required=False)
    brand = forms.CharField(label=_("Marque"), max_length=120, required=False)
    quantity = forms.CharField(label=_("Contenance"), max_length=60, required=False)
    price = PriceField(label=_("Prix TTC"))
    stock = StockField(label=_("Stock"), help_text=_("Vide : stock non suivi (« sur demande »)."))
    sku = forms.CharField(
        label=_("Votre référence"),
        max_length=64,
        required=False,
        help_text=_("Facultatif : le code-barres sert de référence sinon."),
    )


class PhotoForm(forms.Form):
    photo = forms.FileField(
        label=_("Photo du produit"),
        help_text=_("JPEG, PNG ou WebP, %(mb)d Mo au plus.")
        % {"mb": MAX_PHOTO_BYTES // 1024 // 1024},
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )


# -- import ------------------------------------------------------------------------------


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Votre fichier"),
        help_text=_(
            "CSV, Excel (.xlsx) ou LibreOffice (.ods), %(mb)d Mo au plus ; une ligne par article."
        )
        % {"mb": MAX_IMPORT_BYTES // 1024 // 1024},
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".csv,.txt,.xlsx,.ods,text/csv,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,"
                "application/vnd.oasis.opendocument.spreadsheet"
            }
        ),
    )


class ImportMappingForm(forms.Form):
    deactivate_missing = forms.BooleanField(
        label=_("Retirer de la vente les articles absents du fichier"),
        required=False,
        help_text=_("Utile quand le fichier est votre catalogue complet."),
    )

    def __init__(self, *args, headers: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— ne pas importer —"))] + [
            (str(index), f"{column_letter(index)} : {header or _('(sans titre)')}")
            for index, header in enumerate(headers)
        ]
        for field in FIELDS:
            self.fields[f"map_{field.key}"] = forms.ChoiceField(
                label=field.label, help_text=field.help, choices=choices, required=False
            )

    def mapping(self) -> dict[str, object]:
        return {
            field.key: self.cleaned_data[f"map_{field.key}"]
            for field in FIELDS
            if self.cleaned_data.get(f"map_{field.key}") not in (None, "")
        }

    def clean(self):
        cleaned = super().clean()
        seen: dict[str, str] = {}
        for field in FIELDS:
            value = cleaned.get(f"map_{field.key}")
            if value in (None, ""):
                continue
            if value in seen:
                self.add_error(
                    f"map_{field.key}",
                    _("Cette colonne est déjà choisie pour « %(other)s ».")
                    % {"other": seen[value]},
                )
            else:
                seen[value] = str(field.label)
        return cleaned


# -- pickup and delivery -------------------------------------------------------------------


class FulfilmentForm(forms.Form):
    pickup_enabled = forms.BooleanField(label=_("Retrait en boutique"), required=False)
    slot_minutes = forms.IntegerField(
        label=_("Durée d'un créneau de retrait (minutes)"), min_value=5, max_value=480
    )
    lead_minutes = forms.IntegerField(
        label=_("Délai de préparation (minutes)"),
        min_value=0,
        max_value=14 * 24 * 60,
        help_text=_("Temps minimum entre la commande et le premier créneau proposé."),
    )
    capacity_per_slot = forms.IntegerField(
        label=_("Commandes par créneau de retrait"), min_value=1, max_value=500
    )
    horizon_days = forms.IntegerField(
        label=_("Créneaux proposés sur (jours)"), min_value=1, max_value=14
    )
    delivery_enabled = forms.BooleanField(label=_("Livraison à domicile"), required=False)
    delivery_slot_minutes = forms.IntegerField(
        label=_("Durée d'un créneau de livraison (minutes)"), min_value=15, max_value=720
    )
    delivery_capacity_per_slot = forms.IntegerField(
        label=_("Livraisons par créneau"), min_value=1, max_value=500
    )


class ZoneForm(forms.Form):
    name = forms.CharField(label=_("Nom de la zone"), max_length=80)
    kind = forms.ChoiceField(
        label=_("Zone définie par"),
        choices=[
            ("radius", _("un rayon autour du commerce")),
            ("postcodes", _("des codes postaux")),
        ],
    )
    radius_km = forms.FloatField(
        label=_("Rayon (km)"), required=False, min_value=0.1, max_value=50, localize=True
    )
    postcodes = forms.CharField(
        label=_("Codes postaux"),
        required=False,
        max_length=500,
        help_text=_("Séparés par des espaces ou des virgules : 38000 38100."),
    )
    fee = PriceField(label=_("Frais de livraison"), allow_zero=True)
    minimum = PriceField(label=_("Commande minimum"), allow_zero=True, required=False)

    def clean_postcodes(self):
        codes = self.cleaned_data["postcodes"].replace(",", " ").split()
        wrong = [code for code in codes if not (code.isdigit() and len(code) == 5)]
        if wrong:
            raise forms.ValidationError(
                _("Codes postaux invalides : %(codes)s.") % {"codes": ", ".join(wrong[:5])}
            )
        return codes

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == "radius" and not cleaned.get("radius_km"):
            self.add_error("radius_km", _("Indiquez le rayon."))
        if cleaned.get("kind") == "postcodes" and not cleaned.get("postcodes"):
            self.add_error("postcodes", _("Indiquez au moins un code postal."))
        return cleaned


# -- team, tokens, orders ----------------------------------------------------------------


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Adresse e-mail"), max_length=254)
    role = forms.ChoiceField(
        label=_("Rôle"), choices=ShopMembership.Role.choices, initial=ShopMembership.Role.STAFF
    )


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Nom du jeton"),
        max_length=80,
        help_text=_("Pour le reconnaître : « Caisse du magasin », « Logiciel de stock »…"),
    )


class FeedForm(forms.Form):
    url = forms.URLField(
        label=_("Adresse du fichier de stock"),
        max_length=500,
        assume_scheme="https",
        help_text=_(
            "Un fichier CSV, XLSX ou ODS publié par votre caisse ou votre logiciel de stock."
        ),
    )
    interval_minutes = forms.TypedChoiceField(
        label=_("Fréquence"),
        coerce=int,
        choices=[
            (15, _("toutes les 15 minutes")),
            (60, _("toutes les heures")),
            (360, _("toutes les 6 heures")),
            (1440, _("une fois par jour")),
        ],
        initial=60,
    )
    is_active = forms.BooleanField(label=_("Synchronisation active"), required=False, initial=True)


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif du refus (envoyé au client)"),
        max_length=500,
        widget=forms.TextInput(attrs={"placeholder": _("Article épuisé, fermeture…")}),
    )


class PickupCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code de retrait ou QR code scanné"),
        max_length=80,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    def clean_code(self):
        text = self.cleaned_data["code"].strip().upper()
        # A scanned QR code reads "CABAS:<order id>:<code>".
        if text.startswith("CABAS:"):
            text = text.rsplit(":", 1)[-1]
        return "".join(text.split())[:8]

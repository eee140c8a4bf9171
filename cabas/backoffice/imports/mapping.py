"""Which column holds what: guessed from French and English headers, adjustable.

A mapping is ``{field: column index}``; a field left out is not imported.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class ImportField:
    key: str
    label: object  # lazy French label
    help: object
    synonyms: tuple[str, ...]
    required: bool = False


FIELDS: tuple[ImportField, ...] = (
    ImportField(
        "sku",
        _("Référence"),
        _("Votre code article ; sert à retrouver l'offre au prochain import."),
        (
            "reference",
            "ref",
            "ref article",
            "reference article",
            "code article",
            "code",
            "code interne",
            "code produit",
            "sku",
            "id",
            "identifiant",
            "article id",
            "plu",
            "item code",
            "product code",
            "product id",
        ),
    ),
    ImportField(
        "gtin",
        _("Code-barres (EAN)"),
        _("EAN-13, EAN-8 ou UPC ; remplit nom, marque et photo quand le produit est connu."),
        (
            "ean",
            "ean13",
            "ean 13",
            "ean8",
            "code barre",
            "code barres",
            "code-barre",
            "code-barres",
            "codebarre",
            "codebarres",
            "gencod",
            "gencode",
            "gtin",
            "upc",
            "barcode",
            "bar code",
            "ean code",
        ),
    ),
    ImportField(
        "name",
        _("Désignation"),
        _("Le nom affiché aux clients."),
        (
            "designation",
            "libelle",
            "libelle article",
            "libelle produit",
            "nom",
            "nom du produit",
            "nom produit",
            "produit",
            "article",
            "intitule",
            "name",
            "product",
            "product name",
            "title",
            "item",
            "item name",
            "description courte",
        ),
    ),
    ImportField("brand", _("Marque"), _("Facultatif."), ("marque", "fabricant", "brand", "make")),
    ImportField(
        "price",
        _("Prix TTC"),
        _("Prix de vente toutes taxes comprises, par exemple 2,50 €."),
        (
            "prix",
            "prix ttc",
            "prix de vente",
            "prix de vente ttc",
            "pv ttc",
            "pvttc",
            "pv",
            "pvc",
            "prix public",
            "prix unitaire",
            "prix unitaire ttc",
            "tarif",
            "tarif ttc",
            "prix eur",
            "prix euros",
            "price",
            "unit price",
            "sale price",
            "retail price",
            "price ttc",
            "montant ttc",
        ),
        required=True,
    ),
    ImportField(
        "stock",
        _("Stock"),
        _("Nombre entier ; vide = stock non suivi (« sur demande »)."),
        (
            "stock",
            "qte",
            "qte stock",
            "quantite",
            "quantite en stock",
            "quantite stock",
            "stock disponible",
            "stock reel",
            "disponible",
            "qty",
            "quantity",
            "on hand",
            "inventaire",
            "stock actuel",
        ),
    ),
    ImportField(
        "active",
        _("En vente"),
        _("oui / non ; vide = en vente."),
        ("en vente", "actif", "active", "en ligne", "visible", "publie", "online", "enabled"),
    ),
    ImportField(
        "quantity",
        _("Contenance"),
        _("Poids ou volume, par exemple 250 g."),
        ("contenance", "poids", "volume", "conditionnement", "format", "size", "net weight"),
    ),
    ImportField(
        "description",
        _("Description"),
        _("Facultatif."),
        ("description", "descriptif", "description longue", "details", "detail"),
    ),
)
FIELD_KEYS = tuple(f.key for f in FIELDS)
FIELDS_BY_KEY = {f.key: f for f in FIELDS}

# Header words that mean "not the selling price" even though they contain "prix".
_NOT_SELLING_PRICE = ("ht", "achat", "revient", "fournisseur", "cost", "marge", "tva", "barre")


def normalise_header(value: object) -> str:
    text = unicodedata.normalize("NFKD", str(value or "")).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", " ", text.lower())
    return " ".join(text.split())


def _score(field: ImportField, header: str) -> int:
    if not header:
        return 0
    if header in field.synonyms:
        return 10
    words = set(header.split())
    if field.key == "price":
        if words & set(_NOT_SELLING_PRICE):
            return 0
        if words & {"prix", "price", "tarif", "pv", "pvc"}:
            return 5
    if field.key == "gtin" and words & {"ean", "gtin", "gencod", "upc", "barcode"}:
        return 6
    if field.key == "stock" and words & {"stock", "qte", "qty", "quantite"}:
        return 4
    if field.key == "name" and words & {"designation", "libelle", "nom", "name"}:
        return 4
    if field.key == "sku" and words & {"reference", "ref", "sku"}:
        return 4
    return 0


def guess_mapping(headers: Sequence[object]) -> dict[str, int]:
    """The best column for each field, each column used once (best scores first)."""
    normalised = [normalise_header(header) for header in headers]
    candidates = sorted(
        (
            (-_score(field, header), FIELD_KEYS.index(field.key), index, field.key)
            for field in FIELDS
            for index, header in enumerate(normalised)
            if _score(field, header) > 0
        ),
    )
    mapping: dict[str, int] = {}
    used: set[int] = set()
    for _score_neg, _order, index, key in candidates:
        if key in mapping or index in used:
            continue
        mapping[key] = index
        used.add(index)
    return mapping


def header_score(cells: list[object]) -> int:
    """How much a row looks like a header row: the number of cells naming a field."""
    return sum(
        1
        for cell in cells
        if isinstance(cell, str) and any(_score(f, normalise_header(cell)) > 0 for f in FIELDS)
    )


def clean_mapping(raw: dict[str, object], column_count: int) -> dict[str, int]:
    """A mapping from a form or the database, with unknown fields and columns dropped."""
    mapping = {}
    for key, value in raw.items():
        if key not in FIELDS_BY_KEY:
            continue
        try:
            index = int(str(value))
        except ValueError:
            continue
        if 0 <= index < column_count:
            mapping[key] = index
    return mapping


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: how a spreadsheet names the column."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters

"""Checking every line of an import against the mapping and the shop's catalogue.

The result lists, for each line, what will happen (new offer, update, nothing) and
every error as (line, column, value, why) in French. Nothing is written here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.text import slugify
from django.utils.translation import gettext as _

from cabas.catalog.models import Offer, Product
from cabas.shops.models import Shop

from ..gtin import GtinError, normalise_gtin
from ..reference import ProductReference, bundled_references
from .mapping import FIELDS_BY_KEY, column_letter, header_score
from .readers import Formula, Sheet, check_widths
from .values import CellError, gtin_text, parse_flag, parse_price_cents, parse_stock, parse_text

HEADER_SEARCH_ROWS = 10
LOOKUP_CHUNK = 500
PROGRESS_EVERY = 500


@dataclass(frozen=True)
class RowError:
    line: int  # 0: the mapping itself
    column: str
    value: str
    message: str

    def as_dict(self) -> dict[str, object]:
        return {
            "line": self.line,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }


@dataclass(frozen=True)
class ExistingOffer:
    id: int
    sku: str
    product_id: int
    gtin: str | None
    product_source: str
    name: str
    brand: str
    price_cents: int
    stock: int | None
    is_active: bool


@dataclass
class ImportRow:
    line: int
    sku: str
    gtin: str | None
    name: str
    brand: str
    quantity: str
    description: str
    price_cents: int | None
    stock: int | None
    stock_given: bool
    active: bool | None
    existing: ExistingOffer | None = None
    product_id: int | None = None  # the territory's product for this GTIN
    reference: ProductReference | None = None  # Open Food Facts data for a new product


@dataclass
class Validation:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    existing: dict[int, ExistingOffer] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def locate_header(sheet: Sheet) -> int:
    """Index in ``sheet.rows`` of the header row: the first of the top rows naming most fields
    (title lines above the table, like "Inventaire au 12/03", are skipped)."""
    best, best_score = 0, 0
    for index, (_line, cells) in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        score = header_score(cells)
        if score > best_score:
            best, best_score = index, score
    return best


def display_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Formula):
        return value.text
    return str(value)[:80]


def existing_offers(shop: Shop) -> dict[int, ExistingOffer]:
    rows = Offer.objects.filter(territory_id=shop.territory_id, shop=shop).values_list(
        "id",
        "sku",
        "product_id",
        "product__gtin",
        "product__source",
        "product__name",
        "product__brand",
        "price_cents",
        "stock",
        "is_active",
    )
    return {row[0]: ExistingOffer(*row) for row in rows}


def _territory_products(territory_id: int, gtins: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(gtins), LOOKUP_CHUNK):
        chunk = gtins[start : start + LOOKUP_CHUNK]
        for gtin, product_id in Product.objects.filter(
            territory_id=territory_id, gtin__in=chunk
        ).values_list("gtin", "id"):
            if gtin:
                found[gtin] = product_id
    return found


def generated_sku(gtin: str | None, name: str) -> str:
    """The SKU of a line without one: its barcode, else its name in capitals."""
    return (gtin or slugify(name).upper())[:64]


class _Line:
    """One line's cells, and the errors found in them."""

    def __init__(self, line: int, cells: list[object], headers: list[str], errors: list[RowError]):
        self.line = line
        self.cells = cells
        self.headers = headers
        self.errors = errors
        self.failed = False

    def column_name(self, index: int) -> str:
        header = self.headers[index] if index < len(self.headers) else ""
        return f"{column_letter(index)} ({header})" if header else column_letter(index)

    def cell(self, mapping: dict[str, int], key: str) -> object:
        index = mapping.get(key)
        if index is None or index >= len(self.cells):
            return None
        value = self.cells[index]
        if isinstance(value, Formula):
            raise CellError(
                _(
                    "formule sans valeur calculée : ouvrez le fichier dans votre tableur et"
                    " enregistrez-le, ou remplacez la formule par sa valeur"
                )
            )
        return value

    def is_blank(self, mapping: dict[str, int], key: str) -> bool:
        index = mapping.get(key)
        if index is None or index >= len(self.cells):
            return True
        value = self.cells[index]
        return value is None or (isinstance(value, str) and not value.strip())

    def error(self, mapping: dict[str, int], key: str, message: str) -> None:
        index = mapping.get(key)
        column = self.column_name(index) if index is not None else str(FIELDS_BY_KEY[key].label)
        value = (
            display_value(self.cells[index])
            if index is not None and index < len(self.cells)
            else ""
        )
        self.errors.append(RowError(self.line, column, value, message))
        self.failed = True

    def parse(
        self, mapping: dict[str, int], key: str, parser: Callable[[object], object]
    ) -> object:
        try:
            return parser(self.cell(mapping, key))
        except (CellError, GtinError) as error:
            self.error(mapping, key, error.reason)
            return None


def validate_sheet(
    *,
    sheet: Sheet,
    header_index: int,
    mapping: dict[str, int],
    shop: Shop,
    progress: Callable[[int, int], None] | None = None,
) -> Validation:
    result = Validation()
    errors = result.errors
    if "price" not in mapping and "stock" not in mapping and "active" not in mapping:
        errors.append(
            RowError(
                0, "", "", _("Choisissez la colonne du prix (ou du stock pour une mise à jour).")
            )
        )
    if not {"sku", "gtin", "name"} & set(mapping):
        errors.append(
            RowError(
                0,
                "",
                "",
                _(
                    "Choisissez au moins la colonne de la désignation, de la référence ou "
                    "du code-barres."
                ),
            )
        )
    if errors:
        return result
    headers = [display_value(cell) for cell in sheet.rows[header_index][1]]
    data = sheet.rows[header_index + 1 :]
    check_widths(sheet, header_index)
    line_errors = {error.line: error.message for error in sheet.line_errors}
    result.existing = existing_offers(shop)
    by_sku = {offer.sku: offer for offer in result.existing.values()}
    by_gtin = {offer.gtin: offer for offer in result.existing.values() if offer.gtin}

    parsed: list[ImportRow] = []
    failed_skus: dict[str, int] = {}
    cells_by_line = dict(data)
    for position, (line_number, cells) in enumerate(data, start=1):
        if progress is not None and position % PROGRESS_EVERY == 0:
            progress(position, len(data))
        line = _Line(line_number, cells, headers, errors)
        if line_number in line_errors:
            message = line_errors[line_number]
            errors.append(RowError(line_number, "", "", message[:1].upper() + message[1:] + "."))
            continue
        row = _parse_line(line, mapping)
        if row is not None and not line.failed:
            parsed.append(row)
        elif "sku" in mapping:
            # A line with other errors still takes its SKU: a later duplicate is reported now.
            index = mapping["sku"]
            raw_sku = " ".join(display_value(cells[index]).split()) if index < len(cells) else ""
            if raw_sku:
                failed_skus.setdefault(raw_sku, line_number)

    gtins = sorted({row.gtin for row in parsed if row.gtin})
    products = _territory_products(shop.territory_id, gtins)
    references = bundled_references([gtin for gtin in gtins if gtin not in products])
    seen_sku: dict[str, int] = dict(failed_skus)
    seen_gtin: dict[str, int] = {}
    for row in parsed:
        line = _Line(row.line, cells_by_line[row.line], headers, errors)
        _match(row, line, mapping, by_sku, by_gtin, products, references)
        if line.failed:
            continue
        first = seen_sku.get(row.sku)
        if first is not None and first < row.line:
            line.error(
                mapping,
                "sku" if "sku" in mapping else "name",
                _(
                    "référence « %(sku)s » déjà présente ligne %(sku2)s (chaque article une"
                    " seule fois)"
                )
                % {"sku": row.sku, "sku2": first},
            )
            continue
        if row.gtin and row.gtin in seen_gtin:
            line.error(
                mapping,
                "gtin",
                _("code-barres déjà présent ligne %(gtin)s (chaque article une seule fois)")
                % {"gtin": seen_gtin[row.gtin]},
            )
            continue
        seen_sku[row.sku] = min(first or row.line, row.line)
        if row.gtin:
            seen_gtin[row.gtin] = row.line
        result.rows.append(row)
    if progress is not None:
        progress(len(data), len(data))
    errors.sort(key=lambda error: error.line)
    return result


def _parse_line(line: _Line, mapping: dict[str, int]) -> ImportRow | None:
    sku = line.parse(mapping, "sku", lambda v: parse_text(v, 64))
    raw_gtin = line.parse(mapping, "gtin", gtin_text)
    gtin = None
    if raw_gtin:
        try:
            gtin = normalise_gtin(str(raw_gtin))
        except GtinError as error:
            line.error(mapping, "gtin", error.reason)
    name = line.parse(mapping, "name", lambda v: parse_text(v, 200))
    brand = line.parse(mapping, "brand", lambda v: parse_text(v, 120))
    quantity = line.parse(mapping, "quantity", lambda v: parse_text(v, 60))
    description = line.parse(mapping, "description", lambda v: parse_text(v, 2000))
    price = None
    if "price" in mapping and not line.is_blank(mapping, "price"):
        price = line.parse(mapping, "price", parse_price_cents)
    stock = line.parse(mapping, "stock", parse_stock) if "stock" in mapping else None
    active = line.parse(mapping, "active", parse_flag) if "active" in mapping else None
    if line.failed:
        return None
    return ImportRow(
        line=line.line,
        sku=str(sku or ""),
        gtin=gtin,
        name=str(name or ""),
        brand=str(brand or ""),
        quantity=str(quantity or ""),
        description=str(description or ""),
        price_cents=price if isinstance(price, int) else None,
        stock=stock if isinstance(stock, int) else None,
        stock_given="stock" in mapping,
        active=active if isinstance(active, bool) else None,
    )


def _match(
    row: ImportRow,
    line: _Line,
    mapping: dict[str, int],
    by_sku: dict[str, ExistingOffer],
    by_gtin: dict[str, ExistingOffer],
    products: dict[str, int],
    references: dict[str, ProductReference],
) -> None:
    """Find the offer the line updates (by SKU, then barcode) or prepare a new one."""
    existing = by_sku.get(row.sku) if row.sku else None
    if existing is not None and row.gtin and existing.gtin and existing.gtin != row.gtin:
        line.error(
            mapping,
            "gtin",
            _("la référence « %(sku)s » est déjà associée au code-barres %(gtin)s")
            % {"sku": row.sku, "gtin": existing.gtin},
        )
        return
    if existing is None and row.gtin:
        existing = by_gtin.get(row.gtin)
    if existing is None and not row.sku and not row.gtin and row.name:
        existing = by_sku.get(generated_sku(None, row.name))
    if not row.sku:
        row.sku = existing.sku if existing else generated_sku(row.gtin, row.name)
    if not row.sku:
        line.error(mapping, "name", _("ligne sans référence, code-barres ni désignation"))
        return
    row.existing = existing
    if existing is not None:
        if existing.sku != row.sku and row.sku in by_sku:
            line.error(
                mapping,
                "sku",
                _(
                    "ce code-barres est vendu sous la référence « %(sku)s », et « %(sku2)s "
                    "» désigne déjà un autre article"
                )
                % {"sku": existing.sku, "sku2": row.sku},
            )
        return
    if row.gtin:
        row.product_id = products.get(row.gtin)
        row.reference = references.get(row.gtin)
    if not row.name and row.product_id is None and row.reference is None:
        line.error(
            mapping,
            "name",
            _("désignation manquante (le code-barres n'est pas dans le catalogue de référence)")
            if row.gtin
            else _("désignation manquante"),
        )
    if row.price_cents is None:
        line.error(mapping, "price", _("prix manquant : il est nécessaire pour un nouvel article"))

"""The corpus of broken and odd files: each gets a precise French message, and nothing
is written unless the whole file is valid."""

import io
import zipfile

import pytest

from cabas.backoffice.imports.mapping import guess_mapping
from cabas.backoffice.imports.readers import FileError
from cabas.backoffice.imports.services import import_start, import_upload, import_validate
from cabas.backoffice.models import ImportJob
from cabas.catalog.models import Offer, Product
from cabas.tasks.models import Task

from .spreadsheets import csv_bytes, ods_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db

HEADER = ["Référence", "EAN", "Désignation", "Prix TTC", "Qté"]


def refused(shop, owner, content: bytes) -> str:
    with pytest.raises(FileError) as caught:
        import_upload(shop=shop, user=owner, filename="catalogue.csv", content=content)
    assert not ImportJob.objects.exists()
    return caught.value.message


def errors(shop, owner, content: bytes) -> list[tuple[int, str, str, str]]:
    job = import_upload(shop=shop, user=owner, filename="catalogue", content=content)
    validation = import_validate(job=job)
    # Starting an invalid import queues nothing and writes nothing.
    job = import_start(job=job)
    if validation.errors:
        assert job.status == ImportJob.Status.UPLOADED and job.error_count == len(validation.errors)
        assert not Task.objects.exists() and not Offer.objects.exists()
    return [(e.line, e.column, e.value, e.message) for e in validation.errors]


def rows(shop, owner, content: bytes):
    job = import_upload(shop=shop, user=owner, filename="catalogue", content=content)
    validation = import_validate(job=job)
    assert validation.errors == []
    return validation.rows


# -- the whole file -------------------------------------------------------------------------


def test_empty_files_are_refused(shop, owner):
    assert refused(shop, owner, b"") == "Le fichier est vide."
    assert refused(shop, owner, b"\xef\xbb\xbf\r\n  \r\n") == "Le fichier est vide."


def test_a_file_with_only_headers_is_refused(shop, owner):
    message = refused(shop, owner, csv_bytes([HEADER]))
    assert message == "Le fichier ne contient que la ligne d'en-têtes : aucun produit à importer."
    assert "ligne d'en-têtes" in refused(shop, owner, xlsx_bytes([HEADER]))


def test_bytes_valid_in_no_encoding_are_named(shop, owner):
    content = csv_bytes([["nom", "prix"]]) + b"Caf\x81;2,50\r\n"
    message = refused(shop, owner, content)
    assert message.startswith(
        "Encodage non reconnu : l'octet 0x81 (ligne 2) n'existe ni en UTF-8 ni en Windows-1252."
    )


def test_text_converted_twice_is_refused(shop, owner):
    content = "nom;prix\r\nCrème brûlée;3\r\n".encode().decode("cp1252").encode("utf-8")
    message = refused(shop, owner, content)
    assert "le fichier a été converti deux fois" in message and "(ligne 2)" in message


def test_windows_1252_and_utf16_files_as_french_excel_writes_them(shop, owner):
    rows_1252 = rows(
        shop,
        owner,
        csv_bytes([["Désignation", "Prix TTC"], ["Crème brûlée", "3,20 €"]], encoding="cp1252"),
    )
    assert (rows_1252[0].name, rows_1252[0].price_cents) == ("Crème brûlée", 320)
    utf16 = "\ufeffDésignation\tPrix\r\nPâté en croûte\t12,5\r\n".encode("utf-16-le")
    parsed = rows(shop, owner, b"\xff\xfe" + utf16[2:])
    assert (parsed[0].name, parsed[0].price_cents) == ("Pâté en croûte", 1250)


def test_renamed_binaries_are_named_for_what_they_are(shop, owner):
    assert refused(shop, owner, b"\x89PNG\r\n\x1a\n" + b"\x00" * 50).startswith(
        "Ce fichier est une image PNG, pas un tableur."
    )
    assert "Excel 97-2003 (.xls)" in refused(
        shop, owner, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 50
    )
    assert "document PDF" in refused(shop, owner, b"%PDF-1.7\n...")
    assert "contenu binaire" in refused(shop, owner, b"nom;prix\n\x00\x01\x02\x03")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("photo.txt", "x")
    assert "archive ZIP" in refused(shop, owner, archive.getvalue())
    assert "abîmé" in refused(shop, owner, b"PK\x03\x04" + b"garbage" * 10)


def test_one_column_files_say_what_is_missing(shop, owner):
    assert "Une seule colonne trouvée" in refused(shop, owner, b"Pain\r\nCroissant\r\n")


def test_files_over_the_size_limit_are_refused_before_being_read(shop, merchant):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .conftest import shop_url

    big = SimpleUploadedFile(
        "enorme.csv", b"a;b\n" + b"x" * (50 * 1024 * 1024), content_type="text/csv"
    )
    response = merchant.post(shop_url("import_upload", shop), {"file": big})
    assert response.status_code == 413
    assert "Le fichier pèse 50,0 Mo ; la limite est de 10 Mo." in response.content.decode()
    assert not ImportJob.objects.exists()


# -- line by line ---------------------------------------------------------------------------


def test_prices_as_people_type_them(shop, owner):
    content = csv_bytes(
        [
            ["Désignation", "Prix TTC"],
            ["A", "2,50 €"],
            ["B", "€ 3.10"],
            ["C", "1 234,50"],
            ["D", "7"],
            ["E", "0,5"],
            ["F", "12,00 EUR"],
        ]
    )
    assert [row.price_cents for row in rows(shop, owner, content)] == [
        250,
        310,
        123450,
        700,
        50,
        1200,
    ]


def test_bad_prices_and_stocks_get_line_column_value_and_why(shop, owner):
    content = csv_bytes(
        [
            HEADER,
            ["A1", "", "Pain", "deux euros", "3"],
            ["A2", "", "Brioche", "-2,00", "4"],
            ["A3", "", "Croissant", "1,205", "-3"],
            ["A4", "", "Chausson", "0", "2,5"],
        ]
    )
    assert errors(shop, owner, content) == [
        (
            2,
            "D (Prix TTC)",
            "deux euros",
            "ce n'est pas un prix (exemples acceptés : 2,50 — 2.50 — 2,50 €)",
        ),
        (3, "D (Prix TTC)", "-2,00", "un prix ne peut pas être négatif"),
        (4, "D (Prix TTC)", "1,205", "un prix a au plus deux chiffres après la virgule"),
        (
            4,
            "E (Qté)",
            "-3",
            "le stock ne peut pas être négatif (mettez 0 si l'article est épuisé)",
        ),
        (5, "D (Prix TTC)", "0", "le prix doit être supérieur à 0"),
        (5, "E (Qté)", "2,5", "le stock doit être un nombre entier"),
    ]


def test_duplicate_skus_and_barcodes_name_the_first_line(shop, owner):
    content = csv_bytes(
        [
            HEADER,
            ["A1", "3017620422003", "Pâte à tartiner", "4,20", "5"],
            ["A2", "", "Confiture", "3", "5"],
            ["A1", "", "Miel", "6", "5"],
            ["A3", "3017620422003", "Autre", "1", "1"],
        ]
    )
    assert errors(shop, owner, content) == [
        (
            4,
            "A (Référence)",
            "A1",
            "référence « A1 » déjà présente ligne 2 (chaque article une seule fois)",
        ),
        (
            5,
            "B (EAN)",
            "3017620422003",
            "code-barres déjà présent ligne 2 (chaque article une seule fois)",
        ),
    ]


def test_mixed_delimiters_and_extra_cells_are_reported_by_line(shop, owner):
    content = b"nom;prix;stock\r\nPain;1,20;5\r\nBaguette,1.10,8\r\nTarte;12;3;au citron\r\n"
    found = errors(shop, owner, content)
    assert found == [
        (
            3,
            "",
            "",
            "Cette ligne est séparée par des « virgule » alors que le fichier utilise "
            "des « point-virgule ».",
        ),
        (
            4,
            "",
            "",
            "4 valeurs pour 3 colonnes : une valeur contient sans doute un « point-virgule » ; "
            "mettez-la entre guillemets.",
        ),
    ]


def test_formulas_are_refused_unless_the_spreadsheet_computed_them(shop, owner):
    content = csv_bytes([["Désignation", "Prix TTC"], ["Pain", "=B1*1,2"]])
    assert "c'est une formule, pas une valeur" in errors(shop, owner, content)[0][3]
    computed_never = xlsx_bytes(
        [["Désignation", "Prix TTC", "Base"], ["Pain", None, 1]], formulas={"B2": "=C2*1.2"}
    )
    (line, column, value, message) = errors(shop, owner, computed_never)[0]
    assert (line, column, value) == (2, "B (Prix TTC)", "=C2*1.2")
    assert message.startswith("formule sans valeur calculée")
    computed = ods_bytes([["Désignation", "Prix TTC"], ["Pain", ("formula", "of:=1.2*2", 2.4)]])
    assert rows(shop, owner, computed)[0].price_cents == 240


def test_csv_injection_in_a_name_is_refused(shop, owner):
    content = csv_bytes(
        [["Désignation", "Prix TTC"], ["=cmd|' /C calc'!A0", "1"], ["'-20% lessive", "3"]]
    )
    found = errors(shop, owner, content)
    assert found == [
        (
            2,
            "A (Désignation)",
            "=cmd|' /C calc'!A0",
            "une formule ou une commande (« = » au début) n'est pas acceptée dans un texte",
        )
    ]


def test_barcodes_damaged_by_excel_and_wrong_keys_are_explained(shop, owner):
    content = csv_bytes(
        [
            ["EAN", "Désignation", "Prix"],
            ["3,01762E+12", "Pâte", "4"],
            ["3017620422004", "Pâte", "4"],
            ["12345", "X", "1"],
        ]
    )
    messages = [message for _line, _col, _value, message in errors(shop, owner, content)]
    assert messages[0].startswith("code-barres abîmé par le tableur (notation scientifique)")
    assert messages[1] == "la clé de contrôle (dernier chiffre) est fausse : faute de frappe ?"
    assert messages[2] == "un code-barres a 8, 12, 13 ou 14 chiffres (celui-ci en a 5)"


def test_missing_name_for_an_unknown_barcode_and_missing_price_for_a_new_article(shop, owner):
    content = csv_bytes(
        [["EAN", "Désignation", "Prix"], ["4006381333931", "", "2"], ["", "Pain", ""]]
    )
    assert errors(shop, owner, content) == [
        (
            2,
            "B (Désignation)",
            "",
            "désignation manquante (le code-barres n'est pas dans le catalogue de référence)",
        ),
        (3, "C (Prix)", "", "prix manquant : il est nécessaire pour un nouvel article"),
    ]


def test_a_title_above_the_table_is_skipped_and_headers_are_mapped(shop, owner):
    content = csv_bytes(
        [
            ["Inventaire au 12/03/2025", "", ""],
            ["", "", ""],
            ["Libellé", "Code-barres", "PV TTC", "Stock réel"],
            ["Pain", "", "1,20", "4"],
        ]
    )
    job = import_upload(shop=shop, user=owner, filename="inventaire.csv", content=content)
    assert job.header_line == 3 and job.row_count == 1
    assert job.mapping == {"name": 0, "gtin": 1, "price": 2, "stock": 3}
    assert rows(shop, owner, content)[0].stock == 4


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (["Désignation", "Prix TTC", "EAN", "Qté"], {"name": 0, "price": 1, "gtin": 2, "stock": 3}),
        (
            ["libelle", "code barre", "prix de vente", "quantité", "référence"],
            {"name": 0, "gtin": 1, "price": 2, "stock": 3, "sku": 4},
        ),
        (
            ["Product name", "Barcode", "Price", "Quantity", "SKU", "Brand"],
            {"name": 0, "gtin": 1, "price": 2, "stock": 3, "sku": 4, "brand": 5},
        ),
        (["Nom", "Prix HT", "Prix TTC"], {"name": 0, "price": 2}),
        (["Article", "Prix d'achat", "Tarif"], {"name": 0, "price": 2}),
    ],
)
def test_headers_are_recognised_in_french_and_english(headers, expected):
    assert guess_mapping(headers) == expected


def test_html_in_names_is_kept_as_text_and_escaped_on_the_page(shop, owner, merchant):
    from cabas.backoffice.imports.services import import_run

    from .conftest import shop_url

    content = csv_bytes([["Désignation", "Prix TTC"], ["<script>alert(1)</script> Comté", "12"]])
    job = import_start(job=import_upload(shop=shop, user=owner, filename="x.csv", content=content))
    import_run(job_id=job.pk)
    assert Product.objects.get().name == "<script>alert(1)</script> Comté"
    page = merchant.get(shop_url("catalogue", shop)).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Comté" in page
    assert "<script>alert(1)" not in page


def test_ods_with_repeated_empty_rows_and_columns_reads_only_the_filled_cells(shop, owner):
    content = ods_bytes(
        [["Désignation", "Prix TTC", "Stock"], ["Pain  de mie", 2.5, 4]],
        trailing_empty_rows=1_048_000,
    )
    parsed = rows(shop, owner, content)
    assert [(r.name, r.price_cents, r.stock) for r in parsed] == [("Pain de mie", 250, 4)]


def test_a_duplicate_of_a_line_that_has_other_errors_is_reported_too(shop, owner):
    content = csv_bytes([HEADER, ["A1", "", "Pain", "deux", "3"], ["A1", "", "Brioche", "2", "1"]])
    found = [(line, message) for line, _column, _value, message in errors(shop, owner, content)]
    assert found == [
        (2, "ce n'est pas un prix (exemples acceptés : 2,50 — 2.50 — 2,50 €)"),
        (3, "référence « A1 » déjà présente ligne 2 (chaque article une seule fois)"),
    ]

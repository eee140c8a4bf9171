"""A spreadsheet from upload to online, through the pages a merchant uses and the worker."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cabas.backoffice.imports.services import IMPORT_TASK, import_run, import_start, import_upload
from cabas.backoffice.models import ImportJob
from cabas.catalog.models import Offer, Product, StockMovement
from cabas.factories import OfferFactory, ProductFactory
from cabas.search.models import SearchDocument
from cabas.tasks.models import Task
from cabas.tasks.services import tasks_drain

from .conftest import shop_url
from .spreadsheets import csv_bytes, ods_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db(transaction=True)

CATALOGUE = [
    ["Réf.", "Libellé", "Code-barres", "Prix de vente TTC", "Qté", "Commentaire"],
    ["B-001", "Baguette tradition", "", "1,20 €", "40", "cuite sur place"],
    ["B-002", "Croissant pur beurre", "", "1,35", "", ""],
    ["E-003", "", "3000000000014", "1,10", "12", "nom depuis Open Food Facts"],
]


def upload(merchant, shop, content: bytes, name: str):
    response = merchant.post(
        shop_url("import_upload", shop), {"file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportJob.objects.latest("pk")


def run_worker():
    return tasks_drain(worker_id="test")


def test_csv_from_upload_to_online(shop, merchant, owner):
    job = upload(merchant, shop, csv_bytes(CATALOGUE), "caisse.csv")
    assert job.mapping == {"sku": 0, "name": 1, "gtin": 2, "price": 3, "stock": 4}
    page = merchant.get(shop_url("import_job", shop, job_id=job.pk)).content.decode()
    assert "Aucune erreur : 3 nouveaux articles, 0 mis à jour." in page
    assert "Baguette (Open Food Facts)" in page.replace("</span>", "").replace(
        '<span class="muted">', ""
    )
    response = merchant.post(shop_url("import_start", shop, job_id=job.pk))
    assert response["Location"] == shop_url("import_progress", shop, job_id=job.pk)
    # Before the worker runs: queued, with a progress bar polled by htmx
    fragment = merchant.get(
        shop_url("import_progress", shop, job_id=job.pk), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "En file d'attente" in fragment and 'hx-trigger="every 1s"' in fragment
    assert not Offer.objects.exists()
    assert run_worker() == 2  # the import, then the alert matching of its new offers
    fragment = merchant.get(
        shop_url("import_progress", shop, job_id=job.pk), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Import terminé : 3 nouveaux articles en ligne, 0 mis à jour, 0 inchangés." in fragment
    assert "hx-trigger" not in fragment
    offers = {o.sku: o for o in Offer.objects.select_related("product")}
    assert offers["B-001"].product.name == "Baguette tradition" and offers["B-001"].stock == 40
    assert offers["B-002"].stock is None and offers["B-002"].price_cents == 135
    assert (
        offers["E-003"].product.name == "Baguette"
        and offers["E-003"].product.gtin == "3000000000014"
    )
    movements = StockMovement.objects.order_by("offer__sku").values_list(
        "offer__sku", "delta", "reason", "actor_id"
    )
    assert list(movements) == [("B-001", 40, "import", owner.pk), ("E-003", 12, "import", owner.pk)]
    job.refresh_from_db()
    assert job.status == "done" and bytes(job.content) == b""
    # Indexed for search after commit
    assert SearchDocument.objects.filter(product__offers__shop=shop).count() == 3


def test_reimport_updates_by_sku_or_barcode_and_can_retire_what_is_missing(
    shop, merchant, owner, territory
):
    shared = ProductFactory(
        territory=territory, name="Pâte à tartiner", gtin="3017620422003", source="openfoodfacts"
    )
    by_gtin = OfferFactory(shop=shop, sku="ANCIEN", product=shared, price_cents=400, stock=10)
    kept = OfferFactory(
        shop=shop,
        sku="B-001",
        product__name="Baguette",
        product__source=f"shop:{shop.pk}",
        price_cents=100,
        stock=5,
    )
    missing = OfferFactory(shop=shop, sku="OLD-9", product__name="Vieux produit", stock=3)
    content = csv_bytes(
        [
            ["Référence", "EAN", "Désignation", "Prix TTC", "Stock"],
            ["B-001", "", "Baguette tradition", "1,20", "2"],
            ["P-77", "3017620422003", "Nutella", "4,50", "15"],
        ]
    )
    job = upload(merchant, shop, content, "mise-a-jour.csv")
    merchant.post(
        shop_url("import_job", shop, job_id=job.pk),
        {**{f"map_{k}": str(v) for k, v in job.mapping.items()}, "deactivate_missing": "on"},
    )
    page = merchant.get(shop_url("import_job", shop, job_id=job.pk)).content.decode()
    assert "0 nouveaux articles, 2 mis à jour." in page and "retirés de la vente" in page
    merchant.post(shop_url("import_start", shop, job_id=job.pk))
    run_worker()
    job.refresh_from_db()
    assert (job.created_count, job.updated_count, job.deactivated_count) == (0, 2, 1)
    kept.refresh_from_db()
    by_gtin.refresh_from_db()
    missing.refresh_from_db()
    assert (kept.price_cents, kept.stock, kept.product.name) == (120, 2, "Baguette tradition")
    # Matched by barcode: takes the file's SKU; the shared product keeps its reference name
    assert (by_gtin.sku, by_gtin.price_cents, by_gtin.stock) == ("P-77", 450, 15)
    assert Product.objects.get(pk=shared.pk).name == "Pâte à tartiner"
    assert not missing.is_active
    assert sorted(StockMovement.objects.values_list("offer__sku", "delta")) == [
        ("B-001", -3),
        ("P-77", 5),
    ]
    # Untracked offers start counting: "" then 0 and 5 in the next file
    OfferFactory(shop=shop, sku="U-0", stock=None)
    OfferFactory(shop=shop, sku="U-5", stock=None)
    extra = csv_bytes(
        [
            ["Référence", "Désignation", "Prix TTC", "Stock"],
            ["U-0", "", "", "0"],
            ["U-5", "", "", "5"],
        ]
    )
    summary = import_run(
        job_id=import_start(
            job=import_upload(shop=shop, user=owner, filename="u.csv", content=extra)
        ).pk
    )
    assert summary is not None and summary.updated == 2
    assert dict(Offer.objects.filter(sku__startswith="U-").values_list("sku", "stock")) == {
        "U-0": 0,
        "U-5": 5,
    }
    assert StockMovement.objects.filter(offer__sku__startswith="U-").count() == 1
    StockMovement.objects.filter(offer__sku__startswith="U-").delete()
    # Importing the same file again changes nothing
    job2 = import_start(
        job=import_upload(shop=shop, user=owner, filename="bis.csv", content=content)
    )
    summary = import_run(job_id=job2.pk)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 2)
    assert StockMovement.objects.count() == 2


def test_xlsx_and_ods_imports_read_numbers_and_text(shop, merchant):
    rows = [
        ["Désignation", "EAN", "Prix TTC", "Stock", "En vente"],
        ["Savon", 3760091720016, 4.5, 3, "oui"],
        ["Bougie", None, 12, 0, "non"],
    ]
    job = upload(merchant, shop, xlsx_bytes(rows), "produits.xlsx")
    assert job.file_format == "xlsx"
    merchant.post(shop_url("import_start", shop, job_id=job.pk))
    run_worker()
    savon = Offer.objects.get(product__name="Savon")
    assert (savon.product.gtin, savon.price_cents, savon.stock, savon.is_active) == (
        "3760091720016",
        450,
        3,
        True,
    )
    assert Offer.objects.get(product__name="Bougie").is_active is False
    job = upload(
        merchant,
        shop,
        ods_bytes([["Désignation", "Prix TTC", "Stock"], ["Savon noir", 6.9, 2]]),
        "produits.ods",
    )
    assert job.file_format == "ods"
    merchant.post(shop_url("import_start", shop, job_id=job.pk))
    run_worker()
    assert Offer.objects.get(product__name="Savon noir").price_cents == 690


def test_mapping_can_be_changed_and_a_column_cannot_serve_twice(shop, merchant):
    content = csv_bytes([["Colonne 1", "Colonne 2", "Colonne 3"], ["Pain", "1,20", "8"]])
    job = upload(merchant, shop, content, "sans-entetes.csv")
    assert job.mapping == {}
    page = merchant.get(shop_url("import_job", shop, job_id=job.pk)).content.decode()
    assert "Choisissez la colonne du prix" in page
    response = merchant.post(
        shop_url("import_job", shop, job_id=job.pk), {"map_name": "0", "map_price": "0"}
    )
    assert response.status_code == 400
    assert "Cette colonne est déjà choisie pour « Désignation »." in response.content.decode()
    merchant.post(
        shop_url("import_job", shop, job_id=job.pk),
        {"map_name": "0", "map_price": "1", "map_stock": "2"},
    )
    job.refresh_from_db()
    assert job.mapping == {"name": 0, "price": 1, "stock": 2}
    assert (
        "1 nouveaux articles"
        in merchant.get(shop_url("import_job", shop, job_id=job.pk)).content.decode()
    )


def test_an_import_whose_file_became_invalid_meanwhile_writes_nothing(shop, owner):
    content = csv_bytes(
        [
            ["Référence", "EAN", "Désignation", "Prix TTC"],
            ["X-1", "3017620422003", "Pâte", "4"],
            ["X-2", "", "Brioche", "2"],
        ]
    )
    job = import_start(job=import_upload(shop=shop, user=owner, filename="a.csv", content=content))
    assert job.status == "queued" and Task.objects.filter(name=IMPORT_TASK).count() == 1
    # Before the worker runs, someone creates X-1 by hand with another barcode.
    OfferFactory(shop=shop, sku="X-1", product__gtin="3760091720016")
    import_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.errors == [
        {
            "line": 2,
            "column": "B (EAN)",
            "value": "3017620422003",
            "message": "la référence « X-1 » est déjà associée au code-barres 3760091720016",
        }
    ]
    assert Offer.objects.count() == 1 and not StockMovement.objects.exists()


def test_double_click_on_start_queues_one_task(shop, merchant):
    job = upload(merchant, shop, csv_bytes(CATALOGUE), "caisse.csv")
    merchant.post(shop_url("import_start", shop, job_id=job.pk))
    merchant.post(shop_url("import_start", shop, job_id=job.pk))
    assert Task.objects.filter(name=IMPORT_TASK).count() == 1
    run_worker()
    assert Offer.objects.count() == 3


def test_an_import_left_half_way_by_a_dead_worker_is_taken_up_again(shop, owner):
    import datetime as dt

    from django.utils import timezone

    content = csv_bytes([["Désignation", "Prix TTC"], ["Pain", "1"]])
    job = import_start(job=import_upload(shop=shop, user=owner, filename="a.csv", content=content))
    ImportJob.objects.filter(pk=job.pk).update(status="writing", updated_at=timezone.now())
    assert import_run(job_id=job.pk) is None  # still running elsewhere
    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - dt.timedelta(minutes=11))
    assert import_run(job_id=job.pk).created == 1
    assert import_run(job_id=job.pk) is None  # done: never twice
    assert Offer.objects.count() == 1


def test_inline_edit_never_redirects_off_site(shop, merchant):
    offer = OfferFactory(shop=shop)
    response = merchant.post(
        shop_url("offer_edit", shop, offer_id=offer.pk),
        {"price": "2", "stock": "1", "next": "https://evil.example/"},
    )
    assert response["Location"] == shop_url("catalogue", shop)

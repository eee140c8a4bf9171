"""The offers table, inline edit, new offers from a barcode, photos."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from cabas.catalog.models import Offer, Product, StockMovement
from cabas.factories import OfferFactory, ProductFactory, ShopFactory

from .conftest import shop_url

pytestmark = pytest.mark.django_db


def test_catalogue_lists_searches_and_filters_the_shops_offers(shop, merchant, offer, other_shop):
    OfferFactory(shop=shop, sku="THE-1", product__name="Thé vert", stock=0)
    OfferFactory(
        shop=shop, sku="MIEL", product__name="Miel de lavande", stock=None, is_active=False
    )
    OfferFactory(shop=other_shop, product__name="Comté d'ailleurs")
    url = shop_url("catalogue", shop)
    page = merchant.get(url).content.decode()
    assert "Café moulu" in page and "Thé vert" in page and "Comté d&#x27;ailleurs" not in page
    assert "Thé vert" not in merchant.get(url, {"q": "café"}).content.decode()
    assert "Café moulu" in merchant.get(url, {"q": "3017620422003"}).content.decode()
    out = merchant.get(url, {"stock": "out"}).content.decode()
    assert "Thé vert" in out and "Café moulu" not in out
    assert "Miel de lavande" in merchant.get(url, {"status": "inactive"}).content.decode()
    assert "Miel de lavande" in merchant.get(url, {"stock": "untracked"}).content.decode()


def test_catalogue_page_queries_do_not_grow_with_the_offers(shop, merchant):
    url = shop_url("catalogue", shop)
    OfferFactory.create_batch(3, shop=shop)
    with CaptureQueriesContext(connection) as few:
        merchant.get(url)
    OfferFactory.create_batch(30, shop=shop)
    with CaptureQueriesContext(connection) as many:
        merchant.get(url)
    assert len(many) == len(few)


def test_inline_edit_with_htmx_swaps_the_row_and_records_a_manual_movement(
    shop, merchant, offer, owner
):
    response = merchant.post(
        shop_url("offer_edit", shop, offer_id=offer.pk),
        {"price": "4,90 €", "stock": "15", "is_active": "on"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200 and html.strip().startswith(f'<tr id="offre-{offer.pk}"')
    assert "Enregistré" in html and 'value="4,90"' in html
    offer.refresh_from_db()
    assert (offer.price_cents, offer.stock, offer.is_active) == (490, 15, True)
    movement = StockMovement.objects.get()
    assert (movement.delta, movement.reason, movement.actor_id) == (3, "manual", owner.pk)


def test_inline_edit_without_javascript_redirects_back(shop, merchant, offer):
    url = shop_url("catalogue", shop) + "?q=caf"
    response = merchant.post(
        shop_url("offer_edit", shop, offer_id=offer.pk), {"price": "4,50", "stock": "", "next": url}
    )
    assert response.status_code == 302 and response["Location"] == url
    offer.refresh_from_db()
    assert offer.stock is None and not offer.is_active


def test_inline_edit_errors_stay_in_the_row_and_nothing_changes(shop, merchant, offer):
    response = merchant.post(
        shop_url("offer_edit", shop, offer_id=offer.pk),
        {"price": "gratuit", "stock": "-2", "is_active": "on"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "Ce n&#x27;est pas un prix" in html
    assert "Le stock ne peut pas être négatif" in html
    assert f'aria-describedby="id_offer{offer.pk}_price-erreur"' in html
    offer.refresh_from_db()
    assert (offer.price_cents, offer.stock) == (450, 12)
    assert not StockMovement.objects.exists()


def test_new_offer_from_a_barcode_another_shop_already_sells_reuses_its_product(
    shop, merchant, territory
):
    other = ShopFactory(territory=territory)
    product = ProductFactory(
        territory=territory, name="Farine T65", brand="Moulin", gtin="3256540001305"
    )
    OfferFactory(shop=other, product=product)
    url = shop_url("offer_new", shop)
    page = merchant.get(url, {"gtin": "3256540001305"}).content.decode()
    assert "Farine T65" in page and "indiquez seulement votre prix" in page
    response = merchant.post(url, {"gtin": "3256540001305", "price": "2,10", "stock": "8"})
    assert response.status_code == 302
    offer = Offer.objects.get(shop=shop)
    assert offer.product == product and offer.price_cents == 210 and offer.stock == 8
    assert offer.sku == "3256540001305"
    assert Product.objects.filter(gtin="3256540001305").count() == 1
    assert StockMovement.objects.get(offer=offer).reason == "manual"


def test_new_offer_from_the_bundled_open_food_facts_data_fills_name_and_image(shop, merchant):
    url = shop_url("offer_new", shop)
    # First line of data/products_off_fr_5000.csv
    page = merchant.get(url, {"gtin": "3000000000014"}).content.decode()
    assert "Baguette" in page and "Open Food Facts" in page
    merchant.post(url, {"gtin": "3000000000014", "price": "1,10"})
    product = Offer.objects.get(shop=shop).product
    assert product.name == "Baguette" and product.image_url.startswith(
        "https://static.openfoodfacts.org/"
    )
    assert product.source == "openfoodfacts"


def test_new_offer_refuses_a_mistyped_barcode_and_an_unknown_one_without_name(shop, merchant):
    url = shop_url("offer_new", shop)
    page = merchant.get(url, {"gtin": "3000000000015"}).content.decode()
    assert "la clé de contrôle (dernier chiffre) est fausse" in page
    response = merchant.post(url, {"gtin": "4006381333931", "price": "3"})
    assert response.status_code == 400 and "Indiquez le nom du produit" in response.content.decode()
    response = merchant.post(url, {"gtin": "", "name": "=cmd|' /C calc'!A0", "price": "3"})
    assert "ne peut pas commencer par" in response.content.decode()
    assert not Offer.objects.exists()


def _image(fmt="PNG", size=(2400, 1600)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


def test_photo_upload_is_resized_to_a_jpeg(shop, merchant, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    offer = OfferFactory(shop=shop, product__source=f"shop:{shop.pk}")
    response = merchant.post(
        shop_url("offer_photo", shop, offer_id=offer.pk),
        {"photo": SimpleUploadedFile("photo.png", _image(), content_type="image/png")},
    )
    assert response.status_code == 302
    offer.product.refresh_from_db()
    assert offer.product.image_url.startswith("http://testserver/media/products/")
    stored = next(tmp_path.rglob("*.jpg"))
    with Image.open(stored) as image:
        assert image.format == "JPEG" and max(image.size) == 1000


def test_photo_upload_refuses_a_renamed_file_and_a_shared_reference(
    shop, merchant, offer, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    own = OfferFactory(shop=shop, product__source=f"shop:{shop.pk}")
    response = merchant.post(
        shop_url("offer_photo", shop, offer_id=own.pk),
        {
            "photo": SimpleUploadedFile(
                "photo.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg"
            )
        },
    )
    assert response.status_code == 400
    assert "pas une image lisible" in response.content.decode()
    Product.objects.filter(pk=offer.product_id).update(image_url="https://example.org/ref.jpg")
    response = merchant.post(
        shop_url("offer_photo", shop, offer_id=offer.pk),
        {
            "photo": SimpleUploadedFile(
                "photo.jpg", _image("JPEG", (50, 50)), content_type="image/jpeg"
            )
        },
    )
    assert "photo de référence partagée" in response.content.decode()
    assert not list(tmp_path.rglob("*.jpg"))


def test_export_escapes_formula_cells_and_reimports(shop, merchant, offer):
    OfferFactory(
        shop=shop,
        sku="=HYPERLINK(1)",
        product__name="=cmd|' /C calc'!A0",
        price_cents=199,
        stock=None,
    )
    response = merchant.get(shop_url("catalogue_export", shop))
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith(
        "\ufeffRéférence;EAN;Désignation;Marque;Contenance;Prix TTC;Stock;En vente\r\n"
    )
    assert "CAFE-250;3017620422003;Café moulu;Torréfacteur;;4,50;12;oui" in body
    assert "'=HYPERLINK(1);;'=cmd|' /C calc'!A0;;;1,99;;oui" in body
    assert (
        response["Content-Disposition"] == 'attachment; filename="catalogue-epicerie-du-port.csv"'
    )


def test_an_untracked_offer_starts_counting_at_zero_without_a_movement(shop, merchant):
    honey = OfferFactory(shop=shop, stock=None)
    merchant.post(
        shop_url("offer_edit", shop, offer_id=honey.pk),
        {"price": "5", "stock": "0", "is_active": "on"},
    )
    honey.refresh_from_db()
    assert honey.stock == 0 and not StockMovement.objects.exists()
    merchant.post(
        shop_url("offer_edit", shop, offer_id=honey.pk),
        {"price": "5", "stock": "", "is_active": "on"},
    )
    merchant.post(
        shop_url("offer_edit", shop, offer_id=honey.pk),
        {"price": "5", "stock": "6", "is_active": "on"},
    )
    honey.refresh_from_db()
    assert honey.stock == 6
    assert list(StockMovement.objects.values_list("delta", "stock_after")) == [(6, 6)]

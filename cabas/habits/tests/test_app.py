"""The installable app: manifest per territory, icons, service worker, offline page."""

import io
import json

import pytest
from django.urls import reverse
from PIL import Image

from cabas.factories import OfferFactory, TerritoryFactory, UserFactory

from .helpers import order_for


@pytest.mark.django_db
def test_manifest_names_the_territory_with_its_colour_and_start_url(client, territory):
    territory.primary_colour = "#1d5e3a"
    territory.save()
    response = client.get(f"/{territory.slug}/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "Cabas — Ville-sur-Test"
    assert manifest["start_url"].startswith(f"/{territory.slug}/")
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"].startswith("#")
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        image = client.get(icon["src"])
        assert image.status_code == 200 and image["Content-Type"] == "image/png"
        with Image.open(io.BytesIO(image.content)) as png:
            assert png.format == "PNG" and f"{png.width}x{png.height}" == icon["sizes"]
    assert client.get("/inconnu/manifest.webmanifest").status_code == 404
    assert client.get(f"/{territory.slug}/icones/any-100.png").status_code == 404


@pytest.mark.django_db
def test_pages_link_the_manifest_and_load_the_worker_from_a_file(client, territory):
    page = client.get(reverse("web:territory_home", args=[territory.slug])).content.decode()
    assert f'<link rel="manifest" href="/{territory.slug}/manifest.webmanifest">' in page
    assert 'src="/static/habits/pwa.js" data-worker="/sw.js"' in page
    worker = client.get("/sw.js")
    assert worker.status_code == 200
    assert worker["Content-Type"].startswith("text/javascript")
    assert worker["Service-Worker-Allowed"] == "/"
    body = worker.content.decode()
    assert '"/static/web/cabas.css"' in body and "hors-ligne" in body


@pytest.mark.django_db
def test_offline_page_lists_only_my_upcoming_pickups_with_their_codes(
    client, territory, shopper, other_shopper, fromagerie
):
    offer = OfferFactory(shop=fromagerie, stock=10)
    mine = order_for(shopper, offer)
    theirs = order_for(other_shopper, offer)
    url = reverse("habits:offline", args=[territory.slug])

    anonymous = client.get(url).content.decode()
    assert "Connectez-vous une fois" in anonymous and mine.pickup_code not in anonymous
    client.force_login(shopper)
    response = client.get(url)
    page = response.content.decode()
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert mine.pickup_code in page and "Fromagerie du Marché" in page
    assert f"Commande n° {mine.pk}" in page and f"Commande n° {theirs.pk}" not in page
    elsewhere = TerritoryFactory(slug="ailleurs")
    other_page = client.get(reverse("habits:offline", args=[elsewhere.slug])).content.decode()
    assert mine.pickup_code not in other_page


@pytest.mark.django_db
def test_alert_from_the_product_page_and_its_bad_inputs(client, territory, shopper, sold_out):
    product_url = reverse("web:product_detail", args=[territory.slug, sold_out.product_id])
    alerts_url = reverse("habits:alerts", args=[territory.slug])
    assert "Connectez-vous pour créer une alerte" in client.get(product_url).content.decode()
    client.force_login(shopper)
    assert "M’avertir" in client.get(product_url).content.decode()

    response = client.post(
        alerts_url, {"product": sold_out.product_id, "next": product_url}, follow=True
    )
    assert response.redirect_chain[-1][0] == product_url
    assert "Alerte active" in response.content.decode()

    for data, message in [
        ({"product": 999999}, "Ce produit n"),
        ({"q": ""}, "Indiquez ce que vous cherchez."),
        ({"q": "pain", "radius": "5"}, "Indiquez un code postal pour limiter la distance."),
        ({"q": "pain", "radius": "500"}, "Sélectionnez un choix valide"),
        ({"q": "x"}, "Indiquez au moins deux lettres."),
    ]:
        response = client.post(alerts_url, data)
        assert response.status_code == 400, data
        assert message in response.content.decode(), message
    from cabas.habits.models import AvailabilityAlert

    assert AvailabilityAlert.objects.count() == 1
    alert = AvailabilityAlert.objects.get()
    intruder = UserFactory()
    client.force_login(intruder)
    stop = reverse("habits:alert_stop", args=[territory.slug, alert.pk])
    assert "Cette alerte n" in client.post(stop, follow=True).content.decode()
    alert.refresh_from_db()
    assert alert.is_active


@pytest.mark.django_db
def test_offline_page_and_alerts_page_in_english(client, territory, shopper):
    client.force_login(shopper)
    page = client.get(f"/en/{territory.slug}/hors-ligne/").content.decode()
    assert "My next pickups" in page
    assert f'data-offline="/en/{territory.slug}/hors-ligne/"' in page
    alerts = client.get(f"/en/{territory.slug}/alertes/").content.decode()
    assert "My alerts" in alerts and "Receive the weekly letter of my shops" in alerts

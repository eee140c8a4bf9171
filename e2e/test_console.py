"""An operator's journey in a real browser: approve a shop, brand the territory, announce,
read the reports; and a resident reads the impact page."""

import datetime as dt
import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from cabas.backoffice.models import JoinRequest
from cabas.console.tests.fixtures import make_order
from cabas.factories import (
    ShopFactory,
    ShopMembershipFactory,
    TerritoryFactory,
    TerritoryMembershipFactory,
    UserFactory,
)
from cabas.shops.models import ShopStatus
from cabas.tasks.services import tasks_drain

PASSWORD = "motdepasse-solide-42"  # noqa: S105 (test account)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_operator_approves_a_shop_brands_the_town_and_reads_the_reports(live_server, page):
    # Given a territory, its operator, a pending shop and a few orders of another shop
    territory = TerritoryFactory(slug="rennes", name="Rennes", primary_colour="#1d5e3a")
    operator = UserFactory(email="operatrice@rennes.example", password=PASSWORD)
    TerritoryMembershipFactory(territory=territory, user=operator)
    candidate = UserFactory(email="fleuriste@rennes.example", password=PASSWORD)
    pending = ShopFactory(
        territory=territory, name="Fleurs du Thabor", slug="fleurs", status=ShopStatus.PENDING
    )
    ShopMembershipFactory(shop=pending, user=candidate)
    JoinRequest.objects.create(
        territory=territory, shop=pending, user=candidate, kind=JoinRequest.Kind.CREATE
    )
    baker = ShopFactory(territory=territory, name="Boulangerie des Lices")
    now = dt.datetime.now(dt.UTC)
    for cents in (1200, 2450, 830):
        make_order(shop=baker, created_at=now - dt.timedelta(days=2), subtotal_cents=cents)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    # When the operator signs in from the footer's link
    page.goto(live_server.url + "/rennes/")
    page.get_by_role("link", name="Espace opérateur").click()
    page.get_by_label("Adresse e-mail").fill(operator.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("connecter", re.I)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Console de Rennes")

    # And accepts the florist's request with a word of welcome
    nav = page.get_by_role("navigation", name="Console du territoire")
    nav.get_by_role("link", name=re.compile("^Demandes")).click()
    page.get_by_role("link", name="Fleurs du Thabor").click()
    page.get_by_label("Message au commerçant").fill("Bienvenue sur Rennes !")
    page.get_by_role("button", name="Accepter").click()
    expect(page.get_by_role("status")).to_contain_text("Demande acceptée")

    # Then the merchant is told once the worker runs, and the shop is online
    tasks_drain()
    assert [m.to for m in mail.outbox] == [[candidate.email]]
    pending.refresh_from_db()
    assert pending.status == ShopStatus.APPROVED

    # When the operator changes the colour and publishes an announcement
    nav.get_by_role("link", name="Réglages").click()
    page.get_by_label("Couleur principale").fill("#7a1f5c")
    page.get_by_role("button", name="Enregistrer").first.click()
    expect(page.get_by_role("status")).to_contain_text("Réglages enregistrés")
    nav.get_by_role("link", name="Annonces").click()
    page.get_by_label("Message").fill("Marché de Noël place des Lices samedi")
    page.get_by_role("button", name="Publier").click()
    expect(page.get_by_role("status")).to_contain_text("Annonce publiée")

    # And opens the reports: a chart with its table, and the totals of the three orders
    nav.get_by_role("link", name="Rapports").click()
    expect(page.get_by_role("img", name="Ventes par semaine")).to_be_visible()
    expect(page.locator("#table-semaines tfoot")).to_contain_text("44,80")
    expect(page.locator("#table-commerces")).to_contain_text("Boulangerie des Lices")

    # Then residents see the new colour and the announcement on the home page
    page.goto(live_server.url + "/rennes/")
    expect(page.get_by_label("Annonces")).to_contain_text("Marché de Noël place des Lices")
    header = page.eval_on_selector(".site-header", "el => getComputedStyle(el).backgroundColor")
    assert header == "rgb(122, 31, 92)"

    # And the impact page, reached from the footer, explains what it holds
    page.get_by_role("link", name="Impact et données ouvertes").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rennes")
    expect(page.get_by_role("img", name="Commandes par mois")).to_be_visible()
    expect(page.get_by_role("link", name="Télécharger en JSON")).to_be_visible()
    assert errors == []

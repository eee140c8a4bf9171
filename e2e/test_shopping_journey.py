"""The shopping journey in a real browser, from a search to the emails.

A shopper fills one cart at two shops of the town, picks a pickup slot for each,
confirms as a guest; each merchant sees only its own order on the back-office
board, accepts it and marks it ready; the shopper gets an email at every step.
The live server runs in this process with the locmem email backend: the queue is
drained here (``tasks_drain``) and the emails read from ``mailoutbox``.
"""

import re

import pytest
from playwright.sync_api import expect

from cabas.factories import (
    OfferFactory,
    ShopFactory,
    ShopMembershipFactory,
    TerritoryFactory,
    UserFactory,
)
from cabas.orders.models import Checkout, Order, OrderStatus
from cabas.search.services import search_index_rebuild
from cabas.tasks.services import tasks_drain

from .conftest import EXTERNAL

PASSWORD = "motdepasse-solide-42"  # noqa: S105 (test account)
SHOPPER = {"email": "claire@example.org", "phone": "06 12 34 56 78", "name": "Claire Martin"}


def add_to_cart(page, product: str, quantity: int) -> None:
    page.get_by_label(f"Quantité ({product})").fill(str(quantity))
    page.get_by_role("button", name=f"Ajouter au panier ({product})").click()
    expect(page.get_by_role("status").filter(has_text=product)).to_contain_text(
        f"« {product} » est dans votre panier (quantité : {quantity})"
    )


def search_and_open(page, box_label: str, words: str, product: str, shop_name: str) -> None:
    """Search from a search box, open the product found at that shop."""
    page.get_by_label(box_label).fill(words)
    page.get_by_label(box_label).press("Enter")
    expect(page).to_have_url(re.compile(r"/ville/recherche/\?"))
    hit = page.locator("#resultats li").filter(has_text=shop_name).filter(has_text=product)
    hit.get_by_role("link", name=product).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(product)
    seller = page.locator("li.offer").filter(has_text=shop_name)
    expect(seller.locator(".ready")).to_contain_text(re.compile(r"Prêt (aujourd'hui|demain) dès"))


def choose_second_slot(page, shop_name: str) -> str:
    """Pick the second free slot of this shop's part of the cart; returns its value."""
    section = page.locator("section.card").filter(
        has=page.get_by_role("heading", level=2, name=shop_name)
    )
    slots = section.get_by_label("Créneau")
    value = slots.locator("option").nth(2).get_attribute("value")
    slots.select_option(value)
    section.get_by_role("button", name="Enregistrer ce choix").click()
    section = page.locator("section.card").filter(
        has=page.get_by_role("heading", level=2, name=shop_name)
    )
    expect(section.get_by_label("Créneau")).to_have_value(value)
    return value


def merchant_marks_ready(browser, base_url: str, owner_email: str, shop, own, other) -> None:
    """The owner signs in, finds only its order on the board, accepts it, marks it ready."""
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    context.route(EXTERNAL, lambda route: route.abort())
    context.set_default_timeout(10_000)
    page = context.new_page()
    board_url = f"/espace-commercant/{shop.territory.slug}/{shop.slug}/commandes/"
    page.goto(f"{base_url}/compte/connexion/?next={board_url}")
    page.get_by_label("Adresse e-mail").fill(owner_email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("connecter", re.I)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Commandes")

    board = page.locator("#tableau")
    expect(board.locator(f"#commande-{own.pk}")).to_be_visible()
    expect(board.locator("article.bo-order")).to_have_count(1)
    expect(board).not_to_contain_text(other.lines.get().product_name)

    board.get_by_role("button", name=f"Accepter commande {own.pk}").click()
    board.get_by_role("button", name=f"Marquer prête commande {own.pk}").click()
    ready_column = board.locator("section.bo-column").filter(has=page.locator("#col-ready"))
    expect(ready_column.locator(f"#commande-{own.pk}")).to_be_visible()
    context.close()


def subjects_to(mailbox, address: str) -> list[str]:
    return sorted(str(message.subject) for message in mailbox if address in message.to)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_one_cart_two_shops_slots_guest_checkout_merchants_and_emails(
    live_server, browser, page, mailoutbox
):
    # Given a town with a bakery and a bookshop, open every day for click & collect,
    # each run by its owner
    ville = TerritoryFactory(slug="ville", name="Ville-sur-Test")
    shops = {}
    for slug, name, owner in (
        ("boulangerie-du-coin", "Boulangerie du Coin", "boulanger@example.org"),
        ("librairie-des-halles", "Librairie des Halles", "libraire@example.org"),
    ):
        shop = ShopFactory(
            territory=ville, slug=slug, name=name, opening_hours="24/7", offers_click_collect=True
        )
        ShopMembershipFactory(shop=shop, user=UserFactory(email=owner, password=PASSWORD))
        shops[name] = (shop, owner)
    baker, baker_owner = shops["Boulangerie du Coin"]
    bookshop, bookshop_owner = shops["Librairie des Halles"]
    OfferFactory(shop=baker, product__name="Pain de campagne", price_cents=320, stock=20)
    OfferFactory(shop=bookshop, product__name="Le Petit Prince", price_cents=890, stock=3)
    search_index_rebuild(territory=ville)  # as a catalogue import does
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    base_url = live_server.url

    # When the shopper searches the town for bread, opens the loaf found at the bakery,
    # sees when it can be ready, and adds two without leaving the page
    page.goto(f"{base_url}/ville/")
    search_and_open(
        page, "Que cherchez-vous ?", "pain campagne", "Pain de campagne", "Boulangerie du Coin"
    )
    page.evaluate("window.sameDocument = true")
    add_to_cart(page, "Pain de campagne", 2)
    cart_link = page.get_by_role("link", name=re.compile(r"^Panier"))
    expect(cart_link).to_have_text(re.compile(r"Panier\s*2"))
    assert page.evaluate("window.sameDocument") is True

    # And searches for a book from the search box of the page, at the bookshop
    search_and_open(
        page,
        "Rechercher un produit, un rayon ou un commerce",
        "petit prince",
        "Le Petit Prince",
        "Librairie des Halles",
    )
    add_to_cart(page, "Le Petit Prince", 1)
    expect(cart_link).to_have_text(re.compile(r"Panier\s*3"))

    # And opens the cart: one cart, two shops, a slot chosen for each
    cart_link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon panier")
    expect(page.get_by_text("Un seul panier, 2 commerces")).to_be_visible()
    chosen = {name: choose_second_slot(page, name) for name in shops}

    # And confirms as a guest with an email address and a phone number
    page.get_by_role("link", name="Valider mon panier").click()
    page.get_by_label("Adresse e-mail").fill(SHOPPER["email"])
    page.get_by_label("Téléphone").fill(SHOPPER["phone"])
    page.get_by_label("Nom").fill(SHOPPER["name"])
    page.get_by_role("button", name="Confirmer la commande").click()

    # Then one checkout makes one order per shop, in the chosen slots
    expect(page.get_by_role("heading", level=1)).to_have_text("Merci, votre commande est envoyée")
    checkout = Checkout.objects.get()
    orders = {order.shop_id: order for order in Order.objects.filter(checkout=checkout)}
    assert set(orders) == {baker.pk, bookshop.pk}
    for name, (shop, _owner) in shops.items():
        order = orders[shop.pk]
        assert order.status == OrderStatus.PLACED
        assert order.slot_start.isoformat() == chosen[name]
        expect(page.get_by_role("heading", name=f"Commande n° {order.pk} — {name}")).to_be_visible()
    expect(cart_link).to_have_text(re.compile(r"Panier\s*\(vide\)"))

    # And the shopper and each shop are told, once the queue has run
    tasks_drain(worker_id="e2e")
    bread_order, book_order = orders[baker.pk], orders[bookshop.pk]
    assert subjects_to(mailoutbox, SHOPPER["email"]) == sorted(
        [
            f"Commande n° {bread_order.pk} envoyée à Boulangerie du Coin",
            f"Commande n° {book_order.pk} envoyée à Librairie des Halles",
        ]
    )
    assert subjects_to(mailoutbox, baker_owner) == [f"Nouvelle commande n° {bread_order.pk}"]
    assert subjects_to(mailoutbox, bookshop_owner) == [f"Nouvelle commande n° {book_order.pk}"]

    # When each merchant, on its own board, sees only its order and marks it ready
    merchant_marks_ready(browser, base_url, baker_owner, baker, bread_order, book_order)
    merchant_marks_ready(browser, base_url, bookshop_owner, bookshop, book_order, bread_order)

    # Then both orders are ready and the shopper has an email for every step
    assert set(Order.objects.values_list("status", flat=True)) == {OrderStatus.READY}
    mailoutbox.clear()
    tasks_drain(worker_id="e2e")
    assert subjects_to(mailoutbox, SHOPPER["email"]) == sorted(
        [
            f"Boulangerie du Coin a accepté votre commande n° {bread_order.pk}",
            f"Librairie des Halles a accepté votre commande n° {book_order.pk}",
            f"Votre commande n° {bread_order.pk} est prête",
            f"Votre commande n° {book_order.pk} est prête",
        ]
    )
    ready_email = next(m for m in mailoutbox if m.subject.endswith(f"{bread_order.pk} est prête"))
    assert bread_order.pickup_code in ready_email.body
    assert any(name == "retrait.ics" for name, _content, _type in ready_email.attachments)
    assert len(mailoutbox) == 4  # nothing for the shops: they made these steps themselves
    assert errors == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_without_javascript_adding_to_the_cart_is_a_plain_form(
    live_server, page_without_javascript
):
    # Given a shop page, in a browser without JavaScript
    page = page_without_javascript
    ville = TerritoryFactory(slug="ville", name="Ville-sur-Test")
    shop = ShopFactory(
        territory=ville, slug="boulangerie", name="Boulangerie", opening_hours="24/7"
    )
    OfferFactory(shop=shop, product__name="Pain de campagne", price_cents=320, stock=20)
    page.goto(f"{live_server.url}/ville/commerces/boulangerie/?page=1")

    # When the shopper adds three loaves
    page.get_by_label("Quantité (Pain de campagne)").fill("3")
    page.get_by_role("button", name="Ajouter au panier (Pain de campagne)").click()

    # Then the same page comes back, saying so, with the cart counted in the header
    expect(page).to_have_url(re.compile(r"/ville/commerces/boulangerie/\?page=1$"))
    expect(page.get_by_role("status")).to_have_text(
        "« Pain de campagne » est dans votre panier (quantité : 3). Voir le panier"
    )
    expect(page.get_by_role("link", name=re.compile(r"^Panier"))).to_have_text(
        re.compile(r"Panier\s*3")
    )
    page.get_by_role("link", name="Voir le panier").click()
    expect(page.get_by_role("heading", level=2, name="Boulangerie")).to_be_visible()

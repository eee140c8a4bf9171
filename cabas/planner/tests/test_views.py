"""The "Ma liste" page, without JavaScript and with htmx; the cart button; saved lists."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cabas.cart.models import Cart
from cabas.factories import UserFactory
from cabas.planner.models import SavedList

from .conftest import START

pytestmark = pytest.mark.django_db

LIST = "pain\n6 œufs\ncomté\nlicorne"


def url(name, *args):
    return reverse(f"planner:{name}", args=["ville", *args])


def test_empty_page_shows_the_form_and_the_header_link(client, town):
    response = client.get(url("plan"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="liste"' in html
    assert 'aria-current="page">Ma liste</a>' in html
    assert "Votre tournée" not in html


def test_a_list_is_planned_without_javascript(client, town):
    response = client.get(url("plan"), {"liste": LIST, "lat": START[0], "lon": START[1]})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Votre tournée : 1 arrêt" in html
    assert "Superette" in html
    assert "licorne" in html  # reported, not dropped
    assert "vol d&#x27;oiseau × 1,3" in html or "vol d'oiseau × 1,3" in html
    assert "4,5 km/h" in html
    assert 'id="plan-carte-data"' in html
    assert "Tout mettre au panier" in html


def test_htmx_gets_only_the_plan(client, town):
    response = client.get(
        url("plan"), {"liste": LIST, "lat": START[0], "lon": START[1]}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "Votre tournée" in html
    assert "<html" not in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"liste": ""}, "Votre liste est vide"),
        ({"liste": "\n".join(["pain"] * 60)}, "au plus 50 lignes"),
        ({"liste": "pain", "postcode": "1234"}, "5 chiffres"),
        ({"liste": "pain", "quand": "demain"}, "illisibles"),
        ({"liste": "pain", "quand": "2001-01-01T10:00"}, "entre maintenant et dans 14 jours"),
        ({"liste": "pain", "distance": "800"}, "Sélectionnez un choix valide"),
    ],
)
def test_bad_input_gets_a_french_error(client, town, params, message):
    response = client.get(url("plan"), params)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "Votre tournée" not in response.content.decode()


def test_tout_mettre_au_panier_fills_the_cart_in_one_click(client, town):
    response = client.post(
        url("to_cart"), {"liste": LIST, "lat": START[0], "lon": START[1], "distance": "1.5"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("cart:detail")
    cart = Cart.objects.get(pk=client.session["cart_id"])
    assert cart.lines.count() == 3
    assert cart.choices.count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "licorne" in page  # the uncovered line is announced


def test_cart_button_with_a_broken_list_changes_nothing(client, town):
    response = client.post(url("to_cart"), {"liste": "", "lat": START[0], "lon": START[1]})
    assert response.status_code == 302
    assert (
        "cart_id" not in client.session
        or not Cart.objects.get(pk=client.session["cart_id"]).lines.exists()
    )


def test_cart_button_refuses_get(client, town):
    assert client.get(url("to_cart")).status_code == 405


def test_saving_needs_an_account_and_then_lists_show(client, town):
    response = client.post(url("save"), {"name": "Samedi", "liste": LIST})
    assert response.status_code == 302
    assert "/compte/" in response["Location"]
    assert not SavedList.objects.exists()
    user = UserFactory()
    client.force_login(user)
    response = client.post(url("save"), {"name": "Samedi", "liste": LIST})
    assert response.status_code == 302
    saved = SavedList.objects.get(user=user)
    assert saved.territory == town.territory
    page = client.get(url("plan")).content.decode()
    assert "Samedi" in page
    assert client.post(url("delete", saved.pk)).status_code == 302
    assert not SavedList.objects.exists()


def test_a_list_of_someone_else_cannot_be_deleted(client, town):
    owner = UserFactory()
    saved = SavedList.objects.create(territory=town.territory, user=owner, name="A", text="pain")
    client.force_login(UserFactory())
    assert client.post(url("delete", saved.pk)).status_code == 404
    assert SavedList.objects.filter(pk=saved.pk).exists()


def test_usual_basket_without_orders_says_so(client, town):
    client.force_login(UserFactory())
    response = client.get(url("plan"), {"habituel": "1"})
    assert "se remplira avec vos commandes" in response.content.decode()


def test_unknown_territory_is_a_404(client, db):
    assert client.get(reverse("planner:plan", args=["nulle-part"])).status_code == 404


def test_the_page_speaks_english(client, town):
    response = client.get("/en/ville/ma-liste/", {"liste": LIST, "lat": START[0], "lon": START[1]})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Your route: 1 stop" in html
    assert "Put everything in the cart" in html

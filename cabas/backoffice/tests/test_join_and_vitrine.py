"""Joining as a merchant, the territory's approval, the vitrine, hours and closures."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from cabas.accounts.models import User
from cabas.backoffice.hours_editor import osm_to_week, week_to_osm
from cabas.backoffice.models import JoinRequest
from cabas.factories import ShopFactory, UserFactory
from cabas.shops import hours
from cabas.shops.models import Shop, ShopMembership, ShopStatus

from .conftest import login, shop_url

pytestmark = pytest.mark.django_db


def test_a_new_merchant_signs_up_and_claims_an_existing_shop(territory):
    existing = ShopFactory(territory=territory, name="Boucherie Martin", slug="boucherie-martin")
    client = Client()
    join = reverse("backoffice:join")
    # Sign up through the account pages, coming back to the join page
    response = client.post(
        reverse("accounts:signup") + f"?next={join}",
        {
            "email": "martin@example.org",
            "password1": "un-mot-de-passe-long",
            "password2": "un-mot-de-passe-long",
            "next": join,
        },
    )
    assert response.status_code == 302 and response["Location"] == join
    # The only territory opens at once; the shop is found by name
    response = client.get(join, follow=True)
    response = client.get(
        reverse("backoffice:join_territory", args=[territory.slug]), {"q": "boucherie"}
    )
    assert "Boucherie Martin" in response.content.decode()
    claim = reverse("backoffice:join_claim", args=[territory.slug, existing.slug])
    response = client.post(claim, {"message": "Gérant, SIRET 123"})
    assert response.status_code == 302
    request = JoinRequest.objects.get()
    assert (request.kind, request.status, request.message) == (
        "claim",
        "pending",
        "Gérant, SIRET 123",
    )
    # No access before approval
    assert client.get(shop_url("shop_home", existing)).status_code == 404
    assert "en attente" in client.get(reverse("backoffice:dashboard")).content.decode()
    # A second claim by the same person is refused with a message
    response = client.post(claim, {"message": ""})
    assert "déjà en attente" in response.content.decode()


def test_admin_approval_makes_the_claimant_owner(territory, admin_client):
    existing = ShopFactory(territory=territory)
    user = UserFactory()
    Client().force_login(user)
    request = JoinRequest.objects.create(
        territory=territory, shop=existing, user=user, kind="claim"
    )
    response = admin_client.post(
        reverse("admin:backoffice_joinrequest_changelist"),
        {"action": "approve", "_selected_action": [request.pk]},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "approved" and request.decided_by is not None
    assert ShopMembership.objects.get(shop=existing, user=user).role == "owner"
    assert login(user).get(shop_url("shop_home", existing)).status_code == 200


def test_claiming_a_shop_that_already_has_an_owner_is_refused(shop, owner):
    client = login(UserFactory())
    response = client.post(
        reverse("backoffice:join_claim", args=[shop.territory.slug, shop.slug]), {}
    )
    assert "demandez à son gérant de vous inviter" in response.content.decode()
    assert not JoinRequest.objects.exists()


def test_creating_a_shop_makes_it_pending_and_its_creator_owner(territory, admin_client):
    user = UserFactory()
    client = login(user)
    response = client.post(
        reverse("backoffice:join_create", args=[territory.slug]),
        {
            "name": "La Cave du Marché",
            "address": "3 place du Marché",
            "postcode": "75011",
            "city": "Paris",
            "phone": "",
        },
    )
    shop = Shop.objects.get(name="La Cave du Marché")
    assert response["Location"] == shop_url("shop_home", shop)
    assert shop.status == ShopStatus.PENDING and shop.slug == "la-cave-du-marche"
    assert (shop.lat, shop.lon) == (territory.centre_lat, territory.centre_lon)
    assert ShopMembership.objects.get(shop=shop).user == user
    # Invisible to shoppers until approved
    assert (
        Client().get(reverse("web:shop_detail", args=[territory.slug, shop.slug])).status_code
        == 404
    )
    request = JoinRequest.objects.get(shop=shop)
    admin_client.post(
        reverse("admin:backoffice_joinrequest_changelist"),
        {"action": "approve", "_selected_action": [request.pk]},
    )
    shop.refresh_from_db()
    assert shop.status == ShopStatus.APPROVED


def test_create_form_errors_are_tied_to_their_fields(territory):
    client = login(UserFactory())
    response = client.post(
        reverse("backoffice:join_create", args=[territory.slug]), {"name": "", "postcode": "7501"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-describedby="id_postcode-erreur"' in html and 'id="id_postcode-erreur"' in html
    assert "Cinq chiffres" in html
    assert not Shop.objects.exists()


def test_vitrine_edits_description_contact_and_services(shop, merchant):
    response = merchant.post(
        shop_url("vitrine", shop),
        {
            "name": "Épicerie du Port",
            "description": "Produits du terroir <b>et</b> vrac.",
            "phone": "04 76 00 00 00",
            "website": "epicerie.example.org",
            "offers_delivery": "on",
            "accepts_vouchers": "on",
        },
    )
    assert response.status_code == 302
    shop.refresh_from_db()
    assert shop.description == "Produits du terroir <b>et</b> vrac."
    assert shop.website == "https://epicerie.example.org"
    assert (shop.offers_click_collect, shop.offers_delivery, shop.accepts_vouchers) == (
        False,
        True,
        True,
    )
    page = (
        Client()
        .get(reverse("web:shop_detail", args=[shop.territory.slug, shop.slug]))
        .content.decode()
    )
    assert "Produits du terroir &lt;b&gt;et&lt;/b&gt; vrac." in page


# -- hours ------------------------------------------------------------------------------------


def test_week_rows_become_grouped_osm_syntax_and_back():
    split = [("09:00", "12:30"), ("14:00", "19:00")]
    week = [split, split, [], split, split, [("09:00", "18:00")], []]
    expression = week_to_osm(week)
    assert expression == "Mo,Tu,Th,Fr 09:00-12:30,14:00-19:00; Sa 09:00-18:00"
    assert hours.is_valid(expression)
    assert osm_to_week(expression) == week
    assert week_to_osm([split] * 5 + [[], []]) == "Mo-Fr 09:00-12:30,14:00-19:00"
    assert osm_to_week("Mo-Fr 08:00-20:00; PH off") is None
    assert osm_to_week("24/7") == [[("00:00", "24:00")]] * 7
    assert hours.is_valid(week_to_osm(osm_to_week("24/7")))
    assert osm_to_week("Mo-Su 06:00-10:00,12:00-14:00,18:00-22:00") is None


def test_hours_editor_saves_rows_as_osm_and_reads_them_back(shop, merchant):
    url = shop_url("opening_hours", shop)
    data = {
        "mode": "week",
        "Mo_1": "9h",
        "Mo_2": "12h30",
        "Mo_3": "14:00",
        "Mo_4": "19:00",
        "Sa_1": "0900",
        "Sa_2": "13",
    }
    assert merchant.post(url, data).status_code == 302
    shop.refresh_from_db()
    assert shop.opening_hours == "Mo 09:00-12:30,14:00-19:00; Sa 09:00-13:00"
    assert shop.hours_source == "merchant"
    page = merchant.get(url).content.decode()
    assert 'value="12:30"' in page


def test_hours_editor_names_the_bad_day_and_writes_nothing(shop, merchant):
    response = merchant.post(
        shop_url("opening_hours", shop),
        {"mode": "week", "Tu_1": "18:00", "Tu_2": "09:00", "We_1": "10:00"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Mardi : Plage 1 : la fermeture (09:00) doit suivre l&#x27;ouverture (18:00)." in html
    assert "Mercredi : Indiquez l&#x27;heure d&#x27;ouverture et celle de fermeture." in html
    assert 'aria-describedby="erreur-Tu"' in html
    shop.refresh_from_db()
    assert shop.opening_hours == "24/7"


def test_expert_field_accepts_valid_osm_and_refuses_the_rest(shop, merchant):
    url = shop_url("opening_hours", shop)
    assert (
        merchant.post(
            url, {"mode": "raw", "opening_hours": "Mo-Fr 08:00-20:00; PH off"}
        ).status_code
        == 302
    )
    shop.refresh_from_db()
    assert shop.opening_hours == "Mo-Fr 08:00-20:00; PH off"
    # The rows cannot say "PH off": the page says so and opens the expert field
    assert "champ expert" in merchant.get(url).content.decode()
    response = merchant.post(url, {"mode": "raw", "opening_hours": "du lundi au vendredi"})
    assert "pas au format OpenStreetMap" in response.content.decode()
    shop.refresh_from_db()
    assert shop.opening_hours == "Mo-Fr 08:00-20:00; PH off"


def test_exceptional_closures_are_added_shown_and_removed(shop, merchant):
    start = dt.date.today() + dt.timedelta(days=10)
    response = merchant.post(
        shop_url("closure_add", shop),
        {
            "start_date": start.isoformat(),
            "end_date": (start + dt.timedelta(days=6)).isoformat(),
            "reason": "Congés",
        },
    )
    assert response.status_code == 302
    closure = shop.closures.get()
    assert closure.reason == "Congés"
    assert "Congés" in merchant.get(shop_url("opening_hours", shop)).content.decode()
    response = merchant.post(
        shop_url("closure_add", shop),
        {"start_date": start.isoformat(), "end_date": (start - dt.timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 400 and shop.closures.count() == 1
    merchant.post(shop_url("closure_delete", shop, closure_id=closure.pk))
    assert not shop.closures.exists()


def test_dashboard_lists_only_my_shops(shop, owner, other_shop, other_owner):
    page = login(owner).get(reverse("backoffice:dashboard")).content.decode()
    assert shop.name in page and other_shop.name not in page
    assert User.objects.count() == 2


# -- pickup and delivery ----------------------------------------------------------------------


def test_fulfilment_settings_are_saved_and_the_service_flags_follow(shop, merchant):
    from cabas.fulfilment.models import ShopFulfilment

    url = shop_url("fulfilment", shop)
    page = merchant.get(url).content.decode()
    assert 'name="slot_minutes" value="30"' in page
    data = {
        "slot_minutes": "15",
        "lead_minutes": "120",
        "capacity_per_slot": "3",
        "horizon_days": "5",
        "delivery_enabled": "on",
        "delivery_slot_minutes": "60",
        "delivery_capacity_per_slot": "2",
    }
    assert merchant.post(url, data).status_code == 302
    row = ShopFulfilment.objects.get(shop=shop)
    assert (row.pickup_enabled, row.slot_minutes, row.lead_minutes, row.capacity_per_slot) == (
        False,
        15,
        120,
        3,
    )
    assert row.delivery_enabled and row.delivery_slot_minutes == 60
    shop.refresh_from_db()
    assert (shop.offers_click_collect, shop.offers_delivery) == (False, True)
    response = merchant.post(url, {**data, "slot_minutes": "2"})
    assert (
        response.status_code == 400
        and 'aria-describedby="id_slot_minutes-erreur"' in response.content.decode()
    )
    # The vitrine's flags and the settings stay in line
    merchant.post(shop_url("vitrine", shop), {"name": shop.name, "offers_click_collect": "on"})
    row.refresh_from_db()
    assert (row.pickup_enabled, row.delivery_enabled) == (True, False)


def test_delivery_zones_by_radius_or_postcodes_with_fees(shop, merchant):
    from cabas.fulfilment.models import DeliveryZone

    add = shop_url("zone_add", shop)
    merchant.post(
        add,
        {
            "name": "Quartier",
            "kind": "radius",
            "radius_km": "2,5",
            "fee": "3,50 €",
            "minimum": "20",
        },
    )
    merchant.post(
        add, {"name": "Agglo", "kind": "postcodes", "postcodes": "38000, 38100", "fee": "0"}
    )
    zones = {z.name: z for z in DeliveryZone.objects.filter(shop=shop)}
    assert (
        zones["Quartier"].radius_km,
        zones["Quartier"].fee_cents,
        zones["Quartier"].minimum_order_cents,
    ) == (2.5, 350, 2000)
    assert (zones["Agglo"].postcodes, zones["Agglo"].fee_cents) == ("38000 38100", 0)
    response = merchant.post(
        add, {"name": "Faux", "kind": "postcodes", "postcodes": "380 Lyon", "fee": "1"}
    )
    assert (
        response.status_code == 400
        and "Codes postaux invalides : 380, Lyon." in response.content.decode()
    )
    merchant.post(shop_url("zone_delete", shop, zone_id=zones["Agglo"].pk))
    assert DeliveryZone.objects.filter(shop=shop).count() == 1


def test_admin_lists_join_requests_imports_and_tokens(admin_client, shop, owner):
    from cabas.apitokens.services import api_token_create
    from cabas.backoffice.imports.services import import_upload

    JoinRequest.objects.create(territory=shop.territory, shop=shop, user=owner, kind="claim")
    import_upload(shop=shop, user=owner, filename="a.csv", content=b"nom;prix\nPain;1\n")
    api_token_create(territory=shop.territory, shop=shop, name="Caisse")
    for name in ("backoffice_joinrequest", "backoffice_importjob", "apitokens_apitoken"):
        response = admin_client.get(reverse(f"admin:{name}_changelist"))
        assert response.status_code == 200, name
    token_page = admin_client.get(reverse("admin:apitokens_apitoken_changelist")).content.decode()
    assert "Caisse" in token_page and "digest" not in token_page

"""Erasure: the person goes, the accounting stays, every session ends, others untouched."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client

from cabas.apitokens.models import ApiToken
from cabas.apitokens.services import api_token_create
from cabas.audit.models import AuditEntry
from cabas.factories import ShopMembershipFactory, UserFactory
from cabas.habits.models import AvailabilityAlert, ShopFollow, ShopperPreferences
from cabas.ledger.models import Account
from cabas.ledger.selectors import ledger_reconcile
from cabas.orders.models import Checkout, Order
from cabas.planner.models import SavedList
from cabas.privacy.errors import PrivacyError
from cabas.privacy.services import account_erase
from cabas.privacy.sessions import sessions_end_for_users
from cabas.shops.models import ShopMembership
from cabas.tasks.models import Task
from cabas.vouchers.models import Household

from .conftest import PASSWORD, give_points, logged_in, place_order

pytestmark = pytest.mark.django_db


def _password_login(user) -> Client:
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client


def test_erasure_removes_the_person_and_keeps_the_orders(shopper, other):
    order = shopper.orders.get()
    phone_client, laptop_client = _password_login(shopper), _password_login(shopper)
    bob_client = _password_login(other)

    response = phone_client.post("/compte/mes-donnees/supprimer/", {"password": PASSWORD})

    assert response.status_code == 302 and response["Location"].endswith("/compte/supprime/")
    shopper.refresh_from_db()
    assert shopper.email == f"erased-{shopper.pk}@invalid"
    assert (shopper.first_name, shopper.last_name, shopper.phone) == ("", "", "")
    assert not shopper.is_active and not shopper.has_usable_password()
    # The order stays for accounting, without contact details.
    kept = Order.objects.get(pk=order.pk)
    assert kept.total_cents == 450 and kept.lines.get().product_name == "Confiture"
    checkout = Checkout.objects.get(pk=kept.checkout_id)
    assert (checkout.email, checkout.phone, checkout.name) == (shopper.email, "", "")
    # Personal choices are gone.
    for model in (ShopFollow, AvailabilityAlert, SavedList, ShopperPreferences, Household):
        assert not model.objects.filter(user=shopper).exists(), model
    # Every session of the account ended, on both devices; Bob's did not.
    assert laptop_client.get("/compte/mes-donnees/").status_code == 302
    assert bob_client.get("/compte/mes-donnees/").status_code == 200
    # Bob is untouched.
    other.refresh_from_db()
    assert other.email == "bob@example.org" and other.orders.count() == 1
    assert Checkout.objects.get(user=other).name == "Bob Martin"
    # The audit entry names no one.
    entry = AuditEntry.objects.get(action="account.erase")
    assert "claire" not in f"{entry.actor_label} {entry.object_repr} {entry.details}".lower()
    # The old address can sign up again: the account no longer holds it.
    assert not Client().login(email="claire@example.org", password=PASSWORD)


def test_sessions_end_in_the_database_store(shopper, other):
    _password_login(shopper)
    _password_login(shopper)
    _password_login(other)
    store = import_module(settings.SESSION_ENGINE).SessionStore
    owners = [store().decode(s.session_data).get("_auth_user_id") for s in Session.objects.all()]
    assert owners.count(str(shopper.pk)) == 2

    ended = sessions_end_for_users([shopper.pk])

    assert ended == 2
    owners = [store().decode(s.session_data).get("_auth_user_id") for s in Session.objects.all()]
    assert owners == [str(other.pk)]


def test_wrong_password_erases_nothing(shopper):
    response = logged_in(shopper).post("/compte/mes-donnees/supprimer/", {"password": "faux"})

    assert response.status_code == 403
    assert "Mot de passe incorrect" in response.content.decode()
    shopper.refresh_from_db()
    assert shopper.email == "claire@example.org" and shopper.is_active


def test_order_in_progress_blocks_erasure(shopper, offer):
    place_order(offer, shopper)

    response = logged_in(shopper).post("/compte/mes-donnees/supprimer/", {"password": PASSWORD})

    assert response.status_code == 409
    assert "commande(s) sont en cours" in response.content.decode()
    shopper.refresh_from_db()
    assert shopper.email == "claire@example.org"
    assert ShopFollow.objects.filter(user=shopper).exists()


def test_sole_shop_owner_cannot_erase_until_ownership_is_transferred(shopper, shop):
    ShopMembershipFactory(shop=shop, user=shopper, role=ShopMembership.Role.OWNER)

    with pytest.raises(PrivacyError) as refused:
        account_erase(user_id=shopper.pk, acknowledge_balances=True)
    assert refused.value.code == "shop_owner" and "Épicerie" in refused.value.message

    ShopMembershipFactory(shop=shop, user=UserFactory(), role=ShopMembership.Role.OWNER)
    account_erase(user_id=shopper.pk, acknowledge_balances=True)
    assert not ShopMembership.objects.filter(user=shopper).exists()


def test_points_need_acknowledgement_then_are_forfeited_in_the_ledger(shopper, territory):
    give_points(territory, shopper, shopper.orders.get().pk)
    points = Account.objects.get(owner_ref=f"user:{shopper.pk}")
    assert points.balance_cents == 10

    with pytest.raises(PrivacyError) as refused:
        account_erase(user_id=shopper.pk, acknowledge_balances=False)
    assert refused.value.code == "balances_remaining"

    result = account_erase(user_id=shopper.pk, acknowledge_balances=True)

    assert result.points_forfeited == 10
    points.refresh_from_db()
    assert points.balance_cents == 0
    assert ledger_reconcile().ok


def test_api_tokens_created_by_the_user_are_revoked(shopper, shop):
    token, _raw = api_token_create(
        territory=shop.territory, shop=shop, name="Caisse", created_by_id=shopper.pk
    )

    account_erase(user_id=shopper.pk, acknowledge_balances=True)

    token.refresh_from_db()
    assert token.revoked_at is not None
    assert ApiToken.objects.filter(revoked_at__isnull=True).count() == 0


def test_api_delete_me_erases_with_password_and_csrf(shopper, other):
    client = Client(enforce_csrf_checks=True)
    assert client.login(email=shopper.email, password=PASSWORD)
    client.get("/compte/mes-donnees/")
    token = client.cookies["csrftoken"].value

    no_csrf = client.delete("/api/v1/me", {"password": PASSWORD}, content_type="application/json")
    assert no_csrf.status_code == 403 and no_csrf.json()["error"]["code"] == "csrf_failed"
    wrong = client.delete(
        "/api/v1/me", {"password": "faux"}, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert wrong.status_code == 403 and wrong.json()["error"]["code"] == "password_incorrect"

    response = client.delete(
        "/api/v1/me",
        {"password": PASSWORD},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )

    assert response.status_code == 200 and response.json() == {"erased": True, "orders_kept": 1}
    shopper.refresh_from_db()
    assert not shopper.is_active
    other.refresh_from_db()
    assert other.is_active and other.email == "bob@example.org"


def test_api_delete_me_reports_blockers_in_the_error_shape(shopper, offer):
    place_order(offer, shopper)
    client = _password_login(shopper)

    response = client.delete("/api/v1/me", {"password": PASSWORD}, content_type="application/json")

    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "orders_in_progress"
    assert error["details"][0]["code"] == "orders_in_progress"


def test_account_without_password_erases_through_the_emailed_link(shopper):
    shopper.set_unusable_password()
    shopper.save()
    client = logged_in(shopper)

    response = client.post("/compte/mes-donnees/supprimer/", {})

    assert response.status_code == 302
    task = Task.objects.get(name="privacy.erasure_link_email")
    from django.core import mail

    from cabas.tasks.services import tasks_drain

    tasks_drain()
    assert task.kwargs["user_id"] == shopper.pk
    link = next(
        line for line in mail.outbox[-1].body.splitlines() if "/mes-donnees/supprimer/" in line
    )
    path = link[link.index("/compte/") :]
    assert Client().get(path).status_code == 200
    confirmed = Client().post(path, {})
    assert confirmed.status_code == 302
    shopper.refresh_from_db()
    assert not shopper.is_active
    # The link served once: the account it named no longer exists as it was.
    assert Client().get(path).status_code == 400


def test_a_forged_link_erases_nothing(shopper):
    response = Client().post("/compte/mes-donnees/supprimer/MQ/forged-token/", {})
    assert response.status_code == 400
    shopper.refresh_from_db()
    assert shopper.is_active

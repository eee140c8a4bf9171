"""The order board (accept, refuse, ready, hand over, no-show, picking list) and the team."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from cabas.backoffice.models import TeamInvitation
from cabas.factories import UserFactory
from cabas.orders.models import OrderEvent, OrderStatus
from cabas.shops.models import ShopMembership
from cabas.tasks.services import tasks_drain

from .conftest import login, place_order, shop_url

pytestmark = pytest.mark.django_db


def move(client, shop, order, to, headers=None, **extra):
    url = shop_url("order_move", shop, order_id=order.pk)
    return client.post(url, {"to": to, **extra}, **(headers or {}))


def test_board_shows_new_orders_and_the_fragment_polls(shop, merchant, offer):
    order = place_order(offer, 2)
    page = merchant.get(shop_url("orders", shop)).content.decode()
    assert f"Commande {order.pk}" in page and "Claire" in page and "2 × Café moulu" in page
    assert 'hx-trigger="every 10s, refresh"' in page and "board.js" in page
    fragment = merchant.get(shop_url("orders", shop), HTTP_HX_REQUEST="true").content.decode()
    assert f'data-placed="{order.pk}"' in fragment and "<html" not in fragment


def test_accept_ready_and_hand_over_with_the_pickup_code(shop, merchant, offer, owner):
    order = place_order(offer)
    assert move(merchant, shop, order, "accepted").status_code == 302
    response = move(merchant, shop, order, "ready", headers={"HTTP_HX_REQUEST": "true"})
    assert "Commande" in response.content.decode() and "prête" in response.content.decode()
    response = merchant.post(shop_url("order_pickup", shop), {"code": "ZZZZZZ"}, follow=True)
    assert "Aucune commande prête avec le code « ZZZZZZ »" in response.content.decode()
    order.refresh_from_db()
    assert order.status == "ready"
    # A scanner reads the QR code "CABAS:<id>:<code>"
    merchant.post(
        shop_url("order_pickup", shop), {"code": f"cabas:{order.pk}:{order.pickup_code.lower()}"}
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.COLLECTED
    events = list(
        OrderEvent.objects.filter(order=order).values_list("to_status", "actor_id", "actor_role")
    )
    assert events[1:] == [
        ("accepted", owner.pk, "shop"),
        ("ready", owner.pk, "shop"),
        ("collected", owner.pk, "shop"),
    ]


def test_refusing_needs_a_reason_and_puts_the_stock_back(shop, merchant, offer):
    order = place_order(offer, 3)
    move(merchant, shop, order, "refused", reason="")
    order.refresh_from_db()
    assert order.status == "placed"
    move(merchant, shop, order, "refused", reason="Plus de café moulu")
    order.refresh_from_db()
    offer.refresh_from_db()
    assert order.status == "refused" and offer.stock == 12
    assert OrderEvent.objects.get(order=order, to_status="refused").note == "Plus de café moulu"


def test_no_show_and_illegal_moves_are_handled_by_the_transition_table(shop, merchant, offer):
    order = place_order(offer)
    response = move(merchant, shop, order, "ready")
    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("Impossible de passer la commande" in m for m in messages)
    move(merchant, shop, order, "accepted")
    move(merchant, shop, order, "ready")
    move(merchant, shop, order, "no_show")
    order.refresh_from_db()
    assert order.status == "no_show"
    assert move(merchant, shop, order, "delivered_elsewhere").status_code == 302
    order.refresh_from_db()
    assert order.status == "no_show"


def test_picking_list_sums_accepted_orders_by_article(shop, merchant, offer):
    first, second = place_order(offer, 2), place_order(offer, 1)
    place_order(offer, 4)  # not accepted yet: not on the list
    move(merchant, shop, first, "accepted")
    move(merchant, shop, second, "accepted")
    response = merchant.get(shop_url("picking_list", shop))
    lines = response.context["lines"]
    assert [(line.name, line.quantity, line.orders) for line in lines] == [
        ("Café moulu", 3, [first.pk, second.pk])
    ]
    html = response.content.decode()
    assert "data-print" in html and "web/print.js" in html  # a print button, no inline handler


# -- team -----------------------------------------------------------------------------------


def test_owner_invites_by_email_and_the_invitee_joins(shop, merchant, owner):
    response = merchant.post(
        shop_url("team_invite", shop), {"email": "Nouvel.Equipier@example.org", "role": "staff"}
    )
    assert response.status_code == 302
    invitation = TeamInvitation.objects.get()
    assert invitation.email == "nouvel.equipier@example.org" and len(invitation.digest) == 64
    assert not mail.outbox  # sent by the worker, after commit
    tasks_drain()
    assert mail.outbox[0].to == ["nouvel.equipier@example.org"]
    link = next(word for word in mail.outbox[0].body.split() if "/invitation/" in word)
    path = link.removeprefix("http://testserver")
    invitee = UserFactory(email="nouvel.equipier@example.org")
    client = login(invitee)
    assert client.get(path).status_code == 200
    response = client.post(path)
    assert response.status_code == 302
    assert ShopMembership.objects.get(shop=shop, user=invitee).role == "staff"
    # Used once
    assert client.post(path).status_code == 400


def test_an_invitation_works_only_for_its_address_and_before_it_expires(shop, merchant):
    merchant.post(shop_url("team_invite", shop), {"email": "a@example.org", "role": "owner"})
    tasks_drain()
    path = next(w for w in mail.outbox[0].body.split() if "/invitation/" in w).removeprefix(
        "http://testserver"
    )
    response = login(UserFactory(email="b@example.org")).post(path)
    assert "adressée à a@example.org" in response.content.decode()
    TeamInvitation.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    response = login(UserFactory(email="a@example.org")).post(path)
    assert "a expiré" in response.content.decode()
    assert ShopMembership.objects.filter(shop=shop).count() == 1


def test_the_last_owner_cannot_be_removed_but_staff_can(shop, merchant, owner, staff):
    owner_membership = ShopMembership.objects.get(shop=shop, user=owner)
    response = merchant.post(
        shop_url("team_remove", shop, membership_id=owner_membership.pk), follow=True
    )
    assert "au moins un gérant" in response.content.decode()
    staff_membership = ShopMembership.objects.get(shop=shop, user=staff)
    merchant.post(shop_url("team_remove", shop, membership_id=staff_membership.pk))
    assert not ShopMembership.objects.filter(pk=staff_membership.pk).exists()
    assert login(staff).get(shop_url("shop_home", shop)).status_code == 404

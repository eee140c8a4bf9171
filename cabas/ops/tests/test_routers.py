"""Which database each read goes to when a replica is configured."""

import time

import pytest
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory

from cabas.catalog.models import Offer
from cabas.ops.middleware import PIN_COOKIE, PrimaryPinMiddleware
from cabas.ops.routers import (
    PRIMARY,
    REPLICA,
    PrimaryReplicaRouter,
    is_pinned,
    pin_to_primary,
    unpin,
)
from cabas.orders.models import Order

router = PrimaryReplicaRouter()


@pytest.mark.django_db(transaction=True)
def test_catalogue_reads_go_to_the_replica_unless_pinned_or_in_a_transaction():
    assert router.db_for_read(Offer) == REPLICA
    assert router.db_for_read(Order) == PRIMARY  # orders never read from the replica
    with transaction.atomic():
        assert router.db_for_read(Offer) == PRIMARY  # a checkout sees its own locks
    token = pin_to_primary()
    try:
        assert router.db_for_read(Offer) == PRIMARY
    finally:
        unpin(token)
    assert router.db_for_write(Offer) == PRIMARY
    assert router.allow_migrate(REPLICA, "catalog") is False
    assert router.allow_migrate(PRIMARY, "catalog") is True


def _run(request):
    seen = {}

    def view(req):
        seen["pinned"] = is_pinned()
        return HttpResponse("ok")

    response = PrimaryPinMiddleware(view)(request)
    assert is_pinned() is False  # never leaks to the next request of the thread
    return seen["pinned"], response


def test_a_write_pins_the_request_and_the_next_seconds_of_the_browser():
    factory = RequestFactory()
    pinned, response = _run(factory.get("/paris/"))
    assert pinned is False and PIN_COOKIE not in response.cookies

    pinned, response = _run(factory.post("/commandes/valider/"))
    assert pinned is True
    cookie = response.cookies[PIN_COOKIE]
    assert cookie["httponly"] and int(cookie["max-age"]) > 0

    follow = factory.get("/commandes/suivi/x/")
    follow.COOKIES[PIN_COOKIE] = cookie.value
    assert _run(follow)[0] is True

    expired = factory.get("/paris/")
    expired.COOKIES[PIN_COOKIE] = str(int(time.time()) - 1)
    assert _run(expired)[0] is False
    forged = factory.get("/paris/")
    forged.COOKIES[PIN_COOKIE] = "soon"
    assert _run(forged)[0] is False


def test_token_clients_read_from_the_primary():
    request = RequestFactory().get("/api/v1/merchant/orders", HTTP_AUTHORIZATION="Bearer x")
    assert _run(request)[0] is True

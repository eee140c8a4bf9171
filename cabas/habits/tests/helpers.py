"""Orders placed the way a shopper places them, for the digest, offline and figures tests."""

from cabas.orders.requests import CheckoutRequest, LineRequest
from cabas.orders.services import checkout_place
from cabas.orders.tests.fixtures import new_key


def order_for(user, offer, quantity=1):
    return checkout_place(
        request=CheckoutRequest(
            idempotency_key=new_key(),
            user_id=user.pk,
            email=user.email,
            phone="06 12 34 56 78",
            name="Claire",
            lines=(LineRequest(offer.pk, quantity),),
        ),
        cart=None,
    ).checkout.orders.get()

import pytest

from cabas.orders.tests.fixtures import (  # noqa: F401
    baker,
    bookshop,
    bread,
    novel,
    offer_factory,
    shop_factory,
)
from cabas.payments.fake_stripe import serve

WEBHOOK_SECRET = "whsec_test_cabas"


@pytest.fixture
def fake_stripe():
    """A fake Stripe on loopback (threaded ``http.server``), stopped after the test."""
    fake = serve()
    yield fake
    assert fake.server is not None
    fake.server.shutdown()
    fake.server.server_close()


@pytest.fixture
def stripe_on(settings, fake_stripe):
    """Card payment configured by the environment, pointed at the fake."""
    settings.PAYMENT_PROVIDER = "stripe"
    settings.STRIPE_SECRET_KEY = "sk_test_cabas"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = fake_stripe.base_url
    return fake_stripe

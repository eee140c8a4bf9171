import pytest

from cabas.factories import (
    OfferFactory,
    ProductFactory,
    ShopFactory,
    ShopMembershipFactory,
    UserFactory,
)
from cabas.notifications.tests.test_emails import Inbox, smtp_settings  # noqa: F401


@pytest.fixture
def fromagerie(territory):
    # At the territory's centre (Paris, factories' default).
    shop = ShopFactory(
        territory=territory,
        slug="fromagerie",
        name="Fromagerie du Marché",
        lat=48.8566,
        lon=2.3522,
        opening_hours="24/7",
    )
    ShopMembershipFactory(shop=shop, user__email="fromager@example.org")
    return shop


@pytest.fixture
def far_shop(territory):
    # About 9 km west of the centre.
    return ShopFactory(
        territory=territory,
        slug="loin",
        name="Épicerie de Loin",
        lat=48.8566,
        lon=2.23,
        opening_hours="24/7",
    )


@pytest.fixture
def comte(territory):
    return ProductFactory(territory=territory, name="Comté AOP 18 mois", brand="Juraflore")


@pytest.fixture
def sold_out(fromagerie, comte):
    return OfferFactory(shop=fromagerie, product=comte, stock=0, price_cents=2490)


@pytest.fixture
def shopper(db):
    return UserFactory(email="claire@example.org")


@pytest.fixture
def other_shopper(db):
    return UserFactory(email="paul@example.org")


@pytest.fixture
def inbox(smtp_settings):  # noqa: F811
    from aiosmtpd.controller import Controller

    box = Inbox()
    controller = Controller(box, hostname="127.0.0.1", port=smtp_settings.EMAIL_PORT)
    controller.start()
    yield box
    controller.stop()


@pytest.fixture
def vapid(settings):
    """Web push configured with a fresh key pair; loopback http endpoints allowed."""
    from cabas.habits.vapid import vapid_keys_generate

    private_key, public_key = vapid_keys_generate()
    settings.WEBPUSH_VAPID_PRIVATE_KEY = private_key
    settings.WEBPUSH_VAPID_PUBLIC_KEY = public_key
    settings.WEBPUSH_CONTACT = "mailto:exploitation@cabas.example.org"
    settings.WEBPUSH_ALLOW_HTTP_LOOPBACK = True
    return settings


@pytest.fixture
def push_service():
    from .fake_push import start_fake_push_service

    service = start_fake_push_service()
    yield service
    service.server.shutdown()
    service.server.server_close()

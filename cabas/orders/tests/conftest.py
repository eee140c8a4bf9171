from cabas.orders.tests.fixtures import (  # noqa: F401
    baker,
    bookshop,
    bread,
    elsewhere_offer,
    novel,
    offer_factory,
    shop_factory,
)

"""Returning-shopper figures for the operator: returns within 30 days, followers, alerts."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cabas.factories import OfferFactory, TerritoryMembershipFactory, UserFactory
from cabas.habits.models import AlertMatch, ShopFollow
from cabas.habits.selectors import habit_figures
from cabas.habits.services import alert_for_product
from cabas.orders.models import Order

from .helpers import order_for


def backdate(order, days):
    Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - dt.timedelta(days=days))


@pytest.mark.django_db
def test_returning_share_followers_and_converted_alerts(
    client, territory, fromagerie, far_shop, shopper, other_shopper
):
    offer = OfferFactory(shop=fromagerie, stock=50)
    # Claire orders twice 10 days apart; Paul once; a third shopper twice 40 days apart.
    backdate(order_for(shopper, offer), 20)
    backdate(order_for(shopper, offer), 10)
    backdate(order_for(other_shopper, offer), 15)
    slow = UserFactory()
    backdate(order_for(slow, offer), 50)
    backdate(order_for(slow, offer), 5)
    for user in (shopper, other_shopper):
        ShopFollow.objects.create(territory=territory, shop=fromagerie, user=user)
    ShopFollow.objects.create(territory=territory, shop=far_shop, user=shopper)
    # An alert emailed 3 days ago, then the product ordered: converted. Another not.
    alert = alert_for_product(user=other_shopper, territory=territory, product_id=offer.product_id)
    AlertMatch.objects.create(
        territory=territory,
        alert=alert,
        user=other_shopper,
        offer=offer,
        event_key="stock:1",
        notified_at=timezone.now() - dt.timedelta(days=3),
        pushed_at=timezone.now() - dt.timedelta(days=3),
    )
    order_for(other_shopper, offer)
    lonely = alert_for_product(user=slow, territory=territory, product_id=offer.product_id)
    AlertMatch.objects.create(
        territory=territory,
        alert=lonely,
        user=slow,
        offer=offer,
        event_key="stock:2",
        notified_at=timezone.now() - dt.timedelta(days=2),
    )

    today = timezone.localdate()
    figures = habit_figures(territory=territory, start=today - dt.timedelta(days=60), end=today)
    # Claire (10 days), Paul (15 days → today), slow's second order within 30 days of none:
    # 50 → 5 is 45 days apart; slow's last order has no follow-up.
    assert (figures.shoppers, figures.returning) == (3, 2)
    assert figures.returning_share_pct == 67
    assert figures.followers_total == 3
    assert [(row.name, row.followers) for row in figures.top_followed] == [
        ("Fromagerie du Marché", 2),
        ("Épicerie de Loin", 1),
    ]
    assert (figures.alerts_sent, figures.alerts_converted) == (2, 1)
    assert figures.alerts_pushed == 1

    operator = TerritoryMembershipFactory(territory=territory).user
    client.force_login(operator)
    page = client.get(reverse("console:reports", args=[territory.slug])).content.decode()
    assert "Clients qui reviennent" in page and "67 %" in page
    assert "alertes envoyées en notification" in page
    assert "Commerces les plus suivis" in page and "Fromagerie du Marché" in page

"""Alert matching: a stock change or a new offer triggers exactly the alerts it should, once."""

import pytest
from django.db import transaction

from cabas.backoffice.services import NewOffer, OfferChange, offer_create, offer_update
from cabas.catalog.models import Offer, StockMovement
from cabas.catalog.services import OFFER_AVAILABLE_TASK
from cabas.catalog.stock import stock_adjust, stock_restore, stock_set
from cabas.factories import OfferFactory, ProductFactory
from cabas.habits.matching import alerts_match
from cabas.habits.models import AlertMatch, AvailabilityAlert
from cabas.habits.services import Place, alert_for_product, alert_for_search, alert_stop
from cabas.shops.models import ShopStatus
from cabas.tasks.models import Task
from cabas.tasks.services import tasks_drain
from cabas.testing.concurrency import run_in_threads

CENTRE = Place(lat=48.8566, lon=2.3522, radius_km=2)


def restock(offer, quantity=5):
    return stock_set(offer_id=offer.pk, quantity=quantity, reason=StockMovement.Reason.MANUAL)


def matching_tasks():
    return Task.objects.filter(name=OFFER_AVAILABLE_TASK)


@pytest.mark.django_db
def test_restock_from_zero_matches_the_product_alert_once(territory, shopper, sold_out, mailoutbox):
    alert = alert_for_product(user=shopper, territory=territory, product_id=sold_out.product_id)

    restock(sold_out)

    [task] = matching_tasks()
    assert task.territory_id == territory.pk
    assert AlertMatch.objects.count() == 0  # matched after commit, by the worker
    tasks_drain()
    [match] = AlertMatch.objects.all()
    assert (match.alert_id, match.offer_id, match.user_id) == (alert.pk, sold_out.pk, shopper.pk)
    assert match.event_key.startswith("stock:")
    # Replaying the same event (a retried task) writes nothing new.
    alerts_match(territory_id=territory.pk, events=task.kwargs["events"])
    assert AlertMatch.objects.count() == 1
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_a_rise_that_does_not_start_from_zero_announces_nothing(territory, shopper, sold_out):
    alert_for_product(user=shopper, territory=territory, product_id=sold_out.product_id)
    restock(sold_out, 3)
    tasks_drain()
    restock(sold_out, 8)
    stock_adjust(offer_id=sold_out.pk, delta=2, reason=StockMovement.Reason.MANUAL)
    assert matching_tasks().count() == 1
    assert AlertMatch.objects.count() == 1


@pytest.mark.django_db
def test_adjust_and_restore_from_zero_announce_too(territory, shopper, fromagerie, comte):
    alert_for_product(user=shopper, territory=territory, product_id=comte.pk)
    first = OfferFactory(shop=fromagerie, product=comte, stock=0)
    stock_adjust(offer_id=first.pk, delta=1, reason=StockMovement.Reason.MANUAL)
    other = ProductFactory(territory=territory, name="Morbier")
    second = OfferFactory(shop=fromagerie, product=other, stock=0)
    with transaction.atomic():
        stock_restore(quantities={second.pk: 2}, reference="order:1")
    assert matching_tasks().count() == 2
    tasks_drain()
    assert list(AlertMatch.objects.values_list("offer_id", flat=True)) == [first.pk]


@pytest.mark.django_db
def test_a_new_offer_matches_once_whether_stocked_or_on_request(
    territory, shopper, other_shopper, fromagerie, far_shop, comte
):
    alert_for_product(user=shopper, territory=territory, product_id=comte.pk)
    alert_for_product(user=other_shopper, territory=territory, product_id=comte.pk)

    stocked = offer_create(
        shop=fromagerie, data=NewOffer(price_cents=2490, name="x", stock=4, gtin=""), actor_id=None
    )
    assert stocked.product_id != comte.pk  # a new product by name: nobody waits for it
    with transaction.atomic():
        on_request = Offer.objects.create(
            territory=territory,
            shop=far_shop,
            product=comte,
            sku="C-1",
            price_cents=2300,
            stock=None,
        )
    tasks_drain()
    assert AlertMatch.objects.count() == 0  # created without the service: no event

    offer_update(
        shop=far_shop,
        offer=on_request,
        change=OfferChange(is_active=False),
        actor_id=None,
        reason=StockMovement.Reason.MANUAL,
    )
    offer_update(
        shop=far_shop,
        offer=on_request,
        change=OfferChange(is_active=True),
        actor_id=None,
        reason=StockMovement.Reason.MANUAL,
    )
    tasks_drain()
    assert sorted(AlertMatch.objects.values_list("user_id", flat=True)) == sorted(
        [shopper.pk, other_shopper.pk]
    )


@pytest.mark.django_db
def test_offer_create_with_stock_is_one_event_not_two(territory, shopper, fromagerie, comte):
    comte.gtin = "3017620422003"
    comte.save()
    alert_for_search(user=shopper, territory=territory, query="comte")
    offer_create(
        shop=fromagerie,
        data=NewOffer(price_cents=2490, name="Comté AOP 18 mois", stock=6),
        actor_id=None,
    )
    tasks_drain()
    assert AlertMatch.objects.count() == 1


@pytest.mark.django_db
def test_radius_suspended_shop_inactive_offer_and_stopped_alert_do_not_match(
    territory, shopper, other_shopper, fromagerie, far_shop, comte
):
    near = alert_for_product(user=shopper, territory=territory, product_id=comte.pk, place=CENTRE)
    stopped = alert_for_search(user=other_shopper, territory=territory, query="Comté")
    alert_stop(user=other_shopper, territory=territory, alert_id=stopped.pk)
    far = OfferFactory(shop=far_shop, product=comte, stock=0)
    inactive = OfferFactory(shop=fromagerie, product=comte, stock=0, is_active=False)
    restock(far)
    restock(inactive)
    tasks_drain()
    assert AlertMatch.objects.count() == 0

    suspended = OfferFactory(
        shop__territory=territory,
        shop__status=ShopStatus.SUSPENDED,
        product=comte,
        stock=0,
        shop__lat=48.8566,
        shop__lon=2.3522,
    )
    restock(suspended)
    tasks_drain()
    assert AlertMatch.objects.count() == 0

    Offer.objects.filter(pk=inactive.pk).update(is_active=True, stock=0)
    restock(inactive)
    tasks_drain()
    assert list(AlertMatch.objects.values_list("alert_id", flat=True)) == [near.pk]


@pytest.mark.django_db
def test_search_alert_matches_every_word_without_accents_only_in_its_territory(
    territory, shopper, fromagerie, comte
):
    from cabas.factories import ShopFactory, TerritoryFactory

    alert_for_search(user=shopper, territory=territory, query="COMTE juraflore")
    miss = alert_for_search(user=shopper, territory=territory, query="comté bio")
    elsewhere = TerritoryFactory(slug="ailleurs")
    foreign = OfferFactory(
        shop=ShopFactory(territory=elsewhere),
        product__name="Comté AOP",
        product__brand="Juraflore",
        stock=0,
    )
    restock(OfferFactory(shop=fromagerie, product=comte, stock=0))
    restock(foreign)
    tasks_drain()
    [match] = AlertMatch.objects.all()
    assert match.alert.query == "COMTE juraflore"
    assert not AlertMatch.objects.filter(alert=miss).exists()


@pytest.mark.django_db
def test_sold_out_and_back_before_the_email_adds_nothing(territory, shopper, sold_out, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    prefs_off = alert_for_product(user=shopper, territory=territory, product_id=sold_out.product_id)
    from cabas.habits.models import ShopperPreferences

    ShopperPreferences.objects.create(territory=territory, user=shopper, alert_emails=False)
    restock(sold_out)
    tasks_drain()
    restock(sold_out, 0)
    restock(sold_out, 2)
    tasks_drain()
    assert AlertMatch.objects.filter(alert=prefs_off).count() == 1


@pytest.mark.django_db
def test_alerts_on_a_deleted_or_foreign_product_are_refused_and_deleted_with_it(
    territory, shopper, comte
):
    from cabas.factories import TerritoryFactory
    from cabas.habits.errors import HabitError

    with pytest.raises(HabitError) as missing:
        alert_for_product(user=shopper, territory=territory, product_id=999_999)
    assert missing.value.code == "product_not_found"
    foreign = ProductFactory(territory=TerritoryFactory(slug="ailleurs"))
    with pytest.raises(HabitError):
        alert_for_product(user=shopper, territory=territory, product_id=foreign.pk)
    alert = alert_for_product(user=shopper, territory=territory, product_id=comte.pk)
    comte.delete()
    assert not AvailabilityAlert.objects.filter(pk=alert.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_replays_of_one_event_match_once(territory, shopper, sold_out):
    alert_for_product(user=shopper, territory=territory, product_id=sold_out.product_id)
    restock(sold_out)
    [task] = matching_tasks()
    events = task.kwargs["events"]
    results = run_in_threads(4, lambda _i: alerts_match(territory_id=territory.pk, events=events))
    assert [r for r in results if isinstance(r, BaseException)] == []
    assert AlertMatch.objects.count() == 1

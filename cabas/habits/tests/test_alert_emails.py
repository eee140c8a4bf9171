"""Alert emails: grouped, at most one a day unless asked, one-click unsubscribe honoured."""

import datetime as dt

import pytest
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from cabas.catalog.models import StockMovement
from cabas.catalog.stock import stock_set
from cabas.factories import OfferFactory, ProductFactory
from cabas.habits.emails import alert_email_send
from cabas.habits.models import AlertMatch, ShopperPreferences
from cabas.habits.services import alert_for_product, alert_for_search
from cabas.habits.tasks import habits_sweep
from cabas.habits.tokens import unsubscribe_token
from cabas.tasks.services import tasks_drain
from cabas.testing.concurrency import run_in_threads


def restock(offer, quantity=5):
    stock_set(offer_id=offer.pk, quantity=quantity, reason=StockMovement.Reason.MANUAL)


def unsubscribe_link(message):
    return message["List-Unsubscribe"].strip().strip("<>")


@pytest.mark.django_db
def test_alert_email_through_smtp_is_french_html_and_text_with_one_click_unsubscribe(
    inbox, territory, shopper, sold_out, client
):
    alert_for_product(user=shopper, territory=territory, product_id=sold_out.product_id)
    restock(sold_out)
    tasks_drain()

    [(rcpt, message)] = inbox.messages
    assert rcpt == ["claire@example.org"]
    assert message["Subject"].strip() == "Disponible près de chez vous : Comté AOP 18 mois"
    assert message["List-Unsubscribe-Post"].strip() == "List-Unsubscribe=One-Click"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Fromagerie du Marché" in text and "24,90" in text
    assert '<html lang="fr">' in html and "Comté AOP 18 mois" in html
    link = unsubscribe_link(message)
    assert link in text

    # The mail client's one-click POST: no session, no CSRF token.
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.post("/" + path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not ShopperPreferences.objects.get(user=shopper).alert_emails

    restock(sold_out, 0)
    restock(sold_out, 3)
    tasks_drain()
    assert len(inbox.messages) == 1  # unsubscribed: the new match is not emailed
    assert habits_sweep() == 0


@pytest.mark.django_db
def test_at_most_one_alert_email_a_day_then_the_sweep_sends_the_rest_grouped(
    territory, shopper, fromagerie, comte, mailoutbox
):
    alert_for_product(user=shopper, territory=territory, product_id=comte.pk)
    alert_for_search(user=shopper, territory=territory, query="morbier")
    alert_for_search(user=shopper, territory=territory, query="raclette")
    first = OfferFactory(shop=fromagerie, product=comte, stock=0)
    restock(first)
    tasks_drain()
    assert len(mailoutbox) == 1

    for name in ("Morbier fermier", "Raclette au lait cru"):
        restock(
            OfferFactory(
                shop=fromagerie, product=ProductFactory(territory=territory, name=name), stock=0
            )
        )
    tasks_drain()
    assert len(mailoutbox) == 1  # held back: already one email today
    assert AlertMatch.objects.filter(notified_at__isnull=True).count() == 2
    assert habits_sweep() == 0  # still within the day

    tomorrow = timezone.now() + dt.timedelta(hours=24, minutes=1)
    assert habits_sweep(now=tomorrow) == 1
    alert_email_send(user_id=shopper.pk, territory_id=territory.pk, now=tomorrow)
    assert len(mailoutbox) == 2
    grouped = mailoutbox[1]
    assert grouped.subject == "2 articles que vous attendiez sont disponibles"
    assert "Morbier fermier" in grouped.body and "Raclette au lait cru" in grouped.body
    assert AlertMatch.objects.filter(notified_at__isnull=True).count() == 0


@pytest.mark.django_db
def test_a_shopper_who_asked_gets_every_alert_at_once(territory, shopper, fromagerie, mailoutbox):
    ShopperPreferences.objects.create(territory=territory, user=shopper, alert_every_match=True)
    alert_for_search(user=shopper, territory=territory, query="beaufort")
    for _ in range(2):
        restock(
            OfferFactory(
                shop=fromagerie,
                product__territory=territory,
                product__name="Beaufort d'été",
                stock=0,
            )
        )
        tasks_drain()
    assert len(mailoutbox) == 2


@pytest.mark.django_db
def test_a_failed_smtp_send_gives_the_claim_back_and_the_retry_sends(
    smtp_settings, territory, shopper, sold_out
):
    from aiosmtpd.controller import Controller

    from cabas.notifications.tests.test_emails import Inbox

    alert_for_product(user=shopper, territory=territory, product_id=sold_out.product_id)
    restock(sold_out)
    tasks_drain()  # nobody listens on the port: the email task fails and is rescheduled
    assert AlertMatch.objects.get().notified_at is None
    assert ShopperPreferences.objects.get(user=shopper).last_alert_email_at is None
    box = Inbox()
    controller = Controller(box, hostname="127.0.0.1", port=smtp_settings.EMAIL_PORT)
    controller.start()
    try:
        assert alert_email_send(user_id=shopper.pk, territory_id=territory.pk) == 1
    finally:
        controller.stop()
    assert len(box.messages) == 1
    assert AlertMatch.objects.get().notified_at is not None


@pytest.mark.django_db
def test_forged_foreign_or_wrong_purpose_unsubscribe_links_change_nothing(
    client, territory, shopper
):
    prefs = ShopperPreferences.objects.create(
        territory=territory, user=shopper, digest_enabled=True
    )
    good = unsubscribe_token(purpose="alertes", user_id=shopper.pk, territory_id=territory.pk)
    forged = signing.dumps({"u": shopper.pk, "t": territory.pk}, salt="autre-chose")
    tampered = good[:-2] + ("AA" if not good.endswith("AA") else "BB")
    digest_token = unsubscribe_token(
        purpose="lettre", user_id=shopper.pk, territory_id=territory.pk
    )

    for purpose, token in [
        ("alertes", forged),
        ("alertes", tampered),
        ("alertes", digest_token),
        ("alertes", "n'importe-quoi"),
    ]:
        url = reverse("habits:unsubscribe", args=[territory.slug, purpose, token])
        response = client.post(url)
        assert response.status_code == 400
        assert "Ce lien de désabonnement n" in response.content.decode()
    assert client.post(f"/{territory.slug}/desabonnement/inconnu/{good}/").status_code == 404

    # A GET (a link scanner) only asks to confirm.
    url = reverse("habits:unsubscribe", args=[territory.slug, "lettre", digest_token])
    assert client.get(url).status_code == 200
    prefs.refresh_from_db()
    assert prefs.alert_emails and prefs.digest_enabled
    assert client.post(url).status_code == 200
    prefs.refresh_from_db()
    assert prefs.alert_emails and not prefs.digest_enabled


@pytest.mark.django_db(transaction=True)
def test_concurrent_email_tasks_for_one_shopper_send_one_email(
    territory, shopper, sold_out, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    alert_for_product(user=shopper, territory=territory, product_id=sold_out.product_id)
    restock(sold_out)
    from cabas.habits.matching import alerts_match
    from cabas.tasks.models import Task

    [task] = Task.objects.filter(name="habits.offers_available")
    alerts_match(**task.kwargs)
    sent = run_in_threads(
        4, lambda _i: alert_email_send(user_id=shopper.pk, territory_id=territory.pk)
    )
    assert [s for s in sent if isinstance(s, BaseException)] == []
    assert sorted(sent) == [0, 0, 0, 1]
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_the_sweep_ignores_matches_an_email_would_not_carry(
    territory, shopper, sold_out, mailoutbox
):
    alert = alert_for_product(user=shopper, territory=territory, product_id=sold_out.product_id)
    ShopperPreferences.objects.create(
        territory=territory, user=shopper, last_alert_email_at=timezone.now()
    )
    restock(sold_out)
    tasks_drain()
    assert mailoutbox == [] and AlertMatch.objects.filter(notified_at__isnull=True).count() == 1
    later = timezone.now() + dt.timedelta(days=2)
    restock(sold_out, 0)  # sold out again before the next email: nothing to say
    assert habits_sweep(now=later) == 0
    restock(sold_out, 2)
    tasks_drain()
    assert habits_sweep(now=later) == 1
    alert.is_active = False
    alert.save()
    assert habits_sweep(now=later) == 0

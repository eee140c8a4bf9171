"""The inactivity purge: warn 30 days before, then erase with the erasure service."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from cabas.accounts.models import User
from cabas.factories import ShopMembershipFactory, UserFactory
from cabas.orders.models import Order
from cabas.privacy.models import InactivityWarning
from cabas.privacy.services import inactive_accounts_purge
from cabas.tasks.models import Task
from cabas.tasks.registry import periodic_tasks
from cabas.tasks.services import tasks_drain

pytestmark = pytest.mark.django_db

DAYS = 1095


def _age(user, days):
    moment = timezone.now() - dt.timedelta(days=days)
    User.objects.filter(pk=user.pk).update(date_joined=moment, last_login=moment)
    Order.objects.filter(user=user).update(created_at=moment)


def test_dry_run_reports_and_writes_nothing(shopper):
    _age(shopper, DAYS + 10)
    tasks_before = Task.objects.count()

    call_command("purge_inactive_accounts", "--days", str(DAYS), "--dry-run")

    assert not InactivityWarning.objects.exists()
    assert Task.objects.count() == tasks_before
    shopper.refresh_from_db()
    assert shopper.email == "claire@example.org"


def test_warns_first_then_erases_after_the_notice(shopper, other):
    _age(shopper, DAYS - 10)  # reaches the limit within the 30 days of notice
    now = timezone.now()

    first = inactive_accounts_purge(days=DAYS, now=now)
    again = inactive_accounts_purge(days=DAYS, now=now)

    assert first.warned == [shopper.pk] and first.erased == []
    assert again.warned == [] and again.erased == []  # idempotent
    tasks_drain()
    assert mail.outbox[-1].to == ["claire@example.org"]
    assert "sera supprimé" in mail.outbox[-1].subject

    later = inactive_accounts_purge(days=DAYS, now=now + dt.timedelta(days=31))

    assert later.erased == [shopper.pk]
    shopper.refresh_from_db()
    assert shopper.email == f"erased-{shopper.pk}@invalid" and not shopper.is_active
    assert Order.objects.filter(user=shopper).count() == 1  # kept, anonymised
    other.refresh_from_db()
    assert other.is_active and other.email == "bob@example.org"
    assert inactive_accounts_purge(days=DAYS, now=now + dt.timedelta(days=32)).erased == []


def test_activity_after_the_warning_saves_the_account(shopper):
    _age(shopper, DAYS - 10)
    now = timezone.now()
    inactive_accounts_purge(days=DAYS, now=now)
    User.objects.filter(pk=shopper.pk).update(last_login=now + dt.timedelta(days=5))

    report = inactive_accounts_purge(days=DAYS, now=now + dt.timedelta(days=31))

    assert report.erased == []
    shopper.refresh_from_db()
    assert shopper.is_active


def test_merchants_and_admins_are_not_purged(shop):
    merchant = UserFactory()
    ShopMembershipFactory(shop=shop, user=merchant)
    admin = UserFactory(is_staff=True)
    for user in (merchant, admin):
        _age(user, DAYS + 100)

    report = inactive_accounts_purge(days=DAYS)

    assert report.warned == [] and report.erased == []


def test_purge_is_a_daily_periodic_task():
    assert periodic_tasks()["privacy.purge_inactive_accounts"] == dt.timedelta(days=1)

"""Forgotten password: a one-use link by email through the task queue, nothing revealed."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from cabas.accounts import throttle
from cabas.accounts.models import User
from cabas.accounts.services import PASSWORD_RESET_TASK
from cabas.factories import UserFactory
from cabas.tasks.models import Task
from cabas.tasks.services import tasks_drain

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "un-nouveau-secret-2026"


def _ask(client, email, ip="203.0.113.8"):
    return client.post(reverse("accounts:password_reset"), {"email": email}, REMOTE_ADDR=ip)


def test_the_link_resets_the_password_once_and_ends_other_sessions(client):
    user = UserFactory(email="oubli@example.org")
    other_device = client.__class__()
    assert other_device.login(username=user.email, password="motdepasse-solide-42")

    answer = _ask(client, "OUBLI@example.org")
    assert answer.status_code == 302
    assert answer["Location"] == reverse("accounts:password_reset_sent")
    assert mail.outbox == []  # nothing sent inside the request: the worker sends it
    assert tasks_drain() == 1
    [email] = mail.outbox
    assert email.to == [user.email]
    link = re.search(r"https?://\S+/nouveau-mot-de-passe/\S+/", email.body).group(0)
    assert link in email.alternatives[0][0]

    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200 and form_page.context["validlink"]
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done.status_code == 302 and done["Location"] == reverse("accounts:password_reset_done")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    # The session opened elsewhere with the old password is over.
    assert "_auth_user_id" not in other_device.get(reverse("orders:list")).wsgi_request.session
    # The link was spent.
    again = client.get(path, follow=True)
    assert again.context["validlink"] is False


def test_an_unknown_address_looks_the_same_and_sends_nothing(client):
    answer = _ask(client, "personne@example.org")
    assert answer.status_code == 302
    assert answer["Location"] == reverse("accounts:password_reset_sent")
    assert not Task.objects.filter(name=PASSWORD_RESET_TASK).exists()


def test_a_weak_new_password_is_refused(client):
    user = UserFactory(email="faible@example.org")
    _ask(client, user.email)
    tasks_drain()
    link = re.search(r"https?://testserver(/\S+/nouveau-mot-de-passe/\S+/)", mail.outbox[0].body)
    page = client.get(link.group(1), follow=True)
    answer = client.post(
        page.redirect_chain[-1][0], {"new_password1": "12345678", "new_password2": "12345678"}
    )
    assert answer.status_code == 200
    assert answer.context["form"].errors
    assert User.objects.get(pk=user.pk).check_password("motdepasse-solide-42")


def test_requests_are_throttled_per_address(client):
    user = UserFactory(email="inonde@example.org")
    for _ in range(throttle.MAX_RESETS_PER_EMAIL + 2):
        assert _ask(client, user.email).status_code == 302
    assert Task.objects.filter(name=PASSWORD_RESET_TASK).count() == throttle.MAX_RESETS_PER_EMAIL


def test_a_forged_link_is_refused(client):
    page = client.get(
        reverse("accounts:password_reset_confirm", kwargs={"uidb64": "MQ", "token": "faux-jeton"}),
        follow=True,
    )
    assert page.status_code == 200
    assert page.context["validlink"] is False
    assert "plus valable" in page.content.decode()

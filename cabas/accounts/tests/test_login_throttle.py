"""Password guessing is cut off per address and per client IP, without checking passwords."""

from unittest import mock

import pytest
from django.urls import reverse

from cabas.accounts import throttle
from cabas.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "motdepasse-solide-42"


def _login(client, email, password, ip="203.0.113.5"):
    return client.post(
        reverse("accounts:login"), {"username": email, "password": password}, REMOTE_ADDR=ip
    )


def test_an_address_is_blocked_after_five_failures_even_with_the_right_password(client):
    user = UserFactory(email="cible@example.org")
    for _ in range(throttle.MAX_FAILURES_PER_EMAIL):
        assert _login(client, user.email, "mauvais-mot-de-passe").status_code == 200

    with mock.patch("django.contrib.auth.authenticate") as authenticate:
        answer = _login(client, user.email, PASSWORD)
    assert answer.status_code == 429
    assert "Trop de tentatives" in answer.content.decode()
    authenticate.assert_not_called()  # no password hash computed while blocked
    assert "_auth_user_id" not in client.session

    # Another address from another IP is not affected.
    other = UserFactory(email="autre@example.org")
    assert _login(client, other.email, PASSWORD, ip="198.51.100.7").status_code == 302


def test_one_ip_trying_many_addresses_is_blocked(client):
    for i in range(throttle.MAX_FAILURES_PER_IP):
        _login(client, f"personne{i}@example.org", "mauvais")
    user = UserFactory(email="nouvelle@example.org")
    assert _login(client, user.email, PASSWORD).status_code == 429
    assert _login(client, user.email, PASSWORD, ip="198.51.100.9").status_code == 302


def test_a_success_clears_the_address_counter(client):
    user = UserFactory(email="distraite@example.org")
    for _ in range(throttle.MAX_FAILURES_PER_EMAIL - 1):
        _login(client, user.email, "mauvais")
    assert _login(client, user.email, PASSWORD).status_code == 302
    client.logout()
    for _ in range(throttle.MAX_FAILURES_PER_EMAIL - 1):
        _login(client, user.email, "mauvais")
    assert _login(client, user.email, PASSWORD).status_code == 302


def test_the_address_is_matched_case_insensitively(client):
    user = UserFactory(email="casse@example.org")
    for _ in range(throttle.MAX_FAILURES_PER_EMAIL):
        _login(client, "CASSE@example.org", "mauvais")
    assert _login(client, user.email, PASSWORD).status_code == 429

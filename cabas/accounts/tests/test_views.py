"""Sign-up, login and logout through the pages a shopper uses."""

import re

import pytest
from django.contrib.auth import SESSION_KEY

from cabas.accounts.models import User
from cabas.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "un-cabas-bien-rempli-42"


def test_signup_page_labels_every_field(client):
    html = client.get("/compte/inscription/").content.decode()

    for field in ("id_email", "id_password1", "id_password2"):
        assert f'<label for="{field}">' in html
    assert 'autocomplete="new-password"' in html


def test_signup_creates_the_account_hashes_with_argon2_and_logs_in(client):
    # When a visitor signs up
    response = client.post(
        "/compte/inscription/",
        {"email": "Camille@Example.org", "password1": PASSWORD, "password2": PASSWORD},
    )

    # Then the account exists with a lower-case email and an Argon2 hash
    user = User.objects.get()
    assert user.email == "camille@example.org"
    assert user.password.startswith("argon2")
    # and the visitor is logged in and sent on
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert int(client.session[SESSION_KEY]) == user.pk


def test_signup_goes_back_to_a_safe_next_page_only(client):
    safe = client.post(
        "/compte/inscription/?next=/paris/",
        {"email": "a@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    client.logout()
    unsafe = client.post(
        "/compte/inscription/",
        {
            "email": "b@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "next": "https://evil.example.com/",
        },
    )

    assert safe["Location"] == "/paris/"
    assert unsafe["Location"] == "/"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"email": "pas-un-email", "password1": PASSWORD, "password2": PASSWORD},
            "Saisissez une adresse de courriel valide.",
        ),
        (
            {"email": "c@example.org", "password1": PASSWORD, "password2": PASSWORD + "x"},
            "Les deux mots de passe ne correspondent pas.",
        ),
        (
            {"email": "c@example.org", "password1": "court", "password2": "court"},
            "Ce mot de passe est trop court.",
        ),
        (
            {"email": "c@example.org", "password1": "12345678901", "password2": "12345678901"},
            "Ce mot de passe est entièrement numérique.",
        ),
        (
            {"email": "c@example.org", "password1": "motdepasse", "password2": "motdepasse"},
            "Ce mot de passe est trop courant.",
        ),
        ({"email": "", "password1": "", "password2": ""}, "Ce champ est obligatoire."),
    ],
)
def test_signup_errors_are_in_french_and_create_nothing(client, data, message):
    response = client.post("/compte/inscription/", data)

    assert response.status_code == 200
    html = response.content.decode()
    assert message.replace("'", "&#x27;") in html
    assert 'aria-invalid="true"' in html
    assert User.objects.count() == 0


def test_signup_with_a_taken_email_in_another_case_is_refused(client):
    UserFactory(email="deja@example.org")

    response = client.post(
        "/compte/inscription/",
        {"email": "DEJA@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert "Un compte existe déjà avec cette adresse e-mail." in response.content.decode()
    assert User.objects.count() == 1


def test_login_renews_the_session_and_accepts_any_email_case(client):
    # Given an account and a visitor with a session already
    UserFactory(email="lea@example.org", password=PASSWORD)
    client.get("/compte/connexion/")
    session = client.session
    session["panier"] = "garde"
    session.save()
    before = session.session_key

    # When they log in
    response = client.post(
        "/compte/connexion/?next=/paris/", {"username": "Lea@Example.org", "password": PASSWORD}
    )

    # Then they are logged in under a new session key
    assert response.status_code == 302 and response["Location"] == "/paris/"
    assert client.session.session_key != before
    assert SESSION_KEY in client.session


def test_login_with_a_wrong_password_says_so_in_french(client):
    UserFactory(email="lea@example.org", password=PASSWORD)

    response = client.post(
        "/compte/connexion/", {"username": "lea@example.org", "password": "mauvais"}
    )

    assert response.status_code == 200
    assert "Saisissez" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_header_logout_form_logs_out_with_post(client):
    # Given a logged-in shopper
    user = UserFactory(email="lea@example.org", password=PASSWORD)
    client.force_login(user)
    html = client.get("/compte/inscription/", follow=True).content.decode()
    assert "lea@example.org" in html
    form = re.search(r'<form action="/compte/deconnexion/" method="post">', html)
    assert form

    # When they press "Se déconnecter"
    response = client.post("/compte/deconnexion/", {"next": "/"})

    # Then they are logged out; a GET does not log out
    assert response.status_code == 302
    assert SESSION_KEY not in client.session
    assert client.get("/compte/deconnexion/").status_code == 405


def test_english_signup_page(client):
    html = client.get("/en/compte/inscription/").content.decode()

    assert "Create an account" in html and "Email address" in html

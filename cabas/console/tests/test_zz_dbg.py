import pytest
from django.utils import translation
from cabas.console.tests.fixtures import world_a, operator_client, fast_password_hashing  # noqa

pytestmark = pytest.mark.django_db

def test_one(client, world_a):
    client.get("/en/aval/")
    print("after en:", translation.get_language())

def test_two(operator_client, world_a):
    print("start:", translation.get_language())
    r = operator_client.get("/aval/console/coursier/")
    print("lang attr:", r.content.decode()[:120])
    r = operator_client.get("/aval/")
    print("home:", r.content.decode()[:80])

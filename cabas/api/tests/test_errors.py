import pytest
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from ninja import NinjaAPI, Router
from ninja.errors import AuthenticationError, Throttled
from ninja.testing import TestClient

from cabas.api.errors import ApiError, install_error_handlers

from .contract import assert_error


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post", "put", "delete"])
@pytest.mark.parametrize(
    "path", ["/api/v1/nope", "/api/v1/territories/", "/api/v1/territories/ville/offres"]
)
def test_an_unknown_url_under_the_api_is_a_json_404(client, method, path):
    error = assert_error(getattr(client, method)(path), 404, "not_found")

    assert error["details"] == {"path": path}


@pytest.mark.django_db
def test_the_project_404_answers_json_for_other_api_paths(client):
    # Served by the project's handler404 (cabas.web.errors), not by the v1 API.
    response = client.get("/api/v2/territories")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/v1/territories"),
        ("delete", "/api/v1/territories/ville"),
        ("put", "/api/v1/territories/ville/shops"),
        ("patch", "/api/v1/territories/ville/shops/boutique"),
        ("post", "/api/v1/territories/ville/categories"),
    ],
)
def test_a_wrong_method_is_a_json_405_naming_the_allowed_ones(client, territory, method, path):
    response = getattr(client, method)(path)

    error = assert_error(response, 405, "method_not_allowed")
    assert error["details"] == {"allowed": ["GET"]}
    assert response["Allow"] == "GET"


@pytest.mark.django_db
def test_a_validation_error_lists_every_bad_field_with_loc_and_msg(client, territory):
    response = client.get(
        "/api/v1/territories/ville/shops", {"limit": "0", "lat": "nord", "lon": "2.35"}
    )

    error = assert_error(response, 422, "validation_error")
    locs = sorted(tuple(detail["loc"]) for detail in error["details"])
    assert locs == [("query", "lat"), ("query", "limit")]
    for detail in error["details"]:
        assert set(detail) == {"loc", "msg", "type"}
        assert detail["msg"]


@pytest.mark.django_db
def test_error_messages_are_french_by_default_and_english_on_request(client, territory):
    url = "/api/v1/territories/ville/shops"

    french = assert_error(client.get(url, {"lat": "48.8"}), 422, "validation_error")
    english = assert_error(
        client.get(url, {"lat": "48.8"}, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9"),
        422,
        "validation_error",
    )
    not_found = assert_error(
        client.get("/api/v1/territories/atlantide", HTTP_ACCEPT_LANGUAGE="en"), 404, "not_found"
    )

    assert french["message"] == "Paramètres invalides."
    assert french["details"][0]["msg"] == "lat et lon vont ensemble."
    assert english["message"] == "Invalid parameters."
    assert english["details"][0]["msg"] == "lat and lon go together."
    assert not_found["message"] == "Territory not found."


@pytest.mark.django_db
def test_responses_say_their_language_and_vary_on_it(client, territory):
    french = client.get("/api/v1/territories")
    english = client.get("/api/v1/territories", HTTP_ACCEPT_LANGUAGE="en")

    assert french["Content-Language"] == "fr"
    assert english["Content-Language"] == "en"
    assert "Accept-Language" in english["Vary"]


@pytest.mark.django_db
def test_too_many_query_parameters_is_a_400_not_a_500(client, territory):
    query = "&".join(f"p{i}=1" for i in range(1_100))

    assert_error(client.get(f"/api/v1/territories/ville/shops?{query}"), 400, "bad_request")


@pytest.mark.django_db
def test_a_malformed_query_string_is_read_not_refused(client, territory):
    response = client.get("/api/v1/territories/ville/shops?q=%ZZ%E9%&&=&limit=5")

    assert response.status_code == 200


@pytest.mark.django_db
def test_the_api_root_points_to_its_docs(client):
    response = client.get("/api/v1/")

    assert response.status_code == 200
    assert response.json() == {
        "name": "Cabas API",
        "version": "1",
        "openapi": "http://testserver/api/v1/openapi.json",
        "docs": "http://testserver/api/v1/docs",
        "territories": "http://testserver/api/v1/territories",
    }


def domain_client():
    """An API with the Cabas error handlers and endpoints that fail on purpose."""
    api = NinjaAPI(urls_namespace="errors-under-test")
    install_error_handlers(api)
    router = Router()

    @router.get("/sold-out")
    def sold_out(request):
        raise ApiError("out_of_stock", "Plus de stock.", 409, {"offer_id": 7})

    @router.get("/http404")
    def http404(request):
        raise Http404("gone")

    @router.get("/bug")
    def bug(request):
        raise ZeroDivisionError

    @router.get("/throttled")
    def throttled(request):
        raise Throttled(wait=30)

    @router.get("/anonymous")
    def anonymous(request):
        raise AuthenticationError()

    @router.get("/forged")
    def forged(request):
        raise SuspiciousOperation("forged header")

    api.add_router("", router)
    return TestClient(api)


def test_an_api_error_keeps_its_code_status_message_and_details():
    error = assert_error(domain_client().get("/sold-out"), 409, "out_of_stock")

    assert error["message"] == "Plus de stock."
    assert error["details"] == {"offer_id": 7}


def test_http404_raised_anywhere_is_the_json_404():
    assert_error(domain_client().get("/http404"), 404, "not_found")


def test_ninja_http_errors_get_a_code(caplog):
    throttled = domain_client().get("/throttled")

    error = assert_error(throttled, 429, "too_many_requests")
    assert error["details"] == {"retry_after_seconds": 30}
    assert throttled["Retry-After"] == "30"
    assert_error(domain_client().get("/anonymous"), 401, "unauthorized")
    assert_error(domain_client().get("/forged"), 400, "bad_request")


def test_a_bug_is_a_logged_json_500_without_internals(caplog):
    response = domain_client().get("/bug")

    error = assert_error(response, 500, "internal_error")
    assert "ZeroDivisionError" not in response.content.decode()
    assert error["details"] is None
    assert any(record.exc_info for record in caplog.records)

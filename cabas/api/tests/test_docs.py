import json
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from .contract import assert_page

CONTRACT_PATHS = {
    "/api/v1/territories",
    "/api/v1/territories/{slug}",
    "/api/v1/territories/{slug}/shops",
    "/api/v1/territories/{slug}/shops/{shop_slug}",
    "/api/v1/territories/{slug}/categories",
}


@pytest.fixture
def plain_static_files(settings):
    """Without collectstatic's manifest, {% static %} resolves to plain /static/ paths."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.mark.django_db
def test_openapi_document_is_json_with_the_contract_paths(client):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Cabas API"
    assert schema["info"]["version"] == "1"
    assert "Accept-Language" in schema["info"]["description"]
    assert set(schema["paths"]) >= CONTRACT_PATHS


@pytest.mark.django_db
def test_openapi_documents_the_error_shape_and_paged_lists(client):
    schema = client.get("/api/v1/openapi.json").json()

    for path in CONTRACT_PATHS:
        operation = schema["paths"][path]["get"]
        for status, response in operation["responses"].items():
            ref = response["content"]["application/json"]["schema"]["$ref"]
            if status.startswith("4"):
                assert ref.endswith("/ErrorOut"), (path, status)
    shops = schema["paths"]["/api/v1/territories/{slug}/shops"]["get"]
    paged = shops["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    paged_schema = schema["components"]["schemas"][paged.rsplit("/", 1)[-1]]
    assert set(paged_schema["properties"]) == {"count", "results"}
    parameters = {p["name"]: p for p in shops["parameters"]}
    assert {"q", "category", "service", "open_now", "lat", "lon", "radius_km", "postcode"} <= set(
        parameters
    )
    assert parameters["limit"]["schema"]["maximum"] == 100
    assert parameters["offset"]["schema"]["minimum"] == 0
    shop_out = schema["components"]["schemas"]["ShopOut"]
    assert shop_out["properties"]["next_change"]["examples"]


@pytest.mark.django_db
def test_docs_page_loads_nothing_from_another_host(client, plain_static_files):
    response = client.get("/api/v1/docs")

    assert response.status_code == 200
    html = response.content.decode()
    assert not re.findall(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/", html, flags=re.IGNORECASE)
    assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
    assert any(asset.endswith("swagger-ui-bundle.js") for asset in assets)
    for asset in assets:
        assert asset.startswith("/static/"), asset
        assert finders.find(asset.removeprefix("/static/")), asset
    # The bundle would call the public swagger.io validator unless told not to.
    settings_json = re.search(
        r'<script type="application/json" id="swagger-settings">(.*?)</script>', html, re.S
    )
    assert settings_json is not None
    assert json.loads(settings_json.group(1))["validatorUrl"] is None


@pytest.mark.django_db
def test_swagger_start_script_calls_no_other_host():
    path = finders.find("ninja/swagger-ui-init.js")
    assert path is not None

    script = Path(path).read_text(encoding="utf-8")

    assert not re.findall(r"https?://", script)


@pytest.mark.django_db
def test_the_openapi_example_parameters_are_accepted_by_the_api(client, territory):
    # The documented examples must be valid input, not a 422.
    schema = client.get("/api/v1/openapi.json").json()
    parameters = schema["paths"]["/api/v1/territories/{slug}/shops"]["get"]["parameters"]
    examples = {
        p["name"]: p["example"] for p in parameters if "example" in p and p["in"] == "query"
    }
    examples.pop("postcode")  # a centre is a point or a postcode, not both
    examples.pop("category")  # the taxonomy of this test database is empty

    response = client.get("/api/v1/territories/ville/shops", examples)

    assert_page(response)

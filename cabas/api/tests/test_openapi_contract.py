"""The OpenAPI document describes every operation well enough to integrate without guessing."""

from __future__ import annotations

import json

import pytest

from cabas.api.openapi import HTTP_METHODS

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return json.loads(response.content)


def _operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield f"{method.upper()} {path}", operation


def _resolve(document, schema):
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = document["components"]["schemas"][name]
    return schema


def test_every_operation_has_a_summary(document):
    missing = [label for label, operation in _operations(document) if not operation.get("summary")]

    assert missing == []


def test_every_operation_documents_its_errors_in_the_error_shape(document):
    problems = []
    for label, operation in _operations(document):
        errors = {s: r for s, r in operation["responses"].items() if s.startswith(("4", "5"))}
        if "429" not in errors:
            problems.append((label, "no 429"))
        for status, response in errors.items():
            schema = response.get("content", {}).get("application/json", {}).get("schema", {})
            if schema.get("$ref") != "#/components/schemas/ErrorOut":
                problems.append((label, status))

    assert problems == []


def test_token_operations_document_401_and_403(document):
    missing = [
        label
        for label, operation in _operations(document)
        if operation.get("security") and not {"401", "403"} <= set(operation["responses"])
    ]

    assert missing == []


def test_every_request_body_has_an_example(document):
    missing = []
    for label, operation in _operations(document):
        body = operation.get("requestBody")
        if body is None:
            continue
        for media in body["content"].values():
            schema = _resolve(document, media.get("schema", {}))
            if not (media.get("example") or media.get("examples") or schema.get("examples")):
                missing.append(label)

    assert missing == []


def test_the_error_schema_has_an_example_of_each_field(document):
    body = document["components"]["schemas"]["ErrorBody"]

    assert all(field.get("examples") for field in body["properties"].values())

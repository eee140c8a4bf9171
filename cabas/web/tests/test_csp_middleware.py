"""The CSP middleware writes the policy django-csp would build, prepared once."""

from __future__ import annotations

import pytest
from csp.constants import HEADER, HEADER_REPORT_ONLY, NONCE
from csp.exceptions import CSPNonceError
from csp.utils import build_policy
from django.http import HttpResponse
from django.test import RequestFactory

from cabas.web.csp_middleware import CSPMiddleware


def _answer(response: HttpResponse | None = None, path: str = "/", touch_nonce: bool = False):
    request = RequestFactory().get(path)
    middleware = CSPMiddleware(lambda r: response or HttpResponse("ok"))
    middleware.process_request(request)
    if touch_nonce:
        str(request.csp_nonce)
    return request, middleware.process_response(request, response or HttpResponse("ok"))


def test_the_header_is_the_policy_django_csp_builds():
    _request, response = _answer()

    assert response[HEADER] == build_policy()
    assert "default-src 'self'" in response[HEADER]
    assert HEADER_REPORT_ONLY not in response


def test_a_settings_change_changes_the_header(settings):
    _answer()  # the header of the current settings is prepared
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"img-src": ["'self'"]}}

    _request, response = _answer()

    assert response[HEADER] == "default-src 'none'"
    assert response[HEADER_REPORT_ONLY] == build_policy(report_only=True)
    assert "img-src 'self'" in response[HEADER_REPORT_ONLY]


def test_a_response_with_its_own_policy_gets_it():
    own = HttpResponse("ok")
    own._csp_update = {"img-src": ["https://tiles.example.org"]}  # as @csp_update sets it

    _request, response = _answer(own)

    assert "https://tiles.example.org" in response[HEADER]
    assert response[HEADER] != build_policy()


def test_exempt_and_excluded_responses_get_no_header(settings):
    exempt = HttpResponse("ok")
    exempt._csp_exempt = True
    assert HEADER not in _answer(exempt)[1]

    settings.CONTENT_SECURITY_POLICY = {
        **settings.CONTENT_SECURITY_POLICY,
        "EXCLUDE_URL_PREFIXES": ["/excluded/"],
    }
    assert HEADER not in _answer(path="/excluded/page")[1]
    assert HEADER in _answer(path="/included/page")[1]


def test_a_header_already_set_is_kept():
    own = HttpResponse("ok")
    own[HEADER] = "default-src 'none'"

    assert _answer(own)[1][HEADER] == "default-src 'none'"


def test_debug_error_pages_get_no_header(settings):
    settings.DEBUG = True

    assert HEADER not in _answer(HttpResponse(status=500))[1]
    assert HEADER in _answer(HttpResponse(status=403))[1]


def test_a_nonce_is_written_into_the_policy_that_asks_for_it(settings):
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"script-src": ["'self'", NONCE]}}

    request, response = _answer(touch_nonce=True)

    assert f"'nonce-{request._csp_nonce}'" in response[HEADER]


def test_asking_for_a_nonce_after_the_header_is_written_is_an_error():
    request, _response = _answer()

    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)

"""Whatever a shopper types, search answers (results or nothing), never an error."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cabas.search.selectors import SearchFilters, autocomplete, search_offers

from .conftest import WEDNESDAY_10AM

pytestmark = pytest.mark.django_db

HOSTILE = [
    "",
    " ",
    '"',
    '"chocolat',
    "*",
    "choc*",
    ":",
    "name_text:chocolat",
    "^chocolat",
    "NEAR(chocolat noir, 2)",
    "chocolat AND noir",
    "chocolat OR",
    "NOT chocolat",
    "(",
    "((chocolat)",
    "chocolat & noir | !lait",
    "chocolat:*",
    "'; DROP TABLE catalog_offer; --",
    "1 OR 1=1",
    "%' OR '1'='1",
    "\x00",
    "choco\x00lat",
    "\x1b[31mrouge",
    "🍫🍫🍫",
    "chocolat 🍫",
    "巧克力",
    "ﬁlet",
    "a" * 10_000,
    "chocolat " * 2_000,
    "é" * 5_000,
    "\u202e\u200b\ufeff",
    "\ud800",
]


def _search(territory, q):
    return search_offers(territory=territory, query=q, filters=SearchFilters(), at=WEDNESDAY_10AM)


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_never_breaks_search(catalogue, text):
    result = _search(catalogue.territory, text)
    suggestions = autocomplete(territory=catalogue.territory, prefix=text)

    assert result.count >= 0
    assert isinstance(suggestions, list)


def test_operators_and_quotes_are_read_as_words(catalogue):
    quoted = _search(catalogue.territory, '"chocolat" (noir*')
    with_operator = _search(catalogue.territory, "chocolat AND noir")

    assert quoted.offers[0].product.name == "Chocolat noir 70 %"
    assert quoted.did_you_mean is None
    # "and" is a word no product holds: the products with the other words come first.
    assert with_operator.offers[0].product.name == "Chocolat noir 70 %"


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=st.text(max_size=300))
def test_any_text_searches_without_error(catalogue, text):
    result = _search(catalogue.territory, text)
    autocomplete(territory=catalogue.territory, prefix=text)

    assert result.count == sum(1 for _ in result.offers) or result.count > len(result.offers)

import pytest

from cabas.api.pagination import Projected
from cabas.factories import ShopFactory

from .contract import assert_error, assert_page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "101"}, "limit"),
        ({"limit": "-5"}, "limit"),
        ({"limit": "vingt"}, "limit"),
        ({"limit": "2.5"}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"offset": "dix"}, "offset"),
        ({"offset": "99999999999999999999999999"}, "offset"),
    ],
)
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/territories",
        "/api/v1/territories/ville/shops",
        "/api/v1/territories/ville/categories",
    ],
)
def test_out_of_range_limit_or_offset_is_a_validation_error(client, territory, url, params, field):
    error = assert_error(client.get(url, params), 422, "validation_error")

    assert [detail["loc"] for detail in error["details"]] == [["query", field]]


@pytest.mark.django_db
def test_lists_default_to_20_results_and_accept_up_to_100(client, territory):
    for i in range(105):
        ShopFactory(territory=territory, slug=f"commerce-{i:03d}", name=f"Commerce {i:03d}")

    default = assert_page(client.get("/api/v1/territories/ville/shops"))
    most = assert_page(client.get("/api/v1/territories/ville/shops", {"limit": 100}))
    last = assert_page(client.get("/api/v1/territories/ville/shops", {"limit": 100, "offset": 100}))

    assert default["count"] == most["count"] == last["count"] == 105
    assert len(default["results"]) == 20
    assert len(most["results"]) == 100
    assert [row["slug"] for row in last["results"]] == [f"commerce-{i}" for i in range(100, 105)]


def test_projected_rows_are_projected_only_for_the_page():
    projected_rows = []

    def project(row):
        projected_rows.append(row)
        return {"n": row}

    page = Projected(list(range(1_000)), project)[10:13]

    assert len(Projected(list(range(1_000)), project)) == 1_000
    assert page == [{"n": 10}, {"n": 11}, {"n": 12}]
    assert projected_rows == [10, 11, 12]

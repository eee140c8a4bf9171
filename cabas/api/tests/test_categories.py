import pytest

from cabas.factories import CategoryFactory, ShopFactory
from cabas.shops.models import ShopStatus

from .contract import assert_error, assert_page


def categories_url(territory):
    return f"/api/v1/territories/{territory.slug}/categories"


@pytest.mark.django_db
def test_categories_are_families_with_rayons_and_public_shop_counts(
    client, territory, other_territory, taxonomy
):
    ShopFactory.create_batch(2, territory=territory, category=taxonomy["fromagerie"])
    ShopFactory(territory=territory, category=taxonomy["boulangerie"])
    ShopFactory(territory=territory, category=taxonomy["boulangerie"], status=ShopStatus.DRAFT)
    ShopFactory(territory=other_territory, category=taxonomy["librairie"])

    body = assert_page(client.get(categories_url(territory)))

    assert body == {
        "count": 1,
        "results": [
            {
                "slug": "alimentation",
                "name": "Alimentation",
                "shop_count": 3,
                "children": [
                    {"slug": "boulangerie", "name": "Boulangerie", "shop_count": 1},
                    {"slug": "fromagerie", "name": "Fromagerie", "shop_count": 2},
                ],
            }
        ],
    }


@pytest.mark.django_db
def test_include_empty_gives_the_whole_taxonomy(client, territory, taxonomy):
    ShopFactory(territory=territory, category=taxonomy["librairie"])

    body = assert_page(client.get(categories_url(territory), {"include_empty": "true"}))

    assert [family["slug"] for family in body["results"]] == ["alimentation", "culture-loisirs"]
    food, culture = body["results"]
    assert food["shop_count"] == 0
    assert [(c["slug"], c["shop_count"]) for c in food["children"]] == [
        ("boulangerie", 0),
        ("fromagerie", 0),
    ]
    assert culture["shop_count"] == 1
    assert culture["children"] == [{"slug": "librairie", "name": "Librairie", "shop_count": 1}]


@pytest.mark.django_db
def test_a_shop_filed_under_a_family_counts_for_the_family(client, territory, taxonomy):
    ShopFactory(territory=territory, category=taxonomy["alimentation"])

    body = assert_page(client.get(categories_url(territory)))

    assert body["results"] == [
        {"slug": "alimentation", "name": "Alimentation", "shop_count": 1, "children": []}
    ]


@pytest.mark.django_db
def test_category_names_are_in_english_on_request(client, territory, taxonomy):
    ShopFactory(territory=territory, category=taxonomy["fromagerie"])
    CategoryFactory(slug="sans-traduction", name="Sans traduction", parent=taxonomy["alimentation"])
    ShopFactory(territory=territory, category=CategoryFactory(slug="sans-traduction"))

    body = assert_page(client.get(categories_url(territory), HTTP_ACCEPT_LANGUAGE="en-GB,en"))

    family = body["results"][0]
    assert family["name"] == "Food"
    assert {c["slug"]: c["name"] for c in family["children"]} == {
        "fromagerie": "Cheese shop",
        "sans-traduction": "Sans traduction",
    }


@pytest.mark.django_db
def test_categories_of_an_unknown_territory_are_a_json_404(client):
    assert_error(client.get("/api/v1/territories/atlantide/categories"), 404, "not_found")


@pytest.mark.django_db
def test_categories_query_count_is_constant(
    client, territory, taxonomy, django_assert_max_num_queries
):
    for i in range(30):
        ShopFactory(territory=territory, category=taxonomy["fromagerie" if i % 2 else "librairie"])

    with django_assert_max_num_queries(4):
        assert_page(client.get(categories_url(territory), {"include_empty": "1"}))

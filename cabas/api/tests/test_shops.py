import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cabas.factories import (
    CategoryFactory,
    PostalCodeFactory,
    ShopClosureFactory,
    ShopFactory,
)
from cabas.shops.models import ShopStatus
from cabas.shops.selectors import clean_search_text

from .contract import assert_error, assert_page

SHOP_FIELDS = {
    "slug",
    "name",
    "category",
    "category_name",
    "address",
    "postcode",
    "city",
    "lat",
    "lon",
    "opening_hours",
    "open_now",
    "open_state",
    "next_change",
    "services",
    "distance_km",
    "url",
}

CENTRE = (48.8566, 2.3522)
# One hundredth of a degree of latitude is 1.11 km on the mean Earth radius.
KM_PER_HUNDREDTH_DEGREE = 1.11


def shops_url(territory):
    return f"/api/v1/territories/{territory.slug}/shops"


def slugs(body):
    return [row["slug"] for row in body["results"]]


@pytest.mark.django_db
def test_shop_list_item_has_the_contract_fields(client, territory, taxonomy, frozen_now):
    ShopFactory(
        territory=territory,
        slug="fromagerie-martin",
        name="Fromagerie Martin",
        category=taxonomy["fromagerie"],
        offers_click_collect=True,
        offers_delivery=True,
        accepts_vouchers=True,
    )

    body = assert_page(client.get(shops_url(territory)))

    assert body["count"] == 1
    shop = body["results"][0]
    assert set(shop) == SHOP_FIELDS
    assert shop["slug"] == "fromagerie-martin"
    assert shop["category"] == "fromagerie"
    assert shop["category_name"] == "Fromagerie"
    assert shop["services"] == ["click_collect", "delivery", "vouchers"]
    assert shop["distance_km"] is None
    assert shop["url"] == "http://testserver/ville/commerces/fromagerie-martin/"


@pytest.mark.django_db
def test_shops_of_another_territory_never_appear(client, territory, other_territory):
    ShopFactory(territory=territory, slug="ici")
    ShopFactory(territory=other_territory, slug="ailleurs", name="Ailleurs")

    body = assert_page(client.get(shops_url(territory)))
    other = assert_page(client.get(shops_url(other_territory)))

    assert slugs(body) == ["ici"]
    assert slugs(other) == ["ailleurs"]
    assert assert_page(client.get(shops_url(territory), {"q": "Ailleurs"}))["count"] == 0


@pytest.mark.django_db
@pytest.mark.parametrize("status", [ShopStatus.DRAFT, ShopStatus.PENDING, ShopStatus.SUSPENDED])
def test_shops_not_approved_never_appear(client, territory, status):
    ShopFactory(territory=territory, slug="visible")
    ShopFactory(territory=territory, slug="cache", status=status)

    body = assert_page(client.get(shops_url(territory)))

    assert slugs(body) == ["visible"]


@pytest.mark.django_db
def test_a_family_category_includes_its_rayons(client, territory, taxonomy):
    ShopFactory(territory=territory, slug="fromager", name="A", category=taxonomy["fromagerie"])
    ShopFactory(territory=territory, slug="boulanger", name="B", category=taxonomy["boulangerie"])
    ShopFactory(territory=territory, slug="libraire", name="C", category=taxonomy["librairie"])

    family = assert_page(client.get(shops_url(territory), {"category": "alimentation"}))
    rayon = assert_page(client.get(shops_url(territory), {"category": "boulangerie"}))

    assert slugs(family) == ["fromager", "boulanger"]
    assert slugs(rayon) == ["boulanger"]


@pytest.mark.django_db
def test_a_known_category_without_shops_gives_an_empty_list(client, territory, taxonomy):
    ShopFactory(territory=territory, category=taxonomy["fromagerie"])

    body = assert_page(client.get(shops_url(territory), {"category": "librairie"}))

    assert body == {"count": 0, "results": []}


@pytest.mark.django_db
def test_an_unknown_category_is_a_422_unknown_category(client, territory):
    ShopFactory(territory=territory)

    error = assert_error(
        client.get(shops_url(territory), {"category": "poissonnerie-lunaire"}),
        422,
        "unknown_category",
    )

    assert error["details"] == {"category": "poissonnerie-lunaire"}


@pytest.mark.django_db
def test_service_filter_keeps_shops_offering_it(client, territory):
    ShopFactory(territory=territory, slug="livre", name="A", offers_delivery=True)
    ShopFactory(territory=territory, slug="retrait", name="B", offers_delivery=False)
    ShopFactory(territory=territory, slug="cheques", name="C", accepts_vouchers=True)

    delivery = assert_page(client.get(shops_url(territory), {"service": "delivery"}))
    vouchers = assert_page(client.get(shops_url(territory), {"service": "vouchers"}))

    assert slugs(delivery) == ["livre"]
    assert slugs(vouchers) == ["cheques"]


@pytest.mark.django_db
def test_an_unknown_service_is_a_validation_error(client, territory):
    error = assert_error(
        client.get(shops_url(territory), {"service": "teleportation"}), 422, "validation_error"
    )

    assert error["details"][0]["loc"] == ["query", "service"]


@pytest.mark.django_db
def test_open_now_keeps_the_shops_open_at_that_moment(client, territory, frozen_now):
    # Wednesday 10:00 in Paris.
    ShopFactory(territory=territory, slug="ouvert", name="A", opening_hours="Mo-Sa 09:00-19:00")
    ShopFactory(territory=territory, slug="apres-midi", name="B", opening_hours="We 14:00-19:00")
    ShopFactory(territory=territory, slug="inconnu", name="C", opening_hours="")

    everyone = assert_page(client.get(shops_url(territory)))
    open_now = assert_page(client.get(shops_url(territory), {"open_now": "true"}))

    assert slugs(everyone) == ["ouvert", "apres-midi", "inconnu"]
    assert slugs(open_now) == ["ouvert"]
    states = {row["slug"]: (row["open_now"], row["open_state"]) for row in everyone["results"]}
    assert states == {
        "ouvert": (True, "open"),
        "apres-midi": (False, "closed"),
        "inconnu": (False, "unknown"),
    }


@pytest.mark.django_db
def test_next_change_is_in_the_territory_timezone_with_its_offset(client, territory, frozen_now):
    ShopFactory(territory=territory, slug="ouvert", name="A", opening_hours="Mo-Sa 09:00-19:00")
    ShopFactory(territory=territory, slug="ferme", name="B", opening_hours="We 14:00-19:00")
    ShopFactory(territory=territory, slug="inconnu", name="C", opening_hours="")

    body = assert_page(client.get(shops_url(territory)))

    next_change = {row["slug"]: row["next_change"] for row in body["results"]}
    assert next_change == {
        "ouvert": "2025-03-12T19:00:00+01:00",
        "ferme": "2025-03-12T14:00:00+01:00",
        "inconnu": None,
    }


@pytest.mark.django_db
def test_an_exceptional_closure_makes_a_shop_closed_now(client, territory, frozen_now):
    shop = ShopFactory(territory=territory, slug="inventaire", opening_hours="Mo-Sa 09:00-19:00")
    ShopClosureFactory(
        shop=shop, start_date=frozen_now.date(), end_date=frozen_now.date(), reason="Inventaire"
    )

    body = assert_page(client.get(shops_url(territory)))
    open_now = assert_page(client.get(shops_url(territory), {"open_now": "1"}))

    assert body["results"][0]["open_state"] == "closed"
    assert body["results"][0]["next_change"] == "2025-03-13T09:00:00+01:00"
    assert open_now["count"] == 0


@pytest.mark.django_db
def test_open_now_maybe_is_a_validation_error(client, territory):
    error = assert_error(
        client.get(shops_url(territory), {"open_now": "maybe"}), 422, "validation_error"
    )

    assert error["details"][0]["loc"] == ["query", "open_now"]


@pytest.mark.django_db
def test_a_point_sorts_nearest_first_with_distances(client, territory):
    lat, lon = CENTRE
    ShopFactory(territory=territory, slug="loin", name="A", lat=lat + 0.05, lon=lon)
    ShopFactory(territory=territory, slug="ici", name="B", lat=lat, lon=lon)
    ShopFactory(territory=territory, slug="proche", name="C", lat=lat + 0.01, lon=lon)

    body = assert_page(client.get(shops_url(territory), {"lat": lat, "lon": lon}))

    assert slugs(body) == ["ici", "proche", "loin"]
    assert [row["distance_km"] for row in body["results"]] == [
        0.0,
        KM_PER_HUNDREDTH_DEGREE,
        5.56,
    ]


@pytest.mark.django_db
def test_a_radius_keeps_the_shops_within_it(client, territory):
    lat, lon = CENTRE
    ShopFactory(territory=territory, slug="ici", name="A", lat=lat, lon=lon)
    ShopFactory(territory=territory, slug="proche", name="B", lat=lat + 0.01, lon=lon)
    ShopFactory(territory=territory, slug="loin", name="C", lat=lat + 0.05, lon=lon)

    two_km = assert_page(client.get(shops_url(territory), {"lat": lat, "lon": lon, "radius_km": 2}))
    one_km = assert_page(client.get(shops_url(territory), {"lat": lat, "lon": lon, "radius_km": 1}))

    assert slugs(two_km) == ["ici", "proche"]
    assert slugs(one_km) == ["ici"]


@pytest.mark.django_db
def test_a_postcode_centres_the_search(client, territory):
    PostalCodeFactory(code="75004", lat=48.8543, lon=2.3576)
    ShopFactory(territory=territory, slug="marais", name="A", lat=48.8543, lon=2.3576)
    ShopFactory(territory=territory, slug="montmartre", name="B", lat=48.8867, lon=2.3431)

    nearest = assert_page(client.get(shops_url(territory), {"postcode": "75004"}))
    within = assert_page(client.get(shops_url(territory), {"postcode": "75004", "radius_km": 1}))

    assert slugs(nearest) == ["marais", "montmartre"]
    assert nearest["results"][0]["distance_km"] == 0.0
    assert slugs(within) == ["marais"]


@pytest.mark.django_db
def test_an_unknown_postcode_is_a_422_unknown_postcode(client, territory):
    ShopFactory(territory=territory, postcode="75002")

    error = assert_error(
        client.get(shops_url(territory), {"postcode": "99999"}), 422, "unknown_postcode"
    )

    assert error["details"] == {"postcode": "99999"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"lat": "48.85"}, "lon"),
        ({"lon": "2.35"}, "lat"),
        ({"lat": "90.5", "lon": "2.35"}, "lat"),
        ({"lat": "-91", "lon": "2.35"}, "lat"),
        ({"lat": "48.85", "lon": "180.01"}, "lon"),
        ({"lat": "48.85", "lon": "-181"}, "lon"),
        ({"lat": "nan", "lon": "2.35"}, "lat"),
        ({"lat": "inf", "lon": "2.35"}, "lat"),
        ({"lat": "nord", "lon": "2.35"}, "lat"),
        ({"lat": "48.85", "lon": "2.35", "radius_km": "0"}, "radius_km"),
        ({"lat": "48.85", "lon": "2.35", "radius_km": "-3"}, "radius_km"),
        ({"lat": "48.85", "lon": "2.35", "radius_km": "100.5"}, "radius_km"),
        ({"lat": "48.85", "lon": "2.35", "radius_km": "1e309"}, "radius_km"),
        ({"radius_km": "2"}, "radius_km"),
        ({"lat": "48.85", "lon": "2.35", "postcode": "75004"}, "postcode"),
        ({"postcode": "75004'; DROP TABLE shops_shop; --"}, "postcode"),
        ({"postcode": "750\x0004"}, "postcode"),
        ({"category": "fromagerie\x00"}, "category"),
        ({"category": "' OR 1=1 --"}, "category"),
        ({"service": "delivery\x00"}, "service"),
    ],
)
def test_bad_search_parameters_are_validation_errors(client, territory, params, field):
    ShopFactory(territory=territory)

    error = assert_error(client.get(shops_url(territory), params), 422, "validation_error")

    assert isinstance(error["details"], list) and error["details"]
    assert ["query", field] in [detail["loc"] for detail in error["details"]]
    for detail in error["details"]:
        assert isinstance(detail["msg"], str) and detail["msg"]


@pytest.mark.django_db
def test_empty_parameters_mean_not_given(client, territory):
    ShopFactory(territory=territory, slug="seul")

    body = assert_page(
        client.get(
            shops_url(territory),
            {
                "q": "",
                "category": "",
                "service": "",
                "open_now": "",
                "lat": "",
                "lon": "",
                "radius_km": "",
                "postcode": "",
            },
        )
    )

    assert slugs(body) == ["seul"]


@pytest.mark.django_db
def test_q_matches_name_category_and_address(client, territory, taxonomy):
    ShopFactory(territory=territory, slug="nom", name="Chez Tartempion", address="2 rue Haute")
    ShopFactory(territory=territory, slug="rayon", name="B", category=taxonomy["fromagerie"])
    ShopFactory(territory=territory, slug="rue", name="C", address="5 rue des Tartempions")
    ShopFactory(territory=territory, slug="autre", name="D", address="1 place Basse")

    tartempion = assert_page(client.get(shops_url(territory), {"q": "tartempion"}))
    fromage = assert_page(client.get(shops_url(territory), {"q": "fromag"}))

    assert sorted(slugs(tartempion)) == ["nom", "rue"]
    assert slugs(fromage) == ["rayon"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "q",
    [
        "' OR 1=1 --",
        "'; DROP TABLE shops_shop; --",
        '" UNION SELECT password FROM accounts_user --',
        "%",
        "%%",
        "_",
        "\\",
        "\\%",
        "🧀 fromage 🥖",
        "👩‍👩‍👧",
        "\x00",
        "fro\x00mage",
        "\x1b[31m\x07",
        "\u202e\ufeff",
        "x" * 10_000,
        "é" * 5_000,
        "<script>alert(1)</script>",
        "   ",
    ],
)
def test_hostile_search_text_never_fails(client, territory, q):
    ShopFactory(territory=territory, name="Fromagerie")

    body = assert_page(client.get(shops_url(territory), {"q": q}))

    assert body["count"] in (0, 1)


@pytest.mark.django_db
@pytest.mark.parametrize("q", ["%", "_", "%_%"])
def test_like_wildcards_in_q_match_themselves_only(client, territory, q):
    ShopFactory(territory=territory, name="Fromagerie", address="1 rue Haute", postcode="75002")

    body = assert_page(client.get(shops_url(territory), {"q": q}))

    assert body["count"] == 0


@pytest.mark.django_db
def test_control_characters_in_q_are_ignored_not_fatal(client, territory):
    ShopFactory(territory=territory, slug="fromagerie", name="Fromagerie du marché")

    body = assert_page(client.get(shops_url(territory), {"q": "\x00fromagerie\x00"}))

    assert slugs(body) == ["fromagerie"]


def test_search_text_is_cleaned_and_cut_to_200_characters():
    assert clean_search_text("x" * 10_000) == "x" * 200
    assert clean_search_text("  fro\x00mage \t\n frais\x1b ") == "fro mage frais"
    assert clean_search_text("🧀\u200d%_") == "🧀\u200d%_"


@pytest.mark.django_db
def test_a_long_q_is_truncated_not_refused(client, territory):
    ShopFactory(territory=territory, slug="fromagerie", name="Fromagerie")

    matching_start = assert_page(client.get(shops_url(territory), {"q": "Fromagerie" * 1_000}))
    body = assert_page(client.get(shops_url(territory), {"q": "Fromagerie" + " " * 5_000}))

    assert matching_start["count"] == 0
    assert slugs(body) == ["fromagerie"]


@pytest.mark.django_db
def test_category_names_follow_accept_language(client, territory, taxonomy):
    ShopFactory(territory=territory, category=taxonomy["fromagerie"])

    french = assert_page(client.get(shops_url(territory)))
    english = assert_page(client.get(shops_url(territory), HTTP_ACCEPT_LANGUAGE="en"))

    assert french["results"][0]["category_name"] == "Fromagerie"
    assert english["results"][0]["category_name"] == "Cheese shop"
    # Links stay canonical whatever the language of the client.
    assert english["results"][0]["url"] == french["results"][0]["url"]


@pytest.mark.django_db
def test_shops_of_an_unknown_territory_are_a_json_404(client):
    error = assert_error(client.get("/api/v1/territories/atlantide/shops"), 404, "not_found")

    assert error["details"] == {"territory": "atlantide"}


@pytest.mark.django_db
def test_shop_list_query_count_does_not_grow_with_shops(
    client, territory, taxonomy, frozen_now, django_assert_max_num_queries
):
    def make_shops(count, start):
        for i in range(start, start + count):
            shop = ShopFactory(
                territory=territory,
                slug=f"commerce-{i}",
                category=taxonomy["fromagerie" if i % 2 else "librairie"],
            )
            if i % 3 == 0:
                ShopClosureFactory(shop=shop, start_date=frozen_now.date())

    params = {"category": "alimentation", "lat": 48.85, "lon": 2.35, "radius_km": 10}
    make_shops(3, 0)
    with CaptureQueriesContext(connection) as three_shops:
        assert_page(client.get(shops_url(territory), params))

    make_shops(27, 3)
    with django_assert_max_num_queries(len(three_shops.captured_queries)):
        body = assert_page(client.get(shops_url(territory), {**params, "limit": 100}))

    assert body["count"] == 15


@pytest.mark.django_db
def test_shop_list_pages_with_limit_and_offset(client, territory):
    for i in range(5):
        ShopFactory(territory=territory, slug=f"commerce-{i}", name=f"Commerce {i}")

    first = assert_page(client.get(shops_url(territory), {"limit": 2}))
    second = assert_page(client.get(shops_url(territory), {"limit": 2, "offset": 2}))
    past_the_end = assert_page(client.get(shops_url(territory), {"offset": 50}))

    assert first["count"] == second["count"] == past_the_end["count"] == 5
    assert slugs(first) == ["commerce-0", "commerce-1"]
    assert slugs(second) == ["commerce-2", "commerce-3"]
    assert past_the_end["results"] == []


@pytest.mark.django_db
def test_category_filter_is_exact_for_a_rayon_slug(client, territory):
    CategoryFactory(slug="fromagerie", name="Fromagerie")
    CategoryFactory(slug="fromagerie-fine", name="Fromagerie fine")
    ShopFactory(territory=territory, slug="a", category=CategoryFactory(slug="fromagerie"))
    ShopFactory(territory=territory, slug="b", category=CategoryFactory(slug="fromagerie-fine"))

    body = assert_page(client.get(shops_url(territory), {"category": "fromagerie"}))

    assert slugs(body) == ["a"]

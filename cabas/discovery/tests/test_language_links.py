"""Every storefront page names its canonical address and its other-language versions."""

from __future__ import annotations

import re

from cabas.factories import ShopFactory, TerritoryFactory


def head_links(html: str) -> list[tuple[str, str, str]]:
    head = html.split("</head>")[0]
    return [
        (rel, hreflang or "", href)
        for rel, hreflang, href in re.findall(
            r'<link rel="(canonical|alternate)"(?: hreflang="([^"]+)")? href="([^"]+)">', head
        )
    ]


def test_a_french_page_is_its_own_canonical_with_its_english_version(client, db):
    territory = TerritoryFactory(slug="grenoble", name="Grenoble")
    ShopFactory(territory=territory, slug="cave", name="Cave")

    html = client.get("/grenoble/commerces/?category=vins&page=2").content.decode()

    query = "?category=vins&amp;page=2"
    assert head_links(html) == [
        ("canonical", "", f"http://testserver/grenoble/commerces/{query}"),
        ("alternate", "fr", f"http://testserver/grenoble/commerces/{query}"),
        ("alternate", "en", f"http://testserver/en/grenoble/commerces/{query}"),
        ("alternate", "x-default", f"http://testserver/grenoble/commerces/{query}"),
    ]


def test_the_english_page_is_canonical_in_english(client, db):
    territory = TerritoryFactory(slug="grenoble", name="Grenoble")
    ShopFactory(territory=territory, slug="cave", name="Cave")

    links = head_links(client.get("/en/grenoble/commerces/cave/").content.decode())

    assert links[0] == ("canonical", "", "http://testserver/en/grenoble/commerces/cave/")
    assert ("alternate", "fr", "http://testserver/grenoble/commerces/cave/") in links


def test_a_french_only_territory_announces_no_english_version(client, db):
    TerritoryFactory(slug="vannes", name="Vannes", languages="fr")

    links = head_links(client.get("/vannes/").content.decode())

    assert [hreflang for _rel, hreflang, _href in links] == ["", "fr", "x-default"]


def test_an_unknown_address_has_no_canonical(client, db):
    html = client.get("/grenoble/nulle-part/").content.decode()

    assert head_links(html) == []

"""Territory ``grenoble``: an OpenStreetMap sample with real ``opening_hours``.

OSM oddities are handled as a real import would: ``shop=vacant`` / ``shop=no`` and
features without a ``shop`` tag are not shops and are skipped; a shop without a name
is named after its rayon; ``opening_hours`` are kept verbatim, valid or not (the
storefront shows unparsable ones as "horaires non renseignés"). A missing postcode is
taken from another row of the same street, else from the nearest La Poste postcode.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from cabas.catalog.taxonomy import rayon_by_slug, rayon_for_osm_shop
from cabas.geo.distance import Point, bounding_box, haversine_km
from cabas.geo.models import PostalCode
from cabas.shops.models import HoursSource

from .assortment import OFF_RAYONS
from .catalogue_fr import items_by_rayon
from .products import OFF_FILE, is_web_url, read_off_products
from .sources import Record, read_csv
from .writer import ShopDraft, TerritoryCounts, TerritorySpec, territory_populate

GRENOBLE_FILE = "shops_grenoble_osm_sample.csv"
GRENOBLE_COLUMNS = (
    "osm_type",
    "osm_id",
    "name",
    "shop",
    "opening_hours",
    "addr_housenumber",
    "addr_street",
    "addr_postcode",
    "addr_city",
    "phone",
    "website",
    "latitude",
    "longitude",
)
SOURCE = "osm"
NOT_SHOPS = frozenset({"", "vacant", "no"})
# Shops that sell a service, not goods: they join as a vitrine without a catalogue.
SERVICE_SHOPS = frozenset(
    {
        "car_repair",
        "hairdresser",
        "beauty",
        "massage",
        "tattoo",
        "laundry",
        "dry_cleaning",
        "tailor",
        "shoe_repair",
        "storage_rental",
        "copyshop",
    }
)
ATTRIBUTION = (
    "Commerces : © OpenStreetMap contributors (ODbL) · Produits : Open Food Facts (ODbL) · "
    "Codes postaux : La Poste (ODbL)"
)


def grenoble_files(data_dir: Path) -> list[Path]:
    return [data_dir / GRENOBLE_FILE, data_dir / OFF_FILE]


def commune_name(la_poste_name: str) -> str:
    """ "SAINT MARTIN D HERES" → "Saint Martin d Heres": La Poste writes upper case."""
    small = {"d", "de", "des", "du", "la", "le", "les", "l", "en", "sur", "sous", "et"}
    words = la_poste_name.lower().split()
    return " ".join(
        word if index and word in small else word.capitalize() for index, word in enumerate(words)
    )


def nearest_postcode(point: Point, preferred: set[str]) -> PostalCode | None:
    """The La Poste row nearest to ``point``. Communes with several postcodes (Grenoble:
    38000 and 38100) share one centre; among such ties a postcode already used by the
    source's addressed rows wins, then the lowest."""
    for radius in (5.0, 20.0, 80.0):
        min_lat, max_lat, min_lon, max_lon = bounding_box(point, radius)
        rows = list(
            PostalCode.objects.filter(
                lat__range=(min_lat, max_lat), lon__range=(min_lon, max_lon)
            ).order_by("code", "insee_code", "locality")
        )
        if rows:
            return min(
                rows,
                key=lambda row: (
                    round(haversine_km(point, Point(row.lat, row.lon)), 3),
                    row.code not in preferred,
                    row.code,
                ),
            )
    return None


def _rows(path: Path) -> tuple[list[Record], int]:
    records = read_csv(path, GRENOBLE_COLUMNS)
    kept = [record for record in records if record.text("shop") not in NOT_SHOPS]
    return kept, len(records) - len(kept)


def read_grenoble_shops(path: Path) -> tuple[list[ShopDraft], int]:
    """Shop drafts of the OSM sample, and the number of rows that are not shops."""
    records, skipped = _rows(path)
    seen: dict[str, int] = {}
    street_postcodes: dict[str, Counter[str]] = {}
    located: list[tuple[Record, float, float]] = []
    for record in records:
        ref = f"{record.text('osm_type')}/{record.text('osm_id')}"
        if not record.text("osm_id").isdigit():
            raise record.error(f"identifiant OSM invalide « {record.text('osm_id')} »")
        if ref in seen:
            raise record.error(f"élément OSM « {ref} » déjà présent ligne {seen[ref]}")
        seen[ref] = record.line
        if len(record.text("opening_hours")) > 500:
            raise record.error("horaires de plus de 500 caractères")
        lat = record.coordinate("latitude", "latitude", -90, 90)
        lon = record.coordinate("longitude", "longitude", -180, 180)
        located.append((record, lat, lon))
        postcode, street = record.text("addr_postcode"), record.text("addr_street").lower()
        if postcode and street:
            street_postcodes.setdefault(street, Counter())[postcode] += 1
    used_postcodes = {code for counter in street_postcodes.values() for code in counter}
    drafts: list[ShopDraft] = []
    for record, lat, lon in located:
        osm_shop = record.text("shop")
        shop_rayon = rayon_for_osm_shop(osm_shop)
        name = (
            " ".join(record.text("name").split())
            or f"Commerce ({rayon_by_slug(shop_rayon).name.lower()})"
        )
        postcode, city = record.text("addr_postcode"), record.text("addr_city")
        street = record.text("addr_street")
        if not postcode and street.lower() in street_postcodes:
            # Another shop of the same street gives its postcode: clearly the same one.
            postcode = street_postcodes[street.lower()].most_common(1)[0][0]
        if not postcode or not city:
            nearest = nearest_postcode(Point(lat, lon), used_postcodes)
            if nearest is not None:
                postcode = postcode or nearest.code
                city = city or commune_name(nearest.commune)
        hours = record.text("opening_hours")
        website = record.text("website")
        has_catalogue = osm_shop.split(";")[0] not in SERVICE_SHOPS and (
            shop_rayon in OFF_RAYONS or shop_rayon in items_by_rayon()
        )
        drafts.append(
            ShopDraft(
                ref=f"{record.text('osm_type')}/{record.text('osm_id')}",
                name=name[:160],
                rayon=shop_rayon,
                source_category=osm_shop[:120],
                address=f"{record.text('addr_housenumber')} {street}".strip()[:255],
                postcode=postcode,
                city=city[:120],
                lat=lat,
                lon=lon,
                phone=record.text("phone")[:40],
                website=website if len(website) <= 300 and is_web_url(website) else "",
                opening_hours=hours,
                hours_source=HoursSource.OSM if hours else HoursSource.NONE,
                offers_click_collect=has_catalogue,
                has_catalogue=has_catalogue,
            )
        )
    return drafts, skipped


def grenoble_spec(drafts: list[ShopDraft]) -> TerritorySpec:
    """Centre and radius computed from the shops themselves."""
    if not drafts:
        centre = Point(45.1885, 5.7245)
        radius = 5.0
    else:
        centre = Point(
            round(sum(d.lat for d in drafts) / len(drafts), 6),
            round(sum(d.lon for d in drafts) / len(drafts), 6),
        )
        farthest = max(haversine_km(centre, Point(d.lat, d.lon)) for d in drafts)
        radius = max(1.0, round(farthest + 0.5, 1))
    return TerritorySpec(
        slug="grenoble",
        name="Grenoble",
        tagline="Les commerces du quartier Berthelot – Alliés – Stalingrad",
        centre_lat=centre.lat,
        centre_lon=centre.lon,
        radius_km=radius,
        data_attribution=ATTRIBUTION,
    )


def grenoble_load(*, data_dir: Path) -> TerritoryCounts:
    """Load (or bring up to date) territory ``grenoble``; call inside a transaction,
    after the postal codes. Both files are read and checked before anything is written."""
    drafts, skipped = read_grenoble_shops(data_dir / GRENOBLE_FILE)
    products = read_off_products(data_dir / OFF_FILE)
    counts = territory_populate(
        spec=grenoble_spec(drafts),
        source=SOURCE,
        drafts=drafts,
        off_products=products,
        cover_all=False,
    )
    counts.skipped_rows = skipped
    return counts

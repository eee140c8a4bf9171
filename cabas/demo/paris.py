"""Territory ``paris``: the 2,440 shops of the Ville de Paris 2020 list, and OFF products.

The list has no opening hours: each shop gets its rayon's typical hours, marked as
indicative (``hours_source="demo"``). Phones and websites are display data only.
"""

from __future__ import annotations

import re
from pathlib import Path

from cabas.catalog.taxonomy import OTHER, rayon_for_paris_category, rayon_for_shop_text
from cabas.shops.models import HoursSource

from .assortment import OFF_RAYONS
from .catalogue_fr import items_by_rayon
from .opening import demo_opening_hours
from .products import OFF_FILE, is_web_url, read_off_products
from .sources import Record, read_csv
from .writer import ShopDraft, TerritoryCounts, TerritorySpec, territory_populate

PARIS_FILE = "shops_paris_commercants_2020.csv"
PARIS_COLUMNS = (
    "id",
    "name",
    "category",
    "address",
    "postcode",
    "city",
    "latitude",
    "longitude",
    "services",
    "made_in_paris",
    "description",
    "precisions",
    "website",
    "phone",
)
SOURCE = "paris-2020"
SPEC = TerritorySpec(
    slug="paris",
    name="Paris",
    tagline="Les commerces indépendants de Paris, près de chez vous",
    centre_lat=48.8566,
    centre_lon=2.3522,
    radius_km=8.0,
    data_attribution=(
        "Commerces : Ville de Paris (ODbL) · Produits : Open Food Facts (ODbL) · "
        "Codes postaux : La Poste (ODbL)"
    ),
)
DELIVERY = "Livraisons à domicile"
CLICK_COLLECT = "Retrait de commandes en magasin"


def paris_files(data_dir: Path) -> list[Path]:
    return [data_dir / PARIS_FILE, data_dir / OFF_FILE]


def clean_website(raw: str) -> str:
    """A usable http(s) URL from what shopkeepers typed, or "" (emails, "<Nul>", app names)."""
    text = raw.strip().lstrip("/")
    if not text or "@" in text or " " in text:
        return ""
    text = re.sub(r"^(https?)(//|:/(?!/))", r"\1://", text, flags=re.IGNORECASE)
    if re.match(r"^https?://", text, flags=re.IGNORECASE):
        text = text[: text.index(":")].lower() + text[text.index(":") :]
    elif re.match(r"^[\w-]+(\.[\w-]+)+(/|$)", text):
        text = f"https://{text}"
    else:
        return ""
    return text if len(text) <= 300 and is_web_url(text) else ""


def _shop(record: Record, seen: dict[str, int]) -> ShopDraft:
    ref = record.text("id")
    if not ref:
        raise record.error("identifiant vide")
    if ref in seen:
        raise record.error(f"identifiant « {ref} » déjà présent ligne {seen[ref]}")
    seen[ref] = record.line
    name = " ".join(record.text("name").split())
    if not name:
        raise record.error("nom du commerce vide")
    postcode = record.text("postcode")
    if postcode and not (len(postcode) == 5 and postcode.isdigit()):
        raise record.error(f"code postal invalide « {postcode} »")
    made_in_paris = record.text("made_in_paris").lower()
    if made_in_paris not in ("oui", "non", ""):
        raise record.error(f"valeur « {made_in_paris} » pour made_in_paris (oui ou non attendu)")
    services = {part.strip() for part in record.text("services").split(",")}
    description = record.text("description")
    precisions = record.text("precisions")
    if precisions:
        description = f"{description}\n\n{precisions}" if description else precisions
    category = record.text("category")
    rayon = rayon_for_paris_category(category)
    if rayon == OTHER:
        # "Autre" covers fashion, decoration, gifts…: the shop's own words tell which.
        rayon = rayon_for_shop_text(f"{name} {description}")
    return ShopDraft(
        ref=ref,
        name=name[:160],
        rayon=rayon,
        source_category=category[:120],
        description=description,
        address=record.text("address")[:255],
        postcode=postcode,
        city=record.text("city")[:120] or "Paris",
        lat=record.coordinate("latitude", "latitude", -90, 90),
        lon=record.coordinate("longitude", "longitude", -180, 180),
        phone=record.text("phone")[:40],
        website=clean_website(record.text("website")),
        opening_hours=demo_opening_hours(rayon, f"{SOURCE}:{ref}"),
        hours_source=HoursSource.DEMO,
        offers_click_collect=CLICK_COLLECT in services,
        offers_delivery=DELIVERY in services,
        made_locally=made_in_paris == "oui",
        has_catalogue=rayon in OFF_RAYONS or rayon in items_by_rayon(),
    )


def read_paris_shops(path: Path) -> list[ShopDraft]:
    seen: dict[str, int] = {}
    return [_shop(record, seen) for record in read_csv(path, PARIS_COLUMNS)]


def paris_load(*, data_dir: Path) -> TerritoryCounts:
    """Load (or bring up to date) territory ``paris``; call inside a transaction.

    Both files are read and checked before anything is written.
    """
    drafts = read_paris_shops(data_dir / PARIS_FILE)
    products = read_off_products(data_dir / OFF_FILE)
    return territory_populate(
        spec=SPEC, source=SOURCE, drafts=drafts, off_products=products, cover_all=True
    )

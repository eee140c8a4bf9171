"""What search takes and gives back: filters, offers, products, facets, suggestions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from cabas.geo.distance import Point

from .shop_snapshot import ShopInfo

Sort = Literal["relevance", "price", "distance"]


@dataclass(frozen=True)
class SearchFilters:
    category: str | None = None  # a rayon slug, or a family slug for all its rayons
    shop: str | None = None  # a shop slug
    in_stock: bool = False  # only offers with stock > 0
    open_now: bool = False
    centre: Point | None = None  # distances are shown from here
    radius_km: float | None = None  # with a centre: only shops this close
    price_min_cents: int | None = None
    price_max_cents: int | None = None

    @property
    def any(self) -> bool:
        return bool(
            self.category
            or self.shop
            or self.in_stock
            or self.open_now
            or self.centre is not None
            or self.price_min_cents is not None
            or self.price_max_cents is not None
        )


@dataclass(frozen=True)
class ProductRef:
    id: int
    name: str
    gtin: str | None
    brand: str
    category_id: int | None


@dataclass(frozen=True)
class OfferHit:
    offer_id: int
    sku: str
    price_cents: int
    currency: str
    stock: int | None
    product: ProductRef
    shop: ShopInfo
    distance_km: float | None
    open_now: bool
    score: float

    @property
    def stock_status(self) -> str:
        # The same four states as Offer.stock_status.
        if self.stock is None:
            return "on_request"
        if self.stock <= 0:
            return "out_of_stock"
        return "low_stock" if self.stock <= 3 else "in_stock"


@dataclass(frozen=True)
class ProductHit:
    """A product and its offers, as in "chez 4 commerçants, dès 2,10 €"."""

    product: ProductRef
    offer_count: int  # one offer per shop: also the number of shops
    min_price_cents: int
    currency: str
    in_stock_count: int
    open_count: int
    score: float


@dataclass(frozen=True)
class CategoryFacet:
    slug: str
    name: str
    count: int


@dataclass
class SearchResult:
    """``count`` counts offers, or products when ``grouped``; ``offers`` or ``products``
    hold the page asked for."""

    count: int
    offers: list[OfferHit] = field(default_factory=list)
    products: list[ProductHit] = field(default_factory=list)
    facets: list[CategoryFacet] = field(default_factory=list)
    did_you_mean: str | None = None
    grouped: bool = False


@dataclass(frozen=True)
class Suggestion:
    type: Literal["product", "category", "shop"]
    label: str
    slug: str = ""
    product_id: int | None = None

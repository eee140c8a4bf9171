"""Reads of the planner: a shopping list turned into the fewest shops on the shortest walk.

Each line is searched through the public search entry point
(:func:`cabas.search.selectors.search_offers`) among the offers in stock of shops open at
the chosen time within the chosen distance; :mod:`cabas.planner.cover` chooses the shops
and :mod:`cabas.planner.walking` orders them. Also the shopper's saved lists and "mon
panier habituel".
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cabas.accounts.models import User
from cabas.geo.distance import Point, haversine_km
from cabas.orders.models import OrderLine
from cabas.search.results import OfferHit, SearchFilters
from cabas.search.selectors import search_offers
from cabas.search.shop_snapshot import ShopInfo
from cabas.shops import hours
from cabas.shops.models import Shop, ShopClosure, ShopStatus
from cabas.territories.models import Territory

from .cover import Candidate, plan_cover
from .errors import PlanError
from .lines import MAX_LINES, ListLine, parse_list
from .models import SavedList
from .walking import DistanceTable, walk_minutes

DEFAULT_MAX_KM = 1.5
MAX_KM = 10.0
# The shopper's position must be in or near the territory (its centre within this).
MAX_KM_FROM_TERRITORY = 60.0
# Offers searched per line: the best ones by relevance (text, stock, open, near).
CANDIDATES_PER_LINE = 60
# A line is held by an offer scoring at least this share of the line's best offer: "album
# jeunesse" is not held by a shop selling only a photo album.
RELEVANCE_FLOOR = 0.5
ALTERNATIVES_PER_LINE = 3
# Searches of one plan run side by side on this many threads (outside a transaction).
SEARCH_THREADS = 3
# Minutes spent in each shop, for the arrival time at the next one.
MINUTES_PER_STOP = 5
MAX_AHEAD = dt.timedelta(days=14)
PAST_TOLERANCE = dt.timedelta(minutes=15)
USUAL_BASKET_LINES = 15


@dataclass(frozen=True)
class PlanRequest:
    territory: Territory
    lines: list[ListLine]
    start: Point
    at: dt.datetime  # aware
    max_km: float


@dataclass
class LineChoice:
    line: ListLine
    offer: OfferHit | None
    alternatives: list[OfferHit] = field(default_factory=list)


@dataclass
class Stop:
    shop: ShopInfo
    choices: list[LineChoice]
    leg_m: float  # from the previous stop (or the start)
    arrival_minutes: float  # walking and shopping time since departure

    @property
    def total_cents(self) -> int:
        return sum(c.offer.price_cents * c.line.quantity for c in self.choices if c.offer)


@dataclass
class Plan:
    request: PlanRequest
    stops: list[Stop]
    uncovered: list[LineChoice]
    walk_m: float
    exact: bool

    @property
    def walk_minutes(self) -> int:
        return math.ceil(walk_minutes(self.walk_m))

    @property
    def total_cents(self) -> int:
        return sum(stop.total_cents for stop in self.stops)

    @property
    def covered_count(self) -> int:
        return sum(len(stop.choices) for stop in self.stops)

    def arrival(self, stop: Stop) -> dt.datetime:
        return self.request.at + dt.timedelta(minutes=stop.arrival_minutes)


def _finite(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def plan_request(
    *,
    territory: Territory,
    raw_lines: Sequence[object],
    lat: object,
    lon: object,
    at: dt.datetime | None = None,
    max_km: object = None,
    now: dt.datetime | None = None,
) -> PlanRequest:
    """A checked request, or :class:`PlanError` with the field at fault in ``details``."""
    moment = now or timezone.now()
    if not isinstance(raw_lines, list | tuple) or not all(isinstance(r, str) for r in raw_lines):
        raise PlanError("lines_invalid", _("La liste doit être une suite de lignes de texte."))
    if len(raw_lines) > MAX_LINES:
        raise PlanError(
            "too_many_lines",
            _("Une liste compte au plus %(max)d lignes ; vous en avez %(count)d.")
            % {"max": MAX_LINES, "count": len(raw_lines)},
            {"field": "lines", "max": MAX_LINES, "count": len(raw_lines)},
        )
    lines = parse_list(list(raw_lines))  # type: ignore[arg-type]
    if not lines:
        raise PlanError(
            "empty_list",
            _("Votre liste est vide : écrivez un article par ligne."),
            {"field": "lines"},
        )
    latitude, longitude = _finite(lat), _finite(lon)
    if latitude is None or longitude is None or abs(latitude) > 90 or abs(longitude) > 180:
        raise PlanError(
            "location_invalid",
            _("La position de départ est invalide."),
            {"field": "lat/lon"},
        )
    start = Point(latitude, longitude)
    centre = Point(territory.centre_lat, territory.centre_lon)
    if haversine_km(start, centre) > MAX_KM_FROM_TERRITORY:
        raise PlanError(
            "location_outside_territory",
            _("Le point de départ est trop loin de %(territory)s.") % {"territory": territory.name},
            {"field": "lat/lon", "max_km": MAX_KM_FROM_TERRITORY},
        )
    radius = DEFAULT_MAX_KM if max_km in (None, "") else _finite(max_km)
    if radius is None or not 0 < radius <= MAX_KM:
        raise PlanError(
            "max_km_invalid",
            _("La distance doit être comprise entre 0 et %(max)s km.") % {"max": int(MAX_KM)},
            {"field": "max_km", "max": MAX_KM},
        )
    when = at or moment
    if when.tzinfo is None:
        when = when.replace(tzinfo=ZoneInfo(territory.timezone))
    when = when.astimezone(dt.UTC)
    if when < moment - PAST_TOLERANCE or when > moment + MAX_AHEAD:
        raise PlanError(
            "at_out_of_range",
            _("Choisissez un moment entre maintenant et dans 14 jours."),
            {"field": "at"},
        )
    return PlanRequest(territory=territory, lines=lines, start=start, at=when, max_km=radius)


def _line_hits(request: PlanRequest, line: ListLine) -> list[OfferHit]:
    """The offers in stock within the distance that may hold ``line``, best first.

    Search is asked without a moment: its shop snapshot for "now" is cached, while one
    evaluated at another moment is rebuilt on every call (fifteen lines, fifteen
    rebuilds). Whether each shop is open at the chosen moment is decided afterwards,
    once for all lines, by :func:`_open_at`.
    """
    result = search_offers(
        territory=request.territory,
        query=line.query,
        filters=SearchFilters(in_stock=True, centre=request.start, radius_km=request.max_km),
        sort="relevance",
        limit=CANDIDATES_PER_LINE,
    )
    hits = [hit for hit in result.offers if hit.stock is None or hit.stock >= line.quantity]
    if not hits:
        return []
    floor = hits[0].score * RELEVANCE_FLOOR if hits[0].score > 0 else -math.inf
    return [hit for hit in hits if hit.score >= floor]


def _lines_hits_closing(request: PlanRequest, lines: list[ListLine]) -> list[list[OfferHit]]:
    # A worker thread has its own database connection: closed when its searches are done
    # (one connection a thread, not one a line: each costs the server a new backend).
    try:
        return [_line_hits(request, line) for line in lines]
    finally:
        connection.close()


def _search_lines(request: PlanRequest) -> list[list[OfferHit]]:
    """Each line's candidate offers.

    On PostgreSQL, outside a transaction, the searches run on ``SEARCH_THREADS`` threads
    with a connection each: most of a search waits on the server, without the GIL. Not on
    SQLite (a new connection starts with a cold page cache, which costs more than it
    saves), nor inside a transaction (tests, a caller's atomic block), whose rows other
    connections would not see.
    """
    lines = request.lines
    parallel = (
        SEARCH_THREADS > 1
        and len(lines) > 1
        and connection.vendor == "postgresql"
        and not connection.in_atomic_block
    )
    if not parallel:
        return [_line_hits(request, line) for line in lines]
    threads = min(SEARCH_THREADS, len(lines))
    shares = [lines[start::threads] for start in range(threads)]
    with ThreadPoolExecutor(max_workers=threads) as pool:
        found = list(pool.map(lambda share: _lines_hits_closing(request, share), shares))
    # Line i is the (i // threads)-th of share i % threads.
    return [found[index % threads][index // threads] for index in range(len(lines))]


def _open_at(territory: Territory, shop_ids: set[int], at: dt.datetime) -> set[int]:
    """The shops among ``shop_ids`` open at ``at`` (their hours and exceptional closures);
    two queries for any number of shops."""
    if not shop_ids:
        return set()
    day = hours.local_now(territory.timezone, at).date()
    closures: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for shop_id, start, end in ShopClosure.objects.filter(
        territory=territory, shop_id__in=sorted(shop_ids), start_date__lte=day, end_date__gte=day
    ).values_list("shop_id", "start_date", "end_date"):
        closures[shop_id].append((start, end))
    return {
        shop_id
        for shop_id, expression in Shop.objects.filter(
            territory=territory, pk__in=sorted(shop_ids), status=ShopStatus.APPROVED
        ).values_list("pk", "opening_hours")
        if hours.state_at(expression, territory.timezone, at, closures.get(shop_id)).is_open
    }


def _best(hits: list[OfferHit]) -> OfferHit:
    return min(hits, key=lambda h: (-h.score, h.price_cents, h.offer_id))


def plan_list(request: PlanRequest) -> Plan:
    """The fewest open shops holding the list in stock, walked in the shortest loop."""
    found = _search_lines(request)
    open_ids = _open_at(
        request.territory, {hit.shop.id for hits in found for hit in hits}, request.at
    )
    per_line = [[hit for hit in hits if hit.shop.id in open_ids] for hits in found]
    shops: dict[int, ShopInfo] = {}
    masks: dict[int, int] = {}
    for index, hits in enumerate(per_line):
        for hit in hits:
            shops.setdefault(hit.shop.id, hit.shop)
            masks[hit.shop.id] = masks.get(hit.shop.id, 0) | (1 << index)
    shop_ids = sorted(shops)
    place_of = {sid: k + 1 for k, sid in enumerate(shop_ids)}
    dist = DistanceTable(request.start, [Point(shops[s].lat, shops[s].lon) for s in shop_ids])
    cover = plan_cover(
        [Candidate(place_of[sid], masks[sid]) for sid in shop_ids], len(request.lines), dist
    )
    in_route = {shop_ids[place - 1] for place in cover.route}
    assigned: dict[int, list[LineChoice]] = defaultdict(list)
    uncovered: list[LineChoice] = []
    for line, hits in zip(request.lines, per_line, strict=True):
        in_plan = [h for h in hits if h.shop.id in in_route]
        if not in_plan:
            uncovered.append(LineChoice(line=line, offer=None))
            continue
        # The most relevant offer among the stops, the cheaper on a tie.
        chosen = _best(in_plan)
        others = sorted(
            (h for h in hits if h.offer_id != chosen.offer_id),
            key=lambda h: (h.shop.id not in in_route, h.distance_km or 0.0, h.offer_id),
        )
        assigned[chosen.shop.id].append(
            LineChoice(line=line, offer=chosen, alternatives=others[:ALTERNATIVES_PER_LINE])
        )
    # Every stop gets at least one line: a cover never keeps a stop whose lines the others
    # all hold (the exact search minimises stops, the heuristic drops redundant ones).
    stops: list[Stop] = []
    elapsed = 0.0
    previous = 0
    for place in cover.route:
        sid = shop_ids[place - 1]
        leg = dist(previous, place)
        elapsed += walk_minutes(leg)
        stops.append(
            Stop(shop=shops[sid], choices=assigned[sid], leg_m=leg, arrival_minutes=elapsed)
        )
        elapsed += MINUTES_PER_STOP
        previous = place
    return Plan(
        request=request, stops=stops, uncovered=uncovered, walk_m=cover.walk_m, exact=cover.exact
    )


def usual_basket(*, territory: Territory, user: User, limit: int = USUAL_BASKET_LINES) -> list[str]:
    """ "Mon panier habituel": what the shopper bought in at least two orders of this
    territory (or everything of a single past order), most often bought first."""
    rows = list(
        OrderLine.objects.filter(territory=territory, order__user=user)
        .values("product_name")
        .annotate(orders=Count("order", distinct=True), last=Max("order__created_at"))
        .order_by("-orders", "-last", "product_name")[: limit * 4]
    )
    if not rows:
        return []
    repeated = [row["product_name"] for row in rows if row["orders"] >= 2]
    if repeated:
        return repeated[:limit]
    return [row["product_name"] for row in rows][:limit]


def saved_lists(*, territory: Territory, user: User) -> list[SavedList]:
    return list(SavedList.objects.filter(territory=territory, user=user))


def saved_list(*, territory: Territory, user: User, pk: int) -> SavedList | None:
    return SavedList.objects.filter(territory=territory, user=user, pk=pk).first()

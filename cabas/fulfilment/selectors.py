"""Reads of fulfilment: settings, slot calendars, available slots, delivery quotes.

Every function that takes several shops answers with a constant number of queries.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import cast

from django.db import connection, models
from django.db.models import BooleanField, CharField, OuterRef, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext as _

from cabas.geo.distance import Point, haversine_km
from cabas.geo.selectors import postcode_centre
from cabas.shops.models import Shop, ShopClosure
from cabas.territories.models import Territory

from .calendars import Slot, SlotCalendar, iter_slot_windows, slot_windows
from .errors import FulfilmentError
from .models import (
    CollectionPoint,
    CollectionPointShop,
    DeliveryZone,
    FulfilmentMethod,
    ShopFulfilment,
    SlotLoad,
)
from .wording import ready_text, slot_label


def default_settings(shop: Shop) -> ShopFulfilment:
    """The settings a shop has before it saves its own: its territory's defaults for
    pickup slots, pickup and delivery following its service flags.

    ``shop.territory`` must be loaded.
    """
    territory = shop.territory
    return ShopFulfilment(
        territory_id=shop.territory_id,
        shop=shop,
        pickup_enabled=shop.offers_click_collect,
        delivery_enabled=shop.offers_delivery,
        slot_minutes=territory.default_slot_minutes,
        lead_minutes=territory.default_lead_minutes,
        capacity_per_slot=territory.default_capacity_per_slot,
        horizon_days=territory.default_horizon_days,
    )


def pickup_calendar(shop: Shop, settings: ShopFulfilment, closures: Iterable) -> SlotCalendar:
    return SlotCalendar(
        target=f"shop:{shop.pk}:pickup",
        territory_id=shop.territory_id,
        method=FulfilmentMethod.PICKUP,
        tz=shop.territory.timezone,
        opening_hours=shop.opening_hours,
        slot_minutes=settings.slot_minutes,
        lead_minutes=settings.lead_minutes,
        capacity=settings.capacity_per_slot,
        horizon_days=settings.horizon_days,
        closures=tuple(closures),
        shop_id=shop.pk,
    )


def delivery_calendar(shop: Shop, settings: ShopFulfilment, closures: Iterable) -> SlotCalendar:
    return SlotCalendar(
        target=f"shop:{shop.pk}:delivery",
        territory_id=shop.territory_id,
        method=FulfilmentMethod.DELIVERY,
        tz=shop.territory.timezone,
        opening_hours=shop.opening_hours,
        slot_minutes=settings.delivery_slot_minutes,
        lead_minutes=settings.lead_minutes,
        capacity=settings.delivery_capacity_per_slot,
        horizon_days=settings.horizon_days,
        closures=tuple(closures),
        shop_id=shop.pk,
    )


def point_calendar(point: CollectionPoint, shop: Shop, settings: ShopFulfilment) -> SlotCalendar:
    # The order must be prepared by the shop and then carried to the point.
    return SlotCalendar(
        target=f"point:{point.pk}",
        territory_id=point.territory_id,
        method=FulfilmentMethod.COLLECTION_POINT,
        tz=shop.territory.timezone,
        opening_hours=point.opening_hours,
        slot_minutes=point.slot_minutes,
        lead_minutes=max(point.lead_minutes, settings.lead_minutes),
        capacity=point.capacity_per_slot,
        horizon_days=point.horizon_days,
        shop_id=shop.pk,
        collection_point_id=point.pk,
    )


class FulfilmentOption:
    """One way a shop's order can reach the shopper; its free slots are computed lazily."""

    def __init__(
        self,
        *,
        method: str,
        label: str,
        calendar: SlotCalendar,
        now: dt.datetime,
        loads: dict[tuple[str, dt.datetime], int],
        collection_point: CollectionPoint | None = None,
        zones: list[DeliveryZone] | None = None,
    ) -> None:
        self.method = method
        self.label = label
        self.calendar = calendar
        self.collection_point = collection_point
        self.zones = zones or []
        self._now = now
        self._loads = loads

    def _iter_free(self) -> Iterator[Slot]:
        capacity, target = self.calendar.capacity, self.calendar.target
        for start, end in iter_slot_windows(self.calendar, self._now):
            remaining = capacity - self._loads.get((target, start), 0)
            if remaining > 0:
                yield Slot(start=start, end=end, remaining=remaining)

    @cached_property
    def slots(self) -> list[Slot]:
        return list(self._iter_free())

    @cached_property
    def earliest(self) -> Slot | None:
        return next(self._iter_free(), None)

    @property
    def key(self) -> str:
        """What a form posts to choose this option: ``pickup``, ``delivery``, ``point:<slug>``."""
        if self.collection_point is not None:
            return f"point:{self.collection_point.slug}"
        return self.method

    def find_slot(self, start: dt.datetime) -> Slot | None:
        for slot in self._iter_free():
            if slot.start >= start:
                return slot if slot.start == start else None
        return None


@dataclass
class ShopFulfilmentView:
    shop: Shop
    settings: ShopFulfilment
    options: list[FulfilmentOption]

    def option(self, key: str) -> FulfilmentOption | None:
        return next((option for option in self.options if option.key == key), None)

    @property
    def default_option(self) -> FulfilmentOption | None:
        """The option with the earliest free slot, pickup at the shop first on a tie."""
        usable = [option for option in self.options if option.earliest is not None]
        if not usable:
            return None
        return min(usable, key=lambda option: option.earliest.start)  # type: ignore[union-attr]


# Slot counters further ahead than any horizon (14 days) are never read.
LOADS_WINDOW = dt.timedelta(days=15)

ClosureDays = dict[int, list[tuple[dt.date, dt.date]]]


def _loads(targets: set[str], now: dt.datetime) -> dict[tuple[str, dt.datetime], int]:
    if not targets:
        return {}
    rows = SlotLoad.objects.filter(
        target__in=targets, starts_at__gte=now, starts_at__lt=now + LOADS_WINDOW
    ).values_list("target", "starts_at", "booked")
    return {(target, starts_at): booked for target, starts_at, booked in rows}


def _closure_days(shop_ids: Iterable[int], now: dt.datetime) -> ClosureDays:
    closures: ClosureDays = defaultdict(list)
    # A day early: "today" in the territory may still be yesterday in UTC.
    since = now.date() - dt.timedelta(days=1)
    for shop_id, start, end in ShopClosure.objects.filter(
        shop_id__in=list(shop_ids), end_date__gte=since
    ).values_list("shop_id", "start_date", "end_date"):
        closures[shop_id].append((start, end))
    return closures


def _collection_points(shop_ids: Iterable[int]) -> dict[int, list[CollectionPoint]]:
    points: dict[int, list[CollectionPoint]] = defaultdict(list)
    for membership in CollectionPointShop.objects.filter(
        shop_id__in=list(shop_ids), collection_point__is_active=True
    ).select_related("collection_point"):
        points[membership.shop_id].append(membership.collection_point)
    return points


def _shop_calendars(
    shop: Shop,
    settings: ShopFulfilment,
    *,
    closures: Iterable[tuple[dt.date, dt.date]],
    points: Iterable[CollectionPoint],
    zones: list[DeliveryZone],
    has_zones: bool,
) -> list[tuple[str, SlotCalendar, dict]]:
    """``(label, calendar, options)`` of each way the shop hands over its orders, in order:
    at the shop, at collection points, then at home when it has a delivery zone."""
    closed = tuple(closures)
    entries: list[tuple[str, SlotCalendar, dict]] = []
    if settings.pickup_enabled:
        entries.append((_("Retrait en boutique"), pickup_calendar(shop, settings, closed), {}))
    for point in sorted(points, key=lambda p: p.name):
        entries.append(
            (
                _("Retrait au point %(name)s") % {"name": point.name},
                point_calendar(point, shop, settings),
                {"collection_point": point},
            )
        )
    if settings.delivery_enabled and has_zones:
        entries.append(
            (
                _("Livraison à domicile"),
                delivery_calendar(shop, settings, closed),
                {"zones": zones},
            )
        )
    return entries


@dataclass(frozen=True)
class ShopFacts:
    """What :func:`fulfilment_for_shops` would otherwise read for one shop: its saved
    settings (None: its territory's defaults), whether it has any closure, active
    collection point or active delivery zone to read, and the counters of its own
    pickup and delivery slots (``(target, starts_at)`` → booked, as ``_loads`` reads
    them)."""

    settings: ShopFulfilment | None
    closures: bool
    points: bool
    zones: bool
    loads: dict[tuple[str, dt.datetime], int]


FACTS = ("closures", "points", "zones")


def shop_facts_annotations(shop_column: str, *, now: dt.datetime) -> dict[str, RawSQL]:
    """Annotations for a query whose rows carry a shop (``shop_column``, the quoted
    column holding its id, e.g. ``'"catalog_offer"."shop_id"'``) saying which of
    :func:`fulfilment_for_shops`' reads would find something for it, and carrying
    the counters of its pickup and delivery slots (a JSON array of ``[target,
    starts_at, booked]``): the read of the slots' loads comes with the shop.

    Read back with :func:`shop_facts`; the query must also ``select_related`` the
    shop's ``fulfilment`` (its saved settings). ``now`` is the moment given to
    ``fulfilment_for_shops``. Plain SQL (PostgreSQL and SQLite differ only in the
    name of the JSON functions): built as ORM subqueries, these cost more CPU to
    compile than the reads they save.
    """
    since = now.date() - dt.timedelta(days=1)
    shop_target = f"'shop:' || CAST({shop_column} AS TEXT) || "
    json_rows = json_rows_sql("target, starts_at, booked")
    loads_table = connection.ops.quote_name(SlotLoad._meta.db_table)

    # Only table and column names and the caller's column go into the SQL; values
    # are parameters.
    def exists(model: type[models.Model], where: str, params: tuple = ()) -> RawSQL:
        table = connection.ops.quote_name(model._meta.db_table)
        sql = f"EXISTS (SELECT 1 FROM {table} WHERE {where})"  # noqa: S608 (names only)
        return RawSQL(sql, params, output_field=BooleanField())  # noqa: S611

    points = connection.ops.quote_name(CollectionPoint._meta.db_table)
    in_points = f"(SELECT id FROM {points} WHERE is_active)"  # noqa: S608 (a table name)
    return {
        "fulfilment_has_closures": exists(
            ShopClosure,
            f"shop_id = {shop_column} AND end_date >= %s",
            (connection.ops.adapt_datefield_value(since),),
        ),
        "fulfilment_has_points": exists(
            CollectionPointShop, f"shop_id = {shop_column} AND collection_point_id IN {in_points}"
        ),
        "fulfilment_has_zones": exists(DeliveryZone, f"shop_id = {shop_column} AND is_active"),
        "fulfilment_loads": RawSQL(  # noqa: S611 (names only, values are parameters)
            f"SELECT {json_rows} FROM {loads_table} "  # noqa: S608 (names only)
            f"WHERE target IN ({shop_target}':pickup', {shop_target}':delivery') "
            "AND starts_at >= %s AND starts_at < %s",
            (
                connection.ops.adapt_datetimefield_value(now),
                connection.ops.adapt_datetimefield_value(now + LOADS_WINDOW),
            ),
            output_field=TextField(),
        ),
    }


def json_rows_sql(columns: str) -> str:
    """The SQL aggregate of the rows' ``columns`` (plain column names, comma-separated)
    as one JSON array of arrays, to read rows of another table with a query's rows;
    read back with :func:`rows_from_json`."""
    if connection.vendor == "postgresql":
        return f"json_agg(json_build_array({columns}))"
    return f"json_group_array(json_array({columns}))"


def rows_from_json(value: object) -> list[list]:
    """What :func:`json_rows_sql` selected: PostgreSQL gives the parsed list (None
    without rows), SQLite its text."""
    rows = json.loads(value) if isinstance(value, str) else value
    return cast(list[list], rows or [])


def datetime_from_json(value: str | None) -> dt.datetime | None:
    """A datetime column read through :func:`json_rows_sql`: ISO with its offset on
    PostgreSQL, naive UTC on SQLite."""
    if value is None:
        return None
    moment = dt.datetime.fromisoformat(value)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def _loads_from_json(value: object) -> dict[tuple[str, dt.datetime], int]:
    """``fulfilment_loads`` as ``_loads`` answers."""
    return {
        (target, datetime_from_json(starts_at)): booked  # type: ignore[misc]
        for target, starts_at, booked in rows_from_json(value)
    }


def shop_facts(row: object, shop: Shop) -> ShopFacts:
    """The facts of ``shop`` from ``row`` annotated with :func:`shop_facts_annotations`
    (``shop.fulfilment`` selected with it: no query)."""
    try:
        settings: ShopFulfilment | None = shop.fulfilment  # type: ignore[attr-defined]
    except ShopFulfilment.DoesNotExist:
        settings = None
    flags = {name: bool(getattr(row, f"fulfilment_has_{name}")) for name in FACTS}
    return ShopFacts(
        settings=settings,
        loads=_loads_from_json(row.fulfilment_loads),  # type: ignore[attr-defined]
        **flags,
    )


def fulfilment_for_shops(
    shops: Sequence[Shop],
    *,
    now: dt.datetime | None = None,
    facts: Mapping[int, ShopFacts] | None = None,
) -> dict[int, ShopFulfilmentView]:
    """Each shop's options (pickup, collection points, delivery) with free slots.

    ``shops`` need ``territory`` loaded (``select_related``). Five queries in all;
    with the ``facts`` of every shop (:func:`shop_facts`, read with the shops) only
    the reads that find something: none for a shop with its settings alone, nor for
    its booked slots unless it has a collection point (whose slots other shops book).
    """
    moment = now or timezone.now()
    shop_ids = [shop.pk for shop in shops]

    def having(fact: str) -> list[int]:
        if facts is None:
            return shop_ids
        return [pk for pk in shop_ids if getattr(facts[pk], fact)]

    saved: dict[int, ShopFulfilment] = {}
    if facts is None:
        saved = {s.shop_id: s for s in ShopFulfilment.objects.filter(shop_id__in=shop_ids)}
    else:
        for pk in shop_ids:
            if (settings := facts[pk].settings) is not None:
                saved[pk] = settings
    with_closures, with_points, with_zones = having("closures"), having("points"), having("zones")
    closures = _closure_days(with_closures, moment) if with_closures else defaultdict(list)
    points = _collection_points(with_points) if with_points else defaultdict(list)
    zones: dict[int, list[DeliveryZone]] = defaultdict(list)
    if with_zones:
        for zone in DeliveryZone.objects.filter(shop_id__in=with_zones, is_active=True).order_by(
            "fee_cents", "pk"
        ):
            zones[zone.shop_id].append(zone)

    pending: dict[int, tuple[ShopFulfilment, list[tuple[str, SlotCalendar, dict]]]] = {}
    targets: set[str] = set()
    for shop in shops:
        settings = saved.get(shop.pk) or default_settings(shop)
        entries = _shop_calendars(
            shop,
            settings,
            closures=closures[shop.pk],
            points=points[shop.pk],
            zones=zones[shop.pk],
            has_zones=bool(zones[shop.pk]),
        )
        targets.update(calendar.target for _label, calendar, _extra in entries)
        pending[shop.pk] = (settings, entries)

    # Booked slots of a collection point may come from other shops' orders.
    if facts is None or with_points:
        loads = _loads(targets, moment)
    else:
        loads = {key: booked for pk in shop_ids for key, booked in facts[pk].loads.items()}
    views = {}
    for shop in shops:
        settings, entries = pending[shop.pk]
        options = [
            FulfilmentOption(
                method=calendar.method,
                label=label,
                calendar=calendar,
                now=moment,
                loads=loads,
                **extra,
            )
            for label, calendar, extra in entries
        ]
        views[shop.pk] = ShopFulfilmentView(shop=shop, settings=settings, options=options)
    return views


@dataclass(frozen=True)
class ReadyTime:
    at: dt.datetime  # UTC
    method: str
    text: str  # "prêt aujourd'hui dès 17 h"


def _ready_time(
    shop: Shop, options: Sequence[FulfilmentOption], now: dt.datetime
) -> ReadyTime | None:
    """The earliest free slot, a pickup (at the shop or a point) before a delivery."""
    pickups = [o for o in options if o.method != FulfilmentMethod.DELIVERY and o.earliest]
    chosen = min(pickups, key=lambda o: o.earliest.start) if pickups else None  # type: ignore[union-attr]
    if chosen is None:
        chosen = next((o for o in options if o.earliest), None)
    if chosen is None or chosen.earliest is None:
        return None
    first = chosen.earliest
    return ReadyTime(
        at=first.start,
        method=chosen.method,
        text=ready_text(
            first.start,
            shop.territory.timezone,
            now,
            delivery=chosen.method == FulfilmentMethod.DELIVERY,
        ),
    )


def _shop_target(suffix: str) -> Concat:
    return Concat(
        Value("shop:"), Cast(OuterRef("pk"), output_field=CharField()), Value(f":{suffix}")
    )


@dataclass(frozen=True)
class _ReadyFacts:
    shop: Shop  # what the ready time reads of it only, with its territory's defaults
    settings: ShopFulfilment | None
    closures: bool
    points: bool
    zones: bool
    # The booked counters of its own pickup and delivery slots, as ``_loads`` reads them.
    loads: dict[tuple[str, dt.datetime], int]


# The fields the ready time reads of a shop and of its territory.
_SHOP_FIELDS = ("id", "territory", "opening_hours", "offers_click_collect", "offers_delivery")
_TERRITORY_FIELDS = (
    "id",
    "timezone",
    "default_slot_minutes",
    "default_lead_minutes",
    "default_capacity_per_slot",
    "default_horizon_days",
)


def _concrete(model: type[models.Model], names: Iterable[str]) -> list[models.Field]:
    fields = [model._meta.get_field(name) for name in names]
    assert all(isinstance(field, models.Field) and field.column for field in fields)
    return fields  # type: ignore[return-value]


def _from_row(model: type[models.Model], fields: list[models.Field], values: list) -> object:
    """A model instance of these fields only (the others deferred), as the ORM builds it."""
    values = [
        bool(value) if isinstance(field, models.BooleanField) and value is not None else value
        for field, value in zip(fields, values, strict=True)
    ]
    return model.from_db(connection.alias, [field.attname for field in fields], values)


def _ready_facts(
    shop_ids: list[int], moment: dt.datetime, since: dt.date
) -> dict[int, _ReadyFacts]:
    """For each shop that exists: the fields the ready time reads of it and of its
    territory, its saved settings (None: its territory's defaults), whether it has an
    active delivery zone, an active collection point or a closure from ``since`` on,
    and the counters of its slots booked in the coming days (a JSON array: the read of
    the slots' loads comes with the shop).

    One query written out by hand: built by the ORM (the subqueries and three joined
    models) the same query cost 5 to 8 ms of CPU to compile and load, about 90 % of the
    ready times of a page, for 0.1 ms in the database.
    """
    qn = connection.ops.quote_name

    def table(model: type[models.Model]) -> str:
        return qn(model._meta.db_table)

    def column(model: type[models.Model], name: str) -> str:
        return qn(_concrete(model, [name])[0].column)

    shop_fields = _concrete(Shop, _SHOP_FIELDS)
    territory_fields = _concrete(Territory, _TERRITORY_FIELDS)
    settings_fields = list(ShopFulfilment._meta.concrete_fields)
    selected = [
        *(f"s.{qn(field.column)}" for field in shop_fields),
        *(f"t.{qn(field.column)}" for field in territory_fields),
        *(f"f.{qn(field.column)}" for field in settings_fields),
    ]
    shop_id = f"s.{column(Shop, 'id')}"
    target, starts_at = column(SlotLoad, "target"), column(SlotLoad, "starts_at")
    load_columns = (target, starts_at, column(SlotLoad, "booked"))
    # Only quoted table and column names and placeholders are formatted into the SQL.
    sql = (
        f"SELECT {', '.join(selected)}, "  # noqa: S608
        f"EXISTS (SELECT 1 FROM {table(DeliveryZone)} z"
        f" WHERE z.{column(DeliveryZone, 'shop')} = {shop_id}"
        f" AND z.{column(DeliveryZone, 'is_active')} = %s), "
        f"EXISTS (SELECT 1 FROM {table(CollectionPointShop)} m"
        f" INNER JOIN {table(CollectionPoint)} p"
        f" ON p.{column(CollectionPoint, 'id')}"
        f" = m.{column(CollectionPointShop, 'collection_point')}"
        f" WHERE m.{column(CollectionPointShop, 'shop')} = {shop_id}"
        f" AND p.{column(CollectionPoint, 'is_active')} = %s), "
        f"(SELECT {json_rows_sql(', '.join(f'l.{name}' for name in load_columns))}"
        f" FROM {table(SlotLoad)} l"
        f" WHERE (l.{target} = ('shop:' || {shop_id} || ':pickup')"
        f" OR l.{target} = ('shop:' || {shop_id} || ':delivery'))"
        f" AND l.{starts_at} >= %s AND l.{starts_at} < %s"
        f" AND l.{column(SlotLoad, 'booked')} > 0), "
        f"EXISTS (SELECT 1 FROM {table(ShopClosure)} c"
        f" WHERE c.{column(ShopClosure, 'shop')} = {shop_id}"
        f" AND c.{column(ShopClosure, 'end_date')} >= %s)"
        f" FROM {table(Shop)} s"
        f" INNER JOIN {table(Territory)} t"
        f" ON t.{column(Territory, 'id')} = s.{column(Shop, 'territory')}"
        f" LEFT OUTER JOIN {table(ShopFulfilment)} f"
        f" ON f.{column(ShopFulfilment, 'shop')} = {shop_id}"
        f" WHERE {shop_id} IN ({', '.join(['%s'] * len(shop_ids))})"
    )
    params = [
        True,
        True,
        connection.ops.adapt_datetimefield_value(moment),
        connection.ops.adapt_datetimefield_value(moment + LOADS_WINDOW),
        connection.ops.adapt_datefield_value(since),
        *shop_ids,
    ]
    ends = [len(shop_fields), len(shop_fields) + len(territory_fields), len(selected)]
    territories: dict[int, object] = {}
    facts: dict[int, _ReadyFacts] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            shop = _from_row(Shop, shop_fields, list(row[: ends[0]]))
            assert isinstance(shop, Shop)
            territory_values = list(row[ends[0] : ends[1]])
            if territory_values[0] not in territories:
                territories[territory_values[0]] = _from_row(
                    Territory, territory_fields, territory_values
                )
            shop.territory = territories[territory_values[0]]  # type: ignore[assignment]
            settings_values = list(row[ends[1] : ends[2]])
            settings = None
            if settings_values[0] is not None:  # the saved settings' id: a row was joined
                settings = _from_row(ShopFulfilment, settings_fields, settings_values)
            zones, points, loads, closures = row[ends[2] :]
            facts[shop.pk] = _ReadyFacts(
                shop=shop,
                settings=settings,  # type: ignore[arg-type]
                closures=bool(closures),
                points=bool(points),
                zones=bool(zones),
                loads=_loads_from_json(loads),
            )
    return facts


def earliest_ready_for_shops(
    shops: Sequence[Shop],
    *,
    now: dt.datetime | None = None,
    closures: ClosureDays | None = None,
) -> dict[int, ReadyTime | None]:
    """The earliest moment each shop can hand over an order, and how it reads.

    Made for lists (shop cards, a product's sellers): one query for any number of
    shops — their settings, territory defaults, their booked slots, and whether
    anything else bears on the answer (a delivery zone, a collection point, a
    closure) — then one query for each of collection points (and their booked slots)
    and closures only when some shop has them. Pass ``closures`` (shop id → ``(start, end)`` dates)
    when the page has them already. ``shops`` need not have their territory loaded.
    """
    if not shops:
        return {}
    moment = now or timezone.now()
    since = moment.date() - dt.timedelta(days=1)
    facts = _ready_facts(list({shop.pk for shop in shops}), moment, since)
    found = [fact.shop for fact in facts.values()]
    if closures is None:
        closures = _closure_days([pk for pk, fact in facts.items() if fact.closures], moment)
    with_points = [pk for pk, fact in facts.items() if fact.points]
    points = _collection_points(with_points) if with_points else defaultdict(list)

    calendars: dict[int, list[tuple[str, SlotCalendar, dict]]] = {}
    targets: set[str] = set()
    for shop in found:
        settings = facts[shop.pk].settings or default_settings(shop)
        calendars[shop.pk] = _shop_calendars(
            shop,
            settings,
            closures=closures.get(shop.pk, ()),
            points=points[shop.pk],
            zones=[],  # the ready time needs to know only that a zone exists
            has_zones=facts[shop.pk].zones,
        )
        targets.update(calendar.target for _label, calendar, _extra in calendars[shop.pk])
    if with_points:  # a collection point's slots are booked by other shops' orders too
        loads = _loads(targets, moment)
    else:
        loads = {key: booked for fact in facts.values() for key, booked in fact.loads.items()}

    result: dict[int, ReadyTime | None] = dict.fromkeys((shop.pk for shop in shops), None)
    # Shops with the same hours and settings and no booked slot are ready at the same
    # moment (a list's shops of one trade often share their hours): worked out once.
    booked_targets = {target for target, _start in loads}
    same: dict[tuple, ReadyTime | None] = {}
    for shop in found:
        entries = calendars[shop.pk]
        key = None
        if not any(calendar.target in booked_targets for _label, calendar, _extra in entries):
            key = tuple(_calendar_key(calendar) for _label, calendar, _extra in entries)
            if key in same:
                result[shop.pk] = same[key]
                continue
        options = [
            FulfilmentOption(
                method=calendar.method, label=label, calendar=calendar, now=moment, loads=loads
            )
            for label, calendar, _extra in entries
        ]
        result[shop.pk] = _ready_time(shop, options, moment)
        if key is not None:
            same[key] = result[shop.pk]
    return result


# What names a calendar rather than shapes its slots.
_CALENDAR_IDENTITY = frozenset({"target", "shop_id", "collection_point_id"})


def _calendar_key(calendar: SlotCalendar) -> tuple:
    """Everything but the identity of ``calendar``: two calendars with the same key and no
    booked slot have the same free slots."""
    return tuple(value for name, value in vars(calendar).items() if name not in _CALENDAR_IDENTITY)


def earliest_ready(shop: Shop, *, now: dt.datetime | None = None) -> ReadyTime | None:
    return earliest_ready_for_shops([shop], now=now)[shop.pk]


def describe_slot(slot: Slot, tz: str, now: dt.datetime | None = None) -> str:
    return slot_label(slot.start, slot.end, tz, now or timezone.now())


@dataclass(frozen=True)
class DeliveryQuote:
    zone: DeliveryZone
    fee_cents: int


def delivery_quote(
    *,
    shop: Shop,
    zones: Sequence[DeliveryZone],
    postcode: str,
    subtotal_cents: int,
    centre: Point | None = None,
) -> DeliveryQuote:
    """The cheapest zone of ``shop`` covering ``postcode``; raises when none or below minimum.

    A radius zone is measured from the shop to ``centre`` (the address's point) or,
    without it, to the centre of the postcode (La Poste base).
    """
    code = postcode.strip()
    matching: list[DeliveryZone] = []
    point = centre
    for zone in zones:
        if zone.kind == DeliveryZone.Kind.POSTCODES and code in zone.postcode_list:
            matching.append(zone)
        elif zone.kind == DeliveryZone.Kind.RADIUS and zone.radius_km:
            if point is None:
                point = postcode_centre(code)
            if point is not None:
                distance = haversine_km(Point(shop.lat, shop.lon), point)
                if distance <= zone.radius_km:
                    matching.append(zone)
    if not matching:
        raise FulfilmentError(
            "delivery_out_of_zone",
            _("%(shop)s ne livre pas au code postal %(postcode)s.")
            % {"shop": shop.name, "postcode": code},
            {"shop": shop.slug, "postcode": code},
        )
    reachable = [zone for zone in matching if subtotal_cents >= zone.minimum_order_cents]
    if not reachable:
        from cabas.money import format_money

        minimum = min(zone.minimum_order_cents for zone in matching)
        raise FulfilmentError(
            "delivery_below_minimum",
            _("%(shop)s livre à partir de %(minimum)s d'achats.")
            % {"shop": shop.name, "minimum": format_money(minimum)},
            {"shop": shop.slug, "minimum_order_cents": minimum},
        )
    zone = min(reachable, key=lambda z: (z.fee_cents, z.pk))
    return DeliveryQuote(zone=zone, fee_cents=zone.fee_cents)


def choose_slot(
    view: ShopFulfilmentView,
    *,
    option_key: str | None,
    slot_start: dt.datetime | None,
    now: dt.datetime,
) -> tuple[FulfilmentOption, Slot]:
    """The option and slot for one shop's order; no slot given means the earliest free one.

    Raises a specific error for an unknown option, a slot in the past, outside the
    opening hours (or within the preparation time), or full.
    """
    shop = view.shop
    if option_key:
        option = view.option(option_key)
        if option is None:
            raise FulfilmentError(
                "fulfilment_unavailable",
                _("%(shop)s ne propose pas ce mode de retrait.") % {"shop": shop.name},
                {"shop": shop.slug, "option": option_key},
            )
    else:
        option = view.default_option
        if option is None:
            raise FulfilmentError(
                "no_slot_available",
                _("%(shop)s n'a aucun créneau disponible dans les prochains jours.")
                % {"shop": shop.name},
                {"shop": shop.slug},
            )
    if slot_start is None:
        if option.earliest is None:
            raise FulfilmentError(
                "no_slot_available",
                _("Aucun créneau disponible pour « %(option)s » chez %(shop)s.")
                % {"option": option.label, "shop": shop.name},
                {"shop": shop.slug, "option": option.key},
            )
        return option, option.earliest
    slot = option.find_slot(slot_start)
    if slot is not None:
        return option, slot
    details = {"shop": shop.slug, "option": option.key, "slot": slot_start.isoformat()}
    if slot_start <= now:
        raise FulfilmentError("slot_in_past", _("Ce créneau est déjà passé."), details)
    windows = {start for start, _end in slot_windows(option.calendar, now)}
    if slot_start in windows:
        raise FulfilmentError(
            "slot_full", _("Ce créneau est complet ; choisissez-en un autre."), details
        )
    from dataclasses import replace

    without_lead = {
        start for start, _end in slot_windows(replace(option.calendar, lead_minutes=0), now)
    }
    if slot_start in without_lead:
        raise FulfilmentError(
            "slot_too_soon",
            _(
                "%(shop)s a besoin de plus de temps pour préparer la commande : choisissez un "
                "créneau plus tard."
            )
            % {"shop": shop.name},
            details,
        )
    raise FulfilmentError(
        "slot_closed",
        _("Ce créneau ne correspond pas aux horaires d'ouverture ; choisissez-en un autre."),
        details,
    )

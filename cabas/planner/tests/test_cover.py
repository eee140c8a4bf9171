"""The cover and the walking order against brute force on hand-made and random small cases."""

from __future__ import annotations

import itertools
import math
import random

import pytest

from cabas.geo.distance import Point
from cabas.planner import cover as cover_module
from cabas.planner.cover import Candidate, plan_cover
from cabas.planner.walking import (
    DETOUR_FACTOR,
    DistanceTable,
    loop_length,
    order_stops,
    walk_m,
    walk_minutes,
)

START = Point(48.8566, 2.3522)


def _point(east_m: float, north_m: float) -> Point:
    return Point(
        START.lat + north_m / 111_195,
        START.lon + east_m / (111_195 * math.cos(math.radians(START.lat))),
    )


def brute_force(candidates, line_count, dist):
    """Every subset of shops, smallest first; for covering ones every order of the stops."""
    full = (1 << line_count) - 1
    held = 0
    for c in candidates:
        held |= c.lines
    full &= held
    if not full:
        return 0, 0.0
    for size in range(1, len(candidates) + 1):
        best = None
        for subset in itertools.combinations(candidates, size):
            got = 0
            for c in subset:
                got |= c.lines
            if got & full != full:
                continue
            length = min(
                loop_length(order, dist)
                for order in itertools.permutations([c.place for c in subset])
            )
            best = length if best is None else min(best, length)
        if best is not None:
            return size, best
    raise AssertionError("unreachable")


def test_walking_model_is_haversine_times_detour_at_walking_pace():
    a, b = START, _point(0, 1000)
    assert walk_m(a, b) == pytest.approx(1000 * DETOUR_FACTOR, rel=1e-3)
    assert walk_minutes(4500) == pytest.approx(60)


def test_one_shop_holding_everything_beats_two_nearer_shops():
    # Given two shops next door holding half the list each, and one far shop holding it all.
    places = [_point(100, 0), _point(-100, 0), _point(0, 2000)]
    dist = DistanceTable(START, places)
    candidates = [Candidate(1, 0b01), Candidate(2, 0b10), Candidate(3, 0b11)]
    # When planned, then the fewest stops win before the shortest walk.
    result = plan_cover(candidates, 2, dist)
    assert result.route == [3]
    assert result.exact


def test_among_equal_stop_counts_the_shorter_walk_wins():
    places = [_point(3000, 0), _point(0, 3000), _point(200, 0), _point(0, 200)]
    dist = DistanceTable(START, places)
    candidates = [
        Candidate(1, 0b01),
        Candidate(2, 0b10),
        Candidate(3, 0b01),
        Candidate(4, 0b10),
    ]
    result = plan_cover(candidates, 2, dist)
    assert sorted(result.route) == [3, 4]
    assert result.walk_m == pytest.approx(brute_force(candidates, 2, dist)[1])


def test_greedy_trap_is_solved_exactly():
    # The classic trap: greedy takes the big shop (4 lines) and then needs two more,
    # while two shops cover the six lines.
    places = [_point(50, 0), _point(400, 0), _point(-400, 0)]
    dist = DistanceTable(START, places)
    candidates = [
        Candidate(1, 0b011110),
        Candidate(2, 0b000111),
        Candidate(3, 0b111000),
    ]
    assert cover_module.greedy_cover(candidates, 0b111111, dist)[0] == 1
    result = plan_cover(candidates, 6, dist)
    assert sorted(result.route) == [2, 3]
    assert result.exact


def test_lines_nobody_holds_are_reported():
    dist = DistanceTable(START, [_point(10, 10)])
    result = plan_cover([Candidate(1, 0b101)], 3, dist)
    assert result.route == [1]
    assert result.uncovered == 0b010


def test_no_candidate_at_all_reports_every_line():
    result = plan_cover([], 3, DistanceTable(START, []))
    assert result.route == []
    assert result.uncovered == 0b111
    assert result.walk_m == 0


@pytest.mark.parametrize("seed", range(60))
def test_plan_matches_brute_force_on_random_small_cases(seed):
    rng = random.Random(seed)
    shop_count = rng.randint(1, 9)
    line_count = rng.randint(1, 7)
    places = [_point(rng.uniform(-1500, 1500), rng.uniform(-1500, 1500)) for _ in range(shop_count)]
    dist = DistanceTable(START, places)
    candidates = [
        Candidate(i + 1, rng.randrange(1, 1 << line_count) & rng.randrange(1, 1 << line_count))
        for i in range(shop_count)
    ]
    candidates = [c for c in candidates if c.lines]
    expected_stops, expected_m = brute_force(candidates, line_count, dist)
    result = plan_cover(candidates, line_count, dist)
    assert result.exact
    assert len(result.route) == expected_stops
    assert result.walk_m == pytest.approx(expected_m, abs=1e-6)
    # The route is walked in the order given and really covers every coverable line.
    assert loop_length(result.route, dist) == pytest.approx(result.walk_m)
    got = 0
    for c in candidates:
        if c.place in result.route:
            got |= c.lines
    held = 0
    for c in candidates:
        held |= c.lines
    assert got & held == held
    assert result.uncovered == ((1 << line_count) - 1) & ~held
    # Every stop holds a line the other stops do not: none is there for nothing.
    masks = {c.place: c.lines for c in candidates}
    for place in result.route:
        others = 0
        for other in result.route:
            if other != place:
                others |= masks[other]
        assert masks[place] & ~others


@pytest.mark.parametrize("count", [1, 2, 3, 5, 7, 8])
def test_stop_order_is_the_shortest_loop(count):
    rng = random.Random(count)
    places = [_point(rng.uniform(-2000, 2000), rng.uniform(-2000, 2000)) for _ in range(count)]
    dist = DistanceTable(START, places)
    stops = list(range(1, count + 1))
    route, length = order_stops(stops, dist)
    best = min(loop_length(order, dist) for order in itertools.permutations(stops))
    assert sorted(route) == stops
    assert length == pytest.approx(best)


def test_many_stops_use_nearest_neighbour_and_two_opt_without_crossings():
    # Twelve shops on a circle: the shortest loop goes round it.
    places = [
        _point(1000 * math.cos(k * math.pi / 6), 1000 * math.sin(k * math.pi / 6))
        for k in (0, 6, 3, 9, 1, 7, 4, 10, 2, 8, 5, 11)
    ]
    dist = DistanceTable(_point(1000, 0), places)
    _route, length = order_stops(list(range(1, 13)), dist)
    perimeter = 12 * 2 * 1000 * math.sin(math.pi / 12) * DETOUR_FACTOR
    assert length == pytest.approx(perimeter, rel=1e-3)


def test_budget_exhausted_falls_back_to_a_valid_improved_cover(monkeypatch):
    monkeypatch.setattr(cover_module, "NODE_BUDGET", 1)
    rng = random.Random(7)
    places = [_point(rng.uniform(-1500, 1500), rng.uniform(-1500, 1500)) for _ in range(30)]
    dist = DistanceTable(START, places)
    candidates = [Candidate(i + 1, rng.randrange(1, 1 << 12)) for i in range(30)]
    result = plan_cover(candidates, 12, dist)
    assert not result.exact
    got = 0
    for c in candidates:
        if c.place in result.route:
            got |= c.lines
    assert got == (1 << 12) - 1


def test_covers_beyond_the_exact_size_use_the_heuristic_and_stay_valid():
    # Ten lines each held by its own shops only: at least ten stops, beyond the exact size.
    rng = random.Random(3)
    places = [_point(rng.uniform(-1500, 1500), rng.uniform(-1500, 1500)) for _ in range(30)]
    dist = DistanceTable(START, places)
    candidates = [Candidate(i + 1, 1 << (i % 10)) for i in range(30)]
    result = plan_cover(candidates, 10, dist)
    assert len(result.route) == 10 > cover_module.EXACT_MAX_STOPS
    assert not result.exact
    got = 0
    for c in candidates:
        if c.place in result.route:
            got |= c.lines
    assert got == (1 << 10) - 1
    # Local improvement never leaves the greedy walk longer.
    greedy = cover_module.greedy_cover(candidates, (1 << 10) - 1, dist)
    assert result.walk_m <= order_stops(greedy, dist)[1] + 1e-6

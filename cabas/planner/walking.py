"""The walking model and the order of the stops.

Distances are great-circle (haversine) distances multiplied by a detour factor of 1.3
(streets are not straight lines: the usual ratio of network to crow-flies distance in a
dense town), walked at 4.5 km/h. The route is a loop: from the shopper's starting point
through every stop and back, since the shopping is carried home.

Stops are ordered exactly (every order, by dynamic programming over subsets) up to
``EXACT_STOPS`` stops, and beyond that by nearest neighbour then 2-opt.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from cabas.geo.distance import Point, haversine_km

DETOUR_FACTOR = 1.3
WALK_KMH = 4.5
EXACT_STOPS = 8


def walk_m(a: Point, b: Point) -> float:
    """Walking metres between two points under the model."""
    return haversine_km(a, b) * 1000 * DETOUR_FACTOR


def walk_minutes(metres: float) -> float:
    return metres / 1000 / WALK_KMH * 60


class DistanceTable:
    """Walking metres between the start (index 0) and candidate places (1…n), memoised."""

    def __init__(self, start: Point, places: Sequence[Point]) -> None:
        self.points = [start, *places]
        self._cache: dict[tuple[int, int], float] = {}

    def __call__(self, i: int, j: int) -> float:
        if i == j:
            return 0.0
        key = (i, j) if i < j else (j, i)
        found = self._cache.get(key)
        if found is None:
            found = walk_m(self.points[i], self.points[j])
            self._cache[key] = found
        return found


def loop_length(order: Sequence[int], dist: DistanceTable) -> float:
    """Metres of start → order… → start (indices into ``dist``; 0 is the start)."""
    if not order:
        return 0.0
    total = dist(0, order[0]) + dist(order[-1], 0)
    for a, b in itertools.pairwise(order):
        total += dist(a, b)
    return total


def _exact(stops: Sequence[int], dist: DistanceTable) -> list[int]:
    """Held–Karp over subsets: the shortest loop through every stop."""
    n = len(stops)
    if n <= 3:  # every loop of three stops or fewer is one of these few orders
        return list(min(itertools.permutations(stops), key=lambda o: loop_length(list(o), dist)))
    nodes = [0, *stops]
    d = [[dist(a, b) for b in nodes] for a in nodes]
    full = (1 << n) - 1
    inf = float("inf")
    # cost[mask][k]: shortest path from the start through the stops of mask, ending at k.
    cost = [[inf] * n for _ in range(1 << n)]
    back = [[-1] * n for _ in range(1 << n)]
    for k in range(n):
        cost[1 << k][k] = d[0][k + 1]
    for mask in range(1, full + 1):
        row = cost[mask]
        for last in range(n):
            here = row[last]
            if here == inf or not mask & (1 << last):
                continue
            out = d[last + 1]
            for nxt in range(n):
                if mask & (1 << nxt):
                    continue
                grown = mask | (1 << nxt)
                value = here + out[nxt + 1]
                if value < cost[grown][nxt]:
                    cost[grown][nxt] = value
                    back[grown][nxt] = last
    last = min(range(n), key=lambda k: (cost[full][k] + d[k + 1][0], k))
    order: list[int] = []
    mask = full
    while last != -1:
        order.append(stops[last])
        last, mask = back[mask][last], mask & ~(1 << last)
    order.reverse()
    return order


def _nearest_neighbour(stops: Sequence[int], dist: DistanceTable) -> list[int]:
    left = set(stops)
    order: list[int] = []
    here = 0
    while left:
        here = min(left, key=lambda s: (dist(here, s), s))
        order.append(here)
        left.remove(here)
    return order


def _two_opt(order: list[int], dist: DistanceTable) -> list[int]:
    route = [0, *order, 0]
    improved = True
    while improved:
        improved = False
        for i in range(1, len(route) - 2):
            for j in range(i + 1, len(route) - 1):
                a, b, c, d = route[i - 1], route[i], route[j], route[j + 1]
                if dist(a, c) + dist(b, d) < dist(a, b) + dist(c, d) - 1e-9:
                    route[i : j + 1] = reversed(route[i : j + 1])
                    improved = True
    return route[1:-1]


def order_stops(stops: Sequence[int], dist: DistanceTable) -> tuple[list[int], float]:
    """The order to walk ``stops`` (indices into ``dist``) and the loop's metres."""
    ordered = sorted(stops)
    if len(ordered) <= EXACT_STOPS:
        route = _exact(ordered, dist)
    else:
        route = _two_opt(_nearest_neighbour(ordered, dist), dist)
    return route, loop_length(route, dist)

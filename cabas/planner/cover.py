"""Which shops to visit: the fewest stops that cover the list, then the shortest walk.

A weighted set cover with a lexicographic objective ``(number of stops, loop metres)``.

* Exact (small cases): branch and bound. It branches on the uncovered line that the
  fewest shops hold (one of them must be visited), never goes deeper than the best cover
  found so far, and at equal depth prunes a partial set whose loop cannot beat the best:
  its lower bound (the minimum spanning tree of the start and the stops, or there and
  back to the farthest stop) is already as long, and adding stops never shortens a loop
  (distances obey the triangle inequality). The incumbent comes from the heuristic
  below, so the search only has to prove or improve it.
* Heuristic (covers of more than ``EXACT_MAX_STOPS`` stops, or when the search exceeds
  ``NODE_BUDGET`` nodes or ``TOUR_BUDGET`` tours): greedy — the shop adding the most
  uncovered lines, the nearest to the last stop on a tie — then local improvement until
  nothing changes: drop a redundant stop, replace two stops by one shop, swap one stop
  for another shop when the walk gets shorter. The answer says whether it is proven
  optimal (``exact``).

Pure computation: shops are indices into a :class:`~cabas.planner.walking.DistanceTable`
(0 is the start), lines are bit positions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .walking import DistanceTable, order_stops

NODE_BUDGET = 5_000
# Tours of new stop sets the exact search may compute (each is a small optimisation).
TOUR_BUDGET = 400
# Beyond this many stops in the heuristic's cover, the exact search is not attempted: the
# tree of covers grows as (shops per line) ** stops.
EXACT_MAX_STOPS = 6
MAX_IMPROVEMENT_ROUNDS = 20


@dataclass(frozen=True)
class Candidate:
    place: int  # index in the distance table (1…n)
    lines: int  # bit mask of the list lines this shop holds


@dataclass(frozen=True)
class Cover:
    route: list[int]  # places in walking order
    walk_m: float
    uncovered: int  # bit mask of the lines no candidate holds
    exact: bool


class _Tours:
    """Loop lengths of stop sets, memoised (the search meets the same sets often)."""

    def __init__(self, dist: DistanceTable) -> None:
        self.dist = dist
        self._known: dict[frozenset[int], tuple[list[int], float]] = {}
        self.computed = 0

    def __call__(self, stops: frozenset[int]) -> tuple[list[int], float]:
        found = self._known.get(stops)
        if found is None:
            found = order_stops(list(stops), self.dist)
            self._known[stops] = found
            self.computed += 1
        return found

    def lower_bound(self, stops: frozenset[int]) -> float:
        """A length no loop through ``stops`` can beat, cheap to compute: the larger of
        there-and-back to the farthest stop and the minimum spanning tree of the start and
        the stops (a loop minus one leg is a spanning tree)."""
        if not stops:
            return 0.0
        dist = self.dist
        radial = 2 * max(dist(0, place) for place in stops)
        # Prim's algorithm from the start.
        left = list(stops)
        nearest = {place: dist(0, place) for place in left}
        tree = 0.0
        while nearest:
            place = min(nearest, key=nearest.__getitem__)
            tree += nearest.pop(place)
            for other in nearest:
                leg = dist(place, other)
                if leg < nearest[other]:
                    nearest[other] = leg
        return max(radial, tree)


def _covers(stops: frozenset[int], masks: dict[int, int], full: int) -> bool:
    got = 0
    for place in stops:
        got |= masks[place]
    return got & full == full


def greedy_cover(candidates: Sequence[Candidate], full: int, dist: DistanceTable) -> list[int]:
    """Greedy: most new lines first, then the nearest to where the shopper stands."""
    chosen: list[int] = []
    covered = 0
    here = 0
    while covered & full != full:
        best = max(
            candidates,
            key=lambda c: (
                (c.lines & full & ~covered).bit_count(),
                -dist(here, c.place),
                -c.place,
            ),
        )
        if not best.lines & full & ~covered:
            break
        chosen.append(best.place)
        covered |= best.lines
        here = best.place
    return chosen


def improve(
    stops: frozenset[int], candidates: Sequence[Candidate], full: int, tours: _Tours
) -> frozenset[int]:
    """Local improvement of a cover: fewer stops first, then a shorter walk."""
    masks = {c.place: c.lines for c in candidates}
    for _round in range(MAX_IMPROVEMENT_ROUNDS):
        changed = False
        # Drop a stop the others make redundant, the farthest first.
        for place in sorted(stops, key=lambda p: -tours.dist(0, p)):
            rest = stops - {place}
            if rest and _covers(rest, masks, full):
                stops, changed = rest, True
        # Two stops replaced by one shop holding what only they held.
        ordered = sorted(stops)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                if a not in stops or b not in stops:
                    continue
                rest = stops - {a, b}
                held = 0
                for place in rest:
                    held |= masks[place]
                need = full & ~held
                best: tuple[float, int] | None = None
                for c in candidates:
                    if c.lines & need == need and c.place not in rest:
                        length = tours(rest | {c.place})[1]
                        if best is None or (length, c.place) < best:
                            best = (length, c.place)
                if best is not None:
                    stops, changed = rest | {best[1]}, True
        # One stop swapped for another shop when the walk gets shorter.
        current = tours(stops)[1]
        for place in sorted(stops):
            if place not in stops:
                continue
            rest = stops - {place}
            held = 0
            for other in rest:
                held |= masks[other]
            need = full & ~held
            for c in candidates:
                if c.place in stops or c.lines & need != need:
                    continue
                trial = rest | {c.place}
                length = tours(trial)[1]
                if length < current - 1e-6:
                    stops, current, changed = trial, length, True
                    break
        if not changed:
            break
    return stops


def _exact_search(
    candidates: Sequence[Candidate],
    full: int,
    tours: _Tours,
    incumbent: frozenset[int],
) -> tuple[frozenset[int], bool]:
    """Branch and bound from ``incumbent``; returns the best cover and whether the search
    finished within the budget (then it is optimal)."""
    by_line: dict[int, list[Candidate]] = {}
    bit = 1
    while bit <= full:
        if full & bit:
            by_line[bit] = sorted(
                (c for c in candidates if c.lines & bit),
                key=lambda c: (-(c.lines & full).bit_count(), tours.dist(0, c.place), c.place),
            )
        bit <<= 1
    best = incumbent
    best_key = (len(incumbent), tours(incumbent)[1])
    nodes = 0

    tours_at_start = tours.computed

    def search(chosen: frozenset[int], covered: int) -> bool:
        nonlocal best, best_key, nodes
        nodes += 1
        if nodes > NODE_BUDGET or tours.computed - tours_at_start > TOUR_BUDGET:
            return False
        remaining = full & ~covered
        if not remaining:
            if len(chosen) == best_key[0] and tours.lower_bound(chosen) >= best_key[1]:
                return True
            key = (len(chosen), tours(chosen)[1])
            if key < best_key:
                best, best_key = chosen, key
            return True
        if len(chosen) + 1 > best_key[0]:
            return True
        # At the incumbent's size, adding a stop never shortens the loop (distances obey
        # the triangle inequality): prune a partial tour already as long as the best.
        if chosen and len(chosen) + 1 == best_key[0] and tours.lower_bound(chosen) >= best_key[1]:
            return True
        # The line the fewest shops hold: one of them must be in the cover.
        line = min((b for b in by_line if remaining & b), key=lambda b: (len(by_line[b]), b))
        last_stop = len(chosen) + 1 == best_key[0]
        for c in by_line[line]:
            if c.place in chosen:
                continue
            if last_stop and c.lines & remaining != remaining:
                continue
            if not search(chosen | {c.place}, covered | c.lines):
                return False
        return True

    finished = search(frozenset(), 0)
    return best, finished


def plan_cover(candidates: Sequence[Candidate], line_count: int, dist: DistanceTable) -> Cover:
    """The stops to visit for lines ``0…line_count-1`` and their walking order."""
    wanted = (1 << line_count) - 1
    held = 0
    for c in candidates:
        held |= c.lines
    full = wanted & held
    uncovered = wanted & ~held
    if not full:
        return Cover(route=[], walk_m=0.0, uncovered=uncovered, exact=True)
    useful = [c for c in candidates if c.lines & full]
    tours = _Tours(dist)
    start = frozenset(greedy_cover(useful, full, dist))
    start = improve(start, useful, full, tours)
    if len(start) <= EXACT_MAX_STOPS:
        best, exact = _exact_search(useful, full, tours, start)
    else:
        best, exact = start, False
    if not exact:
        best = improve(best, useful, full, tours)
    route, metres = tours(best)
    return Cover(route=route, walk_m=metres, uncovered=uncovered, exact=exact)

"""Bar charts as SVG, laid out on the server: no JavaScript, no chart library.

Each chart is an image with a title and a one-sentence description for screen
readers (``role="img"``, ``aria-labelledby``); the page always shows the same
figures in a data table next to it, which is the accessible source of truth.
Colours come from CSS classes, so the charts follow the territory's brand and a
Content-Security-Policy without inline styles.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

# Room for the value labels on the left (vertical charts) and the names (horizontal).
VERTICAL_WIDTH = 640
VERTICAL_HEIGHT = 260
MARGIN_LEFT = 72
MARGIN_RIGHT = 12
MARGIN_TOP = 16
MARGIN_BOTTOM = 40
HORIZONTAL_WIDTH = 640
HORIZONTAL_LABEL = 200
HORIZONTAL_BAR = 22
HORIZONTAL_GAP = 10
MAX_X_LABELS = 12


def nice_ceiling(value: int) -> int:
    """The smallest 1, 2, 2.5 or 5 × 10^k at least ``value`` (axis top), 1 for 0."""
    if value <= 0:
        return 1
    magnitude = 1
    while magnitude * 10 <= value:
        magnitude *= 10
    for step in (1, 2, 2.5, 5, 10):
        candidate = int(step * magnitude)
        if candidate >= value:
            return candidate
    return 10 * magnitude


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value_text: str
    show_label: bool = True

    @property
    def centre_x(self) -> float:
        return round(self.x + self.width / 2, 2)

    @property
    def centre_y(self) -> float:
        return round(self.y + self.height / 2, 2)

    @property
    def end_x(self) -> float:
        return round(self.x + self.width, 2)


@dataclass(frozen=True)
class Tick:
    position: float
    text: str


@dataclass(frozen=True)
class BarChart:
    chart_id: str
    title: str
    description: str
    width: int
    height: int
    orientation: str  # "vertical" or "horizontal"
    bars: list[Bar]
    ticks: list[Tick]
    axis_x: float  # vertical: left of the plot; horizontal: left of the bars
    axis_y: float  # vertical: baseline; horizontal: top of the plot
    plot_width: float
    plot_height: float

    @property
    def title_id(self) -> str:
        return f"{self.chart_id}-titre"

    @property
    def desc_id(self) -> str:
        return f"{self.chart_id}-description"

    @property
    def is_empty(self) -> bool:
        return not self.bars

    @property
    def axis_right(self) -> float:
        return round(self.axis_x + self.plot_width, 2)

    @property
    def axis_top(self) -> float:
        return round(self.axis_y - self.plot_height, 2)

    @property
    def label_y(self) -> float:
        """Baseline of the x labels under a vertical chart."""
        return round(self.axis_y + 18, 2)


def vertical_bars(
    *,
    chart_id: str,
    title: str,
    description: str,
    points: Sequence[tuple[str, int]],
    format_value: Callable[[int], str],
) -> BarChart:
    """Columns over time (weeks, months): ``points`` are ``(label, value)`` in order."""
    plot_width = VERTICAL_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_height = VERTICAL_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    top = nice_ceiling(max((value for _label, value in points), default=0))
    slot = plot_width / max(len(points), 1)
    bar_width = max(slot * 0.7, 1.0)
    every = max(1, -(-len(points) // MAX_X_LABELS))
    baseline = MARGIN_TOP + plot_height
    bars = []
    for index, (label, value) in enumerate(points):
        height = plot_height * max(value, 0) / top
        bars.append(
            Bar(
                x=round(MARGIN_LEFT + index * slot + (slot - bar_width) / 2, 2),
                y=round(baseline - height, 2),
                width=round(bar_width, 2),
                height=round(height, 2),
                label=label,
                value_text=format_value(value),
                show_label=index % every == 0,
            )
        )
    ticks = [
        Tick(position=round(baseline - plot_height * i / 4, 2), text=format_value(top * i // 4))
        for i in range(5)
    ]
    return BarChart(
        chart_id=chart_id,
        title=title,
        description=description,
        width=VERTICAL_WIDTH,
        height=VERTICAL_HEIGHT,
        orientation="vertical",
        bars=bars,
        ticks=ticks,
        axis_x=MARGIN_LEFT,
        axis_y=baseline,
        plot_width=plot_width,
        plot_height=plot_height,
    )


def horizontal_bars(
    *,
    chart_id: str,
    title: str,
    description: str,
    points: Sequence[tuple[str, int]],
    format_value: Callable[[int], str],
) -> BarChart:
    """One bar per category (shops, families, methods), the value written after it."""
    value_room = 110
    plot_width = HORIZONTAL_WIDTH - HORIZONTAL_LABEL - value_room
    top = max((value for _label, value in points), default=0) or 1
    height = MARGIN_TOP + len(points) * (HORIZONTAL_BAR + HORIZONTAL_GAP) + 8
    bars = []
    for index, (label, value) in enumerate(points):
        width = plot_width * max(value, 0) / top
        bars.append(
            Bar(
                x=HORIZONTAL_LABEL,
                y=MARGIN_TOP + index * (HORIZONTAL_BAR + HORIZONTAL_GAP),
                width=round(width, 2),
                height=HORIZONTAL_BAR,
                label=label if len(label) <= 28 else label[:27] + "…",
                value_text=format_value(value),
            )
        )
    return BarChart(
        chart_id=chart_id,
        title=title,
        description=description,
        width=HORIZONTAL_WIDTH,
        height=height,
        orientation="horizontal",
        bars=bars,
        ticks=[],
        axis_x=HORIZONTAL_LABEL,
        axis_y=MARGIN_TOP,
        plot_width=plot_width,
        plot_height=height - MARGIN_TOP,
    )

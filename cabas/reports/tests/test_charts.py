"""Server-side bar charts: geometry proportional to the values, readable axes."""

import pytest

from cabas.reports.charts import horizontal_bars, nice_ceiling, vertical_bars


@pytest.mark.parametrize(
    ("value", "top"), [(0, 1), (1, 1), (7, 10), (11, 20), (201, 250), (2600, 5000), (9999, 10000)]
)
def test_the_axis_top_is_a_round_number_above_the_maximum(value, top):
    assert nice_ceiling(value) == top


def test_bar_heights_are_proportional_and_labels_thin_out():
    chart = vertical_bars(
        chart_id="c",
        title="Ventes",
        description="d",
        points=[(f"S{n}", n * 10) for n in range(26)],
        format_value=str,
    )

    top = 250 + 0  # nice ceiling of 250
    heights = [bar.height for bar in chart.bars]
    assert heights[0] == 0
    assert heights[25] == pytest.approx(chart.plot_height * 250 / top)
    assert heights[10] == pytest.approx(chart.plot_height * 100 / top, abs=0.01)
    assert all(bar.y + bar.height == pytest.approx(chart.axis_y) for bar in chart.bars)
    assert sum(bar.show_label for bar in chart.bars) <= 13
    assert [tick.text for tick in chart.ticks] == ["0", "62", "125", "187", "250"]


def test_horizontal_bars_scale_to_the_largest():
    chart = horizontal_bars(
        chart_id="h",
        title="t",
        description="d",
        points=[("Une catégorie au nom vraiment très très long", 50), ("B", 100)],
        format_value=lambda v: f"{v} €",
    )

    assert chart.bars[1].width == pytest.approx(chart.plot_width)
    assert chart.bars[0].width == pytest.approx(chart.plot_width / 2)
    assert chart.bars[0].label.endswith("…") and len(chart.bars[0].label) == 28
    assert chart.bars[1].value_text == "100 €"

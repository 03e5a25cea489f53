"""The SVG charts: accessible, without script or inline style, series told apart without
colour, text escaped."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from portal.web import charts

SVG = "{http://www.w3.org/2000/svg}"


def _parse(markup: str) -> ET.Element:
    # Our own SVG, made by the test itself: not untrusted input.
    return ET.fromstring(str(markup))  # noqa: S314


def _line() -> str:
    return charts.line_chart(
        "grafiek-test",
        "PIP binnen 10 weken",
        "Aandeel per half jaar",
        ["1e helft 2025", "2e helft 2025", "1e helft 2026"],
        [
            charts.Series("Gemeente Aa", [50, None, 75]),
            charts.Series("Gemeente <Bee>", [80, 90, 100]),
        ],
        reference=charts.Series("Regio (gemiddelde)", [60, 90, 85]),
        target=charts.Target("Norm", 100),
        unit=" %",
    )


def test_a_chart_is_an_image_named_by_its_title_and_description() -> None:
    svg = _parse(_line())
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "grafiek-test-title grafiek-test-desc"
    assert svg.find(f"{SVG}title").get("id") == "grafiek-test-title"
    assert svg.find(f"{SVG}title").text == "PIP binnen 10 weken"
    assert svg.find(f"{SVG}desc").text == "Aandeel per half jaar"
    assert svg.get("viewBox", "").startswith("0 0 640 ")


def test_no_script_no_style_and_text_is_escaped() -> None:
    markup = str(_line())
    assert "<script" not in markup and "style=" not in markup and "<style" not in markup
    assert "Gemeente &lt;Bee&gt;" in markup
    assert " on" not in re.sub(r'"[^"]*"', "", markup)  # no event handler attributes


def test_series_differ_by_marker_and_dash_not_only_colour() -> None:
    svg = _parse(_line())
    groups = [g for g in svg.iter(f"{SVG}g") if "portal-chart__series--" in g.get("class", "")]
    first = [g for g in groups if "series--1" in g.get("class")]
    second = [g for g in groups if "series--2" in g.get("class")]
    # Series 1: solid line with circles; series 2: dashed with squares (plot and legend).
    assert first[0].find(f"{SVG}circle") is not None and first[0].find(f"{SVG}rect") is None
    assert second[0].find(f"{SVG}rect") is not None
    dashes = {
        line.get("stroke-dasharray")
        for g in second
        for line in g.iter()
        if line.tag in (f"{SVG}polyline", f"{SVG}line")
    }
    assert dashes == {"8 4"}
    # A missing value breaks the line: series 1 has two points apart, so no polyline at all.
    assert first[0].find(f"{SVG}polyline") is None
    assert len(first[0].findall(f"{SVG}circle")) == 2


def test_reference_and_target_lines_are_drawn_and_explained_in_the_legend() -> None:
    markup = str(_line())
    assert markup.count('class="portal-chart__reference"') == 2  # line and legend
    assert markup.count('class="portal-chart__target"') == 2
    assert "Regio (gemiddelde)</text>" in markup and "Norm: 100 %</text>" in markup
    # The axis goes up to the target, with Dutch tick labels.
    assert ">100 %</text>" in markup and ">50 %</text>" in markup


def test_a_value_sits_at_its_height() -> None:
    svg = _parse(
        charts.line_chart("grafiek-h", "t", "d", ["a", "b"], [charts.Series("s", [0, 100])])
    )
    circles = [c for c in svg.iter(f"{SVG}circle")][:2]
    top, bottom = charts.PLOT_TOP, charts.PLOT_TOP + charts.PLOT_HEIGHT
    assert [float(c.get("cy")) for c in circles] == [bottom, top]


def test_bars_carry_their_value_and_target_tick() -> None:
    markup = str(
        charts.bar_chart(
            "grafiek-bars",
            "Huisvesting",
            "Per gemeente",
            [charts.Bar("Gemeente Aa", 12, target=20), charts.Bar("Gemeente Bee", 2.5)],
            target_label="Taakstelling",
        )
    )
    svg = _parse(markup)
    bars = [r for r in svg.iter(f"{SVG}rect") if r.get("class") == "portal-chart__bar"]
    assert len(bars) == 2
    assert float(bars[0].get("width")) > float(bars[1].get("width")) > 0
    assert ">12</text>" in markup and ">2,5</text>" in markup
    # One target tick (on the first bar) plus the one in the legend.
    assert markup.count('class="portal-chart__target"') == 2
    assert "Taakstelling</text>" in markup


def test_empty_charts_render_and_bad_input_is_refused() -> None:
    assert _parse(charts.bar_chart("grafiek-leeg", "t", "d", [])).get("role") == "img"
    assert _parse(charts.line_chart("grafiek-leeg", "t", "d", [], [])).get("role") == "img"
    with pytest.raises(ValueError):
        charts.line_chart("grafiek-x", "t", "d", ["a"], [charts.Series("s", [1, 2])])
    with pytest.raises(ValueError):
        charts.line_chart(
            "grafiek-x", "t", "d", ["a"], [charts.Series(str(n), [n]) for n in range(7)]
        )
    with pytest.raises(ValueError):
        charts.bar_chart('x" onload="alert(1)', "t", "d", [])


def test_axis_top_is_a_round_number() -> None:
    assert [charts.nice_max(v) for v in (0, 0.7, 3, 7, 13, 85, 100, 101)] == [
        1,
        1,
        5,
        10,
        20,
        100,
        100,
        200,
    ]

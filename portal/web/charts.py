"""Charts drawn on the server as SVG: a line chart of values over periods and a horizontal
bar chart.

Made for a strict CSP and for print: no script, no `style` attribute, no inline <style>.
Geometry is given as SVG attributes; colour comes from classes in static/css/portal.css
(`portal-chart__*`). Series are told apart without colour: each has its own marker shape and
dash pattern, repeated in the legend. The SVG is `role="img"` with a <title> and <desc>
(named by `aria-labelledby`); the page puts the same numbers in a table beside it.

API (what the monitor and the convenant pages call):
- `line_chart(chart_id, title, description, periods, series, reference=None, target=None,
  unit="")`: `periods` are the x labels, oldest first; each `Series` has one value per period
  (None: no value, the line breaks); `reference` is a `Series` drawn as the regio average
  (grey, dashed, no markers); `target` a `Target` (a horizontal line with its label).
- `bar_chart(chart_id, title, description, bars, unit="")`: one horizontal bar per `Bar`,
  its value written at its end; a bar's own `target` is drawn as a marked tick across it.
Both return `markupsafe.Markup`, every text escaped.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from portal.web.templating import number_nl

# Marker shapes and dash patterns, in the order series get them. Dashes as SVG attribute values.
MARKERS = ("circle", "square", "triangle", "diamond", "cross", "triangle-down")
DASHES = ("", "8 4", "2 3", "10 3 2 3", "5 5", "1 2")
MAX_SERIES = len(MARKERS)

# Layout of the line chart, in SVG user units (the SVG scales to its box).
WIDTH = 640
PLOT_LEFT = 56
PLOT_RIGHT = 16
PLOT_TOP = 16
PLOT_HEIGHT = 220
X_LABEL_SPACE = 40
LEGEND_LINE = 22
BAR_HEIGHT = 22
BAR_GAP = 10
BAR_LABEL_WIDTH = 170
BAR_VALUE_SPACE = 70

_ID = re.compile(r"^[a-z][a-z0-9-]{0,60}$")


@dataclass(frozen=True)
class Series:
    """One line: a label and one value per period (None where there is none)."""

    label: str
    values: Sequence[float | None]


@dataclass(frozen=True)
class Target:
    """A horizontal line at `value`, e.g. the agreed norm."""

    label: str
    value: float


@dataclass(frozen=True)
class Bar:
    """One bar; `target` draws a tick at the value agreed for this bar (e.g. taakstelling)."""

    label: str
    value: float
    target: float | None = None


def _check_id(chart_id: str) -> None:
    if not _ID.match(chart_id):
        raise ValueError(f"chart id {chart_id!r}: lower-case letters, digits and - only")


def _num(value: float) -> str:
    """A coordinate: short, with a dot (SVG), never Dutch formatting."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _label(value: float, unit: str) -> str:
    digits = 0 if float(value).is_integer() else 1
    return f"{number_nl(value, digits)}{unit}"


def nice_max(value: float) -> float:
    """The top of the axis: the smallest of 1, 2, 2.5, 5 × 10ⁿ at or above `value`."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def _marker(kind: str, x: float, y: float, css: str) -> str:
    size = 4.5
    if kind == "circle":
        return f'<circle class="{css}" cx="{_num(x)}" cy="{_num(y)}" r="{_num(size)}"/>'
    if kind == "square":
        return (
            f'<rect class="{css}" x="{_num(x - size)}" y="{_num(y - size)}" '
            f'width="{_num(2 * size)}" height="{_num(2 * size)}"/>'
        )
    if kind == "cross":
        return (
            f'<path class="{css} portal-chart__marker--stroke" d="M{_num(x - size)} '
            f"{_num(y - size)}L{_num(x + size)} {_num(y + size)}M{_num(x - size)} "
            f'{_num(y + size)}L{_num(x + size)} {_num(y - size)}"/>'
        )
    points = {
        "triangle": [(x, y - size - 1), (x + size + 1, y + size), (x - size - 1, y + size)],
        "triangle-down": [(x, y + size + 1), (x + size + 1, y - size), (x - size - 1, y - size)],
        "diamond": [(x, y - size - 1), (x + size + 1, y), (x, y + size + 1), (x - size - 1, y)],
    }[kind]
    return (
        f'<polygon class="{css}" points="'
        + " ".join(f"{_num(px)},{_num(py)}" for px, py in points)
        + '"/>'
    )


def _open(chart_id: str, title: str, description: str, height: float, kind: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="portal-chart portal-chart--{kind}" '
        f'id="{chart_id}" viewBox="0 0 {WIDTH} {_num(height)}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]


def line_chart(
    chart_id: str,
    title: str,
    description: str,
    periods: Sequence[str],
    series: Sequence[Series],
    *,
    reference: Series | None = None,
    target: Target | None = None,
    unit: str = "",
) -> Markup:
    """Values over periods for up to six series, with an optional regio average (reference)
    and target line. See the module's text."""
    _check_id(chart_id)
    if len(series) > MAX_SERIES:
        raise ValueError(f"at most {MAX_SERIES} series can be told apart without colour")
    for item in (*series, *([reference] if reference else [])):
        if len(item.values) != len(periods):
            raise ValueError(f"series {item.label!r}: one value per period")
    values = [v for s in (*series, *([reference] if reference else [])) for v in s.values]
    numbers = [v for v in values if v is not None] + ([target.value] if target else [])
    top = nice_max(max(numbers, default=0))
    legend_items = len(series) + (1 if reference else 0) + (1 if target else 0)
    plot_bottom = PLOT_TOP + PLOT_HEIGHT
    height = plot_bottom + X_LABEL_SPACE + legend_items * LEGEND_LINE + 8
    plot_width = WIDTH - PLOT_LEFT - PLOT_RIGHT
    step = plot_width / max(len(periods), 1)

    def x_of(index: int) -> float:
        return PLOT_LEFT + step * (index + 0.5)

    def y_of(value: float) -> float:
        return plot_bottom - PLOT_HEIGHT * (value / top)

    out = _open(chart_id, title, description, height, "line")
    # Axis and grid are decoration: the table beside the chart carries the numbers.
    out.append('<g class="portal-chart__axis" aria-hidden="true">')
    for tick in range(5):
        value = top * tick / 4
        y = y_of(value)
        out.append(
            f'<line class="portal-chart__grid" x1="{PLOT_LEFT}" x2="{WIDTH - PLOT_RIGHT}" '
            f'y1="{_num(y)}" y2="{_num(y)}"/>'
            f'<text class="portal-chart__tick" x="{PLOT_LEFT - 6}" y="{_num(y + 4)}" '
            f'text-anchor="end">{escape(_label(value, unit))}</text>'
        )
    for index, period in enumerate(periods):
        out.append(
            f'<text class="portal-chart__tick" x="{_num(x_of(index))}" '
            f'y="{plot_bottom + 18}" text-anchor="middle">{escape(period)}</text>'
        )
    out.append("</g>")
    if target is not None:
        y = y_of(target.value)
        out.append(
            f'<line class="portal-chart__target" x1="{PLOT_LEFT}" x2="{WIDTH - PLOT_RIGHT}" '
            f'y1="{_num(y)}" y2="{_num(y)}" stroke-dasharray="12 4 2 4"/>'
        )
    if reference is not None:
        out.extend(_polyline(reference.values, x_of, y_of, "portal-chart__reference", "6 3"))
    for number, item in enumerate(series):
        css = f"portal-chart__series portal-chart__series--{number + 1}"
        out.append(f'<g class="{css}">')
        out.extend(_polyline(item.values, x_of, y_of, "portal-chart__line", DASHES[number]))
        for index, value in enumerate(item.values):
            if value is not None:
                out.append(
                    _marker(MARKERS[number], x_of(index), y_of(value), "portal-chart__marker")
                )
        out.append("</g>")
    out.extend(_legend(series, reference, target, plot_bottom + X_LABEL_SPACE, unit))
    out.append("</svg>")
    # Every text above went through escape(); the rest is markup this module writes.
    return Markup("".join(out))  # noqa: S704


def _polyline(values, x_of, y_of, css: str, dash: str) -> list[str]:
    """One <polyline> per unbroken run of values (a missing value breaks the line)."""
    runs: list[list[str]] = [[]]
    for index, value in enumerate(values):
        if value is None:
            runs.append([])
        else:
            runs[-1].append(f"{_num(x_of(index))},{_num(y_of(value))}")
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    return [
        f'<polyline class="{css}" fill="none" points="{" ".join(run)}"{dash_attr}/>'
        for run in runs
        if len(run) > 1
    ]


def _legend(
    series: Sequence[Series],
    reference: Series | None,
    target: Target | None,
    top: float,
    unit: str = "",
) -> list[str]:
    out = ['<g class="portal-chart__legend">']
    y = top
    for number, item in enumerate(series):
        css = f"portal-chart__series portal-chart__series--{number + 1}"
        dash = f' stroke-dasharray="{DASHES[number]}"' if DASHES[number] else ""
        out.append(
            f'<g class="{css}"><line class="portal-chart__line" x1="{PLOT_LEFT}" '
            f'x2="{PLOT_LEFT + 36}" y1="{_num(y)}" y2="{_num(y)}"{dash}/>'
            + _marker(MARKERS[number], PLOT_LEFT + 18, y, "portal-chart__marker")
            + f'<text class="portal-chart__legend-text" x="{PLOT_LEFT + 46}" y="{_num(y + 4)}">'
            f"{escape(item.label)}</text></g>"
        )
        y += LEGEND_LINE
    if reference is not None:
        out.append(
            f'<line class="portal-chart__reference" x1="{PLOT_LEFT}" x2="{PLOT_LEFT + 36}" '
            f'y1="{_num(y)}" y2="{_num(y)}" stroke-dasharray="6 3"/>'
            f'<text class="portal-chart__legend-text" x="{PLOT_LEFT + 46}" y="{_num(y + 4)}">'
            f"{escape(reference.label)}</text>"
        )
        y += LEGEND_LINE
    if target is not None:
        out.append(
            f'<line class="portal-chart__target" x1="{PLOT_LEFT}" x2="{PLOT_LEFT + 36}" '
            f'y1="{_num(y)}" y2="{_num(y)}" stroke-dasharray="12 4 2 4"/>'
            f'<text class="portal-chart__legend-text" x="{PLOT_LEFT + 46}" y="{_num(y + 4)}">'
            f"{escape(target.label)}: {escape(_label(target.value, unit))}</text>"
        )
    out.append("</g>")
    return out


def bar_chart(
    chart_id: str,
    title: str,
    description: str,
    bars: Sequence[Bar],
    *,
    unit: str = "",
    target_label: str = "Doel",
) -> Markup:
    """Horizontal bars with their value written at the end; a bar's `target` is a tick
    across it, explained once in the legend under the bars."""
    _check_id(chart_id)
    has_target = any(bar.target is not None for bar in bars)
    numbers = [bar.value for bar in bars] + [b.target for b in bars if b.target is not None]
    top = nice_max(max(numbers, default=0))
    left = BAR_LABEL_WIDTH
    span = WIDTH - left - BAR_VALUE_SPACE
    height = PLOT_TOP + len(bars) * (BAR_HEIGHT + BAR_GAP) + (LEGEND_LINE + 8 if has_target else 8)
    out = _open(chart_id, title, description, height, "bar")
    y = PLOT_TOP
    for bar in bars:
        length = span * max(bar.value, 0) / top
        out.append(
            f'<text class="portal-chart__tick" x="{left - 8}" y="{_num(y + BAR_HEIGHT / 2 + 4)}" '
            f'text-anchor="end">{escape(bar.label)}</text>'
            f'<rect class="portal-chart__bar" x="{left}" y="{_num(y)}" '
            f'width="{_num(length)}" height="{BAR_HEIGHT}"/>'
            f'<text class="portal-chart__value" x="{_num(left + length + 6)}" '
            f'y="{_num(y + BAR_HEIGHT / 2 + 4)}">{escape(_label(bar.value, unit))}</text>'
        )
        if bar.target is not None:
            x = left + span * max(bar.target, 0) / top
            out.append(
                f'<line class="portal-chart__target" x1="{_num(x)}" x2="{_num(x)}" '
                f'y1="{_num(y - 4)}" y2="{_num(y + BAR_HEIGHT + 4)}"/>'
                + _marker("diamond", x, y - 4, "portal-chart__target-marker")
            )
        y += BAR_HEIGHT + BAR_GAP
    if has_target:
        ly = y + 6
        out.append(
            f'<g class="portal-chart__legend"><line class="portal-chart__target" x1="{left}" '
            f'x2="{left}" y1="{_num(ly - 8)}" y2="{_num(ly + 8)}"/>'
            + _marker("diamond", left, ly - 8, "portal-chart__target-marker")
            + f'<text class="portal-chart__legend-text" x="{left + 12}" y="{_num(ly + 4)}">'
            f"{escape(target_label)}</text></g>"
        )
    out.append("</svg>")
    # Every text above went through escape(); the rest is markup this module writes.
    return Markup("".join(out))  # noqa: S704

"""Charts as static inline SVG: bars and lines laid out here, drawn by a Jinja2 template.

No script and no external file: a chart is part of the page, works on an intranet and in
print, and takes its colours from the theme's CSS variables (opsvault.css), so it reads in
light and dark mode. Each chart has a title and a text alternative inside the SVG, and the
page shows its numbers as a table too.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from markupsafe import Markup

from .templates import render_svg


@dataclass(frozen=True)
class Size:
    """One drawing of a chart: its canvas and margins in SVG units (1 unit is 1 px when the
    chart is drawn at its own width), and how many x labels fit."""

    name: str  # "wide" | "compact"
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    max_x_labels: int


# Each chart is drawn twice: wide for a desktop or tablet column, compact for a phone, where
# the stylesheet shows it instead. The compact drawing is narrower than a 390 px phone's
# column, so its 12 px text is shown at 12 px or more there, never shrunk below 11.
WIDE = Size("wide", 640, 240, 52, 12, 16, 28, 14)
COMPACT = Size("compact", 300, 220, 44, 8, 16, 28, 6)
NO_DATA_HEIGHT = 8  # the dashed outline at the base of a slot with no number
ZERO_HEIGHT = 2  # a zero bar is a thin line on the axis: there, but nothing


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]
    style: int = 1  # ov-series-N in the stylesheet


@dataclass(frozen=True)
class Chart:
    """A chart's numbers and words; `svg` lays it out."""

    key: str  # unique on the page: ids of the SVG's title and description
    title: str
    description: str  # the text alternative: what the chart shows, in a sentence or two
    labels: Sequence[str]  # one per x position
    series: Sequence[Series]
    kind: str = "bars"  # bars | lines
    unit: Callable[[float], str] = field(default=lambda value: f"{value:g}")
    targets: Sequence[tuple[str, float]] = ()  # dashed horizontal lines: (label, value)
    maximum: float | None = None  # the top of the y axis (e.g. 100 for percentages)


def nice_step(top: float, ticks: int = 4) -> float:
    """A round step (1, 2 or 5 × 10ⁿ) that divides 0…top into about `ticks` parts."""
    if top <= 0:
        return 1.0
    raw = top / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)


def svg(chart: Chart) -> Markup:
    """The chart as one line of HTML: a figure with the wide and the compact drawing, the
    legend (which says which series have no numbers) and the caption."""
    values = [v for series in chart.series for v in series.values]
    legend = []
    for series in chart.series:
        known = [v for v in series.values if v is not None]
        note = "no data" if not known else "all 0" if not any(known) else ""
        legend.append({"name": series.name, "style": series.style, "note": note})
    return render_svg("chart.html.j2", chart=chart,
                      drawings=[_drawing(chart, size) for size in (WIDE, COMPACT)],
                      legend=legend, has_gaps=None in values,
                      has_zeros=chart.kind == "bars" and 0 in values)


def _drawing(chart: Chart, size: Size) -> dict[str, object]:
    """Where everything goes in one drawing of the chart."""
    values = [v for s in chart.series for v in s.values if v is not None]
    values += [value for _, value in chart.targets]
    top = chart.maximum if chart.maximum is not None else max(values, default=0.0)
    step = nice_step(top)
    top = max(step, math.ceil(top / step) * step) if chart.maximum is None else top
    plot_width = size.width - size.left - size.right
    plot_height = size.height - size.top - size.bottom
    bottom = size.top + plot_height
    count = max(len(chart.labels), 1)
    slot = plot_width / count

    def y_of(value: float) -> float:
        return size.top + plot_height - plot_height * min(value, top) / top

    ticks = []
    value = 0.0
    while value <= top + 1e-9:
        y = round(y_of(value), 1)
        ticks.append({"y": y, "text_x": size.left - 6, "text_y": y + 4,
                      "label": chart.unit(value)})
        value += step
    every = max(1, math.ceil(count / size.max_x_labels))
    x_labels = [{"x": round(size.left + slot * (i + 0.5), 1), "y": bottom + 16,
                 "label": label}
                for i, label in enumerate(chart.labels) if i % every == 0]
    bars, gaps, lines, points = [], [], [], []
    if chart.kind == "bars":
        width = slot * 0.8 / max(len(chart.series), 1)
        for n, series in enumerate(chart.series):
            for i, number in enumerate(series.values):
                x = round(size.left + slot * i + slot * 0.1 + width * n, 1)
                bar_width = round(max(width - 1, 1), 1)
                if number is None:
                    gaps.append({"x": x, "y": bottom - NO_DATA_HEIGHT, "width": bar_width,
                                 "height": NO_DATA_HEIGHT,
                                 "label": f"{series.name}, {chart.labels[i]}: no data"})
                    continue
                height = max(round(bottom - y_of(number), 1), ZERO_HEIGHT)
                bars.append({"x": x, "y": round(bottom - height, 1), "width": bar_width,
                             "height": height, "style": series.style,
                             "zero": number == 0,
                             "label": f"{series.name}, {chart.labels[i]}: "
                                      f"{chart.unit(number)}"})
    else:
        for series in chart.series:
            run: list[str] = []
            for i, number in enumerate([*series.values, None]):
                if number is None:  # a gap ends the line: no number is not zero
                    if len(run) > 1:
                        lines.append({"points": " ".join(run), "style": series.style})
                    run = []
                    continue
                x, y = size.left + slot * (i + 0.5), y_of(number)
                run.append(f"{x:.1f},{y:.1f}")
                points.append({"x": round(x, 1), "y": round(y, 1), "style": series.style,
                               "label": f"{series.name}, {chart.labels[i]}: "
                                        f"{chart.unit(number)}"})
    targets = [{"y": round(y_of(value), 1), "text_y": round(y_of(value) - 4, 1),
                "label": f"{label}: {chart.unit(value)}"} for label, value in chart.targets]
    return {"size": size, "id": chart.key if size is WIDE else f"{chart.key}-{size.name}",
            "right": size.width - size.right, "bottom": bottom, "ticks": ticks,
            "x_labels": x_labels, "bars": bars, "gaps": gaps, "lines": lines,
            "points": points if len(points) <= count * 2 and count <= 31 else [],
            "targets": targets}

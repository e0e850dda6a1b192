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

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 52, 12, 28, 44
MAX_X_LABELS = 14


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
    """The chart as one line of inline SVG."""
    values = [v for s in chart.series for v in s.values if v is not None]
    values += [value for _, value in chart.targets]
    top = chart.maximum if chart.maximum is not None else max(values, default=0.0)
    step = nice_step(top)
    top = max(step, math.ceil(top / step) * step) if chart.maximum is None else top
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    count = max(len(chart.labels), 1)
    slot = plot_width / count

    def y_of(value: float) -> float:
        return TOP + plot_height - plot_height * min(value, top) / top

    ticks = []
    value = 0.0
    while value <= top + 1e-9:
        y = round(y_of(value), 1)
        ticks.append({"y": y, "text_x": LEFT - 6, "text_y": y + 4, "label": chart.unit(value)})
        value += step
    every = max(1, math.ceil(count / MAX_X_LABELS))
    x_labels = [{"x": round(LEFT + slot * (i + 0.5), 1), "y": TOP + plot_height + 16,
                 "label": label}
                for i, label in enumerate(chart.labels) if i % every == 0]
    bars, lines = [], []
    if chart.kind == "bars":
        width = slot * 0.8 / max(len(chart.series), 1)
        for n, series in enumerate(chart.series):
            for i, number in enumerate(series.values):
                if number is None:
                    continue
                x = LEFT + slot * i + slot * 0.1 + width * n
                bars.append({"x": round(x, 1), "y": round(y_of(number), 1),
                             "width": round(max(width - 1, 1), 1),
                             "height": round(TOP + plot_height - y_of(number), 1),
                             "style": series.style,
                             "label": f"{series.name}, {chart.labels[i]}: {chart.unit(number)}"})
    else:
        for series in chart.series:
            points = [f"{LEFT + slot * (i + 0.5):.1f},{y_of(number):.1f}"
                      for i, number in enumerate(series.values) if number is not None]
            if points:
                lines.append({"points": " ".join(points), "style": series.style})
    targets = [{"y": round(y_of(value), 1), "text_y": round(y_of(value) - 4, 1),
                "label": f"{label}: {chart.unit(value)}"} for label, value in chart.targets]
    legend = [{"x": LEFT + 150 * n, "text_x": LEFT + 150 * n + 14, "name": series.name,
               "style": series.style} for n, series in enumerate(chart.series)]
    return render_svg("chart.html.j2", chart=chart, width=WIDTH, height=HEIGHT, left=LEFT,
                      right=WIDTH - RIGHT, bottom=TOP + plot_height, top=TOP, ticks=ticks,
                      x_labels=x_labels, bars=bars, lines=lines, targets=targets,
                      legend=legend)

"""The SVG charts: zero and no data look different, the legend says which series have no
numbers, a line breaks at a gap, and each chart comes in a wide and a compact drawing."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from opsvault.pages.charts import COMPACT, WIDE, Chart, Series, svg

SVG = "{http://www.w3.org/2000/svg}"


def figure(chart: Chart) -> ET.Element:
    return ET.fromstring(str(svg(chart)))


def drawing(root: ET.Element, name: str) -> ET.Element:
    found = [e for e in root.iter(f"{SVG}svg") if e.get("class") == f"ov-chart-{name}"]
    assert len(found) == 1
    return found[0]


def rects(element: ET.Element, css: str) -> list[ET.Element]:
    return [r for r in element.iter(f"{SVG}rect") if css in (r.get("class") or "").split()]


def legend(root: ET.Element) -> list[str]:
    return ["".join(item.itertext()) for item in root.iter("li")]


def test_zero_is_a_thin_bar_and_no_data_a_dashed_outline() -> None:
    chart = Chart("c", "Opened", "Opened per week.", ["W1", "W2", "W3"],
                  [Series("Opened", [0, None, 3], 1)])
    root = figure(chart)
    for name in ("wide", "compact"):
        art = drawing(root, name)
        bars = rects(art, "ov-series-1")
        assert [b.findtext(f"{SVG}title") for b in bars] == ["Opened, W1: 0", "Opened, W3: 3"]
        zero, three = bars
        assert "ov-zero" in (zero.get("class") or "") and float(zero.get("height") or 0) == 2
        assert float(three.get("height") or 0) > 2
        gaps = rects(art, "ov-nodata")
        assert [g.findtext(f"{SVG}title") for g in gaps] == ["Opened, W2: no data"]
    assert legend(root) == ["Opened", "a thin bar is 0", "no data"]


def test_the_legend_says_when_a_series_has_no_numbers_or_only_zeros() -> None:
    chart = Chart("c", "SLA", "SLA by priority.", ["P1", "P2"],
                  [Series("First response", [None, None], 1),
                   Series("Resolution", [0, 0], 2), Series("Updates", [1, 0], 3)])
    assert legend(figure(chart)) == ["First response (no data)", "Resolution (all 0)",
                                     "Updates", "a thin bar is 0", "no data"]
    full = Chart("d", "Opened", "Opened.", ["W1"], [Series("Opened", [2], 1)])
    assert legend(figure(full)) == ["Opened"]


def test_a_line_breaks_at_a_gap_and_draws_zero_on_the_axis() -> None:
    chart = Chart("c", "Backlog", "Open tickets.", ["a", "b", "c", "d", "e"],
                  [Series("Open", [2, 0, None, 4, 5], 1)], kind="lines")
    art = drawing(figure(chart), "wide")
    lines = [line.get("points") or "" for line in art.iter(f"{SVG}polyline")]
    assert [len(points.split()) for points in lines] == [2, 2]
    axis = next(line for line in art.iter(f"{SVG}line") if line.get("class") == "ov-axis")
    zero_y = lines[0].split()[1].split(",")[1]
    assert float(zero_y) == float(axis.get("y1") or 0)


def test_each_drawing_has_its_own_ids_and_the_compact_one_fits_a_phone() -> None:
    chart = Chart("week-opened", "Opened <b>", 'Says "x" & <script>', ["W1", "W2"],
                  [Series("Opened <i>", [1, 2], 1)])
    root = figure(chart)
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    assert len(ids) == len(set(ids)) == 5  # the figure and a title and desc per drawing
    wide, compact = drawing(root, "wide"), drawing(root, "compact")
    assert wide.get("viewBox") == f"0 0 {WIDE.width} {WIDE.height}"
    assert compact.get("viewBox") == f"0 0 {COMPACT.width} {COMPACT.height}"
    # 12 px text drawn 300 units wide keeps ≥ 11 px in a column as narrow as 275 px.
    assert COMPACT.width * 11 / 12 <= 275
    assert compact.findtext(f"{SVG}desc") == 'Says "x" & <script>'  # text, not markup
    assert "<script>" not in str(svg(chart))
    assert legend(root) == ["Opened <i>"]

"""Pictures drawn on the server as SVG (issue 10). Pure functions: no queries.

Every picture is a ``Chart``: a title, a Dutch sentence that says what it shows with the
key numbers, the SVG, and a table with the same numbers (``headers`` and ``rows``).
templates/site/_chart.html renders one as a ``<figure>``. The table is the text
alternative (WCAG), so the SVG is ``aria-hidden``.

The SVG carries its colours as presentation attributes (``fill``, ``stroke``), not as
``style``: the site's Content-Security-Policy forbids ``<style>`` elements, and WeasyPrint
draws an inline SVG in the PDF downloads from its attributes, so the picture looks the same
on the page, on paper and in the PDF. Classes (``chart-*``, ``kind-*``) let site.css adjust
it for print.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

# The site's palette (static/css/site.css :root).
INK = "#1d1d1b"
MUTED = "#555555"
ACCENT = "#0b5cab"
LINE = "#d0d4d9"
WHITE = "#ffffff"

# The status kinds' colours, as site.css's .kind-* classes (templates/site/_distribution.html).
KIND_FILL = {
    "afgerond": "#1b6e3a",
    "lopend": "#1f5fa8",
    "vertraagd": "#b35900",
    "niet_gestart": "#6b6b6b",
    "geschrapt": "#a0a0a0",
    "geen_rapport": "#ffffff",
}

FONT = "sans-serif"


@dataclass(frozen=True)
class Chart:
    """One picture and its text alternative."""

    title: str
    summary: str
    svg: SafeString
    headers: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


def fmt(value: float) -> str:
    """A number the Dutch way: a decimal comma, a dot between thousands, at most two
    decimals, no trailing zeros."""
    value = round(float(value), 2)
    if value == int(value):
        return number_format(int(value), force_grouping=True)
    return number_format(value, decimal_pos=2 if round(value, 1) != value else 1,
                         force_grouping=True)


def with_unit(value: float, unit: str) -> str:
    return f"{fmt(value)} {unit}".strip()


def _c(value: float) -> str:
    """A coordinate: a plain dot decimal (SVG), never localised."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _text(x: float, y: float, content: str, *, anchor: str = "middle", size: int = 11,
          cls: str = "chart-text", fill: str = INK, bold: bool = False) -> str:
    weight = ' font-weight="bold"' if bold else ""
    return (
        f'<text class="{cls}" x="{_c(x)}" y="{_c(y)}" text-anchor="{anchor}" '
        f'font-family="{FONT}" font-size="{size}" fill="{fill}"{weight}>{escape(content)}</text>'
    )


def _svg(width: int, height: int, body: list[str], cls: str) -> SafeString:
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg {cls}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-hidden="true" focusable="false">' + "".join(body) + "</svg>"
    )


def _nice_max(value: float) -> tuple[float, float]:
    """A round top for an axis that reaches ``value``, and the step of about four ticks."""
    if value <= 0:
        return 1.0, 0.25
    raw = value / 4
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        step = factor * power
        if step >= raw:
            break
    return step * math.ceil(value / step - 1e-9), step


# --- An indicator's course against its target ------------------------------------------------


_PERIOD = re.compile(r"(\d{4})(?:\D+([12])\b)?")


def _period_position(label: str) -> float | None:
    """Where a period lies in time: "2022" is 2022, "2022-H2" (a second half) 2022.5.
    None when the label names no year."""
    match = _PERIOD.search(label)
    if not match:
        return None
    year = float(match.group(1))
    return year + 0.5 if match.group(2) == "2" else year


def expected_value(*, base: tuple[str, float], target: tuple[str, float],
                   period: str) -> float | None:
    """The value on the straight line from base to target at ``period`` (the target itself
    after the target period, the base before the base period). None when a period names no
    year."""
    start, end, at = (_period_position(p) for p in (base[0], target[0], period))
    if start is None or end is None or at is None:
        return None
    if end == start:
        return target[1]
    share = min(max((at - start) / (end - start), 0.0), 1.0)
    return base[1] + (target[1] - base[1]) * share


def on_track(*, value: float, expected: float, more_is_better: bool) -> bool:
    """On track: at least the expected value when more is better, at most it when less is.
    Exactly on the line counts as on track."""
    tolerance = 1e-9 * max(1.0, abs(expected))
    if more_is_better:
        return value >= expected - tolerance
    return value <= expected + tolerance


def course_chart(*, title: str, unit: str, points: list[tuple[str, float]],
                 base: tuple[str, float] | None, target: tuple[str, float] | None,
                 more_is_better: bool) -> Chart:
    """An indicator's measured values per period (a line, in the order given), starting from
    its base value (the first point, marked "basis"), against its target (a dashed
    horizontal line with a marker at the target period).

    The table holds the base, the measurements and the target, one row each (period, value,
    kind); with no measurement it is empty and the summary says so. No query.
    """
    target_text = (
        _("target %(period)s: %(value)s") % {"period": target[0],
                                             "value": with_unit(target[1], unit)}
        if target else ""
    )
    # The x axis: the base period, the measured periods in order, then the target period.
    labels: list[str] = []
    for label in ([base[0]] if base else []) + [p for p, _v in points] + (
            [target[0]] if target else []):
        if label not in labels:
            labels.append(label)
    values = [v for _p, v in points] + ([base[1]] if base else []) + (
        [target[1]] if target else [])

    width, height = 520, 250
    left, right, top, bottom = 56, 24, 28, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    low = min([0.0, *values])
    high, step = _nice_max(max([0.0, *values]) - low)
    high += low

    # Periods that name a year lie on a time scale (2019, 2021, 2022: a wider gap before
    # 2021); otherwise the labels are spaced evenly, in order.
    times = [_period_position(label) for label in labels]
    if None in times or len(set(times)) < len(times):
        times = [float(i) for i in range(len(labels))]
    inner = 18  # keeps the first and last points off the axis labels

    def x_of(label: str) -> float:
        first, last = times[0], times[-1]
        if last == first:
            return left + plot_w / 2
        at = times[labels.index(label)]
        return left + inner + (plot_w - 2 * inner) * (at - first) / (last - first)

    def y_of(value: float) -> float:
        return top + plot_h * (1 - (value - low) / (high - low))

    body: list[str] = []
    tick = low
    while tick <= high + 1e-9:
        y = y_of(tick)
        body.append(f'<line class="chart-grid" x1="{left}" y1="{_c(y)}" x2="{left + plot_w}" '
                    f'y2="{_c(y)}" stroke="{LINE}" stroke-width="1"/>')
        body.append(_text(left - 6, y + 4, fmt(tick), anchor="end", size=10, fill=MUTED))
        tick += step
    body.append(f'<line class="chart-axis" x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" '
                f'y2="{top + plot_h}" stroke="{INK}" stroke-width="1"/>')
    for label in labels:
        body.append(_text(x_of(label), top + plot_h + 16, label, size=10, cls="chart-x"))

    if target:
        ty, tx = y_of(target[1]), x_of(target[0])
        body.append(f'<line class="chart-target" x1="{left}" y1="{_c(ty)}" x2="{left + plot_w}" '
                    f'y2="{_c(ty)}" stroke="{INK}" stroke-width="1.5" stroke-dasharray="6 4"/>')
        body.append(f'<path class="chart-target-marker" d="M{_c(tx)} {_c(ty - 7)} '
                    f'L{_c(tx + 7)} {_c(ty)} L{_c(tx)} {_c(ty + 7)} L{_c(tx - 7)} {_c(ty)} Z" '
                    f'fill="{INK}"/>')
        anchor = "end" if tx > left + plot_w / 2 else "start"
        body.append(_text(tx + (-10 if anchor == "end" else 10), ty - 8, target_text,
                          anchor=anchor, size=11, cls="chart-target-label", bold=True))

    line = ([base] if base else []) + list(points)
    if len(line) > 1:
        coordinates = " ".join(f"{_c(x_of(p))},{_c(y_of(v))}" for p, v in line)
        body.append(f'<polyline class="chart-line" points="{coordinates}" fill="none" '
                    f'stroke="{ACCENT}" stroke-width="2.5"/>')
    if base:
        bx, by = x_of(base[0]), y_of(base[1])
        body.append(f'<circle class="chart-base" cx="{_c(bx)}" cy="{_c(by)}" r="5" '
                    f'fill="{WHITE}" stroke="{ACCENT}" stroke-width="2.5"/>')
        body.append(_text(bx + 7, by - 8, _("base"), anchor="start", size=10,
                          cls="chart-base-label"))
    for period, value in points:
        body.append(f'<circle class="chart-point" cx="{_c(x_of(period))}" '
                    f'cy="{_c(y_of(value))}" r="4.5" fill="{ACCENT}"/>')

    if not points:
        summary = _("No measurements yet.")
        if target:
            summary += " " + _("Target %(period)s: %(value)s.") % {
                "period": target[0], "value": with_unit(target[1], unit)}
        rows: list[list[str]] = []
    else:
        last_period, last_value = points[-1]
        summary = _("Last measurement (%(period)s): %(value)s.") % {
            "period": last_period, "value": with_unit(last_value, unit)}
        if target:
            summary += " " + _("Target %(period)s: %(value)s.") % {
                "period": target[0], "value": with_unit(target[1], unit)}
        if base and target:
            expected = expected_value(base=base, target=target, period=last_period)
            if expected is not None:
                good = on_track(value=last_value, expected=expected,
                                more_is_better=more_is_better)
                words = {"value": with_unit(expected, unit), "period": last_period}
                if good and more_is_better:
                    verdict = _("On track: at least %(value)s was expected in %(period)s.")
                elif good:
                    verdict = _("On track: at most %(value)s was expected in %(period)s.")
                elif more_is_better:
                    verdict = _("Behind: at least %(value)s was expected in %(period)s.")
                else:
                    verdict = _("Behind: at most %(value)s was expected in %(period)s.")
                summary += " " + verdict % words
        rows = []
        if base:
            rows.append([base[0], fmt(base[1]), _("base")])
        rows += [[period, fmt(value), _("measurement")] for period, value in points]
        if target:
            rows.append([target[0], fmt(target[1]), _("target")])
    return Chart(
        title=title, summary=summary, svg=_svg(width, height, body, "chart-course"),
        headers=[_("Period"), f"{_('Value')} ({unit})" if unit else _("Value"), _("Kind")],
        rows=rows,
    )


# --- Bars ----------------------------------------------------------------------------------


def bar_chart(*, title: str, unit: str, bars: Sequence[tuple[str, float]],
              label_header: str) -> Chart:
    """Vertical bars, one per label in the order given, each with its value above it.
    The table: label, value. No query."""
    width, height = 520, 220
    left, right, top, bottom = 44, 12, 20, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    high, step = _nice_max(max([0.0, *(v for _l, v in bars)]))
    body: list[str] = []
    tick = 0.0
    while tick <= high + 1e-9:
        y = top + plot_h * (1 - tick / high)
        body.append(f'<line class="chart-grid" x1="{left}" y1="{_c(y)}" x2="{left + plot_w}" '
                    f'y2="{_c(y)}" stroke="{LINE}" stroke-width="1"/>')
        body.append(_text(left - 6, y + 4, fmt(tick), anchor="end", size=10, fill=MUTED))
        tick += step
    slot = plot_w / max(len(bars), 1)
    bar_w = min(56.0, slot * 0.6)
    for index, (label, value) in enumerate(bars):
        x = left + slot * index + (slot - bar_w) / 2
        h = plot_h * value / high
        body.append(f'<rect class="chart-bar" x="{_c(x)}" y="{_c(top + plot_h - h)}" '
                    f'width="{_c(bar_w)}" height="{_c(h)}" fill="{ACCENT}"/>')
        body.append(_text(x + bar_w / 2, top + plot_h - h - 4, fmt(value), size=10,
                          cls="chart-value", bold=True))
        body.append(_text(x + bar_w / 2, top + plot_h + 16, label, size=10, cls="chart-x"))
    body.append(f'<line class="chart-axis" x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" '
                f'y2="{top + plot_h}" stroke="{INK}" stroke-width="1"/>')
    if bars:
        total = sum(v for _l, v in bars)
        summary = _("%(total)s in all: %(list)s.") % {
            "total": with_unit(total, unit),
            "list": "; ".join(f"{label}: {fmt(value)}" for label, value in bars)}
    else:
        summary = _("No data yet.")
    return Chart(
        title=title, summary=summary, svg=_svg(width, height, body, "chart-bars"),
        headers=[label_header, f"{_('Number')} ({unit})" if unit else _("Number")],
        rows=[[label, fmt(value)] for label, value in bars],
    )


def stacked_bar_chart(*, title: str, kinds: Sequence[tuple[str, str]],
                      bars: Sequence[tuple[str, Sequence[int]]], label_header: str,
                      unit: str) -> Chart:
    """Horizontal bars, one per label, each split into ``kinds`` (key, label) in their
    order; a bar's length is its total, so bars compare. Segments carry the class
    ``kind-<key>`` and its colour (site.css, templates/site/_distribution.html). The table:
    label, one column per kind, total. No query."""
    label_w, row_h, gap, top = 110, 22, 10, 8
    legend_h = 26
    width = 520
    plot_w = width - label_w - 48
    height = top + len(bars) * (row_h + gap) + legend_h + 8
    high = max([1, *(sum(counts) for _l, counts in bars)])
    body: list[str] = []
    for index, (label, counts) in enumerate(bars):
        y = top + index * (row_h + gap)
        body.append(_text(label_w - 8, y + row_h / 2 + 4, label, anchor="end", size=11,
                          cls="chart-y", bold=True))
        x = float(label_w)
        for (key, kind_label), count in zip(kinds, counts, strict=True):
            if not count:
                continue
            w = plot_w * count / high
            body.append(f'<rect class="chart-segment kind-{escape(key)}" x="{_c(x)}" '
                        f'y="{y}" width="{_c(w)}" height="{row_h}" '
                        f'fill="{KIND_FILL.get(key, MUTED)}" stroke="{MUTED}" '
                        f'stroke-width="0.75"><title>{escape(kind_label)}: {count}</title></rect>')
            x += w
        body.append(_text(x + 6, y + row_h / 2 + 4, fmt(sum(counts)), anchor="start",
                          size=11, cls="chart-value"))
    # The legend, one swatch per kind, under the bars.
    y = top + len(bars) * (row_h + gap) + 6
    x = 4.0
    for key, kind_label in kinds:
        body.append(f'<rect class="chart-swatch kind-{escape(key)}" x="{_c(x)}" y="{y}" '
                    f'width="10" height="10" fill="{KIND_FILL.get(key, MUTED)}" '
                    f'stroke="{MUTED}" stroke-width="0.75"/>')
        body.append(_text(x + 14, y + 9, kind_label, anchor="start", size=9))
        x += 18 + 5.2 * len(kind_label)
    if bars:
        totals = [sum(counts[i] for _l, counts in bars) for i in range(len(kinds))]
        summary = _("%(total)s %(unit)s in all: %(list)s.") % {
            "total": fmt(sum(totals)), "unit": unit,
            "list": ", ".join(f"{label} {fmt(count)}"
                              for (_k, label), count in zip(kinds, totals, strict=True)
                              if count)}
    else:
        summary = _("No data yet.")
    return Chart(
        title=title, summary=summary, svg=_svg(width, int(height), body, "chart-stacked"),
        headers=[label_header, *(label for _k, label in kinds), _("Total")],
        rows=[[label, *(fmt(c) for c in counts), fmt(sum(counts))]
              for label, counts in bars],
    )


# --- The region as tiles -------------------------------------------------------------------


@dataclass(frozen=True)
class Tile:
    """One municipality of today on the tile map: its place on the grid (None: in the row
    under it), its planned and realised actions, and the municipalities it merged."""

    name: str
    row: int | None
    column: int | None
    planned: int
    realised: int
    merged: tuple[str, ...] = ()


# Five steps from light to dark blue; the text on the two darkest is white (contrast AA).
TILE_STEPS = ("#eef3f9", "#c9dbef", "#8fb4de", "#2f6fb3", "#0b3f75")


def _tile_step(planned: int, high: int) -> int:
    if planned <= 0 or high <= 0:
        return 0
    return min(4, 1 + (planned * 4 - 1) // high)


def _wrap(words: str, width: int) -> list[str]:
    lines: list[str] = []
    for word in words.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def tile_map(*, title: str, tiles: Sequence[Tile]) -> Chart:
    """A tile per municipality on a small grid that resembles the region (rows and columns
    are the region's own data), coloured by the number of actions planned there, with the
    numbers planned / realised on the tile; a merged municipality names the ones it merged.
    Tiles without a place, or on a place already taken, follow in a row under the grid.
    The table: municipality, planned, realised (and what it merged). No query."""
    size, gap, margin, legend_h = 96, 6, 4, 34
    placed, loose, taken = [], [], set()
    for tile in tiles:
        # Two municipalities on one place (a new one on the place of one it merges, before
        # the merger): the second goes under the grid rather than hide the first.
        if tile.row is None or tile.column is None or (tile.row, tile.column) in taken:
            loose.append(tile)
        else:
            taken.add((tile.row, tile.column))
            placed.append(tile)
    min_row = min((t.row for t in placed), default=0)
    min_col = min((t.column for t in placed), default=0)
    rows_used = (max((t.row for t in placed), default=-1) - min_row + 1) if placed else 0
    cols_used = (max((t.column for t in placed), default=-1) - min_col + 1) if placed else 0
    positions: list[tuple[Tile, int, int]] = [
        (t, t.row - min_row, t.column - min_col) for t in placed]
    extra_row = rows_used + (1 if placed and loose else 0)
    per_row = max(cols_used, 5)
    for index, tile in enumerate(loose):
        positions.append((tile, extra_row + index // per_row, index % per_row))
    n_rows = max((r for _t, r, _c2 in positions), default=-1) + 1
    n_cols = max(max((c for _t, _r, c in positions), default=-1) + 1, 5)
    width = margin * 2 + n_cols * (size + gap)
    height = margin * 2 + n_rows * (size + gap) + legend_h
    high = max([0, *(t.planned for t in tiles)])
    body: list[str] = []
    for tile, r, c in positions:
        x, y = margin + c * (size + gap), margin + r * (size + gap)
        step = _tile_step(tile.planned, high)
        ink = WHITE if step >= 3 else INK
        body.append(f'<g class="chart-tile" data-name="{escape(tile.name)}">')
        body.append(f'<rect x="{x}" y="{y}" width="{size}" height="{size}" rx="3" '
                    f'fill="{TILE_STEPS[step]}" stroke="{MUTED}" stroke-width="1"/>')
        line_y = y + 16
        for part in _wrap(tile.name.replace("-", "- "), 14):
            body.append(_text(x + size / 2, line_y, part.replace("- ", "-"), size=11,
                              cls="chart-tile-name", fill=ink, bold=True))
            line_y += 13
        body.append(_text(x + size / 2, line_y + 10, f"{tile.planned} / {tile.realised}",
                          size=14, cls="chart-tile-count", fill=ink, bold=True))
        if tile.merged:
            merged_y = line_y + 26
            for part in _wrap(_("merged: %(names)s") % {"names": ", ".join(tile.merged)}, 18):
                body.append(_text(x + size / 2, merged_y, part, size=9,
                                  cls="chart-tile-merged", fill=ink))
                merged_y += 11
        body.append("</g>")
    # The legend: the colour steps and what the numbers on a tile mean.
    y = margin + n_rows * (size + gap) + 4
    body.append(_text(margin, y + 11, _("actions planned:"), anchor="start", size=10))
    x = margin + 100
    for index, colour in enumerate(TILE_STEPS):
        # The numbers this colour stands for, by the tiles' own rule.
        numbers = [n for n in range(high + 1) if _tile_step(n, high) == index]
        if not numbers:
            continue
        low_n, high_n = numbers[0], numbers[-1]
        label = fmt(low_n) if low_n == high_n else f"{fmt(low_n)}-{fmt(high_n)}"
        body.append(f'<rect class="chart-swatch" x="{x}" y="{y + 2}" width="12" height="12" '
                    f'fill="{colour}" stroke="{MUTED}" stroke-width="0.75"/>')
        body.append(_text(x + 16, y + 12, label, anchor="start", size=10,
                          cls="chart-legend-step"))
        x += 24 + 7 * len(label)
    body.append(_text(margin, y + 28, _("on a tile: planned / realised actions"),
                      anchor="start", size=10))
    if tiles:
        without = [t.name for t in tiles if not t.planned]
        summary = _("%(count)s municipalities. Most actions planned: %(name)s (%(n)s).") % {
            "count": len(tiles), "name": max(tiles, key=lambda t: t.planned).name,
            "n": fmt(high)}
        summary += " " + (
            _("No action planned in: %(names)s.") % {"names": ", ".join(without)}
            if without else _("Every municipality has at least one action planned."))
    else:
        summary = _("The region has no municipalities yet.")
    return Chart(
        title=title, summary=summary, svg=_svg(width, height, body, "chart-tiles"),
        headers=[_("Municipality"), _("Actions planned"), _("Actions realised"),
                 _("Merged municipalities")],
        rows=[[t.name, fmt(t.planned), fmt(t.realised), ", ".join(t.merged)] for t in tiles],
    )


# --- The plan's progress as pictures (the progress page and the annual report) ---------------


def status_per_sd_chart(sds, *, title: str) -> Chart:
    """How the actions of each SD stand (acties.progress.DISTRIBUTION: done, running, ...),
    from the SDs' rolled-up progress (``GoalProgress.by_kind``). No query."""
    from acties.progress import DISTRIBUTION

    return stacked_bar_chart(
        title=title,
        kinds=[(str(key), str(label)) for key, label in DISTRIBUTION],
        bars=[(sd.code, list(sd.progress.by_kind)) for sd in sds],
        label_header=_("Strategic goal"), unit=_("actions"),
    )


def reports_per_year_chart(actions, years: Sequence[int], *, title: str) -> Chart:
    """The approved reports per year of ``years`` (a half year's report counts in its
    year), from the reports laid on the actions of a plan reading (``Action.reports``). No
    query."""
    per_year = dict.fromkeys(years, 0)
    for action in actions:
        for rapport in action.reports:
            if rapport.jaar in per_year:
                per_year[rapport.jaar] += 1
    return bar_chart(
        title=title, unit="", label_header=_("Year"),
        bars=[(str(year), count) for year, count in per_year.items()],
    )

"""Server-rendered SVG charts: no script, no outside library, and always shown beside a data table.

A chart is drawn for the width it is shown at (its viewBox is its size in CSS pixels and the stylesheet
never scales it up or down much), so its 12px labels stay 12px: a chart drawn 720 wide and squeezed into a
256px column would shrink them to 4px. A chart for the main column comes in two drawings, a wide one and
a narrow one for phones; the stylesheet shows one. Labels are thinned to fit and kept inside the frame,
the y axis has ticks, and a series legend draws each line with its own stroke and dashes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from html import escape

from markupsafe import Markup

FONT = 12  # px, the labels' size as shown
CHAR = 0.62 * FONT  # the width of a digit or hyphen at that size, to space labels without measuring them
DASHES = ("", "8 4", "2 3", "10 4 2 4", "1 3", "14 3")  # one per series, so colour is never the only cue
LEFT, RIGHT, TOP = 40, 12, 8  # margins: y tick labels on the left, half a label of room on the right
AXIS = 22  # room under the plot for the x labels


def _svg(width: int, height: int, title: str, variant: str, body: list[str]) -> str:
    return (
        f'<svg class="chart {variant}" width="{width}" height="{height}" viewBox="0 0 {width} {height}"'
        f' role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def nice_ticks(top: float, count: int = 4, whole: bool = False) -> list[float]:
    """Round y axis ticks from 0 to at least ``top`` (0, 5, 10, 15 ...; 0, 0.5, 1 ...); ``whole``: the
    values are counts, and so are the ticks (no '7.5 articles')."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    magnitude = 10 ** math.floor(math.log10(raw))
    steps = [m * magnitude for m in (1, 2, 2.5, 5, 10)]
    step = next(s for s in steps if s >= raw and (not whole or float(s).is_integer()))
    if step < 1 and top >= 1 and float(top).is_integer():
        step = 1.0
    return [round(i * step, 10) for i in range(math.ceil(top / step - 1e-9) + 1)]


def _tick_label(value: float) -> str:
    return f"{value:g}"


def _y_axis(ticks: list[float], width: int, y: Callable[[float], float]) -> list[str]:
    parts = []
    for value in ticks:
        at = y(value)
        parts.append(f'<line x1="{LEFT}" y1="{at:.1f}" x2="{width - RIGHT}" y2="{at:.1f}" class="grid"/>')
        parts.append(
            f'<text x="{LEFT - 6}" y="{at + FONT * 0.35:.1f}" class="axis" text-anchor="end">'
            f"{_tick_label(value)}</text>"
        )
    return parts


def _x_labels(labels: Sequence[str], xs: Sequence[float], width: int, baseline: float) -> list[str]:
    """Every nth label, n chosen so none overlaps its neighbour; each kept inside the frame."""
    if not labels:
        return []
    widest = max(len(label) for label in labels) * CHAR
    gap = (xs[1] - xs[0]) if len(xs) > 1 else width
    every = max(1, math.ceil((widest + 6) / max(gap, 1)))
    parts = []
    for i in range(0, len(labels), every):
        half = len(labels[i]) * CHAR / 2
        x = min(max(xs[i], half + 1), width - half - 1)
        parts.append(
            f'<text x="{x:.1f}" y="{baseline + FONT + 4:.1f}" class="axis" text-anchor="middle">'
            f"{escape(labels[i])}</text>"
        )
    return parts


def periods_between(first: str, last: str, by: str) -> list[str]:
    """Every period from first to last inclusive, so quiet months show as zero rather than vanish."""
    if by == "year":
        return [str(y) for y in range(int(first), int(last) + 1)]
    year, month = int(first[:4]), int(first[5:7])
    end = (int(last[:4]), int(last[5:7]))
    out = []
    while (year, month) <= end:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def every_year(points: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """(year, count) for every year from the first to the last, a year with none as 0: bars for the years
    that have some alone stand side by side, and a chart of 2012-2017 then 2024 hides six quiet years."""
    if not points:
        return []
    counts = dict(points)
    return [(year, counts.get(year, 0)) for year in periods_between(min(counts), max(counts), "year")]


def bar_chart(points: list[tuple[str, int]], title: str, width: int = 256, height: int = 150) -> Markup:
    """A bar chart drawn ``width`` pixels wide; the caller also renders the points as a table."""
    return Markup(_bar_svg(points, title, width, height, "")) if points else Markup("")


def _bar_svg(points: list[tuple[str, int]], title: str, width: int, height: int, variant: str) -> str:
    ticks = nice_ticks(max(count for _, count in points), whole=True)
    plot_h = height - AXIS - TOP
    slot = (width - LEFT - RIGHT) / len(points)
    bar = max(1.0, slot * 0.8)

    def y(value: float) -> float:
        return TOP + plot_h - plot_h * value / ticks[-1]

    body = _y_axis(ticks, width, y)
    centres = []
    for i, (label, count) in enumerate(points):
        x = LEFT + i * slot + (slot - bar) / 2
        centres.append(x + bar / 2)
        body.append(
            f'<rect x="{x:.1f}" y="{y(count):.1f}" width="{bar:.1f}" height="{TOP + plot_h - y(count):.1f}"'
            f' class="bar"><title>{escape(label)}: {count}</title></rect>'
        )
    body += _x_labels([label for label, _ in points], centres, width, TOP + plot_h)
    return _svg(width, height, title, variant, body)


def responsive_bar_chart(points: list[tuple[str, int]], title: str) -> Markup:
    """A bar chart for the main column: a wide drawing, and a narrow one that phones show instead."""
    if not points:
        return Markup("")
    wide = _bar_svg(points, title, 640, 200, "chart-wide")
    narrow = _bar_svg(points, title, 320, 170, "chart-narrow")
    return Markup(wide + narrow)


def line_chart(
    periods: list[str],
    series: dict[str, list[float | None]],
    title: str,
    events: Sequence[tuple[str, str]] = (),
) -> Markup:
    """Several series over the same periods, with dashed markers at event periods; each series has its
    own dashes as well as colour, and its legend entry is drawn with the same stroke. A value of None
    (a period with no coverage at all, where a share means nothing) leaves a gap in the line."""
    if not periods or not series:
        return Markup("")
    wide = _line_svg(periods, series, title, events, 720, 260, "chart-wide")
    narrow = _line_svg(periods, series, title, events, 330, 220, "chart-narrow")
    return Markup(wide + narrow + _legend(series))


def _line_svg(
    periods: list[str],
    series: dict[str, list[float | None]],
    title: str,
    events: Sequence[tuple[str, str]],
    width: int,
    height: int,
    variant: str,
) -> str:
    values = [v for vs in series.values() for v in vs if v is not None]
    ticks = nice_ticks(max(values, default=0), whole=all(float(v).is_integer() for v in values))
    plot_h = height - AXIS - TOP
    half = max(len(p) for p in periods) * CHAR / 2  # room for the first and last labels inside the frame
    span = width - LEFT - RIGHT - 2 * half
    step = span / max(1, len(periods) - 1)
    xs = (
        [LEFT + half + i * step for i in range(len(periods))]
        if len(periods) > 1
        else [LEFT + span / 2 + half]
    )

    def y(value: float) -> float:
        return TOP + plot_h - plot_h * value / ticks[-1]

    body = _y_axis(ticks, width, y)
    index = {p: i for i, p in enumerate(periods)}
    for period, label in events:
        if period in index:
            x = xs[index[period]]
            body.append(
                f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{TOP + plot_h}" class="event"'
                f' stroke-dasharray="3 3"><title>{escape(period)}: {escape(label)}</title></line>'
            )
    for n, (name, points) in enumerate(series.items()):
        dash = DASHES[n % len(DASHES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        runs: list[list[str]] = [[]]
        for i, value in enumerate(points):
            if value is None:
                runs.append([])
            else:
                runs[-1].append(f"{xs[i]:.1f},{y(value):.1f}")
        for run in (r for r in runs if r):
            if len(run) == 1:  # a lone period between gaps: a dot, or it would not show
                cx, cy = run[0].split(",")
                body.append(
                    f'<circle cx="{cx}" cy="{cy}" r="3" class="dot series-{n % 6}">'
                    f"<title>{escape(name)}</title></circle>"
                )
                continue
            body.append(
                f'<polyline points="{" ".join(run)}" class="series series-{n % 6}" fill="none"{dash_attr}>'
                f"<title>{escape(name)}</title></polyline>"
            )
    body += _x_labels(periods, xs, width, TOP + plot_h)
    return _svg(width, height, title, variant, body)


def _legend(series: dict[str, list[float | None]]) -> str:
    """The key, as HTML under the chart (it wraps as names need), each entry's line drawn as in the chart."""
    items = []
    for n, name in enumerate(series):
        dash = DASHES[n % len(DASHES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        swatch = (
            f'<svg class="swatch" width="40" height="12" viewBox="0 0 40 12" aria-hidden="true">'
            f'<line x1="1" y1="6" x2="39" y2="6" class="series series-{n % 6}"{dash_attr}/></svg>'
        )
        items.append(f"<li>{swatch} {escape(name)}</li>")
    return f'<ul class="legend" aria-label="Key">{"".join(items)}</ul>'

"""Server-rendered SVG charts: no script, no outside library, and always shown beside a data table."""

from __future__ import annotations

from html import escape

from markupsafe import Markup


def bar_chart(points: list[tuple[str, int]], title: str, width: int = 640, height: int = 180) -> Markup:
    """A labelled bar chart; the caller also renders the same points as a table for screen readers."""
    if not points:
        return Markup("")
    top = max(count for _, count in points) or 1
    gap = 2
    bar = max(2, (width - 40) // len(points) - gap)
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height + 30}" role="img" aria-label="{escape(title)}"'
        f' xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for i, (label, count) in enumerate(points):
        h = round(height * count / top)
        x = 30 + i * (bar + gap)
        parts.append(
            f'<rect x="{x}" y="{height - h}" width="{bar}" height="{h}" class="bar">'
            f"<title>{escape(label)}: {count}</title></rect>"
        )
        if len(points) <= 24 or i % max(1, len(points) // 12) == 0:
            parts.append(f'<text x="{x + bar / 2}" y="{height + 16}" class="axis">{escape(label)}</text>')
    parts.append(f'<text x="0" y="12" class="axis">{top}</text></svg>')
    return Markup("".join(parts))


def line_chart(
    periods: list[str],
    series: dict[str, list[float]],
    title: str,
    events: list[tuple[str, str]] = (),  # type: ignore[assignment]
    width: int = 720,
    height: int = 220,
) -> Markup:
    """Several series over the same periods, with dashed markers at event periods; distinguished by
    line style and a text legend as well as colour, so no information is carried by colour alone."""
    if not periods or not series:
        return Markup("")
    top = max((max(values) for values in series.values() if values), default=0) or 1
    step = (width - 60) / max(1, len(periods) - 1)
    styles = ["", "6 3", "2 3", "10 4 2 4", "1 2", "12 2"]

    def xy(i: int, v: float) -> str:
        return f"{40 + i * step:.1f},{height - height * v / top:.1f}"

    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height + 60}" role="img" aria-label="{escape(title)}"'
        f' xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
        f'<line x1="40" y1="{height}" x2="{width - 20}" y2="{height}" class="axis-line"/>'
    ]
    index = {p: i for i, p in enumerate(periods)}
    for period, label in events:
        if period in index:
            x = 40 + index[period] * step
            parts.append(
                f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height}" class="event" stroke-dasharray="3 3">'
                f"<title>{escape(period)}: {escape(label)}</title></line>"
            )
    for n, (name, values) in enumerate(series.items()):
        points = " ".join(xy(i, v) for i, v in enumerate(values))
        dash = styles[n % len(styles)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<polyline points="{points}" class="series series-{n % 6}" fill="none"{dash_attr}>'
            f"<title>{escape(name)}</title></polyline>"
        )
        parts.append(
            f'<text x="{40 + n * 150}" y="{height + 50}" class="legend series-{n % 6}">'
            f"{'—' if not dash else '- -'} {escape(name)}</text>"
        )
    every = max(1, len(periods) // 10)
    for i, period in enumerate(periods):
        if i % every == 0:
            parts.append(
                f'<text x="{40 + i * step:.1f}" y="{height + 16}" class="axis">{escape(period)}</text>'
            )
    parts.append(f'<text x="0" y="12" class="axis">{top:g}</text></svg>')
    return Markup("".join(parts))

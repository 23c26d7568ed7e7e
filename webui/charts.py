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

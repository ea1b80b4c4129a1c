"""Server-rendered SVG trend charts: no chart library, no script, nothing from outside.

A chart is a picture of the data table printed beside it (the table is the accessible
version), so the SVG carries a title and description and is otherwise decorative.
"""

from __future__ import annotations

from html import escape

WIDTH, HEIGHT, PAD = 360, 140, 28


def _point(i: int, value: float, count: int) -> tuple[float, float]:
    step = (WIDTH - 2 * PAD) / max(count - 1, 1)
    return PAD + i * step, HEIGHT - PAD - (HEIGHT - 2 * PAD) * value / 100


def trend_chart(title: str, labels: list[str], values: list[float | None],
                target: float) -> str:
    """A 0–100 % line chart with the target as a dashed line; gaps where no data."""
    points = [(_point(i, v, len(values)), v) for i, v in enumerate(values) if v is not None]
    path = " ".join(f"{'M' if n == 0 else 'L'}{x:.1f},{y:.1f}" for n, ((x, y), _)
                    in enumerate(points))
    _, ty = _point(0, target, len(values))
    dots = "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#1d70b8"/>'
                   for (x, y), _ in points)
    ticks = "".join(f'<text x="{_point(i, 0, len(labels))[0]:.1f}" y="{HEIGHT - 8}" '
                    f'font-size="10" fill="#505a5f" text-anchor="middle">{escape(label)}</text>'
                    for i, label in enumerate(labels) if i % 2 == len(labels) % 2)
    return (f'<svg class="app-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
            f'aria-labelledby="t-{id(title)}"><title id="t-{id(title)}">{escape(title)}: '
            f'trend by month against a target of {target:g}%</title>'
            f'<line x1="{PAD}" x2="{WIDTH - PAD}" y1="{ty:.1f}" y2="{ty:.1f}" '
            f'stroke="#0b0c0c" stroke-dasharray="4 3"/>'
            f'<text x="{WIDTH - PAD}" y="{ty - 4:.1f}" font-size="10" fill="#0b0c0c" '
            f'text-anchor="end">target {target:g}%</text>'
            f'<text x="2" y="{PAD + 4}" font-size="10" fill="#505a5f">100%</text>'
            f'<text x="2" y="{HEIGHT - PAD + 4}" font-size="10" fill="#505a5f">0%</text>'
            f'<path d="{path}" stroke="#1d70b8" stroke-width="2" fill="none"/>{dots}{ticks}</svg>')

"""Charts drawn on the server as inline SVG: they print, need no script and no network."""

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 16, 48
COLOUR = "#0b5d3b"
CHOSEN = "#c25400"  # the district a report is of, among the others: dark orange, prints as grey


def _ceiling(values: list[int]) -> int:
    """A round top for the scale, at least 1."""
    top = max(values, default=0)
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if top <= step * 4:
            return step * 4
    return top


def _frame(title: str, body: str, top: int) -> SafeString:
    plot_h = HEIGHT - TOP - BOTTOM
    grid = "".join(
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + plot_h * i / 4:.1f}" '
        f'y2="{TOP + plot_h * i / 4:.1f}" stroke="#ccc" stroke-width="1"/>'
        f'<text x="{LEFT - 6}" y="{TOP + plot_h * i / 4 + 4:.1f}" text-anchor="end" '
        f'font-size="11">{top * (4 - i) // 4}</text>'
        for i in range(5)
    )
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}" '
        'xmlns="http://www.w3.org/2000/svg" font-family="sans-serif"><title>{}</title>{}{}</svg>',
        WIDTH,
        HEIGHT,
        title,
        title,
        mark_safe(grid),  # noqa: S308 - numbers only
        mark_safe(body),  # noqa: S308 - built from escaped labels and numbers
    )


def trend_line(points: list[tuple[str, int]], *, title: str) -> SafeString:
    """A line of one figure per day; every day is labelled when they fit, else some of them."""
    top = _ceiling([value for _label, value in points])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(points) - 1, 1)
    every = max(1, len(points) // 14)
    coords = [
        (LEFT + i * step, TOP + plot_h * (1 - value / top)) for i, (_l, value) in enumerate(points)
    ]
    parts = []
    if coords:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{COLOUR}" stroke-width="2.5"/>'
        )
    for i, ((label, value), (x, y)) in enumerate(zip(points, coords, strict=True)):
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{COLOUR}"/>')
        if i % every == 0 or i == len(points) - 1:
            parts.append(
                f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 14}" font-size="10" '
                f'text-anchor="end" transform="rotate(-40 {x:.1f} {HEIGHT - BOTTOM + 14})">'
                f"{escape(label[:5])}</text>"
            )
        if len(points) <= 31:
            parts.append(
                f'<text x="{x:.1f}" y="{y - 6:.1f}" font-size="10" text-anchor="middle">'
                f"{value}</text>"
            )
    return _frame(title, "".join(parts), top)


def bars(items: list[tuple[str, int]], *, title: str, chosen: str = "") -> SafeString:
    """One bar per item (district), its value above it and its name below; the ``chosen`` one
    (a label) drawn in another colour and its name in bold."""
    top = _ceiling([value for _label, value in items])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(items), 1)
    parts = []
    for i, (label, value) in enumerate(items):
        height = plot_h * value / top
        x = LEFT + i * slot + slot * 0.15
        colour, weight = (CHOSEN, "bold") if chosen and label == chosen else (COLOUR, "normal")
        parts.append(
            f'<rect x="{x:.1f}" y="{TOP + plot_h - height:.1f}" width="{slot * 0.7:.1f}" '
            f'height="{height:.1f}" fill="{colour}"/>'
            f'<text x="{x + slot * 0.35:.1f}" y="{TOP + plot_h - height - 4:.1f}" font-size="11" '
            f'text-anchor="middle">{value}</text>'
            f'<text x="{x + slot * 0.35:.1f}" y="{HEIGHT - BOTTOM + 14}" font-size="10" '
            f'font-weight="{weight}" text-anchor="middle">'
            f"{_label_lines(short_name(label), x + slot * 0.35, slot)}</text>"
        )
    return _frame(title, "".join(parts), top)


LABEL_LINES = 3  # under a bar, in the chart's bottom margin
CHAR_WIDTH = 5.6  # about, at font-size 10


def _label_lines(label: str, x: float, slot: float) -> str:
    """A bar's name on up to three lines that fit its slot (its neighbours' names are as
    wide), broken between words; a name still too long ends with "…"."""
    budget = max(4, int(slot / CHAR_WIDTH))
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= budget:
            lines[-1] += " " + word
        else:
            lines.append(word)
    kept = [line if len(line) <= budget else line[: budget - 1] + "…" for line in lines]
    kept = kept[:LABEL_LINES]
    if len(lines) > LABEL_LINES and not kept[-1].endswith("…"):
        kept[-1] = kept[-1][: budget - 1] + "…"
    return "".join(
        f'<tspan x="{x:.1f}" dy="{0 if i == 0 else 11}">{escape(line)}</tspan>'
        for i, line in enumerate(kept)
    )


def short_name(name: str) -> str:
    """A place's name without its kind (Tỉnh, Huyện…): under a bar, or before a date."""
    for prefix in ("Thành phố ", "Thị xã ", "Huyện ", "Quận ", "Tỉnh "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name

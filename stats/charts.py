"""Charts drawn on the server as SVG: bars (stacked when there are several series) and lines.

A chart is a dict of shapes with their coordinates, rendered by `stats/includes/_chart.html`
together with a title, a text description and the data table, so that it reads without
JavaScript, without images and with a screen reader. No queries here.
"""

from decimal import Decimal

from django.utils.translation import gettext as _

# The drawing's text is 17 units high (the template's font-size): at least 12 px wherever the drawing is shown (from
# 576 px up; phones get the data table), with room below the axis for labels turned by 45°.
WIDTH, HEIGHT = 640, 400
LEFT, RIGHT, TOP, BOTTOM = 90, 12, 16, 150
PALETTE = ["#c8102e", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#7f7f7f", "#17becf"]


def _tooltip(label, value, unit):
    """A shape's title: its label and value, with the language's colon (2026年10月：94)."""
    return _("%(label)s: %(value)s") % {"label": label, "value": f"{value}{unit}"}


def _nice_max(value):
    """A round upper bound for the axis (1, 2, 2.5, 5 × 10ⁿ)."""
    if value <= 0:
        return 1
    magnitude = 1
    while magnitude * 10 <= value:
        magnitude *= 10
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= value:
            top = step * magnitude
            return int(top) if float(top).is_integer() else top
    return 10 * magnitude


def _number(value):
    if isinstance(value, Decimal):
        value = float(value)
    return value or 0


def _frame(maximum, ticks=4):
    top = _nice_max(maximum)
    plot_height = HEIGHT - TOP - BOTTOM
    grid = []
    for index in range(ticks + 1):
        value = top * index / ticks
        grid.append(
            {
                "y": round(TOP + plot_height - plot_height * index / ticks, 1),
                "label": f"{value:,.0f}" if float(value).is_integer() else f"{value:g}",  # 1,000,000 (not 1e+06)
            }
        )
    return top, plot_height, grid


def _table(labels, series, unit, extra_columns=()):
    columns = [*series, *extra_columns]
    return {
        "headers": [name for name, _values in columns],
        "rows": [
            {"label": label, "values": [values[index] for _name, values in columns]}
            for index, label in enumerate(labels)
        ],
        "unit": unit,
    }


def bar_chart(chart_id, title, description, labels, series, unit="", extra_columns=()):
    """Vertical bars per label; with several series (name, values) the bars are stacked.

    `extra_columns` (name, values) appear in the data table only.
    """
    labels = [str(label) for label in labels]
    totals = [sum(_number(values[index]) for _name, values in series) for index in range(len(labels))]
    top, plot_height, grid = _frame(max(totals, default=0))
    slot = (WIDTH - LEFT - RIGHT) / max(len(labels), 1)
    bar_width = max(slot * 0.7, 2)
    bars, ticks = [], []
    for index, label in enumerate(labels):
        x = LEFT + slot * index + (slot - bar_width) / 2
        base = TOP + plot_height
        for position, (name, values) in enumerate(series):
            value = _number(values[index])
            if not value:
                continue
            height = plot_height * value / top
            base -= height
            bars.append(
                {
                    "x": round(x, 1),
                    "y": round(base, 1),
                    "width": round(bar_width, 1),
                    "height": round(height, 1),
                    "colour": PALETTE[position % len(PALETTE)],
                    "title": _tooltip(f"{label} · {name}" if len(series) > 1 else label, values[index], unit),
                }
            )
        ticks.append({"x": round(x + bar_width / 2, 1), "label": label, "total": totals[index]})
    return {
        "id": chart_id,
        "kind": "bar",
        "title": title,
        "description": description,
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "baseline": TOP + plot_height,
        "label_y": TOP + plot_height + 20,
        "grid": grid,
        "bars": bars,
        "ticks": ticks,
        "legend": _legend(series) if len(series) > 1 else [],
        "table": _table(labels, series, unit, extra_columns),
        "is_empty": not any(totals),
    }


def line_chart(chart_id, title, description, labels, series, unit=""):
    """One line per series (name, values); a missing value (None) breaks nothing, it is skipped."""
    labels = [str(label) for label in labels]
    maximum = max((_number(value) for _name, values in series for value in values if value is not None), default=0)
    top, plot_height, grid = _frame(maximum)
    slot = (WIDTH - LEFT - RIGHT) / max(len(labels), 1)
    lines = []
    for position, (name, values) in enumerate(series):
        points = []
        for index, value in enumerate(values):
            if value is None:
                continue
            x = LEFT + slot * index + slot / 2
            y = TOP + plot_height - plot_height * _number(value) / top
            label = f"{labels[index]} · {name}" if len(series) > 1 else labels[index]  # one series: named above
            points.append({"x": round(x, 1), "y": round(y, 1), "title": _tooltip(label, value, unit)})
        lines.append(
            {
                "colour": PALETTE[position % len(PALETTE)],
                "points": points,
                "path": " ".join(f"{point['x']},{point['y']}" for point in points),
            }
        )
    ticks = [{"x": round(LEFT + slot * index + slot / 2, 1), "label": label} for index, label in enumerate(labels)]
    return {
        "id": chart_id,
        "kind": "line",
        "title": title,
        "description": description,
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "baseline": TOP + plot_height,
        "label_y": TOP + plot_height + 20,
        "grid": grid,
        "lines": lines,
        "ticks": ticks,
        "legend": _legend(series) if len(series) > 1 else [],
        "table": _table(labels, series, unit),
        "is_empty": not maximum,
    }


def _legend(series):
    return [
        {"name": name, "colour": PALETTE[position % len(PALETTE)]} for position, (name, _values) in enumerate(series)
    ]

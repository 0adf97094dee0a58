"""Presentation helpers of the statistics pages. No queries here.

A chart of `stats.charts` is drawn here rather than in a template because a year of stacked bars is hundreds
of shapes: shared attributes go on groups (a series' colour, the labels' anchor), the grid is one path, and
plain string building keeps a page of eight charts and their data tables to a few milliseconds. Every text
goes through `escape`; numbers are formatted here (coordinates always with a decimal point).
"""

from html import escape

from django import template
from django.utils.formats import localize
from django.utils.safestring import mark_safe

register = template.Library()

TICK_LABEL_WIDTH = 9  # in Chinese characters; a Latin letter or digit counts as half of one


def _number(value):
    """A coordinate with one decimal at most and a decimal point whatever the language."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _truncated(label, width=TICK_LABEL_WIDTH):
    """The label cut to fit below the axis: “曹杨新村第三居…”."""
    label, used = str(label), 0
    for index, character in enumerate(label):
        used += 0.5 if character.isascii() else 1
        if used > width:
            return label[: index - 1] + "…"
    return label


def _grid(chart):
    left, right = chart["left"], chart["right"]
    lines = "".join(f"M{left} {_number(line['y'])}H{right}" for line in chart["grid"])
    labels = "".join(
        f'<text x="{left - 4}" y="{_number(line["y"])}">{escape(line["label"])}</text>' for line in chart["grid"]
    )
    return (
        f'<path d="{lines}" stroke="#ddd"/>'
        f'<g text-anchor="end" dominant-baseline="middle" fill="#555">{labels}</g>'
    )


def _bars(chart):
    by_colour = {}  # a series' bars, series in order
    for bar in chart["bars"]:
        by_colour.setdefault(bar["colour"], []).append(bar)
    return "".join(
        f'<g fill="{escape(colour)}">'
        + "".join(
            f'<rect x="{_number(bar["x"])}" y="{_number(bar["y"])}" width="{_number(bar["width"])}" '
            f'height="{_number(bar["height"])}"><title>{escape(bar["title"])}</title></rect>'
            for bar in bars
        )
        + "</g>"
        for colour, bars in by_colour.items()
    )


def _lines(chart):
    parts = []
    for line in chart["lines"]:
        colour = escape(line["colour"])
        path = " ".join(f"{_number(point['x'])},{_number(point['y'])}" for point in line["points"])
        points = "".join(
            f'<circle cx="{_number(point["x"])}" cy="{_number(point["y"])}" r="3">'
            f"<title>{escape(point['title'])}</title></circle>"
            for point in line["points"]
        )
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/><g fill="{colour}">{points}</g>'
        )
    return "".join(parts)


def _axis(chart):
    y = chart["label_y"]
    angle = -45 if len(chart["ticks"]) <= 14 else -60  # many labels: steeper, so that they do not overlap
    labels = "".join(
        f'<text transform="translate({_number(tick["x"])} {y}) rotate({angle})">'
        f"{escape(_truncated(tick['label']))}</text>"
        for tick in chart["ticks"]
    )
    return (
        f'<path d="M{chart["left"]} {chart["baseline"]}H{chart["right"]}" stroke="#333"/>'
        f'<g text-anchor="end" fill="#333">{labels}</g>'
    )


@register.simple_tag
def chart_shapes(chart):
    """The grid, bars or lines, axis and labels of a chart, to go inside its <svg> element."""
    shapes = _bars(chart) if chart["kind"] == "bar" else _lines(chart)
    return mark_safe(_grid(chart) + shapes + _axis(chart))  # every text above is escaped


def _cell(header, value, unit):
    # On phones each row is a card (site.css .table-stack) whose cells name their column: from the attribute, drawn
    # by the style sheet, which costs a third of a label element's bytes (the statistics page has hundreds of cells
    # and must stay under 60 KB of HTML).
    text = "—" if value is None else f"{escape(str(localize(value)))}{escape(unit)}"
    return f'<td data-label="{escape(str(header))}">{text}</td>'


@register.simple_tag
def chart_table_rows(chart):
    """The rows of a chart's data table: the label as the row header, then one cell per column."""
    unit, headers = chart["table"]["unit"], chart["table"]["headers"]
    return mark_safe(  # every text is escaped
        "".join(
            f'<tr><th scope="row">{escape(str(row["label"]))}</th>'
            + "".join(_cell(header, value, unit) for header, value in zip(headers, row["values"], strict=True))
            + "</tr>"
            for row in chart["table"]["rows"]
        )
    )

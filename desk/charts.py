"""Server-drawn bar charts for the dashboard: the geometry of an SVG that reads without
JavaScript. Each bar is labelled with its series and value as text, and the chart's
description lists every number, for screen readers; the page shows a table beside it."""

from dataclasses import dataclass, field

from django.utils.translation import gettext

from escalation.durations import short_duration

WIDTH = 360
BAR_SPACE = WIDTH - 16
LINE = 15  # a text line
BAR = 9
GAP = 6
# Dark enough for 3:1 against white (WCAG 1.4.11), told apart by their labels too.
COLOURS = ["#2457c5", "#8a3300", "#067647", "#6f3fb5", "#5b6475"]


@dataclass
class Bar:
    text: str
    x: int
    y: int
    width: int
    colour: str


@dataclass
class Chart:
    title: str
    description: str
    height: int
    width: int = WIDTH
    labels: list = field(default_factory=list)  # (text, y)
    bars: list = field(default_factory=list)


def bar_chart(title, groups, series, show=str):
    """A horizontal bar chart: `groups` is [(label, [value per series])], `series` the names;
    `show` writes a value as text. None is drawn as no bar, "no figure"."""
    values = [v for _label, row in groups for v in row if v is not None]
    top = max(values, default=0) or 1
    chart = Chart(title=title, description="", height=0)
    y, said = 4, []
    for label, row in groups:
        y += LINE
        chart.labels.append((label, y - 3))
        parts = []
        for index, (name, value) in enumerate(zip(series, row, strict=True)):
            shown = gettext("no figure") if value is None else show(value)
            text = gettext("%(series)s: %(value)s") % {"series": name, "value": shown}
            y += LINE
            width = 0 if value is None else max(round(BAR_SPACE * value / top), 1 if value else 0)
            chart.bars.append(Bar(text, 8, y, width, COLOURS[index % len(COLOURS)]))
            y += BAR
            parts.append(text)
        said.append(gettext("%(label)s: %(bars)s") % {"label": label, "bars": ", ".join(parts)})
        y += GAP
    chart.height = y + 4
    chart.description = ". ".join(said) + "." if said else gettext("No figures in this period.")
    return chart


def duration(seconds):
    """A time as the desk writes it (at most two units), or a dash for no figure."""
    return "—" if seconds is None else short_duration(seconds)


def percent(value):
    return f"{value}%"

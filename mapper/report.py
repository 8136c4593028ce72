"""The one-page brief: map, timeline, table, totals, review list and sources in one HTML file.

The page is the template mapper/templates/brief.html, autoescaped: everything from the data
is escaped where it lands, and links are made only for http and https addresses; the only
scripts are the map's own (mapper/html.py) and a few lines that sort the table. The timeline
is an SVG drawn here (templates/timeline.html), so the page needs no charting library. A
print style sheet lays it out for a browser's print-to-PDF; `brief.pdf` is drawn without a
browser instead, through the static map (mapper/static.py).

Not run as a doctest: it writes a file, from a located table.

>>> write_report(result, "brief.html", title="Strikes, January 2024")   # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from gazetteer import Gazetteer

from . import pages
from .errors import OutputError
from .model import Located, ReviewItem
from .output import write_text
from .static import summary_parts, write_pdf_brief
from .style import EVENT_STYLES, OUTCOME_LABELS, event_style

__all__ = ["report_html", "write_report"]

FORMATS = (".html", ".htm", ".pdf")
CREDITS = ("Places: GeoNames (CC-BY 4.0), OurAirports and the incident-mapper curated tables; "
           "outlines: Natural Earth.")


def _safe_url(url: str) -> str | None:
    """The URL when it is an http(s) address with a host, else None: no javascript: links."""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def _day(date: str) -> dt.date | None:
    parts = date.split("-")
    if len(parts) != 3:
        return None
    try:
        return dt.date(*(int(p) for p in parts))
    except ValueError:
        return None


def _governorates(gazetteer: Gazetteer | None) -> dict[str, str]:
    """ISO 3166-2 code -> governorate name, from the gazetteer's admin1 rows."""
    if gazetteer is None:
        return {}
    return {p.admin1: p.name for p in gazetteer if p.kind == "admin1" and p.admin1}


def _governorate(r: Located, gazetteer: Gazetteer | None, names: dict[str, str]) -> str:
    if r.admin1_name:   # where the point lies, from the boundaries (mapper.locate)
        return f"{r.admin1_name} ({r.admin1})"
    place = gazetteer.get(r.place_id) if gazetteer and r.place_id else None
    code = (place.admin1 if place and place.admin1 else "") or r.incident.admin1
    if not code:
        return "unknown"
    return f"{names[code]} ({code})" if code in names else code


# --- the timeline ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Bar:
    x: float
    y: float
    width: float
    height: float
    color: str
    title: str          # "2024-01-02: 3 drone"


@dataclass(frozen=True, slots=True)
class _Day:
    x: float            # the middle of the day's bar
    bars: tuple[_Bar, ...]
    label: str          # "2 Jan" on every few days, else ""


@dataclass(frozen=True, slots=True)
class _Key:
    x: int
    color: str
    label: str


@dataclass(frozen=True, slots=True)
class _Timeline:
    """The timeline's geometry, in the SVG's units (templates/timeline.html draws it)."""

    width: int
    height: int
    left: int
    right: int                          # x of the plot's right edge
    axis: int                           # y of the time axis
    grid: tuple[tuple[float, int], ...]  # (y, count) of each horizontal line
    days: tuple[_Day, ...]
    keys: tuple[_Key, ...]
    undated: int


def _timeline(located: Sequence[Located], width: int, height: int) -> _Timeline | None:
    days = [(_day(r.incident.date), r.incident.event_type) for r in located]
    dated = [(d, t if t in EVENT_STYLES else "other") for d, t in days if d]
    if not dated:
        return None
    first = min(d for d, _ in dated)
    span = (max(d for d, _ in dated) - first).days + 1
    counts: Counter[tuple[dt.date, str]] = Counter(dated)
    peak = max(Counter(d for d, _ in dated).values())
    left, right, top, bottom = 34, 10, 10, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    slot = plot_w / span
    bar = max(2.0, slot * 0.75)
    label_every = max(1, round(span / 12))
    columns = []
    for k in range(span):
        day = first + dt.timedelta(days=k)
        x = left + slot * k + (slot - bar) / 2
        y = float(top + plot_h)
        bars = []
        for t, style in EVENT_STYLES.items():
            n = counts.get((day, t), 0)
            if n:
                y -= plot_h * n / peak
                bars.append(_Bar(x, y, bar, plot_h * n / peak, style.color,
                                 f"{day.isoformat()}: {n} {style.label.lower()}"))
        label = f"{day.day} {day:%b}" if k % label_every == 0 else ""
        columns.append(_Day(x + bar / 2, tuple(bars), label))
    present = {t for _, t in dated}
    keys, x_key = [], left
    for t in (t for t in EVENT_STYLES if t in present):
        keys.append(_Key(x_key, EVENT_STYLES[t].color, EVENT_STYLES[t].label))
        x_key += 24 + 7 * len(EVENT_STYLES[t].label)
    step = max(1, round(peak / 4))
    grid = tuple((top + plot_h - plot_h * v / peak, v) for v in range(0, peak + 1, step))
    return _Timeline(width, height, left, width - right, top + plot_h, grid, tuple(columns),
                     tuple(keys), len(days) - len(dated))


def timeline_svg(located: Sequence[Located], width: int = 1100, height: int = 180) -> str:
    """Incidents per day, stacked by event type, as an inline SVG (day-precise dates only)."""
    return pages.render("timeline.html", t=_timeline(located, width, height)).strip()


# --- the tables ----------------------------------------------------------------------------

_COLUMNS = (  # header, sort type
    ("Date", "text"), ("Time", "text"), ("Type", "text"), ("Location as reported", "text"),
    ("Resolved to", "text"), ("Precision", "number"), ("Governorate", "text"),
    ("Actor", "text"), ("Target", "text"), ("Outcome", "text"), ("Fatalities", "number"),
    ("Source", "text"),
)


@dataclass(frozen=True, slots=True)
class _Cell:
    """A cell of the incidents' table: `value` sorts it (data-v), `text` is shown, as a link
    to `url` when there is one, or `blank` (muted) when there is no text."""

    value: str
    text: str
    number: bool = False     # right-aligned, sorted as a number
    auto: bool = False       # dir="auto": text that may be Arabic
    url: str | None = None
    blank: str = ""


@dataclass(frozen=True, slots=True)
class _Row:
    row: int
    cells: tuple[_Cell, ...]


def _incident_row(r: Located, governorate: str) -> _Row:
    i = r.incident
    place = r.place_name or f"{r.lat:.4f}, {r.lon:.4f}"
    label = event_style(i.event_type).label
    fatalities = "" if i.fatalities is None else str(i.fatalities)
    url = _safe_url(i.source_url)
    return _Row(i.row, (
        _Cell(i.date, i.date), _Cell(i.time, i.time), _Cell(label, label),
        _Cell(i.location, i.location, auto=True), _Cell(place, place, auto=True),
        _Cell(str(r.precision), str(r.precision), number=True),
        _Cell(governorate, governorate),
        _Cell(i.actor, i.actor, auto=True, blank="unknown"),
        _Cell(i.target, i.target, auto=True),
        _Cell(i.outcome, OUTCOME_LABELS.get(i.outcome, i.outcome)),
        _Cell(fatalities, fatalities, number=True),
        _Cell(i.source, i.source or url or "", auto=True, url=url),
    ))


@dataclass(frozen=True, slots=True)
class _Source:
    name: str
    url: str | None          # a safe (http or https) address, made a link
    address: str             # the address as given, shown as text when it is not safe
    count: int


def _sources(located: Sequence[Located], review: Sequence[ReviewItem]) -> list[_Source]:
    """Each source once (name and address), with its number of incidents, mapped or not."""
    seen: dict[tuple[str, str], int] = {}
    incidents = [r.incident for r in located] + [item.incident for item in review
                                                 if not item.mapped]
    for i in incidents:
        if i.source or i.source_url:
            key = (i.source.strip(), i.source_url.strip())
            seen[key] = seen.get(key, 0) + 1
    return [_Source(name, _safe_url(url), url, n) for (name, url), n in seen.items()]


@dataclass(frozen=True, slots=True)
class _Total:
    """A row of a totals table: its key, incidents, fatalities and swatch colour (or "")."""

    key: str
    count: int
    killed: int
    color: str = ""


def _totals(located: Sequence[Located], governorates: list[str]
            ) -> list[tuple[str, list[_Total]]]:
    """(caption, rows) by event type, actor and governorate: incidents and fatalities (an
    unknown toll counts as none), the most incidents first."""
    def rows(keys: list[str], colors: dict[str, str]) -> list[_Total]:
        counts: Counter[str] = Counter(keys)
        killed: Counter[str] = Counter()
        for key, r in zip(keys, located):
            killed[key] += r.incident.fatalities or 0
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        return [_Total(key, n, killed[key], colors.get(key, "")) for key, n in ranked]

    type_colors = {s.label: s.color for s in EVENT_STYLES.values()}
    return [
        ("Event type", rows([event_style(r.incident.event_type).label for r in located],
                            type_colors)),
        ("Actor", rows([r.incident.actor.strip() or "unknown" for r in located], {})),
        ("Governorate", rows(governorates, {})),
    ]


def _area_totals(located: Sequence[Located], level: str, measure: str
                 ) -> tuple[str, list[_Total]]:
    """The areas of the choropleth that have incidents, in its class colours, the highest
    figure of the measure first."""
    from .choropleth import LEVEL_LABELS, area_figures

    figures, _ = area_figures(located, level, measure)
    shown = [f for f in figures if f.incidents]
    shown.sort(key=lambda f: (-(f.fatalities if measure == "fatalities" else f.incidents), f.name))
    return (f"{LEVEL_LABELS[level]} ({measure})",
            [_Total(f"{f.name} \u00b7 {f.name_ar}" if f.name_ar else f.name, f.incidents,
                    f.fatalities, f.color) for f in shown])


def _subtitle(located: Sequence[Located], review: Sequence[ReviewItem]) -> str:
    sub = summary_parts(located)
    unmapped = sum(1 for item in review if not item.mapped)
    if unmapped:
        sub.append(f"{unmapped} not mapped")
    if review:
        sub.append(f"{len(review)} in the review list")
    return " · ".join(sub)


def report_html(result: Any, *, title: str | None = None, self_contained: bool = False,
                color_by: str = "actor", basemap: str = "light",
                gazetteer: Gazetteer | None = None, cache_dir: Path | None = None,
                areas: str | None = None, measure: str = "incidents",
                size_by: str | None = None) -> str:
    """The brief as one HTML document (see `write_report`)."""
    from .html import IncidentMap

    located: tuple[Located, ...] = tuple(getattr(result, "located", result))
    review: tuple[ReviewItem, ...] = tuple(getattr(result, "review", ()) or ())
    title = title or "Incidents"
    if gazetteer is None:
        gazetteer = Gazetteer.default()
    names = _governorates(gazetteer)
    governorates = [_governorate(r, gazetteer, names) for r in located]
    fragment = IncidentMap(result, title=title, color_by=color_by, basemap=basemap,
                           self_contained=self_contained, height="560px", cache_dir=cache_dir,
                           areas=areas, measure=measure, size_by=size_by).to_fragment()
    totals = _totals(located, governorates)
    if areas:
        totals.append(_area_totals(located, areas, measure))
    order = sorted(range(len(located)),
                   key=lambda k: (located[k].incident.date, located[k].incident.row))
    return pages.render(
        "brief.html", title=title, subtitle=_subtitle(located, review),
        fragment=fragment, timeline=timeline_svg(located),
        totals=totals, columns=_COLUMNS,
        incidents=[_incident_row(located[k], governorates[k]) for k in order],
        review=review, sources=_sources(located, review), credits=CREDITS,
    )

def write_report(result: Any, path: str | Path, *, title: str | None = None,
                 self_contained: bool = False, color_by: str = "actor", basemap: str = "light",
                 gazetteer: Gazetteer | None = None, cache_dir: Path | None = None,
                 areas: str | None = None, measure: str = "incidents",
                 size_by: str | None = None, **static_options: Any) -> Path:
    """Write the brief of `result` (a LocateResult) to `path`.

    `.html`: one page with the interactive map, a timeline per day by type, a sortable table
    of the incidents, totals (incidents and fatalities) by type, actor and governorate, and
    with `areas` a choropleth layer and the areas' totals, the review list and the sources;
    `self_contained=True` inlines every script so it opens with no network (`basemap="none"`
    leaves out the tiles, which need it, for the outlines alone). `.pdf`: the static
    map on page one and the incidents as a table after it, drawn without a browser
    (`static_options` as for `render_static`).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return write_pdf_brief(result, path, title=title, color_by=color_by,
                               gazetteer=gazetteer, cache_dir=cache_dir, areas=areas,
                               measure=measure, size_by=size_by, **static_options)
    if suffix not in (".html", ".htm"):
        raise OutputError(f"{path}: cannot write a brief as {suffix or '(no extension)'!r}; "
                          f"use {', '.join(FORMATS)}")
    page = report_html(result, title=title, self_contained=self_contained, color_by=color_by,
                       basemap=basemap, gazetteer=gazetteer, cache_dir=cache_dir, areas=areas,
                       measure=measure, size_by=size_by)
    return write_text(path, page)   # whole or not at all; WriteError names the file

"""The one-page brief: map, timeline, table, totals, review list and sources in one HTML file.

Everything from the data is escaped (`html.escape`) before it reaches the page, and links are
made only for http and https addresses; the only scripts are the map's own (mapper/html.py)
and a few lines that sort the table. The timeline is an SVG drawn here, so the page needs no
charting library. A print style sheet lays it out for a browser's print-to-PDF; `brief.pdf`
is drawn without a browser instead, through the static map (mapper/static.py).

>>> write_report(result, "brief.html", title="Strikes, January 2024")   # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import html
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from gazetteer import Gazetteer

from .errors import OutputError
from .model import Located, ReviewItem
from .static import date_range_text, write_pdf_brief
from .style import EVENT_STYLES, OUTCOME_LABELS, event_style

__all__ = ["write_report", "report_html"]

FORMATS = (".html", ".htm", ".pdf")
CREDITS = ("Places: GeoNames (CC-BY 4.0), OurAirports and the incident-mapper curated tables; "
           "outlines: Natural Earth.")

_SORT_JS = """
(function () {
  var table = document.getElementById("incidents");
  if (!table) { return; }
  var body = table.tBodies[0];
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
    var button = th.querySelector("button");
    if (!button) { return; }
    button.addEventListener("click", function () {
      var up = th.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (other) {
        other.removeAttribute("aria-sort");
      });
      th.setAttribute("aria-sort", up ? "ascending" : "descending");
      var numeric = th.getAttribute("data-type") === "number";
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[col].getAttribute("data-v"), y = b.cells[col].getAttribute("data-v");
        var c;
        if (numeric) {
          x = x === "" ? -Infinity : Number(x); y = y === "" ? -Infinity : Number(y);
          c = x < y ? -1 : x > y ? 1 : 0;
        } else {
          c = x.localeCompare(y);
        }
        return up ? c : -c;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
})();
"""

_CSS = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans Arabic",
       sans-serif; color: #222; margin: 0 auto; max-width: 1200px; padding: 16px 24px; }
h1 { font-size: 22px; margin: 0 0 2px; }
h2 { font-size: 16px; margin: 22px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 3px; }
.sub { color: #555; margin: 0 0 12px; }
.totals { display: flex; flex-wrap: wrap; gap: 16px 28px; }
.totals table { min-width: 200px; }
table { border-collapse: collapse; font-size: 13px; }
th, td { text-align: start; padding: 3px 8px; border-bottom: 1px solid #e6e6e6; vertical-align: top; }
td.n, th.n { text-align: end; font-variant-numeric: tabular-nums; }
#incidents td:first-child { white-space: nowrap; }
td[dir="auto"] { unicode-bidi: plaintext; }
#incidents th button { font: inherit; font-weight: 600; background: none; border: none;
                       padding: 0; cursor: pointer; color: inherit; }
#incidents th[aria-sort="ascending"] button::after { content: " \\25B2"; }
#incidents th[aria-sort="descending"] button::after { content: " \\25BC"; }
#incidents tbody tr:nth-child(even) { background: #f7f7f7; }
.swatch { display: inline-block; width: 10px; height: 10px; margin-inline-end: 5px;
          border: 1px solid #333; vertical-align: -1px; }
.timeline text { font-size: 11px; fill: #444; }
.muted { color: #777; }
.credits { color: #666; font-size: 12px; margin-top: 24px; }
.map { border: 1px solid #ccc; }
@media print {
  @page { size: A4 landscape; margin: 12mm; }
  body { max-width: none; padding: 0; font-size: 10pt; }
  h2 { break-after: avoid; page-break-after: avoid; }
  #map, .totals table, tr, svg { break-inside: avoid; page-break-inside: avoid; }
  .map { height: 120mm !important; }
  .map .leaflet-control-container .leaflet-control-layers,
  .map .leaflet-control-zoom, .map [id$="-filter"] { display: none !important; }
  #incidents { font-size: 8.5pt; }
  #incidents th button::after { content: "" !important; }
  .sources a[href]::after { content: " (" attr(href) ")"; color: #555; font-size: 8pt; }
  a { color: inherit; }
}
"""


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


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
    place = gazetteer.get(r.place_id) if gazetteer and r.place_id else None
    code = (place.admin1 if place and place.admin1 else "") or r.incident.admin1
    if not code:
        return "unknown"
    return f"{names[code]} ({code})" if code in names else code


def timeline_svg(located: Sequence[Located], width: int = 1100, height: int = 180) -> str:
    """Incidents per day, stacked by event type, as an inline SVG (day-precise dates only)."""
    days = [(_day(r.incident.date), r.incident.event_type) for r in located]
    dated = [(d, t if t in EVENT_STYLES else "other") for d, t in days if d]
    undated = len(days) - len(dated)
    if not dated:
        return '<p class="muted">No incident is dated to the day.</p>'
    first = min(d for d, _ in dated)
    last = max(d for d, _ in dated)
    span = (last - first).days + 1
    counts: Counter[tuple[dt.date, str]] = Counter(dated)
    per_day = Counter(d for d, _ in dated)
    peak = max(per_day.values())
    left, right, top, bottom = 34, 10, 10, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    slot = plot_w / span
    bar = max(2.0, slot * 0.75)
    parts = [f'<svg class="timeline" role="img" aria-label="Incidents per day by type" '
             f'width="100%" viewBox="0 0 {width} {height + 22}" '
             'xmlns="http://www.w3.org/2000/svg">']
    step = max(1, round(peak / 4))
    for v in range(0, peak + 1, step):
        y = top + plot_h - plot_h * v / peak
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
                     'stroke="#e3e3e3"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{v}</text>')
    label_every = max(1, round(span / 12))
    for k in range(span):
        day = first + dt.timedelta(days=k)
        x = left + slot * k + (slot - bar) / 2
        y = top + plot_h
        for t, style in EVENT_STYLES.items():
            n = counts.get((day, t), 0)
            if not n:
                continue
            h = plot_h * n / peak
            y -= h
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                         f'fill="{style.color}" stroke="#333" stroke-width="0.5">'
                         f'<title>{day.isoformat()}: {n} {_e(style.label.lower())}</title></rect>')
        if k % label_every == 0:
            parts.append(f'<text x="{x + bar / 2:.1f}" y="{top + plot_h + 16}" '
                         f'text-anchor="middle">{day.day} {day:%b}</text>')
    parts.append(f'<line x1="{left}" x2="{width - right}" y1="{top + plot_h}" '
                 f'y2="{top + plot_h}" stroke="#888"/>')
    x = left
    present = [t for t in EVENT_STYLES if any(tt == t for _, tt in dated)]
    for t in present:
        style = EVENT_STYLES[t]
        parts.append(f'<rect x="{x}" y="{height + 6}" width="10" height="10" fill="{style.color}" '
                     'stroke="#333" stroke-width="0.5"/>')
        parts.append(f'<text x="{x + 14}" y="{height + 15}">{_e(style.label)}</text>')
        x += 24 + 7 * len(style.label)
    parts.append("</svg>")
    if undated:
        parts.append(f'<p class="muted">{undated} incident{"s" if undated != 1 else ""} dated '
                     "only to a month or year, not in the timeline.</p>")
    return "\n".join(parts)


def _totals_table(caption: str, counts: Counter[str], colors: dict[str, str] | None = None
                  ) -> str:
    rows = []
    for key, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        swatch = (f'<span class="swatch" style="background:{colors[key]}"></span>'
                  if colors and key in colors else "")
        rows.append(f'<tr><td dir="auto">{swatch}{_e(key)}</td><td class="n">{n}</td></tr>')
    return (f"<table><thead><tr><th>{_e(caption)}</th><th class=\"n\">Incidents</th></tr>"
            f"</thead><tbody>{''.join(rows)}</tbody></table>")


_COLUMNS = (  # header, sort type
    ("Date", "text"), ("Time", "text"), ("Type", "text"), ("Location as reported", "text"),
    ("Resolved to", "text"), ("Precision", "number"), ("Governorate", "text"),
    ("Actor", "text"), ("Target", "text"), ("Outcome", "text"), ("Fatalities", "number"),
    ("Source", "text"),
)


_NUMBER_CLASS = ' class="n"'


def _incident_rows(located: Sequence[Located], gazetteer: Gazetteer | None,
                   names: dict[str, str]) -> str:
    out = []
    for r in sorted(located, key=lambda r: (r.incident.date, r.incident.row)):
        i = r.incident
        place = r.place_name or f"{r.lat:.4f}, {r.lon:.4f}"
        gov = _governorate(r, gazetteer, names)
        url = _safe_url(i.source_url)
        source = (f'<a href="{_e(url)}" rel="noopener noreferrer" target="_blank">'
                  f'{_e(i.source or url)}</a>' if url else _e(i.source))
        cells = [
            (i.date, _e(i.date), ""), (i.time, _e(i.time), ""),
            (event_style(i.event_type).label, _e(event_style(i.event_type).label), ""),
            (i.location, _e(i.location), ' dir="auto"'),
            (place, _e(place), ' dir="auto"'),
            (str(r.precision), _e(r.precision), ' class="n"'),
            (gov, _e(gov), ""),
            (i.actor, _e(i.actor) or '<span class="muted">unknown</span>', ' dir="auto"'),
            (i.target, _e(i.target), ' dir="auto"'),
            (i.outcome, _e(OUTCOME_LABELS.get(i.outcome, i.outcome)), ""),
            ("" if i.fatalities is None else str(i.fatalities), _e(i.fatalities), ' class="n"'),
            (i.source, source, ' dir="auto"'),
        ]
        out.append(f'<tr data-row="{i.row}">' + "".join(
            f'<td data-v="{_e(v)}"{attrs}>{shown}</td>' for v, shown, attrs in cells) + "</tr>")
    return "\n".join(out)


def _review_rows(review: Sequence[ReviewItem]) -> str:
    if not review:
        return '<p class="muted">Nothing to review: every row was placed with confidence.</p>'
    rows = []
    for item in review:
        i = item.incident
        rows.append(
            f"<tr><td class=\"n\">{i.row}</td><td>{_e(i.date)}</td>"
            f"<td dir=\"auto\">{_e(i.location)}</td><td>{_e(item.reason)}</td>"
            f"<td>{'on the map' if item.mapped else 'not mapped'}</td>"
            f"<td dir=\"auto\">{_e('; '.join(item.candidates))}</td></tr>")
    return ("<table><thead><tr><th class=\"n\">Row</th><th>Date</th><th>Location</th>"
            "<th>Reason</th><th>Status</th><th>Candidates</th></tr></thead><tbody>"
            + "".join(rows) + "</tbody></table>")


def _sources(located: Sequence[Located], review: Sequence[ReviewItem]) -> str:
    seen: dict[tuple[str, str], int] = {}
    incidents = [r.incident for r in located] + [item.incident for item in review
                                                 if not item.mapped]
    for i in incidents:
        if i.source or i.source_url:
            key = (i.source.strip(), i.source_url.strip())
            seen[key] = seen.get(key, 0) + 1
    if not seen:
        return '<p class="muted">No sources given.</p>'
    items = []
    for (name, url), n in seen.items():
        safe = _safe_url(url)
        if safe:
            text = (f'<a href="{_e(safe)}" rel="noopener noreferrer" target="_blank" dir="auto">'
                    f"{_e(name or safe)}</a>")
        else:
            text = f'<span dir="auto">{_e(name)}</span>' + (f" ({_e(url)})" if url else "")
        items.append(f"<li>{text} <span class=\"muted\">\u00b7 {n} incident"
                     f"{'s' if n != 1 else ''}</span></li>")
    return f'<ul class="sources">{"".join(items)}</ul>'


def report_html(result: Any, *, title: str | None = None, self_contained: bool = False,
                color_by: str = "actor", basemap: str = "light",
                gazetteer: Gazetteer | None = None, cache_dir: Path | None = None) -> str:
    """The brief as one HTML document (see `write_report`)."""
    from .html import IncidentMap

    located: tuple[Located, ...] = tuple(getattr(result, "located", result))
    review: tuple[ReviewItem, ...] = tuple(getattr(result, "review", ()) or ())
    unmapped = sum(1 for item in review if not item.mapped)
    title = title or "Incidents"
    if gazetteer is None:
        gazetteer = Gazetteer.default()
    names = _governorates(gazetteer)
    fragment = IncidentMap(result, title=title, color_by=color_by, basemap=basemap,
                           self_contained=self_contained,
                           height="520px", cache_dir=cache_dir).to_fragment()
    fragment = fragment.replace('class="im-root"', 'class="im-root map"', 1)
    dates = date_range_text(located)
    sub = [dates] if dates else []
    sub.append(f"{len(located)} incident{'s' if len(located) != 1 else ''} mapped")
    if unmapped:
        sub.append(f"{unmapped} not mapped")
    if review:
        sub.append(f"{len(review)} in the review list")

    types = Counter(event_style(r.incident.event_type).label for r in located)
    type_colors = {s.label: s.color for s in EVENT_STYLES.values()}
    actors = Counter(r.incident.actor.strip() or "unknown" for r in located)
    governorates = Counter(_governorate(r, gazetteer, names) for r in located)
    header = "".join(
        f'<th data-type="{kind}"{_NUMBER_CLASS if kind == "number" else ""}>'
        f'<button type="button">{_e(name)}</button></th>' for name, kind in _COLUMNS)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)}</title>
<style>{_CSS}</style>
</head>
<body>
<header>
<h1 dir="auto">{_e(title)}</h1>
<p class="sub">{_e(" · ".join(sub))}</p>
</header>
<section id="map">
{fragment}
</section>
<section id="timeline">
<h2>Incidents per day</h2>
{timeline_svg(located)}
</section>
<section id="totals">
<h2>Totals</h2>
<div class="totals">
{_totals_table("Event type", types, type_colors)}
{_totals_table("Actor", actors)}
{_totals_table("Governorate", governorates)}
</div>
</section>
<section id="table">
<h2>Incidents mapped ({len(located)})</h2>
<table id="incidents"><thead><tr>{header}</tr></thead>
<tbody>
{_incident_rows(located, gazetteer, names)}
</tbody></table>
</section>
<section id="review">
<h2>Review list ({len(review)})</h2>
{_review_rows(review)}
</section>
<section id="sources">
<h2>Sources</h2>
{_sources(located, review)}
</section>
<p class="credits">{_e(CREDITS)} Made with incident-mapper.</p>
<script>{_SORT_JS}</script>
</body>
</html>
"""


def write_report(result: Any, path: str | Path, *, title: str | None = None,
                 self_contained: bool = False, color_by: str = "actor", basemap: str = "light",
                 gazetteer: Gazetteer | None = None, cache_dir: Path | None = None,
                 **static_options: Any) -> Path:
    """Write the brief of `result` (a LocateResult) to `path`.

    `.html`: one page with the interactive map, a timeline per day by type, a sortable table
    of the incidents, totals by type, actor and governorate, the review list and the sources;
    `self_contained=True` inlines every script so it opens with no network (`basemap="none"`
    leaves out the tiles, which need it, for the outlines alone). `.pdf`: the static
    map on page one and the incidents as a table after it, drawn without a browser
    (`static_options` as for `render_static`).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return write_pdf_brief(result, path, title=title, color_by=color_by,
                               gazetteer=gazetteer, cache_dir=cache_dir, **static_options)
    if suffix not in (".html", ".htm"):
        raise OutputError(f"{path}: cannot write a brief as {suffix or '(no extension)'!r}; "
                          f"use {', '.join(FORMATS)}")
    page = report_html(result, title=title, self_contained=self_contained, color_by=color_by,
                       basemap=basemap, gazetteer=gazetteer, cache_dir=cache_dir)
    try:
        path.write_text(page, encoding="utf-8")
    except OSError as exc:
        raise OutputError(f"{path}: cannot write the brief: {exc.strerror or exc}") from exc
    return path

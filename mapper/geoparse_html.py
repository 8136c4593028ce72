"""A page to check a geoparse at a glance: the text with its mentions marked, beside a map."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from pathlib import Path

from gazetteer.geoparse import Mention

from .assets import AssetError
from .html import IncidentMap
from .locate import geo_precision
from .model import Incident, Located

_STYLE = """
body { margin: 0; font: 15px/1.6 system-ui, sans-serif; display: flex; height: 100vh; }
.im-text { flex: 1 1 50%; overflow: auto; padding: 1em 1.5em; }
.im-side { flex: 1 1 50%; }
mark { border-radius: 3px; padding: 0 2px; }
mark.resolved { background: #ffe08a; }
mark.ambiguous { background: #ffb38a; }
mark.unresolved { background: #ddd; }
p { margin: 0 0 0.8em; unicode-bidi: plaintext; }
"""


def _located(mentions: Sequence[Mention]) -> list[Located]:
    today = dt.date.today().isoformat()
    rows = []
    for n, m in enumerate(mentions, start=1):
        if m.match is None:
            continue
        p = m.match.place
        incident = Incident(row=n, date=today, date_precision="day", location=m.text,
                            description=f"characters {m.start}-{m.end}", notes=m.match.method)
        rows.append(Located(incident, p.lat, p.lon, p.id, p.name, m.match.method, m.match.score,
                            p.radius_km, geo_precision(p)))
    return rows


def _marked_text(text: str, mentions: Sequence[Mention]) -> str:
    out, last = [], 0
    for m in sorted(mentions, key=lambda m: m.start):
        if m.start < last:
            continue
        out.append(html.escape(text[last:m.start]))
        if m.match is None:
            css, note = "unresolved", "not resolved"
        else:
            p = m.match.place
            css = "ambiguous" if m.match.ambiguous else "resolved"
            note = (f"{p.name} ({p.id}) {p.lat:.4f}, {p.lon:.4f} ±{p.radius_km:g} km, "
                    f"score {m.match.score:.2f} {m.match.method}"
                    + (", ambiguous" if m.match.ambiguous else ""))
        out.append(f'<mark class="{css}" title="{html.escape(note)}">{html.escape(m.text)}</mark>')
        last = m.end
    out.append(html.escape(text[last:]))
    paragraphs = "".join(out).split("\n")
    return "\n".join(f'<p dir="auto">{p}</p>' for p in paragraphs if p.strip())


def write_geoparse_html(text: str, mentions: Sequence[Mention], path: Path, *, title: str) -> Path:
    """Write the text with mentions highlighted (right-to-left where Arabic) and their map."""
    located = _located(mentions)
    try:
        fragment = IncidentMap(located, title=f"Places in {title}", color_by="event_type",
                               height="100vh", self_contained=True).to_fragment()
    except AssetError:  # no cached assets and no registry: a map that loads them when online
        fragment = IncidentMap(located, title=f"Places in {title}", color_by="event_type",
                               height="100vh").to_fragment()
    page = (f"<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{html.escape(title)}: places</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
            f'<div class="im-text">{_marked_text(text, mentions)}</div>\n'
            f'<div class="im-side">{fragment}</div>\n</body>\n</html>\n')
    path.write_text(page, encoding="utf-8")
    return path

"""A page to check a geoparse at a glance: the text with its mentions marked, beside a map.

The page is the template mapper/templates/geoparse.html, autoescaped: the text and every
note reach it as text, never as markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from gazetteer.geoparse import Mention

from . import pages
from .assets import AssetError
from .html import IncidentMap
from .locate import geo_precision
from .model import Incident, Located
from .output import write_text


@dataclass(frozen=True, slots=True)
class _Piece:
    """A run of the text: plain (`css` empty) or a mention, marked as resolved, ambiguous or
    unresolved, with what it resolved to as its `note` (the mark's title)."""

    text: str
    css: str = ""
    note: str = ""


# Marks are coloured by how the mention resolved; a mention has no date (the map then has no
# date filter) and no event type (its legend no types).
COLOR_BY = "match"


def _located(mentions: Sequence[Mention]) -> list[Located]:
    rows = []
    for n, m in enumerate(mentions, start=1):
        if m.match is None:
            continue
        p = m.match.place
        status = "ambiguous" if m.match.ambiguous else "resolved"
        incident = Incident(row=n, date="", date_precision="", location=m.text,
                            description=f"characters {m.start}-{m.end}", notes=m.match.method,
                            extra=((COLOR_BY, status), ("kind", p.kind + (f" ({p.feature})" if p.feature else ""))))
        rows.append(Located(incident, p.lat, p.lon, p.id, p.name, m.match.method, m.match.score,
                            p.radius_km, geo_precision(p)))
    return rows


def _mark(m: Mention) -> _Piece:
    if m.match is None:
        return _Piece(m.text, "unresolved", "not resolved")
    p = m.match.place
    note = (f"{p.name} ({p.id}) {p.lat:.4f}, {p.lon:.4f} ±{p.radius_km:g} km, "
            f"score {m.match.score:.2f} {m.match.method}"
            + (", ambiguous" if m.match.ambiguous else ""))
    return _Piece(m.text, "ambiguous" if m.match.ambiguous else "resolved", note)


def _paragraphs(text: str, mentions: Sequence[Mention]) -> list[list[_Piece]]:
    """The text's lines that hold more than white space, each as plain runs and marks
    (a mention overlapping an earlier one is left unmarked)."""
    paragraphs: list[list[_Piece]] = [[]]
    last = 0

    def plain(run: str) -> None:
        first, *rest = run.split("\n")
        paragraphs[-1].append(_Piece(first))
        paragraphs.extend([_Piece(line)] for line in rest)

    for m in sorted(mentions, key=lambda m: m.start):
        if m.start < last:
            continue
        plain(text[last:m.start])
        paragraphs[-1].append(_mark(m))
        last = m.end
    plain(text[last:])
    return [p for p in paragraphs if "".join(piece.text for piece in p).strip()]


def write_geoparse_html(text: str, mentions: Sequence[Mention], path: Path, *, title: str) -> Path:
    """Write the text with mentions highlighted (right-to-left where Arabic) and their map,
    whole or not at all; raises WriteError naming `path` when it cannot be written."""
    located = _located(mentions)
    try:
        fragment = IncidentMap(located, title=f"Places in {title}", color_by=COLOR_BY,
                               height="100vh", self_contained=True).to_fragment()
    except AssetError:  # no cached assets and no registry: a map that loads them when online
        fragment = IncidentMap(located, title=f"Places in {title}", color_by=COLOR_BY,
                               height="100vh").to_fragment()
    page = pages.render("geoparse.html", title=title, paragraphs=_paragraphs(text, mentions),
                        fragment=fragment)
    return write_text(path, page)

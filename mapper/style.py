"""How incidents look: event type -> marker shape, actor/outcome/type -> colour.

One table serves the HTML map (its markers and legend) and the static maps (matplotlib
marker codes), so a drone is the same diamond on screen and on paper.

Colours come from the Okabe-Ito palette (Okabe & Ito 2008, "Color Universal Design"), which
stays distinguishable under the common forms of colour blindness; shapes carry the event type
so that nothing depends on colour alone.

>>> EVENT_STYLES["drone"].shape
'diamond'
>>> color_table("outcome", ["hit", "unknown"])["hit"]
'#D55E00'
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from operator import attrgetter

from .model import EVENT_TYPES, Located
from .vocabulary import EVENT_VOCABULARY

COLOR_BY = ("actor", "outcome", "event_type")   # with colours of their own; any other column
                                                # of the table is coloured as categories

# Okabe-Ito, black left out (it reads as "no data" next to grey) and yellow last (weak on white).
PALETTE = ("#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#F0E442")
OTHER_COLOR = "#999999"      # "other actors", "unknown", and anything past the palette
MAX_ACTOR_COLORS = len(PALETTE)
OTHER_ACTORS = "(other actors)"   # the one legend key of the actors past the palette
OTHERS = "(others)"               # the same for any other column coloured by
BLANK = "(blank)"                 # the key of an empty cell of a column coloured by

# Markers sized by fatalities (`size_by="fatalities"`): a side of SIZE_MIN_PX for none or
# unknown, growing with the square root of the count (so that the marker's area follows it)
# up to SIZE_MAX_PX at FATALITY_CAP deaths and more. The cap keeps one massacre from hiding
# its neighbours; the legend says where it lies.
SIZE_MIN_PX = 14
SIZE_MAX_PX = 40
FATALITY_CAP = 100


@dataclass(frozen=True, slots=True)
class MarkerStyle:
    """The look of one event type: an SVG shape for HTML, a matplotlib marker for print."""

    event_type: str
    label: str
    shape: str          # circle, square, diamond, triangle, triangle-down, star, hexagon, cross,
                        # octagon, triangle-left, triangle-right, pentagon
    mpl_marker: str     # the same shape as a matplotlib marker code
    color: str          # its colour when colouring by event type


_OWN_STYLES = (
    MarkerStyle("airstrike", "Air strike", "triangle-down", "v", "#0072B2"),
    MarkerStyle("drone", "Drone", "diamond", "D", "#E69F00"),
    MarkerStyle("rocket", "Rocket", "triangle", "^", "#D55E00"),
    MarkerStyle("missile", "Missile", "star", "*", "#CC79A7"),
    MarkerStyle("artillery", "Artillery", "square", "s", "#009E73"),
    MarkerStyle("ied", "IED", "hexagon", "h", "#56B4E9"),
    MarkerStyle("clash", "Clash", "cross", "X", "#F0E442"),
    # The classes of ACLED and UCDP beyond strikes; colours from Paul Tol's muted scheme,
    # past the eight of Okabe-Ito.
    MarkerStyle("chemical", "Chemical attack", "octagon", "8", "#999933"),
    MarkerStyle("civilians", "Violence against civilians", "triangle-left", "<", "#882255"),
    MarkerStyle("demonstration", "Demonstration", "pentagon", "p", "#AA4499"),
    MarkerStyle("strategic", "Strategic development", "triangle-right", ">", "#332288"),
    MarkerStyle("other", "Other", "circle", "o", OTHER_COLOR),
)
# A type added to the vocabulary without a style of its own still gets a marker of its own:
# a circle in one of the muted scheme's colours left over (so adding a type is one row there).
_SPARE_COLORS = ("#44AA99", "#117733", "#DDCC77", "#88CCEE", "#CC6677", "#AA4466")


def _event_styles() -> dict[str, MarkerStyle]:
    own = {s.event_type: s for s in _OWN_STYLES}
    if not own.keys() <= set(EVENT_TYPES):
        raise RuntimeError(f"mapper.style styles unknown event types: {sorted(own.keys() - set(EVENT_TYPES))}")
    spare = iter(_SPARE_COLORS * len(EVENT_TYPES))
    phrases = {e.name: e.phrase for e in EVENT_VOCABULARY}
    return {t: own.get(t) or MarkerStyle(t, phrases.get(t, t), "circle", "o", next(spare))
            for t in EVENT_TYPES}


EVENT_STYLES: dict[str, MarkerStyle] = _event_styles()  # in the order of EVENT_TYPES

OUTCOME_COLORS = {"hit": "#D55E00", "intercepted": "#0072B2", "unknown": OTHER_COLOR}
OUTCOME_LABELS = {"hit": "Hit", "intercepted": "Intercepted", "unknown": "Unknown outcome"}

# SVG path data in a 20x20 box, shared by the markers and the legend.
SHAPE_PATHS = {
    "circle": "M10 2.5a7.5 7.5 0 1 0 0.001 0z",
    "square": "M3.5 3.5h13v13h-13z",
    "diamond": "M10 1.5l8.5 8.5-8.5 8.5-8.5-8.5z",
    "triangle": "M10 2l8.5 15h-17z",
    "triangle-down": "M1.5 3h17l-8.5 15z",
    "star": "M10 1.5l2.5 5.6 6.1.6-4.6 4.1 1.3 6-5.3-3.1-5.3 3.1 1.3-6-4.6-4.1 6.1-.6z",
    "hexagon": "M10 1.5l7.4 4.25v8.5L10 18.5l-7.4-4.25v-8.5z",
    "cross": "M7 2h6v5h5v6h-5v5H7v-5H2V7h5z",
    "octagon": "M6.7 2h6.6l4.7 4.7v6.6L13.3 18H6.7L2 13.3V6.7z",
    "triangle-left": "M2 10l15-8.5v17z",
    "triangle-right": "M18 10L3 1.5v17z",
    "pentagon": "M10 1.5l8.1 5.9-3.1 9.6H5l-3.1-9.6z",
}


def event_style(event_type: str) -> MarkerStyle:
    """The style of an event type; unknown types are drawn as "other"."""
    return EVENT_STYLES.get(event_type, EVENT_STYLES["other"])


def actor_key(actor: str) -> str:
    """The legend key of an actor: its name, or "unknown" when blank."""
    return actor.strip() or "unknown"


def color_table(color_by: str, values: Iterable[str]) -> dict[str, str]:
    """Map each colour key to a colour, in legend order.

    `values` are the raw keys of the incidents (actor names, outcomes or event types). For
    actors the most frequent ones get the palette and the rest share grey under
    OTHER_ACTORS (see `legend_key`).
    Any other `color_by` (a column of the table) is coloured as the actors are, with
    OTHERS for the values past the palette and BLANK for empty cells.
    """
    if color_by == "event_type":
        seen = set(values)
        return {t: s.color for t, s in EVENT_STYLES.items() if t in seen}
    if color_by == "outcome":
        seen = set(values)
        table = {o: c for o, c in OUTCOME_COLORS.items() if o in seen}
        table.update((o, OTHER_COLOR) for o in sorted(seen - set(table)))
        return table
    # actors, and any other column: the most frequent values get the palette, the rest
    # share grey under one "others" key, and a blank cell is grey too
    blank = "unknown" if color_by == "actor" else BLANK
    counts = Counter(values)
    known = sorted((k for k in counts if k != blank), key=lambda k: (-counts[k], k))
    table = dict(zip(known[:MAX_ACTOR_COLORS], PALETTE))
    if len(known) > MAX_ACTOR_COLORS:
        table[other_key(color_by)] = OTHER_COLOR
    if blank in counts:
        table[blank] = OTHER_COLOR
    return table


def other_key(color_by: str) -> str:
    """The one legend key of the values past the palette."""
    return OTHER_ACTORS if color_by == "actor" else OTHERS


def color_key(color_by: str, actor: str, outcome: str, event_type: str) -> str:
    """The key an incident is coloured by under `color_by`."""
    if color_by == "actor":
        return actor_key(actor)
    if color_by == "outcome":
        return outcome or "unknown"
    return event_type if event_type in EVENT_STYLES else "other"


def legend_key(table: dict[str, str], key: str, color_by: str = "actor") -> str:
    """The legend entry a colour key falls under: itself, or the "others" key past the palette."""
    return key if key in table else other_key(color_by)


def color_label(color_by: str, key: str) -> str:
    """The legend label of a colour key."""
    if color_by == "outcome":
        return OUTCOME_LABELS.get(key, key)
    if color_by == "event_type":
        return event_style(key).label
    if color_by == "actor":
        return "Unknown actor" if key == "unknown" else key
    return key


# --- any column --------------------------------------------------------------------------------

def _number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:g}" if isinstance(value, float) else str(value)


# The columns a map can be coloured by besides the extra ones: name -> the cell of a row.
# "admin1" and "admin2" are where the point lies (from the boundaries), as on the popups.
def _incident_field(name: str) -> Callable[[Located], str]:
    get = attrgetter(f"incident.{name}")
    return lambda r: get(r)


COLUMNS: dict[str, Callable[[Located], str]] = {
    **{name: _incident_field(name) for name in (
        "id", "date", "date_precision", "time", "location", "event_type", "actor", "target",
        "outcome", "country", "description", "source", "source_url", "notes")},
    "fatalities": lambda r: _number(r.incident.fatalities),
    "injuries": lambda r: _number(r.incident.injuries),
    "place_id": lambda r: r.place_id, "place_name": lambda r: r.place_name,
    "method": lambda r: r.method, "precision": lambda r: str(r.precision),
    "admin1": lambda r: r.admin1_name or r.admin1, "admin1_code": lambda r: r.admin1,
    "admin2": lambda r: r.admin2_name,
}


def column_names(located: Iterable[Located]) -> list[str]:
    """The columns a map of `located` can be coloured by: the named ones, then the extra
    columns of the table in the order they first appear."""
    names = list(COLUMNS)
    seen = set(names)
    for r in located:
        for name, _ in r.incident.extra:
            if name not in seen:
                seen.add(name)
                names.append(name)
    return names


def check_color_by(located: Sequence[Located], color_by: str) -> str:
    """`color_by` as the column it names (case as in the table); ValueError listing the
    columns when the table has no such column."""
    if color_by in COLUMNS:
        return color_by
    names = column_names(located)
    for name in names:
        if name == color_by or name.casefold() == color_by.casefold():
            return name
    raise ValueError(f"color_by: no column {color_by!r}; the table has {', '.join(names)}")


def color_keys(located: Sequence[Located], color_by: str) -> list[str]:
    """Each row's colour key under `color_by` (a name of COLOR_BY or any column)."""
    if color_by in COLOR_BY:
        return [color_key(color_by, r.incident.actor, r.incident.outcome, r.incident.event_type)
                for r in located]
    read = COLUMNS.get(color_by)
    if read is not None:
        return [read(r).strip() or BLANK for r in located]
    return [dict(r.incident.extra).get(color_by, "").strip() or BLANK for r in located]


def marker_size(fatalities: int | None) -> float:
    """The side in pixels of a marker sized by fatalities (see SIZE_MIN_PX)."""
    share = min(max(fatalities or 0, 0), FATALITY_CAP) / FATALITY_CAP
    return SIZE_MIN_PX + (SIZE_MAX_PX - SIZE_MIN_PX) * share ** 0.5

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
from collections.abc import Iterable
from dataclasses import dataclass

from .model import EVENT_TYPES

COLOR_BY = ("actor", "outcome", "event_type")

# Okabe-Ito, black left out (it reads as "no data" next to grey) and yellow last (weak on white).
PALETTE = ("#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#F0E442")
OTHER_COLOR = "#999999"      # "other actors", "unknown", and anything past the palette
MAX_ACTOR_COLORS = len(PALETTE)
OTHER_ACTORS = "(other actors)"   # the one legend key of the actors past the palette


@dataclass(frozen=True, slots=True)
class MarkerStyle:
    """The look of one event type: an SVG shape for HTML, a matplotlib marker for print."""

    event_type: str
    label: str
    shape: str          # circle, square, diamond, triangle, triangle-down, star, hexagon, cross,
                        # octagon, triangle-left, triangle-right, pentagon
    mpl_marker: str     # the same shape as a matplotlib marker code
    color: str          # its colour when colouring by event type


EVENT_STYLES: dict[str, MarkerStyle] = {
    s.event_type: s
    for s in (
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
}
if tuple(EVENT_STYLES) != EVENT_TYPES:  # the two tables must list the same types, in order
    raise RuntimeError("mapper.style.EVENT_STYLES is out of step with mapper.model.EVENT_TYPES")

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
    Raises ValueError naming the valid choices for an unknown `color_by`.
    """
    if color_by == "event_type":
        seen = set(values)
        return {t: s.color for t, s in EVENT_STYLES.items() if t in seen}
    if color_by == "outcome":
        seen = set(values)
        table = {o: c for o, c in OUTCOME_COLORS.items() if o in seen}
        table.update((o, OTHER_COLOR) for o in sorted(seen - set(table)))
        return table
    if color_by == "actor":
        counts = Counter(values)
        known = [a for a, _ in counts.most_common() if a != "unknown"]
        table = dict(zip(known[:MAX_ACTOR_COLORS], PALETTE))
        if len(known) > MAX_ACTOR_COLORS:
            table[OTHER_ACTORS] = OTHER_COLOR
        if "unknown" in counts:
            table["unknown"] = OTHER_COLOR
        return table
    raise ValueError(f"color_by must be one of {', '.join(COLOR_BY)}, not {color_by!r}")


def color_key(color_by: str, actor: str, outcome: str, event_type: str) -> str:
    """The key an incident is coloured by under `color_by`."""
    if color_by == "actor":
        return actor_key(actor)
    if color_by == "outcome":
        return outcome or "unknown"
    return event_type if event_type in EVENT_STYLES else "other"


def legend_key(table: dict[str, str], key: str) -> str:
    """The legend entry a colour key falls under: itself, or OTHER_ACTORS past the palette."""
    return key if key in table else OTHER_ACTORS


def color_label(color_by: str, key: str) -> str:
    """The legend label of a colour key."""
    if color_by == "outcome":
        return OUTCOME_LABELS.get(key, key)
    if color_by == "event_type":
        return event_style(key).label
    return "Unknown actor" if key == "unknown" else key

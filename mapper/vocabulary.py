"""Event words: the one table of event types and outcomes, and the words that signal them.

Two readers use it, and both read only this table: the column normaliser of incident tables
(`incidents.normalize_event_type`: a cell such as "Drone strike", "غارة جوية") and the text
extractor (`extract.find_events`: the attack words of an article). A phrase gets the same type
in a cell and in a sentence because the same patterns match it, on the same folding of the
text (`gazetteer.fold.fold_with_offsets`).

Adding an event type is one row of EVENT_VOCABULARY, plus its marker in mapper/style.py.

The rows also hold the categories of the datasets analysts export (ACLED's sub_event_type and
event_type, UCDP GED's type of violence), so that an ACLED export's "Air/drone strike" is an
airstrike and its "Peaceful protest" a demonstration, never "other". Those names count only in
a table read with that dataset's column profile (mapper/profiles.py): "Attack" or "Other" in
any other table says nothing. Four rows (demonstration, civilians, strategic, chemical) have
no words at all: they are the classes of those datasets, which a text is never read for.

>>> [w.event_type for w in find_events("سقوط أربعة صواريخ وتحليق طائرات مسيّرة")]
['rocket']
>>> event_type_of("Drone strike"), event_type_of("قصف مدفعي"), event_type_of("sniper fire")
('drone', 'artillery', 'other')
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gazetteer.fold import FoldedText, fold_pattern, fold_with_offsets

from .prefilter import Gated, Prefilter

__all__ = ["ARABIC_START", "DATASETS", "EVENT_TYPES", "EVENT_VOCABULARY", "OTHER",
           "OUTCOME_VOCABULARY", "WORD_END", "EventType", "EventWord", "OutcomeWords",
           "compile_folded", "dataset_type", "event_phrase", "event_type_of", "events_of",
           "find_events", "outcome_of"]

# An Arabic word may carry و ف ب ل ك and the article: "والصواريخ", "بطائرة", "للتحالف".
ARABIC_START = r"(?<!\w)[وفبلك]{0,2}(?:ال|ل)?"
WORD_END = r"(?!\w)"
# How far before and after a word its blockers look, in folded characters.
_BLOCKER_REACH = 30


def compile_folded(*patterns: str, flags: int = 0) -> re.Pattern[str]:
    """One regex, over the `folded` text of `fold_with_offsets`, from patterns written as
    printed (their Arabic letters are folded the same way as the text's)."""
    return re.compile("|".join(f"(?:{fold_pattern(p)})" for p in patterns), flags)


@dataclass(frozen=True, slots=True)
class EventType:
    """One event type and the words that signal it, in a table cell or in a sentence.

    `arabic` patterns match whole words, which may carry a clitic and the article ("بطائرة
    مسيّرة", "والصواريخ"); `english` patterns match whole words. A word is not an attack when a
    `not_before` pattern matches the text just before it (anchor it with "$") or a `not_after`
    pattern the text just after it (anchor it with "^"): "سرية المدفعية" is an artillery unit,
    "drones flying over" no strike. Every pattern is a regular expression over folded text
    (lower case, one alef, ta marbuta as ha), written as printed.

    `acled` and `ucdp` are that dataset's own names of events of this type, matched whole (in
    any case) in a table read with the dataset's profile only.
    """

    name: str                  # the value of the event_type column
    phrase: str                # how a draft's one-line description names it: "Drone attack at ..."
    weapon: bool               # names the weapon, not the manner: in a cell that names both
                               # ("غارة بطائرة مسيرة", "Rockets/Mortars") the weapon is the type
    arabic: tuple[str, ...]
    english: tuple[str, ...]
    not_before: tuple[str, ...] = ()
    not_after: tuple[str, ...] = ()
    acled: tuple[str, ...] = ()   # ACLED sub_event_type and event_type names
    ucdp: tuple[str, ...] = ()    # UCDP GED type_of_violence names (see profiles.UCDP_GED)


OTHER = "other"
_OTHER_PHRASE = "Attack"

# The order of the rows is the order of EVENT_TYPES (legends list types in it); where two words
# of one text overlap, the longer wins, and at equal length the earlier row.
EVENT_VOCABULARY: tuple[EventType, ...] = (
    EventType(
        "airstrike", "Air strike", weapon=False,
        arabic=(
            r"غار(?:ة|ات|تين|تان)(?: (?:ال)?جوي(?:ة)?)?",
            r"(?:ضرب(?:ة|ات|تين|تان)|قصف|هجوم|هجمات) (?:ال)?جوي(?:ة)?",
            r"طائر(?:ة|ات) (?:ال)?حربي(?:ة)?",
            r"طيران(?: (?:ال)?حربي)?",
            r"عدوان(?:ا)? (?:ال)?جوي(?:ا|ة)?",
        ),
        english=(
            r"air[ -]?strikes?", r"air[ -]?raids?", r"air(?: ?/ ?| )drone strikes?",
            r"aerial (?:bombardments?|attacks?|strikes?|raids?|bombing)",
            r"warplanes?", r"fighter[ -]jets?", r"jets", r"bombing raids?",
            r"(?:israeli|u\.?s\.?|american|turkish|russian|coalition) (?:air )?strikes?",
        ),
        # the airline business; helicopters on patrol, civil aviation, reconnaissance flights
        not_before=(r"(?:حركة|شركة|شركات|خطوط)\s+$", r"تحليق\s+(?:\S+\s+)?$"),
        not_after=(r"^\s+(?:ال)?(?:مروحي|مدني|استطلاع)",),
        acled=("Air/drone strike",),
    ),
    EventType(
        "drone", "Drone attack", weapon=True,
        arabic=(
            r"طائر(?:ة|ات|تين|تان) (?:(?:ال)?مسير(?:ة|ات)|بدون طيار|بلا طيار|من دون طيار"
            r"|(?:ال)?انتحاري(?:ة|ات)?)",
            r"طيران (?:ال)?مسير",
            r"مسير(?:ة|ات|تين|تان)",
            r"درون(?:ز)?",
        ),
        english=(r"(?:kamikaze |suicide |one-way attack |armed )?(?:drones?|uavs?|unmanned aerial vehicles?)",),
        # a drone flying over; a protest march (مسيرة)
        not_before=(r"تحليق\s+$", r"(?:flying|flew|hovering|seen|spotted)\s+$"),
        not_after=(r"^\s+(?:احتجاجي|شعبي|سلمي|حاشد)", r"^\s+(?:over|above|overhead|flying|flew|hovering)\b"),
    ),
    EventType(
        "rocket", "Rocket attack", weapon=True,
        arabic=(
            r"رشق(?:ة|ات) صاروخي(?:ة)?",
            r"(?:صواريخ|صاروخ|صاروخا|صاروخين|صاروخان|صاروخي|صاروخية|كاتيوشا)",
        ),
        english=(r"rocket salvos?", r"rockets?", r"rocketed", r"katyushas?", r"grads?"),
    ),
    EventType(
        "missile", "Missile strike", weapon=True,
        arabic=(
            r"(?:صاروخ|صاروخا|صاروخين|صاروخان|صواريخ) (?:ال)?(?:(?:باليستي|بالستي|موجه)(?:ة)?|كروز)",
            r"(?:باليستي|بالستي)(?:ة)?",
            # Israel strikes Syria with air-launched missiles, never rockets
            r"(?:صاروخ|صواريخ|صاروخين) (?:ال)?(?:إسرائيلي|إسرائيلية)",
        ),
        english=(r"(?:ballistic |cruise |guided |anti-tank )?missiles?",),
    ),
    EventType(
        "artillery", "Shelling", weapon=False,
        arabic=(
            r"قصف مدفعي",
            r"مدفعي(?:ة)?",
            r"(?:مدفع|مدافع)",
            r"(?:قذائف|قذيفة|قذيفتين|قذيفتان|هاون)",
        ),
        english=(r"shelling", r"shelled", r"shells?", r"artillery", r"mortars?", r"mortar rounds",
                 r"howitzers?"),
        # an artillery unit or school; a machine gun (مدفع رشاش); Shell, the oil company
        not_before=(r"(?:سري|كتيب|فوج|لواء|سلاح)\S*\s+$", r"royal dutch\s+$"),
        not_after=(r"^\s+(?:battalion|company|regiment|unit|brigade|school|base)",
                   r"^\s+رشاش", r"^'s\b", r"^[\s-]+(?:oil|company|petroleum|plc|operated)\b"),
        acled=("Shelling/artillery/missile attack",),
    ),
    EventType(
        "ied", "IED blast", weapon=True,
        arabic=(
            r"عبو(?:ة|ات|تين|تان)(?: ناسف(?:ة|ات|تين|تان)?)?",
            r"(?:لغم|ألغام)",
            r"(?:سيار(?:ة|ات) )?مفخخ(?:ة|ات)?",
        ),
        english=(r"(?:vb|pb)?ieds?", r"roadside bomb(?:s|ings?)?", r"car bomb(?:s|ings?)?",
                 r"(?:improvised )?explosive devices?", r"explosives", r"(?:land)?mines?"),
        # what a drone is laden with ("طائرة مسيّرة مفخخة" is a drone); a phosphate mine
        not_before=(r"(?:laden|packed|loaded|rigged|filled|stuffed) with\s+(?:\S+\s+)?$",
                    r"(?:phosphate|coal|salt|gold|gypsum|copper)\s+$",
                    r"(?:مسير(?:ة|ات)|طائر(?:ة|ات)(?: مسير(?:ة|ات))?)\s+$"),
        not_after=(r"^-?\s*(?:laden|packed|filled|rigged|loaded)\b",),
        # explosives neither fired nor dropped: ACLED's bombs and grenades are here too
        acled=("Remote explosive/landmine/IED", "Suicide bomb", "Grenade"),
    ),
    EventType(
        "clash", "Clashes", weapon=False,
        arabic=(r"اشتباك(?:ات)?", r"رشاش(?:ات)? (?:ال)?(?:ثقيل|ثقيلة|متوسطة)"),
        english=(r"clash(?:es|ed)?", r"firefights?", r"gunfights?", r"gunfire", r"battles?",
                 r"ground attacks?", r"(?:heavy )?machine[- ]gun fire", r"heavy machine[- ]guns?"),
        acled=("Armed clash", "Government regains territory", "Non-state actor overtakes territory",
               "Battles"),
        ucdp=("State-based conflict", "Non-state conflict"),
    ),
    # The classes of ACLED and UCDP that are no strike: named by those datasets, never read
    # from a text (no words), so that the extractor keeps drafting strikes only.
    EventType(
        "chemical", "Chemical attack", weapon=True, arabic=(), english=(),
        acled=("Chemical weapon",),
    ),
    EventType(
        "civilians", "Violence against civilians", weapon=False, arabic=(), english=(),
        acled=("Attack", "Abduction/forced disappearance", "Sexual violence",
               "Violence against civilians"),
        ucdp=("One-sided violence",),
    ),
    EventType(
        "demonstration", "Demonstration", weapon=False, arabic=(), english=(),
        acled=("Peaceful protest", "Protest with intervention", "Excessive force against protesters",
               "Excessive force against protestors", "Violent demonstration", "Mob violence",
               "Protests", "Riots"),
    ),
    EventType(
        "strategic", "Strategic development", weapon=False, arabic=(), english=(),
        acled=("Agreement", "Arrests", "Change to group/activity", "Disrupted weapons use",
               "Headquarters or base established", "Looting/property destruction",
               "Non-violent transfer of territory", "Other", "Strategic developments"),
    ),
)

EVENT_TYPES: tuple[str, ...] = tuple(e.name for e in EVENT_VOCABULARY) + (OTHER,)
if len(set(EVENT_TYPES)) != len(EVENT_TYPES):
    raise RuntimeError(f"mapper.vocabulary: an event type has two rows: {EVENT_TYPES}")

DATASETS = ("acled", "ucdp")   # the datasets whose categories the rows list


def _categories(dataset: str) -> dict[str, str]:
    """A dataset's category names (case-folded, spaces single) -> event type."""
    table: dict[str, str] = {}
    for row in EVENT_VOCABULARY:
        for name in getattr(row, dataset):
            key = _category_key(name)
            if table.setdefault(key, row.name) != row.name:
                raise RuntimeError(f"mapper.vocabulary: {dataset} category {name!r} has two rows")
    return table


def _category_key(name: str) -> str:
    return " ".join(name.casefold().split())


_CATEGORIES = {dataset: _categories(dataset) for dataset in DATASETS}
_NAMES = {name: name for name in EVENT_TYPES}


@dataclass(frozen=True, slots=True)
class OutcomeWords:
    """Words that say how a strike ended, in a table cell or in a sentence.

    `in_prose` False: the words say so only as a cell's label. In an article "إصابة" is a
    wound, "damage" is as often denied as reported, and "unclear" seldom qualifies the hit.
    """

    outcome: str               # one of model.OUTCOMES
    arabic: tuple[str, ...]
    english: tuple[str, ...]
    in_prose: bool = True


# In this order: an interception outweighs a hit ("intercepted a drone that tried to hit it"),
# and in a cell a hedge outweighs a hit too ("unconfirmed hit").
OUTCOME_VOCABULARY: tuple[OutcomeWords, ...] = (
    OutcomeWords(
        "intercepted",
        arabic=(r"(?:اعترض|أسقط|تصد[تى]|تصدي|إسقاط|اعتراض)\w*",),
        english=(r"intercept\w*", r"shot down", r"shooting down", r"downed", r"repelled", r"foiled",
                 r"thwarted"),
    ),
    OutcomeWords("unknown", arabic=(r"غير معروف(?:ة)?",), english=(r"unknown", r"unclear", r"unconfirmed"),
                 in_prose=False),
    OutcomeWords(
        "hit",
        arabic=(r"أصاب(?:ت|ها|تها)?", r"إصاب(?:ة|ات) مباشر(?:ة)?", r"أصابت أهدافها"),
        english=(r"hits?", r"struck", r"slammed into", r"landed inside", r"damaged", r"destroyed"),
    ),
    OutcomeWords("hit", arabic=(r"إصابة",), english=(r"impacts?", r"damages?", r"success\w*"),
                 in_prose=False),
)


def _arabic_word(*patterns: str) -> str:
    return f"{ARABIC_START}(?:{'|'.join(patterns)}){WORD_END}"


def _english_word(*patterns: str) -> str:
    return rf"\b(?:{'|'.join(patterns)})\b"


def _word_patterns(arabic: tuple[str, ...], english: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(_arabic_word(p) for p in arabic) + tuple(_english_word(p) for p in english)


@dataclass(frozen=True, slots=True)
class _Rule:
    """A row of EVENT_VOCABULARY compiled: a regex per word, so that overlapping words are all
    found and the longest kept, and per script one regex of them all, to skip the row at
    once where none of its words is."""

    event_type: str
    rank: int
    weapon: bool
    words: tuple[tuple[Gated, tuple[Gated, ...]], ...]   # (any, each)
    not_before: re.Pattern[str] | None
    not_after: re.Pattern[str] | None


# A text holds few of the words of the table: each word's pattern runs only on a text that holds
# what it needs (mapper.prefilter).
_PREFILTER = Prefilter()


def _rule(rank: int, row: EventType) -> _Rule:
    def gated(pattern: str) -> Gated:
        return _PREFILTER.add(compile_folded(pattern))

    words = tuple((gated(word(*patterns)), tuple(gated(word(p)) for p in patterns))
                  for word, patterns in ((_arabic_word, row.arabic), (_english_word, row.english))
                  if patterns)
    return _Rule(row.name, rank, row.weapon, words,
                 compile_folded(*row.not_before) if row.not_before else None,
                 compile_folded(*row.not_after) if row.not_after else None)


_RULES = tuple(_rule(rank, row) for rank, row in enumerate(EVENT_VOCABULARY))
_WEAPONS = frozenset(row.name for row in EVENT_VOCABULARY if row.weapon)
_PHRASES = {row.name: row.phrase for row in EVENT_VOCABULARY}
_OUTCOME_RULES = tuple((row.outcome, row.in_prose, _PREFILTER.add(compile_folded(*_word_patterns(row.arabic, row.english))))
                       for row in OUTCOME_VOCABULARY)


@dataclass(frozen=True, slots=True)
class EventWord:
    """An attack word of a text ("صواريخ", "drone") and the event type it signals; `start`,
    `end` are its offsets in the text."""

    start: int
    end: int
    text: str
    event_type: str


def find_events(text: str) -> list[EventWord]:
    """The attack words of a text, in order; the longest where they overlap.

    >>> [(w.text, w.event_type) for w in find_events("Turkish drones struck a car")]
    [('drones', 'drone')]
    """
    return events_of(fold_with_offsets(text))


def events_of(view: FoldedText) -> list[EventWord]:
    """`find_events` of a text already folded (the extractor folds an article once)."""
    folded = view.folded
    found, blocked = [], []
    for rule in _RULES:
        patterns = [p for any_word, each in rule.words if any_word.search(folded) for p in each]
        for pattern in patterns:
            for m in pattern.finditer(folded):
                before = folded[max(0, m.start() - _BLOCKER_REACH):m.start()]
                after = folded[m.end():m.end() + _BLOCKER_REACH]
                if (rule.not_before is not None and rule.not_before.search(before)
                        or rule.not_after is not None and rule.not_after.search(after)):
                    blocked.append((m.start(), m.end()))   # and the shorter words inside it
                    continue
                found.append((m.start(), -(m.end() - m.start()), rule.rank, m.end(), rule.event_type))
    found = sorted(f for f in found if not any(a <= f[0] and f[3] <= b for a, b in blocked))
    words, taken = [], -1
    for start, _, _, end, event_type in found:
        if start < taken:
            continue
        a, b = view.span(start, end)
        words.append(EventWord(a, b, view.text[a:b], event_type))
        taken = end
    return words


def dataset_type(name: str, dataset: str) -> str | None:
    """The event type of a dataset's category name ("Air/drone strike" of "acled"), or None.

    >>> dataset_type("Peaceful protest", "acled"), dataset_type("Attack", "ucdp")
    ('demonstration', None)
    """
    if dataset not in _CATEGORIES:
        raise ValueError(f"dataset must be one of {', '.join(DATASETS)}, not {dataset!r}")
    return _CATEGORIES[dataset].get(_category_key(name))


def event_type_of(cell: str, dataset: str | None = None) -> str:
    """The event type a table cell names ("Air strike", "UAV", "غارة جوية"), else OTHER.

    With a `dataset` ("acled", "ucdp"), a category name of that dataset is its row's type; a
    cell that is a type's own name ("strategic", as this tool writes it) is that type. Else the
    cell is read as text is (`find_events`); when it names both a weapon and a manner
    ("غارة بطائرة مسيرة", "Rockets/Mortars"), the first weapon it names is the type.
    """
    if dataset is not None:   # first: ACLED's "Other" is a strategic development
        found = dataset_type(cell, dataset)
        if found is not None:
            return found
    named = _NAMES.get(cell.strip().casefold())
    if named is not None:
        return named
    words = find_events(cell.replace("_", " "))   # "air_strike", as some exports write it
    if not words:
        return OTHER
    weapons = [w for w in words if w.event_type in _WEAPONS]
    return (weapons or words)[0].event_type


def event_phrase(event_type: str) -> str:
    """How a one-line description names an event of this type ("Drone attack")."""
    return _PHRASES.get(event_type, _OTHER_PHRASE)


def outcome_of(text: str, *, cell: bool = False) -> str:
    """intercepted, hit or unknown, from the wording of a sentence or, with `cell`, of a table
    cell (where the words that are labels only count too).

    >>> outcome_of("air defences intercepted a drone that tried to hit it")
    'intercepted'
    >>> outcome_of("unconfirmed hit", cell=True), outcome_of("إصابة", cell=True), outcome_of("إصابة")
    ('unknown', 'hit', 'unknown')
    """
    folded = fold_with_offsets(text).folded
    for outcome, in_prose, pattern in _OUTCOME_RULES:
        if (in_prose or cell) and pattern.search(folded):
            return outcome
    return "unknown"

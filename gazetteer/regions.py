"""Region expressions: "ريف حلب الشمالي", "northern Aleppo countryside", "eastern Deir ez-Zor",
"بادية حمص", "the Homs desert", "الريف الغربي لحماة", "Rif Idlib".

Such a phrase names no place of the index: it names a part of an area. `parse_region` reads
it into what it asks for (the countryside, the desert, or the area itself), a compass
direction, and the words that name the area; the Gazetteer finds the area and `Areas` draws the
part. A phrase with neither a countryside or desert word nor a direction is not a region
expression.

>>> parse_region("ريف حلب الشمالي")
RegionQuery(part='countryside', direction='north', name='حلب')
>>> parse_region("the northern Aleppo countryside")
RegionQuery(part='countryside', direction='north', name='aleppo')
>>> parse_region("شرق دير الزور")
RegionQuery(part='', direction='east', name='دير الزور')
>>> parse_region("Shaddadi") is None
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .fold import ARABIC_CLITICS, ARABIC_LETTERS, normalize

COUNTRYSIDE = "countryside"
DESERT = "desert"

# Words (normalized, Arabic letter variants folded) that ask for a part of an area.
PART_WORDS = {
    **dict.fromkeys(("ريف", "الريف", "countryside", "rural", "rif", "reef", "rif of", "suburbs",
                     "outskirts", "اطراف", "ارياف"), COUNTRYSIDE),
    **dict.fromkeys(("بادية", "باديه", "البادية", "الباديه", "desert", "badia", "badiya",
                     "badiyat", "steppe"), DESERT),
}

_COMPASS = ("north", "south", "east", "west")
# One word, or the first of two ("north east", "شمال شرق", "الشمالي الشرقي"): a compass point.
DIRECTION_WORDS: dict[str, str] = {
    **{w: d for d in _COMPASS for w in (d, f"{d}ern")},
    **{w: f"{a}{b}" for a in ("north", "south") for b in ("east", "west")
       for w in (f"{a}{b}", f"{a}{b}ern", f"{a}-{b}", f"{a}-{b}ern")},
    "central": "central", "middle": "central",
    **dict.fromkeys(("شمال", "شمالي", "الشمالي", "شماليه", "الشماليه"), "north"),
    **dict.fromkeys(("جنوب", "جنوبي", "الجنوبي", "جنوبيه", "الجنوبيه"), "south"),
    **dict.fromkeys(("شرق", "شرقي", "الشرقي", "شرقيه", "الشرقيه"), "east"),
    **dict.fromkeys(("غرب", "غربي", "الغربي", "غربيه", "الغربيه"), "west"),
    **dict.fromkeys(("وسط", "الاوسط", "اوسط", "الوسطي", "وسطي"), "central"),
}
# Words that only join the parts: "the countryside of X", "الريف الغربي لـ X", "X's".
_POSSESSIVE = re.compile(r"(?<=\w)['’]s\b")
_FILLERS = frozenset({"the", "of", "s", "in", "لـ", "ل", "محافظه", "province", "governorate",
                      "مدينه", "city", "area", "region", "منطقه"})


@dataclass(frozen=True, slots=True)
class RegionQuery:
    """What a region expression asks for: `part` ("countryside", "desert" or "" for the area
    itself), a compass `direction` ("north", "northeast", ..., "central", or ""), and the
    `name` of the area as written (normalized)."""

    part: str
    direction: str
    name: str


def parse_region(text: str) -> RegionQuery | None:
    """The region a phrase asks for, or None when it is not a region expression."""
    text = _POSSESSIVE.sub("", text)  # "Hasakah's southern countryside"
    words = [_without_clitic(w) for w in normalize(text).translate(ARABIC_LETTERS).split()]
    part = direction = ""
    name: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        pair = f"{word} {words[i + 1]}" if i + 1 < len(words) else ""
        if pair and pair in PART_WORDS and not part:
            part, i = PART_WORDS[pair], i + 2
        elif word in PART_WORDS and not part:
            part, i = PART_WORDS[word], i + 1
        elif word in DIRECTION_WORDS and not direction and _joins_name(name, words, i):
            direction, i = _direction_at(words, i)
        elif word in _FILLERS and (not name or i == len(words) - 1):
            i += 1
        else:
            name.append(_without_of(word, part or direction, name))
            i += 1
    if not name or not (part or direction):
        return None
    return RegionQuery(part, direction, " ".join(name))


def _without_clitic(word: str) -> str:
    """"بريف" is "in the countryside of": the clitic goes when the rest is a part word."""
    for clitic in ARABIC_CLITICS:
        if word.startswith(clitic) and word[len(clitic):] in PART_WORDS:
            return word[len(clitic):]
    return word


def _joins_name(name: list[str], words: list[str], i: int) -> bool:
    """A direction word qualifies the area only before or right after the name, not inside it
    ("North Rumaila" leads, "Ras al-Ain al-Shamali" is a name: only a trailing one counts)."""
    return not name or all(w in DIRECTION_WORDS or w in PART_WORDS for w in words[i:])


def _direction_at(words: list[str], i: int) -> tuple[str, int]:
    first = DIRECTION_WORDS[words[i]]
    if i + 1 < len(words) and first in ("north", "south"):
        second = DIRECTION_WORDS.get(words[i + 1], "")
        if second in ("east", "west"):
            return first + second, i + 2
    return first, i + 1


def _without_of(word: str, after_part: str, name: list[str]) -> str:
    """"لحلب" after "الريف الغربي" is "of Aleppo": the ل is a preposition, not a letter."""
    if after_part and not name and word.startswith("ل") and len(word) > 3 and "\u0600" <= word[0] <= "\u06ff":
        return word[1:] if not word.startswith("لل") else "ال" + word[2:]
    return word


# Words of a border phrase: "the Syrian-Iraqi border", "الحدود السورية العراقية", "Iraq–Syria frontier".
_BORDER_WORDS = frozenset({"border", "borders", "frontier", "boundary", "حدود", "الحدود", "الحدوديه",
                           "الشريط", "الحدودي", "شريط"})
_COUNTRY_WORDS = {
    **dict.fromkeys(("syria", "syrian", "سوريا", "سوريه", "السوريه", "سوري"), "SY"),
    **dict.fromkeys(("iraq", "iraqi", "العراق", "العراقيه", "عراقي", "عراق"), "IQ"),
}


def parse_border(text: str) -> str | None:
    """The code of the border a phrase names ("SY-IQ"), or None.

    >>> parse_border("the Syrian-Iraqi border"), parse_border("الحدود العراقية السورية")
    ('SY-IQ', 'SY-IQ')
    """
    words = normalize(text).translate(ARABIC_LETTERS).split()
    if not _BORDER_WORDS & set(words):
        return None
    countries = {_COUNTRY_WORDS[w] for w in words if w in _COUNTRY_WORDS}
    rest = [w for w in words if w not in _BORDER_WORDS and w not in _COUNTRY_WORDS
            and w not in ("the", "between", "and", "بين", "و", "على")]
    return "-".join(sorted(countries, reverse=True)) if len(countries) == 2 and not rest else None

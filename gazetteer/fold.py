"""Name folding: the keys under which place names are indexed and looked up.

Three levels, from strict to loose:

- `normalize`: case, diacritics, tatweel, punctuation and digits only ("exact" matches).
- `fold`: also Arabic letter variants, the article, ayn/hamza marks and Latin transliteration
  habits, so that "Al-Hasakah", "Hassakeh" and "el Hasaka" meet ("variant" matches).
- `skeleton`: the consonant skeleton in a shared Latin alphabet, so that Arabic and Latin
  spellings of one name meet ("الشدادي" and "Shaddadi" both give "sdd").

Generic words ("field", "base", "حقل", "ريف") are not part of a name: `split_generic` takes
them off and returns them as hints for ranking.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

# Bump whenever a change below alters any key: stored indexes are refolded when it differs.
FOLD_VERSION = 6

# --- normalize -------------------------------------------------------------------------------

_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")  # harakat, tatweel
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# Marks for ayn and hamza in Latin transliteration vanish rather than split words ("Ra's", "Sa‘ad").
_APOSTROPHES = re.compile("['’‘ʿʾʻʼ`´ʹ]")
_NON_WORD = re.compile(r"[^\w]+")
# Characters that print as nothing: soft hyphen, zero-width (non-)joiners and spaces, bidi
# marks, embeddings, overrides and isolates, the BOM, and control characters other than
# whitespace. Copied text carries them ("Shad\u00addadi"); they vanish rather than split words.
_INVISIBLE = re.compile("[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f"
                        "\u202a-\u202e\u2060-\u206f\ufeff\ufe00-\ufe0f\x00-\x08\x0b\x0c"
                        "\x0e-\x1f\x7f-\x9f]")


def strip_invisible(text: str) -> str:
    """`text` without the characters that print as nothing (see `_INVISIBLE`).

    >>> strip_invisible("Shad\u00addadi\u200f")
    'Shaddadi'
    """
    return _INVISIBLE.sub("", text)


@lru_cache(maxsize=1 << 17)
def normalize(text: str) -> str:
    """Lower-case, strip diacritics, tatweel and invisible characters, map digits to ASCII,
    collapse punctuation to spaces."""
    text = _INVISIBLE.sub("", text)
    if text.isascii():
        return " ".join(_NON_WORD.sub(" ", _APOSTROPHES.sub("", text.lower())).replace("_", " ").split())
    text = unicodedata.normalize("NFKC", text).translate(_DIGITS)
    text = _ARABIC_MARKS.sub("", text)
    decomposed = unicodedata.normalize("NFD", text)
    text = "".join(c for c in decomposed if not unicodedata.combining(c))
    text = unicodedata.normalize("NFC", text).casefold()
    text = _APOSTROPHES.sub("", text)
    return " ".join(_NON_WORD.sub(" ", text).replace("_", " ").split())


# --- fold ------------------------------------------------------------------------------------

# Letter variants Arabic, Persian and Kurdish writers use for the same sound.
ARABIC_LETTERS = str.maketrans({
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا",
    "ى": "ي", "ی": "ي", "ې": "ي", "ێ": "ي", "ئ": "ي",
    "ؤ": "و", "ۆ": "و", "ۇ": "و", "ۋ": "و",
    "ة": "ه", "ۀ": "ه", "ە": "ه", "ھ": "ه",
    "ک": "ك", "ڪ": "ك", "گ": "ك",
    "پ": "ب", "چ": "ج", "ژ": "ز", "ڤ": "ف", "ڕ": "ر", "ڵ": "ل",
    "ء": "",
})
_ARABIC = re.compile("[\u0600-\u06ff]")
_LATIN_ARTICLES = frozenset(
    "al el ul il as ash es esh ad adh ed at ath et ar er az ez an en ech ech ed".split()
)
# Ordered: longer patterns first. Each maps a spelling habit to one canonical form.
_LATIN_HABITS = (
    (re.compile(r"([a-z])\1+"), r"\1"),   # doubled letters: Hassakeh, Shaddadi
    (re.compile(r"dj"), "j"),             # French: Djebel
    (re.compile(r"tch|ch"), "sh"),        # French: Chaddadi, Qamichli
    (re.compile(r"ou"), "u"),             # French: Raqqa/Raqqoua, Ghouta
    (re.compile(r"ee"), "i"),             # English: Zeenab
    (re.compile(r"oo|o"), "u"),            # Omar/Umar, Homs/Hums: Arabic has no o
    (re.compile(r"ei|ey|ay|ai"), "ay"),   # Deir/Dayr/Dair
    (re.compile(r"q"), "k"),              # Qamishli/Kamishli
    (re.compile(r"(?<=[a-z])(?:ah|eh|a|e)$"), "a"),  # -ah/-eh/-a/-e: one ending
    (re.compile(r"(?<=[a-z])(?:iya|iyya|ia|ie|iye|iyeh)$"), "iya"),
)


@lru_cache(maxsize=1 << 16)
def fold_word(word: str) -> str:
    """`fold` of one normalized word (cached: text repeats its words)."""
    # Repeat to a fixed point: one rule's output can feed another ("ae" -> "aa" -> "a").
    for _ in range(4):
        if _ARABIC.search(word):
            folded = _strip_arabic_article(word)
        else:
            folded = word
            for pattern, repl in _LATIN_HABITS:
                folded = pattern.sub(repl, folded)
        if folded == word:
            break
        word = folded
    return word


def _strip_arabic_article(word: str) -> str:
    if word.startswith("ال") and len(word) > 3:
        return word[2:]
    return word


def words(text: str) -> list[str]:
    """The normalized words of a name with Arabic letter variants folded: input of the keys."""
    return normalize(text).translate(ARABIC_LETTERS).split()


@lru_cache(maxsize=1 << 17)
def fold(text: str) -> str:
    """The variant key: `normalize` plus letter variants, articles and transliteration habits.

    >>> fold("Al-Hasakah") == fold("el Hassakeh") == fold("Hasaka")
    True
    """
    return fold_words(words(text))


def fold_words(words: list[str]) -> str:
    """`fold` of a name already split by `words`."""
    out = []
    last = len(words) - 1
    for i, word in enumerate(words):
        folded = fold_word(word)
        if i < last and (word in _LATIN_ARTICLES or folded in _LATIN_ARTICLES):
            continue  # the article goes; "as-Sukhnah" and "Sukhnah" are one name
        out.append(folded)
    return " ".join(w for w in out if w)


# --- skeleton --------------------------------------------------------------------------------

# Arabic letters to consonant classes shared with Latin spellings. Vowels, semi-vowels, ayn,
# hamza and ta marbuta carry no consonant: Latin writers render them every which way.
_SEPARATOR = "."  # a vowel between two like consonants keeps them apart ("shadadi" -> s.d.d)
_AR_CLASS = {
    "ب": "b", "ت": "t", "ط": "t", "ث": "t", "ج": "j", "ح": "h", "ه": "h", "خ": "k", "ك": "k",
    "ق": "k", "غ": "k", "د": "d", "ذ": "d", "ض": "d", "ظ": "z", "ز": "z", "ر": "r", "س": "s",
    "ص": "s", "ش": "s", "ف": "f", "م": "m", "ن": "n", "ل": "l",
}
_LATIN_DIGRAPHS = (
    ("kh", "k"), ("gh", "k"), ("sh", "s"), ("th", "t"), ("dh", "d"), ("ts", "s"), ("zh", "z"),
)
_LATIN_CLASS = {
    "b": "b", "p": "b", "t": "t", "j": "j", "g": "j", "h": "h", "k": "k", "q": "k", "c": "k",
    "x": "k", "d": "d", "z": "z", "r": "r", "s": "s", "f": "f", "v": "f", "m": "m", "n": "n",
    "l": "l",
}


@lru_cache(maxsize=1 << 16)
def _skeleton_word(word: str) -> str:
    if _ARABIC.search(word):
        word = word.rstrip("ه")  # ta marbuta / final -eh carries no consonant in print
        classes = [_AR_CLASS.get(c, _SEPARATOR) for c in word]
    else:
        word = re.sub(r"([a-z])\1+", r"\1", word)
        word = re.sub(r"(?<=[aeiouy])h$", "", word)  # -ah, -eh
        word = word.replace("dj", "j").replace("tch", "sh").replace("ch", "sh")  # French print
        for digraph, cls in _LATIN_DIGRAPHS:
            word = word.replace(digraph, cls)
        classes = [_LATIN_CLASS.get(c, _SEPARATOR) for c in word]
    out: list[str] = []
    for c in classes:
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out).replace(_SEPARATOR, "")


@lru_cache(maxsize=1 << 16)
def skeleton(text: str) -> str:
    """Consonant skeleton shared by Arabic and Latin spellings.

    >>> skeleton("الشدادي") == skeleton("Shaddadi") == skeleton("ash-Shaddadi")
    True
    """
    return skeleton_words(words(text))


def skeleton_words(words: list[str]) -> str:
    """`skeleton` of a name already split by `words`."""
    out = []
    for i, word in enumerate(words):
        if _ARABIC.search(word):
            word = _strip_arabic_article(word)
        elif word in _LATIN_ARTICLES and i + 1 < len(words):
            continue
        out.append(_skeleton_word(word))
    return " ".join(w for w in out if w)


# --- generic words ---------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Generic:
    """What the generic words of a name say: features it may have, kinds it may be."""

    features: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.features or self.kinds)

    def __or__(self, other: Generic) -> Generic:
        return Generic(self.features | other.features, self.kinds | other.kinds)


_FIELD = frozenset({"oil_field", "gas_field"})
_BASE = frozenset({"military_base", "airbase", "military_site"})
_AIRPORT = frozenset({"airport", "airbase"})
_SETTLEMENT = frozenset({"settlement"})
_GOVERNORATE = frozenset({"admin1"})
_COUNTRYSIDE = frozenset({"admin1", "admin2", "region"})

# Phrase (folded) -> hint. Multi-word phrases are matched before their parts.
GENERIC_WORDS: dict[str, Generic] = {
    **{w: Generic(features=_FIELD) for w in ("field", "fields", "حقل", "حقول", "huqul", "haql")},
    **{w: Generic(features=frozenset({"oil_field"})) for w in (
        "oil field", "oilfield", "oil fields", "نفطي", "النفطي", "نفط", "النفط")},
    **{w: Generic(features=frozenset({"gas_field", "plant"})) for w in (
        "gas field", "gasfield", "gas plant", "للغاز", "غاز", "الغاز", "غازي")},
    **{w: Generic(features=_BASE) for w in (
        "base", "bases", "military base", "outpost", "camp base", "garrison", "قاعده", "قاعدتي",
        "قواعد", "ثكنه", "معسكر")},
    **{w: Generic(features=_AIRPORT) for w in (
        "airbase", "air base", "airfield", "air field", "military airport", "airstrip",
        "landing zone", "مطار عسكري", "قاعده جويه", "جويه")},
    **{w: Generic(features=frozenset({"airport", "airbase"})) for w in ("airport", "مطار")},
    **{w: Generic(kinds=_SETTLEMENT) for w in (
        "town", "village", "city", "بلده", "قريه", "مدينه")},
    **{w: Generic(kinds=_GOVERNORATE) for w in (
        "governorate", "province", "محافظه", "muhafazat", "muhafaza")},
    **{w: Generic(kinds=_COUNTRYSIDE) for w in (
        "countryside", "rural", "rif", "reef", "ريف", "الريف", "district", "qada", "قضاء",
        "ناحيه")},
    **{w: Generic(features=frozenset({"dam"})) for w in ("dam", "سد")},
    **{w: Generic(kinds=frozenset({"region"})) for w in ("basin", "حوض")},
    # Vague words: not part of the name, and no hint either ("منطقة كناكر" is Kanaker).
    **{w: Generic() for w in ("منطقه", "محيط", "اطراف", "area", "vicinity", "outskirts")},
    **{w: Generic(features=frozenset({"border_crossing"})) for w in (
        "crossing", "border crossing", "معبر", "منفذ")},
    **{w: Generic(features=frozenset({"camp"})) for w in ("camp", "مخيم")},
    **{w: Generic(features=frozenset({"refinery"})) for w in ("refinery", "مصفاه", "مصافي")},
    **{w: Generic(features=frozenset({"plant", "gas_field", "refinery", "power_plant"})) for w in (
        "plant", "معمل", "معامل")},
    **{w: Generic(features=frozenset({"power_plant", "plant"})) for w in (
        "power plant", "power station", "station", "محطه", "محطه كهربا", "محطه توليد")},
    # "مطار الضمير العسكري": the adjective after a name says it is a military site; without
    # the article ("تعزيزات عسكرية", military reinforcements) it qualifies no name.
    **{w: Generic(features=frozenset({"airbase", "military_base", "military_site"})) for w in (
        "العسكري", "العسكريه")},
    **{w: Generic(features=frozenset({"neighbourhood"})) for w in (
        "neighbourhood", "neighborhood", "quarter", "حي")},
}

# Directions qualify a region ("eastern Deir ez-Zor countryside", "ريف الحسكة الجنوبي").
DIRECTIONS = frozenset(
    "east eastern west western north northern south southern northeast northeastern northwest "
    "northwestern southeast southeastern southwest southwestern central "
    "شرق غرب شمال جنوب شرقي غربي شمالي جنوبي الشرقي الغربي الشمالي الجنوبي شرقيه غربيه "
    "شماليه جنوبيه الشرقيه الغربيه الشماليه الجنوبيه الاوسط".split()
)

_DIRECTION = Generic()  # marks a direction word among generic ones
_GENERIC_MAX_WORDS = max(len(k.split()) for k in GENERIC_WORDS)
# Conjunctions and prepositions written joined to the next word: "بريف" is "in the countryside of".
ARABIC_CLITICS = ("وب", "فب", "ول", "فل", "وك", "و", "ف", "ب", "ل", "ك")


@lru_cache(maxsize=1 << 14)
def generic_of(phrase: str) -> Generic | None:
    """What a generic word or phrase says ("قاعده", "بريف", "gas field"), or None for a name word."""
    found = GENERIC_WORDS.get(phrase) or GENERIC_WORDS.get(_strip_arabic_article(phrase))
    if found is None and _ARABIC.match(phrase):
        for clitic in ARABIC_CLITICS:
            if phrase.startswith(clitic) and len(phrase) > len(clitic) + 1:
                rest = phrase[len(clitic):]
                found = GENERIC_WORDS.get(rest) or GENERIC_WORDS.get(_strip_arabic_article(rest))
                if found is not None:
                    break
    return found


def split_generic(text: str) -> tuple[str, Generic, bool]:
    """Take generic words and directions off the edges of a name.

    Returns the remaining name (normalized, letter variants folded), the hints the generic
    words gave, and whether any direction word was present. Generic words inside a name stay
    ("Ras al-Ain Dam Road" keeps "dam"); the name is returned whole when nothing would be left
    ("Field" alone stays "field").

    >>> split_generic("حقل العمر النفطي")[0]
    'العمر'
    """
    core, hint, directed = readings(text)[-1]
    return " ".join(core), hint, directed


@lru_cache(maxsize=1 << 16)
def readings(text: str) -> tuple[tuple[tuple[str, ...], Generic, bool], ...]:
    """`generic_cores` of a name as text, cached: queries repeat."""
    return tuple((tuple(core), hint, directed) for core, hint, directed in generic_cores(words(text)))


def split_generic_words(words: list[str]) -> tuple[list[str], Generic, bool]:
    """`split_generic` of a name already split by `words`; the core comes back as words."""
    return generic_cores(words)[-1]


def generic_cores(words: list[str]) -> list[tuple[list[str], Generic, bool]]:
    """Readings of a name, longest core first, each with the hints of the words taken off.

    Generic words come off the edges one at a time, because some are part of a name: in
    "محافظة ريف دمشق" only "محافظة" is generic, "ريف دمشق" is the governorate's name, and
    "Damascus countryside" names that governorate too. The last reading is the bare core.
    """
    items: list[tuple[int, Generic | None]] = []  # (word count, hint); None marks a name word
    i = 0
    while i < len(words):
        for n in range(min(_GENERIC_MAX_WORDS, len(words) - i), 0, -1):
            generic = generic_of(" ".join(words[i:i + n]))
            if generic is not None:
                items.append((n, generic))
                i += n
                break
        else:
            word = words[i]
            is_direction = word in DIRECTIONS or (word.startswith("ال") and word[2:] in DIRECTIONS)
            items.append((1, _DIRECTION if is_direction else None))
            i += 1
    name_items = [k for k, (_, g) in enumerate(items) if g is None]
    if not name_items:
        return [(words, Generic(), False)]
    first, last = name_items[0], name_items[-1]
    positions = [0]
    for n, _ in items:
        positions.append(positions[-1] + n)
    readings = []
    for lead in range(first + 1):
        for trail in range(len(items), last, -1):
            edges = items[:lead] + items[trail:]
            hint = Generic()
            for _, g in edges:
                if g is not None:  # edges hold generic words and directions only
                    hint = hint | g
            readings.append((words[positions[lead]:positions[trail]], hint,
                             any(g is _DIRECTION for _, g in edges)))
    readings.sort(key=lambda r: -len(r[0]))  # stable: fewer leading words cut first
    return readings


# --- folding with offsets --------------------------------------------------------------------

from bisect import bisect_right  # noqa: E402  (here, not at the top: this section is self-contained)

_QUANTIFIERS = frozenset("?*+{")


@lru_cache(maxsize=1 << 12)
def fold_char(char: str) -> str:
    """One character as `fold_with_offsets` matches it: "" when it goes, else one or more.

    The letter tables of `normalize` and `words` applied to a single character: compatibility
    forms, digits, Arabic marks and tatweel, Latin diacritics, case, ARABIC_LETTERS; ayn and
    hamza marks become "'" and invisible format characters (ZWNJ, RLM, BOM) go.
    """
    if unicodedata.category(char) == "Cf":
        return ""
    if _APOSTROPHES.fullmatch(char):
        return "'"
    out = []
    for c in unicodedata.normalize("NFKC", char).translate(_DIGITS):
        if _ARABIC_MARKS.fullmatch(c):
            continue
        bare = "".join(d for d in unicodedata.normalize("NFD", c) if not unicodedata.combining(d))
        out.append(unicodedata.normalize("NFC", bare.casefold()).translate(ARABIC_LETTERS))
    return "".join(out)


@dataclass(frozen=True, slots=True)
class FoldedText:
    """A text folded character by character, with the way back to the original offsets.

    `folded[i]` comes from `text[origin[i]]`; `origin` has one entry more, len(text), so that
    the end of a match at the end of the text maps back too. Unlike `fold`, spaces and
    punctuation stay where they are: patterns match across them as they are written.
    """

    text: str
    folded: str
    origin: tuple[int, ...]

    def to_text(self, i: int) -> int:
        """The offset in the text of folded[i]."""
        return self.origin[i]

    def from_text(self, offset: int) -> int:
        """The folded index of the first character at or after `offset` in the text."""
        return bisect_right(self.origin, offset - 1, 0, len(self.origin) - 1)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The text span of the non-empty folded span start..end; it takes in the characters
        that folded away right after it (a word's last harakat, its final hamza)."""
        return self.origin[start], max(self.origin[end - 1] + 1, self.origin[end])


def fold_with_offsets(text: str) -> FoldedText:
    """The text as patterns match it: Arabic letter variants, marks, digits and case folded one
    character at a time (see `fold_char`), with the offset in `text` of every folded character.

    >>> view = fold_with_offsets("قصفت طائرةٌ مسيّرة Qaʿim")
    >>> print(view.folded)
    قصفت طايره مسيره qa'im
    >>> start = view.folded.index("مسيره")
    >>> view.span(start, start + len("مسيره"))
    (12, 18)
    """
    if text.isascii():
        return FoldedText(text, text.lower().replace("`", "'"), tuple(range(len(text) + 1)))
    table: _FoldTable | None = _FOLDS
    if table is not None and table.unknown.search(text) is not None:
        table = _learn(text)
    if table is None:   # texts of many scripts: one character at a time
        return _fold_each(text)
    # Most characters fold to themselves: only the others are replaced (by the regex engine), and
    # only those that fold to none or to several move the offsets.
    parts = table.changing.split(text)   # the text between changing characters, and each of them
    parts[1::2] = map(table.folds.__getitem__, parts[1::2])
    folded = "".join(parts)
    if table.uneven.search(text) is None:
        return FoldedText(text, folded, tuple(range(len(text) + 1)))
    origin: list[int] = []
    previous = 0
    for m in table.uneven.finditer(text):
        i = m.start()
        origin.extend(range(previous, i))
        origin.extend([i] * len(table.folds[m.group()]))
        previous = i + 1
    origin.extend(range(previous, len(text) + 1))
    return FoldedText(text, folded, tuple(origin))


class _FoldTable:
    """The folds (`fold_char`) of the characters met so far, and patterns of those that change
    (`changing`), of those that fold to none or to several (`uneven`) and of any other
    character (`unknown`). Never changed once made: a text is folded by one table throughout."""

    def __init__(self, folds: dict[str, str]) -> None:
        self.folds = folds
        self.changing = _class_of((c for c, f in folds.items() if f != c), group=True)
        self.uneven = _class_of(c for c, f in folds.items() if len(f) != 1)
        known = "".join(_class_member(c) for c in sorted(folds))
        self.unknown = re.compile(f"[^{known}]" if known else "(?s:.)")


def _class_member(char: str) -> str:
    return "\\" + char if char in "\\]^-[" else char


def _class_of(chars: Iterable[str], group: bool = False) -> re.Pattern[str]:
    members = "".join(_class_member(c) for c in sorted(chars))
    pattern = f"[{members}]" if members else "(?!)"
    return re.compile(f"({pattern})" if group else pattern)


def _fold_each(text: str) -> FoldedText:
    """`fold_with_offsets`, character by character."""
    chars: list[str] = []
    origin: list[int] = []
    for i, char in enumerate(text):
        folded = fold_char(char)
        chars.append(folded)
        origin.extend([i] * len(folded))
    origin.append(len(text))
    return FoldedText(text, "".join(chars), tuple(origin))


def _learn(text: str) -> _FoldTable | None:
    """The table, made again with the characters of `text` it did not know; None when that
    would take it past _TABLE_LIMIT characters."""
    global _FOLDS
    with _LEARNING:
        folds = dict(_FOLDS.folds)
        new = [c for c in {*text, *map(chr, range(128))} if c not in folds]
        if len(folds) + len(new) > _TABLE_LIMIT:
            return None
        for char in new:
            folds[char] = fold_char(char)
        _FOLDS = _FoldTable(folds)
        return _FOLDS


_LEARNING = threading.Lock()
_FOLDS = _FoldTable({})
_TABLE_LIMIT = 4096   # characters in the table, at most: a few scripts' letters and marks


def fold_pattern(pattern: str) -> str:
    """A regular expression written with Arabic letters, folded so that it matches the
    `folded` text of `fold_with_offsets` ("طائرة" matches as "طايره").

    ASCII is left as written (patterns are lower case, and "\\S" must stay "\\S"). Raises
    ValueError when a character that folds away (a mark, a hamza) carries a quantifier.

    >>> fold_pattern(r"طائر(?:ة|ات)\\s+مسيّرة")
    'طاير(?:ه|ات)\\\\s+مسيره'
    """
    out = []
    for i, char in enumerate(pattern):
        if char.isascii():
            out.append(char)
            continue
        folded = fold_char(char)
        if not folded and pattern[i + 1:i + 2] in _QUANTIFIERS:
            raise ValueError(f"{pattern!r}: {char!r} at {i} folds away but carries a quantifier")
        out.append(folded)
    return "".join(out)

"""Place mentions in running text, Arabic or English, resolved with the document as context.

Names are found by multi-pattern matching (Aho-Corasick) over the folded words of the text, so
the cost does not grow with the number of places. Around each name the parser reads the words
that steer resolution: heads before it ("قاعدة", "حقل", "بريف محافظة"), qualifiers after it
("الجنوبي", "countryside", "gas field"); a head carries over a coordination ("قاعدتي الرميلان
والمالكية"). Organisation names that contain a place ("المقاومة الإسلامية في العراق") and
demonyms ("الإسرائيلي", "Syrian") are not places where something happened: they are left out.

Then the document speaks: a governorate named in the same sentence is a hint for the other
names there, and the places named with confidence pull an ambiguous name toward them. A match
changed or settled that way carries the method "context".

Evidence. Villages are named after everyday words, so a name written as one word with no head
word before it and no generic word after it counts only with the evidence its word's class
asks for. The classes come from language data in `data/common_words.tsv` (see its header and
`scripts/build_common_words.py`: stopword lists, word frequencies, a dictionary), never from
the place names, so the rule holds for any gazetteer. An Arabic word is also read with a
clitic taken off, where Arabic writes that clitic before that class ("وأن" is و + أن).

| class of the word                         | evidence that makes it a mention            |
|-------------------------------------------|---------------------------------------------|
| generic head or direction ("مدينة",       | none: never a mention by itself             |
|   "الغرب", "city", "base")                |                                             |
| function word ("أن", "عنه", "About",      | a head word before it ("قرية وان") or a     |
|   "Can"), month or day, given name ("عمر") |   generic word after it ("About village")   |
| Arabic verb form ("دمر" destroyed, "كسب"  | that, a preposition of place right before   |
|   earned, "صور" filmed)                   |   it ("في", "قرب", "شمال", the clitic بـ),  |
|                                           |   or "and" with a place named confidently   |
| Arabic noun ("بيان" statement, "الباب"    | that, but a preposition only with a place   |
|   door, "الدور" role)                     |   we curate or an admin area ("في الباب" is |
|                                           |   al-Bab, "في بيان" no town in Kuwait); or  |
|                                           |   the name is a governorate's ("حماة")      |
| English dictionary word opening a         | "and" with a confident place, or the word   |
|   sentence ("Van drivers said")           |   is the place's very name, not a folding   |
|                                           |   of it ("About" only folds to "ABOT")      |

Being a known site is no evidence for a verb: Dummar is one, and "دُمّر المنزل" is "the house was
destroyed". A name made only of classed words ("إلى الغرب", which folds to Ali al-Gharbi) needs
a head, a preposition of place or coordination. On top of all this, a bare word must name a
curated place, an admin area, or a town of `MIN_BARE_POPULATION` people, unless a governorate
named in the same sentence supports it; a lower-case English word alone is never a name.

Datelines. "BEIRUT, 14 March (Reuters) -", "DAMASCUS (AP) —", "دير الزور - " opening a report
(or a paragraph after a blank line) name where the reporter is: the mention is kept with
`role="dateline"` (default "place"), and it steers no other name.

Cost: linear in the text's length (about 6 MB/s of Arabic or English news on one core). The
text is cut at spaces (`str.split`), each distinct chunk into words once per parser, and the
words' tokens are laid into one stream for the automaton, all by C-level passes over caches.
Python-level work happens only at the names found, and no lookup there scans the text or the
other names: a word's offset is a bisection, a query, its resolution and what it tells the
other names are worked out once per text, a sentence's governorate and a paragraph's centre
once. A name whose match is sure is a mention at once; only the others wait for the whole text.
The garbage collector is paused during a parse (see `Geoparser.parse`).
"""

from __future__ import annotations

import collections
import gc
import itertools
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from operator import attrgetter
from pathlib import Path

from .errors import DataError
from .fold import (
    ARABIC_CLITICS,
    ARABIC_LETTERS,
    DIRECTIONS,
    GENERIC_WORDS,
    fold,
    fold_word,
    generic_of,
    normalize,
)
from .index import Gazetteer
from .place import Match
from .sources import data_file, imports_state, user_data_dir

_TOKEN = re.compile(r"[\w\u0610-\u061a\u064b-\u065f\u0670\u0640]+(?:['’‘ʿʾ`][\w]+)*")
_LATIN_ARTICLES = frozenset("al el ul il as ash es esh ad adh ed at ath et ar er az ez an en ech".split())
_ARABIC = re.compile("[\u0600-\u06ff]")
_COORDINATORS = frozenset({"و", "and", "or", "او", "ثم"})
_ENDS_SENTENCE = frozenset(".!?؟؛\n")
_DEMONYM = "\0demonym"  # key of a demonym token: never part of a name
_POSSESSIVE = re.compile(r"['’]s$")
_FOLDED = re.compile("[a-z]+|[ابتثجحخدذرزسشصضطظعغفقكلمنهوي]+")

# Names of organisations and outlets that contain a place but are not one (folded words).
ORGANISATIONS = (
    "المقاومه الاسلاميه في العراق", "islamic resistance in iraq", "الحرس الثوري الايراني",
    "قوات سوريا الديمقراطيه", "syrian democratic forces", "المرصد السوري لحقوق الانسان",
    "syrian observatory for human rights", "فرات بوست", "furat post", "العربي الجديد",
    "فرانس برس", "france presse", "حزب الله", "hezbollah", "hizballah", "الجيش السوري",
    "syrian army", "syrian arab army", "الجيش العراقي", "iraqi army", "الحشد الشعبي",
    "popular mobilization forces", "كتائب حزب الله", "kataib hezbollah", "دير الزور 24",
    "deir ezzor 24", "تنظيم الدوله", "islamic state", "الدوله الاسلاميه", "وكاله سانا", "sana",
)
# Adjectives of nationality: the country's name inside them is not a place mention. Arabic
# ones count only with the article ("السورية" is "the Syrian", "سورية" is Syria).
DEMONYMS = frozenset(
    "سوري سوريه سوريين سوريون عراقي عراقيه عراقيين ايراني ايرانيه ايرانيين اسراييلي اسراييليه "
    "اسراييليين اميركي اميركيه امريكي امريكيه اميركيين تركي تركيه روسي روسيه اردني اردنيه لبناني "
    "لبنانيه فلسطيني فلسطينيه كردي كرديه "
    "syrian syrians iraqi iraqis iranian iranians israeli israelis american americans turkish "
    "russian jordanian lebanese palestinian kurdish".split()
)
# Words after a name that qualify it (Arabic adjectives follow their noun).
ARABIC_TAILS = frozenset({"نفطي", "النفطي", "للغاز", "الغازي", "الجويه", "العسكري", "العسكريه"})
# First words of generic phrases of two words ("gas field"): a qualifier may start there.
_PAIR_STARTS = frozenset(k.split()[0] for k in GENERIC_WORDS if " " in k and not _ARABIC.search(k))
# A settlement this small, not curated and named by one bare word, needs a head word first.
MIN_BARE_POPULATION = 10_000
# A match this good, not ambiguous, makes a place named with confidence.
CONFIDENT_SCORE = 0.85
_AREAS = frozenset({"admin1", "admin2", "country", "region"})

# --- the classes of common words -------------------------------------------------------------

# Classes of data/common_words.tsv, strictest first: a word in two keeps the stricter.
WORD_CLASSES = ("head", "calendar", "function", "given_name", "verb", "noun", "word")
# The article hides only these: "الجمعة" is Friday, but "الان" is not "ان".
_HIDDEN_BY_ARTICLE = frozenset({"head", "calendar", "given_name"})
_NOT_A_NAME = frozenset({"head", "calendar", "function", "given_name", "verb"})


@dataclass(frozen=True)
class CommonWords:
    """Words that are no place by themselves: word (normalized, letters folded) -> class, and
    the prepositions of place that are evidence for the bare name after them."""

    classes: Mapping[str, str]
    prepositions: frozenset[str]

    @classmethod
    def read(cls, lines: Iterable[str], origin: str) -> CommonWords:
        """The table from its TSV text (`#` lines are notes); bad rows raise `DataError`."""
        rank = {c: i for i, c in enumerate(WORD_CLASSES)}
        classes: dict[str, str] = {}
        prepositions = set()
        header = False
        for number, line in enumerate(lines, 1):
            if line.startswith("#") or not line.strip():
                continue
            fields = line.rstrip("\r\n").split("\t")
            if not header:
                if fields[:3] != ["word", "lang", "class"]:
                    raise DataError(f"{origin}, line {number}: the header must be word, lang, class")
                header = True
                continue
            raw, lang, kind = (fields + ["", ""])[:3]
            # Generated rows are folded already; hand-written ones are folded here.
            word = raw if _FOLDED.fullmatch(raw) else normalize(raw).translate(ARABIC_LETTERS)
            if not word or lang not in ("ar", "en") or (kind not in rank and kind != "preposition"):
                raise DataError(f"{origin}, line {number}: bad row {line.strip()!r}")
            if kind == "preposition":
                prepositions.add(word)
            elif word not in classes or rank[kind] < rank[classes[word]]:
                classes[word] = kind
        return cls(classes, frozenset(prepositions))

    @classmethod
    def bundled(cls) -> CommonWords:
        """The table shipped in data/common_words.tsv."""
        with data_file("common_words.tsv").open(encoding="utf-8") as fh:
            return cls.read(fh, "common_words.tsv")

    def class_of(self, norm: str) -> str:
        """The class of a word of text (normalized, letters folded), "" when it has none.

        Generic words and directions are heads. An Arabic word is also read without a clitic,
        as far as Arabic allows that clitic before that class: a conjunction before a
        function word ("وأن"), a conjunction or the lam of purpose before a verb ("ودمر",
        "ليدمر"), any clitic before a noun ("بالباب"); and without the article ("الجمعة").
        """
        if generic_of(norm) is not None or norm in DIRECTIONS:
            return "head"
        found = self.classes.get(norm, "")
        if not _ARABIC.match(norm):
            return found
        rank = WORD_CLASSES.index
        for clitic in ARABIC_CLITICS:
            if not (norm.startswith(clitic) and len(norm) > len(clitic) + 1):
                continue
            rest = norm[len(clitic):]
            for form in (rest, rest[2:] if rest.startswith("ال") and len(rest) > 3 else ""):
                if form in DIRECTIONS:
                    return "head"
                kind = self.classes.get(form, "")
                if kind and _clitic_allowed(clitic, kind, form) and (form is rest or kind in _HIDDEN_BY_ARTICLE) \
                        and (not found or rank(kind) < rank(found)):
                    found = kind
        if norm.startswith("ال") and len(norm) > 3:
            kind = self.classes.get(norm[2:], "")
            if norm[2:] in DIRECTIONS:
                return "head"
            if kind in _HIDDEN_BY_ARTICLE and (not found or rank(kind) < rank(found)):
                found = kind
        return found


def _clitic_allowed(clitic: str, kind: str, rest: str) -> bool:
    """Whether Arabic writes `clitic` joined to a word of class `kind` (see `class_of`)."""
    if kind == "function":  # (function words that begin with a conjunction are listed whole)
        return clitic in ("و", "ف") and not rest.startswith(("و", "ف"))
    if kind == "verb":
        return clitic in ("و", "ف") or (clitic in ("ل", "ول", "فل") and rest.startswith("ي"))
    return True


@lru_cache(maxsize=1)
def _bundled_common_words() -> CommonWords:
    return CommonWords.bundled()  # a file of the package: it never changes under a process


# --- mentions ----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Mention:
    """A place named in a text: code-point offsets `start`..`end`, the text as written, the match,
    and its role: "place", or "dateline" for the place a report is filed from."""

    start: int
    end: int
    text: str
    match: Match | None
    role: str = "place"

    def as_dict(self) -> dict:
        """The JSON shape of `incident-map geoparse --json`."""
        return {"start": self.start, "end": self.end, "text": self.text,
                "match": self.match.as_dict() if self.match else None, "role": self.role}


class _ChunkWords(dict):
    """Chunk of text -> its words. A chunk not seen before is cut into words when it is first
    looked up, inside the C-level pass over a text's chunks: no set of the text's chunks is
    made to find the new ones."""

    __slots__ = ("_new",)

    def __init__(self, new: Callable[[str], tuple[str, ...]]) -> None:
        super().__init__()
        self._new = new

    def __missing__(self, chunk: str) -> tuple[str, ...]:
        return self._new(chunk)


# A Mention made from these (object.__new__, then each slot set) is the one its __init__ makes,
# in half the time: a frozen dataclass's __init__ sets each field through object.__setattr__,
# and a long text makes tens of thousands of mentions (tests check that both give equal ones).
_new = object.__new__
_set_start, _set_end, _set_text, _set_match, _set_role = (
    getattr(Mention, name).__set__ for name in ("start", "end", "text", "match", "role"))


@dataclass(frozen=True, slots=True)
class _Word:
    """What one distinct word of text is, worked out once per parser and cached. (Slots, not
    a NamedTuple: the loops over names read these fields often, and a slot is read faster.)"""

    key: str          # folded form; "" for words that are never part of a name
    clitic: int       # leading characters that are a clitic, not the word
    word: str         # the word as a query: without clitic or possessive ("للشدادي" -> "الشدادي")
    norm: str         # normalized, Arabic letter variants folded: for generic-word tests
    kind: str         # class in the common-word table, "" for none
    lead: int         # 0: no head word; 1: a head ("قاعدة", "eastern"); 2: vague ("منطقة")
    tail: int         # may qualify the name before it: 1 alone ("الشرقي", "countryside"),
                      # 2 a direction before one ("southern countryside"), 4 a pair ("gas field")
    place_clitic: bool  # its clitic says "in" or "at" ("بدمر")
    generic: bool     # a generic word that hints at a kind or feature ("village", "النفطي")


# A chunk's step packs its words (high bits) and its characters with the space after it (low
# bits): summed over the chunks before a word, one number says both where the word's chunk
# begins among the words and in the text.
_SHIFT = 32
_LOW = (1 << _SHIFT) - 1


# _Word.word and _Word.generic, for map(): a comprehension or a generator in the loop over names
# would make a function object each time, and a generator that any() leaves unfinished a frame.
_WORD = attrgetter("word")
_GENERIC = attrgetter("generic")


class _Document:
    """The words of one text, found by C-level passes: the text is cut at spaces into chunks,
    each distinct chunk is cut into words once per parser (`layouts`: its words and their
    offsets in it), and the words of all chunks are laid end to end (`surfaces`). A word's
    analysis is looked up in the parser's cache (`seen`), its offsets from its chunk's:
    `before[k]` is the sum of the steps (see `_SHIFT`) of the chunks before chunk k, so that
    one bisection finds the chunk of a word. Tuples of strings and numbers, unlike lists, are
    left alone by the garbage collector."""

    __slots__ = ("before", "chunks", "layouts", "seen", "surfaces", "text")

    def __init__(self, text: str, chunks: list[str], chunk_words: dict[str, tuple[str, ...]],
                 steps: dict[str, int], layouts: dict[str, tuple[tuple[int, int], ...]],
                 seen: dict[str, _Word]) -> None:
        self.text = text
        self.chunks = chunks
        self.layouts = layouts
        self.seen = seen
        # (The words first: looking a chunk up there cuts it if it is new, and makes its step.)
        self.surfaces = tuple(itertools.chain.from_iterable(map(chunk_words.__getitem__, chunks)))
        self.before = tuple(itertools.accumulate(map(steps.__getitem__, chunks), initial=0))

    def span(self, i: int) -> tuple[int, int]:
        """Where word i starts and ends in the text."""
        before = self.before
        chunk = bisect_right(before, (i << _SHIFT) | _LOW) - 1
        packed = before[chunk]
        begin, end = self.layouts[self.chunks[chunk]][i - (packed >> _SHIFT)]
        at = packed & _LOW
        return at + begin, at + end

    def __len__(self) -> int:
        return len(self.surfaces)

    def __getitem__(self, i: int) -> _Word:
        return self.seen[self.surfaces[i]]

    def surface(self, i: int) -> str:
        return self.surfaces[i]

    def start(self, i: int) -> int:
        return self.span(i)[0]

    def end(self, i: int) -> int:
        return self.span(i)[1]

    def gap(self, i: int) -> str:
        """What lies between word i - 1 and word i."""
        return self.text[self.end(i - 1) if i else 0:self.start(i)]


class _Expressions:
    """The names of a text, each with its words (indices `first`..`last`), the head words
    before it (from `head_from`) and the qualifiers after it (to `tail_to`), and what
    coordination shares between neighbours: a column per field rather than an object per name.
    A text of megabytes names tens of thousands of places: a few lists of numbers are cheaper to
    make than as many objects, and no work for the garbage collector."""

    __slots__ = ("coordinated", "first", "head_from", "heads", "last", "led", "tail_to", "tails")

    def __init__(self, first: list[int], last: list[int]) -> None:
        self.first = first
        self.last = last
        self.head_from: list[int] = []
        self.tail_to: list[int] = []
        self.led: list[bool] = []                          # a head word before it ("منطقة دمر")
        self.heads: dict[int, tuple[str, ...]] = {}        # shared by coordination
        self.tails: dict[int, tuple[str, ...]] = {}
        self.coordinated: dict[int, tuple[int, ...]] = {}  # neighbours joined by "and"

    def __len__(self) -> int:
        return len(self.first)


# A name whose resolution waits for the whole text (ambiguous, unknown, or in need of evidence):
# a plain tuple (cheap to make, see `_Expressions`), its fields in this order. start, end: its span;
# sentence, paragraph: numbers; bare: one word, no head, no qualifier; single: one word of name;
# needs: the evidence it needs ("", "never", "head", "verb", "noun", "context", "initial");
# placed: a preposition of place right before it; role: "place" or "dateline"; n: its
# expression.
_Pending = tuple[int, int, str, int, int, bool, bool, str, bool, str, int]
# A query resolved with the text's hints alone: the match, and `_facts` of it.
_First = tuple["Match | None", str, str, "tuple[float, float] | None", bool, bool]


# Text words go into the automaton's stream between two marks, so that a key matches whole
# words only and two matches never share a character (as a separating space would).
_OPEN, _CLOSE = "\x01", "\x02"


class Geoparser:
    """Finds and resolves place mentions over one gazetteer; build once, parse many texts."""

    def __init__(self, gazetteer: Gazetteer, common: CommonWords | None = None) -> None:
        import ahocorasick

        self.gazetteer = gazetteer
        self.common = common or _bundled_common_words()
        self._automaton = ahocorasick.Automaton()
        self._words: set[str] = set()
        self._seen: dict[str, _Word] = {}   # word of text -> its analysis
        self._tokens: dict[str, str] = {}   # word of text -> its token in the stream (`_find`)
        self._queries: dict[tuple[str, ...], str] = {}  # words of a name -> the name as a query
        self._chunk_words = _ChunkWords(self._new_chunk)    # chunk of text -> its words,
        self._layouts: dict[str, tuple[tuple[int, int], ...]] = {}  # and where they lie in it,
        self._steps: dict[str, int] = {}    # and its step (see `_SHIFT`)
        self._alone: set[str] = set()       # words of text that may name a place alone
        entries: dict[str, tuple[int, str]] = {}  # key as matched -> (its words, its kind)
        for key in gazetteer.fold_keys():
            if len(key) >= 3 and not key.isdigit():
                self._add(entries, key, "place")
        for name in ORGANISATIONS:
            key = " ".join(fold_word(w) for w in normalize(name).translate(ARABIC_LETTERS).split())
            self._add(entries, key, "organisation")
        # The automaton looks a character up among a node's children one by one, in the order
        # they were added: keys added with their commonest characters first make that look-up
        # shorter (a third less time over English text).
        counts: collections.Counter[str] = collections.Counter()
        for marked in entries:
            counts.update(marked)
        by_count = {ord(c): chr(rank) for rank, (c, _) in enumerate(counts.most_common())}
        for marked in sorted(entries, key=lambda marked: marked.translate(by_count)):
            self._automaton.add_word(marked, entries[marked])
        self._automaton.make_automaton()

    def _add(self, entries: dict[str, tuple[int, str]], key: str, kind: str) -> None:
        words = key.split()
        self._words.update(words)
        marked = _OPEN + f"{_CLOSE}{_OPEN}".join(words) + _CLOSE
        current = entries.get(marked)
        if current is None or current[1] == "place":  # (an organisation's name is no place)
            entries[marked] = (len(words), kind)

    # --- words -------------------------------------------------------------------------------

    def _document(self, text: str) -> _Document:
        chunks = text.split(" ")
        if max(len(self._seen), len(self._layouts), len(self._queries)) > 500_000:  # (a bound on memory)
            for cache in (self._seen, self._tokens, self._alone, self._layouts, self._chunk_words, self._steps,
                          self._queries):
                cache.clear()
        return _Document(text, chunks, self._chunk_words, self._steps, self._layouts, self._seen)

    def _new_chunk(self, chunk: str) -> tuple[str, ...]:
        """The words of a chunk of text not seen before, and its layout, step and words put
        in the parser's caches (`_chunk_words` asks for them when a lookup misses)."""
        seen = self._seen
        found = list(_TOKEN.finditer(chunk))
        words = tuple(m.group() for m in found)
        for surface in words:
            if surface not in seen:
                word = seen[surface] = self._analyse(surface)
                # "مدينة" alone is no place, but the head of the next one; one English word
                # names a place only when capitalised, and is no demonym.
                if word.kind != "head" and (_ARABIC.match(surface) is not None or (
                        surface[:1].isupper() and word.norm not in DEMONYMS)):
                    self._alone.add(surface)
                # In the stream, a word is its key between marks, or a closing mark alone when it
                # is part of no name (a shorter stream to search), or nothing when it has no key
                # (a Latin article: "Deir ez-Zor" is found as "dayr zur").
                key = word.key
                self._tokens[surface] = _OPEN + key + _CLOSE if key in self._words else _CLOSE if key else ""
        # (The chunk last: a chunk in the caches has all its words analysed.)
        self._layouts[chunk] = tuple(m.span() for m in found)
        self._steps[chunk] = (len(found) << _SHIFT) + len(chunk) + 1
        dict.__setitem__(self._chunk_words, chunk, words)
        return words

    def _analyse(self, surface: str) -> _Word:
        """What one word of text is (see `_Word`)."""
        word = normalize(surface)
        if not _ARABIC.search(word):
            plain = surface
            if _POSSESSIVE.search(surface):  # "Hasakah's"
                plain, word = surface[:-2], word[:-1]
            key = "" if word in _LATIN_ARTICLES else fold_word(word)
            lead = 2 if _is_vague(word) else int(generic_of(word) is not None or word in DIRECTIONS)
            tail = (bool(generic_of(word)) | 2 * (word in DIRECTIONS) | 4 * (word in _PAIR_STARTS))
            return _Word(key, 0, plain, word, self.common.class_of(word), lead, tail, False,
                         bool(generic_of(word)))
        word = word.translate(ARABIC_LETTERS)
        kind = self.common.class_of(word)
        lead = 2 if _is_vague(word) else int(generic_of(word) is not None)
        key, cut, query, norm = self._arabic_key(surface, word)
        tail = int(norm in DIRECTIONS or (norm.startswith("ال") and norm[2:] in DIRECTIONS)
                   or norm in ARABIC_TAILS)
        clitic = word[:len(word) - len(norm)]
        return _Word(key, cut, query, norm, kind, lead, tail, "ب" in clitic, bool(generic_of(norm)))

    def _arabic_key(self, surface: str, word: str) -> tuple[str, int, str, str]:
        """(key, clitic length, word as a query, normalized word without clitic)."""
        key = fold_word(word)
        if key != word and key in DEMONYMS:  # the article came off: "السوري"
            return _DEMONYM, 0, surface, word
        if key in self._words:
            return key, 0, surface, word
        if word.startswith("لل"):  # li + al: "للشدادي" is "to al-Shaddadi"
            stripped = fold_word("ال" + word[2:])
            if stripped in self._words:
                cut = _surface_offset(surface, 1)
                return stripped, cut, "ا" + surface[cut:], word
        for clitic in ARABIC_CLITICS:
            if word.startswith(clitic) and len(word) > len(clitic) + 1:
                rest = word[len(clitic):]
                stripped = fold_word(rest)
                if stripped != rest and stripped in DEMONYMS:
                    return _DEMONYM, 0, surface, word
                if stripped in self._words:
                    cut = _surface_offset(surface, len(clitic))
                    return stripped, cut, surface[cut:], rest
        return key, 0, surface, word

    # --- parsing -----------------------------------------------------------------------------

    def parse(self, text: str, *, hints: Mapping[str, str] | None = None) -> list[Mention]:
        """Place mentions of `text`, in order; `hints` may give a `country` and an `admin1`.

        The cyclic garbage collector is paused meanwhile (and left as it was found): a long
        text makes tens of thousands of objects that live until the parse returns and form no
        cycle, and each of its sweeps would walk them all again, a cost that grows faster than
        the text. Reference counting frees them as usual.
        """
        if not gc.isenabled():
            return self._parse(text, hints)
        gc.disable()
        try:
            return self._parse(text, hints)
        finally:
            gc.enable()

    def _parse(self, text: str, hints: Mapping[str, str] | None) -> list[Mention]:
        hints = dict(hints or {})
        gaz, country, admin1 = self.gazetteer, hints.get("country"), hints.get("admin1")
        doc = self._document(text)
        ex = self._expressions(doc, *self._find(doc))
        datelines: set[int] = set()
        # One text names its places again and again: each query is resolved once. A name whose
        # match is sure needs nothing more and is a mention at once; the others wait for what
        # the whole text says (`_settle`).
        resolved: dict[str, _First] = {}
        resolved_get = resolved.get
        mentions: list[Mention | _Pending | None] = []
        append = mentions.append
        pending: list[int] = []      # where in `mentions` names wait
        matches: list[Match | None] = []
        needs_of: list[str] = []
        # A governorate named in a sentence steers the other names of that sentence; places
        # named with confidence in a paragraph pull its ambiguous names toward their centre.
        # Names that need evidence and datelines steer nothing.
        sentence_admin1: dict[int, str] = {}
        sums: dict[int, list[float]] = {}
        seen, surfaces = doc.seen, doc.surfaces
        before, chunks, layouts = doc.before, doc.chunks, doc.layouts
        chunk = previous_head = 0  # (the chunk of the last name's first word, and that word)
        last_chunk = len(before) - 1
        heads_of, tails_of = ex.heads.get, ex.tails.get
        shared = ex.heads.keys() | ex.tails.keys()
        # Sentences and paragraphs are told apart by an end between two names; only the names
        # that steer others or wait for them need to know theirs.
        sentence = paragraph = previous = 0
        queries = self._queries
        for n, (first, last, head_from, tail_to, led) in enumerate(
                zip(ex.first, ex.last, ex.head_from, ex.tail_to, ex.led)):
            # doc.span written out, this loop runs for every name; and its bisection kept to
            # the few chunks after the last name's (names come in order, a chunk holds a word
            # or two), where the memory it reads is at hand even in a text of megabytes.
            key = (head_from << _SHIFT) | _LOW
            window = chunk + 2 * (head_from - previous_head) + 8
            if window < last_chunk and before[window] > key:
                chunk = bisect_right(before, key, chunk, window) - 1
            else:
                chunk = bisect_right(before, key, chunk) - 1
            previous_head = head_from
            packed = before[chunk]
            at = packed & _LOW
            begin, end = layouts[chunks[chunk]][head_from - (packed >> _SHIFT)]
            word_start = at + begin
            if tail_to == head_from:
                end += at
            else:
                key, k = (tail_to << _SHIFT) | _LOW, chunk
                while before[k + 1] <= key:
                    k += 1
                packed = before[k]
                end = (packed & _LOW) + layouts[chunks[k]][tail_to - (packed >> _SHIFT)][1]
            head = seen[surfaces[head_from]]
            start = word_start + head.clitic
            if first == head_from:
                name_start, word = start, head
            else:
                word = seen[surfaces[first]]
                name_start = _span_after(doc, chunk, first)[0] + word.clitic
            if (word_start < 16 or "\n" in text[word_start - 16:word_start]) \
                    and _opens_paragraph(text, word_start):  # (a cheap test first)
                datelines.update(self._dateline(doc, ex, n, word_start))
            if head_from == tail_to:
                query = word.word
            else:
                words = surfaces[head_from:tail_to + 1]
                joined = queries.get(words)
                if joined is None:
                    joined = queries[words] = " ".join(map(_WORD, map(seen.__getitem__, words)))
                query = joined
            heads: tuple[str, ...] = ()
            tails: tuple[str, ...] = ()
            if n in shared:
                heads, tails = heads_of(n, ()), tails_of(n, ())
                query = " ".join(filter(None, [*heads, query, *tails]))
            bare = first == last == tail_to and head_from == first and not (heads or tails)
            needs = ""
            # A generic word after an English name ("About village") is evidence like a head;
            # a direction is not ("إلى الغرب" is "to the west"), nor one after an Arabic name,
            # where it is an adjective ("الفصائل العسكرية", the military factions).
            if word.kind and not (led or heads) \
                    and (_ARABIC.match(word.word)
                         or not (any(map(generic_of, map(_letters, tails)))
                                 or any(map(_GENERIC, map(seen.__getitem__, surfaces[last + 1:tail_to + 1]))))):
                needs = self._needs(doc, first, last)
            placed = needs in ("verb", "noun", "context") and self._placed(doc, head_from, word_start)
            role = "dateline" if datelines and n in datelines else "place"
            known = resolved_get(query)
            if known is None:
                match = gaz.resolve(query, country=country, admin1=admin1, near=None)
                known = resolved[query] = (match, *_facts(match)) if match is not None \
                    else (None, "", "", None, True, False)
            match, kind, area, point, small, sure = known
            matches.append(match)
            needs_of.append(needs)
            steers = match is not None and not needs and role == "place" and (kind == "admin1" or point is not None)
            waits = not sure or needs or (bare and small)
            if steers or waits:
                # An end of sentence: . ! ? ؟ ؛ or a line end. ("in" beats a regex at it, and
                # str.find, whose bounds are parsed at every call.)
                gap = text[previous:name_start]
                if "." in gap or "\n" in gap or "!" in gap or "?" in gap or "؟" in gap or "؛" in gap:
                    sentence += 1
                    paragraph += "\n" in gap
                previous = name_start
            if steers:
                if kind == "admin1":
                    sentence_admin1.setdefault(sentence, area)
                elif point is not None:
                    total = sums.get(paragraph)
                    if total is None:
                        total = sums[paragraph] = [0.0, 0.0, 0]
                    total[0] += point[0]
                    total[1] += point[1]
                    total[2] += 1
            if not waits:
                mention = _new(Mention)  # (see `_new`)
                _set_start(mention, start)
                _set_end(mention, end)
                _set_text(mention, text[start:end])
                _set_match(mention, match)
                _set_role(mention, role)
                append(mention)
            else:
                pending.append(len(mentions))
                append((start, end, query, sentence, paragraph, bare, first == last, needs, placed, role, n))
        if not pending:
            return mentions  # type: ignore[return-value]  # (all of them are Mentions)
        centres = {p: (lat / k, lon / k) for p, (lat, lon, k) in sums.items()}
        self._settle(text, mentions, pending, matches, needs_of, ex.coordinated, resolved,
                     sentence_admin1, centres, country, admin1)
        return [m for m in mentions if isinstance(m, Mention)]

    def _find(self, doc: _Document) -> tuple[list[int], list[int]]:
        """The first and the last word index of each name, leftmost-longest, organisations
        removed, one word alone only where it may name a place (`_alone`)."""
        surfaces = doc.surfaces
        tokens = list(map(self._tokens.__getitem__, surfaces))
        stream = "".join(tokens)
        # The stream's words are the text's but for those that left no token. The j-th of
        # these, text word w, would be stream word w - j: `gaps` lists those numbers, and
        # stream word s is text word s + (how many of them are <= s).
        gaps: list[int] = []
        at = -1
        try:
            while True:
                at = tokens.index("", at + 1)
                gaps.append(at - len(gaps))
        except ValueError:
            pass
        gaps.append(len(tokens))  # (a bound for the loops below)
        shift = 0  # how many gaps are <= the last match's last stream word
        count = stream.count
        alone = self._alone
        firsts: list[int] = []
        lasts: list[int] = []
        # Matches come in order: the closing marks counted since the last one tell which word
        # each ends at, in C and over the stream once.
        last, counted_to = -1, 0
        for end, (length, kind) in self._automaton.iter_long(stream):
            last += count(_CLOSE, counted_to, end + 1)
            counted_to = end + 1
            if kind == "organisation":
                continue  # the names inside it went with it
            while gaps[shift] <= last:
                shift += 1
            b = last + shift
            if length == 1:
                if surfaces[b] not in alone:
                    continue
                firsts.append(b)
            else:
                a, back = last - length + 1, shift
                while back and gaps[back - 1] > a:
                    back -= 1
                firsts.append(a + back)
            lasts.append(b)
        return firsts, lasts

    def _expressions(self, doc: _Document, firsts: list[int], lasts: list[int]) -> _Expressions:
        """Each name with the head words before it, the qualifiers after it, and the words it
        shares with a coordinated name: "قاعدتي الرميلان والمالكية" and "the Rmelan and
        Malikiya bases" both name two bases."""
        seen, surfaces = doc.seen, doc.surfaces
        size = len(surfaces)
        plural_heads = self.common.classes
        starts = set(firsts)
        ex = _Expressions(firsts, lasts)
        head_froms, tail_tos, leds = ex.head_from, ex.tail_to, ex.led
        coordinated, heads, tails = ex.coordinated, ex.heads, ex.tails
        previous_last = -1
        for n, (first, last) in enumerate(zip(firsts, lasts)):
            head_from, led = first, False
            if first - 1 > previous_last:
                word_before = seen[surfaces[first - 1]]
                if word_before.lead:
                    head_from = first - 1
                    while head_from - 1 > previous_last and first - head_from < 3 \
                            and seen[surfaces[head_from - 1]].lead:
                        head_from -= 1
                    led = True
                else:
                    # Evidence that a place follows: a head word (vague ones too: "منطقة دمر")
                    # or a plural one, which is not part of the name ("قرى حوض اليرموك").
                    led = plural_heads.get(word_before.norm) == "head"
            tail_to = last
            if last + 1 < size and seen[surfaces[last + 1]].tail:
                while tail_to + 1 < size and tail_to - last < 3 and seen[surfaces[tail_to + 1]].tail:
                    extra = _tail_length(doc, tail_to + 1)
                    if not extra:
                        break
                    tail_to += extra
                if tail_to != last and tail_to + 1 in starts and not doc.gap(tail_to + 1).strip():
                    tail_to = last  # "شمال شرقي سورية": the directions lead to the next name
            while head_from < first and seen[surfaces[head_from]].lead == 2:
                head_from += 1  # "منطقة كناكر": the mention is Kanaker
            if head_from == first and first - 1 > previous_last and word_before.key == "" \
                    and doc.gap(first) == "-":
                head_from = first - 1  # "al-Omar": the article is part of the name as written
            head_froms.append(head_from)
            tail_tos.append(tail_to)
            leds.append(led)
            # Coordination with the name before: only "and" (or a clitic و) between them.
            if n and head_from - previous_last <= 2 and _coordinated(doc, previous_last, head_from, first):
                m = n - 1
                coordinated[m] = coordinated.get(m, ()) + (n,)
                coordinated[n] = (m,)
                b_heads = tuple(map(_WORD, map(seen.__getitem__, surfaces[head_froms[m]:firsts[m]]))) \
                    if head_froms[m] < firsts[m] else heads.get(m, ())
                a_tails = tuple(map(_WORD, map(seen.__getitem__, surfaces[last + 1:tail_to + 1]))) \
                    if last < tail_to else ()
                if head_from == first and b_heads:
                    heads[n] = b_heads
                if previous_last == lasts[m] and a_tails and head_froms[m] == firsts[m]:
                    tails[m] = a_tails
            previous_last = tail_to
        return ex

    @staticmethod
    def _needs(doc: _Document, first: int, last: int) -> str:
        """What evidence a name with no head or qualifier needs, by the class of its words:
        "never", "head", "context" (a head, a preposition of place or coordination),
        "initial" (coordination, or the place's very name), or "" (see the module doc)."""
        if first != last:  # a generic word inside the name is its head: "حقل العمر"
            if doc[first].lead:
                return ""
            for i in range(first, last + 1):
                word = doc[i]
                if word.kind not in _NOT_A_NAME or word.lead:
                    return ""
            return "context"
        kind = doc[first].kind
        if kind == "head":
            return "never"
        if kind in ("function", "calendar", "given_name"):
            return "head"
        if kind in ("verb", "noun"):
            return kind
        if kind == "word" and _starts_sentence(doc, first):
            return "initial"
        return ""

    def _placed(self, doc: _Document, i: int, start: int) -> bool:
        """True when a preposition of place stands right before word i, which begins at `start`
        ("في دمر", "بدمر")."""
        if doc[i].place_clitic:
            return True
        return i > 0 and doc.text[doc.end(i - 1):start].isspace() and doc[i - 1].norm in self.common.prepositions

    def _dateline(self, doc: _Document, ex: _Expressions, n: int, start: int) -> list[int]:
        """The expressions from `n` on that make a dateline: at the start of a paragraph, names
        followed by only a date or an agency before a dash ("DAMASCUS (AP) —"); or none."""
        text = doc.text
        dash = _DATELINE_DASH.search(text, doc.end(ex.tail_to[n]), start + 160)
        if dash is None or "\n" in text[start:dash.start()]:
            return []
        members = list(itertools.takewhile(
            lambda m: doc.end(ex.tail_to[m]) <= dash.start(), range(n, len(ex))))
        rest, last = [], start
        for m in members:
            rest.append(text[last:doc.start(ex.head_from[m])])
            last = doc.end(ex.tail_to[m])
        rest.append(text[last:dash.start()])
        return members if self._only_date(_AGENCY.sub(" ", " ".join(rest))) else []

    def _only_date(self, rest: str) -> bool:
        """True when `rest` holds nothing but dates and punctuation ("، 14 آذار/مارس")."""
        for word in _TOKEN.findall(rest):
            norm = _letters(word)
            if not (norm.isdigit() or self.common.classes.get(norm) == "calendar"
                    or _ORDINAL.fullmatch(norm)):
                return False
        return True

    # --- resolving ---------------------------------------------------------------------------

    def _settle(self, text: str, mentions: list[Mention | _Pending | None], pending: list[int],
                matches: list[Match | None], needs_of: list[str], coordinated: dict[int, tuple[int, ...]],
                resolved: dict[str, _First], sentence_admin1: dict[int, str],
                centres: dict[int, tuple[float, float]], country: str | None, admin1: str | None) -> None:
        """Put in `mentions`, at the `pending` places, the Mention that each waiting name makes
        once the whole text is read, or None."""
        gaz = self.gazetteer
        memo: dict[tuple[str, str | None, tuple[float, float] | None], Match | None] = {}
        settled: dict[int, Match] = {}  # id of a match (held by `memo`) -> it with method "context"

        def resolve(query: str, local: str | None, near: tuple[float, float] | None) -> Match | None:
            if local == admin1 and near is None:
                return resolved[query][0]
            key = (query, local, near)
            if key not in memo:
                memo[key] = gaz.resolve(query, country=country, admin1=local, near=near)
            return memo[key]

        def in_context(match: Match) -> Match:
            if id(match) not in settled:
                settled[id(match)] = replace(match, method="context")
            return settled[id(match)]

        for at in pending:
            start, end, query, sentence, paragraph, bare, single, needs, placed, role, n = mentions[at]  # type: ignore[misc]
            mentions[at] = None
            match = matches[n]
            local = sentence_admin1.get(sentence) if sentence_admin1 else None
            if match is None or match.ambiguous:
                better = resolve(query, local or admin1, None if local else centres.get(paragraph))
                # Context that settles nothing (every candidate far from the places named with
                # confidence) lowers the score without choosing: the name stays as it was.
                if better is not None and (match is None or better.place.id != match.place.id
                                           or better.ambiguous != match.ambiguous) and (
                        match is None or local or better.score >= CONFIDENT_SCORE):
                    match = in_context(better)
            if needs and not self._evidenced(needs, placed, query, match, coordinated.get(n, ()),
                                             needs_of, matches):
                continue
            if match is None:
                if bare or single:
                    continue  # one unknown word, or one beside a generic word ("الفصائل العسكرية")
            elif bare and _facts(match)[3] and not (local is not None and match.place.admin1 == local):
                continue  # a small village named bare, unless its governorate is named with it
            mentions[at] = Mention(start, end, text[start:end], match, role)

    @staticmethod
    def _evidenced(needs: str, placed: bool, query: str, match: Match | None, coordinated: tuple[int, ...],
                   needs_of: list[str], matches: list[Match | None]) -> bool:
        """Whether a bare name (`query`, which needs `needs`, is `placed` after a preposition and
        coordinated with the names `coordinated`) has the evidence its class needs (see the
        module doc)."""
        if needs in ("never", "head"):
            return False  # (a head word before it would have left it needing nothing)

        def confident(m: int) -> bool:
            other = matches[m]
            return (other is not None and not other.ambiguous and other.score >= CONFIDENT_SCORE
                    and not needs_of[m])

        if any(confident(m) for m in coordinated):
            return True
        if needs in ("context", "verb"):
            return placed  # a preposition is no evidence for a name that is also a noun
        if match is None:
            return False
        if needs == "noun":
            # ...but it is with a place we keep ourselves: "في الباب" is al-Bab, "في بيان" is
            # "in a statement", not Bayan in Kuwait. A governorate's name outweighs the noun.
            return (placed and (match.place.curated or match.place.kind in _AREAS)) \
                or _names_an_area(match, query)
        # "initial": the word opens a sentence; its match must be the place's very name.
        return normalize(match.matched_name) == normalize(query)


def _facts(match: Match) -> tuple[str, str, tuple[float, float] | None, bool, bool]:
    """What the text's other names learn from a match: (kind, admin1, the point when it is
    named with confidence, too small to be named bare, not ambiguous)."""
    place = match.place
    confident = not match.ambiguous and match.score >= CONFIDENT_SCORE and place.kind in ("settlement", "site")
    return (place.kind, place.admin1, (place.lat, place.lon) if confident else None, _needs_evidence(match),
            not match.ambiguous)


def _names_an_area(match: Match, query: str) -> bool:
    """True when the name is that of a governorate or a country ("حماة"), as the match or a
    namesake among its candidates."""
    key = fold(query)
    return any(m.place.kind in ("admin1", "country") and m.method != "fuzzy" and fold(m.matched_name) == key
               for m in (match, *match.candidates))


# A dateline: names, then perhaps a date and an agency in brackets, then a dash (spaced, so
# that "Deir ez-Zor" is not cut) or a colon.
_DATELINE_DASH = re.compile(r"\s[-–—]+(?=\s|$)|(?<=\))[-–—]+|[:：](?=\s)")
_AGENCY = re.compile(r"\([^()\n]{1,40}\)|[,،/.]")
_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th)")
_BLANK = " \t\r\u00a0"


def _opens_paragraph(text: str, start: int) -> bool:
    """True when `start` begins the text or follows an empty line (spaces aside)."""
    i = start
    while i and text[i - 1] in _BLANK:
        i -= 1
    if i == 0:
        return True
    if text[i - 1] != "\n":
        return False
    i -= 1
    while i and text[i - 1] in _BLANK:
        i -= 1
    return i == 0 or text[i - 1] == "\n"
_OPENS_SENTENCE = re.compile(r"[.!?؟؛:\n]")


def _starts_sentence(doc: _Document, i: int) -> bool:
    """True for the first word of a text, of a line, or after a full stop or a colon."""
    return i == 0 or bool(_OPENS_SENTENCE.search(doc.gap(i)))


def _surface_offset(surface: str, letters: int) -> int:
    """Characters of `surface` covering its first `letters` letters (marks ride along)."""
    seen = 0
    for i, c in enumerate(surface):
        if seen == letters and not ("\u064b" <= c <= "\u065f" or c == "\u0640"):
            return i
        if not ("\u064b" <= c <= "\u065f" or c == "\u0640"):
            seen += 1
    return len(surface)


def _letters(word: str) -> str:
    return normalize(word).translate(ARABIC_LETTERS)


def _is_vague(norm: str) -> bool:
    generic = generic_of(norm)
    return generic is not None and not generic


def _tail_length(words: _Document, i: int) -> int:
    """Words at `i` that qualify the name before them: Arabic directions and adjectives,
    English generic words ("gas field", "countryside"); 0 when there are none."""
    tail = words[i].tail
    if tail & 2 and i + 1 < len(words) and words[i + 1].tail and _tail_length(words, i + 1):
        return 1  # "Hasakah's southern countryside"
    if tail & 4 and i + 1 < len(words) and generic_of(f"{words[i].norm} {words[i + 1].norm}"):
        return 2
    return tail & 1


def _span_after(doc: _Document, chunk: int, i: int) -> tuple[int, int]:
    """`doc.span(i)` for a word i in chunk `chunk` or a little after it."""
    before = doc.before
    key = (i << _SHIFT) | _LOW
    while before[chunk + 1] <= key:
        chunk += 1
    packed = before[chunk]
    begin, end = doc.layouts[doc.chunks[chunk]][i - (packed >> _SHIFT)]
    at = packed & _LOW
    return at + begin, at + end


def _coordinated(doc: _Document, before_end: int, after_start: int, after_first: int) -> bool:
    """True when only "and" (or a clitic و) stands between two names, in one sentence: "...
    al-Omar field. ودُمّر المنزل" opens a new sentence with a verb, not a second name."""
    gap = after_start - before_end - 1
    if gap == 0:
        joined = doc[after_first].clitic > 0 and doc.surface(after_first).startswith("و")
    else:
        joined = gap == 1 and normalize(doc.surface(before_end + 1)) in _COORDINATORS
    return joined and not any(_ENDS_SENTENCE.intersection(doc.gap(k))
                              for k in range(before_end + 1, after_start + 1))


def _needs_evidence(match: Match | None) -> bool:
    """A bare word that is unknown or only a small uncurated village is not a mention."""
    if match is None:
        return True
    place = match.place
    return not place.curated and place.kind == "settlement" and place.population < MIN_BARE_POPULATION


def geoparse(text: str, *, hints: Mapping[str, str] | None = None,
             gazetteer: Gazetteer | None = None) -> list[Mention]:
    """Place mentions of a text, resolved (see `Geoparser`) by the gazetteer's own geoparser
    (`Gazetteer.geoparser`); by default the user's (`Gazetteer.default`), as their data
    folder holds it now.

    >>> [m.text for m in geoparse("قصف على قاعدة الشدادي بريف الحسكة")]
    ['قاعدة الشدادي', 'ريف الحسكة']
    """
    return (gazetteer or _default_gazetteer()).geoparser().parse(text, hints=hints)


def _default_gazetteer() -> Gazetteer:
    """`Gazetteer.default()` of the data folder ($INCIDENT_MAPPER_DATA) as it is now: the one
    loaded before while neither the folder nor its imports changed."""
    folder = user_data_dir()
    return _loaded_default(folder, imports_state(folder))


@lru_cache(maxsize=1)
def _loaded_default(folder: Path, state: tuple[tuple[str, int, int], ...]) -> Gazetteer:
    return Gazetteer.default(folder)   # `state` is the key: another import, another load


__all__ = ["CommonWords", "Geoparser", "Mention", "geoparse"]

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
"""

from __future__ import annotations

import bisect
import itertools
import operator
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple
from functools import lru_cache

from .fold import (
    ARABIC_CLITICS, ARABIC_LETTERS, DIRECTIONS, fold_word, generic_of, normalize,
)
from .index import Gazetteer
from .place import Match

_TOKEN = re.compile(r"[\w\u0610-\u061a\u064b-\u065f\u0670\u0640]+(?:['’‘ʿʾ`][\w]+)*")
_SENTENCE_END = re.compile(r"[.!?؟؛\n]+")
_PARAGRAPH_END = re.compile(r"\n\s*\n|\n")
_LATIN_ARTICLES = frozenset("al el ul il as ash es esh ad adh ed at ath et ar er az ez an en ech".split())
_ARABIC = re.compile("[\u0600-\u06ff]")
_COORDINATORS = frozenset({"و", "and", "or", "او", "ثم"})
_DEMONYM = "\0demonym"  # key of a demonym token: never part of a name

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
# Common words that are also the name of some village: never a mention without a head word.
STOPWORDS = frozenset(fold_word(w) for w in
    "الي علي عن عنه عنها من في مع بين بعد قبل حول ضد ان انه كان قد لم لا ما هذا هذه ذلك تلك التي الذي "
    "بيان قال قالت امس اليوم غدا فجر مساء صباح ظهر ليل كانون تشرين شباط اذار نيسان ايار حزيران تموز اب "
    "ايلول يناير فبراير مارس ابريل مايو يونيو يوليو اغسطس سبتمبر اكتوبر نوفمبر ديسمبر "
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june "
    "july august september october november december "
    # Given names that are also the core of a site's name: "Omar" alone is a man, "العمر" an age.
    "عمر omar umar علي ali حسن hasan hassan حسين husayn hussein زينب zaynab zeinab".split())
# Words after a name that qualify it (Arabic adjectives follow their noun).
ARABIC_TAILS = frozenset({"نفطي", "النفطي", "للغاز", "الغازي", "الجويه", "العسكري", "العسكريه"})
# A settlement this small, not curated and named by one bare word, needs a head word first.
MIN_BARE_POPULATION = 10_000


@dataclass(frozen=True, slots=True)
class Mention:
    """A place named in a text: code-point offsets `start`..`end`, the text as written, the match."""

    start: int
    end: int
    text: str
    match: Match | None

    def as_dict(self) -> dict:
        """The JSON shape of `incident-map geoparse --json`."""
        return {"start": self.start, "end": self.end, "text": self.text,
                "match": self.match.as_dict() if self.match else None}


class _Token(NamedTuple):
    """One word of a text (a tuple: made by the thousand, it must be cheap)."""

    start: int
    end: int
    surface: str
    key: str          # folded form; "" for words that are never part of a name
    clitic: int       # leading characters that are a clitic, not the word
    word: str = ""    # the word as a query: without clitic or possessive ("للشدادي" -> "الشدادي")
    norm: str = ""    # normalized, Arabic letter variants folded: for generic-word tests


@dataclass(slots=True)
class _Expression:
    """A name's tokens with its heads and qualifiers, and the words it shares by coordination."""

    first: int
    last: int
    head_from: int
    tail_to: int
    heads: list[str] = field(default_factory=list)
    tails: list[str] = field(default_factory=list)


class _Tokens:
    """The words of a text: analysed up front (cheap, cached per word), but made into `_Token`
    objects only where a name was found, which is most of the saving on long texts."""

    def __init__(self, matches: list[re.Match], analyses: list[tuple[str, int, str, str]]) -> None:
        self.matches = matches
        self.analyses = analyses
        self._built: list[_Token | None] = [None] * len(matches)

    def __len__(self) -> int:
        return len(self.matches)

    def __getitem__(self, index: int) -> _Token:
        token = self._built[index]
        if token is None:
            m = self.matches[index]
            token = self._built[index] = _Token(m.start(), m.end(), m.group(), *self.analyses[index])
        return token

    def span(self, first: int, last: int) -> list[_Token]:
        """Tokens `first` to `last`, both included."""
        return [self[i] for i in range(max(first, 0), min(last + 1, len(self.matches)))]


class Geoparser:
    """Finds and resolves place mentions over one gazetteer; build once, parse many texts."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        import ahocorasick

        self.gazetteer = gazetteer
        self._automaton = ahocorasick.Automaton()
        self._words: set[str] = set()
        self._seen: dict[str, tuple[str, int, str, str]] = {}  # word of text -> its analysis
        for place, keys in gazetteer.keyed():
            for key in keys.fold:
                if len(key) >= 3 and not key.isdigit():
                    self._add(key, "place")
        for name in ORGANISATIONS:
            key = " ".join(fold_word(w) for w in normalize(name).translate(ARABIC_LETTERS).split())
            self._add(key, "organisation")
        self._automaton.make_automaton()

    def _add(self, key: str, kind: str) -> None:
        words = key.split()
        self._words.update(words)
        padded = f" {key} "
        current = self._automaton.get(padded, None)
        if current is None or current[1] == "place":
            self._automaton.add_word(padded, (len(words), kind, len(padded)))

    # --- tokens ------------------------------------------------------------------------------

    def _tokens(self, text: str) -> _Tokens:
        matches = list(_TOKEN.finditer(text))
        seen = self._seen
        if len(seen) > 500_000:
            seen.clear()
        surfaces = [m.group() for m in matches]
        analyses: list[Any] = list(map(seen.get, surfaces))  # most words were seen before
        for i, analysis in enumerate(analyses):
            if analysis is None:
                analyses[i] = seen[surfaces[i]] = self._analyse(surfaces[i])
        return _Tokens(matches, analyses)

    def _analyse(self, surface: str) -> tuple[str, int, str, str]:
        """(key, clitic length, word as a query, normalized word) of one word of text."""
        word = normalize(surface)
        if not _ARABIC.search(word):
            plain = surface
            if re.search(r"['’]s$", surface):  # "Hasakah's"
                plain, word = surface[:-2], word[:-1]
            if word in _LATIN_ARTICLES:
                return "", 0, plain, word
            return fold_word(word), 0, plain, word
        word = word.translate(ARABIC_LETTERS)
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
        """Place mentions of `text`, in order; `hints` may give a `country` and an `admin1`."""
        hints = dict(hints or {})
        tokens = self._tokens(text)
        spans = self._find(tokens)
        sentences = [m.end() for m in _SENTENCE_END.finditer(text)] + [len(text) + 1]
        breaks = [m.end() for m in _PARAGRAPH_END.finditer(text)] + [len(text) + 1]

        def paragraph_of(offset: int) -> int:
            return bisect.bisect_right(breaks, offset)

        found = []
        for first, last, head_from, tail_to, heads, tails in self._expressions(text, tokens, spans):
            name_start = tokens[first].start + tokens[first].clitic
            query_words = [_strip_clitic(t) for t in tokens.span(head_from, tail_to)]
            query = " ".join(w for w in [*heads, *query_words, *tails] if w)
            inherited = heads or tails
            start = tokens[head_from].start + tokens[head_from].clitic
            end = tokens[tail_to].end
            sentence = bisect.bisect_right(sentences, name_start)
            bare = first == last == tail_to and head_from == first and not inherited
            found.append((start, end, query, sentence, paragraph_of(name_start), bare, first == last))
        return self._resolve(text, found, hints)

    def _find(self, tokens: _Tokens) -> list[tuple[int, int]]:
        """(first, last) token indices of names, leftmost-longest, organisations removed."""
        keys = [a[0] for a in tokens.analyses]
        stream_tokens = [i for i, k in enumerate(keys) if k]
        pieces = [keys[i] for i in stream_tokens]
        # Offset of each word in the stream -> its index in `stream_tokens`.
        offsets = map(operator.add, itertools.accumulate(map(len, pieces), initial=1), itertools.count())
        starts = dict(zip(offsets, range(len(pieces))))
        stream = " " + " ".join(pieces) + " "
        hits = []
        matches = tokens.matches
        for end, (length, kind, width) in self._automaton.iter(stream):
            first = starts.get(end - width + 2)  # the padded key " a b " ends at `end`
            if first is None:
                continue
            if length == 1 and kind == "place":
                initial = matches[stream_tokens[first]].group()[0]
                if initial.islower() and initial.isascii():
                    continue  # one lower-case English word is not a proper noun
            hits.append((first, first + length - 1, kind))
        hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
        chosen, blocked_until = [], -1
        # Hits come sorted by start: the organisations begun so far are summed up by the
        # furthest end any of them reaches, so a name inside one is one comparison, not a scan.
        organisation_until = -1
        for a, b, kind in hits:
            if kind == "organisation":
                organisation_until = max(organisation_until, b)
                continue
            if a <= blocked_until or b <= organisation_until:
                continue
            chosen.append((stream_tokens[a], stream_tokens[b]))
            blocked_until = b
        return [(a, b) for a, b in chosen if not self._false_friend(tokens, a, b)]

    def _false_friend(self, tokens: _Tokens, first: int, last: int) -> bool:
        if first != last:
            return False
        token = tokens[first]
        if token.key == _DEMONYM:
            return True
        if not _ARABIC.search(token.surface):
            if token.key in DEMONYMS:
                return True
            # A single English word names a place only when capitalised like a proper noun.
            return not token.surface[:1].isupper() or token.key in STOPWORDS
        return False

    def _expressions(self, text: str, tokens: _Tokens, spans: list[tuple[int, int]]):
        """Each name with the head words before it, the qualifiers after it, and the words it
        shares with a coordinated name: "قاعدتي الرميلان والمالكية" and "the Rmelan and
        Malikiya bases" both name two bases."""
        starts = {first for first, _ in spans}
        found = []
        previous_last = -1
        for first, last in spans:
            head_from = first
            while head_from - 1 > previous_last and first - head_from < 3 and _is_head(tokens[head_from - 1]):
                head_from -= 1
            tail_to = last
            while tail_to + 1 < len(tokens) and tail_to - last < 3:
                extra = _tail_length(tokens, tail_to + 1)
                if not extra:
                    break
                tail_to += extra
            if tail_to + 1 in starts:
                tail_to = last  # "شمال شرقي سورية": the directions lead to the next name
            while head_from < first and _is_vague(tokens[head_from]):
                head_from += 1  # "منطقة كناكر": the mention is Kanaker
            if head_from == first and first - 1 > previous_last and tokens[first - 1].key == "" \
                    and text[tokens[first - 1].end:tokens[first].start] == "-":
                head_from = first - 1  # "al-Omar": the article is part of the name as written
            found.append(_Expression(first, last, head_from, tail_to))
            previous_last = tail_to
        for before, after in zip(found, found[1:]):
            if not self._coordinated(tokens, before.tail_to, after.head_from, after.first):
                continue
            b_heads = [_strip_clitic(t) for t in tokens.span(before.head_from, before.first - 1)] \
                or before.heads
            a_tails = [_strip_clitic(t) for t in tokens.span(after.last + 1, after.tail_to)]
            if after.head_from == after.first and b_heads:
                after.heads = b_heads
            if before.tail_to == before.last and a_tails and before.head_from == before.first:
                before.tails = a_tails
        for e in found:
            yield e.first, e.last, e.head_from, e.tail_to, e.heads, e.tails

    @staticmethod
    def _coordinated(tokens: _Tokens, before_end: int, after_start: int, after_first: int) -> bool:
        """True when only "and" (or a clitic و) stands between two names."""
        gap = after_start - before_end - 1
        if gap == 0:
            return tokens[after_first].clitic > 0
        return gap == 1 and normalize(tokens[before_end + 1].surface) in _COORDINATORS

    # --- resolving ---------------------------------------------------------------------------

    def _resolve(self, text: str, found: list[tuple[int, int, str, int, int, bool, bool]],
                 hints: dict[str, str]) -> list[Mention]:
        gaz = self.gazetteer
        country = hints.get("country")
        admin1 = hints.get("admin1")
        first_pass = [gaz.resolve(f[2], country=country, admin1=admin1) for f in found]
        # A governorate named in a sentence steers the other names of that sentence; places
        # named with confidence in a paragraph pull its ambiguous names toward them.
        sentence_admin1: dict[int, str] = {}
        paragraph_points: dict[int, list[tuple[float, float]]] = {}
        for (_, _, _, sentence, paragraph, _, _), match in zip(found, first_pass):
            if match is None:
                continue
            if match.place.kind == "admin1":
                sentence_admin1.setdefault(sentence, match.place.admin1)
            elif not match.ambiguous and match.score >= 0.85 and match.place.kind in ("settlement", "site"):
                paragraph_points.setdefault(paragraph, []).append((match.place.lat, match.place.lon))
        mentions = []
        for (start, end, query, sentence, paragraph, bare, single), match in zip(found, first_pass):
            local = sentence_admin1.get(sentence)
            if match is None or match.ambiguous:
                points = paragraph_points.get(paragraph)
                near = None
                if not local and points:
                    near = (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))
                better = gaz.resolve(query, country=country, admin1=local or admin1, near=near)
                if better is not None and (match is None or better.place.id != match.place.id
                                           or better.ambiguous != match.ambiguous):
                    match = replace(better, method="context")
            supported = match is not None and local is not None and match.place.admin1 == local
            if bare and not supported and _needs_evidence(query, match):
                continue
            if match is None and single:
                continue  # one unknown word with a generic word beside it: "الفصائل العسكرية"
            mentions.append(Mention(start, end, text[start:end], match))
        return mentions


def _surface_offset(surface: str, letters: int) -> int:
    """Characters of `surface` covering its first `letters` letters (marks ride along)."""
    seen = 0
    for i, c in enumerate(surface):
        if seen == letters and not ("\u064b" <= c <= "\u065f" or c == "\u0640"):
            return i
        if not ("\u064b" <= c <= "\u065f" or c == "\u0640"):
            seen += 1
    return len(surface)


def _strip_clitic(token: _Token) -> str:
    return token.word or token.surface[token.clitic:]


def _is_head(token: _Token) -> bool:
    """Generic words before a name; English direction words too ("eastern Deir ez-Zor")."""
    word = token.norm
    if _ARABIC.search(word):
        return generic_of(word) is not None
    return generic_of(word) is not None or word in DIRECTIONS


def _tail_length(tokens: _Tokens, i: int) -> int:
    """Words at `i` that qualify the name before them: Arabic directions and adjectives,
    English generic words ("gas field", "countryside"); 0 when there are none."""
    word = tokens[i].norm
    if _ARABIC.search(word):
        return int(word in DIRECTIONS or (word.startswith("ال") and word[2:] in DIRECTIONS)
                   or word in ARABIC_TAILS)
    if word in DIRECTIONS and i + 1 < len(tokens) and _tail_length(tokens, i + 1):
        return 1  # "Hasakah's southern countryside"
    if i + 1 < len(tokens) and generic_of(f"{word} {tokens[i + 1].norm}"):
        return 2
    return 1 if generic_of(word) else 0


def _is_vague(token: _Token) -> bool:
    generic = generic_of(token.norm)
    return generic is not None and not generic


def _needs_evidence(query: str, match: Match | None) -> bool:
    """A bare word that is common, unknown, or only a small uncurated village is not a mention."""
    if match is None or fold_word(normalize(query).translate(ARABIC_LETTERS)) in STOPWORDS:
        return True
    place = match.place
    return not place.curated and place.kind == "settlement" and place.population < MIN_BARE_POPULATION


@lru_cache(maxsize=4)
def _default_parser(gazetteer: Gazetteer) -> Geoparser:
    return Geoparser(gazetteer)


def geoparse(text: str, *, hints: Mapping[str, str] | None = None,
             gazetteer: Gazetteer | None = None) -> list[Mention]:
    """Place mentions of a text, resolved (see `Geoparser`).

    >>> [m.text for m in geoparse("قصف على قاعدة الشدادي بريف الحسكة")]
    ['قاعدة الشدادي', 'بريف الحسكة']
    """
    return _default_parser(gazetteer or _default_gazetteer()).parse(text, hints=hints)


@lru_cache(maxsize=1)
def _default_gazetteer() -> Gazetteer:
    return Gazetteer.default()


__all__ = ["Geoparser", "Mention", "geoparse"]

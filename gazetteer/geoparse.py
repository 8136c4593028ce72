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

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import lru_cache

from .fold import (
    ARABIC_CLITICS, ARABIC_LETTERS, DIRECTIONS, Generic, _fold_word, _generic, normalize,
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
STOPWORDS = frozenset(
    "الي علي عن عنه عنها من في مع بين بعد قبل حول ضد ان انه كان قد لم لا ما هذا هذه ذلك تلك التي الذي "
    "بيان قال قالت امس اليوم غدا فجر مساء صباح ظهر ليل كانون تشرين شباط اذار نيسان ايار حزيران تموز اب "
    "ايلول يناير فبراير مارس ابريل مايو يونيو يوليو اغسطس سبتمبر اكتوبر نوفمبر ديسمبر "
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june "
    "july august september october november december "
    # Given names that are also the core of a site's name: "Omar" alone is a man, "العمر" an age.
    "عمر omar umar علي ali حسن hasan hassan حسين husayn hussein زينب zaynab zeinab".split()
)
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


@dataclass(frozen=True, slots=True)
class _Token:
    start: int
    end: int
    surface: str
    key: str          # folded form; "" for words that are never part of a name
    clitic: int       # leading characters that are a clitic, not the word
    word: str = ""    # the word as a query: without clitic or possessive ("للشدادي" -> "الشدادي")


class Geoparser:
    """Finds and resolves place mentions over one gazetteer; build once, parse many texts."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        import ahocorasick

        self.gazetteer = gazetteer
        self._automaton = ahocorasick.Automaton()
        self._words: set[str] = set()
        for place, keys in gazetteer.keyed():
            for key in keys.fold:
                if len(key) >= 3 and not key.isdigit():
                    self._add(key, "place")
        for name in ORGANISATIONS:
            key = " ".join(_fold_word(w) for w in normalize(name).translate(ARABIC_LETTERS).split())
            self._add(key, "organisation")
        self._automaton.make_automaton()

    def _add(self, key: str, kind: str) -> None:
        words = key.split()
        self._words.update(words)
        padded = f" {key} "
        current = self._automaton.get(padded, None)
        if current is None or current[1] == "place":
            self._automaton.add_word(padded, (len(words), kind))

    # --- tokens ------------------------------------------------------------------------------

    def _token(self, m: re.Match) -> _Token:
        surface = m.group()
        start, end = m.start(), m.end()
        word = normalize(surface)
        if not _ARABIC.search(word):
            plain = surface
            if re.search(r"['’]s$", surface):  # "Hasakah's"
                plain, word = surface[:-2], word[:-1]
            if word in _LATIN_ARTICLES:
                return _Token(start, end, surface, "", 0, plain)
            return _Token(start, end, surface, _fold_word(word), 0, plain)
        word = word.translate(ARABIC_LETTERS)
        key = _fold_word(word)
        if key != word and key in DEMONYMS:  # the article came off: "السوري"
            return _Token(start, end, surface, _DEMONYM, 0)
        if key in self._words:
            return _Token(start, end, surface, key, 0, surface)
        if word.startswith("لل"):  # li + al: "للشدادي" is "to al-Shaddadi"
            stripped = _fold_word("ال" + word[2:])
            if stripped in self._words:
                cut = _surface_offset(surface, 1)
                return _Token(start, end, surface, stripped, cut, "ا" + surface[cut:])
        for clitic in ARABIC_CLITICS:
            if word.startswith(clitic) and len(word) > len(clitic) + 1:
                rest = word[len(clitic):]
                stripped = _fold_word(rest)
                if stripped != rest and stripped in DEMONYMS:
                    return _Token(start, end, surface, _DEMONYM, 0)
                if stripped in self._words:
                    cut = _surface_offset(surface, len(clitic))
                    return _Token(start, end, surface, stripped, cut, surface[cut:])
        return _Token(start, end, surface, key, 0, surface)

    # --- parsing -----------------------------------------------------------------------------

    def parse(self, text: str, *, hints: Mapping[str, str] | None = None) -> list[Mention]:
        """Place mentions of `text`, in order; `hints` may give a `country` and an `admin1`."""
        hints = dict(hints or {})
        tokens = [self._token(m) for m in _TOKEN.finditer(text)]
        spans = self._find(tokens)
        sentences = [m.end() for m in _SENTENCE_END.finditer(text)] + [len(text) + 1]
        breaks = [m.end() for m in _PARAGRAPH_END.finditer(text)] + [len(text) + 1]

        def paragraph_of(offset: int) -> int:
            return next(i for i, stop in enumerate(breaks) if offset < stop)

        found = []
        for first, last, head_from, tail_to, inherited in self._expressions(text, tokens, spans):
            name_start = tokens[first].start + tokens[first].clitic
            query_words = [_strip_clitic(t) for t in tokens[head_from:tail_to + 1]]
            query = " ".join(w for w in [*inherited, *query_words] if w)
            start = tokens[head_from].start + tokens[head_from].clitic
            end = tokens[tail_to].end
            sentence = next(i for i, stop in enumerate(sentences) if name_start < stop)
            bare = first == last == tail_to and head_from == first and not inherited
            found.append((start, end, query, sentence, paragraph_of(name_start), bare, first == last))
        return self._resolve(text, found, hints)

    def _find(self, tokens: list[_Token]) -> list[tuple[int, int]]:
        """(first, last) token indices of names, leftmost-longest, organisations removed."""
        stream_tokens = [i for i, t in enumerate(tokens) if t.key]
        pieces, offsets, pos = [], [], 0
        for i in stream_tokens:
            offsets.append(pos + 1)
            pieces.append(tokens[i].key)
            pos += len(tokens[i].key) + 1
        stream = " " + " ".join(pieces) + " "
        starts = {o: n for n, o in enumerate(offsets)}
        hits = []
        for end, (length, kind) in self._automaton.iter(stream):
            # `end` is the closing space of the padded key; find the word where the key begins.
            words_before = stream.count(" ", 0, end) - length
            first = words_before - 1 + 1
            if first < 0 or first + length > len(stream_tokens) or offsets[first] not in starts:
                continue
            hits.append((first, first + length - 1, kind))
        hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
        chosen, blocked_until = [], -1
        organisations = [(a, b) for a, b, kind in hits if kind == "organisation"]
        for a, b, kind in hits:
            if a <= blocked_until or kind == "organisation":
                continue
            if any(oa <= a and b <= ob for oa, ob in organisations):
                continue
            chosen.append((stream_tokens[a], stream_tokens[b]))
            blocked_until = b
        return [(a, b) for a, b in chosen if not self._false_friend(tokens, a, b)]

    def _false_friend(self, tokens: list[_Token], first: int, last: int) -> bool:
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

    def _expressions(self, text: str, tokens: list[_Token], spans: list[tuple[int, int]]):
        """Each name with the head words before it and qualifiers after it."""
        previous_head: list[str] = []
        previous_last = -1
        starts = {first for first, _ in spans}
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
            heads = [_strip_clitic(t) for t in tokens[head_from:first]]
            inherited: list[str] = []
            between = tokens[previous_last + 1:head_from]
            if not heads and previous_head and len(between) <= 1 and all(
                    normalize(t.surface) in _COORDINATORS for t in between) and (
                    between or tokens[first].clitic):
                inherited = previous_head  # "قاعدتي الرميلان والمالكية": both are bases
            yield first, last, head_from, tail_to, inherited
            previous_head = heads or inherited
            previous_last = tail_to

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
    word = normalize(token.surface).translate(ARABIC_LETTERS)
    if _ARABIC.search(word):
        return _generic(word) is not None
    return _generic(word) is not None or word in DIRECTIONS


def _tail_length(tokens: list[_Token], i: int) -> int:
    """Words at `i` that qualify the name before them: Arabic directions and adjectives,
    English generic words ("gas field", "countryside"); 0 when there are none."""
    word = normalize(tokens[i].surface).translate(ARABIC_LETTERS)
    if _ARABIC.search(word):
        return int(word in DIRECTIONS or (word.startswith("ال") and word[2:] in DIRECTIONS)
                   or word in ARABIC_TAILS)
    if word in DIRECTIONS and i + 1 < len(tokens) and _tail_length(tokens, i + 1):
        return 1  # "Hasakah's southern countryside"
    for n in (2, 1):
        phrase = " ".join(normalize(t.surface) for t in tokens[i:i + n])
        generic = _generic(phrase)
        if generic and len(tokens[i:i + n]) == n:
            return n
    return 0


def _is_vague(token: _Token) -> bool:
    generic = _generic(normalize(token.surface).translate(ARABIC_LETTERS))
    return generic is not None and not generic


def _needs_evidence(query: str, match: Match | None) -> bool:
    """A bare word that is common, unknown, or only a small uncurated village is not a mention."""
    if match is None or _fold_word(normalize(query).translate(ARABIC_LETTERS)) in STOPWORDS:
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


__all__ = ["Geoparser", "Mention", "geoparse", "Generic"]

"""Literals a regular expression cannot match without, as a quick test before running it.

The extractor asks a few dozen patterns of every clause and sentence of a text ("no
casualties", "since", "patrol", ...), and most find nothing: each of those searches still walks
the whole string, position by position (a pattern that opens with a look-behind or a word
boundary gets none of the regex engine's own skipping). Here every pattern gets its `needs`,
sets of literal strings such that each of its matches contains a string of every set (derived
from the pattern itself, `needs`), and one Aho-Corasick pass over a string says which of all the
needed strings it holds (`Prefilter.present`, cached per string). A pattern whose needs the
string does not meet cannot match it, and is not run: the answers are those of the pattern,
only sooner.

A long string (a whole report) that does hold them is searched only in the stretches between
barriers, characters no match of the pattern can hold (full stops, commas, quotes: `_barriers`),
that hold a needed string of each set (down to two letters, `Prefilter.occurrences`): a
pattern told by one sentence of a report reads that sentence, not the report. Only patterns
whose matches cannot tell a stretch from the whole string are searched so (no end-of-string
assertion, look-aheads of one character, no empty match).

The needs are read off the pattern's parse by Python's own regex parser (`re._parser`, named
`sre_parse` before Python 3.11), conservatively: anything it does not know (a flag that ignores
case, a back-reference, a parse it cannot read) gives no needs, and such a pattern always runs.

>>> words = Prefilter()
>>> pattern = words.add(re.compile(r"\\b(?:killing|wounding) (?:\\w+ )?(?:civilians|fighters)\\b"))
>>> sorted(map(sorted, pattern.sets))
[['civilians', 'fighters'], ['killing ', 'wounding ']]
>>> pattern.may_match("fighters held the town"), pattern.search("killing two fighters").group()
(False, 'killing two fighters')
"""

from __future__ import annotations

import operator
import re
import sys
import threading
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

try:  # Python 3.11+
    from re import _parser as _sre  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse as _sre

__all__ = ["AnyOf", "Gated", "Prefilter", "needs"]

_LIMIT = 256          # the most exact strings followed through a pattern before giving up on them
_END = sys.maxsize   # "to the end of the string", as re takes it
_SHORTEST = 3         # needed strings shorter than this are everywhere: they rule nothing out
_SECOND = operator.itemgetter(1)
_SHORTEST_SPOT = 2    # ... but they still place matches in a long string

_LITERAL = _sre.LITERAL
_IN = _sre.IN
_BRANCH = _sre.BRANCH
_SUBPATTERN = _sre.SUBPATTERN
_ZERO_WIDTH = {_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT}
_REPEATS = {_sre.MAX_REPEAT, _sre.MIN_REPEAT} | {op for op in (getattr(_sre, "POSSESSIVE_REPEAT", None),) if op}
_ATOMIC = getattr(_sre, "ATOMIC_GROUP", None)

# Characters that may stop a search: punctuation most patterns never match.
_BARRIER_CANDIDATES = ".,;:!?()[]{}\"«»“”،؛؟\n"
_LONG = 400   # a string at least this long is searched between barriers, when its pattern allows
_STARTS = {_sre.AT_BEGINNING, _sre.AT_BEGINNING_STRING, _sre.AT_BEGINNING_LINE, _sre.AT_BOUNDARY,
           _sre.AT_NON_BOUNDARY}
_CATEGORIES = {getattr(_sre, name): re.compile(regex) for name, regex in (
    ("CATEGORY_DIGIT", r"\d"), ("CATEGORY_NOT_DIGIT", r"\D"), ("CATEGORY_SPACE", r"\s"),
    ("CATEGORY_NOT_SPACE", r"\S"), ("CATEGORY_WORD", r"\w"), ("CATEGORY_NOT_WORD", r"\W"))}

_Exact = frozenset[str] | None   # every string the piece can match, when few
_Sets = list[frozenset[str]]     # each: every match of the piece contains one of its strings


def needs(pattern: re.Pattern[str], shortest: int = _SHORTEST) -> tuple[frozenset[str], ...]:
    """Sets of strings such that every match of `pattern` contains a string of each set (no
    string shorter than `shortest`); () when it cannot tell.

    >>> sorted(map(sorted, needs(re.compile(r"\\bno (?:casualties|injuries)\\b"))))
    [['no casualties', 'no injuries']]
    >>> needs(re.compile(r"killed", re.IGNORECASE)), needs(re.compile(r"\\d+ km"))
    ((), (frozenset({' km'}),))
    """
    if pattern.flags & re.IGNORECASE:
        return ()
    try:
        parsed = _sre.parse(pattern.pattern, pattern.flags)
        exact, sets = _sequence(list(parsed))
    except Exception:  # noqa: BLE001 - a parse this module does not read gives no needs
        return ()
    if parsed.state.flags & re.IGNORECASE:
        return ()
    if exact is not None:
        sets.append(exact)
    kept: list[frozenset[str]] = []
    for found in sets:
        if "" in found or min(map(len, found)) < shortest:
            continue
        # a string that holds another of its set adds nothing: the shorter one is there too
        found = frozenset(s for s in found if not any(t != s and t in s for t in found))
        if found not in kept:
            kept.append(found)
    # a set implied by another (every string of the other holds one of its strings) adds nothing
    return tuple(s for s in kept if not any(t != s and all(any(a in b for a in s) for b in t) for t in kept))


def _sequence(items: list[tuple[Any, Any]]) -> tuple[_Exact, _Sets]:
    """(exact strings, needed sets) of pieces matched one after the other."""
    sets: _Sets = []
    run: frozenset[str] = frozenset({""})   # the exact strings of the pieces since the last gap
    whole = True
    for op, av in items:
        exact, inner = _piece(op, av)
        sets += inner
        if exact is not None and len(run) * len(exact) <= _LIMIT:
            run = frozenset(a + b for a in run for b in exact)
            continue
        whole = False
        sets.append(run)
        run = exact if exact is not None else frozenset({""})
    sets.append(run)
    return (run if whole else None), sets


def _piece(op: Any, av: Any) -> tuple[_Exact, _Sets]:
    if op == _LITERAL:
        return frozenset({chr(av)}), []
    if op in _ZERO_WIDTH:
        return frozenset({""}), []
    if op == _IN:
        if all(kind == _LITERAL for kind, _ in av) and len(av) <= _LIMIT:
            return frozenset(chr(code) for _, code in av), []
        return None, []
    if op == _SUBPATTERN:
        _group, add_flags, _del_flags, inner = av
        if add_flags & re.IGNORECASE:
            return None, []
        return _sequence(list(inner))
    if _ATOMIC is not None and op == _ATOMIC:
        return _sequence(list(av))
    if op == _BRANCH:
        return _branch([_sequence(list(alt)) for alt in av[1]])
    if op in _REPEATS:
        low, high, inner = av
        exact, sets = _sequence(list(inner))
        if low == 0:
            return (exact | {""} if exact is not None and high == 1 else None), []
        if exact is not None:
            sets = [*sets, exact]
        return (exact if low == high == 1 else None), sets
    return None, []   # any character, classes, back-references: nothing known


def _barriers(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """A character class of the characters that no match of `pattern` holds, from
    _BARRIER_CANDIDATES, when searching between them finds what searching the whole string
    does: the pattern matches no empty string, its look-aheads read at most one character, and
    it asserts no end of string or line (a search stopped after a barrier ends there). None
    when there is none, or when the pattern is not read (flags, unknown parts)."""
    if pattern.flags & (re.IGNORECASE | re.ASCII | re.LOCALE | re.DOTALL | re.VERBOSE):
        return None
    try:
        parsed = _sre.parse(pattern.pattern, pattern.flags)
        if parsed.state.flags & (re.IGNORECASE | re.ASCII | re.LOCALE | re.DOTALL) or parsed.getwidth()[0] < 1:
            return None
        atoms: list[tuple[Any, Any]] = []
        if not _atoms(list(parsed), atoms):
            return None
    except Exception:  # noqa: BLE001 - a parse this module does not read gives no barriers
        return None
    chars = [c for c in _BARRIER_CANDIDATES if not any(_consumes(op, av, c) for op, av in atoms)]
    return re.compile("[" + "".join("\\" + c if c in "\\]^-[" else c for c in chars) + "]") if chars else None


def _atoms(items: list[tuple[Any, Any]], out: list[tuple[Any, Any]]) -> bool:
    """Collect the parts of a pattern that consume characters into `out`; False when a part
    forbids searching between barriers (an end-of-string assertion, a long look-ahead) or is
    not known here."""
    for op, av in items:
        if op in (_LITERAL, _sre.NOT_LITERAL, _IN, _sre.ANY):
            out.append((op, av))
        elif op == _sre.AT:
            if av not in _STARTS:
                return False
        elif op in (_sre.ASSERT, _sre.ASSERT_NOT):
            direction, inner = av
            if direction > 0 and inner.getwidth()[1] > 1 or not _atoms(list(inner), []):
                return False   # (what a look-around reads it does not consume)
        elif op == _SUBPATTERN:
            if not _atoms(list(av[3]), out):
                return False
        elif _ATOMIC is not None and op == _ATOMIC:
            if not _atoms(list(av), out):
                return False
        elif op == _BRANCH:
            if not all(_atoms(list(alt), out) for alt in av[1]):
                return False
        elif op in _REPEATS:
            if not _atoms(list(av[2]), out):
                return False
        elif op == _sre.GROUPREF:
            continue   # it repeats what its group consumed
        else:
            return False
    return True


def _consumes(op: Any, av: Any, char: str) -> bool:
    """True when the part may consume `char` (when unsure, True)."""
    if op == _LITERAL:
        return chr(av) == char
    if op == _sre.NOT_LITERAL:
        return chr(av) != char
    if op != _IN:
        return True   # any character
    negate, hit = False, False
    for kind, value in av:
        if kind == _sre.NEGATE:
            negate = True
        elif kind == _LITERAL:
            hit = hit or chr(value) == char
        elif kind == _sre.NOT_LITERAL:
            hit = hit or chr(value) != char
        elif kind == _sre.RANGE:
            hit = hit or value[0] <= ord(char) <= value[1]
        elif kind == _sre.CATEGORY and value in _CATEGORIES:
            hit = hit or _CATEGORIES[value].fullmatch(char) is not None
        else:
            return True
    return hit != negate


def _branch(alternatives: list[tuple[_Exact, _Sets]]) -> tuple[_Exact, _Sets]:
    exacts = [exact for exact, _ in alternatives]
    exact: _Exact = None
    if all(e is not None for e in exacts):
        union = frozenset().union(*(e for e in exacts if e is not None))
        exact = union if len(union) <= _LIMIT else None
    best = []
    for alt_exact, alt_sets in alternatives:
        usable = [s for s in [*alt_sets, *([alt_exact] if alt_exact is not None else [])] if "" not in s]
        if not usable:
            return exact, []
        best.append(max(usable, key=lambda s: (min(map(len, s)), -len(s))))
    return exact, [frozenset().union(*best)]


class Prefilter:
    """Patterns and the strings they need: one automaton of all of them finds, in one pass over
    a string, those it holds (`present`) and, for a long string, where (`occurrences`)."""

    def __init__(self, shortest: int = _SHORTEST) -> None:
        self.shortest = shortest   # needed strings shorter than this are left out (see `needs`)
        self._words: set[str] = set()
        self._automaton: Any = None
        self._lock = threading.Lock()
        self.present = lru_cache(maxsize=512)(self._present)
        self.occurrences = lru_cache(maxsize=16)(self._occurrences)
        self.stops = lru_cache(maxsize=16)(self._stops)

    def add(self, regex: re.Pattern[str]) -> Gated:
        """`regex`, tested against its needs before each use."""
        sets = needs(regex, self.shortest)
        # Short strings rule little out, but they place the matches of a pattern that needs no
        # longer ones well enough to search a long string only around them.
        spots = sets or needs(regex, min(self.shortest, _SHORTEST_SPOT))
        barriers = _barriers(regex) if spots else None
        with self._lock:
            for words in (*sets, *(spots if barriers is not None else ())):
                self._words |= words
            self._automaton = None
            self.present.cache_clear()
            self.occurrences.cache_clear()
        return Gated(regex, sets, self, barriers, spots)

    def _present(self, string: str) -> frozenset[str]:
        """The needed strings that `string` holds."""
        if len(string) >= _LONG:   # its occurrences will be wanted too: one pass for both
            return frozenset(self.occurrences(string))
        automaton = self._automaton or self._build()
        if automaton is None or not string:
            return frozenset()
        return frozenset(map(_SECOND, automaton.iter(string)))

    def _occurrences(self, string: str) -> dict[str, list[int]]:
        """Where each needed string that `string` holds starts in it, in order."""
        found: dict[str, list[int]] = defaultdict(list)
        automaton = self._automaton or self._build()
        if automaton is None or not string:
            return found
        for end, word in automaton.iter(string):
            found[word].append(end - len(word) + 1)
        return found

    def _stops(self, string: str, barriers: re.Pattern[str]) -> list[int]:
        """The offsets of the characters of `barriers` in `string`, in order."""
        return [m.start() for m in barriers.finditer(string)]

    def _build(self) -> Any:
        if not self._words:
            return None
        import ahocorasick

        with self._lock:
            if self._automaton is None:
                automaton = ahocorasick.Automaton()
                for word in sorted(self._words):
                    automaton.add_word(word, word)
                automaton.make_automaton()
                self._automaton = automaton
            return self._automaton


class Gated:
    """A compiled pattern that runs only on strings that hold what it needs (see `needs`), and
    on a long string only between barriers around what it needs; its methods answer as the
    pattern's own do."""

    __slots__ = ("regex", "pattern", "sets", "prefilter", "barriers", "spots", "_present")

    def __init__(self, regex: re.Pattern[str], sets: tuple[frozenset[str], ...], prefilter: Prefilter,
                 barriers: re.Pattern[str] | None = None, spots: tuple[frozenset[str], ...] = ()) -> None:
        self.regex = regex
        self.pattern = regex.pattern
        self.sets = sets
        self.prefilter = prefilter
        self.barriers = barriers   # characters no match holds (see _barriers), when it has any
        self.spots = spots         # needs down to _SHORTEST_SPOT characters, that place matches
        self._present = prefilter.present

    def may_match(self, string: str) -> bool:
        """False when no part of `string` can match."""
        if not self.sets:
            return True
        present = self._present(string)
        for found in self.sets:   # noqa: SIM110 (a loop: all() of a generator costs twice as much here)
            if found.isdisjoint(present):
                return False
        return True

    def search(self, string: str, pos: int = 0, endpos: int = _END) -> re.Match[str] | None:
        if not self.may_match(string):
            return None
        if self.barriers is not None and pos == 0 and endpos >= len(string) >= _LONG:
            return next(self._stretches(string), None)
        return self.regex.search(string, pos, endpos)

    def match(self, string: str, pos: int = 0, endpos: int = _END) -> re.Match[str] | None:
        return self.regex.match(string, pos, endpos) if self.may_match(string) else None

    def fullmatch(self, string: str, pos: int = 0, endpos: int = _END) -> re.Match[str] | None:
        return self.regex.fullmatch(string, pos, endpos) if self.may_match(string) else None

    def finditer(self, string: str, pos: int = 0, endpos: int = _END) -> Iterator[re.Match[str]]:
        if not self.may_match(string):
            return iter(())
        if self.barriers is not None and pos == 0 and endpos >= len(string) >= _LONG:
            return self._stretches(string)
        return self.regex.finditer(string, pos, endpos)

    def _stretches(self, string: str) -> Iterator[re.Match[str]]:
        """The matches of a long string, searched only in the stretches between barriers that
        hold a string of each of its `spots`: a match holds one of each, and no barrier (see
        `_barriers`)."""
        occurrences = self.prefilter.occurrences(string)
        each = [sorted(a for word in found for a in occurrences.get(word, ())) for found in self.spots]
        each.sort(key=len)
        stops = self.prefilter.stops(string, self.barriers)
        last = -1
        for a in each[0]:
            k = bisect_left(stops, a)
            begin = stops[k - 1] + 1 if k else 0
            if begin <= last:
                continue   # this stretch was searched
            last = begin
            end = stops[k] if k < len(stops) else len(string)
            if all(bisect_left(starts, end) > bisect_left(starts, begin) for starts in each[1:]):
                yield from self.regex.finditer(string, begin, min(end + 1, len(string)))   # look-aheads see the barrier

    def findall(self, string: str, pos: int = 0, endpos: int = _END) -> list[Any]:
        return self.regex.findall(string, pos, endpos) if self.may_match(string) else []

    def __repr__(self) -> str:
        return f"Gated({self.regex!r}, needs={[sorted(s) for s in self.sets]!r})"


class AnyOf:
    """Gated patterns of one prefilter, asked together: may any of them match a string? One
    look at the strings the string holds rules them all out at once, most of the time."""

    __slots__ = ("patterns", "_always", "_first", "_present")

    def __init__(self, *patterns: Gated) -> None:
        if len({id(p.prefilter) for p in patterns}) > 1:
            raise ValueError("AnyOf: the patterns come from different prefilters")
        self.patterns = patterns
        self._always = not patterns or any(not p.sets for p in patterns)
        # each pattern needs a string of its first set: none of them there, none can match
        self._first = frozenset().union(*(p.sets[0] for p in patterns if p.sets))
        self._present = patterns[0].prefilter.present if patterns else Prefilter().present

    def may_match(self, string: str) -> bool:
        """False when no pattern can match any part of `string`."""
        if self._always:
            return bool(self.patterns)
        if self._first.isdisjoint(self._present(string)):
            return False
        return any(p.may_match(string) for p in self.patterns)

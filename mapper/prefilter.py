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

import re
import sys
import threading
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

_LITERAL = _sre.LITERAL
_IN = _sre.IN
_BRANCH = _sre.BRANCH
_SUBPATTERN = _sre.SUBPATTERN
_ZERO_WIDTH = {_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT}
_REPEATS = {_sre.MAX_REPEAT, _sre.MIN_REPEAT} | {op for op in (getattr(_sre, "POSSESSIVE_REPEAT", None),) if op}
_ATOMIC = getattr(_sre, "ATOMIC_GROUP", None)

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
    """Patterns and the strings they need; `present` finds all of those in one pass."""

    def __init__(self) -> None:
        self._needs: dict[str, int] = {}
        self._automaton: Any = None
        self._lock = threading.Lock()
        self.present = lru_cache(maxsize=512)(self._present)

    def add(self, regex: re.Pattern[str]) -> Gated:
        """`regex`, tested against its needs before each use."""
        sets = needs(regex)
        for found in sets:
            for s in found:
                self._needs.setdefault(s, len(self._needs))
        with self._lock:
            self._automaton = None
            self.present.cache_clear()
        return Gated(regex, sets, self)

    def _present(self, string: str) -> frozenset[str]:
        """The needed strings that `string` holds."""
        automaton = self._automaton
        if automaton is None:
            automaton = self._build()
        return frozenset(word for _, word in automaton.iter(string)) if string else frozenset()

    def _build(self) -> Any:
        import ahocorasick

        with self._lock:
            if self._automaton is None:
                automaton = ahocorasick.Automaton()
                for word in self._needs:
                    automaton.add_word(word, word)
                if len(automaton):
                    automaton.make_automaton()
                self._automaton = automaton
            return self._automaton


class Gated:
    """A compiled pattern that runs only on strings that hold what it needs (see `needs`); its
    methods answer as the pattern's own do."""

    __slots__ = ("regex", "pattern", "sets", "prefilter", "_present")

    def __init__(self, regex: re.Pattern[str], sets: tuple[frozenset[str], ...], prefilter: Prefilter) -> None:
        self.regex = regex
        self.pattern = regex.pattern
        self.sets = sets
        self.prefilter = prefilter
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
        return self.regex.search(string, pos, endpos) if self.may_match(string) else None

    def match(self, string: str, pos: int = 0, endpos: int = _END) -> re.Match[str] | None:
        return self.regex.match(string, pos, endpos) if self.may_match(string) else None

    def fullmatch(self, string: str, pos: int = 0, endpos: int = _END) -> re.Match[str] | None:
        return self.regex.fullmatch(string, pos, endpos) if self.may_match(string) else None

    def finditer(self, string: str, pos: int = 0, endpos: int = _END) -> Iterator[re.Match[str]]:
        return self.regex.finditer(string, pos, endpos) if self.may_match(string) else iter(())

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

"""The prefilter's needs: every match of a pattern holds a string of each of its needed sets, so
that a pattern gated by them answers exactly as the pattern does."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mapper.extract as extract_module
import mapper.prefilter as prefilter_module
import mapper.vocabulary as vocabulary_module
from gazetteer.fold import fold_with_offsets
from mapper.prefilter import AnyOf, Gated, Prefilter, needs

DATA = Path(__file__).resolve().parent / "data"
SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_7636e21c7e38833a.txt"

# Regular expressions over a small alphabet, built of the constructs the extractor's patterns use.
_ATOMS = st.sampled_from(["a", "b", "c", " ", "ab", "abc", "ba", "cab", r"\w", r"\s", ".", "[ab]", "[^a]",
                          r"\b", r"(?<!\w)", r"(?!\w)", "^", "$", r"\S", "[abc]", "(?i:ab)", r"\d",
                          r"\.", ",", r"\W", "[a,]", r"(?=a\.)", r"(?<=\.)", r"(?!,)", r"\Z"])


def _regexes() -> st.SearchStrategy[str]:
    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.lists(inner, min_size=2, max_size=4).map("".join),
            st.lists(inner, min_size=2, max_size=3).map(lambda xs: "(?:" + "|".join(xs) + ")"),
            st.tuples(inner, st.sampled_from(["?", "*", "+", "{2}", "{0,2}", "{1,3}", "??", "+?"]))
              .map(lambda t: f"(?:{t[0]}){t[1]}"),
            inner.map(lambda x: f"({x})"),
            inner.map(lambda x: f"(?={x})"),
            inner.map(lambda x: f"(?<!{x})" if re.fullmatch(r"[abc ]+", x) else x),
        )
    return st.recursive(_ATOMS, extend, max_leaves=12)


@settings(max_examples=600, deadline=None)
@given(_regexes(), st.lists(st.text(alphabet="abc xA1.,\n", max_size=24), min_size=1, max_size=6))
def test_every_match_holds_a_string_of_each_needed_set(source, strings):
    pattern = re.compile(source)
    sets = needs(pattern, shortest=1)
    gated = Prefilter(shortest=1).add(pattern)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(prefilter_module, "_LONG", 0)   # every string searched between barriers
        for s in strings:
            for m in pattern.finditer(s):
                for found in sets:
                    assert any(w in m.group() for w in found), (source, s, m.group(), found)
                if gated.barriers is not None:
                    assert not gated.barriers.search(m.group()), (source, s, m.group())
            assert [m.span() for m in gated.finditer(s)] == [m.span() for m in pattern.finditer(s)], source
            found_first = gated.search(s)
            assert (found_first and found_first.span()) == ((m := pattern.search(s)) and m.span()), source


@pytest.mark.parametrize("source", [r"a(?!,)", r"(?<!,)a", r"\ba\b", r"ab?(?!\w)", r"a\s*b", r"(?<=\.)a", r"a$",
                                    r"a(?=,)", r"ba|ab", r"a\Z", r"^a", r"\Ba", r"a\B", r"a(?:,b)?", r"a+"])
def test_searching_between_barriers_finds_what_searching_the_whole_string_does(source):
    import itertools

    gated = Prefilter(shortest=1).add(re.compile(source))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(prefilter_module, "_LONG", 0)
        for n in range(6):
            for chars in itertools.product("a,. b\n", repeat=n):
                s = "".join(chars)
                assert [m.span() for m in gated.finditer(s)] == [m.span() for m in gated.regex.finditer(s)], s
                first, want = gated.search(s), gated.regex.search(s)
                assert (first and first.span()) == (want and want.span()), s


def test_a_long_text_is_searched_only_between_barriers_that_hold_a_needed_word():
    gated = Prefilter().add(re.compile(r"(?<!\w)(?:at )?(?:dawn|dusk)\s+yesterday(?!\w)"))
    assert gated.barriers is not None and gated.barriers.search(".") and gated.barriers.search("،")
    text = ("Prices rose again, said traders. " * 20 + "Rockets hit the base at dawn yesterday, "
            "officials said. " + "Aid is short. " * 20 + "at dusk\n  yesterday." + "No change. " * 5)
    assert len(text) > prefilter_module._LONG
    assert [m.group() for m in gated.finditer(text)] == ["at dawn yesterday", "at dusk\n  yesterday"]
    assert [m.span() for m in gated.finditer(text)] == [m.span() for m in gated.regex.finditer(text)]
    assert gated.search(text).group() == "at dawn yesterday"
    # a pattern whose matches may end a string, or read past a barrier, is searched whole
    for source in (r"yesterday$", r"yesterday(?=\.\s)", r"yesterday[^a]"):
        assert Prefilter().add(re.compile(source)).barriers is None


def test_needs_are_the_literals_of_a_pattern():
    assert needs(re.compile(r"\blast week\b")) == (frozenset({"last week"}),)
    assert needs(re.compile(r"(?:اليوم|امس)\s+(?:صباحا)?")) == (frozenset({"اليوم", "امس"}),)
    both = needs(re.compile(r"(?<!\w)قبل\s+(?:يومين|ايام)(?!\w)"))
    assert sorted(map(sorted, both)) == [["ايام", "يومين"], ["قبل"]]


def test_a_pattern_that_ignores_case_or_needs_nothing_always_runs():
    for pattern in (re.compile("gaza", re.IGNORECASE), re.compile("(?i)gaza"), re.compile(r"\w+\s*\d"),
                    re.compile(r"(?:a|gaza)"), re.compile(r"(a)\1bc")):
        gated = Prefilter().add(pattern)
        assert gated.sets == ()
        assert gated.may_match("nothing of it here")


def _gated_patterns() -> list[tuple[str, Gated]]:
    found: list[tuple[str, Gated]] = []
    for module in (extract_module, vocabulary_module):
        for name, value in vars(module).items():
            items = value.values() if isinstance(value, dict) else value if isinstance(value, tuple) else [value]
            for item in items:
                for part in item if isinstance(item, tuple) else (item,):
                    if isinstance(part, Gated):
                        found.append((f"{module.__name__}.{name}", part))
    found += [(f"TIME_RULES.{rule.name}", rule.regex) for rule in extract_module.TIME_RULES]
    for rule in vocabulary_module._RULES:
        for any_word, each in rule.words:
            found += [(f"vocabulary {rule.event_type}", p) for p in (any_word, *each)]
    return found


def _texts() -> list[str]:
    paths = [*sorted((DATA / "extract_dev" / "reports").glob("*.txt")),
             *sorted((DATA / "extract_holdout" / "reports").glob("*.txt")),
             DATA / "english_report.txt", DATA / "geoparse_dev.txt", DATA / "geoparse_heldout.txt"]
    if SEED.exists():
        paths.append(SEED)
    return [fold_with_offsets(p.read_text(encoding="utf-8")).folded for p in paths]


def test_the_extractors_patterns_answer_as_ungated_on_real_reports():
    patterns = _gated_patterns()
    assert len(patterns) > 80 and sum(1 for _, p in patterns if p.sets) > 60
    texts = _texts()
    assert len(texts) >= 30
    matched = 0
    for name, gated in patterns:
        for text in texts:
            for part in (text, *text.split("\n"), *re.split(r"[.,،]", text)):
                want = [m.span() for m in gated.regex.finditer(part)]
                assert [m.span() for m in gated.finditer(part)] == want, (name, part[:80])
                matched += bool(want)
                for m in gated.regex.finditer(part):
                    for found in gated.sets:
                        assert any(w in m.group() for w in found), (name, m.group(), sorted(found)[:5])
    assert matched > 500


@pytest.mark.parametrize("string", ["", "a", "ab"])
def test_short_strings_with_none_of_the_needs_are_ruled_out(string):
    gated = Prefilter().add(re.compile(r"\bno casualties\b"))
    assert not gated.may_match(string)
    assert gated.search(string) is None and list(gated.finditer(string)) == [] and gated.findall(string) == []


def test_any_of_rules_out_a_string_only_when_each_pattern_does():
    prefilter = Prefilter()
    patterns = [prefilter.add(re.compile(p)) for p in (r"\bno casualties\b", r"\b(?:killed|killing)\b", r"claimed")]
    group = AnyOf(*patterns)
    for string in ("", "the group claimed it", "two were killed", "no casualties", "rain fell on the town",
                   "killings", "unclaimed"):
        assert group.may_match(string) == any(p.may_match(string) for p in patterns)
    assert AnyOf(*patterns, prefilter.add(re.compile(r"\d+"))).may_match("rain fell")
    with pytest.raises(ValueError, match="different prefilters"):
        AnyOf(patterns[0], Prefilter().add(re.compile("claimed")))

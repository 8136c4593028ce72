"""One vocabulary: every event word is typed the same in a table cell and in a sentence, and
the text is folded with the gazetteer's own letter tables, offsets kept."""

from __future__ import annotations

import doctest
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

try:  # the regex parser, to list the phrases a pattern of the table matches
    from re import _constants as sre_constants
    from re import _parser as sre_parse
except ImportError:  # Python 3.10
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

from gazetteer.fold import ARABIC_LETTERS, fold_char, fold_pattern, fold_with_offsets, words
from mapper.extract import find_events, find_outcome
from mapper.incidents import normalize_event_type, normalize_outcome
from mapper.model import EVENT_TYPES, OUTCOMES
from mapper.style import EVENT_STYLES
from mapper.vocabulary import EVENT_VOCABULARY, OTHER, OUTCOME_VOCABULARY, event_phrase

# --- the phrases of the table ------------------------------------------------------------------

def phrases(pattern: str) -> list[str]:
    """Every phrase a pattern of the table matches: each alternative and optional part taken
    both ways; a class such as "\\w*" or "\\s+" stands for its shortest run."""
    return sorted(set(_sequence(sre_parse.parse(pattern))))


def _sequence(items) -> list[str]:
    out = [""]
    for op, av in items:
        out = [a + b for a in out for b in _node(op, av)]
    return out


def _node(op, av) -> list[str]:
    c = sre_constants
    if op is c.LITERAL:
        return [chr(av)]
    if op is c.SUBPATTERN:
        return _sequence(av[-1])
    if op is c.BRANCH:
        return [s for branch in av[1] for s in _sequence(branch)]
    if op in (c.MAX_REPEAT, c.MIN_REPEAT):
        low, high, sub = av
        if any(o is c.IN and any(k is c.CATEGORY for k, _ in a) for o, a in sub):
            high = low   # a class repeated: its shortest run
        return ["".join(p) for n in range(low, high + 1) for p in itertools.product(_sequence(sub), repeat=n)]
    if op is c.IN:
        chars = []
        for kind, value in av:
            if kind is c.LITERAL:
                chars.append(chr(value))
            elif kind is c.CATEGORY:
                chars.append({c.CATEGORY_SPACE: " ", c.CATEGORY_DIGIT: "1"}.get(value, "x"))
            else:
                raise ValueError(f"cannot list the phrases of {kind} {value}")
        return chars
    if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
        return [""]
    raise ValueError(f"cannot list the phrases of {op} {av}")


EVENT_PHRASES = [(row.name, phrase) for row in EVENT_VOCABULARY
                 for pattern in row.arabic + row.english for phrase in phrases(pattern)]


def test_the_table_lists_hundreds_of_phrases_of_every_type_a_text_is_read_for():
    read_in_text = [row.name for row in EVENT_VOCABULARY if row.arabic or row.english]
    assert read_in_text == ["airstrike", "drone", "rocket", "missile", "artillery", "ied", "clash"]
    counts = {t: sum(1 for name, _ in EVENT_PHRASES if name == t) for t in read_in_text}
    assert all(n >= 3 for n in counts.values()), counts
    assert len(EVENT_PHRASES) > 300


@pytest.mark.parametrize("row", EVENT_VOCABULARY, ids=lambda r: r.name)
def test_every_phrase_of_the_table_is_typed_alike_in_a_cell_and_in_text(row):
    wrong = []
    for name, phrase in EVENT_PHRASES:
        if name != row.name:
            continue
        arabic = not phrase.isascii()
        sentence = (f"قال مصدر محلي إن {phrase} استهدفت الموقع أمس" if arabic
                    else f"Local sources said {phrase} hit the site yesterday")
        alone = find_events(phrase)
        in_sentence = find_events(sentence)
        got = (normalize_event_type(phrase), [(w.text, w.event_type) for w in alone],
               [(w.text, w.event_type) for w in in_sentence])
        want = (row.name, [(phrase, row.name)], [(phrase, row.name)])
        if got != want:
            wrong.append((phrase, got))
    assert not wrong


# The phrases a maintainer tried on both readers (8 of these 17 disagreed), and more.
PHRASES = [
    ("عبوات ناسفة", "ied"), ("طائرة بدون طيار", "drone"), ("قذيفة", "artillery"),
    ("كاتيوشا", "rocket"), ("shelled", "artillery"), ("gunfight", "clash"), ("VBIED", "ied"),
    ("غارة جوية", "airstrike"), ("طائرة مسيّرة", "drone"), ("رشقة صاروخية", "rocket"),
    ("صاروخ باليستي", "missile"), ("قصف مدفعي", "artillery"), ("اشتباكات", "clash"),
    ("Air strike", "airstrike"), ("UAV", "drone"), ("rockets", "rocket"), ("Ballistic missile", "missile"),
    # more that disagreed
    ("unmanned aerial vehicle", "drone"), ("طائرات حربية", "airstrike"), ("غارتين", "airstrike"),
    ("Israeli strikes", "airstrike"), ("fighter jets", "airstrike"), ("ألغام", "ied"),
    ("roadside bombs", "ied"), ("صواريخ كروز", "missile"), ("الصواريخ الباليستية", "missile"),
    ("طيران مسير", "drone"), ("Air/drone strike", "airstrike"), ("howitzer", "artillery"),
    ("gunfire", "clash"), ("battle", "clash"), ("mine", "ied"), ("Explosives", "ied"),
    ("عبوة", "ied"), ("مفخخة", "ied"), ("هجوم جوي", "airstrike"), ("قصف صاروخي", "rocket"),
    ("Katyusha", "rocket"), ("car bombing", "ied"), ("مدافع", "artillery"), ("grad", "rocket"),
    # words no reader takes for an attack
    ("الدفاعات الجوية", OTHER), ("مدفع رشاش", OTHER), ("مسيرة احتجاجية", OTHER),
    ("سرية المدفعية", OTHER), ("drones flying over", OTHER), ("suicide bombing", OTHER),
    ("phosphate mine", OTHER), ("Shell-operated field", OTHER), ("sniper fire", OTHER),
    ("claimed attack", OTHER), ("aerial photograph", OTHER), ("explosive situation", OTHER),
]


@pytest.mark.parametrize("phrase, event_type", PHRASES)
def test_phrases_tried_on_both_readers_agree(phrase, event_type):
    in_text = [w.event_type for w in find_events(phrase)]
    assert normalize_event_type(phrase) == event_type
    assert in_text == ([] if event_type == OTHER else [event_type])


@pytest.mark.parametrize("cell, event_type", [
    ("غارة بطائرة مسيرة", "drone"), ("Rockets/Mortars", "rocket"), ("قصف صاروخي ومدفعي", "rocket"),
    ("shelling and air strikes", "artillery"), ("air strike by drone", "drone"),
])
def test_a_cell_naming_weapon_and_manner_is_the_weapon(cell, event_type):
    assert normalize_event_type(cell) == event_type
    assert len(find_events(cell)) == 2   # the text reader sees both words


def test_a_drone_laden_with_explosives_is_a_drone_in_text():
    words_found = find_events("a drone laden with explosives struck the base")
    assert [(w.text, w.event_type) for w in words_found] == [("drone", "drone")]


def test_event_types_are_the_rows_of_the_table_and_other():
    assert tuple(row.name for row in EVENT_VOCABULARY) + (OTHER,) == EVENT_TYPES
    assert tuple(EVENT_STYLES) == EVENT_TYPES
    for name in EVENT_TYPES[:-1]:
        assert normalize_event_type(name) == name, name
    assert normalize_event_type(OTHER) == OTHER and event_phrase(OTHER) == "Attack"
    assert len({row.phrase for row in EVENT_VOCABULARY}) == len(EVENT_VOCABULARY)


def test_event_words_keep_their_offsets_in_the_text():
    text = "وقصفت الطائراتُ المسيّرةُ القاعدةَ، ثم سقطت قذائفُ الهاون"
    found = find_events(text)
    assert [(w.text, w.event_type) for w in found] == [
        ("الطائراتُ المسيّرةُ", "drone"), ("قذائفُ", "artillery"), ("الهاون", "artillery")]
    assert all(text[w.start:w.end] == w.text for w in found)


# --- the categories of ACLED and UCDP --------------------------------------------------------

# Every sub_event_type and event_type of the ACLED codebook, and the type each is drawn as.
ACLED_TYPES = [
    ("Armed clash", "clash"), ("Government regains territory", "clash"),
    ("Non-state actor overtakes territory", "clash"), ("Chemical weapon", "chemical"),
    ("Air/drone strike", "airstrike"), ("Suicide bomb", "ied"),
    ("Shelling/artillery/missile attack", "artillery"), ("Remote explosive/landmine/IED", "ied"),
    ("Grenade", "ied"), ("Sexual violence", "civilians"), ("Attack", "civilians"),
    ("Abduction/forced disappearance", "civilians"), ("Peaceful protest", "demonstration"),
    ("Protest with intervention", "demonstration"),
    ("Excessive force against protesters", "demonstration"),
    ("Violent demonstration", "demonstration"), ("Mob violence", "demonstration"),
    ("Agreement", "strategic"), ("Arrests", "strategic"), ("Change to group/activity", "strategic"),
    ("Disrupted weapons use", "strategic"), ("Headquarters or base established", "strategic"),
    ("Looting/property destruction", "strategic"), ("Non-violent transfer of territory", "strategic"),
    ("Other", "strategic"), ("Battles", "clash"), ("Violence against civilians", "civilians"),
    ("Protests", "demonstration"), ("Riots", "demonstration"), ("Strategic developments", "strategic"),
]


@pytest.mark.parametrize("name, event_type", ACLED_TYPES)
def test_every_acled_type_is_one_of_ours_and_never_other(name, event_type):
    assert normalize_event_type(name, dataset="acled") == event_type
    assert normalize_event_type(name.upper(), dataset="acled") == event_type


def test_dataset_names_count_only_in_that_datasets_tables():
    assert [normalize_event_type(c) for c in ("Attack", "Other", "Peaceful protest", "Arrests")] == [
        OTHER, OTHER, OTHER, OTHER]
    assert normalize_event_type("One-sided violence", dataset="ucdp") == "civilians"
    assert normalize_event_type("One-sided violence", dataset="acled") == OTHER
    # the types without words are never found in a text
    assert find_events("a peaceful protest, arrests, then a chemical weapon attack") == []


# --- outcomes ----------------------------------------------------------------------------------

OUTCOME_PHRASES = [(row.outcome, row.in_prose, phrase) for row in OUTCOME_VOCABULARY
                   for pattern in row.arabic + row.english for phrase in phrases(pattern)]


def test_outcome_rows_name_outcomes():
    assert {row.outcome for row in OUTCOME_VOCABULARY} == set(OUTCOMES)


@pytest.mark.parametrize("outcome, in_prose, phrase", OUTCOME_PHRASES)
def test_every_outcome_word_is_read_alike_in_a_cell_and_in_text(outcome, in_prose, phrase):
    assert normalize_outcome(phrase) == outcome
    # words that are outcomes only as a cell's label ("إصابة", "damage") say nothing in prose
    assert find_outcome(phrase) == (outcome if in_prose else "unknown")


@pytest.mark.parametrize("text, cell, prose", [
    ("unconfirmed hit", "unknown", "hit"),
    ("intercepted after it hit the fence", "intercepted", "intercepted"),
    ("إصابة 3 عناصر", "hit", "unknown"),
    ("the extent of the damage was not clear", "hit", "unknown"),
])
def test_labels_and_prose_weigh_words_as_documented(text, cell, prose):
    assert (normalize_outcome(text), find_outcome(text)) == (cell, prose)


# --- folding with offsets ----------------------------------------------------------------------

def test_fold_with_offsets_doctest():
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner()
    for function in (fold_with_offsets, fold_pattern):
        for test in finder.find(function, function.__name__, globs=dict(function.__globals__)):
            runner.run(test)
    assert runner.summarize(verbose=False) == (0, 5)   # (failed, examples)


def test_folded_offsets_point_back_into_the_text():
    text = "سقطت ٤ صواريخَ على «الشدّادي» ـ ﻻ Dayr az-Zōr‏"
    view = fold_with_offsets(text)
    assert view.folded == "سقطت 4 صواريخ علي «الشدادي»  لا dayr az-zor"
    assert len(view.origin) == len(view.folded) + 1 and view.origin[-1] == len(text)
    i = view.folded.index("الشدادي")
    assert text[slice(*view.span(i, i + len("الشدادي")))] == "الشدّادي"
    i = view.folded.index("صواريخ")
    assert text[slice(*view.span(i, i + len("صواريخ")))] == "صواريخَ"   # its last haraka too
    i = view.folded.index("لا")
    assert view.span(i, i + 1) == view.span(i, i + 2) == (text.index("ﻻ"), text.index("ﻻ") + 1)
    assert view.from_text(text.index("Dayr")) == view.folded.index("dayr")


def test_letters_fold_by_the_gazetteer_table():
    for letter, folded in ((chr(k), v) for k, v in ARABIC_LETTERS.items()):
        assert fold_char(letter) == (folded or ""), letter


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ابتثجحخدذرسشصضطظعغفقكلمنهويأإآٱىئؤةءکیگپچژـًٌٍَُِّْ٠١٢٣٤٥ ABCDEZabcdeżāīūḤṣ", max_size=30))
def test_folded_words_are_the_words_of_fold(text):
    assert fold_with_offsets(text).folded.split() == words(text)


def test_a_pattern_folds_like_the_text_and_refuses_a_quantified_mark():
    assert fold_pattern(r"طائر(?:ة|ات)\s+مسيّرة") == r"طاير(?:ه|ات)\s+مسيره"
    with pytest.raises(ValueError, match="quantifier"):
        fold_pattern("مسيّ?رة")


def test_a_type_added_without_a_style_of_its_own_still_gets_a_marker_of_its_own(monkeypatch):
    import mapper.style as style
    from mapper.vocabulary import EVENT_VOCABULARY, EventType

    sniper = EventType("sniper", "Sniper fire", weapon=True, arabic=(r"قناص",), english=(r"snipers?",))
    monkeypatch.setattr(style, "EVENT_TYPES", ("sniper", *EVENT_TYPES))
    monkeypatch.setattr(style, "EVENT_VOCABULARY", (sniper, *EVENT_VOCABULARY))
    styles = style._event_styles()
    assert list(styles) == ["sniper", *EVENT_TYPES]
    assert (styles["sniper"].label, styles["sniper"].shape) == ("Sniper fire", "circle")
    assert len({(s.shape, s.color) for s in styles.values()}) == len(styles)  # none looks like another


def test_a_style_for_a_type_the_vocabulary_lacks_is_refused(monkeypatch):
    import mapper.style as style

    monkeypatch.setattr(style, "EVENT_TYPES", tuple(t for t in EVENT_TYPES if t != "drone"))
    with pytest.raises(RuntimeError, match="drone"):
        style._event_styles()

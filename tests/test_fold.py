"""Name folding: the keys that let every spelling of a place meet."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gazetteer.fold import fold, normalize, skeleton, split_generic

# Each seed place as printed in the article, and as transliterated in English and French print.
SEED_SPELLINGS = [
    ("حقل العمر", ["Al-Omar field", "al-Omar oil field", "Omar oilfield", "Al Umar"]),
    ("الشدادي", ["Shaddadi", "al-Shaddadi", "Ash Shaddādah", "Chaddadi", "Shadadi"]),
    ("الرميلان", ["Rmelan", "Rumeilan", "Rumaylan", "Rmeilan", "Al-Rmelan"]),
    ("المالكية", ["Malikiya", "al-Malikiyah", "Al Mālikīyah", "Malikiyeh"]),
    ("كناكر", ["Kanaker", "Kanakir", "Kanākir", "Qanaker"]),
    ("الحسكة", ["Hasakah", "al-Hasakah", "Hassakeh", "Al Ḩasakah", "el Hasaka"]),
    ("دير الزور", ["Deir ez-Zor", "Dayr az Zawr", "Deir al-Zor", "Deir Ezzor", "Dair al-Zour"]),
    ("كونيكو", ["Conoco", "Koniko"]),
    ("حوض اليرموك", ["Yarmouk basin", "Yarmuk Basin"]),
    ("درعا", ["Daraa", "Dar'a", "Dar‘ā", "Deraa"]),
    ("السيدة زينب", ["Sayyida Zeinab", "Sayyidah Zaynab", "Saida Zainab", "Sayeda Zeinab"]),
    ("دمشق", ["Dimashq", "Dimachq"]),
]


@pytest.mark.parametrize("arabic,latin", SEED_SPELLINGS)
def test_arabic_and_latin_spellings_of_seed_places_share_a_skeleton(arabic, latin):
    core = split_generic(arabic)[0]
    for spelling in latin:
        assert skeleton(split_generic(spelling)[0]) == skeleton(core), spelling


def test_transliteration_habits_fold_to_one_key():
    assert fold("Al-Hasakah") == fold("el Hassakeh") == fold("Hasaka") == fold("al-Hasaka")
    assert fold("Qamishli") == fold("Kamishli") == fold("Qamichli")
    assert fold("Deir ez-Zor") == fold("Dayr az-Zor") == fold("Deir al-Zor")
    assert fold("Djebel") == fold("Jebel")


def test_arabic_letter_variants_and_marks_fold_away():
    assert fold("إدلب") == fold("ادلب")
    assert fold("الرقّة") == fold("الرقه") == fold("الرقـــة")
    assert fold("رأس العين") == fold("راس العين")
    assert fold("کرکوک") == fold("كركوك")          # Persian kaf
    assert normalize("اللواء ١٢١") == "اللواء 121"  # Arabic-Indic digits


def test_generic_words_become_hints():
    core, hint, directed = split_generic("حقل العمر النفطي")
    assert core == "العمر" and hint.features >= {"oil_field"} and not directed
    core, hint, directed = split_generic("ريف محافظة الحسكة الشمالي الشرقي")
    assert core == "الحسكه" and "admin1" in hint.kinds and directed
    core, hint, _ = split_generic("Conoco gas field")
    assert core == "conoco" and "gas_field" in hint.features
    assert split_generic("Field")[0] == "field"  # nothing else left: the word is the name


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_folding_never_raises_and_is_idempotent(text):
    for key in (normalize, fold, skeleton):
        once = key(text)
        assert isinstance(once, str)
    assert normalize(normalize(text)) == normalize(text)
    assert fold(fold(text)) == fold(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0x0600, max_codepoint=0x06FF) | st.just(" ")))
def test_arabic_text_folding_is_idempotent(text):
    assert fold(fold(text)) == fold(text)
    split_generic(text)


def _fold_each(text: str) -> tuple[str, tuple[int, ...]]:
    """fold_with_offsets by its definition: fold_char of each character, and its offset."""
    from gazetteer.fold import fold_char

    if text.isascii():
        return text.lower().replace("`", "'"), tuple(range(len(text) + 1))
    chars, origin = [], []
    for i, char in enumerate(text):
        folded = fold_char(char)
        chars.append(folded)
        origin.extend([i] * len(folded))
    return "".join(chars), (*origin, len(text))


_MIXED = st.text(alphabet=st.one_of(
    st.sampled_from(list("قصفت طائرةٌ مسيّرة إأآىؤئ ـً٣٤ Qaʿim ﷺ ﻻ \u200c\u200f éÉß İ ﬁ]^-[\\`\n")),
    st.characters()), max_size=80)


@settings(max_examples=400, deadline=None)
@given(_MIXED)
def test_folding_with_offsets_folds_each_character_and_keeps_its_offset(text):
    from gazetteer.fold import fold_with_offsets

    view = fold_with_offsets(text)
    assert (view.folded, view.origin) == _fold_each(text)


def test_folding_with_offsets_of_a_long_arabic_report():
    from gazetteer.fold import fold_with_offsets

    text = "تعرضت قاعدةُ التحالف في حقل العمر النفطي لهجومٍ بطائرةٍ مسيّرة، وأصيب ثلاثة عناصر. " * 60
    view = fold_with_offsets(text)
    assert (view.folded, view.origin) == _fold_each(text)
    start = view.folded.index("مسيره")
    assert text[slice(*view.span(start, start + 5))] == "مسيّرة"

"""Build data/common_words.tsv: words of running text that are not place names by themselves.

Why: the geoparser matches every word of a text against ~5,000 (soon ~35,000) place names, and
villages are named after everyday words: "وان" is Van and also "and that" (و + أن), "دمر" is
Dummar and also "destroyed", "About" folds to the ABOT oil terminal, "Can" is Çan. A bare
word of these classes needs evidence in the text before it counts (see gazetteer/geoparse.py).
The classes come from language data, not from the place names, so the rule holds for any
gazetteer.

What it writes, one row per word (`word`, `lang`, `class`), words normalized as the geoparser
sees them (`normalize`, Arabic letter variants folded, no article taken off):

- function (ar, en): closed-class words, from stopwords-iso (MIT), kept when they are frequent
  in wordfreq (Zipf >= 4.0), which drops the archaic and the junk entries of those lists; and
  the Arabic ones of up to three letters with a pronoun attached ("عنه", "منها"), when those
  forms are as frequent;
- verb (ar): forms of frequent Arabic verbs. A three- or four-letter word is a verb stem when
  wordfreq attests its paradigm: the stem (Zipf >= 3.0) and its past "-ت", past plural "-وا"
  and present "يـ" forms (each Zipf >= 2.5); its forms stem, -ت, -وا, -نا, يـ, يـ...ون are kept
  when attested (Zipf >= 2.0). Prefixes تـ/نـ/أ are left out: names begin with them (تدمر);
- noun (ar): frequent Arabic nouns, told from place names by their possessive forms: a word
  (Zipf >= 3.0; the article taken off) whose "his" and "her" forms (بيانه، بيانها; ta marbuta
  becomes ت) are both in use (Zipf >= 2.5). Place names take no possessive: "دمشقه" is not
  said, "بابه" and "دوره" are;
- word (en): English dictionary words, the lower-case entries of SCOWL (Debian's wamerican,
  whose case tells "van" from "Jordan") in common use (wordfreq Zipf >= 4.0, about 5,500
  words: a word that starts a sentence is nearly always a frequent one);
- written by hand (classes calendar, given_name, head, preposition): month and day names,
  given names that are the core of site names, plural and dual heads, prepositions of place.
  They are read back from the existing file and kept as they are.

Run (the packages are needed only here, not by the project):

    pip install wordfreq stopwordsiso; apt-get install wamerican
    PYTHONPATH=. python scripts/build_common_words.py
"""

from __future__ import annotations

import csv
import math
import sys
from pathlib import Path

import stopwordsiso
from wordfreq import get_frequency_dict, zipf_frequency

from gazetteer.fold import ARABIC_LETTERS, normalize

OUT = Path(__file__).resolve().parent.parent / "data" / "common_words.tsv"
DICTIONARY = Path("/usr/share/dict/american-english")
HEADER = ["word", "lang", "class"]
HAND = frozenset({"calendar", "given_name", "head", "preposition"})
NOTE = """\
# Words that are not a place by themselves (read by gazetteer/geoparse.py; rule in its docstring).
# Built by scripts/build_common_words.py, which keeps the classes written by hand (calendar,
# given_name, head, preposition) and regenerates the others. Words are normalized, Arabic letter
# variants folded. Sources: function = stopwords-iso (MIT, https://github.com/stopwords-iso)
# filtered by wordfreq frequency; verb = Arabic verb paradigms attested in wordfreq 3 (data
# CC BY-SA 4.0, Robyn Speer, https://github.com/rspeer/wordfreq); word = lower-case entries of
# SCOWL as Debian's wamerican (Kevin Atkinson, permissive, http://wordlist.aspell.net) in
# common use per wordfreq. As derived from wordfreq data, this file is under CC BY-SA 4.0.
"""

FUNCTION_ZIPF = 4.0
STEM_ZIPF = 3.0
PARADIGM_ZIPF = 2.5
FORM_ZIPF = 2.0
NOUN_ZIPF = 3.0
POSSESSIVE_ZIPF = 2.5
WORD_ZIPF = 4.0


def folded(word: str) -> str:
    return normalize(word).translate(ARABIC_LETTERS)


def arabic_frequencies() -> dict[str, float]:
    """Zipf frequency of each folded Arabic word (spellings that fold alike add up)."""
    total: dict[str, float] = {}
    for word, freq in get_frequency_dict("ar").items():
        key = folded(word)
        if key and " " not in key:
            total[key] = total.get(key, 0.0) + freq
    return {k: math.log10(f * 1e9) for k, f in total.items()}


PRONOUNS = ("ه", "ها", "هم", "هما", "هن", "ك", "كم", "نا", "ي")


def function_words(zipf: dict[str, float]) -> list[tuple[str, str]]:
    rows = set()
    for lang in ("ar", "en"):
        for word in stopwordsiso.stopwords(lang):
            key = folded(word)
            if key and " " not in key and key.isalpha() and zipf_frequency(word, lang) >= FUNCTION_ZIPF:
                rows.add((key, lang))
    for key, lang in list(rows):
        if lang == "ar" and len(key) <= 3:
            rows.update((key + p, "ar") for p in PRONOUNS if zipf.get(key + p, 0) >= FUNCTION_ZIPF)
    return sorted(rows)


def verb_forms(zipf: dict[str, float]) -> list[str]:
    z = zipf.get
    forms = set()
    for stem, f in zipf.items():
        if not 3 <= len(stem) <= 4 or stem.startswith("ال") or f < STEM_ZIPF:
            continue
        if min(z(stem + "ت", 0), z(stem + "وا", 0), z("ي" + stem, 0)) < PARADIGM_ZIPF:
            continue
        for form in (stem, stem + "ت", stem + "وا", stem + "نا", "ي" + stem, "ي" + stem + "ون"):
            if z(form, 0) >= FORM_ZIPF:
                forms.add(form)
    return sorted(forms)


def nouns(zipf: dict[str, float], taken: set[str]) -> list[str]:
    z = zipf.get
    found = set()
    for word, f in zipf.items():
        if f < NOUN_ZIPF or word in taken or len(word) < 3:
            continue
        base = word[2:] if word.startswith("ال") and len(word) > 3 else word
        stem = base[:-1] + "ت" if base.endswith("ه") else base
        if min(z(stem + "ه", 0), z(stem + "ها", 0)) >= POSSESSIVE_ZIPF:
            found.add(word)
    return sorted(found)


def dictionary_words(function: set[str]) -> list[str]:
    words = set()
    for line in DICTIONARY.read_text(encoding="utf-8").splitlines():
        word = line.strip()
        if len(word) >= 3 and word.isascii() and word.isalpha() and word.islower() \
                and word not in function and zipf_frequency(word, "en") >= WORD_ZIPF:
            words.add(word)
    return sorted(words)


def hand_rows() -> list[dict[str, str]]:
    if not OUT.is_file():
        return []
    lines = [ln for ln in OUT.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]
    return [{k: row[k] for k in HEADER} for row in csv.DictReader(lines, delimiter="\t")
            if row["class"] in HAND]


def main() -> None:
    if not DICTIONARY.is_file():
        sys.exit(f"{DICTIONARY} not found: apt-get install wamerican")
    kept = hand_rows()
    zipf = arabic_frequencies()
    rows = [{"word": w, "lang": lang, "class": "function"} for w, lang in function_words(zipf)]
    verbs = verb_forms(zipf)
    rows += [{"word": w, "lang": "ar", "class": "verb"} for w in verbs]
    taken = {r["word"] for r in rows} | set(verbs)
    rows += [{"word": w, "lang": "ar", "class": "noun"} for w in nouns(zipf, taken)]
    english_function = {r["word"] for r in rows if r["lang"] == "en"}
    rows += [{"word": w, "lang": "en", "class": "word"} for w in dictionary_words(english_function)]
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        fh.write(NOTE)
        writer = csv.DictWriter(fh, HEADER, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(kept)
        writer.writerows(rows)
    print(f"{OUT}: {len(kept)} hand rows, {len(rows)} generated")


if __name__ == "__main__":
    main()

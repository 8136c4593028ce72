"""The gazetteer's name folding as data, for the map's search box (js/search.js).

The search folds what is typed and the names it looks through as the gazetteer does
(`gazetteer.fold.fold` and `skeleton`), so that "الشدادي", "ash-Shaddadi" and "Chaddadi" find
one another. The rules are not written twice: the letter tables, marks, articles and
transliteration habits go to the page from gazetteer.fold's own tables, as regular
expression sources and translation maps. The few steps that `skeleton` writes inline are
listed in SKELETON_LATIN_STEPS; tests/test_browser.py checks that the page's keys equal
gazetteer.fold's for every name of the bundled gazetteer it tries.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

# The module, not the function `gazetteer.fold` that the package exports under its name.
gf = importlib.import_module("gazetteer.fold")

__all__ = ["SKELETON_LATIN_STEPS", "fold_rules"]

# gazetteer.fold._skeleton_word's Latin steps before its digraph table, in its order.
SKELETON_LATIN_STEPS = ((r"([a-z])\1+", r"\1"), (r"(?<=[aeiouy])h$", ""), ("dj", "j"),
                        ("tch", "sh"), ("ch", "sh"))
ARABIC_ARTICLE = "ال"        # gazetteer.fold._strip_arabic_article: taken off words of 4+ letters
SKELETON_DROP_FINAL = "ه"   # ta marbuta / final -eh: no consonant in print


def _js_replacement(repl: str) -> str:
    """A Python replacement template as JavaScript writes it (\\1 -> $1)."""
    return re.sub(r"\\(\d)", r"$\1", repl)


def _char_map(table: dict[int, Any]) -> dict[str, str]:
    out = {}
    for code, value in table.items():
        out[chr(code)] = value if isinstance(value, str) else "" if value is None else chr(value)
    return out


def fold_rules() -> dict[str, Any]:
    """Everything js/search.js needs to compute `fold` and `skeleton` keys."""
    digits = _char_map(gf._DIGITS)
    return {
        "invisible": gf._INVISIBLE.pattern,
        "marks": gf._ARABIC_MARKS.pattern,
        "apostrophes": gf._APOSTROPHES.pattern,
        "arabic": gf._ARABIC.pattern,
        "digits": digits,
        "letters": _char_map(gf.ARABIC_LETTERS),
        "articles": sorted(gf._LATIN_ARTICLES),
        "article": ARABIC_ARTICLE,
        "habits": [[p.pattern, _js_replacement(r)] for p, r in gf._LATIN_HABITS],
        "skeletonSteps": [[p, _js_replacement(r)] for p, r in SKELETON_LATIN_STEPS],
        "digraphs": [list(d) for d in gf._LATIN_DIGRAPHS],
        "arabicClass": dict(gf._AR_CLASS),
        "latinClass": dict(gf._LATIN_CLASS),
        "dropFinal": SKELETON_DROP_FINAL,
        "separator": gf._SEPARATOR,
    }

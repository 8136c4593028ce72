"""The geoparse view (mapper/geoparse_html.py): the text with its mentions marked, and their map."""

from __future__ import annotations

import re

from gazetteer.geoparse import Mention
from gazetteer.place import Match, Place
from mapper.encode import decode_block
from mapper.geoparse_html import write_geoparse_html

HOSTILE = '<script>window.__pwned=1</script><img src=x onerror="alert(2)">'


def place(pid: str, name: str, lat: float, lon: float) -> Place:
    return Place(id=pid, name=name, name_ar="", aliases=(), kind="site", feature="oil_field",
                 country="SY", admin1="SY-DY", lat=lat, lon=lon, radius_km=3.0, population=0,
                 source="test")


def mention(text: str, word: str, match_place: Place | None, ambiguous: bool = False,
            after: int = 0) -> Mention:
    start = text.index(word, after)
    match = (Match(word, match_place, 0.97, "exact", word, ambiguous=ambiguous)
             if match_place else None)
    return Mention(start, start + len(word), word, match)


def test_mentions_are_marked_in_their_paragraphs_and_hostile_text_stays_text(tmp_path):
    omar = place("site:al-omar-oil-field", "Al-Omar oil field", 35.05, 40.55)
    text = (f"قصف على حقل العمر مساء أمس\n\n  \nRockets hit Omar and {HOSTILE} near Nowhere.\n"
            "Omar again, twice.")
    mentions = [mention(text, "حقل العمر", omar), mention(text, "Omar", omar, ambiguous=True),
                mention(text, "Nowhere", None), mention(text, "Omar", omar, after=60)]
    path = write_geoparse_html(text, mentions, tmp_path / "view.html", title=f"a {HOSTILE}")
    page = path.read_text(encoding="utf-8")
    text_part = page.split('<div class="im-side">', 1)[0]
    paragraphs = re.findall(r'<p dir="auto">(.*?)</p>', text_part, re.DOTALL)
    assert len(paragraphs) == 3                                    # blank lines left out
    marks = re.findall(r'<mark class="(\w+)" title="([^"]*)">([^<]*)</mark>', text_part)
    assert [(css, word) for css, _, word in marks] == [
        ("resolved", "حقل العمر"), ("ambiguous", "Omar"), ("unresolved", "Nowhere"),
        ("resolved", "Omar")]
    assert marks[0][1].startswith("Al-Omar oil field (site:al-omar-oil-field) 35.0500, 40.5500")
    assert paragraphs[0].startswith('قصف على <mark class="resolved"')
    assert "<script>window.__pwned" not in page and "<img src=x" not in page
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in paragraphs[1]
    assert "<title>a &lt;script&gt;" in page
    # the map beside it holds the three resolved mentions
    assert len(re.findall(r'id="im[0-9a-f]+-root"', page)) == 1
    block = re.search(r'type="application/x-incidents" id="im[0-9a-f]+-data">(.*?)</script>', page)
    assert decode_block(block.group(1), False)["n"] == 3


def test_a_mention_overlapping_an_earlier_one_is_not_marked_twice(tmp_path):
    omar = place("site:al-omar-oil-field", "Al-Omar oil field", 35.05, 40.55)
    text = "the al-Omar oil field"
    first = Mention(4, 21, "al-Omar oil field", Match("al-Omar oil field", omar, 0.9, "exact",
                                                      "al-Omar oil field"))
    inner = Mention(7, 11, "Omar", Match("Omar", omar, 0.8, "fuzzy", "Omar"))
    page = write_geoparse_html(text, [first, inner], tmp_path / "v.html", title="t").read_text(
        encoding="utf-8")
    assert re.findall(r"<mark[^>]*>([^<]*)</mark>", page) == ["al-Omar oil field"]
    assert '<p dir="auto">the <mark' in page


def test_the_map_of_mentions_has_no_dates_and_colours_by_how_each_resolved(tmp_path):
    import json

    omar = place("site:al-omar-oil-field", "Al-Omar oil field", 35.05, 40.55)
    text = "Rockets hit Omar; then al-Omar again."
    mentions = [mention(text, "Omar", omar), mention(text, "al-Omar", omar, ambiguous=True)]
    page = write_geoparse_html(text, mentions, tmp_path / "v.html", title="t").read_text(
        encoding="utf-8")
    config = json.loads(re.search(r"layer_control_[0-9a-f]+, (\{.*?\})\);\n", page, re.DOTALL).group(1))
    assert config["dateMin"] is None and config["dateMax"] is None   # no date filter, no strip
    assert config["colorBy"] == "match"
    assert [c["key"] for c in config["colors"]] == ["ambiguous", "resolved"]
    block = re.search(r'type="application/x-incidents" id="im[0-9a-f]+-data">(.*?)</script>', page)
    assert decode_block(block.group(1), False)["f"]["date"] is None

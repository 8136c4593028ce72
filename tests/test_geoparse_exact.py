"""Exact mentions (span, text, place, role, score) on a few varied texts: a guard for changes
that are meant to make the parser faster and leave what it finds alone. The expected rows were
recorded from the parser before its speed work (scores rounded to 3 places)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gazetteer.geoparse import Geoparser

SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_7636e21c7e38833a.txt"
ENGLISH = Path(__file__).resolve().parent / "data" / "english_report.txt"

# Odd spacing (tabs, no-break spaces, CR LF, a blank line of spaces), a dateline in each script,
# clitics (بـ, و, لل), a possessive, coordination, common words with and without evidence, a
# bidi mark inside a name's neighbourhood.
HOSTILE = ("DAMASCUS (AP) —\u00a0Drone  hits\tShaddadi base;\u00a0rockets on\r\nQamishli and Hasakah's "
           "southern countryside.\n\nIntro.\n \n  دير الزور - قصفت طائرات مسيّرة مواقع في الميادين والبوكمال، "
           "وسقطت قذيفة بدمر.\nقاعدتي الرميلان والمالكية في ريف الحسكة الشمالي الشرقي؛ About 20 rockets hit "
           "al-Omar field. ودُمّر المنزل بالكامل للشدادي وقال وأن الهجوم فشل في بيان. Van drivers said "
           "Raqqa\u200f is calm, Mayadin too")
DATELINE = ("BEIRUT, 14 March (Reuters) - Israeli jets struck Damascus overnight.\n\n"
            "سقطت قذائف على قدسيا ودمر، واشتباكات عنيفة في الباب شرقي حلب. حماة تشهد اشتباكات عنيفة.")

HOSTILE_MENTIONS = [
    (0, 8, 'DAMASCUS', 'gn:170654', 'dateline', 0.993),
    (28, 41, 'Shaddadi base', 'site:shaddadi-base', 'place', 1.0),
    (55, 63, 'Qamishli', 'part:adm2:SY-qamishli:countryside:south', 'place', 0.97),
    (68, 98, "Hasakah's southern countryside", 'part:SY-HA:countryside:south', 'place', 0.97),
    (112, 121, 'دير الزور', 'place:deir-ez-zor', 'dateline', 0.978),
    (152, 160, 'الميادين', 'place:al-mayadin', 'place', 0.978),
    (162, 170, 'البوكمال', 'place:albu-kamal', 'place', 0.978),
    (185, 188, 'دمر', 'site:dummar', 'place', 1.0),
    (190, 205, 'قاعدتي الرميلان', 'site:rmelan-landing-zone', 'place', 0.97),
    (207, 215, 'المالكية', 'site:al-malikiyah-base', 'place', 0.97),
    (219, 244, 'ريف الحسكة الشمالي الشرقي', 'part:SY-HA:countryside:northeast', 'place', 0.97),
    (267, 280, 'al-Omar field', 'site:al-omar-oil-field', 'place', 1.0),
    # (283, 288) 'ودُمّر' opens a sentence after 'al-Omar field.': a verb, not Dummar
    (305, 311, 'لشدادي', 'place:al-shaddadi', 'place', 0.978),
    (358, 363, 'Raqqa', 'gn:172955', 'place', 0.982),
    (374, 381, 'Mayadin', 'place:al-mayadin', 'place', 0.978),
]

DATELINE_MENTIONS = [
    (0, 6, 'BEIRUT', 'gn:276781', 'dateline', 0.796),
    (49, 57, 'Damascus', 'gn:170654', 'place', 0.993),
    (85, 90, 'قدسيا', 'place:qudsaya', 'place', 0.978),
    (92, 95, 'دمر', 'site:dummar', 'place', 1.0),
    (116, 121, 'الباب', 'place:al-bab', 'place', 0.978),
    (127, 130, 'حلب', 'gn:170063', 'place', 0.996),
    (132, 136, 'حماة', 'gn:170017', 'place', 0.981),
]

ENGLISH_REPORT_MENTIONS = [
    (30, 44, 'Omar oil field', 'site:al-omar-oil-field', 'place', 1.0),
    (48, 61, 'eastern Syria', 'country:SY', 'place', 0.963),
    (180, 197, 'al-Omar oil field', 'site:al-omar-oil-field', 'place', 1.0),
    (201, 221, 'Deir ez-Zor province', 'adm1:SY-DY', 'place', 0.97),
    (401, 417, 'Hasakah province', 'adm1:SY-HA', 'place', 0.97),
    (421, 439, 'northeastern Syria', 'country:SY', 'place', 0.963),
    (1239, 1245, 'Rmelan', 'site:rmelan-landing-zone', 'place', 0.97),
    (1250, 1264, 'Malikiya bases', 'site:al-malikiyah-base', 'place', 0.97),
    (1272, 1304, 'northeastern Hasakah countryside', 'part:SY-HA:countryside:northeast', 'place', 0.97),
    (1326, 1339, 'Shaddadi base', 'site:shaddadi-base', 'place', 1.0),
    (1343, 1373, "Hasakah's southern countryside", 'part:SY-HA:countryside:south', 'place', 0.97),
    (1566, 1579, 'Shaddadi base', 'site:shaddadi-base', 'place', 1.0),
    (1612, 1628, 'Conoco gas field', 'site:conoco-gas-field', 'place', 1.0),
    (1636, 1672, 'northeastern Deir ez-Zor countryside', 'part:SY-DY:countryside:northeast', 'place', 0.97),
    (1808, 1818, 'Gaza Strip', 'region:gaza-strip', 'place', 0.764),
    (1912, 1916, 'Iraq', 'country:IQ', 'place', 0.993),
    (1921, 1926, 'Syria', 'country:SY', 'place', 0.993),
    (2000, 2028, 'western Damascus countryside', 'part:SY-RD:countryside:west', 'place', 0.97),
    (2085, 2098, 'Yarmouk Basin', 'region:yarmouk-basin', 'place', 0.955),
    (2106, 2123, 'Daraa countryside', 'part:SY-DR:countryside:all', 'place', 0.97),
    (2238, 2245, 'Kanaker', 'place:kanaker', 'place', 0.946),
    (2255, 2263, 'Damascus', 'gn:170654', 'place', 0.993),
    (2291, 2296, 'Syria', 'country:SY', 'place', 0.993),
    (2451, 2465, 'Sayyida Zeinab', 'place:sayyidah-zaynab', 'place', 0.978),
    (2475, 2483, 'Damascus', 'gn:170654', 'place', 0.993),
]

SEED_MENTIONS = [
    (34, 43, 'حقل العمر', 'site:al-omar-oil-field', 'place', 1.0),
    (49, 54, 'سورية', 'country:SY', 'place', 0.993),
    (98, 103, 'سورية', 'country:SY', 'place', 0.993),
    (193, 209, 'حقل العمر النفطي', 'site:al-omar-oil-field', 'place', 1.0),
    (211, 227, 'محافظة دير الزور', 'adm1:SY-DY', 'place', 0.97),
    (233, 238, 'سورية', 'country:SY', 'place', 0.993),
    (346, 359, 'محافظة الحسكة', 'adm1:SY-HA', 'place', 0.97),
    (370, 375, 'سورية', 'country:SY', 'place', 0.993),
    (439, 455, 'حقل العمر النفطي', 'site:al-omar-oil-field', 'place', 1.0),
    (800, 809, 'حقل العمر', 'site:al-omar-oil-field', 'place', 1.0),
    (1098, 1103, 'سورية', 'country:SY', 'place', 0.993),
    (1121, 1136, 'قاعدة حقل العمر', 'site:green-village-base', 'place', 1.0),
    (1203, 1219, 'قاعدتي "الرميلان', 'site:rmelan-landing-zone', 'place', 0.97),
    (1223, 1231, 'المالكية', 'site:al-malikiyah-base', 'place', 0.97),
    (1234, 1266, 'ريف محافظة الحسكة الشمالي الشرقي', 'part:SY-HA:countryside:northeast', 'place', 0.97),
    (1288, 1302, 'قاعدة "الشدادي', 'site:shaddadi-base', 'place', 1.0),
    (1305, 1330, 'ريف محافظة الحسكة الجنوبي', 'part:SY-HA:countryside:south', 'place', 0.97),
    (1517, 1530, 'قاعدة الشدادي', 'site:shaddadi-base', 'place', 1.0),
    (1534, 1552, 'ريف الحسكة الجنوبي', 'part:SY-HA:countryside:south', 'place', 0.97),
    (1587, 1603, 'حقل كونيكو للغاز', 'site:conoco-gas-field', 'place', 1.0),
    (1607, 1635, 'ريف دير الزور الشمالي الشرقي', 'part:SY-DY:countryside:northeast', 'place', 0.97),
    (1791, 1799, 'قطاع غزة', 'region:gaza-strip', 'place', 0.764),
    (1926, 1942, 'الفصائل العسكرية', 'gn:285102', 'place', 0.535),
    (1961, 1966, 'إيران', 'country:IR', 'place', 0.794),
    (2039, 2045, 'العراق', 'country:IQ', 'place', 0.993),
    (2047, 2052, 'سورية', 'country:SY', 'place', 0.993),
    (2138, 2153, 'ريف دمشق الغربي', 'part:SY-RD:countryside:west', 'place', 0.97),
    (2180, 2197, 'منطقة حوض اليرموك', 'region:yarmouk-basin', 'place', 0.955),
    (2201, 2209, 'ريف درعا', 'part:SY-DR:countryside:all', 'place', 0.97),
    (2309, 2314, 'كناكر', 'place:kanaker', 'place', 0.978),
    (2318, 2333, 'محافظة ريف دمشق', 'adm1:SY-RD', 'place', 0.97),
    (2338, 2342, 'دمشق', 'gn:170654', 'place', 0.993),
    (2374, 2379, 'سورية', 'country:SY', 'place', 0.993),
    (2539, 2556, 'منطقة السيدة زينب', 'place:sayyidah-zaynab', 'place', 0.978),
    (2558, 2566, 'ريف دمشق', 'adm1:SY-RD', 'place', 0.97),
]


@pytest.fixture(scope="module")
def parser(gazetteer) -> Geoparser:
    return Geoparser(gazetteer)


def rows(parser: Geoparser, text: str) -> list[tuple]:
    return [(m.start, m.end, m.text, m.match.place.id if m.match else None, m.role,
             round(m.match.score, 3) if m.match else None) for m in parser.parse(text)]


@pytest.mark.parametrize("text,expected", [
    (HOSTILE, HOSTILE_MENTIONS), (DATELINE, DATELINE_MENTIONS),
], ids=["hostile", "datelines-and-evidence"])
def test_exact_mentions_of_varied_texts(parser, text, expected):
    assert rows(parser, text) == expected


def test_exact_mentions_of_the_english_report(parser):
    assert rows(parser, ENGLISH.read_text(encoding="utf-8")) == ENGLISH_REPORT_MENTIONS


@pytest.mark.skipif(not SEED.is_file(), reason="../shared/seeds is not here")
def test_exact_mentions_of_the_seed_article(parser):
    assert rows(parser, SEED.read_text(encoding="utf-8")) == SEED_MENTIONS


def test_the_same_text_parsed_again_or_inside_a_longer_one_gives_the_same_mentions(parser):
    # The parser caches words and chunks of text between calls: a second parse, and the text
    # after a long unrelated one, must not see anything of the first.
    first = rows(parser, HOSTILE)
    assert rows(parser, HOSTILE) == first
    filler = "Nothing happened here today, officials said.\n\n" * 200
    shift = len(filler)
    assert [(s - shift, e - shift, *rest) for s, e, *rest in rows(parser, filler + HOSTILE)] == first


def test_mentions_made_fast_equal_those_made_by_the_dataclass(parser):
    import dataclasses

    from gazetteer.geoparse import Mention

    assert [f.name for f in dataclasses.fields(Mention)] == ["start", "end", "text", "match", "role"]
    for m in parser.parse(HOSTILE):
        twin = Mention(m.start, m.end, m.text, m.match, m.role)
        assert type(m) is Mention and m == twin and hash(m) == hash(twin) and repr(m) == repr(twin)
    fast = parser.parse("Shelling hit Qamishli.")[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.start = 3  # type: ignore[misc]


def test_parse_leaves_the_garbage_collector_as_it_found_it(parser):
    import gc

    assert gc.isenabled()
    first = rows(parser, HOSTILE)
    assert gc.isenabled()
    gc.disable()
    try:
        assert rows(parser, HOSTILE) == first
        assert not gc.isenabled()
    finally:
        gc.enable()
    with pytest.raises(AttributeError):
        parser.parse(None)  # type: ignore[arg-type]
    assert gc.isenabled()  # (after an error too)

"""Place mentions in text: spans, clitics, region expressions, false friends, context."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gazetteer import DataError, Gazetteer, Place, distance_km
from gazetteer.geoparse import CommonWords, Geoparser, _letters, geoparse
from gazetteer.sources import import_file

SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_7636e21c7e38833a.txt"
DEV = Path(__file__).resolve().parent / "data" / "geoparse_dev.txt"
HELD_OUT = Path(__file__).resolve().parent / "data" / "geoparse_heldout.txt"
_GOLD = re.compile(r"\[\[([^|\]]+)\|([^\]]+)\]\]")


@pytest.fixture(scope="module")
def parser(gazetteer) -> Geoparser:
    return Geoparser(gazetteer)


def read_dev(path: Path = DEV) -> list[tuple[str, list[tuple[int, int, str]]]]:
    """Paragraphs with their gold mentions (start, end, place id) in the unmarked text."""
    docs = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [ln for ln in block.splitlines() if not ln.startswith("#")]
        marked = "\n".join(lines).strip()
        if not marked:
            continue
        text, gold, last = [], [], 0
        for m in _GOLD.finditer(marked):
            text.append(marked[last:m.start()])
            start = sum(map(len, text))
            text.append(m.group(1))
            gold.append((start, start + len(m.group(1)), m.group(2)))
            last = m.end()
        text.append(marked[last:])
        docs.append(("".join(text), gold))
    return docs


def same_place(gazetteer, gold_id: str, match) -> bool:
    """The predicted place is the gold one, or a duplicate of it from another source."""
    if match is None:
        return False
    gold = gazetteer.get(gold_id)
    place = match.place
    if gold.kind == "admin1" and place.id.startswith("part:"):
        return place.admin1 == gold.admin1  # the part of the governorate the text names
    if (gold.kind in ("admin1", "country")) != (place.kind in ("admin1", "country")):
        return False
    return place.id == gold.id or distance_km(gold.lat, gold.lon, place.lat, place.lon) <= gold.radius_km + 5


def evaluate(parser, gazetteer, path: Path = DEV) -> dict[str, float]:
    found_n = gold_n = span_hits = resolved_right = 0
    for text, gold in read_dev(path):
        mentions = parser.parse(text)
        found_n += len(mentions)
        gold_n += len(gold)
        by_span = {(m.start, m.end): m for m in mentions}
        for start, end, place_id in gold:
            mention = by_span.get((start, end))
            if mention is not None:
                span_hits += 1
                resolved_right += same_place(gazetteer, place_id, mention.match)
    return {
        "mention_precision": span_hits / found_n, "mention_recall": span_hits / gold_n,
        "resolution_accuracy": resolved_right / span_hits, "end_to_end_recall": resolved_right / gold_n,
        "mentions": found_n, "gold": gold_n,
    }


@pytest.mark.parametrize("path,floor", [(DEV, 0.9), (HELD_OUT, 0.8)], ids=["dev", "held-out"])
def test_precision_and_recall_of_mentions_and_resolution(parser, gazetteer, capsys, path, floor):
    scores = evaluate(parser, gazetteer, path)
    with capsys.disabled():
        print(f"\ngeoparse {path.stem}: " + ", ".join(
            f"{k} {v:.2f}" if isinstance(v, float) else f"{k} {v}" for k, v in scores.items()))
    assert scores["mention_precision"] >= floor
    assert scores["mention_recall"] >= floor
    assert scores["resolution_accuracy"] >= floor


@pytest.mark.skipif(not SEED.is_file(), reason="../shared/seeds is not here")
def test_seed_article_mentions(parser):
    text = SEED.read_text(encoding="utf-8")
    mentions = parser.parse(text)
    by_text = {}
    for m in mentions:
        assert text[m.start:m.end] == m.text
        by_text.setdefault(m.text, set()).add(m.match.place.id if m.match else None)
    assert by_text["قاعدة الشدادي"] == {"site:shaddadi-base"}
    assert by_text["حقل كونيكو للغاز"] == {"site:conoco-gas-field"}
    assert by_text["ريف محافظة الحسكة الجنوبي"] == {"part:SY-HA:countryside:south"}
    assert by_text["ريف دير الزور الشمالي الشرقي"] == {"part:SY-DY:countryside:northeast"}
    assert by_text["ريف دمشق الغربي"] == {"part:SY-RD:countryside:west"}
    assert by_text["ريف درعا"] == {"part:SY-DR:countryside:all"}
    assert by_text["كناكر"] == {"place:kanaker"}
    assert by_text["قطاع غزة"] == {"region:gaza-strip"}
    rumeilan = next(m for m in mentions if "الرميلان" in m.text)
    malikiya = next(m for m in mentions if m.text.endswith("المالكية"))
    assert rumeilan.match.place.kind == "site" and malikiya.match.place.kind == "site"
    # The Islamic Resistance "in Iraq" is an organisation, not a place where something happened.
    iraq_spans = [m.start for m in mentions if m.text == "العراق"]
    organisation = text.index("المقاومة الإسلامية في العراق")
    assert all(not organisation <= s < organisation + 30 for s in iraq_spans)
    # No common words mistaken for villages.
    assert not {"إلى", "على", "عنه", "بيان", "تشرين", "الفصائل"} & set(by_text)


@pytest.mark.parametrize("text,expected", [
    ("انفجار والشدادي", "الشدادي"),
    ("قصف لدير الزور", "دير الزور"),
    ("غارة على البوكمال وبالميادين", "الميادين"),
    ("وصلت تعزيزات للشدادي", "لشدادي"),  # li + al: the span keeps the article's lam
])
def test_arabic_clitics_are_not_part_of_the_span(parser, text, expected):
    mentions = parser.parse(text)
    assert expected in [m.text for m in mentions]
    assert all(m.match is not None for m in mentions)


def test_age_is_not_the_omar_field(parser):
    assert [m.text for m in parser.parse("بلغ العمر الوسطي للمقاتلين عشرين عاماً")] == []
    assert [m.match.place.feature for m in parser.parse("انفجار في حقل العمر")] == ["oil_field"]


def test_demonyms_are_not_places(parser):
    text = "قال الجيش الإسرائيلي إن الدفاعات السورية والعراقية لم تتصد. Syrian and Iraqi officials agreed."
    assert parser.parse(text) == []


def test_governorate_in_the_sentence_settles_an_ambiguous_name(with_lookalikes):
    parser = Geoparser(with_lookalikes)
    near_damascus = parser.parse("قصفت المدفعية بلدة كناكر في محافظة ريف دمشق.")
    assert near_damascus[0].match.place.admin1 == "SY-RD" and not near_damascus[0].match.ambiguous
    # GeoNames files the other Kanakir, a village near Busra, under As-Suwayda.
    in_suwayda = parser.parse("سقطت قذائف على كناكر في محافظة السويداء.")
    assert in_suwayda[0].match.place.id == "gn:168580"
    assert in_suwayda[0].match.method == "context"


def test_offsets_are_code_points_into_the_given_text(parser):
    text = "🙂 Drone hits Shaddadi base; rockets on Qamishli."
    for m in parser.parse(text):
        assert text[m.start:m.end] == m.text


def test_offsets_survive_any_spacing(parser):
    text = "Drone  hits\tShaddadi base;\u00a0rockets on\r\nQamishli.  \n\n  قصف  على\tالميادين."
    mentions = parser.parse(text)
    assert [m.text for m in mentions] == ["Shaddadi base", "Qamishli", "الميادين"]
    for m in mentions:
        assert text[m.start:m.end] == m.text


# --- common words need evidence -----------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "مدينة",                              # a generic head alone: not Al Madinah (Basra)
    "قتل شخص في مدينة",
    "توجهت القوات إلى الغرب",              # "to the west", not Ali al-Gharbi
    "وقال وأن الهجوم لم يوقع إصابات",       # و + أن ("and that"), not Van
    "دُمّر المنزل بالكامل",                 # the verb "was destroyed", not Dummar
    "About 20 rockets hit the base.",      # folds to ABOT, the Basra oil terminal
], ids=["madinah", "madinah-after-fi", "ila-al-gharb", "wa-an", "dummira", "about"])
def test_reported_common_words_are_not_places(parser, text):
    assert parser.parse(text) == []


@pytest.mark.parametrize("text", [
    "كسب الفريق المباراة بهدفين",           # verb "won", not Kassab
    "نشرت الوكالة صور الدمار",             # "pictures", not Tyre
    "سيرت القوات الروسية دوريات",          # verb "sent out", not Siirt
    "قالت الوزارة في بيان إن الهجوم فشل",   # "in a statement", not Bayan (Kuwait)
    "فتح الاتفاق الباب أمام المفاوضات",     # "the door", not al-Bab
    "يلعب التنظيم الدور الأكبر",            # "the role", not ad-Dawr
    "ولم يتبين حجم الأضرار الناجمة عنه",    # "from it", not Anah
    "وقال بأنه سيعود",                     # ب + أنه ("that he"), not Baneh
    "Can you confirm the strike?",         # not Çan
    "Tell me what happened.",
    "March 14 was quiet in the north.",
], ids=["kasab", "suwar", "sayyarat", "bayan", "al-bab", "ad-dawr", "anhu", "bi-annahu",
        "can", "tell", "march"])
def test_common_words_that_are_also_place_names_need_evidence(parser, text):
    assert parser.parse(text) == []


@pytest.mark.parametrize("text,place_id", [
    ("قصف على بلدة كسب", "place:kassab"),          # a head word
    ("سقطت قذائف في كسب", "place:kassab"),         # a preposition of place
    ("سقطت قذيفة في دمر", "site:dummar"),
    ("سقطت قذيفة بدمر", "site:dummar"),            # the clitic bi-
    ("اشتباكات عنيفة في الباب", "place:al-bab"),   # a noun, a preposition and a curated place
    ("سيطرت القوات على قضاء عنه", "adm2:IQ-anah"),
])
def test_common_words_with_evidence_are_places(parser, text, place_id):
    assert [m.match.place.id for m in parser.parse(text)] == [place_id]


def test_a_generic_word_that_names_a_village_is_still_the_head_of_the_next_name(parser):
    # Al-Midaina (Basra) is called "المدينة": "مدينة الباب" is still the town of al-Bab.
    mentions = parser.parse("دمرت الطائرات مستودعاً قرب مدينة الباب شرقي حلب")
    assert [(m.text, m.match.place.id) for m in mentions][0] == ("مدينة الباب", "place:al-bab")


def test_english_demonyms_are_not_places(parser):
    assert parser.parse("Iraqi officials blamed Islamic State cells.") == []


def test_coordination_with_a_confident_place_is_evidence(parser):
    mentions = parser.parse("سقطت قذائف على قدسيا ودمر")
    assert [(m.text, m.match.place.id) for m in mentions] == [
        ("قدسيا", "place:qudsaya"), ("دمر", "site:dummar")]


def test_a_governorate_name_outweighs_the_noun(parser):
    # حماة is also "mother-in-law"; as the name of a governorate it needs no more evidence.
    mentions = parser.parse("حماة تشهد اشتباكات عنيفة")
    assert [m.text for m in mentions] == ["حماة"]
    assert distance_km(mentions[0].match.place.lat, mentions[0].match.place.lon, 35.13, 36.75) < 10


def test_capitalised_words_inside_a_sentence_stay_proper_nouns(parser):
    # "Batman" is an English word and a Turkish city (GeoNames 321836); "Van" too, but a name
    # of three letters abroad is only an answer with Turkey in the working area.
    assert [m.match.place.id for m in parser.parse("Rockets hit Batman overnight.")] == ["gn:321836"]


def _village(gid: int, name: str, population: int, lat: float = 35.0, lon: float = 40.0) -> Place:
    return Place(f"gn:{gid}", name, lat, lon, "settlement", name_ar=name if _AR.search(name) else "",
                 country="SY", admin1="SY-DY", radius_km=2.0, population=population,
                 source=f"GeoNames:{gid}")


_AR = re.compile("[\u0600-\u06ff]")


@pytest.fixture(scope="module")
def common_word_villages() -> Geoparser:
    """Towns named after common words, populous enough to be named bare: the rule must come
    from the words, not from which villages the gazetteer happens to hold."""
    return Geoparser(Gazetteer([
        _village(1, "About", 50_000), _village(2, "Field", 50_000), _village(3, "Can", 50_000),
        _village(4, "Van", 500, lat=34.0), _village(5, "دمر", 50_000), _village(6, "وان", 50_000),
        _village(7, "بيان", 50_000), _village(8, "قرية", 50_000), _village(9, "Sabkha", 50_000),
    ]))


@pytest.mark.parametrize("text,expected", [
    ("About 20 rockets hit the base.", []),        # a function word: only after a head
    ("Shelling hit About village.", ["About village"]),
    ("Field commanders said.", []),                # a generic word alone
    ("Can you confirm?", []),
    ("Van drivers said the road was closed.", []),  # a dictionary word opening a sentence,
    ("Officials in Van said.", []),                # and a hamlet, named bare: no
    ("دُمّر المنزل بالكامل", []),                   # a verb form needs a preposition ...
    ("سقطت قذيفة في دمر", ["دمر"]),                 # ... and then counts
    ("A drone hit Sabkha. ودُمّر المنزل", ["Sabkha"]),  # "and" after a full stop joins no names
    ("A drone hit Sabkha ودمر", ["Sabkha", "دمر"]),    # ... but does within a sentence
    ("وأن الهجوم فشل", []),                         # و + أن
    ("قالت في بيان", []),                           # a noun after a preposition, not a known place
    ("قرية", []),
    ("A drone hit Sabkha.", ["Sabkha"]),           # no common word: as before
])
def test_the_rule_holds_for_any_gazetteer(common_word_villages, text, expected):
    assert [m.text for m in common_word_villages.parse(text)] == expected


def test_word_classes_read_arabic_clitics_as_arabic_allows(parser):
    common = parser.common
    assert common.class_of(_letters("وأن")) == "function"     # و + أن
    assert common.class_of(_letters("فومن")) == ""            # ف + و + من is not Arabic
    assert common.class_of(_letters("ودمر")) == "verb"
    assert common.class_of(_letters("ليدمر")) == "verb"       # lam of purpose + present
    assert common.class_of(_letters("الجمعة")) == "calendar"  # the article hides a day name
    assert common.class_of(_letters("الغرب")) == "head"       # a direction
    assert common.class_of("city") == common.class_of("مدينه") == "head"
    assert common.class_of(_letters("دمشق")) == ""


def test_a_bad_row_in_the_word_table_names_file_and_line():
    with pytest.raises(DataError, match=r"words\.tsv, line 3"):
        CommonWords.read(["word\tlang\tclass\n", "في\tar\tpreposition\n", "x\tfr\tverb\n"], "words.tsv")


# --- datelines -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text,datelines", [
    ("BEIRUT, 14 March (Reuters) - Israeli jets struck Damascus overnight.", ["BEIRUT"]),
    ("DAMASCUS (AP) — A drone hit a car in Qamishli.", ["DAMASCUS"]),
    ("QAMISHLI, Syria (AP) — A drone hit a car near Qamishli.", ["QAMISHLI", "Syria"]),
    ("دير الزور - قصفت طائرات مسيّرة مواقع في الميادين.", ["دير الزور"]),
    ("بيروت، 14 آذار/مارس (رويترز) - قصفت طائرات إسرائيلية دمشق.", ["بيروت"]),
    ("Intro line.\n\nHOMS, Jan 5 (Reuters) - Shelling hit Talbiseh.", ["HOMS"]),
    ("Intro line.\n \n        HOMS (AP) - Shelling hit Talbiseh.", ["HOMS"]),
    ("Raqqa is a city on the Euphrates - it was hit again.", []),
    ("Shelling hit the town.\nدير الزور - ليست بداية تقرير", []),  # no blank line before
])
def test_datelines_are_places_with_their_own_role(parser, text, datelines):
    mentions = parser.parse(text)
    assert [m.text for m in mentions if m.role == "dateline"] == datelines
    assert all(m.role == "place" for m in mentions if m.text not in datelines)
    assert all(m.match is not None for m in mentions)


def test_mention_json_keeps_its_keys_and_adds_the_role(parser):
    mention = parser.parse("DAMASCUS (AP) — A drone hit a car in Qamishli.")[0]
    shape = mention.as_dict()
    assert list(shape) == ["start", "end", "text", "match", "role"]
    assert (shape["start"], shape["end"], shape["text"], shape["role"]) == (0, 8, "DAMASCUS", "dateline")


def test_a_dateline_steers_no_other_name(with_lookalikes):
    parser = Geoparser(with_lookalikes)
    steered = parser.parse("سقطت قذائف على كناكر في محافظة السويداء.")
    assert steered[0].match.place.id == "gn:168580"
    filed_from = parser.parse("السويداء - سقطت قذائف على كناكر.")
    assert [m.role for m in filed_from] == ["dateline", "place"]
    assert filed_from[1].match.place.id != "gn:168580"


# --- long texts ----------------------------------------------------------------------------------

def test_a_long_text_gives_the_mentions_of_its_parts(parser):
    """Offsets and context stay right over a text of many reports: each repeat of a report
    gives the same mentions, shifted by the report's length."""
    report = "\n\n".join(text for text, _ in read_dev())
    once = [(m.start, m.end, m.text, m.match.place.id if m.match else None, m.role)
            for m in parser.parse(report)]
    copies = 300
    text = "\n\n".join([report] * copies)
    many = parser.parse(text)
    assert len(many) == copies * len(once)
    step = len(report) + 2
    for k in (0, 1, copies // 2, copies - 1):
        shifted = [(m.start - k * step, m.end - k * step, m.text,
                    m.match.place.id if m.match else None, m.role)
                   for m in many[k * len(once):(k + 1) * len(once)]]
        assert shifted == once


# --- the parser belongs to its gazetteer ---------------------------------------------------------

KILO = "A drone hit Camp Lima and Outpost Kilo on Monday."


def found(mentions) -> list[str]:
    return [m.match.place.id for m in mentions if m.match is not None]


def test_a_place_added_to_a_gazetteer_is_found_by_geoparse():
    g = Gazetteer([Place("site:camp-lima", "Camp Lima", 36.0, 41.0, "site", country="SY")])
    assert found(geoparse(KILO, gazetteer=g)) == ["site:camp-lima"]
    g.add([Place("user:outpost-kilo", "Outpost Kilo", 35.5, 40.5, "site", country="SY")])
    assert found(geoparse(KILO, gazetteer=g)) == ["site:camp-lima", "user:outpost-kilo"]
    assert g.geoparser() is g.geoparser()   # built once until the places change


def test_the_default_gazetteer_follows_the_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("INCIDENT_MAPPER_DATA", str(tmp_path / "first"))
    assert "user:outpost-kilo" not in found(geoparse(KILO))
    sites = tmp_path / "sites.csv"
    sites.write_text("name,lat,lon\nOutpost Kilo,35.5,40.5\n", encoding="utf-8")
    import_file(sites, tmp_path / "second")
    monkeypatch.setenv("INCIDENT_MAPPER_DATA", str(tmp_path / "second"))
    assert "user:outpost-kilo" in found(geoparse(KILO))
    more = tmp_path / "more.csv"   # another import into the same folder
    more.write_text("name,lat,lon\nCamp Lima,36.0,41.0\n", encoding="utf-8")
    import_file(more, tmp_path / "second")
    assert {"user:outpost-kilo", "user:camp-lima"} <= set(found(geoparse(KILO)))

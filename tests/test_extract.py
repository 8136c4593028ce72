"""Draft incidents from article text: the seed's strikes, dates, types, counts, context, CLI."""

from __future__ import annotations

from datetime import date

import pytest
from pathlib import Path
from click.testing import CliRunner

from gazetteer import distance_km
from mapper.cli import main
from mapper.extract import (
    COLUMNS, extract, find_actor, find_count, find_events, find_fatalities, find_outcome,
    find_target, find_times, write_drafts,
)
from mapper.incidents import read_incidents
from mapper.locate import locate

SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_7636e21c7e38833a.txt"
PUBLISHED = date(2024, 1, 3)   # a Wednesday

OMAR = {"site:al-omar-oil-field", "site:green-village-base"}


@pytest.fixture(scope="module")
def seed_text() -> str:
    if not SEED.exists():
        pytest.skip("the seed article (../shared/seeds) is not available")
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed(seed_text, gazetteer):
    return extract(seed_text, PUBLISHED, gazetteer=gazetteer, source_url="https://example.org/a")


def one(drafts, **want):
    """The single draft whose fields equal `want` (a set value means any of these)."""
    def fits(d):
        return all(getattr(d, k) in v if isinstance(v, set) else getattr(d, k) == v
                   for k, v in want.items())
    found = [d for d in drafts if fits(d)]
    assert len(found) == 1, (want, [(d.place_id, d.date, d.event_type) for d in drafts])
    return found[0]


# --- the seed ----------------------------------------------------------------------------------

def test_seed_four_rockets_on_omar_field_evening_of_jan_2(seed):
    d = one(seed, place_id=OMAR, event_type="rocket")
    assert (d.date, d.time, d.count, d.admin1) == ("2024-01-02", "evening", 4, "SY-DY")
    assert "base" in d.target.lower()
    assert "مساء أمس" in d.evidence and "أربعة صواريخ" in d.evidence


def test_seed_drone_intercepted_at_omar_day_before(seed):
    d = one(seed, place_id=OMAR, event_type="drone")
    assert (d.date, d.outcome) == ("2024-01-01", "intercepted")


def test_seed_claimed_drones_on_rumeilan_and_malikiya_and_rockets_on_shaddadi(seed):
    rumeilan = one(seed, event_type="drone", place_id={"site:rmelan-landing-zone", "place:rmelan"})
    malikiya = one(seed, event_type="drone", place_id={"site:al-malikiyah-base", "place:al-malikiyah"})
    shaddadi = one(seed, event_type="rocket", place_id={"site:shaddadi-base", "place:shaddadi"})
    for d in (rumeilan, malikiya, shaddadi):
        assert d.date == "2024-01-02" and d.admin1 == "SY-HA"
        assert d.actor == "Islamic Resistance in Iraq" and "claimed" in d.notes
        assert d.outcome == "hit"
    assert rumeilan.location == "قاعدة الرميلان"


def test_seed_drone_intercepted_at_shaddadi_furat_post(seed):
    d = one(seed, event_type="drone", place_id={"site:shaddadi-base", "place:shaddadi"})
    assert (d.date, d.outcome, d.admin1) == ("2024-01-02", "intercepted", "SY-HA")
    assert "فرات بوست" in d.evidence


def test_seed_drone_on_conoco_day_before(seed):
    d = one(seed, place_id="site:conoco-gas-field")
    assert (d.date, d.event_type, d.outcome) == ("2024-01-01", "drone", "unknown")


def test_seed_israeli_dawn_strikes_narrowed_to_kanaker(seed):
    d = one(seed, event_type="airstrike", date="2024-01-02")
    assert d.place_id == "place:kanaker" and d.admin1 == "SY-RD"
    assert (d.time, d.actor, d.target) == ("dawn", "Israel", "Iranian-backed militia positions")
    assert "ريف دمشق الغربي" in d.evidence and "كناكر" in d.evidence


def test_seed_shelling_of_yarmouk_basin(seed):
    d = one(seed, event_type="artillery")
    assert d.place_id == "region:yarmouk-basin" and d.admin1 == "SY-DR"
    assert d.date == "2024-01-02" and d.actor == ""


def test_seed_killing_of_mousavi_in_sayyida_zeinab(seed):
    d = one(seed, date="2023-12-25")
    assert d.place_id == "place:sayyidah-zaynab" and d.event_type == "airstrike"
    assert d.fatalities == 1 and "موسوي" in d.target
    assert d.actor == ""   # the sentence names no one; Israel is only in the paragraph before


def test_seed_context_gives_no_rows(seed):
    # Gaza, the 115 attacks counted since October, the patrols, the headline and the caption.
    assert len(seed) == 10
    assert all(d.country == "SY" for d in seed)
    assert not any(d.place_id.startswith(("adm1:", "country:")) for d in seed)
    assert not any(d.date.startswith("2023-10") for d in seed)


def test_seed_evidence_offsets_point_into_the_text(seed, seed_text):
    for d in seed:
        assert seed_text[d.evidence_start:d.evidence_end] == d.evidence
        assert d.location.strip('"') in d.evidence or d.location.replace("قاعدة ", "") in d.evidence
        assert d.source_url == "https://example.org/a" and d.id.startswith("draft-")


def test_seed_rows_sit_at_the_hand_written_sample_places(seed, gazetteer):
    sample = Path(__file__).resolve().parents[1] / "data" / "samples" / "seed_incidents.csv"
    for incident in read_incidents(sample):
        match = gazetteer.resolve(incident.location, admin1=incident.admin1, country="SY")
        near = [d for d in seed if d.date == incident.date and d.event_type == incident.event_type
                and distance_km(d.lat, d.lon, match.place.lat, match.place.lon) <= 15]
        assert near, (incident.id, incident.location, incident.date, incident.event_type)


# --- dates -------------------------------------------------------------------------------------

@pytest.mark.parametrize("phrase, day, part", [
    ("مساء أمس", "2024-01-02", "evening"),
    ("أول أمس", "2024-01-01", ""),
    ("أول من أمس", "2024-01-01", ""),
    ("فجر أمس", "2024-01-02", "dawn"),
    ("صباح اليوم", "2024-01-03", "morning"),
    ("البارحة", "2024-01-02", ""),
    ("ليلة أمس", "2024-01-02", "night"),
    ("ظهر أمس", "2024-01-02", "noon"),
    ("عصر اليوم", "2024-01-03", "afternoon"),
    ("يوم الثلاثاء", "2024-01-02", ""),
    ("مساء الأحد", "2023-12-31", "evening"),
    ("يوم الأربعاء", "2024-01-03", ""),   # published on a Wednesday: that day, as the press writes it
    ("الأربعاء الماضي", "2023-12-27", ""),   # "last Wednesday": the one before
    ("الخامس والعشرين من كانون الأول", "2023-12-25", ""),
    ("25 كانون الأول", "2023-12-25", ""),
    ("الثاني من كانون الثاني", "2024-01-02", ""),
    ("في ٣١ ديسمبر", "2023-12-31", ""),
])
def test_arabic_relative_and_explicit_dates(phrase, day, part):
    found = find_times(f"قال المصدر إن الهجوم وقع {phrase} في المنطقة", PUBLISHED)
    assert [(t.date, t.time, t.precision) for t in found] == [(day, part, "day")]
    assert phrase.replace("في ", "") in found[0].text


@pytest.mark.parametrize("phrase, day, part", [
    ("last night", "2024-01-02", "night"),
    ("yesterday", "2024-01-02", ""),
    ("yesterday evening", "2024-01-02", "evening"),
    ("today", "2024-01-03", ""),
    ("this morning", "2024-01-03", "morning"),
    ("the day before yesterday", "2024-01-01", ""),
    ("on Tuesday", "2024-01-02", ""),
    ("late on Monday", "2024-01-01", ""),
    ("at dawn on Sunday", "2023-12-31", "dawn"),
    ("on December 25", "2023-12-25", ""),
    ("on 25 December", "2023-12-25", ""),
    ("on Dec. 30, 2023", "2023-12-30", ""),
    ("on January 2", "2024-01-02", ""),
])
def test_english_relative_and_explicit_dates(phrase, day, part):
    found = find_times(f"Officials said the attack happened {phrase} near the base.", PUBLISHED)
    assert [(t.date, t.time) for t in found] == [(day, part)]


def test_month_only_dates_keep_month_precision():
    ar = find_times("وقعت الضربة في شهر تشرين الثاني الماضي", PUBLISHED)
    en = find_times("The strike took place in November.", PUBLISHED)
    assert [(t.date, t.precision) for t in ar + en] == [("2023-11", "month")] * 2


def test_since_starts_a_period_not_an_event():
    assert find_times("أكثر من 115 هجوما منذ السابع عشر من أكتوبر الماضي", PUBLISHED) == []
    assert find_times("attacks since October 17", PUBLISHED) == []


def test_clause_without_time_inherits_within_the_sentence_only(gazetteer):
    text = ("استهدفت طائرة مسيّرة قاعدة الشدادي فجر أمس، وسقطت قذائف على حقل كونيكو.\n\n"
            "وقصفت المدفعية بلدة كناكر.")
    drafts = extract(text, PUBLISHED, gazetteer=gazetteer)
    conoco = one(drafts, place_id="site:conoco-gas-field")
    kanaker = one(drafts, place_id="place:kanaker")
    assert conoco.date == "2024-01-02" and conoco.event_type == "artillery"
    assert kanaker.date == "2024-01-03" and "date assumed" in kanaker.notes


def test_month_precision_reaches_the_draft(gazetteer):
    drafts = extract("Rockets hit Ain al-Asad air base in December.", PUBLISHED, gazetteer=gazetteer)
    assert [(d.date, d.date_precision) for d in drafts] == [("2023-12", "month")]


# --- wording -----------------------------------------------------------------------------------

@pytest.mark.parametrize("words, event_type", [
    ("رشقة صاروخية", "rocket"), ("أربعة صواريخ", "rocket"), ("بصاروخ", "rocket"),
    ("طائرة مسيّرة", "drone"), ("بمسيرة", "drone"), ("درون", "drone"), ("الطيران المسيّر", "drone"),
    ("غارة", "airstrike"), ("غارات", "airstrike"), ("ضربات جوية", "airstrike"),
    ("الطيران الحربي", "airstrike"), ("قصف جوي", "airstrike"),
    ("قذائف", "artillery"), ("قصف مدفعي", "artillery"), ("بالمدفعية", "artillery"),
    ("صاروخ باليستي", "missile"), ("صواريخ كروز", "missile"), ("عبوة ناسفة", "ied"),
    ("اشتباكات", "clash"),
    ("rockets", "rocket"), ("a drone", "drone"), ("UAV", "drone"), ("air strikes", "airstrike"),
    ("an airstrike", "airstrike"), ("shelling", "artillery"), ("artillery fire", "artillery"),
    ("a ballistic missile", "missile"), ("an IED", "ied"), ("clashes", "clash"),
])
def test_event_type_from_the_wording(words, event_type):
    assert [e.event_type for e in find_events(words)] == [event_type]


@pytest.mark.parametrize("words", ["سرية المدفعية", "مسيرة احتجاجية", "تحليق طائرات مسيّرة",
                                   "the artillery battalion", "drones flying over"])
def test_words_that_are_not_attacks(words):
    assert find_events(words) == []


@pytest.mark.parametrize("words, count", [
    ("سقوط أربعة صواريخ", 4), ("بثلاث طائرات مسيّرة", 3), ("صاروخين", 2), ("٥ قذائف", 5),
    ("عشرة صواريخ", 10), ("four rockets", 4), ("two Katyusha rockets", 2), ("3 drones", 3),
    ("صواريخ", None), ("a drone", None),
])
def test_count_where_stated(words, count):
    assert find_count(words) == count


@pytest.mark.parametrize("words, outcome", [
    ("طائرة مسيّرة اعترضتها المضادات", "intercepted"), ("أسقطت الدفاعات الجوية مسيّرة", "intercepted"),
    ("تصدت الدفاعات لطائرة", "intercepted"), ("إسقاط طائرة مسيرة", "intercepted"),
    ("أصابت الأهداف بشكل دقيق", "hit"), ("إصابة مباشرة", "hit"),
    ("the drone was shot down", "intercepted"), ("air defences intercepted a drone that tried to hit it", "intercepted"),
    ("rockets hit the base", "hit"), ("صواريخ سقطت قرب القاعدة", "unknown"),
])
def test_outcome_where_stated(words, outcome):
    assert find_outcome(words) == outcome


@pytest.mark.parametrize("words, actor", [
    ("وكان الطيران الإسرائيلي قد استهدف", "Israel"), ("استهدفت القوات التركية", "Turkey"),
    ("غارات للتحالف الدولي", "Coalition"), ("أعلنت المقاومة الإسلامية في العراق", "Islamic Resistance in Iraq"),
    ("Turkish drones struck", "Turkey"), ("قاعدة التحالف الدولي ضد تنظيم داعش", ""),
    ("the base of the coalition against the Islamic State", ""), ("انفجارات في الحقل", ""),
])
def test_actor_where_stated(words, actor):
    assert find_actor(words) == actor


def test_target_and_fatalities():
    assert find_target("طاول القصف مواقع للمليشيات الإيرانية") == "Iranian-backed militia positions"
    assert find_fatalities("مقتل القيادي في الحرس الثوري") == (1, None)
    assert find_fatalities("killing two fighters and wounding three others") == (2, 3)


# --- whole texts -------------------------------------------------------------------------------

def test_one_draft_per_place_sharing_a_clause(gazetteer):
    text = "أعلنت المقاومة الإسلامية في العراق عن استهداف قاعدتي الرميلان والمالكية بطائرات مسيّرة أمس."
    drafts = extract(text, PUBLISHED, gazetteer=gazetteer)
    assert sorted(d.place_id for d in drafts) == ["site:al-malikiyah-base", "site:rmelan-landing-zone"]
    assert all(d.event_type == "drone" and d.date == "2024-01-02" for d in drafts)
    assert all(d.actor == "Islamic Resistance in Iraq" and "claimed" in d.notes for d in drafts)


def test_the_most_specific_place_wins(gazetteer):
    drafts = extract("سقطت ثلاثة صواريخ على قاعدة الشدادي بريف الحسكة صباح اليوم.", PUBLISHED,
                     gazetteer=gazetteer)
    assert len(drafts) == 1
    d = drafts[0]
    assert (d.place_id, d.admin1, d.count, d.time) == ("site:shaddadi-base", "SY-HA", 3, "morning")


def test_context_is_not_an_incident(gazetteer):
    text = ("وتأتي الاستهدافات على خلفية العدوان الإسرائيلي على قطاع غزة وغارات على رفح.\n\n"
            "وأحصت واشنطن أكثر من 115 هجوما ضد قواتها في العراق وسورية منذ أكتوبر.\n\n"
            "More than 150 attacks on US forces in Iraq and Syria since mid-October, with rockets "
            "and drones.\n\n"
            "سيّرت القوات الأميركية دوريات في ريف الحسكة مدعومة بالطيران المروحي.\n\n"
            "قالت الوزارة إن الصواريخ لن تثنيها عن مواقفها.")
    assert extract(text, PUBLISHED, gazetteer=gazetteer) == []


ENGLISH = """Two rockets struck Ain al-Asad air base in western Anbar late on Monday, security sources said.

On Sunday, a drone was shot down near Erbil airport. The Islamic Resistance in Iraq claimed both attacks.

Israeli air strikes hit Iranian-backed militia positions near Kanaker at dawn on Tuesday. Turkish drones struck a car near Qamishli yesterday, killing two SDF fighters.

Since mid-October there have been more than 150 attacks on US forces in Iraq and Syria. Israel's war in Gaza continues, with air strikes on Rafah.

Shelling hit Tadef east of Aleppo on December 28."""


def test_english_report(gazetteer):
    drafts = extract(ENGLISH, PUBLISHED, gazetteer=gazetteer)
    got = {d.place_id: d for d in drafts}
    assert list(got) == ["site:airport-oraa", "site:airport-orer", "place:kanaker", "place:qamishli",
                         "gn:163811"]
    asad, erbil, kanaker, qamishli, tadef = drafts
    assert (asad.date, asad.event_type, asad.count, asad.admin1) == ("2024-01-01", "rocket", 2, "IQ-AN")
    assert (erbil.date, erbil.event_type, erbil.outcome) == ("2023-12-31", "drone", "intercepted")
    assert erbil.actor == "Islamic Resistance in Iraq" and "claimed" in erbil.notes
    assert (kanaker.date, kanaker.time, kanaker.event_type, kanaker.actor) == ("2024-01-02", "dawn", "airstrike", "Israel")
    assert kanaker.target == "Iranian-backed militia positions"
    assert (qamishli.date, qamishli.actor, qamishli.fatalities, qamishli.event_type) == ("2024-01-02", "Turkey", 2, "drone")
    assert (tadef.date, tadef.event_type) == ("2023-12-28", "artillery")


# --- files and the command line ----------------------------------------------------------------

def test_drafts_round_trip_through_read_incidents_and_locate(seed, gazetteer, tmp_path):
    path = tmp_path / "drafts.csv"
    write_drafts(seed, path)
    assert path.read_text(encoding="utf-8").splitlines()[0] == ",".join(COLUMNS)
    incidents = read_incidents(path)
    assert [(i.date, i.event_type, i.location) for i in incidents] == \
           [(d.date, d.event_type, d.location) for d in seed]
    result = locate(incidents, gazetteer)
    assert len(result.located) == len(seed) and not result.unmapped
    for located, draft in zip(result.located, seed):
        assert (located.lat, located.lon) == pytest.approx((draft.lat, draft.lon))
    extra = dict(incidents[0].extra)
    assert extra["place_id"] == seed[0].place_id and int(extra["evidence_end"]) == seed[0].evidence_end


def test_english_drafts_round_trip(gazetteer, tmp_path):
    path = tmp_path / "en.csv"
    write_drafts(extract(ENGLISH, PUBLISHED, gazetteer=gazetteer), path)
    result = locate(read_incidents(path), gazetteer)
    assert len(result.located) == 5 and not result.unmapped


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_cli_extract_writes_csv_and_one_summary_line(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text(ENGLISH, encoding="utf-8")
    out = tmp_path / "drafts.csv"
    result = run("extract", str(article), "--date", "2024-01-03", "--source-url", "https://x.org/1",
                 "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "5 draft incidents" in result.stderr
    rows = read_incidents(out)
    assert len(rows) == 5 and all(r.source_url == "https://x.org/1" for r in rows)


def test_cli_extract_to_stdout(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("سقطت أربعة صواريخ على قاعدة الشدادي مساء أمس.", encoding="utf-8")
    result = run("extract", str(article), "--date", "2024-01-03")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("id,date,time,location,lat,lon,place_id") and len(lines) == 2
    assert ",2024-01-02,evening," in lines[1]


@pytest.mark.parametrize("args", [
    ["--date", "2024-13-01"], ["--date", "03/01/2024"], ["--date", "yesterday"],
])
def test_cli_extract_bad_date_exits_2_with_one_line(tmp_path, args):
    article = tmp_path / "a.txt"
    article.write_text("text", encoding="utf-8")
    result = run("extract", str(article), *args)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "--date" in result.stderr
    assert "Traceback" not in result.output


def test_cli_extract_needs_a_date_and_a_readable_file(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("text", encoding="utf-8")
    assert run("extract", str(article)).exit_code == 2
    missing = run("extract", str(tmp_path / "missing.txt"), "--date", "2024-01-03")
    assert missing.exit_code == 2 and "missing.txt" in missing.stderr

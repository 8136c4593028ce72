"""Draft incidents from article text: the seed's strikes, dates, types, counts, context, CLI."""

from __future__ import annotations

import dataclasses
import importlib.util
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from gazetteer import distance_km
from mapper.cli import main
from mapper.extract import (
    COLUMNS,
    THRESHOLDS,
    TIME_RULES,
    TimeRule,
    When,
    extract,
    find_actor,
    find_count,
    find_events,
    find_fatalities,
    find_outcome,
    find_target,
    find_times,
    write_drafts,
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
    ("عدواناً جوياً", "airstrike"), ("بصواريخ إسرائيلية", "missile"), ("بالرشاشات الثقيلة", "clash"),
    ("heavy machine-gun fire", "clash"), ("طائرة مسيّرة مفخخة", "drone"), ("الطائرات الحربية", "airstrike"),
])
def test_event_type_from_the_wording(words, event_type):
    assert [e.event_type for e in find_events(words)] == [event_type]


@pytest.mark.parametrize("words", ["سرية المدفعية", "مسيرة احتجاجية", "تحليق طائرات مسيّرة",
                                   "تحليق مكثف لطيران الاستطلاع",
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


# --- the rule system ---------------------------------------------------------------------------

# One phrase per time rule: a rule added to TIME_RULES without an example here fails this test.
RULE_EXAMPLES = {
    "ar_relative": ("عصر أمس", "2024-01-02", "day"),
    "ar_weekday": ("ليلة الأحد", "2023-12-31", "day"),
    "ar_night_between": ("ليل السبت على الأحد", "2023-12-30", "day"),
    "ar_date": ("الثالث عشر من كانون الأول", "2023-12-13", "day"),
    "ar_month": ("خلال شهر تشرين الثاني", "2023-11", "month"),
    "ar_last_week": ("الأسبوع الماضي", "2023-12-28", "week"),
    "ar_this_week": ("مطلع هذا الأسبوع", "2024-01-01", "week"),
    "ar_days_ago": ("قبل يومين", "2024-01-01", "week"),
    "ar_later": ("بعد ساعات", "2024-01-03", "day"),
    "ar_next_day": ("في اليوم التالي", "2024-01-04", "day"),
    "en_day_before": ("the day before yesterday", "2024-01-01", "day"),
    "en_last_night": ("overnight", "2024-01-02", "day"),
    "en_yesterday": ("yesterday afternoon", "2024-01-02", "day"),
    "en_today": ("this evening", "2024-01-03", "day"),
    "en_date": ("on Nov. 4", "2023-11-04", "day"),
    "en_date_dm": ("on 2 January", "2024-01-02", "day"),
    "en_month": ("in early December", "2023-12", "month"),
    "en_night_between": ("overnight Monday to Tuesday", "2024-01-01", "day"),
    "en_weekday": ("last Thursday", "2023-12-28", "day"),
    "en_last_week": ("last week", "2023-12-28", "week"),
    "en_this_week": ("earlier this week", "2024-01-01", "week"),
    "en_days_ago": ("three days ago", "2023-12-31", "week"),
    "en_later": ("later that evening", "2024-01-03", "day"),
    "en_next_day": ("the following morning", "2024-01-04", "day"),
}


def test_every_time_rule_has_an_example_and_reads_it():
    assert {r.name for r in TIME_RULES} == set(RULE_EXAMPLES)
    for name, (phrase, day, precision) in RULE_EXAMPLES.items():
        found = find_times(f"وقال الشاهد إن ذلك حدث {phrase} هناك" if name.startswith("ar")
                           else f"The witness said it happened {phrase} there.", PUBLISHED)
        assert [(t.rule, t.date, t.precision) for t in found] == [(name, day, precision)], phrase


def test_a_time_rule_is_its_pattern_and_resolver():
    fortnight = TimeRule("en_fortnight", r"\ba fortnight ago\b",
                         lambda m, base: When(base - timedelta(days=14), "week"))
    m = fortnight.regex.search("shelled a fortnight ago")
    assert fortnight.resolve(m, PUBLISHED) == When(date(2023, 12, 20), "week")
    impossible = next(r for r in TIME_RULES if r.name == "ar_date")
    m = impossible.regex.search("30 شباط".replace("شباط", "شباط"))
    assert m is not None and impossible.resolve(m, PUBLISHED) is None   # no 30 February: says so


def test_thresholds_live_in_one_frozen_record():
    with pytest.raises(dataclasses.FrozenInstanceError):
        THRESHOLDS.site_town_km = 1.0
    assert all(isinstance(getattr(THRESHOLDS, f.name), (int, float)) for f in dataclasses.fields(THRESHOLDS))


def test_draft_columns_stay_what_the_corpus_pipeline_reads():
    assert COLUMNS == ("id", "date", "time", "location", "lat", "lon", "place_id", "place_name",
                       "event_type", "actor", "target", "outcome", "fatalities", "injuries", "count",
                       "country", "admin1", "description", "source_url", "evidence", "evidence_start",
                       "evidence_end", "date_precision", "notes")


def rows(text, gazetteer, published=PUBLISHED):
    return extract(text, published, gazetteer=gazetteer)


# --- datelines and reference points ------------------------------------------------------------

def test_a_dateline_is_where_the_report_was_filed_not_an_incident(gazetteer):
    en = rows("KIRKUK, Iraq, Jan 3 (Reuters) - A roadside bomb wounded two soldiers near Hawija on "
              "Tuesday, police said.", gazetteer)
    ar = rows("الرقة – استهدفت طائرة مسيّرة سيارة في بلدة عين عيسى صباح اليوم.", gazetteer)
    assert [(d.place_id, d.date, d.injuries) for d in en] == [("place:hawija", "2024-01-02", 2)]
    assert [(d.place_id, d.event_type) for d in ar] == [("place:ayn-issa", "drone")]


def test_a_landmark_locates_the_event_but_is_not_one(gazetteer):
    apposition = rows("Rockets fell on al-Atarib, west of Aleppo, on Monday.", gazetteer)
    arabic = rows("سقطت قذائف على بلدة دارة عزة غربي حلب مساء أمس.", gazetteer)
    near = rows("An air strike hit a farm near the town of Saraqib, east of Idlib, yesterday.", gazetteer)
    assert [d.place_id for d in apposition] == ["place:al-atarib"]
    assert [d.place_id for d in arabic] == ["place:darat-izza"]
    assert [d.place_id for d in near] == ["place:saraqib"]


def test_a_landmark_alone_is_the_place_with_a_note(gazetteer):
    d, = rows("A drone struck a truck 20 km south of Hasakah on Friday.", gazetteer)
    assert d.place_name.endswith("asakah") and "landmark" in d.notes and d.date == "2023-12-29"


def test_where_a_source_speaks_or_a_rocket_came_from_is_no_incident(gazetteer):
    text = ("أفاد مصدر أمني في محافظة الأنبار بسقوط صاروخين على قاعدة عين الأسد مساء أمس، وأضاف أن "
            "الصاروخين انطلقا من منطقة قريبة من مدينة هيت.")
    assert [d.place_id for d in rows(text, gazetteer)] == ["site:airport-oraa"]
    text = "Syria's defence ministry said Israeli missiles fired from the Golan Heights hit Kiswah on Monday."
    assert [d.place_id for d in rows(text, gazetteer)] == ["place:al-kiswah"]


# --- time ---------------------------------------------------------------------------------------

def test_chained_times_take_the_date_of_the_event_before(gazetteer):
    en = rows("Rockets hit Ain al-Asad air base on Saturday.\n\nHours later, a drone was downed near "
              "Erbil airport. The next morning, a drone struck a car in Makhmour.", gazetteer,
              published=date(2024, 1, 8))
    ar = rows("استهدفت غارة جوية بلدة سرمين فجر أمس.\n\nوفي وقت لاحق، قصفت المدفعية مدينة سراقب.\n\n"
              "وبعد ساعات، سقطت قذائف على مدينة معرة النعمان.", gazetteer)
    assert [d.date for d in en] == ["2024-01-06", "2024-01-06", "2024-01-07"]
    assert "date of the event told before it" in en[1].notes
    assert [(d.place_id, d.date) for d in ar] == [("place:sarmin", "2024-01-02"), ("place:saraqib", "2024-01-02"),
                                                  ("place:maarat-al-numan", "2024-01-02")]


def test_later_that_day_is_resolved_once_for_the_whole_sentence(gazetteer):
    drafts = rows("Turkish drones struck Amuda on Monday. The next day, a drone hit Qahtaniyah and "
                  "artillery shelled Tell Tamer.", gazetteer)
    assert [d.date for d in drafts] == ["2024-01-01", "2024-01-02", "2024-01-02"]


def test_rough_dates_carry_week_precision(gazetteer):
    drafts = rows("A drone struck a car near Qamishli last week.\n\nقصفت قوات النظام بلدة سرمين قبل يومين.",
                  gazetteer)
    assert [(d.date, d.date_precision) for d in drafts] == [("2023-12-28", "week"), ("2024-01-01", "week")]


def test_the_day_a_source_spoke_dates_nothing_its_report_dates_itself(gazetteer):
    d, = rows("أفاد مصدر أمني، اليوم الأربعاء، بسقوط قذيفة هاون على ناحية الطارمية مساء أمس.", gazetteer)
    tarmiyah = gazetteer.get("place:tarmiyah")
    assert distance_km(d.lat, d.lon, tarmiyah.lat, tarmiyah.lon) < 15 and (d.date, d.time) == ("2024-01-02", "evening")


# --- tolls --------------------------------------------------------------------------------------

@pytest.mark.parametrize("words, toll", [
    ("قُتل مدنيان وأصيب أربعة آخرون", (2, 4)), ("أصيب جندي بجروح", (None, 1)),
    ("ما أدى إلى مقتل ثلاثة عناصر وجرح رابع", (3, 1)), ("قُتل طفل وأُصيبت والدته", (1, 1)),
    ("أسفر عن سقوط قتيلين", (2, None)), ("ما أسفر عن إصابة عدد من العسكريين", (None, None)),
    ("killing its driver", (1, None)), ("wounding at least five people", (None, 5)),
    ("two civilians were wounded", (None, 2)), ("killing a number of fighters", (None, None)),
    ("دون وقوع إصابات", (0, 0)), ("ولم يسفر القصف عن خسائر بشرية", (0, 0)),
    ("اقتصرت الأضرار على الماديات", (0, 0)), ("causing no casualties", (0, 0)),
    ("No one was hurt.", (0, 0)), ("دون ورود معلومات عن إصابات", (None, None)),
    ("without reporting casualties", (None, None)), ("it was not clear whether there were casualties", (None, None)),
])
def test_tolls_as_stated(words, toll):
    assert find_fatalities(words) == toll


def test_a_toll_belongs_to_the_event_of_its_clause(gazetteer):
    drafts = rows("Israeli jets struck Mezzeh on Monday, killing two, and a separate strike hit Kiswah, "
                  "wounding five.", gazetteer)
    assert [(d.place_id, d.fatalities, d.injuries) for d in drafts] == [
        ("site:mezzeh", 2, None), ("place:al-kiswah", None, 5)]


def test_a_toll_told_before_its_event_and_after_it(gazetteer):
    before = rows("قُتل مدنيان وأصيب أربعة آخرون، صباح اليوم، جراء قصف مدفعي على مدينة أريحا.", gazetteer)
    after = rows("A drone struck a checkpoint in Amuda on Monday.\n\nThere were no casualties.", gazetteer)
    assert [(d.fatalities, d.injuries, d.event_type) for d in before] == [(2, 4, "artillery")]
    assert [(d.fatalities, d.injuries) for d in after] == [(0, 0)]


def test_a_toll_named_at_one_of_two_places_goes_there(gazetteer):
    drafts = rows("قصفت قوات النظام بلدتي سرمين وسراقب مساء أمس، ما أدى لمقتل طفل في سراقب.", gazetteer)
    assert [(d.place_id, d.fatalities) for d in drafts] == [("place:sarmin", None), ("place:saraqib", 1)]


def test_a_toll_for_several_places_at_once_goes_to_none(gazetteer):
    drafts = rows("Russian jets struck Sarmin and Saraqib on Monday, killing seven people.", gazetteer)
    assert [d.fatalities for d in drafts] == [None, None]
    assert all("together" in d.notes for d in drafts)


# --- one event, one row -------------------------------------------------------------------------

def test_an_interception_at_a_base_and_over_its_city_is_one_incident(gazetteer):
    one_sentence = rows("A drone targeting Harir air base was shot down over Erbil on Sunday.", gazetteer)
    in_city = rows("أسقطت الدفاعات الجوية طائرة مسيّرة استهدفت قاعدة حرير في أربيل فجر اليوم.", gazetteer)
    for drafts in (one_sentence, in_city):
        assert [(d.place_id, d.event_type, d.outcome) for d in drafts] == [
            ("site:airport-orbr", "drone", "intercepted")]


def test_the_road_between_two_towns_is_one_incident_between_them(gazetteer):
    en, = rows("A roadside bomb exploded on the road between Hajin and Sousa on Monday.", gazetteer)
    ar, = rows("انفجرت عبوة ناسفة على الطريق الواصل بين بلدتي نوى والشيخ مسكين مساء أمس.", gazetteer)
    hajin, sousa = gazetteer.get("place:hajin"), gazetteer.get("place:al-susah")
    km = distance_km(hajin.lat, hajin.lon, sousa.lat, sousa.lon)
    assert en.place_id == "road:place:hajin+place:al-susah" and en.event_type == "ied"
    for town in (hajin, sousa):
        assert distance_km(en.lat, en.lon, town.lat, town.lon) == pytest.approx(km / 2, abs=0.5)
    assert "road between" in en.notes
    assert ar.place_id == "road:place:nawa+place:sheikh-miskin" and ar.date == "2024-01-02"


def test_several_strikes_in_one_sentence_are_several_rows(gazetteer):
    drafts = rows("Turkish drones struck Amuda and Qahtaniyah on Monday, and artillery shelled Tell Tamer.",
                  gazetteer)
    assert [(d.place_id, d.event_type) for d in drafts] == [
        ("place:amuda", "drone"), ("place:al-qahtaniyah", "drone"), ("place:tell-tamer", "artillery")]


def test_a_later_sentence_about_the_same_attack_adds_to_its_row(gazetteer):
    drafts = rows("Three rockets hit Ain al-Asad air base on Tuesday.\n\nThe rockets landed inside Ain "
                  "al-Asad air base, wounding one contractor, officials said.", gazetteer)
    assert [(d.place_id, d.date, d.count, d.injuries) for d in drafts] == [("site:airport-oraa", "2024-01-02", 3, 1)]
    assert "wounding one contractor" in drafts[0].evidence


# --- types and claims ---------------------------------------------------------------------------

def test_the_type_comes_from_the_sentence_of_the_event(gazetteer):
    drafts = rows("Rockets hit Ain al-Asad air base on Monday.\n\nA drone struck Harir air base on Tuesday.",
                  gazetteer)
    assert [d.event_type for d in drafts] == ["rocket", "drone"]


def test_an_attack_told_without_its_weapon_takes_the_type_told_next(gazetteer):
    clash, = rows("Gunmen attacked a checkpoint in Hajin on Monday, sparking clashes that killed two.", gazetteer)
    assert (clash.event_type, clash.fatalities) == ("clash", 2)
    other, = rows("اغتال مسلحون مجهولون شاباً في مدينة جاسم مساء أمس.", gazetteer)
    assert (other.event_type, other.fatalities) == ("other", 1) and "type not stated" in other.notes


def test_a_claim_keeps_the_claimant_and_is_marked(gazetteer):
    own = rows("The Islamic Resistance in Iraq said it attacked Ain al-Asad air base with drones on Sunday.",
               gazetteer)
    later = rows("A rocket hit Harir air base on Monday.\n\nThe Islamic Resistance in Iraq claimed the attack.",
                 gazetteer)
    again = rows("أعلنت المقاومة الإسلامية في العراق استهداف قاعدة حرير بطائرة مسيّرة أمس.\n\n"
                 "وكانت المقاومة قد أعلنت الأسبوع الماضي استهداف قاعدة عين الأسد بالصواريخ.", gazetteer)
    for d in own + later + again:
        assert d.actor == "Islamic Resistance in Iraq" and "claimed" in d.notes.split("; ")
        assert d.description.startswith(("Drone attack", "Rocket attack")) and "claimed by" in d.description
    assert again[1].date_precision == "week"


def test_another_attack_at_a_place_named_by_its_kind(gazetteer):
    drafts = rows("Two rockets fell near the Khor Mor gas field on Tuesday, causing no casualties.\n\n"
                  "The field was also targeted by a drone last week.", gazetteer)
    assert [(d.place_id, d.event_type, d.date_precision) for d in drafts] == [
        ("site:khor-mor-gas-field", "rocket", "day"), ("site:khor-mor-gas-field", "drone", "week")]


# --- long texts and the development set --------------------------------------------------------

def test_a_long_text_gives_every_report_with_its_own_offsets(gazetteer):
    towns = ["مدينة سراقب", "بلدة سرمين", "مدينة أريحا"]
    days = [date(2023, 1, 1) + timedelta(days=k) for k in range(150)]
    text = "".join(f"سقطت قذيفة هاون على {towns[k % 3]} في {d.day} {MONTHS_AR[d.month - 1]} {d.year}، "
                   f"ما أدى لإصابة {k % 4 + 1} مدنيين.\n\n" for k, d in enumerate(days))
    drafts = rows(text, gazetteer)
    assert [d.date for d in drafts] == [d.isoformat() for d in days]
    assert [d.injuries for d in drafts] == [k % 4 + 1 for k in range(150)]
    for d in drafts:
        assert text[d.evidence_start:d.evidence_end] == d.evidence


MONTHS_AR = ["كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز", "آب", "أيلول",
             "تشرين الأول", "تشرين الثاني", "كانون الأول"]


DEV = Path(__file__).resolve().parent / "data" / "extract_dev"


def _bench():
    spec = importlib.util.spec_from_file_location(
        "extract_eval", Path(__file__).resolve().parents[1] / "bench" / "extract_eval.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module   # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_development_set_meets_the_bar(gazetteer):
    bench = _bench()
    figures = bench.figures(bench.run(DEV, gazetteer))
    assert figures["reports"] >= 20 and figures["incidents"] >= 50
    assert figures["real_share"] >= 0.95, figures
    assert figures["right_share"] >= 0.90, figures


@pytest.mark.parametrize("text", [
    "Workers in Qamishli went on strike on Monday.",
    "A teacher in Hasakah died of a heart attack on Monday.",
    "Officials in Deir ez-Zor said the attack on Mayadin was the third this month.",
    "قال مسؤول إن الهجوم على قاعدة عين الأسد لن يمر دون رد.",
    "تستهدف الخطة تطوير مدينة حلب خلال العام المقبل.",
    "حلّقت طائرات استطلاع فوق ريف حلب الغربي طوال الليل.",
    "Syria's foreign ministry said Israeli strikes on Damascus over the past year killed dozens.",
])
def test_texts_that_report_no_attack_give_no_rows(text, gazetteer):
    assert rows(text, gazetteer) == []


def test_a_date_is_not_read_as_a_place(gazetteer):
    # "7 نيسان" is also the name of villages ("Sab'ah Nisan")
    drafts = rows("سقطت قذيفة هاون على بلدة سرمين في 7 نيسان 2023، ما أدى لإصابة طفل.", gazetteer)
    assert [(d.place_id, d.date, d.injuries) for d in drafts] == [("place:sarmin", "2023-04-07", 1)]


def test_a_weak_match_far_from_the_story_is_no_place_of_it(gazetteer):
    text = ("سُمع دوي انفجارات في محيط مدينة البوكمال مساء أمس، تبيّن أنها ناجمة عن غارات جوية "
            "استهدفت مستودعات أسلحة قرب معبر السكك.")
    albu_kamal = gazetteer.get("place:albu-kamal")
    drafts = rows(text, gazetteer)
    assert [d.event_type for d in drafts] == ["airstrike"]
    assert distance_km(drafts[0].lat, drafts[0].lon, albu_kamal.lat, albu_kamal.lon) < 15

"""Merging reports into incidents: the rules of mapper.merge on hand-made cases."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace

import pytest

from mapper.errors import InputError
from mapper.merge import (
    DATE_WINDOW_DAYS,
    TYPE_FAMILIES,
    WEAK_DATE_NOTE,
    blocks_of,
    may_be_one,
    merge_block,
    merge_reports,
    priority,
    reconcile,
    reports_from_rows,
)
from mapper.model import Incident
from mapper.vocabulary import EVENT_TYPES, OTHER

# Places as the gazetteer has them (kind, coordinates, radius, governorate).
SHADDADI_BASE = dict(place_id="site:shaddadi-base", place_name="Al-Shaddadi coalition base",
                     place_kind="site", lat=36.05756, lon=40.73478, radius_km=5.0, admin1="SY-HA",
                     country="SY")
SHADDADI_TOWN = dict(place_id="place:al-shaddadi", place_name="Al-Shaddadi", place_kind="settlement",
                     lat=36.0556, lon=40.7306, radius_km=4.0, admin1="SY-HA", country="SY")
HASAKAH_GOV = dict(place_id="adm1:SY-HA", place_name="Al-Hasakah", place_kind="admin1",
                   lat=36.5, lon=40.75, radius_km=120.0, admin1="SY-HA", country="SY")
ALBU_KAMAL = dict(place_id="place:albu-kamal", place_name="Albu Kamal", place_kind="settlement",
                  lat=34.4533, lon=40.9183, radius_km=4.0, admin1="SY-DY", country="SY")
DEIR_GOV = dict(place_id="adm1:SY-DY", place_name="Deir ez-Zor", place_kind="admin1",
                lat=35.336, lon=40.145, radius_km=150.0, admin1="SY-DY", country="SY")
OMAR_FIELD = dict(place_id="site:al-omar-oil-field", place_name="Al-Omar oil field", place_kind="site",
                  lat=35.0536, lon=40.5581, radius_km=8.0, admin1="SY-DY", country="SY")


def report(doc: str, date: str, place: dict, event_type: str = "drone", *, n: int = 1, **kw) -> Incident:
    return Incident(id=f"{doc}#{n}", document_id=doc, date=date, source_url=f"https://{doc}.example/{n}",
                  published=kw.pop("published", date), event_type=event_type, **place, **kw)


def test_same_incident_from_two_outlets_a_day_apart_is_one_row_with_both_sources():
    # Outlet A, on the 3rd: "مساء أمس" (the 2nd, evening). Outlet B, on the 4th: "on Tuesday
    # evening" (the 2nd). Outlet C, on the 3rd, says no day at all: its date is assumed.
    a = report("outlet-a", "2024-01-02", SHADDADI_BASE, time="evening", published="2024-01-03")
    b = report("outlet-b", "2024-01-02", SHADDADI_BASE, time="evening", published="2024-01-04")
    c = report("outlet-c", "2024-01-03", SHADDADI_BASE, notes=WEAK_DATE_NOTE, published="2024-01-03")
    rows = merge_reports([a, b, c])
    assert len(rows) == 1
    row = rows[0]
    assert row.document_ids == ("outlet-a", "outlet-c", "outlet-b")   # by publication date
    assert row.source_urls == ("https://outlet-a.example/1", "https://outlet-c.example/1",
                               "https://outlet-b.example/1")
    assert row.source_url == "https://outlet-a.example/1"
    assert row.source == "outlet-a.example, outlet-c.example, outlet-b.example"
    assert (row.date, row.time, row.reports) == ("2024-01-02", "evening", 3)


def test_reports_across_midnight_are_one_incident_but_a_day_apart_without_times_are_two():
    night = report("a", "2024-01-02", SHADDADI_BASE, time="night")
    dawn = report("b", "2024-01-03", SHADDADI_BASE, time="before dawn")
    assert len(merge_reports([night, dawn])) == 1
    # Daily attacks on one base: dates stated a day apart, no part of the day to bridge them.
    monday = report("c", "2024-01-01", SHADDADI_BASE)
    tuesday = report("d", "2024-01-02", SHADDADI_BASE)
    assert [r.date for r in merge_reports([monday, tuesday])] == ["2024-01-01", "2024-01-02"]
    morning_then_evening = [report("e", "2024-01-01", SHADDADI_BASE, time="morning"),
                            report("f", "2024-01-02", SHADDADI_BASE, time="evening")]
    assert len(merge_reports(morning_then_evening)) == 2


def test_an_assumed_date_reaches_back_one_day_never_forward():
    stated = report("a", "2024-01-02", SHADDADI_BASE)
    assert may_be_one(stated, report("b", "2024-01-03", SHADDADI_BASE, notes=WEAK_DATE_NOTE))
    assert not may_be_one(stated, report("c", "2024-01-01", SHADDADI_BASE, notes=WEAK_DATE_NOTE))
    assert not may_be_one(stated, report("d", f"2024-01-0{3 + DATE_WINDOW_DAYS}", SHADDADI_BASE,
                                         notes=WEAK_DATE_NOTE))


def test_two_strikes_on_one_base_the_same_day_stay_apart_when_type_or_time_says_so():
    drone_morning = report("a", "2024-01-02", SHADDADI_BASE, "drone", time="morning")
    rockets_evening = report("b", "2024-01-02", SHADDADI_BASE, "rocket", time="evening")
    rockets_morning = report("c", "2024-01-02", SHADDADI_BASE, "rocket", time="morning")
    drone_evening = report("d", "2024-01-02", SHADDADI_BASE, "drone", time="evening")
    rows = merge_reports([drone_morning, rockets_evening, rockets_morning, drone_evening])
    # Four reports, four incidents: drone and rockets are other families; morning and evening
    # are other parts of the day.
    assert sorted((r.event_type, r.time) for r in rows) == [
        ("drone", "evening"), ("drone", "morning"), ("rocket", "evening"), ("rocket", "morning")]
    # Two reports of the same family that give no part of the day are one strike.
    assert len(merge_reports([report("e", "2024-01-02", SHADDADI_BASE, "drone"),
                              report("f", "2024-01-02", SHADDADI_BASE, "airstrike")])) == 1
    # Evening and night are one moment (TIME_TOLERANCE_HOURS).
    assert len(merge_reports([drone_evening, report("g", "2024-01-02", SHADDADI_BASE, time="night")])) == 1


def test_a_report_that_fits_two_strikes_is_kept_apart_and_noted():
    morning = report("a", "2024-01-02", SHADDADI_BASE, time="morning")
    evening = report("b", "2024-01-02", SHADDADI_BASE, time="evening")
    vague = report("c", "2024-01-02", SHADDADI_BASE)
    rows = merge_reports([morning, evening, vague])
    assert len(rows) == 3
    noted = [r for r in rows if r.document_ids == ("c",)][0]
    assert "fits 2 incidents" in noted.notes


def test_governorate_level_report_merges_into_the_town_level_row():
    town = report("local", "2024-01-04", ALBU_KAMAL, "airstrike", time="evening", location="البوكمال")
    governorate = report("wire", "2024-01-04", DEIR_GOV, "airstrike", location="ريف دير الزور")
    rows = merge_reports([governorate, town])
    assert len(rows) == 1
    row = rows[0]
    assert (row.place_id, row.location, row.place_kind) == ("place:albu-kamal", "البوكمال", "settlement")
    assert (row.lat, row.lon) == (ALBU_KAMAL["lat"], ALBU_KAMAL["lon"])
    assert row.document_ids == ("local", "wire")
    # Another governorate's report is not this incident, nor is a town 70 km away.
    elsewhere = report("far", "2024-01-04", HASAKAH_GOV, "airstrike")
    assert len(merge_reports([town, elsewhere])) == 2
    assert len(merge_reports([town, report("field", "2024-01-04", OMAR_FIELD, "airstrike")])) == 2


def test_governorate_report_with_two_town_strikes_that_day_is_not_guessed_into_either():
    field = report("a", "2024-01-04", OMAR_FIELD, "airstrike")
    town = report("b", "2024-01-04", ALBU_KAMAL, "airstrike")
    governorate = report("c", "2024-01-04", DEIR_GOV, "airstrike")
    rows = merge_reports([field, town, governorate])
    assert len(rows) == 3


def test_town_and_its_base_within_the_larger_radius_are_one_place():
    base = report("a", "2024-01-02", SHADDADI_BASE, time="evening")
    town = report("b", "2024-01-02", SHADDADI_TOWN, time="evening")
    rows = merge_reports([town, base])
    assert len(rows) == 1 and rows[0].place_id == "site:shaddadi-base"   # the most specific


def test_tolls_take_the_highest_and_keep_the_range_outcome_by_majority():
    reports = [report("a", "2024-01-03", OMAR_FIELD, "rocket", fatalities=2, outcome="hit"),
               report("b", "2024-01-03", OMAR_FIELD, "rocket", fatalities=5, injuries=1, outcome="hit"),
               report("c", "2024-01-03", OMAR_FIELD, "missile", outcome="intercepted"),
               report("d", "2024-01-03", OMAR_FIELD, OTHER)]
    row = merge_reports(reports)[0]
    assert (row.fatalities, row.fatalities_min, row.injuries, row.injuries_min) == (5, 2, 1, 1)
    assert (row.outcome, row.event_type, row.reports) == ("hit", "rocket", 4)
    tie = merge_reports(reports[1:3])[0]
    assert tie.outcome == "unknown"
    assert "sources disagree on the outcome (hit 1, intercepted 1)" in tie.notes


def test_one_document_never_merges_with_itself():
    a1 = report("a", "2024-01-02", SHADDADI_BASE, n=1)
    a2 = report("a", "2024-01-02", SHADDADI_BASE, n=2)
    assert len(merge_reports([a1, a2])) == 2


def test_a_month_level_report_joins_the_only_incident_of_that_month_there():
    day = report("a", "2024-01-12", SHADDADI_BASE)
    month = report("b", "2024-01", SHADDADI_BASE, date_precision="month")
    assert len(merge_reports([day, month])) == 1
    other_day = report("c", "2024-01-20", SHADDADI_BASE)
    assert len(merge_reports([day, other_day, month])) == 3


def test_every_event_type_has_a_family():
    assert set(TYPE_FAMILIES) == set(EVENT_TYPES) - {OTHER}


def test_incident_ids_do_not_depend_on_input_order():
    reports = _random_reports(random.Random(3), 60)
    first = merge_reports(reports)
    shuffled = list(reports)
    random.Random(4).shuffle(shuffled)
    assert merge_reports(shuffled) == first


def _random_reports(rng: random.Random, n: int) -> list[Incident]:
    """Reports crowded on a few places and days around month ends, so that groups cross blocks."""
    places = [SHADDADI_BASE, SHADDADI_TOWN, HASAKAH_GOV, ALBU_KAMAL, DEIR_GOV, OMAR_FIELD]
    start = dt.date(2023, 12, 25)
    out = []
    for i in range(n):
        day = start + dt.timedelta(days=rng.randrange(45))
        weak = rng.random() < 0.2
        precision = "month" if rng.random() < 0.05 else "day"
        out.append(report(f"doc{rng.randrange(n)}", day.isoformat()[:7] if precision == "month" else day.isoformat(),
                          rng.choice(places), rng.choice(["drone", "rocket", "airstrike", "other"]), n=i,
                          time=rng.choice(["", "", "morning", "evening", "night", "dawn"]),
                          notes=WEAK_DATE_NOTE if weak and precision == "day" else "",
                          date_precision=precision, fatalities=rng.choice([None, 1, 2])))
    return out


@pytest.mark.parametrize("seed", range(5))
def test_merging_by_month_blocks_gives_exactly_the_whole_tables_merge(seed):
    reports = _random_reports(random.Random(seed), 400)
    whole = merge_reports(reports)
    blocks: dict[str, list[Incident]] = {}
    for r in reports:
        for b in blocks_of(r):
            blocks.setdefault(b, []).append(r)
    assert len(blocks) >= 3
    parts = [row for b, rs in blocks.items() for row in merge_block(rs, b)]
    key = lambda row: (row.date, row.id)  # noqa: E731
    assert sorted(parts, key=key) == whole
    assert sum(r.reports for r in whole) == len(reports)   # every report in one row


def test_rows_without_the_merge_columns_are_refused_with_the_row():
    rows = [{"id": "a#1", "document_id": "a", "date": "2024-01-02", "lat": 36.0, "lon": 40.7},
            {"id": "b#1", "document_id": "", "date": "2024-01-02"}]
    with pytest.raises(InputError, match=r"record 2: no document_id"):
        reports_from_rows(rows, "drafts.parquet")
    got = reports_from_rows(rows[:1] + [{**rows[1], "document_id": "b", "fatalities": 2.0}])
    assert got[1] == replace(got[1], fatalities=2) and got[0].lat == 36.0


@pytest.mark.parametrize("column,value", [("lat", "north"), ("fatalities", "2.5"), ("radius_km", [3])])
def test_draft_number_that_is_no_number_is_refused_with_the_row(column, value):
    rows = [{"id": "a#1", "document_id": "a", "date": "2024-01-02", "lat": 36.0, "lon": 40.7},
            {"id": "b#1", "document_id": "b", "date": "2024-01-02", column: value}]
    with pytest.raises(InputError, match=rf"drafts.parquet.*record 2: {column} is .*not a number"):
        reports_from_rows(rows, "drafts.parquet")


def _brute_force(reports: list[Incident]) -> list[Incident]:
    """The grouping rule of mapper.merge, comparing each report with every incident so far."""
    groups: list[list[Incident]] = []
    ambiguous: list[int] = []
    for r in sorted(reports, key=priority):
        fits = [g for g in groups if all(may_be_one(r, m) for m in g)]
        if len(fits) == 1:
            fits[0].append(r)
        else:
            groups.append([r])
            ambiguous.append(len(fits))
    rows = [reconcile(g, a) for g, a in zip(groups, ambiguous)]
    return sorted(rows, key=lambda row: (row.date, row.id))


@pytest.mark.parametrize("seed", range(3))
def test_the_index_finds_every_incident_a_report_may_join(seed):
    rng = random.Random(seed)
    reports = _random_reports(rng, 300)
    # Some reports without a governorate or without coordinates, which the index files apart.
    reports = [replace(r, admin1="") if rng.random() < 0.1 else
               replace(r, lat=None, lon=None) if rng.random() < 0.05 else r for r in reports]
    assert merge_reports(reports) == _brute_force(reports)

"""Name resolution scored on an independent evaluation set: right, wrong, no answer, confidently wrong.

    python bench/resolve_eval.py [--imported DIR] [--json] [--set FILE]

The set, `tests/data/resolve_eval.csv`, was written apart from the gazetteer's own tables: names
as analysts print them (Arabic and Latin, ACLED and media spellings), each with a source for its
expected point (a GeoNames or Who's On First id of the Syria and Iraq dumps, or a stored public
page with coordinates). Columns: query, script (ar, latin), country_hint, admin1_hint (passed to
`resolve` as hints), expect (place or none), lat, lon, tolerance_km, category, source, area, note.

How a row is judged:
- expect=place: right when the answer's point lies within tolerance_km of the expected point;
  wrong when it lies farther; "no answer" when `resolve` returns None.
- expect=place with `area` (an ISO 3166-2 code, e.g. SY-DY): the query names an area ("ريف دير
  الزور", "northern Aleppo countryside", "Rural Damascus"), and the answer must be an area
  (admin1, admin2 or region), never a town or site: right when it is that governorate itself,
  or an area not known to lie in another governorate whose point is within tolerance_km.
- expect=none: nothing in Syria or Iraq has that name; no answer is right, any answer is wrong.

A wrong answer is "confidently wrong" when the match is not flagged `ambiguous`, "flagged wrong"
when it is: the second at least warns the reader that the choice was a guess.

By default only the bundled data is used (the user's own imports are left out). `--imported DIR`
imports every GeoNames dump in DIR (e.g. ../shared/data/geonames-format) into a temporary data
folder first, as `incident-map gazetteer import` would.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path and bench/gazetteer.py would shadow
# the package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from gazetteer import Gazetteer
from gazetteer.place import Match, distance_km

ROOT = Path(__file__).resolve().parent.parent
EVAL_SET = ROOT / "tests" / "data" / "resolve_eval.csv"
COLUMNS = ("query", "script", "country_hint", "admin1_hint", "expect", "lat", "lon",
           "tolerance_km", "category", "source", "area", "note")
AREA_KINDS = frozenset({"admin1", "admin2", "region"})
RIGHT, WRONG, NO_ANSWER = "right", "wrong", "no answer"
FIGURES = ("total", "right", "wrong", "no_answer", "confidently_wrong", "flagged_wrong")


class EvalSetError(ValueError):
    """The evaluation set is unreadable or a row breaks the format."""


@dataclass(frozen=True)
class Row:
    """One name to resolve and what counts as the right answer."""

    line: int
    query: str
    script: str
    country: str
    admin1: str
    expect: str
    lat: float | None
    lon: float | None
    tolerance_km: float | None
    category: str
    source: str
    area: str
    note: str


@dataclass(frozen=True)
class Outcome:
    """The verdict on one row: right, wrong or no answer, with the match and how far it landed."""

    row: Row
    verdict: str
    match: Match | None
    distance_km: float | None
    reason: str

    @property
    def confidently_wrong(self) -> bool:
        return self.verdict == WRONG and self.match is not None and not self.match.ambiguous

    @property
    def flagged_wrong(self) -> bool:
        return self.verdict == WRONG and self.match is not None and self.match.ambiguous


def load_rows(path: Path = EVAL_SET) -> list[Row]:
    """The rows of an evaluation set, checked for the columns and values `judge` relies on."""
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in COLUMNS if c not in (reader.fieldnames or ())]
            if missing:
                raise EvalSetError(f"{path}: missing columns {', '.join(missing)}")
            return [_row(record, path, line) for line, record in enumerate(reader, start=2)]
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalSetError(f"{path}: cannot read: {exc}") from exc


def _row(record: dict, path: Path, line: int) -> Row:
    def number(column: str) -> float | None:
        text = (record[column] or "").strip()
        if not text:
            return None
        try:
            return float(text)
        except ValueError:
            raise EvalSetError(f"{path}, line {line}: {column} is not a number: {text!r}") from None

    expect = record["expect"].strip()
    lat, lon, tolerance = number("lat"), number("lon"), number("tolerance_km")
    if expect not in ("place", "none"):
        raise EvalSetError(f"{path}, line {line}: expect must be place or none, not {expect!r}")
    if expect == "place" and None in (lat, lon, tolerance):
        raise EvalSetError(f"{path}, line {line}: a place row needs lat, lon and tolerance_km")
    return Row(line, record["query"], record["script"].strip(), record["country_hint"].strip(),
               record["admin1_hint"].strip(), expect, lat, lon, tolerance,
               record["category"].strip(), record["source"].strip(), record["area"].strip(),
               (record["note"] or "").strip())


def judge(row: Row, match: Match | None) -> Outcome:
    """Right, wrong or no answer for one row, given what `resolve` returned."""
    if row.expect == "none":
        if match is None:
            return Outcome(row, RIGHT, None, None, "no answer, as expected")
        return Outcome(row, WRONG, match, None, "answered a name that is no place here")
    if match is None:
        return Outcome(row, NO_ANSWER, None, None, "no answer")
    place = match.place
    distance = distance_km(row.lat, row.lon, place.lat, place.lon)
    if row.area:
        if place.kind not in AREA_KINDS:
            return Outcome(row, WRONG, match, distance, f"a {place.kind} for an area expression")
        if place.admin1 and place.admin1 != row.area:
            return Outcome(row, WRONG, match, distance, f"an area of {place.admin1}, not {row.area}")
        if place.kind == "admin1" and place.admin1 == row.area:
            return Outcome(row, RIGHT, match, distance, "the governorate")
    if distance <= row.tolerance_km:
        return Outcome(row, RIGHT, match, distance, "within tolerance")
    return Outcome(row, WRONG, match, distance,
                   f"{distance:.0f} km away, tolerance {row.tolerance_km:g} km")


def evaluate(gazetteer: Gazetteer, rows: Iterable[Row]) -> list[Outcome]:
    """Resolve every row with its hints and judge the answer."""
    return [judge(row, gazetteer.resolve(row.query, country=row.country or None,
                                         admin1=row.admin1 or None))
            for row in rows]


def figures(outcomes: Sequence[Outcome]) -> dict:
    """The counts of FIGURES over all rows, and the same per category."""
    def count(group: Sequence[Outcome]) -> dict:
        return {
            "total": len(group),
            "right": sum(o.verdict == RIGHT for o in group),
            "wrong": sum(o.verdict == WRONG for o in group),
            "no_answer": sum(o.verdict == NO_ANSWER for o in group),
            "confidently_wrong": sum(o.confidently_wrong for o in group),
            "flagged_wrong": sum(o.flagged_wrong for o in group),
        }

    categories = sorted({o.row.category for o in outcomes})
    return {**count(outcomes),
            "categories": {c: count([o for o in outcomes if o.row.category == c]) for c in categories}}


def shown(text: str) -> str:
    """The query with its invisible characters written out (soft hyphen -> <U+00AD>)."""
    return "".join(f"<U+{ord(c):04X}>" if unicodedata.category(c) == "Cf" else c for c in text)


def wrong_rows(outcomes: Sequence[Outcome]) -> list[dict]:
    """Every wrong answer: what was asked, what was expected, what came back."""
    listed = []
    for o in outcomes:
        if o.verdict != WRONG:
            continue
        r, p = o.row, o.match.place
        expected = "none" if r.expect == "none" else f"{r.lat:.4f},{r.lon:.4f} within {r.tolerance_km:g} km"
        if r.area:
            expected += f" ({r.area} area)"
        listed.append({
            "line": r.line, "query": shown(r.query), "category": r.category, "expected": expected,
            "got": f"{p.name} [{p.id}, {p.kind}, {p.country}] {p.lat:.4f},{p.lon:.4f}",
            "distance_km": None if o.distance_km is None else round(o.distance_km, 1),
            "score": o.match.score, "method": o.match.method, "ambiguous": o.match.ambiguous,
            "reason": o.reason,
        })
    return listed


def report(outcomes: Sequence[Outcome], label: str) -> str:
    """The figures as a table, per category, then every wrong row."""
    numbers = figures(outcomes)
    head = (f"{'':14}{'total':>7}{'right':>7}{'wrong':>7}{'no answer':>11}{'conf. wrong':>13}"
            f"{'flagged':>9}")
    lines = [label, head]

    def line(name: str, n: dict) -> str:
        return (f"{name:14}{n['total']:>7}{n['right']:>7}{n['wrong']:>7}{n['no_answer']:>11}"
                f"{n['confidently_wrong']:>13}{n['flagged_wrong']:>9}")

    lines.append(line("all", numbers))
    lines += [line(f"  {c}", n) for c, n in numbers["categories"].items()]
    wrong = wrong_rows(outcomes)
    lines.append(f"\nwrong answers ({len(wrong)}; * = confidently wrong):")
    for w in wrong:
        mark = " " if w["ambiguous"] else "*"
        distance = "" if w["distance_km"] is None else f", {w['distance_km']} km"
        lines.append(f"{mark} [{w['category']}] {w['query']!r} expected {w['expected']}; got {w['got']}"
                     f"{distance}, score {w['score']}, {w['method']}: {w['reason']}")
    return "\n".join(lines)


def load_gazetteer(imported: Path | None, data_dir: Path) -> tuple[Gazetteer, str]:
    """Bundled data, plus the GeoNames dumps in `imported` stored into `data_dir` first."""
    label = "bundled data"
    if imported is not None:
        from gazetteer.sources import import_file, is_geonames_dump

        dumps = sorted(p for p in imported.iterdir()
                       if p.suffix.lower() in (".txt", ".zip") and is_geonames_dump(p))
        if not dumps:
            raise EvalSetError(f"{imported}: no GeoNames dump (.txt or .zip) found")
        counts = [import_file(p, data_dir)[1] for p in dumps]
        label += f" + {sum(counts)} places imported from {', '.join(p.name for p in dumps)}"
    return Gazetteer.default(data_dir), label


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, default=EVAL_SET, help="the evaluation CSV")
    parser.add_argument("--imported", type=Path, metavar="DIR",
                        help="import the GeoNames dumps in DIR into a temporary data folder first")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    rows = load_rows(args.set)
    with tempfile.TemporaryDirectory() as tmp:
        gaz, label = load_gazetteer(args.imported, Path(tmp))
        outcomes = evaluate(gaz, rows)
    if args.json:
        print(json.dumps({"set": str(args.set), "data": label, **figures(outcomes),
                          "wrong_rows": wrong_rows(outcomes)}, ensure_ascii=False, indent=1))
    else:
        print(report(outcomes, f"resolve_eval: {len(rows)} names ({args.set.name}), {label}"))


if __name__ == "__main__":
    main()

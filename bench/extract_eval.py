"""`extract` scored on the development set of short reports: are the drafts real incidents, and
do the incidents come out with place, date, type and toll right?

    python bench/extract_eval.py [--set DIR] [--json] [--quiet]

The set (`tests/data/extract_dev/`, see its README) holds reports written for it in the style
of wire copy and local Arabic outlets (`reports/NAME.txt`), their publication dates
(`reports.csv`) and the incidents an analyst would code from them (`gold.csv`: place with a
point and a radius, date and its precision, event type, killed, wounded, actor, claimed).

How a report is judged. A draft and a gold incident of the same report can pair when the
draft's point lies within the incident's radius. Pairs are taken best first (most fields right,
then nearest), each draft and each incident at most once. Then:

- a draft is a real incident when it pairs; any other draft (a dateline, a reference point, a
  second row for one event, context) is a false draft;
- an incident is found when it pairs, and right when its draft also has the date (and its
  precision), the event type, and killed and wounded equal to the gold (blank = not stated,
  so None; "no casualties" = 0).

Figures: drafts, real drafts and their share; incidents, found, right and their shares; and
per field, the share of found incidents with that field right (actor and claim too, which do
not count toward "right").
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path and bench/gazetteer.py would shadow
# the package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from gazetteer import Gazetteer, distance_km
from mapper.extract import extract
from mapper.model import Incident

ROOT = Path(__file__).resolve().parent.parent
DEV_SET = ROOT / "tests" / "data" / "extract_dev"
FIELDS = ("date", "event_type", "killed", "wounded")
SECONDARY = ("actor", "claimed")


class EvalSetError(ValueError):
    """The development set is unreadable or a row breaks the format."""


@dataclass(frozen=True)
class Gold:
    """One incident an analyst codes from a report."""

    report: str
    place: str
    lat: float
    lon: float
    radius_km: float
    date: str
    date_precision: str
    event_type: str
    killed: int | None
    wounded: int | None
    actor: str
    claimed: bool


@dataclass(frozen=True)
class Report:
    name: str
    published: date
    text: str
    gold: tuple[Gold, ...]


@dataclass(frozen=True)
class Pair:
    draft: Incident
    gold: Gold
    km: float
    right: dict[str, bool]

    @property
    def all_right(self) -> bool:
        return all(self.right[f] for f in FIELDS)


@dataclass(frozen=True)
class Judged:
    report: Report
    drafts: tuple[Incident, ...]
    pairs: tuple[Pair, ...]
    false_drafts: tuple[Incident, ...]
    missed: tuple[Gold, ...]


def _count(cell: str, where: str) -> int | None:
    if not cell.strip():
        return None
    try:
        return int(cell)
    except ValueError as exc:
        raise EvalSetError(f"{where}: not a whole number: {cell!r}") from exc


def load(folder: Path = DEV_SET) -> list[Report]:
    """The reports of the set with their gold incidents, in file order."""
    try:
        with open(folder / "reports.csv", encoding="utf-8", newline="") as f:
            index = list(csv.DictReader(f))
        with open(folder / "gold.csv", encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
    except OSError as exc:
        raise EvalSetError(f"cannot read the set in {folder}: {exc}") from exc
    gold: dict[str, list[Gold]] = {}
    for n, row in enumerate(rows, 2):
        where = f"gold.csv line {n}"
        try:
            g = Gold(row["report"], row["place"], float(row["lat"]), float(row["lon"]),
                     float(row["radius_km"]), row["date"], row["date_precision"] or "day",
                     row["event_type"], _count(row["killed"], where), _count(row["wounded"], where),
                     row["actor"], row["claimed"].strip().lower() == "yes")
        except (KeyError, ValueError) as exc:
            raise EvalSetError(f"{where}: {exc}") from exc
        gold.setdefault(g.report, []).append(g)
    reports = []
    for n, row in enumerate(index, 2):
        path = folder / "reports" / f"{row['report']}.txt"
        try:
            text = path.read_text(encoding="utf-8")
            published = date.fromisoformat(row["published"])
        except (OSError, ValueError) as exc:
            raise EvalSetError(f"reports.csv line {n}: {exc}") from exc
        reports.append(Report(row["report"], published, text, tuple(gold.pop(row["report"], ()))))
    if gold:
        raise EvalSetError(f"gold.csv names reports not in reports.csv: {sorted(gold)}")
    return reports


def _fields(d: Incident, g: Gold) -> dict[str, bool]:
    return {
        "date": d.date == g.date and d.date_precision == g.date_precision,
        "event_type": d.event_type == g.event_type,
        "killed": d.fatalities == g.killed,
        "wounded": d.injuries == g.wounded,
        "actor": d.actor == g.actor,
        "claimed": ("claimed" in d.notes.split("; ")) == g.claimed,
    }


def judge(report: Report, drafts: Sequence[Incident]) -> Judged:
    """Pair the drafts of a report with its gold incidents (see the module's doc)."""
    options = []
    for i, d in enumerate(drafts):
        if d.lat is None or d.lon is None:
            continue
        for j, g in enumerate(report.gold):
            km = distance_km(d.lat, d.lon, g.lat, g.lon)
            if km <= g.radius_km:
                right = _fields(d, g)
                options.append((-sum(right[f] for f in FIELDS), km, i, j, right))
    options.sort(key=lambda o: o[:4])
    used_d, used_g, pairs = set(), set(), []
    for _, km, i, j, right in options:
        if i in used_d or j in used_g:
            continue
        used_d.add(i)
        used_g.add(j)
        pairs.append(Pair(drafts[i], report.gold[j], km, right))
    pairs.sort(key=lambda p: report.gold.index(p.gold))
    return Judged(report, tuple(drafts), tuple(pairs),
                  tuple(d for i, d in enumerate(drafts) if i not in used_d),
                  tuple(g for j, g in enumerate(report.gold) if j not in used_g))


def figures(judged: Sequence[Judged]) -> dict[str, float | int]:
    """The set's figures (see the module's doc)."""
    drafts = sum(len(j.drafts) for j in judged)
    real = sum(len(j.pairs) for j in judged)
    incidents = sum(len(j.report.gold) for j in judged)
    right = sum(p.all_right for j in judged for p in j.pairs)
    out: dict[str, float | int] = {
        "reports": len(judged), "drafts": drafts, "real_drafts": real,
        "real_share": round(real / drafts, 3) if drafts else 1.0,
        "incidents": incidents, "found": real, "right": right,
        "found_share": round(real / incidents, 3) if incidents else 1.0,
        "right_share": round(right / incidents, 3) if incidents else 1.0,
    }
    for f in FIELDS + SECONDARY:
        ok = sum(p.right[f] for j in judged for p in j.pairs)
        out[f"{f}_right"] = round(ok / real, 3) if real else 1.0
    return out


def run(folder: Path = DEV_SET, gazetteer: Gazetteer | None = None) -> list[Judged]:
    """Extract every report of the set and judge it."""
    gazetteer = gazetteer or Gazetteer.bundled()
    return [judge(r, extract(r.text, r.published, gazetteer=gazetteer)) for r in load(folder)]


def _draft_line(d: Incident) -> str:
    toll = f"k={'' if d.fatalities is None else d.fatalities} w={'' if d.injuries is None else d.injuries}"
    return (f"{d.place_name} ({d.place_id}) {d.date}/{d.date_precision} {d.event_type} {toll}"
            f" actor={d.actor or '-'}")


def _gold_line(g: Gold) -> str:
    toll = f"k={'' if g.killed is None else g.killed} w={'' if g.wounded is None else g.wounded}"
    return f"{g.place} {g.date}/{g.date_precision} {g.event_type} {toll} actor={g.actor or '-'}"


def report_text(judged: Sequence[Judged], quiet: bool = False) -> str:
    lines = []
    if not quiet:
        for j in judged:
            wrong = [p for p in j.pairs if not p.all_right]
            if not (wrong or j.false_drafts or j.missed):
                continue
            lines.append(f"== {j.report.name}")
            for p in wrong:
                bad = ", ".join(f for f in FIELDS if not p.right[f])
                lines.append(f"  wrong {bad}: got {_draft_line(p.draft)}")
                lines.append(f"              want {_gold_line(p.gold)}")
            for d in j.false_drafts:
                lines.append(f"  false draft: {_draft_line(d)}  <- {d.location!r}")
            for g in j.missed:
                lines.append(f"  missed: {_gold_line(g)}")
    f = figures(judged)
    lines.append(f"reports {f['reports']}; drafts {f['drafts']}, real {f['real_drafts']} "
                 f"({f['real_share']:.1%}); incidents {f['incidents']}, found {f['found']} "
                 f"({f['found_share']:.1%}), all right {f['right']} ({f['right_share']:.1%})")
    lines.append("of the found, right: " + ", ".join(f"{k} {f[f'{k}_right']:.1%}" for k in FIELDS + SECONDARY))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, default=DEV_SET, help="the development set's folder")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--quiet", action="store_true", help="figures only, no per-report failures")
    args = parser.parse_args(argv)
    try:
        judged = run(args.set)
    except EvalSetError as exc:
        print(f"extract_eval: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(figures(judged), indent=2) if args.json else report_text(judged, args.quiet))
    return 0


if __name__ == "__main__":
    sys.exit(main())

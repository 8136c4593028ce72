"""Corpus throughput on Dask, and how well merging recovers the incidents of a synthetic archive.

    python bench/corpus.py [--documents 1200] [--seed 1] [--keep DIR]

Generates an archive of ~5 KB reports (`.txt` files with DATE:/URL: headers), Arabic and
English, written from this file's own template sentences over the bundled gazetteer's places:
known incidents, each told by one to four outlets on the day or the day after (some giving the
day, some only "today"/"yesterday", some no time at all), a tenth of the reports round-ups of
two incidents, the rest of each report neutral filler. Then it runs `extract --corpus` on it

- in this process, on Dask's synchronous scheduler (1 worker),
- on a `distributed.LocalCluster` with 1 and with 2 single-threaded worker processes,

and prints documents/s and MB/s (wall clock, and per core from the workers' CPU time, which
other work on the machine does not inflate), the gazetteer's memory per worker, the merge's
time and input size, and the merged table against the truth: recall (true incidents whose
reports all became exactly one row) and precision (rows that are exactly one true incident).
Targets: >= 200 documents/s per core; recall and precision >= 95%.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path: keep it from shadowing packages.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TYPES = ("drone", "rocket", "airstrike", "artillery")
AR_EVENT = {
    "drone": ["استهدفت طائرة مسيّرة {place} {when}", "قصفت طائرة مسيّرة {place} {when}"],
    "rocket": ["سقطت {n} صواريخ على {place} {when}", "استهدفت صواريخ {place} {when}"],
    "airstrike": ["شنت طائرات حربية غارات جوية على مواقع في {place} {when}",
                  "استهدفت غارات جوية {place} {when}"],
    "artillery": ["قصفت قوات النظام بالمدفعية {place} {when}", "تعرضت {place} لقصف مدفعي {when}"],
}
EN_EVENT = {
    "drone": ["A drone struck {place} {when}", "A drone attack targeted {place} {when}"],
    "rocket": ["{N} rockets hit {place} {when}", "Rockets struck {place} {when}"],
    "airstrike": ["Warplanes carried out air strikes on {place} {when}", "Air strikes hit {place} {when}"],
    "artillery": ["Government forces shelled {place} {when}", "Artillery shelling hit {place} {when}"],
}
AR_NUMBERS = {2: "صاروخين", 3: "ثلاثة", 4: "أربعة", 5: "خمسة"}
EN_NUMBERS = {2: "Two", 3: "Three", 4: "Four", 5: "Five"}
# (part of the day, how it is said on the day, and the day after)
AR_WHEN = {"morning": ("صباح اليوم", "صباح أمس"), "evening": ("مساء اليوم", "مساء أمس"),
           "dawn": ("فجر اليوم", "فجر أمس"), "": ("اليوم", "أمس")}
EN_WHEN = {"morning": ("this morning", "yesterday morning"), "evening": ("this evening", "yesterday evening"),
           "dawn": ("this morning", "yesterday morning"), "": ("today", "yesterday")}
AR_KILLED = "، ما أدى إلى مقتل {k} عناصر"
EN_KILLED = ", killing {k} fighters"
AR_FILLER = [
    "وتشهد المنطقة أوضاعاً إنسانية صعبة مع استمرار ارتفاع الأسعار ونقص الخدمات الأساسية.",
    "وقال مسؤولون محليون إن الجهود مستمرة لإعادة تأهيل شبكات المياه والكهرباء.",
    "وأشار التقرير إلى أن آلاف العائلات ما زالت تعتمد على المساعدات الغذائية.",
    "وتتواصل الاجتماعات بين الأطراف المعنية لبحث الملفات العالقة دون تحقيق تقدم يذكر.",
    "ويعاني القطاع الصحي من نقص حاد في الأدوية والكوادر الطبية.",
    "وارتفعت أسعار المحروقات خلال الأسابيع الماضية بشكل ملحوظ.",
    "ويطالب الأهالي بتحسين الواقع الخدمي وتوفير فرص العمل للشباب.",
    "وتقول منظمات إغاثية إن التمويل المتاح لا يغطي سوى جزء صغير من الاحتياجات.",
    "وكان المجلس المحلي قد أعلن عن خطة لترميم المدارس قبل بداية العام الدراسي.",
    "ويرى محللون أن التطورات الأخيرة تعكس تعقيد المشهد السياسي في البلاد.",
]
EN_FILLER = [
    "Aid agencies say thousands of families still depend on food assistance.",
    "Local officials said work continues to restore water and power networks.",
    "Prices of fuel and bread have risen sharply in recent weeks.",
    "Talks between the parties have so far produced little progress on the outstanding files.",
    "The health sector suffers from a severe shortage of medicines and medical staff.",
    "Residents have called for better services and jobs for young people.",
    "Relief organisations say the available funding covers only a small part of the needs.",
    "The local council had announced a plan to repair schools before the new school year.",
    "Analysts say the latest developments reflect a complicated political landscape.",
    "Farmers complain that the cost of seeds and fertiliser has doubled since last season.",
]


@dataclass(frozen=True)
class Truth:
    key: int
    place_id: str
    day: dt.date
    event_type: str
    time: str


def usable_places(gaz, rng: random.Random) -> list:
    """Sites and towns of Syria and Iraq that both templates name unambiguously: the names the
    geoparser reads back as the same place, in Arabic and in English."""
    from gazetteer.geoparse import geoparse

    chosen = []
    for p in gaz:
        if p.country not in ("SY", "IQ") or p.kind not in ("site", "settlement") or not p.name_ar:
            continue
        if p.kind == "settlement" and p.population < 20000:
            continue
        ar = f"استهدفت طائرة مسيّرة {p.name_ar} مساء أمس."
        en = f"A drone struck {p.name} yesterday evening."
        ok = all(any(m.match and m.match.place.id == p.id and not m.match.ambiguous for m in geoparse(t, gazetteer=gaz))
                 for t in (ar, en))
        if ok:
            chosen.append(p)
    rng.shuffle(chosen)
    return sorted(chosen[:160], key=lambda p: p.id)


def sentence(lang: str, incident: Truth, place, published: dt.date, rng: random.Random,
             killed: int | None, dated: bool) -> str:
    after = (published - incident.day).days
    if lang == "ar":
        when = AR_WHEN[incident.time][after] if dated else ""
        n = rng.choice(list(AR_NUMBERS))
        text = rng.choice(AR_EVENT[incident.event_type]).format(place=place.name_ar, when=when, n=AR_NUMBERS[n])
        text += AR_KILLED.format(k=killed) if killed else ""
    else:
        when = EN_WHEN[incident.time][after] if dated else ""
        n = rng.choice(list(EN_NUMBERS))
        text = rng.choice(EN_EVENT[incident.event_type]).format(place=place.name, when=when, N=EN_NUMBERS[n])
        text += EN_KILLED.format(k=killed) if killed else ""
    return " ".join(text.split()) + "."


def generate(folder: Path, documents: int, gaz, seed: int) -> tuple[list[Truth], dict[str, list[int]]]:
    """Writes the archive; returns the true incidents and, per document id, its incidents."""
    rng = random.Random(seed)
    places = usable_places(gaz, rng)
    by_id = {p.id: p for p in places}
    start = dt.date(2024, 1, 1)
    incidents: list[Truth] = []
    reports: list[tuple[int, str, dt.date, bool]] = []   # incident, language, published, dated
    while len(reports) < documents * 1.15:   # round-ups take two
        t = Truth(len(incidents), rng.choice(places).id, start + dt.timedelta(days=rng.randrange(180)),
                  rng.choice(TYPES), rng.choice(["morning", "evening", "dawn", "", ""]))
        incidents.append(t)
        outlets = rng.choices([1, 2, 3, 4], weights=[3, 4, 2, 1])[0]
        for _ in range(outlets):
            published = t.day + dt.timedelta(days=rng.choice([0, 0, 1]))
            reports.append((t.key, rng.choice(["ar", "en"]), published, rng.random() > 0.15))
    rng.shuffle(reports)
    docs: dict[str, list[int]] = {}
    killed = {t.key: rng.choice([None, None, 1, 2, 3]) for t in incidents}
    k = 0
    while reports:
        first = reports.pop()
        group = [first]
        if rng.random() < 0.1:   # a round-up: two incidents, same language and day of publication
            other = next((r for r in reports if r[1] == first[1] and r[2] == first[2]
                          and incidents[r[0]].place_id != incidents[first[0]].place_id), None)
            if other is not None:
                reports.remove(other)
                group.append(other)
        lang, published = first[1], first[2]
        filler = AR_FILLER if lang == "ar" else EN_FILLER
        paragraphs = []
        for key, _, _, dated in group:
            t = incidents[key]
            toll = killed[key] if rng.random() < 0.7 else None
            paragraphs.append(sentence(lang, t, by_id[t.place_id], published, rng, toll, dated))
        body = [*paragraphs]
        while len("\n\n".join(body).encode("utf-8")) < 5000:
            body.append(" ".join(rng.sample(filler, 3)))
        order = body[:len(paragraphs)] + rng.sample(body[len(paragraphs):], len(body) - len(paragraphs))
        doc_id = f"doc-{k:06d}"
        outlet = rng.randrange(12)
        url = f"https://{lang}-outlet-{outlet}.example/{published:%Y/%m/%d}/{k}"
        (folder / published.strftime("%Y-%m")).mkdir(exist_ok=True)
        path = folder / published.strftime("%Y-%m") / f"{doc_id}.txt"
        path.write_text(f"DATE: {published.isoformat()}\nURL: {url}\n\n" + "\n\n".join(order) + "\n",
                        encoding="utf-8")
        docs[f"{folder.name}/{path.relative_to(folder).as_posix()}"] = [key for key, *_ in group]
        k += 1
        if k >= documents:
            break
    used = {key for keys in docs.values() for key in keys}
    return [t for t in incidents if t.key in used], docs


def score(merged: list[dict], truths: list[Truth], docs: dict[str, list[int]]) -> dict[str, float]:
    """Recall: true incidents whose reports became exactly one row; precision: rows whose
    reports are exactly those of one true incident."""
    reported: dict[int, set[str]] = {}
    for doc, keys in docs.items():
        for key in keys:
            reported.setdefault(key, set()).add(doc)
    truth_sets = {frozenset(v): k for k, v in reported.items()}
    row_sets = [frozenset(r["document_ids"]) for r in merged]
    exact = [s in truth_sets for s in row_sets]
    found = {truth_sets[s] for s, ok in zip(row_sets, exact) if ok}
    by_key = {t.key: t for t in truths}
    right_place = sum(1 for r, s, ok in zip(merged, row_sets, exact)
                      if ok and r["place_id"] == by_key[truth_sets[s]].place_id
                      and r["date"] == by_key[truth_sets[s]].day.isoformat())
    return {"incidents": len(reported), "rows": len(merged), "recall": len(found) / len(reported),
            "precision": sum(exact) / len(merged) if merged else 0.0,
            "right place and day": right_place / len(merged) if merged else 0.0,
            "duplicated reports": sum(len(v) for v in reported.values()) - len(reported)}


def merge_scale(gaz, reports: int, seed: int) -> tuple[int, int, float, float]:
    """Merge `reports` random reports (a year, the bundled places of Syria and Iraq, about two
    reports an incident); returns (reports, incidents, seconds for the whole table, seconds
    for its largest month block)."""
    from mapper.merge import blocks_of, merge_block, merge_reports
    from mapper.model import Incident

    rng = random.Random(seed)
    places = [p for p in gaz if p.country in ("SY", "IQ") and p.kind in ("site", "settlement", "admin1", "admin2")]
    start = dt.date(2024, 1, 1)
    out = []
    for i in range(reports // 2):
        p = rng.choice(places)
        day = start + dt.timedelta(days=rng.randrange(365))
        kind, time_ = rng.choice(("drone", "rocket", "airstrike", "artillery")), rng.choice(("", "morning", "evening"))
        for k in range(rng.choice((1, 2, 3))):
            out.append(Incident(id=f"d{i}-{k}#1", document_id=f"d{i}-{k}",
                                date=(day + dt.timedelta(days=rng.choice((0, 0, 1)) * (time_ == "evening"))).isoformat(),
                                time=time_, place_id=p.id, place_kind=p.kind, lat=p.lat, lon=p.lon,
                                radius_km=p.radius_km, admin1=p.admin1, country=p.country, event_type=kind))
    out = out[:reports]
    start_s = time.perf_counter()
    rows = merge_reports(out)
    whole = time.perf_counter() - start_s
    blocks: dict[str, list] = {}
    for r in out:
        for b in blocks_of(r):
            blocks.setdefault(b, []).append(r)
    largest = max(blocks, key=lambda b: len(blocks[b]))
    start_s = time.perf_counter()
    merge_block(blocks[largest], largest)
    return len(out), len(rows), whole, time.perf_counter() - start_s


def worker_cpu(client) -> float:
    import psutil

    return sum(client.run(lambda: sum(psutil.Process().cpu_times()[:2])).values())


def worker_rss(client) -> dict[str, tuple[int, int]]:
    """Each worker's resident memory now and at its peak, in bytes."""
    import resource

    import psutil

    return client.run(lambda: (psutil.Process().memory_info().rss,
                               resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=1200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="write the archive here and keep it")
    args = parser.parse_args()

    import pyarrow.parquet as pq

    from gazetteer import Gazetteer
    from mapper.corpus import PLUGIN_NAME, Settings, cluster, merge_drafts, prepare, run_corpus

    work = Path(tempfile.mkdtemp(prefix="corpus-bench-"))
    # A cache of the bench's own, filled here before any worker starts: curated coordinates read
    # from the cache have 5 decimals, built afresh more, and every process must read the same.
    os.environ["INCIDENT_MAPPER_CACHE"] = str(work / "cache")
    Gazetteer.bundled()
    # The bundled places only, here and on the workers: no import in the user's data folder
    # changes the figures or the comparison.
    data_dir = work / "no-imports"
    data_dir.mkdir()
    gaz = Gazetteer.default(data_dir)
    folder = (args.keep or work) / "archive"
    folder.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    truths, docs = generate(folder, args.documents, gaz, args.seed)
    size = sum(p.stat().st_size for p in folder.rglob("*.txt"))
    print(f"archive: {len(docs)} documents, {size / 1e6:.1f} MB ({size / len(docs) / 1e3:.1f} KB each), "
          f"{len(truths)} true incidents; generated in {time.perf_counter() - t0:.1f} s")
    print("(measured on the shared 2-core development machine, under load from other work)\n")

    settings = Settings()
    results = {}
    # What each worker builds in its setup, before its first task (GazetteerPlugin), built here
    # too before the synchronous run is timed: the figures are of documents, not of imports.
    prepare(gaz)
    # 1 worker: this process, Dask's synchronous scheduler.
    cpu = time.process_time()
    summary = run_corpus([folder], work / "drafts-sync.parquet", settings=settings, gazetteer=gaz, merge=False)
    cpu = time.process_time() - cpu
    results["synchronous, 1 worker (this process)"] = (summary, cpu, 1)
    cpu = time.process_time()
    summary = run_corpus([folder], work / "mentions-sync.parquet", task="geoparse",
                         settings=Settings(require_date=False), gazetteer=gaz)
    results["geoparse: synchronous, 1 worker"] = (summary, time.process_time() - cpu, 1)
    for n in (1, 2):
        with cluster(None, workers=n, data_dir=str(data_dir)) as client:
            memory = client.run(lambda dask_worker: (dask_worker.plugins[PLUGIN_NAME].memory_bytes,
                                                     dask_worker.plugins[PLUGIN_NAME].load_seconds,
                                                     dask_worker.plugins[PLUGIN_NAME].prepared_bytes))
            before = worker_cpu(client)
            summary = run_corpus([folder], work / f"drafts-{n}.parquet", settings=settings, client=client,
                                 merge=False)
            used = worker_cpu(client) - before
            results[f"LocalCluster, {n} worker process{'es' if n > 1 else ''}"] = (summary, used, n)
            if n == 2:
                rss = worker_rss(client)
                before = worker_cpu(client)
                summary = run_corpus([folder], work / "mentions-2.parquet", task="geoparse",
                                     settings=Settings(require_date=False), client=client)
                results["geoparse: LocalCluster, 2 worker processes"] = (summary, worker_cpu(client) - before, n)
                drafts = pq.read_table(work / "drafts-2.parquet")
                start = time.perf_counter()
                merged_cluster = merge_drafts(drafts, client)
                merge_cluster_s = time.perf_counter() - start
    print(f"{'run (extract unless said)':<44} {'docs':>6} {'wall s':>7} {'docs/s':>8} {'MB/s':>6} {'docs/s/core (CPU)':>18}")
    for label, (s, cpu_s, _) in results.items():
        print(f"{label:<44} {s.documents:>6} {s.seconds:>7.1f} {s.documents / s.seconds:>8.0f} "
              f"{s.megabytes / s.seconds:>6.2f} {s.documents / cpu_s:>18.0f}")
    same = all(pq.read_table(work / f"drafts-{n}.parquet").equals(pq.read_table(work / "drafts-sync.parquet"))
               for n in (1, 2))
    print(f"cluster drafts identical to the synchronous run: {same}")
    for address, (memory_bytes, seconds, prepared) in sorted(memory.items()):
        now, peak = rss[address]
        print(f"worker {address}: gazetteer +{memory_bytes / 1e6:.0f} MB resident, extractor and Arrow "
              f"+{prepared / 1e6:.0f} MB, both ready in {seconds:.1f} s; after extraction {now / 1e6:.0f} MB "
              f"resident, peak {peak / 1e6:.0f} MB")

    start = time.perf_counter()
    merged = merge_drafts(drafts)
    merge_s = time.perf_counter() - start
    print(f"\nmerge: {drafts.num_rows} drafts ({drafts.nbytes / drafts.num_rows:.0f} bytes each in Arrow) "
          f"-> {merged.num_rows} incidents in {merge_s:.2f} s here ({drafts.num_rows / merge_s:.0f} drafts/s), "
          f"{merge_cluster_s:.2f} s on the 2-worker cluster; same rows: {merged.equals(merged_cluster)}")
    figures = score(merged.to_pylist(), truths, docs)
    print(f"merged table: {figures['rows']} rows for {figures['incidents']} true incidents "
          f"({figures['duplicated reports']} duplicate reports): recall {figures['recall']:.1%}, "
          f"precision {figures['precision']:.1%}, right place and day {figures['right place and day']:.1%}")
    n, incidents, whole, block = merge_scale(gaz, 100_000, args.seed)
    print(f"merge of {n // 1000}k random reports over a year ({incidents // 1000}k incidents): {whole:.1f} s "
          f"as one task ({n / whole / 1e3:.1f}k reports/s), {block:.1f} s for its largest month block")
    extract_runs = [(s, c) for label, (s, c, _) in results.items() if not label.startswith("geoparse")]
    per_core = sum(s.documents for s, _ in extract_runs) / sum(c for _, c in extract_runs)
    minutes = 1e6 / (per_core * 64) / 60
    drafts_per_doc = drafts.num_rows / len(docs)
    shuffle_gb = 1e6 * drafts_per_doc * drafts.nbytes / drafts.num_rows / 1e9
    months = len({str(d)[:7] for d in drafts.column("date").to_pylist()})
    print(f"\nextrapolation to 1M documents of {size / len(docs) / 1e3:.1f} KB on 64 cores, at the measured "
          f"{per_core:.0f} documents/s per core (extract):")
    print(f"  extraction {minutes:.0f} min, reading {per_core * 64 * size / len(docs) / 1e6:.0f} MB/s in all "
          f"({per_core * size / len(docs) / 1e6:.2f} MB/s a core)")
    peak = max(p for _, p in rss.values())
    print(f"  gazetteer {max(m for m, *_ in memory.values()) / 1e6:.0f} MB a worker, "
          f"{64 * max(m for m, *_ in memory.values()) / 1e9:.1f} GB for 64 workers; a worker's peak RSS "
          f"{peak / 1e6:.0f} MB, {64 * peak / 1e9:.1f} GB for 64")
    print(f"  merge: ~{drafts_per_doc:.2f}M drafts, ~{shuffle_gb:.2f} GB through the client and back, "
          f"{n / whole / 1e3:.1f}k reports/s a core: {1e6 * drafts_per_doc / (n / whole) / 60:.0f} min on one core, "
          f"spread over the archive's month blocks (a block a core: {months} blocks here)")
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

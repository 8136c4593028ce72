"""Benchmark the HTML map: write time, size, peak RSS, and time to usable in headless Chromium.

With --cli, the whole command instead: `incident-map render` of a CSV of synthetic incidents
(the same rows as below, written as a table), each size run in one go beside the folium
FastMarkerCluster script (bench/folium_fast.py) on the same file: wall and CPU time, peak RSS
and HTML size of each process. A second table gives each incident by place name only (1,000
distinct names of the bundled gazetteer's places in Syria and Iraq, English and Arabic), which
folium cannot map.

    /work/venv/bin/python bench/render.py --cli [--sizes 100000,1000000]

With --static, PNG maps of the same synthetic incidents instead (mapper.static.render_static,
10 x 8 inches at 150 dpi, Arabic labels): "write s" from the located incidents to the file
written. Each 0.25 degree square is a place of its own (hundreds of struck places), so that the
labels are chosen and placed among all the markers.

    /work/venv/bin/python bench/render.py --static [--sizes 10000,100000]

"write s" is wall-clock time and "cpu s" the CPU time of the same write (steadier on a busy
machine); "build ms" is the map script's own work in the page, from the data parsed to the
map ready. Filter columns: "filter" narrows a year to three months, "widen" goes back to the year,
"week" moves the end of the range back by a week (the usual step of a user).

    /work/venv/bin/python bench/render.py [--sizes 1000,10000,100000] [--no-browser] [--folium]
                                          [--all-layers]

`--all-layers`: the map with every analysis layer on: the district choropleth (its
polygons in the page), markers sized by fatalities, and the heat layer switched on in the
page before the filter changes are timed ("heat ms": switching it on). The synthetic
incidents are given their governorate and district before the write, as `locate` gives
them to real ones.

Each size runs in a fresh subprocess so that its peak RSS is its own. Synthetic incidents are
spread over Syria and Iraq with ~200-character descriptions, every field filled, two extra
columns, a third of them imprecise (uncertainty circles). The map is self-contained, so the
browser is run with every network request refused.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# bench/ holds scripts named like the packages (bench/gazetteer.py): keep them off the path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))   # the checkout's packages

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
WORDS = ("drone rocket strike base convoy militia reported coalition forces near the village "
         "oil field airport launched intercepted casualties according to local sources said "
         "eastern countryside targeted positions vehicle warehouse air defence responded").split()
PLACES = [("حقل العمر", 35.05, 40.55), ("Shaddadi", 36.05, 40.73), ("Kanaker", 33.25, 36.1),
          ("Ain al-Asad", 33.8, 42.44), ("Erbil airport", 36.24, 43.96), ("Tanf", 33.49, 38.66),
          ("القائم", 34.37, 41.09), ("Albu Kamal", 34.45, 40.92), ("Deir ez-Zor", 35.33, 40.14)]


def synthetic(n: int, seed: int = 7) -> list:
    from mapper.model import EVENT_TYPES, Incident, Located

    rnd = random.Random(seed)
    out = []
    for k in range(n):
        words = []
        while sum(len(w) + 1 for w in words) < 200:
            words.append(rnd.choice(WORDS))
        name, lat, lon = rnd.choice(PLACES)
        precision = rnd.choice((1, 1, 2, 3))
        incident = Incident(
            row=k + 2, date=f"2024-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}",
            date_precision="day", location=name, id=f"ev-{k}", time="14:30",
            event_type=rnd.choice(EVENT_TYPES), actor=rnd.choice(
                ("Islamic Resistance in Iraq", "US forces", "Israel", "Turkey", "SDF", "")),
            target=rnd.choice(("base", "convoy", "depot")),
            outcome=rnd.choice(("hit", "intercepted", "unknown")), fatalities=rnd.randint(0, 5),
            injuries=rnd.randint(0, 9), country="SY", description=" ".join(words)[:210],
            source="Synthetic wire", source_url=f"https://example.org/report/{k}",
            notes="generated", extra=(("unit", f"u{k % 97}"), ("confidence", "medium")),
        )
        out.append(Located(incident=incident, lat=lat + rnd.gauss(0, 0.6),
                           lon=lon + rnd.gauss(0, 0.6), place_id="site:x", place_name=name,
                           method="exact", score=0.93, radius_km=(0, 2, 8, 40)[precision],
                           precision=precision))
    return out


def write_one(n: int, out: Path, layers: bool = False) -> dict:
    """Make and write one map (run in its own process): time, size and peak RSS."""
    from mapper.html import IncidentMap

    located = synthetic(n)
    options = {"areas": "admin2", "size_by": "fatalities"} if layers else {}
    if layers:
        from mapper.choropleth import with_areas

        located = with_areas(located)
    start, cpu = time.perf_counter(), time.process_time()
    IncidentMap(located, title=f"{n} synthetic incidents", self_contained=True, **options).save(out)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"n": n, "write_s": seconds, "cpu_s": cpu, "html_mb": out.stat().st_size / 1e6,
            "rss_mb": rss_mb}


def write_static(n: int, out: Path) -> dict:
    """A PNG of the synthetic incidents (run in its own process): time, size and peak RSS."""
    import dataclasses

    from gazetteer import Gazetteer
    from mapper.static import render_static

    located = []
    for r in synthetic(n):
        cell = f"{round(r.lat * 4) / 4:.2f},{round(r.lon * 4) / 4:.2f}"
        located.append(dataclasses.replace(r, place_id=f"cell:{cell}",
                                           place_name=f"{r.place_name} {cell}"))
    gazetteer = Gazetteer.bundled()
    start, cpu = time.perf_counter(), time.process_time()
    render_static(located, out, title=f"{n} synthetic incidents", gazetteer=gazetteer, dpi=150)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"n": n, "write_s": seconds, "cpu_s": cpu, "file_mb": out.stat().st_size / 1e6,
            "rss_mb": rss_mb}


def static_bench(sizes: list[int], tmp: Path) -> None:
    """A PNG per size, each in a fresh process so that its peak RSS is its own."""
    print(f"{'PNG':<22}{'write s':>9}{'cpu s':>7}{'PNG MB':>8}{'RSS MB':>8}")
    for n in sizes:
        out = tmp / f"static-{n}.png"
        child = subprocess.run([sys.executable, __file__, "--child", "static", str(n), str(out)],
                               check=True, capture_output=True, text=True)
        row = json.loads(child.stdout.strip().splitlines()[-1])
        print(f"{f'incident-mapper {n}':<22}{row['write_s']:>9.2f}{row['cpu_s']:>7.2f}"
              f"{row['file_mb']:>8.1f}{row['rss_mb']:>8.0f}", flush=True)
    print(f"(the PNG files are in {tmp})")


def write_folium_fast(n: int, out: Path) -> dict:
    """folium's FastMarkerCluster with the same points, for comparison."""
    import folium
    from folium.plugins import FastMarkerCluster

    located = synthetic(n)
    start, cpu = time.perf_counter(), time.process_time()
    m = folium.Map(location=[34.5, 40.5], zoom_start=6)
    FastMarkerCluster([(r.lat, r.lon) for r in located]).add_to(m)
    m.save(str(out))
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"n": n, "write_s": seconds, "cpu_s": cpu, "html_mb": out.stat().st_size / 1e6,
            "rss_mb": rss_mb}


def in_browser(path: Path, ours: bool = True, layers: bool = False) -> dict:
    """Time until the map is usable (markers or clusters drawn) and for one date filter change."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        if ours:
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
                "file://") else route.abort())
        start = time.perf_counter()
        page.goto(path.as_uri(), timeout=120_000)
        if not ours:
            page.wait_for_selector(".marker-cluster", timeout=120_000)
            usable = time.perf_counter() - start
            browser.close()
            return {"usable_s": usable}
        page.wait_for_selector(".im-root[data-state=ready]", timeout=120_000)
        page.wait_for_selector(".im-cluster, .im-mk", timeout=120_000)
        usable = time.perf_counter() - start
        ready_ms = int(page.get_attribute(".im-root", "data-ready-ms"))
        parsed_ms = int(page.get_attribute(".im-root", "data-parsed-ms"))
        figures = {"usable_s": usable, "ready_in_page_s": ready_ms / 1000,
                   "build_ms": ready_ms - parsed_ms}
        if layers:   # the heat layer, as a user switches it on in the layer control
            figures["heat_ms"] = page.evaluate("""() => {
                const root = document.querySelector('.im-root'), t0 = performance.now();
                [...root.querySelectorAll('.leaflet-control-layers-overlays label')]
                    .find(r => r.textContent.trim().startsWith('Heat')).querySelector('input').click();
                return performance.now() - t0;
            }""")
        for label, start_date, end_date in (("filter_narrow_ms", "2024-03-01", "2024-05-31"),
                                            ("filter_widen_ms", "2024-01-01", "2024-12-31"),
                                            ("filter_week_ms", "2024-01-01", "2024-12-21")):
            t0 = time.perf_counter()
            page.evaluate("""([a, b]) => {
                const root = document.querySelector('.im-root');
                root.querySelector('.im-date-from').value = a;
                const to = root.querySelector('.im-date-to');
                to.value = b;
                to.dispatchEvent(new Event('change'));
            }""", [start_date, end_date])
            page.wait_for_selector(".im-root[data-state=ready]", timeout=60_000)
            figures[label] = float(page.get_attribute(".im-root", "data-filter-ms"))
            figures[label + "_outside"] = (time.perf_counter() - t0) * 1000
        browser.close()
        return figures


# --- the command line beside folium ----------------------------------------------------------

COLUMNS = ["id", "date", "time", "location", "lat", "lon", "event_type", "actor", "target",
           "outcome", "fatalities", "injuries", "country", "description", "source", "source_url",
           "notes", "unit", "confidence"]


def names(count: int = 1000) -> list[tuple[str, str]]:
    """`count` distinct (name, country) of the bundled gazetteer's places in Syria and Iraq,
    settlements then sites, every other one in Arabic where it has an Arabic name."""
    from gazetteer import Gazetteer

    places = sorted((p for p in Gazetteer.bundled() if p.country in ("SY", "IQ")
                     and p.kind in ("settlement", "site")), key=lambda p: (p.kind != "settlement", p.id))
    out: dict[str, str] = {}
    for k, place in enumerate(places):
        name = place.name_ar if k % 2 and place.name_ar else place.name
        out.setdefault(name, place.country)
        if len(out) == count:
            break
    return list(out.items())


def write_table(n: int, path: Path, by_name: bool, seed: int = 7) -> None:
    """The incidents of `synthetic` as a CSV (with lat/lon, or by place name only)."""
    import csv

    rnd = random.Random(seed)
    pool = names() if by_name else None
    columns = [c for c in COLUMNS if not (by_name and c in ("lat", "lon"))]
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(columns)
        for k in range(n):
            words = []
            while sum(len(w) + 1 for w in words) < 200:
                words.append(rnd.choice(WORDS))
            name, lat, lon = rnd.choice(PLACES)
            country = "SY"
            if pool:
                name, country = pool[k % len(pool)]
            row = {"id": f"ev-{k}", "date": f"2024-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}",
                   "time": "14:30", "location": name, "lat": round(lat + rnd.gauss(0, 0.6), 5),
                   "lon": round(lon + rnd.gauss(0, 0.6), 5),
                   "event_type": rnd.choice(("airstrike", "drone", "rocket", "missile", "artillery",
                                             "ied", "clash", "other")),
                   "actor": rnd.choice(("Islamic Resistance in Iraq", "US forces", "Israel", "Turkey",
                                        "SDF", "")),
                   "target": rnd.choice(("base", "convoy", "depot")),
                   "outcome": rnd.choice(("hit", "intercepted", "unknown")),
                   "fatalities": rnd.randint(0, 5), "injuries": rnd.randint(0, 9), "country": country,
                   "description": " ".join(words)[:210], "source": "Synthetic wire",
                   "source_url": f"https://example.org/report/{k}", "notes": "generated",
                   "unit": f"u{k % 97}", "confidence": "medium"}
            writer.writerow([row[c] for c in columns])


def measured(command: list[str]) -> dict:
    """Run a command: its wall and CPU time, peak RSS (its own, from wait4) and exit code."""
    import os

    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    out, err = process.stdout.read().decode(), process.stderr.read().decode()
    process.stdout.close()
    process.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{out}\n{err}")
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024,
            "said": out.strip().splitlines()[-1] if out.strip() else ""}


def cli_bench(sizes: list[int], tmp: Path) -> None:
    """`incident-map render` beside the folium script, each size in one go, then by name."""
    import os

    root = Path(__file__).resolve().parent.parent
    env_python = [sys.executable]
    ours = [*env_python, "-c", f"import sys; sys.path.insert(0, {str(root)!r}); from mapper.cli import main; "
            "sys.exit(main())"]
    folium_script = [*env_python, str(Path(__file__).resolve().parent / "folium_fast.py")]
    print("load average (1, 5, 15 min) at the start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    print(f"{'table':<28}{'tool':<26}{'wall s':>8}{'cpu s':>8}{'RSS MB':>8}{'HTML MB':>9}")
    for by_name in (False, True):
        for n in sizes:
            table = tmp / f"{'names' if by_name else 'points'}-{n}.csv"
            if not table.exists():
                write_table(n, table, by_name)
            runs = [("incident-map render", ours + ["render", str(table), "-o", str(tmp / "ours.html")],
                     tmp / "ours.html")]
            if not by_name:
                runs.append(("folium FastMarkerCluster", folium_script + [str(table), str(tmp / "folium.html")],
                             tmp / "folium.html"))
            for tool, command, out in runs:
                row = measured(command)
                label = f"{n:,} {'by name (1,000 names)' if by_name else 'with lat/lon'}"
                print(f"{label:<28}{tool:<26}{row['wall_s']:>8.1f}{row['cpu_s']:>8.1f}{row['rss_mb']:>8.0f}"
                      f"{out.stat().st_size / 1e6:>9.1f}", flush=True)
                if row["said"]:
                    print(f"{'':<28}  {row['said']}", flush=True)
    print("load average (1, 5, 15 min) at the end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", help="default 1000,10000,100000; with --static 10000,100000")
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--folium", action="store_true", help="also FastMarkerCluster at 100k")
    parser.add_argument("--all-layers", action="store_true",
                        help="choropleth, sized markers and heat on (see above)")
    parser.add_argument("--cli", action="store_true",
                        help="the command on CSV files beside the folium script (see above)")
    parser.add_argument("--tables", help="with --cli: a folder to keep the CSV files in")
    parser.add_argument("--static", action="store_true",
                        help="PNG maps (static.render_static, 150 dpi) instead (see above)")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = [int(s) for s in (args.sizes or ("10000,100000" if args.static else
                                             "1000,10000,100000")).split(",")]
    if args.cli:
        tmp = Path(args.tables) if args.tables else Path(tempfile.mkdtemp(prefix="im-bench-"))
        tmp.mkdir(parents=True, exist_ok=True)
        cli_bench(sizes, tmp)
        return
    if args.static and not args.child:
        static_bench(sizes, Path(tempfile.mkdtemp(prefix="im-bench-")))
        return
    if args.child:
        kind, n, out = args.child
        if kind == "folium":
            print(json.dumps(write_folium_fast(int(n), Path(out))))
        elif kind == "static":
            print(json.dumps(write_static(int(n), Path(out))))
        else:
            print(json.dumps(write_one(int(n), Path(out), kind == "layers")))
        return
    tmp = Path(tempfile.mkdtemp(prefix="im-bench-"))
    runs = [("layers" if args.all_layers else "ours", n) for n in sizes]
    if args.folium:
        runs.append(("folium", 100_000))
    print(f"{'map':<22}{'write s':>9}{'cpu s':>7}{'HTML MB':>9}{'RSS MB':>8}{'usable s':>10}"
          f"{'build ms':>10}{'filter ms':>11}{'widen ms':>10}{'week ms':>9}{'heat ms':>9}")
    for kind, n in runs:
        out = tmp / f"{kind}-{n}.html"
        child = subprocess.run([sys.executable, __file__, "--child", kind, str(n), str(out)],
                               check=True, capture_output=True, text=True)
        row = json.loads(child.stdout.strip().splitlines()[-1])
        # folium's page loads its scripts from CDNs, out of reach here: write figures only.
        shown = {} if args.no_browser or kind == "folium" else in_browser(
            out, layers=kind == "layers")
        name = f"{'folium FastMarkerCluster' if kind == 'folium' else 'incident-mapper'} {n}"
        print(f"{name:<22}{row['write_s']:>9.2f}{row['cpu_s']:>7.2f}{row['html_mb']:>9.1f}"
              f"{row['rss_mb']:>8.0f}{shown.get('usable_s', float('nan')):>10.2f}"
              f"{shown.get('build_ms', float('nan')):>10.0f}"
              f"{shown.get('filter_narrow_ms', float('nan')):>11.0f}"
              f"{shown.get('filter_widen_ms', float('nan')):>10.0f}"
              f"{shown.get('filter_week_ms', float('nan')):>9.0f}"
              f"{shown.get('heat_ms', float('nan')):>9.0f}", flush=True)


if __name__ == "__main__":
    main()

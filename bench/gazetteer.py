"""Gazetteer figures: load time and memory, cold CLI, lookups per second, import time.

    python bench/gazetteer.py [--shared ../shared/data/geonames-format]

Targets (2-core machine): bundled load <= 100 ms and <= 60 MB; cold `incident-map resolve`
<= 300 ms; exact or variant lookups >= 500k/s; fuzzy >= 5k/s over the 32k imported places;
importing both shared dumps <= 10 s.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path and its name would shadow the package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data" / "geonames-format"


def in_fresh_process(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip()


def bundled_load() -> None:
    code = ("import time, resource; t = time.perf_counter(); from gazetteer import Gazetteer; "
            "g = Gazetteer.bundled(); t = time.perf_counter() - t; "
            "print(f'{t * 1000:.0f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} {len(g)}')")
    in_fresh_process(code)  # warm the curated-keys cache and the OS file cache
    runs = [in_fresh_process(code).split() for _ in range(5)]
    ms = sorted(float(r[0]) for r in runs)
    print(f"bundled load (import + index): median {ms[2]:.0f} ms, best {ms[0]:.0f} ms, "
          f"peak RSS {runs[0][1]} MB, {runs[0][2]} places")


def cold_cli() -> None:
    exe = shutil.which("incident-map") or str(Path(sys.executable).with_name("incident-map"))
    times = []
    for _ in range(5):
        t = time.perf_counter()
        subprocess.run([exe, "resolve", "حقل العمر", "--json"], capture_output=True, check=True)
        times.append(time.perf_counter() - t)
    times.sort()
    print(f"cold `incident-map resolve`: median {times[2] * 1000:.0f} ms, best {times[0] * 1000:.0f} ms")


def lookups(gaz, label: str) -> None:
    """Queries per second of CPU time (steady under other load): distinct names through the
    whole ranking, repeated names through the resolution cache, and misspelt names through
    folding and the fuzzy index."""
    names = [n for p in list(gaz)[:: max(1, len(gaz) // 2000)] for n in p.names[:2]]
    random.Random(1).shuffle(names)
    # Distinct queries, nothing cached: the honest worst case.
    t = time.process_time()
    for name in names:
        gaz._rank(name, None, None, None, 10)
    uncached = len(names) / (time.process_time() - t)
    # A table of incidents repeats its places: the cache answers repeats.
    repeated = names * 50
    for name in names:
        gaz.resolve(name)
    t = time.process_time()
    for name in repeated:
        gaz.resolve(name)
    cached = len(repeated) / (time.process_time() - t)
    rng = random.Random(2)
    misspelt = []
    for name in names[:1000]:
        chars = list(name)
        if len(chars) > 5:
            chars[rng.randrange(1, len(chars))] = rng.choice("aeiouklmnrs")
        misspelt.append("".join(chars) + "x")
    t = time.process_time()
    for name in misspelt:
        gaz._fuzzy_lookup(gaz_fold(name))
    fuzzy = len(misspelt) / (time.process_time() - t)
    print(f"{label}: {len(gaz)} places; exact/variant lookups {uncached:,.0f}/s uncached, "
          f"{cached:,.0f}/s repeated (cache); fuzzy {fuzzy:,.0f}/s")


def gaz_fold(name: str) -> str:
    from gazetteer.fold import fold, split_generic

    return fold(split_generic(name)[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=SHARED)
    args = parser.parse_args()
    bundled_load()
    cold_cli()
    from gazetteer import Gazetteer
    from gazetteer.sources import import_file

    lookups(Gazetteer.bundled(), "bundled")
    dumps = [args.shared / "SY.txt", args.shared / "IQ.txt"]
    if not all(p.is_file() for p in dumps):
        print(f"skipped imports: {args.shared} not found")
        return
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        counts = [import_file(p, Path(tmp))[1] for p in dumps]
        print(f"import of SY.txt + IQ.txt: {sum(counts)} places in {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        gaz = Gazetteer.default(Path(tmp))
        print(f"load with imports: {(time.perf_counter() - t) * 1000:.0f} ms")
        os.environ["INCIDENT_MAPPER_DATA"] = tmp
        lookups(gaz, "bundled + 32k imported")


if __name__ == "__main__":
    main()

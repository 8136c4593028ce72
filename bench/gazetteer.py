"""Gazetteer figures: wheel size, load time and memory, cold CLI, lookups per second, imports.

    python bench/gazetteer.py [--shared ../shared/data/geonames-format] [--no-wheel]

Targets (2-core machine): wheel <= 8 MB; bundled load (import + index, whole populated-place
layer) <= 150 ms and <= 100 MB peak RSS; cold `incident-map resolve NAME --json` <= 0.3 s;
exact or variant lookups >= 500k/s (repeated names); fuzzy >= 5k/s over the whole bundled
layer; importing both shared dumps <= 10 s.
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


def checkout_env() -> dict[str, str]:
    """The environment with this checkout first on the path (the project need not be installed)."""
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path}


def in_fresh_process(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, env=checkout_env()).stdout.strip()


def bundled_load() -> None:
    code = ("import time, resource; t = time.perf_counter(); from gazetteer import Gazetteer; "
            "g = Gazetteer.bundled(); t = time.perf_counter() - t; "
            "print(f'{t * 1000:.0f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} {len(g)}')")
    in_fresh_process(code)  # warm the curated-keys cache and the OS file cache
    runs = [in_fresh_process(code).split() for _ in range(5)]
    ms = sorted(float(r[0]) for r in runs)
    print(f"bundled load (import + index): median {ms[2]:.0f} ms, best {ms[0]:.0f} ms, "
          f"peak RSS {runs[0][1]} MB, {runs[0][2]} places")


def wheel_size() -> None:
    """Build the wheel as a user's pip would (isolated build) and weigh it and its data."""
    with tempfile.TemporaryDirectory() as out:
        subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", out, str(ROOT)],
                       capture_output=True, check=True)
        wheel = next(Path(out).glob("*.whl"))
        size = wheel.stat().st_size
    data = sum(p.stat().st_size for p in (ROOT / "data").rglob("*") if p.is_file())
    print(f"wheel: {size / 1e6:.2f} MB ({wheel.name}); data/ files: {data / 1e6:.2f} MB")


def cold_cli() -> None:
    exe = shutil.which("incident-map") or str(Path(sys.executable).with_name("incident-map"))
    # Not installed: run the checkout's CLI the same way (one more module lookup, no more).
    command = [exe] if Path(exe).exists() else [sys.executable, "-m", "mapper.cli"]
    env = checkout_env()
    # exact; a village only the layer holds; a weak skeleton match; a fuzzy match
    for name in ("حقل العمر", "Baghuz Fawqani", "Shaddaddiyy", "Kafranbelx"):
        times = []
        for _ in range(5):
            t = time.perf_counter()
            subprocess.run([*command, "resolve", name, "--json"], capture_output=True, check=True,
                           env=env)
            times.append(time.perf_counter() - t)
        times.sort()
        print(f"cold `incident-map resolve {name} --json`: median {times[2] * 1000:.0f} ms, "
              f"best {times[0] * 1000:.0f} ms")


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
    keys = [gaz_fold(name) for name in misspelt]
    t = time.perf_counter()
    for key in keys:  # the first pass builds the fuzzy index as it goes
        gaz._fuzzy_lookup(key)
    first = time.perf_counter() - t
    t = time.process_time()
    for key in keys:
        gaz._fuzzy_lookup(key)
    fuzzy = len(keys) / (time.process_time() - t)
    built = getattr(gaz._fuzzy, "build_seconds", None)
    building = f", of which building {built:.2f} s" if built else ""
    print(f"{label}: {len(gaz)} places; exact/variant lookups {uncached:,.0f}/s uncached, "
          f"{cached:,.0f}/s repeated (cache); fuzzy {fuzzy:,.0f}/s (first 1,000 with the index "
          f"built on the way: {first:.2f} s{building})")


def gaz_fold(name: str) -> str:
    from gazetteer.fold import fold, split_generic

    return fold(split_generic(name)[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--no-wheel", action="store_true", help="skip building the wheel")
    args = parser.parse_args()
    if not args.no_wheel:
        wheel_size()
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

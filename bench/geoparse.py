"""Geoparsing throughput in MB of text per second, Arabic and English.

    python bench/geoparse.py [--shared ../shared/data/geonames-format] [--mb 1 4] [--repeat 3]

Each corpus repeats one text (the seed article, an English report of the same events, the
English dev reports) until it weighs `--mb` megabytes, and is parsed twice: as one text (a
cost that grows faster than the text shows here: 4 MB should take 4 times as long as 1 MB)
and as articles of about 4 KB. Rates are CPU time, the best of `--repeat` runs, so that other
work on the machine skews them less. Targets: >= 5 MB/s on a 4 MB text with the bundled
gazetteer, >= 2 MB/s with the 32k places of both shared dumps.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path: keep it from shadowing packages.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
DEV = ROOT / "tests" / "data" / "geoparse_dev.txt"
ENGLISH = ROOT / "tests" / "data" / "english_report.txt"


def corpora() -> dict[str, str]:
    import re

    dev = re.sub(r"\[\[([^|\]]+)\|[^\]]+\]\]", r"\1", DEV.read_text(encoding="utf-8"))
    paragraphs = [p for p in dev.split("\n\n") if p.strip() and not p.startswith("#")]
    seed = SHARED / "seeds" / "000_7636e21c7e38833a.txt"
    arabic = seed.read_text(encoding="utf-8") if seed.is_file() else "\n\n".join(
        p for p in paragraphs if re.search("[\u0600-\u06ff]", p))
    return {
        "Arabic (seed article)": arabic,
        "English (report)": ENGLISH.read_text(encoding="utf-8"),
        "English (dev set, a place every 60 characters)": "\n\n".join(
            p for p in paragraphs if not re.search("[\u0600-\u06ff]", p)),
    }


def articles(text: str, megabytes: float) -> list[str]:
    size = len(text.encode("utf-8"))
    copies = max(1, int(4096 / size) + 1)
    article = "\n\n".join([text] * copies)
    return [article] * max(1, int(megabytes * 1e6 / len(article.encode("utf-8"))))


def one_text(text: str, megabytes: float) -> list[str]:
    copies = max(1, round(megabytes * 1e6 / len(text.encode("utf-8"))))
    return ["\n\n".join([text] * copies)]


def throughput(parser, docs: list[str], repeat: int) -> tuple[float, int]:
    parser.parse(docs[0][:20_000])  # warm the word caches
    best, found = float("inf"), 0
    for _ in range(repeat):
        start = time.process_time()
        found = sum(len(parser.parse(doc)) for doc in docs)
        best = min(best, time.process_time() - start)
    return sum(len(d.encode("utf-8")) for d in docs) / 1e6 / best, found


def run(label: str, gazetteer, sizes: list[float], repeat: int) -> None:
    from gazetteer.geoparse import Geoparser

    start = time.perf_counter()
    parser = Geoparser(gazetteer)
    built = time.perf_counter() - start
    print(f"{label}: {len(gazetteer)} places, automaton built in {built:.2f} s")
    for language, text in corpora().items():
        print(f"  {language}:")
        for megabytes in sizes:
            whole, found = throughput(parser, one_text(text, megabytes), repeat)
            split, _ = throughput(parser, articles(text, megabytes), repeat)
            print(f"    {megabytes:g} MB: one text {whole:.2f} MB/s, in 4 KB articles {split:.2f} MB/s"
                  f" ({found} mentions)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=SHARED / "data" / "geonames-format")
    parser.add_argument("--mb", type=float, nargs="+", default=[1.0, 4.0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--imported", type=Path, help=argparse.SUPPRESS)  # one run, in a child
    args = parser.parse_args()
    from gazetteer import Gazetteer
    from gazetteer.sources import import_file

    if args.imported:
        run("bundled + 32k imported", Gazetteer.default(args.imported), args.mb, args.repeat)
        return
    run("bundled", Gazetteer.bundled(), args.mb, args.repeat)
    dumps = [args.shared / "SY.txt", args.shared / "IQ.txt"]
    if not all(p.is_file() for p in dumps):
        print(f"skipped the imported run: {args.shared} not found")
        return
    with tempfile.TemporaryDirectory() as tmp:
        for p in dumps:
            import_file(p, Path(tmp))
        # A fresh process, so that the first run's caches do not weigh on the second.
        subprocess.run([sys.executable, __file__, "--mb", *map(str, args.mb), "--repeat", str(args.repeat),
                        "--imported", tmp], check=True)


if __name__ == "__main__":
    main()

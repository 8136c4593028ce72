"""Geoparsing throughput in MB of text per second, Arabic and English.

    python bench/geoparse.py [--shared ../shared/data/geonames-format] [--mb 2]

Each corpus repeats one text (the seed article, an English report of the same events, the
English dev reports) until it weighs `--mb` megabytes, in articles of about 4 KB. Rates are
CPU time, so that other work on the machine does not skew them. Targets:
>= 5 MB/s with the bundled gazetteer, >= 2 MB/s with the 32k places of both shared dumps.
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


def throughput(parser, docs: list[str]) -> tuple[float, int]:
    parser.parse(docs[0])  # warm caches
    start = time.process_time()
    found = sum(len(parser.parse(doc)) for doc in docs)
    seconds = time.process_time() - start
    return sum(len(d.encode("utf-8")) for d in docs) / 1e6 / seconds, found


def run(label: str, gazetteer, megabytes: float) -> None:
    from gazetteer.geoparse import Geoparser

    start = time.perf_counter()
    parser = Geoparser(gazetteer)
    built = time.perf_counter() - start
    print(f"{label}: {len(gazetteer)} places, automaton built in {built:.2f} s")
    for language, text in corpora().items():
        docs = articles(text, megabytes)
        rate, found = throughput(parser, docs)
        print(f"  {language}: {rate:.2f} MB/s ({found} mentions in {len(docs)} articles)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=SHARED / "data" / "geonames-format")
    parser.add_argument("--mb", type=float, default=2.0)
    parser.add_argument("--imported", type=Path, help=argparse.SUPPRESS)  # one run, in a child
    args = parser.parse_args()
    from gazetteer import Gazetteer
    from gazetteer.sources import import_file

    if args.imported:
        run("bundled + 32k imported", Gazetteer.default(args.imported), args.mb)
        return
    run("bundled", Gazetteer.bundled(), args.mb)
    dumps = [args.shared / "SY.txt", args.shared / "IQ.txt"]
    if not all(p.is_file() for p in dumps):
        print(f"skipped the imported run: {args.shared} not found")
        return
    with tempfile.TemporaryDirectory() as tmp:
        for p in dumps:
            import_file(p, Path(tmp))
        # A fresh process, so that the first run's caches do not weigh on the second.
        subprocess.run([sys.executable, __file__, "--mb", str(args.mb), "--imported", tmp], check=True)


if __name__ == "__main__":
    main()

"""Corpora of reports on Dask: documents in, drafts, place mentions or merged incidents out.

This is the only module that knows Dask. A corpus is any mix of

- folders (searched recursively) and files of `.txt` documents, one document a file: its date
  from a `DATE: YYYY-MM-DD` header line, else a date in the file's name (`2024-01-03-x.txt`,
  `x_20240103.txt`), else `Settings.date` (`--date`); a `URL: ...` header line gives its
  address; the header lines are not part of the text; its id is its path from the folder given
  (or its name, for a file given);
- JSON Lines, CSV and Parquet files, one document a record, with the columns named in
  `Columns` (text, date, url, id); a record without an id is "FILE:line N" (or "row N",
  "record N").

A document that cannot be read (not UTF-8, no text, no date, a bad record) is a `Failure` with
its reason; the others go on. The work is cut into parts (`plan`: up to TXT_BATCH text files,
one JSON Lines or CSV file, one Parquet row group), each a Dask task that reads its documents
on the worker and runs `mapper.extract.extract` or `gazetteer.geoparse.geoparse` on them. A
JSON Lines or CSV file is one task: give large archives as many files, or as Parquet.

Each worker loads the gazetteer once, in `GazetteerPlugin.setup`, and builds there what every
task needs (`prepare`); tasks find the gazetteer there (`worker_gazetteer`). Without a cluster (`client=None`) the same tasks run one by one in this
process on Dask's synchronous scheduler, with the gazetteer given: the reference run, which
a cluster must reproduce row for row.

Merging (`merge_drafts`) cuts the drafts into calendar-month blocks with a few days of halo
(`mapper.merge.blocks_of`) and runs one task per block, on the cluster too.

Outputs are Parquet: one file (`x.parquet`: a row group per part) or a folder of part files
(a path without the `.parquet` suffix, or an existing folder).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq
from distributed import WorkerPlugin

from .errors import InputError, MapperError, WriteError
from .merge import MERGED_COLUMNS, blocks_of, merge_block, reports_from_rows
from .model import DRAFT_COLUMNS, Incident, field_spec

if TYPE_CHECKING:
    from distributed import Client, Future

    from gazetteer import Gazetteer

__all__ = ["Columns", "Document", "Failure", "GazetteerPlugin", "Part", "PartResult", "Settings",
           "Summary", "TXT_BATCH", "cluster", "merge_drafts", "plan", "process_part", "schema_of",
           "prepare", "read_documents", "read_drafts", "read_part", "run_corpus", "worker_gazetteer",
           "write_parquet"]

TXT_BATCH = 200            # .txt files per task: enough work to hide a task's overhead (~1 ms)
PLUGIN_NAME = "incident-mapper-gazetteer"
TABLE_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".parquet": "parquet"}
TEXT_SUFFIXES = {".txt": "txt"}

_HEADER = re.compile(r"(DATE|URL)[ \t]*:[ \t]*(.*?)[ \t]*\r?$", re.IGNORECASE)
_DATE_IN_NAME = re.compile(r"(?<!\d)(\d{4})[-_.]?(\d{2})[-_.]?(\d{2})(?!\d)")
_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:$|[T ])")


# --- records -----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Columns:
    """The columns of JSON Lines, CSV and Parquet corpora that hold each document's parts."""

    text: str = "text"
    date: str = "date"
    url: str = "url"
    id: str = "id"


@dataclass(frozen=True, slots=True)
class Settings:
    """How documents are read and worked on: their columns, the date of a document that gives
    none (`--date`), and a country hint for the places (`--country`)."""

    columns: Columns = Columns()
    date: dt.date | None = None
    country: str | None = None
    require_date: bool = True      # extract needs a date; geoparse reads any document


@dataclass(frozen=True, slots=True)
class Document:
    """One report: its id, text, publication date and address, and where it was read
    (`origin`: "FILE" or "FILE:line N")."""

    id: str
    text: str
    published: dt.date | None      # None only when Settings.require_date is False
    url: str = ""
    origin: str = ""


@dataclass(frozen=True, slots=True)
class Failure:
    """A document that could not be read, and why."""

    origin: str
    document_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class Part:
    """One task's share of the corpus: up to TXT_BATCH .txt files (with the folder their ids
    are relative to), one JSON Lines or CSV file, or one row group of a Parquet file
    (`first_record` its first record's number in the file)."""

    kind: str                        # txt, jsonl, csv, parquet
    paths: tuple[str, ...]
    roots: tuple[str, ...] = ()      # txt: the folder each id is relative to ("" for a file given)
    row_group: int = 0
    first_record: int = 1
    size: int = 0                    # bytes, for the progress bar


@dataclass(frozen=True, slots=True)
class PartResult:
    """What one task gives back: its rows, its failures, how many documents and bytes it read."""

    rows: pa.Table
    failures: tuple[Failure, ...]
    documents: int
    size: int


@dataclass(frozen=True, slots=True)
class Summary:
    """One run: documents read, failed, rows written (drafts, mentions or incidents), drafts
    before merging, text megabytes, and wall-clock seconds."""

    documents: int
    failed: int
    rows: int
    drafts: int
    megabytes: float
    seconds: float

    def line(self, what: str) -> str:
        rate = self.documents / self.seconds if self.seconds else 0.0
        failed = f", {self.failed} could not be read" if self.failed else ""
        merged = f" (merged from {self.drafts} drafts)" if self.drafts != self.rows else ""
        return (f"{self.documents} documents{failed}: {self.rows} {what}{merged} in "
                f"{self.seconds:.1f} s ({rate:.0f} documents/s, {self.megabytes / self.seconds if self.seconds else 0:.2f} MB/s)")


# --- planning: the corpus as parts ---------------------------------------------------------------

def plan(paths: Sequence[str | Path]) -> tuple[list[Part], list[Failure]]:
    """The parts of a corpus, in a stable order, and the files found that are no corpus format
    (as failures). Raises InputError when a path does not exist or no document is found."""
    parts: list[Part] = []
    failures: list[Failure] = []
    texts: list[tuple[Path, str]] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            path = path.resolve()   # "." has no name to start the ids with
            files = sorted(p for p in path.rglob("*") if p.is_file()
                           and not any(part.startswith(".") for part in p.relative_to(path).parts))
            root = str(path.parent)
        elif path.is_file():
            files, root = [path], ""
        else:
            raise InputError(path, "no such file or folder")
        for file in files:
            suffix = file.suffix.lower()
            if suffix in TEXT_SUFFIXES:
                texts.append((file, root))
            elif suffix in TABLE_SUFFIXES:
                parts.extend(_table_parts(file, TABLE_SUFFIXES[suffix], failures))
            else:
                failures.append(Failure(str(file), _txt_id(file, root),
                                        f"not a corpus format ({suffix or 'no suffix'}): expected "
                                        ".txt, .jsonl, .csv or .parquet"))
    for start in range(0, len(texts), TXT_BATCH):
        batch = texts[start:start + TXT_BATCH]
        parts.append(Part("txt", tuple(str(p) for p, _ in batch), tuple(r for _, r in batch),
                          size=sum(_size(p) for p, _ in batch)))
    if not parts and not failures:
        raise InputError(", ".join(str(p) for p in paths), "no documents found (.txt, .jsonl, .csv or .parquet)")
    return parts, failures


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _table_parts(path: Path, kind: str, failures: list[Failure]) -> list[Part]:
    if kind != "parquet":
        return [Part(kind, (str(path),), size=_size(path))]
    try:
        meta = pq.ParquetFile(path).metadata
    except (OSError, pa.ArrowException) as exc:
        failures.append(Failure(str(path), path.name, f"cannot read as Parquet: {exc}"))
        return []
    parts, first = [], 1
    for i in range(meta.num_row_groups):
        group = meta.row_group(i)
        parts.append(Part("parquet", (str(path),), row_group=i, first_record=first,
                          size=group.total_byte_size))
        first += group.num_rows
    return parts


def _txt_id(path: Path, root: str) -> str:
    return path.relative_to(root).as_posix() if root else path.name


# --- reading documents ---------------------------------------------------------------------------

def read_part(part: Part, settings: Settings) -> tuple[list[Document], list[Failure]]:
    """The documents of one part, and the ones that could not be read."""
    docs: list[Document] = []
    failures: list[Failure] = []
    if part.kind == "txt":
        for path, root in zip(part.paths, part.roots):
            _read_txt(Path(path), root, settings, docs, failures)
    elif part.kind == "jsonl":
        _read_jsonl(Path(part.paths[0]), settings, docs, failures)
    elif part.kind == "csv":
        _read_csv(Path(part.paths[0]), settings, docs, failures)
    elif part.kind == "parquet":
        _read_parquet(part, settings, docs, failures)
    else:
        raise ValueError(f"unknown part kind {part.kind!r}")
    return docs, failures


def read_documents(paths: Sequence[str | Path], settings: Settings = Settings()
                   ) -> tuple[list[Document], list[Failure]]:
    """Every document of a corpus, read here (no Dask), and the failures."""
    parts, failures = plan(paths)
    docs: list[Document] = []
    for part in parts:
        got, failed = read_part(part, settings)
        docs.extend(got)
        failures.extend(failed)
    return docs, failures


def _published(value: Any) -> dt.date:
    """A document's date from a cell or header: a date, a datetime, or text starting
    YYYY-MM-DD. Raises ValueError naming the value."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    m = _ISO_DAY.match(text)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            pass
    raise ValueError(f"bad date {text!r} (expected YYYY-MM-DD)")


def _read_txt(path: Path, root: str, settings: Settings, docs: list[Document],
              failures: list[Failure]) -> None:
    doc_id = _txt_id(path, root)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        failures.append(Failure(str(path), doc_id, f"cannot read the file: {exc.strerror or exc}"))
        return
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        failures.append(Failure(str(path), doc_id, f"not UTF-8 text (byte {exc.start})"))
        return
    header: dict[str, str] = {}
    lines = text.split("\n")
    taken = 0
    for line in lines:
        m = _HEADER.fullmatch(line)
        if not m or m.group(1).upper() in header:
            break
        header[m.group(1).upper()] = m.group(2)
        taken += 1
    body = "\n".join(lines[taken:]).lstrip("\r\n") if taken else text
    if not body.strip():
        failures.append(Failure(str(path), doc_id, "no text"))
        return
    if "DATE" in header:
        try:
            published = _published(header["DATE"])
        except ValueError as exc:
            if settings.require_date:
                failures.append(Failure(str(path), doc_id, f"DATE: header: {exc}"))
                return
            published = None
    else:
        published = _date_in_name(path.name) or settings.date
        if published is None and settings.require_date:
            failures.append(Failure(str(path), doc_id, "no date: give a DATE: header line, a date "
                                                        "in the file's name, or --date"))
            return
    docs.append(Document(doc_id, body, published, header.get("URL", ""), str(path)))


def _date_in_name(name: str) -> dt.date | None:
    for m in _DATE_IN_NAME.finditer(name):
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            continue
    return None


def _record(record: dict, origin: str, fallback_id: str, settings: Settings,
            docs: list[Document], failures: list[Failure]) -> None:
    """One record of a table corpus as a document, or a failure."""
    c = settings.columns
    raw_id = record.get(c.id)
    doc_id = fallback_id if raw_id is None or str(raw_id).strip() == "" else str(raw_id).strip()
    text = record.get(c.text)
    if not isinstance(text, str) or not text.strip():
        what = "no column" if c.text not in record else "an empty" if not text else "not a text in"
        failures.append(Failure(origin, doc_id, f"{what} {c.text!r}" + (" column" if what != "no column" else "")))
        return
    date = record.get(c.date)
    if date is None or str(date).strip() == "":
        if settings.date is None and settings.require_date:
            failures.append(Failure(origin, doc_id, f"no date in column {c.date!r}, and no --date"))
            return
        published = settings.date
    else:
        try:
            published = _published(date)
        except ValueError as exc:
            if settings.require_date:
                failures.append(Failure(origin, doc_id, f"column {c.date!r}: {exc}"))
                return
            published = None
    url = record.get(c.url)
    docs.append(Document(doc_id, text, published, "" if url is None else str(url).strip(), origin))


def _decoded(path: Path, failures: list[Failure]) -> str | None:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        failures.append(Failure(str(path), path.name, f"cannot read the file: {exc.strerror or exc}"))
    except UnicodeDecodeError as exc:
        failures.append(Failure(str(path), path.name, f"not UTF-8 text (byte {exc.start})"))
    return None


def _read_jsonl(path: Path, settings: Settings, docs: list[Document], failures: list[Failure]) -> None:
    text = _decoded(path, failures)
    if text is None:
        return
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        origin, fallback = f"{path}:line {number}", f"{path.name}:line {number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            failures.append(Failure(origin, fallback, f"not JSON: {exc.msg}"))
            continue
        if not isinstance(record, dict):
            failures.append(Failure(origin, fallback, "not a JSON object"))
            continue
        _record(record, origin, fallback, settings, docs, failures)


def _read_csv(path: Path, settings: Settings, docs: list[Document], failures: list[Failure]) -> None:
    text = _decoded(path, failures)
    if text is None:
        return
    # A report is longer than csv's default cell limit (128 KB); raise it for this reader.
    csv.field_size_limit(max(csv.field_size_limit(), 64 * 1024 * 1024))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None:
            failures.append(Failure(str(path), path.name, "the file is empty"))
            return
        header = [h.strip() for h in header]
        if settings.columns.text not in header:
            failures.append(Failure(str(path), path.name, f"no column {settings.columns.text!r}; "
                                                           f"columns are: {', '.join(header)}"))
            return
        while True:
            row = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                failures.append(Failure(f"{path}:row {row}", f"{path.name}:row {row}",
                                        f"cannot split the row: {exc}"))
                break   # the reader cannot find the next row after a broken one
            if not any(c.strip() for c in cells):
                continue
            origin, fallback = f"{path}:row {row}", f"{path.name}:row {row}"
            if len(cells) != len(header):
                failures.append(Failure(origin, fallback, f"{len(cells)} cells but the header has "
                                                          f"{len(header)} columns"))
                continue
            _record(dict(zip(header, cells)), origin, fallback, settings, docs, failures)
    except csv.Error as exc:
        failures.append(Failure(str(path), path.name, f"cannot split the table: {exc}"))


def _read_parquet(part: Part, settings: Settings, docs: list[Document], failures: list[Failure]) -> None:
    path = Path(part.paths[0])
    c = settings.columns
    try:
        file = pq.ParquetFile(path)
        names = set(file.schema_arrow.names)
        if c.text not in names:
            if part.row_group == 0:
                failures.append(Failure(str(path), path.name, f"no column {c.text!r}; columns are: "
                                                               f"{', '.join(file.schema_arrow.names)}"))
            return
        wanted = [n for n in dict.fromkeys((c.id, c.text, c.date, c.url)) if n in names]
        records = file.read_row_group(part.row_group, columns=wanted).to_pylist()
    except (OSError, pa.ArrowException) as exc:
        failures.append(Failure(f"{path}:row group {part.row_group}", path.name,
                                f"cannot read as Parquet: {exc}"))
        return
    for k, record in enumerate(records):
        number = part.first_record + k
        _record(record, f"{path}:record {number}", f"{path.name}:record {number}", settings, docs, failures)


# --- the work on one part --------------------------------------------------------------------------

MENTION_COLUMNS: tuple[str, ...] = (
    "document_id", "published", "source_url", "start", "end", "text", "place_id", "name", "name_ar",
    "kind", "feature", "country", "admin1", "lat", "lon", "radius_km", "score", "method", "ambiguous")
# The kinds of value of a mention's columns that are no incident field (the rest are texts).
_MENTION_KINDS = {"start": "int", "end": "int", "score": "float", "ambiguous": "bool"}
# The columns of a corpus's drafts: a draft's (extract's CSV), its document, and what the
# merge reads of its place.
DRAFTS_COLUMNS: tuple[str, ...] = ("document_id", "published", *DRAFT_COLUMNS, "place_kind", "radius_km")


def schema_of(columns: Sequence[str]) -> pa.Schema:
    """The Arrow schema of a table of these columns (drafts, mentions or incidents): an
    incident field's type is its kind in the field table (`mapper.model.SCHEMA`)."""
    arrow = {"text": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(),
             "texts": pa.list_(pa.string())}
    types = []
    for name in columns:
        try:
            kind = field_spec(name).kind
        except KeyError:
            kind = _MENTION_KINDS.get(name, "text")
        types.append(pa.field(name, arrow[kind]))
    return pa.schema(types)


def _records(incidents: Iterable[Incident], columns: Sequence[str]) -> list[dict[str, Any]]:
    return [{name: getattr(i, name) for name in columns} for i in incidents]


def _table(rows: list[dict[str, Any]], columns: Sequence[str]) -> pa.Table:
    schema = schema_of(columns)
    data = {}
    for f in schema:
        values = [row.get(f.name) for row in rows]
        if pa.types.is_string(f.type):
            values = [None if v is None else str(v) for v in values]
        data[f.name] = pa.array(values, type=f.type)
    return pa.table(data, schema=schema)


def _draft_rows(doc: Document, gazetteer: Gazetteer, settings: Settings) -> list[dict[str, Any]]:
    from .extract import extract

    if doc.published is None:   # read with Settings(require_date=False), which suits geoparse only
        raise InputError(doc.origin or doc.id, "no date: extraction reckons dates from the "
                                               "article's, so it needs one (require_date)")
    drafts = extract(doc.text, doc.published, source_url=doc.url, gazetteer=gazetteer,
                     country=settings.country)
    numbered = []
    for k, draft in enumerate(drafts, start=1):
        place = gazetteer.get(draft.place_id) if draft.place_id else None
        numbered.append(replace(draft, id=f"{doc.id}#{k}", document_id=doc.id,
                                published=doc.published.isoformat(), place_kind=place.kind if place else "",
                                radius_km=place.radius_km if place else None))
    return _records(numbered, DRAFTS_COLUMNS)


def _mention_rows(doc: Document, gazetteer: Gazetteer, settings: Settings) -> list[dict[str, Any]]:
    from gazetteer.geoparse import geoparse

    hints = {"country": settings.country} if settings.country else None
    rows = []
    for m in geoparse(doc.text, hints=hints, gazetteer=gazetteer):
        row: dict[str, Any] = {"document_id": doc.id,
                               "published": doc.published.isoformat() if doc.published else None,
                               "source_url": doc.url, "start": m.start, "end": m.end, "text": m.text}
        if m.match is not None:
            found = m.match.as_dict()
            row.update(found, place_id=found.pop("id"))
            row.pop("id", None)
        rows.append(row)
    return rows


TASKS: dict[str, tuple[Callable[[Document, Any, Settings], list[dict[str, Any]]], Callable[[], Sequence[str]]]] = {
    "extract": (_draft_rows, lambda: DRAFTS_COLUMNS),
    "geoparse": (_mention_rows, lambda: MENTION_COLUMNS),
}


def process_part(part: Part, task: str, settings: Settings, gazetteer: Gazetteer | None = None) -> PartResult:
    """Read one part and run `task` ("extract" or "geoparse") on each of its documents, with
    the gazetteer given or else the worker's (`worker_gazetteer`)."""
    work, columns = TASKS[task]
    gaz = gazetteer if gazetteer is not None else worker_gazetteer()
    docs, failures = read_part(part, settings)
    rows: list[dict[str, Any]] = []
    for doc in docs:
        rows.extend(work(doc, gaz, settings))
    return PartResult(_table(rows, columns()), tuple(failures), len(docs), part.size)


# --- the gazetteer on the workers ------------------------------------------------------------------

class GazetteerPlugin(WorkerPlugin):
    """A Dask worker plugin that loads the gazetteer once per worker, when the worker joins
    (or the plugin is registered), and builds its text index, so that no task loads it.

    `data_dir` is the folder of imported places as the workers see it (None: their default).
    After setup, `memory_bytes` is how much the worker's resident memory grew while loading the
    gazetteer and its index, `prepared_bytes` how much more for the rest of `prepare`.
    """

    name = PLUGIN_NAME

    def __init__(self, data_dir: str | None = None) -> None:
        self.data_dir = data_dir
        self.gazetteer: Gazetteer | None = None
        self.memory_bytes = 0
        self.prepared_bytes = 0
        self.load_seconds = 0.0

    def setup(self, worker: Any = None) -> None:
        import psutil

        from gazetteer import Gazetteer
        from gazetteer.geoparse import geoparse

        process = psutil.Process()
        before, start = process.memory_info().rss, time.perf_counter()
        self.gazetteer = Gazetteer.default(Path(self.data_dir) if self.data_dir else None)
        geoparse("", gazetteer=self.gazetteer)   # builds the parser's index now, not in a task
        loaded = process.memory_info().rss
        prepare(self.gazetteer)
        self.load_seconds = time.perf_counter() - start
        self.memory_bytes = loaded - before
        self.prepared_bytes = process.memory_info().rss - loaded

    def teardown(self, worker: Any = None) -> None:
        self.gazetteer = None

    def __getstate__(self) -> dict[str, Any]:
        return {"data_dir": self.data_dir}   # the plugin travels to the workers without its data

    def __setstate__(self, state: dict[str, Any]) -> None:
        GazetteerPlugin.__init__(self, state["data_dir"])


def prepare(gazetteer: Gazetteer) -> None:
    """Build, in this process, what every task needs and would otherwise build in its first
    one: the geoparser's index of the gazetteer, the extractor's patterns (importing it), and
    Arrow's conversion of rows (which imports pandas)."""
    from gazetteer.geoparse import geoparse

    from .extract import extract

    geoparse("", gazetteer=gazetteer)
    extract("", dt.date(2024, 1, 1), gazetteer=gazetteer)
    _table([], DRAFTS_COLUMNS)


def worker_gazetteer() -> Gazetteer:
    """The gazetteer of the Dask worker this task runs on (see GazetteerPlugin)."""
    from distributed import get_worker

    plugin = get_worker().plugins.get(PLUGIN_NAME)
    if not isinstance(plugin, GazetteerPlugin) or plugin.gazetteer is None:
        raise RuntimeError("this worker has no gazetteer: register GazetteerPlugin on the client")
    return plugin.gazetteer


@contextmanager
def cluster(scheduler: str | None = None, *, data_dir: str | None = None,
            workers: int | None = None) -> Iterator[Client | None]:
    """A Dask client with the gazetteer on every worker.

    `scheduler` None starts a local cluster, one single-threaded process per core (or
    `workers`); "synchronous" gives None (run in this process); anything else is the address
    of a running scheduler ("tcp://HOST:8786"). Raises InputError when it cannot be reached.
    """
    if scheduler == "synchronous":
        yield None
        return
    from distributed import Client, LocalCluster

    if scheduler is None:
        import dask

        # No dashboard shows the workers' profiles: they would sample each task's stack 100
        # times a second for nothing.
        with dask.config.set({"distributed.worker.profile.enabled": False}):
            local = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1,
                                 processes=True, dashboard_address=None, silence_logs=logging.ERROR)
        try:
            with Client(local) as client:
                client.register_plugin(GazetteerPlugin(data_dir), name=PLUGIN_NAME)
                yield client
        finally:
            local.close()
        return
    try:
        client = Client(scheduler, timeout=10)
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError(scheduler, f"cannot reach the Dask scheduler: {exc}") from exc
    with client:
        client.register_plugin(GazetteerPlugin(data_dir), name=PLUGIN_NAME)
        try:
            yield client
        finally:
            # A shared cluster outlives this run: give the workers' memory back.
            client.unregister_worker_plugin(PLUGIN_NAME)


# --- running ----------------------------------------------------------------------------------------

def _map(client: Client | None, func: Callable[..., Any], calls: Sequence[tuple], prefix: str
         ) -> Iterator[tuple[int, Any]]:
    """(index, result) of func(*args) for each call, as they complete: on the cluster, or one
    by one here on Dask's synchronous scheduler."""
    import uuid

    import dask

    run = uuid.uuid4().hex[:8]
    if client is None:
        for i, args in enumerate(calls):
            task = dask.delayed(func, pure=False)(*args, dask_key_name=f"{prefix}-{run}-{i}")
            yield i, task.compute(scheduler="synchronous")
        return
    from distributed import as_completed

    submitted = [client.submit(func, *args, key=f"{prefix}-{run}-{i}", pure=False)
                 for i, args in enumerate(calls)]
    index = {f.key: i for i, f in enumerate(submitted)}
    pending = as_completed(submitted)
    futures: list[Future | None] = list(submitted)
    del submitted   # `futures` alone holds them here, each until its result is read
    for future in pending:
        i = index[future.key]
        yield i, future.result()
        futures[i] = None   # drop the reference: the cluster may free the result
        future.release()


class _Progress:
    """A bar over the corpus's bytes that counts documents done (stderr, when it is a terminal)."""

    def __init__(self, total: int, label: str, show: bool) -> None:
        self.documents = self.failed = 0
        self._bar = None
        if show:
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

            self._bar = Progress(TextColumn("{task.description}"), BarColumn(),
                                 TextColumn("{task.fields[docs]} documents"), TimeRemainingColumn(),
                                 console=Console(stderr=True), transient=True)
            self._task = self._bar.add_task(label, total=max(total, 1), docs=0)
            self._bar.start()

    def done(self, result: PartResult) -> None:
        self.documents += result.documents
        self.failed += len(result.failures)
        if self._bar is not None:
            self._bar.update(self._task, advance=result.size, docs=self.documents)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()


def _in_order(results: Iterator[tuple[int, Any]]) -> Iterator[Any]:
    """Results in the order of their calls, however they complete (for a stable output)."""
    waiting: dict[int, Any] = {}
    following = 0
    for i, result in results:
        waiting[i] = result
        while following in waiting:
            yield waiting.pop(following)
            following += 1


def run_corpus(paths: Sequence[str | Path], output: str | Path, *, task: str = "extract",
               settings: Settings = Settings(), client: Client | None = None,
               gazetteer: Gazetteer | None = None, merge: bool = True,
               failed: str | Path | None = None, progress: bool = False) -> Summary:
    """Run `task` ("extract" or "geoparse") over a corpus and write the rows as Parquet.

    extract writes merged incidents (MERGED_COLUMNS) unless `merge` is False, then the drafts;
    geoparse writes place mentions (MENTION_COLUMNS). With `client` None the tasks run here
    with `gazetteer` (default: `Gazetteer.default()`). `failed`, when given, gets a CSV of the
    documents that could not be read (origin, document_id, reason).
    """
    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}: expected one of {', '.join(TASKS)}")
    started = time.perf_counter()
    parts, failures = plan(paths)
    if client is None and gazetteer is None:
        from gazetteer import Gazetteer

        gazetteer = Gazetteer.default()
    calls = [(part, task, settings, gazetteer if client is None else None) for part in parts]
    bar = _Progress(sum(p.size for p in parts), task, progress)
    columns = TASKS[task][1]()
    drafts = 0

    def tables() -> Iterator[pa.Table]:
        for result in _in_order(_map(client, process_part, calls, task)):
            bar.done(result)
            failures.extend(result.failures)
            yield result.rows

    try:
        if task == "extract" and merge:
            table = pa.concat_tables([_table([], columns), *tables()])
            drafts = table.num_rows
            rows = merge_drafts(table, client)
            write_parquet([rows], output, schema_of(MERGED_COLUMNS))
            written = rows.num_rows
        else:
            written = write_parquet(tables(), output, schema_of(columns))
            drafts = written
    finally:
        bar.close()
    if failed is not None:
        write_failures(failures, failed)
    size = sum(p.size for p in parts)
    return Summary(bar.documents, len(failures), written, drafts, size / 1e6,
                   time.perf_counter() - started)


def write_failures(failures: Iterable[Failure], path: str | Path) -> None:
    """The documents that could not be read, as CSV: origin, document_id, reason."""
    try:
        with open(path, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["origin", "document_id", "reason"])
            for f in failures:
                writer.writerow([f.origin, f.document_id, f.reason])
    except OSError as exc:
        raise WriteError(path, exc) from exc


def write_parquet(tables: Iterable[pa.Table], path: str | Path, schema: pa.Schema) -> int:
    """Write tables as one Parquet file (a row group each) or, for a path without the
    `.parquet` suffix or an existing folder, as a folder of part files (replacing the
    part files of an earlier run there); returns the rows written. Raises WriteError naming
    the path."""
    path = Path(path)
    folder = path.is_dir() or path.suffix.lower() != ".parquet"
    rows = 0
    try:
        if folder:
            path.mkdir(parents=False, exist_ok=True)
            for old in path.glob("part-*.parquet"):
                old.unlink()
            count = 0
            for table in tables:
                if table.num_rows or count == 0:
                    pq.write_table(table.cast(schema), path / f"part-{count:05d}.parquet")
                    count += 1
                    rows += table.num_rows
            if count == 0:
                pq.write_table(schema.empty_table(), path / "part-00000.parquet")
            return rows
        with pq.ParquetWriter(path, schema) as writer:
            wrote = False
            for table in tables:
                if table.num_rows:
                    writer.write_table(table.cast(schema))
                    rows += table.num_rows
                    wrote = True
            if not wrote:
                writer.write_table(schema.empty_table())
        return rows
    except OSError as exc:
        if isinstance(exc, MapperError):
            raise
        raise WriteError(path, exc) from exc


# --- merging on the cluster ----------------------------------------------------------------------

def _merge_task(table: pa.Table, block: str) -> pa.Table:
    merged = merge_block(reports_from_rows(table.to_pylist()), block)
    return _table(_records(merged, MERGED_COLUMNS), MERGED_COLUMNS)


def merge_drafts(drafts: pa.Table, client: Client | None = None) -> pa.Table:
    """The incidents of a drafts table (see mapper.merge): one task per calendar month, with
    its halo, on the cluster when a client is given; rows by date and id."""
    dates = drafts.column("date").to_pylist() if drafts.num_rows else []
    precisions = (drafts.column("date_precision").to_pylist() if "date_precision" in drafts.column_names
                  else ["day"] * len(dates))
    blocks: dict[str, list[int]] = {}
    for i, (date, precision) in enumerate(zip(dates, precisions)):
        for block in blocks_of(Incident(date=str(date or ""), date_precision=str(precision or "day"))):
            blocks.setdefault(block, []).append(i)
    ordered = sorted(blocks)
    calls = [(drafts.take(pa.array(blocks[b], type=pa.int64())), b) for b in ordered]
    if client is not None:
        calls = [(client.scatter(t), b) for t, b in calls]
    merged = [_table([], MERGED_COLUMNS), *_in_order(_map(client, _merge_task, calls, "merge"))]
    table = pa.concat_tables(merged)
    if table.num_rows:
        table = table.sort_by([("date", "ascending"), ("id", "ascending")])
    return table


def read_drafts(path: str | Path, gazetteer: Gazetteer | None = None) -> pa.Table:
    """A Parquet drafts table (file or folder, as `extract --corpus --no-merge` writes it);
    place kinds and radii missing from it are looked up in `gazetteer`. Raises InputError
    when it cannot be read or lacks the columns a merge needs."""
    try:
        table = pq.read_table(path)
    except FileNotFoundError as exc:
        raise InputError(path, "no such file or folder") from exc
    except (OSError, pa.ArrowException) as exc:
        raise InputError(path, f"cannot read as Parquet: {exc}") from exc
    missing = [c for c in ("id", "document_id", "date") if c not in table.column_names]
    if missing:
        raise InputError(path, f"no column {', '.join(map(repr, missing))}: not a drafts table "
                               "(write one with `extract --corpus ... --no-merge`)")
    if "place_kind" not in table.column_names or "radius_km" not in table.column_names:
        if gazetteer is None:
            from gazetteer import Gazetteer

            gazetteer = Gazetteer.default()
        ids = table.column("place_id").to_pylist() if "place_id" in table.column_names else []
        places = [gazetteer.get(p) if p else None for p in ids] or [None] * table.num_rows
        for name, value in (("place_kind", lambda p: p.kind), ("radius_km", lambda p: p.radius_km)):
            if name not in table.column_names:
                table = table.append_column(name, pa.array([value(p) if p else None for p in places]))
    return table

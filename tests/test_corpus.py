"""Corpora on Dask: readers of every format, a real two-process cluster against the synchronous
run, the CLI on a running scheduler, and the merged table on a map."""

from __future__ import annotations

import csv
import datetime as dt
import json
import logging
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

import mapper.corpus as corpus_module
from mapper.cli import main
from mapper.corpus import (
    PLUGIN_NAME,
    Columns,
    GazetteerPlugin,
    Settings,
    plan,
    read_documents,
    run_corpus,
)
from mapper.encode import decode_block
from mapper.incidents import read_incidents

distributed = pytest.importorskip("distributed")

# A dozen reports of a week of strikes, Arabic and English, several told by two outlets.
TEXTS = {
    "shaddadi-ar": "تعرضت قاعدة الشدادي في ريف الحسكة الجنوبي مساء أمس لهجوم بطائرة مسيّرة، ولم ترد معلومات عن خسائر.",
    "shaddadi-en": "A drone attacked the Shaddadi base in southern Hasakah on Tuesday evening, local sources said.",
    "omar-ar": "سقطت أربعة صواريخ على قاعدة حقل العمر النفطي بريف دير الزور فجر اليوم، وأفادت مصادر بمقتل عنصرين.",
    "omar-en": "Rockets hit the al-Omar oil field base in Deir ez-Zor at dawn today, killing three fighters.",
    "bukamal-ar": "شنت طائرات حربية غارات جوية على مواقع في البوكمال مساء أمس.",
    "bukamal-en": "Warplanes carried out air strikes on Albu Kamal yesterday evening.",
    "asad-ar": "قصفت طائرة مسيّرة قاعدة عين الأسد الجوية في الأنبار صباح اليوم.",
    "anbar-en": "An air strike hit positions in Anbar province this morning.",
    "rmelan-ar": "استهدفت صواريخ قاعدة الرميلان في ريف الحسكة مساء أمس.",
    "rmelan-en": "Rockets struck the Rmelan base in Hasakah on Saturday evening, the coalition said.",
    "conoco-ar": "تصدت الدفاعات الجوية لطائرة مسيّرة حاولت استهداف قاعدة حقل كونيكو للغاز صباح اليوم.",
    "tanf-en": "Two drones targeted the al-Tanf garrison near the Jordanian border early on Sunday.",
}
DEFAULT_DATE = dt.date(2024, 1, 3)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """Every format, each with a broken document: .txt files, JSON Lines, CSV and Parquet."""
    root = tmp_path_factory.mktemp("corpus")
    news = root / "news"
    (news / "2024").mkdir(parents=True)
    (news / "shaddadi-ar.txt").write_text(
        f"DATE: 2024-01-03\nURL: https://outlet-a.example/shaddadi\n\n{TEXTS['shaddadi-ar']}\n", encoding="utf-8")
    (news / "2024" / "2024-01-04-shaddadi-en.txt").write_text(TEXTS["shaddadi-en"], encoding="utf-8")
    (news / "omar-ar.txt").write_text(TEXTS["omar-ar"], encoding="utf-8")     # --date gives its date
    (news / "broken.txt").write_bytes("تقرير".encode("cp1256"))               # not UTF-8
    (news / "empty.txt").write_text("DATE: 2024-01-03\n\n", encoding="utf-8")
    (news / "scan.pdf").write_bytes(b"%PDF-1.4")
    with open(root / "wire.jsonl", "w", encoding="utf-8") as fh:
        for record in ({"id": "wire-1", "date": "2024-01-03", "url": "https://wire.example/1", "text": TEXTS["omar-en"]},
                       {"id": "wire-2", "date": "2024-01-05T08:00:00Z", "url": "https://wire.example/2",
                        "text": TEXTS["bukamal-ar"]}):
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        fh.write('{"id": "wire-3", "text": \n')                                  # not JSON
        fh.write(json.dumps({"id": "wire-4", "date": "2024-01-05"}) + "\n")   # no text
    with open(root / "monitor.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "date", "url", "text"])
        writer.writerow(["mon-1", "2024-01-05", "https://monitor.example/1", TEXTS["bukamal-en"]])
        writer.writerow(["mon-2", "2024-01-06", "https://monitor.example/2", TEXTS["asad-ar"]])
        writer.writerow(["mon-3", "06/01/2024", "https://monitor.example/3", TEXTS["anbar-en"]])  # bad date
        writer.writerow(["", "2024-01-06", "", TEXTS["anbar-en"]])                  # no id: FILE:row N
    table = pa.table({
        "id": ["arc-1", "arc-2", "arc-3", "arc-4", "arc-5"],
        "date": [dt.date(2024, 1, 7), dt.date(2024, 1, 8), dt.date(2024, 1, 8), dt.date(2024, 1, 8),
                 dt.date(2024, 1, 8)],
        "url": ["https://archive.example/1", "https://archive.example/2", None, None, None],
        "text": [TEXTS["rmelan-ar"], TEXTS["rmelan-en"], TEXTS["conoco-ar"], TEXTS["tanf-en"], None],
    })
    pq.write_table(table, root / "archive.parquet", row_group_size=3)
    return root


def corpus_paths(root: Path) -> list[str]:
    return [str(root / "news"), str(root / "wire.jsonl"), str(root / "monitor.csv"),
            str(root / "archive.parquet")]


SETTINGS = Settings(date=DEFAULT_DATE)


@pytest.fixture(scope="module", autouse=True)
def _one_gazetteer_cache(tmp_path_factory):
    """A cache folder of this module's own, filled before any worker starts.

    gazetteer.sources gives curated coordinates to 5 decimals when it reads its cache and in
    full when it has just built it, so a process that builds it and one that reads it would
    disagree in the 6th decimal: with the cache built first, every process reads it."""
    from gazetteer import Gazetteer

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("INCIDENT_MAPPER_CACHE", str(tmp_path_factory.mktemp("cache")))
        Gazetteer.bundled()
        yield


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    """A real two-process cluster, started once for the module, with the gazetteer plugin."""
    data = tmp_path_factory.mktemp("no-imports")
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                  dashboard_address=None, silence_logs=logging.ERROR) as cluster, \
            distributed.Client(cluster) as client:
        client.register_plugin(GazetteerPlugin(str(data)), name=PLUGIN_NAME)
        client.data_dir = str(data)   # for tests that register the plugin again
        yield client


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory):
    """The synchronous run in this process: drafts, merged incidents, failures."""
    from gazetteer import Gazetteer

    out = tmp_path_factory.mktemp("reference")
    gaz = Gazetteer.bundled()
    run_corpus(corpus_paths(corpus), out / "drafts.parquet", settings=SETTINGS, gazetteer=gaz,
               merge=False, failed=out / "failed.csv")
    run_corpus(corpus_paths(corpus), out / "incidents.parquet", settings=SETTINGS, gazetteer=gaz)
    return out


# --- readers -------------------------------------------------------------------------------------

def test_every_format_is_read_and_each_broken_document_is_listed_with_its_reason(corpus):
    docs, failures = read_documents(corpus_paths(corpus), SETTINGS)
    assert sorted(d.id for d in docs) == sorted([
        "news/shaddadi-ar.txt", "news/2024/2024-01-04-shaddadi-en.txt", "news/omar-ar.txt",
        "wire-1", "wire-2", "mon-1", "mon-2", "monitor.csv:row 5", "arc-1", "arc-2", "arc-3", "arc-4"])
    reasons = {f.document_id: f.reason for f in failures}
    assert reasons == {
        "news/broken.txt": "not UTF-8 text (byte 0)",
        "news/empty.txt": "no text",
        "news/scan.pdf": "not a corpus format (.pdf): expected .txt, .jsonl, .csv or .parquet",
        "wire.jsonl:line 3": "not JSON: Expecting value",
        "wire-4": "no column 'text'",
        "mon-3": "column 'date': bad date '06/01/2024' (expected YYYY-MM-DD)",
        "arc-5": "an empty 'text' column",
    }
    origins = {f.document_id: f.origin for f in failures}
    assert origins["arc-5"] == f"{corpus / 'archive.parquet'}:record 5"   # in the second row group
    assert origins["mon-3"] == f"{corpus / 'monitor.csv'}:row 4"


def test_text_files_take_their_date_from_the_header_then_the_name_then_the_option(corpus):
    docs, _ = read_documents([corpus / "news"], SETTINGS)
    by_id = {d.id: d for d in docs}
    header = by_id["news/shaddadi-ar.txt"]
    assert (header.published, header.url) == (dt.date(2024, 1, 3), "https://outlet-a.example/shaddadi")
    assert header.text.startswith("تعرضت") and "DATE" not in header.text   # the header is not text
    assert by_id["news/2024/2024-01-04-shaddadi-en.txt"].published == dt.date(2024, 1, 4)
    assert by_id["news/omar-ar.txt"].published == DEFAULT_DATE
    _, failures = read_documents([corpus / "news"], Settings())
    assert {f.document_id: f.reason for f in failures}["news/omar-ar.txt"].startswith("no date")


def test_table_columns_are_named_by_the_options(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_text(json.dumps({"doc": "x1", "body": TEXTS["shaddadi-en"], "day": "2024-01-04",
                                "link": "https://feed.example/x1"}) + "\n", encoding="utf-8")
    docs, failures = read_documents([path], Settings(Columns(text="body", date="day", url="link", id="doc")))
    assert failures == []
    assert [(d.id, d.published, d.url) for d in docs] == [("x1", dt.date(2024, 1, 4), "https://feed.example/x1")]


def test_parts_are_text_batches_table_files_and_parquet_row_groups(corpus):
    parts, _ = plan(corpus_paths(corpus))
    assert sorted((p.kind, len(p.paths), p.row_group, p.first_record) for p in parts) == [
        ("csv", 1, 0, 1), ("jsonl", 1, 0, 1), ("parquet", 1, 0, 1), ("parquet", 1, 1, 4), ("txt", 5, 0, 1)]


# --- the cluster -----------------------------------------------------------------------------------

def test_a_two_process_cluster_gives_exactly_the_drafts_of_the_synchronous_run(client, corpus, reference, tmp_path):
    summary = run_corpus(corpus_paths(corpus), tmp_path / "drafts.parquet", settings=SETTINGS,
                         client=client, merge=False, failed=tmp_path / "failed.csv")
    drafts = pq.read_table(tmp_path / "drafts.parquet")
    expected = pq.read_table(reference / "drafts.parquet")
    assert drafts.equals(expected)
    assert (tmp_path / "failed.csv").read_text(encoding="utf-8") == (reference / "failed.csv").read_text(encoding="utf-8")
    assert (summary.documents, summary.failed) == (12, 7)
    # The drafts are the corpus's: every document id that reported a strike, with its URL.
    ids = set(drafts.column("document_id").to_pylist())
    assert {"news/shaddadi-ar.txt", "wire-1", "mon-2", "arc-2"} <= ids
    row = drafts.filter(pa.compute.equal(drafts.column("document_id"), "news/shaddadi-ar.txt")).to_pylist()[0]
    assert (row["place_id"], row["date"], row["source_url"], row["place_kind"]) == (
        "site:shaddadi-base", "2024-01-02", "https://outlet-a.example/shaddadi", "site")


def test_the_cluster_merges_exactly_as_the_synchronous_run(client, corpus, reference, tmp_path):
    run_corpus(corpus_paths(corpus), tmp_path / "incidents.parquet", settings=SETTINGS, client=client)
    merged = pq.read_table(tmp_path / "incidents.parquet")
    assert merged.equals(pq.read_table(reference / "incidents.parquet"))
    rows = merged.to_pylist()
    shaddadi = [r for r in rows if r["place_id"] == "site:shaddadi-base"]
    assert len(shaddadi) == 1   # two outlets, a day apart, one incident
    assert shaddadi[0]["document_ids"] == ["news/shaddadi-ar.txt", "news/2024/2024-01-04-shaddadi-en.txt"]
    assert shaddadi[0]["date"] == "2024-01-02"
    # "Anbar province" (a governorate) and the airbase in it, the same morning: one row, at the base.
    asad = [r for r in rows if "mon-2" in r["document_ids"]]
    assert len(asad) == 1 and asad[0]["document_ids"] == ["mon-2", "monitor.csv:row 5"]
    assert (asad[0]["place_kind"], asad[0]["admin1"]) == ("site", "IQ-AN")
    assert sum(r["reports"] for r in rows) == pq.read_table(reference / "drafts.parquet").num_rows


def test_the_gazetteer_is_loaded_once_on_each_worker(client):
    loaded = client.run(lambda dask_worker: (dask_worker.plugins[PLUGIN_NAME].gazetteer is not None,
                                             dask_worker.plugins[PLUGIN_NAME].memory_bytes))
    assert len(loaded) == 2
    assert all(ok and memory > 1_000_000 for ok, memory in loaded.values())
    # Tasks find the worker's one gazetteer, the plugin's; none loads its own.
    plugin_objects = client.run(lambda dask_worker: id(dask_worker.plugins[PLUGIN_NAME].gazetteer))
    futures = client.map(lambda i: (distributed.get_worker().address, id(corpus_module.worker_gazetteer())),
                         range(8), pure=False)
    for address, object_id in client.gather(futures):
        assert object_id == plugin_objects[address]


def test_cli_extract_runs_on_a_running_scheduler_and_merge_gives_the_same_table(client, corpus, reference, tmp_path):
    address = client.scheduler.address
    runner = CliRunner()
    try:
        result = runner.invoke(main, ["--data-dir", client.data_dir, "extract", "--corpus",
                                      *corpus_paths(corpus), "--date", "2024-01-03", "--scheduler", address,
                                      "-o", str(tmp_path / "incidents.parquet"), "--failed",
                                      str(tmp_path / "failed.csv")])
        assert result.exit_code == 0, result.output
        assert pq.read_table(tmp_path / "incidents.parquet").equals(pq.read_table(reference / "incidents.parquet"))
        assert "12 documents, 7 could not be read" in result.stderr
        with open(tmp_path / "failed.csv", encoding="utf-8") as fh:
            assert len(list(csv.DictReader(fh))) == 7
        result = runner.invoke(main, ["--data-dir", client.data_dir, "merge", str(reference / "drafts.parquet"),
                                      "-o", str(tmp_path / "merged.parquet"), "--scheduler", address])
        assert result.exit_code == 0, result.output
        assert pq.read_table(tmp_path / "merged.parquet").equals(pq.read_table(reference / "incidents.parquet"))
    finally:   # the CLI takes its plugin off the shared cluster when it is done
        client.register_plugin(GazetteerPlugin(client.data_dir), name=PLUGIN_NAME)


def test_cli_refuses_an_unreachable_scheduler_with_exit_2(corpus, tmp_path):
    result = CliRunner().invoke(main, ["extract", "--corpus", str(corpus / "wire.jsonl"), "-o",
                                       str(tmp_path / "x.parquet"), "--scheduler", "tcp://127.0.0.1:9"])
    assert result.exit_code == 2
    assert "cannot reach the Dask scheduler" in result.stderr


# --- synchronous runs: geoparse, merge on its own, the map -----------------------------------------

def test_geoparse_corpus_gives_mentions_with_offsets_into_each_document(corpus, tmp_path, gazetteer):
    run_corpus([corpus / "wire.jsonl", corpus / "monitor.csv"], tmp_path / "mentions", task="geoparse",
               settings=Settings(require_date=False), gazetteer=gazetteer)
    mentions = pq.read_table(tmp_path / "mentions").to_pylist()   # a folder of part files
    docs, _ = read_documents([corpus / "wire.jsonl", corpus / "monitor.csv"], Settings(require_date=False))
    texts = {d.id: d.text for d in docs}
    assert "mon-3" in texts   # geoparse needs no date
    assert mentions and all(texts[m["document_id"]][m["start"]:m["end"]] == m["text"] for m in mentions)
    assert {"site:green-village-base", "place:albu-kamal"} <= {m["place_id"] for m in mentions}


def test_extracting_a_document_read_without_a_date_is_an_input_error_naming_it(tmp_path, gazetteer):
    from mapper.corpus import Part, process_part
    from mapper.errors import InputError

    path = tmp_path / "undated.txt"
    path.write_text("Drone strike on Albu Kamal.\n", encoding="utf-8")
    part = Part("txt", (str(path),), (str(tmp_path),), size=path.stat().st_size)
    with pytest.raises(InputError, match=r"undated\.txt: no date"):
        process_part(part, "extract", Settings(require_date=False), gazetteer)


def test_merged_table_renders_with_every_source_in_the_popups(reference, tmp_path):
    incidents = read_incidents(reference / "incidents.parquet")
    merged = [i for i in incidents if dict(i.extra)["document_ids"] == "mon-1; wire-2"]
    assert len(merged) == 1 and merged[0].location == "Albu Kamal"   # a CSV and a JSON Lines report
    sources = dict(merged[0].extra)["source_urls"].split("; ")
    assert sources == ["https://monitor.example/1", "https://wire.example/2"]
    assert merged[0].source_url == sources[0]
    result = CliRunner().invoke(main, ["render", str(reference / "incidents.parquet"), "-o",
                                       str(tmp_path / "map.html")])
    assert result.exit_code == 0, result.output
    html = (tmp_path / "map.html").read_text(encoding="utf-8")
    block = re.search(r'type="application/x-incidents(-deflated)?" id="im[0-9a-f]+-data">(.*?)</script>', html)
    data = decode_block(block.group(2), bool(block.group(1)))
    k = data["f"]["id"].index(merged[0].id)
    assert dict(data["x"])["source_urls"][k] == "; ".join(sources) and data["f"]["source_url"][k] == sources[0]
    result = CliRunner().invoke(main, ["report", str(reference / "incidents.parquet"), "-o",
                                       str(tmp_path / "brief.html")])
    assert result.exit_code == 0, result.output


def test_a_broken_parquet_table_is_an_input_error_naming_it(tmp_path):
    from mapper.errors import InputError

    path = tmp_path / "incidents.parquet"
    path.write_bytes(b"not parquet at all")
    with pytest.raises(InputError, match=r"incidents\.parquet: cannot read as Parquet"):
        read_incidents(path)


@pytest.mark.parametrize("args, words", [
    (["extract", "--corpus", "x.jsonl"], "--corpus needs -o OUTPUT"),
    (["geoparse", "--corpus", "-o", "m.parquet"], "--corpus needs one or more PATHS"),
    (["geoparse", "--corpus", "x.jsonl", "-o", "m.parquet", "--json"], "read one TEXTFILE, not a --corpus"),
    (["extract", "a.txt", "b.txt", "--date", "2024-01-03"], "give one TEXTFILE, or --corpus PATH..."),
    (["extract", "--corpus", "no-such-folder", "-o", "x.parquet", "--scheduler", "synchronous"],
     "no-such-folder: no such file or folder"),
    (["extract", "--corpus", "x.jsonl", "-o", "x.parquet", "--date", "03/01/2024"], "--date: bad date"),
    (["merge", "no-such.parquet", "-o", "x.parquet"], "no-such.parquet: no such file or folder"),
    (["extract", "--corpus", "x.jsonl", "-o", "x.parquet", "--source-url", "https://a.example"],
     "--source-url is for one TEXTFILE"),
])
def test_corpus_usage_errors_exit_2_with_one_line(args, words):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and words in lines[0], result.stderr


def test_geoparse_corpus_from_the_cli_writes_parquet_and_lists_failures(corpus, tmp_path):
    result = CliRunner().invoke(main, ["geoparse", "--corpus", str(corpus / "wire.jsonl"), "-o",
                                       str(tmp_path / "m.parquet"), "--scheduler", "synchronous",
                                       "--failed", str(tmp_path / "failed.csv")])
    assert result.exit_code == 0, result.output
    assert "2 documents, 2 could not be read" in result.stderr
    assert pq.read_table(tmp_path / "m.parquet").num_rows >= 2
    with open(tmp_path / "failed.csv", encoding="utf-8") as fh:
        assert [r["document_id"] for r in csv.DictReader(fh)] == ["wire.jsonl:line 3", "wire-4"]

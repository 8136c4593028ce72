"""The `incident-map` command line: a thin click layer over gazetteer and mapper."""

from __future__ import annotations

import errno
import json
import os
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

import click

from gazetteer import MIN_SCORE, Gazetteer, GazetteerError, Match

from .errors import InputError, MapperError, WriteError
from .output import all_or_nothing, check_distinct, write_text

# Exit codes of the contract: 0 success, 1 unresolved under --strict, 2 bad usage or input,
# 70 an internal error (EX_SOFTWARE of sysexits.h: a bug, shown with its traceback).
EXIT_UNRESOLVED = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 70

# The errors that are the user's to fix: the packages' own, raised on purpose.
USER_ERRORS = (GazetteerError, MapperError)


class UsageError(click.ClickException):
    """A user mistake: one clear line on stderr, exit code 2, no traceback."""

    exit_code = EXIT_USAGE

    def show(self, file=None) -> None:
        click.echo(f"incident-map: {self.format_message()}", err=True)


@contextmanager
def _exit_codes() -> Iterator[None]:
    """The one place where exceptions become exit codes (see USER_ERRORS and EXIT_*)."""
    try:
        yield
    except (click.exceptions.Exit, click.Abort, click.exceptions.NoArgsIsHelpError, UsageError):
        raise
    except click.ClickException as exc:   # click's usage errors: one line, not the usage text
        raise UsageError(exc.format_message()) from exc
    except USER_ERRORS as exc:
        raise UsageError(str(exc)) from exc
    except Exception as exc:
        if isinstance(exc, EOFError) or isinstance(exc, OSError) and exc.errno == errno.EPIPE:
            raise   # click's own handling: end of input aborts, a closed pipe ends quietly
        traceback.print_exc()
        click.echo(f"incident-map: internal error ({type(exc).__name__}); this is a bug, please "
                   "report it with the traceback above", err=True)
        raise click.exceptions.Exit(EXIT_INTERNAL) from exc


class _Cli(click.Group):
    """The `incident-map` group; parsing and every command run inside `_exit_codes`."""

    def make_context(self, info_name, args, parent=None, **extra) -> click.Context:
        with _exit_codes():
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: click.Context):
        with _exit_codes():
            return super().invoke(ctx)


@contextmanager
def _writing(path: str | Path) -> Iterator[None]:
    """An OSError about the file the user named becomes a WriteError naming it; an OSError
    about anything else is not the user's to fix and stays a bug."""
    try:
        yield
    except OSError as exc:
        if isinstance(exc, USER_ERRORS) or exc.errno in (None, errno.EPIPE):
            raise
        if exc.filename is not None and os.path.normpath(exc.filename) != os.path.normpath(path):
            raise
        raise WriteError(path, exc) from exc


def raw_cells_option(func):
    """--raw-cells: CSV and XLSX cells exactly as they were (see mapper.output.csv_cell)."""
    return click.option(
        "--raw-cells", is_flag=True,
        help="Write CSV/XLSX cells as they are: no ' before cells that start with = + - @ "
             "(which spreadsheet programs run as formulas), bidi controls kept.")(func)


@contextmanager
def _outputs(inputs: list[str | None], outputs: list[str | None]) -> Iterator[None]:
    """The files of one command: none of them an input or named twice, and written all
    together when the command succeeds, or none of them."""
    check_distinct(inputs, outputs)
    with all_or_nothing():
        yield


def _gazetteer(ctx: click.Context) -> Gazetteer:
    """The invocation's gazetteer, loaded once however many steps ask for it."""
    root = ctx.find_root()
    if "gazetteer" not in root.meta:
        data_dir = root.params.get("data_dir")
        root.meta["gazetteer"] = Gazetteer.default(Path(data_dir) if data_dir else None)
    return root.meta["gazetteer"]


@click.group(cls=_Cli, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--data-dir", type=click.Path(file_okay=False), envvar="INCIDENT_MAPPER_DATA",
              help="Folder of imported places (default: the user data folder).")
@click.version_option(package_name="incident-mapper")
def main(data_dir: str | None) -> None:
    """Resolve Syrian and Iraqi place names and map reported strikes."""


# --- resolve ---------------------------------------------------------------------------------

def match_json(match: Match, gazetteer: Gazetteer) -> dict:
    """The `match` object of the JSON contract (DESIGN.md), with the place's district."""
    return {**match.as_dict(), "admin2": gazetteer.admin2_of(match.place)}


def resolution_json(query: str, found: list[Match], match: Match | None, gazetteer: Gazetteer) -> dict:
    """One element of `resolve --json`: the query, the match or null, and the candidates."""
    others = list(match.candidates) if match else found
    return {"query": query, "match": match_json(match, gazetteer) if match else None,
            "candidates": [match_json(m, gazetteer) for m in others]}


def _describe(match: Match) -> str:
    p = match.place
    where = ", ".join(x for x in (p.kind + (f"/{p.feature}" if p.feature else ""), p.admin1 or p.country) if x)
    text = (f"{p.name} ({p.id})  {p.lat:.4f}, {p.lon:.4f} ±{p.radius_km:g} km  [{where}]  "
            f"score {match.score:.2f} {match.method}")
    return text + ("  AMBIGUOUS" if match.ambiguous else "")


@main.command()
@click.argument("names", nargs=-1)
@click.option("--country", help="Country hint: ISO code or name (SY, SYR, 760, Syria).")
@click.option("--admin1", help="Governorate hint: ISO 3166-2 code or name (SY-HA, Hasakah).")
@click.option("--countries", callback=lambda c, p, v: _countries(c, v),
              help="Working area, comma-separated ISO codes (default SY,IQ): weak matches "
                   "outside it are candidates, never answers.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON array, an object per name.")
@click.option("--input", "input_path", type=click.Path(dir_okay=False),
              help="Resolve a column of a CSV, XLSX or Parquet table instead of NAMES.")
@click.option("--column", help="With --input: the column holding the place names.")
@click.option("--output", type=click.Path(dir_okay=False),
              help="With --input: write the table here (CSV, XLSX or GeoParquet) instead of stdout.")
@click.option("--strict", is_flag=True, help="Exit 1 when any name stays unresolved.")
@raw_cells_option
@click.pass_context
def resolve(ctx, names, country, admin1, countries, as_json, input_path, column, output,
            strict, raw_cells) -> None:
    """Resolve place names to places, with score, method and ambiguity."""
    gaz = _gazetteer(ctx)
    # A hint given once for every name is checked once, before any work.
    country = gaz.country_code(country) if country else None
    admin1 = gaz.admin1_code(admin1, country) if admin1 else None
    if input_path:
        if names:
            raise UsageError("give NAMES or --input, not both")
        if not column:
            raise UsageError("--input needs --column (the column of place names)")
        from .batch import resolve_table

        with _writing(output) if output else nullcontext(), _outputs([input_path], [output]):
            unresolved = resolve_table(gaz, Path(input_path), column, output and Path(output),
                                       country=country, admin1=admin1, countries=countries,
                                       raw_cells=raw_cells)
    else:
        if not names:
            raise UsageError("give one or more NAMES, or --input FILE --column COL")
        results = []
        for name in names:
            found = gaz.candidates(name, country=country, admin1=admin1, countries=countries)
            results.append((name, found, found[0] if found and found[0].score >= MIN_SCORE else None))
        unresolved = sum(1 for _, _, m in results if m is None)
        if as_json:
            click.echo(json.dumps([resolution_json(q, f, m, gaz) for q, f, m in results], ensure_ascii=False,
                                  indent=2))
        else:
            for query, found, match in results:
                if match:
                    click.echo(f"{query}  ->  {_describe(match)}")
                    others = list(match.candidates[:3]) if match.ambiguous else []
                else:
                    click.echo(f"{query}  ->  no match")
                    others = found[:3]
                for other in others:
                    click.echo(f"    or {_describe(other)}")
    if strict and unresolved:
        ctx.exit(EXIT_UNRESOLVED)


# --- geoparse --------------------------------------------------------------------------------

def _read_text(path: str) -> str:
    """The text of a file the user named; raises InputError naming it when it cannot be read."""
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(path, f"cannot read as UTF-8 text: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise InputError(path, f"cannot read as UTF-8 text: {exc}") from exc


def corpus_options(func):
    """Options of `extract --corpus` and `geoparse --corpus`: output, cluster, columns, failures."""
    options = [
        click.option("--corpus", is_flag=True,
                     help="Read PATHS as a corpus: folders and files of .txt, .jsonl, .csv and "
                          ".parquet documents, run on Dask; write Parquet to -o."),
        click.option("--scheduler", metavar="ADDR",
                     help="With --corpus: a running Dask scheduler (tcp://HOST:8786); default a "
                          "local cluster, a process per core; 'synchronous' runs in this process."),
        click.option("--failed", "failed_path", type=click.Path(dir_okay=False),
                     help="With --corpus: write the documents that could not be read, and why (CSV)."),
        click.option("--text-column", default="text", show_default=True,
                     help="With --corpus: the column of JSON Lines, CSV and Parquet holding the text."),
        click.option("--date-column", default="date", show_default=True,
                     help="With --corpus: the column holding the publication date."),
        click.option("--url-column", default="url", show_default=True,
                     help="With --corpus: the column holding the document's address."),
        click.option("--id-column", default="id", show_default=True,
                     help="With --corpus: the column holding the document's id."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _run_corpus(ctx, paths, output, *, task: str, published, country, scheduler, failed_path,
                columns: dict[str, str], merge: bool) -> None:
    """`extract --corpus` / `geoparse --corpus`: the corpus on Dask, Parquet out, one line said."""
    from .corpus import Columns, Settings, cluster, run_corpus

    if not paths:
        raise UsageError("--corpus needs one or more PATHS (folders or files)")
    if not output:
        raise UsageError("--corpus needs -o OUTPUT (a .parquet file, or a folder for part files)")
    settings = Settings(Columns(**columns), published, country.upper() if country else None,
                        require_date=task == "extract")
    data_dir = ctx.find_root().params.get("data_dir")
    with cluster(scheduler, data_dir=data_dir) as client:
        summary = run_corpus(paths, output, task=task, settings=settings, client=client,
                             gazetteer=_gazetteer(ctx) if client is None else None, merge=merge,
                             failed=failed_path, progress=sys.stderr.isatty())
    what = {"geoparse": "place mentions", "extract": "incidents" if merge else "draft incidents"}[task]
    click.echo(summary.line(what) + f", written to {output}", err=True)
    if summary.failed and not failed_path:
        click.echo(f"{summary.failed} documents could not be read: list them with --failed FILE", err=True)


def _columns(text_column, date_column, url_column, id_column) -> dict[str, str]:
    return {"text": text_column, "date": date_column, "url": url_column, "id": id_column}


def _one_textfile(paths: tuple[str, ...]) -> str:
    if len(paths) != 1:
        raise UsageError("give one TEXTFILE, or --corpus PATH... for many documents"
                         if paths else "Missing argument 'TEXTFILE' (or --corpus PATH...)")
    return paths[0]


@main.command()
@click.argument("paths", nargs=-1, metavar="TEXTFILE | --corpus PATH...")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON array of mentions.")
@click.option("--html", "html_out", type=click.Path(dir_okay=False),
              help="Write the text with mentions highlighted beside a map of them.")
@click.option("--country", help="Country hint for every mention (SY, IQ).")
@click.option("--admin1", help="Governorate hint for every mention.")
@click.option("-o", "--output", type=click.Path(), help="With --corpus: the mentions' Parquet file or folder.")
@corpus_options
@click.pass_context
def geoparse(ctx, paths, as_json, html_out, country, admin1, output, corpus, scheduler, failed_path,
             text_column, date_column, url_column, id_column) -> None:
    """Find and resolve the places a text names (Arabic or English), or a corpus's (--corpus)."""
    if corpus:
        if as_json or html_out or admin1:
            raise UsageError("--json, --html and --admin1 read one TEXTFILE, not a --corpus")
        _run_corpus(ctx, paths, output, task="geoparse", published=None, country=country,
                    scheduler=scheduler, failed_path=failed_path, merge=False,
                    columns=_columns(text_column, date_column, url_column, id_column))
        return
    if output:
        raise UsageError("-o writes a --corpus's mentions; for one TEXTFILE use --json or --html")
    textfile = _one_textfile(paths)
    check_distinct([textfile], [html_out])
    text = _read_text(textfile)
    hints = {k: v for k, v in (("country", country), ("admin1", admin1)) if v}
    mentions = _gazetteer(ctx).geoparser().parse(text, hints=hints)
    if html_out:
        from .geoparse_html import write_geoparse_html

        with _writing(html_out):
            write_geoparse_html(text, mentions, Path(html_out), title=Path(textfile).name)
    if as_json:
        click.echo(json.dumps([m.as_dict() for m in mentions], ensure_ascii=False, indent=2))
        return
    for m in mentions:
        where = _describe(m.match) if m.match else "unresolved"
        click.echo(f"{m.start:>6}-{m.end:<6} {m.text}  ->  {where}")
    if not mentions:
        click.echo("no place mentions found", err=True)


# --- extract ---------------------------------------------------------------------------------

def _day(value: str, option: str = "--date"):
    import datetime as dt
    import re

    from .extract import check_published

    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError(value)
        day = dt.date.fromisoformat(value)
    except ValueError as exc:
        raise UsageError(f"{option}: bad date {value!r} (expected YYYY-MM-DD)") from exc
    try:
        check_published(day)
    except ValueError as exc:
        raise UsageError(f"{option}: {exc}: give the day the text was published") from exc
    return day


@main.command()
@click.argument("paths", nargs=-1, metavar="TEXTFILE | --corpus PATH...")
@click.option("--date", "published", metavar="YYYY-MM-DD",
              help="Publication date of the text: relative dates ('أمس', 'on Tuesday') count from it. "
                   "With --corpus: the date of documents that give none.")
@click.option("--source-url", default="", help="Address of the article, copied into every row.")
@click.option("-o", "--output", type=click.Path(),
              help="Write the drafts here as CSV (default: stdout); with --corpus the incidents' "
                   "Parquet file or folder.")
@click.option("--country", help="Country hint for the places (SY, IQ).")
@click.option("--no-merge", is_flag=True,
              help="With --corpus: write every document's drafts, not merged into incidents.")
@raw_cells_option
@corpus_options
@click.pass_context
def extract(ctx, paths, published, source_url, output, country, no_merge, raw_cells, corpus,
            scheduler, failed_path, text_column, date_column, url_column, id_column) -> None:
    """Draft incidents from an article: one row per reported strike or attack, for review.

    With --corpus, over an archive on Dask, the drafts of one incident merged into one row
    (see `incident-map merge`)."""
    from .extract import drafts_csv, write_drafts
    from .extract import extract as extract_drafts

    if corpus:
        if source_url:
            raise UsageError("--source-url is for one TEXTFILE; a corpus gives each document's "
                             "address (a URL: header line, or --url-column)")
        _run_corpus(ctx, paths, output, task="extract", published=_day(published) if published else None,
                    country=country, scheduler=scheduler, failed_path=failed_path,
                    merge=not no_merge, columns=_columns(text_column, date_column, url_column, id_column))
        return
    textfile = _one_textfile(paths)
    if not published:
        raise UsageError("Missing option '--date' (the publication date of TEXTFILE, YYYY-MM-DD)")
    day = _day(published)
    check_distinct([textfile], [output])
    text = _read_text(textfile)
    drafts = extract_drafts(text, day, gazetteer=_gazetteer(ctx), source_url=source_url,
                            country=country.upper() if country else None)
    if output:
        write_drafts(drafts, output, raw_cells=raw_cells)
    else:
        click.echo(drafts_csv(drafts, raw_cells=raw_cells), nl=False)
    click.echo(f"{len(drafts)} draft incidents from {textfile}" + (f" written to {output}" if output else ""),
               err=True)


@main.command()
@click.argument("drafts", type=click.Path())
@click.option("-o", "--output", required=True, type=click.Path(),
              help="The incidents' Parquet file (.parquet) or folder.")
@click.option("--scheduler", metavar="ADDR",
              help="A running Dask scheduler (tcp://HOST:8786) to merge on; default this process.")
@click.pass_context
def merge(ctx, drafts, output, scheduler) -> None:
    """Merge the drafts of one incident from several documents into one row (Parquet in and out).

    The rules (type family, place, date window, how place, outcome and tolls are reconciled)
    are documented at the top of mapper/merge.py."""
    from .corpus import cluster, merge_drafts, read_drafts, schema_of, write_parquet
    from .merge import MERGED_COLUMNS

    table = read_drafts(drafts, _gazetteer(ctx))
    with cluster(scheduler or "synchronous", data_dir=ctx.find_root().params.get("data_dir")) as client:
        merged = merge_drafts(table, client)
    write_parquet([merged], output, schema_of(MERGED_COLUMNS))
    click.echo(f"{table.num_rows} drafts merged into {merged.num_rows} incidents, written to {output}",
               err=True)


# --- render and report -----------------------------------------------------------------------

def _size(value: str) -> tuple[float, float]:
    try:
        width, height = (float(v) for v in value.lower().replace("x", ",").split(","))
    except ValueError:
        raise click.BadParameter(f"{value!r}: give WIDTH,HEIGHT in inches, e.g. 10,8") from None
    if not (1 <= width <= 60 and 1 <= height <= 60):   # what static.map_figure draws
        raise click.BadParameter(f"{value!r}: width and height must be between 1 and 60 inches")
    return width, height


def _extent(value: str):
    if value.strip().lower() == "auto":   # the default: no need of matplotlib for an HTML map
        return "auto"
    from .static import parse_extent

    try:
        return parse_extent(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _countries(ctx: click.Context, value: str | None) -> tuple[str, ...] | None:
    """--countries as ISO2 codes, checked against the gazetteer's countries."""
    if not value:
        return None
    gaz = _gazetteer(ctx)
    try:
        return tuple(gaz.country_code(c) for c in value.split(",") if c.strip())
    except GazetteerError as exc:
        raise click.BadParameter(str(exc)) from None


def _reader_option(ctx: click.Context, param: click.Parameter, value):
    """Keep a reader option (--columns, --date-format, --dayfirst, --on-bad-rows) in the
    invocation's ReadOptions, which `_located_result` reads with."""
    from dataclasses import replace

    from .profiles import parse_columns
    from .validate import ReadOptions

    options = ctx.meta.get("read_options") or ReadOptions()
    if param.name == "columns":
        try:
            value = parse_columns(value) if value else ()
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None
    ctx.meta["read_options"] = replace(options, **{param.name: value})
    return value


def map_options(func):
    """Options shared by `render` and `report`: how incidents are read, located and drawn."""
    reader: dict[str, Any] = {"expose_value": False, "callback": _reader_option}
    options = [
        click.argument("incidents", type=click.Path()),
        click.option("--columns", **reader, metavar="FIELD=COLUMN,...",
                     help="Which column holds which field, for a table in other columns: "
                          "date=event_day,location=village (ACLED and UCDP GED exports are "
                          "recognised without it)."),
        click.option("--date-format", **reader, metavar="FORMAT",
                     help="How the dates are written, tried first (strptime: %d.%m.%Y)."),
        click.option("--dayfirst", **reader, is_flag=True,
                     help="Dates such as 03/01/2024 are day/month/year (else they are refused "
                          "as ambiguous)."),
        click.option("--on-bad-rows", **reader, type=click.Choice(["error", "review"]),
                     default="error", show_default=True,
                     help="error: refuse the table, listing every problem; review: send each "
                          "unreadable row to the review file with its reason, and map the rest."),
        click.option("--self-contained", is_flag=True,
                     help="Inline every script and style, with an offline outline basemap."),
        click.option("--title", default=None, help="Title (default: the file's name)."),
        click.option("--color-by", default="actor", show_default=True, metavar="COLUMN",
                     help="What the marker colours show: actor, outcome, event_type or any "
                          "column of the table (its 7 most frequent values get colours, the "
                          "rest share grey)."),
        click.option("--areas", type=click.Choice(["admin1", "admin2"]), default=None,
                     help="Add a choropleth of the governorates (admin1) or districts (admin2)."),
        click.option("--measure", type=click.Choice(["incidents", "fatalities"]),
                     default="incidents", show_default=True,
                     help="With --areas: what the areas are coloured by."),
        click.option("--size-by", type=click.Choice(["fatalities"]), default=None,
                     help="Size the markers by fatalities (area follows the toll, capped at "
                          "100: 14 to 40 px)."),
        click.option("--basemap", type=click.Choice(["light", "street", "satellite", "none"]),
                     default="light", show_default=True,
                     help="Tiles shown first; 'none' draws country outlines only."),
        click.option("--located", "located_path", type=click.Path(dir_okay=False),
                     help="Also write the mapped incidents (.geojson, .csv or .parquet)."),
        click.option("--review", "review_path", type=click.Path(dir_okay=False),
                     help="Also write the rows to review (.csv): unresolved, ambiguous, low score."),
        click.option("--strict", is_flag=True,
                     help="Exit 1 when any row is unresolved or mapped with doubt."),
        click.option("--countries", callback=lambda c, p, v: _countries(c, v),
                     help="Working area, comma-separated ISO codes (default SY,IQ)."),
        click.option("--labels", type=click.Choice(["ar", "en", "none"]), default="ar",
                     show_default=True, help="PNG/SVG/PDF: site labels in Arabic, English or none."),
        click.option("--dpi", type=click.IntRange(50, 1200), default=200, show_default=True,
                     help="PNG/SVG/PDF: dots per inch."),
        click.option("--size", "size", default="10,8", show_default=True, callback=lambda c, p, v: _size(v),
                     help="PNG/SVG/PDF: WIDTH,HEIGHT in inches."),
        click.option("--extent", default="auto", show_default=True, callback=lambda c, p, v: _extent(v),
                     help="PNG/SVG/PDF: auto, syria, iraq or MINLON,MINLAT,MAXLON,MAXLAT."),
        click.option("--tiles", is_flag=True,
                     help="PNG/SVG/PDF: a tile background when online (outlines otherwise)."),
        raw_cells_option,
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _located_result(ctx, incidents: str, located_path: str | None, review_path: str | None,
                    countries: tuple[str, ...] | None, raw_cells: bool):
    """The incidents located, and the --located and --review files written (to be put in
    place with the map, by the command's `_outputs`)."""
    from .columns import lean_memory
    from .incidents import read_incident_columns
    from .locate import locate, write_located, write_review

    lean_memory()  # the process is the command's own: its allocators may be tuned (not a host's)
    columns = read_incident_columns(incidents, ctx.meta.get("read_options"))
    result = locate(columns, _gazetteer(ctx), countries=countries)
    if located_path:
        with _writing(located_path):
            write_located(result, located_path, raw_cells=raw_cells)
    if review_path:
        with _writing(review_path):
            write_review(result, review_path, raw_cells=raw_cells)
    return result


def _check_color_by(result, color_by: str) -> str:
    """--color-by as the column of the table it names; a UsageError listing them if none."""
    from .style import check_color_by

    try:
        return check_color_by(result.located, color_by)
    except ValueError as exc:
        raise UsageError(f"--color-by: {exc}".replace("color_by: ", "")) from None


def _finish(ctx, result, strict: bool) -> None:
    click.echo(result.summary())
    if strict and result.review:
        ctx.exit(EXIT_UNRESOLVED)


@main.command()
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="The map to write: .html, .png, .svg or .pdf.")
@click.option("--fragment", is_flag=True,
              help="HTML: write a piece of HTML to paste into a report page (no html/head/body).")
@map_options
@click.pass_context
def render(ctx, incidents, output, fragment, self_contained, title, color_by, areas, measure,
           size_by, basemap, located_path, review_path, strict, countries, labels, dpi, size,
           extent, tiles, raw_cells) -> None:
    """Map an incident table (CSV, TSV, XLSX, GeoJSON, JSON Lines, Parquet): interactive or static."""
    out = Path(output)
    kind = out.suffix.lower()
    if kind not in (".html", ".htm", ".png", ".svg", ".pdf"):
        raise UsageError(f"{output}: write the map as .html, .png, .svg or .pdf, not "
                         f"{out.suffix or '(no extension)'!r}")
    title = title or Path(incidents).stem
    with _writing(output), _outputs([incidents], [output, located_path, review_path]):
        result = _located_result(ctx, incidents, located_path, review_path, countries, raw_cells)
        color_by = _check_color_by(result, color_by)
        analysis = {"areas": areas, "measure": measure, "size_by": size_by}
        if kind in (".png", ".svg", ".pdf"):
            from .static import render_static

            drawn = render_static(result, out, title=title, labels=labels, dpi=dpi, size=size,
                                  extent=extent, tiles=tiles, color_by=color_by,
                                  gazetteer=_gazetteer(ctx), **analysis)
            for note in drawn.notes:
                click.echo(f"note: {note}", err=True)
        else:
            from .html import IncidentMap

            m = IncidentMap(result, title=title, color_by=color_by, basemap=basemap,
                            self_contained=self_contained, **analysis)
            if fragment:
                write_text(out, m.to_fragment())
            else:
                m.save(out)
    _finish(ctx, result, strict)


@main.command()
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="The brief to write: .html (one page) or .pdf (map and table).")
@map_options
@click.pass_context
def report(ctx, incidents, output, self_contained, title, color_by, areas, measure, size_by,
           basemap, located_path, review_path, strict, countries, labels, dpi, size, extent,
           tiles, raw_cells) -> None:
    """A one-page brief: map, timeline, sortable table, totals, review list and sources."""
    from .report import write_report

    out = Path(output)
    if out.suffix.lower() not in (".html", ".htm", ".pdf"):
        raise UsageError(f"{output}: write the brief as .html or .pdf")
    with _writing(output), _outputs([incidents], [output, located_path, review_path]):
        result = _located_result(ctx, incidents, located_path, review_path, countries, raw_cells)
        color_by = _check_color_by(result, color_by)
        write_report(result, out, title=title or Path(incidents).stem, self_contained=self_contained,
                     color_by=color_by, basemap=basemap, gazetteer=_gazetteer(ctx), areas=areas,
                     measure=measure, size_by=size_by,
                     **({"labels": labels, "dpi": dpi, "extent": extent, "tiles": tiles}
                        if out.suffix.lower() == ".pdf" else {}))
    _finish(ctx, result, strict)


# --- gazetteer -------------------------------------------------------------------------------

@main.group()
def gazetteer() -> None:
    """Show, extend and update the place index."""


@gazetteer.command()
@click.pass_context
def info(ctx) -> None:
    """Show the sources of the index and how many places each gave."""
    from gazetteer.sources import user_data_dir

    gaz = _gazetteer(ctx)
    data_dir = ctx.find_root().params.get("data_dir") or user_data_dir()
    for label, count in gaz.sources:
        click.echo(f"{count:>8}  {label}")
    click.echo(f"{len(gaz):>8}  places in all (user data: {data_dir})")
    click.echo("Place data: GeoNames (CC-BY 4.0), Who's On First (CC-BY), OurAirports, and the project's "
               "curated tables; boundaries: Who's On First / Mesoshapes (CC0).")


@gazetteer.command(name="import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.pass_context
def import_(ctx, paths) -> None:
    """Import GeoNames country dumps (.txt or .zip) or CSVs of your own sites."""
    from gazetteer.sources import import_file, user_data_dir

    data_dir = Path(ctx.find_root().params.get("data_dir") or user_data_dir())
    for path in paths:
        stored, count = import_file(Path(path), data_dir)
        click.echo(f"imported {count} places from {path} into {stored}")


@gazetteer.command()
@click.option("--countries", default="SY,IQ,JO,LB,TR,IR,KW,SA,IL,PS", show_default=True,
              help="Comma-separated ISO codes of the GeoNames dumps to fetch.")
@click.option("--base-url", envvar="INCIDENT_MAPPER_GEONAMES_URL",
              default="https://download.geonames.org/export/dump/", show_default=True,
              help="Where the <CC>.zip dumps are served.")
@click.pass_context
def update(ctx, countries, base_url) -> None:
    """Download the GeoNames country dumps and import them."""
    from gazetteer.sources import download_dump, import_file, user_data_dir

    data_dir = Path(ctx.find_root().params.get("data_dir") or user_data_dir())
    for code in (c.strip().upper() for c in countries.split(",") if c.strip()):
        path = download_dump(base_url, code, data_dir / "downloads")
        stored, count = import_file(path, data_dir)
        click.echo(f"{code}: {count} places into {stored}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

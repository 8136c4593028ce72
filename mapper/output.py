"""Every file the tool writes, written whole or not at all; and cells made safe for spreadsheets.

A file is written to a temporary file in its own folder, flushed to disk and renamed over
the old one only when complete, so a failed or killed run leaves the earlier file as it was.
On Linux the temporary file has no name until that moment (O_TMPFILE), so not even a kill -9
leaves one behind; elsewhere it is a hidden `.NAME.XXXXXX.tmp`, removed on any error, Ctrl-C
or SIGTERM.

Inside `all_or_nothing()` (one per command) the renames wait until the block ends without an
error, so the outputs of one command appear together or none does (not run as a doctest:
it writes files):

>>> with all_or_nothing():                                   # doctest: +SKIP
...     write_text("located.csv", located)
...     with atomic_write("map.png", "wb") as out:
...         figure.savefig(out, format="png")

A file that is not a regular file (a device such as /dev/stdout, a pipe) is written as it is
when the block ends: it cannot be replaced.

Cells of CSV and XLSX outputs go through `csv_cell`: a text that a spreadsheet program would
run as a formula (OWASP: starting with = + - @, tab or carriage return) gets a leading `'`,
and bidi embedding, override and isolate controls (U+202A-U+202E, U+2066-U+2069), which can make
a cell read backwards, are dropped. `raw=True` (the `--raw-cells` option) keeps cells as they
were.
"""

from __future__ import annotations

import contextvars
import csv
import errno
import os
import re
import shutil
import signal
import stat
import tempfile
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from gazetteer.files import TempFile

from .errors import OutputError, WriteError

__all__ = ["BIDI_CONTROLS", "Batch", "all_or_nothing", "atomic_write", "check_distinct",
           "csv_cell", "strip_bidi", "write_bytes", "write_csv", "write_text", "write_xlsx",
           "xlsx_cell"]

# Embeddings, overrides and isolates: the characters of "Trojan Source" spoofing. The marks
# U+200E, U+200F and U+061C stay: they only set the direction of neutral characters nearby.
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_BIDI = re.compile(f"[{BIDI_CONTROLS}]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A plain number ("-35.5", "+1e3") is no formula: left as it is, so that coordinates and counts
# stay numbers in a spreadsheet and in this tool's own readers.
_NUMBER = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")
# Characters XML 1.0 cannot hold, so an .xlsx cannot either (openpyxl refuses them).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SIGTERM_EXIT = 128 + signal.SIGTERM

_BATCH: contextvars.ContextVar[Batch | None] = contextvars.ContextVar("mapper_output_batch",
                                                                     default=None)


# --- cells -------------------------------------------------------------------------------------

def strip_bidi(text: str) -> str:
    """`text` without bidi embedding, override and isolate controls.

    >>> strip_bidi("\u202eevil actor")
    'evil actor'
    """
    return _BIDI.sub("", text)


def csv_cell(value: Any, raw: bool = False) -> Any:
    """A value as a CSV cell a spreadsheet opens safely: text that would start a formula
    gets a leading `'`, bidi controls are dropped; numbers and None pass unchanged.

    >>> csv_cell("=HYPERLINK(\\"http://x\\")"), csv_cell("-35.5"), csv_cell(-35.5)
    ('\\'=HYPERLINK("http://x")', '-35.5', -35.5)
    """
    if raw or not isinstance(value, str):
        return value
    value = strip_bidi(value)
    if value.startswith(_FORMULA_START) and not _NUMBER.match(value):
        return "'" + value
    return value


def xlsx_cell(value: Any, raw: bool = False) -> Any:
    """A value as an XLSX cell: text without bidi controls (unless `raw`) and without the
    control characters XML cannot hold (as U+FFFD). `write_xlsx` stores it as text, never as
    a formula."""
    if not isinstance(value, str):
        return value
    return _XML_ILLEGAL.sub("\ufffd", value if raw else strip_bidi(value))


def write_csv(out: IO[str], rows: Iterable[Sequence[Any]], *, raw: bool = False,
              delimiter: str = ",", lineterminator: str = "\r\n") -> None:
    """Write rows (the header first) to an open text file through `csv_cell`."""
    writer = csv.writer(out, delimiter=delimiter, lineterminator=lineterminator)
    for row in rows:
        writer.writerow([csv_cell(v, raw) for v in row])


def write_xlsx(out: IO[bytes], rows: Iterable[Sequence[Any]], *, raw: bool = False) -> None:
    """Write rows (the header first) as the one sheet of a workbook. Every text is stored as
    text: one starting with `=` is shown as written, never computed."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=xlsx_cell(value, raw))
            if isinstance(cell.value, str) and cell.data_type != "s":
                cell.data_type = "s"   # openpyxl takes "=..." for a formula
            cells.append(cell)
        sheet.append(cells)
    book.save(out)


# --- files -------------------------------------------------------------------------------------

class _Temp:
    """A file being written for `path` (`gazetteer.files.TempFile`, beside the file it
    replaces); or, for a path that is no regular file, anywhere, to be copied into it at the
    end. Raises WriteError naming `path`."""

    def __init__(self, path: Path, file: TempFile, stream: bool) -> None:
        self.path = path            # as the user named it, for messages
        self.file = file
        self.target = file.target   # symlinks followed
        self.stream = stream

    @classmethod
    def create(cls, path: Path) -> _Temp:
        try:
            info = path.stat()
        except FileNotFoundError:
            info = None
        except OSError as exc:
            raise WriteError(path, exc) from exc
        if info is not None and stat.S_ISDIR(info.st_mode):
            raise WriteError(path, "it is a folder")
        if info is not None and not stat.S_ISREG(info.st_mode):
            # /dev/stdout, a pipe: written through, as named, when the file is complete
            stream_fd, stream_name = tempfile.mkstemp(prefix="incident-mapper-", suffix=".tmp")
            return cls(path, TempFile(path, stream_fd, Path(stream_name)), stream=True)
        # A link to a file: the file it points to is replaced, the link stays.
        target = Path(os.path.realpath(path))
        if info is not None and not os.access(target, os.W_OK):
            raise WriteError(path, "permission denied (the file is read-only)")
        if not target.parent.is_dir():
            raise WriteError(path, f"no such folder: {target.parent}")
        try:
            file = TempFile.beside(target, mode=stat.S_IMODE(info.st_mode) if info is not None else None)
        except OSError as exc:
            raise WriteError(path, exc) from exc
        return cls(path, file, stream=False)

    def open(self, mode: str, encoding: str | None, newline: str | None) -> IO[Any]:
        try:
            return self.file.open(mode, encoding, newline)
        except OSError as exc:
            raise WriteError(self.path, exc) from exc

    def link(self) -> Path | None:
        """Give an unnamed file its temporary name, next to the target; the name (None for a
        stream, which is copied, not renamed)."""
        return None if self.stream else self.file.link()

    def commit(self) -> None:
        """Put the finished file in place; the temporary one is gone afterwards."""
        try:
            if self.stream:
                source = self.file.live_fd()
                os.lseek(source, 0, os.SEEK_SET)
                with os.fdopen(os.dup(source), "rb") as src, open(self.target, "wb") as dst:
                    shutil.copyfileobj(src, dst)
            else:
                self.file.commit()
        except OSError as exc:
            raise WriteError(self.path, exc) from exc
        finally:
            self.discard()

    def discard(self) -> None:
        """Remove the temporary file (nothing to remove for an unnamed one once closed)."""
        self.file.discard()


_WRITE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EROFS}


@contextmanager
def atomic_write(path: str | Path, mode: str = "w", *, encoding: str = "utf-8",
                 newline: str | None = None, alone: bool = False) -> Iterator[IO[Any]]:
    """An open file (text, or bytes with mode "wb") that becomes `path` when the block ends
    without an error, and leaves `path` as it was otherwise. Inside `all_or_nothing` it
    becomes `path` when that block ends, unless `alone` (a cache, not an output of the
    command, needed at once). Raises WriteError naming `path` when the file cannot be
    written (no such folder, no permission, a full disk)."""
    if mode not in ("w", "wb"):
        raise ValueError(f"mode must be 'w' or 'wb', not {mode!r}")
    path = Path(path)
    batch = None if alone else _BATCH.get()
    with _sigterm_raises():
        temp = _Temp.create(path)
        try:
            with temp.open(mode, encoding, newline) as out:
                yield out
                out.flush()
                if not temp.stream:
                    os.fsync(out.fileno())
        except BaseException as exc:
            temp.discard()
            if isinstance(exc, OSError) and not isinstance(exc, WriteError) \
                    and exc.errno in _WRITE_ERRNOS and exc.filename is None:
                raise WriteError(path, exc) from exc   # a write to the temporary file failed
            raise
        if batch is not None:
            batch.add(temp)
        else:
            temp.commit()


def write_text(path: str | Path, text: str, *, encoding: str = "utf-8",
               newline: str | None = None, alone: bool = False) -> Path:
    """Write `text` to `path` whole or not at all (see `atomic_write`)."""
    with atomic_write(path, "w", encoding=encoding, newline=newline, alone=alone) as out:
        out.write(text)
    return Path(path)


def write_bytes(path: str | Path, data: bytes, *, alone: bool = False) -> Path:
    """Write `data` to `path` whole or not at all (see `atomic_write`)."""
    with atomic_write(path, "wb", alone=alone) as out:
        out.write(data)
    return Path(path)


class Batch:
    """The files of one `all_or_nothing` block, written and waiting to be put in place."""

    def __init__(self) -> None:
        self._temps: list[_Temp] = []

    def add(self, temp: _Temp) -> None:
        for other in self._temps:
            if other.target == temp.target:
                temp.discard()
                raise OutputError(f"{temp.path}: written twice by one command")
        self._temps.append(temp)

    def commit(self) -> None:
        """Name every file next to its target first, then rename them all: what can fail
        (links, space for names) fails before any target is touched. Devices and pipes are
        written first: a full /dev/full then stops the command before any rename."""
        self._temps.sort(key=lambda t: not t.stream)
        try:
            for temp in self._temps:
                try:
                    temp.link()
                except OSError as exc:
                    raise WriteError(temp.path, exc) from exc
        except BaseException:
            self.discard()
            raise
        temps, self._temps = self._temps, []
        for k, temp in enumerate(temps):
            try:
                temp.commit()
            except BaseException:
                for rest in temps[k + 1:]:
                    rest.discard()
                raise

    def discard(self) -> None:
        for temp in self._temps:
            temp.discard()
        self._temps = []


@contextmanager
def all_or_nothing() -> Iterator[Batch]:
    """A block whose files (written with `atomic_write` and the functions built on it) are
    all put in place when it ends without an error, and none otherwise."""
    if _BATCH.get() is not None:   # already inside one: the outer block decides
        yield _BATCH.get()         # type: ignore[misc]
        return
    batch = Batch()
    token = _BATCH.set(batch)
    try:
        with _sigterm_raises():
            try:
                yield batch
            except BaseException:
                batch.discard()
                raise
            batch.commit()
    finally:
        _BATCH.reset(token)


@contextmanager
def _sigterm_raises() -> Iterator[None]:
    """SIGTERM as SystemExit(143) while files are written, so that the temporary files are
    removed on the way out (by default SIGTERM ends the process where it stands)."""
    if threading.current_thread() is not threading.main_thread() \
            or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        yield
        return

    def terminate(signum: int, frame: Any) -> None:
        raise SystemExit(_SIGTERM_EXIT)

    signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def check_distinct(inputs: Sequence[str | Path | None], outputs: Sequence[str | Path | None]) -> None:
    """Raise OutputError when an output is also an input, or two outputs are one file
    (the same path, a link to it, or another name of it)."""
    def same(a: Path, b: Path) -> bool:
        try:
            return os.path.samefile(a, b)
        except OSError:
            return os.path.realpath(a) == os.path.realpath(b)

    given_outputs = [str(p) for p in outputs if p]
    for out in given_outputs:
        for source in (str(p) for p in inputs if p):
            if same(Path(out), Path(source)):
                what = "the input" if out == source else f"the input {source}"
                raise OutputError(f"{out}: is also {what}; write to another file")
    for k, out in enumerate(given_outputs):
        for other in given_outputs[k + 1:]:
            if same(Path(out), Path(other)):
                what = "twice" if out == other else f"twice (also as {other})"
                raise OutputError(f"{out}: named as an output {what}; give each output its "
                                  "own file")

"""Files written whole or not at all: a temporary file beside the target, renamed over it.

One helper for every file the tool writes (imported indexes, caches, and mapper's outputs):
the data goes to a temporary file in the target's own folder, is flushed to disk, and only
then renamed over the target, so that a failed or killed writer leaves the earlier file as
it was. On Linux the temporary file has no name until that moment (O_TMPFILE), so not even a
kill -9 leaves one behind; elsewhere it is a hidden `.NAME.XXXXXXXX<suffix>`, removed on any
error.

>>> with replaced(Path("index.tsv")) as out:    # doctest: +SKIP
...     out.write("id\\tname\\n")
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any

__all__ = ["TempFile", "replaced", "sync_folder", "write_cache"]

# What os.open(folder, O_TMPFILE) raises where the file system cannot make unnamed files.
_NO_TMPFILE = {errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL, errno.ENOENT}


class TempFile:
    """A file being written for `target` in the target's folder: unnamed (O_TMPFILE) where
    the system allows, else named `.NAME.XXXXXXXX<suffix>`. `commit` puts it in place,
    `discard` removes it; every method raises OSError."""

    def __init__(self, target: Path, fd: int, name: Path | None, suffix: str = ".tmp") -> None:
        self.target = target
        self.fd: int | None = fd      # None once discarded
        self.name = name              # None while unnamed
        self.suffix = suffix

    @classmethod
    def beside(cls, target: Path, *, mode: int | None = None, suffix: str = ".tmp") -> TempFile:
        """A new temporary file in `target`'s folder, with permissions `mode` (default: a new
        file's, 0o666 less the umask)."""
        folder = target.parent
        fd: int | None = None
        name: Path | None = None
        if hasattr(os, "O_TMPFILE") and os.path.isdir("/proc/self/fd"):
            try:
                fd = os.open(folder, os.O_TMPFILE | os.O_RDWR | getattr(os, "O_CLOEXEC", 0), 0o666)
            except OSError as exc:
                if exc.errno not in _NO_TMPFILE:
                    raise
        if fd is None:
            fd, raw_name = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=suffix)
            name = Path(raw_name)
            if mode is None:   # mkstemp makes it 0o600
                mode = 0o666 & ~_umask()
        made = cls(target, fd, name, suffix)
        if mode is not None:
            try:
                os.fchmod(fd, mode)
            except OSError:
                made.discard()
                raise
        return made

    def live_fd(self) -> int:
        """The file's descriptor; OSError once it was discarded."""
        if self.fd is None:
            raise OSError(errno.EBADF, "its temporary file was already discarded")
        return self.fd

    def open(self, mode: str = "w", encoding: str | None = "utf-8", newline: str | None = None) -> IO[Any]:
        """A file object on it (a descriptor of its own: closing it keeps the file)."""
        binary = "b" in mode
        return os.fdopen(os.dup(self.live_fd()), mode, encoding=None if binary else encoding,
                         newline=None if binary else newline)

    def link(self) -> Path:
        """Give an unnamed file its temporary name, next to the target; that name."""
        if self.name is not None:
            return self.name
        source = self.live_fd()
        folder = self.target.parent
        name = folder / f".{self.target.name}.{secrets.token_hex(4)}{self.suffix}"
        try:
            os.link(f"/proc/self/fd/{source}", name)
            self.name = name
            return name
        except OSError:
            pass   # some kernels and file systems (overlays) will not name it: copy it instead
        fd, raw_name = tempfile.mkstemp(dir=folder, prefix=f".{self.target.name}.", suffix=self.suffix)
        self.name = Path(raw_name)
        try:
            os.fchmod(fd, stat.S_IMODE(os.fstat(source).st_mode))
            size = os.fstat(source).st_size
            offset = 0
            while offset < size:
                sent = os.sendfile(fd, source, offset, size - offset)
                if sent == 0:
                    raise OSError(errno.EIO, "short copy")
                offset += sent
            os.fsync(fd)
        finally:
            os.close(fd)
        return self.name

    def commit(self) -> None:
        """Rename it over the target (its data synced before, by the writer); the temporary
        file is gone afterwards, whether or not this succeeds."""
        try:
            os.replace(self.link(), self.target)
            self.name = None
            sync_folder(self.target.parent)
        finally:
            self.discard()

    def discard(self) -> None:
        """Close it and remove it (nothing to remove for an unnamed one)."""
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
        if self.name is not None:
            with suppress(OSError):
                os.unlink(self.name)
            self.name = None


@contextmanager
def replaced(target: Path, mode: str = "w", *, encoding: str = "utf-8", newline: str | None = None,
             permissions: int | None = None, suffix: str = ".tmp") -> Iterator[IO[Any]]:
    """An open file ("w" text, "wb" bytes) that becomes `target` when the block ends without
    an error (flushed and synced to disk first), and leaves no trace otherwise. Raises
    OSError when it cannot be written."""
    temp = TempFile.beside(target, mode=permissions, suffix=suffix)
    try:
        with temp.open(mode, encoding, newline) as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        temp.discard()
        raise
    temp.commit()


def sync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (the file's data was synced before)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass   # some file systems cannot sync a folder; the rename is still atomic
    finally:
        os.close(fd)


def _umask() -> int:
    # Read it the only way POSIX allows; only needed where O_TMPFILE is not.
    current = os.umask(0o022)
    os.umask(current)
    return current


def write_cache(cache: Path, text: str) -> None:
    """Write a cache file whole and remove the earlier ones of its kind (the same name up to
    its last '-': entries of earlier tables). A read-only home only costs speed: errors are
    ignored."""
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        with replaced(cache, "w") as out:
            out.write(text)
        kind = cache.name.rpartition("-")[0]
        for old in cache.parent.glob(f"{kind}-*{cache.suffix}"):
            if old != cache:
                old.unlink(missing_ok=True)
    except OSError:
        pass

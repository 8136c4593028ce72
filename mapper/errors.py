"""Errors of the mapper: one root, each child also a builtin so callers may catch either."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

MAX_SHOWN = 20


class MapperError(Exception):
    """Root of every error the mapper raises on purpose."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input file: where (`row`, `column`; None when file-wide) and what.

    `unit` names what `row` counts: "row" (a table's line, header = 1), "line" (JSON Lines)
    or "feature" (GeoJSON, from 1).
    """

    message: str
    row: int | None = None
    column: str | None = None
    unit: str = "row"

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"{self.unit} {self.row}")
        if self.column:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class InputError(MapperError, ValueError):
    """An incident table that cannot be read as it is; the message names file, row and column.

    Every problem found in the file is in `problems`; the message shows the first
    MAX_SHOWN of them and says how many there are in all.
    """

    def __init__(self, path: object, problems: Sequence[Problem] | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(problems)]
        self.path = str(path)
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(self._message())

    def _message(self) -> str:
        if len(self.problems) == 1:
            return f"{self.path}: {self.problems[0]}"
        lines = [f"{self.path}: {len(self.problems)} problems"]
        lines += [f"  {p}" for p in self.problems[:MAX_SHOWN]]
        if len(self.problems) > MAX_SHOWN:
            lines.append(f"  ... and {len(self.problems) - MAX_SHOWN} more")
        return "\n".join(lines)


class OutputError(MapperError, ValueError):
    """An output file was asked for in a format the mapper does not write."""


class WriteError(OutputError, OSError):
    """A file the user named could not be written (no such folder, no permission, a full disk);
    the message names the file. Also an OSError, as the failure it wraps."""

    def __init__(self, path: object, reason: OSError | str) -> None:
        self.path = str(path)
        why = reason if isinstance(reason, str) else (reason.strerror or str(reason))
        super().__init__(f"{self.path}: cannot write: {why}")


class AssetError(MapperError, OSError):
    """A pinned front-end package (mapper.assets) could not be had or is not what was pinned."""

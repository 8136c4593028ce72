"""Errors of the gazetteer: one root, each child also a builtin so callers may catch either."""

from __future__ import annotations


class GazetteerError(Exception):
    """Root of every error the gazetteer raises on purpose."""


class DataError(GazetteerError, ValueError):
    """A data file (bundled, imported or the user's) is malformed; the message names file and row."""


class ImportFailed(GazetteerError, OSError):
    """A file given to `gazetteer import` or fetched by `gazetteer update` could not be read."""


class HintError(GazetteerError, ValueError):
    """A country or governorate hint that names no known place; the message lists the closest."""

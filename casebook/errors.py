"""Errors a user can meet: each carries one line saying what happened and what to do next."""

from __future__ import annotations

import errno
import sqlite3


class CasebookError(Exception):
    """A problem the user can fix; the CLI prints its message on one line, without a traceback."""


_FULL = {errno.ENOSPC, errno.EDQUOT}
_DAMAGED = ("file is not a database", "database disk image is malformed")


def environment_error(exc: BaseException) -> str | None:
    """The one line for a failure of the machine rather than of Casebook (a full disk, a damaged store
    file), or None when the exception is not one of those (a bug: let it show)."""
    if isinstance(exc, OSError) and exc.errno in _FULL:
        where = f" writing {exc.filename}" if exc.filename else ""
        return (
            f"the disk is full{where}: what was done before is kept; free some space and run the same"
            " command again"
        )
    if isinstance(exc, sqlite3.OperationalError) and "disk is full" in str(exc):
        return "the disk is full (the store could not grow): free some space and run the same command again"
    if isinstance(exc, sqlite3.DatabaseError) and any(d in str(exc) for d in _DAMAGED):
        return (
            f"the store (casebook.db) cannot be read ({exc}): restore it from a backup, or move it aside and"
            " run casebook ingest to rebuild the documents from the WARC files"
        )
    return None

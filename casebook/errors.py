"""Errors a user can meet: each carries one line saying what happened and what to do next."""

from __future__ import annotations

import errno


class CasebookError(Exception):
    """A problem the user can fix; the CLI prints its message on one line, without a traceback."""


_FULL = {errno.ENOSPC, errno.EDQUOT}


def environment_error(exc: BaseException) -> str | None:
    """The one line for a failure of the machine rather than of Casebook (a full disk), or None when the
    exception is not one of those (a bug: let it show). The store's own (a damaged file, a store that
    could not grow) are said by ``casebook.cli``, which knows the store's errors."""
    if isinstance(exc, OSError) and exc.errno in _FULL:
        where = f" writing {exc.filename}" if exc.filename else ""
        return (
            f"the disk is full{where}: what was done before is kept; free some space and run the same"
            " command again"
        )
    return None

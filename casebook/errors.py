"""Errors a user can meet: each carries one line saying what happened and what to do next."""


class CasebookError(Exception):
    """A problem the user can fix; the CLI prints its message on one line, without a traceback."""

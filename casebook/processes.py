"""Other processes on this machine, as the store's and the index's lock notes name them."""

from __future__ import annotations

import os


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine (one we may not signal runs too): a lock note
    left by a process that died is stale, one left by a live process is not."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True

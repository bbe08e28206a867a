"""A non-blocking exclusive lock on an open file that works on Linux, macOS and Windows. The operating system
releases it when the process dies, so a crashed run never leaves a stale lock behind."""

from __future__ import annotations

import os
from typing import IO

if os.name == "nt":
    import msvcrt

    def try_lock(handle: IO) -> bool:
        """Take the lock (the file's first byte) if no other process holds it."""
        handle.seek(0)
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def unlock(handle: IO) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def try_lock(handle: IO) -> bool:
        """Take the lock (``flock`` on the whole file) if no other process holds it."""
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def unlock(handle: IO) -> None:
        fcntl.flock(handle, fcntl.LOCK_UN)

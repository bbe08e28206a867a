"""One evidence run at a time per evidence folder: a non-blocking lock file, and a database connection that waits
for another process's lock up to a deadline."""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

import duckdb

from iamsql.common import locking
from iamsql.errors import DatabaseError, EvidenceError
from iamsql.store import db as dbmod

LOCK_FILE = ".iamsql.lock"


class RunLock:
    """An exclusive lock (``iamsql.common.locking``) on ``<evidence_dir>/.iamsql.lock`` (released by the kernel if the process dies),
    waited for up to ``deadline``."""

    def __init__(self, folder: Path, deadline: float, wait: int) -> None:
        self.path = folder / LOCK_FILE
        self.deadline = deadline
        self.wait = wait
        self.handle = None

    def __enter__(self) -> RunLock:
        self.handle = open(self.path, "a+", encoding="utf-8")
        while not locking.try_lock(self.handle):
            if time.monotonic() >= self.deadline:
                self.handle.seek(0)
                try:
                    holder = self.handle.read().strip() or "another process"
                except OSError:  # Windows: the holder's locked byte cannot be read
                    holder = "another process"
                self.handle.close()
                raise EvidenceError(f"another evidence run ({holder}) is using {self.path.parent}; "
                                    f"gave up after {self.wait} s (use --wait SECONDS)") from None
            time.sleep(0.1)
        self.handle.seek(0)
        self.handle.truncate()
        self.handle.write(f"pid {os.getpid()} on {socket.gethostname()}")
        self.handle.flush()
        return self

    def __exit__(self, *_exc) -> None:
        self.handle.truncate(0)
        locking.unlock(self.handle)
        self.handle.close()


def connect_waiting(db: Path | None, deadline: float, wait: int) -> duckdb.DuckDBPyConnection:
    """Open the database for writing; while another process holds DuckDB's file lock, retry until ``deadline``."""

    while True:
        try:
            return dbmod.connect(db, macros=False)  # the run makes the views and macros its statements read
        except DatabaseError as exc:
            if "(locked)" not in str(exc) or time.monotonic() >= deadline:
                if "(locked)" in str(exc):
                    raise DatabaseError(f"{exc}; gave up after {wait} s (use --wait SECONDS)") from None
                raise
            time.sleep(0.2)

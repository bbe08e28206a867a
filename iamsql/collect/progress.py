"""Progress on a terminal: one line per account with the API being called and the number of calls so far, and a
loading bar at the end. Nothing is drawn with ``--quiet`` or when stderr is not a terminal, and then rich is not
imported."""

from __future__ import annotations

import threading
from pathlib import Path

from iamsql.common.progress import NoDisplay, drawn, may_draw


class CollectProgress:
    def __init__(self, quiet: bool = False) -> None:
        self.bar = drawn.accounts_display() if may_draw(quiet) else NoDisplay()
        self._tasks: dict[str, int] = {}
        self._lock = threading.Lock()

    def __enter__(self) -> CollectProgress:
        self.bar.start()
        return self

    def __exit__(self, *exc) -> None:
        self.bar.stop()

    def api(self, account: str, api: str) -> None:
        """Called before each API call of an account."""
        with self._lock:
            if account not in self._tasks:
                self._tasks[account] = self.bar.add_task(api, total=None, label=account)
            self.bar.update(self._tasks[account], description=api, advance=1)

    def loading_total(self, total: int) -> None:
        with self._lock:
            self._tasks["load"] = self.bar.add_task("loading into the database", total=total, label="load")

    def loaded(self, _path: Path) -> None:
        with self._lock:
            if "load" in self._tasks:
                self.bar.advance(self._tasks["load"])

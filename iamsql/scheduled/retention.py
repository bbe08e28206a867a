"""Retention of evidence runs: keep the newest N runs and the runs of the last D days; never the current one."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

from iamsql.scheduled.folder import PRUNING, folder_time, run_folders, run_order


def prune(parent: Path, *, keep_runs: int | None, keep_days: int | None, current: Path,
          now: datetime | None = None) -> list[Path]:
    """Remove run folders beyond the newest ``keep_runs`` or older than ``keep_days`` days (by the UTC time
    in their name); the current run is never removed. Returns the removed folders."""
    if not keep_runs and keep_days is None:
        return []
    now = now or datetime.now(timezone.utc)
    folders = [f for f in run_folders(parent) if f != current]
    doomed = set(folders[: max(0, len(folders) - (keep_runs - 1))]) if keep_runs else set()
    if keep_days is not None:
        for folder in folders:
            stamp = folder_time(folder)
            if stamp is not None and stamp < now - timedelta(days=keep_days):
                doomed.add(folder)
    for folder in sorted(doomed, key=run_order):
        hidden = folder.with_name(PRUNING + folder.name)
        folder.rename(hidden)  # a process killed while removing leaves a hidden folder: the next run removes it
        shutil.rmtree(hidden)
    return sorted(doomed, key=run_order)

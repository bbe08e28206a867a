"""A private temporary folder per process: ``<tmp>/iamsql-<pid>-<random>``, made the default of ``tempfile`` (so
report writers' ``.partial`` files, openpyxl's and DuckDB's Python-side temporary files go there), removed when
the process exits and, when a process was killed before it could remove it, at the next start once its pid is
no longer running."""

from __future__ import annotations

import atexit
import os
import re
import shutil
import tempfile
from pathlib import Path

PREFIX = "iamsql-"
_FOLDER = re.compile(rf"{PREFIX}(\d+)-\w+")
_current: Path | None = None
_previous: str | None = None  # tempfile's default before this process's folder replaced it


def use_private_tempdir() -> Path | None:
    """Sweep folders of dead iamsql processes, make this process's folder and point ``tempfile`` at it (once per
    process: a second call returns the same folder). ``None`` when no folder can be made there: temporary files
    then go to the temporary folder itself, and a command that needs one says why it cannot write."""
    global _current, _previous
    if _current is not None and tempfile.tempdir == str(_current) and _current.is_dir():
        return _current
    _previous = tempfile.tempdir
    base = Path(tempfile.gettempdir())
    sweep(base)
    try:
        _current = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=base))
    except OSError:
        return None
    tempfile.tempdir = str(_current)
    atexit.register(_remove, _current)
    return _current


def release() -> None:
    """Remove this process's folder now and give ``tempfile`` its previous default back, so a command run
    in-process (as the tests and library callers do) leaves neither the folder nor the setting behind."""
    global _current
    if _current is not None:
        _remove(_current)
        tempfile.tempdir = _previous
        _current = None


def sweep(base: Path) -> list[Path]:
    """Remove ``iamsql-<pid>-*`` folders under ``base`` that this user owns and whose process is gone."""
    removed = []
    if os.name != "posix":  # os.kill(pid, 0) would end the process on Windows: folders there stay
        return removed
    try:
        entries = list(base.iterdir())
    except OSError:
        return removed
    for entry in entries:
        match = _FOLDER.fullmatch(entry.name)
        if not match or int(match[1]) == os.getpid():
            continue
        try:
            if not entry.is_dir() or entry.is_symlink() or entry.stat().st_uid != os.getuid():
                continue
        except OSError:
            continue
        if not _running(int(match[1])):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _remove(folder: Path) -> None:
    if tempfile.tempdir == str(folder):
        tempfile.tempdir = None
    shutil.rmtree(folder, ignore_errors=True)

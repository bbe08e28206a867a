"""Paths given by the user are literal: every file is opened by its exact name.

DuckDB's readers (``read_json``, ``read_json_objects``, ``read_csv``...) expand ``*``, ``?``, ``[...]`` and ``**``
in their path argument, so ``ct[1].json`` would read ``ct1.json`` and ``ct*.json`` every matching file.
``duckdb_literal`` turns a path into a pattern that matches only that path. ``walk`` lists the files under a
folder without following anything twice and reports, instead of dropping, every entry it could not read.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

_GLOB = re.compile(r"([*?\[])")


def duckdb_literal(path: str | Path) -> str:
    """The path as a DuckDB file pattern that matches exactly this path: each glob character is wrapped in a
    one-character class (``[`` -> ``[[]``, ``*`` -> ``[*]``, ``?`` -> ``[?]``)."""
    return _GLOB.sub(r"[\1]", str(path))


def sql_string(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


@dataclass
class Walk:
    """The regular files found under the given paths, and the entries that could not be read."""

    files: list[tuple[Path, bool]] = field(default_factory=list)  # (path, named explicitly)
    unreadable: list[tuple[Path, str]] = field(default_factory=list)  # (path, reason)


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def walk(paths, walk: Walk | None = None) -> Walk:
    """Every regular file under ``paths`` (folders walked recursively in sorted order, symlinks to files and
    folders followed, a folder reached twice through links walked once). Broken symlinks, symlink loops and
    entries that cannot be listed or opened are recorded in ``unreadable`` with the reason. A named path that
    does not exist at all is also recorded there."""
    result = walk or Walk()
    for raw in paths:
        path = Path(raw)
        try:
            info = path.stat()
        except OSError as exc:
            if path.is_symlink():
                result.unreadable.append((path, _link_problem(path, exc)))
            else:
                result.unreadable.append((path, "no such file or folder" if isinstance(exc, FileNotFoundError)
                                          else _reason(exc)))
            continue
        if stat.S_ISDIR(info.st_mode):
            _walk_dir(path, result, {(info.st_dev, info.st_ino)})
        elif stat.S_ISREG(info.st_mode):
            if _openable(path, result):
                result.files.append((path, True))
        else:
            result.unreadable.append((path, "not a regular file"))
    return result


def _link_problem(path: Path, exc: OSError) -> str:
    if exc.errno == getattr(os, "ELOOP", 40) or "loop" in str(exc).lower():
        return "symlink loop"
    if isinstance(exc, FileNotFoundError):
        return f"broken symlink (to {os.readlink(path)})"
    return _reason(exc)


def _openable(path: Path, result: Walk) -> bool:
    try:
        with path.open("rb"):
            pass
    except OSError as exc:
        result.unreadable.append((path, _reason(exc)))
        return False
    return True


def _walk_dir(folder: Path, result: Walk, seen: set[tuple[int, int]]) -> None:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        result.unreadable.append((folder, f"cannot list folder ({_reason(exc)})"))
        return
    for entry in entries:
        path = Path(entry.path)
        try:
            info = path.stat()
        except OSError as exc:
            if entry.is_symlink():
                result.unreadable.append((path, _link_problem(path, exc)))
            else:
                result.unreadable.append((path, _reason(exc)))
            continue
        if stat.S_ISDIR(info.st_mode):
            key = (info.st_dev, info.st_ino)
            if key in seen:
                if entry.is_symlink():
                    result.unreadable.append((path, "symlink loop (links back to a folder above it)"))
                continue
            _walk_dir(path, result, seen | {key})
        elif stat.S_ISREG(info.st_mode):
            if _openable(path, result):
                result.files.append((path, False))
        # sockets, fifos and devices are not data files: ignored as before

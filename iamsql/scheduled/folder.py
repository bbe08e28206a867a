"""The layout of an evidence folder: run folders named by their UTC start time, the manifest and its hash and
signature, the file hashes of a run and the link that chains each run's manifest to the previous one."""

from __future__ import annotations

import hashlib
import json
import os
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from iamsql.common.files import sha256_file
from iamsql.errors import EvidenceError

MANIFEST = "manifest.json"


MANIFEST_HASH = "manifest.sha256"


SIGNATURE = "manifest.json.sig"


INCOMPLETE = ".incomplete-"


PRUNING = ".pruning-"  # a run folder being removed by retention: hidden first, so a cut-short removal stays hidden


STAMP = "%Y%m%dT%H%M%SZ"


OUTPUT_FILES = {"xlsx": "workbook.xlsx", "json": "results.json", "iamsql-json": "results.iamsql.json", "ocsf": "results.ocsf.json",
                "ocsf-jsonl": "results.ocsf.jsonl", "asff": "results.asff.json", "csv": "results.csv", "findings-csv": "results.findings.csv", "md": "results.md",
                "sarif": "results.sarif", "junit": "results.xml", "html": "results.html"}


def hash_tree(folder: Path) -> dict[str, dict[str, Any]]:
    """``relative/posix/path -> {sha256, bytes}`` for every file under ``folder`` except the manifest, its
    sidecar and its signature.
    Symlinks are hashed as what they point to and never followed into folders; an entry that cannot be read
    (permission denied, broken symlink, symlink loop) raises EvidenceError naming it."""
    def unreadable(exc: OSError) -> None:
        raise EvidenceError(f"{exc.filename or folder}: cannot read ({exc.strerror or exc})")

    found: list[Path] = []
    for top, dirs, names in os.walk(folder, onerror=unreadable, followlinks=False):
        found += [Path(top) / n for n in names]
        found += [Path(top) / d for d in dirs if (Path(top) / d).is_symlink()]
    files = {}
    for path in sorted(found):
        relative = path.relative_to(folder).as_posix()
        if relative in (MANIFEST, MANIFEST_HASH, SIGNATURE):
            continue
        try:
            files[relative] = {"sha256": sha256_file(path), "bytes": path.stat().st_size}
        except OSError as exc:
            problem = "symlink loop" if exc.errno == 40 else \
                "broken symlink" if path.is_symlink() and isinstance(exc, FileNotFoundError) else (exc.strerror or str(exc))
            raise EvidenceError(f"{path}: cannot read ({problem})") from None
    return files


def subfolder_paths(folder: Path) -> set[str]:
    """``relative/posix/path`` of every folder under ``folder`` (symlinks to folders are files to ``hash_tree``)."""
    def unreadable(exc: OSError) -> None:
        raise EvidenceError(f"{exc.filename or folder}: cannot read ({exc.strerror or exc})")

    return {(Path(top) / d).relative_to(folder).as_posix()
            for top, dirs, _names in os.walk(folder, onerror=unreadable, followlinks=False)
            for d in dirs if not (Path(top) / d).is_symlink()}


def chain_link(parent: Path) -> dict[str, Any]:
    """The new run's link to the newest run folder of the same name: its folder, run id and the SHA-256 of its
    ``manifest.json`` bytes, and the new run's place in the chain (``sequence``, 1 for the first run)."""
    folders = run_folders(parent)
    if not folders:
        return {"sequence": 1, "previous": None}
    previous = folders[-1]
    data = (previous / MANIFEST).read_bytes()
    try:
        before = json.loads(data)
    except (ValueError, RecursionError):
        before = {}
    sequence = ((before.get("chain") or {}).get("sequence") or 0) + 1 if isinstance(before, dict) else 1
    return {"sequence": sequence,
            "previous": {"folder": previous.name, "run_id": before.get("run_id") if isinstance(before, dict) else None,
                         "manifest_sha256": hashlib.sha256(data).hexdigest()}}


def run_folders(parent: Path) -> list[Path]:
    """Complete run folders (those holding a manifest) under ``<evidence_dir>/<name>``, oldest first."""
    if not parent.is_dir():
        return []
    return sorted((p for p in parent.iterdir() if p.is_dir() and not p.name.startswith(".") and (p / MANIFEST).exists()),
                  key=run_order)


def folder_time(folder: Path) -> datetime | None:
    try:
        return datetime.strptime(folder.name.split("-")[0], STAMP).replace(tzinfo=timezone.utc)
    except ValueError:
        return None


_RUN_NAME = re.compile(r"(\d{8}T\d{6}Z)(?:-(\d+))?")


def run_order(name: str | Path) -> tuple[str, int]:
    """A run folder's place among the runs of its name, as the runs were made: its UTC stamp, then its number in
    that second (``-2`` ... ``-9``, ``-10``: numbers, not text). A folder not named as a run sorts by its name."""
    name = name.name if isinstance(name, Path) else name
    match = _RUN_NAME.fullmatch(name)
    return (match.group(1), int(match.group(2) or 1)) if match else (name, 0)


def is_run_folder(path: Path) -> bool:
    return _RUN_NAME.fullmatch(path.name) is not None or (path / MANIFEST).exists() or (path / MANIFEST_HASH).exists()


def subfolders(folder: Path) -> list[Path]:
    try:
        entries = sorted(folder.iterdir(), key=run_order)
    except OSError as exc:
        raise EvidenceError(f"{folder}: cannot read ({exc.strerror or exc})") from None
    found = []
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            entry.stat()
        except OSError as exc:
            problem = "symlink loop" if exc.errno == 40 else "broken symlink" if entry.is_symlink() else exc.strerror
            raise EvidenceError(f"{entry}: cannot read ({problem})") from None
        if entry.is_dir():
            found.append(entry)
    return found

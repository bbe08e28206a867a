"""The evidence folder of one collection and its ``manifest.json``.

Layout: ``<root>/<account_id>/<region or global>/<service>/<cli-command>.json`` (one merged document per call,
as ``aws ... --output json`` prints it), per-entity calls as ``<cli-command>/<entity>.json``, CloudTrail log
files copied from S3 under ``<account_id>/<region>/cloudtrail/trail-logs/``.

``manifest.json`` (``{"iamsql_manifest": 1, ...}``) lists every file with its SHA-256, the API call, account,
region and time; each account with its caller identity, name and OU path; and the gaps (calls that failed, with
the error; a failed read of one resource of a listed table also names the ``table`` and the ``resource``). Its
``status`` is ``running`` while the collection runs, then ``complete`` or ``interrupted``, so a folder left by a
killed run is never taken for a whole one. ``iamsql load`` reads it (see ``read_manifest``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from iamsql import __version__
from iamsql.common.clock import as_utc
from iamsql.errors import InputError

MANIFEST_NAME = "manifest.json"
MANIFEST_KEY = "iamsql_manifest"
MANIFEST_VERSION = 1
COMPLETE = "complete"


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def cli_shape(value: Any) -> Any:
    """A boto3 response as ``aws ... --output json`` prints it: no ResponseMetadata, datetimes as ISO-8601 UTC,
    blobs base64-encoded."""
    if isinstance(value, dict):
        return {k: cli_shape(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, list):
        return [cli_shape(v) for v in value]
    if isinstance(value, datetime):
        return as_utc(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode("ascii")
    return value


def safe_name(text: str) -> str:
    """A file name for an entity (user name, key id, trail name): path separators and odd characters replaced."""
    cleaned = "".join(c if c.isalnum() or c in "+=,.@_-" else "_" for c in text)
    return cleaned.lstrip(".") or "_"


def gap_order(gap: dict) -> tuple:
    """Gaps in the manifest by account, region, call, message and resource (workers finish in any order)."""
    return (gap["account_id"] or "", gap["region"] or "", gap["api"], gap["error"], gap["message"],
            gap.get("resource") or "")


class Evidence:
    """Writes files under one root and keeps the manifest's records; thread-safe."""

    def __init__(self, root: Path, options: dict) -> None:
        self.root = root
        self._lock = threading.Lock()
        self.manifest: dict[str, Any] = {
            MANIFEST_KEY: MANIFEST_VERSION, "tool_version": __version__, "status": "running",
            "started_at": now_iso(), "finished_at": None, "options": options,
            "accounts": {}, "gaps": [], "files": [],
        }

    @classmethod
    def create(cls, root: Path, options: dict) -> Evidence:
        """A new evidence folder; an existing non-empty one is refused (evidence of two runs must not mix)."""
        if root.exists() and (not root.is_dir() or any(root.iterdir())):
            raise InputError(f"evidence folder {root} already exists and is not empty; give a new --evidence-dir")
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"cannot create evidence folder {root}: {exc.strerror or exc}") from None
        evidence = cls(root, options)
        evidence.save_manifest()
        return evidence

    # ---- files ----------------------------------------------------------------------------------------------------

    def path_for(self, account: str, region: str, service: str, command: str, entity: str | None = None) -> Path:
        folder = self.root / account / region / service
        return folder / command / f"{safe_name(entity)}.json" if entity else folder / f"{command}.json"

    def write_json(self, document: Any, *, account: str, region: str, service: str, command: str, api: str,
                   entity: str | None = None, **details: Any) -> Path:
        """Write one CLI-shaped response and record it; returns the file's path."""
        path = self.path_for(account, region, service, command, entity)
        data = (json.dumps(cli_shape(document), indent=2, ensure_ascii=False) + "\n").encode("utf-8")
        return self.write_chunks(path, [data], account=account, region=region, api=api, **details)

    def write_chunks(self, path: Path, chunks: Iterable[bytes], *, account: str, region: str, api: str,
                     **details: Any) -> Path:
        """Stream bytes to ``path`` (written to a temporary name, then renamed) and record its SHA-256."""
        path.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        partial = path.with_name(path.name + ".part")
        with partial.open("wb") as handle:
            for chunk in chunks:
                digest.update(chunk)
                size += len(chunk)
                handle.write(chunk)
        os.replace(partial, path)
        record = {"path": path.relative_to(self.root).as_posix(), "sha256": digest.hexdigest(), "bytes": size,
                  "api": api, "account_id": account, "region": region, "time": now_iso(), **details}
        with self._lock:
            self.manifest["files"].append(record)
        return path

    # ---- accounts and gaps ----------------------------------------------------------------------------------------

    def account(self, account: str, **info: Any) -> None:
        with self._lock:
            self.manifest["accounts"].setdefault(account, {"account_id": account}).update(info)

    def gap(self, *, api: str, account: str | None, region: str | None, error: str, message: str,
            **part: str) -> dict:
        """Record a failed call; ``part`` (``table``, ``resource``): the one resource of a loaded table it leaves
        in part, which the loader's ``iamsql_partial`` names."""
        entry = {"api": api, "account_id": account, "region": region, "error": error, "message": message,
                 **part, "time": now_iso()}
        with self._lock:
            self.manifest["gaps"].append(entry)
        return entry

    @property
    def gaps(self) -> list[dict]:
        return list(self.manifest["gaps"])

    def files_of(self, account: str) -> int:
        return sum(1 for f in self.manifest["files"] if f["account_id"] == account)

    # ---- manifest -------------------------------------------------------------------------------------------------

    def finish(self, status: str) -> None:
        self.manifest["status"] = status
        self.manifest["finished_at"] = now_iso()
        self.save_manifest()

    def save_manifest(self) -> None:
        with self._lock:  # the same order whatever the order calls finished in
            self.manifest["files"].sort(key=lambda f: f["path"])
            self.manifest["gaps"].sort(key=gap_order)
            self.manifest["accounts"] = dict(sorted(self.manifest["accounts"].items()))
            text = json.dumps(self.manifest, indent=2, ensure_ascii=False, default=str) + "\n"
        partial = self.root / (MANIFEST_NAME + ".part")
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, self.root / MANIFEST_NAME)


# ---- reading (used by iamsql load) -----------------------------------------------------------------------------------


@dataclass
class Manifest:
    """What a collection manifest tells the loader."""

    path: Path
    status: str
    accounts: dict[str, dict] = field(default_factory=dict)
    gaps: list[dict] = field(default_factory=list)
    files: dict[Path, dict] = field(default_factory=dict)  # absolute path -> file record
    name: str = ""  # the path relative to what was loaded (load.source_name), what reports show

    def account_of(self, path: Path) -> str | None:
        record = self.files.get(path.resolve())
        return record["account_id"] if record else None

    def time_of(self, path: Path) -> str | None:
        record = self.files.get(path.resolve())
        return record["time"] if record else None

    def snapshot_info(self, account: str) -> dict:
        """``kind``, ``partial`` and ``gaps`` for the account's snapshot: gaps of this account, and a run that did
        not finish marks every account partial."""
        gaps = [g for g in self.gaps if g.get("account_id") in (account, None)]
        if self.status != COMPLETE:
            gaps.append({"api": "*", "account_id": account, "region": None, "error": "Incomplete",
                         "message": f"the collection did not finish (manifest status: {self.status})"})
        return {"kind": "collect", "partial": bool(gaps), "gaps": gaps}

    def source_entry(self, account: str, sha256: str) -> dict:
        info = self.accounts.get(account, {})
        return {"path": str(self.path), "name": self.name or self.path.name, "sha256": sha256,
                "format": "iamsql:collect-manifest", "as_of": None,
                "status": self.status, **{k: info.get(k) for k in ("account_name", "ou_path", "caller_identity", "credentials")}}


def read_manifest(path: Path, data: bytes) -> Manifest | None:
    """The manifest in ``data`` (the content of ``path``), or None when it is not an iamsql collection manifest."""
    try:
        document = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(document, dict) or MANIFEST_KEY not in document:
        return None
    root = path.resolve().parent
    try:
        files = {(root / f["path"]).resolve(): f for f in document.get("files") or []}
        return Manifest(path=path, status=str(document.get("status")), accounts=dict(document.get("accounts") or {}),
                        gaps=list(document.get("gaps") or []), files=files)
    except (KeyError, TypeError, AttributeError) as exc:
        raise InputError(f"{path}: bad collection manifest ({type(exc).__name__}: {exc})") from None

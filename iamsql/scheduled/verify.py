"""Verification of evidence folders: every file against the manifest, the manifest against its hash, its
signature against a public key, the chain of runs, and the database's record of each run."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from iamsql.common.files import sha256_file
from iamsql.common.lazy import lazy_import
from iamsql.errors import EvidenceError
from iamsql.scheduled.folder import (
    MANIFEST,
    MANIFEST_HASH,
    SIGNATURE,
    hash_tree,
    is_run_folder,
    run_order,
    subfolder_paths,
    subfolders,
)
from iamsql.store import db as dbmod
from iamsql.store.db import has_table

signing = lazy_import("iamsql.scheduled.signing")  # cryptography, imported only when a signature is checked


@dataclass
class Verification:
    folder: Path
    manifest_ok: bool
    manifest_problem: str | None
    added: list[str]
    removed: list[str]
    changed: list[str]
    problems: list[str] = field(default_factory=list)  # chain and database findings
    notes: list[str] = field(default_factory=list)  # said, but not failures (the chain starts after pruning)

    @property
    def ok(self) -> bool:
        return self.manifest_ok and not (self.added or self.removed or self.changed or self.problems)

    def lines(self) -> list[str]:
        if self.ok:
            return [f"ok {self.folder}: manifest intact, every file matches"] + [f"  note     {n}" for n in self.notes]
        out = [f"FAILED {self.folder}: {self.manifest_problem}"] if not self.manifest_ok else [f"FAILED {self.folder}"]
        out += [f"  changed  {p}" for p in self.changed]
        out += [f"  removed  {p}" for p in self.removed]
        out += [f"  added    {p}" for p in self.added]
        out += [f"  {p}" for p in self.problems]
        out += [f"  note     {n}" for n in self.notes]
        return out


def verify(
    folder: str | Path, db: str | Path | None = None, public_key: str | Path | None = None
) -> list[Verification]:
    """Verify one run folder, every run of a name (``<dir>/<name>``), or every run under an evidence folder
    (``<dir>/<name>/<time>``). Runs of one name are checked as a chain: each manifest must name the run before
    it and that manifest's SHA-256. With ``db``, every manifest's SHA-256 is checked against the database's
    run history, and complete runs whose folder is gone are named. With ``public_key`` (an OpenSSH
    ``ssh-ed25519`` line), every run must carry a valid signature of its manifest by that key."""
    key = signing.load_public_key(public_key) if public_key is not None else None
    folder = Path(folder)
    if not folder.exists():
        raise EvidenceError(f"{folder} does not exist: give an evidence folder or one of its run folders")
    if not folder.is_dir():
        raise EvidenceError(f"{folder} is not a folder")
    if (folder / MANIFEST).exists() or (folder / MANIFEST_HASH).exists():
        results = [verify_run(folder)]
        chains = {}
    else:
        children = subfolders(folder)
        if any(is_run_folder(c) for c in children):
            chains = {folder: [c for c in children if is_run_folder(c)]}
        else:
            chains = {child: [c for c in subfolders(child) if is_run_folder(c)] for child in children}
            chains = {k: v for k, v in chains.items() if v}
        if not chains:
            raise EvidenceError(f"{folder} holds no {MANIFEST}: give a run folder or an evidence folder")
        results = []
        for runs in chains.values():
            checked = [verify_run(r) for r in runs]
            check_chain(checked)
            results += checked
    for result in results:
        check_signature(result, key)
    if db is not None:
        check_database(results, list(chains), db)
    return results


def check_signature(result: Verification, key) -> None:
    """With a public key: the run's ``manifest.json.sig`` must be that key's signature of its manifest (an
    unsigned run fails). Without one: a manifest that says it was signed must still have its signature."""
    manifest = _manifest_of(result)
    if manifest is None:
        return  # the manifest's own problem is already reported
    path = result.folder / SIGNATURE
    if key is None:
        if manifest.get("signature") and not path.exists():
            result.problems.append(f"signature: {SIGNATURE} is missing (the manifest says the run was signed)")
        elif path.exists():
            result.notes.append(f"signed ({SIGNATURE}); give --public-key to check the signature")
        return
    if not path.exists():
        result.problems.append(f"signature: unsigned (no {SIGNATURE})")
        return
    try:
        armored = path.read_text(encoding="utf-8", errors="replace")
        manifest_bytes = (result.folder / MANIFEST).read_bytes()
    except OSError as exc:
        raise EvidenceError(f"{exc.filename or path}: cannot read ({exc.strerror or exc})") from None
    problem = signing.verify(key, manifest_bytes, armored)
    if problem:
        result.problems.append(f"signature: {problem}")
    else:  # said, so the output with the key is not quieter about the signature than without it
        result.notes.append(f"signed by the given key ({SIGNATURE} verified)")


def _manifest_of(result: Verification) -> dict | None:
    try:
        data = json.loads((result.folder / MANIFEST).read_bytes())
    except (OSError, ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def check_chain(runs: list[Verification]) -> None:
    """Each run (oldest first) against the one before it: the link in its manifest must name that folder and
    that manifest's SHA-256. A link to a folder that is not there names a missing run; the oldest run may start
    after runs that retention pruned (said as a note when the run's settings prune)."""
    present = {r.folder.name: r for r in runs}
    for index, result in enumerate(runs):
        manifest = _manifest_of(result)
        if manifest is None:
            continue  # the run's own problem (missing or unreadable manifest) is already reported
        if "chain" not in manifest:
            result.notes.append("manifest has no chain link (written by an iamsql without evidence chains)")
            continue
        link = (manifest.get("chain") or {}).get("previous")
        earlier = runs[index - 1] if index else None
        if link is None:
            if earlier is not None:
                result.problems.append(
                    f"broken link: the manifest names no previous run, but {earlier.folder.name} comes before it"
                )
            continue
        named = link.get("folder")
        if named not in present:
            if earlier is None and _prunes(manifest):
                result.notes.append(
                    f"chain starts here: previous run {named} is not present (retention prunes "
                    "this evidence folder; --db tells pruned runs from removed ones)"
                )
            else:
                result.problems.append(f"missing run: {named} (the previous run this manifest links to)")
            continue
        if earlier is not None and named != earlier.folder.name:
            result.problems.append(f"broken link: links to {named}, but {earlier.folder.name} comes before it")
        target = present[named].folder / MANIFEST
        if not target.exists():
            result.problems.append(f"broken link: {named}/{MANIFEST} is missing")
        elif sha256_file(target) != link.get("manifest_sha256"):
            result.problems.append(
                f"broken link: {named}/{MANIFEST} is not the manifest this run linked to (it was rewritten)"
            )


def _prunes(manifest: dict) -> bool:
    settings = (manifest.get("config") or {}).get("settings") or {}
    return bool(settings.get("retention.keep_runs") or settings.get("retention.keep_days") is not None)


def check_database(results: list[Verification], parents: list[Path], db: str | Path) -> None:
    """Every manifest's SHA-256 against ``iamsql_evidence_run.manifest_sha256`` of its run id, and every complete
    run of these evidence names whose folder is missing (older than every present run and pruned by retention:
    a note; otherwise a failure)."""

    if not Path(db).is_file():
        raise EvidenceError(f"{db}: no such database file")
    con = dbmod.connect(Path(db), read_only=True)
    try:
        if not has_table(con, "iamsql_evidence_run"):
            raise EvidenceError(f"{db} holds no evidence runs (no iamsql_evidence_run table)")
        rows = con.execute("select run_id, name, folder, status, manifest_sha256 from iamsql_evidence_run").fetchall()
    finally:
        con.close()
    by_run = {run_id: (name, folder, status, sha) for run_id, name, folder, status, sha in rows}
    for result in results:
        manifest = _manifest_of(result)
        if manifest is None:
            continue
        record = by_run.get(manifest.get("run_id"))
        if record is None:
            result.problems.append(f"database: run {manifest.get('run_id')} is not in the run history")
            continue
        actual = sha256_file(result.folder / MANIFEST)
        renamed = record[1] and Path(record[1]).name != result.folder.name
        if renamed and record[3] == actual:
            result.problems.append(f"database: run {manifest.get('run_id')} was written to {Path(record[1]).name}")
        elif renamed:  # the database's run of that id is another run: a database made again (ids start over)
            result.problems.append(
                f"database: run {manifest.get('run_id')} is not in the run history (the database's run "
                f"{manifest.get('run_id')} was written to {Path(record[1]).name}: another or a new database?)"
            )
        elif record[3] != actual:
            result.problems.append(
                f"database: {MANIFEST} SHA-256 differs from the one stored for run "
                f"{manifest.get('run_id')} (the manifest was rewritten)"
            )
    present = {r.folder.name for r in results}
    for parent in parents:
        runs = [r for r in results if r.folder.parent == parent]
        oldest = min((run_order(r.folder) for r in runs), default=("", 0))
        prunes = any(_prunes(m) for m in (_manifest_of(r) for r in runs) if m)
        # where the database says this folder's runs were written: another evidence folder's runs of the same
        # name (several configs sharing one database) are not missing from this one, wherever this copy is now
        recorded = {Path(by_run[m["run_id"]][1]).parent for m in (_manifest_of(r) for r in runs)
                    if m and by_run.get(m.get("run_id")) and by_run[m["run_id"]][1]}
        for run_id, (name, folder, status, _sha) in sorted(by_run.items()):
            if status != "complete" or not folder or name != parent.name or Path(folder).name in present:
                continue
            if recorded and Path(folder).parent not in recorded:
                continue
            missing = Path(folder).name
            target = runs[0] if runs else None
            if target is None:
                continue
            if prunes and run_order(missing) < oldest:
                target.notes.append(
                    f"run {run_id} ({missing}) is not present: older than every run here, pruned by retention"
                )
            else:
                holder = next((r for r in runs if run_order(r.folder) > run_order(missing)), runs[-1])
                holder.problems.append(f"missing run: {missing} (run {run_id} in the database)")


def verify_run(folder: Path) -> Verification:
    """Re-hash one run folder against its manifest, and the manifest against ``manifest.sha256``."""
    problem = None
    manifest_path, sidecar = folder / MANIFEST, folder / MANIFEST_HASH
    if not manifest_path.exists():
        return Verification(folder, False, f"{MANIFEST} is missing", [], [], [])
    try:
        manifest_bytes = manifest_path.read_bytes()
    except OSError as exc:
        raise EvidenceError(f"{manifest_path}: cannot read ({exc.strerror or exc})") from None
    if not sidecar.exists():
        problem = f"{MANIFEST_HASH} is missing"
    else:
        expected = sidecar.read_text(encoding="utf-8", errors="replace").split()[:1]
        if expected != [hashlib.sha256(manifest_bytes).hexdigest()]:
            problem = f"{MANIFEST} does not match {MANIFEST_HASH} (the manifest was changed)"
    try:
        listed = json.loads(manifest_bytes)["files"]
        if not isinstance(listed, dict):
            raise TypeError
    except (ValueError, KeyError, TypeError, RecursionError):
        return Verification(folder, False, f"{MANIFEST} is not a readable iamsql manifest", [], [], [])
    present = hash_tree(folder)
    holding = {parent.as_posix() for p in {*listed, *present} for parent in Path(p).parents if parent != Path(".")}
    extra = subfolder_paths(folder) - holding  # added folders with no file in them (a file is named itself)
    added = sorted((set(present) - set(listed)) | {f"{d}/" for d in extra if Path(d).parent.as_posix() not in extra})
    removed = sorted(set(listed) - set(present))
    changed = sorted(p for p in set(listed) & set(present) if present[p]["sha256"] != (listed[p] or {}).get("sha256"))
    return Verification(folder, problem is None, problem, added, removed, changed)

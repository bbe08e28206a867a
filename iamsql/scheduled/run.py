"""Scheduled evidence runs: one command collects (or loads), checks, applies exceptions, reports and writes a
dated, hashed evidence folder; ``verify`` re-hashes such a folder.

A run, in order (see docs/scheduling.md):
1. read the config (TOML, then environment variables, then command-line flags; each wins over the one before)
   and the exceptions file, so a bad file stops the run before anything is collected;
2. take the evidence folder's lock file and open the database, waiting up to ``wait`` seconds for another run;
3. in a hidden ``.incomplete-*`` folder: gather raw files (collect them, or copy ``sources.paths``) and load
   them (one transaction), run the checks (one transaction), apply exceptions (one transaction);
4. write the reports, ``changes.json`` (against the previous run of the same name), ``manifest.json`` with the
   SHA-256 of every file and ``manifest.sha256``; rename the folder to ``<evidence_dir>/<name>/<UTC time>``;
5. mark the run ``complete`` in ``iamsql_evidence_run``, then prune old folders by the retention settings.

A run killed at any point leaves only a hidden folder (removed by the next run) and, at most, a check run whose
evidence row never became ``complete`` (left out of history; see ``history/runs.py``).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from iamsql import __version__
from iamsql.common.clock import current_user
from iamsql.common.files import sha256_file
from iamsql.common.lazy import lazy_import
from iamsql.common.safe_write import in_existing_folder
from iamsql.controls.catalog import control_pack_hash, load_controls, unknown_mapped_controls
from iamsql.controls.contract import exit_code
from iamsql.controls.engines.duckdb import run_checks
from iamsql.errors import BrokenFileError, ConfigError, EvidenceError, IamsqlError, WriteError, first_line
from iamsql.history import runs as history
from iamsql.history import waivers as exc_mod
from iamsql.history.waivers import read_exceptions
from iamsql.load import load_paths
from iamsql.report import export_run
from iamsql.scheduled.config import Config
from iamsql.scheduled.folder import (
    INCOMPLETE,
    MANIFEST,
    MANIFEST_HASH,
    OUTPUT_FILES,
    PRUNING,
    SIGNATURE,
    STAMP,
    chain_link,
    folder_time,
    hash_tree,
    run_folders,
    run_order,
)
from iamsql.scheduled.lock import RunLock, connect_waiting
from iamsql.scheduled.retention import prune
from iamsql.store.db import filling, move_source_folder, one_thread_for_small_data, transaction

# boto3, pySigma and cryptography are imported only by runs that collect, include Sigma rules or sign
collect_run = lazy_import("iamsql.collect.run")
sigma = lazy_import("iamsql.controls.sigma")
signing = lazy_import("iamsql.scheduled.signing")


@dataclass
class RunOutcome:
    run_id: int
    folder: Path
    exit_code: int
    summary: dict[str, Any]
    pruned: list[Path]
    warnings: list[str]

    def line(self) -> str:
        """The one-line summary printed at the end of a run."""
        s = self.summary
        new = f"{s['new_alarms']} new since run {s['previous_run_id']}" if s["previous_run_id"] else "first run"
        return (
            f"evidence run {self.run_id}: {s['accounts']} account(s), {s['controls']} control(s) run, "
            f"{s['alarms']} alarm(s), {s['excepted']} excepted, {new}, {s['errors']} error(s) -> {self.folder}"
        )


def run(config: Config, log: Callable[[str], None] | None = None) -> RunOutcome:
    """One scheduled evidence run (see the module docstring); returns the run id, folder and exit code."""

    log = log or (lambda _message: None)
    exceptions_file = read_exceptions(config["exceptions"]) if config["exceptions"] else None
    sign_key = signing.load_private_key(config["sign_key"]) if config["sign_key"] else None
    sigma_warnings: list[str] = []
    sigma_controls = _sigma_controls(config, sigma_warnings)
    mapping_warnings = unknown_mapped_controls(load_controls(config["queries"]) + sigma_controls, config["frameworks"])
    evidence_dir: Path = config["evidence_dir"]
    for source in config["sources.paths"] or []:
        if not source.exists():
            raise ConfigError(f"sources.paths: {source} does not exist")
        if source.is_dir() and evidence_dir.resolve().is_relative_to(source.resolve()):
            # each run copies its sources into a folder under evidence_dir: it would copy itself without end
            raise ConfigError(f"sources.paths: {source} holds the evidence folder {evidence_dir}; give the folder "
                              "of the exported files, or keep the evidence folder outside it")
    try:
        in_existing_folder(evidence_dir).mkdir(exist_ok=True)
    except WriteError as exc:  # from the config file or IAMSQL_EVIDENCE_DIR (the flag's callback refused it)
        raise ConfigError(f"evidence_dir: {exc}") from None
    except OSError as exc:
        raise EvidenceError(f"cannot create evidence folder {evidence_dir}: {exc.strerror}") from None
    deadline = time.monotonic() + config["wait"]
    try:
        with RunLock(evidence_dir, deadline, config["wait"]):
            with filling(config["db"], lambda: connect_waiting(config["db"], deadline, config["wait"])) as con:
                outcome = _run_locked(con, config, exceptions_file, log, sigma_controls, sign_key)
    except OSError as exc:  # the evidence folder cannot be written (read-only, full, removed underneath): one line
        raise EvidenceError(f"cannot write {exc.filename or evidence_dir}: {exc.strerror or exc}") from None
    outcome.warnings[:0] = sigma_warnings + mapping_warnings
    return outcome


def _sigma_controls(config: Config, warnings: list[str]) -> list:
    """The Sigma rules of ``sigma`` as controls, converted before anything is gathered so a bad rule fails the
    run early (or, with ``sigma_skip_unsupported``, is one warning of the run)."""
    if not config["sigma"]:
        return []

    for folder in config["sigma"]:
        if not Path(folder).exists():
            raise ConfigError(f"sigma: {folder} does not exist")
    return sigma.load_sigma(
        config["sigma"],
        skip_unsupported=bool(config["sigma_skip_unsupported"]),
        warn=lambda line: warnings.append(f"skipped Sigma rule: {line}"),
    )


def _run_locked(con, config: Config, exceptions_file, log, sigma_controls=None, sign_key=None) -> RunOutcome:
    evidence_dir: Path = config["evidence_dir"]
    history.ensure_schema(con)
    _clean_abandoned(con, evidence_dir)
    started = datetime.now(timezone.utc)
    work = evidence_dir / f"{INCOMPLETE}{started.strftime(STAMP)}-{os.getpid()}"
    work.mkdir()
    raw = work / "raw"
    raw.mkdir()
    log("gathering data")
    gathered = _gather(con, config, raw)
    with one_thread_for_small_data(con):  # checks, reports and bookkeeping; a large load keeps its threads
        log("running checks")
        names: list[str] = []

        def record_running(run_id: int) -> None:  # in the check run's transaction: never one without the other
            names.append(config["name"] or _default_name(con, run_id, gathered))
            con.execute(
                "insert into iamsql_evidence_run values (?, ?, null, 'running', ?, null, null)",
                [run_id, names[0], started],
            )

        run_id = run_checks(
            con,
            controls=config["controls"],
            frameworks=config["frameworks"],
            params=config["params"],
            queries_dir=config["queries"],
            extra_controls=sigma_controls,
            accounts=gathered.accounts,
            stored_with=record_running,
        )
        name = names[0]
        applied = exc_mod.apply(con, run_id, exceptions_file)
        previous = history.baseline_run(con, run_id)
        log("writing reports")
        _write_outputs(con, config, run_id, work, sigma_controls)
        if sigma_controls:  # the rules as they were run, hashed in the manifest with the reports
            (work / "sigma").mkdir()
            for control in sigma_controls:
                shutil.copyfile(control.path, work / "sigma" / f"{control.id}{control.path.suffix}")
        for own in ("queries", "mappings"):  # your own controls and mappings, as they were run, hashed too
            if config[own]:
                shutil.copytree(config[own], work / own, ignore=shutil.ignore_patterns(".*", "__pycache__"))
        changes = history.diff(con, previous, run_id) if previous else None
        if changes:
            (work / "changes.json").write_text(history.render_diff(changes, "json"), encoding="utf-8")
        if exceptions_file is not None:
            shutil.copyfile(exceptions_file.path, work / "exceptions.yaml")
        rows = con.execute(
            "select status, severity, finding_id, control_id from iamsql_result where run_id = ?", [run_id]
        ).fetchall()
        counted = [{"status": s, "severity": sev} for s, sev, f, _c in rows if not (s == "alarm" and f in applied.excepted)]
        code = exit_code(counted, config["fail_on"])
        accounts = json.loads(con.execute("select accounts from iamsql_run where run_id = ?", [run_id]).fetchone()[0])
        summary = {
            "accounts": len(accounts),
            "controls": len(history.run_controls(con, run_id)),
            "results": len(rows),
            "statuses": {
                status: sum(1 for s, *_x in rows if s == status) for status in ("ok", "alarm", "info", "skip", "error")
            },
            "excepted": len(applied.excepted),
            "alarms": sum(1 for s, _sev, f, _c in rows if s == "alarm" and f not in applied.excepted),
            "errors": sum(1 for s, *_x in rows if s == "error"),
            "previous_run_id": previous,
            "new_alarms": sum(1 for c in changes["changes"] if c["change"] == "new_alarm") if changes else 0,
            "resolved": sum(1 for c in changes["changes"] if c["change"] == "resolved") if changes else 0,
            "gone": sum(1 for c in changes["changes"] if c["change"] == "gone") if changes else 0,
            "exceptions": {
                state: sum(1 for e in applied.exceptions if applied.state(e) == state)
                for state in ("active", "expired", "unused")
            },
            "attestations": {
                state: sum(1 for a in applied.attestations if applied.state(a) == state)
                for state in ("active", "expired", "future")
            },
        }
        manifest = _manifest(con, config, run_id, name, started, gathered, exceptions_file, summary, code, work)
        manifest["chain"] = chain_link(evidence_dir / name)
        chain_warnings = _unknown_previous(con, manifest["chain"]["previous"], name)
        if sign_key is not None:
            manifest["signature"] = {
                "file": SIGNATURE,
                "format": "sshsig",
                "namespace": signing.NAMESPACE,
                "key": signing.fingerprint(sign_key.public_key()),
            }
        manifest_text = json.dumps(manifest, indent=2, sort_keys=False, default=str) + "\n"
        (work / MANIFEST).write_text(manifest_text, encoding="utf-8")
        manifest_sha = hashlib.sha256(manifest_text.encode("utf-8")).hexdigest()
        (work / MANIFEST_HASH).write_text(f"{manifest_sha}  {MANIFEST}\n", encoding="utf-8")
        if sign_key is not None:
            (work / SIGNATURE).write_text(signing.sign(sign_key, manifest_text.encode("utf-8")), encoding="utf-8")
        _fsync_tree(work)
        folder = _final_folder(evidence_dir / name, started)
        folder.parent.mkdir(parents=True, exist_ok=True)
        # the folder and manifest the rename is about to make visible: a run killed right after the rename is
        # completed by the next run (``_clean_abandoned``) instead of leaving a visible folder history ignores
        with transaction(con):
            con.execute("update iamsql_evidence_run set folder = ?, manifest_sha256 = ? where run_id = ?",
                        [str(folder), manifest_sha, run_id])
            move_source_folder(con, work, folder)  # the files loaded from the hidden folder, by their final place
        os.rename(work, folder)
        _fsync_dir(folder.parent)
        with transaction(con, lambda: f"evidence run {run_id} as complete ({folder})"):
            con.execute(
                "update iamsql_evidence_run set status = 'complete', finished_at = ? where run_id = ?",
                [datetime.now(timezone.utc), run_id],
            )
        pruned = prune(
            evidence_dir / name,
            keep_runs=config["retention.keep_runs"],
            keep_days=config["retention.keep_days"],
            current=folder,
        )
        unknown = exc_mod.unknown_controls(con, exceptions_file, run_id) if exceptions_file is not None else {}
        warnings = gathered.warnings + chain_warnings + list(unknown.values()) + exc_mod.warnings(applied, unknown)
        return RunOutcome(run_id, folder, code, summary, pruned, warnings)


@dataclass
class Gathered:
    """What the data stage produced: the raw files and what the collector said about itself."""

    sources: list[dict]  # {path (in the folder), original}
    caller_identity: list[dict] | None = None  # per collected account: the identity used
    organization_id: str | None = None
    regions: list[str] = field(default_factory=list)
    collector: dict = field(default_factory=dict)
    # the accounts this run loaded or collected: the only ones it checks (another account's data in the database,
    # from an earlier run or an ad hoc load, is not evidence this run gathered)
    accounts: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # the load's (a table only partly loaded ...)


def _gather(con, config: Config, raw: Path) -> Gathered:
    """Copy ``sources.paths`` into ``raw/`` and load them, or collect from AWS into ``raw/``."""
    if config.collecting:
        return _collect(con, config, raw)

    copies: list[dict] = []
    for index, source in enumerate(config["sources.paths"], 1):
        target = raw / f"{index:02d}-{source.name}"
        try:
            if source.is_dir():
                shutil.copytree(source, target, symlinks=False)
            else:
                shutil.copyfile(source, target)
        except shutil.Error as exc:  # one entry per file that could not be copied: name the first
            first = exc.args[0][0] if exc.args and isinstance(exc.args[0], list) and exc.args[0] else None
            where = f"{first[0]}: {first[2]}" if first and len(first) == 3 else first_line(exc)
            raise EvidenceError(f"sources.paths: cannot copy {where}") from None
        except OSError as exc:
            raise EvidenceError(f"sources.paths: cannot copy {exc.filename or source}: {exc.strerror or exc}") from None
        copies.append({"path": target.relative_to(raw.parent).as_posix(), "original": str(source)})
    # the copies' full paths (a failed file), then their names below the run folder (a table loaded in part)
    given = {str(raw.parent / copy["path"]): copy["original"] for copy in copies}
    given |= {copy["path"]: copy["original"] for copy in copies}
    try:
        summary = load_paths(con, [raw], account_id=config["sources.account_id"])
    except IamsqlError as exc:
        failed = (BrokenFileError(_as_given(str(exc.path), given), exc.reason) if isinstance(exc, BrokenFileError)
                  else type(exc)(_as_given(str(exc), given)))
        failed.warnings = tuple(_as_given(line, given) for line in exc.warnings)
        raise failed from None
    if not summary.files:
        raise EvidenceError(f"sources.paths: no recognised AWS file in {', '.join(map(str, config['sources.paths']))}")
    return Gathered(copies, accounts=sorted({s["account_id"] for s in summary.snapshots}),
                    warnings=[_as_given(line, given) for line in summary.warnings])


def _as_given(text: str, given: dict[str, str]) -> str:
    """A load's message with each copy in the run's hidden folder named as ``sources.paths`` gave it: that folder
    is renamed when the run ends, or removed when it fails. Full paths are replaced before the names below the
    run folder (``raw/01-exports``) that end them."""
    for copy, original in given.items():
        text = text.replace(copy, original)
    return text


def _collect(con, config: Config, raw: Path) -> Gathered:
    """Collect from AWS into ``raw/`` with ``iamsql.collect`` (which writes its own manifest there and loads
    the folder in one transaction)."""

    raw.rmdir()  # the collector creates its folder and refuses one that exists with content
    result = collect_run.collect(
        con,
        evidence_dir=raw,
        profile=config["sources.profile"],
        regions=config["sources.regions"],
        role_arns=config["role_arns"],
        org=bool(config["org"]),
        role_name=config["role_name"],
        external_id=config["external_id"],
        cloudtrail_s3=config["sources.cloudtrail_s3"],
        since=config["sources.since"],
        lookup_events_days=config["sources.lookup_events_days"],
    )
    identities = [
        {
            "account_id": a["account_id"],
            "arn": (a.get("caller_identity") or {}).get("Arn"),
            "credentials": a.get("credentials"),
        }
        for a in result.accounts
    ]
    caller = next((a["account_id"] for a in result.accounts if a.get("credentials") == "caller"), None)
    return Gathered(
        [{"path": "raw", "original": "collected from AWS"}],
        caller_identity=identities,
        organization_id=f"org-{caller}" if config["org"] and caller else None,
        regions=list(json.loads((raw / "manifest.json").read_text(encoding="utf-8"))["options"]["regions"]),
        collector={
            "requests": result.requests,
            "accounts": result.accounts,
            "gaps": len(result.gaps),
            "manifest": "raw/manifest.json",
        },
        accounts=sorted({s["account_id"] for s in result.load.snapshots}),
        warnings=result.load.warnings,
    )


def _unknown_previous(con, previous: dict | None, name: str) -> list[str]:
    """A warning when the run folder before this one is not a run of this database (the database was replaced:
    run ids, diffs and first/last seen start again while the folder's chain goes on)."""
    if previous is None:
        return []
    stored = con.execute("select manifest_sha256 from iamsql_evidence_run where run_id = ? and status = 'complete'",
                         [previous["run_id"]]).fetchone()
    if stored is not None and stored[0] == previous["manifest_sha256"]:
        return []
    return [f"the previous run folder {name}/{previous['folder']} (run {previous['run_id']}) is not a run of this "
            "database: was the database replaced? Run ids, diffs and first/last seen start again here, and "
            "'evidence verify --db' with this database fails the earlier folders"]


def _default_name(con, run_id: int, gathered: Gathered) -> str:
    if gathered.organization_id:
        return gathered.organization_id
    accounts = json.loads(con.execute("select accounts from iamsql_run where run_id = ?", [run_id]).fetchone()[0])
    return accounts[0]["account_id"] if len(accounts) == 1 else "multi-account"


def _write_outputs(con, config: Config, run_id: int, work: Path, extra_controls=None) -> None:
    outputs = config["outputs"]
    export_run(
        con,
        [work / OUTPUT_FILES[output] for output in outputs],
        formats=outputs,
        frameworks=config["frameworks"],
        run_id=run_id,
        queries_dir=config["queries"],
        extra_controls=extra_controls,
    )


def _manifest(con, config, run_id, name, started, gathered: Gathered, exceptions_file, summary, code, work) -> dict:
    run_row = con.execute(
        "select as_of, accounts, snapshot_ids, control_pack_hash, run_by from iamsql_run where run_id = ?", [run_id]
    ).fetchone()
    as_of, accounts, snapshot_ids, pack_hash, run_by = run_row
    accounts, snapshot_ids = json.loads(accounts), json.loads(snapshot_ids)
    snapshots = con.execute(
        "select snapshot_id, account_id, kind, loaded_at, as_of, partial, gaps from iamsql_snapshot "
        "where list_contains(?, snapshot_id) order by snapshot_id",
        [snapshot_ids or [-1]],
    ).fetchall()
    gaps = [gap for *_x, g in snapshots for gap in (json.loads(g) if g else [])]
    regions = sorted(
        {
            r
            for (r,) in con.execute(
                "select distinct region from iamsql_result where run_id = ? and region is not null", [run_id]
            ).fetchall()
        }
        | set(gathered.regions)
    )
    return {
        "manifest_version": 1,
        "tool": {"name": "iamsql", "version": __version__},
        "evidence_name": name,
        "run_id": run_id,
        "previous_run_id": summary["previous_run_id"],
        "started_at": started.isoformat(),
        "finished_at": datetime.now(timezone.utc).isoformat(),
        "data_as_of": as_of.isoformat() if as_of else None,
        "control_pack_hash": pack_hash or control_pack_hash(),
        "run_by": f"{run_by or (current_user() or 'unknown')}@{socket.gethostname()}",
        "caller_identity": gathered.caller_identity,
        "source": "collected from AWS" if config.collecting else "loaded from files",
        "accounts": accounts,
        "regions": regions,
        "snapshots": [
            {
                "snapshot_id": s,
                "account_id": a,
                "kind": k,
                "loaded_at": la.isoformat(),
                "as_of": ao.isoformat() if ao else None,
                "partial": p,
            }
            for s, a, k, la, ao, p, _g in snapshots
        ],
        "collection_gaps": gaps,
        "complete": not gaps and not any(p for *_x, p, _g in snapshots),
        "sources": gathered.sources,
        "collector": gathered.collector or None,
        "exceptions_file": (
            {"file": "exceptions.yaml", "original": str(exceptions_file.path), "sha256": exceptions_file.sha256}
            if exceptions_file
            else None
        ),
        "config": {
            "file": str(config.path) if config.path else None,
            "settings": config.public(),
            "origin": config.origin,
        },
        "summary": summary,
        "exit_code": code,
        "files": hash_tree(work),
    }


def _final_folder(parent: Path, started: datetime) -> Path:
    """``<parent>/<UTC stamp>``, with ``-2``, ``-3``... when runs of the same second exist. A clock behind the
    newest run folder is refused: runs are chained in the order of their names, so the run would break the chain."""
    newest = run_folders(parent)[-1:]
    if newest and (newest_time := folder_time(newest[0])) and started.replace(microsecond=0) < newest_time:
        raise EvidenceError(f"the clock ({started:%Y-%m-%dT%H:%M:%SZ}) is behind the newest run folder {newest[0]}: "
                            "runs are chained in the order of their times; set the clock right")
    stamp = started.strftime(STAMP)
    taken = [run_order(p)[1] for p in parent.iterdir() if run_order(p)[0] == stamp] if parent.is_dir() else []
    # after the highest number of that second, not in a gap that retention left: names keep the order of the runs
    return parent / (f"{stamp}-{max(taken) + 1}" if taken else stamp)


def _fsync_tree(folder: Path) -> None:
    """Flush every file and folder to disk before the rename makes the run visible."""
    for path in [*folder.rglob("*"), folder]:
        if path.is_dir():
            _fsync_dir(path)
        else:
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _clean_abandoned(con, evidence_dir: Path) -> None:
    """Under the lock: remove hidden folders of killed runs (and of prunings cut short) and settle their database
    rows: a run killed after its folder was renamed into place (the folder holds the manifest recorded for it) is
    ``complete``, any other ``abandoned``."""

    for leftover in [*evidence_dir.glob(f"{INCOMPLETE}*"), *evidence_dir.glob(f"*/{PRUNING}*")]:
        shutil.rmtree(leftover, ignore_errors=True)
    running = con.execute(
        "select run_id, folder, manifest_sha256 from iamsql_evidence_run where status = 'running'"
    ).fetchall()
    with transaction(con):
        for run_id, folder, manifest_sha in running:
            manifest = Path(folder) / MANIFEST if folder else None
            renamed = manifest is not None and manifest.is_file() and sha256_file(manifest) == manifest_sha
            con.execute(
                "update iamsql_evidence_run set status = ?, finished_at = ? where run_id = ?",
                ["complete" if renamed else "abandoned",
                 json.loads(manifest.read_bytes())["finished_at"] if renamed else None, run_id],
            )

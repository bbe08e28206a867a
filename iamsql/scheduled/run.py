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
evidence row never became ``complete`` (left out of history; see ``history.py``).
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import re
import shutil
import socket
import time
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import duckdb

from iamsql import __version__
from iamsql.collect.run import collect
from iamsql.common import locking
from iamsql.controls.engines.duckdb import run_checks
from iamsql.controls.results import DEFAULT_FAIL_ON, exit_code
from iamsql.controls.sigma import load_sigma
from iamsql.controls.views import control_pack_hash
from iamsql.errors import ConfigError, DatabaseError, EvidenceError, IamsqlError, first_line
from iamsql.frameworks import get_framework
from iamsql.history import runs as history
from iamsql.history import waivers as exc_mod
from iamsql.history.waivers import read_exceptions
from iamsql.load import load_paths
from iamsql.report import write_report
from iamsql.scheduled import signing
from iamsql.store import db as dbmod
from iamsql.store.db import has_table, transaction

MANIFEST = "manifest.json"
MANIFEST_HASH = "manifest.sha256"
SIGNATURE = "manifest.json.sig"
LOCK_FILE = ".iamsql.lock"
INCOMPLETE = ".incomplete-"
STAMP = "%Y%m%dT%H%M%SZ"
OUTPUT_FILES = {"xlsx": "workbook.xlsx", "json": "results.json", "ocsf": "results.ocsf.json",
                "ocsf-jsonl": "results.ocsf.jsonl", "csv": "results.csv", "md": "results.md",
                "sarif": "results.sarif", "junit": "results.xml", "html": "results.html"}
FAIL_ON = ("critical", "high", "medium", "low", "info", "none")


# ------------------------------------------------------------------------------------------------- config


@dataclass(frozen=True)
class Option:
    """One setting: its TOML key (dotted for tables), type, command-line flag and environment variable."""

    key: str
    kind: str  # text, path, paths, list, int, bool, table
    flag: str
    env: str
    help: str


OPTIONS = (
    Option("db", "path", "--db", "IAMSQL_DB", "DuckDB database file (default ./iamsql.duckdb)"),
    Option("evidence_dir", "path", "--evidence-dir", "IAMSQL_EVIDENCE_DIR", "where run folders go (required)"),
    Option("name", "text", "--name", "IAMSQL_EVIDENCE_NAME",
           "folder name for the runs (default: the organization id, else the single account id, else 'multi-account')"),
    Option("sources.paths", "paths", "--source", "IAMSQL_SOURCES",
           "load these files or folders instead of collecting from AWS"),
    Option("sources.account_id", "text", "--account-id", "IAMSQL_ACCOUNT_ID",
           "account for loaded files whose content names none"),
    Option("sources.regions", "list", "--region", "IAMSQL_REGIONS", "regions to collect trails from (default: the profile's)"),
    Option("sources.profile", "text", "--profile", "IAMSQL_PROFILE", "AWS profile to collect with (default: the usual AWS chain)"),
    Option("sources.cloudtrail_s3", "text", "--cloudtrail-s3", "IAMSQL_CLOUDTRAIL_S3",
           "also read CloudTrail log files from this s3://bucket/prefix"),
    Option("sources.since", "text", "--since", "IAMSQL_SINCE", "start of the CloudTrail log window (e.g. 7 = days)"),
    Option("sources.lookup_events_days", "int", "--lookup-events-days", "IAMSQL_LOOKUP_EVENTS_DAYS",
           "also read this many days of CloudTrail event history"),
    Option("role_arns", "list", "--role-arn", "IAMSQL_ROLE_ARNS", "collect these accounts through these roles"),
    Option("org", "bool", "--org", "IAMSQL_ORG", "collect every account of the AWS Organization (with role_name)"),
    Option("role_name", "text", "--role-name", "IAMSQL_ROLE_NAME", "role to assume in each organization account"),
    Option("external_id", "text", "--external-id", "IAMSQL_EXTERNAL_ID", "external id for the role assumptions"),
    Option("frameworks", "list", "--framework", "IAMSQL_FRAMEWORKS", "only controls mapped to these frameworks"),
    Option("controls", "list", "--control", "IAMSQL_CONTROLS", "only these control ids"),
    Option("params", "table", "--param", "IAMSQL_PARAMS", "control parameters: name=value or control_id.name=value"),
    Option("sigma", "paths", "--sigma", "IAMSQL_SIGMA",
           "also run the Sigma rules (aws/cloudtrail) under these folders as controls"),
    Option("sigma_skip_unsupported", "bool", "--sigma-skip-unsupported", "IAMSQL_SIGMA_SKIP_UNSUPPORTED",
           "warn about Sigma rules that cannot be converted and run the others (default: fail naming them)"),
    Option("fail_on", "text", "--fail-on", "IAMSQL_FAIL_ON", "exit 1 on an alarm of this severity or higher (default info: any alarm, as iamsql check)"),
    Option("outputs", "list", "--output", "IAMSQL_OUTPUTS", "report files: xlsx, json, ocsf, ocsf-jsonl, csv, md, sarif, junit, html (default xlsx, json, ocsf)"),
    Option("exceptions", "path", "--exceptions", "IAMSQL_EXCEPTIONS", "exceptions and attestations YAML file"),
    Option("retention.keep_runs", "int", "--keep-runs", "IAMSQL_KEEP_RUNS", "keep the newest N run folders"),
    Option("retention.keep_days", "int", "--keep-days", "IAMSQL_KEEP_DAYS", "remove run folders older than D days"),
    Option("wait", "int", "--wait", "IAMSQL_WAIT", "seconds to wait for another run on the same database or folder (default 0)"),
    Option("sign_key", "path", "--sign-key", "IAMSQL_SIGN_KEY",
           f"sign each run's {MANIFEST} with this OpenSSH Ed25519 private key ({SIGNATURE})"),
)
BY_KEY = {o.key: o for o in OPTIONS}
COLLECT_KEYS = ("sources.regions", "sources.profile", "sources.cloudtrail_s3", "sources.since",
                "sources.lookup_events_days", "role_arns", "org", "role_name", "external_id")
TABLES = {key.split(".")[0] for key in BY_KEY if "." in key}
KIND_NAMES = {"text": "text", "path": "a path (text)", "paths": "a list of paths", "list": "a list of text",
              "int": "an integer", "bool": "true or false", "table": "a table of name = value"}


@dataclass
class Config:
    """The effective settings of one evidence run, and where each came from (for the manifest)."""

    values: dict[str, Any]
    origin: dict[str, str] = field(default_factory=dict)  # key -> file, env or flag
    path: Path | None = None

    def __getitem__(self, key: str) -> Any:
        return self.values.get(key)

    @property
    def collecting(self) -> bool:
        return not self.values.get("sources.paths")

    def public(self) -> dict[str, Any]:
        """The settings as JSON values, for the manifest (the external id is only said to be given)."""
        return {k: ("(given)" if k == "external_id" else
                    [str(x) for x in v] if isinstance(v, list) else str(v) if isinstance(v, Path) else v)
                for k, v in sorted(self.values.items())}


def load_config(path: str | Path | None, flags: Mapping[str, Any] | None = None,
                env: Mapping[str, str] | None = None) -> Config:
    """Read the TOML file (when given), then the ``IAMSQL_*`` environment variables, then command-line flags
    (``flags`` keyed by option key, ``None`` meaning not given), validate and fill defaults."""
    env = os.environ if env is None else env
    config = Config({}, path=Path(path) if path else None)
    if path is not None:
        for key, value in _read_toml(Path(path)).items():
            config.values[key] = _typed(key, value, f"config {path}", base=Path(path).resolve().parent)
            config.origin[key] = "file"
    for option in OPTIONS:
        raw = env.get(option.env)
        if raw is not None and raw.strip() != "":
            config.values[option.key] = _from_text(option, raw, f"environment variable {option.env}")
            config.origin[option.key] = "env"
    for key, value in (flags or {}).items():
        if key not in BY_KEY:
            raise ConfigError(f"unknown option {key!r}")
        if value is None or value == [] or value == ():
            continue
        option = BY_KEY[key]
        if option.kind == "table":
            value = _params_from_items(value, option.flag)
        config.values[key] = _typed(key, value, f"option {option.flag}", base=Path.cwd())
        config.origin[key] = "flag"
    _validate(config)
    return config


def _read_toml(path: Path) -> dict[str, Any]:
    """The file's keys flattened to ``table.key``; unknown keys and tables are errors naming them."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read config {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"config {path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config {path}: not valid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(f"config {path}: TOML nested too deeply to read") from None
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if key in TABLES:
            if not isinstance(value, dict):
                raise ConfigError(f"config {path}: [{key}] must be a table")
            for sub, subvalue in value.items():
                if f"{key}.{sub}" not in BY_KEY:
                    allowed = ", ".join(k.split(".", 1)[1] for k in BY_KEY if k.startswith(key + "."))
                    raise ConfigError(f"config {path}: unknown key '{key}.{sub}' (allowed in [{key}]: {allowed})")
                flat[f"{key}.{sub}"] = subvalue
        elif key in BY_KEY:
            flat[key] = value
        else:
            allowed = ", ".join(sorted({k.split(".")[0] for k in BY_KEY}))
            raise ConfigError(f"config {path}: unknown key {key!r} (allowed: {allowed})")
    return flat


def _typed(key: str, value: Any, where: str, base: Path) -> Any:
    """Check a value's type for its option; relative paths resolve against ``base``."""
    option = BY_KEY[key]
    if isinstance(value, Path):
        value = str(value)
    elif isinstance(value, list | tuple):
        value = [str(v) if isinstance(v, Path) else v for v in value]
    wrong = ConfigError(f"{where}: {key!r} must be {KIND_NAMES[option.kind]}, not {value!r}")
    if option.kind in ("text", "path"):
        if not isinstance(value, str) or not value.strip():
            raise wrong
        return base / value if option.kind == "path" else value.strip()
    if option.kind in ("list", "paths"):
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) and v.strip() for v in value):
            raise wrong
        return [base / v for v in value] if option.kind == "paths" else [v.strip() for v in value]
    if option.kind == "int":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ConfigError(f"{where}: {key!r} must be a whole number of 0 or more, not {value!r}")
        return value
    if option.kind == "bool":
        if not isinstance(value, bool):
            raise wrong
        return value
    if not isinstance(value, dict) or not all(isinstance(v, bool | int | float | str) for v in value.values()):
        raise wrong
    return dict(value)


def _from_text(option: Option, raw: str, where: str) -> Any:
    """An environment variable's text as the option's type: lists are comma-separated."""
    items = [part.strip() for part in raw.split(",") if part.strip()]
    if option.kind == "int":
        try:
            return _typed(option.key, int(raw.strip()), where, Path.cwd())
        except ValueError:
            raise ConfigError(f"{where}: {option.key!r} must be a whole number, not {raw!r}") from None
    if option.kind == "bool":
        if raw.strip().lower() not in ("1", "0", "true", "false", "yes", "no"):
            raise ConfigError(f"{where}: {option.key!r} must be true or false, not {raw!r}")
        return raw.strip().lower() in ("1", "true", "yes")
    if option.kind == "table":
        return _params_from_items(items, option.env)
    return _typed(option.key, items if option.kind in ("list", "paths") else raw, where, Path.cwd())


def _params_from_items(items: Any, where: str) -> dict[str, str]:
    if isinstance(items, dict):
        return items
    params = {}
    for item in items:
        key, sep, value = str(item).partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"{where}: {item!r}: expected name=value, e.g. max_age_days=45")
        params[key.strip()] = value.strip()
    return params


def _validate(config: Config) -> None:

    v = config.values
    where = f"config {config.path}" if config.path else "settings"
    if not v.get("evidence_dir"):
        raise ConfigError(f"{where}: 'evidence_dir' is required (or --evidence-dir, IAMSQL_EVIDENCE_DIR)")
    v.setdefault("fail_on", DEFAULT_FAIL_ON)
    v.setdefault("outputs", ["xlsx", "json", "ocsf"])
    v.setdefault("wait", 0)
    if v["fail_on"] not in FAIL_ON:
        raise ConfigError(f"{where}: 'fail_on' must be one of {', '.join(FAIL_ON)}, not {v['fail_on']!r}")
    for output in v["outputs"]:
        if output not in OUTPUT_FILES:
            raise ConfigError(f"{where}: 'outputs' has {output!r}; choose from {', '.join(OUTPUT_FILES)}")
    for framework in v.get("frameworks") or []:
        try:
            get_framework(framework)
        except IamsqlError as exc:
            raise ConfigError(f"{where}: 'frameworks': {exc}") from None
    account = v.get("sources.account_id")
    if account and not (account.isdigit() and len(account) == 12):
        raise ConfigError(f"{where}: 'sources.account_id' {account!r} is not a 12-digit AWS account id "
                          "(quote it in TOML so leading zeros stay)")
    for key in ("retention.keep_runs",):
        if v.get(key) == 0:
            raise ConfigError(f"{where}: {key!r} must be 1 or more (the current run is always kept)")
    if v.get("name") and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", v["name"]):
        raise ConfigError(f"{where}: 'name' must be letters, digits, '.', '_' or '-' (it names a folder)")
    given = [k for k in COLLECT_KEYS if v.get(k)]
    if not config.collecting and given:
        raise ConfigError(f"{where}: 'sources.paths' loads files, {', '.join(repr(k) for k in given)} "
                          "are for collecting from AWS: give one or the other")
    if config.collecting and v.get("sources.account_id"):
        raise ConfigError(f"{where}: 'sources.account_id' is for sources.paths; collected files name their account")


# ------------------------------------------------------------------------------------------------- locking


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
            return dbmod.connect(db)  # the check run defines the views it reads
        except DatabaseError as exc:
            if "(locked)" not in str(exc) or time.monotonic() >= deadline:
                if "(locked)" in str(exc):
                    raise DatabaseError(f"{exc}; gave up after {wait} s (use --wait SECONDS)") from None
                raise
            time.sleep(0.2)


# ------------------------------------------------------------------------------------------------- hashing


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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


# ------------------------------------------------------------------------------------------------- the run


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
        return (f"evidence run {self.run_id}: {s['accounts']} account(s), {s['controls']} control(s), "
                f"{s['alarms']} alarm(s), {s['excepted']} excepted, {new}, {s['errors']} error(s) -> {self.folder}")


def run(config: Config, log: Callable[[str], None] | None = None) -> RunOutcome:
    """One scheduled evidence run (see the module docstring); returns the run id, folder and exit code."""

    log = log or (lambda _message: None)
    exceptions_file = read_exceptions(config["exceptions"]) if config["exceptions"] else None
    sign_key = signing.load_private_key(config["sign_key"]) if config["sign_key"] else None
    sigma_warnings: list[str] = []
    sigma_controls = _sigma_controls(config, sigma_warnings)
    for source in config["sources.paths"] or []:
        if not source.exists():
            raise ConfigError(f"sources.paths: {source} does not exist")
    evidence_dir: Path = config["evidence_dir"]
    try:
        evidence_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise EvidenceError(f"cannot create evidence folder {evidence_dir}: {exc.strerror}") from None
    deadline = time.monotonic() + config["wait"]
    with RunLock(evidence_dir, deadline, config["wait"]):
        con = connect_waiting(config["db"], deadline, config["wait"])
        try:
            outcome = _run_locked(con, config, exceptions_file, log, sigma_controls, sign_key)
        finally:
            con.close()
    outcome.warnings[:0] = sigma_warnings
    return outcome


def _sigma_controls(config: Config, warnings: list[str]) -> list:
    """The Sigma rules of ``sigma`` as controls, converted before anything is gathered so a bad rule fails the
    run early (or, with ``sigma_skip_unsupported``, is one warning of the run)."""
    if not config["sigma"]:
        return []

    for folder in config["sigma"]:
        if not Path(folder).exists():
            raise ConfigError(f"sigma: {folder} does not exist")
    return load_sigma(config["sigma"], skip_unsupported=bool(config["sigma_skip_unsupported"]),
                      warn=lambda line: warnings.append(f"skipped Sigma rule: {line}"))


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
    log("running checks")
    run_id = run_checks(con, controls=config["controls"], frameworks=config["frameworks"],
                        params=config["params"], extra_controls=sigma_controls)
    name = config["name"] or _default_name(con, run_id, gathered)
    with transaction(con, lambda: f"evidence run {run_id} as running"):
        con.execute("insert into iamsql_evidence_run values (?, ?, null, 'running', ?, null, null)",
                    [run_id, name, started])
    applied = exc_mod.apply(con, run_id, exceptions_file)
    previous = history.baseline_run(con, run_id)
    log("writing reports")
    _write_outputs(con, config, run_id, work, sigma_controls)
    if sigma_controls:  # the rules as they were run, hashed in the manifest with the reports
        (work / "sigma").mkdir()
        for control in sigma_controls:
            shutil.copyfile(control.path, work / "sigma" / f"{control.id}{control.path.suffix}")
    changes = history.diff(con, previous, run_id) if previous else None
    if changes:
        (work / "changes.json").write_text(history.render_diff(changes, "json"), encoding="utf-8")
    if exceptions_file is not None:
        shutil.copyfile(exceptions_file.path, work / "exceptions.yaml")
    rows = con.execute("select status, severity, finding_id, control_id from iamsql_result where run_id = ?",
                       [run_id]).fetchall()
    counted = [{"status": s, "severity": sev} for s, sev, f, _c in rows
               if not (s == "alarm" and f in applied.excepted)]
    code = exit_code(counted, config["fail_on"])
    accounts = json.loads(con.execute("select accounts from iamsql_run where run_id = ?", [run_id]).fetchone()[0])
    summary = {
        "accounts": len(accounts),
        "controls": len({c for *_x, c in rows}),
        "results": len(rows),
        "statuses": {status: sum(1 for s, *_x in rows if s == status) for status in ("ok", "alarm", "info", "skip", "error")},
        "excepted": len(applied.excepted),
        "alarms": sum(1 for s, _sev, f, _c in rows if s == "alarm" and f not in applied.excepted),
        "errors": sum(1 for s, *_x in rows if s == "error"),
        "previous_run_id": previous,
        "new_alarms": sum(1 for c in changes["changes"] if c["change"] == "new_alarm") if changes else 0,
        "resolved": sum(1 for c in changes["changes"] if c["change"] == "resolved") if changes else 0,
        "exceptions": {state: sum(1 for e in applied.exceptions if applied.state(e) == state)
                       for state in ("active", "expired", "unused")},
        "attestations": {state: sum(1 for a in applied.attestations if applied.state(a) == state)
                         for state in ("active", "expired")},
    }
    manifest = _manifest(con, config, run_id, name, started, gathered, exceptions_file, summary, code, work)
    manifest["chain"] = chain_link(evidence_dir / name)
    if sign_key is not None:
        manifest["signature"] = {"file": SIGNATURE, "format": "sshsig", "namespace": signing.NAMESPACE,
                                 "key": signing.fingerprint(sign_key.public_key())}
    manifest_text = json.dumps(manifest, indent=2, sort_keys=False, default=str) + "\n"
    (work / MANIFEST).write_text(manifest_text, encoding="utf-8")
    manifest_sha = hashlib.sha256(manifest_text.encode("utf-8")).hexdigest()
    (work / MANIFEST_HASH).write_text(f"{manifest_sha}  {MANIFEST}\n", encoding="utf-8")
    if sign_key is not None:
        (work / SIGNATURE).write_text(signing.sign(sign_key, manifest_text.encode("utf-8")), encoding="utf-8")
    _fsync_tree(work)
    folder = _final_folder(evidence_dir / name, started)
    folder.parent.mkdir(parents=True, exist_ok=True)
    os.rename(work, folder)
    _fsync_dir(folder.parent)
    with transaction(con, lambda: f"evidence run {run_id} as complete ({folder})"):
        con.execute("update iamsql_evidence_run set name = ?, folder = ?, status = 'complete', finished_at = ?, "
                    "manifest_sha256 = ? where run_id = ?",
                    [name, str(folder), datetime.now(timezone.utc), manifest_sha, run_id])
    pruned = prune(evidence_dir / name, keep_runs=config["retention.keep_runs"],
                   keep_days=config["retention.keep_days"], current=folder)
    return RunOutcome(run_id, folder, code, summary, pruned, exc_mod.warnings(applied))


@dataclass
class Gathered:
    """What the data stage produced: the raw files and what the collector said about itself."""

    sources: list[dict]  # {path (in the folder), original}
    caller_identity: list[dict] | None = None  # per collected account: the identity used
    organization_id: str | None = None
    regions: list[str] = field(default_factory=list)
    collector: dict = field(default_factory=dict)


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
    summary = load_paths(con, [raw], account_id=config["sources.account_id"])
    if not summary.files:
        raise EvidenceError(f"sources.paths: no recognised AWS file in {', '.join(map(str, config['sources.paths']))}")
    return Gathered(copies)


def _collect(con, config: Config, raw: Path) -> Gathered:
    """Collect from AWS into ``raw/`` with ``iamsql.collect`` (which writes its own manifest there and loads
    the folder in one transaction)."""

    raw.rmdir()  # the collector creates its folder and refuses one that exists with content
    result = collect(
        con, evidence_dir=raw, profile=config["sources.profile"], regions=config["sources.regions"],
        role_arns=config["role_arns"], org=bool(config["org"]), role_name=config["role_name"],
        external_id=config["external_id"], cloudtrail_s3=config["sources.cloudtrail_s3"],
        since=config["sources.since"], lookup_events_days=config["sources.lookup_events_days"])
    identities = [{"account_id": a["account_id"], "arn": (a.get("caller_identity") or {}).get("Arn"),
                   "credentials": a.get("credentials")} for a in result.accounts]
    caller = next((a["account_id"] for a in result.accounts if a.get("credentials") == "caller"), None)
    return Gathered(
        [{"path": "raw", "original": "collected from AWS"}],
        caller_identity=identities,
        organization_id=f"org-{caller}" if config["org"] and caller else None,
        regions=list(json.loads((raw / "manifest.json").read_text(encoding="utf-8"))["options"]["regions"]),
        collector={"requests": result.requests, "accounts": result.accounts, "gaps": len(result.gaps),
                   "manifest": "raw/manifest.json"})


def _default_name(con, run_id: int, gathered: Gathered) -> str:
    if gathered.organization_id:
        return gathered.organization_id
    accounts = json.loads(con.execute("select accounts from iamsql_run where run_id = ?", [run_id]).fetchone()[0])
    return accounts[0]["account_id"] if len(accounts) == 1 else "multi-account"


def _write_outputs(con, config: Config, run_id: int, work: Path, extra_controls=None) -> None:

    for output in config["outputs"]:
        write_report(con, work / OUTPUT_FILES[output], fmt=output, frameworks=config["frameworks"], run_id=run_id,
                     extra_controls=extra_controls)


def _manifest(con, config, run_id, name, started, gathered: Gathered, exceptions_file, summary, code, work) -> dict:

    run_row = con.execute("select as_of, accounts, snapshot_ids, control_pack_hash, run_by from iamsql_run "
                          "where run_id = ?", [run_id]).fetchone()
    as_of, accounts, snapshot_ids, pack_hash, run_by = run_row
    accounts, snapshot_ids = json.loads(accounts), json.loads(snapshot_ids)
    snapshots = con.execute(
        "select snapshot_id, account_id, kind, loaded_at, as_of, partial, gaps from iamsql_snapshot "
        "where list_contains(?, snapshot_id) order by snapshot_id", [snapshot_ids or [-1]]).fetchall()
    gaps = [gap for *_x, g in snapshots for gap in (json.loads(g) if g else [])]
    regions = sorted({r for (r,) in con.execute(
        "select distinct region from iamsql_result where run_id = ? and region is not null", [run_id]).fetchall()}
        | set(gathered.regions))
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
        "run_by": f"{run_by or _user()}@{socket.gethostname()}",
        "caller_identity": gathered.caller_identity,
        "source": "collected from AWS" if config.collecting else "loaded from files",
        "accounts": accounts,
        "regions": regions,
        "snapshots": [{"snapshot_id": s, "account_id": a, "kind": k, "loaded_at": la.isoformat(),
                       "as_of": ao.isoformat() if ao else None, "partial": p}
                      for s, a, k, la, ao, p, _g in snapshots],
        "collection_gaps": gaps,
        "complete": not gaps and not any(p for *_x, p, _g in snapshots),
        "sources": gathered.sources,
        "collector": gathered.collector or None,
        "exceptions_file": ({"file": "exceptions.yaml", "original": str(exceptions_file.path),
                             "sha256": exceptions_file.sha256} if exceptions_file else None),
        "config": {"file": str(config.path) if config.path else None, "settings": config.public(),
                   "origin": config.origin},
        "summary": summary,
        "exit_code": code,
        "files": hash_tree(work),
    }


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _final_folder(parent: Path, started: datetime) -> Path:
    """``<parent>/<UTC stamp>``, with ``-2``, ``-3``... when a run of the same second exists."""
    folder = parent / started.strftime(STAMP)
    n = 2
    while folder.exists():
        folder = parent / f"{started.strftime(STAMP)}-{n}"
        n += 1
    return folder


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
    """Under the lock: remove hidden folders of killed runs and mark their database rows ``abandoned``."""

    for leftover in evidence_dir.glob(f"{INCOMPLETE}*"):
        shutil.rmtree(leftover, ignore_errors=True)
    with transaction(con):
        con.execute("update iamsql_evidence_run set status = 'abandoned' where status = 'running'")


# ------------------------------------------------------------------------------------------------- the chain


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


# ------------------------------------------------------------------------------------------------- retention


def run_folders(parent: Path) -> list[Path]:
    """Complete run folders (those holding a manifest) under ``<evidence_dir>/<name>``, oldest first."""
    if not parent.is_dir():
        return []
    return sorted(p for p in parent.iterdir() if p.is_dir() and not p.name.startswith(".") and (p / MANIFEST).exists())


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
            stamp = _folder_time(folder)
            if stamp is not None and stamp < now - timedelta(days=keep_days):
                doomed.add(folder)
    for folder in sorted(doomed):
        shutil.rmtree(folder)
    return sorted(doomed)


def _folder_time(folder: Path) -> datetime | None:
    try:
        return datetime.strptime(folder.name.split("-")[0], STAMP).replace(tzinfo=timezone.utc)
    except ValueError:
        return None


# ------------------------------------------------------------------------------------------------- verify


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
        out = [f"FAILED {self.folder}: {self.manifest_problem}"] if not self.manifest_ok else \
              [f"FAILED {self.folder}"]
        out += [f"  changed  {p}" for p in self.changed]
        out += [f"  removed  {p}" for p in self.removed]
        out += [f"  added    {p}" for p in self.added]
        out += [f"  {p}" for p in self.problems]
        out += [f"  note     {n}" for n in self.notes]
        return out


_RUN_NAME = re.compile(r"\d{8}T\d{6}Z(-\d+)?")


def _is_run_folder(path: Path) -> bool:
    return _RUN_NAME.fullmatch(path.name) is not None or (path / MANIFEST).exists() or (path / MANIFEST_HASH).exists()


def _subfolders(folder: Path) -> list[Path]:
    try:
        entries = sorted(folder.iterdir())
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


def verify(folder: str | Path, db: str | Path | None = None,
           public_key: str | Path | None = None) -> list[Verification]:
    """Verify one run folder, every run of a name (``<dir>/<name>``), or every run under an evidence folder
    (``<dir>/<name>/<time>``). Runs of one name are checked as a chain: each manifest must name the run before
    it and that manifest's SHA-256. With ``db``, every manifest's SHA-256 is checked against the database's
    run history, and complete runs whose folder is gone are named. With ``public_key`` (an OpenSSH
    ``ssh-ed25519`` line), every run must carry a valid signature of its manifest by that key."""
    key = signing.load_public_key(public_key) if public_key is not None else None
    folder = Path(folder)
    if not folder.is_dir():
        raise EvidenceError(f"{folder} is not a folder")
    if (folder / MANIFEST).exists() or (folder / MANIFEST_HASH).exists():
        results = [verify_run(folder)]
        chains = {}
    else:
        children = _subfolders(folder)
        if any(_is_run_folder(c) for c in children):
            chains = {folder: [c for c in children if _is_run_folder(c)]}
        else:
            chains = {child: [c for c in _subfolders(child) if _is_run_folder(c)] for child in children}
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
                result.problems.append(f"broken link: the manifest names no previous run, but {earlier.folder.name} "
                                       "comes before it")
            continue
        named = link.get("folder")
        if named not in present:
            if earlier is None and _prunes(manifest):
                result.notes.append(f"chain starts here: previous run {named} is not present (retention prunes "
                                    "this evidence folder; --db tells pruned runs from removed ones)")
            else:
                result.problems.append(f"missing run: {named} (the previous run this manifest links to)")
            continue
        if earlier is not None and named != earlier.folder.name:
            result.problems.append(f"broken link: links to {named}, but {earlier.folder.name} comes before it")
        target = present[named].folder / MANIFEST
        if not target.exists():
            result.problems.append(f"broken link: {named}/{MANIFEST} is missing")
        elif hashlib.sha256(target.read_bytes()).hexdigest() != link.get("manifest_sha256"):
            result.problems.append(f"broken link: {named}/{MANIFEST} is not the manifest this run linked to "
                                   "(it was rewritten)")


def _prunes(manifest: dict) -> bool:
    settings = ((manifest.get("config") or {}).get("settings") or {})
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
        actual = hashlib.sha256((result.folder / MANIFEST).read_bytes()).hexdigest()
        if record[3] != actual:
            result.problems.append(f"database: {MANIFEST} SHA-256 differs from the one stored for run "
                                   f"{manifest.get('run_id')} (the manifest was rewritten)")
        if record[1] and Path(record[1]).name != result.folder.name:
            result.problems.append(f"database: run {manifest.get('run_id')} was written to {Path(record[1]).name}")
    present = {r.folder.name for r in results}
    for parent in parents:
        runs = [r for r in results if r.folder.parent == parent]
        oldest = min((r.folder.name for r in runs), default="")
        prunes = any(_prunes(m) for m in (_manifest_of(r) for r in runs) if m)
        for run_id, (name, folder, status, _sha) in sorted(by_run.items()):
            if status != "complete" or not folder or name != parent.name or Path(folder).name in present:
                continue
            missing = Path(folder).name
            target = runs[0] if runs else None
            if target is None:
                continue
            if prunes and missing < oldest:
                target.notes.append(f"run {run_id} ({missing}) is not present: older than every run here, pruned "
                                    "by retention")
            else:
                holder = next((r for r in runs if r.folder.name > missing), runs[-1])
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
    added = sorted(set(present) - set(listed))
    removed = sorted(set(listed) - set(present))
    changed = sorted(p for p in set(listed) & set(present)
                     if present[p]["sha256"] != (listed[p] or {}).get("sha256"))
    return Verification(folder, problem is None, problem, added, removed, changed)

"""Exceptions (accepted findings with an expiry) and manual attestations, read from one reviewed YAML file.

```yaml
exceptions:
  - control: iam_user_console_mfa          # control id or glob (iam_user_*); optional, default every control
    resource: "arn:aws:iam::*:user/break-glass"   # glob, or "re:<regex>" (full match); optional, default every resource
    account: "123456789012"                # 12-digit account id, or "*"
    reason: Break-glass user; hardware MFA kept in the safe
    approver: jane.doe@example.com
    ticket: SEC-1234
    expires: 2027-12-31                    # last day the exception applies
attestations:
  - framework: nist-csf-2.0
    requirement: GV.OC-01
    attested_by: ciso@example.com
    date: 2026-11-16                       # first day the attestation is in force
    evidence: https://wiki.example.com/gv-oc-01
    expires: 2027-11-15                    # last day it is in force
```

An exception never changes a result's status: an ``alarm`` it matches is marked *excepted* with the exception's
reason, stored per run in ``iamsql_result_exception`` (see ``store/bookkeeping.py`` for the tables). Expiry is judged
on the day of the data the run read (``iamsql_run.as_of``, the newest snapshot time of its accounts, UTC), never
the wall clock, as the controls compare against the snapshot's time: the same data and file give the same answer
whenever the run is made. An exception applies to findings of data taken up to its ``expires`` day; an attestation
is in force for data taken from its ``date`` (state ``future`` before) to its ``expires`` day. A run that read no
account has no data time and is judged on its start. The outcome is stored with the run, so re-reporting an old run
gives the same answer. An expired exception no longer applies and is reported as expired; one matching nothing as
unused.

An attestation states that a requirement which no automated control serves is met, so a framework can reach
100% honestly; attesting a requirement that has controls is refused (use an exception for those findings).
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timezone
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import duckdb

from iamsql.common.lazy import lazy_import
from iamsql.common.model import Where, load_located, rule, validate
from iamsql.controls.names import QUERIES_DIR
from iamsql.errors import ExceptionsFileError, HistoryError, MappingError, first_line
from iamsql.frameworks import get_framework
from iamsql.history.runs import no_such_run, run_controls, runs
from iamsql.store.db import has_table, transaction

yaml = lazy_import("yaml")  # imported by the first exceptions file read


@dataclass(frozen=True)
class ExceptionEntry:
    """One exception entry. ``exception_id`` is stable while its scope (control, resource, account, ticket)
    stays the same, so runs can be compared."""

    exception_id: str
    line: int
    control: str
    resource: str
    account: str
    reason: str
    approver: str
    ticket: str
    expires: date

    def expired(self, day: date) -> bool:
        """True when ``day`` (the day of the run's data) is after the last day the exception applies."""
        return day > self.expires

    def matches(self, control_id: str, account_id: str | None, resource: str | None) -> bool:
        if self.account != "*" and self.account != (account_id or ""):
            return False
        if not fnmatchcase(control_id, self.control):
            return False
        resource = resource or ""
        if self.resource.startswith("re:"):
            return re.fullmatch(self.resource[3:], resource) is not None
        return fnmatchcase(resource, self.resource)


@dataclass(frozen=True)
class Attestation:
    """A manual statement that a requirement without an automated control is met."""

    line: int
    framework: str
    requirement: str
    attested_by: str
    date: date
    evidence: str
    expires: date

    @property
    def ref(self) -> str:
        return f"{self.framework}:{self.requirement}"

    def expired(self, day: date) -> bool:
        return day > self.expires

    def future(self, day: date) -> bool:
        """Dated after ``day``: not in force yet (an attestation is in force from its date to its expiry)."""
        return day < self.date


@dataclass(frozen=True)
class ExceptionsFile:
    path: Path
    sha256: str
    exceptions: tuple[ExceptionEntry, ...]
    attestations: tuple[Attestation, ...]


# ------------------------------------------------------------------------------------------------- reading


def _account(account: str) -> str | None:
    if account == "*" or (account.isdigit() and len(account) == 12):
        return None
    return f"must be a 12-digit account id or '*', not {account!r} (quote it so YAML keeps leading zeros)"


def _resource_pattern(resource: str) -> str | None:
    if resource.startswith("re:"):
        try:
            re.compile(resource[3:])
        except re.error as exc:
            return f"is not a valid regular expression: {exc}"
    return None


@dataclass(frozen=True, kw_only=True)
class ExceptionFields:
    """One entry of ``exceptions:`` as written."""

    control: str | None = rule(
        "label", required=False, null_is_default=False, help="control id or glob (`iam_user_*`); default every control"
    )
    resource: str | None = rule(
        "label",
        required=False,
        null_is_default=False,
        check=_resource_pattern,
        help="glob, or `re:<regex>` (full match); default every resource",
    )
    account: str = rule("label", check=_account, help="12-digit account id, or `*`")
    reason: str = rule("label")
    approver: str = rule("label")
    ticket: str = rule("label")
    expires: date = rule("date", help="last day the exception applies")

    def problem(self) -> tuple[None, str] | None:
        if self.control is None and self.resource is None:
            return None, (
                "give 'control' or 'resource' (or both); an exception for everything in an account is not allowed"
            )
        return None


@dataclass(frozen=True, kw_only=True)
class AttestationFields:
    """One entry of ``attestations:`` as written; the requirement must exist and have no control."""

    framework: str = rule("label", help="framework id (`iamsql frameworks`)")
    requirement: str = rule("label", help="requirement id in that framework")
    attested_by: str = rule("label")
    date: date = rule("date")
    evidence: str = rule("label")
    expires: date = rule("date")

    def problem(self) -> tuple[str, str] | None:
        if self.expires < self.date:
            return "expires", f"'expires' ({self.expires}) is before 'date' ({self.date}): the attestation was never in force"
        try:
            requirement = get_framework(self.framework).requirement(self.requirement)
        except MappingError as exc:
            return ("framework" if "unknown framework" in str(exc) else "requirement"), str(exc)
        if requirement.controls:
            return "requirement", (
                f"{requirement.ref} is assessed by controls ({', '.join(requirement.controls)}); "
                "attest only requirements without one, and use an exception for accepted findings"
            )
        return None


@dataclass(frozen=True, kw_only=True)
class ExceptionsFields:
    """The file: two lists of entries, each optional."""

    exceptions: list | None = rule("entries", required=False)
    attestations: list | None = rule("entries", required=False)


def read_exceptions(path: str | Path) -> ExceptionsFile:
    """Read an exceptions file and validate each entry against its model; any problem raises ExceptionsFileError
    with ``file:line:``."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ExceptionsFileError(f"cannot read exceptions file {path}: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ExceptionsFileError(f"{path}: not UTF-8 text") from None
    try:
        root = load_located(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f"{mark.line + 1}:" if mark else ""
        raise ExceptionsFileError(f"{path}:{line} not valid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise ExceptionsFileError(f"{path}: not valid YAML: {first_line(exc)}") from None
    except RecursionError:
        raise ExceptionsFileError(f"{path}: YAML nested too deeply to read") from None
    sha256 = hashlib.sha256(raw).hexdigest()
    if root is None:
        return ExceptionsFile(path, sha256, (), ())
    top = validate(ExceptionsFields, root, Where(str(path), "the file", ExceptionsFileError))
    exceptions = [
        _exception(entry, _entry_where(path, "exception", top.exceptions, n))
        for n, entry in enumerate(top.exceptions or [], 1)
    ]
    attestations = [
        _attestation(entry, _entry_where(path, "attestation", top.attestations, n))
        for n, entry in enumerate(top.attestations or [], 1)
    ]
    _check_duplicates(path, exceptions, attestations)
    return ExceptionsFile(path, sha256, tuple(exceptions), tuple(attestations))


def _entry_where(path: Path, kind: str, entries: list, number: int) -> Where:
    """Messages about entry ``number`` of a list: ``file:line: exception 2: ...``."""
    what = f"{kind} {number}"
    return Where(str(path), what, ExceptionsFileError, context=f"{what}: ", line=entries.lines[number - 1])


def _exception(data: Any, where: Where) -> ExceptionEntry:
    entry = validate(ExceptionFields, data, where)
    control, resource = entry.control or "*", entry.resource or "*"
    key = json.dumps([control, resource, entry.account, entry.ticket])
    return ExceptionEntry(
        exception_id="EXC-" + hashlib.sha256(key.encode()).hexdigest()[:10],
        line=data.line,
        control=control,
        resource=resource,
        account=entry.account,
        reason=entry.reason,
        approver=entry.approver,
        ticket=entry.ticket,
        expires=entry.expires,
    )


def _attestation(data: Any, where: Where) -> Attestation:
    entry = validate(AttestationFields, data, where)
    return Attestation(
        line=data.line,
        framework=entry.framework,
        requirement=entry.requirement,
        attested_by=entry.attested_by,
        evidence=entry.evidence,
        date=entry.date,
        expires=entry.expires,
    )


def _check_duplicates(path: Path, exceptions: list[ExceptionEntry], attestations: list[Attestation]) -> None:
    seen: dict[str, int] = {}
    for item in exceptions:
        if item.exception_id in seen:
            raise ExceptionsFileError(
                f"{path}:{item.line}: same control, resource, account and ticket as the "
                f"exception on line {seen[item.exception_id]}"
            )
        seen[item.exception_id] = item.line
    refs: dict[str, int] = {}
    for item in attestations:
        if item.ref in refs:
            raise ExceptionsFileError(f"{path}:{item.line}: {item.ref} is already attested on line {refs[item.ref]}")
        refs[item.ref] = item.line


# ------------------------------------------------------------------------------------------------- applying


@dataclass
class Applied:
    """What an exceptions file does to one run: excepted findings and each entry's state."""

    run_id: int
    day: date  # the day expiry is judged on: that of the run's data (UTC)
    excepted: dict[str, ExceptionEntry]  # finding_id -> the exception that applies
    matches: dict[str, int]  # exception_id -> alarms matched (for expired ones: alarms it would have matched)
    exceptions: tuple[ExceptionEntry, ...]
    attestations: tuple[Attestation, ...]
    matched: bool = True  # False: no check run to match against, so no exception is ``unused``

    def state(self, item: ExceptionEntry | Attestation) -> str:
        """``active``, ``expired``, (exceptions only) ``unused`` or (attestations only) ``future``: dated after
        the day of the run's data, not in force for it."""
        if item.expired(self.day):
            return "expired"
        if isinstance(item, Attestation) and item.future(self.day):
            return "future"
        if isinstance(item, ExceptionEntry) and self.matched and not self.matches.get(item.exception_id):
            return "unused"
        return "active"


def evaluate(con: duckdb.DuckDBPyConnection, run_id: int, file: ExceptionsFile) -> Applied:
    """Match a run's alarms against the file, judging expiry on the day of its data. Nothing is written."""

    day = data_day(con, run_id)
    rows = con.execute(
        "select finding_id, control_id, account_id, resource from iamsql_result "
        "where run_id = ? and status = 'alarm' order by finding_id",
        [run_id],
    ).fetchall()
    excepted: dict[str, ExceptionEntry] = {}
    matches = dict.fromkeys((e.exception_id for e in file.exceptions), 0)
    for finding, control_id, account_id, resource in rows:
        applied = False
        for item in file.exceptions:
            if item.matches(control_id, account_id, resource):
                matches[item.exception_id] += 1
                if not applied and not item.expired(day):
                    excepted[finding] = item
                    applied = True
    return Applied(run_id, day, excepted, matches, file.exceptions, file.attestations)


def data_day(con: duckdb.DuckDBPyConnection, run_id: int) -> date:
    """The UTC day of the data a check run read (its newest snapshot time; its start when it read no account): the
    day its exceptions and attestations are judged on."""
    found = con.execute("select coalesce(as_of, started_at) from iamsql_run where run_id = ?",
                        [run_id]).fetchone() if has_table(con, "iamsql_run") else None
    if found is None:
        raise HistoryError(no_such_run(con, run_id))
    return found[0].astimezone(timezone.utc).date()


def warnings(applied: Applied, unknown: Collection[str] = ()) -> list[str]:
    """One line per exception or attestation that is expired, and per exception that matched nothing but those of
    ``unknown`` (ids of exceptions whose control names no control: ``unknown_controls`` says why they match nothing,
    and "remove it if the finding is fixed" would be wrong advice for a typo)."""
    lines = []
    for item in applied.exceptions:
        state = applied.state(item)
        if state == "expired":
            count = applied.matches.get(item.exception_id, 0)
            lines.append(
                f"exception {item.exception_id} (line {item.line}, {item.ticket}) expired on {item.expires}"
                + (
                    ": it no longer applies"
                    if not applied.matched
                    else f": its {count} alarm(s) count again"
                    if count
                    else ": it matches no alarm either: remove it"
                )
            )
        elif state == "unused" and item.exception_id not in unknown:
            lines.append(
                f"exception {item.exception_id} (line {item.line}, {item.ticket}) matched no alarm: "
                "remove it if the finding is fixed"
            )
    for item in applied.attestations:
        if applied.state(item) == "expired":
            lines.append(
                f"attestation of {item.ref} (line {item.line}) expired on {item.expires}: the requirement "
                "is manual again"
            )
        elif applied.state(item) == "future":
            lines.append(
                f"attestation of {item.ref} (line {item.line}) is dated {item.date}, after the run's data "
                f"({applied.day}): not in force for this run, the requirement stays manual"
            )
    return lines


def apply(con: duckdb.DuckDBPyConnection, run_id: int, file: ExceptionsFile | None) -> Applied:
    """Evaluate the file against a run and store the outcome for that run, in one transaction (replacing any
    earlier outcome for the run). ``None`` stores that the run had no exceptions. The run tables must exist
    (``runs.ensure_schema``, which the caller has run before its check)."""
    file = file or ExceptionsFile(Path(), "", (), ())
    applied = evaluate(con, run_id, file)
    with transaction(con, lambda: f"exceptions of check run {run_id}"):
        for table in ("iamsql_result_exception", "iamsql_run_exception", "iamsql_run_attestation"):
            con.execute(f"delete from {table} where run_id = ?", [run_id])
        if applied.excepted:
            con.executemany(
                "insert into iamsql_result_exception values (?, ?, ?, ?)",
                [[run_id, finding, item.exception_id, item.reason] for finding, item in applied.excepted.items()],
            )
        if file.exceptions:
            con.executemany(
                "insert into iamsql_run_exception values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    [
                        run_id,
                        e.exception_id,
                        e.line,
                        e.control,
                        e.resource,
                        e.account,
                        e.reason,
                        e.approver,
                        e.ticket,
                        e.expires,
                        applied.state(e),
                        applied.matches[e.exception_id],
                    ]
                    for e in file.exceptions
                ],
            )
        if file.attestations:
            con.executemany(
                "insert into iamsql_run_attestation values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    [
                        run_id,
                        a.framework,
                        a.requirement,
                        a.line,
                        a.attested_by,
                        a.date,
                        a.evidence,
                        a.expires,
                        applied.state(a),
                    ]
                    for a in file.attestations
                ],
            )
    return applied


def review(
    con: duckdb.DuckDBPyConnection | None, file: ExceptionsFile, run_id: int | None = None
) -> tuple[list[str], list[tuple], str, list[str]]:
    """Rows for ``iamsql exceptions check``: each entry with its state and matches against a stored run (default
    the latest), a note and the warnings ``evidence run`` would print (``warnings``); without a database or run,
    states are judged at today's date and matches are not known."""

    known = [r["run_id"] for r in runs(con)] if con is not None else []
    if run_id is None and known:
        run_id = known[-1]
    if run_id is not None and con is not None:
        applied = evaluate(con, run_id, file)
        note = (
            f"{len(file.exceptions)} exception(s), {len(file.attestations)} attestation(s); matched against "
            f"check run {run_id} (expiry judged on the day of its data, {applied.day})"
        )
    else:
        applied = Applied(0, datetime.now(timezone.utc).date(), {}, {}, file.exceptions, file.attestations,
                          matched=False)
        note = (
            f"{len(file.exceptions)} exception(s), {len(file.attestations)} attestation(s); no check run to "
            f"match against: expiry judged at today's date ({applied.day})"
        )
    columns = ["entry", "line", "scope", "expires", "state", "alarms_matched"]
    rows = [
        (
            e.exception_id,
            e.line,
            f"{e.control} | {e.resource} | {e.account}",
            e.expires,
            applied.state(e),
            applied.matches.get(e.exception_id),
        )
        for e in file.exceptions
    ]
    rows += [("attestation", a.line, a.ref, a.expires, applied.state(a), None) for a in file.attestations]
    unknown = unknown_controls(con, file, run_id)
    return columns, rows, note, warnings(applied, unknown) + list(unknown.values())


def unknown_controls(con: duckdb.DuckDBPyConnection | None, file: ExceptionsFile,
                     run_id: int | None = None) -> dict[str, str]:
    """A line per exception (by id) whose ``control`` is a plain id (no glob) that names neither a shipped control
    nor one the check run ran (``--queries``, Sigma): a typo that would leave the exception ``unused`` for good."""
    known = {path.stem for path in QUERIES_DIR.glob("*.sql")}
    if con is not None:
        ids = [r["run_id"] for r in runs(con)]
        run_id = run_id if run_id is not None else (ids[-1] if ids else None)
        if run_id is not None:
            known |= run_controls(con, run_id)
    lines = {}
    for item in file.exceptions:
        if not item.control or any(c in item.control for c in "*?[") or item.control in known:
            continue
        close = difflib.get_close_matches(item.control, sorted(known), n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        lines[item.exception_id] = (f"{file.path}:{item.line}: exception {item.exception_id}: no control "
                                    f"{item.control!r}{hint}; it can match nothing")
    return lines


# ------------------------------------------------------------------------------------------------- reading back


def stored_exceptions(con: duckdb.DuckDBPyConnection, run_id: int) -> list[dict[str, Any]]:
    """The exceptions stored for a run, in file order, with their state and match count."""
    return _dicts(con, "select * exclude (run_id) from iamsql_run_exception where run_id = ? order by line", run_id)


def stored_attestations(con: duckdb.DuckDBPyConnection, run_id: int) -> list[dict[str, Any]]:
    return _dicts(con, "select * exclude (run_id) from iamsql_run_attestation where run_id = ? order by line", run_id)


# The run's excepted findings (named parameter ``$run_id``), one row each: the exception that covered it (the
# first by id, should two match) with its reason, approver, ticket and expiry.
EXCEPTED_FINDINGS = """
    select x.finding_id, x.exception_id, x.reason, e.approver, e.ticket, e.expires
    from iamsql_result_exception x
    left join iamsql_run_exception e on e.run_id = x.run_id and e.exception_id = x.exception_id
    where x.run_id = $run_id
    qualify row_number() over (partition by x.finding_id order by x.exception_id) = 1
"""


def excepted_findings(con: duckdb.DuckDBPyConnection, run_id: int) -> dict[str, dict[str, Any]]:
    """finding_id -> {exception_id, reason, approver, ticket, expires} for the run's excepted findings."""
    rows = _dicts(con, EXCEPTED_FINDINGS, {"run_id": run_id})
    return {row.pop("finding_id"): row for row in rows}


def attested_requirements(con: duckdb.DuckDBPyConnection, run_id: int) -> set[str]:
    """``framework:requirement`` refs with an attestation that was in force on the day of the run's data."""
    return {f"{a['framework']}:{a['requirement']}" for a in stored_attestations(con, run_id) if a["state"] == "active"}


def _dicts(con: duckdb.DuckDBPyConnection, sql: str, params: int | dict) -> list[dict[str, Any]]:
    """The rows as dicts; ``params`` is the run id (one ``?``) or named parameters."""

    if not has_table(con, "iamsql_run_exception"):
        return []
    cursor = con.execute(sql, params if isinstance(params, dict) else [params])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]

"""The result contract and the stored runs: what a row must hold, how a run and its rows are written to
``iamsql_run`` / ``iamsql_result`` and read back, the exit code, and the check's output (summary and tables)."""

from __future__ import annotations

import hashlib
import json
import re
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from decimal import Decimal
from operator import itemgetter
from pathlib import Path
from typing import Any

import duckdb
import numpy

from iamsql import __version__
from iamsql.common.clock import current_user
from iamsql.controls.catalog import RESULT_COLUMNS, SEVERITIES, STATUSES, Control, load_controls
from iamsql.errors import ControlError
from iamsql.frameworks import (
    chosen_mappings,
    counted_by_account,
    framework_summary,
    load_frameworks,
    percent,
    requirement_status,
    requirements_for_control,
)
from iamsql.history.runs import run_controls
from iamsql.sql.output import FORMATS, render, terminal_width
from iamsql.store.bookkeeping import RUN_DDL
from iamsql.store.db import transaction

# --fail-on when not given, for `check` and `evidence run` alike: the stricter of the two earlier defaults, any
# alarm fails (as Powerpipe's benchmark run, whose exit code counts alarms).
DEFAULT_FAIL_ON = "info"


def contract_problem(names: list[str], rows: list[tuple]) -> str | None:
    """What breaks the result contract in a control's rows (None: nothing). Checked column by column (set
    operations, C loops); only when something is wrong is the first offending row looked up for the message."""
    missing = [c for c in RESULT_COLUMNS if c not in names]
    if missing:
        return f"missing column(s) {', '.join(missing)}"
    if len(set(names)) != len(names):
        return "duplicate column names"
    if _columns_keep_contract(names, list(zip(*rows))):
        return None
    index = {n: i for i, n in enumerate(names)}
    for row in rows:
        if row[index["status"]] not in STATUSES:
            return f"status {row[index['status']]!r} is not one of {', '.join(STATUSES)}"
        for column in ("resource", "reason"):
            if row[index[column]] in (None, ""):
                return f"a row has an empty {column}"
        for name, value in zip(names, row):
            if isinstance(value, list | dict | tuple):
                return f"column {name!r} is not a scalar (dimensions must be single values)"
    return None


def _columns_keep_contract(names: list[str], columns: list[tuple]) -> bool:
    """Whether the columns of a control's rows keep the contract: every status one of ``STATUSES``, no resource
    or reason NULL or empty, no list, dict or tuple anywhere."""
    if not columns:
        return True
    by_name = dict(zip(names, columns))
    try:
        if not set(by_name["status"]) <= set(STATUSES):
            return False
    except TypeError:  # an unhashable status: not a status
        return False
    if any(None in by_name[c] or "" in by_name[c] for c in ("resource", "reason")):
        return False
    return not any(issubclass(kind, list | dict | tuple) for column in columns for kind in set(map(type, column)))


def plain_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def finding_id(control_id: str, account_id: str | None, region: str | None, resource: str | None) -> str:
    """Stable id of one finding across runs: short SHA-256 of control|account|region|resource."""
    return finding_ids(control_id, [(account_id, region, resource)])[0]


def finding_ids(control_id: str, keys: Iterable[tuple[Any, Any, Any]]) -> list[str]:
    """``finding_id`` of one control's (account, region, resource) ``keys``, in one pass."""
    sha256 = hashlib.sha256
    prefix = str(control_id or "") + "|"
    return [
        sha256(f"{prefix}{str(a or '')}|{str(g or '')}|{str(r or '')}".encode()).hexdigest()[:16] for a, g, r in keys
    ]


def result_row(
    control: Control,
    account: Account | None,
    resource: str,
    status: str,
    reason: str,
    *,
    region: str | None = "global",
    account_id: str | None = None,
    dimensions: dict | None = None,
) -> dict:
    account_id = account_id or (account.account_id if account else None)
    region = region if account else None
    return {
        "control_id": control.id,
        "finding_id": finding_id(control.id, account_id, region, resource),
        "resource": str(resource),
        "status": status,
        "reason": str(reason),
        "account_id": account_id,
        "region": region,
        "severity": control.severity,
        "dimensions": dimensions or {},
    }


def result_rows(control: Control, account: Account, names: list[str], fetched: list[tuple]) -> list[dict]:
    """``result_row`` of each row a control fetched for ``account`` (``names``: its columns, which keep the
    contract): the columns besides ``RESULT_COLUMNS`` are the dimensions, their values made plain
    (``plain_value``) only in the columns that hold a date, a time or a decimal."""
    if not fetched:
        return []
    index = {n: i for i, n in enumerate(names)}
    columns = list(zip(*fetched))
    resources, statuses, reasons, account_ids, regions = (columns[index[c]] for c in RESULT_COLUMNS)
    account_ids = [a or account.account_id for a in account_ids]
    dimension_names = [n for n in names if n not in RESULT_COLUMNS]
    if dimension_names:
        dimensions = [
            dict(zip(dimension_names, values))
            for values in zip(*(_plain_column(columns[index[n]]) for n in dimension_names))
        ]
    else:
        dimensions = [{} for _ in fetched]
    control_id, severity = control.id, control.severity
    return [
        {
            "control_id": control_id,
            "finding_id": fid,
            "resource": str(resource),
            "status": status,
            "reason": str(reason),
            "account_id": account_id,
            "region": region,
            "severity": severity,
            "dimensions": dims,
        }
        for fid, resource, status, reason, account_id, region, dims in zip(
            finding_ids(control_id, zip(account_ids, regions, resources)),
            resources,
            statuses,
            reasons,
            account_ids,
            regions,
            dimensions,
        )
    ]


def _plain_column(values: tuple) -> tuple | list:
    """A dimension column with ``plain_value`` applied, when it holds a date, a time or a decimal."""
    if any(issubclass(kind, datetime | date | Decimal) for kind in set(map(type, values))):
        return [plain_value(v) for v in values]
    return values


STAGED_RESULTS = "iamsql_result_staged"  # TEMP table: a run's results as they are found, in order
CONTROL_ROWS = "iamsql_control_rows"  # TEMP table: one control's rows on one account, as its query gave them

# DuckDB integer types: json.dumps writes their Python values as DuckDB casts them to text.
_INTEGER_TYPES = frozenset(
    ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT")
)
_NULL_TYPES = frozenset(("NULL", '"NULL"'))  # an untyped NULL column (a table's column type is quoted)


class RunResults:
    """A run's result rows as they are found, in order, in the TEMP table ``STAGED_RESULTS`` of the run's
    database: rows built in Python are appended in batches, a control's rows that DuckDB computed into
    ``CONTROL_ROWS`` by one INSERT ... SELECT (``add_control_rows``), so they never become Python objects."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.pending: list[dict] = []
        con.execute(RUN_DDL)
        con.execute(f"create or replace temp table {STAGED_RESULTS} as "
                    "select * exclude (run_id) from iamsql_result limit 0")

    def extend(self, rows: Iterable[dict]) -> None:
        self.pending.extend(rows)

    def flush(self) -> None:
        if self.pending:
            _insert_results(self.con, STAGED_RESULTS, self.pending)
            self.pending = []

    def add_control_rows(self, control: Control, account: Account, columns: list[tuple[str, str]]) -> int | None:
        """Append ``control``'s rows in ``CONTROL_ROWS`` (``columns``: their names and DuckDB types) as results
        and return how many; None, adding nothing, when the rows need the Python rules (``result_rows``): a
        column of another type than those ``_dimension_json`` writes as ``json.dumps`` does, a text dimension
        with a character outside printable ASCII, or a row that breaks the contract (whose message names it)."""
        names = [name for name, _ in columns]
        kinds = dict(columns)
        if (
            contract_problem(names, [])
            or any(kinds[c] != "VARCHAR" for c in ("resource", "status", "reason"))
            or any(kinds[c] != "VARCHAR" and kinds[c] not in _NULL_TYPES for c in ("account_id", "region"))
        ):
            return None
        dimensions = [(name, kind) for name, kind in columns if name not in RESULT_COLUMNS]
        values = [_dimension_json(name, kind) for name, kind in dimensions]
        if None in values:
            return None
        statuses = ", ".join(_literal(s) for s in STATUSES)
        unusual = [
            "status is null or status not in (" + statuses + ")",
            "resource is null or resource = ''",
            "reason is null or reason = ''",
            *(f"regexp_matches({_identifier(n)}, '[^ -~]')" for n, kind in dimensions if kind == "VARCHAR"),
        ]
        test = " or ".join(f"({u})" for u in unusual)
        if self.con.execute(f"select bool_or({test}) from {CONTROL_ROWS}").fetchall()[0][0]:
            return None
        self.flush()
        pieces = [f"{_literal(json.dumps(name) + ': ')} || coalesce({value}, 'null')"
                  for (name, _), value in zip(dimensions, values)]
        text = ("'{' || " + " || ', ' || ".join(pieces) + " || '}'") if pieces else "'{}'"
        account_id = "coalesce(nullif(account_id, ''), $account)"
        return self.con.execute(
            f"insert into {STAGED_RESULTS} select $control, "
            f"left(sha256(concat($control, '|', {account_id}, '|', coalesce(region, ''), '|', resource)), 16), "
            f"resource, status, reason, {account_id}, region, $severity, ({text})::json from {CONTROL_ROWS}",
            {"control": control.id, "account": account.account_id, "severity": control.severity},
        ).fetchall()[0][0]

    def control_rows(self) -> list[tuple]:
        """The rows in ``CONTROL_ROWS``, for the Python rules."""
        return self.con.execute(f"select * from {CONTROL_ROWS}").fetchall()

    def has_error(self) -> bool:
        self.flush()
        return bool(self.con.execute(f"select bool_or(status = 'error') from {STAGED_RESULTS}").fetchone()[0])


def _dimension_json(name: str, kind: str) -> str | None:
    """SQL for the JSON text ``json.dumps`` gives a dimension's value (NULL for NULL), for the types it knows:
    text (printable ASCII, checked by the caller: only ``\\`` and ``"`` are escaped), integers and booleans."""
    column = _identifier(name)
    if kind == "VARCHAR":
        return rf"""'"' || replace(replace({column}, '\', '\\'), '"', '\"') || '"'"""
    if kind in _INTEGER_TYPES:
        return f"{column}::varchar"
    if kind == "BOOLEAN":
        return f"case when {column} then 'true' when not {column} then 'false' end"
    if kind in _NULL_TYPES:
        return "null"
    return None


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def store_run(
    con,
    started,
    selected,
    parameters,
    frameworks,
    accounts,
    found: RunResults,
    pack_hash,
    *,
    engine: str = "duckdb",
    snapshot_ids: list[int] | None = None,
    timings: list[tuple[str, str, float, int]] | None = None,
    stored_with: Callable[[int], None] | None = None,
) -> int:
    """Write the run, its results (``found``, which it empties) and its per-control ``timings`` (control id,
    account id, milliseconds, rows) in one transaction. ``engine`` names what executed the SQL; another engine
    passes the ``snapshot_ids`` it read (default: this database's latest snapshots). ``stored_with(run_id)``
    writes more rows in the same transaction (an evidence run its own row: never a check run without it)."""

    has_error = found.has_error()
    run_id = None
    with transaction(con, lambda: f"check run {run_id}" if run_id else "check run"):
        run_id = con.execute("select nextval('iamsql_run_seq')").fetchone()[0]
        if snapshot_ids is None:
            snapshot_ids = (
                [r[0] for r in con.execute("select distinct snapshot_id from iamsql_latest order by 1").fetchall()]
                if accounts
                else []
            )
        con.execute(
            "insert into iamsql_run values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                run_id,
                started,
                datetime.now(timezone.utc),
                max((a.as_of for a in accounts if a.as_of), default=None),
                __version__,
                pack_hash,
                engine,
                current_user(),
                json.dumps(
                    [{"account_id": a.account_id, "as_of": a.as_of.isoformat() if a.as_of else None} for a in accounts]
                ),
                json.dumps(snapshot_ids),
                json.dumps({c.id: parameters[c.id] for c in selected if parameters[c.id]}),
                json.dumps(frameworks or []),
                "error" if has_error else "complete",
                chosen_mappings(),
            ],
        )
        con.execute(f"insert into iamsql_result select {int(run_id)}, * from {STAGED_RESULTS}")
        if timings:
            _insert_timings(con, run_id, timings)
        if stored_with is not None:
            stored_with(run_id)
    con.execute(f"drop table {STAGED_RESULTS}")
    con.execute(f"drop table if exists {CONTROL_ROWS}")
    return run_id


def _insert_timings(con: duckdb.DuckDBPyConnection, run_id: int, timings: list[tuple[str, str, float, int]]) -> None:
    """Insert the per-control timings in one statement, their columns as lists (``executemany`` costs about a
    millisecond per row: a quarter of a CPU-second for the ~200 evaluations of a small account)."""
    control_ids, account_ids, durations, counts = (list(column) for column in zip(*timings, strict=True))
    con.execute(
        "insert into iamsql_run_timing select ?, unnest(?::varchar[]), unnest(?::varchar[]), "
        "unnest(?::double[]), unnest(?::bigint[])",
        [run_id, control_ids, account_ids, durations, counts],
    )


RESULT_FIELDS_STORED = ("control_id", "finding_id", "resource", "status", "reason", "account_id", "region", "severity")


def _insert_results(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict]) -> None:
    """Append result rows to ``table`` (``STAGED_RESULTS``) in one statement from registered NumPy columns
    (``executemany`` costs about a millisecond per row: minutes for a large account's 100,000 results)."""

    columns = {name: numpy.array(list(map(itemgetter(name), rows)), dtype=object) for name in RESULT_FIELDS_STORED}
    columns["dimensions"] = numpy.array(
        [json.dumps(d, default=str) if d else "{}" for d in map(itemgetter("dimensions"), rows)], dtype=object
    )
    con.register("iamsql_result_rows", columns)
    try:
        con.execute(
            f"insert into {table} select "
            + ", ".join(f"{name}::varchar" for name in RESULT_FIELDS_STORED)
            + ", dimensions::varchar::json from iamsql_result_rows"
        )
    finally:
        con.unregister("iamsql_result_rows")


def results(
    con: duckdb.DuckDBPyConnection,
    run_id: int,
    queries_dir: Path | None = None,
    extra_controls: list[Control] | None = None,
    statuses: Iterable[str] = STATUSES,
) -> list[dict]:
    """The stored rows of one run (those of ``statuses``) with each control's title and requirements, ordered
    by control, then status (error, alarm, skip, info, ok), then resource. ``extra_controls`` (Sigma rules) give
    their titles."""
    _check_run(con, run_id)
    cursor = con.execute(
        "select control_id, finding_id, resource, status, reason, account_id, region, severity, dimensions "
        f"from iamsql_result where run_id = ? and list_contains(?, status) order by {RESULT_ORDER}",
        [run_id, list(statuses)],
    )
    stored = cursor.fetchall()
    titles, requirements = _control_texts(dict.fromkeys(row[0] for row in stored), queries_dir, extra_controls)
    # every row's dimensions parsed in one call: a JSON array of the stored texts
    dimensions = json.loads("[" + ",".join(text or "{}" for text in map(itemgetter(8), stored)) + "]")
    return [
        {
            "run_id": run_id,
            "control_id": control_id,
            "title": titles[control_id],
            "severity": severity,
            "status": status,
            "resource": resource,
            "reason": reason,
            "account_id": account_id,
            "region": region,
            "finding_id": finding,
            "requirements": requirements[control_id],
            "dimensions": dims,
        }
        for (control_id, finding, resource, status, reason, account_id, region, severity, _), dims in zip(
            stored, dimensions
        )
    ]


# The order of a run's results: by control, then status (error, alarm, skip, info, ok), account and resource.
RESULT_ORDER = "control_id, list_position(['error', 'alarm', 'skip', 'info', 'ok'], status), account_id, resource"


def _check_run(con: duckdb.DuckDBPyConnection, run_id: int) -> None:
    con.execute(RUN_DDL)
    if not con.execute("select count(*) from iamsql_run where run_id = ?", [run_id]).fetchone()[0]:
        raise ControlError(f"no check run with id {run_id}")


def _control_texts(
    control_ids: Iterable[str], queries_dir: Path | None, extra_controls: list[Control] | None
) -> tuple[dict[str, str | None], dict[str, list[str]]]:
    """Each control's title (None for a control no longer known) and requirements."""
    controls = {c.id: c for c in [*load_controls(queries_dir), *(extra_controls or [])]}
    titles = {}
    requirements: dict[str, list[str]] = {}
    for control_id in control_ids:
        control = controls.get(control_id)
        titles[control_id] = control.title if control else None
        requirements[control_id] = list(requirements_for_control(control_id))
    return titles, requirements


def stored_counts(con: duckdb.DuckDBPyConnection, run_id: int) -> list[dict]:
    """A stored run's results counted per account, control, status and severity (``count``): what the exit code
    (``exit_code``) and the summary (``render_results``) need, without a Python object per result."""
    _check_run(con, run_id)
    return [
        {"account_id": account_id, "control_id": control_id, "status": status, "severity": severity, "count": count}
        for account_id, control_id, status, severity, count in con.execute(
            "select account_id, control_id, status, severity, count(*) from iamsql_result where run_id = ? "
            "group by all",
            [run_id],
        ).fetchall()
    ]


def exit_code(rows: list[dict], fail_on: str) -> int:
    """2 if any control errored; 1 if an alarm's severity is at or above ``fail_on`` (``none``: never); else 0."""
    if fail_on != "none" and fail_on not in SEVERITIES:
        raise ControlError(f"unknown --fail-on {fail_on!r}; choose one of {', '.join(SEVERITIES)} or none")
    if any(r["status"] == "error" for r in rows):
        return 2
    if fail_on != "none" and any(
        r["status"] == "alarm" and SEVERITIES.index(r["severity"]) <= SEVERITIES.index(fail_on) for r in rows
    ):
        return 1
    return 0


SUMMARY_COLUMNS = (
    "framework",
    "controls",
    "total",
    "passed",
    "failed",
    "partial",
    "not_assessed",
    "manual",
    "compliant",
    "coverage",
)


SUMMARY_FORMULA = (
    "compliant = (passed + excepted + attested) / assessed; coverage = assessed / requirements; "
    "assessed = passed + failed + partial + excepted + attested (docs/frameworks.md)"
)


def summary(counted: list[dict], ran: set[str], frameworks: list[str] | None = None,
            attested: Iterable[str] = ()) -> list[tuple]:
    """One line per framework that holds a control of the run (of those given, else of every framework; a run of
    unmapped controls has none, as Powerpipe shows only the benchmarks it ran): the controls the run ran (``ran``,
    ``history.run_controls``) mapped to it, its
    requirements (``total``) by status (``check`` applies no exceptions or attestations, so none are excepted or attested) and its two figures as text (``frameworks.FORMULA``; ``n/a`` when nothing was
    assessed, ``informative`` for SP 800-207), from the statuses of the run's results (``stored_counts``) judged
    per account (``frameworks`` roll-up: the same as the report's)."""

    selected = list(dict.fromkeys(frameworks)) if frameworks else list(load_frameworks())
    by_account = counted_by_account(itemgetter("account_id", "control_id", "status", "count")(c) for c in counted)
    statuses = requirement_status({}, selected, attested=attested, by_account=by_account)
    table = []
    for item in framework_summary(statuses):
        controls = {c for s in statuses if s.requirement.framework == item.framework for c in s.requirement.controls}
        if not controls & ran:
            continue
        table.append(
            (
                item.framework,
                len(controls & ran),
                item.total,
                item.passed,
                item.failed,
                item.partial,
                item.not_assessed,
                item.manual,
                "informative" if item.informative else percent(item.compliant_pct),
                percent(item.coverage_pct),
            )
        )
    return table


def summary_line(row: dict) -> str:
    """One framework's summary in words: ``owasp-nhi-2025: compliant 30.0%, coverage 100.0% (10 of 10
    requirements assessed: 3 passed, 6 failed, 1 partial; 0 not assessed, 0 manual; 26 controls run)``."""
    compliant = "n/a (informative)" if row["compliant"] == "informative" else row["compliant"]
    assessed = row["passed"] + row["failed"] + row["partial"]
    return (
        f"{row['framework']}: compliant {compliant}, coverage {row['coverage']} ({assessed} of {row['total']} "
        f"requirements assessed: {row['passed']} passed, {row['failed']} failed, {row['partial']} partial; "
        f"{row['not_assessed']} not assessed, {row['manual']} manual; {count_of(row['controls'], 'control')} run)"
    )


def count_of(number: int, noun: str) -> str:
    """``1 control``, ``2 controls``."""
    return f"{number} {noun}" + ("" if number == 1 else "s")


def totals_line(counted: list[dict], ran: int) -> str:
    """``all controls: N controls run, M results (a ok, b alarm, ...)`` from ``stored_counts`` and the number of
    controls the run ran (``history.run_controls``: those that returned no row too)."""
    counts = ", ".join(f"{sum(c['count'] for c in counted if c['status'] == s)} {s}" for s in STATUSES)
    return f"all controls: {count_of(ran, 'control')} run, {count_of(sum(c['count'] for c in counted), 'result')} ({counts})"


RESULT_FIELDS = (
    "control_id",
    "title",
    "severity",
    "status",
    "resource",
    "reason",
    "account_id",
    "region",
    "requirements",
    "finding_id",
)


TABLE_STATUSES = ("error", "alarm")


_MISSING = re.compile(r"^No (?P<tables>.+) data is loaded for account \S+; load it to evaluate this control\.$")


def attention_table(con: duckdb.DuckDBPyConnection, run_id: int, header: bool = True) -> str:
    """``table`` output of a stored run: the rows that need attention, most urgent first (errors, then alarms by
    severity, critical first, then by control, account and resource), then one line per account with its skipped
    controls (``skipped_lines``). An ``account_id`` column (Powerpipe's account dimension) is shown when a control
    has rows of one resource in several accounts (an AWS managed policy), which would otherwise be one line twice;
    left out, the table fits an 80-column terminal. Only the columns shown are read, sorted by DuckDB."""
    _check_run(con, run_id)
    fields = ("control_id", "severity", "status", "account_id", "resource", "reason")
    shown = con.execute(
        f"select {', '.join(fields)} from iamsql_result where run_id = ? and list_contains(?, status) "
        "order by list_position(?, status), coalesce(list_position(?, severity), ?), control_id, "
        "coalesce(account_id, ''), coalesce(resource, ''), reason",
        [run_id, list(TABLE_STATUSES), list(TABLE_STATUSES), list(SEVERITIES), len(SEVERITIES) + 1],
    ).fetchall()
    if len({(row[0], row[4]) for row in shown}) == len(shown):  # no resource of a control shown twice
        fields = fields[:3] + fields[4:]
        shown = [row[:3] + row[4:] for row in shown]
    text = render(list(fields), shown, "table", header=header, whole=("control_id",)) if shown else ""
    skips = con.execute(
        "select control_id, status, reason, account_id from iamsql_result where run_id = ? and status = 'skip'",
        [run_id],
    ).fetchall()
    skipped = skipped_lines([dict(zip(("control_id", "status", "reason", "account_id"), row)) for row in skips])
    if skipped:
        text += ("\n" if text else "") + "".join(_wrapped(line) for line in skipped)
    return text


def skipped_lines(rows: list[dict], shown: int = 3) -> list[str]:
    """One line per account with skipped controls: ``<account>: N controls skipped: <reasons>``: the tables not
    loaded with how many controls need each, then up to ``shown`` other reasons (shortened) and how many more."""
    per_account: dict[str, tuple[dict[str, set[str]], dict[str, set[str]]]] = {}
    for r in rows:
        if r["status"] != "skip":
            continue
        missing, other = per_account.setdefault(r["account_id"] or "all accounts", ({}, {}))
        found = _MISSING.match(r["reason"] or "")
        if found:
            for table in found["tables"].split(", "):
                missing.setdefault(table, set()).add(r["control_id"])
        else:
            other.setdefault(" ".join((r["reason"] or "no reason given").split()), set()).add(r["control_id"])
    lines = []
    for account in sorted(per_account):
        missing, other = per_account[account]
        controls = set().union(*missing.values(), *other.values())
        parts = []
        if missing:
            parts.append("not loaded: " + ", ".join(f"{t} ({len(ids)})" for t, ids in _by_count(missing)))
        reasons = [reason if len(reason) <= 90 else reason[:89] + "…" for reason, _ in _by_count(other)]
        parts += reasons[:shown]
        if len(reasons) > shown:
            parts.append(f"{len(reasons) - shown} other reason(s)")
        lines.append(
            f"{account}: {len(controls)} control{'s' if len(controls) != 1 else ''} skipped: " + "; ".join(parts)
        )
    return lines


def _by_count(groups: dict[str, set[str]]) -> list[tuple[str, set[str]]]:
    return sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))


def render_results(
    con: duckdb.DuckDBPyConnection,
    run_id: int,
    counted: list[dict],
    fmt: str,
    frameworks: list[str] | None = None,
    queries_dir: Path | None = None,
    extra_controls: list[Control] | None = None,
    *,
    header: bool = True,
) -> tuple[str, str]:
    """(results, summary) of a stored run as text (``counted``: its ``stored_counts``); ``header`` as ``render``
    takes it. ``none``, ``json`` and ``csv`` give no text (Powerpipe's benchmark JSON and CSV are report formats);
    ``jsonl`` is one result object per line; ``md`` holds every row; ``table`` shows the rows that need attention
    (errors, then alarms by severity), then one line per account with its skipped controls and why. The summary is one line per
    framework (compliant %, coverage % and the requirement counts, as in the report; a table for ``md``, lines
    wrapped to the terminal otherwise), a line of result counts over all controls, and the formula."""

    if fmt not in (*FORMATS, "none"):
        raise ControlError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt in ("none", "json", "csv"):  # nothing, or Powerpipe's benchmark JSON or CSV, which the report writer builds
        text = ""
    elif fmt == "table":  # only the rows that need attention and the skipped controls
        text = attention_table(con, run_id, header)
    else:
        text = _render_rows(results(con, run_id, queries_dir, extra_controls), fmt, header)
    ran = run_controls(con, run_id)
    table = summary(counted, ran, frameworks)
    if fmt == "md":
        counts = render(list(SUMMARY_COLUMNS), table, "md") + "\n" if table else ""
        counts += totals_line(counted, len(ran)) + "\n" + ("\n" + SUMMARY_FORMULA + "\n" if table else "")
    else:
        counts = "".join(_wrapped(summary_line(dict(zip(SUMMARY_COLUMNS, row)))) for row in table)
        counts += _wrapped(totals_line(counted, len(ran))) + (_wrapped(SUMMARY_FORMULA) if table else "")
    return text, counts


def _render_rows(rows: list[dict], fmt: str, header: bool) -> str:
    """The results of a run in any format but csv (``render_results``)."""
    if fmt in ("json", "jsonl"):
        fields = RESULT_FIELDS + ("dimensions",)
        return render(list(fields), list(map(itemgetter(*fields), rows)), fmt)
    joined = RESULT_FIELDS.index("requirements")  # written as one text, ids separated by spaces
    return render(
        list(RESULT_FIELDS),
        [
            (*values[:joined], " ".join(values[joined]), *values[joined + 1 :])
            for values in map(itemgetter(*RESULT_FIELDS), rows)
        ],
        fmt,
        header=header,
    )


def _wrapped(line: str) -> str:
    """A line of text wrapped to the terminal's width (as tables are, ``terminal_width``: not wrapped where there is
    no terminal), continuation lines indented."""
    width = terminal_width()
    if width is None:
        return line + "\n"
    return textwrap.fill(line, width=max(width, 40), subsequent_indent="  ", break_on_hyphens=False) + "\n"


@dataclass
class Account:
    account_id: str
    partition: str
    as_of: datetime | None
    covered: set[str]  # the tables loaded whole for the account
    partial: dict[str, str] = field(default_factory=dict)  # tables loaded in part only -> why
    whole: dict[str, frozenset[str]] = field(default_factory=dict)  # such a table -> keys whose rows are whole

    @property
    def resource(self) -> str:
        return f"arn:{self.partition}:::{self.account_id}"

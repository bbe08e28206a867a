"""The data of one report, gathered once from the database: the run, its accounts and their data times, the
evidence behind it, every framework requirement with its rolled-up status, the controls, and the findings.

Everything is plain values (str, int, datetime, list, dict) so that each writer (xlsx, csv, json, ocsf, md) only
formats. Findings are streamed from DuckDB in a fixed order, never held in memory all at once: as dicts
(``Report.findings``) or, for sheets, as rows of the columns' values in column order (``Report.finding_rows``).

Extension points (for run history, exceptions...):
- ``Report.finding_columns`` is the list of finding columns every tabular writer shows; append ``Column``s and
  a ``FindingJoin`` to ``Report.finding_joins``: SQL that DuckDB joins to each control's findings, so extra
  columns cost no memory per finding.
- ``xlsx.SHEETS`` is the list of sheet writers, in workbook order.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb

from iamsql import __version__
from iamsql.common.clock import naive_utc
from iamsql.controls.catalog import STATUSES, control_pack_hash, load_controls
from iamsql.errors import MappingError, ReportError
from iamsql.frameworks import (
    FORMULA,
    account_summaries,
    framework_summary,
    get_framework,
    load_frameworks,
    requirement_status,
    use_mappings,
)
from iamsql.history import runs as history
from iamsql.history import waivers as exceptions
from iamsql.history.runs import ready
from iamsql.history.waivers import attested_requirements
from iamsql.store.db import has_table

SEVERITY_ORDER = ("critical", "high", "medium", "low", "info")
STATUS_ORDER = ("error", "alarm", "skip", "info", "ok")  # findings that need attention first
BATCH = 5_000
BATCH_FINDINGS = 20_000  # findings per query in Report.findings and Report.finding_rows
AS_OF_FORMAT = "iamsql:as-of"  # the loader's sources entry that says how a snapshot's data time was found
# The findings' order (of ``Report._finding_sql``'s rows, named f): control, status, account, region, resource.
FINDING_ORDER = (
    f"list_position($control_ids, f.control_id), list_position({list(STATUS_ORDER)!r}, f.status), "
    "f.account_id, f.region, f.resource, f.reason, f.finding_id"
)
CONTROL_TEXTS = ("control_title", "requirements", "remediation")  # a finding's columns from its control


@dataclass(frozen=True)
class Column:
    """A finding column: its key in a finding row, its header, its kind (text, datetime, list, json) and width."""

    key: str
    header: str
    kind: str = "text"
    width: int = 18


FINDING_COLUMNS = (
    Column("finding_id", "Finding ID", width=18),
    Column("status", "Status", width=9),
    Column("severity", "Severity", width=10),
    Column("control_id", "Control", width=34),
    Column("control_title", "Control title", width=40),
    Column("resource", "Resource", width=50),
    Column("reason", "Reason", width=70),
    Column("account_id", "Account", width=14),
    Column("region", "Region", width=11),
    Column("requirements", "Requirements", "list", width=40),
    Column("remediation", "Remediation", width=60),
    Column("evaluated_at", "Data as of (UTC)", "datetime", width=20),
    Column("dimensions", "Details", "json", width=40),
)


@dataclass(frozen=True)
class FindingJoin:
    """Extra finding columns computed by DuckDB. ``sql`` is a query giving at most one row per ``finding_id``
    with the extra columns (named like their ``Column.key``) for the findings of the controls in the list
    ``$control_ids`` in run ``$run_id``; ``params`` are its other named parameters (names unique across joins)."""

    sql: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class FrameworkSection:
    """One framework: its catalog facts, its requirement counts, its two figures (``frameworks.FORMULA``), the
    same per account, and every requirement in catalog order (``id``, ``status``, its controls with their outcome,
    counts and justification)."""

    id: str
    title: str
    version: str
    publisher: str
    source: str
    informative: bool
    total: int
    passed: int
    failed: int
    partial: int
    excepted: int
    not_assessed: int
    manual: int
    attested: int
    assessed: int
    compliant_pct: float | None
    coverage_pct: float | None
    requirements: list[dict]
    accounts: list[dict] = field(default_factory=list)  # per account: account_id, the counts and both figures
    formula: str = FORMULA


@dataclass
class Report:
    run: dict
    accounts: list[dict]
    evidence: list[dict]
    status_counts: dict[str, int]
    frameworks: list[FrameworkSection]
    controls: list[dict]
    finding_count: int
    finding_columns: list[Column] = field(default_factory=lambda: list(FINDING_COLUMNS))
    finding_joins: list[FindingJoin] = field(default_factory=list)
    summary_facts: list[tuple[str, Any]] = field(default_factory=list)  # more (label, value) rows for Summary
    extra: dict[str, Any] = field(default_factory=dict)  # exceptions, attestations, changes (extend_report, below)
    _con: duckdb.DuckDBPyConnection | None = None
    _control_ids: list[str] = field(default_factory=list)
    _control_info: dict[str, dict] = field(default_factory=dict)
    _kept_findings: list[dict] | None = None

    def findings(self, joined: bool = True) -> Iterator[dict]:
        """Every finding of the run (of the selected controls) as a dict keyed like ``finding_columns``, in a
        fixed order: control, status (error, alarm, skip, info, ok), account, region, resource. One query per
        batch of controls of at most ``BATCH_FINDINGS`` findings (a control with more is a batch of its own), with
        the ``finding_joins``, keeps DuckDB's sorts and joins small, so memory does not grow with the run, while a
        small run takes one query. After ``keep_findings``: the findings it read (the dicts are shared: read only).
        ``joined=False``: only the stored result's own columns, without the ``finding_joins`` (history and
        exceptions, whose cost grows with the runs stored), for writers that read none of theirs."""
        if self._kept_findings is not None:
            return iter(self._kept_findings)
        return self._read_findings(joined)

    def keep_findings(self) -> None:
        """Read the findings once and keep them for every later ``findings()`` (several files of one run), when
        they are at most ``BATCH_FINDINGS``: one query's worth, so a large run still streams."""
        if self._kept_findings is None and self.finding_count <= BATCH_FINDINGS:
            self._kept_findings = list(self._read_findings())

    def _read_findings(self, joined: bool = True) -> Iterator[dict]:
        """``findings()`` from the database."""
        evaluated = {a["account_id"]: a["evaluated_at"] for a in self.accounts}
        sql = f"select * from ({self._finding_sql(joined)}) f order by {FINDING_ORDER}"
        for cursor in self._finding_batches(sql, joined=joined):
            names = [d[0] for d in cursor.description]
            while batch := cursor.fetchmany(BATCH):
                for values in batch:
                    row = dict(zip(names, values))
                    info = self._control_info[row["control_id"]]
                    row["control_title"] = info["title"]
                    row["requirements"] = info["requirements"]
                    row["remediation"] = info["remediation"]
                    row["evaluated_at"] = evaluated.get(row["account_id"])
                    row["dimensions"] = json.loads(row["dimensions"]) if row["dimensions"] else {}
                    yield row

    def finding_rows(self) -> Iterator[tuple | list]:
        """The findings of ``findings()``, in its order, each as the values of ``finding_columns`` in their order,
        as a sheet shows them: a control's requirements as lines of text, details (json columns) as
        ``details_text``, datetimes in UTC without a time zone. DuckDB joins the controls' texts and the accounts'
        data times and puts the columns in order, so a finding costs no dict and no time zone in Python. After
        ``keep_findings``: the findings it read, made into rows in Python (a small run: no second query)."""
        if self._kept_findings is not None:
            yield from self._kept_rows()
            return
        if not self._control_ids:
            return
        found = self._finding_sql()
        evaluated = {
            a["account_id"]: naive_utc(a["evaluated_at"]) if a["evaluated_at"] else None for a in self.accounts
        }
        texts = {
            "info_ids": list(self._control_info),
            "info_titles": [c["title"] for c in self._control_info.values()],
            "info_requirements": ["\n".join(map(str, c["requirements"])) for c in self._control_info.values()],
            "info_remediations": [c["remediation"] for c in self._control_info.values()],
            "account_ids": list(evaluated),
            "account_times": list(evaluated.values()),
        }
        types = dict(
            row[:2]
            for row in self._con.execute(
                f"describe {found}",
                {**self._join_params(), "run_id": self.run["run_id"], "control_ids": self._control_ids},
            ).fetchall()
        )
        values = ", ".join(_row_value(c.key, types) for c in self.finding_columns)
        sql = f"""
            select {values}
            from ({found}) f
            left join (select unnest($info_ids::varchar[]) as control_id,
                              unnest($info_titles::varchar[]) as control_title,
                              unnest($info_requirements::varchar[]) as requirements,
                              unnest($info_remediations::varchar[]) as remediation) c on c.control_id = f.control_id
            left join (select unnest($account_ids::varchar[]) as account_id,
                              unnest($account_times::timestamp[]) as evaluated_at) a on a.account_id = f.account_id
            order by {FINDING_ORDER}
        """
        details = [i for i, c in enumerate(self.finding_columns) if c.kind == "json"]
        for cursor in self._finding_batches(sql, texts):
            while batch := cursor.fetchmany(BATCH):
                if not details:
                    yield from batch
                    continue
                for row in batch:
                    row = list(row)
                    for i in details:
                        row[i] = details_text(row[i])
                    yield row

    def _kept_rows(self) -> Iterator[list]:
        """``finding_rows`` from the kept findings: the same values as DuckDB gives them there (a column's values
        have one type, its first value's)."""
        kept = self._kept_findings or []
        keys = [column.key for column in self.finding_columns]
        details = [i for i, column in enumerate(self.finding_columns) if column.kind == "json"]
        lines = [i for i, key in enumerate(keys) if key == "requirements"]
        firsts = [next((f[key] for f in kept if f.get(key) is not None), None) for key in keys]
        times = [i for i, first in enumerate(firsts) if isinstance(first, datetime)]
        utc: dict[datetime, datetime] = {}  # most findings share their times (the run's, the account's)
        for finding in kept:
            row = [finding.get(key) for key in keys]
            for i in lines:
                row[i] = "\n".join(map(str, row[i]))
            for i in details:
                row[i] = details_of(row[i]) if isinstance(row[i], dict) else details_text(row[i])
            for i in times:
                if (value := row[i]) is not None:
                    row[i] = utc.get(value) or utc.setdefault(value, naive_utc(value))
            yield row

    def _finding_sql(self, joined: bool = True) -> str:
        """The findings (unordered) of the controls in the list ``$control_ids`` of run ``$run_id``, with the
        ``finding_joins``' columns unless not ``joined``."""
        finding_joins = self.finding_joins if joined else []
        extra_columns = "".join(f", j{n}.* exclude (finding_id)" for n in range(len(finding_joins)))
        joins = "".join(
            f" left join ({join.sql}) j{n} on j{n}.finding_id = r.finding_id"
            for n, join in enumerate(finding_joins)
        )
        return f"""
            select r.finding_id, r.status, r.severity, r.control_id, r.resource, r.reason, r.account_id, r.region,
                   r.dimensions{extra_columns}
            from iamsql_result r{joins}
            where r.run_id = $run_id and list_contains($control_ids, r.control_id)
        """

    def _join_params(self) -> dict[str, Any]:
        """The named parameters of every ``finding_joins`` query."""
        return {key: value for join in self.finding_joins for key, value in join.params.items()}

    def _finding_batches(self, sql: str, params: dict[str, Any] | None = None, *,
                         joined: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
        """``sql`` (over ``_finding_sql``, ``joined`` or not) run per batch of controls (``_control_batches``); yields
        each cursor."""
        shared = {**(self._join_params() if joined else {}), **(params or {}), "run_id": self.run["run_id"]}
        for control_ids in self._control_batches():
            # On the report's own connection (a cursor would not see its TEMP tables): nothing else may query it
            # while the findings are being read.
            yield self._con.execute(sql, {**shared, "control_ids": control_ids})

    def _control_batches(self) -> Iterator[list[str]]:
        """The selected controls in order, cut into consecutive batches of at most ``BATCH_FINDINGS`` findings."""
        counts = dict(
            self._con.execute(
                "select control_id, count(*) from iamsql_result where run_id = ? group by control_id",
                [self.run["run_id"]],
            ).fetchall()
        )
        batch: list[str] = []
        size = 0
        for control_id in self._control_ids:
            count = counts.get(control_id, 0)
            if batch and size + count > BATCH_FINDINGS:
                yield batch
                batch, size = [], 0
            batch.append(control_id)
            size += count
        if batch:
            yield batch


def _row_value(key: str, types: dict[str, str]) -> str:
    """The SQL of one column of ``Report.finding_rows``: a control's text, an account's data time, a finding's
    value (a time with a time zone as UTC without one), NULL for a column no query gives."""
    if key in CONTROL_TEXTS:
        return f"c.{key}"
    if key == "evaluated_at":
        return "a.evaluated_at"
    if key not in types:
        return "null"
    return f"timezone('UTC', f.{key})" if types[key] == "TIMESTAMP WITH TIME ZONE" else f"f.{key}"


@lru_cache(maxsize=4096)  # findings of a control mostly share their details
def details_text(document: str | None) -> str | None:
    """A finding's details (JSON text of an object) as sheets show them: ``key=value; ...`` by key, None when
    there are none."""
    return details_of(json.loads(document) if document else {})


def details_of(value: dict) -> str | None:
    """A finding's details (an object) as sheets show them: ``key=value; ...`` by key, None when there are none."""
    return "; ".join(f"{k}={v}" for k, v in sorted(value.items())) if value else None


def build_report(
    con: duckdb.DuckDBPyConnection,
    *,
    run_id: int | None = None,
    frameworks: list[str] | None = None,
    queries_dir: Path | None = None,
    extra_controls: list | None = None,
) -> Report:
    """Gather one run (default: the latest) for the given frameworks (default: all)."""
    run = _run(con, run_id)
    selected = [get_framework(f).id for f in dict.fromkeys(frameworks)] if frameworks else list(load_frameworks())
    counts, by_account = _counts(con, run)
    controls = {c.id: c for c in [*load_controls(queries_dir), *(extra_controls or [])]}
    run["current_pack_hash"] = control_pack_hash(queries_dir, extra_controls or ())

    attested = attested_requirements(con, run["run_id"])
    statuses = requirement_status(counts, selected, attested=attested, by_account=by_account)
    sections = _framework_sections(selected, statuses, counts, account_summaries(by_account, selected, attested))

    requirements = requirements_by_control(sections)
    # With --framework, the report is about those frameworks: only the controls mapped to them.
    control_ids = sorted(cid for cid in counts if not frameworks or requirements.get(cid))
    control_rows = [
        _control_row(cid, controls.get(cid), run["parameters"].get(cid, {}), counts[cid], requirements.get(cid, []))
        for cid in control_ids
    ]
    status_counts = {s: sum(counts[cid][s] for cid in control_ids) for s in STATUSES}
    accounts = _accounts(con, run)
    report = Report(
        run=run,
        accounts=accounts,
        evidence=_evidence(con, run),
        status_counts=status_counts,
        frameworks=sections,
        controls=control_rows,
        finding_count=sum(status_counts.values()),
        _con=con,
        _control_ids=control_ids,
        _control_info={c["control_id"]: c for c in control_rows},
    )

    extend_report(con, report)
    return report


def requirements_by_control(sections: list[FrameworkSection]) -> dict[str, list[str]]:
    """For each control, the requirements mapped to it (``framework:requirement``, in the sections' order)."""
    found: dict[str, list[str]] = {}
    for section in sections:
        for r in section.requirements:
            for control_id in dict.fromkeys(c["id"] for c in r["controls"]):
                found.setdefault(control_id, []).append(f"{section.id}:{r['id']}")
    return found


# ------------------------------------------------------------------------------------------------ the run


def _run(con: duckdb.DuckDBPyConnection, run_id: int | None) -> dict:
    if not has_table(con, "iamsql_run") or not has_table(con, "iamsql_result"):
        raise ReportError("this database has no check run yet: run 'iamsql check' first")
    if run_id is None:
        run_id = con.execute("select max(run_id) from iamsql_run").fetchone()[0]
        if run_id is None:
            raise ReportError("this database has no check run yet: run 'iamsql check' first")
    cursor = con.execute("select * from iamsql_run where run_id = ?", [run_id])
    found = cursor.fetchone()
    if found is None:
        raise ReportError(history.no_such_run(con, run_id))
    run = dict(zip([d[0] for d in cursor.description], found))
    for key, empty in (("accounts", []), ("snapshot_ids", []), ("parameters", {}), ("frameworks", [])):
        run[key] = json.loads(run[key]) if run[key] else empty
    run["report_tool_version"] = __version__
    return run


def use_run_mappings(con: duckdb.DuckDBPyConnection, run_id: int | None) -> None:
    """Read the mappings folder the run (default: the latest) used, stored with it; the shipped ones when it used
    those."""
    run = _run(con, run_id)
    folder = run.get("mappings")  # absent from runs stored before runs kept it
    try:
        use_mappings(Path(folder) if folder else None)
    except MappingError as exc:
        raise ReportError(f"check run {run['run_id']} used the mappings in {folder}, which cannot be read now "
                          f"({exc}); pass --mappings") from None


def _counts(con: duckdb.DuckDBPyConnection, run: dict) -> tuple[dict, dict]:
    """Result counts of the run per control (``{control_id: {status: n, "excepted": n}}``) over all accounts, and
    the same per account (``{account_id: {control_id: counts}}``). ``excepted`` counts the alarms an exception in
    force covered. Rows of no account (a control that failed before reaching any account) count for every
    account of the run."""

    ready(con)  # the exception tables exist (as TEMP tables for databases from before them)
    rows = con.execute(
        """
        select r.account_id, r.control_id, r.status, count(*),
               count(*) filter (where r.status = 'alarm' and x.finding_id is not null)
        from iamsql_result r
        left join (select distinct finding_id from iamsql_result_exception where run_id = $run_id) x
               on x.finding_id = r.finding_id
        where r.run_id = $run_id group by all
        """,
        {"run_id": run["run_id"]},
    ).fetchall()
    names = list(dict.fromkeys([*(a["account_id"] for a in run["accounts"]), *(a for a, *_ in rows if a)]))
    total: dict[str, dict[str, int]] = {}
    by_account: dict[str, dict[str, dict[str, int]]] = {account: {} for account in names}
    for account, control_id, status, n, excepted in rows:
        for target in [total, *(by_account[a] for a in ([account] if account else names))]:
            per = target.setdefault(control_id, dict.fromkeys((*STATUSES, "excepted"), 0))
            per[status] += n
            per["excepted"] += excepted
    return total, by_account


# ------------------------------------------------------------------------------------------- frameworks


def _framework_sections(
    selected: list[str], statuses, counts: dict[str, dict[str, int]], per_account: list
) -> list[FrameworkSection]:
    summaries = {s.framework: s for s in framework_summary(statuses)}
    catalog = load_frameworks()
    empty = dict.fromkeys((*STATUSES, "excepted"), 0)
    by_framework: dict[str, list[dict]] = {fid: [] for fid in selected}
    for item in statuses:
        framework = catalog[item.requirement.framework]
        controls = [
            {"id": cid, "outcome": outcome, "why": item.requirement.justification(cid), **counts.get(cid, empty)}
            for cid, outcome in item.control_outcomes
        ]
        by_framework[framework.id].append(
            {
                "id": item.requirement.id,
                "group": " > ".join(
                    g.id if g.id == g.title or not g.title else f"{g.id} {g.title}"
                    for g in framework.group_path(item.requirement)
                ),
                "title": item.requirement.title,
                "status": item.status,
                "controls": controls,
                **{s: sum(c[s] for c in controls) for s in (*STATUSES, "excepted")},
                "note": item.requirement.note or "",
            }
        )
    accounts: dict[str, list[dict]] = {fid: [] for fid in selected}
    for summary in per_account:
        accounts[summary.framework].append({"account_id": summary.account_id, **summary.figures()})
    sections = []
    for fid in selected:
        framework, summary = catalog[fid], summaries[fid]
        sections.append(
            FrameworkSection(
                fid,
                framework.title,
                framework.version,
                framework.publisher,
                framework.source,
                framework.informative,
                **{k: v for k, v in summary.figures().items()},
                requirements=by_framework[fid],
                accounts=accounts[fid],
            )
        )
    return sections


def _control_row(control_id: str, control, parameters: dict, counts: dict[str, int], requirements: list[str]) -> dict:
    """One control as the report shows it; a control no longer in the pack keeps its id and counts."""
    return {
        "control_id": control_id,
        "title": control.title if control else "",
        "description": control.description if control else "(not in the current control pack)",
        "severity": control.severity if control else "",
        "resource_type": control.resource_type if control else "",
        "parameters": dict(sorted(parameters.items())),
        "remediation": control.remediation if control else "",
        "requirements": requirements,
        "sql": control.sql if control else "",
        **counts,
    }


# -------------------------------------------------------------------------------- accounts and evidence


def _accounts(con: duckdb.DuckDBPyConnection, run: dict) -> list[dict]:
    """Per account of the run: the time it was evaluated at, when its data was loaded or collected, the
    credential report's generation time and row count and the window of CloudTrail events present at run time."""
    snapshot_ids = run["snapshot_ids"] or [-1]
    loaded = {
        account: (first, last, kinds)
        for account, first, last, kinds in con.execute(
            "select account_id, min(loaded_at), max(loaded_at), list(distinct kind order by kind) "
            "from iamsql_snapshot where list_contains(?, snapshot_id) group by all",
            [snapshot_ids],
        ).fetchall()
    }
    # How each account's data time was found, in words (the loader's iamsql:as-of entry of its newest snapshot).
    time_from = {}
    for account, sources in con.execute(
        "select account_id, sources from iamsql_snapshot where list_contains(?, snapshot_id) order by snapshot_id",
        [snapshot_ids],
    ).fetchall():
        sources = json.loads(sources or "[]")
        for source in sources:
            if source.get("format") == AS_OF_FORMAT and source.get("as_of_source"):
                time_from[account] = _without_paths(source["as_of_source"], sources)
    credential_report = {
        account: (generated, rows)
        for account, generated, rows in con.execute(
            "select account_id, max(generated_time), count(*) from history.aws_iam_credential_report "
            "where list_contains(?, snapshot_id) group by all",
            [snapshot_ids],
        ).fetchall()
    }
    trail = {
        account: (first, last, n)
        for account, first, last, n in con.execute(
            "select account_id, min(event_time), max(event_time), count(*) from history.aws_cloudtrail_trail_event "
            "where snapshot_id <= ? group by all",
            [max(snapshot_ids)],
        ).fetchall()
    }
    accounts = []
    for entry in sorted(run["accounts"], key=lambda a: a["account_id"]):
        account = entry["account_id"]
        first, last, kinds = loaded.get(account, (None, None, []))
        events_from, events_to, events = trail.get(account, (None, None, 0))
        report_generated, report_rows = credential_report.get(account, (None, 0))
        accounts.append(
            {
                "account_id": account,
                "evaluated_at": _utc(entry.get("as_of")),
                "loaded_at": last,
                "kinds": kinds,
                "credential_report_generated": report_generated,
                "credential_report_rows": report_rows,
                "trail_events_from": events_from,
                "trail_events_to": events_to,
                "trail_events": events,
                "as_of_source": time_from.get(account, ""),
            }
        )
    return accounts


def _gap_where(gap: dict, account: str) -> str:
    """Where a gap is: the one resource a refused read is about (a key's policy); else its region; for a global API
    (IAM) ``global``, as findings name it, or the other account it is about (a member account an organization's
    collection could not reach)."""
    other = gap.get("account_id")
    return str(gap.get("resource") or gap.get("region") or (other if other and other != account else "global"))


def _evidence(con: duckdb.DuckDBPyConnection, run: dict) -> list[dict]:
    """One row per source file or API call (and the loader's ``as-of`` entry saying how the snapshot's data time
    was found), then one per collection gap, of every snapshot behind the run
    (its latest snapshots, plus older ones whose CloudTrail events were still part of the data)."""
    snapshot_ids = run["snapshot_ids"] or [-1]
    rows = con.execute(
        """
        select snapshot_id, account_id, kind, loaded_at, as_of, partial, sources, gaps
        from iamsql_snapshot
        where list_contains(?, snapshot_id)
           or snapshot_id in (select distinct snapshot_id from history.aws_cloudtrail_trail_event where snapshot_id <= ?)
        order by account_id, snapshot_id
        """,
        [snapshot_ids, max(snapshot_ids)],
    ).fetchall()
    evidence = []
    for snapshot_id, account, kind, loaded_at, as_of, partial, sources, gaps in rows:
        base = {
            "snapshot_id": snapshot_id,
            "account_id": account,
            "kind": kind,
            "loaded_at": loaded_at,
            "snapshot_as_of": as_of,
            "partial": bool(partial),
        }
        sources = json.loads(sources or "[]")
        for source in sorted(sources, key=lambda s: (source_name(s), str(s.get("format")))):
            evidence.append(
                {
                    **base,
                    "entry": "as-of" if source.get("format") == AS_OF_FORMAT else "source",
                    "what": source.get("format") or "",
                    "where": source_name(source),
                    "sha256": source.get("sha256") or "",
                    "as_of": _utc(source.get("as_of")),
                    "as_of_source": _without_paths(source.get("as_of_source") or "", sources),
                    "error": "",
                }
            )
        for gap in json.loads(gaps or "[]"):
            evidence.append(
                {
                    **base,
                    "entry": "gap",
                    "what": str(gap.get("api") or ""),
                    "where": _gap_where(gap, account),
                    "sha256": "",
                    "as_of": None,
                    "as_of_source": "",
                    "error": str(gap.get("error") or ""),
                }
            )
    return evidence


def source_name(source: dict) -> str:
    """A source file as reports name it: its path relative to what was loaded (the loader's ``name``), never the
    analyst's absolute path; databases loaded before names were kept show the file name."""
    if source.get("name"):
        return source["name"]
    return Path(source["path"]).name if source.get("path") else ""


def _without_paths(text: str, sources: list[dict]) -> str:
    """A loader's note (how a time was found) with each source's full path replaced by its name (older
    databases wrote the full path into it)."""
    if not text:  # most sources have no note: not walked again for each of them (2,000 CloudTrail files)
        return text
    for source in sources:
        if source.get("path") and source["path"] in text:
            text = text.replace(source["path"], source_name(source))
    return text


def _utc(value: Any) -> datetime | None:
    """An ISO-8601 text or datetime as a timezone-aware datetime (None stays None)."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


HISTORY_COLUMNS = (
    Column("first_seen", "First seen (UTC)", "datetime", width=20),
    Column("last_seen", "Last seen (UTC)", "datetime", width=20),
    Column("status_since", "Status since (UTC)", "datetime", width=20),
    Column("change", "Change vs previous run", width=16),
    Column("excepted", "Excepted", width=10),
    Column("exception_id", "Exception", width=16),
    Column("exception_reason", "Exception reason", width=50),
    Column("exception_approver", "Exception approver", width=24),
    Column("exception_ticket", "Exception ticket", width=14),
    Column("exception_expires", "Exception expires", width=14),
)


EXCEPTION_COLUMNS = """
    select finding_id, 'excepted' as excepted, exception_id, reason as exception_reason,
           approver as exception_approver, ticket as exception_ticket, expires as exception_expires
    from ({excepted})
"""


def extend_report(con: duckdb.DuckDBPyConnection, report: Report) -> None:
    """Add history and exception columns to the findings, facts to the summary and the data of the
    Exceptions and Changes sheets (``report.extra``: ``exceptions``, ``attestations``, ``changes``). The
    columns are SQL joined to each control's findings (``history.REPORT_HISTORY``, ``EXCEPTION_COLUMNS``)."""

    run_id = report.run["run_id"]
    history.ready(con)  # the history tables exist (as TEMP tables for databases from before them)
    baseline = history.baseline_run(con, run_id)
    changes = history.diff(con, baseline, run_id) if baseline else None
    report.finding_columns.extend(HISTORY_COLUMNS)
    report.finding_joins.append(FindingJoin(history.REPORT_HISTORY, {"baseline_run": baseline}))
    report.finding_joins.append(FindingJoin(EXCEPTION_COLUMNS.format(excepted=exceptions.EXCEPTED_FINDINGS)))
    excepted_here = con.execute(
        "select count(distinct x.finding_id) from iamsql_result_exception x join iamsql_result r using (run_id, "
        "finding_id) where x.run_id = ? and list_contains(?, r.control_id)",
        [run_id, report._control_ids],
    ).fetchone()[0]
    stored = exceptions.stored_exceptions(con, run_id)
    attestations = exceptions.stored_attestations(con, run_id)
    states = {s: sum(1 for e in stored if e["state"] == s) for s in ("active", "expired", "unused")}
    report.extra.update({"exceptions": stored, "attestations": attestations, "changes": changes})
    in_force = {(a["framework"], a["requirement"]): a for a in attestations if a["state"] == "active"}
    for section in report.frameworks:
        for requirement in section.requirements:
            found = in_force.get((section.id, requirement["id"]))
            if requirement["status"] == "attested" and found:
                requirement["note"] = (
                    f"Attested by {found['attested_by']} on {found['attested_on']}, until "
                    f"{found['expires']}: {found['evidence']}. {requirement['note']}"
                ).strip()
    report.summary_facts.extend(
        [
            ("Alarms excepted", excepted_here),
            ("Alarms not excepted", report.status_counts["alarm"] - excepted_here),
            ("Exceptions active / expired / unused", f"{states['active']} / {states['expired']} / {states['unused']}"),
            (
                "Attestations in force / expired / dated after the run",
                f"{sum(1 for a in attestations if a['state'] == 'active')} / "
                f"{sum(1 for a in attestations if a['state'] == 'expired')} / "
                f"{sum(1 for a in attestations if a['state'] == 'future')}",
            ),
            ("Changes vs previous run", _changes_fact(changes)),
        ]
    )


def _changes_fact(changes: dict | None) -> str:
    if changes is None:
        return "no previous run"
    counts = {k: sum(1 for c in changes["changes"] if c["change"] == k) for k in history.CHANGE_KINDS}
    text = (
        f"vs run {changes['from_run']['run_id']}: {counts['new_alarm']} new alarm(s), {counts['resolved']} "
        f"resolved, {counts['gone']} gone (no result now), {counts['changed']} other status change(s), "
        f"{len(changes['new_resources'])} new and {len(changes['removed_resources'])} removed resource(s)"
    )
    if changes.get("not_compared"):
        text += f", {len(changes['not_compared'])} control(s) not compared (run in one of the two runs only)"
    if changes.get("accounts_not_compared"):
        text += (f", {len(changes['accounts_not_compared'])} account(s) not compared (assessed in one of the two "
                 "runs only)")
    if changes.get("parameters_changed"):
        text += f", {len(changes['parameters_changed'])} control(s) with changed parameters"
    if history.pack_changed_text(changes):
        text += ", control pack changed"
    return text

"""Run history: which check runs count, first/last seen per finding, and the differences between two runs.

Every ``iamsql check`` and ``iamsql evidence run`` keeps its run (``iamsql_run``) and rows (``iamsql_result``);
findings keep their ``finding_id`` across runs (see ``controls.finding_id``). This module adds the per-run
bookkeeping the evidence runs need and reads history back:

- ``iamsql_result_exception(run_id, finding_id, exception_id, reason)``: alarms an exception covered;
- ``iamsql_run_exception`` / ``iamsql_run_attestation``: the exceptions file as it applied to each run;
- ``iamsql_evidence_run(run_id, name, folder, status, started_at, finished_at, manifest_sha256)``: an evidence
  run is ``complete`` only once its folder is in place. The evidence run holds the database for its whole
  duration, so whoever can open the database and sees one still ``running`` sees a killed run (the next
  evidence run marks it ``abandoned``); its check run is left out of history;
- ``iamsql_finding_history``: a view with first/last seen and the current status streak per finding.

Times: a finding is "seen" at its account's data time in that run (``iamsql_run.accounts[].as_of``), falling
back to the run's ``as_of`` and then its start, so history follows the data, not when the check happened to run.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

import duckdb

from .errors import IamsqlError

HISTORY_DDL = """
create table if not exists iamsql_result_exception (
    run_id bigint not null, finding_id varchar not null, exception_id varchar not null, reason varchar
);
create table if not exists iamsql_run_exception (
    run_id bigint not null, exception_id varchar not null, line integer, control varchar, resource varchar,
    account varchar, reason varchar, approver varchar, ticket varchar, expires date,
    state varchar,                       -- active, expired or unused at the run's data time
    matches integer                      -- alarms matched (for expired ones: that it would have matched)
);
create table if not exists iamsql_run_attestation (
    run_id bigint not null, framework varchar, requirement varchar, line integer, attested_by varchar,
    attested_on date, evidence varchar, expires date, state varchar
);
create table if not exists iamsql_evidence_run (
    run_id bigint, name varchar, folder varchar, status varchar not null,   -- running, complete, abandoned
    started_at timestamptz not null, finished_at timestamptz, manifest_sha256 varchar
);
"""

# Runs that count: every check run except those of evidence runs that never completed; ``{include}`` is a
# run id that counts anyway (the run being reported on while its evidence run is still in progress).
VISIBLE_RUNS = """
    select run_id, coalesce(as_of, started_at) as run_time, started_at, accounts, status from iamsql_run
    where run_id = {include} or run_id not in (
        select run_id from iamsql_evidence_run where status in ('running', 'abandoned') and run_id is not null)
"""

SEEN = f"""
    with runs as ({VISIBLE_RUNS}),
    account_time as (
        select run_id, a ->> 'account_id' as account_id, (a ->> 'as_of')::timestamptz as as_of
        from runs, unnest(json_extract(accounts, '$[*]')) as t(a)
    )
    select r.run_id, r.finding_id, any_value(r.control_id) as control_id, any_value(r.account_id) as account_id,
           any_value(r.region) as region, any_value(r.resource) as resource,
           min(list_position(['error', 'alarm', 'skip', 'info', 'ok'], r.status)) as rank,
           ['error', 'alarm', 'skip', 'info', 'ok'][min(list_position(['error', 'alarm', 'skip', 'info', 'ok'], r.status))] as status,
           any_value(coalesce(t.as_of, runs.run_time)) as seen_at
    from iamsql_result r join runs using (run_id)
    left join account_time t on t.run_id = r.run_id and t.account_id = r.account_id
    {{where}}
    group by r.run_id, r.finding_id
"""

FINDING_HISTORY = """
    with seen as ({seen}),
    streaks as (
        select *, lag(status) over (partition by finding_id order by run_id) as previous_status from seen
    )
    select finding_id, any_value(control_id) as control_id, any_value(account_id) as account_id,
           any_value(region) as region, any_value(resource) as resource,
           min(run_id) as first_seen_run, arg_min(seen_at, run_id) as first_seen,
           max(run_id) as last_seen_run, arg_max(seen_at, run_id) as last_seen,
           arg_max(status, run_id) as last_status,
           max(case when previous_status is distinct from status then run_id end) as status_since_run,
           arg_max(seen_at, case when previous_status is distinct from status then run_id end) as status_since,
           count(*) as runs_seen
    from streaks group by finding_id
"""

CHANGE_KINDS = ("new_alarm", "resolved", "changed")


class HistoryError(IamsqlError):
    """A run that does not exist, or too few runs to compare."""


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(con.execute(
        "select count(*) from duckdb_tables() where table_name = ? and database_name = current_database() "
        "and schema_name = 'main'", [name]).fetchone()[0])


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the run bookkeeping tables and the ``iamsql_finding_history`` view (needs a writable database)."""
    from .controls import RUN_DDL

    con.execute(RUN_DDL)
    con.execute(HISTORY_DDL)
    con.execute("create or replace view iamsql_finding_history as "
                + FINDING_HISTORY.format(seen=SEEN.format(where="", include=-1)))


def _ready(con: duckdb.DuckDBPyConnection) -> bool:
    """True when check runs exist; read-only connections to databases from before this module get temp tables."""
    if not has_table(con, "iamsql_run"):
        return False
    if not has_table(con, "iamsql_evidence_run"):
        con.execute(HISTORY_DDL.replace("create table if not exists ", "create temp table if not exists "))
    return True


def runs(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Every check run that counts, oldest first: id, data time, start, status, alarm count, evidence folder."""
    if not _ready(con):
        return []
    cursor = con.execute(f"""
        with runs as ({VISIBLE_RUNS.format(include=-1)})
        select runs.run_id, runs.run_time as as_of, runs.started_at, runs.status,
               json_array_length(runs.accounts) as accounts,
               (select count(*) from iamsql_result r where r.run_id = runs.run_id and r.status = 'alarm') as alarms,
               (select count(*) from iamsql_result_exception x where x.run_id = runs.run_id) as excepted,
               e.folder as evidence
        from runs left join iamsql_evidence_run e using (run_id)
        order by runs.run_id""")
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def run_as_of(con: duckdb.DuckDBPyConnection, run_id: int) -> datetime:
    """A run's data time (newest account ``as_of``), else its start time."""
    found = con.execute("select coalesce(as_of, started_at) from iamsql_run where run_id = ?", [run_id]).fetchone()
    if found is None:
        raise HistoryError(f"no check run with id {run_id}")
    return found[0]


def previous_run(con: duckdb.DuckDBPyConnection, run_id: int) -> int | None:
    """The run that counts just before ``run_id``, if any."""
    earlier = [r["run_id"] for r in runs(con) if r["run_id"] < run_id]
    return earlier[-1] if earlier else None


def baseline_run(con: duckdb.DuckDBPyConnection, run_id: int) -> int | None:
    """The run to compare ``run_id`` with: for an evidence run, the previous complete evidence run of the same
    name (ad hoc checks in between are not the baseline); otherwise the previous run that counts."""
    if has_table(con, "iamsql_evidence_run"):
        name = con.execute("select name from iamsql_evidence_run where run_id = ?", [run_id]).fetchone()
        if name is not None and name[0]:
            return con.execute("select max(run_id) from iamsql_evidence_run where status = 'complete' "
                               "and name = ? and run_id < ?", [name[0], run_id]).fetchone()[0]
    return previous_run(con, run_id)


def run_finding_ids(con: duckdb.DuckDBPyConnection, run_id: int) -> set[str]:
    return {f for (f,) in con.execute("select distinct finding_id from iamsql_result where run_id = ?", [run_id]).fetchall()}


def finding_history(con: duckdb.DuckDBPyConnection, run_id: int) -> dict[str, dict[str, Any]]:
    """finding_id -> first/last seen and status streak, over the runs up to and including ``run_id`` (so a
    report of an old run reads the same later)."""
    if not _ready(con):
        return {}
    sql = FINDING_HISTORY.format(seen=SEEN.format(where="where r.run_id <= ?", include=int(run_id)))
    cursor = con.execute(sql, [run_id])
    names = [d[0] for d in cursor.description]
    return {row[0]: dict(zip(names, row)) for row in cursor.fetchall()}


# ------------------------------------------------------------------------------------------------- diff


def resolve_pair(con: duckdb.DuckDBPyConnection, from_run: int | None, to_run: int | None) -> tuple[int, int]:
    """The two runs to compare: by default the last two that count; ``--to`` alone compares with the run
    before it; ``--from`` alone with the latest."""
    known = [r["run_id"] for r in runs(con)]
    for run in (from_run, to_run):
        if run is not None and not con.execute("select count(*) from iamsql_run where run_id = ?", [run]).fetchone()[0]:
            raise HistoryError(f"no check run with id {run}; runs: {', '.join(map(str, known[-10:])) or 'none'}")
    if to_run is None:
        to_run = known[-1] if known else None
    if from_run is None and to_run is not None:
        from_run = previous_run(con, to_run)
    if from_run is None or to_run is None:
        raise HistoryError(f"diff needs two check runs; the database has {len(known)}: run 'iamsql check' again")
    if from_run == to_run:
        raise HistoryError(f"--from and --to are both run {to_run}")
    return from_run, to_run


def _findings(con: duckdb.DuckDBPyConnection, run_id: int) -> dict[str, dict[str, Any]]:
    cursor = con.execute(f"""
        with seen as ({SEEN.format(where="where r.run_id = ?", include=int(run_id))})
        select seen.*, (select any_value(severity) from iamsql_result x where x.run_id = seen.run_id
                        and x.finding_id = seen.finding_id) as severity,
               (select any_value(reason) from iamsql_result x where x.run_id = seen.run_id
                        and x.finding_id = seen.finding_id and x.status = seen.status) as reason,
               e.exception_id
        from seen left join iamsql_result_exception e on e.run_id = seen.run_id and e.finding_id = seen.finding_id
        """, [run_id])
    names = [d[0] for d in cursor.description]
    return {row[1]: dict(zip(names, row)) for row in cursor.fetchall()}


def _label(finding: dict | None) -> str:
    if finding is None:
        return "absent"
    return finding["status"] + (" (excepted)" if finding["exception_id"] else "")


def diff(con: duckdb.DuckDBPyConnection, from_run: int | None = None, to_run: int | None = None) -> dict[str, Any]:
    """What changed between two runs.

    ``changes``: one row per finding whose status changed: ``new_alarm`` (an alarm now, not before),
    ``resolved`` (an alarm before, not now, including when its resource is gone) and ``changed`` (any other
    status change, and an alarm that became excepted or lost its exception). ``new_resources`` /
    ``removed_resources``: resources (account, resource) that results mention in one run only. ``summary``:
    counts per framework (controls mapped to it) and over all controls."""
    from .frameworks import requirements_for_control

    if not _ready(con):
        raise HistoryError("diff needs two check runs; the database has none: run 'iamsql check' first")
    from_run, to_run = resolve_pair(con, from_run, to_run)
    before, after = _findings(con, from_run), _findings(con, to_run)
    changes = []
    for finding_id in sorted(set(before) | set(after)):
        old, new = before.get(finding_id), after.get(finding_id)
        was_alarm = old is not None and old["status"] == "alarm"
        is_alarm = new is not None and new["status"] == "alarm"
        if is_alarm and not was_alarm:
            kind = "new_alarm"
        elif was_alarm and not is_alarm:
            kind = "resolved"
        elif old is not None and new is not None and _label(old) != _label(new):
            kind = "changed"
        else:
            continue
        current = new or old
        changes.append({
            "change": kind, "control_id": current["control_id"], "severity": current["severity"],
            "account_id": current["account_id"], "region": current["region"], "resource": current["resource"],
            "from_status": _label(old), "to_status": _label(new), "reason": current["reason"],
            "finding_id": finding_id, "requirements": requirements_for_control(current["control_id"]),
        })
    changes.sort(key=lambda c: (CHANGE_KINDS.index(c["change"]), c["control_id"], c["account_id"] or "", c["resource"] or ""))
    resources_before, resources_after = _resources(before.values()), _resources(after.values())
    new_resources = sorted(resources_after.keys() - resources_before.keys())
    removed_resources = sorted(resources_before.keys() - resources_after.keys())
    return {
        "from_run": _run_meta(con, from_run),
        "to_run": _run_meta(con, to_run),
        "summary": _summary(changes, new_resources, removed_resources, resources_before, resources_after),
        "changes": changes,
        "new_resources": [{"account_id": a, "resource": r} for a, r in new_resources],
        "removed_resources": [{"account_id": a, "resource": r} for a, r in removed_resources],
    }


def _resources(findings) -> dict[tuple[str, str], set[str]]:
    """(account, resource) -> the frameworks of the controls that looked at it (pseudo resources left out)."""
    from .frameworks import requirements_for_control

    found: dict[tuple[str, str], set[str]] = defaultdict(set)
    for f in findings:
        if f["resource"] and not f["resource"].startswith("control:") and f["status"] != "skip":
            found[(f["account_id"] or "", f["resource"])] |= {r.split(":", 1)[0] for r in requirements_for_control(f["control_id"])}
    return found


def _summary(changes, new_resources, removed_resources, before, after) -> list[dict[str, Any]]:
    scopes = sorted({r.split(":", 1)[0] for c in changes for r in c["requirements"]}
                    | {fw for key in new_resources for fw in after[key]}
                    | {fw for key in removed_resources for fw in before[key]})
    rows = []
    for scope in [*scopes, "all controls"]:
        def in_scope(c: dict) -> bool:
            return scope == "all controls" or any(r.startswith(scope + ":") for r in c["requirements"])

        row = {"scope": scope}
        for kind in CHANGE_KINDS:
            row[kind] = sum(1 for c in changes if c["change"] == kind and in_scope(c))
        row["new_resources"] = sum(1 for k in new_resources if scope == "all controls" or scope in after[k])
        row["removed_resources"] = sum(1 for k in removed_resources if scope == "all controls" or scope in before[k])
        rows.append(row)
    return rows


def _run_meta(con: duckdb.DuckDBPyConnection, run_id: int) -> dict[str, Any]:
    started, as_of = con.execute("select started_at, as_of from iamsql_run where run_id = ?", [run_id]).fetchone()
    return {"run_id": run_id, "started_at": started.isoformat(), "as_of": as_of.isoformat() if as_of else None}


CHANGE_COLUMNS = ("change", "control_id", "severity", "account_id", "resource", "from_status", "to_status", "reason")
SUMMARY_COLUMNS = ("scope", *CHANGE_KINDS, "new_resources", "removed_resources")


def render_diff(result: dict[str, Any], fmt: str) -> str:
    """The diff as ``table`` or ``md`` (summary per framework, then changes, then resources) or ``json``."""
    import json

    from .output import render

    if fmt == "json":
        return json.dumps(result, indent=2, default=str) + "\n"
    if fmt not in ("table", "md"):
        raise HistoryError(f"unknown format {fmt!r}; choose one of table, json, md")
    a, b = result["from_run"], result["to_run"]
    heading = f"run {a['run_id']} (data as of {a['as_of']}) -> run {b['run_id']} (data as of {b['as_of']})"
    parts = [f"## {heading}\n" if fmt == "md" else heading + "\n"]
    parts.append(render(list(SUMMARY_COLUMNS), [tuple(r[c] for c in SUMMARY_COLUMNS) for r in result["summary"]], fmt))
    if result["changes"]:
        parts.append(render(list(CHANGE_COLUMNS), [tuple(c[k] for k in CHANGE_COLUMNS) for c in result["changes"]], fmt))
    for key, label in (("new_resources", "new"), ("removed_resources", "removed")):
        if result[key]:
            parts.append(render(["resources", "account_id", "resource"],
                                [(label, r["account_id"], r["resource"]) for r in result[key]], fmt))
    if not result["changes"] and not result["new_resources"] and not result["removed_resources"]:
        parts.append("no changes\n")
    return "\n".join(parts)

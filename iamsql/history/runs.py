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

import json
from typing import Any

import duckdb

from iamsql.errors import HistoryError
from iamsql.frameworks import requirements_for_control
from iamsql.sql.output import FORMATS, render
from iamsql.store.bookkeeping import HISTORY_DDL, RUN_DDL
from iamsql.store.db import has_table

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

CHANGE_KINDS = ("new_alarm", "resolved", "gone", "changed")

# The history columns of some controls' findings in a report, with named parameters ``$run_id``, ``$control_ids``
# (a list) and ``$baseline_run``: first/last seen and status since over the runs that count up to ``$run_id`` (as
# in FINDING_HISTORY), and the change against ``$baseline_run`` as ``diff`` names it, "new" for a finding the
# baseline did not have, "not_compared" when the baseline did not run the control ("" without a baseline). One
# row per finding, computed by DuckDB a bounded batch of controls at a time, so a report's memory does not grow
# with the number of findings or runs.
REPORT_HISTORY = f"""
    with seen as ({SEEN.format(where="where r.run_id <= $run_id and list_contains($control_ids, r.control_id)",
                               include="$run_id")}),
    excepted as (
        select distinct run_id, finding_id from iamsql_result_exception
        where run_id = $run_id or run_id = $baseline_run::bigint
    ),
    streaks as (
        select seen.*, lag(status) over (partition by finding_id order by run_id) as previous_status,
               excepted.finding_id is not null as excepted
        from seen left join excepted using (run_id, finding_id)
    ),
    per_finding as (
        select finding_id, any_value(control_id) as control_id, any_value(account_id) as account_id,
               arg_min(seen_at, run_id) as first_seen, arg_max(seen_at, run_id) as last_seen,
               arg_max(seen_at, case when previous_status is distinct from status then run_id end) as status_since,
               any_value(status) filter (where run_id = $run_id) as now_status,
               bool_or(excepted) filter (where run_id = $run_id) as now_excepted,
               any_value(status) filter (where run_id = $baseline_run::bigint) as old_status,
               bool_or(excepted) filter (where run_id = $baseline_run::bigint) as old_excepted
        from streaks group by finding_id
    )
    select finding_id, first_seen, last_seen, status_since,
           case when $baseline_run::bigint is null then ''
                when per_finding.control_id not in (select control_id from iamsql_result
                                                    where run_id = $baseline_run::bigint) then 'not_compared'
                when per_finding.account_id not in (
                    select unnest(json_extract_string(accounts, '$[*].account_id')) from iamsql_run
                    where run_id = $baseline_run::bigint) then 'not_compared'
                when now_status = 'alarm' and old_status is distinct from 'alarm' then 'new_alarm'
                when old_status = 'alarm' and now_status = 'ok' then 'resolved'
                when old_status is null then 'new'
                when old_status <> now_status or old_excepted <> now_excepted then 'changed'
                else '' end as change
    from per_finding
"""

# Both runs of a diff, one row per finding: its status in each (the most urgent of its rows; NULL when absent)
# and whether an exception covered it. Narrow on purpose (one aggregate, no text): the text a change row shows
# is read for the changed findings only.
PAIR_STATUS = """
    with ranked as (
        select finding_id,
               min(list_position(['error', 'alarm', 'skip', 'info', 'ok'], status)) filter (where run_id = $from_run)
                   as old_rank,
               min(list_position(['error', 'alarm', 'skip', 'info', 'ok'], status)) filter (where run_id = $to_run)
                   as new_rank
        from iamsql_result where run_id in ($from_run, $to_run) and list_contains($compared, control_id)
             and (account_id is null or list_contains($accounts, account_id))
        group by finding_id
    ),
    excepted as (
        select finding_id, bool_or(run_id = $from_run) as old_excepted, bool_or(run_id = $to_run) as new_excepted
        from iamsql_result_exception where run_id in ($from_run, $to_run) group by finding_id
    )
    select finding_id, ['error', 'alarm', 'skip', 'info', 'ok'][old_rank] as old_status,
           ['error', 'alarm', 'skip', 'info', 'ok'][new_rank] as new_status,
           coalesce(old_excepted, false) as old_excepted, coalesce(new_excepted, false) as new_excepted
    from ranked left join excepted using (finding_id)
"""

DIFF_CHANGES = f"""
    with changed as (
        select * from (
            select *, case when new_status = 'alarm' and old_status is distinct from 'alarm' then 'new_alarm'
                           when old_status = 'alarm' and new_status = 'ok' then 'resolved'
                           when old_status = 'alarm' and new_status is null then 'gone'
                           when old_status <> new_status or old_excepted <> new_excepted then 'changed' end as change
            from ({PAIR_STATUS}))
        where change is not null
    ),
    shown as (   -- the later run's rows of the finding, else the earlier run's; the reason of a most urgent row
        select r.finding_id, any_value(r.control_id) as control_id, any_value(r.account_id) as account_id,
               any_value(r.region) as region, any_value(r.resource) as resource, min(r.severity) as severity,
               arg_min(r.reason, (list_position(['error', 'alarm', 'skip', 'info', 'ok'], r.status), r.reason))
                   as reason
        from iamsql_result r join changed c on c.finding_id = r.finding_id
             and r.run_id = case when c.new_status is null then $from_run else $to_run end
        group by r.finding_id
    )
    select change, control_id, severity, account_id, region, resource,
           coalesce(old_status || case when old_excepted then ' (excepted)' else '' end, 'absent') as from_status,
           coalesce(new_status || case when new_excepted then ' (excepted)' else '' end, 'absent') as to_status,
           reason, finding_id
    from changed join shown using (finding_id)
    order by list_position({list(CHANGE_KINDS)!r}, change), control_id, coalesce(account_id, ''),
             coalesce(resource, ''), finding_id
"""

# Resources (account, resource) that the findings of only one of the two runs mention, with the controls
# that looked at them; pseudo resources (``control:<id>``) and skipped findings are left out. A finding id names
# its resource, so only a finding that counts in one run and not in the other can be about such a resource: the
# resource text is compared for those candidates only, which keeps the work small.
DIFF_RESOURCES = f"""
    with pairs as (
        select finding_id, coalesce(old_status <> 'skip', false) as old_counts,
               coalesce(new_status <> 'skip', false) as new_counts
        from ({PAIR_STATUS})
    ),
    lone as (
        select finding_id, case when new_counts then $to_run else $from_run end as run_id
        from pairs where old_counts <> new_counts
    ),
    candidates as (
        select distinct r.run_id, coalesce(r.account_id, '') as account_id, r.resource, r.control_id
        from iamsql_result r join lone using (run_id, finding_id)
        where r.resource <> '' and not starts_with(r.resource, 'control:')
    ),
    elsewhere as (   -- candidates that the other run mentions all the same, through other findings
        select distinct c.run_id, c.account_id, c.resource
        from (select distinct run_id, account_id, resource from candidates) c
        join iamsql_result r on r.run_id in ($from_run, $to_run) and r.run_id <> c.run_id
             and r.resource = c.resource and coalesce(r.account_id, '') = c.account_id
        join pairs p on p.finding_id = r.finding_id
             and case when r.run_id = $to_run then p.new_counts else p.old_counts end
    )
    select case when run_id = $to_run then 'new' else 'removed' end as side, account_id, resource,
           list(distinct control_id order by control_id) as controls
    from candidates anti join elsewhere using (run_id, account_id, resource)
    group by all
    order by side, account_id, resource
"""




def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the run bookkeeping tables and the ``iamsql_finding_history`` view (needs a writable database)."""

    con.execute(RUN_DDL)
    con.execute(HISTORY_DDL)
    con.execute("create or replace view iamsql_finding_history as "
                + FINDING_HISTORY.format(seen=SEEN.format(where="", include=-1)))


def ready(con: duckdb.DuckDBPyConnection) -> bool:
    """True when check runs exist; read-only connections to databases from before this module get temp tables."""
    if not has_table(con, "iamsql_run"):
        return False
    if not has_table(con, "iamsql_evidence_run"):
        con.execute(HISTORY_DDL.replace("create table if not exists ", "create temp table if not exists "))
    return True


def runs(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Every check run that counts, oldest first: id, data time, start, status, alarm count, evidence folder."""
    if not ready(con):
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


def no_such_run(con: duckdb.DuckDBPyConnection, run_id: int) -> str:
    """The error for a ``--run`` that names no check run: the latest runs that count, so the reader can pick one."""
    known = [r["run_id"] for r in runs(con)]
    if not known:
        return f"no check run with id {run_id}: this database has no check run yet; run 'iamsql check' first"
    return f"no check run with id {run_id}; runs: {', '.join(map(str, known[-10:]))} ('iamsql evidence list' shows them)"


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


# ------------------------------------------------------------------------------------------------- diff


def resolve_pair(con: duckdb.DuckDBPyConnection, from_run: int | None, to_run: int | None) -> tuple[int, int]:
    """The two runs to compare: by default the last two that count; ``--to`` alone compares with the run
    before it; ``--from`` alone with the latest."""
    known = [r["run_id"] for r in runs(con)]
    for run in (from_run, to_run):
        if run is not None and not con.execute("select count(*) from iamsql_run where run_id = ?", [run]).fetchone()[0]:
            raise HistoryError(no_such_run(con, run))
    asked_to = to_run
    if to_run is None:
        to_run = known[-1] if known else None
    if from_run is None and to_run is not None:
        from_run = previous_run(con, to_run)
        if from_run is None and asked_to is not None:
            raise HistoryError(f"no check run before run {to_run} to compare it with: give --from RUN")
    if from_run is None or to_run is None:
        raise HistoryError(too_few_runs(con, known))
    if from_run == to_run:
        raise HistoryError(f"--from and --to are both run {to_run}" if asked_to is not None
                           else f"--from {from_run} is the latest check run: give --to RUN")
    return from_run, to_run


def too_few_runs(con: duckdb.DuckDBPyConnection, known: list[int]) -> str:
    """Why ``diff`` has no two runs to compare (``known``: the runs that count) and the command that makes the
    next one: ``evidence run`` again when the one run is an evidence run, whose next run it compares with."""
    if not known:
        return "diff needs two check runs; the database has none: run 'iamsql check' or 'iamsql evidence run' first"
    evidence = con.execute("select name from iamsql_evidence_run where run_id = ?", [known[0]]).fetchone()
    if evidence is None:
        return "diff needs two check runs; the database has 1: run 'iamsql check' again"
    return (f"diff needs two check runs; the database has 1, evidence run {evidence[0]} (run {known[0]}): "
            "run 'iamsql evidence run' again with the same configuration")


def diff(con: duckdb.DuckDBPyConnection, from_run: int | None = None, to_run: int | None = None) -> dict[str, Any]:
    """What changed between two runs.

    ``changes``: one row per finding whose status changed: ``new_alarm`` (an alarm now, not before),
    ``resolved`` (an alarm before, ``ok`` now: fixed), ``gone`` (an alarm before, no result now: its resource was
    deleted or the control no longer reports it, which is not a fix) and ``changed`` (any other status change,
    e.g. ``alarm`` -> ``error`` or ``skip``, and an alarm that became excepted or lost its exception). ``new_resources`` /
    ``removed_resources``: resources (account, resource) that results mention in one run only. Only controls
    that ran in both runs are compared: a control run in one of them only is listed in ``not_compared`` (with
    the run that has it), never as new alarms or resources; so are the findings of an account assessed in one of
    them only (``accounts_not_compared``: a new account's alarms are not new alarms, and an account that was
    not assessed again is not resolved). ``parameters_changed``: controls both ran with different thresholds
    (their changes may come from the threshold, not the data). ``from_run``/``to_run`` say each run's scope
    (``controls``, ``frameworks``: empty for all) and its ``control_pack_hash`` (when they differ, a status change
    may come from a changed control). ``summary``: counts per framework (controls mapped to it) and
    over all controls. DuckDB compares the runs; only the
    differences come back to Python."""

    if not ready(con):
        raise HistoryError(too_few_runs(con, []))
    from_run, to_run = resolve_pair(con, from_run, to_run)
    scope = {run: run_controls(con, run) for run in (from_run, to_run)}
    compared = sorted(scope[from_run] & scope[to_run])
    assessed = {run: run_accounts(con, run) for run in (from_run, to_run)}
    runs_param = {"from_run": from_run, "to_run": to_run, "compared": compared,
                  "accounts": sorted(assessed[from_run] & assessed[to_run])}
    cursor = con.execute(DIFF_CHANGES, runs_param)
    names = [d[0] for d in cursor.description]
    changes = [{**dict(zip(names, row)), "requirements": requirements_for_control(row[1])} for row in cursor.fetchall()]
    frameworks_of: dict[str, set[str]] = {}
    sides: dict[str, dict[tuple[str, str], set[str]]] = {"new": {}, "removed": {}}
    for side, account, resource, controls in con.execute(DIFF_RESOURCES, runs_param).fetchall():
        for control in controls:
            if control not in frameworks_of:
                frameworks_of[control] = {r.split(":", 1)[0] for r in requirements_for_control(control)}
        sides[side][(account, resource)] = set().union(*(frameworks_of[c] for c in controls))
    not_compared = [{"control_id": c, "run_id": run, "missing_from": other,
                     "requirements": requirements_for_control(c)}
                    for run, other in ((from_run, to_run), (to_run, from_run))
                    for c in sorted(scope[run] - scope[other])]
    accounts_not_compared = [{"account_id": a, "run_id": run, "missing_from": other}
                             for run, other in ((from_run, to_run), (to_run, from_run))
                             for a in sorted(assessed[run] - assessed[other])]
    return {
        "from_run": _run_meta(con, from_run, scope[from_run]),
        "to_run": _run_meta(con, to_run, scope[to_run]),
        "summary": _summary(changes, sides["new"], sides["removed"], not_compared),
        "not_compared": not_compared,
        "accounts_not_compared": accounts_not_compared,
        "parameters_changed": _parameters_changed(con, from_run, to_run, compared),
        "changes": changes,
        "new_resources": [{"account_id": a, "resource": r} for a, r in sides["new"]],
        "removed_resources": [{"account_id": a, "resource": r} for a, r in sides["removed"]],
    }


def _summary(changes, new_resources: dict, removed_resources: dict, not_compared: list[dict]) -> list[dict[str, Any]]:
    """Counts per framework and over all controls; the resource dicts map (account, resource) to the
    frameworks of the controls that looked at it."""
    scopes = sorted({r.split(":", 1)[0] for c in [*changes, *not_compared] for r in c["requirements"]}
                    | {fw for frameworks in new_resources.values() for fw in frameworks}
                    | {fw for frameworks in removed_resources.values() for fw in frameworks})
    rows = []
    for scope in [*scopes, "all controls"]:
        def in_scope(c: dict) -> bool:
            return scope == "all controls" or any(r.startswith(scope + ":") for r in c["requirements"])  # noqa: B023

        row = {"scope": scope}
        for kind in CHANGE_KINDS:
            row[kind] = sum(1 for c in changes if c["change"] == kind and in_scope(c))
        for key, resources in (("new_resources", new_resources), ("removed_resources", removed_resources)):
            row[key] = sum(1 for frameworks in resources.values() if scope == "all controls" or scope in frameworks)
        row["not_compared"] = sum(1 for c in not_compared if in_scope(c))
        rows.append(row)
    return rows


def run_controls(con: duckdb.DuckDBPyConnection, run_id: int) -> set[str]:
    """The controls a run ran: those with result rows, and those timed (a control can run and return no row;
    timing rows of steps such as `view:<name>` and `engine:policy_access` are not controls)."""
    controls = {c for (c,) in con.execute("select distinct control_id from iamsql_result where run_id = ?",
                                          [run_id]).fetchall()}
    if has_table(con, "iamsql_run_timing"):
        controls |= {c for (c,) in con.execute(
            "select distinct control_id from iamsql_run_timing where run_id = ? and not contains(control_id, ':')",
            [run_id]).fetchall()}
    return controls


def run_accounts(con: duckdb.DuckDBPyConnection, run_id: int) -> set[str]:
    """The accounts a run assessed (``iamsql_run.accounts``)."""
    found = con.execute("select accounts from iamsql_run where run_id = ?", [run_id]).fetchone()
    return {a["account_id"] for a in json.loads(found[0] or "[]")} if found else set()


def _parameters_changed(con: duckdb.DuckDBPyConnection, from_run: int, to_run: int,
                        compared: list[str]) -> list[dict[str, Any]]:
    """Controls both runs ran with different parameters (thresholds): their status changes may come from the
    new threshold rather than from the data."""
    stored = {}
    for run in (from_run, to_run):
        (text,) = con.execute("select parameters from iamsql_run where run_id = ?", [run]).fetchone()
        stored[run] = json.loads(text) if text else {}
    return [{"control_id": c, "from": stored[from_run].get(c) or {}, "to": stored[to_run].get(c) or {}}
            for c in compared if (stored[from_run].get(c) or {}) != (stored[to_run].get(c) or {})]


def _run_meta(con: duckdb.DuckDBPyConnection, run_id: int, controls: set[str]) -> dict[str, Any]:
    started, as_of, frameworks, pack_hash = con.execute(
        "select started_at, as_of, frameworks, control_pack_hash from iamsql_run where run_id = ?", [run_id]).fetchone()
    return {"run_id": run_id, "started_at": started.isoformat(), "as_of": as_of.isoformat() if as_of else None,
            "controls": sorted(controls), "frameworks": json.loads(frameworks) if frameworks else [],
            "control_pack_hash": pack_hash}


def pack_changed_text(result: dict[str, Any]) -> str | None:
    """A sentence when the two runs ran different versions of the control pack (its hash), else None."""
    a, b = result["from_run"].get("control_pack_hash"), result["to_run"].get("control_pack_hash")
    if not a or not b or a == b:
        return None
    return (f"The control pack changed between the runs ({a[:12]} -> {b[:12]}): a control whose SQL changed can "
            "change status without the data changing; compare the Controls sheets of the two runs.")


def scope_text(meta: dict[str, Any]) -> str:
    """A run's scope in words: ``53 controls run, every framework`` or ``2 controls run, frameworks:
    owasp-nhi-2025`` (``run_controls``: the controls that returned no row count too, as everywhere)."""
    frameworks = ", ".join(meta["frameworks"]) if meta["frameworks"] else "every framework"
    count = len(meta["controls"])
    return f"{count} control{'' if count == 1 else 's'} run, {'frameworks: ' if meta['frameworks'] else ''}{frameworks}"


def parameters_text(values: dict[str, Any]) -> str:
    """``max_age_days = 90, x = 1`` (``none`` when the control took no parameter)."""
    return ", ".join(f"{k} = {v}" for k, v in sorted(values.items())) or "none"


CHANGE_COLUMNS = ("change", "control_id", "severity", "account_id", "resource", "from_status", "to_status", "reason")
SUMMARY_COLUMNS = ("scope", *CHANGE_KINDS, "new_resources", "removed_resources", "not_compared")


# Formats of one result set: the diff's change rows alone.
CHANGE_ROW_FORMATS = ("csv", "jsonl", "line")


def left_out(result: dict[str, Any]) -> str | None:
    """What the change rows (``CHANGE_ROW_FORMATS``) leave out of the diff, in words, or None."""
    counts = [(len(result["new_resources"]), "new resource(s)"),
              (len(result["removed_resources"]), "removed resource(s)"),
              (len(result["not_compared"]), "control(s) not compared"),
              (len(result.get("accounts_not_compared", [])), "account(s) not compared"),
              (len(result.get("parameters_changed", [])), "control(s) with changed parameters")]
    said = [f"{n} {what}" for n, what in counts if n]
    if pack_changed_text(result):
        said.append("a changed control pack")
    return f"{', '.join(said)} not in these rows (--format table, md or json lists them)" if said else None


def render_diff(result: dict[str, Any], fmt: str) -> str:
    """The diff as ``table`` or ``md`` (summary per framework, then changes, then resources), ``json`` (all of it),
    or ``csv``, ``jsonl`` or ``line``: one row per change (``left_out`` says what these leave out)."""
    if fmt == "json":
        return json.dumps(result, indent=2, default=str) + "\n"
    if fmt in CHANGE_ROW_FORMATS:
        return render(list(CHANGE_COLUMNS), [tuple(c[k] for k in CHANGE_COLUMNS) for c in result["changes"]], fmt)
    if fmt not in ("table", "md"):
        raise HistoryError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    a, b = result["from_run"], result["to_run"]
    heading = (f"run {a['run_id']} (data as of {a['as_of']}; {scope_text(a)}) -> run {b['run_id']} (data as of "
               f"{b['as_of']}; {scope_text(b)})")
    parts = [f"## {heading}\n" if fmt == "md" else heading + "\n"]
    if changed_pack := pack_changed_text(result):
        parts.append(changed_pack + "\n")
    parts.append(render(list(SUMMARY_COLUMNS), [tuple(r[c] for c in SUMMARY_COLUMNS) for r in result["summary"]], fmt))
    if result["changes"]:
        parts.append(render(list(CHANGE_COLUMNS), [tuple(c[k] for k in CHANGE_COLUMNS) for c in result["changes"]], fmt,
                            whole=("control_id",)))
    for key, label in (("new_resources", "new"), ("removed_resources", "removed")):
        if result[key]:
            parts.append(render(["resources", "account_id", "resource"],
                                [(label, r["account_id"], r["resource"]) for r in result[key]], fmt))
    if result["not_compared"]:
        parts.append(render(["not_compared", "ran_in_run", "not_in_run"],
                            [(c["control_id"], c["run_id"], c["missing_from"]) for c in result["not_compared"]], fmt))
    if result.get("accounts_not_compared"):
        parts.append(render(["account_not_compared", "assessed_in_run", "not_in_run"],
                            [(c["account_id"], c["run_id"], c["missing_from"])
                             for c in result["accounts_not_compared"]], fmt))
    if result.get("parameters_changed"):
        parts.append(render(["parameters_changed", f"run {a['run_id']}", f"run {b['run_id']}"],
                            [(c["control_id"], parameters_text(c["from"]), parameters_text(c["to"]))
                             for c in result["parameters_changed"]], fmt))
    if not result["changes"] and not result["new_resources"] and not result["removed_resources"]:
        parts.append("no changes\n")
    return "\n".join(parts)

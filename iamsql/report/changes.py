"""Run history and exceptions in reports: first-seen / last-seen / change / exception columns on findings,
summary facts, and the workbook's **Exceptions** and **Changes** sheets.

``extend_report(con, report)`` is called by ``build_report`` once the run is gathered. Everything is read for
the report's run only (history up to that run, exceptions as stored for it, changes against its baseline), so
re-reporting an old run gives the same workbook.
"""

from __future__ import annotations

import duckdb

from .model import Column, FindingJoin, Report

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
    from .. import exceptions, history

    run_id = report.run["run_id"]
    history.ready(con)  # the history tables exist (as TEMP tables for databases from before them)
    baseline = history.baseline_run(con, run_id)
    changes = history.diff(con, baseline, run_id) if baseline else None
    report.finding_columns.extend(HISTORY_COLUMNS)
    report.finding_joins.append(FindingJoin(history.REPORT_HISTORY, {"baseline_run": baseline}))
    report.finding_joins.append(FindingJoin(EXCEPTION_COLUMNS.format(excepted=exceptions.EXCEPTED_FINDINGS)))
    excepted_here = con.execute(
        "select count(distinct x.finding_id) from iamsql_result_exception x join iamsql_result r using (run_id, "
        "finding_id) where x.run_id = ? and list_contains(?, r.control_id)", [run_id, report._control_ids]
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
                requirement["note"] = (f"Attested by {found['attested_by']} on {found['attested_on']}, until "
                                       f"{found['expires']}: {found['evidence']}. {requirement['note']}").strip()
    report.summary_facts.extend([
        ("Alarms excepted", excepted_here),
        ("Alarms not excepted", report.status_counts["alarm"] - excepted_here),
        ("Exceptions active / expired / unused", f"{states['active']} / {states['expired']} / {states['unused']}"),
        ("Attestations in force / expired", f"{sum(1 for a in attestations if a['state'] == 'active')} / "
                                            f"{sum(1 for a in attestations if a['state'] == 'expired')}"),
        ("Changes vs previous run", _changes_fact(changes)),
    ])


def _changes_fact(changes: dict | None) -> str:
    if changes is None:
        return "no previous run"
    counts = {k: sum(1 for c in changes["changes"] if c["change"] == k) for k in ("new_alarm", "resolved", "changed")}
    text = (f"vs run {changes['from_run']['run_id']}: {counts['new_alarm']} new alarm(s), {counts['resolved']} "
            f"resolved, {counts['changed']} other status change(s), {len(changes['new_resources'])} new and "
            f"{len(changes['removed_resources'])} removed resource(s)")
    if changes.get("not_compared"):
        text += f", {len(changes['not_compared'])} control(s) not compared (run in one of the two runs only)"
    return text


# ------------------------------------------------------------------------------------------------ sheets

EXCEPTION_HEADERS = ["Exception", "Line", "Control pattern", "Resource pattern", "Account", "Reason", "Approver",
                     "Ticket", "Expires", "State", "Alarms matched"]
ATTESTATION_HEADERS = ["Framework", "Requirement", "Line", "Attested by", "Attested on", "Evidence", "Expires",
                       "State"]
CHANGE_HEADERS = ["Change", "Control", "Severity", "Account", "Region", "Resource", "Before", "Now", "Reason",
                  "Requirements", "Finding ID"]


def write_exceptions(wb, report: Report) -> None:
    """Every exception of the file as it applied to this run (state and matches), then the attestations."""
    from openpyxl.styles import Font

    from .xlsx import SECTION_FONT, Sheet

    sheet = Sheet(wb.create_sheet("Exceptions"))
    sheet.widths([16, 6, 30, 50, 14, 50, 26, 14, 12, 10, 14])
    sheet.table_header(EXCEPTION_HEADERS)
    for e in report.extra.get("exceptions") or []:
        sheet.append([e["exception_id"], e["line"], e["control"], e["resource"], e["account"], e["reason"],
                      e["approver"], e["ticket"], e["expires"], e["state"], e["matches"]])
    sheet.autofilter(len(EXCEPTION_HEADERS))
    sheet.append([])
    sheet.append([sheet.cell("States are judged at the run's data time: active (applies), expired (past its "
                             "date: no longer applies, its alarms count again), unused (matched no alarm). "
                             "Alarms matched by an expired exception are the ones it would have covered.",
                             font=Font(italic=True))])
    sheet.append([])
    sheet.append(["Manual attestations (requirements without an automated control)"], font=SECTION_FONT)
    sheet.header(ATTESTATION_HEADERS)
    for a in report.extra.get("attestations") or []:
        sheet.append([a["framework"], a["requirement"], a["line"], a["attested_by"], a["attested_on"],
                      a["evidence"], a["expires"], a["state"]])
    if not report.extra.get("exceptions") and not report.extra.get("attestations"):
        sheet.append(["No exceptions file was applied to this run."])


def write_changes(wb, report: Report) -> None:
    """The differences against the previous run: status changes, then new and removed resources."""
    from openpyxl.styles import Font

    from .xlsx import RowStream, Sheet

    sheet = Sheet(wb.create_sheet("Changes"))
    sheet.widths([18, 34, 10, 14, 11, 60, 18, 18, 70, 40, 18])
    sheet.table_header(CHANGE_HEADERS)
    rows = RowStream(sheet, wb)  # every later row: a status change per finding can be tens of thousands
    changes = report.extra.get("changes")
    if changes is not None:
        for c in changes["changes"]:
            rows.append([c["change"], c["control_id"], c["severity"], c["account_id"], c["region"], c["resource"],
                         c["from_status"], c["to_status"], c["reason"], c["requirements"], c["finding_id"]])
        for key, label in (("new_resources", "new_resource"), ("removed_resources", "removed_resource")):
            for r in changes[key]:
                rows.append([label, None, None, r["account_id"], None, r["resource"]])
        for c in changes.get("not_compared", []):
            rows.append(["not_compared", c["control_id"], None, None, None, None,
                         "ran" if c["run_id"] == changes["from_run"]["run_id"] else "not run",
                         "ran" if c["run_id"] == changes["to_run"]["run_id"] else "not run",
                         f"Run {c['missing_from']} did not run this control: its findings are not compared.",
                         c["requirements"]])
    sheet.autofilter(len(CHANGE_HEADERS))
    rows.append([])
    if changes is not None:
        from ..history import scope_text

        a, b = changes["from_run"], changes["to_run"]
        notes = [f"Run {b['run_id']} compared with run {a['run_id']} (data as of {a['as_of']}).",
                 f"Scope of run {a['run_id']}: {scope_text(a)}.", f"Scope of run {b['run_id']}: {scope_text(b)}.",
                 "not_compared: a control that ran in only one of the two runs; its findings are neither new alarms "
                 "nor resolved."]
    else:
        notes = ["No previous run to compare with."]
    for note in notes:
        rows.append([sheet.cell(note, font=Font(italic=True))])
    rows.append([sheet.cell("new_alarm: an alarm now, not before; resolved: an alarm before, not now (or its "
                            "resource is gone); changed: any other status change, including an alarm gaining "
                            "or losing its exception.", font=Font(italic=True))])

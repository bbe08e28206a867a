"""Markdown summary for pull requests and tickets: the run, the frameworks' requirement counts, the failing
requirements and the controls with alarms or errors. Findings themselves go to the other formats."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TextIO

from ..controls import STATUSES
from .model import SEVERITY_ORDER, Report


def text(value: Any) -> str:
    """A table cell: no line breaks, pipes and angle brackets escaped so untrusted text cannot break layout."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S UTC")
    return (str(value).replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\r", " ").replace("\n", " "))


def table(headers: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(text(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def write_markdown(report: Report, out: TextIO) -> None:
    run = report.run
    counts = ", ".join(f"{report.status_counts[s]} {s}" for s in STATUSES)
    out.write(f"# iamsql compliance report: check run {run['run_id']}\n\n")
    out.write(f"- Accounts: {', '.join(a['account_id'] for a in report.accounts) or 'none'}\n")
    out.write(f"- Data as of: {text(run['as_of'])} (newest account; each account is evaluated at its own time)\n")
    out.write(f"- Run: {text(run['finished_at'])}, status {run['status']}, by {text(run['run_by'])}, "
              f"iamsql {run['tool_version']}, control pack `{run['control_pack_hash'][:12]}`\n")
    out.write(f"- Findings: {report.finding_count} ({counts})\n\n")

    out.write("## Frameworks\n\n")
    out.write(table(["Framework", "Requirements", "Passing", "Failing", "Manual", "Not assessed", "% compliant"],
                    [[f"{s.title} (`{s.id}`)", s.total, s.passing, s.failing, s.manual, s.not_assessed,
                      "n/a" if s.percent_compliant is None else f"{s.percent_compliant:.1f}%"]
                     for s in report.frameworks]))
    out.write("\n% compliant = (passing + attested) / (passing + failing + attested).\n\n")

    failing = [(s, r) for s in report.frameworks for r in s.requirements if r["status"] == "failing"]
    out.write(f"## Failing requirements ({len(failing)})\n\n")
    if failing:
        out.write(table(["Requirement", "Title", "Failing controls"],
                        [[f"{s.id}:{r['requirement']}", r["title"],
                          ", ".join(c for c, outcome in r["control_outcomes"].items() if outcome == "failing")]
                         for s, r in failing]))
    else:
        out.write("None.\n")

    attention = sorted((c for c in report.controls if c["alarm"] or c["error"]),
                       key=lambda c: (_rank(c["severity"]), -c["error"], -c["alarm"], c["control_id"]))
    out.write(f"\n## Controls with alarms or errors ({len(attention)})\n\n")
    if attention:
        out.write(table(["Control", "Severity", "Alarm", "Error", "OK", "Title"],
                        [[f"`{c['control_id']}`", c["severity"], c["alarm"], c["error"], c["ok"], c["title"]]
                         for c in attention]))
    else:
        out.write("None.\n")


def _rank(severity: str) -> int:
    return SEVERITY_ORDER.index(severity) if severity in SEVERITY_ORDER else len(SEVERITY_ORDER)

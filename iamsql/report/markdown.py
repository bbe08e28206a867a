"""Markdown summary for pull requests and tickets: the run, the frameworks' requirement counts and figures (per
framework and per account), the failed requirements, the controls with alarms or errors and the data sources
(named relative to what was loaded, with their SHA-256). Findings themselves go to the other formats."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TextIO

from iamsql.common.escaping import md_text
from iamsql.controls.catalog import STATUSES
from iamsql.frameworks import FORMULA, REQUIREMENT_STATUSES, percent
from iamsql.report.model import SEVERITY_ORDER, Report


class Code(str):
    """Text shown as inline code (a control id). Inside a code span nothing is Markdown or HTML, but a backtick
    would end the span and a pipe the table cell."""


class Raw(str):
    """A cell already made of escaped parts."""


def text(value: Any) -> str:
    """A table cell or line: untrusted text cannot break layout, add links, HTML or a formula
    (``iamsql.common.escaping.md_text``); numbers as they are."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S UTC")
    if isinstance(value, bool | int | float):
        return str(value)
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, Code):
        return "`" + " ".join(str(value).replace("`", "'").split()).replace("|", "\\|") + "`"
    return md_text(str(value))


def table(headers: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(text(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def write_markdown(report: Report, out: TextIO) -> None:
    run = report.run
    counts = ", ".join(f"{report.status_counts[s]} {s}" for s in STATUSES)
    out.write(f"# iamsql compliance report: check run {run['run_id']}\n\n")
    out.write(f"- Accounts: {text(', '.join(a['account_id'] for a in report.accounts) or 'none')}\n")
    out.write(f"- Data as of: {text(run['as_of'])} (newest account; each account is evaluated at its own time)\n")
    out.write(f"- Run: {text(run['finished_at'])}, status {text(run['status'])}, by {text(run['run_by'])}, "
              f"iamsql {text(run['tool_version'])}, control pack {text(Code(run['control_pack_hash'][:12]))}\n")
    out.write(f"- Findings: {report.finding_count} ({counts})\n\n")

    out.write("## Frameworks\n\n")
    out.write(table(["Framework", "Requirements", *(s.replace("_", " ").capitalize() for s in REQUIREMENT_STATUSES),
                     "% compliant", "% coverage"],
                    [[Raw(f"{text(s.title)} ({text(Code(s.id))})"), s.total, *(getattr(s, k) for k in REQUIREMENT_STATUSES),
                      "n/a (informative)" if s.informative else percent(s.compliant_pct), percent(s.coverage_pct)]
                     for s in report.frameworks]))
    out.write(f"\n{FORMULA}\n\n")
    rows = [[a["account_id"], s.id, "n/a (informative)" if s.informative else percent(a["compliant_pct"]),
             percent(a["coverage_pct"]), a["passed"], a["failed"], a["partial"], a["not_assessed"]]
            for s in report.frameworks for a in s.accounts]
    if len({row[0] for row in rows}) > 1:
        out.write("### Per account\n\n")
        out.write(table(["Account", "Framework", "% compliant", "% coverage", "Passed", "Failed", "Partial",
                         "Not assessed"], sorted(rows, key=lambda row: (row[0], row[1]))))
        out.write("\n")

    failed = [(s, r) for s in report.frameworks for r in s.requirements if r["status"] == "failed"]
    out.write(f"## Failed requirements ({len(failed)})\n\n")
    if failed:
        out.write(table(["Requirement", "Title", "Failed controls"],
                        [[f"{s.id}:{r['id']}", r["title"],
                          ", ".join(c["id"] for c in r["controls"] if c["outcome"] == "failed")]
                         for s, r in failed]))
    else:
        out.write("None.\n")

    attention = sorted((c for c in report.controls if c["alarm"] or c["error"]),
                       key=lambda c: (_rank(c["severity"]), -c["error"], -c["alarm"], c["control_id"]))
    out.write(f"\n## Controls with alarms or errors ({len(attention)})\n\n")
    if attention:
        out.write(table(["Control", "Severity", "Alarm", "Error", "OK", "Title"],
                        [[Code(c["control_id"]), c["severity"], c["alarm"], c["error"], c["ok"], c["title"]]
                         for c in attention]))
    else:
        out.write("None.\n")

    sources = [e for e in report.evidence if e["entry"] == "source"]
    out.write(f"\n## Data sources ({len(sources)})\n\n")
    if sources:
        out.write(table(["Account", "Snapshot", "File", "Format", "SHA-256"],
                        [[e["account_id"], e["snapshot_id"], e["where"], e["what"], Code(e["sha256"])] for e in sources]))
    else:
        out.write("None.\n")


def _rank(severity: str) -> int:
    return SEVERITY_ORDER.index(severity) if severity in SEVERITY_ORDER else len(SEVERITY_ORDER)

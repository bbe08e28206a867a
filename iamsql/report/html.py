"""One self-contained HTML page: the run, the framework summary (compliant % and coverage % side by side, as the
workbook's Summary shows them) and the findings table. No scripts and no external assets (styles are inline; a
Content-Security-Policy forbids loading anything); every value goes through ``iamsql.common.escaping.html_text``."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TextIO

from iamsql.common.escaping import html_text
from iamsql.controls.catalog import STATUSES
from iamsql.frameworks import FORMULA, REQUIREMENT_STATUSES, percent
from iamsql.report.model import Report

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #1d1d1f; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }
th, td { border: 1px solid #c8c8cc; padding: 0.3em 0.5em; text-align: left; vertical-align: top; }
th { background: #f0f0f3; }
td.num { text-align: right; }
tr.alarm td.status, tr.error td.status { color: #b00020; font-weight: bold; }
tr.ok td.status { color: #1b6e20; }
td.text { max-width: 40em; overflow-wrap: anywhere; }
"""
FINDING_COLUMNS = ("status", "severity", "control_id", "control_title", "resource", "reason", "account_id", "region",
                   "requirements")
HEADERS = ("Status", "Severity", "Control", "Control title", "Resource", "Reason", "Account", "Region", "Requirements")


def cell(value: Any, css: str = "") -> str:
    """One table cell, its value escaped (a list as lines, a time in UTC, a number right-aligned)."""
    if value is None:
        text = ""
    elif isinstance(value, datetime):
        text = html_text(value.strftime("%Y-%m-%d %H:%M:%S UTC"))
    elif isinstance(value, list):
        text = "<br>".join(html_text(str(v)) for v in value)
    elif isinstance(value, bool | int | float):
        text, css = str(value), css or "num"
    else:
        text = html_text(str(value))
    return f'<td class="{css}">{text}</td>' if css else f"<td>{text}</td>"


def row(values: list[Any]) -> str:
    return "<tr>" + "".join(cell(v) for v in values) + "</tr>\n"


def header(names: list[str] | tuple[str, ...]) -> str:
    return "<tr>" + "".join(f"<th>{html_text(n)}</th>" for n in names) + "</tr>\n"


def write_html(report: Report, out: TextIO) -> None:
    run = report.run
    title = html_text(f"iamsql compliance report: check run {run['run_id']}")
    out.write('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
              "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
              f"<title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{title}</h1>\n<ul>\n")
    counts = ", ".join(f"{report.status_counts[s]} {s}" for s in STATUSES)
    facts = [("Accounts", ", ".join(a["account_id"] for a in report.accounts) or "none"),
             ("Data as of", run["as_of"].strftime("%Y-%m-%d %H:%M:%S UTC") if run["as_of"] else "unknown"),
             ("Run finished", run["finished_at"].strftime("%Y-%m-%d %H:%M:%S UTC") if run["finished_at"] else ""),
             ("Status", run["status"] or ""), ("iamsql", run["tool_version"] or ""),
             ("Control pack", (run["control_pack_hash"] or "")[:12]), ("Findings", f"{report.finding_count} ({counts})")]
    for label, value in facts:
        out.write(f"<li>{html_text(label)}: {html_text(str(value))}</li>\n")
    out.write("</ul>\n<h2>Frameworks</h2>\n<table>\n")
    out.write(header(["Framework", "Title", "Requirements", "% compliant", "% coverage",
                      *(s.replace("_", " ").capitalize() for s in REQUIREMENT_STATUSES)]))
    for s in report.frameworks:
        out.write(row([s.id, s.title, s.total, "n/a (informative)" if s.informative else percent(s.compliant_pct),
                       percent(s.coverage_pct), *(getattr(s, k) for k in REQUIREMENT_STATUSES)]))
    out.write(f"</table>\n<p>{html_text(FORMULA)}</p>\n<h2>Findings ({report.finding_count})</h2>\n<table>\n")
    out.write(header(HEADERS))
    for finding in report.findings():
        cells = "".join(cell(finding.get(key), "status" if key == "status" else "text" if key == "reason" else "")
                        for key in FINDING_COLUMNS)
        out.write(f'<tr class="{html_text(finding["status"])}">{cells}</tr>\n')
    out.write("</table>\n</body>\n</html>\n")

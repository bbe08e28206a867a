"""JSON (and CSV) shaped as Powerpipe's ``benchmark run --export json`` (``--export csv``): a root group, one
group per framework with the framework's groups and requirements nested below it, the controls of the run under
each requirement, and each control's results (``reason``, ``resource``, ``status``, ``dimensions`` as ``[{key,
value, type}]``); a ``summary`` of status counts at every level. Controls mapped to none of the frameworks sit
under the root group, as Powerpipe puts the controls of a ``control run``. The CSV is that tree flattened: a row
per result of each control under each group holding it.

Two differences from Powerpipe, both documented (docs/reports.md): a group counts each control's results once,
however many of its requirements the control serves (Powerpipe adds them once per requirement), and only groups
holding a control of the run are written (as Powerpipe leaves out benchmarks without controls)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from itertools import groupby
from typing import Any, TextIO

from iamsql.common.escaping import csv_column, csv_field, csv_line
from iamsql.controls.filters import control_tags
from iamsql.frameworks import Framework, load_frameworks
from iamsql.report.model import FrameworkSection, Report
from iamsql.report.text import csv_text

ROOT_GROUP = "root_result_group"  # Powerpipe's id of the root group
RESULT_ORDER = ("error", "alarm", "info", "ok", "skip")  # Powerpipe's order of a control's results
RUN_COMPLETE, RUN_ERROR = 4, 8  # Powerpipe's run_status numbers
SQL_TYPES = {str: "text", bool: "boolean", int: "bigint", float: "double precision"}


def write_benchmark_json(report: Report, out: TextIO) -> None:
    results = {cid: Raw("[\n" + ",\n".join(encode(_result(f)) for f in rows) + "\n]")
               for cid, rows in _control_results(report)}
    _write(_root(report, results), out, 0)
    out.write("\n")


def write_benchmark_csv(report: Report, out: TextIO, *, header: bool = True, separator: str = ",") -> None:
    """CSV as Powerpipe's ``benchmark run --export csv`` (and ``--output csv``) writes it: one row per result of a
    control under each group (requirement) that holds it: ``group_id``, ``title``, ``description`` (the group's),
    ``control_id``, ``control_title``, ``control_description``, ``reason``, ``resource``, ``status``,
    ``severity``, then a column per dimension key and per tag key of the run (each sorted by name). Text is
    escaped by the CSV rule; ``header`` and ``separator`` as Powerpipe's ``--header`` and ``--separator``."""
    results = dict(_control_results(report))
    dimensions = sorted({key for rows in results.values() for f in rows
                         for key, value in _dimensions(f).items() if value is not None})
    tags = sorted({key for c in report.controls for key in control_tags(c["resource_type"])})
    if header:
        out.write(csv_line([*CSV_COLUMNS, *dimensions, *tags], separator))
    tails: dict[str, list[str]] = {}

    def control_tails(control: dict) -> list[str]:
        """The control's records from ``reason`` on, escaped once however many groups hold the control."""
        found = tails.get(control["control_id"])
        if found is None:
            findings = control["results"] or []
            values = [_dimensions(f) for f in findings]
            columns = [[_field(f["reason"]) for f in findings], [_field(f["resource"]) for f in findings],
                       [f["status"] for f in findings], [control["severity"]] * len(findings),
                       *(_dimension_column(values, key) for key in dimensions),
                       *([_field(control["tags"].get(key, ""))] * len(findings) for key in tags)]
            found = tails[control["control_id"]] = list(
                map(separator.join, zip(*(csv_column(column, separator) for column in columns))))
        return found

    def rows(group: dict) -> Iterable[str]:
        for child in group["groups"] or []:
            yield from rows(child)
        for control in group["controls"] or []:
            found = control_tails(control)
            if found:
                head = separator.join(csv_field(_field(value), separator) for value in (
                    group["group_id"], group["title"], group["description"], control["control_id"], control["title"],
                    control["description"])) + separator
                yield head + ("\n" + head).join(found) + "\n"

    out.writelines(rows(_root(report, results)))


def _field(value: str | None) -> str:
    return "" if value is None else csv_text(value)


def _dimension_column(values: list[dict], key: str) -> list[str]:
    """The CSV texts of one dimension of a control's results (``_dimensions`` each); most controls have none of most
    keys."""
    found = [v.get(key) for v in values]
    if found.count(None) == len(found):
        return [""] * len(found)
    return ["" if value is None else csv_text(_text(value)) for value in found]


CSV_COLUMNS = ("group_id", "title", "description", "control_id", "control_title", "control_description", "reason",
               "resource", "status", "severity")


def _root(report: Report, results: dict[str, Any]) -> dict:
    """The root group: a group per framework holding the run's controls, then the controls no framework maps."""
    controls = {c["control_id"]: c for c in report.controls}
    catalog = load_frameworks()
    groups = [g for g in (_framework_group(catalog[s.id], s, controls, results) for s in report.frameworks) if g]
    mapped = {cid for s in report.frameworks for r in s.requirements for cid in _run_controls(r, controls)}
    loose = [cid for cid in controls if cid not in mapped]
    return {
        "group_id": ROOT_GROUP,
        "title": f"iamsql check run {report.run['run_id']}",
        "description": "",
        "tags": {},
        "summary": _summary(controls.values()),
        "groups": groups,
        "controls": [_control(controls[cid], results) for cid in loose] or None,
    }


class Raw(str):
    """JSON text written as it is (a control's results, serialized once however often the control appears)."""


def _write(value: Any, out: TextIO, level: int) -> None:
    """``value`` as indented JSON, ``Raw`` text as it is."""
    pad, inner = "  " * level, "  " * (level + 1)
    if isinstance(value, Raw):
        out.write(value)
    elif isinstance(value, dict) and value:
        out.write("{")
        for n, (key, item) in enumerate(value.items()):
            out.write(("," if n else "") + f"\n{inner}{json.dumps(key)}: ")
            _write(item, out, level + 1)
        out.write(f"\n{pad}}}")
    elif isinstance(value, list) and value:
        out.write("[")
        for n, item in enumerate(value):
            out.write(("," if n else "") + f"\n{inner}")
            _write(item, out, level + 1)
        out.write(f"\n{pad}]")
    else:
        out.write(encode(value))


encode = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode  # a tree, as ``jsonout.dumps``


def _control_results(report: Report) -> Iterable[tuple[str, list[dict]]]:
    """Each control's findings, in Powerpipe's status order."""
    for control_id, findings in groupby(report.findings(joined=False), key=lambda f: f["control_id"]):
        yield control_id, sorted(findings, key=lambda f: RESULT_ORDER.index(f["status"]))


def _dimensions(finding: dict) -> dict:
    """A result's dimensions: account and region, then the control's own extra columns."""
    return {"account_id": finding["account_id"], "region": finding["region"], **finding["dimensions"]}


def _result(finding: dict) -> dict:
    """One result as Powerpipe writes it, with iamsql's stable ``finding_id``."""
    dimensions = _dimensions(finding)
    return {
        "reason": finding["reason"],
        "resource": finding["resource"],
        "status": finding["status"],
        "dimensions": [
            {"key": key, "value": _text(value), "type": SQL_TYPES.get(type(value), "text")}
            for key, value in dimensions.items()
            if value is not None
        ],
        "finding_id": finding["finding_id"],
    }


def _text(value: Any) -> str:
    """A dimension's value as text, as Powerpipe gives it (``true``, ``90``)."""
    return value if isinstance(value, str) else encode(value)


def _summary(controls: Iterable[dict]) -> dict:
    """A group's summary: its controls' result counts by status."""
    controls = list(controls)
    return {"status": {s: sum(c[s] for c in controls) for s in ("alarm", "ok", "info", "skip", "error")}}


def _control(control: dict, results: dict[str, Any]) -> dict:
    """One control as Powerpipe writes a control run."""
    errors = control["error"]
    return {
        "summary": {s: control[s] for s in ("alarm", "ok", "info", "skip", "error")},
        "results": results.get(control["control_id"]),
        "control_id": control["control_id"],
        "description": control["description"],
        "severity": control["severity"],
        "tags": control_tags(control["resource_type"]),
        "title": control["title"],
        "run_status": RUN_ERROR if errors else RUN_COMPLETE,
        "run_error": "",
    }


def _run_controls(requirement: dict, controls: dict[str, dict]) -> list[str]:
    """The controls of the run mapped to a requirement, in the mapping's order."""
    return [c["id"] for c in requirement["controls"] if c["id"] in controls]


def _framework_group(framework: Framework, section: FrameworkSection, controls: dict[str, dict],
                     results: dict[str, Any]) -> dict | None:
    """A framework as a benchmark: its groups and requirements nested as the catalog nests them; None when no
    control of the run serves it."""
    served = {r["id"]: _run_controls(r, controls) for r in section.requirements}

    def children(parent: str | None) -> tuple[list[dict], set[str]]:
        nodes, below = [], set()
        for group in (g for g in framework.groups if g.parent == parent):
            inner, ids = children(group.id)
            if inner:
                nodes.append(_group(f"{framework.id}:{group.id}", _titled(group.id, group.title), group.text,
                                    inner, ids, controls))
                below |= ids
        for requirement in (r for r in framework.requirements if r.parent == parent):
            ids = served.get(requirement.id, [])
            if ids:
                node = _group(requirement.ref, _titled(requirement.id, requirement.title), requirement.text, [],
                              set(ids), controls)
                node["controls"] = [_control(controls[cid], results) for cid in ids]
                nodes.append(node)
                below |= set(ids)
        return nodes, below

    nodes, ids = children(None)
    if not nodes:
        return None
    group = _group(framework.id, framework.title, "", nodes, ids, controls)
    group["tags"] = {"type": "Benchmark", "version": framework.version, "publisher": framework.publisher}
    return group


def _group(group_id: str, title: str, description: str, groups: list[dict], ids: set[str],
           controls: dict[str, dict]) -> dict:
    return {
        "group_id": group_id,
        "title": title,
        "description": description,
        "tags": {},
        "summary": _summary(controls[cid] for cid in ids),
        "groups": groups,
        "controls": None,
    }


def _titled(item_id: str, title: str) -> str:
    """``PR.AA-01 Identities and credentials ...``: the id before the title, unless the title starts with it."""
    return title if not title or title.startswith(item_id) else f"{item_id} {title}"

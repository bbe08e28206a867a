"""Powerpipe's benchmark CSV and JSON of a run (``check -o csv/json``): each control's result fields escaped once
for all the requirements that hold it, the findings read without the history and exception joins, and the text
kept in pieces give the same bytes as the record-by-record rule over every finding's joined columns."""

import io
import json
import shutil

import duckdb
import pytest

from iamsql.common.escaping import csv_line
from iamsql.controls.filters import control_tags
from iamsql.report import TextPieces, gather, report_text
from iamsql.report.benchmark import (
    CSV_COLUMNS,
    RESULT_ORDER,
    _dimensions,
    _field,
    _root,
    _text,
    write_benchmark_csv,
)
from iamsql.report.benchmark import _control_results as control_results
from tests.fixtures.cli import run_cli

CONTROLS = ("iam_root_mfa_enabled", "iam_user_console_mfa", "iam_user_unused_password", "iam_access_key_rotated")
# texts that need quoting, a formula prefix, a separator of another kind, text outside ASCII
TRICKY = ['a, b', 'say "hi"', "two\nlines", "=cmd()", "-1", "semi; colon", "tab\there", "café ☕", "x\r"]


@pytest.fixture(scope="module")
def checked(sample_db, tmp_path_factory) -> str:
    """The sample checked twice (history to join), the second run's results given tricky texts and dimensions."""
    path = str(tmp_path_factory.mktemp("pieces") / "p.duckdb")
    shutil.copy(sample_db, path)
    for _ in range(2):
        done = run_cli("check", "--db", path, "--quiet", "--fail-on", "none", "--output", "none",
                       *(f"--control={c}" for c in CONTROLS))
        assert done.returncode == 0, done.stderr
    con = duckdb.connect(path)
    run_id = con.execute("select max(run_id) from iamsql_result").fetchone()[0]
    ids = [r[0] for r in con.execute("select finding_id from iamsql_result where run_id = ? order by finding_id",
                                     [run_id]).fetchall()]
    assert len(ids) >= len(TRICKY)
    dimensions = [{"user_name": TRICKY[i], "weight": i, "flag": i % 2 == 0, "missing": None, "list": [i, "x"]}
                  for i in range(len(TRICKY))]
    for i, (finding, text) in enumerate(zip(ids, TRICKY)):
        con.execute("update iamsql_result set reason = ?, resource = ?, dimensions = ? where run_id = ? and "
                    "finding_id = ?", [text, TRICKY[-1 - i], json.dumps(dimensions[i]), run_id, finding])
    con.close()
    return path


def record_by_record(report, separator: str) -> str:
    """The CSV as one ``csv_line`` per result under each group, from every finding's joined columns."""
    results = {}
    for finding in report.findings():
        results.setdefault(finding["control_id"], []).append(finding)
    results = {cid: sorted(rows, key=lambda f: RESULT_ORDER.index(f["status"])) for cid, rows in results.items()}
    dimensions = sorted({key for rows in results.values() for f in rows
                         for key, value in _dimensions(f).items() if value is not None})
    tags = sorted({key for c in report.controls for key in control_tags(c["resource_type"])})
    lines = [csv_line([*CSV_COLUMNS, *dimensions, *tags], separator)]

    def walk(group):
        for child in group["groups"] or []:
            walk(child)
        for control in group["controls"] or []:
            for finding in control["results"] or []:
                values = _dimensions(finding)
                lines.append(csv_line([
                    _field(group["group_id"]), _field(group["title"]), _field(group["description"]),
                    _field(control["control_id"]), _field(control["title"]), _field(control["description"]),
                    _field(finding["reason"]), _field(finding["resource"]), finding["status"], control["severity"],
                    *(_field(None if values.get(key) is None else _text(values[key])) for key in dimensions),
                    *(_field(control["tags"].get(key, "")) for key in tags)], separator))

    walk(_root(report, results))
    return "".join(lines)


@pytest.mark.parametrize("separator", [",", ";", "\t", "ab"])
def test_csv_is_the_record_by_record_rule(checked, separator):
    con = duckdb.connect(checked)
    report = gather(con)
    written = io.StringIO()
    write_benchmark_csv(report, written, separator=separator)
    text = written.getvalue()
    assert text == record_by_record(gather(con), separator)
    assert sum(text.count(t.replace('"', '""')) for t in TRICKY) >= len(TRICKY)  # the tricky texts are written
    assert len(text.splitlines()) > len({f["finding_id"] for f in report.findings()})  # several groups per result
    assert "".join(report_text(con, "csv", separator=separator)) == text


def test_findings_without_joins_are_the_joined_findings_own_columns(checked):
    con = duckdb.connect(checked)
    report = gather(con)
    joined, plain = list(report.findings()), list(report.findings(joined=False))
    assert report.finding_joins and len(plain) == len(joined) > 0
    extra = set(joined[0]) - set(plain[0])
    assert {"first_seen", "change"} <= extra  # the history is joined only when asked
    assert plain == [{k: v for k, v in f.items() if k not in extra} for f in joined]
    assert [(cid, len(rows)) for cid, rows in control_results(report)] == [
        (cid, sum(f["control_id"] == cid for f in joined)) for cid in dict.fromkeys(f["control_id"] for f in joined)]


def test_json_is_the_same_from_pieces(checked):
    con = duckdb.connect(checked)
    pieces = report_text(con, "json")
    tree = json.loads("".join(pieces))
    reasons = set()

    def walk(group):
        for control in group["controls"] or []:
            reasons.update(r["reason"] for r in control["results"] or [])
        for child in group["groups"] or []:
            walk(child)

    walk(tree)
    assert set(TRICKY) <= reasons


def test_pieces_keep_every_write_in_order():
    pieces = TextPieces()
    pieces.SIZE = 10
    written = [f"part {i};" for i in range(25)] + ["", "x" * 30, "é"]
    pieces.write(written[0])
    pieces.writelines(written[1:])
    done = pieces.done()
    assert "".join(done) == "".join(written)
    assert len(done) > 1 and all(len(p) >= 10 for p in done[:-1])
    assert TextPieces().done() == []

"""One escaping rule for every text output: one corpus of hostile values (tests/data/hostile_values.json) through
csv, md and table output of ``render`` (query, check, listings), ``query`` through the CLI, and the report's CSV
and Markdown."""

import csv
import html
import io
import json
import re
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pytest

from iamsql.common.escaping import FORMULA_PREFIXES, csv_line, html_text, md_text, neutralise
from iamsql.report import write_report
from iamsql.report.markdown import text as md_cell
from iamsql.sql.output import render
from iamsql.sql.query import fetch
from iamsql.store import db as dbmod

HOSTILE = json.loads((Path(__file__).parent / "data" / "hostile_values.json").read_text(encoding="utf-8"))
UNESCAPED = re.compile(r"(?<!\\)[|`\[\]]|<|>|(?i:javascript):")


def records(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def assert_safe_md_cell(cell: str) -> None:
    assert not cell.startswith(FORMULA_PREFIXES), cell
    assert "\n" not in cell and "\r" not in cell
    assert not UNESCAPED.search(cell), cell


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("types", [None, ["VARCHAR", "VARCHAR"]], ids=["python-values", "query-types"])
def test_render_csv_md_table(value, types):
    rows = [(value, "after")]
    parsed = records(render(["v", "w"], rows, "csv", types))
    assert parsed == [["v", "w"], [neutralise(value), "after"]]  # one record: CR and LF are quoted
    assert not parsed[1][0].startswith(FORMULA_PREFIXES)
    md = render(["v", "w"], rows, "md", types).splitlines()
    assert len(md) == 3
    cells = re.split(r"(?<!\\)\|", md[2].strip())[1:-1]  # exactly two cells: no pipe escaped the cell
    assert len(cells) == 2 and cells[1].strip() == "after"
    assert_safe_md_cell(cells[0].strip())
    table = render(["v", "w"], rows, "table", types).splitlines()
    assert len(table) == 3 and not table[2].startswith(FORMULA_PREFIXES)
    # json keeps the exact text
    assert json.loads(render(["v", "w"], rows, "json", types)) == [{"v": value, "w": "after"}]


@pytest.mark.parametrize("value", HOSTILE)
def test_report_markdown_cell(value):
    assert_safe_md_cell(md_cell(value))


@pytest.mark.parametrize("value", HOSTILE)
def test_html_text(value):
    """No markup character survives; unescaping gives the value back (formula-like with its apostrophe)."""
    escaped = html_text(value)
    assert not re.search(r"[<>\"']", escaped.replace("&#x27;", "")), escaped
    assert not re.search(r"&(?!amp;|lt;|gt;|quot;|#x27;)", escaped), escaped
    back = html.unescape(escaped)
    assert back == ("'" + value if value.lstrip(" ").startswith(FORMULA_PREFIXES) else value)


def test_numbers_times_and_json_are_not_neutralised():
    con = duckdb.connect()
    columns, types, rows = fetch(con, "select -5 as n, -1.5::double as d, '-5' as t, interval '-1 day' as i, "
                                      "'{\"a\": \"=x\"}'::json as j, -2::decimal(4,1) as m")
    assert records(render(columns, rows, "csv", types))[1] == ["-5", "-1.5", "'-5", "-1 days", '{"a":"=x"}', "-2.0"]
    md = render(columns, rows, "md", types).splitlines()[2]
    assert md.startswith("| -5 | -1.5 | '-5 | -1 days |")


def test_csv_line_quotes_cr_lf_comma_and_quotes():
    assert csv_line(["a\rb", "c\nd", "e,f", 'g"h', "plain"]) == '"a\rb","c\nd","e,f","g""h",plain\n'
    assert records(csv_line(["a\rb", "x"])) == [["a\rb", "x"]]


def test_md_text_examples():
    assert md_text("[x](javascript:alert(1))") == "\\[x\\](javascript\\:alert(1))"
    assert md_text("<img onerror=x>") == "&lt;img onerror=x&gt;"
    assert md_text("=1+2") == "'=1+2"


def test_query_cli_csv_and_md(tmp_path, capsys, monkeypatch):
    from iamsql.cli import app

    db_path = tmp_path / "q.duckdb"
    dbmod.connect(db_path).close()
    literal = " union all ".join(f"select {i} as n, '{v.replace(chr(39), chr(39) * 2)}' as v" for i, v in enumerate(HOSTILE))
    for fmt in ("csv", "md"):
        with pytest.raises(SystemExit) as done:
            app(["query", f"select * from ({literal}) order by n", "-o", fmt, "--db", str(db_path)], prog_name="iamsql")
        assert done.value.code in (0, None)
        out = capsys.readouterr().out
        if fmt == "csv":
            parsed = records(out)
            assert parsed[1:] == [[str(i), neutralise(v)] for i, v in enumerate(HOSTILE)]
        else:
            lines = out.splitlines()[2:]
            assert len(lines) == len(HOSTILE)
            for line in lines:
                cells = re.split(r"(?<!\\)\|", line.strip())[1:-1]
                assert len(cells) == 2
                assert_safe_md_cell(cells[1].strip())


RUN_COLUMNS = ("run_id, started_at, finished_at, as_of, tool_version, control_pack_hash, engine, run_by, accounts, "
               "snapshot_ids, params, exceptions, status")


@pytest.fixture(scope="module")
def hostile_report_db(tmp_path_factory) -> Path:
    """A stored check run whose findings carry every hostile value as resource, reason and dimension."""
    from iamsql.controls.catalog import control_pack_hash
    from iamsql.controls.contract import finding_id
    from iamsql.store.bookkeeping import RUN_DDL

    path = tmp_path_factory.mktemp("hostile") / "h.duckdb"
    con = dbmod.connect(path)
    when = datetime(2025, 3, 1, tzinfo=timezone.utc)
    with dbmod.transaction(con):
        snapshot = dbmod.new_snapshot(con, account_id="111111111111", kind="load", sources=[], as_of=when)
    con.execute(RUN_DDL)
    con.execute("insert into iamsql_run values (1, ?, ?, ?, '0.1.0', ?, 'duckdb', ?, ?, ?, '{}', '[]', 'alarm', null)",
                [when, when, when, control_pack_hash(), HOSTILE[0],
                 json.dumps([{"account_id": "111111111111", "as_of": when.isoformat()}]), json.dumps([snapshot])])
    con.executemany("insert into iamsql_result values (1, 'iam_user_console_mfa', ?, ?, 'alarm', ?, '111111111111', "
                    "'global', 'medium', ?)",
                    [[finding_id("iam_user_console_mfa", "111111111111", "global", f"{n}:{v}"), f"{n}:{v}"
                      if n % 2 else v, v, json.dumps({"user_agent": v})] for n, v in enumerate(HOSTILE)])
    con.close()
    return path


def test_report_csv_and_md(hostile_report_db, tmp_path):
    con = dbmod.connect(hostile_report_db, read_only=True)
    csv_paths = [write_report(con, tmp_path / name, run_id=1) for name in ("r.findings.csv", "r.csv")]
    md_path = write_report(con, tmp_path / "r.md", run_id=1)
    con.close()
    for csv_path in csv_paths:  # the finding-per-row CSV and Powerpipe's (a row per result under each requirement)
        parsed = records(csv_path.read_bytes().decode("utf-8"))
        header = parsed[0]
        assert len(parsed) == 1 + len(HOSTILE) or csv_path.name == "r.csv"
        for row in parsed[1:]:
            assert len(row) == len(header)
            for field in row:
                assert not field.startswith(FORMULA_PREFIXES), field
        reasons = {row[header.index("reason")] for row in parsed[1:]}
        assert reasons == {neutralise(v) for v in HOSTILE}
    md = md_path.read_text(encoding="utf-8")
    assert "<img" not in md and "<script" not in md and "](javascript:" not in md.lower()
    assert "=HYPERLINK" not in md.replace("'=HYPERLINK", "")

"""The check's per-result work done column by column gives what the row-by-row rules give: result rows, the
result contract's messages, finding ids, csv output and the per-account roll-up."""

import hashlib
from datetime import date, datetime, timezone
from decimal import Decimal
from uuid import UUID

import pytest

from iamsql.common.escaping import csv_line, csv_records, neutralise, neutralise_all
from iamsql.controls.catalog import RESULT_COLUMNS, Control
from iamsql.controls.contract import (
    SUMMARY_COLUMNS,
    Account,
    contract_problem,
    finding_id,
    finding_ids,
    plain_value,
    result_row,
    result_rows,
    summary_line,
    totals_line,
)
from iamsql.errors import MappingError
from iamsql.frameworks import statuses_by_account, statuses_by_control
from iamsql.sql.output import TEXT_TYPES, _cell, _typed, render

CONTROL = Control("iam_test", "A test", "", "high", "AWS::IAM::User", "", "", ("aws_iam_user",), ("aws_iam_user",))
ACCOUNT = Account("111111111111", "aws", datetime(2024, 3, 1, tzinfo=timezone.utc), {"aws_iam_user"})
NAMES = ["resource", "status", "reason", "account_id", "region", "created", "weight", "user_name"]
FETCHED = [
    (
        "arn:aws:iam::111111111111:user/a",
        "alarm",
        "a, b",
        None,
        "global",
        datetime(2024, 1, 2, 3, 4, 5),
        Decimal("1.50"),
        "a",
    ),
    ("arn:aws:iam::111111111111:user/b", "ok", "fine", "222222222222", None, date(2023, 5, 6), 2, None),
    (42, "info", 7, "", "us-east-1", None, Decimal("3"), "=cmd"),
]


def row_by_row(names: list[str], fetched: list[tuple]) -> list[dict]:
    """The result rows as the run loop built them one row at a time before."""
    rows = []
    for values in fetched:
        record = dict(zip(names, values))
        dims = {k: plain_value(v) for k, v in record.items() if k not in RESULT_COLUMNS}
        rows.append(
            result_row(
                CONTROL,
                ACCOUNT,
                record["resource"],
                record["status"],
                record["reason"],
                region=record["region"],
                account_id=record["account_id"],
                dimensions=dims,
            )
        )
    return rows


def test_result_rows_equal_the_row_by_row_rows():
    found = result_rows(CONTROL, ACCOUNT, NAMES, FETCHED)
    assert found == row_by_row(NAMES, FETCHED)
    assert [type(r["dimensions"]["weight"]) for r in found] == [float, int, float]
    assert found[1]["dimensions"]["created"] == "2023-05-06"


def test_result_rows_without_dimensions_or_rows():
    names = list(RESULT_COLUMNS)
    fetched = [row[:5] for row in FETCHED]
    found = result_rows(CONTROL, ACCOUNT, names, fetched)
    assert found == row_by_row(names, fetched)
    assert all(r["dimensions"] == {} for r in found)
    assert found[0]["dimensions"] is not found[1]["dimensions"]
    assert result_rows(CONTROL, ACCOUNT, names, []) == []


def test_finding_ids_equal_finding_id():
    keys = [("111111111111", "global", "arn:x"), (None, None, None), ("", 5, UUID(int=1)), (1, 2.5, "r")]
    assert finding_ids("c", keys) == [finding_id("c", *key) for key in keys]
    assert finding_ids("c", keys[1:2] + keys[3:]) == [
        hashlib.sha256(b"c|||").hexdigest()[:16],
        hashlib.sha256(b"c|1|2.5|r").hexdigest()[:16],
    ]


@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        ([("r", "ok", "x")], None),
        ([], None),
        ([("r", "ok", "x"), ("r", "bad", "")], "status 'bad' is not one of ok, alarm, info, skip, error"),
        ([("r", "ok", ""), ("r", "bad", "x")], "a row has an empty reason"),
        ([(None, "ok", "x")], "a row has an empty resource"),
        ([("r", ["ok"], "x")], "status ['ok'] is not one of ok, alarm, info, skip, error"),
        ([("r", "ok", "x", {"a": 1})], "column 'extra' is not a scalar (dimensions must be single values)"),
        ([("r", "ok", "x", (1,))], "column 'extra' is not a scalar (dimensions must be single values)"),
        ([("r", "ok", "x", 1.5)], None),
    ],
)
def test_contract_problem_names_the_first_offending_row(rows, problem):
    names = ["resource", "status", "reason", "account_id", "region", "extra"]
    padded = [row[:3] + ("1", "global") + row[3:] for row in rows]
    assert contract_problem(names[: len(padded[0])] if padded else names, padded) == problem


def test_contract_problem_columns():
    assert contract_problem(["resource", "status"], []) == "missing column(s) reason, account_id, region"
    assert contract_problem([*RESULT_COLUMNS, "status"], []) == "duplicate column names"


def csv_row_by_row(columns: list[str], rows: list[tuple], types: list[str] | None) -> str:
    """csv output one field at a time, as it was written before."""
    kinds = types or [None] * len(columns)

    def field(value, sqltype):
        text = isinstance(value, str) and (sqltype is None or sqltype not in (*TEXT_TYPES, "JSON"))
        return neutralise(value) if text else _cell(_typed(value, sqltype))

    return csv_line([neutralise(c) for c in columns]) + "".join(
        csv_line([field(v, t) for v, t in zip(row, kinds)]) for row in rows
    )


CSV_ROWS = [
    ("plain", "=1+1", None, 5, "a,b", 'say "hi"', "line\nbreak", "cr\ronly", "-3", True),
    ("", "+x", "@y", -5, "\tt", "ok", "", None, 2.5, False),
    ("tail=", "x", "y", Decimal("1.50"), "z", "w", "v", "u", date(2024, 1, 2), None),
]


@pytest.mark.parametrize("rows", [CSV_ROWS, CSV_ROWS[2:], [], [tuple(str(i) for i in range(10))] * 3])
def test_csv_equals_the_field_by_field_rules(rows):
    columns = [f"c{i}" for i in range(10)]
    columns[3] = "-minus"
    assert render(columns, rows, "csv") == csv_row_by_row(columns, rows, None)


def test_csv_with_types_equals_the_field_by_field_rules():
    columns = ["name", "doc", "at", "span"]
    types = ["VARCHAR", "JSON", "TIMESTAMP", "INTERVAL"]
    rows = [
        ("=x", '{"b": 1, "a": "-"}', "2024-01-15 10:30:45.5", "1 day"),
        (None, None, None, None),
        ("a,b", "[1, 2]", "2024-01-15 10:30:45", "-00:00:01"),
    ]
    expected = csv_row_by_row(columns, rows, types)
    assert render(columns, rows, "csv", types) == expected
    assert '"{""a"":""-"",""b"":1}"' in expected


def test_csv_of_one_column_writes_empty_fields_quoted():
    assert render(["only"], [("",), (None,), ("-x",)], "csv") == 'only\n""\n""\n\'-x\n'


def test_neutralise_all_and_csv_records():
    texts = ["a", "=b", "", "c\n-d", "\re"]
    assert neutralise_all(texts) == [neutralise(t) for t in texts]
    assert neutralise_all(["a", "b\n=c"]) == ["a", "b\n=c"]
    columns = [["a", "b,c", ""], ['q"', "x", "y\r"]]
    assert csv_records(columns) == "".join(csv_line(list(record)) for record in zip(*columns))
    assert csv_records([["", "x"]]) == '""\nx\n'
    assert csv_records([[], []]) == ""


def by_account_row_by_row(rows, accounts=()):
    """``statuses_by_account`` as it was written before (one filter over the rows per account)."""
    names = list(dict.fromkeys([*accounts, *(r.get("account_id") for r in rows if r.get("account_id"))]))
    unowned = [r for r in rows if not r.get("account_id")]
    return {
        account: by_control_row_by_row([*(r for r in rows if r.get("account_id") == account), *unowned])
        for account in names
    }


def by_control_row_by_row(rows):
    grouped = {}
    for row in rows:
        counts = grouped.setdefault(
            row["control_id"], dict.fromkeys(("ok", "alarm", "info", "skip", "error", "excepted"), 0)
        )
        counts[row["status"]] += 1
        if row["status"] == "alarm" and row.get("excepted"):
            counts["excepted"] += 1
    return grouped


ROLL_UP_ROWS = [
    {"control_id": "b", "status": "alarm", "account_id": "2"},
    {"control_id": "a", "status": "ok", "account_id": "1"},
    {"control_id": "a", "status": "alarm", "account_id": "1", "excepted": True},
    {"control_id": "c", "status": "error", "account_id": None},
    {"control_id": "b", "status": "skip", "account_id": "1"},
    {"control_id": "a", "status": "alarm", "account_id": "2", "excepted": False},
    {"control_id": "b", "status": "info"},
]


def test_statuses_by_account_equals_the_row_by_row_roll_up():
    for accounts in ((), ("3", "1")):
        found = statuses_by_account(iter(ROLL_UP_ROWS), accounts)
        expected = by_account_row_by_row(ROLL_UP_ROWS, accounts)
        assert found == expected
        assert list(found) == list(expected)
        assert [list(per) for per in found.values()] == [list(per) for per in expected.values()]
    assert statuses_by_control(iter(ROLL_UP_ROWS))["a"] == {
        "ok": 1,
        "alarm": 2,
        "info": 0,
        "skip": 0,
        "error": 0,
        "excepted": 1,
    }


def test_statuses_by_control_names_the_first_unknown_status():
    rows = [
        {"control_id": "a", "status": "ok"},
        {"control_id": "b", "status": "late"},
        {"control_id": "a", "status": "early"},
    ]
    with pytest.raises(MappingError, match="unknown result status 'late'"):
        statuses_by_control(rows)


def test_summary_words_count_one_control_and_one_result_in_the_singular():
    row = dict(zip(SUMMARY_COLUMNS, ("owasp-nhi-2025", 1, 10, 0, 1, 0, 9, 0, "0.0%", "10.0%")))
    assert summary_line(row).endswith("9 not assessed, 0 manual; 1 control run)")
    assert summary_line({**row, "controls": 2}).endswith("; 2 controls run)")
    one = [{"control_id": "c", "status": "alarm", "count": 1}]
    assert totals_line(one, 1) == "all controls: 1 control run, 1 result (0 ok, 1 alarm, 0 info, 0 skip, 0 error)"
    assert totals_line(one * 2, 1).startswith("all controls: 1 control run, 2 results (")
    assert totals_line([{"control_id": "c", "status": "ok", "count": 3}, {**one[0], "control_id": "d"}], 3) == (
        "all controls: 3 controls run, 4 results (3 ok, 1 alarm, 0 info, 0 skip, 0 error)"
    )

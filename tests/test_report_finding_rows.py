"""``Report.finding_rows``: the Findings sheet's rows as DuckDB gives them (columns in order, controls' texts and
accounts' data times joined, times in UTC) are the findings of ``Report.findings`` as the sheet shows them."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from iamsql.report.model import Column, FindingJoin, Report, build_report
from iamsql.store import db as dbmod
from tests.test_report import ACCOUNT_A, ACCOUNT_B, build_database


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    path = tmp_path_factory.mktemp("finding-rows") / "crafted.duckdb"
    build_database(path)
    con = dbmod.connect(path, read_only=True)
    yield con
    con.close()


def shown(report: Report) -> list[list[tuple[type, object]]]:
    """Each finding of ``findings()`` as the workbook showed it, each value with its type: aware times in UTC
    without their zone, lists as lines, details as ``key=value; ...`` (None when empty)."""
    rows = []
    for finding in report.findings():
        row = []
        for column in report.finding_columns:
            value = finding.get(column.key)
            if isinstance(value, datetime) and value.tzinfo:
                value = value.astimezone(timezone.utc).replace(tzinfo=None)
            elif isinstance(value, list):
                value = "\n".join(map(str, value))
            elif column.kind == "json":
                value = "; ".join(f"{k}={v}" for k, v in sorted(value.items())) or None
            row.append((type(value), value))
        rows.append(row)
    return rows


def typed(report: Report) -> list[list[tuple[type, object]]]:
    return [[(type(v), v) for v in row] for row in report.finding_rows()]


@pytest.mark.parametrize("options", [{"run_id": 1}, {"run_id": 2}, {"run_id": 1, "frameworks": ["owasp-nhi-2025"]}])
def test_rows_are_the_findings_as_shown(database, options):
    report = build_report(database, **options)
    expected = shown(report)
    assert len(expected) == report.finding_count > 0
    assert typed(report) == expected


def test_data_times_in_other_zones_and_missing_ones(database):
    """An account's data time with an offset is shown in UTC; an account without one shows nothing."""
    report = build_report(database, run_id=1)
    for account in report.accounts:
        if account["account_id"] == ACCOUNT_A:
            account["evaluated_at"] = datetime(2025, 3, 1, 2, 30, 0, 123456, tzinfo=timezone(timedelta(hours=2)))
        elif account["account_id"] == ACCOUNT_B:
            account["evaluated_at"] = None
    rows = typed(report)
    assert rows == shown(report)
    when = [c.key for c in report.finding_columns].index("evaluated_at")
    assert {row[when][1] for row in rows} == {datetime(2025, 3, 1, 0, 30, 0, 123456), None}


def test_joined_columns_keep_their_types(database):
    """A joined time with a zone arrives in UTC without it; dates, numbers and booleans stay as they are; a
    column no query gives is empty."""
    report = build_report(database, run_id=1)
    report.finding_joins.append(
        FindingJoin(
            "select finding_id, timestamptz '2025-01-02 03:04:05.5+05' as zoned, date '2026-01-01' as until, "
            "42 as answer, true as flag from iamsql_result where run_id = $run_id and control_id like $pattern",
            {"pattern": "iam_%"},
        )
    )
    report.finding_columns.extend(
        [
            Column("zoned", "Zoned", "datetime"),
            Column("until", "Until"),
            Column("answer", "Answer"),
            Column("flag", "Flag"),
            Column("nowhere", "Nowhere"),
        ]
    )
    rows = typed(report)
    assert rows == shown(report)
    assert rows[0][-5:] == [
        (datetime, datetime(2025, 1, 1, 22, 4, 5, 500000)),
        (date, date(2026, 1, 1)),
        (int, 42),
        (bool, True),
        (type(None), None),
    ]


@pytest.mark.parametrize("options", [{"run_id": 1}, {"run_id": 2}, {"run_id": 1, "frameworks": ["owasp-nhi-2025"]}])
def test_kept_findings_give_the_same_rows(database, options):
    """After ``keep_findings`` (several files of one small run) the rows come from the kept findings, not from a
    second query: the same values of the same types, joined columns too (a time with a zone, a JSON text)."""
    def report_with_joins() -> Report:
        report = build_report(database, **options)
        report.finding_joins.append(
            FindingJoin(
                "select finding_id, timestamptz '2025-01-02 03:04:05.5+05' as zoned, '{\"b\": 1, \"a\": [2]}'::json "
                "as extra, timestamp '2025-02-03 04:05:06' as plain from iamsql_result where run_id = $run_id",
            )
        )
        report.finding_columns.extend(
            [Column("zoned", "Zoned", "datetime"), Column("extra", "Extra", "json"), Column("plain", "Plain")]
        )
        return report

    queried = typed(report_with_joins())
    kept = report_with_joins()
    kept.keep_findings()
    assert kept._kept_findings is not None
    kept._con = None  # no second query: the database is not read again
    assert typed(kept) == queried and len(queried) == kept.finding_count > 0
    assert {row[-2] for row in queried} == {(str, "a=[2]; b=1")}

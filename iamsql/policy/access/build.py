"""All the policy engine's tables (``ACCESS_TABLES``) at once: computed from the data visible on a connection and
stored as TEMP tables."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import duckdb
import numpy as np

from iamsql.policy.access.events import GrantRows, event_rows
from iamsql.policy.access.model import load_accounts
from iamsql.policy.access.organization import guardrails
from iamsql.policy.access.questions import load_questions
from iamsql.policy.access.tables import Asker, policy_rows, principal_rows, trust_rows
from iamsql.store.schema import ACCESS_TABLES

EVENT_TABLES = ("iam_event_policy_access", "iam_event_trust_access")


def compute(
    con: duckdb.DuckDBPyConnection, questions_file: Path, tables: Iterable[str] = ACCESS_TABLES
) -> dict[str, list[tuple] | GrantRows]:
    """The rows of the access ``tables`` (default every one) for the IAM data visible on the connection; the
    engine is asked only what those tables hold. ``iam_event_policy_access`` comes as ``GrantRows`` (iterating it
    gives its rows)."""
    wanted = set(tables)
    questions = load_questions(questions_file)
    policy_questions = tuple(q for q in questions if not q.id.startswith("escalation:"))
    rows: dict[str, list[tuple] | GrantRows] = {name: [] for name in ACCESS_TABLES if name in wanted}
    rails = guardrails(con)
    accounts = load_accounts(con)
    for account in accounts:
        if "iam_principal_access" in wanted:
            rows["iam_principal_access"] += principal_rows(Asker(account, rails.get(account.account_id)), questions)
        if "iam_policy_access" in wanted:  # each policy on its own: no guardrails
            rows["iam_policy_access"] += policy_rows(account, policy_questions)
        if "iam_role_trust_access" in wanted:
            rows["iam_role_trust_access"] += trust_rows(account, rails.get(account.account_id))
    if wanted & set(EVENT_TABLES):
        rows.update(
            {name: found for name, found in event_rows(con, accounts, questions, rails).items() if name in wanted}
        )
    return rows


def _columns(rows: list[tuple], width: int) -> dict[str, np.ndarray]:
    """The rows as one NumPy object array per column (``c0``, ``c1``, ...), which DuckDB scans in bulk."""
    columns = list(zip(*rows)) if rows else [()] * width
    return {f"c{i}": np.array(column, dtype=object) for i, column in enumerate(columns)}


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[tuple] | GrantRows, types: list[str]) -> None:
    """Insert the rows, column by column; ``GrantRows`` are joined to their documents' answers in SQL."""
    staged = "iamsql_access_rows"
    if isinstance(rows, GrantRows):
        width = len(types)
        answers = [
            (key, position, *answer) for key, found in rows.answers.items() for position, answer in enumerate(found)
        ]
        heads = [(order, *head) for order, head in enumerate(rows.heads)]
        con.register(f"{staged}_answers", _columns(answers, width - 3))
        con.register(staged, _columns(heads, 7))
        head_columns = [f"h.c{i + 1}::{t}" for i, t in enumerate(types[:5])]
        answer_columns = [f"a.c{i + 2}::{t}" for i, t in enumerate(types[5:])]
        select = (
            f"select {', '.join(head_columns + answer_columns)} from {staged} as h "
            f"join {staged}_answers as a on a.c0 = h.c6 order by h.c0, a.c1"
        )
        try:
            con.execute(f'insert into "{table}" {select}')
        finally:
            con.unregister(f"{staged}_answers")
            con.unregister(staged)
        return
    con.register(staged, _columns(rows, len(types)))
    try:
        con.execute(
            f'insert into "{table}" select {", ".join(f"c{i}::{t}" for i, t in enumerate(types))} from {staged}'
        )
    finally:
        con.unregister(staged)


def create_tables(
    con: duckdb.DuckDBPyConnection, questions_file: Path, *, prefix: str = "", tables: Iterable[str] = ACCESS_TABLES
) -> dict[str, int]:
    """Compute the access ``tables`` (default every one) and store them as TEMP tables named ``prefix + name``;
    their row counts."""
    counts = {}
    for name, rows in compute(con, questions_file, tables).items():
        columns = ", ".join(f'"{column}" {sqltype}' for column, sqltype in ACCESS_TABLES[name])
        table = f"{prefix}{name}"
        con.execute(f'create or replace temp table "{table}" ({columns})')
        if rows:
            _insert(con, table, rows, [sqltype for _, sqltype in ACCESS_TABLES[name]])
        counts[name] = len(rows)
    return counts

"""All the policy engine's tables (``ACCESS_TABLES``) at once: computed from the data visible on a connection and
stored as TEMP tables."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import duckdb
import numpy as np

from iamsql.policy.access.events import event_rows
from iamsql.policy.access.model import load_accounts
from iamsql.policy.access.organization import guardrails
from iamsql.policy.access.questions import load_questions
from iamsql.policy.access.tables import Asker, policy_rows, principal_rows, trust_rows
from iamsql.store.schema import ACCESS_TABLES

EVENT_TABLES = ("iam_event_policy_grant", "iam_event_policy_answer", "iam_event_trust_access")
STAGED = "iamsql_access_rows"  # the name rows are registered under while they are inserted


def compute(
    con: duckdb.DuckDBPyConnection, questions_file: Path, tables: Iterable[str] = ACCESS_TABLES
) -> dict[str, list[tuple]]:
    """The rows of the access ``tables`` (default every one) for the IAM data visible on the connection; the
    engine is asked only what those tables hold."""
    wanted = set(tables)
    questions = load_questions(questions_file)
    policy_questions = tuple(q for q in questions if not q.id.startswith("escalation:"))
    rows: dict[str, list[tuple]] = {name: [] for name in ACCESS_TABLES if name in wanted}
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


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[tuple], types: list[str]) -> None:
    """Insert the rows in one statement, from one NumPy column per value."""
    con.register(STAGED, _columns(rows, len(types)))
    try:
        con.execute(
            f'insert into "{table}" select {", ".join(f"c{i}::{t}" for i, t in enumerate(types))} from {STAGED}'
        )
    finally:
        con.unregister(STAGED)


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
        types = [sqltype for _, sqltype in ACCESS_TABLES[name]]
        if rows:
            _insert(con, table, rows, types)
        counts[name] = len(rows)
    return counts

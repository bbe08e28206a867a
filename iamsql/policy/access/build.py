"""All the policy engine's tables (``ACCESS_TABLES``) at once: computed from the data visible on a connection and
stored as TEMP tables."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from pathlib import Path

import duckdb

from iamsql.common.collector import collector_paused
from iamsql.policy.access.cache import AnswerCache, fill_tables, insert_rows
from iamsql.policy.access.events import event_rows
from iamsql.policy.access.model import AccountModel, IamRows, build_accounts, load_roles, read_iam_rows
from iamsql.policy.access.organization import Guardrails, guardrails
from iamsql.policy.access.questions import Question, load_questions
from iamsql.policy.access.tables import Asker, policy_rows, principal_rows, trust_rows
from iamsql.store.schema import ACCESS_TABLES

EVENT_TABLES = ("iam_event_policy_grant", "iam_event_policy_answer", "iam_event_trust_access")
TRUST_TABLE = "iam_role_trust_access"  # reads each account's roles and their trust policies only (``load_roles``)


@collector_paused()  # one collection at the end, not one after each table (each over a larger heap)
def compute(
    con: duckdb.DuckDBPyConnection, questions_file: Path, tables: Iterable[str] = ACCESS_TABLES
) -> dict[str, list[tuple]]:
    """The rows of the access ``tables`` (default every one) for the IAM data visible on the connection; the
    engine is asked only what those tables hold."""
    return _rows(con, load_questions(questions_file), guardrails(con), _models(con, set(tables)), set(tables))


def _models(con: duckdb.DuckDBPyConnection, wanted: set[str], read: IamRows | None = None) -> list[AccountModel]:
    """The accounts' models the ``wanted`` tables read: roles alone for the trust table alone (the NHI inventory's);
    ``read``: the IAM data, when already read (``read_iam_rows``)."""
    return load_roles(con) if wanted <= {TRUST_TABLE} else build_accounts(read or read_iam_rows(con))


def _rows(
    con: duckdb.DuckDBPyConnection,
    questions: tuple[Question, ...],
    rails: dict[str, Guardrails],
    accounts: list[AccountModel],
    wanted: set[str],
) -> dict[str, list[tuple]]:
    policy_questions = tuple(q for q in questions if not q.id.startswith("escalation:"))
    rows: dict[str, list[tuple]] = {name: [] for name in ACCESS_TABLES if name in wanted}
    for account in accounts:
        if "iam_principal_access" in wanted:
            rows["iam_principal_access"] += principal_rows(Asker(account, rails.get(account.account_id)), questions)
        if "iam_policy_access" in wanted:  # each policy on its own: no guardrails
            rows["iam_policy_access"] += policy_rows(account, policy_questions)
        if TRUST_TABLE in wanted:
            rows[TRUST_TABLE] += trust_rows(account, rails.get(account.account_id))
    if wanted & set(EVENT_TABLES):
        rows.update(
            {name: found for name, found in event_rows(con, accounts, questions, rails).items() if name in wanted}
        )
    return rows


@collector_paused()  # as compute
def create_tables(
    con: duckdb.DuckDBPyConnection, questions_file: Path, *, prefix: str = "", tables: Iterable[str] = ACCESS_TABLES
) -> dict[str, int]:
    """Compute the access ``tables`` (default every one) and store them as TEMP tables named ``prefix + name``;
    their row counts. On a database file the connection may write, the rows come from the answers kept there by
    earlier runs, and those computed now are kept (``cache.py``): the accounts' models are then made only when
    an answer is not kept."""
    wanted = [name for name in ACCESS_TABLES if name in set(tables)]
    cache = AnswerCache.open(con, questions_file)
    questions, rails = load_questions(questions_file), guardrails(con)
    read = None if set(wanted) <= {TRUST_TABLE} else read_iam_rows(con)
    computed = {} if cache else _rows(con, questions, rails, _models(con, set(wanted), read), set(wanted))
    try:
        con.execute(";\n".join(f'create or replace temp table "{prefix}{name}" ({_columns(name)})' for name in wanted))
        for name in wanted:
            if computed.get(name):
                insert_rows(con, f"{prefix}{name}", computed[name], [sqltype for _, sqltype in ACCESS_TABLES[name]])
        counts = {name: len(rows) for name, rows in computed.items()}
        if cache:
            events = [name for name in wanted if name in EVENT_TABLES]
            models = partial(_models, con, set(wanted), read)
            counts.update(fill_tables(cache, con, models, read, rails, questions, wanted, events, prefix))
    except BaseException:  # no half-filled table that a later call would take for computed
        con.execute(";\n".join(f'drop table if exists temp.main."{prefix}{name}"' for name in wanted))
        raise
    return {name: counts.get(name, 0) for name in wanted}


def _columns(name: str) -> str:
    """The column definitions of the access table ``name``."""
    return ", ".join(f'"{column}" {sqltype}' for column, sqltype in ACCESS_TABLES[name])

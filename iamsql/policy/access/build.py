"""All the policy engine's tables (``ACCESS_TABLES``) at once: computed from the data visible on a connection and
stored as TEMP tables."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache as once
from functools import partial
from pathlib import Path

import duckdb

from iamsql.common.collector import collector_paused
from iamsql.policy.access.cache import AnswerCache, fill_tables, insert_rows
from iamsql.policy.access.events import event_rows
from iamsql.policy.access.model import (
    AccountModel,
    IamRows,
    build_accounts,
    load_roles,
    read_iam_rows,
    read_roles_trusting,
)
from iamsql.policy.access.organization import Guardrails, guardrails
from iamsql.policy.access.questions import Question, load_questions
from iamsql.policy.access.resources import RESOURCE_TABLE, resource_policy_rows
from iamsql.policy.access.tables import (
    ADMIN_QUESTIONS,
    ASSUME_ADMIN,
    Asker,
    PrincipalAnswers,
    assume_across_rows,
    policy_rows,
    principal_rows,
    trust_rows,
)
from iamsql.store.schema import ACCESS_TABLES

EVENT_TABLES = (
    "iam_event_policy_grant", "iam_event_policy_answer", "iam_event_trust_access", "iam_event_resource_policy_access"
)
TRUST_TABLE = "iam_role_trust_access"  # reads each account's roles and their trust policies only (``load_roles``)
PRINCIPAL_TABLE = "iam_principal_access"


@collector_paused()  # one collection at the end, not one after each table (each over a larger heap)
def compute(
    con: duckdb.DuckDBPyConnection, questions_file: Path, tables: Iterable[str] = ACCESS_TABLES
) -> dict[str, list[tuple]]:
    """The rows of the access ``tables`` (default every one) for the IAM data visible on the connection; the
    engine is asked only what those tables hold."""
    wanted, rails = set(tables), guardrails(con)
    iam = wanted - {RESOURCE_TABLE}
    rows = _rows(con, load_questions(questions_file), rails, _models(con, iam), iam) if iam else {}
    if RESOURCE_TABLE in wanted:
        rows[RESOURCE_TABLE] = resource_policy_rows(con, rails)
    return rows


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
        if PRINCIPAL_TABLE in wanted:
            rows[PRINCIPAL_TABLE] += principal_rows(Asker(account, rails.get(account.account_id)), questions)
        if "iam_policy_access" in wanted:  # each policy on its own: no guardrails
            rows["iam_policy_access"] += policy_rows(account, policy_questions)
        if TRUST_TABLE in wanted:
            rows[TRUST_TABLE] += trust_rows(account, rails.get(account.account_id))
    if PRINCIPAL_TABLE in wanted:
        rows[PRINCIPAL_TABLE] += _across_rows(
            con, {a.account_id for a in accounts}, lambda: accounts, rails, questions,
            lambda account_id: [row for row in rows[PRINCIPAL_TABLE] if row[0] == account_id])
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
    iam = [name for name in wanted if name != RESOURCE_TABLE]  # the resource policies' table is never kept
    cache = AnswerCache.open(con, questions_file)
    questions, rails = load_questions(questions_file), guardrails(con)
    read = None if set(iam) <= {TRUST_TABLE} else read_iam_rows(con)
    models = once(partial(_models, con, set(iam), read))  # made at most once, and only when needed
    computed = {} if cache or not iam else _rows(con, questions, rails, models(), set(iam))
    if RESOURCE_TABLE in wanted:
        computed[RESOURCE_TABLE] = resource_policy_rows(con, rails)
    try:
        con.execute(";\n".join(f'create or replace temp table "{prefix}{name}" ({_columns(name)})' for name in wanted))
        for name in wanted:
            if computed.get(name):
                insert_rows(con, f"{prefix}{name}", computed[name], [sqltype for _, sqltype in ACCESS_TABLES[name]])
        counts = {name: len(rows) for name, rows in computed.items()}
        if cache and iam:
            events = [name for name in iam if name in EVENT_TABLES]
            counts.update(fill_tables(cache, con, models, read, rails, questions, iam, events, prefix))
            if PRINCIPAL_TABLE in wanted:  # not kept: they depend on the other accounts' data
                table = f"{prefix}{PRINCIPAL_TABLE}"
                across = _across_rows(con, {row[3] for row in read.users + read.roles}, models, rails, questions,
                                      partial(_power_rows, con, table))
                if across:
                    insert_rows(con, table, across, [sqltype for _, sqltype in ACCESS_TABLES[PRINCIPAL_TABLE]])
                    counts[PRINCIPAL_TABLE] = counts.get(PRINCIPAL_TABLE, 0) + len(across)
    except BaseException:  # no half-filled table that a later call would take for computed
        con.execute(";\n".join(f'drop table if exists temp.main."{prefix}{name}"' for name in wanted))
        raise
    return {name: counts.get(name, 0) for name in wanted}


def _across_rows(
    con: duckdb.DuckDBPyConnection,
    account_ids: set[str],
    models: Callable[[], list[AccountModel]],
    rails: dict[str, Guardrails],
    questions: tuple[Question, ...],
    answers: Callable[[str], list[tuple]],
) -> list[tuple]:
    """The ``assume_admin_role`` rows of the principals of ``account_ids`` (``models``: their accounts' models, made
    only when needed) that may assume a role of another loaded account with administrator power
    (``tables.assume_across_rows``; ``answers``: an account's ``iam_principal_access`` rows, its principals' power and
    role chains). Only the roles whose trust may admit them are read (``read_roles_trusting``): with no other account,
    or none trusting these, one query and nothing to compute."""
    read = read_roles_trusting(con, account_ids)
    if read is None:
        return []
    admin = tuple(q for q in questions if q.id in ADMIN_QUESTIONS)
    elsewhere = []
    for owner in build_accounts(read):
        answers_of_roles = PrincipalAnswers(Asker(owner, rails.get(owner.account_id)), admin)
        elsewhere.append((answers_of_roles.asker,
                          [row for role in owner.roles.values() for row in answers_of_roles.rows(role)]))
    return [
        row
        for account in models()
        if account.account_id in account_ids
        for row in assume_across_rows(Asker(account, rails.get(account.account_id)), answers(account.account_id),
                                      elsewhere)
    ]


def _power_rows(con: duckdb.DuckDBPyConnection, table: str, account_id: str) -> list[tuple]:
    """The account's rows of the ``iam_principal_access`` TEMP table ``table`` that ``assume_across_rows`` reads: its
    principals' administrator answers and ``assume_admin_role`` rows."""
    return con.execute(
        f'select * from temp.main."{table}" where account_id = ? and list_contains(?, question)',
        [account_id, [*ADMIN_QUESTIONS, ASSUME_ADMIN[0]]],
    ).fetchall()


def _columns(name: str) -> str:
    """The column definitions of the access table ``name``."""
    return ", ".join(f'"{column}" {sqltype}' for column, sqltype in ACCESS_TABLES[name])

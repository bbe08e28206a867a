"""Powerpipe's control filters: ``--tag key=value`` over each control's tags and ``--where`` (an SQL condition)
over each control's fields."""

from __future__ import annotations

import json
import re

import duckdb

from iamsql.common.lazy import lazy_import
from iamsql.controls.catalog import Control
from iamsql.errors import ControlError, QueryError
from iamsql.frameworks import requirements_for_control
from iamsql.sql.pgfunctions import install_called

sql_query = lazy_import("iamsql.sql.query")  # sqlglot and the dialect: only for a run given --where

_SERVICE = re.compile(r"^AWS::(\w+)::")


def control_tags(resource_type: str) -> dict[str, str]:
    """A control's tags: ``resource_type``, and ``service`` (``AWS/IAM``) named as Powerpipe's AWS controls name it,
    read from the resource type (none for ``AWS::::Account``)."""
    if not resource_type:
        return {}
    services = sorted({m.group(1) for part in resource_type.split(",") if (m := _SERVICE.match(part.strip()))})
    return {"resource_type": resource_type} | ({"service": ", ".join(f"AWS/{s}" for s in services)} if services else {})


def parse_tags(tags: list[str]) -> dict[str, set[str]]:
    """``--tag key=value`` options as {key: values}: a control matches when, for every key, its tag is one of
    the values (values of one key are alternatives, keys all apply, as Powerpipe reads them)."""
    wanted: dict[str, set[str]] = {}
    for tag in tags:
        key, sep, value = tag.partition("=")
        if not sep or not key.strip():
            raise ControlError(f"--tag takes key=value (e.g. service=AWS/IAM), not {tag!r}")
        wanted.setdefault(key.strip(), set()).add(value.strip())
    return wanted


WHERE_COLUMNS = ("control_id", "resource_name", "title", "description", "severity", "resource_type", "tags",
                 "requirements")


def filter_controls(controls: list[Control], *, tags: list[str] | None = None, where: str | None = None) -> list[Control]:
    """The controls whose tags match every ``--tag`` key, or for which the ``--where`` condition holds."""
    if tags and where is not None:
        raise ControlError("--where cannot be used with --tag (as in Powerpipe): give one of them")
    if tags:
        wanted = parse_tags(tags)
        _refuse_unknown_tags(controls, wanted)
        return [c for c in controls if all(_tag_values(c, k) & v for k, v in wanted.items())]
    if where is not None:
        kept = set(_where(controls, where))
        return [c for c in controls if c.id in kept]
    return controls


def _tag_values(control: Control, key: str) -> set[str]:
    """The values of one of a control's tags: a control of several resource types (``AWS::EC2::Snapshot,
    AWS::RDS::DBSnapshot``) has each of them, and each of their services (``AWS/EC2``, ``AWS/RDS``)."""
    tag = control_tags(control.resource_type).get(key)
    return {value.strip() for value in tag.split(",")} if tag else set()


def _refuse_unknown_tags(controls: list[Control], wanted: dict[str, set[str]]) -> None:
    """A ``--tag`` key none of whose values any control has (``service=iam`` for ``service=AWS/IAM``) is an error
    naming the values the controls have, rather than an empty selection with no hint why."""
    for key, values in wanted.items():
        known = sorted(set().union(*(_tag_values(c, key) for c in controls)))
        if values.isdisjoint(known):
            asked = ", ".join(f"{key}={v}" for v in sorted(values))
            have = f"{key} is one of {', '.join(known)}" if known else "tags: resource_type, service"
            raise ControlError(f"no control matches the selection: no control has {asked} ({have})")


def _where(controls: list[Control], where: str) -> list[str]:
    """The ids of ``controls`` for which the condition holds: it runs (Steampipe/Postgres SQL, translated) in a
    database of its own holding one row per control (``WHERE_COLUMNS``), which reads no file."""
    con = duckdb.connect()
    con.execute("create table iamsql_control (control_id varchar, resource_name varchar, title varchar, "
                "description varchar, severity varchar, resource_type varchar, tags json, requirements varchar[])")
    con.executemany("insert into iamsql_control values (?, ?, ?, ?, ?, ?, ?, ?)", [
        (c.id, c.id, c.title, c.description, c.severity, c.resource_type, json.dumps(control_tags(c.resource_type)),
         list(requirements_for_control(c.id))) for c in controls])
    sql_query.lock_down(con)
    select = "select control_id from iamsql_control where "
    statement = select + where
    try:
        if len(sql_query.split_statements(statement)) != 1:
            raise QueryError("give one condition, not several statements")
        duck_sql = sql_query.checked_translation(statement, "steampipe", con)
        install_called(con, duck_sql)  # the Postgres functions the translation calls
        return [row[0] for row in con.execute(duck_sql).fetchall()]
    except QueryError as exc:
        problem = str(exc)
    except duckdb.Error as exc:
        problem = sql_query.describe_duckdb_error(exc, statement)
    finally:
        con.close()
    if problem.startswith("reading or writing files is not allowed"):
        problem = "the condition may not read files"
    # a position on the first line counts from the start of the condition, not of the query made around it
    problem = re.sub(r"\bline 1, column (\d+)", lambda m: f"line 1, column {max(int(m[1]) - len(select), 1)}", problem)
    raise ControlError(f"--where: {problem}; its columns are {', '.join(WHERE_COLUMNS)}")

"""Render result sets (column names + rows) as table, csv, json, jsonl, line or markdown, with each value written as
Steampipe writes it (docs/sql.md, "Output formats").

Values come either from ``iamsql query`` with their DuckDB types (``types``: one type name per column, as
``query.fetch`` gives them) or from other commands as plain Python values (``types`` None). The rules:

- NULL: ``null`` in json/jsonl, empty in csv and md, ``null_text`` in table and line (``<null>`` for
  ``iamsql query``, as Steampipe; blank for iamsql's own listings).
- booleans ``true``/``false``; JSON columns nested in json/jsonl and compact JSON text (keys sorted, as Go writes
  them) elsewhere; lists, structs and maps as JSON the same way.
- intervals as PostgreSQL prints them (``1 year 2 mons 3 days 04:05:06``); timestamptz as RFC 3339 in UTC without
  fractional seconds (``2024-01-15T10:30:45Z``), timestamp as ``2024-01-15 10:30:45``, dates ``2024-01-15``,
  times ``10:30:45.5``; ``infinity`` and BC dates as PostgreSQL.
- numerics (DECIMAL) keep their scale (``1.50``) and are strings in JSON, as Steampipe writes ``numeric``;
  integers of any width are numbers; doubles and floats print PostgreSQL's shortest text (``0.1``, ``1e+15``,
  ``NaN``, ``Infinity``; strings in JSON, which has no NaN; a whole one a JSON integer, as Go writes it).
- UUIDs as text; BLOB as PostgreSQL's bytea hex (``\\xdeadbeef``).
- csv, md and table output escape text values with ``iamsql.common.escaping``'s one rule: a *text* value (a VARCHAR
  column, or a Python ``str`` when no types are given) starting with ``=``, ``+``, ``-``, ``@``, TAB or CR gets a
  leading apostrophe, so a spreadsheet cannot run it as a formula; numbers (``-5``), intervals, timestamps,
  booleans and JSON are not text and stay exactly as Steampipe writes them. csv quotes every field holding a
  comma, quote, CR or LF; md escapes Markdown and HTML. json, jsonl and line output keep the exact text.
"""

from __future__ import annotations

import json
import math
import re
import shutil
import struct
import uuid
from collections.abc import Collection
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from operator import itemgetter
from typing import Any

from iamsql.common.escaping import (
    csv_line,
    csv_records,
    formula_like,
    md_escape,
    md_text,
    neutralise,
    neutralise_all,
)

FORMATS = ("table", "csv", "json", "jsonl", "line", "md")
# Snapshot formats iamsql writes no file of (Steampipe's query --output snapshot and --export sps, Powerpipe's pps):
# whose each is
SNAPSHOT_FORMATS = {"snapshot": "Steampipe's", "sps": "Steampipe's", "pps": "Powerpipe's"}
MIN_COLUMN_WIDTH = 12  # a table column is not cut below this (or its own width)
STEAMPIPE_NULL = "<null>"  # how Steampipe shows NULL in table and line output
LINE_RULE = 75  # dashes after a line-format record header, as Steampipe draws it

# Column types that ``query.fetch`` hands over as DuckDB's text (cast to VARCHAR), for the exact value.
TEXT_TYPES = (
    "INTERVAL",
    "DATE",
    "TIME",
    "TIME WITH TIME ZONE",
    "TIMESTAMP WITH TIME ZONE",
    "TIMESTAMP",
    "TIMESTAMP_NS",
    "TIMESTAMP_MS",
    "TIMESTAMP_S",
)


class _Json:
    """A JSON document parsed from a JSON column: nested in json output, compact text elsewhere."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


# ---- PostgreSQL's text for single values --------------------------------------------------------------------------


def pg_interval(years: int = 0, months: int = 0, days: int = 0, micros: int = 0) -> str:
    """PostgreSQL's interval text (IntervalStyle postgres): ``1 year 2 mons 3 days 04:05:06``, ``-1 days
    +00:00:01.5``, ``00:00:00``. ``years`` folds into months."""
    months += 12 * years
    parts: list[str] = []
    before_negative = False
    for value, unit in (
        (months // 12 if months >= 0 else -(-months // 12), "year"),
        (months % 12 if months >= 0 else -(-months % 12), "mon"),
        (days, "day"),
    ):
        if value:
            sign = "+" if before_negative and value > 0 else ""
            parts.append(f"{sign}{value} {unit}{'' if value == 1 else 's'}")
            before_negative = value < 0
    if micros or not parts:
        sign = "-" if micros < 0 else ("+" if before_negative else "")
        seconds, fraction = divmod(abs(micros), 1_000_000)
        minutes, seconds = divmod(seconds, 60)
        hours, minutes = divmod(minutes, 60)
        text = f"{sign}{hours:02d}:{minutes:02d}:{seconds:02d}"
        if fraction:
            text += f".{fraction:06d}".rstrip("0")
        parts.append(text)
    return " ".join(parts)


_DUCK_INTERVAL = re.compile(
    r"^(?:(?P<y>-?\d+) years? ?)?(?:(?P<m>-?\d+) months? ?)?(?:(?P<d>-?\d+) days? ?)?"
    r"(?:(?P<neg>-)?(?P<h>\d+):(?P<mi>\d\d):(?P<s>\d\d)(?:\.(?P<f>\d+))?)?$"
)


def interval_from_duckdb(text: str) -> str:
    """PostgreSQL's text for DuckDB's interval text (``1 year 2 months 3 days 04:05:06``)."""
    match = _DUCK_INTERVAL.match(text.strip())
    if not match:
        return text
    g = match.groupdict()
    micros = ((int(g["h"] or 0) * 60 + int(g["mi"] or 0)) * 60 + int(g["s"] or 0)) * 1_000_000
    micros += int(((g["f"] or "") + "000000")[:6])
    return pg_interval(int(g["y"] or 0), int(g["m"] or 0), int(g["d"] or 0), -micros if g["neg"] else micros)


def interval_from_timedelta(value: timedelta) -> str:
    """PostgreSQL's text for a Python timedelta (days and time; a timedelta has no months)."""
    micros = value.seconds * 1_000_000 + value.microseconds
    days = value.days
    if days < 0 and micros:  # timedelta(-1, 86399) is -1 second, PostgreSQL's "-00:00:01"
        days, micros = days + 1, micros - 86_400_000_000
    return pg_interval(days=days, micros=micros)


_DUCK_TIMESTAMP = re.compile(  # DuckDB writes a BC timestamp's ``(BC)`` after its date
    r"^(?P<date>-?\d{4,}-\d\d-\d\d)(?P<bc> \(BC\))? (?P<time>\d\d:\d\d:\d\d)(?:\.\d+)?"
    r"(?P<zone>[+-]\d\d(?::\d\d){0,2})?$"
)


def _bc(text: str) -> str:
    return text.replace(" (BC)", "") + " BC" if text.endswith(" (BC)") else text


def timestamp_from_duckdb(text: str, with_zone: bool) -> str:
    """Steampipe's text for a DuckDB timestamp: timestamptz as RFC 3339 (``2024-01-15T10:30:45Z``), timestamp as
    ``2024-01-15 10:30:45``, both without fractional seconds; ``infinity``/``-infinity`` as PostgreSQL."""
    match = _DUCK_TIMESTAMP.match(text)
    if not match:
        return text
    bc = " BC" if match["bc"] else ""
    if not with_zone:
        return f"{match['date']} {match['time']}{bc}"
    zone = match["zone"] or "+00"
    zone = "Z" if re.fullmatch(r"[+-]00(:00)*", zone) else (zone + ":00" if len(zone) == 3 else zone[:6])
    return f"{match['date']}T{match['time']}{zone}{bc}"


def pg_float(value: float, single: bool = False) -> str:
    """PostgreSQL's float8 (or float4 when ``single``) text: the shortest digits that read back the same,
    exponential below 1e-4 and from 1e15 (float4: 1e6) up, ``NaN``, ``Infinity``, ``-Infinity``, ``-0``."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0" if math.copysign(1, value) < 0 else "0"
    if single:
        exact = struct.unpack("f", struct.pack("f", value))[0]
        digits = next(
            t
            for t in (f"{exact:.{p}g}" for p in range(1, 10))
            if struct.unpack("f", struct.pack("f", float(t)))[0] == exact
        )
    else:
        digits = repr(value)
    sign, numerals, exponent = Decimal(digits).normalize().as_tuple()
    numerals = "".join(map(str, numerals))
    leading = exponent + len(numerals) - 1  # the decimal exponent of the first digit
    minus = "-" if sign else ""
    if leading < -4 or leading >= (6 if single else 15):
        mantissa = numerals[0] + ("." + numerals[1:] if len(numerals) > 1 else "")
        return f"{minus}{mantissa}e{'-' if leading < 0 else '+'}{abs(leading):02d}"
    return minus + format(Decimal(f"0.{numerals}e{leading + 1}"), "f")


def pg_bytea(value: bytes) -> str:
    """PostgreSQL's bytea text (hex format): ``\\x`` and two lowercase hex digits a byte."""
    return "\\x" + bytes(value).hex()


def pg_time(value: time) -> str:
    text = value.strftime("%H:%M:%S") + (f".{value.microsecond:06d}".rstrip("0") if value.microsecond else "")
    offset = value.utcoffset()
    if offset is not None:
        minutes = int(offset.total_seconds()) // 60
        text += f"{'-' if minutes < 0 else '+'}{abs(minutes) // 60:02d}" + (
            f":{abs(minutes) % 60:02d}" if minutes % 60 else ""
        )
    return text


# ---- one value, per format ----------------------------------------------------------------------------------------


def is_json_type(sqltype: str | None) -> bool:
    """Whether a column of this type comes as JSON text: JSON (``PG_JSON``: a Postgres ``json``, not ``jsonb``), or a
    list (``VARCHAR[]``: ``query.fetch`` hands lists over as JSON and keeps their type for ``data_type``)."""
    return sqltype is not None and (sqltype in ("JSON", "PG_JSON") or sqltype.endswith("[]"))


def _typed(value: Any, sqltype: str | None) -> Any:
    """The value with its column type applied: text of temporal types rewritten, JSON parsed, floats marked."""
    if value is None or sqltype is None:
        return value
    if is_json_type(sqltype):
        try:
            return _Json(json.loads(value)) if isinstance(value, str) else _Json(value)
        except ValueError:
            return value
    if sqltype in TEXT_TYPES and isinstance(value, str):
        if sqltype == "INTERVAL":
            return interval_from_duckdb(value)
        if sqltype.startswith("TIMESTAMP"):
            return timestamp_from_duckdb(value, sqltype == "TIMESTAMP WITH TIME ZONE")
        return _bc(value)
    if sqltype == "FLOAT" and isinstance(value, float):
        return _Float4(value)
    return value


class _Float4(float):
    """A float4 value: printed with float4's shortest digits."""


def _jsonable(value: Any) -> Any:
    """A JSON-ready form (json/jsonl output and JSON text in cells)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, _Json):
        return _sorted_keys(value.value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return pg_float(value)
        return float(pg_float(value, True)) if isinstance(value, _Float4) else value
    if isinstance(value, Decimal):
        return _decimal(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date | time):
        return _scalar(value)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in sorted(value.items(), key=lambda item: str(item[0]))}
    return _scalar(value)


def _sorted_keys(value: Any) -> Any:
    """A JSON document with object keys in sorted order at every level, as Steampipe (Go) writes jsonb."""
    if isinstance(value, dict):
        return {k: _sorted_keys(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_sorted_keys(v) for v in value]
    return value


def _decimal(value: Decimal) -> str:
    if value.is_nan():
        return "NaN"
    if value.is_infinite():
        return "Infinity" if value > 0 else "-Infinity"
    return format(value, "f")


def _scalar(value: Any) -> str:
    """The text of a non-NULL value that is not a list, map or JSON."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, _Float4):
        return pg_float(value, True)
    if isinstance(value, float):
        return pg_float(value)
    if isinstance(value, Decimal):
        return _decimal(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return pg_bytea(value)
    if isinstance(value, timedelta):
        return interval_from_timedelta(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return pg_time(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    return str(value)


def compact_json(value: Any) -> str:
    """JSON text as Steampipe prints a jsonb cell: no spaces, keys sorted (Go's encoding/json)."""
    return go_json(value, separators=(",", ":"), sort_keys=True)


def go_float(value: float) -> str:
    """A double as Go's encoding/json writes it, as Steampipe's JSON holds it: the shortest digits that read back
    the same, without an exponent from 1e-6 up to 1e21 (``2``, not ``2.0``; ``0.00001``; ``100000000000000000000``),
    else with one (``1e-7``, ``1e+21``); ``-0`` for negative zero."""
    if value == 0:
        return "-0" if math.copysign(1, value) < 0 else "0"
    number = Decimal(repr(value)).normalize()
    if 1e-6 <= abs(value) < 1e21:
        return format(number, "f")
    sign, numerals, exponent = number.as_tuple()
    numerals = "".join(map(str, numerals))
    leading = exponent + len(numerals) - 1
    mantissa = numerals[0] + ("." + numerals[1:] if len(numerals) > 1 else "")
    digits = f"{abs(leading):02d}" if leading >= 0 else str(abs(leading))  # Go writes e-7, e+21
    return f"{'-' if sign else ''}{mantissa}e{'-' if leading < 0 else '+'}{digits}"


def go_json(value: Any, *, indent: int | None = None, separators: tuple[str, str] = (", ", ": "),
            sort_keys: bool = False, level: int = 0) -> str:
    """``json.dumps`` of a JSON-ready value (``ensure_ascii=False``) with its doubles as ``go_float`` writes them
    (Python would write ``2.0`` and ``1e-05``; Go, which writes Steampipe's JSON, ``2`` and ``0.00001``)."""
    if isinstance(value, float) and math.isfinite(value):
        return go_float(value)
    if not isinstance(value, dict | list | tuple):
        return json.dumps(value, ensure_ascii=False)
    item_separator, key_separator = separators
    if indent is not None:
        item_separator = item_separator.rstrip() + "\n" + " " * (indent * (level + 1))
    nested = {"indent": indent, "separators": separators, "sort_keys": sort_keys, "level": level + 1}
    if isinstance(value, dict):
        keys = sorted(value) if sort_keys else list(value)
        items = [json.dumps(str(k), ensure_ascii=False) + key_separator + go_json(value[k], **nested) for k in keys]
        opening, closing = "{", "}"
    else:
        items = [go_json(v, **nested) for v in value]
        opening, closing = "[", "]"
    if not items:
        return opening + closing
    if indent is None:
        return opening + item_separator.join(items) + closing
    inside, outside = " " * (indent * (level + 1)), " " * (indent * level)
    return f"{opening}\n{inside}{item_separator.join(items)}\n{outside}{closing}"


def _cell(value: Any, null: str = "") -> str:
    """The text of one value in csv, md, table and line output."""
    if value is None:
        return null
    if isinstance(value, _Json | list | tuple | dict):
        return compact_json(_jsonable(value))
    return _scalar(value)


def _table_cell(value: Any, null: str) -> str:
    """A table cell on one line (whitespace runs collapsed); text neutralised before and after collapsing."""
    if isinstance(value, _Text):
        return _text_line(value)
    return " ".join(_cell(value, null).split())


def _text_line(text: str) -> str:
    """A text value as a table cell (``_table_cell``)."""
    one_line = " ".join(text.split())
    return "'" + one_line if formula_like(text) or formula_like(one_line) else one_line


def _table_rows(rows: list[tuple], types: list[str] | None, null: str) -> list[tuple[str, ...]]:
    """The cells of a table (``_table_cell`` of each value, text marked as ``_mark_text`` and ``_typed`` do),
    column by column: a text column of strings and NULLs is written without the tests per value."""
    kinds = types or [None] * (len(rows[0]) if rows else 0)
    blank = " ".join(null.split())
    columns = []
    for i, sqltype in enumerate(kinds):
        values = list(map(itemgetter(i), rows))
        if _is_text("", sqltype) and set(map(type, values)) <= {str, type(None)}:
            columns.append([blank if v is None else _text_line(v) for v in values])
        else:
            columns.append([_table_cell(_Text(v) if _is_text(v, sqltype) else _typed(v, sqltype), null)
                            for v in values])
    return list(zip(*columns)) if columns else [() for _ in rows]


class _Text(str):
    """A value of a text column (not the text form of a number, time or interval)."""


def _is_text(value: Any, sqltype: str | None) -> bool:
    """Whether the escaping rule treats the value as text: a ``str`` of a VARCHAR-like column (every ``str`` when
    no type is known; temporal types arrive as text but are not text)."""
    return (
        isinstance(value, str)
        and not isinstance(value, _Json)
        and (sqltype is None or (sqltype not in TEXT_TYPES and not is_json_type(sqltype)))
    )


def _mark_text(rows: list[tuple], types: list[str] | None) -> list[tuple]:
    """Rows with text values marked (``_Text``) for the escaping rule."""
    kinds = types or [None] * (len(rows[0]) if rows else 0)
    return [tuple(_Text(v) if _is_text(v, t) else v for v, t in zip(row, kinds)) for row in rows]


def _csv(columns: list[str], rows: list[tuple], types: list[str] | None, header: bool, separator: str) -> str:
    """csv output column by column (``_csv_fields``), then the records."""
    kinds = types or [None] * len(columns)
    fields = [_csv_fields(list(map(itemgetter(i), rows)), sqltype) for i, sqltype in enumerate(kinds)]
    head = csv_line([neutralise(c) for c in columns], separator) if header else ""
    return head + (csv_records(fields, separator) if columns else "\n" * len(rows))


def _csv_fields(values: list, sqltype: str | None) -> list[str]:
    """One column's csv fields: text neutralised, NULL empty, anything else as ``_cell`` writes it. Whether the
    column's strings are text (``_is_text``) follows from its type, so it is decided once; a text column of
    strings and NULLs only is neutralised in one pass (``neutralise_all``)."""
    text_column = _is_text("", sqltype)
    kinds = set(map(type, values))
    if text_column and kinds <= {str, type(None)}:
        return neutralise_all(["" if v is None else v for v in values] if type(None) in kinds else values)
    return [
        neutralise(v) if text_column and isinstance(v, str) else "" if v is None else _cell(_typed(v, sqltype))
        for v in values
    ]


# The Postgres type Steampipe names a column by (``data_type`` of its query JSON), for each DuckDB type ``fetch``
# hands over; structs and maps come as JSON, as Steampipe's jsonb columns do, a list as the array of its element's
# type (``pg_data_type``).
PG_DATA_TYPES = {
    "VARCHAR": "text", "BOOLEAN": "bool", "TINYINT": "int2", "SMALLINT": "int2", "INTEGER": "int4", "BIGINT": "int8",
    "HUGEINT": "numeric", "UTINYINT": "int2", "USMALLINT": "int4", "UINTEGER": "int8", "UBIGINT": "numeric",
    "UHUGEINT": "numeric", "FLOAT": "float4", "DOUBLE": "float8", "DATE": "date", "TIME": "time",
    "TIME WITH TIME ZONE": "timetz", "TIMESTAMP": "timestamp", "TIMESTAMP_S": "timestamp", "TIMESTAMP_MS": "timestamp",
    "TIMESTAMP_NS": "timestamp", "TIMESTAMP WITH TIME ZONE": "timestamptz", "INTERVAL": "interval", "UUID": "uuid",
    "BLOB": "bytea", "BIT": "bit", "JSON": "jsonb", "PG_JSON": "json", "PG_REGTYPE": "regtype",
    "PG_VARCHAR": "varchar", "PG_INET": "inet", "PG_CIDR": "cidr", "PG_OID": "oid", "NULL": "text", '"NULL"': "text",
}


def pg_data_type(sqltype: str) -> str:
    """The ``data_type`` Steampipe gives a column of this DuckDB type: Postgres's type name (``text``, ``int4``), for
    a list the array type's (``_text`` for ``VARCHAR[]``, ``_int4``; ``jsonb`` for a list of lists or structs)."""
    if sqltype.endswith("[]"):
        element = sqltype[:-2]
        known = element.startswith("DECIMAL") or element in PG_DATA_TYPES and element != "PG_JSON"
        return f"_{pg_data_type(element)}" if known else "jsonb"
    return "numeric" if sqltype.startswith("DECIMAL") else PG_DATA_TYPES.get(sqltype, sqltype.lower())


# Postgres's own name of a type (``format_type``: what psql's ``\d`` and Steampipe's ``.inspect`` show) where it
# differs from the internal name ``pg_data_type`` gives.
PG_TYPE_NAMES = {
    "bool": "boolean", "int2": "smallint", "int4": "integer", "int8": "bigint", "float4": "real",
    "float8": "double precision", "timestamp": "timestamp without time zone",
    "timestamptz": "timestamp with time zone", "time": "time without time zone", "timetz": "time with time zone",
    "varchar": "character varying",
}


def pg_type_name(sqltype: str) -> str:
    """The type Steampipe's ``.inspect`` shows for a column of this DuckDB type: Postgres's name (``text``,
    ``jsonb``, ``timestamp with time zone``, ``bigint``, ``text[]``); structs, maps and unions are ``jsonb``, as
    queries hand them over."""
    if sqltype.startswith(("STRUCT", "MAP", "UNION")):
        return "jsonb"
    internal = pg_data_type(sqltype)
    base = internal.removeprefix("_")
    return PG_TYPE_NAMES.get(base, base) + ("[]" if base != internal else "")


def query_json(columns: list[str], rows: list[tuple], types: list[str]) -> str:
    """One statement's result as Steampipe's ``query --output json`` writes it (0.24 and later): ``{"columns":
    [{"name", "data_type"}], "rows": [{name: value}]}``, values as ``json`` output gives them. A repeated column
    name is given a ``_2``, ``_3``... suffix with its ``original_name``, as Steampipe renames it (with a random
    suffix) so that no value is lost."""
    described, names, seen = [], [], {}
    for name, sqltype in zip(columns, types):
        seen[name] = seen.get(name, 0) + 1
        unique = name if seen[name] == 1 else f"{name}_{seen[name]}"
        data_type = pg_data_type(sqltype)
        described.append({"name": unique, "data_type": data_type} | ({"original_name": name} if unique != name else {}))
        names.append(unique)
    typed = ([_json_value(_typed(v, t)) for v, t in zip(row, types)] for row in rows)
    document = {"columns": described, "rows": [dict(zip(names, values)) for values in typed]}
    return go_json(document, indent=2, separators=(",", ": ")) + "\n"


def _json_value(value: Any) -> Any:
    """The value in json/jsonl output: JSON nested, booleans and numbers native, the rest as text."""
    if isinstance(value, _Json | list | tuple | dict | float) or value is None or isinstance(value, bool | int | str):
        return _jsonable(value)  # a double written by go_json as Go writes it (3, not 3.0; -0)
    return _scalar(value)


# ---- layouts ------------------------------------------------------------------------------------------------------


def fit_widths(widths: list[int], available: int, floor: int = MIN_COLUMN_WIDTH) -> list[int]:
    """Column widths whose sum fits ``available``: the widest columns give way first (long reasons before short
    ids), none below ``floor`` or its own width; the sum may stay above ``available`` when every column is down
    to that."""
    widths = list(widths)
    while sum(widths) > available:
        widest = max(widths)
        if widest <= floor:
            break
        count = widths.count(widest)
        next_widest = max((w for w in widths if w < widest), default=0)
        shrink_to = widest - -(-(sum(widths) - available) // count)  # ceil: spread the excess over the widest
        target = max(floor, next_widest, shrink_to)
        widths = [target if w == widest else w for w in widths]
    return widths


def clip(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters with an ellipsis: at the end, or at the start for an ARN, whose end
    (``user/alice``) is the part that tells resources apart."""
    if len(text) <= width:
        return text
    return "\u2026" + text[len(text) - width + 1 :] if text.startswith("arn:") else text[: width - 1] + "\u2026"


def terminal_width() -> int | None:
    """The width tables and wrapped lines are cut to: ``COLUMNS``, else the terminal's; None when standard output is
    no terminal (a pipe, a file), where every value is whole and no line wrapped, as Steampipe prints there."""
    return shutil.get_terminal_size((0, 0)).columns or None


def _table(columns: list[str], rows: list[tuple[str, ...]], header: bool = True, whole: Collection[str] = ()) -> str:
    """A table as wide as the terminal (``terminal_width``; whole values where there is none): one line per row,
    long cells clipped (csv, json and md keep the full text); without ``header``, the rows alone. Drawn by hand: a
    check over a large account shows tens of thousands of rows, which a table library takes seconds to lay out."""
    width = terminal_width()
    natural = [max([len(c) if header else 0, *(len(row[i]) for row in rows)]) for i, c in enumerate(columns)]
    widths = natural
    if width is not None:
        kept = [i for i, c in enumerate(columns) if c in whole]  # ids to copy into a command line: never clipped
        fitted = iter(fit_widths([w for i, w in enumerate(natural) if i not in kept],
                                 width - 2 * len(columns) - sum(natural[i] for i in kept)))  # two spaces apart
        widths = [natural[i] if i in kept else next(fitted) for i in range(len(columns))]

    clipped = [i for i, w in enumerate(widths) if w < natural[i]]
    if clipped:  # only the columns wider than their width are cut, column by column
        cut = list(zip(*rows)) if rows else [() for _ in columns]
        for i in clipped:
            cut[i] = [clip(cell, widths[i]) for cell in cut[i]]
        rows = list(zip(*cut))
    # one format per line: every column but the last padded to its width; no padding after the last column, not
    # even made and cut off: in a pipe the widest cell (a reason of ~78,000 characters) would pad each of tens of
    # thousands of lines to it
    layout = "  ".join([*(f"{{:<{w}}}" for w in widths[:-1]), "{}"]) if widths else ""
    lines = [layout.format(*(clip(c, w) for c, w in zip(columns, widths))).rstrip(" "),
             "\u2500" * (sum(widths) + 2 * (len(widths) - 1))] if header else []
    lines += [layout.format(*row).rstrip(" ") for row in rows]
    return "".join(line + "\n" for line in lines)


def _box_cell(value: Any, null: str) -> str:
    """A cell of Steampipe's table: its lines kept, tabs as four spaces, carriage returns and other characters that
    are neither printable nor whitespace dropped (as Steampipe and its table writer do); text neutralised."""
    text = _cell(value, null).replace("\t", "    ")
    text = "".join(ch for ch in text if ch.isprintable() or ch == "\n" or (ch.isspace() and ch != "\r"))
    return "'" + text if isinstance(value, _Text) and formula_like(text) else text


def _boxed_table(columns: list[str], rows: list[list[str]], header: bool = True) -> str:
    """Steampipe's table (go-pretty's default style): ``+---+`` rules above, below and under the header, ``| value |``
    cells padded to the column's longest line and left-aligned (numbers too: Steampipe hands the table text), a
    value of several lines on lines of its own; whole values, never cut to the terminal."""
    if not header and not rows:  # a table with nothing to show draws nothing, not two rules
        return ""
    cells = [[cell.split("\n") for cell in row] for row in rows]
    widths = [max([len(c) if header else 0, *(len(part) for row in cells for part in row[i])])
              for i, c in enumerate(columns)]
    rule = "+" + "+".join("-" * (w + 2) for w in widths) + "+"

    def lines(row: list[list[str]]) -> list[str]:
        height = max((len(parts) for parts in row), default=1)
        return ["| " + " | ".join((parts[k] if k < len(parts) else "").ljust(w) for parts, w in zip(row, widths))
                + " |" for k in range(height)]

    out = [rule, *lines([[c] for c in columns]), rule] if header else [rule]
    for row in cells:
        out += lines(row)
    out.append(rule)
    return "".join(line + "\n" for line in out)


def _line(columns: list[str], rows: list[list[str]]) -> str:
    """Steampipe's (and psql's expanded) line format: a ``-[ RECORD n ]---`` header per row, then ``name | value``
    per column; a value of several lines continues on lines of its own, each but the last ending in `` +``."""
    name_width = max((len(c) for c in columns), default=0)
    out: list[str] = []
    for number, row in enumerate(rows, 1):
        out.append(f"-[ RECORD {number:<2d} ]" + "-" * LINE_RULE)
        value_width = max((len(part) for cell in row for part in cell.split("\n")), default=0)
        for name, cell in zip(columns, row):
            parts = cell.split("\n")
            if len(parts) == 1:
                out.append(f"{name:<{name_width}} | {cell}")
                continue
            for i, part in enumerate(parts):
                label = name if i == 0 else ""
                out.append(f"{label:<{name_width}} | {part:<{value_width}}" + (" +" if i < len(parts) - 1 else ""))
    return "".join(line + "\n" for line in out)


def render(
    columns: list[str],
    rows: list[tuple],
    fmt: str,
    types: list[str] | None = None,
    null_text: str = "",
    *,
    header: bool = True,
    separator: str = ",",
    whole: Collection[str] = (),
    boxed: bool = False,
) -> str:
    """The whole rendered text of a result set in one of ``FORMATS``. ``types``: the DuckDB type of each column
    (``query.fetch``); ``null_text``: NULL in table and line output; ``header``: the column names in csv and
    table output (Steampipe's ``--header``); ``separator``: csv's field separator (Steampipe's ``--separator``);
    ``whole``: columns a table never clips (control ids, which the reader copies into ``--control``); ``boxed``:
    the table as Steampipe draws it (``iamsql query``) instead of iamsql's own, cut to the terminal's width."""
    if fmt == "csv":
        return _csv(columns, rows, types, header, separator)
    if fmt == "table" and not boxed:
        return _table(columns, _table_rows(rows, types, null_text), header, whole)
    if fmt in ("md", "table"):
        marked = _mark_text(rows, types)
    if types is not None:
        rows = [tuple(_typed(v, t) for v, t in zip(row, types)) for row in rows]
        if fmt in ("md", "table"):  # text values are unchanged by _typed; mark them again
            rows = [
                tuple(_Text(v) if isinstance(m, _Text) else v for v, m in zip(row, mrow))
                for row, mrow in zip(rows, marked)
            ]
    elif fmt in ("md", "table"):
        rows = marked
    if fmt == "json":
        return (
            go_json([dict(zip(columns, map(_json_value, row))) for row in rows], indent=2, separators=(",", ": "))
            + "\n"
        )
    if fmt == "jsonl":
        return "".join(go_json(dict(zip(columns, map(_json_value, row)))) + "\n" for row in rows)
    if fmt == "md":

        def esc(value: Any) -> str:  # text neutralised and escaped; numbers, times and JSON only escaped
            return md_text(str(value)) if isinstance(value, _Text) else md_escape(_cell(value))

        lines = ["| " + " | ".join(md_text(c) for c in columns) + " |", "|" + "---|" * len(columns)]
        lines += ["| " + " | ".join(esc(v) for v in row) + " |" for row in rows]
        return "\n".join(lines) + "\n"
    if fmt == "table" and boxed:
        return _boxed_table(columns, [[_box_cell(v, null_text) for v in row] for row in rows], header)
    if fmt == "line":
        return _line(columns, [[_cell(v, null_text) for v in row] for row in rows])
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")

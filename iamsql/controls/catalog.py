"""The control catalog: ``queries/*.sql`` files (a YAML header in the leading comment + Steampipe SQL; the file
name is the id), validated into ``Control`` objects, their parameters, selection and translation to DuckDB."""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from iamsql.common import model, yamltext
from iamsql.common.lazy import lazy_import
from iamsql.common.model import Where, load_located, rule, validate
from iamsql.controls.names import QUERIES_DIR, VIEWS_DIR, view_names
from iamsql.errors import ControlError, first_line
from iamsql.frameworks import load_frameworks, requirements_for_control
from iamsql.sql import cache as sqlcache
from iamsql.store import schema
from iamsql.store.schema import ACCESS_TABLES, ACCOUNT_VIEWS, CATALOG_TABLES, TABLES

sqlglot = lazy_import("sqlglot")
dialect = lazy_import("iamsql.sql.dialect")  # imports sqlglot: only when a control is translated, not when cached
yaml = lazy_import("yaml")  # imported by the first header parsed (they are kept parsed: ``_folder``)

# the code that reads and validates a control's header: a change to it is a miss of the parsed controls kept on disk
HEADER_READERS = (Path(__file__), Path(model.__file__), Path(yamltext.__file__), Path(schema.__file__))
ACCESS_QUESTIONS = QUERIES_DIR / "access.yaml"


SEVERITIES = ("critical", "high", "medium", "low", "info")


STATUSES = ("ok", "alarm", "info", "skip", "error")


RESULT_COLUMNS = ("resource", "status", "reason", "account_id", "region")


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
    rows: dict[str, str] = field(default_factory=dict)  # table -> key of the one row of it the SQL reads
    sql: str = ""
    path: Path = Path()
    # how many times its SQL names each helper view (``view_references``), counted when parsed and kept with it;
    # None: not counted (a control made otherwise, e.g. a Sigma rule)
    views: dict[str, int] | None = None


_HEADER = re.compile(r"\A\s*/\*(?P<header>.*?)\*/(?P<body>.*)\Z", re.S)


def _known_tables(tables: tuple[str, ...]) -> str | None:
    known = set(TABLES) | set(view_names()) | set(ACCOUNT_VIEWS) | set(ACCESS_TABLES) | set(CATALOG_TABLES)
    unknown = [table for table in tables if table not in known]
    return f"names unknown table or view {unknown[0]!r}" if unknown else None


def _row_keys(rows: dict) -> str | None:
    if not all(isinstance(key, str) for key in rows.values()):
        return "must map each table to the key of its row, as text"
    return _loaded_tables(tuple(rows))


def _loaded_tables(tables: tuple[str, ...]) -> str | None:
    unloaded = [table for table in tables if table not in TABLES]
    return f"names {unloaded[0]!r}, which is not a loaded table" if unloaded else None


@dataclass(frozen=True, kw_only=True)
class ControlHeader:
    """The YAML header of a control file; the file name, not a key, is the control's id."""

    title: str = rule("text", help="one line")
    description: str = rule("text")
    severity: str = rule("text", choices=SEVERITIES)
    resource_type: str = rule("text", help="e.g. `AWS::IAM::User`, `AWS::::Account`")
    rationale: str = rule("text")
    remediation: str = rule("text")
    tables: tuple[str, ...] = rule(
        "names",
        check=_known_tables,
        help="every table or view the SQL reads "
        "(Steampipe tables, `queries/views/*`, `iamsql_account`, the policy engine's tables)",
    )
    requires: tuple[str, ...] | None = rule(
        "names",
        required=False,
        null_is_default=False,
        check=_loaded_tables,
        help="loaded tables an account must have, else the control is `skip` for it; default: every Steampipe "
        "table in `tables`",
    )
    parameters: dict[str, Any] | None = rule(
        "settings", required=False, help="the SQL uses `:name`; every declared name must be used and vice versa"
    )
    rows: dict[str, str] | None = rule(
        "mapping",
        required=False,
        check=_row_keys,
        help="loaded tables the SQL reads one row of, each with that row's key (`{partition}`: the account's "
        "partition): an account that has the table in part only, that row whole in it (one policy's "
        "`list-entities-for-policy`), is evaluated instead of skipped",
    )


def parse_control(path: Path) -> Control:
    """Read one control file and validate its header against ``ControlHeader``; any problem raises ControlError
    naming the file, the line and the key."""
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
        data = load_located(match["header"])
    except yaml.YAMLError as exc:
        raise ControlError(f"{name}: header is not valid YAML: {first_line(exc)}") from None
    except RecursionError:
        raise ControlError(f"{name}: header nested too deeply to read") from None
    where = Where(
        name, "header", ControlError, noun="header key", line_offset=text.count("\n", 0, match.start("header"))
    )
    header = validate(ControlHeader, data, where)
    requires = header.requires if header.requires is not None else tuple(t for t in header.tables if t in TABLES)
    parameters = header.parameters or {}
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
        title=header.title,
        description=header.description,
        severity=header.severity,
        resource_type=header.resource_type,
        rationale=header.rationale,
        remediation=header.remediation,
        tables=header.tables,
        requires=requires,
        parameters=parameters,
        rows=dict(header.rows or {}),  # a plain dict, as kept on disk (``Located`` is a dict that remembers lines)
        sql=body,
        path=path,
        views=view_references(body),
    )


def _strip_literals(sql: str) -> str:
    """SQL with string literals, quoted identifiers and comments blanked, so ':x' inside them is not a parameter."""
    return re.sub(r"'(?:[^']|'')*'|\"[^\"]*\"|--[^\n]*|/\*.*?\*/|::", " ", sql, flags=re.S)


def load_controls(directory: Path | None = None) -> list[Control]:
    """Every control in ``queries/`` (sorted by id); the first invalid file raises ControlError."""
    directory = directory or QUERIES_DIR
    if not directory.is_dir():
        raise ControlError(f"control folder {directory} does not exist")
    stamps = tuple((path.name, *_stamp(path)) for path in sorted(directory.glob("*.sql")))
    return list(_folder(directory, stamps))


def _stamp(path: Path) -> tuple[int, int]:
    status = path.stat()
    return status.st_mtime_ns, status.st_size


@lru_cache(maxsize=16)
def _folder(directory: Path, stamps: tuple[tuple[str, int, int], ...]) -> tuple[Control, ...]:
    """The folder's controls, once per process while its files keep their times and sizes (a run reads the folder
    several times): kept parsed beside the translation cache, keyed by the control pack (``control_pack_hash``), the
    helper views a header may name and the code that reads the headers, else parsed now and kept."""
    parts = [
        control_pack_hash(directory).encode(),
        "\0".join(view_names()).encode(),  # the helper views a header may name (the shipped ones)
        *(path.read_bytes() for path in HEADER_READERS),
    ]
    return sqlcache.kept(
        "controls",
        parts,
        lambda: tuple(parse_control(directory / name) for name, *_ in stamps),
        lambda controls: [{**dataclasses.asdict(control), "path": control.path.name} for control in controls],
        lambda data: tuple(_control(directory, item) for item in data),
    )


def _control(directory: Path, item: dict) -> Control:
    """A control as ``_folder`` keeps it (JSON) back in its own types."""
    return Control(
        **{
            **item,
            "tables": tuple(item["tables"]),
            "requires": tuple(item["requires"]),
            "path": directory / item["path"],
        }
    )


def control_pack_hash(directory: Path | None = None, extra_controls: Iterable[Control] = ()) -> str:
    """SHA-256 over every control and helper-view file (names and contents) and the policy engine's questions
    (``queries/access.yaml``, which the engine-judged controls read whatever the folder), so a run records what it
    ran; with ``extra_controls`` (Sigma rules, ``iamsql.controls.sigma``), also over their ids and SQL."""
    directory = directory or QUERIES_DIR
    files = sorted([*directory.glob("*.sql"), *(directory / "views").glob("*.sql")])
    stamps = tuple((path, *_stamp(path)) for path in [*files, ACCESS_QUESTIONS])
    digest = _pack_digest(directory, stamps).copy()
    for control in sorted(extra_controls, key=lambda c: c.id):
        digest.update(f"extra:{control.id}".encode() + b"\0" + control.sql.encode() + b"\0")
    return digest.hexdigest()


@lru_cache(maxsize=16)
def _pack_digest(directory: Path, stamps: tuple[tuple[Path, int, int], ...]) -> hashlib._Hash:
    """The pack's digest over the files of ``stamps`` (the controls and helper views, then the questions file),
    once per process while they keep their times and sizes (a run asks three times: the parsed controls' key, the
    run's record, the report)."""
    digest = hashlib.sha256()
    *files, (questions, *_) = stamps
    for path, *_ in files:
        digest.update(path.relative_to(directory).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(b"questions:" + questions.name.encode() + b"\0" + questions.read_bytes() + b"\0")
    return digest


def with_extra(controls: list[Control], extra_controls: Iterable[Control] | None) -> list[Control]:
    """The controls of a folder plus extra ones (Sigma rules), sorted by id; an id used twice is an error."""
    extra = list(extra_controls or [])
    known = {c.id: c for c in controls}
    for control in extra:
        if control.id in known:
            raise ControlError(f"{control.path}: control id {control.id} is already used by {known[control.id].path}")
        known[control.id] = control
    return sorted(known.values(), key=lambda c: c.id) if extra else controls


def render_sql(control: Control, params: dict[str, Any]) -> str:
    """The control's Steampipe SQL with each ``:name`` placeholder replaced by a literal (sqlglot AST, so
    the result is still plain Postgres SQL that any engine's translator can take)."""
    failure = sqlglot.errors.ParseError  # imports sqlglot outside the try (see ``sql.query.check_read_only``)
    try:
        tree = sqlglot.parse_one(control.sql, read="postgres")
    except failure as exc:
        raise ControlError(f"cannot parse the SQL: {first_line(exc)}") from None
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
    return dialect.to_duckdb(sql, as_of_variable=True)


CACHED_DIALECT = "duckdb-as-of"  # the translation cache's name for what ``to_duckdb`` writes


def effective_parameters(controls: list[Control], overrides: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    """Per control, its parameters after overrides. An override ``name=value`` applies to every selected
    control that declares ``name``; ``control_id.name=value`` to one control. Values must keep the
    default's type; an override that no selected control declares is an error."""
    result = {c.id: dict(c.parameters) for c in controls}
    for key, raw in (overrides or {}).items():
        control_id, _, name = key.rpartition(".")
        targets = [c for c in controls if name in c.parameters and (not control_id or c.id == control_id)]
        if not targets:
            raise ControlError(f"parameter {key!r} is not declared by any selected control{_declared(controls, control_id, name)}")
        for control in targets:
            result[control.id][name] = _coerce(key, raw, control.parameters[name])
    return result


def _declared(controls: list[Control], control_id: str, name: str) -> str:
    """The end of the error for an override no selected control declares: the name meant, or what is declared."""
    scope = [c for c in controls if not control_id or c.id == control_id]
    if control_id and not scope:
        return f": {control_id} is not among them"
    declared = sorted({parameter for c in scope for parameter in c.parameters})
    prefix = f"{control_id}." if control_id else ""
    close = difflib.get_close_matches(name, declared, n=1)
    if close:
        return f" (did you mean {prefix}{close[0]}?)"
    if not declared:
        return f": {control_id} has no parameters" if control_id else ": none of them has parameters"
    return f"; {control_id + ' declares' if control_id else 'the selected controls declare'} {', '.join(declared)}"


def _coerce(key: str, raw: Any, default: Any) -> Any:
    value = yamltext.load(raw) if isinstance(raw, str) else raw
    if isinstance(default, bool):
        ok = isinstance(value, bool)
    elif isinstance(default, int | float):
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    else:
        value, ok = str(raw), True
    if not ok:
        kind = "true or false" if isinstance(default, bool) else "a number"
        raise ControlError(f"parameter {key!r} must be {kind} like its default {default!r}, not {raw!r}")
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
            close = difflib.get_close_matches(control_id, sorted(by_id), n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise ControlError(f"unknown control {control_id!r}{hint}; 'iamsql controls' lists them")
    selected = [c for c in controls if not ids or c.id in ids]
    if frameworks:
        known = sorted(load_frameworks())
        for framework in frameworks:
            if framework not in known:
                raise ControlError(f"unknown framework {framework!r}; known: {', '.join(known) or 'none yet'}")
        selected = [
            c for c in selected if any(r.split(":", 1)[0] in frameworks for r in requirements_for_control(c.id))
        ]
    if severity is not None:
        if severity not in SEVERITIES:
            raise ControlError(f"unknown severity {severity!r}; choose one of {', '.join(SEVERITIES)}")
        selected = [c for c in selected if SEVERITIES.index(c.severity) <= SEVERITIES.index(severity)]
    return selected


def unknown_mapped_controls(controls: Iterable[Control], frameworks: list[str] | None = None) -> list[str]:
    """One line per control id that a mapping (of ``frameworks``, default every one) names but that is neither a
    shipped control nor one of ``controls`` (a typo in the mapping): the requirement can never pass."""
    known = sorted({c.id for c in controls} | {path.stem for path in QUERIES_DIR.glob("*.sql")})
    lines = []
    for framework in load_frameworks().values():
        if frameworks and framework.id not in frameworks:
            continue
        for requirement in framework.requirements:
            for control_id in requirement.controls:
                if control_id not in known:
                    close = difflib.get_close_matches(control_id, known, n=1)
                    hint = f" (did you mean {close[0]}?)" if close else ""
                    lines.append(f"mappings/{framework.id}.yaml: {requirement.id} names {control_id}, which is no "
                                 f"control{hint}: {requirement.id} can never pass")
    return lines


def view_body(name: str) -> str:
    """A helper view's SQL without its header comment."""
    return _view_bodies()[name]


@lru_cache(maxsize=1)
def _view_bodies() -> dict[str, str]:
    return {name: strip_header((VIEWS_DIR / f"{name}.sql").read_text(encoding="utf-8")) for name in view_names()}


_WORD = re.compile(r"\w+")


@lru_cache(maxsize=1024)
def view_references(text: str) -> dict[str, int]:
    """How many times ``text`` names each helper view: the whole words of ``text`` that are a view's name (view
    names are words; a false positive only costs time). One pass over the text, not one search per view."""
    names = _view_bodies()
    counts = Counter(word for word in _WORD.findall(text) if word in names)
    return {name: counts[name] for name in names if name in counts}


def strip_header(sql: str) -> str:
    match = _HEADER.match(sql)
    return (match["body"] if match else sql).strip().rstrip(";")

"""Declarative models of the files people write: control headers, exceptions files, framework mappings and
catalogs. A model is a frozen, keyword-only dataclass whose fields carry their rule in ``rule(...)``: the kind of
value, whether it is required (else its default), the allowed values, an extra check and a help text.
``validate`` walks a model over one YAML mapping and raises one line naming the file, the line (when the mapping
was read with ``load_located``) and the key of the first problem; ``reference`` lists the rules for the docs."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Hashable
from datetime import date, datetime
from typing import Any, TypeVar

from iamsql.common.lazy import lazy_import
from iamsql.common.yamltext import safe_loader
from iamsql.errors import IamsqlError

yaml = lazy_import("yaml")  # imported by the first document read (``yamltext``)

Model = TypeVar("Model")


class Invalid(ValueError):
    """A value that breaks its rule; the message is the problem after the key's name (``must be text``)."""


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise Invalid("must be text")
    if not value.strip():
        raise Invalid("must not be empty")
    return value.strip()


def _label(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float | date):
        raise Invalid("must be text")
    return _text(str(value))


def _day(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise Invalid(f"must be a date like 2026-12-31, not {value!r}") from None


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise Invalid("must be true or false")
    return value


def _names(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise Invalid("must be a list of names")
    return tuple(value)


def _settings(value: Any) -> dict[str, bool | int | float | str]:
    if not value:  # an empty value ('', []) declares none
        return {}
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, bool | int | float | str) for k, v in value.items()
    ):
        raise Invalid("must map names to numbers, text or booleans")
    return dict(value)


def _entries(value: Any) -> list:
    if not isinstance(value, list):
        raise Invalid("must be a list of entries (each starting with '- ')")
    return value


def _mapping(value: Any) -> dict:
    if not isinstance(value, dict):
        raise Invalid("must be a mapping of keys to values")
    return value


# kind -> (what a value becomes, what the docs call it)
KINDS: dict[str, tuple[Callable[[Any], Any], str]] = {
    "text": (_text, "text"),
    "label": (_label, "text (a number or date is read as text)"),
    "date": (_day, "a date, 2026-12-31"),
    "bool": (_flag, "true or false"),
    "names": (_names, "a list of names"),
    "settings": (_settings, "name: default (number, text or boolean)"),
    "entries": (_entries, "a list of entries"),
    "mapping": (_mapping, "a mapping"),
    "any": (lambda value: value, "any value"),
}


@dataclasses.dataclass(frozen=True)
class Rule:
    """What one key of a file may hold."""

    kind: str
    required: bool
    choices: tuple[str, ...] = ()
    check: Callable[[Any], str | None] | None = None  # the problem with a converted value, or None
    help: str = ""
    null_is_default: bool = True  # an optional key given no value takes its default (else: a wrong value)


def rule(
    kind: str,
    *,
    required: bool = True,
    default: Any = None,
    choices: tuple[str, ...] = (),
    check: Callable[[Any], str | None] | None = None,
    help: str = "",
    null_is_default: bool = True,
) -> Any:
    """A model field: its rule in the field's metadata; optional fields take ``default`` (immutable), also when
    given no value unless ``null_is_default`` is false (then ``key:`` alone is refused as a wrong value)."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    metadata = {"rule": Rule(kind, required, choices, check, help, null_is_default)}
    if required:
        return dataclasses.field(metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


class Located(dict):
    """A YAML mapping that remembers its line (``line``), each key's line (``lines``) and keys given twice."""

    def __init__(self, line: int = 0) -> None:
        super().__init__()
        self.line = line
        self.lines: dict[Any, int] = {}
        self.repeated: dict[Any, int] = {}


class LocatedList(list):
    """A YAML sequence that remembers its line (``line``) and each item's line (``lines``)."""

    def __init__(self, line: int = 0) -> None:
        super().__init__()
        self.line = line
        self.lines: list[int] = []


@functools.cache
def _locating_loader() -> type:
    """Safe YAML whose mappings are ``Located`` and sequences ``LocatedList``."""

    class LocatingLoader(safe_loader()):  # type: ignore[misc,valid-type]
        pass

    LocatingLoader.add_constructor("tag:yaml.org,2002:map", _construct_located)
    LocatingLoader.add_constructor("tag:yaml.org,2002:seq", _construct_located_list)
    return LocatingLoader


def _construct_located(loader, node: yaml.MappingNode):
    data = Located(node.start_mark.line + 1)
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, Hashable):
            raise yaml.constructor.ConstructorError(None, None, "a key must be text or a number", key_node.start_mark)
        line = key_node.start_mark.line + 1
        if key in data:
            data.repeated.setdefault(key, line)
        else:
            data.lines[key] = line
        data[key] = loader.construct_object(value_node)


def _construct_located_list(loader, node: yaml.SequenceNode):
    data = LocatedList(node.start_mark.line + 1)
    yield data
    for item in node.value:
        data.lines.append(item.start_mark.line + 1)
        data.append(loader.construct_object(item))


def load_located(text: str) -> Any:
    """The value of one YAML document (safe), its mappings ``Located`` and sequences ``LocatedList``; YAML errors
    propagate."""
    return yaml.load(text, Loader=_locating_loader())


@dataclasses.dataclass(frozen=True)
class Where:
    """How messages about one mapping read: ``<file>:<line>: <context><noun> '<key>' <problem>``."""

    file: str
    subject: str  # what the mapping is, for "must be a mapping": "header", "exception 2"
    error: type[IamsqlError]
    context: str = ""  # before every message about a key: "exception 2: "
    noun: str = ""  # before a key's name: "header key"
    line_offset: int = 0  # lines of the file before the YAML text
    line: int = 0  # the line when the data has none (an entry that is not a mapping: its line in the list)

    def fail(self, data: Any, key: Any, problem: str) -> IamsqlError:
        """The error for ``problem`` at ``key`` of ``data`` (the mapping's own line when ``key`` is None)."""
        lines = getattr(data, "lines", None)
        line = (lines.get(key) if isinstance(lines, dict) else None) or getattr(data, "line", 0) or self.line
        at = f":{line + self.line_offset}" if line else ""
        return self.error(f"{self.file}{at}: {problem}")

    def key(self, name: Any) -> str:
        """How messages name a key: ``exception 2: 'reason'``, ``header key 'title'``."""
        return f"{self.context}{self.noun} {name!r}" if self.noun else f"{self.context}{name!r}"


def validate(model: type[Model], data: Any, where: Where) -> Model:
    """``data`` (a mapping read from YAML) as an instance of ``model``, or the first problem as ``where.error``.
    After the fields, a model's ``problem()`` (when it has one) may name a problem between fields as (key or None,
    text)."""
    if not isinstance(data, dict):
        raise where.fail(data, None, f"{where.subject} must be a mapping of keys to values")
    rules = _rules(model)
    noun = where.noun or "key"
    for key in data:
        if key not in rules:
            raise where.fail(data, key, f"{where.context}unknown {noun} {key!r} (allowed: {', '.join(rules)})")
    for key, line in getattr(data, "repeated", {}).items():
        raise where.error(f"{where.file}:{line + where.line_offset}: {where.context}{noun} {key!r} is given twice")
    values = {}
    for name, field_rule in rules.items():
        value = data.get(name)
        if value is None and (field_rule.required or field_rule.null_is_default or name not in data):
            if field_rule.required:
                raise where.fail(data, name if name in data else None, f"{where.key(name)} is required")
            continue
        try:
            values[name] = _converted(field_rule, value)
        except Invalid as problem:
            raise where.fail(data, name, f"{where.key(name)} {problem}") from None
    instance = model(**values)
    found = instance.problem() if hasattr(instance, "problem") else None
    if found is not None:
        key, text = found
        raise where.fail(data, key, f"{where.context}{text}")
    return instance


@functools.cache
def _rules(model: type) -> dict[str, Rule]:
    return {item.name: item.metadata["rule"] for item in dataclasses.fields(model)}


def _converted(field_rule: Rule, value: Any) -> Any:
    convert, _ = KINDS[field_rule.kind]
    converted = convert(value)
    if field_rule.choices and converted not in field_rule.choices:
        raise Invalid(f"must be one of {', '.join(field_rule.choices)}")
    problem = field_rule.check(converted) if field_rule.check else None
    if problem:
        raise Invalid(problem)
    if field_rule.required and isinstance(converted, tuple | list) and not converted:
        raise Invalid("must be a non-empty list")
    if field_rule.required and isinstance(converted, dict) and not converted:
        raise Invalid("must not be empty")
    return converted


def reference(model: type) -> list[tuple[str, str, str]]:
    """(key, required or the default, what it holds) per field of ``model``, for a docs table."""
    rows = []
    for item in dataclasses.fields(model):
        field_rule: Rule = item.metadata["rule"]
        holds = ", ".join(f"`{c}`" for c in field_rule.choices) if field_rule.choices else KINDS[field_rule.kind][1]
        needed = "yes" if field_rule.required else "no" + (f" (default `{item.default}`)" if item.default else "")
        rows.append((item.name, needed, f"{holds}; {field_rule.help}" if field_rule.help else holds))
    return rows

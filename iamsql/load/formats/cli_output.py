"""The AWS CLI's other output formats (``--output yaml``, ``yaml-stream``, ``text``, ``table``). YAML holds the
same document as ``--output json`` and is read as it; ``text`` and ``table`` keep the values without their
structure (``text`` prints the members of a list's items in alphabetical order, drops empty ones and flattens
nested lists; ``table`` is for reading), so they are refused with a reason that says to save ``--output json``.

The AWS CLI writes YAML 1.2 (``on``, ``no`` and ``y`` are text there, ``0123`` a decimal number, a time is text):
YAML 1.1's readings of those would change a user name or a date, so the loader resolves plain values as YAML 1.2's
core schema does and leaves times as text, as the JSON output has them.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from iamsql.common.lazy import lazy_import

yaml = lazy_import("yaml")  # only a file that starts as YAML output needs it: every load looks

# The first line of a YAML output: a member of the output (``Users:``, ``trailList:``, ``analyzers:``), or a list
# item that begins with one (``yaml-stream``: one item per page; ``--query Users``: the users).
YAML_START = re.compile(r"(?:- )?[A-Za-z][A-Za-z0-9]*:(?:[ \r\n]|$)")
# --output text: each line a list's (or object's) name in capitals, then its values, tab-separated.
TEXT_LINE = re.compile(r"[A-Z][A-Z0-9]*\t")
# --output table: a rule of dashes, then the operation's name in a box.
TABLE_START = re.compile(r"-{5,}\n\|[^\n]*\|", re.MULTILINE)
SAVE_JSON = "save the command's output again with --output json"


@cache
def _cli_yaml_loader() -> type:
    """PyYAML's safe loader (on libyaml when PyYAML has it: a large get-account-authorization-details in YAML)
    with YAML 1.2's core schema for plain values: only ``true``/``false`` are booleans, integers are decimal, and
    times stay text."""

    class CliYamlLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
        pass

    CliYamlLoader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers
                if tag.rsplit(":", 1)[-1] not in ("bool", "int", "float", "timestamp")]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    CliYamlLoader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                        list("tTfF"))
    CliYamlLoader.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789"))
    CliYamlLoader.add_implicit_resolver(
        "tag:yaml.org,2002:float", re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$"),
        list("-+.0123456789"))
    CliYamlLoader.add_constructor("tag:yaml.org,2002:int", lambda loader, node: int(loader.construct_scalar(node), 10))
    return CliYamlLoader


def refusal(text: str) -> str | None:
    """Why a file in the AWS CLI's ``text`` or ``table`` output is not loaded, or None when it is neither."""
    first = text.lstrip().split("\n", 1)[0]
    if TABLE_START.match(text.lstrip().replace("\r\n", "\n")):
        return f"AWS CLI --output table (for reading: values without their structure); {SAVE_JSON}"
    if TEXT_LINE.match(first):
        return (f"AWS CLI --output text ({first.split(chr(9), 1)[0]}: tab-separated values without their "
                f"structure); {SAVE_JSON}")
    return None


def yaml_document(text: str) -> Any | str | None:
    """The document of an ``--output yaml`` / ``yaml-stream`` output (an object, or a list of pages or items);
    None when the text does not start as one; a reason when it starts as one and does not parse."""
    if not YAML_START.match(text.lstrip()):
        return None
    try:
        document = yaml.load(text, Loader=_cli_yaml_loader())
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        return f"not AWS CLI YAML output: {getattr(exc, 'problem', None) or 'malformed YAML'}{where}"
    return document if isinstance(document, (dict, list)) else None


def yaml_events(document: Any) -> str | None:
    """Why a YAML document of CloudTrail events (``lookup-events``, ``logs filter-log-events``) is not loaded, or
    None: events load through DuckDB's JSON reader, from the JSON output."""
    if isinstance(document, dict):
        for key, member, command in (("Events", "CloudTrailEvent", "cloudtrail lookup-events"),
                                     ("events", "message", "logs filter-log-events / get-log-events")):
            items = document.get(key)
            if isinstance(items, list) and items and all(isinstance(i, dict) and member in i for i in items):
                return f"AWS CLI --output yaml of {command} (events load from the JSON output); {SAVE_JSON}"
    return None

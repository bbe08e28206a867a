"""The shapes every format parser shares: a ``Format`` (how to recognise one AWS output and parse it), the
``Fragment``s of Steampipe rows it yields, and the small helpers parsers use."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from iamsql.common.arns import arn_parts
from iamsql.load.normalize import timestamp


@dataclass
class Fragment:
    """Part of one row: ``fields`` are column values (None never overwrites a value from another file).

    Keys starting with ``__`` are cross-reference hints for the merge step, not columns."""

    table: str
    key: tuple
    fields: dict[str, Any]
    account_id: str | None = None


@dataclass
class Parsed:
    """What one file contributes: fragments, the tables it lists completely (``covers``, even when empty), those it
    holds only part of (``partial``: a ``--query`` list, one policy's entities), the keys whose rows of such a table
    it lists whole (``listed_for``: the user of one user's list-access-keys, the policy of list-entities-for-policy),
    the data's own time, extra provenance for the snapshot's ``sources`` entry, and notes for the user."""

    format: str
    fragments: list[Fragment] = field(default_factory=list)
    covers: set[str] = field(default_factory=set)
    partial: dict[str, str] = field(default_factory=dict)  # table -> why the file holds only part of it
    listed_for: dict[str, set[str]] = field(default_factory=dict)  # table -> keys whose rows of it are all here
    as_of: str | None = None
    as_of_source: str | None = None  # what ``as_of`` is, in words ("credential report GeneratedTime")
    extra: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Format:
    """A recognised output. ``parse`` returns its ``Parsed``, or a one-line reason when the output is recognised
    but cannot be placed (it names no owner): the file is then skipped with that reason, an error if named."""

    name: str
    detect: Callable[[dict], bool]
    parse: Callable[[dict, Path], Parsed | str]


@dataclass(frozen=True)
class Unreadable:
    """A field value that could not be read (a documentation typo in a date, a placeholder instead of a policy):
    stored as NULL (or as ``kept``, what could be read of it), and the load lists it as a warning instead of
    failing the whole file."""

    reason: str
    kept: Any = None


def arn_columns(arn: str | None, *, akas: bool = True) -> dict[str, Any]:
    """Steampipe's common columns of a global resource (IAM, Organizations) from its ARN: partition, region
    'global', akas."""
    parts = arn_parts(arn)
    columns: dict[str, Any] = {"region": "global"}
    if parts:
        columns["partition"] = parts["partition"]
    if akas and arn:
        columns["akas"] = [arn]
    return columns


def response_data(document: Any) -> Any:
    """A boto3 response as ``aws ... --output json`` prints it: without ``ResponseMetadata`` (the request id and
    HTTP headers, not data), which a response saved with ``json.dumps`` keeps."""
    if isinstance(document, dict) and "ResponseMetadata" in document:
        return {key: value for key, value in document.items() if key != "ResponseMetadata"}
    return document


# What Windows PowerShell's ConvertTo-Json writes for an object deeper than its -Depth (2 by default): the object
# as text, "@{Key=team; Value=red}" (an object read by ConvertFrom-Json), "System.Object[]" (a list) or the .NET
# type name (an AWS Tools for PowerShell object, "Amazon.IdentityManagement.Model.Tag").
POWERSHELL_FLATTENED = re.compile(r"@\{\w+=.*\}|System\.Object\[\]|Amazon\.[\w.]+\.Model\.\w+", re.DOTALL)


def powershell_flattened(document: Any, depth: int = 4) -> str | None:
    """The first value of the document's top ``depth`` levels that ConvertTo-Json flattened to text, or None."""
    if isinstance(document, str):
        return document if POWERSHELL_FLATTENED.fullmatch(document) else None
    if depth == 0 or not isinstance(document, (dict, list)):
        return None
    values = document.values() if isinstance(document, dict) else document
    return next((found for value in values if (found := powershell_flattened(value, depth - 1))), None)


REGION_NAME = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")


def path_region(path: Path) -> str | None:
    """The region a file's folders name (``collect`` writes ``<account>/<region>/<service>/<command>.json``)."""
    return next((part for part in reversed(path.parent.parts) if REGION_NAME.match(part)), None)


def output_region(doc: dict, path: Path) -> str | None:
    """The region a regional output was asked in, which it does not name itself: the top-level ``Region`` that
    ``collect`` adds, else the region its folders name (``path_region``)."""
    region = doc.get("Region")
    return region if isinstance(region, str) and region else path_region(path)


# The members by which an output says more pages follow, each with a value: ``NextToken`` (most services, and the
# AWS CLI's ``--max-items``), ``nextToken`` (Access Analyzer, ECS, EKS, CodeBuild, Step Functions, CloudWatch Logs),
# ``NextMarker`` (KMS, Lambda's list-functions), ``ContinuationToken`` (S3's list-buckets).
NEXT_PAGE_TOKENS = ("NextToken", "nextToken", "NextMarker", "ContinuationToken")


def says_truncated(document: dict) -> bool:
    """True when an output says more pages follow it: ``IsTruncated`` (IAM), ``Truncated`` (KMS) or a next-page
    token (``NEXT_PAGE_TOKENS``)."""
    return (document.get("IsTruncated") is True or document.get("Truncated") is True
            or any(document.get(token) for token in NEXT_PAGE_TOKENS))


def is_list(key: str, *, item: str | None = None) -> Callable[[dict], bool]:
    """A detector: ``key`` holds a list, each element an object with ``item`` when given."""

    def detect(doc: dict) -> bool:
        value = doc.get(key)
        return isinstance(value, list) and (item is None or all(isinstance(v, dict) and item in v for v in value))

    return detect


def when(value: Any) -> str | Unreadable | None:
    """``normalize.timestamp`` that marks an unreadable time instead of raising."""
    try:
        return timestamp(value)
    except ValueError as exc:
        return Unreadable(str(exc))


def json_time(value: Any) -> Any:
    """A time inside a JSON column as Steampipe's Go SDK structs print it (RFC 3339 in UTC, ``Z``, fractional
    seconds without trailing zeros: ``2013-06-04T20:27:27Z``), whether the output said ``+00:00``, ``Z`` or gave
    a recorded datetime; kept as written when it is not a time. None stays None."""
    moment = when(value)
    if moment is None or isinstance(moment, Unreadable):
        return value
    whole, _, fraction = moment.split("+")[0].partition(".")
    fraction = fraction.rstrip("0")
    return f"{whole}.{fraction}Z" if fraction else f"{whole}Z"

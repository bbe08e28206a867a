"""Value normalisation shared by the loaders: Steampipe's ``*_std`` canonical policy form, IAM credential-report
values, ARN parts, tags and timestamps.

``policy_std(document)`` is the one function controls and loaders use to get Steampipe's ``policy_std`` /
``assume_role_policy_std`` shape; ``inline_policies_std(policies)`` does the same for a list of
``{PolicyName, PolicyDocument}``.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from functools import cache
from typing import Any

from iamsql.common.arns import arn_parts
from iamsql.common.clock import as_utc
from iamsql.common.lazy import lazy_import
from iamsql.common.paths import sql_string
from iamsql.common.policy_text import policy_json_text, policy_json_value

botocore_loaders = lazy_import("botocore.loaders")  # ~60 ms and the network modules: only for region patterns

# --------------------------------------------------------------------------------------------------------------
# Policy documents
# --------------------------------------------------------------------------------------------------------------


def parse_policy_document(document: Any) -> dict | list | None:
    """A policy document as a JSON value: IAM APIs return URL-encoded JSON text, the AWS CLI returns objects.

    Empty input (None, "", {}) gives None. Raises ValueError for text that is not JSON even once URL-decoded.
    """
    if document is None:
        return None
    if isinstance(document, (dict, list)):
        return document or None
    if not isinstance(document, str):
        raise ValueError(f"policy document is a {type(document).__name__}, not JSON text")
    text = policy_json_text(document)
    if not text:
        return None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"policy document is not valid JSON ({exc.msg} at char {exc.pos})") from None
    if not isinstance(value, (dict, list)):
        raise ValueError("policy document is not a JSON object")
    return value or None


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _to_string(value: Any) -> str:
    """Stringify a condition or principal value as Steampipe does: true -> "true", 5 -> "5", and a fraction in Go's
    shortest decimal without an exponent (``FormatFloat(v, 'f', -1, 64)``): 1e-07 -> "0.0000001"."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        text = format(Decimal(repr(value)), "f")  # repr: the shortest digits that read back as the same float
        return text[:-2] if text.endswith(".0") else text
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, separators=(",", ":"))
    return str(value)


def _sorted_unique(values: Any, *, lower: bool = False) -> list[str]:
    strings = {_to_string(v) for v in _as_list(values) if v is not None}
    if lower:
        strings = {s.lower() for s in strings}
    return sorted(strings)


def _principal_std(principal: Any) -> dict[str, list[str]] | None:
    if principal is None or principal == {} or principal == []:
        return None
    if not isinstance(principal, dict):
        # The bare string form ("*") names AWS principals.
        return {"AWS": _sorted_unique(principal)}
    return {kind: _sorted_unique(value) for kind, value in principal.items()}


def _condition_std(condition: Any) -> dict | None:
    if not isinstance(condition, dict) or not condition:
        return None
    result: dict[str, dict[str, list[str]]] = {}
    for operator, block in condition.items():
        if not isinstance(block, dict):
            continue
        keys: dict[str, list[str]] = {}
        for key, value in block.items():
            # Two spellings of one key (aws:SourceIp, aws:sourceip) merge into one lower-case key.
            keys[key.lower()] = sorted(set(keys.get(key.lower(), [])) | set(_sorted_unique(value)))
        result[operator] = keys
    return result


def _text(value: Any) -> str:
    """A member Steampipe's Go struct holds as a string: absent or null is ""."""
    return value if isinstance(value, str) else ""


def _statement_std(statement: dict) -> dict:
    std: dict[str, Any] = {"Effect": _text(statement.get("Effect"))}
    if statement.get("Sid") not in (None, ""):
        std["Sid"] = statement["Sid"]
    for key, lower in (("Action", True), ("NotAction", True), ("Resource", False), ("NotResource", False)):
        values = _sorted_unique(statement.get(key), lower=lower)
        if values:  # an empty list is left out, as Steampipe's omitempty does
            std[key] = values
    for key in ("Principal", "NotPrincipal"):
        principal = _principal_std(statement.get(key))
        if principal is not None:
            std[key] = principal
    condition = _condition_std(statement.get("Condition"))
    if condition is not None:
        std["Condition"] = condition
    return std


def resource_policy_fields(text: Any) -> dict:
    """The ``policy`` and ``policy_std`` columns of a resource-based policy an API returns as JSON text (the
    ``Policy`` of a get-policy call); ValueError saying what is wrong with it."""
    try:
        policy = policy_json_value(text)
    except ValueError as exc:
        raise ValueError(f"Policy is not JSON ({exc})") from None
    if not isinstance(policy, dict):
        raise ValueError("Policy is not a JSON object")
    return {"policy": policy, "policy_std": policy_std(policy)}


def policy_std(document: Any) -> dict | None:
    """Steampipe's canonical policy form (``policy_std``): Statement always a list; Action/NotAction lower-cased,
    de-duplicated, sorted; Resource/NotResource de-duplicated, sorted, case kept; Principal/NotPrincipal a map of
    type -> sorted unique list ("*" -> {"AWS": ["*"]}); Condition operators kept, key names lower-cased, values
    sorted unique strings; Version/Id/Effect/Sid unchanged. As Steampipe's Go structs print them, Version and Effect are
    always there ("" when absent) and Id, Sid and empty lists are left out. Accepts a dict or (URL-encoded) JSON
    text; empty -> None.
    """
    parsed = parse_policy_document(document)
    if parsed is None:
        return None
    if isinstance(parsed, list):  # a bare statement list is not a policy document; treat it as its statements
        parsed = {"Statement": parsed}
    std: dict[str, Any] = {"Version": _text(parsed.get("Version"))}
    if parsed.get("Id") not in (None, ""):
        std["Id"] = parsed["Id"]
    # A document without Statement (IAM refuses one) keeps an empty list, so that jsonb_array_elements(policy_std ->
    # 'Statement') reads it; Steampipe's nil slice would print null, which that call refuses.
    std["Statement"] = [_statement_std(s) for s in _as_list(parsed.get("Statement")) if isinstance(s, dict)]
    return std


def inline_policies(policies: list[dict] | None) -> list[dict] | None:
    """``[{PolicyName, PolicyDocument}]`` with each document URL-decoded and parsed (raw shape kept); empty -> None.
    A document that is not JSON is kept as the text it is (the policy engine reads it as unknown)."""
    if not policies:
        return None
    return [{"PolicyName": p.get("PolicyName"), "PolicyDocument": _parsed_or_text(p.get("PolicyDocument"))}
            for p in policies]


def _parsed_or_text(document: Any) -> Any:
    try:
        return parse_policy_document(document)
    except ValueError:
        return document


def inline_policies_std(policies: list[dict] | None) -> list[dict] | None:
    """``[{PolicyName, PolicyDocument}]`` with each document in ``policy_std`` form (null for one that is not JSON);
    empty -> None."""
    if not policies:
        return None
    return [{"PolicyName": p.get("PolicyName"), "PolicyDocument": _std_or_none(p.get("PolicyDocument"))}
            for p in policies]


def _std_or_none(document: Any) -> dict | None:
    try:
        return policy_std(document)
    except ValueError:
        return None


# --------------------------------------------------------------------------------------------------------------
# Timestamps, ARNs, tags
# --------------------------------------------------------------------------------------------------------------


# A .NET JSON date, ``/Date(<milliseconds since the epoch, UTC>[+-hhmm])/``: what Windows PowerShell's
# ConvertTo-Json writes for a DateTime (AWS Tools for PowerShell objects).
DOTNET_DATE = re.compile(r"/Date\((-?\d+)(?:[+-]\d{4})?\)/")


def timestamp(value: Any) -> str | None:
    """An ISO-8601 UTC string from what AWS outputs carry: ISO text, epoch seconds (get-trail-status), datetime,
    a recorded ``{"__class__": "datetime", ...}`` dict or a .NET ``/Date(ms)/``. None/"" -> None, and so is the
    .NET SDK's ``DateTime.MinValue`` (``0001-01-01T00:00:00``), which AWS Tools for PowerShell gives for a time AWS
    did not return; raises ValueError otherwise."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, bool):
        raise ValueError(f"not a timestamp: {value!r}")
    elif isinstance(value, (int, float)):
        moment = datetime.fromtimestamp(value, timezone.utc)
    elif isinstance(value, dict) and value.get("__class__") == "datetime":
        moment = datetime(
            value["year"], value["month"], value["day"], value.get("hour", 0), value.get("minute", 0),
            value.get("second", 0), value.get("microsecond", 0), tzinfo=timezone.utc,
        )
    elif isinstance(value, str) and DOTNET_DATE.fullmatch(value.strip()):
        milliseconds = int(DOTNET_DATE.fullmatch(value.strip())[1])
        moment = datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(milliseconds=milliseconds)
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"not a timestamp: {value!r}") from None
    else:
        raise ValueError(f"not a timestamp: {value!r}")
    if moment.replace(tzinfo=None) == datetime.min:
        return None
    return as_utc(moment).isoformat()


@cache
def _region_patterns() -> tuple[tuple[str, re.Pattern], ...]:
    return tuple((p["partition"], re.compile(p["regionRegex"]))
                 for p in botocore_loaders.create_loader().load_data("endpoints")["partitions"])


def region_partition(region: Any) -> str | None:
    """The AWS partition of a region name (``cn-north-1`` -> ``aws-cn``, ``us-isob-east-1`` -> ``aws-iso-b``,
    ``eusc-de-east-1`` -> ``aws-eusc``) by the partitions' region patterns that botocore ships, so regions AWS opens
    later are known; None for anything no partition's pattern matches."""
    if not isinstance(region, str):
        return None
    return next((name for name, pattern in _region_patterns() if pattern.match(region)), None)


def region_partition_sql(region: str, otherwise: str) -> str:
    """``region_partition`` as a DuckDB expression over the SQL expression ``region`` (the same patterns, in the same
    order), ``otherwise`` (a SQL expression) where no partition's pattern matches."""
    cases = " ".join(f"when regexp_matches({region}, {sql_string(pattern.pattern)}) then {sql_string(name)}"
                     for name, pattern in _region_patterns())
    return f"case {cases} else {otherwise} end"


def go_fields(value: Any, maps: frozenset[str] = frozenset()) -> Any:
    """A JSON API's answer (members in camelCase: ECS, EKS, Access Analyzer) as Steampipe's JSON columns hold it: the
    AWS SDK for Go's structs, each member named with its first letter in upper case (``clusterLogging`` ->
    ``ClusterLogging``, ``oidc`` -> ``Oidc``), at every level; the members named in ``maps`` hold maps, whose keys
    are data (``dockerLabels``, a log driver's ``options``) and stay as they are."""
    if isinstance(value, list):
        return [go_fields(v, maps) for v in value]
    if isinstance(value, dict):
        return {k[:1].upper() + k[1:]: v if k in maps else go_fields(v, maps) for k, v in value.items()}
    return value


def go_struct(value: Any, members: dict[str, Any]) -> Any:
    """An AWS answer's object as Steampipe prints the AWS SDK for Go's struct it is read into: every member of
    ``members`` there, those AWS left out with their Go zero value (``""`` for an enum or other string value, ``0``
    for a number value, ``None`` for a pointer, printed ``null``); members AWS added since are kept. A value that
    is not an object (None: AWS gave no struct, a nil pointer) stays as it is."""
    return {**members, **value} if isinstance(value, dict) else value


def tags_map(tags_src: list[dict] | None) -> dict[str, str] | None:
    """AWS's ``[{Key, Value}]`` as Steampipe's flat ``{"key": "value"}``; no tags -> None."""
    if not tags_src:
        return None
    return {t.get("Key"): t.get("Value") for t in tags_src}


# --------------------------------------------------------------------------------------------------------------
# Credential report
# --------------------------------------------------------------------------------------------------------------

CREDENTIAL_REPORT_SENTINELS = {"N/A", "no_information", "not_supported"}

_CR_BOOLEAN_COLUMNS = ("mfa_active", "access_key_1_active", "access_key_2_active", "cert_1_active", "cert_2_active")
CREDENTIAL_REPORT_TIMES = (
    "user_creation_time", "password_last_changed", "password_last_used", "password_next_rotation",
    "access_key_1_last_rotated", "access_key_1_last_used_date", "access_key_2_last_rotated",
    "access_key_2_last_used_date", "cert_1_last_rotated", "cert_2_last_rotated",
)
_CR_TEXT_COLUMNS = (
    "access_key_1_last_used_region", "access_key_1_last_used_service",
    "access_key_2_last_used_region", "access_key_2_last_used_service",
)
# The columns of the first report layout, which every report has; the access_key_N_last_used_* ones came later.
# Without one, a derived column would take a wrong default (password_enabled false, password_status "used").
CREDENTIAL_REPORT_REQUIRED = (
    "user", "arn", "user_creation_time", "password_enabled", "password_last_used", "password_last_changed",
    "password_next_rotation", "mfa_active", "access_key_1_active", "access_key_1_last_rotated", "access_key_2_active",
    "access_key_2_last_rotated", "cert_1_active", "cert_1_last_rotated", "cert_2_active", "cert_2_last_rotated",
)


def report_value(value: str | None) -> str | None:
    """A credential-report cell with the sentinels (N/A, no_information, not_supported) and blanks as None."""
    if value is None:
        return None
    value = value.strip()
    return None if value == "" or value in CREDENTIAL_REPORT_SENTINELS else value


def report_bool(value: str | None) -> bool | None:
    """'true'/'false' in any case -> bool; sentinels and blanks -> None; anything else raises ValueError."""
    value = report_value(value)
    if value is None:
        return None
    lowered = value.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    raise ValueError(f"not a boolean: {value!r}")


def password_enabled(value: str | None) -> bool:
    """Steampipe: 'not_supported' (the root row) and 'true' -> true, 'false', other sentinels and blanks -> false;
    anything else raises ValueError, as in the other boolean columns."""
    if (value or "").strip() == "not_supported":
        return True
    return bool(report_bool(value))


def password_status(last_used: str | None) -> str:
    """Steampipe's derived column: 'no_information' -> never_used, 'N/A' -> not_set, else used."""
    value = (last_used or "").strip()
    if value == "no_information":
        return "never_used"
    if value == "N/A":
        return "not_set"
    return "used"


def credential_report_row(record: dict[str, str], generated_time: str | None) -> dict:
    """One aws_iam_credential_report row from one CSV record (header names lower-cased). Raises ValueError naming
    the column for a value that is neither a sentinel nor of the column's type."""
    try:
        enabled = password_enabled(record.get("password_enabled"))
    except ValueError as exc:
        raise ValueError(f"column password_enabled: {exc}") from None
    row: dict[str, Any] = {
        "user_name": record.get("user"),
        "user_arn": report_value(record.get("arn")),
        "generated_time": generated_time,
        "password_enabled": enabled,
        "password_status": password_status(record.get("password_last_used")),
    }
    for name in _CR_BOOLEAN_COLUMNS:
        try:
            row[name] = report_bool(record.get(name))
        except ValueError as exc:
            raise ValueError(f"column {name}: {exc}") from None
    for name in CREDENTIAL_REPORT_TIMES:
        try:
            row[name] = timestamp(report_value(record.get(name)))
        except ValueError as exc:
            raise ValueError(f"column {name}: {exc}") from None
    for name in _CR_TEXT_COLUMNS:
        row[name] = report_value(record.get(name))
    parts = arn_parts(row["user_arn"])
    row["partition"] = parts["partition"] if parts else None
    row["account_id"] = parts["account_id"] if parts else None
    row["region"] = "global"
    return row

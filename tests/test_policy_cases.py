"""Data-driven tests of the IAM policy evaluation engine (iamsql.policy.simulate).

Every case lives in tests/data/policy_cases/*.json (see the README there); each was written from the AWS IAM
User Guide page named in its "source". One pytest parameter per case id. The corpus checks below keep the
corpus from shrinking quietly: at least MIN_CASES cases, unique ids, and every condition operator of AWS's
operator table used at least once (base names and ...IfExists forms).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

CASES_DIR = Path(__file__).parent / "data" / "policy_cases"
MIN_CASES = 300

DECISIONS = {"Allowed", "ImplicitlyDenied", "ExplicitlyDenied", "AllowedIf", "Unknown", "Error"}

# The operator table of "IAM JSON policy elements: Condition operators".
BASE_OPERATORS = [
    "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase",
    "StringLike", "StringNotLike",
    "NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals",
    "NumericGreaterThan", "NumericGreaterThanEquals",
    "DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals",
    "Bool", "BinaryEquals", "IpAddress", "NotIpAddress",
    "ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike",
    "Null",
]
# Every operator except Null has an ...IfExists form.
ALL_OPERATORS = BASE_OPERATORS + [op + "IfExists" for op in BASE_OPERATORS if op != "Null"]
_OPERATOR_RE = re.compile(
    r"^(?:(?:ForAllValues|ForAnyValue):)?(" + "|".join(sorted(ALL_OPERATORS, key=len, reverse=True)) + r")$",
    re.IGNORECASE,
)


def _load_files() -> dict[str, list[dict]]:
    files = {}
    for path in sorted(CASES_DIR.glob("*.json")):
        with path.open(encoding="utf-8") as f:
            files[path.name] = json.load(f)
    return files


FILES = _load_files()
CASES = [case for cases in FILES.values() for case in cases]


def _policies(request: dict):
    """Every policy document in a request (unknown/`null` and malformed string documents skipped)."""
    docs = list(request.get("identity_policies") or [])
    docs.append(request.get("resource_policy"))
    docs.extend(request.get("permission_boundaries") or [])
    for level in request.get("scps") or []:
        docs.extend(level if isinstance(level, list) else [level])
    for level in request.get("rcps") or []:
        docs.extend(level if isinstance(level, list) else [level])
    session = request.get("session_policy")  # one document, or the inline and managed session policies
    docs.extend(session if isinstance(session, list) else [session])
    return [d for d in docs if isinstance(d, dict)]


def _operators_in(doc: dict) -> set[str]:
    found = set()
    statements = doc.get("Statement") or []
    if isinstance(statements, dict):
        statements = [statements]
    for statement in statements:
        if not isinstance(statement, dict):
            continue
        for op in (statement.get("Condition") or {}) if isinstance(statement.get("Condition"), dict) else {}:
            m = _OPERATOR_RE.match(op)
            if m:
                canonical = {o.lower(): o for o in ALL_OPERATORS}[m.group(1).lower()]
                found.add(canonical)
    return found


def _field(obj, name):
    if isinstance(obj, dict):
        return obj.get(name)
    return getattr(obj, name, None)


def _decision_name(value) -> str:
    value = getattr(value, "value", value)
    return str(value)


def _condition_keys(conditions) -> set[str]:
    """Lower-case condition key names found in a result's `conditions` (any nesting of condition blocks)."""
    keys: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if isinstance(k, str) and _OPERATOR_RE.match(k) and isinstance(v, dict):
                    keys.update(str(key).lower() for key in v)
                else:
                    walk(v)
        elif isinstance(node, (list, tuple, set)):
            for item in node:
                walk(item)

    walk(conditions)
    return keys


def test_corpus_not_empty_and_large_enough():
    assert len(CASES) >= MIN_CASES, f"only {len(CASES)} policy cases; the corpus must hold at least {MIN_CASES}"


def test_case_ids_unique_across_files():
    seen: dict[str, str] = {}
    duplicates = []
    for name, cases in FILES.items():
        for case in cases:
            if case["id"] in seen:
                duplicates.append(f"{case['id']} ({seen[case['id']]} and {name})")
            seen[case["id"]] = name
    assert not duplicates, duplicates


def test_cases_well_formed():
    problems = []
    for case in CASES:
        cid = case.get("id", "?")
        for field in ("id", "source", "description", "request", "expected"):
            if not case.get(field):
                problems.append(f"{cid}: missing {field}")
        expected = case.get("expected") or {}
        decision = expected.get("decision")
        if decision not in DECISIONS:
            problems.append(f"{cid}: unknown decision {decision!r}")
        if decision == "AllowedIf" and not case.get("unknown_context"):
            problems.append(f"{cid}: AllowedIf is only possible with unknown_context")
        if "condition_keys" in expected and decision != "AllowedIf":
            problems.append(f"{cid}: condition_keys only go with AllowedIf")
        request = case.get("request") or {}
        if not request.get("action"):
            problems.append(f"{cid}: request without action")
    assert not problems, problems


def test_every_condition_operator_covered():
    used: set[str] = set()
    for case in CASES:
        for doc in _policies(case["request"]):
            used |= _operators_in(doc)
    missing = [op for op in ALL_OPERATORS if op not in used]
    assert not missing, f"condition operators never used in the corpus: {missing}"


def test_set_operators_covered():
    prefixes = set()
    for case in CASES:
        for doc in _policies(case["request"]):
            for statement in doc.get("Statement") or []:
                if isinstance(statement, dict) and isinstance(statement.get("Condition"), dict):
                    prefixes |= {op.split(":")[0] for op in statement["Condition"] if ":" in op}
    assert {"ForAllValues", "ForAnyValue"} <= prefixes


def _simulate():
    try:
        from iamsql.policy import simulate
    except ModuleNotFoundError as exc:  # the engine package is not there at all
        if exc.name in ("iamsql.policy",):
            pytest.skip("iamsql.policy is not available")
        raise
    return simulate


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_policy_case(case):
    simulate = _simulate()
    result = simulate([case["request"]], unknown_context=case.get("unknown_context", False))[0]
    expected = case["expected"]
    got = _decision_name(_field(result, "decision"))
    assert got == expected["decision"], (
        f"{case['id']}: expected {expected['decision']}, got {got}\n{case['description']}\nsource: {case['source']}"
    )
    if "condition_keys" in expected:
        keys = _condition_keys(_field(result, "conditions"))
        assert keys == {k.lower() for k in expected["condition_keys"]}, (
            f"{case['id']}: residual condition keys {sorted(keys)}, expected {sorted(expected['condition_keys'])}"
        )

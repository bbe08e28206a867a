"""The file models (iamsql/common/model.py): each rule of the control header, exceptions, attestations, mapping
and catalog models rejects a bad value with its one-line message and accepts a good one; lines are counted from
the file; every shipped control, mapping and catalog passes; docs/controls.md's header table is the model's."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from pathlib import Path

import pytest

from iamsql.common.model import Where, load_located, reference, validate
from iamsql.controls.catalog import QUERIES_DIR, ControlHeader, load_controls
from iamsql.errors import ControlError, ExceptionsFileError, MappingError
from iamsql.frameworks import (
    DATA_DIR,
    MappedRequirement,
    MappingFields,
    load_frameworks,
)
from iamsql.history.waivers import AttestationFields, ExceptionFields, ExceptionsFields

ROOT = Path(__file__).resolve().parent.parent
NULL = "<no value>"  # a key written with no value (``key:``)

HEADER = {
    "title": "T",
    "description": "D",
    "severity": "high",
    "resource_type": "AWS::IAM::User",
    "rationale": "R",
    "remediation": "M",
    "tables": ["aws_iam_user"],
}
EXCEPTION = {
    "control": "iam_user_*",
    "account": "123456789012",
    "reason": "Lab",
    "approver": "jane@example.com",
    "ticket": "SEC-1",
    "expires": date(2026, 6, 30),
}
MANUAL = [r.id for r in load_frameworks()["nist-csf-2.0"].requirements if not r.controls]
ATTESTATION = {
    "framework": "nist-csf-2.0",
    "requirement": MANUAL[0],
    "attested_by": "ciso@example.com",
    "date": date(2026, 1, 15),
    "evidence": "https://wiki.example.com/gv-oc-01",
    "expires": date(2026, 12, 31),
}
MAPPING = {
    "framework": "nist-csf-2.0",
    "title": "NIST CSF",
    "version": "2.0",
    "source": "NIST",
    "informative": False,
    "requirements": [{"id": "PR.AA-01"}],
}
MAPPED = {"id": "PR.AA-01", "controls": {"iam_user_mfa": "MFA shows users are authenticated."}}

CONTROL_WHERE = Where("queries/c.sql", "header", ControlError, noun="header key")
ENTRY_WHERE = Where("x.yaml", "exception 1", ExceptionsFileError, context="exception 1: ")
MAPPING_WHERE = Where("mappings/m.yaml", "the mapping", MappingError)
MAPPED_WHERE = Where("mappings/m.yaml", "PR.AA-01", MappingError, context="PR.AA-01: ")

BAD = [
    # (model, where, valid data, key, bad value, message)
    (ControlHeader, CONTROL_WHERE, HEADER, "title", NULL, "queries/c.sql: header key 'title' is required"),
    (
        ControlHeader,
        CONTROL_WHERE,
        HEADER,
        "requires",
        NULL,
        "queries/c.sql: header key 'requires' must be a list of names",
    ),
    (ExceptionFields, ENTRY_WHERE, EXCEPTION, "control", NULL, "x.yaml: exception 1: 'control' must be text"),
    (ExceptionFields, ENTRY_WHERE, EXCEPTION, "resource", NULL, "x.yaml: exception 1: 'resource' must be text"),
    (ControlHeader, CONTROL_WHERE, HEADER, "title", None, "queries/c.sql: header key 'title' is required"),
    (ControlHeader, CONTROL_WHERE, HEADER, "title", 3, "queries/c.sql: header key 'title' must be text"),
    (ControlHeader, CONTROL_WHERE, HEADER, "title", " ", "queries/c.sql: header key 'title' must not be empty"),
    (
        ControlHeader,
        CONTROL_WHERE,
        HEADER,
        "severity",
        "urgent",
        "queries/c.sql: header key 'severity' must be one of critical, high, medium, low, info",
    ),
    (
        ControlHeader,
        CONTROL_WHERE,
        HEADER,
        "tables",
        "aws_iam_user",
        "queries/c.sql: header key 'tables' must be a list of names",
    ),
    (ControlHeader, CONTROL_WHERE, HEADER, "tables", [], "queries/c.sql: header key 'tables' must be a non-empty list"),
    (
        ControlHeader,
        CONTROL_WHERE,
        HEADER,
        "tables",
        ["aws_iam_users"],
        "queries/c.sql: header key 'tables' names unknown table or view 'aws_iam_users'",
    ),
    (
        ControlHeader,
        CONTROL_WHERE,
        HEADER,
        "requires",
        ["iam_principal"],
        "queries/c.sql: header key 'requires' names 'iam_principal', which is not a loaded table",
    ),
    (
        ControlHeader,
        CONTROL_WHERE,
        HEADER,
        "rows",
        {"iam_principal": "arn:{partition}:iam::aws:policy/X"},
        "queries/c.sql: header key 'rows' names 'iam_principal', which is not a loaded table",
    ),
    (
        ControlHeader,
        CONTROL_WHERE,
        HEADER,
        "rows",
        {"aws_iam_policy_attachment": ["arn:aws:iam::aws:policy/X"]},
        "queries/c.sql: header key 'rows' must map each table to the key of its row, as text",
    ),
    (
        ControlHeader,
        CONTROL_WHERE,
        HEADER,
        "parameters",
        {"days": [1]},
        "queries/c.sql: header key 'parameters' must map names to numbers, text or booleans",
    ),
    (
        ControlHeader,
        CONTROL_WHERE,
        HEADER,
        "owner",
        "me",
        "queries/c.sql: unknown header key 'owner' (allowed: title, description, severity, resource_type, rationale, "
        "remediation, tables, requires, parameters, rows)",
    ),
    (ExceptionFields, ENTRY_WHERE, EXCEPTION, "approver", None, "x.yaml: exception 1: 'approver' is required"),
    (ExceptionFields, ENTRY_WHERE, EXCEPTION, "reason", True, "x.yaml: exception 1: 'reason' must be text"),
    (ExceptionFields, ENTRY_WHERE, EXCEPTION, "reason", ["a"], "x.yaml: exception 1: 'reason' must be text"),
    (
        ExceptionFields,
        ENTRY_WHERE,
        EXCEPTION,
        "account",
        12345,
        "x.yaml: exception 1: 'account' must be a 12-digit account id or '*', not '12345'",
    ),
    (
        ExceptionFields,
        ENTRY_WHERE,
        EXCEPTION,
        "resource",
        "re:(a",
        "x.yaml: exception 1: 'resource' is not a valid regular expression",
    ),
    (
        ExceptionFields,
        ENTRY_WHERE,
        EXCEPTION,
        "expires",
        "next year",
        "x.yaml: exception 1: 'expires' must be a date like 2026-12-31, not 'next year'",
    ),
    (
        ExceptionFields,
        ENTRY_WHERE,
        EXCEPTION,
        "control",
        None,
        "x.yaml: exception 1: give 'control' or 'resource' (or both)",
    ),
    (ExceptionFields, ENTRY_WHERE, EXCEPTION, "owner", "bob", "x.yaml: exception 1: unknown key 'owner' (allowed: "),
    (AttestationFields, ENTRY_WHERE, ATTESTATION, "framework", "csf", "x.yaml: exception 1: unknown framework 'csf'"),
    (
        AttestationFields,
        ENTRY_WHERE,
        ATTESTATION,
        "requirement",
        "PR.AA-01",
        "x.yaml: exception 1: nist-csf-2.0:PR.AA-01 is assessed by controls",
    ),
    (
        AttestationFields,
        ENTRY_WHERE,
        ATTESTATION,
        "requirement",
        "PR.AC-4",
        "x.yaml: exception 1: PR.AC-4 is withdrawn",
    ),
    (
        AttestationFields,
        ENTRY_WHERE,
        ATTESTATION,
        "date",
        "2026-13-01",
        "x.yaml: exception 1: 'date' must be a date like 2026-12-31",
    ),
    (
        ExceptionsFields,
        Where("x.yaml", "the file", ExceptionsFileError),
        {},
        "exceptions",
        {"a": 1},
        "x.yaml: 'exceptions' must be a list of entries (each starting with '- ')",
    ),
    (
        MappingFields,
        MAPPING_WHERE,
        MAPPING,
        "informative",
        "no",
        "mappings/m.yaml: 'informative' must be true or false",
    ),
    (
        MappingFields,
        MAPPING_WHERE,
        MAPPING,
        "requirements",
        [],
        "mappings/m.yaml: 'requirements' must be a non-empty list",
    ),
    (
        MappingFields,
        MAPPING_WHERE,
        MAPPING,
        "owner",
        "me",
        "mappings/m.yaml: unknown key 'owner' (allowed: framework, ",
    ),
    (
        MappedRequirement,
        MAPPED_WHERE,
        MAPPED,
        "controls",
        ["a"],
        "mappings/m.yaml: PR.AA-01: 'controls' must map each control id to one sentence",
    ),
    (
        MappedRequirement,
        MAPPED_WHERE,
        MAPPED,
        "controls",
        {"Queries/x.sql": "Why."},
        "mappings/m.yaml: PR.AA-01: 'controls' names 'Queries/x.sql', which is not a control id",
    ),
    (
        MappedRequirement,
        MAPPED_WHERE,
        MAPPED,
        "controls",
        {"a": " "},
        "mappings/m.yaml: PR.AA-01: 'controls' entry a: say in one sentence why",
    ),
    (
        MappedRequirement,
        MAPPED_WHERE,
        MAPPED,
        "controls",
        {"a": "one\ntwo"},
        "mappings/m.yaml: PR.AA-01: 'controls' entry a: the justification must be one sentence of at most 300",
    ),
    (MappedRequirement, MAPPED_WHERE, MAPPED, "note", 5, "mappings/m.yaml: PR.AA-01: 'note' must be text"),
]


def changed(data: dict, key: str, value) -> dict:
    """``data`` with ``key`` set to ``value`` (removed for None; ``NULL``: given with no value, ``key:``)."""
    result = {k: v for k, v in data.items() if k != key}
    return result if value is None else {**result, key: None if value is NULL else value}


@pytest.mark.parametrize(
    ("model", "where", "data", "key", "value", "message"),
    BAD,
    ids=[f"{case[0].__name__}-{case[3]}-{case[4]!r}" for case in BAD],
)
def test_each_rule_rejects_a_bad_value_in_one_line(model, where, data, key, value, message):
    validate(model, data, where)  # the valid data passes
    with pytest.raises(where.error) as info:
        validate(model, changed(data, key, value), where)
    assert str(info.value).startswith(message) and "\n" not in str(info.value), str(info.value)


GOOD = [
    # (model, valid data, key, good value, what the model holds)
    (ControlHeader, HEADER, "parameters", NULL, None),
    (ControlHeader, HEADER, "parameters", "", {}),
    (ControlHeader, HEADER, "title", "  Access keys rotated ", "Access keys rotated"),
    (ControlHeader, HEADER, "severity", "info", "info"),
    (
        ControlHeader,
        HEADER,
        "tables",
        ["aws_iam_user", "iam_principal", "iamsql_account", "iam_principal_access"],
        ("aws_iam_user", "iam_principal", "iamsql_account", "iam_principal_access"),
    ),
    (ControlHeader, HEADER, "requires", [], ()),
    (ControlHeader, HEADER, "requires", None, None),
    (
        ControlHeader,
        HEADER,
        "parameters",
        {"days": 3, "who": "bob", "on": True, "ratio": 0.5},
        {"days": 3, "who": "bob", "on": True, "ratio": 0.5},
    ),
    (ExceptionFields, EXCEPTION, "account", "*", "*"),
    (ExceptionFields, EXCEPTION, "ticket", 1234, "1234"),
    (ExceptionFields, EXCEPTION, "resource", "re:arn:aws:iam::\\d+:user/.*", "re:arn:aws:iam::\\d+:user/.*"),
    (ExceptionFields, EXCEPTION, "expires", "2026-07-01", date(2026, 7, 1)),
    (ExceptionFields, EXCEPTION, "expires", datetime(2026, 7, 1, 23, 59), date(2026, 7, 1)),
    (AttestationFields, ATTESTATION, "requirement", MANUAL[1], MANUAL[1]),
    (MappingFields, MAPPING, "informative", None, False),
    (MappingFields, MAPPING, "version", 2.0, "2.0"),
    (MappedRequirement, MAPPED, "note", NULL, None),
    (MappedRequirement, MAPPED, "note", " A note. ", "A note."),
]


@pytest.mark.parametrize(
    ("model", "data", "key", "value", "held"), GOOD, ids=[f"{case[0].__name__}-{case[2]}-{case[3]!r}" for case in GOOD]
)
def test_each_rule_accepts_a_good_value(model, data, key, value, held):
    instance = validate(model, changed(data, key, value), Where("x.yaml", "it", MappingError))
    assert getattr(instance, key) == held


def test_lines_are_counted_from_the_file_and_repeated_keys_are_refused():
    data = load_located("a: 1\nb:\n  c: 2\n  c: 3\n")
    assert (data.line, data.lines, data["b"].lines, data["b"].repeated) == (1, {"a": 1, "b": 2}, {"c": 3}, {"c": 4})
    header = load_located("\n" + "\n".join(f"{k}: {v}" for k, v in {**HEADER, "severity": "urgent"}.items()))
    with pytest.raises(ControlError, match=r"^queries/c.sql:14: header key 'severity' must be one of"):
        validate(ControlHeader, header, dataclasses.replace(CONTROL_WHERE, line_offset=10))
    twice = load_located("\n".join(f"{k}: {v}" for k, v in EXCEPTION.items()) + "\nreason: again\n")
    with pytest.raises(ExceptionsFileError, match=r"^x.yaml:7: exception 1: key 'reason' is given twice$"):
        validate(ExceptionFields, twice, ENTRY_WHERE)
    entries = load_located("\n- a\n- b\n")
    assert (entries.line, entries.lines) == (2, [2, 3])
    with pytest.raises(ExceptionsFileError, match=r"^x.yaml:3: exception 2 must be a mapping of keys to values$"):
        validate(ExceptionFields, entries[1], dataclasses.replace(ENTRY_WHERE, subject="exception 2", line=3))
    with pytest.raises(ExceptionsFileError, match=r"^x.yaml:2: exception 1: 'approver' is required$"):
        validate(
            ExceptionFields,
            load_located("\n" + "\n".join(f"{k}: {v}" for k, v in EXCEPTION.items() if k != "approver")),
            ENTRY_WHERE,
        )


def test_every_shipped_control_mapping_and_catalog_passes():
    controls = load_controls()
    assert len(controls) == len(list(QUERIES_DIR.glob("*.sql"))) and all(c.id == c.path.stem for c in controls)
    frameworks = load_frameworks()
    assert sorted(frameworks) == sorted(p.stem for p in DATA_DIR.glob("*.yaml"))
    for framework in frameworks.values():
        assert framework.requirements and all(r.title for r in framework.requirements), framework.id
    assert sum(len(f.aliases) for f in frameworks.values()) > 100  # withdrawn ids and aliases, read through models


def test_a_catalog_entry_of_an_unknown_level_is_refused(tmp_path):
    (tmp_path / "catalogs").mkdir()
    for name in ("owasp-nhi-2025.yaml", "catalogs/owasp-nhi-2025.yaml"):
        (tmp_path / name).write_text((DATA_DIR / name).read_text(encoding="utf-8"), encoding="utf-8")
    catalog = tmp_path / "catalogs" / "owasp-nhi-2025.yaml"
    catalog.write_text(catalog.read_text(encoding="utf-8").replace("  level: risk", "  level: threat", 1))
    with pytest.raises(MappingError, match=r"^catalogs/owasp-nhi-2025.yaml: entry 1: 'level' must be one of risk$"):
        load_frameworks(tmp_path)
    catalog.write_text(catalog.read_text(encoding="utf-8").replace("publisher:", "publishers:"))
    with pytest.raises(MappingError, match=r"^catalogs/owasp-nhi-2025.yaml: unknown key 'publishers'"):
        load_frameworks(tmp_path)


def test_the_header_table_in_the_docs_is_the_model():
    rows = ["| key | required | value |", "|---|---|---|"]
    rows += [f"| `{key}` | {required} | {holds} |" for key, required, holds in reference(ControlHeader)]
    assert "\n".join(rows) in (ROOT / "docs" / "controls.md").read_text(encoding="utf-8")

"""Condition operators, written from the IAM User Guide's "Condition operators" page."""

import pytest

from iamsql.errors import PolicyError
from iamsql.policy.conditions import compile_conditions, evaluate_conditions, normalize_context


def check(block, context, *, unknown=False, variables=True):
    """The outcome (True/False/None) of a Condition block against a context."""
    outcome, _ = evaluate_conditions(
        compile_conditions(block, variables=variables), normalize_context(context), unknown
    )
    return outcome


@pytest.mark.parametrize(
    "operator, value, context_value, expected",
    [
        ("StringEquals", "abc", "abc", True),
        ("StringEquals", "abc", "ABC", False),
        ("StringNotEquals", "abc", "abd", True),
        ("StringNotEquals", ["a", "b"], "b", False),
        ("StringEqualsIgnoreCase", "ABC", "abc", True),
        ("StringNotEqualsIgnoreCase", "ABC", "abc", False),
        ("StringLike", "home/*/x?", "home/a/b/xy", True),
        ("StringLike", "home/*", "Home/a", False),
        ("StringNotLike", ["a*", "b*"], "cat", True),
        ("StringNotLike", ["a*", "b*"], "bat", False),
        ("NumericEquals", "10", "10.0", True),
        ("NumericNotEquals", "10", "11", True),
        ("NumericLessThan", "10", "9", True),
        ("NumericLessThan", "10", "10", False),
        ("NumericLessThanEquals", "10", "10", True),
        ("NumericGreaterThan", "10", "11", True),
        ("NumericGreaterThanEquals", "10", "9", False),
        ("NumericEquals", "10", "ten", False),
        ("DateEquals", "2020-01-01T00:00:00Z", "1577836800", True),
        ("DateNotEquals", "2020-01-01T00:00:00Z", "2020-01-01T00:00:01Z", True),
        ("DateLessThan", "2020-01-01T00:00:00Z", "2019-12-31T23:59:59Z", True),
        ("DateLessThanEquals", "2020-01-01T00:00:00Z", "2020-01-01T01:00:00+01:00", True),
        ("DateGreaterThan", "2020-01-01", "2020-01-02T00:00:00Z", True),
        ("DateGreaterThanEquals", "1577836800", "2019-01-01T00:00:00Z", False),
        ("Bool", "true", True, True),
        ("Bool", "true", "false", False),
        ("Bool", True, "TRUE", True),
        ("BinaryEquals", "QmluYXJ5", "QmluYXJ5", True),
        ("BinaryEquals", "QmluYXJ5", "QmluYXJ6", False),
        ("IpAddress", "203.0.113.0/24", "203.0.113.7", True),
        ("IpAddress", "203.0.113.0/24", "203.0.114.7", False),
        ("IpAddress", "2001:db8::/32", "2001:db8:1::1", True),
        ("IpAddress", "203.0.113.0/24", "2001:db8::1", False),
        ("NotIpAddress", ["10.0.0.0/8", "192.168.0.0/16"], "192.168.1.1", False),
        ("NotIpAddress", ["10.0.0.0/8"], "11.0.0.1", True),
        ("IpAddress", "10.0.0.0/8", "not-an-address", False),
        ("NotIpAddress", "10.0.0.0/8", "not-an-address", True),
        ("DateLessThan", "2020-01-01T00:00:00Z", "not-a-date", False),
        ("BinaryEquals", "QmluYXJ5", "not base64!", False),
        ("ArnEquals", "arn:aws:iam::111122223333:role/a", "arn:aws:iam::111122223333:role/a", True),
        ("ArnLike", "arn:aws:iam::*:role/a", "arn:aws:iam::111122223333:role/a", True),
        ("ArnLike", "arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a:b/c", True),
        ("ArnLike", "arn:aws:iam::*:role/a", "arn:aws:iam::111122223333:x:role/a", False),
        ("ArnNotLike", "arn:aws:iam::*:role/a", "arn:aws:iam::111122223333:role/b", True),
        ("ArnNotEquals", "arn:aws:iam::111122223333:role/a", "arn:aws:iam::111122223333:role/a", False),
    ],
)
def test_operator(operator, value, context_value, expected):
    assert check({operator: {"k": value}}, {"k": context_value}) is expected


@pytest.mark.parametrize(
    "operator, value, current_time, expected",
    [
        # date values are "one of the W3C implementations of the ISO 8601 date formats" or epoch time (IAM User
        # Guide, "Condition operators"); W3C's profile has "Year: YYYY (eg 1997)": four digits are that year's
        # first instant, not 2026 seconds after 1970
        ("DateLessThan", "2026", "2025-12-31T23:59:59Z", True),
        ("DateLessThan", "2026", "2026-01-01T00:00:00Z", False),
        ("DateGreaterThanEquals", "2026", "2026-01-01T00:00:00Z", True),
        ("DateGreaterThan", "2026", "2025-06-01T00:00:00Z", False),
        ("DateEquals", "2026", "2026-01-01T00:00:00Z", True),
        ("DateEquals", "2026", "1970-01-01T00:33:46Z", False),
        # more digits, or a decimal, are still epoch seconds
        ("DateEquals", "20260", "1970-01-01T05:37:40Z", True),
        ("DateEquals", "2026.0", "1970-01-01T00:33:46Z", True),
    ],
)
def test_four_digit_date_value_is_a_year(operator, value, current_time, expected):
    assert check({operator: {"aws:CurrentTime": value}}, {"aws:CurrentTime": current_time}) is expected


def test_key_names_are_case_insensitive_values_are_not():
    assert check({"StringEquals": {"AWS:PrincipalTag/Team": "Blue"}}, {"aws:principaltag/team": "Blue"})
    assert not check({"StringEquals": {"aws:PrincipalTag/team": "Blue"}}, {"aws:PrincipalTag/team": "blue"})


@pytest.mark.parametrize(
    "operator, expected",
    [
        ("StringEquals", False),
        ("StringLike", False),
        ("NumericLessThan", False),
        ("Bool", False),
        ("IpAddress", False),
        ("ArnLike", False),
        ("StringNotEquals", True),
        ("StringNotLike", True),
        ("NumericNotEquals", True),
        ("NotIpAddress", True),
        ("ArnNotLike", True),
        ("StringEqualsIfExists", True),
        ("NumericLessThanIfExists", True),
    ],
)
def test_missing_key(operator, expected):
    value = "10.0.0.0/8" if "Ip" in operator else "1"
    assert check({operator: {"aws:SomeKey": value}}, {}) is expected


def test_if_exists_still_checks_a_present_key():
    assert not check({"StringEqualsIfExists": {"k": "a"}}, {"k": "b"})
    assert check({"StringEqualsIfExists": {"k": "a"}}, {"k": "a"})


def test_null():
    assert check({"Null": {"aws:TokenIssueTime": "true"}}, {})
    assert not check({"Null": {"aws:TokenIssueTime": "true"}}, {"aws:TokenIssueTime": "2020-01-01T00:00:00Z"})
    assert check({"Null": {"aws:TokenIssueTime": "false"}}, {"aws:TokenIssueTime": "x"})
    assert not check({"Null": {"aws:TokenIssueTime": False}}, {})


def test_blocks_and_keys_are_anded_values_ored():
    block = {"StringEquals": {"a": ["1", "2"], "b": "3"}, "Bool": {"c": "true"}}
    assert check(block, {"a": "2", "b": "3", "c": True})
    assert not check(block, {"a": "2", "b": "4", "c": True})
    assert not check(block, {"a": "2", "b": "3", "c": False})


def test_for_any_value():
    block = {"ForAnyValue:StringEquals": {"aws:TagKeys": ["env", "team"]}}
    assert check(block, {"aws:TagKeys": ["x", "team"]})
    assert not check(block, {"aws:TagKeys": ["x", "y"]})
    assert not check(block, {})  # missing set: false
    assert not check(block, {"aws:TagKeys": []})  # empty set: false


def test_for_all_values():
    block = {"ForAllValues:StringEquals": {"aws:TagKeys": ["env", "team"]}}
    assert check(block, {"aws:TagKeys": ["env", "team"]})
    assert not check(block, {"aws:TagKeys": ["env", "other"]})
    assert check(block, {})  # missing set: true (the known pitfall)
    assert check(block, {"aws:TagKeys": []})


def test_set_operators_with_negated_operators():
    assert check({"ForAllValues:StringNotEquals": {"k": ["a"]}}, {"k": ["b", "c"]})
    assert not check({"ForAllValues:StringNotEquals": {"k": ["a"]}}, {"k": ["a", "c"]})
    assert check({"ForAnyValue:StringNotLike": {"k": ["a*"]}}, {"k": ["ab", "c"]})
    assert not check({"ForAnyValue:StringNotLike": {"k": ["a*"]}}, {"k": ["ab", "ac"]})


def test_set_operator_if_exists():
    assert check({"ForAnyValue:StringEqualsIfExists": {"k": "a"}}, {})


def test_multivalued_context_without_set_operator():
    assert check({"StringEquals": {"k": "b"}}, {"k": ["a", "b"]})
    assert not check({"StringNotEquals": {"k": "b"}}, {"k": ["a", "b"]})


def test_variables_in_condition_values():
    block = {"StringEquals": {"s3:prefix": "home/${aws:username}/"}}
    assert check(block, {"aws:username": "alice", "s3:prefix": "home/alice/"})
    assert not check(block, {"aws:username": "bob", "s3:prefix": "home/alice/"})
    assert not check(block, {"s3:prefix": "home/alice/"})  # variable missing: the value matches nothing
    assert not check(block, {"aws:username": "alice", "s3:prefix": "home/alice/"}, variables=False)


def test_variable_default_and_literal_escapes():
    assert check({"StringEquals": {"k": "${aws:username, 'nobody'}"}}, {"k": "nobody"})
    assert check({"StringLike": {"k": "a${*}"}}, {"k": "a*"})
    assert not check({"StringLike": {"k": "a${*}"}}, {"k": "abc"})
    assert check({"StringEquals": {"k": "${$}{x}"}}, {"k": "${x}"})
    # A substituted value is literal text, never a wildcard.
    assert not check({"StringLike": {"k": "${aws:username}"}}, {"aws:username": "*", "k": "anything"})


def test_ignore_case_with_variables():
    assert check({"StringEqualsIgnoreCase": {"k": "${aws:PrincipalTag/team}"}}, {"k": "BLUE", "aws:PrincipalTag/team": "blue"})


def test_unknown_context_gives_unknown():
    assert check({"StringEquals": {"aws:PrincipalOrgID": "o-1"}}, {}, unknown=True) is None
    assert check({"StringNotEquals": {"aws:PrincipalOrgID": "o-1"}}, {}, unknown=True) is None
    assert check({"Null": {"k": "true"}}, {}, unknown=True) is None
    assert check({"StringEquals": {"k": "${aws:PrincipalTag/x}"}}, {"k": "a"}, unknown=True) is None
    # A known key is still decided, and a False condition decides even beside an unknown one.
    assert check({"StringEquals": {"k": "a"}}, {"k": "a"}, unknown=True) is True
    assert check({"StringEquals": {"k": "a", "u": "x"}}, {"k": "b"}, unknown=True) is False


def test_residual_block():
    conditions = compile_conditions(
        {"StringEquals": {"aws:PrincipalOrgID": "o-1", "k": "a"}, "Bool": {"aws:SecureTransport": True}}, variables=True
    )
    outcome, residual = evaluate_conditions(conditions, {"k": "a"}, True)
    assert outcome is None
    assert residual == {"StringEquals": {"aws:PrincipalOrgID": ["o-1"]}, "Bool": {"aws:SecureTransport": ["true"]}}


@pytest.mark.parametrize(
    "block",
    [
        {"StringEqualz": {"k": "a"}},
        {"NullIfExists": {"k": "true"}},
        {"ForSomeValues:StringEquals": {"k": "a"}},
        {"NumericEquals": {"k": "abc"}},
        {"DateEquals": {"k": "yesterday"}},
        {"IpAddress": {"k": "300.1.1.1/8"}},
        {"StringEquals": "k"},
        ["StringEquals"],
    ],
)
def test_bad_condition_blocks(block):
    with pytest.raises(PolicyError):
        compile_conditions(block, variables=True)

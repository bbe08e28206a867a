"""Steampipe's canonical policy form and credential-report value rules."""

import json
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iamsql.common.arns import arn_account, arn_partition
from iamsql.load import normalize
from iamsql.load.normalize import inline_policies_std, policy_std

# ---- strategies: policy documents in every shape authors write -------------------------------------------------

names = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789*?-_/:", min_size=1, max_size=12)
string_or_list = st.one_of(names, st.lists(names, max_size=4))
scalar = st.one_of(names, st.booleans(), st.integers(-5, 5), st.floats(allow_nan=False, allow_infinity=False, width=32))
condition = st.dictionaries(
    st.sampled_from(["StringEquals", "StringLike", "Bool", "NumericLessThan", "ArnLike", "ForAnyValue:StringEquals"]),
    st.dictionaries(names, st.one_of(scalar, st.lists(scalar, max_size=3)), min_size=1, max_size=3),
    max_size=3,
)
principal = st.one_of(
    st.just("*"),
    st.dictionaries(st.sampled_from(["AWS", "Service", "Federated", "CanonicalUser"]), string_or_list, min_size=1, max_size=3),
)


@st.composite
def statements(draw):
    stmt = {"Effect": draw(st.sampled_from(["Allow", "Deny"]))}
    if draw(st.booleans()):
        stmt["Sid"] = draw(names)
    stmt[draw(st.sampled_from(["Action", "NotAction"]))] = draw(string_or_list)
    if draw(st.booleans()):
        stmt[draw(st.sampled_from(["Resource", "NotResource"]))] = draw(string_or_list)
    if draw(st.booleans()):
        stmt[draw(st.sampled_from(["Principal", "NotPrincipal"]))] = draw(principal)
    if draw(st.booleans()):
        stmt["Condition"] = draw(condition)
    return stmt


policies = st.builds(
    lambda version, body: {"Version": version, "Statement": body} if version else {"Statement": body},
    st.sampled_from([None, "2012-10-17", "2008-10-17"]),
    st.one_of(statements(), st.lists(statements(), min_size=1, max_size=4)),
)


@settings(max_examples=200, deadline=None)
@given(policies)
def test_policy_std_is_idempotent(policy):
    once = policy_std(policy)
    assert policy_std(once) == once


@settings(max_examples=200, deadline=None)
@given(policies)
def test_policy_std_shape_invariants(policy):
    std = policy_std(policy)
    assert isinstance(std["Statement"], list)
    assert len(std["Statement"]) == (len(policy["Statement"]) if isinstance(policy["Statement"], list) else 1)
    for stmt in std["Statement"]:
        for key in ("Action", "NotAction", "Resource", "NotResource"):
            if key in stmt:
                values = stmt[key]
                assert values and values == sorted(set(values))
                assert all(isinstance(v, str) for v in values)
        for key in ("Action", "NotAction"):
            assert all(v == v.lower() for v in stmt.get(key, []))
        for key in ("Principal", "NotPrincipal"):
            for values in stmt.get(key, {}).values():
                assert values == sorted(set(values))
        for block in stmt.get("Condition", {}).values():
            for cond_key, values in block.items():
                assert cond_key == cond_key.lower()
                assert values == sorted(set(values)) and all(isinstance(v, str) for v in values)


@settings(max_examples=100, deadline=None)
@given(policies)
def test_url_encoded_text_gives_the_same_form_as_the_object(policy):
    assert policy_std(quote(json.dumps(policy))) == policy_std(policy) == policy_std(json.dumps(policy))


@settings(max_examples=100, deadline=None)
@given(policies)
def test_resources_keep_their_case(policy):
    std = policy_std(policy)
    raw = policy["Statement"] if isinstance(policy["Statement"], list) else [policy["Statement"]]
    for raw_stmt, stmt in zip(raw, std["Statement"]):
        if "Resource" in raw_stmt:
            expected = raw_stmt["Resource"] if isinstance(raw_stmt["Resource"], list) else [raw_stmt["Resource"]]
            if expected:
                assert stmt["Resource"] == sorted(set(expected))
            else:  # an empty list is left out, as Steampipe's Go struct (omitempty) prints it
                assert "Resource" not in stmt


# ---- examples ---------------------------------------------------------------------------------------------------


def test_reference_example():
    raw = {
        "Version": "2012-10-17",
        "Statement": {"Effect": "Allow", "Action": "S3:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": True}}},
    }
    assert policy_std(raw) == {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": ["s3:*"], "Resource": ["*"], "Condition": {"Bool": {"aws:securetransport": ["true"]}}}
        ],
    }


def test_condition_numbers_as_go_prints_them():
    """Steampipe stringifies a JSON number with Go's FormatFloat(v, 'f', -1, 64): no exponent, no trailing zeros."""
    doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
           "Condition": {"NumericLessThan": {"s3:max-keys": [1e-07, 2.50, 1e22, 10.0, 3, -0.5]}}}]}
    values = policy_std(doc)["Statement"][0]["Condition"]["NumericLessThan"]["s3:max-keys"]
    assert values == sorted(["0.0000001", "2.5", "10000000000000000000000", "10", "3", "-0.5"])


def test_principals_and_conditions():
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"},
            {
                "Sid": "Ec2",
                "Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com", "AWS": ["arn:aws:iam::2:root", "arn:aws:iam::1:root", "arn:aws:iam::1:root"]},
                "Action": ["STS:AssumeRole", "sts:assumerole", "sts:TagSession"],
                "Condition": {"StringEquals": {"sts:ExternalId": "Abc", "aws:SourceAccount": ["2", "1", "2"]}, "NumericLessThan": {"aws:MultiFactorAuthAge": 3600}},
            },
        ],
    }
    std = policy_std(trust)
    assert std["Statement"][0] == {"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": ["sts:assumerole"]}
    second = std["Statement"][1]
    assert second["Sid"] == "Ec2"
    assert second["Principal"] == {"Service": ["ec2.amazonaws.com"], "AWS": ["arn:aws:iam::1:root", "arn:aws:iam::2:root"]}
    assert second["Action"] == ["sts:assumerole", "sts:tagsession"]
    assert second["Condition"] == {
        "StringEquals": {"sts:externalid": ["Abc"], "aws:sourceaccount": ["1", "2"]},
        "NumericLessThan": {"aws:multifactorauthage": ["3600"]},
    }


def test_url_encoded_document_as_iam_returns_it():
    encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22IAM%3APassRole%22%2C%22Resource%22%3A%22arn%3Aaws%3Aiam%3A%3A1%3Arole%2FA%22%7D%5D%7D"
    assert policy_std(encoded)["Statement"] == [{"Effect": "Allow", "Action": ["iam:passrole"], "Resource": ["arn:aws:iam::1:role/A"]}]


@pytest.mark.parametrize("stored", [
    "\ufeff{text}", "\r\n \ufeff{text}\n", "{encoded}", "%EF%BB%BF{encoded}", " {encoded}\n"])
def test_byte_order_mark_and_whitespace_around_the_document_are_dropped(stored):
    document = {"Statement": [{"Effect": "Deny", "Action": "S3:GetObject", "Resource": "*"}], "Version": "2012-10-17"}
    text = json.dumps(document)
    assert policy_std(stored.format(text=text, encoded=quote(text, safe=""))) == policy_std(document)


def test_a_plus_in_url_encoded_text_is_not_a_space():
    """RFC 3986 encoding (IAM's) writes a space as %20: a + is a plus, so "%7B+%7D" is not the JSON "{ }"."""
    with pytest.raises(ValueError, match="not valid JSON"):
        policy_std("%7B+%7D")


@pytest.mark.parametrize("empty", [None, "", "  ", {}])
def test_empty_document_is_null(empty):
    assert policy_std(empty) is None


def test_malformed_document_raises_value_error():
    with pytest.raises(ValueError, match="not valid JSON"):
        policy_std("%7B%22Version%22")


def test_inline_policies_std():
    raw = [{"PolicyName": "p", "PolicyDocument": {"Statement": {"Effect": "Deny", "Action": "EC2:Run*", "Resource": "*"}}}]
    assert inline_policies_std(raw) == [
        {"PolicyName": "p",
         "PolicyDocument": {"Version": "", "Statement": [{"Effect": "Deny", "Action": ["ec2:run*"], "Resource": ["*"]}]}}
    ]
    assert inline_policies_std([]) is None


def test_members_as_steampipe_prints_its_go_structs():
    """Version and Effect are plain strings in Steampipe's structs (always printed, "" when absent); Id, Sid, the
    action and resource lists, Principal and Condition are omitempty (left out when empty). A missing Statement (which
    IAM refuses) is an empty list, so that jsonb_array_elements reads it, where Steampipe prints null."""
    document = {"Id": "", "Statement": [
        {"Sid": "", "Action": [], "NotAction": "IAM:Get*", "Resource": [], "Principal": {}, "Condition": {}},
        {"Effect": "Deny", "Action": "s3:*", "NotResource": ["arn:aws:s3:::B", "arn:aws:s3:::a"]},
    ]}
    assert policy_std(document) == {"Version": "", "Statement": [
        {"Effect": "", "NotAction": ["iam:get*"]},
        {"Effect": "Deny", "Action": ["s3:*"], "NotResource": ["arn:aws:s3:::B", "arn:aws:s3:::a"]},
    ]}
    assert policy_std({"Version": "2012-10-17", "Id": "x"}) == {"Version": "2012-10-17", "Id": "x", "Statement": []}


# ---- credential report values ------------------------------------------------------------------------------------

HEADER = (
    "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,"
    "mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,"
    "access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
    "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,"
    "cert_2_last_rotated"
).split(",")


def _record(line: str) -> dict:
    return dict(zip(HEADER, line.split(",")))


def test_root_row_sentinels():
    row = normalize.credential_report_row(
        _record("<root_account>,arn:aws-cn:iam::123456789012:root,2016-05-16T18:13:11+00:00,not_supported,no_information,"
                "not_supported,not_supported,TRUE,false,N/A,N/A,N/A,N/A,False,N/A,N/A,N/A,N/A,false,N/A,false,N/A"),
        "2021-01-01T00:00:00+00:00",
    )
    assert row["user_name"] == "<root_account>"
    assert row["user_arn"] == "arn:aws-cn:iam::123456789012:root"
    assert (row["partition"], row["account_id"], row["region"]) == ("aws-cn", "123456789012", "global")
    assert row["password_enabled"] is True
    assert row["password_status"] == "never_used"
    assert row["password_last_used"] is None and row["password_last_changed"] is None
    assert row["mfa_active"] is True and row["access_key_2_active"] is False
    assert row["access_key_1_last_used_region"] is None


def test_user_row_values():
    row = normalize.credential_report_row(
        _record("andrew,arn:aws:iam::644160558196:user/andrew,2016-08-30T17:37:35+00:00,true,N/A,2016-08-30T18:24:44+00:00,"
                "2016-11-28T18:24:44+00:00,false,true,2016-10-11T15:27:35+00:00,N/A,N/A,N/A,true,2016-08-30T19:05:50+00:00,"
                "2016-10-20T20:27:00+00:00,us-east-1,ec2,false,N/A,false,N/A"),
        None,
    )
    assert row["password_status"] == "not_set"
    assert row["password_last_changed"] == "2016-08-30T18:24:44+00:00"
    assert row["access_key_2_last_used_service"] == "ec2"
    assert row["access_key_1_last_used_date"] is None


def test_bad_cell_names_the_column():
    with pytest.raises(ValueError, match="column mfa_active"):
        normalize.credential_report_row(_record("a,arn:aws:iam::1:user/a,N/A,false,N/A,N/A,N/A,maybe,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A"), None)


@pytest.mark.parametrize(
    "value,expected",
    [("2015-06-16T22:45:00Z", "2015-06-16T22:45:00+00:00"), (1454022144.869, "2016-01-28T23:02:24.869000+00:00"),
     ({"__class__": "datetime", "year": 2017, "month": 12, "day": 6, "hour": 16, "minute": 6, "second": 5, "microsecond": 0},
      "2017-12-06T16:06:05+00:00"), ("2019-10-28T20:37:09+02:00", "2019-10-28T18:37:09+00:00")],
)
def test_timestamps(value, expected):
    assert normalize.timestamp(value) == expected


def test_arn_helpers():
    assert arn_account("arn:aws:iam::aws:policy/AdministratorAccess") is None
    assert arn_account("arn:aws-us-gov:iam::123456789012:role/x") == "123456789012"
    assert arn_partition("arn:aws-us-gov:iam::123456789012:role/x") == "aws-us-gov"
    assert normalize.tags_map([{"Key": "a", "Value": "1"}]) == {"a": "1"}
    assert normalize.tags_map([]) is None

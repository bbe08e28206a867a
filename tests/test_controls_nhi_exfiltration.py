"""nhi_data_exfiltration: non-human identities that may read every object, secret, parameter, table or key, as the
policy engine judges it. Each identity differs from ``reads-everything`` in one guard. Account 123456789012, as of
2024-03-01, no organization loaded."""

import pytest

from tests.iam_rows import ACCOUNT, allow, arn, check_rows, deny, managed, role, user

CONTROL = "nhi_data_exfiltration"
EC2 = {"Service": "ec2.amazonaws.com"}
TRUST = {"Effect": "Allow", "Principal": EC2, "Action": "sts:AssumeRole"}

POLICIES = [
    managed("read-secrets", allow(["secretsmanager:GetSecretValue", "secretsmanager:ListSecrets"])),
    managed("boundary-one-bucket", allow("s3:*", "arn:aws:s3:::reports/*")),
]
USERS = [
    user("reads-everything", allow("s3:GetObject")),
    user("reads-one-bucket", allow("s3:GetObject", "arn:aws:s3:::reports/*")),
    user("reads-but-denied", allow("s3:GetObject"), deny("s3:GetObject", "arn:aws:s3:::*")),
    user("reads-within-boundary", allow("s3:*"), boundary=arn("policy", "boundary-one-bucket")),
    # an attached policy that is not in the data could grant anything
    user("reads-unknown", allow("s3:ListBucket"), attached=[arn("policy", "not-loaded")]),
    # what is loaded already grants it, but a Deny in the missing policy would take it away (an explicit Deny wins)
    user("reads-and-unknown", allow("ssm:GetParametersByPath"), attached=[arn("policy", "not-loaded")]),
    user("reads-through-vpce", allow("s3:GetObject", Condition={"StringEquals": {"aws:SourceVpce": "vpce-0a1b2c"}})),
    # its own account's objects are still every object it can reach
    user("reads-own-account", allow("s3:GetObject", Condition={"StringEquals": {"aws:ResourceAccount": ACCOUNT}})),
    # a Deny that applies only without MFA leaves the Allow open for a session with MFA
    user("reads-unless-no-mfa", allow("s3:GetObject"),
         deny("s3:*", Condition={"Bool": {"aws:MultiFactorAuthPresent": "false"}})),
    user("decrypts-everything", allow("kms:Decrypt")),
    user("scans-tables", allow("dynamodb:*", "arn:aws:dynamodb:*:*:table/*")),
    user("person", allow("s3:GetObject"), tags={"iamsql:identity-type": "human"}),
]
ROLES = [
    role("app-secrets", TRUST, attached=[arn("policy", "read-secrets")]),
    role("app-one-secret", TRUST, statements=[
        allow("secretsmanager:GetSecretValue", f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:app-db-*")]),
]


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    return check_rows(tmp_path_factory.mktemp("exfil"), [CONTROL], users=USERS, roles=ROLES, policies=POLICIES)


def found(results, kind: str, name: str) -> dict:
    return results[(CONTROL, arn(kind, name))]


@pytest.mark.parametrize(("kind", "name", "status"), [
    ("user", "reads-everything", "alarm"),
    ("user", "reads-one-bucket", "ok"),
    ("user", "reads-but-denied", "ok"),
    ("user", "reads-within-boundary", "ok"),
    ("user", "reads-unknown", "skip"),
    ("user", "reads-and-unknown", "skip"),
    ("user", "reads-through-vpce", "ok"),
    ("user", "reads-own-account", "alarm"),
    ("user", "reads-unless-no-mfa", "alarm"),
    ("user", "decrypts-everything", "alarm"),
    ("user", "scans-tables", "alarm"),
    ("role", "app-secrets", "alarm"),
    ("role", "app-one-secret", "ok"),
])
def test_status(results, kind, name, status):
    row = found(results, kind, name)
    assert row["status"] == status, row["reason"]


def test_reason_names_the_actions_and_the_granting_policy(results):
    reason = found(results, "role", "app-secrets")["reason"]
    assert "secretsmanager:GetSecretValue" in reason and "read-secrets" in reason, reason
    assert "s3:GetObject" not in reason, reason
    scans = found(results, "user", "scans-tables")
    assert "dynamodb:Scan" in scans["reason"] and "dynamodb:ExportTableToPointInTime" in scans["reason"]
    assert "dynamodb:Scan" in scans["dimensions"]["bulk_reads"]
    assert "kms:Decrypt" in found(results, "user", "decrypts-everything")["reason"]


def test_a_conditional_read_names_its_condition_keys(results):
    assert "aws:SourceVpce" in found(results, "user", "reads-through-vpce")["reason"]


def test_an_unknown_answer_names_the_missing_policy(results):
    assert "not-loaded" in found(results, "user", "reads-unknown")["reason"]


def test_only_non_human_identities_are_judged(results):
    assert (CONTROL, arn("user", "person")) not in results

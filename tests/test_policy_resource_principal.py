"""A resource-based policy statement must name its principals ("You must use the Principal element in resource-based
policies", IAM User Guide, "AWS JSON policy elements: Principal"); AWS refuses a trust, bucket or key policy with a
statement that has neither ``Principal`` nor ``NotPrincipal``. The engine reads such a document as malformed, never as
the document without that statement (a Deny left out would allow too much), while an identity-based policy, where
``Principal`` is not allowed, keeps its statements.

Loaded data: account 123456789012 as of 2024-03-01 (tests/iam_rows.py), rows in a database file."""

import json

import pytest
from typer.testing import CliRunner

from iamsql import controls
from iamsql.cli import app
from iamsql.policy import PolicyError, Request, evaluate, simulate
from iamsql.policy.access import create_tables
from iamsql.store import db
from tests.iam_rows import ACCOUNT, ADMIN, AS_OF, allow, arn, assume, deny, doc, managed, role, user

USER = arn("user", "dev")
OTHER_USER = "arn:aws:iam::444455556666:user/partner"
BUCKET_OBJECT = "arn:aws:s3:::reports/q1.csv"
PRINCIPAL_LESS_DENY = {"Effect": "Deny", "Action": "sts:AssumeRole"}
TRUST = doc(assume({"AWS": USER}), PRINCIPAL_LESS_DENY)


def test_a_trust_policy_with_a_principal_less_deny_is_malformed():
    request = Request(action="sts:AssumeRole", resource=arn("role", "admin"), principal=USER,
                      identity_policies=[doc(allow("sts:AssumeRole"))], resource_policy=TRUST)
    with pytest.raises(PolicyError, match="statement 1: a resource-based policy statement needs Principal"):
        evaluate(request)
    (answer,) = simulate([{"action": "sts:AssumeRole", "resource": arn("role", "admin"), "principal": USER,
                           "identity_policies": [doc(allow("sts:AssumeRole"))], "resource_policy": TRUST}])
    assert answer["decision"] == "Error"
    # the trust without that statement admits the user: the statement is what makes the answer change
    request.resource_policy = doc(assume({"AWS": USER}))
    assert evaluate(request).decision == "Allowed"


@pytest.mark.parametrize("effect", ["Allow", "Deny"])
def test_a_bucket_policy_statement_without_principal_makes_it_malformed(effect):
    bucket_policy = doc({"Effect": "Allow", "Principal": {"AWS": OTHER_USER}, "Action": "s3:GetObject",
                         "Resource": "arn:aws:s3:::reports/*"},
                        {"Effect": effect, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"})
    request = Request(action="s3:GetObject", resource=BUCKET_OBJECT, principal=OTHER_USER,
                      identity_policies=[doc(allow("s3:GetObject"))], resource_policy=bucket_policy)
    with pytest.raises(PolicyError, match="statement 1: .* needs Principal or NotPrincipal"):
        evaluate(request)


def test_not_principal_names_the_principals_and_identity_policies_have_none():
    # a Deny with NotPrincipal names whom it exempts (a user: its ARN and its account): a bucket policy of that
    # shape is well formed
    exempting = doc({"Effect": "Allow", "Principal": {"AWS": USER}, "Action": "s3:GetObject", "Resource": "*"},
                    {"Effect": "Deny", "NotPrincipal": {"AWS": [USER, ACCOUNT]}, "Action": "s3:GetObject",
                     "Resource": "*"})
    request = Request(action="s3:GetObject", resource=BUCKET_OBJECT, principal=USER, resource_account=ACCOUNT,
                      resource_policy=exempting)
    assert evaluate(request).decision == "Allowed"
    # the same Principal-less Deny in an identity-based policy applies to the holder
    identity = doc(allow("sts:AssumeRole", arn("role", "admin")), {**PRINCIPAL_LESS_DENY, "Resource": "*"})
    request = Request(action="sts:AssumeRole", resource=arn("role", "admin"), principal=USER,
                      identity_policies=[identity], resource_policy=doc(assume({"AWS": USER})))
    assert evaluate(request).decision == "ExplicitlyDenied"


# a trust statement AWS refuses: one without Principal, and a Deny with NotPrincipal ("You cannot use the NotPrincipal
# element in an IAM identity-based policy nor in an IAM role trust policy", "AWS JSON policy elements: NotPrincipal")
REFUSED_TRUST_STATEMENTS = {
    "no-Principal": PRINCIPAL_LESS_DENY,
    "NotPrincipal": {"Effect": "Deny", "NotPrincipal": {"AWS": [USER, ACCOUNT]}, "Action": "sts:AssumeRole"},
}


@pytest.mark.parametrize("shape", list(REFUSED_TRUST_STATEMENTS))
def test_a_loaded_trust_policy_of_a_shape_aws_refuses_is_not_readable(tmp_path, shape):
    # user dev may call sts:AssumeRole; role admin (administrator) trusts dev in a trust policy AWS would refuse
    path = tmp_path / "iam.duckdb"
    con = db.connect(path)
    with db.transaction(con):
        snapshot = db.new_snapshot(con, account_id=ACCOUNT, kind="load", sources=[], as_of=AS_OF)
        db.insert_rows(con, "aws_iam_user", snapshot, [user("dev", allow("sts:AssumeRole"))])
        db.insert_rows(con, "aws_iam_role", snapshot,
                       [role("admin", assume({"AWS": USER}), REFUSED_TRUST_STATEMENTS[shape], attached=[ADMIN])])
        db.insert_rows(con, "aws_iam_policy", snapshot, [managed("AdministratorAccess", allow("*"), aws=True)])
    create_tables(con, controls.ACCESS_QUESTIONS, tables=["iam_principal_access", "iam_role_trust_access"])
    assumed = con.execute("select decision, missing from iam_principal_access where principal_arn = ? "
                          "and question = 'assume_admin_role'", [USER]).fetchall()
    trusted = con.execute("select trusted, decision from iam_role_trust_access where role_arn = ?",
                          [arn("role", "admin")]).fetchall()
    con.close()
    assert assumed == [("Unknown", "the trust policy of role admin (loaded, but not readable by the policy engine)")]
    assert trusted == [(USER, "Unknown")]  # as for any trust policy the engine cannot read
    done = CliRunner().invoke(app, ["simulate", "--db", str(path), "--principal", USER, "--action", "sts:AssumeRole",
                                    "--resource", arn("role", "admin"), "-o", "json"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["decision"] == "Unknown"


REFUSED_IDENTITY_STATEMENTS = {
    "Principal": {**allow("*"), "Principal": {"AWS": OTHER_USER}},
    "NotPrincipal": {**deny("iam:DeleteUser"), "NotPrincipal": {"AWS": OTHER_USER}},
    "no-Resource": {"Effect": "Deny", "Action": "iam:DeleteUser"},
}


@pytest.mark.parametrize("shape", list(REFUSED_IDENTITY_STATEMENTS))
def test_a_loaded_identity_policy_of_a_shape_iam_refuses_is_not_readable(tmp_path, shape):
    # "You cannot use the Principal element in an identity-based policy" (IAM User Guide, "AWS JSON policy elements:
    # Principal"; IAM refuses it: "Has prohibited field Principal"), nor NotPrincipal ("AWS JSON policy elements:
    # NotPrincipal"), and "Statements must include either a Resource or a NotResource element" ("IAM JSON policy
    # elements: Resource"): user dev's Allow of iam:CreateUser sits in a document IAM refuses, so the answer is
    # unknown, never the document read without the element, nor a quiet "not allowed"
    statement = REFUSED_IDENTITY_STATEMENTS[shape]
    path = tmp_path / "iam.duckdb"
    con = db.connect(path)
    with db.transaction(con):
        snapshot = db.new_snapshot(con, account_id=ACCOUNT, kind="load", sources=[], as_of=AS_OF)
        db.insert_rows(con, "aws_iam_user", snapshot, [user("dev", allow("iam:CreateUser"), statement)])
    con.close()
    done = CliRunner().invoke(app, ["simulate", "--db", str(path), "--principal", USER, "--action", "iam:CreateUser",
                                    "--resource", arn("user", "new"), "-o", "json"])
    assert done.exit_code == 0, done.output
    answer = json.loads(done.output)
    assert answer["decision"] == "Unknown", answer
    assert answer["missing"] == ["inline policy dev-inline of user dev (loaded, but not readable by the policy engine)"]
    # the reason names the document as missing does, never the engine's position (identity_policies[0])
    label = answer["missing"][0]
    assert answer["reason"].startswith(f"The decision depends on documents that are not known: {label}; "), answer
    done = CliRunner().invoke(app, ["simulate", "--db", str(path), "--principal", USER, "--action", "iam:CreateUser",
                                    "--resource", arn("user", "new")])
    assert done.exit_code == 0, done.output
    assert done.output.splitlines()[1:] == [f"  not known: {label}"]  # loaded: never "not loaded"

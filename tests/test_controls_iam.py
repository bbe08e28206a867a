"""Each IAM control against crafted accounts: at least one resource that must alarm and one that must pass.

Four accounts, all as of 2024-03-01 12:00 UTC:
- A (111111111111): the busy one: users alice (clean), bob (every bad habit), carol (new), dave (stale);
  roles, policies, groups, certificates and SAML providers with one good and one bad case each; a weak
  password policy; root with no MFA, an access key and recent use.
- B (222222222222): root with a virtual MFA device, no access keys, not used recently; no role for AWS
  Support; no password policy loaded at all (password-policy controls are skipped).
- C (333333333333): root with MFA and no virtual device assigned (hardware; a deactivated virtual device named
  root-account-mfa-device is left unassigned); password policy loaded but absent.
- D (444444444444): root without password or keys (centrally managed); a strong password policy.
"""

import json
from datetime import datetime, timezone

import pytest

from iamsql import controls
from iamsql.load.normalize import inline_policies_std, policy_std
from iamsql.store import db

AS_OF = datetime(2024, 3, 1, 12, 0, tzinfo=timezone.utc)
A, B, C, D = "111111111111", "222222222222", "333333333333", "444444444444"
ADMIN = {"Effect": "Allow", "Action": "*", "Resource": "*"}


def arn(account: str, kind: str, name: str) -> str:
    return f"arn:aws:iam::{account}:{kind}/{name}"


def base(account: str) -> dict:
    return {"account_id": account, "partition": "aws", "region": "global"}


def report_row(account: str, user: str, **values) -> dict:
    row = {"user_name": user, "user_arn": f"arn:aws:iam::{account}:root" if user == "<root_account>" else arn(account, "user", user),
           "user_creation_time": "2020-01-01T00:00:00Z", "generated_time": AS_OF.isoformat(), "password_enabled": False,
           "mfa_active": False, "access_key_1_active": False, "access_key_2_active": False, **base(account)}
    row.update(values)
    return row


def iam_user(account: str, name: str, *, groups=(), attached=(), inline=None) -> dict:
    return {"name": name, "arn": arn(account, "user", name), "create_date": "2020-01-01T00:00:00Z",
            "groups": [{"GroupName": g} for g in groups], "attached_policy_arns": list(attached),
            "inline_policies": inline, "inline_policies_std": inline_policies_std(inline), **base(account)}


def role(account: str, name: str, trust: dict, *, path="/", last_used=None, created="2022-01-01T00:00:00Z",
         attached=(), inline=None) -> dict:
    document = {"Version": "2012-10-17", "Statement": [{"Action": trust.pop("Action", "sts:AssumeRole"), **trust}]}
    return {"name": name, "arn": arn(account, "role", name.split("/")[-1]), "path": path, "create_date": created,
            "role_last_used_date": last_used, "assume_role_policy": document, "assume_role_policy_std": policy_std(document),
            "attached_policy_arns": list(attached), "inline_policies": inline,
            "inline_policies_std": inline_policies_std(inline), **base(account)}


def policy(account: str, name: str, statements: list[dict], *, aws_managed=False, attached=True) -> dict:
    document = {"Version": "2012-10-17", "Statement": statements}
    return {"name": name, "arn": f"arn:aws:iam::aws:policy/{name}" if aws_managed else arn(account, "policy", name),
            "is_aws_managed": aws_managed, "is_attached": attached, "attachment_count": int(attached),
            "policy": document, "policy_std": policy_std(document), **base(account)}


def password_policy(account: str, **values) -> dict:
    return {**base(account), **values}


ACCOUNTS = {
    A: {
        "aws_iam_credential_report": [
            report_row(A, "<root_account>", password_enabled=True, access_key_1_active=True,
                       access_key_1_last_rotated="2019-01-01T00:00:00Z", password_last_used="2024-02-20T00:00:00Z"),
            report_row(A, "alice", password_enabled=True, mfa_active=True, password_last_used="2024-02-25T00:00:00Z",
                       password_last_changed="2023-01-01T00:00:00Z", access_key_1_active=True,
                       access_key_1_last_rotated="2024-01-15T00:00:00Z", access_key_1_last_used_date="2024-02-28T00:00:00Z"),
            report_row(A, "bob", password_enabled=True, password_last_used="2023-06-01T00:00:00Z",
                       access_key_1_active=True, access_key_1_last_rotated="2023-01-01T00:00:00Z",
                       access_key_1_last_used_date="2023-02-01T00:00:00Z",
                       access_key_2_active=True, access_key_2_last_rotated="2024-02-20T00:00:00Z"),
            report_row(A, "carol", password_enabled=True, mfa_active=True, password_last_changed="2024-02-20T00:00:00Z",
                       user_creation_time="2024-02-20T00:00:00Z"),
            report_row(A, "dave", password_enabled=True, mfa_active=True, password_last_changed="2023-01-01T00:00:00Z",
                       access_key_1_active=True, access_key_1_last_rotated="2023-05-01T00:00:00Z"),
        ],
        "aws_iam_user": [
            iam_user(A, "alice", groups=["devs"]),
            iam_user(A, "bob", attached=["arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV3", arn(A, "policy", "admin-all")],
                     inline=[{"PolicyName": "bob-inline",
                              "PolicyDocument": {"Statement": {"Effect": "Allow", "Action": "S3:*", "Resource": "*"}}}]),
        ],
        "aws_iam_group": [
            {"name": "devs", "arn": arn(A, "group", "devs"), "attached_policy_arns": [], **base(A)},
            {"name": "ops", "arn": arn(A, "group", "ops"), **base(A),
             "inline_policies_std": inline_policies_std([{"PolicyName": "ops-inline", "PolicyDocument": {
                 "Statement": [{"Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"}]}}])},
        ],
        "aws_iam_role": [
            role(A, "app-role", {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}},
                 last_used="2024-02-29T00:00:00Z"),
            role(A, "open-role", {"Effect": "Allow", "Principal": "*"}, created="2020-01-01T00:00:00Z"),
            role(A, "org-role", {"Effect": "Allow", "Principal": {"AWS": "*"},
                                 "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}},
                 last_used="2024-02-01T00:00:00Z"),
            role(A, "vendor-role", {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999999999999:root"},
                                    "Condition": {"StringEquals": {"sts:ExternalId": "x-123"}}},
                 last_used="2024-02-01T00:00:00Z"),
            role(A, "partner-role", {"Effect": "Allow", "Principal": {"AWS": ["888888888888", arn(A, "root", "")[:-1]]}},
                 last_used="2024-02-01T00:00:00Z",
                 inline=[{"PolicyName": "partner-inline", "PolicyDocument": {
                     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}}]),
            role(A, "gh-good", {"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
                                "Principal": {"Federated": arn(A, "oidc-provider", "token.actions.githubusercontent.com")},
                                "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
                                              "StringLike": {"token.actions.githubusercontent.com:sub": "repo:org/app:*"}}},
                 last_used="2024-02-01T00:00:00Z"),
            role(A, "gh-bad", {"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
                               "Principal": {"Federated": arn(A, "oidc-provider", "token.actions.githubusercontent.com")},
                               "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}}),
            role(A, "gh-wild", {"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
                                "Principal": {"Federated": arn(A, "oidc-provider", "token.actions.githubusercontent.com")},
                                "Condition": {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:*"}}}),
            role(A, "aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport",
                 {"Effect": "Allow", "Principal": {"Service": "support.amazonaws.com"}},
                 path="/aws-service-role/support.amazonaws.com/"),
            role(A, "support", {"Effect": "Allow", "Principal": {"AWS": arn(A, "root", "")[:-1]}},
                 attached=["arn:aws:iam::aws:policy/AWSSupportAccess"], last_used="2024-01-10T00:00:00Z"),
            role(A, "new-role", {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}},
                 created="2024-02-25T00:00:00Z"),
        ],
        "aws_iam_policy": [
            policy(A, "admin-all", [ADMIN]),
            policy(A, "admin-conditional", [{**ADMIN, "Condition": {"Bool": {"aws:MultiFactorAuthPresent": True}}}]),
            policy(A, "admin-cancelled", [ADMIN, {"Effect": "Deny", "Action": "*", "Resource": "*"}]),
            policy(A, "read-only", [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::b/*"}]),
            policy(A, "passer", [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": arn(A, "role", "*")}]),
            policy(A, "passer-scoped", [{"Effect": "Allow", "Action": "iam:Pass*", "Resource": "*",
                                         "Condition": {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}}]),
            policy(A, "assumer", [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]),
            policy(A, "power", [{"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"}]),
            policy(A, "AdministratorAccess", [ADMIN], aws_managed=True),
            policy(A, "AmazonS3FullAccess", [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}], aws_managed=True),
        ],
        "aws_iam_account_password_policy": [password_policy(
            A, minimum_password_length=8, password_reuse_prevention=5, require_uppercase_characters=True,
            require_lowercase_characters=True, require_numbers=True, require_symbols=False, expire_passwords=False)],
        "aws_iam_virtual_mfa_device": [{"serial_number": arn(A, "mfa", "alice"), "user": {"Arn": arn(A, "user", "alice")},
                                        **base(A)}],
        "aws_iam_server_certificate": [
            {"name": "old-cert", "arn": arn(A, "server-certificate", "old-cert"), "expiration": "2023-05-01T00:00:00Z", **base(A)},
            {"name": "new-cert", "arn": arn(A, "server-certificate", "new-cert"), "expiration": "2025-05-01T00:00:00Z", **base(A)},
        ],
        "aws_iam_saml_provider": [
            {"arn": arn(A, "saml-provider", "OldIdP"), "valid_until": "2023-01-01T00:00:00Z", **base(A)},
            {"arn": arn(A, "saml-provider", "Okta"), "valid_until": "2030-01-01T00:00:00Z", **base(A)},
        ],
        "aws_iam_service_specific_credential": [
            {"service_name": "codecommit.amazonaws.com", "service_specific_credential_id": "ACCA1", "user_name": "bob",
             "status": "Active", "create_date": "2023-01-01T00:00:00Z", **base(A)},
            {"service_name": "bedrock.amazonaws.com", "service_specific_credential_id": "ACCA2", "user_name": "alice",
             "status": "Active", "create_date": "2024-02-01T00:00:00Z", **base(A)},
            {"service_name": "codecommit.amazonaws.com", "service_specific_credential_id": "ACCA3", "user_name": "alice",
             "status": "Inactive", "create_date": "2020-01-01T00:00:00Z", **base(A)},
        ],
    },
    B: {
        "aws_iam_credential_report": [report_row(B, "<root_account>", password_enabled=True, mfa_active=True,
                                                 password_last_used="2023-01-01T00:00:00Z")],
        "aws_iam_virtual_mfa_device": [{"serial_number": f"arn:aws:iam::{B}:mfa/root-account-mfa-device",
                                        "user": {"Arn": f"arn:aws:iam::{B}:root"}, **base(B)}],
        "aws_iam_role": [],
    },
    C: {
        "aws_iam_credential_report": [report_row(C, "<root_account>", password_enabled=True, mfa_active=True)],
        "aws_iam_virtual_mfa_device": [{"serial_number": f"arn:aws:iam::{C}:mfa/root-account-mfa-device",
                                        "assignment_status": "Unassigned", **base(C)}],
        "aws_iam_account_password_policy": [],
    },
    D: {
        "aws_iam_credential_report": [report_row(D, "<root_account>", password_enabled=True)],
        "aws_iam_account_summary": [{"account_password_present": False, **base(D)}],
        "aws_iam_account_password_policy": [password_policy(
            D, minimum_password_length=16, password_reuse_prevention=24, require_uppercase_characters=True,
            require_lowercase_characters=True, require_numbers=True, require_symbols=True, expire_passwords=True,
            max_password_age=60)],
    },
}


def root(account):
    return f"arn:aws:iam::{account}:root"


def acct(account):
    return f"arn:aws:::{account}"


EXPECTED = [
    ("iam_root_mfa_enabled", root(A), "alarm"), ("iam_root_mfa_enabled", root(B), "ok"),
    ("iam_root_mfa_enabled", root(D), "ok"),
    ("iam_root_hardware_mfa_enabled", root(A), "alarm"), ("iam_root_hardware_mfa_enabled", root(B), "alarm"),
    ("iam_root_hardware_mfa_enabled", root(C), "ok"), ("iam_root_hardware_mfa_enabled", acct(D), "skip"),
    ("iam_root_no_access_keys", root(A), "alarm"), ("iam_root_no_access_keys", root(B), "ok"),
    ("iam_root_not_used_recently", root(A), "alarm"), ("iam_root_not_used_recently", root(B), "ok"),
    ("iam_root_not_used_recently", root(C), "ok"),
    ("iam_user_console_mfa", arn(A, "user", "alice"), "ok"), ("iam_user_console_mfa", arn(A, "user", "bob"), "alarm"),
    ("iam_user_unused_password", arn(A, "user", "alice"), "ok"), ("iam_user_unused_password", arn(A, "user", "bob"), "alarm"),
    ("iam_user_unused_password", arn(A, "user", "carol"), "ok"), ("iam_user_unused_password", arn(A, "user", "dave"), "alarm"),
    ("iam_user_unused_access_key", arn(A, "user", "alice") + "#access_key_1", "ok"),
    ("iam_user_unused_access_key", arn(A, "user", "bob") + "#access_key_1", "alarm"),
    ("iam_user_unused_access_key", arn(A, "user", "bob") + "#access_key_2", "ok"),
    ("iam_user_unused_access_key", arn(A, "user", "dave") + "#access_key_1", "alarm"),
    ("iam_access_key_rotated", arn(A, "user", "alice") + "#access_key_1", "ok"),
    ("iam_access_key_rotated", arn(A, "user", "bob") + "#access_key_1", "alarm"),
    ("iam_access_key_rotated", arn(A, "user", "bob") + "#access_key_2", "ok"),
    ("iam_user_single_active_access_key", arn(A, "user", "alice"), "ok"),
    ("iam_user_single_active_access_key", arn(A, "user", "bob"), "alarm"),
    ("iam_user_no_attached_policies", arn(A, "user", "alice"), "ok"),
    ("iam_user_no_attached_policies", arn(A, "user", "bob"), "alarm"),
    ("iam_user_no_inline_policies", arn(A, "user", "alice"), "ok"),
    ("iam_user_no_inline_policies", arn(A, "user", "bob"), "alarm"),
    ("iam_user_in_group", arn(A, "user", "alice"), "ok"), ("iam_user_in_group", arn(A, "user", "bob"), "alarm"),
    ("iam_user_compromised_key_quarantine", arn(A, "user", "alice"), "ok"),
    ("iam_user_compromised_key_quarantine", arn(A, "user", "bob"), "alarm"),
    ("iam_group_not_empty", arn(A, "group", "devs"), "ok"), ("iam_group_not_empty", arn(A, "group", "ops"), "alarm"),
    ("iam_group_role_no_inline_policies", arn(A, "group", "devs"), "ok"),
    ("iam_group_role_no_inline_policies", arn(A, "group", "ops"), "alarm"),
    ("iam_group_role_no_inline_policies", arn(A, "role", "app-role"), "ok"),
    ("iam_group_role_no_inline_policies", arn(A, "role", "partner-role"), "alarm"),
    ("iam_policy_no_full_admin", arn(A, "policy", "admin-all"), "alarm"),
    ("iam_policy_no_full_admin", arn(A, "policy", "admin-conditional"), "alarm"),
    ("iam_policy_no_full_admin", arn(A, "policy", "admin-cancelled"), "ok"),
    ("iam_policy_no_full_admin", arn(A, "policy", "read-only"), "ok"),
    ("iam_policy_no_full_admin", arn(A, "policy", "power"), "ok"),
    ("iam_policy_no_full_admin", "arn:aws:iam::aws:policy/AdministratorAccess", "alarm"),
    ("iam_policy_no_service_wildcard", arn(A, "user", "bob"), "alarm"),
    ("iam_policy_no_service_wildcard", arn(A, "policy", "read-only"), "ok"),
    ("iam_policy_no_passrole_star", arn(A, "policy", "passer"), "alarm"),
    ("iam_policy_no_passrole_star", arn(A, "policy", "admin-all"), "alarm"),
    ("iam_policy_no_passrole_star", arn(A, "policy", "passer-scoped"), "ok"),
    ("iam_policy_no_passrole_star", arn(A, "policy", "assumer"), "ok"),
    ("iam_policy_no_assume_role_star", arn(A, "policy", "assumer"), "alarm"),
    ("iam_policy_no_assume_role_star", arn(A, "policy", "passer"), "ok"),
    ("iam_policy_no_allow_notaction", arn(A, "policy", "power"), "alarm"),
    ("iam_policy_no_allow_notaction", arn(A, "policy", "admin-all"), "ok"),
    ("iam_password_policy_exists", acct(A), "ok"), ("iam_password_policy_exists", acct(C), "alarm"),
    ("iam_password_policy_exists", acct(B), "skip"),
    ("iam_password_policy_min_length", acct(A), "alarm"), ("iam_password_policy_min_length", acct(D), "ok"),
    ("iam_password_policy_min_length", acct(C), "alarm"),
    ("iam_password_policy_reuse_prevention", acct(A), "alarm"), ("iam_password_policy_reuse_prevention", acct(D), "ok"),
    ("iam_password_policy_complexity", acct(A), "alarm"), ("iam_password_policy_complexity", acct(D), "ok"),
    ("iam_password_policy_expiry", acct(A), "alarm"), ("iam_password_policy_expiry", acct(D), "ok"),
    ("iam_role_trust_no_wildcard_principal", arn(A, "role", "open-role"), "alarm"),
    ("iam_role_trust_no_wildcard_principal", arn(A, "role", "org-role"), "ok"),
    ("iam_role_trust_no_wildcard_principal", arn(A, "role", "app-role"), "ok"),
    ("iam_role_cross_account_trust_has_external_id", arn(A, "role", "partner-role"), "alarm"),
    ("iam_role_cross_account_trust_has_external_id", arn(A, "role", "vendor-role"), "ok"),
    ("iam_role_cross_account_trust_has_external_id", arn(A, "role", "support"), "ok"),
    ("iam_role_oidc_trust_has_sub_condition", arn(A, "role", "gh-good"), "ok"),
    ("iam_role_oidc_trust_has_sub_condition", arn(A, "role", "gh-bad"), "alarm"),
    ("iam_role_oidc_trust_has_sub_condition", arn(A, "role", "gh-wild"), "alarm"),
    ("iam_role_unused", arn(A, "role", "app-role"), "ok"), ("iam_role_unused", arn(A, "role", "open-role"), "alarm"),
    ("iam_role_unused", arn(A, "role", "new-role"), "ok"),
    ("iam_role_unused", arn(A, "role", "AWSServiceRoleForSupport"), "info"),
    ("iam_support_role_exists", acct(A), "ok"), ("iam_support_role_exists", acct(B), "alarm"),
    ("iam_server_certificate_expired", arn(A, "server-certificate", "old-cert"), "alarm"),
    ("iam_server_certificate_expired", arn(A, "server-certificate", "new-cert"), "ok"),
    ("iam_saml_provider_valid", arn(A, "saml-provider", "OldIdP"), "alarm"),
    ("iam_saml_provider_valid", arn(A, "saml-provider", "Okta"), "ok"),
    ("iam_service_specific_credential_rotated", arn(A, "user", "bob") + "#ACCA1", "alarm"),
    ("iam_service_specific_credential_rotated", arn(A, "user", "alice") + "#ACCA2", "ok"),
]


def run_on(accounts: dict, control_ids: list[str], path, params=None) -> list[dict]:
    """The results of the controls on a new database at ``path`` holding ``accounts`` (as of AS_OF)."""
    con = db.connect(path)
    for account, tables in accounts.items():
        with db.transaction(con):
            snapshot_id = db.new_snapshot(con, account_id=account, kind="load", sources=[], as_of=AS_OF)
            for table, rows in tables.items():
                db.insert_rows(con, table, snapshot_id, rows)
    rows = controls.results(con, controls.run_checks(con, controls=control_ids, params=params))
    con.close()
    return rows


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    ids = [c.id for c in controls.load_controls() if c.id.startswith("iam_")]
    return run_on(ACCOUNTS, ids, tmp_path_factory.mktemp("iam") / "iam.duckdb")


def test_every_iam_control_has_an_alarm_and_a_pass_case():
    covered = {}
    for control_id, _resource, status in EXPECTED:
        covered.setdefault(control_id, set()).add(status)
    from .test_controls_expected import CONTROLS as TESTED_THERE  # the controls of issue 12: test_controls_expected
    shipped = {c.id for c in controls.load_controls() if c.id.startswith("iam_") and "privilege_escalation" not in c.id}
    from .test_controls_prowler_parity import IAM_CONTROLS as PROWLER_PARITY

    tested_there = set(TESTED_THERE) | set(PROWLER_PARITY) | {"iam_principal_unused_services"}  # test_controls_identity
    assert shipped - tested_there <= set(covered), shipped - tested_there - set(covered)
    for control_id, statuses in covered.items():
        assert {"alarm", "ok"} <= statuses, control_id


@pytest.mark.parametrize(("control_id", "resource", "status"), EXPECTED, ids=[f"{c}-{r.rsplit('/', 1)[-1]}-{s}" for c, r, s in EXPECTED])
def test_expected_status(results, control_id, resource, status):
    found = [r for r in results if r["control_id"] == control_id and r["resource"] == resource]
    assert len(found) == 1, (control_id, resource, [(r["resource"], r["status"]) for r in results if r["control_id"] == control_id])
    assert found[0]["status"] == status, found[0]["reason"]
    assert found[0]["reason"].endswith("."), found[0]["reason"]


def test_no_errors_and_unique_resources(results):
    assert [r for r in results if r["status"] == "error"] == []
    keys = [(r["control_id"], r["account_id"], r["resource"]) for r in results]
    assert len(keys) == len(set(keys))


def test_reasons_say_what_to_do(results):
    by_key = {(r["control_id"], r["resource"]): r["reason"] for r in results}
    assert by_key[("iam_user_unused_access_key", arn(A, "user", "bob") + "#access_key_1")] == (
        "Access key 1 of bob was last used 394 days before the data was taken (more than 45); deactivate and delete it.")
    assert "within the 45-day grace period" in by_key[("iam_user_unused_password", arn(A, "user", "carol"))]
    assert "AWSCompromisedKeyQuarantineV3" in by_key[("iam_user_compromised_key_quarantine", arn(A, "user", "bob"))]
    assert "when its conditions hold" in by_key[("iam_policy_no_full_admin", arn(A, "policy", "admin-conditional"))]
    assert "888888888888" in by_key[("iam_role_cross_account_trust_has_external_id", arn(A, "role", "partner-role"))]
    assert "service-linked" in by_key[("iam_role_unused", arn(A, "role", "AWSServiceRoleForSupport"))]
    # last used 2024-02-29 00:00, a day and a half before the data was taken: one whole day, singular
    assert by_key[("iam_role_unused", arn(A, "role", "app-role"))] == (
        "Role app-role was last used 1 day before the data was taken.")
    assert "symbols" in by_key[("iam_password_policy_complexity", acct(A))]


def test_aws_managed_policies_only_judged_when_attached_and_editable(results):
    resources = {(r["control_id"], r["resource"]) for r in results}
    assert ("iam_policy_no_service_wildcard", "arn:aws:iam::aws:policy/AmazonS3FullAccess") not in resources
    assert ("iam_policy_no_full_admin", "arn:aws:iam::aws:policy/AmazonS3FullAccess") in resources


@pytest.fixture(scope="module")
def real_data_results(public_data, tmp_path_factory):
    """The public data sets loaded as a user would, one folder per load."""
    from iamsql.load import load_paths

    con = db.connect(tmp_path_factory.mktemp("real") / "real.duckdb")
    for folder, account in [
        ("cloudsplaining", None), ("cloudmapper_demo", "123456789012"), ("cloud_custodian_placebo/credential_reports_csv", None),
        ("aws_cli_examples/json/iam", "123456789012"), ("aws_cli_examples/json/cloudtrail", "123456789012"),
    ]:
        load_paths(con, [public_data / folder], account_id=account)
    rows = controls.results(con, controls.run_checks(con))
    con.close()
    return rows


def test_all_controls_run_without_error_on_public_data(real_data_results):
    errors = [(r["control_id"], r["reason"]) for r in real_data_results if r["status"] == "error"]
    assert errors == []
    statuses = {r["status"] for r in real_data_results}
    assert {"ok", "alarm"} <= statuses
    judged = {r["control_id"] for r in real_data_results if r["status"] in ("ok", "alarm")}
    assert len(judged) >= 25, sorted({c.id for c in controls.load_controls()} - judged)
    assert json.dumps(real_data_results, default=str)


def test_no_password_policy_is_judged_by_aws_default(tmp_path):
    # AWS's default password policy (no policy set): at least 8 characters and three of the four character types.
    accounts = {
        C: {"aws_iam_account_password_policy": []},
        D: {"aws_iam_account_password_policy": [password_policy(D, minimum_password_length=6)]},
    }
    checks = ["iam_password_policy_min_length", "iam_password_policy_complexity"]
    at_8 = {
        (r["control_id"], r["account_id"]): r
        for r in run_on(accounts, checks, tmp_path / "at8.duckdb", params={"min_length": 8})
    }
    assert at_8[("iam_password_policy_min_length", C)]["status"] == "ok", at_8[("iam_password_policy_min_length", C)]
    assert "default" in at_8[("iam_password_policy_min_length", C)]["reason"]
    assert at_8[("iam_password_policy_min_length", D)]["status"] == "alarm"
    at_9 = {
        (r["control_id"], r["account_id"]): r
        for r in run_on(accounts, checks[:1], tmp_path / "at9.duckdb", params={"min_length": 9})
    }
    assert at_9[("iam_password_policy_min_length", C)]["status"] == "alarm"
    complexity = at_8[("iam_password_policy_complexity", C)]
    assert complexity["status"] == "alarm"
    assert "three of" in complexity["reason"] and "no character types" not in complexity["reason"]


def test_group_with_no_known_member_is_skipped_while_some_users_lack_their_groups(tmp_path):
    """list-users gives no group memberships: an empty-looking group may have its member among those users."""
    listed = {key: value for key, value in iam_user(B, "erin").items() if key != "groups"}
    accounts = {B: {"aws_iam_user": [iam_user(B, "frank", groups=["devs"]), listed],
                    "aws_iam_group": [{"name": name, "arn": arn(B, "group", name), **base(B)} for name in ("devs", "ops")]}}
    found = {r["resource"]: (r["status"], r["reason"]) for r in run_on(accounts, ["iam_group_not_empty"], tmp_path / "g.duckdb")}
    assert found[arn(B, "group", "devs")] == ("ok", "Group devs has 1 user.")
    assert found[arn(B, "group", "ops")] == ("skip", "Group ops has no member among the users whose groups are loaded, "
                                             "but 1 user was loaded without their group memberships (a user listing); "
                                             "load get-account-authorization-details to evaluate it.")

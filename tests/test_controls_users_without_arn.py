"""A user that only list-mfa-devices (or list-user-tags) names: IAM answers those calls only for a user that exists,
but they give no path, which the user's ARN holds. Every control that judges users gives it a skip naming it, under
the ARN it has at the path /, instead of dropping it, whether the account's users were listed whole earlier (a user
created since) or not at all (then the controls that need every user skip the account)."""

import json

import pytest

from iamsql import controls
from iamsql.load import load_paths
from iamsql.store import db

ACCOUNT = "881000000001"
USER_CONTROLS = ["iam_user_in_group", "iam_user_no_attached_policies", "iam_user_no_inline_policies",
                 "iam_user_compromised_key_quarantine", "iam_principal_privilege_escalation",
                 "iam_privileged_user_hardware_mfa"]
ALICE, NEWBIE = f"arn:aws:iam::{ACCOUNT}:user/alice", f"arn:aws:iam::{ACCOUNT}:user/newbie"
LISTING = {  # get-account-authorization-details: alice in group devs, no policy
    "UserDetailList": [{"Path": "/", "UserName": "alice", "UserId": "AIDAEXAMPLEALICE0001", "Arn": ALICE,
                        "CreateDate": "2024-01-01T00:00:00Z", "GroupList": ["devs"], "AttachedManagedPolicies": [],
                        "UserPolicyList": []}],
    "GroupDetailList": [{"Path": "/", "GroupName": "devs", "GroupId": "AGPAEXAMPLEDEVS00001",
                         "Arn": f"arn:aws:iam::{ACCOUNT}:group/devs", "CreateDate": "2024-01-01T00:00:00Z",
                         "GroupPolicyList": [], "AttachedManagedPolicies": []}],
    "RoleDetailList": [], "Policies": []}
NEWBIE_DEVICES = {"UserName": "newbie", "MFADevices": [{
    "UserName": "newbie", "SerialNumber": f"arn:aws:iam::{ACCOUNT}:mfa/newbie", "EnableDate": "2024-05-01T00:00:00Z"}]}
VIRTUAL_DEVICES = {"VirtualMFADevices": []}  # newbie's device is not a virtual one


def write(folder, name, doc):
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(json.dumps(doc))
    return folder / name


@pytest.fixture(scope="module")
def created_after_the_listing(tmp_path_factory):
    """The account's users listed whole, then the devices of a user created since."""
    root = tmp_path_factory.mktemp("without_arn")
    con = db.connect(root / "later.duckdb")
    load_paths(con, [write(root / "first", "gaad.json", LISTING),
                     write(root / "first", "list-virtual-mfa-devices.json", VIRTUAL_DEVICES)],
               account_id=ACCOUNT, as_of="2024-06-01T00:00:00Z")
    load_paths(con, [write(root / "later", "list-mfa-devices.json", NEWBIE_DEVICES)], account_id=ACCOUNT,
               as_of="2024-06-02T00:00:00Z")
    assert con.execute("select count(*) from iamsql_partial").fetchone() == (0,)
    rows = controls.results(con, controls.run_checks(con, controls=USER_CONTROLS))
    con.close()
    return {(r["control_id"], r["resource"]): (r["status"], r["reason"]) for r in rows}


@pytest.mark.parametrize("control", USER_CONTROLS)
def test_a_user_without_an_arn_is_skipped_naming_it(created_after_the_listing, control):
    status, reason = created_after_the_listing[control, NEWBIE]
    assert status == "skip", reason
    assert "newbie is named only by list-mfa-devices or list-user-tags, which give no path" in reason, reason
    assert "load list-users or get-account-authorization-details" in reason, reason


@pytest.mark.parametrize("control", USER_CONTROLS)
def test_the_listed_users_are_still_judged(created_after_the_listing, control):
    status, reason = created_after_the_listing[control, ALICE]
    assert status == "ok", reason
    assert {resource for c, resource in created_after_the_listing if c == control} == {ALICE, NEWBIE}


def test_without_a_listing_the_per_user_control_skips_the_user_and_the_others_the_account(tmp_path):
    """list-mfa-devices alone: the users are loaded in part; the hardware MFA control, which judges each user, skips
    newbie naming it; the controls that need every user skip the account."""
    con = db.connect(tmp_path / "alone.duckdb")
    load_paths(con, [write(tmp_path / "in", "list-mfa-devices.json", NEWBIE_DEVICES),
                     write(tmp_path / "in", "list-virtual-mfa-devices.json", VIRTUAL_DEVICES)],
               account_id=ACCOUNT, as_of="2024-06-01T00:00:00Z")
    rows = controls.results(con, controls.run_checks(
        con, controls=["iam_privileged_user_hardware_mfa", "iam_user_in_group"]))
    con.close()
    found = {(r["control_id"], r["resource"]): (r["status"], r["reason"]) for r in rows}
    assert set(found) == {("iam_privileged_user_hardware_mfa", NEWBIE), ("iam_user_in_group", f"arn:aws:::{ACCOUNT}")}
    status, reason = found["iam_privileged_user_hardware_mfa", NEWBIE]
    assert status == "skip" and reason.startswith("newbie is named only by list-mfa-devices"), reason
    status, reason = found["iam_user_in_group", f"arn:aws:::{ACCOUNT}"]
    assert status == "skip" and reason.startswith(f"Only part of aws_iam_user is loaded for account {ACCOUNT}"), reason

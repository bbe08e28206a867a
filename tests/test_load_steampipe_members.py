"""JSON columns that hold an AWS SDK object print every member of the Go struct Steampipe prints: a group's
``users`` and a virtual MFA device's ``user`` (aws-sdk-go-v2 ``iam/types.User``), an instance profile's ``roles``
(``types.Role``). A member the answer left out is JSON ``null`` there (the structs' pointers and slices have no
``omitempty``), and a role's trust policy is the URL-encoded text the IAM API returns. A trail's
``advanced_event_selectors`` is what GetEventSelectors answered: ``[]`` when it gave an empty list (the SDK keeps an
empty slice, printed ``[]``), NULL when it gave none. Loaded by the real loader into a DuckDB file."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote

from iamsql.load import load_paths
from iamsql.store import db

SHAPES = Path(__file__).parent / "data" / "real_shapes"
ACCOUNT = "111122223333"
TRUST = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                                                 "Action": "sts:AssumeRole"}]}
USER_MEMBERS = {"Arn", "CreateDate", "PasswordLastUsed", "Path", "PermissionsBoundary", "Tags", "UserId", "UserName"}
ROLE_MEMBERS = {"Arn", "AssumeRolePolicyDocument", "CreateDate", "Description", "MaxSessionDuration", "Path",
                "PermissionsBoundary", "RoleId", "RoleLastUsed", "RoleName", "Tags"}


def _write(folder: Path, name: str, document: dict) -> None:
    (folder / name).write_text(json.dumps(document, indent=2))


def _user(name: str, **extra) -> dict:
    return {"Path": "/", "UserName": name, "UserId": f"AIDA{name.upper()}", "Arn": f"arn:aws:iam::{ACCOUNT}:user/{name}",
            "CreateDate": "2021-01-02T03:04:05+00:00", **extra}


def _loaded(tmp_path: Path, files: dict[str, dict]):
    folder = tmp_path / "outputs"
    folder.mkdir()
    for name, document in files.items():
        _write(folder, name, document)
    con = db.connect(tmp_path / "members.duckdb")
    load_paths(con, [str(folder)], account_id=ACCOUNT, as_of="2025-01-01T00:00:00Z")
    return con


def test_get_group_users_print_every_member_of_the_sdk_user(tmp_path):
    con = _loaded(tmp_path, {"get-group.json": {
        "Group": {"Path": "/", "GroupName": "admins", "GroupId": "AGPAADMINS", "Arn": f"arn:aws:iam::{ACCOUNT}:group/admins",
                  "CreateDate": "2020-01-01T00:00:00+00:00"},
        "Users": [_user("alice", PasswordLastUsed="2024-05-06T07:08:09+00:00"), _user("bob")]}})
    users = json.loads(con.execute("select users from aws_iam_group").fetchone()[0])
    assert [set(u) for u in users] == [USER_MEMBERS, USER_MEMBERS]
    alice, bob = users
    assert alice["PasswordLastUsed"] == "2024-05-06T07:08:09Z" and alice["CreateDate"] == "2021-01-02T03:04:05Z"
    assert bob["PasswordLastUsed"] is None and bob["Tags"] is None and bob["PermissionsBoundary"] is None


def test_group_users_from_authorization_details_print_null_members(tmp_path):
    con = db.connect(tmp_path / "gaad.duckdb")
    load_paths(con, [str(SHAPES / "gaad-page-1.json"), str(SHAPES / "gaad-page-2.json")])
    members = [json.loads(u) for (u,) in con.execute("select users from aws_iam_group where users is not null").fetchall()]
    assert members and all(set(u) == USER_MEMBERS for users in members for u in users)
    # GetGroup never returns a member's tags or boundary, whatever the user has: null, as in Steampipe
    assert all(u["Tags"] is None and u["PermissionsBoundary"] is None for users in members for u in users)


def test_instance_profile_roles_print_every_member_and_an_encoded_trust_policy(tmp_path):
    # the AWS CLI decodes the trust policy to an object; the API (and so Steampipe) gives URL-encoded text
    con = _loaded(tmp_path, {"list-instance-profiles.json": {"InstanceProfiles": [{
        "Path": "/", "InstanceProfileName": "web", "InstanceProfileId": "AIPAWEB", "CreateDate": "2022-01-01T00:00:00+00:00",
        "Arn": f"arn:aws:iam::{ACCOUNT}:instance-profile/web",
        "Roles": [{"Path": "/", "RoleName": "web", "RoleId": "AROAWEB", "Arn": f"arn:aws:iam::{ACCOUNT}:role/web",
                   "CreateDate": "2022-01-01T00:00:00+00:00", "AssumeRolePolicyDocument": TRUST}]}]}})
    (role,) = json.loads(con.execute("select roles from aws_iam_instance_profile").fetchone()[0])
    assert set(role) == ROLE_MEMBERS
    document = role["AssumeRolePolicyDocument"]
    assert isinstance(document, str) and document.startswith("%7B%22Version%22%3A%222012-10-17%22")
    assert json.loads(unquote(document)) == TRUST
    assert role["Description"] is None and role["Tags"] is None and role["RoleLastUsed"] is None
    assert con.execute("select json_type(roles, '$[0].AssumeRolePolicyDocument') from aws_iam_instance_profile"
                       ).fetchone()[0] == "VARCHAR"


def test_instance_profile_roles_keep_the_api_encoded_trust_policy(tmp_path):
    con = db.connect(tmp_path / "gaad.duckdb")
    load_paths(con, [str(SHAPES / "gaad-page-1.json"), str(SHAPES / "gaad-page-2.json")])
    pages = [json.loads((SHAPES / f"gaad-page-{n}.json").read_text()) for n in (1, 2)]
    written = [r["AssumeRolePolicyDocument"] for p in pages for role in p["RoleDetailList"]
               for ip in role.get("InstanceProfileList") or [] for r in ip["Roles"]]
    (role,) = json.loads(con.execute("select roles from aws_iam_instance_profile").fetchone()[0])
    assert set(role) == ROLE_MEMBERS
    assert role["AssumeRolePolicyDocument"] in written and role["AssumeRolePolicyDocument"].startswith("%7B")


def test_virtual_mfa_device_user_prints_every_member(tmp_path):
    con = db.connect(tmp_path / "mfa.duckdb")
    load_paths(con, [str(SHAPES / "cli" / "list-virtual-mfa-devices.json")], account_id=ACCOUNT)
    users = [json.loads(u) for (u,) in con.execute("select user from aws_iam_virtual_mfa_device where user is not null")
             .fetchall()]
    assert users and all(set(u) == USER_MEMBERS for u in users)


def test_advanced_event_selectors_as_get_event_selectors_answered(tmp_path):
    trail = f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/"
    con = _loaded(tmp_path, {
        "get-event-selectors-basic.json": {"TrailARN": trail + "basic", "EventSelectors": [
            {"ReadWriteType": "All", "IncludeManagementEvents": True, "DataResources": [],
             "ExcludeManagementEventSources": []}]},
        "get-event-selectors-empty.json": {"TrailARN": trail + "empty", "EventSelectors": [
            {"ReadWriteType": "All", "IncludeManagementEvents": True, "DataResources": []}],
            "AdvancedEventSelectors": []}})
    got = dict(con.execute("select name, advanced_event_selectors from aws_cloudtrail_trail").fetchall())
    assert got == {"basic": None, "empty": "[]"}

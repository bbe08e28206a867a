"""Controls never judge data that was not loaded: a listing whose last page is missing, the regions whose
Access Analyzer listing was not loaded. The outputs are written here in the AWS CLI's shapes and read by the
real loader; each case has a twin with the missing part loaded."""

from __future__ import annotations

import json
from pathlib import Path

from iamsql import controls
from iamsql.load import load_paths
from iamsql.store import db

ACCOUNT = "111122223333"
AS_OF = "2026-06-01T12:00:00Z"
CLOUDSHELL = "arn:aws:iam::aws:policy/AWSCloudShellFullAccess"


def run(tmp_path: Path, files: dict[str, dict], control: str, name: str = "data") -> dict[str, tuple[str, str]]:
    """Write the outputs, load them as one account, run one control: {resource: (status, reason)}."""
    folder = tmp_path / name
    for path, document in files.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text(json.dumps(document))
    con = db.connect(tmp_path / f"{name}.duckdb")
    load_paths(con, [folder], account_id=ACCOUNT, as_of=AS_OF)
    rows = controls.results(con, controls.run_checks(con, controls=[control]))
    con.close()
    return {r["resource"]: (r["status"], r["reason"]) for r in rows}


# ---- a listing whose last page is missing ----------------------------------------------------------------------


def gaad_page(**more) -> dict:
    """One get-account-authorization-details page: a user with ReadOnlyAccess; CloudShell's policy unattached."""
    user = {"Path": "/", "UserName": "dana", "UserId": "AIDAEXAMPLEDANA00001", "Arn": f"arn:aws:iam::{ACCOUNT}:user/dana",
            "CreateDate": "2025-01-01T00:00:00Z", "GroupList": [], "UserPolicyList": [], "Tags": [],
            "AttachedManagedPolicies": [{"PolicyName": "ReadOnlyAccess",
                                         "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}]}
    policy = {"PolicyName": "AWSCloudShellFullAccess", "PolicyId": "ANPAEXAMPLECLOUDSHELL", "Arn": CLOUDSHELL,
              "Path": "/", "DefaultVersionId": "v1", "AttachmentCount": 0, "IsAttachable": True,
              "CreateDate": "2020-12-15T00:00:00Z", "UpdateDate": "2020-12-15T00:00:00Z",
              "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": True, "CreateDate": "2020-12-15T00:00:00Z",
                                     "Document": {"Version": "2012-10-17", "Statement": [
                                         {"Effect": "Allow", "Action": "cloudshell:*", "Resource": "*"}]}}]}
    return {"UserDetailList": [user], "GroupDetailList": [], "RoleDetailList": [], "Policies": [policy], **more}


def test_a_listing_without_its_last_page_is_not_judged_whole(tmp_path):
    control = "iam_cloudshell_full_access_not_attached"
    account = f"arn:aws:::{ACCOUNT}"
    cut = run(tmp_path, {"gaad.json": gaad_page(IsTruncated=True, Marker="AQoEXAMPLEMARKER")}, control, "cut")
    assert cut[account][0] == "skip"
    assert "Only part of aws_iam_policy_attachment" in cut[account][1] and "more pages follow" in cut[account][1]
    whole = run(tmp_path, {"gaad.json": gaad_page(IsTruncated=False)}, control, "whole")
    assert whole[account][0] == "ok"


def test_a_missing_last_page_is_recorded_as_partial(tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "users.json").write_text(json.dumps({"Users": [], "IsTruncated": True, "Marker": "AQ=="}))
    con = db.connect(tmp_path / "pages.duckdb")
    load_paths(con, [folder], account_id=ACCOUNT, as_of=AS_OF)
    assert con.execute("select table_name from iamsql_partial where account_id = ?", [ACCOUNT]).fetchall() == [
        ("aws_iam_user",)]
    # The last page loaded later makes the table whole again.
    (folder / "users-2.json").write_text(json.dumps({"Users": [], "IsTruncated": False}))
    load_paths(con, [folder], account_id=ACCOUNT, as_of=AS_OF)
    assert con.execute("select count(*) from iamsql_partial where account_id = ?", [ACCOUNT]).fetchone() == (0,)
    con.close()


# ---- Access Analyzer: the regions whose listing was loaded ---------------------------------------------------


REGIONS = {"Regions": [{"RegionName": "us-east-1", "Endpoint": "ec2.us-east-1.amazonaws.com",
                        "OptInStatus": "opt-in-not-required"},
                       {"RegionName": "eu-central-1", "Endpoint": "ec2.eu-central-1.amazonaws.com",
                        "OptInStatus": "opt-in-not-required"},
                       {"RegionName": "me-south-1", "Endpoint": "ec2.me-south-1.amazonaws.com",
                        "OptInStatus": "opted-in"}]}


def external_analyzer(region: str) -> dict:
    return {"arn": f"arn:aws:access-analyzer:{region}:{ACCOUNT}:analyzer/org-external", "name": "org-external",
            "type": "ACCOUNT", "createdAt": "2025-03-04T05:06:07Z", "status": "ACTIVE", "tags": {}}


def test_regions_whose_analyzers_were_never_listed_are_not_judged(tmp_path):
    control = "accessanalyzer_enabled_all_regions"
    one = run(tmp_path, {"describe-regions.json": REGIONS,
                         "list-analyzers.json": {"analyzers": [external_analyzer("us-east-1")]}}, control, "one")
    assert [status for status, _ in one.values()] == ["skip"]  # not an alarm for eu-central-1 and me-south-1
    reason = next(iter(one.values()))[1]
    assert "Only part of aws_accessanalyzer_analyzer" in reason and "us-east-1 only" in reason
    # Every enabled region listed (the empty ones by the region folder they were collected in): judged.
    every = run(tmp_path, {"describe-regions.json": REGIONS,
                           "us-east-1/list-analyzers.json": {"analyzers": [external_analyzer("us-east-1")]},
                           "eu-central-1/list-analyzers.json": {"analyzers": []},
                           "me-south-1/list-analyzers.json": {"analyzers": [], "Region": "me-south-1"}},
                control, "every")
    assert {resource.split(":")[3]: status for resource, (status, _) in every.items()} == {
        "us-east-1": "ok", "eu-central-1": "alarm", "me-south-1": "alarm"}


def test_an_empty_listing_that_names_no_region_is_part_of_the_table(tmp_path):
    folder = tmp_path / "noregion"
    folder.mkdir()
    (folder / "describe-regions.json").write_text(json.dumps(REGIONS))
    (folder / "list-analyzers.json").write_text(json.dumps({"analyzers": []}))
    con = db.connect(tmp_path / "noregion.duckdb")
    load_paths(con, [folder], account_id=ACCOUNT, as_of=AS_OF)
    reason, whole = con.execute("select reason, whole from iamsql_partial where table_name = "
                                "'aws_accessanalyzer_analyzer'").fetchone()
    con.close()
    assert "names no region" in reason and whole == []

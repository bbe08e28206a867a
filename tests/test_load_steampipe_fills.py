"""Columns the Steampipe plugin fills that ``iamsql load`` fills from CLI outputs too: the tags of instance
profiles, server certificates and virtual MFA devices (list-*-tags with the request's parameter added), the
``aws_iam_policy_attachment`` row of a policy list-policies shows unattached, an access key's partition and akas
from the regions loaded when no ARN is, and a raw CSV credential report's ``generated_time`` from ``--as-of``."""

from __future__ import annotations

import json
from pathlib import Path

from iamsql.load import load_paths
from iamsql.store import db
from tests.test_load import REPORT_HEADER

ACCOUNT = "111122223333"
PROFILE_ARN = f"arn:aws:iam::{ACCOUNT}:instance-profile/app/web"
CERT_ARN = f"arn:aws:iam::{ACCOUNT}:server-certificate/edge/legacy-web"
SERIAL = f"arn:aws:iam::{ACCOUNT}:mfa/ops/alice"
SPARE = f"arn:aws:iam::{ACCOUNT}:mfa/spare"
KEYS = {"AccessKeyMetadata": [{"UserName": "alice", "AccessKeyId": "AKIAIOSFODNN7EXAMPLE", "Status": "Active",
                               "CreateDate": "2026-01-02T03:04:05Z"}]}
REPORT_LINE = (f"alice,arn:aws:iam::{ACCOUNT}:user/alice,2026-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,"
               "2026-01-02T03:04:05+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A")


def write(folder: Path, files: dict[str, object]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (folder / name).write_text(content if isinstance(content, str) else json.dumps(content))
    return folder


def load(tmp_path: Path, folder: Path, **options):
    con = db.connect(tmp_path / "fills.duckdb")
    return con, load_paths(con, [folder], account_id=ACCOUNT, **options)


def test_tags_of_profiles_certificates_and_virtual_mfa_devices_from_cli_outputs(tmp_path):
    folder = write(tmp_path / "iam", {
        "list-instance-profiles.json": {"InstanceProfiles": [
            {"Path": "/app/", "InstanceProfileName": "web", "InstanceProfileId": "AIPAEXAMPLE1", "Arn": PROFILE_ARN,
             "CreateDate": "2026-01-01T00:00:00Z", "Roles": []}]},
        "list-instance-profile-tags.json": {"InstanceProfileName": "web", "Tags": [{"Key": "tier", "Value": "web"}],
                                            "IsTruncated": False},
        "list-server-certificates.json": {"ServerCertificateMetadataList": [
            {"Path": "/edge/", "ServerCertificateName": "legacy-web", "ServerCertificateId": "ASCAEXAMPLE1",
             "Arn": CERT_ARN, "UploadDate": "2026-01-01T00:00:00Z", "Expiration": "2027-01-01T00:00:00Z"}]},
        "list-server-certificate-tags.json": {"ServerCertificateName": "legacy-web",
                                              "Tags": [{"Key": "cost", "Value": "42"}]},
        "list-virtual-mfa-devices.json": {"VirtualMFADevices": [{"SerialNumber": SERIAL}, {"SerialNumber": SPARE}]},
        "list-mfa-device-tags.json": {"SerialNumber": SERIAL, "Tags": [{"Key": "holder", "Value": "alice"}]},
        "list-mfa-device-tags-spare.json": {"SerialNumber": SPARE, "Tags": []},
    })
    con, _ = load(tmp_path, folder)
    assert con.execute("select arn, tags from aws_iam_instance_profile").fetchall() == [
        (PROFILE_ARN, json.dumps({"tier": "web"}))]
    assert con.execute("select arn, tags from aws_iam_server_certificate").fetchall() == [
        (CERT_ARN, json.dumps({"cost": "42"}))]
    assert con.execute("select serial_number, tags_src, tags from aws_iam_virtual_mfa_device order by 1").fetchall() == [
        (SERIAL, json.dumps([{"Key": "holder", "Value": "alice"}]), json.dumps({"holder": "alice"})),
        (SPARE, "[]", None)]


def test_profile_tags_without_the_profile_listed_are_not_loaded(tmp_path):
    folder = write(tmp_path / "iam", {"list-instance-profile-tags.json": {
        "InstanceProfileName": "web", "Tags": [{"Key": "tier", "Value": "web"}]}, "list-access-keys.json": KEYS})
    con, summary = load(tmp_path, folder)
    assert con.execute("select count(*) from aws_iam_instance_profile").fetchone() == (0,)
    assert [reason for path, reason in summary.skipped if path.endswith("list-instance-profile-tags.json")] == [
        "iam:list-instance-profile-tags output is about iam instance profile web, which no file of the load lists; "
        "load it with the output that lists it"]


def test_unattached_policy_of_list_policies_has_its_attachment_row(tmp_path):
    def policy(name: str, count: int) -> dict:
        return {"PolicyName": name, "PolicyId": f"ANPA{name.upper()}", "Arn": f"arn:aws:iam::{ACCOUNT}:policy/{name}",
                "Path": "/", "DefaultVersionId": "v1", "AttachmentCount": count, "IsAttachable": True,
                "CreateDate": "2026-01-01T00:00:00Z", "UpdateDate": "2026-01-01T00:00:00Z"}

    folder = write(tmp_path / "iam", {"list-policies.json": {"Policies": [policy("unused", 0), policy("used", 2)]}})
    con, _ = load(tmp_path, folder)
    # the attached one's entities are not known from list-policies: no row rather than a wrong one
    assert con.execute("select policy_arn, is_attached, policy_users, policy_groups, policy_roles, partition "
                       "from aws_iam_policy_attachment").fetchall() == [
        (f"arn:aws:iam::{ACCOUNT}:policy/unused", False, "[]", "[]", "[]", "aws")]


def test_access_key_partition_from_the_regions_loaded(tmp_path):
    regions = {"Regions": [{"RegionName": name, "Endpoint": f"ec2.{name}.amazonaws.com.cn",
                            "OptInStatus": "opt-in-not-required"} for name in ("cn-north-1", "cn-northwest-1")]}
    con, _ = load(tmp_path, write(tmp_path / "cn", {"list-access-keys.json": KEYS, "describe-regions.json": regions}))
    assert con.execute("select partition, akas from aws_iam_access_key").fetchall() == [
        ("aws-cn", json.dumps([f"arn:aws-cn:iam::{ACCOUNT}:user/alice/accesskey/AKIAIOSFODNN7EXAMPLE"]))]
    con.close()


def test_access_key_partition_stays_unknown_without_arn_or_region(tmp_path):
    con, _ = load(tmp_path, write(tmp_path / "keys", {"list-access-keys.json": KEYS}))
    assert con.execute("select partition, akas from aws_iam_access_key").fetchall() == [(None, None)]


def test_raw_csv_report_takes_its_generated_time_from_as_of(tmp_path):
    folder = write(tmp_path / "report", {"credential-report.csv": f"{REPORT_HEADER}\n{REPORT_LINE}\n"})
    con, _ = load(tmp_path, folder)
    assert con.execute("select generated_time from aws_iam_credential_report").fetchall() == [(None,)]
    con.close()
    (tmp_path / "fills.duckdb").unlink()
    con, _ = load(tmp_path, folder, as_of="2026-02-01T09:30:00Z")
    assert [str(t) for (t,) in con.execute("select generated_time from aws_iam_credential_report").fetchall()] == [
        "2026-02-01 09:30:00+00:00"]

"""``iamsql collect`` asks the tags that its account-wide calls leave out (customer managed policies, instance
profiles, server certificates, virtual MFA devices), one call per listed entity, against moto's HTTP server; the
tables get them, and ``iamsql load`` of the evidence folder gives the same."""

import json

from iamsql.collect.run import collect
from iamsql.load import load_paths
from iamsql.store import db
from tests.fixtures.moto import populate_account

ACCOUNT = "123456789012"
TAGS_SQL = {
    "policy": "select tags_src, tags from aws_iam_policy where arn like '%:policy/DevPolicy'",
    "profile": "select tags_src, tags from aws_iam_instance_profile where instance_profile_name = 'app-server'",
    "certificate": "select tags_src, tags from aws_iam_server_certificate where name = 'legacy-web'",
    "alice": "select tags_src, tags from aws_iam_virtual_mfa_device where serial_number like '%:mfa/alice'",
    "spare": "select tags_src, tags from aws_iam_virtual_mfa_device where serial_number like '%:mfa/spare'",
    "aws managed": "select count(*) from aws_iam_policy where is_aws_managed and tags_src is not null",
}


def tagged(con) -> dict:
    return {what: con.execute(sql).fetchall() for what, sql in TAGS_SQL.items()}


def test_entity_tags_are_collected_once_per_entity_and_reloaded(aws_session, tmp_path):
    populate_account(aws_session, ACCOUNT)
    iam = aws_session.client("iam")
    policy = next(p["Arn"] for p in iam.list_policies(Scope="Local")["Policies"] if p["PolicyName"] == "DevPolicy")
    iam.tag_policy(PolicyArn=policy, Tags=[{"Key": "owner", "Value": "dev"}])
    iam.tag_instance_profile(InstanceProfileName="app-server", Tags=[{"Key": "tier", "Value": "web"}])
    iam.upload_server_certificate(ServerCertificateName="legacy-web", Path="/web/",
                                  CertificateBody="-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
                                  PrivateKey="-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----")
    iam.tag_server_certificate(ServerCertificateName="legacy-web", Tags=[{"Key": "cost", "Value": "42"}])
    alice = next(d["SerialNumber"] for d in iam.list_virtual_mfa_devices()["VirtualMFADevices"]
                 if d["SerialNumber"].endswith("/alice"))
    iam.tag_mfa_device(SerialNumber=alice, Tags=[{"Key": "holder", "Value": "alice"}])

    con = db.connect(tmp_path / "c.duckdb")
    result = collect(con, evidence_dir=tmp_path / "evidence", regions=["us-east-1"])
    found = tagged(con)
    assert [(json.loads(src), json.loads(tags)) for src, tags in found["policy"]] == [
        ([{"Key": "owner", "Value": "dev"}], {"owner": "dev"})]
    assert [json.loads(tags) for _, tags in found["profile"]] == [{"tier": "web"}]
    assert [json.loads(tags) for _, tags in found["certificate"]] == [{"cost": "42"}]
    assert [json.loads(tags) for _, tags in found["alice"]] == [{"holder": "alice"}]
    assert found["spare"] == [("[]", None)]  # asked, none: [] as ListMFADeviceTags answers, tags NULL
    assert found["aws managed"] == [(0,)]

    asked = [f["api"] for f in json.loads((tmp_path / "evidence" / "manifest.json").read_text())["files"]]
    customer = con.execute("select count(*) from aws_iam_policy where not is_aws_managed").fetchone()[0]
    assert (asked.count("iam:ListPolicyTags"), asked.count("iam:ListInstanceProfileTags"),
            asked.count("iam:ListServerCertificateTags"), asked.count("iam:ListMFADeviceTags")) == (customer, 1, 1, 2)
    assert not [g for g in result.gaps if g["api"].endswith("Tags")]

    again = db.connect(tmp_path / "again.duckdb")
    load_paths(again, [tmp_path / "evidence"])
    assert tagged(again) == found
    con.close()
    again.close()

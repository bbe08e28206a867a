"""``collect`` of every S3 bucket's access, against moto's server through real boto3: buckets in two regions, with
and without a bucket policy and a public access block, and the account's Block Public Access
(``aws_s3_account_settings``); each bucket asked in its own region; the loaded rows equal what the account holds. A
refused read of one bucket's policy, or of one secret's or key's, is a gap naming the resource and its column: the table
stays whole and ``iamsql_unread``, ``iamsql tables`` and the workbook's Evidence sheet name whose policy is unknown; the
run goes on."""

import json

import boto3
import duckdb
import pytest
from openpyxl import load_workbook

from iamsql.collect.run import collect
from iamsql.controls.engines.duckdb import run_checks
from iamsql.load import load_paths
from iamsql.report import write_report
from iamsql.store import db
from tests.fixtures.moto import moto_environment
from tests.test_evidence import cli

ACCOUNT = "123456789012"
HOME, OTHER = "us-east-1", "eu-west-1"
BUCKETS = {"home-open": HOME, "home-plain": HOME, "eu-blocked": OTHER, "eu-plain": OTHER}
BLOCKED = {"BlockPublicAcls": True, "IgnorePublicAcls": False, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}
ACCOUNT_BLOCK = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": False,
                 "RestrictPublicBuckets": False}
ROWS_SQL = ("select name, region, arn, policy_std->'Statement'->0->>'Sid', bucket_policy_is_public, block_public_acls, "
            "block_public_policy, ignore_public_acls, restrict_public_buckets, account_id from aws_s3_bucket order by name")


def policy(bucket: str, public: bool) -> str:
    principal = "*" if public else {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "Read", "Effect": "Allow", "Principal": principal, "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket}/*"}]})


def build(session: boto3.Session) -> None:
    """Two buckets in the home region (one with a public policy, one with nothing), two in another (one with a
    private policy and a public access block, one with nothing), and the account's Block Public Access."""
    for name, region in BUCKETS.items():
        s3 = session.client("s3", region_name=region)
        location = {} if region == HOME else {"CreateBucketConfiguration": {"LocationConstraint": region}}
        s3.create_bucket(Bucket=name, **location)
    session.client("s3").put_bucket_policy(Bucket="home-open", Policy=policy("home-open", public=True))
    eu = session.client("s3", region_name=OTHER)
    eu.put_bucket_policy(Bucket="eu-blocked", Policy=policy("eu-blocked", public=False))
    eu.put_public_access_block(Bucket="eu-blocked", PublicAccessBlockConfiguration=BLOCKED)
    session.client("s3control").put_public_access_block(AccountId=ACCOUNT, PublicAccessBlockConfiguration=ACCOUNT_BLOCK)


def held(session: boto3.Session) -> list[tuple]:
    """What the account holds, read bucket by bucket with boto3 in the bucket's region: the expected rows."""
    rows = []
    for name in sorted(BUCKETS):
        region = session.client("s3").get_bucket_location(Bucket=name)["LocationConstraint"] or HOME
        s3 = session.client("s3", region_name=region)
        try:
            statement = json.loads(s3.get_bucket_policy(Bucket=name)["Policy"])["Statement"][0]
            sid, public = statement["Sid"], s3.get_bucket_policy_status(Bucket=name)["PolicyStatus"]["IsPublic"]
        except s3.exceptions.ClientError as exc:
            assert exc.response["Error"]["Code"] == "NoSuchBucketPolicy"
            sid, public = None, False
        try:
            block = s3.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"]
        except s3.exceptions.ClientError as exc:
            assert exc.response["Error"]["Code"] == "NoSuchPublicAccessBlockConfiguration"
            block = {}
        rows.append((name, region, f"arn:aws:s3:::{name}", sid, public,
                     *(block.get(k, False) for k in ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls",
                                                     "RestrictPublicBuckets")), ACCOUNT))
    return rows


@pytest.fixture(scope="module")
def collected(moto_server, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("buckets")
    with moto_environment(moto_server, tmp):
        session = boto3.Session(region_name=HOME)
        build(session)
        expected = held(session)
        con = db.connect(tmp / "buckets.duckdb")
        result = collect(con, evidence_dir=tmp / "evidence", regions=[HOME])
        con.close()
    con = duckdb.connect(str(tmp / "buckets.duckdb"), read_only=True)
    yield expected, result, con, tmp
    con.close()


def test_every_bucket_s_access_is_loaded_as_the_account_holds_it(collected):
    expected, result, con, _ = collected
    assert [g for g in result.gaps if g["api"].startswith(("s3:", "s3control:"))] == []
    assert con.execute(ROWS_SQL).fetchall() == expected
    assert [row[4] for row in expected] == [False, False, True, False]  # eu-blocked, eu-plain, home-open, home-plain
    # the account's Block Public Access, as Steampipe's aws_s3_account_settings shows it
    assert con.execute("select block_public_acls, block_public_policy, ignore_public_acls, restrict_public_buckets, "
                       "title, akas->>0, region, account_id from aws_s3_account_settings").fetchall() == [
        (True, False, True, False, "S3 Account Level Block Public Access Settings", f"arn:aws:s3::{ACCOUNT}:account",
         "global", ACCOUNT)]
    assert con.execute("select count(*) from iamsql_partial").fetchone()[0] == 0


def test_each_bucket_is_asked_in_its_region_and_its_policy_is_known(collected):
    """The files of a bucket in another region lie in that region's folder (where it was asked); a bucket without a
    policy is not asked its policy status; every bucket's policy, or that it has none, is named in the snapshot's
    sources (``resource_policy_of``), so a NULL policy is known to be none."""
    _, _, con, tmp = collected
    evidence = tmp / "evidence" / ACCOUNT
    for name, region in BUCKETS.items():
        assert (evidence / region / "s3" / "get-bucket-policy" / f"{name}.json").is_file(), name
        assert (evidence / region / "s3" / "get-public-access-block" / f"{name}.json").is_file(), name
        assert (evidence / "global" / "s3" / "get-bucket-location" / f"{name}.json").is_file(), name
    asked_status = sorted(p.stem for p in evidence.glob("*/s3/get-bucket-policy-status/*.json"))
    assert asked_status == ["eu-blocked", "home-open"]
    account = json.loads((evidence / "global" / "s3control" / "get-public-access-block.json").read_text())
    assert account == {"AccountId": ACCOUNT, "PublicAccessBlockConfiguration": ACCOUNT_BLOCK}
    known = {r[0] for r in con.execute("select src ->> 'resource_policy_of' from iamsql_snapshot, "
                                       "unnest(json_extract(sources, '$[*]')) as t(src) "
                                       "where src ->> 'resource_policy_of' is not null").fetchall()}
    assert known == set(BUCKETS)


def test_the_evidence_loads_back_to_the_same_rows(collected, tmp_path):
    _, _, con, tmp = collected
    again = db.connect(tmp_path / "again.duckdb")
    load_paths(again, [tmp / "evidence"])
    assert again.execute(ROWS_SQL).fetchall() == con.execute(ROWS_SQL).fetchall()
    again.close()


def test_the_cli_s_s3control_output_loads_as_the_account_s_settings(tmp_path):
    """``aws s3control get-public-access-block --account-id ...`` answers what ``s3api get-public-access-block``
    does: a file named after s3control is the account's; its NoSuchPublicAccessBlockConfiguration (as collect saves
    it, with the AccountId) is the account's row with every setting false, as Steampipe gives it."""
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "s3control-get-public-access-block.json").write_text(json.dumps(
        {"PublicAccessBlockConfiguration": {"BlockPublicAcls": True, "BlockPublicPolicy": True}}))
    (folder / "get-caller-identity.json").write_text(json.dumps(
        {"UserId": "AIDAEXAMPLE", "Account": ACCOUNT, "Arn": f"arn:aws:iam::{ACCOUNT}:user/audit"}))
    con = db.connect(tmp_path / "cli.duckdb")
    load_paths(con, [folder], as_of="2026-12-01T00:00:00+00:00")
    assert con.execute("select account_id, block_public_acls, block_public_policy, ignore_public_acls from "
                       "aws_s3_account_settings").fetchall() == [(ACCOUNT, True, True, False)]
    assert con.execute("select count(*) from aws_s3_bucket").fetchone()[0] == 0
    none = tmp_path / "none.json"
    none.write_text(json.dumps({"AccountId": "210987654321", "Error": {
        "Code": "NoSuchPublicAccessBlockConfiguration", "Message": "The public access block configuration was not found"}}))
    load_paths(con, [none], as_of="2026-12-01T00:00:00+00:00")
    assert con.execute("select block_public_acls, block_public_policy, ignore_public_acls, restrict_public_buckets "
                       "from aws_s3_account_settings where account_id = '210987654321'").fetchall() == [
        (False, False, False, False)]
    con.close()


def test_a_refused_bucket_policy_leaves_that_bucket_in_part_and_says_so(aws_session, proxy_factory, tmp_path, monkeypatch,
                                                                       capsys):
    """GetBucketPolicy refused for one bucket (the others answer): one gap naming the bucket, its row loaded without a
    policy that is known, the bucket's policy named in ``iamsql_unread``, which ``iamsql tables`` and the workbook
    show; aws_s3_bucket itself whole, the run complete, each bucket asked in its region."""
    build(aws_session)
    server = proxy_factory(deny=("GetBucketPolicy eu-blocked",))
    monkeypatch.setenv("AWS_ENDPOINT_URL", server.url)
    database = tmp_path / "refused.duckdb"
    con = db.connect(database)
    result = collect(con, evidence_dir=tmp_path / "evidence", regions=[HOME])
    arn = "arn:aws:s3:::eu-blocked"
    assert [(g["api"], g["error"], g["table"], g["resource"], g["region"]) for g in result.gaps] == [
        ("s3:GetBucketPolicy", "AccessDenied", "aws_s3_bucket", arn, OTHER)]
    assert ("GetBucketPolicy eu-blocked", OTHER) in server.signed_for
    assert {region for action, region in server.signed_for if action.endswith(" home-open")} == {HOME}
    assert "GetBucketPolicyStatus eu-blocked" not in server.actions  # its policy is not known: nor asked
    rows = {r[0]: r[1:] for r in con.execute("select name, policy, bucket_policy_is_public, block_public_policy "
                                              "from aws_s3_bucket").fetchall()}
    assert rows["eu-blocked"] == (None, None, True) and rows["home-open"][1] is True
    # the table is whole (every bucket listed, each one's other settings read): only this bucket's policy is unknown
    assert con.execute("select count(*) from iamsql_partial").fetchone()[0] == 0
    assert con.execute("select table_name, resource, column_name, reason from iamsql_unread").fetchall() == [
        ("aws_s3_bucket", arn, "policy", f"s3:GetBucketPolicy of {arn}: AccessDenied")]
    known = {r[0] for r in con.execute("select src ->> 'resource_policy_of' from iamsql_snapshot, "
                                       "unnest(json_extract(sources, '$[*]')) as t(src)").fetchall()}
    assert "eu-blocked" not in known and "home-plain" in known
    run_checks(con, controls=["cloudtrail_bucket_not_public"])
    workbook = write_report(con, tmp_path / "report.xlsx")
    con.close()
    sheet = load_workbook(workbook)["Evidence"]
    header = [c.value for c in sheet[1]]
    gaps = [dict(zip(header, (c.value for c in row))) for row in sheet.iter_rows(min_row=2)
            if row[header.index("Entry")].value == "gap"]
    assert [(g["Format or API"], g["File, region or resource"], g["Error"]) for g in gaps] == [
        ("s3:GetBucketPolicy", arn, "AccessDenied")]
    code, out, err = cli(monkeypatch, capsys, "tables", "--db", str(database), "-o", "json")
    listed = {row["table"]: row for row in json.loads(out)}
    assert (code, err) == (0, "")
    assert listed["aws_s3_bucket"]["partial"] == f"{ACCOUNT}: s3:GetBucketPolicy of {arn}: AccessDenied"
    assert listed["aws_iam_user"]["partial"] is None


def test_refused_secret_and_key_policies_name_each_resource(aws_session, proxy_factory, tmp_path, monkeypatch):
    """GetResourcePolicy refused for every secret and GetKeyPolicy for every key: a gap per resource naming it, each
    resource's policy in ``iamsql_unread`` (their rows are loaded from the listings, their policies not known), the
    tables whole."""
    secrets = aws_session.client("secretsmanager")
    arns = sorted(secrets.create_secret(Name=name, SecretString="x")["ARN"] for name in ("db", "api"))
    key = aws_session.client("kms").create_key(Description="exports")["KeyMetadata"]["Arn"]
    server = proxy_factory(deny=("GetResourcePolicy", "GetKeyPolicy"))
    monkeypatch.setenv("AWS_ENDPOINT_URL", server.url)
    con = db.connect(tmp_path / "secrets.duckdb")
    result = collect(con, evidence_dir=tmp_path / "evidence", regions=[HOME])
    assert [(g["api"], g["table"], g["resource"]) for g in result.gaps] == [
        ("kms:GetKeyPolicy", "aws_kms_key", key),
        *(("secretsmanager:GetResourcePolicy", "aws_secretsmanager_secret", a) for a in arns)]
    assert con.execute("select count(*) from aws_secretsmanager_secret").fetchone()[0] == 2
    assert con.execute("select count(*), count(policy) from aws_kms_key").fetchone() == (1, 0)
    assert con.execute("select table_name, resource, reason from iamsql_unread order by table_name, resource"
                       ).fetchall() == [
        ("aws_kms_key", key, f"kms:GetKeyPolicy of {key}: AccessDenied"),
        *(("aws_secretsmanager_secret", a, f"secretsmanager:GetResourcePolicy of {a}: AccessDenied") for a in arns)]
    # the keys and secrets are all listed: controls that do not read their policies judge them whole
    assert con.execute("select count(*) from iamsql_partial").fetchone()[0] == 0
    con.close()

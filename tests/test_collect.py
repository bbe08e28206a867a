"""``iamsql collect`` of one account against moto's HTTP server (real boto3 code path via AWS_ENDPOINT_URL): what
lands in the Steampipe tables, the evidence folder and its manifest, trail logs from S3, and that ``iamsql load``
of the evidence folder rebuilds the same database."""

import gzip
import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import boto3
import duckdb
import pytest
from moto.cloudtrail.models import Trail

from iamsql import controls
from iamsql.collect.run import collect
from iamsql.store import db
from tests.fixtures.moto import BACKDATED_KEY, DEV_POLICY_V2, GITHUB, KEY_LAST_USED, moto_environment, populate_account

ACCOUNT = "123456789012"
IAMSQL = str(Path(sys.executable).parent / "iamsql")
TRAIL_LOGS = "maheribra_aws_attack_chain_ir/04-investigation/evidence/cloudtrail/eu-west-1/2026/07/28"
LOG_ACCOUNT = "275023965626"


def put_trail_logs(session: boto3.Session, bucket: str, source: Path) -> dict:
    """Real CloudTrail files in the AWSLogs layout: the 2026-07-28 folder, one copy a day earlier (outside the
    window) and a digest file (not a log). Returns the keys expected to be copied."""
    s3 = session.client("s3")
    base = f"org/AWSLogs/{LOG_ACCOUNT}/CloudTrail/eu-west-1"
    expected = {}
    files = sorted(source.glob("*.json.gz"))
    for path in files:
        key = f"{base}/2026/07/28/{path.name}"
        s3.put_object(Bucket=bucket, Key=key, Body=path.read_bytes())
        expected[key] = path
    early = files[0].name.replace("20260728T", "20260727T")
    s3.put_object(Bucket=bucket, Key=f"{base}/2026/07/27/{early}", Body=files[0].read_bytes())
    s3.put_object(Bucket=bucket, Key=f"org/AWSLogs/{LOG_ACCOUNT}/CloudTrail-Digest/eu-west-1/2026/07/28/digest.json.gz",
                  Body=gzip.compress(b"{}"))
    return expected


@pytest.fixture(scope="module")
def collected(moto_server, tmp_path_factory, public_data):
    tmp = tmp_path_factory.mktemp("collect")
    with moto_environment(moto_server, tmp):
        session = boto3.Session(region_name="us-east-1")
        facts = populate_account(session, ACCOUNT)
        logs = put_trail_logs(session, f"trail-logs-{ACCOUNT}", public_data / TRAIL_LOGS)
        con = db.connect(tmp / "collect.duckdb")
        result = collect(con, evidence_dir=tmp / "evidence", regions=["us-east-1", "eu-west-1"], lookup_events_days=1,
                         cloudtrail_s3=f"s3://trail-logs-{ACCOUNT}/org", since="2026-07-28", until="2026-07-28")
        con.close()
    con = duckdb.connect(str(tmp / "collect.duckdb"), read_only=True)
    yield SimpleNamespace(facts=facts, logs=logs, result=result, evidence=tmp / "evidence", con=con,
                          db=tmp / "collect.duckdb", tmp=tmp)
    con.close()


def rows(con, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def test_users_groups_and_mfa(collected):
    con = collected.con
    users = {r[0]: r[1:] for r in rows(con, "select name, mfa_enabled, tags->>'team', json_array_length(groups), "
                                              "account_id, region from aws_iam_user")}
    assert set(users) == {"alice", "bob", "carol"}
    assert users["alice"][:2] == (True, "platform") and users["bob"][0] is False and users["carol"][0] is False
    assert users["bob"][2] == 1 and users["alice"][2] == 0
    assert {u[3:] for u in users.values()} == {(ACCOUNT, "global")}
    inline = rows(con, "select inline_policies_std->0->>'PolicyName' from aws_iam_user where name = 'carol'")
    assert inline == [("read-logs",)]
    group = rows(con, "select json_array_length(users), attached_policy_arns->>0, inline_policies->0->>'PolicyName' "
                      "from aws_iam_group where name = 'devs'")
    assert group == [(1, collected.facts["policy_arn"], "deny-iam")]
    devices = rows(con, "select serial_number, user_name, assignment_status from aws_iam_virtual_mfa_device order by 1")
    assert devices[0] == (collected.facts["mfa_serial"], "alice", "Assigned") and devices[1][2] == "Unassigned"


def test_access_keys_with_last_use_and_backdated_creation(collected):
    keys = {r[0]: r[1:] for r in rows(collected.con, "select access_key_id, user_name, status, create_date, "
                                                      "access_key_last_used_date, access_key_last_used_service, "
                                                      "access_key_last_used_region from aws_iam_access_key")}
    alice = collected.facts["alice_key"]
    bob_active, bob_inactive = collected.facts["bob_keys"]
    assert set(keys) == {alice, bob_active, bob_inactive}
    assert keys[alice] == ("alice", "Active", BACKDATED_KEY, KEY_LAST_USED, "s3", "eu-west-1")
    assert keys[bob_inactive][1] == "Inactive" and keys[bob_active][1] == "Active"
    assert keys[bob_active][3:] == (None, "N/A", "N/A")  # never used: no date, "N/A" as AWS (and Steampipe) give


def test_per_user_calls_only_where_the_credential_report_leaves_something_out(collected):
    """The report shows carol without keys or MFA and bob without MFA: no per-user call asks again. alice's key
    has a report slot, but moto's report gives its last-used service as not_supported, so its last use is asked."""
    iam = collected.evidence / ACCOUNT / "global" / "iam"
    asked = lambda command: {p.stem for p in (iam / command).glob("*.json")}  # noqa: E731
    assert asked("list-access-keys") == {"alice", "bob"}
    assert asked("list-mfa-devices") == {"alice"}
    assert collected.facts["alice_key"] in asked("get-access-key-last-used")


def test_roles_trusts_and_policies(collected):
    con = collected.con
    roles = {r[0]: r[1:] for r in rows(con, "select name, assume_role_policy_std, attached_policy_arns, "
                                              "instance_profile_arns from aws_iam_role")}
    assert set(roles) == {"app-server", "partner-audit", "github-deploy"}
    statement = lambda name: json.loads(roles[name][0])["Statement"][0]  # noqa: E731
    assert statement("app-server")["Principal"] == {"Service": ["ec2.amazonaws.com"]}
    assert statement("partner-audit")["Principal"] == {"AWS": ["arn:aws:iam::210987654321:root"]}
    assert statement("github-deploy")["Action"] == ["sts:assumerolewithwebidentity"]
    assert json.loads(roles["app-server"][1]) == [collected.facts["aws_policy_arn"]]
    assert len(json.loads(roles["app-server"][2])) == 1
    policies = {r[0]: r[1:] for r in rows(con, "select arn, is_aws_managed, default_version_id, policy, is_attached, "
                                                "name, title from aws_iam_policy")}
    assert set(policies) == {collected.facts["policy_arn"], collected.facts["aws_policy_arn"]}
    customer = policies[collected.facts["policy_arn"]]
    assert customer[:2] == (False, "v2") and json.loads(customer[2]) == DEV_POLICY_V2 and customer[3] is True
    # the name from the ARN where get-account-authorization-details leaves PolicyName out (moto does)
    assert customer[4:] == ("DevPolicy", "DevPolicy")
    assert policies[collected.facts["aws_policy_arn"]][0] is True and policies[collected.facts["aws_policy_arn"]][3]
    profiles = rows(con, "select instance_profile_name, roles->0->>'RoleName' from aws_iam_instance_profile")
    assert profiles == [("app-server", "app-server")]


def test_account_level_tables(collected):
    con = collected.con
    assert rows(con, "select minimum_password_length, require_symbols, max_password_age, password_reuse_prevention "
                     "from aws_iam_account_password_policy") == [(14, True, 90, 24)]
    assert rows(con, "select users, groups, roles from aws_iam_account_summary") == [(3, 1, 3)]
    assert rows(con, "select url, client_id_list from aws_iam_open_id_connect_provider") == [
        (GITHUB, '["sts.amazonaws.com"]')]
    assert rows(con, "select split_part(arn, '/', 2) from aws_iam_saml_provider") == [("corp-idp",)]
    report = rows(con, "select user_name, generated_time is not null from aws_iam_credential_report order by 1")
    assert [r[0] for r in report if r[0] != "<root_account>"] == ["alice", "bob", "carol"]
    assert all(r[1] for r in report)
    sources = json.loads(rows(con, "select sources from iamsql_snapshot")[0][0])
    assert any(s.get("account_aliases") == ["example-prod"] for s in sources)


def test_trails_counted_once_with_status_and_selectors(collected):
    trails = rows(collected.con, "select arn, home_region, region, is_multi_region_trail, is_logging, "
                                 "event_selectors->0->>'ReadWriteType' from aws_cloudtrail_trail order by arn")
    assert {t[0] for t in trails} == collected.facts["trails"]
    # the multi-region trail is listed in both regions: a row per region, as Steampipe's, its status and selectors
    # (asked once, in its home region) on each; the single-region trail only in its own
    by_region = sorted(t[1:] for t in trails)
    assert by_region == [("eu-west-1", "eu-west-1", False, False, None),
                         ("us-east-1", "eu-west-1", True, True, "All"),
                         ("us-east-1", "us-east-1", True, True, "All")]


def test_lookup_events_missing_in_moto_is_a_recorded_gap(collected):
    gaps = collected.result.gaps
    assert sorted((g["api"], g["region"]) for g in gaps) == [
        ("cloudtrail:LookupEvents", "eu-west-1"), ("cloudtrail:LookupEvents", "us-east-1")]
    kind, partial, stored = rows(collected.con, f"select kind, partial, gaps from iamsql_snapshot "
                                                f"where account_id = '{ACCOUNT}'")[0]
    assert kind == "collect" and partial is True
    assert [g["api"] for g in json.loads(stored)] == ["cloudtrail:LookupEvents"] * 2


def test_trail_logs_streamed_from_s3_inside_the_window(collected):
    copied = sorted((collected.evidence / LOG_ACCOUNT).rglob("*.json.gz"))
    assert sorted(p.name for p in copied) == sorted(p.name for p in collected.logs.values())
    for path in copied:  # byte-identical copies of the real files
        assert path.read_bytes() == collected.logs[next(k for k in collected.logs if k.endswith(path.name))].read_bytes()
    event_ids = set()
    for source in collected.logs.values():
        event_ids |= {r["eventID"] for r in json.loads(gzip.decompress(source.read_bytes()))["Records"]}
    assert rows(collected.con, f"select count(distinct event_id) from aws_cloudtrail_trail_event "
                               f"where account_id = '{LOG_ACCOUNT}'") == [(len(event_ids),)]


def test_evidence_files_are_cli_shaped_and_in_the_manifest(collected):
    root = collected.evidence
    manifest = json.loads((root / "manifest.json").read_text())
    assert manifest["status"] == "complete"
    assert manifest["accounts"][ACCOUNT]["caller_identity"]["Account"] == ACCOUNT
    listed = {f["path"]: f for f in manifest["files"]}
    on_disk = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()} - {"manifest.json"}
    assert set(listed) == on_disk
    for path, record in listed.items():
        assert hashlib.sha256((root / path).read_bytes()).hexdigest() == record["sha256"]
    iam = root / ACCOUNT / "global" / "iam"
    last_used = json.loads((iam / "get-access-key-last-used" / f"{collected.facts['alice_key']}.json").read_text())
    assert last_used["AccessKeyId"] == collected.facts["alice_key"] and "ResponseMetadata" not in last_used
    assert last_used["AccessKeyLastUsed"]["LastUsedDate"] == KEY_LAST_USED.isoformat()
    gaad = json.loads((iam / "get-account-authorization-details.json").read_text())
    assert "IsTruncated" not in gaad and "Marker" not in gaad and len(gaad["UserDetailList"]) == 3
    assert listed[f"{ACCOUNT}/global/iam/get-account-authorization-details.json"]["api"] == \
        "iam:GetAccountAuthorizationDetails"
    report = json.loads((iam / "get-credential-report.json").read_text())
    assert report["Content"] and report["GeneratedTime"]  # base64 Content, as the CLI prints it
    assert json.loads((root / ACCOUNT / "us-east-1/cloudtrail/get-trail-status/main.json").read_text())["TrailARN"]


def table_contents(db_path: Path) -> dict:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        tables = [r[0] for r in con.execute("select table_name from information_schema.tables "
                                            "where table_schema = 'history' order by 1").fetchall()]
        contents = {}
        for table in tables:
            names = [r[0] for r in con.execute(f"describe history.{table}").fetchall() if r[0] != "snapshot_id"]
            select = ", ".join(f'"{n}"::varchar' for n in names)
            contents[table] = sorted(con.execute(f"select {select} from history.{table}").fetchall(), key=repr)
        contents["snapshots"] = con.execute("select account_id, kind, as_of, partial, gaps from iamsql_snapshot "
                                            "order by account_id").fetchall()
        return contents
    finally:
        con.close()


def test_load_of_the_evidence_folder_rebuilds_the_same_database(collected):
    rebuilt = collected.tmp / "rebuilt.duckdb"
    result = subprocess.run([IAMSQL, "load", str(collected.evidence), "--db", str(rebuilt), "--quiet"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    original, again = table_contents(collected.db), table_contents(rebuilt)
    assert original["aws_iam_user"] and original["aws_cloudtrail_trail_event"]  # something was loaded
    assert original == again


def test_tampered_evidence_is_refused(collected, tmp_path):
    import shutil

    copy = tmp_path / "evidence"
    shutil.copytree(collected.evidence, copy)
    target = copy / ACCOUNT / "global" / "iam" / "get-account-summary.json"
    target.write_text(target.read_text().replace('"Users": 3', '"Users": 0'))
    result = subprocess.run([IAMSQL, "load", str(copy), "--db", str(tmp_path / "t.duckdb")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    refused = f"error: {target}: SHA-256 differs from {copy / 'manifest.json'} (changed after collection)"
    assert re.fullmatch(re.escape(refused) + r"; nothing was loaded, none of the \d+ files \(a load stores all of "
                        r"them or none\)", line), line


def test_organization_trail_layout_lists_only_the_window(aws_session):
    from datetime import datetime, timezone

    from iamsql.collect.trail_logs import list_log_objects

    s3 = aws_session.client("s3")
    s3.create_bucket(Bucket="org-trail")
    inside, outside = [], []
    for account in ("111111111111", "222222222222"):
        for day, bucket_list in (("2026/07/28", inside), ("2026/07/30", outside)):
            stamp = day.replace("/", "")
            key = (f"logs/AWSLogs/o-abcdefghij/{account}/CloudTrail/us-east-1/{day}/"
                   f"{account}_CloudTrail_us-east-1_{stamp}T0005Z_x.json.gz")
            s3.put_object(Bucket="org-trail", Key=key, Body=b"{}")
            bucket_list.append(key)
    found = list_log_objects(s3, "org-trail", "logs/", datetime(2026, 7, 27, tzinfo=timezone.utc),
                             datetime(2026, 7, 28, 23, 59, tzinfo=timezone.utc))
    assert sorted(o.key for o in found) == sorted(inside)
    assert {(o.account, o.region) for o in found} == {("111111111111", "us-east-1"), ("222222222222", "us-east-1")}


def test_server_certificates_and_insight_selectors_are_collected(aws_session, tmp_path, monkeypatch):
    """``ListServerCertificates`` (one request per account) fills aws_iam_server_certificate, so
    iam_server_certificate_expired answers instead of skipping; ``GetInsightSelectors`` is asked only of a trail
    that DescribeTrails shows with insight selectors (of any other AWS answers InsightNotEnabledException)."""
    describe = Trail.description

    def as_aws_describes(self, include_region: bool = False) -> dict:  # moto always says HasInsightSelectors false
        return {**describe(self, include_region), "HasInsightSelectors": bool(self.insight_selectors)}

    monkeypatch.setattr(Trail, "description", as_aws_describes)
    populate_account(aws_session, ACCOUNT)
    aws_session.client("iam").upload_server_certificate(
        ServerCertificateName="legacy-web",
        CertificateBody="-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
        PrivateKey="-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----")
    aws_session.client("cloudtrail").put_insight_selectors(TrailName="main",
                                                           InsightSelectors=[{"InsightType": "ApiCallRateInsight"}])
    con = db.connect(tmp_path / "c.duckdb")
    result = collect(con, evidence_dir=tmp_path / "evidence", regions=["us-east-1", "eu-west-1"])
    certificates = con.execute("select name, arn, expiration from aws_iam_server_certificate").fetchall()
    assert [(name, arn, str(expires.date())) for name, arn, expires in certificates] == [
        ("legacy-web", f"arn:aws:iam::{ACCOUNT}:server-certificate/legacy-web", "2012-05-08")]
    rows = controls.results(con, controls.run_checks(con, controls=["iam_server_certificate_expired"]))
    assert [(r["status"], r["reason"]) for r in rows] == [
        ("alarm", "Server certificate legacy-web expired on 2012-05-08; delete it.")]
    selectors = dict(con.execute("select name, insight_selectors from aws_cloudtrail_trail").fetchall())
    assert json.loads(selectors["main"]) == [{"InsightType": "ApiCallRateInsight"}] and selectors["eu-only"] is None
    asked = [f["api"] for f in json.loads((tmp_path / "evidence" / "manifest.json").read_text())["files"]]
    assert asked.count("cloudtrail:GetInsightSelectors") == 1 and asked.count("iam:ListServerCertificates") == 1
    assert not [g for g in result.gaps if g["api"] in ("cloudtrail:GetInsightSelectors", "iam:ListServerCertificates")]
    con.close()

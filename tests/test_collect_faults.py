"""Faults during ``iamsql collect``: a small HTTP proxy on 127.0.0.1 in front of moto answers Throttling to a share
of requests and AccessDenied to chosen calls; the run completes, retries what AWS would let it retry and records
the rest as gaps. Also: expired and missing credentials, an unreachable endpoint, nothing collectable, Ctrl-C,
option errors, and LookupEvents paging (which moto does not serve) with botocore's Stubber."""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import boto3
import duckdb
import pytest
from botocore.stub import Stubber

from iamsql import controls
from iamsql.collect.account import AccountRun, Target
from iamsql.collect.aws import Counter
from iamsql.collect.cloudtrail import lookup_events
from iamsql.collect.run import collect
from iamsql.collect.targets import check_role_arns
from iamsql.common.resources import SAMPLE_DIR
from iamsql.errors import CollectError, InputError
from iamsql.load import load_paths
from iamsql.raw.folder import Evidence
from iamsql.store import db
from tests.fixtures.moto import create_organization, populate_account
from tests.test_evidence import cli

IAMSQL = str(Path(sys.executable).parent / "iamsql")
MANAGEMENT = "123456789012"
QUERY_ERROR = ('<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>'
               '<RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>')


class FaultProxy(ThreadingHTTPServer):
    """Forwards every request to moto, except: every ``throttle_every``-th first attempt of an IAM call gets
    Throttling (retries pass), actions in ``deny`` get AccessDenied, AssumeRole into ``deny_accounts`` gets
    AccessDenied, ``expire`` answers ExpiredToken to everything, and ``delay`` slows every answer down.
    ``script`` maps an action to the (status, code, message) answers its next requests get, one each;
    ``regions`` maps a region to the answer every request signed for it gets."""

    daemon_threads = True

    def __init__(self, upstream: str, *, throttle_every: int = 0, deny: tuple = (), deny_accounts: tuple = (),
                 expire: bool = False, delay: float = 0.0, script: dict | None = None,
                 regions: dict | None = None) -> None:
        super().__init__(("127.0.0.1", 0), ProxyHandler)
        self.upstream = urlparse(upstream)
        self.throttle_every, self.deny, self.deny_accounts = throttle_every, set(deny), set(deny_accounts)
        self.expire, self.delay = expire, delay
        self.script = {action: list(answers) for action, answers in (script or {}).items()}
        self.regions = dict(regions or {})
        self.actions: list[str] = []
        self.signed_for: list[tuple[str, str]] = []  # (action, the region its request was signed for)
        self.lock = threading.Lock()
        self.iam_first_attempts = 0
        self.throttled = 0
        self.requests = 0
        self.assume_role_bodies: list[dict] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def fault(self, service: str, form: dict, first_attempt: bool, region: str = "") -> tuple[int, str, str] | None:
        action = (form.get("Action") or [""])[0]
        with self.lock:
            self.requests += 1
            self.actions.append(action)
            self.signed_for.append((action, region))
            if region in self.regions:
                return self.regions[region]
            if self.script.get(action):
                return self.script[action].pop(0)
            if action == "AssumeRole":
                self.assume_role_bodies.append({k: v[0] for k, v in form.items()})
            if self.expire:
                return 403, "ExpiredToken", "The security token included in the request is expired"
            if action in self.deny or action.split(" ")[0] in self.deny:
                return 403, "AccessDenied", f"User is not authorized to perform: iam:{action}"
            if action == "AssumeRole" and form.get("RoleArn", [""])[0].split(":")[4] in self.deny_accounts:
                return 403, "AccessDenied", "User is not authorized to perform: sts:AssumeRole"
            if service == "iam" and first_attempt and self.throttle_every:
                self.iam_first_attempts += 1
                if self.iam_first_attempts % self.throttle_every == 0:
                    self.throttled += 1
                    return 400, "Throttling", "Rate exceeded"
        return None


# S3's bucket reads by their subresource; a denied read names the operation, or the operation and the bucket
# ("GetBucketPolicy locked-bucket") to refuse it for that bucket only.
S3_READS = {"location": "GetBucketLocation", "policy": "GetBucketPolicy", "policyStatus": "GetBucketPolicyStatus",
            "publicAccessBlock": "GetPublicAccessBlock"}


def s3_action(method: str, path: str) -> str:
    url = urlparse(path)
    operation = S3_READS.get(url.query.split("=")[0]) if method == "GET" else None
    return f"{operation} {url.path.strip('/')}" if operation else ""


class ProxyHandler(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass

    def _handle(self) -> None:
        proxy: FaultProxy = self.server
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        scope = self.headers.get("Authorization", "").split("Credential=")[-1].split("/")
        service = scope[3] if len(scope) > 3 else ""
        form = parse_qs(body.decode("utf-8", "replace")) if b"Action=" in body else {}
        if not form and self.headers.get("X-Amz-Target"):  # JSON protocol (Organizations, CloudTrail)
            form = {"Action": [self.headers["X-Amz-Target"].rsplit(".", 1)[-1]]}
        if service == "s3":  # REST-XML: the operation is the subresource of a GET (path style: /<bucket>?policy)
            form = {"Action": [s3_action(self.command, self.path)]}
        rest_json = service == "account"  # REST-JSON protocol: the operation is the path (/getAlternateContact)
        if rest_json:
            operation = self.path.split("?")[0].strip("/")
            form = {"Action": [operation[:1].upper() + operation[1:]]}
        first_attempt = "attempt=1;" in self.headers.get("amz-sdk-request", "attempt=1;")
        if proxy.delay:
            time.sleep(proxy.delay)
        fault = proxy.fault(service, form, first_attempt, scope[2] if len(scope) > 3 else "")
        if fault:
            status, code, message = fault
            json_protocol = bool(self.headers.get("X-Amz-Target")) or rest_json
            payload = (json.dumps({"__type": code, "message": message}) if json_protocol
                       else QUERY_ERROR.format(code=code, message=message)).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/x-amz-json-1.1" if json_protocol else "text/xml")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            return
        upstream = http.client.HTTPConnection(proxy.upstream.hostname, proxy.upstream.port, timeout=60)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "host")}
        headers["Host"] = proxy.upstream.netloc
        upstream.request(self.command, self.path, body=body, headers=headers)
        response = upstream.getresponse()
        payload = response.read()
        self.send_response(response.status)
        for key, value in response.getheaders():
            if key.lower() not in ("connection", "transfer-encoding", "content-length", "server", "date"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)
        upstream.close()

    do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = _handle


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([IAMSQL, *args], capture_output=True, text=True, timeout=120, env={**os.environ, **(env or {})})


def snapshot_rows(db_path: Path) -> list[tuple]:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return con.execute("select snapshot_id, account_id, kind, partial, gaps from iamsql_snapshot order by 1").fetchall()
    finally:
        con.close()


def loaded_sample(db_path: Path) -> list[tuple]:
    """A database holding an earlier load (the bundled GAAD sample), to show a failed collection leaves it as is."""
    con = db.connect(db_path)
    load_paths(con, [SAMPLE_DIR / "cloudsplaining"])
    con.close()
    return snapshot_rows(db_path)


def test_throttling_is_retried_and_denied_calls_become_gaps(aws_session, proxy_factory, tmp_path, monkeypatch):
    populate_account(aws_session, MANAGEMENT)
    members = create_organization(aws_session)
    proxy = proxy_factory(throttle_every=4, deny={"GetAccountSummary"}, deny_accounts={members["web"]})
    monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.url)
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "5")
    con = db.connect(tmp_path / "faults.duckdb")
    result = collect(con, evidence_dir=tmp_path / "evidence", org=True, role_name="SecurityAudit",
                     external_id="audit-ext-1")
    assert proxy.throttled >= 5  # throttling did happen, and was absorbed by retries
    gaps = sorted((g["api"], g["account_id"], g["error"]) for g in result.gaps)
    assert gaps == sorted([("iam:GetAccountSummary", MANAGEMENT, "AccessDenied"),
                           ("iam:GetAccountSummary", members["dev"], "AccessDenied"),
                           ("sts:AssumeRole", members["web"], "AccessDenied")])
    assert {b.get("ExternalId") for b in proxy.assume_role_bodies} == {"audit-ext-1"}
    users = con.execute("select account_id, count(*) from aws_iam_user group by 1 order by 1").fetchall()
    assert users == sorted([(MANAGEMENT, 3), (members["dev"], 1)])
    summaries = con.execute("select count(*) from aws_iam_account_summary").fetchone()[0]
    assert summaries == 0  # denied: not covered, so controls on it skip rather than pass or fail
    snapshots = {r[1]: r[2:] for r in con.execute("select snapshot_id, account_id, kind, partial, gaps "
                                                  "from iamsql_snapshot").fetchall()}
    assert set(snapshots) == {MANAGEMENT, members["dev"], members["web"]}
    assert all(kind == "collect" and partial for kind, partial, _ in snapshots.values())
    web_gaps = json.loads(snapshots[members["web"]][2])
    assert [g["api"] for g in web_gaps] == ["sts:AssumeRole"] and "SecurityAudit" in web_gaps[0]["message"]
    covered = {r[0] for r in con.execute("select distinct account_id from iamsql_latest").fetchall()}
    assert members["web"] not in covered and MANAGEMENT in covered
    con.close()


def test_expired_credentials_are_one_line_and_leave_the_database(proxy_factory, tmp_path):
    db_path = tmp_path / "db.duckdb"
    before = loaded_sample(db_path)
    proxy = proxy_factory(expire=True)
    result = run_cli("collect", "--db", str(db_path), "--evidence-dir", str(tmp_path / "ev"),
                     env={"AWS_ENDPOINT_URL": proxy.url})
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        "error: cannot use the AWS credentials: ExpiredToken: The security token included in the request is expired"]
    assert snapshot_rows(db_path) == before


def test_throttling_that_outlasts_the_retries_is_not_called_a_credentials_problem(proxy_factory, tmp_path):
    proxy = proxy_factory(regions={"us-east-1": (400, "Throttling", "Rate exceeded")})
    result = run_cli("collect", "--db", str(tmp_path / "db.duckdb"), "--evidence-dir", str(tmp_path / "ev"),
                     env={"AWS_ENDPOINT_URL": proxy.url, "AWS_MAX_ATTEMPTS": "2", "AWS_DEFAULT_REGION": "us-east-1"})
    # retried, and AWS_MAX_ATTEMPTS counts every attempt, the first included, as the AWS CLI and SDKs count it
    assert result.returncode == 2 and proxy.actions.count("GetCallerIdentity") == 2, proxy.actions
    assert result.stderr.strip().splitlines() == [
        "error: AWS throttled sts:GetCallerIdentity after every retry: Throttling: Rate exceeded; try again later, "
        "or allow more attempts (AWS_MAX_ATTEMPTS)"]
    assert not (tmp_path / "db.duckdb").exists()


def test_missing_credentials(moto_env, tmp_path, monkeypatch):
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    result = run_cli("collect", "--db", str(tmp_path / "db.duckdb"), "--evidence-dir", str(tmp_path / "ev"))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: cannot use the AWS credentials: NoCredentials: no AWS credentials found")


def test_unreachable_cloudtrail_endpoint_gives_gaps_and_a_partial_snapshot(aws_session, tmp_path):
    populate_account(aws_session, MANAGEMENT)
    with socket.socket() as closed:  # a port nothing listens on
        closed.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{closed.getsockname()[1]}"
    db_path = tmp_path / "db.duckdb"
    result = run_cli("collect", "--region", "us-east-1", "--region", "eu-west-1", "--db", str(db_path),
                     "--evidence-dir", str(tmp_path / "ev"), "--quiet", env={"AWS_ENDPOINT_URL_CLOUDTRAIL": dead})
    assert result.returncode == 0, result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("partial: 2 call(s) could not be collected")
    assert sorted(lines[:-1]) == [
        f"gap: cloudtrail:DescribeTrails in {MANAGEMENT} ({region}): EndpointUnreachable: cannot reach the endpoint: "
        f'Could not connect to the endpoint URL: "{dead}/"' for region in ("eu-west-1", "us-east-1")]
    assert result.stdout == ""
    [(_, account, kind, partial, gaps)] = snapshot_rows(db_path)
    assert (account, kind, partial) == (MANAGEMENT, "collect", True) and len(json.loads(gaps)) == 2
    con = duckdb.connect(str(db_path), read_only=True)
    assert con.execute("select count(*) from aws_iam_user").fetchone()[0] == 3
    con.close()


def test_nothing_collected_is_an_error_and_the_database_is_unchanged(proxy_factory, tmp_path):
    db_path = tmp_path / "db.duckdb"
    before = loaded_sample(db_path)
    iam_calls = {"GetAccountAuthorizationDetails", "ListUsers", "GenerateCredentialReport", "GetAccountPasswordPolicy",
                 "GetAccountSummary", "ListAccountAliases", "ListVirtualMFADevices", "ListInstanceProfiles",
                 "ListSAMLProviders", "ListOpenIDConnectProviders", "ListServerCertificates"}
    proxy = proxy_factory(deny=iam_calls | {"GetAlternateContact"})
    dead = "http://127.0.0.1:9"
    result = run_cli("collect", "--db", str(db_path), "--evidence-dir", str(tmp_path / "ev"), "--quiet",
                     env={"AWS_ENDPOINT_URL": proxy.url, **{f"AWS_ENDPOINT_URL_{service}": dead for service in
                                                            ("CLOUDTRAIL", "CLOUDWATCH_LOGS", "CLOUDWATCH", "SNS", "S3",
                                                             "EC2", "LAMBDA", "ECS", "EKS", "CODEBUILD", "SAGEMAKER",
                                                             "GLUE", "COGNITO_IDENTITY", "CLOUDFORMATION", "SFN", "KMS",
                                                             "SECRETS_MANAGER", "S3_CONTROL")}})
    assert result.returncode == 2 and "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: nothing could be collected (") and "AccessDenied" in line
    assert snapshot_rows(db_path) == before
    assert json.loads((tmp_path / "ev" / "manifest.json").read_text())["status"] == "complete"


def test_ctrl_c_leaves_the_database_and_marks_the_evidence_incomplete(proxy_factory, tmp_path):
    db_path, evidence = tmp_path / "db.duckdb", tmp_path / "ev"
    before = loaded_sample(db_path)
    proxy = proxy_factory(delay=0.2)
    process = subprocess.Popen([IAMSQL, "collect", "--db", str(db_path), "--evidence-dir", str(evidence), "--quiet"],
                               env={**os.environ, "AWS_ENDPOINT_URL": proxy.url}, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True,
                               # a test run started as a background job inherits SIGINT ignored, which iamsql keeps
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 60
    while proxy.requests < 4 and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130 and "Traceback" not in stderr
    assert stderr.strip().splitlines() == ["interrupted: the database is unchanged; the evidence folder is marked interrupted"]
    assert snapshot_rows(db_path) == before
    assert json.loads((evidence / "manifest.json").read_text())["status"] == "interrupted"
    con = db.connect(tmp_path / "later.duckdb")  # loading it later marks it partial, never whole
    load_paths(con, [evidence])
    [(kind, partial, gaps)] = con.execute("select kind, partial, gaps from iamsql_snapshot").fetchall()
    assert kind == "collect" and partial and json.loads(gaps)[-1]["error"] == "Incomplete"
    con.close()


@pytest.mark.parametrize("arguments, message", [
    ({"org": True}, "--org needs --role-name"),
    ({"org": True, "role_name": "A", "role_arns": ["arn:aws:iam::111111111111:role/A"]}, "either --org or --role-arn"),
    ({"role_arns": ["arn:aws:iam::1111:role/A"]}, "is not an IAM role ARN"),
    ({"lookup_events_days": 91}, "between 1 and 90"),
    ({"regions": ["us-east-1", "us-east1"]}, "--region 'us-east1' is not an AWS region name"),
    ({"cloudtrail_s3": "bucket/prefix"}, "is not an s3://bucket/prefix URL"),
    ({"cloudtrail_s3": "s3://b/p", "since": "2026-02-30"}, "is not a date"),
    ({"cloudtrail_s3": "s3://b/p", "since": "2026-07-02", "until": "2026-07-01"}, "--since is after --until"),
])
def test_option_errors(moto_env, tmp_path, arguments, message):
    con = db.connect(tmp_path / "db.duckdb")
    with pytest.raises(CollectError, match=message):
        collect(con, evidence_dir=tmp_path / "ev", **arguments)
    assert not (tmp_path / "ev").exists()
    con.close()


@pytest.mark.parametrize("partition", ["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f",
                                       "aws-eusc"])
def test_role_arns_of_every_partition_are_accepted(partition):
    """--role-arn takes a role of any partition AWS documents (the European Sovereign Cloud's aws-eusc included)."""
    check_role_arns([f"arn:{partition}:iam::111111111111:role/Audit"])


def test_evidence_folder_must_be_new(moto_env, tmp_path):
    (tmp_path / "ev").mkdir()
    (tmp_path / "ev" / "old.json").write_text("{}")
    con = db.connect(tmp_path / "db.duckdb")
    with pytest.raises(InputError, match="already exists and is not empty"):
        collect(con, evidence_dir=tmp_path / "ev")
    con.close()


def _event(number: int, when: datetime) -> dict:
    record = {"eventVersion": "1.08", "eventID": f"00000000-0000-0000-0000-{number:012d}", "eventName": "ListUsers",
              "eventSource": "iam.amazonaws.com", "eventTime": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
              "awsRegion": "us-east-1", "recipientAccountId": MANAGEMENT,
              "userIdentity": {"type": "IAMUser", "arn": f"arn:aws:iam::{MANAGEMENT}:user/alice",
                               "accountId": MANAGEMENT}}
    return {"EventId": record["eventID"], "EventName": "ListUsers", "ReadOnly": "true", "EventTime": when,
            "EventSource": "iam.amazonaws.com", "Username": "alice", "CloudTrailEvent": json.dumps(record)}


def test_lookup_events_pages_with_a_fixed_window(tmp_path):
    """moto does not implement LookupEvents: botocore's Stubber serves three pages, and checks that every page
    is asked with the same StartTime/EndTime (AWS rejects a NextToken with other parameters)."""
    session = boto3.Session(aws_access_key_id="x", aws_secret_access_key="x", region_name="us-east-1")
    evidence = Evidence.create(tmp_path / "ev", {})
    run = AccountRun(Target(MANAGEMENT, session, "caller"), evidence, Counter(), "us-east-1", threading.Event())
    end = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)
    start = end - timedelta(days=2)
    client = run.client("cloudtrail", "us-east-1")
    stubber = Stubber(client)
    events = [_event(n, end - timedelta(hours=n)) for n in range(1, 8)]
    pages = [events[0:3], events[3:6], events[6:]]
    for number, page in enumerate(pages):
        expected = {"StartTime": start, "EndTime": end, "MaxResults": 50}
        if number:
            expected["NextToken"] = f"token-{number}"
        response = {"Events": page, **({"NextToken": f"token-{number + 1}"} if number < 2 else {})}
        stubber.add_response("lookup_events", response, expected)
    with stubber:
        lookup_events(run, ["us-east-1"], 2, end=end)
    run.close()
    stubber.assert_no_pending_responses()
    written = json.loads((tmp_path / "ev" / MANAGEMENT / "us-east-1" / "cloudtrail" / "lookup-events.json").read_text())
    assert [e["EventId"] for e in written["Events"]] == [e["EventId"] for e in events] and "NextToken" not in written
    assert written["Events"][0]["EventTime"] == events[0]["EventTime"].isoformat()
    evidence.account(MANAGEMENT)
    evidence.finish("complete")
    con = db.connect(tmp_path / "db.duckdb")
    load_paths(con, [tmp_path / "ev"])
    loaded = con.execute("select event_id from aws_cloudtrail_trail_event order by event_time desc").fetchall()
    assert [r[0] for r in loaded] == [e["EventId"] for e in events]
    con.close()


def test_retry_settings_follow_the_aws_configuration(tmp_path, monkeypatch):
    from iamsql.collect.aws import retry_settings

    for name in ("AWS_RETRY_MODE", "AWS_MAX_ATTEMPTS", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    config = tmp_path / "config"
    config.write_text("[default]\nregion = us-east-1\n\n[profile throttled]\nretry_mode = standard\nmax_attempts = 4\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    assert retry_settings(boto3.Session()) == {"mode": "adaptive", "total_max_attempts": 10}
    assert retry_settings(boto3.Session(profile_name="throttled")) == {"mode": "standard", "total_max_attempts": 4}
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "7")
    assert retry_settings(boto3.Session(profile_name="throttled")) == {"mode": "standard", "total_max_attempts": 7}


def test_an_unknown_profile_is_named_also_when_aws_profile_names_it(tmp_path, monkeypatch):
    """A profile the AWS config files do not have is one error naming it, given as --profile or by AWS_PROFILE
    (which said "AWS profile None")."""
    from iamsql.collect.aws import base_session
    from iamsql.errors import CollectError

    config = tmp_path / "config"
    config.write_text("[default]\nregion = us-east-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.delenv("AWS_DEFAULT_PROFILE", raising=False)
    monkeypatch.setenv("AWS_PROFILE", "auditt")
    with pytest.raises(CollectError) as given:
        base_session("audit")
    assert str(given.value) == "AWS profile 'audit' not found in the AWS config files"
    with pytest.raises(CollectError) as from_env:
        base_session(None)
    assert str(from_env.value) == "AWS profile 'auditt' (from AWS_PROFILE) not found in the AWS config files"


def test_a_denied_organizations_call_is_a_gap_and_its_policy_stays_unknown(aws_session, proxy_factory, tmp_path,
                                                                          monkeypatch):
    """DescribePolicy refused (a delegated administrator without it): each policy is a gap, the policies load
    without content, and the engine treats their SCP levels as unknown documents instead of ignoring them."""
    from iamsql.policy.access.organization import guardrails

    members = create_organization(aws_session)
    org = aws_session.client("organizations")
    org.enable_policy_type(RootId=org.list_roots()["Roots"][0]["Id"], PolicyType="SERVICE_CONTROL_POLICY")
    proxy = proxy_factory(deny={"DescribePolicy"})
    monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.url)
    con = db.connect(tmp_path / "org-gaps.duckdb")
    result = collect(con, evidence_dir=tmp_path / "evidence", org=True, role_name="SecurityAudit")
    denied = {(g["api"], g["account_id"], g["error"]) for g in result.gaps}
    assert denied == {("organizations:DescribePolicy", MANAGEMENT, "AccessDenied")}
    assert con.execute("select count(*) from aws_organizations_policy where content is null").fetchone()[0] >= 1
    levels = guardrails(con)[members["dev"]].scps
    assert levels and all(p is None for level in levels for p in level)
    partial = con.execute("select partial from iamsql_snapshot where account_id = ?", [MANAGEMENT]).fetchone()[0]
    assert partial
    con.close()


def test_a_denied_delegated_administrators_listing_is_a_gap_and_assume_root_stays_unknown(
        aws_session, proxy_factory, tmp_path, monkeypatch):
    """ListDelegatedAdministrators refused: one gap, the run goes on, and IAM's delegated administrators stay not
    known (not none) to the engine."""
    from iamsql.policy.access.organization import guardrails

    members = create_organization(aws_session)
    proxy = proxy_factory(deny={"ListDelegatedAdministrators"})
    monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.url)
    con = db.connect(tmp_path / "org-delegated-gap.duckdb")
    result = collect(con, evidence_dir=tmp_path / "evidence", org=True, role_name="SecurityAudit")
    denied = {(g["api"], g["account_id"], g["error"]) for g in result.gaps}
    assert denied == {("organizations:ListDelegatedAdministrators", MANAGEMENT, "AccessDenied")}
    assert guardrails(con)[members["dev"]].delegated_administrators == {}
    assert con.execute("select count(*) from aws_organizations_delegated_administrator").fetchone()[0] == 0
    assert "ListDelegatedServicesForAccount" not in proxy.actions  # no administrator listed to ask about
    con.close()


def test_denied_delegated_services_are_one_gap_and_only_the_administrators_stay_unknown(
        aws_session, proxy_factory, tmp_path, monkeypatch):
    """ListDelegatedServicesForAccount refused: one gap for the first administrator asked (the others are not asked),
    the administrators are loaded, and the engine does not know whether they are IAM's, while an account the listing
    leaves out is still known not to be one."""
    from iamsql.policy.access.organization import guardrails

    members = create_organization(aws_session)
    org = aws_session.client("organizations")
    org.register_delegated_administrator(AccountId=members["dev"], ServicePrincipal="iam.amazonaws.com")
    org.register_delegated_administrator(AccountId=members["web"], ServicePrincipal="guardduty.amazonaws.com")
    proxy = proxy_factory(deny={"ListDelegatedServicesForAccount"})
    monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.url)
    con = db.connect(tmp_path / "org-services-gap.duckdb")
    result = collect(con, evidence_dir=tmp_path / "evidence", org=True, role_name="SecurityAudit")
    denied = [(g["api"], g["account_id"], g["error"]) for g in result.gaps]
    assert denied == [("organizations:ListDelegatedServicesForAccount", MANAGEMENT, "AccessDenied")]
    assert proxy.actions.count("ListDelegatedServicesForAccount") == 1
    assert con.execute("select count(*) from aws_organizations_delegated_administrator").fetchone()[0] == 2
    iam = guardrails(con)[members["web"]].delegated_administrators["iam.amazonaws.com"]
    assert (iam.holds(members["dev"]), iam.holds(members["web"]), iam.holds(MANAGEMENT)) == (None, None, False)
    con.close()


def test_denied_secrets_listing_is_a_gap_of_its_region_and_the_run_goes_on(proxy_factory, tmp_path, monkeypatch):
    """ListSecrets refused: one gap, no per-secret call, the table not covered for the account (its controls skip),
    and the rest of the account collected."""
    boto3.client("secretsmanager", region_name="us-east-1").create_secret(Name="app", SecretString="x")
    proxy = proxy_factory(deny={"ListSecrets"})
    monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.url)
    con = db.connect(tmp_path / "secrets-gap.duckdb")
    result = collect(con, evidence_dir=tmp_path / "evidence", regions=["us-east-1"])
    denied = [(g["api"], g["region"], g["error"]) for g in result.gaps if g["api"].startswith("secretsmanager:")]
    assert denied == [("secretsmanager:ListSecrets", "us-east-1", "AccessDenied")]
    assert not {"DescribeSecret", "GetResourcePolicy"} & set(proxy.actions)
    assert con.execute("select count(*) from iamsql_latest where table_name = 'aws_secretsmanager_secret'"
                       ).fetchone()[0] == 0
    assert con.execute("select count(*) from iamsql_latest where table_name = 'aws_iam_user'").fetchone()[0] == 1
    con.close()


def test_denied_account_tags_are_one_gap_and_stay_unknown(aws_session, proxy_factory, tmp_path, monkeypatch):
    """ListTagsForResource refused: one gap for the first account asked (the others are not asked), and every
    account's tags stay NULL (unknown), not {} (none); the accounts themselves are loaded."""
    members = create_organization(aws_session)
    proxy = proxy_factory(deny={"ListTagsForResource"})
    monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.url)
    con = db.connect(tmp_path / "org-tags.duckdb")
    result = collect(con, evidence_dir=tmp_path / "evidence", org=True, role_name="SecurityAudit")
    denied = [(g["api"], g["account_id"], g["error"]) for g in result.gaps]
    assert denied == [("organizations:ListTagsForResource", MANAGEMENT, "AccessDenied")]
    assert proxy.actions.count("ListTagsForResource") == 1
    rows = con.execute("select id, tags is null and tags_src is null from aws_organizations_account").fetchall()
    assert sorted(rows) == sorted([(MANAGEMENT, True), (members["dev"], True), (members["web"], True)])
    con.close()


def test_denied_workload_listings_are_gaps_and_the_rest_is_loaded(aws_session, proxy_factory, tmp_path, monkeypatch):
    """EC2 and ECS listings refused (query and JSON protocols): gaps naming the call and region; IAM still loaded."""
    populate_account(aws_session, MANAGEMENT)
    proxy = proxy_factory(deny={"DescribeInstances", "ListTaskDefinitions"})
    monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.url)
    con = db.connect(tmp_path / "wl.duckdb")
    result = collect(con, evidence_dir=tmp_path / "evidence", regions=["us-east-1"])
    denied = sorted((g["api"], g["region"], g["error"]) for g in result.gaps if g["error"] == "AccessDenied")
    assert denied == [("ec2:DescribeInstances", "us-east-1", "AccessDenied"),
                      ("ecs:ListTaskDefinitions", "us-east-1", "AccessDenied")]
    covered = {r[0] for r in con.execute("select table_name from iamsql_latest").fetchall()}
    assert {"aws_lambda_function", "aws_eks_cluster", "aws_iam_role"} <= covered
    assert not covered & {"aws_ec2_instance", "aws_ecs_task_definition"}  # unknown, so controls on them skip
    con.close()


def test_a_credential_report_not_ready_is_asked_for_again(aws_session, proxy_factory, tmp_path, monkeypatch):
    """GetCredentialReport answered ReportInProgress, then ReportNotPresent (IAM still making it): the report is
    generated and downloaded again, not a gap; its GeneratedTime is the loaded report's time."""
    populate_account(aws_session, MANAGEMENT)
    proxy = proxy_factory(script={"GetCredentialReport": [(410, "ReportInProgress", "Report is in progress"),
                                                          (410, "ReportNotPresent", "Report is not present")]})
    monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.url)
    con = db.connect(tmp_path / "report.duckdb")
    result = collect(con, evidence_dir=tmp_path / "evidence", regions=["us-east-1"])
    assert [g for g in result.gaps if "CredentialReport" in g["api"]] == []
    assert proxy.actions.count("GetCredentialReport") == 3 and proxy.actions.count("GenerateCredentialReport") >= 3
    saved = json.loads((tmp_path / "evidence" / MANAGEMENT / "global" / "iam" / "get-credential-report.json").read_text())
    generated = {r[0] for r in con.execute("select generated_time from aws_iam_credential_report").fetchall()}
    assert generated == {datetime.fromisoformat(saved["GeneratedTime"])}
    con.close()


def test_a_refused_generation_still_downloads_an_earlier_report(aws_session, proxy_factory, tmp_path, monkeypatch):
    """GenerateCredentialReport refused, but a report made earlier (by someone allowed to) is there: a gap for the
    generation, and the report is downloaded and loaded."""
    populate_account(aws_session, MANAGEMENT)
    aws_session.client("iam").generate_credential_report()
    proxy = proxy_factory(deny={"GenerateCredentialReport"})
    monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.url)
    con = db.connect(tmp_path / "report.duckdb")
    result = collect(con, evidence_dir=tmp_path / "evidence", regions=["us-east-1"])
    assert [(g["api"], g["error"]) for g in result.gaps] == [("iam:GenerateCredentialReport", "AccessDenied")]
    users = {r[0] for r in con.execute("select user_name from aws_iam_credential_report").fetchall()}
    assert {"alice", "bob", "carol"} <= users
    con.close()


INVALID_TOKEN = (400, "UnrecognizedClientException", "The security token included in the request is invalid.")


def test_a_region_the_account_has_not_enabled_is_one_gap(aws_session, proxy_factory, tmp_path, monkeypatch):
    """ap-east-1 is an opt-in region moto's DescribeRegions lists as not-opted-in; AWS refuses every call there as if
    the credentials were invalid. Nothing is asked there, one gap says so, and the account is collected whole."""
    populate_account(aws_session, MANAGEMENT)
    proxy = proxy_factory(regions={"ap-east-1": INVALID_TOKEN})
    monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.url)
    con = db.connect(tmp_path / "regions.duckdb")
    result = collect(con, evidence_dir=tmp_path / "evidence", regions=["us-east-1", "ap-east-1"])
    assert [(g["api"], g["region"], g["error"]) for g in result.gaps] == [
        ("ec2:DescribeRegions", "ap-east-1", "OptInRequired")]
    assert "not enabled" in result.gaps[0]["message"]
    assert not (tmp_path / "evidence" / MANAGEMENT / "ap-east-1").exists()
    covered = {r[0] for r in con.execute("select table_name from iamsql_latest").fetchall()}
    assert {"aws_iam_credential_report", "aws_iam_access_key", "aws_cloudtrail_trail", "aws_lambda_function"} <= covered
    con.close()


def test_a_refused_region_stops_only_itself(aws_session, proxy_factory, tmp_path, monkeypatch):
    """Without DescribeRegions (refused), the calls of a region that answers UnrecognizedClientException are gaps
    of that region: the account's other calls go on (the credentials work elsewhere)."""
    populate_account(aws_session, MANAGEMENT)
    proxy = proxy_factory(deny={"DescribeRegions"}, regions={"ap-east-1": INVALID_TOKEN})
    monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.url)
    con = db.connect(tmp_path / "regions.duckdb")
    result = collect(con, evidence_dir=tmp_path / "evidence", regions=["us-east-1", "ap-east-1"], max_workers=1)
    others = [g for g in result.gaps if g["api"] != "ec2:DescribeRegions"]
    assert others and {g["region"] for g in others} == {"ap-east-1"}
    trails = next(g for g in others if g["api"] == "cloudtrail:DescribeTrails")
    assert trails["error"] == "UnrecognizedClientException" and "not enabled" in trails["message"]
    assert not [g for g in result.gaps if g["error"] == "NotAttempted"]
    covered = {r[0] for r in con.execute("select table_name from iamsql_latest").fetchall()}
    assert {"aws_iam_credential_report", "aws_iam_access_key", "aws_iam_saml_provider"} <= covered
    con.close()


def test_credentials_that_stop_working_record_the_calls_not_made(aws_session, proxy_factory, tmp_path, monkeypatch):
    """ExpiredToken in the middle of an account: the account stops, and every call it did not make is in the
    evidence as a NotAttempted gap (once per API and region), so the manifest says what is missing."""
    populate_account(aws_session, MANAGEMENT)
    proxy = proxy_factory(script={"ListVirtualMFADevices": [
        (403, "ExpiredToken", "The security token included in the request is expired")]})
    monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.url)
    con = db.connect(tmp_path / "expired.duckdb")
    result = collect(con, evidence_dir=tmp_path / "evidence", regions=["us-east-1"], max_workers=1)
    gaps = [(g["api"], g["region"], g["error"]) for g in result.gaps]
    assert ("iam:ListVirtualMFADevices", "global", "ExpiredToken") in gaps
    skipped = {api for api, _, error in gaps if error == "NotAttempted"}
    assert {"iam:ListInstanceProfiles", "iam:ListSAMLProviders", "cloudtrail:DescribeTrails"} <= skipped
    assert len(gaps) == len(set(gaps))
    assert all("ExpiredToken" in g["message"] for g in result.gaps if g["error"] == "NotAttempted")
    con.close()


def test_an_active_key_without_a_rotation_date_gets_its_user_s_key_listing():
    """The report's last_rotated is N/A only for a key that is not active (IAM User Guide): an active slot with N/A
    still holds a key, so collect lists the user's keys (ListAccessKeys gives its CreateDate); a user whose slots
    are inactive with N/A has none to list."""
    from iamsql.collect.iam import report_rows

    header = ("user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
              "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
              "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
              "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
              "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,"
              "cert_2_active,cert_2_last_rotated")
    line = "{0},arn:aws:iam::111111111111:user/{0},2020-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,{1},N/A,N/A,N/A,N/A,"
    rows = report_rows("\n".join([header] + [line.format(name, active) + "false,N/A,N/A,N/A,N/A,false,N/A,false,N/A"
                                              for name, active in (("undated", "true"), ("keyless", "false"))]))
    assert rows["undated"].has_key and not rows["keyless"].has_key


def test_a_password_removed_after_the_credential_report_is_collected_and_loaded_as_none(aws_session, tmp_path):
    """The report still shows bob with a password (it is up to four hours old): GetLoginProfile answers NoSuchEntity,
    which is an answer, not a gap; the evidence holds it with bob's name and the load knows bob has no password."""
    from iamsql.collect.iam import ReportRow, per_user

    aws_session.client("iam").create_user(UserName="bob")
    evidence = Evidence.create(tmp_path / "ev", {})
    run = AccountRun(Target(MANAGEMENT, aws_session, "caller"), evidence, Counter(), "us-east-1", threading.Event())
    per_user(run, "bob", ReportRow(key_created=(), last_use_known=(), mfa_active=False, password_enabled=True))
    run.close()
    evidence.account(MANAGEMENT)
    evidence.finish("complete")
    assert evidence.gaps == []
    written = json.loads((tmp_path / "ev" / MANAGEMENT / "global" / "iam" / "get-login-profile" / "bob.json").read_text())
    assert written["UserName"] == "bob" and written["Error"]["Code"] == "NoSuchEntity"
    con = db.connect(tmp_path / "db.duckdb")
    summary = load_paths(con, [tmp_path / "ev"])
    assert summary.skipped == []
    assert con.execute("select name, login_profile, login_profile_loaded from aws_iam_user").fetchall() == [
        ("bob", None, True)]
    con.close()


def test_denied_entity_tags_are_one_gap_per_kind_and_stay_unknown(aws_session, proxy_factory, tmp_path, monkeypatch):
    """ListMFADeviceTags refused: one gap (the first device asked; the other is not asked) and both devices' tags
    stay NULL (unknown), not [] (none); the other kinds' tags are still asked and loaded."""
    populate_account(aws_session, MANAGEMENT)  # two virtual MFA devices, one customer managed policy
    proxy = proxy_factory(deny={"ListMFADeviceTags"})
    monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.url)
    con = db.connect(tmp_path / "tags.duckdb")
    result = collect(con, evidence_dir=tmp_path / "evidence", regions=["us-east-1"])
    assert [(g["api"], g["error"]) for g in result.gaps if g["api"].endswith("Tags")] == [
        ("iam:ListMFADeviceTags", "AccessDenied")]
    assert proxy.actions.count("ListMFADeviceTags") == 1 and proxy.actions.count("ListPolicyTags") == 1
    assert con.execute("select count(*), count(tags_src) from aws_iam_virtual_mfa_device").fetchone() == (2, 0)
    con.close()


def test_ctrl_c_while_the_collected_folder_loads_says_the_folder_is_complete(moto_env, tmp_path, monkeypatch, capsys):
    """The folder is written and marked complete before the load starts: the line says so and how to load it."""
    db_path, evidence = tmp_path / "db.duckdb", tmp_path / "ev"

    def interrupted_load(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("iamsql.collect.run.load_paths", interrupted_load)
    code, _out, err = cli(monkeypatch, capsys, "collect", "--db", str(db_path), "--evidence-dir", str(evidence),
                          "--quiet")
    assert code == 130
    assert err.splitlines() == [f"interrupted: the database is unchanged; the evidence folder is complete: load it "
                                f"with 'iamsql load {evidence}'"]
    assert json.loads((evidence / "manifest.json").read_text())["status"] == "complete"


def test_ctrl_c_before_the_evidence_folder_exists_says_nothing_was_collected(moto_env, tmp_path, monkeypatch,
                                                                              capsys):
    evidence = tmp_path / "ev"

    def interrupted_session(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("iamsql.collect.run.base_session", interrupted_session)
    code, _out, err = cli(monkeypatch, capsys, "collect", "--db", str(tmp_path / "db.duckdb"), "--evidence-dir",
                          str(evidence), "--quiet")
    assert code == 130 and not evidence.exists()
    assert err.splitlines() == ["interrupted: nothing was collected; the database is as it was"]


def test_denied_alternate_contacts_are_gaps_and_the_security_contact_stays_unknown(aws_session, proxy_factory,
                                                                                    tmp_path, monkeypatch):
    """GetAlternateContact refused (REST-JSON protocol): one gap per contact type, no row and no coverage, so the
    security contact control skips the account instead of saying it has none; IAM is still loaded."""
    populate_account(aws_session, MANAGEMENT)
    proxy = proxy_factory(deny={"GetAlternateContact"})
    monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.url)
    con = db.connect(tmp_path / "contacts.duckdb")
    result = collect(con, evidence_dir=tmp_path / "evidence", regions=["us-east-1"])
    assert sorted((g["api"], g["region"], g["error"]) for g in result.gaps if g["api"].startswith("account:")) == [
        ("account:GetAlternateContact", "global", "AccessDenied")] * 3
    assert con.execute("select count(*) from aws_iam_user").fetchone()[0] > 0
    [row] = controls.results(con, controls.run_checks(con, controls=["account_security_contact_registered"]))
    con.close()
    assert (row["status"], row["account_id"]) == ("skip", MANAGEMENT)


@pytest.mark.parametrize("code, message", [
    ("AWSOrganizationsNotInUseException", "Your account is not a member of an organization."),
    ("AccessDeniedException", "You don't have permissions to access this resource.")])
def test_org_from_an_account_that_cannot_list_the_organization_is_one_line(proxy_factory, tmp_path, code, message):
    """--org from an account in no organization (AWSOrganizationsNotInUseException) or from a member that is no
    delegated administrator (AccessDeniedException), AWS's answers to ListAccounts there (moto lists no account
    instead): one line naming AWS's answer, exit code 2, nothing loaded."""
    proxy = proxy_factory(script={"ListAccounts": [(400, code, message)]})
    db_path = tmp_path / "org.duckdb"
    result = run_cli("collect", "--org", "--role-name", "SecurityAudit", "--db", str(db_path),
                     "--evidence-dir", str(tmp_path / "ev"), "--quiet", env={"AWS_ENDPOINT_URL": proxy.url})
    assert result.returncode == 2 and "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line == f"error: cannot list the organization's accounts: {code}: {message}"
    assert "GetAccountAuthorizationDetails" not in proxy.actions

"""`iamsql simulate` (request files and loaded principals) and `iamsql who-can` through the real CLI."""

import csv
import io
import json
import re
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

import pytest

from iamsql.store import db

ACCOUNT = "123456789012"
ADMIN = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def run(*args, stdin=None):
    return subprocess.run([sys.executable, "-c", "from iamsql.cli import main; main()", *args],
                          capture_output=True, text=True, input=stdin, timeout=300)


def request(action, identity, **extra):
    return {"action": action, "resource": f"arn:aws:iam::{ACCOUNT}:role/app",
            "principal": f"arn:aws:iam::{ACCOUNT}:user/alice", "identity_policies": identity, **extra}


def test_request_file_gives_one_result_per_request(tmp_path):
    deny = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "iam:Pass*", "Resource": "*"}]}
    conditional = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*",
                                                           "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-1"}}}]}
    path = tmp_path / "requests.json"
    path.write_text(json.dumps([request("iam:PassRole", [ADMIN]), request("iam:PassRole", [ADMIN, deny]),
                                request("iam:PassRole", []), request("iam:PassRole", [conditional])]))
    done = run("simulate", "--request", str(path), "--format", "json")
    assert done.returncode == 0, done.stderr
    assert [r["decision"] for r in json.loads(done.stdout)] == [
        "Allowed", "ExplicitlyDenied", "ImplicitlyDenied", "ImplicitlyDenied"]
    unknown = run("simulate", "--request", str(path), "--format", "json", "--unknown-context")
    results = json.loads(unknown.stdout)
    assert results[3]["decision"] == "AllowedIf" and "aws:PrincipalOrgID" in json.dumps(results[3]["conditions"])


def test_one_request_object_from_stdin_gives_one_object():
    done = run("simulate", "--request", "-", "-o", "json", stdin=json.dumps(request("sts:GetCallerIdentity", [])))
    assert done.returncode == 0 and json.loads(done.stdout)["decision"] == "Allowed"


def test_a_request_file_with_a_byte_order_mark_and_a_url_encoded_document(tmp_path):
    deny = {"Statement": {"Effect": "Deny", "Action": "IAM:PassRole", "Resource": "*"}, "Version": "2012-10-17"}
    path = tmp_path / "requests.json"
    path.write_text(json.dumps([request("iam:PassRole", [ADMIN, quote("\ufeff" + json.dumps(deny), safe="")])]),
                    encoding="utf-8-sig")
    done = run("simulate", "--request", str(path), "--format", "json")
    assert done.returncode == 0, done.stderr
    assert [r["decision"] for r in json.loads(done.stdout)] == ["ExplicitlyDenied"]


@pytest.mark.parametrize("content, message", [("{not json", "is not JSON"), ('"text"', "must hold a request object")])
def test_bad_request_files_are_one_line_errors(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    done = run("simulate", "--request", str(path))
    assert done.returncode == 2 and message in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_a_malformed_request_is_an_error_result_and_a_failing_exit(tmp_path):
    path = tmp_path / "requests.json"
    path.write_text(json.dumps([request("iam:PassRole", [ADMIN]), {"action": "no-colon"}]))
    done = run("simulate", "--request", str(path), "-o", "json")
    assert done.returncode == 2
    assert [r["decision"] for r in json.loads(done.stdout)] == ["Allowed", "Error"]


def test_an_action_pattern_in_a_request_file_is_refused_as_on_the_command_line(tmp_path):
    """A request file's "iam:Pass*" was asked as an action of that literal name: Allowed by the `*` grant, although
    `--action 'iam:Pass*'` is refused. The file's request is malformed, the others still evaluate."""
    path = tmp_path / "requests.json"
    path.write_text(json.dumps([request("iam:PassRole", [ADMIN]), request("iam:Pass*", [ADMIN])]))
    done = run("simulate", "--request", str(path), "-o", "json")
    assert done.returncode == 2
    assert [r["decision"] for r in json.loads(done.stdout)] == ["Allowed", "Error"]
    assert done.stderr == ("error: request 1: iam:Pass* is a pattern: a request asks about one action "
                           "(the pattern matches iam:PassRole)\n")


def test_request_results_as_csv_jsonl_line_and_md(tmp_path):
    """simulate took only table and json; the result-set formats of query and who-can give one row per request."""
    path = tmp_path / "requests.json"
    path.write_text(json.dumps([request("iam:PassRole", [ADMIN]), request("iam:PassRole", [])]))
    done = run("simulate", "--request", str(path), "-o", "csv")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert [(r["request"], r["decision"]) for r in rows] == [("0", "Allowed"), ("1", "ImplicitlyDenied")]
    assert json.loads(rows[0]["matched"])[0]["effect"] == "Allow" and rows[1]["matched"] == ""
    jsonl = run("simulate", "--request", str(path), "-o", "jsonl")
    assert [json.loads(line)["decision"] for line in jsonl.stdout.splitlines()] == ["Allowed", "ImplicitlyDenied"]
    line = run("simulate", "--request", str(path), "-o", "line")
    assert re.search(r"^decision +\| ImplicitlyDenied$", line.stdout, re.M), line.stdout
    md = run("simulate", "--request", str(path), "-o", "md")
    assert md.stdout.splitlines()[0].startswith("| request | decision | reason |")


def test_an_unknown_simulate_format_names_every_format(tmp_path):
    done = run("simulate", "--request", "-", "-o", "yaml", stdin="{}")
    assert done.returncode == 2
    assert done.stderr == "error: unknown format 'yaml'; choose one of table, csv, json, jsonl, line, md\n"


def test_with_no_users_or_roles_loaded_who_can_is_unknown_not_nobody(tmp_path):
    """A database of CloudTrail events alone: who-can listed no principal and exited 0, which reads as "nobody may";
    simulate pointed at a query listing nothing."""
    database = str(tmp_path / "events.duckdb")
    events = Path(__file__).parent / "data" / "plaso_test_data" / "aws_cloudtrail_records.json"
    assert run("load", str(events), "--db", database, "--quiet").returncode == 0
    done = run("who-can", "iam:PassRole", "--db", database)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == ("error: who may perform iam:PassRole is unknown: no IAM users or roles are loaded; load "
                           "get-account-authorization-details (or list-users and list-roles with their policies) of "
                           "the account\n")
    user = f"arn:aws:iam::{ACCOUNT}:user/alice"
    simulated = run("simulate", "--db", database, "--principal", user, "--action", "iam:PassRole")
    assert simulated.returncode == 2
    assert simulated.stderr.startswith(f"error: principal {user} is not in the loaded data: no IAM users or roles")


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    path = tmp_path_factory.mktemp("who") / "who.duckdb"
    con = db.connect(path)
    base = {"account_id": ACCOUNT, "partition": "aws", "region": "global"}

    def arn(kind, name):
        return f"arn:aws:iam::{ACCOUNT}:{kind}/{name}"

    def inline(statements):
        return [{"PolicyName": "p", "PolicyDocument": {"Version": "2012-10-17", "Statement": statements}}]

    users = [
        {"name": "deployer", "arn": arn("user", "deployer"), "path": "/", "groups": [{"GroupName": "ops"}],
         "attached_policy_arns": [], "inline_policies": inline([{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                                  "Resource": arn("role", "admin")}]), **base},
        {"name": "reader", "arn": arn("user", "reader"), "path": "/", "groups": [], "attached_policy_arns": [],
         "inline_policies": inline([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]), **base},
        {"name": "opsy", "arn": arn("user", "opsy"), "path": "/", "groups": [{"GroupName": "ops"}],
         "attached_policy_arns": [], "inline_policies": None, **base},
    ]
    groups = [{"name": "ops", "arn": arn("group", "ops"), "attached_policy_arns": [],
               "inline_policies": inline([{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}]), **base}]
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"},
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": "sts:AssumeRole"}]}
    roles = [{"name": "admin", "arn": arn("role", "admin"), "path": "/", "assume_role_policy": trust,
              "attached_policy_arns": [], "inline_policies": inline(ADMIN["Statement"]), **base}]
    with db.transaction(con):
        snapshot = db.new_snapshot(con, account_id=ACCOUNT, kind="load", sources=[], as_of=datetime(2024, 3, 1, tzinfo=timezone.utc))
        db.insert_rows(con, "aws_iam_user", snapshot, users)
        db.insert_rows(con, "aws_iam_group", snapshot, groups)
        db.insert_rows(con, "aws_iam_role", snapshot, roles)
        db.insert_rows(con, "aws_iam_policy", snapshot, [])
    con.close()
    return str(path)


def test_simulate_a_loaded_principal(loaded):
    done = run("simulate", "--db", loaded, "--principal", f"arn:aws:iam::{ACCOUNT}:user/opsy",
               "--action", "iam:PassRole", "-o", "json")
    answer = json.loads(done.stdout)
    assert answer["decision"] == "Allowed" and answer["path"] == "through group ops", answer
    # the reason names the policy as loaded, as granted_by does; it said "identity_policies[0]", a request file's term
    [granted] = answer["granted_by"]
    assert answer["reason"] == f"Allowed by {granted} statement 0.", answer
    denied = run("simulate", "--db", loaded, "--principal", f"arn:aws:iam::{ACCOUNT}:user/reader",
                 "--action", "iam:PassRole")
    assert denied.stdout.startswith("ImplicitlyDenied")
    as_csv = run("simulate", "--db", loaded, "--principal", f"arn:aws:iam::{ACCOUNT}:user/opsy",
                 "--action", "iam:PassRole", "-o", "csv")
    [row] = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert (row["decision"], row["path"], row["reason"]) == ("Allowed", "through group ops", answer["reason"]), row
    missing = run("simulate", "--db", loaded, "--principal", f"arn:aws:iam::{ACCOUNT}:user/nobody", "--action", "s3:GetObject")
    assert missing.returncode == 2 and "not an IAM user or role in the loaded data" in missing.stderr


def test_who_can_follows_groups_roles_and_trusts(loaded):
    done = run("who-can", "iam:PassRole", "--db", loaded, "-o", "json")
    paths = {row["principal"].rsplit("/", 1)[-1]: row["path"] for row in json.loads(done.stdout)}
    assert paths == {"opsy": "through group ops", "deployer": "through group ops", "admin": "direct"}
    assume = run("who-can", "sts:AssumeRole", "--db", loaded, "--resource", f"arn:aws:iam::{ACCOUNT}:role/admin", "-o", "json")
    rows = {row["principal"]: row for row in json.loads(assume.stdout)}
    assert rows[f"arn:aws:iam::{ACCOUNT}:user/deployer"]["decision"] == "Allowed"
    assert f"arn:aws:iam::{ACCOUNT}:user/reader" not in rows
    assert rows["arn:aws:iam::444455556666:root"]["path"].startswith("cross-account")
    unknown = run("who-can", "sts:AssumeRole", "--db", loaded, "--resource", f"arn:aws:iam::{ACCOUNT}:role/gone")
    assert unknown.returncode == 2 and unknown.stdout == "" and unknown.stderr.count("\n") == 1
    assert "role/gone is not in the loaded data, so its trust policy is unknown" in unknown.stderr


def test_a_typo_in_the_action_is_answered_with_a_one_line_warning(loaded):
    """`who-can iam:PasRole` lists only the principals with wildcard grants: it says the action is unknown."""
    typo = run("who-can", "iam:PasRole", "--db", loaded, "-o", "json")
    assert typo.returncode == 0, typo.stderr
    names = {row["principal"].rsplit("/", 1)[-1] for row in json.loads(typo.stdout)}
    assert "admin" in names and "opsy" not in names  # opsy's grant names iam:PassRole
    assert typo.stderr.strip().splitlines() == [
        "warning: iam:PasRole is not an action of iam in the action catalog (did you mean iam:PassRole?); "
        "only policy statements with wildcards can match it"]
    service = run("simulate", "--db", loaded, "--principal", f"arn:aws:iam::{ACCOUNT}:user/opsy",
                  "--action", "iamm:PassRole")
    assert service.returncode == 0 and "'iamm' is not a service prefix" in service.stderr
    assert "did you mean iam?" in service.stderr
    for known in ("iam:PassRole", "IAM:passrole"):
        assert "warning" not in run("who-can", known, "--db", loaded).stderr


def test_an_action_pattern_is_refused_not_asked_as_a_name(loaded):
    """`who-can 'iam:Pass*'` asked about an action named iam:Pass*, which only wildcard statements match: opsy, whose
    grant names iam:PassRole, was left out, without a word. A request is for one action, as AWS's simulator's."""
    for args, command in ((["who-can", "iam:Pass*"], "who-can"),
                          (["simulate", "--principal", f"arn:aws:iam::{ACCOUNT}:user/opsy", "--action", "iam:Pass*"],
                           "simulate")):
        done = run(*args, "--db", loaded)
        assert done.returncode == 2 and done.stdout == ""
        assert done.stderr == (f"error: iam:Pass* is a pattern: {command} asks about one action (the pattern matches "
                               "iam:PassRole)\n")
    many = run("who-can", "iam:*", "--db", loaded)
    assert many.returncode == 2 and many.stderr.startswith("error: iam:* is a pattern: who-can asks about one action "
                                                           "(the pattern matches iam:")
    assert many.stderr.endswith(" more)\n") and many.stderr.count("\n") == 1


def test_a_principal_under_the_wrong_path_is_named_with_its_loaded_arn(loaded):
    """The ARN of a loaded user with another IAM path only pointed at a query listing every ARN."""
    done = run("simulate", "--db", loaded, "--principal", f"arn:aws:iam::{ACCOUNT}:user/team/opsy",
               "--action", "iam:PassRole")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == (f"error: principal arn:aws:iam::{ACCOUNT}:user/team/opsy is not an IAM user or role in the "
                           f"loaded data (did you mean arn:aws:iam::{ACCOUNT}:user/opsy?)\n")
    nobody = run("simulate", "--db", loaded, "--principal", f"arn:aws:iam::{ACCOUNT}:user/team/nobody",
                 "--action", "iam:PassRole")
    assert nobody.returncode == 2 and "did you mean" not in nobody.stderr and "lists them" in nobody.stderr


def test_a_bare_principal_name_is_answered_with_its_loaded_arn(loaded):
    """`--principal opsy` said opsy was not a loaded user, while it is one: the option takes an ARN."""
    done = run("simulate", "--db", loaded, "--principal", "opsy", "--action", "iam:PassRole")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == ("error: principal opsy is not an ARN; give the ARN of a loaded user or role "
                           f"(did you mean arn:aws:iam::{ACCOUNT}:user/opsy?)\n")
    nobody = run("simulate", "--db", loaded, "--principal", "nobody", "--action", "iam:PassRole")
    assert nobody.returncode == 2 and "did you mean" not in nobody.stderr and "lists them" in nobody.stderr


def test_simulate_names_the_trust_policy_in_its_reason(tmp_path):
    """A trust policy that names the caller decides sts:AssumeRole: the reason names it as granted_by does; it said
    "Allowed by resource_policy statement 0", a request file's field name."""
    path = str(tmp_path / "trust.duckdb")
    con = db.connect(path)
    base = {"account_id": ACCOUNT, "partition": "aws", "region": "global", "path": "/", "attached_policy_arns": []}
    user = f"arn:aws:iam::{ACCOUNT}:user/reader"
    provider = f"arn:aws:iam::{ACCOUNT}:saml-provider/idp"
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": user}, "Action": "sts:AssumeRole"},
        {"Effect": "Allow", "Principal": {"Federated": provider}, "Action": "sts:AssumeRoleWithSAML"}]}
    with db.transaction(con):
        snapshot = db.new_snapshot(con, account_id=ACCOUNT, kind="load", sources=[],
                                   as_of=datetime(2024, 3, 1, tzinfo=timezone.utc))
        db.insert_rows(con, "aws_iam_user", snapshot, [
            {"name": "reader", "arn": user, "groups": [], "inline_policies": None, **base}])
        db.insert_rows(con, "aws_iam_role", snapshot, [
            {"name": "named", "arn": f"arn:aws:iam::{ACCOUNT}:role/named", "assume_role_policy": trust,
             "inline_policies": None, **base}])
        db.insert_rows(con, "aws_iam_group", snapshot, [])
        db.insert_rows(con, "aws_iam_policy", snapshot, [])
    con.close()
    done = run("simulate", "--db", path, "--principal", user, "--action", "sts:AssumeRole",
               "--resource", f"arn:aws:iam::{ACCOUNT}:role/named", "-o", "json")
    answer = json.loads(done.stdout)
    assert answer["decision"] == "Allowed", answer
    assert answer["granted_by"] == ["the trust policy of role named (statement 0)"], answer
    assert answer["reason"] == "Allowed by the trust policy of role named statement 0.", answer
    federated = run("simulate", "--db", path, "--principal", provider, "--action", "sts:AssumeRoleWithSAML",
                    "--resource", f"arn:aws:iam::{ACCOUNT}:role/named", "-o", "json")
    answer = json.loads(federated.stdout)
    assert (answer["decision"], answer["reason"]) == (
        "Allowed", "Allowed by the trust policy of role named statement 1."), answer

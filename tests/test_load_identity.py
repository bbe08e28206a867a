"""``iamsql load`` of identity outputs beyond IAM and of the remaining IAM CLI outputs: content detection where
keys are shared with IAM's (the identity store's ``Users`` / ``Groups``), outputs placed only through an added
key or a sibling file (CloudMapper's last-accessed layout), outputs that cannot be attributed (skipped with one
line naming get-account-authorization-details, an error when named explicitly), sts get-caller-identity giving
the account, the AWS CLI's documented example outputs, and ``aws_iam_action`` / ``glob()`` in ``iamsql query``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from iamsql.errors import InputError
from iamsql.load import load_paths
from iamsql.store import db

ACCOUNT = "111122223333"
IAMSQL = str(Path(sys.executable).parent / "iamsql")


def write(folder: Path, files: dict[str, dict]) -> Path:
    for name, document in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(json.dumps(document))
    return folder


def test_identity_store_and_iam_listings_are_told_apart(tmp_path):
    folder = write(tmp_path / "out", {
        "iam-list-users.json": {"Users": [{"UserName": "ops", "UserId": "AIDAEXAMPLE000000001", "Path": "/",
                                           "Arn": f"arn:aws:iam::{ACCOUNT}:user/ops",
                                           "CreateDate": "2025-01-01T00:00:00Z"}]},
        "identitystore-list-users.json": {"Users": [{"UserName": "ana", "UserId": "9067-ana",
                                                     "IdentityStoreId": "d-1234567890"}]},
        "identitystore-list-groups.json": {"IdentityStoreId": "d-1234567890", "Groups": []},
    })
    con = db.connect(tmp_path / "t.duckdb")
    load_paths(con, [folder])
    assert con.execute("select name from aws_iam_user").fetchall() == [("ops",)]
    assert con.execute("select name, id, account_id from aws_identitystore_user").fetchall() == [
        ("ana", "9067-ana", ACCOUNT)]
    covered = {r[0] for r in con.execute("select table_name from iamsql_latest").fetchall()}
    assert {"aws_iam_user", "aws_identitystore_user", "aws_identitystore_group"} <= covered  # empty groups: data


SAVED = Path(__file__).parent / "data" / "saved_variants"
STORE = "d-1111222233"
PERMISSION_SET = "arn:aws:sso:::permissionSet/ssoins-1111222233334444/ps-5555666677778888"
GROUP_ID = "a1b2c3d4-5678-90ab-cdef-EXAMPLE22222"
USER_ID = "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"
IDENTITY_TABLES = ["aws_ssoadmin_instance", "aws_ssoadmin_permission_set", "aws_ssoadmin_managed_policy_attachment",
                   "aws_ssoadmin_account_assignment", "aws_identitystore_user", "aws_identitystore_group",
                   "aws_identitystore_group_membership"]


def test_identity_center_outputs_saved_in_a_region_folder_take_its_region(tmp_path):
    """Identity Center and identity store outputs name no region: saved in the folder of the region they were asked
    in (`<account>/<region>/<service>/...`, as `collect` lays them out), every row takes that region, as
    list-analyzers, describe-trails and describe-metric-filters outputs do; the `Region` `collect` adds wins, and a
    file in no region folder without one names none."""
    region = tmp_path / "out" / ACCOUNT / "eu-west-1"
    (region / "sso-admin").mkdir(parents=True)
    for name in ("list-instances.json", "list-permission-sets.json", "describe-permission-set.json"):
        (region / "sso-admin" / name).write_bytes((SAVED / name).read_bytes())
    write(region, {
        "sso-admin/list-managed-policies-in-permission-set/ps-5555666677778888.json": {
            "PermissionSetArn": PERMISSION_SET, "AttachedManagedPolicies": [
                {"Name": "ViewOnlyAccess", "Arn": "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"}]},
        f"sso-admin/list-account-assignments/ps-5555666677778888-{ACCOUNT}.json": {"AccountAssignments": [
            {"AccountId": ACCOUNT, "PermissionSetArn": PERMISSION_SET, "PrincipalType": "GROUP",
             "PrincipalId": GROUP_ID}]},
        "identitystore/list-users.json": {"Users": [
            {"UserName": "ana@example.com", "UserId": USER_ID, "IdentityStoreId": STORE, "DisplayName": "Ana"}]},
        "identitystore/list-groups.json": {"Groups": [
            {"GroupId": GROUP_ID, "DisplayName": "auditors", "IdentityStoreId": STORE}]},
        f"identitystore/list-group-memberships/{GROUP_ID}.json": {"GroupMemberships": [
            {"IdentityStoreId": STORE, "MembershipId": "a1b2c3d4-5678-90ab-cdef-EXAMPLE33333", "GroupId": GROUP_ID,
             "MemberId": {"UserId": USER_ID}}]},
    })
    con = db.connect(tmp_path / "t.duckdb")
    load_paths(con, [tmp_path / "out"])
    assert {table: con.execute(f"select account_id, region, count(*) from {table} group by all").fetchall()
            for table in IDENTITY_TABLES} == {table: [(ACCOUNT, "eu-west-1", count)] for table, count in zip(
                IDENTITY_TABLES, (1, 2, 1, 1, 1, 1, 1))}

    listing = json.loads((SAVED / "list-instances.json").read_text())
    write(tmp_path / "more", {"us-east-1/collected.json": {**listing, "Region": "us-east-2"},
                              "unplaced/list-instances.json": listing})
    for name, expected in (("us-east-1/collected.json", "us-east-2"), ("unplaced/list-instances.json", None)):
        con = db.connect(tmp_path / f"{expected}.duckdb")
        load_paths(con, [tmp_path / "more" / name])
        assert con.execute("select region from aws_ssoadmin_instance").fetchall() == [(expected,)], name


def test_identity_store_group_title_and_akas_as_steampipe_gives_them(tmp_path):
    # Steampipe's title of a group is its display name and its akas the group id (a group has no ARN)
    folder = write(tmp_path / "out", {"identitystore-list-groups.json": {"IdentityStoreId": "d-1234567890", "Groups": [
        {"GroupId": "9067-admins", "DisplayName": "admins", "IdentityStoreId": "d-1234567890"}]}})
    con = db.connect(tmp_path / "t.duckdb")
    load_paths(con, [folder], account_id=ACCOUNT, as_of="2025-01-02T00:00:00Z")
    assert con.execute("select name, title, akas::varchar from aws_identitystore_group").fetchall() == [
        ("admins", "admins", '["9067-admins"]')]


def test_outputs_that_need_an_added_key_are_warned_about_not_guessed(tmp_path):
    folder = write(tmp_path / "out", {
        "list-findings.json": {"findings": [{"id": "f-1", "resource": "arn:aws:s3:::b", "status": "ACTIVE",
                                             "resourceOwnerAccount": ACCOUNT}]},
        "list-managed-policies-in-permission-set.json": {"AttachedManagedPolicies": [
            {"Name": "AdministratorAccess", "Arn": "arn:aws:iam::aws:policy/AdministratorAccess"}]},
        "get-service-last-accessed-details.json": {"JobStatus": "IN_PROGRESS", "ServicesLastAccessed": []},
    })
    con = db.connect(tmp_path / "t.duckdb")
    summary = load_paths(con, [folder], account_id=ACCOUNT, as_of="2026-01-01")
    warnings = "\n".join(summary.warnings)
    assert "list-findings output names no AnalyzerArn" in warnings
    assert "list-managed-policies-in-permission-set output names no PermissionSetArn" in warnings
    assert (str(folder / "get-service-last-accessed-details.json"),
            "get-service-last-accessed-details of a job that is IN_PROGRESS, not COMPLETED (no services yet); save the "
            "output again once the job is COMPLETED") in summary.skipped
    for table in ("aws_accessanalyzer_finding", "aws_ssoadmin_managed_policy_attachment", "aws_iam_access_advisor"):
        assert con.execute(f"select count(*) from {table}").fetchone()[0] == 0


def test_a_last_accessed_job_still_running_is_named_as_such(public_data, tmp_path, monkeypatch, capsys):
    """get-service-last-accessed-details asked before the job ends has no ServicesLastAccessed at all (a recorded
    IN_PROGRESS answer): it is skipped as that job's output (an error when named); it was called not a recognised
    output."""
    from tests.test_evidence import cli

    running = public_data / "cloud_custodian_placebo/api_response_json/test_iam_user_usage/iam.GetServiceLastAccessedDetails_1.json"
    assert "ServicesLastAccessed" not in json.loads(running.read_text())
    users = write(tmp_path / "out", {"list-users.json": {"Users": [{
        "Path": "/", "UserName": "ann", "UserId": "AIDAANN00000000000000", "Arn": f"arn:aws:iam::{ACCOUNT}:user/ann",
        "CreateDate": "2019-03-01T00:00:00Z"}]}})
    reason = ("get-service-last-accessed-details of a job that is IN_PROGRESS, not COMPLETED (no services yet); save "
              "the output again once the job is COMPLETED")
    code, _out, err = cli(monkeypatch, capsys, "load", str(running.parent), str(users), "--db",
                          str(tmp_path / "t.duckdb"), "--quiet")
    assert code == 0 and f"skipped {running}: {reason}\n" in err
    code, _out, err = cli(monkeypatch, capsys, "load", str(running), str(users), "--db", str(tmp_path / "t.duckdb"),
                          "--quiet")
    assert (code, err) == (2, f"error: {running}: {reason}; nothing was loaded, none of the 2 files (a load stores "
                              "all of them or none)\n")


def test_cloudmapper_last_accessed_files_are_paired_by_job_id(public_data, tmp_path):
    """CloudMapper names each generate output after its principal's URL-encoded ARN and each get output after the
    job id: the pair gives the principal of every row."""
    demo = public_data / "cloudmapper_demo" / "account-data" / "demo" / "us-east-1"
    con = db.connect(tmp_path / "t.duckdb")
    load_paths(con, [demo / "iam-generate-service-last-accessed-details", demo / "iam-get-service-last-accessed-details"])
    jobs = {}
    for generated in (demo / "iam-generate-service-last-accessed-details").iterdir():
        jobs[json.loads(generated.read_text())["JobId"]] = generated.name.replace("%3A", ":").replace("%2F", "/")
    expected = set()
    for job, principal in jobs.items():
        details = json.loads((demo / "iam-get-service-last-accessed-details" / job).read_text())
        expected |= {(principal, s["ServiceNamespace"]) for s in details["ServicesLastAccessed"]}
    loaded = set(con.execute("select principal_arn, service_namespace from aws_iam_access_advisor").fetchall())
    assert loaded == expected and len(expected) >= 2


def test_get_output_without_its_generate_pair_is_skipped_saying_what_to_add(public_data, tmp_path, monkeypatch,
                                                                            capsys):
    """A get output no principal places was kept as a loaded file of no rows: named alone it asked for
    --account-id (which stored an empty snapshot), and its warning did not say which job's output would place it."""
    from tests.test_evidence import cli

    demo = public_data / "cloudmapper_demo" / "account-data" / "demo" / "us-east-1"
    job = "a2b53fd9-88bc-d0b5-1b9a-af9c4af22371"
    get_output = demo / "iam-get-service-last-accessed-details" / job
    users = write(tmp_path / "out", {"list-users.json": {"Users": [{
        "Path": "/", "UserName": "ann", "UserId": "AIDAANN00000000000000", "Arn": f"arn:aws:iam::{ACCOUNT}:user/ann",
        "CreateDate": "2019-03-01T00:00:00Z"}]}})
    con = db.connect(tmp_path / "t.duckdb")
    summary = load_paths(con, [get_output.parent, users])
    reasons = dict(summary.skipped)
    assert set(reasons) == {str(f) for f in get_output.parent.iterdir()}
    assert '"Arn"' in reasons[str(get_output)] and f"output of job {job} (its file name)" in reasons[str(get_output)]
    assert con.execute("select count(*) from aws_iam_access_advisor").fetchone()[0] == 0
    renamed = users / "get-service-last-accessed-details.json"  # not named after its job: no job to name
    renamed.write_bytes(get_output.read_bytes())
    summary = load_paths(con, [users])
    assert "or save it under its job id and load it with" in dict(summary.skipped)[str(renamed)]
    con.close()
    code, _out, err = cli(monkeypatch, capsys, "load", str(get_output), "--db", str(tmp_path / "alone.duckdb"))
    assert code == 2 and err.startswith(f"error: {get_output}: get-service-last-accessed-details output names no "
                                        "principal; add ")
    assert "--account-id" not in err and len(err.splitlines()) == 1


def test_a_generate_output_takes_the_account_of_the_principal_it_is_named_after(public_data, tmp_path):
    """In a load that names two accounts, the generate outputs (only a job id) asked for --account-id: the ARN
    they are named after names their account."""
    demo = public_data / "cloudmapper_demo" / "account-data" / "demo" / "us-east-1"
    analyzers = json.loads((demo / "accessanalzyer-list-analyzers.json").read_text())
    assert "000000000000" in analyzers["analyzers"][0]["arn"]
    con = db.connect(tmp_path / "t.duckdb")
    load_paths(con, [demo / "accessanalzyer-list-analyzers.json", demo / "iam-generate-service-last-accessed-details",
                     demo / "iam-get-service-last-accessed-details"])
    assert con.execute("select distinct account_id from aws_iam_access_advisor").fetchall() == [("123456789012",)]


UNATTRIBUTABLE = ["list-attached-user-policies_1.json", "list-attached-role-policies_1.json",
                  "list-user-policies_1.json", "get-user-policy_1.json", "list-policy-versions_1.json",
                  "get-policy-version_1.json", "list-entities-for-policy_1.json", "list-user-tags_1.json"]


def test_outputs_without_their_owner_are_skipped_with_the_way_out(public_data, tmp_path):
    examples = public_data / "aws_cli_examples" / "json" / "iam"
    folder = tmp_path / "examples"
    folder.mkdir()
    for name in UNATTRIBUTABLE:
        (folder / name).write_bytes((examples / name).read_bytes())
    con = db.connect(tmp_path / "t.duckdb")
    summary = load_paths(con, [folder], account_id=ACCOUNT, as_of="2026-01-01")
    reasons = dict(summary.skipped)
    assert set(reasons) == {str(folder / name) for name in UNATTRIBUTABLE}
    assert all("get-account-authorization-details" in reason for reason in reasons.values())
    result = subprocess.run([IAMSQL, "load", str(folder / "list-attached-user-policies_1.json"), "--account-id",
                             ACCOUNT, "--db", str(tmp_path / "cli.duckdb")], capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: ") and "cannot be attributed" in line


def test_owner_named_by_an_added_key_is_filled(tmp_path):
    policy = f"arn:aws:iam::{ACCOUNT}:policy/deploy"
    folder = write(tmp_path / "out", {
        "list-roles.json": {"Roles": [{"RoleName": "ci", "Arn": f"arn:aws:iam::{ACCOUNT}:role/ci", "Path": "/",
                                       "RoleId": "AROAEXAMPLE000000001", "CreateDate": "2025-01-01T00:00:00Z"}]},
        "list-role-tags.json": {"RoleName": "ci", "Tags": [{"Key": "owner", "Value": "platform"}]},
        "get-policy-version.json": {"PolicyArn": policy, "PolicyVersion": {
            "VersionId": "v2", "IsDefaultVersion": True, "CreateDate": "2025-02-01T00:00:00Z",
            "Document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}}},
    })
    con = db.connect(tmp_path / "t.duckdb")
    load_paths(con, [folder])
    assert json.loads(con.execute("select tags from aws_iam_role").fetchone()[0]) == {"owner": "platform"}
    version, document = con.execute("select default_version_id, policy_std from aws_iam_policy").fetchone()
    assert version == "v2" and json.loads(document)["Statement"][0]["Action"] == ["s3:*"]


def test_caller_identity_gives_the_folder_its_account(tmp_path):
    folder = write(tmp_path / "out", {
        "whoami.json": {"UserId": "AIDAEXAMPLE000000002", "Account": ACCOUNT, "Arn": f"arn:aws:iam::{ACCOUNT}:user/ops"},
        "get-account-password-policy.json": {"PasswordPolicy": {"MinimumPasswordLength": 16}},
    })
    con = db.connect(tmp_path / "t.duckdb")
    load_paths(con, [folder], as_of="2026-01-01")
    assert con.execute("select account_id, minimum_password_length from aws_iam_account_password_policy").fetchall() == [
        (ACCOUNT, 16)]
    with pytest.raises(InputError, match="names no AWS account"):
        load_paths(db.connect(tmp_path / "u.duckdb"), [folder / "get-account-password-policy.json"], as_of="2026-01-01")


def test_caller_identity_gives_the_folders_above_it_their_account(public_data, tmp_path):
    """CloudMapper keeps describe-regions.json in account-data/demo/, its sts-get-caller-identity.json one folder
    down beside an analyzer listing of another account (000000000000): the load asked for --account-id."""
    con = db.connect(tmp_path / "demo.duckdb")
    load_paths(con, [public_data / "cloudmapper_demo"])
    assert con.execute("select distinct account_id from aws_region").fetchall() == [("123456789012",)]
    assert con.execute("select account_id from aws_accessanalyzer_analyzer").fetchall() == [("000000000000",)]
    # two identities below the folder: the file beside them is no more one's than the other's
    other = "444455556666"
    for name, account in (("a", ACCOUNT), ("b", other)):
        write(tmp_path / "two" / name, {"whoami.json": {"UserId": "AIDAEXAMPLE000000002", "Account": account,
                                                        "Arn": f"arn:aws:iam::{account}:user/ops"}})
    write(tmp_path / "two", {"get-account-password-policy.json": {"PasswordPolicy": {"MinimumPasswordLength": 16}}})
    with pytest.raises(InputError, match=f"accounts seen: {ACCOUNT}, {other}\\); pass --account-id"):
        load_paths(db.connect(tmp_path / "two.duckdb"), [tmp_path / "two"], as_of="2026-01-01")


def test_server_certificates_and_service_credentials_from_the_cli_examples(public_data, tmp_path):
    examples = public_data / "aws_cli_examples" / "json" / "iam"
    con = db.connect(tmp_path / "t.duckdb")
    load_paths(con, [examples / "list-server-certificates_1.json", examples / "list-service-specific-credentials_1.json"],
               account_id="123456789012")
    listed = json.loads((examples / "list-server-certificates_1.json").read_text())["ServerCertificateMetadataList"]
    assert sorted(r[0] for r in con.execute("select name from aws_iam_server_certificate").fetchall()) == sorted(
        c["ServerCertificateName"] for c in listed)
    credentials = json.loads((examples / "list-service-specific-credentials_1.json").read_text())
    assert sorted(con.execute("select service_specific_credential_id, status from aws_iam_service_specific_credential")
                  .fetchall()) == sorted((c["ServiceSpecificCredentialId"], c["Status"])
                                         for c in credentials["ServiceSpecificCredentials"])
    # Steampipe's title of a credential is the name of its service
    assert sorted(con.execute("select title from aws_iam_service_specific_credential").fetchall()) == sorted(
        (c["ServiceName"],) for c in credentials["ServiceSpecificCredentials"])


def test_action_catalog_and_glob_in_iamsql_query(tmp_path):
    database = tmp_path / "q.duckdb"
    db.connect(database).close()
    result = subprocess.run([IAMSQL, "query", "--db", str(database), "-o", "json",
                             "select action, prefix, privilege, access_level from aws_iam_action "
                             "where action like glob('iam:pass*') or action like glob('sts:assumerole?ithsaml')"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    rows = {r["action"]: r for r in json.loads(result.stdout)["rows"]}
    assert rows["iam:passrole"] == {"action": "iam:passrole", "prefix": "iam", "privilege": "PassRole",
                                    "access_level": "Write"}
    assert set(rows) == {"iam:passrole", "sts:assumerolewithsaml"}


def test_action_access_levels_are_steampipes_five(tmp_path):
    """docs/sql.md's `access_level = 'Permissions management'` found nothing: the catalog says `Permissions
    management, Write` and `Tagging, Write`, Steampipe (and AWS's reference) `Permissions management`, `Tagging`."""
    database = tmp_path / "q.duckdb"
    db.connect(database).close()
    result = subprocess.run([IAMSQL, "query", "--db", str(database), "-o", "json",
                             "select action, access_level from aws_iam_action where action in "
                             "('iam:attachuserpolicy', 'iam:tagrole', 'iam:passrole', 'iam:getrole', 'iam:listroles') "
                             "or access_level not in ('List', 'Read', 'Write', 'Permissions management', 'Tagging')"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert {r["action"]: r["access_level"] for r in json.loads(result.stdout)["rows"]} == {
        "iam:attachuserpolicy": "Permissions management", "iam:tagrole": "Tagging", "iam:passrole": "Write",
        "iam:getrole": "Read", "iam:listroles": "List"}


def test_one_permission_sets_assignments_cut_after_a_page_are_not_completed_by_anothers(tmp_path):
    """ListAccountAssignments lists one account's assignments of one permission set: a first page saying NextToken
    beside another permission set's whole output still misses its last page (the whole output was taken for it)."""
    pages = Path(__file__).parent / "data" / "identity_pages"
    con = db.connect(str(tmp_path / "a.duckdb"))
    summary = load_paths(con, [pages], account_id=ACCOUNT, as_of="2024-07-01")
    assert any(f"every list-account-assignments output of {ACCOUNT} {PERMISSION_SET} says there is more" in w
               for w in summary.warnings)
    assert con.execute("select table_name from iamsql_partial").fetchall() == [("aws_ssoadmin_account_assignment",)]
    assert con.execute("select count(*) from aws_ssoadmin_account_assignment").fetchone() == (2,)
    con.close()


def test_one_accounts_assignments_of_one_permission_set_are_part_of_the_table(tmp_path):
    """ListAccountAssignments takes one --account-id and one --permission-set-arn: its output lists that pair whole
    (an empty one too) and nothing of the other permission sets and accounts, so the table stays partial, its
    reason naming the pair; an empty output naming neither proves no pair."""
    other = "arn:aws:sso:::permissionSet/ssoins-1111222233334444/ps-9999000011112222"
    write(tmp_path / "out", {
        "assigned.json": {"AccountAssignments": [
            {"AccountId": ACCOUNT, "PermissionSetArn": PERMISSION_SET, "PrincipalType": "GROUP",
             "PrincipalId": GROUP_ID}]},
        "none.json": {"AccountId": "444455556666", "PermissionSetArn": other, "AccountAssignments": []}})
    con = db.connect(tmp_path / "a.duckdb")
    load_paths(con, [tmp_path / "out"], account_id=ACCOUNT, as_of="2024-07-01")
    partial = con.execute("select table_name, reason, whole from iamsql_partial").fetchall()
    assert partial == [("aws_ssoadmin_account_assignment",
                        f"out/assigned.json: list-account-assignments lists the assignments of {PERMISSION_SET} in account "
                        f"{ACCOUNT} only; out/none.json: list-account-assignments lists the assignments of {other} in "
                        "account 444455556666 only",
                        sorted([f"{ACCOUNT} {PERMISSION_SET}", f"444455556666 {other}"]))]
    assert con.execute("select count(*) from aws_ssoadmin_account_assignment").fetchone() == (1,)
    con.close()

    write(tmp_path / "bare", {"empty.json": {"AccountAssignments": []}})
    con = db.connect(tmp_path / "b.duckdb")
    load_paths(con, [tmp_path / "bare"], account_id=ACCOUNT, as_of="2024-07-01")
    assert con.execute("select * from iamsql_listed").fetchall() == []
    assert con.execute("select count(*) from iamsql_latest where table_name = 'aws_ssoadmin_account_assignment'"
                       ).fetchone() == (0,)
    con.close()


@pytest.mark.parametrize("name, says", [
    ("get-context-keys-for-principal-policy_1.json", "condition keys policies name"),
    ("get-context-keys-for-custom-policy_1.json", "condition keys policies name"),
    ("list-policies-granting-service-access_1.json", "without their documents"),
    ("simulate-principal-policy_1.json", "policy simulator answers"),
    ("simulate-custom-policy_2.json", "policy simulator answers"),
    ("get-service-last-accessed-details-with-entities_1.json", "entities that used one service"),
])
def test_identity_outputs_no_table_holds_are_skipped_saying_what_they_are(public_data, tmp_path, name, says):
    """The AWS CLI's documented examples of IAM outputs that no Steampipe table holds were "not a recognised AWS IAM
    or CloudTrail output": in a folder they are skipped saying what they are; named, the error says it."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / name).write_bytes((public_data / "aws_cli_examples" / "json" / "iam" / name).read_bytes())
    (tmp_path / "in" / "summary.json").write_text(json.dumps({"SummaryMap": {"Users": 1}}))
    summary = load_paths(db.connect(tmp_path / "t.duckdb"), [tmp_path / "in"], account_id=ACCOUNT, as_of="2026-01-01")
    [(path, reason)] = summary.skipped
    assert Path(path).name == name and says in reason and "not a recognised" not in reason
    result = subprocess.run([IAMSQL, "load", str(tmp_path / "in" / name), "--account-id", ACCOUNT, "--db",
                             str(tmp_path / "cli.duckdb")], capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: ") and says in line

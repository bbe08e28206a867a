"""``iamsql load`` on the shapes real AWS output takes: every variant of the credential report, API-style
(URL-encoded) and CLI-style get-account-authorization-details pages, AWS CLI list/get outputs and error text,
and CloudTrail's S3 layout (organization trails, digest and Insights folders, gzip members, every userIdentity
type). The fixtures in tests/data/real_shapes are small files written from AWS's documented shapes; its README
says where each one is documented. Rows are checked against what AWS means, not against the loader's output."""

from __future__ import annotations

import base64
import gzip
import json
import shutil
from pathlib import Path
from urllib.parse import unquote

import pytest

from iamsql.errors import InputError
from iamsql.load import load_paths
from iamsql.load.normalize import policy_std
from iamsql.store import db

SHAPES = Path(__file__).parent / "data" / "real_shapes"
ACCOUNT = "111122223333"


def load(tmp_path: Path, *paths, name: str = "shapes.duckdb", **options):
    """A fresh database with ``paths`` loaded; returns (connection, load summary)."""
    con = db.connect(tmp_path / name)
    return con, load_paths(con, [str(p) for p in paths], **options)


def rows(con, sql: str, *params) -> list[tuple]:
    return con.execute(sql, list(params)).fetchall()


def value(con, sql: str, *params):
    return con.execute(sql, list(params)).fetchone()[0]


def state(con) -> list:
    """Everything a failed load must leave as it was: snapshots and the rows of every history table."""
    counts = [value(con, f"select count(*) from history.{t}") for (t,) in rows(
        con, "select table_name from information_schema.tables where table_schema = 'history' order by 1")]
    return [rows(con, "select snapshot_id, account_id from iamsql_snapshot order by 1"), counts]


# ---- credential report -----------------------------------------------------------------------------------------

REPORT = (SHAPES / "credential-report.csv").read_text()
GENERATED = "2024-03-03T04:05:06+00:00"


def _cli_json(content: str, **extra) -> str:
    return json.dumps({"Content": content, "ReportFormat": "text/csv", "GeneratedTime": GENERATED, **extra}, indent=4)


REPORT_VARIANTS = {
    "raw CSV": ("report.csv", REPORT),
    "UTF-8 BOM": ("report.csv", "\ufeff" + REPORT),
    "CRLF line ends": ("report.csv", REPORT.replace("\n", "\r\n")),
    "extra trailing newlines": ("report.csv", REPORT + "\n\n"),
    "no final newline": ("report.csv", REPORT.rstrip("\n")),
    "aws iam get-credential-report (base64 Content)": ("get-credential-report.json",
                                                        _cli_json(base64.b64encode(REPORT.encode()).decode())),
    "base64 wrapped at 76 columns": ("get-credential-report.json", _cli_json(base64.encodebytes(REPORT.encode()).decode())),
    "boto3 response saved as JSON (plain Content)": ("get-credential-report.json", _cli_json(REPORT)),
}


@pytest.mark.parametrize("variant", REPORT_VARIANTS)
def test_credential_report_variants_give_the_same_rows(tmp_path, variant):
    name, text = REPORT_VARIANTS[variant]
    (tmp_path / name).write_text(text, encoding="utf-8", newline="")
    con, _ = load(tmp_path, tmp_path / name)
    got = rows(con, "select user_name, user_arn, password_enabled, password_status, password_last_used, "
                    "password_last_changed, password_next_rotation, mfa_active, access_key_1_last_used_region, "
                    "access_key_1_last_used_service, access_key_2_active, cert_1_active, account_id "
                    "from aws_iam_credential_report order by user_name")
    by_user = {r[0]: r[1:] for r in got}
    assert sorted(by_user) == ["<root_account>", "alice", "ci-bot", "newhire"]
    root = by_user["<root_account>"]
    # not_supported (root has no IAM password fields) -> NULL, never a date; the row stays the root principal.
    assert root[0] == f"arn:aws:iam::{ACCOUNT}:root" and root[4] is None and root[5] is None
    assert root[3].isoformat() == "2024-03-01T09:15:00+00:00" and root[6] is True
    # N/A = no password; no_information = never used since tracking began.
    assert by_user["ci-bot"][1:4] == (False, "not_set", None)
    assert by_user["newhire"][1:4] == (True, "never_used", None)
    assert by_user["alice"][2] == "used" and by_user["alice"][5].isoformat() == "2024-01-30T12:00:00+00:00"
    # A key last used on a service that has no region: region N/A -> NULL, service kept.
    assert by_user["ci-bot"][7:9] == (None, "s3") and by_user["ci-bot"][9] is True and by_user["ci-bot"][10] is True
    assert {r[-1] for r in got} == {ACCOUNT}
    if name.endswith(".json"):
        assert value(con, "select distinct generated_time from aws_iam_credential_report").isoformat() == GENERATED


def test_credential_report_without_key_last_used_columns(tmp_path):
    con, _ = load(tmp_path, SHAPES / "credential-report-without-key-last-used.csv")
    got = rows(con, "select user_name, access_key_1_active, access_key_1_last_rotated, access_key_1_last_used_date, "
                    "access_key_1_last_used_service, password_status from aws_iam_credential_report order by 1")
    assert [(r[0], r[1], r[2].isoformat(), r[3], r[4], r[5]) for r in got] == [
        ("<root_account>", True, "2013-02-11T08:00:00+00:00", None, None, "used"),
        ("ops", True, "2013-05-06T07:08:10+00:00", None, None, "never_used"),
    ]


def _without_column(text: str, column: str) -> str:
    lines = [line.split(",") for line in text.splitlines()]
    where = lines[0].index(column)
    return "".join(",".join(cells[:where] + cells[where + 1:]) + "\n" for cells in lines)


def test_credential_report_listing_a_user_twice_keeps_the_later_line(tmp_path):
    """AWS lists each user once; an edited report (or two pasted together) listing one twice keeps the later line
    with a warning, so each control gives that user one row, not two that contradict each other."""
    lines = REPORT.splitlines(keepends=True)
    first = next(n for n, line in enumerate(lines) if line.startswith("alice,"))
    cells = lines[first].split(",")
    cells[7] = "false" if cells[7] == "true" else "true"  # mfa_active, the eighth column
    path = tmp_path / "report.csv"
    path.write_text("".join(lines) + ",".join(cells))
    con, summary = load(tmp_path, path)
    arn = f"arn:aws:iam::{ACCOUNT}:user/alice"
    assert rows(con, "select mfa_active from aws_iam_credential_report where user_arn = ?", arn) == [
        (cells[7] == "true",)]
    assert value(con, "select count(*) from aws_iam_credential_report") == len(lines) - 1
    later = len(lines) + 1
    assert f"credential report lists {arn} on lines {first + 1} and {later}; line {later} is kept" in summary.warnings


@pytest.mark.parametrize("column", ["password_enabled", "password_last_used", "mfa_active", "cert_2_last_rotated"])
def test_credential_report_without_a_column_every_report_has_is_an_error(tmp_path, column):
    """Every report layout has the first 16 columns; without password_enabled the user would load as having no
    password, without password_last_used with password_status 'used'."""
    path = tmp_path / "report.csv"
    path.write_text(_without_column(REPORT, column))
    with pytest.raises(InputError) as caught:
        load(tmp_path, path)
    assert str(caught.value) == f"{path}: bad credential report CSV: credential report lacks column(s) {column}"


# The same report downloaded again a month later: alice signed in since. Its newest time (2024-04-01) is after the
# first download's GeneratedTime (2024-03-03), so it was generated later, whatever the file names.
LATER_REPORT = REPORT.replace("true,2024-03-02T10:00:00+00:00", "true,2024-04-01T10:00:00+00:00")


@pytest.mark.parametrize("older, newer", [
    (("get-credential-report.json", _cli_json(base64.b64encode(REPORT.encode()).decode())), ("a.csv", LATER_REPORT)),
    (("report.csv", REPORT), ("report (1).csv", LATER_REPORT)),  # a browser's name for the second download
])
def test_newest_of_several_credential_reports_is_loaded(tmp_path, older, newer):
    folder = tmp_path / "reports"
    folder.mkdir()
    for name, text in (older, newer):
        (folder / name).write_text(text)
    con, summary = load(tmp_path, folder)
    last_used = value(con, "select password_last_used from aws_iam_credential_report where user_name = 'alice'")
    assert last_used.isoformat() == "2024-04-01T10:00:00+00:00"
    assert summary.warnings == [f"{folder / older[0]}: older credential report for {ACCOUNT}, superseded by "
                                f"{folder / newer[0]}"]


def test_generated_time_wins_over_a_copy_with_no_later_time(tmp_path):
    """A raw CSV only bounds its time from below: one with nothing newer than a JSON report's GeneratedTime does
    not beat that report, even as the later file."""
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "a.json").write_text(_cli_json(REPORT))
    (folder / "b.csv").write_text(REPORT)
    con, summary = load(tmp_path, folder)
    assert value(con, "select distinct generated_time from aws_iam_credential_report").isoformat() == GENERATED
    assert summary.warnings == [f"{folder / 'b.csv'}: older credential report for {ACCOUNT}, superseded by "
                                f"{folder / 'a.json'}"]


@pytest.mark.parametrize("broken, reason", [
    (lambda t: t.rsplit(",", 9)[0] + "\n", "fewer cells than the header"),  # a download cut off mid-row
    (lambda t: t.replace("2024-03-02T10:00:00+00:00", "yesterday"), "column password_last_used"),
    (lambda t: t.replace(",true,true,2023", ",yes,true,2023"), "column mfa_active"),
])
def test_broken_credential_report_is_one_line_and_changes_nothing(tmp_path, broken, reason):
    con, _ = load(tmp_path, SHAPES / "gaad-page-1.json", SHAPES / "gaad-page-2.json")
    before = state(con)
    bad = tmp_path / "in" / "credential-report.csv"
    bad.parent.mkdir()
    bad.write_text(broken(REPORT))
    shutil.copy(SHAPES / "cli" / "list-users.json", bad.parent)
    with pytest.raises(InputError) as caught:
        load_paths(con, [bad.parent])
    message = str(caught.value)
    assert "\n" not in message and str(bad) in message and reason in message
    assert state(con) == before


# ---- get-account-authorization-details -------------------------------------------------------------------------

PAGES = [SHAPES / "gaad-page-1.json", SHAPES / "gaad-page-2.json"]


def _decoded(document):
    """The same output as the AWS CLI prints it: every URL-encoded policy document decoded into an object."""
    if isinstance(document, dict):
        return {k: (json.loads(unquote(v)) if k in ("PolicyDocument", "Document", "AssumeRolePolicyDocument") else _decoded(v))
                for k, v in document.items()}
    if isinstance(document, list):
        return [_decoded(v) for v in document]
    return document


def _pages() -> list[dict]:
    return [json.loads(p.read_text()) for p in PAGES]


def _iam_rows(con) -> dict:
    return {table: rows(con, f"select * exclude (snapshot_id) from {table} order by all")
            for table in ("aws_iam_user", "aws_iam_group", "aws_iam_role", "aws_iam_policy", "aws_iam_policy_attachment",
                          "aws_iam_instance_profile")}


def test_gaad_api_pages_are_read_as_aws_means_them(tmp_path):
    con, summary = load(tmp_path, *PAGES)
    assert not summary.warnings
    pages = _pages()
    assert value(con, "select count(*) from aws_iam_user") == sum(len(p["UserDetailList"]) for p in pages) == 2
    assert value(con, "select count(*) from aws_iam_role") == sum(len(p["RoleDetailList"]) for p in pages) == 3
    assert value(con, "select count(*) from aws_iam_policy") == 3
    assert value(con, "select count(*) from aws_iam_instance_profile") == 1

    # Only the default version of a managed policy counts (v3 here; v2 was admin and is no longer in force).
    std = json.loads(value(con, "select policy_std from aws_iam_policy where name = 'PassWorkerRole'"))
    assert std["Statement"] == [{"Effect": "Allow", "Action": ["ec2:runinstances", "iam:passrole"],
                                 "Resource": [f"arn:aws:iam::{ACCOUNT}:role/app/Api", f"arn:aws:iam::{ACCOUNT}:role/app/Worker"]}]
    raw = json.loads(value(con, "select policy from aws_iam_policy where name = 'PassWorkerRole'"))
    assert raw["Statement"][0]["Action"] == ["IAM:PassRole", "iam:passrole", "ec2:RunInstances"]  # as authored
    assert rows(con, "select name, is_aws_managed, default_version_id, is_attached from aws_iam_policy order by 1") == [
        ("AdministratorAccess", True, "v1", True), ("AmazonS3ReadOnlyAccess", True, "v2", True),
        ("PassWorkerRole", False, "v3", True)]

    # Trust policies: a single Statement object becomes a list; "*" is {"AWS": ["*"]}; values become sorted strings.
    trust = {name: json.loads(doc)["Statement"] for name, doc in rows(con, "select name, assume_role_policy_std from aws_iam_role")}
    assert trust["Worker"] == [{"Effect": "Allow", "Action": ["sts:assumerole"], "Principal": {"Service": ["ec2.amazonaws.com"]}}]
    anyone, cross, services = trust["CrossAccountAudit"]
    assert anyone["Principal"] == {"AWS": ["*"]}
    assert anyone["Condition"] == {"StringEquals": {"aws:principalorgid": ["o-exampleorg1", "o-exampleorg2"]},
                                   "Bool": {"aws:multifactorauthpresent": ["true"]},
                                   "NumericLessThan": {"aws:multifactorauthage": ["3600"]}}
    assert cross["Principal"] == {"AWS": ["444455556666", "arn:aws:iam::444455556666:root"]}
    assert cross["Action"] == ["sts:assumerole", "sts:tagsession"]
    assert services["Principal"] == {"Service": ["edgelambda.amazonaws.com", "lambda.amazonaws.com"]}
    assert trust["GitHubDeploy"][0]["Principal"] == {
        "Federated": [f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"]}
    deny = json.loads(value(con, "select inline_policies_std from aws_iam_role where name = 'CrossAccountAudit'"))
    assert deny[0]["PolicyDocument"]["Statement"][0] == {
        "Sid": "DenyOutsideBoundary", "Effect": "Deny", "NotAction": ["iam:get*", "iam:list*"],
        "NotResource": ["arn:aws:s3:::example-bucket/*"]}

    # RoleLastUsed: a date, an empty object and no key at all; only the first says the role was used.
    assert rows(con, "select name, role_last_used_date is not null, role_last_used_region, permissions_boundary_arn, "
                     "path, tags from aws_iam_role order by 1") == [
        ("CrossAccountAudit", True, "eu-west-1", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", "/", '{"purpose": "audit"}'),
        ("GitHubDeploy", False, None, None, "/", None),
        ("Worker", False, None, None, "/app/", None)]  # "Tags": [] is no tags: NULL, as GetRole gives Steampipe
    assert json.loads(value(con, "select instance_profile_arns from aws_iam_role where name = 'Worker'")) == [
        f"arn:aws:iam::{ACCOUNT}:instance-profile/worker-profile"]
    assert json.loads(value(con, "select roles from aws_iam_instance_profile"))[0]["RoleName"] == "Worker"

    # Users: one in a group, one in none; a boundary; tags as Steampipe's flat map.
    users = {r[0]: r[1:] for r in rows(con, "select name, groups, permissions_boundary_arn, tags, path from aws_iam_user")}
    assert [g["GroupName"] for g in json.loads(users["alice"][0])] == ["Admins"] and json.loads(users["ci-bot"][0]) == []
    # a user without a boundary has '' (Steampipe's Go string), a role NULL
    assert users["ci-bot"][1] == f"arn:aws:iam::{ACCOUNT}:policy/app/PassWorkerRole" and users["alice"][1] == ""
    assert json.loads(users["alice"][2]) == {"team": "platform", "owner": "alice@example.com"}
    assert users["ci-bot"][3] == "/automation/"
    assert [u["UserName"] for u in json.loads(value(con, "select users from aws_iam_group"))] == ["alice"]
    attached = {arn: (json.loads(u or "null"), json.loads(g or "null"), json.loads(r or "null")) for arn, u, g, r in rows(
        con, "select policy_arn, policy_users, policy_groups, policy_roles from aws_iam_policy_attachment")}
    assert attached["arn:aws:iam::aws:policy/AdministratorAccess"][1] == [{"GroupName": "Admins", "GroupId": "AGPAEXAMPLEADMINS001"}]
    assert attached[f"arn:aws:iam::{ACCOUNT}:policy/app/PassWorkerRole"][0] == [{"UserName": "ci-bot", "UserId": "AIDAEXAMPLECIBOT0001"}]


def test_cli_decoded_documents_give_the_same_rows_as_url_encoded_ones(tmp_path):
    decoded = tmp_path / "cli"
    decoded.mkdir()
    for number, page in enumerate(_pages(), start=1):
        (decoded / f"page-{number}.json").write_text(json.dumps(_decoded(page), indent=4))
    api, _ = load(tmp_path, *PAGES, name="api.duckdb")
    cli, _ = load(tmp_path, decoded, name="cli.duckdb")
    std_columns = {"aws_iam_role": "assume_role_policy_std, inline_policies_std", "aws_iam_policy": "policy_std",
                   "aws_iam_user": "inline_policies_std"}
    for table, columns in std_columns.items():
        sql = f"select name, {columns} from {table} order by name"
        assert rows(api, sql) == rows(cli, sql)
    # The raw trust policy text keeps each source's own spelling; its parsed form is the same.
    sql = "select name, assume_role_policy from aws_iam_role order by name"
    assert [(n, json.loads(d)) for n, d in rows(api, sql)] == [(n, json.loads(d)) for n, d in rows(cli, sql)]


def _marked(document):
    """The pages with every URL-encoded policy document preceded by an encoded UTF-8 byte order mark and followed by
    a line break, as a document saved by an editor that writes one and then encoded."""
    if isinstance(document, dict):
        return {k: ("%EF%BB%BF" + v + "\n" if k in ("PolicyDocument", "Document", "AssumeRolePolicyDocument")
                    else _marked(v)) for k, v in document.items()}
    if isinstance(document, list):
        return [_marked(v) for v in document]
    return document


def test_documents_with_a_byte_order_mark_give_the_same_rows(tmp_path):
    marked = tmp_path / "marked"
    marked.mkdir()
    for number, page in enumerate(_pages(), start=1):
        (marked / f"page-{number}.json").write_text(json.dumps(_marked(page)))
    api, _ = load(tmp_path, *PAGES, name="api.duckdb")
    bom, summary = load(tmp_path, marked, name="bom.duckdb")
    assert not summary.warnings
    for table, columns in {"aws_iam_role": "assume_role_policy_std, inline_policies_std", "aws_iam_policy": "policy_std",
                           "aws_iam_user": "inline_policies_std"}.items():
        sql = f"select name, {columns} from {table} order by name"
        assert rows(api, sql) == rows(bom, sql)


@pytest.mark.parametrize("layout", ["separate files", "one after another", "JSON array of pages", "CLI merged output"])
def test_gaad_pages_in_any_layout_give_the_same_rows(tmp_path, layout):
    pages = _pages()
    target = tmp_path / "in"
    target.mkdir()
    if layout == "separate files":
        for number, page in enumerate(pages):
            (target / f"gaad-{number}.json").write_text(json.dumps(page))
    elif layout == "one after another":
        (target / "gaad.json").write_text("\n".join(json.dumps(p, indent=2) for p in pages))
    elif layout == "JSON array of pages":
        (target / "gaad.json").write_text(json.dumps(pages))
    else:  # what `aws iam get-account-authorization-details` prints after walking every page itself
        merged = {key: [item for p in pages for item in p[key]]
                  for key in ("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies")}
        (target / "gaad.json").write_text(json.dumps(merged))
    con, summary = load(tmp_path, target)
    reference, _ = load(tmp_path, *PAGES, name="reference.duckdb")
    assert not summary.skipped and not summary.warnings
    assert _iam_rows(con) == _iam_rows(reference)


@pytest.mark.parametrize("token", [{"IsTruncated": True, "Marker": "AQoEXAMPLE"}, {"NextToken": "eyJNYXJrZXIiOiAiQSJ9"}])
def test_a_lone_truncated_page_warns_that_pages_are_missing(tmp_path, token):
    page = {key: v for key, v in _pages()[0].items() if key not in ("IsTruncated", "Marker")} | token
    path = tmp_path / "gaad.json"
    path.write_text(json.dumps(page))
    con, summary = load(tmp_path, path)
    assert any("last page is missing" in w for w in summary.warnings)
    assert value(con, "select count(*) from aws_iam_user") == 2


def test_filtered_gaad_replaces_only_the_entity_types_it_lists(tmp_path):
    con, _ = load(tmp_path, *PAGES)
    roles_only = {"RoleDetailList": _pages()[1]["RoleDetailList"][:1], "IsTruncated": False}  # --filter Role
    path = tmp_path / "roles.json"
    path.write_text(json.dumps(roles_only))
    load_paths(con, [path])
    assert value(con, "select count(*) from aws_iam_role") == 1
    assert value(con, "select count(*) from aws_iam_user") == 2  # users still from the full snapshot
    assert value(con, "select count(*) from aws_iam_policy") == 3


# ---- other AWS CLI outputs ---------------------------------------------------------------------------------------


def test_cli_outputs_of_one_account(tmp_path):
    con, summary = load(tmp_path, SHAPES / "cli")
    assert not summary.skipped
    # get-account-password-policy answered NoSuchEntity: the account has no password policy (a fact, zero rows).
    assert value(con, "select count(*) from aws_iam_account_password_policy") == 0
    assert ("aws_iam_account_password_policy", 0) in rows(
        con, "select table_name, row_count from iamsql_snapshot_table")
    # list-roles carries no RoleLastUsed, boundary or tags: unknown (NULL), not "never used".
    assert rows(con, "select name, role_last_used_date, permissions_boundary_arn, max_session_duration "
                     "from aws_iam_role order by 1") == [("CrossAccountAudit", None, None, 43200), ("Worker", None, None, 3600)]
    assert rows(con, "select account_mfa_enabled, account_password_present, users, roles, mfa_devices_in_use, "
                     "account_access_keys_present from aws_iam_account_summary") == [(True, True, 2, 3, 1, 0)]
    devices = {r[0].rsplit("/", 1)[1]: r[1:] for r in rows(
        con, "select serial_number, assignment_status, user_name, user_id, account_id from aws_iam_virtual_mfa_device")}
    assert devices == {"root-account-mfa-device": ("Assigned", None, ACCOUNT, ACCOUNT),
                       "alice-phone": ("Assigned", "alice", "AIDAEXAMPLEALICE0001", ACCOUNT),
                       "abandoned": ("Unassigned", None, None, ACCOUNT)}
    # The organization trail is listed by describe-trails in both regions (its shadow in eu-west-1): a row per region,
    # as Steampipe's (region the listing's, home_region the trail's), each with the status and selectors asked in
    # its home region.
    trails = rows(con, "select name, region, home_region, is_multi_region_trail, is_organization_trail, is_logging, "
                       "latest_delivery_time, event_selectors, advanced_event_selectors from aws_cloudtrail_trail "
                       "order by 1, 2")
    assert [t[:6] for t in trails] == [("eu-local", "eu-west-1", "eu-west-1", False, False, None),
                                       ("org-trail", "eu-west-1", "us-east-1", True, True, True),
                                       ("org-trail", "us-east-1", "us-east-1", True, True, True)]
    assert trails[1][6:] == trails[2][6:]
    org = trails[2]
    assert org[6].isoformat() == "2024-03-03T01:05:00.123000+00:00" and org[7] is None
    assert [s["Name"] for s in json.loads(org[8])] == ["Management events", "S3 writes to the audit bucket"]


def test_list_roles_after_gaad_keeps_what_only_gaad_knows(tmp_path):
    con, _ = load(tmp_path, *PAGES, SHAPES / "cli" / "list-roles.json")
    assert rows(con, "select name, role_last_used_region, permissions_boundary_arn is not null, description "
                     "from aws_iam_role where name = 'CrossAccountAudit'") == [
        ("CrossAccountAudit", "eu-west-1", True, "Auditors from the security account")]


@pytest.mark.parametrize("source, table", [
    (SHAPES / "cli" / "list-users.json", "aws_iam_user"),
    (SHAPES / "credential-report.csv", "aws_iam_credential_report"),
])
def test_utf16_file_of_windows_powershell_loads_as_its_utf8_original(tmp_path, source, table):
    """Windows PowerShell 5.1 writes ``aws ... > file`` as UTF-16LE with a BOM and CRLF line ends."""
    utf16 = tmp_path / "utf16" / source.name
    utf16.parent.mkdir()
    utf16.write_bytes(source.read_text().replace("\n", "\r\n").encode("utf-16"))
    got = [rows(con, f"select * exclude (snapshot_id) from {table} order by all")
           for con, _ in (load(tmp_path, source, name="utf8.duckdb"), load(tmp_path, utf16, name="utf16.duckdb"))]
    assert got[0] and got[1] == got[0]


def test_cli_output_with_a_bom_and_paging_tokens(tmp_path):
    page = json.loads((SHAPES / "cli" / "list-users.json").read_text())
    (tmp_path / "list-users-1.json").write_bytes(b"\xef\xbb\xbf" + json.dumps({**page, "NextToken": "eyJNYXJrZXIiOiBudWxsfQ=="}).encode())
    con, summary = load(tmp_path, tmp_path / "list-users-1.json")
    assert rows(con, "select name, path from aws_iam_user order by 1") == [("alice", "/"), ("ci-bot", "/automation/")]
    assert not summary.skipped


def test_error_text_counts_only_when_it_is_the_whole_file(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SHAPES / "cli" / "list-users.json", folder)
    quoted = "Seen while collecting:\n" + (SHAPES / "cli" / "get-account-password-policy.txt").read_text()
    (folder / "notes.txt").write_text(quoted)
    (folder / "get-account-summary.txt").write_text(
        "\naws: [ERROR]: An error occurred (AccessDenied) when calling the GetAccountSummary operation: User: "
        f"arn:aws:iam::{ACCOUNT}:user/alice is not authorized to perform: iam:GetAccountSummary\n")
    con, summary = load(tmp_path, folder)
    skipped = dict(summary.skipped)
    assert skipped[str(folder / "notes.txt")] == "not JSON or a credential report CSV"
    assert "AccessDenied" in skipped[str(folder / "get-account-summary.txt")]
    # Neither file said anything about the password policy or the summary: no table is claimed empty.
    assert rows(con, "select distinct table_name from iamsql_snapshot_table order by 1") == [("aws_iam_user",)]
    with pytest.raises(InputError, match="AccessDenied"):
        load_paths(con, [folder / "get-account-summary.txt"])


# ---- CloudTrail -------------------------------------------------------------------------------------------------

RECORDS = json.loads((SHAPES / "cloudtrail" / "records.json").read_text())["Records"]
BUCKET_PREFIX = Path("ct") / "AWSLogs" / "o-exampleorg1"


def _delivered(root: Path, account: str, folder: str, region: str, name: str, data: bytes) -> Path:
    """A file where an organization trail delivers it: <prefix>/AWSLogs/<org id>/<account>/<folder>/<region>/Y/M/D/."""
    path = root / BUCKET_PREFIX / account / folder / region / "2024" / "03" / "03" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


@pytest.fixture
def trail_bucket(tmp_path) -> Path:
    """A downloaded organization trail bucket: two accounts' log files (one as two gzip members, as concatenated
    deliveries are), a digest file, an Insights file and an hour with no events."""
    root = tmp_path / "bucket"
    first, second = json.dumps({"Records": RECORDS[:5]}).encode(), json.dumps({"Records": RECORDS[5:]}).encode()
    _delivered(root, ACCOUNT, "CloudTrail", "us-east-1", f"{ACCOUNT}_CloudTrail_us-east-1_20240303T0105Z_Kx2c0sjeQcwVZGdQ.json.gz",
               gzip.compress(first) + gzip.compress(second))
    other = [{**RECORDS[1], "eventID": "6f4ab3c1-0000-4000-8000-999999999999", "recipientAccountId": "444455556666",
              "userIdentity": {**RECORDS[1]["userIdentity"], "accountId": "444455556666",
                               "arn": "arn:aws:iam::444455556666:user/alice"}}]
    _delivered(root, "444455556666", "CloudTrail", "eu-west-1", "444455556666_CloudTrail_eu-west-1_20240303T0110Z_a1b2c3d4e5f6g7h8.json.gz",
               gzip.compress(json.dumps({"Records": other}).encode()))
    _delivered(root, ACCOUNT, "CloudTrail", "eu-west-1", f"{ACCOUNT}_CloudTrail_eu-west-1_20240303T0200Z_0000000000000000.json.gz",
               gzip.compress(b'{"Records":[]}'))
    _delivered(root, ACCOUNT, "CloudTrail-Digest", "us-east-1",
               f"{ACCOUNT}_CloudTrail-Digest_us-east-1_org-trail_us-east-1_20240303T010500Z.json.gz",
               gzip.compress((SHAPES / "cloudtrail" / "digest.json").read_bytes()))
    _delivered(root, ACCOUNT, "CloudTrail-Insight", "us-east-1", f"{ACCOUNT}_CloudTrail-Insight_us-east-1_20240303T0100Z_q1w2e3r4t5y6u7i8.json.gz",
               gzip.compress((SHAPES / "cloudtrail" / "insight.json").read_bytes()))
    return root


def test_organization_trail_bucket(tmp_path, trail_bucket):
    con, summary = load(tmp_path, trail_bucket)
    # The digest file is log-integrity metadata, not events: skipped, and none of its times became an event.
    assert [Path(p).parent.parts[-5] for p, _ in summary.skipped] == ["CloudTrail-Digest"]
    assert value(con, "select count(*) from aws_cloudtrail_trail_event") == len(RECORDS) + 1 + 1
    assert rows(con, "select account_id, count(*) from aws_cloudtrail_trail_event group by 1 order by 1") == [
        (ACCOUNT, len(RECORDS) + 1), ("444455556666", 1)]
    insight = rows(con, "select event_type, event_category, event_name, cloudtrail_event->'insightDetails'->>'eventName' "
                        "from aws_cloudtrail_trail_event where event_category = 'Insight'")
    assert insight == [("AwsCloudTrailInsight", "Insight", None, "CreateAccessKey")]


def test_every_user_identity_type(tmp_path):
    path = tmp_path / "records.json"
    shutil.copy(SHAPES / "cloudtrail" / "records.json", path)
    con, _ = load(tmp_path, path)
    got = {r[0]: r[1:] for r in rows(con, "select user_type, username, user_identifier, access_key_id, account_id, partition "
                                          "from aws_cloudtrail_trail_event")}
    assert sorted(got) == sorted(r["userIdentity"]["type"] for r in RECORDS)
    # Steampipe reads these from Go strings: '' where the identity has no such member
    assert got["Root"][:2] == ("", f"arn:aws:iam::{ACCOUNT}:root")
    assert got["IAMUser"][:3] == ("alice", f"arn:aws:iam::{ACCOUNT}:user/alice", "AKIAEXAMPLEALICE0001")
    # A role or federated session names no userName of its own: Steampipe's username is userIdentity.userName alone
    # (the session issuer's is not it); the session ARN is the identifier.
    assert got["AssumedRole"][:2] == ("", f"arn:aws:sts::{ACCOUNT}:assumed-role/Worker/i-0abc")
    assert got["FederatedUser"][:2] == ("", f"arn:aws:sts::{ACCOUNT}:federated-user/bob")
    assert got["AWSService"][:3] == ("", "", "")
    assert got["SAMLUser"][0] == "bob@example.com" and got["WebIdentityUser"][0].startswith("repo:example-org/deploy")
    # Every event is recorded by the account that received it, whatever account the caller is from.
    assert {r[3] for r in got.values()} == {ACCOUNT} and {r[4] for r in got.values()} == {"aws"}
    login = rows(con, "select error_code, error_message, additional_event_data->>'MFAUsed', response_elements->>'ConsoleLogin' "
                      "from aws_cloudtrail_trail_event where user_type in ('Root', 'Unknown') order by user_type")
    assert login == [(None, None, "Yes", "Success"), (None, "No username found in supplied account", "No", "Failure")]
    assert rows(con, "select error_code, error_message from aws_cloudtrail_trail_event where user_type = 'AWSAccount'") == [
        ("AccessDenied", "Access Denied")]
    assert value(con, "select count(*) from aws_cloudtrail_trail_event where request_parameters is null") == sum(
        r["requestParameters"] is None for r in RECORDS)
    key = value(con, "select request_parameters->>'key' from aws_cloudtrail_trail_event where event_name = 'GetObject'")
    assert key == "données/été.csv"
    versions = dict(rows(con, "select event_id, event_version from aws_cloudtrail_trail_event"))
    assert versions == {r["eventID"]: r["eventVersion"] for r in RECORDS}
    stored = {r[0]: json.loads(r[1]) for r in rows(con, "select event_id, cloudtrail_event from aws_cloudtrail_trail_event")}
    assert stored == {r["eventID"]: r for r in RECORDS}  # lossless, every key of every version kept


def test_event_that_names_no_account_gets_no_empty_account(tmp_path):
    unknown = {**RECORDS[-1], "eventID": "no-account"}
    del unknown["recipientAccountId"]
    path = tmp_path / "events.json"
    path.write_text(json.dumps({"Records": [unknown]}))
    con, _ = load(tmp_path, path)
    assert rows(con, "select account_id from aws_cloudtrail_trail_event") == [(None,)]
    assert "" not in {a for (a,) in rows(con, "select account_id from iamsql_snapshot")}


@pytest.mark.parametrize("layout", ["BOM before Records", "CRLF JSON lines", "JSON array", "large event"])
def test_event_file_variants(tmp_path, layout):
    path = tmp_path / "events.json"
    events = RECORDS
    if layout == "BOM before Records":
        path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"Records": events}, indent=2).encode())
    elif layout == "CRLF JSON lines":
        path.write_bytes(b"".join(json.dumps(e, ensure_ascii=False).encode() + b"\r\n" for e in events))
    elif layout == "JSON array":
        path.write_text(json.dumps(events))
    else:  # requestParameters of several megabytes (a big policy document or batch request)
        events = [{**RECORDS[1], "requestParameters": {"policyDocument": "x" * (3 << 20)}}]
        path.write_text(json.dumps({"Records": events}))
    con, _ = load(tmp_path, path)
    assert rows(con, "select event_id from aws_cloudtrail_trail_event order by 1") == sorted((e["eventID"],) for e in events)
    if layout == "large event":
        assert value(con, "select length(request_parameters->>'policyDocument') from aws_cloudtrail_trail_event") == 3 << 20


NO_DATA = "holds no data (an empty list [] or a CloudTrail file with no record)"


@pytest.mark.parametrize("content", ['{"Records": []}\n', "[]\n", '{\n    "Events": []\n}\n'],
                         ids=["records", "empty list", "lookup-events"])
def test_a_load_of_files_without_data_alone_is_one_error(tmp_path, content):
    """Nothing to load, as a load of no recognised file: one line naming the file (docs/loading.md)."""
    path = tmp_path / "exports" / "empty.json"
    path.parent.mkdir()
    path.write_text(content)
    with pytest.raises(InputError) as caught:
        load(tmp_path, path)
    assert str(caught.value) == f"nothing loaded: {path} {NO_DATA}"
    with pytest.raises(InputError) as caught:  # named or in a folder alike
        load(tmp_path, path.parent, name="folder.duckdb")
    assert str(caught.value) == f"nothing loaded: {path} {NO_DATA}"


def test_files_without_data_beside_data_load_or_are_skipped(tmp_path):
    """Beside data, a CloudTrail file without records counts as loaded and an empty list is skipped, named or not."""
    (tmp_path / "records.json").write_text('{"Records": []}')
    (tmp_path / "list.json").write_text("[]")
    con, summary = load(tmp_path, tmp_path / "records.json", tmp_path / "list.json", SHAPES / "cli" / "list-users.json")
    assert sorted(f.path.name for f in summary.files) == ["list-users.json", "records.json"]
    assert summary.skipped == [(str(tmp_path / "list.json"), "an empty list ([]): it holds no data")]
    assert value(con, "select count(*) from aws_iam_user") > 0
    with pytest.raises(InputError) as caught:
        load(tmp_path, tmp_path / "records.json", tmp_path / "list.json", name="both.duckdb")
    assert str(caught.value) == f"nothing loaded: {tmp_path / 'records.json'} and 1 other file(s) hold no data " \
        "(an empty list [] or a CloudTrail file with no record)"


def test_event_array_whose_first_event_is_longer_than_the_sniffed_head(tmp_path):
    """A CloudTrail record can be far larger than the 64 KiB iamsql reads to recognise a file (a PutRolePolicy
    with a large policy document): an array starting with one is still recognised by the keys it opens with."""
    first = {**RECORDS[1], "eventID": "6f4ab3c1-0000-4000-8000-000000000100",
             "requestParameters": {"policyDocument": "x" * (100 << 10)}}
    path = tmp_path / "detonation.json"
    path.write_text(json.dumps([first, RECORDS[2]], indent=2))
    con, _ = load(tmp_path, path)
    assert rows(con, "select event_id from aws_cloudtrail_trail_event order by 1") == sorted(
        [(first["eventID"],), (RECORDS[2]["eventID"],)])


@pytest.mark.parametrize("name, content", [("list-users.json", b""), ("report.csv", b"\r\n"),
                                           ("events.json.gz", gzip.compress(b"", mtime=0))], ids=["json", "csv", "gzip"])
def test_empty_file_is_named_as_empty(tmp_path, name, content):
    """An export that wrote nothing (a failed command, a full disk): skipped in a folder, an error when named."""
    path = tmp_path / "exports" / name
    path.parent.mkdir()
    path.write_bytes(content)
    shutil.copy(SHAPES / "cli" / "list-users.json", tmp_path / "exports" / "users.json")
    _, summary = load(tmp_path, path.parent)
    assert summary.skipped == [(str(path), "empty file")]
    with pytest.raises(InputError) as caught:
        load(tmp_path, path, name="named.duckdb")
    assert str(caught.value) == f"{path}: empty file"


def test_lookup_events_of_a_window_without_events_loads_nothing(tmp_path):
    """``aws cloudtrail lookup-events`` prints an empty ``Events`` list when no event matches: a real, empty output,
    loaded as such beside data (alone, nothing is loaded: see above)."""
    path = tmp_path / "lookup-events.json"
    path.write_text('{\n    "Events": []\n}\n')
    con, summary = load(tmp_path, path, SHAPES / "cli" / "list-users.json")
    assert value(con, "select count(*) from aws_cloudtrail_trail_event") == 0 and not summary.skipped
    assert sorted(f.format for f in summary.files)[0] == "cloudtrail-lookup-events"


def test_lookup_events_cli_output(tmp_path):
    con, _ = load(tmp_path, SHAPES / "cloudtrail" / "lookup-events.json")
    listed = json.loads((SHAPES / "cloudtrail" / "lookup-events.json").read_text())["Events"]
    got = rows(con, "select event_id, event_name, username, read_only, cloudtrail_event from aws_cloudtrail_trail_event order by 1")
    assert [(r[0], r[1], r[2], r[3]) for r in got] == sorted(
        (e["EventId"], e["EventName"], json.loads(e["CloudTrailEvent"])["userIdentity"].get("userName", ""),
         e["ReadOnly"] == "true")
        for e in listed)
    assert [json.loads(r[4]) for r in got] == [json.loads(e["CloudTrailEvent"]) for e in sorted(listed, key=lambda e: e["EventId"])]


def test_cloudtrail_lake_results_are_not_mistaken_for_events(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SHAPES / "cloudtrail" / "lake-query-results.json", folder)
    con, summary = load(tmp_path, folder)
    assert [Path(p).name for p, _ in summary.skipped] == ["lake-query-results.json"]
    assert value(con, "select count(*) from history.aws_cloudtrail_trail_event") == 0


def test_truncated_log_file_in_a_bucket_fails_the_load_and_changes_nothing(tmp_path, trail_bucket):
    con, _ = load(tmp_path, *PAGES)
    before = state(con)
    cut = _delivered(trail_bucket, ACCOUNT, "CloudTrail", "us-east-1", f"{ACCOUNT}_CloudTrail_us-east-1_20240303T0300Z_cut.json.gz",
                     gzip.compress(json.dumps({"Records": RECORDS}).encode())[:-30])
    with pytest.raises(InputError) as caught:
        load_paths(con, [trail_bucket])
    assert "\n" not in str(caught.value) and str(cut) in str(caught.value)
    assert state(con) == before


def test_policy_std_of_the_fixture_documents_is_stable():
    """The *_std form is a fixed point: normalising a normalised document changes nothing."""
    for page in _decoded(_pages()):
        for policy in page["Policies"]:
            for version in policy["PolicyVersionList"]:
                once = policy_std(version["Document"])
                assert policy_std(once) == once


def test_an_output_whose_arns_hold_no_account_id_says_what_they_hold(tmp_path):
    """An edited example's ARN with a 9-digit account names no account; the error says what stands there."""
    role = tmp_path / "get-role.json"
    role.write_text(json.dumps({"Role": {
        "Path": "/", "RoleName": "ops", "RoleId": "AROAEXAMPLE0000000001", "Arn": "arn:aws:iam::123456789:role/ops",
        "CreateDate": "2019-01-19T23:27:57Z",
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": []}}}))
    with pytest.raises(InputError) as raised:
        load(tmp_path, role)
    assert str(raised.value) == (f"{role}: iam:get-role output names no AWS account (its ARNs name '123456789', not a "
                                 f"12-digit account id) and the load has no single one (accounts seen: none); pass "
                                 f"--account-id")

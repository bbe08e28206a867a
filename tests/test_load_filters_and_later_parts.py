"""Outputs whose filter the file does not name, and later loads that hold part of a table
(tests/data/filtered_outputs, see its README): an empty ``{"Policies": []}`` (IAM's and Organizations'
list-policies both print it) never makes a table whole and empty; a get-account-authorization-details output that
proves it was asked with ``--filter`` does not pass its empty lists for an account without such entities; a
later ``get-user`` or one user's ``list-access-keys`` updates the account's earlier whole listing instead of hiding
it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from iamsql.errors import InputError
from iamsql.load import load_paths
from iamsql.store import db

DATA = Path(__file__).parent / "data" / "filtered_outputs"
ACCOUNT = "111122223333"


def partial(con) -> dict[str, str]:
    return dict(con.execute("select table_name, reason from iamsql_partial where account_id = ?", [ACCOUNT]).fetchall())


def latest(con) -> set[str]:
    return {t for (t,) in con.execute("select table_name from iamsql_latest where account_id = ?", [ACCOUNT]).fetchall()}


def test_an_empty_policies_list_is_skipped_and_covers_no_table(tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    shutil.copy(DATA / "list-policies-empty.json", folder / "list-policies.json")
    shutil.copy(DATA / "earlier" / "get-account-authorization-details.json", folder)
    con = db.connect(str(tmp_path / "a.duckdb"))
    summary = load_paths(con, [folder], as_of="2024-07-01")
    (reason,) = [reason for path, reason in summary.skipped if path.endswith("list-policies.json")]
    assert "names no policy type" in reason and "add the --filter value as a top-level Filter" in reason
    assert con.execute("select count(*) from aws_organizations_policy").fetchone()[0] == 0
    assert "aws_organizations_policy" not in latest(con)


def test_an_empty_policies_list_named_after_a_target_is_that_targets(tmp_path):
    exports = tmp_path / "exports"
    (exports / "list-policies-for-target").mkdir(parents=True)
    shutil.copy(DATA / "list-policies-empty.json", exports / "list-policies-for-target" / "ou-ab12-cd34ef56.json")
    shutil.copy(DATA / "earlier" / "get-account-authorization-details.json", exports)
    con = db.connect(str(tmp_path / "a.duckdb"))
    summary = load_paths(con, [exports], as_of="2024-07-01")
    assert summary.skipped == [] and "organizations:list-policies-for-target" in [f.format for f in summary.files]
    assert "aws_iam_policy" in latest(con) and partial(con) == {}  # IAM's policies: the authorization details'


def test_an_empty_policies_list_named_alone_is_an_error(tmp_path):
    with pytest.raises(InputError, match="empty list-policies output that names no policy type"):
        load_paths(db.connect(str(tmp_path / "a.duckdb")), [DATA / "list-policies-empty.json"],
                   account_id=ACCOUNT, as_of="2024-07-01")


def test_an_empty_page_after_iam_pages_is_their_last_page(tmp_path):
    con = db.connect(str(tmp_path / "a.duckdb"))
    summary = load_paths(con, [DATA / "list-policies-pages.json"], as_of="2024-07-01")
    assert [f.format for f in summary.files] == ["iam:list-policies"]
    assert con.execute("select name from aws_iam_policy").fetchall() == [("deploy-artifacts",)]
    assert "aws_iam_policy" not in partial(con)  # the last page is loaded: the listing is whole


def test_a_role_filtered_authorization_details_output_leaves_users_groups_and_policies_unknown(tmp_path):
    con = db.connect(str(tmp_path / "a.duckdb"))
    load_paths(con, [DATA / "gaad-filter-role.json"], as_of="2024-07-01")
    gaps = partial(con)
    assert set(gaps) == {"aws_iam_user", "aws_iam_group", "aws_iam_policy", "aws_iam_policy_attachment"}
    assert "its entities hold arn:aws:iam::aws:policy/ReadOnlyAccess, and its Policies is empty" in gaps["aws_iam_user"]
    assert "aws_iam_role" not in gaps  # the roles it lists are every role of the account
    assert con.execute("select name from aws_iam_role").fetchall() == [("deployer",)]


def test_a_user_filtered_output_is_proven_by_its_users_groups(tmp_path):
    con = db.connect(str(tmp_path / "a.duckdb"))
    load_paths(con, [DATA / "gaad-filter-user.json"], as_of="2024-07-01")
    gaps = partial(con)
    assert set(gaps) == {"aws_iam_group", "aws_iam_role", "aws_iam_policy", "aws_iam_policy_attachment"}
    assert "its users are in group operators, and its GroupDetailList is empty" in gaps["aws_iam_role"]


def test_policies_listing_some_of_the_held_ones_prove_no_filter(tmp_path):
    """Without AWSManagedPolicy, or a hand-trimmed example: it cannot be told which, so its empty RoleDetailList is
    taken for an account without roles."""
    con = db.connect(str(tmp_path / "a.duckdb"))
    load_paths(con, [DATA / "gaad-filter-without-aws-managed.json"], as_of="2024-07-01")
    assert partial(con) == {}
    assert con.execute("select arn from aws_iam_policy").fetchall() == [
        ("arn:aws:iam::111122223333:policy/deploy-artifacts",)]


def test_an_unfiltered_output_with_empty_lists_stays_whole(tmp_path):
    """Nothing in it proves a filter: the account has no roles, groups or managed policies."""
    con = db.connect(str(tmp_path / "a.duckdb"))
    load_paths(con, [DATA / "earlier" / "get-account-authorization-details.json"], as_of="2024-07-01")
    assert "aws_iam_role" in latest(con) and partial(con) == {}
    assert con.execute("select count(*) from aws_iam_role").fetchone()[0] == 0


@pytest.fixture
def earlier(tmp_path):
    con = db.connect(str(tmp_path / "a.duckdb"))
    load_paths(con, [DATA / "earlier"], as_of="2024-07-01")
    assert partial(con) == {}
    yield con
    con.close()


def test_a_later_get_user_updates_the_whole_user_listing(earlier):
    summary = load_paths(earlier, [DATA / "later" / "get-user-alice.json"], as_of="2024-07-02")
    rows = earlier.execute("select name, snapshot_id, password_last_used::varchar, tags::varchar, "
                           "inline_policies is not null, policies_loaded from aws_iam_user order by name").fetchall()
    new = summary.snapshots[0]["snapshot_id"]
    assert rows == [("alice", new, "2024-06-20 12:00:00+00", '{"team": "payments"}', True, True),
                    ("bob", new, None, None, False, True)]
    assert "aws_iam_user" not in partial(earlier)
    assert any("get-user-alice.json holds part of aws_iam_user: it updates the whole listing of snapshot 1" in w
               for w in summary.warnings)
    sources = json.loads(earlier.execute("select sources from iamsql_snapshot where snapshot_id = ?", [new]).fetchone()[0])
    assert {"format": "iamsql:carried", "snapshot_id": 1, "table": "aws_iam_user"}.items() <= sources[1].items()


def test_one_users_later_access_keys_replace_only_that_users_keys(earlier):
    load_paths(earlier, [DATA / "later" / "list-access-keys-alice.json"], account_id=ACCOUNT, as_of="2024-07-02")
    assert earlier.execute("select access_key_id, status from aws_iam_access_key order by 1").fetchall() == [
        ("AKIAEXAMPLEALICEKEY2", "Inactive"), ("AKIAEXAMPLEBOBKEY001", "Active")]  # alice's first key was deleted
    assert "aws_iam_access_key" not in partial(earlier)
    db.create_account_view(earlier)
    assert earlier.execute("select key from iamsql_listed where table_name = 'aws_iam_access_key' order by 1"
                           ).fetchall() == [("alice",), ("bob",)]


def test_a_later_part_over_a_partial_table_stays_partial(tmp_path):
    con = db.connect(str(tmp_path / "a.duckdb"))
    load_paths(con, [DATA / "later" / "get-user-alice.json"], as_of="2024-07-01")
    load_paths(con, [DATA / "later" / "get-user-alice.json"], as_of="2024-07-02")
    assert "get-user describes one resource" in partial(con)["aws_iam_user"]
    assert con.execute("select count(*) from history.aws_iam_user").fetchone()[0] == 2  # one row per snapshot


def test_a_policy_version_alone_names_its_policy(tmp_path):
    con = db.connect(str(tmp_path / "a.duckdb"))
    load_paths(con, [DATA / "later" / "get-policy-version.json"], as_of="2024-07-01")
    assert con.execute("select name, title, is_aws_managed, default_version_id, policy_std ->> '$.Statement[0].Action[0]' "
                       "from aws_iam_policy").fetchall() == [("deploy-artifacts", "deploy-artifacts", False, "v2",
                                                              "s3:putobject")]  # policy_std lowercases actions, as Steampipe


def test_a_status_beside_shadow_trails_names_each_trail_once(tmp_path):
    con = db.connect(str(tmp_path / "a.duckdb"))
    summary = load_paths(con, [DATA / "shadow-trails"], as_of="2024-07-01")
    assert con.execute("select count(*) from aws_cloudtrail_trail where name = 'audit-eu'").fetchone()[0] == 2
    (reason,) = [reason for path, reason in summary.skipped if path.endswith("get-trail-status.json")]
    assert "2 are loaded from its folder: audit-eu, management-events;" in reason


def test_a_listing_of_unassigned_virtual_mfa_devices_only_warns(tmp_path):
    summary = load_paths(db.connect(str(tmp_path / "a.duckdb")), [DATA / "list-virtual-mfa-devices-unassigned.json"],
                         as_of="2024-07-01")
    assert any("every virtual MFA device list-virtual-mfa-devices lists is unassigned: if it was saved with "
               "--assignment-status Unassigned" in w for w in summary.warnings)


def test_entities_fewer_than_the_attachment_count_are_not_the_policys_whole_row(tmp_path):
    con = db.connect(str(tmp_path / "a.duckdb"))
    folder = DATA / "entity-filter"
    summary = load_paths(con, [folder], account_id=ACCOUNT, as_of="2024-07-01")
    assert any("lists 1 entities of arn:aws:iam::aws:policy/AWSCloudShellFullAccess, whose AttachmentCount is 2" in w
               for w in summary.warnings)
    assert con.execute("select whole from iamsql_partial where table_name = 'aws_iam_policy_attachment'"
                       ).fetchone()[0] == []
    alone = db.connect(str(tmp_path / "b.duckdb"))  # without the count, nothing tells the filter
    load_paths(alone, [folder / "list-entities-for-policy.json"], account_id=ACCOUNT, as_of="2024-07-01")
    assert alone.execute("select whole from iamsql_partial where table_name = 'aws_iam_policy_attachment'"
                         ).fetchone()[0] == ["arn:aws:iam::aws:policy/AWSCloudShellFullAccess"]


def test_one_users_attached_policies_with_the_user_added_are_skipped_saying_why(tmp_path):
    with pytest.raises(InputError, match="list-attached-\\*-policies output of user alice is not loaded: it holds that "
                                         "user's managed policies without its inline policies"):
        load_paths(db.connect(str(tmp_path / "a.duckdb")), [DATA / "list-attached-user-policies-alice.json"],
                   account_id=ACCOUNT, as_of="2024-07-01")


def test_a_later_role_filtered_output_refreshes_the_roles_and_keeps_the_users(earlier):
    load_paths(earlier, [DATA / "gaad-filter-role.json"], as_of="2024-07-02")
    assert earlier.execute("select name from aws_iam_user order by 1").fetchall() == [("alice",), ("bob",)]
    assert earlier.execute("select name from aws_iam_role").fetchall() == [("deployer",)]
    assert partial(earlier) == {}  # each table whole: the roles listed now, the users and groups listed before


def test_a_delegated_administrators_listing_that_names_no_service_is_the_whole_listing(tmp_path):
    """Without --service-principal (no ServicePrincipal, a file not named after one) the output lists every delegated
    administrator: aws_organizations_delegated_administrator is whole, and no service is told."""
    con = db.connect(str(tmp_path / "a.duckdb"))
    load_paths(con, [DATA / "list-delegated-administrators.json"], as_of="2024-07-01")
    assert con.execute("select id, name, delegation_enabled_date::varchar, account_id "
                       "from aws_organizations_delegated_administrator").fetchall() == [
        ("222233334444", "security-tooling", "2023-09-02 10:00:00+00", ACCOUNT)]
    assert partial(con) == {}
    assert con.execute("select count(*) from aws_organizations_delegated_services_for_account").fetchone()[0] == 0
    con.close()


def test_findings_statistics_are_recognised_and_skipped_saying_why(tmp_path):
    """GetFindingsStatistics counts an analyzer's findings without naming them or the analyzer: not loaded, saying
    which output holds the findings (it was "not a recognised AWS IAM or CloudTrail output")."""
    with pytest.raises(InputError, match="get-findings-statistics output is not loaded: .* load list-findings"):
        load_paths(db.connect(str(tmp_path / "a.duckdb")), [DATA / "get-findings-statistics.json"],
                   account_id=ACCOUNT, as_of="2024-07-01")

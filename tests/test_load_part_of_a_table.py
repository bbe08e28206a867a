"""Outputs that hold only part of a table without saying so. Those that describe one resource (kms describe-key, eks
describe-cluster, one bucket's get-bucket-policy, organizations describe-policy...) loaded without the listing of
their table: the table is loaded in part only, so controls that need all of it skip instead of judging the account
by the one resource seen; the listing in the same load makes it whole. Listings cut by a filter the output does not
name: list-policies --only-attached where the rows prove it (partial), --path-prefix where they only suggest it
(a warning)."""

import json
from pathlib import Path

import pytest

from iamsql import controls
from iamsql.load import load_paths
from iamsql.store import db

DATA = Path(__file__).parent / "data"
WORKLOADS, BUCKETS, ORGANIZATION = "444455556666", "111122223333", "111111111111"  # the accounts the files name

ONE_AND_LISTING = [  # (the output of one resource, the listing of its table, the table, the account)
    ("kms_keys/describe-key-rotating.json", "kms_keys/list-keys.json", "aws_kms_key", WORKLOADS),
    ("workloads/describe-cluster.json", "workloads/list-clusters.json", "aws_eks_cluster", WORKLOADS),
    ("workloads/describe-task-definition.json", "workloads/list-task-definitions.json", "aws_ecs_task_definition",
     WORKLOADS),
    ("code_resources/batch-get-projects.json", "code_resources/list-projects.json", "aws_codebuild_project",
     WORKLOADS),
    ("code_resources/describe-state-machine.json", "code_resources/list-state-machines.json", "aws_sfn_state_machine",
     WORKLOADS),
    ("monitoring/s3/get-bucket-policy/web.assets.example.json", "monitoring/s3/list-buckets.json", "aws_s3_bucket",
     BUCKETS),
    ("saved_variants/describe-permission-set.json", "saved_variants/list-permission-sets.json",
     "aws_ssoadmin_permission_set", BUCKETS),
]


def partial(con) -> list[tuple]:
    return con.execute("select table_name, reason from iamsql_partial order by 1").fetchall()


@pytest.mark.parametrize(("one", "listing", "table", "account"), ONE_AND_LISTING,
                         ids=[case[2] for case in ONE_AND_LISTING])
def test_one_resource_is_part_of_its_table_until_the_listing_is_loaded(tmp_path, one, listing, table, account):
    con = db.connect(tmp_path / "one.duckdb")
    summary = load_paths(con, [DATA / one], account_id=account, as_of="2025-03-01")
    [(name, reason)] = partial(con)
    assert name == table
    assert reason.startswith(f"{Path(one).name}: ") and "not every one of the account" in reason
    assert any(f"only part of {table} is loaded" in w for w in summary.warnings)
    load_paths(con, [DATA / listing, DATA / one], account_id=account, as_of="2025-03-01")
    assert partial(con) == []  # the listing names every resource of the table
    con.close()


def test_several_resources_of_one_output_are_still_part_of_the_table(tmp_path):
    """list-children lists the children of one parent: the accounts under other OUs are not in it."""
    con = db.connect(tmp_path / "children.duckdb")
    load_paths(con, [DATA / "organizations" / "list-children"], account_id=ORGANIZATION, as_of="2025-03-01")
    found = dict(partial(con))
    assert "aws_organizations_account" in found and "list-children" in found["aws_organizations_account"]
    con.close()


def test_a_control_skips_an_account_of_which_one_key_is_loaded(tmp_path):
    """describe-key and get-key-rotation-status of one rotating key used to make the account pass the rotation
    control; its other keys were never seen, so the control now says it cannot judge the account."""
    keys = DATA / "kms_keys"
    con = db.connect(tmp_path / "kms.duckdb")
    load_paths(con, [keys / "describe-key-rotating.json", keys / "get-key-rotation-status-rotating.json"],
               as_of="2025-03-01")
    run_id = controls.run_checks(con, controls=["kms_customer_key_rotation_enabled"])
    [row] = controls.results(con, run_id)
    assert row["status"] == "skip"
    assert row["reason"].startswith("Only part of aws_kms_key is loaded for account 444455556666 "
                                    "(describe-key-rotating.json: describe-key describes one resource")
    load_paths(con, [keys / "list-keys.json", keys / "describe-key-rotating.json",
                     keys / "get-key-rotation-status-rotating.json"], as_of="2025-03-01")
    run_id = controls.run_checks(con, controls=["kms_customer_key_rotation_enabled"])
    statuses = {r["resource"].rsplit("/", 1)[-1]: r["status"] for r in controls.results(con, run_id)}
    assert statuses["1234abcd-12ab-34cd-56ef-1234567890ab"] == "ok"
    con.close()


# ---- filters the output does not name: list-policies --only-attached / --scope Local, --path-prefix -------------

SAVED = DATA / "saved_variants"


def test_an_only_attached_policy_listing_is_part_of_the_table(tmp_path):
    """AWS managed policies listed and none unattached: a whole list-policies holds hundreds attached to nothing, so
    this is a --only-attached output, and the control on unattached policies cannot call the account clean."""
    con = db.connect(tmp_path / "attached.duckdb")
    load_paths(con, [SAVED / "list-policies-only-attached.json"], as_of="2025-03-01")
    assert dict(partial(con))["aws_iam_policy"] == (
        "list-policies-only-attached.json: list-policies lists AWS managed policies and no unattached one: a "
        "--only-attached output, which leaves out the policies attached to nothing")
    run_id = controls.run_checks(con, controls=["iam_policy_unused_customer_managed"])
    [row] = controls.results(con, run_id)
    assert row["status"] == "skip" and row["reason"].startswith("Only part of aws_iam_policy is loaded")
    con.close()


def test_customer_managed_policies_all_attached_only_warn(tmp_path):
    """Without AWS managed policies (--scope Local), every policy attached may be the whole list of an account that
    attaches them all: not proven, so the table stays whole and the load warns."""
    listed = json.loads((SAVED / "list-policies-only-attached.json").read_text())
    customer = {**listed["Policies"][1], "PolicyName": "ops", "Arn": "arn:aws:iam::111122223333:policy/ops"}
    (tmp_path / "local.json").write_text(json.dumps({"Policies": [listed["Policies"][1], customer]}))
    con = db.connect(tmp_path / "local.duckdb")
    summary = load_paths(con, [tmp_path / "local.json"], as_of="2025-03-01")
    assert "aws_iam_policy" not in dict(partial(con))
    assert [w for w in summary.warnings if "--only-attached" in w] == [
        f"{tmp_path / 'local.json'}: every policy list-policies lists is attached: if it was saved with "
        "--only-attached, the policies attached to nothing are missing; load list-policies without it"]
    con.close()


def test_rows_under_one_path_warn_of_a_path_prefix(tmp_path):
    con = db.connect(tmp_path / "roles.duckdb")
    summary = load_paths(con, [SAVED / "list-roles-path-prefix.json"], as_of="2025-03-01")
    assert [w for w in summary.warnings if "--path-prefix" in w] == [
        f"{SAVED / 'list-roles-path-prefix.json'}: every role list-roles lists has a path under /service-role/: if "
        "it was saved with --path-prefix /service-role/, the other roles are missing; load the listing without it"]
    assert partial(con) == []  # not proven: an account may keep all its roles there
    roles = json.loads((SAVED / "list-roles-path-prefix.json").read_text())["Roles"]
    other = {**roles[0], "Path": "/", "RoleName": "admin", "Arn": "arn:aws:iam::111122223333:role/admin"}
    (tmp_path / "list-roles.json").write_text(json.dumps({"Roles": [*roles, other]}))
    summary = load_paths(con, [tmp_path / "list-roles.json"], as_of="2025-03-01")
    assert not [w for w in summary.warnings if "--path-prefix" in w]  # a role at / : no prefix cut the list
    con.close()


def test_a_trail_bucket_is_judged_from_its_own_outputs_without_the_bucket_list(tmp_path):
    """The trail-bucket controls read the trail's bucket only: its get-bucket-logging and get-bucket-versioning
    outputs are enough, though aws_s3_bucket is then partial (list-buckets not loaded)."""
    bucket = "audit-trail-logs-111122223333"
    exports = tmp_path / "exports"
    for command in ("get-bucket-logging", "get-bucket-versioning"):
        (exports / "s3" / command).mkdir(parents=True)
        (exports / "s3" / command / f"{bucket}.json").write_bytes(
            (DATA / "monitoring" / "s3" / command / f"{bucket}.json").read_bytes())
    trail = {"Name": "main", "TrailARN": f"arn:aws:cloudtrail:us-east-1:{BUCKETS}:trail/main", "HomeRegion": "us-east-1",
             "IsMultiRegionTrail": True, "S3BucketName": bucket}
    (exports / "describe-trails.json").write_text(json.dumps({"trailList": [trail]}))
    con = db.connect(tmp_path / "trail.duckdb")
    load_paths(con, [exports], as_of="2025-03-01")
    assert "aws_s3_bucket" in dict(partial(con))
    run_id = controls.run_checks(con, controls=["cloudtrail_bucket_access_logging", "cloudtrail_bucket_mfa_delete"])
    found = {r["control_id"]: (r["resource"], r["status"]) for r in controls.results(con, run_id)}
    assert found == {"cloudtrail_bucket_access_logging": (f"arn:aws:s3:::{bucket}", "ok"),
                     "cloudtrail_bucket_mfa_delete": (f"arn:aws:s3:::{bucket}", "alarm")}
    con.close()

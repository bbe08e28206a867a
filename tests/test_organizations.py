"""AWS Organizations: the CLI outputs load into Steampipe's tables (tests/data/organizations, see its README), the
engine sees each member account's SCP and RCP levels, and the controls on the engine honour them.

The same IAM account is loaded three times: as the management account 111111111111 (SCPs do not apply to it),
as the member 222222222222 in Workloads (the root's DenyIAM SCP and OrgOnlyAssumeRole RCP apply) and as
444444444444, outside the organization (no guardrails: today's answers)."""

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from iamsql import controls
from iamsql.errors import InputError
from iamsql.load import load_paths
from iamsql.policy.access.organization import guardrails
from iamsql.store import db
from tests.fixtures.gaad import gaad_role

DATA = Path(__file__).parent / "data" / "organizations"
MANAGEMENT, DEV, PROD, OUTSIDE = "111111111111", "222222222222", "333333333333", "444444444444"
EC2_TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
OPEN_TRUST = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}
EVERYTHING = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def gaad(account: str) -> dict:
    """One account: a workload role with every permission, a user who may attach policies to itself, a role
    that trusts every AWS principal."""
    escalate = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["iam:AttachUserPolicy", "s3:ListAllMyBuckets"], "Resource": "*"}]}
    return {
        "UserDetailList": [{"Path": "/", "UserName": "builder", "UserId": f"AIDABUILDER{account}",
                            "Arn": f"arn:aws:iam::{account}:user/builder", "CreateDate": "2024-03-01T00:00:00Z",
                            "UserPolicyList": [{"PolicyName": "inline", "PolicyDocument": escalate}],
                            "GroupList": [], "AttachedManagedPolicies": [], "Tags": []}],
        "GroupDetailList": [],
        "RoleDetailList": [gaad_role(account, "ci-deployer", EC2_TRUST, *EVERYTHING["Statement"]),
                           gaad_role(account, "public-door", OPEN_TRUST)],
        "Policies": [],
    }


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("orgs")
    shutil.copytree(DATA, folder / "organizations")
    for account in (MANAGEMENT, DEV, OUTSIDE):
        (folder / account).mkdir()
        (folder / account / "gaad.json").write_text(json.dumps(gaad(account)))
    con = db.connect(str(folder / "orgs.duckdb"))
    summary = load_paths(con, [folder])
    yield con, summary
    con.close()


@pytest.fixture(scope="module")
def results(loaded):
    con, _ = loaded
    run_id = controls.run_checks(con, controls=["iam_principal_privilege_escalation", "nhi_admin_privileges",
                                                "iam_role_trust_no_wildcard_principal"])
    return {(r["control_id"], r["resource"]): r for r in controls.results(con, run_id)}


# ---- loading -----------------------------------------------------------------------------------------------------------


def test_tables_in_steampipe_shape(loaded):
    con, summary = loaded
    assert not summary.warnings
    accounts = con.execute("select id, name, parent_id, status, account_id from aws_organizations_account "
                           "order by id").fetchall()
    assert accounts == [(MANAGEMENT, "management", "r-a1b2", "ACTIVE", MANAGEMENT),
                        (DEV, "dev", "ou-a1b2-wkld0001", "ACTIVE", MANAGEMENT),
                        (PROD, "prod", "ou-a1b2-prod0001", "ACTIVE", MANAGEMENT)]
    ous = con.execute("select id, name, parent_id, path from aws_organizations_organizational_unit order by id").fetchall()
    assert ous == [("ou-a1b2-prod0001", "Prod", "ou-a1b2-wkld0001", "r_a1b2.ou_a1b2_wkld0001.ou_a1b2_prod0001"),
                   ("ou-a1b2-wkld0001", "Workloads", "r-a1b2", "r_a1b2.ou_a1b2_wkld0001")]
    assert con.execute("select id, policy_types->0->>'Type' from aws_organizations_root").fetchall() == [
        ("r-a1b2", "SERVICE_CONTROL_POLICY")]
    policies = con.execute("select id, type, aws_managed, content->'Statement'->0->>'Effect' "
                           "from aws_organizations_policy order by id").fetchall()
    assert policies == [("p-FullAWSAccess", "SERVICE_CONTROL_POLICY", True, "Allow"),
                        ("p-RCPFullAWSAccess", "RESOURCE_CONTROL_POLICY", True, "Allow"),
                        ("p-denyiam01", "SERVICE_CONTROL_POLICY", False, "Deny"),
                        ("p-rcporgonly", "RESOURCE_CONTROL_POLICY", False, "Deny")]
    targets = con.execute("select id, target_id, name, type, content is not null from aws_organizations_policy_target "
                          "where target_id = 'r-a1b2' order by id").fetchall()
    assert targets == [("p-FullAWSAccess", "r-a1b2", "FullAWSAccess", "SERVICE_CONTROL_POLICY", True),
                       ("p-RCPFullAWSAccess", "r-a1b2", "RCPFullAWSAccess", "RESOURCE_CONTROL_POLICY", True),
                       ("p-denyiam01", "r-a1b2", "DenyIAM", "SERVICE_CONTROL_POLICY", True),
                       ("p-rcporgonly", "r-a1b2", "OrgOnlyAssumeRole", "RESOURCE_CONTROL_POLICY", True)]
    formats = {f.format for f in summary.files}
    assert {"organizations:describe-organization", "organizations:list-accounts", "organizations:list-roots",
            "organizations:list-organizational-units-for-parent", "organizations:list-children",
            "organizations:list-policies", "organizations:describe-policy", "organizations:list-targets-for-policy",
            "organizations:list-policies-for-target", "organizations:describe-organizational-unit"} <= formats


def test_aws_account_has_its_organization(loaded):
    con, _ = loaded
    controls.create_views(con, access=False)
    rows = con.execute("select account_id, organization_id, organization_master_account_id, organization_feature_set, "
                       "organization_master_account_email from aws_account order by 1").fetchall()
    assert rows == [(MANAGEMENT, "o-a1b2c3d4e5", MANAGEMENT, "ALL", "aws-root@example.org"),
                    (DEV, "o-a1b2c3d4e5", MANAGEMENT, "ALL", "aws-root@example.org"),
                    (OUTSIDE, None, None, None, None)]


def test_tables_listed_by_the_cli():
    from typer.testing import CliRunner

    from iamsql.cli import app

    out = CliRunner().invoke(app, ["schema", "aws_organizations_policy_target"])
    assert out.exit_code == 0, out.output
    assert "target_id" in out.output and "content" in out.output


def test_malformed_json_is_one_line_and_stores_nothing(tmp_path):
    bad = tmp_path / "list-accounts.json"
    bad.write_text('{"Accounts": [{"Id": "222222222222", ')
    con = db.connect(str(tmp_path / "bad.duckdb"))
    with pytest.raises(InputError) as error:
        load_paths(con, [bad])
    assert "\n" not in str(error.value) and "malformed JSON" in str(error.value)
    assert con.execute("select count(*) from iamsql_snapshot").fetchone()[0] == 0
    assert con.execute("select count(*) from history.aws_organizations_account").fetchone()[0] == 0
    con.close()


def test_outputs_that_name_nothing_warn(tmp_path):
    (tmp_path / "targets.json").write_text(json.dumps({"Targets": [
        {"TargetId": "r-a1b2", "Arn": "arn:aws:organizations::111111111111:root/o-a1b2c3d4e5/r-a1b2",
         "Name": "Root", "Type": "ROOT"}]}))
    shutil.copy(DATA / "list-accounts.json", tmp_path)
    con = db.connect(str(tmp_path / "warn.duckdb"))
    summary = load_paths(con, [tmp_path])
    assert any("names no policy" in w for w in summary.warnings)
    assert con.execute("select count(*) from aws_organizations_policy_target").fetchone()[0] == 0
    con.close()


def test_iam_policy_listings_are_not_taken_for_organizations_ones(tmp_path):
    iam = {"Policies": [{"PolicyName": "p", "PolicyId": "ANPA1", "Arn": f"arn:aws:iam::{DEV}:policy/p",
                         "Path": "/", "DefaultVersionId": "v1", "AttachmentCount": 0, "IsAttachable": True,
                         "CreateDate": "2024-01-01T00:00:00Z", "UpdateDate": "2024-01-01T00:00:00Z"}]}
    (tmp_path / "list-policies.json").write_text(json.dumps(iam))
    con = db.connect(str(tmp_path / "iam.duckdb"))
    summary = load_paths(con, [tmp_path])
    assert [f.format for f in summary.files] == ["iam:list-policies"]
    con.close()


def test_account_tags_from_list_tags_for_resource(tmp_path):
    """`aws organizations list-tags-for-resource` per account with ResourceId added: the tags of a tagged account,
    {} and [] for one the output says has none, NULL for one with no output; without ResourceId (or about an OU)
    the file is skipped with its reason."""
    shutil.copy(DATA / "list-accounts.json", tmp_path)
    tags = [{"Key": "CostCenter", "Value": "4711"}, {"Key": "env", "Value": "dev"}]
    (tmp_path / f"tags-{DEV}.json").write_text(json.dumps({"ResourceId": DEV, "Tags": tags}))
    (tmp_path / f"tags-{PROD}.json").write_text(json.dumps({"ResourceId": PROD, "Tags": []}))
    (tmp_path / "tags-ou.json").write_text(json.dumps({"ResourceId": "ou-a1b2-prod0001", "Tags": tags}))
    (tmp_path / "tags-unnamed.json").write_text(json.dumps({"Tags": tags}))
    con = db.connect(str(tmp_path / "tags.duckdb"))
    summary = load_paths(con, [tmp_path])
    rows = {r[0]: r[1:] for r in con.execute(
        "select id, tags ->> 'CostCenter', tags::varchar, tags_src::varchar from aws_organizations_account").fetchall()}
    assert rows[DEV][0] == "4711" and json.loads(rows[DEV][2]) == tags
    assert rows[PROD] == (None, "{}", "[]")
    assert rows[MANAGEMENT] == (None, None, None)
    skipped = {Path(path).name: why for path, why in summary.skipped}
    assert "not an account" in skipped["tags-ou.json"] and "ResourceId" in skipped["tags-unnamed.json"]
    con.close()


# ---- the engine's view -------------------------------------------------------------------------------------------------


def test_levels_from_the_root_down_to_the_account(loaded):
    con, _ = loaded
    rails = guardrails(con)
    assert set(rails) == {MANAGEMENT, DEV, PROD}
    prod = rails[PROD]
    assert prod.management_account_id == MANAGEMENT and prod.organization_id == "o-a1b2c3d4e5"
    assert [len(level) for level in prod.scps] == [2, 1, 1, 1]  # root: FullAWSAccess + DenyIAM, Workloads, Prod, account
    assert [len(level) for level in prod.rcps] == [2, 1, 1, 1]
    assert all(p is not None for level in prod.scps for p in level)
    assert prod.org_path == "o-a1b2c3d4e5/r-a1b2/ou-a1b2-wkld0001/ou-a1b2-prod0001/"
    assert len(rails[DEV].scps) == 3 and len(rails[MANAGEMENT].scps) == 2


def test_a_resource_carries_its_account_organization_and_path(loaded):
    """aws:ResourceOrgID and aws:ResourceOrgPaths of a resource are its account's organization and path."""
    con, _ = loaded
    prod = guardrails(con)[PROD]
    assert prod.resource_context() == {"aws:ResourceOrgID": prod.organization_id,
                                       "aws:ResourceOrgPaths": [prod.org_path]}


def test_a_policy_without_content_is_unknown(tmp_path):
    for path in DATA.rglob("*.json"):
        if path.name != "describe-policy-denyiam.json":
            target = tmp_path / path.relative_to(DATA)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, target)
    con = db.connect(str(tmp_path / "partial.duckdb"))
    load_paths(con, [tmp_path])
    root = guardrails(con)[DEV].scps[0]
    assert len(root) == 2 and root.count(None) == 1
    con.close()


def test_a_level_whose_scps_are_not_loaded_is_unknown_not_empty(tmp_path):
    """Every root, OU and account holds at least one SCP (Organizations API Reference, DetachPolicy: "Every root, OU,
    and account must have at least one SCP attached"): without FullAWSAccess's list-targets-for-policy, the Workloads
    OU and the member account show no SCP because their attachments are not loaded. Each such level is unknown, so
    the member's answers that an SCP there could deny are Unknown and the controls skip; an empty level denied
    everything, and the workload role that may read every object passed. The management account is not limited."""
    shutil.copytree(DATA, tmp_path / "organizations")
    (tmp_path / "organizations" / "list-targets-for-policy" / "p-FullAWSAccess.json").unlink()
    for account in (MANAGEMENT, DEV):
        (tmp_path / account).mkdir()
        (tmp_path / account / "gaad.json").write_text(json.dumps(gaad(account)))
    con = db.connect(str(tmp_path / "unlisted.duckdb"))
    load_paths(con, [tmp_path])
    scps = guardrails(con)[DEV].scps
    assert [level.count(None) for level in scps] == [0, 1, 1] and len(scps[0]) == 1  # root: DenyIAM only
    rows = controls.results(con, controls.run_checks(con, controls=["nhi_data_exfiltration"]))
    con.close()
    found = {(r["account_id"], r["resource"].rsplit("/", 1)[-1]): r for r in rows}
    member = found[(DEV, "ci-deployer")]
    assert member["status"] == "skip", member["reason"]
    assert found[(MANAGEMENT, "ci-deployer")]["status"] == "alarm"


def test_a_policy_content_with_a_byte_order_mark_is_read(tmp_path):
    shutil.copytree(DATA, tmp_path / "organizations")
    path = tmp_path / "organizations" / "describe-policy-denyiam.json"
    described = json.loads(path.read_text())
    described["Policy"]["Content"] = "\ufeff" + described["Policy"]["Content"]
    path.write_text(json.dumps(described))
    con = db.connect(str(tmp_path / "bom.duckdb"))
    load_paths(con, [tmp_path])
    root = guardrails(con)[DEV].scps[0]
    assert len(root) == 2 and root.count(None) == 0
    con.close()


# ---- controls ----------------------------------------------------------------------------------------------------------


def status(results, control: str, resource: str) -> str:
    return results[(control, resource)]["status"]


def test_scp_denying_iam_closes_escalation_in_member_accounts(results):
    assert status(results, "iam_principal_privilege_escalation", f"arn:aws:iam::{DEV}:user/builder") == "ok"
    assert status(results, "iam_principal_privilege_escalation", f"arn:aws:iam::{MANAGEMENT}:user/builder") == "alarm"
    assert status(results, "iam_principal_privilege_escalation", f"arn:aws:iam::{OUTSIDE}:user/builder") == "alarm"


def test_scp_denying_iam_removes_administrator_power_in_member_accounts(results):
    assert status(results, "nhi_admin_privileges", f"arn:aws:iam::{DEV}:role/ci-deployer") == "ok"
    assert status(results, "nhi_admin_privileges", f"arn:aws:iam::{MANAGEMENT}:role/ci-deployer") == "alarm"
    assert status(results, "nhi_admin_privileges", f"arn:aws:iam::{OUTSIDE}:role/ci-deployer") == "alarm"


def test_rcp_keeps_callers_outside_the_organization_from_assuming_roles(results):
    assert status(results, "iam_role_trust_no_wildcard_principal", f"arn:aws:iam::{DEV}:role/public-door") == "ok"
    # RCPs do not apply to the management account's resources; without the organization nothing limits the trust
    assert status(results, "iam_role_trust_no_wildcard_principal", f"arn:aws:iam::{MANAGEMENT}:role/public-door") == "alarm"
    assert status(results, "iam_role_trust_no_wildcard_principal", f"arn:aws:iam::{OUTSIDE}:role/public-door") == "alarm"


def test_who_can_and_simulate_honour_the_scps(loaded):
    from iamsql.policy.access.who import simulate_principal, who_can

    con, _ = loaded
    dev = simulate_principal(con, f"arn:aws:iam::{DEV}:user/builder", "iam:AttachUserPolicy",
                             f"arn:aws:iam::{DEV}:user/builder", {})
    assert dev.decision == "ExplicitlyDenied"
    management = simulate_principal(con, f"arn:aws:iam::{MANAGEMENT}:user/builder", "iam:AttachUserPolicy",
                                    f"arn:aws:iam::{MANAGEMENT}:user/builder", {})
    assert management.decision == "Allowed"
    principals = {a.principal for a in who_can(con, "iam:CreateUser")}
    assert f"arn:aws:iam::{DEV}:role/ci-deployer" not in principals
    assert {f"arn:aws:iam::{MANAGEMENT}:role/ci-deployer", f"arn:aws:iam::{OUTSIDE}:role/ci-deployer"} <= principals


def test_who_can_assume_a_member_accounts_root_user_from_the_management_account(loaded):
    """sts:AssumeRoot on a member account's root user is decided by the caller's own policies (AWS STS API Reference,
    AssumeRoot: called from the management or a delegated administrator account): who-can asks every loaded account's
    principals, not only the member account's."""
    from iamsql.policy.access.who import who_can

    con, _ = loaded
    answers = {a.principal: a.decision for a in who_can(con, "sts:AssumeRoot", f"arn:aws:iam::{DEV}:root")}
    assert answers[f"arn:aws:iam::{MANAGEMENT}:role/ci-deployer"] == "Allowed"
    assert f"arn:aws:iam::{MANAGEMENT}:user/builder" not in answers  # its policy allows no sts:AssumeRoot


def test_a_database_made_before_the_organizations_tables_still_opens(loaded, tmp_path):
    con, _ = loaded
    old = tmp_path / "old.duckdb"
    con.execute("checkpoint")
    shutil.copy(con.execute("select path from duckdb_databases() where database_name = current_database()")
                .fetchone()[0], old)
    raw = duckdb.connect(str(old))
    for table in ("aws_organizations_account", "aws_organizations_organizational_unit", "aws_organizations_root",
                  "aws_organizations_policy", "aws_organizations_policy_target"):
        raw.execute(f"drop view if exists main.{table}")
        raw.execute(f"drop table if exists history.{table}")
    raw.close()
    reopened = db.connect(str(old), read_only=True)
    controls.create_views(reopened, access=False)
    assert reopened.execute("select count(*) from aws_account").fetchone()[0] == 3
    assert guardrails(reopened) == {}
    reopened.close()

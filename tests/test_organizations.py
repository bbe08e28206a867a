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
from iamsql.policy import Delegation
from iamsql.policy.access.organization import guardrails
from iamsql.store import db
from tests.fixtures.gaad import gaad_role

DATA = Path(__file__).parent / "data" / "organizations"
DELEGATED = DATA.with_name("delegated_administrators")
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
def delegated(tmp_path_factory):
    """The organization of ``loaded`` with its delegated administrators (tests/data/delegated_administrators): dev
    for IAM, prod for Security Hub, in the management account's folder."""
    folder = tmp_path_factory.mktemp("delegated")
    shutil.copytree(DATA, folder / "organizations")
    for account in (MANAGEMENT, DEV, PROD):
        (folder / account).mkdir()
        (folder / account / "gaad.json").write_text(json.dumps(gaad(account)))
    shutil.copytree(DELEGATED, folder / MANAGEMENT / "organizations")
    con = db.connect(str(folder / "delegated.duckdb"))
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


# ---- one policy type at a time -----------------------------------------------------------------------------------------

SCP_FILES = ("list-accounts.json", "list-roots.json", "list-policies-scp.json", "describe-policy-full.json",
             "describe-policy-denyiam.json", "describe-organization.json", "list-organizational-units-for-parent.json",
             "list-children", "list-targets-for-policy/p-FullAWSAccess.json", "list-targets-for-policy/p-denyiam01.json")


def scps_only(folder: Path, *leave_out: str) -> Path:
    """The organization of tests/data/organizations as `list-policies --filter SERVICE_CONTROL_POLICY` and the SCPs'
    outputs give it: no RCP output, though its root says RCPs are enabled."""
    for name in SCP_FILES:
        if name not in leave_out:
            target = folder / "organizations" / name
            target.parent.mkdir(parents=True, exist_ok=True)
            (shutil.copytree if (DATA / name).is_dir() else shutil.copy)(DATA / name, target)
    (folder / DEV).mkdir()
    (folder / DEV / "gaad.json").write_text(json.dumps(gaad(DEV)))
    return folder


def test_the_policy_table_is_whole_once_every_enabled_type_is_listed(loaded):
    """The root enables SCPs and RCPs, and both listings are loaded: nothing is partial."""
    con, _ = loaded
    assert con.execute("select count(*) from iamsql_partial").fetchone() == (0,)
    assert sorted(con.execute("select key from iamsql_listed where table_name = 'aws_organizations_policy'")
                  .fetchall()) == [("RESOURCE_CONTROL_POLICY",), ("SERVICE_CONTROL_POLICY",)]


def test_the_policy_types_are_those_of_the_api_model():
    import botocore.session

    from iamsql.load.formats.organizations import POLICY_TYPES

    model = botocore.session.get_session().get_service_model("organizations")
    assert POLICY_TYPES == set(model.shape_for("PolicyType").enum)


def test_a_listing_of_scps_is_whole_for_scps_only(tmp_path):
    """ListPolicies lists one --filter type: the SCP listing says nothing of the RCPs the root enables."""
    con = db.connect(str(tmp_path / "scps.duckdb"))
    summary = load_paths(con, [scps_only(tmp_path / "exports")])
    assert con.execute("select table_name, whole from iamsql_partial").fetchall() == [
        ("aws_organizations_policy", ["SERVICE_CONTROL_POLICY"])]
    assert any("list-policies-scp.json: list-policies lists the SERVICE_CONTROL_POLICY policies only" in w
               for w in summary.warnings)
    dev = guardrails(con)[DEV]
    assert [len(level) for level in dev.scps] == [2, 1, 1] and None not in dev.scps[0]
    assert dev.rcps == [[None], [None], [None]]  # unknown, never none: AWS keeps RCPFullAWSAccess on every level
    con.close()


def test_rcps_unknown_keep_a_public_trust_from_passing(tmp_path):
    """The RCP that keeps outsiders from the member's public-door role is not loaded: the trust is not judged ok
    (with RCPs taken as none attached, every level would have denied every caller)."""
    con = db.connect(str(tmp_path / "scps.duckdb"))
    load_paths(con, [scps_only(tmp_path / "exports")])
    run_id = controls.run_checks(con, controls=["iam_role_trust_no_wildcard_principal"])
    found = {r["resource"]: r["status"] for r in controls.results(con, run_id)}
    assert found[f"arn:aws:iam::{DEV}:role/public-door"] != "ok"
    con.close()


def test_without_the_root_a_type_not_listed_is_unknown(tmp_path):
    con = db.connect(str(tmp_path / "scps.duckdb"))
    load_paths(con, [scps_only(tmp_path / "exports", "list-roots.json")])
    assert guardrails(con)[DEV].rcps == [[None], [None], [None]]
    con.close()


def test_a_cut_listing_of_one_type_is_not_completed_by_another_types(tmp_path):
    """A first SCP page saying NextToken beside the whole RCP listing: the SCPs are not listed whole."""
    exports = scps_only(tmp_path / "exports")
    page = json.loads((DATA / "list-policies-scp.json").read_text())
    (exports / "organizations" / "list-policies-scp.json").write_text(json.dumps({**page, "NextToken": "AAQA"}))
    shutil.copy(DATA / "list-policies-rcp.json", exports / "organizations")
    con = db.connect(str(tmp_path / "cut.duckdb"))
    summary = load_paths(con, [exports])
    assert any("every list-policies output of SERVICE_CONTROL_POLICY says there is more" in w for w in summary.warnings)
    assert con.execute("select key from iamsql_listed where table_name = 'aws_organizations_policy'").fetchall() == [
        ("RESOURCE_CONTROL_POLICY",)]
    con.close()


def test_a_root_enabling_scps_only_makes_the_scp_listing_whole(tmp_path):
    exports = scps_only(tmp_path / "exports")
    roots = json.loads((DATA / "list-roots.json").read_text())
    roots["Roots"][0]["PolicyTypes"] = [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}]
    (exports / "organizations" / "list-roots.json").write_text(json.dumps(roots))
    con = db.connect(str(tmp_path / "scps.duckdb"))
    load_paths(con, [exports])
    assert con.execute("select count(*) from iamsql_partial").fetchone() == (0,)
    assert guardrails(con)[DEV].rcps == []
    con.close()


@pytest.mark.parametrize(("name", "document"), [
    ("list-policies.json", {"Filter": "RESOURCE_CONTROL_POLICY", "Policies": []}),  # as iamsql collect writes it
    ("list-policies-resource-control-policy.json", {"Policies": []}),
    ("RESOURCE_CONTROL_POLICY/list-policies.json", {"Policies": []})])
def test_an_empty_listing_of_a_type_says_the_organization_has_none(tmp_path, name, document):
    """An empty list proves its type only by an added Filter or a file or folder named after the type; then, with
    no root saying the type is enabled, no RCP is in force (AWS would list RCPFullAWSAccess)."""
    exports = scps_only(tmp_path / "exports", "list-roots.json")
    (exports / "organizations" / name).parent.mkdir(parents=True, exist_ok=True)
    (exports / "organizations" / name).write_text(json.dumps(document))
    con = db.connect(str(tmp_path / "empty.duckdb"))
    summary = load_paths(con, [exports])
    assert not summary.skipped
    assert ("aws_organizations_policy", "RESOURCE_CONTROL_POLICY") in con.execute(
        "select table_name, key from iamsql_listed").fetchall()
    assert guardrails(con)[DEV].rcps == []
    con.close()


def test_an_empty_listing_named_after_no_type_proves_nothing(tmp_path):
    exports = scps_only(tmp_path / "exports", "list-roots.json")
    (exports / "organizations" / "list-policies-2.json").write_text(json.dumps({"Policies": []}))
    con = db.connect(str(tmp_path / "empty.duckdb"))
    summary = load_paths(con, [exports])
    assert [Path(path).name for path, _ in summary.skipped] == ["list-policies-2.json"]
    assert guardrails(con)[DEV].rcps == [[None], [None], [None]]
    con.close()


def test_a_later_listing_of_a_type_replaces_that_types_policies_only(tmp_path):
    """A later SCP listing over a whole table drops the SCP deleted since and keeps the RCPs."""
    con = db.connect(str(tmp_path / "later.duckdb"))
    load_paths(con, [DATA])
    listing = json.loads((DATA / "list-policies-scp.json").read_text())
    listing["Policies"] = [p for p in listing["Policies"] if p["Id"] != "p-denyiam01"]
    (tmp_path / "list-policies.json").write_text(json.dumps(listing))
    load_paths(con, [tmp_path / "list-policies.json"], account_id=MANAGEMENT)
    assert con.execute("select id from aws_organizations_policy order by id").fetchall() == [
        ("p-FullAWSAccess",), ("p-RCPFullAWSAccess",), ("p-rcporgonly",)]
    con.close()


PAGES = Path(__file__).parent / "data" / "organizations_pages" / "list-targets-for-policy"


def with_denyiam_pages(folder: Path, *pages: str) -> Path:
    """The organization with only the SCP outputs, DenyIAM's targets given by ``pages`` of organizations_pages."""
    exports = scps_only(folder, "list-targets-for-policy/p-denyiam01.json")
    for page in pages:
        shutil.copy(PAGES / page, exports / "organizations" / "list-targets-for-policy" / page)
    return exports


def test_a_policys_targets_cut_after_a_page_are_part_of_the_table(tmp_path):
    """DenyIAM's first page says NextToken; FullAWSAccess's whole listing beside it is another policy's, not its last
    page: the attachments are known in part and every level may hold one not loaded."""
    con = db.connect(str(tmp_path / "cut.duckdb"))
    summary = load_paths(con, [with_denyiam_pages(tmp_path / "exports", "p-denyiam01.json")])
    assert any("every list-targets-for-policy output of p-denyiam01 says there is more" in w for w in summary.warnings)
    assert ("aws_organizations_policy_target",) in con.execute("select table_name from iamsql_partial").fetchall()
    dev = guardrails(con)[DEV]
    assert all(level[-1] is None for level in dev.scps) and [len(level) for level in dev.scps] == [3, 2, 2]
    con.close()


def test_a_policys_target_pages_in_several_files_add_up(tmp_path):
    con = db.connect(str(tmp_path / "pages.duckdb"))
    summary = load_paths(con, [with_denyiam_pages(tmp_path / "exports", "p-denyiam01.json", "p-denyiam01.2.json")])
    assert not any("there is more" in w for w in summary.warnings)
    assert con.execute("select target_id from aws_organizations_policy_target where id = 'p-denyiam01' "
                       "order by 1").fetchall() == [("ou-a1b2-wkld0001",), ("r-a1b2",)]
    assert con.execute("select table_name from iamsql_partial").fetchall() == [("aws_organizations_policy",)]
    dev = guardrails(con)[DEV]
    assert [len(level) for level in dev.scps] == [2, 2, 1] and not any(None in level for level in dev.scps)
    con.close()


def test_several_targets_policies_in_one_folder(tmp_path):
    """list-policies-for-target of the root and of each OU, each file named after its target: each target's
    attachments; an empty one says the target has none of that type."""
    exports = scps_only(tmp_path / "exports", "list-targets-for-policy/p-FullAWSAccess.json",
                        "list-targets-for-policy/p-denyiam01.json")
    folder = exports / "organizations" / "list-policies-for-target"
    folder.mkdir()
    scps = {p["Id"]: p for p in json.loads((DATA / "list-policies-scp.json").read_text())["Policies"]}
    attached = {"r-a1b2": ["p-FullAWSAccess", "p-denyiam01"], "ou-a1b2-wkld0001": ["p-FullAWSAccess"],
                DEV: ["p-FullAWSAccess"]}
    for target, ids in attached.items():
        (folder / f"{target}.json").write_text(json.dumps({"Policies": [scps[i] for i in ids]}))
    (folder / "ou-a1b2-prod0001.json").write_text(json.dumps({"Policies": []}))
    con = db.connect(str(tmp_path / "targets.duckdb"))
    summary = load_paths(con, [exports])
    assert not summary.skipped
    assert con.execute("select target_id, count(*) from aws_organizations_policy_target group by 1 order by 1"
                       ).fetchall() == [(DEV, 1), ("ou-a1b2-wkld0001", 1), ("r-a1b2", 2)]
    assert sorted(key for (key,) in con.execute("select key from iamsql_listed where table_name = "
                                                 "'aws_organizations_policy_target'").fetchall()) == sorted(
        [*attached, "ou-a1b2-prod0001"])
    dev = guardrails(con)[DEV]
    assert [len(level) for level in dev.scps] == [2, 1, 1] and not any(None in level for level in dev.scps)


def test_delegated_administrators_load_in_steampipe_shape(delegated):
    """list-delegated-administrators fills aws_organizations_delegated_administrator (whole without
    --service-principal); asked for IAM (the file's name says so), its accounts are IAM's delegated administrators in
    aws_organizations_delegated_services_for_account, as list-delegated-services-for-account gives one account's."""
    con, summary = delegated
    assert {w.split(" (")[0] for w in summary.warnings} == {
        f"account {MANAGEMENT}: only part of aws_organizations_delegated_services_for_account is loaded"}
    admins = con.execute("select id, name, status, joined_method, joined_timestamp::varchar, "
                         "delegation_enabled_date::varchar, title, akas ->> '$[0]', region, account_id "
                         "from aws_organizations_delegated_administrator order by id").fetchall()
    assert admins == [
        (DEV, "dev", "ACTIVE", "CREATED", "2024-01-02 00:00:00+00", "2024-06-01 00:00:00+00", "dev",
         f"arn:aws:organizations::{MANAGEMENT}:account/o-a1b2c3d4e5/{DEV}", "global", MANAGEMENT),
        (PROD, "prod", "ACTIVE", "INVITED", "2024-01-03 00:00:00+00", "2024-07-01 00:00:00+00", "prod",
         f"arn:aws:organizations::{MANAGEMENT}:account/o-a1b2c3d4e5/{PROD}", "global", MANAGEMENT)]
    services = con.execute("select delegated_account_id, service_principal, delegation_enabled_date::varchar, title, "
                           "account_id from aws_organizations_delegated_services_for_account order by 1").fetchall()
    assert services == [(DEV, "iam.amazonaws.com", "2024-06-01 00:00:00+00", "iam.amazonaws.com", MANAGEMENT),
                        (PROD, "securityhub.amazonaws.com", "2024-07-01 00:00:00+00", "securityhub.amazonaws.com",
                         MANAGEMENT)]
    partial = {r[0] for r in con.execute("select table_name from iamsql_partial").fetchall()}
    assert "aws_organizations_delegated_services_for_account" in partial
    assert "aws_organizations_delegated_administrator" not in partial  # the whole listing is in the load
    listed = con.execute("select key from iamsql_listed "
                         "where table_name = 'aws_organizations_delegated_services_for_account'").fetchall()
    assert listed == [(PROD,)]


def test_a_delegated_administrators_listing_of_one_service_is_partial(tmp_path):
    """Alone, the listing asked for one service holds part of the administrators; a list-delegated-services-for-account
    output that names no account is skipped saying so."""
    (tmp_path / "outputs").mkdir()
    shutil.copy(DELEGATED / "list-delegated-administrators" / "iam.amazonaws.com.json", tmp_path / "outputs")
    (tmp_path / "outputs" / "services.json").write_text(json.dumps({"DelegatedServices": []}))
    con = db.connect(str(tmp_path / "one.duckdb"))
    summary = load_paths(con, [tmp_path / "outputs"])
    reasons = dict(con.execute("select table_name, reason from iamsql_partial").fetchall())
    assert "delegated administrators of iam.amazonaws.com only" in reasons["aws_organizations_delegated_administrator"]
    assert con.execute("select count(*) from aws_organizations_delegated_services_for_account").fetchone()[0] == 1
    skipped = {Path(path).name: why for path, why in summary.skipped}
    assert "names no account" in skipped["services.json"]
    con.close()


def test_the_services_of_every_listed_administrator_make_their_table_whole(tmp_path):
    """The whole listing of every service's administrators with each one's list-delegated-services-for-account (what
    collect --org gathers) holds aws_organizations_delegated_services_for_account whole; one administrator's services
    missing leave it partial."""
    outputs = tmp_path / "outputs"
    (outputs / "list-delegated-services-for-account").mkdir(parents=True)
    shutil.copy(DELEGATED / "list-delegated-administrators.json", outputs)
    shutil.copy(DELEGATED / "list-delegated-services-for-account" / f"{PROD}.json",
                outputs / "list-delegated-services-for-account")

    def partial(name: str) -> set:
        con = db.connect(str(tmp_path / name))
        load_paths(con, [outputs], account_id=MANAGEMENT)
        tables = {r[0] for r in con.execute("select table_name from iamsql_partial").fetchall()}
        con.close()
        return tables

    assert partial("one.duckdb") == {"aws_organizations_delegated_services_for_account"}  # dev's services missing
    (outputs / "list-delegated-services-for-account" / f"{DEV}.json").write_text(json.dumps({
        "AccountId": DEV, "DelegatedServices": [
            {"ServicePrincipal": "iam.amazonaws.com", "DelegationEnabledDate": "2024-06-01T00:00:00+00:00"}]}))
    assert partial("both.duckdb") == set()


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
    # root: DenyIAM, and FullAWSAccess's place not listed (the root's own listing lists its RCPs only)
    assert [level.count(None) for level in scps] == [1, 1, 1] and len(scps[0]) == 2
    rows = controls.results(con, controls.run_checks(con, controls=["nhi_data_exfiltration"]))
    con.close()
    found = {(r["account_id"], r["resource"].rsplit("/", 1)[-1]): r for r in rows}
    member = found[(DEV, "ci-deployer")]
    assert member["status"] == "skip", member["reason"]
    assert found[(MANAGEMENT, "ci-deployer")]["status"] == "alarm"


def test_a_level_is_whole_only_where_a_listing_proves_it(tmp_path):
    """Without the SCP type's list-policies, a policy's list-targets-for-policy says where it is attached, not what
    else is: every SCP level holds an unknown policy beside the loaded ones, except the member account, whose own
    list-policies-for-target lists its SCPs whole."""
    shutil.copytree(DATA, tmp_path / "organizations")
    (tmp_path / "organizations" / "list-policies-scp.json").unlink()
    listing = json.loads((DATA / "list-policies-scp.json").read_text())
    listing["Policies"] = [p for p in listing["Policies"] if p["Id"] == "p-FullAWSAccess"]
    target = tmp_path / "organizations" / "list-policies-for-target"
    target.mkdir()
    (target / f"{DEV}.json").write_text(json.dumps({"TargetId": DEV, **listing}))
    (tmp_path / DEV).mkdir()
    (tmp_path / DEV / "gaad.json").write_text(json.dumps(gaad(DEV)))
    con = db.connect(str(tmp_path / "levels.duckdb"))
    load_paths(con, [tmp_path])
    scps = guardrails(con)[DEV].scps
    con.close()
    assert [level.count(None) for level in scps] == [1, 1, 0]
    assert [len(level) for level in scps] == [3, 2, 1]  # root: FullAWSAccess, DenyIAM; Workloads: FullAWSAccess


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


def test_without_the_iam_listing_assume_root_from_a_member_is_unknown(loaded):
    """Without list-delegated-administrators for IAM the engine cannot tell whether dev may call AssumeRoot."""
    from iamsql.policy.access.who import who_can

    con, _ = loaded
    assert guardrails(con)[PROD].delegated_administrators == {}
    answers = {a.principal: a.decision for a in who_can(con, "sts:AssumeRoot", f"arn:aws:iam::{PROD}:root")}
    assert answers[f"arn:aws:iam::{DEV}:role/ci-deployer"] == "Unknown"
    # an account the loaded organization does not list is neither its management account nor a delegated administrator
    assert f"arn:aws:iam::{OUTSIDE}:role/ci-deployer" not in answers


def test_assume_root_without_any_organization_data_is_unknown_even_for_an_administrator(tmp_path):
    """AssumeRoot exists only in an organization with centralized root access, for its management account or IAM's
    delegated administrator: with no Organizations output loaded, a role allowed everything may or may not be either,
    so its answer is Unknown, not the Allowed its unrestricted Allow would give any other action."""
    from iamsql.policy.access.who import who_can

    (tmp_path / OUTSIDE).mkdir()
    (tmp_path / OUTSIDE / "gaad.json").write_text(json.dumps(gaad(OUTSIDE)))
    con = db.connect(str(tmp_path / "alone.duckdb"))
    load_paths(con, [tmp_path])
    assert guardrails(con) == {}
    answers = {a.principal: a.decision for a in who_can(con, "sts:AssumeRoot", f"arn:aws:iam::{PROD}:root")}
    assert answers == {f"arn:aws:iam::{OUTSIDE}:role/ci-deployer": "Unknown"}
    assert {a.principal: a.decision for a in who_can(con, "iam:CreateUser")}[
        f"arn:aws:iam::{OUTSIDE}:role/ci-deployer"] == "Allowed"
    con.close()


def test_iams_delegated_administrator_may_assume_a_member_accounts_root_user(delegated):
    """With IAM's delegated administrators loaded, dev (IAM's) may call AssumeRoot on prod's root user; an account
    that is neither the management account nor IAM's delegated administrator may not, whatever its policies."""
    from iamsql.policy.access.who import who_can

    con, _ = delegated
    rails = guardrails(con)
    # prod's list-delegated-services-for-account names Security Hub: prod is its administrator, and the whole listing
    # of every service's administrators names no other account
    assert rails[PROD].delegated_administrators == {
        "iam.amazonaws.com": Delegation.whole([DEV]),
        "securityhub.amazonaws.com": Delegation(frozenset({PROD}), frozenset(), frozenset({DEV, PROD}))}
    answers = {a.principal: a.decision for a in who_can(con, "sts:AssumeRoot", f"arn:aws:iam::{PROD}:root")}
    assert answers[f"arn:aws:iam::{DEV}:role/ci-deployer"] == "Allowed"
    assert answers[f"arn:aws:iam::{MANAGEMENT}:role/ci-deployer"] == "Allowed"
    assert answers.get(f"arn:aws:iam::{PROD}:role/ci-deployer", "ImplicitlyDenied") == "ImplicitlyDenied"


def test_a_later_empty_iam_listing_leaves_no_delegated_administrator(tmp_path):
    """The latest listing for IAM decides: an empty one loaded after dev's leaves IAM no delegated administrator, so
    dev's AssumeRoot is refused, not allowed by the earlier listing's rows."""
    from iamsql.policy.access.who import who_can

    shutil.copytree(DATA, tmp_path / "first" / "organizations")
    for account in (MANAGEMENT, DEV):
        (tmp_path / "first" / account).mkdir()
        (tmp_path / "first" / account / "gaad.json").write_text(json.dumps(gaad(account)))
    shutil.copytree(DELEGATED, tmp_path / "first" / MANAGEMENT / "organizations")
    later = tmp_path / "later" / MANAGEMENT / "list-delegated-administrators"
    later.mkdir(parents=True)
    (later / "iam.amazonaws.com.json").write_text(json.dumps({"DelegatedAdministrators": []}))
    con = db.connect(str(tmp_path / "later.duckdb"))
    load_paths(con, [tmp_path / "first"])
    assert guardrails(con)[PROD].delegated_administrators["iam.amazonaws.com"] == Delegation.whole([DEV])
    load_paths(con, [tmp_path / "later"], account_id=MANAGEMENT)
    assert guardrails(con)[PROD].delegated_administrators["iam.amazonaws.com"] == Delegation.whole([])
    answers = {a.principal: a.decision for a in who_can(con, "sts:AssumeRoot", f"arn:aws:iam::{PROD}:root")}
    assert answers.get(f"arn:aws:iam::{DEV}:role/ci-deployer", "ImplicitlyDenied") == "ImplicitlyDenied"
    con.close()


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


def _services(*principals: str) -> dict:
    return {"DelegatedServices": [{"ServicePrincipal": p, "DelegationEnabledDate": "2024-06-01T00:00:00+00:00"}
                                  for p in principals]}


def _administrators(*accounts: str, more: bool = False) -> dict:
    listing = json.loads((DELEGATED / "list-delegated-administrators.json").read_text())
    listing["DelegatedAdministrators"] = [a for a in listing["DelegatedAdministrators"] if a["Id"] in accounts]
    return {**listing, **({"NextToken": "AAEAAf9page2"} if more else {})}


@pytest.mark.parametrize("outputs, expected", [
    # dev's list-delegated-services-for-account names IAM: dev is IAM's delegated administrator
    ({f"list-delegated-services-for-account/{DEV}.json": _services("iam.amazonaws.com", "securityhub.amazonaws.com")},
     "Allowed"),
    # it names other services only: dev is not
    ({f"list-delegated-services-for-account/{DEV}.json": _services("securityhub.amazonaws.com")}, "ImplicitlyDenied"),
    ({f"list-delegated-services-for-account/{DEV}.json": _services()}, "ImplicitlyDenied"),
    # another account's services say nothing of dev
    ({f"list-delegated-services-for-account/{PROD}.json": _services("iam.amazonaws.com")}, "Unknown"),
    # the unfiltered listing names dev: an administrator of some service, IAM's or not
    ({"list-delegated-administrators.json": _administrators(DEV, PROD)}, "Unknown"),
    # it leaves dev out: dev administers no service
    ({"list-delegated-administrators.json": _administrators(PROD)}, "ImplicitlyDenied"),
    # a page that says more follows proves nothing of the accounts it leaves out
    ({"list-delegated-administrators.json": _administrators(PROD, more=True)}, "Unknown"),
    # both: dev is named, and its own output says for which services
    ({"list-delegated-administrators.json": _administrators(DEV, PROD),
      f"list-delegated-services-for-account/{DEV}.json": _services("iam.amazonaws.com")}, "Allowed"),
    ({"list-delegated-administrators.json": _administrators(DEV, PROD),
      f"list-delegated-services-for-account/{DEV}.json": _services("securityhub.amazonaws.com")}, "ImplicitlyDenied"),
])
def test_iams_delegated_administrator_without_the_iam_listing(tmp_path, outputs, expected):
    """Without list-delegated-administrators --service-principal iam.amazonaws.com, dev's AssumeRoot on prod's root
    user follows what the other outputs prove: its own list-delegated-services-for-account, and the whole unfiltered
    listing (every service's administrators) for an account it leaves out."""
    from iamsql.policy.access.who import who_can

    shutil.copytree(DATA, tmp_path / "load" / "organizations")
    for account in (MANAGEMENT, DEV, PROD):
        (tmp_path / "load" / account).mkdir()
        (tmp_path / "load" / account / "gaad.json").write_text(json.dumps(gaad(account)))
    for name, output in outputs.items():
        (tmp_path / "load" / MANAGEMENT / "organizations" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "load" / MANAGEMENT / "organizations" / name).write_text(json.dumps(output))
    con = db.connect(str(tmp_path / "one.duckdb"))
    load_paths(con, [tmp_path / "load"])
    answers = {a.principal: a.decision for a in who_can(con, "sts:AssumeRoot", f"arn:aws:iam::{PROD}:root")}
    assert answers.get(f"arn:aws:iam::{DEV}:role/ci-deployer", "ImplicitlyDenied") == expected
    assert answers[f"arn:aws:iam::{MANAGEMENT}:role/ci-deployer"] == "Allowed"
    con.close()

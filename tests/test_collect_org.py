"""``iamsql collect --org`` through the console script against moto: every account of the organization through
the named role (with ExternalId), rows per account, account names and OU paths recorded, and an account without a
password policy recorded as such (the table covered with no rows), not as a gap."""

import json
import subprocess
import sys
from pathlib import Path

import boto3
import duckdb

from tests.fixtures.moto import create_organization, populate_account

IAMSQL = str(Path(sys.executable).parent / "iamsql")
MANAGEMENT = "123456789012"


def test_org_collection_assumes_the_role_in_every_account(aws_session: boto3.Session, tmp_path):
    populate_account(aws_session, MANAGEMENT)
    members = create_organization(aws_session)
    evidence, db_path = tmp_path / "evidence", tmp_path / "org.duckdb"
    result = subprocess.run([IAMSQL, "collect", "--org", "--role-name", "SecurityAudit", "--external-id", "audit-ext-1",
                             "--evidence-dir", str(evidence), "--db", str(db_path)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    manifest = json.loads((evidence / "manifest.json").read_text())
    accounts = manifest["accounts"]
    assert set(accounts) == {MANAGEMENT, *members.values()}
    assert accounts[members["web"]]["ou_path"] == "Root/Workloads/Prod"
    assert accounts[members["dev"]]["ou_path"] == "Root" and accounts[members["dev"]]["account_name"] == "dev"
    for account, info in accounts.items():
        assert info["credentials"] == f"assume-role arn:aws:iam::{account}:role/SecurityAudit"
        assert info["caller_identity"]["Arn"] == f"arn:aws:sts::{account}:assumed-role/SecurityAudit/iamsql-collect"
    for name, account in members.items():
        assert f"{account}" in result.stdout and name in result.stdout

    con = duckdb.connect(str(db_path), read_only=True)
    users = con.execute("select account_id, name from aws_iam_user order by 1, 2").fetchall()
    assert users == sorted([*((MANAGEMENT, u) for u in ("alice", "bob", "carol")),
                            (members["dev"], "dev-deployer"), (members["web"], "web-deployer")])
    policies = dict(con.execute("select account_id, minimum_password_length from aws_iam_account_password_policy").fetchall())
    assert policies == {MANAGEMENT: 14}
    covered = {r[0] for r in con.execute("select account_id from iamsql_latest "
                                         "where table_name = 'aws_iam_account_password_policy'").fetchall()}
    assert covered == {MANAGEMENT, *members.values()}  # members: no policy, a fact
    sources = json.loads(con.execute(f"select sources from iamsql_snapshot where account_id = '{members['web']}'")
                         .fetchone()[0])
    manifest_entry = next(s for s in sources if s["format"] == "iamsql:collect-manifest")
    assert manifest_entry["account_name"] == "web" and manifest_entry["ou_path"] == "Root/Workloads/Prod"
    assert {r[0] for r in con.execute("select distinct kind from iamsql_snapshot").fetchall()} == {"collect"}
    con.close()


ORG_ONLY = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole", "Resource": "*",
    "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-placeholder"}}}]}
DENY_IAM = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "iam:*", "Resource": "*"}]}


def test_org_collection_loads_the_organization_its_scps_and_rcps(aws_session: boto3.Session, tmp_path):
    """The tree, the SCPs with their content and targets, collected from the management account through boto3
    and loaded into the Organizations tables; the engine then sees the SCP levels of each member account."""
    from iamsql.collect.run import collect
    from iamsql.policy.access.organization import guardrails
    from iamsql.store import db

    members = create_organization(aws_session)
    org = aws_session.client("organizations")
    root = org.list_roots()["Roots"][0]["Id"]
    workloads = next(u for u in org.list_organizational_units_for_parent(ParentId=root)["OrganizationalUnits"]
                     if u["Name"] == "Workloads")["Id"]
    org.enable_policy_type(RootId=root, PolicyType="SERVICE_CONTROL_POLICY")
    deny = org.create_policy(Content=json.dumps(DENY_IAM), Description="no IAM", Name="DenyIAM",
                             Type="SERVICE_CONTROL_POLICY")["Policy"]["PolicySummary"]["Id"]
    org.attach_policy(PolicyId=deny, TargetId=workloads)
    org.enable_policy_type(RootId=root, PolicyType="RESOURCE_CONTROL_POLICY")
    org_only = org.create_policy(Content=json.dumps(ORG_ONLY), Description="org only", Name="OrgOnly",
                                 Type="RESOURCE_CONTROL_POLICY")["Policy"]["PolicySummary"]["Id"]
    org.attach_policy(PolicyId=org_only, TargetId=root)

    con = db.connect(str(tmp_path / "org.duckdb"))
    result = collect(con, evidence_dir=tmp_path / "evidence", org=True, role_name="SecurityAudit")
    organizations = tmp_path / "evidence" / MANAGEMENT / "global" / "organizations"
    assert (organizations / "describe-organization.json").is_file()
    assert (organizations / "list-targets-for-policy" / f"{deny}.json").is_file()

    ous = dict(con.execute("select name, path from aws_organizations_organizational_unit").fetchall())
    prod = con.execute("select id from aws_organizations_organizational_unit where name = 'Prod'").fetchone()[0]
    assert ous["Prod"] == f"{root}.{workloads}.{prod}".replace("-", "_")
    parents = dict(con.execute("select id, parent_id from aws_organizations_account").fetchall())
    assert parents[members["web"]] == prod and parents[members["dev"]] == root and parents[MANAGEMENT] == root
    policies = dict(con.execute("select name, content ->> '$.Statement[0].Effect' from aws_organizations_policy "
                                "where type = 'SERVICE_CONTROL_POLICY'").fetchall())
    assert policies["DenyIAM"] == "Deny" and policies["FullAWSAccess"] == "Allow"
    assert con.execute("select count(*) from aws_organizations_policy_target where id = ? and target_id = ?",
                       [deny, workloads]).fetchone()[0] == 1
    from iamsql.controls.views import create_views

    create_views(con, access=False)
    assert con.execute("select organization_master_account_id, organization_id like 'o-%' from aws_account "
                       "where account_id = ?", [members["web"]]).fetchone() == (MANAGEMENT, True)

    rails = guardrails(con)
    assert rails[members["web"]].management_account_id == MANAGEMENT
    web = rails[members["web"]].scps
    assert len(web) == 4 and len(web[1]) == 2 and all(p is not None for level in web for p in level)
    assert len(rails[members["dev"]].scps) == 2
    rcps = rails[members["web"]].rcps
    assert rcps and any(p is not None and p.statements_for("sts:assumerole") for p in rcps[0])
    assert not result.gaps
    con.close()


def test_org_collection_loads_every_delegated_administrator_and_their_services(aws_session: boto3.Session, tmp_path):
    """ListDelegatedAdministrators of every service from the management account, then ListDelegatedServicesForAccount
    per administrator (its evidence file names the account): both tables load, and the engine knows IAM's delegated
    administrator, that the other administrator is not one, and that an account neither lists is not one."""
    from iamsql.collect.run import collect
    from iamsql.policy.access.organization import guardrails
    from iamsql.store import db

    members = create_organization(aws_session)
    org = aws_session.client("organizations")
    org.register_delegated_administrator(AccountId=members["dev"], ServicePrincipal="iam.amazonaws.com")
    org.register_delegated_administrator(AccountId=members["web"], ServicePrincipal="guardduty.amazonaws.com")
    con = db.connect(str(tmp_path / "org-delegated.duckdb"))
    result = collect(con, evidence_dir=tmp_path / "evidence", org=True, role_name="SecurityAudit")
    assert not result.gaps
    folder = tmp_path / "evidence" / MANAGEMENT / "global" / "organizations"
    listing = json.loads((folder / "list-delegated-administrators.json").read_text())
    assert sorted(a["Id"] for a in listing["DelegatedAdministrators"]) == sorted([members["dev"], members["web"]])
    services = json.loads((folder / "list-delegated-services-for-account" / f"{members['web']}.json").read_text())
    assert services["AccountId"] == members["web"]
    assert [s["ServicePrincipal"] for s in services["DelegatedServices"]] == ["guardduty.amazonaws.com"]
    assert sorted(r[0] for r in con.execute("select id from aws_organizations_delegated_administrator").fetchall()) == \
        sorted([members["dev"], members["web"]])
    assert sorted(con.execute("select delegated_account_id, service_principal from "
                              "aws_organizations_delegated_services_for_account").fetchall()) == sorted([
        (members["dev"], "iam.amazonaws.com"), (members["web"], "guardduty.amazonaws.com")])
    iam = guardrails(con)[members["web"]].delegated_administrators["iam.amazonaws.com"]
    assert (iam.holds(members["dev"]), iam.holds(members["web"]), iam.holds(MANAGEMENT)) == (True, False, False)
    assert con.execute("select count(*) from iamsql_partial").fetchone()[0] == 0  # both tables whole
    con.close()


def test_org_collection_loads_each_accounts_tags(aws_session: boto3.Session, tmp_path):
    """ListTagsForResource per listed account: a tagged account's tags as Steampipe's map and AWS's list, an untagged
    one's as {} and [] (what ListTagsForResource answers), not NULL."""
    from iamsql.collect.run import collect
    from iamsql.store import db

    members = create_organization(aws_session)
    aws_session.client("organizations").tag_resource(
        ResourceId=members["web"], Tags=[{"Key": "env", "Value": "prod"}, {"Key": "owner", "Value": "web-team"}])
    con = db.connect(str(tmp_path / "org-tags.duckdb"))
    result = collect(con, evidence_dir=tmp_path / "evidence", org=True, role_name="SecurityAudit")
    assert not result.gaps
    tagged = tmp_path / "evidence" / MANAGEMENT / "global" / "organizations" / "list-tags-for-resource"
    assert json.loads((tagged / f"{members['web']}.json").read_text())["ResourceId"] == members["web"]
    rows = {r[0]: (json.loads(r[1]), json.loads(r[2])) for r in con.execute(
        "select id, tags::varchar, tags_src::varchar from aws_organizations_account").fetchall()}
    assert rows[members["web"]] == ({"env": "prod", "owner": "web-team"},
                                    [{"Key": "env", "Value": "prod"}, {"Key": "owner", "Value": "web-team"}])
    assert rows[members["dev"]] == ({}, []) and rows[MANAGEMENT] == ({}, [])
    con.close()


def test_org_collection_lists_every_policy_type_the_root_enables(aws_session: boto3.Session, tmp_path):
    """A root enabling tag policies besides SCPs: their listing is collected too, so aws_organizations_policy is
    whole (ListPolicies lists one type per call)."""
    from iamsql.collect.run import collect
    from iamsql.store import db

    create_organization(aws_session)
    org = aws_session.client("organizations")
    root = org.list_roots()["Roots"][0]["Id"]
    org.enable_policy_type(RootId=root, PolicyType="SERVICE_CONTROL_POLICY")
    org.enable_policy_type(RootId=root, PolicyType="TAG_POLICY")
    tags = {"tags": {"costcenter": {"tag_key": {"@@assign": "CostCenter"}}}}
    org.create_policy(Content=json.dumps(tags), Description="tags", Name="CostCenter", Type="TAG_POLICY")
    con = db.connect(str(tmp_path / "org.duckdb"))
    collect(con, evidence_dir=tmp_path / "evidence", org=True, role_name="SecurityAudit")
    listing = tmp_path / "evidence" / MANAGEMENT / "global" / "organizations" / "list-policies" / "tag_policy.json"
    assert json.loads(listing.read_text())["Filter"] == "TAG_POLICY"
    assert con.execute("select name from aws_organizations_policy where type = 'TAG_POLICY'").fetchall() == [
        ("CostCenter",)]
    assert con.execute("select count(*) from iamsql_partial where table_name = 'aws_organizations_policy'"
                       ).fetchone() == (0,)
    con.close()

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

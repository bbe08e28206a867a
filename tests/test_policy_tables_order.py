"""The policy engine's tables do not depend on the interpreter's string hashing: a principal that may assume
several administrator roles is shown the same one (the first by ARN) whatever ``PYTHONHASHSEED`` is."""

import json
import os
import subprocess
import sys

from iamsql.load import load_paths
from iamsql.store import db
from tests.fixtures.gaad import gaad_role

ACCOUNT = "123456789012"
ADMIN = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
ASSUME_ANY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}
TRUST_ACCOUNT = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}]}
ROLES = ["zeta-admin", "alpha-admin", "mid-admin", "beta-admin", "omega-admin", "kappa-admin"]

ROWS = """
import sys
from iamsql.controls.catalog import ACCESS_QUESTIONS
from iamsql.policy.access.build import create_tables
from iamsql.store.db import connect
con = connect(sys.argv[1], read_only=True)
create_tables(con, ACCESS_QUESTIONS, tables=["iam_principal_access"])
print(con.execute("select principal_arn, detail from iam_principal_access where question = 'assume_admin_role' "
                  "order by all").fetchall())
"""


def _details() -> dict:
    user = {"UserName": "ci", "UserId": "AIDACI", "Path": "/", "Arn": f"arn:aws:iam::{ACCOUNT}:user/ci",
            "CreateDate": "2024-01-01T00:00:00Z", "GroupList": [], "AttachedManagedPolicies": [], "Tags": [],
            "UserPolicyList": [{"PolicyName": "assume", "PolicyDocument": ASSUME_ANY}]}
    return {"UserDetailList": [user], "GroupDetailList": [], "RoleDetailList": [gaad_role(ACCOUNT, n, TRUST_ACCOUNT, *ADMIN["Statement"]) for n in ROLES],
            "Policies": []}


def test_the_admin_role_a_principal_reaches_does_not_depend_on_string_hashing(tmp_path):
    source = tmp_path / "get-account-authorization-details.json"
    source.write_text(json.dumps(_details()))
    path = tmp_path / "order.duckdb"
    con = db.connect(path)
    load_paths(con, [source])
    con.close()
    answers = set()
    for seed in ("1", "2", "3", "4"):
        done = subprocess.run([sys.executable, "-c", ROWS, str(path)], capture_output=True, text=True,
                              env={**os.environ, "PYTHONHASHSEED": seed})
        assert done.returncode == 0, done.stderr
        answers.add(done.stdout)
    assert len(answers) == 1
    assert f"('arn:aws:iam::{ACCOUNT}:user/ci', 'arn:aws:iam::{ACCOUNT}:role/alpha-admin')" in answers.pop()

"""A role session's ``aws:PrincipalArn`` is its role's ARN with the role's path (IAM User Guide, "AWS global condition
context keys": for a role, the request context holds the role's ARN). A trust policy that names a session of a role
with a path (a session ARN carries no path) and limits it with ``ArnLike`` on the path form admits that session:
`iam_principal_access` reaches the administrator role through it, but only for the session of the name it gives
(`AllowedIf` on the session's ``aws:userid``: the role's unique id, not loaded here, ``:`` and the session name).

Account 123456789012 as of 2024-03-01 (tests/iam_rows.py), loaded as rows into a database file."""

from iamsql import controls
from iamsql.policy.access import create_tables
from iamsql.store import db
from tests.iam_rows import ACCOUNT, ADMIN, AS_OF, allow, arn, managed, role

SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/deployer/ci"


def with_path(row: dict, path: str) -> dict:
    return {**row, "path": path, "arn": arn("role", path.strip("/") + "/" + row["name"])}


def test_a_session_of_a_role_with_a_path_is_matched_on_the_path_form(tmp_path):
    deployer = with_path(role("deployer", {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                                           "Action": "sts:AssumeRole"}, statements=[allow("sts:AssumeRole")]), "/team/")
    other = with_path(role("deployer2", {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                                         "Action": "sts:AssumeRole"}, statements=[allow("sts:AssumeRole")]), "/other/")
    by_path = {"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/team/*"}}
    admin = role("admin", {"Effect": "Allow", "Principal": {"AWS": [SESSION, f"arn:aws:sts::{ACCOUNT}:assumed-role/deployer2/ci"]},
                           "Action": "sts:AssumeRole", "Condition": by_path}, attached=[ADMIN])
    con = db.connect(tmp_path / "iam.duckdb")
    with db.transaction(con):
        snapshot = db.new_snapshot(con, account_id=ACCOUNT, kind="load", sources=[], as_of=AS_OF)
        db.insert_rows(con, "aws_iam_role", snapshot, [deployer, other, admin])
        db.insert_rows(con, "aws_iam_policy", snapshot, [managed("AdministratorAccess", allow("*"), aws=True)])
    create_tables(con, controls.ACCESS_QUESTIONS, tables=["iam_principal_access"])
    rows = {r[0]: r[1:] for r in con.execute(
        "select principal_arn, decision || ' ' || detail, conditions::varchar from iam_principal_access"
        " where question = 'assume_admin_role'").fetchall()}
    con.close()
    assert rows.get(arn("role", "team/deployer")) == (
        f"AllowedIf {arn('role', 'admin')}", '[{"StringLike": {"aws:userid": ["*:ci"]}}]')
    # the other role's session is named too, but its path is not the one the condition admits
    assert arn("role", "other/deployer2") not in rows

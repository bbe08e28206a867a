"""Rows of the Steampipe IAM tables written in a few words, for scenario tests of the controls over one account
(``ACCOUNT``, data as of ``AS_OF``): policy statements and documents, users, roles, groups and managed policies,
and ``check_rows``, which loads them into a new database and runs controls over them."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from iamsql import controls
from iamsql.load.normalize import inline_policies_std, policy_std
from iamsql.store import db

ACCOUNT = "123456789012"
AS_OF = datetime(2024, 3, 1, 12, 0, tzinfo=timezone.utc)
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
NHI_TAG = {"iamsql:identity-type": "nhi"}


def arn(kind: str, name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:{kind}/{name}"


def base() -> dict:
    return {"account_id": ACCOUNT, "partition": "aws", "region": "global"}


def doc(*statements) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action, resource="*", **extra) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action, resource="*", **extra) -> dict:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def assume(principal, **extra) -> dict:
    """A trust policy statement letting ``principal`` call sts:AssumeRole."""
    return {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole", **extra}


def inline(name: str, statements, more=()) -> dict:
    """The inline policy columns: one policy of ``statements`` (none when empty) and the documents ``more``."""
    policies = [{"PolicyName": f"{name}-inline", "PolicyDocument": doc(*statements)}] if statements else []
    policies += [{"PolicyName": f"{name}-more-{i}", "PolicyDocument": document} for i, document in enumerate(more)]
    return {"inline_policies": policies or None, "inline_policies_std": inline_policies_std(policies) or None}


def user(name: str, *statements, attached=(), boundary=None, groups=(), tags=None, more_inline=()) -> dict:
    """An IAM user with an inline policy of ``statements``, tagged non-human (and with ``tags``)."""
    return {"name": name, "arn": arn("user", name), "path": "/", "create_date": "2020-01-01T00:00:00Z",
            "groups": [{"GroupName": g} for g in groups], "attached_policy_arns": list(attached),
            "permissions_boundary_arn": boundary, "tags": {**NHI_TAG, **(tags or {})},
            **inline(name, statements, more_inline), **base()}


def role(name: str, *trust, attached=(), statements=(), boundary=None, tags=None) -> dict:
    """An IAM role trusting what the ``trust`` statements say, with an inline policy of ``statements``."""
    document = doc(*trust)
    return {"name": name, "arn": arn("role", name), "path": "/", "create_date": "2020-01-01T00:00:00Z",
            "assume_role_policy": document, "assume_role_policy_std": policy_std(document),
            "attached_policy_arns": list(attached), "permissions_boundary_arn": boundary,
            "tags": {**NHI_TAG, **(tags or {})}, **inline(name, statements), **base()}


def group(name: str, *statements, attached=()) -> dict:
    return {"name": name, "arn": arn("group", name), "attached_policy_arns": list(attached),
            **inline(name, statements), **base()}


def managed(name: str, *statements, aws=False, document=None) -> dict:
    """A managed policy of ``statements``, or of ``document`` as it is (one the engine may not read)."""
    document = doc(*statements) if document is None else document
    return {"name": name, "arn": f"arn:aws:iam::aws:policy/{name}" if aws else arn("policy", name),
            "is_aws_managed": aws, "is_attached": True, "attachment_count": 1, "policy": document,
            "policy_std": policy_std(document) if isinstance(document, dict) else None, **base()}


def check_rows(folder: Path, control_ids: list[str], *, users=(), roles=(), groups=(), policies=()) -> dict:
    """Load the rows into a new database in ``folder`` as one snapshot and run ``control_ids``: the results by
    (control, resource)."""
    con = db.connect(folder / "iam.duckdb")
    with db.transaction(con):
        snapshot = db.new_snapshot(con, account_id=ACCOUNT, kind="load", sources=[], as_of=AS_OF)
        db.insert_rows(con, "aws_iam_user", snapshot, list(users))
        db.insert_rows(con, "aws_iam_role", snapshot, list(roles))
        db.insert_rows(con, "aws_iam_policy", snapshot, list(policies))
        db.insert_rows(con, "aws_iam_group", snapshot, list(groups))
    rows = controls.results(con, controls.run_checks(con, controls=control_ids))
    con.close()
    return {(r["control_id"], r["resource"]): r for r in rows}

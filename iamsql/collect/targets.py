"""Which accounts to collect and with which credentials: the caller's own account; one account per ``--role-arn``;
or every active account of the organization (``--org``), each through the named role, with account name and OU
path. An account whose role cannot be assumed is recorded (with the reason) and the others go on."""

from __future__ import annotations

import re

import boto3

from iamsql.collect.account import GLOBAL, AccountRun, Target
from iamsql.collect.aws import Counter, assumed_session, describe, make_client
from iamsql.errors import CollectError
from iamsql.raw.folder import Evidence

ROLE_ARN = re.compile(r"^arn:(aws(?:-[a-z]+)*):iam::(\d{12}):role/.+$")  # every partition: aws, aws-cn, aws-iso-b, aws-eusc ...


def caller_target(base: boto3.Session, region: str, counter: Counter, evidence: Evidence) -> Target:
    """The account and identity behind the caller's credentials; unusable credentials stop the whole run."""
    sts = make_client(base, "sts", region, counter)
    try:
        identity = sts.get_caller_identity()
    except Exception as exc:  # noqa: BLE001 - describe() re-raises anything that is not an AWS/botocore failure
        failure = describe(exc)
        if failure.connection:
            raise CollectError(f"cannot connect to AWS (sts:GetCallerIdentity): {failure.code}: {failure.message}") from None
        if failure.throttled:
            raise CollectError(f"AWS throttled sts:GetCallerIdentity after every retry: {failure.code}: {failure.message}; "
                               f"try again later, or allow more attempts (AWS_MAX_ATTEMPTS)") from None
        raise CollectError(f"cannot use the AWS credentials: {failure.code}: {failure.message}") from None
    identity = {k: identity[k] for k in ("UserId", "Account", "Arn")}
    evidence.write_json(identity, account=identity["Account"], region=GLOBAL, service="sts",
                        command="get-caller-identity", api="sts:GetCallerIdentity")
    return Target(identity["Account"], base, "caller", caller_identity=identity)


def role_target(base: boto3.Session, role_arn: str, external_id: str | None, region: str, counter: Counter,
                evidence: Evidence, **names) -> Target:
    account = ROLE_ARN.match(role_arn)[2]
    try:
        session = assumed_session(base, role_arn, external_id, region, counter)
        identity = make_client(session, "sts", region, counter).get_caller_identity()
    except Exception as exc:  # noqa: BLE001 - as above
        failure = describe(exc)
        evidence.gap(api="sts:AssumeRole", account=account, region=GLOBAL, error=failure.code,
                     message=f"cannot assume {role_arn}: {failure.message}")
        return Target(account, None, f"assume-role {role_arn}", failure={"error": failure.code}, **names)
    identity = {k: identity[k] for k in ("UserId", "Account", "Arn")}
    evidence.write_json(identity, account=account, region=GLOBAL, service="sts", command="get-caller-identity",
                        api="sts:GetCallerIdentity")
    return Target(account, session, f"assume-role {role_arn}", caller_identity=identity, **names)


def check_role_arns(role_arns: list[str]) -> None:
    for arn in role_arns:
        if not ROLE_ARN.match(arn):
            raise CollectError(f"--role-arn {arn!r} is not an IAM role ARN (arn:aws:iam::123456789012:role/Name)")


def organization_targets(caller: AccountRun, role_name: str, external_id: str | None, region: str,
                         counter: Counter) -> list[Target]:
    """Every ACTIVE account of the organization, through ``arn:<partition>:iam::<id>:role/<role_name>``; the
    roles are assumed on the caller's worker pool, the targets come in the listing's order."""
    listing = caller.fetch("organizations", "ListAccounts")
    if listing is None:
        gap = caller.evidence.gaps[-1]
        raise CollectError(f"cannot list the organization's accounts: {gap['error']}: {gap['message']}")
    partition = caller.target.caller_identity["Arn"].split(":")[1]
    seen: dict[str, dict | None] = {}
    active = [account for account in listing.get("Accounts") or []
              if (account.get("State") or account.get("Status")) == "ACTIVE"]
    ou_paths = [_ou_path(caller, account["Id"], seen) for account in active]
    return caller.each(zip(active, ou_paths), lambda item: role_target(
        caller.target.session, f"arn:{partition}:iam::{item[0]['Id']}:role/{role_name}", external_id, region,
        counter, caller.evidence, account_name=item[0].get("Name"), ou_path=item[1]))


def _ou_path(caller: AccountRun, child: str, seen: dict[str, dict | None]) -> str | None:
    """``Root/Workloads/Prod`` for an account, from ListParents up to the root; each OU is asked about once."""
    parts = []
    while True:
        if child not in seen:
            parents = (caller.fetch("organizations", "ListParents", entity=child, add={"ChildId": child},
                                     ChildId=child) or {}).get("Parents")
            seen[child] = parents[0] if parents else None
        parent = seen[child]
        if parent is None:
            return None
        if parent["Type"] == "ROOT":
            return "/".join(["Root", *reversed(parts)])
        key = f"name:{parent['Id']}"
        if key not in seen:
            unit = caller.fetch("organizations", "DescribeOrganizationalUnit", entity=parent["Id"],
                                OrganizationalUnitId=parent["Id"])
            seen[key] = {"Name": ((unit or {}).get("OrganizationalUnit") or {}).get("Name") or parent["Id"]}
        parts.append(seen[key]["Name"])
        child = parent["Id"]

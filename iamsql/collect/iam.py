"""What iamsql asks IAM, per account: ``GetAccountAuthorizationDetails`` (users, groups, roles, customer and attached
AWS managed policies, all pages in one call set), the credential report, access keys with their last use, MFA and
virtual MFA devices, password policy, account summary, aliases, SAML and OIDC providers, instance profiles."""

from __future__ import annotations

import time

from botocore.exceptions import ClientError

from .account import AccountRun
from .aws import CallFailed

GAAD_FILTERS = ["User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy"]
GAAD_PAGE_SIZE = 1000  # the API's maximum (default 100): fewer round trips; IAM may still return less per page
REPORT_TIMEOUT_SECONDS = 300
REPORT_FIRST_WAIT = 0.5
REPORT_MAX_WAIT = 8.0


def collect_iam(run: AccountRun) -> list[str]:
    """Collect the account's IAM data; returns the ARNs of its users and roles."""
    details = run.fetch("iam", "GetAccountAuthorizationDetails", Filter=GAAD_FILTERS,
                        PaginationConfig={"PageSize": GAAD_PAGE_SIZE})
    if details is not None:
        users = [u["UserName"] for u in details.get("UserDetailList") or []]
        principals = [p["Arn"] for key in ("UserDetailList", "RoleDetailList") for p in details.get(key) or []]
    else:  # without GAAD (denied), the user list still drives the per-user calls
        listed = (run.fetch("iam", "ListUsers") or {}).get("Users") or []
        users = [u["UserName"] for u in listed]
        principals = [u["Arn"] for u in listed]
    credential_report(run)
    run.fetch("iam", "GetAccountPasswordPolicy", facts={"NoSuchEntity"})
    run.fetch("iam", "GetAccountSummary")
    run.fetch("iam", "ListAccountAliases")
    run.fetch("iam", "ListVirtualMFADevices")
    run.fetch("iam", "ListInstanceProfiles")
    saml = run.fetch("iam", "ListSAMLProviders") or {}
    oidc = run.fetch("iam", "ListOpenIDConnectProviders") or {}
    run.each(users, lambda user: per_user(run, user))
    run.each([p["Arn"] for p in saml.get("SAMLProviderList") or []], lambda arn: run.fetch(
        "iam", "GetSAMLProvider", entity=arn.rsplit("/", 1)[-1], add={"Arn": arn}, SAMLProviderArn=arn))
    run.each([p["Arn"] for p in oidc.get("OpenIDConnectProviderList") or []], lambda arn: run.fetch(
        "iam", "GetOpenIDConnectProvider", entity=arn.split(":oidc-provider/", 1)[-1], add={"Arn": arn},
        OpenIDConnectProviderArn=arn))
    return principals


def per_user(run: AccountRun, user: str) -> None:
    """Access keys with their last use, and MFA devices. The outputs name the user (AWS's own output does not when
    the list is empty), and each key's last-use output names its key."""
    keys = run.fetch("iam", "ListAccessKeys", entity=user, add={"UserName": user}, UserName=user) or {}
    for key in keys.get("AccessKeyMetadata") or []:
        key_id = key["AccessKeyId"]
        run.fetch("iam", "GetAccessKeyLastUsed", entity=key_id, add={"AccessKeyId": key_id}, AccessKeyId=key_id)
    run.fetch("iam", "ListMFADevices", entity=user, add={"UserName": user}, UserName=user)


def credential_report(run: AccountRun) -> None:
    """Ask IAM for the report until it says COMPLETE, with growing waits, then download it. IAM reuses a report
    generated in the last four hours instead of making a new one: the download's GeneratedTime says how old the
    data is, and the loader takes it as the report's "as of" time."""
    client = run.client("iam", "global")

    def generate() -> dict:
        wait, deadline = REPORT_FIRST_WAIT, time.monotonic() + REPORT_TIMEOUT_SECONDS
        while True:
            try:
                state = client.generate_credential_report()
                if state.get("State") == "COMPLETE":
                    return state
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") != "LimitExceeded":  # another generation is running
                    raise
            if time.monotonic() + wait > deadline or run.stopped:
                raise CallFailed("ReportTimeout", f"the credential report was not complete after {REPORT_TIMEOUT_SECONDS} s")
            time.sleep(wait)
            wait = min(wait * 2, REPORT_MAX_WAIT)

    state = run.attempt("iam:GenerateCredentialReport", "global", generate)
    if state is None:
        return
    run.save(state, service="iam", command="generate-credential-report", api="iam:GenerateCredentialReport")
    run.fetch("iam", "GetCredentialReport")

"""What iamsql asks beyond IAM with ``--identity``, per account: IAM Identity Center (instances, permission sets
with their managed and inline policies and permissions boundaries, account assignments) and its identity store
(users, groups, memberships) in the collection's regions, with the documents of the AWS managed policies permission
sets attach (or are bounded by) that ``GetAccountAuthorizationDetails`` did not return (it returns those attached
in the account); the account's regions and IAM Access Analyzer's analyzers and their findings in every enabled
region; IAM's service last-accessed data of every user and role.

Outputs that do not name their subject get it as an added top-level key (``InstanceArn``, ``PermissionSetArn``,
``IdentityStoreId``, ``GroupId``, ``AnalyzerArn``, ``Arn``, ``Region``), which ``load`` reads. A refused call is a
gap like any other; Access Analyzer stops at the first refused region and last-accessed data at the first
refused principal (one gap, not one per region or principal)."""

from __future__ import annotations

import threading
import time

from iamsql.collect.account import GLOBAL, AccountRun
from iamsql.collect.aws import CallFailed
from iamsql.collect.iam import IamListing

ENABLED = ("opt-in-not-required", "opted-in")
JOB_TIMEOUT_SECONDS = 120
JOB_FIRST_WAIT = 0.5
JOB_MAX_WAIT = 4.0


def collect_identity(run: AccountRun, regions: list[str], iam: IamListing, account_regions: list[dict]) -> None:
    """Identity Center in the collection's regions, Access Analyzer in every enabled region of
    ``account_regions`` (``DescribeRegions``' list, asked by the monitoring collection), last-accessed data of
    ``iam``'s principals."""
    attached: set[str] = set()
    for region in regions:
        attached.update(identity_center(run, region))
    aws_managed_policies(run, sorted(attached - iam.policies))
    access_analyzer(run, account_regions)
    last_accessed(run, iam.principals)


def _id(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]


def identity_center(run: AccountRun, region: str) -> set[str]:
    """Identity Center's instances in ``region``; returns the ARNs of the AWS managed policies its permission sets
    attach or are bounded by."""
    attached: set[str] = set()
    listing = run.fetch("sso-admin", "ListInstances", region=region, add={"Region": region}) or {}
    for instance in listing.get("Instances") or []:
        arn, store = instance["InstanceArn"], instance.get("IdentityStoreId")
        sets = run.fetch("sso-admin", "ListPermissionSets", region=region, entity=_id(arn),
                         add={"InstanceArn": arn, "Region": region}, InstanceArn=arn) or {}
        for policies in run.each(sets.get("PermissionSets") or [],
                                 lambda ps, instance=arn: _permission_set(run, region, instance, ps)):
            attached.update(policies)
        if store:
            _identity_store(run, region, store)
    return attached


def _permission_set(run: AccountRun, region: str, instance: str, ps: str) -> list[str]:
    """One permission set's calls; returns the ARNs of the AWS managed policies it attaches or is bounded by."""
    named = {"InstanceArn": instance, "PermissionSetArn": ps}
    run.fetch("sso-admin", "DescribePermissionSet", region=region, entity=_id(ps), add=named, **named)
    managed = run.fetch("sso-admin", "ListManagedPoliciesInPermissionSet", region=region, entity=_id(ps), add=named,
                        **named) or {}
    run.fetch("sso-admin", "GetInlinePolicyForPermissionSet", region=region, entity=_id(ps), add=named, **named)
    run.fetch("sso-admin", "ListCustomerManagedPolicyReferencesInPermissionSet", region=region, entity=_id(ps),
              add=named, **named)
    boundary = run.fetch("sso-admin", "GetPermissionsBoundaryForPermissionSet", region=region, entity=_id(ps),
                         add=named, facts={"ResourceNotFoundException"}, **named) or {}
    accounts = run.fetch("sso-admin", "ListAccountsForProvisionedPermissionSet", region=region, entity=_id(ps),
                         add=named, **named) or {}
    for account in accounts.get("AccountIds") or []:
        run.fetch("sso-admin", "ListAccountAssignments", region=region, entity=f"{_id(ps)}-{account}",
                  add={**named, "AccountId": account}, AccountId=account, **named)
    bounding = (boundary.get("PermissionsBoundary") or {}).get("ManagedPolicyArn")
    return [policy["Arn"] for policy in managed.get("AttachedManagedPolicies") or []] + ([bounding] if bounding else [])


def aws_managed_policies(run: AccountRun, arns: list[str]) -> None:
    """Each policy's ``GetPolicy`` and the ``GetPolicyVersion`` of its default version (with ``PolicyArn``), so
    that the policy engine can judge the permission sets that attach it."""
    def one(arn: str) -> None:
        name = arn.rsplit("/", 1)[-1]
        policy = (run.fetch("iam", "GetPolicy", entity=name, PolicyArn=arn) or {}).get("Policy") or {}
        if policy.get("DefaultVersionId"):
            run.fetch("iam", "GetPolicyVersion", entity=name, add={"PolicyArn": arn}, PolicyArn=arn,
                      VersionId=policy["DefaultVersionId"])

    run.each(arns, one)


def _identity_store(run: AccountRun, region: str, store: str) -> None:
    named = {"IdentityStoreId": store}
    run.fetch("identitystore", "ListUsers", region=region, add={**named, "Region": region}, **named)
    groups = run.fetch("identitystore", "ListGroups", region=region, add={**named, "Region": region}, **named) or {}
    for group in groups.get("Groups") or []:
        run.fetch("identitystore", "ListGroupMemberships", region=region, entity=group["GroupId"],
                  add={**named, "GroupId": group["GroupId"], "Region": region}, GroupId=group["GroupId"], **named)


def access_analyzer(run: AccountRun, account_regions: list[dict]) -> None:
    """The analyzers (and each analyzer's findings) of every enabled region."""
    enabled = [r["RegionName"] for r in account_regions if r.get("OptInStatus", ENABLED[0]) in ENABLED]
    for region in enabled:
        analyzers = run.fetch("accessanalyzer", "ListAnalyzers", region=region, add={"Region": region})
        if analyzers is None:  # refused: the other regions would be refused alike
            return
        for analyzer in analyzers.get("analyzers") or []:
            run.fetch("accessanalyzer", "ListFindings", region=region, entity=analyzer["name"],
                      add={"AnalyzerArn": analyzer["arn"]}, analyzerArn=analyzer["arn"])


def last_accessed(run: AccountRun, principals: list[str]) -> None:
    """Each principal's service last-accessed details (ACTION_LEVEL, as Steampipe asks), polled until the job
    completes within a bounded time."""
    client = run.client("iam", GLOBAL)
    refused = threading.Event()

    def one(arn: str) -> None:
        if refused.is_set():
            return

        def details() -> dict:
            job = client.generate_service_last_accessed_details(Arn=arn, Granularity="ACTION_LEVEL")["JobId"]
            wait, deadline = JOB_FIRST_WAIT, time.monotonic() + JOB_TIMEOUT_SECONDS
            while (answer := client.get_service_last_accessed_details(JobId=job))["JobStatus"] == "IN_PROGRESS":
                if time.monotonic() + wait > deadline or run.stopped:
                    raise CallFailed("JobTimeout", f"last-accessed job of {arn} not complete after "
                                                   f"{JOB_TIMEOUT_SECONDS} s")
                time.sleep(wait)
                wait = min(wait * 2, JOB_MAX_WAIT)
            while answer.get("IsTruncated"):  # further pages of a completed job, merged as the AWS CLI does
                page = client.get_service_last_accessed_details(JobId=job, Marker=answer["Marker"])
                answer = {**page, "ServicesLastAccessed": answer["ServicesLastAccessed"] + page["ServicesLastAccessed"]}
            answer.pop("Marker", None)
            return answer

        answer = run.attempt("iam:GetServiceLastAccessedDetails", GLOBAL, details)
        if answer is None:
            refused.set()
            return
        run.save({"Arn": arn, **answer}, service="iam", command="get-service-last-accessed-details",
                 api="iam:GetServiceLastAccessedDetails", entity=_id(arn))

    if principals:  # the first alone: a refusal then stops the others before they start
        one(principals[0])
        run.each(principals[1:], one)

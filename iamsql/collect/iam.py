"""What iamsql asks IAM, per account: ``GetAccountAuthorizationDetails`` (users, groups, roles, customer and attached
AWS managed policies, all pages in one call set), ``ListRoles`` (each role's description and maximum session
duration, which GetAccountAuthorizationDetails leaves out), the credential report, access keys with their last
use, MFA and virtual MFA devices, console passwords, password policy, account summary, aliases, SAML and OIDC
providers, instance profiles, server certificates, and the tags of customer managed policies, instance profiles,
server certificates and virtual MFA devices (one call each: the account-wide answers leave them out).

Per-user calls are made only where the account-wide answers leave something out: ``ListAccessKeys`` for users the
credential report shows with a key (its ``access_key_N_last_rotated``, or an active slot whose last_rotated is N/A,
which AWS gives only for keys that are not active: the listing's CreateDate is then the key's only date),
``ListMFADevices`` for users it shows with
MFA, ``GetLoginProfile`` for users it shows with a password, and ``GetAccessKeyLastUsed`` for keys whose last use
the report does not hold (a key the report has no slot for). A user the report does not list (created after it)
gets every per-user call. The report's ``GeneratedTime`` (IAM reuses a report up to four hours old) is the as-of
of what it tells; without a report, every user gets every call."""

from __future__ import annotations

import base64
import csv
import io
import time
from dataclasses import dataclass

from botocore.exceptions import ClientError

from iamsql.collect.account import AccountRun
from iamsql.collect.aws import CallFailed
from iamsql.common.arns import arn_account
from iamsql.load import normalize

GAAD_FILTERS = ["User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy"]
GAAD_PAGE_SIZE = 1000  # the API's maximum (default 100): fewer round trips; IAM may still return less per page
REPORT_TIMEOUT_SECONDS = 300
REPORT_FIRST_WAIT = 0.5
REPORT_MAX_WAIT = 8.0
# GetCredentialReport's answers while a report is being made, or when there is none (yet) or it is too old: ask
# IAM to generate one and download it again, within REPORT_TIMEOUT_SECONDS.
REPORT_NOT_READY = {"ReportInProgress", "ReportNotPresent", "ReportExpired"}
ROLE_PAGE_SIZE = 1000  # ListRoles' maximum


@dataclass(frozen=True)
class IamListing:
    """What later collection steps need from the account's IAM data."""

    principals: list[str]  # ARNs of the users and roles
    policies: frozenset[str]  # ARNs of the managed policies whose documents were collected


def collect_iam(run: AccountRun) -> IamListing:
    """Collect the account's IAM data."""
    details = run.fetch("iam", "GetAccountAuthorizationDetails", Filter=GAAD_FILTERS,
                        PaginationConfig={"PageSize": GAAD_PAGE_SIZE})
    policies = frozenset(p["Arn"] for p in (details or {}).get("Policies") or [])
    if details is not None:
        users = [u["UserName"] for u in details.get("UserDetailList") or []]
        principals = [p["Arn"] for key in ("UserDetailList", "RoleDetailList") for p in details.get(key) or []]
        # MaxSessionDuration and Description are not in GetAccountAuthorizationDetails' RoleDetail
        run.fetch("iam", "ListRoles", PaginationConfig={"PageSize": ROLE_PAGE_SIZE})
    else:  # without GAAD (denied), the user list still drives the per-user calls
        listed = (run.fetch("iam", "ListUsers") or {}).get("Users") or []
        users = [u["UserName"] for u in listed]
        principals = [u["Arn"] for u in listed]
    report = credential_report(run)
    run.fetch("iam", "GetAccountPasswordPolicy", facts={"NoSuchEntity"})
    run.fetch("iam", "GetAccountSummary")
    run.fetch("iam", "ListAccountAliases")
    devices = run.fetch("iam", "ListVirtualMFADevices") or {}
    profiles = run.fetch("iam", "ListInstanceProfiles") or {}
    certificates = run.fetch("iam", "ListServerCertificates") or {}
    saml = run.fetch("iam", "ListSAMLProviders") or {}
    oidc = run.fetch("iam", "ListOpenIDConnectProviders") or {}
    run.each(users, lambda user: per_user(run, user, report.get(user) if report is not None else None))
    run.each([p["Arn"] for p in saml.get("SAMLProviderList") or []], lambda arn: run.fetch(
        "iam", "GetSAMLProvider", entity=arn.rsplit("/", 1)[-1], add={"Arn": arn}, SAMLProviderArn=arn))
    run.each([p["Arn"] for p in oidc.get("OpenIDConnectProviderList") or []], lambda arn: run.fetch(
        "iam", "GetOpenIDConnectProvider", entity=arn.split(":oidc-provider/", 1)[-1], add={"Arn": arn},
        OpenIDConnectProviderArn=arn))
    entity_tags(run, [arn for arn in policies if arn_account(arn)],
                [p["InstanceProfileName"] for p in profiles.get("InstanceProfiles") or []],
                [c["ServerCertificateName"] for c in certificates.get("ServerCertificateMetadataList") or []],
                [d["SerialNumber"] for d in devices.get("VirtualMFADevices") or []])
    return IamListing(principals, policies)


def entity_tags(run: AccountRun, policies: list[str], profiles: list[str], certificates: list[str],
                devices: list[str]) -> None:
    """The tags the account-wide answers leave out, asked only of the entities they list: ``ListPolicyTags`` per
    customer managed policy (GetAccountAuthorizationDetails has none for policies; AWS managed ones have no tags),
    ``ListInstanceProfileTags``, ``ListServerCertificateTags`` and ``ListMFADeviceTags`` (virtual MFA devices). Each
    output names its entity by the request's own parameter, added. Per kind, the first refused call is the one gap."""
    for operation, parameter, names in (("ListPolicyTags", "PolicyArn", policies),
                                        ("ListInstanceProfileTags", "InstanceProfileName", profiles),
                                        ("ListServerCertificateTags", "ServerCertificateName", certificates),
                                        ("ListMFADeviceTags", "SerialNumber", devices)):
        run.each_unless_refused(names, lambda name, operation=operation, parameter=parameter: run.fetch(
            "iam", operation, entity=name.rsplit("/", 1)[-1].rsplit(":", 1)[-1], add={parameter: name},
            **{parameter: name}))


@dataclass(frozen=True)
class ReportRow:
    """What a credential report row tells about a user's keys and MFA."""

    key_created: tuple[str, ...]  # access_key_N_last_rotated of each slot that holds a key (ISO text)
    last_use_known: tuple[str, ...]  # those of them whose slot also gives the key's last use in full
    mfa_active: bool
    password_enabled: bool = True
    undated_key: bool = False  # a slot is active with last_rotated N/A: it holds a key the report gives no date of

    @property
    def has_key(self) -> bool:
        return bool(self.key_created) or self.undated_key


def report_rows(content: bytes | str) -> dict[str, ReportRow]:
    """user name -> ReportRow from the report's CSV (the root account's row is left out). A slot gives a key's
    last use in full when it says the key was never used (date N/A) or names the date, service and region."""
    text = content.decode("utf-8") if isinstance(content, bytes) else content
    rows = {}
    for row in csv.DictReader(io.StringIO(text.lstrip("\ufeff"))):
        if not row.get("user") or row["user"] == "<root_account>":
            continue
        created, known, undated = [], [], False
        for n in (1, 2):
            rotated = row.get(f"access_key_{n}_last_rotated") or ""
            if normalize.report_value(rotated) is None:
                undated = undated or row.get(f"access_key_{n}_active") == "true"
                continue
            created.append(rotated)
            used = [row.get(f"access_key_{n}_last_used_{field}") or "" for field in ("date", "service", "region")]
            if used[0] == "N/A" or all(normalize.report_value(value) is not None for value in used):
                known.append(rotated)
        rows[row["user"]] = ReportRow(tuple(created), tuple(known), row.get("mfa_active") == "true",
                                      row.get("password_enabled") == "true", undated)
    return rows


def per_user(run: AccountRun, user: str, reported: ReportRow | None) -> None:
    """Access keys with their last use, MFA devices and the console password (login profile), where the credential
    report does not rule them out (``reported`` None: the report does not list the user, so ask everything). The
    outputs name the user (AWS's own output does not when the list is empty), and each key's last-use output names
    its key."""
    if reported is None or reported.has_key:
        keys = run.fetch("iam", "ListAccessKeys", entity=user, add={"UserName": user}, UserName=user) or {}
        for key in keys.get("AccessKeyMetadata") or []:
            if reported is not None and _same_second(key.get("CreateDate"), reported):
                continue  # the report's slot for this key holds its last use
            key_id = key["AccessKeyId"]
            run.fetch("iam", "GetAccessKeyLastUsed", entity=key_id, add={"AccessKeyId": key_id}, AccessKeyId=key_id)
    if reported is None or reported.mfa_active:
        run.fetch("iam", "ListMFADevices", entity=user, add={"UserName": user}, UserName=user)
    if reported is None or reported.password_enabled:
        run.fetch("iam", "GetLoginProfile", entity=user, add={"UserName": user}, facts={"NoSuchEntity"}, UserName=user)


def _same_second(created, reported: ReportRow) -> bool:
    """Whether a key (its CreateDate, a datetime from botocore) is the one report slot created in that second and
    that slot gives its last use in full."""
    if created is None:
        return False
    stamp = created.strftime("%Y-%m-%dT%H:%M:%S")
    slots = [rotated for rotated in reported.key_created if rotated.startswith(stamp)]
    return len(slots) == 1 and slots[0] in reported.last_use_known


def credential_report(run: AccountRun) -> dict[str, ReportRow] | None:
    """Ask IAM for the report until it says COMPLETE, with growing waits, then download it, and return its rows
    (None without a usable report). A download answered ReportInProgress, ReportNotPresent or ReportExpired asks
    for a report again, within the same time limit. IAM reuses a report generated in the last four hours instead
    of making a new one: the download's GeneratedTime says how old the data is, and the loader takes it as the
    report's "as of" time. When GenerateCredentialReport is refused, a report made earlier (by someone allowed to)
    is still downloaded if there is one."""
    client = run.client("iam", "global")
    deadline = time.monotonic() + REPORT_TIMEOUT_SECONDS
    wait = [REPORT_FIRST_WAIT]

    def pause() -> None:
        if run.stopped:
            raise CallFailed("Stopped", "the account's collection stopped before the credential report was complete")
        if time.monotonic() + wait[0] > deadline:
            raise CallFailed("ReportTimeout", f"the credential report was not complete after {REPORT_TIMEOUT_SECONDS} s")
        time.sleep(wait[0])
        wait[0] = min(wait[0] * 2, REPORT_MAX_WAIT)

    def generate() -> dict:
        while True:
            try:
                state = client.generate_credential_report()
                if state.get("State") == "COMPLETE":
                    return state
            except ClientError as exc:
                if _code(exc) != "LimitExceeded":  # another generation is running
                    raise
            pause()

    def download(can_generate: bool) -> dict:
        while True:
            try:
                return client.get_credential_report()
            except ClientError as exc:
                if not can_generate or _code(exc) not in REPORT_NOT_READY:
                    raise
            pause()
            run.save(generate(), service="iam", command="generate-credential-report", api="iam:GenerateCredentialReport")

    state = run.attempt("iam:GenerateCredentialReport", "global", generate)
    if state is not None:
        run.save(state, service="iam", command="generate-credential-report", api="iam:GenerateCredentialReport")
    elif run.stopped:
        return None
    downloaded = run.attempt("iam:GetCredentialReport", "global", lambda: download(state is not None))
    if downloaded is None:
        return None
    run.save(downloaded, service="iam", command="get-credential-report", api="iam:GetCredentialReport")
    if not downloaded.get("Content"):
        return None
    content = downloaded["Content"]
    try:
        return report_rows(content if isinstance(content, bytes) else base64.b64decode(content))
    except (ValueError, UnicodeDecodeError, csv.Error):
        return None  # the loader says what is wrong with it; the per-user calls are made for everyone


def _code(exc: ClientError) -> str | None:
    return exc.response.get("Error", {}).get("Code")

"""Identity outputs beyond IAM of the AWS CLI (``--output json``) and of boto3: IAM Identity Center
(``sso-admin``), its identity store (``identitystore``), IAM Access Analyzer (``accessanalyzer``), IAM's
service last-accessed data (``iam get-service-last-accessed-details``), Amazon Cognito identity pools
(``cognito-identity list-identity-pools``, ``describe-identity-pool``, ``get-identity-pool-roles``), as the Steampipe
tables ``aws_ssoadmin_*``, ``aws_identitystore_*``, ``aws_accessanalyzer_*``, ``aws_iam_access_advisor`` and
``aws_cognito_identity_pool`` (``ec2 describe-regions`` is read by ``iamsql.load.formats.monitoring``). An identity
pool's id starts with its region (``us-east-1:<guid>``); its outputs name no account: the pool's rows take the
account of its roles, else that of the file (manifest, ``--account-id``, folder).

Outputs that do not name what they are about are read with an added top-level key, which ``iamsql collect``
writes: ``PermissionSetArn`` (list-managed-policies-in-permission-set, get-inline-policy-for-permission-set,
list-customer-managed-policy-references-in-permission-set, get-permissions-boundary-for-permission-set),
``IdentityStoreId`` (an empty list-users / list-groups), ``AnalyzerArn`` (list-findings), ``Arn`` (the
principal of get-service-last-accessed-details, else its generate output named after the principal). Without the
key the output cannot be placed and gives a warning instead of rows. Identity Center ARNs carry no account: its
rows take the instance's ``OwnerAccountId`` or the account of the file (manifest, ``--account-id``, folder). Nor
do its outputs and the identity store's name a region: their rows take the ``Region`` that ``collect`` adds, else
the region of the file's folders (``output_region``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from iamsql.common.arns import arn_account, arn_parts
from iamsql.load import normalize
from iamsql.load.formats.base import Format, Fragment, Parsed, Unreadable, is_list, output_region, when

INSTANCE = "aws_ssoadmin_instance"
PERMISSION_SET = "aws_ssoadmin_permission_set"
ASSIGNMENT = "aws_ssoadmin_account_assignment"
MANAGED_POLICY = "aws_ssoadmin_managed_policy_attachment"
USER = "aws_identitystore_user"
GROUP = "aws_identitystore_group"
MEMBERSHIP = "aws_identitystore_group_membership"
ANALYZER = "aws_accessanalyzer_analyzer"
FINDING = "aws_accessanalyzer_finding"
ADVISOR = "aws_iam_access_advisor"
IDENTITY_POOL = "aws_cognito_identity_pool"


def _partition(arn: str | None) -> dict[str, Any]:
    parts = arn_parts(arn)
    return {"partition": parts["partition"]} if parts else {}


def _arn_region(arn: str | None) -> str | None:
    parts = arn_parts(arn)
    return (parts or {}).get("region") or None


def instance_of(permission_set_arn: str | None) -> str | None:
    """``arn:aws:sso:::instance/ssoins-x`` from ``arn:aws:sso:::permissionSet/ssoins-x/ps-y`` (or from the
    ``instance/ssoins-x/ps-y`` form some emulators give)."""
    head, _, resource = (permission_set_arn or "").rpartition(":")
    parts = resource.split("/")
    if len(parts) != 3 or parts[0] not in ("permissionSet", "instance"):
        return None
    return f"{head}:instance/{parts[1]}"


def _named(doc: dict, key: str, what: str, path: Path, parsed: Parsed) -> str | None:
    """The added key an output needs to be placed; a warning when it is missing."""
    value = doc.get(key)
    if not value:
        parsed.warnings.append(f"{path}: {what} output names no {key} (add it as a top-level key); not loaded")
    return value or None


# ---- IAM Identity Center ----------------------------------------------------------------------------------------


def parse_list_instances(doc: dict, path: Path) -> Parsed:
    parsed = Parsed("sso-admin:list-instances", covers={INSTANCE})
    for item in doc["Instances"]:
        arn = item.get("InstanceArn")
        parsed.fragments.append(Fragment(INSTANCE, (arn,), {
            "arn": arn, "identity_store_id": item.get("IdentityStoreId"), "title": arn, "akas": [arn] if arn else None,
            "name": item.get("Name"), "status": item.get("Status"), "created_date": when(item.get("CreatedDate")),
            "region": output_region(doc, path), **_partition(arn)}, item.get("OwnerAccountId")))
    return parsed


def _permission_set(arn: str, doc: dict, path: Path, fields: dict) -> Fragment:
    """A permission set's row from an output asked in the instance's region (``output_region``)."""
    return Fragment(PERMISSION_SET, (arn,), {"arn": arn, "akas": [arn], "instance_arn": instance_of(arn),
                                             "region": output_region(doc, path), **_partition(arn), **fields})


def parse_list_permission_sets(doc: dict, path: Path) -> Parsed:
    return Parsed("sso-admin:list-permission-sets", covers={PERMISSION_SET},
                  fragments=[_permission_set(arn, doc, path, {}) for arn in doc["PermissionSets"]])


def parse_describe_permission_set(doc: dict, path: Path) -> Parsed:
    item = doc["PermissionSet"]
    return Parsed("sso-admin:describe-permission-set", fragments=[_permission_set(item["PermissionSetArn"], doc, path, {
        "name": item.get("Name"), "title": item.get("Name"), "description": item.get("Description"),
        "created_date": when(item.get("CreatedDate")), "session_duration": item.get("SessionDuration"),
        "relay_state": item.get("RelayState")})])


def parse_inline_policy(doc: dict, path: Path) -> Parsed:
    """get-inline-policy-for-permission-set: an empty string means the permission set has no inline policy."""
    parsed = Parsed("sso-admin:get-inline-policy-for-permission-set")
    arn = _named(doc, "PermissionSetArn", "get-inline-policy-for-permission-set", path, parsed)
    if arn is None:
        return parsed
    text = doc["InlinePolicy"]
    try:
        columns = {"inline_policy": normalize.parse_policy_document(text) if text else {},
                   "inline_policy_std": normalize.policy_std(text) if text else {}}
    except ValueError as exc:
        columns = {"inline_policy": Unreadable(f"inline policy of {arn}: {exc}")}
    parsed.fragments.append(_permission_set(arn, doc, path, columns))
    return parsed


def parse_managed_policies(doc: dict, path: Path) -> Parsed:
    """list-managed-policies-in-permission-set: the permission set's complete list of AWS managed policies, whole
    for that permission set (``iamsql_listed``, even with none)."""
    parsed = Parsed("sso-admin:list-managed-policies-in-permission-set")
    arn = _named(doc, "PermissionSetArn", "list-managed-policies-in-permission-set", path, parsed)
    if arn is None:
        return parsed
    parsed.covers.add(MANAGED_POLICY)
    parsed.listed_for[MANAGED_POLICY] = {arn}
    for policy in doc["AttachedManagedPolicies"]:
        parsed.fragments.append(Fragment(MANAGED_POLICY, (arn, policy.get("Arn")), {
            "permission_set_arn": arn, "instance_arn": instance_of(arn), "managed_policy_arn": policy.get("Arn"),
            "name": policy.get("Name"), "title": policy.get("Name"), "region": output_region(doc, path),
            **_partition(arn)}))
    return parsed


def parse_customer_managed_policy_references(doc: dict, path: Path) -> Parsed:
    """list-customer-managed-policy-references-in-permission-set: the permission set's complete list of policy
    names and paths, each resolved in every account the set is provisioned to (Path defaults to ``/``)."""
    parsed = Parsed("sso-admin:list-customer-managed-policy-references-in-permission-set")
    arn = _named(doc, "PermissionSetArn", "list-customer-managed-policy-references-in-permission-set", path, parsed)
    if arn is None:
        return parsed
    references = [{"name": item["Name"], "path": item.get("Path") or "/"}
                  for item in doc["CustomerManagedPolicyReferences"]]
    parsed.fragments.append(_permission_set(arn, doc, path, {"customer_managed_policy_references": references}))
    return parsed


def parse_permissions_boundary(doc: dict, path: Path) -> Parsed:
    """get-permissions-boundary-for-permission-set: the AWS managed policy (ARN) or the customer managed policy
    reference (name and path, resolved in each account the set is provisioned to) that bounds the role the permission
    set provisions; an empty ``PermissionsBoundary`` means it has none."""
    parsed = Parsed("sso-admin:get-permissions-boundary-for-permission-set")
    arn = _named(doc, "PermissionSetArn", "get-permissions-boundary-for-permission-set", path, parsed)
    if arn is None:
        return parsed
    boundary = doc["PermissionsBoundary"]
    reference = boundary.get("CustomerManagedPolicyReference")
    if boundary.get("ManagedPolicyArn"):
        value = {"managed_policy_arn": boundary["ManagedPolicyArn"]}
    elif isinstance(reference, dict) and reference.get("Name"):
        value = {"customer_managed_policy_reference": {"name": reference["Name"], "path": reference.get("Path") or "/"}}
    else:
        value = {}
    parsed.fragments.append(_permission_set(arn, doc, path, {"permissions_boundary": value}))
    return parsed


_BOUNDARY_NAMING_KEYS = {"InstanceArn", "PermissionSetArn", "Region"}


def _no_permissions_boundary_of(doc: dict) -> bool:
    """An answer naming only its permission set: get-permissions-boundary-for-permission-set with no
    ``PermissionsBoundary`` member, or its ``ResourceNotFoundException`` (as ``iamsql collect`` writes it)."""
    error = doc.get("Error")
    return (isinstance(doc.get("PermissionSetArn"), str) and set(doc) - {"Error"} <= _BOUNDARY_NAMING_KEYS
            and (error is None or isinstance(error, dict) and error.get("Code") == "ResourceNotFoundException"))


def parse_no_permissions_boundary(doc: dict, path: Path) -> Parsed | str:
    """A permission set without a permissions boundary. The answer names no call: it is read as
    get-permissions-boundary-for-permission-set's when its error message or its file says so."""
    message = str((doc.get("Error") or {}).get("Message") or "")
    if "boundary" not in message.lower() and "get-permissions-boundary-for-permission-set" not in path.as_posix():
        return ("an answer naming only a permission set that does not say which call it answers; save "
                "get-permissions-boundary-for-permission-set's as get-permissions-boundary-for-permission-set/<set>.json")
    parsed = Parsed("sso-admin:get-permissions-boundary-for-permission-set (none)")
    parsed.fragments.append(_permission_set(doc["PermissionSetArn"], doc, path, {"permissions_boundary": {}}))
    return parsed


def parse_account_assignments(doc: dict, path: Path) -> Parsed:
    """One account's assignments of one permission set (the call's required ``--account-id`` and
    ``--permission-set-arn``, which ``collect`` adds as ``AccountId`` and ``PermissionSetArn``, else its rows'): that
    pair is ``listed_for`` (its pages are a listing of their own), and the table is partial: the other permission
    sets and accounts are not listed."""
    pairs = {(item.get("AccountId"), item.get("PermissionSetArn")) for item in doc["AccountAssignments"]}
    if doc.get("AccountId") and doc.get("PermissionSetArn"):
        pairs = {(doc["AccountId"], doc["PermissionSetArn"])}
    parsed = Parsed("sso-admin:list-account-assignments")
    if len(pairs) == 1 and all(next(iter(pairs))):
        account, permission_set = next(iter(pairs))
        parsed.listed_for[ASSIGNMENT] = {f"{account} {permission_set}"}
        parsed.partial[ASSIGNMENT] = (f"list-account-assignments lists the assignments of {permission_set} in account "
                                      f"{account} only")
    else:
        parsed.partial[ASSIGNMENT] = ("list-account-assignments lists one account's assignments of one permission set, "
                                      "and this output names neither (add AccountId and PermissionSetArn)")
    for item in doc["AccountAssignments"]:
        arn = item.get("PermissionSetArn")
        key = (item.get("AccountId"), arn, item.get("PrincipalType"), item.get("PrincipalId"))
        parsed.fragments.append(Fragment(ASSIGNMENT, key, {
            "target_account_id": key[0], "permission_set_arn": arn, "instance_arn": instance_of(arn),
            "principal_type": key[2], "principal_id": key[3], "region": output_region(doc, path),
            **_partition(arn)}))
    return parsed


def parse_provisioned_accounts(doc: dict, path: Path) -> Parsed:
    """list-accounts-for-provisioned-permission-set: which accounts to ask for assignments; no table of its own."""
    return Parsed("sso-admin:list-accounts-for-provisioned-permission-set")


# ---- identity store -----------------------------------------------------------------------------------------------


def _store_items(key: str, item_key: str):
    """Identity-store listings share ``Users`` / ``Groups`` with IAM's: theirs carry ``IdentityStoreId``."""

    def detect(doc: dict) -> bool:
        items = doc.get(key)
        if not isinstance(items, list):
            return False
        if not items:
            return "IdentityStoreId" in doc
        return all(isinstance(i, dict) and item_key in i and "Arn" not in i for i in items)

    return detect


def _store_listing(name: str, table: str, items: str, item_id: str, columns: Callable[[dict, dict], dict]):
    """The parser of an identity-store listing: a row of ``table`` per item of ``items``, keyed by its store (the
    item's ``IdentityStoreId``, else the output's) and its ``item_id``; ``columns(item, doc)`` gives the rest."""

    def parse(doc: dict, path: Path) -> Parsed:
        parsed = Parsed(name, covers={table})
        for item in doc[items]:
            store = item.get("IdentityStoreId") or doc.get("IdentityStoreId")
            parsed.fragments.append(Fragment(table, (store, item.get(item_id)), {
                "identity_store_id": store, **columns(item, doc), "region": output_region(doc, path)}))
        return parsed

    return parse


def _user_columns(u: dict, doc: dict) -> dict:
    return {"id": u.get("UserId"), "name": u.get("UserName"), "title": u.get("UserName"),
            "display_name": u.get("DisplayName"), "nick_name": u.get("NickName"), "locale": u.get("Locale"),
            "preferred_language": u.get("PreferredLanguage"), "profile_url": u.get("ProfileUrl"),
            "timezone": u.get("Timezone"), "user_type": u.get("UserType"), "addresses": u.get("Addresses"),
            "emails": u.get("Emails"), "external_ids": u.get("ExternalIds"), "phone_numbers": u.get("PhoneNumbers")}


def _group_columns(g: dict, doc: dict) -> dict:
    # Steampipe's akas of a group is its id (no ARN), as a one-element list
    return {"id": g.get("GroupId"), "name": g.get("DisplayName"), "title": g.get("DisplayName"),
            "akas": [g["GroupId"]] if g.get("GroupId") else None}


def _membership_columns(m: dict, doc: dict) -> dict:
    return {"membership_id": m.get("MembershipId"), "group_id": m.get("GroupId") or doc.get("GroupId"),
            "member_id": (m.get("MemberId") or {}).get("UserId"), "title": m.get("MembershipId")}


parse_list_users = _store_listing("identitystore:list-users", USER, "Users", "UserId", _user_columns)
parse_list_groups = _store_listing("identitystore:list-groups", GROUP, "Groups", "GroupId", _group_columns)
parse_group_memberships = _store_listing("identitystore:list-group-memberships", MEMBERSHIP, "GroupMemberships",
                                         "MembershipId", _membership_columns)


# ---- IAM Access Analyzer ------------------------------------------------------------------------------------------


def parse_list_analyzers(doc: dict, path: Path) -> Parsed:
    """The analyzers of one region: part of the account's table, whole for the region(s) it names (its analyzers'
    ARNs, else an added ``Region``, else the region its folders name, as ``collect`` writes them). The loader
    makes the table whole once every enabled region is listed (``load.merge``)."""
    regions = {region for a in doc["analyzers"] if (region := _arn_region(a.get("arn")))}
    regions = regions or {region for region in [output_region(doc, path)] if region}
    parsed = Parsed("accessanalyzer:list-analyzers", covers={ANALYZER}, listed_for={ANALYZER: regions},
                    partial={ANALYZER: f"list-analyzers lists the analyzers of {', '.join(sorted(regions))} only"
                             if regions else "a list-analyzers output that names no region (no analyzer, no added "
                             "Region, no region folder)"})
    for a in doc["analyzers"]:
        arn = a.get("arn")
        reason = a.get("statusReason") or {}
        parsed.fragments.append(Fragment(ANALYZER, (arn,), {
            "name": a.get("name"), "arn": arn, "status": a.get("status"), "type": a.get("type"),
            "created_at": when(a.get("createdAt")), "last_resource_analyzed": a.get("lastResourceAnalyzed"),
            "last_resource_analyzed_at": when(a.get("lastResourceAnalyzedAt")), "title": a.get("name"),
            "status_reason": reason.get("code") if isinstance(reason, dict) else reason,
            "tags": a.get("tags"), "akas": [arn] if arn else None, "region": _arn_region(arn),
            **_partition(arn)}, arn_account(arn)))
    return parsed


def parse_list_findings(doc: dict, path: Path) -> Parsed:
    """list-findings of one analyzer (``AnalyzerArn`` added): every finding, whatever its status, and the analyzer
    as one whose findings are all here (``iamsql_listed``, even with none). A list-findings-v2 output loads too,
    its external-access findings only: the others (``findingType`` UnusedIAMRole, UnusedPermission,
    InternalAccess...) are not rows of this table."""
    parsed = Parsed("accessanalyzer:list-findings")
    analyzer = _named(doc, "AnalyzerArn", "list-findings", path, parsed)
    if analyzer is None:
        return parsed
    parsed.covers.add(FINDING)
    parsed.listed_for[FINDING] = {analyzer}
    for f in doc["findings"]:
        if f.get("findingType", "ExternalAccess") != "ExternalAccess":
            continue
        parsed.fragments.append(Fragment(FINDING, (analyzer, f.get("id")), {
            "access_analyzer_arn": analyzer, "id": f.get("id"), "analyzed_at": when(f.get("analyzedAt")),
            "created_at": when(f.get("createdAt")), "updated_at": when(f.get("updatedAt")), "error": f.get("error"),
            "is_public": f.get("isPublic"), "resource": f.get("resource"),
            "resource_owner_account": f.get("resourceOwnerAccount"), "resource_type": f.get("resourceType"),
            "status": f.get("status"), "action": f.get("action"), "sources": normalize.go_fields(f.get("sources")),
            "principal": f.get("principal"), "condition": f.get("condition"), "title": f.get("id"),
            "region": _arn_region(analyzer), **_partition(analyzer)}, arn_account(analyzer)))
    return parsed


# ---- last accessed, regions ---------------------------------------------------------------------------------------


def _is_last_accessed(doc: dict) -> bool:
    """get-service-last-accessed-details output: its services, or, asked before the job ended, its status and
    creation time alone (AWS leaves the list out until the job is COMPLETED)."""
    return is_list("ServicesLastAccessed")(doc) or (
        doc.get("JobStatus") in ("IN_PROGRESS", "FAILED") and "JobCreationDate" in doc)


def parse_last_accessed(doc: dict, path: Path) -> Parsed | str:
    """get-service-last-accessed-details of one principal. Only a COMPLETED job is data (another is skipped, an
    error when named); its JobCompletionDate is the output's own time. The principal is the added ``Arn``, else the generate-service-last-accessed-details
    output of the same job in the load (``place_last_accessed``; CloudMapper names that one after the principal
    and this one after the job id)."""
    principal = doc.get("Arn")
    if doc.get("JobStatus") != "COMPLETED":
        return (f"get-service-last-accessed-details of a job that is {doc.get('JobStatus')}, not COMPLETED (no "
                "services yet); save the output again once the job is COMPLETED")
    parsed = Parsed("iam:get-service-last-accessed-details")
    parsed.covers.add(ADVISOR)
    completed = when(doc.get("JobCompletionDate"))
    if isinstance(completed, str):
        parsed.as_of, parsed.as_of_source = completed, "last-accessed JobCompletionDate"
    for s in doc["ServicesLastAccessed"]:
        parsed.fragments.append(Fragment(ADVISOR, (principal, s.get("ServiceNamespace")), {
            "service_name": s.get("ServiceName"), "service_namespace": s.get("ServiceNamespace"),
            "last_authenticated": when(s.get("LastAuthenticated")),
            "last_authenticated_entity": s.get("LastAuthenticatedEntity"),
            "last_authenticated_region": s.get("LastAuthenticatedRegion"),
            "total_authenticated_entities": s.get("TotalAuthenticatedEntities"),
            "tracked_actions_last_accessed": s.get("TrackedActionsLastAccessed"), "region": "global"}))
    if principal:
        _set_principal(parsed, principal)
    else:
        parsed.extra["last_accessed_job"] = path.name.split(".json")[0]
    return parsed


def _set_principal(parsed: Parsed, principal: str) -> None:
    """The principal of a last-accessed output, which lists its services whole: one that lists none is data too
    (``iamsql_listed``), a principal whose policies grant no service."""
    parsed.listed_for[ADVISOR] = {principal}
    for fragment in parsed.fragments:
        fragment.key = (principal, fragment.key[1])
        fragment.fields.update({"principal_arn": principal, **_partition(principal)})
        fragment.account_id = arn_account(principal)


# ``{"JobId": ...}``: generate-service-last-accessed-details and generate-organizations-access-report give the same
# shape, so the format names both (only a get-service-last-accessed-details output of the same job places it).
GENERATE_LAST_ACCESSED = "iam:generate-service-last-accessed-details|generate-organizations-access-report"


def parse_generate_last_accessed(doc: dict, path: Path) -> Parsed:
    """generate-service-last-accessed-details: only a job id; named after its principal's (URL-encoded) ARN, it
    says whose the job's details are."""
    name = unquote(path.name.removesuffix(".json"))
    principal = name if (arn_parts(name) or {}).get("service") == "iam" else None
    return Parsed(GENERATE_LAST_ACCESSED,
                  extra={"last_accessed_principal": {"job_id": doc["JobId"], "arn": principal}})


# A last-accessed job id as IAM gives it (a UUID's shape): a file named so is named after its job.
JOB_ID = re.compile(r"[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}", re.IGNORECASE)


def place_last_accessed(parsed_files: list[tuple[Path, Parsed]]) -> dict[Path, str]:
    """Give each get-service-last-accessed-details output that names no principal the principal of the
    generate-service-last-accessed-details output of the same job; the ones that stay unplaced, each with what
    to add or load to place it (the load skips them)."""
    principals = {p.extra["last_accessed_principal"]["job_id"]: p.extra["last_accessed_principal"]["arn"]
                  for _, p in parsed_files if p.extra.get("last_accessed_principal")}
    unplaced = {}
    for path, parsed in parsed_files:
        job = parsed.extra.pop("last_accessed_job", None)
        if job is None:
            continue
        if principals.get(job):
            _set_principal(parsed, principals[job])
            continue
        pair = (f"load it with the generate-service-last-accessed-details output of job {job} (its file name)"
                if JOB_ID.fullmatch(job) else "save it under its job id and load it with the "
                "generate-service-last-accessed-details output of that job")
        unplaced[path] = (
            "get-service-last-accessed-details output names no principal; add \"Arn\": \"<the principal's ARN>\" to "
            f"it, or {pair} saved under the principal's URL-encoded ARN "
            "(arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Fname.json), as CloudMapper saves them")
    return unplaced


# ---- Amazon Cognito identity pools -------------------------------------------------------------------------------


def _pool(pool_id: Any, fields: dict[str, Any], account: str | None = None) -> Fragment | None:
    """A fragment of the pool ``pool_id`` (``<region>:<guid>``); None when the id has no region."""
    region = pool_id.split(":", 1)[0] if isinstance(pool_id, str) and ":" in pool_id else None
    if not region:
        return None
    partition = normalize.region_partition(region)
    return Fragment(IDENTITY_POOL, (pool_id,), {"identity_pool_id": pool_id, "region": region, "partition": partition,
                                                 **fields}, account)


def _pools(parsed: Parsed, path: Path, pools: list[tuple[Any, Fragment | None]]) -> Parsed:
    """``parsed`` with the fragments of ``pools`` (id, fragment); a warning names the file and the ids without a region."""
    unplaced = [repr(pool_id) for pool_id, fragment in pools if fragment is None]
    if unplaced:
        parsed.warnings.append(f"{path}: identity pool id {', '.join(unplaced)} has no region (<region>:<guid>); "
                               "not loaded")
    parsed.fragments.extend(fragment for _, fragment in pools if fragment is not None)
    return parsed


def parse_list_identity_pools(doc: dict, path: Path) -> Parsed:
    """Every pool by id and name (describe-identity-pool gives whether it admits unauthenticated identities)."""
    return _pools(Parsed("cognito-identity:list-identity-pools", covers={IDENTITY_POOL}), path, [
        (p.get("IdentityPoolId"), _pool(p.get("IdentityPoolId"), {"identity_pool_name": p.get("IdentityPoolName"),
                                                                  "title": p.get("IdentityPoolName")}))
        for p in doc["IdentityPools"]])


def parse_describe_identity_pool(doc: dict, path: Path) -> Parsed:
    providers = doc.get("CognitoIdentityProviders")
    return _pools(Parsed("cognito-identity:describe-identity-pool"), path, [(doc.get("IdentityPoolId"), _pool(doc.get("IdentityPoolId"), {
        "identity_pool_name": doc.get("IdentityPoolName"),
        "allow_unauthenticated_identities": doc.get("AllowUnauthenticatedIdentities"),
        "allow_classic_flow": doc.get("AllowClassicFlow"),
        "cognito_identity_providers": providers,
        "developer_provider_name": doc.get("DeveloperProviderName"),
        "open_id_connect_provider_arns": doc.get("OpenIdConnectProviderARNs"),
        "saml_provider_arns": doc.get("SamlProviderARNs"),
        "supported_login_providers": doc.get("SupportedLoginProviders"),
        "tags": doc.get("IdentityPoolTags"),
        "title": doc.get("IdentityPoolName"),
    }))])


def parse_identity_pool_roles(doc: dict, path: Path) -> Parsed:
    """The pool's roles ({} when it has none); its account is theirs (a pool's roles are of its account)."""
    roles = doc.get("Roles") or {}
    accounts = {arn_account(arn) for arn in roles.values()} - {None}
    return _pools(Parsed("cognito-identity:get-identity-pool-roles"), path, [(doc.get("IdentityPoolId"), _pool(
        doc.get("IdentityPoolId"), {"roles": roles, "role_mappings": doc.get("RoleMappings") or {}},
        accounts.pop() if len(accounts) == 1 else None))])


FORMATS: list[Format] = [
    Format("sso-admin:list-instances", is_list("Instances", item="InstanceArn"), parse_list_instances),
    Format("sso-admin:list-permission-sets",
           lambda d: isinstance(d.get("PermissionSets"), list) and all(isinstance(a, str) for a in d["PermissionSets"]),
           parse_list_permission_sets),
    Format("sso-admin:describe-permission-set",
           lambda d: isinstance(d.get("PermissionSet"), dict) and "PermissionSetArn" in d["PermissionSet"],
           parse_describe_permission_set),
    Format("sso-admin:get-inline-policy-for-permission-set", lambda d: isinstance(d.get("InlinePolicy"), str),
           parse_inline_policy),
    Format("sso-admin:list-managed-policies-in-permission-set", is_list("AttachedManagedPolicies", item="Arn"),
           parse_managed_policies),
    Format("sso-admin:list-customer-managed-policy-references-in-permission-set",
           is_list("CustomerManagedPolicyReferences", item="Name"), parse_customer_managed_policy_references),
    Format("sso-admin:get-permissions-boundary-for-permission-set",
           lambda d: isinstance(d.get("PermissionsBoundary"), dict), parse_permissions_boundary),
    Format("sso-admin:get-permissions-boundary-for-permission-set (none)", _no_permissions_boundary_of,
           parse_no_permissions_boundary),
    Format("sso-admin:list-account-assignments", is_list("AccountAssignments", item="PermissionSetArn"),
           parse_account_assignments),
    Format("sso-admin:list-accounts-for-provisioned-permission-set", is_list("AccountIds"),
           parse_provisioned_accounts),
    Format("identitystore:list-users", _store_items("Users", "UserId"), parse_list_users),
    Format("identitystore:list-groups", _store_items("Groups", "GroupId"), parse_list_groups),
    Format("identitystore:list-group-memberships", is_list("GroupMemberships", item="MembershipId"),
           parse_group_memberships),
    Format("accessanalyzer:list-analyzers", is_list("analyzers", item="arn"), parse_list_analyzers),
    Format("accessanalyzer:list-findings", is_list("findings", item="id"), parse_list_findings),
    Format("accessanalyzer:get-findings-statistics", is_list("findingsStatistics"),
           lambda doc, path: ("get-findings-statistics output is not loaded: it counts an analyzer's findings without "
                              "naming them or the analyzer; load list-findings (with the analyzer's ARN added as "
                              "AnalyzerArn) for aws_accessanalyzer_finding")),
    Format("iam:get-service-last-accessed-details", _is_last_accessed, parse_last_accessed),
    Format(GENERATE_LAST_ACCESSED, lambda d: set(d) == {"JobId"}, parse_generate_last_accessed),
    Format("cognito-identity:list-identity-pools", is_list("IdentityPools", item="IdentityPoolId"),
           parse_list_identity_pools),
    Format("cognito-identity:describe-identity-pool",
           lambda d: isinstance(d.get("IdentityPoolId"), str) and "AllowUnauthenticatedIdentities" in d,
           parse_describe_identity_pool),
    Format("cognito-identity:get-identity-pool-roles",
           lambda d: isinstance(d.get("IdentityPoolId"), str) and isinstance(d.get("Roles", {}), dict)
           and "AllowUnauthenticatedIdentities" not in d and ("Roles" in d or "RoleMappings" in d),
           parse_identity_pool_roles),
]

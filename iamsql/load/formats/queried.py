"""Outputs cut down by ``--query`` to the part that holds the data: the list alone (``aws iam list-users --query
Users``, also what AWS Tools for PowerShell's ``Get-IAMUserList | ConvertTo-Json`` gives) or the object alone
(``aws iam get-account-password-policy --query PasswordPolicy``). Each is recognised by the members AWS gives every
item of that list or that object, and put back in its output's wrapper so that it loads as that output.

AWS Tools for PowerShell objects carry the .NET SDK's enumerations (``Status``, ``PermissionsBoundaryType``...)
as objects, which ``ConvertTo-Json`` writes ``{"Value": "Active"}``; a list's items get their plain value back.
"""

from __future__ import annotations

import re

# The list of an output, and the members every item of it has (with, for the lists whose items have no
# distinctive member names, the ARN member and the resource type it names).
QUERIED_LISTS: list[tuple[str, tuple[str, ...], tuple[str, str] | None]] = [
    # get-account-authorization-details --query UserDetailList (and the others): details carry their policies
    ("UserDetailList", ("UserName", "UserId", "Arn", "AttachedManagedPolicies"), None),
    ("RoleDetailList", ("RoleName", "RoleId", "Arn", "AttachedManagedPolicies"), None),
    ("GroupDetailList", ("GroupName", "GroupId", "Arn", "AttachedManagedPolicies"), None),
    ("Users", ("UserName", "UserId", "Arn"), None),
    ("Roles", ("RoleName", "RoleId", "Arn"), None),
    ("Groups", ("GroupName", "GroupId", "Arn"), None),
    ("Policies", ("PolicyName", "PolicyId", "Arn"), None),
    ("Policies", ("Id", "Arn", "Type", "AwsManaged"), None),  # organizations list-policies
    ("AccessKeyMetadata", ("AccessKeyId", "UserName", "Status"), None),
    ("MFADevices", ("UserName", "SerialNumber", "EnableDate"), None),
    ("VirtualMFADevices", ("SerialNumber",), ("SerialNumber", ":mfa/")),
    ("SAMLProviderList", ("Arn",), ("Arn", ":saml-provider/")),
    ("OpenIDConnectProviderList", ("Arn",), ("Arn", ":oidc-provider/")),
    ("ServerCertificateMetadataList", ("ServerCertificateName", "ServerCertificateId", "Arn"), None),
    ("ServiceSpecificCredentials", ("ServiceSpecificCredentialId", "ServiceName"), None),
    ("InstanceProfiles", ("InstanceProfileName", "InstanceProfileId", "Arn"), None),
    ("trailList", ("Name", "TrailARN"), None),
    ("Accounts", ("Id", "Arn", "Email"), ("Arn", ":account/")),
    ("Roots", ("Id", "Arn", "PolicyTypes"), ("Arn", ":root/")),
    ("Instances", ("InstanceArn", "IdentityStoreId"), None),
    ("analyzers", ("arn", "name", "type", "status"), ("arn", ":analyzer/")),
]


# sso-admin list-permission-sets lists ARNs alone.
PERMISSION_SET_ARN = re.compile(r"arn:aws[\w-]*:sso:::permissionSet/ssoins-[\da-f]+/ps-[\da-f]+")


def _enum_value(value):
    """A .NET SDK enumeration as ``ConvertTo-Json`` writes it (``{"Value": "Active"}``) as its value."""
    if isinstance(value, dict) and set(value) == {"Value"} and isinstance(value["Value"], str):
        return value["Value"]
    return value


def _plain(item: dict) -> dict:
    """An item with its members' (and their members') .NET enumerations as plain values; a tag map (Access
    Analyzer's ``tags``) is kept as it is, a tag may be named ``Value``."""
    plain = {}
    for key, value in item.items():
        if key.lower() == "tags":
            plain[key] = value
            continue
        if isinstance(value, dict) and set(value) != {"Value"}:
            value = {k: _enum_value(v) for k, v in value.items()}
        plain[key] = _enum_value(value)
    return plain


def queried_list(items: list) -> dict | None:
    """The output whose list ``items`` are, as that output (``{"Users": items}``), or None."""
    if items and all(isinstance(item, str) and PERMISSION_SET_ARN.fullmatch(item) for item in items):
        return {"PermissionSets": items}
    if not items or not all(isinstance(item, dict) for item in items):
        return None
    items = [_plain(item) for item in items]
    for key, members, arn in QUERIED_LISTS:
        if all(all(m in item for m in members) and (arn is None or arn[1] in str(item[arn[0]])) for item in items):
            return {key: items}
    return None



# The object of a get-* output, and the members it always has.
QUERIED_OBJECTS: list[tuple[str, tuple[str, ...]]] = [
    ("Role", ("RoleName", "RoleId", "Arn", "AssumeRolePolicyDocument")),
    ("User", ("UserName", "UserId", "Arn", "CreateDate")),
    ("Policy", ("PolicyName", "PolicyId", "Arn", "DefaultVersionId")),
    ("PasswordPolicy", ("MinimumPasswordLength", "RequireSymbols", "RequireNumbers")),
    ("SummaryMap", ("UsersQuota", "AccountMFAEnabled")),
    ("Organization", ("Id", "MasterAccountId", "FeatureSet")),
    ("PermissionSet", ("PermissionSetArn", "Name", "CreatedDate")),
]


def queried_object(document: dict) -> dict | None:
    """The get-* output whose object ``document`` is, as that output (``{"Role": document}``), or None."""
    for key, members in QUERIED_OBJECTS:
        if all(member in document for member in members):
            return {key: document}
    return None

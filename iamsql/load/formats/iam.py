"""IAM outputs of the AWS CLI (``aws iam ... --output json``) and of boto3, as Steampipe-shaped fragments.

Rows are keyed within an account by the resource's natural key: users, groups and roles by name (list-mfa-devices
and get-access-key-last-used only know the user name), managed policies, instance profiles and providers by ARN,
access keys by id, virtual MFA devices by serial number; the account-wide tables by ``()``.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

from iamsql.common.arns import arn_account, arn_parts
from iamsql.load import normalize
from iamsql.load.formats.base import Format, Fragment, Parsed, Unreadable, arn_columns, json_time, when
from iamsql.load.normalize import go_struct

ACCESS_KEY_ID = re.compile(r"^(AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{12,124}$")


def _boundary(entity: dict) -> dict[str, Any]:
    boundary = entity.get("PermissionsBoundary") or {}
    return {
        "permissions_boundary_arn": boundary.get("PermissionsBoundaryArn"),
        "permissions_boundary_type": boundary.get("PermissionsBoundaryType"),
    }


def _user_boundary(user: dict, told: bool) -> dict[str, Any]:
    """A user's boundary columns: Steampipe reads them from GetUser into Go strings, so a user without a boundary has
    '' in both (a role has NULL). ``told``: the output says whether the user has one (get-account-authorization-details,
    get-user); list-users does not, and leaves them NULL."""
    columns = _boundary(user)
    if told and columns["permissions_boundary_arn"] is None:
        return {"permissions_boundary_arn": "", "permissions_boundary_type": ""}
    return columns


def _tags(entity: dict) -> dict[str, Any]:
    """``tags_src`` and ``tags``; NULL both when there are none, as Steampipe reads them from GetUser, GetRole, GetPolicy
    (whose answer then has no Tags), where get-account-authorization-details lists an empty ``Tags``."""
    if not entity.get("Tags"):
        return {}
    return {"tags_src": entity["Tags"], "tags": normalize.tags_map(entity["Tags"])}


def _documents(raw_column: str, std_column: str, document: Any, what: str, *, keep_text: bool = False) -> dict[str, Any]:
    """A policy document's raw and canonical columns. One that is not JSON (documentation placeholders such as
    ``<URL-encoded-JSON>``) leaves both NULL with a warning rather than failing the whole file; among inline
    policies, and with ``keep_text`` (a managed policy's), the raw column keeps it as its text, the policy engine's
    unknown document, so that it is told from a document that was not loaded."""
    try:
        if raw_column == "inline_policies":
            policies = normalize.inline_policies(document)
            unreadable = [str(p["PolicyName"]) for p in policies or () if isinstance(p["PolicyDocument"], str)]
            if unreadable:  # the others stay: a principal without them would look as if it held none
                return {raw_column: Unreadable(f"{what}: the document of {', '.join(unreadable)} is not JSON; kept as "
                                                  f"text, which the policy engine reads as unknown", policies),
                        std_column: normalize.inline_policies_std(document)}
            return {raw_column: policies, std_column: normalize.inline_policies_std(document)}
        return {raw_column: normalize.parse_policy_document(document), std_column: normalize.policy_std(document)}
    except ValueError as exc:
        if keep_text:
            text = document if isinstance(document, str) else json.dumps(document)
            return {raw_column: Unreadable(f"{what}: {exc}; kept as text, which the policy engine reads as unknown",
                                           text), std_column: None}
        return {raw_column: Unreadable(f"{what}: {exc}"), std_column: None}


def _inline(policies: list | None, owner: str | None) -> dict[str, Any]:
    return _documents("inline_policies", "inline_policies_std", policies, f"inline policies of {owner}")


def _items(value: Any) -> list:
    """A list member that a hand-written example may give as a single object."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _nested_time(value: Any) -> Any:
    """A time inside a JSON column: as Steampipe prints it (``json_time``), else kept as written."""
    return json_time(value)


# The members of aws-sdk-go-v2's iam types.User and types.Role: Steampipe prints the Go struct, so a member AWS left
# out (a pointer or slice the answer did not fill) is a JSON null, never missing.
USER_MEMBERS = ("Arn", "CreateDate", "PasswordLastUsed", "Path", "PermissionsBoundary", "Tags", "UserId", "UserName")
ROLE_MEMBERS = ("Arn", "AssumeRolePolicyDocument", "CreateDate", "Description", "MaxSessionDuration", "Path",
                "PermissionsBoundary", "RoleId", "RoleLastUsed", "RoleName", "Tags")


def member_user(user: Any) -> Any:
    """A user inside a JSON column (a group's ``users``, a virtual MFA device's ``user``) as Steampipe prints the Go
    SDK's ``types.User``: every member, null when absent, times as ``json_time`` writes them."""
    if not isinstance(user, dict):
        return user
    shaped = {k: json_time(v) if k in ("CreateDate", "PasswordLastUsed") else v for k, v in user.items()}
    return {**dict.fromkeys(USER_MEMBERS), **shaped}


def _encoded_document(document: Any) -> Any:
    """A policy document as the IAM API returns it inside a role: URL-encoded JSON text. An API-style answer is kept
    as it is; one the AWS CLI or boto3 decoded to an object is encoded again (compact JSON: the stored text's own
    spacing is gone)."""
    if document is None or isinstance(document, str):
        return document
    return quote(json.dumps(document, separators=(",", ":")), safe="")


def _profile_roles(roles: Any) -> Any:
    """An instance profile's roles as Steampipe prints the Go SDK's ``types.Role``: every member (null when absent),
    the trust policy URL-encoded as the API returns it, times as Steampipe prints them (CreateDate, RoleLastUsed)."""
    if not isinstance(roles, list):
        return roles
    shaped = []
    for role in roles:
        if isinstance(role, dict):
            role = {k: json_time(v) if k == "CreateDate" else v for k, v in role.items()}
            if isinstance(role.get("RoleLastUsed"), dict) and "LastUsedDate" in role["RoleLastUsed"]:
                role["RoleLastUsed"] = {**role["RoleLastUsed"],
                                        "LastUsedDate": json_time(role["RoleLastUsed"]["LastUsedDate"])}
            if "AssumeRolePolicyDocument" in role:
                role["AssumeRolePolicyDocument"] = _encoded_document(role["AssumeRolePolicyDocument"])
            role = {**dict.fromkeys(ROLE_MEMBERS), **role}
        shaped.append(role)
    return shaped


def _attached(entity: dict) -> dict[str, Any]:
    """The managed policies of a get-account-authorization-details entry. As in Steampipe (a Go nil slice), an entity
    with none has NULL ``attached_policy_arns``; ``policies_loaded`` says that NULL means none."""
    if "AttachedManagedPolicies" not in entity:
        return {}
    arns = [p.get("PolicyArn") for p in _items(entity["AttachedManagedPolicies"])]
    return {"attached_policy_arns": arns or None, "policies_loaded": True}


# ---- rows per resource type ----------------------------------------------------------------------------------------


def user_fragment(u: dict, boundary_told: bool = False) -> Fragment:
    """A user's row; ``boundary_told``: the output is one that gives the user's permissions boundary when it has one."""
    arn = u.get("Arn")
    fields = {
        "name": u.get("UserName"),
        "user_id": u.get("UserId"),
        "path": u.get("Path"),
        "arn": arn,
        "create_date": when(u.get("CreateDate")),
        "password_last_used": when(u.get("PasswordLastUsed")),
        "title": u.get("UserName"),
        **_user_boundary(u, boundary_told),
        **_tags(u),
        **_attached(u),
        **arn_columns(arn),
    }
    if "UserPolicyList" in u:
        fields.update(_inline(_items(u["UserPolicyList"]), u.get("UserName")))
    if "GroupList" in u:
        fields["__group_names"] = list(u["GroupList"] or [])
    return Fragment("aws_iam_user", (u.get("UserName"),), fields, arn_account(arn))


def group_fragment(g: dict) -> Fragment:
    arn = g.get("Arn")
    fields = {
        "name": g.get("GroupName"),
        "group_id": g.get("GroupId"),
        "path": g.get("Path"),
        "arn": arn,
        "create_date": when(g.get("CreateDate")),
        "title": g.get("GroupName"),
        **_attached(g),
        **arn_columns(arn),
    }
    if "GroupPolicyList" in g:
        fields.update(_inline(_items(g["GroupPolicyList"]), g.get("GroupName")))
    return Fragment("aws_iam_group", (g.get("GroupName"),), fields, arn_account(arn))


def instance_profile_fragment(p: dict) -> Fragment:
    arn = p.get("Arn")
    fields = {
        "instance_profile_name": p.get("InstanceProfileName"),
        "arn": arn,
        "instance_profile_id": p.get("InstanceProfileId"),
        "create_date": when(p.get("CreateDate")),
        "path": p.get("Path"),
        "roles": _profile_roles(p.get("Roles")),
        "title": p.get("InstanceProfileName"),
        **_tags(p),
        **arn_columns(arn),
    }
    return Fragment("aws_iam_instance_profile", (arn,), fields, arn_account(arn))


def role_fragments(r: dict) -> list[Fragment]:
    arn = r.get("Arn")
    document = r.get("AssumeRolePolicyDocument")
    last_used = r.get("RoleLastUsed") or {}
    fields = {
        "name": r.get("RoleName"),
        "arn": arn,
        "role_id": r.get("RoleId"),
        "path": r.get("Path"),
        "create_date": when(r.get("CreateDate")),
        "description": r.get("Description"),
        "max_session_duration": r.get("MaxSessionDuration"),
        "role_last_used_date": when(last_used.get("LastUsedDate")),
        "role_last_used_region": last_used.get("Region"),
        "assume_role_policy_document": _encoded_document(document),
        **_documents("assume_role_policy", "assume_role_policy_std", document, f"trust policy of {r.get('RoleName')}"),
        "title": r.get("RoleName"),
        **_boundary(r),
        **_tags(r),
        **_attached(r),
        **arn_columns(arn),
    }
    if "RolePolicyList" in r:
        fields.update(_inline(_items(r["RolePolicyList"]), r.get("RoleName")))
    fragments = [Fragment("aws_iam_role", (r.get("RoleName"),), fields, arn_account(arn))]
    if "InstanceProfileList" in r:
        profiles = r["InstanceProfileList"] or []
        fields["instance_profile_arns"] = [p.get("Arn") for p in profiles] or None  # a Go nil slice, as in Steampipe
        fragments += [instance_profile_fragment(p) for p in profiles]
    return fragments


def _version(v: dict) -> dict:
    """One entry of a policy's ``PolicyVersionList``, its document decoded (None when it is not JSON)."""
    try:
        document = normalize.parse_policy_document(v.get("Document"))
    except ValueError:
        document = None
    return {"version_id": v.get("VersionId"), "is_default_version": bool(v.get("IsDefaultVersion")),
            "create_date": json_time(v.get("CreateDate")), "document": document}


def policy_fragment(p: dict) -> Fragment:
    arn = p.get("Arn")
    count = p.get("AttachmentCount")
    # a policy's ARN ends in its name (``policy/<path>/<name>``; a name has no "/"): for an answer that left the
    # name out (moto's get-account-authorization-details does)
    name = p.get("PolicyName") or (arn.rsplit("/", 1)[-1] if isinstance(arn, str) and ":policy/" in arn else None)
    fields = {
        "name": name,
        "policy_id": p.get("PolicyId"),
        "path": p.get("Path"),
        "description": p.get("Description"),
        "arn": arn,
        "is_aws_managed": bool(arn_parts(arn) and arn_parts(arn)["account_id"] == "aws"),
        "is_attachable": p.get("IsAttachable"),
        "create_date": when(p.get("CreateDate")),
        "update_date": when(p.get("UpdateDate")),
        "attachment_count": count,
        "is_attached": None if count is None else count > 0,
        "default_version_id": p.get("DefaultVersionId"),
        "permissions_boundary_usage_count": p.get("PermissionsBoundaryUsageCount"),
        "title": name,
        **_tags(p),
        **arn_columns(arn),
    }
    versions = p.get("PolicyVersionList")
    default = next((v for v in versions or [] if v.get("IsDefaultVersion")), None)
    if default is not None:
        fields.update(_documents("policy", "policy_std", default.get("Document"), f"policy {arn}", keep_text=True))
    if versions is not None:
        fields["policy_versions"] = [_version(v) for v in versions if isinstance(v, dict)]
    # An AWS managed policy carries no account: it takes the account of the file it came in.
    return Fragment("aws_iam_policy", (arn,), fields, arn_account(arn))


# ---- formats -------------------------------------------------------------------------------------------------------


GAAD_LISTS = {"UserDetailList": "aws_iam_user", "GroupDetailList": "aws_iam_group", "RoleDetailList": "aws_iam_role",
              "Policies": "aws_iam_policy"}


# Identifiers an entry must carry: without them the row has no key and controls break on it later.
REQUIRED_IDS = {"UserDetailList": ("UserName", "Arn"), "RoleDetailList": ("RoleName", "Arn"),
                "Users": ("UserName", "Arn"), "Roles": ("RoleName", "Arn")}


def require_ids(doc: dict, key: str) -> None:
    """Every entry of ``doc[key]`` is an object with its identifiers as non-empty text; otherwise ValueError
    naming the list and the entry's position (0-based, as in ``jq '.UserDetailList[3]'``)."""
    needed = REQUIRED_IDS[key]
    for index, item in enumerate(doc.get(key) or []):
        if not isinstance(item, dict):
            raise ValueError(f"{key}[{index}] is not an object")
        missing = [name for name in needed if not isinstance(item.get(name), str) or not item.get(name).strip()]
        if missing:
            raise ValueError(f"{key}[{index}] has no {' or '.join(missing)} (every entry needs {' and '.join(needed)}); "
                             "nothing was loaded")


def parse_gaad(doc: dict, path: Path) -> Parsed:
    """One page (or the CLI's merged pages). It lists completely only the entity types it carries: an output
    asked with ``--filter User`` says nothing about roles or policies. ``IsTruncated`` (API pages) or
    ``NextToken`` (the CLI's ``--max-items``) marks a page that is not the last."""
    covers = {table for key, table in GAAD_LISTS.items() if key in doc}
    parsed = Parsed("iam:get-account-authorization-details", covers=covers)
    if "Policies" in doc:
        covers.add("aws_iam_policy_attachment")
    else:  # the attachments derived from the entities it lists name only the policies they hold
        parsed.partial["aws_iam_policy_attachment"] = ("get-account-authorization-details output without Policies "
                                                       "(--filter) does not say who holds the other managed policies")
    require_ids(doc, "UserDetailList")
    require_ids(doc, "RoleDetailList")
    parsed.fragments += [user_fragment(u, boundary_told=True) for u in doc.get("UserDetailList") or []]
    parsed.fragments += [group_fragment(g) for g in doc.get("GroupDetailList") or []]
    for r in doc.get("RoleDetailList") or []:
        parsed.fragments += role_fragments(r)
    parsed.fragments += [policy_fragment(p) for p in doc.get("Policies") or []]
    if doc.get("IsTruncated") or doc.get("NextToken"):
        parsed.extra["is_truncated"] = True
    if "RoleDetailList" in doc:  # each role with every instance profile that holds it (InstanceProfileList)
        parsed.extra["lists_role_instance_profiles"] = True
    return parsed


def _listing(fmt: str, table: str, items_key: str, make) -> Format:
    def parse(doc: dict, path: Path) -> Parsed:
        parsed = Parsed(fmt, covers={table})
        if items_key in REQUIRED_IDS:
            require_ids(doc, items_key)
        for item in doc.get(items_key) or []:
            made = make(item)
            parsed.fragments += made if isinstance(made, list) else [made]
        return parsed

    return Format(fmt, lambda doc: isinstance(doc.get(items_key), list), parse)


def _single(fmt: str, item_key: str, make) -> Format:
    """A get-* output of one resource: adds to that resource's row without claiming to list the whole table."""

    def parse(doc: dict, path: Path) -> Parsed:
        made = make(doc[item_key])
        return Parsed(fmt, fragments=made if isinstance(made, list) else [made])

    return Format(fmt, lambda doc: isinstance(doc.get(item_key), dict), parse)


def parse_get_group(doc: dict, path: Path) -> Parsed:
    group = group_fragment(doc["Group"])
    group.fields["users"] = [member_user(u) for u in doc.get("Users") or []] or None
    return Parsed("iam:get-group", fragments=[group, *(user_fragment(u) for u in doc.get("Users") or [])])


ROOT_USER = "<root_account>"  # the root user's name in the credential report


def access_key_fragment(k: dict) -> Fragment:
    return Fragment(
        "aws_iam_access_key",
        (k.get("AccessKeyId"),),
        {"access_key_id": k.get("AccessKeyId"), "user_name": k.get("UserName"), "status": k.get("Status"),
         "create_date": when(k.get("CreateDate")), "title": k.get("AccessKeyId"), "region": "global"},
    )


ROOT_KEYS = ("list-access-keys run as the root user: the root user's keys are not IAM users' keys, which "
             "aws_iam_access_key holds (as Steampipe's, listed per IAM user); the credential report and "
             "get-account-summary show the root user's")


def parse_access_keys(doc: dict, path: Path) -> Parsed | str:
    """list-access-keys lists the keys of one user (``--user-name``, else the caller): part of the table, whole for
    that user. The user is named by the keys, or by an added top-level ``UserName`` (an empty list names none).
    AWS names the IAM user in every key it lists; keys that name no user are the root user's (the command run by
    the root user without ``--user-name``): not an IAM user's, so not loaded (``ROOT_KEYS``)."""
    keys = doc["AccessKeyMetadata"]
    owners = {k.get("UserName") for k in keys if isinstance(k, dict)} | {doc.get("UserName")}
    owners = {owner for owner in owners if isinstance(owner, str) and owner}
    if keys and not owners:
        return ROOT_KEYS
    partial = (f"list-access-keys lists the keys of {', '.join(sorted(owners))} only" if owners else
               "list-access-keys lists the keys of one user only, and an empty list does not name the user (add UserName)")
    return Parsed("iam:list-access-keys", fragments=[access_key_fragment(k) for k in keys],
                  partial={"aws_iam_access_key": partial},
                  listed_for={"aws_iam_access_key": owners})


def parse_access_key_last_used(doc: dict, path: Path) -> Parsed | str:
    """get-access-key-last-used of the key its added ``AccessKeyId`` or its file name names (the output names only
    the user); without either, nothing can hold the answer: skipped, saying what to add."""
    parsed = Parsed("iam:get-access-key-last-used")
    key_id = doc.get("AccessKeyId") or (path.name.split(".")[0] if ACCESS_KEY_ID.match(path.name.split(".")[0]) else None)
    if not key_id:
        return "get-access-key-last-used output names no access key (add AccessKeyId, or name the file after the key)"
    used = doc.get("AccessKeyLastUsed") or {}
    parsed.fragments.append(Fragment("aws_iam_access_key", (key_id,), {
        "access_key_id": key_id,
        "user_name": doc.get("UserName"),
        "access_key_last_used_date": when(used.get("LastUsedDate")),
        # as GetAccessKeyLastUsed gives them, and Steampipe: "N/A" for a key never used
        "access_key_last_used_service": used.get("ServiceName"),
        "access_key_last_used_region": used.get("Region"),
        "title": key_id,
        "region": "global",
    }))
    return parsed


def parse_mfa_devices(doc: dict, path: Path) -> Parsed:
    """list-mfa-devices: the user's devices; an empty list counts only when the output names its user."""
    parsed = Parsed("iam:list-mfa-devices")
    by_user: dict[str, list] = {}
    if doc.get("UserName"):
        by_user[doc["UserName"]] = []
    for device in doc["MFADevices"]:
        by_user.setdefault(device.get("UserName") or doc.get("UserName"), []).append(
            {k: (_nested_time(v) if k == "EnableDate" else v) for k, v in device.items()})
    for user, devices in by_user.items():
        if user is None:
            continue
        accounts = {arn_account(d.get("SerialNumber")) for d in devices} - {None}
        parsed.fragments.append(Fragment("aws_iam_user", (user,), {"name": user, "title": user, "region": "global",
                                                                    "mfa_devices": devices, "mfa_enabled": bool(devices)},
                                         accounts.pop() if len(accounts) == 1 else None))
    return parsed


def virtual_mfa_fragment(d: dict) -> Fragment:
    serial = d.get("SerialNumber")
    user = d.get("User")
    user = member_user(user)
    return Fragment("aws_iam_virtual_mfa_device", (serial,), {
        "serial_number": serial,
        "enable_date": when(d.get("EnableDate")),
        "assignment_status": "Assigned" if user else "Unassigned",
        "user_id": (user or {}).get("UserId"),
        "user_name": (user or {}).get("UserName"),
        "user": user,
        "title": serial,
        # ListVirtualMFADevices returns no tags (Steampipe asks ListMFADeviceTags, whose empty list it shows as [] with
        # tags NULL): an output that carries Tags says them, [] included; without it they are not known, NULL
        **({"tags_src": d["Tags"], "tags": normalize.tags_map(d["Tags"])} if isinstance(d.get("Tags"), list) else {}),
        **arn_columns(serial),
    }, arn_account(serial))


# aws-sdk-go-v2's iam types.LoginProfile, as Steampipe prints it: PasswordResetRequired is a Go bool, false when AWS
# leaves it out.
LOGIN_PROFILE_MEMBERS = {"CreateDate": None, "PasswordResetRequired": False, "UserName": None}


def parse_login_profile(doc: dict, path: Path) -> Parsed:
    profile = go_struct(doc["LoginProfile"], LOGIN_PROFILE_MEMBERS)
    if "CreateDate" in profile:
        profile["CreateDate"] = _nested_time(profile["CreateDate"])
    user = profile.get("UserName")
    return Parsed("iam:get-login-profile", fragments=[
        Fragment("aws_iam_user", (user,), {"name": user, "title": user, "region": "global", "login_profile": profile,
                                           "login_profile_loaded": True})])


def _no_such_entity_of(doc: dict) -> bool:
    return (isinstance(doc.get("UserName"), str) and isinstance(doc.get("Error"), dict)
            and doc["Error"].get("Code") == "NoSuchEntity" and set(doc) == {"UserName", "Error"})


def parse_no_login_profile(doc: dict, path: Path) -> Parsed | str:
    """GetLoginProfile's NoSuchEntity saved with the user's name (as ``iamsql collect`` writes it): the user has no
    console password. The answer names no call: it is read as GetLoginProfile's when its message or its file says
    so (``get-login-profile/<user>.json``)."""
    message = str(doc["Error"].get("Message") or "")
    if "login profile" not in message.lower() and "get-login-profile" not in path.as_posix():
        return ("a NoSuchEntity answer about a user that does not say which call it answers; save GetLoginProfile's "
                "as get-login-profile/<user>.json")
    user = doc["UserName"]
    return Parsed("iam:get-login-profile (NoSuchEntity)", fragments=[
        Fragment("aws_iam_user", (user,), {"name": user, "title": user, "region": "global",
                                           "login_profile_loaded": True})])


PASSWORD_POLICY_COLUMNS = {
    "AllowUsersToChangePassword": "allow_users_to_change_password",
    "ExpirePasswords": "expire_passwords",
    "HardExpiry": "hard_expiry",
    "MaxPasswordAge": "max_password_age",
    "MinimumPasswordLength": "minimum_password_length",
    "PasswordReusePrevention": "password_reuse_prevention",
    "RequireLowercaseCharacters": "require_lowercase_characters",
    "RequireNumbers": "require_numbers",
    "RequireSymbols": "require_symbols",
    "RequireUppercaseCharacters": "require_uppercase_characters",
}


PASSWORD_POLICY_NUMBERS = ("MaxPasswordAge", "MinimumPasswordLength", "PasswordReusePrevention")


def _password_policy_value(key: str, value: Any) -> Any:
    """A password policy field as its column holds it: a number field a whole number (``90``, also written
    ``90.0`` or ``"90"``), a flag a boolean; anything else (``"x"``, ``90.5``, ``true`` for a number) is unknown:
    NULL, with a load warning, never a guess."""
    if value is None:
        return None
    if key in PASSWORD_POLICY_NUMBERS:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and value.strip().isdecimal():
            return int(value.strip())
        return Unreadable(f"{key} is not a whole number ({json.dumps(value)})")
    if isinstance(value, bool):
        return value
    return Unreadable(f"{key} is not true or false ({json.dumps(value)})")


def parse_password_policy(doc: dict, path: Path) -> Parsed | str:
    """The account's password policy. An unreadable PasswordReusePrevention rejects the output: AWS leaves it out
    when reuse is not prevented, so NULL would read as "not prevented" rather than unknown."""
    policy = doc["PasswordPolicy"]
    fields = {column: _password_policy_value(key, policy.get(key)) for key, column in PASSWORD_POLICY_COLUMNS.items()}
    if isinstance(reuse := fields["password_reuse_prevention"], Unreadable):
        return f"{reuse.reason}: how many passwords the policy remembers is unknown"
    if fields["expire_passwords"] is None and policy.get("MaxPasswordAge") is None:
        # AWS's ExpirePasswords "returns true if MaxPasswordAge contains a value greater than 0, false if
        # MaxPasswordAge is 0 or not present": an output without it (AWS CLI's example) still says which.
        fields["expire_passwords"] = False
    elif fields["expire_passwords"] is None and isinstance(fields["max_password_age"], int):
        fields["expire_passwords"] = fields["max_password_age"] > 0
    fields["region"] = "global"
    return Parsed("iam:get-account-password-policy", covers={"aws_iam_account_password_policy"},
                  fragments=[Fragment("aws_iam_account_password_policy", (), fields)])


def _snake(name: str) -> str:
    name = name.replace("MFA", "Mfa")
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def parse_account_summary(doc: dict, path: Path) -> Parsed:
    fields: dict[str, Any] = {_snake(k): v for k, v in doc["SummaryMap"].items()}
    for flag in ("account_mfa_enabled", "account_password_present"):
        if fields.get(flag) is not None:
            fields[flag] = bool(fields[flag])
    fields["region"] = "global"
    return Parsed("iam:get-account-summary", covers={"aws_iam_account_summary"},
                  fragments=[Fragment("aws_iam_account_summary", (), fields)])


def saml_fragment(p: dict) -> Fragment:
    arn = p.get("Arn")
    fields = {"arn": arn, "create_date": when(p.get("CreateDate")), "valid_until": when(p.get("ValidUntil")),
              "saml_metadata_document": p.get("SAMLMetadataDocument"), **_tags(p), **arn_columns(arn)}
    return Fragment("aws_iam_saml_provider", (arn,), fields, arn_account(arn))


def parse_get_saml_provider(doc: dict, path: Path) -> Parsed:
    fragment = saml_fragment(doc)
    if not doc.get("Arn"):
        fragment.key = None  # matched to the one provider listed beside it, see load.py
    return Parsed("iam:get-saml-provider", fragments=[fragment])


def oidc_fragment(p: dict) -> Fragment:
    arn = p.get("Arn")
    fields = {"arn": arn, "url": p.get("Url"), "client_id_list": p.get("ClientIDList"),
              "thumbprint_list": p.get("ThumbprintList"), "create_date": when(p.get("CreateDate")),
              **_tags(p), **arn_columns(arn)}
    return Fragment("aws_iam_open_id_connect_provider", (arn,), fields, arn_account(arn))


def parse_get_oidc_provider(doc: dict, path: Path) -> Parsed:
    fragment = oidc_fragment(doc)
    if not doc.get("Arn"):
        url = (doc.get("Url") or "").split("://", 1)[-1]
        fragment.key = None
        fragment.fields["__arn_suffix"] = f":oidc-provider/{url}"
    return Parsed("iam:get-open-id-connect-provider", fragments=[fragment])


def parse_account_aliases(doc: dict, path: Path) -> Parsed:
    return Parsed("iam:list-account-aliases", extra={"account_aliases": doc["AccountAliases"]})


def server_certificate_fragment(m: dict, extra: dict | None = None) -> Fragment:
    arn = m.get("Arn")
    fields = {"name": m.get("ServerCertificateName"), "arn": arn, "server_certificate_id": m.get("ServerCertificateId"),
              "path": m.get("Path"), "upload_date": when(m.get("UploadDate")), "expiration": when(m.get("Expiration")),
              "title": m.get("ServerCertificateName"), **arn_columns(arn), **(extra or {})}
    return Fragment("aws_iam_server_certificate", (arn,), fields, arn_account(arn))


def parse_get_server_certificate(doc: dict, path: Path) -> Parsed:
    cert = doc["ServerCertificate"]
    extra = {"certificate_body": cert.get("CertificateBody"), "certificate_chain": cert.get("CertificateChain"),
             **_tags(cert)}
    return Parsed("iam:get-server-certificate",
                  fragments=[server_certificate_fragment(cert.get("ServerCertificateMetadata") or {}, extra)])


def service_credential_fragment(c: dict) -> Fragment:
    """list-service-specific-credentials lists one user's credentials, or every user's with --all-users, and does
    not say which: its rows stand for the table (the control on it judges each credential, never the account)."""
    key = c.get("ServiceSpecificCredentialId")
    return Fragment("aws_iam_service_specific_credential", (key,), {
        "service_name": c.get("ServiceName"), "service_specific_credential_id": key,
        "create_date": when(c.get("CreateDate")), "service_user_name": c.get("ServiceUserName"),
        "status": c.get("Status"), "user_name": c.get("UserName"),
        "title": c.get("ServiceName"), "region": "global"})  # Steampipe's title: the service's name


def parse_service_credentials(doc: dict, path: Path) -> Parsed:
    return Parsed("iam:list-service-specific-credentials",
                  fragments=[service_credential_fragment(c) for c in doc["ServiceSpecificCredentials"]])


GAAD_INSTEAD = "load get-account-authorization-details, which names the owner of every policy and attachment"
OWNER_KEYS = {"UserName": "aws_iam_user", "GroupName": "aws_iam_group", "RoleName": "aws_iam_role"}


def _unplaceable(command: str, why: str):
    """A recognised output iamsql does not load: the one-line reason it is skipped with."""
    return lambda doc, path: f"{command} output {why}"


def _one_owners_policies(doc: dict, path: Path) -> str:
    """Why list-attached-user-policies / -group-policies / -role-policies is not loaded, with or without the owner
    added: one owner's managed policies, without the inline ones and group memberships the policy engine needs with
    them (an owner with an unknown part of its policies would be judged as if it had none)."""
    owner = next((f"{key.removesuffix('Name').lower()} {doc[key]}" for key in OWNER_KEYS if doc.get(key)), None)
    if owner is None:
        return ("list-attached-user-policies / -group-policies / -role-policies output names no user, group or role, "
                f"so its attachments cannot be attributed; {GAAD_INSTEAD}")
    return (f"list-attached-*-policies output of {owner} is not loaded: it holds that {owner.split()[0]}'s managed "
            "policies without its inline policies (and a user's groups), which the policy engine needs with them; "
            f"{GAAD_INSTEAD}")


TAGGED_BY_NAME = {"InstanceProfileName": ("aws_iam_instance_profile", "instance-profile"),
                  "ServerCertificateName": ("aws_iam_server_certificate", "server-certificate")}


def parse_tags(doc: dict, path: Path) -> Parsed | str:
    """list-user-tags / -role-tags / -policy-tags / -instance-profile-tags / -server-certificate-tags /
    -mfa-device-tags: the tags of the entity named by the request's parameter, added (``UserName``, ``RoleName``,
    ``PolicyArn``, ``InstanceProfileName``, ``ServerCertificateName``, ``SerialNumber``). An instance profile or
    server certificate is found by its name among those listed beside it (its ARN holds a path the name does
    not). A virtual MFA device's empty list is ``[]``, as Steampipe shows ListMFADeviceTags' answer."""
    owner = next(((key, table) for key, table in OWNER_KEYS.items() if doc.get(key) and key != "GroupName"), None)
    columns = {"tags_src": doc["Tags"] or None, "tags": normalize.tags_map(doc["Tags"]), "region": "global"}
    if owner:
        key, table = owner
        return Parsed(f"iam:list-{table.removeprefix('aws_iam_')}-tags",
                      fragments=[Fragment(table, (doc[key],), {"name": doc[key], **columns})])
    if doc.get("PolicyArn"):
        arn = doc["PolicyArn"]
        return Parsed("iam:list-policy-tags",
                      fragments=[Fragment("aws_iam_policy", (arn,), {"arn": arn, **columns}, arn_account(arn))])
    if doc.get("SerialNumber"):
        serial = doc["SerialNumber"]
        return Parsed("iam:list-mfa-device-tags", fragments=[Fragment(
            "aws_iam_virtual_mfa_device", (serial,), {"serial_number": serial, **columns, "tags_src": doc["Tags"]},
            arn_account(serial))])
    named = next((key for key in TAGGED_BY_NAME if doc.get(key)), None)
    if named:
        table, kind = TAGGED_BY_NAME[named]
        fragment = Fragment(table, None, {**columns, "__arn_suffix": f"/{doc[named]}"})
        return Parsed(f"iam:list-{kind}-tags", fragments=[fragment])
    return ("list-*-tags output names no user, role, policy, instance profile, server certificate or MFA device (add "
            "UserName, RoleName, PolicyArn, InstanceProfileName, ServerCertificateName or SerialNumber; for "
            "organizations list-tags-for-resource, ResourceId), so its tags cannot be attributed; "
            f"{GAAD_INSTEAD}")


def parse_policy_version(doc: dict, path: Path) -> Parsed | str:
    """get-policy-version: the default version's document fills its policy when the output names the policy."""
    version = doc["PolicyVersion"]
    arn = doc.get("PolicyArn")
    if not arn:
        return f"get-policy-version output names no policy (add PolicyArn), so it cannot be attributed; {GAAD_INSTEAD}"
    if not version.get("IsDefaultVersion"):
        return f"get-policy-version output is version {version.get('VersionId')} of {arn}, not its default version"
    name = arn.rsplit("/", 1)[-1] if ":policy/" in arn else None  # a policy's ARN ends in its name
    fields = {"arn": arn, "name": name, "title": name, "default_version_id": version.get("VersionId"),
              "is_aws_managed": bool(arn_parts(arn) and arn_parts(arn)["account_id"] == "aws"),
              **_documents("policy", "policy_std", version.get("Document"), f"policy {arn}", keep_text=True), **arn_columns(arn)}
    return Parsed("iam:get-policy-version",
                  fragments=[Fragment("aws_iam_policy", (arn,), fields, arn_account(arn))])


ENTITY_LISTS = {"policy_users": "PolicyUsers", "policy_groups": "PolicyGroups", "policy_roles": "PolicyRoles"}


def parse_entities_for_policy(doc: dict, path: Path) -> Parsed | str:
    """list-entities-for-policy with an added ``PolicyArn`` (the output does not name its policy): that policy's
    ``aws_iam_policy_attachment`` row, as Steampipe makes it from this call. One page of one policy: the pages of a
    policy are added up by ``derive``, and the table is only known in part (other policies are not listed); the
    last page (not ``IsTruncated``) says the policy's row is whole."""
    arn = doc.get("PolicyArn")
    if not arn:
        return f"list-entities-for-policy output names no policy (add PolicyArn), so it cannot be attributed; {GAAD_INSTEAD}"
    fields = {"policy_arn": arn, **arn_columns(arn, akas=False),
              **{column: doc.get(key) or [] for column, key in ENTITY_LISTS.items()}}
    page = (arn, str(path), doc.get("Marker") or "")
    return Parsed("iam:list-entities-for-policy",
                  fragments=[Fragment("aws_iam_policy_attachment", page, fields, arn_account(arn))],
                  partial={"aws_iam_policy_attachment": f"list-entities-for-policy lists the entities of {arn} only"},
                  listed_for={"aws_iam_policy_attachment": set() if doc.get("IsTruncated") else {arn}})


def parse_caller_identity(doc: dict, path: Path) -> Parsed:
    """sts get-caller-identity fills no table; it says which account the files beside it belong to."""
    return Parsed("sts:get-caller-identity", extra={"caller_account": doc["Account"]})


def _counting_holders(fmt: Format) -> Format:
    """list-policies and get-policy: ``AttachmentCount`` says how many users, groups and roles hold each policy, not
    which, so the ``aws_iam_policy_attachment`` rows ``derive`` makes of them are whole only for the policies held by
    none, and the table is known in part (until get-account-authorization-details in the load tells who holds what)."""

    def parse(doc: dict, path: Path) -> Parsed:
        parsed = fmt.parse(doc, path)
        parsed.partial["aws_iam_policy_attachment"] = (f"{fmt.name.removeprefix('iam:')} counts the users, groups "
                                                       "and roles that hold each policy, without naming them")
        parsed.listed_for["aws_iam_policy_attachment"] = {
            f.fields["arn"] for f in parsed.fragments
            if f.table == "aws_iam_policy" and f.fields.get("attachment_count") == 0}
        return parsed

    return Format(fmt.name, fmt.detect, parse)


# The IAM listings that --path-prefix cuts, with the table each lists and what it calls its rows.
PATH_FILTERED = {"iam:list-users": ("aws_iam_user", "user", "users"), "iam:list-roles": ("aws_iam_role", "role", "roles"),
                 "iam:list-groups": ("aws_iam_group", "group", "groups"),
                 "iam:list-policies": ("aws_iam_policy", "policy", "policies"),
                 "iam:list-instance-profiles": ("aws_iam_instance_profile", "instance profile", "instance profiles"),
                 "iam:list-server-certificates": ("aws_iam_server_certificate", "server certificate",
                                                  "server certificates")}


def filters_left_no_trace(parsed: Parsed, path: Path) -> None:
    """What a listing's rows show of the filters its output does not name. ``list-policies --only-attached`` is
    proven when AWS managed policies are listed and none is unattached (the whole list holds hundreds attached to
    nothing): the table is partial. Other filters are not proven by the rows, so they only warn, from two rows on
    (one row tells nothing): customer managed policies all attached (``--scope Local --only-attached``, or an
    account that attaches them all), and rows whose paths all lie under one path other than ``/``
    (``--path-prefix``, or an account that keeps them there), and virtual MFA devices all unassigned
    (``--assignment-status Unassigned``, which leaves out the root user's device). An output with no AWS managed
    policy (``--scope Local``) holds the customer managed ones whole; the table then has no AWS managed row."""
    fmt = parsed.format.removeprefix("placebo:")
    if fmt == "iam:list-virtual-mfa-devices" and "aws_iam_virtual_mfa_device" not in parsed.partial:
        devices = [f.fields for f in parsed.fragments if f.table == "aws_iam_virtual_mfa_device"]
        if len(devices) > 1 and all(device.get("assignment_status") == "Unassigned" for device in devices):
            parsed.warnings.append(f"{path}: every virtual MFA device list-virtual-mfa-devices lists is unassigned: if "
                                   "it was saved with --assignment-status Unassigned, the devices assigned to users "
                                   "and to the root user are missing; load the listing without it")
        return
    if fmt not in PATH_FILTERED or PATH_FILTERED[fmt][0] in parsed.partial:
        return
    table, kind, kinds = PATH_FILTERED[fmt]
    rows = [f.fields for f in parsed.fragments if f.table == table]
    counts = [row.get("attachment_count") for row in rows]
    if rows and all(isinstance(count, int) and count > 0 for count in counts):
        if any(row.get("is_aws_managed") for row in rows):
            parsed.partial[table] = ("list-policies lists AWS managed policies and no unattached one: a "
                                     "--only-attached output, which leaves out the policies attached to nothing")
            return
        if len(rows) > 1:
            parsed.warnings.append(f"{path}: every policy list-policies lists is attached: if it was saved with "
                                   "--only-attached, the policies attached to nothing are missing; load "
                                   "list-policies without it")
    paths = [row.get("path") for row in rows]
    if len(rows) > 1 and all(isinstance(p, str) and p.startswith("/") for p in paths):
        shared = os.path.commonprefix(paths)
        shared = shared[:shared.rfind("/") + 1]
        if shared != "/":
            parsed.warnings.append(f"{path}: every {kind} {fmt.removeprefix('iam:')} lists has a path under {shared}: "
                                   f"if it was saved with --path-prefix {shared}, the other {kinds} "
                                   "are missing; load the listing without it")


def _inline_policy_output(doc: dict) -> bool:
    return "PolicyName" in doc and "PolicyDocument" in doc and any(k in doc for k in OWNER_KEYS)


FORMATS: list[Format] = [
    Format("iam:get-account-authorization-details",
           lambda d: any(k in d for k in ("UserDetailList", "GroupDetailList", "RoleDetailList")), parse_gaad),
    Format("iam:get-group", lambda d: isinstance(d.get("Group"), dict) and "Users" in d, parse_get_group),
    _listing("iam:list-users", "aws_iam_user", "Users", user_fragment),
    _single("iam:get-user", "User", lambda user: user_fragment(user, boundary_told=True)),
    _listing("iam:list-roles", "aws_iam_role", "Roles", role_fragments),
    _single("iam:get-role", "Role", role_fragments),
    _listing("iam:list-groups", "aws_iam_group", "Groups", group_fragment),
    _counting_holders(_listing("iam:list-policies", "aws_iam_policy", "Policies", policy_fragment)),
    _counting_holders(_single("iam:get-policy", "Policy", policy_fragment)),
    Format("iam:list-access-keys", lambda d: isinstance(d.get("AccessKeyMetadata"), list), parse_access_keys),
    Format("iam:get-access-key-last-used", lambda d: isinstance(d.get("AccessKeyLastUsed"), dict), parse_access_key_last_used),
    Format("iam:list-mfa-devices", lambda d: isinstance(d.get("MFADevices"), list), parse_mfa_devices),
    _listing("iam:list-virtual-mfa-devices", "aws_iam_virtual_mfa_device", "VirtualMFADevices", virtual_mfa_fragment),
    Format("iam:get-login-profile", lambda d: isinstance(d.get("LoginProfile"), dict), parse_login_profile),
    Format("iam:get-login-profile (NoSuchEntity)", _no_such_entity_of, parse_no_login_profile),
    Format("iam:get-account-password-policy", lambda d: isinstance(d.get("PasswordPolicy"), dict), parse_password_policy),
    Format("iam:get-account-summary", lambda d: isinstance(d.get("SummaryMap"), dict), parse_account_summary),
    _listing("iam:list-saml-providers", "aws_iam_saml_provider", "SAMLProviderList", saml_fragment),
    Format("iam:get-saml-provider", lambda d: "SAMLMetadataDocument" in d, parse_get_saml_provider),
    _listing("iam:list-open-id-connect-providers", "aws_iam_open_id_connect_provider", "OpenIDConnectProviderList", oidc_fragment),
    Format("iam:get-open-id-connect-provider", lambda d: "Url" in d and "ThumbprintList" in d, parse_get_oidc_provider),
    _listing("iam:list-instance-profiles", "aws_iam_instance_profile", "InstanceProfiles", instance_profile_fragment),
    _single("iam:get-instance-profile", "InstanceProfile", instance_profile_fragment),
    Format("iam:list-account-aliases", lambda d: isinstance(d.get("AccountAliases"), list), parse_account_aliases),
    _listing("iam:list-server-certificates", "aws_iam_server_certificate", "ServerCertificateMetadataList",
             server_certificate_fragment),
    Format("iam:get-server-certificate", lambda d: isinstance(d.get("ServerCertificate"), dict),
           parse_get_server_certificate),
    Format("iam:list-service-specific-credentials", lambda d: isinstance(d.get("ServiceSpecificCredentials"), list),
           parse_service_credentials),
    Format("iam:list-signing-certificates", lambda d: isinstance(d.get("Certificates"), list) and all(
        isinstance(c, dict) and "CertificateId" in c for c in d["Certificates"]),
        _unplaceable("list-signing-certificates", "is not loaded: no table holds signing certificates (the "
                                                  "credential report's cert_1_* / cert_2_* columns say whether each "
                                                  "user has active ones)")),
    Format("iam:list-ssh-public-keys", lambda d: isinstance(d.get("SSHPublicKeys"), list),
           _unplaceable("list-ssh-public-keys", "is not loaded: no table holds SSH public keys")),
    Format("iam:get-context-keys-for-principal-policy", lambda d: isinstance(d.get("ContextKeyNames"), list),
           _unplaceable("get-context-keys-for-principal-policy / get-context-keys-for-custom-policy",
                        "is not loaded: it lists the condition keys policies name, without the policies; the policy "
                        f"engine reads the documents themselves; {GAAD_INSTEAD}")),
    Format("iam:list-policies-granting-service-access",
           lambda d: isinstance(d.get("PoliciesGrantingServiceAccess"), list),
           _unplaceable("list-policies-granting-service-access",
                        "is not loaded: it names the policies that grant one user, group or role a service, without "
                        f"their documents, whose grants the policy engine decides; {GAAD_INSTEAD}")),
    Format("iam:simulate-principal-policy", lambda d: isinstance(d.get("EvaluationResults"), list),
           _unplaceable("simulate-principal-policy / simulate-custom-policy",
                        "is not loaded: it holds IAM's policy simulator answers to the requests asked, which no table "
                        "holds (Steampipe's aws_iam_policy_simulator asks the simulator at query time); iamsql "
                        "simulate answers from the loaded policies")),
    Format("iam:get-service-last-accessed-details-with-entities",
           lambda d: isinstance(d.get("EntityDetailsList"), list) and "JobStatus" in d,
           _unplaceable("get-service-last-accessed-details-with-entities",
                        "is not loaded: it lists the entities that used one service, which aws_iam_access_advisor (each "
                        "principal's services) does not hold; load get-service-last-accessed-details of each principal")),
    Format("iam:list-attached-policies", lambda d: isinstance(d.get("AttachedPolicies"), list),
           _one_owners_policies),
    Format("iam:list-inline-policy-names", lambda d: isinstance(d.get("PolicyNames"), list),
           _unplaceable("list-user-policies / list-group-policies / list-role-policies",
                        f"gives policy names without their owner or documents; {GAAD_INSTEAD}")),
    Format("iam:get-inline-policy", _inline_policy_output,
           _unplaceable("get-user-policy / get-group-policy / get-role-policy",
                        "holds one inline policy, not the owner's complete set that the policy engine needs; "
                        f"{GAAD_INSTEAD}")),
    Format("iam:get-policy-version", lambda d: isinstance(d.get("PolicyVersion"), dict), parse_policy_version),
    Format("iam:list-policy-versions", lambda d: isinstance(d.get("Versions"), list) and all(
        isinstance(v, dict) and "VersionId" in v and "IsDefaultVersion" in v for v in d["Versions"]),
        _unplaceable("list-policy-versions", f"names no policy, so it cannot be attributed; {GAAD_INSTEAD}")),
    Format("iam:list-entities-for-policy",
           lambda d: any(isinstance(d.get(k), list) for k in ("PolicyGroups", "PolicyUsers", "PolicyRoles")),
           parse_entities_for_policy),
    Format("iam:list-tags", lambda d: isinstance(d.get("Tags"), list) and set(d) <= {
        "Tags", "IsTruncated", "Marker", "UserName", "RoleName", "PolicyArn", *TAGGED_BY_NAME, "SerialNumber"},
        parse_tags),
    Format("sts:get-caller-identity", lambda d: set(d) == {"UserId", "Account", "Arn"}, parse_caller_identity),
]


"""AWS KMS keys and the account's alternate contacts, from the AWS CLI's outputs (``--output json``) and boto3's:
``kms list-keys``, ``describe-key``, ``get-key-policy``, ``get-key-rotation-status``, ``list-aliases`` and
``list-resource-tags`` as the Steampipe table ``aws_kms_key``; ``account get-alternate-contact`` as
``aws_account_alternate_contact``.

``list-keys`` covers the key table for the account, even when empty; the other KMS outputs add to one key's row.
``get-key-policy`` and ``list-resource-tags`` name no key: they are placed by an added ``KeyId`` (the key's ARN,
which ``iamsql collect`` writes), as is an older ``get-key-rotation-status`` output without AWS's own ``KeyId``.
``list-aliases`` lists a region's aliases: each key of the region gets the aliases that target it (``[]`` when
none does), and its ``title`` is its first alias, else its id, as Steampipe's; an alias makes no row of a key that no
other output names.

``key_rotation_enabled`` is what ``get-key-rotation-status`` says, for the keys whose material AWS rotates: AWS
managed keys are always true (AWS rotates them every year and says their status is always true, so ``describe-key``
alone gives it), keys that cannot rotate automatically (asymmetric, HMAC, imported material, a custom key store:
AWS KMS Developer Guide, "Rotate AWS KMS keys") are NULL, not false, and so is a customer managed key whose
status is not loaded.

``get-alternate-contact`` answers for one contact type, which it names; when the account has no contact of that type
AWS answers ``ResourceNotFoundException``, which ``iamsql collect`` keeps with the type it asked for
(``{"AlternateContactType": "SECURITY", "Error": {...}}``): no row, but that type is known. The table is whole once
the three types (BILLING, OPERATIONS, SECURITY) are loaded; before that only the types loaded are (a control
reading one type's row runs when that type is loaded). The output names no account: the file's account is used
(manifest, ``--account-id``, folder).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from iamsql.common.arns import arn_account, arn_parts
from iamsql.load.formats.base import Format, Fragment, Parsed, json_time, says_truncated, when
from iamsql.load.normalize import resource_policy_fields

KEY = "aws_kms_key"
CONTACT = "aws_account_alternate_contact"
CONTACT_TYPES = frozenset({"BILLING", "OPERATIONS", "SECURITY"})
# A KMS key table row that is not a key: a region whose aliases are listed (list-aliases), read by ``derive``
ALIASES_LISTED = "aliases-listed"
NO_CONTACT = "ResourceNotFoundException"  # GetAlternateContact's answer for a contact type the account has not set


def rotation_supported(key: dict) -> bool:
    """Whether AWS KMS can rotate a key's material automatically (``describe-key``'s ``KeyMetadata``): a symmetric
    encryption key whose material AWS KMS made, outside a custom key store."""
    return (key.get("KeySpec", key.get("CustomerMasterKeySpec")) == "SYMMETRIC_DEFAULT"
            and key.get("Origin") == "AWS_KMS" and not key.get("CustomKeyStoreId"))


def _key_columns(arn: Any) -> dict[str, Any] | None:
    """Steampipe's columns a key's ARN gives (``arn:<partition>:kms:<region>:<account>:key/<id>``), or None."""
    parts = arn_parts(arn)
    if not parts or parts["service"] != "kms" or not parts["resource"].startswith("key/"):
        return None
    key_id = parts["resource"].removeprefix("key/")
    return {"id": key_id, "arn": arn, "akas": [arn], "partition": parts["partition"], "region": parts["region"]}


def _key(arn: Any, fields: dict[str, Any], *, about_key: bool = True) -> Fragment:
    """A fragment of the key ``arn``; ``about_key`` false for an alias, which alone makes no row of its key."""
    columns = _key_columns(arn)
    if columns is None:
        raise ValueError(f"{arn!r} is not a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<id>)")
    return Fragment(KEY, (arn,), {**columns, **fields, "__key_output": about_key or None}, arn_account(arn))


def _added_key(doc: dict, command: str, path: Path, fields: dict[str, Any], parsed: Parsed) -> Parsed:
    """The fragment of an output that names no key, placed by its ``KeyId`` (a key ARN)."""
    if _key_columns(doc.get("KeyId")) is None:
        parsed.warnings.append(f"{path}: kms {command} output names no key (add KeyId, the key's ARN); not loaded")
        return parsed
    parsed.fragments.append(_key(doc["KeyId"], fields))
    return parsed


def parse_list_keys(doc: dict, path: Path) -> Parsed:
    return Parsed("kms:list-keys", covers={KEY}, fragments=[_key(k.get("KeyArn"), {}) for k in doc["Keys"]])


def parse_describe_key(doc: dict, path: Path) -> Parsed:
    key = doc["KeyMetadata"]
    manager = key.get("KeyManager")
    fields = {
        "key_manager": manager,
        "creation_date": when(key.get("CreationDate")),
        "aws_account_id": key.get("AWSAccountId"),
        "enabled": key.get("Enabled"),
        "customer_master_key_spec": key.get("CustomerMasterKeySpec") or key.get("KeySpec"),
        "description": key.get("Description"),
        "deletion_date": when(key.get("DeletionDate")),
        "key_state": key.get("KeyState"),
        "key_usage": key.get("KeyUsage"),
        "origin": key.get("Origin"),
        "valid_to": when(key.get("ValidTo")),
        "multi_region": key.get("MultiRegion"),
        "multi_region_configuration": key.get("MultiRegionConfiguration"),
        # AWS managed keys rotate every year; their status is always true (GetKeyRotationStatus)
        "key_rotation_enabled": True if manager == "AWS" else None,
        "__rotation_unsupported": not rotation_supported(key) or None,
    }
    return Parsed("kms:describe-key", fragments=[_key(key.get("Arn"), fields)])


def parse_get_key_policy(doc: dict, path: Path) -> Parsed:
    return _added_key(doc, "get-key-policy", path, resource_policy_fields(doc["Policy"]), Parsed("kms:get-key-policy"))


def parse_key_rotation_status(doc: dict, path: Path) -> Parsed:
    enabled = doc["KeyRotationEnabled"]
    if not isinstance(enabled, bool):
        raise ValueError("KeyRotationEnabled is not true or false")
    return _added_key(doc, "get-key-rotation-status", path, {"key_rotation_enabled": enabled},
                      Parsed("kms:get-key-rotation-status"))


def parse_list_resource_tags(doc: dict, path: Path) -> Parsed:
    tags = doc["Tags"]
    return _added_key(doc, "list-resource-tags", path,
                      {"tags_src": tags, "tags": {t["TagKey"]: t.get("TagValue") for t in tags}},
                      Parsed("kms:list-resource-tags"))


def _alias_entry(alias: dict) -> dict:
    """An alias as Steampipe's ``aliases`` holds it (the AWS SDK for Go's AliasListEntry)."""
    return {"AliasArn": alias.get("AliasArn"), "AliasName": alias.get("AliasName"),
            "CreationDate": json_time(alias.get("CreationDate")),
            "LastUpdatedDate": json_time(alias.get("LastUpdatedDate")), "TargetKeyId": alias.get("TargetKeyId")}


def parse_list_aliases(doc: dict, path: Path) -> Parsed:
    """The aliases of each key they target, and a marker row per region listed: its other keys have none. A page
    that says more follow (``Truncated``) makes no marker: the other keys' aliases may be on a later page."""
    parsed = Parsed("kms:list-aliases")
    targets: dict[str, list[dict]] = {}
    regions: dict[tuple[str, str, str], None] = {}
    for alias in doc["Aliases"]:
        parts = arn_parts(alias.get("AliasArn"))
        if not parts or parts["service"] != "kms":
            raise ValueError(f"AliasArn {alias.get('AliasArn')!r} is not a KMS alias ARN")
        regions[(parts["partition"], parts["region"], parts["account_id"])] = None
        if alias.get("TargetKeyId"):  # an AWS managed alias whose key AWS has not made yet targets none
            key_arn = f"arn:{parts['partition']}:kms:{parts['region']}:{parts['account_id']}:key/{alias['TargetKeyId']}"
            targets.setdefault(key_arn, []).append(_alias_entry(alias))
    parsed.fragments.extend(_key(arn, {"aliases": aliases}, about_key=False) for arn, aliases in targets.items())
    if not says_truncated(doc):
        parsed.fragments.extend(Fragment(KEY, (ALIASES_LISTED, region), {"region": region, "partition": partition},
                                         account) for partition, region, account in regions)
    return parsed


def derive(account: str, tables: dict[str, dict[tuple, dict]]) -> None:
    """Keys' ``aliases`` (``[]`` in a region whose aliases are listed), ``title`` and the rotation status of keys that
    cannot rotate; the region markers of list-aliases and keys that only an alias names are dropped. Contacts'
    ``linked_account_id``."""
    keys = tables.get(KEY, {})
    listed = {key[1] for key in keys if key[0] == ALIASES_LISTED}
    for key in [k for k, row in keys.items() if k[0] == ALIASES_LISTED or not row.get("__key_output")]:
        del keys[key]  # a region marker, or a key only an alias names
    for row in keys.values():
        if "aliases" not in row and row.get("region") in listed:
            row["aliases"] = []
        aliases = row.get("aliases") or []
        row["title"] = aliases[0]["AliasName"] if aliases else row.get("id")
        if row.get("__rotation_unsupported"):
            row["key_rotation_enabled"] = None  # not applicable, not false
    for row in tables.get(CONTACT, {}).values():
        row["linked_account_id"] = account  # Steampipe's: the account asked about, here the caller's own


def parse_alternate_contact(doc: dict, path: Path) -> Parsed | str:
    """One contact type's answer: its row, or, for ResourceNotFoundException, that the account has none of it."""
    contact_type = (doc.get("AlternateContact") or {}).get("AlternateContactType") or doc.get("AlternateContactType")
    if contact_type not in CONTACT_TYPES:
        raise ValueError(f"AlternateContactType {contact_type!r} is not one of {', '.join(sorted(CONTACT_TYPES))}")
    parsed = Parsed("account:get-alternate-contact", partial={CONTACT: f"only the {contact_type} contact is loaded"},
                    listed_for={CONTACT: {contact_type}})
    if "Error" in doc:
        code = doc["Error"].get("Code")
        if code != NO_CONTACT:
            return f"recorded error response {code}"
        parsed.format = f"account:get-alternate-contact ({NO_CONTACT})"
        return parsed
    contact = doc["AlternateContact"]
    parsed.fragments.append(Fragment(CONTACT, (contact_type,), {
        "name": contact.get("Name"),
        "contact_type": contact_type,
        "email_address": contact.get("EmailAddress"),
        "phone_number": contact.get("PhoneNumber"),
        "contact_title": contact.get("Title"),
        "title": contact.get("Name"),
        "region": "global",
    }))
    return parsed


def _names_key(doc: dict) -> bool:
    return _key_columns(doc.get("KeyId")) is not None


FORMATS: list[Format] = [
    Format("kms:list-grants", lambda d: isinstance(d.get("Grants"), list)
           and all(isinstance(g, dict) and "GrantId" in g for g in d["Grants"]),
           lambda doc, path: ("kms list-grants output is not loaded: no table holds KMS grants, and the policy engine "
                              "decides a key's access from its key policy and IAM policies, without grants")),
    Format("kms:list-keys", lambda d: isinstance(d.get("Keys"), list)
           and all(isinstance(k, dict) and "KeyArn" in k and "KeyId" in k for k in d["Keys"]), parse_list_keys),
    Format("kms:describe-key", lambda d: isinstance(d.get("KeyMetadata"), dict) and "Arn" in d["KeyMetadata"],
           parse_describe_key),
    Format("kms:get-key-policy", lambda d: isinstance(d.get("Policy"), str) and ("PolicyName" in d or _names_key(d)),
           parse_get_key_policy),
    Format("kms:get-key-rotation-status", lambda d: "KeyRotationEnabled" in d, parse_key_rotation_status),
    Format("kms:list-resource-tags", lambda d: isinstance(d.get("Tags"), list) and (
        "Truncated" in d or _names_key(d)) and all(isinstance(t, dict) and "TagKey" in t for t in d["Tags"]),
           parse_list_resource_tags),
    Format("kms:list-aliases", lambda d: isinstance(d.get("Aliases"), list)
           and all(isinstance(a, dict) and "AliasName" in a for a in d["Aliases"]), parse_list_aliases),
    Format("account:get-alternate-contact", lambda d: isinstance(d.get("AlternateContact"), dict) or (
        isinstance(d.get("AlternateContactType"), str) and isinstance(d.get("Error"), dict)), parse_alternate_contact),
]

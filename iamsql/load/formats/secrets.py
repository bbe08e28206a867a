"""AWS Secrets Manager secrets, from the AWS CLI's outputs (``--output json``) and boto3's: ``secretsmanager
list-secrets``, ``describe-secret`` and ``get-resource-policy`` as the Steampipe table ``aws_secretsmanager_secret``
(Steampipe reads ListSecrets, DescribeSecret and GetResourcePolicy too).

``list-secrets`` lists one region's secrets (the region their ARNs name) and covers the table for the account, even
when empty; without ``--include-planned-deletion`` it leaves out the secrets scheduled for deletion, as Steampipe's
listing does. ``describe-secret`` and ``get-resource-policy`` describe one secret, which they name by ARN: loaded
without the listing, the table is partial. ``get-resource-policy`` of a secret without a resource policy answers its
``ARN`` and ``Name`` alone: ``policy`` and ``policy_std`` stay NULL, as Steampipe shows such a secret. The snapshot's
``sources`` entry of a readable answer names its secret (``resource_policy_of``): a NULL ``policy`` is then known to
be none, which the policy engine tells apart from a policy that was not loaded (``loaded_resource_policy``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from iamsql.common.arns import arn_account, arn_parts
from iamsql.load.formats.base import Format, Fragment, Parsed, Unreadable, when
from iamsql.load.normalize import go_struct, resource_policy_fields, tags_map

SECRET = "aws_secretsmanager_secret"
# The AWS SDK for Go's structs Steampipe prints in its JSON columns (members AWS leaves out are null)
ROTATION_RULES = {"AutomaticallyAfterDays": None, "Duration": None, "ScheduleExpression": None}
REPLICATION_STATUS = {"KmsKeyId": None, "LastAccessedDate": None, "Region": None, "Status": "", "StatusMessage": None}


def _is_secret_arn(value: Any) -> bool:
    parts = arn_parts(value) if isinstance(value, str) else None
    return bool(parts) and parts["service"] == "secretsmanager"


def _regional(arn: str) -> dict[str, Any]:
    parts = arn_parts(arn) or {}
    return {"arn": arn, "akas": [arn], "partition": parts.get("partition"), "region": parts.get("region")}


def secret_fragment(s: dict) -> Fragment:
    """One secret from a ListSecrets entry or a DescribeSecret answer (``VersionIdsToStages`` there, as
    ``SecretVersionsToStages`` here)."""
    arn = s["ARN"]
    replication = s.get("ReplicationStatus")
    fields = {
        "name": s.get("Name"),
        "created_date": when(s.get("CreatedDate")),
        "description": s.get("Description"),
        "kms_key_id": s.get("KmsKeyId"),
        "deleted_date": when(s.get("DeletedDate")),
        "last_accessed_date": when(s.get("LastAccessedDate")),
        "last_changed_date": when(s.get("LastChangedDate")),
        "last_rotated_date": when(s.get("LastRotatedDate")),
        "owning_service": s.get("OwningService"),
        "primary_region": s.get("PrimaryRegion"),
        "replication_status": [go_struct(r, REPLICATION_STATUS) for r in replication]
        if isinstance(replication, list) else None,
        "rotation_enabled": s.get("RotationEnabled"),
        "rotation_lambda_arn": s.get("RotationLambdaARN"),
        "rotation_rules": go_struct(s.get("RotationRules"), ROTATION_RULES),
        "secret_versions_to_stages": s.get("SecretVersionsToStages", s.get("VersionIdsToStages")),
        "tags_src": s.get("Tags"),
        "tags": tags_map(s.get("Tags")),
        "title": s.get("Name"),
        **_regional(arn),
    }
    return Fragment(SECRET, (arn,), fields, arn_account(arn))


def parse_list_secrets(doc: dict, path: Path) -> Parsed:
    return Parsed("secretsmanager:list-secrets", covers={SECRET},
                  fragments=[secret_fragment(s) for s in doc["SecretList"]])


def parse_describe_secret(doc: dict, path: Path) -> Parsed:
    return Parsed("secretsmanager:describe-secret", fragments=[secret_fragment(doc)])


def parse_get_resource_policy(doc: dict, path: Path) -> Parsed:
    """The secret's resource-based policy; none when the answer has no ``ResourcePolicy``."""
    arn = doc["ARN"]
    fields: dict[str, Any] = {}
    read = {"resource_policy_of": arn}  # the policy (or that there is none) is known
    if doc.get("ResourcePolicy") is not None:
        try:
            fields = resource_policy_fields(doc["ResourcePolicy"])
        except ValueError as exc:
            fields, read = {"policy": Unreadable(f"ResourcePolicy: {exc}")}, {}
    return Parsed("secretsmanager:get-resource-policy", extra=read,
                  fragments=[Fragment(SECRET, (arn,), {"name": doc.get("Name"), "title": doc.get("Name"),
                                                       **fields, **_regional(arn)}, arn_account(arn))])


def _list_secrets(doc: dict) -> bool:
    items = doc.get("SecretList")
    return isinstance(items, list) and all(isinstance(s, dict) and _is_secret_arn(s.get("ARN")) for s in items)


def _resource_policy(doc: dict) -> bool:
    """GetResourcePolicy's answer: the secret's ARN and name, and its policy when it has one."""
    return (_is_secret_arn(doc.get("ARN")) and set(doc) <= {"ARN", "Name", "ResourcePolicy"}
            and (doc.get("ResourcePolicy") is None or isinstance(doc["ResourcePolicy"], str)))


def _describe_secret(doc: dict) -> bool:
    return _is_secret_arn(doc.get("ARN")) and "Name" in doc and not _resource_policy(doc)


FORMATS: list[Format] = [
    Format("secretsmanager:list-secrets", _list_secrets, parse_list_secrets),
    Format("secretsmanager:get-resource-policy", _resource_policy, parse_get_resource_policy),
    Format("secretsmanager:describe-secret", _describe_secret, parse_describe_secret),
]

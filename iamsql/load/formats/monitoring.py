"""What watches an account, from the AWS CLI's outputs (``--output json``): CloudWatch Logs metric filters
(``logs describe-metric-filters``), CloudWatch alarms (``cloudwatch describe-alarms``, each alarm's
``list-tags-for-resource``), SNS subscriptions (``sns list-subscriptions``, each confirmed one's
``get-subscription-attributes``), S3 buckets (``s3api list-buckets`` and the
per-bucket ``get-bucket-location``, ``-policy``, ``-policy-status``, ``-logging``, ``-versioning``,
``-encryption``, ``-acl``, ``-tagging``, ``-lifecycle-configuration``, ``-replication``,
``-notification-configuration``, ``get-public-access-block`` and ``get-object-lock-configuration``), the account's
S3 Block Public Access (``s3control get-public-access-block``) and the account's regions (``ec2 describe-regions
--all-regions``), as the Steampipe tables ``aws_cloudwatch_log_metric_filter``, ``aws_cloudwatch_alarm``,
``aws_sns_topic_subscription``, ``aws_s3_bucket``, ``aws_s3_account_settings`` and ``aws_region``.

Outputs that do not name what they are about take it from an added top-level key, as ``iamsql collect`` writes
them: ``Region`` for describe-metric-filters (else a path folder named like a region, ``.../eu-west-1/...``),
``ResourceARN`` for an alarm's list-tags-for-resource,
``Bucket`` for the per-bucket S3 outputs (else a file named after the bucket, ``get-bucket-policy/<bucket>.json``).
Two S3 answers are empty when a feature is off, so ``iamsql collect`` writes them with the key AWS leaves out:
``{"Bucket": ..., "LoggingEnabled": null}`` (no server access logging) and ``{"Bucket": ..., "Status": null}``
(versioning never enabled). S3 errors that state a fact (``NoSuchPublicAccessBlockConfiguration``,
``NoSuchBucketPolicy``, ``ServerSideEncryptionConfigurationNotFoundError``, ``NoSuchTagSet``,
``NoSuchLifecycleConfiguration``, ``ReplicationConfigurationNotFoundError``,
``ObjectLockConfigurationNotFoundError``) saved with their ``Bucket`` fill the columns they answer; the last three
leave their column NULL, as Steampipe shows a bucket without that configuration. The snapshot's ``sources`` entry of
a readable ``get-bucket-policy`` answer, or of ``NoSuchBucketPolicy``, names the bucket (``resource_policy_of``): a
NULL ``policy`` is then known to be none.

``s3control get-public-access-block`` answers the same ``PublicAccessBlockConfiguration`` as ``s3api
get-public-access-block``: it is the account's when it has the ``AccountId`` that ``iamsql collect`` adds, or a
folder or file named after ``s3control`` holds it, else a bucket's. ``NoSuchPublicAccessBlockConfiguration`` saved
with the ``AccountId`` is the account's row with all four settings false, as Steampipe gives it.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from iamsql.common.arns import arn_account, arn_parts
from iamsql.common.policy_text import policy_json_value
from iamsql.load.formats.base import Format, Fragment, Parsed, Unreadable, output_region, when
from iamsql.load.formats.filter_pattern import alternatives
from iamsql.load.normalize import policy_std, tags_map

METRIC_FILTER = "aws_cloudwatch_log_metric_filter"
ALARM = "aws_cloudwatch_alarm"
SUBSCRIPTION = "aws_sns_topic_subscription"
BUCKET = "aws_s3_bucket"
ACCOUNT_SETTINGS = "aws_s3_account_settings"
ACCOUNT_SETTINGS_TITLE = "S3 Account Level Block Public Access Settings"  # Steampipe's title of the one row
NO_PUBLIC_ACCESS_BLOCK = "NoSuchPublicAccessBlockConfiguration"  # s3api's and s3control's answer for none
REGION = "aws_region"
JSON_SUFFIXES = (".json.gz", ".json")
PENDING = "PendingConfirmation"  # list-subscriptions' SubscriptionArn of a subscription not yet confirmed


def _arn_columns(arn: str | None) -> dict[str, Any]:
    parts = arn_parts(arn)
    columns: dict[str, Any] = {}
    if parts:
        columns.update({"partition": parts["partition"], "region": parts["region"] or None})
    if arn:
        columns["akas"] = [arn]
    return columns


# ---- CloudWatch Logs, CloudWatch, SNS ------------------------------------------------------------------------------


def _epoch_ms(value: Any) -> str | Unreadable | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.fromtimestamp(value / 1000, timezone.utc).isoformat()
    return when(value)


def parse_metric_filters(doc: dict, path: Path) -> Parsed:
    region = output_region(doc, path)
    parsed = Parsed("logs:describe-metric-filters", covers={METRIC_FILTER})
    if region is None and doc["metricFilters"]:
        parsed.warnings.append(f"{path}: describe-metric-filters output names no region (add Region); "
                               "the filters cannot be matched to a trail's log group")
    for f in doc["metricFilters"]:
        transformation = (f.get("metricTransformations") or [{}])[0]
        pattern = f.get("filterPattern")
        parsed.fragments.append(Fragment(METRIC_FILTER, (region, f.get("logGroupName"), f.get("filterName")), {
            "name": f.get("filterName"),
            "title": f.get("filterName"),
            "log_group_name": f.get("logGroupName"),
            "creation_time": _epoch_ms(f.get("creationTime")),
            "filter_pattern": pattern,
            "filter_pattern_alternatives": alternatives(pattern),
            "metric_transformation_name": transformation.get("metricName"),
            "metric_transformation_namespace": transformation.get("metricNamespace"),
            "metric_transformation_value": transformation.get("metricValue"),
            "region": region,
        }))
    return parsed


def _alarm_fragment(a: dict) -> Fragment:
    arn = a.get("AlarmArn")
    fields = {
        "name": a.get("AlarmName"),
        "title": a.get("AlarmName"),
        "arn": arn,
        "state_value": a.get("StateValue"),
        "actions_enabled": a.get("ActionsEnabled"),
        "alarm_actions": a.get("AlarmActions"),
        "alarm_configuration_updated_timestamp": when(a.get("AlarmConfigurationUpdatedTimestamp")),
        "alarm_description": a.get("AlarmDescription"),
        "comparison_operator": a.get("ComparisonOperator"),
        "datapoints_to_alarm": a.get("DatapointsToAlarm"),
        "dimensions": a.get("Dimensions"),
        "evaluate_low_sample_count_percentile": a.get("EvaluateLowSampleCountPercentile"),
        "evaluation_periods": a.get("EvaluationPeriods"),
        "extended_statistic": a.get("ExtendedStatistic"),
        "insufficient_data_actions": a.get("InsufficientDataActions"),
        "metric_name": a.get("MetricName"),
        "metrics": a.get("Metrics"),
        "namespace": a.get("Namespace"),
        "ok_actions": a.get("OKActions"),
        "period": a.get("Period"),
        "state_reason": a.get("StateReason"),
        "state_reason_data": a.get("StateReasonData"),
        "state_updated_timestamp": when(a.get("StateUpdatedTimestamp")),
        "statistic": a.get("Statistic"),
        "threshold": a.get("Threshold"),
        "threshold_metric_id": a.get("ThresholdMetricId"),
        "treat_missing_data": a.get("TreatMissingData"),
        "unit": a.get("Unit"),
        **_arn_columns(arn),
    }
    return Fragment(ALARM, (arn,), fields, arn_account(arn))


def parse_alarms(doc: dict, path: Path) -> Parsed:
    # Composite alarms watch other alarms, not a metric: they are not rows of Steampipe's aws_cloudwatch_alarm.
    return Parsed("cloudwatch:describe-alarms", covers={ALARM},
                  fragments=[_alarm_fragment(a) for a in doc["MetricAlarms"]])


def _alarm_tags_output(doc: dict) -> bool:
    """cloudwatch list-tags-for-resource of an alarm: ``Tags`` with the alarm's ARN as ``ResourceARN``, the key
    ``iamsql collect`` adds (AWS's answer names no resource)."""
    parts = arn_parts(doc.get("ResourceARN")) or {}
    return (isinstance(doc.get("Tags"), list) and parts.get("service") == "cloudwatch"
            and parts["resource"].startswith("alarm:"))


def parse_alarm_tags(doc: dict, path: Path) -> Parsed:
    """Steampipe's alarm tags come from ListTagsForResource: tags_src the list as AWS gives it ([] for none), tags
    the map, NULL for none."""
    arn, tags = doc["ResourceARN"], doc["Tags"]
    return Parsed("cloudwatch:list-tags-for-resource", fragments=[
        Fragment(ALARM, (arn,), {"arn": arn, "tags_src": tags, "tags": tags_map(tags) or None}, arn_account(arn))])


def _subscription_fragment(s: dict) -> Fragment:
    arn, topic = s.get("SubscriptionArn"), s.get("TopicArn")
    pending = arn == PENDING
    fields = {
        "subscription_arn": arn,
        "topic_arn": topic,
        "owner": s.get("Owner"),
        "protocol": s.get("Protocol"),
        "endpoint": s.get("Endpoint"),
        "pending_confirmation": pending if arn else None,
        # Steampipe: title is what follows the ARN's last ':' (the subscription id; PendingConfirmation as is),
        # akas the ARN, [] while pending
        "title": arn.rsplit(":", 1)[-1] if arn else None,
        **_arn_columns(topic),
    }
    if arn:
        fields["akas"] = [] if pending else [arn]
    key = (topic, s.get("Protocol"), s.get("Endpoint")) if pending else (arn,)
    return Fragment(SUBSCRIPTION, key, fields, arn_account(topic))


def parse_subscriptions(doc: dict, path: Path) -> Parsed:
    return Parsed("sns:list-subscriptions", covers={SUBSCRIPTION},
                  fragments=[_subscription_fragment(s) for s in doc["Subscriptions"]])


# GetSubscriptionAttributes' members that Steampipe's columns read: booleans and JSON documents, both as text.
SUBSCRIPTION_FLAGS = {"ConfirmationWasAuthenticated": "confirmation_was_authenticated",
                      "PendingConfirmation": "pending_confirmation", "RawMessageDelivery": "raw_message_delivery"}
SUBSCRIPTION_DOCUMENTS = {"DeliveryPolicy": "delivery_policy", "EffectiveDeliveryPolicy": "effective_delivery_policy",
                          "RedrivePolicy": "redrive_policy", "FilterPolicy": "filter_policy"}


def _subscription_document(text: Any, name: str, arn: str) -> Any:
    try:
        return json.loads(text) if isinstance(text, str) else text
    except ValueError as exc:
        return Unreadable(f"{name} of subscription {arn} is not JSON ({exc})")


def parse_subscription_attributes(doc: dict, path: Path) -> Parsed:
    """sns get-subscription-attributes: one confirmed subscription's row with the columns Steampipe reads from
    it (absent members stay NULL, as Steampipe's)."""
    attributes = doc["Attributes"]
    fragment = _subscription_fragment(attributes)
    for member, column in SUBSCRIPTION_FLAGS.items():
        if isinstance(attributes.get(member), str):
            fragment.fields[column] = attributes[member].lower() == "true"
    for member, column in SUBSCRIPTION_DOCUMENTS.items():
        if attributes.get(member) is not None:
            fragment.fields[column] = _subscription_document(attributes[member], member, attributes["SubscriptionArn"])
    return Parsed("sns:get-subscription-attributes", fragments=[fragment])


# ---- S3 -------------------------------------------------------------------------------------------------------------


def _bucket_name(doc: dict, path: Path) -> str:
    name = doc.get("Bucket")
    if not name:
        name = path.name
        for suffix in JSON_SUFFIXES:
            name = name.removesuffix(suffix)
    return name


def _bucket(name: str, fields: dict) -> Fragment:
    return Fragment(BUCKET, (name,), {"name": name, "title": name, **fields})


def bucket_arn(name: str, partition: str | None) -> str:
    """A bucket's ARN, as Steampipe's ``arn`` (it names no region or account)."""
    return f"arn:{partition or 'aws'}:s3:::{name}"



def parse_list_buckets(doc: dict, path: Path) -> Parsed:
    """The account's buckets; with ``--prefix`` (which the output repeats as ``Prefix``) only those whose names
    begin with it, part of the table."""
    parsed = Parsed("s3:list-buckets", covers={BUCKET})
    if isinstance(doc.get("Prefix"), str) and doc["Prefix"]:
        parsed.partial[BUCKET] = f"list-buckets --prefix {doc['Prefix']} lists only the buckets whose names begin with it"
    for b in doc["Buckets"]:
        fields = {"creation_date": when(b.get("CreationDate"))}
        if b.get("BucketRegion"):
            fields["region"] = b["BucketRegion"]
        parsed.fragments.append(_bucket(b["Name"], fields))
    return parsed


def bucket_region(location: str | None) -> str:
    """A bucket's region from GetBucketLocation's ``LocationConstraint``: AWS answers null for us-east-1 and the legacy
    "EU" for eu-west-1."""
    location = location or "us-east-1"
    return "eu-west-1" if location == "EU" else location


def parse_bucket_location(doc: dict, path: Path) -> Parsed:
    return Parsed("s3:get-bucket-location", fragments=[
        _bucket(_bucket_name(doc, path), {"region": bucket_region(doc.get("LocationConstraint"))})])


def _bucket_policy(text: Any, name: str) -> tuple[Any, Any]:
    try:
        document = policy_json_value(text)
    except ValueError as exc:
        unreadable = Unreadable(f"policy of bucket {name} is not JSON ({exc})")
        return unreadable, unreadable
    if not isinstance(document, dict):
        unreadable = Unreadable(f"policy of bucket {name} is not a JSON object")
        return unreadable, unreadable
    return document, policy_std(document)


def parse_bucket_policy(doc: dict, path: Path) -> Parsed:
    name = _bucket_name(doc, path)
    policy, std = _bucket_policy(doc["Policy"], name)
    # the bucket's policy is known (the policy engine reads it), unless it is unreadable
    read = {} if isinstance(policy, Unreadable) else {"resource_policy_of": name}
    return Parsed("s3:get-bucket-policy", extra=read,
                  fragments=[_bucket(name, {"policy": policy, "policy_std": std})])


def parse_policy_status(doc: dict, path: Path) -> Parsed:
    return Parsed("s3:get-bucket-policy-status", fragments=[
        _bucket(_bucket_name(doc, path), {"bucket_policy_is_public": doc["PolicyStatus"].get("IsPublic")})])


def parse_bucket_logging(doc: dict, path: Path) -> Parsed:
    logging = doc.get("LoggingEnabled")
    # Steampipe's logging column: the LoggingEnabled object, JSON null when logging is off (kept apart from NULL,
    # "not loaded", as an empty object so that SQL can tell them apart).
    return Parsed("s3:get-bucket-logging", fragments=[_bucket(_bucket_name(doc, path), {"logging": logging or {}})])


def parse_bucket_versioning(doc: dict, path: Path) -> Parsed:
    return Parsed("s3:get-bucket-versioning", fragments=[_bucket(_bucket_name(doc, path), {
        "versioning_enabled": doc.get("Status") == "Enabled",
        "versioning_mfa_delete": doc.get("MFADelete") == "Enabled"})])


def parse_bucket_encryption(doc: dict, path: Path) -> Parsed:
    return Parsed("s3:get-bucket-encryption", fragments=[_bucket(_bucket_name(doc, path), {
        "server_side_encryption_configuration": doc["ServerSideEncryptionConfiguration"]})])


def _public_access_block(config: dict) -> dict:
    return {"block_public_acls": bool(config.get("BlockPublicAcls")),
            "block_public_policy": bool(config.get("BlockPublicPolicy")),
            "ignore_public_acls": bool(config.get("IgnorePublicAcls")),
            "restrict_public_buckets": bool(config.get("RestrictPublicBuckets"))}


def parse_public_access_block(doc: dict, path: Path) -> Parsed:
    if _account_settings_output(doc, path):
        return _account_settings(doc, _public_access_block(doc["PublicAccessBlockConfiguration"]))
    return Parsed("s3:get-public-access-block", fragments=[
        _bucket(_bucket_name(doc, path), _public_access_block(doc["PublicAccessBlockConfiguration"]))])


def _account_settings_output(doc: dict, path: Path) -> bool:
    """An ``s3control get-public-access-block`` answer (the account's), not an ``s3api`` one (a bucket's): it has the
    ``AccountId`` collect adds, or no ``Bucket`` and a folder or file name that says s3control."""
    if isinstance(doc.get("AccountId"), str):
        return True
    return "Bucket" not in doc and any("s3control" in part.replace("-", "") for part in (path.name, *path.parent.parts))


def _account_settings(doc: dict, settings: dict) -> Parsed:
    """The account's one ``aws_s3_account_settings`` row (its ``akas`` need the partition: ``derive``)."""
    account = doc.get("AccountId") if isinstance(doc.get("AccountId"), str) else None
    return Parsed("s3control:get-public-access-block", covers={ACCOUNT_SETTINGS}, fragments=[
        Fragment(ACCOUNT_SETTINGS, ("account",), {**settings, "title": ACCOUNT_SETTINGS_TITLE, "region": "global"},
                 account)])


def parse_account_block_error(doc: dict, path: Path) -> Parsed:
    """s3control's NoSuchPublicAccessBlockConfiguration saved with its ``AccountId``: the account has none."""
    parsed = _account_settings(doc, _public_access_block({}))
    parsed.format = f"{parsed.format} ({NO_PUBLIC_ACCESS_BLOCK})"
    return parsed


def parse_bucket_acl(doc: dict, path: Path) -> Parsed:
    return Parsed("s3:get-bucket-acl", fragments=[
        _bucket(_bucket_name(doc, path), {"acl": {"Grants": doc["Grants"], "Owner": doc.get("Owner")}})])


def parse_bucket_lifecycle(doc: dict, path: Path) -> Parsed:
    return Parsed("s3:get-bucket-lifecycle-configuration", fragments=[
        _bucket(_bucket_name(doc, path), {"lifecycle_rules": doc["Rules"]})])


def parse_bucket_replication(doc: dict, path: Path) -> Parsed:
    return Parsed("s3:get-bucket-replication", fragments=[
        _bucket(_bucket_name(doc, path), {"replication": doc["ReplicationConfiguration"]})])


def parse_object_lock(doc: dict, path: Path) -> Parsed:
    return Parsed("s3:get-object-lock-configuration", fragments=[
        _bucket(_bucket_name(doc, path), {"object_lock_configuration": doc["ObjectLockConfiguration"]})])


# get-bucket-notification-configuration's members; Steampipe's column holds all four, null when not set
NOTIFICATION_KEYS = ("EventBridgeConfiguration", "LambdaFunctionConfigurations", "QueueConfigurations",
                     "TopicConfigurations")


def parse_bucket_notifications(doc: dict, path: Path) -> Parsed:
    return Parsed("s3:get-bucket-notification-configuration", fragments=[_bucket(_bucket_name(doc, path), {
        "event_notification_configuration": {key: doc.get(key) for key in NOTIFICATION_KEYS}})])


def parse_bucket_tagging(doc: dict, path: Path) -> Parsed:
    tags = doc["TagSet"]
    return Parsed("s3:get-bucket-tagging", fragments=[
        _bucket(_bucket_name(doc, path), {"tags_src": tags, "tags": tags_map(tags) or {}})])


# An error answer that states a fact about a bucket: the columns it answers.
BUCKET_FACTS = {
    "NoSuchPublicAccessBlockConfiguration": ("s3:get-public-access-block", _public_access_block({})),
    "NoSuchBucketPolicy": ("s3:get-bucket-policy", {"bucket_policy_is_public": False}),
    "ServerSideEncryptionConfigurationNotFoundError": ("s3:get-bucket-encryption", {}),
    "NoSuchTagSet": ("s3:get-bucket-tagging", {"tags_src": [], "tags": {}}),
    # no such configuration: Steampipe's column is NULL, which no fragment needs to set
    "NoSuchLifecycleConfiguration": ("s3:get-bucket-lifecycle-configuration", {}),
    "ReplicationConfigurationNotFoundError": ("s3:get-bucket-replication", {}),
    "ObjectLockConfigurationNotFoundError": ("s3:get-object-lock-configuration", {}),
}


def parse_bucket_error(doc: dict, path: Path) -> Parsed:
    fmt, fields = BUCKET_FACTS[doc["Error"]["Code"]]
    name = _bucket_name(doc, path)
    # NoSuchBucketPolicy: the bucket has no policy, which the policy engine tells apart from one not read
    read = {"resource_policy_of": name} if doc["Error"]["Code"] == "NoSuchBucketPolicy" else {}
    return Parsed(f"{fmt} ({doc['Error']['Code']})", extra=read, fragments=[_bucket(name, dict(fields))])


# ---- EC2 regions -----------------------------------------------------------------------------------------------------


def parse_regions(doc: dict, path: Path) -> Parsed:
    return Parsed("ec2:describe-regions", covers={REGION}, fragments=[
        Fragment(REGION, (r["RegionName"],), {"name": r["RegionName"], "title": r["RegionName"],
                                              "region": r["RegionName"], "opt_in_status": r.get("OptInStatus"),
                                              "steampipe_available": r.get("OptInStatus") != "not-opted-in"})
        for r in doc["Regions"]])


def _bucket_output(key: str, *optional: str):
    """A per-bucket S3 answer: ``key`` and nothing else but ``optional`` keys and the added ``Bucket``."""
    def detect(doc: dict) -> bool:
        return key in doc and set(doc) <= {"Bucket", key, *optional}

    return detect


def _lifecycle_output(doc: dict) -> bool:
    """get-bucket-lifecycle-configuration: rules with an Enabled/Disabled ``Status`` (EventBridge's list-rules
    also answers ``Rules``, whose rules have a ``State``); an empty list only with the added ``Bucket``."""
    rules = doc.get("Rules")
    return (_bucket_output("Rules", "TransitionDefaultMinimumObjectSize")(doc) and isinstance(rules, list)
            and bool(rules or "Bucket" in doc)
            and all(isinstance(r, dict) and r.get("Status") in ("Enabled", "Disabled") for r in rules))


FORMATS: list[Format] = [
    Format("logs:describe-metric-filters", lambda d: isinstance(d.get("metricFilters"), list), parse_metric_filters),
    Format("cloudwatch:describe-alarms", lambda d: isinstance(d.get("MetricAlarms"), list), parse_alarms),
    Format("sns:list-subscriptions",
           lambda d: isinstance(d.get("Subscriptions"), list)
           and all(isinstance(s, dict) and "TopicArn" in s for s in d["Subscriptions"]), parse_subscriptions),
    Format("sns:get-subscription-attributes",
           lambda d: isinstance(d.get("Attributes"), dict) and isinstance(d["Attributes"].get("SubscriptionArn"), str)
           and isinstance(d["Attributes"].get("TopicArn"), str), parse_subscription_attributes),
    Format("cloudwatch:list-tags-for-resource", _alarm_tags_output, parse_alarm_tags),
    Format("s3:list-buckets",
           lambda d: isinstance(d.get("Buckets"), list) and all(isinstance(b, dict) and "Name" in b for b in d["Buckets"]),
           parse_list_buckets),
    Format("s3:get-bucket-location", _bucket_output("LocationConstraint"), parse_bucket_location),
    Format("s3:get-bucket-policy", lambda d: isinstance(d.get("Policy"), str) and set(d) <= {"Bucket", "Policy"},
           parse_bucket_policy),
    Format("s3:get-bucket-policy-status", lambda d: isinstance(d.get("PolicyStatus"), dict), parse_policy_status),
    Format("s3:get-bucket-logging", _bucket_output("LoggingEnabled"), parse_bucket_logging),
    # versioning's answer names no bucket of its own: only read with the Bucket key iamsql collect adds
    Format("s3:get-bucket-versioning", lambda d: "Bucket" in d and _bucket_output("Status", "MFADelete")(d), parse_bucket_versioning),
    Format("s3:get-bucket-encryption", lambda d: isinstance(d.get("ServerSideEncryptionConfiguration"), dict),
           parse_bucket_encryption),
    Format("s3:get-public-access-block", lambda d: isinstance(d.get("PublicAccessBlockConfiguration"), dict),
           parse_public_access_block),
    Format("s3:get-bucket-acl", _bucket_output("Grants", "Owner"), parse_bucket_acl),
    Format("s3:get-bucket-tagging", _bucket_output("TagSet"), parse_bucket_tagging),
    Format("s3:get-bucket-lifecycle-configuration", _lifecycle_output, parse_bucket_lifecycle),
    Format("s3:get-bucket-replication", _bucket_output("ReplicationConfiguration"), parse_bucket_replication),
    Format("s3:get-object-lock-configuration", _bucket_output("ObjectLockConfiguration"), parse_object_lock),
    Format("s3:get-bucket-notification-configuration",
           lambda d: any(key in d for key in NOTIFICATION_KEYS) and set(d) <= {"Bucket", *NOTIFICATION_KEYS},
           parse_bucket_notifications),
    Format("s3:error", lambda d: isinstance(d.get("Bucket"), str) and isinstance(d.get("Error"), dict)
           and d["Error"].get("Code") in BUCKET_FACTS, parse_bucket_error),
    Format("s3control:error", lambda d: isinstance(d.get("AccountId"), str) and isinstance(d.get("Error"), dict)
           and d["Error"].get("Code") == NO_PUBLIC_ACCESS_BLOCK, parse_account_block_error),
    Format("ec2:describe-regions",
           lambda d: isinstance(d.get("Regions"), list) and all(isinstance(r, dict) and "RegionName" in r for r in d["Regions"]),
           parse_regions),
]


# ---- after the merge -------------------------------------------------------------------------------------------------


def derive(account: str, tables: dict[str, dict[tuple, dict]], partition: str | None) -> None:
    """ARNs and akas that need the account and partition: buckets (``arn:<partition>:s3:::<name>``), the account's
    S3 settings (``arn:<partition>:s3::<account>:account``), regions (``arn:<partition>::<region>:<account>``),
    metric filters (their log group's ARN in the account)."""
    partition = partition or "aws"
    for row in tables.get(BUCKET, {}).values():
        arn = bucket_arn(row["name"], row.get("partition") or partition)
        row.setdefault("arn", arn)
        row.setdefault("akas", [arn])
    for row in tables.get(ACCOUNT_SETTINGS, {}).values():  # Steampipe's: the account's S3 ARN
        row.setdefault("akas", [f"arn:{partition}:s3::{account}:account"])
    for row in tables.get(REGION, {}).values():
        row.setdefault("akas", [f"arn:{partition}::{row['name']}:{account}"])
    for row in tables.get(METRIC_FILTER, {}).values():
        if row.get("region"):
            row.setdefault("akas", [f"arn:{partition}:logs:{row['region']}:{account}:log-group:{row.get('log_group_name')}"
                                    f":metric-filter:{row.get('name')}"])

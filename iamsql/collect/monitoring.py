"""What watches an account, per account: the regions it has (``DescribeRegions`` with ``AllRegions``, asked first:
the regions the account has not enabled are left out of every regional call), and per
region CloudWatch Logs metric filters, CloudWatch metric alarms (with their tags) and SNS subscriptions (with the
attributes of each confirmed one; the collection's regions
plus the region of every trail's CloudWatch Logs log group, so a trail's monitoring is always judged on collected
data); then the account's S3 Block Public Access (s3control ``GetPublicAccessBlock``), the S3 buckets
(``ListBuckets``) and each bucket's access: its location, then, asked in the bucket's region (S3 answers a
PermanentRedirect elsewhere), its policy, its policy status when it has a policy, and its public access block. A
bucket a trail of the account delivers to is asked its policy status always, and its server access logging,
versioning, default encryption, ACL, tags, lifecycle rules, replication, Object Lock and event notifications too.

Answers that do not name their subject get it as an added key (``Region``, ``Bucket``, ``AccountId``); answers that
are empty when a feature is off get the key AWS leaves out (``LoggingEnabled``, ``Status``) as null, and S3 errors
that state a fact (no bucket policy, public access block, default encryption, tags, lifecycle, replication or Object
Lock configuration) are kept as answers. A failed call about one bucket is a gap naming the bucket (``table``,
``resource``): that bucket's row is loaded in part, the other buckets' whole. See
``iamsql.load.formats.monitoring``."""

from __future__ import annotations

import hashlib

from iamsql.collect.account import AccountRun
from iamsql.load.formats.monitoring import BUCKET, NO_PUBLIC_ACCESS_BLOCK, bucket_arn, bucket_region
from iamsql.load.normalize import region_partition
from iamsql.raw.folder import safe_name

BUCKET_FACTS = {"NoSuchBucketPolicy", NO_PUBLIC_ACCESS_BLOCK,
                "ServerSideEncryptionConfigurationNotFoundError", "NoSuchTagSet", "NoSuchLifecycleConfiguration",
                "ReplicationConfigurationNotFoundError", "ObjectLockConfigurationNotFoundError"}
# GetBucketNotificationConfiguration answers nothing for a bucket without notifications: its members, as null
NO_NOTIFICATIONS = dict.fromkeys(("TopicConfigurations", "QueueConfigurations", "LambdaFunctionConfigurations",
                                  "EventBridgeConfiguration"))


NOT_ENABLED = "not-opted-in"  # DescribeRegions' OptInStatus of an opt-in region the account has not enabled


def collect_regions(run: AccountRun, regions: list[str]) -> tuple[list[dict], list[str]]:
    """The account's regions as ``DescribeRegions`` lists them (empty when refused), and those of ``regions`` the
    account can be asked in. A region the account has not enabled (an opt-in region it has not opted in to) is
    one gap, and nothing is asked there: AWS would refuse every call, as if the credentials were invalid."""
    listing = (run.fetch("ec2", "DescribeRegions", region=run.home_region, AllRegions=True) or {}).get("Regions") or []
    disabled = {r["RegionName"]: r["OptInStatus"] for r in listing if r.get("OptInStatus") == NOT_ENABLED}
    for region in regions:
        if region in disabled and region != run.home_region:
            run.evidence.gap(api="ec2:DescribeRegions", account=run.account_id, region=region, error="OptInRequired",
                             message=f"the region is not enabled for the account (OptInStatus {disabled[region]}); "
                                     "nothing was asked there")
    return listing, [r for r in regions if r not in disabled or r == run.home_region]


def collect_monitoring(run: AccountRun, regions: list[str], trails: list[dict]) -> None:
    """Collect what watches the account in ``regions`` (the enabled ones) and the regions of the trails' log
    groups."""
    log_regions = [arn.split(":")[3] for arn in (t.get("CloudWatchLogsLogGroupArn") for t in trails)
                   if arn and arn.count(":") >= 3]
    run.each(list(dict.fromkeys([*regions, *log_regions])), lambda region: _regional(run, region))
    run.fetch("s3control", "GetPublicAccessBlock", add={"AccountId": run.account_id}, facts={NO_PUBLIC_ACCESS_BLOCK},
              AccountId=run.account_id)
    listing = run.fetch("s3", "ListBuckets") or {}
    owned = sorted({b["Name"] for b in listing.get("Buckets") or []})
    trail_buckets = {t["S3BucketName"] for t in trails if t.get("S3BucketName")}
    run.each(owned, lambda bucket: bucket_details(run, bucket, trail=bucket in trail_buckets))


def _regional(run: AccountRun, region: str) -> None:
    """One region's metric filters, metric alarms with their tags and SNS subscriptions with their attributes
    (Steampipe's columns read from ListTagsForResource and GetSubscriptionAttributes): one call per alarm and per
    confirmed subscription, nothing per pending one (it has no ARN to ask with)."""
    run.fetch("logs", "DescribeMetricFilters", region=region, add={"Region": region})
    alarms = (run.fetch("cloudwatch", "DescribeAlarms", region=region, AlarmTypes=["MetricAlarm"]) or {})
    for alarm in alarms.get("MetricAlarms") or []:
        if alarm.get("AlarmArn"):
            run.fetch("cloudwatch", "ListTagsForResource", region=region, entity=_file_name(alarm["AlarmName"]),
                      add={"ResourceARN": alarm["AlarmArn"]}, ResourceARN=alarm["AlarmArn"])
    subscriptions = run.fetch("sns", "ListSubscriptions", region=region) or {}
    for arn in [s["SubscriptionArn"] for s in subscriptions.get("Subscriptions") or []
                if (s.get("SubscriptionArn") or "").startswith("arn:")]:
        run.fetch("sns", "GetSubscriptionAttributes", region=region, entity=arn.rsplit(":", 1)[-1], SubscriptionArn=arn)


def _file_name(name: str) -> str:
    """An alarm's name as its file's name, with a digest of the name where the file name cannot hold it as it is
    (alarm names may hold spaces and slashes: "CIS 4.1" and "CIS_4.1" must not share a file)."""
    if safe_name(name) == name:
        return name
    return f"{safe_name(name)}-{hashlib.sha256(name.encode()).hexdigest()[:12]}"


def bucket_details(run: AccountRun, bucket: str, *, trail: bool) -> None:
    """One bucket's access configuration (every configuration for a ``trail`` bucket), each answer written as
    ``<region>/s3/<command>/<bucket>.json`` with its ``Bucket``: the location asked where global calls are, the rest
    in the bucket's region (the home region when its location was refused: botocore follows S3's redirect)."""
    part = {"table": BUCKET, "resource": bucket_arn(bucket, region_partition(run.home_region))}
    located = run.fetch("s3", "GetBucketLocation", entity=bucket, add={"Bucket": bucket, "LocationConstraint": None},
                        part=part, Bucket=bucket)  # null: us-east-1
    region = bucket_region(located.get("LocationConstraint")) if located is not None else run.home_region

    def get(operation: str, **absent) -> dict | None:
        return run.fetch("s3", operation, region=region, entity=bucket, add={"Bucket": bucket, **absent},
                         facts=BUCKET_FACTS, part={**part, "column": "policy"} if operation == "GetBucketPolicy"
                         else part, Bucket=bucket)

    policy = get("GetBucketPolicy")
    if policy is not None or trail:  # without a policy (NoSuchBucketPolicy) it is not public through one
        get("GetBucketPolicyStatus")
    get("GetPublicAccessBlock")
    if not trail:
        return
    get("GetBucketLogging", LoggingEnabled=None)
    get("GetBucketVersioning", Status=None)
    get("GetBucketEncryption")
    get("GetBucketAcl")
    get("GetBucketTagging")
    get("GetBucketLifecycleConfiguration")
    get("GetBucketReplication")
    get("GetObjectLockConfiguration")
    get("GetBucketNotificationConfiguration", **NO_NOTIFICATIONS)

"""CloudTrail trail configuration: describe-trails, get-trail, get-trail-status, get-event-selectors,
get-insight-selectors and list-tags, merged into one ``aws_cloudtrail_trail`` row per trail.

Shadow trails: describe-trails (shadow trails included, the default) lists a multi-region or organization trail in
every region; Steampipe returns it once per region it queries, ``region`` that region and ``home_region`` the
trail's. iamsql does the same: each trail has its home-region row (keyed by ARN, where the status, selectors and
tags go), and a row per other region whose describe-trails listed it (the listing's region: an added top-level
``Region``, else the region its folders name, as ``collect`` lays them out), with the home row's columns
(``fill_shadow_rows``). Controls count each trail once through the home-region row (``cloudtrail_trail_home``).
"""

from __future__ import annotations

from pathlib import Path

from iamsql.common.arns import arn_account, arn_parts
from iamsql.load.formats.base import Format, Fragment, Parsed, output_region, when
from iamsql.load.normalize import tags_map

TABLE = "aws_cloudtrail_trail"

STATUS_TIMES = {
    "LatestCloudWatchLogsDeliveryTime": "latest_cloudwatch_logs_delivery_time",
    "LatestDeliveryTime": "latest_delivery_time",
    "LatestDigestDeliveryTime": "latest_digest_delivery_time",
    "LatestNotificationTime": "latest_notification_time",
    "StartLoggingTime": "start_logging_time",
    "StopLoggingTime": "stop_logging_time",
}
STATUS_TEXT = {
    "LatestCloudWatchLogsDeliveryError": "latest_cloudwatch_logs_delivery_error",
    "LatestDeliveryError": "latest_delivery_error",
    "LatestDigestDeliveryError": "latest_digest_delivery_error",
    "LatestNotificationError": "latest_notification_error",
}


def _trail_fragment(arn: str | None, name: str | None, fields: dict) -> Fragment:
    """A fragment keyed by trail ARN; with only a name (or nothing) it is matched in load.py. A trail's ARN names its
    home region, the region of the row keyed by its ARN."""
    if arn:
        parts = arn_parts(arn) or {}
        fields = {"arn": arn, "akas": [arn], "partition": parts.get("partition"), **fields}
        for column in ("home_region", "region"):  # an output without HomeRegion keeps the ARN's
            fields[column] = fields.get(column) or parts.get("region") or None
        name = name or arn.rsplit("/", 1)[-1]
    if name:
        fields = {"name": name, "title": name, **fields}
    fragment = Fragment(TABLE, (arn,) if arn else None, fields, arn_account(arn))
    if not arn and name:
        fragment.fields["__name"] = name
    return fragment


def _home_row(t: dict) -> Fragment:
    """A trail's home-region row from its description (a describe-trails item, get-trail's ``Trail``)."""
    arn = t.get("TrailARN")
    home = t.get("HomeRegion") or (arn_parts(arn) or {}).get("region") or None  # the ARN names the home region
    return _trail_fragment(arn, t.get("Name"), {
        "home_region": home,
        "region": home,
        "is_multi_region_trail": t.get("IsMultiRegionTrail"),
        "log_file_validation_enabled": t.get("LogFileValidationEnabled"),
        "log_group_arn": t.get("CloudWatchLogsLogGroupArn"),
        "cloudwatch_logs_role_arn": t.get("CloudWatchLogsRoleArn"),
        "has_custom_event_selectors": t.get("HasCustomEventSelectors"),
        "has_insight_selectors": t.get("HasInsightSelectors"),
        "include_global_service_events": t.get("IncludeGlobalServiceEvents"),
        "is_organization_trail": t.get("IsOrganizationTrail"),
        "kms_key_id": t.get("KmsKeyId"),
        "s3_bucket_name": t.get("S3BucketName"),
        "s3_key_prefix": t.get("S3KeyPrefix"),
        "sns_topic_arn": t.get("SnsTopicARN"),
    })


def parse_describe_trails(doc: dict, path: Path) -> Parsed:
    parsed = Parsed("cloudtrail:describe-trails", covers={TABLE})
    listed_in = output_region(doc, path)
    for t in doc["trailList"]:
        fragment = _home_row(t)
        parsed.fragments.append(fragment)
        arn, home = fragment.fields.get("arn"), fragment.fields.get("home_region")
        if arn and home and listed_in and listed_in != home:  # a shadow trail: the trail as seen in listed_in
            parsed.fragments.append(Fragment(TABLE, (arn, listed_in),
                                             {**fragment.fields, "region": listed_in, "__shadow_of": arn},
                                             fragment.account_id))
    return parsed


def parse_get_trail(doc: dict, path: Path) -> Parsed:
    """``get-trail``: one trail's home-region row, part of the table: it lists no other trail of the account."""
    return Parsed("cloudtrail:get-trail", fragments=[_home_row(doc["Trail"])])


def fill_shadow_rows(rows: dict[tuple, dict]) -> None:
    """Give each shadow row its trail's home-region row's columns (status, selectors, tags), keeping its region."""
    for row in rows.values():
        home = rows.get((row["__shadow_of"],)) if "__shadow_of" in row else None
        if home is not None:
            row.update({**home, "region": row["region"]})


def parse_trail_status(doc: dict, path: Path) -> Parsed:
    fields = {"is_logging": doc.get("IsLogging")}
    fields.update({column: when(doc.get(key)) for key, column in STATUS_TIMES.items()})
    fields.update({column: doc.get(key) for key, column in STATUS_TEXT.items()})  # "" stays "", as in Steampipe
    name_or_arn = doc.get("TrailARN") or doc.get("Name")
    arn = name_or_arn if arn_parts(name_or_arn) else None
    return Parsed("cloudtrail:get-trail-status", fragments=[_trail_fragment(arn, None if arn else name_or_arn, fields)])


# The members of the AWS SDK for Go's advanced selector structs, each one there as Steampipe prints them (null for
# what AWS left out: a field selector lists only the operators it uses). Basic event selectors are kept as AWS gave
# them: AWS returns every member of those (DataResources and ExcludeManagementEventSources as [] when empty), and an
# older output without one keeps `jsonb_array_elements_text(e -> 'ExcludeManagementEventSources')` working.
ADVANCED_SELECTOR_MEMBERS = ("FieldSelectors", "Name")
FIELD_SELECTOR_MEMBERS = ("EndsWith", "Equals", "Field", "NotEndsWith", "NotEquals", "NotStartsWith", "StartsWith")


def _advanced_selectors(selectors: object) -> object:
    """Advanced event selectors with every member of their Go structs."""
    if not isinstance(selectors, list):
        return selectors
    shaped = []
    for selector in selectors:
        if isinstance(selector, dict):
            selector = {**dict.fromkeys(ADVANCED_SELECTOR_MEMBERS), **selector}
            if isinstance(selector["FieldSelectors"], list):
                selector["FieldSelectors"] = [{**dict.fromkeys(FIELD_SELECTOR_MEMBERS), **f} if isinstance(f, dict)
                                              else f for f in selector["FieldSelectors"]]
        shaped.append(selector)
    return shaped


def parse_selectors(doc: dict, path: Path) -> Parsed:
    fields = {}
    if "EventSelectors" in doc:
        fields["event_selectors"] = doc["EventSelectors"]
    if "AdvancedEventSelectors" in doc:
        fields["advanced_event_selectors"] = _advanced_selectors(doc["AdvancedEventSelectors"])
    if "InsightSelectors" in doc:
        fields["insight_selectors"] = doc["InsightSelectors"]
    fmt = "cloudtrail:get-insight-selectors" if "InsightSelectors" in doc else "cloudtrail:get-event-selectors"
    return Parsed(fmt, fragments=[_trail_fragment(doc["TrailARN"], None, fields)])


def parse_list_tags(doc: dict, path: Path) -> Parsed:
    parsed = Parsed("cloudtrail:list-tags")
    for entry in doc["ResourceTagList"]:
        if ":trail/" in (entry.get("ResourceId") or ""):
            tags = entry.get("TagsList") or []
            parsed.fragments.append(_trail_fragment(entry["ResourceId"], None, {"tags_src": tags, "tags": tags_map(tags) or {}}))
    return parsed


FORMATS = [
    Format("cloudtrail:describe-trails", lambda d: isinstance(d.get("trailList"), list), parse_describe_trails),
    Format("cloudtrail:get-trail", lambda d: isinstance(d.get("Trail"), dict) and "TrailARN" in d["Trail"],
           parse_get_trail),
    Format("cloudtrail:get-trail-status", lambda d: "IsLogging" in d, parse_trail_status),
    Format("cloudtrail:get-event-selectors",
           lambda d: "TrailARN" in d and any(k in d for k in ("EventSelectors", "AdvancedEventSelectors", "InsightSelectors")),
           parse_selectors),
    Format("cloudtrail:list-tags", lambda d: isinstance(d.get("ResourceTagList"), list), parse_list_tags),
]

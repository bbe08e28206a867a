"""What iamsql asks CloudTrail, per account and region: the trails (``DescribeTrails`` with shadow trails, so a
multi-region trail shows in every region; each trail's status and event selectors, and its insight selectors when
it has some, are then asked once, in its home region) and, for short windows, ``LookupEvents`` (management events
of the last 90 days at most)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from iamsql.collect.account import AccountRun

LOOKUP_MAX_DAYS = 90  # Event history keeps 90 days
LOOKUP_PAGE_SIZE = 50  # the API's maximum


def collect_trails(run: AccountRun, regions: list[str]) -> list[dict]:
    """The account's trails (describe-trails entries, each once), with their status and selectors collected."""
    listings = run.each(regions, lambda region: run.fetch("cloudtrail", "DescribeTrails", region=region,
                                                          includeShadowTrails=True))
    trails: dict[str, dict] = {}
    for listing in listings:
        for trail in (listing or {}).get("trailList") or []:
            trails.setdefault(trail["TrailARN"], trail)  # a multi-region trail is listed once per region
    found = sorted(trails.values(), key=lambda t: t["TrailARN"])
    run.each(found, lambda trail: trail_details(run, trail))
    return found


def trail_details(run: AccountRun, trail: dict) -> None:
    arn, home = trail["TrailARN"], trail.get("HomeRegion") or run.home_region
    owner = arn.split(":")[4]
    entity = trail["Name"] if owner == run.account_id else f"{owner}_{trail['Name']}"
    run.fetch("cloudtrail", "GetTrailStatus", region=home, entity=entity, add={"TrailARN": arn}, Name=arn)
    run.fetch("cloudtrail", "GetEventSelectors", region=home, entity=entity, TrailName=arn)
    if trail.get("HasInsightSelectors"):  # without them AWS answers InsightNotEnabledException
        run.fetch("cloudtrail", "GetInsightSelectors", region=home, entity=entity, TrailName=arn)


def lookup_events(run: AccountRun, regions: list[str], days: int, end: datetime | None = None) -> None:
    """Every management event of the last ``days`` days, per region, all pages. The window is fixed before the
    first page: AWS requires the same parameters with every NextToken."""
    end = end or datetime.now(timezone.utc)
    start = end - timedelta(days=days)
    run.each(regions, lambda region: run.fetch(
        "cloudtrail", "LookupEvents", region=region, StartTime=start, EndTime=end,
        PaginationConfig={"PageSize": LOOKUP_PAGE_SIZE}))

"""CloudTrail log files from the trail's S3 bucket (``--cloudtrail-s3 s3://bucket/prefix``).

Keys follow AWS's layout ``<prefix>/AWSLogs/[<org-id>/]<account>/CloudTrail/<region>/YYYY/MM/DD/<file>.json.gz``.
Only the day folders inside the ``--since``/``--until`` window are listed (never the whole bucket), and files
whose name carries a delivery time more than 15 minutes outside the window are left out. Each object is streamed to the evidence
folder in chunks, never held in memory whole.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlparse

from iamsql.errors import CollectError
from iamsql.raw.folder import Evidence

ACCOUNT = re.compile(r"^\d{12}$")
ORG = re.compile(r"^o-[a-z0-9]{10,32}$")
FILE_TIME = re.compile(r"_(\d{8}T\d{4})Z_")
CHUNK = 1 << 20
WORKERS = 4


@dataclass(frozen=True)
class LogObject:
    key: str
    account: str
    region: str
    day: date
    size: int
    etag: str


def parse_s3_url(url: str) -> tuple[str, str]:
    """(bucket, key prefix ending in '/' or empty) of ``s3://bucket/prefix``."""
    parsed = urlparse(url)
    if parsed.scheme != "s3" or not parsed.netloc:
        raise CollectError(f"--cloudtrail-s3 {url!r} is not an s3://bucket/prefix URL")
    prefix = parsed.path.lstrip("/")
    return parsed.netloc, (prefix.rstrip("/") + "/") if prefix else ""


def _folders(s3, bucket: str, prefix: str) -> list[str]:
    """The next folder names under ``prefix``."""
    names = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix, Delimiter="/"):
        names += [p["Prefix"][len(prefix):].rstrip("/") for p in page.get("CommonPrefixes") or []]
    return names


def _days(since: datetime, until: datetime) -> Iterator[date]:
    day = since.date()
    while day <= until.date():
        yield day
        day += timedelta(days=1)


def list_log_objects(s3, bucket: str, prefix: str, since: datetime, until: datetime) -> list[LogObject]:
    """The trail log files of every account and region under the prefix, inside the window."""
    base = prefix if prefix.endswith("AWSLogs/") else prefix + "AWSLogs/"
    account_prefixes = []
    for name in _folders(s3, bucket, base):
        if ACCOUNT.match(name):
            account_prefixes.append((name, f"{base}{name}/"))
        elif ORG.match(name):  # organization trail: AWSLogs/<org-id>/<account>/...
            account_prefixes += [(a, f"{base}{name}/{a}/") for a in _folders(s3, bucket, f"{base}{name}/")
                                 if ACCOUNT.match(a)]
    found = []
    for account, account_prefix in account_prefixes:
        for region in _folders(s3, bucket, f"{account_prefix}CloudTrail/"):
            for day in _days(since, until):
                day_prefix = f"{account_prefix}CloudTrail/{region}/{day:%Y/%m/%d}/"
                for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=day_prefix):
                    for item in page.get("Contents") or []:
                        if _inside(item["Key"], since, until):
                            found.append(LogObject(item["Key"], account, region, day, item.get("Size", 0),
                                                   item.get("ETag", "").strip('"')))
    return found


def _inside(key: str, since: datetime, until: datetime) -> bool:
    match = FILE_TIME.search(key.rsplit("/", 1)[-1])
    if not match:
        return True
    delivered = datetime.strptime(match[1], "%Y%m%dT%H%M").replace(tzinfo=since.tzinfo)
    # a file delivered at HH:MM holds events of the minutes before it: keep a margin at the edges
    return since - timedelta(minutes=15) <= delivered <= until + timedelta(minutes=15)


def collect_trail_logs(s3, url: str, since: datetime, until: datetime, evidence: Evidence,
                       attempt: Callable[[str, str | None, str | None, Callable[[], Any]], Any],
                       notify: Callable[[str, str], None] | None = None) -> int:
    """Copy the log files in the window to the evidence folder; returns how many were copied. ``attempt(api,
    account, region, call)`` runs a call and records its failure as a gap."""
    bucket, prefix = parse_s3_url(url)
    objects = attempt("s3:ListObjectsV2", None, None, lambda: list_log_objects(s3, bucket, prefix, since, until))
    if not objects:
        return 0
    copied = 0
    lock = threading.Lock()

    def copy(item: LogObject) -> None:
        nonlocal copied
        if notify:
            notify(item.account, "s3:GetObject")
        name = item.key.rsplit("/", 1)[-1]
        path = evidence.root / item.account / item.region / "cloudtrail" / "trail-logs" / f"{item.day:%Y/%m/%d}" / name

        def download():
            body = s3.get_object(Bucket=bucket, Key=item.key)["Body"]
            try:
                return evidence.write_chunks(path, body.iter_chunks(CHUNK), account=item.account, region=item.region,
                                             api="s3:GetObject", source=f"s3://{bucket}/{item.key}", etag=item.etag)
            finally:
                body.close()

        if attempt("s3:GetObject", item.account, item.region, download) is not None:
            with lock:
                copied += 1

    with ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="iamsql-s3") as pool:
        list(pool.map(copy, objects))
    return copied

"""``collect()``: the library function behind ``iamsql collect``.

1. Work out the accounts (caller, ``--role-arn``, ``--org``) and their credentials; with ``--org``, also the
   organization itself from the caller (tree, SCPs and RCPs with their targets: ``organization.py``).
2. Per account (a few accounts at a time, up to ``max_workers`` calls at a time within each): IAM, and beside it
   CloudTrail per region, then what watches it (regions, metric filters, alarms, SNS subscriptions, the trails'
   S3 buckets: ``monitoring.py``) and the workloads that carry roles (EC2, Lambda, ECS, EKS, CodeBuild, SageMaker
   notebooks, Glue endpoints, Cognito identity pools), the KMS keys and Secrets Manager secrets per region, and the
   account's alternate contacts; then, with ``--identity``, Identity Center, Access Analyzer in every enabled region
   and last-accessed data (``identity.py``). The evidence folder and manifest do not depend on the number of workers.
3. CloudTrail log files from S3, when asked.
4. Finish the manifest, then load the evidence folder with ``load.load_paths``: the same code as ``iamsql load``,
   one transaction, so an interrupted run leaves the database as it was.

A call that still fails after botocore's retries is a gap in the manifest (and in each snapshot's ``gaps``, with
``partial`` set); the run goes on. Only a run that collected nothing fails.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from iamsql.collect.account import AccountRun, Target
from iamsql.collect.aws import Counter, base_session, check_regions, describe, make_client, parse_when
from iamsql.collect.cloudtrail import LOOKUP_MAX_DAYS, collect_trails, lookup_events
from iamsql.collect.contacts import collect_alternate_contacts
from iamsql.collect.iam import collect_iam
from iamsql.collect.identity import collect_identity
from iamsql.collect.kms import collect_kms
from iamsql.collect.monitoring import collect_monitoring, collect_regions
from iamsql.collect.organization import collect_organization
from iamsql.collect.progress import CollectProgress
from iamsql.collect.secrets import collect_secrets
from iamsql.collect.targets import caller_target, check_role_arns, organization_targets, role_target
from iamsql.collect.trail_logs import collect_trail_logs, parse_s3_url
from iamsql.collect.workloads import collect_workloads
from iamsql.common.safe_write import in_existing_folder
from iamsql.errors import DUCKDB_INTERRUPTED, CollectError, CollectInterrupted
from iamsql.load import LoadSummary, load_paths
from iamsql.raw.folder import COMPLETE, Evidence

ACCOUNT_WORKERS = 3  # accounts at a time (at most max_workers)
DEFAULT_MAX_WORKERS = 8  # calls at a time within an account
DEFAULT_EVIDENCE_ROOT = "iamsql-evidence"
DEFAULT_SINCE_DAYS = "7"
# Calls that only say who is calling or which accounts exist: evidence, but not data about an account.
BOOKKEEPING_APIS = {"sts:GetCallerIdentity", "organizations:ListAccounts", "organizations:ListParents",
                    "organizations:DescribeOrganizationalUnit"}


@dataclass
class CollectResult:
    evidence_dir: Path
    accounts: list[dict]  # manifest account records plus "files" and "gaps" counts
    gaps: list[dict]
    requests: int  # HTTP requests sent to AWS, retries included
    load: LoadSummary = field(default_factory=LoadSummary)

    @property
    def partial(self) -> bool:
        return bool(self.gaps)


def default_evidence_dir() -> Path:
    return Path(DEFAULT_EVIDENCE_ROOT) / datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def collect(
    con: duckdb.DuckDBPyConnection,
    *,
    evidence_dir: Path | None = None,
    profile: str | None = None,
    regions: list[str] | None = None,
    role_arns: list[str] | None = None,
    org: bool = False,
    role_name: str | None = None,
    external_id: str | None = None,
    cloudtrail_s3: str | None = None,
    since: str | None = None,
    until: str | None = None,
    lookup_events_days: int | None = None,
    identity: bool = False,
    max_workers: int = DEFAULT_MAX_WORKERS,
    progress: CollectProgress | None = None,
) -> CollectResult:
    """Collect, write the evidence folder, load it; see the module docstring. Raises ``CollectError`` (one line)
    for unusable options or credentials and when nothing could be collected."""
    role_arns = list(role_arns or [])
    _check_options(role_arns, org, role_name, cloudtrail_s3, lookup_events_days, max_workers)
    check_regions(list(regions or []))
    window = (parse_when(since or DEFAULT_SINCE_DAYS), parse_when(until, end=True) if until else datetime.now(timezone.utc))
    if window[0] > window[1]:
        raise CollectError("--since is after --until")
    base = base_session(profile)
    regions = list(dict.fromkeys(regions or [])) or [base.region_name or "us-east-1"]
    options = {"profile": profile, "regions": regions, "role_arns": role_arns, "org": org, "role_name": role_name,
               "external_id_given": bool(external_id), "cloudtrail_s3": cloudtrail_s3,
               "since": window[0].isoformat() if cloudtrail_s3 else None,
               "until": window[1].isoformat() if cloudtrail_s3 else None, "lookup_events_days": lookup_events_days,
               "identity": identity}
    evidence = Evidence.create(in_existing_folder(evidence_dir) if evidence_dir else default_evidence_dir(), options)
    progress = progress or CollectProgress(quiet=True)
    counter = Counter()
    stop = threading.Event()
    home = regions[0]

    def account_run(target: Target) -> AccountRun:
        return AccountRun(target, evidence, counter, home, stop, notify=progress.api, workers=max_workers)

    status = "failed"
    try:
        with progress:
            caller = caller_target(base, home, counter, evidence)
            if org:
                caller_run = account_run(caller)
                try:
                    targets = organization_targets(caller_run, role_name, external_id, home, counter)
                    collect_organization(caller_run)
                finally:
                    caller_run.close()
            elif role_arns:
                targets = [role_target(base, arn, external_id, home, counter, evidence) for arn in role_arns]
            else:
                targets = [caller]
            lookup_end = datetime.now(timezone.utc)

            def collect_account(target: Target) -> None:
                evidence.account(target.account_id, account_name=target.account_name, ou_path=target.ou_path,
                                 caller_identity=target.caller_identity, credentials=target.credentials)
                if target.session is None:
                    return
                run = account_run(target)

                def regional() -> tuple[list[dict], list[str]]:
                    account_regions, enabled = collect_regions(run, regions)
                    trails = collect_trails(run, enabled)
                    collect_monitoring(run, enabled, trails)
                    collect_workloads(run, enabled)
                    collect_kms(run, enabled)
                    collect_secrets(run, enabled)
                    collect_alternate_contacts(run)
                    return account_regions, enabled

                try:
                    iam, (account_regions, enabled) = _side_by_side(lambda: collect_iam(run), regional, max_workers > 1)
                    if identity:
                        collect_identity(run, enabled, iam, account_regions)
                    if lookup_events_days:
                        lookup_events(run, enabled, lookup_events_days, end=lookup_end)
                finally:
                    run.close()

            _run_all(targets, collect_account, stop, min(ACCOUNT_WORKERS, max_workers))
            if cloudtrail_s3:
                _trail_logs(base, home, counter, evidence, cloudtrail_s3, window, progress)
            status = COMPLETE
    except KeyboardInterrupt:
        stop.set()
        status = "interrupted"
        raise CollectInterrupted("the database is unchanged; the evidence folder is marked interrupted") from None
    finally:
        evidence.finish(status)
    accounts = _account_summaries(evidence)
    if not any(a["files"] for a in accounts) and not any(f["api"] == "s3:GetObject" for f in evidence.manifest["files"]):
        first = evidence.gaps[0] if evidence.gaps else None
        reason = f"{first['api']} in {first['account_id']}: {first['error']}: {first['message']}" if first else "no calls made"
        raise CollectError(f"nothing could be collected ({reason}); evidence of the attempt is in {evidence.root}")
    try:
        with progress:
            summary = load_paths(con, [evidence.root], progress=progress.loaded, on_total=progress.loading_total)
    except (KeyboardInterrupt, RuntimeError) as exc:  # DuckDB's RuntimeError when the signal arrives in a query
        if isinstance(exc, RuntimeError) and str(exc) != DUCKDB_INTERRUPTED:
            raise
        raise CollectInterrupted(f"the database is unchanged; the evidence folder is complete: load it with "
                                 f"'iamsql load {evidence.root}'") from None
    return CollectResult(evidence.root, accounts, evidence.gaps, counter.requests, summary)


def _run_all(targets: list[Target], work, stop: threading.Event, workers: int) -> None:
    """``work(target)`` for ``workers`` accounts at a time. On Ctrl-C the running calls are told to stop before
    the pool is waited for, so the interrupt takes effect within a call's time."""
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="iamsql-account")
    try:
        list(pool.map(work, targets))
    except BaseException:
        stop.set()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown()


def _side_by_side(first, second, parallel: bool) -> tuple:
    """``(first(), second())``, the two run at the same time when ``parallel`` (each sends its calls to the
    account's pool, so neither waits for a pool worker the other holds)."""
    if not parallel:
        return first(), second()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="iamsql-stage") as stage:
        started = stage.submit(first)
        later = second()
        return started.result(), later


def _check_options(role_arns, org, role_name, cloudtrail_s3, lookup_events_days, max_workers) -> None:
    if max_workers < 1:
        raise CollectError("--max-workers must be at least 1")
    if org and role_arns:
        raise CollectError("give either --org or --role-arn, not both")
    if org and not role_name:
        raise CollectError("--org needs --role-name: the role to assume in each account")
    if role_name and not org:
        raise CollectError("--role-name is used with --org; for single accounts give --role-arn")
    check_role_arns(role_arns)
    if cloudtrail_s3:
        parse_s3_url(cloudtrail_s3)
    if lookup_events_days is not None and not 1 <= lookup_events_days <= LOOKUP_MAX_DAYS:
        raise CollectError(f"--lookup-events-days must be between 1 and {LOOKUP_MAX_DAYS} (CloudTrail's event history)")


def _trail_logs(base, home, counter, evidence, url, window, progress) -> None:
    s3 = make_client(base, "s3", home, counter)

    def attempt(api, account, region, call):
        try:
            return call()
        except Exception as exc:  # noqa: BLE001 - describe() re-raises anything that is not an AWS/botocore failure
            failure = describe(exc)
            evidence.gap(api=api, account=account, region=region, error=failure.code,
                         message=f"{url}: {failure.message}")
            return None

    collect_trail_logs(s3, url, window[0], window[1], evidence, attempt, notify=progress.api)


def _account_summaries(evidence: Evidence) -> list[dict]:
    accounts = []
    for account_id, info in sorted(evidence.manifest["accounts"].items()):
        files = [f for f in evidence.manifest["files"]
                 if f["account_id"] == account_id and f["api"] not in BOOKKEEPING_APIS]
        gaps = [g for g in evidence.gaps if g.get("account_id") in (account_id, None)]
        accounts.append({**info, "files": len(files), "gaps": len(gaps)})
    return accounts

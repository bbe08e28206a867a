"""``iamsql collect``: IAM and CloudTrail data from live AWS accounts into an evidence folder and the database."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from iamsql.cli.options import DbOption, new_in_existing_folder
from iamsql.cli.root import INTERRUPTED, say_interrupted
from iamsql.common.lazy import lazy_import
from iamsql.errors import CollectInterrupted
from iamsql.sql.output import render

collect_progress = lazy_import("iamsql.collect.progress")
collect_run = lazy_import("iamsql.collect.run")
dbmod = lazy_import("iamsql.store.db")


def collect(
    profile: Annotated[
        Optional[str], typer.Option("--profile", help="AWS profile (default: AWS's usual credential chain).")
    ] = None,
    region: Annotated[
        Optional[list[str]],
        typer.Option("--region", help="Region for CloudTrail (repeatable; default: the profile's region)."),
    ] = None,
    role_arn: Annotated[
        Optional[list[str]], typer.Option("--role-arn", help="Collect this account through this role (repeatable).")
    ] = None,
    org: Annotated[
        bool, typer.Option("--org", help="Collect every active account of the organization (needs --role-name).")
    ] = False,
    role_name: Annotated[
        Optional[str], typer.Option("--role-name", help="With --org: the role to assume in each account.")
    ] = None,
    external_id: Annotated[
        Optional[str], typer.Option("--external-id", help="ExternalId for the roles assumed.")
    ] = None,
    cloudtrail_s3: Annotated[
        Optional[str],
        typer.Option("--cloudtrail-s3", help="Trail log files: s3://bucket/prefix (the folder holding AWSLogs/)."),
    ] = None,
    since: Annotated[
        Optional[str],
        typer.Option("--since", help="Trail logs from this date (YYYY-MM-DD) or this many days ago (default 7)."),
    ] = None,
    until: Annotated[
        Optional[str], typer.Option("--until", help="Trail logs up to this date or this many days ago (default now).")
    ] = None,
    lookup_events_days: Annotated[
        Optional[int],
        typer.Option(
            "--lookup-events-days", help="Also read the last N days (1-90) of event history with LookupEvents."
        ),
    ] = None,
    identity: Annotated[
        bool,
        typer.Option(
            "--identity",
            help="Also IAM Identity Center, Access Analyzer (every enabled region) and last-accessed data.",
        ),
    ] = False,
    max_workers: Annotated[
        int, typer.Option("--max-workers", help="API calls at a time within an account (1: one at a time).")
    ] = 8,
    evidence_dir: Annotated[
        Optional[Path],
        typer.Option("--evidence-dir", callback=new_in_existing_folder, help="New folder for the raw responses (default ./iamsql-evidence/<UTC time>)."),
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bars and no summary (gaps still go to stderr).")
    ] = False,
    db: DbOption = None,
) -> None:
    """Collect IAM and CloudTrail data from live AWS accounts: raw responses go to an evidence folder (with a
    manifest of SHA-256 sums), which is then loaded like 'iamsql load' would. Calls that fail are recorded as gaps
    and the snapshot is marked partial; the exit code is non-zero only when nothing could be collected.

    \b
    Examples:
      iamsql collect --profile audit --region us-east-1 --region eu-west-1
      iamsql collect --org --role-name SecurityAudit --external-id x123 --lookup-events-days 1
      iamsql collect --cloudtrail-s3 s3://org-trail-logs/ --since 2026-07-01 --until 2026-07-31
      iamsql collect --identity --region us-east-1
    """
    try:
        # collect stores rows with the code of load and runs no query: no macros, no Python functions (NumPy)
        with dbmod.filling(db, lambda: dbmod.connect(db, queries=False)) as con:
            result = collect_run.collect(
                con,
                evidence_dir=evidence_dir,
                profile=profile,
                regions=region,
                role_arns=role_arn,
                org=org,
                role_name=role_name,
                external_id=external_id,
                cloudtrail_s3=cloudtrail_s3,
                since=since,
                until=until,
                lookup_events_days=lookup_events_days,
                identity=identity,
                max_workers=max_workers,
                progress=collect_progress.CollectProgress(quiet),
            )
    except KeyboardInterrupt as exc:  # before the evidence folder exists, or what collect says it left
        say_interrupted(str(exc) if isinstance(exc, CollectInterrupted) else INTERRUPTED["collect"])
        raise typer.Exit(130) from None
    for gap in result.gaps:
        typer.echo(
            f"gap: {gap['api']} in {gap['account_id'] or '-'} ({gap['region'] or '-'}): {gap['error']}: {gap['message']}",
            err=True,
        )
    if not quiet:
        rows = [
            (a["account_id"], a.get("account_name") or "", a.get("ou_path") or "", a["files"], a["gaps"])
            for a in result.accounts
        ]
        typer.echo(render(["account_id", "name", "ou_path", "files", "gaps"], rows, "table"), nl=False)
        loaded = sum(result.load.rows.values())
        typer.echo(f"{result.requests} API request(s); {loaded} row(s) loaded; evidence in {result.evidence_dir}")
    if result.partial:
        typer.echo(
            f"partial: {len(result.gaps)} call(s) could not be collected (recorded in the snapshot's gaps)", err=True
        )

"""``iamsql evidence``: scheduled evidence runs into dated, hashed folders (``run``), their verification
(``verify``) and the list of check runs that count (``list``)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Optional

import typer

from iamsql.cli.options import (
    DbOption,
    FormatOption,
    FrameworksOption,
    ListOption,
    QueriesOption,
    check_format,
    database_file,
    new_in_existing_folder,
)
from iamsql.cli.root import end_without_teardown
from iamsql.common.lazy import lazy_import
from iamsql.sql.output import render

dbmod = lazy_import("iamsql.store.db")
history_runs = lazy_import("iamsql.history.runs")
scheduled = lazy_import("iamsql.scheduled")

evidence_app = typer.Typer(
    help="Scheduled evidence runs: collect or load, check, report into a dated, hashed folder; verify folders.\n\n"
    "\b\nExamples:\n"
    "  iamsql evidence run --config iamsql.toml\n"
    "  iamsql evidence verify evidence/\n"
    "  iamsql evidence list",
    no_args_is_help=True,
)


@evidence_app.command("run")
def evidence_run(
    config: Annotated[
        Optional[Path], typer.Option("--config", "-c", envvar="IAMSQL_CONFIG", help="TOML config file.")
    ] = None,
    db: Annotated[Optional[Path], typer.Option("--db", callback=database_file, help="DuckDB database file.")] = None,
    evidence_dir: Annotated[
        Optional[Path],
        typer.Option("--evidence-dir", callback=new_in_existing_folder, help="Where run folders go."),
    ] = None,
    name: Annotated[Optional[str], typer.Option("--name", help="Folder name for the runs.")] = None,
    source: Annotated[
        Optional[list[Path]], typer.Option("--source", help="Load these files or folders instead of collecting.")
    ] = None,
    account_id: Annotated[
        Optional[str], typer.Option("--account-id", help="Account for loaded files that name none.")
    ] = None,
    region: Annotated[ListOption, typer.Option("--region", help="Region to collect trails from (repeatable).")] = None,
    profile: Annotated[Optional[str], typer.Option("--profile", help="AWS profile to collect with.")] = None,
    cloudtrail_s3: Annotated[
        Optional[str], typer.Option("--cloudtrail-s3", help="Also read trail log files from s3://bucket/prefix.")
    ] = None,
    since: Annotated[Optional[str], typer.Option("--since", help="Start of the trail log window.")] = None,
    lookup_events_days: Annotated[
        Optional[int], typer.Option("--lookup-events-days", help="Days of CloudTrail event history to read.")
    ] = None,
    role_arn: Annotated[
        ListOption, typer.Option("--role-arn", help="Collect the account of this role (repeatable).")
    ] = None,
    org: Annotated[
        Optional[bool], typer.Option("--org/--no-org", help="Collect every account of the organization.")
    ] = None,
    role_name: Annotated[
        Optional[str], typer.Option("--role-name", help="Role to assume in each organization account.")
    ] = None,
    external_id: Annotated[
        Optional[str], typer.Option("--external-id", help="External id for role assumptions.")
    ] = None,
    framework: FrameworksOption = None,
    control: Annotated[ListOption, typer.Option("--control", help="Only this control (repeatable).")] = None,
    param: Annotated[ListOption, typer.Option("--param", help="Control parameter name=value (repeatable).")] = None,
    queries: QueriesOption = None,
    mappings: Annotated[
        Optional[Path],
        typer.Option("--mappings", help="A folder of your own framework mappings instead of the shipped ones."),
    ] = None,
    sigma: Annotated[
        Optional[list[Path]], typer.Option("--sigma", help="Also run the Sigma rules under this folder (repeatable).")
    ] = None,
    sigma_skip_unsupported: Annotated[
        Optional[bool],
        typer.Option(
            "--sigma-skip-unsupported/--no-sigma-skip-unsupported",
            help="Warn about Sigma rules that cannot be converted and run the others.",
        ),
    ] = None,
    fail_on: Annotated[
        Optional[str],
        typer.Option(
            "--fail-on", help="Exit 1 on a non-excepted alarm of this severity or higher (default info: any alarm)."
        ),
    ] = None,
    output: Annotated[
        ListOption,
        typer.Option(
            "--output", help="Report file: xlsx, json, iamsql-json, ocsf, ocsf-jsonl, asff, csv, findings-csv, md, sarif, junit, html "
            "(repeatable)."
        ),
    ] = None,
    exceptions: Annotated[
        Optional[Path], typer.Option("--exceptions", help="Exceptions and attestations YAML file.")
    ] = None,
    keep_runs: Annotated[Optional[int], typer.Option("--keep-runs", help="Keep the newest N run folders.")] = None,
    keep_days: Annotated[
        Optional[int], typer.Option("--keep-days", help="Remove run folders older than D days.")
    ] = None,
    wait: Annotated[
        Optional[int], typer.Option("--wait", help="Seconds to wait for another run on the same database or folder.")
    ] = None,
    sign_key: Annotated[
        Optional[Path],
        typer.Option(
            "--sign-key", help="Sign manifest.json with this OpenSSH Ed25519 private key (writes manifest.json.sig)."
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress and no summary; warnings and errors still go to stderr.")] = False,
) -> None:
    """Collect (or load sources.paths), check, apply exceptions and report into
    <evidence-dir>/<name>/<UTC time>/ with manifest.json; prune old runs. Settings: config file, then IAMSQL_*
    variables, then flags (docs/scheduling.md).

    Exit code 0: no non-excepted alarm at or above fail_on; 1: there is one; 2: a control errored (the evidence is
    written, with the error rows); 254: the run failed (bad settings, locked, no data; nothing visible was written).

    \b
    Examples:
      iamsql evidence run --config iamsql.toml
      iamsql evidence run --evidence-dir evidence --source ./exports --fail-on high --quiet
      iamsql evidence run --config iamsql.toml --sign-key ~/.ssh/iamsql_evidence
    """
    flags = {
        "db": db,
        "evidence_dir": evidence_dir,
        "name": name,
        "sources.paths": source,
        "sources.account_id": account_id,
        "sources.regions": region,
        "sources.profile": profile,
        "sources.cloudtrail_s3": cloudtrail_s3,
        "sources.since": since,
        "sources.lookup_events_days": lookup_events_days,
        "role_arns": role_arn,
        "org": org,
        "role_name": role_name,
        "external_id": external_id,
        "frameworks": framework,
        "controls": control,
        "params": param,
        "queries": queries,
        "mappings": mappings,
        "sigma": sigma,
        "sigma_skip_unsupported": sigma_skip_unsupported,
        "fail_on": fail_on,
        "outputs": output,
        "exceptions": exceptions,
        "retention.keep_runs": keep_runs,
        "retention.keep_days": keep_days,
        "wait": wait,
        "sign_key": sign_key,
    }
    settings = scheduled.load_config(config, flags)
    outcome = scheduled.run(settings, log=None if quiet else lambda message: typer.echo(message, err=True))
    for warning in outcome.warnings:  # on stderr, with --quiet too: it hides progress and the summary only
        typer.echo(f"warning: {warning}", err=True)
    if not quiet:
        for folder in outcome.pruned:
            typer.echo(f"removed old run folder {folder}", err=True)
        typer.echo(outcome.line())
    end_without_teardown()  # the run closed its database and wrote its folder
    raise typer.Exit(outcome.exit_code)


@evidence_app.command("verify")
def evidence_verify(
    folder: Annotated[Path, typer.Argument(help="A run folder, or an evidence folder (every run under it).")],
    db: Annotated[
        Optional[Path],
        typer.Option(
            "--db",
            callback=database_file,
            help="Also check every manifest's SHA-256 against this database's run "
            "history, and name complete runs whose folder is gone.",
        ),
    ] = None,
    public_key: Annotated[
        Optional[Path],
        typer.Option(
            "--public-key",
            help="Check every run's manifest.json.sig against this OpenSSH "
            "public key (ssh-ed25519 AAAA... line); an unsigned run fails.",
        ),
    ] = None,
) -> None:
    """Re-hash a run folder against its manifest.json (and the manifest against manifest.sha256); name every
    file added, removed or changed. Given an evidence folder, also walk each chain of runs: every manifest must
    link to the run before it by that manifest's SHA-256 (missing runs, missing manifests and broken links are
    named). With --public-key, every run must be signed by that key. Exit code 0: intact; 1: a difference or a
    missing or bad signature; 2: not an evidence folder, unreadable, or an unusable key file.

    \b
    Examples:
      iamsql evidence verify evidence/ --db audit.duckdb
      iamsql evidence verify evidence/ --public-key iamsql_evidence.pub
    """
    checked = scheduled.verify(folder, db=db, public_key=public_key)
    for result in checked:
        for line in result.lines():
            typer.echo(line)
    raise typer.Exit(0 if all(r.ok for r in checked) else 1)


@evidence_app.command("list")
def evidence_list(db: DbOption = None, fmt: FormatOption = "table") -> None:
    """List the check runs that count (evidence runs that never completed are left out), with their data
    time, alarms, excepted alarms and evidence folder.

    Example: iamsql evidence list --db audit.duckdb
    """
    check_format(fmt)
    con = dbmod.connect(db, read_only=True)
    found = history_runs.runs(con)
    con.close()
    columns = ["run_id", "as_of", "started_at", "status", "accounts", "alarms", "excepted", "evidence"]

    def cell(value):  # times as iamsql query writes a timestamptz: RFC 3339 in UTC, whole seconds
        return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") if isinstance(value, datetime) else value

    typer.echo(render(columns, [tuple(cell(r[c]) for c in columns) for r in found], fmt), nl=False)

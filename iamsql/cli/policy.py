"""Policy questions for the policy engine: ``simulate`` (is one request allowed, and why) and ``who-can``."""

from __future__ import annotations

import difflib
import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from iamsql.cli.options import DbOption, FormatOption, ResourceOption, check_format
from iamsql.common.lazy import lazy_import
from iamsql.errors import IamsqlError
from iamsql.sql.output import render

dbmod = lazy_import("iamsql.store.db")
policy = lazy_import("iamsql.policy")
who = lazy_import("iamsql.policy.access.who")


def _check_action(action: str, command: str) -> None:
    """Refuse a pattern (``iam:Pass*``, :func:`iamsql.policy.refuse_action_pattern`). One ``warning:`` line on stderr
    when ``action`` is not in the pinned action catalog: a typo (``iam:PasRole``) is still answered, but only
    statements with wildcards match it."""
    policy.refuse_action_pattern(action, command)
    if ":" not in action or policy.is_known_action(action):
        return
    catalog = policy.catalog()
    service, _, name = action.partition(":")
    if not catalog.has_service(service):
        close = difflib.get_close_matches(service.lower(), catalog.services(), n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        what = f"{service!r} is not a service prefix in the action catalog{hint}"
    else:
        names = {a.full_name.lower(): a.full_name for a in catalog.actions(service).values()}
        close = difflib.get_close_matches(action.lower(), list(names), n=1)
        hint = f" (did you mean {names[close[0]]}?)" if close else ""
        what = f"{action} is not an action of {service.lower()} in the action catalog{hint}"
    typer.echo(f"warning: {what}; only policy statements with wildcards can match it", err=True)


# The columns of simulate's and who-can's result sets (every format but simulate's table and json).
ANSWER_COLUMNS = ("principal", "principal_type", "account_id", "decision", "path", "granted_by", "conditions",
                  "deny_conditions", "missing")
REQUEST_COLUMNS = ("request", "decision", "reason", "matched", "conditions", "deny_conditions", "missing")


def _json_or_none(value: list | None) -> str | None:
    """A list as compact JSON text, None when empty or absent."""
    return json.dumps(value) if value else None


def _answer_row(a: who.Answer) -> tuple:
    """One answer of the loaded data as a row of ``ANSWER_COLUMNS``."""
    return (
        a.principal,
        a.principal_type,
        a.account_id,
        a.decision,
        a.path,
        ", ".join(a.granted_by),
        _json_or_none(a.conditions),
        _json_or_none(a.deny_conditions),
        ", ".join(a.missing) or None,
    )


def _context_options(items: list[str] | None) -> dict:
    """``--context KEY=VALUE`` options as a request context; a key given twice is multi-valued."""
    context: dict = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise IamsqlError(f"--context takes KEY=VALUE, got {item!r}")
        context[key] = (
            [*context[key], value]
            if isinstance(context.get(key), list)
            else ([context[key], value] if key in context else value)
        )
    return context


def simulate(
    request: Annotated[
        Optional[Path],
        typer.Option(
            "--request",
            help="A JSON file with one request object or a list of them "
            "(docs/policy-engine.md); '-' reads standard input.",
        ),
    ] = None,
    principal: Annotated[Optional[str], typer.Option("--principal", help="ARN of a loaded IAM user or role; for sts:AssumeRoleWithSAML or "
                                       "sts:AssumeRoleWithWebIdentity, the identity provider (SAML or OIDC provider ARN).")] = None,
    action: Annotated[Optional[str], typer.Option("--action", help="The action, e.g. iam:PassRole.")] = None,
    resource: ResourceOption = None,
    context: Annotated[
        Optional[list[str]],
        typer.Option("--context", help="Request context KEY=VALUE; repeat a key for several values."),
    ] = None,
    unknown_context: Annotated[
        bool,
        typer.Option(
            "--unknown-context",
            help="Context keys not given are unknown: answer AllowedIf with the conditions the decision depends on.",
        ),
    ] = False,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-o",
            "--output",
            help="Output format: table (the answer and how, in lines), json (the result objects), csv, jsonl, line "
            "or md (one row per answer).",
        ),
    ] = "table",
    db: DbOption = None,
) -> None:
    """Ask the policy engine whether a request is allowed, and why. A role or user ARN given without its IAM path
    (role/deploy for role/service-role/deploy) names the loaded one.

    \b
    Examples:
      iamsql simulate --principal arn:aws:iam::123456789012:user/alice --action iam:PassRole
      iamsql simulate --request requests.json --format json
    """
    check_format(fmt)
    if (request is None) == (principal is None):
        raise IamsqlError("give --request FILE, or --principal with --action")
    if request is not None:
        try:
            text = sys.stdin.read() if str(request) == "-" else request.read_text(encoding="utf-8")
            given = json.loads(text.removeprefix("\ufeff"))
        except OSError as exc:
            raise IamsqlError(f"cannot read {request}: {exc.strerror}") from None
        except ValueError as exc:
            raise IamsqlError(f"{request} is not JSON: {exc}") from None
        except RecursionError:
            raise IamsqlError(f"{request}: JSON nested too deeply to read") from None
        if not isinstance(given, (dict, list)):
            raise IamsqlError(f"{request} must hold a request object or a list of them")
        if not given:
            raise IamsqlError(f"{request} holds an empty list: there is no request to evaluate")
        results = policy.simulate(given if isinstance(given, list) else [given], unknown_context=unknown_context)
        failed = [index for index, result in enumerate(results) if result["decision"] == "Error"]
        if fmt == "json":
            typer.echo(json.dumps(results if isinstance(given, list) else results[0], indent=2))
        elif fmt == "table":  # one line per request; why one cannot be evaluated goes to standard error
            for index, result in enumerate(results):
                reason = "" if index in failed else result.get("reason", "")
                typer.echo(f"{index}\t{result['decision']}\t{reason}")
        else:
            rows = [
                (
                    index,
                    result["decision"],
                    result["reason"],
                    _json_or_none(result.get("matched")),
                    _json_or_none(result.get("conditions")),
                    _json_or_none(result.get("deny_conditions")),
                    ", ".join(result.get("missing", [])) or None,
                )
                for index, result in enumerate(results)
            ]
            typer.echo(render(list(REQUEST_COLUMNS), rows, fmt), nl=False)
        for index in failed:
            request_name = f"request {index}: " if isinstance(given, list) else ""
            typer.echo(f"error: {request_name}{results[index]['reason']}", err=True)
        if failed:
            raise typer.Exit(2)
        return
    if not action:
        raise IamsqlError("--principal needs --action")
    _check_action(action, "simulate")
    con = dbmod.connect(db, read_only=True)
    answer = who.simulate_principal(
        con, principal, action, resource, _context_options(context), unknown_context=unknown_context
    )
    if fmt == "json":
        typer.echo(json.dumps(answer.as_dict(), indent=2))
        return
    if fmt != "table":
        typer.echo(render([*ANSWER_COLUMNS, "reason"], [(*_answer_row(answer), answer.reason)], fmt), nl=False)
        return
    typer.echo(f"{answer.decision}: {answer.reason}")
    for label in answer.granted_by:
        typer.echo(f"  granted by {label}")
    for block in answer.conditions:
        typer.echo(f"  if {json.dumps(block)}")
    for block in answer.deny_conditions:
        typer.echo(f"  unless {json.dumps(block)}")
    for label in answer.missing:
        typer.echo(f"  not known: {label}")


def who_can(
    action: Annotated[str, typer.Argument(help="The action, e.g. iam:PassRole or sts:AssumeRole.")],
    resource: ResourceOption = None,
    fmt: FormatOption = "table",
    db: DbOption = None,
) -> None:
    """List every principal in the loaded data that may perform an action, and how (direct, through a group,
    through an AssumeRole chain, as a federated or cross-account principal), with the conditions it depends on.
    A role or user ARN given without its IAM path (role/deploy for role/service-role/deploy) names the loaded one.

    \b
    Examples:
      iamsql who-can iam:PassRole
      iamsql who-can sts:AssumeRole --resource arn:aws:iam::123456789012:role/deploy
    """
    check_format(fmt)
    _check_action(action, "who-can")
    con = dbmod.connect(db, read_only=True)
    answers = who.who_can(con, action, resource)
    note = who.key_policy_note(con, action, resource)
    if note:
        typer.echo(f"note: {note}", err=True)
    typer.echo(render(list(ANSWER_COLUMNS), [_answer_row(a) for a in answers], fmt), nl=False)

"""The root of the command line: the typer application with ``--version``, and ``run(app)``, which turns errors and
Ctrl-C into one line on stderr and an exit code."""

from __future__ import annotations

import atexit
import os
import signal
import sys
import threading
from typing import Annotated, NoReturn

import typer
from typer import _click as click

from iamsql import __version__
from iamsql.common import scratch
from iamsql.errors import DUCKDB_INTERRUPTED, IamsqlError
from iamsql.store import journal


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"iamsql {__version__}")
        raise typer.Exit()


def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version_callback, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """iamsql: load AWS IAM and CloudTrail data into DuckDB, query it with Steampipe SQL, check it against
    controls mapped to OWASP NHI Top 10, NIST CSF 2.0 and NIST SP 800-207, and report to Excel."""


def new_app() -> typer.Typer:
    """The root application, ``--version`` and no commands yet (``iamsql.cli`` adds them)."""
    app = typer.Typer(
        name="iamsql",
        help="Steampipe-style SQL over AWS IAM and CloudTrail, compliance controls mapped to frameworks, "
        "and workbooks an auditor accepts.\n\n"
        "\b\nA first run, on the bundled sample (./iamsql.duckdb):\n"
        "  iamsql load --sample\n"
        "  iamsql query \"select name, mfa_enabled from aws_iam_user\"\n"
        "  iamsql check --fail-on none\n"
        "  iamsql report --out audit.xlsx\n\n"
        "'iamsql COMMAND --help' shows each command's options and examples.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
    )
    app.callback()(_root)
    return app


# What is true after Ctrl-C, by command, when no transaction has ended (else ``journal`` says what was stored or
# rolled back); any other command changes nothing.
INTERRUPTED = {
    "load": "nothing was loaded; the database is as it was",
    "check": "no check run was stored; the database is as it was",
    "collect": "nothing was collected; the database is as it was",
    "report": "no report was written",
    "export": "the export did not finish; run it again (it replaces the partitions it writes)",
    "evidence run": "the run did not complete: it does not count in history and the next run removes its hidden "
    ".incomplete-* folder",
}
_interrupt_said = False
_interrupt_requested = False
_terminated = False  # the interrupt was SIGTERM: said as "terminated", exit code 143
_late_signal = 0  # SIGINT or SIGTERM after the command finished, while the process ends (run(..., process_ends=True))
_closed_everything = False  # the command closed its database and files: see end_without_teardown


def say_interrupted(otherwise: str) -> None:
    """Print the one line that says what an interrupted command left (once per command): what it stored or rolled
    back (``journal``), else ``otherwise``. An evidence run stopped before it was marked complete says so."""
    global _interrupt_said
    if not _interrupt_said:
        _interrupt_said = True
        line = journal.interrupted(otherwise, "terminated" if _terminated else "interrupted")
        if (
            otherwise == INTERRUPTED["evidence run"]
            and (journal.stored or journal.rolled_back)
            and not any(s.startswith("evidence run") and " as complete " in s for s in journal.stored)
        ):
            line += f"; {otherwise}"
        typer.echo(line, err=True)


def _command_words(args: list[str]) -> str:
    """The command the arguments name: ``load``, ``evidence run``."""
    words = [a for a in args if not a.startswith("-")]
    return " ".join(words[:2]) if words[:1] in (["evidence"], ["exceptions"]) else " ".join(words[:1])


def _interrupted_command(args: list[str]) -> str:
    return INTERRUPTED.get(_command_words(args), "nothing was changed")


def _on_sigint(signum, frame) -> None:
    """Ctrl-C raises KeyboardInterrupt, as by default, and is remembered: DuckDB may turn it into an error."""
    global _interrupt_requested
    _interrupt_requested = True
    raise KeyboardInterrupt


def _on_sigterm(signum, frame) -> None:
    """SIGTERM (``systemctl stop``, a scheduler's timeout) stops a command as Ctrl-C does, with the same kind of
    line ("terminated ...") and the exit code of a process killed by it (143)."""
    global _terminated
    _terminated = True
    _on_sigint(signum, frame)


def _on_late_signal(signum, frame) -> None:
    """Ctrl-C or SIGTERM that arrives once the command has finished, while the process ends, is remembered and said
    by ``_end_after_late_signal`` rather than ending the process without a word (the default) or raising into the
    exit functions."""
    global _late_signal
    _late_signal = _late_signal or signum


def _end_after_late_signal() -> None:
    """The last exit function of the installed command: after a signal that arrived once the command had finished,
    the one line saying what it stored and that signal's exit code (130, 143), as during the command. Without one,
    both signals are ignored from here on (in every thread, DuckDB's too): Python's teardown, which follows, would
    restore their default and let them end the process without a word after the command's work was done."""
    if not _late_signal:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        return
    global _terminated
    _terminated = _late_signal == signal.SIGTERM
    how = "terminated" if _terminated else "interrupted"
    command = _command_words(sys.argv[1:])
    line = journal.interrupted("", how) if journal.stored else f"{how} after 'iamsql {command}' had finished"
    try:
        sys.stdout.flush()
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe or stream: the exit code still says it
        pass
    os._exit(_interrupt_code())


def _interrupt_code() -> int:
    """128 + the signal: 130 after Ctrl-C (SIGINT), 143 after SIGTERM."""
    return 128 + (signal.SIGTERM if _terminated else signal.SIGINT)


# Commands that answer for Powerpipe's benchmark run and Steampipe's query, and ``evidence run``, which runs the
# checks on a schedule, exit as those do when the command fails (bad input, a missing database): 254, their
# ExitCodeInsufficientOrWrongInputs, so that their 2 means only "a control errored" (docs/reports.md, "Exit codes";
# docs/scheduling.md). The other commands exit 2.
WRONG_INPUT = 254
WRONG_INPUT_COMMANDS = (("check",), ("query",), ("evidence", "run"))
# Powerpipe's benchmark-run flags that iamsql check has no option for, and what answers the same need
POWERPIPE_ONLY_FLAGS = {
    "--progress": "progress is drawn only when stderr is a terminal; --quiet hides it",
    "--max-parallel": "the controls run one after another on one database connection",
    "--query-timeout": "the controls run one after another on one database connection",
    "--var": "set a control's threshold with --param NAME=VALUE",
    "--benchmark": "choose a framework with --framework",
}
QUERY_FAILED = 41  # Steampipe's ExitCodeQueryExecutionFailed: a statement failed, the others ran


def _named(commands) -> str:
    return ", ".join(f"`{' '.join(command)}`" for command in commands)


# The exit codes of every command, as docs/cli.md ("Exit codes") shows them: (commands, code, meaning).
EXIT_CODES = (
    ("every command", "0",
     "done; for `check` and `evidence run`: nothing fails the threshold; `iamsql` or a group (`iamsql evidence`) "
     "alone prints its help, as Steampipe and Powerpipe"),
    ("`check`, `evidence run`", "1", "an alarm at or above `--fail-on` (`fail_on`), as Powerpipe's ExitCodeControlsAlarm"),
    ("`evidence verify`", "1", "a file added, removed or changed, a broken chain of runs, a missing or bad signature"),
    ("`check`, `evidence run`", "2",
     "a control errored (errors win over alarms; the run is stored, the evidence written), as Powerpipe's "
     "ExitCodeControlsError"),
    ("`simulate`", "2",
     "a request that cannot be evaluated: one `error:` line on stderr says why (`error: request N: ...` for a list); "
     "the results of every request still go to stdout (its `Error` row; `--format json`: its result object)"),
    ("every command but " + _named(WRONG_INPUT_COMMANDS) + " (`load`, `collect`, `report`, `diff`, `export`, "
     "`evidence verify`, `evidence list`, `exceptions check`, ...)", "2",
     "bad input or a failed command: an unknown option or value, a missing or unusable file or database, nothing "
     "to load (`collect`: nothing could be collected); one `error:` line, nothing stored"),
    ("`query`", str(QUERY_FAILED),
     "a statement failed (one `error:` line each); the others ran, as Steampipe's ExitCodeQueryExecutionFailed"),
    (_named(WRONG_INPUT_COMMANDS), str(WRONG_INPUT),
     "bad input or a failed command (the cases of 2 above; nothing is stored or written), as Powerpipe's and "
     "Steampipe's ExitCodeInsufficientOrWrongInputs, so that their 2 means only that a control errored"),
    ("every command", "130, 143",
     "stopped by Ctrl-C (130) or SIGTERM (143), also as it ends after its work: one line saying what was left or "
     "stored"),
)


def fail(message: str, code: int) -> None:
    """``error: <message>`` and exit ``code`` (``WRONG_INPUT`` for 2 from ``WRONG_INPUT_COMMANDS``); after Ctrl-C,
    the interrupt line and 130 instead (DuckDB reports some interrupts as errors: "numpy is required",
    "Interrupted")."""
    if _interrupt_requested:
        say_interrupted(_interrupted_command(sys.argv[1:]))
        sys.exit(_interrupt_code())
    typer.echo(f"error: {message}{journal.after_failure()}", err=True)
    words = tuple(a for a in sys.argv[1:] if not a.startswith("-"))  # the root and groups take no option with a value
    wrong_input = code == 2 and any(words[: len(command)] == command for command in WRONG_INPUT_COMMANDS)
    sys.exit(WRONG_INPUT if wrong_input else code)


class _NoDatabaseError(Exception):
    """Stands for DuckDB's errors until a command imports DuckDB (``iamsql --help`` never does)."""


def _database_errors() -> type[Exception]:
    """``duckdb.Error`` once a command has imported DuckDB (only then can one be raised)."""
    duckdb = sys.modules.get("duckdb")
    return duckdb.Error if duckdb is not None else _NoDatabaseError


def end_without_teardown() -> None:
    """Said by a command that has closed its database and files when it finishes: the installed command then ends
    the process without Python's teardown (``exit_now``)."""
    global _closed_everything
    _closed_everything = True


def exit_now(code: int) -> NoReturn:
    """End the process with ``code`` when the last command said ``end_without_teardown`` and no other thread runs
    (Python's exit would wait for it): as Python's exit would (its exit functions run, the output is flushed) but
    without first freeing every module and object, memory the system takes back anyway (~0.1 CPU-s of a ~2
    CPU-s ``evidence run``, most of it openpyxl's, DuckDB's, NumPy's and typer's modules). Otherwise, or when a
    flush fails (a closed pipe), Python's exit."""
    if not _closed_everything or threading.active_count() > 1:
        sys.exit(code)
    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:
        sys.exit(code)
    os._exit(code)


def _sql_comment_as_option(exc: click.exceptions.ClickException) -> bool:
    """An ``iamsql query`` argument click took for an option that is SQL: it starts with ``--`` and holds white
    space, which no option name does (``-- users without MFA`` then a query)."""
    context = getattr(exc, "ctx", None)
    name = getattr(exc, "option_name", "") or ""
    return (isinstance(exc, click.exceptions.NoSuchOption) and context is not None
            and context.command_path == "iamsql query" and name.startswith("--") and any(c.isspace() for c in name))


def run(app: typer.Typer, *, process_ends: bool = False) -> None:
    """Run ``app`` as the console entry point, turning known failures into one line and an exit code. Ctrl-C exits 130
    with one line saying what is left (typer turns KeyboardInterrupt into a silent exit 130; DuckDB turns it
    into a RuntimeError when it arrives during a query); SIGTERM likewise, 143. With ``process_ends`` (the installed
    command) the process ends after the command: a signal arriving then is said the same way at exit."""
    ours_sigint = signal.getsignal(signal.SIGINT) is signal.default_int_handler  # not when started with Ctrl-C ignored
    if ours_sigint:
        signal.signal(signal.SIGINT, _on_sigint)
    before_sigterm = signal.getsignal(signal.SIGTERM)
    if before_sigterm == signal.SIG_DFL:  # not when started with SIGTERM ignored or handled by the caller
        signal.signal(signal.SIGTERM, _on_sigterm)
    global _closed_everything, _terminated, _late_signal, _interrupt_said, _interrupt_requested
    _closed_everything = _terminated = _interrupt_said = _interrupt_requested = False
    _late_signal = 0
    if process_ends:
        atexit.register(_end_after_late_signal)  # before any other: the last to run
    journal.reset()
    try:
        scratch.use_private_tempdir()
        code = app(prog_name="iamsql", standalone_mode=False)  # click's errors come here, not as its box
    except click.exceptions.NoArgsIsHelpError as exc:  # a bare group (iamsql, iamsql evidence): its help on standard
        typer.echo(exc.ctx.get_help())  # output and exit 0, as Steampipe and Powerpipe do
        sys.exit(0)
    except click.exceptions.ClickException as exc:  # unknown option, missing argument, bad value: one line
        context = getattr(exc, "ctx", None)
        hint = f" (see '{context.command_path} --help')" if context is not None else ""
        if (isinstance(exc, click.exceptions.NoSuchOption) and exc.option_name in POWERPIPE_ONLY_FLAGS
                and context is not None and context.command_path == "iamsql check"):
            hint = f" (Powerpipe's; {POWERPIPE_ONLY_FLAGS[exc.option_name]})"
        if _sql_comment_as_option(exc):
            fail("SQL that starts with a '--' comment is read as an option: put -- before it (iamsql query -- "
                 "\"-- ...\"), or give it as a .sql file, --file FILE or on stdin", 2)
        fail(" ".join(exc.format_message().split()) + hint, 2)
    except typer.Abort:
        fail("aborted", 1)
    except SystemExit as exc:
        if exc.code == 130:
            say_interrupted(_interrupted_command(sys.argv[1:]))
            sys.exit(_interrupt_code())
        if exc.code == 1 and isinstance(exc.__context__, BrokenPipeError):  # typer's exit for a closed pipe (| head)
            sys.exit(0)
        raise
    except IamsqlError as exc:
        for warning in exc.warnings:
            typer.echo(f"warning: {warning}", err=True)
        fail(str(exc), exc.exit_code)
    except _database_errors() as exc:  # evaluated when an exception arrives
        fail(str(exc).splitlines()[0], 2)
    except KeyboardInterrupt:
        say_interrupted(_interrupted_command(sys.argv[1:]))
        sys.exit(_interrupt_code())
    except RecursionError:  # a reader that did not name its input (a RuntimeError: before that clause)
        fail("input nested too deeply to read (deeper than Python's recursion limit)", 2)
    except RuntimeError as exc:
        if str(exc) != DUCKDB_INTERRUPTED:
            raise
        say_interrupted(_interrupted_command(sys.argv[1:]))
        sys.exit(_interrupt_code())
    except BrokenPipeError:
        sys.exit(0)
    finally:  # the command has finished: a signal from here on is a late one (or the caller's again)
        if before_sigterm == signal.SIG_DFL:
            signal.signal(signal.SIGTERM, _on_late_signal if process_ends else signal.SIG_DFL)
        if ours_sigint and process_ends:
            signal.signal(signal.SIGINT, _on_late_signal)
        scratch.release()
    if code == 130:  # Ctrl-C that typer turned into its exit code
        say_interrupted(_interrupted_command(sys.argv[1:]))
        code = _interrupt_code()
    sys.exit(code if isinstance(code, int) else 0)

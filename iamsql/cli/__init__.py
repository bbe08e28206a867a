"""The ``iamsql`` command line: a thin typer layer over the library. Each command parses options, calls one
library function and prints; errors become one line on stderr and a non-zero exit code.

One module per group of commands; ``COMMANDS`` lists them in the order ``iamsql --help`` shows them. Library
modules that are slow to import are imported when a command first uses them, so ``--help`` and a query with its
translation cached start fast: so is rich's help renderer, hence click's plain help (typer reads
``TYPER_USE_RICH`` when first imported)."""

import os

os.environ.setdefault("TYPER_USE_RICH", "0")

import gc
import sys
from collections.abc import Iterable
from functools import cache

import typer

from iamsql.cli import check, collect, data, evidence, exceptions, policy, query, report
from iamsql.cli.options import bare_header
from iamsql.cli.root import INTERRUPTED, exit_now, fail, new_app, run, say_interrupted
from iamsql.errors import IamsqlError

__all__ = ["COMMANDS", "INTERRUPTED", "app", "build_app", "main", "say_interrupted"]

# Every command and group of commands by name, in the order of ``iamsql --help``.
COMMANDS: dict[str, object] = {
    "tables": data.tables,
    "schema": data.schema,
    "query": query.query,
    "simulate": policy.simulate,
    "who-can": policy.who_can,
    "load": data.load,
    "frameworks": check.frameworks,
    "check": check.check,
    "controls": check.controls,
    "report": report.report,
    "collect": collect.collect,
    "diff": report.diff,
    "export": data.export,
    "evidence": evidence.evidence_app,
    "exceptions": exceptions.exceptions_app,
}


def build_app(names: Iterable[str] = COMMANDS) -> typer.Typer:
    """The application with the commands ``names`` (every command by default)."""
    app = new_app()
    for name in names:
        command = COMMANDS[name]
        if isinstance(command, typer.Typer):
            app.add_typer(command, name=name)
        else:
            app.command(name)(command)
    return app


def main(*, process_ends: bool = False) -> None:
    """Console entry point. typer builds every command it holds at each start (~50 ms for all of them), so a
    command line that names a command runs an application holding that one only; anything else (``--help``,
    ``--version``, a mistyped command) gets them all, for the list or the error. ``process_ends``: see
    ``root.run``."""
    words = sys.argv[1:]
    if words and words[0] == "query":
        try:
            sys.argv[1:] = words = query.steampipe_timing(words)
        except IamsqlError as exc:  # before run(), which says the errors of the command it runs
            fail(str(exc), exc.exit_code)
    if words and words[0] in ("query", "check"):
        sys.argv[1:] = bare_header(words)
    run(build_app([words[0]] if words and words[0] in COMMANDS else COMMANDS), process_ends=process_ends)


# New container objects between two passes of the cyclic garbage collector over the youngest ones, in the installed
# command's process (Python's default: 700). A command's imports make tens of thousands of objects (modules, classes,
# functions) that live as long as the process: at 700 the collector passed over them ~120 times during the imports
# of an evidence run of Cloudsplaining's example, once over the whole heap, freeing nothing (0.07 of its ~0.10 CPU-s
# of collection); at 20,000 the run's collection takes 0.03-0.05 CPU-s. Cycles are freed as before, later.
COLLECTOR_THRESHOLD = 20_000

# Threads of NumPy's OpenBLAS in the installed command's process, unless the environment names a number. NumPy's
# import starts its BLAS's thread pool (a thread per core beyond the first, each using CPU as it starts), and DuckDB
# imports NumPy for the dialect's first Python function, openpyxl for its number types; iamsql does no linear
# algebra. One thread: ~0.02-0.03 CPU-s less for each check and report on a 2-core machine, more with more cores.
BLAS_THREADS = "1"


def console() -> None:
    """The installed ``iamsql`` command: ``main`` with the collector's threshold raised (``COLLECTOR_THRESHOLD``)
    and NumPy's BLAS at one thread (``BLAS_THREADS``), whose process then ends without Python's teardown when the
    command allows it (``root.exit_now``). ``main`` itself only raises ``SystemExit`` and leaves the collector and
    the environment as they are, for callers in a process that goes on."""
    gc.set_threshold(COLLECTOR_THRESHOLD, *gc.get_threshold()[1:])
    os.environ.setdefault("OPENBLAS_NUM_THREADS", BLAS_THREADS)
    try:
        main(process_ends=True)
    except SystemExit as exc:
        if isinstance(exc.code, int):
            exit_now(exc.code)
        raise


@cache
def _whole_app() -> typer.Typer:
    return build_app()


def __getattr__(name: str) -> typer.Typer:
    """``iamsql.cli.app``: the application with every command (for typer's test runner and the docs)."""
    if name == "app":
        return _whole_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

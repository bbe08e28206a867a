"""The ``iamsql`` command line: a thin typer layer over the library. Each command parses options, calls one
library function and prints; errors become one line on stderr and a non-zero exit code.

One module per group of commands; this one adds them to the application in the order ``iamsql --help`` lists
them. Library modules that are slow to import are imported when a command first uses them, so ``--help`` and a
query with its translation cached start fast: so is rich's help renderer, hence click's plain help (typer reads
``TYPER_USE_RICH`` when first imported)."""

import os

os.environ.setdefault("TYPER_USE_RICH", "0")


from iamsql.cli.check import check, controls, frameworks
from iamsql.cli.collect import collect
from iamsql.cli.data import export, load, schema, tables
from iamsql.cli.evidence import evidence_app
from iamsql.cli.exceptions import exceptions_app
from iamsql.cli.policy import simulate, who_can
from iamsql.cli.query import query
from iamsql.cli.report import diff, report
from iamsql.cli.root import INTERRUPTED, app, main, say_interrupted

__all__ = ["INTERRUPTED", "app", "main", "say_interrupted"]

for command in (tables, schema, query, simulate):
    app.command()(command)
app.command("who-can")(who_can)
for command in (load, frameworks, check, controls, report, collect, diff, export):
    app.command()(command)
app.add_typer(evidence_app, name="evidence")
app.add_typer(exceptions_app, name="exceptions")

"""The ``iamsql`` command line: a thin typer layer over the library. Each command parses options, calls one
library function and prints; errors become one line on stderr and a non-zero exit code.

One module per group of commands; this one adds them to the application in the order ``iamsql --help`` lists
them. Library modules that are slow to import are imported when a command first uses them, so ``--help`` and a
query with its translation cached start fast: so is rich's help renderer, hence click's plain help (typer reads
``TYPER_USE_RICH`` when first imported)."""

import os

os.environ.setdefault("TYPER_USE_RICH", "0")


from iamsql.cli import check, collect, data, evidence, exceptions, policy, query, report
from iamsql.cli.root import INTERRUPTED, app, main, say_interrupted

__all__ = ["INTERRUPTED", "app", "main", "say_interrupted"]

for command in (data.tables, data.schema, query.query, policy.simulate):
    app.command()(command)
app.command("who-can")(policy.who_can)
for command in (
    data.load,
    check.frameworks,
    check.check,
    check.controls,
    report.report,
    collect.collect,
    report.diff,
    data.export,
):
    app.command()(command)
app.add_typer(evidence.evidence_app, name="evidence")
app.add_typer(exceptions.exceptions_app, name="exceptions")

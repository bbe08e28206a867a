"""Options that several commands share, each declared once, and the check of a ``--format`` value."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from iamsql.common.safe_write import in_existing_folder, is_stdout
from iamsql.errors import IamsqlError, WriteError
from iamsql.sql.output import FORMATS


def database_file(value: Path | None) -> Path | None:
    """Refuse a ``--db`` that names a folder before anything opens it: ``--db ""`` (the current folder, as a path
    reads the empty text) said only that DuckDB could not read ``.``."""
    if value is not None and value.is_dir():
        if str(value) == ".":
            raise typer.BadParameter("empty (or '.'), which is the current folder, not a database file; give a file "
                                     "such as iamsql.duckdb, or leave --db out for ./iamsql.duckdb")
        raise typer.BadParameter(f"{value} is a folder, not a database file; give a file such as "
                                 f"{value / 'iamsql.duckdb'}")
    return value


def new_in_existing_folder(value: Path | list[Path] | None) -> Path | list[Path] | None:
    """Refuse, naming the option, a file or folder to create whose folder does not exist (iamsql creates the one
    named, never the folders above it), before anything is read or written; ``-`` (standard output) passes."""
    for path in value if isinstance(value, list) else [value] if value is not None else []:
        if not is_stdout(path):
            try:
                in_existing_folder(path)
            except WriteError as exc:
                raise typer.BadParameter(str(exc)) from None
    return value


def existing_folder(value: Path | None) -> Path | None:
    """Refuse, naming the option, a folder to read that does not exist or is a file."""
    if value is not None and not value.is_dir():
        raise typer.BadParameter(f"{value} is not a folder" if value.exists() else f"folder {value} does not exist")
    return value


def resource_arn(value: str | None) -> str | None:
    """Warn about a ``--resource`` that is neither an ARN (``arn:partition:service:region:account-id:resource``, six
    parts) nor ``*`` (the resource of actions without resource-level permissions): no policy statement naming
    ARNs matches it, so the answer is only what ``*`` grants."""
    if value not in (None, "*") and (not value.startswith("arn:") or len(value.split(":", 5)) < 6):
        typer.echo(f"warning: --resource {value!r} is not an ARN (arn:partition:service:region:account-id:resource); "
                   "only statements with Resource \"*\" or a wildcard pattern matching it apply", err=True)
    return value


DbOption = Annotated[
    Optional[Path],
    typer.Option("--db", envvar="IAMSQL_DB", callback=database_file,
                 help="DuckDB database file (default ./iamsql.duckdb)."),
]
FormatOption = Annotated[
    str,
    typer.Option(
        "--format",
        "-o",
        "--output",
        help="Output format: table (cut to the terminal's width, whole in a pipe or file), csv, json, jsonl, line or md (full text).",
    ),
]
MappingsOption = Annotated[
    Optional[Path],
    typer.Option("--mappings", envvar="IAMSQL_MAPPINGS",
                 help="A folder of your own framework mappings (<framework>.yaml, catalogs/ optional) instead of the "
                 "shipped ones."),
]
QueriesOption = Annotated[
    Optional[Path],
    typer.Option("--queries", callback=existing_folder, help="A folder of your own controls instead of the shipped ones."),
]
FrameworksOption = Annotated[
    Optional[list[str]], typer.Option("--framework", help="Only controls mapped to this framework (repeatable).")
]
ResourceOption = Annotated[
    Optional[str],
    typer.Option("--resource", callback=resource_arn,
                 help="Resource ARN (default: a resource of the action's kind that no policy names)."),
]
HeaderOption = Annotated[
    str,
    typer.Option(
        "--header",
        metavar="true|false",
        help="Column names in csv and table output, as Steampipe's --header (bare: on; --header=false: the rows alone).",
    ),
]
SeparatorOption = Annotated[
    str, typer.Option("--separator", metavar="<char>", help="The field separator of csv output, as Steampipe's.")
]
StepsQuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress line on the terminal.")]
ListOption = Optional[list[str]]


def check_format(fmt: str, also: tuple[str, ...] = ()) -> None:
    """Refuse an output format ``render`` does not know, nor the command ``also`` takes."""
    if fmt not in (*FORMATS, *also):
        raise IamsqlError(f"unknown format {fmt!r}; choose one of {', '.join((*FORMATS, *also))}")


# the texts Go's strconv.ParseBool takes, as Steampipe's --header=false does
_BOOLEANS = {
    **dict.fromkeys(("1", "t", "T", "TRUE", "true", "True"), True),
    **dict.fromkeys(("0", "f", "F", "FALSE", "false", "False"), False),
}


def bare_header(words: list[str]) -> list[str]:
    """The words of a command line with a bare ``--header`` (Steampipe's flag, on when it stands alone) as
    ``--header=true``; one followed by a true/false text keeps that value."""
    return ["--header=true" if word == "--header" and (words[i + 1:i + 2] or [""])[0] not in _BOOLEANS else word
            for i, word in enumerate(words)]


def header_flag(value: str) -> bool:
    """The value of ``--header``: true or false (also 1/0, t/f, TRUE/FALSE)."""
    if value not in _BOOLEANS:
        raise IamsqlError(f"--header takes true or false, not {value!r}")
    return _BOOLEANS[value]


def check_separator(separator: str) -> None:
    """Refuse a csv separator that is not one character, or one that csv gives a meaning (quote, CR, LF)."""
    if len(separator) != 1 or separator in '"\r\n':
        raise IamsqlError(
            f"--separator takes one character other than a double quote or a line break, not {separator!r}"
        )

"""Write the two reference pages that are generated from the code: docs/cli.md and docs/control-catalog.md.

    python docs/generate.py          # rewrite both pages (``make docs``)
    python docs/generate.py --check  # exit 1 and name the stale pages (tests/test_docs.py runs this)

The CLI reference comes from the typer application (every command, argument and option, as ``--help`` shows
them); the control catalog from the control headers in ``queries/`` and the framework mappings in ``mappings/``.
"""

import re
import sys
from pathlib import Path

import typer.main

from iamsql import frameworks
from iamsql.cli import app
from iamsql.cli.root import EXIT_CODES
from iamsql.controls.catalog import load_controls

DOCS = Path(__file__).resolve().parent


def _cell(text: str) -> str:
    """A Markdown table cell: one line, pipes escaped."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _commands(group, path: tuple[str, ...] = ()):
    """Every command below ``group`` (a click group as typer builds it) in name order, as (path, command); groups
    before their subcommands."""
    for name in sorted(group.commands):
        command = group.commands[name]
        yield (*path, name), command
        if hasattr(command, "commands"):
            yield from _commands(command, (*path, name))


def _parameter_rows(command) -> list[str]:
    rows = []
    for param in command.params:
        if param.name == "help":
            continue
        if param.param_type_name == "argument":
            flags = f"`{param.name.upper()}`" + ("" if param.required else " (optional)")
        else:
            flags = ", ".join(f"`{opt}`" for opt in [*param.opts, *param.secondary_opts])
        help_text = getattr(param, "help", None) or ""
        default = param.default if param.param_type_name == "option" and param.show_default is not False else None
        if default not in (None, False, (), []) and not callable(default):
            help_text += f" Default: `{default}`."
        envvar = getattr(param, "envvar", None)
        if envvar:
            help_text += f" Environment: `{envvar}`."
        rows.append(f"| {flags} | {_cell(help_text)} |")
    return rows


def _help_examples(command) -> list[str]:
    """The command lines of the ``Example:``/``Examples:`` paragraph of a command's help."""
    for paragraph in (command.help or "").split("\n\n"):
        found = re.match(r"Examples?:(.*)", paragraph.replace("\b", "").strip(), re.S)
        if found:
            return [line.strip() for line in found[1].splitlines() if line.strip()]
    return []


def cli_reference() -> str:
    root = typer.main.get_command(app)
    lines = [
        "# Command reference",
        "",
        "Generated from the command-line application by `make docs` (`python docs/generate.py`); the other pages",
        "explain each command further. `iamsql COMMAND --help` prints the same text and examples.",
        "",
    ]
    for path, command in _commands(root):
        name = " ".join(path)
        lines += [f"## `iamsql {name}`", ""]
        summary = (command.help or "").split("\n\n")[0].strip()
        if summary:
            lines += [" ".join(summary.split()), ""]
        examples = _help_examples(command)
        if examples:
            lines += ["```sh", *examples, "```", ""]
        if hasattr(command, "commands"):
            lines += ["Subcommands: " + ", ".join(f"`{sub}`" for sub in sorted(command.commands)) + ".", ""]
            continue
        rows = _parameter_rows(command)
        if rows:
            lines += ["| Argument or option | Meaning |", "|---|---|", *rows, ""]
    lines += ["## Exit codes", "", "Every error is one `error: ...` line on stderr, never a traceback.", "",
              "| Command | Exit code | Meaning |", "|---|---|---|",
              *(f"| {_cell(commands)} | {code} | {_cell(meaning)} |" for commands, code, meaning in EXIT_CODES), ""]
    return "\n".join(lines)


def control_catalog() -> str:
    mapped: dict[str, list[str]] = {}
    for framework in frameworks.load_frameworks().values():
        for requirement in framework.requirements:
            for control_id in requirement.controls:
                mapped.setdefault(control_id, []).append(f"{framework.id} {requirement.id}")
    lines = [
        "# Control catalog",
        "",
        "Every control shipped in `queries/`, generated from the control headers and the framework mappings by",
        "`make docs` (`python docs/generate.py`). [controls.md](controls.md) explains how controls run and how to",
        "write one; [frameworks.md](frameworks.md) how requirements roll up.",
        "",
        "| Control | Severity | Resource type | Title | Requirements |",
        "|---|---|---|---|---|",
    ]
    for control in sorted(load_controls(), key=lambda c: c.id):
        requirements = "<br>".join(sorted(mapped.get(control.id, []))) or "(not mapped)"
        lines.append(f"| `{control.id}` | {control.severity} | {_cell(control.resource_type)} "
                     f"| {_cell(control.title)} | {requirements} |")
    return "\n".join(lines) + "\n"


PAGES = {"cli.md": cli_reference, "control-catalog.md": control_catalog}


def main(argv: list[str]) -> int:
    stale = []
    for page, build in PAGES.items():
        text = build()
        path = DOCS / page
        if "--check" in argv:
            if not path.exists() or path.read_text() != text:
                stale.append(page)
        else:
            path.write_text(text)
    if stale:
        print("stale: " + ", ".join(f"docs/{page}" for page in stale) + " (run: make docs)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

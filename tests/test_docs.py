"""The docs cover the product: every command has prose with an example, every example is a valid invocation,
and the generated pages (docs/cli.md, docs/control-catalog.md) match the code."""

import contextlib
import io
import re
import runpy
import shlex
from pathlib import Path

import pytest
import typer
import typer.main

from iamsql.cli import app

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
GENERATED = {"cli.md", "control-catalog.md"}
ROOT_COMMAND = typer.main.get_command(app)
_SHELL_ENDS = {"|", "||", "&&", ";", ">", ">>", "2>", "2>&1", "<"}


def _leaf_commands(group, path: tuple[str, ...] = ()):
    """The runnable commands below a (typer-built click) group, as space-separated paths."""
    for name, command in sorted(group.commands.items()):
        if hasattr(command, "commands"):
            yield from _leaf_commands(command, (*path, name))
        else:
            yield " ".join((*path, name))


def _shell_blocks(text: str):
    """The fenced code blocks of a Markdown page whose language is a shell or unnamed, as text."""
    block, language = None, None
    for line in text.splitlines():
        fence = re.match(r"\s*```(\S*)", line)
        if fence and block is None:
            block, language = [], fence.group(1)
        elif fence:
            if language in ("", "bash", "sh", "shell", "console"):
                yield "\n".join(block)
            block = None
        elif block is not None:
            block.append(line)


def _python_imports() -> list[tuple[str, str]]:
    """Every ``import`` line of a Python block in the hand-written docs, as (page, line)."""
    found = []
    for page in PAGES:
        if page.name in GENERATED:
            continue
        for block in re.findall(r"```python\n(.*?)```", page.read_text(), re.S):
            found += [(page.name, line.strip()) for line in block.splitlines()
                      if re.match(r"\s*(from iamsql\S* import |import iamsql)", line)]
        # python -c '...' inside shell examples, e.g. the path of the bundled sample
        found += [(page.name, code) for code in re.findall(r"python3? -c '([^']*)'", page.read_text()) if "iamsql" in code]
    return found


def _examples() -> list[tuple[str, str]]:
    """Every ``iamsql ...`` line of a shell block in the docs (in docs/cli.md: the examples of each --help), as
    (page, line)."""
    found = []
    for page in PAGES:
        if page.name == "control-catalog.md":
            continue
        for block in _shell_blocks(page.read_text()):
            for line in block.replace("\\\n", " ").splitlines():
                line = line.strip().removeprefix("$ ")
                # a synopsis ("iamsql diff [--from RUN]") or a diagram ("iamsql collect --> ...") is not an example
                if line.startswith("iamsql ") and "[-" not in line and "-->" not in line:
                    found.append((page.name, line))
    return found


@pytest.mark.parametrize("command", list(_leaf_commands(ROOT_COMMAND)))
def test_every_command_has_an_example_in_the_docs(command):
    examples = [line for _, line in _examples() if re.match(rf"iamsql {re.escape(command)}(\s|$)", line)]
    assert examples, f"no example of `iamsql {command}` in a shell block of README.md or docs/"


def _all_commands(command, path: tuple[str, ...] = ("iamsql",)):
    """Every command below (and including) a group, groups too, as (name, command)."""
    yield " ".join(path), command
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from _all_commands(sub, (*path, name))


@pytest.mark.parametrize("name,command", list(_all_commands(ROOT_COMMAND)),
                         ids=[name for name, _ in _all_commands(ROOT_COMMAND)])
def test_every_help_shows_an_example(name, command):
    assert re.search(r"^\s*(Examples?:|A first run)", command.help or "", re.M), f"`{name} --help` shows no example"


@pytest.mark.parametrize("page,line", _examples())
def test_every_example_is_a_valid_invocation(page, line):
    """Each example parses against the real command: the command exists, every option is known, values fit."""
    words = shlex.split(line, comments=True)
    for i, word in enumerate(words):
        if word in _SHELL_ENDS or word.startswith((">", "2>")):
            words = words[:i]
            break
    command, args, name = ROOT_COMMAND, words[1:], ["iamsql"]
    while hasattr(command, "commands") and args and args[0] in command.commands:
        name.append(args[0])
        command = command.commands[args.pop(0)]
    assert not hasattr(command, "commands"), f"{page}: `{line}` names no command"
    try:
        command.make_context(" ".join(name), list(args))
    except typer.Exit:
        pass
    except Exception as error:  # click's usage errors (typer vendors click) say what is wrong in format_message
        if not hasattr(error, "format_message"):
            raise
        if re.fullmatch(r"folder \S+ does not exist", getattr(error, "message", "")):
            return  # a folder of the reader's (--queries my-controls/): the invocation itself parsed
        pytest.fail(f"{page}: `{line}`: {error.format_message()}")


def _unintended_expansions(line: str) -> list[str]:
    """What a POSIX shell would expand in ``line`` outside single quotes besides ``$(...)``: ``$[...]`` (bash's
    arithmetic), ``${...}``, ``$name``, ``$1``, ``$*`` and backquotes, each as the text from its ``$``."""
    found, quote, i = [], None, 0
    while i < len(line):
        char = line[i]
        if quote == "'":
            quote = None if char == "'" else quote
        elif char == "\\":
            i += 1
        elif char == "'" and quote is None or char == '"':
            quote = None if quote == char else char
        elif char == "`" or char == "$" and re.match(r"[\[{A-Za-z_0-9*@#?$!-]", line[i + 1:i + 2]):
            found.append(line[i:i + 8])
        i += 1
    return found


@pytest.mark.parametrize("page,line", _examples())
def test_every_example_reaches_iamsql_as_written(page, line):
    """The shell hands each example to iamsql unchanged: loading.md's `"... json_extract(s.sources, '$[*]') ..."`
    was bash's arithmetic `$[*]`, a syntax error before iamsql ran."""
    assert _unintended_expansions(line) == [], f"{page}: `{line}`"


@pytest.mark.parametrize("page,line", _python_imports())
def test_every_python_import_in_the_docs_works(page, line):
    """The library examples import what exists (a module that moved breaks them)."""
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            exec(line, {})
    except (ImportError, AttributeError) as error:
        pytest.fail(f"{page}: `{line}`: {error}")


def test_every_option_is_in_the_command_reference():
    reference = (ROOT / "docs" / "cli.md").read_text()
    missing = []
    for command in _leaf_commands(ROOT_COMMAND):
        section = reference.split(f"## `iamsql {command}`", 1)[-1].split("\n## ", 1)[0]
        target = ROOT_COMMAND
        for word in command.split():
            target = target.commands[word]
        missing += [f"{command} {opt}" for param in target.params for opt in param.opts
                    if opt.startswith("--") and opt != "--help" and f"`{opt}`" not in section]
    assert not missing


def test_generated_pages_match_the_code(capsys):
    generate = runpy.run_path(str(ROOT / "docs" / "generate.py"), run_name="docs_generate")
    assert generate["main"](["--check"]) == 0, capsys.readouterr().err


def test_every_shipped_control_is_in_the_catalog():
    catalog = (ROOT / "docs" / "control-catalog.md").read_text()
    shipped = {path.stem for path in (ROOT / "queries").glob("*.sql")}
    assert shipped and not {control for control in shipped if f"`{control}`" not in catalog}


def test_readme_names_what_make_demo_leaves():
    """The README's paths to the demo's database, workbook and evidence are the ones the Makefile writes."""
    makefile = (ROOT / "Makefile").read_text()
    demo_dir = re.search(r"^DEMO_DIR := (\S+)$", makefile, re.M)[1]
    written = {f"{demo_dir}/{name}" for name in re.findall(r"\$\(DEMO_DIR\)/(\S+?)(?=\s|$)", makefile)}
    named = set(re.findall(rf"`(?:IAMSQL_DB=)?({re.escape(demo_dir)}/[^`/]+)/?`", (ROOT / "README.md").read_text()))
    assert named and named <= written, (named, written)

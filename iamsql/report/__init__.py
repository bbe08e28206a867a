"""``iamsql report`` and ``iamsql check --export``: one check run as an Excel workbook, CSV, JSON, OCSF (JSON
array or JSON lines), ASFF (Security Hub), Markdown, SARIF, JUnit XML or a self-contained HTML page.

``WRITERS`` is the one registry of formats, used by both commands; ``format_for`` reads the format from a file
name (``findings.ocsf.json``, ``results.sarif``...). ``write_report(con, out, fmt=..., frameworks=..., run_id=...)``
gathers the run once (``model.build_report``) and hands it to one writer. The file is written beside its destination and renamed into place, so a failed
report never leaves a half-written file, and only a new path or a regular file is replaced
(``safe_write``); ``out`` ``-`` streams a text format to standard output.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

import duckdb

from iamsql.common.safe_write import STDOUT, is_stdout, replacing
from iamsql.errors import ReportError, WriteError, first_line
from iamsql.report.model import Report, build_report

# format -> (module of iamsql.report, its writer, binary?); a writer's module is imported when its format is written
# (``writer``): a command writes one or a few formats, and the workbook's alone imports openpyxl
WRITERS = {
    "xlsx": ("xlsx", "write_xlsx", True),
    "csv": ("benchmark", "write_benchmark_csv", False),
    "findings-csv": ("csvout", "write_csv", False),
    "json": ("benchmark", "write_benchmark_json", False),
    "iamsql-json": ("jsonout", "write_json", False),
    "ocsf": ("ocsf", "write_ocsf", False),
    "ocsf-jsonl": ("ocsf", "write_ocsf_lines", False),
    "asff": ("asff", "write_asff", False),
    "md": ("markdown", "write_markdown", False),
    "sarif": ("sarif", "write_sarif", False),
    "junit": ("junit", "write_junit", False),
    "html": ("html", "write_html", False),
}
FORMATS = tuple(WRITERS)
# file name ending -> format; the longest matching ending wins (``x.ocsf.json`` is OCSF, ``x.json`` JSON)
EXTENSIONS = {".xlsx": "xlsx", ".csv": "csv", ".findings.csv": "findings-csv", ".json": "json", ".iamsql.json": "iamsql-json", ".ocsf.json": "ocsf", ".ocsf": "ocsf",
              ".ocsf.jsonl": "ocsf-jsonl", ".jsonl": "ocsf-jsonl", ".asff.json": "asff", ".asff": "asff", ".md": "md",
              ".markdown": "md", ".sarif": "sarif", ".sarif.json": "sarif", ".xml": "junit", ".html": "html", ".htm": "html"}

__all__ = ["FORMATS", "Report", "ReportError", "build_report", "check_exports", "contradicted_format", "export_path",
           "export_run", "format_for", "gather", "report_text", "write_report"]


def contradicted_format(out: Path, fmt: str) -> str | None:
    """The format ``out``'s extension names when ``fmt`` writes files that never end in it (``x.xlsx`` with csv:
    ``xlsx``), else None: an unknown extension, or one an ending of ``fmt`` shares (``x.json`` with ocsf, whose
    ``.ocsf.json`` ends in ``.json``), contradicts nothing."""
    suffix = out.suffix.lower()
    named = EXTENSIONS.get(suffix)
    if named is None or any(ending.endswith(suffix) for ending, f in EXTENSIONS.items() if f == fmt):
        return None
    return named


def format_for(out: Path, fmt: str | None) -> str:
    """The output format: ``fmt`` if given, else from the file extension (none: xlsx)."""
    if fmt is not None:
        if fmt in POWERPIPE_ONLY_FORMATS:  # nunit3, pps: what Powerpipe users ask for
            raise ReportError(f"--format {fmt}: {written_instead(fmt, '--format')}")
        if fmt not in WRITERS:
            raise ReportError(f"unknown report format {fmt!r}; choose one of {', '.join(FORMATS)}")
        return fmt
    name = out.name.lower()
    if not out.suffix:
        return "xlsx"
    endings = sorted((e for e in EXTENSIONS if name.endswith(e)), key=len, reverse=True)
    if not endings and (theirs := _powerpipe_extension(out)):  # x.pps, as Powerpipe names its snapshot files
        raise ReportError(f"{out.name}: {written_instead(theirs, '--format')}")
    if not endings:
        raise ReportError(f"cannot tell the format from {out.name!r}; use --format ({', '.join(FORMATS)}) "
                          f"or an extension ({', '.join(EXTENSIONS)})")
    return EXTENSIONS[endings[0]]


def writer(fmt: str) -> Callable:
    """The function that writes ``fmt`` (a format of ``WRITERS``), its module imported on first use."""
    module, function, _binary = WRITERS[fmt]
    return getattr(importlib.import_module(f"{__name__}.{module}"), function)


def write_report(
    con: duckdb.DuckDBPyConnection,
    out: str | os.PathLike,
    *,
    fmt: str | None = None,
    frameworks: list[str] | None = None,
    run_id: int | None = None,
    queries_dir: Path | None = None,
    extra_controls: list | None = None,
    progress: Callable[[str], None] | None = None,
    on_total: Callable[[int], None] | None = None,
    report: Report | None = None,
) -> Path:
    """Write one check run (default: the latest) for the given frameworks (default: all) to ``out``; returns
    the path written. ``extra_controls`` (Sigma rules the run included) give those controls' titles and SQL.
    ``on_total(n)`` is called with the number of steps (reading the run, then each sheet of a workbook or the
    one text file), ``progress(label)`` as each starts. ``report``: the run already read by ``gather`` with the
    same options (several files of one run read it once)."""
    progress = progress or _no_progress
    if on_total:
        workbook = format_for(Path(out), fmt) == "xlsx" and not is_stdout(out)
        on_total(1 + (len(importlib.import_module(f"{__name__}.xlsx").SHEETS) + 1 if workbook else 1))
    if is_stdout(out):
        return _write_stdout(con, fmt, frameworks, run_id, queries_dir, sys.stdout, extra_controls, progress)
    out = Path(out)
    fmt = format_for(out, fmt)
    if out.is_dir() and not out.is_symlink():
        raise ReportError(f"{out} is a folder; give a file name, e.g. {out / ('report.' + fmt)}")
    write, binary = writer(fmt), WRITERS[fmt][2]
    try:
        with replacing(out) as partial:
            progress("reading the run")
            report = report or build_report(con, run_id=run_id, frameworks=frameworks, queries_dir=queries_dir,
                                            extra_controls=extra_controls)
            if binary:
                write(report, partial, progress=progress)
            else:
                progress(f"writing {fmt}")
                with partial.open("w", encoding="utf-8", newline="") as handle:
                    write(report, handle)
    except WriteError as exc:
        raise ReportError(str(exc)) from None
    except OSError as exc:
        raise ReportError(f"cannot write {out}: {exc.strerror or exc}") from None
    except duckdb.Error as exc:
        raise ReportError(f"cannot read the check run from the database: {first_line(exc)}") from None
    return out


def _no_progress(_label: str) -> None:
    """Progress nobody watches."""


def _write_stdout(con, fmt, frameworks, run_id, queries_dir, stream: TextIO, extra_controls=None,
                  progress: Callable[[str], None] = _no_progress) -> Path:
    """``--out -``: a text format streamed to standard output (xlsx is refused: a workbook is a binary file)."""
    if fmt is None:
        raise ReportError(f"--out - needs --format ({', '.join(f for f in FORMATS if not WRITERS[f][2])})")
    fmt = format_for(Path(STDOUT), fmt)
    if WRITERS[fmt][2]:
        raise ReportError(f"{fmt} cannot go to standard output; give a file name with --out")
    try:
        progress("reading the run")
        report = build_report(con, run_id=run_id, frameworks=frameworks, queries_dir=queries_dir,
                              extra_controls=extra_controls)
        progress(f"writing {fmt}")
        writer(fmt)(report, stream)
        stream.flush()
    except duckdb.Error as exc:
        raise ReportError(f"cannot read the check run from the database: {first_line(exc)}") from None
    return Path(STDOUT)


def export_path(path: Path, run_id: int) -> Path:
    """Where ``check --export`` writes: the file given, or for a format name alone (``--export csv``, as Powerpipe
    takes it) ``iamsql-run-<run id>`` with the format's extension in the current folder."""
    if str(path) not in WRITERS:
        return Path(path)
    return Path(f"iamsql-run-{run_id}" + extension(str(path)))


def extension(fmt: str) -> str:
    """The file name ending a file of ``fmt`` (a format of ``WRITERS``) is given: its first of ``EXTENSIONS``."""
    return next(ending for ending, named in EXTENSIONS.items() if named == fmt)


# Powerpipe's output and export formats iamsql writes no file of: what Powerpipe writes, iamsql's format that comes
# nearest, and what that one holds
POWERPIPE_ONLY_FORMATS = {
    "nunit3": ("NUnit 3 XML", "junit", "JUnit XML, which CI test views read"),
    "pps": ("snapshot", "iamsql-json", "the whole run as one document"),
    "snapshot": ("snapshot", "iamsql-json", "the whole run as one document"),
}


def written_instead(fmt: str, option: str = "--export") -> str | None:
    """What ``check`` writes for a format it prints nothing in (``--output``) or writes no file of (``--export``),
    and ``report`` (``option`` ``--format``) for a Powerpipe-only one: the format nearest to a Powerpipe-only one,
    or the file a format written only as a file goes to; else None."""
    theirs, fmt, holds = POWERPIPE_ONLY_FORMATS.get(fmt, (None, fmt, None))
    if fmt not in WRITERS:
        return None
    if theirs is None:
        return f"iamsql writes {fmt} as a file: {option} {fmt} (or a name ending in {extension(fmt)})"
    return (f"Powerpipe's {theirs} is not written; {option} {fmt} (or a name ending in {extension(fmt)}) "
            f"writes {holds}")


def _powerpipe_extension(path: Path) -> str | None:
    """The Powerpipe format iamsql does not write that ``path``'s extension names (``x.pps``: ``pps``), else None."""
    suffix = path.suffix.lower().lstrip(".")
    return suffix if suffix in POWERPIPE_ONLY_FORMATS else None


def check_exports(paths: list[Path]) -> None:
    """``check --export``: every file name must say its format and not be a folder (or be a format name), checked
    before the run starts (the option's callback has refused one in a folder that does not exist)."""
    for path in paths:
        if str(path) in WRITERS:
            continue
        if str(path) in POWERPIPE_ONLY_FORMATS:
            raise ReportError(f"--export {path}: {written_instead(str(path))}")
        if is_stdout(path):
            raise ReportError("--export - is not possible: check prints its results to standard output; name a file")
        if not Path(path).suffix:
            raise ReportError(f"--export {path}: cannot tell the format without an extension "
                              f"({', '.join(EXTENSIONS)})")
        name = Path(path).name.lower()
        if not any(name.endswith(ending) for ending in EXTENSIONS) and (theirs := _powerpipe_extension(Path(path))):
            raise ReportError(f"--export {path}: {written_instead(theirs)}")
        if not any(name.endswith(ending) for ending in EXTENSIONS):  # check has no --format for its exports
            raise ReportError(f"--export {path}: cannot tell the format from {Path(path).name!r}; end the name "
                              f"with one of {', '.join(EXTENSIONS)}")
        if Path(path).is_dir():
            raise ReportError(f"--export {path} is a folder; give a file name")


def gather(con: duckdb.DuckDBPyConnection, **options) -> Report:
    """``build_report`` (same options), its database errors as one-line ``ReportError``s."""
    try:
        return build_report(con, **options)
    except duckdb.Error as exc:
        raise ReportError(f"cannot read the check run from the database: {first_line(exc)}") from None


def report_text(con: duckdb.DuckDBPyConnection, fmt: str, *, header: bool = True, separator: str = ",",
                **options) -> list[str]:
    """One run in a text format (``build_report``'s ``options``), for a command that prints it, as pieces of
    about ``TextPieces.SIZE`` characters (a large run's CSV is hundreds of MB: one string, then its encoded bytes,
    would hold it several times); ``header`` and ``separator`` for csv, as Powerpipe's ``--header`` and
    ``--separator``."""
    pieces = TextPieces()
    report = gather(con, **options)
    csv_options = {"header": header, "separator": separator} if fmt == "csv" else {}
    writer(fmt)(report, pieces, **csv_options)
    return pieces.done()


class TextPieces:
    """A text stream that keeps what is written as pieces of about ``SIZE`` characters."""

    SIZE = 1 << 20

    def __init__(self) -> None:
        self.pieces: list[str] = []
        self._pending: list[str] = []
        self._size = 0

    def write(self, text: str) -> None:
        self._pending.append(text)
        self._size += len(text)
        if self._size >= self.SIZE:
            self._join()

    def writelines(self, texts) -> None:
        for text in texts:
            self.write(text)

    def done(self) -> list[str]:
        """The pieces of everything written."""
        self._join()
        return self.pieces

    def _join(self) -> None:
        if self._pending:
            self.pieces.append("".join(self._pending))
            self._pending, self._size = [], 0


def export_run(con: duckdb.DuckDBPyConnection, paths: list[Path], *, formats: list[str | None] | None = None,
               **options) -> list[Path]:
    """Write one run to each file in ``paths`` (format from each name, or the same position of ``formats``;
    ``build_report``'s ``options``), reading the run from the database once (its findings too, for a run of at
    most ``BATCH_FINDINGS`` findings)."""
    report = gather(con, **options) if paths else None
    if len(paths) > 1:
        report.keep_findings()
    formats = formats or [None] * len(paths)
    return [write_report(con, path, fmt=fmt, report=report, **options) for path, fmt in zip(paths, formats, strict=True)]

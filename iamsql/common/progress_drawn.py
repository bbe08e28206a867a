"""The progress displays that may be drawn (rich), apart from ``common/progress.py`` so that a command run with
``--quiet`` never imports rich (~0.1 CPU-s at start-up)."""

from __future__ import annotations

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text


def terminal_progress(quiet: bool, *columns: ProgressColumn) -> Progress:
    """A transient progress display on stderr; disabled with ``quiet`` or when stderr is not a terminal."""
    console = Console(stderr=True)
    return Progress(*columns, console=console, transient=True, disable=quiet or not console.is_terminal)


class StepCount(ProgressColumn):
    """``[n/total]``; nothing until the total is known."""

    def render(self, task: Task) -> Text:
        return Text("" if task.total is None else f"[{task.completed:.0f}/{task.total:.0f}]")


def steps_display() -> Progress:
    """``[n/total] label  elapsed`` on one line (``progress.Steps``)."""
    return terminal_progress(False, StepCount(), TextColumn("{task.description}"), TimeElapsedColumn())


def counted_display(label: str) -> Progress:
    """``label ━━━━ n/total elapsed`` (``progress.counted``)."""
    return terminal_progress(False, TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())


def accounts_display() -> Progress:
    """One line per account: spinner, account, the API being called, bar, ``n`` calls, elapsed (``collect``)."""
    return terminal_progress(False, SpinnerColumn(), TextColumn("{task.fields[label]:<14}"),
                             TextColumn("{task.description:<40}"), BarColumn(), MofNCompleteColumn(),
                             TimeElapsedColumn())

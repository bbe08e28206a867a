"""Progress on stderr, for every command that can take more than a second (``load``, ``collect``, ``check``,
``report``): drawn only when stderr is a terminal and ``--quiet`` was not given, and erased when the command is
done, so piped output and logs hold the results alone.

``terminal_progress(quiet, *columns)`` is the one place a progress display is made; ``Steps`` shows counted
steps on one rewritten line, as Powerpipe shows a benchmark run: ``[12/66] iam_root_mfa_enabled``.
"""

from __future__ import annotations

from rich.console import Console
from rich.progress import Progress, ProgressColumn, Task, TextColumn, TimeElapsedColumn
from rich.text import Text


def terminal_progress(quiet: bool, *columns: ProgressColumn) -> Progress:
    """A transient progress display on stderr; disabled with ``quiet`` or when stderr is not a terminal."""
    console = Console(stderr=True)
    return Progress(*columns, console=console, transient=True, disable=quiet or not console.is_terminal)


class StepCount(ProgressColumn):
    """``[n/total]``; nothing until the total is known."""

    def render(self, task: Task) -> Text:
        return Text("" if task.total is None else f"[{task.completed:.0f}/{task.total:.0f}]")


class Steps:
    """``[n/total] label`` on one stderr line: ``total(n)`` once the count is known, ``step(label)`` as each
    step starts. A context manager: the line is drawn inside ``with`` and erased at its end."""

    def __init__(self, quiet: bool = False) -> None:
        self.bar = terminal_progress(quiet, StepCount(), TextColumn("{task.description}"), TimeElapsedColumn())
        self._task = self.bar.add_task("", total=None, completed=0)
        self._started = 0

    def __enter__(self) -> Steps:
        self.bar.start()
        return self

    def __exit__(self, *exc) -> None:
        self.bar.stop()

    def total(self, count: int) -> None:
        self.bar.update(self._task, total=count)

    def step(self, label: str) -> None:
        self._started += 1
        self.bar.update(self._task, completed=self._started, description=label, refresh=True)  # drawn however short

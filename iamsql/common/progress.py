"""Progress on stderr, for every command that can take more than a second (``load``, ``collect``, ``check``,
``report``): drawn only when stderr is a terminal and ``--quiet`` was not given, and erased when the command is
done, so piped output and logs hold the results alone.

``progress_drawn.terminal_progress`` is the one place a progress display is made; ``Steps`` shows counted
steps on one rewritten line, as Powerpipe shows a benchmark run: ``[12/66] iam_root_mfa_enabled``; ``counted``
a bar of counted items. With ``--quiet``, or when stderr is no terminal, both are ``NoDisplay`` and rich is not
imported (``common/progress_drawn.py`` holds what draws).
"""

from __future__ import annotations

import os
import sys

from iamsql.common.lazy import lazy_import

drawn = lazy_import("iamsql.common.progress_drawn")  # rich, imported only when a display may be drawn


def may_draw(quiet: bool) -> bool:
    """Whether a display could be drawn on stderr: not ``quiet``, and stderr a terminal or one forced with
    ``TTY_COMPATIBLE=1`` or ``FORCE_COLOR`` (where this says no, rich's ``Console.is_terminal`` says no too, so
    the display is not made at all; where it says yes, rich decides)."""
    if quiet:
        return False
    if os.environ.get("TTY_COMPATIBLE") == "1" or "FORCE_COLOR" in os.environ:
        return True
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # no stderr, or a closed one
        return False


class NoDisplay:
    """The calls a rich ``Progress`` display takes, doing nothing: what ``--quiet`` gets."""

    def add_task(self, *_args, **_fields) -> int:
        return 0

    def update(self, *_args, **_fields) -> None:
        """Nothing is shown."""

    def advance(self, *_args) -> None:
        """Nothing is shown."""

    def start(self) -> None:
        """Nothing is drawn."""

    def stop(self) -> None:
        """Nothing was drawn."""

    def __enter__(self) -> NoDisplay:
        return self

    def __exit__(self, *exc) -> None:
        """Nothing to erase."""


def counted(quiet: bool, label: str):
    """A bar of counted items (``label``, bar, ``n/total``, elapsed time), or ``NoDisplay`` when it cannot be
    drawn (``may_draw``)."""
    return drawn.counted_display(label) if may_draw(quiet) else NoDisplay()


class Steps:
    """``[n/total] label`` on one stderr line: ``total(n)`` once the count is known, ``step(label)`` as each
    step starts. A context manager: the line is drawn inside ``with`` and erased at its end."""

    def __init__(self, quiet: bool = False) -> None:
        self.bar = drawn.steps_display() if may_draw(quiet) else NoDisplay()
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

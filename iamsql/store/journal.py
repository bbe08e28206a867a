"""What this process has stored in the database and what it rolled back, so that the line said after Ctrl-C or
a failure tells the truth ("load of snapshot 5 rolled back, nothing stored", "interrupted after check run 4 was
stored"). ``db.transaction(con, what)`` records ``what`` when it commits or rolls back."""

from __future__ import annotations

stored: list[str] = []
rolled_back: list[str] = []


def reset() -> None:
    """Forget earlier records (the CLI calls it as a command starts)."""
    stored.clear()
    rolled_back.clear()


def record(what: str, *, committed: bool) -> None:
    (stored if committed else rolled_back).append(what)


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def interrupted(otherwise: str, how: str = "interrupted") -> str:
    """The line after an interrupt (``how``: ``interrupted``, or ``terminated`` by SIGTERM): what was stored and
    rolled back; ``otherwise`` when no transaction ended."""
    if stored:
        line = f"{how} after {_and(stored)} {'was' if len(stored) == 1 else 'were'} stored"
        return line + (f"; {_and(rolled_back)} rolled back" if rolled_back else "")
    if rolled_back:
        return f"{how}: {_and(rolled_back)} rolled back, nothing stored"
    return f"{how}: {otherwise}"


def after_failure() -> str:
    """What a failure's message adds: what was stored before it (empty when nothing was)."""
    return f" ({_and(stored)} stored before the failure)" if stored else ""

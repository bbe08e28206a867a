"""Errors that the CLI turns into one clear line and a non-zero exit code."""


class IamsqlError(Exception):
    """A user-facing failure: the message is shown as is, without a traceback."""

    exit_code = 2


class InputError(IamsqlError):
    """A file or argument that iamsql cannot use (wrong format, malformed, missing)."""


class DatabaseError(IamsqlError):
    """The database cannot be opened or written (locked by another process, unreadable)."""

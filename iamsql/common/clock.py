"""Times as iamsql stores and shows them: aware, in UTC."""

from __future__ import annotations

import getpass
from datetime import datetime, timezone


def as_utc(moment: datetime) -> datetime:
    """``moment`` in UTC; a naive time is taken to be UTC already (as AWS's outputs mean it)."""
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def naive_utc(moment: datetime) -> datetime:
    """``moment`` in UTC without its time zone, as spreadsheets hold times; a naive time is taken to be UTC."""
    return moment.astimezone(timezone.utc).replace(tzinfo=None) if moment.tzinfo else moment


def current_user() -> str | None:
    """The operating-system user running iamsql (recorded with runs), None when the system cannot say."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return None

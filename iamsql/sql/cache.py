"""Translated SQL kept on disk, so each control, helper view and ad hoc statement is translated by sqlglot once,
not on every run; and, beside it, the parsed control headers and framework mappings (``kept``), read from YAML
once per control pack and set of mappings, not at every start.

An entry is one small JSON file named by the SHA-256 of everything the translation depends on: the input text
(a control's SQL with its parameters and the views it reads, a view's text, or an ad hoc statement), the target
dialect, iamsql's version, sqlglot's version and the bytes of the translator (``dialect.py``, ``query.py``), so
a change to any of them is a miss. The folder is ``$IAMSQL_CACHE_DIR``, else ``$XDG_CACHE_HOME/iamsql``, else
``~/.cache/iamsql``. The cache is never needed: an entry that cannot be read or parsed is translated again and
rewritten, and a folder that cannot be written is left alone (the translation is simply not kept).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from iamsql import __version__
from iamsql.common.lazy import lazy_import

# read only for the translator's fingerprint: commands that read only the parsed controls and mappings skip its import
metadata = lazy_import("importlib.metadata")

FORMAT = 1  # bump when the entry layout changes
TRANSLATOR = (Path(__file__).with_name("dialect.py"), Path(__file__).with_name("query.py"))  # and its read-only rules


def cache_dir() -> Path:
    """Where entries live: ``IAMSQL_CACHE_DIR``, else ``XDG_CACHE_HOME/iamsql``, else ``~/.cache/iamsql``."""
    if os.environ.get("IAMSQL_CACHE_DIR"):
        return Path(os.environ["IAMSQL_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "iamsql"


@lru_cache(maxsize=1)
def translator_fingerprint() -> str:
    """iamsql's and sqlglot's versions and the translator's bytes: what makes an entry of another build a miss."""
    failure = metadata.PackageNotFoundError  # imports it outside the try
    try:
        sqlglot_version = metadata.version("sqlglot")
    except failure:
        sqlglot_version = "unknown"
    digest = hashlib.sha256()
    for path in TRANSLATOR:
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"unknown")
    code = digest.hexdigest()
    return f"{FORMAT}|{__version__}|{sqlglot_version}|{code}"


def entry_key(parts: Iterable[str], dialect: str) -> str:
    """The SHA-256 naming the entry of a translation of ``parts`` (texts it depends on) to ``dialect``."""
    digest = hashlib.sha256(f"{translator_fingerprint()}|{dialect}".encode())
    for part in parts:
        digest.update(b"\0" + part.encode())
    return digest.hexdigest()


def translated(parts: Iterable[str], dialect: str, translate: Callable[[], str]) -> str:
    """The cached translation named by ``parts`` and ``dialect``, else ``translate()`` (kept for next time).
    Exceptions of ``translate`` propagate and nothing is stored."""
    key = entry_key(parts, dialect)
    path = cache_dir() / "sql" / key[:2] / f"{key}.json"
    entry = _read(path, key)
    if entry is not None and isinstance(entry.get("sql"), str):
        return entry["sql"]
    sql = translate()
    _write(path, {"key": key, "sql": sql})
    return sql


Parsed = TypeVar("Parsed")


def kept(
    kind: str,
    parts: Iterable[bytes],
    parse: Callable[[], Parsed],
    encode: Callable[[Parsed], Any],
    decode: Callable[[Any], Parsed],
) -> Parsed:
    """What ``parse()`` makes of files, kept as JSON (``encode``, ``decode``) in the folder ``kind`` beside the
    translations: the entry is named by iamsql's version and ``parts``, the bytes it is made from (the files' names
    and contents, the code that reads them), so a change to any of them is a miss. An entry that cannot be read or
    decoded is parsed again and rewritten; exceptions of ``parse`` propagate and nothing is stored."""
    digest = hashlib.sha256(f"{FORMAT}|{__version__}|{kind}".encode())
    for part in parts:
        digest.update(b"\0" + part)
    key = digest.hexdigest()
    path = cache_dir() / kind / key[:2] / f"{key}.json"
    entry = _read(path, key)
    if entry is not None:
        try:
            return decode(entry["value"])
        except (KeyError, TypeError, ValueError, AttributeError):
            pass  # another layout: parsed again
    parsed = parse()
    _write(path, {"key": key, "value": encode(parsed)})
    return parsed


def _read(path: Path, key: str) -> dict | None:
    """The entry at ``path`` when it is one and names ``key``."""
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return entry if isinstance(entry, dict) and entry.get("key") == key else None


def _write(path: Path, entry: dict) -> None:
    """Write the entry through a temporary file renamed into place (readers never see half an entry)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".entry-", suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump(entry, file)
        os.replace(temporary, path)
    except OSError:
        try:
            os.unlink(temporary)
        except OSError:
            pass

"""Write a file so that nothing else is ever overwritten and a failure leaves nothing half-written.

``replacing(path)`` hands out a temporary file in the temporary folder (the command's private one, see
``scratch.py``, so a killed writer leaves nothing beside ``path``) and moves it onto ``path`` when the writer is
done, and only when ``path`` does not exist or is a regular file: folders, devices, pipes, sockets and
symbolic links are refused with one line (renaming onto ``/dev/stdout`` would replace the link with a file).
On another file system than the temporary folder, the finished file is copied to a hidden ``.partial`` file
beside ``path`` and renamed from there.
``STDOUT`` (``-``) is the caller's cue to stream to standard output instead.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from iamsql.errors import WriteError

STDOUT = "-"


def is_stdout(path: str | os.PathLike) -> bool:
    return os.fspath(path) == STDOUT


def check_target(path: str | os.PathLike) -> Path:
    """``path`` if iamsql may write a file there: it does not exist or is a regular file, in an existing folder."""
    path = Path(path)
    try:
        info = path.lstat()
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise WriteError(f"cannot write {path}: {exc.strerror}") from None
    if info is not None:
        if stat.S_ISLNK(info.st_mode):
            raise WriteError(f"{path} is a symbolic link (to {os.readlink(path)}); give the file's own path, "
                             f"or --out - for standard output")
        if stat.S_ISDIR(info.st_mode):
            raise WriteError(f"{path} is a folder; give a file name inside it")
        if not stat.S_ISREG(info.st_mode):
            raise WriteError(f"{path} is not a regular file (a device, pipe or socket); give a file name, "
                             f"or --out - for standard output")
    return in_existing_folder(path)


def in_existing_folder(path: str | os.PathLike) -> Path:
    """``path`` if the folder it goes in exists: a file or folder iamsql writes is created, never the folders above
    it, as Powerpipe's ``--export`` (a typo in a folder name is an error, not a new tree)."""
    path = Path(path)
    if not path.parent.is_dir():
        raise WriteError(f"folder {path.parent} does not exist")
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def replacing(path: str | os.PathLike) -> Iterator[Path]:
    """A temporary path (in the temporary folder) to write; moved onto ``path`` when the block ends without an
    error (flushed to disk first), removed otherwise."""
    path = check_target(path)
    partial = _partial(path, None)
    beside = None
    try:
        yield partial
        with open(partial, "rb+") as handle:
            os.fsync(handle.fileno())
        os.chmod(partial, 0o666 & ~_umask())  # mkstemp makes it 0600; a report gets the usual permissions
        check_target(path)  # again: nothing may have appeared there while writing
        try:
            os.replace(partial, path)
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                raise
            beside = _partial(path, path.parent)  # another file system: copy beside, then rename
            shutil.copyfile(partial, beside)
            with open(beside, "rb+") as handle:
                os.fsync(handle.fileno())
            os.chmod(beside, 0o666 & ~_umask())
            os.replace(beside, path)
    except OSError as exc:
        raise WriteError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        partial.unlink(missing_ok=True)
        if beside is not None:
            beside.unlink(missing_ok=True)


def _partial(path: Path, folder: Path | None) -> Path:
    """An empty ``.<name>.<random>.partial`` file in ``folder`` (default: the temporary folder)."""
    try:
        fd, name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".partial")
    except OSError as exc:
        raise WriteError(f"cannot write {path}: {exc.strerror}") from None
    os.close(fd)
    return Path(name)


def write_text(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` through ``replacing``."""
    with replacing(path) as partial:
        partial.write_text(text, encoding="utf-8")
    return Path(path)

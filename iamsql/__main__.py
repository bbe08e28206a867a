"""``python -m iamsql``: the ``iamsql`` command, for a venv whose scripts folder is not on PATH."""

from iamsql.cli import console

console()

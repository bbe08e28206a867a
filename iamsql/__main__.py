"""``python -m iamsql`` and the installed ``iamsql`` command (``console``). The command line's modules take a
moment to import, before any command starts: Ctrl-C then says so in one line and exits 130, as during a command,
instead of Python's KeyboardInterrupt traceback."""

import sys

try:
    from iamsql.cli import console
except KeyboardInterrupt:
    sys.stderr.write("interrupted: nothing was changed\n")
    sys.exit(130)

__all__ = ["console"]

if __name__ == "__main__":
    console()

"""The cyclic garbage collector paused over work that allocates many long-lived objects without cycles."""

from __future__ import annotations

import gc
from contextlib import contextmanager


@contextmanager
def collector_paused():
    """The cyclic garbage collector paused, then as it was (also as a decorator). Building the policy engine's tables
    allocates millions of long-lived objects without cycles (parsed documents, answers, rows): the collector's full
    passes over them, longer as the heap grows, freed nothing and took a third of the CPU time at 10,000
    principals. Reference counting still frees everything."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()

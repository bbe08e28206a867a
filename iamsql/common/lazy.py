"""Modules imported when first used, so commands that never need them start faster (``iamsql --help``,
``iamsql query`` with its translation cached)."""

from __future__ import annotations

import importlib
from types import ModuleType


class LazyModule:
    """Stands for the module ``name``: the first attribute read imports it with an ordinary import (so its classes
    are the same objects everywhere, unlike importlib's ``LazyLoader`` on a package) and reads from it."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str):
        module: ModuleType = importlib.import_module(self._name)
        return getattr(module, attribute)


def lazy_import(name: str) -> LazyModule:
    """The module ``name``, imported on first use."""
    return LazyModule(name)

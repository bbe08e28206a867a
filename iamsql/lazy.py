"""Modules imported when first used, so commands that never need them start faster (``iamsql --help``,
``iamsql query`` with its translation cached)."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def lazy_import(name: str) -> ModuleType:
    """The module ``name``, whose code runs on its first attribute access (importlib's ``LazyLoader``); the
    module itself when it is already imported."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    parent, _, child = name.rpartition(".")
    if parent in sys.modules:  # as an import would: ``iamsql.access`` is an attribute of ``iamsql``
        setattr(sys.modules[parent], child, module)
    return module

"""Controls: the catalog of ``queries/*.sql`` (``catalog``), the helper views they read (``views``), the one run
loop (``run``) and the result contract and stored runs (``contract``); what executes them in ``engines/``.

The names below are the package's public interface, each imported from its module when first used, so that a
command needing only the catalog does not import the engines."""

from __future__ import annotations

import importlib

EXPORTS = {
    "iamsql.controls.catalog": ("ACCESS_QUESTIONS", "RESULT_COLUMNS", "SEVERITIES", "STATUSES",
                                "Control", "control_pack_hash", "effective_parameters", "load_controls", "parse_control",
                                "parse_param_options", "render_sql", "select_controls", "to_duckdb",
                                "unknown_mapped_controls", "with_extra"),
    "iamsql.controls.names": ("QUERIES_DIR", "mentions_helper_view", "view_names"),
    "iamsql.controls.views": ("create_views", "needed_views", "shared_views"),
    "iamsql.controls.contract": (
        "count_of", "exit_code", "finding_id", "render_results", "results", "stored_counts", "summary",
    ),
    "iamsql.controls.engines.duckdb": ("run_checks",),
    "iamsql.store.db": ("create_account_view",),
}
MODULE_OF = {name: module for module, names in EXPORTS.items() for name in names}
__all__ = sorted(MODULE_OF)


def __getattr__(name: str):
    if name not in MODULE_OF:
        raise AttributeError(f"module 'iamsql.controls' has no attribute {name!r}")
    return getattr(importlib.import_module(MODULE_OF[name]), name)

"""Controls: the catalog of ``queries/*.sql`` (``catalog``), the helper views they read (``views``), the DuckDB run
(``run``) and the result contract and stored runs (``results``); other engines in ``engines/``. The names below are
the package's public interface."""

from iamsql.controls.catalog import (
    ACCESS_QUESTIONS,
    QUERIES_DIR,
    RESULT_COLUMNS,
    SEVERITIES,
    STATUSES,
    Control,
    effective_parameters,
    load_controls,
    parse_control,
    parse_param_options,
    render_sql,
    select_controls,
    to_duckdb,
)
from iamsql.controls.engines.duckdb import run_checks
from iamsql.controls.results import exit_code, finding_id, render_results, results, summary
from iamsql.controls.views import (
    control_pack_hash,
    create_views,
    mentions_helper_view,
    needed_views,
    shared_views,
    view_names,
)
from iamsql.store.db import create_account_view

__all__ = [
    "ACCESS_QUESTIONS", "QUERIES_DIR", "RESULT_COLUMNS", "SEVERITIES", "STATUSES", "Control", "control_pack_hash",
    "create_account_view", "create_views", "effective_parameters", "exit_code", "finding_id", "load_controls",
    "mentions_helper_view", "needed_views", "parse_control", "parse_param_options", "render_results", "render_sql",
    "results", "run_checks", "select_controls", "shared_views", "summary", "to_duckdb", "view_names",
]

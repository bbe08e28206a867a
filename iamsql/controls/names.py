"""Where the control pack lives and which helper views and engine tables a query may read: known from file names
alone, without parsing a control, so ``iamsql query`` can tell cheaply whether a statement needs them."""

from __future__ import annotations

from iamsql.common.resources import data_folder
from iamsql.sql.pgfunctions import AS_OF_VARIABLE
from iamsql.store.schema import ACCESS_TABLES, ACCOUNT_VIEWS, CATALOG_TABLES

QUERIES_DIR = data_folder("queries")
VIEWS_DIR = QUERIES_DIR / "views"


def view_names() -> list[str]:
    """Helper views shipped in ``queries/views`` (usable by controls and by ``iamsql query``)."""
    return sorted(p.stem for p in VIEWS_DIR.glob("*.sql")) if VIEWS_DIR.is_dir() else []


def mentions_helper_view(sql: str) -> bool:
    """Whether the SQL text names a ``queries/views`` helper view or an engine table (a plain text test, so a
    false positive only costs the time to create the views)."""
    text = sql.lower()
    return any(name in text for name in [*view_names(), *ACCESS_TABLES, *CATALOG_TABLES])


def names_a_view(sql: str) -> bool:
    """Whether the SQL text names a helper view, an engine table or an account view: only then has
    ``views.create_views_named`` anything to create (a plain text test that needs none of the engine's modules)."""
    return mentions_helper_view(sql) or mentions_account_view(sql)


def mentions_account_view(sql: str) -> bool:
    """Whether the SQL text names one of ``ACCOUNT_VIEWS`` (``iamsql_account``, ``iamsql_listed``...) or
    ``iamsql_as_of`` (a plain text test, like ``mentions_helper_view``)."""
    text = sql.lower()
    return any(name in text for name in (*ACCOUNT_VIEWS, AS_OF_VARIABLE))

"""The non-human identity inventory (the ``iam_nhi_inventory`` helper view) for the workbook's "NHI inventory"
sheet: every role and non-human IAM user of the loaded data, with the workloads and trusted principals that use
it. It reads the latest loaded data (as ``iamsql query`` would), not the check run's snapshots."""

from __future__ import annotations

import duckdb

from iamsql.controls.views import create_view_table, create_views, installed_view_sql, temp_views, views_read_by

INVENTORY_COLUMNS = (
    "account_id",
    "principal_type",
    "name",
    "principal_arn",
    "is_nhi",
    "nhi_reason",
    "use_kind",
    "used_by",
    "use_region",
    "detail",
)

# read twice by the inventory (its identities, and the roles of those that Identity Center assignments use)
_READ_TWICE = "iam_principal"


def inventory(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """The inventory's rows, by account, identity and use. The helper views it reads that the connection lacks
    (a check run on the same connection leaves undefined those it computed per account) and the one policy
    engine table it reads are created first; a lacking ``iam_principal`` is computed once into a TEMP table for
    the inventory (dropped afterwards), and a lacking ``iam_nhi_inventory`` is queried from its SQL, not defined."""
    defined = temp_views(con)
    lacking = [name for name in views_read_by(["iam_nhi_inventory"]) if name not in defined]
    if lacking:  # not the action catalog table (no view reads it)
        create_views(
            con,
            names=[name for name in lacking if name not in ("iam_nhi_inventory", _READ_TWICE)],
            engine_tables=("iam_role_trust_access",),
        )
    computed = _READ_TWICE in lacking and create_view_table(con, _READ_TWICE) is not None
    source = "iam_nhi_inventory"
    if source in lacking:
        source = f"({installed_view_sql(con, source)})"
    try:
        cursor = con.execute(
            f"select {', '.join(INVENTORY_COLUMNS)} from {source} "
            "order by account_id, principal_type, name, use_kind nulls last, used_by"
        )
        return [dict(zip(INVENTORY_COLUMNS, row)) for row in cursor.fetchall()]
    finally:
        if computed:
            con.execute(f'drop table temp.main."{_READ_TWICE}"')

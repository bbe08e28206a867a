"""The non-human identity inventory (the ``iam_nhi_inventory`` helper view) for the workbook's "NHI inventory"
sheet: every role and non-human IAM user of the loaded data, with the workloads and trusted principals that use
it. It reads the latest loaded data (as ``iamsql query`` would), not the check run's snapshots."""

from __future__ import annotations

import duckdb

from iamsql.controls.views import create_views, temp_views, views_read_by

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


def inventory(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """The inventory's rows, by account, identity and use; the helper views (and the policy engine's table the
    inventory reads) are created on the connection first when it does not have them."""
    defined = temp_views(con)
    if "iam_nhi_inventory" not in defined:
        # the inventory's view and the views it reads that the connection lacks (a check run on the same
        # connection leaves the views it read defined), not the action catalog table (no view reads it); of the
        # policy engine's tables, only the one the inventory reads
        create_views(
            con,
            names=[name for name in views_read_by(["iam_nhi_inventory"]) if name not in defined],
            engine_tables=("iam_role_trust_access",),
        )
    cursor = con.execute(
        f"select {', '.join(INVENTORY_COLUMNS)} from iam_nhi_inventory "
        "order by account_id, principal_type, name, use_kind nulls last, used_by"
    )
    return [dict(zip(INVENTORY_COLUMNS, row)) for row in cursor.fetchall()]

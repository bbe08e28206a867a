"""The non-human identity inventory (the ``iam_nhi_inventory`` helper view) for the workbook's "NHI inventory"
sheet: every role and non-human IAM user of the loaded data, with the workloads and trusted principals that use
it. It reads the latest loaded data (as ``iamsql query`` would), not the check run's snapshots."""

from __future__ import annotations

import duckdb

from iamsql.controls.views import (
    EVENT_ROWS,
    create_view_table,
    create_views,
    events_stored,
    installed_view_sql,
    temp_views,
    views_read_by,
    views_read_twice,
)

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

INVENTORY = "iam_nhi_inventory"
# read twice by the inventory (its identities, and the roles of those that Identity Center assignments use)
_READ_TWICE = "iam_principal"


def inventory(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """The inventory's rows, by account, identity and use. The helper views it reads that the connection lacks
    (a check run on the same connection leaves undefined those it computed per account) and the one policy
    engine table it reads are created first: those read more than once (``iam_principal``, and what its SQL
    reads several times, the CloudTrail actors only when no event is stored) are computed once each into a TEMP
    table for the inventory (dropped afterwards), the others are defined as views; a lacking ``iam_nhi_inventory``
    is queried from its SQL, not defined."""
    defined = temp_views(con)
    lacking = [name for name in views_read_by([INVENTORY]) if name not in defined]
    shared = {_READ_TWICE, *views_read_twice([INVENTORY])}
    if events_stored(con):  # its readers filter the events first: computing every event's row costs more
        shared -= set(EVENT_ROWS)
    kept = [name for name in lacking if name != INVENTORY and name not in shared]
    # a view left defined for later readers must not read a table dropped afterwards
    tables = [name for name in lacking if name in shared and not any(name in views_read_by([v]) for v in kept)]
    kept += [name for name in lacking if name in shared and name not in tables]
    if lacking:  # not the action catalog table (no view reads it)
        create_views(con, names=kept, engine_tables=("iam_role_trust_access",))
    computed = [name for name in tables if create_view_table(con, name) is not None]
    source = INVENTORY
    if source in lacking:
        source = f"({installed_view_sql(con, source)})"
    try:
        cursor = con.execute(
            f"select {', '.join(INVENTORY_COLUMNS)} from {source} "
            "order by account_id, principal_type, name, use_kind nulls last, used_by"
        )
        return [dict(zip(INVENTORY_COLUMNS, row)) for row in cursor.fetchall()]
    finally:
        for name in reversed(computed):
            con.execute(f'drop table temp.main."{name}"')

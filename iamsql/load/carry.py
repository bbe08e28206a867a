"""A load that holds only part of a table (one user's ``get-user``, one key's ``describe-key``, a ``--query`` list)
for an account whose latest snapshot of that table holds it whole: the part updates the whole listing instead of
hiding it. The new snapshot keeps the rows of the earlier listing that the load does not describe (copied with
SQL, values as stored), the load's own rows taking the earlier row's values only where they have none (a missing
value never erases a known one, as within a load), and the table stays whole, as the earlier listing said it was.

What the part proves deleted is left out: the rows of the keys whose rows it lists whole (the keys of one user's
``list-access-keys``, the entities of one policy's ``list-entities-for-policy``, the analyzers of one region's
``list-analyzers``, the policies of one type's Organizations ``list-policies``), so a key deleted since the listing
is gone. A resource deleted since the earlier listing that the part does not name stays, as it does when the part
is not loaded at all: only a new listing says what is gone.
"""

from __future__ import annotations

import json
from collections import defaultdict

import duckdb

from iamsql.store.db import repr_name
from iamsql.store.schema import columns

# The columns that tell one row of a table from another within an account (the loader's merge key).
KEYS: dict[str, tuple[str, ...]] = {
    "aws_iam_user": ("name",), "aws_iam_group": ("name",), "aws_iam_role": ("name",), "aws_iam_policy": ("arn",),
    "aws_iam_policy_attachment": ("policy_arn",), "aws_iam_access_key": ("access_key_id",),
    "aws_iam_virtual_mfa_device": ("serial_number",), "aws_iam_server_certificate": ("arn",),
    "aws_iam_saml_provider": ("arn",), "aws_iam_open_id_connect_provider": ("arn",),
    "aws_iam_instance_profile": ("arn",), "aws_iam_service_specific_credential": ("service_specific_credential_id",),
    "aws_ec2_instance": ("region", "instance_id"), "aws_lambda_function": ("arn",),
    "aws_ecs_task_definition": ("task_definition_arn",), "aws_eks_cluster": ("arn",), "aws_codebuild_project": ("arn",),
    "aws_sagemaker_notebook_instance": ("arn",), "aws_glue_dev_endpoint": ("arn",), "aws_cloudformation_stack": ("id",),
    "aws_sfn_state_machine": ("arn",), "aws_secretsmanager_secret": ("arn",), "aws_kms_key": ("arn",),
    "aws_account_alternate_contact": ("contact_type",),
    "aws_cognito_identity_pool": ("identity_pool_id",), "aws_cloudtrail_trail": ("arn", "region"),
    "aws_cloudwatch_log_metric_filter": ("region", "log_group_name", "name"), "aws_cloudwatch_alarm": ("arn",),
    "aws_sns_topic_subscription": ("subscription_arn",), "aws_s3_bucket": ("name",), "aws_region": ("name",),
    "aws_organizations_account": ("id",), "aws_organizations_organizational_unit": ("id",),
    "aws_organizations_root": ("id",), "aws_organizations_policy": ("id",),
    "aws_organizations_policy_target": ("id", "target_id"), "aws_ssoadmin_instance": ("arn",),
    "aws_organizations_delegated_administrator": ("id",),
    "aws_organizations_delegated_services_for_account": ("delegated_account_id", "service_principal"),
    "aws_ssoadmin_permission_set": ("arn",),
    "aws_ssoadmin_account_assignment": ("target_account_id", "permission_set_arn", "principal_type", "principal_id"),
    "aws_ssoadmin_managed_policy_attachment": ("permission_set_arn", "managed_policy_arn"),
    "aws_identitystore_user": ("identity_store_id", "id"), "aws_identitystore_group": ("identity_store_id", "id"),
    "aws_identitystore_group_membership": ("identity_store_id", "membership_id"),
    "aws_accessanalyzer_analyzer": ("arn",), "aws_accessanalyzer_finding": ("access_analyzer_arn", "id"),
    "aws_iam_access_advisor": ("principal_arn", "service_namespace"),
}
# The column that holds the keys a part lists whole (``Parsed.listed_for``): the earlier rows of those keys are
# replaced by the part's, none kept.
LISTED_BY = {"aws_iam_access_key": "user_name", "aws_iam_policy_attachment": "policy_arn",
             "aws_accessanalyzer_analyzer": "region", "aws_accessanalyzer_finding": "access_analyzer_arn",
             "aws_account_alternate_contact": "contact_type", "aws_organizations_policy": "type",
             "aws_organizations_delegated_services_for_account": "delegated_account_id",
             "aws_ssoadmin_managed_policy_attachment": "permission_set_arn", "aws_iam_access_advisor": "principal_arn"}
# Columns whose NULL means "none" where the row's flag says its output told it: never filled from the earlier row.
TOLD_BY = {"login_profile": "login_profile_loaded", "attached_policy_arns": "policies_loaded",
           "inline_policies": "policies_loaded", "inline_policies_std": "policies_loaded"}
CARRIED_FORMAT = "iamsql:carried"  # the sources entry that names the snapshot whose rows a table kept


def earlier_whole(con: duckdb.DuckDBPyConnection, partial: dict[str, dict[str, list]]) -> dict[str, dict[str, tuple]]:
    """account -> table -> (snapshot id, its as_of): the latest snapshot of each table the load holds only part of
    that holds the table whole (its ``gaps`` do not name it)."""
    asked = {(account, table) for account, tables in partial.items() for table in tables if table in KEYS}
    if not asked:
        return {}
    found: dict[str, dict[str, tuple]] = defaultdict(dict)
    for account, table, snapshot_id, as_of, gaps in con.execute(
            "select l.account_id, l.table_name, l.snapshot_id, s.as_of, s.gaps::varchar "
            "from iamsql_latest l join iamsql_snapshot s using (snapshot_id)").fetchall():
        if (account, table) in asked and table not in {gap.get("table") for gap in json.loads(gaps or "[]")}:
            found[account][table] = (snapshot_id, as_of)
    return dict(found)


def listed_keys(con: duckdb.DuckDBPyConnection, snapshot_id: int, table: str) -> set[str]:
    """The keys whose rows of ``table`` the snapshot's files list whole (their ``listed`` sources entries)."""
    return {key for (key,) in con.execute(
        "select k.key from (select unnest(json_extract(sources, '$[*].listed')) as tables from iamsql_snapshot "
        "where snapshot_id = ?) as s, unnest(json_extract_string(s.tables -> ?, '$[*]')) as k(key)",
        [snapshot_id, table]).fetchall() if key is not None}


def carry_rows(con: duckdb.DuckDBPyConnection, table: str, snapshot_id: int, earlier: int, listed: set[str]) -> int:
    """Copy into ``snapshot_id`` the rows of ``earlier`` whose key it has no row of and that ``listed`` (keys of the
    ``LISTED_BY`` column the new snapshot lists whole) does not leave out, and fill its own rows' empty columns from
    the earlier row of their key; returns the rows copied."""
    keys = KEYS[table]
    same = " and ".join(f"n.{repr_name(k)} is not distinct from o.{repr_name(k)}" for k in keys)
    dropped = ""
    parameters: list = [snapshot_id, earlier, snapshot_id]
    if table in LISTED_BY and listed:
        dropped = f" and (o.{repr_name(LISTED_BY[table])} is null or o.{repr_name(LISTED_BY[table])} not in " \
                  f"(select unnest(?::varchar[])))"
        parameters.append(sorted(listed))
    (copied,) = con.execute(
        f"insert into history.{table} select * replace (?::bigint as snapshot_id) from history.{table} as o "
        f"where o.snapshot_id = ? and not exists (select 1 from history.{table} as n where n.snapshot_id = ? "
        f"and {same}){dropped}", parameters).fetchone()
    names = {name for name, _ in columns(table)}
    filled = []
    for name in sorted(names - set(keys) - {"snapshot_id"}):
        value = f"coalesce(n.{repr_name(name)}, o.{repr_name(name)})"
        if TOLD_BY.get(name) in names:
            value = f"case when n.{repr_name(TOLD_BY[name])} then n.{repr_name(name)} else {value} end"
        filled.append(f"{repr_name(name)} = {value}")
    con.execute(f"update history.{table} as n set {', '.join(filled)} from history.{table} as o "
                f"where n.snapshot_id = ? and o.snapshot_id = ? and {same}", [snapshot_id, earlier])
    return copied

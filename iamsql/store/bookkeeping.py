"""Every bookkeeping table iamsql keeps next to the Steampipe tables, in one place: snapshots and their coverage
(``load``), check runs, their results and timings (``check``), exceptions, attestations and evidence runs applied
to a run (``evidence run``, ``exceptions``), the policy engine's answers kept between checks. Each statement
creates only what does not exist yet."""

from iamsql.store.schema import ACCESS_TABLES, UNCACHED_ACCESS_TABLES

BOOKKEEPING_DDL = """
create sequence if not exists iamsql_snapshot_seq start 1;
create table if not exists iamsql_snapshot (
    snapshot_id bigint primary key,
    account_id varchar not null,
    kind varchar not null,               -- 'load' or 'collect'
    loaded_at timestamptz not null,
    as_of timestamptz,                   -- the data's own time: latest "as of" among its sources
    tool_version varchar not null,
    sources json,                        -- [{path, sha256, format, as_of}]
    partial boolean not null default false,
    gaps json                            -- [{api, account_id, region, error}] for collections
);
create table if not exists iamsql_snapshot_table (
    snapshot_id bigint not null,
    table_name varchar not null,
    row_count bigint not null
);
-- CloudTrail events that share an eventID with different content: every version, with where it was read.
create table if not exists iamsql_event_conflict (
    snapshot_id bigint,                  -- the snapshot the version was loaded with
    event_id varchar not null,
    source_file varchar,
    position bigint,                     -- 1-based place of the record in its file (NULL: not known)
    kept boolean not null,               -- this version is the one in aws_cloudtrail_trail_event
    event json
);
create or replace view iamsql_latest as
    select t.table_name, s.account_id, max(s.snapshot_id) as snapshot_id
    from iamsql_snapshot_table t join iamsql_snapshot s using (snapshot_id)
    group by all;
-- Tables whose latest snapshot holds only part of them (a --query list, one policy's entities, a collection's
-- refused read of one resource, which its gap names: "s3:GetBucketLogging of <arn>: AccessDenied"), with why, and
-- the keys whose rows it holds whole (``whole``: the policies one policy's entities list, the users one user's
-- access keys list).
create or replace view iamsql_partial as
    select l.account_id, l.table_name,
           string_agg(coalesce((g ->> 'api') || ' of ' || (g ->> 'resource') || ': ' || (g ->> 'error'), g ->> 'error'),
                      '; ' order by coalesce((g ->> 'api') || ' of ' || (g ->> 'resource') || ': ' || (g ->> 'error'),
                                             g ->> 'error')) as reason,
           list_sort(list_distinct(flatten(list(coalesce(g ->> '$.whole[*]', []))))) as whole
    from iamsql_latest l join iamsql_snapshot s using (snapshot_id), unnest(json_extract(s.gaps, '$[*]')) as t(g)
    where g ->> 'table' = l.table_name and g ->> 'column' is null
    group by all;
-- One resource's column a collection could not read while the table is whole: a secret's, key's, function's or
-- bucket's resource-based policy ("kms:GetKeyPolicy of <arn>: AccessDenied"). The policy engine and the policy
-- controls take that resource's policy as unknown (skip, Unknown); every other control judges the table as whole.
create or replace view iamsql_unread as
    select l.account_id, l.table_name, g ->> 'resource' as resource, g ->> 'column' as column_name,
           (g ->> 'api') || ' of ' || (g ->> 'resource') || ': ' || (g ->> 'error') as reason
    from iamsql_latest l join iamsql_snapshot s using (snapshot_id), unnest(json_extract(s.gaps, '$[*]')) as t(g)
    where g ->> 'table' = l.table_name and g ->> 'column' is not null;
"""


RUN_DDL = """
create sequence if not exists iamsql_run_seq start 1;
create table if not exists iamsql_run (
    run_id bigint primary key,
    started_at timestamptz not null,
    finished_at timestamptz,
    as_of timestamptz,
    tool_version varchar,
    control_pack_hash varchar,
    engine varchar,
    run_by varchar,
    accounts json,
    snapshot_ids json,
    parameters json,
    frameworks json,
    status varchar,
    mappings varchar                     -- the --mappings folder the run read (NULL: the shipped mappings)
);
-- databases from before the run stored its mappings folder
alter table iamsql_run add column if not exists mappings varchar;
create table if not exists iamsql_result (
    run_id bigint not null,
    control_id varchar not null,
    finding_id varchar not null,
    resource varchar,
    status varchar not null,
    reason varchar,
    account_id varchar,
    region varchar,
    severity varchar,
    dimensions json
);
create table if not exists iamsql_run_timing (
    run_id bigint not null,
    control_id varchar not null,
    account_id varchar,
    duration_ms double not null,   -- wall time of the control's query on this account (0 when skipped)
    result_rows bigint not null
);
"""


HISTORY_DDL = """
create table if not exists iamsql_result_exception (
    run_id bigint not null, finding_id varchar not null, exception_id varchar not null, reason varchar
);
create table if not exists iamsql_run_exception (
    run_id bigint not null, exception_id varchar not null, line integer, control varchar, resource varchar,
    account varchar, reason varchar, approver varchar, ticket varchar, expires date,
    state varchar,                       -- active, expired or unused at the run's data time
    matches integer                      -- alarms matched (for expired ones: that it would have matched)
);
create table if not exists iamsql_run_attestation (
    run_id bigint not null, framework varchar, requirement varchar, line integer, attested_by varchar,
    attested_on date, evidence varchar, expires date,
    state varchar                        -- active, expired or future (dated after the run's data time) at that time
);
create table if not exists iamsql_evidence_run (
    run_id bigint, name varchar, folder varchar, status varchar not null,   -- running, complete, abandoned
    started_at timestamptz not null, finished_at timestamptz, manifest_sha256 varchar
);
"""


# The policy engine's answers kept between checks (iamsql.policy.access.cache, docs/policy-engine.md): one row per
# unit of answers (a principal, a policy, a role's trust, an account's role chains, the IAM change events) keyed by a
# SHA-256 of everything its rows depend on, and the unit's rows of each engine table, written with its key in one
# transaction.
ACCESS_CACHE_KEYS = "iamsql_access_cache"
ACCESS_CACHE_ROWS = {name: f"iamsql_access_cache_{name}" for name in ACCESS_TABLES if name not in UNCACHED_ACCESS_TABLES}
# the units of a build, in order, by a SHA-256 of what the build read (a later build that reads the same finds them
# without making the accounts' models); seq -1: the build's own row (a build may have no unit)
ACCESS_CACHE_PLANS = "iamsql_access_cache_plan"
ACCESS_CACHE_DDL = f"""
create table if not exists {ACCESS_CACHE_KEYS} (
    cache_key varchar not null,
    engine_version varchar not null,     -- SHA-256 of the engine's source, the questions and the table columns
    account_id varchar not null,
    table_name varchar not null,
    row_count bigint not null
);
create table if not exists {ACCESS_CACHE_PLANS} (
    plan_key varchar not null, scope varchar not null, seq bigint not null,
    account_id varchar, table_name varchar, cache_key varchar
);
""" + "".join(
    f"create table if not exists {table} (cache_key varchar not null, seq bigint not null, "
    + ", ".join(f'"{column}" {sqltype}' for column, sqltype in ACCESS_TABLES[name])
    + ");\n"
    for name, table in ACCESS_CACHE_ROWS.items()
)

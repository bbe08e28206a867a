"""Steampipe-style queries over real public AWS data: every query of tests/sql/steampipe.sql runs through
``iamsql query``'s code path over the public data sets loaded by the real loaders, and gives PostgreSQL's exact
answer over the same rows (the rows DuckDB holds, copied into jsonb / timestamptz tables)."""

import json
import re
from pathlib import Path

import pytest

from iamsql.controls import create_views
from iamsql.load import load_paths
from iamsql.sql import dialect, query
from iamsql.store import db
from iamsql.store.schema import CATALOG_TABLES, DERIVED_TABLES, TABLES
from tests.sql import oracle

CORPUS = oracle.HERE / "steampipe.sql"
QUERIES = oracle.corpus(CORPUS)

# (folder of the public data set, --account-id for files that name no account)
DATA = [
    ("cloudsplaining", None),
    ("cloudmapper_demo", "123456789012"),
    ("cloud_custodian_placebo/credential_reports_csv", None),
    ("aws_cli_examples/json/iam", "123456789012"),
    ("aws_cli_examples/json/cloudtrail", "123456789012"),
    ("invictus_ir_aws_dataset", None),
    ("maheribra_aws_attack_chain_ir", None),
]
# Hand-written Organizations CLI outputs (no public data set has them), see its README.
ORGANIZATIONS = Path(__file__).parent / "data" / "organizations"
# Hand-written ECS and EKS outputs (the data sets have EC2 and Lambda only), see its README.
WORKLOADS = Path(__file__).parent / "data" / "workloads"
# Hand-written monitoring CLI outputs (metric filters, alarms, SNS, S3, regions), see its README.
MONITORING = Path(__file__).parent / "data" / "monitoring"
# Hand-written CodeBuild, SageMaker and Glue outputs (resources that run code with a role), see its README.
CODE_RESOURCES = Path(__file__).parent / "data" / "code_resources"
# Hand-written Cognito identity pool outputs (they name no time: loaded as of the date below), see its README.
IDENTITY_POOLS = Path(__file__).parent / "data" / "identity_pools"
# Hand-written KMS key and alternate contact outputs (they name no time: loaded as of the date below), see PROVENANCE.
KMS_KEYS = Path(__file__).parent / "data" / "kms_keys"
ALTERNATE_CONTACTS = Path(__file__).parent / "data" / "alternate_contacts"
# Hand-written Secrets Manager outputs, see its README.
SECRETS = Path(__file__).parent / "data" / "secrets"
# Steampipe tables that iamsql derives (queries/views) rather than loads.
DERIVED = list(DERIVED_TABLES)
PG_TYPES = {
    "VARCHAR": "text",
    "JSON": "jsonb",
    "TIMESTAMP WITH TIME ZONE": "timestamptz",
    "BOOLEAN": "boolean",
    "BIGINT": "bigint",
    "DOUBLE": "double precision",
}


@pytest.fixture(scope="module")
def duck(public_data, tmp_path_factory):
    con = db.connect(tmp_path_factory.mktemp("steampipe") / "real.duckdb")
    for folder, account in DATA:
        load_paths(con, [public_data / folder], account_id=account)
    load_paths(con, [ORGANIZATIONS])
    load_paths(con, [WORKLOADS])
    load_paths(con, [MONITORING])
    load_paths(con, [CODE_RESOURCES])
    load_paths(con, [SECRETS])
    load_paths(con, [IDENTITY_POOLS], account_id="444455556666", as_of="2025-03-01T00:00:00Z")
    load_paths(con, [KMS_KEYS, ALTERNATE_CONTACTS], account_id="444455556666", as_of="2025-03-01T00:00:00Z")
    create_views(con)  # aws_account and the other helper views the queries read
    yield con
    con.close()


@pytest.fixture(scope="module")
def pg(postgres, duck):
    """PostgreSQL holding, in its own schema, exactly the rows that the DuckDB views show."""
    from psycopg.types.json import Jsonb

    postgres.execute("drop schema if exists steampipe_real cascade")
    postgres.execute("create schema steampipe_real")
    postgres.execute("set search_path = steampipe_real")
    # Steampipe's glob(): a glob pattern as a LIKE pattern
    postgres.execute("create function steampipe_real.glob(text) returns text language sql immutable "
                     "as $$ select replace(replace($1, '*', '%'), '?', '_') $$")
    oracle.interval_as_text(postgres)
    oracle.network_as_text(postgres)
    for table in [*TABLES, *DERIVED, *CATALOG_TABLES]:
        cursor = duck.execute(f"select * from {table}")
        names = [d[0] for d in cursor.description]
        types = [PG_TYPES[str(d[1]).upper()] for d in cursor.description]
        rows = cursor.fetchall()
        postgres.execute(f"create table {table} (" + ", ".join(f'"{n}" {t}' for n, t in zip(names, types)) + ")")
        values = [
            [Jsonb(json.loads(v)) if t == "jsonb" and v is not None else v for v, t in zip(row, types)] for row in rows
        ]
        with postgres.cursor() as cur:
            cur.executemany(f"insert into {table} values ({', '.join(['%s'] * len(names))})", values)
    yield postgres
    postgres.execute("reset search_path")
    postgres.execute("drop schema steampipe_real cascade")


def with_key_column_quals(sql: str) -> str:
    """The query as Steampipe answers it: a key-column qual (``log_group_name = '...'`` on CloudTrail events) also
    matches rows whose value is not known, as the dialect does; PostgreSQL then runs that query."""
    tree = dialect.parse(sql)
    before = tree.sql(dialect="postgres")
    after = dialect.apply_rewrite(tree, dialect.rewrite_key_column_quals, dialect.Scope(tree)).sql(dialect="postgres")
    return sql if after == before else after


def test_corpus_covers_the_steampipe_idioms():
    assert len(QUERIES) >= 40
    assert len({name for name, _ in QUERIES}) == len(QUERIES)
    text = CORPUS.read_text(encoding="utf-8")
    for idiom in [
        "from aws_account",
        "jsonb_array_elements(policy_std -> 'Statement')",
        "_ctx ->> 'connection_name'",
        "split_part(",
        "date_part('day', now() -",
        "to_char(",
        "count(*) filter",
        "left join lateral",
        "like any",
        "$$[]$$::jsonb",
        "::text like",
        "concat_ws(",
        "extract(epoch from",
        "distinct on",
        "'<root_account>'",
        "@>",
        "?|",
        "#>>",
        "regexp_match(",
        "glob(pattern) as like_pattern",
        "string_to_array(principal, ':') as parts",
    ]:
        assert idiom in text, idiom
    used = set(re.findall(r"\b(aws_[a-z0-9_]+)\b", text))
    assert set(TABLES) | set(DERIVED) <= used, sorted(set(TABLES) | set(DERIVED) - used)


def test_the_data_is_real_and_nonempty(duck):
    counts = {t: duck.execute(f"select count(*) from {t}").fetchone()[0] for t in [*TABLES, *DERIVED]}
    assert counts["aws_iam_user"] > 40 and counts["aws_iam_role"] > 80 and counts["aws_cloudtrail_trail_event"] > 3000
    assert counts["aws_account"] == duck.execute("select count(distinct account_id) from iamsql_snapshot").fetchone()[0]


@pytest.mark.parametrize("name,sql", QUERIES, ids=[name for name, _ in QUERIES])
def test_query_runs_and_matches_postgres(duck, pg, name, sql):
    columns, rows = query.run_query(duck, sql)  # what `iamsql query` does: no error
    assert columns
    expected, now = oracle.run_postgres(pg, with_key_column_quals(sql))
    assert expected.error is None, f"the query itself fails on PostgreSQL: {expected.error}"
    duck_sql = oracle.translated(sql)
    actual = oracle.run_duckdb(duck, duck_sql, now)
    assert actual.error is None, f"{actual.error}\n{duck_sql}"
    assert actual.columns == expected.columns == columns, duck_sql
    if oracle.is_ordered(sql):
        assert actual.rows == expected.rows, duck_sql
    else:
        assert sorted(map(repr, actual.rows)) == sorted(map(repr, expected.rows)), duck_sql


def test_most_queries_return_rows(duck):
    """The comparison is not vacuous: the loaded data gives most queries something to answer."""
    empty = [name for name, sql in QUERIES if not query.run_query(duck, sql)[1]]
    assert len(empty) <= len(QUERIES) // 5, empty


def test_account_aliases_come_from_the_latest_load_that_had_them(duck):
    row = duck.execute(
        "select account_aliases, title, arn, akas, _ctx ->> 'connection_name' from aws_account "
        "where account_id = '123456789012'"
    ).fetchone()
    aliases = json.loads(row[0])
    assert aliases and row[1] == aliases[0]
    assert row[2] == "arn:aws:::123456789012" and json.loads(row[3]) == [row[2]] and row[4] == "123456789012"
    untitled = duck.execute("select count(*) from aws_account where account_aliases is null and title <> account_id")
    assert untitled.fetchone()[0] == 0


def test_aws_account_view_has_the_declared_steampipe_columns(duck):
    described = [(name, kind) for name, kind, *_ in duck.execute("describe aws_account").fetchall()]
    declared = [
        (name, "TIMESTAMP WITH TIME ZONE" if kind == "TIMESTAMPTZ" else kind)
        for name, kind in DERIVED_TABLES["aws_account"]
    ]
    assert described == declared


def test_log_group_qual_keeps_events_whose_log_group_is_unknown(duck):
    """Steampipe requires ``log_group_name = '...'`` on aws_cloudtrail_trail_event; loaded events (from S3,
    LookupEvents...) have no log group, so the qual selects them rather than silently returning nothing."""
    every = query.run_query(duck, "select count(*) from aws_cloudtrail_trail_event where user_type = 'IAMUser'")[1]
    named = query.run_query(
        duck,
        "select count(*) from aws_cloudtrail_trail_event e "
        "where e.log_group_name = 'trail-logs' and e.user_type = 'IAMUser'",
    )[1]
    assert named == every and every[0][0] > 0
    other_table = query.run_query(duck, "select count(*) from aws_iam_user where name = 'trail-logs'")[1]
    assert other_table == [(0,)]


def test_cloudwatch_filter_pattern_is_reported_as_unsupported(duck):
    with pytest.raises(query.QueryError) as raised:
        query.run_query(
            duck,
            "select event_name from aws_cloudtrail_trail_event "
            "where log_group_name = 'g' and filter = '{ $.sourceIPAddress = 203.189.* }'",
        )
    message = str(raised.value)
    assert "\n" not in message and "unsupported" in message and "filter" in message


def test_iam_json_times_are_printed_as_steampipe_prints_them(duck):
    """Times inside the IAM JSON columns are Go's RFC 3339 in UTC (``...Z``), whatever the output file said."""
    texts = [row[0] for row in duck.execute(
        "select g ->> 'CreateDate' from aws_iam_user, unnest(cast(groups as json[])) as t(g) "
        "union all select u ->> 'CreateDate' from aws_iam_group, unnest(cast(users as json[])) as t(u) "
        "union all select login_profile ->> 'CreateDate' from aws_iam_user where login_profile is not null "
        "union all select m ->> 'EnableDate' from aws_iam_user, unnest(cast(mfa_devices as json[])) as t(m) "
        "union all select r ->> 'CreateDate' from aws_iam_instance_profile, unnest(cast(roles as json[])) as t(r)"
    ).fetchall()]
    assert len(texts) > 20 and None not in texts
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d*[1-9])?Z", t) for t in texts), texts
    profile = duck.execute("select login_profile ->> 'CreateDate' from aws_iam_user where name = 'Bob' "
                           "and account_id = '123456789012'").fetchone()
    assert profile == ("2012-09-21T23:03:39Z",)


def test_login_profile_holds_every_member_of_the_sdks_struct(duck):
    """AWS's get-login-profile example leaves out PasswordResetRequired; Steampipe prints the Go SDK's LoginProfile,
    whose bool is false then, so ``(login_profile ->> 'PasswordResetRequired')::bool`` is false, not NULL."""
    answer = query.run_query(
        duck, "select name, login_profile ->> 'UserName', (login_profile ->> 'PasswordResetRequired')::bool, "
              "jsonb_typeof(login_profile -> 'PasswordResetRequired') from aws_iam_user "
              "where login_profile is not null and account_id = '123456789012'")[1]
    assert answer == [("Bob", "Bob", False, "boolean")]


def test_password_policy_without_expire_passwords_says_whether_passwords_expire(duck):
    """AWS's get-account-password-policy example has no ExpirePasswords; AWS defines it as MaxPasswordAge > 0, and
    the example has no MaxPasswordAge either: passwords do not expire, as the CIS mod's ``not expire_passwords``
    reads it (NULL would drop the account from both ``expire_passwords`` and ``not expire_passwords``)."""
    answer = query.run_query(duck, "select expire_passwords, max_password_age, minimum_password_length "
                                   "from aws_iam_account_password_policy where account_id = '123456789012'")[1]
    assert answer == [(False, None, 8)]


def test_a_trail_known_from_its_selectors_and_tags_is_in_the_region_its_arn_names(duck):
    """AWS's get-event-selectors and list-tags examples name myTrail by ARN only (no describe-trails lists it): the
    ARN names the trail's home region, so the mods' ``region = home_region`` sees it there, as Steampipe's row."""
    answer = query.run_query(duck, "select name, home_region, region, partition, account_id from aws_cloudtrail_trail "
                                   "where region = home_region and account_id = '123456789012' order by name")[1]
    assert answer == [("Trail1", "us-east-1", "us-east-1", "aws", "123456789012"),
                      ("Trail2", "us-east-1", "us-east-1", "aws", "123456789012"),
                      ("myTrail", "us-east-1", "us-east-1", "aws", "123456789012")]


def test_users_known_from_the_credential_report_alone_have_the_path_their_arn_names(duck):
    """cloud-custodian's accounts have a credential report and no user listing: the users come from the report, and
    an IAM user's ARN names its path (``user/<path>/<name>``), so ``path = '/'`` finds them as Steampipe's would."""
    answer = query.run_query(duck, "select count(*), count(*) filter (where path = '/'), "
                                   "count(*) filter (where arn = 'arn:aws:iam::' || account_id || ':user' || path || name) "
                                   "from aws_iam_user where user_id is null")[1]
    assert answer[0][0] >= 8 and answer == [(answer[0][0],) * 3]


def test_users_the_credential_report_shows_without_mfa_have_no_mfa_devices(duck):
    """ListMFADevices answers [] for a user without MFA: where no listing was loaded, the report's mfa_active
    false says the same; a user the report shows with MFA and no listing stays NULL (not known)."""
    rows = duck.execute(
        "select u.mfa_devices, r.mfa_active from aws_iam_user u join aws_iam_credential_report r "
        "on r.account_id = u.account_id and r.user_name = u.name"
    ).fetchall()
    without = [devices for devices, active in rows if active is False]
    assert without and all(devices is not None and json.loads(devices) == [] for devices in without)
    answer = query.run_query(duck, "select count(*) filter (where jsonb_array_length(mfa_devices) = 0) "
                                   "from aws_iam_user where not mfa_enabled")[1]
    assert answer[0][0] >= len(without)


def test_organizational_unit_paths_are_ltrees(duck):
    """``<@`` / ``@>`` on aws_organizations_organizational_unit.path compare labels (ltree), ``nlevel`` counts
    them; a path that merely starts with the same characters is not a descendant."""
    descendants = query.run_query(
        duck, "select name, nlevel(path) from aws_organizations_organizational_unit "
              "where path <@ 'r_a1b2.ou_a1b2_wkld0001' order by path")[1]
    assert descendants == [("Workloads", 2), ("Prod", 3)]
    ancestors = query.run_query(
        duck, "select name from aws_organizations_organizational_unit "
              "where path @> 'r_a1b2.ou_a1b2_wkld0001.ou_a1b2_prod0001' order by path")[1]
    assert ancestors == [("Workloads",), ("Prod",)]
    assert query.run_query(duck, "select name from aws_organizations_organizational_unit "
                                 "where 'r_a1b2.ou_a1b2_wkld0001.ou_a1b2_prod0001' @> path")[1] == [("Prod",)]
    assert query.run_query(duck, "select count(*) from aws_organizations_organizational_unit "
                                 "where path <@ 'r_a1b2.ou_a1b2_wkld'")[1] == [(0,)]
    joined = query.run_query(
        duck, "select child.name from aws_organizations_organizational_unit as child, "
              "aws_organizations_organizational_unit as parent "
              "where child.path <@ parent.path and child.id <> parent.id")[1]
    assert joined == [("Prod",)]


def test_s3_bucket_columns_iamsql_does_not_load_fail_naming_the_call(duck):
    for column, call in [("website_configuration", "get-bucket-website"),
                         ("object_ownership_controls", "get-bucket-ownership-controls")]:
        with pytest.raises(query.QueryError) as raised:
            query.run_query(duck, f"select name, {column} from aws_s3_bucket")
        message = str(raised.value)
        assert "\n" not in message and column in message and "aws_s3_bucket" in message and call in message
    with pytest.raises(query.QueryError) as raised:
        query.run_query(duck, "select b.name from aws_s3_bucket as b where b.website_configuration is not null")
    assert str(raised.value).startswith('column "b.website_configuration" does not exist: iamsql does not load it into '
                                        'aws_s3_bucket')


def test_s3_bucket_configurations_iamsql_loads_answer_steampipes_queries(duck):
    """lifecycle_rules, replication, object_lock_configuration and event_notification_configuration are filled
    from their s3api outputs, in Steampipe's shapes."""
    lifecycle = query.run_query(duck, "select b.name from aws_s3_bucket as b, jsonb_array_elements(b.lifecycle_rules) "
                                      "as r where r ->> 'Status' = 'Enabled'")[1]
    assert lifecycle == [("audit-trail-logs-111122223333",)]
    replicated = query.run_query(duck, "select name from aws_s3_bucket, jsonb_array_elements(replication -> 'Rules') "
                                       "as r where r ->> 'Status' = 'Enabled'")[1]
    assert replicated == [("audit-trail-logs-111122223333",)]
    locked = query.run_query(duck, "select name from aws_s3_bucket "
                                   "where object_lock_configuration ->> 'ObjectLockEnabled' = 'Enabled'")[1]
    assert locked == [("audit-trail-logs-111122223333",)]
    notified = query.run_query(
        duck, "select name from aws_s3_bucket as b where "
              "b.event_notification_configuration ->> 'EventBridgeConfiguration' is not null or "
              "jsonb_array_length(b.event_notification_configuration -> 'TopicConfigurations') > 0 order by name")[1]
    assert notified == [("audit-trail-logs-111122223333",), ("web.assets.example",)]

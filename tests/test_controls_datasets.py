"""Every control runs without ``error`` on every public data set (``public_data``, see its PROVENANCE.md), each
loaded on its own with ``iamsql load`` as a user would, and on a moto-collected account (``iamsql collect``).

Each data set is loaded and checked once per module. Data sets that need an option to load say why in
``LOAD_OPTIONS``; the two deliberately malformed files (negative fixtures that ``iamsql load`` rightly rejects)
are left out of their folders.
"""

import functools
import shutil
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError
from typer.testing import CliRunner

from iamsql import controls
from iamsql.cli import app
from iamsql.store import db
from tests.conftest import PUBLIC_DATA_SETS
from tests.fixtures.moto import moto_environment, populate_account, populate_workloads

IAMSQL = str(Path(sys.executable).parent / "iamsql")
MALFORMED = {"cado_cloudgrep_tests/bad_cloudtrail.json",
             "aws_cloudtrail_processing_library/src/test/resources/SerializerTestFileBadJsonFormat.json"}
LOAD_OPTIONS = {
    # CLI example outputs of two documentation accounts; files such as get-login-profile name no account.
    "aws_cli_examples": ["--account-id", "123456789012"],
    # Recorded responses of many test accounts; list-account-aliases and the like name no account.
    "cloud_custodian_placebo": ["--account-id", "123456789012"],
    # The demo account's describe-regions names no account, and its Access Analyzer listing names another one
    # (000000000000): the demo account is 123456789012.
    "cloudmapper_demo": ["--account-id", "123456789012"],
}


# Controls no public data set and no moto collection holds data for: none has Identity Center or Access Analyzer
# findings (moto serves neither those findings nor analyzers), and the one analyzer listing (CloudMapper's demo) is of
# an account whose regions are not in the data.
NO_DATA_ANYWHERE = {"sso_permission_set_admin", "accessanalyzer_enabled_all_regions",
                    "accessanalyzer_no_active_external_findings"}


def data_sets(public_data: Path) -> list[str]:
    return sorted(name for name in PUBLIC_DATA_SETS if (public_data / name).is_dir())


def without_malformed(public_data: Path, name: str, tmp: Path) -> Path:
    """The data set's folder, or a copy of it without its deliberately malformed files."""
    bad = [m for m in MALFORMED if m.startswith(name + "/")]
    if not bad:
        return public_data / name
    copy = tmp / name
    shutil.copytree(public_data / name, copy)
    for relative in bad:
        (tmp / relative).unlink()
    return copy


@pytest.fixture(scope="module")
def cached_translation():
    """Translate each control once for the whole module (translation is a pure function of the SQL text and
    costs seconds per run; this module runs every control over a dozen databases)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(controls, "to_duckdb", functools.lru_cache(maxsize=None)(controls.to_duckdb))
        yield


def check(database: Path) -> list[dict]:
    con = db.connect(database)
    try:
        return controls.results(con, controls.run_checks(con))
    finally:
        con.close()


@pytest.fixture(scope="module")
def dataset_results(public_data, tmp_path_factory, cached_translation) -> dict[str, list[dict]]:
    tmp = tmp_path_factory.mktemp("datasets")
    runner = CliRunner()
    results = {}
    for name in data_sets(public_data):
        database = tmp / f"{name}.duckdb"
        folder = without_malformed(public_data, name, tmp / "copies")
        options = [*LOAD_OPTIONS.get(name, []), "--quiet", "--db", str(database)]
        loaded = runner.invoke(app, ["load", str(folder), *options])
        assert loaded.exit_code == 0, (name, loaded.output, loaded.exception)
        results[name] = check(database)
    return results


def test_every_data_set_is_checked(public_data, dataset_results):
    assert set(dataset_results) == set(data_sets(public_data))
    assert set(LOAD_OPTIONS) <= set(dataset_results)


def test_no_control_errors_on_any_data_set(dataset_results):
    errors = [(name, r["control_id"], r["account_id"], r["reason"])
              for name, rows in dataset_results.items() for r in rows
              if r["status"] == "error"]
    assert errors == []


@pytest.fixture(scope="module")
def moto_results(moto_server, tmp_path_factory, cached_translation) -> list[dict]:
    """The account of tests/fixtures/moto.py collected with the console script."""
    tmp = tmp_path_factory.mktemp("moto-account")
    database = tmp / "collected.duckdb"
    with moto_environment(moto_server, tmp):
        session = boto3.Session(region_name="us-east-1")
        populate_account(session, "123456789012")
        populate_workloads(session)
        # an identity pool without guests (its roles, which moto's GetIdentityPoolRoles does not give, do not matter)
        session.client("cognito-identity").create_identity_pool(IdentityPoolName="members_only",
                                                                 AllowUnauthenticatedIdentities=False)
        session.client("kms").create_key(Description="exports")  # a customer managed key, rotation off
        # a secret without rotation, collected through ListSecrets, DescribeSecret and GetResourcePolicy
        secrets = session.client("secretsmanager")
        secrets.create_secret(Name="app/db", SecretString="not-a-real-password")
        # a secret that rotates every 30 days: moto turns its rotation on, then refuses the call because the rotation
        # function does not exist (one that exists it would run)
        secrets.create_secret(Name="app/rotating", SecretString="not-a-real-password")
        with pytest.raises(ClientError, match="ResourceNotFoundException"):
            secrets.rotate_secret(SecretId="app/rotating", RotationRules={"AutomaticallyAfterDays": 30},
                                  RotationLambdaARN="arn:aws:lambda:us-east-1:123456789012:function:rotate-app")
        collected = subprocess.run([IAMSQL, "collect", "--region", "us-east-1", "--region", "eu-west-1",
                                    "--evidence-dir", str(tmp / "evidence"), "--quiet", "--db", str(database)],
                                   capture_output=True, text=True, timeout=300)
        assert collected.returncode == 0, collected.stderr
    return check(database)


def test_no_control_errors_on_a_collected_account(moto_results):
    assert [(r["control_id"], r["reason"]) for r in moto_results if r["status"] == "error"] == []
    assert {r["control_id"] for r in moto_results} == {c.id for c in controls.load_controls()}
    keys = [(r["control_id"], r["resource"]) for r in moto_results]
    assert len(keys) == len(set(keys))


def test_the_data_sets_exercise_the_controls(dataset_results, moto_results):
    """Beyond "no error": every control gives a verdict (ok or alarm) somewhere, except those no data set and no
    collection holds data for, and the IAM and event data sets give verdicts, not only skips."""
    rows = [r for found in dataset_results.values() for r in found] + moto_results
    judged = {r["control_id"] for r in rows if r["status"] in ("ok", "alarm")}
    assert {c.id for c in controls.load_controls()} - judged == NO_DATA_ANYWHERE
    for name in ("cloudsplaining", "cloudmapper_demo", "aws_cli_examples"):
        assert {"ok", "alarm"} <= {r["status"] for r in dataset_results[name]}, name
    for name in ("invictus_ir_aws_dataset", "stratus_red_team_detonation_logs"):
        events = {r["status"] for r in dataset_results[name] if r["control_id"].startswith("cloudtrail_event_")}
        assert {"ok", "alarm"} <= events, name


def test_policy_controls_name_policies_moto_lists_without_a_name(moto_results):
    """moto's get-account-authorization-details gives managed policies no PolicyName: the reason still names
    the policy (from its ARN)."""
    reasons = {r["resource"]: r["reason"] for r in moto_results if r["control_id"] == "iam_policy_no_full_admin"}
    assert reasons["arn:aws:iam::123456789012:policy/DevPolicy"] == \
        "Policy DevPolicy does not allow every action on every resource."
    assert reasons["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"].startswith("Policy AmazonS3ReadOnlyAccess ")

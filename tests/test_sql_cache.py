"""Controls' and helper views' SQL is translated once and then read from the translation cache: a second run
does not translate, a changed control is translated again, a broken entry is rewritten, a folder that cannot be
written costs only time, and the results are the same either way. Translating (a cache miss) imports the
DuckDB translator only, none of the other engines' dialects."""

import json
import os
import re
import shutil
import subprocess
import sys

import pytest
import sqlglot

from iamsql import controls
from iamsql.common.resources import SAMPLE_DIR
from iamsql.controls import views
from iamsql.load import load_paths
from iamsql.sql import cache as sqlcache
from iamsql.sql.dialect import to_duckdb
from iamsql.sql.query import checked_translation
from iamsql.store import db
from tests.fixtures.calls import record_calls

SELECTED = ["iam_root_mfa_enabled", "iam_user_console_mfa", "nhi_unused"]


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    path = tmp_path_factory.mktemp("sample") / "sample.duckdb"
    con = db.connect(path)
    load_paths(con, [SAMPLE_DIR])
    con.close()
    return path


@pytest.fixture
def con(sample, tmp_path):
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(sample.read_bytes())
    connection = db.connect(copy)
    yield connection
    connection.close()


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("IAMSQL_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def translations(monkeypatch):
    """The SQL texts handed to the translator (sqlglot), as a new process would: no per-process memory."""
    calls: list[str] = []
    translate = views.to_duckdb

    def counting(sql: str) -> str:
        calls.append(sql)
        return translate(sql)

    monkeypatch.setattr(views, "to_duckdb", counting)
    views.view_duckdb.cache_clear()
    yield calls
    views.view_duckdb.cache_clear()


def run(con, translations, **options) -> list[tuple]:
    views.view_duckdb.cache_clear()  # each run as in a new process
    run_id = controls.run_checks(con, **options)
    return con.execute(
        "select control_id, finding_id, status, reason from iamsql_result where run_id = ? order by all", [run_id]
    ).fetchall()


def entries(folder) -> list:
    """The translations kept in the cache folder (the parsed controls and mappings are kept beside them)."""
    return sorted((folder / "sql").rglob("*.json"))


def test_second_run_reads_the_cache_and_gives_the_same_results(con, cache, translations):
    first = run(con, translations, controls=SELECTED)
    translated = len(translations)
    # each control, and each helper view nhi_unused reads, was translated once and kept
    views = controls.needed_views([c for c in controls.load_controls() if c.id in SELECTED])
    assert translated == len(SELECTED) + len(views)
    assert len(entries(cache)) == translated
    assert {status for _, _, status, _ in first} >= {"ok", "alarm"}
    translations.clear()
    second = run(con, translations, controls=SELECTED)
    assert translations == []
    assert second == first


def test_results_are_the_same_without_a_cache(con, cache, tmp_path, monkeypatch, translations):
    cached = run(con, translations, controls=SELECTED)
    cached = run(con, translations, controls=SELECTED)  # read from the cache
    unwritable = tmp_path / "a-file"
    unwritable.write_text("not a folder")
    monkeypatch.setenv("IAMSQL_CACHE_DIR", str(unwritable / "cache"))
    translations.clear()
    uncached = run(con, translations, controls=SELECTED)
    assert len(translations) >= len(SELECTED)  # nothing could be kept or read: everything translated
    assert uncached == cached


def test_a_changed_control_is_translated_again(con, cache, tmp_path, translations):
    queries = tmp_path / "queries"
    queries.mkdir()
    source = controls.QUERIES_DIR / "iam_root_mfa_enabled.sql"
    target = queries / source.name
    shutil.copy(source, target)
    before = run(con, translations, queries_dir=queries)
    assert len(translations) == 1
    text = target.read_text()
    assert "'ok'" in text
    target.write_text(text.replace("'ok'", "'info'"))
    translations.clear()
    after = run(con, translations, queries_dir=queries)
    assert len(translations) == 1 and "'info'" in translations[0]
    assert [status for _, _, status, _ in before if status == "ok"]
    assert [row[2] for row in after] == ["info" if row[2] == "ok" else row[2] for row in before]
    # a parameter value is part of the key too
    translations.clear()
    run(con, translations, controls=["iam_access_key_rotated"], params={"max_age_days": "45"})
    translations.clear()
    run(con, translations, controls=["iam_access_key_rotated"], params={"max_age_days": "46"})
    assert len(translations) == 1 and "46" in translations[0]


DAMAGE = [b"", b"{not json", b'{"key": "another", "sql": "select 1"}', b"\xff\xfe", b'{"key": null}']


def test_a_broken_entry_is_translated_again_and_rewritten(con, cache, translations):
    first = run(con, translations, controls=SELECTED)
    stored = entries(cache)
    assert len(stored) >= len(DAMAGE)
    for number, path in enumerate(stored):
        path.write_bytes(DAMAGE[number % len(DAMAGE)])
    translations.clear()
    again = run(con, translations, controls=SELECTED)
    assert len(translations) == len(stored)
    assert again == first
    for path in entries(cache):
        entry = json.loads(path.read_text())
        assert entry["key"] == path.stem and entry["sql"]
    translations.clear()
    assert run(con, translations, controls=SELECTED) == first
    assert translations == []


def test_cache_folder_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("IAMSQL_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert sqlcache.cache_dir() == tmp_path / "xdg" / "iamsql"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert sqlcache.cache_dir() == tmp_path / "home" / ".cache" / "iamsql"
    monkeypatch.setenv("IAMSQL_CACHE_DIR", str(tmp_path / "mine"))
    assert sqlcache.cache_dir() == tmp_path / "mine"


def test_key_changes_with_the_translator_and_the_target(monkeypatch):
    key = sqlcache.entry_key(["select 1"], "duckdb")
    assert sqlcache.entry_key(["select 1"], "duckdb") == key
    assert sqlcache.entry_key(["select 2"], "duckdb") != key
    assert sqlcache.entry_key(["select 1"], "spark") != key
    assert sqlcache.entry_key(["select 1", ""], "duckdb") != key
    sqlcache.translator_fingerprint.cache_clear()
    monkeypatch.setattr(sqlcache, "__version__", "999.0")
    try:
        assert sqlcache.entry_key(["select 1"], "duckdb") != key
    finally:
        sqlcache.translator_fingerprint.cache_clear()


def iamsql_importtime(*args: str, env: dict) -> subprocess.CompletedProcess:
    """The command with ``-X importtime``: its stderr lists every module the process imported."""
    return subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "from iamsql.cli import main; main()", *args],
        capture_output=True,
        text=True,
        env=env,
    )


def imported_sqlglot(importtime: str) -> bool:
    return re.search(r"\|\s+sqlglot(\.\w+)*\s*$", importtime, re.M) is not None


def test_an_ad_hoc_query_run_before_needs_no_sqlglot_and_a_refused_one_is_never_kept(sample, tmp_path):
    env = {**os.environ, "IAMSQL_CACHE_DIR": str(tmp_path / "cache")}
    query = ["query", "--db", str(sample), "--format", "csv", "select count(*)::int as n from aws_iam_user"]
    first = iamsql_importtime(*query, env=env)
    assert first.returncode == 0, first.stderr
    assert imported_sqlglot(first.stderr)
    second = iamsql_importtime(*query, env=env)
    assert second.returncode == 0, second.stderr
    assert second.stdout == first.stdout and int(first.stdout.split()[-1]) > 0
    assert not imported_sqlglot(second.stderr)
    refused = ["query", "--db", str(sample), "select 1; drop table aws_iam_user"]
    for _ in range(2):
        done = iamsql_importtime(*refused, env=env)
        assert done.returncode != 0
        assert "error: DROP is not allowed" in done.stderr and imported_sqlglot(done.stderr)


# Modules that only Spark, Trino and Athena SQL needs (``iamsql.sql.engine_dialects`` and the sqlglot dialects it
# builds on): a translation to DuckDB must not import them.
OTHER_ENGINES = ("iamsql.sql.engine_dialects", "sqlglot.dialects.spark", "sqlglot.dialects.spark2",
                 "sqlglot.dialects.hive", "sqlglot.dialects.trino", "sqlglot.dialects.presto",
                 "sqlglot.dialects.athena", "sqlglot.dialects.mysql")
IMPORTED = (
    "import atexit, json, sys; from iamsql.cli import main; "
    "atexit.register(lambda: print(json.dumps(sorted(sys.modules)), file=sys.stderr)); main()"
)


def imported_modules(*args: str, env: dict) -> set[str]:
    """The modules the command had imported when it ended (printed on the last line of its stderr)."""
    done = subprocess.run([sys.executable, "-c", IMPORTED, *args], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stderr.splitlines()[-1]))


def test_translating_to_duckdb_imports_no_other_engines_dialect(sample, tmp_path):
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(sample, copy)
    commands = [
        ["query", "--db", str(sample), "select name from aws_iam_user u, jsonb_array_elements(u.groups) g"],
        ["check", "--db", str(copy), "--control", "iam_root_mfa_enabled", "--fail-on", "none", "--quiet"],
    ]
    for command in commands:
        env = {**os.environ, "IAMSQL_CACHE_DIR": str(tmp_path / f"cold-{command[0]}")}  # empty: translated now
        modules = imported_modules(*command, env=env)
        assert {"iamsql.sql.dialect", "sqlglot.dialects.postgres", "sqlglot.dialects.duckdb"} <= modules, command
        assert not modules & set(OTHER_ENGINES), (command, sorted(modules & set(OTHER_ENGINES)))


def test_an_ad_hoc_statement_is_parsed_once_to_be_checked_and_translated(tmp_path, monkeypatch):
    monkeypatch.setenv("IAMSQL_CACHE_DIR", str(tmp_path / "cache"))  # empty: checked and translated now
    statement = "select u.name, g ->> 'GroupName' as group_name from aws_iam_user u, jsonb_array_elements(u.groups) g"
    parsed = record_calls(monkeypatch, sqlglot, "parse")
    duck_sql = checked_translation(statement, "steampipe")
    assert parsed == [statement]
    assert duck_sql == to_duckdb(statement)

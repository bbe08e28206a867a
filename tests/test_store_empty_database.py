"""A new database is a copy of an empty database with the schema, made once and kept beside the translation cache;
the copy holds what making the schema in place gives, and anything unusual (no cache folder, a damaged kept file, a
file that appeared meanwhile) leaves the database made as before."""

from __future__ import annotations

import os
from contextlib import closing
from pathlib import Path

import pytest

from iamsql.load import load_paths
from iamsql.store import db

EXAMPLE = Path(__file__).parent / "data" / "cloudsplaining" / "example.json"


def _catalog(path: Path) -> tuple:
    """Every table's and view's definition and every column of the database, and its snapshot views' rows."""
    with closing(db.connect(path)) as con:
        here = "database_name = current_database()"
        return (
            con.execute(f"select schema_name, table_name, sql from duckdb_tables() where {here} order by all").fetchall(),
            con.execute(f"select schema_name, view_name, sql from duckdb_views() where {here} and not internal "
                        "order by all").fetchall(),
            con.execute(f"select schema_name, table_name, column_name, column_index, data_type from duckdb_columns() "
                        f"where {here} order by all").fetchall(),
            con.execute("select fingerprint from iamsql_schema").fetchall(),
        )


def _copies(monkeypatch) -> list[bool]:
    """Record whether each new database was a copy."""
    placed: list[bool] = []
    copy = db._copy_empty_database

    def recorded(path: Path) -> bool:
        placed.append(copy(path))
        return placed[-1]

    monkeypatch.setattr(db, "_copy_empty_database", recorded)
    return placed


@pytest.mark.parametrize("name", ["iamsql.duckdb", "history.duckdb"])  # history.*: attached under another name
def test_a_copied_database_is_the_database_made_in_place(tmp_path, monkeypatch, name):
    monkeypatch.setenv("IAMSQL_CACHE_DIR", str(tmp_path / "not-a-folder"))
    (tmp_path / "not-a-folder").write_text("")  # no kept database can be made: the schema is made in place
    (tmp_path / "made").mkdir()
    made = _catalog(tmp_path / "made" / name)
    monkeypatch.setenv("IAMSQL_CACHE_DIR", str(tmp_path / "cache"))
    placed = _copies(monkeypatch)
    (tmp_path / "first").mkdir()
    (tmp_path / "copied").mkdir()
    first = _catalog(tmp_path / "first" / name)  # makes the kept database, then copies it
    copied = _catalog(tmp_path / "copied" / name)
    assert placed == [True, True]
    assert [p.suffix for p in (tmp_path / "cache" / "schema").iterdir()] == [".duckdb"]
    assert first == copied == made
    assert made[3] == [(db.schema_fingerprint(),)]
    assert os.listdir(tmp_path / "copied") == [name]  # no temporary file left beside it
    assert (tmp_path / "copied" / name).stat().st_mode == (tmp_path / "made" / name).stat().st_mode


def test_a_copied_database_stores_and_reads_a_load(tmp_path, monkeypatch):
    monkeypatch.setenv("IAMSQL_CACHE_DIR", str(tmp_path / "cache"))
    placed = _copies(monkeypatch)
    counts = []
    for name in ("a.duckdb", "b.duckdb"):
        with closing(db.connect(tmp_path / name, queries=False)) as con:
            load_paths(con, [EXAMPLE])
        with closing(db.connect(tmp_path / name, read_only=True)) as con:
            counts.append(con.execute("select (select count(*) from aws_iam_role), (select count(*) from aws_iam_user), "
                                      "(select count(*) from iamsql_account)").fetchone())
    assert placed == [True, True]
    assert counts == [(78, 44, 2), (78, 44, 2)]


def test_a_kept_file_that_is_no_database_is_made_again(tmp_path, monkeypatch):
    monkeypatch.setenv("IAMSQL_CACHE_DIR", str(tmp_path / "cache"))
    db.connect(tmp_path / "first.duckdb").close()
    [kept] = (tmp_path / "cache" / "schema").iterdir()
    kept.write_bytes(b"not a database at all" * 100)
    placed = _copies(monkeypatch)
    with closing(db.connect(tmp_path / "second.duckdb")) as con:
        assert db.schema_is_current(con)
    assert placed == [True]
    assert kept.read_bytes()[8:12] == b"DUCK"
    assert _catalog(tmp_path / "second.duckdb") == _catalog(tmp_path / "first.duckdb")


def test_a_copy_that_does_not_open_is_made_in_place(tmp_path, monkeypatch):
    monkeypatch.setenv("IAMSQL_CACHE_DIR", str(tmp_path / "cache"))
    db.connect(tmp_path / "first.duckdb").close()
    [kept] = (tmp_path / "cache" / "schema").iterdir()
    damaged = bytearray(kept.read_bytes())
    damaged[12:] = b"\xff" * (len(damaged) - 12)  # a DuckDB header, nothing readable after it
    kept.write_bytes(bytes(damaged))
    placed = _copies(monkeypatch)
    with closing(db.connect(tmp_path / "second.duckdb")) as con:
        assert db.schema_is_current(con)
    assert placed == [True]  # copied, would not open, removed and made in place
    assert _catalog(tmp_path / "second.duckdb") == _catalog(tmp_path / "first.duckdb")


def test_a_file_that_appeared_meanwhile_is_never_replaced(tmp_path, monkeypatch):
    monkeypatch.setenv("IAMSQL_CACHE_DIR", str(tmp_path / "cache"))
    db.connect(tmp_path / "first.duckdb").close()
    (tmp_path / "target").mkdir()
    path = tmp_path / "target" / "new.duckdb"
    path.write_bytes(b"another process's file")
    assert db._copy_empty_database(path) is False
    assert path.read_bytes() == b"another process's file"
    assert os.listdir(tmp_path / "target") == ["new.duckdb"]

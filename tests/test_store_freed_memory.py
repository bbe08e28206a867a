"""iamsql's connections have DuckDB return what a step frees in bulk to the system (above 1 MB, DuckDB's default
512 MB): the large account's `evidence run` peaked ~25 MiB higher on memory DuckDB's allocator kept (docs/benchmarks.md)."""

from __future__ import annotations

from contextlib import closing

import duckdb
import pytest

from iamsql.store import db

SETTING = "select current_setting('allocator_bulk_deallocation_flush_threshold')"


@pytest.mark.parametrize("read_only", [False, True])
def test_a_connection_returns_memory_freed_in_bulk_above_one_megabyte(tmp_path, read_only):
    path = tmp_path / "iamsql.duckdb"
    db.connect(path).close()  # the database made
    with closing(duckdb.connect()) as plain:
        default = plain.execute(SETTING).fetchone()[0]
        plain.execute("set allocator_bulk_deallocation_flush_threshold = '1MB'")
        wanted = plain.execute(SETTING).fetchone()[0]
    with closing(db.connect(path, read_only=read_only)) as con:
        assert con.execute(SETTING).fetchone()[0] == wanted != default

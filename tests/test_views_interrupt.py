"""A helper view computed into a table stops the run when Ctrl-C or SIGTERM arrives during its query, instead of
falling back to defining the view (which let the next control's query run on)."""

import threading

import duckdb
import pytest

from iamsql.controls import views


def test_interrupt_during_a_view_table_is_raised(monkeypatch):
    con = duckdb.connect()
    slow = "select count(*) as n from range(1000000000000) a where a.range % 7 = 3"
    monkeypatch.setattr(views, "installed_view_sql", lambda _con, _name: slow)
    timer = threading.Timer(0.5, con.interrupt)
    timer.start()
    try:
        with pytest.raises(duckdb.Error) as raised:
            views.create_view_table(con, "slow_view")
    finally:
        timer.cancel()
    assert views.is_interrupt(raised.value)
    assert con.execute("select count(*) from duckdb_views() where view_name = 'slow_view'").fetchone()[0] == 0


def test_a_failing_view_table_falls_back_to_the_view(monkeypatch):
    con = duckdb.connect()
    monkeypatch.setattr(views, "installed_view_sql", lambda _con, _name: "select cast('x' as integer) as n")
    assert views.create_view_table(con, "broken_view") is None
    assert con.execute("select count(*) from duckdb_views() where view_name = 'broken_view'").fetchone()[0] == 1


def test_is_interrupt():
    assert views.is_interrupt(duckdb.InterruptException("INTERRUPT Error: Interrupted!"))
    assert views.is_interrupt(RuntimeError("Query interrupted"))
    assert not views.is_interrupt(duckdb.ConversionException("Could not convert string 'x' to INT32"))

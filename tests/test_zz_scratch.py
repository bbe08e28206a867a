import os
from tests.test_steampipe_queries import duck, pg  # noqa: F401
from tests.sql import oracle


def test_scratch(duck, pg):  # noqa: F811
    for sql in open(os.environ["SCRATCH"]).read().split(";\n"):
        if not sql.strip():
            continue
        expected, now = oracle.run_postgres(pg, sql)
        duck_sql = oracle.translated(sql)
        actual = oracle.run_duckdb(duck, duck_sql, now)
        print("\n==", sql.strip()[:200])
        print("PG  ", expected.error, expected.rows[:12])
        print("DUCK", actual.error, actual.rows[:12])

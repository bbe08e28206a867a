"""``to_char(number, format)`` writes what PostgreSQL writes (PostgreSQL is the oracle): the format patterns
``9``, ``0``, ``.``/``D``, ``,``/``G``, ``L``, ``FM``, ``S``, ``MI``, ``PL``, ``SG``, ``PR``, ``RN`` beside them and literal text, over
integers, numerics and doubles, through the translated query."""

import duckdb
import pytest

from iamsql.sql.query import fetch, translate
from iamsql.store.db import install_macros

FORMATS = ["999", "FM999", "9,999", "FM9,999,999", "0000", "FM0000", "999.99", "FM999.00", "FM999.99", "FM9.9",
           "990.99", "S999", "999S", "FMS990.0", "999MI", "PL999", "SG999", "999PR", "FM999PR", "9G999D99", "000.00",
           "FM9990.0999", '"$"FM999.00', "99.99%", ".99", "FM.99", "fm0.99", "L999D99", "FML9G999", "l9MI", "999RN",
           "FMRN9,9", "RNMI", "PLRN", "FMRNPL", "RN SG x", "RN.99PR", "RN L"]
NUMERICS = ["0", "7", "-7", "42.5", "1234", "-1234.567", "0.5", "-0.05", "99.995", "0.004", "123456"]
DOUBLES = ["0.5", "2.5", "1.005", "-3.75", "1234.5678", "0.1", "1e20"]
INTEGERS = ["0", "5", "-5", "1234", "1000000"]


@pytest.fixture(scope="module")
def duck():
    con = duckdb.connect()
    install_macros(con)
    yield con
    con.close()


CASES = ([(v, "numeric") for v in NUMERICS] + [(v, "float8") for v in DOUBLES] + [(v, "int") for v in INTEGERS])


@pytest.mark.parametrize("value,kind", CASES)
def test_number_formats_match_postgres(postgres, duck, value, kind):
    items = ", ".join(f"to_char({value}::{kind}, '{fmt}')" for fmt in FORMATS)
    expected = list(postgres.execute(f"select {items}").fetchone())
    _, _, rows = fetch(duck, translate(f"select {items}"))
    assert list(rows[0]) == expected


def test_numbers_of_a_query_keep_their_decimals(postgres, duck):
    sql = ("select to_char(avg(i), 'FM990.000'), to_char(sum(i) / 7.0, '99.99'), to_char(count(*), 'FM0000'), "
           "to_char(i % 2 * 2.5, 'FM9.90') from generate_series(1, 9) i group by i % 2 order by 4")
    expected = postgres.execute(sql).fetchall()
    _, _, rows = fetch(duck, translate(sql))
    assert rows == expected

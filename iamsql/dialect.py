"""Steampipe/Postgres SQL -> DuckDB SQL (placeholder until the dialect layer lands)."""


def to_duckdb(sql: str) -> str:
    return sql


def install_macros(con) -> None:
    return None

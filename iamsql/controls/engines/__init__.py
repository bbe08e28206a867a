"""What executes the controls: ``duckdb`` (the database itself, the default) and ``spark`` (Spark over the Parquet
lake), both driven by the one run loop in ``controls/run.py``; ``printing`` gives the SQL a control becomes on each
engine, Trino and Athena included, for ``iamsql controls --print-sql``."""

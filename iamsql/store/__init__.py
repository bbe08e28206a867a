"""The database: connections and account views (``db``), the table definitions (``schema``), snapshots and runs
(``bookkeeping``), the interrupt journal (``journal``) and the Parquet lake (``lake``)."""

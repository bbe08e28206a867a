"""Errors that the CLI turns into one clear line and a non-zero exit code."""


class IamsqlError(Exception):
    """A user-facing failure: the message is shown as is, without a traceback, after ``warnings`` (what the failed
    command had found wrong before it failed, one ``warning:`` line each)."""

    exit_code = 2
    warnings: tuple[str, ...] = ()


class InputError(IamsqlError):
    """A file or argument that iamsql cannot use (wrong format, malformed, missing)."""


class BrokenFileError(InputError):
    """A file whose content cannot be read (malformed JSON, a truncated gzip, values of another kind than AWS
    gives): ``path`` names it, ``reason`` says why; ``load --skip-broken`` loads the other files instead."""

    def __init__(self, path: object, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = path, reason


class DatabaseError(IamsqlError):
    """The database cannot be opened or written (locked by another process, unreadable)."""


class PolicyError(IamsqlError):
    """A policy document or evaluation request that cannot be used; the message is one line."""


class QueryError(IamsqlError):
    """A query that cannot be translated or run."""


class HistoryError(IamsqlError):
    """A run that does not exist, or too few runs to compare."""


class ExceptionsFileError(InputError):
    """An exceptions file that cannot be used; the message names the file and line."""


class SigningError(IamsqlError):
    """A key file that cannot be used for signing or verifying; the message names the file."""


class ConfigError(IamsqlError):
    """A config file, flag or environment variable that cannot be used; the message names the key."""


class EvidenceError(IamsqlError):
    """An evidence run that cannot proceed (locked, unwritable folder) or a folder that cannot be verified."""


class ReportError(IamsqlError):
    """A report that cannot be written as asked (no run, unknown run or framework, unwritable file)."""


class ControlError(IamsqlError):
    """A control file that cannot be used, or a check that cannot be run as asked."""


class SigmaRuleError(ControlError):
    """A Sigma rule that cannot run as a control; the message is one line naming the rule and the feature."""


class SparkError(IamsqlError):
    """Spark cannot be started or the lake cannot be read."""


class WriteError(IamsqlError):
    """A destination iamsql will not write to, or a write that failed."""


class CollectError(IamsqlError):
    """Nothing could be collected, or the options or credentials cannot be used."""


class LakeError(IamsqlError):
    """The lake folder cannot be written or read as asked."""


class RowsNotStored(DatabaseError):
    """DuckDB refused the rows of one ``insert_rows`` call; ``index`` is the row that made it fail when the
    error tells (a line number, or the largest row for an out-of-memory or size error), else ``None``."""

    def __init__(self, table: str, reason: str, index: int | None) -> None:
        super().__init__(f"cannot store {table} rows: {reason}")
        self.table, self.reason, self.index = table, reason, index


class MappingError(IamsqlError):
    """A catalog or mapping file that cannot be used, or a framework or requirement that does not exist."""


class UnsupportedFeature(QueryError):
    """A Postgres feature the translation does not cover."""


class CollectInterrupted(KeyboardInterrupt):
    """Ctrl-C or SIGTERM during ``collect`` once its evidence folder exists; the message says what the folder and
    the database are."""


NOTHING_LOADED = "; nothing was loaded"  # how a failed load's line ends (load_paths adds how many files it held)
DUCKDB_INTERRUPTED = "Query interrupted"  # DuckDB's RuntimeError when SIGINT or SIGTERM arrives during a fetch


def first_line(error: BaseException | str) -> str:
    """The first line of an error's message (the class name when it has none): what a one-line report shows."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__

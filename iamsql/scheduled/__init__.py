"""Scheduled evidence runs (docs/scheduling.md): ``config`` (the options), ``lock`` (one run at a time),
``run`` (collect or load, check, apply exceptions, report, write the evidence folder), ``folder`` (its layout
and hashes), ``retention`` (pruning), ``verify`` (re-checking folders, signatures and the chain), ``signing``
(OpenSSH Ed25519 signatures). The names below are the package's public interface."""

from iamsql.errors import ConfigError, EvidenceError
from iamsql.scheduled.config import OPTIONS, Config, load_config
from iamsql.scheduled.folder import run_folders
from iamsql.scheduled.retention import prune
from iamsql.scheduled.run import RunOutcome, run
from iamsql.scheduled.verify import Verification, verify, verify_run

__all__ = ["OPTIONS", "Config", "ConfigError", "EvidenceError", "RunOutcome", "Verification", "load_config", "prune",
           "run", "run_folders", "verify", "verify_run"]

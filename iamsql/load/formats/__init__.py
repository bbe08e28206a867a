"""File-format parsers for ``iamsql load``. Each parser turns one AWS output into ``Fragment``s: partial rows of a
Steampipe table, keyed by the resource's natural key, that ``iamsql.load`` merges per account across files (so a
user seen in get-account-authorization-details, list-users and list-mfa-devices becomes one row).

``detect(document, path)`` names the IAM/CloudTrail-configuration/monitoring format of a parsed JSON document (or None);
``parse(format, document, path)`` returns its ``Parsed``. CloudTrail *event* files are handled by
``formats.cloudtrail`` instead.
"""

from __future__ import annotations

from typing import Any

from iamsql.load.formats import (
    credential_report,
    iam,
    identity,
    kms,
    monitoring,
    organizations,
    secrets,
    trails,
    workloads,
)
from iamsql.load.formats.base import Format


def _formats() -> list[Format]:
    # Organizations first: its list-policies / describe-policy share the ``Policies`` / ``Policy`` keys with IAM's
    # (as does Lambda's get-policy, whose ``Policy`` is text); then identity: the identity store's list-users /
    # list-groups share ``Users`` / ``Groups`` with IAM's.
    return [*organizations.FORMATS, *workloads.FORMATS, *identity.FORMATS, *kms.FORMATS, *secrets.FORMATS, *iam.FORMATS, *credential_report.FORMATS,
            *trails.FORMATS, *monitoring.FORMATS]


def detect(document: Any) -> Format | None:
    """The first format whose detector accepts this JSON document (AWS CLI ``--output json`` shape)."""
    if not isinstance(document, dict):
        return None
    for fmt in _formats():
        if fmt.detect(document):
            return fmt
    return None


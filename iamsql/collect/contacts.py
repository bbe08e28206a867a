"""The account's alternate contacts: ``account:GetAlternateContact`` for each type (BILLING, OPERATIONS, SECURITY).
A type the account has not set is answered ``ResourceNotFoundException``: a fact, kept with the type asked
(``AlternateContactType``), not a gap. Any other failure (AccessDenied) is a gap and the run goes on. See
``iamsql.load.formats.kms``."""

from __future__ import annotations

from iamsql.collect.account import AccountRun
from iamsql.load.formats.kms import CONTACT_TYPES, NO_CONTACT


def collect_alternate_contacts(run: AccountRun) -> None:
    run.each(sorted(CONTACT_TYPES), lambda kind: run.fetch(
        "account", "GetAlternateContact", entity=kind.lower(), add={"AlternateContactType": kind}, facts={NO_CONTACT},
        AlternateContactType=kind))

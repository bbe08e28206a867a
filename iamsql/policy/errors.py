"""The policy engine's error type."""

from iamsql.errors import IamsqlError


class PolicyError(IamsqlError):
    """A policy document or evaluation request that cannot be used; the message is one line."""

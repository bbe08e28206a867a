"""ARNs taken apart: what the loader, the policy engine and the report writers read from one (the loader's
package, with every file format, is not imported for it)."""

from __future__ import annotations

from typing import Any


def arn_parts(arn: Any) -> dict[str, str] | None:
    """``{partition, service, region, account_id, resource}`` of an ARN, or None if it is not one."""
    if not isinstance(arn, str) or not arn.startswith("arn:"):
        return None
    parts = arn.split(":", 5)
    if len(parts) < 6:
        return None
    return {"partition": parts[1], "service": parts[2], "region": parts[3], "account_id": parts[4], "resource": parts[5]}


def arn_account(arn: Any) -> str | None:
    """The 12-digit account of an ARN (None for AWS-managed ``arn:aws:iam::aws:...`` and non-ARNs)."""
    parts = arn_parts(arn)
    if parts and parts["account_id"].isdigit() and len(parts["account_id"]) == 12:
        return parts["account_id"]
    return None


def arn_partition(arn: Any) -> str | None:
    """The partition of an ARN (``aws``, ``aws-cn``, ``aws-us-gov``), or None if it is not one."""
    parts = arn_parts(arn)
    return parts["partition"] if parts else None

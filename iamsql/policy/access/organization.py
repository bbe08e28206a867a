"""The organization's guardrails over each account, from the loaded Organizations tables: the service control
policies (SCPs) and resource control policies (RCPs) at every level from the root through each OU down to the
account, and the management account, as the policy engine's ``Request.scps`` / ``Request.rcps`` /
``Request.management_account_id`` take them.

- A level is the list of policies of that type attached there (``aws_organizations_policy_target``); a policy
  whose content is not loaded (``describe-policy`` missing) or not readable by the engine (malformed, or an SCP or RCP not
  in the form AWS Organizations accepts) is ``None``, so the engine answers ``Unknown`` where it could change the
  answer. A level with no attachment of the type loaded is ``[None]`` too: AWS keeps at least one policy of each
  enabled type on every root, OU and account. An account whose place in the tree is not loaded gets one level
  ``[None]`` for the OUs in between.
- A policy type counts only when the organization uses it: the root's ``policy_types`` says it is enabled or,
  without the root, attachments of that type are loaded. Otherwise the account has no levels of that type, which
  is how the engine is asked about an account outside any organization (today's answers).
- Accounts whose organization data is not loaded get no guardrails: their answers ignore SCPs and RCPs.

The Organizations rows are read across all loaded accounts (the management account's snapshot holds them), even
while a check run shows each account only its own rows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace

import duckdb

from iamsql.common.arns import arn_account
from iamsql.errors import PolicyError
from iamsql.policy import Evaluation, Policy, Request, evaluate, parse_policy
from iamsql.policy.document import as_resource_control_policy, as_service_control_policy

SCP = "SERVICE_CONTROL_POLICY"
RCP = "RESOURCE_CONTROL_POLICY"
# the organization a caller of an account the loaded organization does not list is asked as a member of
OUTSIDE_ORG = "o-iamsqloutside"
ORGANIZATION_KEYS = ("aws:PrincipalOrgID", "aws:PrincipalOrgPaths")


@dataclass(frozen=True)
class Guardrails:
    """What the organization puts over one account."""

    account_id: str
    organization_id: str | None
    management_account_id: str | None
    scps: list = field(default_factory=list)  # levels: root, each OU, the account; each a list of Policy | None
    rcps: list = field(default_factory=list)
    org_path: str | None = None  # aws:PrincipalOrgPaths value, "o-.../r-.../ou-.../"
    members: frozenset = frozenset()  # the organization's accounts
    member_paths: dict = field(default_factory=dict)  # member account -> its aws:PrincipalOrgPaths value, where placed

    @property
    def signature(self) -> tuple:
        """Identity of the guardrails, for caches of answers (policies are parsed once: object identity)."""
        return (self.management_account_id, self.organization_id,
                tuple(tuple(id(p) for p in level) for level in self.scps),
                tuple(tuple(id(p) for p in level) for level in self.rcps))

    def context(self) -> dict:
        """Request context keys the organization fixes for a principal of this account."""
        return self._keys("Principal")

    def caller_context(self, account_id: str) -> dict:
        """``aws:PrincipalOrgID`` (and, where known, ``aws:PrincipalOrgPaths``) of a caller of ``account_id`` on a
        resource of this account, as the loaded member list tells them: this account's own keys; a member's
        organization and, where the loaded tree places the member, its path; any other account's another
        organization (``OUTSIDE_ORG``, a path in it); none when the member list is not loaded."""
        if not self.organization_id or not self.members:
            return {}
        if account_id == self.account_id:
            return self.context()
        if account_id in self.members:
            path = self.member_paths.get(account_id)
            return {"aws:PrincipalOrgID": self.organization_id, **({"aws:PrincipalOrgPaths": [path]} if path else {})}
        return {"aws:PrincipalOrgID": OUTSIDE_ORG, "aws:PrincipalOrgPaths": [f"{OUTSIDE_ORG}/r-iamsqloutside/"]}

    def lists_not(self, account_id: str) -> bool:
        """Whether ``account_id`` is known not to be in this organization (its member list is loaded and does not
        hold it); whether it is in another organization or in none, the data does not say."""
        return bool(self.organization_id and self.members) and account_id not in self.members

    def resource_context(self) -> dict:
        """Request context keys the organization fixes for a resource of this account: aws:ResourceOrgID and, where
        the account's place is loaded, aws:ResourceOrgPaths (its path, as aws:PrincipalOrgPaths for its principals)."""
        return self._keys("Resource")

    def _keys(self, of: str) -> dict:
        """``aws:<of>OrgID`` and ``aws:<of>OrgPaths`` where the organization and the account's place are known."""
        keys = {}
        if self.organization_id:
            keys[f"aws:{of}OrgID"] = self.organization_id
        if self.org_path:
            keys[f"aws:{of}OrgPaths"] = [self.org_path]
        return keys


def evaluate_caller(request: Request, outside: bool) -> Evaluation:
    """``evaluate``; for a caller of an account the organization lists not (``outside``, asked as one of
    ``OUTSIDE_ORG`` by ``Guardrails.caller_context``) also as one in no organization, which has no
    aws:PrincipalOrgID or aws:PrincipalOrgPaths (IAM User Guide, "AWS global condition context keys": "only if the
    principal is a member of an organization"). When the two answers differ the data cannot tell which holds: in
    static analysis the answer is then the one with both keys unknown (conditional on them), else ``Unknown``."""
    other = evaluate(request)
    if not outside:
        return other
    without = {k: v for k, v in request.context.items() if k not in ORGANIZATION_KEYS}
    none = evaluate(replace(request, context=without, absent_keys=(*request.absent_keys, *ORGANIZATION_KEYS)))
    if none.decision == other.decision:
        return other
    if request.unknown_context:
        return evaluate(replace(request, context=without))
    return Evaluation("Unknown", reason=f"The answer depends on whether account {request.principal_account} is in "
                                        "another organization or in none, which the loaded data does not say.")


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    """Rows of a query over the database's own (not per-account) views; none when the table does not exist."""
    try:
        database = con.execute("select current_database()").fetchall()[0][0].replace('"', '""')
        return con.execute(sql.format(db=f'"{database}".main')).fetchall()
    except duckdb.CatalogException:
        return []


def _organization_of(arn: str | None) -> str | None:
    """``o-...`` from an Organizations ARN (``...:account/o-abc/123456789012``)."""
    if not arn:
        return None
    for part in arn.split(":", 5)[-1].split("/"):
        if part.startswith("o-"):
            return part
    return None


def _enabled(policy_types, kind: str) -> bool | None:
    if policy_types is None:
        return None
    try:
        types = json.loads(policy_types) if isinstance(policy_types, str) else policy_types
    except ValueError:
        return None
    return any(isinstance(t, dict) and t.get("Type") == kind and t.get("Status") in ("ENABLED", "PENDING_DISABLE")
               for t in types or [])


def _levels(levels: list, kind: str, root_types, used: set, attached: dict, parsed: dict) -> list:
    """The engine's levels of one policy type for a path of level ids (None: a level that cannot be placed, ""
    skipped); none when the organization does not use the type."""
    enabled = _enabled(root_types, kind)
    if enabled is False or (enabled is None and kind not in used):
        return []
    result = []
    for level in levels:
        if level == "":
            continue
        if level is None:  # a level we cannot place: its policies are not known
            result.append([None])
            continue
        # every root, OU and account holds at least one SCP (DetachPolicy refuses the last) and RCPFullAWSAccess, which
        # cannot be detached: a level with none loaded has attachments that are not loaded, not none
        result.append([parsed.get(p) for p in attached.get((kind, level), [])] or [None])
    return result


def guardrails(con: duckdb.DuckDBPyConnection) -> dict[str, Guardrails]:
    """Each organization member account's guardrails, from what is loaded (see the module docstring)."""
    accounts = _rows(con, "select id, parent_id, arn, account_id from {db}.aws_organizations_account")
    if not accounts:
        return {}
    parent_of: dict[str, str | None] = {}
    org_of: dict[str, str | None] = {}
    management: dict[str, str] = {}
    for account, parent, arn, owner in accounts:
        if not account:
            continue
        parent_of[account] = parent or parent_of.get(account)
        org = _organization_of(arn)
        org_of[account] = org or org_of.get(account)
        if org and arn_account(arn):
            management.setdefault(org, arn_account(arn))
    for row in _rows(con, "select s.account_id, src.value ->> '$.organization' from iamsql_snapshot s, "
                          "json_each(s.sources) src where src.value ->> '$.format' like '%organizations:describe-organization' "
                          "order by s.snapshot_id"):
        try:
            described = json.loads(row[1]) if row[1] else {}
        except ValueError:
            continue
        if described.get("Id") and described.get("MasterAccountId"):
            management[described["Id"]] = described["MasterAccountId"]
    for ou, parent in _rows(con, "select id, parent_id from {db}.aws_organizations_organizational_unit"):
        if ou:
            parent_of[ou] = parent or parent_of.get(ou)
    roots = {root: (_organization_of(arn), types)
             for root, arn, types in _rows(con, "select id, arn, policy_types::varchar from {db}.aws_organizations_root")
             if root}
    parsed: dict[str, Policy | None] = {}
    for policy_id, kind, content in _rows(con, "select id, type, content::varchar from {db}.aws_organizations_policy"):
        if policy_id and content and parsed.get(policy_id) is None:
            try:
                policy = parse_policy(json.loads(content))
                parsed[policy_id] = (as_resource_control_policy if kind == RCP else as_service_control_policy)(policy)
            except (ValueError, PolicyError):
                parsed[policy_id] = None
    attached: dict[tuple[str, str], list[str]] = {}
    for policy_id, target, kind in _rows(
            con, "select distinct id, target_id, type from {db}.aws_organizations_policy_target order by 1, 2"):
        if policy_id and target and kind in (SCP, RCP):
            attached.setdefault((kind, target), []).append(policy_id)
    used = {kind for kind, _ in attached}

    members_of: dict[str | None, set[str]] = {}
    for account, org in org_of.items():
        members_of.setdefault(org, set()).add(account)
    placed = {}
    for account, org in org_of.items():
        chain, node, broken = [], parent_of.get(account), False
        seen = set()
        while node and not node.startswith("r-") and node not in seen:
            seen.add(node)
            chain.append(node)
            node = parent_of.get(node)
        root = node if node and node.startswith("r-") else None
        if root is None:
            broken = True
            candidates = [r for r, (r_org, _) in roots.items() if r_org == org or r_org is None]
            root = candidates[0] if len(candidates) == 1 else None
        levels = [root] + list(reversed(chain)) + [None if broken else "", account]
        path = None if broken or not org else "/".join([org, root, *reversed(chain)]) + "/"
        placed[account] = (org, levels, root, path)
    paths_of: dict[str | None, dict[str, str]] = {}
    for account, (org, _, _, path) in placed.items():
        if path:
            paths_of.setdefault(org, {})[account] = path
    found = {}
    for account, (org, levels, root, path) in placed.items():
        root_types = roots.get(root, (None, None))[1] if root else None
        found[account] = Guardrails(
            account, org, management.get(org), _levels(levels, SCP, root_types, used, attached, parsed),
            _levels(levels, RCP, root_types, used, attached, parsed), path, frozenset(members_of.get(org, ())),
            paths_of.get(org, {}))
    return found

"""The organization's guardrails over each account, from the loaded Organizations tables: the service control
policies (SCPs) and resource control policies (RCPs) at every level from the root through each OU down to the
account, and the management account, as the policy engine's ``Request.scps`` / ``Request.rcps`` /
``Request.management_account_id`` take them.

- A level is the list of policies of that type attached there (``aws_organizations_policy_target``); a policy
  whose content is not loaded (``describe-policy`` missing) or not readable by the engine (malformed, or an SCP or RCP not
  in the form AWS Organizations accepts) is ``None``, so the engine answers ``Unknown`` where it could change the
  answer. An account whose place in the tree is not loaded gets one level ``[None]`` for the
  OUs in between.
- A policy type counts unless the root's ``policy_types`` says it is disabled; without the root, once any
  policy type's listing (``list-policies --filter``) or attachments are loaded. A level holding no loaded policy
  of a type that counts is ``[None]``: AWS keeps at least one SCP and RCPFullAWSAccess on every root, OU and
  account, so an SCP listing alone leaves the RCPs unknown, never none. A type listed with no policy at all (an
  empty ``list-policies``) is not in force. With no policy data and no root, the account has no levels, which is how
  the engine is asked about an account outside any organization (today's answers). A level is whole only where a
  listing proves it (``_whole_levels``): its own ``list-policies-for-target``, or ``list-policies`` of the type
  with ``list-targets-for-policy`` of each of its policies; any other level also holds an unknown policy, as every
  level does while a page of those listings is missing.
- Accounts whose organization data is not loaded get no guardrails: their answers ignore SCPs and RCPs.
- The organization's delegated administrators of a service (``Request.delegated_administrators``, a ``Delegation``):
  where ``list-delegated-administrators --service-principal`` of that service is loaded, the accounts of the latest
  such listing, none when it is empty. Without it, an account whose ``list-delegated-services-for-account`` is
  loaded is one when that output names the service and is not one otherwise, and a whole ``list-delegated-
  administrators`` without ``--service-principal`` (every service's administrators, AWS Organizations API Reference)
  proves that no account it leaves out is one; an account it names is not known. Without any of these the service's
  administrators are not given (AssumeRoot's answer from an account other than the management account stays
  ``Unknown``).

The Organizations rows are read across all loaded accounts (the management account's snapshot holds them), even
while a check run shows each account only its own rows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace

import duckdb

from iamsql.common.arns import arn_account
from iamsql.errors import PolicyError
from iamsql.policy import Delegation, Evaluation, Policy, Request, evaluate, parse_policy
from iamsql.policy.document import as_resource_control_policy, as_service_control_policy
from iamsql.policy.evaluation import IAM_SERVICE_PRINCIPAL

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
    # service principal -> what is known of its delegated administrators (a Delegation), where anything is loaded
    delegated_administrators: dict = field(default_factory=dict)

    @property
    def signature(self) -> tuple:
        """Identity of the guardrails, for caches of answers (policies are parsed once: object identity)."""
        return (self.management_account_id, self.organization_id, tuple(sorted(
                    (principal, known) for principal, known in self.delegated_administrators.items())),
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
    """Rows of a query over the database's own (not per-account) views (``{db}``) and its history (``{history}``);
    none when the table does not exist."""
    try:
        database = con.execute("select current_database()").fetchall()[0][0].replace('"', '""')
        return con.execute(sql.format(db=f'"{database}".main', history=f'"{database}".history')).fetchall()
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


def _levels(levels: list, kind: str, root_types, known: set, none: set, attached: dict, parsed: dict,
            whole: set) -> list:
    """The engine's levels of one policy type for a path of level ids (None: a level that cannot be placed, ""
    skipped); none when the organization does not use the type. ``known``: the policy types whose policies or
    attachments are loaded; ``none``: those listed with no policy (not in force, unless the root says enabled). A
    level without a loaded policy of the type is ``[None]``: while a type is enabled AWS keeps at least one SCP
    (FullAWSAccess by default) and RCPFullAWSAccess on every root, OU and account, so its policies there are not
    loaded, never none. ``whole``: the (type, level) pairs whose attachments a listing proves whole, ``(type, None)``
    for every level (``_whole_levels``); every other level may hold a policy not loaded, so it also holds ``None``."""
    enabled = _enabled(root_types, kind)
    if enabled is False or (enabled is None and (kind in none or not known)):
        return []
    result = []
    for level in levels:
        if level == "":
            continue
        policies = [parsed.get(p) for p in attached.get((kind, level), [])]
        proven = (kind, level) in whole or (kind, None) in whole
        result.append(policies if policies and proven else policies + [None])
    return result


# The types each loaded list-policies-for-target output lists whole for its target (``policy_types`` of its sources
# entry: those of the policies it lists), in the snapshots that hold each account's latest policy targets.
TARGET_LISTINGS_SQL = """
    select distinct src.value -> '$.listed.aws_organizations_policy_target' ->> 0, kind.value ->> '$'
    from iamsql_latest l join iamsql_snapshot s using (snapshot_id, account_id), json_each(s.sources) src,
         json_each(src.value -> '$.policy_types') kind
    where l.table_name = 'aws_organizations_policy_target'
      and src.value ->> '$.format' like '%organizations:list-policies-for-target'
"""


def _whole_levels(con: duckdb.DuckDBPyConnection, listed: set, policies: list) -> set:
    """The (policy type, root/OU/account id) pairs whose attachments the loaded listings prove whole: a level by its
    own ``list-policies-for-target`` of the type; every level of a type once ``list-policies`` lists the type whole
    and ``list-targets-for-policy`` of each of its policies is loaded (``(type, None)``). None while a page of either
    listing is missing. A level seen only in a policy's targets (``describe-policy`` plus ``list-targets-for-policy``)
    may hold other policies of the type: not whole."""
    if _rows(con, "select 1 from iamsql_partial where table_name = 'aws_organizations_policy_target'"):
        return set()
    keys = {key for (key,) in _rows(
        con, "select distinct key from iamsql_listed where table_name = 'aws_organizations_policy_target'")}
    of_type: dict[str, set[str]] = {kind: set() for kind in listed & {SCP, RCP}}
    for policy_id, kind, _ in policies:
        if policy_id and kind in of_type:
            of_type[kind].add(policy_id)
    whole = {(kind, None) for kind, ids in of_type.items() if ids <= keys}
    return whole | {(kind, target) for target, kind in _rows(con, TARGET_LISTINGS_SQL) if target in keys}


# Each account's latest list-delegated-administrators asked for a service principal, and the accounts it lists (rows
# of its own snapshot, so that an empty later listing leaves none); one row with NULL for a listing of none.
DELEGATED_SQL = """
    with listing as (
        select s.account_id, lower(src.value ->> '$.service_principal') as principal, max(s.snapshot_id) as snapshot_id
        from iamsql_snapshot s, json_each(s.sources) src
        where src.value ->> '$.format' like '%organizations:list-delegated-administrators'
          and src.value ->> '$.service_principal' is not null
        group by all)
    select distinct l.account_id, l.principal, d.delegated_account_id
    from listing l left join {history}.aws_organizations_delegated_services_for_account d
      on d.snapshot_id = l.snapshot_id and lower(d.service_principal) = l.principal
    order by all
"""
# The accounts whose services a list-delegated-services-for-account output lists whole, and those services (NULL for
# an account that administers none).
DELEGATED_SERVICES_SQL = """
    select distinct k.account_id, k.key, lower(d.service_principal)
    from iamsql_listed k join iamsql_latest l using (account_id, table_name)
    left join {history}.aws_organizations_delegated_services_for_account d
      on d.snapshot_id = l.snapshot_id and d.delegated_account_id = k.key
    where k.table_name = 'aws_organizations_delegated_services_for_account'
    order by all
"""
# The accounts of each account's latest whole list-delegated-administrators without --service-principal, every
# service's administrators (one row with NULL for a listing of none), each under the key NULL; a listing loaded in
# part is left out.
DELEGATED_ANY_SQL = """
    select distinct l.account_id, null, d.id
    from iamsql_latest l left join {history}.aws_organizations_delegated_administrator d on d.snapshot_id = l.snapshot_id
    where l.table_name = 'aws_organizations_delegated_administrator'
      and (l.account_id, l.table_name) not in (select (account_id, table_name) from iamsql_partial)
    order by all
"""


def _by_organization(rows, org_of_account: dict) -> dict[str | None, dict]:
    """Rows of (owning account, key, value) -> organization -> key -> the set of values (a NULL value adds the key
    alone); rows of an account in no loaded organization are left out."""
    grouped: dict[str | None, dict] = {}
    for owner, key, value in rows:
        if owner in org_of_account:
            values = grouped.setdefault(org_of_account[owner], {}).setdefault(key, set())
            if value:
                values.add(value)
    return grouped


def _delegated(con: duckdb.DuckDBPyConnection, org_of: dict, management: dict) -> dict[str | None, dict]:
    """Organization -> service principal -> what is known of its delegated administrators (loaded in the management
    account's snapshot or a member's): a service's own listing is its whole list; without it, the accounts whose
    ``list-delegated-services-for-account`` is loaded are known to be or not to be one, and a whole listing of every
    service's administrators says no account it leaves out is one. IAM's (the one the engine reads) is given
    whenever either of those is loaded."""
    org_of_account = {**org_of, **{account: org for org, account in management.items()}}
    listed = _by_organization(_rows(con, DELEGATED_SQL), org_of_account)  # service principal -> accounts
    services_of = _by_organization(_rows(con, DELEGATED_SERVICES_SQL), org_of_account)  # account -> services
    among = {org: named[None] for org, named in _by_organization(_rows(con, DELEGATED_ANY_SQL), org_of_account).items()}
    found: dict[str | None, dict] = {}
    for org in {*listed, *services_of, *among}:
        services = services_of.get(org, {})
        principals = {IAM_SERVICE_PRINCIPAL, *(p for named in services.values() for p in named)} - set(listed.get(org, {}))
        found[org] = {principal: Delegation.whole(accounts) for principal, accounts in listed.get(org, {}).items()}
        for principal in principals:
            found[org][principal] = Delegation(
                frozenset(a for a, named in services.items() if principal in named),
                frozenset(a for a, named in services.items() if principal not in named),
                frozenset(among[org]) if org in among else None)
    return found


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
    policies = _rows(con, "select id, type, content::varchar from {db}.aws_organizations_policy")
    for policy_id, kind, content in policies:
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
    # the types whose policies (list-policies, one --filter type at a time) or attachments are loaded: while any is,
    # a type the root does not say is disabled is in force and, where none of its policies is loaded, unknown
    listed = {kind for (kind,) in _rows(
        con, "select distinct key from iamsql_listed where table_name = 'aws_organizations_policy'")}
    known = {kind for kind, _ in attached} | listed
    # a type listed with no policy at all is not in force: AWS keeps one of its policies on every level while it is
    none = listed - {kind for _, kind, _ in policies}
    whole = _whole_levels(con, listed, policies)

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
    delegated = _delegated(con, org_of, management)
    found = {}
    for account, (org, levels, root, path) in placed.items():
        root_types = roots.get(root, (None, None))[1] if root else None
        found[account] = Guardrails(
            account, org, management.get(org), _levels(levels, SCP, root_types, known, none, attached, parsed, whole),
            _levels(levels, RCP, root_types, known, none, attached, parsed, whole), path,
            frozenset(members_of.get(org, ())),
            paths_of.get(org, {}), delegated.get(org, {}))
    return found

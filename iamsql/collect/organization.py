"""What iamsql asks AWS Organizations in organization mode (``--org``), from the calling account (the management
account or a delegated administrator): the organization, its roots, the OU tree (walked from each root, with the
accounts of every root and OU, and each listed account's tags), the service control and resource control
policies with their content and their targets, the listing of every other policy type the roots enable, and the
delegated administrators: every service's (``ListDelegatedAdministrators`` without a service principal), then the
services of each account it lists (``ListDelegatedServicesForAccount``), which say whether it is IAM's (who may call
sts:AssumeRoot besides the management account); an account the listing leaves out administers nothing.

Outputs that do not name their subject get it as an added top-level key (``ParentId``, ``PolicyId``, ``Filter``,
``AccountId``) and as the file name, so that ``load`` can place them. A call that fails (a policy type the
endpoint does not serve, a denied call) is a gap like any other; the run goes on."""

from __future__ import annotations

from iamsql.collect.account import AccountRun

POLICY_TYPES = ("SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY")


def collect_organization(run: AccountRun) -> None:
    run.fetch("organizations", "DescribeOrganization")
    roots = (run.fetch("organizations", "ListRoots") or {}).get("Roots") or []
    parents = [root["Id"] for root in roots]
    seen: set[str] = set()
    accounts: list[str] = []
    while parents:  # breadth first, one level of the tree at a time
        level = [p for p in parents if p not in seen]
        seen.update(level)
        found = run.each(level, lambda parent: _children(run, parent))
        parents = [ou for ous, _ in found for ou in ous]
        accounts += [account for _, listed in found for account in listed]
    _account_tags(run, list(dict.fromkeys(accounts)))
    for kind in POLICY_TYPES:
        listing = run.fetch("organizations", "ListPolicies", entity=kind.lower(), add={"Filter": kind}, Filter=kind)
        ids = [p["Id"] for p in (listing or {}).get("Policies") or []]
        run.each(ids, lambda policy_id: _policy(run, policy_id))
    # the other types the roots enable are listed too (aws_organizations_policy is whole once each enabled type is)
    for kind in sorted(_enabled_types(roots) - set(POLICY_TYPES)):
        run.fetch("organizations", "ListPolicies", entity=kind.lower(), add={"Filter": kind}, Filter=kind)
    _delegated_administrators(run)


def _enabled_types(roots: list[dict]) -> set[str]:
    return {t["Type"] for root in roots for t in root.get("PolicyTypes") or []
            if t.get("Type") and t.get("Status") in ("ENABLED", "PENDING_ENABLE", "PENDING_DISABLE")}


def _children(run: AccountRun, parent: str) -> tuple[list[str], list[str]]:
    """The OUs and accounts directly under a root or OU; returns their ids."""
    units = run.fetch("organizations", "ListOrganizationalUnitsForParent", entity=parent, add={"ParentId": parent},
                      ParentId=parent) or {}
    accounts = run.fetch("organizations", "ListAccountsForParent", entity=parent, add={"ParentId": parent},
                         ParentId=parent) or {}
    return ([unit["Id"] for unit in units.get("OrganizationalUnits") or []],
            [account["Id"] for account in accounts.get("Accounts") or []])


def _account_tags(run: AccountRun, accounts: list[str]) -> None:
    """``ListTagsForResource`` for each listed account (``aws_organizations_account.tags``), with ``ResourceId``
    added. The first refused call is the one gap: the others would be refused alike, and those accounts' tags stay
    NULL (unknown) rather than empty."""
    run.each_unless_refused(accounts, lambda account: run.fetch(
        "organizations", "ListTagsForResource", entity=account, add={"ResourceId": account}, ResourceId=account))


def _policy(run: AccountRun, policy_id: str) -> None:
    run.fetch("organizations", "DescribePolicy", entity=policy_id, PolicyId=policy_id)
    run.fetch("organizations", "ListTargetsForPolicy", entity=policy_id, add={"PolicyId": policy_id},
              PolicyId=policy_id)


def _delegated_administrators(run: AccountRun) -> None:
    """Every service's delegated administrators, then each one's services with ``AccountId`` added (the output does
    not name the account): both Organizations tables of delegated administrators, and IAM's administrators known for
    the policy engine. The first refused services call is the one gap: the others would be refused alike."""
    listed = (run.fetch("organizations", "ListDelegatedAdministrators") or {}).get("DelegatedAdministrators") or []
    run.each_unless_refused([account["Id"] for account in listed], lambda account: run.fetch(
        "organizations", "ListDelegatedServicesForAccount", entity=account, add={"AccountId": account},
        AccountId=account))

"""Questions about the loaded data asked of the engine directly: what one principal may do (``iamsql simulate
--principal``) and who may do something (``iamsql who-can``)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import duckdb

from iamsql.errors import IamsqlError
from iamsql.policy import Evaluation, Request, evaluate
from iamsql.policy.access import trust as trust_analysis
from iamsql.policy.access.model import AccountModel, Principal, ResourcePolicy, load_accounts, loaded_resource_policy
from iamsql.policy.access.organization import evaluate_caller, guardrails
from iamsql.policy.access.questions import PROBE
from iamsql.policy.access.tables import (
    POSSIBLE,
    RANK,
    Asker,
    assumers_across,
    attached_at,
    policy_enabling_iam,
    probe_key_policy,
)
from iamsql.policy.catalog import probe_resources
from iamsql.policy.conditions import steps_conditions
from iamsql.policy.evaluation import (
    KEY_POLICY_NOT_GIVEN,
    ORGANIZATION_DECIDED,
    OWN_POLICIES_ACROSS_ACCOUNTS,
    reads_key_policy,
    reads_trust_policy,
)

# called with a SAML assertion or an OIDC token, not with AWS credentials: no IAM user or role is the caller
FEDERATED_ACTIONS = ("sts:assumerolewithsaml", "sts:assumerolewithwebidentity")
# A KMS key's grants are not loaded: besides its key policy (and the IAM policies it enables), a grant lets the
# principal it names use the key in the operations it lists (AWS KMS Developer Guide, "Grants in AWS KMS")
GRANTS_NOT_READ = "AWS KMS grants are not read: a grant on the key may allow principals its policies do not."
RESOURCE_POLICY = "the resource policy"  # how ``granted_by`` names the resource-based policy's statements
RESTRICTED = ("S3 Block Public Access (RestrictPublicBuckets) blocks other accounts' access through the bucket's public "
              "policy")
RESOURCE_POLICY_LOCATION = "resource_policy"  # how the engine's reasons name it (the request's field)
SSO_PATH, SSO_PREFIX = "/aws-reserved/sso.amazonaws.com/", "AWSReservedSSO_"
# The Identity Center users and groups assigned a permission set in an account, and the members of those groups:
# (principal type, id, name, group name for a member). The permission set is the one of that name whose instance is
# in the region of the role's path (when both are known), so permission sets of one name in two instances differ.
ASSIGNED = """
with assigned as (
    select distinct a.principal_type, a.principal_id
    from aws_ssoadmin_account_assignment a
    join aws_ssoadmin_permission_set p on p.arn = a.permission_set_arn
    left join aws_ssoadmin_instance i on i.arn = p.instance_arn
    where a.target_account_id = $account and p.name = $name and coalesce(p.partition, $partition) = $partition
      and ($region is null or coalesce(p.region, i.region) is null or coalesce(p.region, i.region) = $region)
)
select a.principal_type, a.principal_id, coalesce(u.name, g.name), null
from assigned a
left join aws_identitystore_user u on a.principal_type = 'USER' and u.id = a.principal_id
left join aws_identitystore_group g on a.principal_type = 'GROUP' and g.id = a.principal_id
union all
select 'USER', m.member_id, u.name, coalesce(g.name, a.principal_id)
from assigned a
join aws_identitystore_group_membership m on a.principal_type = 'GROUP' and m.group_id = a.principal_id
left join aws_identitystore_user u on u.id = m.member_id
left join aws_identitystore_group g on g.id = a.principal_id
order by 1, 4 nulls first, 3, 2
"""


@dataclass
class Answer:
    """One principal's answer for who-can or simulate, and how it gets there."""

    principal: str
    principal_type: str
    account_id: str
    decision: str
    path: str
    granted_by: list[str] = field(default_factory=list)
    conditions: list[dict] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    reason: str = ""
    deny_conditions: list[dict] = field(default_factory=list)  # of Deny statements: each must NOT hold

    def as_dict(self) -> dict:
        return {"principal": self.principal, "principal_type": self.principal_type, "account_id": self.account_id,
                "decision": self.decision, "path": self.path, "granted_by": self.granted_by,
                "conditions": self.conditions, "deny_conditions": self.deny_conditions, "missing": self.missing,
                "reason": self.reason}


def _labels(principal: Principal, result: Evaluation, trusting: Principal | None = None
            ) -> tuple[list[str], list[str], set[str | None]]:
    """The policies whose Allow statements decided, the documents that were not loaded, by name, and the
    groups the granting policies come through (None for the principal's own). ``trusting``: the role whose trust
    policy is the request's resource policy (an sts:AssumeRole on it), which the label names."""
    granted, groups = [], set()
    resource = _resource_label(trusting)
    for matched in result.matched:
        attached = attached_at(principal, matched.policy) if matched.kind != "resource" else None
        label = attached.label if attached else f"{resource} (statement {matched.statement})"
        if matched.effect == "Allow" and label not in granted:
            granted.append(label)
            if attached:  # the resource policy (a trust) is on every path: the identity side's are told apart
                groups.add(attached.group)
    missing = []
    for where in result.missing:
        attached = attached_at(principal, where)
        missing.append(attached.missing_label if attached else where)
    return granted, missing, groups


def _resource_label(trusting: Principal | None) -> str:
    """How answers name the request's resource-based policy: the trust policy of ``trusting``, the role an
    sts:AssumeRole is on, or the resource's policy."""
    return f"the trust policy of role {trusting.name}" if trusting is not None else RESOURCE_POLICY


def _reason(principal: Principal, result: Evaluation, missing: list[str], trusting: Principal | None) -> str:
    """The engine's reason with its locations named as the loaded data names them: ``identity_policies[1]`` ->
    ``inline policy p of user u``, ``resource_policy`` -> ``the trust policy of role r``."""
    reason = result.reason
    for position, label in [*_matched_labels(principal, result), *zip(result.missing, missing)]:
        reason = reason.replace(position, label)
    if any(matched.kind == "resource" for matched in result.matched):
        reason = reason.replace(RESOURCE_POLICY_LOCATION, _resource_label(trusting))
    return reason


def _matched_labels(principal: Principal, result: Evaluation) -> list[tuple[str, str]]:
    """(engine location, the loaded policy's label) of each of the principal's own documents a deciding statement
    is in: ``identity_policies[0]`` -> ``inline policy p of user u``."""
    return [(matched.policy, attached.label) for matched in result.matched
            if matched.kind != "resource" and (attached := attached_at(principal, matched.policy))]


def _path(groups: set[str | None]) -> str:
    if groups and None not in groups:
        return "through group " + ", ".join(sorted(groups))
    return "direct"


def _trusting_role(accounts: list[AccountModel], action: str, resource: str) -> Principal | None:
    """The loaded role (of any loaded account) whose trust policy decides ``action`` (an sts:AssumeRole*, or a session
    attribute it sets on the role: sts:TagSession, sts:SetSourceIdentity, sts:SetContext). None for other actions; an
    error when the role is not loaded."""
    if not reads_trust_policy(action.lower(), resource):
        return None
    role = next((r for a in accounts if (r := a.role(resource)) is not None), None)
    if role is None:
        raise IamsqlError(f"role {resource} is not in the loaded data, so its trust policy is unknown; "
                          "'iamsql query \"select arn from aws_iam_role\"' lists the roles")
    return role


def _unknown_trust(role: Principal | None) -> str | None:
    """How an answer names the role's trust policy when it is not loaded or the engine cannot read it."""
    if role is None or (role.trust is not None and role.trust.policy is not None):
        return None
    return role.trust.missing_label if role.trust is not None else f"the trust policy of role {role.name} (not loaded)"


def resolve_arn(accounts: list[AccountModel], arn: str | None) -> str | None:
    """The ARN of the loaded IAM user or role that ``arn`` names: ``arn`` itself, or, when it leaves out the IAM path
    (``role/MyRole`` for ``role/service-role/MyRole``, as users type it and as a session ARN names its role), the ARN
    of the one user or role of that account with that name. Anything else is returned as given. Names are unique
    within an account, so two matches mean the loaded data holds two snapshots' worth of them: an error."""
    parts = (arn or "").split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "iam":
        return arn
    kind, _, name = parts[5].partition("/")
    if kind not in ("user", "role") or not name or "/" in name:
        return arn
    found = [p.arn for a in accounts if a.account_id == parts[4] and a.partition == parts[1]
             for p in a.principals if p.kind == kind and p.name == name]
    if any(p.arn == arn for a in accounts for p in a.principals):
        return arn
    if len(found) > 1:
        raise IamsqlError(f"{arn} names {len(found)} loaded {kind}s ({', '.join(sorted(found))}); give the ARN with "
                          "its path")
    return found[0] if found else arn


def simulate_principal(con: duckdb.DuckDBPyConnection, principal_arn: str, action: str, resource: str | None,
                       context: dict, *, unknown_context: bool = False) -> Answer:
    """The engine's decision for one loaded principal: its inline, attached and group policies and its
    boundary; for sts:AssumeRole* on a loaded role, that role's trust policy too; the SCPs over its account and
    the RCPs over the resource's account when the organization is loaded. A user or role ARN without its IAM path
    (the principal, or the resource) names the loaded user or role of that name (``resolve_arn``).
    sts:AssumeRoleWithSAML and sts:AssumeRoleWithWebIdentity are asked of an identity provider
    (``_simulate_federated``)."""
    rails = guardrails(con)
    accounts = load_accounts(con)
    principal_arn = resolve_arn(accounts, principal_arn)
    resource = resolve_arn(accounts, resource)
    if action.lower() in FEDERATED_ACTIONS:
        return _simulate_federated(accounts, principal_arn, action, resource, context, unknown_context, rails)
    for account in accounts:
        principal = next((p for p in account.principals if p.arn == principal_arn), None)
        if principal is None:
            continue
        target = resource or probe_resources(action, partition=account.partition, account_id=account.account_id,
                                             name=PROBE)[0]
        role = _trusting_role(accounts, action, target) if resource else None
        owner_policy = loaded_resource_policy(con, resource) if role is None else None
        not_loaded = _not_loaded_across(owner_policy, principal.account_id)
        if role is not None:
            resource_policy = role.trust.policy if role.trust is not None else None
        elif owner_policy is not None:
            resource_policy = owner_policy.policy if not_loaded is None else policy_enabling_iam(
                account.partition, principal.account_id)
        elif resource:
            resource_policy = None
        else:  # a key no one names: its policy defers to IAM
            resource_policy = probe_key_policy(action, target, account.partition, account.account_id)
        own = rails.get(account.account_id)
        # the resource's account: its ARN's, or its loaded row's (an S3 bucket's ARN names none)
        resource_account = (owner_policy.account_id if owner_policy else None) if resource else account.account_id
        owner = rails.get(resource_account or _arn_account(target) or account.account_id)
        # the caller's organization keys: its own account's, else as the resource's organization lists its account
        caller = own.context() if own else owner.caller_context(principal.account_id) if owner else {}
        outside = own is None and owner is not None and owner.lists_not(principal.account_id)
        defaults = {**caller, **(owner.resource_context() if owner else {})}
        own_keys, absent = principal.caller_context(unknown_context)
        # an IAM request on a loaded user or role carries its tags as the resource's (``Principal.resource_context``)
        named = _loaded_principal(accounts, target) if action.lower().startswith("iam:") else None
        target_keys, target_absent = named.resource_context if named else ({}, ())
        result = evaluate_caller(Request(
            action=action, resource=target, principal=principal.arn, principal_account=principal.account_id,
            resource_account=resource_account, context={**defaults, **own_keys, **target_keys, **context},
            absent_keys=(*absent, *target_absent),
            identity_policies=[a.policy for a in principal.identity], resource_policy=resource_policy,
            permission_boundaries=[principal.boundary.policy] if principal.boundary else [],
            scps=own.scps if own else [], rcps=owner.rcps if owner else [],
            management_account_id=(own or owner).management_account_id if (own or owner) else None,
            delegated_administrators=(own or owner).delegated_administrators if (own or owner) else {},
            unknown_context=unknown_context,
        ), outside)
        granted, missing, groups = _labels(principal, result, role)
        trust = _unknown_trust(role)
        if trust is not None and result.decision != "ExplicitlyDenied":
            # the trust policy decides (it may name the caller, or refuse it) and is not known: only an explicit
            # deny decides without it
            return Answer(principal.arn, principal.kind, account.account_id, "Unknown", _path(groups), [], [],
                          [*missing, trust], f"The decision depends on {trust}.")
        reason = _reason(principal, result, missing, role)
        if result.decision == "ImplicitlyDenied" and reads_key_policy(action.lower(), target):
            reason = f"{reason} {GRANTS_NOT_READ}"
        restricted = _restricted(owner_policy, principal.account_id)
        if restricted and result.decision in POSSIBLE:
            return Answer(principal.arn, principal.kind, account.account_id, "ImplicitlyDenied", _path(groups), [],
                          [], missing, f"{RESTRICTED} ({owner_policy.label}); without it: {result.decision}.")
        answer = Answer(principal.arn, principal.kind, account.account_id, result.decision, _path(groups),
                        granted, list(result.conditions), missing, reason, list(result.deny_conditions))
        if restricted is None:
            answer = _policy_unknown(answer, owner_policy.restricted_label, stand_in=False)
        return answer if not_loaded is None else _policy_unknown(answer, not_loaded)
    named = _same_name(accounts, principal_arn)
    if named and not principal_arn.startswith("arn:"):  # a bare name, as the console and Cloudsplaining show it
        raise IamsqlError(f"principal {principal_arn} is not an ARN; give the ARN of a loaded user or role "
                          f"(did you mean {' or '.join(named)}?)")
    if named:  # the right name under another path: role/wrongpath/X for role/aws-service-role/.../X
        raise IamsqlError(f"principal {principal_arn} is not an IAM user or role in the loaded data "
                          f"(did you mean {' or '.join(named)}?)")
    if none_loaded := _no_principals_loaded(con, accounts):
        raise IamsqlError(f"principal {principal_arn} is not in the loaded data: {none_loaded}")
    raise IamsqlError(f"principal {principal_arn} is not an IAM user or role in the loaded data; "
                      "'iamsql query \"select arn from aws_iam_user union all select arn from aws_iam_role\"' lists them")


def _loaded_principal(accounts: list[AccountModel], arn: str) -> Principal | None:
    """The loaded user or role of that ARN, in whichever account."""
    return next((found for account in accounts if (found := account.principal(arn)) is not None), None)


def _simulate_federated(accounts: list[AccountModel], provider: str, action: str, resource: str | None,
                        context: dict, unknown_context: bool, rails: dict) -> Answer:
    """sts:AssumeRoleWithSAML or sts:AssumeRoleWithWebIdentity on a loaded role, called by the identity provider
    ``provider`` (a SAML provider's ARN; an OIDC provider's ARN or a web identity provider such as
    ``cognito-identity.amazonaws.com``): the role's trust policy decides, naming the provider in ``Federated``,
    with the provider's keys (``SAML:aud``, ``<provider>:sub`` ...) as its conditions, and the RCPs of the role's
    account (``rails``, by account) may deny. No IAM user or role calls these actions (they take a SAML assertion or
    a web identity token, not AWS credentials): asking for one is an error."""
    saml = action.lower() == "sts:assumerolewithsaml"
    what = "a SAML assertion" if saml else "a web identity token"
    given = provider.split(":", 5)[-1] if provider.startswith("arn:") else ""
    if given.split("/", 1)[0] in ("user", "role", "root", "assumed-role", "federated-user") or given == "root":
        raise IamsqlError(f"{action} is called with {what} by the identity provider the role's trust names, not by an "
                          f"IAM user or role: give the provider as --principal (arn:aws:iam::<account>:"
                          f"{'saml-provider/<name>' if saml else 'oidc-provider/<host>'}) and the role as --resource, or "
                          f"ask 'iamsql who-can {action} --resource <role ARN>'")
    is_saml = ":saml-provider/" in provider
    if saml and not is_saml:
        raise IamsqlError(f"{provider} is not a SAML provider (arn:aws:iam::<account>:saml-provider/<name>), which is "
                          f"who calls {action}")
    if not saml and is_saml:
        raise IamsqlError(f"{provider}: a SAML provider does not call {action}; give an OIDC provider "
                          "(arn:aws:iam::<account>:oidc-provider/<host>) or a web identity provider")
    if not resource:
        raise IamsqlError(f"{action} needs the role it assumes as --resource")
    role = _trusting_role(accounts, action, resource)
    kind, path = ("saml", "federated (SAML)") if saml else ("oidc", "federated (OIDC)")
    trust = _unknown_trust(role)
    if trust is not None:
        return Answer(provider, kind, role.account_id, "Unknown", path, [], [], [trust],
                      f"The decision depends on {trust}.")
    owner = rails.get(role.account_id)
    result = evaluate(Request(
        action=action, resource=role.arn, principal=provider, resource_account=role.account_id, context={**(owner.resource_context() if owner else {}), **context},
        resource_policy=role.trust.policy, rcps=owner.rcps if owner else [],
        management_account_id=owner.management_account_id if owner else None, unknown_context=unknown_context,
    ))
    granted = [f"the trust policy of role {role.name} (statement {m.statement})"
               for m in result.matched if m.effect == "Allow"]
    reason = result.reason.replace(RESOURCE_POLICY_LOCATION, _resource_label(role))
    return Answer(provider, kind, role.account_id, result.decision, path, granted, list(result.conditions),
                  list(result.missing), reason, list(result.deny_conditions))


def _same_name(accounts: list[AccountModel], arn: str) -> list[str]:
    """The loaded users or roles of ``arn``'s account and kind whose name is the last part of ``arn`` (sorted);
    for a bare name (no ``arn:``), every loaded user or role of that name."""
    if not (arn or "").startswith("arn:"):
        return sorted(p.arn for a in accounts for p in a.principals if p.name == arn)
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[2] != "iam":
        return []
    kind, _, rest = parts[5].partition("/")
    name = rest.rsplit("/", 1)[-1]
    return sorted(p.arn for a in accounts if a.account_id == parts[4] and a.partition == parts[1]
                  for p in a.principals if p.kind == kind and p.name == name)


def who_can(con: duckdb.DuckDBPyConnection, action: str, resource: str | None = None) -> list[Answer]:
    """Every loaded principal that may perform ``action`` on ``resource`` (default: a resource of the action's
    kind that no policy names), with how: directly, through a group, by assuming a role that may (up to three
    roles deep), and, for a role's sts:AssumeRole*, the outside principals its trust admits. A user or role ARN
    without its IAM path names the loaded user or role of that name (``resolve_arn``)."""
    if ":" not in action:
        raise IamsqlError(f"action must look like service:Name, got {action!r}")
    answers: list[Answer] = []
    rails = guardrails(con)
    accounts = load_accounts(con)
    resource = resolve_arn(accounts, resource)
    # its trust policy decides: when the role or its trust is not known, an empty answer would read as "nobody"
    trust = _unknown_trust(_trusting_role(accounts, action, resource) if resource else None)
    if trust is not None:
        raise IamsqlError(f"who may assume {resource} is unknown: it depends on {trust}")
    if none_loaded := _no_principals_loaded(con, accounts):
        raise IamsqlError(f"who may perform {action} is unknown: {none_loaded}")
    askers = {account.account_id: Asker(account, rails.get(account.account_id)) for account in accounts}
    trust_call = bool(resource) and reads_trust_policy(action.lower(), resource)
    owner_policy = loaded_resource_policy(con, resource) if resource and not trust_call else None
    for account in accounts:
        asker = askers[account.account_id]
        target = resource or probe_resources(action, partition=account.partition, account_id=account.account_id,
                                             name=PROBE)[0]
        if trust_call and account.role(resource) is None:
            continue
        # the resource's account: its ARN's, or its loaded row's (an S3 bucket's ARN names none)
        owner_account = (owner_policy.account_id if owner_policy is not None else None) or _arn_account(resource)
        across = bool(resource and not trust_call and action.lower() not in OWN_POLICIES_ACROSS_ACCOUNTS
                      and owner_account not in (None, account.account_id))
        if across and (owner_policy is None or (owner_policy.known and owner_policy.policy is None)):
            # a resource of another account without a resource-based policy (or of a kind whose policies are not
            # loaded): the engine allows no cross-account request without one (the trusts of the STS calls on a role
            # are read, above), but for the calls the caller's own policies decide (sts:AssumeRoot on a member
            # account's root user)
            continue
        restricted = _restricted(owner_policy, account.account_id) if across else False
        if restricted:
            continue  # S3 Block Public Access blocks the other accounts' access through the bucket's public policy
        if (resource and action.lower() in ORGANIZATION_DECIDED and rails.get(account.account_id) is None
                and (owner := rails.get(_arn_account(resource) or "")) is not None and owner.lists_not(account.account_id)):
            # AssumeRoot on a member's root user is called from its organization's management account or IAM's delegated
            # administrator, a member account: an account the loaded organization does not list is neither
            continue
        role = account.role(target) if trust_call else None
        not_loaded = _not_loaded_across(owner_policy, account.account_id)
        if role is not None:
            resource_policy = role.trust.policy
        elif owner_policy is not None and (owner_policy.policy is not None or not_loaded is not None):
            # its loaded policy; across accounts, one not loaded: asked as the most it could give (naming the
            # caller's account), each answer then Unknown
            resource_policy = owner_policy.policy or policy_enabling_iam(account.partition, account.account_id)
        else:  # a key no one names, or one whose policy is not loaded: asked with a policy deferring to IAM
            resource_policy = probe_key_policy(action, target, account.partition, account.account_id)
        if (not_loaded is None and bool(resource) and not trust_call and reads_key_policy(action.lower(), target)
                and (owner_policy is None or not owner_policy.known)):
            not_loaded = KEY_POLICY_NOT_GIVEN
        found: dict[str, Answer] = {}
        trusting = account.role(target) if resource_policy is not None and action.lower() == "sts:assumerole" else None
        callers = [] if action.lower() in FEDERATED_ACTIONS else account.principals
        for principal in callers:
            if trusting is not None:
                result = asker.assume(principal, trusting)
            elif across:
                result = asker.across(principal, action, target, resource_policy, owner_account,
                                      rails.get(owner_account))
            else:
                result = asker.request(principal, action, target, resource_policy=resource_policy)
            if result.decision in POSSIBLE or result.decision == "Unknown":
                granted, missing, groups = _labels(principal, result, role)
                found[principal.arn] = Answer(principal.arn, principal.kind, account.account_id, result.decision,
                                              _path(groups), granted, list(result.conditions), missing, result.reason,
                                              list(result.deny_conditions))
        chained = _through_roles(asker, found)
        reached = [chained.pop(arn, answer) for arn, answer in found.items()] + list(chained.values())
        if restricted is None:
            reached = [_policy_unknown(a, owner_policy.restricted_label, stand_in=False) for a in reached]
        answers += [_policy_unknown(a, not_loaded) for a in reached] if not_loaded is not None else reached
        if role is not None and resource_policy is not None:
            loaded = {p.arn for a in accounts if a.account_id != account.account_id for p in a.principals}
            outside = _outside(account, resource, action, rails.get(account.account_id), loaded)
            answers += _identity_center(con, role, outside)
            if trusting is not None:
                answers += _loaded_elsewhere(askers, account, trusting, rails.get(account.account_id))
    return sorted(answers, key=lambda a: (a.account_id, -RANK.get(a.decision, 0), a.principal))


def _no_principals_loaded(con: duckdb.DuckDBPyConnection, accounts: list[AccountModel]) -> str | None:
    """Why no answer can name a principal when no load covered IAM users or roles (CloudTrail events alone, say),
    else None: an empty answer would read as "nobody"."""
    if any(account.principals for account in accounts):
        return None
    try:
        covered = con.execute("select count(*) from iamsql_latest "
                              "where table_name in ('aws_iam_user', 'aws_iam_role')").fetchone()[0]
    except duckdb.CatalogException:
        covered = 0
    if covered:
        return None
    return ("no IAM users or roles are loaded; load get-account-authorization-details (or list-users and "
            "list-roles with their policies) of the account")


def key_policy_note(con: duckdb.DuckDBPyConnection, action: str, resource: str | None) -> str | None:
    """What ``who-can`` says once when ``resource`` is a KMS key (its key policy not loaded, or grants not read),
    else None."""
    if not resource or not reads_key_policy(action.lower(), resource):
        return None
    loaded = loaded_resource_policy(con, resource)
    if loaded is not None and loaded.known:
        return f"the key policy of {resource} is read; {GRANTS_NOT_READ}"
    return (f"the key policy of {resource} is not loaded, and AWS reads it for every request to the key: each answer is "
            f"Unknown. Listed: the principals whose own policies allow {action} on it, which a key policy enabling IAM "
            "policies (as AWS's default key policy does) lets in; a key policy may also name any other principal")


def _not_loaded_across(loaded: ResourcePolicy | None, caller_account: str) -> str | None:
    """How answers name the resource's policy when it is not known and the caller is of another account, whose
    request it must allow (else None: within the account the caller's own policies decide without it)."""
    if loaded is None or loaded.known or loaded.account_id == caller_account:
        return None
    return loaded.label


def _policy_unknown(answer: Answer, not_loaded: str, *, stand_in: bool = True) -> Answer:
    """``answer``, found with a resource policy deferring to IAM in place of the resource's own, which is not known
    (``not_loaded``: how the answer names it), as Unknown; an answer that denies stays as it is. ``stand_in`` false:
    found with the resource's own policy, which a setting that is not known (``not_loaded``) may override
    (``ResourcePolicy.restricted_label``)."""
    if answer.decision not in (*POSSIBLE, "Unknown"):
        return answer
    own = [label for label in answer.granted_by if not (stand_in and label.startswith(RESOURCE_POLICY))]
    what = "the KMS key policy, which is not loaded" if not_loaded == KEY_POLICY_NOT_GIVEN else not_loaded
    assumed = "with one enabling IAM policies" if stand_in else "where it does not apply"
    return replace(answer, decision="Unknown", granted_by=own, missing=[not_loaded, *answer.missing],
                   reason=f"The decision depends on {what}; {assumed}: {answer.decision}. {answer.reason}")


def _restricted(loaded: ResourcePolicy | None, caller_account: str) -> bool | None:
    """Whether S3 Block Public Access blocks the resource policy's grants to a caller of ``caller_account``
    (``ResourcePolicy.restricted_across``; None: not known); False within the resource's account."""
    if loaded is None or loaded.account_id in (None, caller_account):
        return False
    return loaded.restricted_across


def _through_roles(asker: Asker, found: dict[str, Answer], depth: int = 3) -> dict[str, Answer]:
    """Principals that reach the action by assuming a role that has it (each role's trust policy and the
    principal's identity policies must both allow sts:AssumeRole), by ARN: those ``found`` lacks, and those whose
    answer there a chain betters (a conditional or unknown direct answer, a chain allowed without a condition)."""
    account = asker.account
    chains = {arn: [arn] for arn, answer in found.items() if answer.principal_type == "role" and answer.decision in POSSIBLE}
    reached: dict[str, Answer] = {}
    frontier = dict(chains)
    for _ in range(depth):
        step: dict[str, list[str]] = {}
        for role_arn, chain in frontier.items():
            role = account.role(role_arn)
            if role is None or role.trust is None or role.trust.policy is None:
                continue
            # what the role gets (its own answer, or its chain's) holds only as that answer does
            onward = reached.get(role_arn) or found[role_arn]
            for principal in account.principals:
                before = reached.get(principal.arn) or found.get(principal.arn)
                if principal.arn == role_arn or (before is not None and RANK[before.decision] >= RANK[onward.decision]):
                    continue  # this way cannot better what it has
                result = asker.assume(principal, role)
                if result.decision not in POSSIBLE:
                    continue
                decision = "AllowedIf" if "AllowedIf" in (result.decision, onward.decision) else "Allowed"
                if before is not None and RANK[before.decision] >= RANK[decision]:
                    continue
                granted, _, _ = _labels(principal, result, role)
                # its conditions join this step's (both must hold), and so do its deny conditions
                denies = [*result.deny_conditions,
                          *(b for b in onward.deny_conditions if b not in result.deny_conditions)]
                reached[principal.arn] = Answer(
                    principal.arn, principal.kind, account.account_id, decision,
                    "by assuming " + " -> ".join(chain), granted,
                    steps_conditions(result.conditions, onward.conditions),
                    reason=f"May assume {' -> '.join(chain)}, which may perform the action.",
                    deny_conditions=denies)
                if principal.kind == "role":
                    step[principal.arn] = [principal.arn, *chain]
        frontier = step
        if not frontier:
            break
    return reached


def _loaded_elsewhere(askers: dict[str, Asker], account: AccountModel, role: Principal, rails=None) -> list[Answer]:
    """The principals of the other loaded accounts that may assume the role: the role's trust policy (it names
    their account or them) and their own policies, boundaries and SCPs must all allow it; and those that may reach
    one of them that is a role through roles of their own account (``_through_roles``)."""
    answers = []
    for other, asker in askers.items():
        if other == account.account_id:
            continue
        found: dict[str, Answer] = {}
        for principal, result in assumers_across(asker, asker.account.principals, role, account.account_id, rails):
            granted, missing, groups = _labels(principal, result, role)
            found[principal.arn] = Answer(principal.arn, principal.kind, other, result.decision,
                                          "cross-account, from another loaded account", granted,
                                          list(result.conditions), missing, result.reason,
                                          list(result.deny_conditions))
        # and the principals of that account that reach such a role through a chain of its roles (role chaining)
        chained = _through_roles(asker, found)
        answers += [chained.pop(arn, answer) for arn, answer in found.items()] + list(chained.values())
    return answers


def _arn_account(arn: str | None) -> str | None:
    parts = (arn or "").split(":", 5)
    return parts[4] if len(parts) == 6 and parts[4].isdigit() and len(parts[4]) == 12 else None


def _identity_center(con: duckdb.DuckDBPyConnection, role: Principal, outside: list[Answer]) -> list[Answer]:
    """``outside`` (``_outside``'s answers for ``role``), its SAML providers' rows replaced, for a role IAM Identity
    Center provisioned (``AWSReservedSSO_<permission set>_<suffix>`` under ``/aws-reserved/sso.amazonaws.com/``,
    then the instance's region), by the Identity Center users and groups the loaded assignments give that permission
    set in the role's account, and the members of those groups: Identity Center signs them in through its SAML
    provider. Without loaded assignments, ``outside`` as it is."""
    if not (role.path.startswith(SSO_PATH) and role.name.startswith(SSO_PREFIX)):
        return outside
    permission_set = role.name.removeprefix(SSO_PREFIX).rpartition("_")[0]
    region = role.path.removeprefix(SSO_PATH).strip("/") or None
    partition = role.arn.split(":", 2)[1]
    try:
        found = con.execute(ASSIGNED, {"account": role.account_id, "name": permission_set, "region": region,
                                       "partition": partition}).fetchall()
    except duckdb.CatalogException:  # a database made before Identity Center tables, opened read-only
        found = []
    providers = [a for a in outside if a.principal_type == "saml"]
    if not found or not providers:
        return outside
    direct = {(kind, principal_id) for kind, principal_id, _, group in found if group is None}
    assigned: dict[tuple[str, str], tuple[str | None, list[str]]] = {}  # (type, id) -> (name, groups it comes through)
    for kind, principal_id, name, group in found:
        _, groups = assigned.setdefault((kind, principal_id), (name, []))
        if (kind, principal_id) not in direct and group not in groups:
            groups.append(group)
    answers = [a for a in outside if a.principal_type != "saml"]
    base = f"Identity Center, permission set {permission_set}"
    for provider in providers:
        for (kind, principal_id), (name, groups) in assigned.items():
            answers.append(Answer(
                name or principal_id, f"identity_center_{kind.lower()}", role.account_id, provider.decision,
                base + (f", through group {', '.join(groups)}" if groups else ""), [], provider.conditions, [],
                f"Assigned permission set {permission_set} in the account; Identity Center signs it in through "
                f"{provider.principal}.", provider.deny_conditions))
    return answers


def _outside(account: AccountModel, role_arn: str, action: str, rails=None,
             loaded: frozenset | set = frozenset()) -> list[Answer]:
    """Principals outside the loaded IAM data that a role's trust admits for ``action`` (other accounts, anyone, for
    sts:AssumeRole; SAML or OIDC identities, for sts:AssumeRoleWithSAML or sts:AssumeRoleWithWebIdentity; services).
    A user or role of another account that is loaded (``loaded``, by ARN) is not one of them: its own policies
    decide too (``_loaded_elsewhere``)."""
    role = account.role(role_arn)
    if role is None or role.trust is None or role.trust.policy is None or role.trust.document is None:
        return []
    answers = []
    for entry in trust_analysis.entries(role.trust.document, account.partition, account.account_id):
        if entry.action.lower() != action.lower():
            continue  # each kind of caller has its own action: a SAML identity never calls sts:AssumeRole
        if entry.kind in ("principal", "account") and entry.account == account.account_id:
            continue  # the account's own IAM principals: judged above with their own policies
        if entry.kind == "principal" and entry.trusted in loaded:
            continue  # a loaded principal of another account: judged with its own policies
        # "*" as asked (its account the caller's it admits), and each account whose every principal it admits
        for answer in [trust_analysis.ask(role_arn, account.account_id, role.trust.policy, entry, rails),
                       *trust_analysis.whole_accounts(role_arn, account.account_id, role.trust.policy, entry, rails)]:
            shown = answer.entry
            if answer.decision not in POSSIBLE or (shown.kind == "account" and shown.account == account.account_id):
                continue
            path = {"anyone": "any AWS principal", "account": "cross-account (the account's administrators decide)",
                    "principal": "cross-account principal", "service": "AWS service", "oidc": "federated (OIDC)",
                    "saml": "federated (SAML)"}[shown.kind]
            answers.append(Answer(shown.trusted, shown.kind, shown.account or "", answer.decision, path, [],
                                  answer.conditions, [],
                                  "Admitted by the trust policy" + (
                                      "" if answer.names_caller else ", with no condition that names the caller") + ".",
                                  answer.deny_conditions))
    return answers

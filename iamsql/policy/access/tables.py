"""The policy engine's answers as tables controls read (``ACCESS_TABLES``), computed from the loaded IAM data.

- ``iam_principal_access``: per IAM user and role, per question of ``queries/access.yaml`` (administrator
  access, passing or assuming any role, each privilege-escalation path), the engine's decision with the
  policies that grant it, the conditions it depends on and the documents that are not loaded; plus
  ``assume_admin_role`` rows: administrator roles the principal may assume (directly or through a chain).
- ``iam_policy_access``: the same questions asked of each managed policy, and of each principal's inline
  policies, on their own (what the policy grants to whoever holds it).
- ``iam_role_trust_access``: per role, per principal its trust policy names, whether a caller of that kind
  may assume it, whether what that depends on names the caller and whether every caller it admits is a role
  session (``roles_only``).
- ``iam_event_policy_access``, ``iam_event_trust_access``: the same questions asked of the policy documents
  IAM change events grant or set (``events.py``).
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from functools import lru_cache

from iamsql.common.collector import collector_paused
from iamsql.common.policy_text import json_text
from iamsql.policy import Evaluation, MatchedStatement, Request, evaluate, parse_policy
from iamsql.policy.access import trust as trust_analysis
from iamsql.policy.access.model import AccountModel, AttachedPolicy, Principal
from iamsql.policy.access.organization import Guardrails, evaluate_caller
from iamsql.policy.access.questions import (
    CREATES,
    EXISTING,
    NEW,
    PASSED_TO_SERVICE,
    POLICY_ARN,
    PROBE,
    WORKLOADS,
    Question,
    instance_requests,
    resources_for,
)
from iamsql.policy.conditions import normalize_context, principal_key, session_key, steps_conditions
from iamsql.policy.document import Statement
from iamsql.policy.evaluation import (
    ORGANIZATION_DECIDED,
    PASS_ROLE,
    default_context,
    describe_principal,
    known_absent,
    reads_key_policy,
)
from iamsql.policy.variables import parse_template

ADMIN_QUESTIONS = ("full_admin", "iam_admin")
RANK = {"ExplicitlyDenied": 0, "ImplicitlyDenied": 1, "Error": 2, "Unknown": 2, "AllowedIf": 3, "Allowed": 4}
POSSIBLE = ("Allowed", "AllowedIf")
SHOWN = (*POSSIBLE, "Unknown")  # decisions whose rows name the policies behind them
MAX_CHAIN = 3
MAX_SHARED_CHOICES = 64  # choices of the resources an escalation path's requests share (``Asker._shared_choices``)
# The resource a role passed to a service is associated with, by that service: iam:AssociatedResourceArn is "the ARN
# of the resource to which this role will be associated at the destination service" (IAM User Guide, "IAM and AWS STS
# condition context keys"), the function a Lambda role runs or the instance an EC2 role is given to. A path's
# iam:PassRole names, as that key, the resource the path creates (``Asker._shared_choices``).
ASSOCIATED_RESOURCE = "iam:AssociatedResourceArn"
ASSOCIATED_KINDS = {"lambda.amazonaws.com": ("lambda", "function:"), "ec2.amazonaws.com": ("ec2", "instance/")}
ASSUME_ADMIN = ("assume_admin_role", "assume a role with administrator power")  # the rows' question and title
NO_STATEMENT = parse_policy({"Version": "2012-10-17", "Statement": []})
ALLOW_ALL = parse_policy({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})


NOTHING_ALLOWS = Evaluation("ImplicitlyDenied", reason="No identity-based policy allows the action.")


@lru_cache(maxsize=1024)
def _allowed_by(position: int, statement: int, sid: str | None) -> Evaluation:
    """The engine's answer for an unrestricted Allow, one per statement (shared, as answers are)."""
    matched = MatchedStatement("identity", f"identity_policies[{position}]", None, sid, statement, "Allow")
    return Evaluation(
        "Allowed", matched=[matched], reason=f"Allowed by identity_policies[{position}] statement {statement}."
    )


def _trusted_names(document: dict | None, account: AccountModel) -> tuple[set[str], bool]:
    """The AWS principals (ARNs, account ids) a trust policy's Allow statements name, and whether any names
    everyone (``*``, a wildcard ARN or NotPrincipal); only used to skip asking the engine about principals a
    trust cannot admit by name."""
    partition, account_id = account.partition, account.account_id
    found = trust_analysis.entries(document or {}, partition, account_id)
    aws = [e.trusted for e in found if e.kind in ("account", "principal")]
    anyone = any(e.kind == "anyone" for e in found) or any("*" in name for name in aws)
    return set(aws) | named_sessions(found, account), anyone


def named_sessions(found: list, account: AccountModel) -> set[str]:
    """Of the trust's entries (``trust_analysis.entries``), what names the roles whose sessions it names
    (``arn:aws:sts::<account>:assumed-role/<role name>/<session name>``): a role of ``account`` by its ARN, under its
    path (``AccountModel.role_named``: a session ARN has none); a role of another account by that account's id, as
    its roles' paths are not known here (the engine decides which of its roles the session is of)."""
    prefix = f"arn:{account.partition}:sts::"
    named = set()
    for entry in found:
        if entry.kind == "principal" and entry.trusted.startswith(prefix) and "*" not in entry.trusted:
            role_account, _, session = entry.trusted[len(prefix):].partition(":assumed-role/")
            if role_account != account.account_id:
                named.add(role_account)
                continue
            role_arn = f"arn:{account.partition}:iam::{role_account}:role/{session.split('/', 1)[0]}"
            named.add(role.arn if (role := account.role_named(role_arn)) else role_arn)
    return named


def _frozen(context: dict | None) -> tuple:
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in (context or {}).items()))


def trust_naming(arn: str):
    """The trust policy of a role that names ``arn`` (a user or role) as the one who may assume it."""
    return parse_policy({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": arn}, "Action": "sts:AssumeRole"}]})


def delegating_trust(partition: str, account_id: str):
    """The trust policy of a role that lets its own account decide who assumes it (names the account root): asking
    for sts:AssumeRole against it asks the principal's identity side alone."""
    return parse_policy(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:{partition}:iam::{account_id}:root"},
                    "Action": ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
                }
            ],
        }
    )


@lru_cache(maxsize=None)  # one document per account and action: ``Asker.request`` knows it by identity
def policy_enabling_iam(partition: str, account_id: str, action: str = "*"):
    """A resource-based policy whose one statement allows ``action`` to the account ``account_id`` (names its root),
    so that the account's IAM policies decide. With ``kms:*``, AWS's default key policy: "Allows access to the AWS
    account and enables IAM policies" (AWS KMS Developer Guide, "Default key policy"). No key policy is loaded: a
    request on a key no statement names (a question's probe, a request without a resource) is asked against it, on a
    key of the account whose policy defers to IAM; with ``*``, the most a resource policy that is not loaded could
    give a caller of that account across accounts."""
    return parse_policy(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "Enable IAM User Permissions",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:{partition}:iam::{account_id}:root"},
                    "Action": action,
                    "Resource": "*",
                }
            ],
        }
    )


def key_policy_enabling_iam(partition: str, account_id: str):
    """AWS's default key policy (``policy_enabling_iam``)."""
    return policy_enabling_iam(partition, account_id, "kms:*")


def probe_key_policy(action: str, resource: str, partition: str, account_id: str):
    """The key policy of a key no statement names (``key_policy_enabling_iam``) when ``action`` on ``resource`` reads
    one, else None."""
    return key_policy_enabling_iam(partition, account_id) if reads_key_policy(action.lower(), resource) else None


class Asker:
    """Asks the engine about one account's principals; answers for requests that cannot depend on who asks
    are shared between principals with the same policies."""

    def __init__(self, account: AccountModel, rails: Guardrails | None = None) -> None:
        self.account = account
        self.rails = rails  # the organization's SCPs / RCPs over the account; None: not loaded, ignored
        self._rails_signature = rails.signature if rails else None
        # SCP / RCP levels can take away what an unrestricted Allow gives: such answers need the engine
        self._guarded = bool(rails and (rails.scps or rails.rcps))
        self._cache: dict[tuple, Evaluation] = {}
        self._read: dict[tuple, Evaluation] = {}  # the same answers keyed by the documents read, not their positions
        self._answers: dict[tuple, tuple[str, list[Evaluation]]] = {}
        self._delegating = delegating_trust(account.partition, account.account_id)
        self.key_policy = key_policy_enabling_iam(account.partition, account.account_id)
        self._allowed: dict[tuple, frozenset[str]] = {}  # (policies, actions) -> ``allowed_actions``
        self._roles_named: dict[tuple, tuple[str, ...]] = {}  # PassRole reach -> ``roles_named``
        self._resources: dict[tuple, list[tuple[str, ...]]] = {}  # (ARN, target, action) -> ``_alternatives``

    def _tags(self, principal: Principal) -> tuple:
        """What of the principal's own keys an answer shared with other principals may depend on: its tags and user
        id when SCPs or RCPs apply (they may test them); a document that does is personal (keyed by the principal)."""
        if not self._guarded:
            return ()
        context, absent = principal.caller_context(True)
        return (*sorted((k, str(v)) for k, v in context.items()), absent)

    def allowed_actions(self, principal: Principal, actions: frozenset[str]) -> frozenset[str]:
        """Of ``actions``, those the principal's identity side could allow (see ``may_allow``): the union of those
        each identity document's Allow statements apply to (``Policy.applying``, memoized per document)."""
        if principal.unknown_identity:
            return actions
        key = (principal.signature, actions)  # asked again by each kind of row (``role_rows``)
        found = self._allowed.get(key)
        if found is None:
            found = frozenset()
            for attached in principal.identity:
                found |= attached.policy.applying(actions)[1]
            self._allowed[key] = found
        return found

    def roles_named(self, reach: tuple) -> tuple[str, ...]:
        """The account's roles (ARNs, in their order) that an Allow statement for ``iam:PassRole`` among the documents
        of ``reach`` could name (``could_name``; every role when only the engine can tell), once per reach."""
        found = self._roles_named.get(reach)
        if found is None:
            roles = tuple(self.account.roles)
            named = could_name(reach, "iam:passrole", roles)
            found = self._roles_named[reach] = roles if named is None else named
        return found

    def may_allow(self, principal: Principal, action: str) -> bool:
        """Whether the principal's identity side could allow the action at all: an identity Allow statement
        applies to it (the engine's own action matching; without one an identity-side request is implicitly
        denied), or a document is not loaded."""
        return principal.reach(action)[1]

    def request(
        self, principal: Principal, action: str, resource: str, *, resource_policy=None, context: dict | None = None
    ) -> Evaluation:
        if resource_policy is None and action.lower() == "sts:assumerole":
            role = self.account.role(resource)
            if role is not None and role.trust is not None and role.trust.policy is not None:
                return self.assume(principal, role)  # a loaded role: its own trust policy decides too
        if resource_policy is None and action.lower().startswith("sts:"):
            resource_policy = self._delegating  # identity-side question: a role whose trust defers to the account
        elif resource_policy is None and reads_key_policy(action.lower(), resource):
            # a named key whose policy is not loaded: a document that is not known, the engine answers Unknown
            return self._evaluate(principal, action, resource, None, context)
        elif resource_policy is not None and resource_policy is not self.key_policy:
            return self._evaluate(principal, action, resource, resource_policy, context)
        reach, allows = principal.reach(action)
        if not allows:
            return NOTHING_ALLOWS  # what the engine answers when no identity statement applies, without asking it
        if principal.unrestricted_grant is not None and not self._guarded and action.lower() not in ORGANIZATION_DECIDED:
            return _allowed_by(*principal.unrestricted_grant)  # what the engine answers for an unrestricted Allow
        personal = resource == principal.arn or principal.personal
        # answers that may depend on who asks are kept per principal (stand-ins share an ARN, not their
        # policies), the others per reach: requests that do not depend on who asks get the same answer for it
        asked = (self._rails_signature, self._tags(principal), action, resource, _frozen(context) if context else ())
        key = ((principal.arn, reach) if personal else reach, *asked)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._read_answer(principal, reach, personal, asked, resource_policy, context)
        return found

    def _read_answer(
        self, principal: Principal, reach: tuple, personal: bool, asked: tuple, resource_policy, context
    ) -> Evaluation:
        """The answer asked of the identity documents ``reach`` reads alone, in their order: the others have no
        statement for the action and add nothing to it (``Policy.statements_for``), so principals that read the same
        documents at other positions share one evaluation, its places moved to each one's positions (``_moved``)."""
        kind, service_linked, read, boundary = reach
        documents = (kind, service_linked, tuple(policy for _, policy in read), boundary)
        key = ((principal.arn, documents) if personal else documents, *asked)
        found = self._read.get(key)
        if found is None:
            action, resource = asked[2], asked[3]
            found = self._read[key] = self._evaluate(principal, action, resource, resource_policy, context,
                                                     identity=list(documents[2]))
        return _moved(found, tuple(position for position, _ in read))

    def assume(self, principal: Principal, role: Principal) -> Evaluation:
        """``sts:AssumeRole`` of ``role`` by the principal, its trust policy deciding with the principal's own
        policies. A trust naming a session of the principal (an assumed-role ARN) admits it only under the session
        name it gives, a condition the engine reports (``AllowedIf`` on ``aws:userid``)."""
        return self.request(principal, "sts:AssumeRole", role.arn, resource_policy=role.trust.policy)

    def assume_across(
        self, principal: Principal, role: Principal, role_account: str, role_rails: Guardrails | None
    ) -> Evaluation:
        """``sts:AssumeRole`` by the principal (of this asker's account) of a role of another loaded account: its
        own identity policies, boundary and SCPs, the role's trust policy and its account's RCPs."""
        return self.across(principal, "sts:AssumeRole", role.arn, role.trust.policy, role_account, role_rails)

    def across(
        self, principal: Principal, action: str, resource: str, resource_policy, resource_account: str,
        resource_rails: Guardrails | None,
    ) -> Evaluation:
        """``action`` by the principal (of this asker's account) on a resource of another account: its own identity
        policies, boundary and SCPs, the resource's policy and its account's RCPs."""
        return self._evaluate(principal, action, resource, resource_policy, None,
                              across=(resource_account, resource_rails))

    def _evaluate(
        self,
        principal: Principal,
        action: str,
        resource: str,
        resource_policy,
        context,
        caller: str | None = None,
        across: tuple[str, Guardrails | None] | None = None,
        identity: list | None = None,
    ) -> Evaluation:
        """The engine's answer. When documents that are not loaded make it ``Unknown`` but the loaded ones already
        allow the request, the power is shown (it holds unless a missing document denies it), with the missing
        documents listed; otherwise it stays ``Unknown``. ``across``: the resource is in another account (its id
        and guardrails), not the principal's. ``identity``: the identity documents to ask (default: all the
        principal's)."""
        rails = self.rails
        owner = across[1] if across else rails
        # an account the resource's organization does not list is in another organization or in none, as
        # iam_role_trust_access asks it
        outsider = owner.caller_context(principal.account_id) if across and rails is None and owner else {}
        outside = bool(across and rails is None and owner and owner.lists_not(principal.account_id))
        own_keys, absent = principal.caller_context(True)
        # an IAM request on a loaded user or role of the account carries its tags as the resource's
        target = None if across or not action.lower().startswith("iam:") else self.account.principal(resource)
        target_keys, target_absent = target.resource_context if target else ({}, ())
        absent = (*absent, *target_absent)
        if context and None in context.values():  # keys the request is asked without
            absent = (*absent, *(key for key, value in context.items() if value is None))
            context = {key: value for key, value in context.items() if value is not None}
        request = Request(
            action=action,
            resource=resource,
            principal=caller or principal.arn,
            principal_account=principal.account_id,
            resource_account=across[0] if across else self.account.account_id,
            context={
                **(rails.context() if rails else outsider),
                **(owner.resource_context() if owner else {}),
                **own_keys,
                **target_keys,
                **(context or {}),
            },
            absent_keys=absent,
            identity_policies=[a.policy for a in principal.identity] if identity is None else identity,
            resource_policy=resource_policy,
            permission_boundaries=[principal.boundary.policy] if principal.boundary else [],
            scps=rails.scps if rails else [],
            rcps=owner.rcps if owner else [],
            management_account_id=(rails or owner).management_account_id if (rails or owner) else None,
            delegated_administrators=(rails or owner).delegated_administrators if (rails or owner) else {},
            unknown_context=True,
        )
        result = evaluate_caller(request, outside)
        if result.decision != "Unknown":
            return result
        identity, boundaries = request.identity_policies, request.permission_boundaries
        # the most the documents that are not loaded could give (everything): when even that is denied, so is the
        # request, whatever they hold (a trust policy that does not name the caller, a boundary that does not
        # allow the action)
        request.identity_policies = [ALLOW_ALL if p is None else p for p in identity]
        request.permission_boundaries = [ALLOW_ALL if p is None else p for p in boundaries]
        if evaluate(request).decision == "ImplicitlyDenied":
            return Evaluation(
                "ImplicitlyDenied",
                missing=result.missing,
                reason="Denied whatever the documents that are not loaded allow.",
            )
        if any(p is None for p in boundaries):
            return result  # a boundary allows only what it lists: one not loaded leaves the answer unknown
        # the same positions (engine locations name them), the unknown documents as empty ones
        request.identity_policies = [NO_STATEMENT if p is None else p for p in identity]
        request.permission_boundaries = boundaries
        known = evaluate(request)
        if known.decision not in POSSIBLE:
            return result
        known.missing = result.missing
        return known

    def question(
        self, principal: Principal, question: Question, allowed: frozenset[str] | None = None
    ) -> tuple[str, list[Evaluation]]:
        """The question's decision (the weakest of its probes, each the strongest of its targets) and the
        evaluations behind it. ``allowed``: the actions the principal's identity side could allow, if known."""
        if allowed is not None and not question.actions <= allowed:
            return "ImplicitlyDenied", []  # some request of it has no identity statement that could allow it
        # the same policies give the same answer unless it may name the principal (as ``request`` keys its cache)
        named = principal.arn if principal.personal or question.asks_self else None
        # the reach of each probe (stand-ins share an ARN, not their policies); the unrestricted Allow that
        # ``request`` answers with, which depends on documents outside the reach
        reaches = principal.reaches  # memoized by ``reach`` (``reach_all`` for every probe action at once)
        try:
            reach = tuple([reaches[action][0] for action in question.probe_actions])
        except KeyError:
            reach = tuple([principal.reach(action)[0] for action in question.probe_actions])
        unrestricted = None if self._guarded else principal.unrestricted_grant
        key = (reach, unrestricted, named, self._tags(principal), question.id)
        found = self._answers.get(key)
        if found is None:
            found = self._answers[key] = self._ask(principal, question)
        return found

    def _no_other_version(self, policy_arn: str, action: str) -> bool:
        """Whether ``action`` is ``iam:SetDefaultPolicyVersion`` and the managed policy is loaded with its every
        version (get-account-authorization-details lists them all) and has only one: there is no other to set."""
        managed = self.account.managed.get(policy_arn)
        return action.lower() == "iam:setdefaultpolicyversion" and managed is not None and len(managed.versions) == 1

    def _alternatives(self, principal: Principal, target: str, action: str, named: bool = False,
                      fixed: dict[str, str] | None = None) -> list[tuple[str, ...]]:
        """The resources a probe's target stands for, as alternatives (any one is enough), each the resources of
        one request (all must be allowed): ``own_group`` is each of a user's groups, ``own_policy`` each
        customer-managed policy attached to the principal; ``catalog`` of a ``named`` probe (``Probe.named``) its
        request, then the same with one of its resources replaced by each of that kind the principal's Allow
        statements name, except the resources ``fixed`` maps (probe ARN -> the resource every request of the path
        names in its place); the other targets are one request."""
        account = self.account
        if named and target == "catalog":
            fixed = fixed or {}
            found = []
            for request in self._alternatives(principal, target, action):
                base = tuple(fixed.get(resource, resource) for resource in request)
                found.append(base)
                found.extend(base[:i] + (arn,) + base[i + 1:] for i, resource in enumerate(request)
                             if resource not in fixed
                             for arn in named_like(principal, action, resource, account.partition, account.account_id))
            return found
        if target not in ("own_group", "own_policy"):  # the others depend on the principal's ARN alone
            key = (principal.arn, target, action)
            found = self._resources.get(key)
            if found is None:
                found = self._resources[key] = self._resources_of(principal.arn, target, action)
            return found
        if target == "own_group":
            prefix = f"arn:{account.partition}:iam::{account.account_id}:group/"
            return [((account.groups.get(name) or (prefix + name,))[0],) for name in principal.groups]
        return [(arn,) for arn in principal.own_policies if not self._no_other_version(arn, action)]

    def _resources_of(self, arn: str, target: str, action: str) -> list[tuple[str, ...]]:
        """``_alternatives`` of a target other than ``own_group`` and ``own_policy``, for the principal ``arn``."""
        account = self.account
        if target == "instance" or (target.startswith(f"arn:{account.partition}:ec2:") and ":instance/" in target):
            instance = target if target.startswith("arn:") else resources_for(
                target, action, partition=account.partition, account_id=account.account_id, self_arn=arn)[-1]
            return instance_requests(action, instance, partition=account.partition, account_id=account.account_id)
        return [resources_for(target, action, partition=account.partition, account_id=account.account_id, self_arn=arn)]

    def asking_on(self, principal: Principal, question: Question, which, arn: str) -> tuple[str, list[Evaluation]]:
        """The question's decision and evaluations with the probes ``which`` picks asked on the resource ``arn``
        only; not kept (the answers of ``question`` are kept by its id)."""
        probes = tuple(replace(p, targets=(arn,)) if which(p) else p for p in question.probes)
        return self._ask(principal, replace(question, probes=probes))

    def _ask(self, principal: Principal, question: Question) -> tuple[str, list[Evaluation]]:
        """The question's decision and evaluations, probe by probe. The principal's own keys (``principal_key``) have
        one value in all its requests: a path whose requests need values of one that exclude each other is closed, and
        so is one with a request on an existing resource of a table that is loaded and holds none (``EXISTING``).
        The ``named`` requests of a path that name a resource of one kind name the same one (``_shared_choices``):
        the function the caller creates is the one it invokes, so the best of the choices is the answer."""
        if any(EXISTING.get(p.action.lower()) in self.account.empty_tables for p in question.probes):
            return "ImplicitlyDenied", []
        best: tuple[str, list[Evaluation]] | None = None
        for fixed in self._shared_choices(principal, question):
            decision, used = self._ask_on(principal, question, fixed)
            if best is None or RANK[decision] > RANK[best[0]]:
                best = (decision, used)
            if decision == "Allowed":
                break
        return best

    def _shared_choices(self, principal: Principal, question: Question) -> list[dict[str, str]]:
        """Each choice of the resources the ``named`` requests of an escalation path share (probe ARN -> the resource
        all of them name in its place; ``[{}]``: none shared). The candidates of a probe ARN are itself, each resource
        of its kind a request's Allow statements name (``named_like``), and for two such patterns of different
        actions, each with its wildcards filled with the other's name (``function:a*`` and ``function:*b`` meet in
        ``function:aiamsql-probeb``); at most ``MAX_SHARED_CHOICES`` choices are asked."""
        account = self.account
        named = [p for p in question.probes if p.named and "catalog" in p.targets]
        uses: dict[str, set[str]] = {}
        for probe in named:
            for request in self._alternatives(principal, "catalog", probe.action):
                for resource in request:
                    uses.setdefault(resource, set()).add(probe.action.lower())
        for probe in question.probes:
            if (kind := _associated_kind(probe)) is not None:
                for resource in uses:
                    if _is_kind(resource, kind):
                        uses[resource].add(PASS_ROLE)  # the pass names it as iam:AssociatedResourceArn
        shared = {resource: actions for resource, actions in uses.items() if len(actions) > 1}
        if not shared:
            return [{}]
        candidates = []
        for generic, actions in shared.items():
            names = {action: named_like(principal, action, generic, account.partition, account.account_id)
                     if action != PASS_ROLE else
                     _named_from(_associated_values(principal), generic, account.partition, account.account_id)
                     for action in sorted(actions)}
            found = dict.fromkeys([generic, *(arn for arns in names.values() for arn in arns)])
            found.update(dict.fromkeys(_met(generic, names)))
            candidates.append(list(found))
        return [dict(zip(shared, choice)) for choice in itertools.islice(itertools.product(*candidates),
                                                                           MAX_SHARED_CHOICES)]

    def _ask_on(self, principal: Principal, question: Question, fixed: dict[str, str]) -> tuple[str, list[Evaluation]]:
        """``_ask`` with the resources the ``named`` requests share fixed (``_shared_choices``)."""
        decision, used = "Allowed", []
        for probe in question.probes:
            best = self.probe_answer(principal, probe, fixed)
            if best is None:
                return "ImplicitlyDenied", []
            used.append(best)
            if RANK[best.decision] < RANK[decision]:
                decision = best.decision
        if decision == "AllowedIf" and steps_conditions(*(u.conditions for u in used), shared=principal_key) is None:
            return "ImplicitlyDenied", []
        return decision, used

    def probe_answer(self, principal: Principal, probe, fixed: dict[str, str] | None = None) -> Evaluation | None:
        """One probe's answer: the strongest of its targets, each the weakest of its requests (None: no target
        applies to the principal); ``fixed``: the resources a ``named`` probe shares with the path's others, and the
        one an ``iam:PassRole`` probe names as ``iam:AssociatedResourceArn`` (``_associated_with``)."""
        best: Evaluation | None = None
        associated = _associated_with(probe, fixed)
        for target in probe.targets:
            if target in ("self", "bounded_self") and not _can_be_self(probe.action, principal):
                continue
            if target == "bounded_self" and principal.boundary is None:
                continue  # without a boundary, changing or removing its own frees it of nothing
            for context in _probe_contexts(probe.context, self.account.partition, self.account.powerful_policies):
                if associated is not None:
                    context = {**(context or {}), ASSOCIATED_RESOURCE: associated}
                for resources in self._alternatives(principal, target, probe.action, probe.named,
                                                    fixed if probe.named else None):
                    trust = trust_naming(principal.arn) if probe.trusts_caller else None
                    result = _all_of([self.request(principal, probe.action, resource,
                                                   resource_policy=trust or probe_key_policy(
                                                       probe.action, resource, self.account.partition,
                                                       self.account.account_id),
                                                   context=context) for resource in resources])
                    if best is None or RANK[result.decision] > RANK[best.decision]:
                        best = result
        return best


def _probe_contexts(context: tuple, partition: str, powerful_policies: tuple[str, ...]) -> list[dict | None]:
    """The request contexts a probe may be asked with (any one is enough): one per combination of the alternative
    values of its keys (``Probe.context``), ``{partition}`` filled in; ``[None]`` for a probe without keys. The policy a
    request attaches (``iam:PolicyARN``) may also be any of the account's ``powerful_policies``."""
    if not context:
        return [None]
    keys = [key for key, _ in context]
    choices = [
        tuple(dict.fromkeys([v.format(partition=partition) for v in value]
                            + list(powerful_policies if key == POLICY_ARN else ())))
        if isinstance(value, tuple) else (None if value is None else value.format(partition=partition),)
        for key, value in context
    ]
    return [dict(zip(keys, values)) for values in itertools.product(*choices)]


_IDENTITY_PLACE = re.compile(r"\bidentity_policies\[(\d+)\]")


def _moved(result: Evaluation, positions: tuple[int, ...]) -> Evaluation:
    """``result``, asked of some identity documents alone, with each place ``identity_policies[i]`` (in its matched
    statements, missing documents and reason) moved to ``identity_policies[positions[i]]``, where the principal
    holds that document."""
    if not positions or positions[-1] == len(positions) - 1:
        return result  # positions rise: the last at its own index means each is

    def move(text: str) -> str:
        return _IDENTITY_PLACE.sub(lambda m: f"identity_policies[{positions[int(m[1])]}]", text)

    reason = result.reason
    return Evaluation(
        result.decision,
        matched=[m._replace(policy=move(m.policy)) if m.kind == "identity" else m for m in result.matched],
        conditions=result.conditions,
        deny_conditions=result.deny_conditions,
        missing=[move(name) for name in result.missing],
        reason=move(reason) if "identity_policies[" in reason else reason,
    )


def _all_of(answers: list[Evaluation]) -> Evaluation:
    """The answers to the resources of one request, all of which must be allowed, as one: the weakest decision, with
    the conditions of all (ANDed), their statements, deny conditions and documents that are not loaded."""
    if len(answers) == 1:
        return answers[0]
    weakest = min(answers, key=lambda answer: RANK[answer.decision])
    if weakest.decision not in POSSIBLE:
        return weakest
    # one request: the caller's keys, its session's too, have one value in all of them
    conditions = steps_conditions(*(answer.conditions for answer in answers), shared=session_key)
    if conditions is None:
        return Evaluation("ImplicitlyDenied", reason="The conditions under which the request's resources are allowed "
                                                     "need the caller's own keys to take values that exclude each other.")
    denies: list[dict] = []
    for block in (block for answer in answers for block in answer.deny_conditions):
        if block not in denies:
            denies.append(block)
    return Evaluation(
        weakest.decision,
        matched=list(dict.fromkeys(m for answer in answers for m in answer.matched)),
        conditions=conditions,
        deny_conditions=denies,
        missing=list(dict.fromkeys(name for answer in answers for name in answer.missing)),
        reason=weakest.reason,
    )


def _joins_group(probe) -> bool:
    """Whether the probe is an ``iam:AddUserToGroup`` request on a group of the account."""
    return probe.action.lower() == "iam:addusertogroup" and "group" in probe.targets


def _passes_role(probe) -> bool:
    """Whether the probe is an ``iam:PassRole`` request on another role of the account."""
    return probe.action.lower() == "iam:passrole" and "role" in probe.targets


def _passes_service_role(probe) -> bool:
    """Whether the probe passes a path's second role, the one its service runs its own work with (``service_role``)."""
    return probe.action.lower() == "iam:passrole" and "service_role" in probe.targets


def _can_be_self(action: str, principal: Principal) -> bool:
    """Whether the action's resource can be the principal itself (a user's own user, a role's own role)."""
    name = action.split(":", 1)[-1].lower()
    return ("user" in name) if principal.kind == "user" else ("role" in name)


def _labels(principal: Principal, evaluations: Iterable[Evaluation], shared=None) -> tuple[str | None, list[dict],
                                                                                        str | None, list[dict]]:
    """Policies whose Allow statements decided, residual conditions, documents that were not loaded, and the residual
    conditions of the Deny statements (each must NOT hold). The evaluations are of requests that must all be allowed
    (the probes of a path, the steps of a chain): their conditions are ANDed (``steps_conditions``, ``shared`` the keys
    of one value in all of them), each evaluation's own blocks being alternatives."""
    granted, missing, denies = [], [], []
    evaluations = list(evaluations)
    for result in evaluations:
        for matched in result.matched:
            if matched.effect == "Allow" and matched.kind != "resource":
                label = _label(principal, matched)
                if label and label not in granted:
                    granted.append(label)
        for block in result.deny_conditions or []:
            if block not in denies:
                denies.append(block)
        for name in result.missing or []:
            label = _missing_label(principal, name)
            if label not in missing:
                missing.append(label)
    conditions = steps_conditions(*(result.conditions or [] for result in evaluations), shared=shared) or []
    return (", ".join(granted) or None), conditions, (", ".join(missing) or None), denies


def attached_at(principal: Principal, where: str) -> AttachedPolicy | None:
    """The policy at an engine location such as ``identity_policies[2]``, ``permission_boundaries[0]`` or
    ``resource_policy``."""
    name, position = _location(where)
    if name == "identity_policies" and position is not None and position < len(principal.identity):
        return principal.identity[position]
    if name == "permission_boundaries":
        return principal.boundary
    if name == "resource_policy":
        return principal.trust
    return None


@lru_cache(maxsize=4096)
def _location(where: str) -> tuple[str, int | None]:
    """An engine location's name and first index: ``identity_policies[2]`` -> ``("identity_policies", 2)``."""
    name, _, index = where.partition("[")
    return name, int(index.split("]")[0]) if index.split("]")[0].isdigit() else None


def _label(principal: Principal, matched) -> str | None:
    policy = attached_at(principal, matched.policy)
    return policy.label if policy else None


def _missing_label(principal: Principal, where: str) -> str:
    policy = attached_at(principal, where)
    return policy.missing_label if policy else where


class PrincipalAnswers:
    """The ``iam_principal_access`` rows of one account's principals, one principal at a time (without the
    ``assume_admin_role`` rows, which depend on every principal: ``assume_admin_rows``)."""

    def __init__(self, asker: Asker, questions: tuple[Question, ...]) -> None:
        self.asker = asker
        self.questions = questions
        self.probe_actions = frozenset(a for q in questions for a in q.actions)
        # by allowed actions: the questions that may give a row (``workload_rows`` answers those on loaded workloads)
        self.listed: dict[frozenset[str], list[Question]] = {}
        self.taking_over = {path[0].id for path in take_over_paths(questions)}  # ``take_over_rows`` may open them

    def rows(self, principal: Principal) -> list[tuple]:
        account = self.asker.account
        allowed = self.asker.allowed_actions(principal, self.probe_actions)
        principal.reach_all(self.probe_actions)
        if allowed not in self.listed:  # an escalation path some request of which nothing allows is never open
            self.listed[allowed] = [
                q for q in self.questions if (q.actions <= allowed or not q.id.startswith("escalation:"))
                and not on_loaded_workloads(q, account)  # only the loaded resources can open it: ``workload_rows``
                and not through_loaded_profiles(q, account)  # only the roles a profile holds: ``pass_admin_rows``
            ]
        rows = []
        for question in self.listed[allowed]:
            decision, used = self.asker.question(principal, question, allowed)
            if decision not in SHOWN and question.id.startswith("escalation:"):
                continue  # an escalation path is listed only when it is open or cannot be judged
            if question.id in self.taking_over and only_on_tagged(principal, decision, used):
                continue  # open on the loaded users or roles that carry the tags: ``take_over_rows``
            rows.append(_access_row(account.account_id, principal, question.id, question.title, decision, used,
                                    shared=principal_key))
        return rows


def _access_row(
    account_id: str, principal: Principal, question: str, title: str, decision: str, used: list[Evaluation],
    detail: str | None = None, shared=None,
) -> tuple:
    """One ``iam_principal_access`` row: the decision, and for one that shows its grounds (``SHOWN``) the policies,
    conditions and missing documents of the evaluations behind it (``shared``: as ``_labels``, when they are all the
    principal's own requests)."""
    granted, conditions, missing, denies = (_labels(principal, used, shared) if decision in SHOWN
                                            else (None, [], None, []))
    return (account_id, principal.arn, principal.kind, principal.name, principal.path, question, title, decision,
            granted, json_text(conditions), missing, detail, json_text(denies))


@collector_paused()
def principal_rows(asker: Asker, questions: tuple[Question, ...]) -> list[tuple]:
    answers = PrincipalAnswers(asker, questions)
    rows = [row for principal in asker.account.principals for row in answers.rows(principal)]
    rows += role_rows(answers, rows)
    return rows


def role_rows(answers: PrincipalAnswers, principal_answers: list[tuple]) -> list[tuple]:
    """The rows that depend on every principal's administrator answers: the roles with that power each principal
    may assume (``assume_admin_rows``) or pass to a service (``pass_admin_rows``), and the administrators' groups
    a user may join (``join_admin_group_rows``). The paths open through an existing resource (``workload_rows``)
    count as the principal's own paths for the others: a role that may take one is a role with power. Last, what an
    identity pool's guests keep of their role's power in the enhanced flow (``pool_guest_enhanced_rows``)."""
    workloads = workload_rows(answers, principal_answers)
    powers = principal_answers + workloads
    rows = (
        assume_admin_rows(answers.asker, powers)
        + pass_admin_rows(answers, powers)
        + join_admin_group_rows(answers)
        + take_over_rows(answers, powers)
        + create_rows(answers)
        + workloads
        + pool_guest_rows(answers.asker)
    )
    return rows + pool_guest_enhanced_rows(answers.asker, answers.questions, principal_answers + rows)


POOL_GUEST = "identity_pool_guest"


def pool_guest_rows(asker: Asker) -> list[tuple]:
    """Per loaded Cognito identity pool with an unauthenticated role that is a loaded role of the account, whether the
    pool's unauthenticated identities may assume that role (question ``identity_pool_guest``, ``detail`` the pool's
    ARN): the role's trust policy asked for the request Cognito makes for them (``trust.pool_guest``), with the RCPs
    of the account; ``Unknown`` when the trust policy is not readable."""
    account, rails = asker.account, asker.rails
    title = "assumable by the unauthenticated identities of an identity pool"
    rows = []
    for pool_arn, (pool_id, role_arn) in account.guest_roles.items():
        role = account.role(role_arn)
        if role is None or role.trust is None:
            continue
        if role.trust.policy is None:
            rows.append((account.account_id, role.arn, role.kind, role.name, role.path, POOL_GUEST, title, "Unknown",
                         None, None, role.trust.missing_label, pool_arn, None))
            continue
        found = trust_analysis.pool_guest(role.arn, account.account_id, role.trust.policy, pool_id, rails)
        shown = found.decision in SHOWN
        rows.append((account.account_id, role.arn, role.kind, role.name, role.path, POOL_GUEST, title, found.decision,
                     role.trust.label if shown else None, json_text(found.conditions if shown else None), None,
                     pool_arn, json_text(found.deny_conditions if shown else None)))
    return rows


POOL_GUEST_ENHANCED = "identity_pool_guest_enhanced"
# The session policy Cognito adds to an unauthenticated identity's credentials in the enhanced flow
# (GetCredentialsForIdentity): AWS managed policy AmazonCognitoUnAuthedIdentitiesSessionPolicy, version v3 (edited
# 2024-11-01, AWS Managed Policy Reference). Guests get the intersection of their role and it; the basic flow
# (AssumeRoleWithWebIdentity with a GetOpenIdToken token, only when the pool allows it) gives the role whole.
GUEST_SESSION_POLICY = parse_policy({"Version": "2012-10-17", "Statement": [{
    "Sid": "CognitoUnAuthedIdentitiesSessionPolicy", "Effect": "Allow", "Resource": "*", "Action": [
        "rum:PutRumEvents", "sagemaker:InvokeEndpoint", "polly:*", "comprehend:*", "translate:*", "transcribe:*",
        "rekognition:*", "mobiletargeting:*", "firehose:*", "personalize:*", "geo:GetMap*", "geo:SearchPlaceIndex*",
        "geo:GetPlace", "geo:CalculateRoute*", "geo:*Geofence", "geo:*Geofences", "geo:*DevicePosition*",
        "kms:Encrypt", "kms:Decrypt", "kms:ReEncryptTo", "kms:ReEncryptFrom", "kms:GenerateDataKey",
        "kms:GenerateDataKeyPair", "kms:GenerateDataKeyPairWithoutPlaintext", "kms:GenerateDataKeyWithoutPlaintext"]}]},
    name="AmazonCognitoUnAuthedIdentitiesSessionPolicy")
_ANY_ACTION = parse_policy({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})


def pool_guest_enhanced_rows(asker: Asker, questions: tuple[Question, ...], rows: list[tuple]) -> list[tuple]:
    """Per loaded identity pool whose unauthenticated role is a loaded role of the account, the role's power that its
    guests keep in the enhanced flow (question ``identity_pool_guest_enhanced``, ``detail`` the pool's ARN, ``title``
    the power's): each of the role's rows (``rows``) of administrator power or an escalation path, open or ``Unknown``,
    whose every action the session policy ``GUEST_SESSION_POLICY`` allows. Its one statement allows its actions on
    every resource without a condition, so the role's answer to such a question is the guests' answer, and a question
    with an action it does not allow is closed to them (the engine asks each action with it as the session policy)."""
    account = asker.account
    kept = {question.id for question in questions
            if (question.id in ADMIN_QUESTIONS or question.id.startswith("escalation:"))
            and all(_guest_session_allows(action, account.partition, account.account_id) for action in question.actions)}
    powers: dict[str, list[tuple]] = {}
    for row in rows:
        if row[5] in kept and row[7] in SHOWN:
            powers.setdefault(row[1], []).append(row)
    return [(*row[:5], POOL_GUEST_ENHANCED, *row[6:11], pool_arn, row[12])
            for pool_arn, (_, role_arn) in account.guest_roles.items() for row in powers.get(role_arn, [])]


@lru_cache(maxsize=1024)
def _guest_session_allows(action: str, partition: str, account_id: str) -> bool:
    """Whether an unauthenticated identity's session policy in the enhanced flow allows ``action``."""
    guest = f"arn:{partition}:sts::{account_id}:assumed-role/{PROBE}/CognitoIdentityCredentials"
    # on a key no one names, whose key policy defers to IAM (a KMS request without one is Unknown)
    key_policy = probe_key_policy(action, "*", partition, account_id)
    return evaluate(Request(action=action, principal=guest, identity_policies=[_ANY_ACTION], resource_policy=key_policy,
                            session_policy=GUEST_SESSION_POLICY)).decision == "Allowed"


def admin_groups(asker: Asker, questions: tuple[Question, ...]) -> dict[str, Evaluation]:
    """The account's groups whose own policies give administrator power (``full_admin`` or ``iam_admin``) to a
    member, by ARN (sorted), each with its best answer to that power: an evaluation holding that answer's
    conditions and deny conditions (what a member gets holds only as that answer does)."""
    account = asker.account
    admin = [q for q in questions if q.id in ADMIN_QUESTIONS]
    holder = f"arn:{account.partition}:iam::{account.account_id}:user/iamsql-holder"
    found: dict[str, Evaluation] = {}
    for _, (group_arn, policies) in sorted(account.groups.items()):
        if not policies:
            continue
        member = Principal(holder, "user", "iamsql-holder", "/", account.account_id, account.partition, policies)
        for question in admin:
            decision, used = asker.question(member, question)
            if decision in POSSIBLE and (group_arn not in found or RANK[decision] > RANK[found[group_arn].decision]):
                _, conditions, _, denies = _labels(member, used)
                found[group_arn] = Evaluation(decision, conditions=conditions, deny_conditions=denies)
    return found


def join_admin_group_rows(answers: PrincipalAnswers) -> list[tuple]:
    """Escalation paths through ``iam:AddUserToGroup`` taken only by joining a particular group whose policies give
    administrator power: its statements name that group (not every group). A user joins it itself; a path that
    creates the user (``new_user``) puts the new user in it, under any name or one its statements allow. One row
    per principal and path, its ``detail`` the group joined (``creating <user ARN> joining <group ARN>`` for a name
    its statements allow); paths already open on any group have their row in ``PrincipalAnswers`` or
    ``create_rows``."""
    asker, questions = answers.asker, answers.questions
    account = asker.account
    paths = [q for q in questions if q.id.startswith("escalation:") and any(_joins_group(p) for p in q.probes)]
    callers = [p for p in account.principals if not p.service_linked and asker.may_allow(p, "iam:AddUserToGroup")]
    if not paths or not callers:
        return []
    groups = admin_groups(asker, questions)
    existing = {p.arn for p in account.principals}
    rows = []
    for principal in callers:
        allowed = asker.allowed_actions(principal, answers.probe_actions)
        mine = {(account.groups.get(name) or ("",))[0] for name in principal.groups}
        for question in paths:
            if not question.actions <= allowed or asker.question(principal, question, allowed)[0] in POSSIBLE:
                continue
            if any(_creates(p) for p in question.probes):
                row = _join_as_new_user(asker, principal, question, groups, existing)
            elif principal.kind == "user":
                # a group the user is already in gives nothing by joining it; a member gets what the group's
                # policies give only as the group's answer to the power holds
                row = _row_through(asker, principal, question, _joins_group, [g for g in groups if g not in mine],
                                   "joining", groups)
            else:
                row = None
            if row:
                rows.append(row)
    return rows


def _join_as_new_user(asker: Asker, principal: Principal, question: Question, groups: dict[str, Evaluation],
                      existing: set[str]) -> tuple | None:
    """The row of a path that creates a user and puts it in one of the administrators' ``groups`` its
    ``iam:AddUserToGroup`` statements name: the user under any name (the probe ARN) or a name its statements for
    the creating requests allow (``created_names``); None when no pair opens it, or when it opens on any group
    (``create_rows`` has that row). The new user gets what the group's policies give, as the group's answer holds."""
    joins = [p for p in question.probes if _joins_group(p)]
    if _possible(asker, principal, joins):
        return None  # open on a group no statement names: a row of create_rows
    account = asker.account
    actions = sorted({p.action for p in question.probes if _creates(p)})
    generic = resources_for("new_user", "iam:CreateUser", partition=account.partition, account_id=account.account_id,
                            self_arn=principal.arn)[0]
    names = [generic] + [n for n in created_names(principal, actions, "user", account.partition, account.account_id)
                         if n not in existing]
    for group_arn, power in groups.items():
        for name in names:
            probes = tuple(replace(p, targets=(group_arn,)) if _joins_group(p) else
                           replace(p, targets=(name,)) if _creates(p) else p for p in question.probes)
            decision, used = asker._ask(principal, Question(question.id, question.title, probes))
            if decision not in POSSIBLE:
                continue
            decision = "Allowed" if decision == power.decision == "Allowed" else "AllowedIf"
            detail = f"joining {group_arn}" if name == generic else f"creating {name} joining {group_arn}"
            return _access_row(account.account_id, principal, question.id, question.title, decision,
                               [*used, power], detail)
    return None


def _creates(probe) -> bool:
    """Whether the probe is a request on a user or role the caller creates (``new_user``, ``new_role``)."""
    return any(t in NEW for t in probe.targets)


def _allowed_resources(principal: Principal, action: str) -> Iterator[tuple[Statement, str]]:
    """Each ``Resource`` value (text) of the principal's Allow statements for ``action``, with its statement."""
    for _, policy in principal.reach(action)[0][2]:
        for statement in policy.statements_for(action.lower()) if policy is not None else ():
            if statement.effect != "Allow" or statement.not_resource or statement.resources is None:
                continue
            values = statement.source.get("Resource")
            for value in [values] if isinstance(values, str) else values or []:
                if isinstance(value, str):
                    yield statement, value


def created_names(principal: Principal, actions: Iterable[str], kind: str, partition: str, account_id: str) -> list[str]:
    """The ARNs of a ``kind`` (user/role) of the account that the principal's Allow statements for ``actions`` name,
    wildcards filled with the probe name (``role/app-*``: ``role/app-iamsql-probe``): a user or role the caller may
    create under a name they allow. Policy variables take the caller's own keys (``user/${aws:username}-*`` for
    alice: ``user/alice-iamsql-probe``); a value with one whose key the caller's keys do not fix (a role's
    ``aws:username``, a session tag) gives none, as does ``*`` (the probe ARN stands for it)."""
    found: set[str] = set()
    caller = None
    for action in actions:
        for statement, value in _allowed_resources(principal, action):
            if "${" in value:
                if not statement.resources.templates:
                    continue  # a document of an older Version reads it as text, which no IAM name holds
                caller = caller or _caller_context(principal)
                value = _filled(value, *caller)
                if value is None:
                    continue
            parts = value.split(":", 5)
            if len(parts) != 6 or parts[2] != "iam" or not parts[5].startswith(f"{kind}/"):
                continue
            if parts[4] not in (account_id, "*"):
                continue  # another account's
            found.add(f"arn:{partition}:iam::{account_id}:" + parts[5].replace("*", PROBE).replace("?", "x"))
    generic = f"arn:{partition}:iam::{account_id}:{kind}/{PROBE}"
    return sorted(found - {generic})


def _filled(value: str, context: dict, absent) -> str | None:
    """``value`` with its policy variables replaced by the caller's keys (``context``, lower case; a default when the
    key is known to be ``absent``), or None when a key's value is not known."""
    template = parse_template(value)
    out = []
    for part in template.parts:
        if part[0] != "var":
            out.append(part[1])
        elif isinstance(context.get(part[1]), str):
            out.append(context[part[1]])
        elif part[2] is not None and part[1] in absent:
            out.append(part[2])
        else:
            return None
    return "".join(out)


def create_rows(answers: PrincipalAnswers) -> list[tuple]:
    """Escalation paths through a user or role the caller creates (``new_user``, ``new_role``) that open only under
    a name its statements allow (``user/dev-*``, or one that no loaded user or role has): every request of the path
    on that new principal is asked of the engine. One row per principal and path, its ``detail`` ``creating <ARN>``
    (wildcards filled with the probe name); paths open on any name have their row in ``PrincipalAnswers``."""
    asker, questions = answers.asker, answers.questions
    account = asker.account
    paths = [q for q in questions if q.id.startswith("escalation:") and any(_creates(p) for p in q.probes)]
    existing = {p.arn for p in account.principals}
    creates = {p.action for q in paths for p in q.probes if p.action.lower() in CREATES}
    rows = []
    for principal in account.principals:
        if principal.service_linked or not any(asker.may_allow(principal, action) for action in creates):
            continue
        allowed = asker.allowed_actions(principal, answers.probe_actions)
        for question in paths:
            if not question.actions <= allowed or asker.question(principal, question, allowed)[0] in POSSIBLE:
                continue  # a request of it that nothing allows, or it is open under any name
            kind = next(t for p in question.probes for t in p.targets if t in NEW)[4:]
            actions = sorted({p.action for p in question.probes if _creates(p)})
            names = created_names(principal, actions, kind, account.partition, account.account_id)
            # a principal it creates has no answer of its own yet: the path's requests on it are the whole answer
            row = _row_through(asker, principal, question, _creates, [n for n in names if n not in existing], "creating",
                               {})
            if row:
                rows.append(row)
    return rows


def through_loaded_profiles(question: Question, account: AccountModel) -> bool:
    """Whether the question is an escalation path that hands its role to EC2 in an instance profile
    (``Question.instance_profile``) and the account's instance profiles are loaded: only a loaded role that one of
    them holds can be passed, so only those can open it (``pass_admin_rows``); not loaded, any role may be in one."""
    return question.instance_profile and account.profiled_roles is not None


def _on_workload(target: str):
    """Whether a probe is a request on an existing resource of the ``target`` kind (``WORKLOADS``)."""
    return lambda probe: target in probe.targets


def on_loaded_workloads(question: Question, account: AccountModel) -> bool:
    """Whether the question is an escalation path through an existing resource (``WORKLOADS``) whose table is loaded
    for the account: the loaded resources are all there is to act on, so only they can open it (``workload_rows``);
    a statement on every resource opens it on none when the table holds no resource with a powerful role."""
    return question.id.startswith("escalation:") and any(
        t in WORKLOADS and t not in account.unloaded for p in question.probes for t in p.targets)


class Workloads:
    """The account's loaded resources that run code with a role of their own (``WORKLOADS``) whose role has
    administrator power or an escalation path of its own (``strong``, by target), with that role (``roles``) and its
    answer to the power (``powers``, by resource): what a path through an existing resource may open on."""

    def __init__(self, account: AccountModel, principal_answers: list[tuple]) -> None:
        admins, escalating = _powers(principal_answers)
        role_powers = _all_power_answers(principal_answers)
        self.account = account
        self.roles = {arn: role for found in account.workloads.values() for arn, role in found.items()}
        self.strong = {target: [arn for arn, role in account.workloads.get(target, {}).items()
                                if role in admins or role in escalating] for target in WORKLOADS}
        # the code runs with the resource's role: what it gets holds only as that role's answer to the power does
        self.powers = {arn: role_powers[self.roles[arn]] for arns in self.strong.values() for arn in arns
                       if self.roles[arn] in role_powers}

    def may_open(self, target: str) -> bool:
        """Whether a path through a resource of ``target`` may open on particular resources: its table is not loaded
        (those the statements name may have any role), or it holds one with a powerful role."""
        return target in self.account.unloaded or bool(self.strong[target])


def workload_paths(questions: Iterable[Question]) -> list[tuple[Question, str]]:
    """The escalation paths through an existing resource, each with the target (``WORKLOADS``) of its resource."""
    return [(q, target) for target in WORKLOADS for q in questions
            if q.id.startswith("escalation:") and any(target in p.targets for p in q.probes)]


def workload_answer(asker: Asker, principal: Principal, question: Question, target: str, workloads: Workloads,
                    allowed: frozenset[str] | None = None) -> tuple[str, list[Evaluation], str, str | None] | None:
    """A path through an existing resource of ``target`` that opens for the principal on particular resources only:
    ``(decision, evaluations, detail, missing)``, ``detail`` ``on <ARN>``. When the account's table of them is
    loaded, the path opens on a resource whose role has administrator power or an escalation path of its own (the
    principal itself excepted), holding as that role's answer does, or is ``Unknown`` on one where the answer depends
    on documents that are not loaded; a weak role, or a resource that does not exist, opens nothing. When it is not
    loaded, a resource the statements name on which the path's requests are allowed gives ``Unknown`` (``missing``
    naming the table: its role decides); a path open on any resource is the path's own answer (None here), as is one
    closed on every resource."""
    which = _on_workload(target)
    account = asker.account
    if target in account.unloaded:
        if asker.question(principal, question, allowed)[0] in POSSIBLE:
            return None  # open on any resource: the path's own answer
        actions = sorted({p.action for p in question.probes if which(p)})
        for arn in named_workloads(principal, actions, target, account.partition, account.account_id):
            decision, used = asker.asking_on(principal, question, which, arn)
            if decision in POSSIBLE:
                return "Unknown", used, f"on {arn}", f"the role of {arn} ({WORKLOADS[target]} is not loaded)"
        return None
    # a resource whose role is the principal itself gives it nothing it has not got
    mine = [arn for arn in workloads.strong[target] if workloads.roles[arn] != principal.arn]
    unknown = None
    for arn in mine:
        decision, used = asker.asking_on(principal, question, which, arn)
        if decision in POSSIBLE:
            power = workloads.powers.get(arn)
            if power is not None:
                used = [*used, power]
                decision = "Allowed" if decision == power.decision == "Allowed" else "AllowedIf"
            return decision, used, f"on {arn}", None
        if decision == "Unknown" and unknown is None:
            unknown = ("Unknown", used, f"on {arn}", None)
    return unknown


def workload_rows(answers: PrincipalAnswers, principal_answers: list[tuple]) -> list[tuple]:
    """Escalation paths through an existing resource that runs code with a role of its own (``WORKLOADS``: a Lambda
    function, an EC2 instance, a CodeBuild project, a SageMaker notebook instance, a Glue development endpoint, a
    CloudFormation stack, a Step Functions state machine) that a principal takes only on particular resources
    (``workload_answer``). When the table is loaded, a statement on every resource is asked on each loaded resource
    too (``PrincipalAnswers`` gives such paths no row: the probe resource does not exist); when it is not, paths open
    on any resource have their row in ``PrincipalAnswers``."""
    asker = answers.asker
    account = asker.account
    workloads = Workloads(account, principal_answers)
    paths = [(q, target) for q, target in workload_paths(answers.questions) if workloads.may_open(target)]
    rows = []
    for target in WORKLOADS:
        questions = [q for q, t in paths if t == target]
        for principal in account.principals if questions else ():
            if principal.service_linked:
                continue
            allowed = asker.allowed_actions(principal, answers.probe_actions)
            for question in questions:
                if not question.actions <= allowed:
                    continue  # a request of it that nothing allows
                found = workload_answer(asker, principal, question, target, workloads, allowed)
                if found:
                    decision, used, detail, missing = found
                    row = _access_row(account.account_id, principal, question.id, question.title, decision, used,
                                      detail)
                    rows.append(row if missing is None else (*row[:10], missing, *row[11:]))
    return rows


def named_workloads(principal: Principal, actions: Iterable[str], target: str, partition: str,
                    account_id: str) -> list[str]:
    """The ARNs of resources of ``target`` (``WORKLOADS``) of the account that the principal's Allow statements for
    ``actions`` name (``named_like``)."""
    found: set[str] = set()
    for action in actions:
        generic = resources_for(target, action, partition=partition, account_id=account_id, self_arn=principal.arn)[-1]
        found.update(named_like(principal, action, generic, partition, account_id))
    return sorted(found)


def _met(generic: str, names: dict[str, list[str]]) -> list[str]:
    """Resources the patterns of two actions may both name, from the ARNs ``named_like`` filled for each action
    (``names``): each ARN of one action with its probe name replaced by the name part of one of another action
    (``function:a*`` filled ``function:aiamsql-probe`` and ``function:*b`` filled ``function:iamsql-probeb`` give
    ``function:aiamsql-probeb``). Only candidates: every request is still asked on each."""
    kind = generic.split(":", 5)[-1].split(PROBE)[0]  # "function:", "project/" ...
    prefix = generic[: len(generic) - len(generic.split(":", 5)[-1])]
    # each action's resource names within the account's prefix (``function:`` ... stripped)
    parts = {action: [arn.split(":", 5)[-1][len(kind):] for arn in arns if arn.startswith(prefix)]
             for action, arns in names.items()}
    return [prefix + kind + name.replace(PROBE, other_name, 1)
            for action, own in parts.items() for other, others in parts.items() if other != action
            for name in own if PROBE in name for other_name in others]


def _associated_kind(probe) -> tuple[str, str] | None:
    """The (service, resource kind) of the resource an ``iam:PassRole`` probe's role is associated with
    (``ASSOCIATED_KINDS``, by the service it is passed to); None for other probes and services."""
    if probe.action.lower() != PASS_ROLE:
        return None
    service = dict(probe.context).get(PASSED_TO_SERVICE)
    return ASSOCIATED_KINDS.get(service) if isinstance(service, str) else None


def _is_kind(arn: str, kind: tuple[str, str]) -> bool:
    parts = arn.split(":", 5)
    return len(parts) == 6 and parts[2] == kind[0] and parts[5].startswith(kind[1])


def _associated_with(probe, fixed: dict[str, str] | None) -> str | None:
    """The resource the path's requests name that an ``iam:PassRole`` probe associates its role with (``fixed``:
    probe ARN -> the resource named in its place), or None."""
    kind = _associated_kind(probe)
    if kind is None or not fixed:
        return None
    return next((arn for generic, arn in fixed.items() if _is_kind(generic, kind)), None)


def _associated_values(principal: Principal) -> list[str]:
    """The ``iam:AssociatedResourceArn`` values the principal's ``iam:PassRole`` Allow statements match with a
    positive ARN or string operator: the resources a pass may be associated with."""
    values = []
    for _, policy in principal.reach(PASS_ROLE)[0][2]:
        for statement in policy.statements_for(PASS_ROLE) if policy is not None else ():
            conditions = statement.source.get("Condition") if statement.effect == "Allow" else None
            for operator, keys in (conditions or {}).items() if isinstance(conditions, dict) else ():
                name = operator.split(":")[-1].lower()
                if "not" in name or not name.startswith(("arn", "string")) or not isinstance(keys, dict):
                    continue
                for key, value in keys.items():
                    if key.lower() == ASSOCIATED_RESOURCE.lower():
                        values.extend(v for v in ([value] if isinstance(value, str) else value or [])
                                      if isinstance(v, str))
    return values


def named_like(principal: Principal, action: str, generic: str, partition: str, account_id: str) -> list[str]:
    """The ARNs of resources of the kind of the probe ARN ``generic`` (its service and the resource part before the
    probe name) of the account that the principal's Allow statements for ``action`` name, wildcards filled with the
    probe name (``project/ci-*``: ``project/ci-iamsql-probe``); values with policy variables, of another account, and
    the probe ARN itself (a value naming every resource) give none."""
    return _named_from((value for _, value in _allowed_resources(principal, action)), generic, partition, account_id)


def _named_from(values: Iterable[str], generic: str, partition: str, account_id: str) -> list[str]:
    """``named_like`` of the ARN patterns ``values``."""
    parts = generic.split(":", 5)
    if len(parts) != 6:
        return []  # "*": an action without resource-level permissions
    service, region, kind = parts[2], parts[3], parts[5].split(PROBE)[0]  # kind: "project/", "function:", ...
    found: set[str] = set()
    for value in values:
        parts = value.split(":", 5) if "${" not in value else []
        if len(parts) != 6 or parts[2] != service or not parts[5].startswith(kind):
            continue
        if parts[4] not in (account_id, "*"):
            continue  # another account's
        named = parts[5].replace("*", PROBE).replace("?", "x")
        found.add(f"arn:{partition}:{service}:{region if parts[3] in ('*', '') else parts[3]}:{account_id}:{named}")
    found.discard(generic)
    return sorted(found)


def _row_through(asker: Asker, principal: Principal, question: Question, which, arns: Iterable[str],
                 verb: str, powers: dict[str, Evaluation]) -> tuple | None:
    """The path's row through the first of ``arns`` on which it opens when its ``which`` probes are asked about
    that resource only (``detail``: ``<verb> <arn>``); None when it opens on none. Acting as a principal of
    ``powers`` (its answer to the power) holds only as that answer does: its conditions and deny conditions join
    the row's, which is then ``AllowedIf`` when that answer is."""
    for arn in arns:
        decision, used = asker.asking_on(principal, question, which, arn)
        if decision in POSSIBLE:
            power = powers.get(arn)
            if power is not None:
                used = [*used, power]
                decision = "Allowed" if decision == power.decision == "Allowed" else "AllowedIf"
            return _access_row(
                asker.account.account_id, principal, question.id, question.title, decision, used, f"{verb} {arn}"
            )
    return None


def _powers(principal_answers: list[tuple]) -> tuple[set[str], set[str]]:
    """The principals with administrator power (``full_admin`` or ``iam_admin`` possible), and those without it
    but with an open escalation path of their own (whoever acts as one can take it)."""
    admins = {row[1] for row in principal_answers if row[7] in POSSIBLE and row[5] in ADMIN_QUESTIONS}
    escalating = {row[1] for row in principal_answers if row[7] in POSSIBLE and row[5].startswith("escalation:")}
    return admins, escalating - admins


def _power_answers(principal_answers: list[tuple], principals: set[str], admin: bool) -> dict[str, Evaluation]:
    """For each of ``principals``, its best answer (``Allowed`` before ``AllowedIf``) to the administrator questions
    (``admin``) or to an escalation path, as an evaluation holding that row's conditions and deny conditions: what
    whoever assumes it gets holds only as that answer does."""
    best: dict[str, tuple] = {}
    for row in principal_answers:
        if row[1] in principals and row[7] in POSSIBLE and (
            row[5] in ADMIN_QUESTIONS if admin else row[5].startswith("escalation:")
        ):
            if row[1] not in best or RANK[row[7]] > RANK[best[row[1]][7]]:
                best[row[1]] = row
    return {
        arn: Evaluation(row[7], conditions=json.loads(row[9] or "[]"), deny_conditions=json.loads(row[12] or "[]"))
        for arn, row in best.items()
    }


def _all_power_answers(principal_answers: list[tuple]) -> dict[str, Evaluation]:
    """``_power_answers`` of every principal with power: its administrator answer, else its escalation path's."""
    admins, escalating = _powers(principal_answers)
    return {**_power_answers(principal_answers, escalating, False), **_power_answers(principal_answers, admins, True)}


def _powerful_roles(account: AccountModel, principal_answers: list[tuple]) -> list[str]:
    """The account's roles with administrator power, then those with an open escalation path (``_powers``), each
    part sorted."""
    return [arn for group in _powers(principal_answers) for arn in sorted(group) if account.role(arn) is not None]


# services that hand a passed role out as a web identity: an identity pool's roles are assumed with
# sts:AssumeRoleWithWebIdentity by the federated principal cognito-identity.amazonaws.com (Amazon Cognito Developer
# Guide, "Role trust and permissions"), not by a service principal
WEB_IDENTITY_SERVICES = frozenset({"cognito-identity.amazonaws.com"})


def _service_may_assume(role: Principal, service: str | None) -> bool:
    """Whether the role's trust policy lets the service a path passes it to assume it (IAM lets a service use a
    passed role only then); true when the path names no service or the trust policy is not readable."""
    if service is None or role.trust is None or role.trust.policy is None:
        return True
    federated = service in WEB_IDENTITY_SERVICES
    if not any(_may_name_service(statement, service, federated) for statement in role.trust.policy.statements):
        return False  # no Allow statement names the service (nor everyone): the engine would refuse it
    if federated:
        entry = trust_analysis.TrustedEntry(service, "oidc", role.account_id, service, "sts:AssumeRoleWithWebIdentity")
    else:
        entry = trust_analysis.TrustedEntry(service, "service", None, service, "sts:AssumeRole")
    answer = trust_analysis.ask(role.arn, role.account_id, role.trust.policy, entry)
    return answer.decision in POSSIBLE


def _may_name_service(statement, service: str, federated: bool = False) -> bool:
    """Whether a trust policy statement may admit the service principal (``federated``: as a ``Federated``
    principal): an Allow whose ``Principal`` is everyone or names it, or one with ``NotPrincipal``."""
    if statement.effect != "Allow":
        return False
    spec = statement.principal
    named = service in spec.federated if federated and spec is not None else spec is not None and service in spec.services
    return statement.not_principal or spec is None or spec.wildcard or named


def _possible(asker: Asker, principal: Principal, probes: list) -> bool:
    """Whether every one of ``probes`` may be allowed (a question holding them, and others, can then be)."""
    for probe in probes:
        answer = asker.probe_answer(principal, probe)
        if answer is None or answer.decision not in POSSIBLE:
            return False
    return True


class _PassableRoles:
    """For ``pass_admin_rows``: the roles with power (in their order) that a principal's PassRole probes may name
    and whose trust admits the service those probes pass a role to. Only the roles an identity Allow statement
    for ``iam:PassRole`` could name are asked (the engine denies the others: nothing else can allow PassRole),
    each once for all the principals whose PassRole answers are the same (``Asker.request`` keeps them per
    reach); a role is never asked for itself."""

    def __init__(self, asker: Asker, powerful: list[str]) -> None:
        self.asker, self.powerful = asker, powerful
        self.admitted: dict[tuple[str, str | None], bool] = {}  # (role, service) -> whether the trust admits it
        self.named: dict[tuple, tuple[str, ...]] = {}  # PassRole reach -> the roles its statements could name
        # (PassRole reach, service) -> those of them whose trust admits the service
        self.candidates: dict[tuple, tuple[str, ...]] = {}
        self.judged: dict[tuple, dict[str, bool]] = {}  # who and probes -> role -> passable

    def roles(self, principal: Principal, passes: tuple) -> Iterator[str]:
        asker = self.asker
        reach = principal.reach("iam:PassRole")[0]
        service = next((dict(p.context).get(PASSED_TO_SERVICE) for p in passes), None)
        candidates = self.candidates.get((reach, service))
        if candidates is None:
            named = self.named.get(reach)
            if named is None:
                named = self.named[reach] = self._named(reach)
            candidates = self.candidates[(reach, service)] = tuple(
                role_arn for role_arn in named if self._admits(role_arn, service)
            )
        judged = self.judged.setdefault(
            (principal.arn if principal.personal else reach, asker._tags(principal), passes), {}
        )
        for role_arn in candidates:
            if role_arn == principal.arn:
                continue
            passable = judged.get(role_arn)
            if passable is None:
                passable = judged[role_arn] = _possible(
                    asker, principal, [replace(p, targets=(role_arn,)) for p in passes]
                )
            if passable:
                yield role_arn

    def _named(self, reach: tuple) -> tuple[str, ...]:
        """The powerful roles that an Allow statement for ``iam:PassRole`` among the loaded documents of ``reach``
        could name (``could_name``)."""
        found = could_name(reach, "iam:passrole", self.powerful)
        return tuple(self.powerful) if found is None else found

    def _admits(self, role_arn: str, service: str | None) -> bool:
        if (role_arn, service) not in self.admitted:
            self.admitted[(role_arn, service)] = _service_may_assume(self.asker.account.role(role_arn), service)
        return self.admitted[(role_arn, service)]


def could_name(
    reach: tuple,
    action: str,
    arns: Sequence[str],
    context: dict | None = None,
    generic: str | None = None,
    absent=frozenset(),
) -> tuple[str, ...] | None:
    """Of ``arns``, those that an Allow statement for ``action`` (lower case) among the loaded documents of ``reach``
    names: its ``Resource`` matches the ARN, policy variables taken from ``context`` (the caller's keys, lower
    case; without it a value with a variable may name anyone); None when only the engine can tell
    (``NotResource``, a variable without ``context``, or one whose key is neither in ``context`` as text nor in
    ``absent``, the keys known to be absent: a session tag, a role session's ``aws:userid``, whose session name the
    caller picks). A document that is not loaded is passed over: a request the
    loaded ones do not allow is ``Unknown`` at best. A statement that also names ``generic`` (the probe ARN a
    question asks about any principal of the kind) is passed over too: that question has weighed it already."""
    candidates = frozenset(arns)
    found: set[str] = set()
    for _, policy in reach[2]:
        if policy is None:
            continue
        for statement in policy.statements_for(action):
            if statement.effect != "Allow":
                continue
            resources = statement.resources
            if generic is not None and resources is not None and not statement.not_resource:
                if resources.match(generic, context or {}):
                    continue
            if resources is None or statement.not_resource or (resources.templates and context is None):
                return None
            if any(_unknown_key(key, context, absent) for template in resources.templates for key in template.keys):
                return None
            found |= resources.patterns.matching(candidates)
            if resources.templates:
                found |= {arn for arn in candidates - found if resources.match(arn, context)}
    return tuple(arn for arn in arns if arn in found)


def _unknown_key(key: str, context: dict, absent) -> bool:
    """Whether static analysis does not know the value of the context key ``key`` (lower case)."""
    return not isinstance(context.get(key), str) and key not in absent


def _caller_context(principal: Principal) -> tuple[dict, object]:
    """The request context keys the engine knows of the principal as a caller (lower case), as the evaluation has
    them: those it derives from the ARN (``aws:username``, ``aws:PrincipalArn`` ...) and the principal's own
    (``Principal.caller_context``: ``aws:userid``, its tags); and the keys known to be absent."""
    who = describe_principal(principal.arn)
    own, absent = principal.caller_context(True)
    context = {**normalize_context(own), **default_context(who, principal.account_id, principal.account_id)}
    return context, known_absent(who, absent)


def _takes_over(kind: str):
    """Whether a probe is a request on another principal of ``kind`` (``user``/``role``) of the account, other than
    ``iam:PassRole`` (which hands a role to a service: ``pass_admin_rows``)."""
    return lambda probe: kind in probe.targets and probe.action.lower() != "iam:passrole"


def take_over_paths(questions: Iterable[Question]) -> list[tuple]:
    """The escalation paths that let the caller act as a user or role (a ``takes_over`` request on it), each as
    (question, ``user``/``role``, which probes act on it, their actions, whether the path also gives it any
    permission)."""
    paths = []
    for question in questions:
        if not question.id.startswith("escalation:"):
            continue
        for kind in ("user", "role"):
            which = _takes_over(kind)
            if any(which(p) and p.effect == "takes_over" for p in question.probes):
                # a new version of a policy the principal holds gives it any permission too
                grants = any(which(p) and p.effect == "grants" or _rewrites_policy(p) for p in question.probes)
                actions = tuple(sorted({p.action.lower() for p in question.probes if which(p)}))
                paths.append((question, kind, which, actions, grants))
                break
    return paths


RESOURCE_TAGS = ("iam:resourcetag/", "aws:resourcetag/")


def only_on_tagged(principal: Principal, decision: str, used: list[Evaluation]) -> bool:
    """Whether an answer holds only under conditions on the tags of the user or role its requests name
    (``iam:ResourceTag``, ``aws:ResourceTag``, in its Allow or Deny statements): the loaded users' and roles' tags
    are known, so such a path is open on the loaded ones that carry them (``take_over_rows``), not on any."""
    if decision != "AllowedIf":
        return False
    _, conditions, _, denies = _labels(principal, used, principal_key)
    keys = [key.lower() for block in [*conditions, *denies] for keyed in block.values() if isinstance(keyed, dict)
            for key in keyed]
    return bool(keys) and all(key.startswith(RESOURCE_TAGS) for key in keys)


def take_over_rows(answers: PrincipalAnswers, principal_answers: list[tuple]) -> list[tuple]:
    """Escalation paths that a principal takes only on a particular loaded user or role, its statements naming that
    principal (not every one): the path lets it act as that principal (``takes_over`` in ``queries/access.yaml``:
    an access key or password for the user, a trust policy that admits the caller, assuming the role) and that
    principal has administrator power or an open escalation path of its own, or the path also gives it any
    permission (``grants``). Every request of the path on a user or role is asked about that principal (an
    ``sts:AssumeRole`` with its trust policy). One row per principal and path, its ``detail`` ``on <ARN>``; paths
    already open on any principal have their row in ``PrincipalAnswers``."""
    asker, questions = answers.asker, answers.questions
    account = asker.account
    admins, escalating = _powers(principal_answers)
    powerful = admins | escalating
    powers = _all_power_answers(principal_answers)
    paths = take_over_paths(questions)
    if not paths:
        return []
    # the users and roles a path may be taken on (a role's trust policy readable), all and those with power
    every = {
        kind: [
            p.arn
            for p in account.principals
            if p.kind == kind
            and not p.service_linked
            and (kind != "role" or (p.trust is not None and p.trust.policy is not None))
        ]
        for kind in ("user", "role")
    }
    strong = {kind: [arn for arn in arns if arn in powerful] for kind, arns in every.items()}
    by_arn = {p.arn: p for p in account.principals}
    named: dict[tuple, tuple[str, ...]] = {}  # (reach, action, grants) -> the principals its statements name
    rows = []
    for principal in account.principals:
        if principal.service_linked:
            continue
        allowed = asker.allowed_actions(principal, answers.probe_actions)
        for question, kind, which, actions, grants in paths:
            if not question.actions <= allowed:
                continue  # a request of it that nothing allows
            decision, used = asker.question(principal, question, allowed)
            tagged = only_on_tagged(principal, decision, used)  # open on those tagged so: every statement counts
            if decision in POSSIBLE and not tagged:
                continue  # it is open on any one (an Unknown row may be)
            # the principals a statement of one of its requests on a user or role names in particular
            chosen: set[str] = set()
            for action in actions:
                reach = principal.reach(action)[0]
                key = (principal.arn if principal.personal else reach, action, grants, tagged)
                if key not in named:
                    context, absent = _caller_context(principal) if principal.personal else ({}, frozenset())
                    generic = None if tagged else f"arn:{account.partition}:iam::{account.account_id}:{kind}/{PROBE}"
                    found = could_name(reach, action, every[kind] if grants else strong[kind], context, generic, absent)
                    # a NotResource statement may name anyone: the principals with power are asked
                    named[key] = strong[kind] if found is None else found
                chosen.update(named[key])
            targets = [arn for arn in every[kind] if arn in chosen and arn != principal.arn]
            if any(_rewrites_policy(p) for p in question.probes):
                row = next(filter(None, (
                    _row_through(asker, principal, _rewriting(question, by_arn[arn].own_policies), which, [arn],
                                 "on", powers)
                    for arn in targets if by_arn[arn].own_policies)), None)
            else:
                row = _row_through(asker, principal, question, which, targets, "on", powers)
            if row:
                rows.append(row)
    return rows


def _rewrites_policy(probe) -> bool:
    """Whether the probe writes a new default version of another customer-managed policy of the account."""
    return probe.action.lower() == "iam:createpolicyversion" and "policy" in probe.targets


def _rewriting(question: Question, policies: tuple[str, ...]) -> Question:
    """The question with its new policy version asked on ``policies`` (any one is enough): those of the principal the
    path then acts as, which the new version gives any permission."""
    return replace(question, probes=tuple(
        replace(p, targets=policies) if _rewrites_policy(p) else p for p in question.probes))


def pass_admin_rows(answers: PrincipalAnswers, principal_answers: list[tuple]) -> list[tuple]:
    """Escalation paths through ``iam:PassRole`` that a principal takes only by passing a particular loaded role
    with administrator power or an open escalation path of its own: its PassRole statements name that role (not
    every role), every other request of the path is allowed, and the role's trust admits the service the path
    passes it to; for a path through an instance profile, a role one of the account's loaded profiles holds
    (``through_loaded_profiles``), even when the path is open on any role. One row per principal and path, its
    ``detail`` the role passed; other paths already open on any role have their row in ``PrincipalAnswers``."""
    asker, questions = answers.asker, answers.questions
    account = asker.account
    powerful = _powerful_roles(account, principal_answers)
    paths = [q for q in questions if q.id.startswith("escalation:") and any(_passes_role(p) for p in q.probes)]
    if not powerful or not paths:
        return []
    passable = _PassableRoles(asker, powerful)
    powers = _all_power_answers(principal_answers)
    rows = []
    for principal in account.principals:
        if principal.service_linked or not asker.may_allow(principal, "iam:PassRole"):
            continue
        allowed = asker.allowed_actions(principal, answers.probe_actions)
        for question in paths:
            profiled = through_loaded_profiles(question, account)
            if not question.actions <= allowed or (
                    not profiled and asker.question(principal, question, allowed)[0] in POSSIBLE):
                continue  # a request of it that nothing allows, or it is open on any one (an Unknown row may be)
            asked = _with_service_role(asker, principal, question)
            if not _possible(asker, principal, [p for p in asked.probes if not _passes_role(p)]):
                continue  # the path's other requests are refused whichever role is passed
            roles = passable.roles(principal, tuple(p for p in asked.probes if _passes_role(p)))
            if profiled:
                roles = (arn for arn in roles if arn in account.profiled_roles)
            row = _row_through(asker, principal, asked, _passes_role, roles, "passing", powers)
            if row:
                rows.append(row)
    return rows


def _with_service_role(asker: Asker, principal: Principal, question: Question) -> Question:
    """The question with each ``service_role`` request asked on a role the principal may pass to that service: the
    probe ARN when it may pass any role to it, else the first loaded role (not itself) whose trust admits the service
    and that its PassRole statements let it pass; unchanged when there is none (the request is then refused)."""
    probes = list(question.probes)
    for i, probe in enumerate(probes):
        if not _passes_service_role(probe) or _possible(asker, principal, [probe]):
            continue
        service = dict(probe.context).get(PASSED_TO_SERVICE)
        account = asker.account
        for role_arn in asker.roles_named(principal.reach("iam:PassRole")[0]):
            if role_arn == principal.arn:
                continue
            ask = replace(probe, targets=(role_arn,))
            if _service_may_assume(account.role(role_arn), service) and _possible(asker, principal, [ask]):
                probes[i] = ask
                break
    return question if tuple(probes) == question.probes else replace(question, probes=tuple(probes))


def chain_answer(row: tuple) -> bool:
    """Whether a principal's ``iam_principal_access`` row is one the role chains read (``assume_admin_rows``): an
    administrator answer, or an escalation path that is open."""
    return row[5] in ADMIN_QUESTIONS or (row[5].startswith("escalation:") and row[7] in POSSIBLE)


def assume_admin_rows(asker: Asker, principal_answers: list[tuple]) -> list[tuple]:
    """Roles with administrator power (``full_admin`` or ``iam_admin``) that each principal without that power
    may assume, directly or through a chain of at most ``MAX_CHAIN`` roles: the identity side and the role's trust
    policy must both allow ``sts:AssumeRole``. Then, as ``assume_escalating_role``, roles without that power but
    with an open escalation path that the principals reaching no administrator role may assume so (whoever
    assumes such a role can take its path)."""
    admins, escalating = _powers(principal_answers)
    rows = _assume_rows(asker, _own_power(_power_answers(principal_answers, admins, True)), admins, *ASSUME_ADMIN)
    done = admins | {row[1] for row in rows}
    rows += _assume_rows(
        asker, _own_power(_power_answers(principal_answers, escalating, False)), done, "assume_escalating_role",
        "assume a role with a privilege-escalation path",
    )
    return rows + _unknown_assume_rows(asker, principal_answers, admins, done | {row[1] for row in rows})


def _unknown_assume_rows(
    asker: Asker, principal_answers: list[tuple], admins: set[str], excluded: set[str]
) -> list[tuple]:
    """``assume_admin_role`` rows with decision ``Unknown`` for the principals (not ``excluded``) that may assume,
    directly, a role whose administrator power is known but whose trust policy is not loaded or not readable (its
    own policies allowing ``sts:AssumeRole`` on the role, or the trust's text naming it or everyone and nothing of its
    own denying it: no identity policy, boundary or SCP Deny), or a role whose
    trust admits it but whose administrator answer is ``Unknown``: whether they reach administrator power depends
    on a document that is not known, so the controls skip them rather than pass them."""
    account = asker.account
    unknown_power: dict[str, str] = {}
    for row in principal_answers:
        if row[5] in ADMIN_QUESTIONS and row[7] == "Unknown" and row[1] not in admins and account.role(row[1]):
            unknown_power.setdefault(row[1], row[10] or "a document that is not loaded")
    unreadable = [arn for arn in sorted(admins) if (role := account.role(arn)) is not None
                  and (role.trust is None or role.trust.policy is None)]
    if not unknown_power and not unreadable:
        return []
    found: dict[str, tuple[str, str]] = {}  # principal -> (the role, the document its answer depends on)
    eligible = [p for p in account.principals
                if p.arn not in excluded and p.arn not in admins and not p.service_linked]
    account_names = {account.account_id, f"arn:{account.partition}:iam::{account.account_id}:root"}
    for arn in unreadable:
        role = account.role(arn)
        named, anyone = _trusted_names(role.trust.document if role.trust else None, account)
        missing = role.trust.missing_label if role.trust else f"the trust policy of role {role.name} (not loaded)"
        for principal in eligible:
            if principal.arn in found or principal.arn == arn:
                continue
            # a trust naming it (or everyone) may admit it without its own Allow, never past its own Deny
            if ((anyone or principal.arn in named) and asker.request(
                principal, "sts:AssumeRole", arn, resource_policy=trust_naming(principal.arn)).decision in SHOWN) or (
                asker.may_allow(principal, "sts:AssumeRole")
                and asker.request(principal, "sts:AssumeRole", arn).decision in SHOWN
            ):
                found[principal.arn] = (arn, missing)
    for arn in sorted(unknown_power):
        role = account.role(arn)
        if role.trust is None or role.trust.policy is None:
            continue
        named, anyone = _trusted_names(role.trust.document, account)
        # whom the trust can admit, as ``_assume_rows`` reads it: those it names, everyone, or (naming the account)
        # those whose own policies allow sts:AssumeRole
        pool = [p for p in eligible if p.arn not in found and p.arn != arn and (
            anyone or p.arn in named or (bool(named & account_names) and asker.may_allow(p, "sts:AssumeRole")))]
        for principal in pool:
            if asker.assume(principal, role).decision in POSSIBLE:
                found[principal.arn] = (arn, f"{unknown_power[arn]} (of role {role.name}, which it may assume)")
    return [_unknown_assume_row(account.account_id, principal, *found[principal.arn])
            for principal in account.principals if principal.arn in found]


def _unknown_assume_row(account_id: str, principal: Principal, role_arn: str, missing: str) -> tuple:
    """The ``assume_admin_role`` row ``Unknown`` of a principal that may reach administrator power through the role
    ``role_arn`` as far as the documents that are known tell, ``missing`` naming the one its answer depends on."""
    return (account_id, principal.arn, principal.kind, principal.name, principal.path, *ASSUME_ADMIN, "Unknown", None,
            None, missing, role_arn, None)


def assumers_across(
    asker: Asker, principals: Iterable[Principal], role: Principal, role_account: str, role_rails: Guardrails | None
) -> Iterator[tuple[Principal, Evaluation]]:
    """The ``principals`` (of the asker's account) that may assume ``role`` of the other loaded account
    ``role_account``, each with the engine's answer (``Asker.assume_across``): across accounts both the principal's own
    policies and the trust must allow, so one whose policies allow no ``sts:AssumeRole`` is not asked."""
    for principal in principals:
        if asker.may_allow(principal, "sts:AssumeRole"):
            result = asker.assume_across(principal, role, role_account, role_rails)
            if result.decision in POSSIBLE:
                yield principal, result


def assume_across_rows(
    asker: Asker, principal_answers: list[tuple], elsewhere: list[tuple[Asker, list[tuple]]]
) -> list[tuple]:
    """``assume_admin_role`` rows of the asker's account's principals that may assume, directly, a role of another
    loaded account with administrator power. ``elsewhere``: the asker of each other account, holding the roles whose
    trust may admit them, with those roles' administrator answers (``PrincipalAnswers`` rows). The engine asks as
    ``who-can`` does (``assumers_across``): the principal's own policies, boundary and SCPs, the role's trust and its
    account's RCPs must all allow. A principal that holds the power, or reaches it in its own account without a
    condition (``principal_answers``), needs no such row; another gets one for the first role it may assume without a
    condition, else the first with conditions (``AllowedIf``, as a chain is). One that may reach the power only as far
    as the known documents tell (an administrator role whose trust is not known and its own policies allowing
    ``sts:AssumeRole`` on it, a role it may assume whose power is ``Unknown``) gets an ``Unknown`` row, unless it has an
    ``assume_admin_role`` row already. A role of an account that is not loaded is not known to be one: no row. A
    principal that may assume, through a chain of at most ``MAX_CHAIN`` roles of its own account, a role with such a
    row gets one too, its detail the whole chain (``_assume_rows``)."""
    account = asker.account
    admins, _ = _powers(principal_answers)
    assuming = {row[1]: row[7] for row in principal_answers if row[5] == ASSUME_ADMIN[0]}
    eligible = [p for p in account.principals
                if p.arn not in admins and assuming.get(p.arn) != "Allowed" and not p.service_linked]
    account_names = {account.account_id, f"arn:{account.partition}:iam::{account.account_id}:root"}
    best: dict[str, tuple[str, list[Evaluation]]] = {}  # principal -> (the role, the answers of both steps)
    unknown: dict[str, tuple[str, str]] = {}  # principal -> (the role, the document its answer depends on)
    for role_asker, power_rows in elsewhere:
        owner = role_asker.account
        if owner.account_id == account.account_id:
            continue
        powers = _power_answers(power_rows, set(owner.roles), True)
        unknown_power = {row[1]: row[10] or "a document that is not loaded" for row in power_rows
                         if row[5] in ADMIN_QUESTIONS and row[7] == "Unknown" and row[1] not in powers}
        for role in owner.roles.values():
            power = powers.get(role.arn)
            if power is None and role.arn not in unknown_power:
                continue
            pool = [p for p in eligible if p.arn not in best or not _unconditional(best[p.arn][1])]
            if role.trust is None or role.trust.policy is None:  # whom it admits is not known
                if power is not None:
                    missing = (role.trust.missing_label if role.trust
                               else f"the trust policy of role {role.name} (not loaded)")
                    for p in pool:
                        if p.arn not in unknown and asker.may_allow(p, "sts:AssumeRole") and asker.request(
                                p, "sts:AssumeRole", role.arn).decision in SHOWN:
                            unknown[p.arn] = (role.arn, missing)
                continue
            named, anyone = _trusted_names(role.trust.document, owner)
            pool = [p for p in pool if anyone or p.arn in named or named & account_names]
            for principal, result in assumers_across(asker, pool, role, owner.account_id, role_asker.rails):
                if power is None:
                    unknown.setdefault(principal.arn, (
                        role.arn, f"{unknown_power[role.arn]} (of role {role.name}, which it may assume)"))
                elif principal.arn not in best or _unconditional([result, power]):
                    best[principal.arn] = (role.arn, [result, power])
    # the principals that reach such a role of this account through a chain of its roles (role chaining: each step
    # is the session's own policies and the next role's trust), the chain ending with the role of the other account
    chained = _assume_rows(
        asker, {arn: ([arn, role_arn], used) for arn, (role_arn, used) in best.items()},
        admins | set(best) | {arn for arn, decision in assuming.items() if decision == "Allowed"}, *ASSUME_ADMIN)
    reached = {row[1] for row in chained}
    rows = []
    for principal in account.principals:
        if principal.arn in best:
            role_arn, used = best[principal.arn]
            decision = "Allowed" if _unconditional(used) else "AllowedIf"
            rows.append(_access_row(account.account_id, principal, *ASSUME_ADMIN, decision, used, role_arn))
        elif principal.arn in unknown and principal.arn not in assuming and principal.arn not in reached:
            rows.append(_unknown_assume_row(account.account_id, principal, *unknown[principal.arn]))
    return rows + chained


def _own_power(answers: dict[str, Evaluation]) -> dict[str, tuple[list[str], list[Evaluation]]]:
    """``_assume_rows``'s ends for principals holding the power themselves: each its own chain and answer."""
    return {arn: ([arn], [answer]) for arn, answer in answers.items()}


def _assume_rows(
    asker: Asker, ends: dict[str, tuple[list[str], list[Evaluation]]], excluded: set[str], question: str, title: str
) -> list[tuple]:
    """The ``question`` rows of the principals not ``excluded`` that may assume a role of ``ends``, directly or
    through a chain of at most ``MAX_CHAIN`` roles (``assume_admin_rows``). ``ends``: principal -> the chain from it
    to the power (itself, or it and the roles of other accounts it may assume) and the answers it holds by (those
    assumptions, the power). A row holds the answers of every step: each ``sts:AssumeRole`` of the chain and those
    of its end, so it is ``AllowedIf`` when one of them is, with all their deny conditions."""
    account = asker.account
    powerful = {arn for arn in ends if account.role(arn) is not None}
    if not powerful:
        return []
    # role -> chain from it to the power; sorted, so that the role a principal is shown to reach does not
    # depend on the order of a set (which changes with the interpreter's string hashing)
    targets = {arn: list(ends[arn][0]) for arn in sorted(powerful)}
    # role -> the answers that the power reached from it holds by: the later assumptions of its chain, the power
    steps = {arn: list(ends[arn][1]) for arn in targets}
    trusts = {
        arn: _trusted_names(role.trust.document, account)
        for arn, role in account.roles.items()
        if role.trust is not None and role.trust.policy is not None
    }
    named_anywhere = set().union(*(named for named, _ in trusts.values())) if trusts else set()
    account_names = {account.account_id, f"arn:{account.partition}:iam::{account.account_id}:root"}
    anyone_somewhere = any(anyone for _, anyone in trusts.values())
    # who could assume some role at all: named by a trust, or allowed sts:AssumeRole by its own policies;
    # principals that already hold the power need no chain to it
    candidates = [
        p
        for p in account.principals
        if p.arn not in ends
        and p.arn not in excluded
        and not p.service_linked
        and (anyone_somewhere or p.arn in named_anywhere or asker.may_allow(p, "sts:AssumeRole"))
    ]
    by_candidate = {p.arn: p for p in candidates}
    assumers = [p for p in candidates if asker.may_allow(p, "sts:AssumeRole")]
    reached: dict[str, tuple[list[str], list[Evaluation]]] = {}
    # the principals reached without a condition: one reached only under conditions may still reach the power
    # without any through another role, and that answer is the one that holds
    settled: set[str] = set()
    # the candidates and assumers not settled yet, in their order, as of a number of settled principals: the
    # pools of trusts that admit everyone or the account, which would otherwise be walked whole for each role
    waiting = {"candidates": (0, candidates), "assumers": (0, assumers)}

    def unsettled(name: str) -> list[Principal]:
        count, people = waiting[name]
        if count != len(settled):
            people = [p for p in people if p.arn not in settled]
            waiting[name] = (len(settled), people)
        return people

    frontier = dict(targets)
    for _ in range(MAX_CHAIN):
        found: dict[str, list[str]] = {}
        for role_arn, chain in frontier.items():
            if role_arn not in trusts:
                continue
            role = account.role(role_arn)
            named, anyone = trusts[role_arn]
            # whom the trust can admit: the principals it names, and when it names the account, the principals
            # whose own policies allow sts:AssumeRole
            if anyone:  # everyone: within the account the trust alone may admit them
                pool = unsettled("candidates")
            else:
                pool = [by_candidate[arn] for arn in sorted(named) if arn in by_candidate]
                if named & account_names:
                    pool += unsettled("assumers")
            later_unconditional = _unconditional(steps[role_arn])
            for principal in pool:
                if principal.arn == role_arn or principal.arn in settled:
                    continue
                if principal.arn in reached and not later_unconditional:
                    continue  # reached under conditions already, and this way has conditions too
                result = asker.assume(principal, role)
                if result.decision in POSSIBLE:
                    used = [result, *steps[role_arn]]
                    upgrade = principal.arn in reached
                    if upgrade and not _unconditional(used):
                        continue
                    reached[principal.arn] = (chain, used)
                    if _unconditional(used):
                        settled.add(principal.arn)
                    if principal.kind == "role" and (principal.arn not in targets or upgrade):
                        found[principal.arn] = [principal.arn, *chain]
                        # its statements are not those of a principal that reaches it through this step
                        step = Evaluation(result.decision, conditions=result.conditions,
                                          deny_conditions=result.deny_conditions)
                        steps[principal.arn] = [step, *steps[role_arn]]
        targets.update(found)
        frontier = found
        if not frontier:
            break
    rows = []
    by_arn = {p.arn: p for p in account.principals}
    for arn, (chain, used) in sorted(reached.items()):
        decision = "Allowed" if _unconditional(used) else "AllowedIf"
        rows.append(_access_row(account.account_id, by_arn[arn], question, title, decision, used, " -> ".join(chain)))
    return rows


def _unconditional(steps: list[Evaluation]) -> bool:
    """Whether every step of a chain (its assumptions and the power at its end) is allowed without a condition."""
    return all(step.decision == "Allowed" for step in steps)


def policy_subjects(account: AccountModel) -> list[tuple[str, str, list[AttachedPolicy]]]:
    """What ``iam_policy_access`` asks about, as (resource, policy kind, policies): each managed policy, each
    principal's inline policies together and each Identity Center permission set's inline policy. Listed without
    parsing a document: one the engine cannot read is asked as unknown (``subject_rows``)."""
    subjects: list[tuple[str, str, list[AttachedPolicy]]] = []
    for policy in account.managed.values():
        if policy.attached.content is not None:
            kind = "aws_managed" if policy.aws_managed else "customer_managed"
            subjects.append((policy.arn, kind, [policy.attached]))
    owners = [(p.arn, [a for a in p.identity if a.group is None]) for p in account.principals]
    for owner, policies in owners + list(account.groups.values()):
        inline = [a for a in policies if a.inline and a.content is not None]
        if inline:
            subjects.append((owner, "inline", inline))
    subjects += [(arn, "permission_set_inline", [policy]) for arn, policy in account.permission_sets.items()]
    return subjects


def subject_rows(
    asker: Asker, subject: tuple[str, str, list[AttachedPolicy]], questions: tuple[Question, ...]
) -> list[tuple]:
    """The ``iam_policy_access`` rows of one subject of ``policy_subjects``, asked on their own. A document the
    engine cannot read is asked as unknown, like one not loaded: the answer is ``Unknown`` unless the readable
    documents already allow, never a denial it might not hold."""
    resource, kind, policies = subject
    return [
        (asker.account.account_id, resource, kind, question.id, decision, conditions, keys)
        for question, decision, conditions, keys in policy_answers(asker, policies, questions)
    ]


@collector_paused()
def policy_rows(account: AccountModel, questions: tuple[Question, ...]) -> list[tuple]:
    """Each managed policy, each principal's inline policies together and each Identity Center permission set's
    inline policy, asked on their own."""
    asker = Asker(account)
    return [row for subject in policy_subjects(account) for row in subject_rows(asker, subject, questions)]


def policy_answers(
    asker: Asker, policies: list[AttachedPolicy], questions: tuple[Question, ...], workloads: Workloads | None = None
) -> list[tuple[Question, str, str | None, str | None]]:
    """Each question asked of the policies on their own, held by a stand-in user of the asker's account: the
    question, the decision, the residual conditions (JSON text) and their condition keys. With ``workloads``, a path
    through an existing resource is judged on the account's loaded resources, as ``workload_rows`` judges a
    principal's (``workload_answer``): open only on one whose role has power, closed when the table is loaded and holds
    none, ``Unknown`` on a resource the policies name whose table is not loaded."""
    account = asker.account
    holder = f"arn:{account.partition}:iam::{account.account_id}:user/iamsql-holder"
    stand_in = Principal(holder, "user", "iamsql-holder", "/", account.account_id, account.partition, identity=policies)
    stand_in.reach_all(frozenset(action for question in questions for action in question.probe_actions))
    targets = {question.id: target for question, target in workload_paths(questions)} if workloads else {}
    answers = []
    for question in questions:
        target = targets.get(question.id)
        found = target and workload_answer(asker, stand_in, question, target, workloads)
        if found:
            decision, used = found[0], found[1]
        elif target and target not in account.unloaded:
            decision, used = "ImplicitlyDenied", []  # the loaded resources are all there is to act on
        else:
            decision, used = asker.question(stand_in, question)
        _, conditions, _, _ = _labels(stand_in, used) if decision == "AllowedIf" else (None, [], None, [])
        keys = sorted(
            {k.lower() for block in conditions for keyed in block.values() if isinstance(keyed, dict) for k in keyed}
        )
        answers.append((question, decision, json_text(conditions), ", ".join(keys) or None))
    return answers


def trusting_roles(account: AccountModel) -> list[Principal]:
    """The roles ``iam_role_trust_access`` may have rows for: those whose trust policy is loaded (listed without
    parsing it; one the engine cannot read has ``Unknown`` rows, ``role_trust_rows``)."""
    return [
        role
        for role in account.principals
        if role.kind == "role"
        and role.trust is not None
        and role.trust.content is not None
        and role.trust.document is not None
    ]


def role_trust_rows(account: AccountModel, role: Principal, rails: Guardrails | None = None) -> list[tuple]:
    """The ``iam_role_trust_access`` rows of one role of ``trusting_roles``. A trust policy the engine cannot read
    still names its principals: each gets a row with decision ``Unknown``, so the trust controls skip the role
    instead of passing it as trusting nobody."""
    rows = []
    for answer in trust_answers(role.arn, account, role.trust.policy, role.trust.document, rails):
        entry = answer.entry
        rows.append(
            (
                account.account_id,
                role.arn,
                role.name,
                role.path,
                entry.trusted,
                entry.kind,
                entry.account,
                entry.external(account.account_id),
                entry.action,
                answer.decision,
                json_text(answer.conditions),
                ", ".join(answer.condition_keys) or None,
                answer.names_caller,
                answer.external_id,
                trust_analysis.roles_only(role.arn, account.account_id, role.trust.policy, answer, rails),
                json_text(answer.deny_conditions),
            )
        )
    return rows


@collector_paused()
def trust_rows(account: AccountModel, rails: Guardrails | None = None) -> list[tuple]:
    return [row for role in trusting_roles(account) for row in role_trust_rows(account, role, rails)]


def trust_answers(
    role_arn: str, account: AccountModel, policy, document: dict, rails: Guardrails | None = None
) -> list[trust_analysis.TrustAnswer]:
    """The engine's answer for each principal a role's trust policy names; ``Unknown`` for each when the engine
    cannot read the policy (``policy`` None). ``"*"`` names a caller of every kind: a service, SAML or OIDC caller
    its conditions refuse is left out, as AWS principals are by ``whole_accounts``."""
    if policy is None:
        return [
            trust_analysis.TrustAnswer(entry, "Unknown", [], [], False, False)
            for entry in trust_analysis.entries(document, account.partition, account.account_id)
        ]
    answers = []
    for entry in trust_analysis.entries(document, account.partition, account.account_id):
        answer = trust_analysis.ask(role_arn, account.account_id, policy, entry, rails)
        if entry.trusted != "*" or entry.kind == "anyone" or answer.decision not in trust_analysis.REFUSED:
            answers.append(answer)
        answers += trust_analysis.whole_accounts(role_arn, account.account_id, policy, entry, rails)
    return answers

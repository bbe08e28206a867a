"""Who may assume each role: every principal a trust policy names, asked of the engine with a representative
caller of that kind, and whether what it then depends on names the caller.

A trust statement is read for its principals only to pick callers to ask about; the answer is always the
engine's evaluation of the whole trust policy (every statement, Deny included) for that caller."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace

from iamsql.common.arns import arn_partition
from iamsql.policy import Policy, Request, parse_policy
from iamsql.policy.access.organization import ORGANIZATION_KEYS, OUTSIDE_ORG, evaluate_caller

# the accounts that may stand for "another account": the first that is neither the role's nor in its trust policy
OUTSIDE_ACCOUNTS = tuple(digit * 12 for digit in "987654321")
# the service principal that stands for "any AWS service" when a trust names all principals
SERVICE_CALLER = "iamsql-caller.amazonaws.com"
# The caller's own account is assumed to let it call sts:AssumeRole: the question is what the trust admits.
ALLOW_ALL_POLICY = parse_policy({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})

# Condition keys that identify who the caller is. A statement that depends on one of them, with a positive
# operator and specific values, admits only the callers it names; anything else (aws:SecureTransport,
# aws:SourceIp, aws:UserAgent, tags the caller sets) restricts how, not who.
IDENTITY_KEYS = frozenset(k.lower() for k in (
    "aws:PrincipalOrgID", "aws:PrincipalOrgPaths", "aws:PrincipalAccount", "aws:PrincipalArn", "aws:userid",
    "aws:SourceAccount", "aws:SourceArn", "aws:SourceOrgID", "aws:SourceOrgPaths", "aws:SourceOwner",
    "kms:CallerAccount",  # the caller's account, in every KMS request (a key policy's, asked by resource policy events)
))
# Of those, the keys a caller may lack: a principal of an account outside any organization has no aws:PrincipalOrg*
# keys, and a caller that is not a service acting for a resource no aws:Source* ones. ForAllValues is true when the
# key is absent (IAM User Guide, "Multivalued context keys"), so with one of these it names no one.
MAYBE_ABSENT_KEYS = IDENTITY_KEYS - {"aws:principalaccount", "aws:principalarn", "aws:userid", "kms:calleraccount"}
EXTERNAL_ID = "sts:externalid"
# The fixed words an OIDC subject starts with before the part that names its owner: GitHub Actions
# (repo:<owner>/<repository>:...), GitLab (project_path:<group>/<project>:...), HCP Terraform
# (organization:<organization>:project:...) and EKS service accounts (system:serviceaccount:<namespace>:<name>).
SUBJECT_PREFIXES = ("repo:", "project_path:", "organization:", "system:serviceaccount:")
REFUSED = ("ImplicitlyDenied", "ExplicitlyDenied")
ADMITTED = ("Allowed", "AllowedIf", "Unknown")
NEGATIVE = re.compile(r"not|ifexists$|^null$", re.IGNORECASE)
# A Deny's negated operator refuses every caller but those whose value it lists (absent included): what it leaves
# admitted is the positive operator, without IfExists.
ADMITTED_BY_DENY = {"stringnotequals": "StringEquals", "stringnotequalsignorecase": "StringEqualsIgnoreCase",
                    "stringnotlike": "StringLike", "arnnotequals": "ArnEquals", "arnnotlike": "ArnLike"}


@dataclass
class TrustedEntry:
    """One principal a trust names, as written, with its kind and the caller that stands for it."""

    trusted: str
    kind: str  # 'anyone' | 'account' | 'principal' | 'service' | 'oidc' | 'saml'
    account: str | None
    caller: str | None
    action: str

    def external(self, account_id: str) -> bool:
        """Whether it admits someone outside ``account_id``: anyone, or a principal of another account."""
        return self.kind == "anyone" or (self.account is not None and self.account != account_id)


@dataclass
class TrustAnswer:
    entry: TrustedEntry
    decision: str
    conditions: list[dict]
    condition_keys: list[str]
    names_caller: bool
    external_id: bool
    deny_conditions: list[dict] = field(default_factory=list)  # of Deny statements: each must NOT hold


def _values(value) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else [v for v in value if isinstance(v, str)]


def entries(document: dict, partition: str, account_id: str) -> list[TrustedEntry]:
    """The distinct principals the Allow statements of a trust policy name. An Allow with ``NotPrincipal`` (which IAM
    refuses in a trust policy, so only in one the engine cannot read) stands for every caller but those listed, and
    ``"*"`` (or ``{"AWS": "*"}``, its equivalent) for every caller: each gives an entry of every kind
    (``_every_kind``)."""
    found: dict[tuple[str, str], TrustedEntry] = {}
    statements = document.get("Statement") if isinstance(document, dict) else None
    if isinstance(statements, dict):
        statements = [statements]
    for statement in statements or []:
        if not isinstance(statement, dict) or str(statement.get("Effect")) != "Allow":
            continue
        principal = {"AWS": "*"} if "NotPrincipal" in statement else statement.get("Principal")
        if principal == "*":
            principal = {"AWS": "*"}
        if not isinstance(principal, dict):
            continue
        for key, raw in principal.items():
            for value in _values(raw):
                every = key.lower() == "aws" and value == "*"
                for entry in _every_kind(partition, account_id) if every else [_entry(key.lower(), value, partition,
                                                                                     account_id)]:
                    if entry:
                        found.setdefault((entry.kind, entry.trusted), entry)
    return list(found.values())


def _every_kind(partition: str, account_id: str) -> list[TrustedEntry]:
    """The callers ``"*"`` stands for, one of each kind. ``"*"`` and ``{"AWS": "*"}`` are equivalent and name all
    principals, anonymous ones included (IAM User Guide, "AWS JSON policy elements: Principal", "All principals"): AWS
    principals of any account, AWS services and SAML and OIDC identities alike; an Allow with ``NotPrincipal`` stands
    for every principal but those it lists ("AWS JSON policy elements: NotPrincipal"). The service caller stands for
    any service principal, a SAML provider of the role's account for any SAML provider (STS takes
    sts:AssumeRoleWithSAML from SAML providers only)."""
    return [_entry("aws", "*", partition, account_id),
            TrustedEntry("*", "service", None, SERVICE_CALLER, "sts:AssumeRole"),
            TrustedEntry("*", "saml", None, f"arn:{partition}:iam::{account_id}:saml-provider/iamsql-caller",
                         "sts:AssumeRoleWithSAML"),
            TrustedEntry("*", "oidc", None, "*", "sts:AssumeRoleWithWebIdentity")]


def _entry(key: str, value: str, partition: str, account_id: str) -> TrustedEntry | None:
    if key == "aws":
        if value == "*":
            outside = OUTSIDE_ACCOUNTS[1] if account_id == OUTSIDE_ACCOUNTS[0] else OUTSIDE_ACCOUNTS[0]
            return TrustedEntry(value, "anyone", outside, f"arn:{partition}:iam::{outside}:role/iamsql-caller",
                                "sts:AssumeRole")
        if value.startswith("arn:") and arn_partition(value) != partition:
            # an ARN of another partition names a principal there, which no caller of the role's partition is
            # (engine: "Principal" matches the partition; credentials never cross partitions): of no account here
            return TrustedEntry(value, "principal", None, value, "sts:AssumeRole")
        match = re.fullmatch(r"(\d{12})|arn:[^:]+:iam::(\d{12}):root", value)
        if match:
            account = match[1] or match[2]
            return TrustedEntry(value, "account", account, f"arn:{partition}:iam::{account}:role/iamsql-caller",
                                "sts:AssumeRole")
        parts = value.split(":")
        account = parts[4] if len(parts) > 5 else None
        return TrustedEntry(value, "principal", account, value, "sts:AssumeRole")
    if key == "service":
        return TrustedEntry(value, "service", None, value, "sts:AssumeRole")
    if key == "federated":
        # An IAM identity provider belongs to the account its ARN names, which may not be the role's: AWS does not
        # document such a trust, so it is read as written and reported as trusting that other account (external).
        # A provider named by its host (cognito-identity.amazonaws.com, accounts.google.com) keeps the role's.
        provider = re.fullmatch(r"arn:[^:]+:iam::(\d{12}):(?:saml|oidc)-provider/.+", value)
        account = provider[1] if provider else account_id
        if ":saml-provider/" in value:
            return TrustedEntry(value, "saml", account, value, "sts:AssumeRoleWithSAML")
        return TrustedEntry(value, "oidc", account, value, "sts:AssumeRoleWithWebIdentity")
    return None


def _specific(key: str, value: str) -> bool:
    """A condition value that picks out particular callers: not a bare wildcard; for an OIDC subject, the
    owner (GitHub organization, GitLab group, HCP Terraform organization, Kubernetes namespace) is spelled out."""
    if value.strip("*?") == "":
        return False
    if key.endswith(":sub"):
        literal = re.split(r"[*?]", value, maxsplit=1)[0]
        if literal != value and any(prefix.startswith(literal) for prefix in SUBJECT_PREFIXES):
            return False  # the wildcard is inside the fixed words (system:*), so it covers every owner
        body = next((value.removeprefix(prefix) for prefix in SUBJECT_PREFIXES if value.startswith(prefix)), value)
        owner = re.split(r"[/:]", body, maxsplit=1)[0]
        return bool(owner) and "*" not in owner and "?" not in owner
    return True


def _names_caller(block: dict, kind: str, trusted: str) -> tuple[bool, bool]:
    """Whether one residual condition block names the caller, and whether it requires an ExternalId."""
    names, external = False, False
    provider = trusted.split(":oidc-provider/", 1)[-1].lower() if kind == "oidc" else ""
    for operator, keys in block.items():
        if not isinstance(keys, dict) or NEGATIVE.search(operator.split(":")[-1]):
            continue
        for key, raw in keys.items():
            key = key.lower()
            values = _values(raw)
            if not values or not all(_specific(key, v) for v in values):
                continue
            if key in MAYBE_ABSENT_KEYS and operator.lower().startswith("forallvalues:"):
                continue  # true for a caller without the key
            if key in IDENTITY_KEYS:
                names = True
            elif key == EXTERNAL_ID:
                external = True
            # Cognito's amr (authenticated, unauthenticated, a login provider) is a kind of identity, never one
            elif kind == "oidc" and key.startswith(provider + ":") and key.rsplit(":", 1)[-1] == "sub":
                names = True
            elif kind == "oidc" and key == "cognito-identity.amazonaws.com:aud":
                names = True
            elif kind == "saml" and key.startswith("saml:") and key != "saml:aud":
                names = True
    return names, external


def _denied_unless(block: dict, kind: str, trusted: str) -> tuple[bool, bool]:
    """Whether a Deny's residual block, which must NOT hold, names the caller and requires an ExternalId: the caller is
    admitted only when one of its conditions fails, so each failing one must name the caller (``_names_caller`` of
    its positive form, ``ADMITTED_BY_DENY``). ``StringNotEquals sts:ExternalId`` in a Deny requires the id as
    ``StringEquals`` in an Allow does; a positive operator in a Deny names no one."""
    judged = []
    for operator, keys in block.items():
        admitted = ADMITTED_BY_DENY.get(operator.lower().removesuffix("ifexists"))
        if admitted is None or not isinstance(keys, dict):
            return False, False
        judged += [_names_caller({admitted: {key: raw}}, kind, trusted) for key, raw in keys.items()]
    return bool(judged) and all(n for n, _ in judged), bool(judged) and all(e for _, e in judged)


def ask(role_arn: str, role_account: str, trust: Policy, entry: TrustedEntry, rails=None) -> TrustAnswer:
    """Evaluate the trust for the entry's caller, context unknown except what the caller's identity fixes.

    ``rails`` (``organization.Guardrails`` of the role's account): the organization's RCPs also decide, for AWS
    principals whose organization is then known (a member account's is the organization, any other account's
    is not), and for SAML, OIDC and service callers (which have no organization keys).

    ``"*"`` is first asked for a caller in another account and another organization. When the trust refuses it,
    other callers outside the role's account may still be admitted: one in another account of the role's
    organization (when the organization is loaded; when it is not, a caller whose organization is unknown, so a
    condition on ``aws:PrincipalOrgID`` is what the answer depends on), each principal ARN and each other account
    the trust's conditions name (``_other_callers``). The first of them admitted gives the answer, its account the
    entry's (the caller asked, not the stand-in refused), with ``names_caller`` true (``"*"`` admits only callers
    its conditions name: accounts, organizations, principal ARNs) unless it stands for a principal ARN whose account
    is a wildcard and nothing else the answer depends on names the caller. An account whose role the trust refuses
    is asked for the principal ARNs of it the conditions name (``_named_in_account``). When every role asked is refused, ``"*"`` and an account are asked with IAM users
    (``_user_admitted``): a trust admitting only users (``aws:username``, present only for IAM users, or
    ``aws:PrincipalType`` ``User``) still lets them in. Whether such a trust admits every principal of a named
    account is ``whole_accounts``."""
    entry = _standing_in(role_arn, role_account, trust, entry)
    answer = _ask(role_arn, role_account, trust, entry, rails)
    if entry.kind == "account" and answer.decision in REFUSED:
        return (_named_in_account(role_arn, role_account, trust, entry, rails)
                or _user_admitted(role_arn, role_account, trust, entry, rails) or answer)
    if entry.kind != "anyone" or answer.decision not in REFUSED:
        return answer
    for account, organization, caller_arn, named in _other_callers(role_arn, role_account, trust, rails):
        caller = TrustedEntry(entry.trusted, entry.kind, account, caller_arn, entry.action)
        found = _ask(role_arn, role_account, trust, caller, rails, organization)
        if found.decision in ADMITTED:  # what it still depends on may name the caller (aws:PrincipalOrgID)
            return replace(found, entry=caller, names_caller=named or (found.decision == "AllowedIf" and found.names_caller))
    return _user_admitted(role_arn, role_account, trust, entry, rails) or answer


def whole_accounts(role_arn: str, role_account: str, trust: Policy, entry: TrustedEntry, rails=None) -> list[TrustAnswer]:
    """For ``"*"`` that refuses a caller of another account and organization: the accounts whose every principal it
    still admits, each answered as though the trust named the account (``arn:<partition>:iam::<account>:root``).

    ``"*"`` with ``aws:PrincipalAccount`` (or ``aws:PrincipalArn`` ``arn:aws:iam::<account>:*``) lets any principal
    of that account in, as naming the account does: IAM evaluates the same request either way. Each account in the
    value of a condition key that identifies the caller (``IDENTITY_KEYS``), the role's own included, is asked with
    a role of that account as the caller, exactly as an ``account`` entry is (then, when refused, with its IAM users:
    ``_user_admitted``); one admitted (or ``Unknown``) gives an ``account`` answer, whose ``names_caller`` and ``external_id`` then come from what else the trust depends on
    (a specific ``aws:PrincipalArn`` refuses the role standing for the account, so it gives none)."""
    if entry.kind != "anyone":
        return []
    entry = _standing_in(role_arn, role_account, trust, entry)
    if _ask(role_arn, role_account, trust, entry, rails).decision not in REFUSED:
        return []
    partition = arn_partition(role_arn)
    accounts: dict[str, None] = {}
    for statement in trust.statements:
        conditions = statement.source.get("Condition") if isinstance(statement.source, dict) else None
        for keys in (conditions or {}).values() if isinstance(conditions, dict) else ():
            for key, raw in keys.items() if isinstance(keys, dict) else ():
                if key.lower() in IDENTITY_KEYS:
                    accounts.update(dict.fromkeys(a for v in _values(raw) for a in ACCOUNT_IN_VALUE.findall(v)))
    answers = []
    for account in accounts:
        named = TrustedEntry(f"arn:{partition}:iam::{account}:root", "account", account,
                             f"arn:{partition}:iam::{account}:role/iamsql-caller", entry.action)
        answer = _ask(role_arn, role_account, trust, named, rails)
        if answer.decision in REFUSED:  # a trust admitting users only (aws:username, aws:PrincipalType User)
            answer = _user_admitted(role_arn, role_account, trust, named, rails) or answer
        if answer.decision in ADMITTED:
            answers.append(answer)
    return answers


def _stand_in(role_account: str, trust: Policy) -> str:
    """The account a caller of "another account" is asked from: one the trust policy does not mention (a trust
    refusing that very account, ``StringNotEquals aws:PrincipalAccount``, or naming it in another statement, would
    otherwise answer for everyone else) and not the role's."""
    mentioned = set(ACCOUNT_IN_VALUE.findall(json.dumps(trust.source))) if trust.source else set()
    return next((a for a in OUTSIDE_ACCOUNTS if a != role_account and a not in mentioned), OUTSIDE_ACCOUNTS[0])


def _standing_in(role_arn: str, role_account: str, trust: Policy, entry: TrustedEntry) -> TrustedEntry:
    """``entry`` for ``"*"`` asked from the account ``_stand_in`` gives; any other entry as it is."""
    if entry.kind != "anyone":
        return entry
    outside = _stand_in(role_account, trust)
    if entry.account == outside:
        return entry
    return TrustedEntry(entry.trusted, entry.kind, outside,
                        f"arn:{arn_partition(role_arn)}:iam::{outside}:role/iamsql-caller", entry.action)


def _named_in_account(role_arn: str, role_account: str, trust: Policy, entry: TrustedEntry,
                      rails=None) -> TrustAnswer | None:
    """For an account whose role standing for it the trust refuses: the first principal of that account the
    conditions name (``aws:PrincipalArn`` ``arn:aws:iam::<account>:role/deploy``, asked as itself, wildcards filled
    in) that it admits, the answer then naming the caller, as a trust naming that principal would."""
    for statement in trust.statements:
        conditions = statement.source.get("Condition") if isinstance(statement.source, dict) else None
        for value in PRINCIPAL_ARN_IN_VALUE.findall(json.dumps(conditions) if conditions else ""):
            parts = value.split(":", 5)
            if parts[4] != entry.account:
                continue
            caller = f"arn:{arn_partition(role_arn)}:{parts[2]}::{parts[4]}:{_filled(parts[5])}"
            found = _ask(role_arn, role_account, trust,
                         TrustedEntry(entry.trusted, entry.kind, entry.account, caller, entry.action), rails)
            if found.decision in ADMITTED:
                return replace(found, entry=entry, names_caller=True)
    return None


def _filled(resource: str) -> str:
    """The principal part of a condition's ARN pattern with its wildcards filled in, as a caller to ask about; a role
    session's (``assumed-role/<role>*``) given a session name when the pattern leaves it to the wildcard."""
    filled = re.sub(r"[*?]", "x", resource)
    return f"{filled}/x" if filled.startswith("assumed-role/") and filled.count("/") < 2 else filled


ACCOUNT_IN_VALUE = re.compile(r"(?<![0-9])([0-9]{12})(?![0-9])")
ORGANIZATION_IN_VALUE = re.compile(r"(?<![a-z0-9-])(o-[a-z0-9]{10,32})(?![a-z0-9])")
# an IAM or STS principal ARN in a condition value (aws:PrincipalArn, aws:SourceArn ...), wildcards allowed: IAM's
# root, users and roles, STS's role sessions (an `sts` ARN of a role names no principal: no caller is asked as one)
PRINCIPAL_ARN_IN_VALUE = re.compile(
    r'arn:[a-z*?-]*:(?:iam::[0-9*?]+:(?:root|user/|role/)|sts::[0-9*?]+:assumed-role/)[^"]*')


def _other_callers(role_arn: str, role_account: str, trust: Policy, rails) -> list[tuple[str, object, str, bool]]:
    """The callers outside the role's account that a trust refusing one of another organization may still admit,
    in the order to ask them: (account, its organization: an id, None for unknown, ``NO_ORGANIZATION`` for none,
    caller ARN, whether being admitted names the caller). A principal ARN in the conditions is asked as itself (its wildcards filled in); one
    whose account is a wildcard is asked from another account and, when admitted, names no one: anyone may give a
    role of theirs that name."""
    partition = arn_partition(role_arn)
    organization = rails.organization_id if rails is not None and rails.members else None
    outside = _stand_in(role_account, trust)

    def organization_of(account: str) -> str | None:
        return (organization if account in rails.members else OUTSIDE_ORG) if organization else None

    def generic(account: str) -> str:
        return f"arn:{partition}:iam::{account}:role/iamsql-caller"

    # a principal of an account in no organization, whose aws:PrincipalOrg* keys are absent: a trust admitting it
    # admits anyone who opens an account
    callers: list[tuple[str, object, str, bool]] = [(outside, NO_ORGANIZATION, generic(outside), False)]
    if organization:  # a member of each place in the loaded tree (its aws:PrincipalOrgPaths), then one not placed
        places: dict = {}
        for member in sorted(rails.members - {role_account}, key=lambda a: (a not in rails.member_paths, a)):
            places.setdefault(rails.member_paths.get(member), member)
        callers += [(member, organization, generic(member), True) for member in places.values()]
    else:
        callers.append((outside, None, generic(outside), True))
    for statement in trust.statements:
        conditions = statement.source.get("Condition") if isinstance(statement.source, dict) else None
        text = json.dumps(conditions) if conditions else ""
        for value in PRINCIPAL_ARN_IN_VALUE.findall(text):
            parts = value.split(":", 5)
            wild = not re.fullmatch(r"[0-9]{12}", parts[4])
            account = outside if wild else parts[4]
            if account != role_account:
                resource = _filled(parts[5])
                callers.append((account, organization_of(account),
                                f"arn:{partition}:{parts[2]}::{account}:{resource}", not wild))
        callers += [(account, organization_of(account), generic(account), True)
                    for account in ACCOUNT_IN_VALUE.findall(text) if account != role_account]
        if organization:  # another organization the conditions name: a caller of it, from outside the organization
            callers += [(outside, named, generic(outside), True)
                        for named in ORGANIZATION_IN_VALUE.findall(text) if named != organization]
    return list(dict.fromkeys(callers))


_UNSET = object()
NO_ORGANIZATION = object()  # a caller's organization keys: absent


def _ask(role_arn: str, role_account: str, trust: Policy, entry: TrustedEntry, rails=None,
         organization=_UNSET, known: dict | None = None) -> TrustAnswer:
    """``ask`` for one caller; ``organization``: the caller's aws:PrincipalOrgID (None: unknown) when given, else
    the organization RCPs fix (or, for ``"*"``, another organization); ``known``: context keys the request carries."""
    context: dict = dict(known or {})
    identity: list = []
    rcps: list = []
    absent: tuple[str, ...] = ()
    outside = False  # an account the organization lists not: in another organization or in none
    if entry.kind in ("anyone", "account", "principal") and entry.account:
        context["aws:PrincipalAccount"] = entry.account
        if entry.action.startswith("kms:"):  # KMS gives every request the caller's account (AWS KMS Developer Guide)
            context["kms:CallerAccount"] = entry.account
        identity = [ALLOW_ALL_POLICY]
        if entry.kind == "anyone":
            context["aws:PrincipalOrgID"] = OUTSIDE_ORG
        if rails is not None:  # the loaded member list fixes the caller's organization
            context.update(rails.caller_context(entry.account))
            outside = entry.kind != "anyone" and rails.lists_not(entry.account)  # "*": _other_callers asks both
        if rails is not None and rails.rcps and rails.organization_id and rails.members:
            context.update(rails.resource_context())
            rcps = rails.rcps
        if organization is not _UNSET and context.get("aws:PrincipalOrgID") != organization:
            for key in ORGANIZATION_KEYS:
                context.pop(key, None)
            outside = False
            if organization is NO_ORGANIZATION:
                absent = ORGANIZATION_KEYS
            elif organization is not None:
                context["aws:PrincipalOrgID"] = organization
    elif entry.kind in ("saml", "oidc", "service") and rails is not None and rails.rcps:
        # RCPs apply to whoever calls, federated identities and AWS services too (the engine exempts a service
        # assuming a service-linked role); such a caller has no organization keys (the engine knows them absent)
        context.update(rails.resource_context())
        rcps = rails.rcps
    request = Request(
        action=entry.action, resource=role_arn, principal=entry.caller,
        principal_account=entry.account if entry.kind in ("anyone", "account", "principal") else None,
        resource_account=role_account, context=context, identity_policies=identity, resource_policy=trust,
        rcps=rcps, management_account_id=rails.management_account_id if rails is not None and rcps else None,
        unknown_context=True, absent_keys=absent,
    )
    result = evaluate_caller(request, outside)
    conditions = list(result.conditions or [])
    denies = list(result.deny_conditions or [])
    keys = sorted({k.lower() for block in [*conditions, *denies] for keyed in block.values() if isinstance(keyed, dict)
                   for k in keyed})
    if result.decision == "Allowed":
        names, external = entry.kind == "principal", False
    elif result.decision == "AllowedIf":
        judged = [_names_caller(block, entry.kind, entry.trusted) for block in conditions] or [(False, False)]
        refused = [_denied_unless(block, entry.kind, entry.trusted) for block in denies]
        names = entry.kind == "principal" or all(n for n, _ in judged) or any(n for n, _ in refused)
        external = all(e for _, e in judged) or any(e for _, e in refused)
    else:
        names, external = True, False
    return TrustAnswer(entry, result.decision, conditions, keys, names, external, denies)


COGNITO = "cognito-identity.amazonaws.com"


def pool_guest(role_arn: str, role_account: str, trust: Policy, pool_id: str, rails=None) -> TrustAnswer:
    """Whether an unauthenticated identity of the Cognito identity pool ``pool_id`` may assume the role: the request
    Cognito makes for it, ``sts:AssumeRoleWithWebIdentity`` by ``cognito-identity.amazonaws.com`` with the token's
    ``aud`` the pool's id and its ``amr`` ``unauthenticated`` (IAM User Guide, "Available keys for AWS web identity
    federation"; Amazon Cognito Developer Guide, "Role trust and permissions"), the rest of the context unknown."""
    entry = TrustedEntry(COGNITO, "oidc", role_account, COGNITO, "sts:AssumeRoleWithWebIdentity")
    known = {f"{COGNITO}:aud": pool_id, f"{COGNITO}:amr": ["unauthenticated"]}
    return _ask(role_arn, role_account, trust, entry, rails, known=known)


# a role or role session ARN: the callers of sts:AssumeRole whose sessions role chaining limits to one hour
ROLE_ARN = re.compile(r"arn:[^:]*:(?:iam::[^:]*:role/|sts::[^:]*:assumed-role/)")
USERNAME = "aws:username"


def roles_only(role_arn: str, role_account: str, trust: Policy | None, answer: TrustAnswer, rails=None) -> bool:
    """Whether every caller the answer's row admits is a role session, so role chaining limits the session it gets
    to one hour whatever the role's MaxSessionDuration (IAM User Guide, "Role chaining"). ``sts:AssumeRole`` is
    accepted only from IAM users and role sessions (the root user is refused): a row admits no IAM user when a role
    ARN is the principal named, or, for ``"*"`` and an account, when the trust refuses every IAM user
    ``_user_callers`` gives for it. A user admitted, possibly (``AllowedIf``) or maybe (``Unknown``), makes the row
    not roles only; so do service, SAML and OIDC rows (no role chaining), and a trust the engine cannot read, unless
    it names a role ARN."""
    entry = answer.entry
    if entry.kind == "principal":
        return bool(ROLE_ARN.match(entry.trusted))
    if trust is None or entry.kind not in ("anyone", "account") or answer.decision not in ADMITTED:
        return False
    return _user_admitted(role_arn, role_account, trust, entry, rails) is None


def _user_callers(role_arn: str, role_account: str, trust: Policy, entry: TrustedEntry,
                  rails) -> list[tuple[str, object, str, bool]]:
    """The IAM users to ask a trust about for an ``"*"`` or account entry, in order: (account, its organization as
    ``_ask`` takes it, the part of the user ARN after the account, whether being admitted names the caller).

    For an account, a user of it; for ``"*"``, one of each account its role callers are asked from
    (``_other_callers``, the stand-in first); and each user the conditions name (``aws:PrincipalArn``
    ``arn:aws:iam::<account>:user/alice``, wildcards filled in; ``aws:username`` values, present in the request
    only for IAM users, as users of those accounts). A user the conditions name, admitted from an account the
    trust names or mentions (not the stand-in: anyone may create a user of that name), names the caller."""
    named_users: list[tuple[str | None, str]] = []  # (account, or None for any; the part after the account)
    for statement in trust.statements:
        conditions = statement.source.get("Condition") if isinstance(statement.source, dict) else None
        for value in PRINCIPAL_ARN_IN_VALUE.findall(json.dumps(conditions) if conditions else ""):
            parts = value.split(":", 5)
            if parts[5].startswith("user/"):
                account = parts[4] if re.fullmatch(r"[0-9]{12}", parts[4]) else None
                named_users.append((account, re.sub(r"[*?]", "x", parts[5])))
        for keys in (conditions or {}).values() if isinstance(conditions, dict) else ():
            for key, raw in keys.items() if isinstance(keys, dict) else ():
                if key.lower() == USERNAME:
                    named_users += [(None, "user/" + re.sub(r"[*?]", "x", v)) for v in _values(raw) if v]
    outside = _stand_in(role_account, trust)
    if entry.kind == "account":
        accounts: list[tuple[str, object]] = [(entry.account, _UNSET)]
    else:
        accounts = [(outside, _UNSET)]
        accounts += [(account, organization) for account, organization, *_ in
                     _other_callers(role_arn, role_account, trust, rails)]
    callers: list[tuple[str, object, str, bool]] = []
    for account, organization in dict.fromkeys(accounts):
        fixed = entry.kind == "account" or account != outside
        callers.append((account, organization, "user/iamsql-caller", False))
        callers += [(account, organization, user, fixed) for named, user in named_users if named in (None, account)]
    if entry.kind == "anyone":  # a user of another account the conditions name, from that account
        callers += [(named, _UNSET, user, True) for named, user in named_users if named and named != role_account]
    return list(dict.fromkeys(callers))


def _user_admitted(role_arn: str, role_account: str, trust: Policy, entry: TrustedEntry,
                   rails=None) -> TrustAnswer | None:
    """The answer for the first of ``_user_callers`` the trust admits, or None. For an account, the entry stays
    the account's (its user ``alice`` may assume the role, so the account's callers may); for ``"*"``, the entry is
    the user's account, as for ``_other_callers``. ``names_caller`` is true when the user is one the conditions name
    (``_user_callers``) or what the answer still depends on names the caller."""
    partition = arn_partition(role_arn)
    for account, organization, user, named in _user_callers(role_arn, role_account, trust, entry, rails):
        caller = TrustedEntry(entry.trusted, entry.kind, account, f"arn:{partition}:iam::{account}:{user}",
                              entry.action)
        found = _ask(role_arn, role_account, trust, caller, rails, organization)
        if found.decision in ADMITTED:
            shown = entry if entry.kind == "account" else caller
            names = named or (found.decision == "AllowedIf" and found.names_caller)
            return replace(found, entry=shown, names_caller=names)
    return None

"""The loaded IAM data of each account as the policy engine sees it: principals with every policy that reaches
them, parsed once per distinct document.

A document that is attached but not loaded (a managed policy known only by its ARN, a user listed without its
groups or policies) stays ``None``: the engine then answers ``Unknown`` where it could change the answer."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property

import duckdb

from iamsql.common.collector import collector_paused
from iamsql.errors import PolicyError
from iamsql.policy import Policy, parse_policy
from iamsql.policy.access.questions import EXISTING, WORKLOADS
from iamsql.policy.conditions import REQUEST_TIME_KEYS, KnownPrefix, parse_date, parse_number
from iamsql.policy.document import as_identity_policy, as_resource_policy, as_trust_policy
from iamsql.store.db import ACCOUNT_VIEW


class LoadedDocument:
    """A loaded policy document, parsed when first read: a check whose answers are all kept parses none.
    ``resource``: a role's trust policy, whose statements must name their principals (never with ``NotPrincipal``);
    otherwise an identity-based policy (a boundary, a permission set), which names none."""

    def __init__(self, document: dict, resource: bool = False) -> None:
        self.document = document
        self.resource = resource

    @cached_property
    def policy(self) -> Policy | None:
        """The parsed document; None when the engine cannot read it (as good as unknown)."""
        try:
            policy = parse_policy(self.document)
            return as_trust_policy(policy) if self.resource else as_identity_policy(policy)
        except PolicyError:
            return None


@dataclass(frozen=True)
class AttachedPolicy:
    """One policy that reaches a principal: how a reason names it, its document parsed or to be parsed (None: not
    loaded), the document as loaded, and whether its answers can depend on who holds it (policy variables,
    principal keys)."""

    label: str
    content: Policy | LoadedDocument | None
    document: dict | None = None
    personal: bool = False
    inline: bool = False
    group: str | None = None  # the group it reaches the principal through
    digest: str | None = None  # SHA-256 of the document's canonical JSON (keys sorted), for the answer cache
    arn: str | None = None  # a managed policy's ARN

    @property
    def policy(self) -> Policy | None:
        """The parsed document (None: not loaded, or not readable by the engine)."""
        content = self.content
        return content.policy if isinstance(content, LoadedDocument) else content

    @property
    def missing_label(self) -> str:
        """How an answer that depends on this document, unknown to the engine, names it: whether it was not loaded
        or was loaded but the engine cannot read it (an operator or value IAM does not have)."""
        if isinstance(self.content, LoadedDocument) and self.content.policy is None:
            return f"{self.label} (loaded, but not readable by the policy engine)"
        return self.label if "not loaded" in self.label else f"{self.label} (not loaded)"


@dataclass
class Principal:
    """An IAM user or role with the identity policies, boundary and (roles) trust policy that apply to it."""

    arn: str
    kind: str  # 'user' | 'role'
    name: str
    path: str
    account_id: str
    partition: str
    identity: list[AttachedPolicy] = field(default_factory=list)
    boundary: AttachedPolicy | None = None
    trust: AttachedPolicy | None = None
    tags: dict[str, str] | None = None  # the principal's IAM tags; None: not loaded
    groups: tuple[str, ...] = ()  # a user's groups, by name (those without policies too)
    unique_id: str | None = None  # AIDA... / AROA...; None: not loaded
    reaches: dict[str, tuple[tuple, bool]] = field(default_factory=dict, init=False, repr=False, compare=False)

    def reach(self, action: str) -> tuple[tuple, bool]:
        """What the engine reads of the principal's policies for the action: its kind, whether it is service-linked,
        the identity documents with a statement for the action or not loaded (by position; the others add nothing
        to any answer) and the boundary; and whether its identity side could allow the action at all (an identity
        Allow statement applies to it, or a document is not loaded). Memoized per action."""
        found = self.reaches.get(action)
        if found is None:
            lowered = action.lower()
            read, allows = [], self.unknown_identity
            for position, attached in enumerate(self.identity):
                policy = attached.policy
                statements = policy.statements_for(lowered) if policy is not None else None
                if statements is None or statements:
                    read.append((position, policy))
                    allows = allows or any_allow(statements)  # a document not loaded: already true
            boundary = (self.boundary.policy,) if self.boundary else ()
            found = self.reaches[action] = ((self.kind, self.service_linked, tuple(read), boundary), allows)
        return found

    def reach_all(self, actions: frozenset[str]) -> None:
        """Memoize ``reach`` for every one of ``actions`` at once, from the actions each document has a statement
        for (``Policy.applying``): the documents are matched once per set instead of once per action, and an action
        that no loaded document applies to reads only the documents not loaded and the boundary."""
        if actions <= self.reaches.keys():
            return
        read: dict[str, list] = {}
        allowing: set[str] = set()
        for position, attached in enumerate(self.identity):
            policy = attached.policy
            applying = actions  # a document not loaded is read for every action
            if policy is not None:
                applying, allowed = policy.applying(actions)
                allowing |= allowed
            for action in applying:
                read.setdefault(action, []).append((position, policy))
        boundary = (self.boundary.policy,) if self.boundary else ()
        unread = ((self.kind, self.service_linked, (), boundary), self.unknown_identity)
        for action in actions - self.reaches.keys():
            found = read.get(action)
            self.reaches[action] = (
                unread
                if found is None
                else (
                    (self.kind, self.service_linked, tuple(found), boundary),
                    self.unknown_identity or action in allowing,
                )
            )

    @cached_property
    def personal(self) -> bool:
        """Whether answers may depend on who holds the policies (variables, principal condition keys)."""
        return any(a.personal for a in self.identity) or (self.boundary is not None and self.boundary.personal)

    @cached_property
    def unknown_identity(self) -> bool:
        """Whether an identity policy or the boundary reaches the principal without its document."""
        return any(a.policy is None for a in self.identity) or (
            self.boundary is not None and self.boundary.policy is None
        )

    @cached_property
    def unrestricted_grant(self) -> tuple[int, int, str | None] | None:
        """(policy position, statement index, Sid) of an unconditional Allow of ``*`` on ``*`` when nothing else
        can narrow it: no Deny statement in any identity policy, no boundary, every document loaded. Then IAM
        allows every identity-side request, so the engine need not be asked (SCPs are applied by the caller)."""
        if self.boundary is not None or self.unknown_identity:
            return None
        found = None
        for position, attached in enumerate(self.identity):
            for statement in attached.policy.statements:
                if statement.effect != "Allow":
                    return None
                source = statement.source
                if (
                    found is None
                    and not statement.not_action
                    and not statement.not_resource
                    and not statement.conditions
                    and _only_star(source.get("Action"))
                    and _only_star(source.get("Resource"))
                ):
                    found = (position, statement.index, statement.sid)
        return found

    @cached_property
    def own_policies(self) -> tuple[str, ...]:
        """The ARNs of the customer-managed policies attached to the principal, directly or through its groups:
        whoever may rewrite one of them (a new default version) rewrites its own permissions."""
        marker = f":iam::{self.account_id}:policy/"
        return tuple(dict.fromkeys(a.arn for a in self.identity if a.arn and marker in a.arn))

    @cached_property
    def tag_context(self) -> dict[str, str]:
        """The ``aws:PrincipalTag/<key>`` request context keys the principal's loaded tags set."""
        return {f"aws:PrincipalTag/{key}": str(value) for key, value in (self.tags or {}).items()}

    @cached_property
    def resource_context(self) -> tuple[dict[str, str], tuple[str, ...]]:
        """The request context keys the principal's loaded tags set in an IAM request on it, and the keys known to be
        absent otherwise: ``iam:ResourceTag/<key>`` and ``aws:ResourceTag/<key>`` (both read "the tags attached to the
        IAM user or role": Service Authorization Reference, AWS Identity and Access Management), every other tag key
        absent; nothing when its tags are not loaded."""
        if self.tags is None:
            return {}, ()
        prefixes = ("iam:ResourceTag", "aws:ResourceTag")
        context = {f"{prefix}/{key}": str(value) for key, value in self.tags.items() for prefix in prefixes}
        return context, tuple(f"{prefix}/*" for prefix in prefixes)

    @cached_property
    def session_tags(self) -> bool:
        """Whether a role's sessions may carry session tags, which add to its tags or override them: its trust policy
        allows ``sts:TagSession`` (which passing them needs) or is not known (IAM User Guide, "Pass session tags in
        AWS STS")."""
        if self.kind != "role":
            return False
        trust = self.trust.policy if self.trust is not None else None
        return trust is None or any_allow(trust.statements_for("sts:tagsession"))

    def caller_context(self, static: bool) -> tuple[dict, tuple[str, ...]]:
        """The request context keys the principal's loaded data fixes, and the keys known to be absent otherwise
        (``Request.absent_keys``). ``aws:userid`` is a user's unique id; for a role, its id, ``:`` and the session
        name, known up to the session name. ``aws:PrincipalTag/<key>`` are its tags, every other tag key absent,
        except, in static analysis (``static``), for a role whose sessions may carry session tags: its principal tags
        are then unknown."""
        context: dict = {}
        absent: tuple[str, ...] = ()
        if self.unique_id:
            context["aws:userid"] = self.unique_id if self.kind == "user" else KnownPrefix(f"{self.unique_id}:", named=True)
        if self.tags is not None and not (static and self.session_tags):
            context.update(self.tag_context)
            absent = ("aws:PrincipalTag/*",)
        return context, absent

    @property
    def service_linked(self) -> bool:
        return self.kind == "role" and self.path.startswith("/aws-service-role/")

    @cached_property
    def signature(self) -> tuple:
        """Identity of the policy set: principals with the same signature get the same answers for requests that
        do not name themselves (each distinct document is loaded once and compares by identity, so a document names
        itself without being parsed; holding them keeps them alive). Service-linked roles are apart: SCPs do not
        apply to them."""
        return (
            self.kind,
            self.service_linked,
            tuple(p.content for p in self.identity),
            (self.boundary.content,) if self.boundary else (),
        )


def any_allow(statements) -> bool:
    """Whether any of the statements (a document's that apply to an action: ``Policy.statements_for``) is an
    Allow."""
    for statement in statements:  # a loop, not ``any`` over a generator: called for each policy and action
        if statement.effect == "Allow":
            return True
    return False


def _only_star(value) -> bool:
    values = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return any(v in ("*", "*:*") for v in values)


def _gives_power(policy: Policy) -> bool:
    """Whether a managed policy gives power as AWS's AdministratorAccess (``*``) and IAMFullAccess (``iam:*``) do: an
    Allow of either on ``*`` with no condition, and no Deny that could take part of it away."""
    found = False
    for statement in policy.statements:
        if statement.effect != "Allow":
            return False
        action = statement.source.get("Action")
        actions = [action] if isinstance(action, str) else action if isinstance(action, list) else []
        found = found or (
            not statement.not_action
            and not statement.not_resource
            and not statement.conditions
            and any(isinstance(a, str) and a.lower() in ("*", "*:*", "iam:*") for a in actions)
            and _only_star(statement.source.get("Resource"))
        )
    return found


@dataclass
class ManagedPolicy:
    """A managed policy as loaded: ARN, name, whether AWS manages it, whether it is attached, its document."""

    arn: str
    name: str
    aws_managed: bool
    in_use: bool
    attached: AttachedPolicy
    default_version: str | None = None  # the version whose document ``attached`` holds
    versions: dict[str, dict] = field(default_factory=dict)  # every loaded version's document, by version id


@dataclass
class AccountModel:
    """Everything the engine needs about one account."""

    account_id: str
    partition: str
    principals: list[Principal]
    managed: dict[str, ManagedPolicy]
    groups: dict[str, tuple[str, list[AttachedPolicy]]] = field(default_factory=dict)  # name -> (ARN, policies)
    permission_sets: dict[str, AttachedPolicy] = field(default_factory=dict)  # Identity Center: ARN -> inline policy
    # resources that run code with a role of their own, by target (``questions.WORKLOADS``): ARN -> the role's ARN
    workloads: dict[str, dict[str, str]] = field(default_factory=dict)
    # the targets whose table is not loaded for the account: which resources there are, and their roles, is unknown
    unloaded: frozenset[str] = frozenset()
    # Amazon Cognito identity pools with an unauthenticated role: pool ARN -> (pool id, the role's ARN)
    guest_roles: dict[str, tuple[str, str]] = field(default_factory=dict)
    # the tables of ``questions.EXISTING`` loaded for the account that hold no resource: nothing to act on
    empty_tables: frozenset[str] = frozenset()
    # the roles an instance profile holds; None: the account's instance profiles are not loaded (``_profiled_roles``)
    profiled_roles: frozenset[str] | None = None

    def role(self, arn: str) -> Principal | None:
        return self.roles.get(arn)

    def principal(self, arn: str) -> Principal | None:
        """The account's user or role of that ARN."""
        return self._principals.get(arn)

    @cached_property
    def _principals(self) -> dict[str, Principal]:
        return {p.arn: p for p in self.principals}

    @cached_property
    def powerful_policies(self) -> tuple[str, ...]:
        """The ARNs of the account's loaded managed policies that give power as AdministratorAccess and IAMFullAccess
        do (``_gives_power``): attaching one (``iam:PolicyARN`` naming it) gives what attaching either gives."""
        return tuple(arn for arn, managed in sorted(self.managed.items())
                     if managed.attached.policy is not None and _gives_power(managed.attached.policy))

    @cached_property
    def roles(self) -> dict[str, Principal]:
        """The account's roles by ARN."""
        return {p.arn: p for p in self.principals if p.kind == "role"}

    def role_named(self, arn: str) -> Principal | None:
        """The role an ARN without its path names (``role/<name>``, as a session ARN names its role)."""
        name = arn.rsplit("/", 1)[-1]
        return self.roles.get(arn) or next((p for p in self.roles.values() if p.name == name), None)


def _json(value) -> object:
    if value is None or not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return None


def _document(value) -> object:
    """An inline policy's document from its JSON column: an object, or the text of one that is not JSON (the loader
    keeps it as written; the engine cannot read it)."""
    parsed = _json(value)
    return value if parsed is None and isinstance(value, str) and value.strip() else parsed


def _documents_of(value) -> object:
    """A policy column (a document, or inline policies' ``[{PolicyName, PolicyDocument}]``) as the engine reads it:
    ``"Version": ""``, how Steampipe's canonical form (``*_std``) writes a document without Version, is no Version (IAM
    accepts no document whose Version is "", so no other column holds one)."""
    parsed = _json(value)
    for item in parsed if isinstance(parsed, list) else [parsed]:
        document = item.get("PolicyDocument", item) if isinstance(item, dict) else None
        if isinstance(document, dict) and document.get("Version") == "":
            del document["Version"]
    return parsed


# what makes a document's answers depend on who holds it: a policy variable or a principal condition key
PERSONAL = ("${", "aws:principal", "aws:username", "aws:userid", "aws:sourceidentity")


def _names_holder(text: str) -> bool:
    """Whether a document's canonical JSON (ASCII: ``json.dumps`` escapes the rest) names any of ``PERSONAL``, in
    any case; substring tests on the lowered text, some ten times faster than one case-insensitive regex."""
    lowered = text.lower()
    return any(mark in lowered for mark in PERSONAL)


# No temporary credentials outlive 36 hours: the longest DurationSeconds of GetSessionToken and GetFederationToken,
# 129,600 (AWS STS API Reference; AssumeRole and its kin give at most 12 hours).
LONGEST_SESSION_SECONDS = 129_600
# Operators a time key can only stop matching, as its value grows: whether a value equal to the bound matches. The
# date operators on every time key; the numeric ones on aws:EpochTime, the request's time in seconds since the epoch,
# which AWS reads as a date or a number ("This key also accepts the number of seconds since January 1, 1970", IAM User
# Guide, "AWS global condition context keys").
_UNTIL = {"datelessthan": False, "datelessthanequals": True, "dateequals": True}
_NUMERIC_UNTIL = {"numericlessthan": False, "numericlessthanequals": True, "numericequals": True}


def _moments(values, parse) -> list:
    """A condition's values (one or a list) read by ``parse`` (``parse_date``, ``parse_number``); None for one that
    does not read."""
    values = values if isinstance(values, list) else [values]
    return [parse(str(v)) if isinstance(v, (str, int, float)) and not isinstance(v, bool) else None for v in values]


def _expired(statement, as_of: float) -> bool:
    """The statement matches no request made at or after ``as_of`` (seconds since the epoch): a condition needs
    ``aws:CurrentTime`` or ``aws:EpochTime`` before then, or ``aws:TokenIssueTime`` before the oldest temporary credentials still valid
    then (a missing key fails these operators). ``...IfExists`` is read so only on the request's time, which is "always
    included in the request context" (IAM User Guide, "AWS global condition context keys"); set operators never."""
    condition = statement.get("Condition") if isinstance(statement, dict) else None
    if not isinstance(condition, dict):
        return False
    earliest = {**dict.fromkeys(REQUEST_TIME_KEYS, as_of), "aws:tokenissuetime": as_of - LONGEST_SESSION_SECONDS}
    for operator, block in condition.items():
        base = operator.lower().removesuffix("ifexists")
        equal_matches = _UNTIL.get(base)
        parse, keys = parse_date, earliest
        if equal_matches is None:
            equal_matches = _NUMERIC_UNTIL.get(base)
            parse, keys = parse_number, {"aws:epochtime": as_of}
        if equal_matches is None or not isinstance(block, dict):
            continue
        if base != operator.lower():
            keys = {key: bound for key, bound in keys.items() if key in REQUEST_TIME_KEYS}
        for key, values in block.items():
            bound = keys.get(key.lower())
            dates = _moments(values, parse)
            if bound is not None and dates and all(
                d is not None and (d < bound if equal_matches else d <= bound) for d in dates
            ):
                return True
    return False


# Operators a request-time key can only start matching, and then keeps matching, as its value grows (after a moment,
# or unequal to moments that have all passed): whether a value equal to the bound matches.
_FROM = {"greaterthan": False, "greaterthanequals": True}


def _started(operator: str, key: str, values, as_of: float, sessions: bool) -> bool:
    """Every request made at or after ``as_of`` (seconds since the epoch) meets this condition: ``aws:CurrentTime`` or
    ``aws:EpochTime`` ("always included in the request context", IAM User Guide, "AWS global condition context keys")
    after, or unequal to, moments that have all passed by then (also with ``...IfExists``; set operators are kept).
    ``sessions``: the holder calls only with temporary credentials (a role), so ``aws:TokenIssueTime`` is there too
    and, as no temporary credentials outlive ``LONGEST_SESSION_SECONDS``, after ``as_of`` less that."""
    name = operator.lower().removesuffix("ifexists")
    numeric = name.startswith("numeric")
    key = key.lower()
    if sessions and key == "aws:tokenissuetime" and not numeric:
        as_of -= LONGEST_SESSION_SECONDS
    elif key != "aws:epochtime" and (numeric or key != "aws:currenttime"):
        return False
    comparison = name.removeprefix("numeric" if numeric else "date")
    if comparison not in (*_FROM, "notequals") or not (numeric or name.startswith("date")):
        return False
    parse = parse_number if numeric else parse_date
    moments = _moments(values, parse)
    if not moments or None in moments:
        return False
    if comparison == "notequals":
        return all(moment < as_of for moment in moments)
    return any(moment < as_of or (_FROM[comparison] and moment == as_of) for moment in moments)


def _without_started(statement, as_of: float, sessions: bool):
    """The statement without the time conditions every request at or after ``as_of`` meets (``_started``); the same
    object when it has none."""
    condition = statement.get("Condition") if isinstance(statement, dict) else None
    if not isinstance(condition, dict):
        return statement
    kept = {}
    for operator, block in condition.items():
        if not isinstance(block, dict):
            kept[operator] = block
            continue
        left = {key: values for key, values in block.items() if not _started(operator, key, values, as_of, sessions)}
        if left:
            kept[operator] = left if len(left) < len(block) else block
    if kept == condition:
        return statement
    reduced = {name: value for name, value in statement.items() if name != "Condition"}
    return {**reduced, "Condition": kept} if kept else reduced


def read_at(document: dict, as_of: float | None, *, sessions: bool = False) -> dict:
    """The document as every request made at or after ``as_of`` (the data's time) reads it: without the statements
    that can match none of them (a grant or a Deny whose date has passed) and without the time conditions all of them
    meet (a start that has passed; with ``sessions``, for a holder that calls only with temporary credentials, a role,
    also a start of ``aws:TokenIssueTime`` before its oldest credentials still valid); the same object when nothing
    changes."""
    statements = document.get("Statement")
    if as_of is None or not isinstance(statements, (list, dict)):
        return document
    listed = statements if isinstance(statements, list) else [statements]
    kept = [_without_started(statement, as_of, sessions) for statement in listed if not _expired(statement, as_of)]
    if len(kept) == len(listed) and all(one is other for one, other in zip(kept, listed)):
        return document
    return {**document, "Statement": kept}


class _Documents:
    """Keeps one copy of each distinct document (the same managed policy reaches thousands of principals), parsed
    once when first read: every policy with the same canonical text holds the first such document, so the others
    are freed (the inline policies of copied principals are many equal documents)."""

    def __init__(self) -> None:
        self._loaded: dict[tuple[str, bool], tuple[LoadedDocument, bool, str]] = {}
        self._texts: dict[int, tuple[dict, str]] = {}  # canonical text by document identity (one dict, many events)

    def attached(
        self, label: str, document, *, inline: bool = False, resource: bool = False, as_of: float | None = None
    ) -> AttachedPolicy:
        """``resource``: the document is a resource-based policy (a role's trust policy). ``as_of``: the account's
        time, at which the document is read (``read_at``: the statements that expired dropped, the starts passed met)."""
        if isinstance(document, str):  # loaded as written, not JSON: the engine cannot read it
            return AttachedPolicy(label, LoadedDocument(document, resource), inline=inline)
        if not isinstance(document, dict):
            return AttachedPolicy(label, None, inline=inline)
        document = read_at(document, as_of)
        known = self._texts.get(id(document))
        key = json.dumps(document, sort_keys=True) if known is None or known[0] is not document else known[1]
        if (key, resource) not in self._loaded:
            self._texts[id(document)] = (document, key)  # only the kept copies: the others may be freed
            digest = hashlib.sha256(key.encode()).hexdigest()
            self._loaded[key, resource] = (LoadedDocument(document, resource), _names_holder(key), digest)
        loaded, personal, digest = self._loaded[key, resource]
        return AttachedPolicy(label, loaded, loaded.document, personal, inline, digest=digest)

    def for_sessions(self, policy: AttachedPolicy, as_of: float | None) -> AttachedPolicy:
        """``policy`` as a role reads it, whose every request is made with temporary credentials (``read_at`` with
        ``sessions``); the same object when that changes nothing."""
        if policy.document is None or as_of is None:
            return policy
        read = read_at(policy.document, as_of, sessions=True)
        if read is policy.document:
            return policy
        return replace(self.attached(policy.label, read, inline=policy.inline), group=policy.group, arn=policy.arn)


def _inline(
    documents: _Documents, raw, std, owner: str, gaad: bool, as_of: float | None
) -> list[AttachedPolicy] | None:
    """Inline policies of a user, group or role, each named "inline policy NAME OWNER"; None when they were not
    loaded. A row from get-account-authorization-details (its attached list is set) has them all, so none
    there means none."""
    items = _json(raw)
    if items is None:
        items = _documents_of(std)
    if items is None:
        return [] if gaad else None
    return [
        documents.attached(
            f"inline policy {item.get('PolicyName') or '(unnamed)'} {owner}",
            _document(item.get("PolicyDocument")),
            inline=True,
            as_of=as_of,
        )
        for item in items
        if isinstance(item, dict)
    ]


def _attached(managed: dict[str, ManagedPolicy], arns_json, group: str | None = None) -> list[AttachedPolicy] | None:
    arns = _json(arns_json)
    if arns is None:
        return None
    found = []
    for arn in arns:
        policy = managed.get(arn)
        name = policy.name if policy else str(arn).rsplit("/", 1)[-1]
        label = f"{name} (via group {group})" if group else name
        found.append(
            replace(policy.attached, label=label, group=group, arn=arn)
            if policy
            else AttachedPolicy(label, None, group=group, arn=arn)
        )
    return found


def _tags(raw) -> dict[str, str] | None:
    """A principal's tags as loaded (a JSON object of key to value); None when they were not loaded."""
    tags = _json(raw)
    return {str(k): "" if v is None else str(v) for k, v in tags.items()} if isinstance(tags, dict) else None


def _unknown(label: str) -> list[AttachedPolicy]:
    return [AttachedPolicy(label, None)]


ROLE_TRUST = "coalesce(assume_role_policy, assume_role_policy_std)::varchar"  # a role's trust policy as text
# A user's, group's or role's managed policy ARNs as text: '[]' when its policies were loaded and it has none (the
# column is NULL then, as in Steampipe), NULL when they were not loaded.
ATTACHED_IF_LOADED = (
    "(case when coalesce(policies_loaded, attached_policy_arns is not null) "
    "then coalesce(attached_policy_arns, '[]'::json) end)::varchar"
)


@collector_paused()
def _account_times(con: duckdb.DuckDBPyConnection, every_account: bool = False) -> dict[str, float]:
    """Each account's time, the time controls use: ``iamsql_account``'s ``as_of`` (a check points it at the account it
    runs, a TEMP table of its one row), else the same view's query over the database's snapshots for a connection
    opened without the TEMP views (``db.connect(..., queries=False)``) or asked for ``every_account``; none for a
    database without snapshots."""
    views, snapshots = con.execute(
        "select (select count(*) from duckdb_views() where view_name = 'iamsql_account') "
        "+ (select count(*) from duckdb_tables() where database_name = 'temp' and table_name = 'iamsql_account'), "
        "(select count(*) from duckdb_tables() where table_name = 'iamsql_snapshot' and schema_name = 'main' "
        "and database_name = current_database())").fetchall()[0]
    if views and not every_account:
        source = "iamsql_account"
    elif snapshots:
        source = f"({ACCOUNT_VIEW})"
    else:
        return {}
    return {
        account: as_of.timestamp()
        for account, as_of in con.execute(f"select account_id, as_of from {source}").fetchall()
        if as_of is not None
    }


@dataclass(frozen=True)
class IamRows:
    """What ``load_accounts`` reads of a connection, as read: the accounts' models are a function of these alone
    (``build_accounts``), so equal ``digest``s give equal models."""

    times: dict[str, float]
    policies: list[tuple]
    groups: list[tuple]
    users: list[tuple]
    roles: list[tuple]
    permission_sets: list[tuple]
    workloads: dict[str, dict[str, dict[str, str]]]
    whole: frozenset[tuple[str, str]]
    guests: dict[str, dict[str, tuple[str, str]]]
    holding: frozenset[tuple[str, str]]
    profiled: dict[str, frozenset[str]]

    def digest(self) -> str:
        """SHA-256 of every value read, in the order read (the models' order follows it); the accounts' times sorted
        (looked up by account only, and read from a grouped query, whose order may change)."""
        digest = hashlib.sha256()
        for value in (sorted(self.times.items()), self.policies, self.groups, self.users, self.roles, self.permission_sets,
                      self.workloads, sorted(self.whole), self.guests, sorted(self.holding),
                      sorted(self.profiled.items())):
            digest.update(repr(value).encode() + b"\0")
        return digest.hexdigest()


# what ``build_accounts`` reads of a user or role row (``PRINCIPAL_COLUMNS``, then its groups and user id, or its trust
# policy and role id, then its tags) and of a managed policy row
PRINCIPAL_COLUMNS = (
    "arn, name, path, account_id, partition, inline_policies::varchar, inline_policies_std::varchar, "
    f"{ATTACHED_IF_LOADED}, permissions_boundary_arn"
)
USER_COLUMNS = f"{PRINCIPAL_COLUMNS}, groups::varchar, user_id, tags::varchar"
ROLE_COLUMNS = f"{PRINCIPAL_COLUMNS}, {ROLE_TRUST}, role_id, tags::varchar"
POLICY_COLUMNS = (
    "arn, name, is_aws_managed, coalesce(is_attached, attachment_count > 0, false), policy::varchar, "
    "policy_std::varchar, account_id, default_version_id, policy_versions::varchar"
)


def read_iam_rows(con: duckdb.DuckDBPyConnection, account_id: str | None = None) -> IamRows:
    """The IAM data visible on this connection (``aws_iam_*`` as the connection names them) as ``load_accounts``
    reads it."""
    where = "" if account_id is None else " where account_id = $account"
    params = {} if account_id is None else {"account": account_id}
    principals = {
        table: con.execute(f"select {columns} from {table}{where}", params).fetchall()
        for table, columns in (("aws_iam_user", USER_COLUMNS), ("aws_iam_role", ROLE_COLUMNS))
    }
    coverage = _coverage(con)
    return IamRows(
        _account_times(con),
        con.execute(f"select {POLICY_COLUMNS} from aws_iam_policy{where}", params).fetchall(),
        con.execute(
            f"select name, arn, inline_policies::varchar, inline_policies_std::varchar, {ATTACHED_IF_LOADED}, "
            f"account_id from aws_iam_group{where}",
            params,
        ).fetchall(),
        principals["aws_iam_user"],
        principals["aws_iam_role"],
        coverage.rows(
            "aws_ssoadmin_permission_set",
            f"select arn, name, inline_policy::varchar, account_id from aws_ssoadmin_permission_set{where}",
            params,
        ),
        _workloads(coverage, where, params),
        frozenset(coverage.whole),
        _guest_roles(coverage, where, params),
        frozenset(_holding(coverage, where, params)),
        _profiled_roles(coverage, where, params),
    )


def read_roles_trusting(con: duckdb.DuckDBPyConnection, account_ids: Iterable[str]) -> IamRows | None:
    """The roles of the loaded accounts other than ``account_ids`` whose trust policy may admit a principal of one of
    those, with the managed policies they hold (attached, or as their boundary) and their accounts' times; None when
    there is no such role. A trust admits a principal of another account only by naming that account (its id, bare or
    in an ARN) or by a wildcard, so a role is read when its trust's text holds one of those or is not a JSON object
    (not loaded, not JSON, still URL-encoded): a first cut on the text, the engine decides. Read from the database's
    own views, not a check's copies of one account's tables."""
    ids = sorted(set(account_ids))
    database = con.execute("select current_database()").fetchall()[0][0].replace('"', '""')
    roles = con.execute(
        f'select {ROLE_COLUMNS} from "{database}".main.aws_iam_role r where exists (select 1 from unnest($ids) as '
        f"a(id) where a.id <> r.account_id and ({ROLE_TRUST} is null or not json_valid({ROLE_TRUST}) "
        f"or not starts_with(ltrim({ROLE_TRUST}), '{{') or contains({ROLE_TRUST}, a.id) "
        f"or contains({ROLE_TRUST}, '*'))) order by account_id, arn",
        {"ids": ids},
    ).fetchall() if ids else []
    if not roles:
        return None
    held = sorted({str(arn) for row in roles for arn in (_json(row[7]) or [])} | {row[8] for row in roles if row[8]})
    policies = con.execute(
        f'select {POLICY_COLUMNS} from "{database}".main.aws_iam_policy where list_contains($accounts, account_id) '
        "and list_contains($held, arn)",
        {"accounts": sorted({row[3] for row in roles}), "held": held},
    ).fetchall() if held else []
    return IamRows(_account_times(con, every_account=True), policies, [], [], roles, [], {}, frozenset(), {},
                   frozenset(), {})


def load_accounts(con: duckdb.DuckDBPyConnection, account_id: str | None = None) -> list[AccountModel]:
    """The IAM data visible on this connection (``aws_iam_*`` as the connection names them), one model per account."""
    return build_accounts(read_iam_rows(con, account_id))


def build_accounts(read: IamRows) -> list[AccountModel]:
    """One model per account of the rows ``read``."""
    documents = _Documents()
    times = read.times
    managed: dict[str, dict[str, ManagedPolicy]] = {}
    for arn, name, aws_managed, attached, raw, std, account, version, versions in read.policies:
        if arn is None:
            continue
        document = _json(raw) if raw is not None else _documents_of(std)
        managed.setdefault(account, {})[arn] = ManagedPolicy(
            arn,
            name or arn.rsplit("/", 1)[-1],
            bool(aws_managed),
            bool(attached),
            documents.attached(name or arn, document, as_of=times.get(account)),
            version,
            {
                v["version_id"]: v["document"]
                for v in _json(versions) or []
                if isinstance(v, dict) and isinstance(v.get("version_id"), str) and isinstance(v.get("document"), dict)
            },
        )
    groups: dict[tuple[str, str], list[AttachedPolicy]] = {}
    group_arns: dict[tuple[str, str], str] = {}
    for name, arn, raw, std, attached, account in read.groups:
        inline = _inline(documents, raw, std, f"(via group {name})", attached is not None, times.get(account))
        attached_list = _attached(managed.get(account, {}), attached, name)
        group_arns[(account, name)] = arn
        if inline is None or attached_list is None:
            groups[(account, name)] = [AttachedPolicy(f"the policies of group {name} (not loaded)", None, group=name)]
        else:
            groups[(account, name)] = [replace(a, group=name) for a in inline] + attached_list
    principals: dict[str, list[Principal]] = {}
    partitions: dict[str, str] = {}
    for kind, rows in (("user", read.users), ("role", read.roles)):
        for arn, name, path, account, partition, raw, std, attached, boundary, more, unique_id, tags in rows:
            if arn is None:
                continue
            partitions.setdefault(account, partition or "aws")
            owner = f"{kind} {name}"
            identity: list[AttachedPolicy] = []
            inline = _inline(documents, raw, std, f"of {owner}", attached is not None, times.get(account))
            attached_list = _attached(managed.get(account, {}), attached)
            identity += inline if inline is not None else _unknown(f"the inline policies of {owner} (not loaded)")
            identity += (
                attached_list
                if attached_list is not None
                else _unknown(f"the managed policies attached to {owner} (not loaded)")
            )
            trust = None
            names: list[str] = []
            if kind == "user":
                memberships = _json(more)
                if memberships is None:
                    identity += _unknown(f"the groups of {owner} (not loaded)")
                else:
                    for member in memberships:
                        group = member.get("GroupName") if isinstance(member, dict) else member
                        names.append(str(group))
                        # a group loaded without policies adds none; one not loaded at all is unknown
                        found = groups.get((account, group))
                        identity += found if found is not None else [
                            AttachedPolicy(f"the policies of group {group} (not loaded)", None, group=group)
                        ]
            else:
                trust = _trust(documents, name, more, times.get(account))
                identity = [documents.for_sessions(policy, times.get(account)) for policy in identity]
            bound = None
            if boundary:
                known = managed.get(account, {}).get(boundary)
                label = f"permissions boundary {boundary.rsplit('/', 1)[-1]}"
                bound = (
                    AttachedPolicy(
                        label,
                        known.attached.content,
                        known.attached.document,
                        known.attached.personal,
                        digest=known.attached.digest,
                    )
                    if known
                    else AttachedPolicy(label, None)
                )
                if kind == "role":
                    bound = documents.for_sessions(bound, times.get(account))
            principals.setdefault(account, []).append(
                Principal(
                    arn,
                    kind,
                    name,
                    path or "/",
                    account,
                    partition or "aws",
                    identity,
                    bound,
                    trust,
                    _tags(tags),
                    tuple(names),
                    unique_id or None,
                )
            )
    permission_sets: dict[str, dict[str, AttachedPolicy]] = {}
    for arn, name, raw, account in read.permission_sets:
        document = _json(raw)
        if arn is not None and document:  # {}: the permission set has no inline policy; NULL: not loaded
            permission_sets.setdefault(account, {})[arn] = documents.attached(
                f"inline policy of permission set {name or arn}", document, inline=True, as_of=times.get(account)
            )
    workloads, loaded, guests, holding = read.workloads, read.whole, read.guests, read.holding
    reaches: dict[tuple, dict] = {}  # principals with the same policies read them alike: one memo
    for principal in (p for found in principals.values() for p in found):
        principal.reaches = reaches.setdefault(principal.signature, principal.reaches)
    accounts = sorted(set(principals) | set(managed) | set(permission_sets))
    return [
        AccountModel(
            a,
            partitions.get(a, "aws"),
            principals.get(a, []),
            managed.get(a, {}),
            {name: (arn, groups[(acct, name)]) for (acct, name), arn in group_arns.items() if acct == a},
            permission_sets.get(a, {}),
            workloads.get(a, {}),
            frozenset(t for t, table in WORKLOADS.items() if (a, table) not in loaded and t not in workloads.get(a, {})),
            guests.get(a, {}),
            frozenset(t for t in set(EXISTING.values()) if (a, t) in loaded and (a, t) not in holding),
            read.profiled.get(a),
        )
        for a in accounts
    ]


def load_roles(con: duckdb.DuckDBPyConnection) -> list[AccountModel]:
    """Each account's roles with their trust policies and nothing else (no identity policy, boundary, group, managed
    policy or workload): all that ``iam_role_trust_access`` reads, as ``load_accounts`` gives it (the same trust
    documents, the same partition: the account's first user's, else its first role's). Only for that table."""
    documents = _Documents()
    times = _account_times(con)
    partitions: dict[str, str] = {}
    for arn, account, partition in con.execute("select arn, account_id, partition from aws_iam_user").fetchall():
        if arn is not None:
            partitions.setdefault(account, partition or "aws")
    roles: dict[str, list[Principal]] = {}
    for arn, name, path, account, partition, raw in con.execute(
        f"select arn, name, path, account_id, partition, {ROLE_TRUST} from aws_iam_role"
    ).fetchall():
        if arn is None:
            continue
        partitions.setdefault(account, partition or "aws")
        trust = _trust(documents, name, raw, times.get(account))
        role = Principal(arn, "role", name, path or "/", account, partition or "aws", trust=trust)
        roles.setdefault(account, []).append(role)
    return [AccountModel(account, partitions[account], found, {}) for account, found in sorted(roles.items())]


def _trust(documents: _Documents, role: str, raw, as_of: float | None) -> AttachedPolicy:
    """A role's trust policy (``raw``: the column as text)."""
    return documents.attached(f"the trust policy of role {role}", _documents_of(raw), resource=True, as_of=as_of)


@dataclass(frozen=True)
class _Coverage:
    """Which tables the connection's snapshots cover: a query of a table no snapshot covers is not run (its
    latest-snapshot view is empty for every account, but DuckDB would still bind it)."""

    con: duckdb.DuckDBPyConnection
    tables: frozenset[str] | None  # the tables some snapshot covers, whole or in part (None: not known)
    whole: set[tuple[str, str]]  # (account, table) loaded whole: ``iamsql_latest`` without ``iamsql_partial``

    def rows(self, table: str, sql: str, params: dict) -> list[tuple]:
        """The rows of ``sql``, which reads ``table`` (none when no snapshot covers it, or the database was made
        before the table and is opened read-only)."""
        if self.tables is not None and table not in self.tables:
            return []
        try:
            return self.con.execute(sql, params).fetchall()
        except duckdb.CatalogException:
            return []


def _coverage(con: duckdb.DuckDBPyConnection) -> _Coverage:
    """The tables covered by the latest snapshots (one query)."""
    try:
        found = con.execute(
            "select l.account_id, l.table_name, p.table_name is not null from iamsql_latest l "
            "left join iamsql_partial p using (account_id, table_name)").fetchall()
    except duckdb.CatalogException:
        return _Coverage(con, None, set())
    return _Coverage(con, frozenset(table for _, table, _ in found),
                     {(account, table) for account, table, partial in found if not partial})


def _holding(coverage: _Coverage, where: str, params: dict) -> set[tuple[str, str]]:
    """The (account, table) pairs of the tables of ``questions.EXISTING`` that hold a resource of the account."""
    found: set[tuple[str, str]] = set()
    for table in sorted(set(EXISTING.values())):
        rows = coverage.rows(table, f"select distinct account_id from {table}{where}", params)
        found |= {(account, table) for (account,) in rows}
    return found


def _profiled_roles(coverage: _Coverage, where: str, params: dict) -> dict[str, frozenset[str]]:
    """The roles an instance profile holds (``aws_iam_role.instance_profile_arns``), by account, for the accounts whose
    roles' instance profiles are all loaded: their ``aws_iam_instance_profile`` is loaded whole, or their roles come
    from get-account-authorization-details, which lists each role's profiles (list-roles and get-role do not)."""
    known = {account for account, table in coverage.whole if table == "aws_iam_instance_profile"}
    # the field read from every source in one pass over the snapshot's list: a snapshot of a large trail lists
    # thousands of files (~1 MB), which unnested one element at a time cost ~1.6 CPU-s per check
    known |= {account for (account,) in coverage.rows(
        "aws_iam_role",
        "select distinct l.account_id from iamsql_latest as l join iamsql_snapshot as s using (snapshot_id) "
        "where l.table_name = 'aws_iam_role' and list_contains(json_extract_string(s.sources, "
        "'$[*].lists_role_instance_profiles'), 'true')", {})}
    rows = coverage.rows("aws_iam_role", "select account_id, arn from aws_iam_role where "
                         f"coalesce(json_array_length(instance_profile_arns), 0) > 0{where.replace(' where ', ' and ')}",
                         params)
    held: dict[str, set[str]] = {account: set() for account in known}
    for account, arn in rows:
        if account in held:
            held[account].add(arn)
    return {account: frozenset(arns) for account, arns in held.items()}


def _guest_roles(coverage: _Coverage, where: str, params: dict) -> dict[str, dict[str, tuple[str, str]]]:
    """The loaded identity pools that name an unauthenticated role (``get-identity-pool-roles``), by account: pool
    ARN -> (pool id, the role's ARN)."""
    rows = coverage.rows(
        "aws_cognito_identity_pool",
        "select coalesce(akas->>0, identity_pool_id), identity_pool_id, roles->>'unauthenticated', account_id "
        f"from aws_cognito_identity_pool{where}",
        params,
    )
    found: dict[str, dict[str, tuple[str, str]]] = {}
    for pool_arn, pool_id, role_arn, account in sorted(rows, key=lambda row: str(row[0])):
        if pool_arn and pool_id and role_arn:
            found.setdefault(account, {})[pool_arn] = (pool_id, role_arn)
    return found


_STACKS_NOT_UPDATED = ("DELETE_COMPLETE", "DELETE_IN_PROGRESS", "DELETE_FAILED", "ROLLBACK_IN_PROGRESS",
                       "ROLLBACK_COMPLETE", "ROLLBACK_FAILED")


def _workloads(coverage: _Coverage, where: str, params: dict) -> dict[str, dict[str, dict[str, str]]]:
    """The loaded resources that run code with a role, by account and target (``WORKLOADS``): Lambda functions
    with their execution role, EC2 instances with the role of their instance profile (the loaded role that lists
    it), CodeBuild projects with their service role, SageMaker notebook instances and Glue development endpoints
    with theirs, CloudFormation stacks with their service role (a stack without one runs as its caller), Step
    Functions state machines with theirs."""
    found: dict[str, dict[str, dict[str, str]]] = {}
    queries = {
        "function": f"select arn, role, account_id from aws_lambda_function{where}",
        "instance": "select i.arn, r.arn, i.account_id from aws_ec2_instance as i left join (select arn, account_id, "
                    "unnest(from_json(instance_profile_arns::varchar, '[\"VARCHAR\"]')) as profile from aws_iam_role) "
                    "as r on r.account_id = i.account_id and r.profile = i.iam_instance_profile_arn"
                    + where.replace("account_id", "i.account_id"),
        "project": f"select arn, service_role, account_id from aws_codebuild_project{where}",
        "notebook": f"select arn, role_arn, account_id from aws_sagemaker_notebook_instance{where}",
        "dev_endpoint": f"select arn, role_arn, account_id from aws_glue_dev_endpoint{where}",
        "state_machine": f"select arn, role_arn, account_id from aws_sfn_state_machine{where}",
        # a deleted stack (DescribeStacks lists one asked for by its id) has nothing left to update, and one that is
        # being deleted, or whose creation failed and was rolled back, can only be deleted (CloudFormation refuses
        # its updates: "is in ROLLBACK_COMPLETE state and can not be updated")
        "stack": "select id, role_arn, account_id from aws_cloudformation_stack where status is null or status not in "
                 f"({', '.join(repr(s) for s in _STACKS_NOT_UPDATED)})" + where.replace(" where ", " and "),
    }
    for target, sql in queries.items():
        rows = coverage.rows(WORKLOADS[target], sql, params)
        for arn, role_arn, account in sorted(rows, key=lambda row: str(row[0])):
            if arn and role_arn:
                found.setdefault(account, {}).setdefault(target, {})[arn] = role_arn
    return found


# The resource-based policies read from the loaded data besides role trusts, by the service of the resource's ARN:
# the table holding them in ``policy``, how an answer names one, and what its resources are called. The snapshot
# ``sources`` entry of the file that read a resource's policy (or that it has none) names the resource in
# ``resource_policy_of``: its ARN, or a bucket's name (the S3 outputs name buckets, not ARNs). A KMS key always has
# a key policy: one whose row holds none was not read.
LOADED_RESOURCE_POLICIES = {
    "secretsmanager": ("aws_secretsmanager_secret", "the resource policy of secret"),
    "kms": ("aws_kms_key", "the key policy of key"),
    "lambda": ("aws_lambda_function", "the resource policy of function"),
    "s3": ("aws_s3_bucket", "the bucket policy of bucket"),
}


@dataclass(frozen=True)
class ResourcePolicy:
    """The resource-based policy of one resource as loaded: ``policy`` its document (None: it has none, when
    ``known``, else it was not loaded or the engine cannot read it), ``label`` how an answer names it,
    ``account_id`` the resource's account (an S3 bucket's ARN names none: its loaded row's, None when the bucket is
    not loaded)."""

    arn: str
    account_id: str | None
    policy: Policy | None
    known: bool
    label: str
    service: str = ""
    # S3 Block Public Access: whether RestrictPublicBuckets blocks the policy's grants to other accounts (True), may
    # (None: ``restricted_label`` names what is not known) or does not (False)
    restricted_across: bool | None = False
    restricted_label: str = ""


def _policy_owner(parts: list[str]) -> tuple[str, str]:
    """(the ARN of the resource whose policy decides, its name in answers) for a resource ARN split in six: an S3
    object's is its bucket's (``arn:aws:s3:::bucket/key`` -> ``arn:aws:s3:::bucket``), a secret's or function's
    ``secret:name`` is ``name``, a key's ``key/id`` is ``id``."""
    resource = parts[5]
    if parts[2] == "s3":
        bucket = resource.split("/", 1)[0]
        return f"arn:{parts[1]}:s3:::{bucket}", bucket
    if parts[2] == "kms":
        return ":".join(parts), resource.split("/", 1)[-1]
    return ":".join(parts), resource.split(":", 1)[-1]


def loaded_resource_policy(con: duckdb.DuckDBPyConnection, arn: str | None) -> ResourcePolicy | None:
    """The resource-based policy of ``arn`` when it is a resource of a kind whose policies are loaded
    (``LOADED_RESOURCE_POLICIES``), else None. A resource whose row has no policy has none only when its policy
    was read (get-resource-policy answered without one, Lambda's GetPolicy ResourceNotFoundException, S3's
    NoSuchBucketPolicy); a resource not loaded, or loaded from its listing alone, has a policy that is not known, and
    so has a KMS key whose key policy was not read."""
    parts = (arn or "").split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or parts[2] not in LOADED_RESOURCE_POLICIES:
        return None
    service = parts[2]
    table, what = LOADED_RESOURCE_POLICIES[service]
    owner_arn, name = _policy_owner(parts)
    names = "r.arn, r.name" if service == "s3" else "r.arn"
    try:
        row = con.execute(
            f"select r.policy::varchar, r.account_id, exists (select 1 from iamsql_latest l join iamsql_snapshot s "
            f"using (snapshot_id), unnest(json_extract(s.sources, '$[*]')) as t(src) where l.table_name = '{table}' "
            f"and l.account_id = r.account_id and src ->> 'resource_policy_of' in ({names})) "
            f"from {table} r where r.arn = $arn", {"arn": owner_arn}).fetchone()
    except duckdb.CatalogException:  # a database made before the table
        row = None
    label = f"{what} {name}"
    account = row[1] if row is not None else (parts[4] or None)
    if row is None or (row[0] is None and (service == "kms" or not row[2])):
        return ResourcePolicy(owner_arn, account, None, False, f"{label} (not loaded)", service)
    if row[0] is None:
        return ResourcePolicy(owner_arn, account, None, True, label, service)
    try:
        policy = parse_policy(row[0], name=label)
        as_resource_policy(policy)  # the engine's reading of it: a statement without a Principal is an error
        restricted = _restricted_across(con, owner_arn, name, policy) if service == "s3" else (False, "")
        return ResourcePolicy(owner_arn, account, policy, True, label, service, *restricted)
    except PolicyError:
        return ResourcePolicy(owner_arn, account, None, False,
                              f"{label} (loaded, but not readable by the policy engine)", service)


def _restricted_across(con: duckdb.DuckDBPyConnection, bucket_arn: str, name: str, policy: Policy
                       ) -> tuple[bool | None, str]:
    """Whether S3 Block Public Access's RestrictPublicBuckets blocks the grants of a bucket's policy to other
    accounts, and, when that is not known, what it depends on. With it, "public and cross-account access within any
    public bucket policy, including non-public delegation to specific accounts, is blocked" (Amazon S3 API Reference,
    PublicAccessBlockConfiguration); AWS service principals and the bucket owner's account keep theirs. Public is
    get-bucket-policy-status's ``IsPublic``; without it, a policy whose every Allow names fixed principals (no ``*``,
    no NotPrincipal) is not public (Amazon S3 User Guide, "The meaning of public"), any other may be. S3 applies the
    most restrictive combination of the bucket's setting (get-public-access-block) and its account's
    (``aws_s3_account_settings``, s3control get-public-access-block): either one ``true`` restricts, both ``false``
    do not, and one not loaded leaves it unknown."""
    public, on_bucket, on_account, account = con.execute(
        "select b.bucket_policy_is_public, b.restrict_public_buckets, a.restrict_public_buckets, b.account_id "
        "from aws_s3_bucket b "
        "left join aws_s3_account_settings a on a.account_id = b.account_id where b.arn = $arn",
        {"arn": bucket_arn}).fetchone()
    if public is None and all(s.effect != "Allow" or (s.principal is not None and not s.not_principal
                                                      and not s.principal.wildcard) for s in policy.statements):
        public = False
    restricts = on_bucket is True or on_account is True
    if public is False or (public and restricts) or (on_bucket is False and on_account is False):
        return bool(public and restricts), ""
    missing = [f"whether the policy of bucket {name} is public (get-bucket-policy-status not loaded)"] if public is None else []
    if not restricts:
        missing += [f"the Block Public Access settings of {of} ({command} not loaded)"
                    for known, of, command in ((on_bucket, f"bucket {name}", "get-public-access-block"),
                                               (on_account, f"account {account}", "s3control get-public-access-block"))
                    if known is None]
    return None, (f"{' and '.join(missing)}: S3 Block Public Access's RestrictPublicBuckets, on the bucket or on "
                  "its account, blocks other accounts' access through a public bucket policy")

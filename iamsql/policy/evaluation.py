"""The authorization decision for one request, following AWS's documented policy evaluation logic.

Order: an explicit ``Deny`` in any applicable policy wins; then every SCP level of the principal's
account and every RCP level of the resource's account must allow; then, within one account, an
identity-based policy (limited by the permissions boundary and the session policy) or a resource-based
policy may allow; across accounts both the principal's side and the resource's side must allow.
Documents that are attached but unknown (``None``) make the decision ``Unknown`` unless a known explicit
``Deny`` decides.
"""

import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from functools import lru_cache
from typing import NamedTuple

from iamsql.common.arns import arn_partition
from iamsql.errors import PolicyError
from iamsql.policy.catalog import ROLE_CREDENTIAL_KEYS, catalog, rcp_supported_services
from iamsql.policy.conditions import (
    REQUEST_TIME_KEYS,
    KnownPrefix,
    compile_conditions,
    evaluate_conditions,
    holds_whenever,
    merge_condition_blocks,
    never_holds,
    normalize_context,
    parse_date,
)
from iamsql.policy.document import (
    Policy,
    PrincipalSpec,
    Statement,
    as_identity_policy,
    as_repository_policy,
    as_resource_control_policy,
    as_resource_policy,
    as_service_control_policy,
    as_trust_policy,
    is_account_id,
    parse_policy,
)

ALLOWED = "Allowed"
IMPLICITLY_DENIED = "ImplicitlyDenied"
EXPLICITLY_DENIED = "ExplicitlyDenied"
ALLOWED_IF = "AllowedIf"
UNKNOWN = "Unknown"

# Calls that need no permission and that no policy can deny (IAM User Guide: "Permissions for
# GetSessionToken"; STS API reference, GetCallerIdentity), for the callers STS_CALLERS admits.
ALWAYS_ALLOWED_ACTIONS = frozenset({"sts:getcalleridentity", "sts:getsessiontoken"})
# Calls the resource-based policy itself must allow, even within one account: a role's trust policy
# must allow assuming it (naming the account delegates to identity-based policies). sts:SetContext on a role (the
# context an AssumeRole passes in ProvidedContexts) is allowed by the role's trust policy as the other session
# attributes are (AWS documents trust policies listing it with sts:AssumeRole); on the caller's own session
# (arn:aws:sts::ACCOUNT:self) it needs no trust policy (see reads_trust_policy).
TRUST_POLICY_ACTIONS = frozenset(
    {
        "sts:assumerole",
        "sts:assumerolewithsaml",
        "sts:assumerolewithwebidentity",
        "sts:tagsession",
        "sts:setsourceidentity",
        "sts:setcontext",
    }
)
# Actions of services RCPs support that RCPs do not restrict: "The kms:RetireGrant permission is not effective in an
# RCP, even if the Action element specifies an asterisk (*) as a wildcard" (AWS KMS Developer Guide, "Resource control
# policies in AWS KMS"; who may retire a grant is decided by the grant itself).
RCP_EXEMPT_ACTIONS = frozenset({"kms:retiregrant"})
# Services whose resource-based policy (the KMS key policy) must allow when it is given.
KEY_POLICY_SERVICES = frozenset({"kms"})
# How a key policy that a KMS request does not give is named in ``missing``.
KEY_POLICY_NOT_GIVEN = "resource_policy (the KMS key policy, not given)"
# iam:PassRole is granted only by the caller's own policies, for a role of its own account: "you must grant the
# PassRole permission to the user's IAM user, role, or group" and "You can only use the PassRole permission to pass an
# IAM role to a service that shares the same AWS account" (IAM User Guide, "Grant a user permissions to pass a role to
# an AWS service"). A role's trust policy decides who assumes it, not who passes it.
PASS_ROLE = "iam:passrole"
# aws:RequestedRegion of services with one endpoint, by (service, partition): "IAM calls are always made to the
# us-east-1 Region" (IAM User Guide, "AWS global condition context keys", aws:RequestedRegion); CloudFront, Route 53
# and Support are "global services with a single endpoint that is physically located in the us-east-1 Region",
# Amazon Q Developer in chat applications (chatbot) and Device Farm global services with endpoints in us-west-2 (IAM
# User Guide, "AWS: Denies access to AWS based on the requested Region"). The same page names budgets, globalaccelerator,
# organizations and waf as other global services a Region Deny refuses unless exempted; their one endpoint is in
# us-east-1 (Organizations: "a single global endpoint for all of the AWS Regions in each partition",
# organizations.us-east-1.amazonaws.com; Budgets budgets.amazonaws.com; WAF Classic waf.amazonaws.com) and us-west-2
# (Global Accelerator: "you must specify the US West (Oregon) Region") in the AWS General Reference's endpoint pages.
# Not STS: its global endpoint serves a request in the Region of the workload ("AWS STS Regions and endpoints"). Not
# iam:PassRole, no call to IAM: "When a user passes a role ARN as a parameter to any API that uses the role to assign
# permissions to the service, the service checks whether that user has the iam:PassRole permission" (IAM User Guide,
# "Grant a user permissions to pass a role to an AWS service"): its Region is that call's.
SINGLE_ENDPOINT_REGIONS = {
    ("iam", "aws"): "us-east-1",
    ("cloudfront", "aws"): "us-east-1",
    ("route53", "aws"): "us-east-1",
    ("support", "aws"): "us-east-1",
    ("organizations", "aws"): "us-east-1",
    ("budgets", "aws"): "us-east-1",
    ("waf", "aws"): "us-east-1",
    ("chatbot", "aws"): "us-west-2",
    ("devicefarm", "aws"): "us-west-2",
    ("globalaccelerator", "aws"): "us-west-2",
}

# Principal kinds.
USER, ROLE, SESSION, ROOT, FEDERATED_USER = "user", "role", "session", "root", "federated-user"
SERVICE, FEDERATED, CANONICAL_USER, ANONYMOUS = "service", "federated", "canonical-user", "anonymous"
# A CloudFront origin access identity, "a special CloudFront user" a bucket policy names as
# arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity ID (Amazon CloudFront Developer Guide, "Restrict access
# to an Amazon S3 origin"): no IAM principal of any account, so it has no identity-based policies and no SCPs.
ORIGIN_ACCESS_IDENTITY = "origin-access-identity"
IAM_PRINCIPALS = frozenset({USER, ROLE, SESSION, ROOT, FEDERATED_USER})
# Callers of AssumeRoleWithSAML and AssumeRoleWithWebIdentity: the identity provider the trust names in Federated.
SAML_PROVIDER, WEB_IDENTITY_PROVIDER = "saml-provider", "web-identity-provider"
# The only callers of these STS operations (IAM User Guide, "Compare AWS STS credentials", who can call): the root user
# cannot assume a role ("You cannot use AWS account root user credentials to call AssumeRole", AWS STS API Reference,
# AssumeRole), AWS services assume the roles that trust them, an AssumeRoleWithSAML or AssumeRoleWithWebIdentity
# caller is the SAML or web identity provider whose assertion or token it passes, and only long-term credentials (IAM
# users, the root user) get session or federation tokens; AssumeRoot is not for root user credentials either ("You
# cannot use root user credentials to make this call", AWS STS API Reference, AssumeRoot). The session attributes an
# AssumeRole* call sets on a role (tags, source identity, context) come with those calls; an unsigned request with no
# provider calls none of them.
_ASSUMING = frozenset({USER, ROLE, SESSION, SERVICE, SAML_PROVIDER, WEB_IDENTITY_PROVIDER})
STS_CALLERS = {
    "sts:assumerole": frozenset({USER, ROLE, SESSION, SERVICE}),
    "sts:assumerolewithsaml": frozenset({SAML_PROVIDER}),
    "sts:assumerolewithwebidentity": frozenset({WEB_IDENTITY_PROVIDER}),
    "sts:tagsession": _ASSUMING,
    "sts:setsourceidentity": _ASSUMING,
    "sts:setcontext": _ASSUMING,
    "sts:assumeroot": frozenset({USER, ROLE, SESSION}),
    "sts:getfederationtoken": frozenset({USER, ROOT}),
    "sts:getsessiontoken": frozenset({USER, ROOT}),
}
# Calls on another account's resource that the caller's own policies decide, with no resource-based policy to read:
# sts:AssumeRoot acts on a member account's root user ("The member account principal ARN or account ID"), called "from
# an AWS Organizations management account or a delegated administrator account" (AWS STS API Reference, AssumeRoot);
# an invitation to join an organization is a handshake of the organization that sent it, answered by "only a principal
# from the member account" with "the organizations:AcceptHandshake permission" (AWS Organizations API Reference,
# AcceptHandshake; DeclineHandshake likewise).
OWN_POLICIES_ACROSS_ACCOUNTS = frozenset({
    "sts:assumeroot", "organizations:accepthandshake", "organizations:declinehandshake"})
# AssumeRoot's TaskPolicyArn is "one of following AWS managed policies to scope root session actions", the root-task
# policies (arn:aws:iam::aws:policy/root-task/...), and its TargetPrincipal "The member account principal ARN or account
# ID" (AWS STS API Reference, AssumeRoot): STS refuses any other task policy, and the management account is no member.
_ROOT_TASK_POLICY = re.compile(r"arn:aws(?:-[a-z]+)*:iam::aws:policy/root-task/[\w+=,.@-]+")
# Centralized root access is used "from an AWS Organizations management account or a delegated administrator account
# for IAM" (AWS STS API Reference, AssumeRoot), the account registered for this service principal (IAM User Guide,
# "Centrally manage root access for member accounts").
IAM_SERVICE_PRINCIPAL = "iam.amazonaws.com"
# Calls whose answer depends on the organization, not only on the caller's policies: AssumeRoot "only exists" in an
# organization with centralized root access, for its management account or IAM's delegated administrator (IAM User
# Guide, "Centrally manage root access for member accounts"), so an unrestricted Allow settles nothing without it.
ORGANIZATION_DECIDED = frozenset({"sts:assumeroot"})
# What an AssumeRoot answer depends on when the evaluation cannot tell: whether the caller's account is the delegated
# administrator for IAM, and whether the member account's RCPs apply to the call (AWS lists STS among the services
# RCPs support but documents nothing about AssumeRoot, whose resource is a root user rather than a role).
NOT_KNOWN_ADMINISTRATOR = "delegated_administrators (whether the caller's account is the delegated administrator for IAM)"
RCPS_ON_ASSUME_ROOT = "rcps (whether RCPs apply to sts:AssumeRoot: AWS does not document it)"
# Values of aws:PrincipalType by principal kind.
PRINCIPAL_TYPE_VALUES = {
    USER: "User",
    ROLE: "AssumedRole",
    SESSION: "AssumedRole",
    ROOT: "Account",
    FEDERATED_USER: "FederatedUser",
    ANONYMOUS: "Anonymous",
}

# Context keys known to be absent in static analysis: only IAM users have aws:username, only service principals
# aws:PrincipalServiceName and aws:PrincipalServiceNamesList.
_SERVICE_KEYS = frozenset({"aws:principalservicename", "aws:principalservicenameslist"})
# The keys of a service-to-service request, absent from every caller's request but a service principal's: each "is
# included in the request context only when the call to your resource is being made directly by an AWS service
# principal on behalf of a resource for which the configuration triggered the service-to-service request" (IAM User
# Guide, "AWS global condition context keys", aws:SourceArn, aws:SourceAccount, aws:SourceOrgID, aws:SourceOrgPaths).
_SOURCE_KEYS = frozenset({"aws:sourcearn", "aws:sourceaccount", "aws:sourceorgid", "aws:sourceorgpaths"})
_NOTHING_ABSENT = _SERVICE_KEYS | _SOURCE_KEYS
# The keys of the tags a request passes: aws:RequestTag/<key> and aws:TagKeys are in the request context only when the
# request passes tags (IAM User Guide, "AWS global condition context keys"), which only the actions whose keys in the
# Service Authorization Reference include them can (``Action.takes_request_tags``).
_REQUEST_TAG_KEYS = ("aws:requesttag/*", "aws:tagkeys")
# The keys of a role being passed: iam:PassedToService and iam:AssociatedResourceArn each apply "to only the PassRole
# action in a policy. It can't be used to limit any other action" (IAM User Guide, "IAM and AWS STS condition context
# keys"), so no other request carries them.
_PASS_ROLE_KEYS = ("iam:passedtoservice", "iam:associatedresourcearn")
_NO_USERNAME = _NOTHING_ABSENT | {"aws:username"}
# aws:AssumedRoot "is included in the request context only when the principal uses credentials from AssumeRoot" (IAM
# User Guide, "AWS global condition context keys"): a member account's root user session, so no caller but the root
# user (``ROOT``, which may be that session or the root user signing in itself) carries it.
_ASSUMED_ROOT_KEYS = frozenset({"aws:assumedroot"})
# Keys only a role session carries: aws:SourceIdentity "after a source identity has been set when a role is assumed",
# aws:FederatedProvider for a role assumed through an identity provider (IAM User Guide, "AWS global condition context
# keys"), and the keys of role credentials a service delivered (``ROLE_CREDENTIAL_KEYS``); an IAM user's, the root
# user's and a federated user's (GetFederationToken) own requests have none of them.
_ROLE_SESSION_KEYS = frozenset({"aws:sourceidentity", "aws:federatedprovider"}) | ROLE_CREDENTIAL_KEYS
# The keys of a caller's credentials, "only available when a request is made by a principal with role session or
# federated user principal credentials" (IAM User Guide, "AWS global condition context keys", properties of a role
# session), and aws:SignInSessionArn, "included in the request context when the request originates from an AWS Sign-In
# OAuth session": absent from a request made with no credentials, or with a service principal's.
_CREDENTIAL_KEYS = _ROLE_SESSION_KEYS | _ASSUMED_ROOT_KEYS | {
    "aws:multifactorauthpresent", "aws:multifactorauthage", "aws:tokenissuetime", "aws:signinsessionarn"}
# The keys of the tags of an IAM user or role, or session tags (aws:PrincipalTag/<key>: "included in the request context
# if the principal is using an IAM user with attached tags" or "an IAM role with attached tags or session tags"): a
# service principal's own call, an anonymous request ("Anonymous requests do not include this key"), the root user,
# which is neither an IAM user nor a role and has no tags, and a SAML or OIDC caller of AssumeRoleWithSAML or
# AssumeRoleWithWebIdentity, no IAM identity either (the session tags its assertion or token passes are request tags,
# aws:RequestTag/<key>, of that call), have none.
_PRINCIPAL_TAG_PREFIXES = ("aws:principaltag/",)
_UNTAGGED = frozenset({SERVICE, ANONYMOUS, ROOT, FEDERATED})
_ORGANIZATION_KEYS = frozenset({"aws:principalorgid", "aws:principalorgpaths"})
# Keys anonymous requests do not include (IAM User Guide, "AWS global condition context keys": aws:PrincipalArn,
# aws:PrincipalIsAWSService, the organization keys, aws:username, aws:PrincipalServiceName and
# aws:PrincipalServiceNamesList) and the keys of credentials, which an anonymous request has none of.
_ANONYMOUS_ABSENT = _NO_USERNAME | _ORGANIZATION_KEYS | _CREDENTIAL_KEYS | {
    "aws:principalarn", "aws:principalisawsservice"}
# Keys a SAML or OIDC caller's request does not include: sts:AssumeRoleWithSAML and sts:AssumeRoleWithWebIdentity
# are not signed with AWS credentials, and aws:PrincipalArn is "included in the request context for all signed
# requests", aws:PrincipalIsAWSService for those "that use AWS security credentials"; aws:PrincipalOrgID and
# aws:PrincipalOrgPaths only "if the principal is a member of an organization" (IAM User Guide, "AWS global condition
# context keys"), which an identity provider's user is not. aws:PrincipalAccount is "included in the request context
# for all requests, including anonymous requests": present (``_EVERY_REQUEST_VALUE_UNKNOWN``).
_FEDERATED_ABSENT = _NO_USERNAME | _ORGANIZATION_KEYS | ROLE_CREDENTIAL_KEYS | _ASSUMED_ROOT_KEYS | {
    "aws:principalarn", "aws:principalisawsservice"}
# The keys an AWS service principal's own call does not carry (IAM User Guide, "AWS global condition context keys"):
# the organization keys (it is no member of an organization), aws:username (IAM users only), aws:PrincipalTag/<key>
# (the tags of an IAM user or role, or session tags), aws:CalledVia, aws:CalledViaFirst and aws:CalledViaLast (there
# when a service uses an IAM principal's credentials, "not present when the principal makes the call directly") and
# the keys of credentials (``_CREDENTIAL_KEYS``).
_SERVICE_ABSENT = _ORGANIZATION_KEYS | _CREDENTIAL_KEYS | {
    "aws:username", "aws:calledvia", "aws:calledviafirst", "aws:calledvialast"}
_USER_ABSENT = _NOTHING_ABSENT | _ROLE_SESSION_KEYS | _ASSUMED_ROOT_KEYS
_NOT_A_ROLE_ABSENT = _NO_USERNAME | _ROLE_SESSION_KEYS
_FEDERATED_USER_ABSENT = _NOT_A_ROLE_ABSENT | _ASSUMED_ROOT_KEYS
_ROLE_ABSENT = _NO_USERNAME | _ASSUMED_ROOT_KEYS


# Keys present only in a request made through a VPC endpoint, which has no aws:SourceIp: aws:SourceIp "is included in
# the request context, except when the requester uses a VPC endpoint to make the request"; aws:SourceVpc,
# aws:SourceVpce and aws:VpcSourceIp only when it does (IAM User Guide, "AWS global condition context keys", network
# properties).
_VPC_ENDPOINT_KEYS = ("aws:sourcevpc", "aws:sourcevpcarn", "aws:sourcevpce", "aws:vpcsourceip", "aws:vpceaccount",
                      "aws:vpceorgid", "aws:vpceorgpaths")


def _network_absent(context: dict) -> tuple[str, ...]:
    """Static analysis: the network keys a request cannot carry given those ``context`` holds: a request with
    ``aws:SourceIp`` came through no VPC endpoint, one with a VPC endpoint's key has no ``aws:SourceIp``."""
    if "aws:sourceip" in context:
        return _VPC_ENDPOINT_KEYS
    if any(key in context for key in _VPC_ENDPOINT_KEYS):
        return ("aws:sourceip",)
    return ()


def _request_tags_absent(action: str) -> tuple[str, ...]:
    """Static analysis: the request-tag keys of a catalog action that passes no tags (none for an action not known)."""
    known = catalog().action(action)
    return _REQUEST_TAG_KEYS if known is not None and not known.takes_request_tags else ()


class _Absent:
    """Context keys known to be absent in static analysis: names, and prefixes (``aws:principaltag/``) of which
    every key not in the context is absent."""

    def __init__(self, names: frozenset, prefixes: tuple[str, ...]) -> None:
        self.names = names
        self.prefixes = prefixes

    def __contains__(self, key: str) -> bool:
        return key in self.names or key.startswith(self.prefixes)

def known_absent(who: "Principal", absent_keys: tuple[str, ...] = ()):
    """The context keys static analysis knows to be absent for the caller ``who``: those its kind never has, and
    ``absent_keys`` (``Request.absent_keys``: names, and ``prefix*`` for every key of the prefix not in the
    context: ``aws:principaltag/*``, ``kms:encryptioncontext:*``)."""
    absent = {USER: _USER_ABSENT, ROOT: _NOT_A_ROLE_ABSENT, FEDERATED_USER: _FEDERATED_USER_ABSENT,
              ANONYMOUS: _ANONYMOUS_ABSENT, FEDERATED: _FEDERATED_ABSENT, SERVICE: _SERVICE_ABSENT,
              ROLE: _ROLE_ABSENT, SESSION: _ROLE_ABSENT}.get(who.kind, _NO_USERNAME)
    prefixes = _PRINCIPAL_TAG_PREFIXES if who.kind in _UNTAGGED else ()
    if not absent_keys and not prefixes:
        return absent
    keys = [key.lower() for key in absent_keys]
    return _Absent(absent | {key for key in keys if not key.endswith("*")},
                   prefixes + tuple(key[:-1] for key in keys if key.endswith("*")))


# How a resource-based policy's Principal matched the caller.
DIRECT, ROLE_ARN, ACCOUNT = "direct", "role", "account"


@dataclass(frozen=True)
class Delegation:
    """What is known of one service's delegated administrators: the accounts proven to be one (``accounts``), those
    proven not to be (``not_accounts``), and, when a listing of every service's administrators is loaded, the accounts
    it names (``among``: no other account is one). A service's whole list is ``Delegation.whole(accounts)``."""

    accounts: frozenset = frozenset()
    not_accounts: frozenset = frozenset()
    among: frozenset | None = None

    @classmethod
    def whole(cls, accounts) -> "Delegation":
        return cls(frozenset(accounts), frozenset(), frozenset(accounts))

    def holds(self, account: str | None) -> bool | None:
        """Whether ``account`` is one of the service's delegated administrators; None when the data does not say."""
        if account in self.accounts:
            return True
        if account in self.not_accounts or (self.among is not None and account not in self.among):
            return False
        return None


def _has_session_policy(request: "Request") -> bool:
    """Whether the session has a session policy: one document, or a list of them that is not empty."""
    return request.session_policy is not None and request.session_policy != []


@dataclass
class Request:
    """One authorization request: who, what, on which resource, and every policy that applies.

    Policy fields take compiled :class:`Policy` objects (documents are parsed on the fly); ``None`` in
    a list means "attached, document unknown". ``scps``/``rcps`` are lists of levels (root, each OU,
    the account), each level a list of documents.
    """

    action: str
    resource: str | None = None
    principal: str | None = None  # ARN, service principal, or None for an anonymous caller
    principal_account: str | None = None
    resource_account: str | None = None
    context: dict = field(default_factory=dict)
    identity_policies: list = field(default_factory=list)
    resource_policy: Policy | None = None
    permission_boundaries: list = field(default_factory=list)
    scps: list = field(default_factory=list)
    rcps: list = field(default_factory=list)
    # one document, or a list: the inline session policy and the managed ones (``None`` in it: not known); an empty
    # list is no session policy
    session_policy: Policy | list | None = None
    management_account_id: str | None = None
    # the organization's delegated administrators by service principal (a Delegation each: organizations
    # list-delegated-administrators, list-delegated-services-for-account); a service principal not given is not known
    delegated_administrators: dict = field(default_factory=dict)
    unknown_context: bool = False
    # in static analysis, context keys known to be absent when not in ``context``; one ending in ``*`` stands for
    # every key of that prefix (``aws:PrincipalTag/*``: ``context`` holds all the caller's tags)
    absent_keys: tuple[str, ...] = ()


class MatchedStatement(NamedTuple):
    """A statement that decided the outcome."""

    kind: str  # identity, resource, boundary, session, scp, rcp
    policy: str  # where it sits in the request, e.g. "identity_policies[0]", "scps[1][0]"
    name: str | None  # the policy's name or Id
    sid: str | None
    statement: int
    effect: str

    def as_dict(self) -> dict:
        return {"policy": self.policy, "sid": self.sid, "statement": self.statement, "effect": self.effect}


@dataclass
class Evaluation:
    """The decision and why."""

    decision: str
    matched: list = field(default_factory=list)
    conditions: list = field(default_factory=list)
    deny_conditions: list = field(default_factory=list)
    missing: list = field(default_factory=list)
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Principal:
    """What the engine knows about the caller from its ARN."""

    arn: str | None
    kind: str
    account: str | None = None
    partition: str = "aws"
    name: str | None = None  # user name, role name (of a role or a session)
    service_linked: bool = False

    @property
    def role_arn(self) -> str | None:
        """For a role or role session: the role's ARN (without path, which a session ARN does not carry)."""
        if self.kind in (ROLE, SESSION):
            return f"arn:{self.partition}:iam::{self.account}:role/{self.name}"
        return None

    @property
    def principal_arn(self) -> str | None:
        """The value of ``aws:PrincipalArn``."""
        return self.role_arn if self.kind == SESSION else self.arn


@lru_cache(maxsize=65536)
def describe_principal(principal: str | None) -> Principal:
    """Classify a principal given as an ARN, an account id, a service principal or None (anonymous)."""
    if principal is None or principal == "":
        return Principal(None, ANONYMOUS)
    if is_account_id(principal):
        return Principal(f"arn:aws:iam::{principal}:root", ROOT, principal)
    parts = principal.split(":", 5)
    if len(parts) == 6 and parts[0] == "arn":
        partition, service, account, resource = parts[1], parts[2], parts[4], parts[5]
        if service == "iam":
            if account == "cloudfront" and resource.startswith("user/"):
                return Principal(principal, ORIGIN_ACCESS_IDENTITY, partition=partition)
            if resource == "root":
                return Principal(principal, ROOT, account, partition)
            if resource.startswith("user/"):
                return Principal(principal, USER, account, partition, resource.rsplit("/", 1)[1])
            if resource.startswith("role/"):
                return Principal(
                    principal,
                    ROLE,
                    account,
                    partition,
                    resource.rsplit("/", 1)[1],
                    resource.startswith("role/aws-service-role/"),
                )
            if resource.startswith(("saml-provider/", "oidc-provider/")):
                return Principal(principal, FEDERATED, account, partition)
        if service == "sts":
            if resource.startswith("assumed-role/"):
                segments = resource.split("/")
                if len(segments) >= 3:
                    return Principal(
                        principal, SESSION, account, partition, segments[1], segments[1].startswith("AWSServiceRoleFor")
                    )
            if resource.startswith("federated-user/"):
                return Principal(principal, FEDERATED_USER, account, partition, resource.split("/", 1)[1])
        raise PolicyError(f"principal {principal!r} is not an IAM user, role, role session, root or federated user ARN")
    if principal.endswith((".amazonaws.com", ".amazonaws.com.cn")) and not principal.startswith("cognito-identity."):
        return Principal(principal, SERVICE)
    if len(principal) == 64 and all(c in "0123456789abcdef" for c in principal.lower()):
        return Principal(principal, CANONICAL_USER)
    return Principal(principal, FEDERATED)


def match_principal(spec: PrincipalSpec, who: Principal) -> str | None:
    """How a ``Principal`` element names the caller: DIRECT, ROLE_ARN (the role of a session, or a role
    given as the caller), ACCOUNT (only the caller's account), or None."""
    if spec.wildcard:
        return DIRECT
    kind = who.kind
    if kind == ANONYMOUS:
        return None
    if kind == SERVICE:
        return DIRECT if who.arn.lower() in spec.services else None
    if kind == FEDERATED:
        return DIRECT if who.arn in spec.federated else None
    if kind == CANONICAL_USER:
        return DIRECT if who.arn in spec.canonical_users else None
    if kind == ORIGIN_ACCESS_IDENTITY:
        return DIRECT if who.arn in spec.arns else None
    if who.arn in spec.arns:
        return ROLE_ARN if kind == ROLE else DIRECT
    if kind in (ROLE, SESSION) and (who.partition, who.account, who.name) in spec.roles:
        return ROLE_ARN
    if _names_account(spec, who):
        return ACCOUNT
    return None


@lru_cache(maxsize=4096)
def _session_name_conditions(spec: PrincipalSpec, who: Principal, userid: KnownPrefix | None) -> tuple:
    """For a role as the caller, which stands for each of its sessions: the conditions under which ``spec`` names
    the caller through a session ARN of that role (``arn:aws:sts::ACCOUNT:assumed-role/ROLE/NAME``): only a session
    given one of those names matches, a name whoever assumes the role picks (AssumeRole ``RoleSessionName``). The
    name ends the session's ``aws:userid``, the role's unique id, ``:`` and the session name (IAM User Guide,
    "Variables and tags"), so the conditions are on that key (``userid``: its value in the request, the role's id
    when that is known, else None); () when ``spec`` names no session of the role."""
    prefix = f"arn:{who.partition}:sts::{who.account}:assumed-role/{who.name}/"
    names = sorted(arn[len(prefix):] for arn in spec.arns if arn.startswith(prefix))
    # a session name is letters, digits and +=,.@_- (AWS STS API Reference, AssumeRole RoleSessionName)
    names = [name for name in names if name and not any(c in name for c in "/*?$")]
    if not names:
        return ()
    if userid is not None and userid.named and userid.prefix:
        return compile_conditions({"StringEquals": {"aws:userid": [userid.prefix + name for name in names]}},
                                  variables=False)
    return compile_conditions({"StringLike": {"aws:userid": [f"*:{name}" for name in names]}}, variables=False)


def _names_account(spec: PrincipalSpec, who: Principal) -> bool:
    """Whether ``spec`` names the caller's account: by a root ARN of the caller's partition (an ARN of another partition
    names another account, IAM User Guide, "IAM identifiers"), or by a bare account id."""
    return (who.partition, who.account) in spec.accounts or (None, who.account) in spec.accounts


def not_principal_excludes(spec: PrincipalSpec, who: Principal) -> bool:
    """True when a ``NotPrincipal`` element exempts the caller: everyone it stands for must be listed
    (a role session is exempt only when the session, its role and its account are all listed)."""
    if spec.wildcard:
        return True
    kind = who.kind
    if kind == ANONYMOUS:
        return False
    if kind == SERVICE:
        return who.arn.lower() in spec.services
    if kind == FEDERATED:
        return who.arn in spec.federated
    if kind == CANONICAL_USER:
        return who.arn in spec.canonical_users
    if kind == ORIGIN_ACCESS_IDENTITY:
        return who.arn in spec.arns
    listed = who.arn in spec.arns
    if kind == SESSION:
        listed = listed and (who.partition, who.account, who.name) in spec.roles
    return listed and _names_account(spec, who)


# --- grants: alternatives of (residual Condition block or None, matched statements) -----------------
# An empty list means "does not allow"; an alternative with residual None allows unconditionally.

YES = [(None, ())]  # allows, with no statement to report (a policy type that does not apply)
MAX_ALTERNATIVES = 256  # conditional alternatives kept when gates multiply them (static analysis only)
_NOTHING: list = []  # does not allow (shared; never mutated)
_NO_GRANTS: dict = {}  # a document that allows nothing (shared; never mutated)
_ANY_GRANT: dict = {DIRECT: YES}  # a document that allows everything (shared; never mutated)


def grant_or(*grants: list) -> list:
    """Any of the grants allows."""
    if len(grants) == 1 and len(grants[0]) <= 1:
        return grants[0]
    alternatives = [alt for grant in grants for alt in grant]
    for alt in alternatives:
        if alt[0] is None:
            return [alt]
    return alternatives


def grant_and(*grants: list) -> list:
    """Every grant allows (residual conditions are ANDed)."""
    result = YES
    for grant in grants:
        if not grant:
            return []
        if grant is YES:
            continue
        if result is YES:
            result = grant
            continue
        combined = []
        for left_residual, left_matched in result:
            for right_residual, right_matched in grant:
                if left_residual is None:
                    residual = right_residual
                elif right_residual is None:
                    residual = left_residual
                else:
                    residual = merge_condition_blocks(left_residual, right_residual)
                    if never_holds(residual):
                        continue  # the two sides' conditions exclude each other: this way allows nothing
                combined.append((residual, left_matched + right_matched))
        result = grant_or(combined[:MAX_ALTERNATIVES])
    return result


class _Run:
    """The state of one evaluation: the request facts and the Denies and unknown documents found."""

    def __init__(self, request: Request, who: Principal, action: str, resource: str, context: dict, known_absent):
        self.who = who
        self.action = action
        self.resource = resource
        self.context = context
        self.known_absent = known_absent
        self.unknown_context = request.unknown_context
        self.has_boundary = bool(request.permission_boundaries) and who.kind in (USER, ROLE, SESSION)
        self.denies: list[MatchedStatement] = []
        self.deny_conditions: list[dict] = []
        self.missing: list[str] = []

    def _resource_blocks(self, statement: Statement):
        """None when the statement's ``Resource``/``NotResource`` covers the request's resource, False when it does
        not, else the ``Condition`` blocks (ORed) under which it does: in static analysis, a value whose policy
        variables have unknown keys covers it only for some values of those keys."""
        resources = statement.resources
        if resources is None:
            return None
        if not (self.unknown_context and resources.templates):
            return None if resources.match(self.resource, self.context) != statement.not_resource else False
        found = resources.match_unknown(self.resource, self.context, self.known_absent)
        if found is True or not found:
            return None if (found is True) != statement.not_resource else False
        return [_none_of(found)] if statement.not_resource else found

    def _applies(self, statement: Statement, reads_principal: bool):
        """(outcome, residual blocks, principal match) for one statement whose action applies: outcome True/False/None
        (unknown: the statement applies when one of the residual blocks holds). ``reads_principal``: the policy type
        reads ``Principal``/``NotPrincipal`` (resource-based policies, which must have one); identity-based policies,
        boundaries, session policies, SCPs and RCPs (whose ``Principal`` can only be "*") do not."""
        blocks = self._resource_blocks(statement)
        if blocks is False:
            return False, (), None
        how = DIRECT
        conditions = statement.conditions
        spec = statement.principal
        if reads_principal and spec is not None:
            if statement.not_principal:
                # A Deny with NotPrincipal always applies to an IAM user or role that has a permissions
                # boundary, whatever it lists (IAM User Guide, "Permissions boundaries").
                bounded_deny = statement.effect == "Deny" and self.has_boundary
                if not bounded_deny and not_principal_excludes(spec, self.who):
                    return False, (), None
            else:
                how = match_principal(spec, self.who)
                if how is None:
                    # a role's sessions of the names a session ARN gives, a direct grant as for a session caller
                    userid = self.context.get("aws:userid")
                    named = _session_name_conditions(spec, self.who, userid if isinstance(userid, KnownPrefix) else None
                                                     ) if self.who.kind == ROLE and spec.arns else ()
                    if not named:
                        return False, (), None
                    how, conditions = DIRECT, (*conditions, *named)
        outcome, residual = True, None
        if conditions:
            outcome, residual = evaluate_conditions(conditions, self.context, self.unknown_context, self.known_absent)
            if outcome is False:
                return False, (), None
        if blocks is None:
            return outcome, (() if residual is None else (residual,)), how
        if residual is not None:
            blocks = [merged for block in blocks if not never_holds(merged := merge_condition_blocks(block, residual))]
            if not blocks:  # the resource's keys and the conditions exclude each other
                return False, (), None
        return None, tuple(blocks), how

    def policy(
        self, policy, kind: str, label: str, reads_principal: bool = False, position: tuple = ()
    ) -> dict:
        """Evaluate one document: record its Denies; return its allow grants by principal match.

        ``label`` and ``position`` name the document in results, e.g. ``("scps", (1, 0))`` -> ``scps[1][0]``.
        """
        if policy is None:
            # not known: recorded, and counted as the most it could give, so an Unknown answer keeps the conditions
            # of the known documents
            self.missing.append(_place(label, position))
            return _ANY_GRANT
        statements = policy.statements_for(self.action)
        if not statements:
            return _NO_GRANTS
        grants: dict = {}
        place = _place(label, position)
        for statement in statements:
            outcome, residuals, how = self._applies(statement, reads_principal)
            if outcome is False:
                continue
            matched = MatchedStatement(kind, place, policy.label, statement.sid, statement.index, statement.effect)
            if statement.effect == "Deny":
                if outcome:
                    self.denies.append(matched)
                else:
                    self.deny_conditions.extend(residuals)
            elif outcome:
                grants.setdefault(how, []).append((None, (matched,)))
            else:
                grants.setdefault(how, []).extend((residual, (matched,)) for residual in residuals)
        return {how: grant_or(alternatives) for how, alternatives in grants.items()} if grants else _NO_GRANTS

    def any_of(self, policies: list, kind: str, label: str, position: tuple = (), shape=None) -> list:
        """The OR of a list of documents' grants; ``shape`` reads a known document as its policy type requires
        (``as_service_control_policy``, ``as_resource_control_policy``: ``PolicyError`` for a document of another
        form)."""
        if not isinstance(policies, (list, tuple)):
            raise PolicyError(f"{_place(label, position)} must be a list of policy documents")
        grants = []
        for i, p in enumerate(policies):
            policy = _shaped(p, shape)
            # a document with no statement for the action allows nothing and records nothing: not walked
            if policy is None or policy.statements_for(self.action):
                grants.append(self.policy(policy, kind, label, position=(*position, i)).get(DIRECT, _NOTHING))
        return grant_or(*grants) if grants else _NOTHING

    def every_level(self, levels: list, kind: str, label: str, shape=None):
        """(AND over levels of the OR within each level, index of the first level that does not allow)."""
        if not isinstance(levels, (list, tuple)):
            raise PolicyError(f"{label} must be a list of levels, each a list of documents")
        result, failed = YES, None
        for level_index, level in enumerate(levels):
            if not isinstance(level, (list, tuple)):
                raise PolicyError(f"{label} must be a list of levels, each a list of documents")
            grant = self.any_of(level, kind, label, (level_index,), shape)
            if not grant and failed is None:
                failed = level_index
            result = grant_and(result, grant)
        return result, failed


def _lets_through(run: _Run, rcps: list) -> bool:
    """Whether the RCPs let the request through whatever else holds: every level allows it unconditionally, and no
    Deny applies or may apply and no document is unknown (``run``: a run of its own, for the RCPs alone)."""
    grant, _ = run.every_level(rcps, "rcp", "rcps", shape=as_resource_control_policy)
    return any(residual is None for residual, _ in grant) and not (run.denies or run.deny_conditions or run.missing)


def _shaped(document, shape) -> Policy | None:
    """``document`` parsed and, when known, read as its policy type requires (``shape``: ``PolicyError`` for a
    document of another form)."""
    policy = parse_policy(document)
    return policy if shape is None or policy is None else shape(policy)


def _none_of(blocks: list) -> dict:
    """The ``Condition`` block that holds when none of ``blocks`` does. A block on one key (a value with one variable
    of unknown key) is negated exactly; one on several keys cannot be in one block and is kept as "depends on those
    keys being present"."""
    result: dict = {}
    for block in blocks:
        keys = [key for keys in block.values() for key in keys]
        if len(block) != 1 or len(keys) != 1 or "Null" in block:
            negated = {"Null": {key: ["false"] for key in keys}}
        else:
            ((operator, values),) = block.items()
            ((key, values),) = values.items()
            negated = {"StringNotEquals": {key: values}}
            if operator.endswith("IfExists"):  # the default is one of the values: the key must also be present
                negated["Null"] = {key: ["false"]}
        result = merge_condition_blocks(result, negated)
    return result


@lru_cache(maxsize=4096)
def _place(label: str, position: tuple) -> str:
    """Where a document sits in the request: ``scps`` + (1, 0) -> ``scps[1][0]``."""
    return label + "".join(f"[{i}]" for i in position)


def _account_of_arn(arn: str | None) -> str | None:
    if not arn:
        return None
    parts = arn.split(":", 5)
    return parts[4] if len(parts) == 6 and is_account_id(parts[4]) else None


def _across_partitions(who: Principal, resource: str | None) -> bool:
    """Whether an IAM caller (ARN) and the resource ARN are in different partitions: "You cannot use IAM credentials
    from one partition to interact with resources in a different partition" (AWS Fault Isolation Boundaries,
    "Partitions"); resource-based policies delegate access "within a single partition" (IAM User Guide)."""
    partition = arn_partition(resource)
    return (who.arn is not None and who.arn.startswith("arn:") and who.kind in (*IAM_PRINCIPALS, FEDERATED)
            and bool(partition) and not any(c in partition for c in "*?") and partition != who.partition)


def _matched_resource(action: str, resource: str, partition: str) -> str:
    """What the statements' ``Resource``/``NotResource`` are matched against: ``resource``, except for an S3 action
    that takes no resource type (``s3:ListAllMyBuckets``) asked without one. S3 authorizes it on all of the account's
    S3 resources, ``arn:<partition>:s3:::*`` ("all S3 buckets and objects in your account", Amazon S3 User Guide,
    "Policy resources for Amazon S3"), which ``"*"`` and that ARN match ("Controlling access to a bucket with user
    policies" grants ``s3:ListAllMyBuckets`` on ``arn:aws:s3:::*``) and a bucket's ARN does not."""
    if resource != "*" or not action.startswith("s3:"):
        return resource
    known = catalog().action(action)
    return f"arn:{partition}:s3:::*" if known is not None and not known.resource_types else resource


def _is_service_linked_role(arn: str) -> bool:
    """True for the ARN of a service-linked role (path ``/aws-service-role/``)."""
    parts = arn.split(":", 5)
    return len(parts) == 6 and parts[2] == "iam" and parts[5].startswith("role/aws-service-role/")


def _caller_kind(who: Principal) -> str:
    """The principal kind, an identity provider told apart as SAML or web identity (OIDC, Cognito, ...)."""
    if who.kind == FEDERATED:
        return SAML_PROVIDER if ":saml-provider/" in who.arn else WEB_IDENTITY_PROVIDER
    return who.kind


def _may_call(who: Principal, action: str, resource: str) -> bool:
    """False when STS accepts ``action`` only from other kinds of callers than ``who`` (``sts:SetContext`` on the
    caller's own session, which is no AssumeRole, from any caller). A federated user session
    (GetFederationToken credentials) "cannot call AWS STS operations except GetCallerIdentity" (IAM User Guide,
    "Compare AWS STS credentials"), nor IAM ("You cannot call any IAM operations using the AWS CLI or the AWS API",
    AWS STS API Reference, GetFederationToken; console sessions are not modelled)."""
    if who.kind == FEDERATED_USER and action.startswith("sts:"):
        return action == "sts:getcalleridentity"
    if who.kind == FEDERATED_USER and action.startswith("iam:"):
        return False
    if action == "sts:setcontext" and not reads_trust_policy(action, resource):
        return True
    callers = STS_CALLERS.get(action)
    return callers is None or _caller_kind(who) in callers


_CALLER_NAMES = {
    USER: "IAM users",
    ROLE: "roles",
    SESSION: "role sessions",
    ROOT: "the root user",
    FEDERATED_USER: "federated user sessions",
    SERVICE: "AWS services",
    SAML_PROVIDER: "SAML identity providers",
    WEB_IDENTITY_PROVIDER: "web identity providers",
    CANONICAL_USER: "canonical users",
    ORIGIN_ACCESS_IDENTITY: "CloudFront origin access identities",
    ANONYMOUS: "anonymous callers",
}


def _sts_caller_reason(who: Principal, action: str) -> str:
    """Why STS refuses ``action`` from this kind of caller."""
    if who.kind == FEDERATED_USER and action.lower().startswith("iam:"):
        return f"A federated user session (GetFederationToken) cannot call IAM operations such as {action}."
    if who.kind == FEDERATED_USER:
        return f"STS does not accept {action} from federated user sessions, which may call only GetCallerIdentity."
    names = [name for kind, name in _CALLER_NAMES.items() if kind in STS_CALLERS[action.lower()]]
    callers = " and ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else names[0]
    return f"STS does not accept {action} from {_CALLER_NAMES[_caller_kind(who)]}, only from {callers}."


def _is_repository(resource: str) -> bool:
    """Whether ``resource`` is an Amazon ECR repository (``arn:aws:ecr:REGION:ACCOUNT:repository/NAME``)."""
    parts = resource.split(":", 5)
    return len(parts) == 6 and parts[2] == "ecr" and parts[5].startswith("repository/")


def _assume_root_refusal(management: str | None, target_account: str | None, task_policy) -> str | None:
    """Why STS refuses an AssumeRoot call whatever the policies say (None: it does not): a target that is the
    organization's management account, or a task policy that is not an AWS managed root-task policy."""
    if management and target_account == management:
        return ("AssumeRoot opens a session on a member account's root user; the organization's management account is "
                "no member account.")
    tasks = task_policy if isinstance(task_policy, list) else [] if task_policy is None else [task_policy]
    if not all(_ROOT_TASK_POLICY.fullmatch(task) for task in tasks):
        return "AssumeRoot takes only an AWS managed root-task policy (arn:aws:iam::aws:policy/root-task/...) as TaskPolicyArn."
    return None


def _root_access_administrator(request: Request, caller_account: str) -> bool | None:
    """Whether the caller's account may call AssumeRoot (the management account or the delegated administrator for
    IAM); None when the request does not say (``delegated_administrators`` without ``iam.amazonaws.com`` or not
    telling of the caller's account, or no ``management_account_id`` for a caller that is no delegated
    administrator)."""
    management = request.management_account_id
    if management and caller_account == management:
        return True
    administrators = request.delegated_administrators.get(IAM_SERVICE_PRINCIPAL)
    known = administrators.holds(caller_account) if administrators is not None else None
    if known is None:
        return None
    return True if known else (False if management else None)


def _bounded_direct(who: Principal, trust_call: bool, direct: list, boundary_grant: list) -> list:
    """A same-account grant of the resource-based policy naming the caller itself. A role's trust policy naming an IAM
    user is still limited by the user's permissions boundary: "If a permissions boundary is set for the user, then it
    must allow the sts:AssumeRole action" (IAM User Guide, "Update a role trust policy"); other grants naming a user or
    a session are not."""
    return grant_and(direct, boundary_grant) if trust_call and who.kind == USER else direct


def reads_trust_policy(action: str, resource: str) -> bool:
    """True when the role's trust policy is the resource policy that must allow ``action``: the STS calls on a role,
    but not ``sts:SetContext`` on the caller's own session (``arn:aws:sts::ACCOUNT:self``, allowed by identity-based
    policies alone, IAM User Guide, "Granting permissions to use identity-enhanced console sessions")."""
    if action not in TRUST_POLICY_ACTIONS:
        return False
    if action != "sts:setcontext":
        return True
    parts = resource.split(":", 5)
    return not (len(parts) == 6 and parts[2] == "sts" and parts[5] == "self")


def reads_key_policy(action: str, resource: str) -> bool:
    """True when ``action`` acts on a KMS key (``resource`` a key ARN; an alias ARN or ``"*"`` for an action whose
    resource types include ``key``): "Every KMS key must have exactly one key policy" and "Unless the key policy
    explicitly allows it, you cannot use IAM policies to allow access to a KMS key" (AWS KMS Developer Guide, "Key
    policies in AWS KMS"), so such a request always depends on one. A request naming an alias acts on the key the
    alias points to, or needs permission on it too (CreateAlias, UpdateAlias, DeleteAlias: "Controlling access to
    aliases"), and that key's policy is not the alias's to give."""
    if not action.startswith("kms:"):
        return False
    parts = resource.split(":", 5)
    if resource != "*" and not (len(parts) == 6 and parts[2] == "kms" and parts[5].startswith(("key/", "alias/"))):
        return False
    if len(parts) == 6 and parts[5].startswith("key/"):
        return True
    known = catalog().action(action)
    return known is not None and "key" in known.resource_types


def _rcps_cover(action: str) -> bool:
    """True when RCPs restrict ``action``: an action of a service RCPs support, but not one AWS exempts."""
    return action.split(":", 1)[0] in rcp_supported_services() and action not in RCP_EXEMPT_ACTIONS


# Keys every request carries: "This key is always included in the request context" (IAM User Guide, "AWS global
# condition context keys": aws:CurrentTime, aws:EpochTime, aws:RequestedRegion; "The aws:SecureTransport key is always
# present in the request context", "Condition operators", Boolean condition operators).
_ALWAYS_PRESENT = (*REQUEST_TIME_KEYS, "aws:requestedregion", "aws:securetransport")
# Keys every request made with temporary credentials carries, as a role's sessions and federated users' are: each "is
# included in the request context only when the principal uses temporary credentials to make the request" (IAM User
# Guide, "AWS global condition context keys", aws:MultiFactorAuthPresent, aws:TokenIssueTime).
_TEMPORARY_CREDENTIAL_KEYS = ("aws:multifactorauthpresent", "aws:tokenissuetime")
_PRESENT = KnownPrefix("")  # a key there, its value not known
# Keys "included in the request context for all requests, including anonymous requests" (IAM User Guide, "AWS global
# condition context keys"), whose value AWS does not document for an AWS service principal's own call nor for a SAML
# or OIDC caller (sts:AssumeRoleWithSAML, sts:AssumeRoleWithWebIdentity).
_EVERY_REQUEST_VALUE_UNKNOWN = ("aws:principalaccount", "aws:principaltype", "aws:userid")
# Keys an AWS service principal's own call carries with a value AWS does not document for it: those of every request,
# aws:ViaAWSService, "always included", and aws:PrincipalArn, in "all signed requests", which a service principal's
# call is (it has aws:PrincipalIsAWSService, present "for all signed API requests that use AWS credentials").
_SERVICE_VALUE_UNKNOWN = (*_EVERY_REQUEST_VALUE_UNKNOWN, "aws:viaawsservice", "aws:principalarn")


def default_context(
    who: Principal, principal_account: str | None, resource_account: str | None, static: bool = False
) -> dict:
    """The context keys AWS derives from the request itself (lower-cased names). A role session's
    ``aws:PrincipalArn`` is its role's ARN with the role's path, which the session ARN does not carry: the path is
    taken to be ``/`` in a request. In static analysis (``static``) the keys every request carries, those of
    temporary credentials for a role's sessions and federated users, a role session's ``aws:PrincipalArn`` and an
    IAM user's or role's ``aws:userid`` (from their unique ids, IAM User Guide, "Variables and tags") and the keys a
    service principal's call carries (``_SERVICE_VALUE_UNKNOWN``) and those of every request a SAML or OIDC caller's
    carries (``_EVERY_REQUEST_VALUE_UNKNOWN``) are there with a value not known (``KnownPrefix``), so ``Null``
    decides on them."""
    context = {}
    if static:
        context.update(dict.fromkeys(_ALWAYS_PRESENT, _PRESENT))
        if who.kind in (ROLE, SESSION, FEDERATED_USER):
            context.update(dict.fromkeys(_TEMPORARY_CREDENTIAL_KEYS, _PRESENT))
        if who.kind in (USER, ROLE, SESSION):
            context["aws:userid"] = _PRESENT
        if who.kind == SERVICE:
            context.update(dict.fromkeys(_SERVICE_VALUE_UNKNOWN, _PRESENT))
        if who.kind == FEDERATED:
            context.update(dict.fromkeys(_EVERY_REQUEST_VALUE_UNKNOWN, _PRESENT))
    if static and who.kind == SESSION:
        context["aws:principalarn"] = KnownPrefix(f"arn:{who.partition}:iam::{who.account}:role/", named=True)
    elif who.kind in IAM_PRINCIPALS:
        context["aws:principalarn"] = who.principal_arn
    if principal_account and who.kind in IAM_PRINCIPALS:
        # the account of a SAML or OIDC caller and of a service principal is not documented (present with a value
        # not known in static analysis)
        context["aws:principalaccount"] = principal_account
    elif who.kind == ANONYMOUS:
        context["aws:principalaccount"] = "anonymous"
    if who.kind in PRINCIPAL_TYPE_VALUES:
        context["aws:principaltype"] = PRINCIPAL_TYPE_VALUES[who.kind]
    if who.kind == USER:
        context["aws:username"] = who.name
    # aws:userid where the ARN fixes it (IAM User Guide, "Variables and tags", principal key values); users' and
    # roles' unique ids are not in their ARNs.
    if who.kind == ROOT:
        context["aws:userid"] = who.account
    elif who.kind == FEDERATED_USER:
        context["aws:userid"] = f"{who.account}:{who.name}"
    elif who.kind == ANONYMOUS:
        context["aws:userid"] = "anonymous"
    if who.kind == SERVICE:
        # the service principal names of the service (multi-valued): the one it calls with; the regional names some
        # services add are not known here
        context["aws:principalservicename"] = who.arn
        context["aws:principalservicenameslist"] = [who.arn]
    if who.kind not in (ANONYMOUS, FEDERATED):
        # present "for all signed API requests that use AWS security credentials": not for anonymous callers, nor for
        # SAML/OIDC callers, whose AssumeRoleWithSAML/WebIdentity is not signed with AWS credentials
        context["aws:principalisawsservice"] = "true" if who.kind == SERVICE else "false"
    if who.kind in IAM_PRINCIPALS:
        # an IAM principal's request says whether a service made it with the principal's credentials (forward access
        # sessions): false for a direct call. AWS's own Deny outside an IP range needs it so ("Bool":
        # {"aws:ViaAWSService": "false"}: "When a principal makes a request from outside the IP range, the request is
        # denied", IAM User Guide, "AWS: Denies access to AWS based on the source IP"); unknown in static analysis
        context["aws:viaawsservice"] = _PRESENT if static else "false"
    if resource_account:
        context["aws:resourceaccount"] = resource_account
    return context


def _add_request_time(context: dict) -> None:
    """A context giving the request time under one of ``aws:CurrentTime`` and ``aws:EpochTime`` gets it under the other
    too (a value that is not a date gives nothing)."""
    current, epoch = context.get("aws:currenttime"), context.get("aws:epochtime")
    if current is epoch or (type(current) is str) is (type(epoch) is str):
        return  # neither given (None), or both
    moment = parse_date(current if type(current) is str else epoch)
    if moment is None:
        return
    if type(current) is str:
        context["aws:epochtime"] = str(int(moment)) if moment.is_integer() else str(moment)
        return
    try:
        context["aws:currenttime"] = datetime.fromtimestamp(moment, timezone.utc).isoformat().replace("+00:00", "Z")
    except (OverflowError, OSError, ValueError):  # outside the years a datetime holds
        pass


def _add_called_via_ends(context: dict, called_via) -> None:
    """``aws:CalledViaFirst`` and ``aws:CalledViaLast``, the first and the last service of the ``aws:CalledVia`` chain
    (IAM User Guide, "AWS global condition context keys"), where the context does not give them."""
    chain = [called_via] if isinstance(called_via, str) else called_via
    if isinstance(chain, list) and chain:
        context.setdefault("aws:calledviafirst", chain[0])
        context.setdefault("aws:calledvialast", chain[-1])


def _add_resource_tag_twins(context: dict, given: dict, action: str) -> None:
    """The resource's tags under every name the action gives them: ``aws:ResourceTag/<key>`` and a service's own
    ``<service>:ResourceTag/<key>`` (``iam:ResourceTag`` of IAM users and roles, also on the STS calls on a role,
    ``ec2:ResourceTag``, ``ssm:resourceTag``) all read the tags attached to the resource (Service Authorization
    Reference: the condition keys of the action and of its resource types), so a tag given under one is there under the
    others."""
    prefixes = [key[:-1] for key in catalog().request_keys(action) or () if key.endswith(":resourcetag/*")]
    if len(prefixes) < 2:
        return
    for key, value in given.items():
        prefix = next((prefix for prefix in prefixes if key.startswith(prefix)), None)
        if prefix is not None:
            for twin in prefixes:
                context.setdefault(twin + key[len(prefix):], value)


def _service_context(service: str, who: Principal, principal_account: str | None, resource_account: str | None) -> dict:
    """The service-specific context keys AWS derives from the request itself (lower-cased names):
    ``kms:CallerAccount``, the AWS account of an IAM caller of KMS (it allows or denies "access to all identities (IAM
    users and roles) in an AWS account", AWS KMS Developer Guide, "AWS KMS condition keys"), and ``s3:ResourceAccount``, the account that owns the S3 resource
    (Service Authorization Reference, Amazon S3: "Filters access by the resource owner AWS account ID")."""
    if service == "kms" and principal_account and who.kind in IAM_PRINCIPALS:
        return {"kms:calleraccount": principal_account}
    if service == "s3" and resource_account:
        return {"s3:resourceaccount": resource_account}
    return {}


# Request parameters whose default value AWS KMS puts in the request context when the request leaves them out: action ->
# condition key -> default. AWS Key Management Service Developer Guide, "AWS KMS condition keys": a condition on a
# request parameter "works even when the parameter doesn't appear in the request, such as when you use the parameter's
# default value" (kms:KeySpec SYMMETRIC_DEFAULT "allows ... requests that have no KeySpec parameter"; kms:KeyUsage,
# kms:KeyOrigin and kms:MultiRegion read the property "of the KMS key that is created", whose defaults are
# ENCRYPT_DECRYPT, AWS_KMS and false, AWS KMS API Reference, CreateKey), and kms:EncryptionAlgorithm controls access
# "even when the algorithm isn't specified in the request" (SYMMETRIC_DEFAULT). Keys whose guide tests the parameter's
# absence with Null (kms:BypassPolicyLockoutSafetyCheck, kms:ExpirationModel) have no default here.
_SYMMETRIC_ALGORITHM = {"kms:encryptionalgorithm": "SYMMETRIC_DEFAULT"}
# The operations that generate data keys "use only symmetric encryption KMS keys and the SYMMETRIC_DEFAULT algorithm"
# (kms:EncryptionAlgorithm): their default is the only value, known in static analysis too.
_DATA_KEY_ACTIONS = ("kms:generatedatakey", "kms:generatedatakeywithoutplaintext", "kms:generatedatakeypair",
                     "kms:generatedatakeypairwithoutplaintext")
REQUEST_KEY_DEFAULTS = {
    "kms:createkey": {"kms:keyspec": "SYMMETRIC_DEFAULT", "kms:keyusage": "ENCRYPT_DECRYPT", "kms:keyorigin": "AWS_KMS",
                      "kms:multiregion": "false"},
    **dict.fromkeys(("kms:encrypt", "kms:decrypt", "kms:reencryptfrom", "kms:reencryptto", *_DATA_KEY_ACTIONS),
                    _SYMMETRIC_ALGORITHM),
}


def _request_key_defaults(action: str, static: bool) -> dict:
    """The keys of :data:`REQUEST_KEY_DEFAULTS` for ``action``: their default values in a request, which a context
    that does not give them leaves out; in static analysis there with a value not known (the request may name another),
    but for the data key operations, whose algorithm has one value."""
    defaults = REQUEST_KEY_DEFAULTS.get(action, {})
    return dict.fromkeys(defaults, _PRESENT) if static and action not in _DATA_KEY_ACTIONS else dict(defaults)


def _label(matched: MatchedStatement) -> str:
    sid = f" (Sid {matched.sid})" if matched.sid else ""
    return f"{matched.policy} statement {matched.statement}{sid}"


def _dedupe(items: list) -> list:
    seen, out = set(), []
    for item in items:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out


# The KMS operations on an alias itself, whose requests name the alias (and need permission on its key too)
ALIAS_ACTIONS = frozenset({"kms:createalias", "kms:updatealias", "kms:deletealias"})
ALIAS_KEY_NOT_GIVEN = "the KMS key the alias {alias} points to (not given)"


def _alias_key(action: str, resource: str | None) -> tuple[str, str] | None:
    """For a KMS operation on a key asked of an alias ARN (``arn:P:kms:R:A:alias/name``): (a stand-in ARN of the key it
    points to, ``arn:P:kms:R:A:key/*``, which only a statement covering every key of that account and Region names,
    the alias's name), else None. "You cannot use a key id, alias name, or alias ARN to identify a KMS key in an IAM
    policy statement"; an alias ARN as a statement's resource controls only the alias operations (AWS KMS Developer
    Guide, "Specifying KMS keys in IAM policy statements"): the request is authorized on the key, whose id the alias
    ARN does not give. An alias points to a key of its own account and Region ("Using aliases")."""
    if action in ALIAS_ACTIONS or not action.startswith("kms:"):
        return None
    parts = (resource or "").split(":", 5)
    if len(parts) != 6 or parts[2] != "kms" or not parts[5].startswith("alias/") or not reads_key_policy(action, resource):
        return None
    return f"arn:{parts[1]}:kms:{parts[3]}:{parts[4]}:key/*", parts[5]


def _names_some_key(request: Request, action: str, stand_in: str) -> bool:
    """Whether a statement of the request's documents that applies to ``action`` names, in ``Resource`` or
    ``NotResource``, one or some keys of the stand-in's account and Region but not every one of them (not the
    stand-in): whether it covers the alias's key then depends on which key that is. A value with a policy variable
    counts as naming some."""
    prefix = stand_in[: -len("*")]
    session = request.session_policy if isinstance(request.session_policy, (list, tuple)) else [request.session_policy]
    documents = [*request.identity_policies, *request.permission_boundaries, request.resource_policy, *session,
                 *(d for level in [*request.scps, *request.rcps] for d in (level or []))]
    for document in documents:
        try:
            policy = parse_policy(document)
        except PolicyError:
            continue  # the evaluation reports it
        for statement in policy.statements if policy is not None else ():
            if statement.resources is None or statement.actions.match(action) == statement.not_action:
                continue
            if statement.resources.match(stand_in, {}):
                continue
            raw = statement.source.get("NotResource" if statement.not_resource else "Resource")
            for value in raw if isinstance(raw, list) else [raw]:
                if isinstance(value, str) and "key/" in value and (
                        "${" in value or statement.resources.match(prefix + value.rsplit("key/", 1)[1], {})):
                    return True
    return False


def evaluate(request: Request) -> Evaluation:
    """Decide ``request``: Allowed, ImplicitlyDenied, ExplicitlyDenied, AllowedIf or Unknown. A KMS operation on a
    key asked of an alias ARN is decided on the key the alias points to (``_alias_key``): what the statements that
    cover every key of its account and Region say, unless a statement names some keys only (then Unknown, the key not
    given), or denies whatever the key."""
    action = request.action
    if not isinstance(action, str) or ":" not in action:
        raise PolicyError(f"action must look like service:Name, got {action!r}")
    if (alias := _alias_key(action.lower(), request.resource)) is not None:
        stand_in, name = alias
        result = _evaluate(replace(request, resource=stand_in))
        if result.decision == EXPLICITLY_DENIED or not _names_some_key(request, action.lower(), stand_in):
            return result
        missing = ALIAS_KEY_NOT_GIVEN.format(alias=name)
        return Evaluation(UNKNOWN, missing=[missing, *result.missing], reason=(
            f"The decision depends on {missing}: a statement names some KMS keys only, and a request naming an alias "
            f"is authorized on its key. On a key no such statement names: {result.decision}."))
    return _evaluate(request)


def _evaluate(request: Request) -> Evaluation:
    """``evaluate`` of a request on the resource it names."""
    action = request.action.lower()
    if request.principal is not None and not isinstance(request.principal, str):
        raise PolicyError("principal must be an ARN string or null")
    who = describe_principal(request.principal)
    principal_account = request.principal_account or who.account
    resource = request.resource or "*"
    resource_account = request.resource_account or _account_of_arn(request.resource) or principal_account
    if action in ALWAYS_ALLOWED_ACTIONS and who.kind != ANONYMOUS and _may_call(who, action, resource):
        return Evaluation(ALLOWED, reason=f"{request.action} needs no permission and no policy can deny it.")
    if _across_partitions(who, request.resource):
        return Evaluation(IMPLICITLY_DENIED, reason=(
            f"The caller is in partition {who.partition} and the resource in {arn_partition(request.resource)}: "
            "credentials of one partition cannot reach resources of another, whatever the policies say."))

    context = default_context(who, principal_account, resource_account, request.unknown_context)
    service = action.split(":", 1)[0]
    region = SINGLE_ENDPOINT_REGIONS.get((service, arn_partition(request.resource) or who.partition))
    if region and action != PASS_ROLE:
        context["aws:requestedregion"] = region
    context.update(_service_context(service, who, principal_account, resource_account))
    context.update(_request_key_defaults(action, request.unknown_context))
    given = normalize_context(request.context)
    context.update(given)
    if called_via := given.get("aws:calledvia"):
        _add_called_via_ends(context, called_via)
        if "aws:viaawsservice" not in given and who.kind in IAM_PRINCIPALS:
            context["aws:viaawsservice"] = "true"  # aws:CalledVia lists the services that made the request for the caller
    # AssumeRoot's target is the account its resource names (the member's root user), whatever account asks it
    if action == "sts:assumeroot" and (refusal := _assume_root_refusal(
            request.management_account_id, _account_of_arn(request.resource) or resource_account,
            given.get("sts:taskpolicyarn"))):
        return Evaluation(IMPLICITLY_DENIED, reason=refusal)
    if action == "sts:assumeroot" and _root_access_administrator(request, principal_account) is False:
        return Evaluation(IMPLICITLY_DENIED, reason=(
            f"AssumeRoot is called from the organization's management account or the delegated administrator for IAM; "
            f"account {principal_account} is neither."))
    _add_resource_tag_twins(context, given, action)
    _add_request_time(context)
    absent_keys = request.absent_keys
    if request.unknown_context:
        absent_keys = (*absent_keys, *_network_absent(context), *_request_tags_absent(action),
                       *(_PASS_ROLE_KEYS if action != PASS_ROLE else ()), *catalog().keys_never_carried(action))
    absent = known_absent(who, absent_keys)
    for key in [key for key, value in context.items() if isinstance(value, KnownPrefix) and key in absent]:
        del context[key]  # a request asked without a key the caller's kind carries
    run = _Run(request, who, action, _matched_resource(action, resource, who.partition), context, absent)
    management = request.management_account_id
    iam_caller = who.kind in IAM_PRINCIPALS

    # Principal side: identity-based policies, permissions boundary, session policy.
    identity_grant = boundary_grant = session_grant = YES
    if iam_caller and who.kind != ROOT:
        identity_grant = run.any_of(request.identity_policies, "identity", "identity_policies", shape=as_identity_policy)
        if not isinstance(request.permission_boundaries, (list, tuple)):
            raise PolicyError("permission_boundaries must be a list of policy documents")
        for index, boundary in enumerate(request.permission_boundaries):
            grants = run.policy(_shaped(boundary, as_identity_policy), "boundary", "permission_boundaries",
                                position=(index,))
            grant = grants.get(DIRECT, _NOTHING)
            boundary_grant = grant_and(boundary_grant, grant)
    if iam_caller and _has_session_policy(request) and isinstance(request.session_policy, (list, tuple)):
        # an inline session policy and managed ones (AssumeRole's Policy and PolicyArns): together they limit the
        # session, each allowing what it allows
        session_grant = run.any_of(request.session_policy, "session", "session_policy", shape=as_identity_policy)
    elif iam_caller and _has_session_policy(request):
        grants = run.policy(_shaped(request.session_policy, as_identity_policy), "session", "session_policy")
        session_grant = grants.get(DIRECT, _NOTHING)
    elif who.kind == FEDERATED_USER:
        # A GetFederationToken session without a session policy has no permissions of its own (IAM User Guide,
        # "Permissions for GetFederationToken"); a resource-based policy naming the session still grants.
        session_grant = _NOTHING

    # Resource side: the resource-based policy, by how its Principal named the caller.
    trust_call = reads_trust_policy(action, resource)
    resource_grants, key_call = {}, False
    # "The only resource-based policy that exists within the IAM service is the IAM role trust policy" (AWS Knowledge
    # Center, "Has prohibited field Principal"), and it decides only the STS calls on its role: a resource policy given
    # for an iam: action (iam:PassRole included) is not read, so it grants nothing (an iam: action on another account's
    # IAM resources is denied) and denies nothing. So for the other STS calls: their resources are no role (none, the
    # caller's own session, a federated user, an account's root user: Service Authorization Reference, AWS STS resource
    # types), and STS reads no resource-based policy for them.
    if request.resource_policy is not None and service != "iam" and (service != "sts" or trust_call):
        # the resource policy of the STS calls on a role is the role's trust policy
        shape = as_trust_policy if trust_call else as_repository_policy if _is_repository(resource) else as_resource_policy
        resource_grants = run.policy(
            shape(parse_policy(request.resource_policy)), "resource", "resource_policy", reads_principal=True
        )
    elif key_call := reads_key_policy(action, resource):
        # not given is not "none": every key has one, so the key policy is a document that is not known
        resource_grants = run.policy(None, "resource", KEY_POLICY_NOT_GIVEN)
    direct = resource_grants.get(DIRECT, _NOTHING)
    role_named = resource_grants.get(ROLE_ARN, _NOTHING)
    account_named = resource_grants.get(ACCOUNT, _NOTHING)

    # Organization guardrails.
    not_known = []  # facts of the request the answer depends on that it does not give (added to run.missing)
    if action == "sts:assumeroot" and _root_access_administrator(request, principal_account) is None:
        not_known.append(NOT_KNOWN_ADMINISTRATOR)
    scp_grant, scp_failed = YES, None
    if iam_caller and request.scps and not who.service_linked and not (management and principal_account == management):
        scp_grant, scp_failed = run.every_level(request.scps, "scp", "scps", shape=as_service_control_policy)
    rcp_grant, rcp_failed = YES, None
    if (
        request.rcps
        and not who.service_linked
        and not _is_service_linked_role(resource)
        and not (management and resource_account == management)
        and _rcps_cover(action)
    ):
        # every RCP statement names Principal "*" (as_resource_control_policy): it applies to every caller
        if action != "sts:assumeroot":
            rcp_grant, rcp_failed = run.every_level(request.rcps, "rcp", "rcps", shape=as_resource_control_policy)
        elif not _lets_through(_Run(request, who, action, run.resource, context, absent), request.rcps):
            not_known.append(RCPS_ON_ASSUME_ROOT)

    same_account = iam_caller and (principal_account == resource_account or action in OWN_POLICIES_ACROSS_ACCOUNTS)
    resource_policy_required = trust_call or (
        service in KEY_POLICY_SERVICES and (request.resource_policy is not None or key_call)
    )
    if not iam_caller:
        identity_side, principal_side = [], direct
    elif same_account:
        identity_side = grant_and(grant_or(identity_grant, role_named), boundary_grant, session_grant)
        principal_side = grant_or(identity_side, _bounded_direct(who, trust_call, direct, boundary_grant))
        if resource_policy_required:
            # A role assuming itself is no exception: "To allow users to assume the current role again within a role
            # session, specify the role ARN or AWS account ARN as a principal in the role trust policy" (IAM User
            # Guide, "Update a role trust policy"); naming the account delegates to its identity-based policies.
            principal_side = grant_and(grant_or(direct, role_named, account_named), principal_side)
    else:
        identity_side = grant_and(identity_grant, boundary_grant, session_grant)
        principal_side = grant_and(identity_side, grant_or(direct, role_named, account_named))
    if not _may_call(who, action, resource):
        principal_side = []
    allow = grant_and(principal_side, scp_grant, rcp_grant)
    # in static analysis an alternative under which a Deny's conditions always hold allows nothing
    reachable = [(residual, statements) for residual, statements in allow
                 if not any(holds_whenever(deny, residual or {}) for deny in run.deny_conditions)]
    denied_wherever_allowed, allow = bool(allow) and not reachable, reachable
    if allow:
        run.missing.extend(not_known)  # an answer that allows would depend on them; one that denies does not

    if run.denies:
        denies = _dedupe(run.denies)
        return Evaluation(EXPLICITLY_DENIED, matched=denies, reason=f"Explicitly denied by {_label(denies[0])}.")
    if run.missing:
        # what the known documents say, the unknown ones counted as allowing everything: the conditions any allow
        # needs (of one alternative) and the Denies' unknown conditions, or that no content of them would allow
        missing = _dedupe(run.missing)
        conditions = [residual for residual, _ in allow if residual is not None]
        if not allow:
            known = "it is not allowed whatever they hold (denied implicitly, or explicitly by one of them)"
        elif len(conditions) == len(allow):
            known = "if they allow it, it is allowed only if the conditions of one alternative hold"
        else:
            known = "if they allow it, it is allowed"
        return Evaluation(
            UNKNOWN,
            conditions=conditions if len(conditions) == len(allow) else [],
            deny_conditions=_dedupe_blocks(run.deny_conditions),
            missing=missing,
            reason=f"The decision depends on documents that are not known: {', '.join(missing)}; {known}.",
        )
    if denied_wherever_allowed:
        return Evaluation(
            IMPLICITLY_DENIED,
            deny_conditions=_dedupe_blocks(run.deny_conditions),
            reason="Not allowed: wherever the conditions of an allow hold, a Deny's conditions hold too "
            "(context keys not known).",
        )
    if not allow:
        return Evaluation(
            IMPLICITLY_DENIED,
            reason=_implicit_deny_reason(
                request,
                who,
                same_account,
                resource_policy_required,
                scp_failed,
                rcp_failed,
                identity_grant,
                boundary_grant,
                session_grant,
                identity_side,
                principal_side,
                direct,
                role_named,
                account_named,
            ),
        )
    conditions = [residual for residual, _ in allow if residual is not None]
    matched = _dedupe([m for _, statements in allow for m in statements])
    if not conditions and not run.deny_conditions:
        return Evaluation(
            ALLOWED,
            matched=matched,
            reason=f"Allowed by {_label(matched[0])}."
            if matched
            else "Allowed: the root user has full access in its own account.",
        )
    deny_conditions = _dedupe_blocks(run.deny_conditions)
    if conditions:
        reason = "Allowed only if the conditions of one alternative hold"
    else:
        reason = "Allowed"
    if deny_conditions:
        reason += ", and none of the deny conditions hold"
    return Evaluation(
        ALLOWED_IF,
        matched=matched,
        conditions=_dedupe_blocks(conditions),
        deny_conditions=deny_conditions,
        reason=reason + " (context keys not known).",
    )


def _dedupe_blocks(blocks: list) -> list:
    seen, out = set(), []
    for block in blocks:
        key = repr(sorted((op, sorted((k, tuple(v)) for k, v in keys.items())) for op, keys in block.items()))
        if key not in seen:
            seen.add(key)
            out.append(block)
    return out


def _implicit_deny_reason(
    request,
    who,
    same_account,
    resource_policy_required,
    scp_failed,
    rcp_failed,
    identity_grant,
    boundary_grant,
    session_grant,
    identity_side,
    principal_side,
    direct,
    role_named,
    account_named,
) -> str:
    action = request.action
    if not _may_call(who, action.lower(), request.resource or "*"):
        return _sts_caller_reason(who, action)
    if scp_failed is not None:
        return f"No SCP at level {scp_failed} (scps[{scp_failed}]) allows {action}."
    if rcp_failed is not None:
        return f"No RCP at level {rcp_failed} (rcps[{rcp_failed}]) allows {action}."
    if action.lower() == PASS_ROLE and (who.kind not in IAM_PRINCIPALS or not same_account):
        return f"{action} passes only a role of the caller's own account, granted by the caller's own policies."
    if action.lower().startswith("iam:") and not same_account:
        return f"IAM reads no resource-based policy for {action}: an IAM action on another account's resources is denied."
    if who.kind not in IAM_PRINCIPALS:
        return f"No resource-based policy statement allows {action} for this {who.kind} principal."
    resource_side = direct or role_named or account_named
    if resource_policy_required and not resource_side:
        return f"The resource-based policy (trust or key policy) does not allow {action} for this principal."
    # a grant to the caller's role counts as an identity-based one only within its account
    own_grant = identity_grant or (same_account and role_named)
    trust_names_user = direct and who.kind == USER and reads_trust_policy(action.lower(), request.resource or "*")
    if (own_grant or trust_names_user) and not boundary_grant:
        return f"The permissions boundary does not allow {action}."
    if identity_grant and who.kind == FEDERATED_USER and not _has_session_policy(request):
        return f"A federated user session without a session policy has no permissions: nothing allows {action}."
    if own_grant and not session_grant:
        return f"The session policy does not allow {action}."
    if own_grant and not identity_side:
        return (f"The conditions under which the identity-based policies, the permissions boundary and the session "
                f"policy allow {action} exclude each other.")
    if principal_side:
        return f"The conditions under which the policies and the SCPs or RCPs allow {action} exclude each other."
    if not same_account:
        if not identity_side:
            return f"Cross-account: no identity-based policy of the caller allows {action}."
        return f"Cross-account: the resource-based policy does not allow {action} for this principal."
    if account_named and not identity_grant:
        return (
            f"The resource-based policy names only the account, which delegates to identity-based policies, "
            f"and none allows {action}."
        )
    return f"No identity-based or resource-based policy allows {action}."

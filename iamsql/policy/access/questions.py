"""The questions iamsql asks the policy engine about every principal (``queries/access.yaml``): administrator
access, passing and assuming any role, and the known privilege-escalation paths."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from iamsql.common import yamltext
from iamsql.common.lazy import lazy_import
from iamsql.errors import IamsqlError, first_line
from iamsql.policy.catalog import probe_resources
from iamsql.sql import cache as sqlcache

yaml = lazy_import("yaml")  # imported when the file is parsed, not when its parsed copy is read (``_parsed``)

# resources that run code with a role of their own: target -> the Steampipe table that lists them with their role
WORKLOADS = {
    "function": "aws_lambda_function",
    "instance": "aws_ec2_instance",
    "project": "aws_codebuild_project",
    "notebook": "aws_sagemaker_notebook_instance",
    "dev_endpoint": "aws_glue_dev_endpoint",
    "stack": "aws_cloudformation_stack",  # its service role, which every later operation on it uses
    "state_machine": "aws_sfn_state_machine",  # its role, which a new definition (UpdateStateMachine) keeps
}
# actions on an existing resource that the table lists and that gives the path nothing of its own (the power comes from
# the role the caller passes): action -> that table. When the table is loaded and holds none, there is nothing to act on
# (SetIdentityPoolRoles sets the roles of an existing identity pool; the path does not create one)
EXISTING = {"cognito-identity:setidentitypoolroles": "aws_cognito_identity_pool"}
TARGETS = (
    "self", "user", "role", "group", "policy", "any", "catalog", "*", "own_group", "own_policy", "bounded_self",
    "new_user", "new_role", "service_role", *WORKLOADS,
)
NEW = ("new_user", "new_role")  # a user or role the caller creates: any name an Allow statement of the path lets it use
OWN = ("self", "own_group", "own_policy", "bounded_self")  # targets that depend on the principal asked about
PROBE = "iamsql-probe"


@dataclass(frozen=True)
class Probe:
    """One request of a question: an action and the targets it may be tried on (any one is enough)."""

    action: str
    targets: tuple[str, ...]
    # request context keys the probe is asked with (iam:PassedToService); a value None: the key is absent, a tuple:
    # alternatives (any one is enough)
    context: tuple[tuple[str, str | tuple[str, ...] | None], ...] = ()
    # what the request does to the user or role it names: "takes_over" (the caller may then act as it), "grants"
    # (it then holds any permission), or None (queries/access.yaml, takes_over and grants)
    effect: str | None = None
    # sts:AssumeRole of a role the caller creates: the trust policy it writes names it, so that trust decides with
    # the caller's own policies (an identity Allow is not needed within the account)
    trusts_caller: bool = False
    # a ``catalog`` request of an escalation path: also asked on each resource of that kind the caller's Allow
    # statements name (a function it creates under a name they allow, ``function:reports-*``), as the caller, not
    # the policy, picks the resource it creates or acts on
    named: bool = False


@dataclass(frozen=True)
class Question:
    """A power a principal may hold: it holds it when every probe is allowed."""

    id: str
    title: str
    probes: tuple[Probe, ...]
    # an escalation path that hands its role to EC2, which takes an instance profile, not a role: where the account's
    # instance profiles are loaded, only a role one of them holds can be passed (queries/access.yaml, instance_profile)
    instance_profile: bool = False

    @cached_property
    def actions(self) -> frozenset[str]:
        """The actions an identity statement must allow for the question to hold."""
        return frozenset(p.action for p in self.probes if not p.trusts_caller)

    @cached_property
    def probe_actions(self) -> tuple[str, ...]:
        """Each probe's action, in order."""
        return tuple(p.action for p in self.probes)

    @cached_property
    def asks_self(self) -> bool:
        """Whether a probe may be asked on the principal itself (its answer then names the principal)."""
        return any(t in OWN for p in self.probes for t in p.targets)


PASSED_TO_SERVICE = "iam:PassedToService"
# IAM authorizes a new permissions boundary with iam:PermissionsBoundary set to the policy it names: a principal
# escapes its boundary when it may set one that is not that boundary, such as AdministratorAccess
PERMISSIONS_BOUNDARY = "iam:PermissionsBoundary"
NEW_BOUNDARY = "arn:{partition}:iam::aws:policy/AdministratorAccess"  # {partition}: the account's, when asked
SETS_BOUNDARY = ("iam:putuserpermissionsboundary", "iam:putrolepermissionsboundary")
# a user or role created without a permissions boundary: IAM authorizes CreateUser / CreateRole with
# iam:PermissionsBoundary only when one is set, so an Allow that requires a boundary does not open the path
CREATES = ("iam:createuser", "iam:createrole")
# IAM authorizes attaching a managed policy with iam:PolicyARN set to the policy attached (Service Authorization
# Reference): a path that attaches one opens when the caller may attach a policy that gives power, AWS's
# AdministratorAccess or IAMFullAccess, or a loaded policy of the account that gives power as they do
# (``AccountModel.powerful_policies``; any one is enough), so an Allow limited to ReadOnlyAccess does not open it
POLICY_ARN = "iam:PolicyARN"
POWERFUL_POLICIES = ("arn:{partition}:iam::aws:policy/AdministratorAccess", "arn:{partition}:iam::aws:policy/IAMFullAccess")
ATTACHES = ("iam:attachuserpolicy", "iam:attachgrouppolicy", "iam:attachrolepolicy")


def _probes(name: str, items, service: str | dict | None = None,
            effects: dict[str, str] | None = None, path: bool = False) -> tuple[Probe, ...]:
    """``service``: the service every ``iam:PassRole`` request of the path passes its role to, or one per target
    (``{role: ..., service_role: ...}``: a path that passes two roles to two services); ``path``: the requests are
    an escalation path's (``Probe.named``)."""
    probes = []
    for item in items or []:
        if not (isinstance(item, list) and len(item) == 2 and all(isinstance(v, str) for v in item)):
            raise IamsqlError(f"queries/access.yaml: {name}: each request is [action, target], got {item!r}")
        action, target = item
        targets = tuple(target.split("|"))
        unknown = [t for t in targets if t not in TARGETS]
        if unknown or ":" not in action:
            raise IamsqlError(f"queries/access.yaml: {name}: bad request {item!r} (targets: {', '.join(TARGETS)})")
        # iam:PassRole is authorized with the service the role is passed to as iam:PassedToService
        passed_to = service.get(targets[0]) if isinstance(service, dict) else service
        context = ((PASSED_TO_SERVICE, passed_to),) if passed_to and action.lower() == "iam:passrole" else ()
        if action.lower() in SETS_BOUNDARY:
            context = ((PERMISSIONS_BOUNDARY, NEW_BOUNDARY),)
        if action.lower() in CREATES:
            context = ((PERMISSIONS_BOUNDARY, None),)  # None: the key is absent from the request
        if action.lower() in ATTACHES:
            context = ((POLICY_ARN, POWERFUL_POLICIES),)
        trusts_caller = action.lower() == "sts:assumerole" and "new_role" in targets
        probes.append(Probe(action, targets, context, (effects or {}).get(action.lower()), trusts_caller,
                            path and "catalog" in targets))
    if not probes:
        raise IamsqlError(f"queries/access.yaml: {name} has no request")
    return tuple(probes)


@lru_cache(maxsize=4)
def load_questions(path: Path) -> tuple[Question, ...]:
    """Every question of the file: the named ones, then ``escalation:<path>`` for each escalation path."""
    try:
        data = _parsed(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise IamsqlError(f"{path.name}: cannot be read: {first_line(exc)}") from None
    questions = [
        Question(qid, str(spec.get("title") or qid), _probes(qid, spec.get("requests")))
        for qid, spec in (data.get("questions") or {}).items()
    ]
    services = data.get("passed_to_service") or {}
    unknown = sorted(set(services) - set(data.get("escalation") or {}))
    if unknown:
        raise IamsqlError(f"queries/access.yaml: passed_to_service names paths that do not exist: {', '.join(unknown)}")
    for name, service in services.items():
        if not (isinstance(service, str) or isinstance(service, dict) and set(service) <= set(TARGETS)):
            raise IamsqlError(f"queries/access.yaml: passed_to_service: {name}: a service, or a service per target")
    profiled = data.get("instance_profile") or []
    if not isinstance(profiled, list):
        raise IamsqlError("queries/access.yaml: instance_profile is not a list of escalation paths")
    unknown = sorted(set(map(str, profiled)) - set(data.get("escalation") or {}))
    if unknown:
        raise IamsqlError(f"queries/access.yaml: instance_profile names paths that do not exist: {', '.join(unknown)}")
    effects = {str(action).lower(): "grants" for action in data.get("grants") or []}
    effects.update({str(action).lower(): "takes_over" for action in data.get("takes_over") or []})
    questions += [
        Question(
            f"escalation:{name}", f"privilege escalation through {name}",
            _probes(name, items, services.get(name), effects, path=True), name in profiled,
        )
        for name, items in (data.get("escalation") or {}).items()
    ]
    return tuple(questions)


def _parsed(text: str) -> dict:
    """The file's document, kept parsed beside the translation cache (``sql.cache.kept``), keyed by the file and the
    code that reads it: a process reads JSON instead of importing PyYAML and parsing the file."""
    readers = (Path(__file__), Path(yamltext.__file__))
    return sqlcache.kept("questions", [text.encode(), *(path.read_bytes() for path in readers)],
                         lambda: _questions_document(yamltext.load(text)), _document, _document)


def _questions_document(value) -> dict:
    """The file's value when it has the questions file's shape: a mapping with questions or escalation paths, each
    section a mapping and each question a mapping (another shape is one line, not a question left unasked)."""
    if not isinstance(value, dict) or not (value.get("questions") or value.get("escalation")):
        raise IamsqlError("queries/access.yaml: not a mapping with questions or escalation paths")
    for section in ("questions", "escalation", "passed_to_service"):
        if not isinstance(value.get(section) or {}, dict):
            raise IamsqlError(f"queries/access.yaml: {section} is not a mapping of names")
    for qid, spec in (value.get("questions") or {}).items():
        if not isinstance(spec, dict):
            raise IamsqlError(f"queries/access.yaml: questions: {qid} is not a mapping (title, requests)")
    return value


def _document(value) -> dict:
    """The parsed document as it is kept and read back: a mapping (another value is not the questions file's)."""
    if not isinstance(value, dict):
        raise TypeError("the questions file holds no mapping")
    return value


def resources_for(target: str, action: str, *, partition: str, account_id: str, self_arn: str) -> tuple[str, ...]:
    """The concrete resource ARNs a probe is asked on (all of them must be allowed, as IAM authorizes every
    resource a request names)."""
    iam = f"arn:{partition}:iam::{account_id}"
    if target in ("self", "bounded_self"):
        return (self_arn,)
    if target in ("user", "role", "group", "policy"):
        return (f"{iam}:{target}/{PROBE}",)
    if target == "service_role":  # a role no statement names; ``pass_admin_rows`` asks the loaded ones
        return (f"{iam}:role/{PROBE}",)
    if target in NEW:  # a name no statement names; ``create_rows`` asks the names the statements allow
        return (f"{iam}:{target[4:]}/{PROBE}",)
    if target == "instance":  # an EC2 instance no statement names, with the first document it may be asked with
        return instance_requests(action, f"arn:{partition}:ec2:us-east-1:{account_id}:instance/{PROBE}",
                                 partition=partition, account_id=account_id)[0]
    if target in WORKLOADS:  # one no statement names; ``workload_rows`` asks the ones the statements name
        return probe_resources(action, partition=partition, account_id=account_id, name=PROBE)
    if target == "any":
        return (f"arn:{partition}:iamsqlprobe:us-east-1:{account_id}:{PROBE}",)
    if target == "*":
        return ("*",)
    if target.startswith("arn:"):  # a concrete resource (``Asker.asking_on``: a loaded role or group)
        return (target,)
    return probe_resources(action, partition=partition, account_id=account_id, name=PROBE)


# the document that runs any shell command on an instance, besides a document of the account (the catalog's probe)
SHELL_DOCUMENTS = {
    "ssm:sendcommand": "arn:{partition}:ssm:us-east-1::document/AWS-RunShellScript",
    "ssm:startsession": "arn:{partition}:ssm:us-east-1:{account_id}:document/SSM-SessionManagerRunShell",
}


def instance_requests(action: str, instance: str, *, partition: str, account_id: str) -> list[tuple[str, ...]]:
    """The resources of a request that runs code on the EC2 instance ``instance``, as alternatives (any one is
    enough), each naming the instance and, for Systems Manager, a document: a document of the account (the catalog's
    probe), or the document that runs any shell command (Systems Manager's ``AWS-RunShellScript`` for ``ssm:SendCommand``, the
    Session Manager shell document for ``ssm:StartSession``)."""
    documents = [d for d in probe_resources(action, partition=partition, account_id=account_id, name=PROBE)
                 if d != "*" and ":instance/" not in d]  # an EC2 action names the instance alone
    shell = SHELL_DOCUMENTS.get(action.lower())
    if shell:
        documents.append(shell.format(partition=partition, account_id=account_id))
    return [(document, instance) for document in documents] or [(instance,)]

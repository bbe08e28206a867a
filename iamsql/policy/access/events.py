"""The policy engine applied to the policy documents IAM change events carry or name (``ACCESS_TABLES``):

- ``iam_event_policy_grant``: one row per successful Attach{User,Role,Group}Policy (the attached managed
  policy's document as loaded in ``aws_iam_policy``), Put{User,Role,Group}Policy, CreatePolicy or
  CreatePolicyVersion (the document in the request), SetDefaultPolicyVersion (the version's document from the
  earlier CreatePolicy or CreatePolicyVersion event that created it, else the loaded policy's when the snapshot's
  default version is that one, else that version's in the snapshot's ``policy_versions``) or AddUserToGroup (the loaded group's policies, judged together), naming the
  granted document by its ``document_id``. An event whose document is not known (a managed policy or group that
  is not loaded, a request without a readable document) gets no row: the detections then judge it from the
  event alone.
- ``iam_event_policy_answer``: per account and distinct granted document, each question of
  ``queries/access.yaml`` asked of that document on its own. The named questions always get a row; an
  escalation path only when it is open (or cannot be judged). The helper view ``iam_event_policy_access`` joins
  the two: one row per grant event and answer.
- ``iam_event_trust_access``: per successful UpdateAssumeRolePolicy or CreateRole, per principal the new trust
  policy names, the engine's trust analysis (``trust.ask``), and whether the trusted account is a member of the
  role's organization (when the organization is loaded).
- ``iam_event_resource_policy_access``: per successful call setting a resource policy (``RESOURCE_POLICY_CALLS``),
  per AWS principal the new policy names and action of ``RESOURCE_ACTIONS`` it admits, the same trust analysis
  asked of that action on the resource; one ``Error`` row for a policy the engine cannot read.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import replace

import duckdb

from iamsql.common.policy_text import json_text
from iamsql.policy import PolicyError, parse_policy
from iamsql.policy.access import trust as trust_analysis
from iamsql.policy.access.model import AccountModel, AttachedPolicy, _Documents
from iamsql.policy.access.organization import Guardrails
from iamsql.policy.access.questions import Question
from iamsql.policy.access.tables import (
    SHOWN,
    Asker,
    PrincipalAnswers,
    Workloads,
    policy_answers,
    trust_answers,
)
from iamsql.policy.document import as_repository_policy, as_resource_policy

ATTACH = ("AttachUserPolicy", "AttachRolePolicy", "AttachGroupPolicy")
DOCUMENT = ("PutUserPolicy", "PutRolePolicy", "PutGroupPolicy", "CreatePolicy", "CreatePolicyVersion")
TRUST = ("UpdateAssumeRolePolicy", "CreateRole")
OTHER = ("SetDefaultPolicyVersion", "AddUserToGroup")
REQUEST_FIELDS = (
    "policyArn", "policyName", "policyDocument", "assumeRolePolicyDocument", "roleName", "path", "versionId", "groupName"
)
# the version a CreatePolicyVersion or CreatePolicy created: its policy's ARN and the version id
RESPONSE_FIELDS = {"createdPolicyArn": "policy.arn", "createdVersion": "policy.defaultVersionId",
                   "newVersion": "policyVersion.versionId"}
EVENTS_SQL = """
select {columns}
from aws_cloudtrail_trail_event
where event_source = 'iam.amazonaws.com' and error_code is null and event_id is not null and account_id is not null
  and event_name in ({names})
"""
ORDER = "account_id, event_time, event_id"
NAMES = ", ".join(f"'{n}'" for n in (*ATTACH, *DOCUMENT, *TRUST, *OTHER))
# The calls that set a resource policy, by service (event source's first label), and the actions of the service
# the engine is asked whether the new policy admits an outside principal to: reading or changing what the resource
# holds, and taking it over (its policy, its deletion).
RESOURCE_POLICY_CALLS = {
    "secretsmanager": ("PutResourcePolicy",),
    "kms": ("PutKeyPolicy", "CreateKey"),
    "sns": ("SetTopicAttributes", "CreateTopic"),
    "sqs": ("SetQueueAttributes", "CreateQueue"),
    "ecr": ("SetRepositoryPolicy",),
}
RESOURCE_ACTIONS = {
    "secretsmanager": ("secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue",
                       "secretsmanager:PutResourcePolicy", "secretsmanager:DeleteSecret"),
    "kms": ("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom", "kms:CreateGrant",
            "kms:PutKeyPolicy", "kms:ScheduleKeyDeletion"),
    "sns": ("sns:Subscribe", "sns:Publish", "sns:SetTopicAttributes"),
    "sqs": ("sqs:ReceiveMessage", "sqs:SendMessage", "sqs:SetQueueAttributes"),
    "ecr": ("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:PutImage", "ecr:SetRepositoryPolicy"),
}
RESOURCE_SQL = """
select {columns}
from aws_cloudtrail_trail_event
where error_code is null and event_id is not null and account_id is not null
  and event_source in ({sources}) and event_name in ({names})
"""
RESOURCE_COLUMNS = (
    "account_id, coalesce(partition, 'aws'), coalesce(aws_region, region), event_id, event_source, event_name, "
    "request_parameters::varchar, response_elements::varchar"
)
RESOURCE_FILTER = {
    "sources": ", ".join(f"'{service}.amazonaws.com'" for service in RESOURCE_POLICY_CALLS),
    "names": ", ".join(f"'{n}'" for names in RESOURCE_POLICY_CALLS.values() for n in names),
}
QUEUE_URL = re.compile(r"https?://[^/]+/([0-9]{12})/([^/?]+)")  # a queue's URL: its account and name


class _Decoded:
    """Each distinct JSON text decoded once: the same ARNs, names and policy documents recur in thousands of
    events."""

    def __init__(self) -> None:
        self._values: dict[str, object] = {}

    def __call__(self, text: str) -> object:
        """The value of a JSON text; None when it is not JSON."""
        try:
            return self._values[text]
        except KeyError:
            pass
        try:
            value = json.loads(text)
        except ValueError:
            value = None
        self._values[text] = value
        return value

    def document(self, value) -> dict | None:
        """A policy document from a request parameter (CloudTrail records it as JSON text)."""
        if isinstance(value, str):
            value = self(value)
        return value if isinstance(value, dict) else None


def _events(con: duckdb.DuckDBPyConnection, decoded: _Decoded) -> list[tuple[str, str, str, str, dict]]:
    """The successful IAM change events the tables read, with the request parameters they read (DuckDB extracts
    them from each event's JSON; each distinct value is decoded once)."""
    fields = [f"json_extract(request_parameters, '$.{field}')::varchar" for field in REQUEST_FIELDS]
    fields += [f"json_extract(response_elements, '$.{path}')::varchar" for path in RESPONSE_FIELDS.values()]
    columns = f"account_id, coalesce(partition, 'aws'), event_id, event_name, {', '.join(fields)}"
    keys = (*REQUEST_FIELDS, *RESPONSE_FIELDS)
    return [
        (
            account,
            partition,
            event_id,
            name,
            {field: decoded(text) for field, text in zip(keys, texts) if text is not None},
        )
        for account, partition, event_id, name, *texts in con.execute(
            EVENTS_SQL.format(columns=columns, names=NAMES) + f"order by {ORDER}"
        ).fetchall()
    ]


def attached_policies(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str]]:
    """(account, ARN) of every managed policy the grant events attach: all the event tables read of the snapshot's
    managed policies."""
    column = "distinct account_id, json_extract(request_parameters, '$.policyArn')::varchar"
    decoded = _Decoded()
    return {
        (account, arn)
        for account, text in con.execute(
            EVENTS_SQL.format(columns=column, names=", ".join(f"'{n}'" for n in ATTACH))
        ).fetchall()
        if text is not None and isinstance(arn := decoded(text), str)
    }


def events_fingerprint(con: duckdb.DuckDBPyConnection) -> tuple[int, str]:
    """How many events the event tables read of those visible on the connection, and the SHA-256 of what they read
    of them, in the order they read it."""
    row = "sha256(to_json({a: account_id, p: coalesce(partition, 'aws'), e: event_id, n: event_name, "
    row += "r: request_parameters::varchar, v: json_extract(response_elements, '$.policyVersion.versionId'), "
    row += "c: json_extract(response_elements, '$.policy')}))"
    columns = f"count(*), sha256(coalesce(string_agg({row}, '' order by {ORDER}), ''))"
    ((count, digest),) = con.execute(EVENTS_SQL.format(columns=columns, names=NAMES)).fetchall()
    resource_row = f"sha256(to_json(({RESOURCE_COLUMNS})))"
    columns = f"count(*), sha256(coalesce(string_agg({resource_row}, '' order by {ORDER}), ''))"
    ((more, resource_digest),) = con.execute(RESOURCE_SQL.format(columns=columns, **RESOURCE_FILTER)).fetchall()
    if not more:
        return count, digest
    return count + more, hashlib.sha256(f"{digest}\0{resource_digest}".encode()).hexdigest()


def _resource_events(con: duckdb.DuckDBPyConnection, decoded: _Decoded):
    """The successful calls setting a resource policy: (account, partition, region, event id, service, name,
    request, response), the request and response decoded (an empty object when absent)."""
    for account, partition, region, event_id, source, name, request, response in con.execute(
        RESOURCE_SQL.format(columns=RESOURCE_COLUMNS, **RESOURCE_FILTER) + f"order by {ORDER}"
    ).fetchall():
        request, response = decoded(request or "{}"), decoded(response or "{}")
        yield (account, partition, region, event_id, source.split(".", 1)[0], name,
               request if isinstance(request, dict) else {}, response if isinstance(response, dict) else {})


def _text(value) -> str | None:
    return value if isinstance(value, str) and value else None


def resource_policy(
    service: str, name: str, account: str, partition: str, region: str, request: dict, response: dict
) -> tuple[str, object] | None:
    """(the resource's ARN, the new policy as the request gives it: JSON text or an object) of a call setting a
    resource policy; None when the call sets none (a topic or queue attribute other than Policy, a key or queue
    created without one: KMS then writes the default key policy, which trusts the account only). The ARN is the
    call's or its response's when it gives one, else built from the name in the call's account and Region."""
    prefix = f"arn:{partition}:{service}:{region}:{account}:"
    if service == "secretsmanager":
        secret = _text(request.get("secretId"))
        arn = _text(response.get("arn")) or (secret if secret and secret.startswith("arn:") else
                                              f"{prefix}secret:{secret or 'unknown'}")
        return arn, request.get("resourcePolicy")
    if service == "kms":
        metadata = response.get("keyMetadata") if isinstance(response.get("keyMetadata"), dict) else {}
        key = _text(metadata.get("arn")) or _text(request.get("keyId")) or _text(response.get("keyId"))
        arn = key if key and key.startswith("arn:") else f"{prefix}key/{key or 'unknown'}"
        return (arn, request["policy"]) if request.get("policy") else None
    if service == "sns":
        attributes = request.get("attributes") if isinstance(request.get("attributes"), dict) else {}
        document = (request.get("attributeValue") if name == "SetTopicAttributes"
                    and str(request.get("attributeName")).lower() == "policy" else attributes.get("Policy"))
        topic = _text(request.get("topicArn")) or _text(response.get("topicArn"))
        return (topic or f"{prefix}{request.get('name') or 'unknown'}", document) if document else None
    if service == "sqs":
        attributes = request.get("attributes") if isinstance(request.get("attributes"), dict) else {}
        url = _text(request.get("queueUrl")) or _text(response.get("queueUrl")) or ""
        found = QUEUE_URL.match(url)
        arn = (f"arn:{partition}:sqs:{region}:{found[1]}:{found[2]}" if found
               else f"{prefix}{request.get('queueName') or 'unknown'}")
        return (arn, attributes["Policy"]) if attributes.get("Policy") else None
    registry = _text(request.get("registryId")) or _text(response.get("registryId")) or account
    repository = _text(request.get("repositoryName")) or "unknown"
    return f"arn:{partition}:ecr:{region}:{registry}:repository/{repository}", request.get("policyText")


def _granted(
    account: AccountModel | None,
    documents: _Documents,
    decoded: _Decoded,
    versions: dict[tuple[str, str], AttachedPolicy],
    name: str,
    request: dict,
) -> tuple[str, str, list[AttachedPolicy]] | None:
    """(how the reason names what was granted, where its documents came from, the policies) of a grant event, or
    None when a document is not known. ``versions``: (policy ARN, version id) -> the document an earlier event of
    the account created."""
    arn = request.get("policyArn")
    managed = account.managed.get(arn) if account and isinstance(arn, str) else None
    if name in ATTACH:
        if managed is None or managed.attached.policy is None:
            return None
        return f"managed policy {managed.name}", "snapshot", [managed.attached]
    if name == "SetDefaultPolicyVersion":
        version = request.get("versionId")
        label = f"version {version} of policy {str(arn).rsplit('/', 1)[-1]}"
        created = versions.get((arn, version)) if isinstance(arn, str) and isinstance(version, str) else None
        if created is not None:
            return label, "event", [created]
        if managed is not None and managed.default_version == version and managed.attached.policy is not None:
            return label, "snapshot", [managed.attached]
        # a version the snapshot lists besides the default (get-account-authorization-details lists them all)
        loaded = (
            documents.attached(label, managed.versions.get(version)) if managed and isinstance(version, str) else None
        )
        return (label, "snapshot", [loaded]) if loaded is not None and loaded.policy is not None else None
    if name == "AddUserToGroup":
        group = _group(account, request.get("groupName"))
        if group is None or any(p.policy is None for p in group):
            return None
        return f"group {request.get('groupName')}", "snapshot", group
    document = decoded.document(request.get("policyDocument"))
    if document is None:
        return None
    label = (
        f"inline policy {request.get('policyName')}"
        if name.startswith("Put")
        else f"policy {str(arn or request.get('policyName') or '').rsplit('/', 1)[-1]}"
    )
    attached = documents.attached(label, document, inline=name.startswith("Put"))
    if attached.policy is None:
        return None
    # the version this event created, for a later SetDefaultPolicyVersion
    created_arn = arn if name == "CreatePolicyVersion" else request.get("createdPolicyArn")
    created_version = request.get("newVersion" if name == "CreatePolicyVersion" else "createdVersion")
    if isinstance(created_arn, str) and isinstance(created_version, str):
        versions[(created_arn, created_version)] = attached
    return label, "request", [attached]


def _group(account: AccountModel | None, name) -> list[AttachedPolicy] | None:
    """The policies of a loaded group (IAM group names are unique whatever their case), or None."""
    if account is None or not isinstance(name, str):
        return None
    found = account.groups.get(name) or next(
        (g for key, g in account.groups.items() if key.lower() == name.lower()), None
    )
    return found[1] if found is not None else None


def event_rows(
    con: duckdb.DuckDBPyConnection,
    accounts: list[AccountModel],
    questions: tuple[Question, ...],
    rails: dict[str, Guardrails],
) -> dict[str, list[tuple]]:
    """The rows of ``iam_event_policy_grant``, ``iam_event_policy_answer`` and ``iam_event_trust_access`` for the
    events visible on the connection; ``accounts``: the loaded IAM data (an account without it is judged from the
    events alone). The engine is asked once per account and distinct granted document, not once per event."""
    models = {a.account_id: a for a in accounts}
    documents = _Documents()
    decoded = _Decoded()
    askers: dict[str, Asker] = {}
    workloads: dict[str, Workloads | None] = {}
    keys: dict[tuple[str, tuple[int, ...]], int] = {}  # (account, parsed documents) -> their document_id
    versions: dict[str, dict[tuple[str, str], AttachedPolicy]] = {}  # per account: policy versions events created
    grants: list[tuple] = []
    answers: list[tuple] = []
    trust: list[tuple] = []
    for account_id, partition, event_id, name, request in _events(con, decoded):
        model = models.get(account_id)
        bare = model or AccountModel(account_id, partition, [], {})
        if name in TRUST:
            trust += _trust_rows(bare, rails.get(account_id), event_id, name, request, documents, decoded)
            continue
        granted = _granted(model, documents, decoded, versions.setdefault(account_id, {}), name, request)
        if granted is None:
            continue
        label, source, policies = granted
        key = (account_id, tuple(id(p.policy) for p in policies))
        document_id = keys.get(key)
        if document_id is None:
            document_id = keys[key] = len(keys)
            asker = askers.setdefault(account_id, Asker(bare))
            if account_id not in workloads:  # without IAM data, which resources the account has is not known
                workloads[account_id] = loaded_workloads(asker, questions) if model else None
            answers += [
                (account_id, document_id, question.id, question.title, decision, conditions, condition_keys)
                for question, decision, conditions, condition_keys in policy_answers(
                    asker, policies, questions, workloads[account_id])
                if not (question.id.startswith("escalation:") and decision not in SHOWN)
            ]
        grants.append((account_id, event_id, name, label, source, document_id))
    opened = []
    for account_id, partition, region, event_id, service, name, request, response in _resource_events(con, decoded):
        found = resource_policy(service, name, account_id, partition, region, request, response)
        if found is not None:
            bare = models.get(account_id) or AccountModel(account_id, partition, [], {})
            opened += _resource_policy_rows(bare, rails.get(account_id), event_id, name, service, *found, decoded)
    return {"iam_event_policy_grant": grants, "iam_event_policy_answer": answers, "iam_event_trust_access": trust,
            "iam_event_resource_policy_access": opened}


def loaded_workloads(asker: Asker, questions: tuple[Question, ...]) -> Workloads:
    """The account's loaded resources that run code with a role, and the power of their roles as the roles' own
    answers give it (``PrincipalAnswers``, the answers ``workload_rows`` reads): what a granted document's paths through
    an existing resource act on."""
    account = asker.account
    answers = PrincipalAnswers(asker, questions)
    roles = sorted({role for found in account.workloads.values() for role in found.values()})
    return Workloads(account, [row for arn in roles if account.role(arn) for row in answers.rows(account.role(arn))])


def _trust_rows(
    account: AccountModel,
    rails: Guardrails | None,
    event_id: str,
    name: str,
    request: dict,
    documents: _Documents,
    decoded: _Decoded,
) -> list[tuple]:
    role = request.get("roleName")
    document = decoded.document(request.get("policyDocument") or request.get("assumeRolePolicyDocument"))
    if not isinstance(role, str) or document is None:
        return []
    # CreateRole names the role's path; UpdateAssumeRolePolicy only its name: the loaded role's ARN keeps its path
    path = request.get("path") if isinstance(request.get("path"), str) else None
    known = account.role_named(f"role/{role}") if path is None else None
    role_arn = (
        known.arn if known is not None else f"arn:{account.partition}:iam::{account.account_id}:role{path or '/'}{role}"
    )
    parsed = documents.attached(f"the trust policy of role {role}", document, resource=True)
    if parsed.policy is None:
        return [
            (
                account.account_id,
                event_id,
                name,
                role_arn,
                role,
                None,
                None,
                None,
                None,
                None,
                "Error",
                None,
                None,
                None,
                None,
                None,
                None,
                None,
            )
        ]
    members = rails.members if rails is not None else frozenset()
    rows = []
    for answer in trust_answers(role_arn, account, parsed.policy, document, rails):
        entry = answer.entry
        external = entry.external(account.account_id)
        in_organization = (entry.account in members) if members and entry.kind != "anyone" else None
        rows.append(
            (
                account.account_id,
                event_id,
                name,
                role_arn,
                role,
                entry.trusted,
                entry.kind,
                entry.account,
                external,
                in_organization,
                answer.decision,
                json_text(answer.conditions),
                ", ".join(answer.condition_keys) or None,
                answer.names_caller,
                answer.external_id,
                entry.action,
                trust_analysis.roles_only(role_arn, account.account_id, parsed.policy, answer, rails),
                json_text(answer.deny_conditions),
            )
        )
    return rows


def _resource_policy_rows(
    account: AccountModel,
    rails: Guardrails | None,
    event_id: str,
    name: str,
    service: str,
    arn: str,
    document,
    decoded: _Decoded,
) -> list[tuple]:
    """For each AWS principal (``"*"``, an account, a principal ARN) the policy names and each action of
    ``RESOURCE_ACTIONS`` of the service: the trust analysis's answers (``trust.ask``, and ``whole_accounts`` for a
    ``"*"`` its conditions narrow to accounts) that admit it, asked of that action on the resource. Service
    principals are AWS's and federated ones have no use here: neither is asked."""
    parsed = decoded.document(document)
    try:  # read as the engine reads the service's policies: every statement names a principal
        policy = parse_policy(parsed, name=f"the policy of {arn}") if parsed else None
        if policy is not None:
            (as_repository_policy if service == "ecr" else as_resource_policy)(policy)
    except PolicyError:
        policy = None
    if policy is None:
        return [(account.account_id, event_id, name, arn, None, None, None, None, None, "Error", None, None, None,
                 None)]
    members = rails.members if rails is not None else frozenset()
    rows = []
    for entry in trust_analysis.entries(parsed, account.partition, account.account_id):
        if entry.kind not in ("anyone", "account", "principal"):
            continue
        for action in RESOURCE_ACTIONS[service]:
            asked = replace(entry, action=action)
            answers = [trust_analysis.ask(arn, account.account_id, policy, asked, rails),
                       *trust_analysis.whole_accounts(arn, account.account_id, policy, asked, rails)]
            for answer in answers:
                if answer.decision not in trust_analysis.ADMITTED:
                    continue
                admitted = answer.entry
                in_organization = (admitted.account in members) if members and admitted.kind != "anyone" else None
                rows.append((account.account_id, event_id, name, arn, admitted.trusted, admitted.kind,
                             admitted.account, admitted.external(account.account_id), in_organization,
                             answer.decision, json_text(answer.conditions), ", ".join(answer.condition_keys) or None,
                             answer.names_caller, action))
    return rows

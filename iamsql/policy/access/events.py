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
"""

from __future__ import annotations

import json

import duckdb

from iamsql.common.policy_text import json_text
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
    return count, digest


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
    return {"iam_event_policy_grant": grants, "iam_event_policy_answer": answers, "iam_event_trust_access": trust}


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

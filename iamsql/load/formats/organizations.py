"""AWS Organizations outputs of the AWS CLI (``aws organizations ... --output json``) and of boto3, as the
Steampipe tables ``aws_organizations_account``, ``aws_organizations_organizational_unit``,
``aws_organizations_root``, ``aws_organizations_policy`` and ``aws_organizations_policy_target``.

Rows belong to the account whose ARNs they carry: every Organizations ARN names the management account
(``arn:aws:organizations::<management>:account/o-.../<member>``), which is where Steampipe's ``account_id`` of
these tables comes from too when the management account is queried. Accounts, OUs and roots are keyed by id,
policies by id, attachments by (policy id, target id).

Outputs that do not name what they are about (``list-organizational-units-for-parent``,
``list-accounts-for-parent``, ``list-children`` and ``list-parents`` name no parent or child,
``list-targets-for-policy`` no policy, ``list-policies-for-target`` no target, ``list-tags-for-resource`` no
resource) are read with an added top-level key (``ParentId``, ``ChildId``, ``PolicyId``, ``TargetId``,
``ResourceId``; ``iamsql collect`` writes them) or from a file named
after that id (``ou-ab12-cd34ef56.json``, ``p-FullAWSAccess.json``, ``111111111111.json``); without either the
tree or the attachments cannot be placed and the file gives a warning. ``describe-organization`` fills no table:
it is kept in the snapshot's ``sources`` entry (``organization``) and fills ``aws_account``'s organization columns.

Delegated administrators: ``list-delegated-administrators`` fills ``aws_organizations_delegated_administrator``
(whole when asked without ``--service-principal``); asked with it, it says which service the accounts administer
only by the top-level ``ServicePrincipal`` that ``collect`` adds or a file named after the service principal
(``iam.amazonaws.com.json``): then it is that service's whole list, also as rows of
``aws_organizations_delegated_services_for_account``, and the service principal is kept in its ``sources`` entry
(``service_principal``). ``list-delegated-services-for-account`` names its account by an added ``AccountId`` or a
file named after it and lists that account's services whole.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from iamsql.common.arns import arn_account
from iamsql.common.policy_text import policy_json_value
from iamsql.load.formats.base import Format, Fragment, Parsed, Unreadable, arn_columns, is_list, when
from iamsql.load.normalize import tags_map

ACCOUNT = "aws_organizations_account"
OU = "aws_organizations_organizational_unit"
ROOT = "aws_organizations_root"
POLICY = "aws_organizations_policy"
TARGET = "aws_organizations_policy_target"
DELEGATED_ADMINISTRATOR = "aws_organizations_delegated_administrator"
DELEGATED_SERVICE = "aws_organizations_delegated_services_for_account"
# The policy types of AWS Organizations (the API model's PolicyType): list-policies lists one at a time, so
# aws_organizations_policy is whole once each one's listing is loaded.
POLICY_TYPES = frozenset({
    "SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY", "TAG_POLICY", "BACKUP_POLICY", "AISERVICES_OPT_OUT_POLICY",
    "CHATBOT_POLICY", "DECLARATIVE_POLICY_EC2", "SECURITYHUB_POLICY", "SECURITYHUB_CSPM_POLICY", "INSPECTOR_POLICY",
    "UPGRADE_ROLLOUT_POLICY", "BEDROCK_POLICY", "S3_POLICY", "NETWORK_SECURITY_DIRECTOR_POLICY", "GUARDDUTY_POLICY"})


IDS = {
    "parent": re.compile(r"^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$"),
    "child": re.compile(r"^(\d{12}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$"),
    "policy": re.compile(r"^p-[0-9a-zA-Z_]{8,128}$"),
    "target": re.compile(r"^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|\d{12})$"),
    "account": re.compile(r"^\d{12}$"),
}
# A service principal as a file's name (``iam.amazonaws.com.json``): the listing was asked for that service.
SERVICE_PRINCIPAL_FILE = re.compile(r"^([a-z0-9-]+(?:\.[a-z0-9-]+)*\.amazonaws\.com(?:\.cn)?)\.json(?:\.gz)?$")


def _subject(doc: dict, key: str, kind: str, path: Path) -> str | None:
    """The id an output is about: its added top-level key, else a file name that is such an id."""
    if doc.get(key):
        return doc[key]
    stem = path.name.split(".")[0]
    return stem if IDS[kind].match(stem) else None


def _org_item(item: Any) -> bool:
    """An Organizations policy summary (not an IAM policy, whose listing shares the ``Policies`` key)."""
    return isinstance(item, dict) and ("AwsManaged" in item or ":organizations:" in str(item.get("Arn") or "")
                                       or (str(item.get("Id") or "").startswith("p-") and "Type" in item))


def _org_policies(doc: dict) -> bool:
    items = doc.get("Policies")
    if not isinstance(items, list):
        return False
    if items:
        return all(_org_item(item) for item in items)
    return _says_whose(doc)


def _says_whose(doc: dict) -> bool:
    """An empty ``Policies`` list says it is Organizations' only by a key ``collect`` adds (``Filter``, the policy type
    listed; ``TargetId``, the target whose policies are listed)."""
    return "Filter" in doc or "TargetId" in doc


# An empty ``Policies`` list that names neither: IAM's list-policies and Organizations' list-policies both print it.
# It proves nothing: IAM's whole listing holds hundreds of AWS managed policies, so an empty one was filtered
# (--scope Local, --only-attached, --path-prefix...), and Organizations' lists one policy type it does not name.
EMPTY_POLICIES = "list-policies"
EMPTY_POLICIES_REASON = ("an empty list-policies output that names no policy type: IAM's and Organizations' both print "
                         "{\"Policies\": []}; it says nothing of IAM's policies (a whole IAM listing holds AWS managed "
                         "policies, so an empty one was filtered) nor which Organizations policy type has none (add "
                         "the --filter value as a top-level Filter, as iamsql collect writes it)")


def empty_policies(doc: dict) -> bool:
    """``{"Policies": []}``, a page of it (``NextToken``, IAM's ``IsTruncated`` and ``Marker``), nothing else."""
    return doc.get("Policies") == [] and set(doc) <= {"Policies", "NextToken", "IsTruncated", "Marker"}


def account_fragment(a: dict, parent: str | None = None) -> Fragment:
    arn = a.get("Arn")
    fields = {
        "id": a.get("Id"),
        "name": a.get("Name"),
        "title": a.get("Name") or a.get("Id"),
        "status": a.get("Status") or a.get("State"),
        "email": a.get("Email"),
        "joined_method": a.get("JoinedMethod"),
        "joined_timestamp": when(a.get("JoinedTimestamp")),
        "parent_id": parent,
        "arn": arn,
        **arn_columns(arn),
    }
    if "Tags" in a:
        fields["tags_src"] = a["Tags"] or []
        fields["tags"] = tags_map(a["Tags"]) or {}
    return Fragment(ACCOUNT, (a.get("Id"),), fields, arn_account(arn))


def ou_fragment(u: dict, parent: str | None = None) -> Fragment:
    arn = u.get("Arn")
    fields = {"id": u.get("Id"), "name": u.get("Name"), "title": u.get("Name") or u.get("Id"), "parent_id": parent,
              "arn": arn, **arn_columns(arn)}
    return Fragment(OU, (u.get("Id"),), fields, arn_account(arn))


def root_fragment(r: dict) -> Fragment:
    arn = r.get("Arn")
    fields = {"id": r.get("Id"), "name": r.get("Name"), "title": r.get("Name") or r.get("Id"),
              "policy_types": r.get("PolicyTypes"), "arn": arn,
              **arn_columns(arn)}
    return Fragment(ROOT, (r.get("Id"),), fields, arn_account(arn))


def _content(text: Any, policy_id: str | None) -> Any:
    """A policy's content: the API gives JSON text (read as the policy engine reads a document's text); stored as JSON
    (Steampipe's jsonb)."""
    if text is None or isinstance(text, dict):
        return text
    try:
        value = policy_json_value(text)
    except (TypeError, ValueError) as exc:
        return Unreadable(f"content of policy {policy_id} is not JSON ({exc})")
    return value if isinstance(value, dict) else Unreadable(f"content of policy {policy_id} is not a JSON object")


def policy_fields(s: dict) -> dict[str, Any]:
    arn = s.get("Arn")
    return {"id": s.get("Id"), "name": s.get("Name"), "title": s.get("Name") or s.get("Id"), "type": s.get("Type"),
            "aws_managed": s.get("AwsManaged"), "description": s.get("Description"), "arn": arn,
            **arn_columns(arn)}


def policy_fragment(s: dict, content: Any = None) -> Fragment:
    fields = policy_fields(s)
    if content is not None:
        fields["content"] = content
    return Fragment(POLICY, (s.get("Id"),), fields, arn_account(s.get("Arn")))


def target_fragment(policy_id: str, target_id: str, account: str | None, fields: dict | None = None) -> Fragment:
    """An attachment; its policy columns are filled from the policy's row after the merge (``derive``)."""
    return Fragment(TARGET, (policy_id, target_id), {"id": policy_id, "target_id": target_id, "region": "global",
                                                     **(fields or {})}, account)


# ---- formats -------------------------------------------------------------------------------------------------------


def parse_describe_organization(doc: dict, path: Path) -> Parsed:
    org = doc["Organization"]
    keep = {k: org.get(k) for k in ("Id", "Arn", "FeatureSet", "MasterAccountArn", "MasterAccountId",
                                   "MasterAccountEmail", "AvailablePolicyTypes") if k in org}
    if not keep.get("Id"):
        raise ValueError("Organization has no Id")
    return Parsed("organizations:describe-organization", extra={"organization": keep})


def parse_list_accounts(doc: dict, path: Path) -> Parsed:
    parent = _subject(doc, "ParentId", "parent", path)
    if parent:  # list-accounts-for-parent: the accounts of one root or OU, not the whole organization
        return Parsed("organizations:list-accounts-for-parent",
                      fragments=[account_fragment(a, parent) for a in doc["Accounts"]])
    return Parsed("organizations:list-accounts", covers={ACCOUNT},
                  fragments=[account_fragment(a) for a in doc["Accounts"]])


def parse_describe_account(doc: dict, path: Path) -> Parsed:
    return Parsed("organizations:describe-account", fragments=[account_fragment(doc["Account"])])


def parse_list_roots(doc: dict, path: Path) -> Parsed:
    return Parsed("organizations:list-roots", covers={ROOT}, fragments=[root_fragment(r) for r in doc["Roots"]])


def parse_list_ous(doc: dict, path: Path) -> Parsed:
    parent = _subject(doc, "ParentId", "parent", path)
    parsed = Parsed("organizations:list-organizational-units-for-parent",
                    fragments=[ou_fragment(u, parent) for u in doc["OrganizationalUnits"]])
    if not parent and doc["OrganizationalUnits"]:
        parsed.warnings.append(f"{path}: list-organizational-units-for-parent output names no parent (add ParentId); "
                               "the OUs are loaded without their place in the tree")
    return parsed


def parse_describe_ou(doc: dict, path: Path) -> Parsed:
    return Parsed("organizations:describe-organizational-unit", fragments=[ou_fragment(doc["OrganizationalUnit"])])


def _placed(child_id: str, child_type: str | None, parent_id: str, account: str | None) -> Fragment | None:
    """A child (account or OU) with its parent, from list-children / list-parents."""
    kind = (child_type or ("ACCOUNT" if child_id.isdigit() else "ORGANIZATIONAL_UNIT")).upper()
    if kind == "ACCOUNT":
        return Fragment(ACCOUNT, (child_id,), {"id": child_id, "parent_id": parent_id, "region": "global"}, account)
    if kind == "ORGANIZATIONAL_UNIT":
        return Fragment(OU, (child_id,), {"id": child_id, "parent_id": parent_id, "region": "global"}, account)
    return None


def parse_list_children(doc: dict, path: Path) -> Parsed:
    parsed = Parsed("organizations:list-children")
    parent = _subject(doc, "ParentId", "parent", path)
    if not parent:
        parsed.warnings.append(f"{path}: list-children output names no parent (add ParentId); not loaded")
        return parsed
    account = doc.get("AccountId")
    parsed.fragments = [f for c in doc["Children"] if c.get("Id")
                        for f in [_placed(c["Id"], c.get("Type"), parent, account)] if f]
    return parsed


def parse_list_parents(doc: dict, path: Path) -> Parsed:
    parsed = Parsed("organizations:list-parents")
    child = _subject(doc, "ChildId", "child", path)
    parents = doc["Parents"]
    if not child:
        parsed.warnings.append(f"{path}: list-parents output names no child (add ChildId); not loaded")
        return parsed
    if parents:
        fragment = _placed(child, None, parents[0].get("Id"), doc.get("AccountId"))
        if fragment:
            parsed.fragments.append(fragment)
    return parsed


def enabled_types(roots) -> frozenset[str] | None:
    """The policy types the roots' ``PolicyTypes`` say are enabled; None when no root says."""
    said = [row["policy_types"] for row in roots if isinstance(row.get("policy_types"), list)]
    if not said:
        return None
    return frozenset(t.get("Type") for types in said for t in types
                     if isinstance(t, dict) and t.get("Status") in ("ENABLED", "PENDING_ENABLE", "PENDING_DISABLE"))


def _named_type(path: Path) -> str | None:
    """The one policy type the file's or its folder's name spells (``list-policies-SERVICE_CONTROL_POLICY.json``,
    ``resource-control-policy/list-policies.json``), case and ``-`` or ``_`` aside."""
    for name in (path.name.split(".")[0], path.parent.name):
        spelled = {kind for kind in POLICY_TYPES
                   if re.search(rf"(^|_){kind}($|_)", name.upper().replace("-", "_"))}
        if len(spelled) == 1:
            return spelled.pop()
    return None


def listed_types(doc: dict, path: Path) -> set[str]:
    """The policy types an Organizations ``list-policies`` output lists whole (the AWS CLI requires ``--filter``, one
    type per call, which the output does not name): the ``Filter`` ``collect`` adds, each listed policy's ``Type``,
    and, for an empty list without ``Filter``, the type its file or folder is named after."""
    types = {s.get("Type") for s in doc["Policies"] if isinstance(s, dict) and s.get("Type") in POLICY_TYPES}
    if doc.get("Filter") in POLICY_TYPES:
        types.add(doc["Filter"])
    if not types and not doc["Policies"] and (named := _named_type(path)):
        types.add(named)
    return types


def parse_list_policies(doc: dict, path: Path) -> Parsed:
    target = _subject(doc, "TargetId", "target", path)
    summaries = doc["Policies"]
    if target:  # list-policies-for-target: what is attached to one root, OU or account
        parsed = Parsed("organizations:list-policies-for-target", listed_for={TARGET: {target}})
        # the CLI lists one --filter type at a time and the output does not name it: the types of the policies it
        # lists are those it lists whole for the target
        parsed.extra["policy_types"] = sorted({s.get("Type") for s in summaries if s.get("Type") in POLICY_TYPES})
        for s in summaries:
            parsed.fragments.append(policy_fragment(s))
            parsed.fragments.append(target_fragment(s.get("Id"), target, arn_account(s.get("Arn")), policy_fields(s)))
        return parsed
    types = listed_types(doc, path)
    reason = (f"list-policies lists the {' and '.join(sorted(types))} policies only (the AWS CLI lists one --filter "
              "type at a time)" if types else "a list-policies output whose policy type is not known")
    return Parsed("organizations:list-policies", partial={POLICY: reason}, listed_for={POLICY: types},
                  fragments=[policy_fragment(s) for s in summaries])


def parse_empty_policies(doc: dict, path: Path) -> Parsed | str:
    """An empty ``Policies`` list: one target's ``list-policies-for-target`` when its file is named after the target
    (``list-policies-for-target/ou-ab12-cd34ef56.json``), the listing of one policy type when its file or folder is
    named after the type, else nothing can be told of it (``EMPTY_POLICIES_REASON``)."""
    if _subject(doc, "TargetId", "target", path) or _named_type(path):
        return parse_list_policies(doc, path)
    return EMPTY_POLICIES_REASON


def parse_describe_policy(doc: dict, path: Path) -> Parsed:
    policy = doc["Policy"]
    summary = policy.get("PolicySummary") or {}
    return Parsed("organizations:describe-policy",
                  fragments=[policy_fragment(summary, _content(policy.get("Content"), summary.get("Id")))])


def parse_list_tags(doc: dict, path: Path) -> Parsed | str:
    """list-tags-for-resource of an account (``ResourceId`` added): its ``tags_src`` and ``tags``, ``[]`` and ``{}``
    when it has none, as Steampipe gives them."""
    resource = doc["ResourceId"]
    if not re.fullmatch(r"\d{12}", resource):
        return (f"list-tags-for-resource output is about {resource}, not an account; only "
                "aws_organizations_account has tags in iamsql")
    tags = doc["Tags"]
    fields = {"id": resource, "tags_src": tags, "tags": tags_map(tags) or {}, "region": "global"}
    return Parsed("organizations:list-tags-for-resource",
                  fragments=[Fragment(ACCOUNT, (resource,), fields, doc.get("AccountId"))])


def parse_list_targets(doc: dict, path: Path) -> Parsed:
    parsed = Parsed("organizations:list-targets-for-policy")
    policy = _subject(doc, "PolicyId", "policy", path)
    if not policy:
        parsed.warnings.append(f"{path}: list-targets-for-policy output names no policy (add PolicyId); not loaded")
        return parsed
    parsed.listed_for[TARGET] = {policy}
    for t in doc["Targets"]:
        if t.get("TargetId"):
            parsed.fragments.append(target_fragment(policy, t["TargetId"], arn_account(t.get("Arn"))))
    return parsed


def delegated_service_fragment(account: str, service: dict, owner: str | None) -> Fragment:
    principal = service.get("ServicePrincipal")
    fields = {"delegated_account_id": account, "service_principal": principal,
              "delegation_enabled_date": when(service.get("DelegationEnabledDate")), "title": principal,
              "akas": [principal] if principal else None, "region": "global"}
    return Fragment(DELEGATED_SERVICE, (account, principal), fields, owner)


def parse_list_delegated_administrators(doc: dict, path: Path) -> Parsed:
    """The delegated administrators; with a service principal named (see the module docstring), that service's."""
    found = SERVICE_PRINCIPAL_FILE.match(path.name)
    principal = doc.get("ServicePrincipal") or (found.group(1) if found else None)
    parsed = Parsed("organizations:list-delegated-administrators")
    for a in doc["DelegatedAdministrators"]:
        arn = a.get("Arn")
        fields = {"id": a.get("Id"), "arn": arn, "email": a.get("Email"), "name": a.get("Name"),
                  "status": a.get("Status"), "joined_method": a.get("JoinedMethod"),
                  "joined_timestamp": when(a.get("JoinedTimestamp")), "title": a.get("Name"), **arn_columns(arn)}
        if not principal:  # the date of one service's delegation, not the account's: Steampipe lists all services
            fields["delegation_enabled_date"] = when(a.get("DelegationEnabledDate"))
        parsed.fragments.append(Fragment(DELEGATED_ADMINISTRATOR, (a.get("Id"),), fields, arn_account(arn)))
        if principal and a.get("Id"):
            service = {"ServicePrincipal": principal, "DelegationEnabledDate": a.get("DelegationEnabledDate")}
            parsed.fragments.append(delegated_service_fragment(a["Id"], service, arn_account(arn)))
    if principal:
        reason = f"list-delegated-administrators lists the delegated administrators of {principal} only"
        parsed.partial = {DELEGATED_ADMINISTRATOR: reason, DELEGATED_SERVICE: reason}
        parsed.extra["service_principal"] = principal
    else:
        parsed.covers = {DELEGATED_ADMINISTRATOR}
    return parsed


def parse_list_delegated_services(doc: dict, path: Path) -> Parsed | str:
    """The services one account is the delegated administrator of, whole for that account (``iamsql_listed``)."""
    account = _subject(doc, "AccountId", "account", path)
    if not account:
        return ("list-delegated-services-for-account output names no account (add the --account-id value as a "
                "top-level AccountId, or name the file after it)")
    return Parsed("organizations:list-delegated-services-for-account",
                  fragments=[delegated_service_fragment(account, s, None) for s in doc["DelegatedServices"]],
                  partial={DELEGATED_SERVICE: f"list-delegated-services-for-account lists the services of {account} "
                                              "only"},
                  listed_for={DELEGATED_SERVICE: {account}})


FORMATS: list[Format] = [
    Format("organizations:describe-organization",
           lambda d: isinstance(d.get("Organization"), dict) and "FeatureSet" in d["Organization"],
           parse_describe_organization),
    Format("organizations:list-accounts",
           lambda d: is_list("Accounts", item="Id")(d) and ("ParentId" in d or all(
               ":organizations:" in str(a.get("Arn") or "") or "JoinedMethod" in a for a in d["Accounts"])),
           parse_list_accounts),
    Format("organizations:describe-account",
           lambda d: isinstance(d.get("Account"), dict) and "JoinedMethod" in d["Account"], parse_describe_account),
    Format("organizations:list-roots", is_list("Roots", item="Id"), parse_list_roots),
    Format("organizations:list-organizational-units-for-parent", is_list("OrganizationalUnits", item="Id"),
           parse_list_ous),
    Format("organizations:describe-organizational-unit",
           lambda d: isinstance(d.get("OrganizationalUnit"), dict), parse_describe_ou),
    Format("organizations:list-children", is_list("Children", item="Id"), parse_list_children),
    Format("organizations:list-parents", is_list("Parents", item="Id"), parse_list_parents),
    Format("organizations:list-policies", _org_policies, parse_list_policies),
    Format(EMPTY_POLICIES, empty_policies, parse_empty_policies),
    Format("organizations:describe-policy",
           lambda d: isinstance(d.get("Policy"), dict) and isinstance(d["Policy"].get("PolicySummary"), dict),
           parse_describe_policy),
    Format("organizations:list-tags-for-resource",
           lambda d: isinstance(d.get("Tags"), list) and isinstance(d.get("ResourceId"), str), parse_list_tags),
    Format("organizations:list-targets-for-policy", is_list("Targets", item="TargetId"), parse_list_targets),
    Format("organizations:list-delegated-administrators", is_list("DelegatedAdministrators"),
           parse_list_delegated_administrators),
    Format("organizations:list-delegated-services-for-account", is_list("DelegatedServices"),
           parse_list_delegated_services),
]


# ---- after the merge -------------------------------------------------------------------------------------------------


def derive(tables: dict[str, dict[tuple, dict]]) -> None:
    """Columns that need several rows: each OU's ``path`` (Steampipe's ltree, ``r_ab12.ou_ab12_cd34ef56``, from the
    parents up to the root), each attachment's policy columns from its policy's row, attachments' ``akas``."""
    ous = tables.get(OU, {})
    if ous:
        parent_of = {row.get("id"): row.get("parent_id") for row in ous.values()}
        for row in ous.values():
            chain, node, seen = [], row.get("id"), set()
            while node and node not in seen:
                seen.add(node)
                chain.append(node)
                node = parent_of.get(node) if node in parent_of else None
                if node and node.startswith("r-"):
                    chain.append(node)
                    break
            if chain and chain[-1].startswith("r-"):
                row.setdefault("path", ".".join(part.replace("-", "_") for part in reversed(chain)))
    targets = tables.get(TARGET, {})
    if targets:
        policies = {row.get("id"): row for row in tables.get(POLICY, {}).values()}
        for row in targets.values():
            policy = policies.get(row.get("id")) or {}
            for column in ("name", "arn", "type", "aws_managed", "description", "content", "title", "akas", "partition"):
                if row.get(column) is None and policy.get(column) is not None:
                    row[column] = policy[column]

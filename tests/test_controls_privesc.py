"""iam_principal_privilege_escalation: every path of queries/access.yaml is found from a minimal policy and
broken by an explicit Deny; IAM action matching (case, '*', '?', NotAction), groups, permissions boundaries,
resource scope (a policy on the user's own ARN lets it attach or put policies on itself), AssumeRole chains and
service-linked roles.

One account (123456789012, as of 2024-03-01). For every path P (numbered i):
- user grant-<i>: an inline policy allowing exactly P's actions (written in mixed case) on "*";
- user denied-<i>: the same, plus an unconditional Deny of P's first action on "*";
- user wild-<i>: P's actions written as wildcards (`iam:createacc*`, `?` for one letter) on "*".
A path asked only on the principal itself with a permissions boundary (lifting or replacing its own boundary) is
given to a principal of the kind its action names, with a boundary that allows everything.
Other principals exercise one rule each (see CASES).
"""

from datetime import datetime, timezone

import pytest
import yaml

from iamsql import controls
from iamsql.load.normalize import inline_policies_std, policy_std
from iamsql.store import db

AS_OF = datetime(2024, 3, 1, 12, 0, tzinfo=timezone.utc)
ACCOUNT = "123456789012"
CONTROL = "iam_principal_privilege_escalation"


def arn(kind: str, name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:{kind}/{name}"


def base() -> dict:
    return {"account_id": ACCOUNT, "partition": "aws", "region": "global"}


def load_paths() -> dict[str, list[str]]:
    """The paths as data: the escalation section of queries/access.yaml (the single source of paths), actions
    lower-cased."""
    escalation = yaml.safe_load(controls.ACCESS_QUESTIONS.read_text())["escalation"]
    return {name: [action.lower() for action, _ in requests] for name, requests in escalation.items()}


PATHS = load_paths()
# the actions an identity policy must allow for each path: not sts:AssumeRole of a role the caller creates, whose
# trust policy (written by the caller) names it and grants it even outside its permissions boundary
IDENTITY_ACTIONS = {
    name: [action.lower() for action, target in requests if not (action == "sts:AssumeRole" and target == "new_role")]
    for name, requests in yaml.safe_load(controls.ACCESS_QUESTIONS.read_text())["escalation"].items()
}


def own_boundary_paths() -> dict[str, str]:
    """The paths only a principal with a permissions boundary takes, on itself: the kind of principal (user, role)
    their action acts on."""
    escalation = yaml.safe_load(controls.ACCESS_QUESTIONS.read_text())["escalation"]
    return {name: "role" if "role" in requests[0][0].lower() else "user"
            for name, requests in escalation.items() if all(target == "bounded_self" for _, target in requests)}


OWN_BOUNDARY = own_boundary_paths()


def mixed_case(action: str) -> str:
    service, name = action.split(":")
    return service.upper() + ":" + "".join(c.upper() if i % 2 else c for i, c in enumerate(name))


def wildcard(action: str) -> str:
    """A pattern that matches the action and is not the action: one letter as '?', the tail as '*'."""
    service, name = action.split(":")
    return f"{service}:{name[0]}?{name[2:max(3, len(name) // 2)]}*"


def user(name: str, statements: list[dict], *, groups=(), boundary=None, attached=(), kind="user") -> dict:
    """A user (or, with ``kind`` role, a role) with one inline policy of ``statements``."""
    inline = [{"PolicyName": f"{name}-policy", "PolicyDocument": {"Version": "2012-10-17", "Statement": statements}}] \
        if statements else None
    member = {"groups": [{"GroupName": g} for g in groups]} if kind == "user" else {}
    return {"name": name, "arn": arn(kind, name), "path": "/", "create_date": "2020-01-01T00:00:00Z", **member,
            "attached_policy_arns": list(attached), "permissions_boundary_arn": boundary, "inline_policies": inline,
            "inline_policies_std": inline_policies_std(inline), **base()}


def managed(name: str, statements: list[dict]) -> dict:
    document = {"Version": "2012-10-17", "Statement": statements}
    return {"name": name, "arn": arn("policy", name), "is_aws_managed": False, "is_attached": True,
            "attachment_count": 1, "policy": document, "policy_std": policy_std(document), **base()}


def allow(actions, resource="*", **extra) -> dict:
    return {"Effect": "Allow", "Action": actions, "Resource": resource, **extra}


def deny(actions, resource="*", **extra) -> dict:
    return {"Effect": "Deny", "Action": actions, "Resource": resource, **extra}


IAM_PATHS = sorted(n for n, acts in PATHS.items() if all(a.startswith("iam:") for a in acts))

# name -> (principal row kind, statements or row, expected: set of paths that must be open / None for "none open")
USERS = [
    user("notaction", [{"Effect": "Allow", "NotAction": ["s3:*", "ec2:*"], "Resource": "*"}]),
    user("notaction-denied", [{"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"},
                              {"Effect": "Deny", "NotAction": ["ec2:*"], "Resource": "*"}]),
    user("scoped", [allow(["iam:CreateAccessKey", "iam:PutUserPolicy"], arn("user", "scoped"))]),
    user("role-wide", [allow("iam:PassRole", f"arn:aws:iam::{ACCOUNT}:role/*"), allow("ec2:RunInstances")]),
    user("conditional-allow", [allow("iam:CreatePolicyVersion", Condition={"Bool": {"aws:MultiFactorAuthPresent": True}})]),
    user("conditional-deny", [allow("iam:CreatePolicyVersion"),
                              deny("iam:CreatePolicyVersion", Condition={"Bool": {"aws:MultiFactorAuthPresent": False}})]),
    user("via-groups", [], groups=["escalators"]),
    user("bounded", [allow("*")], boundary=arn("policy", "s3-only")),
    user("bounded-open", [allow("iam:*")], boundary=arn("policy", "iam-boundary")),
    user("two-policies", [allow("iam:PassRole")], attached=[arn("policy", "lambda-create")]),
    user("harmless", [allow(["s3:GetObject", "ec2:Describe*"])]),
    user("nothing", []),
]
ROLES = []
for i, path in enumerate(sorted(PATHS)):
    actions = PATHS[path]
    kind, boundary = OWN_BOUNDARY.get(path, "user"), arn("policy", "admin") if path in OWN_BOUNDARY else None
    rows = USERS if kind == "user" else ROLES
    rows.append(user(f"grant-{i}", [allow([mixed_case(a) for a in actions])], boundary=boundary, kind=kind))
    rows.append(user(f"denied-{i}", [allow(actions), deny(mixed_case(actions[0]))], boundary=boundary, kind=kind))
    rows.append(user(f"wild-{i}", [allow([wildcard(a) for a in actions])], boundary=boundary, kind=kind))

GROUPS = [{"name": "escalators", "arn": arn("group", "escalators"), "attached_policy_arns": [arn("policy", "put-user")],
           "inline_policies_std": inline_policies_std([{"PolicyName": "g", "PolicyDocument": {
               "Statement": [allow("iam:CreateAccessKey")]}}]), **base()}]
POLICIES = [
    managed("put-user", [allow("iam:PutUserPolicy")]),
    managed("s3-only", [allow("s3:*")]),
    managed("iam-boundary", [allow("iam:*")]),
    managed("lambda-create", [allow(["lambda:CreateFunction", "lambda:InvokeFunction"])]),
    managed("admin", [allow("*")]),
]
ROLES += [
    {"name": "AWSServiceRoleForSupport", "arn": arn("role", "aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport"),
     "path": "/aws-service-role/support.amazonaws.com/", "attached_policy_arns": [arn("policy", "admin")], **base()},
    {"name": "app", "arn": arn("role", "app"), "path": "/", "attached_policy_arns": [arn("policy", "admin")], **base()},
]


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    con = db.connect(tmp_path_factory.mktemp("privesc") / "privesc.duckdb")
    with db.transaction(con):
        snapshot = db.new_snapshot(con, account_id=ACCOUNT, kind="load", sources=[], as_of=AS_OF)
        db.insert_rows(con, "aws_iam_user", snapshot, USERS)
        db.insert_rows(con, "aws_iam_group", snapshot, GROUPS)
        db.insert_rows(con, "aws_iam_policy", snapshot, POLICIES)
        db.insert_rows(con, "aws_iam_role", snapshot, ROLES)
    rows = controls.results(con, controls.run_checks(con, controls=[CONTROL]))
    con.close()
    return {r["resource"]: r for r in rows}


def open_paths(row: dict) -> set[str]:
    names = row["dimensions"].get("escalation_path_names")
    return set(names.split(", ")) if names else set()


def test_the_path_table_holds_the_reference_paths():
    assert len(PATHS) >= 90
    assert PATHS["CreateAccessKey"] == ["iam:createaccesskey"]
    assert sorted(PATHS["PassExistingRoleToNewLambdaThenInvoke"]) == [
        "iam:passrole", "lambda:createfunction", "lambda:invokefunction"]
    assert all(a == a.lower() and ":" in a for actions in PATHS.values() for a in actions)


@pytest.mark.parametrize("index", range(len(PATHS)), ids=sorted(PATHS))
def test_each_path_is_found_and_broken_by_an_explicit_deny(results, index):
    path = sorted(PATHS)[index]
    kind = OWN_BOUNDARY.get(path, "user")
    granted = results[arn(kind, f"grant-{index}")]
    assert granted["status"] == "alarm" and path in open_paths(granted), granted["reason"]
    wild = results[arn(kind, f"wild-{index}")]
    assert path in open_paths(wild), wild["reason"]
    denied = results[arn(kind, f"denied-{index}")]
    assert path not in open_paths(denied), denied["reason"]
    # every path still open after the Deny avoids the denied action
    first = PATHS[path][0]
    assert all(first not in PATHS[p] for p in open_paths(denied))


def test_a_user_granted_a_path_opens_only_paths_within_its_actions(results):
    for index, path in enumerate(sorted(PATHS)):
        granted = set(PATHS[path])
        opened = open_paths(results[arn(OWN_BOUNDARY.get(path, "user"), f"grant-{index}")])
        assert all(set(PATHS[p]) <= granted for p in opened), (path, opened)


def test_notaction_allows_everything_but_what_it_lists(results):
    opened = open_paths(results[arn("user", "notaction")])
    # without a boundary it has none to lift or replace
    expected = {p for p, acts in PATHS.items() if not any(a.startswith(("s3:", "ec2:")) for a in acts)} - set(OWN_BOUNDARY)
    assert opened == expected
    # Deny NotAction ec2:* denies everything except EC2: only EC2-only paths stay open
    denied = open_paths(results[arn("user", "notaction-denied")])
    assert denied == {p for p, acts in PATHS.items() if all(a.startswith("ec2:") for a in acts)}


def test_resource_scope(results):
    # CreateAccessKey on its own user is no escalation; PutUserPolicy on itself is: it can grant itself anything
    scoped = results[arn("user", "scoped")]
    assert scoped["status"] == "alarm" and open_paths(scoped) == {"PutUserPolicy"}, scoped["reason"]
    assert "CreateEC2WithExistingIP" in open_paths(results[arn("user", "role-wide")])


def test_conditions(results):
    assert "CreateNewPolicyVersion" in open_paths(results[arn("user", "conditional-allow")])
    assert "CreateNewPolicyVersion" in open_paths(results[arn("user", "conditional-deny")])


def test_group_policies_and_policies_combined_across_documents(results):
    row = results[arn("user", "via-groups")]
    assert {"CreateAccessKey", "PutUserPolicy", "PutUserPolicyThenCreateAccessKey"} <= open_paths(row)
    assert "via group escalators" in row["reason"]
    assert "PassExistingRoleToNewLambdaThenInvoke" in open_paths(results[arn("user", "two-policies")])


def test_permissions_boundary_caps_the_grant(results):
    assert results[arn("user", "bounded")]["status"] == "ok"
    opened = open_paths(results[arn("user", "bounded-open")])
    assert opened and all(a.startswith("iam:") for p in opened for a in IDENTITY_ACTIONS[p])
    assert {p for p in IAM_PATHS if OWN_BOUNDARY.get(p, "user") == "user"} <= opened


def test_harmless_and_empty_principals_pass(results):
    for name in ("harmless", "nothing"):
        row = results[arn("user", name)]
        assert row["status"] == "ok" and row["reason"].endswith("no known privilege-escalation path."), row


def test_service_linked_role_is_info_and_a_workload_role_alarms(results):
    linked = results[arn("role", "aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport")]
    assert linked["status"] == "info" and "AWS manages its permissions" in linked["reason"]
    app = results[arn("role", "app")]
    taken = set(PATHS) - set(OWN_BOUNDARY)  # it has no boundary to lift or replace
    assert app["status"] == "alarm" and open_paths(app) == taken
    assert app["dimensions"]["escalation_paths"] == len(taken)
    assert "and " + str(len(taken) - 5) + " more; granted by admin." in app["reason"]

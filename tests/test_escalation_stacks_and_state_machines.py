"""Escalation paths through an existing CloudFormation stack (UpdateStack; CreateChangeSet + ExecuteChangeSet): an
operation on a stack runs as the stack's service role, without iam:PassRole (CloudFormation API Reference,
CreateChangeSet RoleARN: "If you don't specify a value, CloudFormation uses the role that was previously associated
with the stack"). With aws_cloudformation_stack loaded the path opens on a stack the caller's statements name (or any
stack, for a statement on every one) whose role has administrator power or a path of its own, and on no other: a
weak role, a stack without a role (it runs as the caller), a deleted stack. An empty loaded table closes it; without
the table a named stack is a skip and a statement on every stack is open.

The same for a Step Functions state machine (UpdateStateMachine + StartExecution): a new definition keeps the machine's
role (UpdateStateMachine's roleArn is optional), and the execution runs as it (aws_sfn_state_machine).

Account 123456789012, as of 2024-03-01; the scenario machinery of tests/test_escalation_scenarios."""

import pytest

from iamsql import controls
from iamsql.policy.access import create_tables
from iamsql.store import db
from tests.iam_rows import ACCOUNT, ADMIN, AS_OF, allow, arn, assume, base, deny, managed, role, user
from tests.test_escalation_paths import CONTROL, Scenario, assert_scenario_row

S = Scenario
REGION = "us-east-1"
STACK = f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/"
APP = STACK + "app/0f1e2d3c-aaaa-bbbb-cccc-000000000001"
NET = STACK + "net/0f1e2d3c-aaaa-bbbb-cccc-000000000002"
PLAIN = STACK + "plain/0f1e2d3c-aaaa-bbbb-cccc-000000000003"
GONE = STACK + "gone/0f1e2d3c-aaaa-bbbb-cccc-000000000004"
# creation failed and rolled back: CloudFormation refuses updates ("is in ROLLBACK_COMPLETE state and can not be
# updated"); the stack can only be deleted
FAILED = STACK + "failed/0f1e2d3c-aaaa-bbbb-cccc-000000000005"
# an update rolled back: the stack works and takes updates again
RETRY = STACK + "retry/0f1e2d3c-aaaa-bbbb-cccc-000000000006"
CHANGE_SET = ["cloudformation:CreateChangeSet", "cloudformation:ExecuteChangeSet"]
WITH_MFA = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}

SCENARIOS = [
    S("update-admin-stack", user("update-admin-stack", allow("cloudformation:UpdateStack", STACK + "app/*")),
      f"CloudFormationUpdateStack on {APP}", "open", "alarm"),
    S("update-weak-stack", user("update-weak-stack", allow("cloudformation:UpdateStack", STACK + "net/*")),
      "CloudFormationUpdateStack", "closed", "ok"),
    S("update-stack-without-role", user("update-stack-without-role", allow("cloudformation:UpdateStack",
                                                                           STACK + "plain/*")),
      "CloudFormationUpdateStack", "closed", "ok"),
    S("update-deleted-stack", user("update-deleted-stack", allow("cloudformation:UpdateStack", STACK + "gone/*")),
      "CloudFormationUpdateStack", "closed", "ok"),
    S("update-rolled-back-creation", user("update-rolled-back-creation",
                                          allow("cloudformation:UpdateStack", STACK + "failed/*")),
      "CloudFormationUpdateStack", "closed", "ok"),
    S("update-rolled-back-update", user("update-rolled-back-update",
                                        allow("cloudformation:UpdateStack", STACK + "retry/*")),
      f"CloudFormationUpdateStack on {RETRY}", "open", "alarm"),
    S("update-missing-stack", user("update-missing-stack", allow("cloudformation:UpdateStack", STACK + "other/*")),
      "CloudFormationUpdateStack", "closed", "ok"),
    # a statement on every stack: the loaded stacks are all there is, and one runs as an administrator role
    S("update-any-stack", user("update-any-stack", allow("cloudformation:UpdateStack")),
      f"CloudFormationUpdateStack on {APP}", "open", "alarm"),
    S("update-any-stack-but-app", user("update-any-stack-but-app", allow("cloudformation:UpdateStack"),
                                       deny("cloudformation:UpdateStack",
                                            [STACK + "app/*", STACK + "retry/*"])),
      "CloudFormationUpdateStack", "closed", "ok"),
    S("update-admin-stack-mfa", user("update-admin-stack-mfa", allow("cloudformation:UpdateStack", STACK + "app/*",
                                                                     Condition=WITH_MFA)),
      f"CloudFormationUpdateStack on {APP}", "open-if", "alarm"),
    S("change-set-admin-stack", user("change-set-admin-stack", allow(CHANGE_SET, STACK + "app/*")),
      f"ExecuteCloudFormationChangeSet on {APP}", "open", "alarm"),
    # the change set made on one stack and executed on another opens neither
    S("change-set-split", user("change-set-split", allow("cloudformation:CreateChangeSet", STACK + "app/*"),
                               allow("cloudformation:ExecuteChangeSet", STACK + "net/*")),
      "ExecuteCloudFormationChangeSet", "closed", "ok"),
]

ROLES = [
    role("admin-cloudformation", assume({"Service": "cloudformation.amazonaws.com"}), attached=[ADMIN]),
    role("weak-cloudformation", assume({"Service": "cloudformation.amazonaws.com"}), statements=[allow("s3:GetObject")]),
]
POLICIES = [managed("AdministratorAccess", allow("*"), aws=True)]


def stack(stack_id: str, role_name: str | None, status: str = "UPDATE_COMPLETE") -> dict:
    name = stack_id.split("/")[1]
    return {**base(), "region": REGION, "id": stack_id, "name": name, "title": name, "akas": [stack_id],
            "status": status, "role_arn": role_name and arn("role", role_name)}


STACKS = [stack(APP, "admin-cloudformation"), stack(NET, "weak-cloudformation"), stack(PLAIN, None),
          stack(GONE, "admin-cloudformation", "DELETE_COMPLETE"), stack(FAILED, "admin-cloudformation", "ROLLBACK_COMPLETE"),
          stack(RETRY, "admin-cloudformation", "UPDATE_ROLLBACK_COMPLETE")]


def _check(path, users: list[dict], stacks: list[dict] | None, table: str = "aws_cloudformation_stack",
           roles: list[dict] = ROLES) -> tuple[dict, dict]:
    """The control's rows by principal and the engine's decisions by (principal, question, detail); ``stacks``: the
    rows of ``table``, None: the table is not loaded."""
    con = db.connect(path)
    with db.transaction(con):
        snapshot = db.new_snapshot(con, account_id=ACCOUNT, kind="load", sources=[], as_of=AS_OF)
        db.insert_rows(con, "aws_iam_user", snapshot, users)
        db.insert_rows(con, "aws_iam_role", snapshot, roles)
        db.insert_rows(con, "aws_iam_group", snapshot, [])
        db.insert_rows(con, "aws_iam_policy", snapshot, POLICIES)
        if stacks is not None:
            db.insert_rows(con, table, snapshot, stacks)
    results = {r["resource"]: r for r in controls.results(con, controls.run_checks(con, controls=[CONTROL]))}
    create_tables(con, controls.ACCESS_QUESTIONS, tables=["iam_principal_access"])
    decisions = {(principal, question, detail): decision for principal, question, detail, decision in con.execute(
        "select principal_arn, question, detail, decision from iam_principal_access").fetchall()}
    con.close()
    return results, decisions


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    return _check(tmp_path_factory.mktemp("stacks") / "iam.duckdb", [s.row for s in SCENARIOS], STACKS)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_scenario(checked, scenario):
    results, decisions = checked
    assert_scenario_row(results, decisions, scenario, not_closed=("Allowed", "AllowedIf", "Unknown"))


# without the stacks: an empty loaded table leaves nothing to update; a table not loaded cannot say which role a named
# stack has (skip, never ok), and a statement on every stack is open
ANY = user("update-any", allow("cloudformation:UpdateStack"))
NAMED = user("update-named", allow("cloudformation:UpdateStack", STACK + "app/*"))
WITHOUT_STACKS = [
    ([], ANY, "closed", "ok"),
    ([], NAMED, "closed", "ok"),
    (None, ANY, "open", "alarm"),
    (None, NAMED, "unknown", "skip"),
]


@pytest.mark.parametrize("stacks, principal, expect, status", WITHOUT_STACKS,
                         ids=[f"{'empty' if s == [] else 'not-loaded'}-{p['name']}" for s, p, _, _ in WITHOUT_STACKS])
def test_without_stacks(tmp_path, stacks, principal, expect, status):
    results, decisions = _check(tmp_path / "iam.duckdb", [principal], stacks)
    path = "CloudFormationUpdateStack"
    if expect == "unknown":
        path += f" on arn:aws:cloudformation:us-east-1:{ACCOUNT}:stack/app/iamsql-probe"
    assert_scenario_row(results, decisions, Scenario(principal["name"], principal, path, expect, status),
                        not_closed=("Allowed", "AllowedIf", "Unknown"))


# ---- Step Functions state machines ----------------------------------------------------------------------------------
MACHINE = f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:"
UPDATE_AND_RUN = ["states:UpdateStateMachine", "states:StartExecution"]
MACHINE_PATH = "StepFunctionsUpdateStateMachine+StartExecution"
MACHINE_SCENARIOS = [
    S("update-admin-machine", user("update-admin-machine", allow(UPDATE_AND_RUN, MACHINE + "orders")),
      f"{MACHINE_PATH} on {MACHINE}orders", "open", "alarm"),
    S("update-weak-machine", user("update-weak-machine", allow(UPDATE_AND_RUN, MACHINE + "reports")),
      MACHINE_PATH, "closed", "ok"),
    S("update-any-machine", user("update-any-machine", allow(UPDATE_AND_RUN)),
      f"{MACHINE_PATH} on {MACHINE}orders", "open", "alarm"),
    # the new definition of one machine, run on another, opens neither
    S("update-one-run-another", user("update-one-run-another", allow("states:UpdateStateMachine", MACHINE + "orders"),
                                     allow("states:StartExecution", MACHINE + "reports")),
      MACHINE_PATH, "closed", "ok"),
]
MACHINE_ROLES = [
    role("admin-states", assume({"Service": "states.amazonaws.com"}), attached=[ADMIN]),
    role("weak-states", assume({"Service": "states.amazonaws.com"}), statements=[allow("lambda:InvokeFunction")]),
]
MACHINES = [{**base(), "region": REGION, "arn": MACHINE + name, "name": name, "title": name,
             "akas": [MACHINE + name], "status": "ACTIVE", "role_arn": arn("role", role_name)}
            for name, role_name in (("orders", "admin-states"), ("reports", "weak-states"))]


@pytest.fixture(scope="module")
def machines_checked(tmp_path_factory):
    return _check(tmp_path_factory.mktemp("machines") / "iam.duckdb", [s.row for s in MACHINE_SCENARIOS], MACHINES,
                  "aws_sfn_state_machine", MACHINE_ROLES)


@pytest.mark.parametrize("scenario", MACHINE_SCENARIOS, ids=[s.id for s in MACHINE_SCENARIOS])
def test_state_machine_scenario(machines_checked, scenario):
    results, decisions = machines_checked
    assert_scenario_row(results, decisions, scenario, not_closed=("Allowed", "AllowedIf", "Unknown"))


@pytest.mark.parametrize("machines, expect, status", [([], "closed", "ok"), (None, "unknown", "skip")],
                         ids=["empty", "not-loaded"])
def test_a_named_state_machine_without_the_machines(tmp_path, machines, expect, status):
    principal = user("update-named-machine", allow(UPDATE_AND_RUN, MACHINE + "orders"))
    results, decisions = _check(tmp_path / "iam.duckdb", [principal], machines, "aws_sfn_state_machine",
                                MACHINE_ROLES)
    path = MACHINE_PATH + (f" on {MACHINE}orders" if expect == "unknown" else "")
    assert_scenario_row(results, decisions, Scenario(principal["name"], principal, path, expect, status),
                        not_closed=("Allowed", "AllowedIf", "Unknown"))

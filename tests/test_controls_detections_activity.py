"""Breadth detections of docs/detections.md: one identity calling a large share of a list of actions within a window
(Prowler's cloudtrail_threat_detection_privilege_escalation and _llm_jacking).

- privilege_escalation_activity alarms on the Invictus IR trail, where one user ran Stratus Red Team's escalation
  and persistence techniques in half an hour, and stays quiet on the maheribra attack chain (role chaining and
  enumeration, no escalation call) and on a hand-written administrator doing a few of the actions.
- llm_jacking alarms on Stratus Red Team's bedrock-invoke-model detonation (use case, agreement, entitlement,
  availability checks, invocation) and stays quiet on an application that lists models and invokes them.
- Calls spread beyond the window, calls AWS makes itself and accounts without events in the look-back do not alarm.
"""

from datetime import timedelta
from pathlib import Path

import pytest

from iamsql import controls
from iamsql.load import load_paths
from iamsql.store import db

from .cloudtrail_events import console_login, event, in_console
from .test_controls_detections_identity import AS_OF, run, statuses

DATA = Path(__file__).parent / "data"
PRIVESC, LLM = "cloudtrail_event_privilege_escalation_activity", "cloudtrail_event_llm_jacking"
T0 = AS_OF - timedelta(days=3)


def at(minutes: float):
    return T0 + timedelta(minutes=minutes)


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    con = db.connect(tmp_path_factory.mktemp("activity") / "real.duckdb")
    load_paths(con, [DATA / "invictus_ir_aws_dataset", DATA / "maheribra_aws_attack_chain_ir",
                     DATA / "stratus_red_team_detonation_logs/docs/detonation-logs/aws.impact.bedrock-invoke-model.json",
                     DATA / "stratus_red_team_detonation_logs/docs/detonation-logs/aws.persistence.iam-create-admin-user.json"])
    rows = controls.results(con, controls.run_checks(con, controls=[PRIVESC, LLM]))
    con.close()
    assert [r for r in rows if r["status"] == "error"] == []
    return rows


def alarms(rows, control_id):
    return [(r["account_id"], r["resource"], r["reason"]) for r in rows
            if r["control_id"] == control_id and r["status"] == "alarm"]


def test_the_invictus_escalation_run_alarms_once_for_its_user(real):
    [(account, resource, reason)] = alarms(real, PRIVESC)
    assert (account, resource) == ("123837392027", "arn:aws:iam::123837392027:user/bert-jan")
    for words in ("called 13 of the 31 privilege-escalation actions", "between 2023-07-10 11:54:39 and 2023-07-10 12:28:24",
                  "iam:AttachRolePolicy x6", "iam:UpdateAssumeRolePolicy x2", "lambda:UpdateFunctionCode x2",
                  "sts:AssumeRole x23 (13 failed)", "from 192.168.10.20 (Terraform/1.1.2, stratus-red-team_",
                  "stratus-red-team_39f95f43-cd2f-4beb-b69e-be60b6fe1f57 and 11 more); 21 of the 60 calls failed"):
        assert words in reason, (words, reason)


def test_the_other_real_trails_are_ok_for_privilege_escalation(real):
    """The maheribra chain assumes roles and enumerates; a single Stratus technique calls two of the actions."""
    for account in ("275023965626", "229654561268", "494659789341"):
        rows = [(r["status"], r["reason"]) for r in real if r["control_id"] == PRIVESC and r["account_id"] == account]
        assert [status for status, _ in rows] == ["ok"], (account, rows)
        assert "is part of 7 or more of the 31 privilege-escalation actions called within 1440 minutes" in rows[0][1]


def test_the_stratus_bedrock_detonation_is_llm_jacking(real):
    [(account, resource, reason)] = alarms(real, LLM)
    assert (account, resource) == ("494659789341", "arn:aws:iam::494659789341:role/test-role")
    for words in ("called 6 of the 12 Bedrock model-access actions", "bedrock:PutUseCaseForModelAccess x1",
                  "bedrock:CreateFoundationModelAgreement x1", "bedrock:GetFoundationModelAvailability x10",
                  "bedrock:InvokeModel x1", "2024-10-17 20:09:50", "stratus-red-team_"):
        assert words in reason, (words, reason)
    assert reason.endswith("; confirm it is planned model access."), reason


def test_the_real_trails_without_bedrock_calls_are_ok_for_llm_jacking(real):
    for account in ("123837392027", "275023965626", "229654561268"):
        assert [r["status"] for r in real if r["control_id"] == LLM and r["account_id"] == account] == ["ok"], account


# ------------------------------------------------------------------------------------------ hand-written twins

ESCALATION = [("iam.amazonaws.com", "AttachUserPolicy"), ("iam.amazonaws.com", "PutRolePolicy"),
              ("iam.amazonaws.com", "CreateAccessKey"), ("iam.amazonaws.com", "UpdateAssumeRolePolicy"),
              ("lambda.amazonaws.com", "UpdateFunctionCode20150331v2"), ("ec2.amazonaws.com", "RunInstances"),
              ("sts.amazonaws.com", "AssumeRole")]


def calls(account, names, *, every_minutes=1, start=T0, **caller):
    return [event(account, start + timedelta(minutes=n * every_minutes), name, source=source, **caller)
            for n, (source, name) in enumerate(names)]


def daily(account, names, **caller):
    """One call a day and a minute, the last a day before the data was taken."""
    return calls(account, names, every_minutes=1441, start=AS_OF - timedelta(minutes=1441 * len(names)), **caller)


def test_privilege_escalation_needs_the_share_within_the_window(tmp_path):
    tried, few, spread, aws, old = "871000000001", "871000000002", "871000000003", "871000000004", "871000000005"
    found = run(tmp_path, {
        # seven of the 31 within minutes, five of them denied: an intruder trying technique after technique
        tried: calls(tried, ESCALATION[:5], user="intruder", error="AccessDenied")
        + calls(tried, ESCALATION[5:], user="intruder"),
        # an administrator's day: six of them (below 20% of 31)
        few: calls(few, ESCALATION[:6], user="admin"),
        # the seven, one a day: never seven within 1440 minutes
        spread: daily(spread, ESCALATION, user="admin"),
        # CloudFormation running a stack for its role makes the calls itself (invokedBy)
        aws: calls(aws, ESCALATION, role="deployer", invoked_by="cloudformation.amazonaws.com"),
        # all seven, long before the look-back
        old: [e | {"event_time": (AS_OF - timedelta(days=400)).isoformat()} for e in calls(old, ESCALATION, user="x")],
    }, PRIVESC)
    [(resource, status, reason)] = found[tried]
    assert (resource, status) == (f"arn:aws:iam::{tried}:user/intruder", "alarm")
    assert "called 7 of the 31 privilege-escalation actions" in reason, reason
    assert "iam:AttachUserPolicy x1 (1 failed)" in reason and "lambda:UpdateFunctionCode x1 (1 failed)" in reason, reason
    assert "ec2:RunInstances x1," in reason and "sts:AssumeRole x1)" in reason, reason
    assert "5 of the 7 calls failed" in reason, reason
    for account in (few, spread, aws):
        assert statuses(found[account]) == [(f"arn:aws:::{account}", "ok")], (account, found[account])
    assert found[spread][0][2].startswith("None of the 7 CloudTrail events"), found[spread]
    assert statuses(found[old]) == [(f"arn:aws:::{old}", "skip")], found[old]


def test_the_share_and_window_are_parameters(tmp_path):
    few, spread = "872000000001", "872000000002"
    found = run(tmp_path, {few: calls(few, ESCALATION[:6], user="admin"),
                           spread: daily(spread, ESCALATION, user="admin")},
                PRIVESC, min_share=0.15, window_minutes=5 * 1441)
    [(_, status, reason)] = found[few]
    assert status == "alarm" and "called 6 of the 31" in reason, reason
    [(_, status, reason)] = found[spread]
    assert status == "alarm" and "called 5 of the 31" in reason, reason


def test_allowed_callers_names_the_users_and_roles_not_judged(tmp_path):
    """The pipeline's role (its sessions) and the named user are not counted; another user whose name holds the
    allowed one, and the same calls by a role not named, still alarm."""
    pipeline, admin, other = "873000000001", "873000000002", "873000000003"
    found = run(tmp_path, {
        pipeline: calls(pipeline, ESCALATION, role="deploy-pipeline") + calls(pipeline, ESCALATION, role="builder"),
        admin: calls(admin, ESCALATION, user="ops-admin"),
        other: calls(other, ESCALATION, user="ops-admin-2"),
    }, PRIVESC, allowed_callers="ops-admin, deploy-pipeline")
    [(resource, status, _)] = found[pipeline]
    assert (resource, status) == (f"arn:aws:iam::{pipeline}:role/builder", "alarm"), found[pipeline]
    assert statuses(found[admin]) == [(f"arn:aws:::{admin}", "ok")], found[admin]
    [(resource, status, _)] = found[other]
    assert (resource, status) == (f"arn:aws:iam::{other}:user/ops-admin-2", "alarm"), found[other]


def test_escalation_calls_made_in_the_console_are_the_persons_not_aws(tmp_path):
    """A user working through the escalation actions in the console is counted, though the user agent names AWS; the
    same calls a service makes for the user (invokedBy, no console session) are not."""
    console, service = "876000000001", "876000000002"
    found = run(tmp_path, {
        console: [in_console(row) for row in calls(console, ESCALATION, user="intruder")],
        service: [row | {"user_agent": "AWS Internal", "source_ip_address": "AWS Internal"}
                  for row in calls(service, ESCALATION, user="intruder", invoked_by="AWS Internal")],
    }, PRIVESC, min_share=0.2)
    [(resource, status, reason)] = found[console]
    assert (resource, status) == (f"arn:aws:iam::{console}:user/intruder", "alarm"), reason
    assert "called 7 of the 31" in reason and "from 10.8.8.10 (AWS)" in reason, reason
    assert statuses(found[service]) == [(f"arn:aws:::{service}", "ok")], found[service]


def test_the_ok_row_counts_the_events_of_the_window_to_the_second(tmp_path):
    """Events sharing a second count once each; one exactly lookback_days before the data's time is outside the
    window, one a second later inside; one after the data's time is not counted."""
    account = "874000000001"
    edge = AS_OF - timedelta(days=2)
    busy = AS_OF - timedelta(hours=1)
    times = [edge, edge + timedelta(seconds=1), busy, busy, busy, AS_OF, AS_OF + timedelta(seconds=1)]
    found = run(tmp_path, {account: [event(account, when, "ListUsers", user="reader") for when in times]},
                PRIVESC, lookback_days=2)
    [(_, status, reason)] = found[account]
    assert status == "ok", reason
    assert reason.startswith(f"None of the 5 CloudTrail events from {(edge + timedelta(seconds=1)):%Y-%m-%d %H:%M} "
                             f"to {AS_OF:%Y-%m-%d %H:%M} UTC"), reason



def test_the_ok_row_counts_the_window_of_any_look_back(tmp_path):
    """The window is lookback_days before the data's time whatever the number: half a day holds the event 11 hours
    before and not the one 13 hours before; a window after the account's newest event holds none, a skip although
    older events exist."""
    account = "874000000002"
    times = [AS_OF - timedelta(days=3), AS_OF - timedelta(hours=13), AS_OF - timedelta(hours=11)]
    events = {account: [event(account, when, "ListUsers", user="reader") for when in times]}
    [(_, status, reason)] = run(tmp_path / "half", events, PRIVESC, lookback_days=0.5)[account]
    assert status == "ok", reason
    newest = f"{times[2]:%Y-%m-%d %H:%M}"
    assert reason.startswith(f"None of the 1 CloudTrail events at {newest} UTC"), reason
    [(_, status, reason)] = run(tmp_path / "week", events, PRIVESC, lookback_days=7)[account]
    assert status == "ok" and reason.startswith(f"None of the 3 CloudTrail events from {times[0]:%Y-%m-%d %H:%M}"), reason
    [(_, status, reason)] = run(tmp_path / "gap", {account: events[account][:1]}, PRIVESC, lookback_days=2)[account]
    assert status == "skip" and "falls in the 2 days before" in reason, reason


BEDROCK_SETUP = ["ListFoundationModels", "GetFoundationModelAvailability", "ListFoundationModelAgreementOffers",
                 "PutUseCaseForModelAccess", "CreateFoundationModelAgreement", "PutFoundationModelEntitlement"]


def bedrock(account, names, **caller):
    return [event(account, at(n), name, source="bedrock.amazonaws.com", region="us-west-2", **caller)
            for n, name in enumerate(names)]


def test_llm_jacking_is_model_access_set_up_not_an_application_invoking_models(tmp_path):
    stolen, app, slr = "873000000001", "873000000002", "873000000003"
    found = run(tmp_path, {
        # a stolen key: models listed, access enabled, logging checked, Claude invoked (Converse is InvokeModel)
        stolen: bedrock(stolen, BEDROCK_SETUP[:4] + ["GetModelInvocationLoggingConfiguration", "Converse"],
                        user="ci-deploy", key="AKIAEXAMPLESTOLEN01"),
        # an application: lists the models and invokes them all day, in every way the runtime offers
        app: bedrock(app, ["ListFoundationModels", "GetFoundationModelAvailability", "InvokeModel",
                           "InvokeModelWithResponseStream", "Converse", "ConverseStream"] * 3, role="chat-app"),
        # AWS's own: a service makes the calls
        slr: bedrock(slr, BEDROCK_SETUP, role="chat-app", invoked_by="bedrock.amazonaws.com"),
    }, LLM)
    [(resource, status, reason)] = found[stolen]
    assert (resource, status) == (f"arn:aws:iam::{stolen}:user/ci-deploy", "alarm")
    for words in ("called 6 of the 12 Bedrock model-access actions", "bedrock:InvokeModel x1",
                  "bedrock:GetModelInvocationLoggingConfiguration x1", "in us-west-2 from 198.51.100.7"):
        assert words in reason, (words, reason)
    for account in (app, slr):
        assert statuses(found[account]) == [(f"arn:aws:::{account}", "ok")], (account, found[account])


def test_llm_jacking_allowed_callers_are_not_judged(tmp_path):
    """The named administrator (a user) and role (its sessions) set up model access unjudged, as for
    privilege_escalation_activity; a user whose name only starts with the allowed one still alarms."""
    admin, role, other = "875000000001", "875000000002", "875000000003"
    setup = BEDROCK_SETUP + ["InvokeModel"]
    found = run(tmp_path, {
        admin: bedrock(admin, setup, user="ml-admin"),
        role: bedrock(role, setup, role="model-onboarding") + bedrock(role, setup, role="chat-app"),
        other: bedrock(other, setup, user="ml-admin-2"),
    }, LLM, allowed_callers="ml-admin, model-onboarding")
    assert statuses(found[admin]) == [(f"arn:aws:::{admin}", "ok")], found[admin]
    [(resource, status, _)] = found[role]
    assert (resource, status) == (f"arn:aws:iam::{role}:role/chat-app", "alarm"), found[role]
    [(resource, status, _)] = found[other]
    assert (resource, status) == (f"arn:aws:iam::{other}:user/ml-admin-2", "alarm"), found[other]


def test_the_window_holds_calls_less_than_window_minutes_apart(tmp_path):
    """[start, start + window): RunInstances 59 minutes after AttachUserPolicy is in one 60-minute window, 60 minutes
    after it is not; repeated calls of one action (AssumeRole every minute for hours) count once."""
    inside, outside = "874000000001", "874000000002"

    def run_of(account, last_minute):
        repeated = [event(account, at(m), "AssumeRole", source="sts.amazonaws.com", user="ops") for m in range(300)]
        first_five = calls(account, ESCALATION[:5], start=at(200), user="ops")
        return repeated + first_five + [event(account, at(200 + last_minute), "RunInstances", source="ec2.amazonaws.com",
                                             user="ops")]

    found = run(tmp_path, {inside: run_of(inside, 59), outside: run_of(outside, 60)}, PRIVESC, window_minutes=60)
    [(_, status, reason)] = found[inside]
    assert status == "alarm" and "called 7 of the 31" in reason and "sts:AssumeRole x60" in reason, reason
    assert statuses(found[outside]) == [(f"arn:aws:::{outside}", "ok")], found[outside]


@pytest.mark.parametrize("control_id", [
    "cloudtrail_event_root_activity", "cloudtrail_event_trail_tampering", "cloudtrail_event_retired_key_used",
    "cloudtrail_event_console_login_without_mfa", "cloudtrail_event_cross_account_role_use"])
def test_the_ok_row_names_the_time_the_events_span_not_the_look_back(tmp_path, control_id):
    """One event in a 90-day look-back: the reason says the minute it covers, never 90 days (it said 'none of the 1
    CloudTrail events in the 90 days')."""
    account = "874000000003"
    when = AS_OF - timedelta(hours=1)
    [(_, status, reason)] = run(tmp_path, {account: [event(account, when, "ListUsers", user="reader")]},
                                control_id)[account]
    assert status == "ok", reason
    assert reason.startswith(f"None of the 1 CloudTrail events at {when:%Y-%m-%d %H:%M} UTC "), reason
    assert "90 days" not in reason, reason


def test_alarm_and_per_person_rows_name_the_time_the_events_span_not_the_look_back(tmp_path):
    """A sign-in without MFA, one with MFA and a root call, an hour apart, in a 90-day look-back: every reason says
    the time the loaded events span (they said 'out of 1 in the 90 days before the data was taken')."""
    account = "874000000004"
    first, middle, last = (AS_OF - timedelta(hours=hours) for hours in (3, 2, 1))
    events = {account: [console_login(account, first, "eve", mfa=False), console_login(account, middle, "alice", mfa=True),
                        event(account, last, "ListUsers", root=True)]}
    span = f"from {first:%Y-%m-%d %H:%M} to {last:%Y-%m-%d %H:%M} UTC"
    logins = {resource.rsplit("/", 1)[-1]: (status, reason) for resource, status, reason in
              run(tmp_path / "mfa", events, "cloudtrail_event_console_login_without_mfa")[account]}
    assert logins["eve"][0] == "alarm" and f"1 time(s) out of 1 in the loaded events {span}, last on" in logins["eve"][1], logins
    assert logins["alice"] == ("ok", f"alice used MFA for all 1 console sign-in(s) in the loaded events {span}."), logins
    [(_, status, reason)] = run(tmp_path / "root", events, "cloudtrail_event_root_activity")[account]
    assert status == "alarm" and reason.startswith(f"The root user made 1 call(s) in the loaded events {span} (ListUsers)"), reason
    for _, reason in logins.values():
        assert "90 days" not in reason
    assert "90 days" not in reason


def test_the_skip_row_names_the_loaded_events_not_the_look_back_as_empty(tmp_path):
    """Events only before the look-back: the skip says none of the loaded events falls in it and when the newest is
    (it said 'No CloudTrail events of account ... fall in the 2 days', as if nothing had happened in them)."""
    account = "874000000005"
    old = AS_OF - timedelta(days=3)
    for control_id in ("cloudtrail_event_root_activity", "cloudtrail_event_console_login_without_mfa", PRIVESC):
        [(_, status, reason)] = run(tmp_path / control_id, {account: [event(account, old, "ListUsers", user="reader")]},
                                    control_id, lookback_days=2)[account]
        assert status == "skip", reason
        assert reason.startswith(f"None of the loaded CloudTrail events of account {account} (the newest from "
                                 f"{old:%Y-%m-%d %H:%M} UTC) falls in the 2 days before the data was taken, so "), reason

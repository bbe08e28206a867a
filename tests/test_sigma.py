"""Sigma rules as controls (``iamsql check --sigma DIR``, iamsql/controls/sigma.py, docs/detections.md "Sigma rules").

- Every rule written for these tests (tests/data/sigma/rules) converts, and its SQL runs on DuckDB.
- Over the Stratus Red Team detonation logs each rule alarms on exactly the events it describes, one row per
  event, and says ok, naming the window examined, on the other accounts.
- Over hand-made events: case-insensitive equality, null, exists, fieldref, regular expressions, CIDR, keywords,
  ``1 of``/``all of`` and ``not`` filters behave as the Sigma specification says; an account whose events all
  fall outside the look-back gives ``skip``.
- Each rule with an unsupported feature (aggregation, correlation, unknown modifier, unmapped field, other log
  source, ``wide``) gives one line naming the file, the rule and the feature; the CLI fails with those lines,
  or warns and runs the others with --sigma-skip-unsupported.
"""

import json
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from iamsql import controls, frameworks
from iamsql import scheduled as evidence
from iamsql.controls import sigma
from iamsql.errors import ControlError
from iamsql.load import load_paths
from iamsql.store import db
from tests.fixtures.cli import run_cli

from .cloudtrail_events import event, load_accounts

DATA = Path(__file__).parent / "data"
RULES = DATA / "sigma" / "rules"
UNSUPPORTED = DATA / "sigma" / "unsupported"
STRATUS = DATA / "stratus_red_team_detonation_logs" / "docs" / "detonation-logs"
# the identity, logging and defense-evasion detonations (those of tests/test_controls_detections.py)
STRATUS_FILES = [STRATUS / f"aws.{stem}.json" for stem in (
    "defense-evasion.cloudtrail-delete", "defense-evasion.cloudtrail-event-selectors", "defense-evasion.cloudtrail-stop",
    "defense-evasion.dns-delete-logs", "defense-evasion.organizations-leave", "defense-evasion.vpc-remove-flow-logs",
    "initial-access.console-login-without-mfa", "persistence.iam-backdoor-role", "persistence.iam-backdoor-user",
    "persistence.iam-create-admin-user", "persistence.iam-create-backdoor-role",
    "persistence.iam-create-user-login-profile", "persistence.rolesanywhere-create-trust-anchor",
    "persistence.sts-federation-token", "privilege-escalation.iam-update-user-login-profile")]


def sid(uuid_tail: str) -> str:
    return f"sigma_0b7d3c52_6f1e_4c1a_9a43_3f2f6d1c8a{uuid_tail}"


LOGIN_PROFILE, ROOT, CT_DELETE, CREDENTIAL, GO_SDK, NETWORK, KEYWORD = (
    sid("01"), sid("02"), sid("03"), sid("05"), sid("06"), sid("07"), sid("08"))
TRAIL = "sigma_trail_weakened"  # a rule without an id: the file stem

# rule -> {(account, event name)} it alarms on in the detonation logs (one row per event)
STRATUS_ALARMS = {
    LOGIN_PROFILE: {("070411556318", "CreateLoginProfile")},
    ROOT: set(),
    CT_DELETE: {("847129010505", "DeleteTrail")},
    TRAIL: {("143434273843", "StopLogging"), ("958312252124", "PutEventSelectors")},
    CREDENTIAL: {("070411556318", "CreateLoginProfile"), ("229654561268", "CreateAccessKey"),
                 ("763751499319", "UpdateLoginProfile"), ("946986569305", "CreateAccessKey")},
    GO_SDK: {("742491224508", "GetFederationToken"), ("742491224508", "GetCallerIdentity")},
    NETWORK: set(),
    KEYWORD: {("946986569305", "CreateAccessKey")},
}


# ------------------------------------------------------------------------------------------------ conversion


def test_every_test_rule_converts_with_its_metadata():
    rules = {r.control.id: r for path in sorted(RULES.glob("*.yml")) for r in sigma.convert_file(path)[0]}
    assert set(rules) == set(STRATUS_ALARMS)
    login = rules[LOGIN_PROFILE]
    assert login.control.title == "Console password set for an IAM user"
    assert login.control.severity == "high"
    assert login.tags == ("attack.persistence", "attack.t1098")
    assert login.control.requires == ("aws_cloudtrail_trail_event",)
    assert login.control.parameters == {"lookback_days": 90}
    assert rules[NETWORK].control.severity == "info"  # informational
    assert rules[ROOT].control.severity == "critical"
    assert login.condition == ("(lower(t.event_source) = 'iam.amazonaws.com' and lower(t.event_name) = "
                               "'createloginprofile' and t.error_code is null)")
    for rule in rules.values():  # a valid mapping id, so mappings/*.yaml can name it
        assert frameworks.CONTROL_ID.fullmatch(rule.control.id), rule.control.id


@pytest.mark.parametrize("name, expected", [
    ("eventName", "t.event_name"),
    ("sourceIPAddress", "t.source_ip_address"),
    ("readOnly", "cast(t.read_only as text)"),
    ("userIdentity.type", "t.cloudtrail_event -> 'userIdentity' ->> 'type'"),
    ("userIdentity.sessionContext.sessionIssuer.arn",
     "t.cloudtrail_event -> 'userIdentity' -> 'sessionContext' -> 'sessionIssuer' ->> 'arn'"),
    ("requestParameters.userName", "t.request_parameters ->> 'userName'"),
    ("requestParameters", "cast(t.request_parameters as text)"),
    ("responseElements.accessKey.accessKeyId", "t.response_elements -> 'accessKey' ->> 'accessKeyId'"),
    ("additionalEventData.MFAUsed", "t.additional_event_data ->> 'MFAUsed'"),
    ("managementEvent", "t.cloudtrail_event ->> 'managementEvent'"),
])
def test_field_mapping(name, expected):
    assert sigma.field_sql(name) == expected


def test_an_unknown_field_is_named():
    with pytest.raises(sigma._Unsupported, match="field 'CommandLine' is not a CloudTrail field"):
        sigma.field_sql("CommandLine")


def test_the_sql_of_every_rule_runs_on_duckdb(stratus_db):
    con = db.connect(stratus_db, read_only=True)
    try:
        controls.create_views(con, access=False)  # the ok and skip rows read cloudtrail_event_window
        for control in sigma.load_sigma([RULES]):
            rule = sigma.convert_file(control.path)[0][0]
            where = controls.to_duckdb(f"select count(*) from aws_cloudtrail_trail_event as t where {rule.condition}")
            con.execute(where).fetchone()
            full = controls.to_duckdb(controls.render_sql(control, control.parameters))
            names = [d[0] for d in con.execute(full).description]
            assert names[:5] == list(controls.RESULT_COLUMNS)
    finally:
        con.close()


# ------------------------------------------------------------------------------------------------ Stratus


@pytest.fixture(scope="module")
def stratus_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("sigma") / "stratus.duckdb"
    con = db.connect(path)
    load_paths(con, STRATUS_FILES)
    con.close()
    return path


@pytest.fixture(scope="module")
def stratus(stratus_db):
    extra = sigma.load_sigma([RULES])
    con = db.connect(stratus_db)
    try:
        run_id = controls.run_checks(con, controls=[c.id for c in extra], extra_controls=extra)
        return controls.results(con, run_id, extra_controls=extra)
    finally:
        con.close()


def test_stratus_alarms_are_the_events_each_rule_describes(stratus):
    assert [r for r in stratus if r["status"] in ("error", "skip")] == []
    for rule, expected in STRATUS_ALARMS.items():
        alarms = [r for r in stratus if r["control_id"] == rule and r["status"] == "alarm"]
        assert {(r["account_id"], r["dimensions"]["event_name"]) for r in alarms} == expected, rule
        assert len(alarms) == len(expected)  # one row per matching event


def test_an_alarm_names_who_what_when_where_and_the_rule(stratus):
    [alarm] = [r for r in stratus if r["control_id"] == LOGIN_PROFILE and r["status"] == "alarm"]
    assert alarm["title"] == "Console password set for an IAM user"
    assert alarm["severity"] == "high"
    assert alarm["resource"] == "arn:aws:iam::070411556318:user/christophe#d3906a7d-604b-407f-acb6-fc425742821e"
    assert alarm["reason"] == (
        "arn:aws:iam::070411556318:user/christophe called CreateLoginProfile (iam.amazonaws.com) at 2024-08-01 "
        "13:42:21 UTC from 253.234.5.234 (stratus-red-team_99dfa7e5-00d3-40b7-8cfd-b2573ada0eac); it matches the "
        "Sigma rule 'Console password set for an IAM user' (level high, attack.persistence, attack.t1098).")
    assert alarm["dimensions"] == {
        "sigma_rule": "0b7d3c52-6f1e-4c1a-9a43-3f2f6d1c8a01", "attack": "attack.persistence, attack.t1098",
        "principal": "arn:aws:iam::070411556318:user/christophe", "event_id": "d3906a7d-604b-407f-acb6-fc425742821e",
        "event_name": "CreateLoginProfile", "event_time": "2024-08-01T13:42:21Z"}


def test_accounts_without_a_match_say_which_window_was_examined(stratus):
    accounts = {r["account_id"] for r in stratus}
    assert len(accounts) == 15
    for rule, expected in STRATUS_ALARMS.items():
        ok = [r for r in stratus if r["control_id"] == rule and r["status"] == "ok"]
        assert {r["account_id"] for r in ok} == accounts - {a for a, _ in expected}
    [ok] = [r for r in stratus if r["control_id"] == LOGIN_PROFILE and r["account_id"] == "946986569305"]
    assert ok["resource"] == "arn:aws:::946986569305"
    assert ok["reason"] == ("None of the 1 CloudTrail events at 2024-07-30 21:53 UTC matches "
                            "the Sigma rule 'Console password set for an IAM user' (level high, attack.persistence, "
                            "attack.t1098).")


# ------------------------------------------------------------------------------------------------ hand-made events

AS_OF = datetime(2024, 6, 1, 12, 0, tzinfo=timezone.utc)
A, OLD = "811111111111", "833333333333"
T0 = AS_OF - timedelta(days=2)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


HAND_MADE = [
    # root: a call by root alarms; one an AWS service made for root does not
    event(A, at(0), "GetAccountSummary", root=True, ip="192.0.2.1"),
    event(A, at(1), "GetAccountSummary", root=True, invoked_by="support.amazonaws.com"),
    # login profile: a failed call has an errorCode (not null): no alarm; wrong service: no alarm
    event(A, at(2), "CreateLoginProfile", user="admin", request={"userName": "bob"}, error="AccessDenied"),
    event(A, at(3), "CreateLoginProfile", source="example.amazonaws.com", user="admin", request={"userName": "bob"}),
    # credential for another user: on oneself (fieldref, any case) and failed calls do not alarm
    event(A, at(4), "CreateAccessKey", user="dev", request={"userName": "DEV"}),
    event(A, at(5), "CreateAccessKey", user="admin", request={"userName": "gone"}, error="NoSuchEntity"),
    event(A, at(6), "createaccesskey", user="admin", request={"userName": "carol"}),  # case-insensitive: alarms
    # policy from the lab network: regex (case-sensitive) + CIDR + (role session or *-admin user)
    event(A, at(7), "AttachRolePolicy", role="deployer", ip="203.0.113.5"),  # alarms
    event(A, at(8), "PutUserPolicy", user="ops-admin", ip="203.0.113.200"),  # alarms
    event(A, at(9), "AttachRolePolicy", user="bob", ip="203.0.113.6"),  # neither role nor -admin
    event(A, at(10), "AttachRolePolicy", role="deployer", ip="198.51.100.7"),  # outside the range
    event(A, at(11), "attachrolepolicy", role="deployer", ip="203.0.113.7"),  # re is case-sensitive
    event(A, at(12), "AttachRolePolicy", role="deployer", ip="203.0.1139"),  # not in 203.0.113.0/24
    # trails: a Delete on CloudTrail alarms whatever the case of the name; a Delete elsewhere does not
    event(A, at(13), "DeleteEventDataStore", source="cloudtrail.amazonaws.com", user="admin"),
    event(A, at(14), "DeleteBucket", source="s3.amazonaws.com", user="admin"),
    # user agent contains, any case
    event(A, at(15), "ListUsers", user="tool", agent="APN/1.0 aws-sdk-go-v2/1.30.0 os/linux"),
]
OLD_EVENTS = [event(OLD, AS_OF - timedelta(days=200), "GetAccountSummary", root=True)]


@pytest.fixture(scope="module")
def hand_made(tmp_path_factory):
    con = db.connect(tmp_path_factory.mktemp("sigma") / "hand.duckdb")
    load_accounts(con, {A: {"aws_cloudtrail_trail_event": HAND_MADE},
                        OLD: {"aws_cloudtrail_trail_event": OLD_EVENTS}}, AS_OF)
    extra = sigma.load_sigma([RULES])
    rows = controls.results(con, controls.run_checks(con, controls=[c.id for c in extra], extra_controls=extra),
                            extra_controls=extra)
    con.close()
    return rows


def alarms(rows, rule):
    return sorted((r["dimensions"]["event_name"], r["resource"].split("#")[0])
                  for r in rows if r["control_id"] == rule and r["status"] == "alarm")


def test_hand_made_events(hand_made):
    assert [r for r in hand_made if r["status"] == "error"] == []
    assert alarms(hand_made, ROOT) == [("GetAccountSummary", f"arn:aws:iam::{A}:root")]
    assert alarms(hand_made, LOGIN_PROFILE) == []
    assert alarms(hand_made, CREDENTIAL) == [("createaccesskey", f"arn:aws:iam::{A}:user/admin")]
    assert alarms(hand_made, NETWORK) == [
        ("AttachRolePolicy", f"arn:aws:sts::{A}:assumed-role/deployer/session-1"),
        ("PutUserPolicy", f"arn:aws:iam::{A}:user/ops-admin")]
    assert alarms(hand_made, CT_DELETE) == [("DeleteEventDataStore", f"arn:aws:iam::{A}:user/admin")]
    assert alarms(hand_made, GO_SDK) == [("ListUsers", f"arn:aws:iam::{A}:user/tool")]
    assert alarms(hand_made, TRAIL) == []


def test_keywords_search_the_whole_record(hand_made):
    # no hand-made event has the word anywhere in its record (cloudtrail_event)
    assert alarms(hand_made, KEYWORD) == []
    [ok] = [r for r in hand_made if r["control_id"] == KEYWORD and r["account_id"] == A]
    assert ok["status"] == "ok"
    assert ok["reason"].startswith("None of the 16 CloudTrail events from 2024-05-30 12:00 to 2024-05-30 12:15 UTC")


def test_no_event_in_the_lookback_is_a_skip(hand_made):
    rows = [r for r in hand_made if r["account_id"] == OLD]
    assert {r["status"] for r in rows} == {"skip"}
    assert len(rows) == len(STRATUS_ALARMS)
    # the newest event is named: nothing happened in the look-back as far as the loaded events show, which end before it
    reason = rows[0]["reason"]
    assert reason.startswith(f"None of the loaded CloudTrail events of account {OLD} (the newest from "), reason
    assert " UTC) falls in the 90 days before the data was taken, so the Sigma rule" in reason, reason



# callers without an ARN of their own, each called with the AWS SDK for Go (GO_SDK alarms on every one)
GO_AGENT = "aws-sdk-go-v2/1.30.0 os/linux"
CALLERS = "844444444444"
ISSUER = f"arn:aws:iam::{CALLERS}:role/deployer"
CALLER_IDENTITIES = {
    "session-issuer": ({"type": "AssumedRole", "accountId": CALLERS,
                        "sessionContext": {"sessionIssuer": {"type": "Role", "arn": ISSUER}}}, ISSUER),
    "service": ({"type": "AWSService", "invokedBy": "lambda.amazonaws.com"}, "lambda.amazonaws.com"),
    "other-account": ({"type": "AWSAccount", "accountId": "855555555555"}, "AWSAccount"),
    "issuer-object": ({"type": "AssumedRole", "sessionContext": {"sessionIssuer": {"arn": {"a": [1, "b"]}}}},
                      '{"a": [1, "b"]}'),  # as Postgres writes the object
    "nothing": ({}, "an unknown caller"),
}


@pytest.fixture(scope="module")
def callers(tmp_path_factory):
    rows = []
    for minute, (name, (identity, _)) in enumerate(CALLER_IDENTITIES.items()):
        rows.append(event(CALLERS, at(minute), name, agent=GO_AGENT) | {"user_identity": identity})
    con = db.connect(tmp_path_factory.mktemp("sigma") / "callers.duckdb")
    load_accounts(con, {CALLERS: {"aws_cloudtrail_trail_event": rows}}, AS_OF)
    extra = sigma.load_sigma([RULES / "go_sdk_user_agent.yml"])
    found = controls.results(con, controls.run_checks(con, controls=[c.id for c in extra], extra_controls=extra),
                             extra_controls=extra)
    con.close()
    return found


def test_a_caller_without_an_arn_is_its_session_issuer_else_the_service_else_its_type(callers):
    named = {r["dimensions"]["event_name"]: (r["dimensions"]["principal"], r["resource"].split("#")[0])
             for r in callers if r["status"] == "alarm"}
    assert named == {name: (caller, caller) for name, (_, caller) in CALLER_IDENTITIES.items()}

# ------------------------------------------------------------------------------------------------ unsupported

UNSUPPORTED_LINES = {
    "aggregation.yml": "rule 'Many denied calls (old aggregation syntax)': unsupported: aggregations in the condition",
    "correlation.yml": "(document 2): rule 'Burst of denied calls': unsupported: correlation rules (event_count",
    "other_logsource.yml": "rule 'Windows process creation': unsupported: log source product=windows",
    "unknown_modifier.yml": "rule 'Unknown modifier': unsupported: unknown modifier 'sounds_like'",
    "unmapped_field.yml": "rule 'Process image field on CloudTrail': unsupported: field 'Image' is not a CloudTrail field",
    "wide_modifier.yml": "rule 'Wide string': unsupported: modifier 'wide' (in selection, field userAgent)",
}


@pytest.mark.parametrize("name", sorted(UNSUPPORTED_LINES))
def test_an_unsupported_feature_is_one_line_naming_rule_and_feature(name):
    _converted, errors = sigma.convert_file(UNSUPPORTED / name)
    assert len(errors) == 1
    assert "\n" not in errors[0]
    assert errors[0].startswith(str(UNSUPPORTED / name))
    assert UNSUPPORTED_LINES[name] in errors[0]


def test_loading_fails_naming_every_bad_rule_or_warns_and_keeps_the_others():
    # a rule of another log source in a folder is left out, not an error (UNSUPPORTED's other_logsource.yml)
    with pytest.raises(sigma.SigmaRuleError) as caught:
        sigma.load_sigma([RULES, UNSUPPORTED])
    lines = str(caught.value).split("\nerror: ")
    assert len(lines) == len(UNSUPPORTED_LINES) - 1 and not any("other_logsource" in line for line in lines)
    warned: list[str] = []
    kept = sigma.load_sigma([RULES, UNSUPPORTED], skip_unsupported=True, warn=warned.append)
    assert len(warned) == len(UNSUPPORTED_LINES) - 1
    # the valid rules, and the base rule of the correlation file
    assert {c.id for c in kept} == set(STRATUS_ALARMS) | {"sigma_1c8e4d63_7a2f_4d2b_8b54_4a3a7e2d9b05"}


def test_rules_of_other_log_sources_in_a_folder_are_left_out_and_counted(tmp_path):
    """A SigmaHQ checkout holds thousands of Windows and Linux rules beside its CloudTrail ones: each was an error
    (`unsupported: log source product=windows`), so --sigma could not be given the checkout."""
    shutil.copytree(RULES, tmp_path / "rules" / "cloud" / "aws")
    shutil.copy(UNSUPPORTED / "other_logsource.yml", tmp_path / "rules" / "windows.yml")
    noted: list[str] = []
    kept = sigma.load_sigma([tmp_path / "rules"], note=noted.append)
    assert {c.id for c in kept} == {c.id for c in sigma.load_sigma([RULES])}
    assert noted == [f"1 Sigma rule(s) of other log sources than aws/cloudtrail left out (e.g. "
                     f"{tmp_path / 'rules' / 'windows.yml'}: rule 'Windows process creation')"]
    # named as a file, such a rule is still an error; a folder holding only such rules runs nothing, so it is one too
    with pytest.raises(sigma.SigmaRuleError, match="unsupported: log source product=windows"):
        sigma.load_sigma([tmp_path / "rules" / "windows.yml"])
    (tmp_path / "windows").mkdir()
    shutil.move(tmp_path / "rules" / "windows.yml", tmp_path / "windows")
    with pytest.raises(ControlError, match=r"no rule for the aws/cloudtrail log source among its 1 rule\(s\)"):
        sigma.load_sigma([tmp_path / "windows"])


def test_a_rule_id_used_twice_is_an_error(tmp_path):
    text = (RULES / "login_profile_created.yml").read_text()
    (tmp_path / "a.yml").write_text(text)
    (tmp_path / "b.yml").write_text(text)
    with pytest.raises(sigma.SigmaRuleError, match="control id sigma_0b7d3c52_6f1e_4c1a_9a43_3f2f6d1c8a01 is already used"):
        sigma.load_sigma([tmp_path])


def test_a_regular_expression_re2_rejects_is_one_line_and_flags_still_apply(tmp_path):
    """RE2 printed its own two lines on stderr (an absl logging notice and the parse error) before the rule's one
    error line; a rule's `|re|i` still converts with its flag."""
    rule = ("title: {title}\nid: {id}\nlogsource: {{product: aws, service: cloudtrail}}\n"
            "detection: {{sel: {{eventName|re{flag}: '{pattern}'}}, condition: sel}}\nlevel: high\n")
    bad, good = tmp_path / "bad", tmp_path / "good"
    bad.mkdir()
    good.mkdir()
    (bad / "r.yml").write_text(rule.format(title="bad", id="6a0c2c8e-1d1f-4c57-9a43-0d5a1a6c0001", flag="",
                                           pattern="(("))
    done = run_cli("controls", "--sigma", str(bad))
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith(f"error: {bad}/r.yml: rule 'bad': invalid rule: Regular expression '((' is invalid")
    (good / "r.yml").write_text(rule.format(title="any case", id="6a0c2c8e-1d1f-4c57-9a43-0d5a1a6c0002", flag="|i",
                                            pattern="^consolelogin$"))
    [control] = sigma.load_sigma([good])  # the engine is handed the i flag to check the pattern with
    assert "t.event_name ~ '(?i)^consolelogin$'" in control.sql


def test_an_empty_or_missing_folder_is_an_error(tmp_path):
    with pytest.raises(ControlError, match="no .yml or .yaml rule file"):
        sigma.load_sigma([tmp_path])
    with pytest.raises(ControlError, match="no such file or folder"):
        sigma.load_sigma([tmp_path / "missing"])


def test_a_mapping_can_name_a_sigma_control(tmp_path):
    import shutil

    mappings = tmp_path / "mappings"
    shutil.copytree(frameworks.DATA_DIR, mappings)
    path = mappings / "nist-csf-2.0.yaml"
    text = path.read_text(encoding="utf-8")
    anchor = "- id: DE.CM-09\n  controls:\n"
    assert anchor in text
    path.write_text(text.replace(anchor, anchor + f"    {LOGIN_PROFILE}: A console password set for another user "
                                          "is a credential change the environment is monitored for.\n"))
    assert frameworks.requirements_for_control(LOGIN_PROFILE, mappings) == ["nist-csf-2.0:DE.CM-09"]


# ------------------------------------------------------------------------------------------------ CLI and config


def test_check_with_sigma(stratus_db, tmp_path):
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(stratus_db.read_bytes())
    done = run_cli("check", "--db", str(copy), "--sigma", str(RULES), "--control", LOGIN_PROFILE,
                   "--control", TRAIL, "--format", "jsonl")
    assert done.returncode == 1, done.stderr  # alarms at or above the default fail-on (info)
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert {r["control_id"] for r in rows} == {LOGIN_PROFILE, TRAIL}
    assert sum(r["status"] == "alarm" for r in rows) == 3
    assert {r["title"] for r in rows} == {"Console password set for an IAM user",
                                          "Trail stopped or its event selectors changed"}


def test_check_with_a_bad_rule_fails_with_one_line_per_rule(stratus_db):
    done = run_cli("check", "--db", str(stratus_db), "--sigma", str(RULES), "--sigma", str(UNSUPPORTED))
    assert done.returncode == 254  # check's bad input, as Powerpipe's
    note, *lines = done.stderr.strip().splitlines()
    assert note.startswith("note: 1 Sigma rule(s) of other log sources than aws/cloudtrail left out (e.g. ")
    assert len(lines) == len(UNSUPPORTED_LINES) - 1  # the Windows rule is the note's
    assert all(line.startswith(f"error: {UNSUPPORTED}/") for line in lines)


def test_check_skip_unsupported_warns_and_runs_the_others(stratus_db, tmp_path):
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(stratus_db.read_bytes())
    done = run_cli("check", "--db", str(copy), "--sigma", str(UNSUPPORTED), "--sigma-skip-unsupported",
                   "--control", "sigma_1c8e4d63_7a2f_4d2b_8b54_4a3a7e2d9b05", "--format", "jsonl")
    assert done.returncode == 1, done.stderr
    assert sum(line.startswith("warning: skipped Sigma rule: ") for line in done.stderr.splitlines()) == 5
    assert sum(line.startswith("note: 1 Sigma rule(s) of other log sources") for line in done.stderr.splitlines()) == 1
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    # the base rule of the correlation file (errorCode AccessDenied) runs: the denied LeaveOrganization
    assert [(r["account_id"], r["dimensions"]["event_name"]) for r in rows if r["status"] == "alarm"] == [
        ("307578594326", "LeaveOrganization")]


def test_evidence_config_sigma(tmp_path):
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "r.yml").write_text((RULES / "credential_for_another_user.yml").read_text())
    config_file = tmp_path / "iamsql.toml"
    config_file.write_text(
        'db = "ev.duckdb"\nevidence_dir = "evidence"\noutputs = ["json"]\nfail_on = "none"\nsigma = ["rules"]\n'
        f'controls = ["{CREDENTIAL}"]\n[sources]\npaths = ["{STRATUS / "aws.persistence.iam-backdoor-user.json"}"]\n')
    config = evidence.load_config(config_file, env={})
    assert config["sigma"] == [tmp_path / "rules"]
    outcome = evidence.run(config)
    assert outcome.summary["alarms"] == 1
    assert (outcome.folder / "sigma" / f"{CREDENTIAL}.yml").is_file()
    manifest = json.loads((outcome.folder / "manifest.json").read_text())
    assert any(f"sigma/{CREDENTIAL}.yml" in str(entry) for entry in manifest["files"])
    report = json.loads((outcome.folder / "results.json").read_text())
    assert "Credential created for another IAM user" in json.dumps(report)

"""Console access made from programmatic credentials (``cloudtrail_event_signin_token_issued``): GetFederationToken
with an IAM user's access key, then GetSigninToken (signin.amazonaws.com) with the federation token, then a
ConsoleLogin of the federated user, as the IAM user guide's custom identity broker steps and aws_consoler do.

The chain is Stratus sts-federation-token's real detonation log (tests/data/stratus_red_team_detonation_logs) with
the two sign-in events its federated user would add, in the shape CloudTrail records them; IAM Identity Center's
portal sign-in and a role session's call are Panther's test events (tests/data/panther_analysis).
"""

import json
from datetime import datetime, timedelta
from pathlib import Path

from iamsql import controls
from iamsql.load import load_paths
from iamsql.store import db

from .test_controls_detections_precision import panther_events

CONTROL = "cloudtrail_event_signin_token_issued"
STRATUS_LOG = "stratus_red_team_detonation_logs/docs/detonation-logs/aws.persistence.sts-federation-token.json"


def check(tmp_path: Path, events: list[dict], **params) -> list[tuple[str, str, str, str, str]]:
    """(account, region, resource, status, reason) of the control over the events loaded as ``iamsql load`` does."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "events.json"
    path.write_text(json.dumps(events))
    con = db.connect(tmp_path / "signin.duckdb")
    load_paths(con, [path])
    rows = controls.results(con, controls.run_checks(con, controls=[CONTROL], params=params or None))
    con.close()
    return [(r["account_id"], r["region"], r["resource"], r["status"], r["reason"]) for r in rows]


def federation_chain(public_data: Path, *, sign_in_error: str | None = None) -> list[dict]:
    """Stratus's GetFederationToken and the federated user's GetCallerIdentity, then GetSigninToken and ConsoleLogin
    by the same federated user (its userIdentity, access key and address)."""
    detonation = json.loads((public_data / STRATUS_LOG).read_text())
    federated = next(e for e in detonation if e["userIdentity"]["type"] == "FederatedUser")
    when = datetime.fromisoformat(federated["eventTime"].replace("Z", "+00:00"))

    def sign_in(name: str, seconds: int, response: dict, agent: str, error: str | None = None) -> dict:
        record = {
            "eventVersion": "1.08", "userIdentity": federated["userIdentity"],
            "eventTime": (when + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "eventSource": "signin.amazonaws.com", "eventName": name, "awsRegion": "us-east-1",
            "sourceIPAddress": federated["sourceIPAddress"], "userAgent": agent, "requestParameters": None,
            "responseElements": response, "eventID": f"00000000-0000-4000-8000-00000000000{seconds}",
            "eventType": "AwsConsoleSignIn" if name == "ConsoleLogin" else "AwsApiCall",
            "recipientAccountId": federated["recipientAccountId"],
        }
        if error:
            record |= {"errorCode": error, "errorMessage": "The security token included in the request is invalid"}
        return record

    return [*detonation,
            sign_in("GetSigninToken", 5, None if sign_in_error else {"GetSigninToken": "Success"},
                    "python-requests/2.31.0", sign_in_error),
            sign_in("ConsoleLogin", 9, {"ConsoleLogin": "Success"},
                    "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0")]


def test_a_federation_token_turned_into_a_console_session_alarms(tmp_path, public_data):
    [row] = check(tmp_path, federation_chain(public_data))
    account, region, resource, status, reason = row
    assert (account, region, status) == ("742491224508", "global", "alarm"), row
    assert resource == "arn:aws:sts::742491224508:federated-user/stratus_red_team"
    assert reason.startswith("arn:aws:sts::742491224508:federated-user/stratus_red_team called GetSigninToken at "
                             "2024-11-30 08:43:23 UTC from 255.090.254.5 (python-requests/2.31.0): a console sign-in "
                             "URL made from a federation token of "
                             "arn:aws:iam::742491224508:user/stratus-red-team-user-federation-user's access key"), reason
    assert ("(credentials ASIASTJKC5GCM7ZE6LUP minted by GetFederationToken by "
            "arn:aws:iam::742491224508:user/stratus-red-team-user-federation-user at 2024-11-30 08:43:17 UTC") in reason
    assert "the session signed in to the console at 2024-11-30 08:43:27 UTC" in reason, reason


def test_a_known_broker_or_a_failed_sign_in_token_is_no_alarm(tmp_path, public_data):
    broker = check(tmp_path / "broker", federation_chain(public_data),
                   **{f"{CONTROL}.allowed_callers": "ci-bot, stratus-red-team-user-federation-user"})
    assert [status for *_, status, _ in broker] == ["ok"], broker
    failed = check(tmp_path / "failed", federation_chain(public_data, sign_in_error="InvalidClientTokenId"))
    assert [status for *_, status, _ in failed] == ["ok"], failed


def test_identity_center_portal_sign_ins_are_not_alarms_a_scripted_role_session_is(tmp_path, public_data):
    tests = panther_events(public_data, "AWS.Console.GetSigninToken.Abuse")
    [(_, _, resource, status, reason)] = check(tmp_path / "sso", [tests["Legitimate SSO Portal GetSigninToken"]])
    assert status == "ok", reason
    [(_, _, resource, status, reason)] = check(tmp_path / "role", [tests["Suspicious GetSigninToken"]])
    assert (resource, status) == ("arn:aws:sts::123456789012:assumed-role/MyRole/session", "alarm"), reason
    assert "a console sign-in URL made from a session of role MyRole;" in reason and "python-requests/2.28.0" in reason, reason

"""secretsmanager_secret_rotated and secretsmanager_secret_unused over the hand-written Secrets Manager outputs
(tests/data/secrets): app/db rotates (last on 2024-05-01) and was last retrieved on 2024-06-10; legacy/api-key
(created 2022-02-01) and ops/token (created 2024-04-01) never rotated nor were retrieved."""

import json
import shutil
from pathlib import Path

from iamsql import controls
from iamsql.load import load_paths
from iamsql.store import db

DATA = Path(__file__).parent / "data" / "secrets"
ROTATED, UNUSED = "secretsmanager_secret_rotated", "secretsmanager_secret_unused"
ACCOUNT = "111122223333"
SECRET = f"arn:aws:secretsmanager:{{region}}:{ACCOUNT}:secret:"
APP_DB = SECRET.format(region="us-east-1") + "app/db-a1B2c3"
LEGACY = SECRET.format(region="us-east-1") + "legacy/api-key-Zx9Yw8"
OPS = SECRET.format(region="eu-west-1") + "ops/token-Qw3Er4"


def run(tmp_path, paths, as_of, params=None, name="secrets"):
    con = db.connect(tmp_path / f"{name}.duckdb")
    load_paths(con, paths, as_of=as_of)
    rows = controls.results(con, controls.run_checks(con, controls=[ROTATED, UNUSED], params=params))
    con.close()
    return {(r["control_id"], r["resource"]): (r["status"], r["reason"]) for r in rows}


def test_rotation_is_on_and_recent(tmp_path):
    found = run(tmp_path, [DATA], "2024-07-01T00:00:00Z")
    assert {resource: status for (control, resource), (status, _) in found.items() if control == ROTATED} == {
        APP_DB: "ok", LEGACY: "alarm", OPS: "alarm"}
    assert found[ROTATED, APP_DB][1] == \
        "Secret app/db rotates automatically and was last rotated 61 days before the data was taken."
    # list-secrets leaves RotationEnabled out of a secret never configured for rotation: it does not rotate
    assert found[ROTATED, LEGACY][1] == ("Secret legacy/api-key does not rotate automatically: its value was last "
                                         "set when it was created, 880 days before the data was taken.")
    assert found[ROTATED, OPS][0] == "alarm"


def test_rotation_turned_on_but_not_run_for_longer_than_the_limit_alarms(tmp_path):
    found = run(tmp_path, [DATA / "us-east-1"], "2024-09-01T00:00:00Z")
    assert found[ROTATED, APP_DB] == ("alarm", "Secret app/db rotates automatically, but was last rotated 123 days "
                                      "before the data was taken, more than 90 days: its rotation is failing or its "
                                      "schedule is longer than the limit.")
    found = run(tmp_path, [DATA / "us-east-1"], "2024-09-01T00:00:00Z", params={"max_days_since_rotation": 180},
                name="longer")
    assert found[ROTATED, APP_DB][0] == "ok"


def test_unused_secrets_by_their_last_retrieval_and_age(tmp_path):
    found = run(tmp_path, [DATA], "2024-07-01T00:00:00Z")
    assert {resource: status for (control, resource), (status, _) in found.items() if control == UNUSED} == {
        APP_DB: "ok", LEGACY: "alarm", OPS: "alarm"}
    assert found[UNUSED, APP_DB][1] == \
        "Secret app/db was last retrieved on 2024-06-10, 21 days before the data was taken."
    # created 90 days and 16 hours before: over the limit, though 90 whole days
    assert found[UNUSED, OPS][1] == ("Secret ops/token has never been retrieved since it was created over 90 days "
                                     "before the data was taken, more than the 90 days allowed.")
    found = run(tmp_path, [DATA], "2024-07-01T00:00:00Z", params={"max_unused_days": 100}, name="longer")
    assert found[UNUSED, OPS] == ("ok", "Secret ops/token has never been retrieved; it was created 90 days before "
                                  "the data was taken, within the 100 days allowed.")
    assert found[UNUSED, LEGACY][0] == "alarm"


def test_the_day_of_the_last_retrieval_counts_to_its_end(tmp_path):
    """LastAccessedDate is a day: app/db retrieved on 2024-06-10 may have been retrieved at 23:59, so it is unused for
    90 days only once 2024-09-09 has begun and passed its first instant."""
    listing = [DATA / "us-east-1"]
    assert run(tmp_path, listing, "2024-09-09T00:00:00Z", name="edge")[UNUSED, APP_DB][0] == "ok"
    late = run(tmp_path, listing, "2024-09-09T12:00:00Z", name="late")[UNUSED, APP_DB]
    assert late == ("alarm", "Secret app/db was last retrieved on 2024-06-10, 91 days before the data was taken, "
                             "more than 90 days.")


def test_secrets_pending_deletion_or_known_by_their_policy_alone_are_skipped(tmp_path):
    """A listing with --include-planned-deletion shows DeletedDate; a get-resource-policy of a secret in a region
    whose listing is not loaded gives its name alone."""
    listing = json.loads((DATA / "us-east-1" / "list-secrets.json").read_text())
    listing["SecretList"][1]["DeletedDate"] = "2024-07-05T00:00:00+00:00"
    (tmp_path / "list-secrets.json").write_text(json.dumps(listing))
    other = SECRET.format(region="ap-south-1") + "other-Ab1Cd2"
    (tmp_path / "get-resource-policy.json").write_text(json.dumps({"ARN": other, "Name": "other"}))
    found = run(tmp_path, [tmp_path / "list-secrets.json", tmp_path / "get-resource-policy.json"],
                "2024-07-01T00:00:00Z")
    for control in (ROTATED, UNUSED):
        assert found[control, LEGACY] == ("skip", "Secret legacy/api-key is scheduled for deletion on 2024-07-05 and "
                                                  "is not judged.")
        status, reason = found[control, other]
        assert status == "skip" and reason.startswith("Secret other: only its resource policy (get-resource-policy)")
        assert found[control, APP_DB][0] == "ok"


def test_an_account_of_which_one_secret_is_described_is_skipped(tmp_path):
    """describe-secret alone is part of the table: the account's other secrets were never seen."""
    shutil.copy(DATA / "describe-secret-ops-token.json", tmp_path)
    found = run(tmp_path, [tmp_path / "describe-secret-ops-token.json"], "2024-07-01T00:00:00Z")
    assert {control for control, _ in found} == {ROTATED, UNUSED}
    for (control, resource), (status, reason) in found.items():
        assert status == "skip" and resource == f"arn:aws:::{ACCOUNT}"
        assert reason.startswith(f"Only part of aws_secretsmanager_secret is loaded for account {ACCOUNT}")


SCHEDULED = "secretsmanager_secret_rotated_as_scheduled"


def scheduled(tmp_path, as_of, rules=None, name="scheduled"):
    """The control's results over the us-east-1 listing, app/db's RotationRules replaced by ``rules`` when given."""
    listing = json.loads((DATA / "us-east-1" / "list-secrets.json").read_text())
    if rules is not None:
        listing["SecretList"][0]["RotationRules"] = rules
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(listing))
    con = db.connect(tmp_path / f"{name}.duckdb")
    load_paths(con, [path], as_of=as_of)
    rows = controls.results(con, controls.run_checks(con, controls=[SCHEDULED]))
    con.close()
    return {r["resource"]: (r["status"], r["reason"]) for r in rows}


def test_rotation_is_judged_against_the_secrets_own_schedule(tmp_path):
    """app/db rotates every 30 days and last rotated on 2024-05-01: due on 2024-05-31, its window over a day later."""
    assert scheduled(tmp_path, "2024-06-01T00:00:00Z", name="due")[APP_DB] == (
        "ok", "Secret app/db rotates every 30 days and was last rotated 31 days before the data was taken, within its "
              "schedule.")
    assert scheduled(tmp_path, "2024-06-01T00:00:01Z", name="late")[APP_DB] == (
        "alarm", "Secret app/db rotates every 30 days, but was last rotated 31 days before the data was taken: its "
                 "rotation is failing.")
    # the fixed 90-day limit of secretsmanager_secret_rotated passes it; its own schedule does not
    found = run(tmp_path, [DATA / "us-east-1"], "2024-07-01T00:00:00Z")
    assert found[ROTATED, APP_DB][0] == "ok"
    assert scheduled(tmp_path, "2024-07-01T00:00:00Z", name="july")[APP_DB][0] == "alarm"
    assert scheduled(tmp_path, "2024-07-01T00:00:00Z", name="july")[LEGACY] == (
        "skip", "Secret legacy/api-key does not rotate automatically, so it has no rotation schedule to keep.")


def test_a_rate_expression_gives_the_period_and_a_cron_expression_is_skipped(tmp_path):
    rate = scheduled(tmp_path, "2024-05-02T00:00:00Z", {"ScheduleExpression": "rate(4 hours)", "Duration": "2h"}, "rate")
    assert rate[APP_DB] == ("alarm", "Secret app/db rotates every 4 hours, but was last rotated 1 day before the data "
                                     "was taken: its rotation is failing.")
    hourly = scheduled(tmp_path, "2024-05-01T05:00:00Z", {"ScheduleExpression": "rate(4 hours)"}, "hourly")
    assert hourly[APP_DB][0] == "ok"  # due at 04:00, its one-hour window still open at 05:00
    assert scheduled(tmp_path, "2024-05-01T05:00:01Z", {"ScheduleExpression": "rate(4 hours)"}, "past")[APP_DB][0] == "alarm"
    days = scheduled(tmp_path, "2024-05-12T00:00:00Z", {"AutomaticallyAfterDays": 10, "ScheduleExpression": "rate(10 days)",
                                                        "Duration": "3h"}, "days")
    assert days[APP_DB][0] == "alarm"  # due on 2024-05-11, its three-hour window long over
    assert scheduled(tmp_path, "2024-05-11T03:00:00Z", {"ScheduleExpression": "rate(10 days)", "Duration": "3h"},
                     "window")[APP_DB][0] == "ok"
    cron = scheduled(tmp_path, "2024-07-01T00:00:00Z", {"ScheduleExpression": "cron(0 16 1,15 * ? *)"}, "cron")
    assert cron[APP_DB] == ("skip", "Secret app/db rotates on the schedule cron(0 16 1,15 * ? *), whose period is not "
                                    "one number of days or hours, so when it was due is not judged.")

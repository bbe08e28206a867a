"""kms_customer_key_rotation_enabled over the hand-written KMS outputs (tests/data/kms_keys): a customer managed key
that can rotate is judged by its rotation status; keys that cannot rotate, pending deletion or disabled, or whose
status is not loaded, are skipped; AWS managed keys are not listed. account_security_contact_registered over
get-alternate-contact answers (tests/data/alternate_contacts): a loaded SECURITY contact is ok, AWS's
ResourceNotFoundException for it an alarm, and an account whose SECURITY answer is not loaded is skipped.
kms_key_not_pending_deletion over the same keys: the customer managed key pending deletion alarms."""

import json
import shutil
from pathlib import Path

import pytest

from iamsql import controls
from iamsql.load import load_paths
from iamsql.store import db

DATA = Path(__file__).parent / "data"
ROTATION, CONTACT = "kms_customer_key_rotation_enabled", "account_security_contact_registered"
AS_OF = "2025-03-01T00:00:00Z"
KEYS_ACCOUNT = "444455556666"  # the keys' ARNs name it
REGISTERED, NONE_REGISTERED, BILLING_ONLY = "111111111111", "222222222222", "333333333333"
KEY = f"arn:aws:kms:eu-west-1:{KEYS_ACCOUNT}:key/"
NO_SECURITY_CONTACT = {"AlternateContactType": "SECURITY", "Error": {
    "Code": "ResourceNotFoundException", "Message": "No contact of the inputted alternate contact type found."}}


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    root = tmp_path_factory.mktemp("kms_contacts")
    keys = root / "keys"
    shutil.copytree(DATA / "kms_keys", keys)
    (keys / "get-key-rotation-status-not-rotating.json").unlink()  # that key's status is then unknown
    (keys / "describe-key-disabled.json").write_text(json.dumps({"KeyMetadata": {
        **json.loads((keys / "describe-key-not-rotating.json").read_text())["KeyMetadata"],
        "KeyId": "6666ffff-66ff-77aa-00dd-6666666666ff", "Arn": KEY + "6666ffff-66ff-77aa-00dd-6666666666ff",
        "Enabled": False, "KeyState": "Disabled", "Description": "paused"}}))
    con = db.connect(root / "kms.duckdb")
    load_paths(con, [keys], as_of=AS_OF)
    load_paths(con, [DATA / "alternate_contacts" / "get-alternate-contact-security.json"], account_id=REGISTERED,
               as_of=AS_OF)
    (root / "none.json").write_text(json.dumps(NO_SECURITY_CONTACT))
    load_paths(con, [root / "none.json"], account_id=NONE_REGISTERED, as_of=AS_OF)
    load_paths(con, [DATA / "alternate_contacts" / "get-alternate-contact-billing.json"], account_id=BILLING_ONLY,
               as_of=AS_OF)
    run_id = controls.run_checks(con, controls=[ROTATION, CONTACT])
    rows = controls.results(con, run_id)
    con.close()
    return rows


def by_resource(rows, control, account):
    return {r["resource"]: (r["status"], r["reason"]) for r in rows
            if r["control_id"] == control and r["account_id"] == account}


def test_rotation_is_judged_only_where_the_customer_decides_it(results):
    found = by_resource(results, ROTATION, KEYS_ACCOUNT)
    assert {resource.removeprefix(KEY): status for resource, (status, _) in found.items()} == {
        "1234abcd-12ab-34cd-56ef-1234567890ab": "ok",
        "2222bbbb-22bb-44dd-66ff-2222222222bb": "skip",  # rotation status not loaded: unknown, not ok
        "4444dddd-44dd-55ee-88bb-4444444444dd": "skip",  # RSA_2048 cannot rotate automatically
        "5555eeee-55ee-66ff-99cc-5555555555ee": "skip",  # pending deletion
        "6666ffff-66ff-77aa-00dd-6666666666ff": "skip",  # disabled
    }  # the AWS managed key is not listed
    assert found[KEY + "1234abcd-12ab-34cd-56ef-1234567890ab"][1] == \
        "KMS key alias/app-data rotates its key material automatically."
    assert "(get-key-rotation-status) is not loaded" in found[KEY + "2222bbbb-22bb-44dd-66ff-2222222222bb"][1]
    assert "cannot rotate its material automatically" in found[KEY + "4444dddd-44dd-55ee-88bb-4444444444dd"][1]


def test_a_key_whose_rotation_is_off_alarms(tmp_path):
    con = db.connect(tmp_path / "off.duckdb")
    load_paths(con, [DATA / "kms_keys" / "list-keys.json", DATA / "kms_keys" / "describe-key-not-rotating.json",
                     DATA / "kms_keys" / "get-key-rotation-status-not-rotating.json"], as_of=AS_OF)
    rows = controls.results(con, controls.run_checks(con, controls=[ROTATION]))
    con.close()
    judged = {r["resource"]: r["status"] for r in rows if r["status"] != "skip"}
    assert judged == {KEY + "2222bbbb-22bb-44dd-66ff-2222222222bb": "alarm"}


def test_the_security_contact_is_ok_when_registered_alarm_when_aws_says_none_and_skip_when_unknown(results):
    assert {a: [s for s, _ in by_resource(results, CONTACT, a).values()]
            for a in (REGISTERED, NONE_REGISTERED, BILLING_ONLY)} == {
        REGISTERED: ["ok"], NONE_REGISTERED: ["alarm"], BILLING_ONLY: ["skip"]}
    [(_, reason)] = by_resource(results, CONTACT, REGISTERED).values()
    assert reason == f"Account {REGISTERED} has a security contact registered (Security Team, security@example.com)."


def test_a_customer_managed_key_pending_deletion_alarms(tmp_path):
    keys = tmp_path / "keys"
    shutil.copytree(DATA / "kms_keys", keys)
    (keys / "describe-key-signing.json").unlink()  # that key's description is then unknown
    con = db.connect(tmp_path / "deletion.duckdb")
    load_paths(con, [keys], as_of=AS_OF)
    rows = controls.results(con, controls.run_checks(con, controls=["kms_key_not_pending_deletion"]))
    con.close()
    found = {r["resource"].removeprefix(KEY): (r["status"], r["reason"]) for r in rows}
    assert {key: status for key, (status, _) in found.items()} == {
        "1234abcd-12ab-34cd-56ef-1234567890ab": "ok",
        "2222bbbb-22bb-44dd-66ff-2222222222bb": "ok",
        "4444dddd-44dd-55ee-88bb-4444444444dd": "skip",  # describe-key not loaded: unknown, not ok
        "5555eeee-55ee-66ff-99cc-5555555555ee": "alarm",
    }  # the AWS managed key is not listed
    assert found["5555eeee-55ee-66ff-99cc-5555555555ee"][1].endswith(
        " is scheduled for deletion on 2025-03-20; cancel the deletion if anything still needs the key.")
    assert found["1234abcd-12ab-34cd-56ef-1234567890ab"][1] == \
        "KMS key alias/app-data is not scheduled for deletion (Enabled)."

"""Loading KMS keys (tests/data/kms_keys: list-keys, describe-key, get-key-policy, get-key-rotation-status,
list-aliases, list-resource-tags) into aws_kms_key and alternate contacts (tests/data/alternate_contacts:
get-alternate-contact) into aws_account_alternate_contact, with Steampipe's columns; rotation is NULL where AWS KMS
cannot rotate a key, and a contact type is known only once its answer is loaded."""

import json
from pathlib import Path

import pytest

from iamsql import load
from iamsql.errors import InputError
from iamsql.store import db

DATA = Path(__file__).parent / "data"
KEYS, CONTACTS = DATA / "kms_keys", DATA / "alternate_contacts"
ACCOUNT = "444455556666"
AS_OF = "2025-03-01T00:00:00Z"  # the outputs carry no time of their own
KEY_ARN = f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/"
ROTATING = "1234abcd-12ab-34cd-56ef-1234567890ab"


@pytest.fixture
def con(tmp_path):
    connection = db.connect(tmp_path / "kms.duckdb")
    yield connection
    connection.close()


def test_key_outputs_are_recognised_and_merged_into_one_row_per_key(con):
    summary = load.load_paths(con, [KEYS], account_id=ACCOUNT, as_of=AS_OF)
    assert sorted({f.format for f in summary.files}) == [
        "kms:describe-key", "kms:get-key-policy", "kms:get-key-rotation-status", "kms:list-aliases", "kms:list-keys",
        "kms:list-resource-tags"]
    rows = con.execute("select description, title, key_manager, key_state, customer_master_key_spec, "
                       "key_rotation_enabled, aliases->0->>'AliasName', json_array_length(aliases), tags->>'team', "
                       "tags_src->0->>'TagKey', policy_std->'Statement'->0->'Principal'->'AWS'->>0, region, account_id, "
                       "deletion_date is not null from aws_kms_key order by description").fetchall()
    assert rows == [
        ("Default key that protects my S3 objects when no other key is defined", "alias/aws/s3", "AWS", "Enabled",
         "SYMMETRIC_DEFAULT", True, "alias/aws/s3", 1, None, None, None, "eu-west-1", ACCOUNT, False),
        ("application data", "alias/app-data", "CUSTOMER", "Enabled", "SYMMETRIC_DEFAULT", True, "alias/app-data", 1,
         "data", "team", f"arn:aws:iam::{ACCOUNT}:root", "eu-west-1", ACCOUNT, False),
        ("batch exports", "2222bbbb-22bb-44dd-66ff-2222222222bb", "CUSTOMER", "Enabled", "SYMMETRIC_DEFAULT", False,
         None, 0, None, None, None, "eu-west-1", ACCOUNT, False),
        # a signing key cannot rotate automatically: not applicable, not false
        ("release signing", "4444dddd-44dd-55ee-88bb-4444444444dd", "CUSTOMER", "Enabled", "RSA_2048", None, None, 0,
         None, None, None, "eu-west-1", ACCOUNT, False),
        ("retired", "5555eeee-55ee-66ff-99cc-5555555555ee", "CUSTOMER", "PendingDeletion", "SYMMETRIC_DEFAULT", False,
         None, 0, None, None, None, "eu-west-1", ACCOUNT, True)]
    assert con.execute("select id, arn, akas->>0 from aws_kms_key where id = ?", [ROTATING]).fetchall() == [
        (ROTATING, KEY_ARN + ROTATING, KEY_ARN + ROTATING)]


def test_a_rotation_status_of_false_for_a_key_that_cannot_rotate_is_not_applicable(con, tmp_path):
    (tmp_path / "status.json").write_text(json.dumps({"KeyRotationEnabled": False,
                                                      "KeyId": KEY_ARN + "4444dddd-44dd-55ee-88bb-4444444444dd"}))
    load.load_paths(con, [KEYS / "describe-key-signing.json", tmp_path / "status.json"], as_of=AS_OF)
    assert con.execute("select key_rotation_enabled, customer_master_key_spec from aws_kms_key").fetchall() == [
        (None, "RSA_2048")]


def test_an_alias_alone_makes_no_key_and_aliases_are_unknown_where_not_listed(con):
    load.load_paths(con, [KEYS / "list-aliases.json"], as_of=AS_OF)
    assert con.execute("select count(*) from aws_kms_key").fetchone() == (0,)
    load.load_paths(con, [KEYS / "list-keys.json"], as_of=AS_OF)
    assert con.execute("select count(*), count(aliases) from aws_kms_key").fetchone() == (5, 0)


def test_a_page_of_aliases_does_not_say_the_other_keys_have_none(con):
    """ListAliases' first page (``Truncated``, ``NextMarker``) lists the aliases of some keys: the others' may be on
    the next page, so their ``aliases`` stay NULL, not ``[]`` (which the whole listing gives)."""
    load.load_paths(con, [KEYS / "list-keys.json", KEYS / "list-aliases-page.json"], as_of=AS_OF)
    rows = "select id, aliases->0->>'AliasName', json_array_length(aliases) from aws_kms_key order by id"
    assert con.execute(rows).fetchall() == [
        (ROTATING, "alias/app-data", 1), ("2222bbbb-22bb-44dd-66ff-2222222222bb", None, None),
        ("3333cccc-33cc-44dd-77aa-3333333333cc", None, None), ("4444dddd-44dd-55ee-88bb-4444444444dd", None, None),
        ("5555eeee-55ee-66ff-99cc-5555555555ee", None, None)]
    load.load_paths(con, [KEYS / "list-keys.json", KEYS / "list-aliases-page.json", KEYS / "list-aliases.json"],
                    as_of=AS_OF)
    assert con.execute(rows).fetchall() == [
        (ROTATING, "alias/app-data", 1), ("2222bbbb-22bb-44dd-66ff-2222222222bb", None, 0),
        ("3333cccc-33cc-44dd-77aa-3333333333cc", "alias/aws/s3", 1), ("4444dddd-44dd-55ee-88bb-4444444444dd", None, 0),
        ("5555eeee-55ee-66ff-99cc-5555555555ee", None, 0)]


def test_a_policy_without_its_key_is_a_warning_and_a_bad_arn_one_line(con, tmp_path):
    policy = json.loads((KEYS / "get-key-policy-rotating.json").read_text())
    del policy["KeyId"]
    (tmp_path / "policy.json").write_text(json.dumps(policy))
    summary = load.load_paths(con, [KEYS / "list-keys.json", tmp_path / "policy.json"], as_of=AS_OF)
    assert summary.warnings == [f"{tmp_path / 'policy.json'}: kms get-key-policy output names no key (add KeyId, "
                                "the key's ARN); not loaded"]
    (tmp_path / "bad.json").write_text(json.dumps({"Keys": [{"KeyId": "k", "KeyArn": "arn:aws:s3:::bucket"}]}))
    with pytest.raises(InputError) as error:
        load.load_paths(con, [tmp_path / "bad.json"], as_of=AS_OF)
    assert str(error.value).startswith(f"{tmp_path / 'bad.json'}: bad kms:list-keys: 'arn:aws:s3:::bucket' is not a "
                                       "KMS key ARN") and "\n" not in str(error.value)


def test_contacts_load_one_row_per_type_and_the_table_is_whole_with_every_type(con, tmp_path):
    summary = load.load_paths(con, [CONTACTS], account_id=ACCOUNT, as_of=AS_OF)
    assert {f.format for f in summary.files} == {"account:get-alternate-contact"}
    assert con.execute("select contact_type, name, email_address, phone_number, contact_title, title, "
                       "linked_account_id, region, account_id from aws_account_alternate_contact order by 1").fetchall() == [
        ("BILLING", "Accounts Payable", "billing@example.com", "+1-206-555-0101", "Finance", "Accounts Payable", ACCOUNT,
         "global", ACCOUNT),
        ("SECURITY", "Security Team", "security@example.com", "+1-206-555-0100", "Security Operations", "Security Team",
         ACCOUNT, "global", ACCOUNT)]
    assert con.execute("select whole from iamsql_partial where table_name = 'aws_account_alternate_contact'"
                       ).fetchall() == [(["BILLING", "SECURITY"],)]
    (tmp_path / "operations.json").write_text(json.dumps({"AlternateContactType": "OPERATIONS", "Error": {
        "Code": "ResourceNotFoundException", "Message": "No contact of the inputted alternate contact type found."}}))
    load.load_paths(con, [CONTACTS, tmp_path / "operations.json"], account_id=ACCOUNT, as_of=AS_OF)
    assert con.execute("select count(*) from iamsql_partial where table_name = 'aws_account_alternate_contact'"
                       ).fetchone() == (0,)
    assert con.execute("select count(*) from aws_account_alternate_contact").fetchone() == (2,)


def test_a_refused_contact_is_skipped_not_read_as_no_contact(con, tmp_path):
    (tmp_path / "refused").mkdir()
    (tmp_path / "refused" / "security.json").write_text(json.dumps({"AlternateContactType": "SECURITY", "Error": {
        "Code": "AccessDeniedException", "Message": "not authorized"}}))
    summary = load.load_paths(con, [tmp_path / "refused", CONTACTS / "get-alternate-contact-billing.json"],
                              account_id=ACCOUNT, as_of=AS_OF)
    assert summary.skipped == [(str(tmp_path / "refused" / "security.json"),
                                "recorded error response AccessDeniedException")]
    assert con.execute("select whole from iamsql_partial where table_name = 'aws_account_alternate_contact'"
                       ).fetchall() == [(["BILLING"],)]


def test_a_keys_grants_are_skipped_saying_no_table_holds_them(tmp_path):
    """kms list-grants (the ListGrants answer: Grants with GrantId, GranteePrincipal, Operations...) was "not a
    recognised output": beside the keys it is skipped saying why, and named alone it is an error saying so."""
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "list-keys.json").write_bytes((KEYS / "list-keys.json").read_bytes())
    grants = tmp_path / "out" / "list-grants.json"
    grants.write_text(json.dumps({"Grants": [{
        "KeyId": "arn:aws:kms:eu-west-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "GrantId": "0c237476b39f8bc44e45212e08498fbe3151305030726c0590dd8d3e9f3d6a60", "Name": "",
        "CreationDate": "2024-01-02T00:00:00+00:00", "GranteePrincipal": "arn:aws:iam::444455556666:role/app",
        "IssuingAccount": "arn:aws:iam::444455556666:root", "Operations": ["Decrypt"], "Constraints": {}}],
        "Truncated": False}))
    con = db.connect(tmp_path / "k.duckdb")
    summary = load.load_paths(con, [tmp_path / "out"], account_id=ACCOUNT, as_of="2025-03-01")
    assert [(Path(path).name, "no table holds KMS grants" in why) for path, why in summary.skipped] == [
        ("list-grants.json", True)]
    with pytest.raises(InputError, match="no table holds KMS grants"):
        load.load_paths(db.connect(tmp_path / "g.duckdb"), [grants], account_id=ACCOUNT, as_of="2025-03-01")

"""Documents are parsed when first read: a build whose answers are all kept parses none, and a document the engine
cannot read gives the same tables whether its answers are computed or kept (left out of ``iam_policy_access`` and
``iam_role_trust_access``, as good as unknown for its holders)."""

import json

import duckdb
import pytest

from iamsql.policy.access import model
from tests.fixtures.calls import record_calls

from .test_policy_cache import _build, _computed

BROKEN_POLICY = "arn:aws:iam::200611803367:policy/privesc8-AttachGroupPolicy"  # attached to two principals
UNREADABLE = {"Version": "2012-10-17", "Statement": [{"Effect": "Maybe", "Action": "*", "Resource": "*"}]}


@pytest.fixture
def parsed(monkeypatch):
    """The documents the model parses."""
    return record_calls(monkeypatch, model, "parse_policy")


def test_a_build_whose_answers_are_all_kept_parses_no_document(cloudsplaining_db, parsed):
    cold = _build(cloudsplaining_db)
    assert parsed
    parsed.clear()
    assert _build(cloudsplaining_db) == cold
    assert not parsed


def test_documents_the_engine_cannot_read_give_the_same_tables_computed_or_kept(cloudsplaining_db, parsed):
    con = duckdb.connect(str(cloudsplaining_db))
    con.execute("update history.aws_iam_policy set policy = ? where arn = ?", [json.dumps(UNREADABLE), BROKEN_POLICY])
    (role,) = con.execute(
        "select arn from history.aws_iam_role where assume_role_policy is not null order by arn limit 1"
    ).fetchone()
    con.execute("update history.aws_iam_role set assume_role_policy = ? where arn = ?", [json.dumps(UNREADABLE), role])
    con.close()
    cold = _build(cloudsplaining_db)
    warm = _build(cloudsplaining_db)
    assert warm == cold == _computed(cloudsplaining_db)
    assert UNREADABLE in parsed  # read (and refused) while computing
    # a policy the engine cannot read is asked as unknown: every answer about it on its own is Unknown
    assert {row[4] for row in cold["iam_policy_access"] if row[1] == BROKEN_POLICY} == {"Unknown"}
    assert cold["iam_role_trust_access"] and not [row for row in cold["iam_role_trust_access"] if row[1] == role]
    held = {row[7] for row in cold["iam_principal_access"] if row[10] and "privesc8-AttachGroupPolicy" in row[10]}
    assert "Unknown" in held

"""Matching a document against a whole set of actions at once (``PatternSet.matching``, ``Policy.applying``,
``Principal.reach_all``) answers as matching one action at a time does."""

from dataclasses import replace

from iamsql import controls
from iamsql.policy import parse_policy
from iamsql.policy.access.model import any_allow
from iamsql.policy.access.questions import load_questions
from iamsql.policy.matching import PatternSet

from .test_policy_tables_sharing import _account

ACTIONS = frozenset(
    ["iam:PassRole", "IAM:passrole", "iam:CreateUser", "s3:GetObject", "s3:PutObject", "sts:AssumeRole", "kms:Decrypt"]
    + ["ec2:RunInstances", "ec2:DescribeInstances", "lambda:CreateFunction", "iamsqlprobe:NoSuchAction"]
)
DOCUMENT = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": ["s3:Get*", "iam:Pas?Role", "kms:*crypt"], "Resource": "*"},
        {"Effect": "Deny", "Action": "iam:*User", "Resource": "*"},
        {"Effect": "Deny", "NotAction": ["s3:*", "iam:*", "ec2:*"], "Resource": "*"},
        {"Effect": "Allow", "NotAction": "ec2:Describe*", "Resource": "arn:aws:ec2:*:*:instance/*"},
        {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}},
    ],
}


def test_a_pattern_set_matches_a_set_as_each_value():
    patterns = PatternSet(["s3:get*", "iam:pas?role", "kms:*crypt", "sts:assumerole", "lambda:*:x*"], ignore_case=True)
    values = frozenset(a.lower() for a in ACTIONS) | {"lambda:a:xb", "kms:decrypts", "s3:get\nx"}
    assert patterns.matching(values) == frozenset(v for v in values if patterns.match(v))
    assert PatternSet(["*"], ignore_case=True).matching(values) == values
    assert PatternSet(["s3:putobject"], ignore_case=True).matching(values) == {"s3:putobject"}


def test_a_document_applies_to_the_actions_its_statements_apply_to_one_by_one():
    for statements in ([], DOCUMENT["Statement"][:1], DOCUMENT["Statement"][1:4], DOCUMENT["Statement"]):
        policy = parse_policy({"Version": "2012-10-17", "Statement": statements})
        applying, allowing = policy.applying(ACTIONS)
        assert applying == frozenset(a for a in ACTIONS if policy.statements_for(a.lower()))
        assert allowing == frozenset(a for a in ACTIONS if any_allow(policy.statements_for(a.lower())))
        assert policy.applying(ACTIONS) is policy.applying(ACTIONS)  # once per set


def test_every_reach_at_once_is_each_reach_alone():
    """Documents, unknown documents, positions, boundaries and service-linked roles; the probe actions of every
    question and actions of other cases."""
    questions = load_questions(controls.ACCESS_QUESTIONS)
    actions = frozenset(a for q in questions for a in q.actions) | ACTIONS
    for principal in _account().principals:
        at_once, alone = replace(principal), replace(principal)  # each its own memo
        at_once.reach_all(actions)
        assert set(at_once.reaches) == actions
        for action in sorted(actions):
            assert at_once.reach(action) == alone.reach(action), (principal.arn, action)
        at_once.reach_all(actions)  # filled: nothing to do
        assert set(at_once.reaches) == actions

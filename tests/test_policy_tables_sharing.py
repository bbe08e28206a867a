"""The engine's tables share answers between principals whose policies the engine reads alike: a principal's
answers from a shared ``Asker`` are those of an asker that knows only that principal, whatever documents,
positions, boundaries and stand-ins the others have."""

import gc

import pytest

from iamsql import controls
from iamsql.common.collector import collector_paused
from iamsql.policy import parse_policy
from iamsql.policy.access.model import AccountModel, AttachedPolicy, Principal
from iamsql.policy.access.questions import load_questions
from iamsql.policy.access.tables import Asker, policy_answers, principal_rows

ACCOUNT = "111122223333"
IAM = f"arn:aws:iam::{ACCOUNT}"


def _policy(name: str, *statements: dict) -> AttachedPolicy:
    document = {"Version": "2012-10-17", "Statement": list(statements)}
    return AttachedPolicy(name, parse_policy(document), document)


def _allow(action, resource="*", **extra) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


ATTACH_ANY_USER = _policy("attach-any-user", _allow("iam:AttachUserPolicy", f"{IAM}:user/*"))
ATTACH_ONE_USER = _policy("attach-one-user", _allow("iam:AttachUserPolicy", f"{IAM}:user/someone-else"))
DENY_S3 = _policy("deny-s3", {"Effect": "Deny", "Action": "s3:*", "Resource": "*"})
READ_S3 = _policy("read-s3", _allow("s3:GetObject"))
PASS_TO_EC2 = _policy(
    "pass-to-ec2", _allow("iam:PassRole", Condition={"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}})
)
IAM_ALL = _policy("iam-all", _allow("iam:*"))
EVERYTHING = _policy("everything", _allow("*"))
DENY_IAM = _policy("deny-iam-users", {"Effect": "Deny", "Action": "iam:*User*", "Resource": "*"})
OWN_KEYS = _policy("own-keys", _allow("iam:CreateAccessKey", f"{IAM}:user/${{aws:username}}"))
ATTACH_SELF = _policy("attach-self", _allow("iam:AttachUserPolicy", f"{IAM}:user/${{aws:username}}"))
ASSUME_ANY = _policy("assume-any", _allow("sts:AssumeRole"))
UNKNOWN = AttachedPolicy("not loaded", None)
BOUNDARY = _policy("boundary", _allow("iam:*"), _allow("s3:*"))

SETS = [
    [ATTACH_ANY_USER],
    [DENY_S3, ATTACH_ANY_USER],
    [READ_S3, ATTACH_ANY_USER],
    [ATTACH_ONE_USER],
    [READ_S3, ATTACH_ONE_USER],
    [EVERYTHING],
    [IAM_ALL, EVERYTHING],
    [DENY_S3, EVERYTHING],
    [IAM_ALL, DENY_S3, EVERYTHING],
    [READ_S3, DENY_IAM, IAM_ALL],
    [PASS_TO_EC2, ASSUME_ANY],
    [READ_S3, PASS_TO_EC2, DENY_S3, ASSUME_ANY],
    [OWN_KEYS, IAM_ALL],
    [READ_S3, OWN_KEYS, IAM_ALL],
    [UNKNOWN, IAM_ALL],
    [READ_S3, UNKNOWN, IAM_ALL],
]


def _account() -> AccountModel:
    principals = []
    for number, policies in enumerate(SETS):
        for kind, path in (("user", "/"), ("role", "/"), ("role", "/aws-service-role/")):
            for boundary in (None, BOUNDARY):
                name = f"p{number}-{len(principals)}"
                arn = f"{IAM}:{kind}{path}{name}"
                principals.append(Principal(arn, kind, name, path, ACCOUNT, "aws", list(policies), boundary))
    return AccountModel(ACCOUNT, "aws", principals, {})


def _answer(asker: Asker, principal: Principal, question, allowed=None) -> tuple:
    decision, used = asker.question(principal, question, allowed)
    return decision, [(e.decision, e.matched, e.conditions, e.missing, e.reason) for e in used]


def test_shared_answers_are_each_principals_own():
    account = _account()
    questions = load_questions(controls.ACCESS_QUESTIONS)
    probe_actions = frozenset(a for q in questions for a in q.actions)
    shared = Asker(account)
    decisions = set()
    for principal in account.principals:
        alone = Asker(AccountModel(ACCOUNT, "aws", [principal], {}))
        allowed = shared.allowed_actions(principal, probe_actions)
        assert allowed == frozenset(a for a in probe_actions if alone.may_allow(principal, a))
        for question in questions:
            answer = _answer(shared, principal, question, allowed)
            assert answer == _answer(alone, principal, question, allowed), (principal.arn, question.id)
            decisions.add(answer[0])
    assert decisions >= {"Allowed", "AllowedIf", "ImplicitlyDenied", "Unknown"}


def test_a_stand_in_does_not_take_the_answer_of_another_policy():
    """Policies asked on their own share the stand-in's ARN: an answer about the stand-in itself belongs to the
    policy that gave it."""
    account = _account()
    questions = tuple(q for q in load_questions(controls.ACCESS_QUESTIONS) if q.id == "escalation:AttachUserPolicy")
    shared = Asker(account)
    assert policy_answers(shared, [ATTACH_ANY_USER], questions)[0][1] == "Allowed"
    assert policy_answers(shared, [ATTACH_ONE_USER], questions)[0][1] == "ImplicitlyDenied"
    assert policy_answers(Asker(account), [ATTACH_ONE_USER], questions)[0][1] == "ImplicitlyDenied"


def test_a_probe_on_the_principal_itself_names_each_ones_own_arn():
    """The resources a probe's target stands for are kept between questions: the principal itself (``self``) is each
    principal's own ARN, not the first one asked's."""
    principals = [Principal(f"{IAM}:user/{name}", "user", name, "/", ACCOUNT, "aws", [ATTACH_SELF])
                  for name in ("first", "second")]
    asker = Asker(AccountModel(ACCOUNT, "aws", principals, {}))
    question = next(q for q in load_questions(controls.ACCESS_QUESTIONS) if q.id == "escalation:AttachUserPolicy")
    for principal in principals:
        decision, used = asker.question(principal, question)
        assert decision == "Allowed", principal.arn
        assert _answer(asker, principal, question) == _answer(
            Asker(AccountModel(ACCOUNT, "aws", [principal], {})), principal, question)


def test_the_collector_is_paused_while_tables_are_built_and_restored_after(monkeypatch):
    account = _account()
    states = []
    real_request = Asker.request

    def request(self, *args, **kwargs):
        states.append(gc.isenabled())
        return real_request(self, *args, **kwargs)

    monkeypatch.setattr(Asker, "request", request)
    questions = load_questions(controls.ACCESS_QUESTIONS)[:3]
    assert gc.isenabled()
    principal_rows(Asker(account), questions)
    assert states and not any(states) and gc.isenabled()
    gc.disable()  # a caller that paused it keeps it paused
    try:
        principal_rows(Asker(account), questions)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_collector_is_restored_after_an_error():
    with pytest.raises(ValueError), collector_paused():
        assert not gc.isenabled()
        raise ValueError("stop")
    assert gc.isenabled()


@pytest.mark.parametrize("first", ["fewer documents first", "more documents first"])
def test_an_answer_shared_across_positions_names_each_principals_own(first):
    """Principals that read the same documents at other positions share one evaluation: each gets the engine's own
    answer over all its documents, its matched statements, missing documents and reason at its positions."""
    sets = [([DENY_IAM, IAM_ALL], [READ_S3, DENY_IAM, IAM_ALL]), ([UNKNOWN, IAM_ALL], [READ_S3, UNKNOWN, IAM_ALL])]
    principals = []
    for number, pair in enumerate(sets):
        for size, policies in enumerate(pair if first == "fewer documents first" else pair[::-1]):
            name = f"shared-{number}-{size}"
            principals.append(Principal(f"{IAM}:user/{name}", "user", name, "/", ACCOUNT, "aws", list(policies)))
    asker = Asker(AccountModel(ACCOUNT, "aws", principals, {}))
    decisions, places = set(), set()
    for principal in principals:
        for action in ("iam:CreateUser", "iam:PutRolePolicy"):
            shared = asker.request(principal, action, f"{IAM}:user/someone-else")
            own = asker._evaluate(principal, action, f"{IAM}:user/someone-else", None, None)
            assert (shared.decision, shared.matched, shared.conditions, shared.missing, shared.reason) == (
                own.decision, own.matched, own.conditions, own.missing, own.reason), (principal.arn, action)
            decisions.add(shared.decision)
            places |= {m.policy for m in shared.matched} | {f"missing {name}" for name in shared.missing}
    assert decisions == {"ExplicitlyDenied", "Allowed"}  # the unknown document allowing too: missing listed
    assert {"identity_policies[1]", "identity_policies[2]", "missing identity_policies[1]"} <= places

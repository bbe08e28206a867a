"""The request context of a SAML or OIDC caller (``sts:AssumeRoleWithSAML``, ``sts:AssumeRoleWithWebIdentity``) and of
an anonymous caller, in static analysis: every principal key is absent, present with a value not known, or present
with its documented value, as the Availability line of the key says (IAM User Guide, "AWS global condition context
keys").

- aws:PrincipalAccount, aws:PrincipalType, aws:userid: "included in the request context for all requests, including
  anonymous requests". For an anonymous caller the page gives aws:PrincipalAccount's value, ``anonymous``; for a
  SAML or OIDC caller the values are not documented: present, value not known, so ``Null`` decides and any other
  operator leaves the answer open.
- aws:PrincipalArn ("included in the request context for all signed requests. Anonymous requests do not include this
  key"), aws:PrincipalIsAWSService ("for all signed API requests that use AWS credentials. Anonymous requests do not
  include this key"), aws:PrincipalOrgID and aws:PrincipalOrgPaths ("Anonymous requests do not include this key"),
  aws:PrincipalTag/<key> ("Anonymous requests do not include this key"), aws:username ("Anonymous requests ... do not
  include this key"), aws:PrincipalServiceName and aws:PrincipalServiceNamesList (not present "If the call is made by
  an anonymous requester"): absent for an anonymous caller.
- The keys of a role session ("only available when a request is made by a principal with role session or federated
  user principal credentials": aws:SourceIdentity, aws:FederatedProvider, aws:AssumedRoot, aws:TokenIssueTime,
  aws:MultiFactorAuthPresent, aws:MultiFactorAuthAge): absent for an anonymous caller, which has no credentials.
"""

import pytest

from iamsql.policy import Request, evaluate
from tests.test_policy_engine import doc
from tests.test_policy_service_principal_context import if_exists

A = "111122223333"
ROLE = f"arn:aws:iam::{A}:role/federated"
SAML = f"arn:aws:iam::{A}:saml-provider/corporate"
OIDC = f"arn:aws:iam::{A}:oidc-provider/token.actions.githubusercontent.com"
FEDERATED_CALLS = {SAML: "sts:AssumeRoleWithSAML", OIDC: "sts:AssumeRoleWithWebIdentity"}
OBJECT = "arn:aws:s3:::public-bucket/report.csv"

# key -> a condition naming it that a caller may or may not satisfy
PRESENT_FOR_ALL = {
    "aws:PrincipalAccount": ("StringEquals", A),
    "aws:PrincipalType": ("StringEquals", "AssumedRole"),
    "aws:userid": ("StringEquals", "AROAEXAMPLEID:build"),
}
ANONYMOUS_VALUES = {
    "aws:PrincipalAccount": "anonymous",
    "aws:PrincipalType": "Anonymous",
    "aws:userid": "anonymous",
}
ANONYMOUS_ABSENT = {
    "aws:PrincipalArn": ("ArnEquals", f"arn:aws:iam::{A}:role/deployer"),
    "aws:PrincipalIsAWSService": ("Bool", "false"),
    "aws:PrincipalOrgID": ("StringEquals", "o-a1b2c3d4e5"),
    "aws:PrincipalOrgPaths": ("ForAnyValue:StringLike", "o-a1b2c3d4e5/*"),
    "aws:PrincipalTag/team": ("StringEquals", "build"),
    "aws:username": ("StringEquals", "alice"),
    "aws:PrincipalServiceName": ("StringEquals", "cloudtrail.amazonaws.com"),
    "aws:PrincipalServiceNamesList": ("ForAnyValue:StringEquals", "cloudtrail.amazonaws.com"),
    "aws:SourceIdentity": ("StringEquals", "alice"),
    "aws:FederatedProvider": ("StringEquals", "cognito-identity.amazonaws.com"),
    "aws:AssumedRoot": ("Bool", "true"),
    "aws:TokenIssueTime": ("DateGreaterThan", "2024-01-01T00:00:00Z"),
    "aws:MultiFactorAuthPresent": ("Bool", "true"),
    "aws:MultiFactorAuthAge": ("NumericLessThan", "3600"),
}


def federated(provider, condition):
    """The decision on the identity provider's caller assuming a role whose trust admits everyone under ``condition``."""
    action = FEDERATED_CALLS[provider]
    trust = doc({"Effect": "Allow", "Principal": "*", "Action": action, "Condition": condition})
    return evaluate(Request(action=action, resource=ROLE, principal=provider, resource_policy=trust,
                            unknown_context=True)).decision


def anonymous(condition):
    """The decision on an anonymous read of an object whose bucket policy admits everyone under ``condition``."""
    policy = doc({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": OBJECT,
                  "Condition": condition})
    return evaluate(Request(action="s3:GetObject", resource=OBJECT, resource_account=A, principal=None,
                            resource_policy=policy, unknown_context=True)).decision


@pytest.mark.parametrize("provider", FEDERATED_CALLS)
@pytest.mark.parametrize("key", PRESENT_FOR_ALL)
def test_a_key_of_every_request_is_there_for_a_saml_or_oidc_caller_with_a_value_not_known(key, provider):
    operator, value = PRESENT_FOR_ALL[key]
    assert federated(provider, {"Null": {key: "true"}}) == "ImplicitlyDenied"
    assert federated(provider, {"Null": {key: "false"}}) == "Allowed"
    assert federated(provider, {operator: {key: value}}) == "AllowedIf"
    assert federated(provider, {if_exists(operator): {key: value}}) == "AllowedIf"


@pytest.mark.parametrize("provider", FEDERATED_CALLS)
def test_a_deny_of_other_accounts_is_left_open_for_a_saml_or_oidc_caller_never_allowed(provider):
    """A Deny unless aws:PrincipalAccount is the role's: the caller's value is not documented, so the Deny may or may
    not apply."""
    action = FEDERATED_CALLS[provider]
    trust = doc({"Effect": "Allow", "Principal": {"Federated": provider}, "Action": action},
                {"Effect": "Deny", "Principal": "*", "Action": action,
                 "Condition": {"StringNotEquals": {"aws:PrincipalAccount": A}}})
    decision = evaluate(Request(action=action, resource=ROLE, principal=provider, resource_policy=trust,
                                unknown_context=True)).decision
    assert decision == "AllowedIf"


@pytest.mark.parametrize("key", ANONYMOUS_VALUES)
def test_a_key_of_every_request_holds_its_documented_value_for_an_anonymous_caller(key):
    assert anonymous({"Null": {key: "false"}}) == "Allowed"
    assert anonymous({"StringEquals": {key: ANONYMOUS_VALUES[key]}}) == "Allowed"
    assert anonymous({"StringEquals": {key: "AIDAEXAMPLEUSERID"}}) == "ImplicitlyDenied"


@pytest.mark.parametrize("key", ANONYMOUS_ABSENT)
def test_a_key_anonymous_requests_do_not_include_is_absent(key):
    operator, value = ANONYMOUS_ABSENT[key]
    assert anonymous({operator: {key: value}}) == "ImplicitlyDenied"
    assert anonymous({if_exists(operator): {key: value}}) == "Allowed"
    assert anonymous({"Null": {key: "true"}}) == "Allowed"
    assert anonymous({"Null": {key: "false"}}) == "ImplicitlyDenied"


def test_a_deny_without_the_callers_tag_refuses_an_anonymous_caller():
    """A bucket policy denying everyone whose aws:PrincipalTag/team is not build: an anonymous request has no such tag,
    and StringNotEquals on an absent key is true, so the Deny applies."""
    policy = doc({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": OBJECT},
                 {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": OBJECT,
                  "Condition": {"StringNotEquals": {"aws:PrincipalTag/team": "build"}}})
    decision = evaluate(Request(action="s3:GetObject", resource=OBJECT, resource_account=A, principal=None,
                                resource_policy=policy, unknown_context=True)).decision
    assert decision == "ExplicitlyDenied"

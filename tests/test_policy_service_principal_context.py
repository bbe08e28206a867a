"""The request context of an AWS service principal's own call (``lambda.amazonaws.com`` assuming a role, CloudTrail
writing to a bucket), in static analysis: every key is absent, present with a value not known, or not settled, as
AWS's text of the key says.

What the IAM User Guide, "AWS global condition context keys", says of each key (its Availability line) for a call
made directly by an AWS service principal:

- aws:PrincipalAccount, aws:PrincipalType, aws:userid: "included in the request context for all requests, including
  anonymous requests": present; their value for a service principal is not documented.
- aws:PrincipalArn: "included in the request context for all signed requests"; a service principal's call is one (it
  carries aws:PrincipalIsAWSService, "present in the request context for all signed API requests that use AWS
  credentials", set to true "when a service uses a service principal to perform a direct action on your
  resources"): present, value not documented (the principal types the page lists for it are IAM ones).
- aws:ViaAWSService: "always included in the request context": present; its value for a service principal's own
  call is not documented.
- aws:PrincipalIsAWSService: true; aws:PrincipalServiceName and aws:PrincipalServiceNamesList: "present in the
  request when the call is made by an AWS service principal".
- aws:PrincipalOrgID, aws:PrincipalOrgPaths: "included in the request context only if the principal is a member of
  an organization", which a service principal is not (the aws:PrincipalOrgID note: an organization condition keeps
  out "any AWS services that interact with your internal resources, such as AWS CloudTrail"): absent.
- aws:PrincipalTag/<key>: "included in the request context if the principal is using an IAM user with attached
  tags ... an IAM role with attached tags or session tags": absent.
- aws:username: "always included in the request context for IAM users": absent.
- aws:CalledVia, aws:CalledViaFirst, aws:CalledViaLast: "present in the request when a service ... uses the
  credentials of an IAM principal to make a request to another service ... not present when the principal makes the
  call directly": absent from a service principal's own call.
- aws:MultiFactorAuthPresent, aws:MultiFactorAuthAge, aws:TokenIssueTime, aws:SourceIdentity, aws:FederatedProvider,
  aws:AssumedRoot ("Properties of a role session": "only available when a request is made by a principal with role
  session or federated user principal credentials"): absent.
- aws:SourceAccount, aws:SourceArn, aws:SourceOrgID, aws:SourceOrgPaths: "included in the request context only when
  the call to your resource is being made directly by an AWS service principal on behalf of a resource for which
  the configuration triggered the service-to-service request": not settled (the call may be on behalf of no
  resource).
- aws:SourceIp ("included in the request context, except when the requester uses a VPC endpoint"), aws:SourceVpc
  and aws:SourceVpce ("only if the requester uses a VPC endpoint"): not settled ("When AWS services make calls to
  other AWS services on your behalf (service-to-service calls), certain network-specific authorization context is
  redacted").
- aws:SecureTransport: "always included in the request context": present.
"""

import pytest

from iamsql.policy import Request, evaluate
from tests.test_policy_engine import doc

A = "111122223333"
ROLE = f"arn:aws:iam::{A}:role/worker"
SERVICE = "lambda.amazonaws.com"

# key -> a condition naming it that a caller may or may not satisfy
PRESENT = {
    "aws:PrincipalAccount": ("StringEquals", A),
    "aws:PrincipalArn": ("ArnEquals", f"arn:aws:iam::{A}:role/deployer"),
    "aws:PrincipalType": ("StringEquals", "AssumedRole"),
    "aws:userid": ("StringEquals", "AROAEXAMPLEID:build"),
    "aws:ViaAWSService": ("Bool", "false"),
    "aws:SecureTransport": ("Bool", "true"),
}
ABSENT = {
    "aws:PrincipalOrgID": ("StringEquals", "o-a1b2c3d4e5"),
    "aws:PrincipalOrgPaths": ("ForAnyValue:StringLike", "o-a1b2c3d4e5/*"),
    "aws:PrincipalTag/team": ("StringEquals", "build"),
    "aws:username": ("StringEquals", "alice"),
    "aws:CalledVia": ("ForAnyValue:StringEquals", "cloudformation.amazonaws.com"),
    "aws:CalledViaFirst": ("StringEquals", "cloudformation.amazonaws.com"),
    "aws:CalledViaLast": ("StringEquals", "dynamodb.amazonaws.com"),
    "aws:MultiFactorAuthPresent": ("Bool", "true"),
    "aws:MultiFactorAuthAge": ("NumericLessThan", "3600"),
    "aws:TokenIssueTime": ("DateGreaterThan", "2024-01-01T00:00:00Z"),
    "aws:SourceIdentity": ("StringEquals", "alice"),
    "aws:FederatedProvider": ("StringEquals", "cognito-identity.amazonaws.com"),
    "aws:AssumedRoot": ("Bool", "true"),
}
UNSETTLED = {
    "aws:SourceAccount": ("StringEquals", A),
    "aws:SourceArn": ("ArnLike", f"arn:aws:lambda:us-east-1:{A}:function:*"),
    "aws:SourceOrgID": ("StringEquals", "o-a1b2c3d4e5"),
    "aws:SourceOrgPaths": ("ForAnyValue:StringLike", "o-a1b2c3d4e5/*"),
    "aws:SourceIp": ("IpAddress", "203.0.113.0/24"),
    "aws:SourceVpc": ("StringEquals", "vpc-111bbb22"),
    "aws:SourceVpce": ("StringEquals", "vpce-1a2b3c4d"),
}


def assume(condition, principal="*"):
    """The decision on the service assuming a role whose trust admits ``principal`` under ``condition``."""
    trust = doc({"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole", "Condition": condition})
    return evaluate(Request(action="sts:AssumeRole", resource=ROLE, principal=SERVICE, resource_policy=trust,
                            unknown_context=True)).decision


def if_exists(operator):
    prefix, _, name = operator.rpartition(":")
    return f"{prefix}:{name}IfExists" if prefix else f"{operator}IfExists"


@pytest.mark.parametrize("key", ABSENT)
def test_a_key_absent_for_a_service_principal_fails_a_plain_operator(key):
    operator, value = ABSENT[key]
    assert assume({operator: {key: value}}) == "ImplicitlyDenied"
    assert assume({operator: {key: value}}, {"Service": SERVICE}) == "ImplicitlyDenied"


@pytest.mark.parametrize("key", ABSENT)
def test_a_key_absent_for_a_service_principal_passes_if_exists_and_null_true(key):
    operator, value = ABSENT[key]
    assert assume({if_exists(operator): {key: value}}) == "Allowed"
    assert assume({"Null": {key: "true"}}) == "Allowed"
    assert assume({"Null": {key: "false"}}) == "ImplicitlyDenied"


@pytest.mark.parametrize("key", PRESENT)
def test_a_key_present_for_a_service_principal_is_there_with_a_value_not_known(key):
    operator, value = PRESENT[key]
    assert assume({"Null": {key: "true"}}) == "ImplicitlyDenied"
    assert assume({"Null": {key: "false"}}) == "Allowed"
    assert assume({operator: {key: value}}) == "AllowedIf"
    assert assume({if_exists(operator): {key: value}}) == "AllowedIf"


@pytest.mark.parametrize("key", UNSETTLED)
def test_a_key_aws_leaves_unsettled_for_a_service_principal_stays_open(key):
    operator, value = UNSETTLED[key]
    assert assume({"Null": {key: "true"}}) == "AllowedIf"
    assert assume({"Null": {key: "false"}}) == "AllowedIf"
    assert assume({operator: {key: value}}) == "AllowedIf"


@pytest.mark.parametrize("condition", [
    {"Bool": {"aws:PrincipalIsAWSService": "true"}},
    {"StringEquals": {"aws:PrincipalServiceName": SERVICE}},
    {"ForAnyValue:StringEquals": {"aws:PrincipalServiceNamesList": SERVICE}},
])
def test_the_keys_that_name_the_service_hold_their_known_values(condition):
    assert assume(condition) == "Allowed"


def test_a_deny_on_a_present_key_with_a_value_not_known_is_left_open_not_applied():
    """A Deny unless aws:PrincipalAccount is the role's: the service's account is not documented, so the Deny
    may or may not apply; the answer is never Allowed."""
    trust = doc({"Effect": "Allow", "Principal": {"Service": SERVICE}, "Action": "sts:AssumeRole"},
                {"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole",
                 "Condition": {"StringNotEquals": {"aws:PrincipalAccount": A}}})
    decision = evaluate(Request(action="sts:AssumeRole", resource=ROLE, principal=SERVICE, resource_policy=trust,
                                unknown_context=True)).decision
    assert decision == "AllowedIf"

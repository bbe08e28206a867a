"""Policy parsing, matching, variables and the decision, written from AWS's IAM User Guide."""

import json
from urllib.parse import quote

import pytest

from iamsql.errors import IamsqlError, PolicyError
from iamsql.policy import (
    Evaluation,
    Request,
    document,
    evaluate,
    matches_action,
    matches_resource,
    parse_policy,
    simulate,
)
from tests.fixtures.calls import record_calls

A = "111122223333"
B = "444455556666"
MGMT = "999988887777"
ALICE = f"arn:aws:iam::{A}:user/alice"
BOB_B = f"arn:aws:iam::{B}:user/bob"
ROLE = f"arn:aws:iam::{A}:role/app"
SESSION = f"arn:aws:sts::{A}:assumed-role/app/s1"
BUCKET = "arn:aws:s3:::bucket"
OBJECT = "arn:aws:s3:::bucket/key"


def doc(*statements, version="2012-10-17"):
    return {"Version": version, "Statement": list(statements)}


def allow(action="*", resource="*", **extra):
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action="*", resource="*", **extra):
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


ADMIN = doc(allow())
S3_ONLY = doc(allow("s3:*"))
# The AWS-managed RCPFullAWSAccess policy, the only RCP that may allow (AWS Organizations User Guide, "RCP syntax").
RCP_FULL = doc(allow(Principal="*"))


def decide(action, resource=None, principal=ALICE, **fields) -> Evaluation:
    policy_fields = ("identity_policies", "permission_boundaries")
    for name in policy_fields:
        if name in fields:
            fields[name] = [parse_policy(d) for d in fields[name]]
    for name in ("scps", "rcps"):
        if name in fields:
            fields[name] = [[parse_policy(d) for d in level] for level in fields[name]]
    for name in ("resource_policy", "session_policy"):
        if name in fields:
            fields[name] = parse_policy(fields[name])
    return evaluate(Request(action=action, resource=resource, principal=principal, **fields))


# --- documents ------------------------------------------------------------------------------------


def test_policy_error_is_an_iamsql_error():
    assert issubclass(PolicyError, IamsqlError)


def test_parse_forms_give_the_same_answers():
    raw = {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "S3:GetObject", "Resource": OBJECT,
                                                  "Condition": {"Bool": {"aws:SecureTransport": True}}}}
    std = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:getobject"], "Resource": [OBJECT],
                                                   "Condition": {"Bool": {"aws:securetransport": ["true"]}}}]}
    text = json.dumps(raw)
    for form in (raw, std, text, quote(text)):
        assert decide("s3:GetObject", OBJECT, identity_policies=[form], context={"aws:SecureTransport": True}).decision == "Allowed"
        assert decide("s3:GetObject", OBJECT, identity_policies=[form], context={"aws:SecureTransport": False}).decision == "ImplicitlyDenied"


def test_parse_is_cached_and_none_stays_none():
    first = parse_policy(ADMIN)
    assert parse_policy(ADMIN) is first
    assert parse_policy(json.loads(json.dumps(ADMIN))) is first  # same JSON text
    assert parse_policy(first) is first
    assert parse_policy(None) is None
    assert parse_policy(ADMIN, name="AdministratorAccess").label == "AdministratorAccess"


@pytest.mark.parametrize(
    "document",
    [
        "not json",
        [],
        {"Version": "2012-10-17"},
        doc({"Effect": "allow", "Action": "*", "Resource": "*"}),
        doc({"Effect": "Allow", "Resource": "*"}),
        doc({"Effect": "Allow", "Action": "*", "NotAction": "s3:*", "Resource": "*"}),
        doc({"Effect": "Allow", "Action": "*", "Resource": "*", "NotResource": "*"}),
        doc({"Effect": "Allow", "Action": 5, "Resource": "*"}),
        # "Arrays can take one or more values" (IAM User Guide, "Grammar of the IAM JSON policy language"): an empty
        # list is refused ("Policy statement must contain actions" / "... resources")
        doc({"Effect": "Allow", "NotAction": [], "Resource": "*"}),
        doc({"Effect": "Allow", "Action": [], "Resource": "*"}),
        doc({"Effect": "Allow", "Action": "*", "Resource": []}),
        doc({"Effect": "Deny", "Action": "*", "NotResource": []}),
        doc({"Effect": "Allow", "Action": "*", "Principal": {"Robot": "x"}}),
        doc(allow(Condition={"StringEqualsAlmost": {"k": "v"}})),
        {"Version": "2012-10-18", "Statement": []},
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Effect": "Allow", "Action": "*", "Resource": "*"}]}',
    ],
)
def test_bad_documents(document):
    with pytest.raises(PolicyError) as error:
        parse_policy(document)
    assert "\n" not in str(error.value)


# --- matching -------------------------------------------------------------------------------------


def test_action_matching():
    assert matches_action("iam:Pas?Role", "iam:PassRole")
    assert matches_action("IAM:passrole", "iam:PassRole")
    assert matches_action("iam:*", "iam:PassRole")
    assert matches_action("*", "anything:Thing")
    assert not matches_action("iam:Pass", "iam:PassRole")
    assert not matches_action("iam:Pas?Role", "iam:PasRole")


def test_resource_matching():
    assert matches_resource("*", "anything")
    assert matches_resource("arn:aws:*:*:*:*", ROLE)
    assert matches_resource("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b")
    assert matches_resource("arn:aws:iam::*", ROLE)  # a wildcard may span ':' in the Resource element
    assert not matches_resource("arn:aws:s3:::Bucket/*", "arn:aws:s3:::bucket/a")  # case-sensitive
    assert not matches_resource("arn:aws:s3:::bucket", "arn:aws:s3:::bucket2")


@pytest.mark.parametrize("pattern", ["iam:Pas?Role", "iam:PassRole"])
def test_pass_role_on_any_arn(pattern):
    result = decide("iam:PassRole", ROLE, identity_policies=[doc(allow(pattern, "arn:aws:*:*:*:*"))])
    assert result.decision == "Allowed"
    assert result.matched[0].policy == "identity_policies[0]"


def test_not_action_allows_everything_else():
    policy = doc({"Effect": "Allow", "NotAction": ["iam:PassRole"], "Resource": "*"})
    assert decide("iam:CreateUser", identity_policies=[policy]).decision == "Allowed"
    assert decide("s3:GetObject", OBJECT, identity_policies=[policy]).decision == "Allowed"
    assert decide("iam:PassRole", ROLE, identity_policies=[policy]).decision == "ImplicitlyDenied"


def test_deny_not_resource_denies_other_resources_only():
    own = f"arn:aws:iam::{A}:user/alice"
    policy = doc(allow(), {"Effect": "Deny", "Action": "iam:*", "NotResource": own})
    assert decide("iam:ChangePassword", own, identity_policies=[policy]).decision == "Allowed"
    result = decide("iam:ChangePassword", f"arn:aws:iam::{A}:user/bob", identity_policies=[policy])
    assert result.decision == "ExplicitlyDenied"
    assert result.matched[0].statement == 1


def test_star_resource_matches_actions_without_resources():
    assert decide("s3:ListAllMyBuckets", None, identity_policies=[ADMIN]).decision == "Allowed"
    scoped = doc(allow("ec2:*", "arn:aws:ec2:*:*:*"))
    assert decide("ec2:DescribeInstances", None, identity_policies=[scoped]).decision == "ImplicitlyDenied"


def test_s3_actions_without_resources_match_all_s3_resources():
    # S3 authorizes them on arn:<partition>:s3:::*, all of the account's S3 resources; a bucket's ARN is not that
    assert decide("s3:ListAllMyBuckets", None, identity_policies=[doc(allow("s3:*", "arn:aws:s3:::*"))]).decision == "Allowed"
    one_bucket = doc(allow("s3:*", "arn:aws:s3:::amzn-s3-demo-bucket"))
    assert decide("s3:ListAllMyBuckets", None, identity_policies=[one_bucket]).decision == "ImplicitlyDenied"
    fenced = doc(allow(), {"Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::*"})
    result = decide("s3:GetAccountPublicAccessBlock", None, identity_policies=[fenced])
    assert (result.decision, result.matched[0].statement) == ("ExplicitlyDenied", 1)


# --- variables ------------------------------------------------------------------------------------


def test_username_variable():
    policy = doc(allow("iam:*AccessKey*", f"arn:aws:iam::{A}:user/${{aws:username}}"))
    assert decide("iam:CreateAccessKey", ALICE, identity_policies=[policy]).decision == "Allowed"
    assert decide("iam:CreateAccessKey", f"arn:aws:iam::{A}:user/bob", identity_policies=[policy]).decision == "ImplicitlyDenied"
    # A role has no aws:username: the statement does not match.
    assert decide("iam:CreateAccessKey", f"arn:aws:iam::{A}:user/app", principal=SESSION,
                  identity_policies=[policy]).decision == "ImplicitlyDenied"
    # Before 2012-10-17 variables are plain text.
    old = doc(allow("iam:*", f"arn:aws:iam::{A}:user/${{aws:username}}"), version="2008-10-17")
    assert decide("iam:CreateAccessKey", ALICE, identity_policies=[old]).decision == "ImplicitlyDenied"


def test_principal_tag_variable_and_default():
    policy = doc(allow("s3:GetObject", "arn:aws:s3:::bucket/${aws:PrincipalTag/team, 'shared'}/*"))
    assert decide("s3:GetObject", "arn:aws:s3:::bucket/blue/x", identity_policies=[policy],
                  context={"aws:PrincipalTag/team": "blue"}).decision == "Allowed"
    assert decide("s3:GetObject", "arn:aws:s3:::bucket/shared/x", identity_policies=[policy]).decision == "Allowed"
    assert decide("s3:GetObject", "arn:aws:s3:::bucket/blue/x", identity_policies=[policy]).decision == "ImplicitlyDenied"


def test_variable_values_and_escapes_are_literal():
    policy = doc(allow("s3:GetObject", "arn:aws:s3:::bucket/${*}"))
    assert decide("s3:GetObject", "arn:aws:s3:::bucket/*", identity_policies=[policy]).decision == "Allowed"
    assert decide("s3:GetObject", "arn:aws:s3:::bucket/x", identity_policies=[policy]).decision == "ImplicitlyDenied"


# --- same account ----------------------------------------------------------------------------------


def test_default_is_implicit_deny():
    result = decide("s3:GetObject", OBJECT)
    assert result.decision == "ImplicitlyDenied" and result.reason


def test_explicit_deny_wins_everywhere():
    result = decide("s3:GetObject", OBJECT, identity_policies=[ADMIN, doc(deny("s3:*", Sid="NoS3"))])
    assert result.decision == "ExplicitlyDenied"
    assert (result.matched[0].policy, result.matched[0].sid, result.matched[0].effect) == ("identity_policies[1]", "NoS3", "Deny")
    bucket_deny = doc(deny("s3:*", OBJECT, Principal="*"))
    assert decide("s3:GetObject", OBJECT, identity_policies=[ADMIN], resource_policy=bucket_deny).decision == "ExplicitlyDenied"
    assert decide("s3:GetObject", OBJECT, identity_policies=[ADMIN], scps=[[ADMIN, doc(deny("s3:*"))]]).decision == "ExplicitlyDenied"
    assert decide("s3:GetObject", OBJECT, identity_policies=[ADMIN], permission_boundaries=[doc(allow(), deny("s3:*"))]).decision == "ExplicitlyDenied"


def test_admin_inside_s3_boundary_only_allows_s3():
    assert decide("s3:GetObject", OBJECT, identity_policies=[ADMIN], permission_boundaries=[S3_ONLY]).decision == "Allowed"
    result = decide("iam:CreateUser", identity_policies=[ADMIN], permission_boundaries=[S3_ONLY])
    assert result.decision == "ImplicitlyDenied"
    assert "boundary" in result.reason
    # A boundary grants nothing by itself.
    assert decide("s3:GetObject", OBJECT, permission_boundaries=[S3_ONLY]).decision == "ImplicitlyDenied"


def test_session_policy_limits_identity_policies():
    assert decide("s3:GetObject", OBJECT, principal=SESSION, identity_policies=[ADMIN], session_policy=S3_ONLY).decision == "Allowed"
    assert decide("iam:CreateUser", principal=SESSION, identity_policies=[ADMIN], session_policy=S3_ONLY).decision == "ImplicitlyDenied"
    assert decide("s3:GetObject", OBJECT, principal=SESSION, session_policy=S3_ONLY).decision == "ImplicitlyDenied"


def test_resource_policy_alone_grants_in_the_same_account():
    bucket = doc(allow("s3:GetObject", OBJECT, Principal={"AWS": ALICE}))
    result = decide("s3:GetObject", OBJECT, resource_policy=bucket)
    assert result.decision == "Allowed"
    assert result.matched[0].policy == "resource_policy"


def test_resource_policy_naming_the_user_bypasses_the_boundary():
    bucket = doc(allow("s3:GetObject", OBJECT, Principal={"AWS": ALICE}))
    boundary = doc(allow("ec2:*"))
    assert decide("s3:GetObject", OBJECT, resource_policy=bucket, permission_boundaries=[boundary]).decision == "Allowed"


def test_resource_policy_naming_the_session_bypasses_boundary_and_session_policy():
    bucket = doc(allow("s3:GetObject", OBJECT, Principal={"AWS": SESSION}))
    limit = doc(allow("ec2:*"))
    assert decide("s3:GetObject", OBJECT, principal=SESSION, resource_policy=bucket,
                  permission_boundaries=[limit], session_policy=limit).decision == "Allowed"


def test_resource_policy_naming_the_role_is_limited_by_boundary_and_session_policy():
    bucket = doc(allow("s3:GetObject", OBJECT, Principal={"AWS": f"arn:aws:iam::{A}:role/path/app"}))
    limit = doc(allow("ec2:*"))
    assert decide("s3:GetObject", OBJECT, principal=SESSION, resource_policy=bucket).decision == "Allowed"
    assert decide("s3:GetObject", OBJECT, principal=SESSION, resource_policy=bucket,
                  permission_boundaries=[limit]).decision == "ImplicitlyDenied"
    assert decide("s3:GetObject", OBJECT, principal=SESSION, resource_policy=bucket,
                  session_policy=limit).decision == "ImplicitlyDenied"
    assert decide("s3:GetObject", OBJECT, principal=SESSION, resource_policy=bucket,
                  permission_boundaries=[S3_ONLY]).decision == "Allowed"


def test_resource_policy_naming_only_the_account_delegates_to_identity_policies():
    bucket = doc(allow("s3:GetObject", OBJECT, Principal={"AWS": A}))
    assert decide("s3:GetObject", OBJECT, resource_policy=bucket).decision == "ImplicitlyDenied"
    assert decide("s3:GetObject", OBJECT, resource_policy=bucket, identity_policies=[S3_ONLY]).decision == "Allowed"


def test_root_user_has_full_access_in_its_account_except_denies():
    root = f"arn:aws:iam::{A}:root"
    assert decide("iam:CreateUser", principal=root).decision == "Allowed"
    assert decide("s3:GetObject", OBJECT, principal=root, resource_policy=doc(deny(Principal="*"))).decision == "ExplicitlyDenied"
    assert decide("iam:CreateUser", principal=root, scps=[[S3_ONLY]]).decision == "ImplicitlyDenied"


# --- trust policies -------------------------------------------------------------------------------


def trust(principal, **extra):
    return doc({"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": principal, **extra})


def test_trust_policy_must_allow_assume_role():
    target = f"arn:aws:iam::{A}:role/target"
    assert decide("sts:AssumeRole", target, identity_policies=[ADMIN]).decision == "ImplicitlyDenied"
    assert decide("sts:AssumeRole", target, resource_policy=trust({"AWS": ALICE})).decision == "Allowed"
    # Naming the account delegates to identity-based policies.
    assert decide("sts:AssumeRole", target, resource_policy=trust({"AWS": f"arn:aws:iam::{A}:root"})).decision == "ImplicitlyDenied"
    assert decide("sts:AssumeRole", target, resource_policy=trust({"AWS": A}), identity_policies=[ADMIN]).decision == "Allowed"


def test_star_trust_with_org_condition_admits_outsiders():
    """Principal "*" + StringNotEquals aws:PrincipalOrgID admits principals outside the org and with no org."""
    policy = trust("*", Condition={"StringNotEquals": {"aws:PrincipalOrgID": "o-mine"}})
    target = f"arn:aws:iam::{A}:role/target"
    outsider = decide("sts:AssumeRole", target, principal=BOB_B, identity_policies=[ADMIN], resource_policy=policy,
                      context={"aws:PrincipalOrgID": "o-other"})
    no_org = decide("sts:AssumeRole", target, principal=BOB_B, identity_policies=[ADMIN], resource_policy=policy)
    insider = decide("sts:AssumeRole", target, principal=BOB_B, identity_policies=[ADMIN], resource_policy=policy,
                     context={"aws:PrincipalOrgID": "o-mine"})
    assert (outsider.decision, no_org.decision, insider.decision) == ("Allowed", "Allowed", "ImplicitlyDenied")


def test_service_principal_trust():
    policy = trust({"Service": "lambda.amazonaws.com"})
    target = f"arn:aws:iam::{A}:role/target"
    assert decide("sts:AssumeRole", target, principal="lambda.amazonaws.com", resource_policy=policy).decision == "Allowed"
    assert decide("sts:AssumeRole", target, principal="ec2.amazonaws.com", resource_policy=policy).decision == "ImplicitlyDenied"


def test_anonymous_needs_a_public_resource_policy():
    public = doc(allow("s3:GetObject", OBJECT, Principal="*"))
    assert decide("s3:GetObject", OBJECT, principal=None, resource_policy=public).decision == "Allowed"
    named = doc(allow("s3:GetObject", OBJECT, Principal={"AWS": ALICE}))
    assert decide("s3:GetObject", OBJECT, principal=None, resource_policy=named).decision == "ImplicitlyDenied"
    assert decide("s3:GetObject", OBJECT, principal=None, identity_policies=[ADMIN]).decision == "ImplicitlyDenied"


def test_not_principal_deny_exempts_only_listed_principals():
    policy = doc({"Effect": "Deny", "Action": "s3:*", "Resource": "*",
                  "NotPrincipal": {"AWS": [ALICE, f"arn:aws:iam::{A}:root"]}})
    assert decide("s3:GetObject", OBJECT, identity_policies=[ADMIN], resource_policy=policy).decision == "Allowed"
    bob = f"arn:aws:iam::{A}:user/bob"
    assert decide("s3:GetObject", OBJECT, principal=bob, identity_policies=[ADMIN], resource_policy=policy).decision == "ExplicitlyDenied"
    # A session is exempt only when the session, its role and the account are all listed.
    partial = doc({"Effect": "Deny", "Action": "s3:*", "Resource": "*", "NotPrincipal": {"AWS": [SESSION, f"arn:aws:iam::{A}:root"]}})
    full = doc({"Effect": "Deny", "Action": "s3:*", "Resource": "*", "NotPrincipal": {"AWS": [SESSION, ROLE, A]}})
    assert decide("s3:GetObject", OBJECT, principal=SESSION, identity_policies=[ADMIN], resource_policy=partial).decision == "ExplicitlyDenied"
    assert decide("s3:GetObject", OBJECT, principal=SESSION, identity_policies=[ADMIN], resource_policy=full).decision == "Allowed"


# --- SCPs and RCPs --------------------------------------------------------------------------------


def test_every_scp_level_must_allow():
    levels_ok = [[ADMIN], [S3_ONLY], [doc(allow("s3:GetObject"))]]
    assert decide("s3:GetObject", OBJECT, identity_policies=[ADMIN], scps=levels_ok).decision == "Allowed"
    result = decide("s3:PutObject", OBJECT, identity_policies=[ADMIN], scps=levels_ok)
    assert result.decision == "ImplicitlyDenied" and "level 2" in result.reason
    # Within one level any document may allow.
    assert decide("ec2:RunInstances", identity_policies=[ADMIN], scps=[[S3_ONLY, doc(allow("ec2:*"))]]).decision == "Allowed"
    # SCPs grant nothing.
    assert decide("s3:GetObject", OBJECT, scps=[[ADMIN]]).decision == "ImplicitlyDenied"


def test_scps_do_not_apply_to_management_account_or_service_linked_roles():
    deny_all = [[doc(deny())]]
    mgmt_user = f"arn:aws:iam::{MGMT}:user/admin"
    assert decide("s3:GetObject", OBJECT, principal=mgmt_user, identity_policies=[ADMIN], scps=deny_all,
                  management_account_id=MGMT).decision == "Allowed"
    slr = f"arn:aws:sts::{A}:assumed-role/AWSServiceRoleForConfig/s"
    assert decide("s3:GetObject", OBJECT, principal=slr, identity_policies=[ADMIN], scps=deny_all).decision == "Allowed"
    slr_role = f"arn:aws:iam::{A}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"
    assert decide("s3:GetObject", OBJECT, principal=slr_role, identity_policies=[ADMIN], scps=deny_all).decision == "Allowed"
    assert decide("s3:GetObject", OBJECT, identity_policies=[ADMIN], scps=deny_all,
                  management_account_id=MGMT).decision == "ExplicitlyDenied"


def test_rcps_apply_to_the_resource_account():
    rcp_deny = [[RCP_FULL, doc({"Effect": "Deny", "Action": "s3:*", "Resource": "*", "Principal": "*",
                             "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-mine"}}})]]
    bucket = doc(allow("s3:GetObject", OBJECT, Principal={"AWS": B}))
    outsider = decide("s3:GetObject", OBJECT, principal=BOB_B, resource_account=A, identity_policies=[ADMIN],
                      resource_policy=bucket, rcps=rcp_deny, context={"aws:PrincipalOrgID": "o-other"})
    assert outsider.decision == "ExplicitlyDenied" and outsider.matched[0].kind == "rcp"
    insider = decide("s3:GetObject", OBJECT, principal=BOB_B, resource_account=A, identity_policies=[ADMIN],
                     resource_policy=bucket, rcps=rcp_deny, context={"aws:PrincipalOrgID": "o-mine"})
    assert insider.decision == "Allowed"
    # Not for the management account's resources.
    assert decide("s3:GetObject", OBJECT, principal=BOB_B, resource_account=MGMT, identity_policies=[ADMIN],
                  resource_policy=doc(allow("s3:GetObject", OBJECT, Principal={"AWS": B})), rcps=rcp_deny,
                  management_account_id=MGMT).decision == "Allowed"
    # Service principals are callers like any other: they carry no aws:PrincipalOrgID, so this perimeter
    # (which does not exempt aws:PrincipalIsAWSService) refuses them.
    public = doc(allow("s3:GetObject", OBJECT, Principal={"Service": "logging.s3.amazonaws.com"}))
    assert decide("s3:GetObject", OBJECT, principal="logging.s3.amazonaws.com", resource_account=A,
                  resource_policy=public, rcps=rcp_deny).decision == "ExplicitlyDenied"


def test_rcps_only_cover_supported_services():
    # a level whose only RCP denies S3 allows nothing, yet EC2 is not a service RCPs apply to
    rcps = [[doc({"Effect": "Deny", "Action": "s3:*", "Resource": "*", "Principal": "*"})]]
    assert decide("ec2:RunInstances", identity_policies=[ADMIN], rcps=rcps).decision == "Allowed"
    assert decide("s3:GetObject", OBJECT, identity_policies=[ADMIN], rcps=rcps).decision == "ExplicitlyDenied"


# --- cross-account --------------------------------------------------------------------------------


def test_cross_account_needs_both_sides():
    bucket = doc(allow("s3:GetObject", OBJECT, Principal={"AWS": BOB_B}))
    fields = dict(principal=BOB_B, resource_account=A)
    assert decide("s3:GetObject", OBJECT, identity_policies=[S3_ONLY], resource_policy=bucket, **fields).decision == "Allowed"
    only_resource = decide("s3:GetObject", OBJECT, resource_policy=bucket, **fields)
    assert only_resource.decision == "ImplicitlyDenied" and "identity" in only_resource.reason
    assert decide("s3:GetObject", OBJECT, identity_policies=[S3_ONLY], **fields).decision == "ImplicitlyDenied"
    # Naming the account is enough on the resource side; the caller's boundary still applies.
    by_account = doc(allow("s3:GetObject", OBJECT, Principal={"AWS": f"arn:aws:iam::{B}:root"}))
    assert decide("s3:GetObject", OBJECT, identity_policies=[S3_ONLY], resource_policy=by_account, **fields).decision == "Allowed"
    assert decide("s3:GetObject", OBJECT, identity_policies=[S3_ONLY], resource_policy=by_account,
                  permission_boundaries=[doc(allow("ec2:*"))], **fields).decision == "ImplicitlyDenied"
    # Another account's principal is not named by this account's root.
    other_account = doc(allow("s3:GetObject", OBJECT, Principal={"AWS": A}))
    assert decide("s3:GetObject", OBJECT, identity_policies=[S3_ONLY], resource_policy=other_account, **fields).decision == "ImplicitlyDenied"


def test_cross_account_scps_of_the_caller_apply():
    bucket = doc(allow("s3:GetObject", OBJECT, Principal={"AWS": B}))
    assert decide("s3:GetObject", OBJECT, principal=BOB_B, resource_account=A, identity_policies=[ADMIN],
                  resource_policy=bucket, scps=[[doc(allow("ec2:*"))]]).decision == "ImplicitlyDenied"


def test_resource_account_from_the_arn():
    # the key's account is A (from its ARN): its default key policy enables A's IAM policies, not B's
    key = f"arn:aws:kms:us-east-1:{A}:key/1"
    default_key_policy = doc(allow("kms:*", "*", Principal={"AWS": f"arn:aws:iam::{A}:root"}))
    assert decide("kms:Decrypt", key, principal=BOB_B, identity_policies=[ADMIN],
                  resource_policy=default_key_policy).decision == "ImplicitlyDenied"


def test_kms_key_policy_not_given_is_unknown():
    # every KMS key has a key policy, and IAM policies grant nothing on a key unless it allows them
    key = f"arn:aws:kms:us-east-1:{A}:key/1"
    result = decide("kms:Decrypt", key, identity_policies=[ADMIN])
    assert result.decision == "Unknown"
    assert result.missing == ["resource_policy (the KMS key policy, not given)"]
    assert "KMS key policy" in result.reason
    denied = doc(allow("*"), deny("kms:Decrypt"))
    assert decide("kms:Decrypt", key, identity_policies=[denied]).decision == "ExplicitlyDenied"
    # an action on no key reads no key policy
    assert decide("kms:CreateKey", None, identity_policies=[ADMIN]).decision == "Allowed"
    assert decide("kms:ListAliases", None, identity_policies=[ADMIN]).decision == "Allowed"
    # an alias names a key: CreateAlias also needs permission on the key, Decrypt through an alias acts on the key
    alias = f"arn:aws:kms:us-east-1:{A}:alias/a"
    assert decide("kms:CreateAlias", alias, identity_policies=[ADMIN]).decision == "Unknown"
    assert decide("kms:Decrypt", alias, identity_policies=[ADMIN]).decision == "Unknown"


def test_kms_key_policy_must_allow():
    key = f"arn:aws:kms:us-east-1:{A}:key/1"
    enable_iam = doc(allow("kms:*", "*", Principal={"AWS": f"arn:aws:iam::{A}:root"}))
    no_iam = doc(allow("kms:*", "*", Principal={"AWS": f"arn:aws:iam::{A}:user/keyadmin"}))
    assert decide("kms:Decrypt", key, identity_policies=[ADMIN], resource_policy=enable_iam).decision == "Allowed"
    assert decide("kms:Decrypt", key, identity_policies=[ADMIN], resource_policy=no_iam).decision == "ImplicitlyDenied"


# --- always allowed, default context --------------------------------------------------------------


def test_get_caller_identity_cannot_be_denied():
    assert decide("sts:GetCallerIdentity", identity_policies=[doc(deny())], scps=[[doc(deny())]]).decision == "Allowed"


def test_default_context_keys():
    policy = doc(allow("s3:*", "*", Condition={"StringEquals": {
        "aws:PrincipalArn": f"arn:aws:iam::{A}:role/app", "aws:PrincipalAccount": A,
        "aws:PrincipalType": "AssumedRole", "aws:ResourceAccount": A}}))
    assert decide("s3:GetObject", OBJECT, principal=SESSION, identity_policies=[policy]).decision == "Allowed"
    by_user = doc(allow("s3:*", "*", Condition={"StringEquals": {"aws:username": "alice", "aws:PrincipalType": "User"}}))
    assert decide("s3:GetObject", OBJECT, identity_policies=[by_user]).decision == "Allowed"
    # Explicit context wins over derived keys.
    assert decide("s3:GetObject", OBJECT, identity_policies=[by_user], context={"aws:username": "bob"}).decision == "ImplicitlyDenied"


# --- unknown documents and unknown context --------------------------------------------------------


def test_unknown_document_gives_unknown():
    result = decide("s3:GetObject", OBJECT, identity_policies=[None])
    assert result.decision == "Unknown" and result.missing == ["identity_policies[0]"]
    # It could hold a Deny, so a known Allow is not enough.
    result = decide("s3:GetObject", OBJECT, identity_policies=[ADMIN], permission_boundaries=[None])
    assert result.decision == "Unknown" and result.missing == ["permission_boundaries[0]"]
    assert decide("s3:GetObject", OBJECT, identity_policies=[ADMIN], scps=[[ADMIN], [None]]).missing == ["scps[1][0]"]
    # Only a known explicit Deny decides.
    assert decide("s3:GetObject", OBJECT, identity_policies=[None, doc(deny("s3:*"))]).decision == "ExplicitlyDenied"
    # Unknown documents that cannot apply do not matter.
    assert decide("s3:GetObject", OBJECT, principal=f"arn:aws:iam::{MGMT}:user/a", identity_policies=[ADMIN],
                  scps=[[None]], management_account_id=MGMT).decision == "Allowed"


def test_unknown_answer_keeps_what_the_known_documents_say():
    # "Rows answered unknown keep the conditions that were known": the unknown boundary could allow it, but then only
    # with MFA (the known identity policy's condition), and unless the known Deny's condition holds
    mfa_only = doc(allow("s3:GetObject", Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}))
    outside_vpc = doc(deny("s3:*", Condition={"StringNotEquals": {"aws:SourceVpc": "vpc-1"}}))
    result = decide("s3:GetObject", OBJECT, identity_policies=[mfa_only, outside_vpc], permission_boundaries=[None],
                    unknown_context=True)
    assert result.decision == "Unknown" and result.missing == ["permission_boundaries[0]"]
    assert result.conditions == [{"Bool": {"aws:MultiFactorAuthPresent": ["true"]}}]
    assert result.deny_conditions == [{"StringNotEquals": {"aws:SourceVpc": ["vpc-1"]}}]
    assert "only if the conditions" in result.reason
    # an unconditional known allow: no condition, and the reason says the unknown documents decide
    result = decide("s3:GetObject", OBJECT, identity_policies=[ADMIN], scps=[[None]], unknown_context=True)
    assert (result.decision, result.conditions, result.deny_conditions) == ("Unknown", [], [])
    assert result.reason.endswith("if they allow it, it is allowed.")
    # the known documents allow it under no content of the unknown one: the reason says so
    result = decide("s3:GetObject", OBJECT, identity_policies=[doc(allow("ec2:*"))], scps=[[None]])
    assert result.decision == "Unknown" and "not allowed whatever they hold" in result.reason


def test_unknown_context_gives_allowed_if():
    policy = doc(allow("s3:*", "*", Condition={"StringEquals": {"aws:PrincipalOrgID": "o-1"}, "Bool": {"aws:SecureTransport": "true"}}))
    result = decide("s3:GetObject", OBJECT, identity_policies=[policy], unknown_context=True,
                    context={"aws:SecureTransport": True})
    assert result.decision == "AllowedIf"
    assert result.conditions == [{"StringEquals": {"aws:PrincipalOrgID": ["o-1"]}}]
    # Without unknown_context an absent key is absent.
    assert decide("s3:GetObject", OBJECT, identity_policies=[policy], context={"aws:SecureTransport": True}).decision == "ImplicitlyDenied"


def test_alternatives_and_deny_conditions():
    first = doc(allow("s3:*", "*", Condition={"StringEquals": {"aws:SourceVpc": "vpc-1"}}))
    second = doc(allow("s3:*", "*", Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}))
    result = decide("s3:GetObject", OBJECT, identity_policies=[first, second], unknown_context=True)
    assert result.decision == "AllowedIf" and len(result.conditions) == 2
    guarded = doc(allow(), deny("s3:*", Condition={"Bool": {"aws:MultiFactorAuthPresent": "false"}}))
    result = decide("s3:GetObject", OBJECT, identity_policies=[guarded], unknown_context=True)
    assert result.decision == "AllowedIf"
    assert result.conditions == []
    assert result.deny_conditions == [{"Bool": {"aws:MultiFactorAuthPresent": ["false"]}}]
    # A definite unconditional allow with no deny conditions is plain Allowed even in this mode.
    assert decide("s3:GetObject", OBJECT, identity_policies=[ADMIN], unknown_context=True).decision == "Allowed"


def test_unknown_context_intersects_conditions_across_gates():
    identity = doc(allow("s3:*", "*", Condition={"StringEquals": {"aws:SourceVpc": "vpc-1"}}))
    scp = doc(allow("*", "*", Condition={"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}))
    result = decide("s3:GetObject", OBJECT, identity_policies=[identity], scps=[[scp]], unknown_context=True)
    assert result.decision == "AllowedIf"
    assert result.conditions == [{"StringEquals": {"aws:RequestedRegion": ["eu-west-1"], "aws:SourceVpc": ["vpc-1"]}}]


def test_username_is_known_absent_for_roles_in_unknown_context_mode():
    policy = doc(allow("s3:*", "arn:aws:s3:::bucket/*", Condition={"StringEquals": {"aws:username": "alice"}}))
    assert decide("s3:GetObject", OBJECT, principal=SESSION, identity_policies=[policy], unknown_context=True).decision == "ImplicitlyDenied"


def test_a_key_every_request_carries_is_present_unless_the_request_is_asked_without_it():
    """In static analysis aws:SecureTransport is there ("always present in the request context"), its value unknown;
    a request asked without it (``absent_keys``) has it absent."""
    policy = doc(allow("s3:*", "*", Condition={"Null": {"aws:SecureTransport": "true"}}))
    assert decide("s3:GetObject", OBJECT, identity_policies=[policy], unknown_context=True).decision == "ImplicitlyDenied"
    asked_without = decide("s3:GetObject", OBJECT, identity_policies=[policy], unknown_context=True,
                           absent_keys=("aws:SecureTransport",))
    assert asked_without.decision == "Allowed"


# --- simulate -------------------------------------------------------------------------------------


def test_simulate_format_and_errors():
    requests = [
        {"action": "iam:PassRole", "resource": ROLE, "resource_account": A, "principal": ALICE,
         "identity_policies": [doc(allow("iam:PassRole", ROLE, Sid="Pass"))]},
        {"action": "s3:GetObject", "resource": OBJECT, "principal": ALICE, "identity_policies": [None]},
        {"resource": OBJECT},
        {"action": "s3:GetObject", "identity_policies": ["{not json"]},
        {"action": "s3:GetObject", "scps": [doc(allow())]},
        {"action": "s3:GetObject", "principal": ALICE, "identity_policies": [json.dumps(S3_ONLY)],
         "scps": [[ADMIN], [None]], "rcps": [], "session_policy": None, "resource_policy": None},
        {"action": "s3:GetObject", "principal": ALICE, "identity_policies": [doc(allow(Condition={"Bool": {"aws:SecureTransport": "true"}}))]},
    ]
    results = simulate(requests)
    assert results[0] == {"decision": "Allowed", "reason": results[0]["reason"], "missing": [],
                          "matched": [{"policy": "identity_policies[0]", "sid": "Pass", "statement": 0, "effect": "Allow"}]}
    assert results[1]["decision"] == "Unknown" and results[1]["missing"] == ["identity_policies[0]"]
    assert [r["decision"] for r in results[2:5]] == ["Error", "Error", "Error"]
    assert all("\n" not in r["reason"] for r in results)
    assert results[5]["decision"] == "Unknown" and results[5]["missing"] == ["scps[1][0]"]
    assert results[6]["decision"] == "ImplicitlyDenied" and "conditions" not in results[6]
    conditional = simulate(requests[6:], unknown_context=True)[0]
    assert conditional["decision"] == "AllowedIf"
    assert conditional["conditions"] == [{"Bool": {"aws:SecureTransport": ["true"]}}]


def test_shared_documents_are_compiled_once():
    shared = doc(allow("s3:*"))
    requests = [{"action": "s3:GetObject", "principal": f"arn:aws:iam::{A}:user/u{i}", "identity_policies": [shared]}
                for i in range(50)]
    simulate(requests)
    assert parse_policy(shared) is parse_policy(json.loads(json.dumps(shared)))


def test_rcp_exempts_principals_by_condition():
    # An RCP's Principal can only be "*": "Use the Conditions element to restrict specific principals" (AWS
    # Organizations User Guide, "RCP syntax"); NotPrincipal is not supported (tests/test_policy_rcp_syntax.py).
    exempt_bob = [[RCP_FULL, doc({"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
                                  "Condition": {"ArnNotEquals": {"aws:PrincipalArn": BOB_B}}})]]
    bucket = doc(allow("s3:GetObject", OBJECT, Principal="*"))
    carol_b = f"arn:aws:iam::{B}:user/carol"
    fields = dict(resource_account=A, identity_policies=[ADMIN], resource_policy=bucket, rcps=exempt_bob)
    assert decide("s3:GetObject", OBJECT, principal=BOB_B, **fields).decision == "Allowed"
    assert decide("s3:GetObject", OBJECT, principal=carol_b, **fields).decision == "ExplicitlyDenied"


def test_allowed_reason_names_the_granting_statement():
    result = decide("s3:GetObject", OBJECT, identity_policies=[doc(allow("s3:*", Sid="Grant"))], scps=[[ADMIN]])
    assert result.decision == "Allowed"
    assert [m.kind for m in result.matched] == ["identity", "scp"]
    assert "identity_policies[0]" in result.reason and "Grant" in result.reason


def test_malformed_requests():
    with pytest.raises(PolicyError):
        evaluate(Request(action="GetObject"))
    with pytest.raises(PolicyError):
        evaluate(Request(action="s3:GetObject", principal=ALICE, identity_policies=parse_policy(ADMIN)))
    with pytest.raises(PolicyError):
        evaluate(Request(action="s3:GetObject", principal=ALICE, scps=[parse_policy(ADMIN)]))
    with pytest.raises(PolicyError):
        evaluate(Request(action="s3:GetObject", principal="arn:aws:s3:::bucket"))


@pytest.mark.parametrize("field", ["identity_policies", "permission_boundaries", "session_policy"])
def test_a_request_file_giving_a_principal_policy_without_a_principal_is_an_error(field):
    """Without ``principal`` a request is anonymous, which has no identity policy, boundary or session policy: the
    policy given would be dropped silently, so the request is refused instead."""
    value = ADMIN if field == "session_policy" else [ADMIN]
    [result] = simulate([{"action": "s3:GetObject", "resource": "arn:aws:s3:::bucket/key", field: value}])
    assert result["decision"] == "Error"
    assert result["reason"].startswith(f"{field} given without a principal")
    [anonymous] = simulate([{"action": "s3:GetObject", "resource": "arn:aws:s3:::bucket/key"}])
    assert anonymous["decision"] == "ImplicitlyDenied"


def test_not_principal_deny_always_applies_to_principals_with_a_boundary():
    policy = doc({"Effect": "Deny", "Action": "s3:*", "Resource": "*",
                  "NotPrincipal": {"AWS": [ALICE, f"arn:aws:iam::{A}:root"]}})
    assert decide("s3:GetObject", OBJECT, identity_policies=[ADMIN], resource_policy=policy,
                  permission_boundaries=[S3_ONLY]).decision == "ExplicitlyDenied"


def test_principal_is_aws_service_key():
    perimeter = [[RCP_FULL, doc({"Effect": "Deny", "Action": "s3:*", "Resource": "*", "Principal": "*",
                              "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-mine"},
                                            "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}})]]
    bucket = doc(allow("s3:PutObject", OBJECT, Principal={"Service": "cloudtrail.amazonaws.com"}),
                 allow("s3:PutObject", OBJECT, Principal={"AWS": B}))
    assert decide("s3:PutObject", OBJECT, principal="cloudtrail.amazonaws.com", resource_account=A,
                  resource_policy=bucket, rcps=perimeter).decision == "Allowed"
    assert decide("s3:PutObject", OBJECT, principal=BOB_B, resource_account=A, identity_policies=[ADMIN],
                  resource_policy=bucket, rcps=perimeter).decision == "ExplicitlyDenied"
    # The key is present (false) for IAM principals, so a Bool without IfExists matches.
    not_service = doc(allow("s3:*", Condition={"Bool": {"aws:PrincipalIsAWSService": "false"}}))
    assert decide("s3:GetObject", OBJECT, identity_policies=[not_service]).decision == "Allowed"


def test_web_identity_trust_in_both_modes():
    provider = f"arn:aws:iam::{A}:oidc-provider/token.actions.githubusercontent.com"
    policy = doc({"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity", "Principal": {"Federated": provider},
                  "Condition": {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:org/app:*"}}})
    target = f"arn:aws:iam::{A}:role/deploy"
    ok = decide("sts:AssumeRoleWithWebIdentity", target, principal=provider, resource_policy=policy,
                context={"token.actions.githubusercontent.com:sub": "repo:org/app:ref:refs/heads/main"})
    other = decide("sts:AssumeRoleWithWebIdentity", target, principal=provider, resource_policy=policy,
                   context={"token.actions.githubusercontent.com:sub": "repo:evil/app:ref:refs/heads/main"})
    static = decide("sts:AssumeRoleWithWebIdentity", target, principal=provider, resource_policy=policy,
                    unknown_context=True)
    assert (ok.decision, other.decision, static.decision) == ("Allowed", "ImplicitlyDenied", "AllowedIf")
    assert static.conditions == [{"StringLike": {"token.actions.githubusercontent.com:sub": ["repo:org/app:*"]}}]


def test_who_can_style_org_condition_is_reported():
    policy = trust("*", Condition={"StringNotEquals": {"aws:PrincipalOrgID": "o-mine"}})
    result = decide("sts:AssumeRole", f"arn:aws:iam::{A}:role/target", principal=BOB_B, identity_policies=[ADMIN],
                    resource_policy=policy, unknown_context=True)
    assert result.decision == "AllowedIf"
    assert result.conditions == [{"StringNotEquals": {"aws:PrincipalOrgID": ["o-mine"]}}]


def test_arn_condition_with_variable():
    policy = doc(allow("iam:PassRole", "*", Condition={"ArnLike": {"iam:AssociatedResourceArn": "arn:aws:ec2:*:${aws:PrincipalAccount}:instance/*"}}))
    own = decide("iam:PassRole", ROLE, identity_policies=[policy],
                 context={"iam:AssociatedResourceArn": f"arn:aws:ec2:eu-west-1:{A}:instance/i-1"})
    foreign = decide("iam:PassRole", ROLE, identity_policies=[policy],
                     context={"iam:AssociatedResourceArn": f"arn:aws:ec2:eu-west-1:{B}:instance/i-1"})
    assert (own.decision, foreign.decision) == ("Allowed", "ImplicitlyDenied")


def test_steampipe_std_trust_policy():
    std = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["sts:assumerole"],
                                                   "Principal": {"AWS": ["*"]},
                                                   "Condition": {"StringEquals": {"sts:externalid": ["x-1"]}}}]}
    target = f"arn:aws:iam::{A}:role/vendor"
    assert decide("sts:AssumeRole", target, principal=BOB_B, identity_policies=[ADMIN], resource_policy=std,
                  context={"sts:ExternalId": "x-1"}).decision == "Allowed"
    assert decide("sts:AssumeRole", target, principal=BOB_B, identity_policies=[ADMIN], resource_policy=std,
                  context={"sts:ExternalId": "x-2"}).decision == "ImplicitlyDenied"


def test_documents_are_compiled_once_across_requests(monkeypatch):
    compiled = record_calls(monkeypatch, document, "compile_policy")
    shared = doc(allow("ec2:Describe*", Sid="UniqueForThisTest"))
    requests = [{"action": "ec2:DescribeInstances", "principal": f"arn:aws:iam::{A}:user/u{i}",
                 "identity_policies": [json.loads(json.dumps(shared)) if i % 2 else shared]} for i in range(200)]
    assert {r["decision"] for r in simulate(requests)} == {"Allowed"}
    assert len(compiled) == 1


def test_conditional_alternatives_are_bounded():
    identity = [doc(allow("s3:*", Condition={"StringEquals": {"aws:SourceVpc": f"vpc-{i}"}})) for i in range(30)]
    scps = [[doc(allow(Condition={"StringEquals": {"aws:RequestedRegion": f"r-{i}"}})) for i in range(30)]]
    result = decide("s3:GetObject", OBJECT, identity_policies=identity, scps=scps, unknown_context=True)
    assert result.decision == "AllowedIf"
    assert 0 < len(result.conditions) <= 256


@pytest.mark.parametrize("unknown_context", [False, True])
def test_federated_and_service_callers_have_no_principal_arn_or_organization(unknown_context):
    # sts:AssumeRoleWithSAML and sts:AssumeRoleWithWebIdentity are not signed with AWS credentials; aws:PrincipalArn is
    # "included in the request context for all signed requests", aws:PrincipalOrgID "only if the principal is a member
    # of an organization"; aws:PrincipalAccount is "included in the request context for all requests", its value for
    # a SAML caller not documented: known only from the context, so a request not giving it has none and static
    # analysis leaves it open (IAM User Guide, "AWS global condition context keys")
    saml = f"arn:aws:iam::{A}:saml-provider/corporate"
    target = f"arn:aws:iam::{A}:role/federated"
    admit = {"Effect": "Allow", "Action": "sts:AssumeRoleWithSAML", "Principal": {"Federated": saml}}

    def ask(*denies, principal=saml, action="sts:AssumeRoleWithSAML", allowed=admit):
        policy = doc(allowed, *({"Effect": "Deny", "Action": "sts:*", "Principal": "*", "Condition": c}
                                for c in denies))
        return decide(action, target, principal=principal, resource_account=A, resource_policy=policy,
                      unknown_context=unknown_context).decision

    assert ask() == "Allowed"
    assert ask({"Null": {"aws:PrincipalAccount": "true"}}) == ("Allowed" if unknown_context else "ExplicitlyDenied")
    # a Deny of other accounts "if it exists": open in static analysis, applied to a request giving no account
    assert ask({"StringNotEqualsIfExists": {"aws:PrincipalAccount": A}}) == (
        "AllowedIf" if unknown_context else "ExplicitlyDenied")
    assert ask({"Null": {"aws:PrincipalOrgID": "true"}}) == "ExplicitlyDenied"
    assert ask({"Null": {"aws:PrincipalArn": "true"}}) == "ExplicitlyDenied"
    # an Allow that requires the account: open in static analysis, never Allowed
    assert ask(allowed={**admit, "Condition": {"StringEquals": {"aws:PrincipalAccount": A}}}) == (
        "AllowedIf" if unknown_context else "ImplicitlyDenied")
    # a service principal: no organization keys either
    service = {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "lambda.amazonaws.com"}}
    assert ask({"Null": {"aws:PrincipalOrgID": "true"}}, principal="lambda.amazonaws.com", action="sts:AssumeRole",
               allowed=service) == "ExplicitlyDenied"
    # an IAM user of the account keeps its account
    user = {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": ALICE}}
    assert ask({"Null": {"aws:PrincipalAccount": "true"}}, principal=ALICE, action="sts:AssumeRole",
               allowed=user) == "Allowed"

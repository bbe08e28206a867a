"""Identity threat detections over CloudTrail (``cloudtrail_event_*`` controls of docs/detections.md).

- Every identity, logging and defense-evasion technique of Stratus Red Team whose detonation log is in
  tests/data/stratus_red_team_detonation_logs raises its alarm, on the log loaded as ``iamsql load`` loads it (one account per
  file: Stratus gives each detonation its own account id).
- Benign twins, built from the same event shapes, do not: the same call on oneself, a trust naming the role's
  own or a trusted account, a reader policy, a user created without a credential, an MFA device replaced, a
  federation token by a known broker, a provider seen from the start, a denied Roles Anywhere call...
- An account whose events all fall outside the look-back gives one ``skip`` row; an account with events but no
  match gives one ``ok`` row naming the window examined.
"""

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from iamsql import controls
from iamsql.load import load_paths
from iamsql.store import db

from .cloudtrail_events import event, load_accounts

STRATUS = Path(__file__).parent / "data" / "stratus_red_team_detonation_logs" / "docs" / "detonation-logs"
DETECTIONS = sorted(c.id for c in controls.load_controls() if c.id in {
    "cloudtrail_event_credential_for_other_principal", "cloudtrail_event_role_trust_opened", "cloudtrail_event_admin_policy_granted",
    "cloudtrail_event_new_principal_granted_power", "cloudtrail_event_federation_token_issued", "cloudtrail_event_identity_provider_added",
    "cloudtrail_event_roles_anywhere_trust_added", "cloudtrail_event_mfa_device_removed", "cloudtrail_event_organization_change",
    "cloudtrail_event_security_monitoring_disabled", "cloudtrail_event_enumeration_burst",
    "cloudtrail_event_secret_bulk_read", "cloudtrail_event_instance_credentials_used_elsewhere",
    "cloudtrail_event_function_code_replaced", "cloudtrail_event_function_policy_opened",
    "cloudtrail_event_signin_token_issued", "cloudtrail_event_privilege_escalation_activity",
    "cloudtrail_event_llm_jacking", "cloudtrail_event_role_assumed_repeatedly",
    "cloudtrail_event_key_checked_by_scanner", "cloudtrail_event_instance_user_data_replaced",
    "cloudtrail_event_kms_key_disabled", "cloudtrail_event_ssm_commands_many_instances",
    "cloudtrail_event_snapshot_shared_outside", "cloudtrail_event_resource_policy_opened"})
RUN = DETECTIONS + ["cloudtrail_event_root_activity", "cloudtrail_event_trail_tampering", "cloudtrail_event_console_login_without_mfa"]

# technique -> (file stem, [(control, resource, words the reason must hold)])
TECHNIQUES = {
    "secretsmanager-retrieve-secrets": ("credential-access.secretsmanager-retrieve-secrets", [
        ("cloudtrail_event_secret_bulk_read", "arn:aws:iam::903144391865:user/christophe",
         ["asked for 20 distinct secrets within 10 minutes", "GetSecretValue x20", "stratus-red-team-retrieve-secret-0-",
          "2024-07-31 12:36 UTC"])]),
    "secretsmanager-batch-retrieve-secrets": ("credential-access.secretsmanager-batch-retrieve-secrets", [
        ("cloudtrail_event_secret_bulk_read", "arn:aws:iam::165109126369:user/christophe",
         ["every secret matching a filter", "BatchGetSecretValue x5", "StratusRedTeam"])]),
    "ssm-retrieve-securestring-parameters": ("credential-access.ssm-retrieve-securestring-parameters", [
        ("cloudtrail_event_secret_bulk_read", "arn:aws:iam::933175858973:user/christophe",
         ["distinct secrets", "GetParameters x", "/credentials/stratus-red-team/credentials-0"])]),
    "ec2-get-password-data": ("credential-access.ec2-get-password-data", [
        ("cloudtrail_event_secret_bulk_read", "arn:aws:iam::457448411975:role/stratus-red-team-ec2-get-password-data-role",
         ["assumed-role/stratus-red-team-ec2-get-password-data-role", "GetPasswordData x30", "the password of i-",
          "30 of the 30 calls were denied"])]),
    "ec2-steal-instance-credentials": ("credential-access.ec2-steal-instance-credentials", [
        ("cloudtrail_event_instance_credentials_used_elsewhere",
         "arn:aws:sts::017622104382:assumed-role/stratus-red-team-ec2-steal-credentials-role/i-786a3A8B5C0d92eF4",
         ["EC2 instance i-786a3A8B5C0d92eF4", "role stratus-red-team-ec2-steal-credentials-role", "from 18.236.253.47",
          "DescribeInstances", "user/christophe also called from"])]),
    "iam-backdoor-role": ("persistence.iam-backdoor-role", [
        ("cloudtrail_event_role_trust_opened", "arn:aws:iam::751203476945:role/stratus-red-team-backdoor-r-role",
         ["user/christophe", "UpdateAssumeRolePolicy", "account 193672423079", "2024-08-01 13:29:57", "225.178.039.250"])]),
    "iam-backdoor-user": ("persistence.iam-backdoor-user", [
        ("cloudtrail_event_credential_for_other_principal", "arn:aws:iam::946986569305:user/stratus-red-team-backdoor-u-user",
         ["user/christophe", "CreateAccessKey", "2024-07-30 21:53:13", "211.9.016.253", "stratus-red-team_"])]),
    "iam-create-admin-user": ("persistence.iam-create-admin-user", [
        ("cloudtrail_event_new_principal_granted_power", "arn:aws:iam::229654561268:user/malicious-iam-user",
         ["created user malicious-iam-user", "AdministratorAccess", "CreateAccessKey"]),
        ("cloudtrail_event_admin_policy_granted", "arn:aws:iam::229654561268:user/malicious-iam-user",
         ["AttachUserPolicy", "AdministratorAccess"]),
        ("cloudtrail_event_credential_for_other_principal", "arn:aws:iam::229654561268:user/malicious-iam-user", ["CreateAccessKey"])]),
    "iam-create-backdoor-role": ("persistence.iam-create-backdoor-role", [
        ("cloudtrail_event_role_trust_opened", "arn:aws:iam::609418236337:role/stratus-red-team-malicious-iam-role",
         ["CreateRole", "account 193672423079"]),
        ("cloudtrail_event_admin_policy_granted", "arn:aws:iam::609418236337:role/stratus-red-team-malicious-iam-role",
         ["AttachRolePolicy", "AdministratorAccess"]),
        ("cloudtrail_event_new_principal_granted_power", "arn:aws:iam::609418236337:role/stratus-red-team-malicious-iam-role",
         ["created role"])]),
    "iam-create-user-login-profile": ("persistence.iam-create-user-login-profile", [
        ("cloudtrail_event_credential_for_other_principal", "arn:aws:iam::070411556318:user/stratus-red-team-login-profile-user",
         ["CreateLoginProfile", "253.234.5.234"])]),
    "iam-update-user-login-profile": ("privilege-escalation.iam-update-user-login-profile", [
        ("cloudtrail_event_credential_for_other_principal", "arn:aws:iam::763751499319:user/stratus-red-team-update-login-profile-user",
         ["UpdateLoginProfile", "2024-08-28 09:54:40"])]),
    "sts-federation-token": ("persistence.sts-federation-token", [
        ("cloudtrail_event_federation_token_issued", "arn:aws:sts::742491224508:federated-user/stratus_red_team",
         ["user/stratus-red-team-user-federation-user", "GetFederationToken", "allowing every action", "aws-sdk-go-v2/1.32.3"])]),
    "rolesanywhere-create-trust-anchor": ("persistence.rolesanywhere-create-trust-anchor", [
        ("cloudtrail_event_roles_anywhere_trust_added",
         "arn:aws:rolesanywhere:cn-northsouth-3r:791182566784:trust-anchor/4d07f6a0-1c50-44d3-951b-b68b783daa0a",
         ["CreateTrustAnchor", "malicious-rolesanywhere-trust-anchor"]),
        ("cloudtrail_event_roles_anywhere_trust_added",
         "arn:aws:rolesanywhere:cn-northsouth-3r:791182566784:profile/910042eb-8463-427d-8095-6fd60ac303d9",
         ["CreateProfile", "stratus-red-team-trust-anchor-role"])]),
    "organizations-leave": ("defense-evasion.organizations-leave", [
        ("cloudtrail_event_organization_change", "arn:aws:::307578594326",
         ["assumed-role/stratus-red-team-leave-org-role", "tried LeaveOrganization", "denied with AccessDenied"])]),
    "cloudtrail-delete": ("defense-evasion.cloudtrail-delete", [
        ("cloudtrail_event_trail_tampering", None, ["DeleteTrail"])]),
    "cloudtrail-stop": ("defense-evasion.cloudtrail-stop", [
        ("cloudtrail_event_trail_tampering", None, ["StopLogging"])]),
    "cloudtrail-event-selectors": ("defense-evasion.cloudtrail-event-selectors", [
        ("cloudtrail_event_trail_tampering", None, ["PutEventSelectors"])]),
    "dns-delete-logs": ("defense-evasion.dns-delete-logs", [
        ("cloudtrail_event_security_monitoring_disabled",
         "arn:aws:route53resolver:sa-central-3r:206821776919:resolver-query-log-config/rqlc-4473f20ca554c07",
         ["DeleteResolverQueryLogConfig"])]),
    "vpc-remove-flow-logs": ("defense-evasion.vpc-remove-flow-logs", [
        ("cloudtrail_event_security_monitoring_disabled", "arn:aws:ec2:megov-south-1r:498376118699:vpc-flow-log/fl-0e17aa62a21d4bbfe",
         ["DeleteFlowLogs"])]),
    "lambda-overwrite-code": ("persistence.lambda-overwrite-code", [
        ("cloudtrail_event_function_code_replaced",
         "arn:aws:lambda:ap-westeast-2r:266106314375:function:stratus-red-team-olc-func-vayhjqkdav",
         ["user/christophe replaced the code of function stratus-red-team-olc-func-vayhjqkdav with an uploaded archive",
          "2024-08-01 13:52:02", "runs as arn:aws:iam::266106314375:role/stratus-red-team-olc-lambda-vayhjqkdav",
          "no earlier deployment of the function in the window"])]),
    "lambda-layer-extension": ("persistence.lambda-layer-extension", [
        ("cloudtrail_event_function_code_replaced",
         "arn:aws:lambda:eugov-eastcentral-1r:712967571683:function:stratus-red-team-lambda-layer-simpleLambda",
         ["added layers", "layer:stratus-red-team-lambda-layer-my-lambda-extension:1",
          "to function stratus-red-team-lambda-layer-simpleLambda"])]),
    "lambda-backdoor-function": ("persistence.lambda-backdoor-function", [
        ("cloudtrail_event_function_policy_opened",
         "arn:aws:lambda:ca-centralnorth-1r:880896431042:function:stratus-red-team-backdoor-f-func",
         ["user/christophe let everyone (*) lambda:InvokeFunction function stratus-red-team-backdoor-f-func (statement backdoor)",
          "2024-08-01 13:47:16", "no later RemovePermission"])]),
    "ec2-user-data": ("execution.ec2-user-data", [
        ("cloudtrail_event_instance_user_data_replaced", "arn:aws:ec2:ca-northsouth-2r:309303190113:instance/i-DDd6c7B0e18F0E35f",
         ["user/christophe replaced the user data of instance i-DDd6c7B0e18F0E35f at 2024-08-01 12:04:18 UTC",
          "the instance was started at 2024-08-01 12:04:19 UTC"])]),
    "bedrock-invoke-model": ("impact.bedrock-invoke-model", [
        ("cloudtrail_event_llm_jacking", "arn:aws:iam::494659789341:role/test-role",
         ["called 6 of the 12 Bedrock model-access actions", "bedrock:PutFoundationModelEntitlement x1"])]),
    "ssm-send-command": ("execution.ssm-send-command", [
        ("cloudtrail_event_ssm_commands_many_instances", "arn:aws:iam::056392974792:user/christophe",
         ["sent commands to or opened sessions on 3 instances within 10 minutes from 2024-08-02 09:08 UTC",
          "SendCommand x1", "documents AWS-RunShellScript", "i-00456A8D163f546Ff"])]),
    "ssm-start-session": ("execution.ssm-start-session", [
        ("cloudtrail_event_ssm_commands_many_instances", "arn:aws:iam::294599468799:user/christophe",
         ["on 3 instances", "StartSession x3", "i-d0b6DCBA8984dE148, i-d3720C7af6fCfF2B2, i-eA1d1296c1dE3Aa1f"])]),
    "ec2-share-ebs-snapshot": ("exfiltration.ec2-share-ebs-snapshot", [
        ("cloudtrail_event_snapshot_shared_outside", "arn:aws:ec2:me-central-3r::snapshot/snap-041993b54a9b3af6f",
         ["user/christophe shared EBS snapshot snap-041993b54a9b3af6f with account 098797384747",
          "ModifySnapshotAttribute at 2024-08-01 12:28:02 UTC", "still shared at the end of the window"])]),
    "ec2-share-ami": ("exfiltration.ec2-share-ami", [
        ("cloudtrail_event_snapshot_shared_outside", "arn:aws:ec2:me-south-1r::image/ami-de1fbCab6ccB03e6D",
         ["shared AMI ami-de1fbCab6ccB03e6D with account 846424999548", "ModifyImageAttribute"])]),
    "rds-share-snapshot": ("exfiltration.rds-share-snapshot", [
        ("cloudtrail_event_snapshot_shared_outside", "arn:aws:rds:meiso-eastwest-2r:171471557522:snapshot:exfiltration",
         ["shared DB snapshot exfiltration with account 503161813013", "ModifyDBSnapshotAttribute"])]),
    "console-login-without-mfa": ("initial-access.console-login-without-mfa", [
        ("cloudtrail_event_console_login_without_mfa", None, ["without MFA"])]),
}


def account_of(stem: str) -> str:
    import json
    return json.loads((STRATUS / f"aws.{stem}.json").read_text())[0]["recipientAccountId"]


@pytest.fixture(scope="module")
def stratus(tmp_path_factory):
    con = db.connect(tmp_path_factory.mktemp("stratus") / "stratus.duckdb")
    load_paths(con, sorted(STRATUS / f"aws.{stem}.json" for stem, _ in TECHNIQUES.values()))
    rows = controls.results(con, controls.run_checks(con, controls=RUN))
    con.close()
    return rows


def test_every_technique_tested_has_its_detonation_log():
    assert {f"aws.{stem}.json" for stem, _ in TECHNIQUES.values()} <= {p.name for p in STRATUS.glob("aws.*.json")}


def test_no_errors_and_one_row_per_resource(stratus):
    assert [r for r in stratus if r["status"] == "error"] == []
    keys = [(r["control_id"], r["account_id"], r["resource"]) for r in stratus]
    assert len(keys) == len(set(keys))
    assert {r["control_id"] for r in stratus} == set(RUN)


@pytest.mark.parametrize("technique", sorted(TECHNIQUES))
def test_stratus_technique_raises_its_alarm(stratus, technique):
    stem, expected = TECHNIQUES[technique]
    account = account_of(stem)
    for control_id, resource, words in expected:
        found = [r for r in stratus if r["control_id"] == control_id and r["account_id"] == account
                 and r["status"] == "alarm" and (resource is None or r["resource"] == resource)]
        assert len(found) == 1, (control_id, [(r["resource"], r["status"], r["reason"]) for r in stratus
                                              if r["control_id"] == control_id and r["account_id"] == account])
        for word in words:
            assert word in found[0]["reason"], (word, found[0]["reason"])
        assert found[0]["reason"].endswith(".")


def test_each_detection_is_quiet_on_the_other_techniques(stratus):
    """Precision across the detonations: a detection alarms only on the accounts of the techniques it covers."""
    expected = {(c, account_of(stem)) for stem, checks in TECHNIQUES.values() for c, _, _ in checks}
    alarms = {(r["control_id"], r["account_id"]) for r in stratus if r["status"] == "alarm" and r["control_id"] in DETECTIONS}
    assert alarms <= expected, alarms - expected


def test_accounts_without_a_match_say_which_window_was_examined(stratus):
    ok = [r for r in stratus if r["control_id"] == "cloudtrail_event_role_trust_opened" and r["account_id"] == "946986569305"]
    assert [r["status"] for r in ok] == ["ok"]
    assert ok[0]["reason"] == ("None of the 1 CloudTrail events at 2024-07-30 21:53 UTC opens a role "
                               "trust to an outside account, everyone or an unconditioned federated provider.")
    # the window's minutes are the parameter's value (60 by default); the reason said "within replace_minutes minutes"
    [mfa] = [r for r in stratus if r["control_id"] == "cloudtrail_event_mfa_device_removed"
             and r["account_id"] == "946986569305"]
    assert mfa["reason"] == ("None of the 1 CloudTrail events at 2024-07-30 21:53 UTC removes an MFA "
                             "device without enabling another within 60 minutes."), mfa


# ------------------------------------------------------------------------------------------------ benign twins

AS_OF = datetime(2024, 6, 1, 12, 0, tzinfo=timezone.utc)
A, B, OLD, EMPTY = "811111111111", "822222222222", "833333333333", "844444444444"
T0 = AS_OF - timedelta(days=2)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def trust(*principals, condition=None, action="sts:AssumeRole"):
    statements = [{"Effect": "Allow", "Principal": p, "Action": action,
                   **({"Condition": condition} if condition else {})} for p in principals]
    import json
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def resource_policy(principal, action, condition=None):
    """A resource-based policy (a secret's, key's, queue's): its statement names the resource too."""
    import json
    return json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": principal, "Action": action,
                                                               "Resource": "*", **({"Condition": condition} if condition else {})}]})


def inline(action):
    import json
    return json.dumps({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": action, "Resource": "*"}})


INSTANCE_SESSION = "web-server/i-0123456789abcdef0"


def instance_call(account: str, minute: float, ip: str) -> dict:
    """A call with the role credentials of an EC2 instance: its session is named after the instance."""
    call = event(account, at(minute), "DescribeInstances", source="ec2.amazonaws.com", role="web-server", ip=ip,
                 read_only=True)
    session = f"arn:aws:sts::{account}:assumed-role/{INSTANCE_SESSION}"
    call["user_identity"]["arn"] = call["user_identifier"] = session
    return call


BENIGN = [
    # an instance's credentials used from its own address; a role session not named after an instance (app)
    # from the address the users call from
    instance_call(A, 80, "10.0.3.7"),
    # the same credential calls on oneself
    event(A, at(0), "CreateAccessKey", user="dev", request={"userName": "dev"}),
    event(A, at(1), "UpdateLoginProfile", user="dev", request={"userName": "dev"}),
    event(A, at(2), "UploadSSHPublicKey", user="dev", request={"userName": "dev", "sSHPublicKeyBody": "ssh-rsa AAAA"}),
    event(A, at(3), "CreateAccessKey", user="dev", request=None),
    # a credential call for another user that failed for a reason other than authorization
    event(A, at(4), "CreateAccessKey", user="admin", request={"userName": "gone"}, error="NoSuchEntityException"),
    # trust changes naming the role's own account, a trusted account of the organization, a service, a wildcard
    # restricted to the organization, and an OIDC provider with a subject condition
    event(A, at(5), "UpdateAssumeRolePolicy", user="admin", request={"roleName": "own", "policyDocument": trust(
        {"AWS": f"arn:aws:iam::{A}:root"}, {"Service": "ec2.amazonaws.com"})}),
    event(A, at(6), "UpdateAssumeRolePolicy", user="admin", request={"roleName": "sibling", "policyDocument": trust(
        {"AWS": ["arn:aws:iam::899999999999:role/deployer"]})}),
    event(A, at(7), "CreateRole", user="admin", request={"roleName": "org-wide", "assumeRolePolicyDocument": trust(
        "*", condition={"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}})}),
    event(A, at(8), "CreateRole", user="admin", request={"roleName": "ci", "assumeRolePolicyDocument": trust(
        {"Federated": f"arn:aws:iam::{A}:oidc-provider/token.actions.githubusercontent.com"},
        condition={"StringLike": {"token.actions.githubusercontent.com:sub": "repo:org/app:*"}},
        action="sts:AssumeRoleWithWebIdentity")}),
    # a denied trust change does not change the trust
    event(A, at(9), "UpdateAssumeRolePolicy", user="eve", error="AccessDenied", request={"roleName": "own", "policyDocument":
          trust({"AWS": "arn:aws:iam::193672423079:root"})}),
    # reader policies, and an inline policy scoped to one service
    event(A, at(10), "AttachUserPolicy", user="admin",
          request={"userName": "dev", "policyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}),
    event(A, at(11), "PutRolePolicy", user="admin",
          request={"roleName": "own", "policyName": "s3", "policyDocument": inline(["s3:GetObject", "s3:PutObject"])}),
    event(A, at(12), "AttachRolePolicy", user="admin", error="AccessDenied",
          request={"roleName": "own", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}),
    # a user created with a policy but no credential; a role created with a reader policy
    event(A, at(13), "CreateUser", user="admin", request={"userName": "newbie"}),
    event(A, at(14), "AttachUserPolicy", user="admin",
          request={"userName": "newbie", "policyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}),
    event(A, at(15), "CreateRole", user="admin", request={"roleName": "reader", "assumeRolePolicyDocument": trust(
        {"Service": "lambda.amazonaws.com"})}),
    event(A, at(16), "AttachRolePolicy", user="admin",
          request={"roleName": "reader", "policyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}),
    # a user created, given a policy an hour and a half later, and creating its own key
    event(A, at(17), "CreateUser", user="admin", request={"userName": "later"}),
    event(A, at(110), "AttachUserPolicy", user="admin",
          request={"userName": "later", "policyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}),
    event(A, at(111), "CreateAccessKey", user="later", request={"userName": "later"}),
    # an MFA device replaced
    event(A, at(20), "DeactivateMFADevice", user="dev",
          request={"userName": "dev", "serialNumber": f"arn:aws:iam::{A}:mfa/dev-old"}),
    event(A, at(22), "EnableMFADevice", user="dev", request={"userName": "dev", "serialNumber": f"arn:aws:iam::{A}:mfa/dev"}),
    # a federation token by a known broker (allowed_callers) and a denied one
    event(A, at(30), "GetFederationToken", source="sts.amazonaws.com", user="broker", request={"name": "alice"}),
    event(A, at(31), "GetFederationToken", source="sts.amazonaws.com", user="eve", request={"name": "x"}, error="AccessDenied"),
    # federated sessions from a provider seen from the start of the window
    *[event(A, at(60 * 24 * i), "AssumeRoleWithSAML", source="sts.amazonaws.com", user="sso",
            request={"principalArn": f"arn:aws:iam::{A}:saml-provider/Okta", "roleArn": f"arn:aws:iam::{A}:role/sso"})
      for i in (0, 1)],
    # Roles Anywhere: a denied attempt, and reads
    event(A, at(40), "CreateTrustAnchor", source="rolesanywhere.amazonaws.com", user="eve", error="AccessDenied",
          request={"name": "x"}),
    event(A, at(41), "ListTrustAnchors", source="rolesanywhere.amazonaws.com", user="dev", read_only=True),
    # organization reads; a GuardDuty detector setting that leaves it enabled
    event(A, at(42), "DescribeOrganization", source="organizations.amazonaws.com", user="dev", read_only=True),
    event(A, at(43), "UpdateDetector", source="guardduty.amazonaws.com", user="admin",
          request={"detectorId": "d1", "findingPublishingFrequency": "SIX_HOURS"}),
    # a workload reading its three secrets again and again, parameters read without decryption, a secret read
    # by a service on the caller's behalf, and lookups of secrets that do not exist
    *[event(A, at(70 + i * 0.05), "GetSecretValue", source="secretsmanager.amazonaws.com", role="app", read_only=True,
            request={"secretId": f"app/secret-{i % 3}"}) for i in range(40)],
    event(A, at(71), "GetParameters", source="ssm.amazonaws.com", user="dev", read_only=True,
          request={"names": [f"/app/setting-{i}" for i in range(20)], "withDecryption": False}),
    *[event(A, at(72), "GetSecretValue", source="secretsmanager.amazonaws.com", user="deployer", read_only=True,
            request={"secretId": f"stack/secret-{i}"}, invoked_by="cloudformation.amazonaws.com") for i in range(12)],
    *[event(A, at(73), "GetSecretValue", source="secretsmanager.amazonaws.com", user="typo", read_only=True,
            request={"secretId": f"missing-{i}"}, error="ResourceNotFoundException") for i in range(12)],
    # a function created and redeployed by its deployer with the same tool (another version), by a pipeline's role
    # and through CloudFormation; a configuration change without layers, layers removed, a denied code update
    event(A, at(120), "CreateFunction20150331", source="lambda.amazonaws.com", user="deployer", agent="Terraform/1.5.7",
          request={"functionName": "api", "role": f"arn:aws:iam::{A}:role/api"}, response={"functionName": "api"}),
    event(A, at(130), "UpdateFunctionCode20150331v2", source="lambda.amazonaws.com", user="deployer",
          agent="APN/1.0 HashiCorp/1.0 Terraform/1.6.2", request={"functionName": f"arn:aws:lambda:us-east-1:{A}:function:api"}),
    event(A, at(131), "UpdateFunctionCode20150331v2", source="lambda.amazonaws.com", role="ci",
          request={"functionName": "api", "s3Bucket": "builds", "s3Key": "api.zip"}),
    event(A, at(132), "UpdateFunctionCode20150331v2", source="lambda.amazonaws.com", user="admin",
          invoked_by="cloudformation.amazonaws.com", request={"functionName": "api"}),
    event(A, at(133), "UpdateFunctionConfiguration20150331v2", source="lambda.amazonaws.com", user="dev",
          request={"functionName": "api", "memorySize": 256}),
    event(A, at(134), "UpdateFunctionConfiguration20150331v2", source="lambda.amazonaws.com", user="dev",
          request={"functionName": "api", "layers": []}),
    event(A, at(135), "UpdateFunctionCode20150331v2", source="lambda.amazonaws.com", user="dev", error="AccessDeniedException",
          request={"functionName": "api"}),
    # Lambda permissions for a service with a source, the function's own account, a trusted account, everyone
    # within a source account or the organization; a denied grant to everyone
    event(A, at(140), "AddPermission20150331v2", source="lambda.amazonaws.com", user="deployer",
          request={"functionName": "api", "statementId": "s3", "action": "lambda:InvokeFunction",
                   "principal": "s3.amazonaws.com", "sourceArn": "arn:aws:s3:::uploads"}),
    event(A, at(141), "AddPermission20150331v2", source="lambda.amazonaws.com", user="deployer",
          request={"functionName": "api", "statementId": "own", "action": "lambda:InvokeFunction", "principal": A}),
    event(A, at(142), "AddPermission20150331v2", source="lambda.amazonaws.com", user="deployer",
          request={"functionName": "api", "statementId": "sibling", "action": "lambda:InvokeFunction",
                   "principal": "arn:aws:iam::899999999999:role/caller"}),
    event(A, at(143), "AddPermission20150331v2", source="lambda.amazonaws.com", user="deployer",
          request={"functionName": "api", "statementId": "acct", "action": "lambda:InvokeFunction", "principal": "*",
                   "sourceAccount": A}),
    event(A, at(144), "AddPermission20150331v2", source="lambda.amazonaws.com", user="deployer",
          request={"functionName": "api", "statementId": "org", "action": "lambda:InvokeFunction", "principal": "*",
                   "principalOrgID": "o-abc123"}),
    event(A, at(145), "AddPermission20150331v2", source="lambda.amazonaws.com", user="eve", error="AccessDeniedException",
          request={"functionName": "api", "statementId": "x", "action": "lambda:InvokeFunction", "principal": "*"}),
    # reads across seven services: under the default min_services (8)
    *[event(A, at(50 + i * 0.1), f"Describe{n}", source=f"{s}.amazonaws.com", user="inventory", read_only=True)
      for i, (s, n) in enumerate([(s, "Things") for s in ("ec2", "rds", "lambda", "s3", "iam", "kms", "sns")] * 6)],
    # a secret policy for the account's own role, a key policy for everyone of the organization, a snapshot
    # shared with the trusted account
    event(A, at(90), "PutResourcePolicy", source="secretsmanager.amazonaws.com", user="admin",
          request={"secretId": "app/db", "resourcePolicy": resource_policy({"AWS": f"arn:aws:iam::{A}:role/app"},
                                                                           "secretsmanager:GetSecretValue")}),
    event(A, at(91), "PutKeyPolicy", source="kms.amazonaws.com", user="admin",
          request={"keyId": "k-1", "policy": resource_policy("*", "kms:Decrypt", {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}})}),
    event(A, at(92), "ModifySnapshotAttribute", source="ec2.amazonaws.com", user="admin",
          request={"snapshotId": "snap-1", "createVolumePermission": {"add": {"items": [{"userId": "899999999999"}]}}}),
]
MALICIOUS = [
    # a function URL opened to everyone, a function opened to a stranger's account
    event(B, at(127), "AddPermission20150331v2", source="lambda.amazonaws.com", ip="203.0.113.40", user="mallory",
          request={"functionName": f"arn:aws:lambda:us-east-1:{B}:function:payments", "statementId": "url",
                   "action": "lambda:InvokeFunctionUrl", "principal": "*", "functionUrlAuthType": "NONE"}),
    event(B, at(128), "AddPermission20150331v2", source="lambda.amazonaws.com", ip="203.0.113.40", user="mallory",
          request={"functionName": "orders", "statementId": "x", "action": "lambda:GetFunction", "principal": "193672423079"}),
    # a function its deployer created, its code replaced by another user, a layer of another account added
    event(B, at(120), "CreateFunction20150331", source="lambda.amazonaws.com", ip="203.0.113.40", user="deployer", agent="Terraform/1.5.7",
          request={"functionName": "payments"}, response={"functionName": "payments"}),
    event(B, at(125), "UpdateFunctionCode20150331v2", source="lambda.amazonaws.com", ip="203.0.113.40", user="mallory",
          request={"functionName": f"{B}:function:payments:live", "s3Bucket": "drop", "s3Key": "x.zip"},
          response={"functionName": "payments", "role": f"arn:aws:iam::{B}:role/payments"}),
    event(B, at(126), "UpdateFunctionConfiguration20150331v2", source="lambda.amazonaws.com", ip="203.0.113.40", user="mallory",
          request={"functionName": "orders", "layers": ["arn:aws:lambda:us-east-1:999988887777:layer:ext:3"]}),
    # the instance's credentials used from its own address, then from eve's
    instance_call(B, 85, "10.0.3.7"),
    instance_call(B, 90, "198.51.100.7"),
    event(B, at(0), "CreateAccessKey", role="ci", request={"userName": "dev"}),
    event(B, at(1), "CreateLoginProfile", user="eve", request={"userName": "root-admin"}, error="AccessDenied"),
    event(B, at(2), "CreateServiceSpecificCredential", user="eve",
          request={"userName": "dev", "serviceName": "codecommit.amazonaws.com"}),
    event(B, at(3), "UpdateAssumeRolePolicy", user="eve", request={"roleName": "open", "policyDocument": trust(
        {"AWS": "*"}, condition={"StringEquals": {"sts:ExternalId": "x"}})}),
    event(B, at(4), "UpdateAssumeRolePolicy", user="eve", request={"roleName": "oidc", "policyDocument": trust(
        {"Federated": f"arn:aws:iam::{B}:oidc-provider/token.actions.githubusercontent.com"},
        condition={"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}},
        action="sts:AssumeRoleWithWebIdentity")}),
    event(B, at(5), "PutUserPolicy", user="eve", request={"userName": "dev", "policyName": "p", "policyDocument": inline("*")}),
    event(B, at(6), "CreatePolicyVersion", user="eve", request={
        "policyArn": f"arn:aws:iam::{B}:policy/app", "setAsDefault": True, "policyDocument": inline(["s3:*", "iam:Put*"])}),
    event(B, at(7), "DeactivateMFADevice", user="eve", request={"userName": "dev", "serialNumber": f"arn:aws:iam::{B}:mfa/dev"}),
    event(B, at(8), "CreateOpenIDConnectProvider", user="eve", request={"url": "https://evil.example"},
          response={"openIDConnectProviderArn": f"arn:aws:iam::{B}:oidc-provider/evil.example"}),
    event(B, at(9), "AssumeRoleWithSAML", source="sts.amazonaws.com", user="sso",
          request={"principalArn": f"arn:aws:iam::{B}:saml-provider/Okta", "roleArn": f"arn:aws:iam::{B}:role/sso"}),
    event(B, at(60 * 30), "AssumeRoleWithSAML", source="sts.amazonaws.com", user="sso",
          request={"principalArn": f"arn:aws:iam::{B}:saml-provider/NewIdP", "roleArn": f"arn:aws:iam::{B}:role/sso"}),
    event(B, at(10), "UpdateDetector", source="guardduty.amazonaws.com", user="eve", request={"detectorId": "d1", "enable": False}),
    event(B, at(11), "StopConfigurationRecorder", source="config.amazonaws.com", user="eve",
          request={"configurationRecorderName": "default"}),
    event(B, at(12), "CreateAccessKey", root=True, request=None),
    *[event(B, at(30 + i * 0.2), "GetParameter", source="ssm.amazonaws.com", role="ci", read_only=True,
            request={"name": f"/prod/db-{i}", "withDecryption": True}) for i in range(6)],
    *[event(B, at(31 + i * 0.2), "GetSecretValue", source="secretsmanager.amazonaws.com", role="ci", read_only=True,
            request={"secretId": f"prod/api-{i}"}, error="AccessDeniedException") for i in range(4)],
    *[event(B, at(20 + i * 0.1), f"List{n}", source=f"{s}.amazonaws.com", user="eve", read_only=True, error="AccessDenied")
      for i, (s, n) in enumerate([(s, "Things") for s in ("ec2", "rds", "lambda", "s3", "iam", "kms", "sns", "sqs")] * 4)],
    # a queue everyone may read, an image made public
    event(B, at(140), "SetQueueAttributes", source="sqs.amazonaws.com", user="eve",
          request={"queueUrl": f"https://sqs.us-east-1.amazonaws.com/{B}/orders",
                   "attributes": {"Policy": resource_policy("*", "sqs:ReceiveMessage")}}),
    event(B, at(141), "ModifyImageAttribute", source="ec2.amazonaws.com", user="eve",
          request={"imageId": "ami-1", "launchPermission": {"add": {"items": [{"group": "all"}]}}}),
]
ACCOUNTS = {
    A: {"aws_cloudtrail_trail_event": BENIGN},
    B: {"aws_cloudtrail_trail_event": MALICIOUS},
    OLD: {"aws_cloudtrail_trail_event": [event(OLD, AS_OF - timedelta(days=200), "CreateAccessKey", user="a",
                                               request={"userName": "b"})]},
    EMPTY: {"aws_iam_user": [{"name": "x", "arn": f"arn:aws:iam::{EMPTY}:user/x", "account_id": EMPTY, "partition": "aws",
                              "region": "global"}]},
}


@pytest.fixture(scope="module")
def twins(tmp_path_factory):
    con = db.connect(tmp_path_factory.mktemp("twins") / "twins.duckdb")
    load_accounts(con, ACCOUNTS, AS_OF)
    run = controls.run_checks(con, controls=DETECTIONS + ["cloudtrail_event_root_activity"],
                              params={"cloudtrail_event_role_trust_opened.trusted_accounts": "899999999999",
                                      "cloudtrail_event_function_policy_opened.trusted_accounts": "899999999999",
                                      "cloudtrail_event_snapshot_shared_outside.trusted_accounts": "899999999999",
                                      "cloudtrail_event_federation_token_issued.allowed_callers": "broker"})
    rows = controls.results(con, run)
    con.close()
    return rows


@pytest.mark.parametrize("control_id", DETECTIONS)
def test_benign_twins_do_not_alarm(twins, control_id):
    """Grants the policy engine judges harmless are info rows (tests/test_controls_detections_engine.py): the
    account row is still the one ok."""
    rows = [r for r in twins if r["control_id"] == control_id and r["account_id"] == A and r["status"] != "info"]
    assert [(r["status"], r["resource"]) for r in rows] == [("ok", f"arn:aws:::{A}")], [r["reason"] for r in rows]
    assert "CloudTrail events from " in rows[0]["reason"]


@pytest.mark.parametrize("control_id", DETECTIONS)
def test_no_events_in_the_window_is_a_skip_not_an_ok(twins, control_id):
    for account in (OLD, EMPTY):
        rows = [r for r in twins if r["control_id"] == control_id and r["account_id"] == account]
        assert [r["status"] for r in rows] == ["skip"], (account, rows)


MALICIOUS_EXPECTED = [
    ("cloudtrail_event_credential_for_other_principal", f"arn:aws:iam::{B}:user/dev", ["CreateServiceSpecificCredential",
                                                                         "2 such calls"]),
    ("cloudtrail_event_credential_for_other_principal", f"arn:aws:iam::{B}:user/root-admin", ["tried CreateLoginProfile", "AccessDenied"]),
    ("cloudtrail_event_role_trust_opened", f"arn:aws:iam::{B}:role/open", ["everyone (*)"]),
    ("cloudtrail_event_role_trust_opened", f"arn:aws:iam::{B}:role/oidc", ["federated provider"]),
    ("cloudtrail_event_admin_policy_granted", f"arn:aws:iam::{B}:user/dev", ["PutUserPolicy", "inline policy p, which grants full administrator access"]),
    ("cloudtrail_event_admin_policy_granted", f"arn:aws:iam::{B}:policy/app", ["CreatePolicyVersion", "escalation path", "PutUserPolicy"]),
    ("cloudtrail_event_mfa_device_removed", f"arn:aws:iam::{B}:user/dev", ["DeactivateMFADevice", "user dev"]),
    ("cloudtrail_event_identity_provider_added", f"arn:aws:iam::{B}:oidc-provider/evil.example", ["CreateOpenIDConnectProvider"]),
    ("cloudtrail_event_identity_provider_added", f"arn:aws:iam::{B}:saml-provider/NewIdP", ["first session"]),
    ("cloudtrail_event_security_monitoring_disabled", f"arn:aws:guardduty:us-east-1:{B}:detector/d1", ["UpdateDetector"]),
    ("cloudtrail_event_security_monitoring_disabled", f"arn:aws:config:us-east-1:{B}:default", ["StopConfigurationRecorder"]),
    ("cloudtrail_event_enumeration_burst", f"arn:aws:iam::{B}:user/eve", ["32 read calls to 8 services within 10 minutes"]),
    ("cloudtrail_event_root_activity", f"arn:aws:iam::{B}:root", ["created 1 root access key(s)"]),
    ("cloudtrail_event_instance_credentials_used_elsewhere", f"arn:aws:sts::{B}:assumed-role/{INSTANCE_SESSION}",
     ["EC2 instance i-0123456789abcdef0", "made 1 call(s) from 198.51.100.7", f"arn:aws:iam::{B}:root and 2 other IAM caller(s) also called from",
      "also used from 1 other address(es)"]),
    ("cloudtrail_event_function_code_replaced", f"arn:aws:lambda:us-east-1:{B}:function:payments",
     ["user/mallory replaced the code of function payments with s3://drop/x.zip", f"runs as arn:aws:iam::{B}:role/payments",
      f"the deployment before it: arn:aws:iam::{B}:user/deployer (CreateFunction20150331 at"]),
    ("cloudtrail_event_function_code_replaced", f"arn:aws:lambda:us-east-1:{B}:function:orders",
     ["added layers", "999988887777:layer:ext:3", "no earlier deployment"]),
    ("cloudtrail_event_function_policy_opened", f"arn:aws:lambda:us-east-1:{B}:function:payments",
     ["let everyone (*) lambda:InvokeFunctionUrl function payments (statement url), function URL auth type NONE"]),
    ("cloudtrail_event_function_policy_opened", f"arn:aws:lambda:us-east-1:{B}:function:orders",
     ["let account 193672423079 lambda:GetFunction function orders"]),
    ("cloudtrail_event_resource_policy_opened", f"arn:aws:sqs:us-east-1:{B}:orders",
     ["user/eve called SetQueueAttributes", "admits everyone (*) with no condition its callers must meet to sqs:ReceiveMessage"]),
    ("cloudtrail_event_snapshot_shared_outside", "arn:aws:ec2:us-east-1::image/ami-1",
     ["user/eve shared AMI ami-1 with everyone (all), making it public"]),
    ("cloudtrail_event_secret_bulk_read", f"arn:aws:iam::{B}:role/ci",
     ["assumed-role/ci/session-1 asked for 10 distinct secrets", "GetParameter x6, GetSecretValue x4",
      "4 of the 10 calls were denied"]),
]


@pytest.mark.parametrize(("control_id", "resource", "words"), MALICIOUS_EXPECTED,
                         ids=[f"{c}-{r.rsplit('/', 1)[-1]}" for c, r, _ in MALICIOUS_EXPECTED])
def test_malicious_variants_alarm(twins, control_id, resource, words):
    found = [r for r in twins if r["control_id"] == control_id and r["resource"] == resource]
    assert [r["status"] for r in found] == ["alarm"], [(r["resource"], r["status"]) for r in twins
                                                       if r["control_id"] == control_id and r["account_id"] == B]
    for word in words:
        assert word in found[0]["reason"], found[0]["reason"]


def test_instance_credentials_used_off_the_instance_on_the_invictus_trail(tmp_path):
    """The invictus trail ran ec2-steal-instance-credentials and ec2-enumerate (near miss): only the stolen
    session, used from the address user bert-jan calls from as well as from its instance's own, alarms."""
    con = db.connect(tmp_path / "invictus.duckdb")
    load_paths(con, [Path(__file__).parent / "data" / "invictus_ir_aws_dataset" / "CloudTrail"])
    sessions = {arn for (arn,) in con.execute(
        "select distinct user_identity ->> '$.arn' from aws_cloudtrail_trail_event "
        "where user_identity ->> '$.arn' similar to '.*assumed-role/.*/i-[0-9a-f]+'").fetchall()}
    rows = controls.results(con, controls.run_checks(con, controls=["cloudtrail_event_instance_credentials_used_elsewhere"]))
    con.close()
    prefix = "arn:aws:sts::123837392027:assumed-role/stratus-red-team-"
    stolen, enumerate_ = f"{prefix}ec2-steal-credentials-role/i-0dbc91f429e48eeed", f"{prefix}ec2-enumerate-role/i-05c30218156bcc246"
    assert {stolen, enumerate_} <= sessions
    alarms = [r for r in rows if r["status"] == "alarm"]
    assert [r["resource"] for r in alarms] == [stolen]
    for words in ("from 192.168.10.20", "user/bert-jan", "also used from 1 other address(es), the instance's own"):
        assert words in alarms[0]["reason"], alarms[0]["reason"]


def test_lambda_code_replaced_on_the_invictus_trail(tmp_path):
    """The invictus trail ran lambda-overwrite-code: Terraform (user bert-jan) created the function, Stratus replaced
    its code with an uploaded archive 7 seconds later, then put the original back from its bucket at clean-up (the
    same principal and tool again: not counted); the functions Terraform created and deleted are not reported."""
    con = db.connect(tmp_path / "invictus.duckdb")
    load_paths(con, [Path(__file__).parent / "data" / "invictus_ir_aws_dataset" / "CloudTrail"])
    rows = controls.results(con, controls.run_checks(con, controls=["cloudtrail_event_function_code_replaced"]))
    con.close()
    alarms = [r for r in rows if r["status"] == "alarm"]
    assert [r["resource"] for r in alarms] == [
        "arn:aws:lambda:us-east-1:123837392027:function:stratus-red-team-olc-func-xhfgzaowxc"]
    for words in ("user/bert-jan replaced the code of function stratus-red-team-olc-func-xhfgzaowxc with an uploaded archive "
                  "at 2023-07-10 12:26:56 UTC from 192.168.10.20 (stratus-red-team_",
                  "the deployment before it: arn:aws:iam::123837392027:user/bert-jan (CreateFunction20150331 at "
                  "2023-07-10 12:26:49 UTC, Terraform/1.1.2)"):
        assert words in alarms[0]["reason"], alarms[0]["reason"]
    assert "such changes" not in alarms[0]["reason"]


def test_lambda_function_opened_to_everyone_on_the_invictus_trail(tmp_path):
    """The invictus trail ran lambda-backdoor-function: AddPermission letting everyone invoke the function, taken
    back by RemovePermission at clean-up three minutes later (the reason says so: it was open meanwhile)."""
    con = db.connect(tmp_path / "invictus.duckdb")
    load_paths(con, [Path(__file__).parent / "data" / "invictus_ir_aws_dataset" / "CloudTrail"])
    rows = controls.results(con, controls.run_checks(con, controls=["cloudtrail_event_function_policy_opened"]))
    con.close()
    alarms = [r for r in rows if r["status"] == "alarm"]
    assert [r["resource"] for r in alarms] == [
        "arn:aws:lambda:us-east-1:123837392027:function:stratus-red-team-backdoor-f-func"]
    for words in ("user/bert-jan let everyone (*) lambda:InvokeFunction function stratus-red-team-backdoor-f-func",
                  "at 2023-07-10 12:25:40 UTC from 192.168.10.20",
                  "RemovePermission took the statement back at 2023-07-10 12:28:24 UTC"):
        assert words in alarms[0]["reason"], alarms[0]["reason"]

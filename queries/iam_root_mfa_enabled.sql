/*
title: Root user has MFA
description: >-
  The account's root user has an MFA device, unless it has no password at all (root credentials managed centrally
  by AWS Organizations). GetAccountSummary's AccountMFAEnabled, read live, wins over the credential report's
  mfa_active, which IAM regenerates at most every four hours; the report decides when no summary is loaded. The
  root user of an organization's member account keeps the password Organizations gave it unless centralized root
  access removed it, which only the summary's AccountPasswordPresent tells: without it, such a root user without
  MFA alarms, its reason naming the organization and the summary to load.
severity: critical
resource_type: AWS::IAM::RootUser
rationale: The root user can do anything in the account, including closing it; a phished or reused root password without MFA is a full takeover.
remediation: Sign in as root and assign an MFA device (a hardware key or passkey is best), or remove the root password through AWS Organizations centralized root access.
tables: [iamsql_account, aws_iam_credential_report, aws_iam_account_summary, iamsql_organization_member]
requires: [aws_iam_credential_report]
*/
with member as (
  -- the organization's member accounts (its management account's list-accounts): the management account
  -- (the one in the ARN) is not one
  select distinct m.id as account_id, split_part(m.arn, '/', 2) as organization_id
  from iamsql_organization_member as m
  where split_part(m.arn, ':', 5) <> m.id
), root as (
  select a.account_id, a.partition, r.user_arn, r.mfa_active as report_mfa, s.account_mfa_enabled as summary_mfa,
    coalesce(s.account_mfa_enabled, r.mfa_active) as mfa,
    s.account_password_present = false and (s.account_access_keys_present = 0
      or not coalesce(r.access_key_1_active or r.access_key_2_active, false)) as no_credentials,
    s.account_password_present is null and o.account_id is not null as member_password_unknown,
    o.organization_id
  from iamsql_account as a
    left join aws_iam_credential_report as r on r.account_id = a.account_id and r.user_name = '<root_account>'
    left join aws_iam_account_summary as s on s.account_id = a.account_id
    left join member as o on o.account_id = a.account_id
)
select
  'arn:' || partition || ':iam::' || account_id || ':root' as resource,
  case
    when user_arn is null then 'skip'
    when mfa then 'ok'
    when no_credentials then 'ok'
    when member_password_unknown then 'alarm'
    else 'alarm'
  end as status,
  case
    when user_arn is null then 'The credential report has no root user row, so root MFA cannot be judged; load a complete report.'
    when mfa and report_mfa is distinct from true then
      'The root user has MFA enabled (account summary; the credential report, generated earlier, does not show it yet).'
    when mfa then 'The root user has MFA enabled.'
    when no_credentials then 'The root user has no password and no access keys, so it cannot sign in; MFA is not needed.'
    when member_password_unknown then 'The root user has no MFA device; account ' || account_id || ' is a member of organization '
      || organization_id || ', whose root user keeps its password unless centralized root access removed it (load '
      || 'get-account-summary, AccountPasswordPresent, to show that). Enable MFA or remove the root password.'
    when report_mfa then 'The root user has no MFA device according to the account summary (the older credential report '
      || 'still shows one): its password alone controls the whole account. Enable MFA now.'
    else 'The root user has no MFA device: its password alone controls the whole account. Enable MFA now.'
  end as reason,
  account_id,
  'global' as region
from root

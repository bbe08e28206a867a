/*
title: Non-human identities cannot read every object, secret or parameter
description: >-
  No IAM user or role classified as a non-human identity (iam_principal) may read stored data in bulk, as the
  policy engine judges it (iam_principal_access, the questions data_read:* and kms_decrypt_any_key of
  queries/access.yaml): s3:GetObject on any S3 object, secretsmanager:GetSecretValue on any secret,
  ssm:GetParameter, GetParameters or GetParametersByPath on any parameter, dynamodb:Scan or
  ExportTableToPointInTime on any table, kms:Decrypt with any KMS key; each asked on a resource of the account that
  no statement names. Groups, permissions boundaries, SCPs and Deny statements count as IAM counts them. An Allow
  that holds only under a condition the engine cannot decide (aws:SourceVpce, kms:ViaService...) passes, with the
  condition keys in the reason; one limited to the identity's own account (aws:ResourceAccount) does not. An
  identity whose answer depends on a policy that is not loaded is skipped, never passed, and so is one whose loaded
  policies allow a bulk read beside a document that is not loaded (a Deny in it could take the read away); each
  identity is judged on its own, in an account whose managed policies are loaded in part too.
severity: high
resource_type: AWS::IAM::Principal
rationale: >-
  A workload that may read every object, secret or parameter of the account turns one leaked credential or one
  vulnerable application into a leak of all of them; what it needs is the few resources it reads.
remediation: >-
  List the buckets, secrets, parameters, tables and keys the workload reads in Resource (CloudTrail and IAM Access
  Analyzer policy generation show them), or add a condition such as aws:SourceVpce that keeps the reads inside the
  workload's network.
tables: [iam_principal, iam_principal_access]
requires: []
*/
with answer as (
  select principal_arn, account_id, question, title, decision, granted_by, missing, conditions,
    missing is null and (decision = 'Allowed' or (decision = 'AllowedIf' and conditions is null)) as open,
    missing is null and decision = 'AllowedIf' and conditions is not null as conditional,
    -- an allow beside a document not loaded holds only if that document holds no Deny of it
    decision = 'Unknown' or (decision in ('Allowed', 'AllowedIf') and missing is not null) as unknown
  from iam_principal_access
  where question like 'data_read:%' or question = 'kms_decrypt_any_key'
), condition_key as (
  -- the keys of the conditions under which a conditional read holds
  select a.principal_arn, a.account_id, string_agg(distinct k.name, ', ') as keys
  from answer as a
    cross join lateral jsonb_array_elements(a.conditions) as block
    cross join lateral jsonb_each(block) as op(operator, keyed)
    cross join lateral jsonb_object_keys(op.keyed) as k(name)
  where a.conditional
  group by a.principal_arn, a.account_id
), verdict as (
  select principal_arn, account_id,
    string_agg(title || coalesce(' through ' || granted_by, ''), '; ' order by question) filter (where open) as reads,
    string_agg(title, '; ' order by question) filter (where open) as read_actions,
    string_agg(title, '; ' order by question) filter (where conditional) as conditional_reads,
    bool_or(unknown) as unknown,
    min(missing) filter (where unknown) as missing
  from answer
  group by principal_arn, account_id
)
select
  p.principal_arn as resource,
  case
    when v.reads is not null then case when p.nhi_rule = 'service_linked_role' then 'info' else 'alarm' end
    when v.principal_arn is null or v.unknown then 'skip'
    else 'ok'
  end as status,
  case
    when p.nhi_rule = 'service_linked_role' and v.reads is not null then
      'The service-linked role ' || p.name || ' may read data in bulk (' || v.read_actions
        || '), with rights set by AWS; only its service can use it.'
    when v.reads is not null then
      'The non-human ' || p.principal_type || ' ' || p.name || ' (' || p.nhi_reason || ') may read data in bulk: '
        || v.reads || '; limit it to the resources the workload reads.'
    when v.principal_arn is null then
      'The non-human ' || p.principal_type || ' ' || p.name || ' is not in the loaded IAM data with its policies; '
        || 'load get-account-authorization-details to evaluate it.'
    when v.unknown then
      'The non-human ' || p.principal_type || ' ' || p.name || ' cannot be judged: the answer depends on '
        || v.missing || case when v.missing like '%(not loaded)%'
          then '; load get-account-authorization-details to evaluate it.' else '.' end
    when v.conditional_reads is not null then
      'The non-human ' || p.principal_type || ' ' || p.name || ' may read data in bulk only when its conditions hold ('
        || v.conditional_reads || ': ' || c.keys || ').'
    else
      'The non-human ' || p.principal_type || ' ' || p.name || ' cannot read every object, secret, parameter, table or key.'
  end as reason,
  p.account_id,
  'global' as region,
  v.read_actions as bulk_reads
from iam_principal as p
  left join verdict as v on v.principal_arn = p.principal_arn and v.account_id = p.account_id
  left join condition_key as c on c.principal_arn = p.principal_arn and c.account_id = p.account_id
where p.is_nhi and p.principal_type in ('user', 'role')

/*
title: S3 bucket policies do not let anyone reach the bucket
description: >-
  No S3 bucket's bucket policy lets principals of any account act on the bucket or its objects
  (resource_policy_open): for each bucket and object action that an Allow statement of the policy applies to, the
  policy engine evaluates the whole policy for a caller in another account and another organization, as it does a
  role trust naming "*", and the bucket passes when the caller is refused or what the answer depends on names the
  caller (aws:PrincipalOrgID, aws:PrincipalAccount, aws:PrincipalArn, aws:SourceAccount ... with specific values).
  A policy open that way still passes when S3 Block Public Access restricts public buckets
  (RestrictPublicBuckets: only the owner's principals and AWS services get in), on the bucket or on its account (S3
  applies the most restrictive combination of the two: Amazon S3 User Guide, "Blocking public access to your Amazon
  S3 storage"; an alarm whose account's setting is not loaded, s3control get-public-access-block, says so), or when
  S3's own verdict (get-bucket-policy-status) is that the policy is not public: S3 also counts fixed aws:SourceIp,
  aws:SourceVpc and aws:SourceVpce values as limiting it (Amazon S3 User Guide, "The meaning of public"). A bucket
  whose policy text is not loaded (get-bucket-policy) is judged by S3's verdict when that is loaded, else skipped, as
  is a policy the engine cannot read.
severity: critical
resource_type: AWS::S3::Bucket
rationale: >-
  A bucket policy open to everyone exposes the bucket's objects (or lets anyone write or delete them) to every AWS
  account and often to anonymous callers; public buckets are a leading cause of data leaks.
remediation: >-
  Remove the statements that grant "*", name the accounts or roles that need the bucket or add an aws:PrincipalOrgID
  condition, and turn on the bucket's Block Public Access (aws s3api put-public-access-block).
tables: [aws_s3_bucket, aws_s3_account_settings, resource_policy_open]
requires: [aws_s3_bucket]
*/
with judged as (
  select b.arn, b.name, b.account_id, b.region, v.open, v.restricted, v.unknown, v.actions, v.open_actions,
    v.condition_keys, coalesce(v.policy_state, 'not_loaded') as policy_state,
    -- S3 applies the most restrictive of the bucket's and its account's settings: either one restricts
    case when b.restrict_public_buckets then 'its' when a.restrict_public_buckets then 'its account''s' end
      as restricting,
    case when a.account_id is null then ' (The account''s Block Public Access is not loaded, s3control '
      || 'get-public-access-block: RestrictPublicBuckets there would restrict it.)' else '' end as account_note,
    b.bucket_policy_is_public as s3_public
  from aws_s3_bucket as b
    left join resource_policy_open as v on v.resource_arn = b.arn and v.account_id = b.account_id
    left join aws_s3_account_settings as a on a.account_id = b.account_id
  where b.arn is not null
)
select
  arn as resource,
  case
    when open and (restricting is not null or s3_public is false) then 'ok'
    when open then 'alarm'
    when policy_state in ('not_loaded', 'unreadable') or unknown then
      case when restricting is not null or s3_public is false then 'ok' when s3_public then 'alarm' else 'skip' end
    else 'ok'
  end as status,
  'Bucket ' || name || case
    when open then ' lets any AWS principal outside the account and its organization call '
      || case when actions > 3 then actions || ' actions (' || open_actions || ' ...)' else open_actions end
      || coalesce(' (it depends only on ' || condition_keys || ')', '') || ' through its bucket policy' || case
        when restricting is not null then ', but ' || restricting || ' Block Public Access restricts public buckets '
          || 'to the account''s principals and AWS services.'
        when s3_public is false then ', but S3 does not count the policy public (its conditions fix the callers'' '
          || 'network or source).'
        else '; name the trusted principals or add an aws:PrincipalOrgID condition.' || account_note end
    when policy_state in ('not_loaded', 'unreadable') or unknown then case
      when restricting is not null then ' has a policy ' || case when policy_state = 'not_loaded' then 'that is not loaded'
        else 'the engine cannot read' end || ', but ' || restricting || ' Block Public Access restricts public buckets.'
      when s3_public is not null then ' has a policy ' || case when policy_state = 'not_loaded' then 'whose text is not loaded'
        else 'the engine cannot read' end || '; S3 reports it '
          || case when s3_public then 'public.' || account_note else 'not public.' end
      when policy_state = 'not_loaded' then
        ' was loaded without its bucket policy; load get-bucket-policy or get-bucket-policy-status to evaluate it.'
      else ' has a bucket policy the engine cannot read.' end
    when restricted then ' names everyone in its bucket policy, but a condition limits it to named callers'
      || coalesce(' (' || condition_keys || ')', '') || '.'
    else ' has a bucket policy that admits only the principals it names.'
  end as reason,
  account_id,
  coalesce(region, 'global') as region
from judged

/*
title: The S3 bucket CloudTrail writes to is not public
description: >-
  No bucket a trail of the account delivers its log files to is public: not through its bucket policy (S3's own
  verdict, get-bucket-policy-status, unless S3 Block Public Access restricts public buckets) and not through its ACL
  (a grant to the AllUsers or AuthenticatedUsers group, unless Block Public Access ignores public ACLs). Block Public
  Access is the bucket's or its account's (s3control get-public-access-block): S3 applies the most restrictive
  combination of the two (Amazon S3 User Guide, "Blocking public access to your Amazon S3 storage").
  Only the trail buckets' outputs are needed (not list-buckets): a trail bucket whose outputs are not loaded is
  skipped.
severity: high
resource_type: AWS::S3::Bucket
rationale: >-
  Trail logs describe every call made in the account, who made it and from where; a public trail bucket gives
  that map to anyone, and a writable one lets them alter the record.
remediation: >-
  Remove the public statements from the bucket policy and the public grants from the ACL, and turn on all four
  settings of the bucket's S3 Block Public Access (put-public-access-block).
tables: [cloudtrail_trail_home, aws_s3_bucket, aws_s3_account_settings]
requires: [aws_cloudtrail_trail]
*/
with trail_bucket as (
  select account_id, max(partition) as partition, s3_bucket_name as bucket, string_agg(name, ', ' order by name) as trails
  from cloudtrail_trail_home
  where s3_bucket_name is not null
  group by account_id, s3_bucket_name
),
judged as (
  select t.account_id, t.partition, t.bucket, t.trails, b.name as loaded, b.arn, b.region,
    -- S3 Block Public Access: the bucket's or its account's setting, either one on blocks
    b.bucket_policy_is_public is true and not (b.restrict_public_buckets is true or a.restrict_public_buckets is true)
      as public_policy,
    b.acl is not null and not (b.ignore_public_acls is true or a.ignore_public_acls is true) and (
      b.acl -> 'Grants' @> '[{"Grantee": {"URI": "http://acs.amazonaws.com/groups/global/AllUsers"}}]'
      or b.acl -> 'Grants' @> '[{"Grantee": {"URI": "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"}}]'
    ) as public_acl,
    b.bucket_policy_is_public is null and not (b.restrict_public_buckets is true or a.restrict_public_buckets is true)
      as policy_unknown,
    b.acl is null and not (b.ignore_public_acls is true or a.ignore_public_acls is true) as acl_unknown,
    case when a.account_id is null then ' The account''s Block Public Access is not loaded (s3control '
      || 'get-public-access-block): it may block that.' else '' end as account_note
  from trail_bucket as t
    left join aws_s3_bucket as b on b.name = t.bucket
    left join aws_s3_account_settings as a on a.account_id = b.account_id
)
select
  coalesce(arn, 'arn:' || coalesce(partition, 'aws') || ':s3:::' || bucket) as resource,
  case
    when loaded is null then 'skip'
    when public_policy or public_acl then 'alarm'
    when policy_unknown or acl_unknown then 'skip'
    else 'ok'
  end as status,
  case
    when loaded is null then
      'Bucket ' || bucket || ' of trail ' || trails || ' is not in this account''s data (another account''s bucket, '
        || 'or not listed); judge it where it belongs.'
    when public_policy and public_acl then 'Bucket ' || bucket || ' of trail ' || trails
      || ' is public through its bucket policy and its ACL.' || account_note
    when public_policy then
      'Bucket ' || bucket || ' of trail ' || trails || ' is public through its bucket policy.' || account_note
    when public_acl then 'Bucket ' || bucket || ' of trail ' || trails
      || ' grants access to all users or all AWS users in its ACL.' || account_note
    when policy_unknown then
      'Whether the policy of bucket ' || bucket || ' is public was not collected (get-bucket-policy-status).'
    when acl_unknown then 'The ACL of bucket ' || bucket || ' was not collected (get-bucket-acl).'
    else 'Bucket ' || bucket || ' of trail ' || trails || ' is public neither through its policy nor its ACL.'
  end as reason,
  account_id,
  coalesce(region, 'global') as region,
  trails
from judged

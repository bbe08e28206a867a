/*
title: Secrets Manager secrets rotate automatically and were rotated recently
description: >-
  Every Secrets Manager secret has automatic rotation turned on and its value was rotated (LastRotatedDate; a secret
  never rotated: since its CreatedDate) within max_days_since_rotation days before the data was taken. ListSecrets
  and DescribeSecret leave RotationEnabled out for a secret never configured for rotation: such a secret does not
  rotate. A secret scheduled for deletion (DeletedDate) is not judged, and one loaded only through its resource
  policy (get-resource-policy, without list-secrets or describe-secret) is skipped.
severity: medium
resource_type: AWS::SecretsManager::Secret
rationale: >-
  A secret whose value never changes stays useful to whoever copied it, for as long as the secret lives; rotation
  that is turned on but has not run for longer than the limit is failing (its rotation function errs or cannot reach
  the database).
remediation: >-
  Turn on automatic rotation with a rotation schedule and function (aws secretsmanager rotate-secret --secret-id
  <secret> --rotation-lambda-arn <function> --rotation-rules AutomaticallyAfterDays=30), or for a secret whose
  rotation stopped, read the rotation function's logs and rotate it again.
tables: [aws_secretsmanager_secret]
parameters:
  max_days_since_rotation: 90
*/
with secret as (
  select
    arn, name, account_id, region, deleted_date, rotation_enabled,
    coalesce(last_rotated_date, created_date) as rotated, last_rotated_date is not null as last_rotated,
    -- ListSecrets and DescribeSecret always give CreatedDate; get-resource-policy gives the ARN and name alone
    created_date is null and last_changed_date is null and rotation_enabled is null as policy_only
  from aws_secretsmanager_secret
), judged as (
  select *,
    rotated >= now() - :max_days_since_rotation * interval '1 day' as recent,
    date_part('day', now() - rotated)::int as days
  from secret
)
select
  arn as resource,
  case
    when policy_only or deleted_date is not null then 'skip'
    when rotation_enabled is not true then 'alarm'
    when rotated is null then 'skip'
    when recent then 'ok'
    else 'alarm'
  end as status,
  'Secret ' || name || case
    when policy_only then ': only its resource policy (get-resource-policy) is loaded, not its listing '
      || '(list-secrets or describe-secret), so its rotation is not known.'
    when deleted_date is not null then ' is scheduled for deletion on ' || to_char(deleted_date, 'YYYY-MM-DD')
      || ' and is not judged.'
    when rotation_enabled is not true then ' does not rotate automatically'
      || coalesce(': its value was last ' || case when last_rotated then 'rotated ' else 'set when it was created, ' end
        || days || case when days = 1 then ' day' else ' days' end || ' before the data was taken.', '.')
    when rotated is null then ' rotates automatically, but when it last rotated is not loaded.'
    when recent then ' rotates automatically and was ' || case when last_rotated then 'last rotated ' else 'created ' end
      || days || case when days = 1 then ' day' else ' days' end || ' before the data was taken.'
    else ' rotates automatically, but was ' || case when last_rotated then 'last rotated ' else 'created and never rotated, ' end
      || case when days > :max_days_since_rotation then days || ' days'
        else 'over ' || :max_days_since_rotation || ' days' end
      || ' before the data was taken, more than ' || :max_days_since_rotation
      || ' days: its rotation is failing or its schedule is longer than the limit.'
  end as reason,
  account_id,
  region
from judged

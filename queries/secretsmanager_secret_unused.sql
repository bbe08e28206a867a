/*
title: Secrets Manager secrets are in use
description: >-
  Every Secrets Manager secret was retrieved within max_unused_days days before the data was taken
  (LastAccessedDate, which AWS gives as a date, the day of the last retrieval in the secret's region: a secret
  retrieved that day counts as retrieved at its end). ListSecrets and DescribeSecret leave LastAccessedDate out for
  a secret never retrieved: one created more than max_unused_days days before the data was taken is unused, a newer
  one is allowed until then. A secret scheduled for deletion (DeletedDate) is not judged, and one loaded only through
  its resource policy (get-resource-policy, without list-secrets or describe-secret) is skipped.
severity: low
resource_type: AWS::SecretsManager::Secret
rationale: >-
  A secret nobody retrieves is a credential nobody owns: it still opens whatever it was made for, and nobody will
  notice when it is read by someone else.
remediation: >-
  Find who owns the secret; if nothing needs it, revoke the credential it holds where it was issued and delete the
  secret (aws secretsmanager delete-secret, with a recovery window).
tables: [aws_secretsmanager_secret]
parameters:
  max_unused_days: 90
*/
with secret as (
  select
    arn, name, account_id, region, deleted_date, created_date, last_accessed_date,
    -- ListSecrets and DescribeSecret always give CreatedDate; get-resource-policy gives the ARN and name alone
    created_date is null and last_changed_date is null and rotation_enabled is null as policy_only,
    -- the last retrieval may be as late as the end of the day AWS gives
    last_accessed_date + interval '1 day' >= now() - :max_unused_days * interval '1 day' as accessed_recently,
    created_date >= now() - :max_unused_days * interval '1 day' as new_secret,
    date_part('day', now() - last_accessed_date)::int as days_unused,
    date_part('day', now() - created_date)::int as age
  from aws_secretsmanager_secret
)
select
  arn as resource,
  case
    when policy_only or deleted_date is not null then 'skip'
    when accessed_recently then 'ok'
    when last_accessed_date is not null then 'alarm'
    when created_date is null then 'skip'
    when new_secret then 'ok'
    else 'alarm'
  end as status,
  'Secret ' || name || case
    when policy_only then ': only its resource policy (get-resource-policy) is loaded, not its listing '
      || '(list-secrets or describe-secret), so its use is not known.'
    when deleted_date is not null then ' is scheduled for deletion on ' || to_char(deleted_date, 'YYYY-MM-DD')
      || ' and is not judged.'
    when last_accessed_date is not null then ' was last retrieved on ' || to_char(last_accessed_date, 'YYYY-MM-DD')
      || ', ' || days_unused || case when days_unused = 1 then ' day' else ' days' end || ' before the data was taken'
      || case when accessed_recently then '.' else ', more than ' || :max_unused_days || ' days.' end
    when created_date is null then ': when it was created and last retrieved is not loaded.'
    when new_secret then ' has never been retrieved; it was created ' || age
      || case when age = 1 then ' day' else ' days' end || ' before the data was taken, within the '
      || :max_unused_days || ' days allowed.'
    else ' has never been retrieved since it was created '
      || case when age > :max_unused_days then age || ' days' else 'over ' || :max_unused_days || ' days' end
      || ' before the data was taken, more than the ' || :max_unused_days || ' days allowed.'
  end as reason,
  account_id,
  region
from secret

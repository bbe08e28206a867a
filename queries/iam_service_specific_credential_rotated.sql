/*
title: Service-specific credentials rotated
description: >-
  Every active service-specific credential (CodeCommit Git credentials, Amazon Keyspaces passwords, long-term Amazon
  Bedrock API keys) was created within max_age_days days before the data was taken. A credential loaded without its
  creation date has no known age and is skipped.
severity: medium
resource_type: AWS::IAM::ServiceSpecificCredential
rationale: Service-specific credentials are long-lived secrets that the credential report does not show; like access keys, old ones have been copied to more places and stay useful to whoever finds them.
remediation: Reset the credential (aws iam reset-service-specific-credential) or create a new one and delete the old; prefer short-lived credentials where the service supports them.
tables: [aws_iam_service_specific_credential, aws_iam_user]
requires: [aws_iam_service_specific_credential]
parameters:
  max_age_days: 90
*/
with credentials as (
  -- the owner's ARN carries its path (user/ci/build/gitbot); the credential listing names the user only
  select c.*, u.arn as user_arn, date_part('day', now() - c.create_date)::int as age,
    -- created within max_age_days days to the second: 90 days and 5 hours old is over a 90-day limit
    c.create_date >= now() - :max_age_days * interval '1 day' as rotated
  from aws_iam_service_specific_credential as c
    left join aws_iam_user as u on u.name = c.user_name and u.account_id = c.account_id
  where c.status = 'Active'
)
select
  coalesce(user_arn, 'arn:' || coalesce(partition, 'aws') || ':iam::' || account_id || ':user/' || user_name)
    || '#' || service_specific_credential_id as resource,
  case when rotated then 'ok' when rotated is null then 'skip' else 'alarm' end as status,
  'The ' || service_name || ' credential ' || service_specific_credential_id || ' of ' || user_name
    || case
      when rotated is null then ' has no creation date in the loaded data, so its age is not known.'
      when rotated then ' is ' || age || case when age = 1 then ' day' else ' days' end || ' old.'
      else ' is ' || case when age > :max_age_days then age || case when age = 1 then ' day' else ' days' end
          else 'over ' || :max_age_days
          || case when :max_age_days = 1 then ' day' else ' days' end end
        || ' old (more than ' || :max_age_days || '); rotate it.'
    end as reason,
  account_id,
  region,
  user_name,
  service_name
from credentials

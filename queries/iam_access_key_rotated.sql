/*
title: Access keys rotated
description: >-
  Every active access key of an IAM user was created or rotated within max_age_days days before the data was
  taken. Where list-access-keys of the user is loaded, it says which keys exist now (iam_user_access_key): a
  report slot whose key was deleted or deactivated since the report is not judged, and an active key created
  after the report is judged by its create date. A key only the credential report shows is known as of the
  report's GeneratedTime (iam_user_access_key's present_known_until): one over the limit by then fails; one that
  crossed the limit only after a report generated more than four hours before the data may have been rotated
  since and is skipped, and so is a key whose creation time is unknown (the report's last_rotated N/A and no
  list-access-keys CreateDate).
severity: medium
resource_type: AWS::IAM::AccessKey
rationale: The longer a key lives, the more places it has been copied to; rotation limits how long a leaked key stays useful.
remediation: Create a second key, move the workload to it, deactivate and then delete the old key. Better, replace the user's keys with an IAM role and temporary credentials.
tables: [iam_user_access_key]
requires: [aws_iam_credential_report]
parameters:
  max_age_days: 90
*/
with aged as (
  -- rotated means created at most max_age_days before the data was taken, to the second: a key 90 days and
  -- 5 hours old is over a 90-day limit although its age in whole days is 90
  select *, date_part('day', now() - created)::int as key_age,
    created >= now() - :max_age_days * interval '1 day' as rotated,
    -- over the limit already when the key was last known to exist (a report's slot: its GeneratedTime)
    created < present_known_until - :max_age_days * interval '1 day' as unrotated_when_known,
    date_part('day', present_known_until - created)::int as known_age
  from iam_user_access_key
)
select
  resource,
  case when created is null then 'skip' when rotated then 'ok' when unrotated_when_known then 'alarm' else 'skip' end
    as status,
  'Access key ' || label || ' of ' || user_name || case when created is null
    then ' has no creation or rotation time in the credential report (N/A), so its age is unknown; load list-access-keys.'
    else ' is '
    || case when rotated or key_age > :max_age_days then key_age || case when key_age = 1 then ' day' else ' days' end
       else 'over ' || :max_age_days || case when :max_age_days = 1 then ' day' else ' days' end end || ' old'
    || case when rotated then '.'
       when unrotated_when_known then ' (more than ' || :max_age_days || '); rotate it.'
       else ' (more than ' || :max_age_days || '), but the credential report was generated on '
         || to_char(present_known_until, 'YYYY-MM-DD') || ', when it was ' || known_age
         || case when known_age = 1 then ' day' else ' days' end
         || ' old; it may have been rotated since: load list-access-keys or a current report.' end end as reason,
  account_id,
  'global' as region,
  user_name,
  key_number
from aged

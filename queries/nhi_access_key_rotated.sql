/*
title: Non-human identities rotate their access keys often
description: >-
  Every active access key of an IAM user classified as a non-human identity (iam_principal) was created or
  rotated within max_age_days days before the data was taken: a stricter limit than for people, because
  workload keys are copied into configuration, pipelines and images. Where list-access-keys of the user is
  loaded, it says which keys exist now (iam_user_access_key): a key deleted or deactivated since the credential
  report is not judged, and an active key created after it is judged by its create date. A key only the
  credential report shows is known as of the report's GeneratedTime: one over the limit by then fails; one that
  crossed the limit only after a report generated more than four hours before the data is skipped, and so is a key
  whose creation time is unknown (the report's last_rotated N/A and no list-access-keys
  CreateDate).
severity: high
resource_type: AWS::IAM::AccessKey
rationale: >-
  A workload's long-lived key is the secret most often leaked (repositories, CI logs, container images) and
  the one least often noticed; a short life bounds the damage of a leak.
remediation: >-
  Move the workload to a role (instance profile, task role, OIDC federation) so it has no long-lived key;
  until then create a new key, deploy it, then deactivate and delete the old one.
tables: [iam_principal, iam_user_access_key]
requires: [aws_iam_credential_report]
parameters:
  max_age_days: 30
*/
with aged as (
  -- rotated means created at most max_age_days before the data was taken, to the second: a key 30 days and
  -- 5 hours old is over a 30-day limit although its age in whole days is 30, and is called "over 30 days old"
  select k.*, p.nhi_reason, date_part('day', now() - k.created)::int as key_age,
    k.created >= now() - :max_age_days * interval '1 day' as rotated,
    -- over the limit already when the key was last known to exist (a report's slot: its GeneratedTime)
    k.created < k.present_known_until - :max_age_days * interval '1 day' as unrotated_when_known,
    date_part('day', k.present_known_until - k.created)::int as known_age
  from iam_user_access_key as k
    join iam_principal as p on p.principal_arn = k.user_arn and p.account_id = k.account_id
  where p.is_nhi
)
select
  resource,
  case when created is null then 'skip' when rotated then 'ok' when unrotated_when_known then 'alarm' else 'skip' end
    as status,
  case
    when created is null then
      'Access key ' || label || ' of the non-human user ' || user_name || ' has no creation or rotation time in the '
        || 'credential report (N/A), so its age is unknown; load list-access-keys.'
    when rotated then
      'Access key ' || label || ' of the non-human user ' || user_name || ' was rotated '
        || key_age || case when key_age = 1 then ' day' else ' days' end
        || ' before the data was taken (limit ' || :max_age_days || ').'
    when not unrotated_when_known then
      'Access key ' || label || ' of the non-human user ' || user_name || ' is ' || key_age
        || case when key_age = 1 then ' day' else ' days' end || ' old (limit ' || :max_age_days
        || '), but the credential report was generated on ' || to_char(present_known_until, 'YYYY-MM-DD')
        || ', when it was ' || known_age || case when known_age = 1 then ' day' else ' days' end
        || ' old; it may have been rotated since: load list-access-keys or a current report.'
    else
      'Access key ' || label || ' of the non-human user ' || user_name || ' (' || nhi_reason || ') is '
        || case when key_age > :max_age_days then key_age || case when key_age = 1 then ' day' else ' days' end
           else 'over ' || :max_age_days || case when :max_age_days = 1 then ' day' else ' days' end end
        || ' old (limit ' || :max_age_days
        || '); rotate it, or better, move the workload to a role.'
  end as reason,
  account_id,
  'global' as region
from aged

/*
title: Non-human identities do not sign in with long-term access keys
description: >-
  No IAM user classified as a non-human identity (iam_principal) has an active access key that was used within
  lookback_days days before the data was taken (credential report): a workload running on long-term keys where
  a role (instance profile, task role, IAM Roles Anywhere) or OIDC federation would give it short-lived
  credentials. The reason names the key ids (when list-access-keys is loaded) and the service each key last
  called. Where list-access-keys of the user is loaded, it says which keys are active now (iam_user_access_key):
  a key deleted or deactivated since the report does not count, and one created after it counts by its use from
  get-access-key-last-used. Non-human users without a recently used active key pass when the use of each active
  key is known up to the snapshot (iam_user_access_key's use_known_until: the key's get-access-key-last-used is
  loaded, or the report was generated at most four hours before the snapshot); a key whose use is known only up to
  an older report may have been used since, and the user is skipped naming the report's date, as is every user of a
  credential report generated before the period began, which cannot show use within it. A non-human user created
  after the report (not in it) is judged on its listed keys alone.
severity: medium
resource_type: AWS::IAM::User
rationale: >-
  A long-term key does not expire: once copied out of a pipeline, image or configuration file it works until
  someone notices. Temporary credentials from a role expire within hours.
remediation: >-
  Give the workload a role: an instance profile or task role on AWS, OIDC federation for CI systems, IAM Roles
  Anywhere elsewhere; then deactivate and delete the user's keys.
tables: [iam_principal, aws_iam_credential_report, iam_user_access_key]
requires: [aws_iam_credential_report]
parameters:
  lookback_days: 90
*/
with recent as (
  select k.user_arn, k.account_id,
    string_agg(coalesce(k.access_key_id, 'access key ' || k.key_number) || ' (last used '
      || to_char(k.last_used, 'YYYY-MM-DD') || coalesce(' on ' || nullif(k.last_used_service, 'N/A'), '') || ')', ', '
      order by k.label) as keys
  from iam_user_access_key as k
  where k.last_used > now() - :lookback_days * interval '1 day' and k.last_used <= now()
  group by k.user_arn, k.account_id
), unknown_since as (
  -- active keys whose use after the credential report is not known
  select k.user_arn, k.account_id,
    string_agg(coalesce(k.access_key_id, 'access key ' || k.key_number), ', ' order by k.label) as keys
  from iam_user_access_key as k
  where coalesce(k.use_known_until < now(), true)
  group by k.user_arn, k.account_id
)
select
  p.principal_arn as resource,
  case
    when r.keys is not null then 'alarm'
    -- a report generated before the period began cannot show use within it (a user it does not list has no key in it)
    when c.user_arn is not null and c.generated_time < now() - :lookback_days * interval '1 day' then 'skip'
    when u.keys is not null then 'skip'
    else 'ok'
  end as status,
  'The non-human user ' || p.name || case
    when r.keys is not null then ' (' || p.nhi_reason || ') works with long-term access key(s) ' || r.keys
      || '; give the workload a role or OIDC federation instead.'
    when c.user_arn is not null and c.generated_time < now() - :lookback_days * interval '1 day' then
      ': the credential report was generated on ' || to_char(c.generated_time, 'YYYY-MM-DD') || ', more than '
        || :lookback_days || case when :lookback_days = 1 then ' day' else ' days' end
        || ' before the data was taken, so it cannot show key use in that period; load a current report.'
    when u.keys is not null and c.user_arn is null then ', created after the credential report, has access key(s) '
      || u.keys || ' whose use is not loaded: load get-access-key-last-used for each key.'
    when u.keys is not null then
      ' used no active access key in the ' || :lookback_days || case when :lookback_days = 1 then ' day' else ' days' end
        || ' before the data was taken up to the credential report (generated on '
        || coalesce(to_char(c.generated_time, 'YYYY-MM-DD'), 'an unknown date') || coalesce(', '
          || date_part('day', now() - c.generated_time)::int
          || case when date_part('day', now() - c.generated_time)::int = 1 then ' day' else ' days' end
          || ' before the data was taken', '') || '); the use of ' || u.keys
        || ' since is not known: load a current report or get-access-key-last-used for each key.'
    else ' used no active access key in the ' || :lookback_days
      || case when :lookback_days = 1 then ' day' else ' days' end || ' before the data was taken.'
  end as reason,
  p.account_id,
  'global' as region
from iam_principal as p
  left join aws_iam_credential_report as c on c.user_arn = p.principal_arn and c.account_id = p.account_id
  left join recent as r on r.user_arn = p.principal_arn and r.account_id = p.account_id
  left join unknown_since as u on u.user_arn = p.principal_arn and u.account_id = p.account_id
where p.is_nhi and p.principal_type = 'user'
  -- a user the report does not list (created after it): judged when it has an active key listed
  and (c.user_arn is not null
    or exists (select 1 from iam_user_access_key as k where k.user_arn = p.principal_arn and k.account_id = p.account_id))

/*
title: Access keys in use
description: >-
  Each active access key of an IAM user was used within max_unused_days days before the data was taken; a key
  not used yet is allowed for max_unused_days days after it was created. A key's use is known up to the
  snapshot when its get-access-key-last-used is loaded or the credential report was generated at most four hours
  before the snapshot (iam_user_access_key's use_known_until), else up to the report's GeneratedTime only: a key is
  unused when it already was for more than max_unused_days days by then; a key whose gap crossed the limit only
  after that, or a report generated before the period began, cannot be judged and is skipped. Where list-access-keys of the user is loaded, it says which keys exist
  now and whether they are active: a report slot whose key is no longer listed (deleted since) or is inactive is
  not judged, and a listed active key that no slot holds (created after the report) is judged by its create date
  and its last use from get-access-key-last-used, else skipped naming the report's date. A key never used whose
  creation time is unknown (the report's last_rotated N/A and no list-access-keys
  CreateDate) is skipped.
severity: medium
resource_type: AWS::IAM::AccessKey
rationale: An active key that nothing uses is a standing secret that can leak from old laptops, repositories or CI systems without anyone noticing its absence. New keys get a grace period so they are not flagged before first use.
remediation: Deactivate the key, wait to see that nothing breaks, then delete it.
tables: [iam_user_access_key]
requires: [aws_iam_credential_report]
parameters:
  max_unused_days: 45
*/
with aged as (
  -- "within max_unused_days days" to the second: a key last used 45 days and 5 hours ago is unused for more
  -- than 45 days although the whole days are 45
  select *,
    date_part('day', now() - last_used)::int as days_unused, date_part('day', now() - created)::int as key_age,
    last_used >= now() - :max_unused_days * interval '1 day' as used_recently,
    created >= now() - :max_unused_days * interval '1 day' as new_key,
    -- a use after the report is get-access-key-last-used's, which is as of the data
    coalesce(last_used > coalesce(generated_time, now()), false) as used_after_report,
    -- use is known up to the report's time (the snapshot's with get-access-key-last-used or a report of its last
    -- four hours): unused for the whole limit by then is unused
    coalesce(last_used, created) < use_known_until - :max_unused_days * interval '1 day'
      as unused_at_report,
    coalesce(to_char(generated_time, 'YYYY-MM-DD'), 'an unknown date') as report_date,
    date_part('day', now() - generated_time)::int as report_age
  from iam_user_access_key
)
select
  resource,
  case
    when used_recently then 'ok'
    when last_used is null and new_key then 'ok'
    when used_after_report then 'alarm'
    -- a key no slot of the report holds, with no last use loaded
    when use_known_until is null then 'skip'
    -- a report generated before the period began cannot show use within it
    when use_known_until < now() - :max_unused_days * interval '1 day' then 'skip'
    -- never used, created at an unknown time (last_rotated N/A, no listed CreateDate): the grace period is unknown
    when last_used is null and created is null then 'skip'
    when unused_at_report then 'alarm'
    else 'skip'
  end as status,
  case
    when used_recently
      then 'Access key ' || label || ' of ' || user_name || ' was last used ' || days_unused
        || case when days_unused = 1 then ' day' else ' days' end || ' before the data was taken.'
    when last_used is null and new_key and key_number is null
      then 'Access key ' || label || ' of ' || user_name || ' was created ' || key_age
        || case when key_age = 1 then ' day' else ' days' end || ' before the data was taken, after the credential '
        || 'report (generated on ' || report_date || '), within the ' || :max_unused_days || '-day grace period.'
    when use_known_until is null and not used_after_report
      then 'Access key ' || label || ' of ' || user_name || ' was created on ' || to_char(created, 'YYYY-MM-DD')
        || ', after the credential report (generated on ' || report_date || '), which cannot show its use; '
        || 'load get-access-key-last-used for it.'
    when use_known_until < now() - :max_unused_days * interval '1 day' and not used_after_report
      then 'The credential report was generated on ' || report_date || ', more than '
        || :max_unused_days || case when :max_unused_days = 1 then ' day' else ' days' end
        || ' before the data was taken, so it cannot show whether access key ' || label || ' of ' || user_name
        || ' was used since; load a current report.'
    when last_used is null and created is null
      then 'Access key ' || label || ' of ' || user_name || ' has not been used, but the credential report gives no '
        || 'creation or rotation time for it (N/A), so whether it is past the ' || :max_unused_days
        || '-day grace period is unknown; load list-access-keys.'
    when not unused_at_report and not used_after_report and not (last_used is null and new_key)
      then 'Access key ' || label || ' of ' || user_name || coalesce(' was last used ' || days_unused
          || case when days_unused = 1 then ' day' else ' days' end, ' was created ' || key_age
          || case when key_age = 1 then ' day' else ' days' end || ' and never used')
        || ' before the data was taken, but the credential report was generated on '
        || report_date || ', ' || report_age
        || case when report_age = 1 then ' day' else ' days' end
        || ' before the data was taken, when it was not yet unused for ' || :max_unused_days
        || case when :max_unused_days = 1 then ' day' else ' days' end
        || '; the report cannot show use since; load a current report.'
    when last_used is not null
      then 'Access key ' || label || ' of ' || user_name || ' was last used '
        || case when days_unused > :max_unused_days then days_unused || case when days_unused = 1 then ' day' else ' days' end
           else 'over ' || :max_unused_days || case when :max_unused_days = 1 then ' day' else ' days' end end
        || ' before the data was taken (more than '
        || :max_unused_days || '); deactivate and delete it.'
    when new_key
      then 'Access key ' || label || ' of ' || user_name || ' has not been used yet; it was created ' || key_age
        || case when key_age = 1 then ' day' else ' days' end
        || ' before the data was taken, within the ' || :max_unused_days || '-day grace period.'
    -- key use is recorded since 2015-04-22: an older key may have been used before that
    else 'Access key ' || label || ' of ' || user_name || ' was created ' || key_age
      || case when key_age = 1 then ' day' else ' days' end|| ' before the data was taken and never used'
      || case when created < '2015-04-22 00:00:00+00'::timestamptz
           then ' (or not since AWS began tracking in April 2015)' else '' end || '; deactivate and delete it.'
  end as reason,
  account_id,
  'global' as region,
  user_name,
  key_number
from aged

/*
What each KMS key, Secrets Manager secret and S3 bucket's resource-based policy lets anyone outside the account and its
organization do, from the policy engine's answers (iam_resource_policy_access): one row per resource with an answer.

Columns: account_id, resource_arn, resource_table, policy_state ('loaded' | 'none' | 'not_loaded' | 'unreadable'),
open (an action is allowed, or allowed under conditions that do not name the caller), restricted (allowed only under
conditions that name the caller), unknown (the engine cannot answer), actions (how many actions are open), open_actions
(up to three of them, in order), condition_keys (the keys the conditional answers depend on).
*/
with answer as (
  select *, decision in ('Allowed', 'AllowedIf') and not names_caller as is_open
  from iam_resource_policy_access
), ranked as (
  select *, case when is_open then row_number() over (partition by account_id, resource_arn, is_open order by action) end
    as place
  from answer
)
select account_id, resource_arn, max(resource_table) as resource_table, max(policy_state) as policy_state,
  bool_or(is_open) as open,
  bool_or(decision in ('Allowed', 'AllowedIf') and names_caller) as restricted,
  bool_or(decision = 'Unknown') as unknown,
  count(distinct action) filter (where is_open) as actions,
  string_agg(action, ', ' order by action) filter (where is_open and place <= 3) as open_actions,
  string_agg(distinct condition_keys, ', ') filter (where decision = 'AllowedIf') as condition_keys
from ranked
group by account_id, resource_arn

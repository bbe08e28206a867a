/*
title: IAM groups have at least one user
description: >-
  Every IAM group has a member. A group has one when its membership (get-group, or the users' GroupList of
  get-account-authorization-details) lists a user, or a loaded user names it among its groups. A group with no
  member found is empty only when every user of the account is loaded with its group memberships and the user
  table is loaded whole; otherwise a member may be among the users not loaded, and the group is skipped.
severity: low
resource_type: AWS::IAM::Group
rationale: >-
  An empty group grants nothing today, but whoever is later added to it gets its policies at once: a leftover group
  with broad policies is a ready-made way to hand someone power without a new policy change to review.
remediation: >-
  Delete the group if nothing needs it (aws iam delete-group, after detaching its policies), or add the users who
  should hold its permissions.
tables: [aws_iam_group, aws_iam_user, iamsql_partial]
requires: [aws_iam_user]
*/
with member as (
  select u.account_id, m.grp ->> 'GroupName' as group_name, count(*) as users
  from aws_iam_user as u, jsonb_array_elements(u.groups) as m(grp)
  group by u.account_id, m.grp ->> 'GroupName'
), unknown_users as (
  select account_id, count(*) as users from aws_iam_user where groups is null group by account_id
), partial_users as (
  select account_id, max(reason) as reason from iamsql_partial where table_name = 'aws_iam_user' group by account_id
), judged as (
  select g.arn, g.name, g.account_id, g.region,
    greatest(coalesce(jsonb_array_length(g.users), 0), coalesce(m.users, 0)) as members,
    uu.users as unknown_users, p.reason as partial_reason
  from aws_iam_group as g
    left join member as m on m.account_id = g.account_id and m.group_name = g.name
    left join unknown_users as uu on uu.account_id = g.account_id
    left join partial_users as p on p.account_id = g.account_id
)
select
  arn as resource,
  case when members > 0 then 'ok' when unknown_users is not null or partial_reason is not null then 'skip'
    else 'alarm' end as status,
  'Group ' || name || case
    when members > 0 then ' has ' || members || case when members = 1 then ' user.' else ' users.' end
    when unknown_users is not null then ' has no member among the users whose groups are loaded, but '
      || unknown_users || case when unknown_users = 1 then ' user was' else ' users were' end
      || ' loaded without their group memberships (a user listing); load get-account-authorization-details to evaluate it.'
    when partial_reason is not null then ' has no member among the users loaded, but only part of the account''s users is loaded ('
      || partial_reason || ').'
    else ' has no users.'
  end as reason,
  account_id,
  region
from judged

/*
Each CloudTrail trail an account lists, once: its row of the trail's home region (describe-trails lists a
multi-region or organization trail in every region; the shadow copies are left out), and the account where the
trail's configuration is judged.

An organization trail is listed by every member account under the management account's ARN; a member cannot
change it. When the management account's data is loaded too (`iamsql_organization_trail`), the trail is judged
there, once, and the member's row is `info`; otherwise the member's row is judged on the member's data, named as
the organization's trail.

Columns: every column of aws_cloudtrail_trail, and
- judged_account_id: the account whose row judges the trail: the management account when its data holds the
  organization trail a member lists, else account_id. A control gives `info` where it is not account_id.
- reason_prefix: the words the row's reason starts with: '' for the account's own trail; for an organization
  trail managed in another account, 'Organization trail <name>, managed in the management account <id>: ', or,
  when that account's data is loaded, 'Organization trail <name> is managed in the management account <id>, whose
  data is loaded: it is judged there. '.
*/
select t.*,
  coalesce(o.account_id, t.account_id) as judged_account_id,
  case
    when not t.is_organization_trail or split_part(t.arn, ':', 5) = t.account_id then ''
    when o.arn is not null then 'Organization trail ' || t.name || ' is managed in the management account '
      || split_part(t.arn, ':', 5) || ', whose data is loaded: it is judged there. '
    else 'Organization trail ' || t.name || ', managed in the management account ' || split_part(t.arn, ':', 5) || ': '
  end as reason_prefix
from aws_cloudtrail_trail as t
  left join iamsql_organization_trail as o on o.arn = t.arn and o.account_id <> t.account_id
where t.home_region is null or t.region is null or t.region = t.home_region

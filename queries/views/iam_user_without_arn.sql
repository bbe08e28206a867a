/*
The IAM users the loaded data names without an ARN. list-mfa-devices and list-user-tags answer for a user name (IAM
answers NoSuchEntity for a user that does not exist, so the user exists in the account) but give no path, which the
user's ARN holds; a user that only they name (one created after the account's users were listed, or loaded without a
listing) is known by its name alone. The user controls give each such user a skip row naming it instead of judging
it by what those outputs leave out or dropping it: its resource is the ARN it has if its path is /, as
iam_user_sign_in names a user only get-login-profile shows.

Columns: resource, name, account_id, reason (the end of a sentence that starts with the user's name).
*/
select
  'arn:' || coalesce(u.partition, a.partition) || ':iam::' || u.account_id || ':user/' || u.name as resource,
  u.name, u.account_id,
  ' is named only by list-mfa-devices or list-user-tags, which give no path: its ARN (taken here as the one at the '
    || 'path /), policies and groups are not known, so it is not judged; load list-users or '
    || 'get-account-authorization-details.' as reason
from aws_iam_user as u
  join iamsql_account as a on a.account_id = u.account_id
where u.arn is null

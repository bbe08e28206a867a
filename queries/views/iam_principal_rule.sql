/*
The rules that classify IAM principals as human or non-human (NHI), in the order they are tried: the
`iam_principal` view gives each principal the verdict of the first rule (lowest `priority`) that matches it.
Edit this list to fit your naming and tagging conventions (docs/nhi.md explains every rule).

- kind `root`, `service_linked_role`, `saml_trust`, `service_trust`, `oidc_trust`, `workload_usage`,
  `keys_without_password`, `default`: evidence computed by `iam_principal` (pattern unused).
- kind `identity_tag`: the principal's tag named `pattern` says `nhi` or `human` (the verdict comes from the tag).
- kind `name`: the principal's name matches `pattern` (SQL LIKE, case-insensitive: `%` any text, `_` one character).
- kind `tag`: the principal has tag `pattern` written `key=value` (value may use LIKE wildcards).
- kind `path`: the principal's IAM path starts with `pattern`.
`applies_to` is `user`, `role` or `any`.
*/
select rule_id, kind, priority, applies_to, pattern, identity_type
from (values
  ('root', 'root', 10, 'any', null, 'human'),
  ('identity_tag', 'identity_tag', 20, 'any', 'iamsql:identity-type', null),
  ('service_linked_role', 'service_linked_role', 30, 'role', null, 'nhi'),
  -- IAM Identity Center's permission-set roles (AWSReservedSSO_<set>_<suffix>): workforce users' sessions
  ('path_identity_center', 'path', 35, 'role', '/aws-reserved/sso.amazonaws.com/', 'human'),
  ('saml_trust', 'saml_trust', 40, 'role', null, 'human'),
  ('service_trust', 'service_trust', 50, 'role', null, 'nhi'),
  ('oidc_trust', 'oidc_trust', 60, 'role', null, 'nhi'),
  ('name_svc_prefix', 'name', 70, 'any', 'svc-%', 'nhi'),
  ('name_svc_suffix', 'name', 70, 'any', '%-svc', 'nhi'),
  ('name_service_prefix', 'name', 70, 'any', 'service-%', 'nhi'),
  ('name_bot_suffix', 'name', 70, 'any', '%-bot', 'nhi'),
  ('name_bot_prefix', 'name', 70, 'any', 'bot-%', 'nhi'),
  ('name_ci_prefix', 'name', 70, 'any', 'ci-%', 'nhi'),
  ('name_ci_suffix', 'name', 70, 'any', '%-ci', 'nhi'),
  ('name_cicd', 'name', 70, 'any', '%cicd%', 'nhi'),
  ('name_deploy', 'name', 70, 'any', '%deploy%', 'nhi'),
  ('name_automation', 'name', 70, 'any', '%automation%', 'nhi'),
  ('name_terraform', 'name', 70, 'any', '%terraform%', 'nhi'),
  ('name_jenkins', 'name', 70, 'any', '%jenkins%', 'nhi'),
  ('name_github_actions', 'name', 70, 'any', '%github%', 'nhi'),
  ('name_gitlab', 'name', 70, 'any', '%gitlab%', 'nhi'),
  ('tag_service_account', 'tag', 70, 'any', 'service-account=true', 'nhi'),
  ('path_service_accounts', 'path', 70, 'any', '/service-accounts/', 'nhi'),
  ('workload_usage', 'workload_usage', 80, 'any', null, 'nhi'),
  ('keys_without_password', 'keys_without_password', 90, 'user', null, 'nhi'),
  ('default', 'default', 1000, 'any', null, 'human')
) as rule(rule_id, kind, priority, applies_to, pattern, identity_type)

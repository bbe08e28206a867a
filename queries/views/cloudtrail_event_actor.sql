/*
CloudTrail events with the IAM principal behind each one, so event controls can join events to IAM data.

- actor_arn: the IAM principal's ARN: the user for `IAMUser`, `arn:...:root` for `Root`, the role (session
  issuer) for `AssumedRole`, the IAM user who asked for the token for `FederatedUser`; NULL for AWS services
  and callers outside IAM.
- caller_arn: the principal a call counts against: actor_arn, else, for a caller of another account that the event
  names only by its account (`AWSAccount`: no ARN), that account as IAM names it in a policy
  (`arn:<partition>:iam::<its account>:root`), else, for an IAM Identity Center user calling with its own
  credentials (`IdentityCenterUser`: no ARN, the user's identity store id in the record's
  `userIdentity.onBehalfOf.userId`), the identity store's ARN for that user
  (`arn:<partition>:identitystore:::user/<id>`), else, for a SAML or web identity federation (`SAMLUser`,
  `WebIdentityUser`: the AssumeRoleWithSAML or AssumeRoleWithWebIdentity call itself, refused ones included, which
  have no ARN), `<identity provider>#<subject>`: the provider the SAML call names (`requestParameters.principalArn`,
  the SAML provider's IAM ARN), else `userIdentity.identityProvider` (the SAML NameQualifier; a web identity's
  issuer: an IAM OIDC provider's ARN or a name such as `accounts.google.com`), and the subject
  (`userIdentity.userName`: saml:sub, the web identity's user id; else its principalId, which AWS makes of the
  provider and the subject): such callers are told apart, not lumped as one type. An
  unauthenticated caller, which S3 records as `AWSAccount` of the account `ANONYMOUS_PRINCIPAL`, is `anonymous`: no
  account and no ARN (a policy grants it as the principal `*`).
- actor_type: `root`, `user` or `role` (NULL when actor_arn is NULL).
- identity_arn: the caller's own ARN as the event gives it (`userIdentity.arn`: for an `AssumedRole` caller the
  session's ARN, for a `FederatedUser` the federated user's), read once here for the controls that name the caller.
- session_name: the role session name of an `AssumedRole` caller.
- agent_kind: how the call was made, from the user agent: `console` (a browser or the AWS console),
  `programmatic` (AWS SDKs, the AWS CLI, Terraform, Pulumi, PowerShell tools), `aws_service` (the user agent is
  an AWS service, `AWS Internal`) or `other`. A call with the user agent `AWS Internal` that no service made for
  the caller (no `invokedBy`) and whose caller is not AWS's own (aws_caller) is `console`: AWS's back end calling
  with the caller's session is the console's, as the IAM and EC2 consoles call; every such call in the public
  trails (247 in three sources) carries `sessionCredentialFromConsole` "true". That field is not read: it is only in
  the whole record, whose reading for every event would cost this view half again.
- agent: the calling tool and its version, the first word of the user agent (`aws-cli/2.13.0`, `Boto3/1.28.5`,
  `Mozilla/5.0`), or the `Terraform/<version>` part; the AWS CLI appends the command to its user agent, so
  counting full user agents would count commands, not tools.
- access_denied: the call failed on authorization (AccessDenied*, UnauthorizedOperation, SNS's AuthorizationError,
  ...): the one list of denial codes every control reads.
- invoked_by: the AWS service that made the call on the caller's behalf (`userIdentity.invokedBy`), else NULL.
- aws_caller: the call is AWS's own: made by an AWS service (`AWSService`), a service's own event (`eventType`
  AwsServiceEvent with no identity type, such as Secrets Manager deleting a secret's version when its recovery
  window ends) or a session of a service-linked role (role path `/aws-service-role/`, such as IAM Identity
  Center's AWSServiceRoleForSSO, which creates the AWSReservedSSO_ roles of permission sets and the AWSSSO_ SAML
  provider in each account). A customer's role acting through a service (`invokedBy` cloudformation.amazonaws.com)
  is not.
- sign_in_failed: a sign-in event (signin.amazonaws.com: ConsoleLogin, and the others of the console's sign-in) that
  answers Failure under its own name (`{"ConsoleLogin": "Failure"}`). Such an event carries no errorCode, and the
  identity it names (an existing user's, the root user's, with its ARN) did not get in: it is no use of that identity.
- vpc_endpoint_id: the VPC endpoint the call came through (`vpcEndpointId`), whose VPC the source address, then a
  private one, belongs to.
- user_type, access_key_id: the table's, NULL where Steampipe's columns hold '' (no such member in the identity).
- identity_user_name, identity_account_id: the caller's `userIdentity.userName` and `userIdentity.accountId` as the
  event gives them (an IAM user's name; the calling account, also for callers from other accounts that have no
  ARN), for the controls that compare them with the request.
- request_parameters, response_elements, additional_event_data: the event's own, for the detections that read the
  request or the response: they take them from here instead of joining the events again by `event_id` (a join of
  every event per detection, and the JSON of every event read again by each).

Network activity events (`eventType` AwsVpceEvent, `eventCategory` NetworkActivity) are left out: they are the VPC
endpoint owner's record of a call that passed its endpoint, without the request, and the call itself is the
management or data event of the account where it was made; counted too, one call would count twice.

The user agent is classified once per distinct user agent (a few dozen in a million events) and joined back; the
CTE is `MATERIALIZED` so that the classification stays on the distinct agents (DuckDB would otherwise compute it
after the join, once per event; engines without the keyword get the CTE without it). The
six fields of `userIdentity` come from the columns the loader writes beside `user_identity` (`user_identifier`,
`username`, `identity_account_id`, `identity_invoked_by`, `session_issuer_arn`, `session_mfa_authenticated`), so no
event's identity JSON is parsed here, and the controls that need them need not read it either. Only a SAML or web
identity caller's `identityProvider` and `principalId`, an issuer ARN that is not a text and an Identity Center
user's id are read from the JSON, in one join of those events alone (each scan filtered on one column, so the JSON of
the other events is never read). A sign-in's response is read in the same row, only for signin.amazonaws.com's
events.
*/
with agent as materialized (
  select user_agent,
    case
      when lower(user_agent) like any (array['mozilla/%', 'opera/%', '%console.amazonaws.com%', '%s3console%',
                                            'signin.amazonaws.com%', 'aws-console%'])
        then 'console'
      when lower(user_agent) like any (array['aws-sdk-%', '%boto3/%', '%botocore/%', 'aws-cli/%', '%terraform/%',
                                            '%pulumi%', '%aws-powershell%', '%awspowershell%', 'aws-toolkit-%',
                                            'aws-cdk%', 'cloud-custodian%', 'aws-go-sdk%', 'aws-sdk'])
        then 'programmatic'
      when lower(user_agent) like '%.amazonaws.com' or user_agent = 'AWS Internal' then 'aws_service'
      else 'other'
    end as agent_kind,
    case
      when lower(user_agent) like '%terraform/%' then regexp_replace(user_agent, '^.*(Terraform/[^ ]*).*$', '\1')
      else split_part(ltrim(user_agent, '['), ' ', 1)
    end as agent
  from (select distinct user_agent from aws_cloudtrail_trail_event) as d
)
select
  e.event_id, e.event_time, e.event_name, e.event_source, e.event_type, e.error_code, e.error_message,
  e.read_only, e.source_ip_address, e.vpc_endpoint_id, e.user_agent, e.caller_type as user_type,
  e.key_id as access_key_id,
  e.actor_arn,
  coalesce(e.actor_arn, case
    when e.caller_type = 'AWSAccount' and e.identity_account_id = 'ANONYMOUS_PRINCIPAL' then 'anonymous'
    when e.caller_type = 'AWSAccount' then 'arn:' || e.partition || ':iam::' || e.identity_account_id || ':root'
    when e.caller_type = 'IdentityCenterUser' then 'arn:' || e.partition || ':identitystore:::user/' || e.user_id
    when e.caller_type in ('SAMLUser', 'WebIdentityUser') then
      coalesce(case when e.caller_type = 'SAMLUser' then nullif(e.request_parameters ->> 'principalArn', '') end,
               e.identity_provider, e.caller_type)
        || '#' || coalesce(e.identity_user_name, e.principal_id, 'unknown')
  end) as caller_arn,
  case
    when e.caller_type = 'Root' then 'root'
    when e.caller_type = 'IAMUser' then 'user'
    when e.caller_type = 'AssumedRole' then 'role'
    when e.caller_type = 'FederatedUser' then 'user'
  end as actor_type,
  e.identity_arn,
  case when e.caller_type = 'AssumedRole' then split_part(e.identity_arn, '/', 3) end as session_name,
  coalesce(e.mfa_authenticated_text, 'false') = 'true' as mfa_authenticated,
  case when e.user_agent = 'AWS Internal' and e.invoked_by is null and not e.aws_caller then 'console'
    else a.agent_kind end as agent_kind,
  a.agent,
  coalesce(e.error_code like any (array['%AccessDenied%', '%UnauthorizedOperation%', '%UnauthorizedAccess%',
                                        'Forbidden%', 'NotAuthorized%', 'AuthorizationError']), false) as access_denied,
  e.invoked_by,
  e.aws_caller,
  coalesce(case when e.event_source = 'signin.amazonaws.com' then e.response_elements ->> e.event_name = 'Failure' end,
           false) as sign_in_failed,
  e.identity_user_name,
  e.identity_account_id,
  e.request_parameters, e.response_elements, e.additional_event_data,
  e.account_id, e.region, e.partition
from (
  select i.*,
    coalesce(i.caller_type = 'AWSService' or i.issuer_arn like 'arn:%:iam::%:role/aws-service-role/%'
             or (i.caller_type is null and i.event_type = 'AwsServiceEvent'), false)
      as aws_caller,
    case
      when i.caller_type in ('IAMUser', 'Root') then i.identity_arn
      when i.caller_type in ('AssumedRole', 'FederatedUser') then i.issuer_arn
    end as actor_arn
  from (
    select t.*,
      nullif(t.user_type, '') as caller_type,
      nullif(t.access_key_id, '') as key_id,
      nullif(t.user_identifier, '') as identity_arn,
      coalesce(u.issuer_arn, t.session_issuer_arn) as issuer_arn,
      t.session_mfa_authenticated as mfa_authenticated_text,
      t.identity_invoked_by as invoked_by,
      nullif(t.username, '') as identity_user_name,
      u.identity_provider, u.principal_id, u.user_id
    from aws_cloudtrail_trail_event as t
      -- what only the identity JSON or the whole record gives, read for the few events that need it; each scan's
      -- filter is one column's, so the scan skips the JSON of the other events
      left join (
        select event_id, account_id, max(issuer_arn) as issuer_arn, max(identity_provider) as identity_provider,
          max(principal_id) as principal_id, max(user_id) as user_id
        from (
          -- an issuer ARN that is an object or an array (no event AWS writes) as Postgres writes it
          select r.event_id, r.account_id, r.user_identity -> 'sessionContext' -> 'sessionIssuer' ->> 'arn' as issuer_arn,
            null as identity_provider, null as principal_id, null as user_id
          from aws_cloudtrail_trail_event as r where r.session_issuer_arn like '{%'
          union all
          select r.event_id, r.account_id, r.user_identity -> 'sessionContext' -> 'sessionIssuer' ->> 'arn', null, null, null
          from aws_cloudtrail_trail_event as r where r.session_issuer_arn like '[%'
          union all
          -- a SAML or web identity caller's identity provider and principal id
          select r.event_id, r.account_id, null, nullif(r.user_identity ->> 'identityProvider', ''),
            nullif(r.user_identity ->> 'principalId', ''), null
          from aws_cloudtrail_trail_event as r where r.user_type = 'SAMLUser'
          union all
          select r.event_id, r.account_id, null, nullif(r.user_identity ->> 'identityProvider', ''),
            nullif(r.user_identity ->> 'principalId', ''), null
          from aws_cloudtrail_trail_event as r where r.user_type = 'WebIdentityUser'
          union all
          -- an IAM Identity Center user's own calls: the user is only in the whole record (Steampipe's user_identity
          -- has no onBehalfOf)
          select r.event_id, r.account_id, null, null, null,
            r.cloudtrail_event -> 'userIdentity' -> 'onBehalfOf' ->> 'userId'
          from aws_cloudtrail_trail_event as r where r.user_type = 'IdentityCenterUser'
        ) as rare
        group by event_id, account_id
      ) as u on u.event_id = t.event_id and u.account_id = t.account_id
    where t.event_type is distinct from 'AwsVpceEvent'
  ) as i
) as e
  join agent as a on a.user_agent is not distinct from e.user_agent

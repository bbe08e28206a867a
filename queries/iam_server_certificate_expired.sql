/*
title: No expired server certificates stored in IAM
description: >-
  No IAM server certificate had expired when the data was taken (an account that stores none passes); a certificate
  loaded without its expiration date is skipped.
severity: medium
resource_type: AWS::IAM::ServerCertificate
rationale: An expired certificate still attached to a load balancer or CloudFront breaks clients, and one left in IAM can be deployed by mistake; IAM does not remove them itself.
remediation: Delete the expired certificate (aws iam delete-server-certificate) after making sure nothing uses it; prefer AWS Certificate Manager, which renews certificates.
tables: [aws_iam_server_certificate]
*/
select
  coalesce(arn, 'server-certificate/' || name) as resource,
  case when expiration < now() then 'alarm' when expiration is null then 'skip' else 'ok' end as status,
  'Server certificate ' || name || case
    when expiration < now() then ' expired on ' || to_char(expiration, 'YYYY-MM-DD') || '; delete it.'
    when expiration is null then ' has no expiration date in the loaded data, so whether it has expired is not known.'
    else ' is valid until ' || to_char(expiration, 'YYYY-MM-DD') || '.'
  end as reason,
  account_id,
  region
from aws_iam_server_certificate
union all
select
  'arn:' || a.partition || ':::' || a.account_id,
  'ok',
  'Account ' || a.account_id || ' stores no server certificates in IAM.',
  a.account_id,
  'global'
from iamsql_account as a
where not exists (select 1 from aws_iam_server_certificate as c where c.account_id = a.account_id)

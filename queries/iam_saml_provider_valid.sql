/*
title: SAML providers are not expired
description: >-
  No IAM SAML identity provider is past its ValidUntil date when the data was taken; a provider loaded without
  its ValidUntil date is skipped.
severity: medium
resource_type: AWS::IAM::SAMLProvider
rationale: An expired SAML provider blocks federated sign-in, which pushes people to fall back on IAM users or root; it also shows the IdP metadata is not being maintained.
remediation: Upload current metadata from the identity provider (aws iam update-saml-provider), or delete the provider if it is no longer used.
tables: [aws_iam_saml_provider]
*/
select
  arn as resource,
  case when valid_until < now() then 'alarm' when valid_until is null then 'skip' else 'ok' end as status,
  'SAML provider ' || regexp_replace(arn, '^.*:saml-provider/', '') || case
    when valid_until < now() then ' expired on ' || to_char(valid_until, 'YYYY-MM-DD') || '; update its metadata or delete it.'
    when valid_until is null then ' has no ValidUntil date in the loaded data, so whether it has expired is not known.'
    else ' is valid until ' || to_char(valid_until, 'YYYY-MM-DD') || '.'
  end as reason,
  account_id,
  region
from aws_iam_saml_provider

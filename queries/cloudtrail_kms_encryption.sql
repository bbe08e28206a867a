/*
title: CloudTrail logs are encrypted with a KMS key
description: >-
  Every trail encrypts its log files with a customer-managed KMS key (SSE-KMS).
  An organization trail seen from a member account is named as the organization's; it is info there when the
  management account's data is loaded, where it is judged.
severity: medium
resource_type: AWS::CloudTrail::Trail
rationale: >-
  With SSE-KMS, reading the logs needs kms:Decrypt on the key as well as S3 access, which separates who may
  read audit logs from who may read the bucket.
remediation: Create a KMS key whose policy lets CloudTrail encrypt, and set it on the trail (update-trail --kms-key-id).
tables: [aws_cloudtrail_trail, iamsql_organization_trail]
*/
with judged as (
  select
    arn as resource,
    case when kms_key_id is not null then 'ok' else 'alarm' end as status,
    case
      when kms_key_id is not null then 'Trail ' || name || ' encrypts its logs with KMS key ' || kms_key_id || '.'
      else 'Trail ' || name || ' does not encrypt its logs with a KMS key; set a customer-managed key on it.'
    end as reason,
    account_id,
    coalesce(home_region, region) as region,
    name,
    is_organization_trail
  from aws_cloudtrail_trail
  where home_region is null or region is null or region = home_region
)
select
  j.resource,
  case when o.arn is not null then 'info' else j.status end as status,
  case
    when not j.is_organization_trail or split_part(j.resource, ':', 5) = j.account_id then j.reason
    when o.arn is not null then 'Organization trail ' || j.name || ' is managed in the management account '
      || split_part(j.resource, ':', 5) || ', whose data is loaded: it is judged there. ' || j.reason
    else 'Organization trail ' || j.name || ', managed in the management account ' || split_part(j.resource, ':', 5)
      || ': ' || j.reason
  end as reason,
  j.account_id,
  j.region
from judged as j
  left join iamsql_organization_trail as o on o.arn = j.resource and o.account_id <> j.account_id

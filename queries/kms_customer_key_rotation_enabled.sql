/*
title: Customer managed KMS keys rotate their key material
description: >-
  Every enabled customer managed KMS key whose material AWS KMS can rotate (a symmetric encryption key whose
  material AWS KMS made: KeySpec SYMMETRIC_DEFAULT, Origin AWS_KMS) has automatic key rotation enabled, as
  get-key-rotation-status says. Keys AWS KMS cannot rotate automatically (asymmetric, HMAC, imported material, a
  custom key store), keys pending deletion and disabled keys are skipped, as AWS KMS does not rotate them, and so
  are keys whose description (describe-key) or rotation status is not loaded. AWS managed keys, which AWS rotates
  every year, are not listed.
severity: medium
resource_type: AWS::KMS::Key
rationale: >-
  Rotating the key material limits how much data one version of the material protects and how long a copy of it
  stays useful; AWS KMS keeps the earlier versions, so data encrypted before still decrypts.
remediation: >-
  Enable automatic rotation of the key (aws kms enable-key-rotation --key-id <key>, optionally with
  --rotation-period-in-days), or schedule the deletion of a key no longer used.
tables: [aws_kms_key]
*/
select
  arn as resource,
  case
    when key_manager is null then 'skip'
    when key_state in ('PendingDeletion', 'PendingReplicaDeletion', 'Disabled') then 'skip'
    when customer_master_key_spec <> 'SYMMETRIC_DEFAULT' or origin <> 'AWS_KMS' then 'skip'
    when key_rotation_enabled is null then 'skip'
    when key_rotation_enabled then 'ok'
    else 'alarm'
  end as status,
  'KMS key ' || title || case
    when key_manager is null then ': its description (describe-key) is not loaded, so whether it is customer '
      || 'managed and can rotate is not known.'
    when key_state = 'Disabled' then ' is disabled: AWS KMS does not rotate a disabled key.'
    when key_state like 'Pending%Deletion' then ' is pending deletion: AWS KMS does not rotate it.'
    when customer_master_key_spec <> 'SYMMETRIC_DEFAULT' or origin <> 'AWS_KMS' then ' (' || customer_master_key_spec
      || ', origin ' || origin || ') cannot rotate its material automatically.'
    when key_rotation_enabled is null then ': its rotation status (get-key-rotation-status) is not loaded.'
    when key_rotation_enabled then ' rotates its key material automatically.'
    else ' does not rotate its key material; enable automatic key rotation.'
  end as reason,
  account_id,
  region
from aws_kms_key
where key_manager is distinct from 'AWS'

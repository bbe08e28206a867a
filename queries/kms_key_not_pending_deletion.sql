/*
title: No customer managed KMS key is scheduled for deletion
description: >-
  No customer managed KMS key is pending deletion (KeyState PendingDeletion, or PendingReplicaDeletion for a replica
  key, as describe-key shows): AWS KMS deletes the key and its material at the end of the waiting period
  (DeletionDate), after which nothing it encrypted can be decrypted. Keys in another state pass; keys whose
  description (describe-key) is not loaded are skipped. AWS managed keys, which cannot be deleted, are not listed.
severity: medium
resource_type: AWS::KMS::Key
rationale: >-
  Deleting a KMS key is destructive and irreversible; scheduling a key's deletion is also how an attacker or a
  mistaken clean-up makes data unreadable. The waiting period is the only time the deletion can be stopped.
remediation: >-
  Confirm with the key's owner that nothing still needs it (CloudTrail shows recent use of the key); if anything
  does, cancel the deletion (aws kms cancel-key-deletion --key-id <key>) and enable the key again.
tables: [aws_kms_key]
*/
select
  arn as resource,
  case
    when key_manager is null then 'skip'
    when key_state in ('PendingDeletion', 'PendingReplicaDeletion') then 'alarm'
    else 'ok'
  end as status,
  'KMS key ' || title || case
    when key_manager is null then ': its description (describe-key) is not loaded, so whether it is customer '
      || 'managed and pending deletion is not known.'
    when key_state in ('PendingDeletion', 'PendingReplicaDeletion') then ' is scheduled for deletion'
      || coalesce(' on ' || to_char(deletion_date, 'YYYY-MM-DD'), '')
      || '; cancel the deletion if anything still needs the key.'
    else ' is not scheduled for deletion (' || key_state || ').'
  end as reason,
  account_id,
  region
from aws_kms_key
where key_manager is distinct from 'AWS'

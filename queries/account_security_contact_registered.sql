/*
title: A security contact is registered
description: >-
  The account has a SECURITY alternate contact (account get-alternate-contact --alternate-contact-type SECURITY),
  so AWS can reach the people who answer its security notifications. An account whose SECURITY contact was not
  asked (or the answer refused) is skipped: AWS answers ResourceNotFoundException when none is registered, and only
  that answer is an alarm.
severity: medium
resource_type: AWS::::Account
rationale: >-
  AWS sends security notices (abuse reports, exposed credentials, compromised resources) to the security contact;
  without one they go to the root user's e-mail address only, which is often an unread shared mailbox.
remediation: >-
  Register a security contact that reaches the security team (aws account put-alternate-contact
  --alternate-contact-type SECURITY --name ... --title ... --email-address ... --phone-number ...).
tables: [iamsql_account, aws_account_alternate_contact]
rows:
  aws_account_alternate_contact: SECURITY
*/
select
  'arn:' || a.partition || ':::' || a.account_id as resource,
  case when c.account_id is null then 'alarm' else 'ok' end as status,
  case
    when c.account_id is null then 'Account ' || a.account_id || ' has no security contact registered; AWS sends '
      || 'its security notices to the root user''s e-mail address only.'
    else 'Account ' || a.account_id || ' has a security contact registered (' || coalesce(c.name, 'no name') || ', '
      || coalesce(c.email_address, 'no e-mail address') || ').'
  end as reason,
  a.account_id,
  'global' as region
from iamsql_account as a
  left join aws_account_alternate_contact as c on c.account_id = a.account_id and c.contact_type = 'SECURITY'

/*
The policy engine's answers for each policy document a successful IAM change event grants: one row per grant
event (iam_event_policy_grant) and answer of its document (iam_event_policy_answer, each distinct document of
an account asked once). docs/policy-engine.md describes the columns.

Columns: account_id, event_id, event_name, policy, document_source, question, title, decision, conditions,
condition_keys.
*/
select g.account_id, g.event_id, g.event_name, g.policy, g.document_source, a.question, a.title, a.decision,
  a.conditions, a.condition_keys
from iam_event_policy_grant as g
  join iam_event_policy_answer as a on a.account_id = g.account_id and a.document_id = g.document_id

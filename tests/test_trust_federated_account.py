"""Which account a trust's `Federated` identity provider belongs to (iam_role_trust_access.trusted_account/external).

An IAM SAML or OIDC provider is a resource of the account its ARN names; a trust naming one of another account is
read as written (AWS does not document it) and reported as trusting that other account, never as the role's own.
"""

import pytest

from iamsql.policy.access.trust import entries

ROLE_ACCOUNT, OTHER = "111122223333", "444455556666"


def trust(federated: str, action: str) -> dict:
    return {"Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Federated": federated}, "Action": action}]}


@pytest.mark.parametrize(("provider", "action", "kind"), [
    (f"arn:aws:iam::{OTHER}:saml-provider/corp", "sts:AssumeRoleWithSAML", "saml"),
    (f"arn:aws:iam::{OTHER}:oidc-provider/token.actions.githubusercontent.com", "sts:AssumeRoleWithWebIdentity", "oidc"),
])
def test_a_provider_of_another_account_is_that_account_and_external(provider, action, kind):
    (entry,) = entries(trust(provider, action), "aws", ROLE_ACCOUNT)
    assert (entry.kind, entry.account, entry.action) == (kind, OTHER, action)
    assert entry.external(ROLE_ACCOUNT)


@pytest.mark.parametrize("provider", [
    f"arn:aws:iam::{ROLE_ACCOUNT}:saml-provider/corp",
    f"arn:aws:iam::{ROLE_ACCOUNT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC",
    "cognito-identity.amazonaws.com",
])
def test_a_provider_of_the_role_account_or_named_by_host_is_not_external(provider):
    (entry,) = entries(trust(provider, "sts:AssumeRoleWithWebIdentity"), "aws", ROLE_ACCOUNT)
    assert entry.account == ROLE_ACCOUNT
    assert not entry.external(ROLE_ACCOUNT)

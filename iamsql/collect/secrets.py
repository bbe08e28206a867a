"""What iamsql asks AWS Secrets Manager, per account and region: ``ListSecrets`` (every page: the secrets with their
rotation, tags, KMS key and dates; like Steampipe's listing, not the secrets scheduled for deletion), then per secret
``DescribeSecret``, only for what the listing leaves out (``ReplicationStatus``, a primary secret's replicas), and
``GetResourcePolicy`` (the secret's resource-based policy; a secret without one answers its ARN and name alone).
Both name their secret by ARN. A refused call (AccessDenied, the service not offered in a region) is a gap and the run
goes on; a refused ``GetResourcePolicy`` names its secret, so the loaded table is partial and says whose policy is
missing. See ``iamsql.load.formats.secrets``."""

from __future__ import annotations

from collections.abc import Callable

from iamsql.collect.account import AccountRun
from iamsql.load.formats.secrets import SECRET

SECRET_CALLS = ("DescribeSecret", "GetResourcePolicy")


def collect_secrets(run: AccountRun, regions: list[str]) -> None:
    def listing(region: str) -> list[Callable[[], None]]:
        secrets = (run.fetch("secretsmanager", "ListSecrets", region=region) or {}).get("SecretList") or []
        return [_secret_call(run, region, operation, secret["ARN"]) for secret in secrets for operation in SECRET_CALLS]

    details = [call for calls in run.each(regions, listing) for call in calls]
    run.each(details, lambda call: call())


def _secret_call(run: AccountRun, region: str, operation: str, arn: str) -> Callable[[], None]:
    # the file is named after the ARN's secret id (the name and AWS's six-character suffix), which no other secret has
    entity = arn.split(":secret:", 1)[-1]
    part = {"table": SECRET, "resource": arn, "column": "policy"} if operation == "GetResourcePolicy" else None
    return lambda: run.fetch("secretsmanager", operation, region=region, entity=entity, part=part, SecretId=arn)

"""What iamsql asks AWS KMS, per account and region: ``ListKeys`` and ``ListAliases`` (the region's aliases, each
naming the key it targets), then per key ``DescribeKey``, ``GetKeyPolicy`` (the policy named ``default``, the only
one a key has), ``ListResourceTags`` and, for customer managed keys whose material AWS KMS rotates (symmetric
encryption keys with AWS KMS-made material outside a custom key store), ``GetKeyRotationStatus``. AWS managed keys
always rotate, and asymmetric, HMAC, imported and custom key store keys cannot (AWS KMS Developer Guide, "Rotate
AWS KMS keys"): they are not asked. Per-key answers that name no key get it as an added ``KeyId`` (the key's ARN).
A refused call (AccessDenied, KMS not offered in a region) is a gap and the run goes on; a refused ``GetKeyPolicy``
names its key, so the loaded table is partial and says whose policy is missing. See
``iamsql.load.formats.kms``."""

from __future__ import annotations

from collections.abc import Callable

from iamsql.collect.account import AccountRun
from iamsql.load.formats.kms import KEY, rotation_supported


def collect_kms(run: AccountRun, regions: list[str]) -> None:
    def listing(region: str) -> list[Callable[[], None]]:
        keys = (run.fetch("kms", "ListKeys", region=region) or {}).get("Keys") or []
        run.fetch("kms", "ListAliases", region=region)
        return [lambda key=key: _key(run, region, key["KeyId"], key["KeyArn"]) for key in keys]

    details = [call for calls in run.each(regions, listing) for call in calls]
    run.each(details, lambda call: call())


def _key(run: AccountRun, region: str, key_id: str, arn: str) -> None:
    described = (run.fetch("kms", "DescribeKey", region=region, entity=key_id, KeyId=arn) or {}).get("KeyMetadata") or {}
    named = {"region": region, "entity": key_id, "add": {"KeyId": arn}, "KeyId": arn}
    run.fetch("kms", "GetKeyPolicy", PolicyName="default", part={"table": KEY, "resource": arn, "column": "policy"}, **named)
    run.fetch("kms", "ListResourceTags", **named)
    if described.get("KeyManager") == "CUSTOMER" and rotation_supported(described):
        run.fetch("kms", "GetKeyRotationStatus", **named)

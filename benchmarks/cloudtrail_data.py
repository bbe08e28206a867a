"""Generate a realistic S3-layout CloudTrail dataset for benchmarks and tests.

Files are laid out as CloudTrail delivers them to S3:
``AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<rand>.json.gz``,
each a one-line gzip ``{"Records":[...]}``. Events vary in identity type (IAMUser, AssumedRole, AWSService, Root,
FederatedUser, AWSAccount), service and request shape, errors, user agents, TLS details and resources, and a few
carry keys that appear rarely (so a sampled schema would miss them). Generation is seeded: the same arguments
give the same files. By default the callers are a handful of fixed names in three accounts; ``Principals`` makes
them the users (with their access keys) and roles of one generated account instead.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import uuid
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

ACCOUNTS = ["111122223333", "444455556666", "777788889999"]
REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"]
START = datetime(2025, 3, 1, tzinfo=timezone.utc)
USER_AGENTS = [
    "aws-cli/2.15.30 Python/3.11.8 Linux/6.1.0 exe/x86_64.debian.12 prompt/off command/iam.list-users",
    "Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#6.1.0 md/arch#x86_64 lang/python#3.12.2 cfg/retry-mode#legacy",
    "console.amazonaws.com",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36",
    "aws-sdk-go-v2/1.25.3 os/linux lang/go#1.22.1 md/GOOS#linux md/GOARCH#amd64 api/sts#1.28.4",
    "Terraform/1.7.5 (+https://www.terraform.io) terraform-provider-aws/5.41.0 aws-sdk-go/1.51.1",
    "AWS Internal",
]
SOURCE_IPS = ["203.0.113.12", "198.51.100.77", "192.0.2.44", "10.20.30.40"]
# (eventSource, eventName, readOnly, managementEvent, request-shape name)
CALLS = [
    ("iam.amazonaws.com", "ListUsers", True, True, "empty"),
    ("iam.amazonaws.com", "GetUser", True, True, "user"),
    ("iam.amazonaws.com", "CreateAccessKey", False, True, "user"),
    ("iam.amazonaws.com", "AttachRolePolicy", False, True, "attach"),
    ("iam.amazonaws.com", "PutRolePolicy", False, True, "inline"),
    ("sts.amazonaws.com", "AssumeRole", True, True, "assume"),
    ("sts.amazonaws.com", "GetCallerIdentity", True, True, "empty"),
    ("s3.amazonaws.com", "GetObject", True, False, "object"),
    ("s3.amazonaws.com", "PutObject", False, False, "object"),
    ("s3.amazonaws.com", "ListBuckets", True, True, "empty"),
    ("ec2.amazonaws.com", "DescribeInstances", True, True, "instances"),
    ("ec2.amazonaws.com", "RunInstances", False, True, "run"),
    ("kms.amazonaws.com", "Decrypt", True, True, "kms"),
    ("signin.amazonaws.com", "ConsoleLogin", False, True, "login"),
    ("cloudtrail.amazonaws.com", "StopLogging", False, True, "trail"),
    ("lambda.amazonaws.com", "Invoke", False, False, "lambda"),
]
IDENTITY_TYPES = ["IAMUser", "AssumedRole", "AssumedRole", "AWSService", "Root", "FederatedUser", "AWSAccount"]
ERRORS = [
    ("AccessDenied", "User: {arn} is not authorized to perform: {action} because no identity-based policy allows the {action} action"),
    ("NoSuchEntityException", "The user with name alice cannot be found."),
    ("ThrottlingException", "Rate exceeded"),
    ("Client.UnauthorizedOperation", "You are not authorized to perform this operation."),
]


@dataclass(frozen=True)
class Principals:
    """The callers of one account: IAM users with the access key ids they sign with, and roles."""

    account: str
    users: tuple[tuple[str, str, str], ...]  # (IAM path, user name, access key id)
    roles: tuple[tuple[str, str], ...]  # (IAM path, role name)


_principals: Principals | None = None  # set per process (see generate)


def _use_principals(principals: Principals | None) -> None:
    global _principals
    _principals = principals


def _identity(rng: random.Random, kind: str, account: str) -> dict:
    if _principals is None:
        user = rng.choice(["alice", "bob", "ci-deployer", "backup-bot", "svc-reporting"])
        role = rng.choice(["Admin", "ReadOnly", "github-actions-deploy", "lambda-exec", "OrganizationAccountAccessRole"])
        key = "AKIA" + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16))
        user_path = role_path = "/"
    else:
        user_path, user, key = rng.choice(_principals.users)
        role_path, role = rng.choice(_principals.roles)
    session_attrs = {"creationDate": "2025-03-01T08:00:00Z", "mfaAuthenticated": rng.choice(["true", "false"])}
    if kind == "IAMUser":
        return {"type": "IAMUser", "principalId": "AIDA" + key[4:], "arn": f"arn:aws:iam::{account}:user{user_path}{user}",
                "accountId": account, "accessKeyId": key, "userName": user}
    if kind == "AssumedRole":
        return {"type": "AssumedRole", "principalId": f"AROA{key[4:]}:{user}",
                "arn": f"arn:aws:sts::{account}:assumed-role/{role}/{user}", "accountId": account,
                "accessKeyId": "ASIA" + key[4:],
                "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": "AROA" + key[4:],
                                                     "arn": f"arn:aws:iam::{account}:role{role_path}{role}",
                                                     "accountId": account, "userName": role},
                                   "webIdFederationData": {}, "attributes": session_attrs}}
    if kind == "AWSService":
        return {"type": "AWSService", "invokedBy": rng.choice(["lambda.amazonaws.com", "ec2.amazonaws.com",
                                                               "cloudformation.amazonaws.com"])}
    if kind == "Root":
        return {"type": "Root", "principalId": account, "arn": f"arn:aws:iam::{account}:root",
                "accountId": account, "accessKeyId": "ASIA" + key[4:],
                "sessionContext": {"sessionIssuer": {}, "webIdFederationData": {}, "attributes": session_attrs}}
    if kind == "FederatedUser":
        return {"type": "FederatedUser", "principalId": f"{account}:{user}",
                "arn": f"arn:aws:sts::{account}:federated-user/{user}", "accountId": account,
                "accessKeyId": "ASIA" + key[4:],
                "sessionContext": {"sessionIssuer": {"type": "IAMUser", "principalId": "AIDA" + key[4:],
                                                     "arn": f"arn:aws:iam::{account}:user{user_path}{user}",
                                                     "accountId": account, "userName": user},
                                   "attributes": session_attrs}}
    other = rng.choice([a for a in ACCOUNTS if a != account])
    return {"type": "AWSAccount", "principalId": "AIDA" + key[4:], "accountId": other}


def _request(rng: random.Random, shape: str, account: str, region: str) -> tuple[dict | None, dict | None, list | None]:
    """(requestParameters, responseElements, resources) for a request shape."""
    if shape == "empty":
        return None, None, None
    if shape == "user":
        return {"userName": rng.choice(["alice", "bob", "ci-deployer"])}, None, None
    if shape == "attach":
        return ({"roleName": "lambda-exec", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}, None, None)
    if shape == "inline":
        doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
                                                        "Resource": "*"}]}
        return {"roleName": "lambda-exec", "policyName": "inline-s3", "policyDocument": json.dumps(doc)}, None, None
    if shape == "assume":
        role_arn = f"arn:aws:iam::{account}:role/{rng.choice(['Admin', 'ReadOnly', 'github-actions-deploy'])}"
        return ({"roleArn": role_arn, "roleSessionName": f"session-{rng.randrange(10_000)}", "durationSeconds": 3600},
                {"credentials": {"accessKeyId": "ASIAEXAMPLEKEY", "sessionToken": "IQoJb3JpZ2luX2VjE" * 8,
                                 "expiration": "Mar 1, 2025, 9:00:00 AM"},
                 "assumedRoleUser": {"assumedRoleId": "AROAEXAMPLE:session", "arn": role_arn}},
                [{"accountId": account, "type": "AWS::IAM::Role", "ARN": role_arn}])
    if shape == "object":
        bucket = rng.choice(["prod-data", "logs-archive", "public-site"])
        key = f"reports/{rng.randrange(1000)}/part-{rng.randrange(100):05d}.parquet"
        return ({"bucketName": bucket, "Host": f"{bucket}.s3.{region}.amazonaws.com", "key": key},
                None,
                [{"type": "AWS::S3::Object", "ARN": f"arn:aws:s3:::{bucket}/{key}"},
                 {"accountId": account, "type": "AWS::S3::Bucket", "ARN": f"arn:aws:s3:::{bucket}"}])
    if shape == "instances":
        return {"instancesSet": {"items": [{"instanceId": f"i-{rng.getrandbits(64):016x}"}]},
                "filterSet": {}}, None, None
    if shape == "run":
        return ({"instancesSet": {"items": [{"imageId": "ami-0abcdef1234567890", "minCount": 1, "maxCount": 1}]},
                 "instanceType": rng.choice(["t3.micro", "m7g.large"]), "monitoring": {"enabled": False}},
                {"requestId": str(uuid.UUID(int=rng.getrandbits(128))), "ownerId": account,
                 "instancesSet": {"items": [{"instanceId": f"i-{rng.getrandbits(64):016x}", "currentState": {"code": 0, "name": "pending"}}]}},
                None)
    if shape == "kms":
        key_arn = f"arn:aws:kms:{region}:{account}:key/{uuid.UUID(int=rng.getrandbits(128))}"
        return ({"encryptionAlgorithm": "SYMMETRIC_DEFAULT", "encryptionContext": {"aws:lambda:FunctionArn": "arn:aws:lambda:fn"}},
                None, [{"accountId": account, "type": "AWS::KMS::Key", "ARN": key_arn}])
    if shape == "login":
        return None, {"ConsoleLogin": rng.choice(["Success", "Success", "Failure"])}, None
    if shape == "trail":
        return {"name": f"arn:aws:cloudtrail:{region}:{account}:trail/management"}, None, None
    return ({"functionName": f"arn:aws:lambda:{region}:{account}:function:etl", "invocationType": "Event"}, None,
            [{"accountId": account, "type": "AWS::Lambda::Function",
              "ARN": f"arn:aws:lambda:{region}:{account}:function:etl"}])


def make_event(rng: random.Random, account: str, region: str, when: datetime) -> dict:
    """One CloudTrail record, shaped like AWS's (keys in AWS's order)."""
    source, name, read_only, management, shape = rng.choice(CALLS)
    identity = _identity(rng, rng.choice(IDENTITY_TYPES), account)
    params, response, resources = _request(rng, shape, account, region)
    aws_service = identity["type"] == "AWSService"
    event = {
        "eventVersion": rng.choice(["1.08", "1.09", "1.10"]),
        "userIdentity": identity,
        "eventTime": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "eventSource": source,
        "eventName": name,
        "awsRegion": region,
        "sourceIPAddress": identity["invokedBy"] if aws_service else rng.choice(SOURCE_IPS),
        "userAgent": identity["invokedBy"] if aws_service else rng.choice(USER_AGENTS),
    }
    if rng.random() < 0.08:
        code, message = rng.choice(ERRORS)
        event["errorCode"] = code
        event["errorMessage"] = message.format(arn=identity.get("arn", "unknown"), action=f"{source.split('.')[0]}:{name}")
        response = None
    event["requestParameters"] = params
    event["responseElements"] = response
    if name == "ConsoleLogin":
        event["additionalEventData"] = {"LoginTo": "https://console.aws.amazon.com/console/home",
                                        "MobileVersion": "No", "MFAUsed": rng.choice(["Yes", "No"])}
    event["requestID"] = str(uuid.UUID(int=rng.getrandbits(128)))
    event["eventID"] = str(uuid.UUID(int=rng.getrandbits(128)))
    event["readOnly"] = read_only
    if resources:
        event["resources"] = resources
    event["eventType"] = "AwsConsoleSignIn" if name == "ConsoleLogin" else "AwsApiCall"
    event["managementEvent"] = management
    event["recipientAccountId"] = account
    if identity["type"] == "AWSAccount":
        event["sharedEventID"] = str(uuid.UUID(int=rng.getrandbits(128)))
    if rng.random() < 0.05:
        event["vpcEndpointId"] = f"vpce-{rng.getrandbits(36):09x}"
        event["vpcEndpointAccountId"] = account
    event["eventCategory"] = "Management" if management else "Data"
    if not aws_service:
        event["tlsDetails"] = {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256",
                               "clientProvidedHostHeader": f"{source.split('.')[0]}.{region}.amazonaws.com"}
    if rng.random() < 0.001:
        event["edgeDeviceDetails"] = {"deviceId": f"edge-{rng.randrange(100)}"}  # a key few events carry
    return event


def _plan(events: int, files: int, seed: int, accounts: list[str]) -> list[tuple[int, str, str, datetime, int, int]]:
    """(index, account, region, delivery time, event count, seed) for each file; counts add up to ``events``."""
    rng = random.Random(seed)
    weights = [rng.expovariate(1.0) + 0.05 for _ in range(files)]
    total = sum(weights)
    counts = [int(events * w / total) for w in weights]
    for i in range(events - sum(counts)):
        counts[i % files] += 1
    plan = []
    for i, count in enumerate(counts):
        when = START + timedelta(minutes=5 * (i // (len(accounts) * len(REGIONS))))
        plan.append((i, accounts[i % len(accounts)], REGIONS[(i // len(accounts)) % len(REGIONS)], when, count,
                     rng.getrandbits(64)))
    return plan


def _write_file(root: Path, item: tuple[int, str, str, datetime, int, int]) -> int:
    _, account, region, delivered, count, seed = item
    rng = random.Random(seed)
    suffix = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") for _ in range(16))
    folder = root / "AWSLogs" / account / "CloudTrail" / region / delivered.strftime("%Y/%m/%d")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{account}_CloudTrail_{region}_{delivered.strftime('%Y%m%dT%H%MZ')}_{suffix}.json.gz"
    records = [make_event(rng, account, region, delivered - timedelta(seconds=rng.randrange(300)))
               for _ in range(count)]
    rng.shuffle(records)  # CloudTrail does not order events inside a file
    with gzip.open(path, "wt", encoding="utf-8") as out:
        json.dump({"Records": records}, out, separators=(",", ":"))
    return count


def generate(root: Path, events: int, files: int, *, seed: int = 1, workers: int = 1,
             principals: Principals | None = None) -> int:
    """Write ``events`` events in ``files`` gzip files under ``root``/AWSLogs; returns the number of events.
    With ``principals``, every event belongs to that account and names its users, keys and roles."""
    plan = _plan(events, files, seed, [principals.account] if principals else ACCOUNTS)
    if workers <= 1:
        _use_principals(principals)
        try:
            return sum(_write_file(root, item) for item in plan)
        finally:
            _use_principals(None)
    with ProcessPoolExecutor(workers, initializer=_use_principals, initargs=(principals,)) as pool:
        return sum(pool.map(_write_file, [root] * len(plan), plan, chunksize=16))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder to write AWSLogs/ into")
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(generate(args.out, args.events, args.files, seed=args.seed, workers=2), "events written")


if __name__ == "__main__":
    main()

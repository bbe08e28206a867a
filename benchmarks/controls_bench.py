"""Benchmark: ``iamsql check`` (every control) over a large generated account, against a floor of reading the
same data once.

Steps, all in one run on the same machine:

1. generate one account as AWS CLI outputs that ``iamsql load`` reads: ``get-account-authorization-details``
   (users with groups, attached and inline policies, tags and a few permissions boundaries; groups; roles with
   service, service-linked, cross-account, OIDC, SAML, same-account and wildcard trusts; customer policies with
   a mix of scoped, service-wildcard, admin, PassRole, IAM-write, NotAction and Deny statements; the AWS managed
   policies they attach), a credential report consistent with the users (passwords, MFA, keys of every age,
   inactive keys), password policy, account summary, virtual MFA devices, SAML provider and trails; and a
   CloudTrail S3 tree (``cloudtrail_data.py``) whose callers are those users, keys and roles;
2. ``iamsql load`` of both folders through the real CLI in a child process;
3. ``iamsql check --fail-on none`` through the real CLI in a child process, twice: with an empty translation
   cache (``IAMSQL_CACHE_DIR``, cold: sqlglot translates every control and helper view) and again with the cache
   that run filled (warm, as every later run): wall time, CPU time and peak RSS (``wait4``) of each, then the
   per-control times each run stored in ``iamsql_run_timing``;
4. the floor: one DuckDB query per table the controls read that touches every column of every row
   (``sum(length(columns(*)::varchar))``), best of three.

Prints Markdown tables; ratio = check wall time / floor wall time. With ``--baseline DIR`` the same two runs
use the iamsql package of an older source tree on a copy of the same database, and the result rows of the two
warm runs are compared (``control_id, resource, status, reason``, sorted): the script fails if they differ
(every child runs with ``PYTHONHASHSEED=0`` unless it is set, see ``run_cli``).
``--keep FILE`` keeps the loaded database; ``--reuse FILE`` checks a copy of such a database instead of
generating and loading one.

    .venv/bin/python benchmarks/controls_bench.py                      # 5,000 users and roles, 1,000,000 events
    .venv/bin/python benchmarks/controls_bench.py --users 500 --roles 500 --policies 200 --events 50000 --files 100
    .venv/bin/python benchmarks/controls_bench.py --reuse bench.duckdb --baseline ../iamsql-before
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.cloudtrail_data import START, Principals, generate  # noqa: E402

ACCOUNT = "210987654321"
PARTNER_ACCOUNTS = ["111122223333", "444455556666", "999988887777"]
AS_OF = START + timedelta(days=2)  # the credential report's time: after the newest event
KEY_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
SERVICES = [
    "s3",
    "ec2",
    "lambda",
    "dynamodb",
    "sqs",
    "sns",
    "kms",
    "logs",
    "cloudwatch",
    "ecr",
    "ecs",
    "rds",
    "secretsmanager",
    "ssm",
    "glue",
    "athena",
    "kinesis",
    "states",
    "events",
    "sagemaker",
    "elasticloadbalancing",
    "autoscaling",
    "cloudformation",
    "route53",
    "apigateway",
    "codebuild",
    "codepipeline",
    "elasticmapreduce",
]
VERBS = ["Get", "List", "Describe", "Put", "Create", "Delete", "Update", "Tag"]
ESCALATION_ACTIONS = [
    "iam:AttachUserPolicy",
    "iam:PutRolePolicy",
    "iam:CreatePolicyVersion",
    "iam:CreateAccessKey",
    "iam:UpdateAssumeRolePolicy",
    "iam:AddUserToGroup",
    "iam:CreateLoginProfile",
]
NHI_NAMES = ["svc-{}", "ci-{}", "{}-bot", "deploy-{}", "terraform-{}", "jenkins-{}"]
HUMAN_NAMES = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "oscar"]


def _iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _report_time(when: datetime | None) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S+00:00") if when else "N/A"


def _arn(kind: str, name: str, path: str = "/") -> str:
    return f"arn:aws:iam::{ACCOUNT}:{kind}{path}{name}"


def _document(statements: list[dict]) -> dict:
    return {"Version": "2012-10-17", "Statement": statements}


def _statement(rng: random.Random, index: int) -> dict:
    """One statement from a realistic mix: mostly scoped service access, some wildcards, a few dangerous ones."""
    service = rng.choice(SERVICES)
    roll = rng.random()
    if roll < 0.005:
        return {"Effect": "Allow", "Action": "*", "Resource": "*"}
    if roll < 0.035:
        return {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}
    if roll < 0.055:
        return {"Effect": "Allow", "Action": rng.sample(ESCALATION_ACTIONS, rng.randint(1, 3)), "Resource": "*"}
    if roll < 0.085:
        return {
            "Effect": "Allow",
            "Action": ["lambda:CreateFunction", "lambda:InvokeFunction", "ec2:RunInstances"],
            "Resource": "*",
        }
    if roll < 0.165:
        return {"Effect": "Allow", "Action": f"{service}:*", "Resource": "*"}
    if roll < 0.175:
        return {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"}
    if roll < 0.225:
        return {
            "Effect": "Deny",
            "Action": [f"{service}:Delete*"],
            "Resource": "*",
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}},
        }
    if roll < 0.265:
        return {
            "Effect": "Allow",
            "Action": "iam:PassRole",
            "Resource": _arn("role", f"app-{index % 97:03d}-exec", "/service-role/"),
            "Condition": {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}},
        }
    actions = sorted(
        {
            f"{service}:{rng.choice(VERBS)}{rng.choice(['Object', 'Item', 'Function', 'Queue', '*'])}"
            for _ in range(rng.randint(1, 6))
        }
    )
    statement = {
        "Effect": "Allow",
        "Action": actions,
        "Resource": [
            f"arn:aws:{service}:us-east-1:{ACCOUNT}:app-{index % 97:03d}/*",
            f"arn:aws:{service}:eu-west-1:{ACCOUNT}:app-{index % 97:03d}/*",
        ],
    }
    if rng.random() < 0.2:
        statement["Condition"] = {"StringEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}}
    return statement


def _aws_managed_policies() -> list[dict]:
    """The AWS managed policies the account attaches, with documents shaped like AWS's."""
    read_only = [
        {
            "Effect": "Allow",
            "Action": sorted(f"{s}:{v}*" for s in SERVICES for v in ("Get", "List", "Describe")),
            "Resource": "*",
        }
    ]
    documents = {
        ("AdministratorAccess", "/"): [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
        ("ReadOnlyAccess", "/"): read_only,
        ("PowerUserAccess", "/"): [
            {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"},
            {
                "Effect": "Allow",
                "Action": ["iam:CreateServiceLinkedRole", "iam:ListRoles", "organizations:DescribeOrganization"],
                "Resource": "*",
            },
        ],
        ("IAMFullAccess", "/"): [
            {"Effect": "Allow", "Action": ["iam:*", "organizations:DescribeAccount"], "Resource": "*"}
        ],
        ("AmazonS3FullAccess", "/"): [{"Effect": "Allow", "Action": ["s3:*", "s3-object-lambda:*"], "Resource": "*"}],
        ("AWSSupportAccess", "/"): [{"Effect": "Allow", "Action": ["support:*"], "Resource": "*"}],
        ("AWSCompromisedKeyQuarantineV2", "/"): [
            {
                "Effect": "Deny",
                "Action": ["iam:AttachUserPolicy", "iam:CreateAccessKey", "ec2:RunInstances", "lambda:CreateFunction"],
                "Resource": ["*"],
            }
        ],
        ("AWSLambdaBasicExecutionRole", "/service-role/"): [
            {
                "Effect": "Allow",
                "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": "*",
            }
        ],
        ("AmazonECSServiceRolePolicy", "/aws-service-role/"): [
            {
                "Effect": "Allow",
                "Action": [
                    "ec2:AttachNetworkInterface",
                    "ec2:CreateNetworkInterface",
                    "elasticloadbalancing:Register*",
                    "iam:PassRole",
                ],
                "Resource": "*",
            }
        ],
        ("AWSSupportServiceRolePolicy", "/aws-service-role/"): [
            {"Effect": "Allow", "Action": ["iam:Get*", "iam:List*", "ec2:Describe*", "s3:GetBucket*"], "Resource": "*"}
        ],
    }
    policies = []
    for (name, path), statements in documents.items():
        policies.append(
            {
                "PolicyName": name,
                "PolicyId": "ANPA" + name.upper()[:16].ljust(16, "X"),
                "Arn": f"arn:aws:iam::aws:policy{path}{name}",
                "Path": path,
                "DefaultVersionId": "v3",
                "AttachmentCount": 0,
                "PermissionsBoundaryUsageCount": 0,
                "IsAttachable": True,
                "CreateDate": "2015-02-06T18:39:46Z",
                "UpdateDate": "2023-06-01T10:00:00Z",
                "PolicyVersionList": [
                    {
                        "Document": _document(statements),
                        "VersionId": "v3",
                        "IsDefaultVersion": True,
                        "CreateDate": "2023-06-01T10:00:00Z",
                    }
                ],
            }
        )
    return policies


def _inline(rng: random.Random, name: str, index: int) -> dict:
    return {"PolicyName": name, "PolicyDocument": _document([_statement(rng, index) for _ in range(rng.randint(1, 3))])}


def _trust(rng: random.Random, kind: str) -> dict:
    """A role's trust policy of the given kind."""
    if kind in ("service", "service_linked"):
        service = rng.choice(
            [
                "lambda.amazonaws.com",
                "ec2.amazonaws.com",
                "ecs-tasks.amazonaws.com",
                "states.amazonaws.com",
                "glue.amazonaws.com",
            ]
        )
        return _document([{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}])
    if kind == "cross_account":
        statement = {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{rng.choice(PARTNER_ACCOUNTS)}:root"},
            "Action": "sts:AssumeRole",
        }
        if rng.random() < 0.6:
            statement["Condition"] = {"StringEquals": {"sts:ExternalId": f"ext-{rng.getrandbits(32):08x}"}}
        return _document([statement])
    if kind == "oidc":
        provider = f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"
        condition = {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}
        if rng.random() < 0.7:
            condition["StringLike"] = {
                "token.actions.githubusercontent.com:sub": f"repo:example/app-{rng.randrange(50)}:*"
            }
        return _document(
            [
                {
                    "Effect": "Allow",
                    "Principal": {"Federated": provider},
                    "Action": "sts:AssumeRoleWithWebIdentity",
                    "Condition": condition,
                }
            ]
        )
    if kind == "saml":
        return _document(
            [
                {
                    "Effect": "Allow",
                    "Principal": {"Federated": f"arn:aws:iam::{ACCOUNT}:saml-provider/Okta"},
                    "Action": "sts:AssumeRoleWithSAML",
                    "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}},
                }
            ]
        )
    if kind == "wildcard":
        statement = {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}
        if rng.random() < 0.5:
            statement["Condition"] = {"StringEquals": {"aws:PrincipalOrgID": "o-exampleorgid"}}
        return _document([statement])
    return _document(
        [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                "Action": "sts:AssumeRole",
                "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
            }
        ]
    )


def _last_used(rng: random.Random, since: datetime) -> datetime | None:
    """When a password or key was last used: never (15 %), any time since ``since``, or in the last month."""
    roll = rng.random()
    if roll < 0.15:
        return None
    span = max((AS_OF - since).days, 1)
    days = rng.randint(0, span) if roll < 0.4 else max(span - rng.randint(0, 30), 0)
    return min(since + timedelta(days=days, seconds=rng.randrange(86400)), AS_OF)


ROLE_KINDS = [
    ("service", 40),
    ("service_linked", 10),
    ("cross_account", 15),
    ("oidc", 10),
    ("saml", 10),
    ("same_account", 13),
    ("wildcard", 2),
]


def generate_account(folder: Path, users: int, roles: int, policies: int, seed: int) -> Principals:
    """Write the account's AWS CLI outputs into ``folder``; return its users (with the key each signs with) and roles."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    aws_managed = _aws_managed_policies()
    customer = []
    for i in range(policies):
        name = f"{rng.choice(SERVICES)}-{rng.choice(['read', 'write', 'ops', 'deploy', 'app'])}-{i:05d}"
        created = AS_OF - timedelta(days=rng.randint(10, 1500))
        versions = [
            {
                "Document": _document([_statement(rng, i) for _ in range(rng.randint(1, 5))]),
                "VersionId": "v2",
                "IsDefaultVersion": True,
                "CreateDate": _iso(created + timedelta(days=5)),
            }
        ]
        if rng.random() < 0.2:
            versions.append(
                {
                    "Document": _document([_statement(rng, i)]),
                    "VersionId": "v1",
                    "IsDefaultVersion": False,
                    "CreateDate": _iso(created),
                }
            )
        customer.append(
            {
                "PolicyName": name,
                "PolicyId": f"ANPA{i:016d}",
                "Arn": _arn("policy", name),
                "Path": "/",
                "DefaultVersionId": "v2",
                "AttachmentCount": 0,
                "PermissionsBoundaryUsageCount": 0,
                "IsAttachable": True,
                "CreateDate": _iso(created),
                "UpdateDate": _iso(created + timedelta(days=5)),
                "PolicyVersionList": versions,
            }
        )
    by_name = {p["PolicyName"]: p for p in aws_managed}
    # popular policies are attached far more often than the rest
    weights = [1 / (1 + rank) ** 0.8 for rank in range(len(customer))]

    def attach(count: int) -> list[dict]:
        chosen = {p["Arn"]: p for p in rng.choices(customer, weights, k=count)}
        if rng.random() < 0.05:
            extra = by_name[
                rng.choice(
                    ["ReadOnlyAccess", "PowerUserAccess", "AmazonS3FullAccess", "IAMFullAccess", "AdministratorAccess"]
                )
            ]
            chosen[extra["Arn"]] = extra
        for policy in chosen.values():
            policy["AttachmentCount"] += 1
        return [{"PolicyName": p["PolicyName"], "PolicyArn": p["Arn"]} for p in chosen.values()]

    groups = []
    for i in range(max(10, users // 100)):
        name = f"team-{i:03d}"
        groups.append(
            {
                "Path": "/",
                "GroupName": name,
                "GroupId": f"AGPA{i:016d}",
                "Arn": _arn("group", name),
                "CreateDate": _iso(AS_OF - timedelta(days=rng.randint(100, 1500))),
                "GroupPolicyList": [_inline(rng, f"{name}-inline", i)] if rng.random() < 0.3 else [],
                "AttachedManagedPolicies": attach(rng.randint(1, 3)),
            }
        )

    report = io.StringIO()
    columns = [
        "user",
        "arn",
        "user_creation_time",
        "password_enabled",
        "password_last_used",
        "password_last_changed",
        "password_next_rotation",
        "mfa_active",
        "access_key_1_active",
        "access_key_1_last_rotated",
        "access_key_1_last_used_date",
        "access_key_1_last_used_region",
        "access_key_1_last_used_service",
        "access_key_2_active",
        "access_key_2_last_rotated",
        "access_key_2_last_used_date",
        "access_key_2_last_used_region",
        "access_key_2_last_used_service",
        "cert_1_active",
        "cert_1_last_rotated",
        "cert_2_active",
        "cert_2_last_rotated",
    ]
    writer = csv.writer(report, lineterminator="\n")
    writer.writerow(columns)
    root_created = AS_OF - timedelta(days=2000)
    writer.writerow(
        [
            "<root_account>",
            f"arn:aws:iam::{ACCOUNT}:root",
            _report_time(root_created),
            "not_supported",
            _report_time(AS_OF - timedelta(days=200)),
            "not_supported",
            "not_supported",
            "true",
            "false",
            "N/A",
            "N/A",
            "N/A",
            "N/A",
            "false",
            "N/A",
            "N/A",
            "N/A",
            "N/A",
            "false",
            "N/A",
            "false",
            "N/A",
        ]
    )
    user_details, callers, virtual_mfa = (
        [],
        [],
        [{"SerialNumber": f"arn:aws:iam::{ACCOUNT}:mfa/root-account-mfa-device"}],
    )
    for i in range(users):
        nhi = rng.random() < 0.3
        name = rng.choice(NHI_NAMES).format(f"app{i:05d}") if nhi else f"{rng.choice(HUMAN_NAMES)}.{i:05d}"
        path = "/service-accounts/" if nhi and rng.random() < 0.3 else "/"
        created = AS_OF - timedelta(days=rng.choice([rng.randint(0, 6), rng.randint(7, 1500), rng.randint(7, 1500)]))
        password = rng.random() < (0.08 if nhi else 0.85)
        mfa = password and rng.random() < 0.75
        if mfa:
            virtual_mfa.append(
                {
                    "SerialNumber": f"arn:aws:iam::{ACCOUNT}:mfa/{name}",
                    "User": {"UserName": name, "Arn": _arn("user", name, path)},
                }
            )
        password_used = _last_used(rng, created) if password else None
        keys = []
        for slot, chance in ((1, 0.85 if nhi else 0.45), (2, 0.12)):
            if rng.random() < chance:
                rotated = created + timedelta(days=rng.randint(0, max((AS_OF - created).days - 1, 0)))
                active = rng.random() < 0.9
                keys.append(
                    (
                        slot,
                        active,
                        rotated,
                        _last_used(rng, rotated),
                        "AKIA" + "".join(rng.choice(KEY_CHARS) for _ in range(16)),
                    )
                )
        key_cells = []
        for slot in (1, 2):
            key = next((k for k in keys if k[0] == slot), None)
            if key is None:
                key_cells += ["false", "N/A", "N/A", "N/A", "N/A"]
            else:
                _, active, rotated, last_used, _ = key
                key_cells += [
                    "true" if active else "false",
                    _report_time(rotated),
                    _report_time(last_used),
                    "us-east-1" if last_used else "N/A",
                    rng.choice(["s3", "sts", "ec2"]) if last_used else "N/A",
                ]
        writer.writerow(
            [
                name,
                _arn("user", name, path),
                _report_time(created),
                "true" if password else "false",
                _report_time(password_used) if password else "N/A",
                _report_time(created) if password else "N/A",
                "N/A",
                "true" if mfa else "false",
                *key_cells,
                "false",
                "N/A",
                "false",
                "N/A",
            ]
        )
        if keys:
            callers.append((path, name, rng.choice(keys)[4]))
        detail = {
            "Path": path,
            "UserName": name,
            "UserId": f"AIDA{i:016d}",
            "Arn": _arn("user", name, path),
            "CreateDate": _iso(created),
            "GroupList": [g["GroupName"] for g in rng.sample(groups, rng.choice([0, 1, 1, 1, 2, 3]))],
            "AttachedManagedPolicies": attach(rng.randint(1, 2)) if rng.random() < 0.15 else [],
            "UserPolicyList": [_inline(rng, f"{name}-inline", i)] if rng.random() < 0.05 else [],
            "Tags": [],
        }
        if rng.random() < 0.1:
            detail["Tags"] = [
                {"Key": "iamsql:identity-type", "Value": "nhi" if nhi else "human"},
                {"Key": "team", "Value": f"team-{i % 40:03d}"},
            ]
        if rng.random() < 0.03:
            detail["PermissionsBoundary"] = {
                "PermissionsBoundaryType": "Policy",
                "PermissionsBoundaryArn": by_name["PowerUserAccess"]["Arn"],
            }
            by_name["PowerUserAccess"]["PermissionsBoundaryUsageCount"] += 1
        user_details.append(detail)
    if user_details:  # one user has the quarantine policy AWS attaches to leaked keys
        quarantine = by_name["AWSCompromisedKeyQuarantineV2"]
        user_details[0]["AttachedManagedPolicies"].append(
            {"PolicyName": quarantine["PolicyName"], "PolicyArn": quarantine["Arn"]}
        )
        quarantine["AttachmentCount"] += 1

    role_details, role_names = [], []
    kinds, kind_weights = zip(*ROLE_KINDS)
    for i in range(roles):
        kind = rng.choices(kinds, kind_weights)[0]
        created = AS_OF - timedelta(days=rng.randint(0, 1500))
        if kind == "service_linked":
            service = rng.choice(["ecs", "support", "elasticloadbalancing", "autoscaling", "rds"])
            name, path = f"AWSServiceRoleFor{service.upper()}_{i:05d}", f"/aws-service-role/{service}.amazonaws.com/"
            attached = [by_name["AmazonECSServiceRolePolicy" if service == "ecs" else "AWSSupportServiceRolePolicy"]]
            for policy in attached:
                policy["AttachmentCount"] += 1
            attached = [{"PolicyName": p["PolicyName"], "PolicyArn": p["Arn"]} for p in attached]
        else:
            prefix = {
                "service": "app",
                "cross_account": "partner",
                "oidc": "github-actions",
                "saml": "sso",
                "same_account": "ops",
                "wildcard": "shared",
            }[kind]
            name, path = f"{prefix}-{i % 97:03d}-{i:05d}", "/service-role/" if kind == "service" else "/"
            attached = attach(rng.randint(1, 3))
        if i == 0:
            support = by_name["AWSSupportAccess"]
            attached.append({"PolicyName": support["PolicyName"], "PolicyArn": support["Arn"]})
            support["AttachmentCount"] += 1
        last_used = rng.random()
        detail = {
            "Path": path,
            "RoleName": name,
            "RoleId": f"AROA{i:016d}",
            "Arn": _arn("role", name, path),
            "CreateDate": _iso(created),
            "AssumeRolePolicyDocument": _trust(rng, kind),
            "InstanceProfileList": [],
            "MaxSessionDuration": 3600,
            "RolePolicyList": [_inline(rng, f"{name}-inline", i)] if rng.random() < 0.2 else [],
            "AttachedManagedPolicies": attached,
            "Tags": [],
            "RoleLastUsed": {}
            if last_used < 0.25
            else {
                "LastUsedDate": _iso(AS_OF - timedelta(days=rng.randint(0, 30 if last_used < 0.8 else 600))),
                "Region": "us-east-1",
            },
        }
        role_details.append(detail)
        role_names.append((path, name))

    attached_aws = [p for p in aws_managed if p["AttachmentCount"] or p["PermissionsBoundaryUsageCount"]]
    gaad = {
        "UserDetailList": user_details,
        "GroupDetailList": groups,
        "RoleDetailList": role_details,
        "Policies": customer + attached_aws,
        "IsTruncated": False,
    }
    (folder / "get-account-authorization-details.json").write_text(json.dumps(gaad))
    (folder / "get-credential-report.json").write_text(
        json.dumps({"Content": report.getvalue(), "ReportFormat": "text/csv", "GeneratedTime": _iso(AS_OF)})
    )
    (folder / "get-account-password-policy.json").write_text(
        json.dumps(
            {
                "PasswordPolicy": {
                    "MinimumPasswordLength": 12,
                    "RequireSymbols": True,
                    "RequireNumbers": True,
                    "RequireUppercaseCharacters": True,
                    "RequireLowercaseCharacters": True,
                    "AllowUsersToChangePassword": True,
                    "ExpirePasswords": False,
                    "PasswordReusePrevention": 5,
                }
            }
        )
    )
    (folder / "get-account-summary.json").write_text(
        json.dumps(
            {
                "SummaryMap": {
                    "Users": users,
                    "Roles": roles,
                    "Groups": len(groups),
                    "Policies": policies,
                    "AccountMFAEnabled": 1,
                    "AccountAccessKeysPresent": 0,
                    "MFADevices": len(virtual_mfa),
                    "MFADevicesInUse": len(virtual_mfa),
                }
            }
        )
    )
    (folder / "list-virtual-mfa-devices.json").write_text(json.dumps({"VirtualMFADevices": virtual_mfa}))
    (folder / "list-saml-providers.json").write_text(
        json.dumps(
            {
                "SAMLProviderList": [
                    {
                        "Arn": f"arn:aws:iam::{ACCOUNT}:saml-provider/Okta",
                        "ValidUntil": _iso(AS_OF + timedelta(days=300)),
                        "CreateDate": _iso(AS_OF - timedelta(days=700)),
                    }
                ]
            }
        )
    )
    trail_arn = f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/organization-audit"
    (folder / "describe-trails.json").write_text(
        json.dumps(
            {
                "trailList": [
                    {
                        "Name": "organization-audit",
                        "S3BucketName": "audit-logs",
                        "IncludeGlobalServiceEvents": True,
                        "IsMultiRegionTrail": True,
                        "HomeRegion": "us-east-1",
                        "TrailARN": trail_arn,
                        "LogFileValidationEnabled": True,
                        "KmsKeyId": f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef",
                        "CloudWatchLogsLogGroupArn": f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:trail:*",
                        "CloudWatchLogsRoleArn": _arn("role", "CloudTrailToCloudWatch"),
                        "HasCustomEventSelectors": True,
                        "IsOrganizationTrail": False,
                    }
                ]
            }
        )
    )
    (folder / "get-trail-status.json").write_text(
        json.dumps(
            {
                "TrailARN": trail_arn,
                "IsLogging": True,
                "LatestDeliveryTime": _iso(AS_OF),
                "LatestCloudWatchLogsDeliveryTime": _iso(AS_OF),
                "StartLoggingTime": _iso(AS_OF - timedelta(days=900)),
            }
        )
    )
    (folder / "get-event-selectors.json").write_text(
        json.dumps(
            {
                "TrailARN": trail_arn,
                "EventSelectors": [
                    {
                        "ReadWriteType": "All",
                        "IncludeManagementEvents": True,
                        "ExcludeManagementEventSources": [],
                        "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}],
                    }
                ],
            }
        )
    )
    return Principals(ACCOUNT, tuple(callers), tuple(role_names))


# ------------------------------------------------------------------------------------------------ measuring


def run_cli(*args: str, source: Path | None = None, cache: Path | None = None) -> tuple[float, float, int, str]:
    """Wall and CPU seconds, peak RSS (bytes) and stdout of one ``iamsql`` command in a child process; with
    ``source``, the iamsql package of that source tree instead of the installed one; with ``cache``, that
    translation cache folder. String hashing is seeded the same in every child (``PYTHONHASHSEED``): which of
    several equally short role chains ``assume_admin_role`` reports follows set order, and a before/after
    comparison must not differ by that alone."""
    command = [sys.executable, "-c", "from iamsql.cli import main; main()", *args]
    env = {"PYTHONHASHSEED": "0", **os.environ}
    if source:
        env["PYTHONPATH"] = str(source)
    if cache:
        env["IAMSQL_CACHE_DIR"] = str(cache)
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        # from another folder, so that ``-c`` does not put this checkout's iamsql ahead of ``source``
        child = subprocess.Popen(command, stdout=out, stderr=err, text=True, env=env, cwd=tempfile.gettempdir())
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        code = os.waitstatus_to_exitcode(status)
        if code:
            sys.exit(f"iamsql {args[0]} failed ({code}): {err.read().strip()[-2000:]}")
        return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, out.read()


def controls_tables(database: Path) -> list[str]:
    """The Steampipe tables the controls and their helper views read (with rows in this database)."""
    from iamsql.controls.catalog import load_controls
    from iamsql.store.schema import TABLES

    text = " ".join(
        [c.sql for c in load_controls()]
        + [p.read_text() for p in (Path(__file__).resolve().parent.parent / "queries" / "views").glob("*.sql")]
    )
    return [t for t in TABLES if t in text]


def floor(database: Path, tables: list[str]) -> tuple[float, float]:
    """Best of three: wall and CPU seconds to read every column of every row of ``tables`` once."""
    con = duckdb.connect(str(database), read_only=True)
    best, best_cpu = float("inf"), float("inf")
    try:
        for _ in range(3):
            start, start_cpu = time.perf_counter(), time.process_time()
            for table in tables:
                con.execute(f"select count(*), sum(length(columns(*)::varchar)) from history.{table}").fetchall()
            best = min(best, time.perf_counter() - start)
            best_cpu = min(best_cpu, time.process_time() - start_cpu)
    finally:
        con.close()
    return best, best_cpu


def run_summary(database: Path) -> dict:
    """Of the latest check run: per-control (and per materialized view) milliseconds and result rows, slowest
    first; seconds from start to stored results; result counts by status."""
    con = duckdb.connect(str(database), read_only=True)
    try:
        run_id, run_s = con.execute(
            "select run_id, epoch(finished_at - started_at) from iamsql_run order by run_id desc limit 1"
        ).fetchone()
        timings = con.execute(
            "select control_id, sum(duration_ms), sum(result_rows) from iamsql_run_timing "
            "where run_id = ? group by 1 order by 2 desc",
            [run_id],
        ).fetchall()
        statuses = con.execute(
            "select status, count(*) from iamsql_result where run_id = ? group by 1 order by 1", [run_id]
        ).fetchall()
    finally:
        con.close()
    return {
        "timings": timings,
        "run_s": run_s,
        "statuses": ", ".join(f"{s} {n:,}" for s, n in statuses),
        "controls": sum(1 for t in timings if not t[0].startswith("view:")),
        "query_s": sum(t[1] for t in timings) / 1000,
    }


def check(database: Path, fmt: str, cache: Path, source: Path | None = None) -> dict:
    """``iamsql check`` (every control) in a child process with the translation cache ``cache``, with what its
    run stored."""
    wall, cpu, rss, _ = run_cli(
        "check", "--db", str(database), "--fail-on", "none", "--format", fmt, source=source, cache=cache
    )
    return {"wall": wall, "cpu": cpu, "rss": rss, **run_summary(database)}


def result_rows(database: Path) -> list[tuple]:
    """The latest run's ``(control_id, resource, status, reason)`` rows, sorted."""
    con = duckdb.connect(str(database), read_only=True)
    try:
        return con.execute(
            "select control_id, resource, status, reason from iamsql_result where run_id = "
            "(select max(run_id) from iamsql_run) order by all"
        ).fetchall()
    finally:
        con.close()


def compare_results(this: list[tuple], baseline: list[tuple]) -> str | None:
    """None when two runs' result rows are the same, else what differs (counts and the first rows)."""
    if this == baseline:
        return None
    only_this, only_baseline = sorted(set(this) - set(baseline)), sorted(set(baseline) - set(this))
    lines = [
        f"result rows differ: {len(this):,} rows here, {len(baseline):,} in the baseline; "
        f"{len(only_this):,} only here, {len(only_baseline):,} only in the baseline"
    ]
    lines += [f"  here:     {row}" for row in only_this[:5]] + [f"  baseline: {row}" for row in only_baseline[:5]]
    return "\n".join(lines)


def checks(database: Path, fmt: str, work: Path, name: str, source: Path | None = None) -> dict[str, dict]:
    """The cold run (empty translation cache) and the warm run (the cache the cold run filled) of one source."""
    cache = work / f"cache-{name}"
    runs = {}
    for state in ("cold", "warm"):
        runs[f"{name}, {state} cache"] = check(database, fmt, cache, source)
        print(f"{name} check, {state} cache, in {runs[f'{name}, {state} cache']['wall']:.1f} s", file=sys.stderr)
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=5_000)
    parser.add_argument("--roles", type=int, default=5_000)
    parser.add_argument("--policies", type=int, default=2_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--files", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--format", default="table", help="the check's output format (default: table, as a person runs it)"
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        help="also run the check with the iamsql package of this source tree (e.g. an older commit "
        "from 'git archive'), on the same data, for a before/after",
    )
    parser.add_argument("--keep", type=Path, help="keep the loaded database at this path")
    parser.add_argument(
        "--reuse",
        type=Path,
        help="check a copy of this database (one --keep wrote) instead of "
        "generating and loading the data; the data options then only label the output",
    )
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="iamsql-controls-bench-"))
    try:
        database = work / "bench.duckdb"
        if args.reuse:
            shutil.copy(args.reuse, database)
            loaded = "reused"
        else:
            start = time.perf_counter()
            principals = generate_account(work / "iam", args.users, args.roles, args.policies, args.seed)
            generate(
                work / "trail",
                args.events,
                args.files,
                seed=args.seed,
                workers=os.cpu_count() or 1,
                principals=principals,
            )
            print(
                f"generated the account and {args.events:,} events in {time.perf_counter() - start:.1f} s",
                file=sys.stderr,
            )
            load_s, load_cpu, load_rss, _ = run_cli(
                "load", "--quiet", "--db", str(database), str(work / "iam"), str(work / "trail")
            )
            loaded = f"load took {load_s:.1f} s ({load_cpu:.1f} CPU-s, peak RSS {load_rss / 2**20:,.0f} MiB)"
            print(f"loaded in {load_s:.1f} s", file=sys.stderr)
            if args.keep:
                shutil.copy(database, args.keep)
        db_bytes = database.stat().st_size
        if args.baseline:
            shutil.copy(database, work / "baseline.duckdb")
        runs = checks(database, args.format, work, "this")
        rows = result_rows(database)
        if args.baseline:
            runs |= checks(work / "baseline.duckdb", args.format, work, "baseline", args.baseline)
            comparison = compare_results(rows, result_rows(work / "baseline.duckdb"))
        tables = controls_tables(database)
        floor_s, floor_cpu = floor(database, tables)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    this = runs["this, warm cache"]
    print(
        f"\nmachine: {os.cpu_count()} cores, {platform.system()} {platform.machine()}, Python "
        f"{platform.python_version()}, DuckDB {duckdb.__version__}; load average {os.getloadavg()[0]:.2f} at the end\n"
        f"data: {args.users:,} users, {args.roles:,} roles, {args.policies:,} customer policies, {args.events:,} "
        f"events; database {db_bytes / 2**20:,.0f} MiB; {loaded}\nresults: {this['statuses']}\n"
    )
    if args.baseline:
        print((comparison or f"result rows identical to the baseline's ({len(rows):,} rows)") + "\n")
    print("| step | wall s | ratio to floor | CPU s | ratio to floor CPU | peak RSS |")
    print("|---|---|---|---|---|---|")
    print(
        f"| floor: read every column of the {len(tables)} tables the controls use, once | {floor_s:.2f} | 1.0 | "
        f"{floor_cpu:.2f} | 1.0 | - |"
    )
    for name, run in runs.items():
        print(
            f"| iamsql check ({name}), {run['controls']} controls, --format {args.format} (whole command) | "
            f"{run['wall']:.2f} | {run['wall'] / floor_s:.1f} | {run['cpu']:.2f} | {run['cpu'] / floor_cpu:.1f} | "
            f"{run['rss'] / 2**20:,.0f} MiB |"
        )
        print(
            f"| of which the run until its results are stored (translate, evaluate) | {run['run_s']:.2f} | {run['run_s'] / floor_s:.1f} | - | - | - |"
        )
        print(
            f"| of which control queries and shared views | {run['query_s']:.2f} | {run['query_s'] / floor_s:.1f} | - | - | - |"
        )
    for name, run in runs.items():
        if not name.endswith("warm cache"):
            continue  # a cold run's queries are the same; only translating them differs
        print(f"\n| slowest ({name}) | s | share of query time | result rows |")
        print("|---|---|---|---|")
        for control_id, ms, count in run["timings"][:12]:
            print(f"| {control_id} | {ms / 1000:.2f} | {ms / 1000 / run['query_s']:.0%} | {count:,} |")
    if args.baseline and comparison:
        sys.exit(1)


if __name__ == "__main__":
    main()

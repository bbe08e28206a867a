"""Throughput of the policy engine's simulate(): N varied requests, requests/s and CPU seconds.

Usage: python benchmarks/policy_simulate.py [N]   (default 10,000)

Requests mix users and role sessions of two accounts, several actions and resources, identity
policies drawn from a shared pool (as real accounts share managed policies), boundaries, SCP levels,
resource policies with conditions, and cross-account calls. Documents are fresh dicts per request
(as read from a request file), so the JSON-text cache is exercised as well as evaluation.
"""

import argparse
import json
import random
import time

from iamsql.policy import simulate

ACCOUNTS = ("111122223333", "444455556666")
ACTIONS = ("s3:GetObject", "s3:PutObject", "iam:PassRole", "iam:CreateUser", "ec2:RunInstances",
           "kms:Decrypt", "sts:AssumeRole", "lambda:InvokeFunction", "dynamodb:GetItem", "sqs:SendMessage")


def statement(effect, action, resource="*", condition=None):
    item = {"Effect": effect, "Action": action, "Resource": resource}
    if condition:
        item["Condition"] = condition
    return item


POOL = [
    [statement("Allow", "*")],
    [statement("Allow", ["s3:Get*", "s3:List*"], "arn:aws:s3:::data-*/*")],
    [statement("Allow", "iam:Pas?Role", "arn:aws:iam::*:role/app-*"), statement("Allow", "ec2:*")],
    [statement("Allow", "s3:*", "arn:aws:s3:::home/${aws:username}/*")],
    [statement("Allow", "dynamodb:*", "*", {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}})],
    [statement("Deny", "*", "*", {"Bool": {"aws:MultiFactorAuthPresent": "false"}}), statement("Allow", "lambda:*")],
    [{"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"}],
    [statement("Allow", ["sqs:*", "kms:Decrypt"], "*", {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.168.0.0/16"]}})],
]
SCP_LEVELS = [
    [[statement("Allow", "*")]],
    [[statement("Allow", "*")], [statement("Deny", ["organizations:*", "account:*"])]],
    [[statement("Allow", "*")], [statement("Deny", "*", "*", {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "us-east-1"]}})]],
]


def document(statements):
    return {"Version": "2012-10-17", "Statement": statements}


def make_request(rng: random.Random) -> dict:
    account = rng.choice(ACCOUNTS)
    resource_account = account if rng.random() < 0.8 else ACCOUNTS[0]
    name = f"u{rng.randrange(500)}"
    principal = (f"arn:aws:iam::{account}:user/{name}" if rng.random() < 0.5
                 else f"arn:aws:sts::{account}:assumed-role/app-{rng.randrange(50)}/{name}")
    action = rng.choice(ACTIONS)
    service = action.split(":")[0]
    resource = {
        "s3": f"arn:aws:s3:::data-{rng.randrange(5)}/k{rng.randrange(100)}",
        "iam": f"arn:aws:iam::{resource_account}:role/app-{rng.randrange(50)}",
        "sts": f"arn:aws:iam::{resource_account}:role/app-{rng.randrange(50)}",
        "kms": f"arn:aws:kms:eu-west-1:{resource_account}:key/{rng.randrange(20)}",
    }.get(service, f"arn:aws:{service}:eu-west-1:{resource_account}:thing/{rng.randrange(100)}")
    request = {
        "action": action,
        "resource": resource,
        "resource_account": resource_account,
        "principal": principal,
        "context": {"aws:RequestedRegion": rng.choice(["eu-west-1", "us-west-2"]),
                    "aws:SourceIp": f"10.{rng.randrange(256)}.0.{rng.randrange(256)}",
                    "aws:MultiFactorAuthPresent": rng.random() < 0.7},
        "identity_policies": [document(rng.choice(POOL)) for _ in range(rng.randint(1, 3))],
        "scps": [[document(level_doc) for level_doc in level] for level in rng.choice(SCP_LEVELS)],
    }
    if rng.random() < 0.3:
        request["permission_boundaries"] = [document(rng.choice(POOL))]
    if service in ("s3", "kms", "sts", "sqs") or resource_account != account:
        request["resource_policy"] = document([
            {"Effect": "Allow", "Action": f"{service}:*",
             "Principal": {"AWS": [f"arn:aws:iam::{account}:root"]},
             "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-example"}} if rng.random() < 0.5 else {}}
            | ({} if service == "sts" else {"Resource": "*"}),  # a role's trust policy names no resource
        ])
        request["context"]["aws:PrincipalOrgID"] = "o-example"
    return json.loads(json.dumps(request))  # fresh objects, as from a request file


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", nargs="?", type=int, default=10_000, metavar="N",
                        help="number of requests (default 10,000)")
    count = parser.parse_args().count
    rng = random.Random(20261027)
    requests = [make_request(rng) for _ in range(count)]
    wall, cpu = time.perf_counter(), time.process_time()
    results = simulate(requests)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    decisions = {}
    for result in results:
        decisions[result["decision"]] = decisions.get(result["decision"], 0) + 1
    print(f"{count} requests in {wall:.3f} s wall, {cpu:.3f} CPU-s: {count / wall:,.0f} requests/s")
    print("decisions:", ", ".join(f"{k} {v}" for k, v in sorted(decisions.items())))


if __name__ == "__main__":
    main()

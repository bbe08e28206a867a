"""Benchmark: ``iamsql collect`` of a large moto account against a naive per-entity collection, in the same run.

A moto server (``ThreadedMotoServer`` on 127.0.0.1) gets an account with ``--users`` users, ``--roles`` roles and
``--policies`` customer managed policies (each user and role has one attached policy, every tenth an inline
policy too, users spread over 20 groups; every fourth user has an access key, every tenth a virtual MFA device).
Then, against the same server:

- **naive per-entity collection**: what a per-entity collector asks to learn the same users, groups, roles,
  policies, keys and MFA devices: list-users, list-groups, list-roles, list-policies, then per user get-user,
  list-user-policies, get-user-policy, list-attached-user-policies, list-groups-for-user, list-access-keys,
  get-access-key-last-used per key, list-mfa-devices; per group
  get-group, list-group-policies, get-group-policy, list-attached-group-policies; per role get-role,
  list-role-policies, get-role-policy, list-attached-role-policies, list-instance-profiles-for-role; per policy
  get-policy, get-policy-version; with the same 4 worker threads the collector uses for per-entity calls;
- **iamsql entity snapshot**: ``GetAccountAuthorizationDetails``, all pages (what ``collect`` asks instead);
- **iamsql collect**: the whole command (IAM with the credential report, keys and MFA devices asked only for
  the users the report shows with them, trails in one region, evidence files, manifest, load into DuckDB).

Reports wall time and HTTP requests, and the ratios naive / iamsql.

    .venv/bin/python benchmarks/collect_bench.py --users 2000 --roles 2000 --policies 1000
"""

from __future__ import annotations

import argparse
import collections
import json
import logging
import os
import platform
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import boto3

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from iamsql.collect.account import WORKERS, AccountRun, Target  # noqa: E402
from iamsql.collect.aws import Counter, make_client  # noqa: E402
from iamsql.collect.iam import GAAD_FILTERS, GAAD_PAGE_SIZE  # noqa: E402
from iamsql.collect.run import collect  # noqa: E402
from iamsql.raw.folder import Evidence
from iamsql.store import db
from tests.fixtures.moto import EC2_TRUST, moto_environment, serve_entity_tags  # noqa: E402

ACCOUNT = "123456789012"
DOCUMENT = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}


def build(session: boto3.Session, users: int, roles: int, policies: int) -> None:
    iam = session.client("iam")
    policy_arns = [f"arn:aws:iam::{ACCOUNT}:policy/bench-policy-{i}" for i in range(policies)]
    groups = [f"bench-group-{i}" for i in range(20)]
    text = json.dumps(DOCUMENT)

    def policy(i: int) -> None:
        iam.create_policy(PolicyName=f"bench-policy-{i}", PolicyDocument=text)

    def group(name: str) -> None:
        iam.create_group(GroupName=name)
        iam.put_group_policy(GroupName=name, PolicyName="inline", PolicyDocument=text)

    def user(i: int) -> None:
        name = f"bench-user-{i}"
        iam.create_user(UserName=name)
        iam.attach_user_policy(UserName=name, PolicyArn=policy_arns[i % policies])
        iam.add_user_to_group(GroupName=groups[i % len(groups)], UserName=name)
        if i % 10 == 0:
            iam.put_user_policy(UserName=name, PolicyName="inline", PolicyDocument=text)
        if i % 4 == 0:
            iam.create_access_key(UserName=name)
        if i % 10 == 5:
            serial = iam.create_virtual_mfa_device(VirtualMFADeviceName=name)["VirtualMFADevice"]["SerialNumber"]
            iam.enable_mfa_device(UserName=name, SerialNumber=serial, AuthenticationCode1="123456",
                                  AuthenticationCode2="654321")

    def role(i: int) -> None:
        name = f"bench-role-{i}"
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(EC2_TRUST))
        iam.attach_role_policy(RoleName=name, PolicyArn=policy_arns[i % policies])
        if i % 10 == 0:
            iam.put_role_policy(RoleName=name, PolicyName="inline", PolicyDocument=text)

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(policy, range(policies)))
        list(pool.map(group, groups))
        list(pool.map(user, range(users)))
    for i in range(roles):  # moto's create_role reads its role table unlocked: one at a time
        role(i)


def naive_snapshot(session: boto3.Session, counter: Counter) -> dict:
    """The same entity data as GAAD, asked one entity at a time."""
    iam = make_client(session, "iam", "us-east-1", counter)

    def listing(operation: str, key: str, **arguments) -> list:
        return iam.get_paginator(operation).paginate(**arguments).build_full_result()[key]

    def per_user(user: dict) -> dict:
        name = user["UserName"]
        inline = listing("list_user_policies", "PolicyNames", UserName=name)
        keys = listing("list_access_keys", "AccessKeyMetadata", UserName=name)
        return {"user": iam.get_user(UserName=name)["User"],
                "inline": [iam.get_user_policy(UserName=name, PolicyName=p) for p in inline],
                "attached": listing("list_attached_user_policies", "AttachedPolicies", UserName=name),
                "groups": listing("list_groups_for_user", "Groups", UserName=name),
                "keys": [iam.get_access_key_last_used(AccessKeyId=k["AccessKeyId"]) for k in keys],
                "mfa": listing("list_mfa_devices", "MFADevices", UserName=name)}

    def per_group(group: dict) -> dict:
        name = group["GroupName"]
        inline = listing("list_group_policies", "PolicyNames", GroupName=name)
        return {"group": iam.get_group(GroupName=name)["Group"],
                "inline": [iam.get_group_policy(GroupName=name, PolicyName=p) for p in inline],
                "attached": listing("list_attached_group_policies", "AttachedPolicies", GroupName=name)}

    def per_role(role: dict) -> dict:
        name = role["RoleName"]
        inline = listing("list_role_policies", "PolicyNames", RoleName=name)
        return {"role": iam.get_role(RoleName=name)["Role"],
                "inline": [iam.get_role_policy(RoleName=name, PolicyName=p) for p in inline],
                "attached": listing("list_attached_role_policies", "AttachedPolicies", RoleName=name),
                "profiles": listing("list_instance_profiles_for_role", "InstanceProfiles", RoleName=name)}

    def per_policy(policy: dict) -> dict:
        found = iam.get_policy(PolicyArn=policy["Arn"])["Policy"]
        version = iam.get_policy_version(PolicyArn=policy["Arn"], VersionId=found["DefaultVersionId"])
        return {"policy": found, "version": version["PolicyVersion"]}

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return {"users": list(pool.map(per_user, listing("list_users", "Users"))),
                "groups": list(pool.map(per_group, listing("list_groups", "Groups"))),
                "roles": list(pool.map(per_role, listing("list_roles", "Roles"))),
                "policies": list(pool.map(per_policy, listing("list_policies", "Policies", Scope="Local")))}


def gaad_snapshot(session: boto3.Session, counter: Counter, folder: Path) -> dict:
    evidence = Evidence.create(folder, {})
    run = AccountRun(Target(ACCOUNT, session, "caller"), evidence, counter, "us-east-1", threading.Event())
    try:
        return run.fetch("iam", "GetAccountAuthorizationDetails", Filter=GAAD_FILTERS,
                         PaginationConfig={"PageSize": GAAD_PAGE_SIZE})
    finally:
        run.close()


def files_per_call(evidence: Path) -> collections.Counter:
    """Evidence files per AWS CLI command (``<account>/<region>/<service>/<command>[/<entity>].json``)."""
    paths = [path.relative_to(evidence).parts for path in evidence.rglob("*.json")]
    return collections.Counter(parts[3].removesuffix(".json") for parts in paths if len(parts) > 3)


def timed(work):
    start = time.perf_counter()
    result = work()
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--roles", type=int, default=2000)
    parser.add_argument("--policies", type=int, default=1000)
    options = parser.parse_args()

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    serve_entity_tags()  # the tag calls collect makes that moto does not serve
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    endpoint = "http://%s:%d" % server.get_host_and_port()
    with tempfile.TemporaryDirectory() as tmp, moto_environment(endpoint, Path(tmp)):
        os.environ["AWS_MAX_ATTEMPTS"] = "10"
        session = boto3.Session(region_name="us-east-1")
        _, build_seconds = timed(lambda: build(session, options.users, options.roles, options.policies))
        print(f"built {options.users} users, {options.roles} roles, {options.policies} policies in {build_seconds:.1f} s",
              file=sys.stderr)

        naive_counter, gaad_counter, collect_counter_holder = Counter(), Counter(), {}
        naive, naive_seconds = timed(lambda: naive_snapshot(session, naive_counter))
        gaad, gaad_seconds = timed(lambda: gaad_snapshot(session, gaad_counter, Path(tmp) / "gaad"))
        assert len(gaad["UserDetailList"]) == len(naive["users"]) == options.users
        assert len(gaad["RoleDetailList"]) == len(naive["roles"]) == options.roles

        con = db.connect(Path(tmp) / "bench.duckdb")
        result, collect_seconds = timed(lambda: collect(con, evidence_dir=Path(tmp) / "evidence", regions=["us-east-1"]))
        collect_counter_holder["requests"] = result.requests
        per_call = files_per_call(Path(tmp) / "evidence")
        users = con.execute("select count(*) from aws_iam_user").fetchone()[0]
        con.close()
        assert users == options.users, users
    server.stop()

    rows = [
        ("naive per-entity collection (list + get per entity, keys, MFA)", naive_seconds, naive_counter.requests),
        ("iamsql entity snapshot (GetAccountAuthorizationDetails)", gaad_seconds, gaad_counter.requests),
        ("iamsql collect (whole command, loaded)", collect_seconds, result.requests),
    ]
    print(f"Machine: {os.cpu_count()} cores, {platform.system()} {platform.machine()}, Python {platform.python_version()}; "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"Account: {options.users} users, {options.roles} roles, {options.policies} policies, 20 groups\n")
    print("| step | wall s | HTTP requests |")
    print("|---|---|---|")
    for name, seconds, requests in rows:
        print(f"| {name} | {seconds:.1f} | {requests:,} |")
    print(f"\nentity snapshot, naive / iamsql: wall time x{naive_seconds / gaad_seconds:.1f}, "
          f"requests x{naive_counter.requests / gaad_counter.requests:.0f}")
    print("\niamsql collect's evidence files per call: " + ", ".join(f"{c} {n}" for c, n in per_call.most_common()))
    print(f"naive per-entity collection / whole iamsql collect: wall time x{naive_seconds / collect_seconds:.2f}, "
          f"requests x{naive_counter.requests / result.requests:.1f}")


if __name__ == "__main__":
    main()

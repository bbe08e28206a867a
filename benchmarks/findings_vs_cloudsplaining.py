"""Comparison: iamsql's verdicts against Cloudsplaining's findings on the same account authorization details.

For each ``get-account-authorization-details`` file, per policy and per principal, in these categories:
privilege escalation, administrator (every action on every resource), ``iam:PassRole`` on every role,
``sts:AssumeRole`` on every role, data exfiltration (Cloudsplaining's five read actions on every resource); and
Cloudsplaining's categories iamsql has no control for (resource exposure, infrastructure modification, credentials
exposure), counted on its side only.

Cloudsplaining side: ``cloudsplaining scan`` of the file with nothing excluded (its default exclusions leave out
AdministratorAccess and the service roles), and its ``PolicyDocument`` API on each policy document with the same
exclusions, which is what ``scan`` computes per policy (the script checks that the two agree on privilege
escalation). A principal's findings are those of its policies (its groups' for a user), as in Cloudsplaining's
report. Cloudsplaining's "administrator" is a policy whose service wildcards cover every service; its PassRole and
AssumeRole are the action allowed without resource constraints.

iamsql side: ``iamsql load`` and ``iamsql check`` of the file; per principal the control
``iam_principal_privilege_escalation`` (alarm or info) and ``iam_principal_access`` (``full_admin``; ``pass_any_role``
and ``assume_any_role`` held as ``iam_policy_no_passrole_star`` / ``iam_policy_no_assume_role_star`` judge them:
Allowed, or AllowedIf by a conditional Deny only; the ``data_read:*`` questions of Cloudsplaining's actions held so
too, as ``nhi_data_exfiltration`` holds them, for every principal, human or not). Per policy, the file is loaded again with one stand-in user per
policy holding that policy alone, and the stand-in's ``iam_principal_access`` rows are the policy's verdicts (an
escalation path held as the control holds it: Allowed or AllowedIf).

Cloudsplaining is installed into a throwaway venv (``--cloudsplaining-venv`` keeps one); it is not a dependency.

    .venv/bin/python benchmarks/findings_vs_cloudsplaining.py                    # every bundled file
    .venv/bin/python benchmarks/findings_vs_cloudsplaining.py --details          # and every disagreement
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import unquote

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.vs_cloudsplaining import ROOT, cloudsplaining_venv  # noqa: E402

FILES = [
    "tests/data/cloudsplaining/example.json",
    "tests/data/cloudsplaining/example-authz-details.json",
    "tests/data/cloudsplaining/example_authz_v2.json",
    "tests/data/cloudsplaining/example_authz_details_for_overrides_complete.json",
    "tests/data/cloudmapper_demo/account-data/demo/us-east-1/iam-get-account-authorization-details.json",
    "tests/data/aws_cli_examples/json/iam/get-account-authorization-details_1.json",
    "tests/data/real_shapes/gaad-page-1.json+tests/data/real_shapes/gaad-page-2.json",
]
COMPARED = ("privilege_escalation", "admin", "pass_role_any", "assume_role_any", "data_exfiltration")
THEIRS_ONLY = ("resource_exposure", "infrastructure_modification", "credentials_exposure")
# the questions of queries/access.yaml that ask Cloudsplaining's READ_ONLY_DATA_EXFILTRATION_ACTIONS
DATA_READS = ("data_read:s3_object", "data_read:secret", "data_read:ssm_parameter", "data_read:ssm_parameters",
              "data_read:ssm_parameters_by_path")
STAND_IN = "iamsql-stand-in-"
ESCALATION_PATHS = yaml.safe_load((ROOT / "queries" / "access.yaml").read_text())["escalation"]
DOCUMENT_KEYS = ("PolicyDocument", "Document", "AssumeRolePolicyDocument")

# Run with Cloudsplaining's venv: reads [[key, document], ...] on stdin, writes {key: findings} on stdout.
CLOUDSPLAINING_API = """
import json, sys
from cloudsplaining.scan.policy_document import PolicyDocument
from cloudsplaining.shared.exclusions import Exclusions
from cloudsplaining.shared.utils import get_all_service_prefixes
config = json.loads(sys.argv[1])
exclusions = Exclusions(config)
services = set(get_all_service_prefixes())
out = {}
for key, document in json.load(sys.stdin):
    policy = PolicyDocument(document, exclusions)
    out[key] = {
        "privilege_escalation": sorted(f["type"] for f in policy.allows_privilege_escalation),
        "admin": services <= set(policy.service_wildcard),
        "pass_role_any": bool(policy.allows_specific_actions_without_constraints(["iam:PassRole"])),
        "assume_role_any": bool(policy.allows_specific_actions_without_constraints(["sts:AssumeRole"])),
        "resource_exposure": sorted(set(policy.permissions_management_without_constraints)),
        "data_exfiltration": policy.allows_data_exfiltration_actions,
        "infrastructure_modification": policy.infrastructure_modification,
        "credentials_exposure": policy.credentials_exposure,
    }
from cloudsplaining.shared.constants import PRIVILEGE_ESCALATION_METHODS
json.dump({"policies": out, "paths": sorted(PRIVILEGE_ESCALATION_METHODS)}, sys.stdout)
"""
NOTHING_EXCLUDED = {
    "policies": [""],
    "roles": [""],
    "users": [""],
    "groups": [""],
    "include-actions": [
        "s3:GetObject",
        "ssm:GetParameter",
        "ssm:GetParameters",
        "ssm:GetParametersByPath",
        "secretsmanager:GetSecretValue",
        "rds:CopyDBSnapshot",
        "rds:CreateDBSnapshot",
    ],
    "exclude-actions": [""],
}


def _document(policy: dict) -> dict | None:
    versions = policy.get("PolicyVersionList") or []
    default = [v for v in versions if v.get("IsDefaultVersion")] or versions
    return default[0].get("Document") if default else None


def _decoded(document):
    return json.loads(unquote(document)) if isinstance(document, str) else document


def _cli_shaped(value):
    """Policy documents decoded, as the AWS CLI writes them (the API's are URL-encoded JSON text)."""
    if isinstance(value, dict):
        return {
            key: _decoded(item) if key in DOCUMENT_KEYS and isinstance(item, str) else _cli_shaped(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_cli_shaped(item) for item in value]
    return value


def joined(pages: list[Path]) -> dict:
    """The pages of one paginated output as one document, as the AWS CLI joins and decodes them."""
    details: dict = {}
    for page in pages:
        for key, value in json.loads(page.read_text()).items():
            if isinstance(value, list):
                details.setdefault(key, []).extend(_cli_shaped(value))
    return details


def policies_of(details: dict) -> dict[str, dict]:
    """Every policy of the file: key -> {document, kind, owners}. Managed by ARN, inline by owner and name."""
    out: dict[str, dict] = {}
    for policy in details.get("Policies", []):
        document = _document(policy)
        if document is not None:
            kind = "aws_managed" if ":aws:policy/" in policy["Arn"] else "customer_managed"
            out[policy["Arn"]] = {"document": _decoded(document), "kind": kind, "name": policy["PolicyName"]}
    for list_key, name_key, inline_key in (
        ("UserDetailList", "UserName", "UserPolicyList"),
        ("GroupDetailList", "GroupName", "GroupPolicyList"),
        ("RoleDetailList", "RoleName", "RolePolicyList"),
    ):
        for entity in details.get(list_key, []):
            for inline in entity.get(inline_key) or []:
                out[f"{entity['Arn']}#{inline['PolicyName']}"] = {
                    "document": _decoded(inline["PolicyDocument"]),
                    "kind": "inline",
                    "name": inline["PolicyName"],
                }
    return out


def principal_policies(details: dict) -> dict[str, list[str]]:
    """Each user's and role's policy keys (a user's groups' included), as ``policies_of`` names them."""
    groups = {g["GroupName"]: g for g in details.get("GroupDetailList", [])}

    def own(entity: dict, inline_key: str) -> list[str]:
        attached = entity.get("AttachedManagedPolicies") or []
        attached = [attached] if isinstance(attached, dict) else attached  # one object, as AWS's CLI example has
        keys = [a["PolicyArn"] for a in attached]
        return keys + [f"{entity['Arn']}#{p['PolicyName']}" for p in entity.get(inline_key) or []]

    out = {}
    for user in details.get("UserDetailList", []):
        keys = own(user, "UserPolicyList")
        for name in user.get("GroupList") or []:
            if name in groups:
                keys += own(groups[name], "GroupPolicyList")
        out[user["Arn"]] = keys
    for role in details.get("RoleDetailList", []):
        out[role["Arn"]] = own(role, "RolePolicyList")
    return out


def with_stand_ins(details: dict, policies: dict[str, dict]) -> tuple[dict, dict[str, str]]:
    """The file with one more user per policy holding that policy alone; stand-in ARN -> policy key."""
    details = copy.deepcopy(details)
    arns = [e["Arn"] for k in ("UserDetailList", "RoleDetailList", "GroupDetailList") for e in details.get(k, [])]
    partition, account = arns[0].split(":")[1], arns[0].split(":")[4]
    stand_ins = {}
    for number, (key, policy) in enumerate(sorted(policies.items())):
        name = f"{STAND_IN}{number}"
        arn = f"arn:{partition}:iam::{account}:user/{name}"
        user = {
            "Path": "/",
            "UserName": name,
            "UserId": f"AIDASTANDIN{number:09d}",
            "Arn": arn,
            "CreateDate": "2020-01-01T00:00:00Z",
            "GroupList": [],
            "AttachedManagedPolicies": [],
            "UserPolicyList": [],
            "Tags": [],
        }
        if policy["kind"] == "inline":
            user["UserPolicyList"].append({"PolicyName": policy["name"], "PolicyDocument": policy["document"]})
        else:
            user["AttachedManagedPolicies"].append({"PolicyName": policy["name"], "PolicyArn": key})
        details.setdefault("UserDetailList", []).append(user)
        stand_ins[arn] = key
    return details, stand_ins


def iamsql(*arguments: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-P", "-m", "iamsql", *arguments], capture_output=True, text=True, env=env, cwd=ROOT
    )
    if done.returncode not in (0, 1, 3):
        sys.exit(f"iamsql {arguments[0]} failed: {done.stderr.strip()[-2000:]}")
    return done.stdout


def iamsql_verdicts(database: Path, chains: bool) -> dict[str, dict]:
    """Per principal ARN: the four compared categories, and the escalation paths held (with ``chains``, the roles
    it may assume that are administrators or have a path of their own too: a principal's, not a policy's, power)."""
    rows = json.loads(
        iamsql(
            "query",
            "--db",
            str(database),
            "-o",
            "json",
            "select principal_arn, question, title, decision, conditions is null as unconditional, detail "
            "from iam_principal_access where decision in ('Allowed', 'AllowedIf')",
        )
    )
    rows = rows.get("rows", rows) if isinstance(rows, dict) else rows
    out: dict[str, dict] = {}
    for row in rows:
        verdict = out.setdefault(
            row["principal_arn"],
            {"privilege_escalation": [], "admin": False, "pass_role_any": False, "assume_role_any": False,
             "data_exfiltration": []},
        )
        question = row["question"]
        strict = row["decision"] == "Allowed" or row["unconditional"]
        if question.startswith("escalation:"):
            verdict["privilege_escalation"].append(question[11:] + (f" {row['detail']}" if row["detail"] else ""))
        elif question in ("assume_admin_role", "assume_escalating_role") and chains:
            verdict["privilege_escalation"].append(f"AssumeRole {row['detail']}")
        elif question == "full_admin":
            verdict["admin"] = True
        elif question == "pass_any_role":
            verdict["pass_role_any"] = verdict["pass_role_any"] or strict
        elif question == "assume_any_role":
            verdict["assume_role_any"] = verdict["assume_role_any"] or strict
        elif question in DATA_READS and strict:
            verdict["data_exfiltration"].append(row["title"].split(" ", 1)[0])
    return out


def control_statuses(database: Path, control: str) -> dict[str, str]:
    rows = json.loads(
        iamsql(
            "query",
            "--db",
            str(database),
            "-o",
            "json",
            f"select resource, status from iamsql_result where control_id = '{control}'",
        )
    )
    rows = rows.get("rows", rows) if isinstance(rows, dict) else rows
    return {row["resource"]: row["status"] for row in rows}


def held(category: str, verdict: dict | None) -> bool:
    if not verdict:
        return False
    return bool(verdict[category])


def compare(unit: str, keys: list[str], theirs: dict[str, dict], ours: dict[str, dict], report: dict) -> None:
    for key in keys:
        for category in COMPARED:
            cs, ia = held(category, theirs.get(key)), held(category, ours.get(key))
            cell = report.setdefault(
                (unit, category), {"both": 0, "neither": 0, "cloudsplaining only": [], "iamsql only": []}
            )
            if cs and ia:
                cell["both"] += 1
            elif not cs and not ia:
                cell["neither"] += 1
            else:
                side = "cloudsplaining only" if cs else "iamsql only"
                cell[side].append((key, (theirs.get(key) or {}).get(category), (ours.get(key) or {}).get(category)))
        for category in THEIRS_ONLY:
            cell = report.setdefault((unit, category), {"flagged": 0, "of": 0})
            cell["of"] += 1
            cell["flagged"] += bool((theirs.get(key) or {}).get(category))


def compare_paths(keys: list[str], theirs: dict[str, dict], ours: dict[str, dict], shared: set[str], report: dict):
    """Per policy, each escalation path both tools know: found by both, by Cloudsplaining only, by iamsql only."""
    cell = report.setdefault(("policy", "escalation path"), {"both": 0, "cloudsplaining only": [], "iamsql only": []})
    for key in keys:
        cs = set((theirs.get(key) or {}).get("privilege_escalation", [])) & shared
        ia = {path.split(" ", 1)[0] for path in (ours.get(key) or {}).get("privilege_escalation", [])} & shared
        cell["both"] += len(cs & ia)
        cell["cloudsplaining only"] += [(key, path, None) for path in sorted(cs - ia)]
        cell["iamsql only"] += [(key, None, path) for path in sorted(ia - cs)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", default=FILES, help="files to compare; pages of one output joined with '+'")
    parser.add_argument("--cloudsplaining-version", default="0.9.1")
    parser.add_argument("--cloudsplaining-venv", type=Path, help="keep Cloudsplaining's venv here between runs")
    parser.add_argument("--details", action="store_true", help="list every disagreement")
    args = parser.parse_args()
    report: dict = {}
    documents: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        scanner = cloudsplaining_venv(args.cloudsplaining_venv or work / "venv", args.cloudsplaining_version)
        exclusions = work / "exclusions.yml"
        exclusions.write_text(json.dumps(NOTHING_EXCLUDED))  # JSON is YAML
        for number, name in enumerate(args.files):
            details = joined([ROOT / page for page in name.split("+")])
            source = work / f"details{number}.json"
            source.write_text(json.dumps(details))
            policies = policies_of(details)
            principals = principal_policies(details)
            # Cloudsplaining: the scan, and its API per policy (what the scan computes per policy)
            out = work / f"scan{number}"
            out.mkdir()
            scan = subprocess.run(
                [
                    str(scanner),
                    "scan",
                    "--input-file",
                    str(source),
                    "--exclusions-file",
                    str(exclusions),
                    "--output",
                    str(out),
                    "--skip-open-report",
                ],
                capture_output=True,
                text=True,
            )
            if scan.returncode:
                print(f"{name}: Cloudsplaining's scan fails: {scan.stderr.strip().splitlines()[-1]}; not compared")
                continue
            scanned = json.loads(next(out.glob("iam-results-*.json")).read_text())
            answer = json.loads(
                subprocess.run(
                    [str(scanner.parent / "python"), "-c", CLOUDSPLAINING_API, json.dumps(NOTHING_EXCLUDED)],
                    input=json.dumps([[k, p["document"]] for k, p in policies.items()]),
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
            )
            api = answer["policies"]
            shared = set(answer["paths"]) & set(ESCALATION_PATHS)
            scan_escalation = {
                p["Arn"]: sorted(f["type"] for f in p["PrivilegeEscalation"]["findings"])
                for kind in ("aws_managed_policies", "customer_managed_policies")
                for p in scanned[kind].values()
            }
            mismatched = [k for k, v in scan_escalation.items() if k in api and api[k]["privilege_escalation"] != v]
            theirs_principals = {
                arn: {
                    c: (
                        sorted({t for k in keys if k in api for t in api[k][c]})
                        if c in ("privilege_escalation", "data_exfiltration", *THEIRS_ONLY)
                        else any(api[k][c] for k in keys if k in api)
                    )
                    for c in (*COMPARED, *THEIRS_ONLY)
                }
                for arn, keys in principals.items()
            }
            # iamsql: load and check the file; per policy, its stand-in user in a second database
            database = work / f"account{number}.duckdb"
            iamsql("load", "--db", str(database), str(source))
            iamsql("check", "--db", str(database), "--fail-on", "none", "--quiet", "--format", "csv")
            ours_principals = iamsql_verdicts(database, chains=True)
            statuses = control_statuses(database, "iam_principal_privilege_escalation")
            disagree_control = [
                arn
                for arn in principals
                if (statuses.get(arn) in ("alarm", "info")) != held("privilege_escalation", ours_principals.get(arn))
            ]
            augmented, stand_ins = with_stand_ins(details, policies)
            stand_in_file = work / f"stand-ins{number}.json"
            stand_in_file.write_text(json.dumps(augmented))
            stand_in_db = work / f"stand-ins{number}.duckdb"
            iamsql("load", "--db", str(stand_in_db), str(stand_in_file))
            ours_policies = {
                stand_ins[arn]: v for arn, v in iamsql_verdicts(stand_in_db, chains=False).items() if arn in stand_ins
            }
            print(
                f"{name}: {len(policies)} policies, "
                f"{len(principals)} principals; scan and API agree on escalation for "
                f"{len(scan_escalation) - len(mismatched)}/{len(scan_escalation)} managed policies; "
                f"control and iam_principal_access agree on {len(principals) - len(disagree_control)}/"
                f"{len(principals)} principals"
            )
            compare("policy", sorted(policies), api, ours_policies, report)
            compare("principal", sorted(principals), theirs_principals, ours_principals, report)
            compare_paths(sorted(policies), api, ours_policies, shared, report)
            documents.update({key: policy["document"] for key, policy in policies.items()})
    print("\n| unit | category | both | neither | Cloudsplaining only | iamsql only | agreement |")
    print("|---|---|---|---|---|---|---|")
    for (unit, category), cell in report.items():
        if category in COMPARED:
            total = cell["both"] + cell["neither"] + len(cell["cloudsplaining only"]) + len(cell["iamsql only"])
            print(
                f"| {unit} | {category} | {cell['both']} | {cell['neither']} | {len(cell['cloudsplaining only'])} "
                f"| {len(cell['iamsql only'])} | {(cell['both'] + cell['neither']) / total:.1%} |"
            )
    paths = report[("policy", "escalation path")]
    print(
        f"\nEscalation paths both tools know ({len(shared)}), per policy: found by both {paths['both']}, "
        f"by Cloudsplaining only {len(paths['cloudsplaining only'])}, by iamsql only {len(paths['iamsql only'])}"
    )
    print("\n| unit | Cloudsplaining category (no iamsql control) | flagged |")
    print("|---|---|---|")
    for (unit, category), cell in report.items():
        if category in THEIRS_ONLY:
            print(f"| {unit} | {category} | {cell['flagged']} of {cell['of']} |")
    if args.details:
        for (unit, category), cell in report.items():
            for side in ("cloudsplaining only", "iamsql only"):
                for key, cs, ia in cell.get(side, []):
                    print(f"{side}: {unit} {category} {key}: Cloudsplaining {cs}; iamsql {ia}")
                    if unit == "policy":
                        print(f"    {json.dumps(documents[key], sort_keys=True)[:800]}")


if __name__ == "__main__":
    main()

"""Benchmark: iamsql's whole job against Cloudsplaining's scan on the same account authorization details.

Cloudsplaining (https://github.com/salesforce/cloudsplaining) reads `aws iam get-account-authorization-details`
output and reports risky permissions; iamsql's whole job on the same file is ``load``, ``check`` (every control)
and ``report`` (the xlsx workbook). Both run as child processes, interleaved round by round on the same machine,
and each is measured with ``wait4``: CPU seconds (user + system) and peak RSS. Cloudsplaining is installed into a
throwaway venv by this script (``--cloudsplaining-venv`` keeps one between runs); it is not a dependency of iamsql.

Sizes: ``small`` is Cloudsplaining's own example account (tests/data/cloudsplaining/example.json: 44 users,
78 roles, 84 policies); ``large`` is that account copied ``--copies`` times with every user, group, role and
customer-managed policy renamed per copy (AWS managed policies stay shared, as in a real account).

    .venv/bin/python benchmarks/vs_cloudsplaining.py                 # small and large, 3 rounds each
    .venv/bin/python benchmarks/vs_cloudsplaining.py --sizes small --rounds 5
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "tests" / "data" / "cloudsplaining" / "example.json"


def run_measured(command: list[str], cwd: Path) -> tuple[float, int]:
    """CPU seconds and peak RSS (bytes) of one child process (and the children it waited for); exits on failure."""
    with tempfile.TemporaryFile("w+") as err:
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err, text=True, cwd=cwd)
        _, status, usage = os.wait4(child.pid, 0)
        if os.waitstatus_to_exitcode(status):
            err.seek(0)
            sys.exit(f"{' '.join(command[:3])} failed: {err.read().strip()[-2000:]}")
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024


def _renamed(entity: dict, name_key: str, id_key: str, copy_number: int) -> dict:
    entity = copy.deepcopy(entity)
    old_name, suffix = entity[name_key], f"-copy{copy_number}"
    entity[name_key] = old_name + suffix
    entity["Arn"] = entity["Arn"][: -len(old_name)] + old_name + suffix
    entity[id_key] = f"{entity[id_key][:12]}{copy_number:09d}"
    return entity


def _customer_arn(arn: str, copy_number: int) -> str:
    return arn if ":aws:policy/" in arn else f"{arn}-copy{copy_number}"


def _attached(entity: dict, copy_number: int) -> None:
    for attached in entity.get("AttachedManagedPolicies", []):
        if ":aws:policy/" not in attached["PolicyArn"]:
            attached["PolicyName"] += f"-copy{copy_number}"
            attached["PolicyArn"] = _customer_arn(attached["PolicyArn"], copy_number)
    if entity.get("PermissionsBoundary"):
        boundary = entity["PermissionsBoundary"]
        boundary["PermissionsBoundaryArn"] = _customer_arn(boundary["PermissionsBoundaryArn"], copy_number)


def replicate(details: dict, copies: int) -> dict:
    """The account copied ``copies`` times with per-copy names, ids and ARNs; AWS managed policies once."""
    out = {"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": [], "Policies": []}
    for number in range(copies):
        for user in details["UserDetailList"]:
            user = _renamed(user, "UserName", "UserId", number)
            user["GroupList"] = [f"{group}-copy{number}" for group in user.get("GroupList", [])]
            _attached(user, number)
            out["UserDetailList"].append(user)
        for group in details["GroupDetailList"]:
            group = _renamed(group, "GroupName", "GroupId", number)
            _attached(group, number)
            out["GroupDetailList"].append(group)
        for role in details["RoleDetailList"]:
            role = _renamed(role, "RoleName", "RoleId", number)
            _attached(role, number)
            out["RoleDetailList"].append(role)
        for policy in details["Policies"]:
            if ":aws:policy/" in policy["Arn"]:
                if number == 0:
                    out["Policies"].append(policy)
                continue
            out["Policies"].append(_renamed(policy, "PolicyName", "PolicyId", number))
    return out


def cloudsplaining_venv(folder: Path, version: str) -> Path:
    """The cloudsplaining executable of a venv in ``folder``, created and installed when missing."""
    executable = folder / "bin" / "cloudsplaining"
    if not executable.exists():
        subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
        subprocess.run([str(folder / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check",
                        f"cloudsplaining=={version}"], check=True)
    return executable


def iamsql_job(details: Path, work: Path) -> tuple[float, int]:
    """load + check + report of one account in a fresh database: summed CPU, largest peak RSS."""
    database = work / "job.duckdb"
    database.unlink(missing_ok=True)
    cli = [sys.executable, "-c", "from iamsql.cli import main; main()"]
    steps = [
        ["load", "--db", str(database), str(details)],
        ["check", "--db", str(database), "--fail-on", "none", "--format", "csv"],
        ["report", "--db", str(database), "--out", str(work / "job.xlsx")],
    ]
    measured = [run_measured(cli + step, work) for step in steps]
    return sum(cpu for cpu, _ in measured), max(rss for _, rss in measured)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["small", "large"], choices=["small", "large"])
    parser.add_argument("--copies", type=int, default=26, help="copies of the example account in 'large'")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cloudsplaining-version", default="0.9.1")
    parser.add_argument("--cloudsplaining-venv", type=Path, help="keep Cloudsplaining's venv here between runs")
    args = parser.parse_args()
    details = json.loads(EXAMPLE.read_text())
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        scanner = cloudsplaining_venv(args.cloudsplaining_venv or work / "cloudsplaining-venv",
                                      args.cloudsplaining_version)
        print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
              f"load average {os.getloadavg()[0]:.2f}; Cloudsplaining {args.cloudsplaining_version}")
        print("| account | users / roles / policies | tool | CPU s (median) | peak RSS MiB (median) "
              "| iamsql CPU / Cloudsplaining CPU | iamsql RSS / Cloudsplaining RSS |")
        print("|---|---|---|---|---|---|---|")
        (work / "cloudsplaining-out").mkdir()
        for size in args.sizes:
            account = details if size == "small" else replicate(details, args.copies)
            source = work / f"{size}.json"
            source.write_text(json.dumps(account))
            counts = "/".join(str(len(account[k])) for k in ("UserDetailList", "RoleDetailList", "Policies"))
            ours, theirs = [], []
            for _ in range(args.rounds):
                ours.append(iamsql_job(source, work))
                theirs.append(run_measured([str(scanner), "scan", "--input-file", str(source),
                                            "--output", str(work / "cloudsplaining-out")], work))
            cpu = [statistics.median(c for c, _ in runs) for runs in (ours, theirs)]
            rss = [statistics.median(r for _, r in runs) / 2**20 for runs in (ours, theirs)]
            for tool, index in (("iamsql load + check + report", 0), ("cloudsplaining scan", 1)):
                print(f"| {size} | {counts} | {tool} | {cpu[index]:.2f} | {rss[index]:.0f} "
                      f"| {cpu[0] / cpu[1]:.2f} | {rss[0] / rss[1]:.2f} |")
        print(f"load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()

"""Benchmark: iamsql's whole job against Cloudsplaining's scan on the same account authorization details.

Cloudsplaining (https://github.com/salesforce/cloudsplaining) reads `aws iam get-account-authorization-details`
output and reports risky permissions; iamsql's whole job on the same file is ``load``, ``check`` (every control)
and ``report`` (the xlsx workbook). Both run as child processes, interleaved round by round on the same machine,
and each is measured with ``wait4``: CPU seconds (user + system) and peak RSS. Cloudsplaining is installed into a
throwaway venv by this script (``--cloudsplaining-venv`` keeps one between runs); it is not a dependency of iamsql.

Translation cache: each iamsql tree gets its own ``IAMSQL_CACHE_DIR`` in the temporary folder; its first job runs
with that cache empty and is reported on its own ("cold"), the rounds after it run warm. ``--baseline DIR`` also
measures an older iamsql source tree (``git archive <commit> | tar -x -C DIR``) interleaved with this one and checks
that both give the same check results (control, resource, status, reason) on every size. Each round also runs
``iamsql evidence run`` (load, check and report in one process; it also writes the JSON and OCSF results) and, as
the fixed floor of one iamsql process, ``iamsql --help`` (Python start-up and the CLI's imports).

Sizes: ``small`` is Cloudsplaining's own example account (tests/data/cloudsplaining/example.json: 44 users,
78 roles, 84 policies); ``large`` is that account copied ``--copies`` times with every user, group, role and
customer-managed policy renamed per copy (AWS managed policies stay shared, as in a real account).

    .venv/bin/python benchmarks/vs_cloudsplaining.py                 # small and large, 3 rounds each
    .venv/bin/python benchmarks/vs_cloudsplaining.py --sizes small --rounds 5
    .venv/bin/python benchmarks/vs_cloudsplaining.py --baseline ../iamsql-before   # before/after in one run
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "tests" / "data" / "cloudsplaining" / "example.json"


def run_measured(command: list[str], cwd: Path, env: dict | None = None) -> tuple[float, int]:
    """CPU seconds and peak RSS (bytes) of one child process (and the children it waited for); exits on failure."""
    with tempfile.TemporaryFile("w+") as err:
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err, text=True, cwd=cwd, env=env)
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
        subprocess.run(
            [
                str(folder / "bin" / "pip"),
                "install",
                "--quiet",
                "--disable-pip-version-check",
                f"cloudsplaining=={version}",
            ],
            check=True,
        )
    return executable


class Iamsql:
    """One iamsql source tree run through its CLI in child processes, with its own translation cache and its
    modules compiled first, as installing the wheel compiles them (else every run compiles the sources)."""

    def __init__(self, label: str, tree: Path, work: Path):
        self.label, self.work = label, work / label
        self.work.mkdir()
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(tree / "iamsql")], check=True)
        self.env = {**os.environ, "PYTHONPATH": str(tree), "IAMSQL_CACHE_DIR": str(self.work / "cache")}
        # the installed command's entry point (``console``; ``main`` in a tree from before it)
        self.cli = [sys.executable, "-c", "import iamsql.cli as cli; getattr(cli, 'console', cli.main)()"]

    def run(self, *arguments: str) -> tuple[float, int]:
        return run_measured(self.cli + list(arguments), self.work, self.env)

    def job(self, details: Path) -> list[tuple[float, int]]:
        """load, check and report of one account in a fresh database: (CPU, peak RSS) of each command."""
        database = self.work / "job.duckdb"
        database.unlink(missing_ok=True)
        return [
            self.run("load", "--db", str(database), str(details)),
            self.run("check", "--db", str(database), "--fail-on", "none", "--format", "csv"),
            self.run("report", "--db", str(database), "--out", str(self.work / "job.xlsx")),
        ]

    def evidence_run(self, details: Path) -> tuple[float, int]:
        """``evidence run`` of the same file in one process, in a fresh database and evidence folder."""
        database, evidence = self.work / "evidence.duckdb", self.work / "evidence"
        database.unlink(missing_ok=True)
        shutil.rmtree(evidence, ignore_errors=True)
        return self.run(
            "evidence",
            "run",
            "--db",
            str(database),
            "--evidence-dir",
            str(evidence),
            "--source",
            str(details),
            "--fail-on",
            "none",
            "--quiet",
        )

    def results(self) -> list[tuple]:
        """The last job's check results: (control, account, resource, status, reason), sorted."""
        with duckdb.connect(str(self.work / "job.duckdb"), read_only=True) as con:
            return con.execute(
                "select control_id, account_id, resource, status, reason from iamsql_result order by all"
            ).fetchall()


def _median(values) -> float:
    return statistics.median(list(values))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["small", "large"], choices=["small", "large"])
    parser.add_argument("--copies", type=int, default=26, help="copies of the example account in 'large'")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cloudsplaining-version", default="0.9.1")
    parser.add_argument("--cloudsplaining-venv", type=Path, help="keep Cloudsplaining's venv here between runs")
    parser.add_argument("--baseline", type=Path, help="an older iamsql source tree, measured and compared too")
    args = parser.parse_args()
    details = json.loads(EXAMPLE.read_text())
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        scanner = cloudsplaining_venv(
            args.cloudsplaining_venv or work / "cloudsplaining-venv", args.cloudsplaining_version
        )
        trees = [Iamsql("iamsql", ROOT, work)]
        if args.baseline:
            trees.append(Iamsql("baseline", args.baseline.resolve(), work))
        print(
            f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
            f"load average {os.getloadavg()[0]:.2f}; Cloudsplaining {args.cloudsplaining_version}; "
            f"medians of {args.rounds} rounds, translation cache warm unless the row says cold"
        )
        print(
            "| account | users / roles / policies | tool | CPU s | peak RSS MiB | CPU / Cloudsplaining's "
            "| RSS / Cloudsplaining's | load / check / report CPU s |"
        )
        print("|---|---|---|---|---|---|---|---|")
        (work / "cloudsplaining-out").mkdir()
        for size in args.sizes:
            account = details if size == "small" else replicate(details, args.copies)
            source = work / f"{size}.json"
            source.write_text(json.dumps(account))
            counts = "/".join(str(len(account[k])) for k in ("UserDetailList", "RoleDetailList", "Policies"))
            measured: dict[str, list] = {}  # row name -> per round, (CPU, peak RSS) of each process
            for tree in trees:
                if size == args.sizes[0]:
                    measured.setdefault(f"{tree.label} load + check + report (cold cache)", []).append(tree.job(source))
            for _ in range(args.rounds):
                for tree in trees:
                    measured.setdefault(f"{tree.label} load + check + report", []).append(tree.job(source))
                    measured.setdefault(f"{tree.label} evidence run (one process)", []).append(
                        [tree.evidence_run(source)]
                    )
                    measured.setdefault(f"{tree.label} --help (one process's start-up floor)", []).append(
                        [tree.run("--help")]
                    )
                measured.setdefault("cloudsplaining scan", []).append(
                    [
                        run_measured(
                            [
                                str(scanner),
                                "scan",
                                "--input-file",
                                str(source),
                                "--output",
                                str(work / "cloudsplaining-out"),
                            ],
                            work,
                        )
                    ]
                )
            theirs = measured["cloudsplaining scan"]
            their_cpu = _median(steps[0][0] for steps in theirs)
            their_rss = _median(steps[0][1] for steps in theirs)
            for name, runs in measured.items():
                cpu = _median(sum(c for c, _ in steps) for steps in runs)
                rss = _median(max(r for _, r in steps) for steps in runs) / 2**20
                split = (
                    " / ".join(f"{_median(steps[i][0] for steps in runs):.2f}" for i in range(3))
                    if len(runs[0]) == 3
                    else ""
                )
                print(
                    f"| {size} | {counts} | {name} | {cpu:.2f} | {rss:.0f} | {cpu / their_cpu:.2f} "
                    f"| {rss / (their_rss / 2**20):.2f} | {split} |"
                )
            print(f"{size}, per round (the rounds' own Cloudsplaining CPU):")
            for name, runs in measured.items():
                if "(cold cache)" not in name and name != "cloudsplaining scan":
                    ratios = [sum(c for c, _ in steps) / their[0][0] for steps, their in zip(runs, theirs)]
                    print(f"- {name} / Cloudsplaining's: {' '.join(f'{r:.2f}' for r in ratios)}")
            if args.baseline:
                for row in ("load + check + report", "evidence run (one process)"):
                    ours, before = measured[f"iamsql {row}"], measured[f"baseline {row}"]
                    ratios = [sum(c for c, _ in a) / sum(c for c, _ in b) for a, b in zip(ours, before)]
                    print(f"- iamsql {row} / baseline's: {' '.join(f'{r:.2f}' for r in ratios)}, "
                          f"median {_median(ratios):.2f}")
                same = trees[0].results() == trees[1].results()
                print(
                    f"{size}: check results (control, account, resource, status, reason) of iamsql and the "
                    f"baseline: {'identical' if same else 'DIFFERENT'} ({len(trees[0].results())} rows)"
                )
                if not same:
                    sys.exit(1)
        print(f"load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()

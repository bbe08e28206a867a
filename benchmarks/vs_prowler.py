"""Benchmark: iamsql's whole job against Prowler's IAM and CloudTrail checks on the same moto account.

A moto server (``ThreadedMotoServer`` on 127.0.0.1, in this process) gets one account: the collection tests'
account (users with keys and MFA, roles, policies, a password policy, two trails, one multi-region and logging)
plus ``--users`` users, ``--roles`` roles and ``--policies`` customer managed policies from
``benchmarks/collect_bench.py``'s generator (attached and inline policies, groups, access keys, virtual MFA).
Then, interleaved round by round, each as child processes pointed at the server with ``AWS_ENDPOINT_URL``:

- **iamsql**: ``collect`` (which loads the evidence folder into a fresh database with the code of ``load``),
  ``check`` (every control) and ``report`` (the xlsx workbook), three processes;
- **iamsql evidence run**: the same job in one process (``evidence run``: collect, check, the workbook, JSON and
  OCSF results and a hashed manifest in a dated folder);
- **Prowler**: ``prowler aws --services iam cloudtrail`` in the same region, CSV output only.

iamsql runs as the installed ``iamsql`` command does (its ``console`` entry point), from this tree and, with
``--baseline DIR``, from an older tree in the same rounds, each with its own translation cache (the first round's
``check`` of a tree builds it) and its modules compiled first. Each command is measured with ``wait4``: CPU
seconds (user + system of the process and the children it waited for), wall time and peak RSS; for iamsql the sum
of its commands' CPU and wall and the largest of their peaks. The moto server's own CPU is in this process and
counted for neither. Prowler is installed into a throwaway venv by this script (``--prowler-venv`` keeps one
between runs); it is not a dependency of iamsql.

    .venv/bin/python benchmarks/vs_prowler.py                       # 3 rounds, 100 users / 100 roles / 50 policies
    .venv/bin/python benchmarks/vs_prowler.py --rounds 5 --users 500 --roles 500 --policies 200
    .venv/bin/python benchmarks/vs_prowler.py --baseline ../iamsql-before       # before/after in the same rounds
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import boto3

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.collect_bench import ACCOUNT, build  # noqa: E402
from benchmarks.vs_cloudsplaining import Iamsql  # noqa: E402
from tests.fixtures.moto import moto_environment, populate_account, serve_entity_tags  # noqa: E402

REGION = "us-east-1"


def run_measured(command: list[str], cwd: Path, allowed: tuple[int, ...] = (0,),
                 env: dict | None = None) -> tuple[float, float, int]:
    """CPU seconds, wall seconds and peak RSS (bytes) of one child process (and the children it waited for); exits
    when its exit code is not in ``allowed``."""
    with tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err, text=True, cwd=cwd, env=env)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) not in allowed:
            err.seek(0)
            sys.exit(
                f"{' '.join(command[:4])} failed ({os.waitstatus_to_exitcode(status)}): {err.read().strip()[-3000:]}"
            )
    return usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss * 1024


def prowler_venv(folder: Path, version: str) -> Path:
    """The prowler executable of a venv in ``folder``, created and installed when missing."""
    executable = folder / "bin" / "prowler"
    if not executable.exists():
        subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
        subprocess.run(
            [str(folder / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check", f"prowler=={version}"],
            check=True,
        )
    return executable


def iamsql_job(tree: Iamsql, round_number: int) -> tuple[float, float, int]:
    """collect (and its load) + check + report in a fresh database: summed CPU and wall, largest peak RSS."""
    database = tree.work / f"iamsql-{round_number}.duckdb"
    steps = [
        [
            "collect",
            "--db",
            str(database),
            "--region",
            REGION,
            "--quiet",
            "--evidence-dir",
            str(tree.work / f"evidence-{round_number}"),
        ],
        ["check", "--db", str(database), "--fail-on", "none", "--format", "csv"],
        ["report", "--db", str(database), "--out", str(tree.work / f"iamsql-{round_number}.xlsx")],
    ]
    measured = [run_measured(tree.cli + step, tree.work, env=tree.env) for step in steps]
    print(
        f"  {tree.label} "
        + ", ".join(f"{step[0]} {cpu:.2f} CPU-s {rss / 2**20:.0f} MiB" for step, (cpu, _, rss) in zip(steps, measured)),
        file=sys.stderr,
    )
    return sum(m[0] for m in measured), sum(m[1] for m in measured), max(m[2] for m in measured)


def evidence_job(tree: Iamsql, round_number: int) -> tuple[float, float, int]:
    """``evidence run``: collect, check and report in one process, into a fresh database and folder."""
    command = [
        "evidence",
        "run",
        "--region",
        REGION,
        "--db",
        str(tree.work / f"evidence-run-{round_number}.duckdb"),
        "--quiet",
        "--fail-on",
        "none",
        "--evidence-dir",
        str(tree.work / f"evidence-runs-{round_number}"),
    ]
    return run_measured(tree.cli + command, tree.work, env=tree.env)


def prowler_job(prowler: Path, work: Path, round_number: int) -> tuple[float, float, int]:
    """Prowler's IAM and CloudTrail checks in one region, CSV output; exit code 3 means "findings failed"."""
    output = work / f"prowler-{round_number}"
    command = [
        str(prowler),
        "aws",
        "--services",
        "iam",
        "cloudtrail",
        "-f",
        REGION,
        "--output-formats",
        "csv",
        "--output-directory",
        str(output),
        "--no-banner",
        "--ignore-exit-code-3",
    ]
    return run_measured(command, work, allowed=(0, 3))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--roles", type=int, default=100)
    parser.add_argument("--policies", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--prowler-version", default="5.46.0")
    parser.add_argument("--prowler-venv", type=Path, help="keep Prowler's venv here between runs")
    parser.add_argument("--baseline", type=Path, help="an older iamsql source tree, measured in the same rounds")
    args = parser.parse_args()

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.CRITICAL)  # moto's tracebacks for the APIs it does not serve
    serve_entity_tags()  # the tag calls collect makes that moto does not serve
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    endpoint = "http://%s:%d" % server.get_host_and_port()
    with tempfile.TemporaryDirectory() as tmp, moto_environment(endpoint, Path(tmp)):
        work = Path(tmp)
        prowler = prowler_venv(args.prowler_venv or work / "prowler-venv", args.prowler_version)
        session = boto3.Session(region_name=REGION)
        populate_account(session, ACCOUNT)
        build(session, args.users, args.roles, args.policies)
        print(
            f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
            f"load average {os.getloadavg()[0]:.2f}; Prowler {args.prowler_version}; account: "
            f"{args.users + 3} users, {args.roles + 2} roles, {args.policies + 2} customer managed policies, 2 trails"
        )
        trees = [Iamsql("iamsql", Path(__file__).resolve().parent.parent, work)]
        if args.baseline:
            trees.append(Iamsql("baseline", args.baseline.resolve(), work))
        tools = {}
        for tree in trees:
            tools[f"{tree.label} collect + check + report"] = lambda number, tree=tree: iamsql_job(tree, number)
            tools[f"{tree.label} evidence run (one process)"] = lambda number, tree=tree: evidence_job(tree, number)
        tools["prowler aws --services iam cloudtrail"] = lambda number: prowler_job(prowler, work, number)
        runs: dict[str, list[tuple[float, float, int]]] = {tool: [] for tool in tools}
        for number in range(args.rounds):
            for tool, job in tools.items():
                runs[tool].append(job(number))
            print(
                f"round {number + 1} (load {os.getloadavg()[0]:.1f}): "
                + ", ".join(f"{tool} {runs[tool][-1][0]:.2f} CPU-s" for tool in tools),
                file=sys.stderr,
            )
        prowler_runs = runs["prowler aws --services iam cloudtrail"]
        their = [statistics.median(run[i] for run in prowler_runs) for i in range(3)]
        print("| tool | CPU s | wall s | peak RSS MiB | Prowler / tool: CPU (per round) | wall | peak RSS |")
        print("|---|---|---|---|---|---|---|")
        for tool, measured in runs.items():
            cpu, wall, rss = (statistics.median(run[i] for run in measured) for i in range(3))
            per_round = ", ".join(f"x{theirs[0] / ours[0]:.1f}" for ours, theirs in zip(measured, prowler_runs))
            ratios = (
                "| | |"
                if measured is prowler_runs
                else f"x{their[0] / cpu:.1f} ({per_round}) | x{their[1] / wall:.1f} | x{their[2] / rss:.2f} |"
            )
            print(f"| {tool} | {cpu:.2f} | {wall:.1f} | {rss / 2**20:.0f} | {ratios}")
        if args.baseline:
            for job in ("collect + check + report", "evidence run (one process)"):
                ratios = [ours[0] / before[0] for ours, before in zip(runs[f"iamsql {job}"], runs[f"baseline {job}"])]
                print(f"- iamsql {job} / baseline's CPU per round: {' '.join(f'{r:.2f}' for r in ratios)}, "
                      f"median {statistics.median(ratios):.2f}")
        print(f"load average at the end {os.getloadavg()[0]:.2f}")
    server.stop()


if __name__ == "__main__":
    main()

"""Benchmark: ``iamsql evidence run`` (load, check, report in one process) against Cloudsplaining's scan of the
same file, round by round: issue 16 item 1 (the small account's whole job <= 0.4 of Cloudsplaining's CPU).

Each round runs, interleaved, this tree's ``evidence run`` (a new database and evidence folder each time,
translation cache warm: one run per tree before the rounds fills it), the baseline's when ``--baseline DIR`` is
given (which of the two goes first alternates), and ``cloudsplaining scan``. Every process is measured with
``wait4`` (CPU = user + system, peak RSS, ``vs_cloudsplaining.run_measured``). Printed: each round's CPU seconds
and its ratio to Cloudsplaining's scan of the same round, then the medians, the peak RSS and this tree / the
baseline per round. Cloudsplaining is installed into a throwaway venv (``--cloudsplaining-venv`` keeps one).

    .venv/bin/python benchmarks/evidence_vs_cloudsplaining.py --rounds 5
    git archive <commit> | tar -x -C ../iamsql-before
    .venv/bin/python benchmarks/evidence_vs_cloudsplaining.py --baseline ../iamsql-before --rounds 5
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.vs_cloudsplaining import EXAMPLE, ROOT, Iamsql, cloudsplaining_venv, run_measured  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--source", type=Path, default=EXAMPLE, help="account authorization details to scan")
    parser.add_argument("--baseline", type=Path, help="an older iamsql source tree, measured in the same rounds")
    parser.add_argument("--cloudsplaining-version", default="0.9.1")
    parser.add_argument("--cloudsplaining-venv", type=Path, help="keep Cloudsplaining's venv here between runs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        scanner = cloudsplaining_venv(args.cloudsplaining_venv or work / "venv", args.cloudsplaining_version)
        trees = [Iamsql("iamsql", ROOT, work)]
        if args.baseline:
            trees.append(Iamsql("baseline", args.baseline.resolve(), work))
        for tree in trees:  # fills each tree's translation cache
            tree.evidence_run(args.source)
        (work / "out").mkdir()
        scan = [str(scanner), "scan", "--input-file", str(args.source), "--output", str(work / "out")]
        print(
            f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"Cloudsplaining {args.cloudsplaining_version}; load average at the start {os.getloadavg()[0]:.2f}"
        )
        measured: dict[str, list[tuple[float, int]]] = {tree.label: [] for tree in trees}
        measured["cloudsplaining"] = []
        for number in range(args.rounds):
            for tree in trees if number % 2 == 0 else trees[::-1]:
                measured[tree.label].append(tree.evidence_run(args.source))
            measured["cloudsplaining"].append(run_measured(scan, work))
            theirs = measured["cloudsplaining"][-1][0]
            print(
                f"round {number + 1} (load {os.getloadavg()[0]:.2f}): "
                + ", ".join(
                    f"{label} {runs[-1][0]:.2f} CPU-s ({runs[-1][0] / theirs:.2f})" for label, runs in measured.items()
                )
            )
        theirs = [cpu for cpu, _ in measured["cloudsplaining"]]
        for label, runs in measured.items():
            ratios = [cpu / their for (cpu, _), their in zip(runs, theirs)]
            print(
                f"{label}: CPU-s median {statistics.median(c for c, _ in runs):.2f} "
                f"(min {min(c for c, _ in runs):.2f}), peak RSS {max(r for _, r in runs) / 2**20:.0f} MiB, "
                f"/ Cloudsplaining's per round {' '.join(f'{r:.2f}' for r in ratios)}, "
                f"median {statistics.median(ratios):.2f}"
            )
        if args.baseline:
            ratios = [a / b for (a, _), (b, _) in zip(measured["iamsql"], measured["baseline"])]
            print(
                f"iamsql / baseline per round: {' '.join(f'{r:.2f}' for r in ratios)}, "
                f"median {statistics.median(ratios):.2f}"
            )


if __name__ == "__main__":
    main()

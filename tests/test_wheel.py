"""The built wheel works on its own: build it from the repository, install it into a fresh virtual environment,
and from a folder outside the repository load the bundled sample, run every control, write a workbook and query a
helper view. This is what a user gets from ``pip install iamsql``; the editable install the other tests use would
find ``queries/`` and ``mappings/`` in the source tree and hide a file missing from the wheel.

The new environment gets the running environment's packages through a ``.pth`` file rather than a second
download of every dependency (seconds instead of minutes); its own site-packages comes first, so ``iamsql`` is
imported from the wheel, which the test checks."""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
# What the build reads: the package, the data folders setup.py copies into it, and the project metadata.
SOURCES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "iamsql", "queries", "mappings")


def run(cmd: list, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    result = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"{cmd} exited {result.returncode}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """Build the wheel from a copy of the sources (so no stale build/ folder of the checkout leaks in)."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    src.mkdir()
    for name in SOURCES:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(REPO / name, src / name)
    # The running environment's setuptools (pinned by the constraints file) builds it: no download.
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--disable-pip-version-check",
         "-q", "-w", tmp / "dist", src], cwd=tmp)
    (built,) = (tmp / "dist").glob("iamsql-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> dict:
    """A fresh venv with the wheel installed; returns the command prefix and environment to run ``iamsql``."""
    venv = tmp_path_factory.mktemp("venv") / "env"
    run([sys.executable, "-m", "venv", venv], cwd=venv.parent)
    scripts = venv / ("Scripts" if os.name == "nt" else "bin")
    python = scripts / ("python.exe" if os.name == "nt" else "python")
    purelib = Path(run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                       cwd=venv.parent).stdout.strip())
    # The dependencies: this environment's site-packages, after the new one's (a plain path line: the
    # editable install's own .pth file there is not processed, so the checkout stays invisible).
    here = [p for p in {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"], *site.getsitepackages()}
            if Path(p).is_dir()]
    (purelib / "zz_iamsql_test_dependencies.pth").write_text("\n".join(sorted(here)) + "\n", encoding="utf-8")
    # The checkout stays out of pip's sight too: on PYTHONPATH, a checkout where a wheel was built has an
    # iamsql.egg-info that pip takes for an installed iamsql, and then installs nothing.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "IAMSQL_", "VIRTUAL_ENV"))}
    run([python, "-m", "pip", "install", "--no-deps", "--no-index", "--disable-pip-version-check", "-q", wheel],
        cwd=venv.parent, env=env)
    env["PATH"] = f"{scripts}{os.pathsep}{env.get('PATH', '')}"
    # An empty translation cache of its own: the wheel's translator runs on every control, and nothing is
    # written to the user's cache.
    env["IAMSQL_CACHE_DIR"] = str(tmp_path_factory.mktemp("wheel-cache"))
    return {"python": python, "iamsql": scripts / ("iamsql.exe" if os.name == "nt" else "iamsql"), "env": env,
            "purelib": purelib}


def test_wheel_ships_every_query_view_and_mapping(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in ("queries", "mappings"):
        expected = {f"iamsql/{folder}/{p.relative_to(REPO / folder).as_posix()}"
                    for p in (REPO / folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts}
        assert expected and expected <= names, sorted(expected - names)
    assert any(n.startswith("iamsql/queries/views/") for n in names)
    assert any(n.startswith("iamsql/mappings/catalogs/") for n in names)
    assert any(n.startswith("iamsql/sample/") for n in names)


def test_installed_wheel_loads_checks_reports_and_queries(installed, tmp_path):
    where = run([installed["python"], "-c", "import iamsql; print(iamsql.__file__)"], cwd=tmp_path,
                env=installed["env"]).stdout.strip()
    assert Path(where).resolve().is_relative_to(installed["purelib"].resolve()), where

    def iamsql(*args: str) -> str:
        return run([installed["iamsql"], *args], cwd=tmp_path, env=installed["env"]).stdout

    iamsql("load", "--sample")
    assert (tmp_path / "iamsql.duckdb").exists()

    rows = [json.loads(line) for line in iamsql("check", "--fail-on", "none", "--format", "jsonl").splitlines()]
    assert len(rows) > 0
    errors = [r for r in rows if r["status"] == "error"]
    assert not errors, errors[:5]
    assert {r["status"] for r in rows} & {"ok", "alarm"}

    iamsql("report", "--out", "x.xlsx")
    import openpyxl

    workbook = openpyxl.load_workbook(tmp_path / "x.xlsx", read_only=True)
    assert len(workbook.sheetnames) > 1
    workbook.close()

    accounts = json.loads(iamsql("query", "--format", "json", "select * from aws_account"))["rows"]
    assert len(accounts) >= 1 and all(a["account_id"] for a in accounts)


def test_installed_wheel_runs_the_users_own_controls_and_mappings(installed, tmp_path):
    """A user of the wheel has no clone to edit: ``--queries`` and ``--mappings`` take their own folders (a mapping
    without its catalog uses the shipped one)."""
    def iamsql(*args: str) -> str:
        return run([installed["iamsql"], *args], cwd=tmp_path, env=installed["env"]).stdout

    iamsql("load", "--sample", "--quiet")
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "my_users.sql").write_text(
        "/*\ntitle: Users listed\ndescription: One row per user.\nseverity: low\nresource_type: AWS::IAM::User\n"
        "rationale: Mine.\nremediation: None.\ntables: [aws_iam_user]\n*/\n"
        "select arn as resource, 'ok' as status, name as reason, account_id, region from aws_iam_user\n",
        encoding="utf-8")
    (tmp_path / "maps").mkdir()
    shipped = iamsql("frameworks", "owasp-nhi-2025", "--format", "json")
    assert "NHI1:2025" in shipped
    python = installed["python"]
    source = run([python, "-c", "import iamsql, pathlib; print((pathlib.Path(iamsql.__file__).parent / 'mappings' / "
                  "'owasp-nhi-2025.yaml').read_text(encoding='utf-8'))"], cwd=tmp_path, env=installed["env"]).stdout
    head = source[: source.index("requirements:")]
    (tmp_path / "maps" / "owasp-nhi-2025.yaml").write_text(
        head + "requirements:\n- id: NHI1:2025\n  controls:\n    my_users: Every user listed is one to offboard.\n",
        encoding="utf-8")
    rows = [json.loads(line) for line in iamsql("check", "--queries", "mine", "--mappings", "maps", "--fail-on", "none",
                                                "--format", "jsonl", "--quiet").splitlines()]
    assert rows and {(r["control_id"], tuple(r["requirements"])) for r in rows} == {
        ("my_users", ("owasp-nhi-2025:NHI1:2025",))}

"""Evidence that cannot be rewritten quietly: each run's manifest links to the previous run's manifest by its
SHA-256, ``evidence verify`` walks the chain (missing runs, missing manifests, broken links) and, with ``--db``,
checks every manifest against the run history. Unreadable entries are one-line errors."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from iamsql import scheduled as evidence
from iamsql.common.resources import SAMPLE_DIR
from tests.test_evidence import ACCOUNT, basic_toml

IAMSQL = str(Path(sys.executable).parent / "iamsql")


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    """Three runs of one evidence folder, copied fresh for each test."""
    base = tmp_path_factory.mktemp("chain")
    config = evidence.load_config(basic_toml(base), env={})
    runs = [evidence.run(config) for _ in range(3)]
    return base, runs


@pytest.fixture
def fresh(chain, tmp_path):
    base, runs = chain
    shutil.copytree(base / "evidence", tmp_path / "evidence", symlinks=True)
    shutil.copyfile(base / "audit.duckdb", tmp_path / "audit.duckdb")
    folders = [tmp_path / "evidence" / ACCOUNT / r.folder.name for r in runs]
    return tmp_path / "evidence", tmp_path / "audit.duckdb", folders


def manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text())


def failures(results) -> dict[str, list[str]]:
    return {r.folder.name: (([r.manifest_problem] if not r.manifest_ok else []) + r.changed + r.problems)
            for r in results if not r.ok}


def cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    return subprocess.run([IAMSQL, *args], capture_output=True, text=True, env=env, timeout=120)


def test_each_manifest_links_to_the_previous_one(fresh):
    root, db, folders = fresh
    assert manifest(folders[0])["chain"] == {"sequence": 1, "previous": None}
    for before, after in zip(folders, folders[1:]):
        link = manifest(after)["chain"]
        assert link["previous"] == {"folder": before.name, "run_id": manifest(before)["run_id"],
                                    "manifest_sha256": hashlib.sha256((before / "manifest.json").read_bytes()).hexdigest()}
    assert [manifest(f)["chain"]["sequence"] for f in folders] == [1, 2, 3]
    results = evidence.verify(root, db=db)
    assert all(r.ok for r in results) and len(results) == 3
    result = cli("evidence", "verify", str(root), "--db", str(db))
    assert result.returncode == 0 and result.stdout.count("ok ") == 3, result.stdout + result.stderr


def rewrite_consistently(folder: Path) -> None:
    """The forger's edit: a raw file, its manifest entry and the manifest's .sha256 sidecar, all consistent."""
    raw = sorted((folder / "raw").rglob("*.json"))[0]
    raw.write_text(raw.read_text().replace("123456789012", "999999999999", 1))
    data = manifest(folder)
    entry = data["files"][raw.relative_to(folder).as_posix()]
    entry["sha256"], entry["bytes"] = hashlib.sha256(raw.read_bytes()).hexdigest(), raw.stat().st_size
    text = json.dumps(data, indent=2) + "\n"
    (folder / "manifest.json").write_text(text)
    (folder / "manifest.sha256").write_text(f"{hashlib.sha256(text.encode()).hexdigest()}  manifest.json\n")


def test_consistent_rewrite_of_a_middle_run_breaks_the_next_link(fresh):
    root, db, folders = fresh
    rewrite_consistently(folders[1])
    assert evidence.verify_run(folders[1]).ok  # on its own, the forged run looks intact
    found = failures(evidence.verify(root))
    assert list(found) == [folders[2].name]
    assert "broken link" in found[folders[2].name][0] and folders[1].name in found[folders[2].name][0]
    found = failures(evidence.verify(root, db=db))
    assert set(found) == {folders[1].name, folders[2].name}
    assert any("differs from the one stored" in p for p in found[folders[1].name])


def test_consistent_rewrite_of_the_newest_run_is_caught_by_the_database(fresh):
    root, db, folders = fresh
    rewrite_consistently(folders[2])
    assert all(r.ok for r in evidence.verify(root))  # nothing links to the newest run: only the database knows
    found = failures(evidence.verify(root, db=db))
    assert list(found) == [folders[2].name] and "differs from the one stored" in found[folders[2].name][0]
    result = cli("evidence", "verify", str(root), "--db", str(db))
    assert result.returncode == 1 and f"FAILED {folders[2]}" in result.stdout


def test_deleted_run_folder_is_named(fresh):
    root, db, folders = fresh
    shutil.rmtree(folders[1])
    found = failures(evidence.verify(root))
    assert found == {folders[2].name: [f"missing run: {folders[1].name} (the previous run this manifest links to)"]}
    result = cli("evidence", "verify", str(root))
    assert result.returncode == 1 and f"missing run: {folders[1].name}" in result.stdout


def test_deleted_newest_run_folder_is_named_by_the_database(fresh):
    root, db, folders = fresh
    shutil.rmtree(folders[2])
    assert all(r.ok for r in evidence.verify(root))
    found = failures(evidence.verify(root, db=db))
    assert any(f"missing run: {folders[2].name}" in p for p in found[folders[1].name])


def test_deleted_oldest_run_folder_is_named_by_its_successor(fresh):
    root, db, folders = fresh
    shutil.rmtree(folders[0])
    found = failures(evidence.verify(root))
    assert found == {folders[1].name: [f"missing run: {folders[0].name} (the previous run this manifest links to)"]}


@pytest.mark.parametrize("removed", ["manifest.json", "manifest.sha256"])
def test_deleted_manifest_is_named(fresh, removed):
    root, db, folders = fresh
    (folders[1] / removed).unlink()
    found = failures(evidence.verify(root))
    assert found[folders[1].name][0] == f"{removed} is missing"
    if removed == "manifest.json":
        assert found[folders[2].name] == [f"broken link: {folders[1].name}/manifest.json is missing"]
    result = cli("evidence", "verify", str(root))
    assert result.returncode == 1 and f"FAILED {folders[1]}: {removed} is missing" in result.stdout


def test_retention_pruning_is_a_note_not_a_failure(tmp_path):
    config = evidence.load_config(basic_toml(tmp_path, "[retention]\nkeep_runs = 2"), env={})
    runs = [evidence.run(config) for _ in range(3)]
    results = evidence.verify(tmp_path / "evidence", db=tmp_path / "audit.duckdb")
    assert [r.folder for r in results] == [runs[1].folder, runs[2].folder] and all(r.ok for r in results)
    assert any("chain starts here" in n for n in results[0].notes)


def one_line_error(result: subprocess.CompletedProcess, *fragments: str, code: int = 2) -> None:
    assert result.returncode == code and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


@pytest.mark.parametrize("kind", ["symlink-loop", "broken-symlink", "folder-loop"])
def test_unreadable_entry_in_a_run_folder_is_one_line(fresh, kind):
    root, db, folders = fresh
    bad = folders[1] / "raw" / "bad"
    if kind == "symlink-loop":
        bad.symlink_to(bad)
    elif kind == "broken-symlink":
        bad.symlink_to(folders[1] / "nowhere")
    else:
        bad.symlink_to(folders[1] / "raw")  # a folder link is hashed as a link target, never walked into
    result = cli("evidence", "verify", str(root))
    if kind == "folder-loop":
        one_line_error(result, str(bad))
    else:
        one_line_error(result, str(bad), "symlink loop" if kind == "symlink-loop" else "broken symlink")


def test_symlink_loop_among_run_folders_is_one_line(fresh):
    root, db, folders = fresh
    loop = root / ACCOUNT / "20991231T000000Z"
    loop.symlink_to(loop)
    one_line_error(cli("evidence", "verify", str(root)), str(loop), "symlink loop")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a chmod 000 folder anyway")
def test_permission_denied_is_one_line(fresh):
    root, db, folders = fresh
    locked = folders[1] / "raw"
    locked.chmod(0)
    try:
        one_line_error(cli("evidence", "verify", str(root)), str(locked))
    finally:
        locked.chmod(0o755)


def test_unreadable_source_of_an_evidence_run_is_one_line(tmp_path):
    from tests.test_evidence import write_config

    source = tmp_path / "src"
    source.mkdir()
    (source / "gone.json").symlink_to(source / "nowhere.json")
    path = write_config(tmp_path / "iamsql.toml", f'db = "audit.duckdb"\nevidence_dir = "evidence"\n'
                        f'[sources]\npaths = ["{source}"]\n')
    one_line_error(cli("evidence", "run", "-c", str(path), "--quiet"), "gone.json", code=254)  # a failed run


def test_a_broken_source_of_an_evidence_run_is_named_as_given(tmp_path):
    """The load reads copies in the run's hidden folder, which a failed run removes: the error names the file of
    sources.paths (it named .incomplete-.../raw/01-trunc.json.gz)."""
    from tests.test_evidence import write_config

    source = tmp_path / "exports"
    source.mkdir()
    (source / "trunc.json.gz").write_bytes(gzip.compress(b'{"Records": []}' * 200)[:40])
    path = write_config(tmp_path / "iamsql.toml", f'db = "audit.duckdb"\nevidence_dir = "evidence"\n'
                        f'[sources]\npaths = ["{source}"]\n')
    result = cli("evidence", "run", "-c", str(path), "--quiet")
    one_line_error(result, f"error: {source / 'trunc.json.gz'}: truncated or corrupt gzip file", code=254)
    assert ".incomplete-" not in result.stderr


def test_a_partly_loaded_table_of_an_evidence_run_is_named_as_given(tmp_path):
    """The warning about a table loaded in part named the copy below the run folder (raw/01-exports/...), where
    docs/scheduling.md says the load's warnings name the files as sources.paths gives them."""
    from tests.test_evidence import write_config

    source = tmp_path / "exports"
    source.mkdir()
    shutil.copy(SAMPLE_DIR / "aws_cli_examples" / "list-access-keys_1.json", source / "keys.json")
    shutil.copy(SAMPLE_DIR / "aws_cli_examples" / "list-users_1.json", source / "users.json")
    path = write_config(tmp_path / "iamsql.toml", f'db = "audit.duckdb"\nevidence_dir = "evidence"\n'
                        f'fail_on = "none"\n[sources]\npaths = ["{source}"]\n')
    result = cli("evidence", "run", "-c", str(path), "--quiet")
    assert result.returncode == 0, result.stderr
    (warning,) = [line for line in result.stderr.splitlines() if "only part of aws_iam_access_key" in line]
    assert f"({source / 'keys.json'}: list-access-keys lists the keys of Bob only)" in warning, warning
    assert "raw/" not in result.stderr


def chained_run(parent: Path, name: str, run_id: int) -> Path:
    """A minimal run folder as a run writes it: one file, a manifest linked to the newest run, its sidecar."""
    from iamsql.scheduled.folder import chain_link, hash_tree

    folder = parent / name
    folder.mkdir(parents=True)
    (folder / "results.json").write_text(json.dumps({"run": run_id}))
    text = json.dumps({"run_id": run_id, "chain": chain_link(parent), "files": hash_tree(folder)})
    (folder / "manifest.json").write_text(text)
    (folder / "manifest.sha256").write_text(f"{hashlib.sha256(text.encode()).hexdigest()}  manifest.json\n")
    return folder


def test_more_than_nine_runs_in_one_second_keep_their_order(tmp_path):
    from datetime import datetime, timezone

    from iamsql.scheduled.run import _final_folder

    parent = tmp_path / "evidence" / ACCOUNT
    started = datetime(2026, 3, 1, 2, 0, 0, 500, tzinfo=timezone.utc)
    made = [chained_run(parent, _final_folder(parent, started).name, run_id) for run_id in range(1, 13)]
    assert [f.name for f in made][-3:] == ["20260301T020000Z-10", "20260301T020000Z-11", "20260301T020000Z-12"]
    assert evidence.run_folders(parent) == made
    assert [manifest(f)["chain"]["previous"]["folder"] for f in made[1:]] == [f.name for f in made[:-1]]
    results = evidence.verify(parent)
    assert [r.folder for r in results] == made and all(r.ok for r in results), failures(results)
    # retention removed -2: the next run of that second still comes after -12, not in the gap
    shutil.rmtree(made[1])
    assert _final_folder(parent, started).name == "20260301T020000Z-13"
    assert evidence.prune(parent, keep_runs=2, keep_days=None, current=made[-1]) == [made[0], *made[2:-2]]


def test_an_added_empty_folder_fails_verify(tmp_path):
    parent = tmp_path / "evidence" / ACCOUNT
    folder = chained_run(parent, "20260301T020000Z", 1)
    (folder / "raw").mkdir()
    (folder / "raw" / "listed.json").write_text("{}")
    from iamsql.scheduled.folder import hash_tree

    text = json.dumps({"run_id": 1, "chain": {"sequence": 1, "previous": None}, "files": hash_tree(folder)})
    (folder / "manifest.json").write_text(text)
    (folder / "manifest.sha256").write_text(f"{hashlib.sha256(text.encode()).hexdigest()}  manifest.json\n")
    assert evidence.verify(folder)[0].ok
    (folder / "empty").mkdir()
    (folder / "raw" / "deeper" / "still").mkdir(parents=True)
    (folder / "raw" / "listed.json").unlink()  # a removed file's folder is the manifest's, not added
    (result,) = evidence.verify(folder)
    assert not result.ok and result.added == ["empty/", "raw/deeper/"] and result.removed == ["raw/listed.json"]
    shutil.rmtree(folder / "empty")
    shutil.rmtree(folder / "raw" / "deeper")
    (folder / "raw" / "listed.json").write_text("{}")
    (folder / "notes").mkdir()
    (folder / "notes" / "later.txt").write_text("added")  # an added file is named, not its folder as well
    assert evidence.verify(folder)[0].added == ["notes/later.txt"]

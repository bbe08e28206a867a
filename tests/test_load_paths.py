"""Paths are literal: ``ct[1].json``, ``exp[1]/`` and ``ct*.json`` are those files and folders, never what a glob
would match; unreadable entries under a folder stop the load (or, with --skip-unreadable, are listed), and so do
broken files (or, with --skip-broken, they are listed and counted)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from iamsql.common.paths import duckdb_literal, walk
from iamsql.errors import InputError
from iamsql.load import load_paths
from iamsql.store import db

IAMSQL = str(Path(sys.executable).parent / "iamsql")
ACCOUNT = "111122223333"


def event(event_id: str, name: str = "ListUsers") -> dict:
    return {"eventVersion": "1.08", "eventID": event_id, "eventTime": "2024-05-01T10:00:00Z", "eventName": name,
            "eventSource": "iam.amazonaws.com", "awsRegion": "us-east-1", "recipientAccountId": ACCOUNT,
            "eventType": "AwsApiCall", "sourceIPAddress": "198.51.100.7",
            "userIdentity": {"type": "IAMUser", "accountId": ACCOUNT, "arn": f"arn:aws:iam::{ACCOUNT}:user/alice",
                             "userName": "alice"}}


def write_events(path: Path, *ids: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"Records": [event(i) for i in ids]}), encoding="utf-8")
    return path


def loaded(con) -> tuple[set[str], list[dict]]:
    ids = {r[0] for r in con.execute("select event_id from history.aws_cloudtrail_trail_event").fetchall()}
    sources = [s for (text,) in con.execute("select sources from iamsql_snapshot").fetchall()
               for s in json.loads(text) if s["path"]]
    return ids, sources


@pytest.fixture
def con(db_path):
    connection = db.connect(db_path)
    yield connection
    connection.close()


def test_duckdb_literal_escapes_every_glob_character():
    assert duckdb_literal("a[1]/b*c?.json") == "a[[]1]/b[*]c[?].json"
    assert duckdb_literal("/plain/path.json") == "/plain/path.json"


def test_bracket_file_is_read_by_its_own_name(tmp_path, con, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_events(tmp_path / "ct1.json", "from-ct1")
    write_events(tmp_path / "ct[1].json", "from-ct-bracket")
    summary = load_paths(con, ["ct[1].json"])
    ids, sources = loaded(con)
    assert ids == {"from-ct-bracket"}
    assert [s["path"] for s in sources] == ["ct[1].json"]
    assert [f.path.name for f in summary.files] == ["ct[1].json"]


def test_bracket_folder_is_walked_not_globbed(tmp_path, con, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_events(tmp_path / "exp1" / "events.json", "from-exp1")
    write_events(tmp_path / "exp[1]" / "events.json", "from-exp-bracket")
    load_paths(con, ["exp[1]/"])
    ids, sources = loaded(con)
    assert ids == {"from-exp-bracket"}
    assert [Path(s["path"]).parent.name for s in sources] == ["exp[1]"]


def test_star_file_is_one_file_with_its_own_hash(tmp_path, con, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("ct1.json", "ct2.json", "ctx.json"):
        write_events(tmp_path / name, f"from-{name}")
    star = write_events(tmp_path / "ct*.json", "from-star")
    load_paths(con, ["ct*.json"])
    ids, sources = loaded(con)
    assert ids == {"from-star"}
    import hashlib
    assert [(s["path"], s["sha256"]) for s in sources] == [("ct*.json", hashlib.sha256(star.read_bytes()).hexdigest())]


def test_folder_of_glob_names_records_each_file_with_its_own_hash(tmp_path, con):
    import hashlib
    folder = tmp_path / "in"
    paths = [write_events(folder / name, f"id-{n}") for n, name in enumerate(["ct1.json", "ct[1].json", "ct*.json", "c?.json"])]
    load_paths(con, [folder])
    ids, sources = loaded(con)
    assert ids == {f"id-{n}" for n in range(4)}
    assert sorted((s["path"], s["sha256"]) for s in sources) == sorted(
        (str(p), hashlib.sha256(p.read_bytes()).hexdigest()) for p in paths)
    assert {r[0] for r in con.execute("select distinct source_file from history.aws_cloudtrail_trail_event").fetchall()} \
        == {str(p) for p in paths}


def broken_link(folder: Path) -> Path:
    link = folder / "gone.json"
    link.symlink_to(folder / "does-not-exist.json")
    return link


def link_loop(folder: Path) -> Path:
    (folder / "loop-a").symlink_to(folder / "loop-a")
    return folder / "loop-a"


def folder_loop(folder: Path) -> Path:
    (folder / "sub").mkdir()
    (folder / "sub" / "up").symlink_to(folder)
    return folder / "sub" / "up"


@pytest.mark.parametrize("make", [broken_link, link_loop, folder_loop], ids=["broken-symlink", "symlink-loop", "folder-loop"])
def test_unreadable_entry_fails_the_load_unless_skipped(tmp_path, con, make):
    folder = tmp_path / "in"
    write_events(folder / "a.json", "kept-a")
    write_events(folder / "z" / "b.json", "kept-b")
    bad = make(folder)
    with pytest.raises(InputError) as raised:
        load_paths(con, [folder])
    assert str(raised.value).startswith(f"{bad}: cannot read (")
    assert "1 unreadable entry" in str(raised.value)
    assert con.execute("select count(*) from iamsql_snapshot").fetchone()[0] == 0
    summary = load_paths(con, [folder], skip_unreadable=True)
    assert [p for p, _ in summary.unreadable] == [str(bad)]
    assert loaded(con)[0] == {"kept-a", "kept-b"}


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a chmod 000 folder anyway")
def test_permission_denied_subfolder_is_reported(tmp_path, con):
    folder = tmp_path / "in"
    write_events(folder / "a.json", "kept-a")
    locked = write_events(folder / "locked" / "b.json", "hidden").parent
    locked.chmod(0)
    try:
        found = walk([folder])
        assert [p for p, _ in found.unreadable] == [locked]
        with pytest.raises(InputError, match="locked: cannot read"):
            load_paths(con, [folder])
    finally:
        locked.chmod(0o755)


def test_cli_names_first_unreadable_entry_and_count(tmp_path, db_path):
    folder = tmp_path / "in"
    write_events(folder / "a.json", "kept-a")
    broken_link(folder)
    link_loop(folder)
    (folder / "loop-b").symlink_to(folder / "loop-c")
    (folder / "loop-c").symlink_to(folder / "loop-b")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    result = subprocess.run([IAMSQL, "load", str(folder), "--db", str(db_path)], capture_output=True, text=True, env=env)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {folder / 'gone.json'}: cannot read (broken symlink")
    assert "4 unreadable entries" in lines[0]  # gone.json, loop-a, loop-b, loop-c
    result = subprocess.run([IAMSQL, "load", str(folder), "--skip-unreadable", "--db", str(db_path)],
                            capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert "1 file(s) loaded, 0 skipped, 0 broken, 4 unreadable" in result.stdout
    assert result.stderr.count("not read (") == 4 and "symlink loop" in result.stderr


def broken_folder(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A folder of one good trail file, one trail file cut short and one list-users output cut short."""
    folder = tmp_path / "in"
    write_events(folder / "a.json", "kept-a")
    cut_trail = folder / "b.json"
    cut_trail.write_text(json.dumps({"Records": [event("lost-b")]})[:-20], encoding="utf-8")
    cut_users = folder / "list-users.json"
    cut_users.write_text('{"Users": [{"UserName": "bob", "Arn": "arn:aws:iam::111122223333:user/bob"', encoding="utf-8")
    return folder, cut_trail, cut_users


def run_load(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    return subprocess.run([IAMSQL, "load", *args], capture_output=True, text=True, env=env)


def test_a_broken_file_in_a_folder_says_how_to_go_on(tmp_path, db_path):
    folder, _cut_trail, cut_users = broken_folder(tmp_path)
    result = run_load(str(folder), "--db", str(db_path))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {cut_users}: malformed JSON")
    assert lines[0].endswith("none of the 3 files (a load stores all of them or none); fix or move away that file, "
                             "or load again with --skip-broken to load the others")
    assert not db_path.exists()


def test_skip_broken_loads_the_rest_and_counts_what_it_left_out(tmp_path, db_path):
    folder, cut_trail, cut_users = broken_folder(tmp_path)
    result = run_load(str(folder), "--skip-broken", "--db", str(db_path))
    assert result.returncode == 0, result.stderr
    assert "1 file(s) loaded, 0 skipped, 2 broken, 0 unreadable" in result.stdout
    assert f"warning: {cut_trail}: broken, not loaded (malformed JSON: cut short" in result.stderr
    assert f"warning: {cut_users}: broken, not loaded (malformed JSON" in result.stderr
    assert "nothing was loaded" not in result.stderr
    con = db.connect(db_path, read_only=True)
    try:
        ids, sources = loaded(con)
        assert ids == {"kept-a"} and [s["name"] for s in sources] == ["in/a.json"]
        counts = [s["load_counts"] for (text,) in con.execute("select sources from iamsql_snapshot").fetchall()
                  for s in json.loads(text) if s["format"] == "iamsql:as-of"]
        assert [c["broken"] for c in counts] == [2]
        assert con.execute("select count(*) from iamsql_snapshot").fetchone()[0] == 1
    finally:
        con.close()


def test_skip_broken_with_nothing_else_loads_nothing(tmp_path, db_path):
    folder, _cut_trail, _cut_users = broken_folder(tmp_path)
    (folder / "a.json").unlink()
    result = run_load(str(folder), "--skip-broken", "--db", str(db_path))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("error: nothing loaded: 2 broken file(s) skipped, e.g. ")
    assert not db_path.exists()


def test_a_file_reached_twice_is_read_once(tmp_path):
    """A credential report named beside the folder that holds it, named again, and linked to: one file, read once;
    it was counted three times and said to be an older report superseded by itself."""
    folder = tmp_path / "exports"
    folder.mkdir()
    report = folder / "report.csv"
    report.write_bytes((Path(__file__).parent / "data" / "real_shapes" / "credential-report.csv").read_bytes())
    (folder / "latest.csv").symlink_to(report)
    con = db.connect(tmp_path / "once.duckdb")
    summary = load_paths(con, [folder, report, report], as_of="2024-05-01")
    assert [f.name for f in summary.files] == ["exports/latest.csv"]
    assert not [w for w in summary.warnings if "superseded" in w]
    con.close()

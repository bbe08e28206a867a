"""Control headers, framework mappings and the policy engine's questions are read from YAML once and then kept parsed
beside the translation cache: a new process reads the kept copy, which equals what parsing gives (and imports no
PyYAML); a change to any control, helper view, mapping or catalog file, or to the code that reads them, is parsed
again; a broken entry is parsed again and
rewritten; a file that does not parse is never kept."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from iamsql import frameworks
from iamsql.controls import catalog
from iamsql.controls.names import QUERIES_DIR, view_names
from iamsql.errors import ControlError
from iamsql.policy.access import questions

CONTROLS = ("iam_root_mfa_enabled", "iam_cloudshell_full_access_not_attached", "iam_access_key_rotated")
FRAMEWORK = "nist-sp-800-207"
ENGINE_CONTROL = "iam_principal_privilege_escalation"  # reads the policy engine's tables, so its questions


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("IAMSQL_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def parses(monkeypatch):
    """The control files and mapping files parsed from YAML, as a new process would (no per-process memory)."""
    calls: list[str] = []
    parse_control, load_one = catalog.parse_control, frameworks._load_one

    def counting_control(path):
        calls.append(path.name)
        return parse_control(path)

    def counting_mapping(mapping, catalog_path):
        calls.append(mapping.name)
        return load_one(mapping, catalog_path)

    monkeypatch.setattr(catalog, "parse_control", counting_control)
    monkeypatch.setattr(frameworks, "_load_one", counting_mapping)
    yield calls
    catalog._folder.cache_clear()
    frameworks._load.cache_clear()


def new_process() -> None:
    catalog._folder.cache_clear()
    frameworks._load.cache_clear()


@pytest.fixture
def queries(tmp_path):
    folder = tmp_path / "queries"
    (folder / "views").mkdir(parents=True)
    for name in CONTROLS:
        shutil.copy(QUERIES_DIR / f"{name}.sql", folder)
    shutil.copy(QUERIES_DIR / "views" / "iam_principal.sql", folder / "views")
    return folder


@pytest.fixture
def mappings(tmp_path):
    folder = tmp_path / "mappings"
    (folder / "catalogs").mkdir(parents=True)
    shutil.copy(frameworks.DATA_DIR / f"{FRAMEWORK}.yaml", folder)
    shutil.copy(frameworks.DATA_DIR / "catalogs" / f"{FRAMEWORK}.yaml", folder / "catalogs")
    return folder


def test_the_shipped_pack_read_back_equals_the_parsed_one(cache, parses):
    new_process()
    parsed_controls, parsed_frameworks = catalog.load_controls(), frameworks.load_frameworks()
    assert len(parses) == len(parsed_controls) + len(parsed_frameworks)
    new_process()
    kept_controls, kept_frameworks = catalog.load_controls(), frameworks.load_frameworks()
    assert len(parses) == len(parsed_controls) + len(parsed_frameworks)  # nothing parsed again
    assert kept_controls == parsed_controls
    assert kept_frameworks == parsed_frameworks
    cloudshell = next(c for c in kept_controls if c.id == "iam_cloudshell_full_access_not_attached")
    assert cloudshell.rows == {"aws_iam_policy_attachment": "arn:{partition}:iam::aws:policy/AWSCloudShellFullAccess"}
    assert isinstance(cloudshell.tables, tuple) and cloudshell.path == QUERIES_DIR / f"{cloudshell.id}.sql"
    # each control's count of the helper views its SQL names is kept with it, as a search per view counts them
    for control in kept_controls:
        named = {name: len(re.findall(rf"(?<!\w){name}(?!\w)", control.sql)) for name in view_names()}
        assert control.views == {name: count for name, count in named.items() if count}, control.id
    assert sum(bool(control.views) for control in kept_controls) > 10
    requirement = next(r for f in kept_frameworks.values() for r in f.requirements if r.why)
    assert isinstance(requirement.why[0], tuple) and isinstance(requirement.controls, tuple)
    assert sorted(path.name for path in cache.iterdir()) == ["controls", "frameworks"]


def test_a_changed_control_or_view_is_parsed_again(cache, parses, queries):
    first = catalog.load_controls(queries)
    new_process()
    assert catalog.load_controls(queries) == first
    assert len(parses) == len(CONTROLS)

    control = queries / f"{CONTROLS[0]}.sql"
    control.write_text(control.read_text().replace("title: ", "title: Changed ", 1))
    new_process()
    changed = catalog.load_controls(queries)
    assert len(parses) == 2 * len(CONTROLS)
    assert changed[[c.id for c in changed].index(CONTROLS[0])].title.startswith("Changed ")

    view = queries / "views" / "iam_principal.sql"
    view.write_text(view.read_text() + "\n")
    new_process()
    assert catalog.load_controls(queries) == changed
    assert len(parses) == 3 * len(CONTROLS)


def test_a_change_to_the_header_reader_is_parsed_again(cache, parses, queries, tmp_path, monkeypatch):
    reader = tmp_path / "reader.py"
    reader.write_text("# one\n")
    monkeypatch.setattr(catalog, "HEADER_READERS", (*catalog.HEADER_READERS, reader))
    catalog.load_controls(queries)
    new_process()
    catalog.load_controls(queries)
    assert len(parses) == len(CONTROLS)
    reader.write_text("# two\n")
    new_process()
    catalog.load_controls(queries)
    assert len(parses) == 2 * len(CONTROLS)


def test_a_changed_mapping_or_catalog_is_parsed_again(cache, parses, mappings):
    first = frameworks.load_frameworks(mappings)
    new_process()
    assert frameworks.load_frameworks(mappings) == first
    assert parses == [f"{FRAMEWORK}.yaml"]

    mapping = mappings / f"{FRAMEWORK}.yaml"
    mapping.write_text(mapping.read_text().replace("Expired TLS server", "Changed, expired TLS server"))
    new_process()
    why = frameworks.load_frameworks(mappings)[FRAMEWORK].requirement("§2.1 tenet 2").why
    assert why[0][1].startswith("Changed, ")
    assert len(parses) == 2

    catalog_file = mappings / "catalogs" / f"{FRAMEWORK}.yaml"
    text = catalog_file.read_text()
    old_title = frameworks.load_frameworks(mappings)[FRAMEWORK].requirement("§2.1 tenet 2").title
    catalog_file.write_text(text.replace(old_title, f"Changed {old_title}", 1))
    new_process()
    assert frameworks.load_frameworks(mappings)[FRAMEWORK].requirement("§2.1 tenet 2").title == f"Changed {old_title}"
    assert len(parses) == 3


def entries(cache, kind):
    return sorted((cache / kind).rglob("*.json"))


@pytest.mark.parametrize("broken", ["not json", '{"key": "%s", "value": [{"no such field": 1}]}'])
def test_a_broken_entry_is_parsed_again_and_rewritten(cache, parses, queries, broken):
    first = catalog.load_controls(queries)
    (entry,) = entries(cache, "controls")
    key = json.loads(entry.read_text())["key"]
    entry.write_text(broken.replace("%s", key))
    new_process()
    assert catalog.load_controls(queries) == first
    assert len(parses) == 2 * len(CONTROLS)
    assert json.loads(entry.read_text())["key"] == key
    new_process()
    assert catalog.load_controls(queries) == first
    assert len(parses) == 2 * len(CONTROLS)


def test_a_control_that_does_not_parse_is_never_kept(cache, parses, queries):
    control = queries / f"{CONTROLS[0]}.sql"
    control.write_text(control.read_text().replace("severity: ", "severity: dreadful #", 1))
    for _ in range(2):
        new_process()
        with pytest.raises(ControlError, match="severity"):
            catalog.load_controls(queries)
    assert entries(cache, "controls") == []


def test_the_engine_questions_read_back_equal_the_parsed_ones(cache, tmp_path, monkeypatch):
    parsed = []
    load = questions.yamltext.load
    monkeypatch.setattr(questions.yamltext, "load", lambda text: parsed.append(text) or load(text))
    first = questions.load_questions.__wrapped__(catalog.ACCESS_QUESTIONS)
    again = questions.load_questions.__wrapped__(catalog.ACCESS_QUESTIONS)  # a new process: the kept copy
    assert len(parsed) == 1 and again == first and len(first) > 100
    assert entries(cache, "questions") != []
    changed = tmp_path / "access.yaml"
    changed.write_text(catalog.ACCESS_QUESTIONS.read_text().replace("title: ", "title: changed ", 1))
    assert questions.load_questions.__wrapped__(changed) != first and len(parsed) == 2  # another file: parsed


def test_a_check_and_a_report_with_everything_kept_import_no_yaml(tmp_path):
    env = {**os.environ, "IAMSQL_CACHE_DIR": str(tmp_path / "cache")}
    database, seen = str(tmp_path / "s.duckdb"), []
    imported = ("import atexit, sys\n"
                "atexit.register(lambda: sys.stderr.write(f'yaml imported: {\"yaml\" in sys.modules}\\n'))\n"
                "from iamsql.cli import main\nmain()\n")
    for words in (["load", "--sample", "-q"], ["check", "-q", "-o", "none", "--control", ENGINE_CONTROL],
                  ["check", "-q", "-o", "none", "--control", ENGINE_CONTROL],
                  ["report", "-q", "--out", str(tmp_path / "r.xlsx")]):
        done = subprocess.run([sys.executable, "-c", imported, *words, "--db", database], capture_output=True,
                              text=True, env=env)
        assert done.returncode in (0, 1), done.stderr
        seen.append(done.stderr.splitlines()[-1])
    # the first check parses the headers, mappings and questions and keeps them; the second and the report read them
    assert seen == ["yaml imported: False", "yaml imported: True", "yaml imported: False", "yaml imported: False"]

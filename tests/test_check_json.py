"""`check -o json`, `check --export x.json` and `report --format json` write Powerpipe's benchmark JSON: a root
group, groups nested per framework down to the requirements, controls with their results, status summaries at
every level; read back and checked against the stored run."""

import json
from collections import Counter

import duckdb
import pytest
from typer.testing import CliRunner

from iamsql.cli import app
from iamsql.frameworks import load_frameworks

runner = CliRunner()
STATUS_KEYS = {"alarm", "ok", "info", "skip", "error"}
GROUP_KEYS = ["group_id", "title", "description", "tags", "summary", "groups", "controls"]
CONTROL_KEYS = ["summary", "results", "control_id", "description", "severity", "tags", "title", "run_status",
                "run_error"]


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    """The bundled sample, checked once with `-o json` and `--export` (a file name and a bare format name)."""
    folder = tmp_path_factory.mktemp("checkjson")
    db = str(folder / "s.duckdb")
    assert runner.invoke(app, ["load", "--sample", "--quiet", "--db", db]).exit_code == 0
    ran = runner.invoke(app, ["check", "--db", db, "--quiet", "--fail-on", "none", "-o", "json",
                              "--export", str(folder / "run.json")])
    assert ran.exit_code == 0, ran.output
    return db, json.loads(ran.stdout), folder


def stored(db: str) -> list[tuple]:
    with duckdb.connect(db, read_only=True) as con:
        return con.execute("select control_id, status, resource, reason, account_id, region, finding_id "
                           "from iamsql_result where run_id = 1").fetchall()


def walk(group: dict, path: tuple = ()):
    """Every group (with its path of ids) and every control in it, depth first."""
    yield "group", group, path
    for control in group["controls"] or []:
        yield "control", control, path + (group["group_id"],)
    for child in group["groups"]:
        yield from walk(child, path + (group["group_id"],))


def test_check_json_is_powerpipes_nested_groups(checked):
    db, tree, _ = checked
    rows = stored(db)
    assert isinstance(tree, dict) and list(tree) == GROUP_KEYS and tree["group_id"] == "root_result_group"
    assert tree["summary"] == {"status": dict(Counter(r[1] for r in rows)) | {
        s: 0 for s in STATUS_KEYS - {r[1] for r in rows}}}
    assert [g["group_id"] for g in tree["groups"]] == list(load_frameworks())
    by_control: dict[str, list[dict]] = {}
    controls_under: dict[str, set[str]] = {}
    for kind, node, path in walk(tree):
        if kind == "group":
            assert list(node) == GROUP_KEYS and set(node["summary"]["status"]) == STATUS_KEYS
            assert node["groups"] or node["controls"] or node is tree
            continue
        assert list(node) == CONTROL_KEYS and set(node["summary"]) == STATUS_KEYS
        assert Counter(r["status"] for r in node["results"]) == Counter(
            {s: n for s, n in node["summary"].items() if n})
        assert node["run_status"] == 4 and node["run_error"] == ""
        by_control.setdefault(node["control_id"], node["results"])
        assert by_control[node["control_id"]] == node["results"]  # the same results wherever the control appears
        for group_id in path:
            controls_under.setdefault(group_id, set()).add(node["control_id"])
    # every stored result, once per control, with its dimensions
    written = sorted(
        (cid, r["status"], r["resource"], r["reason"], dims.get("account_id"), dims.get("region"), r["finding_id"])
        for cid, results in by_control.items() for r in results
        for dims in [{d["key"]: d["value"] for d in r["dimensions"]}]
    )
    assert written == sorted(rows)
    # a group's summary counts each control under it once
    for kind, node, _ in walk(tree):
        if kind == "group" and node is not tree:
            expected = Counter()
            for cid in controls_under[node["group_id"]]:
                expected.update(r["status"] for r in by_control[cid])
            assert node["summary"]["status"] == {s: expected[s] for s in ("alarm", "ok", "info", "skip", "error")}
    # a requirement holds the controls mapped to it, under its framework's groups
    csf = next(g for g in tree["groups"] if g["group_id"] == "nist-csf-2.0")
    protect = next(g for g in csf["groups"] if g["group_id"] == "nist-csf-2.0:PR")
    access = next(g for g in protect["groups"] if g["group_id"] == "nist-csf-2.0:PR.AA")
    requirement = load_frameworks()["nist-csf-2.0"].requirement("PR.AA-01")
    leaf = next(g for g in access["groups"] if g["group_id"] == "nist-csf-2.0:PR.AA-01")
    assert [c["control_id"] for c in leaf["controls"]] == [c for c in requirement.controls if c in by_control]


def test_export_and_report_write_the_same_document(checked):
    db, tree, folder = checked
    assert json.loads((folder / "run.json").read_text(encoding="utf-8")) == tree
    out = runner.invoke(app, ["report", "--db", db, "--out", "-", "--format", "json"])
    assert out.exit_code == 0 and json.loads(out.stdout) == tree
    kept = runner.invoke(app, ["report", "--db", db, "--out", "-", "--format", "iamsql-json"])
    assert kept.exit_code == 0 and json.loads(kept.stdout)["format"] == "iamsql-report"


def test_controls_of_no_framework_sit_under_the_root(checked, tmp_path):
    """A control of your own, mapped to no framework, is a control of the root group (Powerpipe's `control run`)."""
    db, _, _ = checked
    own = tmp_path / "own"
    own.mkdir()
    (own / "my_users_listed.sql").write_text(
        "/*\ntitle: Users listed\ndescription: Every user, as info.\nseverity: low\nresource_type: AWS::IAM::User\n"
        "rationale: An inventory.\nremediation: None.\ntables: [aws_iam_user]\n*/\n"
        "select arn as resource, 'info' as status, name || ' exists.' as reason, account_id, region, path "
        "from aws_iam_user", encoding="utf-8")
    ran = runner.invoke(app, ["check", "--db", db, "--quiet", "--fail-on", "none", "-o", "json", "--queries",
                              str(own)])
    assert ran.exit_code == 0, ran.output
    tree = json.loads(ran.stdout)
    assert tree["groups"] == [] and [c["control_id"] for c in tree["controls"]] == ["my_users_listed"]
    results = tree["controls"][0]["results"]
    assert {r["status"] for r in results} == {"info", "skip"}  # skip: accounts without users loaded
    listed = next(r for r in results if r["status"] == "info")
    assert [d["key"] for d in listed["dimensions"]] == ["account_id", "region", "path"]
    assert {d["type"] for d in listed["dimensions"]} == {"text"}

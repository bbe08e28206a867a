"""Flags Steampipe and Powerpipe users type: `check --dry-run` lists the controls a selection would run and runs
nothing; `query --timing` says each statement's time and rows on standard error."""

import csv
import json
import re
import shutil

import duckdb

from iamsql.controls import load_controls
from iamsql.frameworks import requirements_for_control
from tests.fixtures.cli import run_cli


def test_dry_run_lists_the_selection_and_runs_nothing(sample_db):
    done = run_cli("check", "--db", sample_db, "--framework", "owasp-nhi-2025", "--severity", "critical",
                   "--dry-run", "-o", "csv")
    assert done.returncode == 0 and done.stderr == "", done.stderr
    header, *lines = done.stdout.splitlines()
    assert header == "control_id,title,severity,requirements"
    expected = sorted(c.id for c in load_controls() if c.severity == "critical" and any(
        r.startswith("owasp-nhi-2025:") for r in requirements_for_control(c.id)))
    assert [line.split(",", 1)[0] for line in lines] == expected and expected
    with duckdb.connect(sample_db, read_only=True) as con:
        assert not con.execute("select count(*) from information_schema.tables where table_name = 'iamsql_run'"
                               ).fetchone()[0] or not con.execute("select count(*) from iamsql_run").fetchone()[0]
    none = run_cli("check", "--db", sample_db, "--framework", "owasp-nhi-2025", "--severity", "critical",
                   "--control", "iam_root_mfa_enabled", "--dry-run")
    assert none.returncode == 254 and none.stderr == "error: no control matches the selection\n"


def test_dry_run_refuses_the_parameters_a_run_refuses(sample_db):
    """A --param no selected control declares, or of the wrong type, made the run exit 254 but --dry-run list the
    controls with 0: the dry run said the command was good."""
    for bad, said in ((["--param", "nope=1"], "parameter 'nope' is not declared by any selected control; the selected "
                                                 "controls declare max_age_days"),
                      (["--param", "iam_access_key_rotated.max_age_days=abc"],
                       "parameter 'iam_access_key_rotated.max_age_days' must be a number like its default 90, not 'abc'")):
        dry = run_cli("check", "--db", sample_db, "--control", "iam_access_key_rotated", "--dry-run", *bad)
        assert dry.returncode == 254 and dry.stdout == "" and dry.stderr == f"error: {said}\n"
    good = run_cli("check", "--db", sample_db, "--control", "iam_access_key_rotated", "--dry-run", "-o", "csv",
                   "--param", "max_age_days=45")
    assert good.returncode == 0 and good.stdout.splitlines()[1].startswith("iam_access_key_rotated,"), good.stderr


def test_timing_is_one_line_per_statement_on_stderr(sample_db):
    plain = run_cli("query", "--db", sample_db, "-o", "csv", "select name from aws_iam_user order by name; "
                    "select 1 as x")
    timed = run_cli("query", "--db", sample_db, "-o", "csv", "--timing", "select name from aws_iam_user order by "
                    "name; select 1 as x")
    assert timed.returncode == 0 and timed.stdout == plain.stdout
    users = len(plain.stdout.splitlines()) - 4  # less two headers, the blank line between and the second row
    assert timed.stderr.startswith("\nTime: ") and "\n\nTime: " in timed.stderr  # a blank line before each
    lines = [line for line in timed.stderr.splitlines() if line]
    assert len(lines) == 2 and all(re.fullmatch(r"Time: (\d+ms|\d+\.\d+s)\. Rows returned: \d+\.", x) for x in lines)
    assert [int(x.rsplit(" ", 1)[1].rstrip(".")) for x in lines] == [users, 1]
    # Steampipe's --timing=on|verbose|off: the same lines, or none
    for value, said in (("on", 2), ("verbose", 2), ("off", 0)):
        done = run_cli("query", "--db", sample_db, "-o", "csv", f"--timing={value}", "select 1 as x; select 2 as y")
        assert done.returncode == 0 and done.stdout == "x\n1\n\ny\n2\n", (value, done.stderr)
        assert sum(line.startswith("Time: ") for line in done.stderr.splitlines()) == said, (value, done.stderr)
    # another value is bad input, named as such (typer said "Option '--timing' does not take a value")
    bad = run_cli("query", "--db", sample_db, "--timing=maybe", "select 1 as x")
    assert bad.returncode == 254 and bad.stdout == ""
    assert bad.stderr == "error: --timing takes on, verbose or off (--timing=on), not 'maybe'\n"


def test_query_shell_commands_name_the_iamsql_command(sample_db):
    for typed, said in ((".inspect aws_iam_user", "use 'iamsql schema aws_iam_user'"),
                        (".inspect history.aws_iam_user", "use 'iamsql schema history.aws_iam_user'"),
                        # a misspelt table got 'iamsql schema aws_iam_usr', which fails too; Steampipe's plugin
                        # (.inspect aws) lists its tables
                        (".inspect aws_iam_usr", "use 'iamsql schema aws_iam_user'"),
                        (".inspect aws", "use 'iamsql tables'"),
                        (".tables", "use 'iamsql tables'"),
                        (".timing on", "iamsql has no query shell: give SQL")):
        done = run_cli("query", "--db", sample_db, typed)
        assert done.returncode == 254 and done.stdout == ""  # refused before anything runs: bad input
        assert done.stderr == f"error: {typed.split()[0]} is a command of Steampipe's query shell, not SQL; {said}\n"


def test_a_query_file_not_named_sql_is_named_as_a_file(sample_db, tmp_path):
    """`iamsql query users.txt` ran the file's name as SQL and said 'USERS.TXT is not allowed'."""
    saved = tmp_path / "users.txt"
    saved.write_text("select name from aws_iam_user")
    done = run_cli("query", "--db", sample_db, str(saved))
    assert done.returncode == 254 and done.stdout == ""
    assert done.stderr == (f"error: {saved} is a file, not SQL: give it with --file {saved} (an argument is read as "
                           "a file only when its name ends in .sql)\n")
    read = run_cli("query", "--db", sample_db, "--file", str(saved), "-o", "csv")
    assert read.returncode == 0 and read.stdout.startswith("name\n"), read.stderr


def test_powerpipe_only_flags_say_what_iamsql_does_instead(sample_db):
    """`check --progress=false` (Powerpipe's) only said 'No such option'; the answer iamsql has is named."""
    for typed, said in (("--progress=false", "progress is drawn only when stderr is a terminal; --quiet hides it"),
                        ("--max-parallel=4", "the controls run one after another on one database connection"),
                        ("--benchmark=cis_v500", "choose a framework with --framework")):
        done = run_cli("check", "--db", sample_db, typed)
        assert done.returncode == 254 and done.stdout == ""
        assert done.stderr == f"error: No such option: {typed.split('=')[0]} (Powerpipe's; {said})\n"
    other = run_cli("load", "--db", sample_db, "--progress=false")  # not a Powerpipe command: the usual hint
    assert other.stderr == "error: No such option: --progress (see 'iamsql load --help')\n"


def test_check_takes_powerpipes_brief_and_none_outputs(sample_db, tmp_path):
    args = ["check", "--db", sample_db, "--quiet", "--fail-on", "none", "--control", "iam_root_mfa_enabled"]
    table = run_cli(*args, "-o", "table")
    brief = run_cli(*args, "--output", "brief")
    assert brief.returncode == 0 and brief.stdout
    assert re.sub(r"(?m)^run \d+:", "run:", brief.stdout) == re.sub(r"(?m)^run \d+:", "run:", table.stdout)
    for default in ("pretty", "plain"):  # Powerpipe's default tree: "unknown format", with no way on
        refused = run_cli(*args, "-o", default)
        assert refused.returncode == 254 and refused.stdout == ""
        assert refused.stderr == (f"error: --output {default}: Powerpipe's tree of every control and result is not "
                                  "printed; --format table (Powerpipe's brief: errors and alarms, then the controls "
                                  "skipped per account, then the summary) or --format line (every result)\n")
    export = tmp_path / "run.json"
    none = run_cli(*args, "--output", "none", "--export", str(export))
    assert none.returncode == 0 and none.stdout == "" and export.is_file()
    assert "all controls: 1 control run" in none.stderr and f"wrote {export}" in none.stderr


def _dry_run_ids(sample_db, *args):
    done = run_cli("check", "--db", sample_db, "--dry-run", "-o", "csv", *args)
    assert done.returncode == 0, done.stderr
    return [line.split(",", 1)[0] for line in done.stdout.splitlines()[1:]]


def test_tag_keeps_controls_with_any_value_of_each_key(sample_db):
    """--tag key=value as Powerpipe reads it: values of one key are alternatives, several keys all apply."""
    def types(control) -> list[str]:  # a control of several resource types has each of them
        return control.resource_type.split(", ")

    storage = sorted(c.id for c in load_controls() if {t.split("::")[1] for t in types(c)} & {"S3", "CloudTrail"})
    assert storage and _dry_run_ids(sample_db, "--tag", "service=AWS/S3", "--tag", "service=AWS/CloudTrail") == storage
    roles = sorted(c.id for c in load_controls() if "AWS::IAM::Role" in types(c))
    assert len(roles) > 1 and "iam_group_role_no_inline_policies" in roles  # one of AWS::IAM::Group, AWS::IAM::Role
    assert _dry_run_ids(sample_db, "--tag", "service=AWS/IAM", "--tag", "resource_type=AWS::IAM::Role") == roles
    databases = sorted(c.id for c in load_controls() if any(t.startswith("AWS::RDS::") for t in types(c)))
    assert databases and all(not c.resource_type.startswith("AWS::RDS::") for c in load_controls() if c.id in databases)
    assert _dry_run_ids(sample_db, "--tag", "service=AWS/RDS") == databases  # a service not named first
    # each resource type's service, every one of a control of several types; AWS::::Account has none
    service_names = {t.split("::")[1] for c in load_controls() for t in c.resource_type.split(", ")} - {""}
    services = ", ".join(sorted(f"AWS/{name}" for name in service_names))
    for bad, said in ((["--tag", "service"], "error: --tag takes key=value (e.g. service=AWS/IAM), not 'service'\n"),
                      (["--tag", "service=iam"], "error: no control matches the selection: no control has "
                       f"service=iam (service is one of {services})\n"),
                      (["--tag", "owner=me"], "error: no control matches the selection: no control has owner=me "
                       "(tags: resource_type, service)\n"),
                      (["--tag", "service=AWS/S3", "--where", "true"],
                       "error: --where cannot be used with --tag (as in Powerpipe): give one of them\n")):
        done = run_cli("check", "--db", sample_db, "--dry-run", *bad)
        assert done.returncode == 254 and done.stderr == said and done.stdout == ""


def test_where_is_an_sql_condition_over_the_controls(sample_db):
    critical_iam = sorted(c.id for c in load_controls() if c.severity == "critical" and "AWS::IAM::" in c.resource_type)
    assert critical_iam and _dry_run_ids(
        sample_db, "--where", "severity = 'critical' and tags->>'service' = 'AWS/IAM'") == critical_iam
    nhi7 = sorted(c.id for c in load_controls() if "owasp-nhi-2025:NHI7:2025" in requirements_for_control(c.id))
    assert nhi7 and _dry_run_ids(sample_db, "--where", "'owasp-nhi-2025:NHI7:2025' = any(requirements)") == nhi7
    with_control = _dry_run_ids(sample_db, "--control", nhi7[0], "--control", critical_iam[0], "--where",
                                "'owasp-nhi-2025:NHI7:2025' = any(requirements)")
    assert with_control == sorted({nhi7[0], critical_iam[0]} & set(nhi7))  # --where narrows --control's selection
    columns = "; its columns are control_id, resource_name, title, description, severity, resource_type, tags, requirements"
    for where, said in (("colour = 'red'", 'column "colour" does not exist'),
                        ("true; select 1", "give one condition, not several statements"),
                        ("exists (select * from read_csv('controls.csv'))", "the condition may not read files")):
        done = run_cli("check", "--db", sample_db, "--dry-run", "--where", where)
        assert done.returncode == 254 and done.stderr.startswith(f"error: --where: {said}") and done.stdout == ""
        assert done.stderr.endswith(columns + "\n") and len(done.stderr.splitlines()) == 1
    done = run_cli("check", "--db", sample_db, "--dry-run", "--where", "severity =")
    assert done.returncode == 254 and done.stderr.startswith("error: --where: syntax error at line 1, column 10 near")


def test_tag_selects_the_controls_a_run_runs(sample_db, tmp_path):
    export = tmp_path / "run.json"
    done = run_cli("check", "--db", sample_db, "--quiet", "--fail-on", "none", "--tag", "service=AWS/S3",
                   "--output", "none", "--export", str(export))
    assert done.returncode == 0, done.stderr

    def controls(group):
        yield from group["controls"] or []
        for child in group["groups"] or []:
            yield from controls(child)

    ran = {c["control_id"]: c["tags"] for c in controls(json.loads(export.read_text()))}
    expected = {c.id for c in load_controls() if c.resource_type.startswith("AWS::S3::")}
    assert set(ran) == expected and all(t["service"] == "AWS/S3" for t in ran.values())


def test_csv_export_is_powerpipes_benchmark_csv(sample_db, tmp_path):
    """--export csv: Powerpipe's columns, a row per result of a control under each requirement that holds it, the
    same results as the JSON export's groups; --export x.findings.csv keeps one row per finding."""
    paths = [tmp_path / name for name in ("run.csv", "run.json", "run.findings.csv")]
    controls = ("iam_root_mfa_enabled", "iam_user_console_mfa")
    done = run_cli("check", "--db", sample_db, "--quiet", "--fail-on", "none", "--output", "none",
                   *(f"--control={c}" for c in controls), *(f"--export={p}" for p in paths))
    assert done.returncode == 0, done.stderr
    with paths[0].open(newline="", encoding="utf-8") as handle:
        header, *rows = list(csv.reader(handle))
    assert header == ["group_id", "title", "description", "control_id", "control_title", "control_description",
                      "reason", "resource", "status", "severity", "account_id", "region", "resource_type", "service"]
    groups = {}

    def walk(group):
        for control in group["controls"] or []:
            groups.setdefault(group["group_id"], []).extend(
                (control["control_id"], r["reason"], r["resource"], r["status"]) for r in control["results"])
        for child in group["groups"] or []:
            walk(child)

    walk(json.loads(paths[1].read_text()))
    assert {g: [tuple(r[3:4] + r[6:9]) for r in rows if r[0] == g] for g in groups} == groups
    assert {r[0] for r in rows} == set(groups) == {req for c in controls for req in requirements_for_control(c)}
    with paths[2].open(newline="", encoding="utf-8") as handle:
        findings = list(csv.DictReader(handle))
    assert len(findings) < len(rows) and {f["control_id"] for f in findings} == set(controls)
    per_requirement = {c: len(requirements_for_control(c)) for c in controls}
    assert len(rows) == sum(per_requirement[f["control_id"]] for f in findings)
    assert all(r[12] == "AWS::IAM::" + ("RootUser" if r[3] == controls[0] else "User") and r[13] == "AWS/IAM"
               for r in rows)


def test_powerpipes_file_only_outputs_say_what_iamsql_writes_instead(sample_db, tmp_path):
    """`check -o html` (or another format written only as a file) and `--output`/`--export nunit3` (Powerpipe's) say
    what iamsql writes instead, in the same words for both options; nothing is run."""
    before = runs(sample_db)
    for typed, said in (("html", "iamsql writes html as a file: --export html (or a name ending in .html)"),
                        ("sarif", "iamsql writes sarif as a file: --export sarif (or a name ending in .sarif)"),
                        ("nunit3", "Powerpipe's NUnit 3 XML is not written; --export junit (or a name ending in "
                                   ".xml) writes JUnit XML"),
                        ("snapshot", "Powerpipe's snapshot is not written; --export iamsql-json")):
        done = run_cli("check", "--db", sample_db, "--output", typed)
        assert done.returncode == 254 and done.stdout == ""
        assert done.stderr.startswith(f"error: --output {typed}: {said}") and done.stderr.count("\n") == 1, done.stderr
    for typed, said in (("nunit3", "Powerpipe's NUnit 3 XML is not written; --export junit (or a name ending in .xml)"),
                        ("pps", "Powerpipe's snapshot is not written; --export iamsql-json"),
                        # a file named as Powerpipe names its snapshots (it said only "cannot tell the format")
                        ("results.pps", "Powerpipe's snapshot is not written; --export iamsql-json")):
        done = run_cli("check", "--db", sample_db, "--export", typed)
        assert done.returncode == 254 and done.stdout == ""
        assert done.stderr.startswith(f"error: --export {typed}: {said}") and done.stderr.count("\n") == 1, done.stderr
    assert runs(sample_db) == before


def runs(db: str) -> int:
    """The check runs stored (0 before the first)."""
    with duckdb.connect(db, read_only=True) as con:
        if not con.execute("select count(*) from information_schema.tables where table_name = 'iamsql_run'").fetchone()[0]:
            return 0
        return con.execute("select count(*) from iamsql_run").fetchone()[0]


def test_report_names_what_it_writes_for_powerpipes_formats(sample_db, tmp_path):
    """`report --format nunit3` (or `pps`), as a Powerpipe user exports, says which format iamsql writes instead, as
    `check --export` does; it said only that the format is unknown. Nothing is written."""
    db = str(tmp_path / "checked.duckdb")
    shutil.copyfile(sample_db, db)
    assert run_cli("check", "--db", db, "--control", "iam_root_mfa_enabled", "-o", "none").returncode in (0, 1)
    out = tmp_path / "out"
    out.mkdir()
    for typed, said in (("nunit3", "Powerpipe's NUnit 3 XML is not written; --format junit (or a name ending in "
                                   ".xml) writes JUnit XML"),
                        ("pps", "Powerpipe's snapshot is not written; --format iamsql-json (or a name ending in "
                                ".iamsql.json) writes the whole run")):
        done = run_cli("report", "--db", db, "--out", str(out / "results"), "--format", typed)
        assert done.returncode == 2 and done.stdout == ""
        assert done.stderr.startswith(f"error: --format {typed}: {said}") and done.stderr.count("\n") == 1, done.stderr
    # a --out named as Powerpipe names its snapshot files (it said only "cannot tell the format")
    done = run_cli("report", "--db", db, "--out", str(out / "results.pps"))
    assert done.returncode == 2 and done.stderr == (
        "error: results.pps: Powerpipe's snapshot is not written; --format iamsql-json (or a name ending in "
        ".iamsql.json) writes the whole run as one document\n"), done.stderr
    assert list(out.iterdir()) == []

"""What an evidence run compares with the one before it when the estate or the thresholds change: an evidence run
checks only the accounts it gathered (another account's data left in the database is not its evidence); an account
assessed in one of two runs only is `not_compared` (its alarms are neither resolved nor new); a control whose
parameters changed is named, with both values, in the diff, changes.json and the Changes sheet."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import load_workbook

from iamsql import scheduled as evidence
from iamsql.common.resources import SAMPLE_DIR
from iamsql.history import runs as history
from iamsql.store import db as dbmod
from tests.test_exceptions import group_lists

HOME, OTHER = "123456789012", "210987654321"
CONTROLS = ["iam_user_in_group", "iam_password_policy_min_length"]


def other_account(tmp_path: Path) -> Path:
    """The AWS CLI examples' users (in no group) moved to a second account."""
    folder = tmp_path / "other"
    folder.mkdir()
    text = group_lists(tmp_path).read_text().replace(HOME, OTHER)
    (folder / "get-account-authorization-details.json").write_text(text)
    return folder


def run(tmp_path: Path, sources: list[Path], params: dict | None = None) -> evidence.RunOutcome:
    settings = {"db": tmp_path / "audit.duckdb", "evidence_dir": tmp_path / "evidence", "name": "estate",
                "controls": CONTROLS, "outputs": ["iamsql-json", "xlsx"], "fail_on": "none", "sources.paths": sources}
    if params:
        settings["params"] = params
    return evidence.run(evidence.load_config(None, settings, env={}))


def test_an_account_left_out_is_not_compared_and_changed_thresholds_are_named(tmp_path):
    home = [SAMPLE_DIR / "aws_cli_examples", group_lists(tmp_path)]
    first = run(tmp_path, [*home, other_account(tmp_path)], params={"min_length": 8})
    second = run(tmp_path, home)  # the other account is not gathered this time; the default threshold again

    con = dbmod.connect(tmp_path / "audit.duckdb", read_only=True)
    try:
        accounts = {run_id: history.run_accounts(con, run_id) for run_id in (first.run_id, second.run_id)}
        result = history.diff(con, first.run_id, second.run_id)
    finally:
        con.close()
    # the second run checked only what it gathered, although the other account's data is still in the database
    assert accounts == {first.run_id: {HOME, OTHER}, second.run_id: {HOME}}
    assert second.summary["accounts"] == 1
    assert {c["account_id"] for c in result["changes"]} == {HOME}
    assert not any(c["change"] == "resolved" for c in result["changes"])  # nothing was fixed
    assert result["removed_resources"] == []
    assert result["accounts_not_compared"] == [{"account_id": OTHER, "run_id": first.run_id,
                                                "missing_from": second.run_id}]
    # the password policy's 12 characters: ok against 8, an alarm against the default 14; the diff says why
    assert [(c["change"], c["control_id"]) for c in result["changes"]] == [
        ("new_alarm", "iam_password_policy_min_length")]
    assert result["parameters_changed"] == [{"control_id": "iam_password_policy_min_length",
                                             "from": {"min_length": 8}, "to": {"min_length": 14}}]
    text = history.render_diff(result, "table")
    assert "account_not_compared" in text and "min_length = 8" in text and "min_length = 14" in text
    assert json.loads((second.folder / "changes.json").read_text())["accounts_not_compared"][0]["account_id"] == OTHER

    sheet = list(load_workbook(second.folder / "workbook.xlsx", read_only=True)["Changes"].iter_rows(values_only=True))
    assert ("not_compared", None, None, OTHER, None, None, "assessed", "not assessed") in [r[:8] for r in sheet]
    assert ("parameters_changed", "iam_password_policy_min_length", None, None, None, None, "min_length = 8",
            "min_length = 14") in [r[:8] for r in sheet]

    # the other account back: its alarms are not new alarms in the findings' change column
    third = run(tmp_path, [*home, tmp_path / "other"])
    findings = json.loads((third.folder / "results.iamsql.json").read_text())["findings"]
    changes = {f["change"] for f in findings if f["account_id"] == OTHER}
    assert changes == {"not_compared"}
    assert "new_alarm" not in {f["change"] for f in findings if f["account_id"] == OTHER}

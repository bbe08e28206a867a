"""Several files of one run read its findings once (``Report.keep_findings``) and are the files written one by
one; OCSF's cached times keep each time's own UTC offset."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from iamsql import controls
from iamsql.load import load_paths
from iamsql.report import build_report, export_run, model, ocsf, write_report
from iamsql.store import db

FORMATS = ("json", "iamsql-json", "ocsf", "ocsf-jsonl", "asff", "csv", "sarif", "junit", "md", "html", "xlsx")


@pytest.fixture(scope="module")
def checked(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("kept") / "run.duckdb"
    con = db.connect(path)
    load_paths(con, [Path(__file__).parent / "data" / "cloudsplaining" / "example.json"])
    controls.run_checks(con)
    con.close()
    return path


def test_files_of_one_export_are_those_written_one_by_one(checked, tmp_path):
    con = db.connect(checked)
    together = [tmp_path / f"together-{n}.out" for n in range(len(FORMATS))]
    export_run(con, together, formats=list(FORMATS))
    for path, fmt in zip(together, FORMATS):
        alone = write_report(con, tmp_path / f"alone-{fmt}.out", fmt=fmt)
        assert path.read_bytes() == alone.read_bytes(), fmt
    con.close()


def test_kept_findings_are_the_findings_read(checked):
    con = db.connect(checked)
    report = build_report(con)
    read = list(report.findings())
    report.keep_findings()
    assert list(report.findings()) == read == list(report.findings()) and len(read) == report.finding_count > 1000
    con.close()


def test_a_run_above_one_batch_is_not_kept(checked, monkeypatch):
    monkeypatch.setattr(model, "BATCH_FINDINGS", 100)
    con = db.connect(checked)
    report = build_report(con)
    report.keep_findings()
    assert report._kept_findings is None and len(list(report.findings())) == report.finding_count
    con.close()


def test_ocsf_times_keep_their_offset():
    utc = datetime(2025, 6, 1, 8, 30, tzinfo=timezone.utc)
    later = utc.astimezone(timezone(timedelta(hours=2)))
    assert ocsf._times(utc) == (1748766600000, "2025-06-01T08:30:00+00:00")
    assert ocsf._times(later) == (1748766600000, "2025-06-01T10:30:00+02:00")

"""``iamsql load`` on more ways people save what AWS gives them: the credential report's base64 ``Content`` saved
without decoding it (``--query Content --output text``) or the CLI's whole ``--output text``, every page of
``lookup-events`` saved as one JSON array or queried for its ``CloudTrailEvent`` strings, a ``lookup-events``
output whose ``CloudTrailEvent`` text is broken, Insights events outside a ``Records`` wrapper, a ``Records`` list
whose first entry is no object, digest files and zip archives among the logs. Inputs are built from tests/data/real_shapes (written from AWS's documented
shapes); rows are checked against what the files say."""

from __future__ import annotations

import base64
import csv
import gzip
import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest

from iamsql.errors import InputError
from iamsql.load import load_paths
from iamsql.store import db

SHAPES = Path(__file__).parent / "data" / "real_shapes"
REPORT = (SHAPES / "credential-report.csv").read_text()
LOOKUP = json.loads((SHAPES / "cloudtrail" / "lookup-events.json").read_text())
INSIGHT = json.loads((SHAPES / "cloudtrail" / "insight.json").read_text())["Records"][0]
RECORDS = json.loads((SHAPES / "cloudtrail" / "records.json").read_text())["Records"]
GENERATED = "2024-03-03T04:05:06+00:00"


def load(tmp_path: Path, *paths, **options):
    con = db.connect(tmp_path / "variants.duckdb")
    return con, load_paths(con, [str(p) for p in paths], **options)


def rows(con, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def state(con) -> list:
    """What a failed load must leave as it was: snapshots and every history table's row count."""
    tables = [
        t
        for (t,) in rows(
            con, "select table_name from information_schema.tables where table_schema = 'history' order by 1"
        )
    ]
    return [
        rows(con, "select snapshot_id, account_id from iamsql_snapshot order by 1"),
        [con.execute(f"select count(*) from history.{t}").fetchone()[0] for t in tables],
    ]


# ---- the credential report as base64 text ------------------------------------------------------------------------

B64 = base64.b64encode(REPORT.encode()).decode()
REPORT_COLUMNS = (
    "user_name, user_arn, password_enabled, password_status, password_last_used, mfa_active, "
    "access_key_1_active, access_key_1_last_used_region, cert_1_active, account_id"
)


def _report_rows(con) -> list[tuple]:
    return rows(con, f"select {REPORT_COLUMNS} from aws_iam_credential_report order by user_name")


BASE64_TEXT = {
    "--query Content --output text": (B64 + "\n", None),
    "decoded later by hand, wrapped at 76 columns": (base64.encodebytes(REPORT.encode()).decode(), None),
    "--output text (content, GeneratedTime, ReportFormat)": (f"{B64}\t{GENERATED}\ttext/csv\n", GENERATED),
    "--output text (content, ReportFormat, GeneratedTime)": (f"{B64}\ttext/csv\t{GENERATED}\r\n", GENERATED),
}


@pytest.mark.parametrize("variant", BASE64_TEXT)
def test_base64_credential_report_text_loads_as_the_csv(tmp_path, variant):
    text, generated = BASE64_TEXT[variant]
    (tmp_path / "csv").mkdir()
    (tmp_path / "csv" / "report.csv").write_text(REPORT)
    expected, _ = load(tmp_path / "csv", tmp_path / "csv" / "report.csv")
    (tmp_path / "report.txt").write_text(text, newline="")
    con, summary = load(tmp_path, tmp_path / "report.txt")
    assert _report_rows(con) == _report_rows(expected)
    assert len(_report_rows(con)) == len(list(csv.DictReader(io.StringIO(REPORT))))
    assert rows(
        con, "select distinct strftime(generated_time, '%Y-%m-%dT%H:%M:%S+00:00') from aws_iam_credential_report"
    ) == [(generated,)]
    if generated:
        assert summary.snapshots[0]["as_of"] == generated


@pytest.mark.parametrize(
    "text, reason",
    [
        (B64[:200] + "%%%%" + B64[204:], "does not decode as base64"),
        (f"{B64}\tyesterday\ttext/csv\n", "not a timestamp: 'yesterday'"),
        (B64[:400], "credential report lacks column(s)"),
    ],
)
def test_broken_base64_credential_report_is_one_line_and_changes_nothing(tmp_path, text, reason):
    con, _ = load(tmp_path, SHAPES / "credential-report.csv")
    before = state(con)
    (tmp_path / "report.txt").write_text(text)
    with pytest.raises(InputError) as caught:
        load_paths(con, [str(tmp_path / "report.txt")])
    assert "\n" not in str(caught.value) and "report.txt" in str(caught.value) and reason in str(caught.value)
    assert state(con) == before


def test_base64_of_something_else_is_not_taken_for_a_report(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "notes.txt").write_text(base64.b64encode(b"user name list for the audit, not a report").decode())
    (folder / "report.csv").write_text(REPORT)
    _, summary = load(tmp_path, folder)
    assert [(Path(p).name, reason) for p, reason in summary.skipped] == [
        ("notes.txt", "not JSON or a credential report CSV")
    ]


# ---- lookup-events -------------------------------------------------------------------------------------------------


def _lookup_page(events: list[dict], token: str | None = None) -> dict:
    return {"Events": events, **({"NextToken": token} if token else {})}


def test_lookup_events_pages_saved_as_one_array(tmp_path):
    """A script that keeps every page of boto3's lookup_events paginator and saves the list: the same events as the
    pages written one after another."""
    first, second = LOOKUP["Events"][:1], LOOKUP["Events"][1:]
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "pages.json").write_text(
        json.dumps([_lookup_page(first, "t1"), _lookup_page([], "t2"), _lookup_page(second)], indent=2)
    )
    (tmp_path / "b" / "pages.json").write_text(
        json.dumps(_lookup_page(first, "t1"), indent=4) + "\n" + json.dumps(_lookup_page(second), indent=4) + "\n"
    )
    query = "select event_id, event_name, event_time, cloudtrail_event from aws_cloudtrail_trail_event order by 1"
    con, summary = load(tmp_path / "a", tmp_path / "a" / "pages.json")
    other, _ = load(tmp_path / "b", tmp_path / "b" / "pages.json")
    assert [f.format for f in summary.files] == ["cloudtrail-lookup-pages"]
    assert rows(con, query) == rows(other, query)
    assert [json.loads(r[3]) for r in rows(con, query)] == [
        json.loads(e["CloudTrailEvent"]) for e in sorted(LOOKUP["Events"], key=lambda e: e["EventId"])
    ]


def test_lookup_events_queried_for_the_cloudtrail_event_strings(tmp_path):
    """``aws cloudtrail lookup-events --query 'Events[].CloudTrailEvent'``: an array of events as JSON text, the
    same events as the whole output. A first event longer than the sniffed head is judged by its opening keys."""
    strings = [e["CloudTrailEvent"] for e in LOOKUP["Events"]]
    long_event = {**json.loads(strings[1]), "eventID": "6f4ab3c1-0000-4000-8000-0000000000ff"}
    long_event["requestParameters"] = {"policyDocument": "x" * 100_000}
    (tmp_path / "strings.json").write_text(json.dumps([json.dumps(long_event), *strings], indent=4))
    con, summary = load(tmp_path, tmp_path / "strings.json")
    assert [f.format for f in summary.files] == ["cloudtrail-lookup-strings"]
    got = rows(con, "select event_id, cloudtrail_event from aws_cloudtrail_trail_event order by 1")
    assert [(r[0], json.loads(r[1])) for r in got] == sorted(
        (e["eventID"], e) for e in [long_event, *map(json.loads, strings)]
    )
    (tmp_path / "words.json").write_text(json.dumps(["ConsoleLogin", "CreateAccessKey"]))
    with pytest.raises(InputError, match="not a recognised AWS IAM or CloudTrail output"):
        load_paths(con, [str(tmp_path / "words.json")])
    (tmp_path / "broken.json").write_text(json.dumps([strings[0], strings[1][:-30]]))
    with pytest.raises(InputError, match=r"broken\.json: a CloudTrailEvent string is not JSON"):
        load_paths(con, [str(tmp_path / "broken.json")])


def test_an_array_of_records_wrappers_is_not_taken_for_lookup_pages(tmp_path):
    (tmp_path / "merged.json").write_text(json.dumps([{"Records": RECORDS[:2]}]))
    with pytest.raises(InputError, match="not a recognised AWS IAM or CloudTrail output"):
        load(tmp_path, tmp_path / "merged.json")


@pytest.mark.parametrize("broken", ["{not json", None])
def test_lookup_events_with_a_broken_cloudtrail_event_names_the_file(tmp_path, broken):
    """Each CloudTrailEvent is JSON text inside the JSON: a broken one is a broken file, named in one line, even
    when read in one batch with good files."""
    con, _ = load(tmp_path, SHAPES / "cloudtrail" / "records.json")
    before = state(con)
    folder = tmp_path / "lookups"
    folder.mkdir()
    events = [dict(e) for e in LOOKUP["Events"]]
    events[1]["CloudTrailEvent"] = broken if broken is not None else events[1]["CloudTrailEvent"][:-40]
    (folder / "a-good.json").write_text(json.dumps(_lookup_page(LOOKUP["Events"][:1])))
    (folder / "b-broken.json").write_text(json.dumps(_lookup_page(events)))
    with pytest.raises(InputError) as caught:
        load_paths(con, [str(folder)])
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{folder / 'b-broken.json'}: a CloudTrailEvent string is not JSON")
    assert state(con) == before


# ---- CloudTrail files that are not the usual Records -------------------------------------------------------------


@pytest.mark.parametrize("layout", ["array", "lines"])
def test_insight_events_outside_a_records_wrapper(tmp_path, layout):
    """Insights events name their event source and name only inside insightDetails."""
    events = [
        INSIGHT,
        {
            **INSIGHT,
            "eventID": INSIGHT["eventID"][:-2] + "ff",
            "insightDetails": {**INSIGHT["insightDetails"], "state": "End"},
        },
    ]
    text = json.dumps(events) if layout == "array" else "".join(json.dumps(e) + "\n" for e in events)
    (tmp_path / "insights.json").write_text(text)
    con, _ = load(tmp_path, tmp_path / "insights.json")
    assert rows(
        con,
        "select event_id, event_category, event_type, event_name, "
        "cloudtrail_event->'insightDetails'->>'state' from aws_cloudtrail_trail_event order by 1",
    ) == [(e["eventID"], "Insight", "AwsCloudTrailInsight", None, e["insightDetails"]["state"]) for e in events]


def test_records_whose_first_entry_is_no_object_are_read_and_rejected_one_by_one(tmp_path):
    (tmp_path / "log.json").write_text(json.dumps({"Records": [None, *RECORDS[:3], "text"]}))
    con, summary = load(tmp_path, tmp_path / "log.json")
    assert rows(con, "select event_id from aws_cloudtrail_trail_event order by 1") == sorted(
        (r["eventID"],) for r in RECORDS[:3]
    )
    assert summary.events["rejected"] == 2
    assert any("not a JSON object (null)" in w for w in summary.warnings)
    assert any("not a JSON object (text)" in w for w in summary.warnings)


def test_digest_files_and_archives_are_skipped_with_what_they_are(tmp_path):
    bucket = tmp_path / "in" / "AWSLogs" / "111122223333"
    digest = bucket / "CloudTrail-Digest" / "us-east-1" / "2024" / "03" / "03"
    logs = bucket / "CloudTrail" / "us-east-1" / "2024" / "03" / "03"
    digest.mkdir(parents=True)
    logs.mkdir(parents=True)
    (digest / "111122223333_CloudTrail-Digest_us-east-1_trail_us-east-1_20240303T010500Z.json.gz").write_bytes(
        gzip.compress((SHAPES / "cloudtrail" / "digest.json").read_bytes())
    )
    (logs / "111122223333_CloudTrail_us-east-1_20240303T0105Z_Kx2c0sjeQcwVZGdQ.json.gz").write_bytes(
        gzip.compress(json.dumps({"Records": RECORDS}).encode())
    )
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("log.json", json.dumps({"Records": RECORDS}))
    (tmp_path / "in" / "export.zip").write_bytes(archive.getvalue())
    con, summary = load(tmp_path, tmp_path / "in")
    assert sorted((Path(p).suffix, reason) for p, reason in summary.skipped) == [
        (".gz", "CloudTrail digest file (hashes of log files, no events)"),
        (".zip", "zip archive (unpack it to load the files in it)"),
    ]
    assert rows(con, "select count(*) from aws_cloudtrail_trail_event") == [(len(RECORDS),)]
    shutil.copy(tmp_path / "in" / "export.zip", tmp_path / "export.json.gz")
    with pytest.raises(InputError, match=r"export\.json\.gz: zip archive \(unpack it"):
        load_paths(con, [str(tmp_path / "export.json.gz")])

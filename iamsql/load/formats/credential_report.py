"""IAM credential report: the raw CSV, the CLI's JSON (``Content`` base64-encoded) and boto3's JSON (``Content``
already plain text). Sentinel cells become NULL (see ``normalize.credential_report_row``)."""

from __future__ import annotations

import base64
import binascii
import csv
import io
from pathlib import Path

from iamsql.load import normalize
from iamsql.load.formats.base import Format, Fragment, Parsed

TABLE = "aws_iam_credential_report"
GENERATED = "credential report GeneratedTime"


def is_report_csv(text: str) -> bool:
    """True when the first line is a credential report header (``user,arn,user_creation_time,...``)."""
    header = text.lstrip("\ufeff").split("\n", 1)[0].strip().lower()
    return header.startswith("user,arn,user_creation_time")


def parse_csv_text(text: str, generated_time: str | None, fmt: str) -> Parsed:
    """Rows of a credential report CSV. Raises ValueError (row number and column) for a cell it cannot read."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    reader.fieldnames = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [c for c in normalize.CREDENTIAL_REPORT_REQUIRED if c not in reader.fieldnames]
    if missing:
        raise ValueError(f"credential report lacks column(s) {', '.join(missing)}")
    parsed = Parsed(fmt, covers={TABLE}, as_of=generated_time, as_of_source=GENERATED if generated_time else None,
                    extra={"generated_time": generated_time})
    for line, record in enumerate(reader, start=2):
        if None in record:
            raise ValueError(f"line {line} has more cells than the header")
        if None in record.values():  # a cut-off file: AWS writes every cell, a sentinel where there is no value
            raise ValueError(f"line {line} has fewer cells than the header")
        try:
            row = normalize.credential_report_row(record, generated_time)
        except ValueError as exc:
            raise ValueError(f"line {line}: {exc}") from None
        # Keyed by line: one account's newest report is loaded whole, duplicate user rows included.
        parsed.fragments.append(Fragment(TABLE, (line,), row, row.pop("account_id")))
    return parsed


def parse_json(doc: dict, path: Path) -> Parsed:
    generated = normalize.timestamp(doc.get("GeneratedTime"))
    content = doc.get("Content")
    if content is None:
        parsed = Parsed("iam:get-credential-report", as_of=generated, as_of_source=GENERATED if generated else None)
        parsed.warnings.append(f"{path}: credential report output has no Content; nothing to load")
        return parsed
    if is_report_csv(content):
        return parse_csv_text(content, generated, "iam:get-credential-report (plain Content)")
    try:  # the CLI writes base64 on one line; a copy through other tools may wrap it
        text = base64.b64decode("".join(content.split()), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise ValueError("credential report Content is neither CSV text nor base64") from None
    if not is_report_csv(text):
        raise ValueError("credential report Content does not decode to a credential report CSV")
    return parse_csv_text(text, generated, "iam:get-credential-report (base64 Content)")


def parse_csv(text: str) -> Parsed:
    return parse_csv_text(text, None, "iam:credential-report-csv")


FORMATS = [
    Format("iam:get-credential-report",
           lambda d: "Content" in d or ("GeneratedTime" in d and "ReportFormat" in d), parse_json),
]

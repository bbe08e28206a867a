"""IAM credential report: the raw CSV, the CLI's JSON (``Content`` base64-encoded) and boto3's JSON (``Content``
already plain text, or the ``b'...'`` text of its bytes when saved with ``json.dumps(response, default=str)``). Sentinel cells become NULL (see ``normalize.credential_report_row``)."""

from __future__ import annotations

import ast
import base64
import binascii
import csv
import io
import re
from pathlib import Path

from iamsql.load import normalize
from iamsql.load.formats.base import Format, Fragment, Parsed

TABLE = "aws_iam_credential_report"
GENERATED = "credential report GeneratedTime"


# What a spreadsheet saving the report again puts between cells: AWS's comma; the semicolon of Excel's CSV in
# locales whose decimal mark is a comma; the tab of Excel's "Unicode Text".
DELIMITERS = (",", ";", "\t")
HEADER_START = ("user", "arn", "user_creation_time")
# Excel's words for TRUE and FALSE in the locales whose CSV takes semicolons (German, French, Spanish, Italian,
# Portuguese, Dutch): Excel reads the report's true/false as booleans and writes them back in the locale's words.
SPREADSHEET_BOOLEANS = {"wahr": "true", "falsch": "false", "vrai": "true", "faux": "false", "verdadero": "true",
                        "vero": "true", "verdadeiro": "true", "falso": "false", "waar": "true", "onwaar": "false"}
BOOLEAN_COLUMNS = ("password_enabled", "mfa_active", "access_key_1_active", "access_key_2_active", "cert_1_active",
                   "cert_2_active")
# A time a spreadsheet re-wrote in its locale's format (the report's +00:00 dropped, seconds often too):
# 06.05.2019 07:08 (day first), 5/6/2019 7:08 (month first in the US, day first elsewhere).
SPREADSHEET_TIME = re.compile(r"(\d{1,2})([./])(\d{1,2})\2(\d{4}) (\d{1,2}):(\d\d)(?::(\d\d))?")


def _delimiter(text: str) -> str | None:
    """The cell separator of a credential report's header line (cells quoted or not), or None when the text does
    not start with one (``user,arn,user_creation_time,...``)."""
    header = text.lstrip("\ufeff").split("\n", 1)[0].strip().lower()
    for delimiter in DELIMITERS:
        if tuple(cell.strip().strip('"') for cell in header.split(delimiter)[:3]) == HEADER_START:
            return delimiter
    return None


def is_report_csv(text: str) -> bool:
    """True when the first line is a credential report header (``user,arn,user_creation_time,...``)."""
    return _delimiter(text) is not None


def _day_first(records: list[tuple[int, dict[str, str]]]) -> bool | None:
    """Whether the report's times a spreadsheet re-wrote put the day first (None: none was re-written). Raises
    ValueError when the file cannot tell (every day the 12th or before) or says both."""
    first: dict[bool, str] = {}
    for _line, record in records:
        for name in normalize.CREDENTIAL_REPORT_TIMES:
            match = SPREADSHEET_TIME.fullmatch((record.get(name) or "").strip())
            if match:
                if match[2] == ".":  # dots: day first in every locale that writes them
                    first.setdefault(True, match[0])
                if int(match[1]) > 12:
                    first.setdefault(True, match[0])
                if int(match[3]) > 12:
                    first.setdefault(False, match[0])
                first.setdefault(None, match[0])
    if len(first) == 3:
        raise ValueError(f"times are written some day first ({first[True]}) and some month first ({first[False]})")
    if None in first and len(first) == 1:
        raise ValueError(f"times such as {first[None]} could be day/month/year or month/day/year; load the report "
                         "as AWS gave it")
    return next((day for day in first if day is not None), None)


def _iso_time(text: str, day_first: bool) -> str:
    match = SPREADSHEET_TIME.fullmatch(text.strip())
    if not match:
        return text
    day, month = (match[1], match[3]) if day_first else (match[3], match[1])
    return f"{match[4]}-{int(month):02}-{int(day):02}T{int(match[5]):02}:{match[6]}:{match[7] or '00'}+00:00"


def _as_aws_wrote(record: dict[str, str], day_first: bool | None) -> dict[str, str]:
    """A record's cells as AWS wrote them where a spreadsheet re-wrote them: booleans, then times (UTC, as AWS's)."""
    for name in BOOLEAN_COLUMNS:
        value = (record.get(name) or "").strip()
        record[name] = SPREADSHEET_BOOLEANS.get(value.lower(), value)
    if day_first is not None:
        for name in normalize.CREDENTIAL_REPORT_TIMES:
            record[name] = _iso_time(record.get(name) or "", day_first)
    return record


def parse_csv_text(text: str, generated_time: str | None, fmt: str) -> Parsed:
    """Rows of a credential report CSV, also as a spreadsheet saves it again (``;`` or tabs between cells, quoted
    cells, its words for booleans, its format for times). Raises ValueError (row number and column) for a cell it
    cannot read."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=_delimiter(text) or ",")
    reader.fieldnames = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [c for c in normalize.CREDENTIAL_REPORT_REQUIRED if c not in reader.fieldnames]
    if missing:
        raise ValueError(f"credential report lacks column(s) {', '.join(missing)}")
    parsed = Parsed(fmt, covers={TABLE}, as_of=generated_time, as_of_source=GENERATED if generated_time else None,
                    extra={"generated_time": generated_time})
    records = []
    for line, record in enumerate(reader, start=2):
        if None in record:
            raise ValueError(f"line {line} has more cells than the header")
        if None in record.values():  # a cut-off file: AWS writes every cell, a sentinel where there is no value
            raise ValueError(f"line {line} has fewer cells than the header")
        if any(value.strip() for value in record.values()):  # a spreadsheet may leave lines of empty cells
            records.append((line, record))
    day_first = _day_first(records)
    if day_first is not None:
        parsed.warnings.append(f"credential report times were re-written by a spreadsheet ({'day' if day_first else 'month'} "
                               "first); read as UTC, to the minute where it dropped the seconds")
    lines_of: dict[str, int] = {}  # a user's ARN -> its line
    for line, record in records:
        record = _as_aws_wrote(record, day_first)
        try:
            row = normalize.credential_report_row(record, generated_time)
        except ValueError as exc:
            raise ValueError(f"line {line}: {exc}") from None
        # AWS lists a user once; a report listing one twice (edited, or two reports pasted together) keeps the later
        # line, or every control would give that user two contradicting rows.
        arn = row.get("user_arn") or f"line {line}"
        if arn in lines_of:
            parsed.warnings.append(f"credential report lists {arn} on lines {lines_of[arn]} and {line}; line {line} "
                                   f"is kept")
            parsed.fragments = [f for f in parsed.fragments if f.key != (lines_of[arn],)]
        lines_of[arn] = line
        parsed.fragments.append(Fragment(TABLE, (line,), row, row.pop("account_id")))
    return parsed


def parse_json(doc: dict, path: Path) -> Parsed | str:
    """``get-credential-report`` output; one without ``Content`` (the report itself) is not loaded: the reason."""
    generated = normalize.timestamp(doc.get("GeneratedTime"))
    content = doc.get("Content")
    if content is None:
        return ("get-credential-report output without its Content (the report itself): nothing to load; save the "
                "whole output of 'aws iam get-credential-report'")
    if is_report_csv(content):
        return parse_csv_text(content, generated, "iam:get-credential-report (plain Content)")
    if content.startswith(("b'", 'b"')):
        return parse_csv_text(_bytes_text(content), generated, "iam:get-credential-report (bytes as text)")
    try:
        text = _base64_text(content)
    except (binascii.Error, UnicodeDecodeError):
        raise ValueError("credential report Content is neither CSV text nor base64") from None
    if not is_report_csv(text):
        raise ValueError("credential report Content does not decode to a credential report CSV")
    return parse_csv_text(text, generated, "iam:get-credential-report (base64 Content)")


def _bytes_text(content: str) -> str:
    """The report from the text of a Python bytes value (``b'user,arn,...\\n...'``), as ``str()`` writes boto3's
    ``Content``. Raises ValueError."""
    try:
        value = ast.literal_eval(content)
        return value.decode("utf-8")
    except (ValueError, SyntaxError, AttributeError, UnicodeDecodeError):
        raise ValueError("credential report Content starts as bytes text (b'...') but is not one") from None


def _base64_text(content: str) -> str:
    """Base64 as the CLI writes it, on one line; a copy through other tools may wrap it. Raises binascii.Error or
    UnicodeDecodeError."""
    return base64.b64decode("".join(content.split()), validate=True).decode("utf-8")


def is_base64_report(text: str) -> bool:
    """True when the text starts as the base64 of a credential report CSV: the ``Content`` alone (``aws iam
    get-credential-report --query Content --output text`` saved without decoding it), or the CLI's whole text
    output (``--output text``: the content, then ``GeneratedTime`` and ``ReportFormat``)."""
    head = text.split(None, 1)[0][:80] if text.strip() else ""
    head = head[: len(head) - len(head) % 4]
    try:
        decoded = base64.b64decode(head, validate=True).decode("utf-8", errors="ignore")
    except (binascii.Error, ValueError):
        return False
    return decoded.lower().startswith("user,arn,user_creation_time")


def parse_base64(text: str) -> Parsed:
    """A file holding the base64 ``Content`` (see ``is_base64_report``). Raises ValueError."""
    words = text.split()
    generated, fmt = None, "iam:credential-report-csv (base64)"
    others = [w for w in words[1:] if w != "text/csv"]
    if len(others) < len(words) - 1 or (len(others) == 1 and not _is_base64_word(others[0])):
        generated = normalize.timestamp(others[0]) if others else None  # ValueError: a word that is neither
        words, fmt = words[:1], "iam:get-credential-report (text output)"
    try:
        csv_text = _base64_text("".join(words))
    except (binascii.Error, UnicodeDecodeError):
        raise ValueError("starts as a base64 credential report but does not decode as base64 UTF-8 text") from None
    return parse_csv_text(csv_text, generated, fmt)


def _is_base64_word(word: str) -> bool:
    return all(c.isascii() and (c.isalnum() or c in "+/=") for c in word)


def parse_csv(text: str) -> Parsed:
    return parse_csv_text(text, None, "iam:credential-report-csv")


FORMATS = [
    Format("iam:get-credential-report",
           lambda d: "Content" in d or ("GeneratedTime" in d and "ReportFormat" in d), parse_json),
]

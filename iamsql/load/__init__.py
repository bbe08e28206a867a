"""``iamsql load``: walk files and folders, detect each file's format by its content, parse it, merge what the
files say about each resource, and write one snapshot per AWS account in one transaction.

Any unreadable or malformed file stops the whole load with a one-line ``InputError`` naming the file, and the
database stays exactly as it was. In a folder, files in no recognised format are listed as skipped; a file named
explicitly that is not recognised is an error.

Files whose AWS output carries no account id (password policy, account summary, access keys...) take, in order:
the single account of the file's own ARNs, ``--account-id``, the single account seen among the files of the same
folder, the account the nearest folder (its own or one above) was exported as by its sts get-caller-identity
outputs or those of all its subfolders, for Organizations outputs the single account of the load's Organizations
outputs, the single account of the whole load; otherwise the load fails asking for ``--account-id``. CloudTrail trail outputs listed in a
collection manifest belong to the account they were collected in, whatever account their trail ARNs name: an
organization trail, which a member account lists (and asks the status and selectors of) under the management
account's ARN, is the member's trail too. Without a manifest, an organization trail goes to the single account of
the other trails of its file, else of the other files of its folder, else to ``--account-id``, else to the
account of its ARN.

Each snapshot's ``as_of`` (the "now" of the controls) comes from the data, never from the clock, so the same
files give the same results on any day. In order: ``--as-of``; else the newest of its files' own times, where a
file's time is the credential report's ``GeneratedTime``, else the collection time in ``manifest.json``, else
the newest past time inside the file (CreateDate, PasswordLastUsed, LastUsedDate, trail delivery times...), and
CloudTrail's newest event time; else the newest such time of the whole load; else the account's previous
snapshot; else the load fails asking for ``--as-of``. How it was found is recorded as the ``sources`` entry with
``format`` ``iamsql:as-of`` (its ``as_of_source`` says it in words); each file entry has its own ``as_of_source``.
A table the load holds only part of over an earlier whole listing of the account keeps that listing's other rows
(``carry``), recorded as an ``iamsql:carried`` entry whose snapshot's time counts as a file's.
"""

from __future__ import annotations

import codecs
import gzip
import json
import os
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from functools import cache
from pathlib import Path
from typing import Any

import duckdb

from iamsql.common.arns import arn_account, arn_parts
from iamsql.common.files import sha256_file
from iamsql.common.paths import walk
from iamsql.errors import NOTHING_LOADED, BrokenFileError, DatabaseError, IamsqlError, InputError, first_line
from iamsql.load import carry
from iamsql.load.formats import (
    cli_output,
    cloudtrail,
    credential_report,
    detect,
    iam,
    identity,
    kms,
    monitoring,
    organizations,
    pages,
    placebo,
    trails,
)
from iamsql.load.formats.base import (
    Fragment,
    Parsed,
    Unreadable,
    json_time,
    path_region,
    powershell_flattened,
    response_data,
    says_truncated,
)
from iamsql.load.formats.queried import queried_object
from iamsql.load.normalize import region_partition, timestamp
from iamsql.load.shapes import shape_problem
from iamsql.raw.folder import MANIFEST_NAME, Manifest, read_manifest
from iamsql.store import db
from iamsql.store.schema import TABLES

HEAD_BYTES = 64 * 1024
JSON_NAMES = (".json", ".json.gz")
GAAD = "iam:get-account-authorization-details"
AS_OF_FORMAT = "iamsql:as-of"  # the sources entry that says how a snapshot's as_of was found
# Services whose outputs without an ARN (list-children, describe-organization) belong to the single account whose
# outputs of that service carry ARNs in the load (the organization's management account).
SERVICE_WIDE = ("organizations:", "placebo:organizations:")
TRAIL_TABLE = "aws_cloudtrail_trail"
# Tables listed one user at a time (list-access-keys): whole once every user's share is loaded.
PER_USER_TABLES = {"aws_iam_access_key"}
# Tables listed one region at a time (list-analyzers): whole once every enabled region's listing is loaded.
PER_REGION_TABLES = {"aws_accessanalyzer_analyzer"}
# Tables listed one account at a time (list-delegated-services-for-account): whole once the services of every account a
# whole list-delegated-administrators lists are loaded.
PER_ADMINISTRATOR_TABLES = {organizations.DELEGATED_SERVICE}
# Tables asked one kind of row at a time (get-alternate-contact, Organizations' list-policies --filter): whole once
# every kind is loaded.
PER_KIND_TABLES = {kms.CONTACT: kms.CONTACT_TYPES, organizations.POLICY: organizations.POLICY_TYPES}
ENABLED_REGION = (None, "opt-in-not-required", "opted-in")  # DescribeRegions' OptInStatus of an enabled region
# Why a table is partial when every output of it that was loaded says more pages follow.
MORE_PAGES = "IsTruncated, NextToken, NextMarker or the like"
LAST_PAGE_MISSING = f"it says more pages follow ({MORE_PAGES}) and no later page is loaded"
# Tables whose listing names every region's rows in one call: S3's list-buckets (rows of every bucket region)
GLOBAL_LISTINGS = {"aws_s3_bucket"}
# Timestamp columns that look ahead (expiry, next rotation) and so say nothing about when the data was taken.
FUTURE_TIME_COLUMNS = {"password_next_rotation", "valid_until", "expiration", "deletion_date", "valid_to"}


@dataclass
class SourceFile:
    """One recognised input file and what it contributed."""

    path: Path
    format: str
    sha256: str
    as_of: str | None = None
    as_of_source: str | None = None  # how the file's as_of was found
    accounts: set[str] = field(default_factory=set)
    parsed: Parsed | None = None  # None for CloudTrail event files
    name: str = ""  # the path relative to what was loaded (source_name), what reports show
    utf16: bool = False  # a CloudTrail event file in UTF-16 (read through a UTF-8 copy)
    # table -> the keys whose rows of it the file lists whole (one user's list-access-keys, even an empty one)
    listed: dict[str, list[str]] = field(default_factory=dict)

    def source_entry(self) -> dict:
        entry = {"path": str(self.path), "name": self.name or self.path.name, "sha256": self.sha256,
                 "format": self.format, "as_of": self.as_of, "as_of_source": self.as_of_source}
        if self.parsed is not None:
            entry.update({k: v for k, v in self.parsed.extra.items() if k != "generated_time"})
        if self.listed:
            entry["listed"] = self.listed
        return entry


@dataclass
class LoadSummary:
    snapshots: list[dict] = field(default_factory=list)  # {snapshot_id, account_id, as_of, as_of_source, tables: {table: rows}}
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows written by this load
    files: list[SourceFile] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (path, reason), with --skip-unreadable
    broken: list[tuple[str, str]] = field(default_factory=list)  # (path, reason), with --skip-broken
    warnings: list[str] = field(default_factory=list)
    events: dict = field(default_factory=dict)  # the CloudTrail loader's statistics
    found: int = 0  # the files the load reads (folders walked)

    def warning_lines(self) -> list[str]:
        """Every warning of the load, the entries not read with --skip-unreadable and the files not loaded with
        --skip-broken first."""
        return ([f"{path}: not read ({reason})" for path, reason in self.unreadable]
                + [f"{path}: broken, not loaded ({reason})" for path, reason in self.broken] + self.warnings)


# ---- finding and reading files -------------------------------------------------------------------------------------


def discover(paths: Iterable[str | Path], skip_unreadable: bool = False,
             unreadable: list[tuple[str, str]] | None = None) -> list[tuple[Path, bool]]:
    """Every file to look at, as (path, named explicitly), folders walked recursively in sorted order. Paths are
    literal (``ct[1].json`` is that file, never ``ct1.json``). An entry that cannot be read (permission denied,
    broken symlink, symlink loop) stops the load naming the first one and the count, unless ``skip_unreadable``:
    then each becomes a warning. A file reached more than once (named twice, named beside a folder that holds it,
    two links to it) is read once, where it is first reached."""
    found = walk(paths)
    missing = [(p, r) for p, r in found.unreadable if r == "no such file or folder"]
    if missing:
        raise InputError(f"{missing[0][0]}: no such file or folder")
    if found.unreadable:
        if not skip_unreadable:
            first, reason = found.unreadable[0]
            count = len(found.unreadable)
            raise InputError(f"{first}: cannot read ({reason}); {count} unreadable entr{'y' if count == 1 else 'ies'} "
                             "in all; nothing was loaded (--skip-unreadable loads the rest)")
        if unreadable is not None:
            unreadable += [(str(p), r) for p, r in found.unreadable]
    once: dict[str, tuple[Path, bool]] = {}
    for path, named in found.files:
        first = once.setdefault(os.path.realpath(path), (path, named))
        if named and not first[1]:
            once[os.path.realpath(path)] = (first[0], True)
    return list(once.values())


def source_name(path: Path, named: list[Path]) -> str:
    """How reports name a loaded file: its path below the file or folder the user named, starting with that
    one's own name (``exports/iam/users.json`` for ``/home/me/exports``), never the analyst's absolute path."""
    for root in sorted(named, key=lambda r: len(r.parts), reverse=True):
        if path == root or path.is_relative_to(root):
            base = Path(os.path.abspath(root)).name
            inside = path.relative_to(root)
            return (Path(base) / inside).as_posix() if base else inside.as_posix() if inside.parts else path.name
    return path.name


def _read(path: Path, limit: int | None = None) -> bytes:
    """The file's bytes, gunzipped when it starts with the gzip magic number (first ``limit`` bytes if given)."""
    try:
        with path.open("rb") as handle:
            magic = handle.read(2)
        if magic != b"\x1f\x8b":
            with path.open("rb") as handle:
                return handle.read() if limit is None else handle.read(limit)
        with gzip.open(path, "rb") as handle:
            return handle.read() if limit is None else handle.read(limit)
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise BrokenFileError(path, f"truncated or corrupt gzip file ({exc})") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None


def _utf16(head: bytes) -> bool:
    """Whether a file's first bytes are a UTF-16 byte order mark: Windows PowerShell 5.1's ``>`` and ``Out-File``
    write so."""
    return head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))


def _claims_json(path: Path) -> bool:
    return path.name.lower().endswith(JSON_NAMES)


def parse_file(path: Path) -> Parsed | str:
    """The parsed IAM / CloudTrail-configuration content of a file, or the reason it is not one (unrecognised).
    Raises InputError when the file is broken (malformed JSON in a .json file, bad values)."""
    data = _read(path)
    if data.startswith(b"PK\x03\x04"):
        if b"xl/workbook.xml" in data:  # a spreadsheet (a credential report kept in Excel) is a zip archive too
            return "Excel workbook (save its sheet as CSV to load it)"
        return "zip archive (unpack it to load the files in it)"
    utf16 = _utf16(data)
    windows = False
    try:
        text = data.decode("utf-16" if utf16 else "utf-8-sig")
    except UnicodeDecodeError:
        text = None if utf16 else _windows_text(data)
        if text is None:
            if _claims_json(path):
                raise BrokenFileError(path, "not UTF-8 text") from None
            return "not text"
        windows = True
    parsed = _parse_text(path, text)
    if isinstance(parsed, Parsed):
        _one_owners_share(parsed, path)
        iam.filters_left_no_trace(parsed, path)
        _not_listed(parsed)
    if windows and isinstance(parsed, Parsed):
        parsed.warnings.append(f"{path}: not UTF-8; read as Windows-1252, the code page in which the AWS CLI on "
                               "Windows writes output redirected to a file (check the non-ASCII names)")
    return parsed


# Outputs in the shape of a whole listing that list the share of one user, role or parent, which only their
# command's name tells (the output does not name whose share it is): its command and what it lists.
ONE_OWNERS_SHARE = {"iam:list-groups": ("list-groups-for-user", "the groups of one user"),
                    "iam:list-instance-profiles": ("list-instance-profiles-for-role", "the instance profiles of one role"),
                    "organizations:list-accounts": ("list-accounts-for-parent", "the accounts of one root or OU"),
                    "organizations:list-policies": ("list-policies-for-target",
                                                    "the policies attached to one root, OU or account")}


def _one_owners_share(parsed: Parsed, path: Path) -> None:
    """A ``list-groups``, ``list-instance-profiles``, ``list-accounts`` or Organizations ``list-policies`` output whose
    file or folder is named after ``list-groups-for-user``, ``list-instance-profiles-for-role``,
    ``list-accounts-for-parent`` or ``list-policies-for-target`` holds one owner's share of the table."""
    command, listed = ONE_OWNERS_SHARE.get(parsed.format.removeprefix("placebo:"), (None, None))
    if command and any(command in name for name in (path.name, path.parent.name)):
        tables = parsed.covers | parsed.partial.keys()
        parsed.partial.update(dict.fromkeys(tables, f"{command} lists {listed} only (its file's name says so)"))
        for table in tables:  # one target's policies list none of their types whole
            parsed.listed_for.pop(table, None)


# Tables an output adds rows to without listing them, that are not taken for part of the table: no AWS output lists
# every policy target or every OU of an organization (list-targets-for-policy lists one policy's targets,
# list-policies-for-target one target's policies, list-organizational-units-for-parent and list-children one parent's
# OUs, each whole: the tree is walked a parent at a time); get-account-authorization-details lists every role with
# its instance profiles (a profile that holds no role, which it leaves out, gives no role's permissions);
# list-service-specific-credentials lists one user's credentials or, with --all-users, every user's, and does not
# say which (its control judges each credential).
WHOLE_UNLISTED = {*((f"organizations:{command}", organizations.TARGET)
                    for command in ("list-targets-for-policy", "list-policies-for-target")),
                  *((f"organizations:{command}", organizations.OU)
                    for command in ("list-organizational-units-for-parent", "describe-organizational-unit",
                                    "list-children", "list-parents")),
                  (GAAD, "aws_iam_instance_profile"),
                  ("iam:list-service-specific-credentials", "aws_iam_service_specific_credential")}


# Listings that list the whole table from several calls, each of one owner (sso-admin list-account-assignments: one
# account's assignments of one permission set): the pages of one owner are a listing of their own (``listing``).
OWNED_PAGES = {("sso-admin:list-account-assignments", "aws_ssoadmin_account_assignment")}


def _not_listed(parsed: Parsed) -> None:
    """An output that adds rows to a table without listing it (get-user, kms describe-key, eks describe-cluster, one
    bucket's get-bucket-policy, list-children of one parent) holds only part of that table: the account may hold
    more of it. A listing of the table in the same load makes it whole again (``merge``)."""
    fmt = parsed.format.removeprefix("placebo:").split(" (")[0]
    command = fmt.split(":", 1)[-1]
    rows: dict[str, set] = defaultdict(set)
    for fragment in parsed.fragments:
        if fragment.table not in parsed.covers | parsed.partial.keys() and (fmt, fragment.table) not in WHOLE_UNLISTED:
            rows[fragment.table].add(fragment.key)
    for table, keys in rows.items():
        parsed.partial[table] = (f"{command} describes one resource, not every one of the account" if len(keys) == 1
                                 else f"{command} holds {len(keys)} of its rows, not every one of the account")


def _windows_text(data: bytes) -> str | None:
    """Text in Windows-1252 (the AWS CLI's and Excel's output on Western-language Windows), or None when the bytes
    are not such text (undefined bytes, control characters of a binary file)."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    return None if any(ord(c) < 32 and c not in "\t\r\n" for c in text) else text


def _parse_text(path: Path, text: str) -> Parsed | str:
    """``parse_file`` of the file's decoded text."""
    stripped = text.lstrip()
    if not stripped:
        return "empty file"
    if credential_report.is_report_csv(stripped):
        return _guard(path, "credential report CSV", lambda: credential_report.parse_csv(stripped))
    if not stripped.startswith(("{", "[")):
        if credential_report.is_base64_report(stripped):
            return _guard(path, "base64 credential report", lambda: credential_report.parse_base64(stripped))
        error = placebo.cli_error(stripped)
        if error is not None:
            return error
        document = cli_output.yaml_document(stripped)
        if document is None:
            return (cloudtrail.not_event_text(stripped) or cli_output.refusal(stripped)
                    or "not JSON or a credential report CSV")
        if isinstance(document, str):
            return document
        return cli_output.yaml_events(document) or _parse_document(path, document)
    try:
        document = json.loads(stripped)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":  # several JSON values one after another: pages of one output, if anything
            return _guard(path, "paginated output", lambda: pages.parse_text(stripped, path))
        if _claims_json(path):
            raise BrokenFileError(path, f"malformed JSON ({exc.msg}: line {exc.lineno} column {exc.colno})"
                                        f"{NOTHING_LOADED}") from None
        return "not a single JSON document"
    return _parse_document(path, document)


def _parse_document(path: Path, document: Any) -> Parsed | str:
    """``parse_file`` of the file's JSON (or the AWS CLI's YAML) document."""
    flattened = powershell_flattened(document)
    if flattened:
        raise BrokenFileError(path, f"holds {flattened[:60]!r} where AWS gives an object or a list: PowerShell's "
                              "ConvertTo-Json wrote what lies deeper than its -Depth (2 by default) as text; save it "
                              "again with ConvertTo-Json -Depth 20, or save the AWS CLI's own output")
    if isinstance(document, list):  # a JSON array of pages of one output
        return _guard(path, "paginated output", lambda: pages.parse_pages(document, path))
    command = None
    if placebo.is_envelope(document):
        document, command, outcome = placebo.unwrap(document, path)
        if document is None:
            return outcome
    document = response_data(document)
    if isinstance(document, dict) and set(document) == {"Error"} and isinstance(document["Error"], dict):
        return _recorded_error(document["Error"].get("Code"), path)
    fmt = detect(document)
    if fmt is None and isinstance(document, dict) and queried_object(document):
        document = queried_object(document)
        fmt = detect(document)
    if fmt is None and (code := placebo.structured_error_code(document)):
        return _recorded_error(code, path)
    if fmt is None:
        reason = cloudtrail.not_events(document)
        if reason:
            return reason
        if _is_report_generation(document):
            return "generate-credential-report output (only the report's state; get-credential-report holds the report)"
        return "not a recognised AWS IAM or CloudTrail output"
    if command and command.split(":")[-1] != fmt.name.split(":")[-1]:
        return f"recorded call {command} is not one iamsql loads"
    parsed = _guard(path, fmt.name, lambda: fmt.parse(document, path), document)
    if isinstance(parsed, str):  # recognised, but nothing iamsql can place (see loaders.Format)
        return parsed
    if says_truncated(document):
        parsed.extra["is_truncated"] = True
    if command:
        parsed.format = f"placebo:{parsed.format}"
    return parsed


def _is_report_generation(document: object) -> bool:
    """``aws iam generate-credential-report`` output (``{"State": "COMPLETE", "Description": ...}``), which
    ``iamsql collect`` keeps as evidence: it says the report exists, not what it holds."""
    return (
        isinstance(document, dict)
        and document.get("State") in ("STARTED", "INPROGRESS", "COMPLETE")
        and set(document) <= {"State", "Description"}
    )


def _recorded_error(code: str | None, path: Path) -> Parsed | str:
    """An error response saved as ``{"Error": {"Code", "Message"}}`` in a file named after the CLI command
    (``iamsql collect`` writes ``get-account-password-policy.json`` so when the account has no password policy):
    an error that states a fact covers its table with no rows; any other is skipped."""
    for (service, operation, fact_code), table in placebo.EMPTY_ON_ERROR.items():
        if code == fact_code and path.name.split(".")[0] == placebo.kebab(operation):
            return Parsed(f"{service}:{placebo.kebab(operation)} ({code})", covers={table})
    return f"recorded error response {code}"


def _guard(path: Path, what: str, parse: Callable[[], Parsed], document: Any = None) -> Parsed:
    """``parse()``, its failure as one line naming the file; for an API call's ``document``, the value whose JSON
    kind is not the one AWS returns (``Users[0].Tags is text, not a list``) rather than Python's words for it."""
    try:
        return parse()
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        reason = (document is not None and shape_problem(what, document)) or (
            first_line(exc) if str(exc) else type(exc).__name__)
        raise BrokenFileError(path, f"bad {what}: {reason}") from None


# ---- accounts and merging --------------------------------------------------------------------------------------------


def _own_accounts(parsed: Parsed) -> set[str]:
    """The accounts a file names: its rows' ARNs, the account of an sts get-caller-identity output, or of the
    principal a generate-service-last-accessed-details output is named after."""
    caller = {parsed.extra["caller_account"]} if parsed.extra.get("caller_account") else set()
    named_after = arn_account((parsed.extra.get("last_accessed_principal") or {}).get("arn"))
    return {f.account_id for f in parsed.fragments if f.account_id} | caller | ({named_after} if named_after else set())


def assign_accounts(files: list[SourceFile], account_id: str | None, manifests: list[Manifest] = ()) -> None:
    """Give every fragment, and every file, its account (see the module docstring for the order; a file listed in
    a collection manifest takes the manifest's account right after its own ARNs)."""
    organization_trails = {fr.key for f in files for fr in f.parsed.fragments
                           if fr.table == TRAIL_TABLE and fr.fields.get("is_organization_trail")}
    listing_accounts: dict[Path, set[str]] = defaultdict(set)  # per folder, leaving organization trails out
    for f in files:
        listing_accounts[f.path.parent] |= {fr.account_id for fr in f.parsed.fragments
                                            if fr.account_id and fr.key not in organization_trails}
    for f in files:
        _trails_as_seen(f, manifests, organization_trails, listing_accounts[f.path.parent], account_id)
    by_folder: dict[Path, set[str]] = defaultdict(set)
    by_service: dict[str, set[str]] = defaultdict(set)
    for f in files:
        by_folder[f.path.parent] |= _own_accounts(f.parsed)
        by_service[_service(f.format)] |= _own_accounts(f.parsed)
    exported_as = _exported_as(files)
    everywhere = set().union(*by_folder.values()) if by_folder else set()
    for f in files:
        own = _own_accounts(f.parsed)
        f.accounts = set(own)
        if own and all(fr.account_id for fr in f.parsed.fragments):
            continue
        if len(own) > 1:
            # A file that shows several accounts (an edited example): its account-less rows, such as AWS managed
            # policies, are visible in each of them.
            f.parsed.fragments = [replace(fr, account_id=a) if fr.account_id is None else fr
                                  for fr in f.parsed.fragments for a in (sorted(own) if fr.account_id is None else [None])]
            continue
        default = next(iter(own)) if len(own) == 1 else (_listed_account(f.path, manifests) or account_id)
        if default is None and len(by_folder[f.path.parent]) == 1:
            default = next(iter(by_folder[f.path.parent]))
        if default is None:
            default = next(filter(None, map(exported_as, f.path.parents)), None)
        if default is None and f.format.startswith(SERVICE_WIDE) and len(by_service[_service(f.format)]) == 1:
            default = next(iter(by_service[_service(f.format)]))
        if default is None and len(everywhere) == 1:
            default = next(iter(everywhere))
        if default is None:
            seen = ", ".join(sorted(everywhere)) or "none"
            raise InputError(f"{f.path}: {f.format} output names no AWS account{_not_accounts(f.parsed)} and the load "
                             f"has no single one (accounts seen: {seen}); pass --account-id")
        for fragment in f.parsed.fragments:
            fragment.account_id = fragment.account_id or default
        f.accounts.add(default)


def _exported_as(files: list[SourceFile]) -> Callable[[Path], str | None]:
    """The account a folder was exported as, by the sts get-caller-identity outputs in it: theirs when they name
    one; for a folder without one, the account of its subfolders when every subfolder holding loaded files has
    the same (CloudMapper's ``account-data/<name>/describe-regions.json`` beside ``<name>/us-east-1/`` and its
    ``sts-get-caller-identity.json``; not the AWS CLI examples' ``json/`` beside ``json/sts/`` and ``json/iam/``)."""
    callers: dict[Path, set[str]] = defaultdict(set)
    subfolders: dict[Path, set[Path]] = defaultdict(set)
    for f in files:
        if f.parsed.extra.get("caller_account"):
            callers[f.path.parent].add(f.parsed.extra["caller_account"])
        for folder in f.path.parents[:-1]:
            subfolders[folder.parent].add(folder)
    found: dict[Path, str | None] = {}

    def account(folder: Path) -> str | None:
        if folder not in found:
            below = {account(sub) for sub in subfolders[folder]}
            named = callers[folder] if folder in callers else below
            found[folder] = next(iter(named)) if len(named) == 1 else None
        return found[folder]

    return account


def _not_accounts(parsed: Parsed) -> str:
    """What the output's ARNs hold where an account id belongs when it is not one (an edited example's
    ``arn:aws:iam::123456789:role/x``), said after "names no AWS account"."""
    found = sorted({parts["account_id"] for fragment in parsed.fragments for value in fragment.fields.values()
                    if (parts := arn_parts(value)) and parts["account_id"] not in ("", "aws") and not arn_account(value)})
    return f" (its ARNs name {', '.join(map(repr, found))}, not a 12-digit account id)" if found else ""


def _trails_as_seen(f: SourceFile, manifests: list[Manifest], organization_trails: set, folder_accounts: set[str],
                    account_id: str | None) -> None:
    """A trail output describes the trails as the account that listed them sees them. Collected (listed in a
    manifest): every trail row goes to the account it was collected in. Otherwise an organization trail (one the
    load's describe-trails outputs say is one), which a member account lists under the management account's ARN,
    goes to the single account of the file's other trails, else of its folder's other files, else to
    ``--account-id``; else it stays with the account of its ARN."""
    fragments = f.parsed.fragments
    if not fragments or any(fr.table != TRAIL_TABLE for fr in fragments):
        return
    collected_in = _listed_account(f.path, manifests)
    if collected_in:
        for fragment in fragments:
            fragment.account_id = collected_in
        return
    others = {fr.account_id for fr in fragments if fr.key not in organization_trails and fr.account_id}
    candidates = others or folder_accounts or ({account_id} if account_id else set())
    if len(candidates) == 1:
        seen_by = next(iter(candidates))
        for fragment in fragments:
            if fragment.key in organization_trails:
                fragment.account_id = seen_by


def _service(fmt: str) -> str:
    return fmt.removeprefix("placebo:").split(":")[0]


def _listed_account(path: Path, manifests: list[Manifest]) -> str | None:
    return next((a for a in (m.account_of(path) for m in manifests) if a), None)


class Merged:
    """Rows per account and table, merged from fragments in file order (later non-null values win)."""

    def __init__(self) -> None:
        self.rows: dict[str, dict[str, dict[tuple, dict]]] = defaultdict(lambda: defaultdict(dict))
        self.files: dict[tuple[str, str, tuple], list[Path]] = defaultdict(list)  # the files a row came from
        self.covers: dict[str, set[str]] = defaultdict(set)
        self.formats: dict[str, set[str]] = defaultdict(set)
        # account -> table -> the files that hold only part of it, with why; none once a file lists it whole
        self.partial: dict[str, dict[str, list[tuple[SourceFile, str]]]] = defaultdict(dict)
        # account -> table -> the keys whose rows the files list whole (users of list-access-keys, even empty ones)
        self.listed: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        # the files none of whose rows could be placed (a get-trail-status output beside several trails), with why
        self.unplaced: dict[Path, str] = {}
        # account -> table -> (snapshot id, as_of) of the earlier whole listing the load's part of the table updates
        self.carried: dict[str, dict[str, tuple]] = {}

    def gaps(self, account: str) -> list[dict]:
        """The snapshot ``gaps`` entries of the tables the account's files hold only part of."""
        return [{"api": f.format, "account_id": account, "region": None, "table": table,
                 "error": f"{f.name or f.path.name}: {reason}",
                 "whole": [] if reason == LAST_PAGE_MISSING else sorted(f.parsed.listed_for.get(table, ()))}
                for table, found in sorted(self.partial[account].items()) for f, reason in found]

    def add(self, fragment: Fragment, key: tuple, path: Path, warnings: list[str]) -> None:
        row = self.rows[fragment.account_id][fragment.table].setdefault(key, {})
        for column, value in fragment.fields.items():
            if isinstance(value, Unreadable):
                warnings.append(f"{path}: {column}: {value.reason}" + ("; left NULL" if value.kept is None else ""))
                if value.kept is not None:
                    row[column] = value.kept
            elif value is not None:
                row[column] = value
        files = self.files[(fragment.account_id, fragment.table, key)]
        if path not in files:
            files.append(path)

    def match(self, fragment: Fragment, path: Path) -> list[tuple]:
        """Keys an unkeyed fragment (get-trail-status, get-saml-provider...) could be about: the resource its output
        names; else the one the file is named after (``get-trail-status/<trail>.json``); else those listed in the
        file's folder."""
        rows = self.rows[fragment.account_id][fragment.table]
        name, suffix = fragment.fields.get("__name"), fragment.fields.get("__arn_suffix")
        if name:
            return [k for k, r in rows.items() if r.get("name") == name]
        if suffix:
            return [k for k, r in rows.items() if (r.get("arn") or "").endswith(suffix)]
        stem = path.name.removesuffix(".gz").removesuffix(".json")
        named = [k for k, r in rows.items() if (r.get("name") or (r.get("arn") or "").rsplit("/", 1)[-1]) == stem]
        if len(named) == 1:
            return named
        return [k for k in rows
                if any(p.parent == path.parent for p in self.files[(fragment.account_id, fragment.table, k)])]


_NO_TIME = datetime.min.replace(tzinfo=timezone.utc)  # a report that gives no time sorts first


def _newest_reports(files: list[SourceFile], warnings: list[str]) -> set[int]:
    """Ids of credential-report files superseded by a newer report of the same account in this load.

    A report's time is its ``as_of``: ``GeneratedTime``, else (a raw CSV) the collection time or the newest time
    in it, which the report cannot be older than; the later file when the times are equal or unknown."""
    reports: dict[str, list[tuple[datetime, int, SourceFile]]] = defaultdict(list)
    for order, f in enumerate(files):
        if "aws_iam_credential_report" in f.parsed.covers:
            for account in f.accounts:
                reports[account].append((_moment(f.as_of) if f.as_of else _NO_TIME, order, f))
    superseded: set[int] = set()
    for account, found in reports.items():
        found.sort(key=lambda item: item[:2])
        for _, _, old in found[:-1]:
            superseded.add(id(old))
            warnings.append(f"{old.path}: older credential report for {account}, superseded by {found[-1][2].path}")
    return superseded


def merge(files: list[SourceFile], warnings: list[str], cut: set[tuple[str, str, str | None]] = frozenset()) -> Merged:
    """The files' rows per account; ``cut``: the listings whose last page is missing (``missing_last_pages``), whose
    outputs hold only part of the tables they list."""
    merged = Merged()
    superseded = _newest_reports(files, warnings)
    pending: list[tuple[Fragment, SourceFile]] = []
    complete: dict[str, set[str]] = defaultdict(set)
    # a whole listing of another region (or owner: listing) does not give the rest
    regional_cut: dict[str, set[str]] = defaultdict(set)
    filtered = _filtered_details(files, cut)
    for f in files:
        for account in f.accounts:
            merged.covers[account] |= f.parsed.covers
            merged.formats[account].add(f.format.removeprefix("placebo:"))
            partial = f.parsed.partial
            if (key := listing(f, account)) in cut:
                partial = dict.fromkeys(f.parsed.covers | partial.keys() | f.parsed.listed_for.keys(), LAST_PAGE_MISSING)
                if key[2]:
                    regional_cut[account] |= partial.keys()
            elif key[1] == GAAD and filtered.get(account):
                partial = {**partial, **filtered[account]}
            complete[account] |= f.parsed.covers - partial.keys()
            for table, reason in partial.items():
                merged.partial[account].setdefault(table, []).append((f, reason))
            for table, keys in f.parsed.listed_for.items():
                if partial.get(table) != LAST_PAGE_MISSING:
                    merged.listed[account][table] |= keys
                    if keys:
                        f.listed[table] = sorted(keys)
        if id(f) in superseded:
            continue
        for fragment in f.parsed.fragments:
            if fragment.key is None:
                pending.append((fragment, f))
            else:
                merged.add(fragment, fragment.key, f.path, warnings)
    for account, tables in merged.partial.items():
        for table, keys in merged.listed[account].items():
            if table in tables and (
                    table in PER_USER_TABLES and _every_user_listed(merged, account, complete[account], keys)
                    or table in PER_REGION_TABLES and _every_region_listed(merged, account, complete[account], keys)
                    or table in PER_ADMINISTRATOR_TABLES and _every_administrator_listed(merged, account,
                                                                                          complete[account], keys)
                    or table in PER_KIND_TABLES and keys >= _kinds_in_use(merged, account, table)):
                complete[account].add(table)
                merged.covers[account].add(table)
        for table in tables.keys() & complete[account] - regional_cut[account]:
            del tables[table]
    _entities_cut(merged, files, warnings)
    placed = {f.path for f in files if any(fragment.key is not None for fragment in f.parsed.fragments)}
    unplaced: dict[Path, str] = {}
    for fragment, f in pending:
        candidates = merged.match(fragment, f.path)
        if len(candidates) == 1:
            merged.add(fragment, candidates[0], f.path, warnings)
            placed.add(f.path)
        else:
            unplaced[f.path] = _unplaced(fragment, f, candidates, merged)
    for path, reason in unplaced.items():
        if path in placed:
            warnings.append(f"{path}: {reason}; that part is not loaded")
        else:
            merged.unplaced[path] = reason
    return merged


def _kinds_in_use(merged: Merged, account: str, table: str) -> frozenset[str]:
    """The kinds of rows of a ``PER_KIND_TABLES`` table whose listings make it whole: every kind, but for
    Organizations policies the types the account's loaded roots say are enabled (AWS detaches every policy of a type
    when it is disabled, so those govern nothing), every type when no root says."""
    if table == organizations.POLICY:
        enabled = organizations.enabled_types(merged.rows[account].get(organizations.ROOT, {}).values())
        if enabled is not None:
            return enabled
    return PER_KIND_TABLES[table]


def _entities_cut(merged: Merged, files: list[SourceFile], warnings: list[str]) -> None:
    """A policy whose list-entities-for-policy pages hold fewer entities than its own ``AttachmentCount`` (from
    list-policies or get-policy in the load) was listed with ``--entity-filter``, ``--path-prefix`` or
    ``--policy-usage-filter PermissionsBoundary``, which the output does not name: its attachment row is not whole."""
    table = "aws_iam_policy_attachment"
    for account, tables in merged.listed.items():
        counts = {row.get("arn"): row.get("attachment_count") for row in merged.rows[account].get("aws_iam_policy", {}).values()}
        held: dict[str, set[str]] = defaultdict(set)
        for page in merged.rows[account].get(table, {}).values():
            for column in iam.ENTITY_LISTS:
                held[page.get("policy_arn")] |= {json.dumps(entity, sort_keys=True) for entity in page.get(column) or []}
        short = {arn for arn in tables.get(table, set()) if arn in held and isinstance(counts.get(arn), int)
                 and counts[arn] > len(held[arn])}
        for arn in sorted(short):
            warnings.append(f"account {account}: list-entities-for-policy lists {len(held[arn])} entities of {arn}, "
                            f"whose AttachmentCount is {counts[arn]}: it was asked with --entity-filter, --path-prefix "
                            "or --policy-usage-filter, so the policy's holders are known only in part")
        tables[table] -= short
        for f in files:
            if account in f.accounts and short & f.parsed.listed_for.get(table, set()):
                f.parsed.listed_for[table] = f.parsed.listed_for[table] - short
                f.listed[table] = sorted(f.parsed.listed_for[table])
                if not f.listed[table]:
                    del f.listed[table]


GAAD_TABLES = ("aws_iam_user", "aws_iam_group", "aws_iam_role", "aws_iam_policy")
FILTERED_EMPTY = ("an empty list of a get-account-authorization-details output asked with --filter ({proof}), which "
                  "says nothing of the entities the filter left out")


def _filtered_details(files: list[SourceFile], cut: set[tuple[str, str, str | None]]) -> dict[str, dict[str, str]]:
    """account -> table -> why: the lists of the account's get-account-authorization-details pages (all of them
    loaded) that say nothing because the output was asked with ``--filter``, which may answer with an empty list for
    each entity type left out, as for an account without such entities. The output proves a filter when its entities
    hold managed policies and its ``Policies`` is empty (a whole output lists every attached one), or its users are in
    groups and its ``GroupDetailList`` is empty. Then each of its empty lists is partial, and so are the attachments
    when an entity list is empty. (A ``Policies`` that lists some of the policies held and not others is also what a
    hand-trimmed or inconsistent example looks like: it proves nothing.)"""
    rows: dict[str, dict[str, list[dict]]] = defaultdict(lambda: {table: [] for table in GAAD_TABLES})
    covered: dict[str, set[str]] = defaultdict(set)
    for f in files:
        for account in f.accounts:
            if f.format.removeprefix("placebo:") == GAAD and listing(f, account) not in cut:
                covered[account] |= f.parsed.covers
                for fragment in f.parsed.fragments:
                    if fragment.table in GAAD_TABLES:
                        rows[account][fragment.table].append(fragment.fields)
    found: dict[str, dict[str, str]] = {}
    for account, tables in rows.items():
        held = sorted({arn for table in GAAD_TABLES[:3] for row in tables[table]
                       for arn in row.get("attached_policy_arns") or []})
        groups = sorted({name for row in tables["aws_iam_user"] for name in row.get("__group_names") or []})
        proofs = []
        if held and not tables["aws_iam_policy"] and "aws_iam_policy" in covered[account]:
            proofs.append(f"its entities hold {held[0]}, and its Policies is empty")
        if groups and not tables["aws_iam_group"] and "aws_iam_group" in covered[account]:
            proofs.append(f"its users are in group {groups[0]}, and its GroupDetailList is empty")
        if not proofs:
            continue
        lists = {table: FILTERED_EMPTY.format(proof="; ".join(proofs)) for table in GAAD_TABLES
                 if table in covered[account] and not tables[table]}
        if lists.keys() & set(GAAD_TABLES[:3]):
            lists["aws_iam_policy_attachment"] = ("get-account-authorization-details output asked with --filter that "
                                                  "left out users, groups or roles does not say who holds the managed "
                                                  "policies")
        found[account] = lists
    return found


def _unplaced(fragment: Fragment, f: SourceFile, candidates: list[tuple], merged: Merged) -> str:
    """Why an output that names no owner (AWS's get-trail-status answers for the one trail its request named) is
    not loaded: which of the loaded resources it could be about, and how to say which one it is."""
    what = fragment.table.removeprefix("aws_").replace("_", " ")
    named = fragment.fields.get("__name") or (fragment.fields.get("__arn_suffix") or "").lstrip("/")
    if named:
        found = "which no file of the load lists" if not candidates else f"which {len(candidates)} loaded rows match"
        return f"{f.format} output is about {what} {named}, {found}; load it with the output that lists it"
    rows = merged.rows[fragment.account_id][fragment.table]
    # a trail listed in several regions (shadow trails) is one trail
    names = sorted({rows[k].get("name") or (rows[k].get("arn") or "").rsplit("/", 1)[-1] for k in candidates})
    found = (f"{len(names)} are loaded from its folder: {', '.join(names[:5])}{' ...' if len(names) > 5 else ''}"
             if names else f"no {what} of its file's name or folder is loaded")
    return (f"{f.format} output names no {what} and {found}; it describes one {what}: name the file after it "
            f"(<name>.json) or add its ARN (docs/loading.md, \"Outputs that name no owner\")")


def _every_user_listed(merged: Merged, account: str, complete: set[str], listed: set[str]) -> bool:
    """Whether per-user outputs (list-access-keys) add up to the whole table: the account's users are known (a whole
    user listing, or the credential report, which lists every user) and each is ``listed`` or, in the report, holds
    no access key (both slots' ``access_key_N_last_rotated`` N/A and neither active, as ``collect`` asks
    list-access-keys only for the others)."""
    rows = merged.rows[account]
    report = [r for r in rows.get("aws_iam_credential_report", {}).values() if r.get("user_name") != iam.ROOT_USER]
    if "aws_iam_user" not in complete and not report:
        return False
    users = {r.get("name") for r in rows.get("aws_iam_user", {}).values()} if "aws_iam_user" in complete else set()
    users |= {r.get("user_name") for r in report}
    keyless = {r.get("user_name") for r in report
               if all(r.get(f"access_key_{n}_last_rotated") is None and r.get(f"access_key_{n}_active") is not True
                      for n in (1, 2))}
    return users <= listed | keyless


def _every_administrator_listed(merged: Merged, account: str, complete: set[str], listed: set[str]) -> bool:
    """Whether per-account outputs (list-delegated-services-for-account) add up to the whole table: the load holds the
    whole listing of every service's delegated administrators and each account it lists is ``listed``."""
    if organizations.DELEGATED_ADMINISTRATOR not in complete:
        return False
    rows = merged.rows[account].get(organizations.DELEGATED_ADMINISTRATOR, {}).values()
    return {r.get("id") for r in rows} <= listed


def _every_region_listed(merged: Merged, account: str, complete: set[str], listed: set[str]) -> bool:
    """Whether per-region outputs (list-analyzers) add up to the whole table: the load lists the account's regions
    (describe-regions) and each enabled one is ``listed``."""
    if "aws_region" not in complete:
        return False
    enabled = {r.get("name") for r in merged.rows[account].get("aws_region", {}).values()
               if r.get("opt_in_status") in ENABLED_REGION}
    return enabled <= listed


# ---- derived columns ---------------------------------------------------------------------------------------------------


def _user_object(u: dict) -> dict:
    return {"Path": u.get("path"), "UserName": u.get("name"), "UserId": u.get("user_id"), "Arn": u.get("arn"),
            "CreateDate": json_time(u.get("create_date")), "PasswordLastUsed": json_time(u.get("password_last_used")),
            "PermissionsBoundary": None, "Tags": None}  # GetGroup's users carry neither: Steampipe prints null


def _group_object(g: dict) -> dict:
    return {"Path": g.get("path"), "GroupName": g.get("name"), "GroupId": g.get("group_id"), "Arn": g.get("arn"),
            "CreateDate": json_time(g.get("create_date"))}


def _policy_attachments(tables: dict[str, dict[tuple, dict]]) -> dict[tuple, dict]:
    """aws_iam_policy_attachment from who has which managed policy attached (as get-account-authorization-details
    tells it), one row per managed policy known in the account; a list with no entity is ``[]``, as Steampipe's
    (the SDK's ListEntitiesForPolicy output holds an empty list, not nil)."""
    policies = tables.get("aws_iam_policy", {})
    entities = {"policy_users": ("aws_iam_user", "UserName", "UserId", "user_id"),
                "policy_groups": ("aws_iam_group", "GroupName", "GroupId", "group_id"),
                "policy_roles": ("aws_iam_role", "RoleName", "RoleId", "role_id")}
    attached: dict[str, dict[str, list]] = defaultdict(lambda: {column: [] for column in entities})
    for arn in (r.get("arn") for r in policies.values()):
        attached[arn]  # every known policy gets a row, attached or not
    for column, (table, name_key, id_key, id_column) in entities.items():
        for row in tables.get(table, {}).values():
            for arn in row.get("attached_policy_arns") or []:
                attached[arn][column].append({name_key: row.get("name"), id_key: row.get(id_column)})
    result = {}
    for arn, lists in attached.items():
        count = policies.get((arn,), {}).get("attachment_count")
        is_attached = count > 0 if count is not None else any(lists.values())
        result[(arn,)] = {"policy_arn": arn, "is_attached": is_attached, "region": "global",
                          **lists}
    return result


def _listed_entities(pages: dict[tuple, dict]) -> dict[tuple, dict]:
    """aws_iam_policy_attachment rows of list-entities-for-policy outputs: each policy's pages added up."""
    result: dict[tuple, dict] = {}
    for page in pages.values():
        row = result.setdefault((page["policy_arn"],), {**page, **{column: [] for column in iam.ENTITY_LISTS}})
        for column in iam.ENTITY_LISTS:
            row[column] += [entity for entity in page.get(column) or [] if entity not in row[column]]
    for row in result.values():
        row["is_attached"] = any(row[column] for column in iam.ENTITY_LISTS)
    return result


def _unattached_policies(tables: dict[str, dict[tuple, dict]], known: dict[tuple, dict]) -> dict[tuple, dict]:
    """aws_iam_policy_attachment rows of the policies whose own output (list-policies, get-policy) says
    ``AttachmentCount`` 0 and that no list-entities-for-policy output describes: such a row is fully known, no
    entity holds the policy (three empty lists, as Steampipe's from ListEntitiesForPolicy)."""
    return {(row["arn"],): {"policy_arn": row["arn"], "is_attached": False, "region": "global",
                            **{column: [] for column in iam.ENTITY_LISTS}}
            for row in tables.get("aws_iam_policy", {}).values()
            if row.get("attachment_count") == 0 and row.get("arn") and (row["arn"],) not in known}


def _role_instance_profiles(tables: dict[str, dict[tuple, dict]]) -> None:
    """aws_iam_role.instance_profile_arns, where the role's own output did not tell it (list-roles, get-role), from
    the account's whole instance-profile listing: the profiles that hold the role (ListInstanceProfilesForRole's
    answer, which Steampipe reads), NULL for none (a Go nil slice)."""
    profiles_of: dict[str, list[str]] = defaultdict(list)
    for profile in tables.get("aws_iam_instance_profile", {}).values():
        for role in profile.get("roles") or []:
            if isinstance(role, dict) and role.get("Arn"):
                profiles_of[role["Arn"]].append(profile.get("arn"))
    for role in tables.get("aws_iam_role", {}).values():
        if "instance_profile_arns" not in role and role.get("arn"):
            role["instance_profile_arns"] = profiles_of.get(role["arn"]) or None


def _regions_partition(tables: dict[str, dict[tuple, dict]]) -> str | None:
    """Without any ARN loaded for the account, its partition from the regions its rows name, when they all belong
    to one partition (an account is in exactly one); else None."""
    regions = {r.get("region") for rows in tables.values() for r in rows.values()} - {None, "global"}
    found = {region_partition(region) for region in regions}
    return found.pop() if len(found) == 1 else None


def derive(account: str, tables: dict[str, dict[tuple, dict]], formats: set[str], whole: set[str]) -> None:
    """Columns that need several files or rows: group memberships, roles' instance profiles, policy attachments,
    shadow trails, access-key akas, bucket and region ARNs, identity pool akas, KMS key aliases and titles,
    partition / account / Steampipe's connection columns on every row. ``whole``: the tables the account's files list whole."""
    users, groups = tables.get("aws_iam_user", {}), tables.get("aws_iam_group", {})
    groups_by_name = {g.get("name"): g for g in groups.values()}
    if any("__group_names" in u for u in users.values()):
        members: dict[str, list] = defaultdict(list)
        for u in users.values():
            names = u.get("__group_names", [])
            if "groups" not in u and "__group_names" in u:
                u["groups"] = [_group_object(groups_by_name[n]) if n in groups_by_name else {"GroupName": n} for n in names]
            for n in names:
                members[n].append(_user_object(u))
        for g in groups.values():
            g.setdefault("users", members.get(g.get("name")) or None)
    if "aws_iam_instance_profile" in whole:
        _role_instance_profiles(tables)
    attachments = _listed_entities(tables.get("aws_iam_policy_attachment", {}))
    attachments.update(_unattached_policies(tables, attachments))
    if GAAD in formats:  # who has what, as get-account-authorization-details tells it, wins
        attachments.update(_policy_attachments(tables))
    if attachments:
        tables["aws_iam_policy_attachment"] = attachments
    trails.fill_shadow_rows(tables.get(TRAIL_TABLE, {}))
    organizations.derive(tables)
    partitions = Counter(r["partition"] for rows in tables.values() for r in rows.values() if r.get("partition"))
    partition = partitions.most_common(1)[0][0] if partitions else _regions_partition(tables)
    monitoring.derive(account, tables, partition)
    kms.derive(account, tables)
    for table, rows in tables.items():
        for row in rows.values():
            for hint in [k for k in row if k.startswith("__")]:
                del row[hint]
            row.setdefault("partition", partition)
            row["account_id"] = account
            row["sp_connection_name"] = account
            row["sp_ctx"] = row["_ctx"] = {"connection_name": account}
            if table == "aws_iam_access_key" and partition and row.get("user_name") is not None:
                row.setdefault("akas", [f"arn:{partition}:iam::{account}:user/{row['user_name']}/accesskey/{row['access_key_id']}"])
            if table == identity.IDENTITY_POOL:  # Steampipe's ARN: the outputs name no account
                row.setdefault("akas", [f"arn:{row['partition']}:cognito-identity:{row['region']}:{account}:"
                                        f"identitypool/{row['identity_pool_id']}"])


# ---- the load ------------------------------------------------------------------------------------------------------------


def classify(found: list[tuple[Path, bool]], summary: LoadSummary, progress,
             skip_broken: bool = False) -> tuple[list[SourceFile], list[SourceFile]]:
    """Split the files into IAM/config files (parsed) and CloudTrail event files (left to their loader); with
    ``skip_broken``, a broken file goes to ``summary.broken`` instead of stopping the load."""
    iam_files: list[SourceFile] = []
    event_files: list[SourceFile] = []
    for path, explicit in found:
        try:
            outcome = _sniff_or_parse(path)
        except BrokenFileError as exc:
            if not skip_broken:
                raise
            summary.broken.append((str(path), _broken_reason(exc)))
            outcome = None
        if isinstance(outcome, SourceFile):
            event_files.append(outcome)
            continue  # progress is reported by the CloudTrail loader
        if isinstance(outcome, str):
            if explicit and outcome != pages.EMPTY_LIST:  # an empty list is skipped wherever it is
                raise InputError(f"{path}: {outcome}")
            summary.skipped.append((str(path), outcome))
        elif outcome is not None:
            iam_files.append(SourceFile(path, outcome.format, sha256_file(path), outcome.as_of, outcome.as_of_source,
                                        parsed=outcome))
            summary.warnings += outcome.warnings
        if progress:
            progress(path)
    return iam_files, event_files


def _sniff_or_parse(path: Path) -> SourceFile | Parsed | str:
    """A CloudTrail event file (left to its loader), else ``parse_file`` of the file."""
    try:
        head = _read(path, HEAD_BYTES)
        utf16 = _utf16(head)
        event_format = cloudtrail.sniff(path, head.decode("utf-16", errors="ignore").encode() if utf16 else head)
        if event_format:
            return SourceFile(path, event_format, sha256_file(path), utf16=utf16)
        return parse_file(path)
    except RecursionError:
        raise BrokenFileError(path, "JSON nested too deeply to read") from None
    except MemoryError:
        raise InputError(f"{path}: not enough memory to read this file") from None


def split_manifests(found: list[tuple[Path, bool]]) -> tuple[list[Manifest], list[tuple[Path, bool]]]:
    """Collection manifests (``iamsql collect``'s ``manifest.json``) apart from the data files."""
    manifests, rest = [], []
    for path, explicit in found:
        try:
            manifest = read_manifest(path, _read(path)) if path.name == MANIFEST_NAME else None
        except RecursionError:
            raise InputError(f"{path}: JSON nested too deeply to read") from None
        if manifest:
            manifests.append(manifest)
        else:
            rest.append((path, explicit))
    return manifests, rest


def check_manifests(manifests: list[Manifest], files: list[SourceFile]) -> None:
    """Collected evidence must be as collected: every file the manifest lists exists with its SHA-256. Files
    without a time of their own take the time of the call that fetched them as their "as of" time."""
    for manifest in manifests:
        for listed, record in manifest.files.items():
            if not listed.is_file():
                raise InputError(f"{listed}: listed in {manifest.path} but missing")
    for f in files:
        for manifest in manifests:
            record = manifest.files.get(f.path.resolve())
            if record is None:
                continue
            if record["sha256"] != f.sha256:
                raise InputError(f"{f.path}: SHA-256 differs from {manifest.path} (changed after collection)")
            if f.parsed is not None and f.as_of is None and record.get("time"):
                f.as_of, f.as_of_source = record["time"], f"collection time in {MANIFEST_NAME}"


# ---- as-of times -------------------------------------------------------------------------------------------------------


@cache
def _past_time_columns(table: str) -> frozenset[str]:
    return frozenset(name for name, sqltype in TABLES[table] if sqltype == "TIMESTAMPTZ") - FUTURE_TIME_COLUMNS


def _moment(value: Any) -> datetime:
    return datetime.fromisoformat(timestamp(value))


def parse_as_of(text: str) -> str:
    """``--as-of``: an ISO-8601 date (midnight UTC) or date and time (UTC unless it gives an offset)."""
    try:
        return timestamp(text)
    except ValueError:
        raise InputError(f"--as-of {text!r} is not an ISO-8601 date or time (e.g. 2026-01-31 or 2026-01-31T12:00:00Z)") from None


def date_files(files: list[SourceFile]) -> None:
    """A file that states no time of its own (no GeneratedTime, not in a collection manifest) is taken to be as of
    the newest past time inside it: a lower bound of when it was exported, and the same on every load."""
    for f in files:
        if f.as_of is not None or f.parsed is None:
            continue
        newest: tuple[datetime, str] | None = None
        for fragment in f.parsed.fragments:
            columns = _past_time_columns(fragment.table)
            for column, value in fragment.fields.items():
                if column in columns and isinstance(value, str) and (newest is None or _moment(value) > newest[0]):
                    newest = (_moment(value), column)
        if newest:
            f.as_of, f.as_of_source = newest[0].isoformat(), f"newest {newest[1]} in the file"


# how far the data's own time may be ahead of this machine's clock (AWS's clock, a collection on another host)
# before the load says a date in the files is wrong
CLOCK_SKEW = timedelta(days=1)


def snapshot_times(con, snapshots: dict[str, int], sources: dict[str, list[SourceFile]], newest_events: dict[str, str],
                   as_of: str | None, warnings: list[str], carried: dict[str, dict[str, tuple]]) -> dict[str, tuple[str, str]]:
    """(as_of, how it was found) per account; see the module docstring for the order. ``carried``: the earlier
    snapshots whose rows the account's snapshot keeps (``carry``), whose time counts as a file's."""
    candidates: dict[str, list[tuple[datetime, str]]] = {}
    for account in snapshots:
        found = [(_moment(f.as_of), f"{f.as_of_source}: {f.name or f.path.name}") for f in sources[account] if f.as_of]
        found += [(_moment(_iso(earlier_as_of)), f"the time of snapshot {earlier}, whose rows of {table} it keeps")
                  for table, (earlier, earlier_as_of) in carried.get(account, {}).items() if earlier_as_of]
        if newest_events.get(account):
            found.append((_moment(newest_events[account]), f"newest CloudTrail event time of {account}"))
        candidates[account] = found
    everywhere = max((c for found in candidates.values() for c in found), default=None, key=lambda c: c[0])
    loaded_at = datetime.now(timezone.utc)
    if as_of is not None and _moment(as_of) > loaded_at:
        warnings.append(f"--as-of {as_of} is after the time of this load ({loaded_at.isoformat(timespec='seconds')}): "
                        "controls measure every age up to a time still to come")
    times = {}
    for account, snapshot_id in snapshots.items():
        own = max(candidates[account], default=None, key=lambda c: c[0])
        if as_of is not None:
            if own and own[0] > _moment(as_of):
                warnings.append(f"account {account}: --as-of {as_of} is before the data's own time {own[0].isoformat()} "
                                f"({own[1]})")
            times[account] = (as_of, "--as-of option")
        elif own or everywhere:
            moment, how = own or (everywhere[0], f"no time in this account's data; the load's {everywhere[1]}")
            times[account] = (moment.isoformat(), how)
            if moment > loaded_at + CLOCK_SKEW:
                warnings.append(f"account {account}: the data's time {moment.isoformat()} ({how}) is after the time of "
                                f"this load ({loaded_at.isoformat(timespec='seconds')}): a date in the files is wrong, and "
                                "controls measure every age up to a time still to come; pass --as-of with the time they "
                                "were exported")
        else:
            previous = con.execute("select as_of, snapshot_id from iamsql_snapshot where account_id = ? and snapshot_id < ? "
                                   "and as_of is not null order by snapshot_id desc limit 1", [account, snapshot_id]).fetchone()
            if previous is None:
                events = con.execute("select count(*) from history.aws_cloudtrail_trail_event where snapshot_id = ?",
                                     [snapshot_id]).fetchone()[0]
                timeless = f": its {events} CloudTrail event(s) have no eventTime" if events else ""
                raise InputError(f"account {account}: the files give no time of their own (no dates, no credential report "
                                 f"time, no collection manifest){timeless}; pass --as-of with the time they were exported")
            times[account] = (previous[0].isoformat(), f"no time in the data; as of the account's previous snapshot {previous[1]}")
    return times


def collection_info(account: str, manifests: list[Manifest]) -> dict:
    """Snapshot ``kind``, ``partial`` and ``gaps`` of an account: ``load`` unless a collection manifest covers it."""
    infos = [m.snapshot_info(account) for m in manifests if account in m.accounts]
    if not infos:
        return {"kind": "load"}
    gaps = [g for info in infos for g in info["gaps"]]
    return {"kind": "collect", "partial": bool(gaps), "gaps": gaps}


def load_paths(
    con: duckdb.DuckDBPyConnection,
    paths: Iterable[str | Path],
    *,
    account_id: str | None = None,
    as_of: str | None = None,
    progress: Callable[[Path], None] | None = None,
    on_total: Callable[[int], None] | None = None,
    skip_unreadable: bool = False,
    skip_broken: bool = False,
) -> LoadSummary:
    """Load files and folders into the database as one snapshot per account, all in one transaction.

    ``as_of`` (ISO-8601, ``--as-of``) sets every snapshot's time instead of the data's own time.
    ``progress(path)`` is called once per file when it is done; ``on_total(n)`` once with the number of files.
    ``skip_unreadable``: entries that cannot be read are listed in ``summary.unreadable`` instead of failing;
    ``skip_broken``: files whose content cannot be read (``BrokenFileError``) are listed in ``summary.broken``."""
    if account_id is not None and not (account_id.isdigit() and len(account_id) == 12):
        raise InputError(f"--account-id {account_id!r} is not a 12-digit AWS account id")
    as_of = parse_as_of(as_of) if as_of is not None else None
    summary = LoadSummary()
    try:
        _load(con, [Path(p) for p in paths], summary, account_id, as_of, progress, on_total, skip_unreadable,
              skip_broken)
    except IamsqlError as exc:  # what was found wrong before the failure is printed before its error line
        exc.warnings = tuple(summary.warning_lines())
        if isinstance(exc, InputError) and summary.found > 1 and not str(exc).startswith("nothing loaded"):
            # one bad file stops the whole load (one transaction): its line says the others are not stored either,
            # and, for a broken file, how to go on
            how = ("; fix or move away that file, or load again with --skip-broken to load the others"
                   if isinstance(exc, BrokenFileError) else "")
            exc.args = (f"{str(exc).removesuffix(NOTHING_LOADED)}{NOTHING_LOADED}, none of the {summary.found} files "
                        f"(a load stores all of them or none){how}",)
        raise
    return summary


def _load(con, named: list[Path], summary: LoadSummary, account_id, as_of, progress, on_total,
          skip_unreadable: bool, skip_broken: bool) -> None:
    manifests, found = split_manifests(discover(named, skip_unreadable, summary.unreadable))
    summary.found = len(manifests) + len(found)
    if on_total:
        on_total(len(found))
    iam_files, event_files = classify(found, summary, progress, skip_broken)
    _something_not_broken(iam_files, event_files, summary)
    if not iam_files and not event_files and summary.skipped and all(
            reason == pages.EMPTY_LIST for _path, reason in summary.skipped):
        raise InputError(_no_data([path for path, _reason in summary.skipped]))
    for f in iam_files + event_files:
        f.name = source_name(f.path, named)
    for manifest in manifests:
        manifest.name = source_name(manifest.path, named)
    unplaced = identity.place_last_accessed([(f.path, f.parsed) for f in iam_files])
    named_files = {path for path, explicit in found if explicit}
    iam_files = _skip_named_or_listed(iam_files, unplaced, named_files, summary)
    if iam_files and not event_files and all(_alone_hint(f) for f in iam_files):
        raise InputError(_fills_no_table(iam_files))
    check_manifests(manifests, iam_files + event_files)
    date_files(iam_files)
    assign_accounts(iam_files, account_id, manifests)
    cut = missing_last_pages(iam_files)
    merged = merge(iam_files, summary.warnings, cut)
    iam_files = _skip_named_or_listed(iam_files, merged.unplaced, named_files, summary)
    for account, tables in merged.rows.items():
        derive(account, tables, merged.formats[account], merged.covers[account] - merged.partial.get(account, {}).keys())
    merged.carried = carry.earlier_whole(con, merged.partial)
    for account, tables in sorted(merged.carried.items()):
        for table, (snapshot_id, _) in sorted(tables.items()):
            names = [f.name or f.path.name for f, _ in merged.partial[account].pop(table)]
            parts = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
            summary.warnings.append(f"account {account}: {parts} holds part of {table}: it updates the whole listing of "
                                    f"snapshot {snapshot_id}, whose other rows the new snapshot keeps")
    summary.warnings += [f"account {account}: every {fmt.split(':')[-1]} {'page' if fmt == GAAD else 'output'}"
                         f"{f' of {region}' if region else ''} says "
                         f"{'IsTruncated' if fmt == GAAD else f'there is more ({MORE_PAGES})'}; the last "
                         "page is missing" for account, fmt, region in sorted(cut, key=lambda k: (k[0], k[1], k[2] or ""))]
    summary.warnings += [f"account {gap['account_id']}: only part of {gap['table']} is loaded ({gap['error']}); "
                         "controls that need the whole table skip" for account in merged.partial for gap in merged.gaps(account)]
    while True:
        try:
            _write(con, iam_files, event_files, merged, summary, progress, manifests, as_of)
            break
        except duckdb.Error as exc:
            raise DatabaseError(f"load failed, nothing was written: {db.with_write_hint(first_line(exc))}") from None
        except BrokenFileError as exc:  # a CloudTrail file that DuckDB could not read: the transaction rolled back
            if not skip_broken:
                raise
            summary.broken.append((str(exc.path), _broken_reason(exc)))
            event_files = [f for f in event_files if f.path != exc.path]
            _something_not_broken(iam_files, event_files, summary)
    summary.files = iam_files + event_files


def _broken_reason(exc: BrokenFileError) -> str:
    """Why a file skipped with --skip-broken was not loaded, without the end of a failed load's line."""
    return exc.reason.removesuffix(NOTHING_LOADED)


def _something_not_broken(iam_files: list[SourceFile], event_files: list[SourceFile], summary: LoadSummary) -> None:
    """A load whose every file with data was skipped as broken (--skip-broken) loads nothing: an error."""
    if summary.broken and not iam_files and not event_files:
        path, reason = summary.broken[0]
        raise InputError(f"nothing loaded: {len(summary.broken)} broken file(s) skipped, e.g. {path}: {reason}; "
                         "no other file holds AWS data")


def _skip_named_or_listed(files: list[SourceFile], reasons: dict[Path, str], named: set[Path],
                          summary: LoadSummary) -> list[SourceFile]:
    """``files`` without those ``reasons`` give a reason for: skipped when found in a folder, an error when named,
    as ``classify`` does with a reason found while parsing."""
    for f in files:
        if f.path in reasons:
            if f.path in named:
                raise InputError(f"{f.path}: {reasons[f.path]}")
            summary.skipped.append((str(f.path), reasons[f.path]))
    return [f for f in files if f.path not in reasons]


def listing(f: SourceFile, account: str) -> tuple[str, str, str | None]:
    """The listing a file is a page of: (account, output format, region or owner). A regional output (KMS, Lambda, EC2...)
    lists one region, the one its rows name, else the one its folders name; a page of one region is no page of
    another's listing. IAM and Organizations rows are ``global``, and S3's list-buckets lists the buckets of every
    region: their listings have no region. The pages of one policy's or target's Organizations attachments, of
    one Organizations policy type and of one account's assignments of one permission set are a listing of their own,
    whose owner takes the region's place: a page of one is no page of another's, nor its whole listing the last."""
    fmt = f.format.removeprefix("placebo:")
    if f.parsed.covers & GLOBAL_LISTINGS:
        return account, fmt, None
    owners = sorted(key for table, keys in f.parsed.listed_for.items()
                    if (fmt, table) in WHOLE_UNLISTED | OWNED_PAGES or table in PER_KIND_TABLES for key in keys)
    if owners:  # one policy's targets, one target's policies, one policy type...: a listing of its own
        return account, fmt, ", ".join(owners)
    rows = [fragment for fragment in f.parsed.fragments if fragment.table in f.parsed.covers]
    regions = {region for fragment in rows if (region := fragment.fields.get("region"))}
    region = (regions.pop() if len(regions) == 1 else None) if rows else path_region(f.path)
    return account, fmt, None if region == "global" else region


def missing_last_pages(files: list[SourceFile]) -> set[tuple[str, str, str | None]]:
    """The listings (``listing``) of which every file loaded says more pages follow (``IsTruncated``, a
    ``NextToken``...: ``--no-paginate``, ``--max-items`` or one API call), so the last page is missing."""
    outputs: dict[tuple[str, str, str | None], list[bool]] = defaultdict(list)
    # a whole page of no known region (an empty last page, as EC2 gives, saved outside a region folder) may be the
    # last page of any region's listing of its output
    unplaced_last: set[tuple[str, str]] = set()
    for f in files:
        for account in f.accounts:
            key = listing(f, account)
            outputs[key].append(bool(f.parsed.extra.get("is_truncated")))
            if key[2] is None and not f.parsed.extra.get("is_truncated"):
                unplaced_last.add(key[:2])
    return {key for key, truncated in outputs.items() if all(truncated) and key[:2] not in unplaced_last}


def _write(con, iam_files, event_files, merged: Merged, summary: LoadSummary, progress, manifests, as_of) -> None:
    snapshots: dict[str, int] = {}

    def snapshot_for_account(account: str) -> int:
        if account not in snapshots:
            info = collection_info(account, manifests)
            gaps = info.get("gaps", []) + merged.gaps(account)
            snapshots[account] = db.new_snapshot(con, account_id=account, sources=[], as_of=None, kind=info["kind"],
                                                 partial=info.get("partial", False) or bool(gaps), gaps=gaps)
        return snapshots[account]

    with db.transaction(con, lambda: f"load of {_snapshot_words(snapshots)}" if snapshots else None):
        with_data = {a for f in iam_files for a in f.accounts} | {a for m in manifests for a in m.accounts}
        for account in sorted(with_data):
            snapshot_for_account(account)
        if event_files:
            summary.events = cloudtrail.load_events(
                con, [(f.path, f.format) for f in event_files], snapshot_for_account, progress,
                {f.path for f in event_files if f.utf16}) or {}
            for account in (summary.events.get("misnamed") or {}).keys() - with_data:
                db.discard_snapshot(con, snapshots.pop(account))
            _event_warnings(summary)
            if not iam_files and _every_record_rejected(summary.events):
                example = next(w for w in summary.warnings if " record(s) rejected: " in w)
                raise InputError(f"nothing loaded: every record was rejected ({summary.events['rejected']} "
                                 f"record(s)), e.g. {example}")
            if not iam_files and not _any_record(summary.events):
                empty_lists = [path for path, reason in summary.skipped if reason == pages.EMPTY_LIST]
                raise InputError(_no_data([*(str(f.path) for f in event_files), *empty_lists]))
        if as_of is not None:
            _report_times(merged, as_of)
        tables_written = _write_tables(con, snapshots, merged)
        for account, snapshot_id in snapshots.items():
            for table, count in tables_written[account].items():
                summary.rows[table] = summary.rows.get(table, 0) + count
        _finish_snapshots(con, snapshots, iam_files, event_files, summary, tables_written, manifests, as_of,
                          merged.carried)


def _report_times(merged: Merged, as_of: str) -> None:
    """A credential report that gives no ``GeneratedTime`` (a raw CSV: AWS's CSV holds no time of its own) was
    generated at the time ``--as-of`` says the data was taken: its ``generated_time``."""
    for tables in merged.rows.values():
        for row in tables.get("aws_iam_credential_report", {}).values():
            if row.get("generated_time") is None:
                row["generated_time"] = as_of


def _write_tables(con, snapshots: dict[str, int], merged: Merged) -> dict[str, dict[str, int]]:
    """Store every account's rows with one insert per table (accounts in snapshot order) and the tables each
    snapshot covers with one more statement; returns ``{account: {table: rows}}``, tables in name order."""
    batches: dict[str, list[tuple[str, list[tuple[tuple, dict]]]]] = defaultdict(list)
    for account in snapshots:
        tables = merged.rows.get(account, {})
        # a table listed for some keys is stored even with no row: one user's empty list-access-keys is data
        listed = {t for t, keys in merged.listed.get(account, {}).items() if keys}
        carried = set(merged.carried.get(account, {}))
        for table in sorted(merged.covers.get(account, set()) | {t for t, rows in tables.items() if rows} | listed
                            | carried):
            batches[table].append((account, list(tables.get(table, {}).items())))
    written: dict[str, dict[str, int]] = {account: {} for account in snapshots}
    for table, accounts in batches.items():
        try:
            counts = db.write_rows(con, table, [(snapshots[account], [row for _key, row in keyed])
                                                for account, keyed in accounts])
        except db.RowsNotStored as exc:
            raise _batch_not_stored(exc, accounts, merged) from None
        for (account, _keyed), count in zip(accounts, counts):
            written[account][table] = count
            if table in merged.carried.get(account, {}):
                written[account][table] += carry.carry_rows(con, table, snapshots[account],
                                                            merged.carried[account][table][0],
                                                            merged.listed.get(account, {}).get(table, set()))
    for account in written:
        written[account] = dict(sorted(written[account].items()))
    db.record_coverage(con, [(snapshots[account], table, count)
                             for account, tables in written.items() for table, count in tables.items()])
    return written


def _batch_not_stored(exc: db.RowsNotStored, accounts: list[tuple[str, list]], merged: Merged) -> InputError:
    """``_not_stored`` for the account whose rows hold the row ``exc.index`` counts across every account's."""
    index = exc.index
    if index is not None:
        for account, keyed in accounts:
            if index < len(keyed):
                return _not_stored(db.RowsNotStored(exc.table, exc.reason, index), account, keyed, merged)
            index -= len(keyed)
    return _not_stored(exc, *accounts[0], merged)  # no row named: the message names no account either


def _snapshot_words(snapshots: dict[str, int]) -> str:
    ids = sorted(snapshots.values())
    return f"snapshot {ids[0]}" if len(ids) == 1 else f"snapshots {', '.join(map(str, ids))}"


def _not_stored(exc: db.RowsNotStored, account: str, keyed: list[tuple[tuple, dict]], merged: Merged) -> InputError:
    """The load's one-line error for rows DuckDB refused: the input file(s) and the record when DuckDB's error
    points at one (out of memory on a huge value, a line number), never the temporary file the rows went
    through."""
    if exc.index is None:
        return InputError(f"load failed, nothing was written: {exc}")
    key, row = keyed[exc.index]
    record = row.get("arn") or row.get("name") or "/".join(str(k) for k in key)
    size = len(json.dumps(row, default=str))
    files = merged.files.get((account, exc.table, key)) or []
    where = ", ".join(map(str, files)) if files else f"account {account}"
    return InputError(f"{where}: {exc.table} record {record} ({size / (1 << 20):.1f} MiB as JSON) could not be "
                      f"stored: {exc.reason}; nothing was written")


def _carried_entry(con, table: str, earlier: int, earlier_as_of) -> dict:
    """The sources entry of a table whose rows the snapshot kept from an earlier whole listing (``carry``), with the
    keys that listing listed whole."""
    entry = {"path": None, "name": f"snapshot {earlier}: {table}", "sha256": None, "format": carry.CARRIED_FORMAT,
             "snapshot_id": earlier, "table": table, "as_of": _iso(earlier_as_of),
             "as_of_source": f"rows of {table} kept from snapshot {earlier}"}
    if keys := carry.listed_keys(con, earlier, table):
        entry["listed"] = {table: sorted(keys)}
    return entry


def _finish_snapshots(con, snapshots, iam_files, event_files, summary: LoadSummary, tables_written, manifests, as_of,
                      carried) -> None:
    """Record each snapshot's sources and as-of time once the CloudTrail loader has said which accounts it saw."""
    per_file = summary.events.get("files") or {}
    newest = {a: _iso(t) for a, t in (summary.events.get("newest_event_time") or {}).items()}
    for f in event_files:
        f.accounts = set((per_file.get(str(f.path)) or {}).get("accounts") or newest or snapshots)
    if event_files:
        counts = dict(con.execute(
            "select snapshot_id, count(*) from history.aws_cloudtrail_trail_event where snapshot_id in "
            f"({', '.join(str(s) for s in snapshots.values())}) group by all").fetchall())
    else:
        counts = {}
    sources = {account: [f for f in iam_files + event_files if account in f.accounts] for account in snapshots}
    times = snapshot_times(con, snapshots, sources, newest, as_of, summary.warnings, carried)
    load_count = load_counts(summary)
    for account, snapshot_id in snapshots.items():
        entries = [f.source_entry() | _event_counts(f, per_file) for f in sources[account]]

        entries += [m.source_entry(account, sha256_file(m.path)) for m in manifests if account in m.accounts]
        entries += [_carried_entry(con, table, earlier, earlier_as_of)
                    for table, (earlier, earlier_as_of) in sorted(carried.get(account, {}).items())]
        snapshot_as_of, how = times[account]
        entries.append({"path": None, "sha256": None, "format": AS_OF_FORMAT, "as_of": snapshot_as_of, "as_of_source": how,
                        "load_counts": load_count})
        con.execute("update iamsql_snapshot set sources = ?, as_of = ? where snapshot_id = ?",
                    [json.dumps(entries), snapshot_as_of, snapshot_id])
        tables = dict(tables_written.get(account, {}))
        if counts.get(snapshot_id):
            tables["aws_cloudtrail_trail_event"] = counts[snapshot_id]
            summary.rows["aws_cloudtrail_trail_event"] = summary.rows.get("aws_cloudtrail_trail_event", 0) + counts[snapshot_id]
        summary.snapshots.append({"snapshot_id": snapshot_id, "account_id": account, "as_of": snapshot_as_of,
                                  "as_of_source": how, "tables": tables})


def _event_counts(f: SourceFile, per_file: dict) -> dict:
    """What the CloudTrail loader kept and did not keep of one event file, for its ``sources`` entry."""
    stats = per_file.get(str(f.path)) if f.parsed is None else None
    if not stats:
        return {}
    return {"records": stats["events"], "rejected": stats.get("rejected") or {},
            "time_unparsed": stats.get("time_unparsed", 0)}


def load_counts(summary: LoadSummary) -> dict:
    """The load's counts of what it did not keep as is (``load_counts`` of the ``iamsql:as-of`` sources entry)."""
    events = summary.events or {}
    counts = {"unreadable": len(summary.unreadable), "skipped": len(summary.skipped), "broken": len(summary.broken)}
    if events:
        counts.update({"events_read": events.get("events", 0), "events_kept": events.get("inserted", 0),
                       "identical_duplicates": events.get("identical_duplicates", 0),
                       "conflicting_event_ids": events.get("conflicting_event_ids", 0),
                       "conflicting_versions": events.get("conflicting_versions", 0),
                       "rejected": events.get("rejected", 0), "time_unparsed": events.get("time_unparsed", 0)})
    return counts


def _event_warnings(summary: LoadSummary) -> None:
    """Warnings for what the CloudTrail loader did not keep as is."""
    events = summary.events or {}
    for path, stats in (events.get("files") or {}).items():
        rejected = stats.get("rejected") or {}
        if rejected:  # one line per file: the total, then the count of each reason when there are several
            reasons = (next(iter(rejected)) if len(rejected) == 1
                       else ", ".join(f"{count} {reason}" for reason, count in rejected.items()))
            summary.warnings.append(f"{path}: {sum(rejected.values())} record(s) rejected: {reasons}")
        malformed = [a for a in stats.get("accounts") or [] if a != cloudtrail.UNKNOWN_ACCOUNT
                     and not (a.isdigit() and len(a) == 12)]
        if malformed:
            named = ", ".join(map(repr, malformed[:5])) + (f" and {len(malformed) - 5} more" if len(malformed) > 5 else "")
            summary.warnings.append(f"{path}: account id(s) {named} in its events are not AWS account ids (12 "
                                    "digits): the events are loaded under them as written")
        if stats.get("time_unparsed"):
            summary.warnings.append(f"{path}: {stats['time_unparsed']} event(s) with an eventTime that does not parse: "
                                    "kept, event_time NULL, the text in event_time_raw")
    _misnamed_deliveries(events, summary)
    if events.get("conflicting_event_ids"):
        summary.warnings.append(f"{events['conflicting_event_ids']} event id(s) appear with different content "
                                f"({events['conflicting_versions']} version(s) in this load): the first is kept, "
                                "every version is in iamsql_event_conflict")


def _misnamed_deliveries(events: dict, summary: LoadSummary) -> None:
    """A warning per account that S3 delivery file names give (``<account>_CloudTrail_...``) when those files'
    events are all of other accounts (``load_events``' ``misnamed``)."""
    files = events.get("files") or {}
    for named, paths in (events.get("misnamed") or {}).items():
        others = sorted({account for path in paths for account in files[path]["accounts"]})
        summary.warnings.append(
            f"account {named}: the name of {len(paths)} CloudTrail delivery file(s) (e.g. {Path(paths[0]).name}) says "
            f"their events are its, but they are of {', '.join(others)}; they are loaded under "
            f"{'that account' if len(others) == 1 else 'those accounts'}")


def _any_record(events: dict) -> bool:
    """The trail files held a record, kept or not."""
    return any(events.get(count) for count in ("inserted", "identical_duplicates", "conflicting_event_ids", "rejected"))


def _no_data(paths: list[str]) -> str:
    """The error of a load whose every input holds no data at all (``[]``, ``{"Records": []}``)."""
    files = f"{paths[0]} and {len(paths) - 1} other file(s) hold" if len(paths) > 1 else f"{paths[0]} holds"
    return f"nothing loaded: {files} no data (an empty list [] or a CloudTrail file with no record)"


# What an output that fills no table on its own gives, and what to load it with.
ALONE_HINTS = {
    "sts:get-caller-identity": "gives only the account the files loaded with it belong to; load it with that "
                               "account's IAM outputs",
    "iam:list-account-aliases": "gives only the account's aliases (aws_account.account_aliases); load it with the "
                                "account's IAM outputs (get-account-authorization-details...)",
    identity.GENERATE_LAST_ACCESSED: "gives only a JobId from generate-service-last-accessed-details or "
                                     "generate-organizations-access-report; load it with the "
                                     "get-service-last-accessed-details output of the same job (no Organizations "
                                     "access report is loaded)",
}


def _alone_hint(f: SourceFile) -> str | None:
    """What the file gives when its output is one that fills no table on its own."""
    return ALONE_HINTS.get(f.format.removeprefix("placebo:"))


def _fills_no_table(files: list[SourceFile]) -> str:
    """The error of a load whose every output fills no table: what the first gives and what to load with it."""
    others = f" (and {len(files) - 1} other file(s) that fill no table either)" if len(files) > 1 else ""
    return f"nothing loaded: {files[0].path} {_alone_hint(files[0])}{others}"


def _every_record_rejected(events: dict) -> bool:
    """The trail files had records and the CloudTrail loader kept, merged or quarantined none of them."""
    return bool(events.get("rejected")) and not any(
        events.get(count) for count in ("inserted", "identical_duplicates", "conflicting_event_ids"))


def _iso(value: Any) -> str | None:
    return timestamp(value) if value else None

"""Recorded boto3 responses in placebo's format (used by cloud-custodian's tests): ``{"status_code": ..,
"data": {..}}`` in files named ``<service>.<Operation>_<n>.json``, datetimes as ``{"__class__": "datetime", ...}``.

The envelope is recognised by content; the file name says which call was recorded, which matters where AWS's
output alone is ambiguous (ListGroups vs ListGroupsForUser) and for recorded errors.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from iamsql.load.formats.base import Parsed
from iamsql.load.normalize import timestamp

FILE_NAME = re.compile(r"^(?P<service>[a-z0-9-]+)\.(?P<operation>[A-Za-z0-9]+)_\d+\.json$")

# A recorded "this does not exist" error that still tells the state: the account has no password policy.
EMPTY_ON_ERROR = {("iam", "GetAccountPasswordPolicy", "NoSuchEntity"): "aws_iam_account_password_policy"}

# The AWS CLI's message for a failed call (botocore's ClientError), alone in a file saved with ``2>&1``:
# "An error occurred (NoSuchEntity) when calling the GetAccountPasswordPolicy operation: The Password Policy
# with domain name 123456789012 cannot be found." Newer CLI versions put "aws: [ERROR]: " before it, and their
# default ``--cli-error-format enhanced`` may add lines after a blank one: "Additional error details:" and the
# error's modeled members.
CLI_ERROR = re.compile(r"(?:aws: \[ERROR\]: )?An error occurred \((?P<code>[\w.]+)\) when calling the "
                       r"(?P<operation>\w+) operation(?: \(reached max retries: \d+\))?: [^\n]*"
                       r"(?:\n\s*\nAdditional error details:(?:\n[^\n]*)*)?")


def structured_error_code(document: Any) -> str | None:
    """The error code of an AWS CLI error saved as ``--cli-error-format json`` or ``yaml`` writes it
    (``{"Code": "NoSuchEntity", "Message": "..."}`` and the error's modeled members), or None. It names no operation:
    the file name must say which command failed."""
    if isinstance(document, dict) and isinstance(document.get("Code"), str) and isinstance(document.get("Message"), str):
        return document["Code"]
    return None


def is_envelope(document: Any) -> bool:
    return isinstance(document, dict) and set(document) == {"status_code", "data"} and isinstance(document["data"], dict)


def kebab(operation: str) -> str:
    """``ListMFADevices`` -> ``list-mfa-devices``, as the AWS CLI names commands."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "-", operation).lower()


def plain(value: Any) -> Any:
    """The recorded data with datetime objects as ISO-8601 text, like ``aws ... --output json``."""
    if isinstance(value, dict):
        if value.get("__class__") == "datetime":
            return timestamp(value)
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def unwrap(document: dict, path: Path) -> tuple[dict | None, str | None, Parsed | str | None]:
    """(data, command, outcome): ``data`` is the recorded response to detect like CLI output; ``command`` is the
    recorded call as a CLI command name (None when the file name does not say). When the recording is an error,
    ``data`` is None and ``outcome`` is either a ``Parsed`` (an error that tells the state) or the reason to skip."""
    match = FILE_NAME.match(path.name)
    service, operation = (match["service"], match["operation"]) if match else (None, None)
    data = plain(document["data"])
    error = data.get("Error")
    if isinstance(error, dict):
        table = EMPTY_ON_ERROR.get((service, operation, error.get("Code")))
        if table:
            return None, None, Parsed(f"placebo:{service}:{kebab(operation)} ({error.get('Code')})", covers={table})
        return None, None, f"recorded error response {error.get('Code')}"
    command = f"{service}:{kebab(operation)}" if match else None
    return data, command, None


def cli_error(text: str) -> Parsed | str | None:
    """A file holding only an AWS CLI error message: like a recorded error response, an error that states a fact
    covers its table with no rows and any other is a reason to skip the file. None when the text is anything else
    (a document that merely quotes such a message is not one)."""
    match = CLI_ERROR.fullmatch(text.strip())
    if not match:
        return None
    for (service, operation, code), table in EMPTY_ON_ERROR.items():
        if (operation, code) == (match["operation"], match["code"]):
            return Parsed(f"{service}:{kebab(operation)} ({code})", covers={table})
    return f"AWS CLI error message {match['code']} from {match['operation']}"

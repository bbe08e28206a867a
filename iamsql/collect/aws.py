"""Sessions, clients and errors: standard AWS configuration (profiles, SSO, environment credentials,
``AWS_ENDPOINT_URL``), botocore retries, API request counting and one-line error descriptions."""

from __future__ import annotations

import gzip
import json
import os
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import boto3
import botocore.session
from botocore.config import Config
from botocore.credentials import RefreshableCredentials
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    HTTPClientError,
    NoCredentialsError,
    ProfileNotFound,
    ReadTimeoutError,
    SSOError,
    TokenRetrievalError,
    UnauthorizedSSOTokenError,
)
from botocore.exceptions import ConnectionError as BotoConnectionError
from botocore.loaders import JSONFileLoader
from botocore.parsers import ResponseParserError

from iamsql.common.clock import as_utc
from iamsql.errors import CollectError
from iamsql.load import normalize

DEFAULT_RETRY_MODE = "adaptive"  # client-side rate limiting on throttling, on top of exponential backoff
DEFAULT_MAX_ATTEMPTS = 10
SESSION_NAME = "iamsql-collect"
ASSUMED_ROLE_SECONDS = 3600

# The credentials themselves do not work: no call of this account can succeed, so the account stops.
CREDENTIAL_ERRORS = {"ExpiredToken", "ExpiredTokenException", "InvalidClientTokenId", "UnrecognizedClientException",
                     "RequestExpired", "SignatureDoesNotMatch", "AuthFailure", "IncompleteSignature"}
# The network, not AWS's answer: the endpoint could not be reached or the connection dropped before an answer.
CONNECTION_ERRORS = {"EndpointUnreachable", "ConnectionClosed", "ReadTimeout"}
# AWS's "slow down" answers (those botocore's retries treat as throttling): still there after every retry.
THROTTLING_ERRORS = {"Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
                     "TooManyRequestsException", "RequestLimitExceeded", "RequestThrottled", "SlowDown"}


class CallFailed(Exception):
    """A call that did not give a usable answer for a reason of iamsql's own (a report that never completed)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Failure:
    """A failed call in one line: ``code`` is AWS's error code (or a short name for a client-side failure)."""

    code: str
    message: str

    @property
    def credentials(self) -> bool:
        return self.code in CREDENTIAL_ERRORS or self.code in ("NoCredentials", "SSOExpired")

    @property
    def connection(self) -> bool:
        return self.code in CONNECTION_ERRORS

    @property
    def throttled(self) -> bool:
        return self.code in THROTTLING_ERRORS


def describe(exc: BaseException) -> Failure:
    """The error code and a one-line message for any boto3 failure (anything else is re-raised)."""
    if isinstance(exc, CallFailed):
        return Failure(exc.code, exc.message)
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = str(error.get("Code") or exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or "Error")
        message = (error.get("Message") or "").strip().splitlines()
        text = message[0] if message and not message[0].lstrip().startswith("<") else ""
        if code.isdigit() and int(code) >= 500:
            text = text or f"HTTP {code} from the endpoint (the API may not be implemented there)"
        elif code.isdigit():  # an answer botocore could not read an error from ("403: 403" said nothing)
            text = text or f"HTTP {code} from the endpoint, without an AWS error code or message"
        return Failure(code, text or code)
    if isinstance(exc, NoCredentialsError):
        return Failure("NoCredentials", "no AWS credentials found: use --profile, AWS_PROFILE, environment "
                                        "credentials or 'aws sso login'")
    if isinstance(exc, (TokenRetrievalError, UnauthorizedSSOTokenError, SSOError)):
        return Failure("SSOExpired", f"the SSO session has expired or is missing: run 'aws sso login' ({_line(exc)})")
    if isinstance(exc, ConnectionClosedError):
        return Failure("ConnectionClosed", f"the connection dropped before an answer: {_line(exc)}")
    if isinstance(exc, ReadTimeoutError):
        return Failure("ReadTimeout", f"the connection gave no answer in time: {_line(exc)}")
    if isinstance(exc, (BotoConnectionError, HTTPClientError)):
        return Failure("EndpointUnreachable", f"cannot reach the endpoint: {_line(exc)}")
    if isinstance(exc, ResponseParserError):
        return Failure("InvalidResponse", "the endpoint sent a response that is not AWS's format "
                                          "(the API may not be implemented there)")
    if isinstance(exc, BotoCoreError):
        return Failure(type(exc).__name__, _line(exc))
    raise exc


def _line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


# ---- sessions ----------------------------------------------------------------------------------------------------------


def check_regions(regions: list[str]) -> None:
    """Refuse a region name no AWS partition has (a typo such as ``us-east1``), which would otherwise make every
    regional call a gap. The names are checked against the partitions' region patterns that botocore ships, so
    regions AWS opens later are accepted."""
    for region in regions:
        if normalize.region_partition(region) is None:
            raise CollectError(f"--region {region!r} is not an AWS region name (such as us-east-1 or eu-west-1)")


class PlainJSONFileLoader(JSONFileLoader):
    """botocore's service-model files (``.json``, else ``.json.gz``) read into plain dicts, which keep the file's
    order as botocore's OrderedDicts do: reading the ~17 models of a collection and making their clients takes
    ~0.15 CPU-s less."""

    def load_file(self, file_path):
        for suffix, opener in ((".json", open), (".json.gz", gzip.open)):
            if os.path.isfile(file_path + suffix):
                with opener(file_path + suffix, "rb") as handle:
                    return json.loads(handle.read().decode("utf-8"))
        return None


def botocore_session(profile: str | None) -> botocore.session.Session:
    """A botocore session of ``profile`` (None: AWS's usual chain) whose service models are read as plain dicts."""
    session = botocore.session.Session(profile=profile)
    session.get_component("data_loader").file_loader = PlainJSONFileLoader()
    return session


def base_session(profile: str | None) -> boto3.Session:
    """The caller's session: ``--profile`` or AWS's usual chain (AWS_PROFILE, environment, SSO, instance role)."""
    try:
        session = boto3.Session(botocore_session=botocore_session(profile))
        session._session.get_scoped_config()  # an unknown profile fails here rather than at the first call
        return session
    except ProfileNotFound as exc:  # without --profile, the one AWS_PROFILE names (botocore's message names it)
        named = profile if profile is not None else exc.kwargs.get("profile")
        raise CollectError(f"AWS profile {named!r}{'' if profile is not None else ' (from AWS_PROFILE)'} not found in "
                           "the AWS config files") from None


def assumed_session(base: boto3.Session, role_arn: str, external_id: str | None, region: str,
                    counter: Counter) -> boto3.Session:
    """A session that assumes ``role_arn`` (refreshed before it expires, so long collections keep working) and keeps
    the profile's configuration (endpoint URLs, retry settings)."""
    sts = make_client(base, "sts", region, counter)
    arguments = {"RoleArn": role_arn, "RoleSessionName": SESSION_NAME, "DurationSeconds": ASSUMED_ROLE_SECONDS}
    if external_id:
        arguments["ExternalId"] = external_id

    def fetch() -> dict:
        credentials = sts.assume_role(**arguments)["Credentials"]
        return {"access_key": credentials["AccessKeyId"], "secret_key": credentials["SecretAccessKey"],
                "token": credentials["SessionToken"], "expiry_time": _expiry(credentials["Expiration"])}

    refreshable = RefreshableCredentials.create_from_metadata(fetch(), refresh_using=fetch, method="sts-assume-role")
    session = botocore_session(base.profile_name if base.profile_name != "default" else None)
    session._credentials = refreshable  # botocore has no public setter for refreshable credentials
    return boto3.Session(botocore_session=session, region_name=region)


def _expiry(value) -> str:
    if isinstance(value, datetime):
        return as_utc(value).isoformat()
    return str(value)


def retry_settings(session: boto3.Session) -> dict:
    """botocore's retry mode and attempts: the user's configuration (AWS_RETRY_MODE / AWS_MAX_ATTEMPTS or the
    profile's retry_mode / max_attempts) when set, else adaptive with 10 attempts. Those settings count every
    attempt, the first included, which is ``Config``'s ``total_max_attempts`` (its ``max_attempts`` counts the
    retries only)."""
    scoped = session._session.get_scoped_config()
    mode = os.environ.get("AWS_RETRY_MODE") or scoped.get("retry_mode") or DEFAULT_RETRY_MODE
    attempts = os.environ.get("AWS_MAX_ATTEMPTS") or scoped.get("max_attempts") or DEFAULT_MAX_ATTEMPTS
    return {"mode": mode, "total_max_attempts": int(attempts)}


_SESSIONS = threading.Lock()  # sessions are not thread-safe (clients are): clients are made one at a time


def make_client(session: boto3.Session, service: str, region: str, counter: Counter):
    """A client with retries, a connection pool sized for the worker threads and request counting. The endpoint
    comes from the standard configuration (``AWS_ENDPOINT_URL``, ``AWS_ENDPOINT_URL_<SERVICE>``, profile)."""
    config = Config(retries=retry_settings(session), max_pool_connections=16, connect_timeout=10, read_timeout=60,
                    user_agent_extra="iamsql-collect")
    with _SESSIONS:
        client = session.client(service, region_name=region, config=config)
    client.meta.events.register("before-send", counter.on_request)
    return client


class Counter:
    """HTTP requests sent to AWS (retries included), for the summary and the benchmark."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests = 0

    def on_request(self, **_kwargs) -> None:
        with self._lock:
            self.requests += 1


class Clients:
    """One client per (service, region) of one account's session, created on first use; clients are thread-safe,
    sessions are not, so creation is serialised."""

    def __init__(self, session: boto3.Session, counter: Counter) -> None:
        self.session = session
        self.counter = counter
        self._lock = threading.Lock()
        self._clients: dict[tuple[str, str], object] = {}

    def get(self, service: str, region: str):
        with self._lock:
            key = (service, region)
            if key not in self._clients:
                self._clients[key] = make_client(self.session, service, region, self.counter)
            return self._clients[key]


def paginate(client, operation: str, **arguments) -> dict:
    """All pages of a call merged into one document as the AWS CLI prints it (list members concatenated, paging
    tokens dropped)."""
    return client.get_paginator(operation).paginate(**arguments).build_full_result()


def parse_when(text: str, *, end: bool = False) -> datetime:
    """``--since`` / ``--until``: a date (YYYY-MM-DD, or a full ISO-8601 time) or a number of days before now."""
    text = text.strip()
    if text.isdigit():
        return datetime.now(timezone.utc) - timedelta(days=int(text))
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise CollectError(f"{text!r} is not a date (YYYY-MM-DD) or a number of days") from None
    moment = as_utc(moment)
    if end and len(text) == 10:  # a bare date as an end means the whole day
        moment += timedelta(days=1) - timedelta(microseconds=1)
    return moment


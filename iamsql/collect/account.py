"""One account's collection: its clients, a small worker pool for per-entity calls, and the rule that a failed
call becomes a recorded gap (which call, which account, which region, why) while the run goes on."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore import xform_name
from botocore.exceptions import ClientError

from iamsql.collect.aws import Clients, Counter, describe
from iamsql.raw.folder import Evidence

GLOBAL = "global"
# Errors that mean unusable credentials, but that AWS also gives for every call in an opt-in region the account has
# not enabled: outside the home region they stop nothing.
REGION_CREDENTIAL_ERRORS = {"InvalidClientTokenId", "UnrecognizedClientException", "AuthFailure"}
WORKERS = 4  # per account: IAM's throttle is per account, so a few calls at a time and botocore's backoff


@dataclass
class Target:
    """An account to collect, with the session to use (None when its credentials could not be obtained)."""

    account_id: str
    session: boto3.Session | None
    credentials: str  # how the session was obtained: "caller" or "assume-role <arn>"
    account_name: str | None = None
    ou_path: str | None = None
    caller_identity: dict | None = None
    failure: dict | None = field(default=None)


Notify = Callable[[str, str], None]  # (account_id, "service:Operation") before each call


class AccountRun:
    """Calls for one account. ``fetch`` calls an API (all pages), writes the response as evidence and returns it;
    any failure is recorded as a gap and gives None. Failed credentials stop the account's remaining calls."""

    def __init__(self, target: Target, evidence: Evidence, counter: Counter, home_region: str,
                 stop: threading.Event, notify: Notify | None = None, workers: int = WORKERS) -> None:
        self.target = target
        self.account_id = target.account_id
        self.evidence = evidence
        self.clients = Clients(target.session, counter)
        self.home_region = home_region  # where global services (IAM, STS) are called
        self.stop = stop
        self.credentials_failed = False
        self.credentials_error: str | None = None
        self._not_attempted: set[tuple[str, str]] = set()
        self._lock = threading.Lock()
        self.notify = notify or (lambda account, api: None)
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"iamsql-{self.account_id}")

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    @property
    def stopped(self) -> bool:
        return self.stop.is_set() or self.credentials_failed

    def attempt(self, api: str, region: str, call: Callable[[], Any], part: dict | None = None) -> Any:
        """``call()``, or None after recording the failure as a gap (with ``part``'s keys: the ``table`` and the
        ``resource`` whose row it leaves in part). After the account's credentials failed, the calls not made are
        gaps too (``NotAttempted``, once per API and region), so the evidence says what is missing."""
        if self.stopped:
            with self._lock:
                first = (api, region) not in self._not_attempted
                self._not_attempted.add((api, region))
            if first and self.credentials_failed and not self.stop.is_set():
                self.evidence.gap(api=api, account=self.account_id, region=region, error="NotAttempted",
                                  message=f"not called: the account's credentials stopped working "
                                          f"({self.credentials_error})")
            return None
        self.notify(self.account_id, api)
        try:
            return call()
        except Exception as exc:  # noqa: BLE001 - describe() re-raises anything that is not an AWS/botocore failure
            failure = describe(exc)
            message = failure.message
            regional = region not in (GLOBAL, self.home_region) and failure.code in REGION_CREDENTIAL_ERRORS
            if regional:  # what a region the account has not enabled answers: that region's calls fail, not all
                message += " (AWS answers so in a region the account has not enabled)"
            self.evidence.gap(api=api, account=self.account_id, region=region, error=failure.code, message=message,
                              **(part or {}))
            if failure.credentials and not regional and not self.credentials_failed:
                self.credentials_error = failure.code
                self.credentials_failed = True
            return None

    def client(self, service: str, region: str):
        return self.clients.get(service, self.home_region if region == GLOBAL else region)

    def fetch(self, service: str, operation: str, *, region: str = GLOBAL, entity: str | None = None,
              add: dict | None = None, facts: Iterable[str] = (), part: dict | None = None,
              **arguments) -> dict | None:
        """Call ``operation`` (all pages, merged as the AWS CLI does), write it to
        ``<account>/<region>/<service>/<cli-command>[/<entity>].json`` with ``add`` as extra top-level keys, and
        return the response. An error whose code is in ``facts`` is an answer (``NoSuchEntity`` for the password
        policy means "no policy"): it is written as ``{"Error": {...}}`` and gives None without a gap. ``part``:
        for a call about one resource of a listed table, ``{"table", "resource"}``, which a failure's gap names, so
        the loaded table is partial and says whose part is missing; with ``"column": "policy"`` (a secret's, key's,
        function's or bucket's resource-based policy) only that resource's policy is unknown: the table stays whole
        and the gap is listed in ``iamsql_unread``."""
        api = f"{service}:{operation}"
        command = xform_name(operation, "-")

        def call() -> dict:
            client = self.client(service, region)
            method = xform_name(operation)
            try:
                if client.can_paginate(method):
                    return client.get_paginator(method).paginate(**arguments).build_full_result()
                return getattr(client, method)(**arguments)
            except ClientError as exc:
                error = exc.response.get("Error", {})
                if error.get("Code") in facts:
                    return {"Error": {"Code": error.get("Code"), "Message": error.get("Message")}}
                raise

        response = self.attempt(api, region, call, part)
        if response is None:
            return None
        document = {**(add or {}), **response}
        self.evidence.write_json(document, account=self.account_id, region=region, service=service, command=command,
                                 api=api, entity=entity)
        return None if "Error" in response and len(response) == 1 else response

    def save(self, document: dict, *, service: str, command: str, api: str, region: str = GLOBAL,
             entity: str | None = None) -> None:
        """Write a response obtained outside ``fetch`` (a polled call's final answer)."""
        self.evidence.write_json(document, account=self.account_id, region=region, service=service, command=command,
                                 api=api, entity=entity)

    def each(self, items: Iterable[Any], work: Callable[[Any], Any]) -> list[Any]:
        """``work(item)`` for every item on the account's worker pool (bounded concurrency), results in order."""
        return list(self._pool.map(work, list(items)))

    def each_unless_refused(self, items: list[Any], work: Callable[[Any], dict | None]) -> None:
        """``work(item)`` for every item, the first alone: when it gives no answer (refused), the others would be
        refused alike and are not asked, so that one call is the one gap."""
        if items and work(items[0]) is not None:
            self.each(items[1:], work)

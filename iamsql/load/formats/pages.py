"""Several pages of one paginated AWS output in one file: pages written one after another (each call with
``--starting-token`` appended with ``>>``), or a JSON array of pages (a script that saves every page of a boto3
paginator). Every page must be of the same recognised format; the file then counts as that output, whole.

A JSON array may also be the list of one output kept by ``--query`` (see ``formats.queried``): its rows load, but
as part of their table, since a ``--query`` filter may have cut the list.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from iamsql.load.formats import detect
from iamsql.load.formats.base import Format, Parsed, response_data, says_truncated
from iamsql.load.formats.organizations import EMPTY_POLICIES
from iamsql.load.formats.queried import queried_list

NOT_PAGES = "not a recognised AWS IAM or CloudTrail output"
# ``[]``: any listing, filtered to nothing or of nothing; it names no account or output, so it says nothing
EMPTY_LIST = "an empty list ([]): it holds no data"
# A list without its output's wrapper (--query Users, Get-IAMUserList | ConvertTo-Json) may have been filtered
# (--query 'Users[?...]', Where-Object): nothing in it says it holds the whole listing.
QUERIED = "a list without its output's wrapper, as --query prints it, which a filter may have cut"


def json_values(text: str) -> list:
    """Every top-level JSON value of a text where values follow one another. Raises json.JSONDecodeError."""
    decoder, values, pos = json.JSONDecoder(), [], 0
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos == len(text):
            return values
        value, pos = decoder.raw_decode(text, pos)
        values.append(value)


def parse_text(text: str, path: Path) -> Parsed | str:
    """The pages written one after another in ``text``, or the reason they are not pages."""
    try:
        return parse_pages(json_values(text), path)
    except json.JSONDecodeError:
        return "not a single JSON document"


def _empty_pages_of_the_others(pages: list, formats: list[Format | None]) -> list[Format | None]:
    """An empty ``{"Policies": []}`` page (a last page, which names no owner) among pages of IAM's or Organizations'
    list-policies is a page of theirs."""
    others = {fmt.name: fmt for fmt in formats if fmt is not None and fmt.name != EMPTY_POLICIES}
    if len(others) != 1 or not next(iter(others)).endswith(":list-policies"):
        return formats
    (other,) = others.values()
    return [other if fmt is not None and fmt.name == EMPTY_POLICIES else fmt for fmt in formats]


def parse_pages(pages: list, path: Path) -> Parsed | str:
    """One ``Parsed`` for the pages of one output: fragments in page order, what any page lists completely, the
    newest page's own time; truncated only when every page says so (otherwise the last page is in the file)."""
    if not pages:
        return EMPTY_LIST
    pages = [response_data(page) for page in pages]
    listed = queried_list(pages)  # before the pages: a detail item may look like another output (its member lists)
    queried = listed is not None
    if queried:
        pages = [listed]
    formats = _empty_pages_of_the_others(pages, [detect(page) for page in pages])
    if not pages or None in formats or len({fmt.name for fmt in formats}) > 1:
        return NOT_PAGES
    parts = [fmt.parse(page, path) for fmt, page in zip(formats, pages)]
    reason = next((part for part in parts if isinstance(part, str)), None)
    if reason:
        return reason
    for part, page in zip(parts, pages):
        if says_truncated(page):
            part.extra["is_truncated"] = True
    newest = max(parts, key=lambda part: part.as_of or "")
    extra = {key: value for part in parts for key, value in part.extra.items() if key != "is_truncated"}
    if all(part.extra.get("is_truncated") for part in parts):
        extra["is_truncated"] = True
    covers = set().union(*(part.covers for part in parts))
    partial = {table: "; ".join(dict.fromkeys(part.partial[table] for part in parts if table in part.partial))
               for table in {table for part in parts for table in part.partial}}
    listed_for = {table: set().union(*(part.listed_for.get(table, set()) for part in parts))
                  for table in {table for part in parts for table in part.listed_for}}
    if queried:  # a filter may have cut any user's share too
        partial.update(dict.fromkeys(covers | partial.keys(), QUERIED))
        listed_for = {}
    return replace(newest, format=parts[0].format, extra={**extra, "pages": len(parts)},
                   fragments=[fragment for part in parts for fragment in part.fragments],
                   covers=covers, partial=partial, listed_for=listed_for,
                   warnings=[warning for part in parts for warning in part.warnings])

"""The JSON text of a stored policy document, as the loaders and the policy engine both read it, and the JSON text
they store in a text column."""

import json
from urllib.parse import unquote

_BLANK = " \t\r\n\ufeff"


def policy_json_text(text: str) -> str:
    """``text`` with surrounding whitespace and a byte order mark dropped and, when it does not start as JSON
    (``{`` or ``[``), its URL-encoding undone: IAM's API returns documents "URL-encoded compliant with RFC 3986"
    (``%20`` for a space, so a ``+`` stays a ``+``)."""
    text = text.strip(_BLANK)
    if text and text[0] not in "{[":
        text = unquote(text).strip(_BLANK)
    return text


def policy_json_value(value):
    """A policy document given as text (read as ``policy_json_text`` reads it) parsed as JSON; any other value as it
    is. ValueError for text that is not JSON."""
    return json.loads(policy_json_text(value)) if isinstance(value, str) else value


def json_text(value) -> str | None:
    """A value as the JSON text a text column stores, its keys sorted so that equal values give equal text; None and
    empty values give None."""
    return json.dumps(value, sort_keys=True) if value else None

"""Wildcard matching of actions, resources and ARNs as IAM does it.

Actions are matched case-insensitively; resources and ARNs case-sensitively. ``*`` matches any run of
characters and ``?`` any one character. In the ``Resource`` element wildcards stay inside their ``:``-separated
ARN segment, except a ``*`` that ends its segment, which may expand past colons; the ``Arn*`` condition operators
compare segment by segment, so a wildcard there stays inside its segment except in the resource (sixth) segment,
whose ids may hold colons.
"""

import re
from functools import lru_cache


def has_wildcard(pattern: str) -> bool:
    """True when ``pattern`` holds ``*`` or ``?``."""
    return "*" in pattern or "?" in pattern


def has_prefix(text: str) -> bool:
    """True when ``text`` is a service prefix, a colon and a name (``s3:GetObject``, ``aws:SourceIp``), as actions and
    condition keys are written."""
    prefix, colon, name = text.partition(":")
    return bool(prefix and colon and name)


def glob_to_regex(pattern: str) -> str:
    """The regular expression text (unanchored) for an IAM glob: ``*`` any run, ``?`` one character."""
    return glob_chunks_to_regex([(pattern, True)])


def glob_chunks_to_regex(chunks) -> str:
    """:func:`glob_to_regex` for a pattern given as ``(text, is_pattern)`` chunks (substituted policy variables are
    literal text)."""
    return _chunks_to_regex(chunks, lambda char, index, text: ".*" if char == "*" else ".")


def resource_glob_to_regex(pattern: str) -> str:
    """The regular expression text for a ``Resource``/``NotResource`` pattern.

    IAM User Guide, "IAM JSON policy elements: Resource": wildcards are used within the individual segments of an
    ARN (the parts separated by colons), and a ``*`` that is the last character of a segment can expand to match
    beyond the colon boundaries. So a ``*`` followed by ``:`` or ending the pattern matches any run; any other
    ``*`` and every ``?`` cannot match ``:``.
    """
    return resource_chunks_to_regex([(pattern, True)])


def resource_chunks_to_regex(chunks) -> str:
    """:func:`resource_glob_to_regex` for a pattern given as ``(text, is_pattern)`` chunks (substituted policy
    variables are literal text); whether a ``*`` ends its segment is read on the substituted text."""

    def wildcard(char: str, index: int, text: str) -> str:
        if char == "?":
            return "[^:]"
        return ".*" if text[index + 1 : index + 2] in ("", ":") else "[^:]*"

    return _chunks_to_regex(chunks, wildcard)


def _chunks_to_regex(chunks, wildcard) -> str:
    """The regular expression text for ``(text, is_pattern)`` chunks: the text of chunks that are not patterns
    (substituted policy variables) is matched literally; ``wildcard(char, index, text)`` gives the expression
    for a ``*`` or ``?`` at ``index`` of the whole pattern ``text``."""
    text = "".join(chunk for chunk, _ in chunks)
    out = []
    offset = 0
    for chunk, is_pattern in chunks:
        if not is_pattern:
            out.append(re.escape(chunk))
        else:
            for index, char in enumerate(chunk, start=offset):
                out.append(wildcard(char, index, text) if char in "*?" else re.escape(char))
        offset += len(chunk)
    return "".join(out)


def arn_glob_to_regex(pattern: str) -> str:
    """The regular expression text for an ARN pattern compared segment by segment.

    "Each of the six colon-delimited components of the ARN is checked separately" (IAM User Guide, "IAM JSON policy
    elements: Condition operators", ARN condition operators): a wildcard in the first five (``arn``, partition,
    service, region, account) cannot match ``:``; one in the sixth, the resource, may, since resource ids can hold
    colons (``log-group:g:log-stream:s``). A pattern with fewer than six components has no component to check the
    resource against, so it matches only values with as many components (``arn:aws:sns:*:*`` matches no topic ARN);
    ``*`` alone matches every value.
    """
    return arn_chunks_to_regex([(pattern, True)])


def _resource_start(text: str) -> int:
    """Where the ARN pattern ``text``'s resource component starts (the index of its fifth ``:``), or its length
    when it has fewer components (no wildcard of it may then match ``:``)."""
    position = -1
    for _ in range(5):
        found = text.find(":", position + 1)
        if found < 0:
            return len(text)
        position = found
    return position


def arn_chunks_to_regex(chunks) -> str:
    """:func:`arn_glob_to_regex` for a pattern given as ``(text, is_pattern)`` chunks; the text of chunks
    that are not patterns (substituted policy variables) is matched literally."""
    if len(chunks) == 1 and tuple(chunks[0]) == ("*", True):
        return ".*"
    resource_start = _resource_start("".join(text for text, _ in chunks))

    def wildcard(char: str, index: int, text: str) -> str:
        if index > resource_start:
            return ".*" if char == "*" else "."
        return "[^:]*" if char == "*" else "[^:]"

    return _chunks_to_regex(chunks, wildcard)


@lru_cache(maxsize=65536)
def compile_regex(regex: str) -> re.Pattern:
    """A compiled, fully anchored regular expression (cached); ``.`` also matches newlines."""
    return re.compile(regex + r"\Z", re.DOTALL)


@lru_cache(maxsize=65536)
def _glob(pattern: str) -> re.Pattern:
    return compile_regex(glob_to_regex(pattern))


@lru_cache(maxsize=65536)
def _resource_glob(pattern: str) -> re.Pattern:
    return compile_regex(resource_glob_to_regex(pattern))


@lru_cache(maxsize=65536)
def _arn_glob(pattern: str) -> re.Pattern:
    return compile_regex(arn_glob_to_regex(pattern))


def matches_action(pattern: str, action: str) -> bool:
    """True when the policy ``Action`` pattern matches ``action`` (``service:Name``), ignoring case."""
    if pattern == "*":
        return True
    if not has_wildcard(pattern):
        return pattern.lower() == action.lower()
    return _glob(pattern.lower()).match(action.lower()) is not None


def matches_resource(pattern: str, resource: str) -> bool:
    """True when the policy ``Resource`` pattern matches ``resource`` (case-sensitive; only a ``*`` ending its
    segment spans ``:``)."""
    if pattern == "*":
        return True
    if not has_wildcard(pattern):
        return pattern == resource
    return _resource_glob(pattern).match(resource) is not None


def matches_arn(pattern: str, arn: str) -> bool:
    """True when ``pattern`` matches ``arn`` the way the ``ArnLike``/``ArnEquals`` operators compare."""
    if pattern == "*":
        return True
    if not has_wildcard(pattern):
        return pattern == arn
    return _arn_glob(pattern).match(arn) is not None


class PatternSet:
    """A precompiled set of patterns: exact values in a frozenset, patterns whose only wildcard is one final ``*``
    as prefixes (``str.startswith``), the other wildcard patterns in one regex. Large managed policies list
    hundreds of ``service:Get*`` patterns, and one regex of them all costs tens of milliseconds to compile.

    ``ignore_case`` lower-cases patterns at build time; callers then pass lower-cased values. ``to_regex`` turns one
    pattern into regex text (:func:`glob_to_regex` for actions, :func:`resource_glob_to_regex` for resources).
    """

    __slots__ = ("matches_all", "exact", "prefixes", "regex")

    def __init__(self, patterns, *, ignore_case: bool, to_regex=glob_to_regex):
        normalized = [p.lower() for p in patterns] if ignore_case else list(patterns)
        self.matches_all = "*" in normalized
        self.exact = frozenset(p for p in normalized if not has_wildcard(p))
        wild = {p for p in normalized if has_wildcard(p)}
        prefixes = {p for p in wild if p.endswith("*") and not has_wildcard(p[:-1])}
        self.prefixes = tuple(sorted(p[:-1] for p in prefixes))
        rest = sorted(wild - prefixes)
        self.regex = compile_regex("(?:" + "|".join(to_regex(p) for p in rest) + ")") if rest else None

    def match(self, value: str) -> bool:
        """True when any pattern matches ``value`` (already lower-cased for case-insensitive sets)."""
        if self.matches_all or value in self.exact or value.startswith(self.prefixes):
            return True
        return self.regex is not None and self.regex.match(value) is not None

    def matching(self, values: frozenset[str]) -> frozenset[str]:
        """Those of ``values`` (lower-cased for case-insensitive sets) that a pattern matches: ``match`` over a set
        at once."""
        if self.matches_all:
            return values
        found = values & self.exact
        if self.prefixes:
            found |= {value for value in values if value.startswith(self.prefixes)}
        if self.regex is not None:
            found |= set(filter(self.regex.match, values))
        return frozenset(found)

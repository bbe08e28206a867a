"""The ``Condition`` element: every IAM condition operator, ``...IfExists`` and the set prefixes.

A condition block is compiled once into :class:`Condition` objects. Evaluating one against a request
context gives ``True``, ``False`` or ``None`` (UNKNOWN: the key is not in the context and the caller asked
for static analysis with ``unknown_context``).

Rules implemented (IAM User Guide, "Condition operators"):

- operator blocks and keys inside a block are ANDed; the values of one key are ORed;
- a negated operator (``StringNotEquals``, ``NotIpAddress``, ``ArnNotLike`` ...) is true only when the
  context value matches none of the values, and true when the key is absent;
- any other operator is false when the key is absent, unless it ends in ``IfExists``;
- ``Null``: ``true`` means "the key is absent", ``false`` "the key is present";
- ``ForAnyValue:`` is true when at least one request value satisfies the operator (false for a missing
  or empty set); ``ForAllValues:`` when every request value does (true for a missing or empty set);
- for ``Null`` and the set operators an empty string is an empty set, like an absent key;
- a multi-valued context value used without a set prefix matches when any of its values matches
  (negated operators: when none does);
- key names are case-insensitive; values are case-sensitive except with the ``IgnoreCase`` operators
  and ``Bool``.
"""

import base64
import binascii
import ipaddress
import operator as op
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache

from iamsql.errors import PolicyError
from iamsql.policy.catalog import catalog
from iamsql.policy.matching import arn_chunks_to_regex, compile_regex, glob_to_regex, has_wildcard
from iamsql.policy.variables import Template, parse_template

_MISSING = object()
# W3C's profile of ISO 8601 ("Date and Time Formats"): YYYY, YYYY-MM, YYYY-MM-DD, YYYY-MM-DDThh:mmTZD,
# YYYY-MM-DDThh:mm:ssTZD, YYYY-MM-DDThh:mm:ss.sTZD, TZD "Z or +hh:mm or -hh:mm" (a time without one is read as UTC)
_W3C_DATE = re.compile(
    r"(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?"
)
_NUMBER = re.compile(r"\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*")
_STRING_MATCHES = frozenset({"stringequals", "stringnotequals", "stringlike", "stringnotlike"})
# The request's time, in ISO 8601 and in seconds since the epoch: aws:CurrentTime and aws:EpochTime each give "the date
# and time of the request" and are always in the request context (IAM User Guide, "AWS global condition context keys").
REQUEST_TIME_KEYS = ("aws:currenttime", "aws:epochtime")


@dataclass(frozen=True, slots=True)
class KnownPrefix:
    """A context value of which only the start is known: a role session's ``aws:userid`` is the role's unique id,
    ``:`` and a session name the caller picks (IAM User Guide, "Variables and tags"). ``named``: the rest ends in a
    name holding neither ``:`` nor ``/``, maybe after a path (a role session's ``aws:PrincipalArn`` is
    ``arn:aws:iam::ACCOUNT:role/``, the role's path and its name; role and session names are made of letters, digits
    and ``+=,.@_-``, IAM API Reference, ``CreateRole`` ``RoleName`` and ``AssumeRole`` ``RoleSessionName``)."""

    prefix: str
    named: bool = False

    def admits(self, value: str) -> bool:
        """Whether ``value`` may be this one: it starts with the prefix and goes on (to a name, when ``named``)."""
        if not (value.startswith(self.prefix) and len(value) > len(self.prefix)):
            return False
        name = value[len(self.prefix):].rsplit("/", 1)[-1]
        return not self.named or (name != "" and ":" not in name)


def _named_value_may_match(prefix: str, pattern: str) -> bool:
    """Whether some value of a ``named`` ``KnownPrefix`` (``prefix``, then text ending in a name without ``:`` or
    ``/``) matches the ``StringLike`` ``pattern``: a search over the pattern's positions and where the value is (in the
    prefix, or after a ``/``, in a name, or in a segment holding a ``:``), a wildcard taking whichever character
    helps."""
    todo, seen = [(0, 0)], set()
    while todo:
        state = todo.pop()
        if state in seen:
            continue
        seen.add(state)
        position, where = state
        if position == len(pattern):
            if where == "name":
                return True
            continue
        token = pattern[position]
        if token == "*":
            todo.append((position + 1, where))
        after = position if token == "*" else position + 1
        if isinstance(where, int) and where < len(prefix):
            if token in "*?" or token == prefix[where]:
                todo.append((after, where + 1))
            continue
        for character in ("/", ":", "a") if token in "*?" else (token,):
            if character == "/":
                todo.append((after, "slash"))
            elif character == ":" or where == "colon":
                todo.append((after, "colon"))
            else:
                todo.append((after, "name"))
    return False


def _prefix_outcome(known: KnownPrefix, pattern: str, like: bool):
    """Whether every value ``known`` may be matches ``pattern`` (True), none does (False), or only some may (None)."""
    if not (like and has_wildcard(pattern)):
        return None if known.admits(pattern) else False
    prefix = known.prefix
    if pattern.endswith("*"):
        head = compile_regex(glob_to_regex(pattern[:-1]))
        if any(head.match(prefix[:end]) for end in range(len(prefix) + 1)):
            return True
    if known.named and not _named_value_may_match(prefix, pattern):
        return False
    literal = re.split(r"[*?]", pattern, maxsplit=1)[0]
    return None if literal.startswith(prefix) or prefix.startswith(literal) else False


def _escaped(text: str) -> str:
    """Text substituted into a residual condition value, its wildcard characters kept literal."""
    return re.sub(r"[*?$]", lambda found: "${" + found.group() + "}", text)


def normalize_context_value(value, in_list: bool = False):
    """A context value as the evaluator stores it: text, or a list of text for multi-valued keys."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple, set, frozenset)) and not in_list:
        return [normalize_context_value(item, in_list=True) for item in value]
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return value
    if in_list:
        raise PolicyError(f"context value {value!r} in a list is not text, a number or a boolean")
    raise PolicyError(f"context value {value!r} is not text, a number, a boolean or a list")


def normalize_context(context: dict | None) -> dict:
    """The request context with lower-cased key names and normalized values (None values are dropped)."""
    if not context:
        return {}
    if not isinstance(context, dict):
        raise PolicyError("context must be an object of key -> value")
    normalized = {}
    for key, value in context.items():
        if value is not None:
            known = type(value) is str or isinstance(value, KnownPrefix)
            normalized[str(key).lower()] = value if known else normalize_context_value(value)
    return normalized


def _policy_value_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, str)):
        return str(value)
    raise PolicyError(f"condition value {value!r} is not text, a number or a boolean")


def parse_number(text: str) -> float | None:
    """A numeric condition value, or None when the text is not a number: an integer or a decimal (IAM User Guide,
    "Condition operators", numeric condition operators), not Python's other spellings of a float (``1_000``,
    ``nan``, ``inf``)."""
    if not _NUMBER.fullmatch(text):
        return None
    return float(text)


def parse_date(text: str) -> float | None:
    """Seconds since the epoch for a date/time in W3C's profile of ISO 8601 or an epoch-seconds value, or None. Date
    values are "one of the W3C implementations of the ISO 8601 date formats" or epoch time (IAM User Guide, "Condition
    operators", date condition operators): other ISO 8601 forms (a week date ``2026-W01``, the basic format
    ``20260101T000000Z``, a space for ``T``, a lower-case ``z``) are neither, so they do not parse. W3C's profile
    begins with the year alone ("Year: YYYY (eg 1997)"), so four digits are a year (its first instant, UTC), not
    seconds after 1970-01-01T00:00:00Z; a year and month alone is the first instant of that month."""
    text = text.strip()
    found = _W3C_DATE.fullmatch(text)
    if found is None:
        return parse_number(text)
    year, month, day, hour, minute, second, fraction, zone = found.groups()
    try:
        moment = datetime(int(year), int(month or 1), int(day or 1), int(hour or 0), int(minute or 0),
                          int(second or 0), tzinfo=timezone.utc)
    except ValueError:  # no such day or time, or the year 0000
        return None
    offset = 0
    if zone and zone != "Z":
        hours, minutes = int(zone[1:3]), int(zone[4:6])
        if hours > 23 or minutes > 59:
            return None
        offset = (hours * 60 + minutes) * 60 * (1 if zone[0] == "+" else -1)
    return moment.timestamp() + (float(fraction) if fraction else 0.0) - offset


def _decode_base64(text: str) -> bytes | None:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


# --- per-family compilation of one policy value and comparison with one context value -------------
# A compiled value is what ``compare(context_value, compiled, context)`` needs; values holding policy
# variables compile to a Template that is resolved against the context at evaluation time.


def _compile_string(text, variables):
    return (parse_template(text) if variables else None) or text


def _equals(value, compiled, context):
    if isinstance(compiled, Template):
        compiled = compiled.to_string(context)
    return compiled == value


def _compile_string_ignore_case(text, variables):
    template = parse_template(text) if variables else None
    return template or text.casefold()


def _equals_ignore_case(value, compiled, context):
    if isinstance(compiled, Template):
        compiled = compiled.to_string(context)
        if compiled is None:
            return False
        compiled = compiled.casefold()
    return compiled == value.casefold()


def _compile_like(text, variables):
    template = parse_template(text) if variables else None
    if template:
        return template
    return compile_regex(glob_to_regex(text)) if has_wildcard(text) else text


def _like(value, compiled, context):
    if isinstance(compiled, str):
        return compiled == value
    if isinstance(compiled, Template):
        compiled = compiled.to_regex(context)
        if compiled is None:
            return False
    return compiled.match(value) is not None


def _compile_arn(text, variables):
    template = parse_template(text) if variables else None
    if template:
        return template
    return Template(text, (("text", text),), frozenset()) if has_wildcard(text) else text


def _arn_like(value, compiled, context):
    if isinstance(compiled, str):
        return compiled == value
    regex = compiled.to_regex(context, arn_chunks_to_regex)
    return regex is not None and regex.match(value) is not None


def _compile_ordered(parse, family, expected):
    """Compiles a numeric or date condition value with ``parse``; a value that does not parse is an error."""

    def compile_value(text, _variables):
        value = parse(text)
        if value is None:
            raise PolicyError(f"{family} condition value {text!r} is not {expected}")
        return value

    return compile_value


_compile_number = _compile_ordered(parse_number, "numeric", "a number")
_compile_date = _compile_ordered(parse_date, "date", "an ISO 8601 date or epoch seconds")


def _ordered(compare):
    """The test of a numeric or date operator: ``compare`` on the parsed context value and policy value."""

    def test(value, compiled, _context):
        return compare(value, compiled)

    return test


def _compile_null(text, _variables):
    # Null takes no policy variables (IAM User Guide, "Condition operators", Null check), and only true ("the key
    # doesn't exist") or false ("the key exists"): any other value is malformed, never read as one of them.
    value = text.lower()
    if value not in ("true", "false"):
        raise PolicyError(f"Null condition value must be true or false, got {text!r}")
    return value


def _compile_binary(text, variables):
    # BinaryEquals takes no policy variables (IAM User Guide, "Condition operators", binary condition operators: "Policy
    # variables - Not supported"; "IAM policy validation check reference", Error - Invalid variable for operator)
    if variables and parse_template(text) is not None:
        raise PolicyError(f"BinaryEquals condition value {text!r} holds a policy variable, which the operator does not take")
    return (_decode_base64(text), text)


def _prepare_binary(value):
    return (_decode_base64(value), value)


def _binary(value, compiled, _context):
    decoded, text = value
    return decoded == compiled[0] if decoded is not None and compiled[0] is not None else text == compiled[1]


def _compile_network(text, _variables):
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        raise PolicyError(f"IP condition value {text!r} is not an IP address or CIDR range") from None


def _parse_address(value):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _in_network(address, compiled, _context):
    return address in compiled


@dataclass(frozen=True, slots=True)
class _Operator:
    """How one operator family compiles policy values, prepares a context value (None: it cannot match)
    and compares the two."""

    compile: Callable
    compare: Callable
    negated: bool = False
    prepare: Callable | None = None


_OPERATORS = {
    "stringequals": _Operator(_compile_string, _equals),
    "stringnotequals": _Operator(_compile_string, _equals, True),
    "stringequalsignorecase": _Operator(_compile_string_ignore_case, _equals_ignore_case),
    "stringnotequalsignorecase": _Operator(_compile_string_ignore_case, _equals_ignore_case, True),
    "stringlike": _Operator(_compile_like, _like),
    "stringnotlike": _Operator(_compile_like, _like, True),
    "numericequals": _Operator(_compile_number, _ordered(op.eq), prepare=parse_number),
    "numericnotequals": _Operator(_compile_number, _ordered(op.eq), True, prepare=parse_number),
    "numericlessthan": _Operator(_compile_number, _ordered(op.lt), prepare=parse_number),
    "numericlessthanequals": _Operator(_compile_number, _ordered(op.le), prepare=parse_number),
    "numericgreaterthan": _Operator(_compile_number, _ordered(op.gt), prepare=parse_number),
    "numericgreaterthanequals": _Operator(_compile_number, _ordered(op.ge), prepare=parse_number),
    "dateequals": _Operator(_compile_date, _ordered(op.eq), prepare=parse_date),
    "datenotequals": _Operator(_compile_date, _ordered(op.eq), True, prepare=parse_date),
    "datelessthan": _Operator(_compile_date, _ordered(op.lt), prepare=parse_date),
    "datelessthanequals": _Operator(_compile_date, _ordered(op.le), prepare=parse_date),
    "dategreaterthan": _Operator(_compile_date, _ordered(op.gt), prepare=parse_date),
    "dategreaterthanequals": _Operator(_compile_date, _ordered(op.ge), prepare=parse_date),
    # Bool takes policy variables (IAM User Guide, "Condition operators", Boolean condition operators) and reads
    # "true"/"True" alike.
    "bool": _Operator(_compile_string_ignore_case, _equals_ignore_case),
    "binaryequals": _Operator(_compile_binary, _binary, prepare=_prepare_binary),
    "ipaddress": _Operator(_compile_network, _in_network, prepare=_parse_address),
    "notipaddress": _Operator(_compile_network, _in_network, True, prepare=_parse_address),
    "arnequals": _Operator(_compile_arn, _arn_like),
    "arnlike": _Operator(_compile_arn, _arn_like),
    "arnnotequals": _Operator(_compile_arn, _arn_like, True),
    "arnnotlike": _Operator(_compile_arn, _arn_like, True),
    "null": _Operator(_compile_null, _equals),  # Condition.evaluate reads Null's values itself
}


@dataclass(frozen=True, slots=True)
class Condition:
    """One operator applied to one key with its values, compiled."""

    operator: str  # as written in the policy, e.g. "ForAnyValue:StringLikeIfExists"
    key: str  # as written
    key_lower: str
    source_values: tuple  # the values as text, for residual conditions
    set_mode: str | None  # "any", "all" or None
    if_exists: bool
    is_null: bool
    negated: bool
    compare: Callable
    prepare: Callable | None
    values: tuple
    variable_keys: frozenset  # context keys the values' policy variables need

    def residual(self, context: dict | None = None) -> dict:
        """This condition as an IAM ``Condition`` block, the policy variables whose keys ``context`` holds filled in
        (``${aws:PrincipalTag/team}`` is the caller's tag)."""
        values = []
        for text in self.source_values:
            template = parse_template(text) if context and self.variable_keys else None
            if template is not None and all(isinstance(context.get(k), str) for k in template.keys):
                chunks = template.chunks(context)
                text = "".join(part if pattern else _escaped(part) for part, pattern in chunks)
            values.append(text)
        return {self.operator: {self.key: values}}

    def _on_prefix(self, known: KnownPrefix, context: dict):
        """The outcome for a context value of which only the start is known (``KnownPrefix``): decided when every or
        no value with that start matches, else unknown (None)."""
        base = _split_operator(self.operator)[1]
        if base not in _STRING_MATCHES:
            return None
        outcome = False
        for text, compiled in zip(self.source_values, self.values):
            if isinstance(compiled, Template):
                text = compiled.to_string(context)
                if text is None or base.endswith("like"):
                    return None  # substituted text is literal: not a pattern to reason about here
            found = _prefix_outcome(known, text, base.endswith("like"))
            if found:
                outcome = True
                break
            if found is None:
                outcome = None
        return outcome if outcome is None or not self.negated else not outcome

    def _matches_any_value(self, value: str, context: dict) -> bool:
        if self.prepare is not None:
            value = self.prepare(value)
            if value is None:
                return False
        compare = self.compare
        for compiled in self.values:
            if compare(value, compiled, context):
                return True
        return False

    def evaluate(self, context: dict, unknown_context: bool = False, known_absent: frozenset = frozenset()):
        """True, False, or None when the outcome depends on context keys that are not known."""
        value = context.get(self.key_lower, _MISSING)
        absent = value is _MISSING or (isinstance(value, list) and not value)
        if value is _MISSING and unknown_context and self.key_lower not in known_absent:
            if not self.values:
                # an empty value list (a document IAM accepts) compares no value: only the key's presence can
                # matter, so the outcome is known when it is the same either way (StringEquals [] never holds)
                when_absent = self.evaluate({})
                return when_absent if self.evaluate({self.key_lower: "?"}) == when_absent else None
            return None
        if unknown_context and any(
            (k not in context and k not in known_absent) or isinstance(context.get(k), KnownPrefix)
            for k in self.variable_keys
        ):
            return None
        if value == "" and (self.is_null or self.set_mode):
            # An empty string is a null data set for Null and the set operators (IAM User Guide, "Multivalued
            # context key examples").
            absent = True
        if self.is_null:
            return any((expected == "true") == absent for expected in self.values)
        if isinstance(value, KnownPrefix):
            # outside static analysis, a comparison the unknown rest of the value decides is false
            outcome = self._on_prefix(value, context)
            return False if outcome is None and not unknown_context else outcome
        if absent:
            if self.if_exists or self.set_mode == "all":
                return True
            if self.set_mode == "any":
                return False
            return self.negated
        values = value if isinstance(value, list) else (value,)
        if self.set_mode is None:
            if len(values) == 1:
                found = self._matches_any_value(values[0], context)
            else:
                found = any(self._matches_any_value(item, context) for item in values)
            return not found if self.negated else found
        satisfied = (self._matches_any_value(item, context) != self.negated for item in values)
        return any(satisfied) if self.set_mode == "any" else all(satisfied)


def _split_operator(name: str):
    """(set_mode, base operator lower-cased, if_exists) for an operator name, or PolicyError."""
    set_mode = None
    base = name
    lowered = name.lower()
    if lowered.startswith("forallvalues:"):
        set_mode, base = "all", name[len("ForAllValues:") :]
    elif lowered.startswith("foranyvalue:"):
        set_mode, base = "any", name[len("ForAnyValue:") :]
    base_lower = base.lower()
    if_exists = base_lower.endswith("ifexists") and base_lower != "ifexists"
    if if_exists:
        base_lower = base_lower[: -len("ifexists")]
    if base_lower not in _OPERATORS or (if_exists and base_lower == "null"):
        raise PolicyError(f"unknown condition operator {name!r}")
    return set_mode, base_lower, if_exists


def compile_conditions(block, *, variables: bool) -> tuple[Condition, ...]:
    """Compile a statement's ``Condition`` element; ``variables`` enables policy-variable substitution."""
    if block is None:
        return ()
    if not isinstance(block, dict):
        raise PolicyError("Condition must be an object of operator -> {key: values}")
    conditions = []
    for operator_name, keys in block.items():
        set_mode, base, if_exists = _split_operator(str(operator_name))
        spec = _OPERATORS[base]
        if not isinstance(keys, dict):
            raise PolicyError(f"condition operator {operator_name!r} must map keys to values")
        for key, raw_values in keys.items():
            items = raw_values if isinstance(raw_values, list) else [raw_values]
            texts = tuple(_policy_value_text(item) for item in items)
            compiled = tuple(spec.compile(text, variables) for text in texts)
            variable_keys = frozenset().union(*(c.keys for c in compiled if isinstance(c, Template)))
            conditions.append(
                Condition(
                    operator=str(operator_name),
                    key=str(key),
                    key_lower=str(key).lower(),
                    source_values=texts,
                    set_mode=set_mode,
                    if_exists=if_exists,
                    is_null=base == "null",
                    negated=spec.negated,
                    compare=spec.compare,
                    prepare=spec.prepare,
                    values=compiled,
                    variable_keys=variable_keys,
                )
            )
    return tuple(conditions)


def evaluate_conditions(conditions, context: dict, unknown_context: bool = False, known_absent=frozenset()):
    """(outcome, residual) for ANDed conditions: outcome True/False/None; residual holds the unknown ones."""
    residual = None
    for condition in conditions:
        outcome = condition.evaluate(context, unknown_context, known_absent)
        if outcome is False:
            return False, None
        if outcome is None:
            residual = merge_condition_blocks(residual or {}, condition.residual(context))
    if residual is not None and never_holds(residual):
        return False, None  # the unknown conditions exclude each other (StringEquals a and StringLike b* on one key)
    return (True, None) if residual is None else (None, residual)


def merge_condition_blocks(left: dict, right: dict) -> dict:
    """The AND of two ``Condition`` blocks. A key that both constrain under the same operator keeps the values that
    hold when both sides do (``_both``): the union for negated operators (the value matches none of either)."""
    merged = {operator_name: dict(keys) for operator_name, keys in left.items()}
    for operator_name, keys in right.items():
        target = merged.setdefault(operator_name, {})
        for key, values in keys.items():
            target[key] = list(values) if key not in target else _both(operator_name, key, target[key], list(values))
    return merged


# Context keys that describe the caller itself, the same in every request it makes (IAM User Guide, "AWS global
# condition context keys", properties of the principal).
PRINCIPAL_KEYS = frozenset({
    "aws:username", "aws:principalarn", "aws:principalaccount", "aws:principaltype", "aws:principalorgid",
    "aws:principalorgpaths", "aws:principalisawsservice", "aws:principalservicename", "aws:principalservicenameslist"})
# ... and those of its session, the same in every request of one session: its tags (a role session's include its
# session tags), its MFA, its ids (properties of the role session).
SESSION_KEYS = PRINCIPAL_KEYS | {
    "aws:multifactorauthpresent", "aws:multifactorauthage", "aws:userid", "aws:tokenissuetime", "aws:sourceidentity"}
_SESSION_KEY_PREFIXES = ("aws:principaltag/",)


def principal_key(key: str) -> bool:
    """Whether ``key`` (lower-cased) has one value in every request of one principal."""
    return key in PRINCIPAL_KEYS


def session_key(key: str) -> bool:
    """Whether ``key`` (lower-cased) has one value in every request of one session."""
    return key in SESSION_KEYS or key.startswith(_SESSION_KEY_PREFIXES)


def steps_conditions(*alternatives: list, limit: int = 256, shared=None) -> list[dict] | None:
    """The conditions of requests that must all be allowed (the steps of one path, the resources of one request), each
    given as its alternatives (blocks ORed; an empty list: unconditional), as alternatives of their AND: one block per
    choice of one alternative of each (at most ``limit``). The requests may carry different values of one key (two
    resources' tags, two sessions' MFA), so a key that two blocks constrain under one operator keeps the values for
    which either holds (``_either``): weaker than a single request's AND (``merge_condition_blocks``), never stronger.
    ``shared`` (``principal_key``, ``session_key``): the keys whose one value every request carries (the caller's own,
    when one principal or one session makes them all), ANDed as in one request: the values both allow (``_both``); a
    choice whose values of such a key exclude each other is dropped, and None says no choice can hold. ``[]`` when a
    choice is unconditional."""
    result: list[dict] = [{}]
    for blocks in alternatives:
        if not blocks:
            continue
        combined: list[dict] = []
        for left in result:
            for right in blocks:
                merged = _either_blocks(left, right, shared)
                if not merged:
                    return []
                if never_holds(merged):
                    continue  # the caller's own key cannot take a value both steps allow
                if merged not in combined:
                    combined.append(merged)
        if not combined:
            return None
        result = combined[:limit]
    return [] if result == [{}] else result


def _either_blocks(left: dict, right: dict, shared=None) -> dict:
    """``steps_conditions``' AND of two blocks that hold for different requests; keys ``shared`` picks as in one."""
    merged = {operator_name: dict(keys) for operator_name, keys in left.items()}
    for operator_name, keys in right.items():
        target = merged.setdefault(operator_name, {})
        for key, values in keys.items():
            if key not in target:
                target[key] = list(values)
                continue
            if shared is not None and shared(key.lower()):
                target[key] = _both(operator_name, key, target[key], list(values))
                continue
            either = _either(operator_name, target[key], list(values))
            if either:
                target[key] = either
            else:
                del target[key]  # a value either side refuses for its own request: no one value is refused
        if not target:
            del merged[operator_name]
    return merged


def _either(operator_name: str, left: list, right: list) -> list:
    """The values of one operator on one key for which one side or the other holds: all of them for a positive
    operator (its values are ORed), the ones both refuse for a negated one (its values are NORed)."""
    if _OPERATORS[_split_operator(operator_name)[1]].negated:
        return [value for value in left if value in right]
    return list(dict.fromkeys([*left, *right]))


def never_holds(block: dict) -> bool:
    """True when a ``Condition`` block (a residual of ``merge_condition_blocks``) can hold for no request: an operator
    left with no value on a key, which nothing satisfies, unless absent keys satisfy it (``...IfExists``,
    ``ForAllValues:``); or a single-valued key that several operators constrain so that neither its absence nor any
    one value satisfies them all (``StringEquals`` ``a`` and ``StringLike`` ``b*``, ``NumericLessThan`` 5 and
    ``NumericGreaterThan`` 10, ``Null`` ``true`` and ``StringEquals``: the operators are ANDed)."""
    by_key: dict[str, list] = {}
    for operator_name, keys in block.items():
        set_mode, base, if_exists = _split_operator(operator_name)
        if not if_exists and set_mode != "all" and not _OPERATORS[base].negated and any(not v for v in keys.values()):
            return True
        for key, values in keys.items():
            by_key.setdefault(key.lower(), []).append((operator_name, base, list(values)))
    return any(len(constraints) > 1 and _excluded(key, constraints) for key, constraints in by_key.items())


# operator (lower-cased) -> the one that holds exactly when it does not, on a single-valued key: a negated operator
# holds when the key is absent, its positive form does not; ``Null`` true and false are each other's opposite
_OPPOSITES = {
    "stringequals": "StringNotEquals", "stringnotequals": "StringEquals",
    "stringequalsignorecase": "StringNotEqualsIgnoreCase", "stringnotequalsignorecase": "StringEqualsIgnoreCase",
    "stringlike": "StringNotLike", "stringnotlike": "StringLike",
    "arnequals": "ArnNotEquals", "arnnotequals": "ArnEquals", "arnlike": "ArnNotLike", "arnnotlike": "ArnLike",
    "ipaddress": "NotIpAddress", "notipaddress": "IpAddress", "null": "Null",
}


def holds_whenever(deny: dict, conditions: dict) -> bool:
    """Whether the ``Condition`` block ``deny`` holds in every request that satisfies ``conditions`` (both residuals
    of ``merge_condition_blocks``): for each of its operators on each key, ``conditions`` and that operator's opposite
    exclude each other (``never_holds``). Decided for the string, ARN and IP operators and ``Null`` (with or without
    ``...IfExists``) on single-valued keys; for any other operator, a set operator or a policy variable, False."""
    for operator_name, keys in deny.items():
        set_mode, base, if_exists = _split_operator(operator_name)
        if set_mode is not None or base not in _OPPOSITES:
            return False
        for key, values in keys.items():
            if not _single_valued(key.lower()) or any("${" in str(value) for value in values):
                return False
            if base == "null":
                if len(values) != 1 or str(values[0]).lower() not in ("true", "false"):
                    return False
                opposite = {"Null": {key: ["false" if str(values[0]).lower() == "true" else "true"]}}
            else:
                opposite = {_OPPOSITES[base]: {key: list(values)}}
                if if_exists:  # ...IfExists holds when the key is absent: its opposite needs the key present
                    opposite["Null"] = {key: ["false"]}
            if not never_holds(merge_condition_blocks(conditions, opposite)):
                return False
    return True


# Global condition keys that hold several values (IAM User Guide, "AWS global condition context keys"); service keys
# are typed by the catalog (``ArrayOf...``).
_MULTI_VALUED_GLOBAL_KEYS = frozenset({
    "aws:tagkeys", "aws:calledvia", "aws:principalorgpaths", "aws:principalservicenameslist", "aws:sourceorgpaths",
    "aws:resourceorgpaths", "aws:vpceorgpaths"})
_KEY_PART = re.compile(r"\$\{[^}]*\}")
_CASE_FOLDED = frozenset({"bool", "stringequalsignorecase", "stringnotequalsignorecase"})
# operator -> (the comparison it makes, whether it is its negation)
_COMPARISONS = {
    "stringequals": ("equals", False), "stringnotequals": ("equals", True),
    "stringequalsignorecase": ("ignorecase", False), "stringnotequalsignorecase": ("ignorecase", True),
    "stringlike": ("like", False), "stringnotlike": ("like", True),
    "arnequals": ("arn", False), "arnlike": ("arn", False), "arnnotequals": ("arn", True), "arnnotlike": ("arn", True),
}


@lru_cache(maxsize=1024)
def _single_valued(key: str) -> bool:
    """Whether a request carries at most one value of ``key`` (lower-cased): a global key other than the multi-valued
    ones, or a service key the catalog types as one value. Keys the catalog does not know are not assumed so."""
    service = key.partition(":")[0]
    if service == "aws":
        return key not in _MULTI_VALUED_GLOBAL_KEYS
    for pattern, kind in catalog().condition_keys(service).items():
        # a key named with a part the policy fills in (s3:ExistingObjectTag/${TagKey}) stands for every such key
        if re.fullmatch(".+".join(map(re.escape, _KEY_PART.split(pattern.lower()))), key):
            return not kind.startswith("ArrayOf")
    return False


def _excluded(key: str, constraints: list) -> bool:
    """Whether the operators of one block on one single-valued ``key`` hold for no request: not when it is absent,
    and for no value of it. Decided only where the values that could satisfy them can be listed (an equality's
    values, numbers or dates between the bounds), or every value a positive operator admits is one a negated operator
    of the same comparison refuses; otherwise the block is kept (it may hold)."""
    if any("${" in value for _, _, values in constraints for value in values) or not _single_valued(key):
        return False
    conditions = [condition for operator_name, _, values in constraints
                  for condition in compile_conditions({operator_name: {key: values}}, variables=False)]
    if all(condition.evaluate({}) for condition in conditions) or all(
            condition.evaluate({key: ""}) for condition in conditions):
        # the key's absence satisfies them all, or an empty value does: the set operators read it as an empty set
        # ("ForAllValues:StringNotLike" refuses no value then), while "StringLike *" matches it
        return False
    bases = {base for _, base, _ in constraints if base != "null"}
    candidates = None
    literal = [value for _, base, values in constraints for value in values
               if base == "stringequals" or (base == "stringlike" and not has_wildcard(value))]
    if literal:
        candidates = literal  # a value present is one of them
    elif bases <= _CASE_FOLDED:
        # compared case-insensitively only: a value present is one of the positive operators' values, up to case
        candidates = [value for _, base, values in constraints if base in ("bool", "stringequalsignorecase")
                      for value in values]
    else:
        family = next((name for name in _ORDERED if bases and all(base.startswith(name) for base in bases)), None)
        if family is not None:
            candidates = _between([_ORDERED[family](value) for _, base, values in constraints if base != "null"
                                   for value in values])
    if candidates is not None:
        return not any(all(condition.evaluate({key: candidate}) for condition in conditions) for candidate in candidates)
    positive = [values for _, base, values in constraints if base == "ipaddress"]
    if bases <= {"ipaddress", "notipaddress"} and len(positive) == 1:
        refused = [value for _, base, values in constraints if base == "notipaddress" for value in values]
        return all(_covered(_network(value), [_network(other) for other in refused]) for value in positive[0])
    refused: dict[str, set] = {}
    for _, base, values in constraints:
        comparison, negated = _COMPARISONS.get(base, (None, False))
        if negated:
            refused.setdefault(comparison, set()).update(map(_folding(base), values))
    for _, base, values in constraints:
        comparison, negated = _COMPARISONS.get(base, (None, True))
        if not negated and comparison in refused and values and set(map(_folding(base), values)) <= refused[comparison]:
            return True  # every value it admits matches a value the negated operator refuses
    return False


def _network(text: str):
    return ipaddress.ip_network(text.strip(), strict=False)


def _covered(network, others: list) -> bool:
    """Whether the CIDR ranges ``others`` hold every address of ``network`` (two CIDR ranges are nested or
    disjoint: one holds it, or those inside it add up to it)."""
    inside = [other for other in others if other.version == network.version and other.subnet_of(network)]
    if any(other.version == network.version and network.subnet_of(other) for other in others):
        return True
    outermost = [one for one in inside if not any(one != other and one.subnet_of(other) for other in inside)]
    return sum(one.num_addresses for one in set(outermost)) == network.num_addresses


def _folding(base: str) -> Callable:
    return str.casefold if base.endswith("ignorecase") else str


def _between(points: list) -> list[str]:
    """Numbers standing for every region the bounds ``points`` cut the line into: each bound, a number between each
    two, and one beyond each end (as text a numeric or date operator reads)."""
    points = sorted({point for point in points if point is not None})
    if not points:
        return []
    chosen = [points[0] - 1, points[-1] + 1, *points, *((a + b) / 2 for a, b in zip(points, points[1:]))]
    return [repr(float(point)) for point in chosen]


_EXACT = frozenset({"stringequals", "binaryequals"})
_FOLDED = frozenset({"stringequalsignorecase", "bool", "null"})
_ORDERED = {"numeric": parse_number, "date": parse_date}


def _both(operator_name: str, key: str, left: list, right: list) -> list:
    """The values of one operator on ``key`` that hold exactly when one of ``left`` and one of ``right`` hold. Exact
    for the equality operators (the common values), numeric and date bounds (the tighter one), IP ranges (the
    smaller of two nested ranges; CIDR ranges are nested or disjoint) and a value without wildcards under a pattern;
    ``ForAnyValue:`` on a single-valued key too (the one value satisfies both sides, as without the prefix; absent or
    empty, neither side holds). Two different patterns (``StringLike`` ``a*`` and ``*b``), ``ForAnyValue:`` on a key
    that may hold several values, and values holding policy variables (of keys not known) cannot be ANDed in one
    block: a weaker condition than the AND is kept (both sides' values; for a negated ``ForAnyValue:`` operator, the
    common ones)."""
    set_mode, base, _ = _split_operator(operator_name)
    union = list(dict.fromkeys([*left, *right]))
    negated = _OPERATORS[base].negated
    if set_mode == "any" and not _single_valued(key.lower()):
        # one request value for each side, maybe not the same one: only a weaker condition
        return [value for value in left if value in right] if negated else union
    if negated or any("${" in value for value in union):  # a variable of unknown key may take any value
        return union
    if base in _EXACT:
        return [value for value in left if value in right]
    if base in _FOLDED:
        folded = {value.casefold() for value in right}
        return [value for value in left if value.casefold() in folded]
    family = next((name for name in _ORDERED if base.startswith(name)), None)
    if family is not None:
        return _tighter(base.removeprefix(family), _ORDERED[family], left, right, union)
    if base == "ipaddress":
        return _nested_ranges(left, right)
    match = _matches_like if base.startswith("string") else _matches_arn
    kept = []
    for one in left:
        for other in right:
            if one == other or (not has_wildcard(one) and match(other, one)):
                kept.append(one)
            elif not has_wildcard(other) and match(one, other):
                kept.append(other)
            elif has_wildcard(one) and has_wildcard(other):
                kept += [one, other]
    return list(dict.fromkeys(kept))


def _tighter(comparison: str, parse: Callable, left: list, right: list, union: list) -> list:
    """``_both`` for a numeric or date operator: ``lessthan`` holds below the largest value of a side, so below the
    smaller of the two sides' largest values; ``greaterthan`` the other way; ``equals`` the common values."""
    sides = [[(parse(value), value) for value in side] for side in (left, right)]
    if any(number is None for side in sides for number, _ in side):
        return union
    if comparison == "equals":
        common = {number for number, _ in sides[1]}
        return [value for number, value in sides[0] if number in common]
    bounds = [max(side) if comparison.startswith("lessthan") else min(side) for side in sides]
    return [(min(bounds) if comparison.startswith("lessthan") else max(bounds))[1]]


def _nested_ranges(left: list, right: list) -> list:
    """``_both`` for ``IpAddress``: of two ranges of which one holds the other, the smaller."""
    kept = []
    for one in left:
        for other in right:
            first, second = ipaddress.ip_network(one.strip(), strict=False), ipaddress.ip_network(other.strip(), strict=False)
            if first.version == second.version and first.subnet_of(second):
                kept.append(one)
            elif first.version == second.version and second.subnet_of(first):
                kept.append(other)
    return list(dict.fromkeys(kept))


def _matches_like(pattern: str, value: str) -> bool:
    return compile_regex(glob_to_regex(pattern)).match(value) is not None


def _matches_arn(pattern: str, value: str) -> bool:
    return compile_regex(arn_chunks_to_regex([(pattern, True)])).match(value) is not None

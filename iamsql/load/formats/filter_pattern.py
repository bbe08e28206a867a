"""CloudWatch Logs JSON filter patterns (``{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed
authentication") }``) read as the set of events they match, so that two patterns can be compared by meaning
instead of by text.

``alternatives(pattern)`` gives the pattern in disjunctive normal form: a list of alternatives, each a sorted list
of conditions in one canonical spelling (``$.eventName = ConsoleLogin``: the selector, the operator, the value
without quotes; ``$.userIdentity.invokedBy NOT EXISTS``). An event matches the pattern when it meets every
condition of at least one alternative. ``&&`` binds tighter than ``||``, as in every language CloudWatch's syntax
borrows from; parentheses group. Patterns that are not JSON patterns (terms, space-delimited ``[...]``) give None.

A pattern A is at least as broad as a pattern B (every event B matches, A matches) when each alternative of B
contains all the conditions of some alternative of A: that is the comparison the monitoring controls make.
"""

from __future__ import annotations

import re

MAX_ALTERNATIVES = 1024  # a pattern multiplying out to more than this is not read (None)

TOKEN = re.compile(r"""
    \s*(?:
      (?P<open>\() | (?P<close>\)) | (?P<and>&&) | (?P<or>\|\|)
    | (?P<unary>NOT\s+EXISTS|EXISTS|IS\s+NULL|IS\s+TRUE|IS\s+FALSE)(?![\w.])
    | (?P<op>!=|<=|>=|=|<|>)
    | (?P<selector>\$(?:\.[\w-]+|\[\d+\]|\.\*|\[\*\])*)
    | (?P<quoted>"(?:[^"\\]|\\.)*")
    | (?P<bare>(?:[^\s()&|"]|&(?!&)|\|(?!\|))+(?:\s+(?:[^\s()&|"]|&(?!&)|\|(?!\|))+)*)
    )""", re.VERBOSE)


class PatternError(ValueError):
    """Not a JSON filter pattern iamsql can read."""


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise PatternError(f"cannot read the filter pattern at {text[pos:pos + 20]!r}")
        kind = match.lastgroup
        tokens.append((kind, match.group(kind)))
        pos = match.end()
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos][0] if self.pos < len(self.tokens) else None

    def take(self, kind: str) -> str:
        if self.peek() != kind:
            raise PatternError(f"expected {kind} in the filter pattern")
        self.pos += 1
        return self.tokens[self.pos - 1][1]

    def disjunction(self) -> list[frozenset[str]]:
        result = self.conjunction()
        while self.peek() == "or":
            self.pos += 1
            result = result + self.conjunction()
            if len(result) > MAX_ALTERNATIVES:
                raise PatternError("the filter pattern has too many alternatives")
        return result

    def conjunction(self) -> list[frozenset[str]]:
        result = self.factor()
        while self.peek() == "and":
            self.pos += 1
            right = self.factor()
            result = [left | other for left in result for other in right]
            if len(result) > MAX_ALTERNATIVES:
                raise PatternError("the filter pattern has too many alternatives")
        return result

    def factor(self) -> list[frozenset[str]]:
        if self.peek() == "open":
            self.pos += 1
            inner = self.disjunction()
            self.take("close")
            return inner
        selector = self.take("selector")
        if self.peek() == "unary":
            return [frozenset({f"{selector} {' '.join(self.take('unary').split())}"})]
        op = self.take("op")
        kind = self.peek()
        if kind == "quoted":
            value = self.take("quoted")[1:-1].replace('\\"', '"')
        elif kind == "bare":
            value = self.take("bare").strip()
        else:
            raise PatternError(f"{selector} {op} has no value in the filter pattern")
        return [frozenset({f"{selector} {op} {value}"})]


def alternatives(pattern: str | None) -> list[list[str]] | None:
    """The JSON filter pattern as sorted alternatives of sorted conditions, or None when it is not one."""
    text = (pattern or "").strip()
    if not (text.startswith("{") and text.endswith("}")):
        return None
    try:
        parser = _Parser(_tokens(text[1:-1]))
        result = parser.disjunction()
        if parser.peek() is not None:
            raise PatternError("unexpected text after the filter pattern")
    except PatternError:
        return None
    unique = {tuple(sorted(conditions)) for conditions in result}
    return [list(conditions) for conditions in sorted(unique)]


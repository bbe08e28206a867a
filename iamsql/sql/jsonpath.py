"""PostgreSQL's SQL/JSON path language, in its default ``lax`` mode, over JSON text: the subset iamsql runs for
``jsonb_path_query``, ``jsonb_path_exists`` (``@?``), ``jsonb_path_match`` (``@@``) and the others.

Supported: ``$``, ``@`` (in a filter), ``.key``, ``."key"``, ``.*``, ``[*]``, subscripts ``[n]``, ``[a to b]``
and lists of them (``[0, last - 1 to last]``; an index is an expression, ``last`` the array's last index),
``? (filter)``, the methods ``.size()``, ``.type()``, ``.keyvalue()``, ``.double()``, ``.abs()``, ``.floor()``,
``.ceiling()``, arithmetic (``+``, ``-``,
``*``, ``/``, ``%``, unary ``-`` and ``+``, with numeric's results), variables (``$name``: a member of the ``vars`` object); in filters
and predicates ``==``, ``!=``, ``<>``, ``<``, ``<=``, ``>``, ``>=`` between paths and string, number, ``true``,
``false``, ``null`` literals, ``&&``, ``||``, ``!``, ``exists (...)``, ``starts with "..."`` (or ``$name``), ``like_regex "..." [flag "..."]``, ``(...) is unknown``. Lax mode as PostgreSQL documents it: an accessor or
filter applied to an array applies to each element, ``[*]`` and ``[n]`` treat another value as a one-element
array, a missing key or an index out of range gives no item instead of an error (a range is cut to the array), and a comparison is true when any
pair of its operands' items (arrays unwrapped) compares true, unknown when none does and some pair cannot be
compared. ``like_regex`` searches a string item with Python's regular expressions (flags ``i``, ``s``, ``m``,
``x``, ``q``), which agree with PostgreSQL's on whether a usual pattern matches. Anything else (``strict``,
other methods, ``.keyvalue()`` of an object that ``.keyvalue()`` built, ``.**``)
raises ``JsonPathUnsupported``.
"""

from __future__ import annotations

import copy
import functools
import json
import math
import re
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from iamsql.sql import numeric

UNKNOWN = None  # a predicate's third value


class JsonPathUnsupported(ValueError):
    """The path uses what this module does not evaluate (the message names it)."""


class JsonPathSyntaxError(ValueError):
    """The path is not valid SQL/JSON path text."""


class JsonPathItemError(ValueError):
    """An arithmetic operand or a method's item of the wrong kind (not one number, a text that is not a number), or
    a division by zero: PostgreSQL's error, which a filter reads as unknown."""


_TOKEN = re.compile(r"""
    \s*(?:
      (?P<string>"(?:[^"\\]|\\.)*")
    | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)
    | (?P<variable>\$[A-Za-z_]\w*)
    | (?P<word>[A-Za-z_]\w*)
    | (?P<op>==|!=|<>|<=|>=|&&|\|\||\*\*|[$@.\[\]()?*,!<>+\-/%])
    )""", re.X)
_COMPARISONS = {"==", "!=", "<>", "<", "<=", ">", ">="}
METHODS = ("size", "type", "keyvalue", "double", "abs", "floor", "ceiling")
# the methods that, applied to an array in lax mode, apply to each element (.size() and .type() take the array)
UNWRAPPING_METHODS = (("keyvalue",), ("double",), ("abs",), ("floor",), ("ceiling",))
_FLOAT_TEXT = re.compile(r"\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*")


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    text = text.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match:
            raise JsonPathSyntaxError(f"syntax error in jsonpath near {text[position:position + 10]!r}")
        kind = match.lastgroup
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, text: str):
        self.tokens = _tokens(text)
        self.i = 0
        self.subscripts = 0  # how many array subscripts the parser is inside (where ``last`` is a value)

    def peek(self, offset: int = 0) -> tuple[str, str] | None:
        return self.tokens[self.i + offset] if self.i + offset < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None or value is not None and token[1] != value:
            raise JsonPathSyntaxError(f"syntax error in jsonpath: expected {value or 'more'}")
        self.i += 1
        return token

    def at(self, value: str) -> bool:
        token = self.peek()
        return token is not None and token[1] == value and token[0] in ("op", "word")

    def parse(self):
        if self.at("strict"):
            raise JsonPathUnsupported("jsonpath strict mode")
        if self.at("lax"):
            self.take()
        node = self.disjunction()
        if self.peek() is not None:
            raise self.unsupported_here()
        return node

    def unsupported_here(self) -> Exception:
        kind, value = self.peek()
        if value == "**":
            return JsonPathUnsupported("jsonpath **")
        return JsonPathSyntaxError(f"syntax error in jsonpath at or near {value!r}")

    def disjunction(self):
        node = self.conjunction()
        while self.at("||"):
            self.take()
            node = ("or", node, self.conjunction())
        return node

    def conjunction(self):
        node = self.negation()
        while self.at("&&"):
            self.take()
            node = ("and", node, self.negation())
        return node

    def negation(self):
        if self.at("!"):
            self.take()
            self.take("(")
            inner = self.disjunction()
            self.take(")")
            return ("not", inner)
        return self.predicate()

    def predicate(self):
        if self.at("("):
            self.take()
            inner = self.disjunction()
            self.take(")")
            if self.at("is"):
                self.take()
                self.take("unknown")
                return ("is_unknown", inner)
            return inner
        if self.at("exists"):
            self.take()
            self.take("(")
            inner = self.additive()
            self.take(")")
            return ("exists", inner)
        left = self.additive()
        if self.at("like_regex"):
            self.take()
            return ("regex", left, self.regex())
        token = self.peek()
        if token is not None and token[1] in _COMPARISONS:
            self.take()
            return ("compare", "!=" if token[1] == "<>" else token[1], left, self.additive())
        if self.at("starts"):
            self.take()
            self.take("with")
            kind, text = self.take()
            if kind == "variable":
                return ("starts", left, ("path", text, []))
            if kind != "string":
                raise JsonPathUnsupported("jsonpath starts with a value that is not a string literal or a variable")
            return ("starts", left, ("literal", _string(text)))
        return left

    def regex(self) -> re.Pattern:
        """``like_regex``'s pattern and optional ``flag "..."``: i (ignore case), s (``.`` matches a newline), m
        (``^`` and ``$`` at lines), x (blanks in the pattern ignored), q (the pattern is plain text)."""
        kind, text = self.take()
        if kind != "string":
            raise JsonPathSyntaxError(f"syntax error in jsonpath at or near {text!r}")
        pattern, flags = _string(text), ""
        if self.at("flag"):
            self.take()
            kind, text = self.take()
            if kind != "string":
                raise JsonPathSyntaxError(f"syntax error in jsonpath at or near {text!r}")
            flags = _string(text)
        if unknown := set(flags) - set("ismxq"):
            raise JsonPathSyntaxError(f'invalid input syntax for type jsonpath: unrecognized flag character '
                                      f'"{sorted(unknown)[0]}" in LIKE_REGEX predicate')
        options = {"i": re.I, "s": re.S, "m": re.M, "x": re.X}
        if "q" in flags:
            pattern = re.escape(pattern)
        elif "m" not in flags:
            pattern = _end_only(pattern)
        try:
            return re.compile(pattern, functools.reduce(lambda a, f: a | options.get(f, 0), flags, 0))
        except re.error as exc:
            raise JsonPathSyntaxError(f"invalid regular expression: {exc}") from None

    def additive(self):
        node = self.multiplicative()
        while self.at("+") or self.at("-"):
            node = ("arith", self.take()[1], node, self.multiplicative())
        return node

    def multiplicative(self):
        node = self.unary()
        while self.at("*") or self.at("/") or self.at("%"):
            node = ("arith", self.take()[1], node, self.unary())
        return node

    def unary(self):
        if (self.at("-") or self.at("+")) and (self.peek(1) or ("", ""))[0] != "number":
            return ("unary", self.take()[1], self.unary())
        return self.value()

    def value(self):
        kind, text = self.peek() or ("", "")
        if kind == "string":
            self.take()
            return ("literal", _string(text))
        if kind == "number":
            self.take()
            return ("literal", Decimal(text))
        if kind == "word" and text in ("true", "false", "null"):
            self.take()
            return ("literal", {"true": True, "false": False, "null": None}[text])
        if kind == "op" and text in ("$", "@") or kind == "variable":
            self.take()
            return ("path", text, self.steps())
        if kind == "word" and text == "last":
            if not self.subscripts:
                raise JsonPathSyntaxError("LAST is allowed only in array subscripts")
            self.take()
            return ("last",)
        if kind == "op" and text == "-" and (self.peek(1) or ("", ""))[0] == "number":
            self.take()
            return ("literal", -Decimal(self.take()[1]))
        if self.peek() is None:
            raise JsonPathSyntaxError("syntax error in jsonpath at end of input")
        raise self.unsupported_here()

    def steps(self) -> list:
        steps = []
        while True:
            if self.at("."):
                self.take()
                steps.append(self.member())
            elif self.at("["):
                self.take()
                steps.append(self.subscript())
            elif self.at("?"):
                self.take()
                self.take("(")
                steps.append(("filter", self.disjunction()))
                self.take(")")
            else:
                return steps

    def member(self):
        kind, text = self.take()
        if text == "*" and kind == "op":
            return ("any_key",)
        if kind == "string":
            return ("key", _string(text))
        if kind != "word":
            raise JsonPathUnsupported(f"jsonpath accessor .{text}") if text == "**" else JsonPathSyntaxError(
                f"syntax error in jsonpath at or near {text!r}")
        if self.at("("):
            self.take()
            self.take(")")
            if text not in METHODS:
                raise JsonPathUnsupported(f"jsonpath method .{text}()")
            return ("method", text)
        return ("key", text)

    def subscript(self):
        """``[*]`` or a list of subscripts, each an index or a range ``a to b`` (expressions, ``last`` among
        their values)."""
        if self.at("*"):
            self.take()
            self.take("]")
            return ("any_element",)
        self.subscripts += 1
        ranges = []
        while True:
            start = self.additive()
            end = None
            if self.at("to"):
                self.take()
                end = self.additive()
            ranges.append((start, end))
            if not self.at(","):
                break
            self.take()
        self.subscripts -= 1
        self.take("]")
        return ("subscripts", ranges)


def _string(token: str) -> str:
    return json.loads(token)


def _end_only(pattern: str) -> str:
    """``pattern`` with each ``$`` anchor as ``\\Z``: the end of the text only, as in PostgreSQL (Python's ``$``
    also matches before a final newline)."""
    out, escaped, in_class = [], False, False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "[":
            in_class = True
        elif char == "]":
            in_class = False
        elif char == "$" and not in_class:
            char = "\\Z"
        out.append(char)
    return "".join(out)


@functools.lru_cache(maxsize=256)
def parse(path: str):
    """The syntax tree of ``path``; raises JsonPathSyntaxError or JsonPathUnsupported."""
    return _Parser(path).parse()


# ----------------------------------------------------------------------------------------------- evaluation

def _items(node, current, context) -> list:
    """The items a value expression (a path or a literal) gives; a predicate gives one boolean (or null)."""
    kind = node[0]
    if kind == "literal":
        return [node[1]]
    if kind == "last":
        return [Decimal(context.last)]
    if kind == "path":
        items = [context.root if node[1] == "$" else current if node[1] == "@" else context.variable(node[1][1:])]
        for step in node[2]:
            items = [result for item in items for result in _step(step, item, context)]
        return items
    if kind == "unary":  # on each item, arrays unwrapped (lax mode)
        operands = _unwrapped(_items(node[2], current, context))
        if not all(isinstance(item, Decimal) for item in operands):
            raise JsonPathItemError(f"operand of unary jsonpath operator {node[1]} is not a numeric value")
        return [-item if node[1] == "-" else item for item in operands]
    if kind == "arith":
        operands = []
        for side, operand in (("left", node[2]), ("right", node[3])):
            items = _unwrapped(_items(operand, current, context))
            if len(items) != 1 or not isinstance(items[0], Decimal):
                raise JsonPathItemError(
                    f"{side} operand of jsonpath operator {node[1]} is not a single numeric value")
            operands.append(items[0])
        try:
            return [numeric.arithmetic(node[1], *operands)]
        except ValueError as exc:  # division by zero
            raise JsonPathItemError(str(exc)) from None
    return [_predicate(node, current, context)]


def _step(step, item, context) -> list:
    kind = step[0]
    if isinstance(item, list) and (kind in ("key", "any_key", "filter") or step[1:] in UNWRAPPING_METHODS):
        # lax mode: an accessor, a filter or a method other than .size() and .type() applied to an array applies
        # to its elements (one level: an array inside is not unwrapped again)
        return [result for element in item for result in _step_one(step, element, context)]
    return _step_one(step, item, context)


def _step_one(step, item, context) -> list:
    kind = step[0]
    if kind == "method":
        return _method_step(step[1], item, context)
    if kind == "key":
        return [item[step[1]]] if isinstance(item, dict) and step[1] in item else []
    if kind == "any_key":  # the values in jsonb's key order (shorter keys first, then bytewise)
        return [item[k] for k in _jsonb_keys(item)] if isinstance(item, dict) else []
    if kind == "filter":
        return [item] if _predicate(step[1], item, context) is True else []
    elements = item if isinstance(item, list) else [item]  # lax mode: a value is a one-element array
    if kind == "any_element":
        return list(elements)
    found = []
    for start, end in step[1]:  # lax mode: a range is cut to the array, an index out of it gives nothing
        first = _subscript(start, elements, context)
        last = first if end is None else _subscript(end, elements, context)
        first, last = max(first, 0), min(last, len(elements) - 1)
        if first <= last:
            found += elements[first:last + 1]
    return found


def _subscript(node, elements: list, context) -> int:
    """An array subscript's value: its expression (``last`` the array's last index) as one number, truncated."""
    outer, context.last = context.last, len(elements) - 1
    try:
        items = _items(node, elements, context)
    finally:
        context.last = outer
    if len(items) != 1 or not isinstance(items[0], Decimal):
        raise ValueError("jsonpath array subscript is not a single numeric value")
    index = int(items[0])
    if not -2**31 <= index < 2**31:
        raise ValueError("jsonpath array subscript is out of integer range")
    return index


def _jsonb_keys(item: dict) -> list[str]:
    """An object's keys in jsonb's order: shorter first, then bytewise."""
    return sorted(item, key=lambda k: (len(k.encode()), k.encode()))


def _method_step(method: str, item, context) -> list:
    if method == "size":
        return [Decimal(len(item)) if isinstance(item, list) else Decimal(1)]
    if method == "type":
        return [_type_name(item)]
    if method == "keyvalue":
        return _key_values(item, context)
    if method == "double":
        return [_double(item)]
    if not isinstance(item, Decimal) or isinstance(item, bool):
        raise JsonPathItemError(f"jsonpath item method .{method}() can only be applied to a numeric value")
    value = abs(item) if method == "abs" else item.to_integral_value(
        ROUND_FLOOR if method == "floor" else ROUND_CEILING)
    return [value if value else abs(value)]  # numeric has no negative zero


def _double(item) -> Decimal:
    """``.double()``: a number as it is (once PostgreSQL checked that a double holds it), a text read as a double
    and written with 15 significant digits (float8_numeric)."""
    if isinstance(item, Decimal):
        if math.isinf(float(item)):
            raise JsonPathItemError(
                "numeric argument of jsonpath item method .double() is out of range for type double precision")
        return item
    if not isinstance(item, str):
        raise JsonPathItemError("jsonpath item method .double() can only be applied to a string or numeric value")
    if not _FLOAT_TEXT.fullmatch(item) or math.isinf(value := float(item)):
        raise JsonPathItemError("string argument of jsonpath item method .double() is not a valid representation "
                                "of a double precision number")
    return Decimal(format(value, ".15g")) + 0  # + 0: no negative zero


def _key_values(item, context) -> list:
    """``.keyvalue()``: one ``{"id", "key", "value"}`` object per key, in jsonb's key order. ``id`` is where the
    object starts in its document's jsonb binary form (0 for the document itself), plus 10000000000 for an object
    of the ``vars`` document, as PostgreSQL numbers it."""
    if not isinstance(item, dict):
        raise JsonPathItemError("jsonpath item method .keyvalue() can only be applied to an object")
    offset = context.offset(item)
    # the values are copied: the objects built here are not part of a document, so their own ids are unknown
    return [{"id": Decimal(offset), "key": key, "value": copy.deepcopy(item[key])} for key in _jsonb_keys(item)]


def _container_offsets(document, offsets: dict, base: int) -> None:
    """Each object's and array's byte offset in jsonb's binary form of ``document`` (jsonb_util.c's
    convertJsonbValue: a container's header and JEntries, the keys' bytes, then the values, every container and
    numeric aligned to 4 bytes), plus ``base``, keyed by the Python object's id."""

    def aligned(position: int) -> int:
        return (position + 3) & ~3

    def value(item, position: int) -> int:
        if isinstance(item, (dict, list)):
            position = aligned(position)
            offsets[id(item)] = base + position
            children = [item[key] for key in _jsonb_keys(item)] if isinstance(item, dict) else item
            position += 4 + 4 * len(children) * (2 if isinstance(item, dict) else 1)
            position += sum(len(key.encode()) for key in item) if isinstance(item, dict) else 0
            for child in children:
                position = value(child, position)
            return position
        if isinstance(item, str):
            return position + len(item.encode())
        if isinstance(item, Decimal):
            return aligned(position) + numeric.stored_size(item)
        return position  # true, false, null: no data

    value(document, 0)


def _type_name(value) -> str:
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    if isinstance(value, bool):
        return "boolean"
    if value is None:
        return "null"
    return "string" if isinstance(value, str) else "number"


def _unwrapped(items: list) -> list:
    return [element for item in items for element in (item if isinstance(item, list) else [item])]


def _compare(op: str, a, b):
    """True, False or UNKNOWN, as PostgreSQL's jsonpath compares two items."""
    kinds = (_type_name(a), _type_name(b))
    if kinds[0] != kinds[1]:
        if "null" in kinds:
            return op == "!="
        return UNKNOWN
    if kinds[0] in ("object", "array"):
        return UNKNOWN
    if kinds[0] == "null":
        order = 0
    else:
        order = (a > b) - (a < b)
    return {"==": order == 0, "!=": order != 0, "<": order < 0, "<=": order <= 0, ">": order > 0,
            ">=": order >= 0}[op]


def _predicate(node, current, context):
    kind = node[0]
    if kind == "and":
        left = _predicate(node[1], current, context)
        if left is False:
            return False
        right = _predicate(node[2], current, context)
        return False if right is False else UNKNOWN if UNKNOWN in (left, right) else True
    if kind == "or":
        left = _predicate(node[1], current, context)
        if left is True:
            return True
        right = _predicate(node[2], current, context)
        return True if right is True else UNKNOWN if UNKNOWN in (left, right) else False
    if kind == "not":
        inner = _predicate(node[1], current, context)
        return UNKNOWN if inner is UNKNOWN else not inner
    if kind == "is_unknown":
        return _predicate(node[1], current, context) is UNKNOWN
    if kind == "exists":
        return bool(_items(node[1], current, context))
    if kind in ("compare", "starts", "regex"):
        try:
            left = _unwrapped(_items(node[2] if kind == "compare" else node[1], current, context))
            right = _unwrapped(_items(node[3], current, context)) if kind == "compare" else _items(
                node[2], current, context) if kind == "starts" else [node[2]]
        except JsonPathItemError:
            return UNKNOWN
        unknown = False
        for a in left:
            for b in right:
                if kind == "starts":
                    result = a.startswith(b) if isinstance(a, str) and isinstance(b, str) else UNKNOWN
                elif kind == "regex":
                    result = b.search(a) is not None if isinstance(a, str) else UNKNOWN
                else:
                    result = _compare(node[1], a, b)
                if result is True:
                    return True
                unknown = unknown or result is UNKNOWN
        return UNKNOWN if unknown else False
    # a path or literal used as a predicate: its single boolean item
    items = _items(node, current, context)
    return items[0] if len(items) == 1 and isinstance(items[0], bool) else UNKNOWN


NO_VARIABLES = ""  # ``variables`` of the @? and @@ operators, which take none (no JSON text is empty)


class _Context:
    """What a path refers to besides the current item: the document (``$``), the variables (``$name``) and the
    last index of the array being subscripted (``last``)."""

    def __init__(self, root, variables: dict | None):
        self.root, self.variables = root, variables
        self.last = None
        self._offsets: dict | None = None

    def offset(self, item: dict) -> int:
        """``.keyvalue()``'s id of an object of the document or of the ``vars`` document."""
        if self._offsets is None:
            self._offsets = {}
            _container_offsets(self.root, self._offsets, 0)
            if self.variables is not None:
                _container_offsets(self.variables, self._offsets, 10000000000)
        if id(item) not in self._offsets:
            raise JsonPathUnsupported("jsonpath .keyvalue() of an object that .keyvalue() built")
        return self._offsets[id(item)]

    def variable(self, name: str):
        if self.variables is None:
            return None  # no vars at all (the @? and @@ operators): every variable is null, as in PostgreSQL 16
        if name not in self.variables:
            raise ValueError(f'could not find jsonpath variable "{name}"')
        return self.variables[name]


def _json(text: str):
    return json.loads(text, parse_float=Decimal, parse_int=Decimal)


def query(document: str, path: str, variables: str = "{}") -> list:
    """The items ``path`` gives on the JSON text ``document`` (Python values, numbers as Decimal), its ``$name``
    variables the members of the JSON object ``variables`` (``NO_VARIABLES``: none given, each is null)."""
    values = _json(variables) if variables != NO_VARIABLES else None
    if values is not None and not isinstance(values, dict):
        raise ValueError('"vars" argument is not an object')
    root = _json(document)
    context = _Context(root, values)
    tree = parse(path)
    if tree[0] in ("literal", "path"):
        return _items(tree, root, context)
    if tree[0] in ("arith", "unary"):
        return _items(tree, root, context)
    return [_predicate(tree, root, context)]


def _text(value) -> str:
    """Compact JSON text of an item, numbers as their decimal digits."""
    if isinstance(value, dict):
        return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + _text(v) for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_text(v) for v in value) + "]"
    if isinstance(value, Decimal):
        return format(value, "f")
    return json.dumps(value, ensure_ascii=False)


def path_query(document: str, path: str, variables: str = "{}") -> list[str]:
    """``jsonb_path_query``: each item as JSON text."""
    return [_text(item) for item in query(document, path, variables)]

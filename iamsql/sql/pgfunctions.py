"""The DuckDB side of the Steampipe dialect: Python functions for what SQL macros cannot express exactly (jsonb
text output, ``@>`` containment, ``?``/``?|``/``?&``), then the macros that translated queries call. Each is
installed on a connection when a statement first calls it (``install_called(con, sql)``), or all at once
(``install_macros(con)``). Kept apart from the translator (``dialect.py``) so opening a database does not import
sqlglot; the Spark engine registers the same functions (``engines/spark.py``).
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
import weakref
from decimal import ROUND_HALF_UP, Decimal, localcontext
from functools import lru_cache

from iamsql.sql import inet, intervalformat, jsonpath, numeric, numformat, timeinput

AS_OF_VARIABLE = "iamsql_as_of"
AS_OF_UNSET = f"the {AS_OF_VARIABLE} variable is not set"
RAISED = "pg_raise: "  # what starts the text pg_raise() fails to cast (query.describe_duckdb_error)


def load_json(text: str):
    """A JSON document with its numbers as Decimals (their text kept: ``1.50``)."""
    return json.loads(text, parse_float=Decimal, parse_int=Decimal)


def jsonb_text(value) -> str:
    """The text PostgreSQL prints for a jsonb value already read by ``load_json``."""
    return _render(value)


def key_order(key: str) -> tuple[int, bytes]:
    """jsonb's order of an object's keys: the shorter first, then by their UTF-8 bytes."""
    encoded = key.encode("utf-8")
    return len(encoded), encoded


@lru_cache(maxsize=512)
def jsonb_out(text: str) -> str:
    """The text PostgreSQL prints for a jsonb value: keys by length then bytes, ', ' and ': ' separators. Kept
    per text: the helper views render the same policy documents for every principal holding them."""
    return _render(load_json(text))


_string = json.encoder.encode_basestring  # what ``json.dumps(text, ensure_ascii=False)`` returns, without its set-up


def _render(value, numbers_by_value: bool = False) -> str:
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_string(k)}: {_render(value[k], numbers_by_value)}"
                               for k in sorted(value, key=key_order)) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_render(v, numbers_by_value) for v in value) + "]"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal) and numbers_by_value:
        return "0" if value == 0 else format(value.normalize(), "f")
    if isinstance(value, Decimal):
        text = format(value, "f")
        if value == 0:  # a numeric zero has no sign (-0.0 is 0.0)
            return text.lstrip("+-")
        return text.lstrip("+")
    return json.dumps(value, ensure_ascii=False)


def jsonb_pretty(text: str) -> str:
    """``jsonb_pretty``: PostgreSQL's layout, four spaces per level, an empty container still on two lines."""
    return _pretty(load_json(text), 0)


def _pretty(value, level: int) -> str:
    if not isinstance(value, (dict, list)):
        return _render(value)
    indent, inner = "    " * level, "    " * (level + 1)
    if isinstance(value, dict):
        items = [f"{inner}{_render(k)}: {_pretty(value[k], level + 1)}" for k in sorted(value, key=key_order)]
        opening, closing = "{", "}"
    else:
        items = [inner + _pretty(v, level + 1) for v in value]
        opening, closing = "[", "]"
    return (
        opening + "\n" + ("".join(i + ",\n" for i in items[:-1]) + items[-1] + "\n" if items else "") + indent + closing
    )


def jsonb_eq_key(text: str) -> str:
    """A text equal for two jsonb values exactly when PostgreSQL's ``=`` says they are equal: ``jsonb_out``'s, with
    each number written by its value (``1.0`` and ``1`` are equal jsonb numbers)."""
    return _render(load_json(text), numbers_by_value=True)


def _scalar_equal(a, b) -> bool:
    if isinstance(a, bool) or isinstance(b, bool) or a is None or b is None:
        return type(a) is type(b) and a == b
    return type(a) is type(b) and a == b


def _is_container(value) -> bool:
    return isinstance(value, (dict, list))


def _contains(left, right) -> bool:
    """Postgres's JsonbDeepContains for two containers of the same kind."""
    if isinstance(right, dict):
        if not isinstance(left, dict):
            return False
        for key, rvalue in right.items():
            if key not in left:
                return False
            lvalue = left[key]
            if _is_container(lvalue) != _is_container(rvalue):
                return False
            if not _is_container(rvalue):
                if not _scalar_equal(lvalue, rvalue):
                    return False
            elif type(lvalue) is not type(rvalue) or not _contains(lvalue, rvalue):
                return False
        return True
    if not isinstance(left, list):
        return False
    for rvalue in right:
        if _is_container(rvalue):
            if not any(type(lv) is type(rvalue) and _contains(lv, rvalue) for lv in left if _is_container(lv)):
                return False
        elif not any(not _is_container(lv) and _scalar_equal(lv, rvalue) for lv in left):
            return False
    return True


def jsonb_contains(left_text: str, right_text: str) -> bool:
    """``left @> right`` for jsonb. A top-level scalar is a one-element array that only contains scalars."""
    left, right = load_json(left_text), load_json(right_text)
    left_raw, right_raw = not _is_container(left), not _is_container(right)
    if left_raw and not right_raw:
        return False
    if left_raw:
        left = [left]
    if right_raw:
        right = [right]
    if isinstance(left, dict) != isinstance(right, dict):
        return False
    return _contains(left, right)


def jsonb_exists(text: str, key: str) -> bool:
    """``jsonb ? key``: an object key, or a string element of an array (or a string scalar) equal to key."""
    value = json.loads(text)
    if isinstance(value, dict):
        return key in value
    if isinstance(value, list):
        return any(isinstance(v, str) and v == key for v in value)
    return isinstance(value, str) and value == key


def jsonb_exists_any(text: str, keys: list) -> bool:
    return any(jsonb_exists(text, k) for k in keys if k is not None)


def jsonb_exists_all(text: str, keys: list) -> bool:
    return all(jsonb_exists(text, k) for k in keys if k is not None)


def _as_array(value) -> list:
    return value if isinstance(value, list) else [value]


def _base_digits(value: Decimal) -> tuple[int, list[int]]:
    """(weight, digits) of ``abs(value)`` as PostgreSQL's numeric stores it: base-10000 digits without leading or
    trailing zeros, the first one at ``10000 ** weight``."""
    sign, decimal_digits, exponent = abs(value).as_tuple()
    fraction_digits = -(-max(-exponent, 0) // 4)
    whole = int("".join(map(str, decimal_digits)) or "0") * 10 ** (exponent + 4 * fraction_digits)
    digits = []
    while whole:
        whole, digit = divmod(whole, 10000)
        digits.append(digit)
    digits.reverse()
    weight = len(digits) - 1 - fraction_digits
    while digits and not digits[-1]:
        digits.pop()
    return weight, digits


def _ln_weight(value: Decimal) -> int:
    """numeric.c's estimate_ln_dweight: the decimal weight of ``ln(value)``, which sets the decimals of ``ln``,
    ``log`` and ``power``."""
    if value <= 0:
        return 0
    with localcontext() as context:
        context.prec = len(value.as_tuple().digits) + abs(value.adjusted()) + 5
        if Decimal("0.9") <= value <= Decimal("1.1"):
            weight, digits = _base_digits(value - 1)
            return weight * 4 + int(math.log10(digits[0])) if digits else 0
    weight, digits = _base_digits(value)
    leading, decimal_weight = digits[0], weight * 4
    if len(digits) > 1:
        leading, decimal_weight = leading * 10000 + digits[1], decimal_weight - 4
    return int(math.log10(abs(math.log(leading) + decimal_weight * 2.302585092994046)))


def _scale_of(value: Decimal) -> int:
    return max(-value.as_tuple().exponent, 0)


def _rounded(compute, scale: int, magnitude: int) -> Decimal:
    """``compute()`` worked out with enough digits for ``scale`` decimals (its integer part having about
    ``magnitude`` digits), rounded half away from zero to ``scale`` decimals as PostgreSQL's numeric rounds."""
    scale = min(max(scale, 0), 1000)
    with localcontext() as context:
        context.prec = max(magnitude, 0) + scale + 25
        return compute().quantize(Decimal(1).scaleb(-scale), rounding=ROUND_HALF_UP)


def _numeric_sqrt(_: Decimal, value: Decimal) -> Decimal:
    """numeric_sqrt: 16 significant digits (from the base-10000 weight), at least the argument's decimals."""
    if value < 0:
        raise ValueError("cannot take square root of a negative number")
    weight = _base_digits(value)[0] if value else 0
    return _rounded(value.sqrt, max(16 - (2 * (weight + 1) - 1), _scale_of(value)), value.adjusted() // 2 + 1)


def _check_log(value: Decimal) -> None:
    if not value:
        raise ValueError("cannot take logarithm of zero")
    if value < 0:
        raise ValueError("cannot take logarithm of a negative number")


def _numeric_ln(_: Decimal, value: Decimal) -> Decimal:
    _check_log(value)
    return _rounded(value.ln, max(16 - _ln_weight(value), _scale_of(value)), 4)


def _numeric_log(base: Decimal, value: Decimal) -> Decimal:
    """numeric_log (``log(b, x)``; ``log(x)`` and ``log10(x)`` are ``log(10, x)``)."""
    _check_log(base)
    _check_log(value)
    if base == 1:
        raise ValueError("division by zero")
    scale = max(16 - (_ln_weight(value) - _ln_weight(base)), _scale_of(base), _scale_of(value))
    return _rounded(lambda: value.log10() if base == 10 else value.ln() / base.ln(), scale,
                    abs(_ln_weight(value) - _ln_weight(base)) + 1)


def _numeric_exp(_: Decimal, value: Decimal) -> Decimal:
    weight = min(max(float(value) * 0.434294481903252, -2000), 2000)
    return _rounded(value.exp, max(16 - int(weight), _scale_of(value)), int(weight) + 1)


def _numeric_power(base: Decimal, exponent: Decimal) -> Decimal:
    """numeric_power: an integer exponent as power_var_int (the weight estimated from the base's first 16 digits),
    another one through ``exp(ln(base) * exponent)`` as power_var."""
    if not base and exponent < 0:
        raise ValueError("zero raised to a negative power is undefined")
    if base < 0 and exponent != exponent.to_integral_value():
        raise ValueError("a negative number raised to a non-integer power yields a complex result")
    if exponent == exponent.to_integral_value() and abs(exponent) < 2 ** 31:
        power = int(exponent)
        weight = 0.0
        if base:
            digits_weight, digits = _base_digits(base)
            leading, decimal_weight = float(digits[0]), digits_weight * 4
            for digit in digits[1:4]:
                leading, decimal_weight = leading * 10000 + digit, decimal_weight - 4
            weight = power * (math.log10(leading) + decimal_weight)
        if weight > 3 * 32767 * 4:
            raise ValueError("value overflows numeric format")
        if weight + 1 < -1000:
            return Decimal(0).quantize(Decimal(1).scaleb(-1000))
        scale = max(16 - int(weight), _scale_of(base), _scale_of(exponent))
        return _rounded(lambda: base ** power if power >= 0 else 1 / base ** -power, scale, int(weight) + 1)
    if not base:
        return Decimal(0).quantize(Decimal(1).scaleb(-16))
    # the result's weight from ln(base) * exponent worked out to about 8 digits, as power_var does
    low_scale = Decimal(1).scaleb(-max(8 - _ln_weight(base), 0))
    with localcontext() as context:
        context.prec = 60 + abs(exponent.adjusted()) + len(exponent.as_tuple().digits)
        logarithm = float((base.ln().quantize(low_scale, rounding=ROUND_HALF_UP) * exponent).quantize(
            low_scale, rounding=ROUND_HALF_UP))
    if abs(logarithm) > 6000:  # NUMERIC_MAX_RESULT_SCALE * 3
        if logarithm > 0:
            raise ValueError("value overflows numeric format")
        return Decimal(0).quantize(Decimal(1).scaleb(-1000))
    weight = logarithm * 0.434294481903252
    scale = max(16 - int(weight), _scale_of(base), _scale_of(exponent))
    return _rounded(lambda: (base.ln() * exponent).exp(), scale, int(weight) + 1)


# ``numeric_op``'s math functions: PostgreSQL's numeric versions, each with the decimals numeric.c gives it.
NUMERIC_MATH = {"sqrt": _numeric_sqrt, "ln": _numeric_ln, "exp": _numeric_exp, "power": _numeric_power,
                "log": _numeric_log, "log10": lambda _, value: _numeric_log(Decimal(10), value)}


def numeric_in(text: str) -> str:
    """The text PostgreSQL's numeric prints for the number ``text`` (``1e-7``: ``0.0000001``; ``1E+2``: ``100``),
    as jsonb does for a number written with an exponent."""
    return _render(_numeric_in(text))


def _numeric_in(text: str) -> Decimal:
    """The numeric PostgreSQL reads from ``text`` (blanks around it allowed), or its error."""
    try:
        return Decimal(text.strip())
    except ArithmeticError:
        raise ValueError(f'invalid input syntax for type numeric: "{text}"') from None


def _non_finite_op(operator: str, a: Decimal, b: Decimal) -> str:
    """``numeric_op`` where a side is ``NaN``, ``Infinity`` or ``-Infinity``, as PostgreSQL computes it: IEEE's
    rules (``Infinity - Infinity`` and ``Infinity * 0`` are NaN), a finite number over an infinite one is 0, and one
    modulo an infinite one is itself; NaN over zero is NaN, another number over zero an error."""
    if a.is_nan() or b.is_nan():
        return "NaN"
    if operator in ("/", "%") and not b:
        raise ValueError("division by zero")
    if operator == "/" and a.is_finite() and b.is_infinite():
        return "0"
    if operator == "%" and a.is_finite() and b.is_infinite():
        return format(a, "f")
    x, y = float(a), float(b)
    if operator == "%":
        result = math.nan if math.isnan(y) or math.isinf(x) else math.fmod(x, y)
    else:
        result = {"+": lambda: x + y, "-": lambda: x - y, "*": lambda: x * y, "/": lambda: x / y,
                  "abs": lambda: abs(y)}[operator]()
    return "NaN" if math.isnan(result) else "Infinity" if result > 0 else "-Infinity"


def numeric_op(operator: str, left: str, right: str) -> str:
    """The text of PostgreSQL's numeric ``left <operator> right`` (``+``, ``-``, ``*``, ``/``, ``%``; ``abs`` of
    ``right``; ``sqrt``, ``ln``, ``exp``, ``log10`` of ``right``; ``log`` of ``right`` to the base ``left``,
    ``power`` of ``left`` to ``right``: NUMERIC_MATH), both given as numeric text with their decimals (``150.0``):
    exact sums, differences and products with the larger (for a product, the total) number of decimals; a quotient as
    ``numeric.divide`` rounds it (also ``avg``: the sum over the count)."""
    a, b = _numeric_in(left), _numeric_in(right)
    if operator in ("+", "-", "*", "/", "%", "abs") and not (a.is_finite() and b.is_finite()):
        return _non_finite_op(operator, a, b)
    if operator == "/":
        return format(numeric.divide(a, b), "f")
    if operator in NUMERIC_MATH:
        try:
            return format(NUMERIC_MATH[operator](a, b), "f")
        except ArithmeticError:  # decimal's Overflow: a result beyond numeric's range
            raise ValueError("value overflows numeric format") from None
    return _render(abs(b) if operator == "abs" else numeric.arithmetic(operator, a, b))


# pg_size_pretty's units: (name, the size below which it is used, whether the value is rounded half up, its bits).
SIZE_UNITS = [("bytes", 10 * 1024, False, 0), ("kB", 20 * 1024 - 1, True, 10), ("MB", 20 * 1024 - 1, True, 20),
              ("GB", 20 * 1024 - 1, True, 30), ("TB", 20 * 1024 - 1, True, 40), ("PB", 20 * 1024 - 1, True, 50)]


def _truncated_div(a: int, b: int) -> int:
    """C's integer division (towards zero)."""
    quotient = abs(a) // abs(b)
    return quotient if (a < 0) == (b < 0) else -quotient


def normalize(text: str, form: str) -> str:
    """``normalize(text, form)``: the text in Unicode normalization form NFC, NFD, NFKC or NFKD."""
    if form not in ("NFC", "NFD", "NFKC", "NFKD"):
        raise ValueError(f'invalid normalization form: {form}')
    return unicodedata.normalize(form, text)


_UNICODE_ESCAPE = re.compile(r"\\(?:(\\)|([0-9A-Fa-f]{4})|\+([0-9A-Fa-f]{6})|u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|)")


def unistr(text: str) -> str:
    """``unistr(text)``: PostgreSQL's Unicode escapes decoded (``\\XXXX``, ``\\+XXXXXX``, ``\\uXXXX``,
    ``\\UXXXXXXXX``, a UTF-16 surrogate pair of two of them, ``\\\\`` a backslash)."""
    points: list[int | str] = []
    position = 0
    for match in _UNICODE_ESCAPE.finditer(text):
        points.extend(text[position:match.start()])
        position = match.end()
        if match.group(1):
            points.append("\\")
            continue
        digits = next((group for group in match.groups()[1:] if group), None)
        if digits is None:
            raise ValueError("invalid Unicode escape")
        code = int(digits, 16)
        if code > 0x10FFFF or code == 0:
            raise ValueError("invalid Unicode code point")
        points.append(code)
    points.extend(text[position:])
    out, i = [], 0
    while i < len(points):  # surrogates: a high one and a low one make one code point, alone they are an error
        point = points[i]
        if isinstance(point, int) and 0xD800 <= point <= 0xDBFF:
            low = points[i + 1] if i + 1 < len(points) else None
            if not (isinstance(low, int) and 0xDC00 <= low <= 0xDFFF):
                raise ValueError("invalid Unicode surrogate pair")
            out.append(chr(0x10000 + ((point - 0xD800) << 10) + (low - 0xDC00)))
            i += 2
            continue
        if isinstance(point, int) and 0xDC00 <= point <= 0xDFFF:
            raise ValueError("invalid Unicode surrogate pair")
        out.append(chr(point) if isinstance(point, int) else point)
        i += 1
    return "".join(out)


def size_pretty(size: int) -> str:
    """PostgreSQL's ``pg_size_pretty(bigint)``: ``2048 bytes`` below 10 kB, then ``98 kB``, ``20 MB``, ... each unit
    up to 20479 of it, rounded half away from zero (DuckDB's own ``pg_size_pretty`` writes ``2.0 KiB``)."""
    for index, (name, limit, rounded, bits) in enumerate(SIZE_UNITS):
        last = index == len(SIZE_UNITS) - 1
        if last or abs(size) < limit:
            if rounded:
                size = _truncated_div(size + (-1 if size < 0 else 1), 2)
            return f"{size} {name}"
        following = SIZE_UNITS[index + 1]
        size = _truncated_div(size, 1 << (following[3] - bits - following[2] + rounded))
    raise AssertionError("unreachable")


def numeric_sum(texts: list[str | None]) -> str | None:
    """The text of PostgreSQL's ``sum`` of numerics given as text with their decimals: exact, with the most
    decimals of any of them; NULL when every one is NULL."""
    values = [_numeric_in(text) for text in texts if text is not None]
    if not values:
        return None
    with localcontext() as context:
        context.prec = max(v.adjusted() for v in values) + len(str(len(values))) + max(
            max(-v.as_tuple().exponent, 0) for v in values) + 10
        return format(sum(values, Decimal(0)), "f")


def numeric_variance(count: int, total: str, squares: str, sample: bool, root: bool) -> str:
    """The text of ``variance``/``var_pop`` (``stddev``/``stddev_pop`` with ``root``) of integers as PostgreSQL's
    numeric computes it (numeric_stddev_internal) from the count, the sum and the sum of squares: (N * sum of squares
    - sum * sum) / (N * (N - 1)) (N * N for the population), divided as ``numeric.divide`` does; 0 when the numerator is
    not positive. Called for more than one value (more than none for the population: Postgres's NULL otherwise)."""
    total_value, squares_value = int(total), int(squares)
    numerator = count * squares_value - total_value * total_value
    if numerator <= 0:
        return "0"
    denominator = count * (count - 1) if sample else count * count
    value = numeric.divide(Decimal(numerator), Decimal(denominator))
    if root:
        with localcontext() as context:
            scale = -value.as_tuple().exponent
            context.prec = 2 * len(str(numerator)) + scale + 10
            value = value.sqrt().quantize(Decimal(1).scaleb(-scale), rounding=ROUND_HALF_UP)
    return format(value, "f")


def jsonb_concat(left_text: str, right_text: str) -> str:
    """``jsonb || jsonb``: two objects merged (the right one's keys win), otherwise the two as arrays (a scalar or
    an object as a one-element array) concatenated."""
    left, right = load_json(left_text), load_json(right_text)
    if isinstance(left, dict) and isinstance(right, dict):
        return _render({**left, **right})
    return _render(_as_array(left) + _as_array(right))


def jsonb_delete_key(text: str, key: str) -> str:
    """``jsonb - text``: the object without the key, or the array without the strings equal to it."""
    value = load_json(text)
    if isinstance(value, dict):
        return _render({k: v for k, v in value.items() if k != key})
    if isinstance(value, list):
        return _render([v for v in value if not (isinstance(v, str) and v == key)])
    raise ValueError("cannot delete from scalar")


def jsonb_delete_keys(text: str, keys: list) -> str:
    """``jsonb - text[]``: ``jsonb - text`` for each key."""
    for key in keys:
        if key is not None:
            text = jsonb_delete_key(text, key)
    return text if isinstance(load_json(text), (dict, list)) else jsonb_delete_key(text, "")


def jsonb_delete_index(text: str, index: int) -> str:
    """``jsonb - integer``: the array without the element at ``index`` (from the end when negative)."""
    value = load_json(text)
    if isinstance(value, dict):
        raise ValueError("cannot delete from object using integer index")
    if not isinstance(value, list):
        raise ValueError("cannot delete from scalar")
    position = index + len(value) if index < 0 else index
    return _render([v for i, v in enumerate(value) if i != position])


def _array_index(step: str, level: int) -> int:
    """A path step taken as an array index, as PostgreSQL reads it (an int4, blanks before it)."""
    match = re.fullmatch(r"\s*([-+]?\d+)", step)
    if not match or not -2**31 <= int(match.group(1)) < 2**31:
        raise ValueError(f'path element at position {level + 1} is not an integer: "{step}"')
    return int(match.group(1))


def _set_path(value, path: list, level: int, new, op: str):
    """PostgreSQL's setPath: ``value`` with ``path[level:]`` replaced (``op`` "replace", or "create" where missing),
    deleted ("delete") or ``new`` inserted ("before", "after"); a path that leaves the document changes nothing."""
    step = path[level]
    if step is None:
        raise ValueError(f"path element at position {level + 1} is null")
    last = level == len(path) - 1
    adds = op in ("create", "before", "after")
    if isinstance(value, dict):
        if step not in value:
            return {**value, step: new} if last and adds else value
        if not last:
            return {**value, step: _set_path(value[step], path, level + 1, new, op)}
        if op in ("before", "after"):
            raise ValueError("cannot replace existing key")
        return {k: v for k, v in value.items() if k != step} if op == "delete" else {**value, step: new}
    if not isinstance(value, list):
        return value  # a scalar inside the document is left as it is
    index = _array_index(step, level)
    if index < 0:
        index = None if -index > len(value) else len(value) + index  # None: before the first element
    if (index is None or not value) and last and adds:
        return [new, *value]
    result, done = [], False
    for i, element in enumerate(value):
        if i != index:
            result.append(element)
        elif not last:
            result.append(_set_path(element, path, level + 1, new, op))
        else:
            done = True
            result += {"replace": [new], "create": [new], "delete": [], "before": [new, element],
                       "after": [element, new]}[op]
    return result + [new] if adds and last and not done else result


def _path_operation(text: str, path: list, new_text: str | None, op: str, scalar_error: str) -> str:
    value = load_json(text)
    if not isinstance(value, (dict, list)):
        raise ValueError(scalar_error)
    if not path:
        return _render(value)
    return _render(_set_path(value, path, 0, None if new_text is None else load_json(new_text), op))


def jsonb_set(text: str, path: list, new_text: str, create: bool) -> str:
    """``jsonb_set(target, path, new_value, create_if_missing)``."""
    return _path_operation(text, path, new_text, "create" if create else "replace", "cannot set path in scalar")


def jsonb_insert(text: str, path: list, new_text: str, after: bool) -> str:
    """``jsonb_insert(target, path, new_value, insert_after)``."""
    return _path_operation(text, path, new_text, "after" if after else "before", "cannot set path in scalar")


def jsonb_delete_path(text: str, path: list) -> str:
    """``jsonb #- path``."""
    return _path_operation(text, path, None, "delete", "cannot delete path in scalar")


def _strip_nulls(value):
    if isinstance(value, dict):
        return {k: _strip_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_strip_nulls(v) for v in value]
    return value


def jsonb_strip_nulls(text: str) -> str:
    """``jsonb_strip_nulls``: every object member whose value is null removed, at any depth (array nulls stay)."""
    return _render(_strip_nulls(load_json(text)))


# jsonb's btree order (PostgreSQL's compareJsonbContainers): null < string < number < boolean < array < object;
# arrays by their number of elements, then element by element; objects by their number of pairs, then key, value,
# key, ... in jsonb's key order; strings bytewise (the C collation); a top-level scalar sorts after [] and before
# any other array.
_RANK = {"null": 0, "string": 1, "number": 2, "boolean": 3, "array": 0x10, "object": 0x11}


def _number_key(value: Decimal) -> bytes:
    if value == 0:
        return b"\x01"
    sign, digits, exponent = value.normalize().as_tuple()
    text = "".join(map(str, digits)).rstrip("0")
    weight = len(digits) + exponent + 2**31  # value = 0.<digits> * 10^(weight - 2^31)
    if not sign:
        return b"\x02" + weight.to_bytes(5, "big") + text.encode() + b"\x00"
    inverted = "".join(chr(ord("9") - ord(d) + ord("0")) for d in text)
    return b"\x00" + (2**32 - weight).to_bytes(5, "big") + inverted.encode() + b"\xff"


def _sort_key(value, top: bool = False) -> bytes:
    if isinstance(value, dict):
        keys = sorted(value, key=key_order)
        body = b"".join(_sort_key(k) + _sort_key(value[k]) for k in keys)
        return bytes([_RANK["object"]]) + len(keys).to_bytes(4, "big") + body
    if isinstance(value, list) or top:
        elements = value if isinstance(value, list) else [value]
        header = bytes([_RANK["array"]]) + len(elements).to_bytes(4, "big")
        if top:  # a scalar (stored as a one-element array) before a real array of one element
            header += b"\x01" if isinstance(value, list) else b"\x00"
        return header + b"".join(_sort_key(e) for e in elements)
    if value is None:
        return bytes([_RANK["null"]])
    if isinstance(value, bool):
        return bytes([_RANK["boolean"], int(value)])
    if isinstance(value, Decimal):
        return bytes([_RANK["number"]]) + _number_key(value)
    return bytes([_RANK["string"]]) + value.encode().replace(b"\x00", b"\x00\xff") + b"\x00\x00"


def jsonb_sort_key(text: str) -> bytes:
    """A key that sorts as PostgreSQL sorts jsonb values (``order by tags``): see ``_sort_key``."""
    return _sort_key(load_json(text), top=True)


def text_array_elements(literal: str) -> list[str]:
    """The elements of a Postgres text-array literal such as ``{a,"b c",0}``."""
    body = literal.strip()
    if not (body.startswith("{") and body.endswith("}")):
        raise ValueError(f'malformed array literal: "{literal}"')
    elements, current, quoted, i, body = [], "", False, 0, body[1:-1]
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            current += body[i + 1]
            i += 1
        elif ch == '"':
            quoted = not quoted
        elif ch in "{}" and not quoted:
            raise ValueError("unsupported Postgres feature: multidimensional arrays ('{{...}, {...}}')")
        elif ch == "," and not quoted:
            elements.append(current.strip() if not current.startswith('"') else current)
            current = ""
        else:
            current += ch
        i += 1
    if body:
        elements.append(current.strip())
    return elements


def text_array_in(text: str) -> list[str | None]:
    """A Postgres text-array literal read as ``text::text[]`` reads it: its elements, an unquoted NULL as NULL."""
    unquoted_null = re.search(r"(?:^|[{,])\s*null\s*(?=[,}])", text, re.I) and not re.search(r'"null"', text, re.I)
    return [None if unquoted_null and e.upper() == "NULL" else e for e in text_array_elements(text)]


def json_array_without(text: str, absent: list) -> str:
    """The JSON array ``text`` without its elements where ``absent`` is true, each kept element's text as it is
    (``2.50`` stays ``2.50``)."""
    elements, depth, start, quoted, escaped = [], 0, 1, False, False
    for position, char in enumerate(text):
        if quoted:
            escaped, quoted = (False, True) if escaped else (char == "\\", char != '"')
        elif char == '"':
            quoted = True
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
            if depth == 0 and position > start:
                elements.append(text[start:position])
        elif char == "," and depth == 1:
            elements.append(text[start:position])
            start = position + 1
    return "[" + ",".join(e.strip() for e, drop in zip(elements, absent) if not drop) + "]"


def _unique_keys(pairs: list) -> dict:
    keys = [key for key, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError("duplicate key")
    return dict(pairs)


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def is_json(text: str, kind: str, unique_keys: bool) -> bool:
    """``text IS JSON [VALUE|OBJECT|ARRAY|SCALAR] [WITH UNIQUE KEYS]``: whether ``text`` is one JSON document (as
    PostgreSQL's json parser reads it: no NaN or Infinity, no control character in a string) of that kind, every
    object of it without a repeated key when asked."""
    try:
        value = json.loads(text, parse_constant=_no_constant, object_pairs_hook=_unique_keys if unique_keys else None)
    except ValueError:
        return False
    if kind == "object":
        return isinstance(value, dict)
    if kind == "array":
        return isinstance(value, list)
    if kind == "scalar":
        return not isinstance(value, (dict, list))
    return True


_IDENT_START = re.compile(r"[A-Za-z_\x80-\U0010ffff]")
_IDENT_PART = re.compile(r"[A-Za-z_\x80-\U0010ffff0-9$]*")
_SCANNER_SPACE = " \t\n\r\f"


def parse_ident(text: str, strict: bool) -> list[str]:
    """PostgreSQL's ``parse_ident(text, strict)``: the names of a qualified identifier (``a."B c"`` is ``{a,B c}``),
    unquoted ones lower-cased (ASCII letters only, as in a UTF-8 database), a doubled quote in a quoted one a quote;
    after the last name only blanks, unless not ``strict``."""
    error = ValueError(f'string is not a valid identifier: "{text}"')
    names = []
    position = len(text) - len(text.lstrip(_SCANNER_SPACE))
    while True:
        if text.startswith('"', position):
            name, position = "", position + 1
            while True:
                end = text.find('"', position)
                if end < 0:
                    raise error
                name += text[position:end]
                position = end + 1
                if not text.startswith('"', position):
                    break
                name += '"'
                position += 1
            if not name:
                raise error
            names.append(name)
        elif _IDENT_START.match(text, position):
            end = _IDENT_PART.match(text, position + 1).end()
            names.append("".join(c.lower() if "A" <= c <= "Z" else c for c in text[position:end]))
            position = end
        else:
            raise error
        while position < len(text) and text[position] in _SCANNER_SPACE:
            position += 1
        if text.startswith(".", position):
            position += 1
            while position < len(text) and text[position] in _SCANNER_SPACE:
                position += 1
        elif position == len(text):
            return names
        elif strict:
            raise error
        else:
            return names


def time_in(text: str, kind: str) -> str:
    """A date or time text as DuckDB reads it to the value Postgres reads (``timeinput``: ``Jun 14, 2025 9:00:00
    AM``, ``20250615``, a fraction rounded to microseconds); a text in another style as it is."""
    return timeinput.iso_text(text, kind) or text


PYTHON_FUNCTIONS = [
    ("pg_jsonb_out", jsonb_out, ["VARCHAR"], "VARCHAR"),
    ("pg_jsonb_pretty", jsonb_pretty, ["VARCHAR"], "VARCHAR"),
    ("pg_jsonb_eq_key", jsonb_eq_key, ["VARCHAR"], "VARCHAR"),
    ("pg_jsonb_contains", jsonb_contains, ["VARCHAR", "VARCHAR"], "BOOLEAN"),
    ("pg_jsonb_exists", jsonb_exists, ["VARCHAR", "VARCHAR"], "BOOLEAN"),
    ("pg_jsonb_exists_any", jsonb_exists_any, ["VARCHAR", "VARCHAR[]"], "BOOLEAN"),
    ("pg_jsonb_exists_all", jsonb_exists_all, ["VARCHAR", "VARCHAR[]"], "BOOLEAN"),
    ("pg_jsonb_concat", jsonb_concat, ["VARCHAR", "VARCHAR"], "VARCHAR"),
    ("pg_jsonb_delete_key", jsonb_delete_key, ["VARCHAR", "VARCHAR"], "VARCHAR"),
    ("pg_jsonb_delete_keys", jsonb_delete_keys, ["VARCHAR", "VARCHAR[]"], "VARCHAR"),
    ("pg_jsonb_delete_index", jsonb_delete_index, ["VARCHAR", "BIGINT"], "VARCHAR"),
    ("pg_jsonb_strip_nulls", jsonb_strip_nulls, ["VARCHAR"], "VARCHAR"),
    ("pg_jsonb_sort_key", jsonb_sort_key, ["VARCHAR"], "BLOB"),
    ("pg_jsonb_path_items", jsonpath.path_query, ["VARCHAR", "VARCHAR", "VARCHAR"], "VARCHAR[]"),
    ("pg_jsonb_set", jsonb_set, ["VARCHAR", "VARCHAR[]", "VARCHAR", "BOOLEAN"], "VARCHAR"),
    ("pg_jsonb_insert", jsonb_insert, ["VARCHAR", "VARCHAR[]", "VARCHAR", "BOOLEAN"], "VARCHAR"),
    ("pg_jsonb_delete_path", jsonb_delete_path, ["VARCHAR", "VARCHAR[]"], "VARCHAR"),
    ("pg_inet_in", inet.inet_in, ["VARCHAR", "BOOLEAN"], "VARCHAR"),
    ("pg_inet_to_cidr", inet.to_cidr, ["VARCHAR"], "VARCHAR"),
    ("pg_inet_text", inet.text_of, ["VARCHAR", "VARCHAR"], "VARCHAR"),
    ("pg_inet_number", inet.number_of, ["VARCHAR", "VARCHAR"], "INTEGER"),
    ("pg_inet_set_masklen", inet.set_masklen, ["VARCHAR", "INTEGER", "BOOLEAN"], "VARCHAR"),
    ("pg_inet_test", inet.test, ["VARCHAR", "VARCHAR", "VARCHAR"], "BOOLEAN"),
    ("pg_inet_sort_key", inet.sort_key, ["VARCHAR"], "BLOB"),
    ("pg_text_array_in", text_array_in, ["VARCHAR"], "VARCHAR[]"),
    ("pg_numeric_op", numeric_op, ["VARCHAR", "VARCHAR", "VARCHAR"], "VARCHAR"),
    ("pg_size_pretty_text", size_pretty, ["HUGEINT"], "VARCHAR"),
    ("pg_normalize", normalize, ["VARCHAR", "VARCHAR"], "VARCHAR"),
    ("pg_unistr", unistr, ["VARCHAR"], "VARCHAR"),
    ("pg_numeric_in", numeric_in, ["VARCHAR"], "VARCHAR"),
    ("pg_numeric_sum", numeric_sum, ["VARCHAR[]"], "VARCHAR"),
    ("pg_numeric_variance", numeric_variance, ["BIGINT", "VARCHAR", "VARCHAR", "BOOLEAN", "BOOLEAN"], "VARCHAR"),
    ("pg_to_char_number", numformat.to_char, ["VARCHAR", "VARCHAR", "BOOLEAN"], "VARCHAR"),
    ("pg_to_char_interval", intervalformat.to_char, ["BIGINT", "BIGINT", "BIGINT", "VARCHAR"], "VARCHAR"),
    ("pg_time_in", time_in, ["VARCHAR", "VARCHAR"], "VARCHAR"),
    ("pg_is_json", is_json, ["VARCHAR", "VARCHAR", "BOOLEAN"], "BOOLEAN"),
    ("pg_json_array_without", json_array_without, ["VARCHAR", "BOOLEAN[]"], "VARCHAR"),
    ("pg_parse_ident", parse_ident, ["VARCHAR", "BOOLEAN"], "VARCHAR[]"),
]

# PostgreSQL 16's keywords that quote_ident() quotes: every keyword that is not unreserved (the reserved, column
# name and type or function name keywords; ``select word from pg_get_keywords() where catcode <> 'U'``).
QUOTED_KEYWORDS = (
    "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "authorization", "between",
    "bigint", "binary", "bit", "boolean", "both", "case", "cast", "char", "character", "check", "coalesce",
    "collate", "collation", "column", "concurrently", "constraint", "create", "cross", "current_catalog",
    "current_date", "current_role", "current_schema", "current_time", "current_timestamp", "current_user", "dec",
    "decimal", "default", "deferrable", "desc", "distinct", "do", "else", "end", "except", "exists", "extract",
    "false", "fetch", "float", "for", "foreign", "freeze", "from", "full", "grant", "greatest", "group", "grouping",
    "having", "ilike", "in", "initially", "inner", "inout", "int", "integer", "intersect", "interval", "into", "is",
    "isnull", "join", "json_array", "json_arrayagg", "json_object", "json_objectagg", "lateral", "leading", "least",
    "left", "like", "limit", "localtime", "localtimestamp", "national", "natural", "nchar", "none", "normalize",
    "not", "notnull", "null", "nullif", "numeric", "offset", "on", "only", "or", "order", "out", "outer",
    "overlaps", "overlay", "placing", "position", "precision", "primary", "real", "references", "returning",
    "right", "row", "select", "session_user", "setof", "similar", "smallint", "some", "substring", "symmetric",
    "system_user", "table", "tablesample", "then", "time", "timestamp", "to", "trailing", "treat", "trim", "true",
    "union", "unique", "user", "using", "values", "varchar", "variadic", "verbose", "when", "where", "window",
    "with", "xmlattributes", "xmlconcat", "xmlelement", "xmlexists", "xmlforest", "xmlnamespaces", "xmlparse",
    "xmlpi", "xmlroot", "xmlserialize", "xmltable",
)
_QUOTED_KEYWORD_LIST = ", ".join(f"'{w}'" for w in QUOTED_KEYWORDS)

# pg_jsonb_text hands its argument to a lambda: in a CASE, DuckDB would compute it (a JSON extraction, parsing the
# whole document) once for the WHEN and again for the branch taken, and would not share it with the other items of
# a select list that read the same extraction (dialect.share_json_extractions).
# iamsql_as_of() is a CASE, not coalesce(variable, error(...)): DuckDB folds the CASE to the constant time, so a
# control's time filter is a comparison with a constant (pushed into the scan), not a computation per row. Without
# the variable it fails by casting a sentence to a time (query.describe_duckdb_error words it), not with error():
# DuckDB counts error() as volatile and takes no volatile expression in a window's PARTITION BY or ORDER BY.
# pg_raise(message) fails the same way for every other error (Postgres's message; describe_duckdb_error words it),
# wherever its CASE branch is taken: its type is NULL, so it takes the type of the CASE it is a branch of.
# pg_jsonb_elements keeps error(): a set-returning function is never in a window, and over pg_raise DuckDB runs a
# lateral unnest of it ~30x slower and with ~500 MiB more memory (iam_policy_no_service_wildcard on Cloudsplaining's
# example: 0.6 s and 675 MiB peak against 0.02 s and 125 MiB).
MACROS = f"""
create or replace temp macro pg_raise(message) as
    case when cast('{RAISED}' || message as uuid) is null then null end;
create or replace temp macro iamsql_glob(pattern) as replace(replace(pattern, '*', '%'), '?', '_');
create or replace temp macro pg_json_array_absent(j, absent) as cast(pg_json_array_without(j, absent) as json);
create or replace temp macro pg_nlevel(path) as
    case when path is null then null when path = '' then 0 else len(string_split(path, '.')) end;
create or replace temp macro pg_ltree_contains(ancestor, path) as
    ancestor = '' or path = ancestor or starts_with(path, ancestor || '.');
create or replace temp macro iamsql_as_of() as
    case when getvariable('{AS_OF_VARIABLE}') is not null then cast(getvariable('{AS_OF_VARIABLE}') as timestamptz)
         else cast('{AS_OF_UNSET}' as timestamptz) end;
create or replace temp macro pg_jsonb_text(j) as
    list_transform([j], lambda v: case when json_type(v) in ('OBJECT', 'ARRAY') then pg_jsonb_out(v)
                                       when json_type(v) = 'DOUBLE' and regexp_matches(v, '[eE]|^\\s*-0(\\.0*)?\\s*$')
                                       then pg_numeric_in(v)
                                       when json_type(v) = 'DOUBLE' then trim(cast(v as varchar))
                                       else json_extract_string(v, '$') end)[1];
create or replace temp macro pg_json_text(j) as
    list_transform([j], lambda v: case when json_type(v) in ('OBJECT', 'ARRAY') then cast(v as varchar)
                                       else pg_jsonb_text(v) end)[1];
create or replace temp macro pg_jsonb_typeof(j) as
    case when j is null then null
         else case json_type(j) when 'OBJECT' then 'object' when 'ARRAY' then 'array' when 'VARCHAR' then 'string'
              when 'BOOLEAN' then 'boolean' when 'NULL' then 'null' else 'number' end end;
create or replace temp macro pg_jsonb_index(j, i, path) as
    case when json_type(j) not in ('ARRAY', 'OBJECT') and i in (0, -1) then j else json_extract(j, path) end;
create or replace temp macro pg_jsonb_get(j, k) as
    case when typeof(k) in ('TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT')
         then pg_jsonb_index(j, try_cast(k as bigint), case when try_cast(k as bigint) >= 0 then '$[' || cast(k as varchar) || ']'
                                                              when try_cast(k as bigint) < 0 then '$[#' || cast(k as varchar) || ']' end)
         else json_extract(j, '$."' || replace(replace(cast(k as varchar), '\\', '\\\\'), '"', '\\"') || '"') end;
create or replace temp macro pg_jsonb_step(j, key_path, index_path) as
    case when json_type(j) = 'ARRAY' then json_extract(j, index_path) else json_extract(j, key_path) end;
create or replace temp macro pg_jsonb_elements(j) as cast(
    case when j is null or json_type(j) = 'ARRAY' then json_extract(j, '$[*]')
         else error('cannot extract elements from ' || case json_type(j) when 'OBJECT' then 'an object' else 'a scalar' end) end
    as json[]);
create or replace temp macro pg_jsonb_path_query(j, path, vars := '{{}}') as cast(pg_jsonb_path_items(j, path, vars) as json[]);
create or replace temp macro pg_jsonb_path_query_array(j, path, vars := '{{}}') as
    cast('[' || array_to_string(pg_jsonb_path_items(j, path, vars), ',') || ']' as json);
create or replace temp macro pg_jsonb_path_query_first(j, path, vars := '{{}}') as cast(pg_jsonb_path_items(j, path, vars)[1] as json);
create or replace temp macro pg_jsonb_path_exists(j, path, vars := '{{}}') as len(pg_jsonb_path_items(j, path, vars)) > 0;
create or replace temp macro pg_jsonb_path_match_silent(j, path, vars := '{{}}') as
    case pg_jsonb_path_items(j, path, vars) when ['true'] then true when ['false'] then false end;
create or replace temp macro pg_jsonb_path_boolean(items) as
    case when items = ['true'] then true when items = ['false'] then false when items = ['null'] then null
         when items is not null then pg_raise('single boolean result is expected') end;
create or replace temp macro pg_jsonb_path_match(j, path, vars := '{{}}') as pg_jsonb_path_boolean(pg_jsonb_path_items(j, path, vars));
create or replace temp macro pg_jsonb_elements_text(j) as list_transform(pg_jsonb_elements(j), lambda e: pg_jsonb_text(e));
create or replace temp macro pg_jsonb_sorted_keys(j) as
    list_transform(list_sort(list_transform(json_keys(j), lambda k: {{'n': strlen(k), 'k': k}})), lambda s: s.k);
create or replace temp macro pg_jsonb_keys(j) as
    case when j is null or json_type(j) = 'OBJECT' then pg_jsonb_sorted_keys(j)
         else pg_raise('cannot call jsonb_object_keys on ' || case json_type(j) when 'ARRAY' then 'an array' else 'a scalar' end) end;
create or replace temp macro pg_jsonb_each(j) as
    case when j is null or json_type(j) = 'OBJECT'
         then list_transform(pg_jsonb_sorted_keys(j), lambda k: {{'key': k, 'value': pg_jsonb_get(j, k)}})
         else pg_raise('cannot call jsonb_each on a non-object') end;
create or replace temp macro pg_jsonb_each_text(j) as
    case when j is null or json_type(j) = 'OBJECT'
         then list_transform(pg_jsonb_sorted_keys(j), lambda k: {{'key': k, 'value': pg_jsonb_text(pg_jsonb_get(j, k))}})
         else pg_raise('cannot call jsonb_each_text on a non-object') end;
create or replace temp macro pg_jsonb_number(j, type_name) as
    case when j is null or json_type(j) in ('BIGINT', 'UBIGINT', 'HUGEINT', 'DOUBLE') then j
         else pg_raise('cannot cast jsonb ' || pg_jsonb_typeof(j) || ' to type ' || type_name) end;
create or replace temp macro pg_jsonb_boolean(j) as
    case when j is null or json_type(j) = 'BOOLEAN' then j
         else pg_raise('cannot cast jsonb ' || pg_jsonb_typeof(j) || ' to type boolean') end;
create or replace temp macro pg_trim_scale(x) as cast(x as double);
create or replace temp macro pg_trim_scale_text(t) as case when contains(t, '.') then rtrim(rtrim(t, '0'), '.') else t end;
create or replace temp macro pg_jsonb_greatest(values) as
    case when len(list_filter(values, lambda v: v is not null)) > 0
         then list_reduce(list_filter(values, lambda v: v is not null),
                          lambda x, y: case when pg_jsonb_sort_key(y) > pg_jsonb_sort_key(x) then y else x end) end;
create or replace temp macro pg_jsonb_least(values) as
    case when len(list_filter(values, lambda v: v is not null)) > 0
         then list_reduce(list_filter(values, lambda v: v is not null),
                          lambda x, y: case when pg_jsonb_sort_key(y) < pg_jsonb_sort_key(x) then y else x end) end;
create or replace temp macro pg_jsonb_sorted(values) as
    list_transform(list_sort(list_transform(values, lambda v: case when v is not null
                                                               then struct_pack(k := pg_jsonb_sort_key(v), v := v) end),
                             'ASC', 'NULLS LAST'), lambda s: s.v);
create or replace temp macro pg_jsonb_object_kv(keys, vals) as
    case when keys is null or vals is null then null
         when len(keys) <> len(vals) then pg_raise('mismatched array dimensions')
         when list_contains(list_transform(keys, lambda k: k is null), true)
             then pg_raise('null value not allowed for object key')
         else pg_json_object_of(list_transform(range(1, len(keys) + 1), lambda i: {{'k': keys[i], 'v': to_json(vals[i])}})) end;
create or replace temp macro pg_jsonb_object(a) as
    case when a is null then null
         when len(a) % 2 <> 0 then pg_raise('array must have even number of elements')
         else pg_jsonb_object_kv(list_transform(range(1, len(a) // 2 + 1), lambda i: a[2 * i - 1]),
                                 list_transform(range(1, len(a) // 2 + 1), lambda i: a[2 * i])) end;
create or replace temp macro pg_text_to_int(x, type_name) as
    case when x is null or regexp_full_match(x, '[ \t\n\r\v\f]*[+-]?[0-9]+[ \t\n\r\v\f]*') then x
         else pg_raise('invalid input syntax for type ' || type_name || ': "' || x || '"') end;
create or replace temp macro pg_array_element_out(e) as case
        when typeof(e) = 'BOOLEAN' then left(cast(e as varchar), 1)
        when typeof(e) = 'JSON' then pg_jsonb_out(cast(e as varchar))
        when typeof(e) = 'DOUBLE' then pg_float8_out(cast(cast(e as varchar) as double))
        when typeof(e) = 'INTERVAL' then pg_interval_out(cast(cast(e as varchar) as interval))
        else cast(e as varchar) end;
create or replace temp macro pg_array_out(a) as
    '{{' || array_to_string(list_transform(a, lambda e: case
        when e is null then 'NULL'
        when pg_array_element_out(e) = '' or upper(pg_array_element_out(e)) = 'NULL'
             or regexp_matches(pg_array_element_out(e), '[{{}}",\\\\[:space:]]')
            then '"' || replace(replace(pg_array_element_out(e), '\\', '\\\\'), '"', '\\"') || '"'
        else pg_array_element_out(e) end), ',') || '}}';
create or replace temp macro pg_interval_months(i) as datepart('year', i) * 12 + datepart('month', i);
create or replace temp macro pg_interval_micros(i) as
    (datepart('hour', i) * 60 + datepart('minute', i)) * 60000000 + datepart('microseconds', i);
create or replace temp macro pg_interval_part(v, unit, after_negative) as
    case when v <> 0 then case when after_negative and v > 0 then '+' else '' end
         || cast(v as varchar) || ' ' || unit || case when v = 1 then '' else 's' end end;
create or replace temp macro pg_interval_clock(us, after_negative) as
    case when us < 0 then '-' when after_negative then '+' else '' end
    || case when abs(us) // 3600000000 < 10 then '0' else '' end || cast(abs(us) // 3600000000 as varchar)
    || ':' || lpad(cast(abs(us) // 60000000 % 60 as varchar), 2, '0')
    || ':' || lpad(cast(abs(us) // 1000000 % 60 as varchar), 2, '0')
    || case when abs(us) % 1000000 <> 0 then '.' || rtrim(lpad(cast(abs(us) % 1000000 as varchar), 6, '0'), '0') else '' end;
create or replace temp macro pg_interval_text(y, m, d, us) as
    concat_ws(' ', pg_interval_part(y, 'year', false), pg_interval_part(m, 'mon', y < 0),
              pg_interval_part(d, 'day', case when m <> 0 then m < 0 else y < 0 end),
              case when us <> 0 or (y = 0 and m = 0 and d = 0)
                   then pg_interval_clock(us, case when d <> 0 then d < 0 when m <> 0 then m < 0 else y < 0 end) end);
create or replace temp macro pg_interval_out(i) as
    case when i is not null then pg_interval_text(datepart('year', i), datepart('month', i), datepart('day', i),
                                                  pg_interval_micros(i)) end;
create or replace temp macro pg_make_interval(months, days, us) as to_months(months) + to_days(days) + to_microseconds(us);
create or replace temp macro pg_justify_days_of(months, days, us) as
    pg_make_interval(months + days // 30 + case when months + days // 30 > 0 and days % 30 < 0 then -1
                                                when months + days // 30 < 0 and days % 30 > 0 then 1 else 0 end,
                     days % 30 + case when months + days // 30 > 0 and days % 30 < 0 then 30
                                      when months + days // 30 < 0 and days % 30 > 0 then -30 else 0 end, us);
create or replace temp macro pg_justify_days(i) as
    pg_justify_days_of(pg_interval_months(i), datepart('day', i), pg_interval_micros(i));
create or replace temp macro pg_justify_hours_of(months, days, us) as
    pg_make_interval(months, days + us // 86400000000 + case when days + us // 86400000000 > 0 and us % 86400000000 < 0 then -1
                                                           when days + us // 86400000000 < 0 and us % 86400000000 > 0 then 1 else 0 end,
                     us % 86400000000 + case when days + us // 86400000000 > 0 and us % 86400000000 < 0 then 86400000000
                                             when days + us // 86400000000 < 0 and us % 86400000000 > 0 then -86400000000 else 0 end);
create or replace temp macro pg_justify_hours(i) as
    pg_justify_hours_of(pg_interval_months(i), datepart('day', i), pg_interval_micros(i));
create or replace temp macro pg_justify_interval_of(months, days, us) as
    case when months > 0 and (days < 0 or (days = 0 and us < 0)) then pg_justify_hours_of(months - 1, days + 30, us)
         when months < 0 and (days > 0 or (days = 0 and us > 0)) then pg_justify_hours_of(months + 1, days - 30, us)
         else pg_justify_hours_of(months, days, us) end;
create or replace temp macro pg_justify_interval_split(months, days, us) as
    pg_justify_interval_of(months + (days + us // 86400000000) // 30, (days + us // 86400000000) % 30, us % 86400000000);
create or replace temp macro pg_justify_interval(i) as
    pg_justify_interval_split(pg_interval_months(i), datepart('day', i), pg_interval_micros(i));
create or replace temp macro pg_timestamptz_json(t) as
    regexp_replace(regexp_replace(cast(t as varchar), ' ', 'T'), '([+-][0-9][0-9])$', '\\1:00');
create or replace temp macro pg_timestamp_json(t) as regexp_replace(cast(t as varchar), ' ', 'T');
create or replace temp macro pg_float8_e15(s) as
    case when s like '-%' then '-' else '' end || left(rtrim(replace(ltrim(s, '-'), '.', ''), '0'), 1)
    || case when length(rtrim(replace(ltrim(s, '-'), '.', ''), '0')) > 1
            then '.' || substr(rtrim(replace(ltrim(s, '-'), '.', ''), '0'), 2) else '' end || 'e+15';
create or replace temp macro pg_float8_out(x) as
    case when isnan(cast(x as double)) then 'NaN'
         when isinf(cast(x as double)) then case when x > 0 then 'Infinity' else '-Infinity' end
         when abs(cast(x as double)) >= 1e15 and abs(cast(x as double)) < 1e16
             then pg_float8_e15(cast(cast(x as double) as varchar))
         else regexp_replace(cast(cast(x as double) as varchar), '\\.0$', '') end;
create or replace temp macro pg_float8_json(x) as
    case when isnan(cast(x as double)) or isinf(cast(x as double)) then to_json(pg_float8_out(x))
         when pg_float8_out(x) like '%e%' then to_json(cast(x as double)) else json(pg_float8_out(x)) end;
create or replace temp macro pg_array_position_from(a, x, start) as
    case when start is null then pg_raise('initial position must not be null')
         else list_position(list_slice(a, greatest(start, 1), len(a)), x) + greatest(start, 1) - 1 end;
create or replace temp macro pg_float8_dec(x) as cast(printf('%.15g', cast(x as double)) as decimal(38, 18));
create or replace temp macro pg_trim_array(a, n) as
    case when n < 0 or n > len(a) then pg_raise('number of elements to trim must be between 0 and ' || len(a))
         else list_slice(a, 1, len(a) - n) end;
create or replace temp macro pg_array_fill(v, n) as list_transform(range(n), lambda i: v);
create or replace temp macro pg_div(a, b) as
    case when b = 0 and a is not null and not coalesce(isnan(try_cast(a as double)), false)
         then pg_raise('division by zero') else a / b end;
create or replace temp macro pg_array_length(a, dimension) as case when dimension = 1 and len(a) > 0 then len(a) end;
create or replace temp macro pg_day_of_week(t) as dayofweek(t) + 1;
create or replace temp macro pg_interval_months(i) as datepart('year', i) * 12 + datepart('month', i);
create or replace temp macro pg_interval_days(i) as datepart('day', i);
create or replace temp macro pg_interval_micros(i) as
    datepart('hour', i) * 3600000000 + datepart('minute', i) * 60000000 + datepart('microseconds', i);
create or replace temp macro pg_interval_of(months, days, micros) as
    to_months(cast(months as integer)) + to_days(cast(days as integer)) + to_microseconds(cast(micros as bigint));
create or replace temp macro pg_ts_round(x) as round_even(x * 1000000.0, 0) / 1000000.0;
create or replace temp macro pg_interval_div_days(d, n, month_days) as
    pg_ts_round((d / n - trunc(d / n) + month_days - trunc(month_days)) * 86400);
create or replace temp macro pg_interval_div_parts(m, d, us, n, month_days, seconds) as
    pg_interval_of(trunc(m / n), trunc(d / n) + trunc(month_days) + trunc(seconds / 86400),
                   round_even(us / n + (seconds - trunc(seconds / 86400) * 86400) * 1000000.0, 0));
create or replace temp macro pg_interval_avg(m, d, us, n) as
    case when n > 0 then pg_interval_div_parts(cast(m as double), cast(d as double), cast(us as double), cast(n as double),
        pg_ts_round((m / n - trunc(m / n)) * 30),
        pg_interval_div_days(cast(d as double), cast(n as double), pg_ts_round((m / n - trunc(m / n)) * 30))) end;
create or replace temp macro pg_interval_lerp(items, position) as
    case when len(items) > 0 then items[cast(floor(position) as bigint) + 1] + (items[cast(ceil(position) as bigint) + 1]
        - items[cast(floor(position) as bigint) + 1]) * (position - floor(position)) end;
create or replace temp macro pg_interval_percentile(items, fraction) as
    case when not (cast(fraction as double) between 0 and 1)
         then pg_raise('percentile value ' || pg_float8_out(cast(fraction as double)) || ' is not between 0 and 1')
         else pg_interval_lerp(list_filter(items, lambda v: v is not null),
                               cast(fraction as double) * (len(list_filter(items, lambda v: v is not null)) - 1)) end;
create or replace temp macro pg_week_of_year(t) as (dayofyear(t) - 1) // 7 + 1;
create or replace temp macro pg_week_of_month(t) as (day(t) - 1) // 7 + 1;
create or replace temp macro pg_seconds_of_day(t) as hour(t) * 3600 + minute(t) * 60 + second(t);
create or replace temp macro pg_ordinal_suffix(n) as
    case when n % 100 in (11, 12, 13) then 'th' when n % 10 = 1 then 'st' when n % 10 = 2 then 'nd'
         when n % 10 = 3 then 'rd' else 'th' end;
create or replace temp macro pg_julian_day(t) as cast(julian(cast(t as date)) as bigint);
create or replace temp macro pg_day_micros(t) as
    ((epoch_us(cast(t as timestamp)) % 86400000000) + 86400000000) % 86400000000;
create or replace temp macro pg_century(t) as case when year(t) > 0 then (year(t) + 99) // 100 else -((100 - year(t)) // 100) end;
create or replace temp macro pg_era_year(y) as case when y > 0 then y else 1 - y end;
create or replace temp macro pg_to_char_year(y, digits, fill) as
    case when digits = 0 then printf('%d,%03d', pg_era_year(y) // 1000, pg_era_year(y) % 1000)
         else printf(case when fill then '%d' else '%0' || digits || 'd' end,
                     case when digits = 4 then pg_era_year(y) else pg_era_year(y) % cast(10 ** digits as bigint) end) end;
create or replace temp macro pg_to_char_century(c, fill) as
    printf(case when fill then '%d' when c < 0 then '%03d' else '%02d' end, c);
create or replace temp macro pg_substr(s, start, n) as
    case when n < 0 then pg_raise('negative substring length not allowed')
         when start is not null and n is not null
         then substring(s, greatest(start, 1), greatest(start + n - greatest(start, 1), 0)) end;
create or replace temp macro pg_substr_from(s, start) as case when start is not null then substring(s, greatest(start, 1)) end;
create or replace temp macro pg_overlaps_ordered(s1, e1, s2, e2) as
    case when s1 is null or s2 is null then null
         when s1 > s2 then case when e2 is null then null when s1 < e2 then true when e1 is null then null else false end
         when s1 < s2 then case when e1 is null then null when s2 < e1 then true when e2 is null then null else false end
         when e1 is not null and e2 is not null then true end;
create or replace temp macro pg_overlaps(start1, end1, start2, end2) as
    -- each period from its earlier end (one NULL end: the other is the start), as Postgres orders them
    pg_overlaps_ordered(
        least(start1, end1), case when start1 is not null and end1 is not null then greatest(start1, end1) end,
        least(start2, end2), case when start2 is not null and end2 is not null then greatest(start2, end2) end);
create or replace temp macro pg_regexp_from(s, start) as
    case when start < 1 then pg_raise('invalid value for parameter "start": ' || start) else substring(s, start) end;
create or replace temp macro pg_regexp_occurrence(n) as
    case when n < 1 then pg_raise('invalid value for parameter "n": ' || n) else n end;
create or replace temp macro pg_regexp_endoption(option) as
    case when option not in (0, 1) then pg_raise('invalid value for parameter "endoption": ' || option) else option = 1 end;
create or replace temp macro pg_split_part(s, delimiter, n) as
    case when n = 0 then pg_raise('field position must not be zero')
         when delimiter = '' then case when n in (1, -1) then s else '' end
         else split_part(s, delimiter, n) end;
create or replace temp macro pg_array_lower(a, dimension) as case when dimension = 1 and len(a) > 0 then 1 end;
create or replace temp macro pg_array_positions(a, x) as
    case when a is not null then cast(list_filter(range(1, len(a) + 1), lambda i: a[i] is not distinct from x) as integer[]) end;
create or replace temp macro pg_width_bucket_of(x, lo, hi, n) as
    case when x < lo then 0 when x >= hi then n + 1 else least(cast(trunc(n * ((x - lo) / (hi - lo))) as integer), n - 1) + 1 end;
create or replace temp macro pg_width_bucket(x, lo, hi, n) as
    case when x is null or lo is null or hi is null or n is null then null
         when n <= 0 then pg_raise('count must be greater than zero')
         when lo = hi then pg_raise('lower bound cannot equal upper bound')
         when lo < hi then pg_width_bucket_of(cast(x as double), cast(lo as double), cast(hi as double), n)
         else pg_width_bucket_of(-cast(x as double), -cast(lo as double), -cast(hi as double), n) end;
create or replace temp macro pg_width_bucket_thresholds(x, a) as
    case when x is null or a is null then null
         when len(list_filter(a, lambda t: t is null)) > 0 then pg_raise('thresholds array must not contain NULLs')
         else cast(len(list_filter(a, lambda t: t <= x)) as integer) end;
create or replace temp macro pg_array_nulls(a, n) as list_transform(a, lambda e: case when e = n then null else e end);
create or replace temp macro pg_array_remove(a, x) as list_filter(a, lambda e: e is distinct from x);
create or replace temp macro pg_array_replace(a, x, y) as list_transform(a, lambda e: case when e is not distinct from x then y else e end);
create or replace temp macro pg_quote_nullable(x) as
    case when x is null then 'NULL'
         when contains(x, '\\') then 'E''' || replace(replace(x, '\\', '\\\\'), '''', '''''') || ''''
         else '''' || replace(x, '''', '''''') || '''' end;
create or replace temp macro pg_base64(b) as rtrim(regexp_replace(to_base64(b), '(.{{76}})', '\\1' || chr(10), 'g'), chr(10));
create or replace temp macro pg_text_to_bool(x) as
    case when x is null then null
         when lower(trim(x, ' \t\n\r')) in ('t', 'tr', 'tru', 'true', 'y', 'ye', 'yes', 'on', '1') then true
         when lower(trim(x, ' \t\n\r')) in ('f', 'fa', 'fal', 'fals', 'false', 'n', 'no', 'of', 'off', '0') then false
         else pg_raise('invalid input syntax for type boolean: "' || x || '"') end;
create or replace temp macro pg_to_bool(x) as
    case when typeof(x) = 'VARCHAR' then pg_text_to_bool(cast(x as varchar)) else cast(x as boolean) end;
create or replace temp macro pg_quote_ident(s) as
    case when regexp_full_match(s, '[a-z_][a-z0-9_]*') and not list_contains([{_QUOTED_KEYWORD_LIST}], s) then s
         else '"' || replace(s, '"', '""') || '"' end;
create or replace temp macro pg_jsonb_array_length(j) as
    case when j is null then null
         when json_type(j) = 'ARRAY' then json_array_length(j)
         when json_type(j) = 'OBJECT' then cast(pg_raise('cannot get array length of a non-array') as ubigint)
         else cast(pg_raise('cannot get array length of a scalar') as ubigint) end;
create or replace temp macro pg_upper(s) as
    case when contains(s, 'ß') then array_to_string(list_transform(string_split(s, 'ß'), lambda part: upper(part)), 'ß')
         else upper(s) end;
create or replace temp macro pg_record_field(v) as
    case when v is null then ''
         when v = '' or regexp_matches(v, '[",\\\\()\\s\\x0b]')
             then '"' || replace(replace(v, '\\', '\\\\'), '"', '""') || '"'
         else v end;
create or replace temp macro pg_lpad(s, n, fill) as
    case when fill = '' then left(s, case when n < 0 then 0 else n end) else lpad(s, cast(n as integer), fill) end;
create or replace temp macro pg_rpad(s, n, fill) as
    case when fill = '' then left(s, case when n < 0 then 0 else n end) else rpad(s, cast(n as integer), fill) end;
create or replace temp macro pg_array_dims(a) as
    case when typeof(a) like '%[][]' then pg_raise('unsupported Postgres feature: array_dims of a multidimensional array')
         when len(a) > 0 then '[1:' || cast(len(a) as varchar) || ']' end;
create or replace temp macro pg_array_ndims(a) as
    case when typeof(a) like '%[][]' then pg_raise('unsupported Postgres feature: array_ndims of a multidimensional array')
         when len(a) > 0 then 1 end;
create or replace temp macro pg_numeric_series(start, stop, step) as
    case when step = 0 then pg_raise('step size cannot equal zero')
         else list_filter(list_transform(range(0, greatest(cast(ceil((stop - start) / step) as bigint) + 2, 0)),
                                         lambda i: start + i * step),
                          lambda v: case when step > 0 then v <= stop else v >= stop end) end;
create or replace temp macro pg_json_object_of(entries) as list_transform([entries], lambda es:
    cast('{{' || array_to_string(list_transform(
        list_filter(es, lambda e, i: not list_contains(list_transform(es[i + 1:], lambda l: l.k), e.k)),
        lambda e: to_json(e.k) || ':' || coalesce(cast(e.v as varchar), 'null')), ',') || '}}' as json))[1];
"""


_MACRO = re.compile(r"create or replace temp macro (?P<name>\w+)\([^)]*\)\s+as\s(?P<body>.*)", re.S)


def _statements(script: str) -> list[tuple[str, str, str]]:
    """(macro name, body, its ``create macro`` statement) of each statement of ``script``, in order."""
    matches = [(_MACRO.fullmatch(part.strip()), part.strip()) for part in script.split(";\n") if part.strip()]
    return [(match["name"], match["body"], statement) for match, statement in matches]


def _macro_order() -> tuple[list[tuple[str, str]], dict[str, frozenset[str]], re.Pattern]:
    """The macros in an order DuckDB can create them in (those that call no Python function first: DuckDB binds a
    macro's body when it is created, so a macro comes after what it calls), what each one needs (itself and every
    macro and Python function it calls, through other macros too), and a pattern finding the calls in SQL text."""
    functions = [name for name, *_ in PYTHON_FUNCTIONS]
    statements = _statements(MACROS)
    names = functions + [name for name, *_ in statements]
    # calls of any function named like ours (pg_..., iamsql_...): one cheap test per word, not one per name
    calls = re.compile(r"\b((?:" + "|".join(sorted({name.split("_")[0] for name in names})) + r")_\w+)\s*\(", re.I)
    direct = {name: {called.lower() for called in calls.findall(body)} & set(names) for name, body, _ in statements}
    needs = {name: frozenset([name]) for name in functions}

    def need(name: str) -> frozenset[str]:
        if name not in needs:
            needs[name] = frozenset([name]).union(*(need(called) for called in direct[name] - {name}))
        return needs[name]

    for name in direct:
        need(name)
    plain = [(name, statement) for name, _, statement in statements if not needs[name] & set(functions)]
    dependent = [(name, statement) for name, _, statement in statements if needs[name] & set(functions)]
    return plain + dependent, needs, calls


MACRO_ORDER, _NEEDS, _CALLS = _macro_order()
_FUNCTION_NAMES = frozenset(name for name, *_ in PYTHON_FUNCTIONS)
_EVERYTHING = frozenset(_NEEDS)
_INSTALLED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # connection -> macros and functions it has


@lru_cache(maxsize=4096)
def called(sql: str) -> frozenset[str]:
    """The macros and Python functions ``sql`` needs: those it calls and what those call in turn (a plain text
    search, so a false positive only installs one macro more). Kept per text: a check asks it of each control's and
    helper view's SQL once per account."""
    return frozenset().union(*(_NEEDS.get(name.lower(), ()) for name in _CALLS.findall(sql)))


def install_macros(con) -> None:
    """Install every function and macro that translated queries call (temporary, on this connection)."""
    install_called(con)


def opened(con) -> None:
    """Note a connection just opened: it has none of the macros and functions (DuckDB's catalog need not say)."""
    _INSTALLED[con] = set()


def install_called(con, sql: str | None = None) -> None:
    """Install on ``con`` the macros and Python functions that ``sql`` calls, directly or through a macro (every
    one when ``sql`` is None), those ``con`` lacks. Registering the first Python function makes DuckDB import NumPy
    (~0.1 s), and creating every macro ~30 ms: a command whose SQL calls none of them pays neither."""
    known = con in _INSTALLED
    installed = _INSTALLED.setdefault(con, set())
    if len(installed) == len(_EVERYTHING):
        return
    missing = (_EVERYTHING if sql is None else called(sql)) - installed
    if not missing:
        return
    if missing & _FUNCTION_NAMES:
        _register_functions(con, known=known)
    statements = [statement for name, statement in MACRO_ORDER if name in missing]
    if statements:
        con.execute(";\n".join(statements))
    installed |= missing | (_FUNCTION_NAMES if missing & _FUNCTION_NAMES else set())


def _register_functions(con, *, known: bool) -> None:
    """Register the Python functions. A connection not ``known`` here (not opened by ``store.db.connect``) may
    have them already, registered by other code, and registering again fails: DuckDB's catalog says (~20 ms)."""
    if not known and con.execute(
        "select function_name from duckdb_functions() where function_name = ? and function_type = 'scalar'",
        [PYTHON_FUNCTIONS[0][0]],
    ).fetchall():
        return
    for name, function, params, returns in PYTHON_FUNCTIONS:
        con.create_function(name, function, params, returns, side_effects=False)

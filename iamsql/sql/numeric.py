"""PostgreSQL's numeric arithmetic on ``Decimal``: exact sums, differences, products and remainders with
numeric's number of decimals, and division as numeric_div rounds it. Shared by the numeric functions
(``pgfunctions``) and SQL/JSON path arithmetic (``jsonpath``)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext


def _base_10000(value: Decimal) -> tuple[int, int]:
    """(weight, first digit) of a number in PostgreSQL's numeric representation (base-10000 digits, the first one
    not zero; (0, 0) for zero): ``value`` is about ``first digit * 10000 ** weight``."""
    if not value:
        return 0, 0
    weight = abs(value).adjusted() // 4
    return weight, int(abs(value).scaleb(-4 * weight))


def stored_size(value: Decimal) -> int:
    """The bytes of ``value`` as numeric_in makes it (make_result: a 4-byte length, then a 2-byte header when its
    decimals and weight fit the short form, else 4 bytes, then 2 bytes per base-10000 digit, zeros at either end
    left out); ``value``'s exponent gives its decimals, as the text it was read from does."""
    weight, _ = _base_10000(value)
    digits = 0
    if value:
        _, coefficient, exponent = value.as_tuple()
        lowest = exponent + len(coefficient) - len("".join(map(str, coefficient)).rstrip("0"))
        digits = weight - lowest // 4 + 1
    short = max(-value.as_tuple().exponent, 0) <= 63 and -64 <= weight <= 63
    return (6 if short else 8) + 2 * digits


def divide(dividend: Decimal, divisor: Decimal) -> Decimal:
    """``dividend / divisor`` as PostgreSQL's numeric divides (numeric_div): select_div_scale's decimals (enough
    for 16 significant digits, at least either side's decimals, at most 1000), rounded half away from zero."""
    if not divisor:
        raise ValueError("division by zero")
    (weight1, first1), (weight2, first2) = _base_10000(dividend), _base_10000(divisor)
    quotient_weight = weight1 - weight2 - (1 if first1 <= first2 else 0)
    decimals = [16 - quotient_weight * 4, -dividend.as_tuple().exponent, -divisor.as_tuple().exponent, 0]
    scale = min(max(decimals), 1000)
    with localcontext() as context:
        context.prec = max(abs(dividend).adjusted() - abs(divisor).adjusted(), 0) + scale + 10
        return (dividend / divisor).quantize(Decimal(1).scaleb(-scale), rounding=ROUND_HALF_UP)


def arithmetic(operator: str, a: Decimal, b: Decimal) -> Decimal:
    """``a <operator> b`` (``+``, ``-``, ``*``, ``/``, ``%``) of finite numerics: exact, with the larger (for a product,
    the total) number of decimals; a quotient as ``divide`` rounds it; ``%`` of zero is PostgreSQL's error."""
    if operator == "/":
        return divide(a, b)
    if operator == "%" and not b:
        raise ValueError("division by zero")
    with localcontext() as context:
        # exact: the integer digits of a product and the decimals of both sides (a zero's too: 0E-28 keeps 28)
        integer_digits = 2 * (max(a.adjusted(), b.adjusted(), 0) + 1)
        context.prec = integer_digits + max(-a.as_tuple().exponent, 0) + max(-b.as_tuple().exponent, 0) + 10
        if operator == "+":
            return a + b
        if operator == "-":
            return a - b
        return a * b if operator == "*" else a % b

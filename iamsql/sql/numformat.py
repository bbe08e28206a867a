"""``to_char(number, format)`` as PostgreSQL writes it (formatting.c's NUM_processor, C locale): the patterns
``9``, ``0``, ``.``/``D``, ``,``/``G``, ``L`` (the C locale's: ``.``, ``,`` and a blank for the currency), ``FM``, ``S``, ``MI``, ``PL``, ``SG``, ``PR``, ``TH``/``th`` (ordinal
suffix), ``RN``/``rn`` (roman numerals), ``EEEE`` (scientific notation) and literal text."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation

from iamsql.errors import UnsupportedFeature

# the patterns, longest first as PostgreSQL matches them (either case)
PATTERNS = ("EEEE", "FM", "MI", "PL", "SG", "PR", "RN", "TH", "9", "0", ".", "D", ",", "G", "S", "L")
# patterns PostgreSQL reads in upper or lower case only (the case says the output's): ``Th`` and ``Rn`` are text
CASED = ("RN", "TH", "EEEE")
REFUSED = ("SP", "V", "C", "B")
ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
         (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
DBL_DIG = 15


@dataclass
class NumberFormat:
    """A parsed number format (NUMDesc): its nodes and what they say."""

    nodes: list[tuple[str, str]] = field(default_factory=list)  # ("pattern", "9"), ("pattern", "th"), ("text", "x")
    pre: int = 0
    post: int = 0
    decimal: bool = False
    zero: bool = False
    zero_start: int = 0
    zero_end: int = 0
    fill: bool = False
    bracket: bool = False
    minus: bool = False
    plus: bool = False
    lsign: str | None = None  # "pre" or "post" for S
    pre_lsign_num: int = 0
    roman: bool = False
    eeee: bool = False


def parse(fmt: str) -> NumberFormat:
    """The format's nodes; patterns iamsql does not write (``V``, ``L``, ...) are refused."""
    num, i = NumberFormat(), 0
    while i < len(fmt):
        if fmt[i] == '"':
            end = fmt.find('"', i + 1)
            end = len(fmt) if end < 0 else end
            num.nodes.append(("text", fmt[i + 1:end]))
            i = end + 1
            continue
        if fmt[i] == "\\" and i + 1 < len(fmt) and fmt[i + 1] == '"':
            num.nodes.append(("text", '"'))
            i += 2
            continue
        upper = fmt[i:].upper()
        refused = next((r for r in REFUSED if upper.startswith(r)), None)
        pattern = next((p for p in PATTERNS if upper.startswith(p)), None)
        if refused and not pattern:
            raise UnsupportedFeature(f"unsupported Postgres feature: to_char of a number with pattern {fmt[i:i + len(refused)]!r}")
        if pattern is None:
            num.nodes.append(("text", fmt[i]))
            i += 1
            continue
        written = fmt[i:i + len(pattern)]
        if pattern in CASED:
            if written not in (pattern, pattern.lower()):  # ``Rn``, ``Th``: no pattern, text as PostgreSQL reads it
                num.nodes.append(("text", fmt[i]))
                i += 1
                continue
            pattern = written
        _prepare(num, pattern)
        num.nodes.append(("pattern", pattern))
        i += len(pattern)
    return num


def _prepare(num: NumberFormat, pattern: str) -> None:
    """NUMDesc_prepare: what one pattern adds to the format's description."""
    if num.eeee:
        raise ValueError('"EEEE" must be the last pattern used')
    if pattern.upper() == "EEEE":
        if num.fill or num.lsign or num.bracket or num.minus or num.plus or num.roman:
            raise ValueError('"EEEE" is incompatible with other formats')
        num.eeee = True
    elif pattern.upper() == "RN":
        if num.roman:
            raise ValueError('cannot use "RN" twice')
        num.roman = True
    elif pattern in ("9", "0"):
        if pattern == "0" and not num.zero and not num.decimal:
            num.zero, num.zero_start = True, num.pre + 1
        if num.decimal:
            num.post += 1
        else:
            num.pre += 1
        if pattern == "0":
            num.zero_end = num.pre + num.post
    elif pattern in (".", "D"):
        if num.decimal:
            raise ValueError("multiple decimal points")
        num.decimal = True
    elif pattern == "FM":
        num.fill = True
    elif pattern == "S":
        if num.lsign:
            raise ValueError('cannot use "S" twice')
        if num.plus or num.minus or num.bracket:
            raise ValueError('cannot use "S" and "PL"/"MI"/"SG"/"PR" together')
        if not num.decimal:
            num.lsign, num.pre_lsign_num = "pre", num.pre
        else:
            num.lsign = "post"
    elif pattern == "MI":
        if num.lsign:
            raise ValueError('cannot use "S" and "MI" together')
        num.minus = True
    elif pattern == "PL":
        if num.lsign:
            raise ValueError('cannot use "S" and "PL" together')
        num.plus = True
    elif pattern == "SG":
        if num.lsign:
            raise ValueError('cannot use "S" and "SG" together')
        num.minus = num.plus = True
    elif pattern == "PR":
        if num.lsign or num.plus or num.minus:
            raise ValueError('cannot use "PR" and "S"/"PL"/"MI"/"SG" together')
        num.bracket = True


def _digits(value: str, is_float: bool, num: NumberFormat) -> tuple[str, str]:
    """(sign, the number's digits with ``num.post`` decimals) as numeric_to_char, int8_to_char and float8_to_char
    make them."""
    if is_float:
        number = float(value)
        if math.isnan(number) or math.isinf(number):
            raise UnsupportedFeature("unsupported Postgres feature: to_char of NaN or Infinity")
        pre_len = len("%.0f" % abs(number))
        # at most DBL_DIG digits: the format's decimals are cut to fit (all of them from 1e15 up)
        num.post = 0 if pre_len >= DBL_DIG else min(num.post, DBL_DIG - pre_len)
        text = "%.*f" % (num.post, number)
    else:
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise ValueError(f'invalid input syntax for type numeric: "{value}"') from None
        if number.is_nan():
            raise UnsupportedFeature("unsupported Postgres feature: to_char of NaN")
        rounded = number.quantize(Decimal(1).scaleb(-num.post), rounding=ROUND_HALF_UP)
        text = format(rounded, "f")
        if rounded.is_zero() and text.startswith("-"):
            text = text[1:]
    if text.startswith("-"):
        return "-", text[1:]
    return "+", text


def to_char(value: str | None, fmt: str, is_float: bool) -> str | None:
    """PostgreSQL's ``to_char(value, fmt)`` of the number whose text is ``value`` (a double's when ``is_float``)."""
    if value is None or fmt is None:
        return None
    num = parse(fmt)
    if num.roman:
        return _roman_text(num, _roman(value, is_float))
    if num.eeee:
        return _scientific(num, value, is_float)
    sign, number = _digits(value, is_float, num)
    pre_len = number.index(".") if "." in number else len(number)
    out_pre_spaces = 0
    if pre_len < num.pre:
        out_pre_spaces = num.pre - pre_len
    elif pre_len > num.pre:
        number = "#" * num.pre + "." + "#" * num.post
    return _process(num, number, sign, out_pre_spaces)


def _process(num: NumberFormat, number: str, sign: str, out_pre_spaces: int) -> str:
    """NUM_processor for to_char: the output, pattern by pattern."""
    out: list[str] = []
    state = {"sign_wrote": False, "num_in": False, "num_curr": 0, "p": 0}
    if num.zero_start:
        num.zero_start -= 1  # counted from 1 by the parser, from 0 here
    if num.plus or num.minus:
        state["sign_wrote"] = not (num.plus and not num.minus)
    else:
        if sign != "-" and num.fill:
            num.bracket = False
        state["sign_wrote"] = sign == "+" and num.fill and not num.lsign
        if num.lsign == "pre" and num.pre == num.pre_lsign_num:
            num.lsign = "post"
    num_count = num.post + num.pre - 1
    last_relevant = None
    if num.fill and num.decimal:
        last_relevant = _last_relevant(number)
        if last_relevant is not None and num.zero_end > out_pre_spaces:
            last_zero = min(len(number) - 1, num.zero_end - out_pre_spaces)
            if last_relevant < last_zero:
                last_relevant = last_zero
    if not state["sign_wrote"] and out_pre_spaces == 0:
        num_count += 1

    def predec_space() -> bool:
        return not num.zero and state["p"] == 0 and number[:1] == "0" and num.post != 0

    def digit_part(pattern: str) -> None:
        state["num_in"] = False
        curr, p = state["num_curr"], state["p"]
        at = number[p] if p < len(number) else ""
        if not state["sign_wrote"] and (curr >= out_pre_spaces or (num.zero and num.zero_start == curr)) and (
                not predec_space() or (last_relevant is not None and number[last_relevant] == ".")):
            if num.lsign:
                if num.lsign == "pre":
                    out.append("-" if sign == "-" else "+")
                    state["sign_wrote"] = True
            elif num.bracket:
                out.append(" " if sign == "+" else "<")
                state["sign_wrote"] = True
            elif sign == "+":
                if not num.fill:
                    out.append(" ")
                state["sign_wrote"] = True
            else:
                out.append("-")
                state["sign_wrote"] = True
        if curr < out_pre_spaces and (num.zero_start > curr or not num.zero):
            if not num.fill:
                out.append(" ")
        elif num.zero and curr < out_pre_spaces and num.zero_start <= curr:
            out.append("0")
            state["num_in"] = True
        else:
            if at == ".":
                if last_relevant is None or number[last_relevant] != ".":
                    out.append(".")
                elif num.fill:
                    out.append(".")
            elif last_relevant is not None and p > last_relevant and pattern != "0":
                pass
            elif predec_space():
                if not num.fill:
                    out.append(" ")
                elif last_relevant is not None and number[last_relevant] == ".":
                    out.append("0")
            else:
                out.append(at or "\0")  # past the number's end C writes its NUL, which ends the output
                state["num_in"] = True
            if p < len(number):
                state["p"] = p + 1
        end = num_count + (1 if out_pre_spaces else 0) + (1 if num.decimal else 0)
        if last_relevant is not None and last_relevant == state["p"]:
            end = curr
        if curr + 1 == end:
            if state["sign_wrote"] and num.bracket:
                out.append(" " if sign == "+" else ">")
            elif num.lsign == "post":
                out.append("-" if sign == "-" else "+")
        state["num_curr"] = curr + 1

    for kind, value in num.nodes:
        if kind == "text":
            out.append(value)
        elif value in ("9", "0", ".", "D"):
            digit_part(value)
        elif value in (",", "G"):
            if state["num_in"]:
                out.append(",")
            elif not num.fill:
                out.append(" ")
        elif value == "MI":
            if sign == "-":
                out.append("-")
            elif not num.fill:
                out.append(" ")
        elif value == "PL":
            if sign == "+":
                out.append("+")
            elif not num.fill:
                out.append(" ")
        elif value == "SG":
            out.append(sign)
        elif value == "L":  # the C locale's currency symbol, which is none: PostgreSQL writes a blank instead
            out.append(" ")
        elif value.upper() == "TH" and sign != "-" and not num.decimal and not number.startswith("#"):
            out.append(_ordinal(number) if value == "th" else _ordinal(number).upper())
    return "".join(out).split("\0")[0]


def _ordinal(digits: str) -> str:
    """get_th: the English ordinal suffix of a number's last digits."""
    if len(digits) > 1 and digits[-2] == "1":
        return "th"
    return {"1": "st", "2": "nd", "3": "rd"}.get(digits[-1], "th")


def _roman(value: str, is_float: bool) -> str:
    """int_to_roman of the number rounded to an integer (a double to even, a numeric half away from zero); fifteen
    ``#`` outside 1 to 3999 (a numeric past int's range is an error, a double is not)."""
    if is_float:
        number = float(value)
        # C's (int) of a double past int's range, NaN or infinity is INT_MIN on the machines PostgreSQL runs on
        whole = round(number) if math.isfinite(number) and -2**31 <= round(number) < 2**31 else -2**31
    else:
        whole = int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if not -2**31 <= whole < 2**31:
        raise ValueError("integer out of range")
    if not 1 <= whole <= 3999:
        return "#" * 15
    out = []
    for amount, letters in ROMAN:
        count, whole = divmod(whole, amount)
        out.append(letters * count)
    return "".join(out)


def _roman_text(num: NumberFormat, roman: str) -> str:
    """The format with its RN written (right-aligned in 15 characters unless FM, lower case for ``rn``), as
    NUM_processor writes it once its roman correction dropped the number's digits and sign: digit, decimal point,
    ``S``, ``PR`` and ``TH`` patterns write nothing, ``,``, ``G``, ``MI`` and ``PL`` a blank (nothing with FM),
    ``L`` a blank, and ``SG`` writes the absent sign, a NUL that ends the text."""
    out = []
    for kind, value in num.nodes:
        if kind == "text":
            out.append(value)
        elif value.upper() == "RN":
            text = roman if value == "RN" else roman.lower()
            out.append(text if num.fill else text.rjust(15))
        elif value in (",", "G", "MI", "PL") and not num.fill or value == "L":
            out.append(" ")
        elif value == "SG":
            break
    return "".join(out)


def _scientific(num: NumberFormat, value: str, is_float: bool) -> str:
    """``EEEE``: the number as ``d.dde+NN`` with the format's decimals, a space for the sign of a positive number (the
    format's text is not written). A double is rounded as C's printf does; a numeric half away from zero, its
    mantissa carried past 9 as numeric_out_sci does (``9.995`` is `` 10.00e+00``)."""
    if is_float:
        number = float(value)
        if math.isnan(number) or math.isinf(number):
            raise UnsupportedFeature("unsupported Postgres feature: to_char of NaN or Infinity")
        text = "%+.*e" % (num.post, number)
        return " " + text[1:] if text.startswith("+") else text
    number = Decimal(value)
    if not number.is_finite():
        raise UnsupportedFeature("unsupported Postgres feature: to_char of NaN")
    exponent = 0 if number.is_zero() else number.adjusted()
    step = Decimal(1).scaleb(-num.post)
    mantissa = number.scaleb(-exponent).quantize(step, rounding=ROUND_HALF_UP)
    if "." not in value and "e" not in value.lower():
        # an integer: an int4 goes through a double (ties to even), a bigint through a numeric (half away)
        even = number.scaleb(-exponent).quantize(step, rounding=ROUND_HALF_EVEN)
        if even != mantissa:
            raise UnsupportedFeature("unsupported Postgres feature: to_char of an integer with EEEE rounding a tie")
    sign = "-" if mantissa.is_signed() and not mantissa.is_zero() else " "
    return f"{sign}{format(abs(mantissa), 'f')}e{exponent:+03d}"


def _last_relevant(number: str) -> int | None:
    """get_last_relevant_decnum: the position of the last non-zero decimal, else of the point (None without one)."""
    if "." not in number:
        return None
    result = number.index(".")
    for i in range(result + 1, len(number)):
        if number[i] != "0":
            result = i
    return result

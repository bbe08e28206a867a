"""``to_char(number, format)`` as PostgreSQL writes it (formatting.c's NUM_processor, C locale): the patterns
``9``, ``0``, ``.``/``D``, ``,``/``G``, ``FM``, ``S``, ``MI``, ``PL``, ``SG``, ``PR`` and literal text."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from iamsql.errors import UnsupportedFeature

# the patterns, longest first as PostgreSQL matches them (either case)
PATTERNS = ("FM", "MI", "PL", "SG", "PR", "9", "0", ".", "D", ",", "G", "S")
REFUSED = ("EEEE", "RN", "TH", "SP", "V", "L", "C", "B")
DBL_DIG = 15


@dataclass
class NumberFormat:
    """A parsed number format (NUMDesc): its nodes and what they say."""

    nodes: list[tuple[str, str]] = field(default_factory=list)  # ("pattern", "9") or ("text", "x")
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


def parse(fmt: str) -> NumberFormat:
    """The format's nodes; patterns iamsql does not write (``EEEE``, ``RN``, ``V``, ...) are refused."""
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
        _prepare(num, pattern)
        num.nodes.append(("pattern", pattern))
        i += len(pattern)
    return num


def _prepare(num: NumberFormat, pattern: str) -> None:
    """NUMDesc_prepare: what one pattern adds to the format's description."""
    if pattern in ("9", "0"):
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
    return "".join(out).split("\0")[0]


def _last_relevant(number: str) -> int | None:
    """get_last_relevant_decnum: the position of the last non-zero decimal, else of the point (None without one)."""
    if "." not in number:
        return None
    result = number.index(".")
    for i in range(result + 1, len(number)):
        if number[i] != "0":
            result = i
    return result

"""PostgreSQL's ``inet`` and ``cidr`` for DuckDB, without DuckDB's inet extension.

A translated query holds an inet or cidr value as the text PostgreSQL prints for it (``10.0.0.1``,
``10.0.0.0/8``, ``2001:db8::/32``): output, DISTINCT, GROUP BY and ``concat`` need nothing more. These functions
read that text back (it is valid input) for the operators and functions, and ``sort_key`` orders values as
PostgreSQL's ``network_cmp`` does (family, then network bits, then mask length, then the whole address).
Input follows PostgreSQL's ``inet_net_pton``; output its ``inet_net_ntop``.
"""

from __future__ import annotations

import re
from typing import NamedTuple

MAX_BITS = {4: 32, 6: 128}


class Inet(NamedTuple):
    family: int  # 4 or 6
    address: int
    bits: int  # the mask length


def _invalid(text: str, type_name: str) -> ValueError:
    return ValueError(f'invalid input syntax for type {type_name}: "{text}"')


def _ipv4(text: str, type_name: str) -> Inet:
    """PostgreSQL's ``inet_net_pton_ipv4``: 1 to 4 decimal octets (all 4 unless a mask length follows, which must
    cover the octets given), then ``/bits``; a trailing dot after 4 octets is read too."""
    match = re.fullmatch(r"(\d+(?:\.\d+){0,3})\.?(?:/(\d+))?", text)
    if not match or (match.group(0).endswith(".") and match.group(1).count(".") < 3):
        raise _invalid(text, type_name)
    octets = [int(o) for o in match.group(1).split(".")]
    if any(o > 255 for o in octets):
        raise _invalid(text, type_name)
    if match.group(2) is None:
        if len(octets) != 4:
            raise _invalid(text, type_name)
        bits = 32
    else:
        bits = int(match.group(2))
        if bits > 32 or bits // 8 > len(octets):
            raise _invalid(text, type_name)
    address = int.from_bytes(bytes(octets + [0] * (4 - len(octets))), "big")
    return Inet(4, address, bits)


def _ipv6(text: str, type_name: str) -> Inet:
    """PostgreSQL's ``inet_cidr_pton_ipv6``: hex groups, one ``::``, a dotted IPv4 tail, ``/bits`` (no leading
    zero, at most 128)."""
    address_text, slash, bits_text = text.partition("/")
    if slash and not re.fullmatch(r"0|[1-9]\d{0,2}", bits_text) or slash and int(bits_text) > 128:
        raise _invalid(text, type_name)
    match = re.fullmatch(r"([0-9A-Fa-f:]*?)(?::((?:\d+\.){3}\d+))?", address_text)
    if not match or address_text.count("::") > 1:
        raise _invalid(text, type_name)
    head, v4 = match.groups()
    tail_words = []
    if v4 is not None:
        octets = v4.split(".")
        if any(len(o) > 1 and o.startswith("0") or int(o) > 255 for o in octets):
            raise _invalid(text, type_name)
        value = int.from_bytes(bytes(int(o) for o in octets), "big")
        tail_words = [value >> 16, value & 0xFFFF]
        if head == "" or head.endswith("::"):  # ":1.2.3.4", ":::1.2.3.4"
            raise _invalid(text, type_name)
        if head.endswith(":"):  # the colon before the IPv4 tail ended a "::"
            head += ":"
    words = _words(head, 8 - len(tail_words), text, type_name) + tail_words
    address = 0
    for word in words:
        address = address << 16 | word
    return Inet(6, address, int(bits_text) if slash else 128)


def _words(head: str, count: int, text: str, type_name: str) -> list[int]:
    """The ``count`` 16-bit words that ``head`` (hex groups with at most one ``::``) stands for."""
    def groups(part: str) -> list[int]:
        if part == "":
            return []
        pieces = part.split(":")
        if any(not re.fullmatch(r"[0-9A-Fa-f]{1,4}", p) for p in pieces):
            raise _invalid(text, type_name)
        return [int(p, 16) for p in pieces]

    if "::" in head:
        left, right = head.split("::")
        before, after = groups(left), groups(right)
        if len(before) + len(after) >= count:
            raise _invalid(text, type_name)
        return before + [0] * (count - len(before) - len(after)) + after
    words = groups(head)
    if len(words) != count:
        raise _invalid(text, type_name)
    return words


def _mask(value: Inet) -> int:
    width = MAX_BITS[value.family]
    return ((1 << value.bits) - 1) << (width - value.bits)


def parse(text: str, cidr: bool = False) -> Inet:
    """An inet (or cidr) value from its input text; PostgreSQL's errors for invalid text and for a cidr with bits
    set right of its mask."""
    type_name = "cidr" if cidr else "inet"
    if cidr and ":" not in text and not re.fullmatch(r"(\d+\.){3}\d+(/\d+)?", text):
        if re.fullmatch(r"[0-9A-Fa-fXx./]+", text):
            raise ValueError(f'unsupported Postgres feature: abbreviated cidr input ("{text}"): write all four octets')
        raise _invalid(text, type_name)
    value = _ipv6(text, type_name) if ":" in text else _ipv4(text, type_name)
    if cidr and value.address & ~_mask(value):
        raise ValueError(f'invalid cidr value: "{text}"')
    return value


def _address_text(family: int, address: int) -> str:
    if family == 4:
        return ".".join(str(b) for b in address.to_bytes(4, "big"))
    words = [(address >> (16 * (7 - i))) & 0xFFFF for i in range(8)]
    best_base, best_len, base = -1, 0, -1
    for i, word in enumerate(words + [1]):  # the longest run of zero words, the first of equal ones
        if word == 0 and base == -1:
            base = i
        elif word != 0 and base != -1:
            if i - base > best_len:
                best_base, best_len = base, i - base
            base = -1
    if best_len < 2:
        best_base = -1
    out = ""
    for i, word in enumerate(words):
        if best_base <= i < best_base + best_len:
            out += ":" if i == best_base else ""
            continue
        out += ":" if i else ""
        if i == 6 and best_base == 0 and (best_len == 6 or best_len == 7 and words[7] != 1 or
                                          best_len == 5 and words[5] == 0xFFFF):
            return out + _address_text(4, address & 0xFFFFFFFF)  # an IPv4-compatible or -mapped address
        out += f"{word:x}"
    return out + (":" if best_base != -1 and best_base + best_len == 8 else "")


def out(value: Inet, cidr: bool = False) -> str:
    """PostgreSQL's output text: the mask length is left out of an inet that has all of it."""
    text = _address_text(value.family, value.address)
    return text if value.bits == MAX_BITS[value.family] and not cidr else f"{text}/{value.bits}"


def inet_in(text: str, cidr: bool) -> str:
    """``text::inet``, ``text::cidr``."""
    return out(parse(text, cidr), cidr)


def to_cidr(text: str) -> str:
    """``inet::cidr``: the network of the value, mask length kept."""
    value = parse(text)
    return out(Inet(value.family, value.address & _mask(value), value.bits), cidr=True)


def text_of(function: str, text: str) -> str:
    """``host``, ``text``, ``network`` (a cidr), ``broadcast``, ``netmask`` and ``hostmask`` (inets)."""
    value = parse(text)
    width, mask = MAX_BITS[value.family], _mask(value)
    if function == "host":
        return _address_text(value.family, value.address)
    if function == "text":
        return out(value, cidr=True)
    if function == "network":
        return out(Inet(value.family, value.address & mask, value.bits), cidr=True)
    results = {"broadcast": Inet(value.family, value.address | ~mask & ((1 << width) - 1), value.bits),
               "netmask": Inet(value.family, mask, width),
               "hostmask": Inet(value.family, ~mask & ((1 << width) - 1), width)}
    return out(results[function])


def number_of(function: str, text: str) -> int:
    """``family`` (4 or 6) and ``masklen``."""
    value = parse(text)
    return value.family if function == "family" else value.bits


def set_masklen(text: str, bits: int, cidr: bool) -> str:
    """``set_masklen``: -1 is the whole address; a cidr loses the bits right of its new mask."""
    value = parse(text)
    width = MAX_BITS[value.family]
    if bits == -1:
        bits = width
    if not 0 <= bits <= width:
        raise ValueError(f"invalid mask length: {bits}")
    result = Inet(value.family, value.address, bits)
    if cidr:
        result = Inet(value.family, value.address & _mask(result), bits)
    return out(result, cidr)


def test(operator: str, left_text: str, right_text: str) -> bool:
    """``<<``, ``<<=``, ``>>``, ``>>=``, ``&&`` and ``inet_same_family``."""
    left, right = parse(left_text), parse(right_text)
    if left.family != right.family:
        return False
    if operator == "same_family":
        return True
    if operator in (">>", ">>="):
        left, right = right, left
        operator = "<<" + operator[2:]
    bits = min(left.bits, right.bits) if operator == "&&" else right.bits
    width = MAX_BITS[left.family]
    shift = width - bits
    same_network = left.address >> shift == right.address >> shift
    if operator == "&&":
        return same_network
    return same_network and (left.bits > right.bits or operator == "<<=" and left.bits == right.bits)


def sort_key(text: str) -> bytes:
    """A key ordering values as PostgreSQL does: family, network bits (a shorter network first when one is the
    start of the other), then the whole address. The bits are 1 and 2 bytes ended by 0."""
    value = parse(text)
    width = MAX_BITS[value.family]
    network = format(value.address >> (width - value.bits), f"0{value.bits}b") if value.bits else ""
    return (bytes([value.family]) + network.replace("0", "\x01").replace("1", "\x02").encode() + b"\x00"
            + value.address.to_bytes(width // 8, "big"))

"""``to_char(interval, format)`` as PostgreSQL writes it (formatting.c's DCH_to_char for an interval): the interval
split as interval2itm splits it (years and months of its months, its days, hours that can pass 23, minutes,
seconds and microseconds, each carrying the sign), then the number patterns written from those fields. Patterns
tied to a calendar date (month and day names, time zones, eras) are PostgreSQL's error for an interval; the ISO week
and Julian day patterns, whose text PostgreSQL computes from the fields as if they were a date, are refused."""

from __future__ import annotations

from iamsql.errors import QueryError, UnsupportedFeature

# The number patterns written for an interval, longest first within each spelling, as PostgreSQL matches them.
NUMBERS = ("HH24", "HH12", "HH", "MI", "SSSSS", "SSSS", "SS", "MS", "US", "FF1", "FF2", "FF3", "FF4", "FF5", "FF6",
           "Y,YYY", "YYYY", "YYY", "YY", "Y", "CC", "DDD", "DD", "MM", "WW", "W", "Q")
MERIDIEMS = {"AM": ("AM", "PM"), "PM": ("AM", "PM"), "am": ("am", "pm"), "pm": ("am", "pm"),
             "A.M.": ("A.M.", "P.M."), "P.M.": ("A.M.", "P.M."), "a.m.": ("a.m.", "p.m."), "p.m.": ("a.m.", "p.m.")}
# PostgreSQL's "invalid format specification for an interval value"
NOT_FOR_INTERVALS = ("MONTH", "Month", "month", "MON", "Mon", "mon", "DAY", "Day", "day", "DY", "Dy", "dy",
                     "A.D.", "B.C.", "a.d.", "b.c.", "AD", "BC", "ad", "bc", "TZH", "TZM", "TZ", "tz", "OF", "of",
                     "ID", "id", "D", "d")
REFUSED = ("IDDD", "IYYY", "IYY", "IY", "IW", "RM", "I", "J")
KEYWORDS = sorted({*MERIDIEMS, *(k for p in (*NUMBERS, *NOT_FOR_INTERVALS, *REFUSED, "FX") for k in (p, p.lower()))},
                  key=len, reverse=True)
WIDTHS = {"HH24": 2, "HH12": 2, "HH": 2, "MI": 2, "SS": 2, "DD": 2, "MM": 2, "WW": 2, "DDD": 3, "YYYY": 4, "YYY": 3,
          "YY": 2}
FRACTIONS = {"MS": 3, "US": 6, **{f"FF{n}": n for n in range(1, 7)}}


def parse(fmt: str) -> list[tuple[str, str, bool, str]]:
    """The format's nodes: ("pattern", name in upper case, fill mode, "TH"/"th"/"") or ("text", text, False, "")."""
    nodes, i = [], 0
    while i < len(fmt):
        fill = fmt.startswith(("FM", "fm"), i)
        start = i + 2 if fill or fmt.startswith(("TM", "tm"), i) else i
        keyword = next((k for k in KEYWORDS if fmt.startswith(k, start)), None)
        if keyword is not None:
            name = keyword if keyword in MERIDIEMS else keyword.upper()
            if keyword in NOT_FOR_INTERVALS or name in NOT_FOR_INTERVALS:
                raise QueryError("invalid format specification for an interval value")
            if name in REFUSED:
                raise UnsupportedFeature(f"unsupported Postgres feature: to_char of an interval with {keyword!r}")
            i = start + len(keyword)
            suffix = fmt[i:i + 2] if fmt.startswith(("TH", "th"), i) else ""
            i += len(suffix) or 2 * fmt.startswith("SP", i)  # SP (spell mode) is read and has no effect
            nodes.append(("pattern", name, fill, suffix))
            continue
        i = start
        if i >= len(fmt):
            break
        if fmt[i] == '"':
            i += 1
            text = []
            while i < len(fmt) and fmt[i] != '"':
                if fmt[i] == "\\" and i + 1 < len(fmt):
                    i += 1
                text.append(fmt[i])
                i += 1
            nodes.append(("text", "".join(text), False, ""))
            i += 1
            continue
        if fmt.startswith('\\"', i):
            i += 1
        nodes.append(("text", fmt[i], False, ""))
        i += 1
    return nodes


def _div(a: int, b: int) -> int:
    """C's integer division, toward zero."""
    quotient = abs(a) // abs(b)
    return quotient if (a >= 0) == (b > 0) else -quotient


def _rem(a: int, b: int) -> int:
    """C's remainder, with the sign of ``a``."""
    return a - b * _div(a, b)


def _ordinal(text: str, upper: bool) -> str:
    last, before = text[-1], text[-2:-1]
    suffix = "th" if before == "1" or last not in "123" else {"1": "st", "2": "nd", "3": "rd"}[last]
    return text + (suffix.upper() if upper else suffix)


def _padded(value: int, width: int) -> str:
    return f"{value:0{width}d}"


def to_char(months: int, days: int, micros: int, fmt: str) -> str | None:
    """The text of the interval (``months``, ``days``, ``micros``) in ``fmt``; NULL for an empty format."""
    if not fmt:
        return None
    year, month = _div(months, 12), _rem(months, 12)
    hour = _div(micros, 3_600_000_000)
    rest = micros - hour * 3_600_000_000
    minute = _div(rest, 60_000_000)
    rest -= minute * 60_000_000
    second = _div(rest, 1_000_000)
    fraction = rest - second * 1_000_000
    year_day = (year * 12 + month) * 30 + days
    out = []
    for kind, name, fill, suffix in parse(fmt):
        if kind == "text":
            out.append(name)
            continue
        if name in MERIDIEMS:
            out.append(MERIDIEMS[name][_rem(hour, 24) >= 12])
            continue
        if name == "FX":
            continue
        signed = {"HH24": hour, "HH12": hour, "HH": hour, "MI": minute, "SS": second, "MM": month, "YYYY": year,
                  "YYY": year, "YY": year}
        if name in FRACTIONS:
            digits = FRACTIONS[name]
            text = _padded(_div(fraction, 10 ** (6 - digits)), digits)
        elif name in ("HH12", "HH"):
            value = 12 if _rem(hour, 12) == 0 else _rem(hour, 12)
            text = _padded(value, 0 if fill else WIDTHS[name] + (hour < 0))
        elif name in signed:
            value = {"YYY": _rem(year, 1000), "YY": _rem(year, 100)}.get(name, signed[name])
            text = _padded(value, 0 if fill else WIDTHS[name] + (signed[name] < 0))
        elif name in ("DD", "DDD", "WW"):
            value = {"DD": days, "DDD": year_day, "WW": _div(year_day - 1, 7) + 1}[name]
            text = _padded(value, 0 if fill else WIDTHS[name])
        elif name in ("SSSS", "SSSSS"):
            text = str(hour * 3600 + minute * 60 + second)
        elif name == "Y":
            text = str(_rem(year, 10))
        elif name == "Y,YYY":
            thousands = _div(year, 1000)
            text = f"{thousands},{_padded(year - thousands * 1000, 3)}"
        elif name == "CC":
            century = _div(year, 100)
            text = _padded(century, 0 if fill else 2 + (century < 0)) if -99 <= century <= 99 else str(century)
        elif name == "W":
            text = str(_div(days - 1, 7) + 1)
        else:  # Q: nothing for an interval of whole years
            if month == 0:
                continue
            text = str(_div(month - 1, 3) + 1)
        out.append(_ordinal(text, suffix == "TH") if suffix else text)
    return "".join(out)

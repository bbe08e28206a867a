"""PostgreSQL's date and time input styles that DuckDB cannot read, in DuckDB's words.

PostgreSQL (DateStyle ISO, MDY) reads ``'Jun 15 2025'``, ``'June 15, 2025'``, ``'15-Jun-2025'``, ``'2025.06.15'``,
``'20250615'``, ``'06/15/2025'``, ``'J2460000'`` and the like as dates, ISO 8601's basic format
(``'20250615T100000'``), the zone abbreviations of its ``Default`` set that have one offset (``PST``, ``CEST``),
the hour ``24:00`` (midnight at the end of the day), rounds a fraction of a second beyond six digits to
microseconds and reads ``BC`` after a date; DuckDB reads ISO 8601's extended format only and cuts a fraction. ``iso_text``
writes such a literal as the ISO 8601 text DuckDB reads as the same value; a text in a style not handled here is
left as it is (DuckDB then refuses it, as PostgreSQL does any text it cannot read).
"""

from __future__ import annotations

import bisect
import functools
import re
import struct
import zoneinfo
from datetime import datetime, timedelta
from pathlib import Path
from typing import NamedTuple

MONTHS = {name: number for number, names in enumerate([
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
    ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
    ("dec", "december")], start=1) for name in names}
WEEKDAYS = {"sun", "sunday", "mon", "monday", "tue", "tues", "tuesday", "wed", "wednes", "wednesday", "thu", "thur",
            "thurs", "thursday", "fri", "friday", "sat", "saturday"}
# PostgreSQL's Default zone abbreviations (its timezonesets/Default file) with a fixed offset, in minutes east of UTC
ZONE_ABBREVIATIONS = {
    "utc": 0, "gmt": 0, "z": 0, "zulu": 0, "ut": 0, "uct": 0,
    "pst": -480, "pdt": -420, "mst": -420, "mdt": -360, "cst": -360, "cdt": -300, "est": -300, "edt": -240,
    "akst": -540, "akdt": -480, "hst": -600, "ast": -240, "adt": -180, "nst": -210, "ndt": -150,
    "bst": 60, "wet": 0, "wetdst": 60, "cet": 60, "cest": 120, "cetdst": 120, "met": 60, "mest": 120, "eet": 120,
    "eest": 180, "eetdst": 180, "ist": 120, "idt": 180, "sast": 120, "eat": 180, "wat": 60, "pkt": 300,
    "ict": 420, "hkt": 480, "pht": 480, "awst": 480, "jst": 540, "kst": 540, "acst": 570, "acdt": 630,
    "aest": 600, "aedt": 660, "nzst": 720, "nzdt": 780, "brt": -180,
    "act": -300, "bot": -240, "bra": -180, "brst": -120, "cot": -300, "clst": -180, "egst": 0, "egt": -60,
    "fnt": -120, "fnst": -60, "gft": -180, "nft": -210, "pet": -300, "pmdt": -120, "pmst": -180, "pyst": -180,
    "uyst": -120, "uyt": -180, "wgst": -120, "wgt": -180, "ddut": 600, "aft": 270, "almt": 360, "almst": 420,
    "amt": -240, "bdt": 360, "bnt": 480, "bort": 480, "btt": 360, "cct": 480, "irt": 210, "jayt": 540, "kdt": 600,
    "kgst": 360, "mmt": 390, "myt": 480, "npt": 345, "pkst": 360, "tjt": 300, "ulast": 540, "uzst": 360, "uzt": 300,
    "xjt": 360, "yekst": 360, "azost": 0, "azot": -60, "acsst": 630, "acwst": 525, "aesst": 660, "awsst": 540,
    "cadt": 630, "cast": 570, "lhst": 630, "ligt": 600, "nzt": 720, "sadt": 630, "wadt": 480, "wast": 420,
    "wdt": 540, "bdst": 120, "fet": 180, "mesz": 120, "metdst": 120, "mez": 60, "msd": 240, "cxt": 420, "mut": 240,
    "must": 300, "mvt": 300, "ret": 240, "sct": 240, "tft": 300, "chadt": 825, "chast": 765, "chut": 600,
    "fjst": 780, "fjt": 720, "galt": -360, "gamt": -540, "gilt": 720, "mart": -570, "mht": 720, "mpt": 600,
    "pgt": 600, "pont": 660, "pwt": 540, "taht": -600, "tot": 780, "trut": 600, "tvt": 720, "vut": 660,
    "wakt": 720, "wft": 720, "yapt": 600,
}
# The Default set's abbreviations that PostgreSQL defines by a zone: the offset the zone last gave the abbreviation
# at or before the moment (the first one after, if none), or the zone's own offset where it never uses it (SGT)
ZONE_ABBREVIATION_ZONES = {
    "art": "America/Argentina/Buenos_Aires", "arst": "America/Argentina/Buenos_Aires", "clt": "America/Santiago",
    "gyt": "America/Guyana", "pyt": "America/Asuncion", "vet": "America/Caracas", "davt": "Antarctica/Davis",
    "mawt": "Antarctica/Mawson", "amst": "Asia/Yerevan", "anast": "Asia/Anadyr", "anat": "Asia/Anadyr",
    "azst": "Asia/Baku", "azt": "Asia/Baku", "gest": "Asia/Tbilisi", "get": "Asia/Tbilisi", "irkst": "Asia/Irkutsk",
    "irkt": "Asia/Irkutsk", "kgt": "Asia/Bishkek", "krast": "Asia/Krasnoyarsk", "krat": "Asia/Krasnoyarsk",
    "lkt": "Asia/Colombo", "magst": "Asia/Magadan", "magt": "Asia/Magadan", "novst": "Asia/Novosibirsk",
    "novt": "Asia/Novosibirsk", "omsst": "Asia/Omsk", "omst": "Asia/Omsk", "petst": "Asia/Kamchatka",
    "pett": "Asia/Kamchatka", "sgt": "Asia/Singapore", "tmt": "Asia/Ashgabat", "ulat": "Asia/Ulaanbaatar",
    "vlast": "Asia/Vladivostok", "vlat": "Asia/Vladivostok", "yakst": "Asia/Yakutsk", "yakt": "Asia/Yakutsk",
    "yekt": "Asia/Yekaterinburg", "fkst": "Atlantic/Stanley", "fkt": "Atlantic/Stanley", "lhdt": "Australia/Lord_Howe",
    "msk": "Europe/Moscow", "volt": "Europe/Volgograd", "iot": "Indian/Chagos", "ckt": "Pacific/Rarotonga",
    "easst": "Pacific/Easter", "east": "Pacific/Easter", "kost": "Pacific/Kosrae", "lint": "Pacific/Kiritimati",
    "nut": "Pacific/Niue", "tkt": "Pacific/Fakaofo",
}
# A POSIX zone (PST+1, UTC+3, +3): its offset counts hours west of UTC, the other way round from ISO 8601's
POSIX_ZONE = re.compile(r"([a-z]{3,})?([+-])(\d\d?)(?::(\d\d))?", re.IGNORECASE)
EPOCH = datetime(1970, 1, 1)


class ZoneRules(NamedTuple):
    """A zone's transitions as its TZif file lists them: UTC seconds, and the (offset in seconds east, abbreviation)
    in force from each; ``initial`` before the first; ``dst_ahead``: the file's rule for later times has DST."""

    times: list[int]
    kinds: list[tuple[int, str]]
    initial: tuple[int, str]
    dst_ahead: bool


@functools.lru_cache(maxsize=None)
def zone_rules(zone: str) -> ZoneRules | None:
    """The rules of a zone of the system's time zone database (as PostgreSQL compiles them), None without it."""
    path = next((Path(d) / zone for d in zoneinfo.TZPATH if (Path(d) / zone).is_file()), None)
    if path is None:
        return None
    data = path.read_bytes()
    if data[:4] != b"TZif":
        return None
    counts = struct.unpack(">6l", data[20:44])
    if data[4:5] >= b"2":  # skip the 32-bit block: the 64-bit one follows it
        isut, isstd, leap, timecnt, typecnt, charcnt = counts
        data = data[44 + timecnt * 5 + typecnt * 6 + charcnt + leap * 8 + isstd + isut:]
        counts, size, stamp = struct.unpack(">6l", data[20:44]), 8, ">q"
    else:
        size, stamp = 4, ">l"
    isut, isstd, leap, timecnt, typecnt, charcnt = counts
    at = 44
    times = [struct.unpack(stamp, data[at + i * size: at + (i + 1) * size])[0] for i in range(timecnt)]
    at += timecnt * size
    indexes = list(data[at: at + timecnt])
    at += timecnt
    types = [struct.unpack(">lBB", data[at + i * 6: at + i * 6 + 6]) for i in range(typecnt)]
    at += typecnt * 6
    chars = data[at: at + charcnt]

    def kind(index: int) -> tuple[int, str]:
        offset, _, abbreviation = types[index]
        return offset, chars[abbreviation: chars.index(b"\0", abbreviation)].decode()

    footer = data[at + charcnt + leap * (size + 4) + isstd + isut:].strip(b"\n").decode(errors="replace")
    # a POSIX TZ string names a daylight saving time after the standard time's offset: CET-1CEST,M3.5.0,...
    dst_ahead = re.fullmatch(r"(<[^>]*>|[a-z]+)[+-]?[\d:]+(<[^>]*>|[a-z]+).*", footer, re.IGNORECASE | re.DOTALL)
    return ZoneRules(times, [kind(i) for i in indexes], kind(0), dst_ahead is not None)


def abbreviation_offset(abbreviation: str, instant: int) -> int | None:
    """Seconds east of UTC that PostgreSQL gives a zone abbreviation of its Default set at the UTC second
    ``instant``; None when it is not one or its zone cannot be read."""
    word = abbreviation.lower()
    if word in ZONE_ABBREVIATIONS:
        return ZONE_ABBREVIATIONS[word] * 60
    rules = zone_rules(ZONE_ABBREVIATION_ZONES.get(word, ""))
    if rules is None:
        return None
    before = bisect.bisect_right(rules.times, instant)
    used = [i for i, (_, name) in enumerate(rules.kinds) if name.lower() == word]
    if used:
        earlier = [i for i in used if i < before]
        return rules.kinds[earlier[-1] if earlier else used[0]][0]
    if before == len(rules.times) and rules.dst_ahead:
        return None  # a time the file's own rule decides, with daylight saving time: not read here
    return rules.kinds[before - 1][0] if before else rules.initial[0]


def local_abbreviation_offset(abbreviation: str, local: int) -> int | None:
    """``abbreviation_offset`` of a time written with the abbreviation, ``local`` its wall-clock seconds since 1970:
    PostgreSQL asks at the moment the wall clock shows in the abbreviation's zone."""
    word = abbreviation.lower()
    rules = zone_rules(ZONE_ABBREVIATION_ZONES[word]) if word in ZONE_ABBREVIATION_ZONES else None
    if rules is None:
        return abbreviation_offset(word, local)
    before = bisect.bisect_right(rules.times, local)
    return abbreviation_offset(word, local - (rules.kinds[before - 1][0] if before else rules.initial[0]))


def posix_offset(zone: str) -> int | None:
    """Seconds east of UTC of a POSIX zone without daylight saving time (``UTC+3`` is 3 hours west), else None."""
    match = POSIX_ZONE.fullmatch(zone.strip())
    if match is None or int(match[3]) > 24 or int(match[4] or 0) > 59:
        return None
    west = int(match[3]) * 3600 + int(match[4] or 0) * 60
    return -west if match[2] == "+" else west


# ISO 8601 as DuckDB reads it (a fraction of at most six digits): left alone
ISO = re.compile(r"\d{4}-\d\d?-\d\d?(?:[ T]\d\d?:\d\d(?::\d\d(?:\.\d{1,6})?)?(?:\s*(?:[+-]\d\d(?::?\d\d)?|Z))?)?",
                 re.IGNORECASE)
TIME = re.compile(r"(\d\d?):(\d\d)(?::(\d\d)(?:\.(\d+))?)?((?:[+-]\d\d?(?::?\d\d)?|[a-z]+(?:[+-]\d\d?(?::\d\d)?)?))?",
                  re.IGNORECASE)
# ISO 8601's basic time after a date: hhmmss or hhmm, a fraction after the seconds
BASIC_TIME = re.compile(r"(\d\d)(\d\d)(?:(\d\d)(?:\.(\d+))?)?((?:[+-]\d\d?(?::?\d\d)?|[a-z]+(?:[+-]\d\d?(?::\d\d)?)?))?",
                        re.IGNORECASE)
OFFSET = re.compile(r"([+-])(\d\d?)(?::?(\d\d))?")
SEPARATED = re.compile(r"([a-z0-9]+)([-/.])([a-z0-9]+)\2([a-z0-9]+)", re.IGNORECASE)
DAY_OF_YEAR = re.compile(r"(\d{4})[-.](\d{3})")
JULIAN = re.compile(r"j(\d+)", re.IGNORECASE)
JULIAN_ORDINAL = 1721425  # Julian day number - Python's proleptic Gregorian ordinal


def _days_in_month(year: int, month: int) -> int:
    """For an astronomical year (0 is 1 BC)."""
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]


def _year(text: str) -> int:
    """A year field: one or two digits are 1970..2069, as PostgreSQL reads them."""
    year = int(text)
    return year + (2000 if year < 70 else 1900) if len(text) <= 2 else year


class _Fields:
    """The fields of one input text, collected token by token."""

    def __init__(self):
        self.date: tuple[int, int, int] | None = None
        self.month: int | None = None
        self.numbers: list[str] = []
        self.order: list[str] = []  # "m" and "n": where the month name stands among the numbers
        self.time: tuple[int, int, int, str] | None = None
        self.meridiem: str | None = None
        self.offset: int | None = None  # minutes east of UTC
        self.zone: str | None = None  # an abbreviation whose offset depends on the time (ZONE_ABBREVIATION_ZONES)
        self.bc = False

    def add_token(self, token: str) -> bool:
        word = token.lower()
        if word in MONTHS and self.month is None:
            self.month = MONTHS[word]
            self.order.append("m")
        elif word in WEEKDAYS:
            pass  # PostgreSQL ignores the day of the week
        elif word in ("am", "pm") and self.meridiem is None:
            self.meridiem = word
        elif word in ("bc", "ad"):
            self.bc = word == "bc"
        elif word in ZONE_ABBREVIATIONS and self.offset is None and self.zone is None:
            self.offset = ZONE_ABBREVIATIONS[word]
        elif word in ZONE_ABBREVIATION_ZONES and self.offset is None and self.zone is None:
            self.zone = word
        elif (match := POSIX_ZONE.fullmatch(token)) and match[1] and self.offset is None and self.zone is None:
            offset = posix_offset(token)
            if offset is None:
                return False
            self.offset = offset // 60
        elif (match := JULIAN.fullmatch(token)) and self.date is None:
            ordinal = int(match[1]) - JULIAN_ORDINAL
            if not 1 <= ordinal <= datetime.max.toordinal():
                return False
            day = datetime.fromordinal(ordinal)
            self.date = (day.year, day.month, day.day)
        elif (match := TIME.fullmatch(token)) and self.time is None:
            self.time = (int(match[1]), int(match[2]), int(match[3] or 0), match[4] or "")
            return match[5] is None or self.add_token(match[5])
        elif (match := OFFSET.fullmatch(token)) and self.offset is None and (self.time or self.date or self.month):
            minutes = int(match[2]) * 60 + int(match[3] or 0)
            self.offset = -minutes if match[1] == "-" else minutes
        elif (match := DAY_OF_YEAR.fullmatch(token)) and self.date is None:
            year, day = int(match[1]), int(match[2])
            if not 1 <= day <= (366 if _days_in_month(year, 2) == 29 else 365):
                return False
            moment = datetime(year, 1, 1) + timedelta(days=day - 1)
            self.date = (moment.year, moment.month, moment.day)
        elif match := SEPARATED.fullmatch(token):
            parts = [match[1], match[3], match[4]]
            if all(p.isdigit() for p in parts) and self.date is None:
                year, month, day = parts if len(parts[0]) > 2 else (parts[2], parts[0], parts[1])
                self.date = (_year(year), int(month), int(day))
            else:
                return all(self.add_token(p) for p in parts)
        elif (match := BASIC_TIME.fullmatch(token)) and self.date is not None and self.time is None:
            self.time = (int(match[1]), int(match[2]), int(match[3] or 0), match[4] or "")
            return match[5] is None or self.add_token(match[5])
        elif token.isdigit() and len(token) == 8 and self.date is None and not self.numbers:
            self.date = (int(token[:4]), int(token[4:6]), int(token[6:]))
        elif token.isdigit() and len(token) == 6 and self.date is None and self.month is None and not self.numbers:
            self.date = (_year(token[:2]), int(token[2:4]), int(token[4:]))
        elif token.isdigit():
            self.numbers.append(token)
            self.order.append("n")
        else:
            return False
        return True

    def day(self) -> tuple[int, int, int] | None:
        """(year, month, day) as written (the year of its era), or None when the fields are not a date."""
        if self.date is not None:
            return self.date if self.month is None and not self.numbers else None
        if self.month is None or len(self.numbers) != 2:
            return None
        first, second = self.numbers
        order = "".join(self.order)
        if order == "mnn" or order == "nmn":
            year, day = (first, second) if len(first) > 2 else (second, first)
        elif order == "nnm" and len(first) > 2:
            year, day = first, second
        else:
            return None
        if len(day) > 2:
            return None
        return (int(year) if self.bc else _year(year)), self.month, int(day)


def iso_text(text: str, kind: str) -> str | None:
    """``text`` (a date, timestamp or timestamptz literal: ``kind`` 'date', 'timestamp' or 'timestamptz') in
    DuckDB's ISO 8601 words; None when DuckDB reads it as PostgreSQL does or its style is not handled here."""
    text = text.strip()
    if ISO.fullmatch(text):
        return None
    fields = _Fields()
    tokens = re.split(r"[\s,]+", re.sub(r"^(\d{4,}-\d\d?-\d\d?|\d{6}|\d{8})T(?=\d)", r"\1 ", text, flags=re.IGNORECASE))
    if not all(fields.add_token(t) for t in tokens if t) or (day := fields.day()) is None:
        return None
    year, month, day_of_month = day
    astronomical = 1 - year if fields.bc else year
    if not (1 <= month <= 12 and 1 <= day_of_month <= _days_in_month(astronomical, month)) or not 1 <= year <= 9999:
        return None
    hour, minute, second, fraction = fields.time or (0, 0, 0, "")
    if fields.meridiem:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if fields.meridiem == "pm" else 0)
    # PostgreSQL rounds the fraction to microseconds as C's rint() does the double (half to even)
    micros = round(float("0." + fraction) * 1_000000) if fraction else 0
    # 24:00:00 is midnight at the end of the day
    end_of_day = hour == 24 and minute == second == micros == 0
    if hour > 23 and not end_of_day or minute > 59 or second > 59:
        return None
    # a BC date's time is computed on a year with the same February (Python's years start at 1)
    leap = _days_in_month(astronomical, 2) == 29
    start = datetime(2000 if fields.bc and leap else 2001 if fields.bc else year, month, day_of_month,
                     0 if end_of_day else hour, minute, second)
    try:
        moment = start + timedelta(days=end_of_day, microseconds=micros)
    except OverflowError:
        return None
    if moment.date() != start.date() and kind != "date":
        if fields.bc:
            return None  # the next day of a BC date (24:00, a fraction rounding up): not handled here
        year, month, day_of_month = moment.year, moment.month, moment.day
    written = f"{year:04d}-{month:02d}-{day_of_month:02d}" + (" (BC)" if fields.bc else "")
    if kind == "date":
        return written
    written += f" {moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}"
    if moment.microsecond:
        written += f".{moment.microsecond:06d}"
    if kind == "timestamptz" and fields.zone:
        if fields.bc:
            return None
        offset = local_abbreviation_offset(fields.zone, int((moment - EPOCH).total_seconds()))
        if offset is None or offset % 60:
            return None
        fields.offset = offset // 60
    if kind == "timestamptz" and fields.offset:
        sign, minutes = ("-", -fields.offset) if fields.offset < 0 else ("+", fields.offset)
        written += f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"
    elif kind == "timestamptz" and fields.offset == 0:
        written += "+00"
    return written

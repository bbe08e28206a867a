"""One escaping rule for every text output (CSV, Markdown, tables, workbooks).

Values from AWS data (user agents, error messages, resource names, tags) are attacker-controlled. The rules:

- **Formula prefixes.** A *text* value starting with ``=``, ``+``, ``-``, ``@``, TAB or CR (the OWASP CSV
  injection prefixes) gets a leading apostrophe in CSV, Markdown and table output; the workbook stores it as a
  string with Excel's quote prefix. Only text is neutralised: numbers (``-5``), timestamps, intervals, booleans
  and JSON documents are written as they are, so ``query -o csv`` keeps Steampipe's values for them. JSON and
  jsonl output always keep the exact text.
- **CSV quoting.** A field holding the separator (a comma unless another is chosen), a double quote, CR or LF
  is quoted (Python's ``csv`` module leaves a lone CR unquoted when the line ends in LF, which splits the record
  in most readers).
- **Markdown.** ``|``, backticks, a backslash before punctuation, ``[``, ``]`` are backslash-escaped, ``&``, ``<``, ``>`` become HTML
  entities, line breaks become spaces, and a ``javascript:`` scheme loses its colon's meaning (``javascript\\:``),
  so no value can add a table column, a link, an image, inline code or HTML.
- **HTML.** ``&``, ``<``, ``>``, ``"`` and ``'`` become character references (text and attribute values alike), and
  formula-like text is neutralised as in Markdown (an HTML table pasted into a spreadsheet), so no value can add
  an element, an attribute, a script or a formula.
"""

from __future__ import annotations

import html
import re
from operator import itemgetter

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_PREFIX_CHARACTERS = frozenset(FORMULA_PREFIXES)  # every prefix is one character
_MD_SPECIAL = re.compile(r"([|`\[\]])")
_MD_BACKSLASH = re.compile(r"\\(?=[!-/:-@\[-`{-~])")  # a backslash that would escape the punctuation after it
_SCRIPT_SCHEME = re.compile(r"(?i)\b(javascript|vbscript|data)\s*:")


def formula_like(text: str) -> bool:
    """True when a spreadsheet could read the text as a formula (the OWASP CSV-injection prefixes)."""
    return text.startswith(FORMULA_PREFIXES)


def neutralise(text: str) -> str:
    """Text that a spreadsheet shows as text: formula-like values get a leading apostrophe."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def csv_special(text: str, separator: str = ",") -> bool:
    """Whether ``text`` holds the separator, a quote, CR or LF (four substring searches: faster than a regular
    expression)."""
    return '"' in text or separator in text or "\r" in text or "\n" in text


def csv_field(text: str, separator: str = ",") -> str:
    """One CSV field: quoted (quotes doubled) when it holds the separator, a quote, CR or LF."""
    return '"' + text.replace('"', '""') + '"' if csv_special(text, separator) else text


def csv_line(fields: list[str], separator: str = ",") -> str:
    """One CSV record ending in LF. A record of one empty field is written ``""`` so it is not a blank line."""
    if len(fields) == 1 and fields[0] == "":
        return '""\n'
    return separator.join(csv_field(f, separator) for f in fields) + "\n"


def neutralise_all(texts: list[str] | tuple[str, ...]) -> list[str]:
    """``neutralise`` of each text; when none starts with a formula prefix (a set of their first characters),
    they are returned as they are."""
    if _PREFIX_CHARACTERS.isdisjoint(map(itemgetter(slice(0, 1)), texts)):
        return list(texts)
    return [neutralise(text) for text in texts]


def csv_records(columns: list[list[str]], separator: str = ",") -> str:
    """The CSV records (``csv_line`` each) of fields given column by column, all of the same length: a column
    whose whole text holds no separator, quote, CR or LF is not checked field by field."""
    if len(columns) == 1:
        return "".join(csv_line([field], separator) for field in columns[0])
    lines = "\n".join(map(separator.join, zip(*(csv_column(column, separator) for column in columns))))
    return lines + "\n" if lines else ""


def csv_column(column: list[str], separator: str = ",") -> list[str]:
    """``csv_field`` of each text of a column; when their whole text holds no separator, quote, CR or LF (one
    search instead of one per field), the column as it is."""
    return [csv_field(f, separator) for f in column] if csv_special("".join(column), separator) else column


def md_text(text: str) -> str:
    """A text value for a Markdown table cell or line: neutralised (a Markdown table pasted into a spreadsheet)
    and escaped so that no Markdown or HTML structure survives (see the module text). Markdown trims a cell's
    leading spaces, so they do not hide a formula prefix."""
    return md_escape("'" + text if formula_like(text.lstrip(" ")) else text)


def md_escape(text: str) -> str:
    """Markdown/HTML escaping only, for values that are not text (numbers, times, JSON)."""
    text = _MD_BACKSLASH.sub(r"\\\\", text)
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _SCRIPT_SCHEME.sub(lambda m: m.group(1) + "\\:", text)
    return text.replace("\r\n", " ").replace("\r", " ").replace("\n", " ")


def html_text(text: str) -> str:
    """A text value for HTML element content or a quoted attribute: neutralised and escaped (see the module
    text). Leading spaces do not hide a formula prefix."""
    return html.escape("'" + text if formula_like(text.lstrip(" ")) else text, quote=True)

"""Making untrusted text safe for spreadsheets. CloudTrail fields (user agents, error messages, resource names)
are attacker-controlled, so no cell value may ever become a formula, break the file's XML, or exceed a cell."""

from __future__ import annotations

import re

from iamsql.common.escaping import neutralise

EXCEL_CELL_LIMIT = 32_767
# Characters XML 1.0 forbids (the C0 controls except tab, newline and carriage return); openpyxl refuses them.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def xml_safe(text: str) -> str:
    """The text with XML-forbidden control characters shown as ``\\xNN`` instead of dropped silently."""
    return _XML_ILLEGAL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def truncate(text: str, limit: int = EXCEL_CELL_LIMIT) -> str:
    """The text cut to ``limit`` characters with a marker saying how long it was; shorter text unchanged."""
    if len(text) <= limit:
        return text
    marker = f" [truncated: {len(text):,} characters; the JSON report has the full text]"
    return text[: limit - len(marker)] + marker


def cell_text(text: str) -> str:
    """Text as it goes into a workbook cell: XML-safe and within Excel's cell limit."""
    return truncate(xml_safe(text))


def csv_text(text: str) -> str:
    """Text as it goes into a CSV field: formula-like values get a leading apostrophe, which spreadsheets
    show as text and do not evaluate."""
    return neutralise(text)

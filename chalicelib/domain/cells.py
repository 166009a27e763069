"""Text bound for a spreadsheet cell (CSV/formula injection). Pure, and light: the SLA report's CSV
(adapters/spreadsheet.py) and the open data's CSV (domain/public_register.py) both use it, and the open
data must not load openpyxl to write a CSV."""

from __future__ import annotations

from typing import Any

# A text cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: Any) -> str:
    """Text for a CSV cell: a leading ``= + - @`` (tab, CR) gets a ``'`` so no program runs it."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text

"""Text cells of exported spreadsheets (CSV, xlsx) that no spreadsheet program runs as a formula. Pure.

A staff name or a citizen's rating comment that starts with =, +, -, @, a tab or a carriage return would
be read as a formula when the manager opens the export (CSV injection). As OWASP recommends, such a cell
gets a leading single quote, which spreadsheets show as text. Numbers are left as they are.
"""

from __future__ import annotations

from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values: Iterable[object]) -> list[object]:
    return [safe_cell(v) for v in values]

"""Cells of CSV files that people open in spreadsheets."""

from __future__ import annotations

# OWASP "CSV injection": a text cell starting with one of these runs as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Text starting like a formula gets a leading ``'``; numbers and empty cells stay as
    they are."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value

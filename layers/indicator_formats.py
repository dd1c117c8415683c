"""The one table of indicator file formats (no heavy imports: the CLI builds its choices
from it; ``services.indicators.store`` dispatches through it)."""

from __future__ import annotations

import importlib
from dataclasses import dataclass


@dataclass(frozen=True)
class IndicatorFormat:
    code: str
    label: str
    reader: str  # "module:function"; every reader takes (path, *, year, spec, max_year)
    needs_spec: bool = False  # the file does not name its indicator: --code and --name
    repairs_codes: bool = False  # codes a spreadsheet shortened can be repaired

    def read(self, path, **options):
        module, _, function = self.reader.partition(":")
        return getattr(importlib.import_module(module), function)(path, **options)


INDICATOR_FORMATS = {f.code: f for f in (
    IndicatorFormat("bdl-csv", "GUS Bank Danych Lokalnych CSV export",
                    "layers.indicator_readers:read_bdl_csv", repairs_codes=True),
    IndicatorFormat("gus-t21", "GUS 'Powierzchnia i ludność', table 21",
                    "layers.indicator_readers:read_gus_t21"),
    IndicatorFormat("csv", "plain CSV: teryt, year, value",
                    "layers.indicator_readers:read_plain_csv", needs_spec=True),
)}

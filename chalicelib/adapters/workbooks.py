"""The ``Workbooks`` port (service/ports.py): the monthly report's workbook, rendered by adapters/spreadsheet.py."""

from __future__ import annotations


class XlsxWorkbooks:
    def xlsx(self, report: dict) -> bytes:
        from .spreadsheet import render_xlsx  # openpyxl: loaded when a report is rendered, not on a cold start

        return render_xlsx(report)

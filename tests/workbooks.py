"""Reading a monthly report's workbook back into figures (the integration and end-to-end report tests)."""

from __future__ import annotations

from typing import Any

from chalicelib.adapters.spreadsheet import BREAKDOWNS, ROW_COLUMNS, TOTALS


def figures_of(workbook) -> dict:
    """The figures a workbook shows, in the report's shape (labels and the generated time aside)."""
    out: dict[str, Any] = {}
    for breakdown in BREAKDOWNS:
        ws = workbook[breakdown.sheet]
        headings = {str(c.value).split("\n")[-1]: c.column for c in ws[1]}
        out[breakdown.section] = [
            {
                breakdown.key: ws.cell(row, 1).value,
                **{c.field: ws.cell(row, headings[c.en]).value for c in ROW_COLUMNS if c.en in headings},
            }
            for row in range(2, ws.max_row + 1)
        ]
    summary = workbook["Ringkasan"]
    values = {summary.cell(r, 1).value: summary.cell(r, 2).value for r in range(1, summary.max_row + 1)}
    out["totals"] = {field: values[f"{label_id} / {label_en}"] for field, label_id, label_en, _ in TOTALS}
    return out

"""The SLA report as a picture: one SVG document, drawn on the server with a Jinja2 template.

``render_svg(report, lang)`` takes the report of ``GET /staff/reports/sla`` (the JSON contract,
``service/reports.py``) and draws

(a) per month, the cases received and answered (bars) with the share answered within the SOP time
    (a line with dots on a 0–100 % scale), and
(b) per stage, the share of visits decided within the SOP time (horizontal bars, the figure
    written beside each bar; ``–`` for a stage with nothing decided yet). Every stage the report
    lists is drawn, decided or not, so the whole procedure is always in view.

The layout — every coordinate — is computed here; ``templates/reports/charts.svg`` only draws it,
and the environment autoescapes ``.svg`` templates, so a label is always text, never markup. The
document scales to its container (``width="100%"`` and a ``viewBox`` 320 units wide, about one
CSS pixel per unit on a phone), carries ``role="img"`` with a ``<title>`` and a ``<desc>`` that
says every figure for screen readers, and has no scripts, no styles and no external references.
A report without figures draws "Belum ada data" / "No data yet" instead of empty axes.
"""

from __future__ import annotations

import math
from typing import Any

from chalicelib.domain.calendar import MONTHS_EN, MONTHS_ID
from chalicelib.domain.durations import DASH
from chalicelib.domain.report import period_text
from chalicelib.rendering import environment, format_number

TEMPLATE = "reports/charts.svg"
WIDTH = 320
FONT = 14  # labels; about 12–14 px on a 360 px phone inside the console's cards
SMALL = 12  # axis ticks
# (a) monthly volume: counts on the left axis, percentages on the right one.
PLOT_LEFT, PLOT_RIGHT = 36, WIDTH - 40
PLOT_TOP, PLOT_HEIGHT = 66, 140
MAX_MONTH_LABELS = 6  # beyond that only every n-th month is named (each bar still has its <title>)
# (b) per stage: a label line, then a bar on a 0–100 % track with the figure after the bar.
STAGE_LEFT, STAGE_TRACK = 8, WIDTH - 8 - 56
STAGE_ROW = 46
MAX_LABEL = 24  # characters of a stage label before it is cut with "…" (the count sits on the same line)

COLOURS = {
    "received": "#9fc5e8",
    "answered": "#0b5394",
    "on_time": "#b45f06",
    "track": "#e3e7ee",
    "grid": "#cdd5df",
    "text": "#1a1a1a",
    "muted": "#555555",
}
# Each language's phrases (str) and month names (sequences of str).
TEXTS: dict[str, dict[str, Any]] = {
    "id": {
        "title": "Laporan SLA",
        "volume": "Laporan per bulan",
        "stages": "Dalam waktu SOP per tahap",
        "received": "Diterima",
        "answered": "Dijawab",
        "on_time": "Tepat waktu",
        "no_data": "Belum ada data",
        "decided": "{n} diputuskan",
        "period": "Periode {p}.",
        "totals": "Diterima {r}, dijawab {a}; {p} dijawab dalam waktu SOP.",
        "month": "{m}: diterima {r}, dijawab {a}, tepat waktu {p}",
        "per_month": "Per bulan — {items}.",
        "stage": "{s}: {p} dari {n} diputuskan",
        "per_stage": "Dalam waktu SOP per tahap — {items}.",
        "months": MONTHS_ID,
        "short": ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"),
    },
    "en": {
        "title": "SLA report",
        "volume": "Reports per month",
        "stages": "Within SOP time per stage",
        "received": "Received",
        "answered": "Answered",
        "on_time": "On time",
        "no_data": "No data yet",
        "decided": "{n} decided",
        "period": "Period {p}.",
        "totals": "Received {r}, answered {a}; {p} answered within SOP time.",
        "month": "{m}: received {r}, answered {a}, on time {p}",
        "per_month": "Per month — {items}.",
        "stage": "{s}: {p} of {n} decided",
        "per_stage": "Within SOP time per stage — {items}.",
        "months": MONTHS_EN,
        "short": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    },
}


def render_svg(report: dict, lang: str = "id") -> str:
    """The report's charts as one SVG document (text; serve it as ``image/svg+xml``)."""
    lang = lang if lang in TEXTS else "id"
    text = TEXTS[lang]
    volume = _volume(report.get("by_month") or [], lang)
    stages = _stages(report.get("by_stage") or [], lang, top=volume["height"] + 16)
    return (
        environment()
        .get_template(TEMPLATE)
        .render(
            width=WIDTH,
            height=_f(stages["top"] + stages["height"]),
            lang=lang,
            font=FONT,
            small=SMALL,
            plot_left=PLOT_LEFT,
            plot_right=PLOT_RIGHT,
            colours=COLOURS,
            title=_title(report, text),
            desc=_desc(report, lang),
            volume=volume,
            stages=stages,
        )
    )


# -- (a) per month ------------------------------------------------------------------------------
def _volume(months: list[dict], lang: str) -> dict:
    text = TEXTS[lang]
    panel: dict[str, Any] = {
        "heading": text["volume"],
        "height": PLOT_TOP + PLOT_HEIGHT + 36,
        "empty": None,
        "legend": _legend(text),
        "groups": [],
        "grid": [],
        "segments": [],
        "dots": [],
    }
    counts = [(_count(m.get("received")), _count(m.get("completed"))) for m in months]  # completed: answered
    if not any(r or a for r, a in counts):
        panel["empty"] = {"x": WIDTH / 2, "y": 56, "text": text["no_data"]}  # under the heading, no legend
        panel["height"] = 72
        return panel
    top = _scale_max(max(max(r, a) for r, a in counts))
    bottom = PLOT_TOP + PLOT_HEIGHT
    panel["grid"] = [
        {
            "y": _f(bottom - share * PLOT_HEIGHT),
            "text_y": _f(bottom - share * PLOT_HEIGHT + 4),
            "count": _int(top * share, lang),
            "percent": _pct(100 * share, lang),
        }
        for share in (0, 0.5, 1)
    ]
    slot = (PLOT_RIGHT - PLOT_LEFT) / len(months)
    bar = min(28.0, slot * 0.36)
    step = math.ceil(len(months) / MAX_MONTH_LABELS)
    points: list[tuple[float, float] | None] = []
    previous_year = None
    for index, (month, (received, answered)) in enumerate(zip(months, counts, strict=True)):
        centre = PLOT_LEFT + slot * (index + 0.5)
        name = _label(month, "month", lang)
        code = str(month.get("month") or "")
        bars = []
        for series, value, x in (("received", received, centre - bar), ("answered", answered, centre)):
            height = value / top * PLOT_HEIGHT
            bars.append(
                {
                    "series": series,
                    "x": _f(x),
                    "y": _f(bottom - height),
                    "width": _f(bar),
                    "height": _f(height),
                    "value": value,
                    "fill": COLOURS[series],
                    "title": f"{name} — {text[series].lower()}: {_int(value, lang)}",
                }
            )
        short, year = _short_month(code, name, lang)
        show_year = year is not None and year != previous_year
        labelled = index % step == 0
        if labelled:
            previous_year = year
        panel["groups"].append(
            {
                "month": code,
                "bars": bars,
                "x": _f(centre),
                "label": short if labelled else None,
                "year": str(year) if labelled and show_year else None,
            }
        )
        pct = _percent(month.get("within_sop_pct"))
        if pct is None:
            points.append(None)
            continue
        y = bottom - pct / 100 * PLOT_HEIGHT
        points.append((centre, y))
        panel["dots"].append(
            {
                "cx": _f(centre),
                "cy": _f(y),
                "value": _f(pct),
                "title": f"{name} — {text['on_time'].lower()}: {_pct(pct, lang)}",
            }
        )
    run: list[tuple[float, float]] = []
    for point in points + [None]:  # a month without answers breaks the line
        if point is None:
            if len(run) > 1:
                panel["segments"].append(" ".join(f"{_f(x)},{_f(y)}" for x, y in run))
            run = []
        else:
            run.append(point)
    panel["label_y"] = _f(bottom + 16)
    panel["year_y"] = _f(bottom + 30)
    return panel


def _legend(text: dict) -> list[dict]:
    items, x = [], 8.0
    for series in ("received", "answered", "on_time"):
        items.append(
            {
                "series": series,
                "x": _f(x),
                "x_end": _f(x + 14),
                "x_mid": _f(x + 7),
                "text_x": _f(x + 18),
                "text": text[series],
                "fill": COLOURS[series],
            }
        )
        x += 18 + len(text[series]) * SMALL * 0.62 + 16  # about the width of the legend's text
    return items


def _scale_max(value: int) -> int:
    """The top of the count axis: a round number whose half is a whole number too (0, half, top are labelled)."""
    for power in range(0, 12):
        for half in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 7.5, 8):
            half_value = half * 10**power
            if half_value == int(half_value) and 2 * half_value >= value:
                return int(2 * half_value)
    return int(value)


def _short_month(code: str, name: str, lang: str) -> tuple[str, int | None]:
    try:
        year, month = (int(part) for part in code.split("-", 1))
        return TEXTS[lang]["short"][month - 1], year
    except (ValueError, IndexError):
        return _clip(name, 8), None


# -- (b) per stage -------------------------------------------------------------------------------
def _stages(rows: list[dict], lang: str, top: float) -> dict:
    text = TEXTS[lang]
    panel: dict[str, Any] = {
        "top": top,
        "heading": text["stages"],
        "heading_y": _f(top + 20),
        "rows": [],
        "empty": None,
    }
    if not rows:
        panel["empty"] = {"x": WIDTH / 2, "y": _f(top + 56), "text": text["no_data"]}
        panel["height"] = 76
        return panel
    for index, row in enumerate(rows):
        y = top + 36 + index * STAGE_ROW
        pct = _percent(row.get("within_sop_pct"))
        completed = _count(row.get("completed"))
        width = 0.0 if pct is None else pct / 100 * STAGE_TRACK
        panel["rows"].append(
            {
                "stage": str(row.get("stage") or ""),
                "label": _clip(_label(row, "stage", lang), MAX_LABEL),
                "decided": TEXTS[lang]["decided"].format(n=_int(completed, lang)),
                "label_y": _f(y + 14),
                "track": {"x": STAGE_LEFT, "y": _f(y + 20), "width": STAGE_TRACK, "height": 16},
                "bar": None
                if pct is None
                else {"x": STAGE_LEFT, "y": _f(y + 20), "width": _f(width), "height": 16, "value": _f(pct)},
                "figure": _pct(pct, lang),
                "figure_x": _f(STAGE_LEFT + width + 6),
                "figure_y": _f(y + 33),
            }
        )
    panel["height"] = 36 + len(rows) * STAGE_ROW + 4
    return panel


# -- words for screen readers -----------------------------------------------------------------------
def _title(report: dict, text: dict) -> str:
    period = _period(report, text)
    return f"{text['title']}, {period}" if period else text["title"]


def _desc(report: dict, lang: str) -> str:
    text = TEXTS[lang]
    totals = report.get("totals") or {}
    parts = []
    period = _period(report, text)
    if period:
        parts.append(text["period"].format(p=period))
    parts.append(
        text["totals"].format(
            r=_int(_count(totals.get("received")), lang),
            a=_int(_count(totals.get("answered")), lang),
            p=_pct(_percent(totals.get("answered_within_sop_pct")), lang),
        )
    )
    months = [
        text["month"].format(
            m=_label(m, "month", lang),
            r=_int(_count(m.get("received")), lang),
            a=_int(_count(m.get("completed")), lang),
            p=_pct(_percent(m.get("within_sop_pct")), lang),
        )
        for m in report.get("by_month") or []
    ]
    if months:
        parts.append(text["per_month"].format(items="; ".join(months)))
    stages = [
        text["stage"].format(
            s=_label(s, "stage", lang),
            p=_pct(_percent(s.get("within_sop_pct")), lang),
            n=_int(_count(s.get("completed")), lang),
        )
        for s in report.get("by_stage") or []
    ]
    if stages:
        parts.append(text["per_stage"].format(items="; ".join(stages)))
    if not months and not stages:
        parts.append(text["no_data"] + ".")
    return " ".join(parts)


def _period(report: dict, text: dict) -> str:
    """The report's own ``label`` (a period not over says "to date"), as the email and workbook say it."""
    if not report.get("label") and not (report.get("from") and report.get("to")):
        return ""
    try:
        return period_text(report, "en" if text is TEXTS["en"] else "id")
    except ValueError:
        return f"{report.get('from')} – {report.get('to')}"


# -- small things -------------------------------------------------------------------------------------
def _label(row: dict, key: str, lang: str) -> str:
    """The row's label in ``lang`` (then Indonesian, then its code): as given, the template escapes it."""
    label = row.get("label")
    if isinstance(label, dict):
        label = label.get(lang) or label.get("id")
    return str(label or row.get(key) or "-")


def _clip(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def _count(value) -> int:
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return 0


def _percent(value) -> float | None:
    """A share 0..100, or None for "nothing to measure yet"."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else min(100.0, max(0.0, number))


def _int(value: float, lang: str) -> str:
    return format_number(value, 0, lang)


def _pct(value: float | None, lang: str) -> str:
    if value is None:
        return DASH
    rounded = round(value, 1)
    return format_number(rounded, 0 if rounded == int(rounded) else 1, lang) + "%"


def _f(value: float) -> str:
    """A coordinate: two decimals at most, no trailing zeros."""
    return f"{value:.2f}".rstrip("0").rstrip(".")

"""A realistic SLA report (the JSON of ``GET /staff/reports/sla``, service/reports.py ``sla_report``).

Three months (September to November 2026) of a provincial service, consistent with itself: the
totals are the sums of the monthly, channel and category rows; the stage rows' reminders and
escalations add up to the totals; the agency rows are the visits of the agency stage. Some rows
have nothing to divide (``null`` percentages, medians and ratings).

Use ``sample_report()`` (a fresh deep copy) in tests: ``from .report_sample import sample_report``.
"""

from __future__ import annotations

import copy

from chalicelib.domain import sop
from chalicelib.domain.durations import working_time_text


def _row(
    sop, completed, median, p90, within_pct, breached, reminders=0, escalations=0, rating=None, ratings=0, **extra
):
    return {
        **extra,
        "sop_business_minutes": sop,
        "sop_text": working_time_text(sop, 480),
        "completed": completed,
        "median_business_minutes": median,
        "median_text": working_time_text(median, 480),
        "p90_business_minutes": p90,
        "p90_text": working_time_text(p90, 480),
        "within_sop_pct": within_pct,
        "breached": breached,
        "reminders": reminders,
        "escalations": escalations,
        "rating_average": rating,
        "ratings": ratings,
    }


WHOLE_SOP = 960  # the whole case: two working days of 8 office hours

SAMPLE_REPORT: dict = {
    "from": "2026-09-01",
    "to": "2026-11-30",
    "generated_at": "2026-12-01T00:00:05Z",
    "label": {"id": "1 September – 30 November 2026", "en": "1 September – 30 November 2026"},
    "to_date": False,
    "timezone": "Asia/Makassar",
    "working_day_business_minutes": 480,
    "items_read": 57,
    "totals": {
        "received": 122,
        "answered": 100,
        "closed": 90,
        "open": 22,
        "overdue_open": 3,
        "answered_within_sop": 85,
        "answered_within_sop_pct": 85.0,
        "breached": 15,
        "reminders": 14,
        "escalations": 4,
        "rating_average": 4.1,
        "ratings": 31,
    },
    "by_stage": [
        {
            "stage": "intake",
            "label": {"id": "Penerimaan pengaduan", "en": "Intake"},
            **_row(10, 118, 4.5, 12.0, 92.4, 9, 6, 2),
        },
        {
            "stage": "classification",
            "label": {"id": "Klasifikasi", "en": "Classification"},
            **_row(120, 112, 35.2, 140.0, 88.4, 13, 4, 1),
        },
        {
            "stage": "opd_response",
            "label": {"id": "Tanggapan OPD", "en": "Agency response"},
            **_row(960, 84, 410.0, 1120.5, 83.3, 14, 3, 1, 4.1, 31),
        },
        {
            "stage": "review",
            "label": {"id": "Pemeriksaan tanggapan", "en": "Review of the response"},
            **_row(10, 90, 3.1, 8.0, 95.6, 4, 1, 0),
        },
        {
            "stage": "reply",
            "label": {"id": "Balasan kepada pelapor", "en": "Reply to the citizen"},
            **_row(30, 100, 12.0, 28.5, 93.0, 7, 0, 0),
        },
    ],
    "by_opd": [
        {
            "opd": "PUPR-PERA",
            "label": {
                "id": "Dinas Pekerjaan Umum, Penataan Ruang dan Perumahan Rakyat",
                "en": "Dinas Pekerjaan Umum, Penataan Ruang dan Perumahan Rakyat",
            },
            **_row(960, 30, 520.0, 1250.0, 76.7, 7, 2, 1, 3.8, 11),
        },
        {
            "opd": "DINKES",
            "label": {"id": "Dinas Kesehatan", "en": "Dinas Kesehatan"},
            **_row(960, 20, 300.5, 900.0, 90.0, 2, 0, 0, 4.4, 8),
        },
        {
            "opd": "DISHUB",
            "label": {"id": "Dinas Perhubungan", "en": "Dinas Perhubungan"},
            **_row(960, 14, 380.0, 1010.0, 85.7, 2, 1, 0, 4.0, 5),
        },
        {
            "opd": "RSUD-AWS",
            "label": {"id": "RSUD Abdul Wahab Sjahranie", "en": "RSUD Abdul Wahab Sjahranie"},
            **_row(960, 12, 450.0, 980.0, 83.3, 2, 0, 0, 4.5, 4),
        },
        {
            "opd": "DLH",
            "label": {"id": "Dinas Lingkungan Hidup", "en": "Dinas Lingkungan Hidup"},
            **_row(960, 8, 610.0, 1400.0, 87.5, 1, 0, 0, 4.3, 3),
        },
        {
            "opd": "SATPOLPP",
            "label": {"id": "Satuan Polisi Pamong Praja", "en": "Satuan Polisi Pamong Praja"},
            **_row(960, 0, None, None, None, 0),
        },
    ],
    "by_channel": [
        {
            "channel": "web",
            "label": {"id": "Situs web", "en": "Website"},
            "received": 80,
            **_row(WHOLE_SOP, 66, 820.0, 2210.0, 84.8, 10, 9, 3, 4.2, 22),
        },
        {
            "channel": "phone",
            "label": {"id": "Telepon", "en": "Phone"},
            "received": 18,
            **_row(WHOLE_SOP, 15, 760.5, 1980.0, 86.7, 2, 2, 0, 4.0, 5),
        },
        {
            "channel": "whatsapp",
            "label": {"id": "WhatsApp", "en": "WhatsApp"},
            "received": 12,
            **_row(WHOLE_SOP, 10, 900.0, 2400.0, 80.0, 2, 2, 1, 3.7, 3),
        },
        {
            "channel": "sp4n_lapor",
            "label": {"id": "SP4N-LAPOR!", "en": "SP4N-LAPOR!"},
            "received": 8,
            **_row(WHOLE_SOP, 6, 1010.0, 2600.0, 83.3, 1, 1, 0, 4.0, 1),
        },
        {
            "channel": "walk_in",
            "label": {"id": "Datang langsung", "en": "In person"},
            "received": 4,
            **_row(WHOLE_SOP, 3, 640.0, 700.0, 100.0, 0, 0, 0, None, 0),
        },
    ],
    "by_category": [
        {
            "category": "infrastruktur",
            "label": {"id": "Jalan, Jembatan dan Perumahan", "en": "Jalan, Jembatan dan Perumahan"},
            "received": 40,
            **_row(WHOLE_SOP, 32, 980.0, 2700.0, 78.1, 7, 6, 2, 3.8, 11),
        },
        {
            "category": "kesehatan",
            "label": {"id": "Kesehatan", "en": "Kesehatan"},
            "received": 24,
            **_row(WHOLE_SOP, 20, 700.0, 1900.0, 90.0, 2, 2, 0, 4.4, 8),
        },
        {
            "category": "perhubungan",
            "label": {"id": "Perhubungan dan Transportasi", "en": "Perhubungan dan Transportasi"},
            "received": 18,
            **_row(WHOLE_SOP, 15, 820.0, 2050.0, 86.7, 2, 2, 1, 4.0, 5),
        },
        {
            "category": "informasi-publik",
            "label": {"id": "Informasi Publik dan Layanan Digital", "en": "Informasi Publik dan Layanan Digital"},
            "received": 16,
            **_row(WHOLE_SOP, 14, 190.0, 420.0, 100.0, 0, 1, 0, None, 0),
        },
        {
            "category": "rumah-sakit",
            "label": {"id": "Rumah Sakit Umum Daerah", "en": "Rumah Sakit Umum Daerah"},
            "received": 14,
            **_row(WHOLE_SOP, 12, 850.0, 1850.0, 83.3, 2, 2, 1, 4.5, 4),
        },
        {
            "category": "lingkungan",
            "label": {"id": "Lingkungan Hidup", "en": "Lingkungan Hidup"},
            "received": 10,
            **_row(WHOLE_SOP, 7, 1100.0, 2500.0, 71.4, 2, 1, 0, 4.3, 3),
        },
    ],
    "by_month": [
        {
            "month": "2026-09",
            "label": {"id": "September 2026", "en": "September 2026"},
            "received": 38,
            **_row(WHOLE_SOP, 33, 840.0, 2300.0, 84.8, 5, 5, 1, 4.1, 10),
        },
        {
            "month": "2026-10",
            "label": {"id": "Oktober 2026", "en": "October 2026"},
            "received": 44,
            **_row(WHOLE_SOP, 36, 905.5, 2650.0, 80.6, 7, 6, 2, 3.9, 12),
        },
        {
            "month": "2026-11",
            "label": {"id": "November 2026", "en": "November 2026"},
            "received": 40,
            **_row(WHOLE_SOP, 31, 760.0, 2100.0, 90.3, 3, 3, 1, 4.5, 9),
        },
    ],
}
BREAKDOWN_KEYS = {
    "by_stage": "stage",
    "by_opd": "opd",
    "by_channel": "channel",
    "by_category": "category",
    "by_month": "month",
}


def sample_report() -> dict:
    """A fresh copy of ``SAMPLE_REPORT`` (change it freely)."""
    return copy.deepcopy(SAMPLE_REPORT)


def empty_report(start: str = "2026-11-01", end: str = "2026-11-30") -> dict:
    """A month with nothing in it: zero counts, every percentage, median and rating ``null``; every
    SOP stage listed, at zero (as ``build_report`` lists them)."""
    zero = _row(WHOLE_SOP, 0, None, None, None, 0)
    stage_sop = {"intake": 10, "classification": 120, "opd_response": 960, "review": 10, "reply": 30}
    return {
        "from": start,
        "to": end,
        "generated_at": "2026-12-01T00:00:05Z",
        "label": {"id": "1 – 30 November 2026", "en": "1 – 30 November 2026"},
        "to_date": False,
        "timezone": "Asia/Makassar",
        "working_day_business_minutes": 480,
        "items_read": 0,
        "totals": {
            "received": 0,
            "answered": 0,
            "closed": 0,
            "open": 0,
            "overdue_open": 0,
            "answered_within_sop": 0,
            "answered_within_sop_pct": None,
            "breached": 0,
            "reminders": 0,
            "escalations": 0,
            "rating_average": None,
            "ratings": 0,
        },
        "by_stage": [
            {
                "stage": s.name,
                "label": {"id": s.label_id, "en": s.label_en},
                **_row(stage_sop[s.name], 0, None, None, None, 0),
            }
            for s in sop.STAGES
        ],
        "by_opd": [],
        "by_channel": [],
        "by_category": [],
        "by_month": [
            {"month": start[:7], "label": {"id": "November 2026", "en": "November 2026"}, "received": 0, **zero}
        ],
    }

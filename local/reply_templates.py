"""A few reply templates the local stack starts with (`make run`), so the console's decision forms offer
some at once; Diskominfo and admins add more in the console (POST /staff/templates)."""

from __future__ import annotations

TEMPLATES = (
    {
        "name": "Tanggapan: sudah dijadwalkan",
        "stage": "opd_response",
        "text": "Laporan {tracking_number} ({title}) telah kami terima. {agency} sudah menjadwalkan "
        "pemeriksaan di lokasi dan akan menindaklanjutinya dalam waktu dekat.",
    },
    {
        "name": "Tanggapan: perbaikan jalan",
        "stage": "opd_response",
        "category": "infrastruktur",
        "text": "Ruas jalan pada laporan {tracking_number} sudah masuk daftar pemeliharaan {agency}; "
        "tim lapangan akan memeriksa dan menambal kerusakan sesuai jadwal.",
    },
    {
        "name": "Kembalikan: lengkapi tanggapan",
        "stage": "review",
        "text": "Mohon lengkapi tanggapan: sebutkan tindakan yang sudah dilakukan dan perkiraan waktu selesainya.",
    },
    {
        "name": "Balasan: sudah ditindaklanjuti",
        "stage": "reply",
        "text": "Yth. {citizen_name},\n\nTerima kasih atas laporan Anda ({tracking_number}: {title}). "
        "Laporan telah ditindaklanjuti oleh {agency}. Bila masalah belum selesai, Anda dapat membuka "
        "kembali laporan ini dari halaman laporan Anda.\n\nSalam,\nAspirasi Kaltim",
    },
    {
        "name": "Tanya: lokasi tepat",
        "stage": "request_information",
        "text": "Yth. {citizen_name}, mohon sebutkan lokasi tepatnya (nama jalan, patokan terdekat, "
        "kelurahan) agar laporan {tracking_number} dapat kami teruskan.",
    },
)


def seed(services) -> None:
    """Add the templates (the local stack's tables start empty)."""
    from chalicelib.service import reply_templates

    for template in TEMPLATES:
        reply_templates.create_template(services, template, by="system:local-stack")

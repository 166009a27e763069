"""Complaint categories of Kaltim and the provincial agency (OPD) responsible for each.

Data only. Team mailboxes are configuration (see ``chalicelib.config``), not
data here, so each deployment can point them at real inboxes.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Opd:
    code: str
    name: str


@dataclass(frozen=True)
class Subcategory:
    code: str
    name: str
    # Its complaints are about a person (violence, a patient, a household's need): the public register lists
    # them without a place, since the point could lead to that person (domain/publication.py).
    sensitive: bool = False


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    opd: str  # code of the responsible OPD
    subcategories: tuple[Subcategory, ...]

    def subcategory(self, code: str) -> Subcategory | None:
        return next((s for s in self.subcategories if s.code == code), None)


_OPDS = (
    Opd("DISDIKBUD", "Dinas Pendidikan dan Kebudayaan"),
    Opd("DINKES", "Dinas Kesehatan"),
    Opd("PUPR-PERA", "Dinas Pekerjaan Umum, Penataan Ruang dan Perumahan Rakyat"),
    Opd("DISHUB", "Dinas Perhubungan"),
    Opd("DLH", "Dinas Lingkungan Hidup"),
    Opd("DINSOS", "Dinas Sosial"),
    Opd("BAPENDA", "Badan Pendapatan Daerah"),
    Opd("BKD", "Badan Kepegawaian Daerah"),
    Opd("DISNAKERTRANS", "Dinas Tenaga Kerja dan Transmigrasi"),
    Opd("DPMPTSP", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu"),
    Opd("ESDM", "Dinas Energi dan Sumber Daya Mineral"),
    Opd("DISKOMINFO", "Dinas Komunikasi dan Informatika"),
    Opd("SATPOLPP", "Satuan Polisi Pamong Praja"),
    Opd("BPBD", "Badan Penanggulangan Bencana Daerah"),
    Opd("RSUD-AWS", "RSUD Abdul Wahab Sjahranie"),
)
OPDS: dict[str, Opd] = {opd.code: opd for opd in _OPDS}


# Subcategories whose complaints are about a person (``Subcategory.sensitive``), by (category, subcategory).
SENSITIVE = frozenset(
    {
        ("kesehatan", "jaminan-kesehatan"),
        ("rumah-sakit", "pelayanan-rs"),
        ("rumah-sakit", "biaya-rs"),
        ("infrastruktur", "perumahan"),
        ("sosial", "bansos"),
        ("sosial", "disabilitas"),
        ("sosial", "anak-terlantar"),
        ("sosial", "kekerasan"),
    }
)


def _cat(code: str, name: str, opd: str, *subs: tuple[str, str]) -> Category:
    return Category(code, name, opd, tuple(Subcategory(c, n, (code, c) in SENSITIVE) for c, n in subs))


_CATEGORIES = (
    _cat(
        "pendidikan",
        "Pendidikan dan Kebudayaan",
        "DISDIKBUD",
        ("ppdb", "Penerimaan peserta didik baru (PPDB)"),
        ("beasiswa", "Beasiswa Kaltim Tuntas"),
        ("sarana-sekolah", "Sarana dan prasarana SMA/SMK/SLB"),
        ("pungutan", "Pungutan di sekolah"),
        ("cagar-budaya", "Cagar budaya dan kesenian"),
    ),
    _cat(
        "kesehatan",
        "Kesehatan",
        "DINKES",
        ("jaminan-kesehatan", "Jaminan kesehatan daerah"),
        ("puskesmas", "Layanan puskesmas"),
        ("wabah", "Penyakit menular dan wabah"),
        ("obat", "Ketersediaan obat dan vaksin"),
    ),
    _cat(
        "rumah-sakit",
        "Rumah Sakit Umum Daerah",
        "RSUD-AWS",
        ("pelayanan-rs", "Pelayanan rawat jalan dan rawat inap"),
        ("antrean-rs", "Antrean dan jadwal dokter"),
        ("biaya-rs", "Biaya dan tagihan rumah sakit"),
    ),
    _cat(
        "infrastruktur",
        "Jalan, Jembatan dan Perumahan",
        "PUPR-PERA",
        ("jalan-rusak", "Jalan provinsi rusak"),
        ("jembatan", "Jembatan"),
        ("banjir-drainase", "Banjir dan drainase"),
        ("air-bersih", "Air bersih dan sanitasi"),
        ("perumahan", "Rumah tidak layak huni"),
    ),
    _cat(
        "perhubungan",
        "Perhubungan dan Transportasi",
        "DISHUB",
        ("angkutan-umum", "Angkutan umum"),
        ("lalu-lintas", "Rambu dan lampu lalu lintas"),
        ("penyeberangan", "Pelabuhan dan penyeberangan"),
        ("parkir", "Parkir dan terminal"),
    ),
    _cat(
        "lingkungan",
        "Lingkungan Hidup",
        "DLH",
        ("pencemaran", "Pencemaran air, udara dan tanah"),
        ("sampah", "Sampah dan limbah"),
        ("tambang-lingkungan", "Lubang bekas tambang"),
        ("hutan-kota", "Ruang terbuka hijau"),
    ),
    _cat(
        "sosial",
        "Sosial dan Bantuan",
        "DINSOS",
        ("bansos", "Bantuan sosial"),
        ("disabilitas", "Layanan penyandang disabilitas"),
        ("anak-terlantar", "Anak dan lansia terlantar"),
        ("kekerasan", "Kekerasan terhadap perempuan dan anak"),
        ("bencana-sosial", "Korban bencana sosial"),
    ),
    _cat(
        "pajak-daerah",
        "Pajak Daerah dan Samsat",
        "BAPENDA",
        ("pkb", "Pajak kendaraan bermotor"),
        ("bbnkb", "Bea balik nama kendaraan"),
        ("samsat", "Pelayanan Samsat"),
        ("pemutihan", "Program pemutihan pajak"),
    ),
    _cat(
        "kepegawaian",
        "Kepegawaian ASN",
        "BKD",
        ("cpns-pppk", "Seleksi CPNS dan PPPK"),
        ("mutasi", "Mutasi dan kenaikan pangkat"),
        ("disiplin-asn", "Disiplin dan pelayanan ASN"),
    ),
    _cat(
        "ketenagakerjaan",
        "Ketenagakerjaan dan Transmigrasi",
        "DISNAKERTRANS",
        ("upah", "Upah dan THR"),
        ("phk", "Pemutusan hubungan kerja"),
        ("k3", "Keselamatan kerja"),
        ("transmigrasi", "Transmigrasi"),
        ("pelatihan-kerja", "Pelatihan kerja"),
    ),
    _cat(
        "perizinan",
        "Perizinan dan Investasi",
        "DPMPTSP",
        ("izin-usaha", "Izin usaha (OSS)"),
        ("izin-lingkungan", "Persetujuan lingkungan"),
        ("investasi", "Layanan investasi"),
        ("pungli-izin", "Pungutan liar perizinan"),
    ),
    _cat(
        "energi-tambang",
        "Energi dan Pertambangan",
        "ESDM",
        ("listrik-desa", "Listrik desa"),
        ("tambang-ilegal", "Tambang ilegal"),
        ("bbm-lpg", "BBM dan LPG"),
        ("reklamasi", "Reklamasi pascatambang"),
    ),
    _cat(
        "informasi-publik",
        "Informasi Publik dan Layanan Digital",
        "DISKOMINFO",
        ("ppid", "Permohonan informasi publik (PPID)"),
        ("website-pemprov", "Situs dan aplikasi Pemprov"),
        ("internet-desa", "Jaringan internet desa"),
        ("hoaks", "Laporan hoaks"),
    ),
    _cat(
        "ketertiban",
        "Ketertiban Umum",
        "SATPOLPP",
        ("pkl", "Pedagang kaki lima"),
        ("gangguan-ketertiban", "Gangguan ketertiban"),
        ("perda", "Pelanggaran peraturan daerah"),
    ),
    _cat(
        "kebencanaan",
        "Kebencanaan",
        "BPBD",
        ("banjir", "Banjir"),
        ("kebakaran-hutan", "Kebakaran hutan dan lahan"),
        ("longsor", "Tanah longsor"),
        ("logistik-bencana", "Logistik dan pengungsian"),
    ),
)
CATEGORIES: dict[str, Category] = {c.code: c for c in _CATEGORIES}


def category(code: str) -> Category | None:
    return CATEGORIES.get(code)


def is_sensitive(category_code: str | None, subcategory_code: str | None) -> bool:
    """Whether complaints of this subcategory are published without a place (``Subcategory.sensitive``)."""
    return (category_code, subcategory_code) in SENSITIVE


def as_json() -> list[dict]:
    """The catalog in the shape ``GET /categories`` returns."""
    return [
        {
            "code": c.code,
            "name": c.name,
            "subcategories": [
                {"code": s.code, "name": s.name, **({"sensitive": True} if s.sensitive else {})}
                for s in c.subcategories
            ],
            "opd": {"code": c.opd, "name": OPDS[c.opd].name},
        }
        for c in _CATEGORIES
    ]

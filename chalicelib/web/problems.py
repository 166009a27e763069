"""RFC 9457 problem documents, in Indonesian and English."""

from __future__ import annotations

from typing import Any

from ..domain.errors import DomainError

TYPE_BASE = "https://aspirasi.kaltimprov.go.id/problems/"
CONTENT_TYPE = "application/problem+json"

# code -> (status, Indonesian title, English title, what the person can do, in both languages)
PROBLEMS: dict[str, tuple[int, str, str, str, str]] = {
    "bad_request": (
        400,
        "Permintaan tidak dapat dibaca",
        "The request could not be read",
        "Kirim JSON yang valid.",
        "Send valid JSON.",
    ),
    "unsupported_media_type": (
        415,
        "Jenis isi tidak didukung",
        "Unsupported media type",
        "Kirim isi sebagai JSON (Content-Type: application/json).",
        "Send the body as JSON (Content-Type: application/json).",
    ),
    "validation_failed": (
        422,
        "Data belum benar",
        "Some data is not right",
        "Perbaiki isian yang disebutkan lalu kirim lagi.",
        "Correct the fields listed and send again.",
    ),
    "unauthorized": (
        401,
        "Silakan masuk",
        "Please log in",
        "Masuk lagi untuk melanjutkan.",
        "Log in again to continue.",
    ),
    "wrong_credentials": (
        401,
        "Email atau kata sandi salah",
        "Wrong email or password",
        'Periksa email dan kata sandi lalu coba lagi, atau pilih "Lupa kata sandi?" untuk membuat kata sandi baru.',
        'Check the email and password and try again, or choose "Forgot password?" to set a new password.',
    ),
    "account_closed": (
        401,
        "Akun ini sudah ditutup atau dinonaktifkan",
        "This account has been closed or disabled",
        "Tidak ada yang disimpan. Masuk dengan akun yang aktif, atau daftar lagi.",
        "Nothing was stored. Log in with an active account, or register again.",
    ),
    "forbidden": (
        403,
        "Tidak diizinkan",
        "Not allowed",
        "Akun ini tidak dapat melakukan tindakan tersebut.",
        "This account cannot do that.",
    ),
    "not_found": (
        404,
        "Tidak ditemukan",
        "Not found",
        "Periksa alamatnya. Tautan tindakan hanya berlaku untuk tim yang menerimanya.",
        "Check the address. Action links only work for the team that received them.",
    ),
    "unknown_tracking_number": (
        404,
        "Nomor laporan tidak ditemukan",
        "No report has this number",
        "Periksa nomornya pada email tanda terima (mis. KT-7K4M-9Q2X); huruf besar-kecil, spasi dan tanda "
        "hubung tidak berpengaruh.",
        "Check the number in the receipt email (e.g. KT-7K4M-9Q2X); case, spaces and dashes do not matter.",
    ),
    "not_in_public_register": (
        404,
        "Tidak ada dalam daftar pengaduan publik",
        "Not in the public register",
        "Tidak ada laporan publik dengan nomor ini. Laporan rahasia dan laporan yang belum diterima petugas "
        "tidak ditampilkan; pelapor dapat memeriksa laporannya di /track/{nomor}.",
        "No public report has this number. Confidential reports and reports not yet accepted are not shown; "
        "the reporter can check theirs at /track/{number}.",
    ),
    "already_decided": (
        409,
        "Sudah diputuskan",
        "Already decided",
        "Tahap ini sudah diputuskan (lewat tautan email atau konsol staf); tautan hanya dapat dipakai sekali.",
        "This stage has been decided (by email link or the staff console); a link works only once.",
    ),
    "conflict": (
        409,
        "Sudah ada",
        "Already exists",
        "Akun dengan email ini sudah terdaftar. Silakan masuk.",
        "An account with this email exists. Please log in.",
    ),
    "already_entered": (
        409,
        "Laporan ini sudah dicatat",
        "This report was entered already",
        "Nomor referensi ini sudah dipakai untuk laporan yang disebutkan (tracking_number).",
        "This external reference belongs to the report named (tracking_number).",
    ),
    "attachment_limit": (
        409,
        "Batas lampiran tercapai",
        "Attachment limit reached",
        "Satu laporan dapat memuat paling banyak 5 lampiran (JPEG, PNG atau PDF).",
        "A report can hold at most 5 attachments (JPEG, PNG or PDF).",
    ),
    "complaint_not_open": (
        409,
        "Laporan tidak lagi diproses",
        "The report is no longer open",
        "Lampiran hanya dapat ditambahkan selama laporan masih diproses.",
        "Attachments can only be added while the report is being handled.",
    ),
    "not_current_stage": (
        409,
        "Bukan tahap yang sedang berjalan",
        "Not the current stage",
        "Tahap ini sudah diputuskan (lewat tautan email atau konsol) atau laporan sudah berpindah "
        "tahap. Muat ulang laporan.",
        "This stage was decided already (by email link or console) or the case has moved on. Reload the case.",
    ),
    "password_change_required": (
        403,
        "Buat kata sandi baru",
        "Choose a new password",
        "Ini login pertama Anda: masuk lagi dengan kata sandi sementara dan kata sandi baru (new_password).",
        "This is your first login: log in again with the temporary password and a new password (new_password).",
    ),
    "member_exists": (
        409,
        "Akun sudah ada",
        "Account exists",
        "Sudah ada akun dengan email ini (petugas, petugas yang dinonaktifkan, atau warga).",
        "An account with this email exists (a member, a disabled member, or a citizen).",
    ),
    "api_key_exists": (
        409,
        "Organisasi ini sudah punya kunci API",
        "This organisation has an API key",
        "Satu organisasi hanya boleh punya satu kunci aktif: cabut kunci lamanya (id) dulu.",
        "An organisation may hold one active key: revoke its current key (id) first.",
    ),
    "self_disable": (
        409,
        "Tidak dapat menonaktifkan akun sendiri",
        "You cannot disable your own account",
        "Minta admin lain untuk menonaktifkan akun Anda.",
        "Ask another admin to disable your account.",
    ),
    "too_many_templates": (
        409,
        "Terlalu banyak templat",
        "Too many templates",
        "Hapus templat yang tidak dipakai lagi sebelum menambah yang baru.",
        "Delete a template no longer used before adding a new one.",
    ),
    "last_admin": (
        409,
        "Admin terakhir",
        "The last admin",
        "Admin aktif terakhir tidak dapat dinonaktifkan; undang admin lain terlebih dahulu.",
        "The last enabled admin cannot be disabled; invite another admin first.",
    ),
    "not_answered": (
        409,
        "Belum ada balasan",
        "Not answered yet",
        "Penilaian dan pembukaan kembali tersedia setelah balasan dikirim kepada Anda.",
        "Rating and reopening are possible once the reply has been sent to you.",
    ),
    "already_rated": (
        409,
        "Sudah dinilai",
        "Already rated",
        "Laporan ini sudah Anda nilai; penilaian hanya dapat diberikan sekali. Terima kasih.",
        "You have rated this case already; a rating can be given once. Thank you.",
    ),
    "feedback_window_closed": (
        409,
        "Masa tanggapan sudah lewat",
        "The feedback window has passed",
        "Laporan ini sudah ditutup. Kirim laporan baru bila masalahnya belum selesai.",
        "This case has closed. Send a new complaint if the problem is not solved.",
    ),
    "reopen_limit": (
        409,
        "Batas pembukaan kembali tercapai",
        "Reopened too often",
        "Laporan dapat dibuka kembali paling banyak dua kali. Kirim laporan baru atau hubungi Diskominfo.",
        "A case can be reopened at most twice. Send a new complaint or contact Diskominfo.",
    ),
    "no_question_pending": (
        409,
        "Tidak ada pertanyaan yang menunggu",
        "No question is waiting",
        "Pertanyaan sudah dijawab, atau laporan sudah ditutup. Muat ulang halaman.",
        "The question was answered already, or the case has closed. Reload the page.",
    ),
    "link_expired": (
        410,
        "Tautan kedaluwarsa",
        "Link expired",
        "Gunakan tautan pada email pengingat terbaru, atau hubungi Diskominfo.",
        "Use the link in the newest reminder email, or contact Diskominfo.",
    ),
    "idempotency_key_reused": (
        422,
        "Kunci idempotensi sudah dipakai",
        "Idempotency key already used",
        "Kunci ini sudah dipakai untuk laporan lain; buat kunci baru.",
        "This key was used for another complaint; make a new key.",
    ),
    "too_many_requests": (
        429,
        "Terlalu banyak percobaan",
        "Too many attempts",
        "Tunggu sebentar lalu coba lagi.",
        "Wait a moment and try again.",
    ),
    "public_reads_limited": (
        429,
        "Terlalu banyak permintaan",
        "Too many requests",
        "Alamat ini membuka daftar pengaduan publik lebih dari batas per menit (limit). Coba lagi setelah "
        "Retry-After detik; untuk data lengkap gunakan data terbuka bulanan (/public/open-data.csv).",
        "This address read the public register more often than a minute allows (limit). Try again after "
        "Retry-After seconds; for the whole data use the monthly open data (/public/open-data.csv).",
    ),
    "submission_limit": (
        429,
        "Terlalu banyak laporan dalam satu jam",
        "Too many complaints in an hour",
        "Batas laporan per jam untuk akun ini (limit) sudah tercapai; tidak ada yang disimpan. Coba "
        "lagi setelah retry_after detik (Retry-After), atau hubungi operator bila mendesak.",
        "This account has sent as many complaints as an hour allows (limit); nothing was stored. "
        "Try again after retry_after seconds (Retry-After), or call the operator if it is urgent.",
    ),
    "payload_too_large": (
        413,
        "Permintaan terlalu besar",
        "Request too large",
        "Isi permintaan melebihi 128 KiB; tidak ada yang disimpan. Lampiran dikirim terpisah (unggahan lampiran).",
        "The request body is over 128 KiB; nothing was stored. Attachments are sent separately (attachment upload).",
    ),
    "unavailable": (
        503,
        "Layanan sedang tidak tersedia",
        "Service unavailable",
        "Coba lagi beberapa saat lagi.",
        "Try again in a moment.",
    ),
    # the WhatsApp webhook (web/routes/whatsapp.py): what Meta's servers, not people, are told
    "channel_off": (
        404,
        "Saluran WhatsApp tidak aktif",
        "The WhatsApp channel is off",
        "Layanan ini belum menerima pesan WhatsApp (WHATSAPP_PHONE_NUMBER_ID belum diatur).",
        "This service does not take WhatsApp messages yet (WHATSAPP_PHONE_NUMBER_ID is not set).",
    ),
    "whatsapp_verification_failed": (
        403,
        "Verifikasi webhook ditolak",
        "Webhook verification refused",
        "hub.mode harus subscribe dan hub.verify_token harus token verifikasi yang tersimpan di rahasia WhatsApp.",
        "hub.mode must be subscribe and hub.verify_token the verify token kept in the WhatsApp secret.",
    ),
    "whatsapp_signature_invalid": (
        401,
        "Tanda tangan tidak sah",
        "Invalid signature",
        "Header X-Hub-Signature-256 harus sha256=<HMAC-SHA256 isi permintaan persis seperti dikirim, dengan app "
        "secret>. Tidak ada yang disimpan.",
        "The X-Hub-Signature-256 header must be sha256=<HMAC-SHA256 of the body exactly as sent, with the app "
        "secret>. Nothing was stored.",
    ),
    "internal": (
        500,
        "Terjadi kesalahan pada sistem",
        "Something went wrong on our side",
        "Coba lagi sebentar lagi. Laporan Anda tidak hilang.",
        "Try again shortly. Nothing was lost.",
    ),
}

# field error code -> (Indonesian, English); {max_length} and {min_length} are filled in.
FIELD_MESSAGES: dict[str, tuple[str, str]] = {
    "required": ("wajib diisi", "is required"),
    "too_long": ("terlalu panjang (maksimal {max_length} karakter)", "is too long (at most {max_length} characters)"),
    "too_short": ("terlalu pendek (minimal {min_length} karakter)", "is too short (at least {min_length} characters)"),
    "not_text": ("harus berupa teks", "must be text"),
    "not_boolean": ("harus true atau false", "must be true or false"),
    "not_an_object": ("isi permintaan harus objek JSON", "the body must be a JSON object"),
    "unknown_category": ("kategori tidak dikenal; lihat GET /categories", "unknown category; see GET /categories"),
    "unknown_subcategory": ("sub-kategori tidak ada pada kategori ini", "no such sub-category in this category"),
    "unknown_opd": ("OPD tidak dikenal", "unknown agency"),
    "not_allowed": ("keputusan ini tidak tersedia pada tahap ini", "this decision is not available at this stage"),
    "invalid_email": ("alamat email tidak valid", "not a valid email address"),
    "invalid_phone": (
        "nomor telepon tidak valid (mis. 0812-3456-7890 atau +62 812-3456-7890)",
        "not a phone number (e.g. 0812-3456-7890 or +62 812-3456-7890)",
    ),
    "weak_password": (
        "kata sandi minimal 8 karakter dengan huruf besar, huruf kecil dan angka",
        "password needs 8+ characters with upper case, lower case and a digit",
    ),
    "invalid_parameter": ("isian tidak diterima", "value not accepted"),
    "invalid_characters": (
        "memuat karakter yang tidak diizinkan (karakter kendali atau pengarah teks)",
        "contains characters that are not allowed (control or text-direction characters)",
    ),
    "wrong_code": ("kode konfirmasi salah", "wrong confirmation code"),
    "expired_code": ("kode konfirmasi kedaluwarsa", "confirmation code expired"),
    "invalid_token": ("token halaman tidak valid", "invalid page token"),
    "invalid_phone_number": (
        "nomor telepon tidak valid (mis. 0812-3456-7890 atau +6281234567890)",
        "not a phone number (e.g. 0812-3456-7890 or +6281234567890)",
    ),
    "unknown_channel": (
        "saluran tidak dikenal: phone, walk_in, letter, whatsapp, social_media, email, sp4n_lapor",
        "unknown channel: phone, walk_in, letter, whatsapp, social_media, email, sp4n_lapor",
    ),
    "invalid_external_ref": (
        "nomor referensi hanya boleh berisi huruf, angka dan tanda baca (maksimal 100)",
        "the reference may only hold letters, digits and punctuation (at most 100)",
    ),
    "unknown_stage": (
        "tahap tidak dikenal: intake, classification, opd_response, review, reply",
        "unknown stage: intake, classification, opd_response, review, reply",
    ),
    "invalid_tracking_number": (
        "nomor laporan tidak valid (contoh KT-7K4M-9Q2X)",
        "not a tracking number (e.g. KT-7K4M-9Q2X)",
    ),
    "unknown_case": ("tidak ada laporan dengan nomor ini", "no case has this tracking number"),
    "is_duplicate": (
        "laporan itu sendiri duplikat; sebutkan laporan yang dilanjutkan",
        "that case is a duplicate itself; name the case that carries on",
    ),
    "closed_without_answer": (
        "laporan itu ditutup tanpa jawaban; sebutkan laporan yang masih ditangani",
        "that case was closed without an answer; name a case that carries on",
    ),
    "same_case": ("laporan tidak dapat menjadi duplikat dirinya sendiri", "a case cannot duplicate itself"),
    "invalid_score": ("nilai harus bilangan bulat 1 sampai 5", "the score must be a whole number from 1 to 5"),
    "unknown_status": ("status tidak dikenal: open, answered, closed", "unknown status: open, answered, closed"),
    "invalid_limit": ("harus bilangan bulat 1 sampai 50", "must be a whole number from 1 to 50"),
    "invalid_state": ("harus open atau overdue", "must be open or overdue"),
    # the SLA report (service/reports.py)
    "invalid_date": (
        "tanggal harus berformat YYYY-MM-DD, mis. 2026-11-01",
        "the date must be YYYY-MM-DD, e.g. 2026-11-01",
    ),
    "before_from": ("tanggal akhir tidak boleh sebelum tanggal awal", "the end date must not be before the start date"),
    "period_too_long": ("periode paling panjang 3 tahun", "the period may be at most 3 years"),
    # the agencies' public scorecards (domain/scorecards.py): read from whole months' running totals
    "whole_months": (
        "periode harus bulan penuh: from tanggal 1, to tanggal terakhir bulan (atau hari ini atau sesudahnya "
        "pada bulan berjalan), mis. from=2026-01-01&to=2026-03-31",
        "the period must be whole months: from on the 1st, to on a month's last day (or today or later in the "
        "current month), e.g. from=2026-01-01&to=2026-03-31",
    ),
    "invalid_format": ("format harus json, csv, xlsx atau svg", "the format must be json, csv, xlsx or svg"),
    # the public register's open data (domain/public_register.py)
    "invalid_month": ("bulan harus berformat YYYY-MM, mis. 2026-11", "the month must be YYYY-MM, e.g. 2026-11"),
    "future_month": ("bulan ini belum dimulai", "that month has not begun"),
    # location (domain/coordinates.py): lat and long of the map's pin
    "not_a_number": (
        "harus angka desimal (derajat WGS84), mis. -0.502",
        "must be a decimal number (WGS84 degrees), e.g. -0.502",
    ),
    "outside_kaltim": (
        "titik harus di Kalimantan Timur (antara {min} dan {max})",
        "the point must be in East Kalimantan (between {min} and {max})",
    ),
    "pair_required": (
        "wajib diisi bersama {other} (kirim lat dan long, atau tidak keduanya)",
        "is required with {other} (send lat and long together, or neither)",
    ),
    "unknown_group": ("grup tidak dikenal (lihat daftar grup staf)", "unknown group (see the staff groups)"),
    "not_a_list": ("harus berupa daftar", "must be a list"),
    "invalid_idempotency_key": (
        "Idempotency-Key harus 1-255 karakter ASCII tanpa spasi",
        "Idempotency-Key must be 1-255 ASCII characters without spaces",
    ),
    # personal data rights (domain/personal_data.py)
    "not_correctable": (
        "hanya nama dan nomor HP yang dapat diubah di sini",
        "only the name and phone can be changed here",
    ),
    "nothing_to_correct": ("kirim name dan/atau phone", "send name and/or phone"),
    "email_mismatch": (
        "ketik ulang email akun Anda persis untuk menutup akun",
        "type your account's email again exactly to close the account",
    ),
    # attachments (domain/files.py)
    "invalid_filename": ("nama berkas tidak valid", "not a valid file name"),
    "unsupported_file_type": (
        "hanya JPEG, PNG atau PDF (image/jpeg, image/png, application/pdf)",
        "only JPEG, PNG or PDF (image/jpeg, image/png, application/pdf)",
    ),
    "not_an_integer": ("harus bilangan bulat", "must be a whole number"),
    "file_empty": ("berkas kosong", "the file is empty"),
    # reply templates (domain/reply_templates.py)
    "unknown_template_stage": (
        "tahap templat harus opd_response, review, reply atau request_information",
        "the template's stage must be opd_response, review, reply or request_information",
    ),
    "unknown_placeholder": (
        "penanda {{{placeholder}}} tidak dikenal; gunakan {{tracking_number}}, {{title}}, {{citizen_name}} "
        "atau {{agency}}",
        "unknown placeholder {{{placeholder}}}; use {{tracking_number}}, {{title}}, {{citizen_name}} or {{agency}}",
    ),
    "unbalanced_brace": (
        "kurung kurawal tanpa pasangan; penanda ditulis seperti {{title}}",
        "a brace without its pair; placeholders are written like {{title}}",
    ),
    "file_too_large": ("berkas terlalu besar (maksimal {max_mb} MB)", "the file is too large (at most {max_mb} MB)"),
}


def _field_message(error: dict[str, Any]) -> dict[str, str]:
    id_text, en_text = FIELD_MESSAGES.get(error.get("code", ""), ("tidak valid", "is not valid"))
    return {"id": id_text.format(**error), "en": en_text.format(**error)}


def problem(code: str, instance: str | None = None, errors: list[dict] | None = None) -> tuple[int, dict]:
    status, title_id, title_en, detail_id, detail_en = PROBLEMS.get(code, PROBLEMS["internal"])
    body: dict[str, Any] = {
        "type": TYPE_BASE + code.replace("_", "-"),
        "title": f"{title_id} / {title_en}",
        "status": status,
        "detail": f"{detail_id} / {detail_en}",
        "messages": {"id": f"{title_id}. {detail_id}", "en": f"{title_en}. {detail_en}"},
    }
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = [{**e, "message": _field_message(e)} for e in errors]
    return status, body


def problem_for(error: DomainError, instance: str | None = None) -> tuple[int, dict]:
    status, body = problem(error.code, instance, getattr(error, "errors", None))
    if isinstance(error.details, dict):  # extension members (RFC 9457 §3.2), e.g. the existing tracking number
        body.update({k: v for k, v in error.details.items() if k not in body})
    return status, body

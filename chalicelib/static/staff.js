// The staff console (chalicelib/templates/pages/staff.html), loaded after api.js. Views: sign-in, the queue (a
// sortable, filterable table; a compact list on a phone), all cases / our cases, one case with its decision form
// (one primary choice, a confirmation dialog, reply templates), new report, SLA report, templates, members, keys.
// Whatever a citizen or an officer wrote is set as text (textContent), never parsed as markup.
"use strict";
const T = {
  id: {app:"Aspirasi Kaltim — Konsol Staf", logout:"Keluar", login_title:"Masuk sebagai staf", email:"Email", password:"Kata sandi", login:"Masuk",
    need_new_password:"Ini login pertama Anda. Buat kata sandi baru untuk akun ini.", new_password:"Kata sandi baru",
    password_hint:"Minimal 8 karakter, dengan huruf besar, huruf kecil dan angka.",
    not_staff_title:"Bukan akun staf", not_staff:"Akun ini tidak terdaftar sebagai staf. Keluar lalu masuk dengan akun staf Anda, atau hubungi admin.",
    nav_new:"Laporan baru", nav_members:"Anggota",
    tracking_number:"Nomor laporan", not_found:"Laporan {n} tidak ditemukan.",
    refresh:"Muat ulang",
    roles:"Peran:", office_closed:"Kantor sedang tutup; waktu kerja tidak berjalan.",
    office_open:"Waktu kerja berjalan.", due:"batas",
    entered_title:"Laporan tercatat", entered_number:"Nomor laporan untuk pelapor:",
    entered_hint:"Bacakan atau kirimkan nomor ini kepada pelapor. Laporan sekarang menunggu di tahap penerimaan.",
    decision:"Keputusan", decision_not_mine:"Tahap ini ditangani oleh tim lain; Anda hanya dapat melihat.",
    steps_title:"Tahapan SOP", audit_title:"Riwayat", emails_title:"Email terkirim", none:"Belum ada.",
    wa_title:"Percakapan WhatsApp", wa_in:"Pelapor", wa_out:"Aspirasi Kaltim", wa_sent:"terkirim", wa_delivered:"diterima", wa_read:"dibaca", wa_failed:"gagal",
    wa_location:"lokasi", wa_image:"foto", wa_template:"templat",
    number:"Nomor", status:"Status", stage:"Tahap", stage_due:"Batas waktu tahap", kind:"Jenis", category:"Kategori", opd:"OPD",
    channel:"Saluran", external_ref:"Nomor referensi (tidak wajib, mis. ID SP4N-LAPOR!)", ref_short:"Referensi", reporter:"Pelapor", entered_by:"Dicatat oleh",
    created:"Masuk", location_short:"Lokasi", description:"Isi laporan", confidential_short:"Rahasia", attachments:"Lampiran", reply:"Balasan", close_reason:"Alasan penutupan",
    yes:"ya", no_attachments:"tidak ada",
    k_information:"Informasi", k_aspiration:"Aspirasi/pengaduan",
    st_open:"Diproses", st_answered:"Dijawab", st_closed:"Selesai", late:"terlambat", met:"tepat waktu", breached:"melewati SOP",
    entered_at:"mulai", sop_time:"waktu SOP", decided:"diputuskan", by:"oleh", escalations:"eskalasi", waiting:"menunggu keputusan",
    f_reason:"Alasan", f_response:"Tanggapan", f_reply:"Balasan untuk pelapor", f_opd:"OPD yang bertanggung jawab", f_question:"Pertanyaan untuk pelapor", f_of:"Nomor laporan asli",
    saved:"Keputusan tersimpan: {o} → {n}.", t_answered:"dijawab", t_rejected:"ditutup (ditolak)",
    // follow-up: questions to the reporter, reopenings, rating, duplicates, the whole-case SOP target
    t_awaiting_citizen:"menunggu jawaban pelapor", t_duplicate:"ditutup (duplikat)",
    fq_title:"Menunggu jawaban pelapor", fq_meta:"Ditanyakan {w} pada tahap {l}.", fq_paused:"Waktu SOP dihentikan sementara",
    fq_expires:"Tanpa jawaban, laporan ditutup otomatis setelah masa tunggu.", fq_record_title:"Catat jawaban pelapor",
    fq_record_hint:"Untuk jawaban yang diberikan pelapor lewat telepon, datang langsung atau surat. Tahap ini lalu dilanjutkan dengan sisa waktunya.",
    fq_answer:"Jawaban pelapor", fq_record:"Simpan jawaban", fq_recorded:"Jawaban tercatat; tahap {l} dilanjutkan.",
    fq_asked:"Pertanyaan untuk pelapor", fq_answered:"Jawaban pelapor", fq_not_answered:"belum dijawab",
    fq_resumed:"Dilanjutkan setelah pelapor menjawab", fq_reopened:"Dibuka kembali oleh pelapor (putaran {r})", fq_reason:"Alasan",
    fq_sop:"Target SOP", fq_sop_hint:"seluruh laporan; waktu menunggu jawaban pelapor tidak dihitung", fq_due_paused:"dihentikan — menunggu jawaban pelapor", fq_met:"tercapai", fq_breached:"terlewati",
    fq_rating:"Penilaian pelapor", fq_score:"{s} dari 5", fq_duplicate_of:"Duplikat dari", fq_open_case:"buka",
    fq_reopens:"Dibuka kembali", fq_reopens_n:"{n} kali", fq_feedback_ends:"Masa tanggapan sampai",
    new_title:"Catat laporan baru", new_intro:"Untuk laporan yang masuk lewat telepon, datang langsung, surat, WhatsApp, media sosial, email atau SP4N-LAPOR!.",
    reporter_name:"Nama pelapor", reporter_email:"Email pelapor (tidak wajib)", reporter_phone:"Nomor telepon pelapor (tidak wajib)",
    subcategory:"Sub-kategori", handled_by:"Ditangani oleh:", title:"Judul", location:"Lokasi (tidak wajib)",
    anonymous:"Pelapor minta namanya dirahasiakan (anonim)", confidential:"Rahasiakan isi laporan", record:"Catat laporan",
    ch_web:"Web (warga)", ch_phone:"Telepon", ch_walk_in:"Datang langsung", ch_letter:"Surat", ch_whatsapp:"WhatsApp", ch_social_media:"Media sosial", ch_email:"Email", ch_sp4n_lapor:"SP4N-LAPOR!",
    members_title:"Anggota staf", invite_title:"Undang anggota", name:"Nama", groups:"Kelompok", invite:"Kirim undangan",
    invited:"Undangan dikirim ke {e}.", disable:"Nonaktifkan", disabled:"{e} dinonaktifkan.",
    enabled:"aktif", inactive:"nonaktif", m_invited:"diundang",
    g_operator:"Operator/Agen", g_diskominfo:"Tim Diskominfo", g_supervisor:"Supervisor", g_admin:"Admin",
    wait:"Mohon tunggu…", network:"Tidak dapat terhubung. Periksa koneksi lalu coba lagi.",
    // sign-in, forgotten password (au-*)
    au_problem:"Ada masalah", au_error:"Kesalahan:", au_forgot_link:"Lupa kata sandi?", au_forgot_title:"Lupa kata sandi",
    au_forgot_intro:"Masukkan email akun staf Anda. Kami mengirim kode ke email itu untuk membuat kata sandi baru.",
    au_send_code:"Kirim kode", au_back:"Kembali ke halaman masuk", au_reset_title:"Buat kata sandi baru", au_code:"Kode dari email",
    au_code_hint:"Deretan angka di email yang baru kami kirim.", au_reset:"Simpan kata sandi baru", au_new_code:"Minta kode baru",
    au_code_sent:"Jika {e} terdaftar, kode sudah dikirim ke email itu. Masukkan kode itu di bawah.",
    au_reset_done:"Kata sandi sudah diubah. Masuk dengan kata sandi baru.", au_wrong_credentials:"Email atau kata sandi salah",
    au_email_missing:"Masukkan alamat email", au_email_invalid:"Masukkan alamat email yang benar, seperti nama@kaltimprov.go.id",
    au_password_missing:"Masukkan kata sandi", au_new_password_missing:"Masukkan kata sandi baru",
    au_weak_password:"Kata sandi baru minimal 8 karakter, dengan huruf besar, huruf kecil dan angka",
    au_code_missing:"Masukkan kode dari email", au_code_wrong:"Kode salah atau sudah kedaluwarsa. Periksa email terbaru, atau minta kode baru"},
  en: {app:"Aspirasi Kaltim — Staff console", logout:"Log out", login_title:"Staff log in", email:"Email", password:"Password", login:"Log in",
    need_new_password:"This is your first log-in. Choose a new password for this account.", new_password:"New password",
    password_hint:"At least 8 characters, with upper case, lower case and a digit.",
    not_staff_title:"Not a staff account", not_staff:"This account is not registered as staff. Log out and log in with your staff account, or ask an admin.",
    nav_new:"New report", nav_members:"Members",
    tracking_number:"Tracking number", not_found:"Report {n} not found.",
    refresh:"Refresh",
    roles:"Roles:", office_closed:"The office is closed; office time is not running.",
    office_open:"Office time is running.", due:"due",
    entered_title:"Report recorded", entered_number:"Tracking number for the reporter:",
    entered_hint:"Read out or send this number to the reporter. The report now waits at intake.",
    decision:"Decision", decision_not_mine:"Another team handles this stage; you can only look.",
    steps_title:"SOP stages", audit_title:"History", emails_title:"Emails sent", none:"None yet.",
    wa_title:"WhatsApp conversation", wa_in:"Reporter", wa_out:"Aspirasi Kaltim", wa_sent:"sent", wa_delivered:"delivered", wa_read:"read", wa_failed:"failed",
    wa_location:"location", wa_image:"photo", wa_template:"template",
    number:"Number", status:"Status", stage:"Stage", stage_due:"Stage due", kind:"Kind", category:"Category", opd:"Agency",
    channel:"Channel", external_ref:"Reference (optional, e.g. SP4N-LAPOR! ID)", ref_short:"Reference", reporter:"Reporter", entered_by:"Entered by",
    created:"Received", location_short:"Location", description:"Report", confidential_short:"Confidential", attachments:"Attachments", reply:"Reply", close_reason:"Closing reason",
    yes:"yes", no_attachments:"none",
    k_information:"Information", k_aspiration:"Aspiration/complaint",
    st_open:"In progress", st_answered:"Answered", st_closed:"Closed", late:"overdue", met:"on time", breached:"over SOP time",
    entered_at:"started", sop_time:"SOP time", decided:"decided", by:"by", escalations:"escalations", waiting:"waiting for a decision",
    f_reason:"Reason", f_response:"Response", f_reply:"Reply to the citizen", f_opd:"Responsible agency", f_question:"Question for the reporter", f_of:"Original tracking number",
    saved:"Decision recorded: {o} → {n}.", t_answered:"answered", t_rejected:"closed (rejected)",
    // follow-up: questions to the reporter, reopenings, rating, duplicates, the whole-case SOP target
    t_awaiting_citizen:"waiting for the reporter's answer", t_duplicate:"closed (duplicate)",
    fq_title:"Waiting for the reporter's answer", fq_meta:"Asked {w} at the {l} stage.", fq_paused:"SOP clock paused",
    fq_expires:"Without an answer the report closes by itself when the waiting time is over.", fq_record_title:"Record the reporter's answer",
    fq_record_hint:"For an answer the reporter gave by phone, in person or by letter. The stage then resumes with the time it had left.",
    fq_answer:"The reporter's answer", fq_record:"Save the answer", fq_recorded:"Answer recorded; {l} resumes.",
    fq_asked:"Question for the reporter", fq_answered:"The reporter's answer", fq_not_answered:"not answered yet",
    fq_resumed:"Resumed after the reporter answered", fq_reopened:"Reopened by the reporter (round {r})", fq_reason:"Reason",
    fq_sop:"SOP target", fq_sop_hint:"whole case; time waiting for the reporter does not count", fq_due_paused:"paused — waiting for the reporter's answer", fq_met:"met", fq_breached:"missed",
    fq_rating:"Reporter's rating", fq_score:"{s} out of 5", fq_duplicate_of:"Duplicate of", fq_open_case:"open",
    fq_reopens:"Reopened", fq_reopens_n:"{n} times", fq_feedback_ends:"Feedback window until",
    new_title:"Record a new report", new_intro:"For reports that arrive by phone, in person, by letter, WhatsApp, social media, email or SP4N-LAPOR!.",
    reporter_name:"Reporter's name", reporter_email:"Reporter's email (optional)", reporter_phone:"Reporter's phone (optional)",
    subcategory:"Sub-category", handled_by:"Handled by:", title:"Title", location:"Location (optional)",
    anonymous:"The reporter asks to stay anonymous", confidential:"Keep the report confidential", record:"Record report",
    ch_web:"Web (citizen)", ch_phone:"Phone", ch_walk_in:"Walk-in", ch_letter:"Letter", ch_whatsapp:"WhatsApp", ch_social_media:"Social media", ch_email:"Email", ch_sp4n_lapor:"SP4N-LAPOR!",
    members_title:"Staff members", invite_title:"Invite a member", name:"Name", groups:"Groups", invite:"Send invitation",
    invited:"Invitation sent to {e}.", disable:"Disable", disabled:"{e} disabled.",
    enabled:"active", inactive:"disabled", m_invited:"invited",
    g_operator:"Operator/Agent", g_diskominfo:"Diskominfo team", g_supervisor:"Supervisor", g_admin:"Admin",
    wait:"Please wait…", network:"Cannot connect. Check your connection and try again.",
    // sign-in, forgotten password (au-*)
    au_problem:"There is a problem", au_error:"Error:", au_forgot_link:"Forgot password?", au_forgot_title:"Forgotten password",
    au_forgot_intro:"Enter your staff account's email. We will send a code to it so you can choose a new password.",
    au_send_code:"Send the code", au_back:"Back to log in", au_reset_title:"Choose a new password", au_code:"Code from the email",
    au_code_hint:"The digits in the email we have just sent.", au_reset:"Save the new password", au_new_code:"Ask for a new code",
    au_code_sent:"If {e} has an account, a code has been sent to it. Enter the code below.",
    au_reset_done:"Your password has been changed. Log in with your new password.", au_wrong_credentials:"Wrong email or password",
    au_email_missing:"Enter an email address", au_email_invalid:"Enter an email address in the correct format, like name@kaltimprov.go.id",
    au_password_missing:"Enter your password", au_new_password_missing:"Enter a new password",
    au_weak_password:"The new password needs at least 8 characters, with upper case, lower case and a digit",
    au_code_missing:"Enter the code from the email", au_code_wrong:"The code is wrong or has expired. Check the latest email, or ask for a new code"}
};
// -- the words of the full-day console (issue 21) -----------------------------------------------------------
Object.assign(T.id, {nav_queue: "Antrean", nav_cases: "Semua kasus", nav_cases_opd: "Kasus kami", queue_title: "Antrean saya",
  to_cases: "Lihat semua kasus", to_cases_opd: "Lihat semua kasus kami (termasuk yang sudah dijawab dan selesai)", recent_title: "Kasus terakhir",
  queue_empty: "Tidak ada pekerjaan di antrean.", filters: "Saring dan urutkan", filters_cases: "Saring menurut status, tahap, OPD, saluran, kategori, tanggal", filters_on: "({n} aktif)", sort_by: "Urutkan menurut",
  overdue_only: "Hanya yang terlambat", due_today: "Batas waktu hari ini (WITA)", all_opds: "Semua OPD", all_channels: "Semua saluran", all_stages: "Semua",
  count_all: "{n} pekerjaan di antrean.", count_some: "Menampilkan {n} dari {m} pekerjaan.", sorted: "Diurutkan menurut {c}, {d}.",
  ascending: "naik", descending: "turun", refreshed: "Diperbarui.", no: "tidak",
  c_number: "Nomor", c_title: "Judul", c_stage: "Tahap", c_category: "Kategori / OPD", c_channel: "Saluran", c_received: "Diterima (WITA)",
  c_due: "Batas (WITA)", c_left: "Sisa waktu", c_overdue: "Terlambat", c_status: "Status", c_submitted: "Masuk (WITA)",
  sort_due_asc: "Batas waktu, paling awal", sort_left_asc: "Sisa waktu, paling sedikit", sort_received_desc: "Diterima, terbaru",
  sort_received_asc: "Diterima, terlama", sort_number_asc: "Nomor", sort_stage_asc: "Tahap", sort_overdue_desc: "Terlambat dulu", sort_column: "{c}, {d}",
  u_minutes: "menit", u_minutes_1: "menit", u_whours: "jam kerja", u_whours_1: "jam kerja", u_days: "hari kerja", u_days_1: "hari kerja",
  less_than_minute: "kurang dari 1 menit", left: "sisa {d}", overdue_by: "terlambat {d}",
  search_label: "Cari: nomor laporan atau kata", search: "Cari", clear_filters: "Hapus saringan", any: "Semua", from_date: "Dari tanggal", to_date: "Sampai tanggal",
  load_more: "Muat lagi", cases_found: "{n} kasus ditampilkan.", cases_more_exist: "Ada lagi: pilih \"Muat lagi\".", cases_none: "Tidak ada kasus yang cocok.", cases_none_yet: "Belum ada kasus.",
  cases_intro: "Semua kasus, terbaru dulu: yang berjalan, dijawab dan selesai.", cases_intro_opd: "Setiap kasus yang pernah diteruskan ke OPD Anda, terbaru dulu: yang berjalan, dijawab dan selesai.",
  back: "← Kembali ke antrean", back_cases: "← Kembali ke daftar kasus", erased: "Data pribadi pelapor telah dihapus atas permintaannya",
  anonymous_reporter: "anonim (nama tidak ditampilkan)", opens_new_tab: "dibuka di tab baru", something_happened: "catatan",
  decision_mine: "Pilih keputusan, isi yang diminta, lalu periksa sebelum dikirim.", choose_decision: "Keputusan", other_choices: "Pilihan lain",
  check_and_send: "Periksa lalu kirim", to_decision: "Ke keputusan ↓", confirm_decision: "{o}: {n}", yes_decide: "Ya, {o}", go_back: "Kembali", cannot_undo: "Ini tidak dapat dibatalkan.",
  next_accept: "Laporan diterima dan diteruskan ke Tim Diskominfo untuk klasifikasi.",
  next_reject: "Laporan ditutup; pelapor menerima email berisi alasan ini.",
  next_request_information: "Pertanyaan ini dikirim ke pelapor; waktu SOP berhenti sampai pelapor menjawab.",
  next_information: "Laporan dijawab langsung: diserahkan ke operator untuk balasan kepada pelapor.",
  next_aspiration: "Laporan diteruskan ke {opd}, yang punya 2 hari kerja untuk menanggapi.",
  next_duplicate: "Laporan ini ditutup sebagai duplikat dari {of}; pelapor diberi tahu nomor itu.",
  next_respond: "Tanggapan dikirim ke Tim Diskominfo untuk diperiksa sebelum dibalas ke pelapor.",
  next_not_our_authority: "Laporan dikembalikan ke Tim Diskominfo untuk diteruskan ke OPD lain.",
  next_approve: "Tanggapan disetujui dan diserahkan ke operator untuk dibalas ke pelapor.",
  next_return: "Tanggapan dikembalikan ke OPD dengan alasan ini.",
  next_send: "Balasan ini dikirim ke pelapor sekarang sebagai jawaban akhir.",
  ctx_response: "Tanggapan OPD yang diperiksa", ctx_previous_response: "Tanggapan OPD sebelumnya", ctx_previous_reply: "Balasan sebelumnya kepada pelapor",
  err_required: "{f} wajib diisi", you: "Anda", enable_again: "Aktifkan lagi", enabled_done: "{e} aktif lagi.", confirm_disable_title: "Nonaktifkan {e}?",
  confirm_disable: "Orang ini tidak dapat masuk lagi sampai diaktifkan lagi.", choose_group: "Pilih minimal satu kelompok",
  tp_nav: "Templat", tp_title: "Templat balasan", tp_intro: "Jawaban yang sering dipakai, per tahap dan kategori. Di formulir keputusan, \"Pakai templat\" mengisi kotak teks dengan templat yang sudah diisi untuk kasus itu.",
  tp_name: "Nama templat", tp_stage: "Dipakai pada", tp_text: "Teks", tp_text_hint: "Bagian yang diisi otomatis: {tracking_number}, {title}, {citizen_name}, {agency}.",
  tp_question: "Pertanyaan untuk pelapor", tp_all_categories: "Semua kategori", tp_new_title: "Templat baru", tp_edit_title: "Ubah templat",
  tp_create: "Simpan templat", tp_save: "Simpan perubahan", tp_cancel: "Batal mengubah", tp_edit: "Ubah", tp_delete: "Hapus",
  tp_confirm_delete: "Hapus templat \"{n}\"?", tp_delete_note: "Templat ini tidak lagi ditawarkan di formulir keputusan.",
  tp_created: "Templat \"{n}\" disimpan.", tp_saved: "Perubahan templat \"{n}\" disimpan.", tp_deleted: "Templat \"{n}\" dihapus.",
  tp_use: "Pakai templat", tp_choose: "— Pilih templat —", tp_used: "Templat \"{n}\" dipakai; periksa dan sesuaikan teksnya."});
Object.assign(T.en, {nav_queue: "Queue", nav_cases: "All cases", nav_cases_opd: "Our cases", queue_title: "My queue",
  to_cases: "See all cases", to_cases_opd: "See all our cases (answered and closed ones too)", recent_title: "Latest cases",
  queue_empty: "Nothing waiting in the queue.", filters: "Filter and sort", filters_cases: "Filter by status, stage, agency, channel, category, dates", filters_on: "({n} on)", sort_by: "Sort by",
  overdue_only: "Overdue only", due_today: "Due today (WITA)", all_opds: "All agencies", all_channels: "All channels", all_stages: "All",
  count_all: "{n} items in the queue.", count_some: "Showing {n} of {m} items.", sorted: "Sorted by {c}, {d}.",
  ascending: "ascending", descending: "descending", refreshed: "Refreshed.", no: "no",
  c_number: "Number", c_title: "Title", c_stage: "Stage", c_category: "Category / agency", c_channel: "Channel", c_received: "Received (WITA)",
  c_due: "Due (WITA)", c_left: "Time left", c_overdue: "Overdue", c_status: "Status", c_submitted: "Received (WITA)",
  sort_due_asc: "Due, earliest first", sort_left_asc: "Time left, least first", sort_received_desc: "Received, newest first",
  sort_received_asc: "Received, oldest first", sort_number_asc: "Number", sort_stage_asc: "Stage", sort_overdue_desc: "Overdue first", sort_column: "{c}, {d}",
  u_minutes: "minutes", u_minutes_1: "minute", u_whours: "working hours", u_whours_1: "working hour", u_days: "working days",
  u_days_1: "working day", less_than_minute: "less than 1 minute", left: "{d} left", overdue_by: "{d} overdue",
  search_label: "Search: tracking number or words", search: "Search", clear_filters: "Clear filters", any: "All", from_date: "From", to_date: "To",
  load_more: "Load more", cases_found: "{n} cases shown.", cases_more_exist: "There are more: choose \"Load more\".", cases_none: "No case matches.", cases_none_yet: "No cases yet.",
  cases_intro: "Every case, newest first: open, answered and closed.", cases_intro_opd: "Every case ever sent to your agency, newest first: open, answered and closed.",
  back: "← Back to the queue", back_cases: "← Back to the cases", erased: "The reporter's personal data was erased at their request",
  anonymous_reporter: "anonymous (name not shown)", opens_new_tab: "opens in a new tab", something_happened: "record",
  decision_mine: "Choose a decision, fill in what it needs, then check it before it is sent.", choose_decision: "Decision", other_choices: "Other choices",
  check_and_send: "Check, then send", to_decision: "To the decision ↓", confirm_decision: "{o}: {n}", yes_decide: "Yes, {o}", go_back: "Go back", cannot_undo: "This cannot be undone.",
  next_accept: "The report is accepted and goes to the Diskominfo team for classification.",
  next_reject: "The report is closed; the reporter gets an email with this reason.",
  next_request_information: "This question goes to the reporter; the SOP clock stops until they answer.",
  next_information: "The report is answered directly: it goes to the operators for the reply to the reporter.",
  next_aspiration: "The report goes to {opd}, which has 2 working days to respond.",
  next_duplicate: "This report is closed as a duplicate of {of}; the reporter is told that number.",
  next_respond: "The response goes to the Diskominfo team to be checked before the reply to the reporter.",
  next_not_our_authority: "The report goes back to the Diskominfo team to be sent to another agency.",
  next_approve: "The response is approved and goes to the operators for the reply to the reporter.",
  next_return: "The response goes back to the agency with this reason.",
  next_send: "This reply goes to the reporter now as the final answer.",
  ctx_response: "The agency's response to check", ctx_previous_response: "The agency's previous response", ctx_previous_reply: "The previous reply to the reporter",
  err_required: "{f} is required", you: "you", enable_again: "Enable again", enabled_done: "{e} is enabled again.", confirm_disable_title: "Disable {e}?",
  confirm_disable: "This person can no longer log in until enabled again.", choose_group: "Choose at least one group",
  tp_nav: "Templates", tp_title: "Reply templates", tp_intro: "Answers used again and again, by stage and category. In a decision form, \"Use a template\" fills the text box with the template filled in for that case.",
  tp_name: "Template name", tp_stage: "Used at", tp_text: "Text", tp_text_hint: "Filled in automatically: {tracking_number}, {title}, {citizen_name}, {agency}.",
  tp_question: "Question for the reporter", tp_all_categories: "All categories", tp_new_title: "New template", tp_edit_title: "Edit template",
  tp_create: "Save template", tp_save: "Save changes", tp_cancel: "Stop editing", tp_edit: "Edit", tp_delete: "Delete",
  tp_confirm_delete: "Delete the template \"{n}\"?", tp_delete_note: "It is no longer offered in decision forms.",
  tp_created: "Template \"{n}\" saved.", tp_saved: "Changes to \"{n}\" saved.", tp_deleted: "Template \"{n}\" deleted.",
  tp_use: "Use a template", tp_choose: "— Choose a template —", tp_used: "Template \"{n}\" used; check and adjust the text."});
const STAGES = JSON.parse(document.getElementById("stages").textContent);
const STAGE_ORDER = Object.keys(STAGES);
const CHANNELS = ["phone", "walk_in", "letter", "whatsapp", "social_media", "email", "sp4n_lapor"];
const ALL_CHANNELS = ["web"].concat(CHANNELS, ["open311"]);
const TEXT_FIELDS = ["reason", "response", "reply", "question", "of"];
// The console lives at .../staff; the API is its parent (works under an API Gateway stage prefix too).
const BASE = location.pathname.replace(/\/+$/, "").replace(/staff$/, "").replace(/\/?$/, "/");
let lang = new URLSearchParams(location.search).get("lang") || localStorage.getItem("lang") || document.documentElement.lang || "id";
if (!T[lang]) lang = "id";
let me = null, view = "login", listView = "queue", categories = [], opdNames = {};
let openCaseId = null, caseData = null, enteredNumber = null, newKey = freshKey();
const $ = (id) => document.getElementById(id);
const t = (key) => (T[lang] || T.id)[key] || T.id[key] || key;
const fill = (key, values) => t(key).replace(/\{(\w+)\}/g, (_, k) => values[k]);
const token = () => sessionStorage.getItem("id_token");
const may = (permission) => Boolean(me && (me.permissions || []).includes(permission));
function freshKey() { return crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + "-" + Math.random().toString(16).slice(2); }

function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === undefined || v === null) continue;
    if (k === "class") node.className = v;
    else if (k === "dataset") Object.assign(node.dataset, v);
    else if (k in node && k !== "testid") node[k] = v;
    else node.setAttribute(k === "testid" ? "data-testid" : k, v);
  }
  for (const child of children) if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
}
function tag(text, kind) { return el("span", {class: "tag" + (kind ? " " + kind : "")}, text); }
function stageLabel(name) { return STAGES[name] ? STAGES[name][lang] : (name || "-"); }
function outcomeLabel(stage, outcome) {
  const s = STAGES[stage]; const o = s && s.outcomes && s.outcomes[outcome];
  return o ? o[lang] : (outcome || "-");
}
const locale = () => lang === "en" ? "en-GB" : "id-ID";
function when(iso) {
  return iso ? new Date(iso).toLocaleString(locale(),
    {timeZone: "Asia/Makassar", weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit"}) + " WITA" : "-";
}
// In a table whose column header says WITA: "7 Des 13.45".
function whenShort(iso) {
  return iso ? new Date(iso).toLocaleString(locale(), {timeZone: "Asia/Makassar", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit"}) : "-";
}
// The day (YYYY-MM-DD) a moment falls on in WITA (UTC+8 all year).
function witaDay(value) { const ms = typeof value === "number" ? value : Date.parse(value); return isNaN(ms) ? "" : new Date(ms + 8 * 3600000).toISOString().slice(0, 10); }
// Working time in words, as the server writes it (domain/durations.py): "45 menit", "3 jam kerja 20 menit",
// "2 hari kerja", "1 hari kerja 4 jam kerja" -- never "j", "m" or "mnt". A working day is the office day
// (8 hours unless the server says otherwise).
function unit(n, key) { return n + " " + t(n === 1 ? key + "_1" : key); }
function duration(minutes, dayMinutes) {
  if (minutes === null || minutes === undefined || !Number.isFinite(Number(minutes))) return "–";
  minutes = Math.max(0, Number(minutes));
  if (minutes > 0 && minutes < 0.5) return t("less_than_minute");
  const whole = Math.floor(minutes + 0.5), day = dayMinutes > 0 ? dayMinutes : 480;
  if (whole >= day) {
    let days = Math.floor(minutes / day), hours = Math.round((minutes - days * day) / 60);
    if (hours * 60 >= day) { days += 1; hours = 0; }
    return unit(days, "u_days") + (hours ? " " + unit(hours, "u_whours") : "");
  }
  if (whole < 60) return unit(whole, "u_minutes");
  const h = Math.floor(whole / 60), rest = whole % 60;
  return unit(h, "u_whours") + (rest ? " " + unit(rest, "u_minutes") : "");
}
function categoryName(code) { const c = categories.find((x) => x.code === code); return c ? c.name : (code || "-"); }
function opdName(code) { return opdNames[code] || code || "-"; }
function channelName(code) { return t("ch_" + (code || "web")); }

function applyLang() {
  document.documentElement.lang = lang;
  document.querySelectorAll("[data-t]").forEach((node) => { node.textContent = t(node.dataset.t); });
  renderChannels(); renderCategories(); renderGroups(); auRender(false); formErrorsRelang();
  renderFilterOptions(); renderCasesFilters(); tpRenderForm();
}
function setLang(value) {
  lang = value; localStorage.setItem("lang", value); applyLang();
  if (!me) return;
  renderMe();
  renderQueue();
  renderCases();
  if (view === "case" && caseData) renderCase(caseData);
  if (view === "members") loadMembers().catch((e) => flash(e.message));
  if (view === "templates") tpLoad().catch((e) => flash(e.message));
  if (view === "apikeys") akLoad().catch((e) => flash(e.message));  // api keys (ak-*)
  if (view === "reports") rpRelang();  // reports (rp-*)
}
function flash(text, ok) { const f = $("flash"); f.textContent = text || ""; f.className = ok ? "ok" : "error"; }

// The API client (api.js, loaded first): a problem becomes an ApiError worded in the page's language.
function describeProblem(data) {
  const msg = (data.messages && data.messages[lang]) || data.title || "";
  const fields = (data.errors || []).map((e) => (e.field ? e.field + ": " : "") + ((e.message && e.message[lang]) || e.code));
  if (data.tracking_number) fields.push(data.tracking_number);
  return [msg].concat(fields).filter(Boolean).join(" — ");
}
const {apiResponse, api} = apiClient({base: BASE, token, networkText: () => t("network"), describe: describeProblem,
                                      sessionEnded: () => signOut()});

// -- views ------------------------------------------------------------------------------------
const VIEWS = {login: "login-view", forgot: "forgot-view", reset: "reset-view", "not-staff": "not-staff-view", queue: "queue-view",
  cases: "cases-view", case: "case-view", new: "new-view", members: "members-view", templates: "templates-view"};
const NAV = {queue: "nav-queue", cases: "nav-cases", new: "nav-new", members: "nav-members", reports: "nav-reports",
  apikeys: "nav-apikeys", templates: "nav-templates"};
function showView(name) {
  view = name; auClear();
  if (name === "queue" || name === "cases") listView = name;
  for (const [key, id] of Object.entries(VIEWS)) $(id).hidden = key !== name;
  $("nav").hidden = !me;
  for (const [key, id] of Object.entries(NAV)) {
    if (key === name || (name === "case" && key === listView)) $(id).setAttribute("aria-current", "page");
    else $(id).removeAttribute("aria-current");
  }
  // Signed in, the address names the open case only; signed out, it keeps the case to open after the login.
  if (me && name !== "case" && new URLSearchParams(location.search).has("case")) history.replaceState(null, "", location.pathname + location.hash);
  window.scrollTo(0, 0);
}
function signOut() {
  sessionStorage.removeItem("id_token"); sessionStorage.removeItem("email");
  me = null; caseData = null; openCaseId = null; enteredNumber = null;
  $("who").hidden = true; queueItems = []; renderQueue(); casesForget();
  $("new-password-box").hidden = true; $("login-new-password").required = false;
  akForget();  // api keys (ak-*): a key shown once does not stay in the page for the next person
  rpForget();  // reports (rp-*): nothing of the report stays in the page for the next person
  showView("login");
}

async function start() {
  if (!token()) { auRoute(false); return; }
  $("who").hidden = false; $("who-email").textContent = sessionStorage.getItem("email") || "";
  try { me = await api("GET", "/staff/me"); }
  catch (e) {
    if (e.status === 403) { me = null; showView("not-staff"); $("who").hidden = false; return; }
    throw e;
  }
  $("who-email").textContent = me.email || sessionStorage.getItem("email") || "";
  renderMe();
  // An emailed action page links here as /staff?case=<id>: that case opens once signed in.
  const wanted = new URLSearchParams(location.search).get("case");
  if (!wanted) showView("queue");
  $("queue-filters").open = $("cases-filters").open = matchMedia("(min-width: 761px)").matches;
  await loadCategories().catch(() => null);  // names of categories and agencies in the rows
  renderFilterOptions(); renderCasesFilters();
  if (wanted) {
    listView = "queue";
    await openCase(wanted).catch((e) => { showView("queue"); flash(e.message, false); });
  }
  await loadQueue();
}
// An agency's staff (only opd-* groups) see the cases routed to their agency; everyone else every case.
const agencyOnly = () => Boolean(me && (me.groups || []).length && (me.groups || []).every((g) => g.startsWith("opd-")));
function renderMe() {
  $("nav-new").hidden = !may("enter_complaint");
  $("nav-members").hidden = !may("manage_members");
  $("nav-apikeys").hidden = !may("manage_api_keys");  // api keys (ak-*)
  $("nav-reports").hidden = !may("read_reports");  // reports (rp-*)
  $("nav-templates").hidden = !may("manage_templates");
  $("nav-cases").textContent = t(agencyOnly() ? "nav_cases_opd" : "nav_cases");
  $("queue-to-cases").textContent = t(agencyOnly() ? "to_cases_opd" : "to_cases");
  $("queue-roles").textContent = t("roles") + " " + sortGroups(me.groups || []).map(groupLabel).join(", ") + ".";
}

// -- login ------------------------------------------------------------------------------------
async function login(form) {
  const email = $("login-email").value.trim(), password = $("login-password").value;
  const body = {email, password};
  if (!$("new-password-box").hidden && $("login-new-password").value) body.new_password = $("login-new-password").value;
  let tokens;
  try { tokens = await api("POST", "/auth/login", body); }
  catch (e) {
    if (e.problem && /password-change-required$/.test(e.problem.type || "")) {
      $("new-password-box").hidden = false; $("login-new-password").required = true; $("login-new-password").focus();
      flash(t("need_new_password"), true); return;
    }
    throw e;
  }
  sessionStorage.setItem("id_token", tokens.id_token); sessionStorage.setItem("email", email);
  form.reset(); $("new-password-box").hidden = true; $("login-new-password").required = false;
  flash("", true);
  await start();
}

// -- sign-in errors, forgotten password (au-*) -------------------------------------------------------
// Errors as the GOV.UK Design System shows them: a summary first, each message linking to its field, the
// same message under the field, aria-invalid, focus on the summary. Kept as keys: a language switch re-renders.
const AU_FIELDS = ["login-email", "login-password", "login-new-password", "forgot-email", "reset-email", "reset-code", "reset-password"];
const AU_EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
let auShown = [];  // [{input?, key? | messages? | text?}]
function auText(e) { return e.key ? t(e.key) : (e.messages && (e.messages[lang] || e.messages.id)) || e.text || ""; }
function auRender(focus) {
  for (const id of AU_FIELDS) { $(id + "-error").hidden = true; $(id + "-error").replaceChildren(); $(id).removeAttribute("aria-invalid"); }
  const list = $("au-summary-list"); list.replaceChildren();
  for (const e of auShown) {
    const text = auText(e);
    if (!e.input) { list.append(el("li", {}, text)); continue; }
    const link = el("a", {href: "#" + e.input}, text);
    link.addEventListener("click", (event) => {  // to the field, its label in sight (not through the address)
      event.preventDefault();
      const label = document.querySelector('label[for="' + e.input + '"]'); if (label) label.scrollIntoView();
      $(e.input).focus({preventScroll: Boolean(label)});
    });
    list.append(el("li", {}, link));
    const under = $(e.input + "-error");
    if (under.hidden) { under.append(el("span", {class: "vh"}, t("au_error") + " "), text); under.hidden = false; }
    $(e.input).setAttribute("aria-invalid", "true");
  }
  $("au-summary").hidden = !auShown.length;
  if (focus && auShown.length) $("au-summary").focus();
}
function auClear() { auShown = []; auRender(false); }
function auEmail(id) {
  const value = $(id).value.trim();
  return !value ? [{input: id, key: "au_email_missing"}] : AU_EMAIL.test(value) ? [] : [{input: id, key: "au_email_invalid"}];
}
function auNewPassword(id) {
  const value = $(id).value;
  if (!value) return [{input: id, key: "au_new_password_missing"}];
  return value.length >= 8 && /[a-z]/.test(value) && /[A-Z]/.test(value) && /[0-9]/.test(value) ? [] : [{input: id, key: "au_weak_password"}];
}
// What is missing or malformed, before asking the server.
function auCheck(form) {
  if (form.id === "login-form") {
    const found = auEmail("login-email");
    if (!$("login-password").value) found.push({input: "login-password", key: "au_password_missing"});
    if (!$("new-password-box").hidden) found.push(...auNewPassword("login-new-password"));
    return found;
  }
  if (form.id === "forgot-form") return auEmail("forgot-email");
  const found = auEmail("reset-email");
  if (!$("reset-code").value.trim()) found.push({input: "reset-code", key: "au_code_missing"});
  return found.concat(auNewPassword("reset-password"));
}
// The server's answer as errors on the form's fields.
function auProblem(form, e) {
  const p = e.problem || {}, type = p.type || "";
  if (form.id === "login-form" && e.status === 401 && !/account-closed$/.test(type)) return [{input: "login-password", key: "au_wrong_credentials"}];
  if (e.status === 422) {
    const inputs = form.id === "reset-form"
      ? {email: "reset-email", code: "reset-code", new_password: "reset-password", password: "reset-password"}
      : form.id === "forgot-form" ? {email: "forgot-email"} : {email: "login-email", password: "login-password", new_password: "login-new-password"};
    const found = (p.errors || []).map((x) => {
      const input = inputs[x.field] || (form.id === "reset-form" ? "reset-code" : null);
      if (input === "reset-code") return {input, key: "au_code_wrong"};
      if (x.code === "weak_password") return {input: input || "login-new-password", key: "au_weak_password"};
      return {input, messages: x.message, text: x.code};
    });
    if (found.length) return found;
    if (form.id === "reset-form") return [{input: "reset-code", key: "au_code_wrong"}];
  }
  return [e.status ? {messages: p.messages, text: e.message} : {key: "network"}];
}
function auGuard(handler) {
  return async (event) => {
    event.preventDefault();
    const form = event.target, button = form.querySelector("button[type=submit]");
    auShown = auCheck(form);
    if (auShown.length) { flash(""); auRender(true); return; }
    auRender(false);
    button.disabled = true; flash(t("wait"), true);
    try { await handler(form); }
    catch (e) { flash(""); auShown = auProblem(form, e); auRender(true); }
    finally { button.disabled = false; }
  };
}
// #forgot and #reset are addresses of their own while signed out: the back button works.
function auRoute(focus) {
  if (me) return;
  const name = {"#forgot": "forgot", "#reset": "reset"}[location.hash] || "login";
  if (name === "forgot" && !$("forgot-email").value) $("forgot-email").value = $("login-email").value.trim();
  if (name === "reset" && !$("reset-email").value) $("reset-email").value = $("forgot-email").value.trim();
  showView(name); flash("");
  if (focus) $(name + "-title").focus();
}
async function auForgot() {
  const email = $("forgot-email").value.trim();
  await api("POST", "/auth/forgot", {email});
  $("reset-email").value = email; $("reset-code").value = ""; $("reset-password").value = "";
  history.pushState(null, "", "#reset"); showView("reset");
  $("reset-code").focus();
  flash(fill("au_code_sent", {e: email}), true);
}
async function auReset(form) {
  const email = $("reset-email").value.trim();
  await api("POST", "/auth/reset", {email, code: $("reset-code").value.replace(/\s+/g, ""), new_password: $("reset-password").value});
  form.reset(); $("forgot-email").value = ""; $("login-password").value = ""; $("login-email").value = email;
  history.replaceState(null, "", location.pathname + location.search); showView("login");
  flash(t("au_reset_done"), true); $("flash").tabIndex = -1; $("flash").focus();  // announced, and read out where focus is
}
window.addEventListener("hashchange", () => auRoute(true));
// -- /sign-in -------------------------------------------------------------------------------------

// -- categories, channels, groups ---------------------------------------------------------------
async function loadCategories() {
  if (!categories.length) {
    categories = await api("GET", "/categories");
    for (const c of categories) if (c.opd) opdNames[c.opd.code] = c.opd.name;
  }
  renderCategories(); renderGroups();
}
function renderCategories() {
  const select = $("new-category"); if (!categories.length) return;
  const current = select.value;
  select.replaceChildren(...categories.map((c) => new Option(c.name, c.code)));
  if (current) select.value = current;
  renderSubcategories();
}
function renderSubcategories() {
  const c = categories.find((x) => x.code === $("new-category").value) || categories[0]; if (!c) return;
  const current = $("new-subcategory").value;
  $("new-subcategory").replaceChildren(...c.subcategories.map((s) => new Option(s.name, s.code)));
  if (current && c.subcategories.some((s) => s.code === current)) $("new-subcategory").value = current;
  $("new-opd-name").textContent = c.opd ? c.opd.name : "-";
}
function renderChannels() {
  const select = $("new-channel"), current = select.value;
  select.replaceChildren(...CHANNELS.map((c) => new Option(t("ch_" + c), c)));
  if (current) select.value = current;
}
function groupOptions() {
  const seen = new Set(), out = ["operator", "diskominfo", "supervisor", "admin"].map((g) => ({value: g, label: t("g_" + g)}));
  for (const c of categories) {
    if (!c.opd || seen.has(c.opd.code)) continue;
    seen.add(c.opd.code); out.push({value: "opd-" + c.opd.code, label: "OPD: " + c.opd.name});
  }
  return out;
}
const ROLE_ORDER = ["operator", "diskominfo", "supervisor", "admin"];
function sortGroups(groups) {
  const rank = (g) => ROLE_ORDER.includes(g) ? ROLE_ORDER.indexOf(g) : ROLE_ORDER.length;
  return [...groups].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}
function groupLabel(group) {
  if (group.startsWith("opd-")) return "OPD " + group.slice(4);
  return T[lang]["g_" + group] || group;
}
function renderGroups() {
  const box = $("invite-groups");
  const checked = new Set([...box.querySelectorAll("input:checked")].map((i) => i.value));
  box.replaceChildren(...groupOptions().map((g) => el("label", {class: "check"},
    el("input", {type: "checkbox", name: "groups", value: g.value, checked: checked.has(g.value)}), " ", g.label)));
}


// -- the queue: every open stage visit of my teams, loaded whole (100 a page), sorted and filtered here ------
let queueItems = [], queueLoadedAt = 0, officeOpen = false, queueStage = "", queueSeq = 0;
let queueSort = {key: "due", dir: 1};
const QUEUE_COLUMNS = [  // [key, heading, cell class, value to sort by]
  ["number", "c_number", "num", (it) => it.tracking_number || ""],
  ["title", "c_title", "t", (it) => (it.title || "").toLocaleLowerCase()],
  ["stage", "c_stage", "st", (it) => STAGE_ORDER.indexOf(it.stage)],
  ["category", "c_category", "opt", (it) => categoryName(it.category) + " " + opdName(it.opd)],
  ["channel", "c_channel", "opt", (it) => channelName(it.channel)],
  ["received", "c_received", "opt", (it) => it.received_at || it.entered_at || ""],
  ["due", "c_due", "opt", (it) => it.due_at || ""],
  ["left", "c_left", "w", (it) => Number.isFinite(Number(it.business_minutes_left)) ? Number(it.business_minutes_left) : Infinity],
  ["overdue", "c_overdue", "opt", (it) => (isLate(it) ? 1 : 0)],
];
const SORTS = [["due", 1], ["left", 1], ["received", -1], ["received", 1], ["number", 1], ["stage", 1], ["overdue", -1]];

async function loadQueue() {
  const seq = ++queueSeq, items = [];
  let next = null, office = false;
  for (let pages = 0; pages < 30; pages++) {  // 3,000 open visits at most: more than a day's work
    const query = new URLSearchParams({state: "open", limit: "100"});
    if (next) query.set("next_token", next);
    const page = await api("GET", "/staff/work-items?" + query.toString());
    items.push(...(page.items || [])); office = Boolean(page.office_open);
    if (page.working_day_business_minutes > 0) queueDayMinutes = page.working_day_business_minutes;
    next = page.next_token || null;
    if (!next) break;
  }
  if (seq !== queueSeq) return;
  queueItems = items; officeOpen = office; queueLoadedAt = Date.now();
  renderQueue();
  if (!items.length && me) loadRecent().catch(() => null);
}
function minutesLeft(it) {
  const base = Number(it.business_minutes_left);
  if (!Number.isFinite(base)) return null;
  return base - (officeOpen ? Math.floor((Date.now() - queueLoadedAt) / 60000) : 0);
}
let queueDayMinutes = 480;  // the office day of the queue's calendar (GET /staff/work-items says it)
function isLate(it) { const left = minutesLeft(it); return Boolean(it.overdue) || (left !== null && left < 0); }
function leftText(it) {
  const left = minutesLeft(it);
  if (left === null) return it.overdue ? t("late") : "";
  return isLate(it) ? fill("overdue_by", {d: duration(Math.abs(left), queueDayMinutes)}) : fill("left", {d: duration(left, queueDayMinutes)});
}
function leftTag(it) {
  const left = minutesLeft(it), late = isLate(it);
  return el("span", {class: "tag " + (late ? "late" : left !== null && left <= 15 ? "warn" : ""), dataset: {left: "1"}}, leftText(it));
}
function queueFilters() {
  return {opd: $("f-opd").value, channel: $("f-channel").value, overdue: $("overdue-only").checked, today: $("due-today").checked};
}
function passes(it, f, withStage) {
  if (withStage && queueStage && it.stage !== queueStage) return false;
  if (f.opd && it.opd !== f.opd) return false;
  if (f.channel && (it.channel || "web") !== f.channel) return false;
  if (f.overdue && !isLate(it)) return false;
  if (f.today && witaDay(it.due_at) !== witaDay(Date.now())) return false;
  return true;
}
function renderFilterOptions() {
  const keep = (id, options) => { const s = $(id), v = s.value; s.replaceChildren(...options); s.value = v; if (s.value !== v) s.value = ""; };
  const opds = [...new Set(queueItems.map((it) => it.opd).filter(Boolean))].sort((a, b) => opdName(a).localeCompare(opdName(b)));
  keep("f-opd", [new Option(t("all_opds"), "")].concat(opds.map((o) => new Option(opdName(o), o))));
  keep("f-channel", [new Option(t("all_channels"), "")].concat(ALL_CHANNELS.map((c) => new Option(channelName(c), c))));
  const sort = $("f-sort");
  sort.replaceChildren(...SORTS.map(([key, dir]) => new Option(t("sort_" + key + (dir > 0 ? "_asc" : "_desc")), key + ":" + dir)));
  const current = queueSort.key + ":" + queueSort.dir;
  if (!SORTS.some(([key, dir]) => key + ":" + dir === current)) {  // sorted by a column heading the list does not name
    const column = QUEUE_COLUMNS.find((c) => c[0] === queueSort.key);
    sort.append(new Option(fill("sort_column", {c: column ? t(column[1]) : queueSort.key, d: t(queueSort.dir > 0 ? "ascending" : "descending")}), current));
  }
  sort.value = current;
}
function renderQueue() {
  const f = queueFilters();
  renderFilterOptions();
  const inFilters = queueItems.filter((it) => passes(it, f, false));
  // Counts per stage (with the other filters applied): "Klasifikasi (3)".
  const counts = {};
  for (const it of inFilters) counts[it.stage] = (counts[it.stage] || 0) + 1;
  if (queueStage && !counts[queueStage]) queueStage = "";
  const chip = (stage, label, n) => {
    const b = el("button", {type: "button", "aria-pressed": String(queueStage === stage), testid: "stage-chip", dataset: {stage}},
      label + " (" + n + ")");
    b.addEventListener("click", () => { queueStage = stage; renderQueue(); });
    return b;
  };
  $("queue-stages").setAttribute("aria-label", t("c_stage"));
  $("queue-stages").replaceChildren(chip("", t("all_stages"), inFilters.length),
    ...STAGE_ORDER.filter((s) => counts[s]).map((s) => chip(s, stageLabel(s), counts[s])));
  const column = QUEUE_COLUMNS.find((c) => c[0] === queueSort.key) || QUEUE_COLUMNS[6];
  const shown = inFilters.filter((it) => !queueStage || it.stage === queueStage).sort((a, b) => {
    const x = column[3](a), y = column[3](b);
    const order = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
    return order * queueSort.dir || String(a.due_at || "").localeCompare(String(b.due_at || ""));
  });
  const active = [f.opd, f.channel, f.overdue, f.today].filter(Boolean).length;
  $("queue-filters-on").textContent = active ? fill("filters_on", {n: active}) : "";
  $("nav-queue-count").textContent = "(" + queueItems.length + ")";
  $("queue-office").textContent = me ? t(officeOpen ? "office_open" : "office_closed") : "";
  $("queue-count").textContent = !me ? "" : shown.length === queueItems.length ? fill("count_all", {n: queueItems.length})
    : fill("count_some", {n: shown.length, m: queueItems.length});
  $("queue-empty").hidden = !me || queueItems.length > 0;
  $("queue-stages").hidden = $("queue-filters").hidden = $("queue-count").hidden = !queueItems.length;  // nothing to sort
  $("queue-table").hidden = !shown.length;
  $("queue-head").replaceChildren(...QUEUE_COLUMNS.map(([key, heading]) => {
    const sorted = queueSort.key === key;
    const button = el("button", {type: "button", testid: "sort-" + key}, t(heading),
      el("span", {"aria-hidden": "true"}, sorted ? (queueSort.dir > 0 ? " ▲" : " ▼") : ""));
    button.addEventListener("click", () => {
      queueSort = {key, dir: sorted ? -queueSort.dir : (key === "received" || key === "overdue" ? -1 : 1)};
      renderQueue();
      $("queue-head").querySelector("[data-testid=sort-" + key + "]").focus();
      flash(fill("sorted", {c: t(heading), d: t(queueSort.dir > 0 ? "ascending" : "descending")}), true);
    });
    return el("th", {scope: "col", "aria-sort": sorted ? (queueSort.dir > 0 ? "ascending" : "descending") : null}, button);
  }));
  const focused = document.activeElement && document.activeElement.closest && document.activeElement.closest("#queue tr");
  const keepFocus = focused ? focused.dataset.tracking : null;
  $("queue").replaceChildren(...shown.map((it) => caseRow(it, it.complaint_id, [
    el("td", {class: "t"}, el("span", {class: "ph"}, stageLabel(it.stage) + " · "), it.title || ""),
    el("td", {class: "st"}, stageLabel(it.stage)),
    el("td", {class: "opt"}, categoryName(it.category), it.opd ? el("div", {class: "muted"}, opdName(it.opd)) : null),
    el("td", {class: "opt"}, channelName(it.channel)),
    el("td", {class: "opt w"}, whenShort(it.received_at || it.entered_at)),
    el("td", {class: "opt w"}, whenShort(it.due_at)),
    el("td", {class: "w"}, leftTag(it)),
    el("td", {class: "opt"}, isLate(it) ? tag(t("late"), "late") : el("span", {class: "muted"}, t("no"))),
  ], "queue-item", {stage: it.stage})));
  rovingStart($("queue"), keepFocus);
}
function tickBadges() {
  if (!queueItems.length) return;
  const byTracking = new Map(queueItems.map((it) => [it.tracking_number, it]));
  for (const row of $("queue").rows) {
    const it = byTracking.get(row.dataset.tracking), badge = row.querySelector("[data-left]");
    if (it && badge) badge.replaceWith(leftTag(it));
  }
}
// One row of a list of cases: its number is the button that opens it (Enter); arrows move between rows.
function caseRow(item, id, cells, testid, data) {
  const open = el("button", {type: "button", tabIndex: -1}, item.tracking_number);
  open.addEventListener("click", (event) => { event.stopPropagation(); openFromList(id); });
  const row = el("tr", {testid, dataset: Object.assign({tracking: item.tracking_number, id}, data || {})},
    el("td", {class: "num"}, open), ...cells);
  row.addEventListener("click", (event) => { if (!event.target.closest("a, button")) openFromList(id); });
  return row;
}
function openFromList(id) { openCase(id).catch((e) => flash(e.message, false)); }
// Roving focus: one row's button is in the Tab order; ArrowUp/ArrowDown/Home/End move it, Enter opens.
function rovingStart(tbody, tracking) {
  const buttons = [...tbody.querySelectorAll("td.num button")];
  if (!buttons.length) return;
  const target = (tracking && buttons.find((b) => b.closest("tr").dataset.tracking === tracking)) || buttons[0];
  buttons.forEach((b) => { b.tabIndex = b === target ? 0 : -1; });
  if (tracking && target.closest("tr").dataset.tracking === tracking) target.focus({preventScroll: true});
}
function rovingKeys(event) {
  const keys = ["ArrowDown", "ArrowUp", "Home", "End"];
  if (!keys.includes(event.key)) return;
  const tbody = event.currentTarget, buttons = [...tbody.querySelectorAll("td.num button")];
  const current = buttons.indexOf(document.activeElement.closest("tr") ? document.activeElement.closest("tr").querySelector("td.num button") : null);
  if (current < 0) return;
  const next = {ArrowDown: Math.min(current + 1, buttons.length - 1), ArrowUp: Math.max(current - 1, 0), Home: 0, End: buttons.length - 1}[event.key];
  event.preventDefault();
  buttons.forEach((b, i) => { b.tabIndex = i === next ? 0 : -1; });
  buttons[next].focus();
  buttons[next].closest("tr").scrollIntoView({block: "nearest"});
}
function focusRow(id) {
  const tbody = listView === "cases" ? $("search-results") : $("queue");
  const row = [...tbody.rows].find((r) => r.dataset.id === id);
  if (row) { rovingStart(tbody, row.dataset.tracking); row.scrollIntoView({block: "center"}); }
}

// -- all cases / our cases: GET /staff/complaints with filters and a search; newest first -------------------
let casesItems = [], casesToken = null, casesQuery = null, casesSeq = 0, casesLoaded = false;
const TRACKING = /^\s*KT[\s-]*[A-Za-z0-9]{4}[\s-]*[A-Za-z0-9]{4}\s*$/i;
const CASES_COLUMNS = ["c_number", "c_title", "c_status", "c_category", "c_channel", "c_submitted", "c_overdue"];
function renderCasesFilters() {
  const keep = (id, options) => { const s = $(id), v = s.value; s.replaceChildren(...options); s.value = v; if (s.value !== v) s.value = ""; };
  keep("c-status", [new Option(t("any"), "")].concat(["open", "answered", "closed"].map((s) => new Option(t("st_" + s), s))));
  keep("c-stage", [new Option(t("any"), "")].concat(STAGE_ORDER.map((s) => new Option(stageLabel(s), s))));
  const opds = Object.keys(opdNames).sort((a, b) => opdName(a).localeCompare(opdName(b)));
  keep("c-opd", [new Option(t("any"), "")].concat(opds.map((o) => new Option(opdName(o), o))));
  keep("c-channel", [new Option(t("any"), "")].concat(ALL_CHANNELS.map((c) => new Option(channelName(c), c))));
  keep("c-category", [new Option(t("any"), "")].concat(categories.map((c) => new Option(c.name, c.code))));
  $("c-opd-box").hidden = agencyOnly();
  $("cases-title").textContent = t(agencyOnly() ? "nav_cases_opd" : "nav_cases");
  $("cases-caption").textContent = $("cases-title").textContent;
  $("cases-intro").textContent = t(agencyOnly() ? "cases_intro_opd" : "cases_intro");
  $("cases-head").replaceChildren(...CASES_COLUMNS.map((key) => el("th", {scope: "col"}, t(key))));
}
function casesForget() { casesItems = []; casesToken = null; casesQuery = null; casesLoaded = false; $("search-form").reset(); renderCases(); }
async function search() {
  const text = $("search-number").value.trim();
  const query = new URLSearchParams();
  if (text && TRACKING.test(text)) query.set("tracking_number", text);
  else {
    if (text) query.set("q", text);
    for (const id of ["c-status", "c-stage", "c-opd", "c-channel", "c-category", "c-from", "c-to"]) {
      const field = $(id); if (field.value && !field.closest("[hidden]")) query.set(field.name, field.value);
    }
  }
  casesQuery = query; casesItems = []; casesToken = null;
  await loadCases();
  flash(fill("cases_found", {n: casesItems.length}) + (casesToken ? " " + t("cases_more_exist") : ""), true);
}
async function loadCases() {
  const seq = ++casesSeq, wanted = casesItems.length + 25;
  for (let pages = 0; pages < 8; pages++) {  // a page may be short while there is more (filters apply after reading)
    const query = new URLSearchParams(casesQuery || {});
    query.set("limit", "50");
    if (casesToken) query.set("next_token", casesToken);
    const page = await api("GET", "/staff/complaints?" + query.toString());
    if (seq !== casesSeq) return;
    casesItems.push(...(page.items || []));
    casesToken = page.next_token || null;
    if (!casesToken || casesItems.length >= wanted) break;
  }
  casesLoaded = true;
  renderCases();
}
function renderCases() {
  const list = $("search-results");
  $("cases-table").hidden = !casesItems.length;
  $("cases-more").hidden = !casesToken;
  $("search-empty").hidden = !casesLoaded || casesItems.length > 0;
  const number = casesQuery && casesQuery.get("tracking_number");
  const filtered = casesQuery && [...casesQuery.keys()].length > 0;
  $("search-empty").textContent = number ? fill("not_found", {n: number}) : t(filtered ? "cases_none" : "cases_none_yet");
  list.replaceChildren(...casesItems.map((c) => caseRow(c, c.id, [
    el("td", {class: "t"}, c.title || ""),
    el("td", {class: "st"}, t("st_" + c.status) + (c.status === "open" && c.stage ? " · " + stageLabel(c.stage) : "")),
    el("td", {class: "opt"}, categoryName(c.category), c.opd ? el("div", {class: "muted"}, opdName(c.opd)) : null),
    el("td", {class: "opt"}, channelName(c.channel)),
    el("td", {class: "opt w"}, whenShort(c.submitted_at || c.created_at)),
    el("td", {class: "w"}, c.overdue && c.status === "open" ? tag(t("late"), "late") : el("span", {class: "muted"}, "")),
  ], "search-result", {status: c.status})));
  rovingStart(list, null);
}
async function showCases() {
  flash(""); showView("cases");
  if (!casesLoaded) { casesQuery = new URLSearchParams(); casesItems = []; casesToken = null; await loadCases(); }
}
// A queue with nothing in it shows the latest cases the caller may see (an agency: answered and closed ones too).
async function loadRecent() {
  const page = await api("GET", "/staff/complaints?limit=10");
  if (queueItems.length) return;
  const items = page.items || [];
  $("recent-box").hidden = !items.length;
  $("recent").replaceChildren(...items.map((c) => caseRow(c, c.id, [
    el("td", {class: "t"}, c.title || ""),
    el("td", {class: "st"}, t("st_" + c.status) + (c.status === "open" && c.stage ? " · " + stageLabel(c.stage) : "")),
    el("td", {class: "opt w"}, whenShort(c.submitted_at || c.created_at)),
  ], "recent-case", {status: c.status})));
  rovingStart($("recent"), null);
}

// -- errors as the GOV.UK Design System shows them, on any form of the console ----------------------------
// A summary at the top of the form linking to each field, the message under the field, aria-invalid, focus on
// the summary. Kept as keys where we wrote them: a language switch re-renders.
const formShown = new Map();  // form -> [{input, key?, values?, text?}]
function errText(e) { return e.key ? fill(e.key, e.values || {}) : e.text || ""; }
function formErrors(form, errors, focus) {
  formShown.set(form, errors);
  form.querySelectorAll(".fe-under").forEach((n) => n.remove());
  form.querySelectorAll("[aria-invalid]").forEach((n) => {
    n.removeAttribute("aria-invalid");
    const ids = (n.getAttribute("aria-describedby") || "").split(" ").filter((x) => x && !x.endsWith("-fe"));
    if (ids.length) n.setAttribute("aria-describedby", ids.join(" ")); else n.removeAttribute("aria-describedby");
  });
  let summary = form.querySelector(":scope > .au-summary");
  if (!errors.length) { if (summary) summary.remove(); return; }
  if (!summary) {
    summary = el("div", {class: "au-summary", tabIndex: -1, testid: "form-errors"});
    form.prepend(summary);
  }
  const list = el("ul", {});
  for (const e of errors) {
    const text = errText(e);
    if (!e.input) { list.append(el("li", {}, text)); continue; }
    const link = el("a", {href: "#" + e.input.id}, text);
    link.addEventListener("click", (event) => { event.preventDefault(); e.input.focus(); });
    list.append(el("li", {}, link));
    if (!form.querySelector("#" + CSS.escape(e.input.id + "-fe"))) {
      const under = el("p", {class: "au-error fe-under", id: e.input.id + "-fe"}, el("span", {class: "vh"}, t("au_error") + " "), text);
      const label = form.querySelector('label[for="' + CSS.escape(e.input.id) + '"]');
      (label || e.input).after(under);
      e.input.setAttribute("aria-describedby", ((e.input.getAttribute("aria-describedby") || "") + " " + under.id).trim());
    }
    e.input.setAttribute("aria-invalid", "true");
  }
  summary.replaceChildren(el("div", {role: "alert"}, el("h2", {}, t("au_problem")), list));
  if (focus) summary.focus();
}
function formErrorsRelang() { for (const [form, errors] of formShown) if (form.isConnected && errors.length) formErrors(form, errors, false); }
// Empty required fields of a form, as errors ("Isi Alasan").
function requiredErrors(form) {
  return [...form.querySelectorAll("[required]")].filter((f) => !f.closest("[hidden]") && !f.disabled && !String(f.value).trim())
    .map((f) => ({input: f, key: "err_required", values: {f: (form.querySelector('label[for="' + CSS.escape(f.id) + '"]') || {}).textContent || f.name}}));
}
// The server's 422 as errors on the form's fields (by their name); anything else stays a flash.
function problemErrors(form, e) {
  if (e.status !== 422 || !(e.problem && e.problem.errors && e.problem.errors.length)) return null;
  return e.problem.errors.map((x) => {
    const input = x.field ? form.querySelector('[name="' + CSS.escape(String(x.field).split(".").pop()) + '"]:not([type=radio])') : null;
    return {input: input && !input.closest("[hidden]") ? input : null, text: (x.message && (x.message[lang] || x.message.id)) || e.message};
  });
}
// A submit handler with the form's errors shown the GOV.UK way; the handler runs only for a complete form.
function formGuard(handler) {
  return async (event) => {
    event.preventDefault();
    const form = event.target, button = form.querySelector("button[type=submit]");
    const missing = requiredErrors(form);
    formErrors(form, missing, true);
    if (missing.length) { flash(""); return; }
    if (button) button.disabled = true;
    flash(t("wait"), true);
    try { await handler(form); }
    catch (e) {
      const found = problemErrors(form, e);
      if (found) { flash(""); formErrors(form, found, true); } else flash(e.message, false);
    }
    finally { if (button) button.disabled = false; }
  };
}

// -- a confirmation in the page: a modal dialog; focus goes into it, Escape cancels, focus comes back ------------
function confirmDialog({title, text, details, yes, danger}) {
  const dialog = $("confirm"), back = document.activeElement;
  $("confirm-title").textContent = title;
  $("confirm-text").textContent = text || "";
  $("confirm-details").replaceChildren(...(details || []));
  $("confirm-yes").textContent = yes;
  $("confirm-yes").className = danger ? "danger" : "";
  $("confirm-no").textContent = t("go_back");
  return new Promise((resolve) => {
    const done = (answer) => {
      dialog.removeEventListener("close", onClose);
      $("confirm-yes").onclick = $("confirm-no").onclick = null;
      if (dialog.open) dialog.close();
      if (back && back.isConnected && back.focus) back.focus();
      resolve(answer);
    };
    const onClose = () => done(false);  // Escape, or closed some other way
    dialog.addEventListener("close", onClose);
    $("confirm-yes").onclick = () => done(true);
    $("confirm-no").onclick = () => done(false);
    dialog.showModal();
    $("confirm-no").focus();  // the safe choice first: Enter on an accidental double press does nothing final
  });
}

// -- one case -------------------------------------------------------------------------------------
async function openCase(id, keepEntered) {
  const c = await api("GET", "/staff/complaints/" + encodeURIComponent(id));
  if (!keepEntered && id !== openCaseId) enteredNumber = null;
  const same = view === "case" && id === openCaseId, scroll = same ? window.scrollY : 0;
  if (!same) flash("");  // what the list said belongs to the list
  openCaseId = id;
  renderCase(c);
  showView("case");
  history.replaceState(null, "", location.pathname + "?case=" + encodeURIComponent(id));
  window.scrollTo(0, scroll);
  if (!same) $("case-title").focus({preventScroll: true});
}
function backToList() {
  const id = openCaseId;
  showView(listView);
  if (listView === "queue") { renderQueue(); loadQueue().then(() => focusRow(id)).catch((e) => flash(e.message)); }
  else focusRow(id);
  focusRow(id);
}
function fact(dl, label, value, id) {
  if (value === null || value === undefined || value === "") return;
  dl.append(el("dt", {}, label), el("dd", id ? {id} : {}, value));
}
function opdResponse(c) {
  if (c.opd_response) return c.opd_response;
  const answered = (c.work_items || []).filter((w) => w.stage === "opd_response" && w.decision && w.decision.response);
  return answered.length ? answered[answered.length - 1].decision.response : "";
}
function safeUrl(url) { try { const u = new URL(url, location.href); return /^https?:$/.test(u.protocol) ? u.href : null; } catch (e) { return null; } }
const ATT_STATUS = {id: {pending: "sedang diperiksa", rejected: "ditolak", expired: "sudah dihapus"},
                    en: {pending: "being checked", rejected: "rejected", expired: "removed"}};
// Photos are shown in the case; PDFs open in a new tab; a file not (yet) accepted is named with its state.
function attachmentsBox(c) {
  const files = c.attachments || [], box = el("div", {testid: "case-attachments"});
  if (!files.length) { box.textContent = t("no_attachments"); return box; }
  const gallery = el("div", {class: "gallery"}), others = el("ul", {class: "rows"});
  for (const f of files) {
    const href = safeUrl(f.view_url || f.url), name = f.filename || "file";
    const size = f.size ? " (" + Math.ceil(f.size / 1024) + " KB)" : "";
    const accepted = !f.status || f.status === "accepted";
    const type = f.content_type || "";
    if (href && accepted && /^image\/(jpeg|png|gif|webp)$/.test(type)) {
      gallery.append(el("figure", {testid: "attachment-image"},
        el("a", {href, target: "_blank", rel: "noopener noreferrer"}, el("img", {src: href, alt: name, loading: "lazy"})),
        el("figcaption", {}, name + size)));
      continue;
    }
    const state = accepted ? "" : " — " + (ATT_STATUS[lang] || ATT_STATUS.id)[f.status] + (f.reason ? ": " + (f.reason[lang] || f.reason.id) : "");
    const label = name + size + state;
    others.append(el("li", {}, href && accepted
      ? el("a", {href, target: "_blank", rel: "noopener noreferrer", testid: "attachment-link"}, label + (type === "application/pdf" ? " — " + t("opens_new_tab") : ""))
      : label));
  }
  if (gallery.children.length) box.append(gallery);
  if (others.children.length) box.append(others);
  return box;
}
function renderCase(c) {
  const kept = {};
  if (caseData && caseData.id === c.id && caseData.current && c.current && caseData.current.step === c.current.step) {
    $("decision-forms").querySelectorAll("textarea, select, input").forEach((f) => { kept[f.id] = f.type === "radio" ? (f.checked ? f.value : kept[f.id]) : f.value; });
    const chosen = $("decision-forms").querySelector("input[name=outcome]:checked");
    if (chosen) kept.outcome = chosen.value;
  }
  caseData = c;
  $("case-back").textContent = t(listView === "cases" ? "back_cases" : "back");
  $("entered").hidden = !enteredNumber; $("entered-number").textContent = enteredNumber || "";
  $("case-title").textContent = c.title;
  const dl = $("case-facts"); dl.replaceChildren();
  fact(dl, t("number"), c.tracking_number, "case-number");
  const status = el("span", {}, t("st_" + c.status));
  if (c.overdue && c.status === "open") status.append(" ", tag(t("late"), "late"));
  fact(dl, t("status"), status, "case-status");
  if (c.status === "open") {
    fact(dl, t("stage"), stageLabel(c.stage), "case-stage");
    fact(dl, t("stage_due"), c.pending_question ? t("fq_due_paused") : when(c.due_at));  // follow-up: a paused clock
  }
  if (c.reporter && c.reporter.erased_at) {  // the reporter closed their account (UU PDP)
    fact(dl, t("reporter"), t("erased") + " (" + when(c.reporter.erased_at) + ")", "case-reporter");
  } else if (c.reporter) {
    const r = c.reporter;
    fact(dl, t("reporter"), el("span", {}, el("strong", {}, r.name || "-"), [r.email, r.phone].filter(Boolean).map((x) => "\n" + x).join("")), "case-reporter");
  } else {
    fact(dl, t("reporter"), t("anonymous_reporter"), "case-reporter");
  }
  fact(dl, t("created"), when(c.created_at));
  fact(dl, t("channel"), channelName(c.channel), "case-channel");
  fact(dl, t("ref_short"), c.external_ref);
  fact(dl, t("entered_by"), c.entered_by);
  fact(dl, t("kind"), c.kind ? t("k_" + c.kind) : null);
  fact(dl, t("category"), (c.category ? c.category.name : "") + (c.subcategory ? " — " + c.subcategory.name : ""));
  fact(dl, t("opd"), c.opd ? c.opd.name : null);
  fact(dl, t("location_short"), c.location, "case-location");
  fact(dl, t("description"), c.description, "case-description");
  if (c.confidential) fact(dl, t("confidential_short"), t("yes"));
  fact(dl, t("attachments"), attachmentsBox(c));
  fact(dl, t("reply"), c.reply, "case-reply");
  fact(dl, t("close_reason"), c.close_reason);
  followupFacts(c, dl);  // follow-up: SOP target, rating, duplicate, reopenings
  renderQuestion(c);

  renderDecision(c, kept);

  $("case-steps").replaceChildren(...(c.work_items || []).map((w) => {
    const label = (w.label && w.label[lang]) || stageLabel(w.stage);
    const li = el("li", {testid: "case-step", dataset: {stage: w.stage}}, el("strong", {}, label), w.team ? " — " + w.team : "");
    li.append(el("div", {class: "muted"}, t("entered_at") + " " + when(w.entered_at) + " · " + t("sop_time") + " " +
      ((w.sop_time && w.sop_time[lang]) || "-") + " · " + t("due") + " " + when(w.due_at)));
    const status = el("div", {});
    if (w.decided_at) {
      const by = w.decided_by && String(w.decided_by).includes("@") ? " " + t("by") + " " + w.decided_by : "";
      status.append(tag(outcomeLabel(w.stage, w.outcome), "done"), " " + t("decided") + " " + when(w.decided_at) + by);
    } else {
      status.append(tag(t("waiting")));
    }
    if (w.sla) status.append(" ", tag(t(w.sla), w.sla === "breached" ? "late" : "done"));
    if (w.overdue && !w.sla) status.append(" ", tag(t("late"), "late"));
    if (w.escalations) status.append(" ", tag(w.escalations + " " + t("escalations"), "warn"));
    li.append(status);
    const d = w.decision || {};
    if (d.opd) li.append(el("div", {}, t("f_opd") + ": " + opdName(d.opd)));
    for (const key of TEXT_FIELDS) if (d[key]) li.append(el("div", {class: "pre"}, t("f_" + key) + ": " + d[key]));
    stepFollowup(li, w);  // follow-up: the reporter's answer or a reopening that started this visit
    return li;
  }));

  // The history as sentences people read (who, what, when in WITA); the raw record stays in the JSON.
  $("case-audit").replaceChildren(...(c.audit || []).map((a) => {
    const sentence = a.summary && (a.summary[lang] || a.summary.id);
    if (sentence) return el("li", {}, sentence);
    return el("li", {}, el("span", {class: "muted"}, when(a.at)), " · ", actionLabel(a.action), a.stage ? " (" + stageLabel(a.stage) + ")" : "");
  }));
  const emails = c.emails || [];
  $("case-emails-none").hidden = emails.length > 0;
  $("case-emails").replaceChildren(...emails.map((m) => el("li", {},
    el("span", {class: "muted"}, when(m.sent_at)), " · ", m.subject || "",
    el("div", {class: "muted"}, "→ " + (m.to || []).join(", ")))));
  renderWhatsApp(c);
}

// A WhatsApp case's conversation: who wrote, when (WITA), what became of our messages; the text as text.
const WA_STATUSES = ["sent", "delivered", "read", "failed"];
const WA_KINDS = ["location", "image", "template"];
function renderWhatsApp(c) {
  const thread = c.whatsapp || [];
  $("case-whatsapp-section").hidden = !c.whatsapp;
  $("case-whatsapp-none").hidden = thread.length > 0;
  $("case-whatsapp").replaceChildren(...thread.map((m) => {
    const out = m.direction === "out";
    const meta = [t(out ? "wa_out" : "wa_in"), when(m.at)];
    if (WA_KINDS.includes(m.kind)) meta.push(t("wa_" + m.kind));
    if (out && WA_STATUSES.includes(m.status)) meta.push(t("wa_" + m.status));
    return el("li", {class: out ? "wa-out" : "wa-in", testid: "case-whatsapp-message", dataset: {direction: out ? "out" : "in"}},
      el("div", {class: "muted"}, meta.join(" · ")), el("div", {class: "pre"}, m.text || ""));
  }));
}

// What the audit trail's actions mean, for an entry without a sentence of its own.
const ACTIONS = {
  id: {submitted: "laporan masuk", stage_entered: "tahap dimulai", decided: "diputuskan", reminder_sent: "pengingat dikirim",
       escalated: "dieskalasi", reply_delivered: "jawaban dikirim ke pelapor", closed: "ditutup", rejected: "ditolak",
       withdrawn: "dibatalkan", information_answered: "pelapor menjawab pertanyaan", question_reminder_sent: "pengingat pertanyaan dikirim",
       reopened: "dibuka kembali oleh pelapor", rated: "dinilai pelapor", closed_unanswered: "ditutup (pertanyaan tidak dijawab)",
       closed_duplicate: "ditutup (duplikat)", attachment_requested: "lampiran diminta", attachment_added: "lampiran diterima",
       attachment_rejected: "lampiran ditolak", attachment_replaced: "lampiran diganti"},
  en: {submitted: "received", stage_entered: "stage started", decided: "decided", reminder_sent: "reminder sent",
       escalated: "escalated", reply_delivered: "reply delivered to the reporter", closed: "closed", rejected: "rejected",
       withdrawn: "withdrawn", information_answered: "reporter answered the question", question_reminder_sent: "question reminder sent",
       reopened: "reopened by the reporter", rated: "rated by the reporter", closed_unanswered: "closed (question not answered)",
       closed_duplicate: "closed (duplicate)", attachment_requested: "attachment requested", attachment_added: "attachment accepted",
       attachment_rejected: "attachment rejected", attachment_replaced: "attachment replaced"}
};
function actionLabel(action) { return (ACTIONS[lang] || ACTIONS.id)[action] || t("something_happened"); }

// -- deciding: one primary choice per stage, the others behind it; every decision checked in a dialog -------------
const PRIMARY = {intake: "accept", classification: "aspiration", opd_response: "respond", review: "approve", reply: "send"};
const UNDOABLE = new Set(["reject", "duplicate", "not_our_authority", "send"]);  // cannot be taken back
const DANGER = new Set(["reject", "duplicate", "not_our_authority", "return"]);
function templatesFor(c, stageKey) {
  return (Array.isArray(c.templates) ? c.templates : []).filter((tp) => !tp.stage || tp.stage === stageKey);
}
function currentVisit(c) {
  const items = c.work_items || [], cur = c.current;
  return items.find((w) => cur && Number(w.step) === Number(cur.step)) || items.filter((w) => !w.decided_at).pop() || null;
}
// Beside the response box: why the case came back (the reporter's reason, or the answer that resumed it) and
// the answer given before.
function renderContext(c) {
  const box = $("decision-context"), parts = [], visit = currentVisit(c), ctx = (visit && visit.context) || {};
  // The reporter's reason stays on the visit the reopening started (classification); every later visit of that
  // round (the agency's, the review, the reply) shows it too.
  const items = c.work_items || [], at = visit ? items.indexOf(visit) : items.length - 1;
  let reopened = null;
  for (let i = at; i >= 0; i--) {
    const w = items[i], wc = w.context || {};
    if (wc.reopen_reason) { reopened = wc; break; }
    if (i < at && w.stage === "reply" && w.decided_at) break;  // an earlier round, answered already
  }
  if (reopened) {
    parts.push(el("div", {class: "ctx", testid: "decision-reason"}, el("h3", {}, fill("fq_reopened", {r: reopened.round || "?"})),
      el("p", {class: "pre"}, reopened.reopen_reason)));
  }
  if (ctx.question || ctx.answer) {
    parts.push(el("div", {class: "ctx", testid: "decision-reason"}, el("h3", {}, t("fq_resumed")),
      el("p", {class: "pre"}, t("fq_asked") + ": " + (ctx.question || "-")),
      el("p", {class: "pre"}, t("fq_answered") + ": " + (ctx.answer || "-"))));
  }
  const stage = c.current && c.current.stage, again = Boolean(reopened || c.reopens);
  const previous = opdResponse(c);
  if (previous && (stage === "review" || again)) {
    parts.push(el("div", {class: "ctx", testid: "decision-previous"}, el("h3", {}, t(stage === "review" ? "ctx_response" : "ctx_previous_response")),
      el("p", {class: "pre"}, previous)));
  }
  if (c.reply && again && stage !== "reply") {
    parts.push(el("div", {class: "ctx", testid: "decision-previous-reply"}, el("h3", {}, t("ctx_previous_reply")), el("p", {class: "pre"}, c.reply)));
  }
  box.replaceChildren(...parts);
}
function renderDecision(c, kept) {
  const card = $("decision-card"), forms = $("decision-forms");
  forms.replaceChildren();
  const cur = c.current;
  card.hidden = !cur;
  $("to-decision").hidden = !(cur && cur.may_decide);  // on a phone the form is below the case: a way straight there
  if (!cur) { $("decision-context").replaceChildren(); return; }
  $("decision-stage").textContent = (cur.label && cur.label[lang]) || stageLabel(cur.stage);
  $("decision-note").textContent = t(cur.may_decide ? "decision_mine" : "decision_not_mine");
  renderContext(c);
  if (!cur.may_decide) return;
  const allowed = (cur.allowed || []).slice();
  const primary = PRIMARY[cur.stage] && allowed.some((o) => o.outcome === PRIMARY[cur.stage]) ? PRIMARY[cur.stage] : (allowed[0] || {}).outcome;
  allowed.sort((a, b) => (b.outcome === primary) - (a.outcome === primary));
  const form = el("form", {id: "decision-form", testid: "decision-form", novalidate: true});
  const choices = el("fieldset", {class: "choices"}, el("legend", {}, t("choose_decision")));
  const panels = [];
  allowed.forEach((o, i) => {
    const rid = "choose-" + o.outcome;
    const radio = el("input", {type: "radio", name: "outcome", id: rid, value: o.outcome, testid: rid,
      checked: (kept.outcome || primary) === o.outcome});
    if (i === 1) choices.append(el("p", {class: "other", "aria-hidden": "true"}, t("other_choices")));
    choices.append(el("label", {class: "check", htmlFor: rid}, radio, " ", (o.label && o.label[lang]) || outcomeLabel(cur.stage, o.outcome)));
    const panel = el("div", {testid: "decide-" + o.outcome, dataset: {outcome: o.outcome}});
    for (const f of o.fields || []) {
      const fid = "decide-" + o.outcome + "-" + f.name;
      panel.append(el("label", {htmlFor: fid}, t("f_" + f.name)));
      if (f.kind === "opd") {
        const select = el("select", {id: fid, name: f.name, required: true});
        select.replaceChildren(...(c.opds || []).map((opd) => new Option(opd.name, opd.code)));
        select.value = kept[fid] || c.suggested_opd || (c.opds && c.opds[0] ? c.opds[0].code : "");
        panel.append(select);
      } else if (f.kind === "tracking") {  // follow-up: another case's number (a duplicate)
        panel.append(el("input", {id: fid, name: f.name, required: true, autocomplete: "off", autocapitalize: "characters",
          placeholder: "KT-XXXX-XXXX", maxLength: f.max_length || 32, value: kept[fid] || ""}));
      } else {
        const area = el("textarea", {id: fid, name: f.name, required: true});
        if (f.max_length) area.maxLength = f.max_length;
        area.value = kept[fid] !== undefined ? kept[fid] : (f.name === "reply" ? opdResponse(c) : "");
        // Templates are kept for the agency's response, the review's return reason, the reply and questions.
        const kind = {question: "request_information", response: "opd_response", reply: "reply"}[f.name] ||
          (f.name === "reason" && cur.stage === "review" ? "review" : null);
        const templates = kind ? templatesFor(c, kind) : [];
        if (templates.length) {
          const sid = fid + "-tpl";
          const select = el("select", {id: sid, testid: "template-select"},
            new Option(t("tp_choose"), ""), ...templates.map((tp, k) => new Option(tp.name, String(k))));
          select.addEventListener("change", () => {
            const tp = templates[Number(select.value)];
            if (!tp) return;
            area.value = tp.text || "";
            flash(fill("tp_used", {n: tp.name}), true);
          });
          panel.append(el("div", {class: "tpl"}, el("label", {htmlFor: sid}, t("tp_use")), select));
        }
        panel.append(area);
      }
    }
    panels.push(panel);
  });
  const next = el("button", {type: "submit", testid: "decision-next"}, t("check_and_send"));
  form.append(choices, ...panels, next);
  const sync = () => {
    const chosen = form.elements.outcome.value;
    for (const p of panels) p.hidden = p.dataset.outcome !== chosen;
  };
  form.addEventListener("change", (event) => { if (event.target.name === "outcome") { sync(); formErrors(form, [], false); } });
  sync();
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const chosen = form.elements.outcome.value, o = allowed.find((x) => x.outcome === chosen);
    if (!o) return;
    const missing = requiredErrors(form);
    formErrors(form, missing, true);
    if (missing.length) { flash(""); return; }
    const body = Object.assign({stage: cur.stage}, o.select || {});
    const details = [];
    for (const f of o.fields || []) {
      const field = form.querySelector("#decide-" + o.outcome + "-" + f.name);
      body[f.name] = field.value;
      const shown = f.kind === "opd" ? opdName(field.value) : field.value;
      details.push(el("div", {class: "confirm-box"}, el("strong", {}, t("f_" + f.name)), el("div", {class: "pre"}, shown)));
    }
    const label = (o.label && o.label[lang]) || outcomeLabel(cur.stage, o.outcome);
    const then = fill("next_" + o.outcome, {opd: body.opd ? opdName(body.opd) : "", of: body.of || ""});
    const ok = await confirmDialog({title: fill("confirm_decision", {o: label, n: c.tracking_number}),
      text: then + (UNDOABLE.has(o.outcome) ? " " + t("cannot_undo") : ""), details,
      yes: fill("yes_decide", {o: label.charAt(0).toLocaleLowerCase() + label.slice(1)}), danger: DANGER.has(o.outcome)});
    if (!ok) return;
    next.disabled = true; flash(t("wait"), true);
    try {
      const result = await api("POST", "/staff/complaints/" + encodeURIComponent(c.id) + "/decision", body);
      const nextStage = STAGES[result.leads_to] ? stageLabel(result.leads_to) : t("t_" + result.leads_to);
      await Promise.all([openCase(c.id, true).catch(() => null), loadQueue().catch(() => null)]);
      flash(fill("saved", {o: outcomeLabel(result.stage, result.outcome), n: nextStage}), true);
    } catch (e) {
      if (e.status === 409) { await openCase(c.id, true).catch(() => null); loadQueue().catch(() => null); flash(e.message, false); return; }
      const found = problemErrors(form, e);
      if (found) { flash(""); formErrors(form, found, true); } else flash(e.message, false);
    } finally { next.disabled = false; }
  });
  forms.append(form);
}

// -- follow-up: questions to the reporter, visits' context, rating, SOP target, duplicates ---------------
let fqShownId = null;
function followupFacts(c, dl) {
  if (c.sop_due_at) {
    const sop = el("span", {}, when(c.sop_due_at));
    if (c.sop_outcome) sop.append(" ", tag(t("fq_" + c.sop_outcome), c.sop_outcome === "breached" ? "late" : "done"));
    sop.append(el("span", {class: "muted"}, " (" + t("fq_sop_hint") + ")"));
    fact(dl, t("fq_sop"), sop, "case-sop");
  }
  if (c.duplicate_of && c.duplicate_of.tracking_number) {
    const number = c.duplicate_of.tracking_number;
    const open = el("button", {type: "button", class: "link"}, t("fq_open_case"));
    open.addEventListener("click", () => openByNumber(number).catch((e) => flash(e.message)));
    fact(dl, t("fq_duplicate_of"), el("span", {}, number + " ", open), "case-duplicate-of");
  }
  if (c.reopens) fact(dl, t("fq_reopens"), fill("fq_reopens_n", {n: c.reopens}), "case-reopens");
  if (c.status === "answered" && c.feedback_ends_at) fact(dl, t("fq_feedback_ends"), when(c.feedback_ends_at));
  if (c.rating) {
    const score = Number(c.rating.score) || 0;
    const rating = el("span", {}, fill("fq_score", {s: score}) + " " + "★".repeat(score) + "☆".repeat(Math.max(0, 5 - score)),
      el("span", {class: "muted"}, " · " + when(c.rating.at)));
    if (c.rating.comment) rating.append(el("div", {class: "pre"}, c.rating.comment));
    fact(dl, t("fq_rating"), rating, "case-rating");
  }
}
async function openByNumber(number) {
  const result = await api("GET", "/staff/complaints?tracking_number=" + encodeURIComponent(number));
  if (!result.items.length) { flash(fill("not_found", {n: number}), false); return; }
  await openCase(result.items[0].id);
}
function renderQuestion(c) {
  const q = c.pending_question, form = $("fq-answer-form");
  if (fqShownId !== c.id) { form.reset(); fqShownId = c.id; }
  $("case-question").hidden = !q;
  form.hidden = !(q && c.status === "open" && may("enter_complaint"));
  if (!q) return;
  $("case-question-meta").textContent = fill("fq_meta", {w: when(q.asked_at), l: stageLabel(q.stage)});
  $("case-question-text").textContent = q.question || "";
  $("case-question-expires").textContent = t("fq_expires");
}
function stepFollowup(li, w) {
  const ctx = w.context || {};
  if (ctx.question || ctx.answer) {  // this visit resumed the stage after the reporter answered
    li.append(el("div", {class: "fq-context", testid: "step-context"}, el("strong", {}, t("fq_resumed")),
      el("div", {class: "pre"}, t("fq_asked") + ": " + (ctx.question || "-")),
      el("div", {class: "pre"}, t("fq_answered") + ": " + (ctx.answer || "-")),
      ctx.answered_at ? el("div", {class: "muted"}, when(ctx.answered_at)) : null));
  } else if (ctx.reopen_reason) {  // a round the reporter reopened
    li.append(el("div", {class: "fq-context", testid: "step-context"}, el("strong", {}, fill("fq_reopened", {r: ctx.round || "?"})),
      el("div", {class: "pre"}, t("fq_reason") + ": " + ctx.reopen_reason)));
  }
  // The visit that asked: its question shows with the decision; then the answer, or that none came yet.
  if (w.question) li.append(el("div", {class: "pre"}, t("fq_answered") + ": " + (w.answer || t("fq_not_answered"))));
}
$("fq-answer-form").addEventListener("submit", guard(async (form) => {
  const id = openCaseId, stage = caseData && caseData.pending_question ? caseData.pending_question.stage : null;
  let c;
  try { c = await api("POST", "/staff/complaints/" + encodeURIComponent(id) + "/information", {answer: form.elements.answer.value}); }
  catch (e) {
    if (e.status === 409) await openCase(id, true).catch(() => null);  // answered meanwhile (the web, a colleague)
    throw e;
  }
  form.reset();
  renderCase(c);
  loadQueue(true).catch(() => null);
  flash(fill("fq_recorded", {l: stageLabel(stage)}), true);
}));
// -- /follow-up --------------------------------------------------------------------------------------

// -- new complaint (operators) ---------------------------------------------------------------------
async function enterComplaint(form) {
  const value = (id) => $(id).value.trim();
  const anonymous = $("new-anonymous").checked;
  const reporter = {};
  if (value("new-name") && !anonymous) reporter.name = value("new-name");
  if (value("new-email")) reporter.email = value("new-email");
  if (value("new-phone")) reporter.phone = value("new-phone");
  const body = {channel: $("new-channel").value, reporter, category: $("new-category").value, subcategory: $("new-subcategory").value,
                title: value("new-title"), description: value("new-description"), anonymous, confidential: $("new-confidential").checked};
  if (value("new-ref")) body.external_ref = value("new-ref");
  if (value("new-location")) body.location = value("new-location");
  const created = await api("POST", "/staff/complaints", body, {"Idempotency-Key": newKey});
  newKey = freshKey();  // the next report is a new form
  form.reset(); renderChannels(); renderCategories();
  enteredNumber = created.tracking_number;
  flash("", true);
  await openCase(created.id, true);
  loadQueue(true).catch(() => null);
}


// -- members (admins): disable with a confirmation, enable again; never one's own account --------------------
async function loadMembers() {
  const result = await api("GET", "/staff/members");
  const items = result.items || [], mine = String((me && me.email) || "").toLowerCase();
  $("members-none").hidden = items.length > 0;
  $("members").replaceChildren(...items.map((m) => {
    const active = m.enabled !== false, self = String(m.email).toLowerCase() === mine;
    const state = !active ? tag(t("inactive"), "late") : m.status === "invited" ? tag(t("m_invited"), "warn")
      : m.status === "active" || !m.status ? tag(t("enabled"), "done") : tag(m.status);
    const named = m.name && m.name !== m.email;
    const li = el("li", {testid: "member", dataset: {email: m.email}},
      el("div", {}, el("strong", {}, named ? m.name : m.email), " ", state, self ? " " : null, self ? tag(t("you")) : null,
        named ? el("div", {}, m.email) : null,
        el("div", {class: "muted"}, sortGroups(m.groups || []).map(groupLabel).join(", ") || "-")));
    if (self) return li;  // an admin cannot lock themselves out
    if (active) {
      const button = el("button", {type: "button", class: "secondary small", testid: "member-disable"}, t("disable"));
      button.setAttribute("aria-label", t("disable") + " " + m.email);
      button.addEventListener("click", async () => {
        const ok = await confirmDialog({title: fill("confirm_disable_title", {e: m.email}), text: t("confirm_disable"), yes: t("disable"), danger: true});
        if (!ok) return;
        button.disabled = true;
        try { await api("DELETE", "/staff/members/" + encodeURIComponent(m.email)); await loadMembers(); flash(fill("disabled", {e: m.email}), true); }
        catch (e) { flash(e.message, false); button.disabled = false; }
      });
      li.append(button);
    } else {
      const button = el("button", {type: "button", class: "small", testid: "member-enable"}, t("enable_again"));
      button.setAttribute("aria-label", t("enable_again") + " " + m.email);
      button.addEventListener("click", async () => {
        button.disabled = true;
        try { await api("POST", "/staff/members/" + encodeURIComponent(m.email) + "/enable"); await loadMembers(); flash(fill("enabled_done", {e: m.email}), true); }
        catch (e) { flash(e.message, false); button.disabled = false; }
      });
      li.append(button);
    }
    return li;
  }));
}
async function invite(form) {
  const groups = [...$("invite-groups").querySelectorAll("input:checked")].map((i) => i.value);
  if (!groups.length) {
    formErrors(form, [{input: $("invite-groups").querySelector("input"), key: "choose_group"}], true);
    flash(""); return;
  }
  const email = $("invite-email").value.trim();
  await api("POST", "/staff/members", {email, name: $("invite-name").value.trim(), groups});
  form.reset(); renderGroups();
  await loadMembers();
  flash(fill("invited", {e: email}), true);
}

// -- reply templates (GET /staff/templates; writes: manage_templates) -----------------------------------------
const TP_STAGES = ["opd_response", "review", "reply", "request_information"];
let tpItems = [], tpEditing = null;
function tpStageName(stage) { return stage === "request_information" ? t("tp_question") : stageLabel(stage); }
function tpRenderForm() {
  const stage = $("tp-stage"), v = stage.value;
  stage.replaceChildren(...TP_STAGES.map((s) => new Option(tpStageName(s), s))); if (v) stage.value = v;
  const cat = $("tp-category"), cv = cat.value;
  cat.replaceChildren(new Option(t("tp_all_categories"), ""), ...categories.map((c) => new Option(c.name, c.code))); cat.value = cv;
  $("tp-form-title").textContent = t(tpEditing ? "tp_edit_title" : "tp_new_title");
  $("tp-save").textContent = t(tpEditing ? "tp_save" : "tp_create");
  $("tp-cancel").hidden = !tpEditing;
}
async function tpLoad() {
  const result = await api("GET", "/staff/templates");
  tpItems = result.items || [];
  const manage = may("manage_templates");
  $("tp-editor").hidden = !manage;
  $("tp-none").hidden = tpItems.length > 0;
  $("tp-list").replaceChildren(...tpItems.map((tp) => {
    const text = tp.text || "";
    const li = el("li", {testid: "tp-item", dataset: {id: tp.id}},
      el("div", {}, el("strong", {}, tp.name), " ", tag(tpStageName(tp.stage)), " ", tag(tp.category ? categoryName(tp.category) : t("tp_all_categories")),
        el("div", {class: "pre muted"}, text.length > 240 ? text.slice(0, 240) + "…" : text)));
    if (manage) {
      const edit = el("button", {type: "button", class: "secondary small", testid: "tp-edit"}, t("tp_edit"));
      edit.setAttribute("aria-label", t("tp_edit") + " " + tp.name);
      edit.addEventListener("click", () => tpEdit(tp));
      const remove = el("button", {type: "button", class: "secondary small", testid: "tp-delete"}, t("tp_delete"));
      remove.setAttribute("aria-label", t("tp_delete") + " " + tp.name);
      remove.addEventListener("click", async () => {
        const ok = await confirmDialog({title: fill("tp_confirm_delete", {n: tp.name}), text: t("tp_delete_note"), yes: t("tp_delete"), danger: true});
        if (!ok) return;
        try {
          await api("DELETE", "/staff/templates/" + encodeURIComponent(tp.id));
          if (tpEditing === tp.id) tpReset();
          await tpLoad(); flash(fill("tp_deleted", {n: tp.name}), true);
        } catch (e) { flash(e.message, false); }
      });
      li.append(el("span", {class: "toolbar"}, edit, remove));
    }
    return li;
  }));
}
function tpEdit(tp) {
  tpEditing = tp.id;
  $("tp-name").value = tp.name || ""; $("tp-stage").value = tp.stage; $("tp-category").value = tp.category || ""; $("tp-text").value = tp.text || "";
  formErrors($("tp-form"), [], false);
  tpRenderForm();
  $("tp-form-title").focus();
}
function tpReset() { tpEditing = null; $("tp-form").reset(); formErrors($("tp-form"), [], false); tpRenderForm(); }
async function tpSave(form) {
  const body = {name: $("tp-name").value.trim(), stage: $("tp-stage").value, text: $("tp-text").value};
  if ($("tp-category").value) body.category = $("tp-category").value;
  const editing = tpEditing;
  if (editing) await api("PUT", "/staff/templates/" + encodeURIComponent(editing), body);
  else await api("POST", "/staff/templates", body);
  tpReset();
  await tpLoad();
  flash(fill(editing ? "tp_saved" : "tp_created", {n: body.name}), true);
}

// -- reports (rp-*): the SLA report for supervisor, Diskominfo and admin (GET /staff/reports/sla) -------------
Object.assign(T.id, {rp_nav: "Laporan SLA", rp_title: "Laporan SLA", rp_period: "Periode", rp_this_month: "Bulan ini",
  rp_last_month: "Bulan lalu", rp_this_year: "Tahun ini", rp_custom: "Pilih tanggal…", rp_from: "Dari tanggal", rp_to: "Sampai tanggal",
  rp_show: "Tampilkan", rp_choose_dates: "Isi tanggal awal dan akhir.", rp_meta: "{f} – {t} (WITA) · dibuat {g}", rp_meta_label: "{l} (WITA) · dibuat {g}",
  rp_totals: "Ringkasan", rp_received: "Diterima", rp_answered: "Dijawab", rp_within: "Dijawab dalam waktu SOP",
  rp_open: "Masih diproses", rp_overdue_open: "{n} terlambat", rp_rating: "Penilaian rata-rata", rp_ratings_n: "dari {n} penilaian",
  rp_more: "Selesai (ditutup) {c} · pengingat {r} · eskalasi {e}", rp_csv: "Unduh CSV", rp_xlsx: "Unduh Excel (XLSX)",
  rp_downloaded: "{f} diunduh.", rp_charts: "Grafik", rp_chart_error: "Grafik tidak dapat ditampilkan.", rp_tables: "Rincian",
  rp_note: "Per tahap dan per OPD: kunjungan tahap yang selesai dalam periode. Per saluran, kategori dan bulan: laporan; " +
    "dijawab = dijawab untuk pertama kali dalam periode. Waktu dihitung dalam jam kerja (WITA); P90 = 9 dari 10 selesai dalam waktu ini.",
  rp_by_stage: "Per tahap SOP", rp_by_opd: "Per OPD", rp_by_channel: "Per saluran", rp_by_category: "Per kategori", rp_by_month: "Per bulan",
  rp_c_stage: "Tahap", rp_c_opd: "OPD", rp_c_channel: "Saluran", rp_c_category: "Kategori", rp_c_month: "Bulan",
  rp_c_received: "Diterima", rp_c_visits: "Selesai", rp_c_cases: "Dijawab", rp_c_sop: "Waktu SOP", rp_c_median: "Median",
  rp_c_p90: "P90", rp_c_within: "Dalam SOP", rp_c_breached: "Melewati SOP", rp_c_reminders: "Pengingat", rp_c_escalations: "Eskalasi",
  rp_c_rating: "Penilaian", rp_no_data: "Belum ada data.", rp_h: "j", rp_min: "mnt"});
Object.assign(T.en, {rp_nav: "SLA reports", rp_title: "SLA report", rp_period: "Period", rp_this_month: "This month",
  rp_last_month: "Last month", rp_this_year: "This year", rp_custom: "Choose dates…", rp_from: "From", rp_to: "To",
  rp_show: "Show", rp_choose_dates: "Fill in the start and end dates.", rp_meta: "{f} – {t} (WITA) · generated {g}", rp_meta_label: "{l} (WITA) · generated {g}",
  rp_totals: "Summary", rp_received: "Received", rp_answered: "Answered", rp_within: "Answered within SOP time",
  rp_open: "Still open", rp_overdue_open: "{n} overdue", rp_rating: "Average rating", rp_ratings_n: "of {n} ratings",
  rp_more: "Closed {c} · reminders {r} · escalations {e}", rp_csv: "Download CSV", rp_xlsx: "Download Excel (XLSX)",
  rp_downloaded: "{f} downloaded.", rp_charts: "Charts", rp_chart_error: "The charts cannot be shown.", rp_tables: "Breakdowns",
  rp_note: "Per stage and per agency: stage visits completed in the period. Per channel, category and month: cases; " +
    "answered = answered for the first time in the period. Times are office time (WITA); P90 = 9 in 10 completed within it.",
  rp_by_stage: "Per SOP stage", rp_by_opd: "Per agency", rp_by_channel: "Per channel", rp_by_category: "Per category", rp_by_month: "Per month",
  rp_c_stage: "Stage", rp_c_opd: "Agency", rp_c_channel: "Channel", rp_c_category: "Category", rp_c_month: "Month",
  rp_c_received: "Received", rp_c_visits: "Completed", rp_c_cases: "Answered", rp_c_sop: "SOP time", rp_c_median: "Median",
  rp_c_p90: "P90", rp_c_within: "Within SOP", rp_c_breached: "Over SOP", rp_c_reminders: "Reminders", rp_c_escalations: "Escalations",
  rp_c_rating: "Rating", rp_no_data: "No data yet.", rp_h: "h", rp_min: "min"});
VIEWS.reports = "reports-view";
// The five breakdowns: stage and agency rows count stage visits; the others count cases.
const RP_TABLES = [{key: "by_stage", code: "stage", visits: true}, {key: "by_opd", code: "opd", visits: true},
  {key: "by_channel", code: "channel"}, {key: "by_category", code: "category"}, {key: "by_month", code: "month"}];
const RP_SVG = "http://www.w3.org/2000/svg";
const RP_NONE = "–";  // nothing measured: the same dash as the server's words (domain/durations.py)
const RP_SVG_TAGS = new Set(["svg", "g", "rect", "line", "polyline", "circle", "text", "tspan", "title", "desc"]);
let rpReport = null, rpSeq = 0;

// Periods are days in WITA (UTC+8 all year): "this month" is the calendar month WITA is in now.
function rpIso(y, m, d) { return y + "-" + String(m).padStart(2, "0") + "-" + String(d).padStart(2, "0"); }
function rpPeriod(choice) {
  const now = new Date(Date.now() + 8 * 3600000), y = now.getUTCFullYear(), m = now.getUTCMonth() + 1;
  const monthEnd = (yy, mm) => new Date(Date.UTC(yy, mm, 0)).getUTCDate();
  if (choice === "custom") return {from: $("rp-from").value, to: $("rp-to").value};
  if (choice === "this_year") return {from: rpIso(y, 1, 1), to: rpIso(y, 12, 31)};
  if (choice === "last_month") {
    const ly = m === 1 ? y - 1 : y, lm = m === 1 ? 12 : m - 1;
    return {from: rpIso(ly, lm, 1), to: rpIso(ly, lm, monthEnd(ly, lm))};
  }
  return {from: rpIso(y, m, 1), to: rpIso(y, m, monthEnd(y, m))};
}
const rpLocale = () => lang === "en" ? "en-GB" : "id-ID";
function rpNum(v, digits) {
  return v === null || v === undefined ? RP_NONE : new Intl.NumberFormat(rpLocale(), {maximumFractionDigits: digits || 0}).format(v);
}
function rpPct(v) { return v === null || v === undefined ? RP_NONE : rpNum(v, 1) + "%"; }
function rpMinutes(v, text) {  // business minutes in words, as everywhere in the console; the server's words first
  if (text && (text[lang] || text.id)) return text[lang] || text.id;
  if (v === null || v === undefined) return RP_NONE;
  return duration(v, rpReport && rpReport.working_day_business_minutes);
}
function rpDay(iso) {
  const d = new Date(iso + "T00:00:00Z");
  return isNaN(d) ? (iso || "-") : d.toLocaleDateString(rpLocale(), {timeZone: "UTC", day: "numeric", month: "long", year: "numeric"});
}
function rpLabel(row, code) { return (row.label && (row.label[lang] || row.label.id)) || row[code] || "-"; }

// A request like api()'s (same Authorization header, same errors) for what is not JSON: SVG, CSV, XLSX.
// API Gateway hands back a binary body (the workbook) only to a request whose first Accept type is it.
const RP_ACCEPT = {svg: "image/svg+xml", csv: "text/csv",
                   xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"};
function rpFetch(query) {
  return apiResponse("GET", "/staff/reports/sla?" + query, undefined, {"Accept": RP_ACCEPT[query.get("format")]});
}

async function rpLoad() {
  const period = rpPeriod($("rp-period").value);
  if (!period.from || !period.to) { flash(t("rp_choose_dates"), false); return; }
  const seq = ++rpSeq;
  const report = await api("GET", "/staff/reports/sla?" + new URLSearchParams({from: period.from, to: period.to, format: "json"}));
  if (seq !== rpSeq || view !== "reports") return;  // a later choice, or the person moved on
  rpReport = report;
  rpRender();
  await rpChart(seq);
}
function rpRelang() { if (rpReport) { rpRender(); rpChart(rpSeq).catch((e) => flash(e.message)); } }
function rpForget() {
  rpReport = null; rpSeq++;
  $("rp-result").hidden = true; $("rp-meta").textContent = "";
  for (const id of ["rp-totals", "rp-chart", "rp-tables"]) $(id).replaceChildren();
  $("rp-period").value = "this_month"; $("rp-dates").hidden = true;
}

function rpRender() {
  const r = rpReport, totals = r.totals || {};
  $("rp-result").hidden = false;
  // The server names the period as it is ("1 – 7 Desember 2026 (berjalan, s.d. hari ini)"); else from-to.
  const period = r.label && (r.label[lang] || r.label.id);
  $("rp-meta").textContent = period ? fill("rp_meta_label", {l: period, g: when(r.generated_at)})
    : fill("rp_meta", {f: rpDay(r.from), t: rpDay(r.to), g: when(r.generated_at)});
  const figure = (key, value, sub, late) => el("div", {class: "rp-figure", testid: "rp-total-" + key},
    el("div", {class: "rp-value"}, value), el("div", {class: "rp-name"}, t("rp_" + key)),
    sub ? el("div", {class: late ? "error" : "muted"}, sub) : null);
  $("rp-totals").replaceChildren(
    figure("received", rpNum(totals.received)),
    figure("answered", rpNum(totals.answered)),
    figure("within", rpPct(totals.answered_within_sop_pct)),
    figure("open", rpNum(totals.open), fill("rp_overdue_open", {n: rpNum(totals.overdue_open || 0)}), totals.overdue_open > 0),
    figure("rating", totals.rating_average === null || totals.rating_average === undefined ? RP_NONE : rpNum(totals.rating_average, 1),
           fill("rp_ratings_n", {n: rpNum(totals.ratings || 0)})));
  $("rp-totals-more").textContent = fill("rp_more", {c: rpNum(totals.closed || 0), r: rpNum(totals.reminders || 0),
                                                       e: rpNum(totals.escalations || 0)});
  $("rp-tables").replaceChildren(...RP_TABLES.flatMap((spec) => [
    // On a phone a table scrolls sideways: its box is a named region the keyboard can reach and scroll.
    el("h3", {}, t("rp_" + spec.key)), el("div", {class: "rp-scroll", tabIndex: 0, role: "region", "aria-label": t("rp_" + spec.key)},
      rpTable(spec, r[spec.key] || []))]));
}
function rpTable(spec, rows) {
  const columns = [
    spec.visits ? null : ["received", (row) => rpNum(row.received)],
    [spec.visits ? "visits" : "cases", (row) => rpNum(row.completed)],
    ["sop", (row) => rpMinutes(row.sop_business_minutes, row.sop_text || row.sop_business_minutes_text)],
    ["median", (row) => rpMinutes(row.median_business_minutes, row.median_text || row.median_business_minutes_text)],
    ["p90", (row) => rpMinutes(row.p90_business_minutes, row.p90_text || row.p90_business_minutes_text)],
    ["within", (row) => rpPct(row.within_sop_pct)],
    ["breached", (row) => rpNum(row.breached)],
    ["reminders", (row) => rpNum(row.reminders)],
    ["escalations", (row) => rpNum(row.escalations)],
    ["rating", (row) => row.rating_average === null || row.rating_average === undefined ? RP_NONE
      : rpNum(row.rating_average, 1) + " (" + rpNum(row.ratings) + ")"],
  ].filter(Boolean);
  const head = el("tr", {}, el("th", {scope: "col"}, t("rp_c_" + spec.code)),
    ...columns.map(([key]) => el("th", {scope: "col"}, t("rp_c_" + key))));
  const body = rows.length ? rows.map((row) => el("tr", {dataset: {key: row[spec.code]}},
    el("th", {scope: "row"}, rpLabel(row, spec.code)), ...columns.map(([, value]) => el("td", {}, value(row)))))
    : [el("tr", {}, el("td", {colSpan: columns.length + 1, class: "muted"}, t("rp_no_data")))];
  return el("table", {class: "rp-table", testid: "rp-table-" + spec.code}, el("thead", {}, head), el("tbody", {}, ...body));
}

// The charts are drawn by the server (adapters/charts.py). The SVG is parsed as XML, never as HTML, and only
// shapes and text are kept (no scripts, links, styles or handlers) before it is imported into the page.
function rpCleanSvg(node) {
  for (const child of [...node.children]) {
    if (child.namespaceURI !== RP_SVG || !RP_SVG_TAGS.has(child.localName)) child.remove();
    else rpCleanSvg(child);
  }
  for (const attr of [...node.attributes]) if (/^on|href|^style$|^src$/i.test(attr.localName)) node.removeAttribute(attr.name);
}
async function rpChart(seq) {
  const box = $("rp-chart"), r = rpReport;
  let svg = null;
  try {
    const text = await (await rpFetch(new URLSearchParams({from: r.from, to: r.to, format: "svg", lang}))).text();
    const doc = new DOMParser().parseFromString(text, "image/svg+xml");
    const root = doc.documentElement;
    if (root.namespaceURI === RP_SVG && root.localName === "svg" && !doc.getElementsByTagName("parsererror").length) svg = root;
  } catch (e) {
    if (seq === rpSeq) box.replaceChildren(el("p", {class: "muted"}, t("rp_chart_error")));
    throw e;
  }
  if (seq !== rpSeq) return;
  if (!svg) { box.replaceChildren(el("p", {class: "muted"}, t("rp_chart_error"))); return; }
  rpCleanSvg(svg);
  box.replaceChildren(document.importNode(svg, true));
}

async function rpDownload(ext, button) {
  if (!rpReport) return;
  const name = "Laporan-SLA-Aspirasi-Kaltim-" + rpReport.from + "_" + rpReport.to + "." + ext;
  button.disabled = true; flash(t("wait"), true);
  try {
    // A link cannot carry the Authorization header: fetch the file, then save the Blob under its name.
    const blob = await (await rpFetch(new URLSearchParams({from: rpReport.from, to: rpReport.to, format: ext}))).blob();
    const url = URL.createObjectURL(blob);
    const link = el("a", {href: url, download: name, hidden: true});
    document.body.append(link); link.click(); link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 30000);
    flash(fill("rp_downloaded", {f: name}), true);
  } catch (e) { flash(e.message, false); }
  finally { button.disabled = false; }
}

$("rp-period").addEventListener("change", () => {
  const custom = $("rp-period").value === "custom";
  if (custom && !$("rp-from").value) {  // start from the period shown
    const shown = rpReport || rpPeriod("this_month");
    $("rp-from").value = shown.from; $("rp-to").value = shown.to;
  }
  $("rp-dates").hidden = !custom;
  $("rp-from").required = $("rp-to").required = custom;
  if (!custom) { flash(t("wait"), true); rpLoad().then(() => flash("", true)).catch((e) => flash(e.message)); }
});
$("rp-form").addEventListener("submit", guard(async () => { await rpLoad(); flash("", true); }));
$("rp-csv").addEventListener("click", () => rpDownload("csv", $("rp-csv")));
$("rp-xlsx").addEventListener("click", () => rpDownload("xlsx", $("rp-xlsx")));
$("nav-reports").addEventListener("click", () => {
  flash(t("wait"), true); showView("reports");
  rpLoad().then(() => flash("", true)).catch((e) => flash(e.message));
});
// -- /reports -----------------------------------------------------------------------------------------

// -- api keys (ak-*): Open311 clients' API keys, for admins (GET/POST /staff/api-keys, DELETE /staff/api-keys/{id}) --
Object.assign(T.id, {ak_nav: "Kunci API", ak_issue_title: "Terbitkan kunci API Open311",
  ak_intro: "Untuk aplikasi lain yang mengirim laporan lewat Open311 GeoReport v2 (/open311/v2). Satu kunci aktif per organisasi; " +
    "kunci hanya ditampilkan sekali, lalu disimpan tersandi (hash).",
  ak_organisation: "Organisasi", ak_issue: "Terbitkan kunci", ak_list_title: "Kunci API", ak_issued_title: "Kunci API baru",
  ak_issued_for: "Untuk {o} (id {i}).", ak_once: "Salin dan kirim kunci ini dengan aman sekarang: kunci tidak dapat ditampilkan lagi. " +
    "Bila hilang, cabut lalu terbitkan yang baru.",
  ak_copy: "Salin", ak_copied: "Kunci disalin.", ak_done: "Sudah disimpan, tutup", ak_active: "aktif", ak_revoked: "dicabut",
  ak_created: "Diterbitkan {w} oleh {b}", ak_last_used: "Terakhir dipakai {w}", ak_never_used: "Belum pernah dipakai",
  ak_revoked_at: "Dicabut {w} oleh {b}", ak_revoke: "Cabut", ak_confirm_revoke: "Cabut kunci {o}? Aplikasinya tidak dapat mengirim laporan lagi.",
  ak_revoked_done: "Kunci {o} dicabut.", ch_open311: "Open311 (aplikasi lain)"});
Object.assign(T.en, {ak_nav: "API keys", ak_issue_title: "Issue an Open311 API key",
  ak_intro: "For other applications that send reports through Open311 GeoReport v2 (/open311/v2). One active key per organisation; " +
    "the key is shown once, then stored hashed.",
  ak_organisation: "Organisation", ak_issue: "Issue key", ak_list_title: "API keys", ak_issued_title: "New API key",
  ak_issued_for: "For {o} (id {i}).", ak_once: "Copy this key and send it safely now: it cannot be shown again. " +
    "If it is lost, revoke it and issue a new one.",
  ak_copy: "Copy", ak_copied: "Key copied.", ak_done: "Saved it, close", ak_active: "active", ak_revoked: "revoked",
  ak_created: "Issued {w} by {b}", ak_last_used: "Last used {w}", ak_never_used: "Never used",
  ak_revoked_at: "Revoked {w} by {b}", ak_revoke: "Revoke", ak_confirm_revoke: "Revoke the key of {o}? Its application can no longer send reports.",
  ak_revoked_done: "The key of {o} was revoked.", ch_open311: "Open311 (other apps)"});
VIEWS.apikeys = "apikeys-view";
function akForget() { $("ak-key").textContent = ""; $("ak-issued-for").textContent = ""; $("ak-issued").hidden = true; $("ak-list").replaceChildren(); }
async function akLoad() {
  const result = await api("GET", "/staff/api-keys");
  const items = result.items || [];
  $("ak-none").hidden = items.length > 0;
  $("ak-list").replaceChildren(...items.map((k) => {
    const li = el("li", {testid: "ak-item", dataset: {id: k.id, organisation: k.organisation}},
      el("div", {}, el("strong", {}, k.organisation), " ", k.active ? tag(t("ak_active"), "done") : tag(t("ak_revoked"), "late"),
        el("div", {class: "muted"}, "id " + k.id + " · " + fill("ak_created", {w: when(k.created_at), b: k.created_by})),
        el("div", {class: "muted"}, k.last_used_at ? fill("ak_last_used", {w: when(k.last_used_at)}) : t("ak_never_used")),
        k.revoked_at ? el("div", {class: "muted"}, fill("ak_revoked_at", {w: when(k.revoked_at), b: k.revoked_by || "-"})) : null));
    if (k.active) {
      const button = el("button", {type: "button", class: "danger", testid: "ak-revoke"}, t("ak_revoke"));
      button.addEventListener("click", async () => {
        if (!(await confirmDialog({title: fill("ak_confirm_revoke", {o: k.organisation}), yes: t("ak_revoke"), danger: true}))) return;
        button.disabled = true;
        try { await api("DELETE", "/staff/api-keys/" + encodeURIComponent(k.id)); await akLoad(); flash(fill("ak_revoked_done", {o: k.organisation}), true); }
        catch (e) { flash(e.message, false); button.disabled = false; }
      });
      li.append(button);
    }
    return li;
  }));
}
async function akIssue(form) {
  const issued = await api("POST", "/staff/api-keys", {organisation: $("ak-organisation").value.trim()});
  form.reset();
  $("ak-issued-for").textContent = fill("ak_issued_for", {o: issued.organisation, i: issued.id});
  $("ak-key").textContent = issued.api_key;  // shown once: the server keeps only its hash
  $("ak-issued").hidden = false;
  flash("", true);
  await akLoad();
  $("ak-issued").scrollIntoView({block: "start"});
}
$("ak-form").addEventListener("submit", guard(akIssue));
$("ak-copy").addEventListener("click", () => {
  const key = $("ak-key").textContent;
  (navigator.clipboard ? navigator.clipboard.writeText(key) : Promise.reject()).then(() => flash(t("ak_copied"), true))
    .catch(() => { const range = document.createRange(); range.selectNodeContents($("ak-key")); getSelection().removeAllRanges(); getSelection().addRange(range); });
});
$("ak-done").addEventListener("click", () => { $("ak-key").textContent = ""; $("ak-issued").hidden = true; });
$("nav-apikeys").addEventListener("click", () => { flash(""); akForget(); showView("apikeys"); akLoad().catch((e) => flash(e.message)); });
// -- /api keys ------------------------------------------------------------------------------------


// -- wiring ------------------------------------------------------------------------------------------
function guard(handler) { return formGuard(handler); }
function go(name, load) {
  return () => { flash(""); showView(name); if (load) load().catch((e) => flash(e.message, false)); };
}
$("login-form").addEventListener("submit", auGuard(login));
$("forgot-form").addEventListener("submit", auGuard(auForgot));
$("reset-form").addEventListener("submit", auGuard(auReset));
$("search-form").addEventListener("submit", formGuard(search));
$("cases-clear").addEventListener("click", () => { $("search-form").reset(); casesLoaded = false; showCases().catch((e) => flash(e.message, false)); });
$("cases-more").addEventListener("click", () => loadCases().then(() => flash(fill("cases_found", {n: casesItems.length}), true)).catch((e) => flash(e.message, false)));
$("new-form").addEventListener("submit", formGuard(enterComplaint));
$("invite-form").addEventListener("submit", formGuard(invite));
$("tp-form").addEventListener("submit", formGuard(tpSave));
$("tp-cancel").addEventListener("click", tpReset);
$("new-category").addEventListener("change", renderSubcategories);
for (const id of ["f-opd", "f-channel", "overdue-only", "due-today"]) $(id).addEventListener("change", () => renderQueue());
$("f-sort").addEventListener("change", () => { const [key, dir] = $("f-sort").value.split(":"); queueSort = {key, dir: Number(dir)}; renderQueue(); });
$("queue").addEventListener("keydown", rovingKeys);
$("search-results").addEventListener("keydown", rovingKeys);
$("recent").addEventListener("keydown", rovingKeys);
$("queue-refresh").addEventListener("click", () => loadQueue().then(() => flash(t("refreshed"), true)).catch((e) => flash(e.message, false)));
$("queue-to-cases").addEventListener("click", () => showCases().catch((e) => flash(e.message, false)));
$("case-reload").addEventListener("click", () => openCase(openCaseId, true).then(() => flash(t("refreshed"), true)).catch((e) => flash(e.message, false)));
$("case-back").addEventListener("click", backToList);
$("to-decision").addEventListener("click", () => { $("decision-card").scrollIntoView({block: "start"}); $("decision-title").focus({preventScroll: true}); });
$("nav-queue").addEventListener("click", go("queue", loadQueue));
$("nav-cases").addEventListener("click", () => showCases().catch((e) => flash(e.message, false)));
$("nav-new").addEventListener("click", go("new", loadCategories));
$("nav-members").addEventListener("click", go("members", () => loadCategories().then(loadMembers)));
$("nav-templates").addEventListener("click", go("templates", () => loadCategories().then(() => { tpRenderForm(); return tpLoad(); })));
$("logout").addEventListener("click", () => { flash(""); signOut(); });
$("not-staff-logout").addEventListener("click", () => { flash(""); signOut(); });
$("lang-id").addEventListener("click", () => setLang("id"));
$("lang-en").addEventListener("click", () => setLang("en"));
setInterval(tickBadges, 60000);  // office time counts down each minute
setInterval(() => { if (me && !document.hidden && view === "queue") loadQueue().catch(() => null); }, 120000);
applyLang();
start().catch((e) => flash(e.message, false));

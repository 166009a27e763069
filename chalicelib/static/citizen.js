// The citizen page (chalicelib/templates/pages/index.html): one screen at a time, each with its own address
// (?view=new|reports|account|forgot, ?case=<id>; emails link ?case=<id>), the back button working.
// Errors follow the GOV.UK Design System: a summary at the top linking to each field, the message under the
// field, aria-invalid, focus on the summary. Results are announced (a live region) and focused.
// Whatever a citizen or an officer wrote is set as textContent only.
"use strict";
(function () {
const CONFIG = JSON.parse(document.getElementById("config").textContent);
const STAGES = CONFIG.stages;

const T = {
  id: {app:"Aspirasi Kaltim", public_link:"Lihat pengaduan publik", skip:"Langsung ke isi", nav_label:"Menu", nav_new:"Laporan baru", nav_reports:"Laporan saya", nav_account:"Akun saya",
    intro:"Layanan Aspirasi dan Pengaduan Masyarakat Provinsi Kalimantan Timur. Sampaikan aspirasi atau pengaduan Anda; kami menjawab dalam sekitar 2 hari kerja.",
    to_track:"Punya nomor laporan? Cek statusnya tanpa masuk.",
    err_summary:"Ada masalah", login:"Masuk", register:"Daftar akun baru", email:"Email", password:"Kata sandi", name:"Nama lengkap", phone:"Nomor HP (tidak wajib)",
    phone_hint:"Tulis seperti biasa, misalnya 0812-3456-7890.", password_hint:"Minimal 8 karakter, dengan huruf besar, huruf kecil dan angka.",
    confirm_hint:"Kami mengirim kode ke email Anda. Masukkan kode itu di sini.", code:"Kode konfirmasi", confirm:"Konfirmasi", logout:"Keluar",
    registered_existing:"Tidak dapat masuk dengan kata sandi ini. Jika email ini sudah punya akun, kami telah mengirim email ke alamat itu: masuk dengan kata sandi akun tersebut.",
    confirmed:"Akun dikonfirmasi. Silakan masuk.", wrong_password:"Email atau kata sandi salah", session_ended:"Sesi Anda berakhir. Silakan masuk lagi.",
    login_to_open:"Silakan masuk untuk membuka laporan Anda.",
    forgot_link:"Lupa kata sandi?", forgot_title:"Lupa kata sandi", forgot_intro:"Tulis email akun Anda. Kami mengirim kode untuk membuat kata sandi baru.",
    forgot_send:"Kirim kode", forgot_sent:"Jika email itu punya akun, kodenya sudah kami kirim. Periksa email Anda, lalu isi kode dan kata sandi baru di bawah.",
    reset_code:"Kode dari email", new_password:"Kata sandi baru", reset_send:"Simpan kata sandi baru", back_login:"Kembali ke halaman masuk",
    reset_done:"Kata sandi Anda sudah diganti dan Anda sudah masuk.", reset_login:"Kata sandi Anda sudah diganti. Silakan masuk dengan kata sandi baru.",
    new_report:"Kirim laporan baru", category:"Kategori", subcategory:"Sub-kategori", choose_category:"— Pilih kategori —", choose_subcategory:"— Pilih sub-kategori —",
    handled_by:"Ditangani oleh:", title:"Judul", description:"Isi laporan", description_hint:"Apa yang terjadi, sejak kapan, siapa yang terdampak. Paling sedikit 10 karakter.",
    place:"Lokasi (tidak wajib)", place_short:"Lokasi", map_label:"Peta untuk memasang pin lokasi",
    map_hint:"Ketuk peta untuk memasang pin, atau gunakan lokasi Anda. Dengan papan ketik: pilih peta, geser dengan tombol panah, lalu tekan \"Pasang pin di tengah peta\".",
    map_failed:"Peta tidak dapat dimuat. Anda tetap dapat memasang pin, menggunakan lokasi Anda, atau menulis alamatnya di bawah.",
    zoom_in:"Perbesar peta", zoom_out:"Perkecil peta", use_location:"Gunakan lokasi saya", pin_centre:"Pasang pin di tengah peta", pin_clear:"Hapus pin", pin_none:"Belum ada pin di peta.", pin_at:"Pin terpasang: {lat}, {long}",
    locating:"Mencari lokasi Anda…", location_denied:"Lokasi Anda tidak dapat dibaca. Pasang pin di peta atau tulis alamatnya.",
    location:"Alamat atau patokan (tidak wajib)", photos:"Foto atau dokumen (tidak wajib)",
    photos_hint:"JPEG, PNG atau PDF, paling besar 5 MB tiap berkas, paling banyak 5 berkas. Diunggah segera setelah laporan terkirim.",
    anonymous:"Sembunyikan nama saya dari petugas (anonim)", anonymous_hint:"Jika anonim, nama, email dan nomor HP Anda yang tertulis di laporan juga diganti [nama], [email], [telepon].", confidential:"Rahasiakan isi laporan",
    public_hint:"Laporan yang tidak dirahasiakan, beserta jawabannya, dapat dibaca umum (juga oleh aplikasi lain lewat Open311) tanpa nama, email atau nomor telepon Anda.",
    send:"Kirim laporan", thanks:"Laporan Anda terkirim", your_number:"Nomor laporan Anda:", announce_sent:"Laporan Anda terkirim. Nomor laporan Anda {n}.",
    number_hint:"Simpan nomor ini untuk mengecek status laporan. Perkembangannya tampil di bawah dan dikirim ke email Anda.",
    my_reports:"Laporan saya", more:"Tampilkan lagi", none:"Belum ada laporan.", back_reports:"← Laporan saya", your_report:"Laporan Anda",
    number:"Nomor", status:"Status", stage:"Tahap", due:"Batas waktu tahap", progress:"Perkembangan", reason:"Alasan penutupan",
    answered_by:"Dijawab oleh {a}", answered_team:"Tim Aspirasi Kaltim", answered_on:"Dijawab {w}", wait:"Mohon tunggu…",
    st_open:"Diproses", st_answered:"Dijawab", st_closed:"Selesai", late:"terlambat", done:"selesai", entered:"mulai", due_short:"batas",
    network:"Tidak dapat terhubung. Periksa koneksi lalu coba lagi.",
    up_waiting:"menunggu", up_sending:"mengunggah {p}%", up_checking:"terunggah, sedang diperiksa", up_failed:"gagal: {m}",
    err_email:"Tulis alamat email, misalnya nama@contoh.id", err_password:"Tulis kata sandi", err_name:"Tulis nama lengkap Anda",
    err_new_password:"Tulis kata sandi baru, minimal 8 karakter", err_code:"Tulis kode dari email",
    err_category:"Pilih kategori laporan", err_subcategory:"Pilih sub-kategori laporan", err_title:"Tulis judul laporan",
    err_description:"Tulis isi laporan, paling sedikit 10 karakter", err_outside:"Pin harus berada di Kalimantan Timur",
    err_photos_many:"Pilih paling banyak 5 berkas", err_photo_type:"{f}: hanya JPEG, PNG atau PDF", err_photo_size:"{f}: lebih dari 5 MB",
    err_answer:"Tulis jawaban Anda", err_score:"Pilih nilai dari 1 sampai 5", err_reason:"Tulis apa yang belum terselesaikan",
    err_file:"Pilih berkas yang akan diunggah", err_track:"Tulis nomor laporan, misalnya KT-7K3M-9QXD", err_track_unknown:"Nomor laporan ini tidak ditemukan",
    err_close_sure:"Centang bahwa Anda mengerti akun dihapus permanen",
    track_title:"Cek status laporan", track_number:"Nomor laporan", track_hint:"Tanpa masuk. Nomornya ada di email tanda terima, misalnya KT-7K3M-9QXD.",
    track_send:"Cek status", track_status:"Status", track_stage:"Tahap sekarang", track_category:"Kategori", track_opd:"Ditangani oleh",
    track_submitted:"Dikirim", track_answered:"Dijawab", track_stages:"Tahap yang dilalui", track_since:"sejak {w}", track_done:"selesai {w}",
    track_running:"sedang berjalan sejak {w}", track_result:"Laporan {n}: {s}.", signed_in_as:"Anda masuk sebagai", cancel:"Batal", err_error:"Kesalahan"},
  en: {app:"Aspirasi Kaltim", public_link:"Public register", skip:"Skip to content", nav_label:"Menu", nav_new:"New report", nav_reports:"My reports", nav_account:"My account",
    intro:"The public aspiration and complaint service of East Kalimantan province. Send us your aspiration or complaint; we answer in about 2 working days.",
    to_track:"Have a tracking number? Check its status without logging in.",
    err_summary:"There is a problem", login:"Log in", register:"Create an account", email:"Email", password:"Password", name:"Full name", phone:"Mobile number (optional)",
    phone_hint:"Write it as usual, for example 0812-3456-7890.", password_hint:"At least 8 characters, with upper case, lower case and a digit.",
    confirm_hint:"We sent a code to your email. Enter it here.", code:"Confirmation code", confirm:"Confirm", logout:"Log out",
    registered_existing:"Could not log in with this password. If this email already has an account, we have emailed that address: log in with that account's password.",
    confirmed:"Account confirmed. Please log in.", wrong_password:"Wrong email or password", session_ended:"Your session ended. Please log in again.",
    login_to_open:"Please log in to open your report.",
    forgot_link:"Forgot your password?", forgot_title:"Forgotten password", forgot_intro:"Enter your account's email. We send you a code to make a new password.",
    forgot_send:"Send the code", forgot_sent:"If that email has an account, we have sent the code. Check your email, then enter the code and a new password below.",
    reset_code:"Code from the email", new_password:"New password", reset_send:"Save the new password", back_login:"Back to log in",
    reset_done:"Your password has been changed and you are logged in.", reset_login:"Your password has been changed. Please log in with the new password.",
    new_report:"Send a new report", category:"Category", subcategory:"Sub-category", choose_category:"— Choose a category —", choose_subcategory:"— Choose a sub-category —",
    handled_by:"Handled by:", title:"Title", description:"Report", description_hint:"What happened, since when, who is affected. At least 10 characters.",
    place:"Place (optional)", place_short:"Place", map_label:"Map to put the place's pin on",
    map_hint:"Tap the map to put a pin, or use your location. With a keyboard: select the map, move it with the arrow keys, then press \"Put the pin at the map's centre\".",
    map_failed:"The map could not load. You can still put a pin, use your location, or write the address below.",
    zoom_in:"Zoom in", zoom_out:"Zoom out", use_location:"Use my location", pin_centre:"Put the pin at the map's centre", pin_clear:"Remove the pin", pin_none:"No pin on the map yet.", pin_at:"Pin placed: {lat}, {long}",
    locating:"Finding your location…", location_denied:"Your location could not be read. Put a pin on the map or write the address.",
    location:"Address or landmark (optional)", photos:"Photos or documents (optional)",
    photos_hint:"JPEG, PNG or PDF, at most 5 MB each, at most 5 files. Uploaded as soon as the report is sent.",
    anonymous:"Hide my name from the officers (anonymous)", anonymous_hint:"If anonymous, your name, email and phone number written in the report are replaced too, by [nama], [email], [telepon].", confidential:"Keep the report confidential",
    public_hint:"A report that is not confidential, and its answer, can be read by the public (also by other apps through Open311), without your name, email or phone number.",
    send:"Send report", thanks:"Your report was sent", your_number:"Your tracking number:", announce_sent:"Your report was sent. Your tracking number is {n}.",
    number_hint:"Keep this number to check the report's status. Its progress shows below and is emailed to you.",
    my_reports:"My reports", more:"Show more", none:"No reports yet.", back_reports:"← My reports", your_report:"Your report",
    number:"Number", status:"Status", stage:"Stage", due:"Stage due", progress:"Progress", reason:"Why it was closed",
    answered_by:"Answered by {a}", answered_team:"the Aspirasi Kaltim team", answered_on:"Answered {w}", wait:"Please wait…",
    st_open:"In progress", st_answered:"Answered", st_closed:"Closed", late:"late", done:"done", entered:"started", due_short:"due",
    network:"Cannot connect. Check your connection and try again.",
    up_waiting:"waiting", up_sending:"uploading {p}%", up_checking:"uploaded, being checked", up_failed:"failed: {m}",
    err_email:"Enter an email address, for example name@example.id", err_password:"Enter your password", err_name:"Enter your full name",
    err_new_password:"Enter a new password of at least 8 characters", err_code:"Enter the code from the email",
    err_category:"Choose the report's category", err_subcategory:"Choose the report's sub-category", err_title:"Enter a title",
    err_description:"Enter the report, at least 10 characters", err_outside:"The pin must be in East Kalimantan",
    err_photos_many:"Choose at most 5 files", err_photo_type:"{f}: only JPEG, PNG or PDF", err_photo_size:"{f}: larger than 5 MB",
    err_answer:"Enter your answer", err_score:"Choose a score from 1 to 5", err_reason:"Enter what is still not solved",
    err_file:"Choose a file to upload", err_track:"Enter a tracking number, for example KT-7K3M-9QXD", err_track_unknown:"No report has this number",
    err_close_sure:"Tick that you understand the account is deleted for good",
    track_title:"Check a report's status", track_number:"Tracking number", track_hint:"No login needed. The number is in the receipt email, for example KT-7K3M-9QXD.",
    track_send:"Check status", track_status:"Status", track_stage:"Current stage", track_category:"Category", track_opd:"Handled by",
    track_submitted:"Sent", track_answered:"Answered", track_stages:"Stages so far", track_since:"since {w}", track_done:"done {w}",
    track_running:"under way since {w}", track_result:"Report {n}: {s}.", signed_in_as:"You are logged in as", cancel:"Cancel", err_error:"Error"}
};
Object.assign(T.id, {
  fu_q_title:"Pertanyaan dari petugas", fu_q_meta:"Ditanyakan {w} pada tahap {l}.",
  fu_paused_tag:"Waktu layanan dihentikan sementara",
  fu_paused_hint:"Batas waktu pelayanan berhenti sampai Anda menjawab; setelah itu petugas melanjutkan dengan sisa waktunya.",
  fu_answer:"Jawaban Anda", fu_answer_send:"Kirim jawaban", fu_answered:"Jawaban Anda terkirim. Petugas melanjutkan laporan Anda.",
  fu_due_paused:"dihentikan sementara — menunggu jawaban Anda",
  fu_sop:"Target SOP", fu_sop_hint:"2 hari kerja untuk seluruh laporan; waktu menunggu jawaban Anda tidak dihitung.",
  fu_met:"tercapai", fu_breached:"terlewati",
  fu_dup:"Laporan Anda digabung dengan {n}, yang ditindaklanjuti: {s}.", fu_dup_short:"Laporan Anda digabung dengan {n}.", fu_dup_answered:"dijawab {w}",
  fu_rate_title:"Nilai jawaban kami", fu_rate_q:"Seberapa membantu jawaban ini?", fu_rate_scale:"1 = tidak membantu · 5 = sangat membantu",
  fu_comment:"Komentar (tidak wajib)", fu_rate_send:"Kirim penilaian", fu_rated:"Penilaian Anda: {s} dari 5. Terima kasih.",
  fu_reopen_title:"Belum selesai? Buka kembali", fu_reopen_note:"Anda dapat membuka kembali laporan ini sampai {w}. Sisa kesempatan: {n} kali.",
  fu_reopen_reason:"Apa yang belum terselesaikan?", fu_reopen_send:"Buka kembali laporan",
  fu_reopened:"Laporan dibuka kembali. Tim Diskominfo meninjaunya lagi.",
  fu_reopen_limit:"Laporan ini sudah dibuka kembali 2 kali; batasnya tercapai. Kirim laporan baru bila masalahnya berlanjut.",
  fu_reopen_over:"Masa untuk membuka kembali laporan ini berakhir {w}.",
  fu_step_asked:"bertanya kepada Anda {w}", fu_step_waiting:"menunggu jawaban Anda",
  ev_submitted:"Laporan dikirim", ev_stage:"Tahap dimulai: {l}", ev_round:"putaran {r}",
  ev_resumed:"{l} dilanjutkan — waktu layanan berjalan lagi", ev_question:"Pertanyaan dari petugas ({l}):", ev_answer:"Jawaban Anda:",
  ev_question_reminder:"Pengingat: pertanyaan petugas belum dijawab", ev_reply:"Jawaban dikirim kepada Anda",
  ev_reopened:"Anda membuka kembali laporan (putaran {r}). Alasan:", ev_rated:"Anda memberi nilai {s} dari 5",
  ev_closed:"Laporan ditutup setelah masa tanggapan berakhir", ev_closed_rejected:"Laporan ditutup: ditolak",
  ev_closed_unanswered:"Laporan ditutup: pertanyaan petugas tidak dijawab", ev_closed_duplicate:"Laporan ditutup: digabung dengan laporan lain",
  att_title:"Lampiran", att_none:"Belum ada lampiran.", att_choose:"Tambah foto atau dokumen", att_progress:"Kemajuan unggahan",
  att_hint:"JPEG, PNG atau PDF, paling besar 5 MB; paling banyak 5 lampiran per laporan.", att_send:"Unggah lampiran",
  att_pending:"sedang diperiksa", att_accepted:"diterima", att_rejected:"ditolak", att_expired:"sudah dihapus",
  att_type:"Hanya JPEG, PNG atau PDF.", att_size:"Berkas lebih dari 5 MB.", att_full:"Laporan ini sudah memuat 5 lampiran.",
  att_failed:"Unggahan gagal. Coba lagi.", att_done:"Lampiran terunggah dan sedang diperiksa.", att_ok:"Lampiran diterima.",
  pd_title:"Akun dan data saya", pd_intro:"Hak Anda atas data pribadi menurut UU No. 27 Tahun 2022 tentang Pelindungan Data Pribadi. Penjelasan lengkap: apa yang kami simpan, untuk apa dan berapa lama, ada di kebijakan privasi layanan ini.",
  pd_copy_title:"Unduh data saya", pd_copy_hint:"Satu berkas JSON berisi akun Anda, semua laporan Anda beserta riwayat, pertanyaan dan jawaban, daftar lampiran, dan email yang kami kirim kepada Anda.",
  pd_download:"Unduh data saya (JSON)", pd_downloaded:"Data Anda sudah diunduh.",
  pd_correct_title:"Perbaiki nama atau nomor HP", pd_new_name:"Nama lengkap yang benar", pd_new_phone:"Nomor HP yang benar",
  pd_remove_phone:"Hapus nomor HP saya", pd_correct_hint:"Isi hanya yang ingin diubah. Nama pelapor pada laporan Anda yang tidak anonim ikut diperbaiki. Email tidak dapat diubah.",
  pd_correct_send:"Simpan perbaikan", pd_nothing:"Isi nama atau nomor HP yang baru, atau centang hapus nomor HP", pd_saved:"Perbaikan tersimpan.",
  pd_close_title:"Tutup akun saya", pd_close_what:"Akun Anda dihapus dan tidak dapat dipulihkan. Nama, email, nomor HP dan keterkaitan Anda dengan laporan dihapus dari semua laporan Anda, begitu pula lampiran Anda. Isi laporan dan penanganannya tetap disimpan sebagai arsip pelayanan publik, tanpa identitas Anda. Anda tidak akan menerima email lagi tentang laporan tersebut. Unduh data Anda dahulu bila ingin menyimpannya.",
  pd_close_start:"Saya ingin menutup akun saya…",
  pd_close_email:"Ketik ulang email akun Anda untuk konfirmasi", pd_close_sure:"Saya mengerti bahwa akun dan data pribadi saya dihapus permanen.",
  pd_close_send:"Tutup akun dan hapus data pribadi saya", pd_close_mismatch:"Email yang diketik tidak sama dengan email akun ini",
  pd_closed:"Akun Anda sudah ditutup dan data pribadi Anda dihapus. Terima kasih telah menggunakan Aspirasi Kaltim."});
Object.assign(T.en, {
  fu_q_title:"A question from the officer", fu_q_meta:"Asked {w} at the {l} stage.",
  fu_paused_tag:"Service clock paused",
  fu_paused_hint:"The service deadline stops until you answer; then the officer carries on with the time that was left.",
  fu_answer:"Your answer", fu_answer_send:"Send answer", fu_answered:"Your answer was sent. The officer carries on with your report.",
  fu_due_paused:"paused — waiting for your answer",
  fu_sop:"SOP target", fu_sop_hint:"2 working days for the whole report; time waiting for your answer does not count.",
  fu_met:"met", fu_breached:"missed",
  fu_dup:"Your report follows {n}: {s}.", fu_dup_short:"Your report follows {n}.", fu_dup_answered:"answered {w}",
  fu_rate_title:"Rate our reply", fu_rate_q:"How helpful was this reply?", fu_rate_scale:"1 = not helpful · 5 = very helpful",
  fu_comment:"Comment (optional)", fu_rate_send:"Send rating", fu_rated:"Your rating: {s} out of 5. Thank you.",
  fu_reopen_title:"Not solved? Reopen", fu_reopen_note:"You can reopen this report until {w}. Reopenings left: {n}.",
  fu_reopen_reason:"What is still not solved?", fu_reopen_send:"Reopen the report",
  fu_reopened:"The report is open again. The Diskominfo team reviews it again.",
  fu_reopen_limit:"This report has been reopened twice, the limit. Send a new report if the problem goes on.",
  fu_reopen_over:"The time to reopen this report ended {w}.",
  fu_step_asked:"asked you {w}", fu_step_waiting:"waiting for your answer",
  ev_submitted:"Report submitted", ev_stage:"Stage started: {l}", ev_round:"round {r}",
  ev_resumed:"{l} resumed — the service clock runs again", ev_question:"A question from the officer ({l}):", ev_answer:"Your answer:",
  ev_question_reminder:"Reminder: the officer's question is still waiting for your answer", ev_reply:"Reply sent to you",
  ev_reopened:"You reopened the report (round {r}). Reason:", ev_rated:"You rated the reply {s} out of 5",
  ev_closed:"Report closed at the end of the feedback window", ev_closed_rejected:"Report closed: rejected",
  ev_closed_unanswered:"Report closed: the officer's question was not answered", ev_closed_duplicate:"Report closed: merged with another report",
  att_title:"Attachments", att_none:"No attachments yet.", att_choose:"Add a photo or document", att_progress:"Upload progress",
  att_hint:"JPEG, PNG or PDF, at most 5 MB; at most 5 attachments per report.", att_send:"Upload attachment",
  att_pending:"being checked", att_accepted:"accepted", att_rejected:"rejected", att_expired:"removed",
  att_type:"Only JPEG, PNG or PDF.", att_size:"The file is larger than 5 MB.", att_full:"This report already holds 5 attachments.",
  att_failed:"The upload failed. Try again.", att_done:"Attachment uploaded and being checked.", att_ok:"Attachment accepted.",
  pd_title:"My account and data", pd_intro:"Your rights over your personal data under Law No. 27 of 2022 on Personal Data Protection. What we keep, why and for how long is set out in this service's privacy policy.",
  pd_copy_title:"Download my data", pd_copy_hint:"One JSON file with your account, all your reports with their history, questions and answers, the list of attachments, and the emails we sent you.",
  pd_download:"Download my data (JSON)", pd_downloaded:"Your data has been downloaded.",
  pd_correct_title:"Correct my name or mobile number", pd_new_name:"Correct full name", pd_new_phone:"Correct mobile number",
  pd_remove_phone:"Remove my mobile number", pd_correct_hint:"Fill in only what should change. The reporter's name on your reports that are not anonymous is corrected too. The email cannot be changed.",
  pd_correct_send:"Save the correction", pd_nothing:"Enter a new name or mobile number, or tick remove my number", pd_saved:"The correction is saved.",
  pd_close_title:"Close my account", pd_close_what:"Your account is deleted and cannot be restored. Your name, email, mobile number and your link to your reports are erased from all your reports, and so are your attachments. The reports' content and how they were handled stay as the public service's record, without your identity. You will receive no more emails about them. Download your data first if you want to keep it.",
  pd_close_start:"I want to close my account…",
  pd_close_email:"Type your account's email again to confirm", pd_close_sure:"I understand that my account and personal data are deleted for good.",
  pd_close_send:"Close my account and erase my personal data", pd_close_mismatch:"The email typed is not this account's email",
  pd_closed:"Your account is closed and your personal data erased. Thank you for using Aspirasi Kaltim."});

// Requests are relative to this page, so the app works under an API Gateway stage prefix (/api/).
const BASE = location.pathname.endsWith("/") ? location.pathname : location.pathname.replace(/[^/]*$/, "");
const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const KALTIM = {south: -2.6, north: 2.7, west: 113.6, east: 119.2};
const FILE_TYPES = {jpg: "image/jpeg", jpeg: "image/jpeg", png: "image/png", pdf: "application/pdf"};
const MAX_BYTES = 5 * 1024 * 1024, MAX_FILES = 5, MAX_REOPENS = 2;
let lang = new URLSearchParams(location.search).get("lang") || localStorage.getItem("lang") || document.documentElement.lang || "id";
if (!T[lang]) lang = "id";
let categories = [], nextToken = null, pendingEmail = null, openId = null, shownCase = null, screen = null;
const $ = (id) => document.getElementById(id);
const t = (key) => (T[lang] || T.id)[key] || T.id[key] || key;
const fill = (key, values) => t(key).replace(/\{(\w+)\}/g, (_, k) => String(values[k]));
const token = () => sessionStorage.getItem("id_token");
const say = (m) => (typeof m === "string" ? t(m) : m && m.key ? fill(m.key, m.values || {}) : m ? (m[lang] || m.id || "") : "");
function node(tagName, className, text) {
  const n = document.createElement(tagName);
  if (className) n.className = className;
  if (text !== undefined && text !== null) n.textContent = text;
  return n;
}
function when(iso) {
  return iso ? new Date(iso).toLocaleString(lang === "en" ? "en-GB" : "id-ID", {timeZone: "Asia/Makassar", dateStyle: "medium", timeStyle: "short"}) + " WITA" : "-";
}
const stageName = (name) => (STAGES[name] ? STAGES[name][lang] || STAGES[name].id : name || "-");
const newKey = () => (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random());

// -- the API (api.js, loaded first): a problem document becomes an ApiError; a 401 with a session ends it ----
const {apiResponse, api} = apiClient({base: BASE, token, networkText: () => t("network"), describe: problemText,
                                      sessionEnded: () => sessionEnded()});
function problemText(p) {  // the problem's title (and detail) in the page's language: "id / en"
  if (!p) return "";
  if (p.messages && p.messages[lang]) return p.messages[lang];
  const half = (s) => { const parts = String(s || "").split(" / "); return (lang === "en" && parts[1]) || parts[0]; };
  return half(p.title);
}

// -- errors (GOV.UK) and results ---------------------------------------------------------------------------
// An error is {field: element id or null, message: key | {key, values} | {id, en}}. Kept to redraw in another language.
let shownErrors = null;
function summaryOf(el) { return (el.closest("[data-screen]") || $("screen-" + screen)).querySelector(".error-summary"); }
function clearErrors(scope) {
  (scope || document).querySelectorAll(".field-error").forEach((e) => e.remove());
  (scope || document).querySelectorAll(".has-error").forEach((e) => e.classList.remove("has-error"));
  (scope || document).querySelectorAll("[aria-invalid]").forEach((e) => {
    e.removeAttribute("aria-invalid");
    const d = (e.getAttribute("aria-describedby") || "").split(" ").filter((x) => x && !x.endsWith("-error")).join(" ");
    if (d) e.setAttribute("aria-describedby", d); else e.removeAttribute("aria-describedby");
  });
  document.querySelectorAll(".error-summary").forEach((s) => { s.hidden = true; });
  shownErrors = null;
}
function showErrors(form, errors, quiet) {
  clearErrors();
  shownErrors = {form, errors};
  const summary = summaryOf(form), list = summary.querySelector("ul");
  list.replaceChildren(...errors.map((e) => {
    const li = node("li"), text = say(e.message), field = e.field && $(e.field);
    if (field) {
      const a = node("a", "", text); a.href = "#" + e.field;
      a.addEventListener("click", (ev) => { ev.preventDefault(); focusField(field); });
      li.append(a);
      markField(field, text);
    } else li.textContent = text;
    return li;
  }));
  summary.hidden = false;
  if (!quiet) { summary.focus(); summary.scrollIntoView({block: "start"}); }
}
function markField(field, text) {
  const group = field.closest(".field") || field.parentElement;
  group.classList.add("has-error");
  const id = field.id + "-error";
  let message = $(id);
  if (!message) {
    message = node("p", "field-error"); message.id = id;
    const anchor = group.querySelector(":scope > label, :scope > legend"), next = anchor && anchor.nextElementSibling;
    const after = next && next.classList.contains("hint") ? next : anchor;  // under the label and its hint
    if (after) after.after(message); else group.prepend(message);
  }
  message.replaceChildren(node("span", "visually-hidden", t("err_error") + ": "), text);
  const target = field.matches("fieldset") ? field.querySelector("input") : field;
  if (field.matches("input,select,textarea") || field.id === "map") field.setAttribute("aria-invalid", "true");
  const described = (target.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
  if (!described.includes(id)) target.setAttribute("aria-describedby", [id].concat(described).join(" "));
}
function focusField(field) {
  const target = field.matches("fieldset") ? field.querySelector("input") : field;
  const label = document.querySelector(`label[for="${field.id}"]`) || field.querySelector("legend") || field;
  label.scrollIntoView({block: "start"});
  target.focus({preventScroll: true});
}
// A result: visible in `el`, announced in the live region, focused.
let lastResult = null;
function result(el, message, focus) {
  lastResult = {el, message};
  el.hidden = false;
  const p = el.matches("p") ? el : el.querySelector("p") || el;
  if (message) p.textContent = say(message);
  announce(message || el.textContent);
  if (focus !== false) { el.focus(); el.scrollIntoView({block: "nearest"}); }
}
function announce(message) {
  const live = $("live"), text = say(message);
  live.textContent = "";
  setTimeout(() => { live.textContent = text; }, 50);
}
function hideResults() {
  lastResult = null;
  for (const id of ["guest-result", "reports-result", "forgot-sent", "fu-answered-ok", "fu-reopened-ok", "pd-corrected", "pd-downloaded"]) $(id).hidden = true;
}
// What a failed call means for a form: field errors under their fields, or the problem's sentence.
function apiErrors(e, fields) {
  const errors = (e.problem && e.problem.errors) || [];
  if (e.status === 422 && errors.length) {
    return errors.map((x) => ({field: (fields || {})[x.field] || null, message: x.message && (x.message.id || x.message.en) ? x.message : String(x.code || x.field)}));
  }
  const message = e.problem && (e.problem.title || e.problem.messages) ? {id: problemOf(e.problem, "id"), en: problemOf(e.problem, "en")} : e.message;
  return [{field: null, message}];
}
function problemOf(p, which) {
  if (p.messages && p.messages[which]) return p.messages[which];
  const parts = String(p.title || "").split(" / ");
  return (which === "en" && parts[1]) || parts[0];
}
// Run a form's handler with its button disabled; errors go to the summary.
function guard(handler, fields) {
  return async (event) => {
    event.preventDefault();
    const form = event.target, button = form.querySelector("button[type=submit]");
    if (button) { if (button.disabled) return; button.disabled = true; }
    try { await handler(form); }
    catch (e) {
      if (e.errors) showErrors(form, e.errors);
      else showErrors(form, apiErrors(e, fields));
    }
    finally { if (button) button.disabled = false; }
  };
}
function invalid(errors) { const e = new Error("invalid"); e.errors = errors; return e; }
function check(errors) { if (errors.length) throw invalid(errors); clearErrors(); }
const emailOk = (v) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v);

// -- language -------------------------------------------------------------------------------------------------
function applyLang() {
  document.documentElement.lang = lang;
  document.querySelectorAll("[data-t]").forEach((el) => { el.textContent = t(el.dataset.t); });
  document.querySelectorAll("[data-t-label]").forEach((el) => { el.setAttribute("aria-label", t(el.dataset.tLabel)); });
  for (const [id, l] of [["lang-id", "id"], ["lang-en", "en"]]) $(id).setAttribute("aria-pressed", String(lang === l));
  renderCategories();
  renderPin();
  renderZoom();
  renderUploads();
  if (shownErrors) showErrors(shownErrors.form, shownErrors.errors, true);
  if (lastResult && lastResult.message) { const p = lastResult.el.matches("p") ? lastResult.el : lastResult.el.querySelector("p"); if (p) p.textContent = say(lastResult.message); }
  if (trackShown) renderTrack(trackShown);
  if (shownCase) renderCase(shownCase);
}
function setLang(value) {
  lang = value; localStorage.setItem("lang", value);
  const url = new URL(location.href);
  if (url.searchParams.has("lang")) { url.searchParams.set("lang", value); history.replaceState(history.state, "", url.pathname + url.search); }
  applyLang();
  if (token() && screen === "reports") loadComplaints(true).catch(() => null);
}

// -- screens and addresses (History API) ----------------------------------------------------------------
function addressOf(params) {
  const url = new URL(location.href), keep = url.searchParams.get("lang");
  url.search = "";
  if (keep) url.searchParams.set("lang", keep);
  for (const [k, v] of Object.entries(params || {})) url.searchParams.set(k, v);
  return url.pathname + url.search;
}
function go(params, options) {
  const address = addressOf(params);
  if (options && options.replace) history.replaceState(null, "", address); else if (address !== location.pathname + location.search) history.pushState(null, "", address);
  return route(!(options && options.keepFocus));
}
window.addEventListener("popstate", () => route(true));
document.addEventListener("click", (event) => {  // in-page links change the screen without a reload
  const a = event.target.closest("a[href]"), href = a ? a.getAttribute("href") : "";
  if (!a || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || a.target) return;
  if (!(href.startsWith("?") || href === "./")) return;  // only the screens' own links (not #anchors, not elsewhere)
  const url = new URL(a.href, location.href);
  event.preventDefault();
  go(Object.fromEntries([...url.searchParams].filter(([k]) => k !== "lang")));
});
function wanted() {
  const q = new URLSearchParams(location.search), id = q.get("case");
  return {view: q.get("view") || "", caseId: id && ID_PATTERN.test(id) ? id : null, track: (q.get("track") || "").slice(0, 40)};
}
function trackFromAddress(number) {  // ?track=KT-... (the receipt email's link): the number looked up at once
  if (!number || $("track").hidden || $("track-number").value) return;
  $("track-number").value = number;
  $("track-form").requestSubmit();
}
function showScreen(name, moveFocus) {
  if (screen !== name) { clearErrors(); hideResults(); }
  screen = name;
  document.querySelectorAll("[data-screen]").forEach((el) => { el.hidden = el.dataset.screen !== name; });
  const inside = Boolean(token());
  $("nav").hidden = !inside; $("logout").hidden = !inside;
  document.querySelectorAll("#nav a").forEach((a) => {
    if (a.dataset.view === name || (name === "case" && a.dataset.view === "reports")) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
  });
  const slot = document.querySelector(`#screen-${name} .track-slot`);
  $("track").hidden = !slot;
  if (slot) slot.append($("track"));
  if (moveFocus) {
    const heading = document.querySelector(`#screen-${name} h2[tabindex]`);
    if (heading) heading.focus();
    window.scrollTo(0, 0);
  }
}
async function route(moveFocus) {
  const {view, caseId, track} = wanted(), inside = Boolean(token());
  if (!inside) {
    showScreen(view === "forgot" ? "forgot" : "guest", moveFocus);
    if (caseId && !$("guest-result").textContent) result($("guest-result"), "login_to_open", false);
    trackFromAddress(track);
    return;
  }
  if (caseId) {
    showScreen("case", false);
    if (openId !== caseId) { $("submitted").hidden = true; }
    try { await openComplaint(caseId); if (moveFocus && $("submitted").hidden) $("detail-title").focus(); }
    catch (e) { showErrors($("detail"), apiErrors(e)); }
    return;
  }
  const name = ["new", "reports", "account"].includes(view) ? view : "reports";
  showScreen(name, moveFocus);
  openId = null; shownCase = null;
  if (name === "new") { await loadCategories().catch((e) => showErrors($("complaint-form"), apiErrors(e))); startMap(); }
  if (name === "reports") { await loadComplaints(true).catch((e) => showErrors($("complaints"), apiErrors(e))); trackFromAddress(track); }
  if (name === "account") $("who-email").textContent = sessionStorage.getItem("email") || "";
}
function sessionEnded() {
  sessionStorage.removeItem("id_token");
  showScreen("guest", false);
  result($("guest-result"), "session_ended", false);
}

// -- logging in, registering, a forgotten password --------------------------------------------------------
async function login(email, password) {
  const tokens = await api("POST", "/auth/login", {email, password});
  sessionStorage.setItem("id_token", tokens.id_token); sessionStorage.setItem("email", email);
  $("login-form").reset(); $("register-form").reset();
}
const LOGIN_FIELDS = {email: "login-email", password: "login-password"};
$("login-form").addEventListener("submit", guard(async (form) => {
  const email = form.elements.email.value.trim(), password = form.elements.password.value, errors = [];
  if (!emailOk(email)) errors.push({field: "login-email", message: "err_email"});
  if (!password) errors.push({field: "login-password", message: "err_password"});
  check(errors);
  try { await login(email, password); }
  catch (e) {
    if (e.status === 401) throw invalid([{field: "login-password", message: "wrong_password"}]);
    throw e;
  }
  await route(true);
}, LOGIN_FIELDS));
const REGISTER_FIELDS = {name: "reg-name", email: "reg-email", phone: "reg-phone", password: "reg-password"};
$("register-form").addEventListener("submit", guard(async (form) => {
  const v = {name: form.elements.name.value.trim(), email: form.elements.email.value.trim(), phone: form.elements.phone.value.trim(), password: form.elements.password.value};
  const errors = [];
  if (!v.name) errors.push({field: "reg-name", message: "err_name"});
  if (!emailOk(v.email)) errors.push({field: "reg-email", message: "err_email"});
  if (v.password.length < 8) errors.push({field: "reg-password", message: "err_new_password"});
  check(errors);
  if (!v.phone) delete v.phone;
  const created = await api("POST", "/auth/register", v);
  if (created && created.confirmed === false) {
    pendingEmail = v.email; $("confirm-form").hidden = false; form.hidden = true;
    result($("guest-result"), "confirm_hint"); return;
  }
  // The answer is the same for an address that has an account (nobody learns who has one): if that
  // account's password is another, say so and where to look, not "please log in" alone.
  try { await login(v.email, v.password); }
  catch (e) {
    if (e.status === 401) throw invalid([{field: null, message: "registered_existing"}]);
    throw e;
  }
  await go({view: "new"});
}, REGISTER_FIELDS));
$("confirm-form").addEventListener("submit", guard(async (form) => {
  const code = form.elements.code.value.trim();
  check(code ? [] : [{field: "confirm-code", message: "err_code"}]);
  await api("POST", "/auth/confirm", {email: pendingEmail, code});
  form.hidden = true; $("register-form").hidden = false;
  result($("guest-result"), "confirmed");
}, {code: "confirm-code"}));
const RESET_FIELDS = {email: "forgot-email", code: "reset-code", new_password: "reset-password", password: "reset-password"};
$("forgot-form").addEventListener("submit", guard(async (form) => {
  const email = form.elements.email.value.trim();
  check(emailOk(email) ? [] : [{field: "forgot-email", message: "err_email"}]);
  await api("POST", "/auth/forgot", {email});
  $("reset-form").hidden = false;
  result($("forgot-sent"), "forgot_sent");
}, RESET_FIELDS));
$("reset-form").addEventListener("submit", guard(async (form) => {
  const email = $("forgot-email").value.trim(), code = form.elements.code.value.trim(), password = form.elements.new_password.value, errors = [];
  if (!emailOk(email)) errors.push({field: "forgot-email", message: "err_email"});
  if (!code) errors.push({field: "reset-code", message: "err_code"});
  if (password.length < 8) errors.push({field: "reset-password", message: "err_new_password"});
  check(errors);
  await api("POST", "/auth/reset", {email, code, new_password: password});
  form.reset(); form.hidden = true; $("forgot-form").reset(); $("forgot-sent").hidden = true;
  try { await login(email, password); }
  catch (e) { await go({}); result($("guest-result"), "reset_login"); return; }
  await go({view: "reports"}, {keepFocus: true});
  result($("reports-result"), "reset_done");
}, RESET_FIELDS));
$("logout").addEventListener("click", () => {
  sessionStorage.clear(); openId = null; shownCase = null; categories = categories || [];
  $("submitted").hidden = true;
  go({});
});
$("lang-id").addEventListener("click", () => setLang("id"));
$("lang-en").addEventListener("click", () => setLang("en"));

// -- categories (no default: a choice is required) --------------------------------------------------------
async function loadCategories() {
  if (!categories.length) categories = await api("GET", "/categories");
  renderCategories();
}
function renderCategories() {
  const select = $("category");
  if (!categories.length) return;
  const current = select.value;
  select.replaceChildren(new Option(t("choose_category"), ""), ...categories.map((c) => new Option(c.name, c.code)));
  select.value = current;
  renderSubcategories();
}
function renderSubcategories() {
  const c = categories.find((x) => x.code === $("category").value), select = $("subcategory"), current = select.value;
  select.replaceChildren(new Option(t("choose_subcategory"), ""), ...(c ? c.subcategories.map((s) => new Option(s.name, s.code)) : []));
  select.value = c ? current : "";
  select.disabled = !c;
  $("opd-line").hidden = !c; $("opd-name").textContent = c ? c.opd.name : "";
}
$("category").addEventListener("change", () => { $("subcategory").value = ""; renderSubcategories(); });

// -- the map (Leaflet, loaded from our own origin when the form is first shown) ---------------------------
let map = null, marker = null, pin = null, mapLoading = false;
function loadLeaflet() {
  return new Promise((resolve, reject) => {
    if (window.L) { resolve(); return; }
    const css = document.createElement("link"); css.rel = "stylesheet"; css.href = CONFIG.leaflet_css; document.head.append(css);
    const js = document.createElement("script"); js.src = CONFIG.leaflet_js; js.onload = resolve; js.onerror = reject; document.head.append(js);
  });
}
const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (ch) => "&#" + ch.charCodeAt(0) + ";");  // Leaflet's attribution is HTML
function startMap() {
  if (map) { map.invalidateSize(); return; }
  if (mapLoading) return;
  mapLoading = true;
  loadLeaflet().then(() => {
    const L = window.L;
    map = L.map("map", {center: [-0.5022, 117.1536], zoom: 13, minZoom: 6, maxBounds: [[KALTIM.south - 1, KALTIM.west - 1], [KALTIM.north + 1, KALTIM.east + 1]],
                        keyboardPanDelta: 60, attributionControl: true, zoomControl: false});
    renderZoom();
    const tiles = L.tileLayer(CONFIG.tile_url, {maxZoom: 19, attribution: escapeHtml(CONFIG.tile_attribution)});
    let failed = 0;
    tiles.on("tileerror", () => { if (++failed === 1) $("map-note").hidden = false; });
    tiles.on("tileload", () => { $("map-note").hidden = true; });
    tiles.addTo(map);
    const cross = node("div", "map-cross"); cross.setAttribute("aria-hidden", "true"); $("map").append(cross);
    map.on("click", (e) => setPin(e.latlng.lat, e.latlng.lng));
    if (pin) setPin(pin.lat, pin.long, true);
  }).catch(() => { $("map-note").hidden = false; });
}
let zoom = null;
function renderZoom() {  // the zoom buttons' names in the page's language
  if (!map) return;
  if (zoom) zoom.remove();
  zoom = window.L.control.zoom({zoomInTitle: t("zoom_in"), zoomOutTitle: t("zoom_out")}).addTo(map);
}
function setPin(lat, long, quiet) {
  pin = {lat: Math.round(lat * 1e6) / 1e6, long: Math.round(long * 1e6) / 1e6};
  if (map) {
    if (!marker) marker = window.L.marker([pin.lat, pin.long], {icon: window.L.divIcon({className: "pin", iconSize: [26, 26]}), keyboard: false, interactive: false}).addTo(map);
    else marker.setLatLng([pin.lat, pin.long]);
  }
  renderPin();
  if (!quiet) announce({key: "pin_at", values: {lat: pin.lat.toFixed(5), long: pin.long.toFixed(5)}});
}
function clearPin() {
  pin = null;
  if (marker) { marker.remove(); marker = null; }
  renderPin();
}
function renderPin() {
  $("pin-status").textContent = pin ? fill("pin_at", {lat: pin.lat.toFixed(5), long: pin.long.toFixed(5)}) : t("pin_none");
  $("pin-clear").hidden = !pin;
}
$("pin-centre").addEventListener("click", () => {
  if (map) { const c = map.getCenter(); setPin(c.lat, c.lng); }
  else setPin(-0.5022, 117.1536);
});
$("pin-clear").addEventListener("click", () => { clearPin(); $("pin-centre").focus(); });
$("use-location").addEventListener("click", () => {
  if (!navigator.geolocation) { $("pin-status").textContent = t("location_denied"); return; }
  $("pin-status").textContent = t("locating");
  navigator.geolocation.getCurrentPosition((p) => {
    setPin(p.coords.latitude, p.coords.longitude);
    if (map) map.setView([pin.lat, pin.long], Math.max(map.getZoom(), 16));
  }, () => { $("pin-status").textContent = t("location_denied"); announce("location_denied"); }, {enableHighAccuracy: true, timeout: 15000, maximumAge: 60000});
});

// -- photos chosen in the form, uploaded right after the report is created -------------------------------
let uploads = [];  // [{file, state: waiting|sending|checking|failed, percent, message}]
function fileType(file) { return file.type || FILE_TYPES[(file.name.split(".").pop() || "").toLowerCase()] || ""; }
function fileErrors(files, field) {
  const errors = [];
  if (files.length > MAX_FILES) errors.push({field, message: "err_photos_many"});
  for (const f of files) {
    if (!Object.values(FILE_TYPES).includes(fileType(f))) errors.push({field, message: {key: "err_photo_type", values: {f: f.name}}});
    else if (f.size > MAX_BYTES) errors.push({field, message: {key: "err_photo_size", values: {f: f.name}}});
  }
  return errors;
}
$("photos").addEventListener("change", () => {
  $("photos-chosen").replaceChildren(...[...$("photos").files].map((f) => node("li", "", f.name + " (" + Math.max(1, Math.ceil(f.size / 1024)) + " KB)")));
});
function renderUploads() {
  $("upload-list").replaceChildren(...uploads.map((u) => {
    const li = node("li"); li.dataset.state = u.state;
    const text = u.state === "sending" ? fill("up_sending", {p: u.percent}) : u.state === "failed" ? fill("up_failed", {m: say(u.message)}) : t("up_" + u.state);
    const bar = node("progress"); bar.max = 100; bar.value = u.state === "checking" ? 100 : u.percent;
    bar.setAttribute("aria-label", u.file.name);
    li.append(node("span", "", u.file.name + ": "), node("span", "up-state", text), bar);
    return li;
  }));
}
function postToBucket(upload, file, onProgress) {  // XMLHttpRequest: fetch() cannot report upload progress
  return new Promise((resolve, reject) => {
    const form = new FormData();
    Object.entries(upload.fields).forEach(([key, value]) => form.append(key, value));
    form.append("file", file);  // last: S3 reads the policy's fields first
    const xhr = new XMLHttpRequest();
    xhr.open("POST", upload.url);
    xhr.upload.addEventListener("progress", (e) => { if (e.lengthComputable) onProgress(Math.floor(e.loaded * 100 / e.total)); });
    xhr.addEventListener("load", () => (xhr.status >= 200 && xhr.status < 300 ? resolve() : reject(new Error(t("att_failed")))));
    xhr.addEventListener("error", () => reject(new Error(t("att_failed"))));
    xhr.send(form);
  });
}
async function uploadOne(id, file, onProgress) {
  const asked = await api("POST", "/complaints/" + encodeURIComponent(id) + "/attachments", {filename: file.name, content_type: fileType(file), size: file.size});
  onProgress(0);
  await postToBucket(asked.upload, file, onProgress);
  onProgress(100);
  return asked.id;
}
async function uploadChosen(id) {
  for (const u of uploads) {
    u.state = "sending"; u.percent = 0; renderUploads();
    try {
      await uploadOne(id, u.file, (p) => { u.percent = p; const bar = $("upload-list").children[uploads.indexOf(u)]; if (bar) { bar.querySelector("progress").value = p; bar.querySelector(".up-state").textContent = fill("up_sending", {p}); } });
      u.state = "checking";
    } catch (e) { u.state = "failed"; u.message = e.problem && e.problem.title ? {id: problemOf(e.problem, "id"), en: problemOf(e.problem, "en")} : e.message; }
    renderUploads();
  }
  if (openId === id) await watchAttachments(id);
}
async function watchAttachments(id) {  // the check runs when S3 announces the file: usually within seconds
  for (let i = 0; i < 30; i++) {
    if (openId !== id || !token()) return;
    const c = await api("GET", "/complaints/" + encodeURIComponent(id)).catch(() => null);
    if (!c) return;
    if (openId === id) renderCase(c);
    if (!(c.attachments || []).some((a) => a.status === "pending")) return c;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

// -- sending a report -------------------------------------------------------------------------------------
const COMPLAINT_FIELDS = {category: "category", subcategory: "subcategory", title: "title", description: "description", location: "location", lat: "map", long: "map", anonymous: "anonymous", confidential: "confidential"};
let idempotencyKey = newKey();
$("complaint-form").addEventListener("submit", guard(async (form) => {
  const v = {category: $("category").value, subcategory: $("subcategory").value, title: $("title").value.trim(), description: $("description").value.trim(), location: $("location").value.trim()};
  const files = [...$("photos").files], errors = [];
  if (!v.category) errors.push({field: "category", message: "err_category"});
  else if (!v.subcategory) errors.push({field: "subcategory", message: "err_subcategory"});
  if (!v.title) errors.push({field: "title", message: "err_title"});
  if (v.description.length < 10) errors.push({field: "description", message: "err_description"});
  if (pin && !(pin.lat >= KALTIM.south && pin.lat <= KALTIM.north && pin.long >= KALTIM.west && pin.long <= KALTIM.east)) errors.push({field: "map", message: "err_outside"});
  errors.push(...fileErrors(files, "photos"));
  check(errors);
  const body = {category: v.category, subcategory: v.subcategory, title: v.title, description: v.description, anonymous: $("anonymous").checked, confidential: $("confidential").checked};
  if (v.location) body.location = v.location;
  if (pin) { body.lat = pin.lat; body.long = pin.long; }
  const created = await api("POST", "/complaints", body, {"Idempotency-Key": idempotencyKey});
  idempotencyKey = newKey();
  form.reset(); clearPin(); $("photos-chosen").replaceChildren(); renderSubcategories();
  uploads = files.map((file) => ({file, state: "waiting", percent: 0}));
  renderUploads();
  history.pushState(null, "", addressOf({case: created.id}));
  showScreen("case", false);
  $("tracking-number").textContent = created.tracking_number;
  openId = created.id;
  renderCase(created);
  result($("submitted"), null);
  announce({key: "announce_sent", values: {n: created.tracking_number}});
  watchNewStage(created.id, created);
  if (uploads.length) uploadChosen(created.id);
}, COMPLAINT_FIELDS));

// -- my reports -------------------------------------------------------------------------------------------
async function loadComplaints(reset) {
  const list = $("complaints");
  const page = await api("GET", "/complaints" + (!reset && nextToken ? "?next_token=" + encodeURIComponent(nextToken) : ""));
  if (reset) list.replaceChildren();
  if (reset && !page.items.length) list.append(node("li", "hint", t("none")));
  for (const c of page.items) {
    const li = node("li"), a = node("a");
    a.href = addressOf({case: c.id});
    const tag = node("span", "tag" + (c.status === "open" ? "" : " done"), t("st_" + c.status));
    a.append(node("span", "num", c.tracking_number), " ", tag, node("span", "title", c.title), node("span", "hint", when(c.created_at)));
    li.append(a); list.append(li);
  }
  nextToken = page.next_token || null; $("more").hidden = !nextToken;
}
$("more").addEventListener("click", () => loadComplaints(false).catch((e) => showErrors($("complaints"), apiErrors(e))));

// -- one case ---------------------------------------------------------------------------------------------
async function openComplaint(id, data) {
  const c = data || await api("GET", "/complaints/" + encodeURIComponent(id));
  if (openId !== id) { resetCaseForms(); }
  openId = id;
  renderCase(c);
  watchNewStage(id, c);
  return c;
}
function resetCaseForms() {
  for (const id of ["fu-answer-form", "fu-rate-form", "fu-reopen-form", "att-form"]) $(id).reset();
  for (const id of ["fu-answered-ok", "fu-reopened-ok"]) $(id).hidden = true;
  $("att-progress-box").hidden = true;
}
function renderCase(c) {
  if (!shownCase || shownCase.id !== c.id) $("detail-report").open = !c.reply && !c.pending_question;  // the text, until answered
  shownCase = c;
  $("detail-title").textContent = c.title;
  $("detail-number").textContent = c.tracking_number;
  $("detail-status").textContent = t("st_" + c.status);
  $("detail-status").className = "tag" + (c.status === "open" ? "" : " done");
  $("detail-stage").textContent = c.status === "open" && c.stage ? stageName(c.stage) : "";
  $("detail-category").textContent = (c.category && c.category.name ? c.category.name : c.category) + (c.subcategory && c.subcategory.name ? " — " + c.subcategory.name : "");
  $("detail-description").textContent = c.description;
  const place = [c.location, c.lat !== undefined && c.lat !== null ? c.lat + ", " + c.long : ""].filter(Boolean).join(" · ");
  $("detail-location").textContent = place || "-";
  $("detail-due").textContent = c.status === "open" ? (c.pending_question ? t("fu_due_paused") : when(c.due_at)) : "-";
  // The answer first: who answered and when.
  $("detail-reply-box").hidden = !c.reply;
  $("detail-answered-by").textContent = fill("answered_by", {a: c.opd && c.opd.name ? c.opd.name : t("answered_team")});
  $("detail-answered-at").textContent = c.answered_at ? fill("answered_on", {w: when(c.answered_at)}) : "";
  $("detail-reply").textContent = c.reply || "";
  $("detail-reason-box").hidden = !c.close_reason; $("detail-reason").textContent = c.close_reason || "";
  renderQuestion(c);
  renderSop(c);
  renderDuplicate(c);
  $("detail-timeline").replaceChildren(...timeline(c));
  renderAttachments(c);
  renderRating(c);
  renderReopen(c);
  for (const id of ["fu-answered-ok", "fu-reopened-ok"]) if ($(id).dataset.key) $(id).textContent = t($(id).dataset.key);
}
function renderQuestion(c) {
  const q = c.pending_question;
  $("fu-question").hidden = !q;
  if (!q) return;
  $("fu-question-meta").textContent = fill("fu_q_meta", {w: when(q.asked_at), l: stageName(q.stage)});
  $("fu-question-text").textContent = q.question;
}
function renderSop(c) {
  const sopDue = c.sop_due_at;
  $("fu-sop-label").hidden = $("fu-sop").hidden = !sopDue;
  if (!sopDue) return;
  const dd = $("fu-sop");
  dd.replaceChildren(when(sopDue));
  if (c.sop_outcome) dd.append(" ", node("span", "tag " + (c.sop_outcome === "breached" ? "late" : "done"), t("fu_" + c.sop_outcome)));
  dd.append(node("div", "hint", t("fu_sop_hint")));
}
function renderDuplicate(c) {
  const d = c.duplicate_of;
  $("fu-duplicate").hidden = !d;
  if (!d) return;
  if (d.status) {
    let s = t("st_" + d.status);
    if (d.status === "open" && d.stage) s += " — " + stageName(d.stage);
    if (d.answered_at) s += ", " + fill("fu_dup_answered", {w: when(d.answered_at)});
    $("fu-duplicate").textContent = fill("fu_dup", {n: d.tracking_number, s});
  } else $("fu-duplicate").textContent = fill("fu_dup_short", {n: d.tracking_number});
}
// One timeline: the case's events, each stage with its visit's clock (done, due, late, paused to ask).
function timeline(c) {
  const visits = (c.timeline || []).slice(), used = new Set();
  const visitFor = (e) => {
    let i = visits.findIndex((v, n) => !used.has(n) && v.stage === e.stage && v.entered_at === e.at);
    if (i < 0) i = visits.findIndex((v, n) => !used.has(n) && v.stage === e.stage);
    if (i < 0) return null;
    used.add(i); return visits[i];
  };
  let events = c.events || [];
  if (!events.length) events = visits.map((v) => ({type: "stage", stage: v.stage, at: v.entered_at, label: v.label}));
  return events.map((e) => {
    const li = node("li"); li.dataset.type = e.type;
    if (e.stage) li.dataset.stage = e.stage;
    li.append(node("span", "hint", when(e.at)), " · ");
    const label = (e.label && (e.label[lang] || e.label.id)) || stageName(e.stage);
    const round = e.round && e.round > 1 ? " (" + fill("ev_round", {r: e.round}) + ")" : "";
    let text = "", quote = null;
    switch (e.type) {
      case "submitted": text = t("ev_submitted"); break;
      case "stage": text = fill("ev_stage", {l: label}) + round; break;
      case "resumed": text = fill("ev_resumed", {l: label}); break;
      case "question": text = fill("ev_question", {l: label}); quote = e.question; break;
      case "answer": text = t("ev_answer"); quote = e.answer; break;
      case "question_reminder": text = t("ev_question_reminder"); break;
      case "reply": text = t("ev_reply") + round; break;
      case "reopened": text = fill("ev_reopened", {r: e.round || ""}); quote = e.reason; break;
      case "rated": text = fill("ev_rated", {s: e.score}); quote = e.comment; break;
      case "closed": text = t(e.why ? "ev_" + e.why : "ev_closed"); break;
      default: text = e.type;
    }
    const key = ["question", "answer", "reply", "reopened", "rated", "closed"].includes(e.type);  // what the citizen looks for
    li.append(node(key ? "strong" : "span", "", text));
    if (e.type === "stage") {
      const v = visitFor(e);
      if (v) {
        const tag = node("span", "tag" + (v.overdue ? " late" : v.completed_at ? " done" : ""));
        if (v.paused) { tag.className = "tag fu-paused"; tag.textContent = v.paused.answered_at ? fill("fu_step_asked", {w: when(v.paused.asked_at)}) : t("fu_step_waiting"); }
        else tag.textContent = v.completed_at ? t("done") + " " + when(v.completed_at) : c.status === "open" && v.due_at ? t("due_short") + " " + when(v.due_at) : "";
        if (tag.textContent) li.append(" ", tag);
        if (v.overdue) li.append(" ", node("span", "tag late", t("late")));
      }
    }
    if (quote) li.append(node("div", "pre fu-quote", quote));
    return li;
  });
}
// A case just sent, or just reopened, enters its next stage a moment later (the workflow starts it): until
// then the page looks again every 1.5 s, for up to half a minute, so the citizen sees it without reloading.
let stageTimer = null, stageFor = null, stageTries = 0, stageSeen = 0;
function watchNewStage(id, c, visitsBefore) {
  clearTimeout(stageTimer);
  if (stageFor !== id || visitsBefore !== undefined) { stageFor = id; stageTries = 0; stageSeen = visitsBefore !== undefined ? visitsBefore : -1; }
  const visits = (c.timeline || []).length;
  const settled = c.status !== "open" || (stageSeen < 0 ? visits > 0 : visits > stageSeen);
  if (settled || ++stageTries > 20) { stageSeen = -1; return; }
  stageTimer = setTimeout(() => {
    if (openId !== id || !token() || screen !== "case") return;
    api("GET", "/complaints/" + encodeURIComponent(id)).then((fresh) => { if (openId === id) { renderCase(fresh); watchNewStage(id, fresh); } }).catch(() => null);
  }, 1500);
}
const casePath = (id, what) => "/complaints/" + encodeURIComponent(id) + "/" + what;
function caseDone(elId, key) { const p = $(elId); p.dataset.key = key; result(p, key); }
async function afterCaseError(e) { if (token() && openId && e.status) await openComplaint(openId).catch(() => null); throw e; }
$("fu-answer-form").addEventListener("submit", guard(async (form) => {
  const answer = form.elements.answer.value.trim();
  check(answer ? [] : [{field: "fu-answer", message: "err_answer"}]);
  const c = await api("POST", casePath(openId, "information"), {answer}).catch(afterCaseError);
  form.reset();
  await openComplaint(openId, c);
  caseDone("fu-answered-ok", "fu_answered");
}, {answer: "fu-answer"}));
$("fu-rate-form").addEventListener("submit", guard(async (form) => {
  const score = form.elements.score.value;
  check(score ? [] : [{field: "fu-score", message: "err_score"}]);
  const body = {score: Number(score)}, comment = form.elements.comment.value.trim();
  if (comment) body.comment = comment;
  await api("POST", casePath(openId, "rating"), body).catch(afterCaseError);
  form.reset();
  await openComplaint(openId);
  result($("fu-rated"), null);
}, {score: "fu-score", comment: "fu-comment"}));
$("fu-reopen-form").addEventListener("submit", guard(async (form) => {
  const reason = form.elements.reason.value.trim();
  check(reason ? [] : [{field: "fu-reason", message: "err_reason"}]);
  const before = shownCase ? (shownCase.timeline || []).length : 0;
  const c = await api("POST", casePath(openId, "reopen"), {reason}).catch(afterCaseError);
  form.reset();
  renderCase(c);
  watchNewStage(openId, c, before);  // the review stage starts a moment later: shown without a reload
  caseDone("fu-reopened-ok", "fu_reopened");
}, {reason: "fu-reason"}));
function renderRating(c) {
  const r = c.rating;
  $("fu-rating").hidden = !(r || c.may_rate);
  $("fu-rate-form").hidden = !c.may_rate;
  $("fu-rated").hidden = !r; $("fu-rated-comment").hidden = !(r && r.comment);
  $("fu-rated").textContent = r ? fill("fu_rated", {s: r.score}) + " " + "★".repeat(r.score) + "☆".repeat(5 - r.score) : "";
  $("fu-rated-comment").textContent = r && r.comment ? r.comment : "";
}
function renderReopen(c) {
  const reopens = Number(c.reopens || 0);
  $("fu-reopen").hidden = !c.may_reopen;
  if (c.may_reopen) $("fu-reopen-note").textContent = fill("fu_reopen_note", {w: when(c.feedback_ends_at), n: Math.max(0, MAX_REOPENS - reopens)});
  let note = "";
  if (!c.may_reopen && c.status === "answered") {
    if (reopens >= MAX_REOPENS) note = t("fu_reopen_limit");
    else if (c.feedback_ends_at) note = fill("fu_reopen_over", {w: when(c.feedback_ends_at)});
  }
  $("fu-reopen-closed").hidden = !note; $("fu-reopen-closed").textContent = note;
}

// -- attachments of a case (more after sending) -----------------------------------------------------------
function renderAttachments(c) {
  const files = c.attachments || [];
  $("att-box").hidden = false;
  $("att-none").hidden = files.length > 0;
  $("att-list").replaceChildren(...files.map((f) => {
    const li = node("li"); li.dataset.status = f.status; li.dataset.testid = "attachment";
    let url = null;
    try { const u = new URL(f.url || "", location.href); if (f.url && /^https?:$/.test(u.protocol)) url = u.href; } catch (e) { url = null; }
    const name = node(url ? "a" : "span", "", f.filename);
    if (url) { name.href = url; name.rel = "noopener noreferrer"; }
    const tag = node("span", "tag" + (f.status === "accepted" ? " done" : f.status === "rejected" ? " att-rejected" : ""));
    tag.textContent = t("att_" + f.status) + (f.reason ? ": " + (f.reason[lang] || f.reason.id) : "");
    li.append(name, " (" + Math.max(1, Math.ceil((f.size || 0) / 1024)) + " KB) ", tag);
    return li;
  }));
  const used = files.filter((f) => f.status === "pending" || f.status === "accepted").length;
  $("att-form").hidden = c.status !== "open" || used >= MAX_FILES;
}
function attProgress(percent) { $("att-progress-box").hidden = false; $("att-progress").value = percent; $("att-percent").textContent = percent + "%"; }
$("att-form").addEventListener("submit", guard(async () => {
  const file = $("att-file").files[0], id = openId;
  check(file ? fileErrors([file], "att-file") : [{field: "att-file", message: "err_file"}]);
  attProgress(0);
  await uploadOne(id, file, attProgress);
  $("att-form").reset();
  announce("att_done");
  const c = await watchAttachments(id);
  if (c && (c.attachments || []).some((a) => a.status === "accepted")) announce("att_ok");
}, {filename: "att-file", content_type: "att-file", size: "att-file"}));

// -- my account and data (UU PDP) -------------------------------------------------------------------------
$("pd-download").addEventListener("click", async () => {
  const button = $("pd-download"); button.disabled = true;
  try {
    // A link cannot carry the Authorization header: fetch the file, then save the Blob under its name.
    const response = await apiResponse("GET", "/me/data");
    const match = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
    const url = URL.createObjectURL(await response.blob());
    const link = node("a"); link.href = url; link.download = match ? match[1] : "data-saya.json"; link.hidden = true;
    document.body.append(link); link.click(); link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 30000);
    result($("pd-downloaded"), "pd_downloaded");
  } catch (e) { showErrors($("pd-download"), apiErrors(e)); }
  finally { button.disabled = false; }
});
$("pd-correct-form").addEventListener("submit", guard(async (form) => {
  const body = {}, name = $("pd-name").value.trim(), phone = $("pd-phone").value.trim();
  if (name) body.name = name;
  if ($("pd-remove-phone").checked) body.phone = null; else if (phone) body.phone = phone;
  $("pd-corrected").hidden = true;
  check(Object.keys(body).length ? [] : [{field: "pd-name", message: "pd_nothing"}]);
  const saved = await api("PATCH", "/me", body);
  form.reset();
  const note = saved && saved.note ? saved.note : null;
  result($("pd-corrected"), note && (note.id || note.en) ? note : "pd_saved");
}, {name: "pd-name", phone: "pd-phone"}));
$("pd-close-start").addEventListener("click", () => {
  $("pd-close-form").hidden = false; $("pd-close-start").setAttribute("aria-expanded", "true"); $("pd-close-start").hidden = true;
  $("pd-close-email").focus();
});
$("pd-close-cancel").addEventListener("click", () => {
  $("pd-close-form").reset(); $("pd-close-form").hidden = true; clearErrors();
  $("pd-close-start").hidden = false; $("pd-close-start").setAttribute("aria-expanded", "false"); $("pd-close-start").focus();
});
$("pd-close-form").addEventListener("submit", guard(async (form) => {
  const typed = $("pd-close-email").value.trim(), errors = [];
  if (typed.toLowerCase() !== (sessionStorage.getItem("email") || "").toLowerCase()) errors.push({field: "pd-close-email", message: "pd_close_mismatch"});
  if (!$("pd-close-sure").checked) errors.push({field: "pd-close-sure", message: "err_close_sure"});
  check(errors);
  await api("DELETE", "/me", {email: typed});
  sessionStorage.clear(); openId = null; shownCase = null; form.reset(); form.hidden = true; $("pd-close-start").hidden = false;
  await go({}, {keepFocus: true});
  result($("guest-result"), "pd_closed");
}, {email: "pd-close-email"}));

// -- a report's status by its number, without logging in --------------------------------------------------
let trackShown = null;
$("track-form").addEventListener("submit", guard(async (form) => {
  const number = form.elements.number.value.trim();
  check(number ? [] : [{field: "track-number", message: "err_track"}]);
  let found;
  try { found = await api("GET", "/track/" + encodeURIComponent(number.toUpperCase())); }
  catch (e) {
    if (e.status === 404) throw invalid([{field: "track-number", message: "err_track_unknown"}]);
    if (e.status === 422 || e.status === 400) throw invalid([{field: "track-number", message: "err_track"}]);
    throw e;
  }
  trackShown = found;
  renderTrack(found);
  const box = $("track-result");
  result(box, {key: "track_result", values: {n: found.tracking_number, s: trackStatus(found)}}, true);
}, {tracking_number: "track-number"}));
function trackStatus(r) { return t("st_" + r.status) + (r.status === "open" && r.stage ? " — " + stageName(r.stage) : ""); }
function renderTrack(r) {
  const box = $("track-result");
  const category = r.category_name || (categories.find((c) => c.code === r.category) || {}).name || r.category;
  const opd = r.opd_name || r.opd || "";
  const dl = node("dl");
  const row = (k, v) => { if (v) dl.append(node("dt", "", t(k)), node("dd", "", v)); };
  row("track_status", trackStatus(r));
  row("track_category", category);
  row("track_opd", opd);
  row("track_submitted", when(r.submitted_at));
  if (r.answered_at) row("track_answered", when(r.answered_at));
  const ol = node("ol", "timeline");
  for (const s of r.stages || []) {
    const li = node("li"); li.dataset.stage = s.stage;
    li.append(node("strong", "", stageName(s.stage)), " — ", s.completed_at ? fill("track_done", {w: when(s.completed_at)}) : fill("track_running", {w: when(s.entered_at)}));
    ol.append(li);
  }
  const heading = node("h3", "", r.tracking_number);
  box.replaceChildren(heading, node("p", "visually-hidden", fill("track_result", {n: r.tracking_number, s: trackStatus(r)})), dl);
  if ((r.stages || []).length) box.append(node("h3", "", t("track_stages")), ol);
  box.hidden = false;
}

// -- start ------------------------------------------------------------------------------------------------
applyLang();
route(false);
})();

// The staff console (chalicelib/templates/pages/staff.html).
"use strict";
const T = {
  id: {app:"Aspirasi Kaltim — Konsol Staf", logout:"Keluar", login_title:"Masuk sebagai staf", email:"Email", password:"Kata sandi", login:"Masuk",
    need_new_password:"Ini login pertama Anda. Buat kata sandi baru untuk akun ini.", new_password:"Kata sandi baru",
    password_hint:"Minimal 8 karakter, dengan huruf besar, huruf kecil dan angka.",
    not_staff_title:"Bukan akun staf", not_staff:"Akun ini tidak terdaftar sebagai staf. Keluar lalu masuk dengan akun staf Anda, atau hubungi admin.",
    nav_queue:"Antrean", nav_new:"Laporan baru", nav_members:"Anggota",
    search_title:"Cari laporan", tracking_number:"Nomor laporan", search:"Cari", not_found:"Laporan {n} tidak ditemukan.",
    queue_title:"Antrean saya", overdue_only:"Hanya yang terlambat", refresh:"Muat ulang", more:"Tampilkan lagi",
    queue_empty:"Tidak ada pekerjaan di antrean.", roles:"Peran:", office_closed:"Kantor sedang tutup; waktu kerja tidak berjalan.",
    office_open:"Waktu kerja berjalan.", left:"sisa {d} kerja", overdue_by:"terlambat {d}", hours:"j", minutes:"m", due:"batas",
    back:"← Kembali ke antrean", entered_title:"Laporan tercatat", entered_number:"Nomor laporan untuk pelapor:",
    entered_hint:"Bacakan atau kirimkan nomor ini kepada pelapor. Laporan sekarang menunggu di tahap penerimaan.",
    decision:"Keputusan", decision_mine:"Pilih satu keputusan untuk tahap ini.", decision_not_mine:"Tahap ini ditangani oleh tim lain; Anda hanya dapat melihat.",
    steps_title:"Tahapan SOP", audit_title:"Riwayat", emails_title:"Email terkirim", none:"Belum ada.",
    number:"Nomor", status:"Status", stage:"Tahap", stage_due:"Batas waktu tahap", kind:"Jenis", category:"Kategori", opd:"OPD",
    channel:"Saluran", external_ref:"Nomor referensi (tidak wajib, mis. ID SP4N-LAPOR!)", ref_short:"Referensi", reporter:"Pelapor", entered_by:"Dicatat oleh",
    created:"Masuk", location_short:"Lokasi", description:"Isi laporan", confidential_short:"Rahasia", attachments:"Lampiran", reply:"Balasan", close_reason:"Alasan penutupan",
    anonymous_reporter:"anonim", yes:"ya", no_attachments:"tidak ada",
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
    invited:"Undangan dikirim ke {e}.", disable:"Nonaktifkan", disabled:"{e} dinonaktifkan.", confirm_disable:"Nonaktifkan akun {e}? Orang ini tidak dapat masuk lagi.",
    enabled:"aktif", inactive:"nonaktif", m_invited:"diundang", choose_group:"Pilih minimal satu kelompok.",
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
    nav_queue:"Queue", nav_new:"New report", nav_members:"Members",
    search_title:"Find a report", tracking_number:"Tracking number", search:"Search", not_found:"Report {n} not found.",
    queue_title:"My queue", overdue_only:"Overdue only", refresh:"Refresh", more:"Show more",
    queue_empty:"Nothing waiting in the queue.", roles:"Roles:", office_closed:"The office is closed; office time is not running.",
    office_open:"Office time is running.", left:"{d} office time left", overdue_by:"{d} overdue", hours:"h", minutes:"m", due:"due",
    back:"← Back to the queue", entered_title:"Report recorded", entered_number:"Tracking number for the reporter:",
    entered_hint:"Read out or send this number to the reporter. The report now waits at intake.",
    decision:"Decision", decision_mine:"Choose one decision for this stage.", decision_not_mine:"Another team handles this stage; you can only look.",
    steps_title:"SOP stages", audit_title:"History", emails_title:"Emails sent", none:"None yet.",
    number:"Number", status:"Status", stage:"Stage", stage_due:"Stage due", kind:"Kind", category:"Category", opd:"Agency",
    channel:"Channel", external_ref:"Reference (optional, e.g. SP4N-LAPOR! ID)", ref_short:"Reference", reporter:"Reporter", entered_by:"Entered by",
    created:"Received", location_short:"Location", description:"Report", confidential_short:"Confidential", attachments:"Attachments", reply:"Reply", close_reason:"Closing reason",
    anonymous_reporter:"anonymous", yes:"yes", no_attachments:"none",
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
    invited:"Invitation sent to {e}.", disable:"Disable", disabled:"{e} disabled.", confirm_disable:"Disable the account {e}? This person will no longer be able to log in.",
    enabled:"active", inactive:"disabled", m_invited:"invited", choose_group:"Choose at least one group.",
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
const STAGES = JSON.parse(document.getElementById("stages").textContent);
const CHANNELS = ["phone", "walk_in", "letter", "whatsapp", "social_media", "email", "sp4n_lapor"];
const TEXT_FIELDS = ["reason", "response", "reply", "question", "of"];
// The console lives at .../staff; the API is its parent (works under an API Gateway stage prefix too).
const BASE = location.pathname.replace(/\/+$/, "").replace(/staff$/, "").replace(/\/?$/, "/");
let lang = new URLSearchParams(location.search).get("lang") || localStorage.getItem("lang") || document.documentElement.lang || "id";
if (!T[lang]) lang = "id";
let me = null, view = "login", categories = [], opdNames = {};
let queueToken = null, queueBadges = [], queueLoadedAt = 0, officeOpen = false;
let openCaseId = null, caseData = null, enteredNumber = null, newKey = freshKey();
const $ = (id) => document.getElementById(id);
const t = (key) => (T[lang] || T.id)[key] || key;
const fill = (key, values) => t(key).replace(/\{(\w+)\}/g, (_, k) => values[k]);
const token = () => sessionStorage.getItem("id_token");
const may = (permission) => Boolean(me && (me.permissions || []).includes(permission));
function freshKey() { return crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + "-" + Math.random().toString(16).slice(2); }

function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
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
function when(iso) {
  return iso ? new Date(iso).toLocaleString(lang === "en" ? "en-GB" : "id-ID",
    {timeZone: "Asia/Makassar", weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit"}) + " WITA" : "-";
}
function duration(minutes) {
  const h = Math.floor(minutes / 60), m = minutes % 60;
  return h ? h + " " + t("hours") + " " + m + " " + t("minutes") : m + " " + t("minutes");
}
function categoryName(code) { const c = categories.find((x) => x.code === code); return c ? c.name : code; }
function opdName(code) { return opdNames[code] || code; }

function applyLang() {
  document.documentElement.lang = lang;
  document.querySelectorAll("[data-t]").forEach((node) => { node.textContent = t(node.dataset.t); });
  renderChannels(); renderCategories(); renderGroups(); auRender(false);
}
function setLang(value) {
  lang = value; localStorage.setItem("lang", value); applyLang();
  if (!me) return;
  renderMe();
  loadQueue(true).catch((e) => flash(e.message));
  if (view === "case" && caseData) renderCase(caseData);
  if (view === "members") loadMembers().catch((e) => flash(e.message));
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
const VIEWS = {login: "login-view", forgot: "forgot-view", reset: "reset-view", "not-staff": "not-staff-view", queue: "queue-view", case: "case-view", new: "new-view", members: "members-view"};
function showView(name) {
  view = name; auClear();
  for (const [key, id] of Object.entries(VIEWS)) $(id).hidden = key !== name;
  $("nav").hidden = !me;
  for (const [key, id] of [["queue", "nav-queue"], ["new", "nav-new"], ["members", "nav-members"], ["reports", "nav-reports"], ["apikeys", "nav-apikeys"]]) {
    if ((key === "queue" && (name === "queue" || name === "case")) || key === name) $(id).setAttribute("aria-current", "page");
    else $(id).removeAttribute("aria-current");
  }
  window.scrollTo(0, 0);
}
function signOut() {
  sessionStorage.removeItem("id_token"); sessionStorage.removeItem("email");
  me = null; caseData = null; openCaseId = null; enteredNumber = null;
  $("who").hidden = true; $("queue").replaceChildren(); queueBadges = [];
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
  showView("queue");
  await loadCategories().catch(() => null);  // names of categories and agencies in the queue rows
  await loadQueue(true);
}
function renderMe() {
  $("nav-new").hidden = !may("enter_complaint");
  $("nav-members").hidden = !may("manage_members");
  $("nav-apikeys").hidden = !may("manage_api_keys");  // api keys (ak-*)
  $("nav-reports").hidden = !may("read_reports");  // reports (rp-*)
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

// -- queue --------------------------------------------------------------------------------------
async function loadQueue(reset) {
  const state = $("overdue-only").checked ? "overdue" : "open";
  const query = new URLSearchParams({state, limit: "25"});
  if (!reset && queueToken) query.set("next_token", queueToken);
  const page = await api("GET", "/staff/work-items?" + query.toString());
  const list = $("queue");
  if (reset) { list.replaceChildren(); queueBadges = []; }
  queueLoadedAt = Date.now(); officeOpen = Boolean(page.office_open);
  for (const badge of queueBadges) badge.base = badge.current;  // re-anchor rows already shown to this moment
  for (const it of page.items) {
    const badge = el("span", {class: "tag"});
    const row = el("button", {type: "button", class: "row"},
      el("span", {class: "line"}, el("strong", {}, it.tracking_number), " — ", it.title || ""),
      el("span", {class: "line muted"}, stageLabel(it.stage) + " · " + categoryName(it.category) + (it.opd ? " · " + opdName(it.opd) : "")),
      el("span", {class: "line"}, t("due") + " " + when(it.due_at) + " ", badge));
    row.addEventListener("click", () => openCase(it.complaint_id).catch((e) => flash(e.message)));
    list.append(el("li", {testid: "queue-item", dataset: {tracking: it.tracking_number, stage: it.stage}}, row));
    const entry = {el: badge, base: Number(it.business_minutes_left), overdue: Boolean(it.overdue), current: Number(it.business_minutes_left)};
    queueBadges.push(entry);
  }
  queueToken = page.next_token || null;
  $("queue-more").hidden = !queueToken;
  $("queue-empty").hidden = list.children.length > 0;
  $("queue-office").textContent = t(officeOpen ? "office_open" : "office_closed");
  tickBadges();
}
function tickBadges() {
  const elapsed = officeOpen ? Math.floor((Date.now() - queueLoadedAt) / 60000) : 0;
  for (const badge of queueBadges) {
    if (!Number.isFinite(badge.base)) { badge.el.textContent = badge.overdue ? t("late") : ""; continue; }
    const left = badge.base - elapsed; badge.current = left;
    const late = left < 0 || (left === 0 && badge.overdue);
    badge.el.textContent = late ? fill("overdue_by", {d: duration(Math.abs(left))}) : fill("left", {d: duration(left)});
    badge.el.className = "tag " + (late ? "late" : left <= 15 ? "warn" : "");
  }
}

// -- search -------------------------------------------------------------------------------------
async function search(form) {
  const number = $("search-number").value.trim();
  const result = await api("GET", "/staff/complaints?tracking_number=" + encodeURIComponent(number));
  const list = $("search-results");
  list.replaceChildren(...result.items.map((c) => {
    const row = el("button", {type: "button", class: "row"},
      el("span", {class: "line"}, el("strong", {}, c.tracking_number), " — ", c.title || ""),
      el("span", {class: "line muted"}, t("st_" + c.status) + (c.status === "open" ? " · " + stageLabel(c.stage) : "") +
        " · " + categoryName(c.category) + " · " + t("ch_" + (c.channel || "web")) + " · " + when(c.created_at) + " "),
      c.overdue ? tag(t("late"), "late") : null);
    row.addEventListener("click", () => openCase(c.id).catch((e) => flash(e.message)));
    return el("li", {testid: "search-result", dataset: {tracking: c.tracking_number}}, row);
  }));
  $("search-empty").hidden = result.items.length > 0;
  $("search-empty").textContent = fill("not_found", {n: number});
  flash("", true);
}

// -- one case -------------------------------------------------------------------------------------
async function openCase(id, keepEntered) {
  const c = await api("GET", "/staff/complaints/" + encodeURIComponent(id));
  if (!keepEntered && id !== openCaseId) enteredNumber = null;
  const scroll = view === "case" && id === openCaseId ? window.scrollY : 0;
  openCaseId = id;
  renderCase(c);
  showView("case");
  window.scrollTo(0, scroll);
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

function renderCase(c) {
  const kept = {};
  if (caseData && caseData.id === c.id && caseData.current && c.current && caseData.current.step === c.current.step) {
    $("decision-forms").querySelectorAll("textarea, select, input").forEach((f) => { kept[f.id] = f.value; });
  }
  caseData = c;
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
  fact(dl, t("kind"), c.kind ? t("k_" + c.kind) : null);
  fact(dl, t("category"), (c.category ? c.category.name : "") + (c.subcategory ? " — " + c.subcategory.name : ""));
  fact(dl, t("opd"), c.opd ? c.opd.name : null);
  fact(dl, t("channel"), t("ch_" + (c.channel || "web")), "case-channel");
  fact(dl, t("ref_short"), c.external_ref);
  if (c.reporter && c.reporter.erased_at) {  // the reporter closed their account (UU PDP)
    fact(dl, t("reporter"), "Data pribadi pelapor telah dihapus atas permintaannya / The reporter's personal data was erased at their request (" + when(c.reporter.erased_at) + ")", "case-reporter");
  } else if (c.reporter) {
    fact(dl, t("reporter"), [c.reporter.name, c.reporter.email, c.reporter.phone].filter(Boolean).join("\n") || "-", "case-reporter");
  } else {
    fact(dl, t("reporter"), T.id.anonymous_reporter + " / " + T.en.anonymous_reporter, "case-reporter");
  }
  fact(dl, t("entered_by"), c.entered_by);
  fact(dl, t("created"), when(c.created_at));
  fact(dl, t("location_short"), c.location);
  fact(dl, t("description"), c.description, "case-description");
  if (c.confidential) fact(dl, t("confidential_short"), t("yes"));
  const files = (c.attachments || []);
  const filesBox = el("span", {});
  if (!files.length) filesBox.textContent = t("no_attachments");
  files.forEach((f, i) => {
    const href = safeUrl(f.url);
    const label = (f.filename || "file") + (f.size ? " (" + Math.ceil(f.size / 1024) + " KB)" : "") +
      (f.status && f.status !== "accepted" ? " — " + (ATT_STATUS[lang] || ATT_STATUS.id)[f.status] +  // attachments
        (f.reason ? ": " + (f.reason[lang] || f.reason.id) : "") : "");
    filesBox.append(i ? el("br") : "", href ? el("a", {href, target: "_blank", rel: "noopener noreferrer"}, label) : label);
  });
  fact(dl, t("attachments"), filesBox);
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
      status.append(tag(outcomeLabel(w.stage, w.outcome), "done"), " " + t("decided") + " " + when(w.decided_at) +
        (w.decided_by ? " " + t("by") + " " + w.decided_by : ""));
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

  $("case-audit").replaceChildren(...(c.audit || []).map((a) => {
    const details = Object.entries(a.details || {}).map(([k, v]) => k + ": " + (typeof v === "string" ? v : JSON.stringify(v))).join("\n");
    return el("li", {}, el("span", {class: "muted"}, when(a.at)), " · ", el("strong", {}, actionLabel(a.action)),
      a.stage ? " (" + stageLabel(a.stage) + ")" : "", " · " + (a.actor || ""),
      details ? el("div", {class: "pre muted"}, details) : null);
  }));
  const emails = c.emails || [];
  $("case-emails-none").hidden = emails.length > 0;
  $("case-emails").replaceChildren(...emails.map((m) => el("li", {},
    el("span", {class: "muted"}, when(m.sent_at)), " · ", m.subject || m.template || "",
    el("div", {class: "muted"}, "→ " + (m.to || []).join(", ")))));
}

// What the audit trail's actions mean, for people (unknown ones are shown as recorded).
const ACTIONS = {
  id: {submitted: "laporan masuk", stage_entered: "tahap dimulai", decided: "diputuskan", reminder_sent: "pengingat dikirim",
       escalated: "dieskalasi", reply_delivered: "jawaban dikirim ke pelapor", closed: "ditutup", rejected: "ditolak",
       withdrawn: "dibatalkan", information_answered: "pelapor menjawab pertanyaan", question_reminder_sent: "pengingat pertanyaan dikirim",
       reopened: "dibuka kembali oleh pelapor", rated: "dinilai pelapor", closed_unanswered: "ditutup (pertanyaan tidak dijawab)",
       closed_duplicate: "ditutup (duplikat)"},
  en: {submitted: "received", stage_entered: "stage started", decided: "decided", reminder_sent: "reminder sent",
       escalated: "escalated", reply_delivered: "reply delivered to the reporter", closed: "closed", rejected: "rejected",
       withdrawn: "withdrawn", information_answered: "reporter answered the question", question_reminder_sent: "question reminder sent",
       reopened: "reopened by the reporter", rated: "rated by the reporter", closed_unanswered: "closed (question not answered)",
       closed_duplicate: "closed (duplicate)"}
};
// attachments: their audit entries, and what a file that is not (yet) downloadable is (service/attachments.py)
Object.assign(ACTIONS.id, {attachment_requested: "lampiran diminta", attachment_added: "lampiran diterima",
                           attachment_rejected: "lampiran ditolak", attachment_replaced: "lampiran diganti"});
Object.assign(ACTIONS.en, {attachment_requested: "attachment requested", attachment_added: "attachment accepted",
                           attachment_rejected: "attachment rejected", attachment_replaced: "attachment replaced"});
const ATT_STATUS = {id: {pending: "sedang diperiksa", rejected: "ditolak", expired: "sudah dihapus"},
                    en: {pending: "being checked", rejected: "rejected", expired: "removed"}};
function actionLabel(action) { return (ACTIONS[lang] || ACTIONS.id)[action] || action || ""; }

function renderDecision(c, kept) {
  const card = $("decision-card"), forms = $("decision-forms");
  forms.replaceChildren();
  const cur = c.current;
  card.hidden = !cur;
  if (!cur) return;
  $("decision-stage").textContent = (cur.label && cur.label[lang]) || stageLabel(cur.stage);
  $("decision-note").textContent = t(cur.may_decide ? "decision_mine" : "decision_not_mine");
  if (!cur.may_decide) return;
  for (const o of cur.allowed || []) {
    const form = el("form", {class: "choice", testid: "decide-" + o.outcome});
    for (const f of o.fields || []) {
      const fid = "decide-" + o.outcome + "-" + f.name;
      form.append(el("label", {htmlFor: fid}, t("f_" + f.name)));
      if (f.kind === "opd") {
        const select = el("select", {id: fid, name: f.name, required: true});
        select.replaceChildren(...(c.opds || []).map((opd) => new Option(opd.name, opd.code)));
        select.value = kept[fid] || c.suggested_opd || (c.opds && c.opds[0] ? c.opds[0].code : "");
        form.append(select);
      } else if (f.kind === "tracking") {  // follow-up: another case's number (a duplicate)
        form.append(el("input", {id: fid, name: f.name, required: true, autocomplete: "off", autocapitalize: "characters",
          placeholder: "KT-XXXX-XXXX", maxLength: f.max_length || 32, value: kept[fid] || ""}));
      } else {
        const area = el("textarea", {id: fid, name: f.name, required: true});
        if (f.max_length) area.maxLength = f.max_length;
        area.value = kept[fid] !== undefined ? kept[fid] : (f.name === "reply" ? opdResponse(c) : "");
        form.append(area);
      }
    }
    const danger = ["reject", "not_our_authority", "return"].includes(o.outcome);
    form.append(el("button", {type: "submit", class: danger ? "danger" : ""}, (o.label && o.label[lang]) || o.outcome));
    form.addEventListener("submit", guard(async () => {
      const body = Object.assign({stage: cur.stage}, o.select || {});
      for (const f of o.fields || []) body[f.name] = form.elements[f.name].value;
      let result;
      try { result = await api("POST", "/staff/complaints/" + encodeURIComponent(c.id) + "/decision", body); }
      catch (e) {
        if (e.status === 409) { await openCase(c.id, true).catch(() => null); loadQueue(true).catch(() => null); }
        throw e;
      }
      const next = STAGES[result.leads_to] ? stageLabel(result.leads_to) : t("t_" + result.leads_to);
      await Promise.all([openCase(c.id, true).catch(() => null), loadQueue(true).catch(() => null)]);
      flash(fill("saved", {o: outcomeLabel(result.stage, result.outcome), n: next}), true);
    }));
    forms.append(form);
  }
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

// -- members (admins) ---------------------------------------------------------------------------
async function loadMembers() {
  const result = await api("GET", "/staff/members");
  const items = result.items || [];
  $("members-none").hidden = items.length > 0;
  $("members").replaceChildren(...items.map((m) => {
    const active = m.enabled !== false;
    const state = !active ? tag(t("inactive"), "late") : m.status === "invited" ? tag(t("m_invited"), "warn")
      : m.status === "active" || !m.status ? tag(t("enabled"), "done") : tag(m.status);
    const li = el("li", {testid: "member", dataset: {email: m.email}},
      el("div", {}, el("strong", {}, m.name && m.name !== m.email ? m.name : m.email), " ", state,
        m.name && m.name !== m.email ? el("div", {}, m.email) : null,
        el("div", {class: "muted"}, sortGroups(m.groups || []).map(groupLabel).join(", ") || "-")));
    if (active) {
      const button = el("button", {type: "button", class: "danger", testid: "member-disable"}, t("disable"));
      button.addEventListener("click", async () => {
        if (!confirm(fill("confirm_disable", {e: m.email}))) return;
        button.disabled = true;
        try { await api("DELETE", "/staff/members/" + encodeURIComponent(m.email)); await loadMembers(); flash(fill("disabled", {e: m.email}), true); }
        catch (e) { flash(e.message, false); button.disabled = false; }
      });
      li.append(button);
    }
    return li;
  }));
}
async function invite(form) {
  const groups = [...$("invite-groups").querySelectorAll("input:checked")].map((i) => i.value);
  if (!groups.length) { flash(t("choose_group"), false); return; }
  const email = $("invite-email").value.trim();
  await api("POST", "/staff/members", {email, name: $("invite-name").value.trim(), groups});
  form.reset(); renderGroups();
  await loadMembers();
  flash(fill("invited", {e: email}), true);
}

// -- reports (rp-*): the SLA report for supervisor, Diskominfo and admin (GET /staff/reports/sla) -------------
Object.assign(T.id, {rp_nav: "Laporan SLA", rp_title: "Laporan SLA", rp_period: "Periode", rp_this_month: "Bulan ini",
  rp_last_month: "Bulan lalu", rp_this_year: "Tahun ini", rp_custom: "Pilih tanggal…", rp_from: "Dari tanggal", rp_to: "Sampai tanggal",
  rp_show: "Tampilkan", rp_choose_dates: "Isi tanggal awal dan akhir.", rp_meta: "{f} – {t} (WITA) · dibuat {g}",
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
  rp_show: "Show", rp_choose_dates: "Fill in the start and end dates.", rp_meta: "{f} – {t} (WITA) · generated {g}",
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
  return v === null || v === undefined ? "—" : new Intl.NumberFormat(rpLocale(), {maximumFractionDigits: digits || 0}).format(v);
}
function rpPct(v) { return v === null || v === undefined ? "—" : rpNum(v, 1) + "%"; }
function rpMinutes(v) {  // business minutes, as people say them: "35 mnt", "6 j 50 mnt"
  if (v === null || v === undefined) return "—";
  if (v > 0 && v < 1) return "< 1 " + t("rp_min");
  const total = Math.round(v), h = Math.floor(total / 60), m = total % 60;
  if (!h) return m + " " + t("rp_min");
  return rpNum(h) + " " + t("rp_h") + (m ? " " + m + " " + t("rp_min") : "");
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
  $("rp-meta").textContent = fill("rp_meta", {f: rpDay(r.from), t: rpDay(r.to), g: when(r.generated_at)});
  const figure = (key, value, sub, late) => el("div", {class: "rp-figure", testid: "rp-total-" + key},
    el("div", {class: "rp-value"}, value), el("div", {class: "rp-name"}, t("rp_" + key)),
    sub ? el("div", {class: late ? "error" : "muted"}, sub) : null);
  $("rp-totals").replaceChildren(
    figure("received", rpNum(totals.received)),
    figure("answered", rpNum(totals.answered)),
    figure("within", rpPct(totals.answered_within_sop_pct)),
    figure("open", rpNum(totals.open), fill("rp_overdue_open", {n: rpNum(totals.overdue_open || 0)}), totals.overdue_open > 0),
    figure("rating", totals.rating_average === null || totals.rating_average === undefined ? "—" : rpNum(totals.rating_average, 1),
           fill("rp_ratings_n", {n: rpNum(totals.ratings || 0)})));
  $("rp-totals-more").textContent = fill("rp_more", {c: rpNum(totals.closed || 0), r: rpNum(totals.reminders || 0),
                                                       e: rpNum(totals.escalations || 0)});
  $("rp-tables").replaceChildren(...RP_TABLES.flatMap((spec) => [
    el("h3", {}, t("rp_" + spec.key)), el("div", {class: "rp-scroll"}, rpTable(spec, r[spec.key] || []))]));
}
function rpTable(spec, rows) {
  const columns = [
    spec.visits ? null : ["received", (row) => rpNum(row.received)],
    [spec.visits ? "visits" : "cases", (row) => rpNum(row.completed)],
    ["sop", (row) => rpMinutes(row.sop_business_minutes)],
    ["median", (row) => rpMinutes(row.median_business_minutes)],
    ["p90", (row) => rpMinutes(row.p90_business_minutes)],
    ["within", (row) => rpPct(row.within_sop_pct)],
    ["breached", (row) => rpNum(row.breached)],
    ["reminders", (row) => rpNum(row.reminders)],
    ["escalations", (row) => rpNum(row.escalations)],
    ["rating", (row) => row.rating_average === null || row.rating_average === undefined ? "—"
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
        if (!confirm(fill("ak_confirm_revoke", {o: k.organisation}))) return;
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
function guard(handler) {
  return async (event) => {
    event.preventDefault();
    const form = event.target;
    const button = form.querySelector("button[type=submit]"); if (button) button.disabled = true;
    flash(t("wait"), true);
    try { await handler(form); } catch (e) { flash(e.message, false); }
    finally { if (button) button.disabled = false; }
  };
}
$("login-form").addEventListener("submit", auGuard(login));
$("forgot-form").addEventListener("submit", auGuard(auForgot));
$("reset-form").addEventListener("submit", auGuard(auReset));
$("search-form").addEventListener("submit", guard(search));
$("new-form").addEventListener("submit", guard(enterComplaint));
$("invite-form").addEventListener("submit", guard(invite));
$("new-category").addEventListener("change", renderSubcategories);
$("overdue-only").addEventListener("change", () => loadQueue(true).catch((e) => flash(e.message)));
$("queue-refresh").addEventListener("click", () => loadQueue(true).then(() => flash("", true)).catch((e) => flash(e.message)));
$("queue-more").addEventListener("click", () => loadQueue(false).catch((e) => flash(e.message)));
$("case-reload").addEventListener("click", () => openCase(openCaseId, true).then(() => flash("", true)).catch((e) => flash(e.message)));
$("case-back").addEventListener("click", () => { showView("queue"); loadQueue(true).catch((e) => flash(e.message)); });
$("nav-queue").addEventListener("click", () => { flash(""); showView("queue"); loadQueue(true).catch((e) => flash(e.message)); });
$("nav-new").addEventListener("click", () => { flash(""); showView("new"); loadCategories().catch((e) => flash(e.message)); });
$("nav-members").addEventListener("click", () => { flash(""); showView("members"); loadCategories().then(loadMembers).catch((e) => flash(e.message)); });
$("logout").addEventListener("click", () => { flash(""); signOut(); });
$("not-staff-logout").addEventListener("click", () => { flash(""); signOut(); });
$("lang-id").addEventListener("click", () => setLang("id"));
$("lang-en").addEventListener("click", () => setLang("en"));
setInterval(tickBadges, 60000);  // office time counts down each minute
setInterval(() => { if (me && !document.hidden) loadQueue(true).catch(() => null); }, 120000);
applyLang();
start().catch((e) => flash(e.message));

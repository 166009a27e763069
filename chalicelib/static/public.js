// The public register (chalicelib/templates/pages/public.html, issue 22): anyone searches the complaints the
// province published, sees them on a map (clusters), opens one with its timeline and answer, reads each
// agency's scorecard and downloads the open data. Every state has its own address (?q=&category=&opd=&status=
// &period= for a search, ?case=KT-XXXX-XXXX for a case); the back button works and loading an address
// restores its state. Errors follow the GOV.UK Design System (a summary, focused, announced). Whatever the
// public or an officer wrote is set as textContent only. The map is an extra: the list alone opens every case.
"use strict";
(function () {
const CONFIG = JSON.parse(document.getElementById("config").textContent);

const T = {
  id: {app:"Aspirasi Kaltim", register:"Pengaduan publik", skip:"Langsung ke isi", report_link:"Lapor",
    intro:"Semua pengaduan yang tidak dirahasiakan pelapornya dan sudah diterima petugas, beserta jawabannya. Tidak ada nama, email atau nomor telepon pelapor.",
    err_summary:"Ada masalah", search_title:"Cari pengaduan", q:"Kata kunci", search:"Cari", apply:"Terapkan saringan", clear:"Hapus pencarian",
    category:"Kategori", opd:"Instansi", status:"Status", period:"Periode", any_category:"Semua", any_opd:"Semua",
    any_status:"Semua", st_open:"Diproses", st_answered:"Dijawab", st_closed:"Selesai",
    p_12m:"12 bulan", p_month:"Bulan ini", p_3m:"3 bulan", p_year:"Tahun ini",
    q_hint:"Kata dari judul, isi atau jawaban, atau nomor pengaduan.",
    sop_outcome:"Seluruh SOP (2 hari kerja): {o}", sop_met:"tercapai", sop_breached:"terlewati",
    licence:"Lisensi CC BY 4.0: boleh dipakai ulang dengan menyebut sumbernya, Aspirasi Kaltim (Diskominfo Provinsi Kalimantan Timur).",
    results_title:"Hasil", more:"Muat lagi", loading:"Memuat…", none:"Tidak ada pengaduan yang cocok. Coba kata lain atau hapus saringan.",
    count:"{n} pengaduan ditampilkan", count_more:"{n} pengaduan ditampilkan; masih ada lagi", for_words:"untuk “{q}”",
    submitted_on:"Dikirim {w}", answered_after:"dijawab dalam {d}", no_opd:"Belum ditentukan", handled_by:"Ditangani: {o}", stage_now:"Tahap: {s}",
    map_label:"Peta pengaduan yang berlokasi", map_hint:"Pengaduan berlokasi dari hasil ini. Angka dalam lingkaran = jumlah pengaduan di sekitarnya; pilih untuk memperbesar.",
    map_failed:"Gambar peta tidak dapat dimuat; penanda pengaduan tetap ditampilkan. Semua pengaduan ada di daftar.",
    map_none:"Tidak ada pengaduan berlokasi dalam hasil ini.", map_open:"Buka pengaduan", zoom_in:"Perbesar peta", zoom_out:"Perkecil peta",
    cluster:"{n} pengaduan", close_popup:"Tutup",
    back:"← Kembali ke hasil pencarian", back_all:"← Semua pengaduan", number:"Nomor", submitted:"Dikirim", place:"Lokasi", description:"Isi pengaduan",
    place_none:"Tidak dicantumkan", place_at:"Sekitar {lat}, {long} (dibulatkan ±100 m)", place_map:"Lihat di OpenStreetMap (tab baru)",
    answer_title:"Jawaban", answered_on:"Dijawab {w}, {d} setelah dikirim.", timeline:"Perjalanan pengaduan",
    timeline_hint:"Setiap tahap punya batas waktu menurut SOP (hari kerja). Waktu ditampilkan dalam WITA.",
    entered:"Mulai: {w}", completed:"Selesai: {w}", running:"Selesai: belum, sedang berjalan", due:"Batas SOP: {w}",
    on_time:"tepat waktu", late:"terlambat", share:"Bagikan", share_label:"Alamat pengaduan ini", copy:"Salin tautan", copied:"Tautan disalin.",
    copy_failed:"Tautan tidak dapat disalin otomatis; pilih alamat di atas lalu salin.",
    opened:"Pengaduan {n}: {t}", not_found:"Pengaduan {n} tidak ada di daftar publik. Mungkin nomornya salah, pengaduannya dirahasiakan, atau belum diterima petugas.",
    bad_number:"Nomor pengaduan tidak dikenali. Bentuknya seperti KT-7K3M-9QXD.",
    scores_title:"Kinerja instansi", scores_hint:"Dari semua pengaduan yang diteruskan ke tiap instansi (termasuk yang dirahasiakan), tanpa data pelapor. \"Sesuai SOP\": instansi menanggapi dalam batas waktu tahapnya (2 hari kerja); waktu dihitung dalam jam kerja.",
    scores_table:"Tabel kinerja instansi", scores_idle:"Tanpa pengaduan dalam periode ini: {l}.",
    sc_opd:"Instansi", sc_received:"Diterima", sc_answered:"Dijawab", sc_sop:"Dijawab sesuai SOP", sc_median:"Median waktu jawab", sc_rating:"Rata-rata nilai (1–5)",
    scores_caption:"Periode: {p}", scores_empty:"Belum ada pengaduan dalam periode ini.", ratings:"{n} penilaian", no_value:"—",
    data_title:"Data terbuka", data_intro:"Unduh pengaduan publik per bulan (satu baris per pengaduan, kolom yang sama seperti di halaman ini) untuk dianalisis atau dipakai ulang. Isinya sama seperti di halaman ini: tanpa data pelapor.",
    api_docs:"Untuk aplikasi: dokumentasi API",
    data_month:"Bulan", never_title:"Yang tidak pernah dipublikasikan",
    never_people:"Nama, email, nomor telepon, akun dan lampiran pelapor. Di dalam teks, email dan nomor telepon diganti [email] dan [telepon], nama pelapor diganti [nama].",
    never_confidential:"Pengaduan yang dirahasiakan pelapornya, dan pengaduan yang belum atau tidak diterima petugas.",
    never_place:"Lokasi yang tepat: titik dibulatkan sampai sekitar 100 m.",
    never_sensitive:"Lokasi pengaduan dalam kategori sensitif (misalnya kekerasan atau kesehatan seseorang) tidak ditampilkan sama sekali.",
    network:"Tidak dapat terhubung. Periksa koneksi lalu coba lagi.", retry:"Coba lagi dalam {s} detik.", err_q:"Kata kunci paling panjang 100 karakter"},
  en: {app:"Aspirasi Kaltim", register:"Public register", skip:"Skip to content", report_link:"Report a problem",
    intro:"Every complaint whose reporter did not ask for confidentiality and that the officers accepted, with its answer. No reporter's name, email or phone number.",
    err_summary:"There is a problem", search_title:"Search complaints", q:"Words", search:"Search", apply:"Apply filters", clear:"Clear the search",
    category:"Category", opd:"Agency", status:"Status", period:"Period", any_category:"All", any_opd:"All",
    any_status:"All", st_open:"In progress", st_answered:"Answered", st_closed:"Closed",
    p_12m:"12 months", p_month:"This month", p_3m:"3 months", p_year:"This year",
    q_hint:"Words of the title, the complaint or the answer, or a complaint's number.",
    sop_outcome:"The whole SOP (2 working days): {o}", sop_met:"met", sop_breached:"missed",
    licence:"Licence CC BY 4.0: reuse it, naming the source, Aspirasi Kaltim (Diskominfo, East Kalimantan province).",
    results_title:"Results", more:"Load more", loading:"Loading…", none:"No complaint matches. Try other words or clear the filters.",
    count:"{n} complaints shown", count_more:"{n} complaints shown; there are more", for_words:"for “{q}”",
    submitted_on:"Sent {w}", answered_after:"answered in {d}", no_opd:"Not assigned yet", handled_by:"Handled by: {o}", stage_now:"Stage: {s}",
    map_label:"Map of the located complaints", map_hint:"The located complaints of these results. A number in a circle = how many complaints are near; select it to zoom in.",
    map_failed:"The map's background could not load; the complaints' markers still show. Every complaint is in the list.",
    map_none:"No complaint in these results has a place.", map_open:"Open the complaint", zoom_in:"Zoom in", zoom_out:"Zoom out",
    cluster:"{n} complaints", close_popup:"Close",
    back:"← Back to the search results", back_all:"← All complaints", number:"Number", submitted:"Sent", place:"Place", description:"Complaint",
    place_none:"Not given", place_at:"Near {lat}, {long} (rounded to about 100 m)", place_map:"See it on OpenStreetMap (new tab)",
    answer_title:"Answer", answered_on:"Answered {w}, {d} after it was sent.", timeline:"How the complaint went",
    timeline_hint:"Each stage has an SOP deadline (working days). Times are in WITA (Central Indonesia Time).",
    entered:"Started: {w}", completed:"Done: {w}", running:"Done: not yet, under way", due:"SOP deadline: {w}",
    on_time:"on time", late:"late", share:"Share", share_label:"This complaint's address", copy:"Copy the link", copied:"Link copied.",
    copy_failed:"The link could not be copied automatically; select the address above and copy it.",
    opened:"Complaint {n}: {t}", not_found:"Complaint {n} is not in the public register. The number may be wrong, the complaint confidential, or not yet accepted.",
    bad_number:"That is not a complaint number. It looks like KT-7K3M-9QXD.",
    scores_title:"How the agencies perform", scores_hint:"From every complaint passed to each agency (confidential ones included), with no reporter's data. \"Within the SOP\": the agency responded within its stage's deadline (2 working days); times count working hours.",
    scores_table:"Table of the agencies' performance", scores_idle:"No complaints in this period: {l}.",
    sc_opd:"Agency", sc_received:"Received", sc_answered:"Answered", sc_sop:"Answered within the SOP", sc_median:"Median time to answer", sc_rating:"Average rating (1–5)",
    scores_caption:"Period: {p}", scores_empty:"No complaints in this period yet.", ratings:"{n} ratings", no_value:"—",
    data_title:"Open data", data_intro:"Download the public complaints month by month (one row per complaint, the same fields as this page) to analyse or reuse. They hold what this page shows: no reporter's data.",
    api_docs:"For apps: the API documentation",
    data_month:"Month", never_title:"What is never published",
    never_people:"The reporter's name, email, phone number, account and attachments. In the text, emails and phone numbers become [email] and [telepon], the reporter's name becomes [nama].",
    never_confidential:"Complaints whose reporter asked for confidentiality, and complaints not (yet) accepted by the officers.",
    never_place:"The exact place: points are rounded to about 100 m.",
    never_sensitive:"No place at all for complaints in sensitive categories (such as violence or a person's health).",
    network:"Cannot connect. Check your connection and try again.", retry:"Try again in {s} seconds.", err_q:"Words can be at most 100 characters"}
};
const MONTHS = {id: ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"],
                en: ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]};

// Requests are relative to this page, so the page works under an API Gateway stage prefix (/api/public).
const BASE = location.pathname.replace(/[^/]*$/, "");
const NUMBER = /^KT-[0-9A-Z]{4}-[0-9A-Z]{4}$/;
const FILTERS = ["q", "category", "opd", "status", "period"];
const STATUSES = ["open", "answered", "closed"];
const PERIODS = ["", "month", "3m", "year"];  // "": the last 12 months (the API's default is a year)
const KALTIM = [[-2.6, 113.6], [2.7, 119.2]];
let lang = new URLSearchParams(location.search).get("lang") || localStorage.getItem("lang") || document.documentElement.lang || "id";
if (!T[lang]) lang = "id";
const $ = (id) => document.getElementById(id);
const t = (key) => (T[lang] || T.id)[key] || T.id[key] || key;
const fill = (key, values) => t(key).replace(/\{(\w+)\}/g, (_, k) => String(values[k]));
const pick = (pair) => (pair ? pair[lang] || pair.id || "" : "");
function node(tagName, className, text) {
  const n = document.createElement(tagName);
  if (className) n.className = className;
  if (text !== undefined && text !== null) n.textContent = text;
  return n;
}
function when(iso) {
  return iso ? new Date(iso).toLocaleString(lang === "en" ? "en-GB" : "id-ID", {timeZone: "Asia/Makassar", dateStyle: "medium", timeStyle: "short"}) + " WITA" : "-";
}
function day(iso) {
  return iso ? new Date(iso).toLocaleDateString(lang === "en" ? "en-GB" : "id-ID", {timeZone: "Asia/Makassar", day: "numeric", month: "short", year: "numeric"}) : "-";
}
function number(value, decimals) {
  return Number(value).toLocaleString(lang === "en" ? "en-GB" : "id-ID", {minimumFractionDigits: decimals || 0, maximumFractionDigits: decimals || 0});
}
// "2 hari 3 jam" / "2 days 3 hours": how long after it was sent a complaint was answered (calendar time).
function duration(fromIso, toIso) {
  const minutes = Math.max(0, Math.round((new Date(toIso) - new Date(fromIso)) / 60000));
  const d = Math.floor(minutes / 1440), h = Math.floor((minutes % 1440) / 60), m = minutes % 60;
  const word = (n, id, en, ens) => n + " " + (lang === "en" ? (n === 1 ? en : ens) : id);
  const parts = [];
  if (d) parts.push(word(d, "hari", "day", "days"));
  if (h) parts.push(word(h, "jam", "hour", "hours"));
  if (!d && (m || !h)) parts.push(word(m, "menit", "minute", "minutes"));
  return parts.join(" ");
}

// -- the API (api.js): a problem document becomes an ApiError in the page's language -----------------------
const {api} = apiClient({base: BASE, token: () => null, networkText: () => t("network"), describe: problemText, sessionEnded: () => null});
function problemText(p) {
  if (!p) return "";
  if (p.messages && p.messages[lang]) return p.messages[lang];
  const parts = String(p.title || "").split(" / ");
  return (lang === "en" && parts[1]) || parts[0];
}
// An error to show: {field, message} where message is a key, {key, values} or {id, en} (kept to redraw).
function errorOf(e) {
  const p = e.problem || {};
  const both = p.title ? {id: String(p.title).split(" / ")[0], en: String(p.title).split(" / ")[1] || p.title} : null;
  const message = both || (e.status === 0 ? "network" : {id: e.message, en: e.message});
  const retry = e.status === 429 ? e.retryAfter || 60 : null;
  if (!retry || !both) return [{field: null, message}];
  const again = (l) => T[l].retry.replace("{s}", String(retry));  // one sentence: what happened, when to come back
  return [{field: null, message: {id: both.id + ". " + again("id"), en: both.en + ". " + again("en")}}];
}
const say = (m) => (typeof m === "string" ? t(m) : m && m.key ? fill(m.key, m.values || {}) : pick(m));

// -- errors (GOV.UK): a summary at the top, focused and announced; the message under its field ------------
let shownErrors = null;
function clearErrors() {
  shownErrors = null;
  $("errors").hidden = true;
  document.querySelectorAll(".field-error").forEach((e) => e.remove());
  document.querySelectorAll(".has-error").forEach((e) => e.classList.remove("has-error"));
  document.querySelectorAll("[aria-invalid]").forEach((e) => {
    e.removeAttribute("aria-invalid");
    if (e.dataset.describedby) e.setAttribute("aria-describedby", e.dataset.describedby); else e.removeAttribute("aria-describedby");
  });
}
function showErrors(errors, quiet) {
  clearErrors();
  shownErrors = errors;
  const summary = $("errors");
  summary.querySelector("ul").replaceChildren(...errors.map((e) => {
    const li = node("li"), text = say(e.message), field = e.field && $(e.field);
    if (field) {
      const a = node("a", "", text); a.href = "#" + e.field;
      a.addEventListener("click", (ev) => { ev.preventDefault(); field.focus(); });
      li.append(a);
      const group = field.closest(".field"), message = node("p", "field-error");
      message.id = e.field + "-error";
      message.append(node("span", "visually-hidden", t("err_summary") + ": "), text);
      group.classList.add("has-error");
      group.querySelector("label").after(message);
      field.dataset.describedby = field.getAttribute("aria-describedby") || "";  // its hint, given back on clearing
      field.setAttribute("aria-invalid", "true");
      field.setAttribute("aria-describedby", (message.id + " " + field.dataset.describedby).trim());
    } else li.textContent = text;
    return li;
  }));
  summary.hidden = false;
  if (!quiet) { summary.focus(); summary.scrollIntoView({block: "start"}); }
}
function announce(message) {
  const live = $("live");
  live.textContent = "";
  setTimeout(() => { live.textContent = say(message); }, 50);
}

// -- language ---------------------------------------------------------------------------------------------
function applyLang() {
  document.documentElement.lang = lang;
  document.title = t("register") + " — " + t("app");
  document.querySelectorAll("[data-t]").forEach((el) => { el.textContent = t(el.dataset.t); });
  document.querySelectorAll("[data-t-label]").forEach((el) => { el.setAttribute("aria-label", t(el.dataset.tLabel)); });
  for (const [id, l] of [["lang-id", "id"], ["lang-en", "en"]]) $(id).setAttribute("aria-pressed", String(lang === l));
  $("back").textContent = t(fromList ? "back" : "back_all");
  $("to-report").href = lang === "en" ? "./?lang=en" : "./";
  renderOptions();
  renderMonths();
  if (shownErrors) showErrors(shownErrors, true);
  if (view === "list") { renderResults(); renderMarkers(false); } else if (shownCase) renderCase(shownCase);
  renderScores();
  renderZoom();
}
function setLang(value) {
  lang = value; localStorage.setItem("lang", value);
  const url = new URL(location.href);
  if (url.searchParams.has("lang") || value === "en") { url.searchParams.set("lang", value); history.replaceState(history.state, "", url.pathname + url.search); }
  applyLang();
}
$("lang-id").addEventListener("click", () => setLang("id"));
$("lang-en").addEventListener("click", () => setLang("en"));

// -- the filters: categories and agencies from /categories (and the scorecards), statuses, periods --------
let categories = [], agencies = {};
function option(value, text) { return new Option(text, value); }
function renderOptions() {
  const keep = {}; for (const k of ["category", "opd", "status", "period"]) keep[k] = $(k).value || wantedFilters()[k] || "";
  $("category").replaceChildren(option("", t("any_category")), ...categories.map((c) => option(c.code, c.name)));
  const opds = Object.entries(agencies).sort((a, b) => a[1].localeCompare(b[1]));
  $("opd").replaceChildren(option("", t("any_opd")), ...opds.map(([code, name]) => option(code, name)));
  $("status").replaceChildren(option("", t("any_status")), ...STATUSES.map((s) => option(s, t("st_" + s))));
  $("period").replaceChildren(...PERIODS.map((p) => option(p, t("p_" + (p || "12m")))));
  for (const [k, v] of Object.entries(keep)) $(k).value = v;
}
async function loadCategories() {
  try {
    categories = await api("GET", "/categories");
    for (const c of categories) if (c.opd) agencies[c.opd.code] = c.opd.name;
  } catch (e) { categories = []; }
  renderOptions();
}
const pad = (n) => String(n).padStart(2, "0");
function isoDay(d) { return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()); }
function todayWita() {  // the date in Samarinda (UTC+8), whatever the browser's zone
  const now = new Date(Date.now() + 8 * 3600000);
  return new Date(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
}
// A period as the API's {from, to}: whole months up to today (the scorecards take whole months only).
function periodRange(period) {
  const today = todayWita(), y = today.getFullYear(), m = today.getMonth();
  const starts = {month: new Date(y, m, 1), "3m": new Date(y, m - 2, 1), year: new Date(y, 0, 1)};
  return {from: isoDay(starts[period] || new Date(y, m - 11, 1)), to: isoDay(today)};  // else the last 12 months
}

// -- addresses (History API): the search and the case each have one ----------------------------------------
function wantedFilters() {
  const q = new URLSearchParams(location.search), out = {};
  for (const k of FILTERS) { const v = (q.get(k) || "").trim(); if (v) out[k] = v.slice(0, k === "q" ? 100 : 40); }
  if (out.status && !STATUSES.includes(out.status)) delete out.status;
  if (out.period && !PERIODS.includes(out.period)) delete out.period;
  return out;
}
function addressOf(params) {
  const url = new URL(location.href), keep = url.searchParams.get("lang");
  url.search = "";
  for (const [k, v] of Object.entries(params)) if (v) url.searchParams.set(k, v);
  if (keep) url.searchParams.set("lang", keep);
  return url.pathname + url.search;
}
let view = null, lastSearch = null, fromList = false;
function go(params, moveFocus) {
  const address = addressOf(params);
  if (address !== location.pathname + location.search) history.pushState({page: "public"}, "", address);
  return route(moveFocus !== false);
}
window.addEventListener("popstate", () => route(true));
document.addEventListener("click", (event) => {  // the page's own links (a case, a search) change state without a reload
  const a = event.target.closest("a[href]");
  if (!a || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || a.target) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || url.pathname !== location.pathname || a.hasAttribute("download")) return;
  event.preventDefault();
  if (a.id === "back" && fromList) { history.back(); return; }  // the search it came from, as the back button
  const params = Object.fromEntries([...url.searchParams].filter(([k]) => k !== "lang"));
  fromList = Boolean(params.case) && view === "list";
  go(params);
});
async function route(moveFocus) {
  const q = new URLSearchParams(location.search), wantedCase = (q.get("case") || "").trim().toUpperCase();
  clearErrors();
  if (q.has("case")) {
    showView("case");
    await openCase(wantedCase, moveFocus);
    return;
  }
  const filters = wantedFilters();
  showView("list");
  for (const k of FILTERS) $(k).value = filters[k] || "";
  $("period").value = filters.period || "";
  const key = JSON.stringify(filters);
  if (moveFocus) $("search-title").focus();  // from a case, or the back button: focus where the search starts
  loadScores(filters.period);
  if (key !== lastSearch) { lastSearch = key; await search(filters); }
  else { renderResults(); renderMarkers(false); }
}
function showView(name) {
  view = name;
  $("list-view").hidden = name !== "list";
  $("case-view").hidden = name !== "case";
  if (name === "list") { document.title = t("register") + " — " + t("app"); startMap(); }
}

// -- the search and its results ----------------------------------------------------------------------------
let items = [], nextToken = null, searching = 0, searched = null;
function apiQuery(filters, token) {
  const p = new URLSearchParams();
  for (const k of ["q", "category", "opd", "status"]) if (filters[k]) p.set(k, filters[k]);
  const range = periodRange(filters.period);
  p.set("from", range.from); p.set("to", range.to);
  p.set("limit", "20");
  if (token) p.set("next_token", token);
  return "/public/complaints?" + p.toString();
}
async function search(filters, more) {
  const mine = ++searching;
  $("results").setAttribute("aria-busy", "true");
  $("more").disabled = true;
  if (!more) $("results-summary").textContent = t("loading");
  announce("loading");
  try {
    const data = await api("GET", apiQuery(filters, more ? nextToken : null));
    if (mine !== searching) return;
    const before = items.length;
    items = more ? items.concat(data.items || []) : (data.items || []);
    nextToken = data.next_token || null;
    searched = filters;
    renderResults();
    // "Muat lagi" may disappear with the last page: focus goes on to the first complaint it brought.
    const first = more && $("results").querySelectorAll("a")[before];
    if (first) first.focus();
    renderMarkers(!more);
    announce(summaryText());
  } catch (e) {
    if (mine !== searching) return;
    if (!more) { items = []; nextToken = null; searched = filters; renderResults(); renderMarkers(true); }
    lastSearch = null;  // the same address tries again
    showErrors(errorOf(e));
  } finally {
    if (mine === searching) { $("results").setAttribute("aria-busy", "false"); $("more").disabled = false; }
  }
}
function summaryText() {
  if (!items.length) return t("none");
  let text = fill(nextToken ? "count_more" : "count", {n: number(items.length)});
  if (searched && searched.q) text += " " + fill("for_words", {q: searched.q});
  return text;
}
function statusTag(status) {
  const tag = node("span", "tag " + (STATUSES.includes(status) ? status : ""), t("st_" + status));
  return tag;
}
function caseHref(tracking) { return addressOf({case: tracking}); }
function renderResults() {
  if (!searched) return;
  $("results-summary").textContent = summaryText();
  $("results").replaceChildren(...items.map((c) => {
    const li = node("li"), a = node("a");
    a.href = caseHref(c.tracking_number);
    a.dataset.tracking = c.tracking_number;
    a.append(node("span", "num", c.tracking_number), node("span", "title", c.title));
    a.append(node("span", "meta", c.category_name || c.category));
    a.append(node("span", "meta", fill("handled_by", {o: c.opd_name || t("no_opd")})));
    const line = node("span", "meta");
    line.append(statusTag(c.status), " " + fill("submitted_on", {w: day(c.submitted_at)}));
    if (c.answered_at) line.append(", " + fill("answered_after", {d: duration(c.submitted_at, c.answered_at)}));
    a.append(line);
    li.append(a);
    return li;
  }));
  $("more").hidden = !nextToken;
}
$("more").addEventListener("click", () => { if (searched) search(searched, true); });
$("search-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const params = {};
  for (const k of FILTERS) { const v = $(k).value.trim(); if (v) params[k] = v; }
  if (params.q && params.q.length > 100) { showErrors([{field: "q", message: "err_q"}]); return; }
  lastSearch = null;  // "Cari" searches again even at the same address
  go(params, false);  // focus stays on the button; the results are announced
});

// -- the map: Leaflet and its clusters, loaded from our own origin once the list shows ---------------------
let map = null, clusters = null, mapLoading = false, zoom = null;
function load(tag, attrs) {
  return new Promise((resolve, reject) => {
    const el = document.createElement(tag);
    Object.assign(el, attrs);
    el.onload = resolve; el.onerror = reject;
    document.head.append(el);
  });
}
const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (ch) => "&#" + ch.charCodeAt(0) + ";");  // Leaflet's attribution is HTML
function startMap() {
  if (map) { setTimeout(() => map.invalidateSize(), 0); return; }
  if (mapLoading) return;
  mapLoading = true;
  for (const href of [CONFIG.leaflet_css, ...CONFIG.cluster_css]) load("link", {rel: "stylesheet", href}).catch(() => null);
  load("script", {src: CONFIG.leaflet_js}).then(() => load("script", {src: CONFIG.cluster_js})).then(() => {
    const L = window.L;
    // No fading: a popup shows whole at once (half-transparent text is hard to read, and axe says so).
    map = L.map("map", {zoomControl: false, fadeAnimation: false, minZoom: 5, maxBounds: [[-4, 112], [4, 121]]}).fitBounds(KALTIM);
    renderZoom();
    const tiles = L.tileLayer(CONFIG.tile_url, {maxZoom: 18, attribution: escapeHtml(CONFIG.tile_attribution)});
    let failed = 0;
    tiles.on("tileerror", () => { if (++failed === 1) mapNote("map_failed"); });
    tiles.on("tileload", () => { if (mapNoteKey === "map_failed") mapNote(null); });
    tiles.addTo(map);
    clusters = L.markerClusterGroup({showCoverageOnHover: false, maxClusterRadius: 50, iconCreateFunction: clusterIcon});
    map.addLayer(clusters);
    renderMarkers(true);
  }).catch(() => mapNote("map_failed"));
}
let mapNoteKey = null;
function mapNote(key) {
  mapNoteKey = key;
  $("map-note").hidden = !key;
  $("map-note").textContent = key ? t(key) : "";
}
function renderZoom() {
  if (!map) return;
  if (zoom) zoom.remove();
  zoom = window.L.control.zoom({zoomInTitle: t("zoom_in"), zoomOutTitle: t("zoom_out")}).addTo(map);
}
function clusterIcon(cluster) {  // the count, and its words for a screen reader (an element: no markup strings)
  const n = cluster.getChildCount(), size = n < 10 ? "small" : n < 100 ? "medium" : "large";
  const inner = node("div"), count = node("span", "", String(n));
  count.setAttribute("aria-hidden", "true");
  inner.append(count, node("span", "visually-hidden", fill("cluster", {n})));
  return window.L.divIcon({html: inner, className: "marker-cluster marker-cluster-" + size, iconSize: [40, 40]});
}
function popupOf(c) {
  const box = node("div"), link = node("a", "", t("map_open"));
  link.href = caseHref(c.tracking_number);
  link.dataset.tracking = c.tracking_number;
  link.addEventListener("click", (event) => {  // Leaflet keeps a popup's clicks from reaching the document
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    fromList = true;
    go({case: c.tracking_number});
  });
  box.append(node("p", "num", c.tracking_number), node("p", "", c.title), link);
  return box;
}
function renderMarkers(fit) {
  if (!map || !clusters || view !== "list") return;
  const L = window.L, located = items.filter((c) => typeof c.lat === "number" && typeof c.long === "number");
  clusters.clearLayers();
  clusters.addLayers(located.map((c) => {
    const label = node("span", "visually-hidden", c.tracking_number + ": " + c.title);
    const marker = L.marker([c.lat, c.long], {icon: L.divIcon({html: label, className: "pin-public", iconSize: [22, 22]}), title: c.tracking_number});
    marker.bindPopup(() => popupOf(c), {closeButton: true, maxWidth: 240, autoPanPadding: [24, 24]});
    return marker;
  }));
  if (!located.length) mapNote(mapNoteKey === "map_failed" ? "map_failed" : "map_none");
  else if (mapNoteKey === "map_none") mapNote(null);
  if (fit) {  // at once, without an animation: the clusters are drawn for the zoom it ends at
    if (located.length) map.fitBounds(clusters.getBounds(), {padding: [30, 30], maxZoom: 15, animate: false});
    else map.fitBounds(KALTIM, {animate: false});
  }
  $("map").dataset.markers = String(located.length);  // how many complaints the map shows (tests wait on it)
}

// -- one case: ?case=KT-XXXX-XXXX ----------------------------------------------------------------------------
let shownCase = null;
async function openCase(tracking, moveFocus) {
  shownCase = null;
  $("case-view").querySelector("section").hidden = true;
  $("back").textContent = t(fromList ? "back" : "back_all");
  if (!NUMBER.test(tracking)) { showErrors([{field: null, message: "bad_number"}]); return; }
  announce("loading");
  try {
    const c = await api("GET", "/public/complaints/" + encodeURIComponent(tracking));
    if (view !== "case") return;
    shownCase = c;
    renderCase(c);
    $("case-view").querySelector("section").hidden = false;
    announce({key: "opened", values: {n: c.tracking_number, t: c.title}});
    if (moveFocus) { $("case-title").focus(); window.scrollTo(0, 0); }
  } catch (e) {
    if (e.status === 404) showErrors([{field: null, message: {key: "not_found", values: {n: tracking}}}]);
    else showErrors(errorOf(e));
  }
}
function renderCase(c) {
  $("back").textContent = t(fromList ? "back" : "back_all");
  $("back").href = fromList && lastSearch ? addressOf(JSON.parse(lastSearch)) : addressOf({});
  $("case-title").textContent = c.title;
  $("case-number").textContent = c.tracking_number;
  const status = $("case-status");
  status.className = "tag " + (STATUSES.includes(c.status) ? c.status : "");
  status.textContent = t("st_" + c.status);
  // The stage matters while the case is open; once answered, the status says it.
  $("case-stage").textContent = c.stage_label && c.status === "open" ? fill("stage_now", {s: pick(c.stage_label)}) : "";
  $("case-category").textContent = [c.category_name || c.category, c.subcategory_name].filter(Boolean).join(" · ");
  $("case-opd").textContent = c.opd_name || t("no_opd");
  $("case-submitted").textContent = when(c.submitted_at);
  const located = typeof c.lat === "number" && typeof c.long === "number";
  $("case-place").textContent = located ? fill("place_at", {lat: c.lat.toFixed(3), long: c.long.toFixed(3)}) : t("place_none");
  if (located) {  // the rounded point on a full map, in a new tab
    const link = node("a", "", t("place_map"));
    link.href = `https://www.openstreetmap.org/?mlat=${c.lat}&mlon=${c.long}#map=16/${c.lat}/${c.long}`;
    link.target = "_blank"; link.rel = "noopener noreferrer";
    $("case-place").append(" — ", link);
  }
  $("case-description").textContent = c.description || "";
  $("case-sop").hidden = !["met", "breached"].includes(c.sop_outcome);
  $("case-sop").textContent = $("case-sop").hidden ? "" : fill("sop_outcome", {o: t("sop_" + c.sop_outcome)});
  $("case-sop").className = "tag " + (c.sop_outcome === "met" ? "done" : "late");
  $("case-answer-box").hidden = !c.answer;
  $("case-answer").textContent = c.answer || "";
  $("case-answered-at").textContent = c.answered_at ? fill("answered_on", {w: when(c.answered_at), d: duration(c.submitted_at, c.answered_at)}) : "";
  $("case-timeline").replaceChildren(...(c.stages || []).map((s) => {
    const li = node("li"), top = node("span", "what", pick(s.label) || s.stage);
    li.append(top);
    if (s.on_time === true) li.append(" ", node("span", "tag done", t("on_time")));
    else if (s.on_time === false) li.append(" ", node("span", "tag late", t("late")));
    li.append(node("span", "times", fill("entered", {w: when(s.entered_at)})));
    li.append(node("span", "times", s.completed_at ? fill("completed", {w: when(s.completed_at)}) : t("running")));
    if (s.due_at) li.append(node("span", "times", fill("due", {w: when(s.due_at)})));
    return li;
  }));
  $("share-url").value = new URL(addressOf({case: c.tracking_number}), location.href).href;
  $("copied").hidden = true;
  document.title = c.tracking_number + " — " + t("register");
}
$("copy").addEventListener("click", () => {
  const url = $("share-url").value;
  const done = (key) => { $("copied").textContent = t(key); $("copied").hidden = false; announce(key); };
  (navigator.clipboard ? navigator.clipboard.writeText(url) : Promise.reject()).then(() => done("copied"), () => { $("share-url").select(); done("copy_failed"); });
});

// -- the agencies' scorecards (GET /public/agencies) for the chosen period --------------------------------
let scores = null, scoresKey = null;
async function loadScores(period) {
  const range = periodRange(period), key = range.from + range.to;
  if (key === scoresKey) return;
  scoresKey = key;
  try {
    const data = await api("GET", `/public/agencies?from=${range.from}&to=${range.to}`);
    if (key !== scoresKey) return;
    scores = data;
    let added = false;
    for (const a of data.items || []) if (a.opd && !agencies[a.opd]) { agencies[a.opd] = a.name; added = true; }
    if (added) renderOptions();
    renderScores();
  } catch (e) {
    scoresKey = null;
    if (view === "list" && !shownErrors) showErrors(errorOf(e), true);
  }
}
function renderScores() {
  if (!scores) return;
  const rows = scores.items || [];
  $("scores-caption").textContent = fill("scores_caption", {p: pick(scores.label) || scores.from + " – " + scores.to});
  $("scores-empty").hidden = rows.length > 0;
  // The busiest agencies first (then by name, as the API gives them): what people look for.
  const sorted = rows.map((a, i) => [a, i]).sort((x, y) => (y[0].received || 0) - (x[0].received || 0) || x[1] - y[1]).map((x) => x[0]);
  const figures = (a) => {
    const none = (v) => v === null || v === undefined;
    return [number(a.received || 0), number(a.answered || 0),
      none(a.answered_within_sop_pct) ? t("no_value") : number(a.answered_within_sop_pct, 1) + "%",
      none(a.median_business_minutes_to_answer) ? t("no_value") : pick(a.median_text) || t("no_value"),
      none(a.average_rating) ? t("no_value") : number(a.average_rating, 1) + " (" + fill("ratings", {n: number(a.ratings || 0)}) + ")"];
  };
  const heads = ["sc_received", "sc_answered", "sc_sop", "sc_median", "sc_rating"];
  $("scores-body").replaceChildren(...sorted.map((a) => {
    const tr = node("tr"), name = node("th", "", a.name || a.opd);
    name.scope = "row";
    tr.append(name, ...figures(a).map((v, i) => node("td", i === 3 ? "" : "n", v)));
    return tr;
  }));
  // On a phone the table would hide its columns to the right: one card per agency instead.
  const busy = sorted.filter((a) => a.received || a.answered || a.ratings), idle = sorted.filter((a) => !busy.includes(a));
  $("scores-idle").hidden = !idle.length;
  $("scores-idle").textContent = fill("scores_idle", {l: idle.map((a) => a.name || a.opd).join(", ")});
  $("scores-cards").replaceChildren(...busy.map((a) => {
    const li = node("li"), dl = node("dl");
    li.append(node("h3", "", a.name || a.opd), dl);
    figures(a).forEach((v, i) => dl.append(node("dt", "", t(heads[i])), node("dd", "", v)));
    return li;
  }));
  $("scores-cards-caption").textContent = $("scores-caption").textContent;
}

// -- open data: a month's CSV and JSON ----------------------------------------------------------------------
function renderMonths() {
  const select = $("data-month"), keep = select.value, today = todayWita(), months = [];
  for (let i = 0; i < 12; i++) {
    const d = new Date(today.getFullYear(), today.getMonth() - i, 1);
    months.push(option(d.getFullYear() + "-" + pad(d.getMonth() + 1), MONTHS[lang][d.getMonth()] + " " + d.getFullYear()));
  }
  select.replaceChildren(...months);
  if (keep) select.value = keep;
  renderDownloads();
}
function renderDownloads() {
  const month = $("data-month").value;
  $("data-csv").href = "public/open-data.csv?month=" + encodeURIComponent(month);
  $("data-json").href = "public/open-data.json?month=" + encodeURIComponent(month);
  $("data-csv").setAttribute("download", "aspirasi-kaltim-" + month + ".csv");
  $("data-json").setAttribute("download", "aspirasi-kaltim-" + month + ".json");
}
$("data-month").addEventListener("change", renderDownloads);

// -- start: the address decides what shows ------------------------------------------------------------------
history.replaceState({page: "public"}, "", location.pathname + location.search);
applyLang();
loadCategories().then(() => null);
route(false);
})();
